"""Frequency domain: materials, lines, lumped elements, 2-port algebra, Touchstone I/O,
link topologies and loss metrics."""

from .core import Channel

__all__ = ["Channel"]
