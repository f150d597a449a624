"""The ``sikernel il`` sub-command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sikernel.cli import main

from .conftest import channel_path

ATOL_README_DB = 0.05


def test_default_frequencies(capsys):
    p = channel_path("DPO_12in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["f_hz"] == [13.28e9, 26.5625e9]
    assert out["il_db"] == pytest.approx([17.17, 28.25], abs=ATOL_README_DB)
    assert out["pairs"] == [[1, 3], [2, 4]] and out["warnings"] == []


def test_at_and_baud_text(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--at", "26.5625GHz", "1e9", "--baud", "53.125e9"]) == 0
    text = capsys.readouterr().out
    assert "26.5625 GHz:   12.17" in text and "FOM_ILD" in text


def test_swapped_pairs_warn(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--pairs", "1,2:3,4", "--json"]) == 0
    cap = capsys.readouterr()
    assert "port map looks swapped" in cap.err
    assert json.loads(cap.out)["warnings"]


@pytest.mark.parametrize("argv,msg", [
    (["--pairs", "1-3,2-4"], "--pairs"),
    (["--pairs", "1,5:2,4"], "out of range"),
    (["--at", "fast"], "--at"),
    (["--at", "99e9"], "outside the file's frequency range"),
])
def test_bad_arguments_exit_2(capsys, argv, msg):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), *argv]) == 2
    assert msg in capsys.readouterr().err


def test_missing_file_exit_2(capsys):
    assert main(["il", "/nonexistent/x.s4p"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_installed_command_subprocess():
    p = channel_path("CA_19p75dB_thru.s4p")
    r = subprocess.run([sys.executable, "-m", "sikernel.cli", "il", str(p), "--json"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["il_db"] == pytest.approx([11.62, 19.75], abs=ATOL_README_DB)


def test_il_and_eye_take_a_differential_s2p_like_the_api(capsys, tmp_path):
    """New-user trial 29: `sikernel com x.s2p` and the Python API took a differential .s2p while
    `sikernel il` and `sikernel eye` refused it; all go through as_channel now, with equal results."""
    import sikernel as sk

    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    s2p = tmp_path / "dpo_sdd.s2p"
    sk.read_touchstone(p).to_network().write_touchstone(str(s2p))
    assert main(["il", str(p), "--json"]) == 0
    four = json.loads(capsys.readouterr().out)
    assert main(["il", str(s2p), "--json"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert two["il_db"] == pytest.approx(four["il_db"], abs=1e-9)
    assert main(["eye", str(s2p), "--baud", "53.125e9", "--json"]) == 0
    eye_two = json.loads(capsys.readouterr().out)
    assert main(["eye", str(p), "--baud", "53.125e9", "--json"]) == 0
    eye_four = json.loads(capsys.readouterr().out)
    assert eye_two["equalised"]["eye_height_min_v"] == pytest.approx(
        eye_four["equalised"]["eye_height_min_v"], rel=1e-9)
