"""COM per package test case against the IEEE 802.3 COM reference code (MATLAB 4.50 under
GNU Octave) on the real IEEE P802.3ck channels, each with the sheet it belongs to.

The reference values and how they were produced are in tests/data/ieee_com_reference.json
(not sikernel output: an independent implementation of Annex 93A, the code the IEEE sheets
are written for).  The presets used are the sheets' (tests/test_com_presets_sheets.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sikernel.eye.com import com
from tests.conftest import channel_path, repo_text
from tests.validation_rows import max_abs

REF = json.loads((Path(__file__).parent / "data" / "ieee_com_reference.json").read_text())
#: COM vs the IEEE reference code, per package case (dB).  Goal (issue 12): 0.1 dB.  Seen
#: (2026-12-03): at most 0.024 dB over the twelve cases (CA_19p75dB CR_CA case 2); the reference
#: values are rounded to 0.01 dB and the reference's own PDF binning moves its COM in steps of
#: ~0.01-0.02 dB.  Without the reference's sampling grid (3 T_r delay, half-sample pulse
#: offset) COM moves by up to 0.07 dB (tests/test_com_known_differences.py), which this
#: tolerance catches on the worst case (0.024 + 0.067 dB).
TOL_COM_VS_IEEE_DB = 0.05


def _case_id(c: dict) -> str:
    return f"{c['channel'].removesuffix('.s4p')}-{c['preset']}"


@pytest.mark.slow
@pytest.mark.channels
@pytest.mark.parametrize("case", REF["cases"], ids=_case_id)
def test_com_per_case_matches_ieee_reference(case: dict, record_property) -> None:
    thru = channel_path(case["channel"])
    nexts = [channel_path(f) for f in case["next"]]
    fexts = [channel_path(f) for f in case["fext"]]
    r = com(thru, case["preset"], nexts, fexts, **case["overrides"])
    got = [c.com_db for c in r.cases]
    ref = case["com_db_450"]
    assert len(got) == len(ref)
    record_property("validation:com-ieee-code", max_abs(got, ref))
    record_property(f"value:COM {_case_id(case)}", [min(got), min(ref)])  # worst package case
    for i, (g, e) in enumerate(zip(got, ref, strict=True)):
        assert g == pytest.approx(e, abs=TOL_COM_VS_IEEE_DB), (
            f"{_case_id(case)} package case {i + 1}: sikernel {g:.3f} dB vs IEEE 4.50 {e:.2f} dB")
    if "octave_json" in case:
        octave = json.loads((Path(__file__).parent / "data" / case["octave_json"]).read_text())
        _check_intermediates(r, octave)
    # the sikernel column of docs/models.md's table against the IEEE code is this run (audit 25)
    row = f"| {case['channel'].removesuffix('.s4p').removesuffix('_thru')}"
    cells = " / ".join(f"{g:.3f}" for g in got)
    doc_rows = [ln for ln in repo_text("docs/models.md").splitlines() if ln.startswith(row)]
    assert any(f"| {cells} |" in ln for ln in doc_rows), (cells, doc_rows)


#: the reference's quantities that depend only on the pulse and the setting (no PDF binning),
#: relative: A_s seen <= 1.2e-4, sigma_N <= 1.2e-7 (audit 26); docs/models.md 4.5 types A_s
#: "<= 4e-4 relative"
RTOL_SAME_PULSE = 4e-4
#: DFE taps (fraction of the cursor) at the same setting: seen <= 9.6e-5; the docs type "<= 2e-4"
ATOL_DFE_TAP = 2e-4


def _check_intermediates(r, octave: dict) -> None:
    """Same CTLE, TX FFE, floating-tap banks, A_s, sigma_N and DFE taps as the reference run."""
    for c, o in zip(r.cases, octave["cases"], strict=True):
        assert (c.ctle_gdc_db, c.ctle_gdc2_db) == (o["CTLE_DC_gain_dB"], o["g_DC_HP"])
        np.testing.assert_allclose(c.tx_taps, o["TXLE_taps"], atol=1e-9)
        assert c.a_s * 1e3 == pytest.approx(o["available_signal_after_eq_mV"], rel=RTOL_SAME_PULSE)
        assert c.sigma["sigma_n"] == pytest.approx(o["sigma_N"], rel=RTOL_SAME_PULSE)
        nf = len(o["DFE_taps"])
        np.testing.assert_allclose(c.dfe_taps[:nf], o["DFE_taps"], atol=ATOL_DFE_TAP)
        got_float = (np.flatnonzero(c.dfe_taps[12:]) + 13).tolist()
        assert set(got_float) <= set(o["floating_tap_locations"])
