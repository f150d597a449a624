"""Batch drivers of the sweep engine (one ``prange`` per stage, rows independent).

Each output row depends only on its own input row, with a fixed operation order,
so results are bit-identical for any chunking and thread count.  The chunk drivers
(:func:`chunk_s21_il`, :func:`chunk_pulse_cursors`) take every point of a sweep chunk
in one parallel region: rows of different lines, packages or bauds index small
per-group tables (``group[r]``), so a chunk costs one thread launch per stage
instead of one per group, and no per-group Python work runs between launches.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel
from .batch_build import s21_row
from .response import KIND_PULSE, resample_row, shape_spectrum


@kernel
def il_db_row(h, f, x):
    """Insertion loss ``-20 log10 max(|h|, 1e-300)`` of one row ``h`` at ``x`` Hz.

    Linear interpolation of the dB curve between the two grid points around
    ``x`` (the arithmetic of ``numpy.interp``, as :meth:`Channel.il_db` uses);
    ``f`` is strictly increasing and ``f[0] <= x <= f[-1]``.
    """
    nf = f.shape[0]
    j = np.searchsorted(f, x, side="right") - 1
    if j < 0:
        j = 0
    if j >= nf - 1:
        return -20.0 * math.log10(max(abs(h[nf - 1]), 1e-300))
    y0 = -20.0 * math.log10(max(abs(h[j]), 1e-300))
    y1 = -20.0 * math.log10(max(abs(h[j + 1]), 1e-300))
    slope = (y1 - y0) / (f[j + 1] - f[j])
    return slope * (x - f[j]) + y0


@parallel_kernel
def chunk_s21_il(gr, gi, ar, ai, br, bi, group, lengths, f, f_q, h, il):
    """SDD21 and the loss at ``f_q`` of every point of a chunk, in one parallel region.

    Row ``r`` is the line of group ``group[r]`` (rows ``g`` of the per-frequency tables
    ``gr + j gi`` = sqrt(z y) per metre, ``ar + j ai`` = alpha, ``br + j bi`` = beta of
    :mod:`sikernel._kernels.batch_build`) at length ``lengths[r]`` (m):
    ``h[r] = s21_row(...)`` and ``il[r] = il_db_row(h[r], f, f_q[r])`` (dB).
    """
    for r in prange(lengths.shape[0]):
        g = group[r]
        s21_row(gr[g], gi[g], ar[g], ai[g], br[g], bi[g], lengths[r], h[r])
        il[r] = il_db_row(h[r], f, f_q[r])


@parallel_kernel
def chunk_fom_ild(h, f, group, band_lo, band_hi, w_ild, f_q, fit_out, fom_out):
    """Fitted IL at ``f_q`` and FOM_ILD of every point of a chunk (IEEE 802.3 93A-56/57).

    Row ``r`` (group ``g = group[r]``): on the band ``f[band_lo[g]:band_hi[g]]`` the loss
    ``IL = -20 log10 max(|h|, 1e-300)`` is fitted by ``c0 + c1 sqrt(x) + c2 x + c3 x^2``,
    ``x = f / f_top`` (``f_top`` the band's last frequency), by least squares with every
    equation scaled by ``|h|`` (the COM weighting of :func:`sikernel.channel.metrics.fitted_il`;
    LAPACK ``gelsd`` as ``numpy.linalg.lstsq``).  ``fit_out[r]`` is the fit at ``f_q[r]`` (dB)
    and ``fom_out[r] = sqrt(mean(w_ild[g] * (IL - fit)^2))`` (dB).  NaN when ``|h|`` is zero
    over the whole band.
    """
    for r in prange(h.shape[0]):
        g = group[r]
        a = band_lo[g]
        m = band_hi[g] - a
        f_top = f[a + m - 1]
        mat = np.empty((m, 4))
        rhs = np.empty(m)
        il = np.empty(m)
        x = np.empty(m)
        wmax = 0.0
        for i in range(m):
            mag = abs(h[r, a + i])
            il[i] = -20.0 * math.log10(max(mag, 1e-300))
            x[i] = f[a + i] / f_top
            wmax = max(wmax, mag)
            mat[i, 0] = mag
            mat[i, 1] = math.sqrt(x[i]) * mag
            mat[i, 2] = x[i] * mag
            mat[i, 3] = x[i] * x[i] * mag
            rhs[i] = il[i] * mag
        if wmax == 0.0:
            fit_out[r] = np.nan
            fom_out[r] = np.nan
            continue
        c = np.linalg.lstsq(mat, rhs)[0]
        acc = 0.0
        for i in range(m):
            d = il[i] - (c[0] + c[1] * math.sqrt(x[i]) + c[2] * x[i] + c[3] * x[i] * x[i])
            acc += w_ild[g, i] * d * d
        fom_out[r] = math.sqrt(acc / m)
        xq = f_q[r] / f_top
        fit_out[r] = c[0] + c[1] * math.sqrt(xq) + c[2] * xq + c[3] * xq * xq


@kernel
def _max4(y):
    """Largest element of ``y`` (no NaN), with four independent running maxima."""
    n = y.shape[0]
    m0 = y[0]
    m1 = m0
    m2 = m0
    m3 = m0
    j = 0
    while j + 4 <= n:
        m0 = y[j] if y[j] > m0 else m0
        m1 = y[j + 1] if y[j + 1] > m1 else m1
        m2 = y[j + 2] if y[j + 2] > m2 else m2
        m3 = y[j + 3] if y[j + 3] > m3 else m3
        j += 4
    while j < n:
        m0 = y[j] if y[j] > m0 else m0
        j += 1
    return max(max(m0, m1), max(m2, m3))


@parallel_kernel
def chunk_pulse_cursors(h, f, group, fe, has_fe, resample, n_valid, df_t, t_ui, n_time, n_neg, m, n_pre,
                        n_post, cursors, h0, pulses, keep):
    """Pulse responses (IEEE 802.3 eq. 93A-24) and their peak-phase cursors, one parallel region.

    Row ``r`` of ``h`` (n, n_freq; SDD21 on the uniform grid ``f``) belongs to group
    ``g = group[r]`` (one baud and front end): it is multiplied by the front-end
    filter ``fe[g]`` when ``has_fe[g]``, resampled to the transform step ``df_t[g]``
    when ``resample[g]`` (:func:`resample_row`), shaped by the symbol spectrum
    (:func:`~sikernel._kernels.response.shape_spectrum`, ``n_valid[g]`` bins, symbol
    time ``t_ui[g]``), inverse-transformed on ``n_time[g]`` points and rotated so that
    the record starts ``n_neg[g]`` samples before t = 0 -- the record of
    :func:`sikernel.response.pulse_from_h`.  Then the first
    maximum ``i0``, ``h0[r] = v[i0]`` and ``cursors[r, k + n_pre] = v[i0 + k m]`` (0 outside
    the record): :meth:`PulseResponse.cursors` with ``phase="peak"``.
    With ``keep`` the record is also written to ``pulses[r, :n_time[g]]``.
    """
    nf = h.shape[1]
    for r in prange(h.shape[0]):
        g = group[r]
        nt = n_time[g]
        src = np.empty(nf, dtype=np.complex128)
        for i in range(nf):
            src[i] = h[r, i] * fe[g, i] if has_fe[g] else h[r, i]
        if resample[g]:
            rs = np.empty(n_valid[g], dtype=np.complex128)
            resample_row(src, f, df_t[g], rs)
            src = rs
        # spectrum_to_time's arithmetic, with the peak search fused in (calling it and
        # scanning its output costs 5 % more on this hot path, measured).  The record is
        # y[s0:] then y[:s0]; no rotated copy is made (an integer modulo per sample cost
        # ~15 % of this kernel).  The peak is searched on y before scaling by the positive
        # `scale`: the same sample unless two samples differ by less than the rounding of
        # that product (then the first of them in record order is kept, as before, only
        # if they are exactly equal before scaling).
        x = np.empty(nt // 2 + 1, dtype=np.complex128)
        shape_spectrum(src, n_valid[g], df_t[g], t_ui[g], KIND_PULSE, x)
        y = np.fft.irfft(x, nt)
        scale = nt * df_t[g]
        first = -n_neg[g]
        s0 = first % nt
        # the record's maximum (exact in any order: four independent running maxima),
        # then its first occurrence in record order (y[s0:], then y[:s0])
        ymax = _max4(y)
        i0 = 0
        found = False
        for j in range(s0, nt):
            if y[j] == ymax:
                i0 = j - s0
                found = True
                break
        if not found:
            for j in range(s0):
                if y[j] == ymax:
                    i0 = nt - s0 + j
                    break
        best = ymax * scale
        if keep:
            for j in range(s0, nt):
                pulses[r, j - s0] = y[j] * scale
            for j in range(s0):
                pulses[r, nt - s0 + j] = y[j] * scale
        h0[r] = best
        for k in range(-n_pre, n_post + 1):
            i = i0 + k * m
            cursors[r, k + n_pre] = y[(first + i) % nt] * scale if 0 <= i < nt else 0.0


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


__all__ = ["chunk_fom_ild", "chunk_pulse_cursors", "chunk_s21_il", "il_db_row", "peak_eye_heights"]
