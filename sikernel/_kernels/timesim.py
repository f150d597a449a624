"""Bit-by-bit (symbol-by-symbol) link simulation kernels.

The received signal is linear in the symbols, ``y(t) = sum_i a_i p(t - iT)``, so
the sample of symbol ``n`` at a sampling instant offset by ``delta_n`` is an inner
product of the symbol history with the pulse sampled every UI at that offset.
Rows of ``tab`` hold those UI-spaced pulse samples (reversed, so the product runs
over contiguous memory) for consecutive sample offsets; a jittered instant between
two rows is linearly interpolated (the same linear interpolation of the pulse as
:func:`sikernel.eye._input.cursors_at`).  Then a symbol-spaced RX FFE, the slicer
noise, and a DFE whose feedback uses the *decided* symbols (error propagation) or,
optionally, the transmitted ones.

Random numbers come from Numba's per-thread legacy ``np.random`` stream, seeded at
the start of each kernel call (the kernels are serial, so results are reproducible).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import kernel


@kernel
def _popcount(x):
    c = 0
    while x:
        c += x & 1
        x >>= 1
    return c


@kernel
def run_link(x, sym, tab, pre, row0, rj_samples, dd_samples, max_dev, ffe, ffe_pre, dfe, feedback_true,
             levels, thresholds, sigma_v, seed, n_warm, bits_per_symbol, counts, err_thr):
    """Simulate the link; accumulate error counts.

    Parameters
    ----------
    x : (N,) float64
        Transmitted levels (V per unit pulse), symbol ``n`` at ``x[n]``.
    sym : (N,) int64
        Transmitted symbol indices (0 = lowest level).
    tab : (R, K) float64
        ``tab[r, j]`` = pulse sample of cursor ``k = K - 1 - pre - j`` (``-pre..post``)
        at row offset ``r``; the sample of symbol ``s`` at row ``r`` is
        ``sum_j x[s + pre - K + 1 + j] * tab[r, j]``.
    pre : int
        Number of pre-cursors in ``tab``.
    row0 : float
        Row position of the nominal sampling instant.
    rj_samples, dd_samples : float
        RJ rms and dual-Dirac amplitude, in samples.
    max_dev : float
        Sampling-instant deviations are clipped to +-max_dev samples.
    ffe : (W,) float64
        RX FFE taps (symbol-spaced), main at ``ffe_pre``.
    dfe : (D,) float64
        DFE taps, V.
    feedback_true : bool
        Feed back transmitted instead of decided symbols (no error propagation).
    levels : (L,) float64
        Symbol levels.
    thresholds : (L-1,) float64
        Slicer thresholds, V, increasing.
    sigma_v : float
        Gaussian noise at the slicer input, V rms.
    seed : int
        Seed of the kernel's random stream (noise and jitter).
    n_warm : int
        Symbols not counted at the start (incomplete history).
    bits_per_symbol : int
        Gray-coded bits per symbol (0: count symbol errors only).
    counts : (3,) int64
        Out: symbols counted, symbol errors, bit errors.
    err_thr : (L-1, 2) int64
        Out: errors across each threshold (upwards, downwards).
    """
    np.random.seed(seed)  # noqa: NPY002 (numba kernels support only the legacy API)
    n_sym = x.shape[0]
    k = tab.shape[1]
    n_rows = tab.shape[0]
    w = ffe.shape[0]
    d = dfe.shape[0]
    n_lev = levels.shape[0]
    ring = 1
    while ring < max(w, d + 1):
        ring *= 2
    mask = ring - 1
    yr = np.zeros(ring)
    decided = np.zeros(ring, dtype=np.int64)
    jitter = rj_samples > 0.0 or dd_samples > 0.0
    n_cnt = 0
    n_se = 0
    n_be = 0
    for n in range(k - 1, n_sym):
        # sample of symbol sn = n - pre (uses x[n-k+1 .. n])
        sn = n - pre
        base = n - k + 1
        if jitter:
            dev = 0.0
            if rj_samples > 0.0:
                dev += rj_samples * np.random.standard_normal()  # noqa: NPY002 (numba kernels support only the legacy API)
            if dd_samples > 0.0:
                dev += dd_samples if np.random.random() < 0.5 else -dd_samples  # noqa: NPY002 (numba kernels support only the legacy API)
            dev = min(max(dev, -max_dev), max_dev)
            pos = row0 + dev
        else:
            pos = row0
        r = math.floor(pos)
        f = pos - r
        if r >= n_rows - 1:
            r = n_rows - 2
            f = 1.0
        acc = 0.0
        for j in range(k):
            acc += x[base + j] * tab[r, j]
        if f > 0.0:
            acc2 = 0.0
            for j in range(k):
                acc2 += x[base + j] * tab[r + 1, j]
            acc = (1.0 - f) * acc + f * acc2
        yr[sn & mask] = acc
        # RX FFE output for symbol m = sn - ffe_pre
        m = sn - ffe_pre
        if m < 0:
            continue
        z = 0.0
        for i in range(w):
            z += ffe[i] * yr[(sn - i) & mask]
        if sigma_v > 0.0:
            z += sigma_v * np.random.standard_normal()  # noqa: NPY002 (numba kernels support only the legacy API)
        for i in range(d):
            q = m - 1 - i
            if feedback_true:
                z -= dfe[i] * x[q]
            else:
                z -= dfe[i] * levels[decided[q & mask]]
        dec = 0
        while dec < n_lev - 1 and z > thresholds[dec]:
            dec += 1
        decided[m & mask] = dec
        if m >= n_warm:
            n_cnt += 1
            s = sym[m]
            if dec != s:
                n_se += 1
                if bits_per_symbol > 0:
                    n_be += _popcount((dec ^ (dec >> 1)) ^ (s ^ (s >> 1)))
                if dec > s:
                    for t in range(s, dec):
                        err_thr[t, 0] += 1
                else:
                    for t in range(dec, s):
                        err_thr[t, 1] += 1
    counts[0] += n_cnt
    counts[1] += n_se
    counts[2] += n_be


@kernel
def eye_histogram(x, pulse, ref, m, dfe, v_lo, dv, sigma_v, seed, start, n_eye, hist):
    """2-UI folded eye diagram: histogram of the waveform after the DFE correction.

    For symbols ``n = start .. start+n_eye-1`` the waveform ``y(t) = sum_i x_i p(t - iT)``
    at the ``2 m`` sample instants from ``ref - m`` (one UI before the main-cursor
    instant) is reduced by the DFE feedback of the transmitted symbols,
    plus slicer noise, and binned into ``hist[time, voltage]`` (clamped).
    """
    np.random.seed(seed)  # noqa: NPY002 (numba kernels support only the legacy API)
    n_t = hist.shape[0]
    n_v = hist.shape[1]
    n_p = pulse.shape[0]
    d = dfe.shape[0]
    for n in range(start, start + n_eye):
        fb = 0.0
        for i in range(d):
            fb += dfe[i] * x[n - 1 - i]
        for s in range(n_t):
            t_idx = ref - m + s  # sample index relative to symbol n's launch
            acc = 0.0
            # symbols i with 0 <= t_idx + (n - i) m < n_p
            i_hi = n + (t_idx // m) if t_idx >= 0 else n - ((-t_idx + m - 1) // m)
            i_lo = n - (n_p - 1 - t_idx) // m
            for i in range(max(i_lo, 0), min(i_hi, x.shape[0] - 1) + 1):
                q = t_idx + (n - i) * m
                if 0 <= q < n_p:
                    acc += x[i] * pulse[q]
            acc -= fb
            if sigma_v > 0.0:
                acc += sigma_v * np.random.standard_normal()  # noqa: NPY002 (numba kernels support only the legacy API)
            b = math.floor((acc - v_lo) / dv)
            if b < 0:
                b = 0
            elif b >= n_v:
                b = n_v - 1
            hist[s, b] += 1
