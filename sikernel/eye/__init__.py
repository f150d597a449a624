"""Eye closure: peak-distortion eye, statistical eye (BER maps), bit-by-bit simulation, COM.

Submodules are imported lazily so that ``import sikernel.eye`` stays light.
"""

import lazy_loader as _lazy

# the names and their modules are listed once, in __init__.pyi
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
