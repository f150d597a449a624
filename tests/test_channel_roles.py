"""A channel given the wrong role -- a FEXT/NEXT file as the thru, or the thru as an aggressor --
computes without error and means nothing; ``sikernel.channel.roles.check_role`` warns before the
work (COM API, ``sikernel com``, ``sikernel eye``).  Checked on every real P802.3ck file in its
true role (no warning) and in the wrong one (a warning), and on synthetic channels."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sikernel import SIKernelError, SIKernelWarning
from sikernel.channel.core import Channel
from sikernel.channel.roles import CROSSTALK_LOW_BAND_MIN_IL_DB, check_role
from sikernel.channel.touchstone import THRU_LOW_BAND_MAX_IL_DB, read_touchstone
from sikernel.cli import main
from sikernel.power.crosstalk import CA_FILES

from .conftest import THRU_FILES, channel_path

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


def test_eye_cli_checks_every_role_before_computing(capsys, monkeypatch):
    """A thru given as a NEXT aggressor is warned about before any pulse is computed (new-user
    review: the warning came after the thru's eye, 80 s on a cold cache)."""
    import sikernel.response

    def computed(*args, **kwargs):
        raise RuntimeError("a pulse was computed")

    monkeypatch.setattr(sikernel.response, "pulse_response", computed)
    thru = str(channel_path("CA_19p75dB_thru.s4p"))
    # the CLI reports the stub's exception as an internal error (rc 1), after the role warning
    dpo = str(channel_path("DPO_4in_Meg7_THRU.s4p"))
    assert main(["eye", dpo, "--baud", "53.125e9", "--next", thru]) == 1
    err = capsys.readouterr().err
    assert "a pulse was computed" in err
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
