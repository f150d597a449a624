"""Bottom-up SerDes energy model: technology presets, block powers, SI-driven operating
point, architecture choice, calibration.  Entry point: :func:`energy_per_bit`."""

from __future__ import annotations

from .api import EnergyBreakdown, energy_per_bit

__all__ = ["EnergyBreakdown", "energy_per_bit"]
