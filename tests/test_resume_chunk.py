"""Resuming a sweep with a different ``--chunk`` than the interrupted run.

The journal records the chunk size the sweep started with; ``--resume`` must keep it
whatever ``--chunk`` says now (the chunk grid of the done flags is the started one).  The
reference is an uninterrupted run of the same config; the result must equal it bit for bit
(DESIGN: results are identical for any chunk size).  A resume that ignored the journalled
chunk size would write chunks of the wrong shape or mark the wrong points done.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from sikernel import store
from sikernel.cli import main as cli_main
from sikernel.errors import SIKernelWarning
from sikernel.sweep import run_sweep

CFG = {
    "name": "rechunk",
    "outputs": ["il_nyquist_db", "cursors_v"],
    "axes": {"length_m": [0.002, 0.01, 0.03, 0.06, 0.1], "material": ["megtron7", "fr4"],
             "baud": [26.5625e9]},
    "frequency": {"f_max_hz": 30e9, "df_hz": 200e6},
    "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 4},
}
N_POINTS = 5 * 2 * 1
FIRST_CHUNK = 3   # the interrupted run: chunks of 3 points -> 4 chunks (3, 3, 3, 1)
SECOND_CHUNK = 2  # asked for on resume


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "ref.h5"
    run_sweep(CFG, out, chunk=4, quiet=True)
    return store.open(out)


def _interrupted(path):
    run_sweep(CFG, path, chunk=FIRST_CHUNK, quiet=True, _max_chunks=2)
    with pytest.warns(SIKernelWarning, match="incomplete"):
        part = store.open(path)
    assert not part.complete
    assert int(part.done.sum()) == 2 * FIRST_CHUNK  # two chunks of the started size are done
    return part


def _assert_equal(res, reference):
    assert res.complete
    for name in CFG["outputs"]:
        np.testing.assert_array_equal(res[name], reference[name], err_msg=name)
    assert res.done.all()


def test_resume_with_another_chunk_keeps_the_started_one(tmp_path, reference):
    out = tmp_path / "s.h5"
    _interrupted(out)
    res = run_sweep(CFG, out, resume=True, chunk=SECOND_CHUNK, quiet=True)
    _assert_equal(res, reference)
    with h5py.File(out, "r") as f:
        g = f[f"sweeps/{CFG['name']}"]
        assert int(g.attrs["chunk_size"]) == FIRST_CHUNK
        assert g["done"].shape == (-(-N_POINTS // FIRST_CHUNK),)


def test_cli_resume_with_another_chunk(tmp_path, reference):
    out = tmp_path / "s.h5"
    _interrupted(out)
    toml = tmp_path / "c.toml"
    toml.write_text(_to_toml(CFG))
    rc = cli_main(["sweep", str(toml), "-o", str(out), "--resume", "--chunk", str(SECOND_CHUNK), "--quiet"])
    assert rc == 0
    _assert_equal(store.open(out), reference)


def _to_toml(cfg: dict) -> str:
    lines = [f'name = "{cfg["name"]}"', "outputs = [" + ", ".join(f'"{o}"' for o in cfg["outputs"]) + "]"]
    for section in ("axes", "frequency", "pulse"):
        lines.append(f"[{section}]")
        for k, v in cfg[section].items():
            if isinstance(v, list):
                vals = ", ".join(f'"{x}"' if isinstance(x, str) else repr(x) for x in v)
                lines.append(f"{k} = [{vals}]")
            else:
                lines.append(f"{k} = {v!r}")
    return "\n".join(lines) + "\n"
