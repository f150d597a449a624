"""802.3dj KR (P802.3dj Annex 178A draft) COM on DPO_4in: why it is about -6 dB.

The P802.3ck channel DPO_4in_Meg7 passes 802.3ck KR (53.125 GBd, COM about 5 dB) but gets
COM about -6.0 dB (FOM about 4.7 dB) under the 802.3dj KR preset (106.25 GBd; -5.98 dB since the
MMSE mode follows the 178A noise terms and A_ni near the PMF grid's edge is recomputed on a wider
grid, -5.76 dB before both).  These tests
pin the explanation, so that a later change that moves the number has to face it:

* the COM step (93A.1.7 applied to the RX-FFE-equalised cursors, 178A) agrees with a
  brute-force NumPy reference built from the captured chosen point, with the noise
  autocorrelation recomputed independently from eta_0 |H_r H_ctle|^2 (93A-35) and the TX noise
  as 178A S_tn (the pulse without TX FFE through the RX FFE; COM 4.50 ``Create_Noise_PDF``);
* the channel is not a 106.25 GBd channel: its die-to-die insertion loss (33 mm 802.3dj
  package both ends, 93A.1.2) is about 100 dB at the Nyquist frequency 53.125 GHz, more
  than twice the 40 dB P802.3dj KR loss budget, while below 20 dB at 26.5625 GHz (the
  802.3ck Nyquist frequency): the measured S21 collapses above about 35 GHz
  (32 dB at 40 GHz, 63 dB at 45 GHz);
* the low FOM is residual ISI that no RX FFE removes: at the chosen point the 0.7 RX FFE tap
  limit barely binds (the unlimited MMSE gains under 0.01 dB), and a 121-tap unlimited RX FFE
  gains only about 2 dB (a linear equaliser cannot undo an in-band null);
* COM is about FOM - 11 dB, as for every 802.3ck result, because the noise+ISI amplitude at
  DER0 = 2e-4 is about 3.5 sigma.  A_ni lands at about 1.99 A_s, within 4 sigma_G of the
  +-2 A_s PMF grid's edge, so COM recomputes it on a wider grid (``_EDGE_SIGMAS``): on the
  +-2 A_s grid alone the ISI mass clamped into the edge bin, spread by the Gaussian from there,
  read COM 0.013 dB high against this brute-force reference (2026-12-07); now 0.0013 dB.
"""

from __future__ import annotations

import numpy as np
import pytest

import sikernel.eye._com_channel as _cc
import sikernel.eye.com as _com
from sikernel.eq.filters import ctle_response, rx_afe_filter
from sikernel.eq.mmse import mmse, noise_acf_from_psd
from sikernel.eye.presets import get_preset
from tests.conftest import channel_path
from tests.naive_com import naive_a_ni
from tests.naive_mmse import naive_noise_pulses

DPO4 = "DPO_4in_Meg7_THRU.s4p"
#: the 33 mm package case, the worst one of the preset on DPO_4in
CASE_33MM = ((33e-3, 33e-3),)
#: bin width of the brute-force reference PMF, relative to A_s
DV_REF_REL = 5e-4
#: COM step vs the brute-force reference (dB): binning of both PMFs, measured 0.0013 dB
#: (2026-12-07, A_ni recomputed near the grid edge; 0.013 dB before, on the +-2 A_s grid alone)
TOL_REF_DB = 0.005
#: relative agreement of quantities both sides compute by the same formula
TOL_REL = 1e-6
#: relative agreement of noise integrals: rectangle sum (com) vs trapezoid rule (reference)
TOL_QUAD_REL = 1e-5
#: P802.3dj KR recommended die-to-die loss budget at 53.125 GHz (dB), com-parameters.md
BUDGET_DJ_KR_DB = 40.0
#: MMSE FOM of the same point (dB): noise autocorrelation by rectangle vs trapezoid rule
TOL_FOM_QUAD_DB = 1e-4
#: MMSE FOM (dB) that COM >= 3 dB would need: COM is about FOM - 11 dB at DER0 = 2e-4
FOM_NEEDED_DB = 14.0
#: what lifting the 0.7 RX FFE tap limit gains at the chosen point (dB): it binds, barely
#: (5.8e-4 dB measured 2026-12-07 with the 178A noise terms; 0 before)
TOL_LIMIT_GAIN_DB = 0.01


@pytest.fixture(scope="module")
def chosen():
    """COM of DPO_4in under 802.3dj-kr (33 mm case) and the inputs of its COM step."""
    seen = {}
    real = _com._mmse_case

    def spy(q, xt, c, offs, ix, acf, p):
        r = real(q, xt, c, offs, ix, acf, p)
        seen.update(q=q, xt=xt, c=c, offs=offs, ix=ix, acf=acf, p=p, r=r)
        return r

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_com, "_mmse_case", spy)
        res = _com.com(channel_path(DPO4), "802.3dj-kr", z_p_cases_m=CASE_33MM)
    return res, seen


def _pulse_cursors(s):
    """TX-equalised pulse (explicit shifts), its symbol-spaced samples and slopes."""
    q, c, offs, ix, p = s["q"], s["c"], s["offs"], s["ix"], s["p"]
    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    qq = np.concatenate([np.zeros(pad), q, np.zeros(pad)])
    pv = np.zeros_like(qq)
    for o, ca in zip(offs, c, strict=True):
        d = int(o) * m
        if d >= 0:
            pv[d:] += ca * qq[: qq.size - d]
        else:
            pv[: qq.size + d] += ca * qq[-d:]
    i = ix + pad
    ph = i % m
    n0 = (i - ph) // m
    slope = (pv[ph + 1::m][: pv[ph::m].size - 1] - pv[ph - 1::m][: pv[ph::m].size - 1]) * m / 2
    return pv[ph::m], n0, slope


def _noise_acf(p, gdc_db, gdc2_db, n_lags):
    """eta_0 |H_r H_ctle|^2 at symbol lags (93A-35 before sampling), to f_b M / 2."""
    f = np.arange(0.0, p.baud_hz * p.samples_per_ui / 2 + p.df_hz / 2, p.df_hz)
    h = rx_afe_filter(f, p.f_r_hz) * ctle_response(f, gdc_db, p.ctle_fz_hz, p.ctle_fp1_hz,
                                                   p.ctle_fp2_hz, gdc2_db=gdc2_db,
                                                   f_lf_hz=p.ctle_f_lf_hz)
    return noise_acf_from_psd(f, p.eta0_v2_per_hz, p.baud_hz, n_lags, h)


def _acf(x, n):
    return np.array([np.sum(x[: x.size - k] * x[k:]) for k in range(n)])


def test_dj_com_step_matches_bruteforce_reference(chosen):
    res, s = chosen
    case = res.cases[0]
    p = s["p"]
    h, n0, slope = _pulse_cursors(s)
    w = case.rx_ffe_taps
    assert w[p.rx_ffe_n_pre] == 1.0                       # main RX FFE tap 1 (as the IEEE tool)
    heq = np.convolve(w, h)
    n0e = n0 + p.rx_ffe_n_pre
    h0 = heq[n0e]
    lv = p.n_levels
    var_x = (lv * lv - 1) / (3 * (lv - 1) ** 2)
    a_s = p.r_lm * h0 / (lv - 1)
    isi = heq.copy()
    isi[n0e] = 0.0
    isi[n0e + 1] -= np.clip(heq[n0e + 1] / h0, p.bmin[0], p.dfe_bmax[0]) * h0
    hj = np.convolve(w, slope)
    acf = _noise_acf(p, case.ctle_gdc_db, case.ctle_gdc2_db, w.size)
    var_n = w @ acf[np.abs(np.subtract.outer(np.arange(w.size), np.arange(w.size)))] @ w
    # 178A TX noise (COM 4.50 Create_Noise_PDF, MMSE branch: sigma_TX = S_tn_rms): the pulse
    # without TX FFE through the RX FFE, not 93A-30's h0^2 10^(-SNR_TX/10)
    htn, _ = naive_noise_pulses(s["q"], s["c"], s["offs"], s["ix"], p)
    var_tx = var_x * 10 ** (-p.snr_tx_db / 10) * np.sum(np.convolve(w, htn) ** 2)
    var_g = var_tx + p.sigma_rj_ui ** 2 * var_x * hj @ hj + var_n
    cur = np.concatenate([isi, p.a_dd_ui * hj])
    cur = cur[np.abs(cur) > 1e-3 * a_s]                 # Note 2 of 93A.1.7.1
    a_ni = naive_a_ni(cur, np.sqrt(var_g), p.der0, lv, DV_REF_REL * a_s)
    assert case.a_s == pytest.approx(a_s, rel=TOL_REL)
    assert case.sigma["sigma_n"] == pytest.approx(np.sqrt(var_n), rel=TOL_QUAD_REL)
    assert case.sigma["sigma_tx"] == pytest.approx(np.sqrt(var_tx), rel=TOL_REL)
    assert var_tx > 2 * h0 ** 2 * 10 ** (-p.snr_tx_db / 10)      # well above the 93A-30 form
    assert case.sigma["sigma_g"] == pytest.approx(np.sqrt(var_g), rel=TOL_QUAD_REL)
    assert case.com_db == pytest.approx(20 * np.log10(a_s / a_ni), abs=TOL_REF_DB)
    # not the -6 dB floor of the PMF grid: A_ni is inside +/- 2 A_s (no room to spare since the
    # 178A TX noise: about 1.99 A_s)
    assert case.a_ni < 2.0 * case.a_s
    assert -6.0 < res.com_db < -5.5 and 4.0 < res.fom_db < 6.0


def test_dj_dpo4in_is_not_a_106g_channel():
    p = get_preset("802.3dj-kr")
    ch = _cc._on_grid(_cc._load(channel_path(DPO4), "channel"), p.df_hz)
    f = ch.f
    z_tx, z_rx = CASE_33MM[0]
    h = _cc._packaged_h21(ch, f, p, _cc._package(p, f, z_tx, "tx", {}), _cc._package(p, f, z_rx, "rx", {}))

    def il_db(f_hz):
        return float(-20 * np.log10(np.abs(h[np.argmin(np.abs(f - f_hz))])))

    assert il_db(26.5625e9) < 20.0                       # fine at the 802.3ck Nyquist frequency
    assert il_db(p.baud_hz / 2) > 2 * BUDGET_DJ_KR_DB    # about 100 dB at 53.125 GHz
    s21 = np.abs(ch.sdd[:, 1, 0])
    assert -20 * np.log10(s21[np.argmin(np.abs(f - 45e9))]) > 60.0    # the board alone


def test_dj_dpo4in_low_fom_is_isi_no_rx_ffe_removes(chosen):
    res, s = chosen
    case = res.cases[0]
    p = s["p"]
    h, n0, _ = _pulse_cursors(s)
    kw = {"rlm": p.r_lm, "b_max": np.asarray(p.dfe_bmax), "b_min": np.asarray(p.bmin)}
    htn, hj = naive_noise_pulses(s["q"], s["c"], s["offs"], s["ix"], p)
    var_x = (p.n_levels ** 2 - 1) / (3 * (p.n_levels - 1) ** 2)
    foms = {}
    for n_pre, n_post, lim in ((p.rx_ffe_n_pre, p.rx_ffe_n_post, p.rx_ffe_limit),
                               (p.rx_ffe_n_pre, p.rx_ffe_n_post, None), (20, 100, None)):
        n_w = n_pre + n_post + 1
        # 178A MMSE noise: thermal + S_tn (pulse without TX FFE) + S_jn (178A-17)
        acf = _noise_acf(p, case.ctle_gdc_db, case.ctle_gdc2_db, n_w) + var_x * (
            10 ** (-p.snr_tx_db / 10) * _acf(htn, n_w)
            + (p.a_dd_ui ** 2 + p.sigma_rj_ui ** 2) * _acf(hj, n_w))
        hp = np.concatenate([np.zeros(n_pre), h, np.zeros(n_post)])
        r = mmse(hp, n0 + n_pre, n_pre, n_post, len(p.dfe_bmax), noise_acf=acf, ffe_limit=lim, **kw)
        foms[(n_pre, n_post, lim)] = r
    limited = foms[(p.rx_ffe_n_pre, p.rx_ffe_n_post, p.rx_ffe_limit)]
    free = foms[(p.rx_ffe_n_pre, p.rx_ffe_n_post, None)]
    long_ = foms[(20, 100, None)]
    assert limited.fom_db == pytest.approx(res.fom_db, abs=TOL_FOM_QUAD_DB)
    assert 0.0 <= free.fom_db - limited.fom_db <= TOL_LIMIT_GAIN_DB      # the 0.7 limit barely binds
    assert long_.fom_db < FOM_NEEDED_DB - 5.0                          # 121 taps: ~ +2 dB only
    assert long_.mse_parts["isi"] > 0.5 * long_.mse                    # ISI-limited, not noise


def test_documented_dj_kr_figures_on_real_channels():
    """docs/models.md types the 802.3dj KR COM of three real channels without the MMSE
    sampling-offset sweep (DPO_4in, C2C_PCB_SYSVIA, and DPO_12in, whose failing COM is computed on a
    PMF grid wide enough for it); regression guards of the code's own output (audit 25: the
    DPO_12in figure read -9.42 dB, the code gives -9.70)."""
    from sikernel.eye.com import com
    from tests.conftest import channel_path, repo_text

    doc = repo_text("docs/models.md", flat=True)

    def dj(name: str) -> float:
        return com(channel_path(name), "802.3dj-kr").com_db

    def signed(x: float, digits: int = 3) -> str:
        return f"{x:.{digits}f}".replace("-", "−")

    for text in (f"moves from {signed(dj('DPO_4in_Meg7_THRU.s4p'))} to",
                 f"from {signed(dj('C2C_PCB_SYSVIA_12dB_thru.s4p'))} to",
                 f"DPO_12in under 802.3dj-kr: {signed(dj('DPO_12in_Meg7_THRU.s4p'), 2)} dB"):
        assert text in doc, text
