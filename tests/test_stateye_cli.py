"""`sikernel eye` on a real IEEE P802.3ck channel, and the eye-closure figure."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.cli import main
from sikernel.eye.closure import eye_closure, eye_closure_db

from .conftest import channel_path


def test_cli_eye_real_channel_equalisation_opens_the_eye(capsys, tmp_path):
    thru = channel_path("DPO_4in_Meg7_THRU.s4p")
    png = tmp_path / "eye.png"
    assert main(["eye", str(thru), "--baud", "53.125e9", "--json", "--png", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    un, eq = out["unequalised"], out["equalised"]
    assert eq["eye_height_min_v"] > 0 and 0 < eq["eye_width_min_ui"] < 1
    assert np.isfinite(eq["eye_closure_max_db"]) and eq["eye_closure_max_db"] > 0
    # a closed unequalised eye is null in strict JSON (it was Infinity, which strict parsers refuse)
    assert un["eye_closed"] or un["eye_closure_max_db"] > eq["eye_closure_max_db"]
    assert not eq["eye_closed"]
    assert len(out["equaliser"]["rx_ffe_taps"]) == 3 + 1 + 8
    assert png.is_file() and png.stat().st_size > 10_000
    # the text report names both eyes
    assert main(["eye", str(thru), "--baud", "53.125e9", "--dfe", "1"]) == 0
    text = capsys.readouterr().out
    assert "unequalised" in text and "equalised" in text


def test_cli_eye_bad_input(capsys, tmp_path):
    assert main(["eye", str(tmp_path / "missing.s4p"), "--baud", "53.125e9"]) == 2
    assert "does not exist" in capsys.readouterr().err
    thru = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["eye", str(thru), "--baud", "53.125e9", "--target-ber", "0.7"]) == 2
    assert "--target-ber=0.7 must lie strictly between 0 and 0.5" in capsys.readouterr().err


def test_eye_closure_db_formula_and_bad_input():
    np.testing.assert_allclose(eye_closure_db([0.1, 0.05, 0.0], 0.2),
                               [20 * np.log10(2), 20 * np.log10(4), np.inf])
    with pytest.raises(SIKernelError, match="ideal_eye_height_v"):
        eye_closure_db(0.1, 0.0)


def test_eye_closure_equalised_vs_unequalised():
    m = 16
    t = np.arange(40 * m) / m
    p = 0.3 * np.exp(-((t - 4) / 0.7) ** 2) + 0.04 * np.exp(-np.clip(t - 4, 0, None) / 2.5) * (t > 4)
    r = eye_closure(p, p, m, equalised_kwargs={"n_dfe": 3}, sigma_v=0.002, n_phases=32, n_bins=512)
    assert r.closure_equalised_db < r.closure_unequalised_db
    np.testing.assert_allclose(r.equalised.eye_closure_db,
                               eye_closure_db(r.equalised.eye_height_v, r.equalised.ideal_eye_height_v))
    with pytest.raises(SIKernelError, match="n_dfe"):
        eye_closure(p, p, m, n_dfe=2)


def test_cli_eye_crosstalk_closes_the_eye(capsys):
    thru = channel_path("CA_19p75dB_thru.s4p")
    nxt, fxt = channel_path("CA_19p75dB_next1.s4p"), channel_path("CA_19p75dB_fext1.s4p")
    args = ["eye", str(thru), "--baud", "53.125e9", "--json", "--rj-ui", "0"]
    assert main(args) == 0
    quiet = json.loads(capsys.readouterr().out)
    assert main([*args, "--next", str(nxt), "--fext", str(fxt)]) == 0
    noisy = json.loads(capsys.readouterr().out)
    assert noisy["next"] == [str(nxt)] and noisy["fext"] == [str(fxt)]
    assert 0 < noisy["equalised"]["eye_height_min_v"] < quiet["equalised"]["eye_height_min_v"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["--amplitude-v", "413"], "mV must be divided by 1000"),
    (["--a-ne-v", "608"], "mV must be divided by 1000"),
    (["--f-r", "0.75e9"], "fraction of the signalling rate"),
    (["--dd-ui", "2"], "UI"),
    (["--eta0-v2-ghz", "8.2"], "V^2/GHz"),
    (["--amplitude-v", "0"], "must be > 0"),      # no signal
    (["--f-r", "0"], "must be > 0"),              # no bandwidth
    (["--target-ber", "0"], "must lie strictly between 0 and 0.5"),   # fuzz 31 low: 'target_ber=0.0'
])
def test_cli_eye_unit_slips_refused_before_computing(capsys, argv, needle):
    """The COM presets' plausible ranges guard the eye command's options (review: --amplitude-v 413
    gave a 57 V eye, --f-r 0.75e9 an AFE at 4e19 Hz)."""
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["eye", str(p), "--baud", "53.125e9", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sikernel eye: error: {argv[0]}=") and needle in err


def test_cli_eye_png_suffix_refused_before_computing(capsys, tmp_path, monkeypatch):
    """Fuzz 31 M7: --png x.txt failed in matplotlib after the eyes were computed (16 s with
    --ffe-pre 1000); the suffix is checked with the other options."""
    import sikernel.eye.stateye as se

    def no_eyes(*a, **k):
        raise AssertionError("computed before the --png check")

    monkeypatch.setattr(se, "stat_eye", no_eyes)
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["eye", str(p), "--baud", "53.125e9", "--png", str(tmp_path / "x.txt")]) == 2
    err = capsys.readouterr().err
    assert "--png" in err and "cannot write '.txt' files; use .png" in err
    assert not (tmp_path / "x.txt").exists()


def test_cli_eye_noise_density_in_v2_per_hz_warns(capsys):
    """8.2e-18 is the sheets' density in V^2/Hz typed into the V^2/GHz option: a warning."""
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    assert main(["eye", str(p), "--baud", "53.125e9", "--eta0-v2-ghz", "8.2e-18", "--json"]) == 0
    assert "looks like a V^2/Hz value" in capsys.readouterr().err


def test_cli_eye_rx_ffe_taps_held_within_the_limit(capsys):
    """The equalised eye's MMSE RX FFE, solved against the AFE-filtered thermal noise too: every
    tap within --ffe-limit (0.7, the 802.3dj COM draft's) of the unit main tap.  Unconstrained
    (--ffe-limit inf) the long Tp0-Tp5 channel's FFE puts a post tap beyond the main one (the
    review's 1.38), the near null space of FFE post taps inside the DFE span."""
    p = channel_path("Tp0_Tp5_28p5db_FQSFP_thru.s4p")
    taps = {}
    for lim in ("0.7", "inf"):
        assert main(["eye", str(p), "--baud", "53.125e9", "--json", "--ffe-limit", lim]) == 0
        out = json.loads(capsys.readouterr().out)
        taps[lim] = np.asarray(out["equaliser"]["rx_ffe_taps"])
        assert taps[lim][out["equaliser"]["rx_ffe_n_pre"]] == pytest.approx(1.0)
    assert np.max(np.abs(taps["0.7"])[np.abs(taps["0.7"]) < 0.999]) <= 0.7 + 1e-6
    assert np.max(np.abs(np.delete(taps["inf"], 3))) > 1.0
    assert main(["eye", str(p), "--baud", "53.125e9", "--ffe-limit", "0"]) == 2


def test_eye_closure_closed_equalised_eye_warns_and_is_not_silent_nan():
    """Fuzz 31 H2: a closed equalised eye gave improvement_db NaN without a word. Now -inf when only
    the unequalised eye is open, NaN when both are closed, each with a SIKernelWarning."""
    from sikernel.errors import SIKernelWarning

    m = 16
    t = np.arange(40 * m) / m
    open_p = 0.3 * np.exp(-((t - 4) / 0.4) ** 2)   # little ISI: open without equalisation
    closed_p = 0.1 * np.exp(-((t - 4) / 0.7) ** 2) + 0.08 * np.exp(-np.clip(t - 4, 0, None) / 5.0) * (t > 4)
    kw = {"sigma_v": 0.002, "n_phases": 32, "n_bins": 512}
    with pytest.warns(SIKernelWarning, match="equalised eye is closed though the unequalised one is open"):
        r = eye_closure(open_p, closed_p, m, **kw)
    assert np.isfinite(r.closure_unequalised_db) and r.improvement_db == -np.inf
    with pytest.warns(SIKernelWarning, match="both eyes are closed: improvement_db is NaN"):
        r = eye_closure(closed_p, closed_p, m, **kw)
    assert np.isnan(r.improvement_db)


@pytest.mark.parametrize(("kw", "match"), [
    ({"equalised_kwargs": {"foo": 1}}, r"equalised_kwargs argument\(s\) 'foo' are not stat_eye arguments"),
    ({"equalised_kwargs": 3}, r"equalised_kwargs=3 must be a mapping of stat_eye arguments"),
    ({"sigma": 0.01}, r"keyword argument\(s\) 'sigma' are not stat_eye arguments; known: .*sigma_v"),
])
def test_eye_closure_arguments_checked_before_the_first_eye(kw, match, monkeypatch):
    """Fuzz 31 M10: a bad equalised_kwargs failed with a bare TypeError after the unequalised eye."""
    import sikernel.eye.closure as cl

    def no_eye(*a, **k):
        raise AssertionError("an eye was computed before the arguments were checked")

    monkeypatch.setattr(cl, "stat_eye", no_eye)
    p = np.zeros(64)
    p[20] = 1.0
    with pytest.raises(SIKernelError, match=match):
        eye_closure(p, p, 16, **kw)
