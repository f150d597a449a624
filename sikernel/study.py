"""The CPO study: electrical energy per bit of pluggable, LPO, NPO and CPO links.

Default geometry and materials (documented, overridable through ``paths=``):

``pluggable``
    switch package (IEEE 802.3 COM package preset of the rate -- 802.3ck at
    ≤ 60 GBd, 802.3dj above -- with its die ladder, bump and ball capacitances and a
    31 mm trace) + host PCB 254 mm (10 in) Megtron 7 stripline + cage connector
    (board via, 50 ps of 90 Ω, board via: assumption) + module PCB 20 mm Megtron 7 +
    module retimer package (12 mm).  Energy: the host SerDes over that channel
    (retimed: analog or DSP, auto) plus the module retimer's second hop to the
    optics (a 2 dB XSR-class hop, retimed).
``lpo``
    the same channel; host SerDes (retimed, auto) plus the module's linear
    CTLE/VGA stages (no CDR, no DSP).
``npo``
    switch package (31 mm) + 100 mm Megtron 7 stripline + optical-engine package
    (2 mm); any architecture (auto, linear allowed).
``cpo``
    25 mm of package trace to the co-packaged optical engine (XSR/USR class) on the
    same substrate (no BGA ball on either side); any architecture (auto, linear =
    direct drive).

Stripline: W = 127 µm, t = 17.5 µm, 127 µm dielectric either side, differential
spacing 200 µm, HVLP copper (assumption: typical high-speed host-board stack-up).

Rates: 106.25 Gb/s (53.125 GBd PAM4; a 51.2 Tb/s switch, 512 lanes) and 212.5 Gb/s
(106.25 GBd PAM4; 102.4 Tb/s, 512 lanes).  W per switch counts both directions of
every lane: ``2 × 512 × P_link``, with ``P_link`` = TX + RX energy × bit rate.

Optical-side energy (laser, modulator driver, TIA) is kept separate in
:data:`OPTICAL_COMPONENTS_PJ_PER_BIT` (documented assumptions per architecture and
component) and never mixed into the electrical figures; rows also carry the sum
``pj_per_bit_total_with_optics`` for context.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__, _validate
from .errors import SIKernelError

RATES_GBPS: tuple[float, ...] = (106.25, 212.5)
LANES_PER_SWITCH = 512
ARCH_NAMES: tuple[str, ...] = ("pluggable", "lpo", "npo", "cpo")
#: optical-side energy per bit, by component (pJ/bit), kept separate from the electrical part.
#: Assumptions derived (D) from the module powers in links-and-energy.md: an 800G LPO module
#: (8-9 W, ~10-11 pJ/b, no DSP) is almost all optics, less ~1 pJ/b of linear electrical
#: front end -> ~9.5 pJ/b of laser + driver + TIA for pluggable-class optics; Broadcom
#: Bailly CPO (~5.5 W per 800G, ~6.9 pJ/b, its electrical interface included) -> ~6 pJ/b for
#: co-packaged optics (external laser source, smaller drivers/TIAs next to the die); NPO in
#: between.  Not used in any electrical figure.
OPTICAL_COMPONENTS_PJ_PER_BIT: dict[str, dict[str, float]] = {
    "pluggable": {"laser": 3.0, "modulator_driver": 4.0, "tia": 2.5},
    "lpo": {"laser": 3.0, "modulator_driver": 4.0, "tia": 2.5},
    "npo": {"laser": 2.5, "modulator_driver": 2.5, "tia": 1.5},
    "cpo": {"laser": 2.5, "modulator_driver": 2.0, "tia": 1.5},
}
#: total optical-side energy per architecture (pJ/bit), the sum of the components above
OPTICAL_PJ_PER_BIT: dict[str, float] = {k: sum(v.values()) for k, v in
                                        OPTICAL_COMPONENTS_PJ_PER_BIT.items()}

_MM = 1e-3


@dataclass(frozen=True)
class PathSpec:
    """Electrical path of one link architecture (lengths in m).

    ``segments`` are ``("stripline", material, length_m)`` or ``("connector",)``,
    TX (switch) side first; ``tx_package``/``rx_package`` are IEEE 802.3 package
    presets (:data:`sikernel.channel.package.PACKAGES`; ``None`` picks the
    rate's preset: 802.3ck at ≤ 60 GBd, 802.3dj above) with trace lengths
    ``z_p_tx_m``/``z_p_rx_m``.  ``bga_tx``/``bga_rx`` False drop the package's
    ball-to-board capacitance C_p (a die-to-die path inside one substrate, CPO).

    Attributes
    ----------
    name : str
        Architecture name (e.g. "pluggable", "cpo").
    segments : tuple of tuple
        Board segments, TX side first: ``("stripline", material, length_m)`` or ``("connector",)``.
    z_p_tx_m, z_p_rx_m : float
        Package trace length in m at the TX and RX side.
    exclude : tuple of str
        Families the host SerDes must not use (e.g. ``("linear",)`` for a retimed host).
    module : str
        Optical module electronics priced on top: "retimer", "linear" or "none".
    tx_package, rx_package : str or None
        Package presets; None picks the rate's preset.
    bga_tx, bga_rx : bool
        Whether the package's ball-to-board capacitance is present.
    """

    name: str
    segments: tuple[tuple, ...]
    z_p_tx_m: float
    z_p_rx_m: float
    exclude: tuple[str, ...] = ()
    module: str = "none"  # "retimer", "linear" or "none"
    tx_package: str | None = None
    rx_package: str | None = None
    bga_tx: bool = True
    bga_rx: bool = True

    @property
    def length_m(self) -> float:
        """Total electrical length: package traces + board traces (connector not counted)."""
        return self.z_p_tx_m + self.z_p_rx_m + sum(s[2] for s in self.segments if s[0] == "stripline")


DEFAULT_PATHS: dict[str, PathSpec] = {
    "pluggable": PathSpec("pluggable", (("stripline", "megtron7", 254 * _MM), ("connector",),
                                        ("stripline", "megtron7", 20 * _MM)),
                          z_p_tx_m=31 * _MM, z_p_rx_m=12 * _MM, exclude=("linear",), module="retimer"),
    "lpo": PathSpec("lpo", (("stripline", "megtron7", 254 * _MM), ("connector",),
                            ("stripline", "megtron7", 20 * _MM)),
                    z_p_tx_m=31 * _MM, z_p_rx_m=12 * _MM, exclude=("linear",), module="linear"),
    "npo": PathSpec("npo", (("stripline", "megtron7", 100 * _MM),), z_p_tx_m=31 * _MM,
                    z_p_rx_m=2 * _MM),
    "cpo": PathSpec("cpo", (), z_p_tx_m=25 * _MM, z_p_rx_m=2 * _MM, bga_tx=False, bga_rx=False),
}
#: loss of the pluggable module's internal retimer-to-optics hop (dB at Nyquist), assumption
MODULE_HOP_DB = 2.0


def _stripline(material: str):
    from .channel.lines import Stripline

    return Stripline(material, width=127e-6, thickness=17.5e-6, height=127e-6, spacing=200e-6,
                     roughness="hvlp")


def _connector(f: np.ndarray):
    """Pluggable cage connector (assumption): board via, 50 ps of 90 Ω, board via."""
    from .channel import lumped
    from .channel.twoport import cascade

    v = lumped.via(f, 1.6e-3, 0.3e-3)
    return cascade(v, lumped.impedance_step(90.0, 50e-12, f), v, name="connector")


def _segments(spec: PathSpec) -> list:
    segs: list = []
    for seg in spec.segments:
        if seg[0] == "stripline":
            segs.append((_stripline(seg[1]), float(seg[2])))
        elif seg[0] == "connector":
            segs.append(_connector)
        else:
            raise SIKernelError(f"path {spec.name!r}: unknown segment {seg!r}; expected "
                                "('stripline', material, length_m) or ('connector',)")
    return segs


def build_channel(spec: PathSpec, baud: float, *, packages: bool = True, f: Any = None):
    """The path's channel (packages included unless ``packages=False``) on the synthetic grid.

    Parameters
    ----------
    spec : PathSpec
        The path.
    baud : float
        Symbol rate in Bd (selects the package preset and the default grid).
    packages : bool, optional
        Include the TX and RX packages.
    f : array_like, optional
        Frequency grid in Hz; default :func:`sikernel.power.table.synthetic_grid` of ``baud``.

    Returns
    -------
    Channel

    Raises
    ------
    SIKernelError
        An unknown segment kind in ``spec.segments``.
    """
    import dataclasses

    from .channel.link import Link
    from .channel.package import get_package
    from .power.table import package_preset, synthetic_grid

    fg = synthetic_grid(baud) if f is None else f
    pkg = package_preset(baud)

    def _pkg(name: str | None, bga: bool):
        if not packages:
            return None
        model = get_package(name or pkg)
        return model if bga else dataclasses.replace(model, cp_f=0.0, name=model.name + " (no BGA)")

    link = Link(segments=_segments(spec),
                tx_package=_pkg(spec.tx_package, spec.bga_tx),
                rx_package=_pkg(spec.rx_package, spec.bga_rx),
                z_p_tx_m=spec.z_p_tx_m, z_p_rx_m=spec.z_p_rx_m, name=spec.name)
    return link.build(fg)


def _dsp_split(n_taps: int) -> tuple[int, int]:
    """(n_pre, n_post) of the RX FFE with ``n_taps`` taps in :data:`sikernel.power.si.DSP_FFE_TAPS`."""
    from .power import si

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
    limited to :data:`sikernel.power.si.DSP_DFE_BMAX` and the TX SNR
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
    from .power import si

    n_pre, n_post = _dsp_split(int(e.eq_settings["rx_ffe_taps"]))
    fe = si.dsp_front_end(ps, s, front)
    r = si.dsp_mmse(fe, n_pre, n_post, s)
    w = np.asarray(r.rx_ffe_taps, dtype=float)
    h0 = float(front["h0"])
    a_ref = s.a_ref_v
    rms = fe["rms_v"]
    b1 = float(r.dfe_taps[0]) if r.dfe_taps.size else 0.0
    return {"w": w, "n_pre": n_pre, "n_post": n_post, "i0": fe["i0"], "scale": h0 * a_ref,
            "var_n_v2": float(r.mse_parts["noise"]) * (a_ref * h0) ** 2,
            "q_coef": float(w @ w) * (2.0 * s.adc_clip_sigma * rms) ** 2 / 12.0 * h0 * h0,
            "b1": b1, "mlsd_gain_db": 10.0 * math.log10(1.0 + b1 * b1)}


def _eyes(ch, baud: float, e, target_ber: float) -> tuple[dict[str, Any], Any, Any]:
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

    All eyes use the COM thermal noise density ``η0`` of :data:`sikernel.power.si.DEFAULT_SI`
    (8.2e-18 V²/Hz, not the receiver's own η0 of the operating point), the TX SNR and the
    jitter terms, at ``target_ber``.

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
    from .eq.ffe import apply_ffe
    from .eye.stateye import stat_eye
    from .power import si

    s = si.DEFAULT_SI
    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    amp = float(e.eq_settings["launch_peak_v"])
    m = ps.samples_per_ui
    kw = {"samples_per_ui": m, "modulation": "pam4", "snr_tx_db": s.snr_tx_db,
          "sigma_rj_ui": s.sigma_rj_ui, "a_dd_ui": s.a_dd_ui, "target_ber": target_ber,
          "n_phases": 32, "n_bins": 512}
    flat = (ps.weights[-1] @ ps.basis) * amp
    un = stat_eye(flat, sigma_v=float(np.sqrt(ps.var_n[-1])), **kw)
    n_dfe = int(e.eq_settings["dfe_taps"]) if e.architecture == "analog" else (
        0 if e.architecture == "linear" else 1)
    r = si._grid_family(ps, n_dfe, s)
    k = r["ctle_index"]
    offs = r["tx_offsets"]
    t = np.arange(ps.basis.shape[1], dtype=float)
    _, p_eq = apply_ffe(t, (ps.weights[k] @ ps.basis) * amp, r["tx_taps"],
                        int(np.count_nonzero(offs < 0)), m)
    mlsd_gain_db = 0.0
    if e.architecture == "dsp":
        rx = _dsp_receiver(ps, e, r, s)
        enob = e.eq_settings.get("adc_enob")
        if enob is None or not math.isfinite(float(enob)):
            raise SIKernelError(f"a dsp operating point needs a finite adc_enob; got {enob!r}")
        _, p_eq = apply_ffe(np.arange(p_eq.size, dtype=float), p_eq, rx["w"] * rx["scale"],
                            rx["n_pre"], m)
        var_v2 = rx["var_n_v2"] + rx["q_coef"] * 4.0 ** (-float(enob)) * amp * amp
        eq = stat_eye(p_eq, sigma_v=math.sqrt(var_v2), n_dfe=1, dfe_max=[si.DSP_DFE_BMAX],
                      phase=rx["i0"] + rx["n_pre"] * m, **kw)
        mlsd = bool(e.eq_settings.get("mlsd", False))
        mlsd_gain_db = rx["mlsd_gain_db"] if mlsd else 0.0
        recv = (f"TX FFE + CTLE + ADC ({float(enob):g} b) + {rx['n_pre'] + 1 + rx['n_post']}-tap "
                "MMSE RX FFE + 1-tap DFE"
                + (f"; DFE-slicer eye before MLSD (MLSD gain {mlsd_gain_db:.2f} dB not shown)"
                   if mlsd else ""))
    else:
        eq = stat_eye(p_eq, sigma_v=float(np.sqrt(ps.var_n[k])), n_dfe=n_dfe,
                      dfe_max=list(si._BMAX_CK[:n_dfe]) if n_dfe else None, **kw)
        mlsd = False
        recv = "TX FFE + CTLE" + (f" + {n_dfe}-tap DFE" if n_dfe else "")

    def _h(x) -> float:
        return float(np.min(x.eye_height_v))

    return ({"eye_height_unequalised_v": _h(un), "eye_closure_unequalised_db":
             float(un.eye_closure_max_db), "eye_height_equalised_v": _h(eq),
             "eye_closure_equalised_db": float(eq.eye_closure_max_db),
             "eye_equalised_receiver": recv, "eye_equalised_excludes_mlsd": mlsd,
             "eye_equalised_mlsd_gain_db": float(mlsd_gain_db)}, un, eq)


def _com_db(spec: PathSpec, baud: float) -> float:
    """COM (dB) of the board-level part of the path with the preset's own packages (93A/178A).

    802.3ck KR preset at ≤ 60 GBd, 802.3dj KR above; NaN for a path with no board part
    (CPO: the whole path is package trace) or when COM cannot be evaluated.
    """
    from .eye.com import com

    if not spec.segments:
        return float("nan")
    f = np.arange(0.0, 1.5 * baud + 5e6, 10e6)
    ch = build_channel(spec, baud, packages=False, f=f)
    preset = "802.3ck-kr" if baud <= 60e9 else "802.3dj-kr"
    try:
        return float(com(ch, preset).com_db)
    except SIKernelError:
        return float("nan")


@dataclass
class StudyResult:
    """Everything the study computed (also written to HDF5).

    Attributes
    ----------
    rows : list of dict
        One row per (architecture, rate): lengths, loss, chosen equaliser, energies
        (pJ/bit, mW per lane, W per switch), savings versus pluggable, eye figures.
    curves : dict
        Curve name -> dict of arrays (e.g. ``il_nyquist_db``, ``pj_per_bit``) of the
        energy-versus-length sweeps.
    inputs : dict
        The study inputs (rates, node, BER, path specs, optical assumptions).
    provenance : dict
        Version, creation time (UTC) and model description.
    timings_s : dict
        Wall-clock times in s ("links", "total").
    """

    rows: list[dict[str, Any]]
    curves: dict[str, dict[str, np.ndarray]]
    inputs: dict[str, Any]
    provenance: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {"architectures": self.rows, "inputs": self.inputs, "provenance": self.provenance}

    def table(self) -> str:
        """A readable table."""
        hdr = (f"{'arch':10s} {'Gb/s':>7s} {'len mm':>7s} {'IL dB':>6s} {'EQ':>7s} "
               f"{'pJ/b el':>8s} {'mW/lane':>8s} {'W/switch':>9s} {'save W':>7s} {'save %':>7s}")
        out = [hdr, "-" * len(hdr)]
        for r in self.rows:
            out.append(f"{r['name']:10s} {r['rate_gbps']:7.2f} {1e3 * r['length_m']:7.0f} "
                       f"{r['il_nyquist_db']:6.1f} {r['architecture_chosen']:>7s} "
                       f"{r['pj_per_bit_electrical']:8.2f} {r['mw_per_lane_electrical']:8.1f} "
                       f"{r['w_per_switch_electrical']:9.1f} {r['saving_vs_pluggable_w']:7.1f} "
                       f"{r['saving_vs_pluggable_pct']:7.1f}")
        return "\n".join(out)


def _link_energy(ch_or_loss, baud: float, node: float, exclude: tuple[str, ...], ber: float):
    from .power import energy_per_bit

    if isinstance(ch_or_loss, float | int):
        return energy_per_bit(loss_db=float(ch_or_loss), baud=baud, node_nm=node,
                              exclude=exclude, target_ber=ber)
    return energy_per_bit(channel=ch_or_loss, baud=baud, node_nm=node, exclude=exclude,
                          target_ber=ber)


def _module_linear_pj(e, baud: float, node: float) -> float:
    """Linear module (LPO): CTLE stages for the host's peaking + VGA, no CDR/DSP (pJ/bit)."""
    from .power import blocks
    from .power.coefficients import DEFAULT_COEFFICIENTS as co
    from .power.technology import get_technology

    tech = get_technology(node)
    n = blocks.ctle_stages(e.eq_settings["ctle_peaking_db"], co)
    g = 10.0 ** (co.gain_stage_db / 20.0)
    p = blocks.afe_stage_w(n, baud, tech, co) + blocks.afe_stage_w(co.vga_stages, baud, tech, co, gain=g)
    return float(p) / e.bit_rate_bps * 1e12


def run_study(rates_gbps: tuple[float, ...] = RATES_GBPS, node_nm: float = 7, target_ber: float = 1e-6,
              paths: dict[str, PathSpec] | None = None, curve_lengths_m: Any = None,
              progress: bool = False) -> StudyResult:
    """Run the CPO study (see module docstring) and return its results.

    Parameters
    ----------
    rates_gbps : tuple of float
        Lane bit rates (PAM4); defaults 106.25 and 212.5.
    node_nm : float
        CMOS node of the SerDes.
    target_ber : float
        Raw BER every link must reach.
    paths : dict, optional
        Architecture name -> :class:`PathSpec` (default :data:`DEFAULT_PATHS`).
    curve_lengths_m : array_like, optional
        PCB lengths of the energy-vs-length curves (default 0 … 0.6 m, 25 points).
    progress : bool
        Show a tqdm progress bar.
    """
    from .power.technology import get_technology

    t0 = time.perf_counter()
    get_technology(node_nm)
    rates = tuple(_validate.positive("rate_gbps", r) for r in rates_gbps)
    if not rates:
        raise SIKernelError("rates_gbps is empty; give at least one lane rate in Gb/s")
    specs = dict(DEFAULT_PATHS if paths is None else paths)
    lengths = (np.linspace(0.0, 0.6, 25) if curve_lengths_m is None
               else _validate.lengths_m("curve_lengths_m", curve_lengths_m))
    steps = [(r, n) for r in rates for n in specs]
    it = steps
    if progress:
        from tqdm import tqdm

        it = tqdm(steps, desc="sikernel study", unit="link")
    rows: list[dict[str, Any]] = []
    channels = {}
    eyes: dict = {}
    com_cache: dict = {}
    for rate, name in it:
        spec = specs[name]
        baud = rate * 1e9 / 2.0
        ch = build_channel(spec, baud)
        channels[(rate, name)] = ch
        e = _link_energy(ch, baud, node_nm, spec.exclude, target_ber)
        el = e.total_pj_per_bit
        blocks = dict(e.blocks)
        if spec.module == "retimer":
            hop = _link_energy(MODULE_HOP_DB, baud, node_nm, ("linear",), target_ber)
            el += hop.total_pj_per_bit
            blocks["module_retimer"] = hop.total_pj_per_bit
        elif spec.module == "linear":
            lin = _module_linear_pj(e, baud, node_nm)
            el += lin
            blocks["module_linear_afe"] = lin
        eye, un, eqe = _eyes(ch, baud, e, target_ber)
        key = (spec.segments, spec.z_p_tx_m, spec.z_p_rx_m, baud)  # COM sees the board part only
        if key not in com_cache:
            com_cache[key] = _com_db(spec, baud)
        com_db = com_cache[key]
        eyes[(rate, name)] = (un, eqe)
        mw = el * rate  # pJ/b x Gb/s = mW
        rows.append({
            "name": name, "rate_gbps": rate, "baud": baud,
            "length_m": spec.length_m, "com_db": com_db,
            "il_nyquist_db": e.il_nyquist_db, "architecture_chosen": e.architecture,
            "eq_settings": e.eq_settings, "reasons": e.reasons,
            "pj_per_bit_electrical": el, "blocks_pj_per_bit": blocks,
            "mw_per_lane_electrical": mw, "w_per_lane_electrical": mw * 1e-3,
            "w_per_switch_electrical": 2 * LANES_PER_SWITCH * mw * 1e-3,
            "pj_per_bit_optical": OPTICAL_PJ_PER_BIT.get(name, float("nan")),
            "optical_components_pj_per_bit": OPTICAL_COMPONENTS_PJ_PER_BIT.get(name, {}),
            "pj_per_bit_total_with_optics": el + OPTICAL_PJ_PER_BIT.get(name, float("nan")),
            **eye,
        })
    for r in rows:
        ref = next((x for x in rows if x["name"] == "pluggable" and x["rate_gbps"] == r["rate_gbps"]),
                   None)
        if ref is None:
            r["saving_vs_pluggable_w"] = float("nan")
            r["saving_vs_pluggable_pct"] = float("nan")
        else:
            d = ref["w_per_switch_electrical"] - r["w_per_switch_electrical"]
            r["saving_vs_pluggable_w"] = d
            r["saving_vs_pluggable_pct"] = 100.0 * d / ref["w_per_switch_electrical"]
    t_links = time.perf_counter() - t0
    curves = _curves(rates, node_nm, target_ber, lengths, progress=progress)
    inputs = {"rates_gbps": list(rates), "node_nm": float(node_nm), "target_ber": target_ber,
              "lanes_per_switch": LANES_PER_SWITCH, "module_hop_db": MODULE_HOP_DB,
              "optical_pj_per_bit": OPTICAL_PJ_PER_BIT,
              "optical_components_pj_per_bit": OPTICAL_COMPONENTS_PJ_PER_BIT,
              "paths": {k: vars(v) | {"exclude": list(v.exclude)} for k, v in specs.items()}}
    prov = {"sikernel_version": __version__, "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                           time.gmtime()),
            "model": "sikernel.power (calibrated coefficients), channels from sikernel.channel"}
    il_curves = {f"{r}_{n}": (channels[(r, n)].f, np.asarray(channels[(r, n)].il_db()))
                 for (r, n) in channels}
    res = StudyResult(rows=rows, curves=curves, inputs=inputs, provenance=prov,
                      timings_s={"links": t_links, "total": time.perf_counter() - t0})
    res.il_curves = il_curves  # type: ignore[attr-defined]
    res.eyes = eyes  # type: ignore[attr-defined]
    return res


#: package traces (TX switch, RX optical engine) of the energy-vs-length curves (m)
CURVE_Z_P_M = (31 * _MM, 2 * _MM)
#: materials of the curves
CURVE_MATERIALS = ("megtron7", "megtron6", "fr4")


def _curves(rates, node_nm, ber, lengths, progress: bool = False) -> dict[str, dict[str, np.ndarray]]:
    """Energy per bit vs stripline length per material, through the full SI chain.

    Each point is the channel switch package (31 mm) + stripline of that length and
    material + optical-engine package (2 mm), built like the study's paths, and its
    energy is ``energy_per_bit(channel=...)`` (auto, any architecture); the IL at
    Nyquist is that channel's.  The study's NPO point is the Megtron 7 curve at 100 mm.
    """
    from .errors import SIKernelError as _E

    out: dict[str, dict[str, np.ndarray]] = {}
    jobs = [(rate, mat) for rate in rates for mat in CURVE_MATERIALS]
    it = jobs
    if progress:
        from tqdm import tqdm

        it = tqdm(jobs, desc="energy vs length", unit="curve")
    for rate, mat in it:
        baud = rate * 1e9 / 2.0
        il = np.empty(lengths.size)
        pj = np.full(lengths.size, np.nan)
        arch = []
        for i, ln in enumerate(lengths):
            segs = (("stripline", mat, float(ln)),) if ln > 0 else ()
            ch = build_channel(PathSpec("curve", segs, CURVE_Z_P_M[0], CURVE_Z_P_M[1]), baud)
            il[i] = float(ch.il_db(0.5 * baud))
            try:
                e = _link_energy(ch, baud, node_nm, (), ber)
                pj[i] = e.total_pj_per_bit
                arch.append(e.architecture)
            except _E:
                arch.append("none")
        out[f"{rate:g}G_{mat}"] = {"length_m": lengths.copy(), "il_nyquist_db": il,
                                   "pj_per_bit": pj, "architecture": np.array(arch)}
    return out


#: reach-class loss budgets (dB at Nyquist) marked on the curves (links-and-energy.md)
REACH_BUDGETS_DB: dict[str, float] = {"XSR (≈10 dB)": 10.0, "XSR+ (13 dB)": 13.0,
                                      "VSR/C2M (≈16 dB)": 16.0, "KR 802.3ck (28 dB)": 28.0,
                                      "KR 802.3dj (40 dB)": 40.0}


def write_hdf5(res: StudyResult, path: str | os.PathLike) -> Path:
    """Write the study to HDF5 atomically (temp file in the same folder, then rename).

    Parameters
    ----------
    res : StudyResult
        The study results.
    path : str or os.PathLike
        Output file; its folder is created when missing.

    Returns
    -------
    Path
        The file written.
    """
    import h5py

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".h5.tmp")
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as h:
            h.attrs["inputs_json"] = json.dumps(res.inputs, default=float)
            for k, v in res.provenance.items():
                h.attrs[k] = str(v)
            g = h.create_group("architectures")
            for r in res.rows:
                sg = g.create_group(f"{r['name']}_{r['rate_gbps']:g}G")
                for k, v in r.items():
                    if isinstance(v, dict):
                        sg.attrs[k + "_json"] = json.dumps(v, default=lambda o: None)
                    else:
                        sg.attrs[k] = v
            c = h.create_group("curves")
            for k, d in res.curves.items():
                cg = c.create_group(k)
                for kk, vv in d.items():
                    cg.create_dataset(kk, data=vv.astype("S16") if vv.dtype.kind == "U" else vv)
            il = h.create_group("il_curves")
            for k, (f, v) in getattr(res, "il_curves", {}).items():
                ig = il.create_group(k)
                ig.create_dataset("f_hz", data=f)
                ig.create_dataset("il_db", data=v)
            h.attrs["complete"] = True
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_hdf5(path: str | os.PathLike) -> dict[str, Any]:
    """Read back what :func:`write_hdf5` wrote (rows and curves).

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`write_hdf5`.

    Returns
    -------
    dict
        ``{"inputs": dict, "rows": list of dict, "curves": dict}``.
    """
    import h5py

    out: dict[str, Any] = {"rows": [], "curves": {}}
    with h5py.File(path, "r") as h:
        out["inputs"] = json.loads(h.attrs["inputs_json"])
        for name in h["architectures"]:
            a = h["architectures"][name].attrs
            row = {}
            for k, v in a.items():
                if k.endswith("_json"):
                    row[k[:-5]] = json.loads(v)
                else:
                    row[k] = v.item() if hasattr(v, "item") else v
            out["rows"].append(row)
        for k in h["curves"]:
            out["curves"][k] = {kk: h["curves"][k][kk][()] for kk in h["curves"][k]}
    return out


def write_figures(res: StudyResult, out_dir: str | os.PathLike) -> list[Path]:
    """PNG figures into ``out_dir`` (needs matplotlib), each written atomically.

    ``energy_vs_length_<rate>G.png`` (per material, reach budgets marked),
    ``energy_vs_il.png``, ``switch_power.png``, ``il_vs_frequency.png`` (one curve per
    architecture and rate) and ``eyes_<rate>G.png`` (unequalised and equalised
    statistical eyes of pluggable and CPO; each equalised panel names the receiver drawn,
    for a DSP receiver the DFE-slicer eye before MLSD).

    Parameters
    ----------
    res : StudyResult
        The study results (from :func:`run_study`, which also attaches IL curves and eyes).
    out_dir : str or os.PathLike
        Output folder; created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plot import energy as penergy
    from .plot import eye as peye

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def _save(fig: Any, name: str) -> None:
        p = out_dir / name
        fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".png.tmp")
        os.close(fd)
        try:
            fig.savefig(tmp, dpi=110, format="png", bbox_inches="tight")
            os.replace(tmp, p)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
            plt.close(fig)
        files.append(p)

    for rate in res.inputs["rates_gbps"]:
        _save(penergy.study_energy(res, rate_gbps=rate), f"energy_vs_length_{rate:g}G.png")
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for k, d in res.curves.items():
        ax.plot(d["il_nyquist_db"], d["pj_per_bit"], label=k)
    for lab, v in REACH_BUDGETS_DB.items():
        ax.axvline(v, color="0.7", lw=0.8)
        ax.text(v, 1.0, " " + lab, rotation=90, va="top", fontsize=6,
                transform=ax.get_xaxis_transform())
    ax.set_xlabel("IL at Nyquist (dB)")
    ax.set_ylabel("electrical energy, TX+RX (pJ/bit)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=6)
    _save(fig, "energy_vs_il.png")
    _save(penergy.switch_power(res), "switch_power.png")
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for k, (f, il) in getattr(res, "il_curves", {}).items():
        ax.plot(f / 1e9, il, label=k)
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("insertion loss (dB)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=6)
    _save(fig, "il_vs_frequency.png")
    eyes = getattr(res, "eyes", {})
    for rate in res.inputs["rates_gbps"]:
        names = [n for n in ("pluggable", "cpo") if (rate, n) in eyes]
        if not names:
            continue
        fig, axes = plt.subplots(len(names), 2, figsize=(12, 4.6 * len(names)), squeeze=False,
                                 layout="constrained")
        for i, n in enumerate(names):
            un, eq = eyes[(rate, n)]
            peye.stat_eye(un, ax=axes[i, 0])
            axes[i, 0].set_title(f"{n} {rate:g} Gb/s, unequalised", fontsize=9)
            peye.stat_eye(eq, ax=axes[i, 1])
            row = next((r for r in res.rows if r["name"] == n and r["rate_gbps"] == rate), {})
            recv = row.get("eye_equalised_receiver", "TX FFE + CTLE + DFE")
            title = f"{n} {rate:g} Gb/s, equalised\n" + recv.replace("; ", "\n")
            axes[i, 1].set_title(title, fontsize=9)
        _save(fig, f"eyes_{rate:g}G.png")
    return files


def _nan_to_none(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _nan_to_none(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_nan_to_none(v) for v in x]
    if isinstance(x, np.generic):
        return _nan_to_none(x.item())
    return x


__all__ = [
    "ARCH_NAMES",
    "DEFAULT_PATHS",
    "OPTICAL_COMPONENTS_PJ_PER_BIT",
    "OPTICAL_PJ_PER_BIT",
    "REACH_BUDGETS_DB",
    "PathSpec",
    "StudyResult",
    "build_channel",
    "read_hdf5",
    "run_study",
    "write_figures",
    "write_hdf5",
]
