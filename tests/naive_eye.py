"""Slow, obvious references for the statistical eye, PMFs and the simulator.

Everything here enumerates or loops in plain Python/NumPy: all ``L^K`` symbol
patterns of a short channel, a per-symbol DFE loop, an LFSR bit by bit.
"""

from __future__ import annotations

import itertools

import numpy as np


def pam_levels(n_levels: int) -> np.ndarray:
    """PAM levels equally spaced on [-1, 1]."""
    return np.linspace(-1.0, 1.0, n_levels)


def isi_values(h: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Every value of sum_k a_k h_k over all L^K symbol patterns (each has probability L^-K)."""
    h = np.asarray(h, dtype=float)
    vals = np.zeros(1)
    for hk in h:
        vals = (vals[:, None] + levels[None, :] * hk).ravel()
    return vals


def bin_linear(values: np.ndarray, weights: np.ndarray, v0: float, dv: float, n: int) -> np.ndarray:
    """Histogram, each value split linearly between its two neighbouring bin centres (clamped)."""
    out = np.zeros(n)
    for v, w in zip(values, weights, strict=True):
        s = (v - v0) / dv
        m = int(np.floor(s))
        f = s - m
        if abs(f) < 1e-9:
            f = 0.0
        elif abs(1 - f) < 1e-9:
            m, f = m + 1, 0.0
        for idx, ww in ((m, 1 - f), (m + 1, f)):
            out[min(max(idx, 0), n - 1)] += w * ww
    return out


def isi_pmf_bruteforce(h, levels, v0, dv, n):
    """PMF of the ISI by enumerating all patterns, then binning linearly."""
    vals = isi_values(h, levels)
    return bin_linear(vals, np.full(vals.size, 1.0 / vals.size), v0, dv, n)


def patterns(n_levels: int, n_cursors: int):
    """All symbol patterns (as level indices) of length n_cursors."""
    return itertools.product(range(n_levels), repeat=n_cursors)
