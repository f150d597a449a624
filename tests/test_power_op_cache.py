"""The disk cache of channel operating tables (:mod:`sikernel.power.op_cache`): a table read back
is the table searched, bit for bit; every input of the key, and the package's source, makes a
new file; damage is a warning and a new search; the off switches write nothing."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.errors import SIKernelWarning
from sikernel.power import api, op_cache, si
from sikernel.power.crosstalk import resolve
from sikernel.power.table import synthetic_channel

BAUD = 53.125e9


@pytest.fixture(scope="module")
def channel():
    return synthetic_channel(18.0, BAUD)


@pytest.fixture
def disk(tmp_path, monkeypatch):
    """The cache on, in a fresh folder; counts the SI chain's searches."""
    monkeypatch.setenv("SIKERNEL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(op_cache.OP_CACHE_ENV, "1")
    monkeypatch.delenv("SIKERNEL_POWER_CACHE", raising=False)
    calls = []
    real = si.op_table

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(si, "op_table", counted)
    return tmp_path / "power" / "ops", calls


def _fresh(channel, **kw):
    """The table as a new process sees it: nothing in memory."""
    api.clear_channel_op_cache()
    return api.channel_op_table(channel, BAUD, 4, **kw)


def _same(op1, op2) -> None:
    for k, v in vars(op1).items():
        w = getattr(op2, k)
        if isinstance(v, dict):
            assert set(v) == set(w), k
            for kk in v:
                _same_array(v[kk], w[kk], f"extra[{kk}]")
        else:
            _same_array(v, w, k)


def _same_array(a, b, name: str) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape, name
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name


def test_table_read_back_is_the_table_searched(channel, disk):
    folder, calls = disk
    op1, il1 = _fresh(channel)
    assert len(calls) == 1 and len(list(folder.glob("op-*.npz"))) == 1
    op2, il2 = _fresh(channel)
    assert len(calls) == 1, "the second process searched again instead of reading the file"
    assert il2 == il1
    _same(op1, op2)
    with pytest.raises(ValueError):
        op2.a[0] = 0.0  # shared through the memory memo too: read-only
    assert not list(folder.glob("*.tmp")), "a temporary file was left behind"


def test_every_input_of_the_key_makes_a_new_file(channel, disk, monkeypatch):
    folder, calls = disk
    _fresh(channel)
    _fresh(synthetic_channel(18.5, BAUD))                   # another channel
    _fresh(channel, crosstalk=resolve("ca"))                # crosstalk
    _fresh(channel, dsp_tx_active=())                       # the DSP front end's TX taps
    assert len(calls) == 4 and len(list(folder.glob("op-*.npz"))) == 4
    monkeypatch.setattr(si, "TX_SUBSETS", (si.TX_SUBSETS[0],))  # a search grid
    _fresh(channel)
    assert len(calls) == 5
    monkeypatch.undo()  # the grid back; the same source and inputs are served from disk
    monkeypatch.setenv("SIKERNEL_CACHE_DIR", str(folder.parent.parent))
    monkeypatch.setenv(op_cache.OP_CACHE_ENV, "1")
    monkeypatch.setattr(si, "op_table", lambda *a, **k: pytest.fail("searched a stored table"))
    _fresh(channel)


def test_changed_source_is_never_served_an_old_table(channel, disk, monkeypatch):
    folder, calls = disk
    _fresh(channel)
    monkeypatch.setattr(op_cache, "source_digest", lambda: "an edited SI chain")
    _fresh(channel)
    assert len(calls) == 2 and len(list(folder.glob("op-*.npz"))) == 2


def test_source_digest_reads_the_package():
    d = op_cache.source_digest()
    assert len(d) == 64 and d == op_cache.source_digest()


@pytest.mark.parametrize("damage", ["truncated", "not a table", "short array"])
def test_damaged_file_is_a_warning_and_a_new_search(channel, disk, damage):
    folder, calls = disk
    op1, _ = _fresh(channel)
    (path,) = folder.glob("op-*.npz")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "not a table":
        np.savez(path, x=np.arange(3))
    else:
        with np.load(path) as z:
            d = {k: z[k] for k in z.files}
        d["a"] = d["a"][:-1]
        with open(path, "wb") as fh:
            np.savez(fh, **d)
    with pytest.warns(SIKernelWarning,
                      match=r"SI operating table .* cannot be read .*removed and computed again"):
        op2, _ = _fresh(channel)
    assert len(calls) == 2
    _same(op1, op2)
    assert path.is_file(), "the new search was not stored"
    _fresh(channel)
    assert len(calls) == 2


@pytest.mark.parametrize("var", [op_cache.OP_CACHE_ENV, "SIKERNEL_POWER_CACHE"])
def test_off_switches_write_and_read_nothing(channel, disk, monkeypatch, var):
    folder, calls = disk
    _fresh(channel)
    monkeypatch.setenv(var, "0")
    _fresh(channel)
    _fresh(synthetic_channel(18.5, BAUD))
    assert len(calls) == 3 and len(list(folder.glob("op-*.npz"))) == 1


def test_unwritable_cache_is_skipped(channel, disk, tmp_path, monkeypatch):
    _, calls = disk
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("SIKERNEL_CACHE_DIR", str(blocked))
    op1, _ = _fresh(channel)
    op2, _ = _fresh(channel)
    assert len(calls) == 2
    _same(op1, op2)


def test_least_recently_used_tables_are_pruned(channel, disk, monkeypatch):
    import os
    import time

    folder, calls = disk
    monkeypatch.setattr(op_cache, "OP_CACHE_MAX_FILES", 3)
    losses = (17.0, 17.5, 18.0)
    for i, loss in enumerate(losses):
        _fresh(synthetic_channel(loss, BAUD))
        for p in folder.glob("op-*.npz"):  # file times a second apart (coarse file-system clocks)
            if p.stat().st_mtime > time.time() - 0.5:
                os.utime(p, (time.time() - 100 + 10 * i,) * 2)
    _fresh(synthetic_channel(17.0, BAUD))  # read back: now the most recently used
    assert len(calls) == 3
    _fresh(synthetic_channel(18.5, BAUD))  # a fourth: past the cap, pruned to int(0.9 * 3) = 2
    assert len(list(folder.glob("op-*.npz"))) == 2
    _fresh(synthetic_channel(17.0, BAUD))  # kept (used last before the fourth)
    assert len(calls) == 4
    _fresh(synthetic_channel(17.5, BAUD))  # the oldest: removed
    assert len(calls) == 5


# --- a host end's energy curves (sikernel.system.end_curves.build), kept beside the tables ---------

@pytest.fixture
def curve_builds(disk, monkeypatch):
    """The cache on (``disk``); records the arguments of every curve build that runs."""
    from sikernel.system import end_curves

    builds = []
    real = end_curves._build

    def counted(*args, **kwargs):
        builds.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(end_curves, "_build", counted)
    return disk[0], builds


def _port_curves():
    from sikernel.system.account import PortModel
    from sikernel.system.standards import generation

    pm = PortModel("cpo", generation("51.2T"))
    pm.ensure_curves()
    return [e.curves for e in pm.ends]


def _same_curves(c1, c2) -> None:
    for k in ("fo4_s", "ratio_db", "xt_scale", "f3db_over_baud"):
        _same_array(getattr(c1, k), getattr(c2, k), k)
    assert np.array_equal(c1.f3db_point, c2.f3db_point, equal_nan=True)
    assert [f.family for f in c1.families] == [f.family for f in c2.families]
    for f1, f2 in zip(c1.families, c2.families, strict=True):
        assert (f1.pj_per_bit, f1.select_pj_per_bit) == (f2.pj_per_bit, f2.select_pj_per_bit)
        for k in ("ratio", "select_ratio", "loss_limit_db"):
            _same_array(getattr(f1, k), getattr(f2, k), f"{f1.family}.{k}")
    rng = np.random.default_rng(7)
    t = rng.uniform(c1.fo4_s[0], c1.fo4_s[-1], 50)
    d = rng.uniform(c1.ratio_db[0], c1.ratio_db[-1], 50)
    x = rng.uniform(c1.xt_scale[0], c1.xt_scale[-1], 50)
    for a, b in zip(c1.price(t, d, x), c2.price(t, d, x), strict=True):
        np.testing.assert_array_equal(a, b)


def test_end_curves_read_back_are_the_curves_built(curve_builds):
    folder, builds = curve_builds
    first = _port_curves()
    n = len(builds)
    assert n >= 1 and len(list(folder.glob("curves-*.npz"))) == n
    api.clear_channel_op_cache()
    again = _port_curves()                 # a new process: nothing in memory
    assert len(builds) == n, "the curves were built again instead of read"
    for c1, c2 in zip(first, again, strict=True):
        _same_curves(c1, c2)


def test_end_curves_key_follows_the_ranges(curve_builds, monkeypatch):
    import dataclasses

    from sikernel.system import end_curves

    folder, builds = curve_builds
    _port_curves()
    args, kw = builds[0]
    n = len(builds)
    end_curves.build(*args, **kw)          # the same inputs: read
    assert len(builds) == n
    t = kw["t_fo4"]
    end_curves.build(*args, **{**kw, "t_fo4": dataclasses.replace(t, high=t.high * 0.95)})
    lo, hi = kw["shift_range_db"]
    end_curves.build(*args, **{**kw, "shift_range_db": (lo, hi + 1.0)})
    end_curves.build(*args, **{**kw, "target_ber": kw["target_ber"] * 2})
    assert len(builds) == n + 3
    monkeypatch.setenv(op_cache.OP_CACHE_ENV, "0")
    end_curves.build(*args, **kw)
    assert len(builds) == n + 4 and len(list(folder.glob("curves-*.npz"))) == n + 3


def test_damaged_end_curves_are_a_warning_and_a_new_build(curve_builds):
    folder, builds = curve_builds
    first = _port_curves()
    n = len(builds)
    for p in folder.glob("curves-*.npz"):
        with np.load(p) as z:
            d = {k: z[k] for k in z.files}
        d["f0_ratio"] = d["f0_ratio"][..., :-1]   # off the loss-shift axis
        with open(p, "wb") as fh:
            np.savez(fh, **d)
    with pytest.warns(SIKernelWarning, match=r"energy curves .* cannot be read .*off the axes"):
        again = _port_curves()
    assert len(builds) == 2 * n
    for c1, c2 in zip(first, again, strict=True):
        _same_curves(c1, c2)


@pytest.mark.parametrize("part", [np.arange(2000.0), object()], ids=["summarised array", "address"])
def test_key_whose_text_hides_its_content_is_not_cached(disk, part):
    folder, _ = disk
    key = ("a key", part)
    assert op_cache.path_for(key) is None
    op_cache.save_arrays(key, "op", {"x": np.arange(3)})
    assert op_cache.load_entry(key, "op", lambda z: z) is None
    assert not folder.exists() or not list(folder.iterdir())
