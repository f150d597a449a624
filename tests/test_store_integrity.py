"""Store integrity (issue 13): truncated files and journals, one writer per file, whole points
only for readers, umask, output paths checked before work, axes converted once.

Cross-process cases (a second writer, a reader during a write, kill -9) are in
tests/test_concurrency.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from sikernel import store
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.sweep import load_config, run_sweep
from sikernel.sweep.stages import chunk_params, output_specs

from .test_store import CFG, CHUNK, _assert_same_file

REPO = Path(__file__).resolve().parents[1]
#: a refusal must come at once; HDF5's SWMR retries on a truncated file took minutes
REFUSAL_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fin") / "fin.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    return out


def _cut(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


# --------------------------------------------------------------------------- 1. truncated file
def test_truncated_file_refused_at_once_by_open(tmp_path, finished):
    cut = _cut(finished, tmp_path / "cut.h5")
    # in a child process with a timeout: before the fix this open retried for minutes
    code = ("import sikernel.store as s, sys\n"
            "try:\n    s.open(sys.argv[1])\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(cut)], capture_output=True, text=True,
                       timeout=REFUSAL_TIMEOUT_S, cwd=REPO, check=False)
    assert r.stdout.startswith("SIKernelError"), r.stdout + r.stderr
    assert str(cut) in r.stdout and "truncated" in r.stdout and "overwrite" in r.stdout


def test_truncated_file_refused_by_cli_resume(tmp_path, finished):
    cfg = tmp_path / "cfg.json"
    cut = _cut(finished, tmp_path / "cut.h5")
    toml = tmp_path / "cfg.toml"
    toml.write_text(_toml(CFG))
    r = subprocess.run([sys.executable, "-m", "sikernel.cli", "sweep", str(toml), "-o", str(cut), "--resume",
                        "--chunk", str(CHUNK)], capture_output=True, text=True,
                       timeout=REFUSAL_TIMEOUT_S, cwd=REPO, check=False)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "truncated" in lines[0] and str(cut) in lines[0], r.stderr
    assert not cfg.exists()


def test_truncated_file_with_journal_points_to_resume(tmp_path, finished):
    out = tmp_path / "part.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True, _max_chunks=3)
    _cut(out, out)
    with pytest.raises(SIKernelError, match=r"truncated.*resume"):
        store.open(out)
    # ... and the resume rebuilds it from the journal, identical to an uninterrupted run
    assert run_sweep(CFG, out, chunk=CHUNK, quiet=True, resume=True).complete
    _assert_same_file(out, finished)


def _toml(cfg: dict) -> str:
    def val(v):
        return json.dumps(v)

    lines = [f"name = {val(cfg['name'])}", f"outputs = {val(cfg['outputs'])}"]
    for table in ("axes", "frequency", "pulse"):
        lines.append(f"[{table}]")
        lines += [f"{k} = {val(v)}" for k, v in cfg[table].items()]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- 4. damaged journal
@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong_shape"])
def test_damaged_journal_chunk_recomputed(tmp_path, finished, damage):
    out = tmp_path / "j.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True, _max_chunks=4)
    j = store.Journal(out)
    victim = j.dir / "chunk_000000001.npz"
    if damage == "truncate":
        data = victim.read_bytes()
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        victim.write_bytes(b"not a zip file at all")
    else:
        np.savez(victim, il_nyquist_db=np.zeros(7))
    with pytest.warns(SIKernelWarning, match=r"chunk_000000001\.npz is damaged.*computed again"):
        res = run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)
    assert res.complete
    _assert_same_file(out, finished)


def test_journal_load_names_the_file(tmp_path):
    j = store.Journal(tmp_path / "x.h5")
    j.create({"config_json": "{}"})
    j._chunk_path(0).write_bytes(b"PK\x03\x04 cut")
    with pytest.raises(SIKernelError, match=r"chunk_000000000\.npz is damaged"):
        j.load(0)


# --------------------------------------------------------------------------- 2. one writer (in process)
def test_second_writer_refused_names_the_holder(tmp_path):
    out = tmp_path / "one.h5"
    cfg = load_config(CFG)
    specs, extra = output_specs(cfg)
    lay = store.Layout(name=cfg.name, axes=cfg.axes, axis_units={}, extra_coords=extra, outputs=specs,
                       chunk_size=CHUNK, config=cfg.to_dict())
    first = store.SweepWriter(out, lay)
    first.start()
    try:
        info = json.loads(Path(str(out) + ".lock").read_text())
        assert info["pid"] == os.getpid()
        second = store.SweepWriter(out, lay)
        for kw in ({"overwrite": True}, {"resume": True}):
            with pytest.raises(SIKernelError,
                               match=rf"being written by another sweep \(pid {os.getpid()} on host"):
                second.start(**kw)
        assert not second.lock.held
    finally:
        first.close()
        first.release()
    assert not Path(str(out) + ".lock").exists()
    second = store.SweepWriter(out, lay)      # free again
    second.start(overwrite=True)
    second.close()
    second.release()


def test_lock_released_after_a_failed_start(tmp_path):
    out = tmp_path / "exists.h5"
    out.write_bytes(b"x")
    with pytest.raises(SIKernelError, match="already exists"):
        run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    assert not Path(str(out) + ".lock").exists()


# --------------------------------------------------------------------------- 3. whole points only
def test_reader_masks_points_written_without_their_done_flag(tmp_path, finished):
    out = tmp_path / "half.h5"
    cfg = load_config(CFG)
    specs, extra = output_specs(cfg)
    lay = store.Layout(name=cfg.name, axes=cfg.axes, axis_units={}, extra_coords=extra, outputs=specs,
                       chunk_size=CHUNK, config=cfg.to_dict())
    from sikernel.sweep.stages import evaluate_chunk

    w = store.SweepWriter(out, lay)
    w.start()
    try:
        w.write_chunk(0, evaluate_chunk(cfg, *lay.chunk_range(0)))
        # chunk 1: data in the file, flushed, but no done flag (a writer stopped between the two)
        w._write_h5(1, evaluate_chunk(cfg, *lay.chunk_range(1)), flag=False)
        w._f.flush()
    finally:
        w.close()   # (HDF5 will not open a file twice in one process with other flags)
        w.release()
    with h5py.File(out, "r") as f:   # the data of chunk 1 really is in the file
        raw = f["sweeps/killme/outputs/il_nyquist_db"][()].ravel()
    assert np.isfinite(raw[CHUNK:2 * CHUNK]).all()
    with pytest.warns(SIKernelWarning, match="incomplete"):
        res = store.open(out)
    ref = store.open(finished)
    for name in res.outputs:
        flat = res[name].reshape(lay.n_points, -1)
        assert np.isnan(flat[CHUNK:]).all(), name            # chunk 1 hidden: no done flag
        np.testing.assert_array_equal(flat[:CHUNK], ref[name].reshape(lay.n_points, -1)[:CHUNK])
    assert res.done.ravel()[:CHUNK].all() and not res.done.ravel()[CHUNK:].any()


# --------------------------------------------------------------------------- 6. umask
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_honour_the_umask(tmp_path, umask, mode):
    out = tmp_path / f"m{umask:o}.h5"
    old = os.umask(umask)
    try:
        run_sweep(CFG, out, chunk=CHUNK, quiet=True, _max_chunks=2)
    finally:
        os.umask(old)
    files = [out, *store.Journal(out).dir.iterdir()]
    assert len(files) >= 3
    for p in files:
        assert p.stat().st_mode & 0o777 == mode, (p, oct(p.stat().st_mode))


# --------------------------------------------------------------------------- output paths first
def test_output_paths_checked_before_any_work(tmp_path, monkeypatch):
    import sikernel.sweep.engine as engine

    def no_work(*a, **k):
        raise AssertionError("computed before the output path was checked")

    monkeypatch.setattr(engine, "evaluate_chunk", no_work)
    with pytest.raises(SIKernelError, match="does not exist"):
        run_sweep(CFG, tmp_path / "missing" / "x.h5", chunk=CHUNK, quiet=True)
    with pytest.raises(SIKernelError, match="is a folder"):
        run_sweep(CFG, tmp_path, chunk=CHUNK, quiet=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(SIKernelError, match="is a file, not a folder"):
        run_sweep(CFG, afile / "x.h5", chunk=CHUNK, quiet=True)


# --------------------------------------------------------------------------- 5. axes once
def test_axis_converted_once_not_per_chunk():
    big = np.linspace(0.001, 0.5, 20_000).tolist()
    cfg = load_config({"axes": {"length_m": big, "material": ["fr4", "megtron7"]}})
    first = chunk_params(cfg, 0, 100)
    arrays = cfg.axis_arrays
    assert cfg.axis_arrays is arrays                       # cached on the config
    # the next chunks index the cached arrays: a marked copy shows up in their parameters
    arrays["length_m"] = arrays["length_m"] + 1000.0
    later = chunk_params(cfg, 100, 200)
    assert later["length_m"].min() > 1000.0
    np.testing.assert_array_equal(first["length_m"], np.repeat(big[:50], 2))


def test_long_numeric_axis_validated_like_a_short_one():
    long_bad = [*np.linspace(0.001, 0.5, 2000).tolist(), 15.0]
    with pytest.raises(SIKernelError, match=r"length_m=15\.0 is outside the plausible range"):
        load_config({"axes": {"length_m": long_bad}})
    with pytest.raises(SIKernelError, match="must be a number"):
        load_config({"axes": {"length_m": [*np.linspace(0.001, 0.5, 2000).tolist(), True]}})
    with pytest.raises(SIKernelError, match="repeated values"):
        load_config({"axes": {"length_m": [0.1] * 2001}})
    cfg = load_config({"axes": {"tx_rise_time_s": [k * 1e-13 for k in range(1500)]}})
    assert cfg.axes["tx_rise_time_s"][:2] == (0.0, 1e-13)


# --------------------------------------------------------------------------- hints fit the parameter
@pytest.mark.parametrize("name,value,hint", [
    ("node_nm", "7nm", "7 for a 7 nm node"),
    ("baud", "53G", "53.125e9 for 53.125 GBd"),
    ("length_m", "5cm", "0.05 for 50 mm"),
])
def test_type_hint_fits_the_parameter(name, value, hint):
    with pytest.raises(SIKernelError) as ei:
        load_config({"axes": {name: [value]}})
    assert hint in str(ei.value)
    if name != "length_m":
        assert "mm" not in str(ei.value)


def test_file_system_without_locks_warns_and_writes(tmp_path, monkeypatch):
    import errno
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.warns(SIKernelWarning, match="does not support file locks"):
        res = run_sweep(CFG, tmp_path / "nolock.h5", chunk=CHUNK, quiet=True)
    assert res.complete


def test_sweep_grid_with_implausible_line_refused_before_work():
    with pytest.raises(SIKernelError, match=r"implausible line .*width/height = 40"):
        load_config({"axes": {"width_m": [100e-6, 5e-3], "height_m": [125e-6, 300e-6]}})
    load_config({"axes": {"width_m": [100e-6, 1e-3], "height_m": [125e-6, 300e-6]}})


def test_a_reader_probing_the_lock_does_not_refuse_the_writer(tmp_path):
    """Readers probe the lock with a momentary shared flock; a writer starting just then waits
    for it (briefly) instead of reporting the file as taken."""
    import fcntl
    import threading
    import time

    out = tmp_path / "probe.h5"
    lock = Path(str(out) + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_SH)

    def let_go():
        time.sleep(0.15)
        os.close(fd)

    t = threading.Thread(target=let_go)
    t.start()
    try:
        assert run_sweep(CFG, out, chunk=CHUNK, quiet=True, _max_chunks=1) is None
    finally:
        t.join()
