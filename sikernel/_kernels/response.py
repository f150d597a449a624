"""Kernels for H(f) -> time-domain responses (impulse, step, pulse).

Arrays and scalars in, preallocated outputs; ``numpy.fft.irfft`` inside ``njit``
comes from rocket-fft.  One ``prange`` driver over the batch of transfer functions.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .._jit import kernel, parallel_kernel

# kind codes for shape_spectrum
KIND_IMPULSE = 0
KIND_PULSE = 1


# recompute the rotation exactly every this many bins (recurrence round-off stays < 1e-13)
_RESYNC = 256


@kernel
def shape_spectrum(h, n_valid, df, t_ui, kind, out):
    """``out[k] = h[k] * S(k df)`` for ``k < n_valid`` and 0 above (``out`` is one-sided).

    ``kind == KIND_PULSE``: ``S(f) = T sinc(f T) exp(-j pi f T)``, a rectangular symbol of
    width ``T = t_ui`` spanning [0, T) (IEEE 802.3 eq. 93A-24, delayed by T/2).  Since
    ``sin(pi x) = -Im(exp(-j pi x))`` one complex rotation per bin gives both factors.
    ``kind == KIND_IMPULSE``: ``S = 1``.
    """
    n = out.size
    if kind == KIND_PULSE:
        step = math.pi * df * t_ui
        rot = complex(math.cos(step), -math.sin(step))
        e = 1.0 + 0.0j
        for k in range(n_valid):
            if k % _RESYNC == 0:
                ph = step * k
                e = complex(math.cos(ph), -math.sin(ph))
            if k == 0:
                out[k] = h[k] * t_ui
            else:
                # T sinc(x) = T sin(pi x)/(pi x) = -Im(e) / (pi f)
                out[k] = h[k] * (-e.imag / (step * k) * t_ui) * e
            e = e * rot
    else:
        for k in range(n_valid):
            out[k] = h[k]
    for k in range(n_valid, n):
        out[k] = 0.0


@kernel
def spectrum_to_time(h, n_valid, df, t_ui, kind, n_time, first, out):
    """One transfer function -> real time samples at dt = 1/(n_time df).

    ``h[:n_valid]`` are the bins ``k df``; bins above are zero (zero-padding to fs/2).
    ``out[i]`` is the sample at time ``(first + i) * dt`` (``first`` may be negative:
    negative times, which a circular IFFT puts at the end of its record, are read
    from there); ``out.size <= n_time``.  Scale: ``irfft * n_time * df`` so that
    ``out`` samples the continuous inverse Fourier transform (1/s for an impulse
    response, V/V for a pulse).
    """
    x = np.empty(n_time // 2 + 1, dtype=np.complex128)
    shape_spectrum(h, n_valid, df, t_ui, kind, x)
    y = np.fft.irfft(x, n_time)
    scale = n_time * df
    j = first % n_time  # index of out[0] in the circular record; advanced without a modulo
    for i in range(out.size):
        out[i] = y[j] * scale
        j += 1
        if j == n_time:
            j = 0


@parallel_kernel
def batch_spectrum_to_time(h, n_valid, df, t_ui, kind, n_time, first, out):
    """:func:`spectrum_to_time` for every row of ``h`` (n_batch, n_freq) -> out (n_batch, n_out)."""
    for b in prange(h.shape[0]):
        spectrum_to_time(h[b], n_valid, df, t_ui, kind, n_time, first, out[b])


@kernel
def unwrap_phase(h, out):
    """Unwrapped phase (rad) of ``h``: ``numpy.unwrap(numpy.angle(h))``, same arithmetic.

    Steps are folded into [-pi, pi) with a +pi step kept as +pi, and corrections are
    applied only where the raw step is at least pi (``numpy.unwrap`` with the default
    ``discont = pi``), accumulated in order.
    """
    n = h.shape[0]
    prev = math.atan2(h[0].imag, h[0].real)
    out[0] = prev
    acc = 0.0
    for i in range(1, n):
        p = math.atan2(h[i].imag, h[i].real)
        dd = p - prev
        prev = p
        ddmod = (dd + math.pi) % (2.0 * math.pi) - math.pi
        if ddmod == -math.pi and dd > 0.0:
            ddmod = math.pi
        if abs(dd) >= math.pi:
            acc += ddmod - dd
        out[i] = p + acc


@kernel
def resample_row(h, f, df_out, out):
    """``h`` (on the uniform grid ``f``) at ``k df_out``, ``k < out.size``, by linear
    interpolation of magnitude and unwrapped phase (a delay is a linear phase), as
    :func:`sikernel.response.pulse_from_h` resamples a grid whose step is not the
    transform step (checked against NumPy ``unwrap``/``interp`` in the tests)."""
    n = h.shape[0]
    mag = np.empty(n)
    for i in range(n):
        mag[i] = abs(h[i])
    ph = np.empty(n)
    unwrap_phase(h, ph)
    fk = np.arange(out.shape[0]) * df_out
    mi = np.interp(fk, f, mag)
    pi_ = np.interp(fk, f, ph)
    for k in range(out.shape[0]):
        out[k] = mi[k] * np.exp(1j * pi_[k])


@kernel
def energy_window(v, n_before, tol, res):
    """Energy figures of a record in one pass each way.

    ``res[0]``: total energy ``sum v**2``; ``res[1]``: energy of ``v[:n_before]``;
    ``res[2]``, ``res[3]``: the window ``[a, b)`` outside which at most ``tol/2`` of the
    energy lies on each side (a = first index where the running energy exceeds it).
    """
    n = v.size
    total = 0.0
    before = 0.0
    for i in range(n):
        e = v[i] * v[i]
        total += e
        if i < n_before:
            before += e
    res[0] = total
    res[1] = before
    lim = 0.5 * tol * total
    acc = 0.0
    a = 0
    for i in range(n):
        acc += v[i] * v[i]
        if acc > lim:
            a = i
            break
    acc = 0.0
    b = n
    for i in range(n - 1, -1, -1):
        acc += v[i] * v[i]
        if acc > lim:
            b = i + 1
            break
    res[2] = a
    res[3] = b


__all__ = ["KIND_IMPULSE", "KIND_PULSE", "batch_spectrum_to_time", "energy_window", "resample_row",
           "shape_spectrum", "spectrum_to_time", "unwrap_phase"]
