"""Equalisers: transmitter and receiver filters (TX FFE, CTLE, RX AFE, RX FFE, DFE) and
their optimisers (MMSE, zero-forcing; the COM grid search lives in :mod:`sikernel.eq.grid`).

Submodules are imported lazily so that ``import sikernel.eq`` stays light.  Public
names never equal a submodule's name (``sikernel.eq.mmse`` is the module; its solver
is exported here as ``solve_mmse``, the DFE as ``apply_dfe``).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "ctle_from_poles_zeros": "sikernel.eq.filters",
    "ctle_response": "sikernel.eq.filters",
    "ctle_responses": "sikernel.eq.filters",
    "ffe_response": "sikernel.eq.filters",
    "rx_afe_filter": "sikernel.eq.filters",
    "tx_rise_time_filter": "sikernel.eq.filters",
    "apply_ffe": "sikernel.eq.ffe",
    "rx_ffe_cursors": "sikernel.eq.ffe",
    "tx_ffe_taps": "sikernel.eq.ffe",
    "DfeResult": "sikernel.eq.dfe",
    "apply_dfe": "sikernel.eq.dfe",
    "MmseResult": "sikernel.eq.mmse",
    "solve_mmse": "sikernel.eq.mmse",
    "MmseBatchResult": "sikernel.eq.mmse",
    "mmse_batch": "sikernel.eq.mmse",
    "noise_acf_from_psd": "sikernel.eq.mmse",
    "symbol_variance": "sikernel.eq.mmse",
    "ZfResult": "sikernel.eq.zf",
    "zero_forcing": "sikernel.eq.zf",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'sikernel.eq' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = sorted(_LAZY)
