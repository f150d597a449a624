"""Statistical eye and peak-distortion eye against brute-force enumeration of symbol patterns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel import SIKernelError, SIKernelWarning
from sikernel.eye.peak import peak_distortion_eye
from sikernel.eye.stateye import BIN_NOISE_FRACTION, BIN_NOISE_WARN_FRACTION, stat_eye

from . import naive_eye
from .validation_rows import max_abs

# exact comparisons (floating-point summation only)
ATOL_EXACT = 1e-13
# Gaussian noise binned at sigma/dv >= 8: log10 BER agrees to this where BER > BER_FLOOR
LOG10_BER_TOL = 0.05
BER_FLOOR = 1e-12
# eye heights read off a contour: within this many bins of the reference
HEIGHT_TOL_BINS = 2.0
# bathtub walls are checked for monotonicity up to this BER
BATHTUB_WALL = 1e-2
# SER from PMFs vs BER map interpolated at the thresholds (bin interpolation only)
SER_VS_MAP_RTOL = 0.1


def _grid_pulse(rng, m, n_ui, dv, n_levels, main_ui=2):
    """A pulse whose every sample is a whole number of (L-1) bins: no binning error."""
    step = (n_levels - 1) * dv
    p = rng.integers(-8, 9, size=n_ui * m).astype(float) * step
    p[main_ui * m] = 150 * step  # clear main cursor, the peak
    return p


def _exact_kwargs(dv, n):
    v_max = dv * (n - 1) / 2
    return {"n_bins": n, "v_max_v": v_max}


def _cursors_at_sample(p, m, idx):
    """UI-spaced cursors of ``p`` through sample ``idx``: (main, nonzero ISI cursors)."""
    pos = np.arange(idx % m, p.size, m)
    h = p[pos]
    main = int(np.nonzero(pos == idx)[0][0])
    isi = np.delete(h, main)
    return h, main, isi


@pytest.mark.parametrize(("modulation", "n_levels", "n_ui"), [("nrz", 2, 8), ("pam4", 4, 6)])
def test_stat_eye_exact_vs_bruteforce_all_phases(rng, modulation, n_levels, n_ui, record_property):
    m, dv = 4, 1e-3
    n = 400 * (n_levels - 1) + 1  # the grid holds every level and its ISI spread
    p = _grid_pulse(rng, m, n_ui, dv, n_levels)
    res = stat_eye(p, m, modulation=modulation, n_phases=m, **_exact_kwargs(dv, n))
    assert res.phases_ui.size == m
    for j, phi in enumerate(res.phases_ui):
        h, main, isi = _cursors_at_sample(p, m, 2 * m + int(np.rint(phi * m)))
        ref = naive_eye.ber_bruteforce(isi[isi != 0], h[main], res.levels, res.voltages_v)
        record_property("validation:stat-eye-enumeration", max_abs(res.ber[j], ref))
        np.testing.assert_allclose(res.ber[j], ref, rtol=0, atol=ATOL_EXACT)


def test_stat_eye_exact_with_dfe(rng, record_property):
    m, dv, n = 2, 1e-3, 1201
    p = _grid_pulse(rng, m, 7, dv, 4, main_ui=1)
    res = stat_eye(p, m, n_phases=m, n_dfe=3, **_exact_kwargs(dv, n))
    href, mref, _ = _cursors_at_sample(p, m, m)
    b = href[mref + 1: mref + 4]
    np.testing.assert_allclose(res.dfe_taps_v, b)
    for j, phi in enumerate(res.phases_ui):
        h, main, _ = _cursors_at_sample(p, m, m + int(np.rint(phi * m)))
        h = h.copy()
        h[main + 1: main + 4] -= b
        isi = np.delete(h, main)
        ref = naive_eye.ber_bruteforce(isi[isi != 0], h[main], res.levels, res.voltages_v)
        record_property("validation:stat-eye-enumeration", max_abs(res.ber[j], ref))
        np.testing.assert_allclose(res.ber[j], ref, rtol=0, atol=ATOL_EXACT)


def test_stat_eye_gaussian_noise_vs_bruteforce(rng):
    levels = naive_eye.pam_levels(4)
    h = np.array([0.02, 0.45, 0.08, -0.03, 0.015])
    sigma = 0.012
    # sigma spans ~22 bins here; the uniform-in-bin tail error grows in the deep tails as
    # sigma/dv shrinks (about 0.1 in log10 at 1e-11 with sigma = 9 bins)
    res = stat_eye(h, 1, sigma_v=sigma, n_bins=1024, v_max_v=1.25 * h[1])
    assert res.sigma_v[0] == pytest.approx(sigma)
    ref = naive_eye.ber_bruteforce(np.delete(h, 1), h[1], levels, res.voltages_v, sigma)
    ok = ref > BER_FLOOR
    np.testing.assert_allclose(np.log10(res.ber[0][ok]), np.log10(ref[ok]), rtol=0, atol=LOG10_BER_TOL)


def test_noiseless_stat_eye_at_tiny_ber_is_peak_eye(rng):
    h = rng.normal(scale=0.02, size=6)
    h[2] = 0.5
    pk = peak_distortion_eye(h, 1, n_pre=2)
    st = stat_eye(h, 1, target_ber=1e-9, n_bins=2001, n_pre=2)
    dv = st.voltages_v[1] - st.voltages_v[0]
    # linear splitting widens the support by at most one bin per cursor on each side
    # (pmf module doc), plus the main-cursor shift
    k = h.size - 1
    assert np.all(st.eye_height_v <= pk.eye_height_v + HEIGHT_TOL_BINS * dv)
    assert np.all(st.eye_height_v >= pk.eye_height_v - 2 * (k + 1) * dv - HEIGHT_TOL_BINS * dv)


@pytest.mark.parametrize("n_levels", [2, 3, 4])
def test_peak_eye_equals_min_over_patterns(rng, n_levels):
    levels = naive_eye.pam_levels(n_levels)
    k = 6 if n_levels < 4 else 5
    h = rng.normal(scale=0.05, size=k)
    h[1] = 0.6
    res = peak_distortion_eye(h, 1, levels=levels, n_pre=1)
    ref = naive_eye.peak_eye_by_patterns(h, 1, levels)
    np.testing.assert_allclose(res.eye_height_v, ref, rtol=0, atol=1e-12)
    # the reported worst pattern reaches the bottom of the upper level of the smallest eye
    e = int(np.argmin(res.eye_height_v))
    isi = naive_eye.isi_values(np.delete(h, 1), levels)
    assert res.worst_pattern[1] == levels[e + 1]
    assert float(np.dot(res.worst_pattern, h)) == pytest.approx(levels[e + 1] * h[1] + isi.min(), abs=1e-12)


def test_peak_eye_unequal_levels_and_dfe(rng):
    levels = np.array([-1.0, -0.2, 0.3, 1.0])
    h = np.array([0.03, 0.5, 0.2, -0.1, 0.04, 0.02])
    res = peak_distortion_eye(h, 1, levels=levels, n_pre=1, n_dfe=2)
    hd = h.copy()
    hd[2:4] = 0.0
    np.testing.assert_allclose(res.eye_height_v, naive_eye.peak_eye_by_patterns(hd, 1, levels),
                               rtol=0, atol=1e-12)
    lim = peak_distortion_eye(h, 1, levels=levels, n_pre=1, n_dfe=2, dfe_max=0.3)
    hl = h.copy()
    hl[2] -= 0.15  # b_1 clipped to 0.3 * h0
    hl[3] = 0.0
    np.testing.assert_allclose(lim.eye_height_v, naive_eye.peak_eye_by_patterns(hl, 1, levels),
                               rtol=0, atol=1e-12)


def _smooth_pulse(m=16, n_ui=40):
    t = np.arange(n_ui * m) / m
    return 0.3 * np.exp(-((t - 4) / 0.7) ** 2) + 0.04 * np.exp(-np.clip(t - 4, 0, None) / 2.5) * (t > 4)


def test_bathtubs_monotone_away_from_the_eye_centre():
    res = stat_eye(_smooth_pulse(), 16, sigma_v=0.004, n_dfe=2, n_phases=32, n_bins=512)
    assert res.eye_height_min_v > 0 and 0 < res.eye_width_min_ui < 1
    j = res.phase_index

    def walls(row, start):
        """The bathtub walls: from start outwards until the BER first exceeds BATHTUB_WALL."""
        right = start
        while right < row.size - 1 and row[right] <= BATHTUB_WALL:
            right += 1
        left = start
        while left > 0 and row[left] <= BATHTUB_WALL:
            left -= 1
        return row[start: right + 1], row[left: start + 1][::-1]

    for row in res.bathtub_phase:
        for wall in walls(row, j):
            assert wall.size > 2 and np.all(np.diff(wall) >= -1e-15)
    v = res.voltages_v
    for t in res.thresholds_v:
        for wall in walls(res.bathtub_voltage, int(np.argmin(np.abs(v - t)))):
            assert wall.size > 2 and np.all(np.diff(wall) >= -1e-15)


def test_impairments_only_close_the_eye():
    p = _smooth_pulse()
    base = stat_eye(p, 16, sigma_v=0.003, n_dfe=2, n_phases=32, n_bins=512)
    worse = [stat_eye(p, 16, sigma_v=0.003, n_dfe=2, n_phases=32, n_bins=512, **kw)
             for kw in ({"snr_tx_db": 25.0}, {"sigma_rj_ui": 0.02}, {"a_dd_ui": 0.05},
                        {"crosstalk": [0.15 * p]}, {"eta0_v2_hz": 1e-18, "noise_bw_hz": 2e10})]
    for w in worse:
        assert w.eye_height_min_v < base.eye_height_min_v
        assert w.eye_closure_max_db > base.eye_closure_max_db
    # the worst-phase crosstalk closes at least as much as the phase-averaged one
    avg = stat_eye(p, 16, sigma_v=0.003, n_dfe=2, n_phases=32, n_bins=512,
                   crosstalk=[0.15 * p], xt_phase="average")
    assert avg.eye_height_min_v >= worse[3].eye_height_min_v


def test_closure_against_peak_distortion_bruteforce(record_property):
    """Noise-free, symbol-spaced: the eye at any BER is the worst-case (peak-distortion) eye,
    found here by enumerating every ISI pattern; ideal eye = level step x sum of the cursors
    (DC response); closure = 20 log10(ideal / eye).  Tolerance: the statistical eye splits each
    cursor's contribution linearly between two bins, which widens the ISI support by up to one
    bin per cursor on each side (measured 3.5 bins for these 5 ISI cursors), never narrows it."""
    h = np.array([0.01, -0.03, 0.5, 0.06, -0.02, 0.015])
    lev = naive_eye.pam_levels(4)
    res = stat_eye(h, 1, n_phases=1, n_bins=8192, target_ber=1e-9)
    dv = float(res.voltages_v[1] - res.voltages_v[0])
    eye_ref = naive_eye.peak_eye_bruteforce(h, 2, lev)
    ideal_ref = np.diff(lev) * h.sum()
    assert np.all(eye_ref > 0)
    tol = 2 * (h.size - 1) * dv
    record_property("validation:eye-closure-peak", float(np.max(np.abs(res.eye_height_v - eye_ref)) / dv))
    assert np.all(res.eye_height_v <= eye_ref + dv) and np.all(res.eye_height_v >= eye_ref - tol)
    np.testing.assert_allclose(res.ideal_eye_height_v, ideal_ref, rtol=1e-12)
    np.testing.assert_allclose(res.eye_closure_db, 20 * np.log10(ideal_ref / eye_ref),
                               atol=20 * np.log10(1 + tol / (eye_ref.min() - tol)))


#: noise-free eye on the default grid vs the peak-distortion eye it equals when the worst pattern is
#: more likely than the BER, as a fraction of the main cursor (measured 0.3-0.6 %; 1024 bins, the
#: default grid of noise-free eyes before new-user trial 29: 6-8 %)
NOISE_FREE_PD_ATOL_H0 = 0.01


@pytest.mark.parametrize("length_m", [0.02, 0.1])
def test_noise_free_default_grid_reaches_the_peak_distortion_eye(length_m):
    """NRZ cursors of a Megtron 7 stripline (symbol-spaced, 19 and 44 of them): the worst of the
    2^K patterns (1e-13 at K = 44) is more likely than BER 1e-20, so the noise-free eye must be the
    peak-distortion eye h0 - sum |h_k| per level step, computed here in closed form.  New-user
    trial 29: the default grid (1024 bins without noise) read it 6-8 % of h0 low, below its bound."""
    import sikernel as sk

    line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6,
                        roughness="hvlp")
    fb = 53.125e9 if length_m < 0.05 else 26.5625e9
    p = sk.pulse_response(line.section(length_m, np.arange(0.0, 60e9 + 1.0, 20e6)), fb, 16, "nrz",
                          tx_rise_time_s=8e-12, rx_f_r=0.75)
    i0 = int(np.argmax(p.v))
    h = p.v[i0 % 16::16]
    k0 = i0 // 16
    assert 0.5 ** (h.size - 1) > 1e-20
    pd = 2.0 * (h[k0] - np.abs(np.delete(h, k0)).sum())
    r = stat_eye(h, 1, modulation="nrz", n_phases=1, target_ber=1e-20)
    assert abs(r.eye_height_min_v - pd) <= NOISE_FREE_PD_ATOL_H0 * h[k0]


def test_ser_from_pmfs_equals_ber_map():
    p = _smooth_pulse()
    # the slicer SER from the conditional PMFs matches the BER map summed over the thresholds
    noisy = stat_eye(p, 16, sigma_v=0.012, n_dfe=2, n_phases=32, n_bins=512, target_ber=1e-2)
    j = noisy.phase_index
    from_map = sum(np.interp(t, noisy.voltages_v, noisy.ber[j]) for t in noisy.thresholds_v)
    assert noisy.symbol_error_ratio() == pytest.approx(from_map, rel=SER_VS_MAP_RTOL)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"pulse": []}, "non-empty"),
    ({"pulse": np.ones((3, 4))}, "1-D"),
    ({"pulse": [0.1, np.nan, 0.2]}, "NaN"),
    ({"pulse": [0.0, -0.2, 0.0]}, "positive"),
    ({"pulse": "abc"}, "neither"),
    ({"samples_per_ui": None}, "samples_per_ui"),
    ({"samples_per_ui": 0}, "samples_per_ui"),
    ({"target_ber": 0.0}, "target_ber"),
    ({"target_ber": 0.5}, "target_ber"),
    ({"target_ber": -1e-3}, "target_ber"),
    ({"target_ber": float("nan")}, "target_ber"),
    ({"modulation": "qam16"}, "modulation"),
    ({"levels": [1.0, 0.0]}, "levels"),
    ({"levels": [[0.0, 1.0]]}, "levels"),
    ({"n_dfe": 50}, "n_dfe"),
    ({"n_dfe": -1}, "n_dfe"),
    ({"n_dfe": 2, "dfe_max": [0.5, 0.5, 0.5]}, "dfe_max"),
    ({"sigma_v": -1e-3}, "sigma_v"),
    ({"eta0_v2_hz": 1e-18}, "noise_bw_hz"),
    ({"a_dd_ui": 0.7}, "a_dd_ui"),
    ({"n_bins": 4}, "n_bins"),
    ({"n_phases": 0}, "n_phases"),
    ({"xt_phase": "best"}, "xt_phase"),
    ({"crosstalk": [[]]}, "crosstalk"),
    ({"phase": 10_000}, "phase"),
    # fuzz 31 M4 (P/N swapped), M3 (V^2/GHz typed for V^2/Hz, GHz typed for Hz)
    ({"pulse": [0.05, -0.5, -0.1, 0.02]}, r"the pulse is inverted: .* -0\.5 V .* P and N swapped"),
    ({"eta0_v2_hz": 8.2e-9, "noise_bw_hz": 40e9}, r"eta0_v2_hz=8\.2e-09 is outside .*V\^2/GHz"),
    ({"eta0_v2_hz": 8.2e-18, "noise_bw_hz": 40.0}, r"noise_bw_hz=40 Hz is below 1000 Hz.*GHz"),
])
def test_stat_eye_bad_input(kwargs, match):
    args = {"pulse": _smooth_pulse(4, 10), "samples_per_ui": 4}
    args.update(kwargs)
    pulse = args.pop("pulse")
    with pytest.raises(SIKernelError, match=match):
        stat_eye(pulse, **args)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"pulse": []}, "non-empty"),
    ({"n_dfe": 9}, "n_dfe"),
    ({"modulation": "pam5"}, "modulation"),
    ({"n_pre": -1}, "n_pre"),
    ({"pulse": [-0.05, -0.5, -0.1, 0.02]}, r"the pulse is inverted"),   # fuzz 31 M4: had a -2.6 V eye
])
def test_peak_eye_bad_input(kwargs, match):
    args = {"pulse": [0.05, 0.5, 0.1, 0.02], "samples_per_ui": 1}
    args.update(kwargs)
    pulse = args.pop("pulse")
    with pytest.raises(SIKernelError, match=match):
        peak_distortion_eye(pulse, **args)


def test_crosstalk_worst_phase_exact_vs_bruteforce(rng, record_property):
    """Aggressor at its worst phase: its cursors join the enumeration (exact on the grid)."""
    m, dv = 2, 1e-3
    n = 1201
    p = _grid_pulse(rng, m, 5, dv, 4, main_ui=1)
    agg = np.zeros(4 * m)
    agg[1::m] = [3 * dv * 4, -3 * dv * 7, 3 * dv * 2, 0.0]  # odd samples: the larger power
    agg[0::m] = [3 * dv, 0.0, 0.0, 3 * dv]
    res = stat_eye(p, m, n_phases=m, crosstalk=[agg], **_exact_kwargs(dv, n))
    xt = agg[1::m]
    for j, phi in enumerate(res.phases_ui):
        h, main, isi = _cursors_at_sample(p, m, m + int(np.rint(phi * m)))
        allc = np.concatenate([isi, xt])
        ref = naive_eye.ber_bruteforce(allc[allc != 0], h[main], res.levels, res.voltages_v)
        record_property("validation:stat-eye-enumeration", max_abs(res.ber[j], ref))
        np.testing.assert_allclose(res.ber[j], ref, rtol=0, atol=ATOL_EXACT)


def test_pulse_response_input_equals_array_input():
    from sikernel.response import pulse_response

    f = np.linspace(0, 100e9, 2001)
    h = np.exp(-f / 20e9) * np.exp(-2j * np.pi * f * 0.2e-9)
    pr = pulse_response(h, 53.125e9, 16, "pam4", f_hz=f)
    a = stat_eye(pr, sigma_v=1e-3, n_phases=16, n_bins=256, n_dfe=1)
    b = stat_eye(pr.v, 16, sigma_v=1e-3, n_phases=16, n_bins=256, n_dfe=1)
    np.testing.assert_array_equal(a.ber, b.ber)
    assert a.inputs["baud"] == 53.125e9
    c = stat_eye(pr, sigma_v=1e-3, n_phases=16, n_bins=256, n_dfe=1, phase="mm")
    assert c.inputs["ref_index"] == pr.sampling_index("mm")


def test_bit_identical_whatever_the_thread_count():
    import numba

    from sikernel._jit import set_threads

    p = _smooth_pulse()
    kw = {"sigma_v": 0.003, "n_dfe": 2, "n_phases": 32, "n_bins": 512, "a_dd_ui": 0.03}
    before = numba.get_num_threads()
    try:
        set_threads(1)
        one = stat_eye(p, 16, **kw)
        set_threads(numba.config.NUMBA_NUM_THREADS)
        many = stat_eye(p, 16, **kw)
    finally:
        set_threads(before)
    np.testing.assert_array_equal(one.ber, many.ber)


@given(st.floats(0.2, 5.0), st.integers(0, 3))
def test_scaling_pulse_and_noise_scales_the_eye(scale, n_dfe):
    """Linear system: multiplying pulse and noise by c multiplies heights by c, keeps the BER map."""
    p = _smooth_pulse(8, 20)
    kw = {"n_dfe": n_dfe, "n_phases": 8, "n_bins": 256}
    a = stat_eye(p, 8, sigma_v=0.004, **kw)
    b = stat_eye(scale * p, 8, sigma_v=0.004 * scale, **kw)
    np.testing.assert_allclose(b.ber, a.ber, rtol=0, atol=1e-9)
    np.testing.assert_allclose(b.eye_height_v, scale * a.eye_height_v, rtol=1e-6, atol=1e-12)
    assert np.all((a.ber >= -1e-15) & (a.ber <= 1 + 1e-12))


def test_noise_above_the_main_cursor_warns():
    """sigma_v=1.0 with 1 mV meant: a warning naming the value, the cursor and the mV slip."""
    import warnings

    from sikernel.errors import SIKernelWarning

    p = _smooth_pulse(8, 20)
    h0 = float(p.max())
    with pytest.warns(SIKernelWarning, match=r"sigma_v=1\.0 V .* main cursor h0 = .*mV given as V\? use "
                                             r"sigma_v=0\.001 for 1 mV"):
        stat_eye(p, 8, sigma_v=1.0, n_phases=8, n_bins=256)
    assert 1.0 > h0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stat_eye(p, 8, sigma_v=1e-3, n_phases=8, n_bins=256)       # 1 mV: no warning
        stat_eye(p, 8, sigma_v=0.9 * h0, n_phases=8, n_bins=256)    # below the cursor: none either
        # a closed lossy pulse (1 mV of cursor) under 3 mV of computed noise: legitimate, no slip
        stat_eye(p * (1e-3 / h0), 8, sigma_v=3e-3, n_phases=8, n_bins=256)


def test_thru_passed_as_its_own_aggressor_warns():
    """Fuzz 31 M11: stat_eye(p, crosstalk=[p]) ran 32 s to a closed eye without a word; an
    aggressor peaking at half h0 or more warns (as com does for a thru given as NEXT)."""
    import warnings

    from sikernel.errors import SIKernelWarning

    p = _smooth_pulse(8, 20)
    with pytest.warns(SIKernelWarning, match=r"crosstalk\[0\] peaks at .* 100% of the victim's main cursor"
                                             r".*thru was not passed as an aggressor") as rec:
        stat_eye(p, 8, crosstalk=[p], n_phases=4, n_bins=256)
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stat_eye(p, 8, crosstalk=[0.05 * p], n_phases=4, n_bins=256)   # real crosstalk: no warning


def test_coarse_automatic_grid_on_a_whole_record_warns():
    """Thousands of tiny cursors (a whole IFFT record) stop the automatic grid at its work cap,
    where their binning reads the eye low (tests/test_sweep_stateye.py: 2.5 % on a 5,312-UI
    record at 2048 bins): a SIKernelWarning says so and names the fix; the truncated record
    (what pulse_response returns by default) gets a grid fine enough and no warning."""
    import warnings

    m, n_ui = 16, 5000
    t_ui = np.arange(n_ui * m) / m
    pulse = 1e-4 * np.exp(-t_ui / 2000.0) * (t_ui > 2.0)   # a long, slowly decaying tail
    pulse[8:24] += 0.5 * (1 - np.cos(2 * np.pi * np.arange(16) / 16))   # a one-UI raised-cosine peak
    with pytest.warns(SIKernelWarning, match="residual cursors on the automatic grid"):
        long = stat_eye(pulse, m, modulation="pam4", n_dfe=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        short = stat_eye(pulse[: 40 * m], m, modulation="pam4", n_dfe=2)
    assert long.inputs["n_bins"] < short.inputs["n_bins"]
    # the share is reported against the as-if noise of a noise-free eye (it read inf before)
    assert long.inputs["bin_noise_fraction"] > BIN_NOISE_WARN_FRACTION
    assert 0.0 < short.inputs["bin_noise_fraction"] <= BIN_NOISE_FRACTION
