"""Shared helpers of :mod:`sikernel.plot`: lazy matplotlib, axes creation, type checks.

Matplotlib is an optional dependency (``pip install sikernel[plot]``); it is
imported here, inside functions, never when ``sikernel`` is imported.  Figures
are created with :class:`matplotlib.figure.Figure` (not ``pyplot``), so no global
figure registry grows in loops and no GUI backend is needed: save them with
``fig.savefig(...)``; Jupyter displays a returned figure as the cell result.
"""

from __future__ import annotations

from typing import Any

from ..errors import SIKernelError

#: default figure size (inches) of a single-axes figure
FIGSIZE = (6.4, 4.0)


def require_matplotlib() -> Any:
    """Import and return :mod:`matplotlib`; raise :class:`SIKernelError` with the fix if absent."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extra
        raise SIKernelError("sikernel.plot needs matplotlib: pip install 'sikernel[plot]'") from exc
    return matplotlib


def new_axes(ax: Any = None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Any, Any]:
    """Return ``(figure, axes)``: the given axes and its figure, or a new one-axes figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.  ``None`` creates a new :class:`~matplotlib.figure.Figure`.
    figsize : tuple of float
        Size in inches of a new figure.

    Returns
    -------
    (Figure, Axes)
    """
    require_matplotlib()
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise SIKernelError(f"ax={ax!r} is not a matplotlib Axes; pass one or leave it None")
    return ax.get_figure(root=True), ax


def check_type(name: str, value: Any, cls: type | tuple[type, ...], hint: str) -> None:
    """Raise :class:`SIKernelError` unless ``value`` is an instance of ``cls``."""
    if not isinstance(value, cls):
        raise SIKernelError(f"{name}={type(value).__name__} is not {hint}")


def ber_label(ber: float) -> str:
    """``1e-06`` -> ``"1e-6"`` (compact BER labels for contours and legends)."""
    mant, exp = f"{ber:.0e}".split("e")
    return f"{mant}e{int(exp)}" if mant != "1" else f"1e{int(exp)}"
