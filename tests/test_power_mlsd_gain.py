"""The MLSD credit of the SI chain (si.mlsd_gain_db) against a simulated Viterbi detector.

Reference: tests/naive_sequence_detector.py (NumPy, seeded; full 4-state Viterbi on PAM-4 through
1 + b1·D with white noise, and the ideal DFE in closed form), independent of sikernel.  The gain a
detector earns is the SNR the ideal DFE needs at a symbol error ratio minus the SNR the Viterbi
detector needs at the same ratio.
"""

from __future__ import annotations

import pytest

from sikernel.power import si

from . import naive_sequence_detector as ref

#: symbol error ratio at which the gain is measured (PAM-4 SER ≈ 2 × BER: the 1e-4 BER of the
#: 200G host links is ≈ 2e-4 SER); 2e6 symbols give ≈ 200 errors per point
SER = 1e-4
#: SNR grid of the simulation (dB), bracketing SER 1e-4 for b1 in 0.5 ... 0.85
GRID_DB = (16.5, 17.0, 17.5, 18.0, 18.5)
#: agreement asked of the credit: the simulated SNR at SER is interpolated between 0.5 dB grid
#: points from ≈ 200 errors (a few hundredths of a dB of noise); 0.3 dB is a tenth of the COM margin
MLSD_GAIN_TOL_DB = 0.3


def _simulated_gain_db(b1: float) -> float:
    return ref.ideal_dfe_snr_db(SER) - ref.viterbi_snr_db(b1, SER, GRID_DB, n_blocks=2000,
                                                          n_symbols=1000, seed=7)


def test_credit_holds_at_moderate_post_cursor():
    """At b1 = 0.5 the asymptotic credit (0.97 dB) is within the tolerance of the simulated gain."""
    assert si.mlsd_gain_db(0.5) == pytest.approx(_simulated_gain_db(0.5), abs=MLSD_GAIN_TOL_DB)


@pytest.mark.xfail(strict=True, reason="known gap (docs/energy-model.md): at b1 = 0.85, the DSP DFE "
                   "cap where the 200G rows sit, the credited 2.36 dB exceeds the ≈ 1.3 dB a simulated "
                   "Viterbi detector gains over the ideal DFE at SER 1e-4; the credit is not yet "
                   "the finite-SER gain")
def test_credit_holds_at_the_dfe_cap():
    assert si.mlsd_gain_db(si.DSP_DFE_BMAX) == pytest.approx(_simulated_gain_db(si.DSP_DFE_BMAX),
                                                             abs=MLSD_GAIN_TOL_DB)


def test_simulated_gain_is_below_the_asymptotic_one():
    """Sanity of the reference itself: at a finite SER the detector earns at most the asymptotic
    d_min gain (plus the tolerance) and more than nothing."""
    for b1 in (0.5, si.DSP_DFE_BMAX):
        g = _simulated_gain_db(b1)
        assert 0.0 < g <= si.mlsd_gain_db(b1) + MLSD_GAIN_TOL_DB
