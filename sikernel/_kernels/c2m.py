"""Kernels of the 802.3ck C2M (Annex 120G) eye: PMFs on integer bins as the IEEE COM code builds
them (``com_ieee8023_93a_450.m`` of the public mirror Omer-Sella/COM).

A PMF here is ``(y, lo)``: ``y[i]`` is the probability of bin ``lo + i``, bin ``b`` centred on
``b * dy`` volts (the reference's ``pdf.Min`` / ``pdf.y`` / ``pdf.BinSize``).  Unlike
:mod:`sikernel._kernels.pmf` (linear splitting between bins), a delta is *rounded* to its
nearest bin, MATLAB ``round`` (half away from zero), as ``Init_PDF_Fast`` does.
"""

from __future__ import annotations

import numpy as np

from .._jit import kernel


@kernel
def mround(x):
    """MATLAB ``round``: half away from zero."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


@kernel
def sampled_pmf_size(v, n_levels, dy):
    """Number of bins and lowest bin of :func:`sampled_pmf` for the samples ``v``."""
    keep_all = np.max(v) <= dy
    lo = 0
    hi = 0
    for k in range(v.size):
        a = abs(v[k])
        if a <= dy and not keep_all:
            continue
        if a < dy:
            continue
        q = int(mround(a / dy))   # the outer levels' bins, as sampled_pmf computes them
        lo -= q
        hi += q
    return hi - lo + 1, lo


@kernel
def sampled_pmf(v, n_levels, dy, out):
    """``get_pdf_from_sampled_signal(v, L, dy)``: PMF of ``sum_k a_k v_k``, ``a_k`` uniform on the
    L levels ``2 l/(L-1) - 1``; samples with ``|v| < dy`` dropped (and those ``<= dy`` when
    ``max(v) > dy``, as coded); each ``a_l |v_k|`` rounded to its bin.  ``out`` has the size
    from :func:`sampled_pmf_size`; returns the lowest bin.  Samples in ascending ``|v|`` (the
    reference: descending; the convolution is the same, to rounding), so the support grows
    last and the work stays small."""
    keep_all = np.max(v) <= dy
    order = np.argsort(np.abs(v), kind="mergesort")
    out[:] = 0.0
    out[0] = 1.0
    lo = 0
    n = 1
    p_l = 1.0 / n_levels
    offs = np.empty(n_levels, dtype=np.int64)
    for kk in range(v.size):
        a = abs(v[order[kk]])
        if (a <= dy and not keep_all) or a < dy:
            continue
        # level l and its mirror L-1-l get bins of one magnitude, computed once: 2 m/(L-1) - 1 is not
        # exactly odd in floating point, and a product landing on a half bin (v = 2.5 dy) rounded
        # to 3 on one side and 2 on the other (hypothesis: v = [0.00025], PAM4, dy = 1e-4)
        x = a / dy
        for m in range(n_levels):
            k = 2 * m - (n_levels - 1)   # integer, odd in m about the middle
            q = int(mround(x * (abs(k) / (n_levels - 1))))
            offs[m] = q if k >= 0 else -q
        o0 = offs[0]
        width = offs[n_levels - 1] - o0
        # in place, from the top: new[j] = sum_m p old[j - d_m], d_m = offs[m] - o0 >= 0, reads
        # only indices <= j, which are not yet overwritten
        for j in range(n + width - 1, -1, -1):
            acc = 0.0
            for m in range(n_levels):
                i = j - (offs[m] - o0)
                if 0 <= i < n:
                    acc += out[i]
            out[j] = acc * p_l
        n = n + width
        lo += o0
    return lo


@kernel
def gaussian_pmf(sigma, q, dy):
    """``normal_dist(sigma, q, dy)``: bins -round(2 q sigma/dy) ... +, ``exp(-x^2/(2 sigma^2 + eps))``
    normalised.  Returns (y, lo)."""
    nmin = -int(mround(2.0 * q * sigma / dy))
    n = -2 * nmin + 1
    y = np.empty(n)
    s = 0.0
    den = 2.0 * sigma * sigma + 2.220446049250313e-16
    for i in range(n):
        x = (nmin + i) * dy
        y[i] = np.exp(-x * x / den)
        s += y[i]
    for i in range(n):
        y[i] /= s
    return y, nmin


@kernel
def ber_edges(y, lo, der):
    """``pdf_to_cdf`` + ``cdf_to_ber_contour``: (lowest bin, highest bin) where
    ``min(cumsum(y), reverse cumsum(y)) > der``; (1, 0) when none."""
    n = y.size
    cb = np.empty(n)
    ct = np.empty(n)
    s = 0.0
    for i in range(n):
        s += y[i]
        cb[i] = s
    s = 0.0
    for i in range(n - 1, -1, -1):
        s += y[i]
        ct[i] = s
    first = -1
    last = -1
    for i in range(n):
        if min(cb[i], ct[i]) > der:
            if first < 0:
                first = i
            last = i
    if first < 0:
        return 1, 0
    return lo + first, lo + last


__all__ = ["ber_edges", "gaussian_pmf", "mround", "sampled_pmf", "sampled_pmf_size"]
