"""Energy figures: pJ/bit vs path length (stacked blocks, reach budgets) and W per switch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SIKernelError
from ._common import check_type, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..power import EnergyBreakdown
    from ..study import StudyResult

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

    order = [*BLOCKS, "module_retimer", "module_linear_afe"]
    i = order.index(name) if name in order else len(order) + sum(map(ord, name))
    return colormaps["tab20"](i % 20)


def _budgets(budgets_db: Mapping[str, float] | None) -> dict[str, float]:
    if budgets_db is None:
        from ..study import REACH_BUDGETS_DB

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
            ax.text(x, 0.98, f" {label}", rotation=90, va="top", ha="right", fontsize=7, color=color,
                    transform=ax.get_xaxis_transform())


def energy_blocks(breakdowns: Sequence[EnergyBreakdown], lengths_m: Any, *,
                  budgets_db: Mapping[str, float] | None = None, ax: Axes | None = None) -> Figure:
    """Energy per bit vs electrical path length as stacked blocks, reach-class budgets marked.

    Parameters
    ----------
    breakdowns : sequence of EnergyBreakdown
        One :func:`sikernel.power.energy_per_bit` result per length (same order).
    lengths_m : array_like
        Path lengths in m, strictly increasing, one per breakdown.
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
    x = _validate.lengths_m("lengths_m", lengths_m)
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
    x_mm = x * 1e3
    kept = [n for n, k in zip(names, keep, strict=True) if k]
    ax.stackplot(x_mm, stack[keep], labels=kept, colors=[block_color(n) for n in kept], alpha=0.85)
    arch = [e.architecture for e in breakdowns]
    for i in range(1, len(arch)):
        if arch[i] != arch[i - 1]:
            ax.axvline(0.5 * (x_mm[i - 1] + x_mm[i]), color="k", lw=0.6)
    ax.text(0.99, 0.02, "architecture: " + " → ".join(dict.fromkeys(arch)), transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, bbox={"facecolor": "w", "alpha": 0.8, "lw": 0})
    il = np.array([e.il_nyquist_db for e in breakdowns])
    if np.all(np.diff(il) > 0):
        _mark_budgets(ax, x_mm, il, budgets)
    e0 = breakdowns[0]
    ax.set_xlabel("electrical path length (mm)")
    ax.set_ylabel(f"energy, {e0.scope.upper()} (pJ/bit)")
    ax.set_title(f"energy per bit by block, {e0.bit_rate_bps * 1e-9:.5g} Gb/s {e0.modulation.upper()}, "
                 f"{e0.node_nm:g} nm, BER {e0.target_ber:.0e}", fontsize=9)
    ax.set_xlim(x_mm[0], x_mm[-1])
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def _study(result: Any) -> Any:
    from ..study import StudyResult

    check_type("result", result, StudyResult, "a StudyResult (see sikernel.study.run_study)")
    return result


def study_energy(result: StudyResult, *, rate_gbps: float | None = None,
                 budgets_db: Mapping[str, float] | None = None, ax: Axes | None = None) -> Figure:
    """Study curves: electrical pJ/bit vs PCB length per material, with reach budgets marked.

    Parameters
    ----------
    result : StudyResult
        From :func:`sikernel.study.run_study` (its ``curves``: package trace plus
        a stripline of each length and material).
    rate_gbps : float, optional
        Lane rate to draw (default: the first in the study).
    budgets_db : mapping of str to float, optional
        Loss budgets marked (short ticks on each curve) where its IL crosses them
        (default :data:`sikernel.study.REACH_BUDGETS_DB`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a StudyResult, or a rate the study did not compute.
    """
    res = _study(result)
    rates = [float(r) for r in res.inputs["rates_gbps"]]
    rate = rates[0] if rate_gbps is None else float(rate_gbps)
    if rate not in rates:
        raise SIKernelError(f"rate_gbps={rate_gbps!r} is not in the study; it has {rates}")
    budgets = _budgets(budgets_db)
    fig, ax = new_axes(ax)
    prefix = f"{rate:g}G_"
    for i, (key, d) in enumerate((k, v) for k, v in res.curves.items() if k.startswith(prefix)):
        x_mm = np.asarray(d["length_m"]) * 1e3
        pj = np.asarray(d["pj_per_bit"], dtype=float)
        il = np.asarray(d["il_nyquist_db"], dtype=float)
        ax.plot(x_mm, pj, color=f"C{i}", label=key[len(prefix):])
        ymax = np.nanmax(pj) if np.any(np.isfinite(pj)) else 1.0
        for label, b in budgets.items():
            if il[0] <= b <= il[-1]:
                xb = float(np.interp(b, il, x_mm))
                yb = float(np.interp(xb, x_mm[np.isfinite(pj)], pj[np.isfinite(pj)])) if np.any(
                    np.isfinite(pj)) else ymax
                ax.plot([xb], [yb], "|", color=f"C{i}", ms=12, mew=1.5)
                if i == 0:
                    ax.annotate(label, (xb, yb), xytext=(2, 8), textcoords="offset points",
                                rotation=60, fontsize=6, color="0.3")
    ax.set_xlabel("PCB stripline length (mm), package trace added as in sikernel.study")
    ax.set_ylabel("electrical energy, TX+RX (pJ/bit)")
    ax.set_title(f"energy vs reach at {rate:g} Gb/s PAM4 (ticks: loss budgets; gaps: no closure)",
                 fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, title="material", title_fontsize=8)
    return fig


def switch_power(result: StudyResult, *, ax: Axes | None = None) -> Figure:
    """Electrical SerDes power per switch (W) for each architecture and switch generation.

    Grouped bars, one group per lane rate (switch capacity ``512 × rate / 1.0625``,
    e.g. 51.2 Tb/s for 106.25 Gb/s lanes), one bar per architecture (pluggable, LPO,
    NPO, CPO) with its W per switch (``w_per_switch_electrical``: both directions of
    every lane) and the saving against pluggable.  Optical-side power is not
    included (the study keeps it separate).

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
    rates = [float(r) for r in res.inputs["rates_gbps"]]
    archs = list(dict.fromkeys(r["name"] for r in res.rows))
    lanes = int(res.inputs.get("lanes_per_switch", 512))
    fig, ax = new_axes(ax)
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
    ax.set_title(f"electrical I/O power per switch, {res.inputs.get('node_nm', '')} nm, "
                 f"BER {res.inputs.get('target_ber', '')}", fontsize=9)
    ax.margins(y=0.2)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


__all__ = ["LINE_OVER_PAYLOAD", "block_color", "energy_blocks", "study_energy", "switch_power"]
