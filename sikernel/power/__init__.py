"""Bottom-up SerDes energy model: technology presets, block powers, SI-driven operating
point, architecture choice, calibration.  Entry point: :func:`energy_per_bit`."""

from __future__ import annotations

from .api import EnergyBreakdown, energy_per_bit
from .batch import EnergyBatch, energy_per_bit_batch
from .calibration import CALIBRATION_POINTS, calibrate
from .coefficients import DEFAULT_COEFFICIENTS, EnergyCoefficients
from .technology import NODES, Technology, get_technology

__all__ = ["CALIBRATION_POINTS", "DEFAULT_COEFFICIENTS", "NODES", "EnergyBatch", "EnergyBreakdown",
           "EnergyCoefficients", "Technology", "calibrate", "energy_per_bit", "energy_per_bit_batch",
           "get_technology"]
