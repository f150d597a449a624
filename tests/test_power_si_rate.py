"""The SI chain's reference receiver follows the standard of the rate (issue 11).

802.3ck's RX AFE bandwidth ``f_r = 0.75 f_b`` at 53.125 GBd and 802.3dj's ``0.58 f_b`` at
106.25 GBd are read from the project's reference file (``shared/reference/com-parameters.md``,
the parameter table) and, for 802.3ck, from the IEEE KR configuration sheet itself, never from
sikernel; between them the absolute bandwidth is a power law of the rate
(:func:`sikernel.power.si.f_r_ratio_for`), checked in closed form; outside, the nearest
standard's ratio.  The bandwidth reaching the pulse and noise computation is checked through the
thermal-noise integral against the numpy reference of ``tests/naive_study_eye.py`` (93A-20,
93A-22, 93A-35 written out), for the rate's default and for an explicit override.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel.errors import SIKernelError
from sikernel.power import si, table
from tests import naive_study_eye
from tests.conftest import REPO

#: the reference file's parameter table (skipped with a reason when absent)
COM_PARAMETERS_MD = REPO.parent / "shared" / "reference" / "com-parameters.md"
#: the IEEE 802.3ck KR COM configuration sheet
KR_SHEET = REPO.parent / "shared" / "reference" / "ieee-com-config" / (
    "config_com_ieee8023_93a=3ck_SA_KR_08_17_2022.xlsx")
#: the ratios are typed as decimals in the reference; the interpolation's round trip
#: (exp/log of the two end points) is exact to rounding
RTOL_ROUNDING = 1e-12
#: the noise integral is the same trapezoid on the same 2049-point grid in both codes; the
#: naive Butterworth uses 93A-20's coefficients to 7 digits (3.414214, 2.613126)
RTOL_NOISE_INTEGRAL = 1e-6
#: the two standards' noise variances differ by ~ the bandwidth ratio 0.75/0.58 (tens of %); a
#: relative gap above 1e-3 (1000 x RTOL_NOISE_INTEGRAL) shows the check can tell them apart
RTOL_TELL_APART = 1e-3
#: no-step probe: f_b moved by +-NO_STEP_EPS (relative) around a standard's rate; a continuous law
#: moves the ratio by at most |d ratio / d ln f_b| * 2 eps < 0.75 * 2e-9, a step would move it by
#: the standards' difference 0.17
NO_STEP_EPS = 1e-9
ABS_NO_STEP_RATIO = 1e-8


def _md_row(label: str) -> list[str]:
    """Cells of the row of ``label`` in com-parameters.md's table (802.3ck KR, C2C, 802.3dj KR)."""
    if not COM_PARAMETERS_MD.is_file():
        pytest.skip(f"reference file {COM_PARAMETERS_MD} absent (it sits next to the repository "
                    "in shared/reference)")
    for line in COM_PARAMETERS_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"row {label!r} not found in {COM_PARAMETERS_MD}")


def _number(cell: str) -> float:
    return float(re.match(r"[0-9.]+", cell).group(0))


def standards_points() -> dict[str, tuple[float, float]]:
    """{standard: (f_b in Bd, f_r / f_b)} as the reference file states them."""
    rates, f_r = _md_row("signalling rate f_b"), _md_row("RX AFE f_r")
    assert "·f_b" in f_r[0] and "·f_b" in f_r[2], f_r  # stated as ratios to f_b
    return {"802.3ck": (_number(rates[0]) * 1e9, _number(f_r[0])),
            "802.3dj": (_number(rates[2]) * 1e9, _number(f_r[2]))}


def test_reference_receiver_equals_each_standard_at_its_rate():
    pts = standards_points()
    for baud, ratio in pts.values():
        assert si.f_r_ratio_for(baud) == pytest.approx(ratio, rel=RTOL_ROUNDING)
        assert si.settings_for(baud).f_r_ratio == pytest.approx(ratio, rel=RTOL_ROUNDING)
    # the 802.3ck rate keeps the 802.3ck reference receiver exactly (DEFAULT_SI, whose tables
    # and keys are those of the 802.3ck settings)
    assert si.settings_for(pts["802.3ck"][0]) == si.DEFAULT_SI


def test_ck_value_is_the_ieee_kr_sheet():
    """The 802.3ck f_r read off the IEEE KR sheet (COM_Settings: ``f_r``, in units of ``*fb``)."""
    calamine = pytest.importorskip("python_calamine", reason="python-calamine (extra com-sheets) "
                                   "reads the IEEE sheets (Strict Open XML)")
    if not KR_SHEET.is_file():
        pytest.skip(f"IEEE sheet {KR_SHEET.name} absent under {KR_SHEET.parent}")
    rows = calamine.CalamineWorkbook.from_path(str(KR_SHEET)).get_sheet_by_name("COM_Settings").to_python()
    vals = {r[0].strip(): (r[1], r[2]) for r in rows
            if r and isinstance(r[0], str) and r[0].strip() in ("f_r", "f_b")}
    assert vals["f_r"][1].strip() == "*fb" and vals["f_b"][1].strip() == "GBd"
    assert si.f_r_ratio_for(float(vals["f_b"][0]) * 1e9) == pytest.approx(float(vals["f_r"][0]),
                                                                           rel=RTOL_ROUNDING)


def test_between_the_standards_the_bandwidth_is_a_power_law():
    """Closed form: at the geometric mean of the two rates f_r is the geometric mean of theirs."""
    (b0, r0), (b1, r1) = standards_points().values()
    bm = math.sqrt(b0 * b1)
    assert si.f_r_ratio_for(bm) * bm == pytest.approx(math.sqrt(r0 * b0 * r1 * b1), rel=RTOL_ROUNDING)
    # outside the two rates the nearest standard's ratio is held
    assert si.f_r_ratio_for(12e9) == pytest.approx(r0, rel=RTOL_ROUNDING)
    assert si.f_r_ratio_for(224e9) == pytest.approx(r1, rel=RTOL_ROUNDING)


@given(st.floats(1e9, 400e9), st.floats(1e9, 400e9))
def test_bandwidth_rises_and_ratio_falls_with_rate(b_a, b_b):
    lo, hi = sorted((b_a, b_b))
    r_lo, r_hi = si.f_r_ratio_for(lo), si.f_r_ratio_for(hi)
    assert r_hi <= r_lo * (1 + RTOL_ROUNDING)        # the ratio never rises with the rate
    assert r_hi * hi >= r_lo * lo * (1 - RTOL_ROUNDING)  # the absolute bandwidth never falls


@pytest.mark.parametrize("edge", [53.125e9, 106.25e9])
def test_no_step_at_either_standard(edge):
    eps = NO_STEP_EPS
    below, above = si.f_r_ratio_for(edge * (1 - eps)), si.f_r_ratio_for(edge * (1 + eps))
    assert abs(above - below) < ABS_NO_STEP_RATIO


@pytest.mark.parametrize("bad", [0.0, -53e9, float("nan"), float("inf")])
def test_bad_rate_is_an_error(bad):
    with pytest.raises(SIKernelError, match="baud"):
        si.f_r_ratio_for(bad)
    for s in (None, si.DEFAULT_SI):  # explicit settings do not skip the check of the rate
        with pytest.raises(SIKernelError, match="baud"):
            si.settings_for(bad, s)


def _noise_through_chain(baud: float, s: si.SISettings | None) -> np.ndarray:
    ch = table.synthetic_channel(20.0, baud, "xsr")
    return si.pulse_set(ch.f, ch.s21, baud, 4, s).var_n


@pytest.mark.parametrize("standard", ["802.3ck", "802.3dj"])
def test_pulse_set_uses_the_rate_bandwidth_and_an_override_wins(standard):
    baud, ratio = standards_points()[standard]
    other = standards_points()["802.3dj" if standard == "802.3ck" else "802.3ck"][1]
    d = si.DEFAULT_SI
    k = -1  # the flat setting, last: g_DC = 0 dB (and g_DC2 = 0 dB, the stage transparent)
    g = si.CTLE_GDC_DB[-1]

    def naive(r):
        return naive_study_eye.noise_var_v2(baud, r * baud, d.fz_ratio * baud, d.fp2_ratio * baud, g,
                                            d.eta0_v2_per_hz)

    assert naive(ratio) != pytest.approx(naive(other), rel=RTOL_TELL_APART)  # the check can tell them apart
    default = _noise_through_chain(baud, None)
    assert default[k] == pytest.approx(naive(ratio), rel=RTOL_NOISE_INTEGRAL)
    override = _noise_through_chain(baud, dataclasses.replace(d, f_r_ratio=other))
    assert override[k] == pytest.approx(naive(other), rel=RTOL_NOISE_INTEGRAL)


def test_shipped_table_of_each_rate_is_keyed_by_its_standard():
    """The 106.25 GBd table is the one of f_r = 0.58 f_b (the key holds the settings)."""
    for baud, ratio in standards_points().values():
        s = dataclasses.replace(si.DEFAULT_SI, f_r_ratio=ratio)
        name = f"power-table-{table._key(baud, 4, s, 'host')}.npz"
        assert table.packaged_path((baud, 4)).name == name
        assert (table.PACKAGED_DIR / name).is_file()


def test_explicit_settings_key_their_own_table():
    s = si.DEFAULT_SI
    assert table._key(106.25e9, 4, si.settings_for(106.25e9)) != table._key(106.25e9, 4, s)
    assert si.settings_for(106.25e9, s) is s


def test_energy_result_records_its_reference_receiver():
    from sikernel.power import energy_per_bit

    for baud, ratio in standards_points().values():
        e = energy_per_bit(loss_db=10.0, baud=baud)
        assert e.meta["si_f_r_ratio"] == pytest.approx(ratio, rel=RTOL_ROUNDING)
