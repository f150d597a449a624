"""The optical side of every architecture and the port account (see docs/energy-model.md, section 6).

``standards``      switch generations: node, lane rate, port, BER and FEC per standard
``channels``       host channel per architecture (reach classes), the linear optical path
``architectures``  what stands between the switch die and the fibre, per architecture
``components``     component equations (ring driver, external laser, linear CTLE/VGA)
``assumptions``    every input with its range and source
``modules``        line-side DSP fitted on published module powers; published figures
``account``        the port account (W per lane / port / switch, pJ/bit) by block
``uncertainty``    seeded vectorised Monte Carlo, p10/p90
``result``, ``h5`` the study's result type, JSON and HDF5
"""

from __future__ import annotations

from .account import PortModel, port_w_vs_host_loss
from .architectures import ARCH_NAMES, ARCHITECTURES, get_architecture
from .channels import DEFAULT_PATHS, PathSpec, paths_with_lengths
from .result import StudyResult
from .standards import GENERATIONS, Generation, generation

__all__ = ["ARCHITECTURES", "ARCH_NAMES", "DEFAULT_PATHS", "GENERATIONS", "Generation", "PathSpec",
           "PortModel", "StudyResult", "generation", "get_architecture", "paths_with_lengths",
           "port_w_vs_host_loss"]
