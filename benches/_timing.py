"""Wall-clock helper of the benches: the best of ``n`` runs of a call (one copy for every bench)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], n: int = 3, *, warm_up: bool = False) -> float:
    """Best wall time of ``n`` calls of ``fn()`` in seconds (after one untimed call if ``warm_up``).

    Parameters
    ----------
    fn : callable
        The call to time, without arguments.
    n : int, optional
        Timed calls.
    warm_up : bool, optional
        Call ``fn`` once, untimed, first (caches, compilation, page faults).

    Returns
    -------
    float
        The shortest of the ``n`` wall times (s).
    """
    if warm_up:
        fn()
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
