"""Frequency domain: materials, lines, lumped elements, 2-port algebra, Touchstone I/O,
link topologies and loss metrics."""

from .core import Channel
from .lines import Microstrip, Stripline
from .link import Link
from .materials import get_dielectric, get_roughness
from .package import PACKAGES, package_channel
from .parametric import ParametricLine

__all__ = [
    "PACKAGES",
    "Channel",
    "Link",
    "Microstrip",
    "ParametricLine",
    "Stripline",
    "get_dielectric",
    "get_roughness",
    "package_channel",
]
