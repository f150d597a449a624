"""Frequency domain: materials, lines, lumped elements, 2-port algebra, Touchstone I/O,
link topologies and loss metrics."""

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
