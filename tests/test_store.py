"""HDF5 store: kill -9 and resume, SWMR reading, schema, and every error path."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel import store
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.store import flat_slabs
from sikernel.sweep import run_sweep

REPO = Path(__file__).resolve().parents[1]
CHUNK = 2
N_KILLS = 3                 # external SIGKILLs at random chunks (seeded)
KILL_TIMEOUT_S = 120.0
CFG = {
    "name": "killme",
    "outputs": ["il_nyquist_db", "cursors_v", "eye_height_v"],
    "axes": {"length_m": [0.001, 0.01, 0.03, 0.06, 0.1, 0.2], "material": ["megtron7", "fr4"],
             "baud": [26.5625e9, 53.125e9]},
    "frequency": {"f_max_hz": 30e9, "df_hz": 200e6},
    "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 4},
}
N_CHUNKS = 6 * 2 * 2 // CHUNK
_TIME_ATTRS = ("start_time_utc", "end_time_utc")

# child process: runs the sweep; KILL_MODE chooses where it dies (SIGKILL on itself), or it is
# slowed down (SLOW_S per chunk) so that the parent can kill it from outside at a chosen chunk
_CHILD = textwrap.dedent("""
    import json, os, signal, sys, time
    import numpy as np
    from sikernel import store
    from sikernel.sweep import engine
    cfg, out, mode, at, slow = json.loads(sys.argv[1])
    orig_eval = engine.evaluate_chunk
    def slow_eval(c, a, b):
        time.sleep(slow)
        return orig_eval(c, a, b)
    engine.evaluate_chunk = slow_eval
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "journal":          # die with a half-written temporary chunk file, before its rename
        orig_save = np.savez
        def savez(fh, **kw):
            orig_save(fh, **kw)
            if len(store.Journal(out).done_chunks()) >= at:
                fh.flush(); die()
        store.np.savez = savez
    if mode == "hdf5":             # die after the data went into HDF5, before the done flag
        orig = store.SweepWriter._write_h5
        def write_h5(self, c, arrays, *, flag):
            if flag and len(self.journal.done_chunks()) > at:
                lay = self.layout
                a, b = lay.chunk_range(c)
                d = self._group["outputs"][lay.outputs[0].name]
                for idx, s, e in store.flat_slabs(lay.shape, a, b):
                    d[idx] = 7.0
                self._f.flush(); die()
            return orig(self, c, arrays, flag=flag)
        store.SweepWriter._write_h5 = write_h5
    engine.run_sweep(cfg, out, chunk=CHUNK, quiet=True, overwrite=True)
""").replace("CHUNK, quiet=True, overwrite=True)", str(CHUNK) + ", quiet=True, overwrite=True)")


def _child(tmp_path: Path, out: Path, mode: str, at: int, slow: float) -> subprocess.Popen:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    arg = json.dumps([CFG, str(out), mode, at, slow])
    return subprocess.Popen([sys.executable, str(script), arg], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _contents(path: Path) -> dict:
    """Every dataset and attribute of the file (provenance times excepted)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            attrs = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in obj.attrs.items()
                     if k not in _TIME_ATTRS}
            out[name + "@attrs"] = attrs
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def _assert_same_file(a: Path, b: Path) -> None:
    ca, cb = _contents(a), _contents(b)
    assert ca.keys() == cb.keys()
    for k in ca:
        if k.endswith("@attrs"):
            assert ca[k] == cb[k], k
        else:
            np.testing.assert_array_equal(ca[k], cb[k], err_msg=k)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "ref.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    return out


def _resume_and_compare(out: Path, reference: Path) -> None:
    res = run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)
    assert res.complete and res.done.all()
    assert not store.Journal(out).exists()
    _assert_same_file(out, reference)


def test_kill9_at_random_chunks_then_resume(tmp_path, rng, reference):
    kill_points = rng.choice(np.arange(1, N_CHUNKS - 1), N_KILLS, replace=False)
    for k in kill_points:
        out = tmp_path / f"k{k}.h5"
        proc = _child(tmp_path, out, "none", 0, 0.05)
        j = store.Journal(out)
        t0 = time.monotonic()
        while (not j.exists() or len(j.done_chunks()) < k) and proc.poll() is None:
            if time.monotonic() - t0 > KILL_TIMEOUT_S:
                proc.kill()
                pytest.fail("child sweep made no progress")
            time.sleep(0.002)
        # a live reader sees the chunks done so far (SWMR) and is told the sweep is incomplete
        with pytest.warns(SIKernelWarning, match="incomplete"):
            live = store.open(out)
        assert not live.complete and 0 < live.done.sum() < live.done.size
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
        with pytest.warns(SIKernelWarning, match="incomplete"):
            dead = store.open(out)
        done = dead.done
        ref_il = store.open(reference)["il_nyquist_db"]
        np.testing.assert_array_equal(dead["il_nyquist_db"][done], ref_il[done])
        _resume_and_compare(out, reference)


@pytest.mark.parametrize("mode", ["journal", "hdf5"])
def test_kill9_inside_a_write_then_resume(tmp_path, mode, reference):
    out = tmp_path / f"{mode}.h5"
    proc = _child(tmp_path, out, mode, 3, 0.0)
    proc.wait(timeout=KILL_TIMEOUT_S)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    j = store.Journal(out)
    assert len(j.done_chunks()) == (3 if mode == "journal" else 4)
    if mode == "journal":
        assert list(j.dir.glob(".chunk_*.tmp")), "the half-written chunk file should be left over"
    _resume_and_compare(out, reference)


def test_file_schema(reference):
    with h5py.File(reference, "r") as f:
        g = f["sweeps/killme"]
        assert g.attrs["status"] == "complete"
        for k in ("sikernel_version", "numba_version", "numpy_version", "host", "start_time_utc",
                  "end_time_utc", "config_json", "presets_json"):
            assert g.attrs[k] != "" or k == "presets_json", k
        assert json.loads(g.attrs["config_json"])["axes"]["material"] == ["megtron7", "fr4"]
        d = g["outputs/cursors_v"]
        assert d.shape == (6, 2, 2, 6)
        assert d.compression == "gzip" and d.chunks is not None
        assert d.attrs["units"] == "V/V" and json.loads(d.attrs["dims"]) == [
            "length_m", "material", "baud", "cursor"]
        assert g["coords/length_m"].attrs["units"] == "m"
        assert list(g["coords/cursor"][()]) == [-1, 0, 1, 2, 3, 4]
        assert g["done"][()].all()
    res = store.open(reference)
    assert res.axes["material"] == ["megtron7", "fr4"]
    assert res.units["il_nyquist_db"] == "dB"
    # a longer line on the same material and baud has more loss
    il = res["il_nyquist_db"]
    assert np.all(np.diff(il, axis=0) > 0)


def test_repr_summarises_without_arrays(reference):
    # new-user trial 28: the dataclass repr printed every array (175 kB for 2304 points)
    res = store.open(reference)
    text = repr(res)
    assert text.startswith("SweepResult 'killme' (complete)")
    assert "material [2]: megtron7, fr4" in text
    assert "cursors_v (6, 2, 2, 6) [V/V]" in text
    assert "il_nyquist_db (6, 2, 2) [dB]" in text
    assert "length_m [6]:" in text and "..." in text
    assert len(text) < 40 * (len(res.outputs) + len(res.axes) + 4)


def test_existing_output_refused(tmp_path, reference):
    out = tmp_path / "r.h5"
    out.write_bytes(reference.read_bytes())
    with pytest.raises(SIKernelError, match="already exists"):
        run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    # resume of a complete sweep does nothing and keeps it
    res = run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)
    assert res.complete


def test_overwrite_replaces_only_an_earlier_sweep_file(tmp_path, reference):
    """Fuzz 31 H1: overwrite deleted whatever the output path was (the TOML config given as the
    output, a FIFO, a copy of /dev/null). Refused before anything is deleted; an earlier sweep file
    (HDF5) or an empty file is still replaced."""
    import os

    config = tmp_path / "base.toml"
    config.write_text("[axes]\nlength_m = [0.1]\n")
    with pytest.raises(SIKernelError, match=r"is not an HDF5 file \(is it the config"):
        run_sweep(CFG, config, chunk=CHUNK, overwrite=True, quiet=True)
    assert config.read_text().startswith("[axes]")
    fifo = tmp_path / "fifo.h5"
    os.mkfifo(fifo)
    with pytest.raises(SIKernelError, match="not a regular file"):
        run_sweep(CFG, fifo, chunk=CHUNK, overwrite=True, quiet=True)
    assert fifo.is_fifo()
    old = tmp_path / "old.h5"
    old.write_bytes(reference.read_bytes())
    empty = tmp_path / "empty.h5"
    empty.touch()
    for out in (old, empty):
        assert run_sweep(CFG, out, chunk=CHUNK, overwrite=True, quiet=True).complete


def test_resume_with_other_config_says_what_differs(tmp_path):
    out = tmp_path / "a.h5"
    run_sweep(CFG, out, chunk=CHUNK, quiet=True, _max_chunks=2)
    other = json.loads(json.dumps(CFG))
    other["axes"]["baud"] = [26.5625e9]
    other["pulse"]["n_post"] = 5
    with pytest.raises(SIKernelError, match=r"axes\.baud.*pulse\.n_post"):
        run_sweep(other, out, chunk=CHUNK, resume=True, quiet=True)


def test_config_diff_abbreviates_long_lists():
    """Fuzz 31 low: sweep --resume with another 200-value axis printed both axes in full."""
    a = [0.001 * i for i in range(200)]
    b = list(a)
    b[57] = 1.0
    (line,) = store.config_diff({"axes": {"length_m": a}}, {"axes": {"length_m": b}})
    assert line == ("axes.length_m: [0.0, 0.001, 0.002, ..., 0.199] (200 values) -> [0.0, 0.001, 0.002, "
                    "..., 0.199] (200 values); first difference at index 57: 0.057 -> 1.0")
    (line,) = store.config_diff({"axes": {}}, {"axes": {"baud": a[:150]}})
    assert line == "axes.baud: added ([0.0, 0.001, 0.002, ..., 0.149] (150 values))"
    assert store.config_diff({"x": [1, 2]}, {"x": [1, 3]}) == ["x: [1, 2] -> [1, 3]"]   # short: in full


def test_corrupted_file(tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"garbage" * 100)
    with pytest.raises(SIKernelError, match="not a readable HDF5 sweep file"):
        store.open(bad)
    with pytest.raises(SIKernelError, match="not a readable HDF5 sweep file"):
        run_sweep(CFG, bad, chunk=CHUNK, resume=True, quiet=True)
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = 1
    with pytest.raises(SIKernelError, match="no sweep"):
        store.open(tmp_path / "other.h5")
    with pytest.raises(SIKernelError, match="does not exist"):
        store.open(tmp_path / "missing.h5")


def test_open_takes_one_output_name_and_refuses_a_non_path(reference):
    """Fuzz 31 M13/M14: store.open(None) was a bare TypeError; outputs='pj_per_bit' was split
    into characters ("has no output(s) ['p', 'j', ...]").  One name is read as that output."""
    one = store.open(reference, outputs="il_nyquist_db")
    assert list(one.outputs) == ["il_nyquist_db"]
    with pytest.raises(SIKernelError, match=r"has no output\(s\) \['pj_per_bit'\]"):
        store.open(reference, outputs="pj_per_bit")
    with pytest.raises(SIKernelError, match=r"outputs=.*expected an output name or a list"):
        store.open(reference, outputs=[3])
    with pytest.raises(SIKernelError, match=r"path=None is not a file path"):
        store.open(None)


@pytest.mark.parametrize(("value", "message"), [
    (store.STORE_VERSION + 1, f"layout version {store.STORE_VERSION + 1}, newer than the "
                              f"{store.STORE_VERSION} this sikernel reads: upgrade"),
    ("one", "not a layout version"),
    (True, "not a layout version"),
    (1.5, "not a layout version"),
    (0, "not a layout version"),
    (None, "no 'sikernel_store_version' attribute"),
])
def test_layout_version_checked_on_read_and_resume(tmp_path, reference, value, message):
    """A file of a newer (or missing, or malformed) layout version is refused, not misread."""
    out = tmp_path / "v.h5"
    out.write_bytes(reference.read_bytes())
    assert store.open(out).complete  # the untouched copy reads
    with h5py.File(out, "r+") as f:
        if value is None:
            del f.attrs["sikernel_store_version"]
        else:
            f.attrs["sikernel_store_version"] = value
    with pytest.raises(SIKernelError, match=message):
        store.open(out)
    with pytest.raises(SIKernelError, match=message):
        run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)


def test_newer_layout_is_named_before_the_missing_sweeps_group(tmp_path, reference):
    """A newer-layout file without /sweeps gets the version message, not "not a sweep file"."""
    out = tmp_path / "v.h5"
    out.write_bytes(reference.read_bytes())
    with h5py.File(out, "r+") as f:
        f.attrs["sikernel_store_version"] = store.STORE_VERSION + 1
        del f["sweeps"]
    with pytest.raises(SIKernelError, match=f"layout version {store.STORE_VERSION + 1}, newer"):
        store.open(out)


def test_no_permission(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if os.access(ro, os.W_OK):  # running as root: the permission bits are not enforced
        monkeypatch.setattr(store.os, "access", lambda p, mode: False)
    with pytest.raises(SIKernelError, match="permission denied"):
        run_sweep(CFG, ro / "x.h5", chunk=CHUNK, quiet=True)
    assert not (ro / "x.h5").exists()


def test_no_disk_space(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "full.h5"
    monkeypatch.setattr(store.np, "savez", full)
    with pytest.raises(SIKernelError, match=r"no space left on device.*resume"):
        run_sweep(CFG, out, chunk=CHUNK, quiet=True)
    monkeypatch.undo()
    # nothing was taken as done; a resume after freeing space completes the sweep
    assert store.Journal(out).done_chunks() == []
    res = run_sweep(CFG, out, chunk=CHUNK, resume=True, quiet=True)
    assert res.complete


def test_to_xarray_needs_xarray(reference):
    res = store.open(reference)
    try:
        import xarray  # noqa: F401
    except ImportError:
        with pytest.raises(SIKernelError, match="needs xarray"):
            res.to_xarray()
    else:
        ds = res.to_xarray()
        assert ds["cursors_v"].dims == ("length_m", "material", "baud", "cursor")


@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), data=st.data())
def test_flat_slabs_cover_range_exactly(shape, data):
    shape = tuple(shape)
    n = int(np.prod(shape))
    a = data.draw(st.integers(0, n - 1))
    b = data.draw(st.integers(a + 1, n))
    flat = np.arange(n).reshape(shape)
    got = np.full(n, -1)
    slabs = list(flat_slabs(shape, a, b))
    assert len(slabs) <= 2 * len(shape) - 1
    for idx, s, e in slabs:
        block = flat[idx].ravel()
        np.testing.assert_array_equal(block, np.arange(s, e))
        got[s:e] = block
    np.testing.assert_array_equal(got[a:b], np.arange(a, b))
    assert (got[:a] == -1).all() and (got[b:] == -1).all()


def test_disk_space_warning_before_start(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**6, 10**6 - 100, 100))
    with pytest.warns(SIKernelWarning, match="may stop with 'no space left on device'"):
        run_sweep(CFG, tmp_path / "w.h5", chunk=CHUNK, quiet=True, _max_chunks=1)


def test_open_selected_outputs(reference):
    res = store.open(reference, outputs=["il_nyquist_db"])
    assert list(res.outputs) == ["il_nyquist_db"]
    with pytest.raises(SIKernelError, match="no output"):
        store.open(reference, outputs=["snr"])
    with pytest.raises(SIKernelError, match="no output 'snr'"):
        store.open(reference)["snr"]


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path, capsys):
    run_sweep(CFG, tmp_path / "q.h5", chunk=CHUNK, _max_chunks=2)       # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    run_sweep(CFG, tmp_path / "p.h5", chunk=CHUNK, quiet=False, _max_chunks=2)
    err = capsys.readouterr().err
    assert "sweep killme" in err and "pt" in err
