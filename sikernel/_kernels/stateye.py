"""Statistical-eye kernels: conditional sample PMFs per phase, BER map, eye openings.

Grids (see :mod:`sikernel._kernels.pmf` for the PMF conventions):

* the *noise grid* holds ISI + crosstalk + Gaussian noise, ``2*n_half + 1`` bins of
  width ``dv`` centred on 0 V (bin ``n_half`` is 0 V);
* the *eye grid* holds the received sample for each transmitted level, ``n`` bins
  from ``v0_eye`` in steps of ``dv``.

The noise grid is about twice as wide as the eye grid, so that mass clamped at its
edges still lands outside the eye grid after the shift by ``a_l h_0``; mass beyond
the eye grid is clamped into its edge bins, which keeps every tail probability
read at an eye-grid voltage correct.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel
from .pmf import _split, convolve_pmf, gaussian_pmf, isi_pmf


@kernel
def shift_pmf(src, s_bins, out):
    """``out`` = ``src`` moved by ``s_bins`` (fractional, linearly split), clamped at the edges."""
    n_out = out.shape[0]
    for i in range(n_out):
        out[i] = 0.0
    m, f = _split(s_bins)
    g = 1.0 - f
    for q in range(src.shape[0]):
        p = src[q]
        if p == 0.0:
            continue
        i = q + m
        if i < 0:
            out[0] += p
        elif i >= n_out - 1:
            out[n_out - 1] += p
        else:
            out[i] += p * g
            out[i + 1] += p * f


#: Gaussian kernels longer than this are applied by FFT (direct gather below)
_FFT_MIN_TAPS = 64


@kernel
def _convolve_fft(a, gk, g, out):
    """``convolve_pmf(a, gk, -g, out)`` by real FFT over the support of ``a``.

    Round-off is ~1e-16 of the largest bin (absolute ~1e-18 here), far below any
    BER read from the map; negative round-off is set to 0.
    """
    n = a.shape[0]
    lo = 0
    while lo < n and a[lo] == 0.0:
        lo += 1
    hi = n
    while hi > lo and a[hi - 1] == 0.0:
        hi -= 1
    for k in range(n):
        out[k] = 0.0
    if lo == hi:
        return
    n_lin = hi - lo + gk.shape[0] - 1
    n_fft = 1
    while n_fft < n_lin:
        n_fft *= 2
    xa = np.zeros(n_fft)
    xa[: hi - lo] = a[lo:hi]
    xg = np.zeros(n_fft)
    xg[: gk.shape[0]] = gk
    c = np.fft.irfft(np.fft.rfft(xa) * np.fft.rfft(xg), n_fft)
    for i in range(n_lin):
        k = lo + i - g
        v = c[i]
        if v < 0.0:
            v = 0.0
        if k < 0:
            out[0] += v
        elif k >= n:
            out[n - 1] += v
        else:
            out[k] += v


@parallel_kernel
def conditional_pmfs(res, h0, sigma, xt_pmf, levels, n_half, dv, v0_eye, out):
    """Received-sample PMF for each phase ``j`` and transmitted level ``l``.

    Parameters
    ----------
    res : (P, K) float64
        Residual ISI cursors per phase (main cursor and DFE-cancelled parts removed), V.
    h0 : (P,) float64
        Main cursor per phase, V.
    sigma : (P,) float64
        Standard deviation of the Gaussian noise per phase, V.
    xt_pmf : (2*n_half+1,) or (0,) float64
        Crosstalk PMF on the noise grid (empty: none).
    levels : (L,) float64
        Symbol levels.
    n_half : int
        Half-size of the noise grid.
    dv, v0_eye : float
        Bin width and centre of eye-grid bin 0, V.
    out : (P, L, n) float64
        Conditional PMFs on the eye grid.
    """
    n_p = res.shape[0]
    n_noise = 2 * n_half + 1
    n_lev = levels.shape[0]
    for j in prange(n_p):
        a = np.empty(n_noise)
        b = np.empty(n_noise)
        isi_pmf(res[j], levels, -n_half * dv, dv, a)
        if xt_pmf.shape[0] > 0:
            convolve_pmf(a, xt_pmf, -n_half, b)
            a, b = b, a
        sj = sigma[j]
        if sj > 0.0:
            g = min(math.ceil(9.0 * sj / dv), n_half)
            gk = np.empty(2 * g + 1)
            gaussian_pmf(0.0, sj, -g * dv, dv, gk)
            if 2 * g + 1 > _FFT_MIN_TAPS:
                _convolve_fft(a, gk, g, b)
            else:
                convolve_pmf(a, gk, -g, b)
            a, b = b, a
        for lv in range(n_lev):
            s = (levels[lv] * h0[j] - v0_eye) / dv - n_half
            shift_pmf(a, s, out[j, lv])


@kernel
def ber_map(cond, centres, v0_eye, dv, out):
    """Error probability of a slicer threshold at each eye-grid voltage, per phase.

    ``out[j, i] = (1/L) sum_l P_l(sample on the wrong side of v_i)``, where a level
    whose nominal value ``centres[j, l]`` is at or below ``v_i`` errs when its sample
    exceeds ``v_i`` and a level above errs when its sample is below.  Bin ``i``'s own
    mass counts half (mass uniform over the bin); the edge bins, which hold the tails
    clamped there, count wholly as lying outside the grid.
    """
    n_p = cond.shape[0]
    n_lev = cond.shape[1]
    n = cond.shape[2]
    inv_l = 1.0 / n_lev
    for j in range(n_p):
        for i in range(n):
            out[j, i] = 0.0
        for lv in range(n_lev):
            c = centres[j, lv]
            # P(X < v_i) = below + half own bin, scanning upwards
            below = 0.0
            total = 0.0
            for i in range(n):
                total += cond[j, lv, i]
            for i in range(n):
                p = cond[j, lv, i]
                v = v0_eye + i * dv
                # own bin counts half; an edge bin holds the clamped tail beyond the
                # grid, so it counts wholly on the outer side
                w = 0.5
                if i == 0:
                    w = 1.0
                elif i == n - 1:
                    w = 0.0
                if c <= v:
                    out[j, i] += inv_l * (total - below - w * p)
                else:
                    out[j, i] += inv_l * (below + w * p)
                below += p


@kernel
def _crossing(lb_a, lb_b, lt):
    """Fraction of the way from a to b at which log10 BER crosses the target."""
    d = lb_a - lb_b
    if d == 0.0:
        return 0.5
    x = (lb_a - lt) / d
    return min(max(x, 0.0), 1.0)


@kernel
def eye_openings(ber, centre_bins, target, out_lo, out_hi):
    """Vertical opening of each eye at each phase, read off the BER contour.

    For eye ``m`` (between level ``m`` and ``m+1``) at phase ``j``, the longest run of
    eye-grid bins strictly between the two nominal levels with ``ber <= target``;
    its edges are refined by linear interpolation of ``log10(ber)`` between the
    neighbouring bins.  Writes the edges (fractional bin positions) into ``out_lo``
    and ``out_hi`` (``(P, L-1)``); a closed eye gets ``lo = hi`` = the midpoint.
    """
    n_p = ber.shape[0]
    n = ber.shape[1]
    n_eye = centre_bins.shape[1] - 1
    lt = math.log10(target)
    for j in range(n_p):
        for m in range(n_eye):
            c_lo = centre_bins[j, m]
            c_hi = centre_bins[j, m + 1]
            i_start = max(math.floor(c_lo) + 1, 0)
            i_stop = min(math.ceil(c_hi) - 1, n - 1)
            best_len = -1
            b0 = 0
            b1 = 0
            run0 = -1
            for i in range(i_start, i_stop + 1):
                if ber[j, i] <= target:
                    if run0 < 0:
                        run0 = i
                    if i - run0 > best_len:
                        best_len = i - run0
                        b0 = run0
                        b1 = i
                else:
                    run0 = -1
            if best_len < 0:
                mid = 0.5 * (c_lo + c_hi)
                out_lo[j, m] = mid
                out_hi[j, m] = mid
                continue
            lo = float(b0)
            if b0 > i_start:
                la = math.log10(max(ber[j, b0 - 1], 1e-300))
                lb = math.log10(max(ber[j, b0], 1e-300))
                lo = b0 - 1 + _crossing(la, lb, lt)
            hi = float(b1)
            if b1 < i_stop:
                la = math.log10(max(ber[j, b1 + 1], 1e-300))
                lb = math.log10(max(ber[j, b1], 1e-300))
                hi = b1 + 1 - _crossing(la, lb, lt)
            out_lo[j, m] = lo
            out_hi[j, m] = hi
