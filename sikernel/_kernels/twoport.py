"""Two-port network kernels over a flat batch of 2x2 matrices.

All arrays are ``(n, 2, 2)`` complex128 (``n`` = frequencies, or channels x
frequencies flattened).  Conversions follow Pozar, *Microwave Engineering*,
4th ed., Table 4.2 (S <-> ABCD for equal real reference impedances ``z0``).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel


@kernel
def s_to_abcd(s, z0, out):
    """S (reference ``z0`` ohm at both ports) to ABCD; Pozar Table 4.2."""
    for i in range(s.shape[0]):
        s11 = s[i, 0, 0]
        s12 = s[i, 0, 1]
        s21 = s[i, 1, 0]
        s22 = s[i, 1, 1]
        inv = 1.0 / (2.0 * s21)
        out[i, 0, 0] = ((1.0 + s11) * (1.0 - s22) + s12 * s21) * inv
        out[i, 0, 1] = z0 * ((1.0 + s11) * (1.0 + s22) - s12 * s21) * inv
        out[i, 1, 0] = ((1.0 - s11) * (1.0 - s22) - s12 * s21) * inv / z0
        out[i, 1, 1] = ((1.0 - s11) * (1.0 + s22) + s12 * s21) * inv


@kernel
def abcd_to_s(t, z0, out):
    """ABCD to S (reference ``z0`` ohm at both ports); Pozar Table 4.2."""
    for i in range(t.shape[0]):
        a = t[i, 0, 0]
        b = t[i, 0, 1] / z0
        c = t[i, 1, 0] * z0
        d = t[i, 1, 1]
        inv = 1.0 / (a + b + c + d)
        out[i, 0, 0] = (a + b - c - d) * inv
        out[i, 0, 1] = 2.0 * (a * d - b * c) * inv
        out[i, 1, 0] = 2.0 * inv
        out[i, 1, 1] = (-a + b - c + d) * inv


@kernel
def matmul2(x, y, out):
    """Per-point 2x2 product ``out[i] = x[i] @ y[i]`` (cascade of ABCD matrices)."""
    for i in range(x.shape[0]):
        x00 = x[i, 0, 0]
        x01 = x[i, 0, 1]
        x10 = x[i, 1, 0]
        x11 = x[i, 1, 1]
        y00 = y[i, 0, 0]
        y01 = y[i, 0, 1]
        y10 = y[i, 1, 0]
        y11 = y[i, 1, 1]
        out[i, 0, 0] = x00 * y00 + x01 * y10
        out[i, 0, 1] = x00 * y01 + x01 * y11
        out[i, 1, 0] = x10 * y00 + x11 * y10
        out[i, 1, 1] = x10 * y01 + x11 * y11


@kernel
def terminated_h21(s, gamma1, gamma2, out):
    """Voltage transfer function of a 2-port between terminations (IEEE 802.3 eq. 93A-18).

    ``H21 = s21 (1 - G1)(1 + G2) / (1 - s11 G1 - s22 G2 + G1 G2 (s11 s22 - s12 s21))``
    with source/load reflection coefficients ``gamma1``/``gamma2`` (real).
    """
    for i in range(s.shape[0]):
        s11 = s[i, 0, 0]
        s12 = s[i, 0, 1]
        s21 = s[i, 1, 0]
        s22 = s[i, 1, 1]
        ds = s11 * s22 - s12 * s21
        out[i] = s21 * (1.0 - gamma1) * (1.0 + gamma2) / (
            1.0 - s11 * gamma1 - s22 * gamma2 + gamma1 * gamma2 * ds
        )


@parallel_kernel
def batch_terminated_h21(s, gamma1, gamma2, out):
    """:func:`terminated_h21` over ``s`` shaped ``(n_channel, n_freq, 2, 2)``; ``out`` (n_channel, n_freq)."""
    for c in prange(s.shape[0]):
        terminated_h21(s[c], gamma1, gamma2, out[c])


def empty_like_2x2(n: int) -> np.ndarray:
    """Allocate an uninitialised ``(n, 2, 2)`` complex128 array."""
    return np.empty((n, 2, 2), dtype=np.complex128)
