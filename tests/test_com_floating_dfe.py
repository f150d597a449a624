"""Floating DFE taps and the tail RSS limit (IEEE COM reference code ``floatingDFE`` /
``findbankloc`` / tail block of ``optimize_fom``): the compiled kernels against the
statement-by-statement Python transcription in tests/naive_com.py, on random post-cursor
sequences (seeded) chosen to exercise the neighbouring-bank rules, ties and the shortcut."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel._kernels import com as kc
from tests.naive_com import naive_dfe, naive_findbankloc
from tests.tolerances import ATOL_SAME_FORMULA


def _post(seed: int, n: int, kind: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == 0:                       # decaying tail with reflections
        h = 0.3 * np.exp(-np.arange(n) / 6.0) * rng.choice([-1, 1], n)
        for _ in range(3):
            i = rng.integers(10, n - 4)
            h[i: i + 3] += rng.normal(0, 0.05, 3)
        return h
    if kind == 1:                       # quantised values: many ties
        return rng.integers(-3, 4, n) * 0.01
    return rng.normal(0, 0.02, n)       # noise-like


@given(seed=st.integers(0, 10_000), kind=st.integers(0, 2), n_bg=st.integers(1, 4),
       n_bf=st.integers(1, 4), h0=st.sampled_from([0.05, 0.2, 1.0]))
def test_findbankloc_equals_transcription(seed, kind, n_bg, n_bf, h0):
    post = _post(seed, 40, kind)
    nb, n_f, g = 12, 40, 0.05
    idx = np.zeros(n_bg * n_bf, dtype=np.int64)
    kc.findbankloc(post, nb + 1, n_f, n_bf, h0, g, n_bg, idx)
    assert idx.tolist() == naive_findbankloc(post, nb + 1, n_f, n_bf, h0, g, n_bg)


@given(seed=st.integers(0, 10_000), kind=st.integers(0, 2),
       rss=st.sampled_from([0.0, 0.02, 0.04, 0.08, 0.12, 1.0]),
       tail=st.sampled_from([0, 13, 25]), n_bg=st.integers(0, 3))
def test_dfe_taps_equal_transcription(seed, kind, rss, tail, n_bg):
    post = _post(seed, 45, kind)
    h0 = 0.2
    bmax = np.array([0.85, 0.3] + [0.2] * 5 + [0.1] * 5)
    bmin = np.array([0.3, 0.05] + [-0.03] * 10)
    flt = np.array([n_bg, 3, 40, 0.05, rss, tail], dtype=float)
    span = int(kc.dfe_span(bmax.size, flt))
    taps = np.empty(span)
    s = kc.dfe_taps(post, post.size, h0, bmin, bmax, flt, taps)
    ref = naive_dfe(post, h0, bmin, bmax, flt)
    np.testing.assert_allclose(taps, ref, rtol=0, atol=ATOL_SAME_FORMULA)
    cur = post[:span]
    expect = float(np.sum((cur - ref * h0) ** 2 - cur**2))
    assert s == pytest.approx(expect, abs=1e-12)


def test_tail_rss_is_limited():
    """With the tail limit, the RSS of taps N_tail_start.. equals B_float_RSS_MAX when it would exceed it."""
    post = np.full(40, 0.001)
    post[29:38] = 0.02                                  # taps 30..38: where the banks go
    flt = np.array([3, 3, 40, 0.05, 0.02, 25], dtype=float)
    taps = np.empty(40)
    kc.dfe_taps(post, 40, 0.2, -np.ones(12), np.ones(12), flt, taps)
    assert np.linalg.norm(taps[24:]) == pytest.approx(0.02, rel=1e-12)
    assert np.flatnonzero(taps[12:]).tolist() == list(range(17, 26))   # taps 30..38
