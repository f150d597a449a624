"""Parameter sweeps at scale: declarative grids, compiled batched evaluation, HDF5 store, dask.

>>> from sikernel.sweep import run_sweep                                  # doctest: +SKIP
>>> res = run_sweep({"axes": {"length_m": [0.01, 0.1], "baud": [26.5625e9, 53.125e9]},
...                  "outputs": ["il_nyquist_db", "eye_height_v"]}, "out.h5")
>>> res["il_nyquist_db"].shape                                            # doctest: +SKIP
(2, 2)

Modules: :mod:`~sikernel.sweep.config` (grid definition and validation),
:mod:`~sikernel.sweep.stages` (pipeline stages over one chunk),
:mod:`~sikernel.sweep.engine` (chunking, backends, progress, store);
the file layout is in :mod:`sikernel.store` and ``docs/hdf5-schema.md``.
"""

from __future__ import annotations

from .config import OUTPUTS, PARAMS, SweepConfig, load_config
from .engine import BACKENDS, run_sweep

__all__ = ["BACKENDS", "OUTPUTS", "PARAMS", "SweepConfig", "load_config", "run_sweep"]
