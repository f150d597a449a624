"""Energy figures: pJ/bit vs path length (stacked blocks, reach budgets) and W per switch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._files import atomic_target
from ..errors import SIKernelError
from ._common import check_type, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..power import EnergyBreakdown
    from ..system.result import StudyResult

#: blocks of the port account (sikernel.system.account), in stacking order
PORT_BLOCKS: tuple[str, ...] = ("switch_serdes", "switch_serdes_tx", "switch_serdes_rx", "module_host_serdes",
                                "module_host_serdes_rx", "module_dsp", "linear_eq", "driver",
                                "modulator_tuning", "tia", "laser", "other")
#: line rate / payload rate of the 802.3 100G- and 200G-per-lane PHYs (106.25 Gb/s carries
#: 100 Gb/s: 256b/257b transcoding + RS(544,514) FEC), used to name the switch capacity
LINE_OVER_PAYLOAD = 1.0625


def block_color(name: str) -> Any:
    """A fixed colour per energy block (same block, same colour in every figure).

    Parameters
    ----------
    name : str
        Block name (:data:`sikernel.power.budget.BLOCKS` or a study's extra block).

    Returns
    -------
    tuple of float
        RGBA colour from matplotlib's ``tab20`` map.
    """
    from matplotlib import colormaps

    from ..power.budget import BLOCKS

    order = [*BLOCKS, *PORT_BLOCKS]
    i = order.index(name) if name in order else len(order) + sum(map(ord, name))
    return colormaps["tab20"](i % 20)


#: marker of each receiver family on the energy curves
FAMILY_MARKERS = {"analog": "o", "dsp": "s", "linear": "^"}


def _families(curve: Mapping[str, Any], n: int) -> list[str]:
    """The receiver family of each point of a study curve; "" for each when the curve has none
    (an older file: drawn plain, no marker claims a family)."""
    return [str(a) for a in curve.get("architecture", [""] * n)]


def _family_curve(ax: Any, x: np.ndarray, y: np.ndarray, families: Sequence[str], *, color: Any,
                  ls: Any = "-", lw: float = 1.5, label: str | None = None) -> set[str]:
    """One energy curve with a marker per point for the receiver family that prices it; returns
    the families of its closing points (for :func:`_family_legend_handles`).

    Consecutive points priced by the same family are joined by a line; points priced by
    different families are joined by a thin dotted line, because the energy steps somewhere
    between them (the family switches where one stops closing or becomes dearer), it does not
    ramp (trial 98: a solid segment from 2 to 6 pJ/b between 300 and 400 mm read as a ramp).
    Points that close nothing (NaN) are gaps.
    """
    fam = [str(f) for f in families]
    ok = np.isfinite(y)
    first = True
    for i in range(x.size - 1):
        if not (ok[i] and ok[i + 1]):
            continue
        same = fam[i] == fam[i + 1]
        ax.plot(x[i:i + 2], y[i:i + 2], color=color, ls=ls if same else ":", lw=lw if same else 0.9,
                label=label if (first and same) else None)
        first = first and not same
    for f, mk in FAMILY_MARKERS.items():
        sel = ok & np.array([g == f for g in fam], dtype=bool)
        if sel.any():
            ax.plot(x[sel], y[sel], ls="none", marker=mk, ms=3.5, color=color,
                    label=label if first else None)
            first = False
    return {f for f, o in zip(fam, ok, strict=True) if o}


def _family_legend_handles(ax: Any, families: set[str]) -> list[Any]:
    """The axes' legend handles plus one grey proxy per family marker drawn and the dotted link."""
    from matplotlib.lines import Line2D

    names = {"analog": "analog RX (CTLE + DFE)", "dsp": "ADC-DSP RX", "linear": "linear"}
    handles, _ = ax.get_legend_handles_labels()
    handles += [Line2D([], [], ls="none", marker=FAMILY_MARKERS[f], ms=4, color="0.4", label=names[f])
                for f in FAMILY_MARKERS if f in families]
    if len(families) > 1:
        handles.append(Line2D([], [], ls=":", lw=0.9, color="0.4", label="family changes between"))
    return handles


def _budgets(budgets_db: Mapping[str, float] | None) -> dict[str, float]:
    if budgets_db is None:
        from ..system.channels import REACH_BUDGETS_DB

        return dict(REACH_BUDGETS_DB)
    out = {}
    for k, v in dict(budgets_db).items():
        x = float(v)
        if not np.isfinite(x) or x < 0:
            raise SIKernelError(f"budgets_db[{k!r}]={v!r} must be a finite loss >= 0 dB")
        out[str(k)] = x
    return out


def _mark_budgets(ax: Any, lengths_mm: np.ndarray, il_db: np.ndarray, budgets: dict[str, float],
                  color: str = "0.45") -> None:
    """Vertical lines where the (increasing) IL-vs-length curve crosses each loss budget."""
    for label, b in budgets.items():
        if il_db[0] <= b <= il_db[-1]:
            x = float(np.interp(b, il_db, lengths_mm))
            ax.axvline(x, color=color, lw=0.8, ls="--")
            # on a light box: the label crosses the stacked areas, dark ones included (new-user
            # trial 29: "VSR/C2M" was unreadable on the clocking block)
            ax.text(x, 0.98, f" {label}", rotation=90, va="top", ha="right", fontsize=7, color="0.15",
                    transform=ax.get_xaxis_transform(),
                    bbox={"facecolor": "w", "alpha": 0.8, "lw": 0, "pad": 1.0})


def energy_blocks(breakdowns: Sequence[EnergyBreakdown], lengths_m: Any = None, *,
                  budgets_db: Mapping[str, float] | None = None, ax: Axes | None = None) -> Figure:
    """Energy per bit vs electrical path length (or loss) as stacked blocks, reach-class budgets marked.

    Parameters
    ----------
    breakdowns : sequence of EnergyBreakdown
        One :func:`sikernel.power.energy_per_bit` result per length (same order).
    lengths_m : array_like, optional
        Path lengths in m, strictly increasing, one per breakdown.  Omitted: the x axis is the
        breakdowns' own loss at Nyquist (``il_nyquist_db``, which must then increase), e.g.
        ``[sk.energy_per_bit(loss_db=x, ...) for x in losses]``.
    budgets_db : mapping of str to float, optional
        Reach-class loss budgets (dB at Nyquist) to mark where the breakdowns'
        ``il_nyquist_db`` crosses them (default :data:`sikernel.study.REACH_BUDGETS_DB`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not EnergyBreakdowns, lengths not matching or not increasing, bad budgets.
    """
    from .. import _validate
    from ..power import EnergyBreakdown

    if isinstance(breakdowns, str | bytes) or not isinstance(breakdowns, Sequence) or len(breakdowns) < 2:
        raise SIKernelError("breakdowns must be a sequence of at least 2 EnergyBreakdown results")
    for i, e in enumerate(breakdowns):
        check_type(f"breakdowns[{i}]", e, EnergyBreakdown, "an EnergyBreakdown (see sikernel.power)")
    # one curve is one link: the title names one rate, node, BER and scope (new-user trial 29: a mixed
    # list was drawn under the last one's rate and the first one's node)
    for attr in ("bit_rate_bps", "modulation", "node_nm", "target_ber", "scope"):
        seen = list(dict.fromkeys(getattr(e, attr) for e in breakdowns))
        if len(seen) > 1:
            raise SIKernelError(f"breakdowns differ in {attr} ({', '.join(map(str, seen))}); one figure "
                                "draws one link against its length or loss: plot each on its own axes")
    il = np.array([e.il_nyquist_db for e in breakdowns], dtype=float)
    if lengths_m is None:
        if not np.all(np.isfinite(il)) or np.any(np.diff(il) <= 0):
            raise SIKernelError("without lengths_m the x axis is the breakdowns' il_nyquist_db, which "
                                f"must increase strictly; got {np.round(il, 3).tolist()}; sort the "
                                "breakdowns by loss or give lengths_m")
        x = il
    else:
        x = _validate.lengths_m("lengths_m", lengths_m)
        if x.size and x.max() > _validate.MAX_LINE_LENGTH_M:   # mm given as m (new-user trial 29)
            raise SIKernelError(f"lengths_m reaches {x.max():g} m, above {_validate.MAX_LINE_LENGTH_M:g} m: "
                                f"lengths are in metres; {x.max():g} mm is {x.max() * 1e-3:g} m")
        if x.ndim != 1 or x.size != len(breakdowns) or np.any(np.diff(x) <= 0):
            raise SIKernelError(f"lengths_m must be {len(breakdowns)} strictly increasing lengths in m, "
                                "one per breakdown")
    budgets = _budgets(budgets_db)
    names: list[str] = []
    for e in breakdowns:
        names += [b for b in e.blocks if b not in names]
    stack = np.array([[e.blocks.get(b, 0.0) for e in breakdowns] for b in names])
    keep = np.any(stack > 0, axis=1)
    fig, ax = new_axes(ax)
    x_mm = x if lengths_m is None else x * 1e3   # the plotted x: dB, or mm
    kept = [n for n, k in zip(names, keep, strict=True) if k]
    ax.stackplot(x_mm, stack[keep], labels=kept, colors=[block_color(n) for n in kept], alpha=0.85)
    arch = [e.architecture for e in breakdowns]
    for i in range(1, len(arch)):
        if arch[i] != arch[i - 1]:
            ax.axvline(0.5 * (x_mm[i - 1] + x_mm[i]), color="k", lw=0.6)
    ax.text(0.99, 0.02, "architecture: " + " → ".join(dict.fromkeys(arch)), transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, bbox={"facecolor": "w", "alpha": 0.8, "lw": 0})
    if np.all(np.diff(il) > 0):
        _mark_budgets(ax, x_mm, il, budgets)
    e0 = breakdowns[0]
    ax.set_xlabel("electrical path length (mm)" if lengths_m is not None else
                  "insertion loss at Nyquist (dB)")
    ax.set_ylabel(f"energy, {e0.scope.upper()} (pJ/bit)")
    ax.set_title(f"energy per bit by block, {e0.bit_rate_bps * 1e-9:.5g} Gb/s {e0.modulation.upper()}, "
                 f"{e0.node_nm:g} nm, BER {e0.target_ber:.0e}", fontsize=9)
    ax.set_xlim(x_mm[0], x_mm[-1])
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def _study(result: Any) -> Any:
    from ..system.result import StudyResult

    check_type("result", result, StudyResult, "a StudyResult (see sikernel.study.run_study)")
    return result


def study_energy(result: StudyResult, *, rate_gbps: float | None = None,
                 budgets_db: Mapping[str, float] | None = None, ax: Axes | None = None) -> Figure:
    """Study curves: electrical pJ/bit vs PCB length per material, with reach budgets marked.

    Parameters
    ----------
    result : StudyResult
        From :func:`sikernel.study.run_study` (its ``curves``: the NPO path, package traces plus
        a stripline of each length and material with a breakout via at each end).
    rate_gbps : float, optional
        Lane rate to draw (default: the first in the study).
    budgets_db : mapping of str to float, optional
        Loss budgets marked (short ticks on each curve) where its IL crosses them (default: the
        reach classes of the lane rate, :func:`sikernel.system.channels.reach_budgets_db`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a StudyResult, a rate the study did not compute (nominal 100 / 200 or line rate
        106.25 / 212.5 Gb/s are both accepted), or a study run without its curves.
    """
    res = _study(result)
    rates = [float(r) for r in res.inputs["rates_gbps"]]
    rate = rates[0] if rate_gbps is None else float(rate_gbps)
    if rate not in rates:   # a nominal lane rate (100, 200) names the line rate the study ran
        from ..system.standards import generation

        try:
            rate = generation(rate).lane_line_gbps
        except SIKernelError:
            pass
    if rate not in rates:
        raise SIKernelError(f"rate_gbps={rate_gbps!r} is not in the study; it has {rates}")
    prefix = f"{rate:g}G_"
    if not any(k.startswith(prefix) for k in res.curves):
        raise SIKernelError("the study has no energy-vs-reach curves to draw: run it with "
                            "run_study(..., with_curves=True) (the default)")
    if budgets_db is None:   # the classes of this lane rate (trial 98: 100G budgets on a 212.5G curve)
        from ..system.channels import reach_budgets_db

        budgets = reach_budgets_db(rate)
    else:
        budgets = _budgets(budgets_db)
    fig, ax = new_axes(ax)
    drawn: set[str] = set()
    for i, (key, d) in enumerate((k, v) for k, v in res.curves.items() if k.startswith(prefix)):
        x_mm = np.asarray(d["length_m"]) * 1e3
        pj = np.asarray(d["pj_per_bit"], dtype=float)
        il = np.asarray(d["il_nyquist_db"], dtype=float)
        fam = _families(d, x_mm.size)
        drawn |= _family_curve(ax, x_mm, pj, fam, color=f"C{i}", label=key[len(prefix):])
        ok = np.isfinite(pj)
        for label, b in budgets.items():
            # a budget is ticked on the curve only where the curve exists (not past its last
            # closing point: there it would sit on an extrapolated energy)
            if il[0] <= b <= il[-1] and ok.any():
                xb = float(np.interp(b, il, x_mm))
                if not x_mm[ok][0] <= xb <= x_mm[ok][-1]:
                    continue
                # nor on a dotted family-change link: no receiver has the energy drawn there
                # (review 33 M4: a tick at 3.4 pJ/b between a 1.8 and a 5.5 pJ/b family)
                j = min(int(np.searchsorted(x_mm, xb, side="right")), x_mm.size - 1)
                if xb < x_mm[j] and fam[j - 1] != fam[j]:
                    continue
                yb = float(np.interp(xb, x_mm[ok], pj[ok]))
                ax.plot([xb], [yb], "|", color=f"C{i}", ms=12, mew=1.5)
                if i == 0:
                    ax.annotate(label, (xb, yb), xytext=(2, 8), textcoords="offset points",
                                rotation=60, fontsize=6, color="0.3")
    ax.set_xlabel("PCB stripline length (mm), package trace added as in sikernel.study")
    ax.set_ylabel("electrical energy, TX+RX (pJ/bit)")
    ax.set_title(f"energy vs reach at {rate:g} Gb/s PAM4 (ticks: loss budgets; gaps: no closure)",
                 fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(handles=_family_legend_handles(ax, drawn), fontsize=7, title="material", title_fontsize=8)
    return fig


def switch_power(result: StudyResult, *, ax: Axes | None = None) -> Figure:
    """W per switch for each architecture and switch generation, with p10-p90 bars.

    From the port account (``result.ports``: switch SerDes + module or engine, every
    direction of every lane, ``w_per_switch`` with its band) when the result has it;
    otherwise from the per-link rows (``w_per_switch_electrical``: every host-link SerDes end only).
    Grouped bars, one group per generation, one bar per architecture, labelled with the
    W and the saving against pluggable.

    Parameters
    ----------
    result : StudyResult
        From :func:`sikernel.study.run_study`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
    """
    res = _study(result)
    fig, ax = new_axes(ax)
    if res.ports:
        gens = list(dict.fromkeys((p["switch_tbps"], p["lane_gbps"], p["port_gbps"]) for p in res.ports))
        archs = list(dict.fromkeys(p["architecture"] for p in res.ports))
        width = 0.8 / max(len(archs), 1)
        for j, name in enumerate(archs):
            for i, gk in enumerate(gens):
                p = next((q for q in res.ports if q["architecture"] == name
                          and (q["switch_tbps"], q["lane_gbps"], q["port_gbps"]) == gk), None)
                if p is None:
                    continue
                w = float(p["w_per_switch"])
                xi = i + (j - (len(archs) - 1) / 2) * width
                # a whisker cannot be negative: with few draws the band can miss the point
                err = [[max(w - p["w_per_switch_p10"], 0.0)], [max(p["w_per_switch_p90"] - w, 0.0)]]
                ax.bar(xi, w, width * 0.95, color=f"C{j}", label=name if i == 0 else None,
                       yerr=err, capsize=2, error_kw={"lw": 0.8})
                save = p.get("saving_vs_pluggable_pct", float("nan"))
                txt = f"{w:.0f} W" + (f"\n−{save:.0f}%" if np.isfinite(save) and save > 0 else "")
                ax.text(xi, p["w_per_switch_p90"], txt, ha="center", va="bottom", fontsize=6)
        ax.set_xticks(range(len(gens)), [f"{t:g} Tb/s switch\n{pg / lg:.0f}×{lg:g}G lanes per {pg:g}G port"
                                         for t, lg, pg in gens])
        ax.set_ylabel("switch I/O + optics power (W), p10–p90 bars")
        ax.set_title("W per switch: switch SerDes + module / engine, both directions", fontsize=9)
    else:
        rates = [float(r) for r in res.inputs["rates_gbps"]]
        archs = list(dict.fromkeys(r["name"] for r in res.rows))
        lanes = int(res.inputs.get("lanes_per_switch", 512))
        width = 0.8 / max(len(archs), 1)
        for j, name in enumerate(archs):
            for i, rate in enumerate(rates):
                row = next((r for r in res.rows if r["name"] == name and float(r["rate_gbps"]) == rate), None)
                if row is None:
                    continue
                w = float(row["w_per_switch_electrical"])
                xi = i + (j - (len(archs) - 1) / 2) * width
                ax.bar(xi, w, width * 0.95, color=f"C{j}", label=name if i == 0 else None)
                save = row.get("saving_vs_pluggable_pct", float("nan"))
                txt = f"{w:.0f} W" + (f"\n−{save:.0f}%" if np.isfinite(save) and save > 0 else "")
                ax.text(xi, w, txt, ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(rates)),
                      [f"{lanes * r / LINE_OVER_PAYLOAD / 1e3:.1f} Tb/s switch\n{lanes}× {r:g} Gb/s"
                       for r in rates])
        ax.set_ylabel("electrical SerDes power per switch (W)")
        ax.set_title("electrical host-link SerDes power per switch", fontsize=9)
    ax.margins(y=0.2)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def port_blocks(result: StudyResult, *, ax: Axes | None = None) -> Figure:
    """W per port by component (stacked), per architecture and generation, p10-p90 bars.

    Parameters
    ----------
    result : StudyResult
        From :func:`sikernel.study.run_study` (its ``ports``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        A result without port entries.
    """
    res = _study(result)
    if not res.ports:
        raise SIKernelError("result has no port entries (ports); run sikernel.study.run_study")
    fig, ax = new_axes(ax, figsize=(8.0, 4.4))
    names = [b for b in PORT_BLOCKS if any(b in p["blocks_w"] for p in res.ports)]
    names += [b for p in res.ports for b in p["blocks_w"] if b not in names]
    x = np.arange(len(res.ports), dtype=float)
    gap = 0.0
    for i in range(1, len(res.ports)):
        if res.ports[i]["lane_gbps"] != res.ports[i - 1]["lane_gbps"]:
            gap = 0.6
        x[i] += gap
    bottom = np.zeros(len(res.ports))
    for b in names:
        h = np.array([p["blocks_w"].get(b, 0.0) for p in res.ports])
        ax.bar(x, h, 0.8, bottom=bottom, color=block_color(b), label=b)
        bottom += h
    tot = np.array([p["w_per_port"] for p in res.ports])
    err = np.maximum(np.array([[p["w_per_port"] - p["w_per_port_p10"] for p in res.ports],
                               [p["w_per_port_p90"] - p["w_per_port"] for p in res.ports]]), 0.0)
    ax.errorbar(x, tot, yerr=err, fmt="none", ecolor="k", lw=0.8, capsize=2)
    for xi, p in zip(x, res.ports, strict=True):
        ax.text(xi, p["w_per_port_p90"], f"{p['w_per_port']:.1f}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(x, [f"{p['architecture']}\n{p['port_gbps']:g}G" for p in res.ports], fontsize=7)
    ax.set_ylabel("W per port (switch SerDes + module / engine)")
    ax.set_title("W per port by component; bars: p10–p90 (800G = 8×100G on 51.2T / 5 nm; "
                 "1.6T = 8×200G on 102.4T / 3 nm)", fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def _tornado_label(item: Mapping[str, Any]) -> str:
    """A tornado bar's label: the input, its range and unit (trial 98: the bars named the inputs
    only, so a reader could not tell what each end was)."""
    unit = str(item.get("unit", ""))
    unit = "" if unit in ("1", "factor") else " " + unit.split(" (")[0]
    lo, hi = item.get("low"), item.get("high")
    rng = "" if lo is None or hi is None else f" ({float(lo):.3g}–{float(hi):.3g}{unit})"
    return f"{item['input']}{rng}"


def cpo_tornado(result: StudyResult, *, generation: str | None = None, n_inputs: int = 10,
                ax: Axes | None = None) -> Figure:
    """Tornado of the CPO saving: the inputs that move it most (each at the ends of its range).

    Parameters
    ----------
    result : StudyResult
        From :func:`sikernel.study.run_study` with pluggable and CPO (its ``tornado``).
    generation : str, optional
        "51.2T" or "102.4T" (default: the last in the result).
    n_inputs : int
        Inputs drawn (largest swing first).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        No tornado for that generation.
    """
    res = _study(result)
    if not res.tornado:
        raise SIKernelError("result has no tornado (the study needs both 'pluggable' and 'cpo')")
    gname = list(res.tornado)[-1] if generation is None else generation
    if gname not in res.tornado:
        raise SIKernelError(f"generation={generation!r} has no tornado; the result has {list(res.tornado)}")
    t = res.tornado[gname]
    items = t["inputs"][: max(int(n_inputs), 1)][::-1]
    base = t["base_w"]
    fig, ax = new_axes(ax)
    for i, it in enumerate(items):
        lo, hi = it["saving_w_at_low"], it["saving_w_at_high"]
        ax.barh(i, lo - base, left=base, color="C0", height=0.7, label=None if i else "input at its low end")
        ax.barh(i, hi - base, left=base, color="C3", height=0.7, label=None if i else "input at its high end")
    ax.axvline(base, color="k", lw=0.8)
    ax.set_yticks(range(len(items)), [_tornado_label(it) for it in items], fontsize=7)
    ax.set_xlabel(f"CPO saving vs pluggable, W per {gname} switch (point {base:.0f} W)")
    ax.set_title("what moves the CPO saving most (one input at a time, others at point)", fontsize=9)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=7)
    return fig


def _il_curves_figure(il_curves: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> Any:
    """The study's host-channel losses: one curve per distinct channel (architectures that share a
    channel share its label), a line style per line rate, each rate's Nyquist frequency marked, the
    axis cut at the highest symbol rate (new-user trial 31 M2: twelve curves on a ten-colour cycle
    misattributed some, identical ones hid each other, 160 GHz of notches squashed the band).

    ``il_curves`` keys are ``"<line rate Gb/s>_<architecture>"`` (PAM4), values ``(f_hz, il_db)``.
    """
    groups: dict[tuple[str, bytes], list[str]] = {}
    data: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
    for k, (f, il) in il_curves.items():
        rate, _, arch = k.partition("_")
        key = (rate, np.round(np.asarray(il, dtype=float), 6).tobytes())
        groups.setdefault(key, []).append(arch)
        data[key] = (np.asarray(f, dtype=float), np.asarray(il, dtype=float))
    rates = sorted({r for r, _ in groups}, key=float)
    styles = dict(zip(rates, ("-", "--", "-.", ":"), strict=False))
    f_top_hz = max(float(r) for r in rates) / 2.0 * 1e9  # the highest PAM4 symbol rate
    fig, ax = new_axes(None)
    y_top = 0.0
    for i, (key, archs) in enumerate(groups.items()):
        f, il = data[key]
        sel = f <= f_top_hz
        if sel.any():
            y_top = max(y_top, float(np.max(il[sel])))
        ax.plot(f[sel] / 1e9, il[sel], ls=styles.get(key[0], "-"), color=f"C{i % 10}", lw=1.3,
                label=f"{float(key[0]):g} Gb/s: {', '.join(archs)}")
    for r in rates:
        fn_ghz = float(r) / 4.0  # PAM4: Nyquist frequency = line rate / 4
        ax.axvline(fn_ghz, color="0.5", lw=0.8, ls=styles.get(r, "-"))
        ax.text(fn_ghz, 1.0, f" Nyquist of {float(r):g} Gb/s: {fn_ghz:.4g} GHz", rotation=90, va="top",
                fontsize=6, transform=ax.get_xaxis_transform())
    ax.set_xlim(0.0, f_top_hz / 1e9)
    ax.set_ylim(0.0, y_top * 1.05 + 1.0)
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("insertion loss, -20 log10 |SDD21| (dB)")
    ax.set_title("host channel of each architecture (line rate: architectures on that channel)", fontsize=9)
    ax.grid(True, alpha=0.3)
    # outside the axes: inside, the upper-left legend covered the 100G Nyquist label (trial 98 L)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def write_study_figures(res: StudyResult, out_dir: Any) -> list:
    """PNG figures of a study into ``out_dir`` (needs matplotlib), each written atomically.

    ``port_blocks.png``, ``switch_power.png``, ``cpo_tornado_<gen>.png``,
    ``energy_vs_length_<rate>G.png`` and ``energy_vs_il.png`` (when the study has curves),
    ``il_vs_frequency.png`` and ``eyes_<rate>G.png`` (when it has IL curves and eyes: the
    unequalised and equalised statistical eyes of pluggable and CPO; each equalised panel
    names the receiver drawn, for a DSP receiver the DFE-slicer eye before MLSD).

    Parameters
    ----------
    res : StudyResult
        The study results.
    out_dir : str or os.PathLike
        Output folder; created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    from pathlib import Path

    from matplotlib.figure import Figure as _Figure

    from ..system.channels import reach_budgets_db
    from . import eye as peye

    res = _study(res)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def _save(fig: Any, name: str) -> None:
        p = out / name
        with atomic_target(p, ".png.tmp") as tmp:
            fig.savefig(tmp, dpi=110, format="png", bbox_inches="tight")
        files.append(p)

    if res.ports:
        _save(port_blocks(res), "port_blocks.png")
    _save(switch_power(res), "switch_power.png")
    for g in res.tornado:
        _save(cpo_tornado(res, generation=g), f"cpo_tornado_{g}.png")
    if res.curves:
        for rate in res.inputs["rates_gbps"]:
            if any(k.startswith(f"{float(rate):g}G_") for k in res.curves):
                _save(study_energy(res, rate_gbps=rate), f"energy_vs_length_{float(rate):g}G.png")
        fig, ax = new_axes(None)
        # curves of one rate coincide where the materials give the same loss: a line style per
        # curve keeps each visible (new-user trial 30: the Megtron 7 curve hid under the others)
        drawn: set[str] = set()
        for i, (k, d) in enumerate(res.curves.items()):
            pj = np.asarray(d["pj_per_bit"], dtype=float)
            drawn |= _family_curve(ax, np.asarray(d["il_nyquist_db"], dtype=float), pj,
                                   _families(d, pj.size), color=f"C{i}", label=k,
                                   ls=("-", "--", "-.", (0, (5, 1)))[i % 4], lw=1.6 - 0.3 * (i % 3))
        # the classes of each lane rate drawn (100G and 200G budgets are different classes)
        shown: dict[str, float] = {}
        for rate in res.inputs["rates_gbps"]:
            shown.update(reach_budgets_db(rate))
        for lab, v in shown.items():
            ax.axvline(v, color="0.7", lw=0.8)
            ax.text(v, 1.0, " " + lab, rotation=90, va="top", fontsize=6, transform=ax.get_xaxis_transform())
        ax.set_xlabel("IL at Nyquist (dB)")
        ax.set_ylabel("host SerDes energy, TX+RX (pJ/bit)")
        ax.grid(True, alpha=0.3)
        ax.legend(handles=_family_legend_handles(ax, drawn), fontsize=6)
        _save(fig, "energy_vs_il.png")
    if res.il_curves:
        _save(_il_curves_figure(res.il_curves), "il_vs_frequency.png")
    eyes = res.eyes
    for rate in res.inputs["rates_gbps"]:
        names = [n for n in ("pluggable", "cpo") if (rate, n) in eyes]
        if not names:
            continue
        fig = _Figure(figsize=(12, 4.6 * len(names)), layout="constrained")
        axes = fig.subplots(len(names), 2, squeeze=False)
        for i, n in enumerate(names):
            un, eq = eyes[(rate, n)]
            peye.stat_eye(un, ax=axes[i, 0])
            axes[i, 0].set_title(f"{n} {rate:g} Gb/s, unequalised", fontsize=9)
            peye.stat_eye(eq, ax=axes[i, 1])
            row = next((r for r in res.rows if r["name"] == n and r["rate_gbps"] == rate), {})
            recv = row.get("eye_equalised_receiver", "TX FFE + CTLE + DFE")
            axes[i, 1].set_title(f"{n} {rate:g} Gb/s, equalised\n" + recv.replace("; ", "\n"), fontsize=9)
        _save(fig, f"eyes_{rate:g}G.png")
    return files


__all__ = ["LINE_OVER_PAYLOAD", "PORT_BLOCKS", "block_color", "cpo_tornado", "energy_blocks", "port_blocks",
           "study_energy", "switch_power", "write_study_figures"]
