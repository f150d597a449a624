"""The simulator's DFE, vectorised across the sequence (decisions from the feedback of the
transmitted symbols, re-decided one by one after each wrong decision), against a plain
per-symbol loop with the same noise draws: every count equal."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel._kernels.rng import normal_samples
from sikernel._kernels.timesim import _BLOCK
from sikernel.eye.timesim import simulate

from . import naive_eye, naive_timesim

# a record of three full kernel blocks and a part: error windows cross block boundaries
N_SYMBOLS = 3 * _BLOCK + 777
N_PRE, N_POST = 2, 12


def _count_from_the_first_decision(monkeypatch):
    """Make ``simulate`` count every decision (no warm-up): the start-up, where symbols
    never decided feed back ``levels[0]``, is then compared too."""
    from sikernel.eye import timesim as ts

    run_link = ts._k.run_link

    def counting_all(*args):
        run_link(*args[:15], 0, *args[16:])

    monkeypatch.setattr(ts._k, "run_link", counting_all)


@pytest.mark.parametrize(("n_levels", "n_dfe", "rx_ffe", "propagate", "sigma_v"), [
    (4, 12, [-0.08, 1.0, -0.12], True, 0.05),
    (4, 12, [1.0], True, 0.05),
    (4, 5, [-0.08, 1.0, -0.12], True, 0.05),
    (4, 12, [-0.08, 1.0, -0.12], False, 0.05),
    (2, 1, [1.0], True, 0.12),
])
def test_vectorised_dfe_equals_symbol_loop(rng, monkeypatch, n_levels, n_dfe, rx_ffe, propagate,
                                           sigma_v):
    _count_from_the_first_decision(monkeypatch)
    levels = naive_eye.pam_levels(n_levels)
    # taps off round decimals: round taps with PAM levels put sums exactly on a threshold
    h = np.array([0.03, -0.06, 0.4, 0.22, -0.1, 0.07, 0.05, -0.04, 0.03, 0.02, -0.02, 0.015, 0.01,
                  -0.01, 0.005]) + rng.normal(0.0, 1e-3, 15)
    rx = np.array(rx_ffe)
    rx_pre = 1 if rx.size > 1 else 0
    if rx.size > 1:
        rx = rx + rng.normal(0.0, 1e-3, rx.size)
    dfe = 0.6 * h[N_PRE + 1: N_PRE + 1 + n_dfe] + rng.normal(0.0, 1e-3, n_dfe)  # ISI left: errors
    sym = rng.integers(0, n_levels, size=N_SYMBOLS + 100)
    seed = 17
    res = simulate(h, 1, n_symbols=N_SYMBOLS, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre,
                   dfe_taps_v=dfe, n_pre=N_PRE, n_post=N_POST, sigma_v=sigma_v, seed=seed,
                   modulation="nrz" if n_levels == 2 else "pam4", dfe_error_propagation=propagate)
    n_warm = h.size + rx.size + dfe.size  # symbols beyond the requested ones (the kernel's warm-up)
    used = sym[: N_SYMBOLS + n_warm + N_PRE + rx_pre]   # and the counted symbols' precursors
    # the kernel draws one normal per decided symbol, from the first one (N_POST - rx_pre) on
    m_first = N_POST - rx_pre
    g = np.empty(used.size - m_first)
    normal_samples(seed, g)
    noise = np.zeros(used.size)
    noise[m_first:] = sigma_v * g
    counted, se, be, err_thr, decided = naive_timesim.noisy_link_loop(
        levels[used], used, h, N_PRE, rx, rx_pre, dfe, levels, res.thresholds_v, 0, noise,
        propagate)
    assert se > 200  # many wrong decisions: the one-by-one path really runs
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == (counted, se, be)
    np.testing.assert_array_equal(res.threshold_errors, err_thr)
    if propagate and n_dfe >= 5:
        # some wrong decision lies within the DFE span before a kernel block boundary, so
        # the symbols re-decided after it continue into the next block
        wrong = np.flatnonzero((decided >= 0) & (decided != used))
        bounds = m_first + _BLOCK * np.arange(1, 4)
        assert any(np.any((wrong >= b - n_dfe) & (wrong < b)) for b in bounds)


@pytest.mark.parametrize("rx_ffe", [[1.0], [-0.05, 1.0, -0.04]])
def test_start_up_feeds_back_the_lowest_level(rng, monkeypatch, rx_ffe):
    """Noise-free, the DFE cancelling the post-cursors, the record starting with
    top-level symbols that are never decided: the first decisions see them fed back as
    ``levels[0]`` and go wrong (and propagate), exactly as in the plain loop."""
    _count_from_the_first_decision(monkeypatch)
    levels = naive_eye.pam_levels(4)
    h = np.array([0.02, -0.04, 0.4, 0.2, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.015, 0.01,
                  0.008, 0.005]) + rng.normal(0.0, 1e-4, 15)
    rx = np.array(rx_ffe)
    rx_pre = 1 if rx.size > 1 else 0
    dfe = h[N_PRE + 1:]  # 12 taps
    sym = rng.integers(0, 4, size=600)
    sym[:N_POST - 1] = 3  # before the first decided symbol (N_POST - rx_pre)
    res = simulate(h, 1, n_symbols=500, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre, dfe_taps_v=dfe,
                   n_pre=N_PRE, n_post=N_POST)
    used = sym[: 500 + h.size + rx.size + dfe.size + N_PRE + rx_pre]
    counted, se, be, err_thr, _ = naive_timesim.noisy_link_loop(
        levels[used], used, h, N_PRE, rx, rx_pre, dfe, levels, res.thresholds_v, 0,
        np.zeros(used.size))
    assert se > 0  # the start-up really matters here
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == (counted, se, be)
    np.testing.assert_array_equal(res.threshold_errors, err_thr)


@given(seed=st.integers(0, 2**31), n_levels=st.sampled_from([2, 4]), n_dfe=st.integers(0, 8),
       n_rx=st.integers(1, 3), sigma_v=st.sampled_from([0.0, 0.02, 0.06]), propagate=st.booleans())
def test_any_link_equals_symbol_loop(seed, n_levels, n_dfe, n_rx, sigma_v, propagate):
    """Random symbol-spaced links (pulse, RX FFE, DFE taps, noise) over two kernel blocks:
    the counts equal the plain loop's with the same noise draws."""
    r = np.random.default_rng(seed)
    levels = naive_eye.pam_levels(n_levels)
    n_pre, n_post = int(r.integers(0, 3)), int(r.integers(n_dfe, n_dfe + 6))
    h = r.normal(0.0, 0.06, n_pre + n_post + 1)
    h[n_pre] = 0.4 + r.uniform(0.0, 0.2)
    rx = r.normal(0.0, 0.08, n_rx)
    rx_pre = int(r.integers(0, n_rx))
    rx[rx_pre] = 1.0 if n_rx == 1 else 1.0 + r.normal(0.0, 0.01)  # a unit FFE: the folded path
    dfe = h[n_pre + 1: n_pre + 1 + n_dfe] * r.uniform(0.3, 1.0, n_dfe)
    n_sym = _BLOCK + 300
    sym = r.integers(0, n_levels, size=n_sym + 100)
    res = simulate(h, 1, n_symbols=n_sym, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre,
                   dfe_taps_v=dfe if n_dfe else [], n_pre=n_pre, n_post=n_post, sigma_v=sigma_v,
                   seed=seed, modulation="nrz" if n_levels == 2 else "pam4",
                   dfe_error_propagation=propagate)
    n_warm = h.size + rx.size + dfe.size
    used = sym[: n_sym + n_warm + n_pre + rx_pre]
    m_first = max(0, n_post - rx_pre)
    g = np.empty(max(used.size - n_pre - rx_pre - m_first, 0))  # one draw per decided symbol
    normal_samples(seed, g)
    noise = np.zeros(used.size)
    noise[m_first: m_first + g.size] = sigma_v * g
    counted, se, be, err_thr, _ = naive_timesim.noisy_link_loop(
        levels[used], used, h, n_pre, rx, rx_pre, dfe, levels, res.thresholds_v, n_warm, noise,
        propagate)
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == (counted, se, be)
    np.testing.assert_array_equal(res.threshold_errors, err_thr)


@pytest.mark.parametrize(("spread_rows", "dual_dirac_rows", "n_out"), [
    (0.35, 0.0, 2048), (0.3, 1.0, 2048), (0.6, 0.5, 2048), (12.0, 0.0, 2048), (1.0, 0.0, 1), (1.5, 0.0, 7),
])
def test_jittered_channel_samples_equal_the_per_symbol_kernel(rng, spread_rows, dual_dirac_rows, n_out):
    """The jittered channel samples (rows applied to the whole block where many symbols
    need them, dot products for the rest, the per-symbol kernel when the jitter spreads
    over many rows) equal the per-symbol kernel ``_fir_rows`` bit for bit: rows near
    the nominal one, fractions 0 (no second row), and the clipped last row pair."""
    from sikernel._kernels import timesim as kt

    k, n_rows = kt._JITTER_SPLIT_MIN_TAPS + 13, 24  # taps enough for the split paths
    tab = rng.normal(size=(n_rows, k))
    x = rng.choice(naive_eye.pam_levels(4), size=n_out + k + 5)
    dd = np.where(rng.random(n_out) < 0.5, dual_dirac_rows, -dual_dirac_rows)
    pos = np.clip(11.3 + dd + spread_rows * rng.normal(size=n_out), 0.0, n_rows - 1.0)
    rows = np.floor(pos).astype(np.int64)
    frac = pos - rows
    frac[::4] = 0.0
    last = rows >= n_rows - 1
    rows[last], frac[last] = n_rows - 2, 1.0
    ref = np.full(n_out, np.nan)
    kt._fir_rows(x, 2, tab, rows, frac, ref)
    out = np.full(n_out, np.nan)
    work = [np.empty((8, n_out)), np.empty(n_rows, dtype=np.int64), np.empty(n_rows, dtype=np.int64)]
    work += [np.empty(2 * n_out, dtype=np.int64) for _ in range(3)] + [np.empty(2 * n_out)]
    kt._fir_jittered(x, 2, tab, rows, frac, out, *work)
    np.testing.assert_array_equal(out, ref)


def test_jittered_channel_samples_are_fma_dot_products_interpolated(rng):
    """The per-symbol kernel against exact rational arithmetic: each sample is the dot
    product rounded after every FMA (order j = 0, 1, ...), for the row below and the row
    above, then ``fma(f, b, (1 - f) a)``; bit for bit.  Where the kernels' ``s += a * b`` is
    not fused (a CPU without FMA, ``NUMBA_CPU_NAME=generic``), the dot products are the
    plainly rounded ones, still in that order and still bit for bit."""
    from sikernel._kernels import timesim as kt
    from tests._machine import kernels_contract_fma

    dot = naive_timesim.fma_dot if kernels_contract_fma() else naive_timesim.plain_dot

    k, n_rows, n_out = 23, 9, 64
    tab = rng.normal(size=(n_rows, k))
    x = rng.choice(naive_eye.pam_levels(4), size=n_out + k + 5)
    rows = rng.integers(0, n_rows - 1, size=n_out)
    frac = rng.random(n_out)
    frac[::5] = 0.0
    out = np.full(n_out, np.nan)
    kt._fir_rows(x, 3, tab, rows, frac, out)
    ref = [naive_timesim.fma_lerp(dot(x[3 + i: 3 + i + k], tab[rows[i]]),
                                  dot(x[3 + i: 3 + i + k], tab[rows[i] + 1]), frac[i])
           for i in range(n_out)]
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize(("rj_ui", "dd_ui", "phase_offset_ui", "propagate"), [
    (0.05, 0.1, 0.0, True), (0.08, 0.0, 0.1, True), (0.0, 0.15, -0.05, False)])
def test_jittered_link_equals_plain_python_with_the_same_draws(rng, rj_ui, dd_ui, phase_offset_ui,
                                                               propagate):
    """The jitter path end to end against plain Python: the random stream (xoshiro256**,
    ziggurat) re-implemented with Python ints, drawn symbol by symbol (RJ, dual-Dirac sign,
    then the slicer noise), the jittered samples as FMA dot products from the pulse itself
    (exact rational arithmetic), the RX FFE and the DFE loop: every count equal."""
    import math

    from sikernel._kernels.rng import normal_samples

    m = 4
    t = np.arange(12 * m) / m
    p = 0.4 * np.exp(-((t - 3) / 0.6) ** 2) + 0.05 * np.exp(-np.clip(t - 3, 0, None) / 2.0) * (t > 3)
    p = p + rng.normal(0.0, 1e-4, p.size)  # off round numbers: no exact threshold ties
    n_pre, n_post = 2, 8
    rx, rx_pre = np.array([-0.06, 1.0, -0.1]), 1
    levels = naive_eye.pam_levels(4)
    n_sym, n_dfe, sigma_v, seed = 2500, 3, 0.045, 11
    n_warm = n_pre + 1 + n_post + rx.size + n_dfe
    sym = rng.integers(0, 4, size=n_sym + n_warm + n_pre + rx_pre)
    res = simulate(p, m, n_symbols=n_sym, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre, n_dfe=n_dfe,
                   n_pre=n_pre, n_post=n_post, sigma_v=sigma_v, sigma_rj_ui=rj_ui, a_dd_ui=dd_ui,
                   phase_offset_ui=phase_offset_ui, seed=seed, dfe_error_propagation=propagate)
    # the sampling instant and the table the kernel interpolates in (eye/timesim.py)
    i_nom = int(np.argmax(p)) + phase_offset_ui * m
    r_half = math.ceil(0.5 * m) + 1
    base = math.floor(i_nom) - r_half
    y, noise = naive_timesim.jittered_samples(levels[sym], p, m, i_nom, base, 2 * r_half + 2, n_pre,
                                              n_post, rx_pre, rj_ui * m, dd_ui * m, sigma_v, seed)
    g = np.empty(3)
    normal_samples(seed, g)
    assert naive_timesim.Xoshiro256(seed).normal() == g[0]  # the Python stream is the kernel's
    counted, se, be, err_thr, _ = naive_timesim.noisy_link_loop(
        levels[sym], sym, np.zeros(n_pre + 1 + n_post), n_pre, rx, rx_pre, res.dfe_taps_v, levels,
        res.thresholds_v, n_warm, noise, propagate, samples=y)
    assert se > 20  # jitter and noise really make errors
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == (counted, se, be)
    np.testing.assert_array_equal(res.threshold_errors, err_thr)
