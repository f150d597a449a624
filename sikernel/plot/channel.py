"""Insertion loss vs frequency with the IEEE 802.3 fitted loss (FIT) and its deviation (ILD)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SIKernelError
from ._common import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..channel.core import Channel


def insertion_loss(channel: Channel | str | os.PathLike | Any | Sequence[Any], *,
                   baud: float | None = None, fit: bool = True,
                   f_max_hz: float | None = None, ax: Axes | None = None) -> Figure:
    """Insertion loss ``-20 log10 |SDD21|`` vs frequency, with FIT and ILD.

    The fitted loss ``a0 + a1 sqrt(f) + a2 f + a4 f^2`` and the deviation
    ``ILD = IL - FIT`` come from :func:`sikernel.channel.metrics.fitted_il`
    (IEEE 802.3 fitted insertion loss, |SDD21|-weighted as in the COM reference
    code); the ILD is drawn on a second y-axis.

    Parameters
    ----------
    channel : Channel, Touchstone path, skrf.Network or a sequence of them
        One or more channels (paths and Networks read by
        :func:`~sikernel.channel.touchstone.as_channel`) (each drawn as one curve, labelled with its name).
    baud : float, optional
        Signalling rate in Bd: marks the Nyquist frequency ``baud / 2`` and the
        loss there, and ends the fit band at ``min(baud, f_max_hz)``.
    fit : bool
        Draw FIT (dashed) and ILD (right axis).  With several channels only the
        first one's FIT and ILD are drawn, to keep the figure readable.
    f_max_hz : float, optional
        Highest frequency shown and fitted, Hz (default: the grid's end).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a channel (or a sequence of them), a bad ``baud`` or ``f_max_hz``.
    """
    from .. import _validate
    from ..channel.core import Channel
    from ..channel.metrics import fitted_il
    from ..channel.touchstone import _is_network, as_channel

    one = isinstance(channel, Channel | str | os.PathLike) or _is_network(channel)
    chans = [channel] if one else channel
    if not isinstance(chans, Sequence) or not chans:
        raise SIKernelError(f"channel={type(channel).__name__} must be a Channel, a Touchstone path, an "
                            "skrf.Network or a non-empty sequence of them")
    chans = [as_channel(c, "channel") for c in chans]
    fb = None if baud is None else _validate.symbol_rate("baud", baud)   # GBd given as Bd named
    f_hi = None if f_max_hz is None else _validate.positive("f_max_hz", f_max_hz)
    if f_hi is not None:   # new-user trial 29: f_max_hz=40
        _validate.frequency_not_ghz("f_max_hz", f_hi)
    labels = [ch.name or f"channel {i + 1}" for i, ch in enumerate(chans)]
    # two curves never share a legend entry (new-user trial 29: a renormalised copy carried its
    # original's name): a repeated name gets its position in the list
    repeated = {lab for lab in labels if labels.count(lab) > 1}
    unique: list[str] = []
    for i, lab in enumerate(labels):
        new = f"{lab} [{i + 1}]" if lab in repeated else lab
        while new in unique or (new != lab and new in labels):   # e.g. names "a", "a", "a [2]"
            new += "'"
        unique.append(new)
    labels = unique
    fig, ax = new_axes(ax)
    for i, ch in enumerate(chans):
        sel = ch.f <= (f_hi if f_hi is not None else np.inf)
        if sel.sum() < 2:
            raise SIKernelError(f"f_max_hz={f_max_hz!r} leaves fewer than 2 points of {ch.name!r}")
        f_ghz = ch.f[sel] * 1e-9
        (line,) = ax.plot(f_ghz, ch.il_db()[sel], label=labels[i])
        if fb is not None and ch.f[0] <= fb / 2 <= ch.f[-1]:
            il_n = float(ch.il_db(fb / 2))
            ax.plot([fb / 2e9], [il_n], "o", color=line.get_color())
            ax.annotate(f"{il_n:.1f} dB", (fb / 2e9, il_n), xytext=(5, -12),
                        textcoords="offset points", fontsize=8, color=line.get_color())
        if fit and i == 0:
            top = float(ch.f[sel][-1])
            if fb is not None:
                top = min(top, fb)
            res = fitted_il(ch, f_max_hz=top)
            ax.plot(res.f_hz * 1e-9, res.fit_db, "--", color=line.get_color(), lw=1,
                    label=f"FIT ({labels[0]})")
            ax2 = ax.twinx()
            ax2.plot(res.f_hz * 1e-9, res.ild_db, color="0.45", lw=0.8, label=f"ILD ({labels[0]})")
            ax2.axhline(0.0, color="0.7", lw=0.5)
            # with several channels the ILD is the first one's: the axis says whose (trial 31 L11)
            ax2.set_ylabel("ILD (dB)" if len(chans) == 1 else f"ILD of {labels[0]} (dB)", color="0.35")
            lim = max(1.0, 2.0 * float(np.percentile(np.abs(res.ild_db), 98)))
            ax2.set_ylim(-lim, lim)
    if fb is not None:
        ax.axvline(fb / 2e9, color="0.6", ls=":", lw=1)
        ax.text(fb / 2e9, 0.02, " Nyquist", transform=ax.get_xaxis_transform(), fontsize=8, color="0.4")
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("insertion loss (dB)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("insertion loss, fitted loss (FIT) and deviation (ILD)" if fit else "insertion loss")
    return fig


__all__ = ["insertion_loss"]
