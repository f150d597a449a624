"""The CPO study: ordering, HDF5 round trip, the command in a fresh folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sikernel.study import read_hdf5, run_study, write_hdf5


@pytest.fixture(scope="module")
def study():
    return run_study()


def test_cpo_npo_lpo_pluggable_order(study):
    for rate in (106.25, 212.5):
        e = {r["name"]: r["pj_per_bit_electrical"] for r in study.rows if r["rate_gbps"] == rate}
        assert e["cpo"] < e["npo"] < e["lpo"] <= e["pluggable"], (rate, e)


def test_hdf5_round_trip(study, tmp_path):
    p = write_hdf5(study, tmp_path / "s.h5")
    back = read_hdf5(p)
    assert len(back["rows"]) == len(study.rows)
    a = {(r["name"], r["rate_gbps"]): r["pj_per_bit_electrical"] for r in study.rows}
    b = {(r["name"], r["rate_gbps"]): r["pj_per_bit_electrical"] for r in back["rows"]}
    assert a == b
    assert set(back["curves"]) == set(study.curves)
    assert not list(tmp_path.glob("*.tmp"))


def test_command_no_arguments_fresh_dir(tmp_path):
    out = subprocess.run([sys.executable, "-m", "sikernel.cli", "study"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "sikernel-study.h5").is_file()


def test_command_json(tmp_path):
    out = subprocess.run([sys.executable, "-m", "sikernel.cli", "study", "--json", "--rate", "106.25",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    names = {r["name"] for r in obj["architectures"]}
    assert names == {"pluggable", "lpo", "npo", "cpo"}
    for r in obj["architectures"]:
        for k in ("rate_gbps", "length_m", "il_nyquist_db", "architecture_chosen",
                  "pj_per_bit_electrical", "w_per_switch_electrical"):
            assert k in r


def test_bad_rate():
    from sikernel import SIKernelError

    with pytest.raises(SIKernelError):
        run_study(rates_gbps=(-106.25,))


def test_bad_node():
    from sikernel import SIKernelError

    with pytest.raises(SIKernelError, match="known nodes"):
        run_study(node_nm=9)


def test_dsp_rows_equalised_eye_open(study):
    """Every DSP operating point of the study shows an open DFE-slicer eye (RX FFE drawn)."""
    dsp = [r for r in study.rows if r["architecture_chosen"] == "dsp"]
    assert dsp  # the 212.5 Gb/s pluggable and LPO hosts need a DSP receiver
    for r in dsp:
        assert r["eye_height_equalised_v"] > 0, r["name"]
        assert r["eye_closure_equalised_db"] < float("inf"), r["name"]
        assert "MMSE RX FFE" in r["eye_equalised_receiver"]
        assert r["eye_equalised_excludes_mlsd"] == r["eq_settings"]["mlsd"]
