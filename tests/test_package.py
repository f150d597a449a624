"""IEEE 802.3 package models: topology against pychopmarg reference values, invariants, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.channel import lumped, twoport
from sikernel.channel.package import PACKAGES, get_package, package_channel

F_REF = np.array([10e6, 13.28e9, 26.56e9, 53.1e9])
# Reference values computed once with pychopmarg 3.4 (BSD-3; devmodel.s_tx_model / s_rx_model,
# R0 = 50 ohm) for the 802.3ck preset (z_p = 12 mm) and the 802.3dj class-A model (z_p = 33 mm).
PCM_CK_TX_S21 = np.array([0.99855652 - 0.0072969j, 0.23240964 - 0.85194128j,
                          -0.67874742 - 0.3689661j, 0.05056181 + 0.56387973j])
PCM_CK_TX_S11 = np.array([-1.85915614e-04 - 0.00115571j, -1.81182590e-01 - 0.07655694j,
                          7.62404626e-02 - 0.30836947j, -3.93890658e-01 - 0.26887917j])
PCM_CK_RX_S11 = np.array([-1.86496178e-04 - 0.00115546j, -1.76288249e-01 - 0.06943757j,
                          7.26436027e-02 - 0.32249519j, -4.06966889e-01 - 0.19985466j])
PCM_DJ_TX_S21 = np.array([0.97931828 - 0.01725497j, 0.7904247 + 0.05815089j,
                          0.65531216 + 0.19136229j, 0.40038719 + 0.30801536j])
PCM_DJ_TX_S11 = np.array([-0.0026809 - 0.00232123j, -0.09863946 - 0.08558902j,
                          -0.11741446 - 0.04162286j, 0.24500333 - 0.01733167j])
ATOL_PCM = 2e-8  # the reference values are printed to 8-9 digits

F = np.linspace(0.0, 60e9, 601)


def test_802_3ck_matches_pychopmarg():
    tx = package_channel("802.3ck", 12e-3, F_REF)
    np.testing.assert_allclose(tx.s21, PCM_CK_TX_S21, atol=ATOL_PCM)
    np.testing.assert_allclose(tx.s11, PCM_CK_TX_S11, atol=ATOL_PCM)
    rx = package_channel("802.3ck", 12e-3, F_REF, side="rx")
    np.testing.assert_allclose(rx.s21, PCM_CK_TX_S21, atol=ATOL_PCM)
    np.testing.assert_allclose(rx.s11, PCM_CK_RX_S11, atol=ATOL_PCM)


def test_802_3dj_ladder_matches_pychopmarg():
    tx = package_channel("802.3dj", 33e-3, F_REF)
    np.testing.assert_allclose(tx.s21, PCM_DJ_TX_S21, atol=ATOL_PCM)
    np.testing.assert_allclose(tx.s11, PCM_DJ_TX_S11, atol=ATOL_PCM)


def test_cl93_is_cd_line_cp():
    pm = get_package("802.3-cl93")
    ref = twoport.cascade(lumped.shunt_c(pm.cd_f[0], F), pm.line(78.2).section(12e-3, F),
                          lumped.shunt_c(pm.cp_f, F))
    np.testing.assert_allclose(package_channel(pm, 12e-3, F).sdd, ref.sdd, atol=1e-12)


def test_rx_is_port_reversed_tx():
    for name in PACKAGES:
        tx = package_channel(name, 20e-3, F).sdd
        rx = package_channel(name, 20e-3, F, side="rx").sdd
        np.testing.assert_allclose(rx, tx[:, ::-1, ::-1], atol=1e-12)


def test_presets_passive_reciprocal_and_loss_grows_with_zp():
    for name, pm in PACKAGES.items():
        assert pm.source and pm.confidence, name
        prev = None
        for zp in (0.0, 12e-3, 31e-3):
            ch = package_channel(name, zp, F)
            np.testing.assert_allclose(ch.sdd[:, 0, 1], ch.sdd[:, 1, 0], atol=1e-14)
            assert np.linalg.svd(ch.sdd, compute_uv=False).max() <= 1 + 1e-12
            il = float(np.mean(ch.il_db()))  # band average: single points ripple with the mismatch
            if prev is not None:
                assert il > prev
            prev = il


def test_zp_cases():
    assert PACKAGES["802.3ck-c2c"].z_p_cases("rx") == (11e-3, 29e-3)
    assert PACKAGES["802.3ck"].z_p_cases("tx") == (12e-3, 31e-3)


def test_unknown_package():
    with pytest.raises(SIKernelError, match=r"802\.3ck"):
        package_channel("802.3zz", 12e-3, F)


def test_bad_side():
    with pytest.raises(SIKernelError, match="side"):
        package_channel("802.3ck", 12e-3, F, side="middle")


def test_negative_zp():
    with pytest.raises(SIKernelError, match="z_p_m"):
        package_channel("802.3ck", -1e-3, F)
