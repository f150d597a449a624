"""Bad input to ``sikernel eye / erl / il / com`` found by fuzzing: strict JSON (no
``Infinity``), a Touchstone option line whose unit does not match the frequency column, the
ranges of ``--set``, and ``il --at`` / ``--baud`` messages that name a fix that works."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.cli import main

from .conftest import channel_path, one_error_line


def _strict(text: str) -> object:
    """Parse JSON refusing NaN / Infinity (what a strict parser, e.g. a browser's, does)."""
    def refuse(tok: str) -> float:
        raise AssertionError(f"non-strict JSON token {tok!r}")

    return json.loads(text, parse_constant=refuse)


def _write_s4p(path, f_col, s_value: float = 0.0, option: str = "# Hz S RI R 50") -> None:
    """A single-ended 4-port Touchstone 1.0 file: every S-parameter ``s_value`` (real)."""
    rows = [option]
    for f in f_col:
        vals = " ".join(f"{s_value:g} 0" for _ in range(16))
        rows.append(f"{f:.10g} {vals}")
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture
def zeros_s4p(tmp_path):
    p = tmp_path / "zeros.s4p"
    _write_s4p(p, np.arange(601) * 100e6)   # 0..60 GHz, 100 MHz steps, S = 0 everywhere
    return p


@pytest.fixture
def ghz_s4p(tmp_path):
    p = tmp_path / "ghz.s4p"
    _write_s4p(p, np.arange(601) * 100e6, 0.1, "# GHz S MA R 50")   # the column is in Hz
    return p


# --------------------------------------------------------------------------- strict JSON
def test_strict_json_helper_maps_non_finite_to_null():
    from sikernel._json import strict_json

    text = strict_json({"a": math.inf, "b": [np.float64(-np.inf), np.nan, 1.5], "c": np.int64(3),
                        "d": np.array([1.0, np.inf]), "e": (True, None), "f": np.bool_(False)})
    assert _strict(text) == {"a": None, "b": [None, None, 1.5], "c": 3, "d": [1.0, None],
                             "e": [True, None], "f": False}


def test_erl_json_strict_when_no_reflection(zeros_s4p, capsys):
    """ERL of a channel that reflects nothing is +inf: null in --json (it printed Infinity)."""
    assert main(["erl", str(zeros_s4p), "--json"]) == 0
    cap = capsys.readouterr()
    out = _strict(cap.out)
    assert out["erl_db"] is None and out["erl_tx_db"] is None and out["erl_rx_db"] is None
    assert out["passed"] is True
    assert "ERL is reported as +inf" in cap.err
    assert main(["erl", str(zeros_s4p)]) == 0
    assert "no reflection reaches DER_0" in capsys.readouterr().out


def test_il_json_strict_for_a_dead_channel(zeros_s4p, capsys):
    assert main(["il", str(zeros_s4p), "--json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert all(x is None or math.isfinite(x) for x in out["il_db"])


def test_eye_json_strict_when_the_eye_is_closed(capsys):
    """The unequalised eye of DPO_4in at 53.125 GBd is closed: closure null, not Infinity."""
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["eye", str(p), "--baud", "53.125e9", "--json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert out["unequalised"]["eye_closure_max_db"] is None and out["unequalised"]["eye_closed"] is True
    assert out["equalised"]["eye_closed"] is False
    assert out["unequalised"]["eye_height_min_v"] == 0.0
    assert math.isfinite(out["equalised"]["eye_closure_max_db"])
    assert main(["eye", str(p), "--baud", "53.125e9"]) == 0
    text = capsys.readouterr().out
    assert "closure: eye closed at the target BER" in text and "inf dB" not in text


def test_com_json_strict(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["com", str(p), "--json", "--set", "z_p_cases_m=[[0.012, 0.012]]",
                 "--set", "ctle_gdc_db=[-2.0]", "--set", "ctle_gdc2_db=[0.0]"]) == 0
    out = _strict(capsys.readouterr().out)
    assert math.isfinite(out["com_db"])


# --------------------------------------------------------------------------- option-line unit
def test_read_touchstone_refuses_ghz_option_over_hz_column(ghz_s4p):
    from sikernel.channel.touchstone import parse_touchstone, read_touchstone

    for fn in (read_touchstone, parse_touchstone):
        with pytest.raises(SIKernelError, match=r"6e\+19 Hz.*10 THz.*'# GHz S MA R 50' says GHz.*"
                                                r"looks like Hz: write '# Hz \.\.\.'"):
            fn(ghz_s4p)


def test_read_touchstone_mhz_option_over_hz_column(tmp_path):
    from sikernel.channel.touchstone import read_touchstone

    p = tmp_path / "mhz.s4p"
    _write_s4p(p, np.arange(101) * 600e6, 0.1, "# MHz S MA R 50")
    with pytest.raises(SIKernelError, match="says MHz, but the column looks like Hz"):
        read_touchstone(p)


def test_read_touchstone_right_units_still_read(tmp_path):
    from sikernel.channel.touchstone import read_touchstone

    p = tmp_path / "ok.s4p"
    _write_s4p(p, np.arange(601) * 0.1, 0.1, "# GHz S MA R 50")   # 0..60 GHz written in GHz
    assert read_touchstone(p, check_port_map=False).f[-1] == pytest.approx(60e9)


@pytest.mark.parametrize("cmd", ["erl", "il"])
def test_cli_ghz_option_over_hz_column_is_one_error(ghz_s4p, capsys, cmd):
    """erl was 'internal error: ZeroDivisionError'; il printed '0..6e+10 GHz' and IL 0.25 dB."""
    assert main([cmd, str(ghz_s4p)]) == 2
    one_error_line(capsys.readouterr().err, f"sikernel {cmd}: error:", "says GHz",
                    "the column looks like Hz")


def test_erl_unusable_grid_is_an_error_not_a_division_by_zero():
    """A frequency step wider than the TDR's band leaves no TDR points: SIKernelError."""
    from sikernel import Channel
    from sikernel.eye.erl import erl, get_erl_settings, tdr_impulse

    f = np.arange(100) * 2e12
    s = np.zeros((f.size, 2, 2), dtype=complex)
    s[:, 1, 0] = s[:, 0, 1] = 0.5
    with pytest.raises(SIKernelError, match=r"frequency step 2e\+12 Hz .* unusable for ERL"):
        erl(Channel(f, s))
    st, _ = get_erl_settings("802.3ck-kr")
    with pytest.raises(SIKernelError, match="leaves 0 TDR frequency points"):
        tdr_impulse(np.zeros(f.size, dtype=complex), f, st)


# --------------------------------------------------------------------------- --set ranges
@pytest.mark.parametrize(("cmd", "item", "needles"), [
    ("com", "dfe_n_f=1e9", ("dfe_n_f must be in 0..1000", "e.g. --set dfe_n_f=")),   # was a MemoryError
    ("com", "samples_per_ui=100000", ("samples_per_ui must be in 4..128",)),
    ("com", "df_hz=1", ("df_hz must be in 1e+06..1e+09",)),
    ("com", "extra=5", ("extra cannot be set with --set", "settable: ")),              # was accepted
    ("com", "version=x", ("version cannot be set",)),
    ("com", "tx_taps=[[-1, -0.5, 0, 1e-7]]", ("TX FFE settings to search", "at most 1e+06")),
    ("com", "mode=3", ("mode takes a name",)),
    ("com", 'rx_raised_cosine_hz="x"', ("rx_raised_cosine_hz takes null",)),
    ("erl", "n_ui=1e12", ("n_ui must be in 1..100000",)),                            # printed N 1e12 UI
    ("erl", "pdf_bin_v=1e-12", ("pdf_bin_v must be in 1e-06..0.1",)),
    ("erl", "tx_package=1", ("tx_package cannot be set", "--config SHEET.xlsx")),
])
def test_set_ranges_and_unsettable_fields(capsys, cmd, item, needles):
    # the file does not exist: the --set error comes before it is read
    assert main([cmd, "/nonexistent/thru.s4p", "--set", item]) == 2
    one_error_line(capsys.readouterr().err, f"sikernel {cmd}: error:", *needles)


def test_set_within_range_still_parsed():
    from sikernel._cli.com import _parse_overrides

    out = _parse_overrides(["dfe_n_f=60", "samples_per_ui=16", "rx_raised_cosine_hz=[1e9, 2e9]",
                            "mode=mmse"])
    assert out == {"dfe_n_f": 60, "samples_per_ui": 16, "rx_raised_cosine_hz": [1e9, 2e9],
                   "mode": "mmse"}


# --------------------------------------------------------------------------- il --at / --baud
@pytest.mark.parametrize(("at", "needles", "absent"), [
    ("5e6", ("5e+06 Hz is below the file's first frequency", "give the unit: --at 5e6Hz"), "GHz (--at"),
    ("1e-3", ("0.001 Hz is below", "bare numbers are in Hz"), "did you mean"),
    ("26.5625", ("did you mean GHz (--at 26.5625GHz)",), None),
    ("26.5625mHz", ("lower-case 'm' is milli", "26.5625MHz"), None),
    ("26.5625m", ("lower-case 'm' is milli",), None),
])
def test_il_at_suggestions_work(capsys, at, needles, absent):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--at", at]) == 2
    line = one_error_line(capsys.readouterr().err, "sikernel il: error:", *needles)
    if absent:
        assert absent not in line


def test_il_at_explicit_units_accepted(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["il", str(p), "--at", "5e6Hz", "26.5625MHz", "--json"]) == 0
    assert _strict(capsys.readouterr().out)["f_hz"] == [5e6, pytest.approx(26.5625e6)]


def test_il_baud_on_a_dead_channel_names_no_python_argument(zeros_s4p, capsys):
    assert main(["il", str(zeros_s4p), "--baud", "53.125e9"]) == 2
    line = one_error_line(capsys.readouterr().err, "sikernel il: error:", "--baud",
                           "transmits nothing", "--pairs")
    assert "weighting" not in line


def test_il_baud_on_a_channel_dead_in_the_fit_band_names_no_python_argument(tmp_path, capsys):
    """|SDD21| non-zero only below FOM_ILD's band: refused in the CLI's words (the library raises
    NoTransmissionError; the CLI no longer matches its message text)."""
    p = tmp_path / "lowpass.s4p"
    f = np.arange(601) * 100e6
    rows = ["# Hz S RI R 50"]
    for fi in f:
        v = ["0 0"] * 16
        if fi <= 1e6:   # S21 = S12 = S43 = S34 = 0.9 at DC only (single-ended 1-2, 3-4 thrus)
            for k in (4, 1, 14, 11):
                v[k] = "0.9 0"
        rows.append(f"{fi:.10g} " + " ".join(v))
    p.write_text("\n".join(rows) + "\n")
    assert main(["il", str(p), "--baud", "53.125e9"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    warn, line = err.strip().splitlines()   # the role check's warning, then the refusal
    assert warn.startswith("sikernel il: warning:") and "transmits nothing" in warn
    assert line.startswith("sikernel il: error:") and "--baud" in line
    assert "across the fit band" in line and "--pairs" in line and "weighting" not in line


def test_com_set_rise_time_in_ns_names_the_field_not_the_channel(capsys):
    """--set t_r_s=4e-9 (ns for ps) had failed on 'no valid sampling point ... the channel may be
    disconnected'; it is refused on the field, naming the unit."""
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["com", str(p), "--set", "t_r_s=4e-9"]) == 2
    line = one_error_line(capsys.readouterr().err, "sikernel com: error:", "t_r_s", "1e-12")
    assert "channel" not in line


@pytest.mark.parametrize("cmd", [["il", "--baud", "53.125e9"], ["erl"]])
def test_il_and_erl_warn_on_a_crosstalk_file(capsys, cmd):
    """A NEXT file given to il or erl printed 65 dB / an ERL 'pass' without a word; both warn as
    com does (channel.roles.check_role), with advice that fits a one-channel command."""
    p = channel_path("CA_19p75dB_next1.s4p")
    assert main([cmd[0], str(p), *cmd[1:]]) == 0
    err = capsys.readouterr().err
    assert f"sikernel {cmd[0]}: warning:" in err and "as a crosstalk (NEXT/FEXT) file does" in err
    assert "next/fext" not in err   # the com advice (aggressors to --next/--fext) does not apply


def test_erl_200g_preset_name_points_to_a_sheet(capsys):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["erl", str(p), "--config", "802.3dj-kr"]) == 2
    one_error_line(capsys.readouterr().err, "sikernel erl: error:", "802.3dj", ".xlsx")
