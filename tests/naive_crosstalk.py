"""Slow, obvious crosstalk variance of IEEE 802.3 eq. 93A-34, for checking the SI chain."""

from __future__ import annotations

import numpy as np


def tx_ffe(x: np.ndarray, taps: np.ndarray, offsets_ui: np.ndarray, m: int) -> np.ndarray:
    """``y(i) = Σ_a c_a x(i - o_a M)`` on a record padded so that nothing falls off either end."""
    pad = int(np.max(np.abs(offsets_ui))) * m
    xx = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    y = np.zeros_like(xx)
    for c, o in zip(taps, offsets_ui, strict=True):
        for i in range(xx.size):
            j = i - int(o) * m
            if 0 <= j < xx.size:
                y[i] += c * xx[j]
    return y


def sigma_xt2(aggressors: list[np.ndarray], fext: list[bool], taps: np.ndarray, offsets_ui: np.ndarray,
              m: int, levels: int) -> float:
    """σ_XT² = σ_X² Σ_aggressors max_phase Σ_n x(phase + nT)² (93A-33, 93A-34).

    Far-end aggressors go through the victim's TX FFE, near-end ones through none.
    """
    var_x = (levels * levels - 1) / (3.0 * (levels - 1) ** 2)
    total = 0.0
    for x, is_fext in zip(aggressors, fext, strict=True):
        y = tx_ffe(x, taps, offsets_ui, m) if is_fext else np.asarray(x, dtype=float)
        best = 0.0
        for phase in range(m):
            s = 0.0
            for v in y[phase::m]:
                s += float(v) * float(v)
            best = max(best, s)
        total += best
    return var_x * total
