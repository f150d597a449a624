"""sikernel: SerDes signal integrity, from channel loss to eye closure to picojoules per bit.

The public API is re-exported here lazily: ``import sikernel`` loads neither
Numba kernels nor h5py, matplotlib, dask or scikit-rf; each name is imported
from its module on first use.  See ``sikernel.__all__`` for the list.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import SIKernelError, SIKernelWarning

__version__ = "0.1.0"

# public name -> module that defines it (one line per name; keep sorted by module)
_LAZY: dict[str, str] = {
    "Channel": "sikernel.channel.core",
    "get_dielectric": "sikernel.channel.materials",
    "get_roughness": "sikernel.channel.materials",
    "Stripline": "sikernel.channel.lines",
    "Microstrip": "sikernel.channel.lines",
    "ParametricLine": "sikernel.channel.parametric",
    "package_channel": "sikernel.channel.package",
    "PACKAGES": "sikernel.channel.package",
    "Link": "sikernel.channel.link",
    "stripline_channels": "sikernel.channel.batch",
    "extrapolate_dc": "sikernel.channel.dc",
    "read_touchstone": "sikernel.channel.touchstone",
    "scale_length": "sikernel.channel.scaling",
    "il_at_nyquist": "sikernel.channel.metrics",
    "fitted_il": "sikernel.channel.metrics",
    "fom_ild": "sikernel.channel.metrics",
    "cascade": "sikernel.channel.twoport",
    "impulse_response": "sikernel.response",
    "pulse_response": "sikernel.response",
    "step_response": "sikernel.response",
    "run_sweep": "sikernel.sweep",
    "com": "sikernel.eye.com",
    "peak_distortion_eye": "sikernel.eye.peak",
    "stat_eye": "sikernel.eye.stateye",
    "eye_closure": "sikernel.eye.closure",
    "simulate": "sikernel.eye.timesim",
    "energy_per_bit": "sikernel.power.api",
    "energy_per_bit_batch": "sikernel.power.batch",
    "run_study": "sikernel.study",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'sikernel' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["SIKernelError", "SIKernelWarning", "__version__", *_LAZY]
