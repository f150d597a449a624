"""The background writer thread: every chunk stored, errors reach the caller, no deadlock."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from sikernel.errors import SIKernelError
from sikernel.sweep.writer import BackgroundWriter

N_CHUNKS = 40


class _Layout:
    @staticmethod
    def chunk_range(c: int) -> tuple[int, int]:
        return 10 * c, 10 * c + 10


class _Recorder:
    """Stands in for SweepWriter: records chunks, optionally fails at one."""

    layout = _Layout()

    def __init__(self, fail_at: int | None = None) -> None:
        self.seen: list[int] = []
        self.fail_at = fail_at
        self.threads: set[str] = set()

    def write_chunk(self, c: int, arrays: dict) -> None:
        self.threads.add(threading.current_thread().name)
        if c == self.fail_at:
            raise SIKernelError("no space left on device (test)")
        self.seen.append(c)


class _Bar:
    def __init__(self) -> None:
        self.n = 0

    def update(self, k: int) -> None:
        self.n += k


def test_every_chunk_stored_in_order_off_the_calling_thread():
    rec, bar = _Recorder(), _Bar()
    w = BackgroundWriter(rec, bar, depth=2)
    for c in range(N_CHUNKS):
        w.put(c, {"x": np.full(3, c)})
    w.close()
    assert rec.seen == list(range(N_CHUNKS))
    assert bar.n == 10 * N_CHUNKS
    assert rec.threads == {"sikernel-sweep-writer"}


def test_writer_error_reaches_the_caller_without_deadlock():
    rec = _Recorder(fail_at=5)
    w = BackgroundWriter(rec, None, depth=1)
    with pytest.raises(SIKernelError, match="no space"):
        for c in range(N_CHUNKS):       # would block forever if the dead writer stopped draining
            w.put(c, {})
        w.close()
    w.close()                           # idempotent after the error was raised
    assert rec.seen == list(range(5))   # nothing after the failed chunk is taken as stored


def test_put_after_a_failure_keeps_raising():
    rec = _Recorder(fail_at=0)
    w = BackgroundWriter(rec, None, depth=1)
    w.put(0, {})
    with pytest.raises(SIKernelError):
        for c in range(1, N_CHUNKS):
            w.put(c, {})
    with pytest.raises(SIKernelError):
        w.put(N_CHUNKS, {})
    w.close()
    assert rec.seen == []
