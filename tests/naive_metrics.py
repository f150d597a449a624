"""Slow, obvious references for the Touchstone / metrics / DC / scaling tests (engineer B).

Loops and textbook formulas only; nothing here is optimised.
"""

from __future__ import annotations

import numpy as np


def rlgc_line_abcd(f: np.ndarray, length_m: float, *, r_dc: float = 5.0, r_s: float = 4e-4,
                   l_h: float = 3.3e-7, c_f: float = 1.3e-10, tan_d: float = 0.004,
                   g_dc: float = 1e-9) -> np.ndarray:
    """ABCD of a uniform RLGC line (telegrapher's equations, Pozar 4th ed. sec. 2.1, Table 4.1).

    Per-unit-length values: ``R = sqrt(r_dc^2 + (r_s sqrt f)^2)`` ohm/m (skin effect),
    ``L`` H/m, ``G = g_dc + 2 pi f C tan_d`` S/m, ``C`` F/m.  Defaults describe a
    ~100 ohm differential stripline (Zc = sqrt(L/C) ~ 50 ohm per leg is the half-circuit;
    here the line itself is ~50 ohm, referenced later to 50 or 100 ohm as a test wants).
    """
    out = np.empty((f.size, 2, 2), dtype=complex)
    for i, fi in enumerate(f):
        w = 2 * np.pi * fi
        r = np.sqrt(r_dc**2 + (r_s * np.sqrt(fi)) ** 2)
        z = r + 1j * w * l_h
        y = g_dc + w * c_f * tan_d + 1j * w * c_f
        gam = np.sqrt(z * y)
        zc = np.sqrt(z / y)
        gl = gam * length_m
        out[i] = [[np.cosh(gl), zc * np.sinh(gl)], [np.sinh(gl) / zc, np.cosh(gl)]]
    return out


def abcd_to_s(t: np.ndarray, z0: float) -> np.ndarray:
    """ABCD -> S one matrix at a time (Pozar Table 4.2)."""
    out = np.empty_like(t)
    for i in range(t.shape[0]):
        a, b, c, d = t[i, 0, 0], t[i, 0, 1], t[i, 1, 0], t[i, 1, 1]
        den = a + b / z0 + c * z0 + d
        out[i] = [[(a + b / z0 - c * z0 - d) / den, 2 * (a * d - b * c) / den],
                  [2 / den, (-a + b / z0 - c * z0 + d) / den]]
    return out


def shunt_c_abcd(f: np.ndarray, c_f: float) -> np.ndarray:
    """ABCD of a shunt capacitor (Pozar Table 4.1)."""
    out = np.zeros((f.size, 2, 2), dtype=complex)
    out[:, 0, 0] = 1
    out[:, 1, 1] = 1
    out[:, 1, 0] = 2j * np.pi * f * c_f
    return out


def series_l_abcd(f: np.ndarray, l_h: float) -> np.ndarray:
    """ABCD of a series inductor (Pozar Table 4.1)."""
    out = np.zeros((f.size, 2, 2), dtype=complex)
    out[:, 0, 0] = 1
    out[:, 1, 1] = 1
    out[:, 0, 1] = 2j * np.pi * f * l_h
    return out


def chain(*mats: np.ndarray) -> np.ndarray:
    """Matrix product per frequency, left to right."""
    acc = mats[0].copy()
    for m in mats[1:]:
        acc = np.einsum("nij,njk->nik", acc, m)
    return acc
