"""Probability mass functions on a uniform voltage grid (statistical eye, COM).

Grid convention
---------------
A PMF is a 1-D float64 array ``pmf`` of ``n`` bins; bin ``i`` is centred on
``v0 + i*dv`` volts (``v0`` the centre of bin 0, ``dv`` the bin width).  Mass
that would fall outside the grid is *clamped* into the first or last bin, so a
PMF always sums to the mass it was given (callers size the grid so that only
Gaussian tails far below any BER of interest are clamped).

ISI PMF by successive convolution
---------------------------------
The residual ISI at one sampling phase is ``X = sum_k a_k h_k`` with ``a_k``
independent and uniform over the ``L`` PAM levels (IEEE 802.3 Annex 93A.1.7.1,
eq. 93A-39/93A-40; physics.md §5).  Its PMF is the convolution of the per-cursor
PMFs, each ``L`` deltas of weight ``1/L`` at ``a_l h_k``.  :func:`isi_pmf`
convolves them one cursor at a time.  A delta at a position ``s`` bins away from
a bin centre is split *linearly* between the two neighbouring bins ``floor(s)``
and ``floor(s)+1`` (weights ``1-f`` and ``f``, ``f = s - floor(s)``).

Binning error of linear splitting (documented, and checked in tests/test_pmf.py):

* the total mass and the **mean are exact** (the split preserves the first
  moment), as long as nothing is clamped at the grid edges;
* each split adds variance ``f(1-f) dv^2 <= dv^2/4``, so after ``K`` cursors the
  variance is inflated by at most ``K dv^2/4`` (plus ``dv^2/4`` for an initial
  delta at 0 V that is not on a bin centre);
* the support widens by at most one bin per cursor;
* when every product ``a_l h_k`` is an integer number of bins and 0 V is a bin
  centre, no split happens and the PMF is **exact** (equal to binning the
  brute-force enumeration of all ``L^K`` symbol patterns).  Shifts within
  ``1e-9`` bin of an integer are snapped to it so that exact cases stay exact in
  floating point.

Cost: ``O(K * L * S)`` with ``S`` the current support in bins (the support is
tracked, zero cursors are skipped), no FFT.

Tail / CDF queries treat each bin's mass as uniform over
``[v_i - dv/2, v_i + dv/2]`` (piecewise-linear CDF), so the amplitude at which a
tail reaches a probability is resolved to within a fraction of one bin.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel

_SNAP = 1e-9


@kernel
def pam_levels(n_levels):
    """The ``n_levels`` PAM levels equally spaced on [-1, 1] (NRZ: -1, 1)."""
    out = np.empty(n_levels)
    for i in range(n_levels):
        out[i] = -1.0 + 2.0 * i / (n_levels - 1)
    return out


@kernel
def _split(s):
    """Integer bin and fractional weight of a position ``s`` in bins (snapped)."""
    m = math.floor(s)
    f = s - m
    if f < _SNAP:
        f = 0.0
    elif f > 1.0 - _SNAP:
        m += 1
        f = 0.0
    return int(m), f


@kernel
def add_delta(pmf, value_v, weight, v0, dv):
    """Add a delta of ``weight`` at ``value_v`` volts, split linearly between bins (clamped)."""
    n = pmf.shape[0]
    m, f = _split((value_v - v0) / dv)
    if m < 0:
        pmf[0] += weight
    elif m >= n - 1:
        pmf[n - 1] += weight
    else:
        pmf[m] += weight * (1.0 - f)
        pmf[m + 1] += weight * f


@kernel
def _gather(src, offs, ws, nt, t_lo, t_hi, dst):
    """``dst[t] = sum_j ws[j] * src[t - offs[j]]`` for ``t_lo <= t <= t_hi``.

    Four outputs per pass in independent accumulators (each one summed in tap
    order, so the result does not depend on the unrolling): 2-3x faster than one
    output at a time.
    """
    t = t_lo
    while t + 3 <= t_hi:
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        for j in range(nt):
            w = ws[j]
            b = t - offs[j]
            a0 += w * src[b]
            a1 += w * src[b + 1]
            a2 += w * src[b + 2]
            a3 += w * src[b + 3]
        dst[t] = a0
        dst[t + 1] = a1
        dst[t + 2] = a2
        dst[t + 3] = a3
        t += 4
    while t <= t_hi:
        acc = 0.0
        for j in range(nt):
            acc += ws[j] * src[t - offs[j]]
        dst[t] = acc
        t += 1


@kernel
def _cursor_taps(hk, levels, inv_dv, offs, ws):
    """Merged (offset, weight) taps of one cursor's L-delta PMF after linear splitting."""
    n_lev = levels.shape[0]
    w_l = 1.0 / n_lev
    nt = 0
    for lv in range(n_lev):
        m, f = _split(levels[lv] * hk * inv_dv)
        for d in range(2):
            o = m + d
            w = w_l * (1.0 - f) if d == 0 else w_l * f
            if w == 0.0:
                continue
            found = False
            for j in range(nt):
                if offs[j] == o:
                    ws[j] += w
                    found = True
                    break
            if not found:
                offs[nt] = o
                ws[nt] = w
                nt += 1
    return nt


@kernel
def _order_by_magnitude(h):
    """Indices of ``h`` by increasing ``|h|`` (stable insertion sort: K is small and
    ``np.argsort`` would add seconds of compile time)."""
    k_n = h.shape[0]
    order = np.empty(k_n, dtype=np.int64)
    for i in range(k_n):
        a = abs(h[i])
        j = i
        while j > 0 and abs(h[order[j - 1]]) > a:
            order[j] = order[j - 1]
            j -= 1
        order[j] = i
    return order


@kernel
def isi_pmf(h, levels, v0, dv, out):
    """PMF of ``sum_k a_k h_k`` (``a_k`` uniform over ``levels``) on the grid ``(v0, dv)``.

    Cursors are convolved in order of increasing ``|h_k|`` (the support stays
    narrow while most cursors are added); zero cursors are skipped.

    Parameters
    ----------
    h : (K,) float64
        Cursor amplitudes in volts (the main cursor excluded by the caller).
    levels : (L,) float64
        Symbol levels (e.g. :func:`pam_levels`), equiprobable.
    v0, dv : float
        Centre of bin 0 and bin width, volts.
    out : (n,) float64
        Overwritten with the PMF (sums to 1).
    """
    n = out.shape[0]
    n_lev = levels.shape[0]
    k_n = h.shape[0]
    inv = 1.0 / dv
    order = _order_by_magnitude(h)
    offs = np.empty(2 * n_lev, dtype=np.int64)
    ws = np.empty(2 * n_lev)
    # tap offset range of each cursor (in convolution order), and how far the cursors
    # still to come can move mass down / up: mass that can no longer reach the grid
    # is folded into the edge bin it would be clamped to anyway (exact, and it bounds
    # the work when the ISI spans far more than the grid)
    o_min = np.zeros(k_n, dtype=np.int64)
    o_max = np.zeros(k_n, dtype=np.int64)
    for kk in range(k_n):
        hk = h[order[kk]]
        if hk == 0.0:
            continue
        nt = _cursor_taps(hk, levels, inv, offs, ws)
        lo_o = offs[0]
        hi_o = offs[0]
        for j in range(nt):
            lo_o = min(lo_o, offs[j])
            hi_o = max(hi_o, offs[j])
        o_min[kk] = lo_o
        o_max[kk] = hi_o
    down_rem = np.zeros(k_n + 1, dtype=np.int64)
    up_rem = np.zeros(k_n + 1, dtype=np.int64)
    for kk in range(k_n - 1, -1, -1):
        down_rem[kk] = down_rem[kk + 1] + max(0, -o_min[kk])
        up_rem[kk] = up_rem[kk + 1] + max(0, o_max[kk])
    # pass 1 (grid coordinates): pruned support after each cursor, every index touched
    m0, f0 = _split(-v0 * inv)
    clo = m0
    chi = m0 + 1
    gmin = clo
    gmax = chi
    for kk in range(k_n):
        if h[order[kk]] == 0.0:
            continue
        tlo = clo + o_min[kk]
        thi = chi + o_max[kk]
        gmin = min(gmin, tlo - o_max[kk])
        gmax = max(gmax, thi - o_min[kk])
        clo = max(tlo, -up_rem[kk + 1])
        chi = min(thi, n - 1 + down_rem[kk + 1])
        if clo > chi:
            break
    ext = gmax - gmin + 1
    cur = np.zeros(ext)
    nxt = np.zeros(ext)
    below = 0.0
    above = 0.0
    # pass 2 (buffer coordinates b = g - gmin): gather-form convolution
    s_lo = m0 - gmin
    s_hi = s_lo + 1
    cur[s_lo] = 1.0 - f0
    cur[s_hi] = f0
    n_lo = 0  # support of the stale data held in nxt (none yet)
    n_hi = -1
    for kk in range(k_n):
        hk = h[order[kk]]
        if hk == 0.0:
            continue
        nt = _cursor_taps(hk, levels, inv, offs, ws)
        t_lo = s_lo + o_min[kk]
        t_hi = s_hi + o_max[kk]
        for t in range(n_lo, n_hi + 1):
            nxt[t] = 0.0
        _gather(cur, offs, ws, nt, t_lo, t_hi, nxt)
        # fold what can no longer reach the grid
        lim_lo = -up_rem[kk + 1] - gmin
        lim_hi = n - 1 + down_rem[kk + 1] - gmin
        while t_lo < lim_lo and t_lo <= t_hi:
            below += nxt[t_lo]
            nxt[t_lo] = 0.0
            t_lo += 1
        while t_hi > lim_hi and t_hi >= t_lo:
            above += nxt[t_hi]
            nxt[t_hi] = 0.0
            t_hi -= 1
        cur, nxt = nxt, cur
        n_lo = s_lo
        n_hi = s_hi
        s_lo = t_lo
        s_hi = t_hi
        if s_lo > s_hi:
            break
    for i in range(n):
        out[i] = 0.0
    out[0] += below
    out[n - 1] += above
    for b in range(s_lo, s_hi + 1):
        g = b + gmin
        if g < 0:
            g = 0
        elif g >= n:
            g = n - 1
        out[g] += cur[b]


@parallel_kernel
def isi_pmf_batch(h, levels, v0, dv, out):
    """:func:`isi_pmf` per row of ``h`` ``(P, K)`` into ``out`` ``(P, n)``, parallel over rows."""
    for p in prange(h.shape[0]):
        isi_pmf(h[p], levels, v0, dv, out[p])


@kernel
def convolve_pmf(a, b, shift, out):
    """``out[k] = sum_{i+j+shift=k} a[i] b[j]``, clamped into ``out``'s edge bins.

    For grids ``(va0, dv)``, ``(vb0, dv)`` and ``(vo0, dv)`` use
    ``shift = round((va0 + vb0 - vo0)/dv)`` (exact when the offsets are commensurate).
    Only the nonzero span of ``a`` is multiplied (gather form, :func:`_gather`).
    """
    na = a.shape[0]
    nb = b.shape[0]
    no = out.shape[0]
    for k in range(no):
        out[k] = 0.0
    a_lo = 0
    while a_lo < na and a[a_lo] == 0.0:
        a_lo += 1
    a_hi = na
    while a_hi > a_lo and a[a_hi - 1] == 0.0:
        a_hi -= 1
    if a_lo == a_hi:
        return
    cs = np.empty(na + 1)
    cs[0] = 0.0
    for i in range(na):
        cs[i + 1] = cs[i] + a[i]
    # mass mapped below / above the output grid goes to its edge bins
    for j in range(nb):
        bj = b[j]
        if bj == 0.0:
            continue
        k0 = j + shift
        i_lo = min(max(a_lo, -k0), a_hi)
        i_hi = max(min(a_hi, no - k0), i_lo)
        out[0] += cs[i_lo] * bj
        out[no - 1] += (cs[na] - cs[i_hi]) * bj
    # in-range part: out[k] = sum_j b[j] a[k - j - shift] over a zero-padded copy of a
    pad = np.zeros(a_hi - a_lo + 2 * nb)
    for i in range(a_lo, a_hi):
        pad[nb + i - a_lo] = a[i]
    offs = np.empty(nb, dtype=np.int64)
    for j in range(nb):
        offs[j] = j + shift + a_lo - nb  # pad index = k - offs[j]
    k_lo = max(a_lo + shift, 0)
    k_hi = min(a_hi - 1 + shift + nb - 1, no - 1)
    if k_lo > k_hi:
        return
    tmp = np.empty(k_hi + 1)
    _gather(pad, offs, b, nb, k_lo, k_hi, tmp)
    for k in range(k_lo, k_hi + 1):
        out[k] += tmp[k]


@kernel
def gaussian_pmf(mean_v, sigma_v, v0, dv, out):
    """Gaussian ``N(mean, sigma^2)`` integrated over each bin (edge bins take the tails).

    ``sigma_v == 0`` gives a delta at ``mean_v`` (linearly split).
    """
    n = out.shape[0]
    for i in range(n):
        out[i] = 0.0
    if sigma_v <= 0.0:
        add_delta(out, mean_v, 1.0, v0, dv)
        return
    r = 1.0 / (sigma_v * math.sqrt(2.0))
    prev = 0.0  # CDF at the lower edge of bin 0 is taken as 0 (tail clamped in)
    for i in range(n - 1):
        edge = v0 + (i + 0.5) * dv
        c = 0.5 * math.erfc(-(edge - mean_v) * r)
        out[i] = c - prev
        prev = c
    out[n - 1] = 1.0 - prev


@kernel
def dual_dirac_pmf(a_dd_v, v0, dv, out):
    """Dual-Dirac PMF: mass 1/2 at ``-a_dd_v`` and at ``+a_dd_v`` (linearly split)."""
    for i in range(out.shape[0]):
        out[i] = 0.0
    add_delta(out, -a_dd_v, 0.5, v0, dv)
    add_delta(out, a_dd_v, 0.5, v0, dv)


@kernel
def mix_pmf(a, b, weight_a, out):
    """Mixture ``weight_a * a + (1 - weight_a) * b`` (dual-Dirac jitter: two phases, 1/2 each)."""
    for i in range(out.shape[0]):
        out[i] = weight_a * a[i] + (1.0 - weight_a) * b[i]


@kernel
def prob_below(pmf, v0, dv, v):
    """``P(X < v)`` with each bin's mass uniform over its width."""
    n = pmf.shape[0]
    x = (v - v0) / dv + 0.5  # position in bin-edge units
    if x <= 0.0:
        return 0.0
    c = 0.0
    full = math.floor(x)
    if full >= n:
        for i in range(n):
            c += pmf[i]
        return c
    for i in range(full):
        c += pmf[i]
    return c + pmf[full] * (x - full)


@kernel
def quantile_below(pmf, v0, dv, p):
    """Smallest ``v`` with ``P(X < v) = p`` (lower tail), uniform-in-bin interpolation."""
    n = pmf.shape[0]
    c = 0.0
    for i in range(n):
        q = pmf[i]
        if q > 0.0 and c + q >= p:
            return v0 + (i - 0.5) * dv + dv * (p - c) / q
        c += q
    return v0 + (n - 0.5) * dv


@kernel
def quantile_above(pmf, v0, dv, p):
    """Largest ``v`` with ``P(X > v) = p`` (upper tail), uniform-in-bin interpolation."""
    n = pmf.shape[0]
    c = 0.0
    for i in range(n - 1, -1, -1):
        q = pmf[i]
        if q > 0.0 and c + q >= p:
            return v0 + (i + 0.5) * dv - dv * (p - c) / q
        c += q
    return v0 - 0.5 * dv
