"""The single place that sets Numba compilation options.

Every compiled kernel in :mod:`sikernel._kernels` is decorated with
:func:`kernel` (serial) or :func:`parallel_kernel` (one ``prange`` driver per
batch).  No kernel hard-codes ``fastmath=``, ``parallel=`` or ``cache=``.

Options
-------
``cache=True``
    compiled machine code is cached on disk next to the module, so the compile
    cost is paid once per machine (measured in ``benches/bench_coldstart.py``).
``fastmath``
    a conservative flag set: contraction, reciprocal and approximate functions,
    no-signed-zeros.  ``nnan``/``ninf`` are deliberately *not* set, so that NaN
    checks inside kernels keep working and bad values propagate visibly.
    Reassociation is *not* enabled either, so reductions are bit-reproducible
    whatever the thread count (the sweep engine relies on that).
``nogil=True``
    kernels release the GIL, so threads (e.g. dask workers) can overlap them.

Set ``SIKERNEL_NUMBA_CACHE=0`` to disable the on-disk cache (e.g. on a
read-only install).

Start-up cost
-------------
Numba runs every installed ``numba_extensions`` entry point on its first compile
or cache load.  rocket-fft's (which makes ``numpy.fft`` usable in kernels) imports
``scipy.fft`` to register SciPy overloads as well, which costs 0.3-0.5 s in a
fresh process (measured on 2 shared cores) though no kernel here calls
``scipy.fft``.  So, unless ``scipy.fft`` is already imported (then nothing
changes), this module imports rocket-fft once with ``scipy.fft`` hidden: the
``numpy.fft`` overloads are registered, the ``scipy.fft`` ones are not.  A user
whose own Numba code calls ``scipy.fft`` and who imports it only later can
register them with ``import rocket_fft._scipy_fft`` (or set
``SIKERNEL_ROCKET_FFT_SCIPY=1``).

Numba's first compile or cache load also imports ``numba.np.arraymath``, whose BLAS
probe imports the whole ``scipy.linalg`` package (0.13-0.16 s) though no COM kernel calls
BLAS; :func:`_load_numba_arraymath` imports that module with a probe that only checks that
``scipy.linalg`` is installed (same answer); kernels using ``np.dot`` / ``np.linalg`` still
compile and run as before.  With an empty cache, the first COM and the first study also
compile part of their kernels in a child process (:mod:`sikernel._compile_ahead`).

Loading a kernel from the cache does not need Numba's compiler set-up: Numba's
``Cache.load_overload`` starts with a full ``target_context.refresh()`` (it imports and
installs every typing and lowering registry, 0.1-0.2 s of a fresh process's first cache
load, measured on 2 shared cores), which only a compile uses (a compile still does that
refresh itself, in ``CompilerBase``).  A cached kernel needs the LLVM symbols its machine
code links to; :func:`_link_runtime` registers them (see there).  So sikernel's kernels
carry a :class:`_KernelCache` that loads without the refresh and, on a miss, leaves the
compile exactly as before.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

import numba
from numba.core.caching import FunctionCache

_FASTMATH = frozenset({"contract", "arcp", "afn", "nsz"})
_CACHE = os.environ.get("SIKERNEL_NUMBA_CACHE", "1") != "0"


def _load_rocket_fft() -> None:
    """Register rocket-fft's ``numpy.fft`` overloads without importing ``scipy.fft``."""
    if "rocket_fft" in sys.modules:
        return
    if "scipy.fft" in sys.modules or os.environ.get("SIKERNEL_ROCKET_FFT_SCIPY", "0") == "1":
        import rocket_fft
        return
    sys.modules["scipy.fft"] = None  # type: ignore[assignment]  # makes `import scipy.fft` fail
    try:
        import rocket_fft  # noqa: F401
    finally:
        if sys.modules.get("scipy.fft", 0) is None:
            del sys.modules["scipy.fft"]


_load_rocket_fft()


def _load_numba_arraymath() -> None:
    """Import ``numba.np.arraymath`` without importing ``scipy.linalg``.

    That module probes for BLAS when it is imported (on every first compile or cache
    load) by importing ``scipy.linalg.cython_blas``, i.e. the whole ``scipy.linalg``
    package: 0.13-0.16 s of a fresh process (measured, ``python -X importtime``), though
    a COM loaded from the cache calls no BLAS.  Here the probe only checks that
    ``scipy.linalg`` is installed and that its LAPACK integer width matches Numba's
    (Numba's own guard); the answer it records, ``_HAVE_BLAS``, is the same.  Numba's
    real ``ensure_blas`` still runs, unchanged, when a kernel using ``np.dot``,
    ``np.linalg`` etc. is compiled, and the compiled code imports ``cython_blas`` when it
    first calls BLAS.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    try:
        from numba.np import linalg as numba_linalg
        real_ensure_blas = numba_linalg.ensure_blas
        check_int_width = numba_linalg._check_lapack_int_width
    except (ImportError, AttributeError):  # another Numba layout: leave it alone
        return

    def ensure_blas_installed() -> None:
        if importlib.util.find_spec("scipy.linalg") is None:  # imports `scipy` only
            raise ImportError("scipy 0.16+ is required for linear algebra")
        check_int_width()

    numba_linalg.ensure_blas = ensure_blas_installed
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        numba_linalg.ensure_blas = real_ensure_blas


_load_numba_arraymath()


def _link_runtime(target_context: Any) -> None:
    """Register every LLVM symbol a cached kernel's machine code may link to, without the
    context refresh (Numba 0.68; the ``ll.add_symbol`` / ``load_library_permanently`` calls
    of Numba are these):

    * Numba's C helpers, ``Py_None`` and the exception objects: done when the CPU context is
      built (``numba.core.base._load_global_helpers``), the C math functions by its ``init``
      (``externals.c_math_functions``);
    * the NRT (``NRT_MemInfo_alloc`` ...): :meth:`rtsys.initialize` (what the refresh's
      first step, ``CPUContext.load_additional_registries``, does for a load);
    * the hash secret (``_numba_hashsecret_*``): importing ``numba.cpython.hashing``;
    * the threading layer of ``parallel=True`` kernels: the cached result's own
      ``reload_init`` (``_reload_parfors``), run by Numba when it rebuilds the kernel;
    * rocket-fft's DUCC0 library: loaded when rocket-fft is imported, above.
    """
    import numba.cpython.hashing  # noqa: F401
    from numba.core.runtime import rtsys

    rtsys.initialize(target_context)


class _KernelCache(FunctionCache):
    """Numba's on-disk ``FunctionCache``, loading without the compiler's context refresh
    (:func:`_link_runtime` instead).  What is cached, where, and when it is saved are
    Numba's own; a miss returns None and the dispatcher compiles as it would anyway."""

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        try:
            _link_runtime(target_context)
            guard, load = self._guard_against_spurious_io_errors, self._load_overload
        except (AttributeError, ImportError):  # another Numba layout: Numba's own load
            return super().load_overload(sig, target_context)
        with guard():
            return load(sig, target_context)


#: Numba (major, minor) releases whose symbol registration :func:`_link_runtime` was checked
#: against (every ``ll.add_symbol`` / ``load_library_permanently`` of the release).  A symbol
#: that a later release registers only during the context refresh would make a cached kernel
#: fail to link inside LLVM, which ends the process instead of raising, so the fallback of
#: :class:`_KernelCache` could not catch it: other releases get Numba's own ``FunctionCache``.
TESTED_NUMBA_RELEASES = frozenset({(0, 68)})


def _cache_class(numba_version: str | None = None) -> type:
    """The cache of a kernel: :class:`_KernelCache` on a tested Numba release, else Numba's own."""
    parts = (numba_version or numba.__version__).split(".")
    try:
        release = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        return FunctionCache
    return _KernelCache if release in TESTED_NUMBA_RELEASES else FunctionCache


def _cached(disp: Any) -> Any:
    """Give a dispatcher compiled with ``cache=False`` the on-disk cache (when it is on)."""
    if _CACHE and hasattr(disp, "py_func"):  # not a plain function (NUMBA_DISABLE_JIT=1)
        disp._cache = _cache_class()(disp.py_func)
    return disp


def options(*, parallel: bool = False) -> dict[str, Any]:
    """Return the Numba ``njit`` keyword options used by every sikernel kernel.

    Parameters
    ----------
    parallel : bool
        Compile with ``parallel=True`` (only for the one ``prange`` driver of a batch).
    """
    return {
        "cache": _CACHE,
        "nogil": True,
        "fastmath": set(_FASTMATH),
        "parallel": parallel,
        "error_model": "numpy",
    }


def _decorator(parallel: bool) -> Callable:
    # cache=False here: _cached gives the dispatcher the cache (Numba's own would be built
    # first and then replaced)
    njit = numba.njit(**{**options(parallel=parallel), "cache": False})
    return lambda fn: _cached(njit(fn))


def kernel(fn: Callable | None = None, /) -> Callable:
    """Decorate a serial Numba kernel with the project-wide options."""
    dec = _decorator(False)
    return dec if fn is None else dec(fn)


def parallel_kernel(fn: Callable | None = None, /) -> Callable:
    """Decorate a ``prange`` batch driver with the project-wide options (parallel)."""
    dec = _decorator(True)
    return dec if fn is None else dec(fn)


def thread_count() -> int:
    """Numba's thread count, ``numba.get_num_threads()``, without starting its threading layer
    to ask.

    ``numba.get_num_threads()`` first launches the threading layer (OpenMP/TBB/workqueue
    library and its worker threads: 30-100 ms of a fresh process, measured on 2 shared
    cores), which a caller that only sizes a pool of Python threads around serial kernels
    (the COM's pulse and FOM stages) does not need.  Until the layer is launched nobody can
    have called ``numba.set_num_threads`` (it launches the layer first), so the count is
    then ``numba.config.NUMBA_NUM_THREADS``, as Numba documents for that case.
    """
    from numba.np.ufunc import parallel

    if getattr(parallel, "_is_initialized", True):
        return int(numba.get_num_threads())
    return int(numba.config.NUMBA_NUM_THREADS)


def set_threads(n_threads: int | None) -> int:
    """Set the number of Numba threads (``None`` keeps the current value); return it."""
    if n_threads is not None:
        numba.set_num_threads(int(n_threads))
    return numba.get_num_threads()


__all__ = ["kernel", "options", "parallel_kernel", "set_threads", "thread_count"]
