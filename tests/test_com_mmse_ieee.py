"""802.3dj KR COM in 178A MMSE mode against the IEEE COM code (4.50, unedited, under GNU Octave).

The references (tests/data/ieee_com_octave/djkr_mmse_*_grid_450.json, their commands in that
folder's README) run the IEEE code's MMSE mode with the exploratory 802.3df CA/KR sheet set to
sikernel's ``"802.3dj-kr"`` values, on restricted TX FFE x CTLE grids around sikernel's own
optimum; sikernel runs the preset on the same grids.

sikernel's MMSE mode follows COM 4.50's 178A noise terms (docs/models.md, "Against the IEEE code
in MMSE mode"): the MMSE cost's noise is S_rn + S_tn + S_xn + S_jn (S_tn from the pulse without TX
FFE, S_jn the jitter PSD, 178A-17; ``get_PSDs`` / ``MMSE``) and the COM step's Gaussian noise is
S_tn + S_rj + S_rn through the RX FFE (178A-30; ``Create_Noise_PDF``, MMSE branch).  Before that
change sikernel read 0.27-1.02 dB above the reference (93A-30 TX noise, no jitter in the cost).
What remains is +0.03-0.07 dB, sikernel higher (measured 2026-12-07; +0.045-0.077 dB until A_ni
near the +-2 A_s PMF grid's edge was recomputed on a wider grid the same day): sikernel solves the
RX FFE limit exactly where the IEEE code clips it (0.02-0.10 dB in the IEEE code itself, helper
report of 2026-12-07; the chosen points differ on DPO_4in 12 mm), plus PMF binning.
``test_mmse_com_matches_ieee`` holds the comparison at ``TOL_MMSE_VS_IEEE_DB``; the residual
itself is guarded so that a change to it is seen.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from tests.conftest import channel_path

OCTAVE = Path(__file__).parent / "data" / "ieee_com_octave"
#: sikernel against the IEEE code with the 178A noise terms: exact-QP vs clip alone moves the
#: reference by up to 0.10 dB on these channels (helper report 2026-12-07); measured 0.033-0.069 dB
TOL_MMSE_VS_IEEE_DB = 0.15
#: the residual today (sikernel - IEEE, dB, per package case z_p 33 / 12 mm; 178A noise terms
#: followed, exact-QP RX FFE limit): a regression guard of sikernel's own output against the
#: reference, within GAP_GUARD_DB (0.27 / 0.35 and 0.90 / 1.02 dB before the 178A noise terms)
KNOWN_GAP_DB = {"djkr_mmse_dpo4_grid_450.json": (0.033, 0.069),
                "djkr_mmse_c2c12_grid_450.json": (0.061, 0.066)}
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
def test_mmse_com_residual_to_ieee_is_the_known_one(name, record_property):
    """Regression guard of the documented residual (sikernel's output against the IEEE reference)."""
    ref, ours = _reference(name), _ours(name)
    assert len(ref) == len(ours) == 2
    gaps = [o - r for o, r in zip(ours, ref, strict=True)]
    record_property("validation:mmse-com-vs-ieee-residual-db", max(gaps))
    for got, want in zip(gaps, KNOWN_GAP_DB[name], strict=True):
        assert abs(got - want) <= GAP_GUARD_DB, (name, gaps)


@pytest.mark.channels
@pytest.mark.parametrize("name", list(GRIDS))
def test_mmse_com_matches_ieee(name, record_property):
    ref, ours = _reference(name), _ours(name)
    record_property("validation:mmse-com-vs-ieee-db", max(abs(o - r) for o, r in zip(ours, ref, strict=True)))
    for o, r in zip(ours, ref, strict=True):
        assert abs(o - r) <= TOL_MMSE_VS_IEEE_DB, (name, ours, ref)
