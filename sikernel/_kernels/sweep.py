"""Batch drivers of the sweep engine (one ``prange`` per stage, rows independent).

Each output row depends only on its own input row, with a fixed operation order,
so results are bit-identical for any chunking and thread count.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import parallel_kernel


@parallel_kernel
def il_db_at(h, f, f_q, out):
    """Insertion loss ``-20 log10 max(|h|, 1e-300)`` of each row of ``h`` at ``f_q[row]`` (Hz).

    Linear interpolation of the dB curve between the two grid points around
    ``f_q`` (the arithmetic of ``numpy.interp``, as :meth:`Channel.il_db` uses);
    ``f`` is strictly increasing and ``f[0] <= f_q <= f[-1]``.
    """
    nf = f.shape[0]
    for r in prange(h.shape[0]):
        x = f_q[r]
        j = np.searchsorted(f, x, side="right") - 1
        if j < 0:
            j = 0
        if j >= nf - 1:
            a = abs(h[r, nf - 1])
            out[r] = -20.0 * math.log10(max(a, 1e-300))
            continue
        y0 = -20.0 * math.log10(max(abs(h[r, j]), 1e-300))
        y1 = -20.0 * math.log10(max(abs(h[r, j + 1]), 1e-300))
        slope = (y1 - y0) / (f[j + 1] - f[j])
        out[r] = slope * (x - f[j]) + y0


@parallel_kernel
def peak_cursors(v, m, n_pre, n_post, cursors, h0):
    """Cursors of pulse responses at their peak phase.

    For each row of ``v`` (n, n_time): ``i0`` = index of the first maximum, then
    ``cursors[r, k + n_pre] = v[r, i0 + k m]`` for ``k = -n_pre ... n_post`` (0 outside
    the record) and ``h0[r] = v[r, i0]`` -- :meth:`PulseResponse.cursors` with
    ``phase="peak"``.
    """
    n = v.shape[1]
    for r in prange(v.shape[0]):
        i0 = 0
        best = v[r, 0]
        for i in range(1, n):
            if v[r, i] > best:
                best = v[r, i]
                i0 = i
        h0[r] = best
        for k in range(-n_pre, n_post + 1):
            i = i0 + k * m
            cursors[r, k + n_pre] = v[r, i] if 0 <= i < n else 0.0


@parallel_kernel
def peak_eye_heights(cursors, n_pre, n_levels, n_dfe, dfe_max, out):
    """Peak-distortion eye height of each row of UI-spaced ``cursors`` (main one at ``n_pre``).

    Batch form of :func:`sikernel.eye.peak.peak_distortion_eye` (levels equally spaced
    on [-1, 1]; J. G. Proakis, *Digital Communications*, 5th ed., §9.2): after ideal DFE
    taps ``b_k = h_k`` (k = 1..n_dfe[r], clipped to ``+-dfe_max[r] h0`` when
    ``dfe_max[r] > 0``), ``out[r] = 2/(L-1) h0 - 2 sum_{k!=0} |h_k - b_k|`` (the smallest eye).
    """
    nc = cursors.shape[1]
    for r in prange(cursors.shape[0]):
        h0 = cursors[r, n_pre]
        lim = dfe_max[r] * h0
        isi = 0.0
        for k in range(nc):
            if k == n_pre:
                continue
            x = cursors[r, k]
            if n_pre < k <= n_pre + n_dfe[r]:
                b = x
                if dfe_max[r] > 0.0:
                    b = min(max(b, -lim), lim)
                x = x - b
            isi += abs(x)
        out[r] = 2.0 / (n_levels[r] - 1) * h0 - 2.0 * isi


__all__ = ["il_db_at", "peak_cursors", "peak_eye_heights"]
