"""The shared thread pool of the serial kernels (:mod:`sikernel._threads`): same results as a
loop, one pool reused, no deadlock when a job maps again, a working pool after ``fork``."""

from __future__ import annotations

import multiprocessing
import sys
import threading

import numpy as np
import pytest

from sikernel import _threads

HANG_S = 30.0  # a call that has not returned by then is taken as hung


def _fill(out: np.ndarray):
    def job(i: int) -> None:
        out[i] = np.sum(np.sin(np.arange(1000) * (i + 1)))

    return job


def _in_thread(fn) -> bool:
    """Run ``fn`` on a daemon thread; False when it has not returned within HANG_S."""
    done = threading.Event()

    def run() -> None:
        fn()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(HANG_S)


@pytest.mark.parametrize("n_threads", [0, 1, 2, 3])
def test_results_equal_a_loop(n_threads):
    ref = np.empty(17)
    for i in range(17):
        _fill(ref)(i)
    got = np.full(17, np.nan)
    _threads.map_on_threads(_fill(got), range(17), n_threads)
    assert got.tobytes() == ref.tobytes()


def test_one_pool_per_thread_count_is_reused():
    out = np.empty(4)
    _threads.map_on_threads(_fill(out), range(4), 2)
    pool = _threads._POOLS[2]
    names = set()
    _threads.map_on_threads(lambda i: names.add(threading.current_thread().name), range(64), 2)
    assert _threads._POOLS[2] is pool
    assert names and all(n.startswith("sikernel-kernel") for n in names)


def test_a_job_that_maps_again_runs_its_jobs_in_order():
    out = np.full((4, 5), np.nan)

    def outer(i: int) -> None:
        _threads.map_on_threads(_fill(out[i]), range(5), 2)

    assert _in_thread(lambda: _threads.map_on_threads(outer, range(4), 2)), "nested map hung"
    ref = np.empty(5)
    for i in range(5):
        _fill(ref)(i)
    assert np.array_equal(out, np.tile(ref, (4, 1)))


def test_a_job_error_reaches_the_caller():
    def job(i: int) -> None:
        if i == 3:
            raise ValueError("job 3")

    with pytest.raises(ValueError, match="job 3"):
        _threads.map_on_threads(job, range(6), 2)


def _child(q) -> None:
    out = np.full(8, np.nan)
    _threads.map_on_threads(_fill(out), range(8), 2)
    q.put(out.tolist())


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method: POSIX only")
# Python >= 3.12 warns on fork() of a process with threads, which is the case this test is about
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_gets_a_working_pool():
    """The parent's pool exists before the fork; the child must not wait on its threads."""
    _threads.map_on_threads(_fill(np.empty(4)), range(4), 2)
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(HANG_S)
    hung = p.is_alive()
    if hung:
        p.kill()
        p.join()
    assert not hung, "map_on_threads hung in a forked child"
    ref = np.empty(8)
    for i in range(8):
        _fill(ref)(i)
    assert np.array_equal(q.get(timeout=HANG_S), ref)
