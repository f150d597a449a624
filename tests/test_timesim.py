"""Bit-by-bit simulator: PRBS/PRQS, a plain-Python DFE loop, and the statistical eye."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.eye import stateye as stateye_module
from sikernel.eye.stateye import stat_eye
from sikernel.eye.timesim import PRBS_POLYNOMIALS, prbs, prqs, simulate

from . import naive_eye
from .conftest import repo_text
from .validation_rows import interval_position

# confidence of the binomial interval the statistical eye's SER must fall into
CONFIDENCE = 0.999
# statistical-eye grid fine enough that its binning error is far inside the interval
N_BINS_VALIDATION = 2048
# symbols of the plain-Python noisy DFE loop (about 1 s) and the z-score its SER must meet
N_NAIVE_DFE_SYMBOLS = 100_000
Z_SCORE_SER = 5.0


@pytest.mark.parametrize("order", sorted(PRBS_POLYNOMIALS))
def test_prbs_matches_python_lfsr(order):
    taps, inv = PRBS_POLYNOMIALS[order]
    np.testing.assert_array_equal(prbs(order, 3000, seed=0x55),
                                  naive_eye.lfsr_bits(taps, 3000, seed=0x55, invert=inv))


@pytest.mark.parametrize("order", [7, 9, 13, 15])
def test_prbs_maximal_length(order):
    n = 2**order - 1
    b = prbs(order, 2 * n + order)
    np.testing.assert_array_equal(b[:n], b[n: 2 * n])
    # every nonzero order-bit window appears exactly once per period: maximal length
    w = np.zeros(n, dtype=np.int64)
    ext = np.concatenate([b[:n], b[: order - 1]]).astype(np.int64)
    for i in range(order):
        w = (w << 1) | ext[i: i + n]
    counts = np.bincount(w, minlength=2**order)
    expected = 0 if PRBS_POLYNOMIALS[order][1] == 0 else 2**order - 1  # inverted: all-ones missing
    assert counts[expected] == 0 and np.all(np.delete(counts, expected) == 1)


def test_prbs31_recurrence():
    b = prbs(31, 200_000).astype(int)
    # inverted output: b_k ^ 1 obeys c_k = c_{k-28} ^ c_{k-31}
    c = b ^ 1
    assert np.all(c[31:] == (c[3:-28] ^ c[:-31]))


def test_prqs_is_gray_coded_prbs13():
    s = prqs(8191 * 2)
    bits = prbs(13, 4 * 8191)
    msb, lsb = bits[0::2][: s.size], bits[1::2][: s.size]
    np.testing.assert_array_equal(s, 2 * msb + (msb ^ lsb))
    np.testing.assert_array_equal(s[:8191], s[8191:])
    assert sorted(np.bincount(s[:8191]).tolist()) == [2047, 2048, 2048, 2048]


def test_simulator_matches_python_dfe_loop(rng):
    """Noise-free, closed eye, error propagation: every decision equals a plain loop's."""
    levels = naive_eye.pam_levels(4)
    h = np.array([0.05, 0.4, 0.25, -0.12, 0.08, 0.03])
    rx, rx_pre = np.array([-0.1, 1.0, -0.15]), 1
    dfe = np.array([0.1, -0.05])
    sym = rng.integers(0, 4, size=3000)
    res = simulate(h, 1, n_symbols=2900, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre,
                   dfe_taps_v=dfe, n_pre=1, n_post=4)
    assert res.symbol_errors > 50  # the loop really exercises wrong decisions
    n_warm = h.size + rx.size + dfe.size
    used = sym[: 2900 + n_warm + 1 + rx_pre]  # the record: n_symbols, the warm-up, the precursors
    ref = naive_eye.dfe_link_loop(levels[used], used, h, 1, rx, rx_pre, dfe, levels,
                                  res.thresholds_v, n_warm)
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == ref


def _assert_in_interval(sim, ser_stat):
    lo, hi = sim.ser_interval(CONFIDENCE)
    assert lo <= ser_stat <= hi, (lo, ser_stat, hi, sim.symbol_errors)


@pytest.mark.parametrize("sigma_v", [0.031, 0.0245, 0.0195])  # SER ~ 1e-3, 1e-4, 1e-5
def test_stat_eye_ser_agrees_with_simulation(sigma_v, record_property):
    h = np.array([0.01, 0.45, 0.05, -0.02, 0.01])
    st = stat_eye(h, 1, sigma_v=sigma_v, n_bins=N_BINS_VALIDATION)
    sim = simulate(h, 1, n_symbols=3_000_000, sigma_v=sigma_v, pattern="random", seed=7)
    ser = st.symbol_error_ratio(sim.thresholds_v)
    assert 1e-6 < ser < 3e-3
    record_property("validation:stat-eye-vs-simulation", interval_position(ser, sim, CONFIDENCE))
    _assert_in_interval(sim, ser)


def test_stat_eye_with_dfe_and_dual_dirac_agrees_with_simulation():
    """Sampled pulse, 3 DFE taps (no error propagation), dual-Dirac jitter, TX noise-free."""
    m = 8
    t = np.arange(12 * m) / m
    p = 0.35 * np.exp(-((t - 3) / 0.55) ** 2) + 0.06 * np.exp(-np.clip(t - 3, 0, None) / 1.5) * (t > 3)
    kw = {"n_dfe": 3, "sigma_v": 0.018, "a_dd_ui": 0.125}
    st = stat_eye(p, m, n_phases=m, n_bins=N_BINS_VALIDATION, **kw)
    j = int(np.argmin(np.abs(st.phases_ui)))
    thr = 0.5 * (st.centres_v[j][:-1] + st.centres_v[j][1:])  # midway between the mixed levels
    sim = simulate(p, m, n_symbols=4_000_000, pattern="prbs31", dfe_error_propagation=False, seed=3,
                   thresholds_v=thr, **kw)
    np.testing.assert_allclose(sim.dfe_taps_v, st.dfe_taps_v)
    ser = st.symbol_error_ratio(thr, phase_index=j)
    assert 1e-5 < ser < 3e-3
    _assert_in_interval(sim, ser)


def test_error_propagation_only_adds_errors(record_property):
    """With decided-symbol feedback the SER is higher than with ideal feedback, and it is the
    SER of a plain-Python noisy DFE loop (independent noise: a statistical comparison)."""
    h = np.array([0.4, 0.2, 0.1, 0.05])
    sigma_v = 0.06
    kw = {"n_symbols": 400_000, "n_dfe": 3, "sigma_v": sigma_v, "pattern": "random", "seed": 1}
    ideal = simulate(h, 1, dfe_error_propagation=False, **kw)
    real = simulate(h, 1, **kw)
    assert real.symbol_errors > ideal.symbol_errors > 0
    levels = naive_eye.pam_levels(4)
    np.testing.assert_allclose(real.dfe_taps_v, h[1:])  # zero-forcing DFE on the post-cursors
    thr = h[0] * 0.5 * (levels[:-1] + levels[1:])
    np.testing.assert_allclose(real.thresholds_v, thr, atol=1e-15)
    rng = np.random.default_rng(20261203)
    sym = rng.integers(0, 4, size=N_NAIVE_DFE_SYMBOLS)
    noise = rng.normal(0.0, sigma_v, size=sym.size)
    n_err, n_events = naive_eye.dfe_noisy_loop(sym, h, h[1:], levels, thr, noise, propagate=True)
    ser_naive = n_err / sym.size
    ser_sim = real.symbol_errors / real.n_symbols
    # errors come in bursts: variance of a count ~ errors x (mean burst length) x 2 (burst-size spread)
    burst = n_err / n_events
    sd = np.sqrt(2 * burst * (n_err / sym.size**2 + real.symbol_errors / real.n_symbols**2))
    record_property("validation:dfe-error-propagation", float(abs(ser_sim - ser_naive) / sd))
    assert abs(ser_sim - ser_naive) <= Z_SCORE_SER * sd, (ser_sim, ser_naive, sd)


def test_seeded_and_reproducible():
    h = np.array([0.4, 0.1])
    a = simulate(h, 1, n_symbols=50_000, sigma_v=0.05, seed=5)
    b = simulate(h, 1, n_symbols=50_000, sigma_v=0.05, seed=5)
    c = simulate(h, 1, n_symbols=50_000, sigma_v=0.05, seed=6)
    assert a.symbol_errors == b.symbol_errors and a.symbol_errors != c.symbol_errors
    # the largest seed runs; a larger one is refused by name (trial 100 L7: OverflowError from Numba)
    from sikernel.eye.timesim import SEED_MAX

    simulate(h, 1, n_symbols=1000, sigma_v=0.05, seed=SEED_MAX, pattern="random")
    with pytest.raises(SIKernelError, match=r"seed=1180591620717411303424 is above"):
        simulate(h, 1, n_symbols=1000, sigma_v=0.05, seed=2**70)
    # the pattern generators too (review 33 L5: 2**70 reached Numba, 1.5 was truncated)
    for bad in (2**70, 1.5, -1):
        with pytest.raises(SIKernelError, match="seed"):
            prbs(7, 10, seed=bad)
        with pytest.raises(SIKernelError, match="seed"):
            prqs(10, seed=bad)
    np.testing.assert_array_equal(prbs(7, 200, seed=0), prbs(7, 200, seed=1))   # 0 is taken as 1


def test_nrz_bits_equal_symbol_errors_and_tx_ffe():
    m = 4
    p = np.zeros(10 * m)
    p[2 * m: 3 * m] = 0.5
    p[3 * m: 4 * m] = 0.2
    r = simulate(p, m, modulation="nrz", n_symbols=200_000, sigma_v=0.12, pattern="prbs15")
    assert r.bit_errors == r.symbol_errors > 0 and r.ber == r.ser
    # a TX FFE post-tap of -0.2/0.5 of the main removes the post-cursor: fewer errors
    eq = simulate(p, m, modulation="nrz", n_symbols=200_000, sigma_v=0.12, pattern="prbs15",
                  tx_ffe=[1.0, -0.4], tx_ffe_n_pre=0)
    # cursors by hand: [0.5, 0.2] -> [0.5, 0.2 - 0.4 x 0.5, -0.4 x 0.2] = [0.5, 0, -0.08]
    np.testing.assert_allclose(r.cursors_v[r.main_index:r.main_index + 2], [0.5, 0.2], atol=1e-15)
    np.testing.assert_allclose(eq.cursors_v[eq.main_index:eq.main_index + 3], [0.5, 0.0, -0.08],
                               atol=1e-15)
    assert eq.symbol_errors < r.symbol_errors / 5
    # closed form (NRZ +-1, threshold 0, PRBS15 ~ all short patterns equally likely):
    # BER = 1/2 [Q((h0 + h1)/sigma) + Q((h0 - h1)/sigma)] with the one non-zero ISI cursor
    from scipy.stats import norm
    for res, isi in ((r, 0.2), (eq, 0.08)):
        ber = 0.5 * (norm.sf((0.5 + isi) / 0.12) + norm.sf((0.5 - isi) / 0.12))
        _assert_in_interval(res, ber)


def test_eye_histogram_noise_free_levels():
    h = np.array([0.4, 0.1, -0.05])
    m = 4
    p = np.repeat(h, m)  # flat within each UI: the centre row sees exact sums
    r = simulate(p, m, modulation="nrz", n_symbols=20_000, eye_symbols=4000, eye_bins=400,
                 pattern="prbs7")
    assert r.eye_hist.shape == (2 * m, 400) and r.eye_hist.sum() == 4000 * 2 * m
    row = r.eye_hist[m]  # the sampling instant
    dv = r.eye_v[1] - r.eye_v[0]
    ref = naive_eye.isi_values(h[1:], np.array([-1.0, 1.0]))
    values = np.concatenate([v + ref for v in (-p[r.inputs["ref_index"]], p[r.inputs["ref_index"]])])
    values = np.clip(values, r.eye_v[0], r.eye_v[-1])  # the histogram clamps at its edges
    hit = r.eye_v[np.nonzero(row)[0]]
    assert np.all(np.min(np.abs(hit[:, None] - values[None, :]), axis=1) <= dv)
    # and every ISI value is hit (prbs7 holds every 3-bit pattern)
    assert np.all(np.min(np.abs(values[:, None] - hit[None, :]), axis=1) <= dv)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"pattern": "prbs8"}, "pattern"),
    ({"pattern": np.array([0, 5])}, "pattern"),
    ({"pattern": "prbs7", "modulation": "pam3"}, "random"),
    ({"n_symbols": 0}, "n_symbols"),
    ({"tx_ffe": []}, "tx_ffe"),
    ({"tx_ffe": [0.0, 0.0, 0.0]}, r"main cursor after the TX FFE tx_ffe=\[0\.0, 0\.0, 0\.0\]"),   # M14
    ({"rx_ffe": [[1.0, 0.0]]}, "rx_ffe"),
    ({"rx_ffe": [1.0, -0.1], "rx_ffe_n_pre": 2}, "rx_ffe_n_pre"),
    ({"thresholds_v": [0.1]}, "thresholds_v"),
    ({"modulation": "pam5"}, "modulation"),
    ({"a_dd_ui": 0.6}, "a_dd_ui"),
    ({"sigma_rj_ui": 2.0}, r"sigma_rj_ui=2\.0 must be <= 1"),   # fuzz 31 low: taken; stat_eye's range
    ({"sigma_v": -1.0}, "sigma_v"),
    ({"dfe_taps_v": [[0.1]]}, "dfe_taps_v"),
    ({"n_dfe": 99}, "n_dfe"),
    ({"eye_symbols": -1}, "eye_symbols"),
    ({"levels": np.linspace(-1.0, 1.0, 257), "pattern": "random"}, "256"),
])
def test_simulate_bad_input(kwargs, match):
    args = {"n_symbols": 100}
    args.update(kwargs)
    with pytest.raises(SIKernelError, match=match):
        simulate(np.repeat([0.05, 0.4, 0.1], 2), 2, **args)


def test_jitter_needs_oversampled_pulse():
    with pytest.raises(SIKernelError, match="samples_per_ui"):
        simulate([0.4, 0.1], 1, sigma_rj_ui=0.01)


def test_prbs_bad_order():
    with pytest.raises(SIKernelError, match="order"):
        prbs(8, 10)


@pytest.mark.parametrize(("rj", "dd"), [(0.04, 0.0), (0.03, 0.05)])
def test_random_jitter_quadrature_agrees_with_simulation(rj, dd):
    """RJ integrated over the phase (Gauss-Hermite) matches per-symbol jitter in the simulator;
    the COM-style linearisation (rj_quadrature=0) is far too optimistic at this BER."""
    m = 8
    t = np.arange(12 * m) / m
    p = 0.35 * np.exp(-((t - 3) / 0.55) ** 2) + 0.06 * np.exp(-np.clip(t - 3, 0, None) / 1.5) * (t > 3)
    kw = {"n_dfe": 3, "sigma_v": 0.016, "sigma_rj_ui": rj, "a_dd_ui": dd}
    st = stat_eye(p, m, n_phases=m, n_bins=N_BINS_VALIDATION, rj_quadrature=9, **kw)
    j = int(np.argmin(np.abs(st.phases_ui)))
    thr = 0.5 * (st.centres_v[j][:-1] + st.centres_v[j][1:])
    sim = simulate(p, m, n_symbols=4_000_000, pattern="random", dfe_error_propagation=False, seed=3,
                   thresholds_v=thr, **kw)
    ser = st.symbol_error_ratio(thr, phase_index=j)
    assert 1e-5 < ser < 1e-3
    _assert_in_interval(sim, ser)
    lin = stat_eye(p, m, n_phases=m, n_bins=N_BINS_VALIDATION, **kw)
    ser_lin = lin.symbol_error_ratio(thr, phase_index=j)
    assert ser_lin < sim.ser_interval(CONFIDENCE)[0]
    if (rj, dd) == (0.04, 0.0):   # the figures docs/models.md and the stateye docstring type
        text = (f"9 nodes give an SER of {ser:.1e} against the simulator's {sim.ser:.1e} where the "
                f"linearisation gives {ser_lin:.1e}")
        assert text in repo_text("docs/models.md", flat=True), text
        assert text in " ".join(stateye_module.__doc__.split()), text


def test_simulator_matches_python_dfe_loop_across_blocks(rng):
    """Longer pulse (4-tap passes plus a remainder), 5 DFE taps, and a record spanning
    several of the kernel's symbol blocks: every decision equals the plain loop's."""
    from sikernel._kernels.timesim import _BLOCK

    levels = naive_eye.pam_levels(4)
    # taps perturbed off round decimals: with PAM4 levels, round taps put sums exactly on a
    # threshold, where the two implementations' last-bit rounding (FMA, order) decides
    h = np.array([0.03, -0.06, 0.4, 0.22, -0.1, 0.07, 0.05, -0.04, 0.03, 0.02, -0.02, 0.015, 0.01,
                  -0.01, 0.005]) + rng.normal(0.0, 1e-3, 15)
    rx, rx_pre = np.array([-0.08, 1.0, -0.12]) + rng.normal(0.0, 1e-3, 3), 1
    dfe = np.array([0.12, -0.06, 0.05, -0.03, 0.02]) + rng.normal(0.0, 1e-3, 5)
    n_sym = 2 * _BLOCK + 901
    sym = rng.integers(0, 4, size=n_sym + 100)
    res = simulate(h, 1, n_symbols=n_sym, pattern=sym, rx_ffe=rx, rx_ffe_n_pre=rx_pre,
                   dfe_taps_v=dfe, n_pre=2, n_post=12)
    assert res.symbol_errors > 100
    n_warm = h.size + rx.size + dfe.size
    used = sym[: n_sym + n_warm + 2 + rx_pre]
    ref = naive_eye.dfe_link_loop(levels[used], used, h, 2, rx, rx_pre, dfe, levels,
                                  res.thresholds_v, n_warm)
    assert (res.n_symbols, res.symbol_errors, res.bit_errors) == ref


@pytest.mark.parametrize("n_taps", [1, 3, 4, 7, 13])
@pytest.mark.parametrize("n_out", [1, 2, 5, 8, 33])
def test_channel_sample_kernels_equal_dot_products(n_taps, n_out):
    """The block-wise channel FIR (fixed row) and the jittered one (row per symbol,
    interpolated towards the next row) against one NumPy dot product per output."""
    from sikernel._kernels import timesim as kt

    from .tolerances import ATOL_SAME_FORMULA

    r = np.random.default_rng(n_taps * 100 + n_out)
    x = r.choice(naive_eye.pam_levels(4), size=n_out + n_taps + 10)
    tab = r.normal(size=(9, n_taps))
    x0 = 3
    windows = np.array([x[x0 + i: x0 + i + n_taps] for i in range(n_out)])
    out = np.full(n_out, np.nan)
    kt._fir_block(x, x0, tab[4], out)
    np.testing.assert_allclose(out, windows @ tab[4], rtol=0, atol=ATOL_SAME_FORMULA)
    rows = r.integers(0, 8, size=n_out)
    frac = r.random(n_out)
    frac[::3] = 0.0
    out = np.full(n_out, np.nan)
    kt._fir_rows(x, x0, tab, rows, frac, out)
    lo = np.einsum("ij,ij->i", windows, tab[rows])
    hi = np.einsum("ij,ij->i", windows, tab[rows + 1])
    np.testing.assert_allclose(out, (1 - frac) * lo + frac * hi, rtol=0, atol=ATOL_SAME_FORMULA)


def test_normal_generator_matches_the_normal_distribution():
    """The simulator's ziggurat normals: the CDF (Kolmogorov-Smirnov) and the tails the
    error counts depend on (P(|z| > k) up to 5 sigma, binomial 5-sigma bounds)."""
    from scipy import stats

    from sikernel._kernels.rng import normal_samples

    z = np.empty(4_000_000)
    normal_samples(2024, z)
    assert stats.kstest(z[:1_000_000], "norm").pvalue > 1e-4
    assert abs(z.mean()) < 5 / np.sqrt(z.size) and abs(z.var() - 1) < 5 * np.sqrt(2 / z.size)
    for k in (1.0, 2.0, 3.0, 3.442619855899, 4.0, 4.5, 5.0):  # R = 3.4426: the tail/wedge seam
        p = 2 * stats.norm.sf(k)
        n_exp = p * z.size
        assert abs(np.count_nonzero(np.abs(z) > k) - n_exp) <= 5 * np.sqrt(n_exp * (1 - p)) + 1, k
    # reproducible from the seed, different for another seed
    again = np.empty(1000)
    normal_samples(2024, again)
    np.testing.assert_array_equal(again, z[:1000])
    normal_samples(2025, again)
    assert not np.array_equal(again, z[:1000])
