"""The study's equalised statistical eyes (``sikernel.study._eyes``).

DSP operating points: the eye is drawn with the receiver the energy model prices
(TX FFE + CTLE of the 1-tap-DFE FOM search, MMSE RX FFE of the chosen tap count,
1-tap DFE, thermal + ADC quantisation noise at the slicer), checked against

* a reference that calls nothing from sikernel's signal path (:func:`_naive_dsp_eye`:
  pulse from closed-form filters and an FFT, TX FFE by shifts, MMSE taps by the
  first-principles QP of ``tests/naive_mmse.py``, RX FIR by explicit shifts, noise as
  ``wᵀ Toeplitz(R) w`` with ``R`` integrated here, quantisation noise by the budget's
  formula, eye on a fine grid by ``tests/naive_study_eye.py``), given the operating point's
  choices (front end, tap split, swing, ENOB);
* the energy model's own SI figures of the chosen configuration
  (:func:`sikernel.power.si.op_table`: ``var_n``, ``q_coef``, ``h0``, MLSD gain).

Linear and analog operating points: checked against ``tests/naive_study_eye.py``, a NumPy
reference that calls nothing from sikernel (pulse from the closed-form filters and an FFT,
TX FFE by shifts, statistical eye on a fine voltage grid), given the channel and the
operating point's settings (launch swing, TX FFE, CTLE, DFE taps).  With the library's eye
grid at the reference's resolution the two agree within ``FINE_REL_TOL``.  The study now
draws its eyes on that grid (``sikernel.system.eyes.EYE_N_BINS``); at the 512 bins it used
before, the binning of ~130 cursors blurred the ISI distribution and read the eye 6-38 %
low, so the study's own eye is checked with the same ``FINE_REL_TOL``
(``COARSE_LOW_REL``).  The recorded figures below are regression guards only (the code's own
output at the commit named there), not validation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import toeplitz

from sikernel import SIKernelError, study
from sikernel.eye.stateye import stat_eye
from sikernel.power import si
from sikernel.system import eyes as study_eyes

from . import naive_study_eye
from .naive_mmse import naive_mmse_solve
from .validation_rows import max_rel

#: 802.3ck DFE tap limits b_max(1..12) (IEEE Std 802.3ck Cl. 163 COM sheet), as the study uses
BMAX_CK = (0.85, 0.3) + (0.2,) * 5 + (0.1,) * 5

#: slicer noise of the DSP eye vs tests' first-principles MMSE taps (QP solver tolerance)
NOISE_VS_NAIVE_REL = 1e-6
#: relative agreement of the eye's noise terms with the energy model's op table
NOISE_REL_TOL = 1e-12
#: relative drift allowed on the recorded linear/analog figures (regression guard: flags a
#: change of more than 0.1 %; validation is the NumPy reference above, not these numbers)
RECORDED_REL_TOL = 1e-3
#: study eye with the library's grid refined to N_BINS_FINE vs the NumPy reference: pulse
#: agrees to 1e-7 of its peak; eye heights measured within 0.1 % (NPO 106.25 Gb/s) and
#: 0.17 % (the DSP pluggable 212.5 Gb/s point)
FINE_REL_TOL = 5e-3
N_BINS_FINE = 4096
#: the study's own eye (EYE_N_BINS bins) may be smaller than the reference by at most this
#: fraction, and never larger beyond 2 bins (it was 0.25 while the study drew 512-bin eyes)
COARSE_LOW_REL = FINE_REL_TOL
#: target BER of the study
BER = 1e-6
#: the study's 212.5 Gb/s pluggable path: 25.4 dB at Nyquist, a DSP receiver with MLSD
DSP_RATE_GBPS = 212.5

#: REGRESSION GUARDS ONLY (the code's own output, not validation): (path, rate Gb/s) ->
#: (architecture, eye height equalised V, closure equalised dB) from ``study._eyes``; the NPO point
#: re-recorded (December 2026, session 25) when the shipped NPO board took a breakout via at each end
#: (eye 14.3 -> 19.0 mV, closure 7.03 -> 9.17 dB: the energy model's operating point moved to a larger
#: launch swing, 0.18 -> 0.28 V, and a milder CTLE, so the eye grew while closing more against its
#: launch; the NumPy reference test above passes on it);
#: re-recorded (December 2026, session 22) after the refit with Singh's calibration row at its published DAC
#: TX (launch swing 0.17 / 0.30 / 0.18 V); before, after the CTLE's low-frequency stage g_DC2 and
#: the refit on its tables (launch swing 0.17 / 0.25 / 0.18 V; the NumPy references above carry the
#: stage; the linear/analog eye at the front end's sampling instant instead of the pulse peak);
#: before, after the refit with the TX pad bound (coefficients within 1 % of the previous fit;
#: launch swing 0.22 / 0.21 / 0.17 V); before, after the refit with the fitted node exponent of the
#: digital blocks
#: (blocks.digital_scale, and the lowest-cost minimum of the multi-start fit) moved the operating points
#: (launch swing 0.23 / 0.21 / 0.17 V, was 0.17 /
#: 0.18 / 0.15 V after the refit with Khairi's receiver in its stated scope, 0.13 / 0.16 / 0.14 V
#: before); the NumPy reference tests above pass at the new points (earlier: after the joint refit of
#: the survey-fitted ADC figure of merit and the rate's reference-receiver bandwidth; the lead's
#: second-round recording after the multi-start refit; after the analog-DFE timing law, the TX FFE
#: subsets and the first refit; before that 8e39bf7, b6f6e4c).  The 212.5 Gb/s CPO point re-recorded
#: when the three-tap TX FFE subsets were added (December 2026: it now takes "pre2", c(-2) and c(-1),
#: instead of the full grid's four taps; eye 22.3 -> 26.3 mV, closure 6.90 -> 6.43 dB).  The
#: 106.25 Gb/s CPO point re-recorded when "auto" stopped choosing the unretimed linear family
#: (December 2026): it is now the retimed CTLE-only receiver (analog, 0 DFE taps), which needs no
#: linear margin, so its launch swing and eye are smaller (eye 29.6 -> 9.1 mV, closure 4.07 -> 4.82 dB)
RECORDED = {
    ("cpo", 106.25): ("analog", 0.009113118670110954, 4.822112262855726),
    ("cpo", 212.5): ("analog", 0.02640697075751001, 6.426111198042513),
    ("npo", 106.25): ("analog", 0.01902940011951227, 9.169247180296136),
}


#: node of each operating point (nm): 7 unless listed.  The 212.5 Gb/s CPO point is taken at
#: 3 nm, its generation's node: at 7 nm a 106 GBd PAM4 analog DFE's one-UI loop costs 23x
#: (power.blocks.dfe_timing_factor) and the energy model picks the DSP receiver, whose eye
#: has its own reference test above
NODE_NM = {("cpo", 212.5): 3}


def _operating_point(name: str, rate_gbps: float):
    spec = study.DEFAULT_PATHS[name]
    baud = rate_gbps * 1e9 / 2.0
    ch = study.build_channel(spec, baud)
    e = study._link_energy(ch, baud, NODE_NM.get((name, rate_gbps), 7), spec.exclude, BER)
    return ch, baud, e


@pytest.fixture(scope="module")
def dsp_point():
    ch, baud, e = _operating_point("pluggable", DSP_RATE_GBPS)
    fig, _, eq = study._eyes(ch, baud, e, BER)
    return ch, baud, e, fig, eq


def _chosen_dsp_column(op, e) -> int:
    """Column of the op table that the energy model chose (RX FFE taps, MLSD, MMSE noise level)."""
    cols = [i for i in range(len(op)) if op.family[i] == "dsp"
            and op.rx_ffe_taps[i] == e.eq_settings["rx_ffe_taps"]
            and bool(op.mlsd[i]) == e.eq_settings["mlsd"]
            and op.extra["mmse_noise_db"][i] == e.eq_settings["mmse_noise_db"]]
    assert len(cols) == 1, cols
    return cols[0]


def _naive_dsp_eye(ch, baud: float, e):
    """The DSP receiver's eye rebuilt without sikernel's signal path (tests/naive_*.py): pulse
    from the closed-form filters (naive_study_eye), TX FFE by shifts, cursors at the COM
    reference amplitude at the front end's cursor instant, thermal-noise autocorrelation by
    trapezoid, MMSE by the first-principles QP (naive_mmse), RX FFE as a symbol-spaced FIR,
    ADC quantisation noise by the budget's formula, eye on a fine grid.  Inputs taken from the
    operating point: the front end's choice (CTLE, TX FFE, cursor instant), the RX FFE tap
    split, the noise level its MMSE was solved at, the launch swing and the ENOB."""
    s = si.settings_for(baud)  # the rate's reference receiver (the eye's input)
    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    front = si._grid_family(ps, 1, s)  # the settings the energy model chose (inputs)
    m = s.samples_per_ui
    amp, enob = e.eq_settings["launch_peak_v"], e.eq_settings["adc_enob"]
    n_taps = e.eq_settings["rx_ffe_taps"]
    n_pre, n_post = next(sp for sp in si.DSP_FFE_TAPS if sp[0] + 1 + sp[1] == n_taps)
    gdc_db = float(ps.gdc_db[front["ctle_index"]])
    lf = {"gdc2_db": float(ps.gdc2_db[front["ctle_index"]]), "f_lf_hz": s.f_lf_ratio * baud}
    f_r, fz, fp2 = s.f_r_ratio * baud, s.fz_ratio * baud, s.fp2_ratio * baud
    p = naive_study_eye.pulse_numpy(ch.f, ch.s21, baud, m, s.t_r_ui / baud, f_r, fz, fp2, gdc_db,
                                    align_gdc_db=0.0, **lf)
    offs = np.asarray(front["tx_offsets"])
    pad = int(np.max(np.abs(offs))) * m
    ptx_1v = naive_study_eye.tx_ffe(p, front["tx_taps"], offs, m)
    i0 = int(front["cursor_index"]) + pad
    cur = ptx_1v[i0 % m::m] * s.a_ref_v
    h0 = float(ptx_1v[i0])
    fn = np.linspace(0.0, 2.0 * baud, 2049)
    hr = naive_study_eye.rx_afe_h(fn, f_r)
    hc = naive_study_eye.ctle_h(fn, fz, fp2, gdc_db, **lf)
    psd = s.eta0_v2_per_hz * np.abs(hr * hc) ** 2
    acf = np.array([np.trapezoid(psd * np.cos(2 * np.pi * fn * lag / baud), fn) for lag in range(40)])
    # solved at the noise level the energy model chose (si.DSP_MMSE_NOISE_DB); the thermal noise of
    # the eye stays the reference one (var_th below uses the unscaled acf)
    k_noise = 10.0 ** (float(e.eq_settings["mmse_noise_db"] or 0.0) / 10.0)
    _, _, w_unit, _ = naive_mmse_solve(cur, i0 // m, n_pre, n_post, 1, 4, s.r_lm, acf * k_noise,
                                       s.snr_tx_db, [], np.array([0.85]), None, None)
    w = w_unit * h0 * s.a_ref_v  # equalised main cursor = h0 per volt of launch
    peq = np.zeros(ptx_1v.size + (w.size - 1) * m)
    for j_tap, wj in enumerate(w):  # tap j delays by j UI
        peq[j_tap * m: j_tap * m + ptx_1v.size] += wj * ptx_1v * amp
    var_th = float(w @ toeplitz(acf[:w.size]) @ w)
    rms = math.sqrt(5.0 / 9.0 * float(cur @ cur))  # PAM4 symbol variance 5/9
    q_coef = float(w_unit @ w_unit) * (2 * s.adc_clip_sigma * rms) ** 2 / 12 * h0**2
    var_q = q_coef * 4.0 ** -enob * amp * amp
    eye = naive_study_eye.eye_numpy(peq, m, np.linspace(-1.0, 1.0, 4), 1, (0.85,),
                                    math.sqrt(var_th + var_q), s.snr_tx_db, s.sigma_rj_ui, s.a_dd_ui,
                                    BER, 32, ref_index=i0 + n_pre * m)
    return eye, var_th, var_q


def test_dsp_eye_open_where_budget_closes(dsp_point):
    _, _, e, fig, _ = dsp_point
    assert e.architecture == "dsp", e.architecture  # the point this test is about
    assert math.isfinite(e.eq_settings["launch_peak_v"])  # the budget closes the link
    assert fig["eye_height_equalised_v"] > 0
    assert math.isfinite(fig["eye_closure_equalised_db"])


def test_dsp_eye_against_numpy_reference(dsp_point, monkeypatch, record_property):
    """The study's DSP eye (library grid refined to N_BINS_FINE) against _naive_dsp_eye."""
    import sikernel.eye.stateye as se

    ch, baud, e, fig, eq = dsp_point
    ref, var_th, var_q = _naive_dsp_eye(ch, baud, e)
    assert ref["eye_height_v"] > 0
    np.testing.assert_allclose(eq.noise_terms_v["sigma_v"] ** 2, var_th + var_q, rtol=NOISE_VS_NAIVE_REL)
    real = se.stat_eye
    monkeypatch.setattr(se, "stat_eye", lambda *a, **k: real(*a, **{**k, "n_bins": N_BINS_FINE}))
    fine, _, _ = study._eyes(ch, baud, e, BER)
    record_property("validation:study-eye-dsp", max_rel(fine["eye_height_equalised_v"], ref["eye_height_v"]))
    np.testing.assert_allclose(fine["eye_height_equalised_v"], ref["eye_height_v"], rtol=FINE_REL_TOL)
    dv = float(eq.voltages_v[1] - eq.voltages_v[0])
    assert (1 - COARSE_LOW_REL) * ref["eye_height_v"] <= fig["eye_height_equalised_v"] \
        <= ref["eye_height_v"] + 2 * dv


def test_dsp_eye_noise_and_scale_are_the_energy_models(dsp_point):
    """Slicer noise = op-table var_n + q_coef 4^-ENOB A²; main cursor = h0 A; MLSD flagged."""
    ch, baud, e, fig, eq = dsp_point
    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    op = si.op_table(ps, families=("dsp",))
    j = _chosen_dsp_column(op, e)
    amp = e.eq_settings["launch_peak_v"]
    var = op.var_n[j] + op.q_coef[j] * 4.0 ** -e.eq_settings["adc_enob"] * amp * amp
    np.testing.assert_allclose(eq.noise_terms_v["sigma_v"] ** 2, var, rtol=NOISE_REL_TOL)
    np.testing.assert_allclose(eq.h0_ref_v, op.extra["h0"][j] * amp, rtol=NOISE_REL_TOL)
    # whether this operating point uses MLSD depends on the energy model's coefficients; the eye
    # must say so when it does, and claim no MLSD gain when it does not
    if e.eq_settings["mlsd"]:
        assert fig["eye_equalised_excludes_mlsd"] is True
        np.testing.assert_allclose(fig["eye_equalised_mlsd_gain_db"], op.mlsd_gain_db[j],
                                   rtol=NOISE_REL_TOL)
        assert fig["eye_equalised_mlsd_gain_db"] > 0
        assert "before MLSD" in fig["eye_equalised_receiver"]
    else:
        assert fig["eye_equalised_excludes_mlsd"] is False
        assert fig["eye_equalised_mlsd_gain_db"] == 0.0
        assert "before MLSD" not in fig["eye_equalised_receiver"]
    assert f"{e.eq_settings['rx_ffe_taps']}-tap MMSE RX FFE" in fig["eye_equalised_receiver"]


def test_dsp_eye_without_rx_ffe_would_be_closed(dsp_point):
    """The defect this fixes: the same point without the RX FFE (the old eye) is closed."""
    ch, baud, e, _, _ = dsp_point
    s = si.settings_for(baud)  # the rate's reference receiver (the eye's input)
    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    front = si._grid_family(ps, 1, s)
    k, c, m = front["ctle_index"], front["tx_taps"], ps.samples_per_ui
    c_up = np.zeros((c.size - 1) * m + 1)
    c_up[::m] = c
    p = np.convolve(ps.weights[k] @ ps.basis, c_up) * e.eq_settings["launch_peak_v"]
    old = stat_eye(p, m, modulation="pam4", n_dfe=1, dfe_max=[0.85],
                   sigma_v=float(np.sqrt(ps.var_n[k])), snr_tx_db=s.snr_tx_db,
                   sigma_rj_ui=s.sigma_rj_ui, a_dd_ui=s.a_dd_ui, target_ber=BER, n_phases=32,
                   n_bins=study_eyes.EYE_N_BINS)
    assert old.eye_height_min_v == 0.0


def test_dsp_eye_cost_one_search_one_mmse(dsp_point, monkeypatch):
    """Extra work of a DSP eye: no second FOM search, one MMSE solve (cost, without timing)."""
    import sikernel.eq.mmse as mm

    ch, baud, e, _, _ = dsp_point
    calls = {"grid": 0, "mmse": 0}
    grid, solve = si._grid_family, mm.mmse

    def count_grid(*a, **kw):
        calls["grid"] += 1
        return grid(*a, **kw)

    def count_mmse(*a, **kw):
        calls["mmse"] += 1
        return solve(*a, **kw)

    monkeypatch.setattr(si, "_grid_family", count_grid)
    monkeypatch.setattr(mm, "mmse", count_mmse)
    study._eyes(ch, baud, e, BER)
    assert calls == {"grid": 1, "mmse": 1}


@pytest.mark.parametrize(("name", "rate"), list(RECORDED))
def test_linear_and_analog_eyes_against_numpy_reference(name, rate, monkeypatch, record_property):
    """The study's linear/analog eye against tests/naive_study_eye.py (independent of sikernel)."""
    import sikernel.eye.stateye as se

    ch, baud, e = _operating_point(name, rate)
    s = si.settings_for(baud)  # the rate's reference receiver (the eye's input)
    # the operating point's settings (inputs of the eye): swing, TX FFE, CTLE, DFE taps
    n_dfe = int(e.eq_settings["dfe_taps"]) if e.architecture == "analog" else 0
    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    front = si._grid_family(ps, n_dfe, s, study_eyes.tx_active(e))  # TX FFE subset chosen (input)
    gdc_db = float(ps.gdc_db[front["ctle_index"]])
    lf = {"gdc2_db": float(ps.gdc2_db[front["ctle_index"]]), "f_lf_hz": s.f_lf_ratio * baud}
    m, amp = s.samples_per_ui, float(e.eq_settings["launch_peak_v"])
    f_r, fz, fp2 = s.f_r_ratio * baud, s.fz_ratio * baud, s.fp2_ratio * baud
    p = naive_study_eye.pulse_numpy(ch.f, ch.s21, baud, m, s.t_r_ui / baud, f_r, fz, fp2, gdc_db,
                                    align_gdc_db=0.0, **lf)
    p_eq = naive_study_eye.tx_ffe(p, front["tx_taps"], front["tx_offsets"], m) * amp
    var_n = naive_study_eye.noise_var_v2(baud, f_r, fz, fp2, gdc_db, s.eta0_v2_per_hz, **lf)
    # the eye is taken at the front end's sampling instant (an input, as for the DSP eye)
    pad = int(np.max(np.abs(front["tx_offsets"]))) * m
    ref = naive_study_eye.eye_numpy(p_eq, m, np.linspace(-1.0, 1.0, 4), n_dfe, BMAX_CK[:n_dfe],
                                    math.sqrt(var_n), s.snr_tx_db, s.sigma_rj_ui, s.a_dd_ui, BER, 32,
                                    ref_index=int(front["cursor_index"]) + pad)
    coarse, _, eq = study._eyes(ch, baud, e, BER)
    real = se.stat_eye
    monkeypatch.setattr(se, "stat_eye", lambda *a, **k: real(*a, **{**k, "n_bins": N_BINS_FINE}))
    fine, _, _ = study._eyes(ch, baud, e, BER)
    if ref["eye_height_v"] == 0.0:  # closed at this operating point: closed in the study too
        assert fine["eye_height_equalised_v"] == coarse["eye_height_equalised_v"] == 0.0
        return
    record_property("validation:study-eye-linear-analog",
                    max_rel(fine["eye_height_equalised_v"], ref["eye_height_v"]))
    np.testing.assert_allclose(fine["eye_height_equalised_v"], ref["eye_height_v"], rtol=FINE_REL_TOL)
    dv = float(eq.voltages_v[1] - eq.voltages_v[0])
    assert (1 - COARSE_LOW_REL) * ref["eye_height_v"] <= coarse["eye_height_equalised_v"] \
        <= ref["eye_height_v"] + 2 * dv


@pytest.mark.parametrize(("name", "rate"), list(RECORDED))
def test_linear_and_analog_eyes_unchanged(name, rate):
    """Regression guard (recorded output, see RECORDED)."""
    arch, height_v, closure_db = RECORDED[(name, rate)]
    ch, baud, e = _operating_point(name, rate)
    assert e.architecture == arch
    fig, _, _ = study._eyes(ch, baud, e, BER)
    np.testing.assert_allclose(fig["eye_height_equalised_v"], height_v, rtol=RECORDED_REL_TOL)
    np.testing.assert_allclose(fig["eye_closure_equalised_db"], closure_db, rtol=RECORDED_REL_TOL)
    assert fig["eye_height_unequalised_v"] == 0.0
    assert fig["eye_closure_unequalised_db"] == math.inf
    assert fig["eye_equalised_excludes_mlsd"] is False
    assert fig["eye_equalised_mlsd_gain_db"] == 0.0
    assert "RX FFE" not in fig["eye_equalised_receiver"]


def test_unknown_rx_ffe_tap_count():
    with pytest.raises(SIKernelError, match=r"rx_ffe_taps=13 .*expected one of \[8, 12, 16, 24, 32\]"):
        study._dsp_split(13)
