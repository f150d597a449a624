"""RX FFE tap limits of the MMSE equaliser (:func:`sikernel.eq.mmse.mmse`, ``ffe_limit``).

The limits ``|w_k| <= lim w_main`` join the DFE box limits in the QP of
``sikernel._kernels.eq.mmse_one``; checked against scipy's SLSQP on the same QP written
out directly (full convolution, no Toeplitz/autocorrelation shortcut).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import LinearConstraint, minimize

from sikernel.eq.mmse import mmse, mmse_batch, symbol_variance
from sikernel.errors import SIKernelError

#: slack on a tap limit after the active-set solve (relative to the main tap)
TOL_LIMIT = 1e-9
#: loose limit vs no limit (the same unconstrained solution)
TOL_LOOSE = 1e-12
#: our MSE vs SLSQP's MSE on the same QP (relative; observed <= 1e-13)
TOL_MSE_REL = 1e-9
#: our taps vs SLSQP's taps (normalised to the main tap)
TOL_TAPS = 1e-6

N_PRE, N_POST, N_DFE, I0 = 2, 4, 1, 3
KW = {"noise_acf": [2e-4, 5e-5, 1e-5], "snr_tx_db": 30.0, "b_max": 0.5, "b_min": 0.0}


def _cursors(rng):
    """A strongly dispersive pulse: the unconstrained RX FFE needs large taps."""
    h = np.array([0.05, 0.12, 0.35, 0.6, 0.45, 0.3, 0.18, 0.1, 0.05, 0.02])
    return h + 0.01 * rng.standard_normal(h.size)


def _qp_matrix(h, sx2, tx_rel):
    """MSE = ||M z||**2 for z = (w, b), written out from the full convolution matrix A:
    residual ISI (main row removed, DFE rows minus b), noise (Cholesky of R_n), TX noise."""
    n_w = N_PRE + 1 + N_POST
    a = np.stack([np.convolve(np.eye(n_w)[i], h) for i in range(n_w)], axis=1)
    m0 = I0 + N_PRE
    ares = np.hstack([a, np.zeros((a.shape[0], N_DFE))])
    ares[m0] = 0.0
    for d in range(N_DFE):
        ares[m0 + 1 + d, n_w + d] = -1.0
    r = np.zeros(n_w)
    r[: len(KW["noise_acf"])] = KW["noise_acf"]
    rn = r[np.abs(np.subtract.outer(np.arange(n_w), np.arange(n_w)))]
    ln = np.hstack([np.linalg.cholesky(rn).T, np.zeros((n_w, N_DFE))])
    atx = np.hstack([a, np.zeros((a.shape[0], N_DFE))])
    mm = np.vstack([np.sqrt(sx2) * ares, ln, np.sqrt(sx2 * tx_rel) * atx])
    return mm, np.append(a[m0], np.zeros(N_DFE))


def _scipy_qp(h, lim):
    sx2 = symbol_variance(4)
    tx_rel = 10 ** (-KW["snr_tx_db"] / 10)
    mm, crow = _qp_matrix(h, sx2, tx_rel)
    g = mm.T @ mm
    n_w = N_PRE + 1 + N_POST
    rows = []
    for k in range(n_w):
        if k != N_PRE:
            for sg in (1.0, -1.0):
                a = np.zeros(n_w + N_DFE)
                a[k], a[N_PRE] = -sg, lim
                rows.append(a)          # lim w_main - sg w_k >= 0
    cons = [LinearConstraint(crow[None, :], 1.0, 1.0),
            LinearConstraint(np.array(rows), 0.0, np.inf)]
    z0 = np.zeros(n_w + N_DFE)
    z0[N_PRE] = 1.0 / h[I0]
    bounds = [(None, None)] * n_w + [(KW["b_min"], KW["b_max"])] * N_DFE
    res = minimize(lambda z: z @ g @ z, z0, jac=lambda z: 2 * g @ z, method="SLSQP",
                   bounds=bounds, constraints=cons, options={"ftol": 1e-15, "maxiter": 1000})
    assert res.success, res.message
    return res.x, float(res.x @ g @ res.x)


def _rel(w):
    return np.delete(w / w[N_PRE], N_PRE)


def test_limits_are_respected(rng):
    h = _cursors(rng)
    free = mmse(h, I0, N_PRE, N_POST, N_DFE, **KW)
    assert np.max(np.abs(_rel(free.rx_ffe_taps))) > 0.3     # the limit below binds
    for lim in (0.3, 0.1, 0.0):
        r = mmse(h, I0, N_PRE, N_POST, N_DFE, ffe_limit=lim, **KW)
        assert np.all(np.abs(_rel(r.rx_ffe_taps)) <= lim + TOL_LIMIT)
        assert r.h_eq[r.main_index] == pytest.approx(1.0, abs=1e-9)
        assert r.mse >= free.mse
    rb = mmse_batch(np.stack([h, 0.5 * h]), I0, N_PRE, N_POST, N_DFE, ffe_limit=0.3, **KW)
    for w in rb.rx_ffe_taps:
        assert np.all(np.abs(_rel(w)) <= 0.3 + TOL_LIMIT)


def test_loose_limit_equals_unconstrained(rng):
    h = _cursors(rng)
    free = mmse(h, I0, N_PRE, N_POST, N_DFE, **KW)
    loose = mmse(h, I0, N_PRE, N_POST, N_DFE, ffe_limit=1e6, **KW)
    np.testing.assert_allclose(loose.rx_ffe_taps, free.rx_ffe_taps, rtol=0, atol=TOL_LOOSE)
    assert loose.mse == free.mse
    fb = mmse_batch(h[None, :], I0, N_PRE, N_POST, N_DFE, **KW)
    lb = mmse_batch(h[None, :], I0, N_PRE, N_POST, N_DFE, ffe_limit=np.inf, **KW)
    assert np.array_equal(fb.rx_ffe_taps, lb.rx_ffe_taps) and np.array_equal(fb.mse, lb.mse)


@pytest.mark.parametrize("lim", [0.5, 0.3, 0.1])
def test_limited_qp_matches_scipy(rng, lim):
    h = _cursors(rng)
    r = mmse(h, I0, N_PRE, N_POST, N_DFE, ffe_limit=lim, **KW)
    z, mse_ref = _scipy_qp(h, lim)
    assert r.mse == pytest.approx(mse_ref, rel=TOL_MSE_REL)
    assert r.mse <= mse_ref * (1 + TOL_MSE_REL)
    np.testing.assert_allclose(r.rx_ffe_taps / r.rx_ffe_taps[N_PRE], z[:-N_DFE] / z[N_PRE],
                               atol=TOL_TAPS)


def test_bad_ffe_limit():
    h = np.array([0.1, 1.0, 0.3])
    with pytest.raises(SIKernelError, match="ffe_limit"):
        mmse(h, 1, 1, 1, 1, ffe_limit=-0.1)
    with pytest.raises(SIKernelError, match="ffe_limit"):
        mmse_batch(h[None, :], 1, 1, 1, 1, ffe_limit=[0.7, 0.7])
