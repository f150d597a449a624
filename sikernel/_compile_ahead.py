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

``sikernel study`` does the same with :data:`STUDY_TAIL` (:func:`start_study_tail`, called when
the study starts): with an empty cache its critical path compiles the FOM grid kernel first (the
SI chain's TX FFE x CTLE search) and then the statistical-eye kernels of the first port's eye
figure, the MMSE solver and the exact FOM; the child compiles the eye kernels (about 7 s of the
study's 21 s of compilation on 2 cores) and the two solvers while the study compiles and runs its
first grid searches: the first run took 65 s with every kernel compiled in-process and 53-58 s
with the child (empty Numba cache, shipped tables, 2 shared cores; warm 44-47 s, December 2026;
the README's performance table has the benchmark, ``bench_study.py``).
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

#: kernel module -> kernel name -> Numba signature used by ``sikernel study`` and compiled ahead
#: (in this order: the eye kernels first, needed by the first port's eye; the solvers after)
STUDY_TAIL: dict[str, dict[str, str]] = {
    "sikernel._kernels.stateye": {
        "conditional_pmfs": "(float64[:, ::1], float64[::1], float64[::1], float64[::1], float64[::1], "
                            "int64, float64, float64, float64[:, :, ::1])",
        "eye_openings": "(float64[:, ::1], float64[:, ::1], float64, float64[:, ::1], float64[:, ::1])",
        "ber_map": "(float64[:, :, ::1], float64[:, ::1], float64, float64, float64[:, ::1])",
    },
    "sikernel._kernels.eq": {
        "mmse_one": "(float64[:], int64, int64, int64, int64, float64[::1], float64[::1], float64[::1], "
                    "float64[::1], float64, float64, float64, int64, float64[::1], float64[::1], "
                    "boolean[::1])",
    },
    "sikernel._kernels.com": {
        "fom_direct": "(float64[::1], float64[:, ::1], boolean[::1], int64[::1], float64[::1], int64, "
                      "float64[::1], float64[::1], float64[::1], float64, float64, float64, float64, "
                      "float64, float64, float64[::1])",
    },
}
#: tail name -> its kernels (the last one's cache index marks a finished child)
TAILS: dict[str, dict[str, dict[str, str]]] = {"com": COM_TAIL, "study": STUDY_TAIL}

_started: set[str] = set()
_children: dict[str, subprocess.Popen] = {}


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
    return _start("com")


def start_study_tail() -> bool:
    """Start the background compile of :data:`STUDY_TAIL` if the cache has not got it yet.

    Returns
    -------
    bool
        Whether a child process was started.
    """
    return _start("study")


def _last_kernel(tail: str):
    """The dispatcher of the last kernel of ``tail`` (the child compiles it last)."""
    import importlib

    module, kernels = list(TAILS[tail].items())[-1]
    return getattr(importlib.import_module(module), list(kernels)[-1])


def _start(tail: str) -> bool:
    """Start a child compiling the kernels of ``TAILS[tail]``, once per process and tail."""
    if tail in _started or not _enabled():
        return False
    _started.add(tail)
    try:  # the last kernel the child compiles: its index exists once a child has finished
        index = _last_kernel(tail)._cache._cache_file._index_path  # Numba's FunctionCache
    except AttributeError:  # another Numba layout: do nothing
        return False
    if os.path.exists(index):
        return False
    # the child imports this very sikernel (a checkout put on sys.path at run time included)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    try:
        _children[tail] = subprocess.Popen(
            [sys.executable, "-c", f"from sikernel._compile_ahead import _compile; _compile({tail!r})"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
            env=env)
    except OSError:  # no usable interpreter (embedded Python): compile in-process as before
        return False
    if len(_children) == 1:  # the first child of this process: one hook serves every child
        atexit.register(_let_child_outlive)
    return True


def _let_child_outlive() -> None:
    """At interpreter exit, let a still-compiling child go on by design (it only writes the cache
    and exits when done): silence the interpreter's "subprocess N is still running"
    ResourceWarning for those processes, which it would otherwise print when the ``Popen``
    objects are collected at shutdown."""
    for child in _children.values():
        if child.poll() is None:
            warnings.filterwarnings("ignore", message=rf"subprocess {child.pid} is still running",
                                    category=ResourceWarning)


def wait_com_tail(timeout_s: float | None = None) -> bool:
    """Wait until the background compile of :data:`COM_TAIL` started by this process (if any) has exited.

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
    return _wait("com", timeout_s)


def _wait(tail: str, timeout_s: float | None) -> bool:
    """Wait for the child of ``tail`` (see :func:`wait_com_tail`)."""
    child = _children.get(tail)
    if child is None:
        return True
    try:
        child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False
    return True


def _compile(tail: str = "com") -> None:
    """Child process: compile every kernel of ``TAILS[tail]`` in order (cached on disk)."""
    import importlib

    from numba.core import sigutils

    try:
        os.nice(5)
    except (AttributeError, OSError):  # no os.nice on Windows
        pass
    for module, kernels in TAILS[tail].items():
        mod = importlib.import_module(module)
        for name, sig in kernels.items():
            # a tuple of types, as the dispatcher passes it: Numba's cache index is keyed on
            # the object given to compile(), and a string would never match
            args, _ = sigutils.normalize_signature(sig)
            getattr(mod, name).compile(tuple(args))


__all__ = ["COM_TAIL", "STUDY_TAIL", "TAILS", "start_com_tail", "start_study_tail", "wait_com_tail"]
