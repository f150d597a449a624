"""The sweep's fused chunk kernels against the array-level API they replace.

``chunk_s21_il`` (whole chunk: every line + package group, SDD21 and IL at Nyquist) is
checked against :func:`sikernel.channel.batch.stripline_channels` and
``Channel.il_db``; ``chunk_pulse_cursors`` (whole chunk: every baud and front end) against
:func:`sikernel.response.pulse_from_h` followed by a NumPy peak search; the resampling and
phase-unwrapping kernels (shared with :func:`sikernel.response.pulse_from_h`) against
``numpy.unwrap(numpy.angle(h))`` and ``numpy.interp`` (``tests/naive_response.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel._kernels import response as kr
from sikernel._kernels import sweep as ks
from sikernel.errors import SIKernelError

from .tolerances import ATOL_SAME_FORMULA, RTOL_SAME_FORMULA

# resampling interpolates magnitude and phase the same way; only the order of a few
# floating-point operations inside np.interp may differ between NumPy and Numba
ATOL_RESAMPLE = 1e-13
# FOM_ILD is the rms of a least-squares residual: the same LAPACK solve, called from Numba
# with its default rcond instead of NumPy's, moves it in the last digits
RTOL_FOM_KERNEL = 1e-9
F_HZ = np.arange(301) * 100e6          # the bench grid: 0 ... 30 GHz, 100 MHz
M = 8                                  # samples per UI


def _lossy_h(lengths_m: np.ndarray, f: np.ndarray) -> np.ndarray:
    from sikernel.channel.batch import stripline_channels
    from sikernel.channel.lines import Stripline

    return stripline_channels(Stripline("megtron7", 0.12e-3, 17e-6, 0.2e-3, spacing=0.2e-3),
                              lengths_m, f, out="s21")


@given(st.integers(0, 2**32 - 1), st.floats(0.1, 40.0))
def test_unwrap_phase_equals_numpy(seed, slope_rad):
    rng = np.random.default_rng(seed)
    n = 200
    ph = slope_rad * np.linspace(0, 1, n) ** 1.3 * n / 10 + rng.normal(0, 0.3, n)
    h = (0.2 + rng.random(n)) * np.exp(-1j * ph)
    got = np.empty(n)
    kr.unwrap_phase(h, got)
    np.testing.assert_allclose(got, np.unwrap(np.angle(h)), rtol=0, atol=ATOL_SAME_FORMULA)


def test_resample_row_equals_numpy_interp():
    from sikernel.response import _on_fft_grid, fft_grid

    from .naive_response import on_fft_grid_numpy

    h = _lossy_h(np.array([0.05, 0.3]), F_HZ)
    grid = fft_grid(F_HZ, 25.78125e9, M)              # 2062.5 points at 100 MHz: resampled
    want = on_fft_grid_numpy(h, F_HZ, grid.df_hz)
    got, n_valid = _on_fft_grid(h, F_HZ, grid)         # the API path, through the kernel
    assert got.shape == want.shape and n_valid == want.shape[1] and abs(grid.df_hz - 100e6) > 1e3
    np.testing.assert_allclose(got, want, rtol=0, atol=ATOL_RESAMPLE)
    one = np.empty(n_valid, dtype=np.complex128)
    kr.resample_row(h[1], F_HZ, grid.df_hz, one)
    np.testing.assert_array_equal(one, got[1])


def _reference_cursors(v: np.ndarray, n_pre: int, n_post: int) -> tuple[np.ndarray, float]:
    i0 = int(np.argmax(v))
    idx = i0 + M * np.arange(-n_pre, n_post + 1)
    ok = (idx >= 0) & (idx < v.size)
    return np.where(ok, v[np.clip(idx, 0, v.size - 1)], 0.0), float(v[i0])


@pytest.mark.parametrize("keep", [False, True])
def test_chunk_pulse_cursors_equals_pulse_from_h(keep):
    """Rows of three bauds (one resampled) and two front ends side by side in one call."""
    from sikernel.eq import filters
    from sikernel.response import _GRID_RTOL, fft_grid, pulse_from_h

    lengths = np.array([0.01, 0.08, 0.25, 0.4, 0.02, 0.15])
    h = _lossy_h(lengths, F_HZ)
    groups = [(25.78125e9, 0.0, 0.0), (53.125e9, 0.0, 0.0), (26.5625e9, 8e-12, 0.75)]
    group = np.array([0, 1, 2, 0, 2, 1], dtype=np.int64)
    fe = np.ones((3, F_HZ.size), dtype=np.complex128)
    has_fe = np.zeros(3, dtype=np.bool_)
    resample = np.zeros(3, dtype=np.bool_)
    n_valid, n_time, n_neg = (np.zeros(3, dtype=np.int64) for _ in range(3))
    df_t, t_ui = np.zeros(3), np.zeros(3)
    for g, (fb, t_r, f_r) in enumerate(groups):
        grid = fft_grid(F_HZ, fb, M)
        same = abs(grid.df_hz - 100e6) <= _GRID_RTOL * 100e6
        resample[g] = not same
        n_valid[g] = min(grid.n_pos, F_HZ.size) if same else np.count_nonzero(grid.f_hz <= F_HZ[-1])
        n_time[g], n_neg[g], df_t[g], t_ui[g] = grid.n_time, grid.n_neg, grid.df_hz, 1 / fb
        if t_r or f_r:
            has_fe[g] = True
            fe[g] = filters.tx_rise_time_filter(F_HZ, t_r) * filters.rx_afe_filter(F_HZ, f_r * fb)
    assert resample.tolist() == [True, False, False]
    n_pre, n_post = 2, 10
    cur = np.empty((lengths.size, n_pre + 1 + n_post))
    h0 = np.empty(lengths.size)
    pulses = np.full((lengths.size, int(n_time.max())) if keep else (1, 1), np.nan)
    ks.chunk_pulse_cursors(h, F_HZ, group, fe, has_fe, resample, n_valid, df_t, t_ui, n_time, n_neg, M,
                           n_pre, n_post, cur, h0, pulses, keep)
    for r, g in enumerate(group):
        fb = groups[g][0]
        _, v = pulse_from_h(h[r] * fe[g] if has_fe[g] else h[r], F_HZ, fb, M)
        want, peak = _reference_cursors(v, n_pre, n_post)
        np.testing.assert_allclose(cur[r], want, rtol=0, atol=ATOL_RESAMPLE)
        np.testing.assert_allclose(h0[r], peak, rtol=0, atol=ATOL_RESAMPLE)
        if keep:
            np.testing.assert_allclose(pulses[r, :v.size], v, rtol=0, atol=ATOL_RESAMPLE)
    # the front end and the baud matter (the comparison can fail): same length, other group
    assert abs(h0[0] - h0[4]) > 1e-3



def test_chunk_pulse_cursors_peak_before_t0():
    """A channel advanced in time puts the peak in the record's negative-time part (the
    first of the two segments the kernel scans): same peak and cursors as the reference."""
    from sikernel.response import fft_grid, pulse_from_h

    fb = 53.125e9
    grid = fft_grid(F_HZ, fb, M)
    h = _lossy_h(np.array([0.05]), F_HZ)
    t, v = pulse_from_h(h[0], F_HZ, fb, M)
    dt = t[1] - t[0]
    advance_s = t[int(np.argmax(v))] + (grid.n_neg // 2) * dt
    h_adv = np.ascontiguousarray(h * np.exp(2j * np.pi * F_HZ * advance_s))
    _, v_adv = pulse_from_h(h_adv[0], F_HZ, fb, M)
    want, peak = _reference_cursors(v_adv, 2, 10)
    assert int(np.argmax(v_adv)) < grid.n_neg  # the peak is before t = 0
    one = np.ones((1, 1))
    cur = np.empty((1, 13))
    h0 = np.empty(1)
    pulses = np.empty((1, grid.n_time))
    ks.chunk_pulse_cursors(h_adv, F_HZ, np.zeros(1, dtype=np.int64), one.astype(np.complex128),
                           np.zeros(1, dtype=np.bool_), np.zeros(1, dtype=np.bool_),
                           np.array([min(grid.n_pos, F_HZ.size)]), np.array([grid.df_hz]), np.array([1 / fb]),
                           np.array([grid.n_time]), np.array([grid.n_neg]), M, 2, 10, cur, h0, pulses, True)
    np.testing.assert_allclose(cur[0], want, rtol=0, atol=ATOL_RESAMPLE)
    np.testing.assert_allclose(h0[0], peak, rtol=0, atol=ATOL_RESAMPLE)
    np.testing.assert_allclose(pulses[0, :v_adv.size], v_adv, rtol=0, atol=ATOL_RESAMPLE)

def test_chunk_s21_il_equals_batch_builder_and_il_db():
    from sikernel.channel.batch import s21_tables, stripline_channels
    from sikernel.channel.core import Channel
    from sikernel.channel.lines import Stripline

    lines = [Stripline("megtron7", 0.12e-3, 17e-6, 0.2e-3, spacing=0.2e-3),
             Stripline("fr4", 0.12e-3, 17e-6, 0.2e-3, spacing=0.2e-3, roughness="std")]
    pkgs = [None, "802.3ck"]
    tabs = [s21_tables(ln, F_HZ, pk, pk) for ln, pk in zip(lines, pkgs, strict=True)]
    parts = [np.ascontiguousarray(np.stack([t[j] for t in tabs])) for j in range(6)]
    lengths = np.array([0.0, 0.03, 0.2, 0.1, 0.35])
    group = np.array([0, 1, 1, 0, 1], dtype=np.int64)
    f_q = np.array([13.28125e9, 26.5625e9, 12.890625e9, 20e9, 26.5625e9])
    h = np.empty((lengths.size, F_HZ.size), dtype=np.complex128)
    il = np.empty(lengths.size)
    ks.chunk_s21_il(*parts, group, lengths, F_HZ, f_q, h, il)
    for r, g in enumerate(group):
        want = stripline_channels(lines[g], lengths[r:r + 1], F_HZ, pkgs[g], pkgs[g])[0]
        np.testing.assert_allclose(h[r], want, rtol=RTOL_SAME_FORMULA, atol=ATOL_SAME_FORMULA)
        sdd = np.zeros((F_HZ.size, 2, 2), dtype=np.complex128)
        sdd[:, 1, 0] = sdd[:, 0, 1] = want
        np.testing.assert_allclose(il[r], Channel(F_HZ, sdd).il_db(f_q[r]), rtol=RTOL_SAME_FORMULA)
    assert il[4] > il[3] + 1.0   # longer fr4 with packages loses more than shorter megtron7


def test_group_rows_many_distinct_values_no_overflow():
    """Seven columns of 3,000 distinct values each: a plain mixed-radix code would overflow int64."""
    from sikernel.sweep.stages import _group_rows

    n = 3000
    rng = np.random.default_rng(11)
    p = {f"c{j}": rng.permutation(n).astype(float) for j in range(7)}
    p["c0"][:10] = p["c0"][10:20]          # rows 0-9 differ from rows 10-19 in the other columns
    first, group = _group_rows(p, tuple(p))
    assert first.size == n and np.unique(group).size == n
    same = {"a": np.array(["x", "y", "x", "y"], dtype=object), "b": np.array([1.0, 2.0, 1.0, 2.0])}
    first, group = _group_rows(same, ("a", "b"))
    assert group.tolist() == [0, 1, 0, 1] and first.tolist() == [0, 1]


def test_chunk_fom_ild_equals_metrics_fom_ild():
    """Packaged channels (reflections: real ILD ripple) at two bauds side by side."""
    from sikernel.channel import metrics
    from sikernel.channel.batch import stripline_channels
    from sikernel.channel.core import Channel
    from sikernel.channel.lines import Stripline
    from sikernel.sweep.stages import _metrics_group

    f = np.arange(601) * 100e6
    line = Stripline("fr4", 0.12e-3, 17e-6, 0.2e-3, spacing=0.2e-3, roughness="std")
    lengths = np.array([0.0, 0.02, 0.1, 0.25])
    h = np.concatenate([stripline_channels(line, lengths, f, "802.3ck", "802.3ck"),
                        stripline_channels(line, lengths[:2], f)])
    bauds = np.array([26.5625e9, 53.125e9])
    group = np.array([0, 1, 0, 1, 1, 0], dtype=np.int64)
    gs = [_metrics_group(f, fb) for fb in bauds]
    lo = np.array([g[0] for g in gs], dtype=np.int64)
    hi = np.array([g[1] for g in gs], dtype=np.int64)
    w = np.zeros((2, int((hi - lo).max())))
    for j, g in enumerate(gs):
        w[j, :g[2].size] = g[2]
    fit, fom = np.empty(h.shape[0]), np.empty(h.shape[0])
    ks.chunk_fom_ild(h, f, group, lo, hi, w, 0.5 * bauds[group], fit, fom)
    for r in range(h.shape[0]):
        fb = bauds[group[r]]
        sdd = np.zeros((f.size, 2, 2), dtype=np.complex128)
        sdd[:, 1, 0] = sdd[:, 0, 1] = h[r]
        want = metrics.fom_ild(Channel(f, sdd), fb)
        np.testing.assert_allclose(fom[r], want.fom_db, rtol=RTOL_FOM_KERNEL, atol=ATOL_SAME_FORMULA)
        np.testing.assert_allclose(fit[r], want.fit.at(0.5 * fb), rtol=RTOL_SAME_FORMULA)
    assert fom[1] > 0.05 and fom[4] < 1e-3   # the packages' reflections make ILD; the bare line barely
    with pytest.raises(SIKernelError, match="at least 4"):
        _metrics_group(np.arange(3) * 10e9, 53.125e9)
