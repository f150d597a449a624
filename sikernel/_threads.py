"""One pool of Python threads for the serial, GIL-releasing kernels.

The COM's pulse stage and the FOM grid run a few serial Numba kernels (``nogil=True``,
:mod:`sikernel._jit`) side by side on Python threads.  They are called thousands of times
per study (3192 FOM grids in a warm ``sikernel study``), and a fresh
:class:`~concurrent.futures.ThreadPoolExecutor` per call costs about 0.45 ms more than
reusing one (start and join of its threads; measured on 2 shared cores: 0.55 against
0.10 ms for 8 trivial jobs on 2 threads), ≈ 1.4 s of a 45 s warm study.  So the pools live
here, one per thread count, created on first use and reused.

Rules that keep a shared pool safe:

* **fork**: a pool's threads do not survive ``os.fork`` (dask's and multiprocessing's
  fork start method), and an executor that believes it has them would hang; a forked child
  starts with no pool and a fresh lock (``os.register_at_fork``).
* **nesting**: a job that itself maps on the pool would wait for workers that are all
  waiting; a call from one of the pool's own threads runs its jobs in order instead.
* **results**: every job writes its own outputs, so the result is the same whatever the
  thread count (the callers' tests compare one and two threads bit for bit); the first
  exception a job raises is raised to the caller, as ``Executor.map`` does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

_LOCK = threading.Lock()
_POOLS: dict[int, ThreadPoolExecutor] = {}
_WORKER = threading.local()


def _mark_worker() -> None:
    _WORKER.in_pool = True


def _reset_after_fork() -> None:
    """In a forked child: a fresh lock (a parent thread may have held the old one at the fork)
    and no pools (their threads stayed in the parent)."""
    global _LOCK
    _LOCK = threading.Lock()
    _POOLS.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_reset_after_fork)


def _pool(n_threads: int) -> ThreadPoolExecutor:
    """The shared pool of ``n_threads`` threads of this process."""
    with _LOCK:
        pool = _POOLS.get(n_threads)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="sikernel-kernel",
                                      initializer=_mark_worker)
            _POOLS[n_threads] = pool
        return pool


def map_on_threads(fn: Callable[[object], object], jobs: Iterable[object], n_threads: int) -> None:
    """Call ``fn(job)`` for every job, on up to ``n_threads`` threads of a shared pool.

    Parameters
    ----------
    fn : callable
        Called once per job; its return value is discarded (each job writes its own
        outputs).
    jobs : iterable
        The jobs, in order.
    n_threads : int
        Most threads to use; ``<= 1``, a single job or a call from a pool thread runs the
        jobs in order on the calling thread.
    """
    jobs = list(jobs)
    n = min(int(n_threads), len(jobs))
    if n <= 1 or getattr(_WORKER, "in_pool", False):
        for job in jobs:
            fn(job)
        return
    list(_pool(n).map(fn, jobs))
