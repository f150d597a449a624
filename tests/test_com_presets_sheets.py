"""The named 802.3ck COM presets equal the IEEE configuration sheets, value by value.

Each sheet is read from ../shared/reference/ieee-com-config (skipped with a reason when the
folder is absent) by :func:`sikernel.eye.config_sheet.com_preset_from_sheet`; every field of
the named preset is compared with the sheet's, the package element by element.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sikernel.channel.package import PACKAGES
from sikernel.errors import SIKernelError
from sikernel.eye.config_sheet import com_preset_from_sheet
from sikernel.eye.presets import get_preset
from tests.test_com_config_sheet import sheet_path

#: sheet values are typed in decimal (mm, nF, GHz) and converted to SI: rounding only
RTOL_UNIT_CONVERSION = 1e-12

PAIRS = [("802.3ck-kr", "3ck_SA_KR"), ("802.3ck-cr", "3ck_SA_CR_CA"), ("802.3ck-c2c", "3ck_SA_120F_C2C")]
#: identity fields, and the package (compared element by element below)
_SKIP = {"name", "version", "source", "extra", "package"}


def _close(a, b) -> bool:
    if a is None or b is None or isinstance(a, str | bool) or isinstance(b, str | bool):
        return a == b
    aa, bb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return aa.shape == bb.shape and bool(np.allclose(aa, bb, rtol=RTOL_UNIT_CONVERSION, atol=1e-30))


@pytest.mark.parametrize(("name", "tag"), PAIRS)
def test_preset_equals_sheet(name: str, tag: str) -> None:
    sheet, prov = com_preset_from_sheet(sheet_path(tag))
    preset = get_preset(name)
    diff = {f.name: (getattr(preset, f.name), getattr(sheet, f.name))
            for f in dataclasses.fields(preset)
            if f.name not in _SKIP and not _close(getattr(preset, f.name), getattr(sheet, f.name))}
    assert not diff, f"{name} differs from its sheet: {diff}"
    pkg, sp = PACKAGES[preset.package], sheet.package
    for f in ("cd_f", "ls_h", "cb_f", "cp_f", "zc_ohm", "a1", "a2", "tau_ns_per_mm", "gamma0_per_mm",
              "r0_ohm"):
        a, b = getattr(pkg, f), getattr(sp, f)
        assert _close(a, b), f"{name} package {f}: {a} vs {b}"
    assert len(pkg.section_m) == len(sp.section_m) and pkg.section_m[0] is None
    assert _close(pkg.section_m[1:], sp.section_m[1:])
    assert "DIAGNOSTICS" in prov["ignored_output"] and "RESULT_DIR" in prov["ignored_output"]
    assert "ERL Pass threshold" in prov["ignored_not_com"]


def test_kr_sheet_headline_values() -> None:
    """The values com-parameters.md reads off the KR sheet, independently of the reader's mapping."""
    p = get_preset("802.3ck-kr")
    assert p.t_r_s == pytest.approx(7.5e-12) and p.force_tr
    np.testing.assert_allclose(p.z_p_cases_m, ((12e-3, 12e-3), (31e-3, 29e-3)))
    assert p.z_p_next_cases_m == pytest.approx((12e-3, 29e-3))
    assert p.z_p_fext_cases_m == pytest.approx((12e-3, 31e-3))
    assert p.bmin[:3] == pytest.approx((0.3, 0.05, -0.03))
    assert (p.dfe_n_bg, p.dfe_n_bf, p.dfe_n_f, p.dfe_bmaxg, p.dfe_float_rss_max, p.dfe_n_tail_start) == (
        3, 3, 40, 0.05, 0.02, 25)
    assert p.local_search == 2


@pytest.mark.parametrize(("tag", "why"), [
    ("120G_ERL_HOST", "ERL_ONLY"), ("TP0V", "Bessel-Thomson")])
def test_unimplemented_keywords_are_errors(tag: str, why: str) -> None:
    with pytest.raises(SIKernelError, match=why):
        com_preset_from_sheet(sheet_path(tag))


def test_dj_preset_is_labelled_draft() -> None:
    assert "DRAFT" in get_preset("802.3dj-kr").version


def test_exploratory_200g_cakr_sheet_runs() -> None:
    """The exploratory 802.3df 200G CA/KR sheet (Nov 2022): 3-section die ladder, 4-section
    package, 3 package cases, 24 DFE taps + 6 x 3 floating taps in 120 UI, raised-cosine RX
    window 67-79.69 GHz; COM runs on a synthetic line with a reduced search grid."""
    from sikernel.channel.parametric import ParametricLine
    from sikernel.eye._com_channel import _rx_filter
    from sikernel.eye.com import com

    p, prov = com_preset_from_sheet(sheet_path("df_200G_PAM4_RCos_CAKR"))
    assert p.baud_hz == pytest.approx(106.25e9) and len(p.z_p_cases_m) == 3
    assert p.rx_raised_cosine_hz == pytest.approx((67e9, 79.6875e9))
    assert (p.dfe_n_bg, p.dfe_n_bf, p.dfe_n_f, len(p.dfe_bmax)) == (6, 3, 120, 24)
    assert "PKG_Tx_FFE_preset " in prov["not_read_by_reference"]   # trailing space: never read
    # the window: 1 below RC_Start, 1/2 half way, 0 from RC_end (Tukey_Window of the reference)
    f = np.array([10e9, 67e9, (67e9 + 79.6875e9) / 2, 79.6875e9, 90e9])
    from sikernel.eq.filters import rx_afe_filter
    w = np.abs(_rx_filter(p, f) / rx_afe_filter(f, p.f_r_hz))
    np.testing.assert_allclose(w, [1.0, 1.0, 0.5, 0.0, 0.0], atol=1e-12)
    line = ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=100.0)
    ch = line.section(0.05, np.arange(0.0, 120e9 + 1, 10e6))
    r = com(ch, config=sheet_path("df_200G_PAM4_RCos_CAKR"), ctle_gdc_db=(-6.0,), ctle_gdc2_db=(-2.0,),
            tx_taps=((-1, -0.1, 0.0, 0.05), (1, -0.1, 0.0, 0.05)))
    assert len(r.cases) == 3 and np.isfinite(r.com_db)
    assert r.preset["sheet"]["file"].startswith("config_com_ieee8023_93a=df_200G")


def test_cli_config_sheet(capsys) -> None:
    """``sikernel com THRU --config SHEET`` runs the sheet (reduced grid through --set) and
    reports the ignored keywords; the same values as com(config=...)."""
    import json

    from sikernel.cli import main
    from sikernel.eye.com import com
    from tests.conftest import channel_path

    thru = channel_path("DPO_4in_Meg7_THRU.s4p")
    sheet = sheet_path("3ck_SA_KR")
    sets = ["z_p_cases_m=[[0.012, 0.012]]", "ctle_gdc_db=[-2.0, 0.0]", "ctle_gdc2_db=[-2.0]"]
    args = ["com", str(thru), "--config", str(sheet), "--json"]
    for s in sets:
        args += ["--set", s]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["preset"]["sheet"]["file"] == sheet.name
    assert "DIAGNOSTICS" in out["preset"]["sheet"]["ignored_output"]
    r = com(thru, config=sheet, z_p_cases_m=[[0.012, 0.012]], ctle_gdc_db=[-2.0, 0.0], ctle_gdc2_db=[-2.0])
    assert out["com_db"] == pytest.approx(r.com_db, abs=1e-12)


def test_n_bg_zero_turns_floating_taps_off() -> None:
    assert get_preset("802.3ck-kr", n_bg=0).dfe_float()[0] == 0
    assert get_preset("802.3ck-kr", dfe_n_bg=0).dfe_n_bg == 0
