"""Eye closure: peak-distortion eye, statistical eye (BER maps), bit-by-bit simulation, COM.

Submodules are imported lazily so that ``import sikernel.eye`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "PeakEyeResult": "sikernel.eye.peak",
    "peak_distortion_eye": "sikernel.eye.peak",
    "StatEyeResult": "sikernel.eye.stateye",
    "stat_eye": "sikernel.eye.stateye",
    "ClosureResult": "sikernel.eye.closure",
    "eye_closure": "sikernel.eye.closure",
    "eye_closure_db": "sikernel.eye.closure",
    "SimResult": "sikernel.eye.timesim",
    "simulate": "sikernel.eye.timesim",
    "prbs": "sikernel.eye.timesim",
    "prqs": "sikernel.eye.timesim",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'sikernel.eye' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
