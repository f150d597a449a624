"""IEEE 802.3 package models: topology against pychopmarg reference values, invariants, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.channel import lumped, twoport
from sikernel.channel.package import PACKAGES, get_package, package_channel

from .validation_rows import max_abs

#: pychopmarg 3.4 ``devmodel.s_tx_model`` / ``s_rx_model`` S-parameters of the 802.3ck package
#: (z_p = 12 mm) and the 802.3dj class-A package (z_p = 33 mm), R0 = 50 ohm, at full double
#: precision, written by tests/data/pychopmarg/make_package_reference.py (command, versions and
#: every element value in the file and the script).
PCM = json.loads((Path(__file__).parent / "data" / "pychopmarg" / "package_models.json").read_text())
#: agreement with pychopmarg's package S-parameters.  Source: this comparison on 2026-12-03,
#: worst |difference| 5.1e-15 over both packages, both sides, all four S-parameters, 9
#: frequencies to 60 GHz (two implementations of the same cascade, rounding only).
ATOL_PCM = 1e-14

F = np.linspace(0.0, 60e9, 601)


@pytest.mark.parametrize("name", ["802.3ck", "802.3dj"])
@pytest.mark.parametrize("side", ["tx", "rx"])
def test_package_matches_pychopmarg(name, side, record_property):
    ref = PCM["models"][name]
    ch = package_channel(name, ref["z_p_m"], np.array(PCM["f_hz"]), side=side)
    assert PCM["r0_ohm"] == get_package(name).r0_ohm
    for key, (i, j) in {"s11": (0, 0), "s21": (1, 0), "s12": (0, 1), "s22": (1, 1)}.items():
        want = np.array(ref[f"{side}_{key}_re"]) + 1j * np.array(ref[f"{side}_{key}_im"])
        record_property("validation:package-pychopmarg", max_abs(ch.sdd[:, i, j], want))
        np.testing.assert_allclose(ch.sdd[:, i, j], want, rtol=0, atol=ATOL_PCM, err_msg=key)


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
