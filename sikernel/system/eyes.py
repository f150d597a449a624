"""Statistical eyes and COM of a host link at the operating point the energy model chose.

The study draws, for each architecture's switch-end host link, the unequalised and the
equalised statistical eye at the chosen launch swing, and the IEEE COM of the board
part of its path (see :func:`eyes` and :func:`com_db`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import SIKernelError
from .channels import PathSpec, build_channel

#: amplitude bins of the study's statistical eyes.  With about 130 cursors, 512 bins blur
#: the ISI distribution enough to read the eye 6-38 % low against a NumPy reference
#: (tests/test_study_eyes.py); at 4096 bins the eye is within 0.5 % of it.  Measured on the
#: default study's 24 eyes (session 29): the open (equalised) eyes read 0.10-0.29 % below the
#: same eye at 16384 bins (the automatic grid, 8192 bins here, 0.02-0.07 %); the bound
#: ``result.inputs["bin_noise_fraction"]`` (each cursor's split at most dv²/4) is 1.0-2.4 % of
#: the noise variance on them, and 4-26 % on the closed unequalised eyes, whose height is 0
#: at any grid.  The fixed grid keeps the study's eye stage at its cost (0.02-0.1 s per eye
#: more on the automatic grid).
EYE_N_BINS = 4096


def _dsp_split(n_taps: int) -> tuple[int, int]:
    """(n_pre, n_post) of the RX FFE with ``n_taps`` taps in :data:`sikernel.power.si.DSP_FFE_TAPS`."""
    from ..power import si

    for n_pre, n_post in si.DSP_FFE_TAPS:
        if n_pre + 1 + n_post == n_taps:
            return n_pre, n_post
    known = sorted(a + 1 + b for a, b in si.DSP_FFE_TAPS)
    raise SIKernelError(f"rx_ffe_taps={n_taps!r} is not an RX FFE of the energy model's DSP "
                        f"receivers; expected one of {known}")


def _dsp_receiver(ps, e, front: dict, s) -> dict[str, Any]:
    """The DSP receiver of the operating point ``e``, as the energy model sees it.

    The same receiver as :func:`sikernel.power.si._dsp_rows` builds for the chosen configuration
    (IEEE P802.3dj 178A-style reference receiver: ADC, MMSE RX FFE, 1-tap DFE): the front
    end ``front`` (TX FFE + CTLE of the 1-tap-DFE FOM search), its symbol-spaced cursors
    at the COM reference amplitude ``A_ref`` (sampled at the search's cursor instant), the
    thermal-noise autocorrelation after RX AFE and CTLE (93A-35 filter, COM η0), then
    :func:`sikernel.eq.mmse.mmse` with the chosen ``(n_pre, n_post)`` split, one DFE tap
    limited to :data:`sikernel.power.si.DSP_DFE_BMAX` and the TX SNR, solved at the noise level
    the energy model chose (``eq_settings["mmse_noise_db"]``, :data:`sikernel.power.si.DSP_MMSE_NOISE_DB`)
    (:func:`sikernel.power.si.dsp_front_end`, :func:`sikernel.power.si.dsp_mmse`).

    Returns
    -------
    dict
        ``w`` (RX FFE taps, 1/V at ``A_ref``: ``w * cursors`` has main cursor 1),
        ``n_pre``, ``n_post``, ``i0`` (sample index of the cursor instant in the
        TX-equalised pulse), ``scale`` (``h0 A_ref``: multiplies ``w`` so that the equalised
        main cursor is ``h0`` per volt of launch, the budget's scale), ``var_n_v2`` (thermal
        noise at the slicer at COM η0, V², the budget's ``var_n``), ``q_coef``
        (quantisation coefficient of the budget: ``Σ w² (2 c σ_rx)²/12 · h0²``, per V² of
        launch and per ``4^-ENOB``), ``b1`` (MMSE DFE tap, unit main cursor) and
        ``mlsd_gain_db`` (``10 log10(1 + b1²)``, Forney 1972, as in the budget).
    """
    from ..power import si

    n_pre, n_post = _dsp_split(int(e.eq_settings["rx_ffe_taps"]))
    fe = si.dsp_front_end(ps, s, front)
    # the noise level the chosen RX FFE was solved at (si.DSP_MMSE_NOISE_DB; absent: reference)
    noise_db = e.eq_settings.get("mmse_noise_db")
    r = si.dsp_mmse(fe, n_pre, n_post, s, 0.0 if noise_db is None else float(noise_db))
    w = np.asarray(r.rx_ffe_taps, dtype=float)
    h0 = float(front["h0"])
    a_ref = s.a_ref_v
    rms = fe["rms_v"]
    b1 = float(r.dfe_taps[0]) if r.dfe_taps.size else 0.0
    return {"w": w, "n_pre": n_pre, "n_post": n_post, "i0": fe["i0"], "scale": h0 * a_ref,
            "var_n_v2": (float(r.mse_parts["noise"]) * 10.0 ** (-(noise_db or 0.0) / 10.0)
                         * (a_ref * h0) ** 2),
            "q_coef": float(w @ w) * (2.0 * s.adc_clip_sigma * rms) ** 2 / 12.0 * h0 * h0,
            "b1": b1, "mlsd_gain_db": 10.0 * math.log10(1.0 + b1 * b1)}



def tx_active(e) -> tuple[int, ...] | None:
    """TX FFE taps free in the configuration the energy model chose (:data:`sikernel.power.si.TX_SUBSETS`).

    ``eq_settings["tx_ffe_subset"]`` (:func:`sikernel.power.si.tx_subset_names`); the DSP family's
    front end is always searched over the full grid (None).

    Parameters
    ----------
    e : EnergyBreakdown
        The operating point (``architecture``, ``eq_settings["tx_ffe_subset"]``).

    Returns
    -------
    tuple of int or None
        Tap offsets allowed to be non-zero, or None for the full grid.
    """
    from ..power import si

    if e.architecture == "dsp":
        return None
    name = e.eq_settings.get("tx_ffe_subset")
    if name is None:  # an operating point from before the subsets: told by its TX tap count
        n_tx = int(e.eq_settings.get("tx_ffe_taps", 4))
        name = "off" if n_tx <= 1 else "pre1" if n_tx == 2 else "full"
    return dict(si.TX_SUBSETS)[name]

def eyes(ch, baud: float, e, target_ber: float,
         crosstalk: Any = None) -> tuple[dict[str, Any], Any, Any]:
    """Unequalised and equalised statistical eyes at the operating point's launch swing.

    Unequalised: channel + TX rise time + RX AFE only.  Equalised, by the chosen
    architecture:

    * "linear" / "analog": TX FFE and CTLE chosen by the FOM search of
      :mod:`sikernel.power.si` for the chosen DFE taps (0 for linear), with that DFE
      (802.3ck ``b_max`` profile); slicer noise: the thermal noise after RX AFE and CTLE
      (93A-35).
    * "dsp": the receiver the energy model prices (:func:`sikernel.power.si._dsp_rows`,
      802.3dj 178A style): the TX FFE + CTLE of the 1-tap-DFE FOM search, then the MMSE
      RX FFE of the chosen tap count (:func:`_dsp_receiver`) applied as a symbol-spaced
      FIR to the oversampled pulse (:func:`sikernel.eq.ffe.apply_ffe`, so jitter acts on
      the equalised waveform), scaled so that the equalised main cursor is the front
      end's ``h0`` times the launch swing (the budget's scale), and one DFE tap limited
      to :data:`sikernel.power.si.DSP_DFE_BMAX`.  The reference sampling instant is the
      ADC's (the cursor instant the MMSE was solved at), not the equalised pulse's peak.
      Slicer noise: the thermal noise through the FFE, ``σ_n² = wᵀ R_n w`` (``R_n`` the
      Toeplitz autocorrelation at symbol lags, 93A-35 filter), plus the ADC quantisation
      noise of the chosen ENOB as the budget counts it (:mod:`sikernel.power.budget`:
      ``q_coef · 4^-ENOB · A²``, uniform quantiser ``Δ²/12`` over ``±adc_clip_sigma`` ×
      the received rms, through ``Σ w_k²``).  This is the eye at the DFE slicer **before
      MLSD**: a statistical eye of symbol-by-symbol decisions cannot show the sequence
      detector's gain (the budget credits ``10 log10(1 + b1²)`` dB to its required Q),
      so for an MLSD operating point the eye is pessimistic by about that much; the row
      says so (``eye_equalised_excludes_mlsd``, ``eye_equalised_mlsd_gain_db``).

    All eyes use the SI chain's reference receiver (:func:`sikernel.power.si.settings_for`,
    as the energy chain does): only its RX AFE bandwidth ``f_r`` follows the rate (802.3ck's
    0.75 ``f_b`` at 53.125 GBd, 802.3dj's 0.58 ``f_b`` at 106.25 GBd); everything else stays
    802.3ck's, including the COM thermal noise density ``η0`` = 8.2e-18 V²/Hz (802.3dj: 6e-18)
    at every rate (not the receiver's own η0 of the operating point), the TX SNR and the
    jitter terms, at ``target_ber``.  With ``crosstalk`` (the model the operating point was
    priced with) the equaliser is searched with the same aggressors, and the equalised eye's
    slicer noise adds their variance ``σ_XT²`` at the launch swing (93A-34 at the chosen
    setting, taken as Gaussian: a statistical eye of the aggressors' own distribution is not
    drawn); the unequalised eye has none.

    Parameters
    ----------
    ch : Channel
        The channel the operating point was chosen on.
    baud : float
        Symbol rate in Bd.
    e : EnergyBreakdown
        The operating point (:func:`sikernel.power.energy_per_bit` on ``ch``).
    target_ber : float
        BER of the eye contours.
    crosstalk : CrosstalkModel, optional
        Crosstalk model of the operating point (:mod:`sikernel.power.crosstalk`); None: none.

    Returns
    -------
    figures : dict
        ``eye_height_{un,}equalised_v`` (smallest of the three PAM4 eyes, V),
        ``eye_closure_{un,}equalised_db`` (inf when closed), ``eye_equalised_receiver``
        (text: the receiver drawn), ``eye_equalised_excludes_mlsd`` (bool) and
        ``eye_equalised_mlsd_gain_db`` (the MLSD gain the budget counts and the eye does
        not show; 0 without MLSD).
    unequalised, equalised : StatEyeResult
        The two eyes.
    """
    from ..eq.ffe import apply_ffe
    from ..eye.stateye import stat_eye
    from ..power import si

    s = si.settings_for(baud)
    ps = si.pulse_set(ch.f, ch.s21, baud, 4, s, crosstalk=crosstalk)
    amp = float(e.eq_settings["launch_peak_v"])
    m = ps.samples_per_ui
    kw = {"samples_per_ui": m, "modulation": "pam4", "snr_tx_db": s.snr_tx_db,
          "sigma_rj_ui": s.sigma_rj_ui, "a_dd_ui": s.a_dd_ui, "target_ber": target_ber,
          "n_phases": 32, "n_bins": EYE_N_BINS}
    flat = (ps.weights[-1] @ ps.basis) * amp
    un = stat_eye(flat, sigma_v=float(np.sqrt(ps.var_n[-1])), **kw)
    n_dfe = int(e.eq_settings["dfe_taps"]) if e.architecture == "analog" else (
        0 if e.architecture == "linear" else 1)
    r = si._grid_family(ps, n_dfe, s, tx_active(e))
    k = r["ctle_index"]
    n_pre_tx = int(np.count_nonzero(r["tx_offsets"] < 0))
    t = np.arange(ps.basis.shape[1], dtype=float)
    _, p_eq = apply_ffe(t, (ps.weights[k] @ ps.basis) * amp, r["tx_taps"], n_pre_tx, m)
    var_xt_v2 = float(r["var_xt"]) * amp * amp  # 0 without aggressors
    mlsd_gain_db = 0.0
    if e.architecture == "dsp":
        rx = _dsp_receiver(ps, e, r, s)
        enob = e.eq_settings.get("adc_enob")
        if enob is None or not math.isfinite(float(enob)):
            raise SIKernelError(f"a dsp operating point needs a finite adc_enob; got {enob!r}")
        _, p_eq = apply_ffe(np.arange(p_eq.size, dtype=float), p_eq, rx["w"] * rx["scale"],
                            rx["n_pre"], m)
        var_v2 = rx["var_n_v2"] + rx["q_coef"] * 4.0 ** (-float(enob)) * amp * amp + var_xt_v2
        eq = stat_eye(p_eq, sigma_v=math.sqrt(var_v2), n_dfe=1, dfe_max=[si.DSP_DFE_BMAX],
                      phase=rx["i0"] + rx["n_pre"] * m, **kw)
        mlsd = bool(e.eq_settings.get("mlsd", False))
        mlsd_gain_db = rx["mlsd_gain_db"] if mlsd else 0.0
        recv = (f"TX FFE + CTLE + ADC ({float(enob):g} b) + {rx['n_pre'] + 1 + rx['n_post']}-tap "
                "MMSE RX FFE + 1-tap DFE"
                + (f"; DFE-slicer eye before MLSD (MLSD gain {mlsd_gain_db:.2f} dB not shown)"
                   if mlsd else ""))
    else:
        # at the sampling instant the equaliser was chosen for (the FOM search's, as the DSP eye
        # above): with the CTLE's low-frequency stage the pulse's main lobe is broad enough that
        # its peak sample carries a quarter of the main cursor as pre-cursor ISI
        eq = stat_eye(p_eq, sigma_v=float(np.sqrt(ps.var_n[k] + var_xt_v2)), n_dfe=n_dfe,
                      dfe_max=list(si._BMAX_CK[:n_dfe]) if n_dfe else None,
                      phase=int(r["cursor_index"]) + n_pre_tx * m, **kw)
        mlsd = False
        recv = "TX FFE + CTLE" + (f" + {n_dfe}-tap DFE" if n_dfe else "")

    def _h(x) -> float:
        return float(np.min(x.eye_height_v))

    return ({"eye_height_unequalised_v": _h(un), "eye_closure_unequalised_db":
             float(un.eye_closure_max_db), "eye_height_equalised_v": _h(eq),
             "eye_closure_equalised_db": float(eq.eye_closure_max_db),
             "eye_equalised_receiver": recv, "eye_equalised_excludes_mlsd": mlsd,
             "eye_equalised_mlsd_gain_db": float(mlsd_gain_db)}, un, eq)


def com_preset_for(spec: PathSpec, baud: float) -> str | None:
    """The COM preset :func:`com_of_path` scores a path with at ``baud``: the KR preset of the
    amendment whose packages the SI chain uses (802.3ck at ≤ 60 GBd, 802.3dj above); None for a
    path with no board part (CPO: the whole path is package trace).

    Parameters
    ----------
    spec : PathSpec
        The host channel.
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    str or None
        A preset name of :func:`sikernel.eye.presets.get_preset`, or None.
    """
    from ..channel.package import package_preset

    return f"{package_preset(baud)}-kr" if spec.segments else None


def com_of_path(spec: PathSpec, baud: float) -> tuple[float, str | None, str]:
    """COM (dB) of the board-level part of the path with the preset's own packages (93A/178A), the
    preset, and why it is NaN where it is.

    The preset is :func:`com_preset_for` (a KR preset: its packages and reference receiver; the
    802.3ck C2M channels are scored by 120G's eye-based COM, which the study does not run).

    Parameters
    ----------
    spec : PathSpec
        The host channel.
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    com_db : float
        NaN for a path with no board part (CPO: the whole path is package trace, which no IEEE
        COM preset's package model describes) or when COM cannot be evaluated.
    preset : str or None
        :func:`com_preset_for` of the path.
    note : str
        "" where ``com_db`` is a number, else the reason.
    """
    from ..eye.com import com

    preset = com_preset_for(spec, baud)
    if preset is None:
        return float("nan"), None, ("no board part: the whole path is package trace, an XSR-class link "
                                    "that no IEEE COM preset (with its BGA package models) describes")
    f = np.arange(0.0, 1.5 * baud + 5e6, 10e6)
    ch = build_channel(spec, baud, packages=False, f=f)
    try:
        return float(com(ch, preset).com_db), preset, ""
    except SIKernelError as exc:
        return float("nan"), preset, f"COM could not be evaluated: {exc}"


def com_db(spec: PathSpec, baud: float) -> float:
    """COM (dB) of the board-level part of the path (:func:`com_of_path` without its preset and note).

    Parameters
    ----------
    spec : PathSpec
        The host channel.
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    float
    """
    return com_of_path(spec, baud)[0]


__all__ = ["com_db", "com_of_path", "com_preset_for", "eyes", "tx_active"]
