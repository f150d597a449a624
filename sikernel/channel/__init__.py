"""Frequency domain: materials, lines, lumped elements, 2-port algebra, Touchstone I/O,
link topologies and loss metrics.

The names below are imported from their modules on first use (PEP 562 module
``__getattr__``), so that e.g. ``from sikernel.channel.touchstone import
read_touchstone`` loads neither the line models (SciPy special functions) nor the
2-port kernels (Numba) it does not call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> submodule that defines it
_WHERE = {
    "PACKAGES": "package",
    "Channel": "core",
    "Link": "link",
    "Microstrip": "lines",
    "ParametricLine": "parametric",
    "Stripline": "lines",
    "extrapolate_dc": "dc",
    "fitted_il": "metrics",
    "fom_ild": "metrics",
    "get_dielectric": "materials",
    "get_roughness": "materials",
    "il_at_nyquist": "metrics",
    "ild": "metrics",
    "package_channel": "package",
    "read_touchstone": "touchstone",
    "scale_length": "scaling",
}

__all__ = [
    "PACKAGES",
    "Channel",
    "Link",
    "Microstrip",
    "ParametricLine",
    "Stripline",
    "extrapolate_dc",
    "fitted_il",
    "fom_ild",
    "get_dielectric",
    "get_roughness",
    "il_at_nyquist",
    "ild",
    "package_channel",
    "read_touchstone",
    "scale_length",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .core import Channel
    from .dc import extrapolate_dc
    from .lines import Microstrip, Stripline
    from .link import Link
    from .materials import get_dielectric, get_roughness
    from .metrics import fitted_il, fom_ild, il_at_nyquist, ild
    from .package import PACKAGES, package_channel
    from .parametric import ParametricLine
    from .scaling import scale_length
    from .touchstone import read_touchstone


def __getattr__(name: str) -> Any:
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
