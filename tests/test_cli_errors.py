"""Every CLI error is one line on stderr with a non-zero exit; outputs are checked before any
work; warnings are one line each and counted (issue 13)."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

import sikernel._cli.eye as cli_eye
import sikernel._cli.il as cli_il
from sikernel import SIKernelError
from sikernel._cli.units import parse_frequency, parse_symbol_rate
from sikernel.cli import main

from .conftest import channel_path, one_error_line

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_work(monkeypatch):
    """Fail if a long computation starts (the check must come before it)."""
    def boom(*a, **k):
        raise AssertionError("the computation started before the arguments were checked")

    import sikernel.study as study

    monkeypatch.setattr(study, "run_study", boom)
    monkeypatch.setattr(cli_eye, "run_eye", boom)
    return boom


# --------------------------------------------------------------------------- com --set
@pytest.mark.parametrize("item,needle", [
    ("t_r_s=abc", "t_r_s takes a finite number"),        # was a TypeError traceback
    ("t_r_s=NaN", "t_r_s takes a finite number"),
    ("t_r_s", "expected NAME=VALUE"),
    ("bogus=1", "unknown preset value 'bogus'"),
    ("dfe_bmax=0.5", "takes a JSON list"),
    ("samples_per_ui=32.5", "samples_per_ui takes a whole number"),   # was accepted at parse
    ("dfe_bmax=[0.85, NaN]", "takes a JSON list of finite numbers; NaN is not one"),
    ('dfe_bmax=[0.85, "x"]', 'takes a JSON list of finite numbers; "x" is not one'),
    ("tx_taps=[[-1, -0.1, 0, true]]", "takes a JSON list of finite numbers; true is not one"),
])
def test_com_set_bad_values(capsys, item, needle):
    assert main(["com", "/nonexistent/thru.s4p", "--set", item]) == 2
    one_error_line(capsys.readouterr().err, "sikernel com: error:", needle)


# --------------------------------------------------------------------------- erl --set
# the same parser as com --set (sikernel._cli.overrides.parse_set), the same messages; the
# errors come before the channel is read (the file does not exist)
@pytest.mark.parametrize("item,needle", [
    ("n_ui=abc", "n_ui takes a finite number"),          # was passed on as the string 'abc'
    ("z_t_ohm=NaN", "z_t_ohm takes a finite number"),
    ("n_ui", "expected NAME=VALUE, e.g. --set "),
    ("bogus=1", "unknown ERL setting 'bogus'; known: "),
    ("tfx_s=0.1", "tfx_s takes a JSON list"),
    ("tukey_window=2", "tukey_window takes true or false"),
])
def test_erl_set_bad_values(capsys, item, needle):
    assert main(["erl", "/nonexistent/thru.s4p", "--set", item]) == 2
    one_error_line(capsys.readouterr().err, "sikernel erl: error:", needle)


@pytest.mark.parametrize("item,needle", [
    ("t_r_s=true", "t_r_s takes a finite number"),
    ("force_tr=3", "force_tr takes true or false"),
])
def test_com_set_kinds_as_erl(capsys, item, needle):
    assert main(["com", "/nonexistent/thru.s4p", "--set", item]) == 2
    one_error_line(capsys.readouterr().err, "sikernel com: error:", needle)


def test_set_whole_number_given_as_float_becomes_int():
    from sikernel._cli.overrides import parse_set

    out = parse_set(["samples_per_ui=16.0", "dfe_bmax=[0.7, 0.2]"],
                    {"samples_per_ui": 32, "dfe_bmax": (0.85,)}, "preset value")
    assert out == {"samples_per_ui": 16, "dfe_bmax": [0.7, 0.2]}
    assert type(out["samples_per_ui"]) is int


def test_erl_set_values_reach_the_computation(capsys):
    """--set values arrive as erl(**overrides) gets them: a 0/1 flag as the bool, a JSON list,
    a number."""
    from sikernel.eye.erl import erl

    thru = str(channel_path("CA_19p75dB_thru.s4p"))
    assert main(["erl", thru, "--json", "--set", "tukey_window=0", "--set", "n_ui=800",
                 "--set", "tfx_s=[1e-11, 0]"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = erl(thru, tukey_window=False, n_ui=800, tfx_s=(1e-11, 0.0))
    assert out["erl_db"] == pytest.approx(r.erl_db, abs=1e-12)
    assert out["erl_db"] != pytest.approx(erl(thru).erl_db, abs=1e-6)


# --------------------------------------------------------------------------- study --out
def test_study_out_under_a_file_refused_before_work(tmp_path, capsys, no_work):
    afile = tmp_path / "AFILE"
    afile.write_text("x")
    assert main(["study", "--out", str(afile / "sub")]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", "is a file, not a folder")
    assert main(["study", "--out", str(afile)]) == 2
    one_error_line(capsys.readouterr().err, "is a file, not a folder")


def test_study_out_that_cannot_be_made_refused_before_work(tmp_path, capsys, no_work, monkeypatch):
    """New-user trial 27: ``--out /proc/xyz`` passed the permission check (root may write
    everywhere, by os.access) and failed after the whole study, without naming --out. A folder the
    file system refuses to make (read-only, virtual) is now refused before the work."""
    def refuse(self, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    target = tmp_path / "new-folder"
    assert main(["study", "--out", str(target)]) == 2
    one_error_line(capsys.readouterr().err, f"sikernel study: error: --out {target}",
                   "cannot create the folder (Read-only file system)")


def test_study_refused_run_leaves_no_empty_out_folder(tmp_path, capsys):
    """Review 27: ``--out`` is made before the work, so a run refused by its later checks must not
    leave the empty folder behind (a folder that existed before is kept)."""
    target = tmp_path / "made-for-nothing"
    assert main(["study", "--out", str(target), "--rate", "100", "--ber", "0.4"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", "target_ber=0.4")
    assert not target.exists()
    assert main(["study", "--out", str(tmp_path), "--rate", "100", "--ber", "0.4"]) == 2
    assert tmp_path.is_dir()


# --------------------------------------------------------------------------- study --node / --rate
def test_study_node_with_unit_and_serdes_class_rate_named(tmp_path, capsys):
    """Trial 98 L6: '--node 7nm' got argparse's "invalid float value"; '--rate 112' (the usual name of
    a 100G-class SerDes) listed the generations without saying which rate it means (refused by
    run_study's first step, before any pricing)."""
    with pytest.raises(SystemExit) as ex:
        main(["study", "--out", str(tmp_path), "--node", "7nm"])
    assert ex.value.code == 2
    assert "'7nm' is not a node in nm; give the number alone, e.g. 7" in capsys.readouterr().err
    assert main(["study", "--out", str(tmp_path), "--rate", "112"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", "112 Gb/s names a SerDes class; "
                   "the 51.2T study runs its lanes at 106.25 Gb/s: give 100 or 106.25")


# --------------------------------------------------------------------------- study --ber
def test_study_ber_at_q0_isone_error_line(capsys):
    """Review (December 2026): `--ber 0.4` printed 'error: math domain error' (no value, no range).
    The check runs in run_study before any link is priced (_generations)."""
    assert main(["study", "--rate", "100", "--arch", "cpo", "--ber", "0.4"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", "target_ber=0.4",
                    "at or above 0.375")


@pytest.mark.parametrize("value,needle", [("-1e-5", "target_ber=-1e-05"), ("-inf", "not finite"),
                                           ("-.5E-3", "target_ber=-0.0005")])
def test_study_negative_ber_in_exponent_form_reaches_its_check(capsys, value, needle):
    """New-user trial (session 26): ``--ber -1e-5`` got argparse's "expected one argument",
    whose own negative-number test misses the exponent form; the value now reaches the BER
    check, as ``--ber -0.001`` always did."""
    assert main(["study", "--rate", "100", "--arch", "cpo", "--ber", value]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", needle)


def test_negative_values_attached_only_where_argparse_would_misread_them():
    from sikernel.cli import _attach_negative_values as attach

    assert attach(["study", "--ber", "-1e-5"]) == ["study", "--ber=-1e-5"]
    assert attach(["study", "--ber", "-NaN"]) == ["study", "--ber=-NaN"]
    # argparse reads these itself, or they are not values of a long option: left alone
    for argv in (["study", "--ber", "-0.001"], ["study", "--ber=-1e-5"], ["study", "-h", "-1e-5"],
                 ["sweep", "--", "--x", "-1e-5"], ["study", "--ber", "-x1e5"]):
        assert attach(argv) == argv


# --------------------------------------------------------------------------- study --lpo-host-mm
def test_study_lpo_host_length_checked_before_work(tmp_path, capsys, no_work):
    assert main(["study", "--out", str(tmp_path), "--lpo-host-mm", "-5"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", "--lpo-host-mm -5: must be >= 0 mm")


@pytest.mark.parametrize("argv,needle", [
    (["--cpo-mm", "-5"], "--cpo-mm -5: must be > 0 mm"),
    (["--cpo-mm", "0"], "--cpo-mm 0: must be > 0 mm (the engine sits on the switch's package"),
    (["--npo-mm", "-1"], "--npo-mm -1: must be >= 0 mm (0: no board)"),
    (["--host-mm", "nan"], "--host-mm nan: not a finite length; give millimetres"),
    # fuzz 31 M1: warned, then failed deep inside ("h contains NaN or inf values")
    (["--host-mm", "254000"], "--host-mm 254000: 254 m is longer than any line (20 m); the option takes"),
    (["--cpo-mm", "25000"], "--cpo-mm 25000: 25 m is longer than any line (20 m)"),
    (["--cpo-mm", "600"], "--cpo-mm 600: the CPO path is a package trace, at most 500 mm"),
    (["--linear-budget-db", "-3"], "--linear-budget-db -3: a die-to-module loss budget at Nyquist in dB"),
    (["--linear-budget-db", "80"], "--linear-budget-db 80: a die-to-module loss budget"),
])
def test_study_options_refused_under_their_own_name_and_unit(tmp_path, capsys, no_work, argv, needle):
    """New-user trial 30 C1/C3: ``--cpo-mm -5`` said ``cpo_m=-0.005 must be > 0`` (the Python name in
    metres, not the flag typed in mm); ``--port 800e9`` got no unit hint.  Each is one error line
    naming the flag as typed, before any work."""
    assert main(["study", "--out", str(tmp_path), "--rate", "100", *argv]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:", needle)


def test_study_port_in_bits_per_second_named(tmp_path, capsys):
    """New-user trial 30 C3: ``--port 800e9`` (b/s) got no unit hint, unlike ``--rate 106.25e9``
    (checked in run_study's argument checks, before any link is priced)."""
    assert main(["study", "--out", str(tmp_path), "--rate", "100", "--port", "800e9"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel study: error:",
                   "port rates are in Gb/s: 8e+11 b/s is 800 Gb/s")


def test_study_lpo_host_length_reaches_the_lpo_path_alone(tmp_path, monkeypatch):
    """--lpo-host-mm gives LPO its own host board; --host-mm still moves pluggable and LRO."""
    import sikernel.study as study

    seen = {}

    def capture(*a, **k):
        seen.update(k)
        raise SIKernelError("stopped by the test")  # no work once the arguments are seen

    monkeypatch.setattr(study, "run_study", capture)
    assert main(["study", "--out", str(tmp_path), "--host-mm", "300", "--lpo-host-mm", "200"]) == 2
    strip = {k: next(s[2] for s in v.segments if s[0] == "stripline") for k, v in seen["paths"].items()}
    assert strip == {"pluggable": 0.3, "lro": 0.3, "lpo": 0.2}


def test_study_json_and_hdf5_carry_the_warnings(tmp_path, capsys, monkeypatch):
    """A script that reads ``sikernel study --json`` sees what stderr warned about (new-user review,
    December 2026): the command's own argument checks (a 20 mm host board: metres for mm?) and the
    run's (few draws), each once, in the JSON and the HDF5 file alike."""
    import json

    import sikernel.study as study
    from sikernel.study import read_hdf5

    real = study.run_study
    monkeypatch.setattr(study, "run_study",
                        lambda **k: real(**{**k, "with_eyes": False, "with_curves": False}))
    assert main(["study", "--json", "--out", str(tmp_path), "--host-mm", "20", "--rate", "100",
                 "--arch", "pluggable", "--draws", "60"]) == 0
    cap = capsys.readouterr()
    got = json.loads(cap.out)["warnings"]
    assert any("c2m_host_m=0.02" in w for w in got) and any("n_draws=60" in w for w in got), got
    assert len(got) == len(set(got))
    assert all(f"sikernel study: warning: {w}" in " ".join(cap.err.split()) for w in got)
    assert read_hdf5(tmp_path / "sikernel-study.h5")["warnings"] == got


def test_study_breakout_vias_reach_every_board(tmp_path, monkeypatch):
    """--breakout-vias gives every path with a board (not CPO) a via at each end, lengths kept."""
    import sikernel.study as study
    from sikernel.system.channels import DEFAULT_PATHS

    seen = {}

    def capture(*a, **k):
        seen.update(k)
        raise SIKernelError("stopped by the test")

    monkeypatch.setattr(study, "run_study", capture)
    assert main(["study", "--out", str(tmp_path), "--breakout-vias", "--npo-mm", "50"]) == 2
    paths = seen["paths"]
    assert set(paths) == {"pluggable", "lro", "lpo", "npo", "npo_dsp"}
    assert all(p.breakout_vias for p in paths.values())
    assert paths["npo"].segments[0][2] == 0.05
    assert paths["pluggable"].segments == DEFAULT_PATHS["pluggable"].segments
    seen.clear()
    assert main(["study", "--out", str(tmp_path), "--breakout-vias", "none"]) == 2
    assert set(seen["paths"]) == {"pluggable", "lro", "lpo", "npo", "npo_dsp"}
    assert not any(p.breakout_vias for p in seen["paths"].values())
    seen.clear()
    assert main(["study", "--out", str(tmp_path), "--breakout-vias", "shipped", "--npo-mm", "50"]) == 2
    assert set(seen["paths"]) == {"npo", "npo_dsp"} and seen["paths"]["npo"].breakout_vias
    seen.clear()
    assert main(["study", "--out", str(tmp_path)]) == 2
    assert seen["paths"] is None      # no flag: the shipped paths (vias on the NPO board only)


# --------------------------------------------------------------------------- eye --png
def test_eye_png_in_missing_folder_refused_before_work(tmp_path, capsys, no_work):
    png = tmp_path / "missing" / "dir" / "x.png"
    assert main(["eye", "/nonexistent/thru.s4p", "--baud", "53.125e9", "--png", str(png)]) == 2
    one_error_line(capsys.readouterr().err, "sikernel eye: error:", "--png", "does not exist")


def test_eye_baud_in_gbd_refused(capsys, no_work):
    assert main(["eye", "/nonexistent/thru.s4p", "--baud", "53.125"]) == 2
    one_error_line(capsys.readouterr().err, "did you mean 53.125 GBd")


# --------------------------------------------------------------------------- il --at
@pytest.mark.parametrize("text", ["26.5625GHz", "26.5625e9", "26.5625 GHz", "26.5625G", "26562.5MHz"])
def test_il_at_units(capsys, text):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--at", text, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["f_hz"] == [pytest.approx(26.5625e9, rel=1e-12)]


def test_il_bare_number_below_first_frequency_asks_for_ghz(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")   # starts at DC, first non-zero point 10 MHz
    assert main(["il", str(p), "--at", "26.5625"]) == 2
    one_error_line(capsys.readouterr().err, "26.5625 Hz is below the file's first frequency",
                    "did you mean GHz")


@pytest.mark.parametrize("text", ["--at=-1GHz", "1e999", "26.5625 parsecs", ""])
def test_il_at_nonsense(capsys, text):
    assert parse_frequency("1GHz") == (1e9, False)
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    argv = [text] if text.startswith("--at=") else ["--at", text]
    assert main(["il", str(p), *argv]) == 2
    one_error_line(capsys.readouterr().err, "--at")


# --------------------------------------------------------------------------- the top-level handler
@pytest.mark.parametrize("exc,code,needle", [
    (OSError(errno.ENOSPC, "No space left on device", "/x/out.h5"), 2, "No space left on device: /x/out.h5"),
    (ValueError("bad\nvalue"), 2, "error: bad value"),
    (TypeError("boom"), 1, "internal error: TypeError: boom (rerun with SIKERNEL_DEBUG=1"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_top_level_handler_one_line(monkeypatch, capsys, exc, code, needle):
    def fail(args):
        raise exc

    monkeypatch.delenv("SIKERNEL_DEBUG", raising=False)
    monkeypatch.setattr(cli_il, "_run", fail)
    assert main(["il", "x.s4p"]) == code
    one_error_line(capsys.readouterr().err, "sikernel il:", needle)


def test_debug_env_shows_the_traceback(monkeypatch):
    def fail(args):
        raise TypeError("boom")

    monkeypatch.setenv("SIKERNEL_DEBUG", "1")
    monkeypatch.setattr(cli_il, "_run", fail)
    with pytest.raises(TypeError, match="boom"):
        main(["il", "x.s4p"])


def test_warnings_one_line_each_and_counted(monkeypatch, capsys):
    import warnings

    from sikernel.errors import SIKernelWarning

    def warn_thrice(args):
        for _ in range(3):
            warnings.warn("first\nproblem", SIKernelWarning, stacklevel=1)
        warnings.warn("second problem", SIKernelWarning, stacklevel=1)
        print(args.warning_log.summary())
        return 0

    monkeypatch.setattr(cli_il, "_run", warn_thrice)
    assert main(["il", "x.s4p"]) == 0
    cap = capsys.readouterr()
    assert cap.err.splitlines() == ["sikernel il: warning: first problem",
                                    "sikernel il: warning: second problem"]
    assert cap.out.strip() == "2 warnings (4 in all)"


def test_sweep_warning_reaches_the_user_as_one_line(tmp_path):
    """A real sweep whose grid gives a slow FFT length: one readable line, counted in the summary."""
    cfg = tmp_path / "w.toml"
    cfg.write_text('name = "w"\noutputs = ["il_nyquist_db", "h0_v"]\n[axes]\nlength_m = [0.01, 0.02]\n'
                   "[frequency]\nf_max_hz = 60e9\ndf_hz = 19.1e6\n[pulse]\nsamples_per_ui = 8\n")
    out = tmp_path / "w.h5"
    r = subprocess.run([sys.executable, "-m", "sikernel.cli", "sweep", str(cfg), "-o", str(out)],
                       capture_output=True, text=True, timeout=300, cwd=REPO, check=False)
    assert r.returncode == 0, r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("sikernel sweep: warning: baud=5.3125e+10: the pulse "
                                               "transform has n_time="), r.stderr
    assert "1 warning (above)" in r.stdout


def test_sweep_second_writer_message_is_one_line(tmp_path, capsys):
    import json as _json
    import os

    out = tmp_path / "busy.h5"
    lock = Path(str(out) + ".lock")
    cfg = tmp_path / "c.toml"
    cfg.write_text('outputs = ["il_nyquist_db"]\n[axes]\nlength_m = [0.01]\n')
    # a lock held by another process: a child that takes it and waits
    code = ("import fcntl, os, sys, json, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, json.dumps({'pid': os.getpid(), 'host': 'elsewhere', "
            "'start_time_utc': 'now'}).encode())\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["sweep", str(cfg), "-o", str(out), "--overwrite", "--quiet"]) == 2
        line = one_error_line(capsys.readouterr().err, "being written by another sweep",
                               f"pid {holder.pid} on host elsewhere", str(out))
        assert _json.loads(lock.read_text())["pid"] == holder.pid != os.getpid(), line
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_many_different_warnings_are_capped(monkeypatch, capsys):
    import warnings

    from sikernel.cli import WarningLog
    from sikernel.errors import SIKernelWarning

    def warn_many(args):
        for i in range(50):
            warnings.warn(f"point {i} looks odd", SIKernelWarning, stacklevel=1)
        print(args.warning_log.summary())
        return 0

    monkeypatch.setattr(cli_il, "_run", warn_many)
    assert main(["il", "x.s4p"]) == 0
    cap = capsys.readouterr()
    lines = cap.err.splitlines()
    assert len(lines) == WarningLog.MAX_PRINTED + 1 and "the rest are only counted" in lines[-1]
    assert cap.out.strip() == "50 warnings"


@pytest.mark.parametrize("text", ["53.125e9", "53.125GBd", "53.125 GBaud", "53.125gbd", "53.125G",
                                  "53125MBd", "0.053125TBd", "53125000000bd"])
def test_baud_units(text):
    """New-user trial (session 26): ``--at`` took units and ``--baud`` did not; both share one
    grammar now (sikernel._cli.units)."""
    assert parse_symbol_rate(text) == pytest.approx(53.125e9, rel=1e-15)


@pytest.mark.parametrize("text,needle", [("53.125mBd", "lower-case 'm' is milli"),
                                         ("53.125 GHz", "expected a symbol rate"),
                                         ("106.25Gb/s", "Gb/s is a bit rate; --baud takes the symbol "
                                          "rate: PAM4 (2 bits per symbol) at 106.25 Gb/s is 53.125 GBd"),
                                         ("212.5 Gbps", "at 212.5 Gb/s is 106.25 GBd (--baud 106.25GBd)"),
                                         ("53.125", "did you mean 53.125 GBd"),
                                         ("-53.125GBd", "must be > 0"),
                                         ("inf", "expected a symbol rate")])
def test_baud_units_refused(capsys, no_work, text, needle):
    for command in (["il", "x.s4p"], ["eye", "/nonexistent/thru.s4p"]):
        assert main([*command, f"--baud={text}"]) == 2
        one_error_line(capsys.readouterr().err, "--baud", needle)


def test_baud_with_unit_reaches_the_computation(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--baud", "53.125GBd", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["baud"] == 53.125e9


def test_il_baud_in_gbd_refused(capsys):
    assert main(["il", "x.s4p", "--baud", "53.125"]) == 2
    one_error_line(capsys.readouterr().err, "did you mean 53.125 GBd (--baud=53.125e9)?")


@pytest.mark.parametrize("command", [["il", "x.s4p"], ["eye", "/nonexistent/thru.s4p"]])
def test_cli_baud_bounds_are_the_api_bounds(capsys, no_work, command):
    """Both commands check --baud with the API's one rule (_validate.symbol_rate): 1 MBd ... 1 TBd."""
    from sikernel._validate import MAX_BAUD_BD
    assert main([*command, "--baud", f"{2 * MAX_BAUD_BD:g}"]) == 2
    one_error_line(capsys.readouterr().err, "--baud=2e+12 Bd is above 1e+12 Bd (1 TBd)")
    assert main([*command, "--baud", "nan"]) == 2
    one_error_line(capsys.readouterr().err, "--baud")


# --------------------------------------------------------------------------- a second Ctrl-C
def test_second_interrupt_while_winding_down_prints_no_traceback(tmp_path):
    """Two SIGINTs in quick succession to a running ``python -m sikernel study``: one line
    ``interrupted``, status 130, no traceback (the second one landed in the thread join at
    shutdown), and no half-written study file.  The signals are sent once the progress bar shows,
    so the console entry's handler is in place; no timing is asserted."""
    import os
    import signal
    import subprocess
    import sys
    import time

    if os.name != "posix":
        pytest.skip("POSIX signals")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SIKERNEL_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "sikernel", "study", "--out", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seen = b""
    deadline = time.monotonic() + 600
    while b"port" not in seen and proc.poll() is None and time.monotonic() < deadline:
        seen += os.read(proc.stderr.fileno(), 256)
    if proc.poll() is not None:
        pytest.fail(f"the study ended before it could be interrupted: {seen[-500:]!r}")
    proc.send_signal(signal.SIGINT)
    time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=600)
    err = (seen + rest).decode(errors="replace")
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    assert err.replace("\r", "\n").strip().splitlines()[-1] == "sikernel study: interrupted"
    assert not list(tmp_path.glob("*.h5")) and not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize(("start", "expect"), [("default", "_interrupt_once"), ("ignored", "SIG_IGN")])
def test_console_entry_keeps_an_ignored_sigint_ignored(start, expect):
    """A shell starts a background job (``sikernel ... &``) with SIGINT ignored: the console entry
    installs its one-shot handler only over Python's default one (review: it had made such jobs
    interruptible).  Run in a subprocess, with main() replaced by a probe of the handler."""
    import subprocess
    import sys

    probe = (
        "import signal\n"
        f"if {start!r} == 'ignored':\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "import sikernel.cli as c\n"
        "def probe(argv=None):\n"
        "    h = signal.getsignal(signal.SIGINT)\n"
        "    print('SIG_IGN' if h is signal.SIG_IGN else getattr(h, '__name__', repr(h)))\n"
        "    return 0\n"
        "c.main = probe\n"
        "c.entry()\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expect
