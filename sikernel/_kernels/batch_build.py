"""Batched construction of line(+package) channels over many lengths (one prange driver).

Inputs are per-frequency arrays precomputed once (independent of length): the
line's series impedance ``z`` and shunt admittance ``y`` per metre, and the TX
and RX package ABCD matrices.  Per (channel, frequency) the kernel forms the
line ABCD ``[[cosh x, z l shc x], [y l shc x, cosh x]]`` (``x = sqrt(z y) l``,
``shc x = sinh x / x``), cascades ``P_tx · M · P_rx`` and converts to S
(Pozar Table 4.2).  Every output element depends only on its own inputs, so the
result is bit-identical for any thread count.

For S21 only, ``A + B/z0 + C z0 + D`` of the cascade is the bilinear form
``p^T M q`` with ``p^T = [1, z0] P_tx`` and ``q = P_rx [1, 1/z0]^T``; the caller
precomputes ``alpha = p0 q0 + p1 q1`` and ``beta = p0 q1 z + p1 q0 y`` per
frequency, and the kernel evaluates ``S21 = 2 / (alpha cosh x + beta l shc x)``
(multiplied through by ``exp(-x)`` to stay finite for long, lossy lines).
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel

# --- call-free exp and sincos, so that LLVM vectorises the per-frequency loop (no SVML here).
# exp: reduction y = n ln2 + r (Cody-Waite split of ln 2, as in Cephes exp.c by S. L. Moshier),
# |r| <= ln2/2, Taylor polynomial to r^13 (truncation < 2e-16 relative), times 2**n from a table.
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93145751953125e-1
_LN2_LO = 1.42860682030941723212e-6
_POW2 = 2.0 ** np.arange(-1074, 1024, dtype=np.float64)
_I2, _I3, _I4, _I5, _I6, _I7, _I8, _I9, _I10, _I11, _I12, _I13 = (
    1.0 / math.factorial(k) for k in range(2, 14))
# sin/cos: quadrant reduction by a three-part split of pi/2 (Cephes sin.c DP1..DP3, doubled) and the
# Cephes minimax polynomials on [-pi/4, pi/4]; max error vs libm 2.2e-16 for |x| <= 5e4 (tested).
_S0, _S1, _S2, _S3, _S4, _S5 = (1.58962301576546568060e-10, -2.50507477628578072866e-8,
                                2.75573136213857245213e-6, -1.98412698295895385996e-4,
                                8.33333333332211858878e-3, -1.66666666666666307295e-1)
_C0, _C1, _C2, _C3, _C4, _C5 = (-1.13585365213876817300e-11, 2.08757008419747316778e-9,
                                -2.75573141792967388112e-7, 2.48015872888517045348e-5,
                                -1.38888888888730564116e-3, 4.16666666666665929218e-2)
_PIO2_1 = 2.0 * 7.85398125648498535156e-1
_PIO2_2 = 2.0 * 3.77489470793079817668e-8
_PIO2_3 = 2.0 * 2.69515142907905952645e-15
_TWO_OVER_PI = 2.0 / math.pi


@kernel
def vexp(y):
    """``exp(y)`` for real ``y`` (clamped to [-744, 709]), call-free (vectorisable)."""
    y = min(max(y, -744.0), 709.0)
    n = np.rint(y * _LOG2E)
    r = (y - n * _LN2_HI) - n * _LN2_LO
    p = (((((((((((((_I13 * r + _I12) * r + _I11) * r + _I10) * r + _I9) * r + _I8) * r + _I7) * r
                 + _I6) * r + _I5) * r + _I4) * r + _I3) * r + _I2) * r + 1.0) * r + 1.0)
    return p * _POW2[np.int64(n) + 1074]


@kernel
def vsincos(x):
    """``(sin x, cos x)`` for real ``x`` (|x| up to ~1e5 at full accuracy), call-free."""
    k = np.rint(x * _TWO_OVER_PI)
    r = ((x - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    z = r * r
    s = r + r * z * (((((_S0 * z + _S1) * z + _S2) * z + _S3) * z + _S4) * z + _S5)
    c = 1.0 - 0.5 * z + z * z * (((((_C0 * z + _C1) * z + _C2) * z + _C3) * z + _C4) * z + _C5)
    q = np.int64(k)
    t = np.float64(q & 1)
    a = s + t * (c - s)
    b = c + t * (s - c)
    return (1.0 - 2.0 * np.float64((q >> 1) & 1)) * a, (1.0 - 2.0 * np.float64(((q + 1) >> 1) & 1)) * b


@kernel
def s21_row(gr, gi, ar, ai, br, bi, ln, out):
    """One channel: ``out[i] = 2 e / (alpha e cosh x + beta l e shc x)``, ``x = gamma_i l``, ``e = exp(-x)``.

    Real arithmetic throughout (split real/imaginary inputs) so the loop vectorises.
    """
    for i in range(gr.shape[0]):
        xr = gr[i] * ln
        xi = gi[i] * ln
        m = vexp(-xr)
        sn, cs = vsincos(xi)
        er = m * cs
        ei = -m * sn
        e2r = er * er - ei * ei
        e2i = 2.0 * er * ei
        chr_ = 0.5 * (1.0 + e2r)
        chi = 0.5 * e2i
        # e sinh(x)/x: (1 - e^2)/(2x), or e (1 + x^2/6) for |x| < 1e-4
        ax2 = xr * xr + xi * xi
        nr = 0.5 * (1.0 - e2r)
        ni = -0.5 * e2i
        dinv = 1.0 / ax2
        shr_big = (nr * xr + ni * xi) * dinv
        shi_big = (ni * xr - nr * xi) * dinv
        tr = 1.0 + (xr * xr - xi * xi) / 6.0
        ti = xr * xi / 3.0
        small = ax2 < 1e-8
        shr = (er * tr - ei * ti) if small else shr_big
        shi = (er * ti + ei * tr) if small else shi_big
        dr = ar[i] * chr_ - ai[i] * chi + ln * (br[i] * shr - bi[i] * shi)
        di = ar[i] * chi + ai[i] * chr_ + ln * (br[i] * shi + bi[i] * shr)
        q = 2.0 / (dr * dr + di * di)
        out[i] = complex((er * dr + ei * di) * q, (ei * dr - er * di) * q)


@kernel
def batch_s21_serial(gr, gi, ar, ai, br, bi, lengths, out):
    """:func:`batch_s21` without threads (small batches: no thread wake-up latency); same rows."""
    for c in range(lengths.shape[0]):
        s21_row(gr, gi, ar, ai, br, bi, lengths[c], out[c])


@parallel_kernel
def batch_s21(gr, gi, ar, ai, br, bi, lengths, out):
    """S21 of ``len(lengths)`` channels into ``out`` (n_channel, n_freq) complex128.

    ``gr + j gi`` = sqrt(z y) per metre; ``ar + j ai`` = alpha and ``br + j bi`` = beta
    per frequency (module docstring).  One prange over channels.
    """
    for c in prange(lengths.shape[0]):
        s21_row(gr, gi, ar, ai, br, bi, lengths[c], out[c])


@kernel
def sdd_row(z, y, ptx, prx, det, z0, ln, out):
    """One channel of :func:`batch_sdd`: ``out`` (n_freq, 2, 2)."""
    for i in range(z.shape[0]):
        x = np.sqrt(z[i] * y[i]) * ln
        if abs(x) < 1e-4:
            ch = 1.0 + 0.5 * x * x
            shc = 1.0 + x * x / 6.0
        else:
            ch = np.cosh(x)
            shc = np.sinh(x) / x
        m00 = ch
        m01 = z[i] * ln * shc
        m10 = y[i] * ln * shc
        m11 = ch
        # T = Ptx M
        t00 = ptx[i, 0, 0] * m00 + ptx[i, 0, 1] * m10
        t01 = ptx[i, 0, 0] * m01 + ptx[i, 0, 1] * m11
        t10 = ptx[i, 1, 0] * m00 + ptx[i, 1, 1] * m10
        t11 = ptx[i, 1, 0] * m01 + ptx[i, 1, 1] * m11
        # U = T Prx
        a = t00 * prx[i, 0, 0] + t01 * prx[i, 1, 0]
        b = t00 * prx[i, 0, 1] + t01 * prx[i, 1, 1]
        cc = t10 * prx[i, 0, 0] + t11 * prx[i, 1, 0]
        d = t10 * prx[i, 0, 1] + t11 * prx[i, 1, 1]
        bn = b / z0
        cn = cc * z0
        inv = 1.0 / (a + bn + cn + d)
        out[i, 0, 0] = (a + bn - cn - d) * inv
        out[i, 0, 1] = 2.0 * det[i] * inv
        out[i, 1, 0] = 2.0 * inv
        out[i, 1, 1] = (-a + bn - cn + d) * inv


@parallel_kernel
def batch_sdd(z, y, ptx, prx, det, z0, lengths, out):
    """Full 2x2 S of ``P_tx · line(l) · P_rx`` for each length; ``out`` (n_channel, n_freq, 2, 2).

    ``det`` = det(P_tx) det(P_rx) per frequency: the line's ABCD has determinant 1
    exactly, so ``S12 = 2 det / (A + B/z0 + C z0 + D)`` without the cancellation
    of forming ``AD - BC`` for long, lossy lines.
    """
    for c in prange(lengths.shape[0]):
        sdd_row(z, y, ptx, prx, det, z0, lengths[c], out[c])


@kernel
def batch_sdd_serial(z, y, ptx, prx, det, z0, lengths, out):
    """:func:`batch_sdd` without threads (small batches); same rows."""
    for c in range(lengths.shape[0]):
        sdd_row(z, y, ptx, prx, det, z0, lengths[c], out[c])
