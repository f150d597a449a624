"""Slow, obvious reference for the bit-by-bit simulator with slicer noise.

A plain-Python symbol loop: ISI sum, RX FFE, noise, DFE tap by tap on the decided
(or the transmitted) symbols, slicer by ``searchsorted``.  It mirrors the kernel's
start-up: samples exist from symbol ``n_post`` on, earlier samples are 0, and
symbols never decided feed back as ``levels[0]`` (tests/naive_eye.py
``dfe_link_loop`` is this loop without noise).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def noisy_link_loop(x: np.ndarray, sym: np.ndarray, cursors: np.ndarray, n_pre: int,
                    rx_ffe: np.ndarray, rx_pre: int, dfe: np.ndarray, levels: np.ndarray,
                    thresholds: np.ndarray, n_warm: int, noise: np.ndarray,
                    propagate: bool = True) -> tuple[int, int, int, np.ndarray, np.ndarray]:
    """Symbol loop with ``noise[m]`` added at the slicer input of symbol ``m``.

    Returns (symbols counted, symbol errors, Gray-coded bit errors, errors across each
    threshold ``(L-1, 2)`` (upwards, downwards), decided symbol per index (-1: undecided)).
    """
    n_sym = x.size
    k = cursors.size
    n_post = k - 1 - n_pre
    y = np.zeros(n_sym)
    for s in range(n_post, n_sym - n_pre):
        acc = 0.0
        for i in range(k):
            acc += x[s - (i - n_pre)] * cursors[i]
        y[s] = acc
    decided = np.full(n_sym, -1, dtype=np.int64)
    fed = np.full(n_sym, levels[0])  # fed-back level per symbol; undecided: levels[0]
    err_thr = np.zeros((levels.size - 1, 2), dtype=np.int64)
    counted = se = be = 0
    for m in range(max(0, n_post - rx_pre), n_sym - n_pre - rx_pre):
        z = 0.0
        for i, w in enumerate(rx_ffe):
            q = m + rx_pre - i
            if q >= 0:
                z += w * y[q]
        z += noise[m]
        for i, b in enumerate(dfe):
            z -= b * (fed[m - 1 - i] if m - 1 - i >= 0 else levels[0])
        d = int(np.searchsorted(thresholds, z, side="left"))
        decided[m] = d
        fed[m] = levels[d] if propagate else x[m]
        if m >= n_warm:
            counted += 1
            s = int(sym[m])
            if d != s:
                se += 1
                be += bin((d ^ (d >> 1)) ^ (s ^ (s >> 1))).count("1")
                if d > s:
                    err_thr[s:d, 0] += 1
                else:
                    err_thr[d:s, 1] += 1
    return counted, se, be, err_thr, decided


def fma(a: float, b: float, c: float) -> float:
    """``a b + c`` rounded once (IEEE 754 fusedMultiplyAdd), by exact rational arithmetic."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def fma_dot(x: np.ndarray, t: np.ndarray) -> float:
    """``sum_j x[j] t[j]`` accumulated in the order ``j = 0, 1, ...``, one FMA per term."""
    acc = 0.0
    for a, b in zip(x.tolist(), t.tolist(), strict=True):
        acc = fma(a, b, acc)
    return acc


def fma_lerp(a: float, b: float, f: float) -> float:
    """``a`` moved towards ``b`` by ``f``: ``fma(f, b, (1 - f) a)`` (``a`` when ``f`` is 0)."""
    return fma(f, b, (1.0 - f) * a) if f > 0.0 else a
