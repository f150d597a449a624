"""Feed-forward equalisers: TX FFE taps from the sum constraint, and FFEs applied to pulses.

A symbol-spaced FFE with taps ``c(i)``, ``i = -n_pre ... n_post``, has the transfer
function of IEEE 802.3 eq. (93A-21), ``H(f) = sum_i c(i) exp(-j 2 pi i f T)``; applied to
a pulse response sampled at ``M`` samples per UI it is exactly

    p_ffe(t) = sum_i c(i) p(t - i T),

a sum of copies shifted by whole UIs (``i M`` samples), computed here in the time
domain.  The transmitter's FFE obeys the peak-power (sum) constraint of 802.3
(e.g. 163.9.2 / 93A Table "TX FFE"): ``c(0) = 1 - sum_{k != 0} |c(k)|``.
The same operation on a cursor vector is the receiver FFE (:func:`rx_ffe_cursors`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import SIKernelError
from .filters import _ffe_taps


def tx_ffe_taps(pre: ArrayLike = (), post: ArrayLike = ()) -> tuple[np.ndarray, int]:
    """Full TX FFE tap vector from the pre- and post-cursor taps and the sum constraint.

    Parameters
    ----------
    pre : array_like
        Pre-cursor taps in time order, e.g. ``(c(-3), c(-2), c(-1))``.
    post : array_like
        Post-cursor taps in time order, ``(c(1), c(2), ...)``.

    Returns
    -------
    taps : ndarray, shape (len(pre) + 1 + len(post),)
        ``[*pre, c(0), *post]`` with ``c(0) = 1 - sum |c(k)|`` (IEEE 802.3 93A, 163.9.2).
    n_pre : int
        Index of the main cursor.

    Raises
    ------
    SIKernelError
        non-finite taps or ``sum |c(k)| > 1`` (negative main cursor).
    """
    p = np.atleast_1d(np.asarray(pre, dtype=float))
    q = np.atleast_1d(np.asarray(post, dtype=float))
    if p.ndim != 1 or q.ndim != 1:
        raise SIKernelError(f"pre and post must be 1-D tap lists; got shapes {p.shape}, {q.shape}")
    if not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
        raise SIKernelError(f"FFE taps must be finite; got pre={pre!r}, post={post!r}")
    s = float(np.abs(p).sum() + np.abs(q).sum())
    if s > 1.0:
        raise SIKernelError(f"sum of |pre/post taps| = {s:g} > 1 leaves a negative main cursor "
                            "c(0) = 1 - sum|c(k)|")
    return np.concatenate([p, [1.0 - s], q]), int(p.size)


def apply_ffe(t_s: ArrayLike, v: ArrayLike, taps: ArrayLike, n_pre: int,
              samples_per_ui: int) -> tuple[np.ndarray, np.ndarray]:
    """Apply a symbol-spaced FFE to a sampled response: ``sum_i c(i) v(t - i T)``.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Uniform sample times in s.
    v : array_like, shape (..., n)
        Response(s) (a leading batch axis is allowed).
    taps : array_like, shape (n_taps,)
        Taps in time order, main cursor at index ``n_pre``.
    n_pre : int
        Number of pre-cursor taps.
    samples_per_ui : int
        Samples per UI of ``v`` (tap spacing in samples).

    Returns
    -------
    t_out : ndarray, shape (n + (n_taps - 1) * samples_per_ui,)
        Times, starting ``n_pre`` UI before ``t_s[0]``.
    v_out : ndarray, shape (..., len(t_out))
        The equalised response (exact: the delays are whole numbers of samples).
    """
    c, n_pre = _ffe_taps(taps, n_pre)
    if isinstance(samples_per_ui, bool) or not isinstance(samples_per_ui, int | np.integer) \
            or samples_per_ui < 1:
        raise SIKernelError(f"samples_per_ui={samples_per_ui!r} must be an integer >= 1")
    m = int(samples_per_ui)
    t = np.asarray(t_s, dtype=float)
    x = np.asarray(v, dtype=float)
    if t.ndim != 1 or x.shape[-1] != t.size or t.size < 2:
        raise SIKernelError(f"t_s shape {t.shape} and v shape {x.shape} do not match "
                            "(expected t_s (n,), v (..., n), n >= 2)")
    n = t.size
    n_out = n + (c.size - 1) * m
    out = np.zeros((*x.shape[:-1], n_out))
    for j, cj in enumerate(c):
        # tap j has delay (j - n_pre) UI; output index 0 is at t_s[0] - n_pre UI
        out[..., j * m: j * m + n] += cj * x
    dt = t[1] - t[0]
    t_out = t[0] - n_pre * m * dt + np.arange(n_out) * dt
    return t_out, out


def rx_ffe_cursors(cursors: ArrayLike, taps: ArrayLike, n_pre: int) -> np.ndarray:
    """Symbol-spaced cursors after a receiver FFE: the full convolution ``taps * cursors``.

    The output index ``n`` has delay ``n - n_pre`` UI relative to the input's index 0,
    so an input main cursor at index ``i0`` lands at ``i0 + n_pre`` in the output.

    Parameters
    ----------
    cursors : array_like, shape (n,)
        Symbol-spaced samples of a pulse response, one per UI.
    taps : array_like, shape (n_taps,)
        FFE taps in time order, main cursor at index ``n_pre``.
    n_pre : int
        Number of pre-cursor taps.

    Returns
    -------
    ndarray, shape (n + n_taps - 1,)
        Equalised cursors, in the unit of ``cursors``.
    """
    c, _ = _ffe_taps(taps, n_pre)
    h = np.asarray(cursors, dtype=float)
    if h.ndim != 1 or h.size == 0:
        raise SIKernelError(f"cursors must be a non-empty 1-D array; got shape {h.shape}")
    return np.convolve(c, h)


__all__ = ["apply_ffe", "rx_ffe_cursors", "tx_ffe_taps"]
