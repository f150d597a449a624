"""Finite-error-ratio gain of the Viterbi detector (MLSD) on a one-tap-memory response.

The SI chain's DSP receivers may end in a Viterbi detector on the response ``1 + b1·D``
(:func:`sikernel.power.si.mlsd_gain_db` stores its *asymptotic* distance gain over the 1-tap DFE,
``10 log10(1 + b1²)``, per configuration).  At the error ratios links run at, error events of
almost the minimum distance multiply near ``b1 = 1`` and the detector earns less.  This module
gives the gain at a target symbol error ratio from the union bound over the detector's error
events (G. D. Forney, "Maximum-likelihood sequence estimation of digital sequences in the presence
of intersymbol interference", IEEE Trans. IT 18(3), 1972, section on error events; the bound as in
J. G. Proakis, *Digital Communications*, 5th ed., section 9.3):

* an error event of length ``n`` with adjacent-level symbol errors ``±1`` (in units of the level
  spacing) and ``j`` sign changes between neighbours has squared distance
  ``D = n (1 + b1²) + 2 b1 (n - 1 - 2j)`` in units of the DFE's single-error distance;
  ``2·C(n-1, j)`` patterns share it, each possible for a fraction ``((L-1)/L)^n`` of the data;
* ``SER ≤ Σ_n Σ_j n ((L-1)/L)^n 2 C(n-1, j) Q(q √D)`` against the DFE's ``2 (1 - 1/L) Q(q)``
  (``q`` the half-eye over the rms noise); the gain is ``20 log10(q_DFE / q_MLSD)`` at the same SER.

Errors of two or more levels have at least four times the distance and are left out.  The bound is
checked against a seeded simulation of the detector (``tests/naive_sequence_detector.py``,
``tests/test_power_mlsd_gain.py``); it is clipped to ``[0, 10 log10(1 + b1²)]``.

Speed: the bound is solved by bisection (two root searches over the error events per value).
Interpolated table figures give every point of a batch its own gains, so solving it per value
cost ≈ 0.5 ms each (``energy_per_bit_batch`` fell from 68 to 3300 µs per point).  The budget
therefore reads the gain from a cubic spline through the bound solved at :data:`KNOTS_B1` knots
in ``b1`` (``0 … 1``; the detector's DFE cap is 0.85), once per (error ratio, levels).  In
``b1`` the bound is smooth (in the gain itself it has a square-root corner at 0); the spline is
checked against the bisection at random points in ``tests/test_power_mlsd_gain.py``
(:data:`SPLINE_TOL_DB`).  A gain beyond the last knot is solved directly.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import CubicSpline
from scipy.special import erfc

#: longest error event counted (terms beyond decay as ((L-1)/L)^n and by their distance)
MAX_EVENT_SYMBOLS = 24
#: bisection steps on the log of q (the result is a dB figure; 80 halvings of a 1 … 100 range)
_BISECTION_STEPS = 80
#: knots of the spline in b1 (uniform on 0 ... 1); its error against the bisection is tested
KNOTS_B1 = np.linspace(0.0, 1.0, 257)
#: agreement of the spline with the bisection it replaces (dB); measured ≤ 1.3e-8 dB (BER 1e-12 … 2.4e-4)
SPLINE_TOL_DB = 1e-6


def _q(x: np.ndarray) -> np.ndarray:
    return 0.5 * erfc(x / math.sqrt(2.0))


@functools.lru_cache(maxsize=8)
def _events(levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(n, same-sign excess s = n - 1 - 2j, weight n·((L-1)/L)^n·2·C(n-1, j)) of every event class."""
    n_list, s_list, w_list = [], [], []
    p = (levels - 1) / levels
    for n in range(1, MAX_EVENT_SYMBOLS + 1):
        for j in range(n):
            n_list.append(n)
            s_list.append(n - 1 - 2 * j)
            w_list.append(n * p**n * 2.0 * math.comb(n - 1, j))
    n_arr = np.array(n_list, dtype=float)
    return n_arr, np.array(s_list, dtype=float), np.array(w_list), p


def _q_at(ser: float, f) -> float:
    """The q (> 0) at which the decreasing function ``f`` of q equals ``ser`` (bisection in log q)."""
    lo, hi = math.log(1e-2), math.log(1e2)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if f(math.exp(mid)) > ser:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


@functools.lru_cache(maxsize=64)
def _q_dfe(ser: float, levels: int) -> float:
    """The 1-tap DFE's half-eye over rms noise at symbol error ratio ``ser``: 2 (1 - 1/L) Q(q) = ser."""
    return _q_at(ser, lambda q: 2.0 * (1.0 - 1.0 / levels) * float(_q(np.array(q))))


@functools.lru_cache(maxsize=65536)
def _gain_db(asymptotic_gain_db: float, ser: float, levels: int) -> float:
    if asymptotic_gain_db <= 0.0:
        return 0.0
    b1 = math.sqrt(10.0 ** (asymptotic_gain_db / 10.0) - 1.0)
    n, s, w, _ = _events(levels)
    dist = np.sqrt(n * (1.0 + b1 * b1) + 2.0 * b1 * s)
    q_dfe = _q_dfe(ser, levels)
    q_mlsd = _q_at(ser, lambda q: float(np.sum(w * _q(q * dist))))
    g = 20.0 * math.log10(q_dfe / q_mlsd)
    return min(max(g, 0.0), asymptotic_gain_db)


def _q_at_many(ser: float, f, n: int) -> np.ndarray:
    """:func:`_q_at` for ``n`` decreasing functions at once (``f`` maps a q array to n values)."""
    lo = np.full(n, math.log(1e-2))
    hi = np.full(n, math.log(1e2))
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        above = f(np.exp(mid)) > ser
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.exp(0.5 * (lo + hi))


@functools.lru_cache(maxsize=4096)   # a batch over many distinct BERs (review 34 M2: 64 thrashed)
def _gain_spline(ser: float, levels: int) -> CubicSpline:
    """Spline of the unclipped bound's gain (dB) over ``b1`` at :data:`KNOTS_B1`, as :func:`_gain_db`."""
    n, s, w, _ = _events(levels)
    b1 = KNOTS_B1[:, None]
    dist = np.sqrt(n[None, :] * (1.0 + b1 * b1) + 2.0 * b1 * s[None, :])
    q_dfe = _q_dfe(ser, levels)
    q_mlsd = _q_at_many(ser, lambda q: np.sum(w[None, :] * _q(q[:, None] * dist), axis=1), b1.size)
    return CubicSpline(KNOTS_B1, 20.0 * np.log10(q_dfe / q_mlsd))


def finite_ser_gain_db(asymptotic_gain_db: ArrayLike, target_ber: float, levels: int) -> np.ndarray:
    """Gain of the Viterbi detector over the 1-tap DFE at the link's error ratio (dB).

    Parameters
    ----------
    asymptotic_gain_db : array_like
        ``10 log10(1 + b1²)`` per configuration (0 where there is no MLSD), as stored by the SI
        chain; any shape.
    target_ber : float
        Bit error ratio of the link; the symbol error ratio is ``BER · log2 L`` (Gray coding, as in
        :func:`sikernel.power.budget.q_required`).
    levels : int
        Number of PAM levels ``L``.

    Returns
    -------
    numpy.ndarray
        Gain in dB, same shape; between 0 and the asymptotic gain.
    """
    g = np.asarray(asymptotic_gain_db, dtype=float)
    ser = float(target_ber) * math.log2(levels)
    flat = g.reshape(-1)
    out = np.where(np.isnan(flat), np.nan, 0.0)  # NaN stays NaN, no MLSD (0) earns 0
    pos = flat > 0.0
    g_pos = flat[pos]
    b1 = np.sqrt(np.expm1(g_pos * (math.log(10.0) / 10.0)))
    inside = b1 <= KNOTS_B1[-1]
    vals = np.empty(b1.size)
    vals[inside] = np.clip(_gain_spline(ser, int(levels))(b1[inside]), 0.0, g_pos[inside])
    vals[~inside] = [_gain_db(float(u), ser, int(levels)) for u in g_pos[~inside]]
    out[pos] = vals
    return out.reshape(g.shape)


__all__ = ["KNOTS_B1", "MAX_EVENT_SYMBOLS", "SPLINE_TOL_DB", "finite_ser_gain_db"]
