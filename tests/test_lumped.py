"""Lumped elements against the IEEE 802.3 93A-8 closed forms; via, AC cap, connector; bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import constants

from sikernel import Channel, SIKernelError
from sikernel.channel import lumped, twoport
from sikernel.channel.materials import get_dielectric

F = np.linspace(0.0, 60e9, 601)
W = 2 * np.pi * F
R0 = 50.0
ATOL = 1e-13


def test_shunt_c_matches_93a8():
    c = 120e-15
    ch = lumped.shunt_c(c, F)
    jwrc = 1j * W * R0 * c
    np.testing.assert_allclose(ch.s11, -jwrc / (2 + jwrc), atol=ATOL)
    np.testing.assert_allclose(ch.s21, 2 / (2 + jwrc), atol=ATOL)
    assert ch.z0_ohm == 2 * R0


def test_series_l_matches_93a8():
    lh = 0.12e-9
    ch = lumped.series_l(lh, F)
    den = 4 * R0**2 + W**2 * lh**2
    np.testing.assert_allclose(ch.s11, (W**2 * lh**2 + 2j * W * R0 * lh) / den, atol=ATOL)
    np.testing.assert_allclose(ch.s21, 2 * (2 * R0**2 - 1j * W * R0 * lh) / den, atol=ATOL)


def test_series_r_and_ac_cap():
    r = lumped.series_r(5.0, F)
    np.testing.assert_allclose(r.s21, 200.0 / 210.0, atol=ATOL)  # Z_diff = 10 ohm
    cap = lumped.ac_coupling(100e-9, F)
    assert cap.s21[0] == 0 and cap.s11[0] == 1  # blocks DC exactly
    zc = 2 / (1j * W[1:] * 100e-9)
    np.testing.assert_allclose(cap.s21[1:], 200.0 / (zc + 200.0), atol=ATOL)
    # ESL makes it resonate: |S21| is largest at 1/(2 pi sqrt(LC))
    cap2 = lumped.ac_coupling(100e-9, F, esl_h=0.4e-9, esr_ohm=0.01)
    assert np.argmax(np.abs(cap2.s21)) <= 2


def test_impedance_step():
    matched = lumped.impedance_step(100.0, 20e-12, F)
    np.testing.assert_allclose(matched.s21, np.exp(-1j * W * 20e-12), atol=ATOL)
    high = lumped.impedance_step(130.0, 20e-12, F)
    g = (130 - 100) / (130 + 100)
    assert np.max(np.abs(high.s11)) == pytest.approx(abs(2 * g / (1 + g**2)), rel=1e-2)


def test_via_stub_resonance():
    stub = 1.0e-3
    v = lumped.via(F, 1.5e-3, stub, material="megtron7", zc_ohm=100.0)
    dk = float(get_dielectric("megtron7").dk_df(20e9)[0])
    f_res = constants.c / (4 * stub * np.sqrt(dk))
    i = np.argmin(np.abs(v.s21))
    assert F[i] == pytest.approx(f_res, rel=0.03)
    no_stub = lumped.via(F, 1.5e-3, 0.0, zc_ohm=100.0)
    assert np.all(np.abs(no_stub.s21) > 0.99)  # matched: dielectric loss only


def test_elements_reciprocal_passive():
    for ch in (lumped.shunt_c(87e-15, F), lumped.series_l(0.2e-9, F), lumped.series_r(3, F),
               lumped.ac_coupling(10e-9, F, esr_ohm=0.1), lumped.via(F, 1e-3, 0.5e-3, c_pad_f=50e-15),
               lumped.impedance_step(85.0, 10e-12, F)):
        np.testing.assert_allclose(ch.sdd[:, 0, 1], ch.sdd[:, 1, 0], atol=1e-15)
        assert np.linalg.svd(ch.sdd, compute_uv=False).max() <= 1 + 1e-12


def test_connector_from_channel_interpolates():
    f_meas = np.linspace(0.0, 60e9, 61)
    ch = twoport.cascade(lumped.shunt_c(50e-15, f_meas), lumped.series_l(0.1e-9, f_meas))
    got = lumped.connector(ch, np.array([0.0, 10e9, 30e9]))
    np.testing.assert_allclose(got.sdd, ch.sdd[[0, 10, 30]], atol=ATOL)
    with pytest.raises(SIKernelError, match="extrapolation"):
        lumped.connector(ch, np.array([1e9, 70e9]))


def test_connector_from_touchstone():
    from .conftest import channel_path

    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    ch = lumped.connector(p, F)
    assert isinstance(ch, Channel) and ch.il_db(26.5625e9) == pytest.approx(12.17, abs=0.05)


# ---------------------------------------------------------------- bad input
def test_negative_capacitance():
    with pytest.raises(SIKernelError, match="c_f"):
        lumped.shunt_c(-1e-15, F)


def test_nan_inductance():
    with pytest.raises(SIKernelError, match="l_h"):
        lumped.series_l(float("nan"), F)


def test_zero_ac_cap():
    with pytest.raises(SIKernelError, match="c_f"):
        lumped.ac_coupling(0.0, F)


def test_negative_stub():
    with pytest.raises(SIKernelError, match="stub_m"):
        lumped.via(F, 1e-3, -1e-3)


def test_missing_touchstone():
    with pytest.raises(SIKernelError, match="does not exist"):
        lumped.connector("/nonexistent/x.s4p", F)


def test_bad_grid():
    with pytest.raises(SIKernelError, match="increasing"):
        lumped.shunt_c(1e-15, np.array([2e9, 1e9]))


def test_connector_from_two_port_network_and_s2p(tmp_path):
    ch = twoport.cascade(lumped.shunt_c(60e-15, F), lumped.series_l(0.15e-9, F))
    got = lumped.connector(ch.to_network(), F)
    np.testing.assert_allclose(got.sdd, ch.sdd, atol=ATOL)
    net = ch.to_network()
    net.write_touchstone(str(tmp_path / "conn"))
    got2 = lumped.connector(tmp_path / "conn.s2p", F)
    np.testing.assert_allclose(got2.sdd, ch.sdd, atol=1e-9)
    assert got2.z0_ohm == 100.0
