"""Slow, obvious reference for the MLSD distance gain the SI chain credits (sikernel.power.si).

PAM-4 (levels -3, -1, 1, 3) through the one-tap-memory response ``1 + b1·D`` with white Gaussian
noise, detected by the full 4-state Viterbi algorithm (Forney, Proc. IEEE 61(3), 1973: state = the
previous symbol, squared-Euclidean branch metrics, full traceback), simulated symbol by symbol in
NumPy (independent blocks in parallel), and the ideal decision-feedback equaliser in closed form
(correct feedback: the main cursor 1 against the noise, symbol error ratio ``2 (1 - 1/L) Q(1/σ)``).
SNR is ``E[a²] / σ²`` = ``5 / σ²`` for both.  Nothing here imports sikernel.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

LEVELS = np.array([-3.0, -1.0, 1.0, 3.0])
MEAN_SQUARE = 5.0


def sigma_of(snr_db: float) -> float:
    """Noise standard deviation for an SNR of ``E[a²]/σ²`` in dB."""
    return math.sqrt(MEAN_SQUARE / 10.0 ** (snr_db / 10.0))


def ideal_dfe_ser(snr_db: float) -> float:
    """Symbol error ratio of PAM-4 at unit cursor with correct decision feedback (closed form)."""
    q = 0.5 * math.erfc(1.0 / (sigma_of(snr_db) * math.sqrt(2.0)))
    return 2.0 * (1.0 - 1.0 / LEVELS.size) * q


def ideal_dfe_snr_db(ser: float) -> float:
    """SNR (dB) at which the ideal DFE reaches ``ser`` (bisection on the closed form)."""
    lo, hi = 0.0, 40.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if ideal_dfe_ser(mid) > ser:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def viterbi_ser(b1: float, snr_db: float, n_blocks: int = 1000, n_symbols: int = 1000,
                seed: int = 1) -> float:
    """Symbol error ratio of the full Viterbi detector on ``1 + b1·D`` (simulated, seeded).

    Each block starts from a known previous symbol (level -3); the first and last 5 symbols of a
    block are not counted.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(0, LEVELS.size, size=(n_blocks, n_symbols))
    x = LEVELS[a]
    x_prev = np.concatenate([np.full((n_blocks, 1), LEVELS[0]), x[:, :-1]], axis=1)
    y = x + b1 * x_prev + sigma_of(snr_db) * rng.standard_normal((n_blocks, n_symbols))
    expected = LEVELS[None, :] + b1 * LEVELS[:, None]  # [previous, current]
    metric = (y[:, 0, None] - (LEVELS[None, :] + b1 * LEVELS[0])) ** 2
    back = np.zeros((n_blocks, n_symbols, LEVELS.size), dtype=np.int8)
    for k in range(1, n_symbols):
        cost = metric[:, :, None] + (y[:, k, None, None] - expected[None]) ** 2
        back[:, k, :] = np.argmin(cost, axis=1)
        metric = np.min(cost, axis=1)
        metric -= metric.min(axis=1, keepdims=True)
    decided = np.zeros((n_blocks, n_symbols), dtype=np.int64)
    state = np.argmin(metric, axis=1)
    rows = np.arange(n_blocks)
    for k in range(n_symbols - 1, -1, -1):
        decided[:, k] = state
        state = back[rows, k, state]
    keep = slice(5, n_symbols - 5)
    return float(np.mean(decided[:, keep] != a[:, keep]))


def viterbi_snr_db(b1: float, ser: float, grid_db: tuple[float, ...], **kw) -> float:
    """SNR (dB) at which the simulated Viterbi detector reaches ``ser``: log-linear interpolation
    between the two points of ``grid_db`` (ascending) that bracket it."""
    pts = [(g, viterbi_ser(b1, g, **kw)) for g in grid_db]
    for (g0, s0), (g1, s1) in itertools.pairwise(pts):
        if s0 >= ser >= s1 > 0.0:
            t = (math.log(s0) - math.log(ser)) / (math.log(s0) - math.log(s1))
            return g0 + t * (g1 - g0)
    raise ValueError(f"SER {ser} not bracketed by {pts}")
