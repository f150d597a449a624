"""The explicit FMA of the COM kernels (sikernel._kernels.fma) rounds once.

Closed form: with x = 1 + 2^-30, x * x = 1 + 2^-29 + 2^-60 exactly; rounded to float64
(53-bit significand) the product is 1 + 2^-29, so ``x * x - (1 + 2^-29)`` is 0 with two
roundings and exactly 2^-60 with one (IEEE 754 fusedMultiplyAdd).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sikernel._kernels.fma import fma


@njit(cache=False)
def _fused(a, b, c):
    return fma(a, b, c)


@njit(cache=False)
def _chain(c, x):
    s = 0.0
    for i in range(c.shape[0]):
        s = fma(c[i], x[i], s)
    return s


def test_fma_rounds_once():
    x = 1.0 + 2.0 ** -30
    c = -(1.0 + 2.0 ** -29)
    assert x * x + c == 0.0          # two roundings
    assert _fused(x, x, c) == 2.0 ** -60


def test_fma_chain_matches_exact_sum_of_products_on_integers():
    # integers below 2^26: every product and partial sum is exact, so any rounding order agrees
    rng = np.random.default_rng(7)
    c = rng.integers(-2 ** 20, 2 ** 20, 9).astype(float)
    x = rng.integers(-2 ** 5, 2 ** 5, 9).astype(float)
    assert _chain(c, x) == float(np.sum(c * x))
