"""Two-port network kernels over a flat batch of 2x2 matrices.

All arrays are ``(n, 2, 2)`` complex128 (``n`` = frequencies, or channels x
frequencies flattened).  Conversions follow Pozar, *Microwave Engineering*,
4th ed., Table 4.2 (S <-> ABCD for equal real reference impedances ``z0``).
"""

from __future__ import annotations

from .._jit import kernel


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
def star_product(a, b, out):
    """Cascade of two 2-ports directly in S (Redheffer star product), ``a`` then ``b``.

    Unlike the ABCD route it needs no division by S21, so it also holds where a
    section blocks (an AC-coupling capacitor at 0 Hz).  Same reference impedance
    at every port (Redheffer 1962; e.g. Pozar, 4th ed., problem 4.x on
    generalized scattering matrices).
    """
    for i in range(a.shape[0]):
        a11 = a[i, 0, 0]
        a12 = a[i, 0, 1]
        a21 = a[i, 1, 0]
        a22 = a[i, 1, 1]
        b11 = b[i, 0, 0]
        b12 = b[i, 0, 1]
        b21 = b[i, 1, 0]
        b22 = b[i, 1, 1]
        inv = 1.0 / (1.0 - a22 * b11)
        out[i, 0, 0] = a11 + a12 * b11 * a21 * inv
        out[i, 0, 1] = a12 * b12 * inv
        out[i, 1, 0] = b21 * a21 * inv
        out[i, 1, 1] = b22 + b21 * a22 * b12 * inv


@kernel
def renormalize_s(s, gamma, out):
    """Re-reference both ports: ``S' = (S - G I)(I - G S)^-1`` with ``G = (z_new - z_old)/(z_new + z_old)``.

    Kurokawa, "Power waves and the scattering matrix", IEEE Trans. MTT 13(2), 1965,
    for real reference impedances; valid for any S (no ABCD, so S21 = 0 is fine).
    """
    for i in range(s.shape[0]):
        s11 = s[i, 0, 0]
        s12 = s[i, 0, 1]
        s21 = s[i, 1, 0]
        s22 = s[i, 1, 1]
        # M = I - G S, inverted explicitly
        m11 = 1.0 - gamma * s11
        m12 = -gamma * s12
        m21 = -gamma * s21
        m22 = 1.0 - gamma * s22
        inv_det = 1.0 / (m11 * m22 - m12 * m21)
        i11 = m22 * inv_det
        i12 = -m12 * inv_det
        i21 = -m21 * inv_det
        i22 = m11 * inv_det
        n11 = s11 - gamma
        n22 = s22 - gamma
        out[i, 0, 0] = n11 * i11 + s12 * i21
        out[i, 0, 1] = n11 * i12 + s12 * i22
        out[i, 1, 0] = s21 * i11 + n22 * i21
        out[i, 1, 1] = s21 * i12 + n22 * i22


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
