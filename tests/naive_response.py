"""Slow, obvious references for the time-domain responses and equalisers (NumPy loops only)."""

from __future__ import annotations

import itertools

import numpy as np


def impulse_by_trig_sum(h: np.ndarray, f: np.ndarray, t: np.ndarray) -> np.ndarray:
    """h(t) = sum_k w_k 2 df Re(H_k exp(j 2 pi f_k t)), w_0 = 1/2, w_k = 1: the inverse
    Fourier integral by the rectangle rule over [0, f_max] (H = 0 above), evaluated
    directly at each time (no FFT)."""
    df = f[1] - f[0]
    out = np.empty(t.size)
    w = np.ones(f.size)
    w[0] = 0.5
    for i, ti in enumerate(t):
        out[i] = 2.0 * df * np.sum(w * np.real(h * np.exp(2j * np.pi * f * ti)))
    return out


def pulse_by_convolution(h_imp: np.ndarray, dt: float, samples_per_ui: int) -> np.ndarray:
    """p[n] = integral of h over [t_n - T, t_n] by the trapezoid rule, one output at a time:
    the direct convolution of the impulse response with a rectangle of width T."""
    m = samples_per_ui
    out = np.zeros(h_imp.size)
    for n in range(h_imp.size):
        acc = 0.0
        for j in range(m + 1):
            k = n - j
            if 0 <= k < h_imp.size:
                w = 0.5 if j in (0, m) else 1.0
                acc += w * h_imp[k]
        out[n] = acc * dt
    return out


def ffe_h_loop(f: np.ndarray, taps: np.ndarray, baud: float, n_pre: int) -> np.ndarray:
    """93A-21 term by term."""
    out = np.zeros(f.size, dtype=complex)
    for j, c in enumerate(taps):
        out += c * np.exp(-2j * np.pi * (j - n_pre) * f / baud)
    return out


def apply_ffe_loop(v: np.ndarray, taps: np.ndarray, n_pre: int, m: int) -> np.ndarray:
    """sum_i c_i v(t - iT) sample by sample on the extended record."""
    n_out = v.size + (len(taps) - 1) * m
    out = np.zeros(n_out)
    for n in range(n_out):
        for j, c in enumerate(taps):
            k = n - j * m
            if 0 <= k < v.size:
                out[n] += c * v[k]
    return out


def mse_of_ffe(w, h, i0, n_pre, n_dfe, b_min, b_max, sx2, acf, xts=(), tx_rel=0.0):
    """MSE of RX FFE ``w`` (scaled so that the equalised main cursor is 1), term by term:
    residual ISI (DFE taps = equalised post-cursors clipped to their limits), noise
    w' R w from the autocorrelation, crosstalk and TX noise.  Returns (mse, scaled w)."""
    w = np.asarray(w, dtype=float)
    heq = np.convolve(w, h)
    m0 = i0 + n_pre
    w = w / heq[m0]
    heq = heq / heq[m0]
    mse = 0.0
    for k in range(heq.size):
        if k == m0:
            continue
        if m0 < k <= m0 + n_dfe:
            j = k - m0 - 1
            b = min(max(heq[k], b_min[j]), b_max[j])
            mse += sx2 * (heq[k] - b) ** 2
        else:
            mse += sx2 * heq[k] ** 2
    for i in range(w.size):
        for j in range(w.size):
            lag = abs(i - j)
            if lag < len(acf):
                mse += w[i] * w[j] * acf[lag]
    for x in xts:
        mse += sx2 * float(np.sum(np.convolve(w, x) ** 2))
    mse += tx_rel * sx2 * float(np.sum(np.convolve(w, h) ** 2))
    return mse, w


def mmse_nullspace(h, i0, n_pre, n_post, n_dfe, sx2, acf):
    """Unit-main-cursor MMSE FFE (DFE unlimited) by eliminating the constraint: w = w_p + N z,
    then ordinary least squares on the stacked error matrix [sqrt(sx2) A_isi; chol(R)]."""
    n_w = n_pre + 1 + n_post
    n_rows = h.size + n_w - 1
    a = np.zeros((n_rows, n_w))
    for i in range(n_w):
        a[i:i + h.size, i] = h
    m0 = i0 + n_pre
    c = a[m0]
    keep = [k for k in range(n_rows) if k != m0 and not (m0 < k <= m0 + n_dfe)]
    r = np.array([[acf[abs(i - j)] if abs(i - j) < len(acf) else 0.0 for j in range(n_w)]
                  for i in range(n_w)])
    big = np.vstack([np.sqrt(sx2) * a[keep], np.linalg.cholesky(r).T])
    w_p = c / (c @ c)
    _, _, vt = np.linalg.svd(c[None, :])
    null = vt[1:].T
    z, *_ = np.linalg.lstsq(big @ null, -(big @ w_p), rcond=None)
    w = w_p + null @ z
    e = big @ w
    return w, float(e @ e)


def exhaustive_min(fun, grids):
    """Minimum of fun over the Cartesian product of the grids: (argmin tuple, value)."""
    best, arg = np.inf, None
    for p in itertools.product(*grids):
        v = fun(np.array(p))
        if v < best:
            best, arg = v, p
    return arg, best


def on_fft_grid_numpy(h: np.ndarray, f: np.ndarray, df_out: float) -> np.ndarray:
    """``h`` (rows on the uniform grid ``f``) at ``k df_out`` up to ``f[-1]``: magnitude and
    ``numpy.unwrap``-ed phase interpolated with ``numpy.interp``, row by row."""
    fk = np.arange(int(np.floor(f[-1] / df_out * (1 + 1e-12))) + 1) * df_out
    fk = fk[fk <= f[-1]]
    h2 = np.atleast_2d(h)
    out = np.empty((h2.shape[0], fk.size), dtype=np.complex128)
    for i, row in enumerate(h2):
        ph = np.unwrap(np.angle(row))
        out[i] = np.interp(fk, f, np.abs(row)) * np.exp(1j * np.interp(fk, f, ph))
    return out
