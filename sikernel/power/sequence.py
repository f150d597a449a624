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
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erfc

#: longest error event counted (terms beyond decay as ((L-1)/L)^n and by their distance)
MAX_EVENT_SYMBOLS = 24
#: bisection steps on the log of q (the result is a dB figure; 80 halvings of a 1 … 100 range)
_BISECTION_STEPS = 80


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


@functools.lru_cache(maxsize=65536)
def _gain_db(asymptotic_gain_db: float, ser: float, levels: int) -> float:
    if asymptotic_gain_db <= 0.0:
        return 0.0
    b1 = math.sqrt(10.0 ** (asymptotic_gain_db / 10.0) - 1.0)
    n, s, w, _ = _events(levels)
    dist = np.sqrt(n * (1.0 + b1 * b1) + 2.0 * b1 * s)
    q_dfe = _q_at(ser, lambda q: 2.0 * (1.0 - 1.0 / levels) * float(_q(np.array(q))))
    q_mlsd = _q_at(ser, lambda q: float(np.sum(w * _q(q * dist))))
    g = 20.0 * math.log10(q_dfe / q_mlsd)
    return min(max(g, 0.0), asymptotic_gain_db)


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
    uniq, inv = np.unique(g, return_inverse=True)
    vals = np.array([_gain_db(float(u), ser, int(levels)) for u in uniq])
    return vals[inv].reshape(g.shape)


__all__ = ["MAX_EVENT_SYMBOLS", "finite_ser_gain_db"]
