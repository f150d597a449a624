"""PMF kernels (sikernel._kernels.pmf) against brute-force enumeration and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from sikernel._kernels import pmf as K

from . import naive_eye

# exact cases: floating-point summation only
ATOL_EXACT = 1e-13
# Gaussian bin integrals vs scipy.stats.norm
ATOL_GAUSS = 1e-12


def _grid(n, dv, zero_index):
    return -zero_index * dv, dv, n


@pytest.mark.parametrize("n_levels", [2, 3, 4])
@pytest.mark.parametrize("n_cursors", [1, 3, 6, 8])
def test_isi_pmf_exact_on_bin_centres(rng, n_levels, n_cursors):
    dv = 1e-3
    levels = naive_eye.pam_levels(n_levels)
    step = (n_levels - 1) * dv  # a_l * h_k is a whole number of bins
    h = rng.integers(-12, 13, size=n_cursors) * step
    v0, dv, n = _grid(801, dv, 400)
    got = np.empty(n)
    K.isi_pmf(h, levels, v0, dv, got)
    ref = naive_eye.isi_pmf_bruteforce(h, levels, v0, dv, n)
    np.testing.assert_allclose(got, ref, rtol=0, atol=ATOL_EXACT)
    assert got.sum() == pytest.approx(1.0, abs=ATOL_EXACT)


def test_isi_pmf_one_sided_levels(rng):
    """Levels not symmetric about 0 (support drifts one way) still match enumeration."""
    levels = np.array([0.0, 0.5, 1.0])
    dv = 1e-3
    h = rng.integers(1, 30, size=7) * 2 * dv
    v0, dv, n = -0.05, dv, 700
    got = np.empty(n)
    K.isi_pmf(h, levels, v0, dv, got)
    np.testing.assert_allclose(got, naive_eye.isi_pmf_bruteforce(h, levels, v0, dv, n),
                               rtol=0, atol=ATOL_EXACT)


def test_isi_pmf_off_centre_binning_error_bounds(rng):
    """Mean exact; variance inflated by at most (K+1) dv^2/4; quantiles within K+1 bins."""
    levels = naive_eye.pam_levels(4)
    dv = 2.5e-3
    v0 = -0.5 + 0.37 * dv  # 0 V not on a bin centre
    n = 401
    for _ in range(5):
        k = 8
        h = rng.normal(scale=0.03, size=k)
        got = np.empty(n)
        K.isi_pmf(h, levels, v0, dv, got)
        v = v0 + dv * np.arange(n)
        vals = naive_eye.isi_values(h, levels)
        mean = (got * v).sum()
        var = (got * (v - mean) ** 2).sum()
        assert mean == pytest.approx(vals.mean(), abs=1e-12)
        assert vals.var() - 1e-12 <= var <= vals.var() + (k + 1) * dv**2 / 4 + 1e-12
        for p in (1e-3, 0.1, 0.5, 0.9):
            q_ref = np.quantile(vals, p)
            assert abs(K.quantile_below(got, v0, dv, p) - q_ref) <= (k + 1) * dv


def test_isi_pmf_skips_zero_cursors_and_batch_matches(rng):
    levels = naive_eye.pam_levels(4)
    h = rng.normal(scale=0.02, size=(5, 30))
    h[:, ::3] = 0.0
    v0, dv, n = -0.5, 1e-3, 1001
    out = np.empty((5, n))
    K.isi_pmf_batch(h, levels, v0, dv, out)
    for p in range(5):
        one = np.empty(n)
        K.isi_pmf(h[p][h[p] != 0], levels, v0, dv, one)
        np.testing.assert_array_equal(out[p], one)


def test_isi_pmf_clamps_to_edges_keeping_mass():
    levels = naive_eye.pam_levels(2)
    out = np.empty(11)
    K.isi_pmf(np.array([1.0]), levels, -5e-3, 1e-3, out)
    assert out[0] == pytest.approx(0.5) and out[-1] == pytest.approx(0.5)


@pytest.mark.parametrize("n_levels", [2, 4])
def test_isi_pmf_exact_when_the_isi_spans_far_beyond_the_grid(rng, n_levels):
    """Mass that can no longer reach the grid is folded into the edge bins: still exact."""
    levels = naive_eye.pam_levels(n_levels)
    dv = 1e-3
    h = rng.integers(-40, 41, size=7) * (n_levels - 1) * dv  # spans up to ~+-0.3 V
    for n, z in ((41, 20), (25, 3), (31, 30)):
        got = np.empty(n)
        K.isi_pmf(h, levels, -z * dv, dv, got)
        ref = naive_eye.isi_pmf_bruteforce(h, levels, -z * dv, dv, n)
        np.testing.assert_allclose(got, ref, rtol=0, atol=ATOL_EXACT)


def _naive_convolve(a, b, shift, n_out):
    full = np.convolve(a, b)
    out = np.zeros(n_out)
    for idx, w in enumerate(full):
        out[min(max(idx + shift, 0), n_out - 1)] += w
    return out


@pytest.mark.parametrize("shift", [-40, -7, 0, 5, 60])
def test_convolve_pmf_matches_numpy(rng, shift):
    a = rng.random(50)
    b = rng.random(23)
    b[3:6] = 0.0
    got = np.empty(64)
    K.convolve_pmf(a, b, shift, got)
    np.testing.assert_allclose(got, _naive_convolve(a, b, shift, 64), rtol=1e-12, atol=1e-12)


def test_convolve_pmf_commutes_with_isi_pmf(rng):
    """PMF(h1 ++ h2) = PMF(h1) * PMF(h2) exactly on bin centres."""
    levels = naive_eye.pam_levels(4)
    dv = 1e-3
    h1 = rng.integers(-10, 11, size=4) * 3 * dv
    h2 = rng.integers(-10, 11, size=3) * 3 * dv
    n, z = 601, 300
    v0 = -z * dv
    p1, p2, p12, conv = (np.empty(n) for _ in range(4))
    K.isi_pmf(h1, levels, v0, dv, p1)
    K.isi_pmf(h2, levels, v0, dv, p2)
    K.isi_pmf(np.concatenate([h1, h2]), levels, v0, dv, p12)
    K.convolve_pmf(p1, p2, -z, conv)
    np.testing.assert_allclose(conv, p12, rtol=0, atol=ATOL_EXACT)


def test_gaussian_pmf_bin_integrals():
    v0, dv, n = -0.1, 1e-3, 201
    out = np.empty(n)
    K.gaussian_pmf(0.004, 0.01, v0, dv, out)
    edges = v0 + dv * (np.arange(n + 1) - 0.5)
    ref = np.diff(norm.cdf(edges, loc=0.004, scale=0.01))
    ref[0] += norm.cdf(edges[0], 0.004, 0.01)
    ref[-1] += norm.sf(edges[-1], 0.004, 0.01)
    np.testing.assert_allclose(out, ref, rtol=0, atol=ATOL_GAUSS)
    # tail query against the closed form, within one bin
    for p in (1e-6, 1e-3, 0.3):
        assert K.quantile_below(out, v0, dv, p) == pytest.approx(norm.ppf(p, 0.004, 0.01), abs=dv)
        assert K.quantile_above(out, v0, dv, p) == pytest.approx(norm.isf(p, 0.004, 0.01), abs=dv)


def test_gaussian_pmf_zero_sigma_is_delta():
    out = np.empty(11)
    K.gaussian_pmf(0.25e-3, 0.0, -5e-3, 1e-3, out)
    assert out[5] == pytest.approx(0.75) and out[6] == pytest.approx(0.25)


def test_dual_dirac_and_mix():
    dd = np.empty(21)
    K.dual_dirac_pmf(3e-3, -10e-3, 1e-3, dd)
    assert dd[7] == 0.5 and dd[13] == 0.5 and dd.sum() == 1.0
    a = np.zeros(21)
    a[2] = 1.0
    out = np.empty(21)
    K.mix_pmf(a, dd, 0.5, out)
    assert out[2] == 0.5 and out[7] == 0.25


@given(st.floats(-0.2, 0.2), st.floats(1e-4, 0.5))
def test_prob_below_inverts_quantile(v, p):
    out = np.empty(401)
    K.gaussian_pmf(0.0, 0.05, -0.2, 1e-3, out)
    q = K.quantile_below(out, -0.2, 1e-3, p)
    assert K.prob_below(out, -0.2, 1e-3, q) == pytest.approx(p, rel=1e-9)
    c = K.prob_below(out, -0.2, 1e-3, v)
    assert 0.0 <= c <= 1.0 + 1e-12


def test_pam_levels():
    np.testing.assert_allclose(K.pam_levels(4), [-1, -1 / 3, 1 / 3, 1])
    np.testing.assert_allclose(K.pam_levels(2), [-1, 1])
