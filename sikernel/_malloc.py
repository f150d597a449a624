"""Keep glibc from handing freed heap back to the OS after every NumPy temporary.

The energy model prices a batch of losses with NumPy temporaries of (points x candidate
receivers) doubles, a few MB each.  glibc's default heap trimming returns the top of the heap
to the OS when such a temporary is freed and faults the pages in again for the next one: in a
100 000-point sweep of ``pj_per_bit`` that was 5-7 s of system time out of 10-15 s of wall
time (trial 100 L8; ``strace -c``: 50 000 ``brk`` calls).  Raising the trim threshold and the
top pad (``mallopt``, glibc's documented tunables ``M_TRIM_THRESHOLD`` / ``M_TOP_PAD``, also
settable as the environment variables ``MALLOC_TRIM_THRESHOLD_`` / ``MALLOC_TOP_PAD_``) keeps up
to :data:`TRIM_THRESHOLD_BYTES` of freed heap for reuse.  Measured on the 2-core development
machine, which other work shared (so wall times are noisy): that sweep's system time fell from
5.7-8.2 s to 0.8-2.9 s, its wall time from 10.6-15.2 s to 6.7-10.9 s.

:func:`keep_freed_heap` is called by the ``sikernel`` command (its process is ours), by
:func:`sikernel.run_sweep` (documented there) and in each dask worker by its chunk task; a
program that prices many batches itself may call it, or set the two environment variables.
``SIKERNEL_MALLOC_TUNE=0`` in the environment leaves the allocator alone.  It does nothing
outside glibc (macOS, Windows, musl).  The timings above were measured once (7 December 2026),
not by a benchmark.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

#: freed memory at the top of the heap kept for reuse before it is returned to the OS (bytes)
TRIM_THRESHOLD_BYTES = 256 << 20
#: extra heap requested on each growth (bytes)
TOP_PAD_BYTES = 64 << 20
_M_TRIM_THRESHOLD = -1  # glibc malloc.h
_M_TOP_PAD = -2
_done: list[bool] = []


def keep_freed_heap() -> bool:
    """Raise glibc's heap trim threshold and top pad once per process (see the module docstring).

    Returns
    -------
    bool
        True when the tunables were set (now or by an earlier call); False outside glibc, when
        ``SIKERNEL_MALLOC_TUNE=0``, or when ``mallopt`` refused them.
    """
    if _done:
        return _done[0]
    ok = False
    if os.environ.get("SIKERNEL_MALLOC_TUNE", "1") != "0" and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            mallopt = libc.mallopt
        except (OSError, AttributeError):  # not glibc (musl has no mallopt)
            mallopt = None
        if mallopt is not None:
            mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
            mallopt.restype = ctypes.c_int
            ok = bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) and bool(
                mallopt(_M_TOP_PAD, TOP_PAD_BYTES))
    _done.append(ok)
    return ok
