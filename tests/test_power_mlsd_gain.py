"""The MLSD credit of the energy budget against a simulated Viterbi detector.

Reference: tests/naive_sequence_detector.py (NumPy, seeded; full 4-state Viterbi on PAM-4 through
1 + b1·D with white noise, and the ideal DFE in closed form), independent of sikernel.  The gain a
detector earns is the SNR the ideal DFE needs at a symbol error ratio minus the SNR the Viterbi
detector needs at the same ratio.  The budget credits ``sequence.finite_ser_gain_db`` (a union
bound over the detector's error events at the link's error ratio); the SI chain stores the
asymptotic distance gain ``si.mlsd_gain_db``, which the simulation shows is too generous near the
DFE cap.  The 2-candidate reduced-state detector of the 200G receivers (measured, not adopted:
docs/energy-model.md, "A reduced-state sequence detector: measured, not adopted") is held against
the full detector on the same symbols and noise (one seed: a paired difference).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pytest

from sikernel.power import sequence, si
from sikernel.power.sequence import finite_ser_gain_db

from . import naive_sequence_detector as ref
from .conftest import repo_text

#: symbol error ratio at which the gain is measured (PAM-4 SER = 2 × BER: the 1e-4 BER of the
#: 200G host links is 2e-4 SER; 1e-4 keeps ≈ 200 errors per point with 2e6 symbols)
SER = 1e-4
#: SNR grid of the simulation (dB), bracketing SER 1e-4 for b1 in 0.5 ... 0.85
GRID_DB = (16.5, 17.0, 17.5, 18.0, 18.5)
#: agreement asked of the credited gain: the simulated SNR at SER is interpolated between 0.5 dB grid
#: points from ≈ 200 errors (seeds 1 and 7 differ by ≈ 0.09 dB at b1 = 0.5); a twentieth of the
#: 3 dB COM margin would be too tight for that noise, a tenth (0.3 dB) is not
MLSD_GAIN_TOL_DB = 0.3

#: SER at which the reduced-state detector is set against the full Viterbi, and the simulation's size:
#: 6·10⁶ symbols per point at b1 = 0.85 (≈ 600 errors at SER 1e-4), 2·10⁶ at b1 = 0.5 (≈ 200 errors;
#: there both detectors decide alike, so the paired difference is small), seed 7 as above
RS_SER = 1e-4
RS_BLOCKS = {0.5: 2000, 0.85: 6000}
RS_SYMBOLS, RS_SEED = 1000, 7
#: bracketing grids (dB) at SER 1e-4: b1 = 0.5 both detectors ≈ 17.8-17.9 dB (the reduced-state grid
#: reaches 19 dB so that a detector as poor as the DFE, ≈ 18.9 dB, fails the bound, not the bracket);
#: b1 = 0.85 the full detector ≈ 17.3 dB, the reduced-state one ≈ 18.7 dB
RS_GRID_FULL_B05_DB = (17.5, 18.0, 18.5)
RS_GRID_REDUCED_B05_DB = (17.5, 18.0, 18.5, 19.0)
RS_GRID_FULL_B085_DB = (17.0, 17.5)
RS_GRID_REDUCED_B085_DB = (18.5, 19.0)
#: at b1 = 0.5 the reduced-state detector matches the full one: measured 0.00-0.02 dB (seeds 1, 3,
#: 7, SER 1e-3 and 1e-4); the bound leaves a margin of 0.2 dB for that
RS_MATCH_TOL_DB = 0.2
#: its SNR penalty at b1 = 0.85 and SER 1e-4: 1.41 dB pooled over 16 seeds (3.2·10⁷ symbols per point);
#: single seeds at 6·10⁶ symbols give 1.26-1.55 dB (seeds 1-8; seed 7: 1.37).  The docs' "+1.0 to
#: +1.2 dB" holds at SER 1e-3 (1.22 dB pooled), not at 1e-4
RS_PENALTY_B085_DB = 1.4
RS_PENALTY_TOL_DB = 0.2


def _simulated_gain_db(b1: float) -> float:
    return ref.ideal_dfe_snr_db(SER) - ref.viterbi_snr_db(b1, SER, GRID_DB, n_blocks=2000,
                                                          n_symbols=1000, seed=7)


def _credited_gain_db(b1: float) -> float:
    """What the budget credits: the finite-SER gain of the stored asymptotic gain, at BER = SER/2."""
    return float(finite_ser_gain_db(si.mlsd_gain_db(b1), SER / math.log2(4), 4))


@pytest.mark.parametrize("b1", [0.5, 0.7, si.DSP_DFE_BMAX])
def test_credited_gain_matches_simulated_viterbi(b1):
    assert _credited_gain_db(b1) == pytest.approx(_simulated_gain_db(b1), abs=MLSD_GAIN_TOL_DB)


def test_asymptotic_gain_overstates_at_the_dfe_cap():
    """Why the finite-SER credit exists: at b1 = 0.85 the asymptotic 2.36 dB exceeds the simulated
    gain by more than the tolerance (alternating error events of almost the same distance)."""
    assert si.mlsd_gain_db(si.DSP_DFE_BMAX) - _simulated_gain_db(si.DSP_DFE_BMAX) > 3 * MLSD_GAIN_TOL_DB


@functools.cache
def _viterbi_snr_db(b1: float, grid: tuple[float, ...]) -> float:
    """SNR the full Viterbi needs at ``RS_SER`` (simulated once per point and grid; the reduced-state
    detectors are set against it on the same seed, hence the same symbols and noise)."""
    return ref.viterbi_snr_db(b1, RS_SER, grid, n_blocks=RS_BLOCKS[b1], n_symbols=RS_SYMBOLS, seed=RS_SEED)


@functools.cache
def _reduced_state_penalty_db(b1: float) -> float:
    """SNR the 2-candidate reduced-state detector needs at ``RS_SER`` minus the full Viterbi's (same
    seed, hence the same symbols and noise for both)."""
    if b1 == 0.5:
        full_grid, reduced_grid = RS_GRID_FULL_B05_DB, RS_GRID_REDUCED_B05_DB
    else:
        full_grid, reduced_grid = RS_GRID_FULL_B085_DB, RS_GRID_REDUCED_B085_DB
    kw = {"n_blocks": RS_BLOCKS[b1], "n_symbols": RS_SYMBOLS, "seed": RS_SEED}
    return ref.reduced_state_snr_db(b1, RS_SER, reduced_grid, **kw) - _viterbi_snr_db(b1, full_grid)


def test_reduced_state_detector_matches_viterbi_at_small_b1():
    """b1 = 0.5: the two candidates the tentative DFE leaves hold the full detector's decisions."""
    assert abs(_reduced_state_penalty_db(0.5)) <= RS_MATCH_TOL_DB


def test_reduced_state_detector_penalty_at_the_dfe_cap():
    """b1 = 0.85 (where the 200G rows of the SI chain run): the reduced-state detector needs ≈ 1.4 dB
    more SNR than the full Viterbi at SER 1e-4 -- more than the "+1.0 to +1.2 dB" the docs once
    typed from uncommitted review scripts, which fits SER 1e-3 (1.22 dB pooled), not 1e-4."""
    assert _reduced_state_penalty_db(0.85) == pytest.approx(RS_PENALTY_B085_DB, abs=RS_PENALTY_TOL_DB)


@functools.cache
def _set_partition_penalty_db(b1: float) -> float:
    """SNR the set-partition reduced-state detector needs at ``RS_SER`` minus the full Viterbi's
    (same seed: the same symbols and noise)."""
    kw = {"n_blocks": RS_BLOCKS[b1], "n_symbols": RS_SYMBOLS, "seed": RS_SEED}
    return (ref.set_partition_rsse_snr_db(b1, RS_SER, RS_GRID_FULL_B085_DB, **kw)
            - _viterbi_snr_db(b1, RS_GRID_FULL_B085_DB))


def test_set_partition_detector_matches_viterbi_at_the_dfe_cap():
    """b1 = 0.85: reduced-state sequence estimation on the set partition {-3, 1} / {-1, 3} with
    per-survivor decision feedback (Eyuboglu & Qureshi 1988; 2 states, 4 branches) needs no more
    SNR than the full 4-state Viterbi (measured 0.01 dB with seed 7), where the tentative-DFE
    preselection loses ≈ 1.4 dB: which candidates a reduced-state detector keeps decides its loss."""
    assert abs(_set_partition_penalty_db(0.85)) <= RS_MATCH_TOL_DB


def test_readme_reduced_state_figures_are_current():
    """Regression guard for prose: the README's reduced-state sentence (review 27: it said the
    reduced-state detector "loses ≈ 1 dB more", which holds for one preselection only) types the
    simulated penalties and the silicon check's ratios (sikernel.power.datapath_checks)."""
    from sikernel.power.datapath_checks import sequence_detector_check
    from sikernel.power.holdout import ber_text

    readme = repo_text("README.md", flat=True)
    tentative = _reduced_state_penalty_db(0.85)
    assert f"with candidates from a tentative DFE it needs ≈ {tentative:.1f} dB more" in readme
    assert abs(_set_partition_penalty_db(0.85)) <= RS_MATCH_TOL_DB
    assert f"within {RS_MATCH_TOL_DB:g} dB at b1 = 0.85, SER {ber_text(RS_SER)}" in readme
    ratios = [1.0 / float(r["ratio"]) for r in sequence_detector_check()]
    assert f"draws {min(ratios):.1f}–{max(ratios):.1f}× what the model prices for the full one" in readme


def test_readme_credit_figure_is_current():
    """Regression guard for prose: the credit the README types (b1 = 0.85, BER 1e-4, and the
    asymptotic gain beside it) is the shipped law's, rounded as typed (it once said 1.3 dB, the
    figure at SER 1e-4, i.e. BER 5e-5)."""
    readme = repo_text("README.md", flat=True)
    asymptotic = si.mlsd_gain_db(0.85)
    credit = float(finite_ser_gain_db(asymptotic, 1e-4, 4))
    assert f"≈ {credit:.1f} dB at b1 = 0.85 and BER 1e-4, not the asymptotic {asymptotic:.2f} dB" in readme


def test_finite_gain_bounds():
    """0 without MLSD; between 0 and the asymptotic gain; rises towards it as the error ratio falls."""
    g_asym = si.mlsd_gain_db(0.85)
    assert float(finite_ser_gain_db(0.0, 1e-4, 4)) == 0.0
    seq = [float(finite_ser_gain_db(g_asym, ber, 4)) for ber in (1e-3, 1e-4, 1e-6, 1e-9, 1e-12)]
    assert all(0.0 < a < b <= g_asym for a, b in itertools.pairwise(seq))
    assert seq[-1] > g_asym - 0.35
    # shape: any array shape in, the same out
    arr = finite_ser_gain_db([[0.0, g_asym], [g_asym, 0.0]], 1e-4, 4)
    assert arr.shape == (2, 2) and arr[0, 0] == 0.0 and arr[0, 1] == arr[1, 0]


@pytest.mark.parametrize("ber", [2.4e-4, 1e-4, 1e-6, 1e-12])
def test_spline_is_the_bisection(ber):
    """The budget's spline of the bound against the bound solved by bisection for each value (the
    slow obvious path it replaced), at seeded random b1 over the whole knot range, PAM-4 and NRZ."""
    rng = np.random.default_rng(11)
    b1 = np.concatenate([rng.uniform(0.0, 1.0, 200), [1e-4, 0.5, si.DSP_DFE_BMAX, 1.0]])
    g_asym = 10.0 * np.log10(1.0 + b1 * b1)
    for levels in (4, 2):
        ser = ber * math.log2(levels)
        fast = finite_ser_gain_db(g_asym, ber, levels)
        slow = np.array([sequence._gain_db(float(g), ser, levels) for g in g_asym])
        assert np.max(np.abs(fast - slow)) <= sequence.SPLINE_TOL_DB


def test_gain_beyond_the_knots_and_nan():
    """A gain beyond the last knot (b1 > 1) is solved directly; NaN stays NaN; 0 and below earn 0."""
    g = np.array([np.nan, 0.0, -1.0, si.mlsd_gain_db(1.3)])
    out = finite_ser_gain_db(g, 1e-4, 4)
    assert np.isnan(out[0]) and out[1] == 0.0 and out[2] == 0.0
    assert out[3] == sequence._gain_db(float(g[3]), 2e-4, 4) > 0.0


def test_batch_does_not_solve_the_bound_per_point(monkeypatch):
    """The mechanism behind the batch path's speed (no timing asserted): interpolated losses give
    every point its own MLSD gains, and ``energy_per_bit_batch`` must read them from the spline,
    never the per-value bisection (which made it 48x slower). Seeded losses where the 106.25 GBd
    DSP receivers with MLSD are candidates."""
    from sikernel.power import energy_per_bit_batch

    calls = []
    real = sequence._gain_db
    monkeypatch.setattr(sequence, "_gain_db", lambda *a: calls.append(a) or real(*a))
    loss = np.random.default_rng(3).uniform(38.0, 52.0, 64)
    res = energy_per_bit_batch(loss, baud=106.25e9, node_nm=3, target_ber=1e-4)
    assert np.any(res.eq_settings["mlsd"] == 1)  # the MLSD credit was exercised
    assert calls == []
