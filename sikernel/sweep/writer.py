"""The sweep's single writer, run in a background thread so that storing overlaps computing.

Every finished chunk is journalled (atomic file + fsync) and written, gzip-compressed,
into the HDF5 store by :class:`sikernel.store.SweepWriter`; that costs a few
microseconds of CPU per point (mostly gzip), about a tenth of the compiled stages.
Done in the computing thread it would add to the sweep's time and, on a machine
whose cores all run Numba threads, leave them idle while it runs.  Here the
computing thread hands chunks to a queue and goes on; a writer thread at lowered
scheduling priority (Linux: ``nice`` is per thread) stores them, so that it yields to
the Numba workers and takes CPU mostly when a core would otherwise wait (between stages,
at the end of a parallel region).  Measured on 2 cores (100,000 points, chunks of 4096):
the overlap takes the whole sweep from 1.7x to 1.75-1.86x the 1-core time; the lowered
priority alone is worth 2-4 %, within the run-to-run noise.

At most ``depth`` finished chunks wait in the queue (``put`` blocks beyond that),
so memory stays bounded by the chunk size.  The order of writes, the journal and
the kill/resume guarantees are those of :class:`~sikernel.store.SweepWriter`: a
chunk is done when its journal entry is renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from typing import Any

#: how much lower (in ``nice`` steps) the writer thread is scheduled than the caller
WRITER_NICE = 10


class BackgroundWriter:
    """Feed chunks to a :class:`~sikernel.store.SweepWriter` running in its own thread.

    Parameters
    ----------
    writer : sikernel.store.SweepWriter
        Started writer (``start()`` called).
    bar : tqdm progress bar or None
        Advanced by each chunk's point count once the chunk is stored.
    depth : int
        Finished chunks allowed to wait for the writer.

    Notes
    -----
    An error in the writer thread (disk full, permission) is raised in the caller by
    the next :meth:`put` or by :meth:`close`; the thread keeps draining the queue
    meanwhile, so the caller never blocks on a dead writer.
    """

    def __init__(self, writer: Any, bar: Any = None, depth: int = 2) -> None:
        self._writer = writer
        self._bar = bar
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None   # set once, never cleared: stops all writing
        self._reported = False
        self._thread = threading.Thread(target=self._run, name="sikernel-sweep-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        _lower_priority(WRITER_NICE)
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is not None:
                continue  # drain: the caller raises the error
            c, arrays = item
            try:
                self._writer.write_chunk(c, arrays)
                if self._bar is not None:
                    a, b = self._writer.layout.chunk_range(c)
                    self._bar.update(b - a)
            except BaseException as exc:  # handed to the caller
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None and not self._reported:
            self._reported = True
            raise self._error

    def put(self, c: int, arrays: dict) -> None:
        """Queue chunk ``c``'s output arrays for storing (blocks while ``depth`` chunks wait).

        Raises the writer's error, if it had one, instead (every time)."""
        if self._error is not None:
            self._reported = True
            raise self._error
        self._q.put((c, arrays))

    def close(self) -> None:
        """Store every queued chunk, stop the thread, raise a writer error not raised yet."""
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join()
        self._raise()


def _lower_priority(steps: int) -> None:
    """Raise the calling thread's nice value by ``steps`` where the OS allows it (Linux)."""
    with contextlib.suppress(AttributeError, OSError):
        tid = threading.get_native_id()
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + steps))


__all__ = ["WRITER_NICE", "BackgroundWriter"]
