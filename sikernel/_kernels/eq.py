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
def solve_small(a, b):
    """Solve ``a x = b`` in place (x returned in ``b``; ``a`` is destroyed) by Gaussian
    elimination with partial pivoting: for the small (< ~40) dense systems of the
    equalisers, cheaper than a LAPACK call and quick to compile.  A zero pivot leaves
    NaN in ``b`` (the caller checks)."""
    n = b.size
    for k in range(n):
        p = k
        best = abs(a[k, k])
        for i in range(k + 1, n):
            if abs(a[i, k]) > best:
                best = abs(a[i, k])
                p = i
        if p != k:
            for j in range(n):
                tmp = a[k, j]
                a[k, j] = a[p, j]
                a[p, j] = tmp
            tmp = b[k]
            b[k] = b[p]
            b[p] = tmp
        piv = a[k, k]
        for i in range(k + 1, n):
            f = a[i, k] / piv
            if f != 0.0:
                for j in range(k + 1, n):
                    a[i, j] -= f * a[k, j]
                b[i] -= f * b[k]
    for k in range(n - 1, -1, -1):
        acc = b[k]
        for j in range(k + 1, n):
            acc -= a[k, j] * b[j]
        b[k] = acc / a[k, k]


@kernel
def _row(h, i0, n_pre, k, i):
    j = i0 + k - i + n_pre
    if 0 <= j < h.size:
        return h[j]
    return 0.0


@kernel
def mmse_one(h, i0, n_pre, n_post, n_dfe, b_lo, b_hi, w_lim, acf, sx2, tx_rel, ridge,
             max_iter, w_out, b_out, sat_out):
    """MMSE RX FFE + box-limited DFE for one cursor vector (see sikernel.eq.mmse).

    Uses ``A'A = Toeplitz(autocorrelation of h)`` for the full convolution matrix, so the
    ISI quadratic form is that Toeplitz matrix less the main and DFE rows; ``acf`` is the
    autocorrelation (V**2, symbol lags) of everything else at the FFE input (noise,
    crosstalk).  Solves the convex QP over (w, b) by a primal active-set method with the
    linear inequality constraints ``b_lo <= b <= b_hi`` (DFE box) and
    ``|w_i| <= w_lim[i] w_main`` for the FFE taps ``i != n_pre`` (the tap limit on the FFE
    normalised to a unit main tap; ``inf`` = no limit, the main tap's entry is ignored).
    Each constraint is a row ``a' z <= u`` of ``z = (w, b)``; a constraint leaves the
    working set when its multiplier is negative (Nocedal & Wright, *Numerical
    Optimization*, 2nd ed., Alg. 16.3).
    Returns the MSE; writes w (n_w), b (n_dfe) and the DFE saturation flags.
    """
    n_w = n_pre + 1 + n_post
    n = n_w + n_dfe
    nc = h.size
    rhh = np.zeros(n_w)
    for lag in range(n_w):
        acc = 0.0
        for t in range(nc - lag):
            acc += h[t] * h[t + lag]
        rhh[lag] = acc
    gm = np.zeros((n, n))
    for i in range(n_w):
        for j in range(n_w):
            lag = abs(i - j)
            q = sx2 * (1.0 + tx_rel) * rhh[lag]
            if lag < acf.size:
                q += acf[lag]
            q -= sx2 * _row(h, i0, n_pre, 0, i) * _row(h, i0, n_pre, 0, j)
            gm[i, j] = 2.0 * q
    # (r_j' w - b_j)^2 terms: the DFE rows' ISI is replaced by the residual after the DFE
    for d in range(n_dfe):
        for i in range(n_w):
            ri = _row(h, i0, n_pre, d + 1, i)
            gm[i, n_w + d] = -2.0 * sx2 * ri
            gm[n_w + d, i] = -2.0 * sx2 * ri
        gm[n_w + d, n_w + d] = 2.0 * sx2
    for i in range(n):
        gm[i, i] += ridge * gm[i, i]
    c = np.zeros(n_w)
    for i in range(n_w):
        c[i] = _row(h, i0, n_pre, 0, i)
    mi = n_pre
    # feasible start: w = Q^-1 c / (c' Q^-1 c) with Q the w-block Schur complement
    # (b_j = r_j' w free); if it breaks an FFE limit, the largest step from w = e_main / h0
    # (feasible) towards it that keeps every limit; then b clipped to its limits
    qw = gm[:n_w, :n_w].copy()
    for d in range(n_dfe):
        for i in range(n_w):
            ri = _row(h, i0, n_pre, d + 1, i)
            for j in range(n_w):
                qw[i, j] -= 2.0 * sx2 * ri * _row(h, i0, n_pre, d + 1, j)
    zq = c.copy()
    solve_small(qw, zq)
    s = 0.0
    for i in range(n_w):
        s += c[i] * zq[i]
    z = np.zeros(n)
    for i in range(n_w):
        z[i] = zq[i] / s
    clipped = False
    t_max = 1.0
    w0m = 1.0 / c[mi]
    for i in range(n_w):
        if i == mi or not w_lim[i] < np.inf:
            continue
        for sg in (1.0, -1.0):
            g0 = -w_lim[i] * w0m                     # sg w_i - lim w_main at w = e_main/h0
            g1 = sg * z[i] - w_lim[i] * z[mi]
            if g1 > 0.0:
                clipped = True
                t_max = min(t_max, max(0.0, -g0 / (g1 - g0)))
    if clipped:
        for i in range(n_w):
            z[i] = t_max * z[i]
        z[mi] += (1.0 - t_max) * w0m
    for d in range(n_dfe):
        v = 0.0
        for i in range(n_w):
            v += _row(h, i0, n_pre, d + 1, i) * z[i]
        z[n_w + d] = min(max(v, b_lo[d]), b_hi[d])
        if z[n_w + d] != v:
            clipped = True
    # no limit reached: the unconstrained optimum is the answer (skip the QP)
    max_it = max_iter if clipped else 0
    # active[v] = +1 / -1: upper / lower constraint of variable v in the working set
    active = np.zeros(n, dtype=np.int64)
    full_step = False   # the last step reached the minimiser on the working set
    scale = 1.0
    for i in range(n):
        scale = max(scale, abs(z[i]))
    for _ in range(max_it):
        m = 1
        for v in range(n):
            if active[v] != 0:
                m += 1
        kkt = np.zeros((n + m, n + m))
        rhs = np.zeros(n + m)
        for i in range(n):
            for j in range(n):
                kkt[i, j] = gm[i, j]
            acc = 0.0
            for j in range(n):
                acc += gm[i, j] * z[j]
            rhs[i] = -acc
        for i in range(n_w):
            kkt[i, n] = c[i]
            kkt[n, i] = c[i]
        r = 1
        for v in range(n):
            if active[v] != 0:
                sg = float(active[v])
                kkt[v, n + r] = sg
                kkt[n + r, v] = sg
                if v < n_w:
                    kkt[mi, n + r] = -w_lim[v]
                    kkt[n + r, mi] = -w_lim[v]
                r += 1
        solve_small(kkt, rhs)
        sol = rhs
        pmax = 0.0
        for i in range(n):
            pmax = max(pmax, abs(sol[i]))
        if full_step or pmax <= 1e-12 * scale:
            full_step = False
            worst = 0.0
            worst_v = -1
            r = 1
            for v in range(n):
                if active[v] != 0:
                    viol = -sol[n + r]        # multiplier of a' z <= u must be >= 0
                    if viol > worst:
                        worst = viol
                        worst_v = v
                    r += 1
            if worst_v < 0:
                break
            active[worst_v] = 0
            continue
        alpha = 1.0
        block = -1
        block_sg = 0
        for v in range(n):
            if active[v] != 0 or v == mi:
                continue
            if v < n_w and not w_lim[v] < np.inf:
                continue
            for sg_i in (1, -1):
                sg = float(sg_i)
                if v < n_w:
                    ap = sg * sol[v] - w_lim[v] * sol[mi]
                    slack = w_lim[v] * z[mi] - sg * z[v]
                else:
                    ap = sg * sol[v]
                    slack = (b_hi[v - n_w] - z[v]) if sg_i > 0 else (z[v] - b_lo[v - n_w])
                if ap > 0.0:
                    t = max(0.0, slack) / ap
                    if t < alpha:
                        alpha = t
                        block = v
                        block_sg = sg_i
        for i in range(n):
            z[i] += alpha * sol[i]
        if block >= 0:
            active[block] = block_sg
        else:
            full_step = True
        for d in range(n_dfe):
            if active[n_w + d] > 0:
                z[n_w + d] = b_hi[d]
            elif active[n_w + d] < 0:
                z[n_w + d] = b_lo[d]
    mse = 0.0
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += gm[i, j] * z[j]
        mse += 0.5 * z[i] * acc
    for i in range(n_w):
        w_out[i] = z[i]
    for d in range(n_dfe):
        b_out[d] = z[n_w + d]
        sat_out[d] = active[n_w + d] != 0
    return mse


@parallel_kernel
def mmse_batch(hs, i0, n_pre, n_post, n_dfe, b_lo, b_hi, w_lim, acfs, sx2, tx_rel, ridge,
               max_iter, w_out, b_out, sat_out, mse_out):
    """:func:`mmse_one` for every row of ``hs`` (n_set, n_c) with per-row ``acfs`` (n_set, L)."""
    for s in prange(hs.shape[0]):
        mse_out[s] = mmse_one(hs[s], i0, n_pre, n_post, n_dfe, b_lo, b_hi, w_lim, acfs[s], sx2,
                              tx_rel, ridge, max_iter, w_out[s], b_out[s], sat_out[s])


__all__ = ["conv_matrix", "dfe_apply", "mmse_batch", "mmse_one", "solve_small"]
