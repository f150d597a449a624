"""``sikernel sweep`` refuses a thread or worker count that cannot run before anything is
created (fuzzing: ``--threads 10000`` failed with Numba's own message after OUT.h5 and its
journal existed; ``--backend dask --workers 0`` waited 30 s, printed a distributed traceback
and left the files)."""

from __future__ import annotations

import math

import numba
import pytest

import sikernel.sweep as sweep_pkg
from sikernel import SIKernelError
from sikernel.cli import main
from sikernel.sweep import run_sweep

from .conftest import one_error_line

TOML = ('name = "bad_input"\noutputs = ["il_nyquist_db"]\n[axes]\nlength_m = [0.01, 0.1]\n'
        "[frequency]\nf_max_hz = 30e9\ndf_hz = 100e6\n[fixed]\nbaud = 26.5625e9\n")
TOP = int(numba.config.NUMBA_NUM_THREADS)


@pytest.fixture
def cfg(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(TOML)
    return p


@pytest.fixture
def no_work(monkeypatch):
    """Fail if the sweep starts (the CLI check must come before run_sweep)."""
    def boom(*a, **k):
        raise AssertionError("run_sweep started before --threads / --workers were checked")

    monkeypatch.setattr(sweep_pkg, "run_sweep", boom)


@pytest.mark.parametrize(("args", "needles"), [
    (["--threads", str(TOP + 1)], ("--threads", f"at most {TOP} Numba threads", f"1..{TOP}")),
    (["--threads", "10000"], ("--threads 10000", f"1..{TOP}")),
    (["--threads", "0"], ("--threads 0", ">= 1")),
    (["--threads", "-3"], ("--threads -3", ">= 1")),
    (["--backend", "dask", "--workers", "0"], ("--workers 0", ">= 1")),
    (["--workers", "-1"], ("--workers -1", ">= 1")),
])
def test_cli_counts_refused_before_any_file(cfg, tmp_path, capsys, no_work, args, needles):
    out = tmp_path / "out.h5"
    assert main(["sweep", str(cfg), "-o", str(out), "--quiet", *args]) == 2
    one_error_line(capsys.readouterr().err, "sikernel sweep: error:", *needles)
    assert not out.exists()
    assert not (tmp_path / "out.h5.journal").exists()


@pytest.mark.parametrize("out", ["", "  "])
def test_cli_empty_output_refused_by_name(cfg, tmp_path, capsys, monkeypatch, no_work, out):
    """Fuzz 31 low: ``-o ''`` was called "output '.' is a folder" (Path('') is the current folder)."""
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", str(cfg), "-o", out, "--quiet"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel sweep: error:", "-o/--output=",
                   "is an empty path; give the HDF5 file to write")
    assert list(tmp_path.iterdir()) == [cfg]


def test_api_empty_output_refused_by_name(cfg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SIKernelError, match=r"out_path='' is an empty path; give the HDF5 file to write"):
        run_sweep(cfg, "", quiet=True)


def test_cli_threads_not_capped_for_a_remote_scheduler(cfg, tmp_path, monkeypatch):
    """A remote cluster's workers have their own core count: --threads is not checked against
    this machine's there (the sweep is reached; here a stub stands in for it)."""
    seen = {}

    def fake(*a, **k):
        seen.update(k)

    monkeypatch.setattr(sweep_pkg, "run_sweep", fake)
    assert main(["sweep", str(cfg), "-o", str(tmp_path / "o.h5"), "--quiet", "--backend", "dask",
                 "--scheduler", "tcp://10.0.0.1:8786", "--threads", str(TOP + 1)]) == 0
    assert seen["threads"] == TOP + 1


@pytest.mark.parametrize(("kw", "msg"), [
    ({"threads": TOP + 1}, f"threads={TOP + 1}: this machine runs at most {TOP}"),
    ({"threads": 1.5}, "threads=1.5: expected a whole number"),
    ({"threads": True}, "threads=True"),
    ({"n_workers": 0, "backend": "dask"}, "n_workers=0: expected a whole number of dask workers >= 1"),
    ({"n_workers": 2.0, "backend": "dask"}, "n_workers=2.0"),
])
def test_api_counts_refused_before_any_file(cfg, tmp_path, kw, msg):
    out = tmp_path / "x.h5"
    with pytest.raises(SIKernelError, match=msg.replace("(", r"\(").replace(".", r"\.")):
        run_sweep(cfg, out, quiet=True, **kw)
    assert not out.exists()
    assert not (tmp_path / "x.h5.journal").exists()


def test_cli_threads_at_the_limit_runs(cfg, tmp_path):
    out = tmp_path / "ok.h5"
    assert main(["sweep", str(cfg), "-o", str(out), "--quiet", "--threads", str(TOP)]) == 0
    assert out.exists()


def test_cli_counts_points_that_do_not_close(tmp_path, capsys):
    """Points past every architecture's reach are NaN in pj_per_bit (the schema's contract);
    the CLI says how many, also under --quiet, instead of exit 0 with no word."""
    toml = ('name = "reach"\noutputs = ["il_nyquist_db", "pj_per_bit"]\n[axes]\n'
            'length_m = [0.05, 3.0]\n[frequency]\nf_max_hz = 60e9\ndf_hz = 100e6\n'
            '[fixed]\nbaud = 53.125e9\nmaterial = "fr4"\n')
    cfg = tmp_path / "reach.toml"
    cfg.write_text(toml)
    out = tmp_path / "reach.h5"
    assert main(["sweep", str(cfg), "-o", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "sikernel sweep: note: 1 of 2 points do not close the link" in err
    from sikernel.store import open as open_sweep

    res = open_sweep(out)
    assert res["il_nyquist_db"][1] > 60.0 and math.isnan(res["pj_per_bit"][1])
