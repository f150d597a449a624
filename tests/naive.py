"""Slow, obvious reference implementations the kernels are tested against.

Nothing here is optimised: loops, NumPy and textbook formulas only.
"""

from __future__ import annotations

import numpy as np


def s_to_abcd(s: np.ndarray, z0: float) -> np.ndarray:
    """S -> ABCD one matrix at a time via Z-parameters: Z = z0 (I - S)^-1 (I + S)."""
    out = np.empty_like(s)
    eye = np.eye(2)
    for i in range(s.shape[0]):
        z = z0 * np.linalg.solve(eye - s[i], eye + s[i])
        z11, z12, z21, z22 = z[0, 0], z[0, 1], z[1, 0], z[1, 1]
        det = z11 * z22 - z12 * z21
        out[i] = np.array([[z11 / z21, det / z21], [1 / z21, z22 / z21]])
    return out


def cascade_s(s_a: np.ndarray, s_b: np.ndarray) -> np.ndarray:
    """Cascade two 2-ports directly in S (Redheffer star product), one point at a time."""
    out = np.empty_like(s_a)
    for i in range(s_a.shape[0]):
        a, b = s_a[i], s_b[i]
        d = 1.0 - a[1, 1] * b[0, 0]
        out[i, 0, 0] = a[0, 0] + a[0, 1] * b[0, 0] * a[1, 0] / d
        out[i, 0, 1] = a[0, 1] * b[0, 1] / d
        out[i, 1, 0] = b[1, 0] * a[1, 0] / d
        out[i, 1, 1] = b[1, 1] + b[1, 0] * a[1, 1] * b[0, 1] / d
    return out


def terminated_h21(s: np.ndarray, g1: float, g2: float) -> np.ndarray:
    """93A-18 one point at a time, written from the equation: source -> 2-port -> load."""
    out = np.empty(s.shape[0], dtype=complex)
    for i in range(s.shape[0]):
        (s11, s12), (s21, s22) = s[i]
        ds = s11 * s22 - s12 * s21
        out[i] = s21 * (1 - g1) * (1 + g2) / (1 - s11 * g1 - s22 * g2 + g1 * g2 * ds)
    return out
