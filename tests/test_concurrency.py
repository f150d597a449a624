"""Several processes on one sweep file (issue 13): one writer only, readers see whole points only,
kill -9 of the writer while a reader holds the file open, then resume to the identical file.

The writer is the child of tests/test_store.py (a real ``run_sweep`` slowed down per chunk);
the reference is an uninterrupted run of the same config in this process.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from sikernel import store
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.sweep import run_sweep

from .test_store import CFG, CHUNK, KILL_TIMEOUT_S, N_CHUNKS, _assert_same_file, _child
from .test_store_integrity import _toml

REPO = Path(__file__).resolve().parents[1]
#: the second writer must be refused at once (no waiting on the first): well under this
REFUSAL_TIMEOUT_S = 60
SLOW_S = 0.25               # per chunk in the writer child: the run takes ~3 s of sleeping

#: the writer child: a real run_sweep whose chunk evaluation waits for a gate file from the
#: third chunk on (so the test decides when it may finish), then sleeps SLOW_S per chunk
_WRITER = """
import json, os, sys, time
from sikernel.sweep import engine
cfg, out, gate, slow, chunk = json.loads(sys.argv[1])
orig = engine.evaluate_chunk
def gated(c, a, b):
    if a >= 2 * chunk:
        while not os.path.exists(gate):
            time.sleep(0.01)
    time.sleep(slow)
    return orig(c, a, b)
engine.evaluate_chunk = gated
engine.run_sweep(cfg, out, chunk=chunk, quiet=True, overwrite=True)
"""

_READER = """
import json, sys
import h5py
f = h5py.File(sys.argv[1], "r", swmr=True, locking=False)
print("open", flush=True)
for line in sys.stdin:
    d = f["sweeps/killme/done"]
    d.refresh()
    print(json.dumps({"done": int(d[()].sum())}), flush=True)
f.close()
"""


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "ref.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    return out


def _wait_for_chunks(proc: subprocess.Popen, out: Path, k: int) -> None:
    j = store.Journal(out)
    t0 = time.monotonic()
    while (not j.exists() or len(j.done_chunks()) < k) and proc.poll() is None:
        if time.monotonic() - t0 > KILL_TIMEOUT_S:
            proc.kill()
            pytest.fail("writer child made no progress")
        time.sleep(0.01)
    assert proc.poll() is None, proc.stderr.read().decode()


def _check_whole_points(res: store.SweepResult, ref: store.SweepResult) -> int:
    """Done points equal the reference exactly; the others are NaN (never partly written)."""
    done = res.done
    for name, arr in res.outputs.items():
        want = ref.outputs[name]
        np.testing.assert_array_equal(arr[done], want[done], err_msg=name)
        assert np.isnan(arr[~done]).all(), name
    return int(done.sum())


def test_second_writer_refused_and_readers_see_whole_points(tmp_path, reference):
    out = tmp_path / "shared.h5"
    toml = tmp_path / "cfg.toml"
    toml.write_text(_toml(CFG))
    ref = store.open(reference)
    gate = tmp_path / "go"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, json.dumps([CFG, str(out), str(gate), SLOW_S,
                                                                           CHUNK])],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_chunks(writer, out, 1)   # then it waits at the gate: certainly still writing
        # a second writer, by the CLI and by the API, with --overwrite and with --resume
        for flag in ("--overwrite", "--resume"):
            r = subprocess.run([sys.executable, "-m", "sikernel.cli", "sweep", str(toml), "-o", str(out),
                                flag, "--chunk", str(CHUNK), "--quiet"], capture_output=True, text=True,
                               timeout=REFUSAL_TIMEOUT_S, cwd=REPO, check=False)
            assert r.returncode == 2, r.stderr
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and "being written by another sweep" in lines[0], r.stderr
            assert f"pid {writer.pid} on host" in lines[0] and str(out) in lines[0]
        with pytest.raises(SIKernelError, match=f"pid {writer.pid}"):
            run_sweep(CFG, out, chunk=CHUNK, overwrite=True, quiet=True)
        # a reader while the writer runs: whole points only, and the done count only grows
        gate.touch()
        seen = []
        while writer.poll() is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SIKernelWarning)
                res = store.open(out)
            seen.append(_check_whole_points(res, ref))
            time.sleep(0.05)
        assert writer.wait() == 0, writer.stderr.read().decode()
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert len(seen) >= 3 and seen == sorted(seen), seen
    assert not Path(str(out) + ".lock").exists()
    _assert_same_file(out, reference)


def test_kill9_writer_with_a_reader_open_then_resume_identical(tmp_path, reference):
    out = tmp_path / "killed.h5"
    ref = store.open(reference)
    writer = _child(tmp_path, out, "none", 0, SLOW_S)
    reader = None
    try:
        _wait_for_chunks(writer, out, 2)
        reader = subprocess.Popen([sys.executable, "-c", _READER, str(out)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        assert reader.stdout.readline().strip() == "open", reader.stderr.read()
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert writer.returncode == -signal.SIGKILL
        reader.stdin.write("read\n")
        reader.stdin.flush()
        before = json.loads(reader.stdout.readline())["done"]
        assert 2 <= before < N_CHUNKS
        # the kernel dropped the dead writer's lock: a new reader and the resume go ahead at once
        with pytest.warns(SIKernelWarning, match="incomplete"):
            dead = store.open(out)
        assert _check_whole_points(dead, ref) >= 2 * CHUNK
        res = run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)
        assert res.complete
        reader.stdin.write("read\n")          # the old handle still reads (its own, older file)
        reader.stdin.flush()
        assert json.loads(reader.stdout.readline())["done"] >= before
    finally:
        for p in (writer, reader):
            if p is not None and p.poll() is None:
                if p is reader:
                    p.stdin.close()
                    p.wait(timeout=30)
                else:
                    p.kill()
                    p.wait()
    assert reader.returncode == 0, reader.stderr.read()
    _assert_same_file(out, reference)


#: a writer finishing a sweep: holds the lock, the file open in plain (non-SWMR) write mode, as
#: SweepWriter.finish does while it marks the file complete; then closes it and releases the lock
_FINISHING = """
import sys, time, h5py
from pathlib import Path
from sikernel.store import WriterLock
path, flag, hold_s = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
lock = WriterLock(path)
lock.acquire()
with h5py.File(path, "r+") as f:
    f.attrs["touched"] = 1
    flag.touch()
    time.sleep(hold_s)
lock.release()
"""


def test_reader_waits_out_a_writer_marking_the_file_complete(tmp_path, reference):
    """A reader that meets the writer between SWMR mode and its closing plain-mode write (the
    window finish() opens) waits for it instead of calling the file unreadable (a race seen in
    CI with the test above)."""
    import shutil

    out = tmp_path / "finishing.h5"
    shutil.copyfile(reference, out)
    flag = tmp_path / "opened"
    child = subprocess.Popen([sys.executable, "-c", _FINISHING, str(out), str(flag), "0.5"], cwd=REPO,
                             stderr=subprocess.PIPE)
    try:
        t0 = time.monotonic()
        while not flag.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() - t0 < KILL_TIMEOUT_S, "finishing child did not start"
            time.sleep(0.01)
        assert store.WriterLock(out).is_locked_by_other()
        res = store.open(out)             # before the fix: SIKernelError "not a readable HDF5 ..."
        assert child.wait(timeout=KILL_TIMEOUT_S) == 0, child.stderr.read().decode()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert _check_whole_points(res, store.open(reference)) == int(store.open(reference).done.sum())
