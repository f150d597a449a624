"""sikernel: SerDes signal integrity, from channel loss to eye closure to picojoules per bit.

The public API is loaded lazily, following SPEC 1
(https://scientific-python.org/specs/spec-0001/): the names and the modules they
come from are listed once, in the type stub ``sikernel/__init__.pyi``, which type
checkers read and ``lazy_loader.attach_stub`` turns into a module ``__getattr__``.
``import sikernel`` therefore loads neither Numba kernels nor h5py, matplotlib,
dask or scikit-rf; each name is imported from its module on first use.  See
``sikernel.__all__`` for the list.
"""

import lazy_loader as _lazy

__version__ = "0.1.0"

__getattr__, _lazy_dir, __all__ = _lazy.attach_stub(__name__, __file__)
__all__ = sorted({*__all__, "__version__"})


def __dir__() -> list[str]:
    return sorted({*_lazy_dir(), "__version__"})
