"""Equalisers: transmitter and receiver filters (TX FFE, CTLE, RX AFE, RX FFE, DFE) and
their optimisers (MMSE, zero-forcing; the COM grid search lives in :mod:`sikernel.eq.grid`).

Submodules are imported lazily so that ``import sikernel.eq`` stays light.  Public
names never equal a submodule's name (``sikernel.eq.mmse`` is the module; its solver
is exported here as ``solve_mmse``, the DFE as ``apply_dfe``).
"""

import lazy_loader as _lazy

# the names and their modules are listed once, in __init__.pyi
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
