"""COM / FOM (IEEE 802.3 Annex 93A, 178A): kernels vs naive references, physics invariants,
real channels, bad input.

The expensive COMs (DPO_4in, the CA_19p75dB set with its 15 aggressors) are computed once
per module.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel.channel.core import Channel
from sikernel.channel.parametric import ParametricLine
from sikernel.channel.twoport import cascade
from sikernel.eq.filters import ctle_responses, rx_afe_filter, tx_rise_time_filter
from sikernel.eq.grid import grid_search
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.eye.com import com
from sikernel.eye.fom import fom
from sikernel.eye.presets import PRESET_NAMES, get_preset
from sikernel.power.crosstalk import CA_FILES
from sikernel.response import pulse_from_h
from tests.conftest import channel_path
from tests.naive_com import naive_fom, naive_fom_bound, naive_grid
from tests.validation_rows import max_abs

#: two implementations of the same FOM formula (dB): only rounding differs
TOL_FOM_SAME_FORMULA_DB = 1e-9
#: COM must not rise when crosstalk is added (dB): the PMF grid may shift by a bin
TOL_XT_MONOTONE_DB = 1e-6

F_HZ = np.arange(6001) * 10e6  # the grid of the IEEE P802.3ck files, 0-60 GHz
#: 802.3 Table 92-12 host-board parametric line (93A-9...14)
HOST = ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=109.8)
ONE_CASE = ((0.012, 0.012),)


def _line(length_m: float) -> Channel:
    return HOST.section(length_m, F_HZ)


# -- kernels vs naive references -----------------------------------------------------------
@pytest.fixture(scope="module")
def small_problem():
    """CTLE basis pulses of a 0.2 m host-board line, two aggressors, a small TX grid."""
    p = get_preset("802.3ck-kr", samples_per_ui=16)
    h = _line(0.2).s21 * tx_rise_time_filter(F_HZ, p.t_r_s) * rx_afe_filter(F_HZ, p.f_r_hz)
    corners = ctle_responses(F_HZ, [0.0, -12.0], p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz,
                             gdc2_db=[0.0, 0.0], f_lf_hz=p.ctle_f_lf_hz)
    _, v = pulse_from_h(h[None, :] * corners * p.a_v_v, F_HZ, p.baud_hz, p.samples_per_ui)
    i0 = int(np.argmax(v[0])) - 20 * p.samples_per_ui
    sl = slice(i0, i0 + 80 * p.samples_per_ui)
    basis = np.ascontiguousarray(v[:, sl])
    basis[:, : p.samples_per_ui] = 0.0
    basis[:, -p.samples_per_ui:] = 0.0
    xt = np.stack([0.03 * np.roll(basis, 37, axis=1), -0.02 * np.roll(basis, -45, axis=1)])
    w = np.array([[1.0, 0.0], [0.4, 0.6], [0.0, 1.0]])
    var_n = np.array([1e-7, 2e-7, 3e-7])
    offs = p.tx_offsets()
    tx = p.tx_grid()[::701]
    return p, basis, xt, np.array([False, True]), w, var_n, offs, tx


@pytest.mark.parametrize("mm_tol", [-1.0, 0.0, 3e-3])  # IEEE rule, peak rule, pychopmarg rule
def test_grid_kernel_equals_naive_loop(small_problem, mm_tol, record_property):
    p, basis, xt, fext, w, var_n, offs, tx = small_problem
    g = grid_search(basis, w, var_n, offs, tx, p.samples_per_ui, dfe_bmin=np.array(p.bmin),
                    dfe_bmax=np.array(p.dfe_bmax), n_levels=4, r_lm=p.r_lm, snr_tx_db=p.snr_tx_db,
                    a_dd_ui=p.a_dd_ui, sigma_rj_ui=p.sigma_rj_ui, basis_xt=xt, xt_fext=fext,
                    mm_exact_tol_v=mm_tol, dfe_float=p.dfe_float())
    ref = naive_grid(basis, w, var_n, offs, tx, p.samples_per_ui, np.array(p.bmin),
                     np.array(p.dfe_bmax), (4, p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui), xt, fext,
                     mm_tol=mm_tol, flt=p.dfe_float())
    # with floating taps the grid is pruned: exact where fom_exact, an upper bound elsewhere
    exact = np.ones(ref.shape, dtype=bool) if g.fom_exact is None else g.fom_exact.copy()
    record_property("validation:com-grid-naive", max_abs(g.fom_grid_db[exact], ref[exact]))
    np.testing.assert_allclose(g.fom_grid_db[exact], ref[exact], rtol=0, atol=TOL_FOM_SAME_FORMULA_DB)
    assert np.all(g.fom_grid_db[~exact] >= ref[~exact] - TOL_FOM_SAME_FORMULA_DB)
    for kc, kt in zip(*np.nonzero(~exact), strict=True):
        assert g.exact_fom(int(kc), int(kt)) == pytest.approx(ref[kc, kt], abs=TOL_FOM_SAME_FORMULA_DB)
    kc, kt = np.unravel_index(np.argmax(ref), ref.shape)
    assert (g.ctle_index, g.tx_index) == (kc, kt)
    assert g.fom_db == pytest.approx(ref.max(), abs=TOL_FOM_SAME_FORMULA_DB)


#: the same variance computed as a quadratic form of autocorrelations (grid kernel) and as a
#: sum of squares of the pulse (naive): relative, rounding only
RTOL_TERMS_SAME_FORMULA = 1e-9


def test_grid_fom_terms_equal_naive_terms(small_problem):
    """GridResult.fom_terms (the grid kernel's own sums at one point, what com() reports as
    sigma_*) against naive_fom's terms, at pruned and exact points, with both aggressor kinds."""
    from sikernel._kernels import com as kc

    p, basis, xt, fext, w, var_n, offs, tx = small_problem
    g = grid_search(basis, w, var_n, offs, tx, p.samples_per_ui, dfe_bmin=np.array(p.bmin),
                    dfe_bmax=np.array(p.dfe_bmax), n_levels=4, r_lm=p.r_lm, snr_tx_db=p.snr_tx_db,
                    a_dd_ui=p.a_dd_ui, sigma_rj_ui=p.sigma_rj_ui, basis_xt=xt, xt_fext=fext,
                    mm_exact_tol_v=p.mm_kernel_tol, dfe_float=p.dfe_float())
    names = {"var_tx": kc.T_VTX, "var_isi": kc.T_VISI, "var_j": kc.T_VJ, "var_xt": kc.T_VXT,
             "var_n": kc.T_VN}
    for kc_, kt in [(0, 0), (1, tx.shape[0] // 2), (2, tx.shape[0] - 1), (g.ctle_index, g.tx_index)]:
        q = w[kc_] @ basis
        f_ref, ix_ref, terms = naive_fom(q, offs, tx[kt], p.samples_per_ui, np.array(p.bmin),
                                         np.array(p.dfe_bmax), var_n[kc_], 4, p.r_lm, p.snr_tx_db, p.a_dd_ui,
                                         p.sigma_rj_ui, [w[kc_] @ x for x in xt], list(fext),
                                         mm_tol=p.mm_kernel_tol, flt=p.dfe_float())
        tr = g.fom_terms(kc_, kt)
        assert tr[kc.T_FOM] == pytest.approx(f_ref, abs=TOL_FOM_SAME_FORMULA_DB)
        assert int(tr[kc.T_IX]) == ix_ref
        for name, j in names.items():
            assert tr[j] == pytest.approx(terms[name], rel=RTOL_TERMS_SAME_FORMULA, abs=1e-30), name
        assert tr[kc.T_FOM] == g.exact_fom(kc_, kt)   # the grid's own exact FOM, bit for bit


@pytest.mark.parametrize("n_f", [40, 43])  # 28 or 31 post-cursors dropped by the bound
def test_pruning_bound_equals_naive_bound(small_problem, n_f):
    """Where the floating-tap grid is pruned, it holds the bound of naive_fom_bound (post-cursors
    after the N_b fixed taps cancelled, up to N_f), which lies above the exact FOM."""
    p, basis, xt, fext, w, var_n, offs, _ = small_problem
    tx = p.tx_grid()[::97]
    flt = p.dfe_float()
    flt[2] = n_f
    xt_ne = xt[:1]   # near-end only: the kernel's crosstalk lower bound is then exact
    assert not fext[0]
    consts = (4, p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui)
    g = grid_search(basis, w, var_n, offs, tx, p.samples_per_ui, dfe_bmin=np.array(p.bmin),
                    dfe_bmax=np.array(p.dfe_bmax), n_levels=4, r_lm=p.r_lm, snr_tx_db=p.snr_tx_db,
                    a_dd_ui=p.a_dd_ui, sigma_rj_ui=p.sigma_rj_ui, basis_xt=xt_ne, xt_fext=fext[:1],
                    mm_exact_tol_v=p.mm_kernel_tol, dfe_float=flt)
    pruned = np.argwhere(~g.fom_exact)
    assert len(pruned) > 20
    for kc, kt in pruned:
        q = w[kc] @ basis
        ub = naive_fom_bound(q, offs, tx[kt], p.samples_per_ui, np.array(p.bmin), np.array(p.dfe_bmax),
                             var_n[kc], *consts, n_f, [w[kc] @ xt_ne[0]], p.mm_kernel_tol)
        assert g.fom_grid_db[kc, kt] == pytest.approx(ub, abs=TOL_FOM_SAME_FORMULA_DB)
        exact = naive_fom(q, offs, tx[kt], p.samples_per_ui, np.array(p.bmin), np.array(p.dfe_bmax),
                          var_n[kc], *consts, [w[kc] @ xt_ne[0]], [False], mm_tol=p.mm_kernel_tol, flt=flt)[0]
        assert ub >= exact - TOL_FOM_SAME_FORMULA_DB


def test_grid_is_bit_identical_across_thread_counts(small_problem):
    import numba

    from sikernel._jit import set_threads

    p, basis, xt, fext, w, var_n, offs, tx = small_problem
    kw = {"dfe_bmin": np.array(p.bmin), "dfe_bmax": np.array(p.dfe_bmax), "n_levels": 4, "r_lm": p.r_lm,
          "snr_tx_db": p.snr_tx_db, "a_dd_ui": p.a_dd_ui, "sigma_rj_ui": p.sigma_rj_ui,
          "basis_xt": xt, "xt_fext": fext}
    n0 = set_threads(None)
    try:
        set_threads(1)
        a = grid_search(basis, w, var_n, offs, tx, p.samples_per_ui, **kw)
        set_threads(numba.config.NUMBA_NUM_THREADS)  # all available threads
        b = grid_search(basis, w, var_n, offs, tx, p.samples_per_ui, **kw)
    finally:
        set_threads(n0)
    assert np.array_equal(a.fom_grid_db, b.fom_grid_db)
    assert np.array_equal(a.cursor_grid, b.cursor_grid)


def test_exact_tolerance_changes_the_sampling_point(small_problem):
    """A positive MM tolerance prefers the last near-solution at or before the peak (pychopmarg rule)."""
    p, basis, _, _, w, _, offs, tx = small_problem
    q = w[2] @ basis
    a = fom(q, tx[0], offs, preset=p)
    b = fom(q, tx[0], offs, preset=get_preset(p, mm_rule="peak", mm_exact_tol_v=0.05))
    ref_b = naive_fom(q, offs, tx[0], p.samples_per_ui, np.array(p.bmin), np.array(p.dfe_bmax), 0.0, 4,
                      p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui, mm_tol=0.05, flt=p.dfe_float())
    assert b.cursor_index == ref_b[1]
    assert b.cursor_index != a.cursor_index  # the rule matters on this pulse


def test_fom_kernel_equals_naive_numpy(small_problem):
    p, basis, xt, fext, w, var_n, offs, tx = small_problem
    q = w[1] @ basis
    xq = np.stack([w[1] @ x for x in xt])
    for c in tx[:4]:
        r = fom(q, c, offs, preset=p, var_n=var_n[1], xt_pulses_v=xq, xt_fext=fext)
        ref, ix, terms = naive_fom(q, offs, c, p.samples_per_ui, np.array(p.bmin), np.array(p.dfe_bmax),
                                   var_n[1], 4, p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui, xq, fext,
                                   mm_tol=p.mm_kernel_tol, flt=p.dfe_float())
        assert r.fom_db == pytest.approx(ref, abs=TOL_FOM_SAME_FORMULA_DB)
        assert r.cursor_index == ix
        for k in ("var_tx", "var_isi", "var_j", "var_xt", "var_n"):
            assert getattr(r, k) == pytest.approx(terms[k], rel=1e-9, abs=1e-18)


@given(scale=st.floats(min_value=0.05, max_value=20.0))
def test_fom_is_scale_invariant(small_problem, scale):
    """FOM is a ratio: scaling every voltage by s and sigma_N^2 by s^2 leaves it unchanged."""
    p, basis, xt, fext, w, var_n, offs, tx = small_problem
    q = w[0] @ basis
    xq = np.stack([w[0] @ x for x in xt])
    a = fom(q, tx[1], offs, preset=p, var_n=var_n[0], xt_pulses_v=xq, xt_fext=fext)
    b = fom(scale * q, tx[1], offs, preset=p, var_n=var_n[0] * scale**2, xt_pulses_v=scale * xq,
            xt_fext=fext)
    assert b.fom_db == pytest.approx(a.fom_db, abs=1e-9)
    assert b.cursor_index == a.cursor_index


def test_tx_grid_of_802_3ck_kr():
    """5,544 TX settings before the c(0) >= 0.54 constraint (4 x 7 x 18 x 11), 4,345 after; 147 CTLE."""
    p = get_preset("802.3ck-kr")
    tx = p.tx_grid()
    assert p.tx_grid_size_unconstrained() == 5544
    assert tx.shape == (4345, 5)
    assert np.all(tx[:, 3] >= 0.54 - 1e-12)
    np.testing.assert_allclose(np.abs(tx).sum(axis=1), 1.0, atol=1e-12)
    assert p.ctle_grid().shape == (147, 2)


# -- COM on real and model channels -------------------------------------------------------
@pytest.fixture(scope="module")
def com_dpo4():
    return com(channel_path("DPO_4in_Meg7_THRU.s4p"))


def test_com_positive_for_dpo_4in(com_dpo4):
    r = com_dpo4
    assert r.com_db > 3.0
    assert len(r.cases) == 2
    assert r.com_db == min(c.com_db for c in r.cases)
    assert r.preset["name"] == "802.3ck-kr"
    assert 0 < r.a_ni < r.a_s
    assert r.com_db == pytest.approx(20 * np.log10(r.a_s / r.a_ni))
    assert r.tx_taps[list(r.tx_offsets).index(0)] >= 0.54 - 1e-12
    kr = get_preset("802.3ck-kr")
    # 12 fixed taps within [b_min, b_max], then floating taps (N_f = 40) within +-bmaxg
    assert r.dfe_taps.size == kr.dfe_n_f
    assert np.all(r.dfe_taps[:12] <= np.array(kr.dfe_bmax) + 1e-12)
    assert np.all(r.dfe_taps[:12] >= np.array(kr.bmin) - 1e-12)
    assert np.all(np.abs(r.dfe_taps[12:]) <= kr.dfe_bmaxg + 1e-12)
    assert np.count_nonzero(r.dfe_taps[12:]) <= kr.dfe_n_bg * kr.dfe_n_bf
    assert r.elapsed_s > 0


def test_com_negative_for_long_channel():
    """0.6 m of host-board trace (~47 dB at 26.56 GHz) is far beyond the 802.3ck KR budget."""
    r = com(_line(0.6), z_p_cases_m=ONE_CASE)
    assert r.com_db < 0.0


def test_com_monotone_in_length():
    lengths = [0.15, 0.3, 0.45]
    coms = [com(_line(x), z_p_cases_m=ONE_CASE).com_db for x in lengths]
    assert all(a > b for a, b in itertools.pairwise(coms)), coms


def test_com_cascade_of_real_channel_is_lower():
    """DPO_12in cascaded with itself (a synthetic, much longer channel) loses COM."""
    from sikernel.channel.touchstone import read_touchstone

    c12 = read_touchstone(channel_path("DPO_12in_Meg7_THRU.s4p"))
    one = com(c12, z_p_cases_m=ONE_CASE).com_db
    two = com(cascade(c12, c12), z_p_cases_m=ONE_CASE).com_db
    assert two < one
    assert two < 1.0


@pytest.fixture(scope="module")
def ca_set():
    thru = channel_path("CA_19p75dB_thru.s4p")
    nexts = [channel_path(f) for f in CA_FILES["next"]]
    fexts = [channel_path(f) for f in CA_FILES["fext"]]
    no_xt = com(thru)
    with_xt = com(thru, next=nexts, fext=fexts)
    return no_xt, with_xt


def test_ca_set_with_15_aggressors_runs_and_crosstalk_never_helps(ca_set):
    no_xt, with_xt = ca_set
    assert len(with_xt.next) == 8 and len(with_xt.fext) == 7
    assert np.isfinite(with_xt.com_db)
    assert with_xt.sigma["sigma_xt"] > 0 and no_xt.sigma["sigma_xt"] == 0
    assert with_xt.com_db <= no_xt.com_db + TOL_XT_MONOTONE_DB
    for a, b in zip(no_xt.cases, with_xt.cases, strict=True):
        assert b.com_db <= a.com_db + TOL_XT_MONOTONE_DB
        assert b.fom_db <= a.fom_db + TOL_XT_MONOTONE_DB


def test_adding_one_aggressor_never_raises_com():
    thru = _line(0.2)
    agg = Channel(F_HZ, _line(0.05).sdd * 0.05, name="synthetic FEXT")
    a = com(thru, z_p_cases_m=ONE_CASE)
    # a shorter line than the thru: it arrives before the thru's signal, as no FEXT of a path of the
    # thru's length does, and is warned about (channel.roles.check_crosstalk_direction)
    with pytest.warns(SIKernelWarning, match="is given as a FEXT aggressor"):
        b = com(thru, fext=[agg], z_p_cases_m=ONE_CASE)
    c = com(thru, next=[agg], z_p_cases_m=ONE_CASE)
    assert b.com_db <= a.com_db + TOL_XT_MONOTONE_DB
    assert c.com_db <= a.com_db + TOL_XT_MONOTONE_DB


def test_c2c_file_without_dc_point_runs():
    r = com(channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p"), preset="802.3ck-c2c")
    assert np.isfinite(r.com_db) and len(r.cases) == 2
    assert r.preset["name"] == "802.3ck-c2c"


def test_802_3dj_mmse_mode_runs():
    r = com(_line(0.1), preset="802.3dj-kr")
    c = r.cases[0]
    assert np.isfinite(r.com_db)
    assert c.rx_ffe_taps is not None and c.rx_ffe_taps.size == 16
    assert c.rx_ffe_taps[5] == pytest.approx(1.0)
    assert c.dfe_taps.size == 1 and 0.0 <= c.dfe_taps[0] <= 0.85


def test_overrides_are_recorded_and_used(com_dpo4):
    r = com(channel_path("DPO_4in_Meg7_THRU.s4p"), t_r_s=4e-12, z_p_cases_m=ONE_CASE)
    assert r.preset["values"]["t_r_s"] == 4e-12
    assert "t_r_s" in r.preset["version"]
    assert r.cases[0].com_db != com_dpo4.cases[0].com_db


def test_cli_json(capsys):
    from sikernel.cli import main

    rc = main(["com", str(channel_path("DPO_4in_Meg7_THRU.s4p")), "--json",
               "--set", "z_p_cases_m=[[0.012, 0.012]]"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["preset"]["name"] == "802.3ck-kr"
    assert len(out["cases"]) == 1 and np.isfinite(out["com_db"])


# -- bad input ------------------------------------------------------------------------------
def test_unknown_preset_lists_known():
    with pytest.raises(SIKernelError, match=r"802\.3ck-kr"):
        get_preset("802.3zz")
    with pytest.raises(SIKernelError, match="unknown COM preset"):
        com(_line(0.1), preset="nope")


def test_unknown_preset_field():
    with pytest.raises(SIKernelError, match="unknown COM preset field"):
        get_preset("802.3ck-kr", baud=1e9)


def test_empty_tap_list():
    with pytest.raises(SIKernelError, match="tx_taps"):
        get_preset("802.3ck-kr", tx_taps=[])
    with pytest.raises(SIKernelError, match="tx_taps"):
        fom(np.ones(200), [], [], preset="802.3ck-kr")


def test_misshaped_tap_list():
    with pytest.raises(SIKernelError, match="tx_taps"):
        get_preset("802.3ck-kr", tx_taps=[[-1, -0.2, 0.0]])
    with pytest.raises(SIKernelError, match="tx_taps"):
        fom(np.ones(200), [0.1, 0.9], [0], preset="802.3ck-kr")


def test_misshaped_grid_inputs(small_problem):
    p, basis, _, _, w, var_n, offs, tx = small_problem
    with pytest.raises(SIKernelError, match="tx_grid"):
        grid_search(basis, w, var_n, offs, tx[:, :2], p.samples_per_ui, dfe_bmin=np.zeros(0),
                    dfe_bmax=np.zeros(0), n_levels=4, r_lm=1, snr_tx_db=33, a_dd_ui=0, sigma_rj_ui=0)
    with pytest.raises(SIKernelError, match="var_n"):
        grid_search(basis, w, var_n[:2], offs, tx, p.samples_per_ui, dfe_bmin=np.zeros(0),
                    dfe_bmax=np.zeros(0), n_levels=4, r_lm=1, snr_tx_db=33, a_dd_ui=0, sigma_rj_ui=0)


def test_bad_preset_values():
    with pytest.raises(SIKernelError, match="der0"):
        get_preset("802.3ck-kr", der0=0.7)
    with pytest.raises(SIKernelError, match="dfe_bmin"):
        get_preset("802.3ck-kr", dfe_bmin=(0.0,))


def test_channel_below_nyquist():
    short = Channel(F_HZ[:2000], _line(0.1).sdd[:2000])  # ends at 19.99 GHz < 26.56 GHz
    with pytest.raises(SIKernelError, match="Nyquist"):
        com(short)


def test_bad_channel_type():
    with pytest.raises(SIKernelError, match="channel"):
        com(12345)


def test_presets_named_and_versioned():
    for name in PRESET_NAMES:
        p = get_preset(name)
        assert p.name == name and p.version and p.source


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_a_ni_beyond_the_2_a_s_grid_equals_bruteforce(scale):
    """A_ni above 2 A_s (COM < -6 dB) is computed on a wide enough grid, not clipped to the
    +-2 A_s window: it equals a brute-force PMF (93A-38..45) whatever the ISI level."""
    from sikernel.eye.com import _a_ni
    from sikernel.eye.presets import get_preset
    from tests.naive_com import naive_a_ni

    p = get_preset("802.3ck-kr")
    a_s = 0.01
    rng = np.random.default_rng(3)
    isi = scale * a_s * rng.normal(0.0, 0.35, 24)
    hj = np.zeros(3)
    var_g = (0.3 * a_s) ** 2
    got = _a_ni(isi, hj, [], a_s, var_g, p)
    cur = isi[np.abs(isi) > 1e-3 * a_s]
    want = naive_a_ni(cur, np.sqrt(var_g), p.der0, p.n_levels, 2e-4 * a_s)
    assert got == pytest.approx(want, rel=2e-3)
    if scale == 3.0:
        assert got > 2.5 * a_s          # COM well below -6 dB, no longer floored at 2 A_s
