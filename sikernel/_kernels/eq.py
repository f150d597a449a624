"""Kernels for the equalisers: DFE residual, symbol-spaced convolution, batched MMSE solves."""

from __future__ import annotations

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel


@kernel
def dfe_apply(h, i0, positions, b_lo, b_hi, taps, residual, saturated):
    """DFE taps ``b = clip(h[i0+p]/h[i0], b_lo, b_hi)`` and residual ``h - h0 b`` (in place).

    ``residual`` must hold a copy of ``h`` on entry.
    """
    h0 = h[i0]
    for j in range(positions.size):
        k = i0 + positions[j]
        r = h[k] / h0
        b = r
        saturated[j] = False
        if b > b_hi[j]:
            b = b_hi[j]
            saturated[j] = True
        elif b < b_lo[j]:
            b = b_lo[j]
            saturated[j] = True
        taps[j] = b
        residual[k] = h[k] - h0 * b


@kernel
def conv_matrix(h, i0, n_w, n_pre, row_lo, row_hi, out):
    """Rows k = row_lo ... row_hi-1 (equalised cursor index relative to the main) of the
    convolution matrix: ``h_eq(k) = sum_i out[k-row_lo, i] w_i`` with FFE tap ``i`` at delay
    ``i - n_pre`` UI: ``out[r, i] = h[i0 + k - (i - n_pre)]`` (0 outside ``h``)."""
    n = h.size
    for r in range(row_hi - row_lo):
        k = row_lo + r
        for i in range(n_w):
            j = i0 + k - (i - n_pre)
            out[r, i] = h[j] if 0 <= j < n else 0.0


@kernel
def mmse_solve(q, c, g, p, w):
    """Minimise ``w' q w - 2 p' w`` subject to ``c' w = g`` (KKT system); writes ``w``."""
    n = q.shape[0]
    m = c.shape[1]
    kkt = np.zeros((n + m, n + m))
    rhs = np.zeros(n + m)
    for i in range(n):
        for j in range(n):
            kkt[i, j] = q[i, j]
        for j in range(m):
            kkt[i, n + j] = c[i, j]
            kkt[n + j, i] = c[i, j]
        rhs[i] = p[i]
    for j in range(m):
        rhs[n + j] = g[j]
    sol = np.linalg.solve(kkt, rhs)
    for i in range(n):
        w[i] = sol[i]


@parallel_kernel
def batch_mmse_unit_main(qs, h0s, ws, mse):
    """For each batch row: ``w = Q^-1 h0 / (h0' Q^-1 h0)`` and ``mse = 1/(h0' Q^-1 h0)``
    (minimum of ``w' Q w`` with ``h0' w = 1``); ``qs`` (b, n, n), ``h0s`` (b, n)."""
    for b in prange(qs.shape[0]):
        z = np.linalg.solve(qs[b], h0s[b])
        s = 0.0
        for i in range(z.size):
            s += h0s[b, i] * z[i]
        for i in range(z.size):
            ws[b, i] = z[i] / s
        mse[b] = 1.0 / s


__all__ = ["batch_mmse_unit_main", "conv_matrix", "dfe_apply", "mmse_solve"]
