"""Pulse response with its UI-spaced cursors marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._common import check_type, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..response import PulseResponse


def pulse_response(pulse: PulseResponse, *, n_pre: int = 3, n_post: int = 12, phase: str | int = "peak",
                   ax: Axes | None = None) -> Figure:
    """Pulse response against time in UI, cursors ``h_k = p(t0 + k T)`` marked.

    Parameters
    ----------
    pulse : PulseResponse
        From :func:`sikernel.pulse_response` (or any PulseResponse).
    n_pre, n_post : int
        Pre- and post-cursors marked (>= 0); the time axis spans them plus one UI.
    phase : str or int
        Main-cursor sampling instant t0, see
        :meth:`sikernel.response.PulseResponse.sampling_index` ("peak", "mm", "max_eye", index).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SIKernelError
        Not a PulseResponse; bad ``n_pre``, ``n_post`` or ``phase``.
    """
    from ..response import PulseResponse

    check_type("pulse", pulse, PulseResponse, "a PulseResponse (see sikernel.pulse_response)")
    h = pulse.cursors(n_pre, n_post, phase)  # validates n_pre, n_post, phase
    i0 = pulse.sampling_index(phase)
    m = pulse.samples_per_ui
    t_ui = (np.arange(pulse.v.size) - i0) / m
    sel = (t_ui >= -n_pre - 1) & (t_ui <= n_post + 1)
    fig, ax = new_axes(ax)
    ax.plot(t_ui[sel], pulse.v[sel], lw=1.2, label="pulse response")
    k = np.arange(-n_pre, n_post + 1)
    ax.vlines(k, 0.0, h, color="C1", lw=0.8)
    ax.plot(k, h, "o", color="C1", ms=4, label="cursors $h_k$")
    ax.plot([0], [h[n_pre]], "s", color="C3", ms=6, label=f"main cursor $h_0$ = {h[n_pre]:.3g}")
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(f"time from t0 (UI = {pulse.ui_s * 1e12:.2f} ps)")
    # V per V of symbol amplitude only at the default 1 V (new-user trial 31 M1: read 2.4x off at 0.413 V)
    amp_v = float(pulse.meta.get("amplitude_v", 1.0)) if isinstance(pulse.meta, dict) else 1.0
    ax.set_ylabel("amplitude (V per V of symbol amplitude)" if amp_v == 1.0
                  else f"amplitude (V, for a {amp_v:.4g} V symbol)")
    ax.set_title(f"pulse response, {pulse.modulation.upper()} at {pulse.baud * 1e-9:.4g} GBd")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return fig


__all__ = ["pulse_response"]
