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


@kernel
def shape_spectrum(h, df, t_ui, kind, out):
    """Multiply ``h`` (one-sided, bin k at k*df) by the spectrum of the excitation.

    ``kind == KIND_PULSE``: rectangular symbol of width ``t_ui`` starting at t = 0,
    ``T sinc(f T) exp(-j pi f T)`` (IEEE 802.3 eq. 93A-24, delayed by T/2 so that the
    rectangle spans [0, T)).  ``kind == KIND_IMPULSE``: multiply by 1.
    """
    n = h.size
    for k in range(n):
        if kind == KIND_PULSE:
            x = k * df * t_ui
            if x == 0.0:
                s = 1.0
            else:
                s = math.sin(math.pi * x) / (math.pi * x)
            ph = -math.pi * x
            out[k] = h[k] * (t_ui * s) * complex(math.cos(ph), math.sin(ph))
        else:
            out[k] = h[k]


@kernel
def spectrum_to_time(h, df, t_ui, kind, n_time, n_neg, out):
    """One transfer function -> real time record of ``n_time`` samples at dt = 1/(n_time df).

    The record is rotated so that ``out[0]`` is the sample at t = -n_neg * dt
    (negative times, which a circular IFFT puts at the end, come first).
    Scale: ``irfft * n_time * df`` so that ``out`` samples the continuous
    inverse Fourier transform (1/s for an impulse response, V/V for a pulse).
    """
    x = np.empty(h.size, dtype=np.complex128)
    shape_spectrum(h, df, t_ui, kind, x)
    y = np.fft.irfft(x, n_time)
    scale = n_time * df
    for i in range(n_time):
        j = i - n_neg
        if j < 0:
            j += n_time
        out[i] = y[j] * scale


@parallel_kernel
def batch_spectrum_to_time(h, df, t_ui, kind, n_time, n_neg, out):
    """:func:`spectrum_to_time` for every row of ``h`` (n_batch, n_pos) -> out (n_batch, n_time)."""
    for b in prange(h.shape[0]):
        spectrum_to_time(h[b], df, t_ui, kind, n_time, n_neg, out[b])


__all__ = ["KIND_IMPULSE", "KIND_PULSE", "batch_spectrum_to_time", "shape_spectrum",
           "spectrum_to_time"]
