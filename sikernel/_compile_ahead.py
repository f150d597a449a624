"""Compile the tail of the COM kernels in a background process while the first COM runs.

With an empty Numba cache the first :func:`sikernel.com` compiles its kernels one after
the other (Numba holds one compiler lock per process): the two-port and pulse kernels, the
FOM grid (about half the total; the IEEE code's Local Search and the chosen point's FOM
terms run in it too), then the PMF kernels (:mod:`sikernel._kernels.pmf`), 2-3 s of a 12 s
first call (measured on 2 shared cores). Those are not needed until the grid is done, and
the grid's biggest helpers (cursor search, DFE taps, far-end crosstalk: 3-3.5 s) not before
the pulse kernels are done, so :func:`start_com_tail` compiles them, by their explicit
signatures, in a child process that writes them to the same on-disk cache; when the COM
reaches them it loads them from the cache (or, if the child is not done yet, compiles them
itself, as before: the result is the same machine code either way). On a machine with a
second idle core that takes them off the first COM's critical path.

Nothing is started when the cache is off (``SIKERNEL_NUMBA_CACHE=0``), when
``quantile_below`` (the last kernel of :data:`COM_TAIL`) already has a cache index (warm
cache, or a child has finished),
or when ``SIKERNEL_COMPILE_AHEAD=0``.  The child runs at a lower priority (nice +5),
writes nothing but the cache and exits when done; the COM does not wait for it.
:func:`wait_com_tail` does (a benchmark that times cache-warm runs after an empty-cache
one calls it, so that the child's compiling never overlaps them).
:data:`COM_TAIL` must name the signatures the COM really uses
(``tests/test_compile_ahead.py`` checks them against a COM run).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import warnings

#: kernel module -> kernel name -> Numba signature (argument types) used by ``com()``
COM_TAIL: dict[str, dict[str, str]] = {
    "sikernel._kernels.com": {
        # helpers of fom_grid as well: compiled here first, the grid's compile loads them
        "_cursor": "(float64[:, ::1], float64[::1], int64, float64, float64, boolean, float64, float64[::1])",
        "dfe_taps": "(float64[::1], int64, float64, float64[::1], float64[::1], float64[::1], float64[::1])",
        "_far_xt": "(float64[:, :, ::1], float64[::1], float64[::1], int64[::1], float64)",
    },
    "sikernel._kernels.pmf": {
        "pam_levels": "(int64,)",
        "isi_pmf": "(float64[::1], float64[::1], float64, float64, float64[::1])",
        "gaussian_pmf": "(float64, float64, float64, float64, float64[::1])",
        "convolve_pmf": "(float64[::1], float64[::1], int64, float64[::1])",
        "quantile_below": "(float64[::1], float64, float64, float64)",
    },
}

_started = False
_child: subprocess.Popen | None = None


def _enabled() -> bool:
    from ._jit import _CACHE

    return _CACHE and os.environ.get("SIKERNEL_COMPILE_AHEAD", "1") != "0"


def start_com_tail() -> bool:
    """Start the background compile of :data:`COM_TAIL` if the cache has not got it yet.

    Returns
    -------
    bool
        Whether a child process was started.
    """
    global _started, _child
    if _started or not _enabled():
        return False
    _started = True
    from ._kernels import pmf as _kp

    try:  # the last kernel the child compiles: its index exists once a child has finished
        index = _kp.quantile_below._cache._cache_file._index_path  # Numba's FunctionCache
    except AttributeError:  # another Numba layout: do nothing
        return False
    if os.path.exists(index):
        return False
    # the child imports this very sikernel (a checkout put on sys.path at run time included)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    try:
        _child = subprocess.Popen(
            [sys.executable, "-c", "from sikernel._compile_ahead import _compile; _compile()"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
            env=env)
    except OSError:  # no usable interpreter (embedded Python): compile in-process as before
        return False
    atexit.register(_let_child_outlive)
    return True


def _let_child_outlive() -> None:
    """At interpreter exit, let a still-compiling child go on by design (it only writes the cache
    and exits when done): silence the interpreter's "subprocess N is still running"
    ResourceWarning for that one process, which it would otherwise print when the ``Popen``
    object is collected at shutdown."""
    if _child is not None and _child.poll() is None:
        warnings.filterwarnings("ignore", message=rf"subprocess {_child.pid} is still running",
                                category=ResourceWarning)


def wait_com_tail(timeout_s: float | None = None) -> bool:
    """Wait until the background compile started by this process (if any) has exited.

    Parameters
    ----------
    timeout_s : float, optional
        Give up after this many seconds (default: wait as long as it takes).

    Returns
    -------
    bool
        True when no child is running any more (none was started, or it has exited);
        False when ``timeout_s`` passed first.
    """
    if _child is None:
        return True
    try:
        _child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False
    return True


def _compile() -> None:
    """Child process: compile every kernel of :data:`COM_TAIL` (cached on disk)."""
    import importlib

    from numba.core import sigutils

    try:
        os.nice(5)
    except (AttributeError, OSError):  # no os.nice on Windows
        pass
    for module, kernels in COM_TAIL.items():
        mod = importlib.import_module(module)
        for name, sig in kernels.items():
            # a tuple of types, as the dispatcher passes it: Numba's cache index is keyed on
            # the object given to compile(), and a string would never match
            args, _ = sigutils.normalize_signature(sig)
            getattr(mod, name).compile(tuple(args))


__all__ = ["COM_TAIL", "start_com_tail", "wait_com_tail"]
