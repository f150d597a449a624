"""The study's result type, its constants, the printed table and the ``--json`` object.

Output contract (``sikernel study --json``, and the same numbers in the HDF5 file's
``ports`` group): one object with

* ``ports``: one entry per (architecture, lane rate, port) with ``architecture``,
  ``lane_gbps`` (nominal 100 / 200), ``port_gbps``, ``w_per_port`` (+ ``_p10`` / ``_p90``),
  ``pj_per_bit`` (+ bands), ``blocks_w`` (component → W per port; ``blocks_w_p10`` /
  ``blocks_w_p90``: each block's own quantiles over the draws, which do not add up to the port's
  band), ``switch_tbps``, ``w_per_switch`` (+ bands), ``w_per_lane`` (+ bands),
  ``saving_vs_pluggable_w`` / ``_pct`` (per switch, + bands) and the operating point
  (``node_nm``, ``target_ber``, ``host_ends``: each host SerDes, its scope, channel loss,
  chosen equaliser family and pJ/bit); for engine ports the external laser (``lasers_per_lane``,
  ``els_laser_out_dbm``, ``els_lane_light_given_dbm``; None for module lasers);
* ``architectures``: the former per-link rows (the switch end's channel, equaliser, COM, eyes;
  ``pj_per_bit_electrical``, ``w_per_switch_electrical`` and ``saving_vs_pluggable_*`` count every
  host-link SerDes end of the architecture: the switch's and a retimed module's host-side one);
* ``checks``: the account against published module powers (fitted or out of sample) and
  against whole-system CPO claims (out of sample);
* ``tornado``: per generation, the inputs that move the CPO saving most;
* ``ports_not_closing``: the (generation, architecture) pairs left out because no host SerDes
  closes their host link, with the reason (empty on the default inputs);
* ``inputs``, ``provenance``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._json import plain_json

#: line rates of the default study (Gb/s): 51.2T and 102.4T switch generations
RATES_GBPS: tuple[float, ...] = (106.25, 212.5)
#: SerDes lanes of both default switches
LANES_PER_SWITCH = 512
#: scalar fields of a port entry that carry a p10 / p90 band
BANDED = ("w_per_lane", "w_per_port", "pj_per_bit", "module_w", "w_per_switch",
          "saving_vs_pluggable_w", "saving_vs_pluggable_pct")


@dataclass
class StudyResult:
    """Everything the study computed (also written to HDF5).

    Attributes
    ----------
    rows : list of dict
        One row per (architecture, rate): the switch-end host link (length, loss, chosen
        equaliser, COM, eyes) and the host-link SerDes energy of the architecture.
    curves : dict
        Curve name -> dict of arrays (e.g. ``il_nyquist_db``, ``pj_per_bit``) of the
        energy-versus-length sweeps.
    inputs : dict
        The study inputs (generations, paths, assumptions with ranges and sources).
    provenance : dict
        Version, creation time (UTC) and model description.
    timings_s : dict
        Wall-clock times in s.
    ports : list of dict
        The port account with bands (module docstring).
    checks : list of dict
        Model against published module powers and system claims.
    tornado : dict
        Generation -> {"base_w": ..., "inputs": [...]} for the CPO saving.
    not_closing : list of dict
        Ports left out because no host SerDes closes their host link: ``generation``,
        ``architecture``, ``lane_gbps``, ``port_gbps``, ``reason``.
    warnings : list of str
        The run's :class:`~sikernel.errors.SIKernelWarning` messages (legal but dubious inputs,
        ports left out, a module outside its published anchor), each once; ``sikernel study``
        adds those its own argument checks raised.
    il_curves : dict
        Name (``"<line rate>_<architecture>"``) -> ``(f_hz, il_db)``: the insertion loss of each
        port's host channel (the file's ``il_curves`` group; the ``il_vs_frequency`` figure).
    eyes : dict
        ``(line rate, architecture)`` -> ``(unequalised, equalised)`` statistical eyes of each
        host link (the ``eyes_*`` figures; not written to the file).
    """

    rows: list[dict[str, Any]]
    curves: dict[str, dict[str, np.ndarray]]
    inputs: dict[str, Any]
    provenance: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)
    ports: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    tornado: dict[str, Any] = field(default_factory=dict)
    not_closing: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    il_curves: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    eyes: dict[tuple[float, str], tuple[Any, Any]] = field(default_factory=dict)

    def port(self, architecture: str, lane_gbps: float) -> dict[str, Any]:
        """The port entry of ``architecture`` at lane rate ``lane_gbps``: nominal (100, 200) or
        the line rate the study was run with (106.25, 212.5)."""
        from ..errors import SIKernelError
        from .architectures import get_architecture
        from .standards import generation

        arch = get_architecture(architecture).name   # any case, as the CLI's --arch
        try:   # a line rate names its generation's nominal rate
            want = generation(lane_gbps).lane_gbps
        except SIKernelError:
            try:
                want = float(lane_gbps)
            except (TypeError, ValueError):   # new-user trial 29: '200G' was a bare ValueError
                rates = sorted({p["lane_gbps"] for p in self.ports})
                raise SIKernelError(f"lane_gbps={lane_gbps!r}: expected a lane rate in Gb/s as a number, "
                                    f"nominal {rates} or the line rate (106.25, 212.5), e.g. "
                                    f"res.port({architecture!r}, {rates[-1]:g})") from None
        for p in self.ports:
            if p["architecture"] == arch and float(p["lane_gbps"]) == want:
                return p
        have = sorted({(p["architecture"], p["lane_gbps"]) for p in self.ports})
        raise SIKernelError(f"no port entry for ({architecture!r}, {lane_gbps!r}); the study has {have}")

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object (NaN/inf as null)."""
        return nan_to_none({"ports": self.ports, "architectures": self.rows, "checks": self.checks,
                            "tornado": self.tornado, "ports_not_closing": self.not_closing,
                            "inputs": self.inputs, "warnings": self.warnings,
                            "provenance": self.provenance})

    def table(self) -> str:
        """The printed table: ports with bands, block split, checks."""
        out = []
        hdr = (f"{'arch':9s} {'lane':>5s} {'port':>5s} {'W/port [p10, p90]':>22s} {'pJ/b':>6s} "
               f"{'switch':>7s} {'W/switch [p10, p90]':>24s} {'saving vs pluggable':>22s}")
        out += [hdr, "-" * len(hdr)]
        for p in self.ports:
            sv = p.get("saving_vs_pluggable_pct", float("nan"))
            lo, hi = p["saving_vs_pluggable_pct_p10"], p["saving_vs_pluggable_pct_p90"]
            svt = "" if not np.isfinite(sv) else f"{sv:5.1f} % [{lo:.0f}, {hi:.0f}]"
            out.append(f"{p['architecture']:9s} {p['lane_gbps']:5.0f} {p['port_gbps']:5.0f} "
                       f"{p['w_per_port']:6.2f} [{p['w_per_port_p10']:6.2f}, {p['w_per_port_p90']:6.2f}] "
                       f"{p['pj_per_bit']:6.2f} {p['switch_tbps']:6.1f}T {p['w_per_switch']:7.0f} "
                       f"[{p['w_per_switch_p10']:6.0f}, {p['w_per_switch_p90']:6.0f}] {svt:>22s}")
        for x in self.not_closing:
            out.append(f"{x['architecture']:9s} {x['lane_gbps']:5.0f} {x['port_gbps']:5.0f} does not close: "
                       "no host SerDes closes its host link (left out; JSON: ports_not_closing)")
        failing = [p for p in self.ports if p.get("mc_not_closing_draws")]
        if failing:
            out.append("note: " + "; ".join(f"{p['mc_not_closing_draws']} of {p['mc_draws']} draws of the "
                                            f"{p['generation']} {p['architecture']} port"
                                            for p in failing)
                       + " do not close; they are held at the last closing point, so those upper bands "
                       "are lower bounds (JSON: mc_not_closing_by_input)")
        names = list(dict.fromkeys(b for p in self.ports for b in p["blocks_w"]))
        # whole names (new-user trial, session 41: 'pluggab/100'); the column as wide as the longest
        labels = [f"{p['architecture']}/{p['lane_gbps']:.0f}" for p in self.ports]
        w = max([11, *map(len, labels)])
        heads = "".join(f" {lab:>{w}s}" for lab in labels)
        out += ["", "W per port by block (switch_serdes*: switch end; module_host_serdes*: the module's "
                "host-side SerDes):", f"{'block':22s}" + heads]
        for b in names:
            # a block the port does not have prints as "-", not 0.00 (audit 28, new-user trial 29: LRO's
            # switch_serdes is split into _tx / _rx)
            cells = (f" {p['blocks_w'][b]:{w}.2f}" if b in p["blocks_w"] else f" {'-':>{w}s}"
                     for p in self.ports)
            out.append(f"{b:22s}" + "".join(cells))
        if self.checks:
            out += ["", "checks (model vs published; 'fitted' = the module side was fitted on it; the model "
                    "at each generation's default inputs and paths, not at the overrides of this run):"]
            for c in self.checks:
                pub = (f"{c['published_low']:g}-{c['published_high']:g}" if c.get("published_low") is not None
                       else f"{c['published']:g}")
                unit = unit_suffix(c["unit"])   # a ratio prints bare
                # a consistency check compares with what the model itself needs (the link budget)
                ref = ("budget" if c.get("limit") == "at_most" else
                       "needed" if c["kind"] == "consistency check" else "published")
                out.append(f"  [{c['kind']}] {c['label']}: model {c['model']:.3g}{unit} vs {ref} {pub}{unit}"
                           f" ({check_verdict(c)})")
                if c.get("counts"):
                    out.append(f"      {ref} counts: {c['counts']}; model: {c.get('model_quantity', '')}")
                for lp in c.get("linear_ports", ()):
                    out.append("      " + _shared_board_text(lp))
        for g, t in self.tornado.items():
            top = "; ".join(f"{i['input']} {i['saving_w_at_low']:.0f}..{i['saving_w_at_high']:.0f}"
                            for i in t["inputs"][:4])
            out.append(f"\nCPO saving {g}: {t['base_w']:.0f} W per switch; moved most by (W at the low..high "
                       f"end of each input's range): {top}")
            h = t.get("held_out_bias")
            if h is not None:
                out.append("  with the host SerDes divided by its held-out 200G over-prediction "
                           f"(x{h['bias']:.2f}, a sensitivity): {h['saving_w']:.0f} W")
        return "\n".join(out)


def _shared_board_text(lp: dict[str, Any]) -> str:
    """One line for a port whose board is built to the linear budget: what the shared board costs."""
    fam = " / ".join(f"{lp['host_end_families'][k]} -> {v}"
                     for k, v in lp["host_end_families_on_shared_board"].items())
    return (f"{lp['architecture']} priced on {lp['host_mm']:.0f} mm of host board ({lp['il_db']:.1f} dB, "
            f"within the budget); on the pluggable's {lp['shared_board_mm']:.0f} mm board "
            f"({lp['il_on_shared_board_db']:.1f} dB): {lp['w_per_port']:.2f} -> "
            f"{lp['w_per_port_on_shared_board']:.2f} W per port on the study's channel path (host SerDes "
            f"{fam}); {lp['w_per_port_table']:.2f} -> {lp['w_per_port_table_on_shared_board']:.2f} W on the "
            "tabulated model (synthetic channels)")


def _pct_text(pct: float) -> str:
    """A distance outside a range in per cent: one decimal below 10 % (never a bare "0 %")."""
    return f"{pct:.1f}" if pct < 9.95 else f"{pct:.0f}"


def unit_suffix(unit: str) -> str:
    """`` unit`` to write after a value; nothing for a dimensionless quantity (unit "1" or "").

    Parameters
    ----------
    unit : str
        The unit as the study records it ("1" for a ratio or another dimensionless quantity).

    Returns
    -------
    str
    """
    return "" if unit in ("1", "") else f" {unit}"


def check_verdict(c: dict[str, Any]) -> str:
    """How a check's model value stands against its reference, in words for the printed table.

    A range: "in range", or how far below / above it (%); a single published value: the ratio
    ``model / published``; a consistency check (the model against what its own link budget needs,
    or, with ``limit`` "at_most", against a budget it must stay under such as a channel's loss): the
    margin, in the check's unit.

    Parameters
    ----------
    c : dict
        One entry of :attr:`StudyResult.checks`.

    Returns
    -------
    str
    """
    m = float(c["model"])
    if c["kind"] == "consistency check":
        unit = unit_suffix(c["unit"].replace("dBm", "dB"))
        if c.get("limit") == "at_most":   # a budget the model's value must stay under (a loss)
            d = float(c["published"]) - m
            built = " (by construction)" if c.get("by_construction") else ""
            return (f"{d:.3g}{unit} to spare{built}" if d >= 0 else f"over by {-d:.3g}{unit}")
        d = m - float(c["published"])
        return f"{d:.3g}{unit} to spare" if d >= 0 else f"short by {-d:.3g}{unit}"
    lo, hi = c.get("published_low"), c.get("published_high")
    if lo is not None and hi is not None:
        if m < lo:
            return f"{_pct_text(100.0 * (1.0 - m / lo))} % below the range"
        if m > hi:
            return f"{_pct_text(100.0 * (m / hi - 1.0))} % above the range"
        return "in range"
    return f"x{m / float(c['published']):.2f} of published"


#: non-finite floats as None, NumPy values as Python ones (recursively): the package's one converter
nan_to_none = plain_json


__all__ = ["BANDED", "LANES_PER_SWITCH", "RATES_GBPS", "StudyResult", "check_verdict", "nan_to_none",
           "unit_suffix"]
