"""The CPO study: electrical energy per bit of pluggable, LPO, NPO and CPO links.

Default geometry and materials (documented, overridable through ``paths=``):

``pluggable``
    switch package trace (IEEE 802.3ck COM package line, 93A-9…14 coefficients
    a1 = 9.909e-4, a2 = 2.772e-4, τ = 6.141e-3 ns/mm, Zc = 92.5 Ω; 30 mm) +
    host PCB 254 mm (10 in) Megtron 7 stripline + module PCB 20 mm Megtron 7
    (the connector is not modelled separately: its loss is not included).
    Energy: the host SerDes over that channel (retimed: analog or DSP, auto) plus the
    module retimer's second hop to the optics (a 2 dB XSR-class hop, retimed).
``lpo``
    the same channel; host SerDes (retimed, auto) plus the module's linear
    CTLE/VGA stages (no CDR, no DSP).
``npo``
    package trace 30 mm + 100 mm Megtron 7 stripline to a near-package optical
    engine; any architecture (auto, linear allowed).
``cpo``
    25 mm of package trace to the co-packaged optical engine (XSR/USR class);
    any architecture (auto, linear = direct drive).

Stripline: W = 127 µm, t = 17.5 µm, 127 µm dielectric either side, differential
spacing 200 µm, HVLP copper (assumption: typical high-speed host-board stack-up).

Rates: 106.25 Gb/s (53.125 GBd PAM4; a 51.2 Tb/s switch, 512 lanes) and 212.5 Gb/s
(106.25 GBd PAM4; 102.4 Tb/s, 512 lanes).  W per switch counts both directions of
every lane: ``2 × 512 × P_link``, with ``P_link`` = TX + RX energy × bit rate.

Optical-side energy (laser, modulator driver, TIA) is kept separate in
:data:`OPTICAL_PJ_PER_BIT` (assumptions, per architecture) and never mixed into the
electrical figures.
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
#: optical-side energy per bit (laser + modulator driver + TIA), kept separate (assumption:
#: order of magnitude from the module powers in links-and-energy.md: DSP pluggable ~17.5 pJ/b
#: of which the DSP is ~half, LPO 8-9 W per 800G, Bailly CPO ~5.5 W per 800G)
OPTICAL_PJ_PER_BIT: dict[str, float] = {"pluggable": 6.0, "lpo": 6.0, "npo": 5.0, "cpo": 5.0}

_MM = 1e-3


@dataclass(frozen=True)
class PathSpec:
    """Electrical path of one link architecture (lengths in m)."""

    name: str
    package_m: float
    pcb_m: float
    module_pcb_m: float = 0.0
    material: str = "megtron7"
    exclude: tuple[str, ...] = ()
    module: str = "none"  # "retimer", "linear" or "none"


DEFAULT_PATHS: dict[str, PathSpec] = {
    "pluggable": PathSpec("pluggable", 30 * _MM, 254 * _MM, 20 * _MM, exclude=("linear",),
                          module="retimer"),
    "lpo": PathSpec("lpo", 30 * _MM, 254 * _MM, 20 * _MM, exclude=("linear",), module="linear"),
    "npo": PathSpec("npo", 30 * _MM, 100 * _MM),
    "cpo": PathSpec("cpo", 25 * _MM, 0.0),
}
#: loss of the pluggable module's internal retimer-to-optics hop (dB at Nyquist), assumption
MODULE_HOP_DB = 2.0


def _package_line():
    from .channel.parametric import ParametricLine

    return ParametricLine(a1=9.909e-4, a2=2.772e-4, tau_ns_per_mm=6.141e-3, zc_ohm=92.5,
                          name="802.3ck package trace")


def _stripline(material: str):
    from .channel.lines import Stripline

    return Stripline(material, width=127e-6, thickness=17.5e-6, height=127e-6, spacing=200e-6,
                     roughness="hvlp")


def build_channel(spec: PathSpec, baud: float):
    """The path's channel on the synthetic uniform grid (0 … 1.5 baud)."""
    from .channel.twoport import cascade
    from .power.table import synthetic_grid

    f = synthetic_grid(baud)
    parts = [_package_line().section(spec.package_m, f)]
    line = _stripline(spec.material)
    for ln in (spec.pcb_m, spec.module_pcb_m):
        if ln > 0:
            parts.append(line.section(ln, f, z0_ohm=100.0))
    return cascade(*parts, name=spec.name)


def _eye_closure(ch, baud: float) -> dict[str, float]:
    """Unequalised and equalised (1-tap DFE front end) eye figures of a channel."""
    from .eq.grid import fom_constants  # noqa: F401  (keeps the dependency explicit)
    from .power import si

    ps = si.pulse_set(ch.f, ch.s21, baud, 4)
    flat = ps.weights[-1] @ ps.basis  # g = 0 dB: no CTLE peaking
    m = ps.samples_per_ui
    ipk = int(np.argmax(flat))
    cur = flat[ipk % m:: m]
    h0 = float(flat[ipk])
    isi = float(np.abs(cur).sum() - abs(h0))
    unequalised = h0 - 3.0 * isi  # peak-distortion PAM4 inner-eye height per volt
    r = si._grid_family(ps, 1, si.DEFAULT_SI)
    return {"eye_unequalised_v_per_v": unequalised,
            "fom_equalised_db": float(r["fom_db"]),
            "h0_unequalised": h0}


@dataclass
class StudyResult:
    """Everything the study computed (also written to HDF5)."""

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
    n = blocks.ctle_stages(e.eq_settings["ctle_peaking_db"], co) + co.vga_stages
    return float(blocks.afe_stage_w(n, baud, tech, co)) / e.bit_rate_bps * 1e12


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
        PCB lengths of the energy-vs-length curves (default 0 … 0.6 m, 41 points).
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
    lengths = (np.linspace(0.0, 0.6, 41) if curve_lengths_m is None
               else _validate.lengths_m("curve_lengths_m", curve_lengths_m))
    steps = [(r, n) for r in rates for n in specs]
    it = steps
    if progress:
        from tqdm import tqdm

        it = tqdm(steps, desc="sikernel study", unit="link")
    rows: list[dict[str, Any]] = []
    channels = {}
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
        eye = _eye_closure(ch, baud)
        mw = el * rate  # pJ/b x Gb/s = mW
        rows.append({
            "name": name, "rate_gbps": rate, "baud": baud,
            "length_m": spec.package_m + spec.pcb_m + spec.module_pcb_m,
            "il_nyquist_db": e.il_nyquist_db, "architecture_chosen": e.architecture,
            "eq_settings": e.eq_settings, "reasons": e.reasons,
            "pj_per_bit_electrical": el, "blocks_pj_per_bit": blocks,
            "mw_per_lane_electrical": mw,
            "w_per_switch_electrical": 2 * LANES_PER_SWITCH * mw * 1e-3,
            "pj_per_bit_optical": OPTICAL_PJ_PER_BIT.get(name, float("nan")),
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
    curves = _curves(rates, node_nm, target_ber, lengths)
    inputs = {"rates_gbps": list(rates), "node_nm": float(node_nm), "target_ber": target_ber,
              "lanes_per_switch": LANES_PER_SWITCH, "module_hop_db": MODULE_HOP_DB,
              "optical_pj_per_bit": OPTICAL_PJ_PER_BIT,
              "paths": {k: vars(v) | {"exclude": list(v.exclude)} for k, v in specs.items()}}
    prov = {"sikernel_version": __version__, "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                           time.gmtime()),
            "model": "sikernel.power (calibrated coefficients), channels from sikernel.channel"}
    il_curves = {f"{r}_{n}": (channels[(r, n)].f, np.asarray(channels[(r, n)].il_db()))
                 for (r, n) in channels}
    res = StudyResult(rows=rows, curves=curves, inputs=inputs, provenance=prov,
                      timings_s={"links": t_links, "total": time.perf_counter() - t0})
    res.il_curves = il_curves  # type: ignore[attr-defined]
    return res


def _curves(rates, node_nm, ber, lengths) -> dict[str, dict[str, np.ndarray]]:
    """Energy per bit vs PCB length (package 30 mm + stripline) per material, via the loss path."""
    from .errors import SIKernelError as _E

    out: dict[str, dict[str, np.ndarray]] = {}
    pkg = _package_line()
    for rate in rates:
        baud = rate * 1e9 / 2.0
        fn = np.array([0.5 * baud])
        for mat in ("megtron7", "megtron6", "fr4"):
            line = _stripline(mat)
            per_m = float(line.loss_db(fn, 1.0)[0])
            il = float(pkg.loss_db(fn, 30 * _MM)[0]) + per_m * lengths
            pj = np.full(lengths.size, np.nan)
            arch = []
            for i, x in enumerate(il):
                try:
                    e = _link_energy(float(x), baud, node_nm, (), ber)
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
    """Write the study to HDF5 atomically (temp file in the same folder, then rename)."""
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
    """Read back what :func:`write_hdf5` wrote (rows and curves)."""
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
    """PNG figures (energy vs length and vs IL; IL vs frequency per architecture); needs matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    files = []
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for k, d in res.curves.items():
        axes[0].plot(1e3 * d["length_m"], d["pj_per_bit"], label=k)
        axes[1].plot(d["il_nyquist_db"], d["pj_per_bit"], label=k)
    for lab, v in REACH_BUDGETS_DB.items():
        axes[1].axvline(v, color="0.7", lw=0.8)
        axes[1].text(v, axes[1].get_ylim()[1], lab, rotation=90, va="top", fontsize=6)
    axes[0].set_xlabel("PCB length after 30 mm package (mm)")
    axes[1].set_xlabel("IL at Nyquist (dB)")
    for ax in axes:
        ax.set_ylabel("electrical pJ/bit (TX+RX)")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=6)
    p = out_dir / "energy_vs_length.png"
    fig.tight_layout()
    fig.savefig(p, dpi=110)
    plt.close(fig)
    files.append(p)
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, (f, il) in getattr(res, "il_curves", {}).items():
        ax.plot(f / 1e9, il, label=k)
    ax.set_xlabel("f (GHz)")
    ax.set_ylabel("IL (dB)")
    ax.legend(fontsize=6)
    ax.grid(True, alpha=0.3)
    p = out_dir / "il_vs_frequency.png"
    fig.tight_layout()
    fig.savefig(p, dpi=110)
    plt.close(fig)
    files.append(p)
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


__all__ = ["ARCH_NAMES", "DEFAULT_PATHS", "OPTICAL_PJ_PER_BIT", "PathSpec", "REACH_BUDGETS_DB",
           "StudyResult", "build_channel", "read_hdf5", "run_study", "write_figures", "write_hdf5"]
