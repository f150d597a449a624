"""The CTLE's low-frequency stage (g_DC2) of the SI chain (``SISettings.gdc2_db``; the default
searches the 802.3ck / 802.3dj range, ``(0,)`` leaves it out).

Closed forms: the stage ``L(f) = (g_DC2 + j f/f_LF) / (1 + j f/f_LF)`` gives the CTLE ``g_DC2 · g_DC``
at DC and leaves it unchanged well above ``f_LF``; with ``g_DC2 = 0 dB`` the SI chain is the one
without the stage, setting for setting.  On a real channel (IEEE P802.3ck DPO_12in with COM's
second package case) the stage is what lets the analog family close where the IEEE COM code
passes (docs 6.2).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sikernel import SIKernelError, energy_per_bit
from sikernel.power import si

from .conftest import dpo12_case2_channel, repo_text

BAUD = 53.125e9
#: floating point only (the same pulses formed through the stacked basis)
RTOL_SAME = 1e-10
STANDARD = dataclasses.replace(si.DEFAULT_SI, gdc2_db=si.CTLE_GDC2_DB_STANDARD)
#: the single-stage CTLE (g_DC only) of the releases before the stage
SINGLE_STAGE = dataclasses.replace(si.DEFAULT_SI, gdc2_db=(0.0,))


def test_default_is_the_standard_range():
    """The shipped SI chain searches the standard's g_DC2 range (docs 6.2)."""
    assert si.DEFAULT_SI.gdc2_db == si.CTLE_GDC2_DB_STANDARD == tuple(float(g) for g in range(-6, 1))
    assert si.settings_for(106.25e9).gdc2_db == si.CTLE_GDC2_DB_STANDARD


def _line(f):
    """A smooth lossy line (skin + dielectric loss, 1 ns delay): enough ISI to equalise."""
    x = f / 1e9
    return np.exp(-(0.25 * np.sqrt(x) + 0.02 * x) * np.log(10) / 20 * 8) * np.exp(-2j * np.pi * f * 1e-9)


def test_stage_closed_forms():
    s = STANDARD
    w, gdc, gdc2 = si._ctle_weights(s)
    n_g, n2 = len(si.CTLE_GDC_DB), len(s.gdc2_db)
    assert w.shape == (n_g * n2, 2 * n2) and gdc.size == gdc2.size == n_g * n2
    assert gdc2[-1] == 0.0 and gdc[-1] == 0.0          # the flat setting is last
    f = np.array([0.0, 1e3 * BAUD])                     # DC and far above f_LF (and the CTLE poles)
    h = w @ si._ctle_bases(f, BAUD, s)
    np.testing.assert_allclose(np.abs(h[:, 0]), 10 ** ((gdc + gdc2) / 20), rtol=RTOL_SAME)
    b1, b2 = si._ctle_basis(f, BAUD, s)
    hf = 10 ** (gdc / 20) * b1[1] + b2[1]              # the stage is transparent far above f_LF:
    # |L - 1| <= (1 - g_DC2) f_LF / f = 1/80000 at f = 1000 f_b
    np.testing.assert_allclose(h[:, 1], hf, rtol=1.0 / 80000)


def test_zero_stage_is_the_chain_without_it():
    f = np.linspace(0.0, 2 * BAUD, 4097)
    h = _line(f)
    base = si.pulse_set(f, h, BAUD, 4, SINGLE_STAGE)
    full = si.pulse_set(f, h, BAUD, 4, STANDARD)
    n_g = len(si.CTLE_GDC_DB)
    np.testing.assert_allclose(full.weights[-n_g:] @ full.basis, base.weights @ base.basis,
                               rtol=0, atol=RTOL_SAME * np.abs(base.basis).max())
    np.testing.assert_allclose(full.var_n[-n_g:], base.var_n, rtol=RTOL_SAME)
    # a low-frequency cut lowers the thermal noise only a little (it is spread up to f_r)
    assert np.all(full.var_n[:n_g] <= base.var_n)
    # the budget prices the g_DC part's peaking only
    np.testing.assert_allclose(full.peaking_db[:n_g], base.peaking_db, rtol=RTOL_SAME)
    op = si.op_table(full, STANDARD, families=("analog",))
    assert set(np.unique(op.extra["ctle_gdc2_db"])) <= set(si.CTLE_GDC2_DB_STANDARD)


@pytest.mark.parametrize("bad", [(), (-6.0, -3.0), (0.0, -1.0), (-1.0, 0.0, 1.0), (np.nan, 0.0)])
def test_bad_stage_grid(bad):
    with pytest.raises(SIKernelError, match="gdc2_db"):
        si._ctle_weights(dataclasses.replace(si.DEFAULT_SI, gdc2_db=bad))


def test_stage_closes_dpo12_where_ieee_com_passes(request):
    """DPO_12in, package case 2, BER 1e-4 (the KR sheet's DER, where the IEEE code gives 3.77 dB):
    without the stage the analog family does not close (docs 6.2); with the
    802.3ck g_DC2 range it does, at a lower energy than the DSP receiver the model falls back to."""
    full = dpo12_case2_channel()
    kw = dict(baud=BAUD, node_nm=5, target_ber=1e-4, exclude=("linear",))
    with_stage = energy_per_bit(channel=full, **kw)
    request.getfixturevalue("single_stage_ctle")
    without = energy_per_bit(channel=full, **kw)
    assert without.family_pj_per_bit["analog"] is None and without.architecture == "dsp"
    assert with_stage.architecture == "analog"
    assert with_stage.total_pj_per_bit < without.total_pj_per_bit


def test_stage_on_the_study_c2m_channel_and_docs(request):
    """The docs' figures of the stage: DPO_12in case 2 and the 102.4T C2M switch end, without and
    with it (the channel path; regression guards of sikernel's own output)."""

    from sikernel.system.channels import DEFAULT_PATHS, build_channel

    dpo = dpo12_case2_channel()
    c2m = build_channel(DEFAULT_PATHS["pluggable"], 106.25e9)
    kw_dpo = dict(baud=BAUD, node_nm=5, target_ber=1e-4, exclude=("linear",))
    kw_c2m = dict(baud=106.25e9, node_nm=3, target_ber=1e-4, exclude=("linear",), crosstalk="ca")
    after = [energy_per_bit(channel=dpo, **kw_dpo), energy_per_bit(channel=c2m, **kw_c2m)]
    request.getfixturevalue("single_stage_ctle")
    before = [energy_per_bit(channel=dpo, **kw_dpo), energy_per_bit(channel=c2m, **kw_c2m)]
    assert [e.architecture for e in before] == ["dsp", "dsp"]
    assert [e.architecture for e in after] == ["analog", "analog"]
    doc = repo_text("docs/energy-model.md", flat=True)
    for text in (f"closes with the analog family at {after[0].total_pj_per_bit:.2f} pJ/b instead of a DSP "
                 f"receiver at {before[0].total_pj_per_bit:.2f} pJ/b",
                 f"closes with an analog receiver at {after[1].total_pj_per_bit:.2f} pJ/b instead of a DSP "
                 f"receiver at {before[1].total_pj_per_bit:.2f} pJ/b"):
        assert text in doc, text
