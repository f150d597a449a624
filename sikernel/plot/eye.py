"""Eye figures: statistical-eye BER map with contours, bathtubs, simulated eye density."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import SIKernelError
from ._common import ber_label, check_type, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..eye.com import ComResult
    from ..eye.stateye import StatEyeResult
    from ..eye.timesim import SimResult

#: BER floor of the log scale (the stat-eye map reaches exact zeros far from the levels)
BER_FLOOR = 1e-30
_STATEYE_HINT = "a StatEyeResult (see sikernel.eye.stat_eye)"
_SIGMA_LABELS = {"sigma_tx": "σ_TX", "sigma_isi": "σ_ISI", "sigma_j": "σ_J", "sigma_xt": "σ_XT",
                 "sigma_n": "σ_N"}


def _bers(contours_ber: Sequence[float]) -> np.ndarray:
    try:
        arr = np.asarray(contours_ber, dtype=float)
    except (TypeError, ValueError):
        arr = np.full(1, np.nan)
    if arr.ndim != 1 or arr.size == 0 or not np.all((arr > 0) & (arr < 0.5)):   # [] was an IndexError
        raise SIKernelError(f"contours_ber={contours_ber!r} must be a non-empty list of BERs in (0, 0.5)")
    return np.unique(arr)


#: the BER contours a statistical eye is drawn with by default (plus the result's own target BER)
DEFAULT_CONTOURS_BER: tuple[float, ...] = (1e-3, 1e-6, 1e-9, 1e-12)


def stat_eye(result: StatEyeResult, *, contours_ber: Sequence[float] | None = None,
             ax: Axes | None = None) -> Figure:
    """Statistical eye as a heat map of log10(BER) over (phase, threshold), with BER contours.

    Parameters
    ----------
    result : StatEyeResult
        From :func:`sikernel.eye.stat_eye`.
    contours_ber : sequence of float, optional
        BERs (in (0, 0.5)) at which contour lines are drawn and labelled.  Default
        :data:`DEFAULT_CONTOURS_BER` and the result's own target BER (the eye heights of the title
        are read there; drawn dashed), so the eye at the BER a link is priced at can be read off.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The colour is ``log10(max(BER, 1e-30))``.  The chosen sampling phase is a
    vertical line, the slicer thresholds are ticks on it, and the eye heights at
    the result's target BER are in the title.
    """
    from ..eye.stateye import StatEyeResult

    check_type("result", result, StatEyeResult, _STATEYE_HINT)
    levels = _bers((*DEFAULT_CONTOURS_BER, result.target_ber) if contours_ber is None else contours_ber)
    fig, ax = new_axes(ax)
    lb = np.log10(np.maximum(result.ber, BER_FLOOR)).T  # (n_v, P)
    x = result.phases_ui
    y = result.voltages_v * 1e3
    if x.size == 1:  # UI-spaced input: one phase; widen it to a visible column
        x = np.array([x[0] - 0.05, x[0] + 0.05])
        lb = np.repeat(lb, 2, axis=1)
    vmin = max(np.log10(BER_FLOOR), float(np.log10(levels[0])) - 3.0)
    mesh = ax.pcolormesh(x, y, lb, shading="nearest", cmap="viridis", vmin=vmin, vmax=0)
    fig.colorbar(mesh, ax=ax, label="log10 BER", extend="min")
    # the target BER's contour dashed (new-user trial 30: the study's eyes showed 1e-3 ... 1e-12
    # while its links are priced at 1e-5 / 1e-4)
    styles = ["dashed" if np.isclose(b, result.target_ber, rtol=1e-9, atol=0.0) else "solid" for b in levels]
    cs = ax.contour(x, y, lb, levels=np.log10(levels), colors="w", linewidths=1.0, linestyles=styles)
    ax.clabel(cs, fmt={np.log10(b): ber_label(b) for b in levels}, fontsize=7, colors="w")
    ax.axvline(result.phase_ui, color="C3", lw=0.8, ls="--")
    ax.plot(np.full(result.thresholds_v.size, result.phase_ui), result.thresholds_v * 1e3, "+", color="C3",
            ms=9)
    eh = ", ".join(f"{h * 1e3:.1f}" for h in result.eye_height_v)
    ax.set_title(f"statistical eye; heights at BER {ber_label(result.target_ber)}: {eh} mV", fontsize=9)
    ax.set_xlabel("sampling phase (UI from main cursor)")
    ax.set_ylabel("threshold (mV)")
    return fig


def bathtub(result: StatEyeResult, *, direction: str = "phase", ax: Axes | None = None) -> Figure:
    """Bathtub curves of a statistical eye: BER vs phase (per eye) or vs threshold.

    Parameters
    ----------
    result : StatEyeResult
        From :func:`sikernel.eye.stat_eye`.
    direction : {"phase", "voltage"}
        ``"phase"``: BER vs sampling phase at each eye's threshold (horizontal
        bathtub, ``result.bathtub_phase``); ``"voltage"``: BER vs threshold at the
        chosen phase (vertical bathtub, ``result.bathtub_voltage``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a StatEyeResult, or an unknown ``direction``.
    """
    from .. import _validate
    from ..eye.stateye import StatEyeResult

    check_type("result", result, StatEyeResult, _STATEYE_HINT)
    d = _validate.one_of("direction", direction, ("phase", "voltage"))
    fig, ax = new_axes(ax)
    if d == "phase":
        for i, row in enumerate(result.bathtub_phase):
            ax.semilogy(result.phases_ui, np.maximum(row, BER_FLOOR), marker="." if row.size < 4 else None,
                        label=f"eye {i + 1}")
        ax.set_xlabel("sampling phase (UI from main cursor)")
        ax.axvline(result.phase_ui, color="0.6", ls=":", lw=1)
    else:
        ax.semilogy(result.voltages_v * 1e3, np.maximum(result.bathtub_voltage, BER_FLOOR), label="BER")
        for t in result.thresholds_v:
            ax.axvline(t * 1e3, color="0.6", ls=":", lw=1)
        ax.set_xlabel("threshold (mV)")
    ax.axhline(result.target_ber, color="C3", ls="--", lw=1, label=f"target {ber_label(result.target_ber)}")
    ax.set_ylim(max(BER_FLOOR, 0.1 * result.target_ber ** 2), 1.0)
    ax.set_ylabel("BER")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"bathtub ({d})")
    return fig


def eye_density(result: SimResult, *, ax: Axes | None = None) -> Figure:
    """Eye diagram (2 UI) from the bit-by-bit simulator as a log-density image.

    Parameters
    ----------
    result : SimResult
        From :func:`sikernel.eye.timesim.simulate` run with ``eye_symbols > 0``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a SimResult, or one without an eye histogram.
    """
    from ..eye.timesim import SimResult

    check_type("result", result, SimResult, "a SimResult (see sikernel.eye.timesim.simulate)")
    if result.eye_hist.size == 0 or result.eye_hist.sum() == 0:
        raise SIKernelError("result has no eye histogram: run simulate(..., eye_symbols=N) with N > 0")
    fig, ax = new_axes(ax)
    hist = result.eye_hist.astype(float)
    dens = hist / hist.sum(axis=1, keepdims=True).clip(min=1.0)
    img = np.log10(np.where(dens > 0, dens, np.nan)).T
    mesh = ax.pcolormesh(result.eye_t_ui, result.eye_v * 1e3, img, shading="nearest", cmap="inferno")
    fig.colorbar(mesh, ax=ax, label="log10 probability per bin")
    for t in result.thresholds_v:
        ax.axhline(t * 1e3, color="c", lw=0.6, ls="--")
    ax.set_facecolor("black")
    ax.set_xlabel("time from sampling instant (UI)")
    ax.set_ylabel("voltage (mV)")
    n_eye = result.inputs.get("eye_symbols", "")
    ax.set_title(f"simulated eye ({n_eye} symbols); counted SER {result.ser:.2e}", fontsize=9)
    return fig


def com_breakdown(result: ComResult, *, ax: Axes | None = None) -> Figure:
    """COM breakdown: signal amplitude A_s against noise + interference A_ni and its sigma terms.

    ``COM = 20 log10(A_s / A_ni)`` (IEEE 802.3 93A-1).  The bars show, in mV, the
    worst package case's ``A_s``, ``A_ni`` and the standard deviations that build
    the noise PMF (``sigma_tx``, ``sigma_isi``, ``sigma_j``, ``sigma_xt``,
    ``sigma_n``; 93A-31 to 93A-35), plus the value of every package case.

    Parameters
    ----------
    result : ComResult
        From :func:`sikernel.com`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..eye.com import ComResult

    check_type("result", result, ComResult, "a ComResult (see sikernel.com)")
    names = ["A_s", "A_ni"]
    vals = [result.a_s, result.a_ni]
    colors = ["C2", "C3"]
    for k, label in _SIGMA_LABELS.items():
        if k in result.sigma:
            names.append(label)
            vals.append(float(result.sigma[k]))
            colors.append("C0")
    fig, ax = new_axes(ax)
    y = np.arange(len(names))[::-1]
    ax.barh(y, np.asarray(vals) * 1e3, color=colors)
    ax.set_yticks(y, names)
    for yi, v in zip(y, vals, strict=True):
        ax.text(v * 1e3, yi, f" {v * 1e3:.2f}", va="center", fontsize=8)
    ax.set_xlabel("amplitude (mV)")
    verdict = "pass" if result.passed else "fail"
    cases = "; ".join(f"z_p={c.z_p_m[0] * 1e3:g}/{c.z_p_m[1] * 1e3:g} mm: {c.com_db:.2f} dB"
                      for c in result.cases)
    ax.set_title(f"{result.channel or 'channel'}: COM {result.com_db:.2f} dB ({verdict}, "
                 f"{result.preset.get('name', '')})\n{cases}", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    ax.margins(x=0.15)
    return fig


__all__ = ["bathtub", "com_breakdown", "eye_density", "stat_eye"]
