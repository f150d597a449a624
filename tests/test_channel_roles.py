"""A channel given the wrong role -- a FEXT/NEXT file as the thru, or the thru as an aggressor --
computes without error and means nothing; ``sikernel.channel.roles.check_role`` warns before the
work (COM API, ``sikernel com``, ``sikernel eye``).  Checked on every real P802.3ck file in its
true role (no warning) and in the wrong one (a warning), and on synthetic channels."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from sikernel import SIKernelError, SIKernelWarning
from sikernel.channel.core import Channel
from sikernel.channel.roles import CROSSTALK_LOW_BAND_MIN_IL_DB, check_role
from sikernel.channel.touchstone import THRU_LOW_BAND_MAX_IL_DB, read_touchstone
from sikernel.cli import main
from sikernel.power.crosstalk import CA_FILES

from .conftest import THRU_FILES, channel_path, repo_text

#: the 15 crosstalk channels of CA_19p75dB (named once, with the crosstalk fit's files)
AGGRESSORS = (*CA_FILES["fext"], *CA_FILES["next"])


def _role_warnings(ch: Channel, role: str) -> list[str]:
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        check_role(ch, role, "x")
    return [str(w.message) for w in rec if issubclass(w.category, SIKernelWarning)]


def _synthetic(sdd21: np.ndarray, f: np.ndarray, name: str) -> Channel:
    sdd = np.zeros((f.size, 2, 2), dtype=complex)
    sdd[:, 1, 0] = sdd[:, 0, 1] = sdd21
    return Channel(f, sdd, 100.0, name)


F = np.linspace(0.0, 60e9, 601)


@pytest.mark.parametrize("name", THRU_FILES)
def test_real_thru_passes_as_thru_and_warns_as_aggressor(name):
    ch = read_touchstone(channel_path(name))
    assert _role_warnings(ch, "thru") == []
    msg = _role_warnings(ch, "fext")
    assert len(msg) == 1 and "as a thru does" in msg[0]


@pytest.mark.parametrize("name", AGGRESSORS)
def test_real_crosstalk_passes_as_aggressor_and_warns_as_thru(name):
    ch = read_touchstone(channel_path(name), check_port_map=False)
    role = "fext" if "fext" in name else "next"
    assert _role_warnings(ch, role) == []
    msg = _role_warnings(ch, "thru")
    assert len(msg) == 1 and "crosstalk (NEXT/FEXT)" in msg[0]


def test_thresholds_on_synthetic_channels():
    # a 40 dB-at-26.56 GHz line with skin-effect loss (∝ sqrt f) and dielectric loss (∝ f):
    # a few dB at the bottom of the band, so a long thru is not mistaken for crosstalk
    db = 12.0 * np.sqrt(F / 26.56e9) + 28.0 * F / 26.56e9
    thru = _synthetic(10 ** (-db / 20) * np.exp(-2j * np.pi * F * 5e-9), F, "long thru")
    assert _role_warnings(thru, "thru") == []
    # capacitive/inductive coupling: |FEXT| ∝ f, -40 dB at 26.56 GHz
    fext = _synthetic(0.01 * F / 26.56e9 + 0j, F, "fext")
    assert len(_role_warnings(fext, "thru")) == 1
    assert _role_warnings(fext, "fext") == []
    # the two thresholds leave a band where neither warns
    assert THRU_LOW_BAND_MAX_IL_DB < CROSSTALK_LOW_BAND_MIN_IL_DB
    with pytest.raises(SIKernelError, match="role='victim'"):
        check_role(thru, "victim", "x")


def test_com_api_warns_on_fext_given_as_thru():
    from sikernel.eye.com import com

    fext = channel_path("CA_19p75dB_fext1.s4p")
    with pytest.warns(SIKernelWarning, match=r"channel \(CA_19p75dB_fext1.s4p\) is given as the thru"):
        com(fext, "802.3ck-cr")


def test_com_cli_warns_on_thru_given_as_fext(capsys):
    thru = str(channel_path("CA_19p75dB_thru.s4p"))
    assert main(["com", thru, "--preset", "802.3ck-cr", "--fext", thru]) == 0
    err = capsys.readouterr().err
    assert "sikernel com: warning: fext[0] (CA_19p75dB_thru.s4p) is given as a FEXT aggressor" in err


def test_eye_cli_warns_on_fext_given_as_thru(capsys):
    fext = str(channel_path("CA_19p75dB_fext2.s4p"))
    assert main(["eye", fext, "--baud", "53.125e9", "--json"]) == 0
    err = capsys.readouterr().err
    assert "sikernel eye: warning: THRU (CA_19p75dB_fext2.s4p) is given as the thru" in err


def _eye_cli_stopped_at_the_first_pulse(capsys, monkeypatch, args: list[str]) -> str:
    """stderr of ``sikernel eye`` run with every pulse computation replaced by a stub that raises:
    the CLI reports the stub's exception as an internal error (rc 1), so whatever it printed
    before that came before any pulse was computed."""
    import sikernel.response

    def computed(*args, **kwargs):
        raise RuntimeError("a pulse was computed")

    monkeypatch.setattr(sikernel.response, "pulse_response", computed)
    assert main(["eye", *args]) == 1
    err = capsys.readouterr().err
    assert "a pulse was computed" in err
    return err


def test_eye_cli_checks_every_role_before_computing(capsys, monkeypatch):
    """A thru given as a NEXT aggressor is warned about before any pulse is computed (new-user
    review: the warning came after the thru's eye, 80 s on a cold cache)."""
    thru = str(channel_path("CA_19p75dB_thru.s4p"))
    dpo = str(channel_path("DPO_4in_Meg7_THRU.s4p"))
    err = _eye_cli_stopped_at_the_first_pulse(capsys, monkeypatch,
                                              [dpo, "--baud", "53.125e9", "--next", thru])
    assert -1 < err.find("is given as a NEXT aggressor") < err.find("a pulse was computed")


def test_a_channel_that_transmits_nothing_is_not_called_crosstalk():
    """All-zero data (6000 dB, floored) warned 'as a crosstalk file does'; it is said as what it
    is: nothing transmitted (an empty or disconnected file, or unconnected ports)."""
    import warnings as w

    from sikernel.channel.core import Channel
    from sikernel.channel.roles import check_role
    from sikernel.errors import SIKernelWarning

    f = np.arange(0, 601) * 1e8
    dead = Channel(f, np.zeros((f.size, 2, 2), complex), 100.0, "dead")
    with w.catch_warnings(record=True) as rec:
        w.simplefilter("always")
        check_role(dead, "thru", "THRU")
        check_role(dead, "next", "NEXT")
    msgs = [str(r.message) for r in rec if issubclass(r.category, SIKernelWarning)]
    assert len(msgs) == 2 and all("transmits nothing" in m and "crosstalk" not in m for m in msgs)


# --- NEXT or FEXT: when the aggressor arrives (roles.check_crosstalk_direction) ---------------

#: how far the computed CA thru flight time may be from the figure the docs state (s): half the
#: 0.1 ns it is rounded to, plus one sample of the check's 2 x 60 GHz grid (8.3 ps)
FLIGHT_TOL_S = 0.05e-9 + 8.4e-12
#: where the direction check's figures are typed: the module docstring and the COM guide
DIRECTION_TEXTS = ("sikernel/channel/roles.py", "docs/guide/com.md")


def _direction_warnings(flight_s: float, ch: Channel, role: str) -> list[str]:
    from sikernel.channel.roles import check_crosstalk_direction

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        check_crosstalk_direction(flight_s, ch, role, "x")
    return [str(w.message) for w in rec if issubclass(w.category, SIKernelWarning)]


@pytest.fixture(scope="module")
def ca_flight_s() -> float:
    from sikernel.channel.roles import flight_time_s

    return flight_time_s(read_touchstone(channel_path("CA_19p75dB_thru.s4p")))


@pytest.fixture(scope="module")
def ca_early_fractions(ca_flight_s) -> dict[str, dict[float, float]]:
    """Every CA aggressor's early energy fraction before half and three quarters of the thru's flight."""
    from sikernel.channel.roles import early_energy_fraction

    return {n: {w: early_energy_fraction(read_touchstone(channel_path(n), check_port_map=False),
                                         w * ca_flight_s) for w in (0.5, 0.75)} for n in AGGRESSORS}


def test_direction_figures_in_the_texts_are_current(ca_flight_s, ca_early_fractions):
    """The figures the roles docstring and the COM guide state: the thru's 10.4 ns flight, FEXT at
    most 1e-4 of its energy before half of it (2e-4 before three quarters, the NEXT check's window),
    NEXT 99.8 % or more; recomputed here from the files, each text read."""
    from sikernel.channel.roles import FEXT_CHECK_WINDOW_OF_FLIGHT, NEXT_CHECK_WINDOW_OF_FLIGHT

    assert (FEXT_CHECK_WINDOW_OF_FLIGHT, NEXT_CHECK_WINDOW_OF_FLIGHT) == (0.5, 0.75)
    fext = [v for n, v in ca_early_fractions.items() if "fext" in n]
    nxt = [v for n, v in ca_early_fractions.items() if "next" in n]
    assert max(v[0.5] for v in fext) <= 1e-4 and max(v[0.75] for v in fext) <= 2e-4
    assert min(v[0.5] for v in nxt) >= 0.998
    for path in DIRECTION_TEXTS:
        text = repo_text(path, flat=True)
        flights_ns = [float(x) for x in re.findall(r"(\d+\.\d) ns", text)]
        assert any(abs(x * 1e-9 - ca_flight_s) < FLIGHT_TOL_S for x in flights_ns), (path, flights_ns)
        assert "at most 1e-4 of their energy before half" in text and "99.8 % or more" in text, path


@pytest.mark.parametrize("name", AGGRESSORS)
def test_real_crosstalk_direction_passes_in_its_role_and_warns_in_the_other(name, ca_flight_s):
    """Each CA aggressor warns in the other role and not in its own."""
    ch = read_touchstone(channel_path(name), check_port_map=False)
    role, other = ("fext", "next") if "fext" in name else ("next", "fext")
    assert _direction_warnings(ca_flight_s, ch, role) == []
    msg = _direction_warnings(ca_flight_s, ch, other)
    assert len(msg) == 1 and f"check whether this is a {role.upper()} file" in msg[0]


def test_direction_check_on_other_grids(ca_flight_s):
    """A non-uniform grid (a finer low band, as VNA files have) is put on a uniform one and judged
    the same; an aggressor on a grid too coarse for the thru's flight (its record wraps a late
    arrival to early times) is not judged at all (audit of review 28: both warned or failed)."""
    from sikernel.channel.lumped import on_grid
    from sikernel.channel.roles import MAX_FLIGHT_OF_RECORD, check_crosstalk_direction

    fxt = read_touchstone(channel_path("CA_19p75dB_fext1.s4p"), check_port_map=False)
    nxt = read_touchstone(channel_path("CA_19p75dB_next1.s4p"), check_port_map=False)
    grid = np.concatenate([np.arange(0.0, 1e9, 2e6), np.arange(1e9, 60e9 + 1, 10e6)])
    for ch, role in ((fxt, "fext"), (nxt, "next")):
        fine_low = on_grid(ch, grid)
        assert _direction_warnings(ca_flight_s, fine_low, role) == []
        assert len(_direction_warnings(ca_flight_s, fine_low, "next" if role == "fext" else "fext")) == 1
    coarse = on_grid(fxt, np.arange(0.0, 60e9 + 1, 80e6))   # a 12.5 ns record: 10.4 ns does not fit
    assert ca_flight_s > MAX_FLIGHT_OF_RECORD / 80e6
    assert np.isnan(check_crosstalk_direction(ca_flight_s, coarse, "fext", "x"))
    assert _direction_warnings(ca_flight_s, coarse, "fext") == []


def _coupled_line(td_s: float, kind: str) -> Channel:
    """Crosstalk of one uniform, weakly coupled line of delay ``td_s`` (Bogatin ch. 10).

    Backward (NEXT) = K_b (1 - e^{-j 2 w TD}): a step response that plateaus from 0 to 2 TD, so an
    impulse response of two equal impulses at 0 and 2 TD (the least front-loaded NEXT there is).
    Forward (FEXT) = j w K_f TD e^{-j w TD}: a derivative pulse at TD.  Both behind 0.2 ns of
    package at the receiver (so the Gaussian roll-off below leaves nothing before t = 0).  On the
    P802.3ck files' 10 MHz grid (a 100 ns record, so 2 TD does not wrap)."""
    f = np.linspace(0.0, 60e9, 6001)
    w = 2 * np.pi * f
    h = (0.05 * (1 - np.exp(-2j * w * td_s)) if kind == "next"
         else 1j * w * 2e-3 * td_s * np.exp(-1j * w * td_s)) * np.exp(-1j * w * 0.2e-9)
    return _synthetic(h * np.exp(-(f / 25e9) ** 2), f, kind)   # rolled off before 60 GHz: no ringing


def test_uniform_line_crosstalk_direction():
    from sikernel.channel.roles import (
        FEXT_CHECK_WINDOW_OF_FLIGHT,
        NEXT_CHECK_WINDOW_OF_FLIGHT,
        early_energy_fraction,
    )

    td = 5e-9
    nxt, fxt = _coupled_line(td, "next"), _coupled_line(td, "fext")
    # two equal impulses at 0 and 2 TD: half the energy before TD/2 (and before 3 TD/4)
    for w in (FEXT_CHECK_WINDOW_OF_FLIGHT, NEXT_CHECK_WINDOW_OF_FLIGHT):
        assert early_energy_fraction(nxt, w * td) == pytest.approx(0.5, abs=0.01)
        assert early_energy_fraction(fxt, w * td) < 1e-4
    assert _direction_warnings(td, nxt, "next") == [] and _direction_warnings(td, fxt, "fext") == []
    assert len(_direction_warnings(td, nxt, "fext")) == 1
    assert len(_direction_warnings(td, fxt, "next")) == 1


def test_short_thru_does_not_judge_next():
    """Under NEXT_CHECK_MIN_FLIGHT_S the early window is shorter than a package and connector,
    where NEXT couples: a NEXT arriving at 0.8 ns behind a 1.5 ns thru is not called FEXT; a
    FEXT-like late arrival is still judged when given as FEXT (nothing is early)."""
    from sikernel.channel.roles import NEXT_CHECK_MIN_FLIGHT_S

    flight = 1.5e-9
    assert flight < NEXT_CHECK_MIN_FLIGHT_S
    late = _synthetic(0.01 * np.exp(-2j * np.pi * F * 0.8e-9) * np.exp(-(F / 40e9) ** 2), F, "late")
    assert _direction_warnings(flight, late, "next") == []
    assert _direction_warnings(flight, late, "fext") == []
    with pytest.raises(SIKernelError, match="role='thru'"):
        _direction_warnings(flight, late, "thru")


def test_dead_channel_is_not_judged(ca_flight_s):
    """A channel with no energy has no flight time and no early fraction (NaN), and is not warned
    about by the direction check (the role check says it transmits nothing)."""
    from sikernel.channel.roles import check_crosstalk_direction, early_energy_fraction, flight_time_s

    f = np.arange(0, 601) * 1e8
    dead = Channel(f, np.zeros((f.size, 2, 2), complex), 100.0, "dead")
    assert np.isnan(early_energy_fraction(dead, 1e-9))
    assert np.isnan(flight_time_s(dead))
    assert np.isnan(check_crosstalk_direction(flight_time_s(dead), dead, "fext", "x"))
    assert _direction_warnings(ca_flight_s, dead, "next") == []


def test_com_api_judges_a_non_uniform_thru_with_an_aggressor():
    """COM takes a thru on a non-uniform grid (resampled, with its own warning) with an aggressor;
    the direction check put it on a uniform grid of its own instead of failing the call (review 28:
    it raised 'not a uniform grid' where COM had computed 3.53 dB)."""
    from sikernel.channel.lumped import on_grid
    from sikernel.eye.com import com

    thru = read_touchstone(channel_path("CA_19p75dB_thru.s4p"))
    grid = np.concatenate([np.arange(0.0, 1e9, 2e6), np.arange(1e9, 60e9 + 1, 10e6)])
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = com(on_grid(thru, grid), "802.3ck-cr", fext=[channel_path("CA_19p75dB_fext1.s4p")],
                z_p_cases_m=((0.012, 0.012),))
    assert np.isfinite(r.com_db)
    assert not any("is given as a" in str(w.message) for w in rec)


def test_com_api_warns_on_next_given_as_fext():
    from sikernel.eye.com import com

    thru = channel_path("CA_19p75dB_thru.s4p")
    nxt = channel_path("CA_19p75dB_next1.s4p")
    # the warning comes before the computation: an "error" filter stops the call there
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        with pytest.raises(SIKernelWarning, match=r"fext\[0\] \(CA_19p75dB_next1.s4p\) is given as a FEXT"):
            com(thru, "802.3ck-cr", fext=[nxt])


def test_eye_cli_warns_on_fext_given_as_next_before_computing(capsys, monkeypatch):
    thru = str(channel_path("CA_19p75dB_thru.s4p"))
    fxt = str(channel_path("CA_19p75dB_fext3.s4p"))
    err = _eye_cli_stopped_at_the_first_pulse(capsys, monkeypatch,
                                              [thru, "--baud", "53.125e9", "--next", fxt])
    assert -1 < err.find("is given as a NEXT aggressor but only") < err.find("a pulse was computed")


def test_direction_check_counts_from_t0_under_a_noise_floor(ca_flight_s):
    """A measured file's noise floor spreads energy over the whole record, the non-causal part of
    the transform included; the check counts from t = 0 (review 28: counting the negative times too,
    a -70 dB floor on the weakest FEXT file took its early fraction to 0.19, at the 0.2 threshold)."""
    from sikernel.channel.roles import FEXT_CHECK_WINDOW_OF_FLIGHT, early_energy_fraction

    ch = read_touchstone(channel_path("CA_19p75dB_fext7.s4p"), check_port_map=False)
    rng = np.random.default_rng(28)
    noise = 10 ** (-70 / 20) * (rng.standard_normal(ch.f.size)
                                + 1j * rng.standard_normal(ch.f.size)) / np.sqrt(2)
    sdd = ch.sdd.copy()
    sdd[:, 1, 0] += noise
    sdd[:, 0, 1] += noise
    noisy = Channel(ch.f, sdd, ch.z0_ohm, "fext7 + -70 dB noise")
    assert early_energy_fraction(noisy, FEXT_CHECK_WINDOW_OF_FLIGHT * ca_flight_s) < 0.1
    assert _direction_warnings(ca_flight_s, noisy, "fext") == []
