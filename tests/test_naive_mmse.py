"""The first-principles MMSE reference of tests/naive_mmse.py against sikernel.eq.mmse.mmse.

The reference writes the MSE term by term from explicit convolution rows and solves the
constrained QP with scipy (SLSQP + an exact KKT polish); sikernel solves the KKT system of
its autocorrelation form with its own active-set method.  Random cursors with crosstalk, TX
noise, coloured noise, DFE taps that saturate and RX FFE limits that bind.
"""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.eq.mmse import mmse

from .naive_mmse import naive_mmse_solve

#: two solvers of the same convex QP: FOM agreement (dB); measured <= 7e-13 dB
FOM_TOL_DB = 1e-9
#: normalised RX FFE taps; measured <= 4e-8 (flat optimum: taps converge slower than the MSE)
TAP_TOL = 1e-6
BMAX = np.array([0.85, 0.3, 0.2])


@pytest.mark.parametrize("lim", [0.7, 0.1, None])
@pytest.mark.parametrize("n_dfe", [1, 3])
def test_naive_mmse_solve_equals_sikernel(rng, lim, n_dfe, record_property):
    base = np.array([0.01, -0.03, 0.08, 0.35, 0.6, 0.3, 0.12, 0.05, 0.02, -0.01, 0.005])
    acf = np.array([1e-4, 3e-5, 1e-5, 2e-6])
    for _ in range(3):
        h = base * (1 + 0.2 * rng.standard_normal(base.size))
        xts = [0.02 * rng.standard_normal(12)]
        r = mmse(h, 4, 5, 10, n_dfe, modulation="pam4", rlm=0.95, noise_acf=acf, snr_tx_db=33.0,
                 xt_cursors=xts, b_max=BMAX[:n_dfe], ffe_limit=lim)
        fom, mse, w, b = naive_mmse_solve(h, 4, 5, 10, n_dfe, 4, 0.95, acf, 33.0, xts, BMAX[:n_dfe],
                                          None, lim)
        record_property("validation:mmse-naive-qp", abs(r.fom_db - fom))
        assert abs(r.fom_db - fom) <= FOM_TOL_DB
        np.testing.assert_allclose(r.mse, mse, rtol=1e-9)
        np.testing.assert_allclose(r.rx_ffe_taps / r.rx_ffe_taps[5], w / w[5], atol=TAP_TOL)
        np.testing.assert_allclose(r.dfe_taps, b, atol=TAP_TOL)


def test_limits_bind_in_the_cases_above():
    """The 0.1 FFE limit binds (otherwise the comparison above tests less)."""
    h = np.array([0.01, -0.03, 0.08, 0.35, 0.6, 0.3, 0.12, 0.05, 0.02, -0.01, 0.005])
    _, _, w, _ = naive_mmse_solve(h, 4, 5, 10, 3, 4, 0.95, np.array([1e-4]), 33.0, [], BMAX, None, 0.1)
    assert np.max(np.abs(np.delete(w, 5) / w[5])) == pytest.approx(0.1, rel=1e-9)


def test_saturated_dfe_closed_form():
    """No FFE taps besides the main, no noise: h_eq = h/h0 = [1, 0.8, 0.2], b(1) = b_max = 0.2,
    MSE = sigma_x^2 ((0.8 - 0.2)^2 + 0.2^2) with sigma_x^2 = 5/9 (PAM4)."""
    h = np.array([0.5, 0.4, 0.1])
    fom, mse, w, b = naive_mmse_solve(h, 0, 0, 0, 1, 4, 1.0, np.zeros(1), None, [], np.array([0.2]),
                                      None, None)
    assert w[0] == pytest.approx(2.0, rel=1e-12) and b[0] == pytest.approx(0.2, rel=1e-12)
    assert mse == pytest.approx(5 / 9 * (0.6**2 + 0.2**2), rel=1e-12)
    r = mmse(h, 0, 0, 0, 1, modulation="pam4", b_max=0.2)
    assert r.mse == pytest.approx(mse, rel=1e-9) and r.fom_db == pytest.approx(fom, abs=FOM_TOL_DB)
