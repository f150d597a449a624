"""802.3dj KR COM in 178A MMSE mode against the IEEE COM code (4.50, unedited, under GNU Octave).

The references (tests/data/ieee_com_octave/djkr_mmse_*_grid_450.json, their commands in that
folder's README) run the IEEE code's MMSE mode with the exploratory 802.3df CA/KR sheet set to
sikernel's ``"802.3dj-kr"`` values, on restricted TX FFE x CTLE grids around sikernel's own
optimum; sikernel runs the preset on the same grids.

Known gap (docs/models.md, "178A mode"): in MMSE mode the IEEE code's COM step takes the TX noise
as the 178A S_tn (the pulse without TX FFE, through the RX FFE), its MMSE cost adds the jitter PSD
S_jn, and it enforces the RX FFE limit by clipping; sikernel uses 93A-30's TX noise and solves the
limits exactly.  sikernel's COM is 0.27-1.02 dB above the reference (measured 2026-12-07, helper
report: the TX noise form 0.20-0.96 dB, the MMSE noise terms 0.01-0.12 dB, clip vs exact
0.02-0.10 dB).  The comparison at ``TOL_MMSE_VS_IEEE_DB`` is a strict xfail until the noise model
follows 178A; the size of the gap is guarded so that a change to it is seen.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from tests.conftest import channel_path

OCTAVE = Path(__file__).parent / "data" / "ieee_com_octave"
#: sikernel against the IEEE code once the noise model follows 178A: exact-QP vs clip alone moves
#: the reference by up to 0.10 dB on these channels (helper report 2026-12-07)
TOL_MMSE_VS_IEEE_DB = 0.15
#: the known gap today (sikernel - IEEE, dB, per package case z_p 33 / 12 mm): a regression guard
#: of sikernel's own output against the reference, within GAP_GUARD_DB
KNOWN_GAP_DB = {"djkr_mmse_dpo4_grid_450.json": (0.274, 0.347),
                "djkr_mmse_c2c12_grid_450.json": (0.900, 1.020)}
GAP_GUARD_DB = 0.02

#: reference file -> (channel, restricted grid of its run)
_G2 = tuple(x / 2 for x in range(-8, -1))   # g_DC2 -4 ... -1 dB, step 0.5
GRIDS = {
    "djkr_mmse_dpo4_grid_450.json": ("DPO_4in_Meg7_THRU.s4p", dict(
        tx_taps=((-3, -0.04, 0.0, 0.02), (-2, 0.0, 0.04, 0.02), (-1, -0.34, -0.26, 0.02),
                 (1, -0.08, 0.0, 0.02)),
        ctle_gdc_db=tuple(float(x) for x in range(-14, -7)), ctle_gdc2_db=_G2)),
    "djkr_mmse_c2c12_grid_450.json": ("C2C_PCB_SYSVIA_12dB_thru.s4p", dict(
        tx_taps=((-3, -0.06, -0.02, 0.02), (-2, 0.02, 0.06, 0.02), (-1, -0.20, -0.12, 0.02),
                 (1, -0.18, -0.10, 0.02)),
        ctle_gdc_db=tuple(float(x) for x in range(-15, -10)), ctle_gdc2_db=_G2)),
}

_CACHE: dict[str, list[float]] = {}


def _ours(name: str) -> list[float]:
    """sikernel's COM per package case on the reference's grid (cached: one run per channel)."""
    if name not in _CACHE:
        from sikernel.eye.com import com

        ch, grid = GRIDS[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = com(channel_path(ch), "802.3dj-kr", **grid)
        _CACHE[name] = [c.com_db for c in r.cases]
    return _CACHE[name]


def _reference(name: str) -> list[float]:
    d = json.loads((OCTAVE / name).read_text())
    assert d["com_version"] == "4.50" and d["octave_version"] == "7.3.0"
    return [float(c["com_db"]) for c in d["cases"]]


@pytest.mark.channels
@pytest.mark.parametrize("name", list(GRIDS))
def test_mmse_com_gap_to_ieee_is_the_known_one(name, record_property):
    """Regression guard of the documented gap (sikernel's output against the IEEE reference)."""
    ref, ours = _reference(name), _ours(name)
    assert len(ref) == len(ours) == 2
    gaps = [o - r for o, r in zip(ours, ref, strict=True)]
    record_property("validation:mmse-com-vs-ieee-gap-db", max(gaps))
    for got, want in zip(gaps, KNOWN_GAP_DB[name], strict=True):
        assert abs(got - want) <= GAP_GUARD_DB, (name, gaps)


@pytest.mark.channels
@pytest.mark.xfail(strict=True, reason="178A noise model not yet followed in MMSE mode: sikernel's COM "
                                       "is 0.27-1.02 dB above the IEEE code's (93A-30 TX noise instead "
                                       "of 178A S_tn; no jitter PSD in the MMSE cost); docs/models.md")
@pytest.mark.parametrize("name", list(GRIDS))
def test_mmse_com_matches_ieee(name):
    ref, ours = _reference(name), _ours(name)
    for o, r in zip(ours, ref, strict=True):
        assert abs(o - r) <= TOL_MMSE_VS_IEEE_DB, (name, ours, ref)
