"""Frequency responses of the transmitter, receiver and equaliser filters of IEEE 802.3 COM.

Every function takes frequencies in Hz (any shape; a 1-D grid is usual) and returns
the complex voltage transfer function on them.  The forms are those of IEEE Std
802.3-2022 Annex 93A (COM) and IEEE P802.3dj Annex 178A; the equation number is
given in each docstring.  They are closed forms evaluated once per setting, so they
are vectorised NumPy; the batched form :func:`ctle_responses` evaluates a whole
CTLE grid ``(n_settings, n_freq)`` in one call (the COM grid search needs it).

Conventions: ``exp(+j 2 pi f t)`` time dependence (a delay ``tau`` is
``exp(-j 2 pi f tau)``), as in 93A.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike  # at run time: typing.get_type_hints resolves it (0.5 ms)

from .. import _validate
from ..errors import SIKernelError

#: 20-80 % rise time of a Gaussian filter = 1.6832 x its sigma-related constant (93A-46)
_RISE_TIME_CONST = 1.6832
#: 4th-order Butterworth denominator coefficients, exact: 2(cos(pi/8) + cos(3 pi/8)) and
#: 2 + 4 cos(pi/8) cos(3 pi/8) = 2 + sqrt(2).  93A-20 prints them rounded (2.613126, 3.414214).
_BW4_A1 = 2.0 * (math.cos(math.pi / 8) + math.cos(3 * math.pi / 8))
_BW4_A2 = 2.0 + math.sqrt(2.0)


def _freqs(f_hz: ArrayLike) -> np.ndarray:
    f = np.asarray(f_hz, dtype=float)
    if f.size == 0:
        raise SIKernelError("f_hz is empty; expected one or more frequencies in Hz")
    if not np.all(np.isfinite(f)):
        raise SIKernelError("f_hz contains non-finite values; expected finite frequencies in Hz")
    if np.any(f < 0):
        raise SIKernelError(f"f_hz contains a negative frequency ({f.min()!r} Hz); expected >= 0 Hz")
    return f


def db_to_gain(g_db: ArrayLike) -> np.ndarray | float:
    """Voltage gain ``10**(g_db/20)`` of a level in dB.

    Parameters
    ----------
    g_db : array_like
        Gain(s) in dB.

    Returns
    -------
    ndarray or float
        Linear voltage gain(s), same shape as ``g_db``.
    """
    return np.power(10.0, np.asarray(g_db, dtype=float) / 20.0)


def tx_rise_time_filter(f_hz: ArrayLike, t_r_s: float) -> np.ndarray:
    """Gaussian transmitter rise-time filter, IEEE 802.3 eq. (93A-46).

    ``H_t(f) = exp(-2 (pi f T_r / 1.6832)**2)``, with ``T_r`` the 20-80 % rise time.
    The filter is real (zero phase), so its impulse response is symmetric about t = 0.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz (>= 0).
    t_r_s : float
        20-80 % transition time in seconds (>= 0; 0 gives H = 1).

    Returns
    -------
    ndarray
        ``H_t(f)`` as complex128, same shape as ``f_hz``.
    """
    f = _freqs(f_hz)
    t_r = _validate.non_negative("t_r_s", t_r_s)
    return np.exp(-2.0 * (np.pi * f * t_r / _RISE_TIME_CONST) ** 2).astype(np.complex128)


def rx_afe_filter(f_hz: ArrayLike, f_r_hz: float) -> np.ndarray:
    """Receiver noise/AFE filter: 4th-order Butterworth, IEEE 802.3 eq. (93A-20).

    ``H_r(f) = 1 / (1 - 3.414214 x**2 + x**4 + j 2.613126 (x - x**3))``, ``x = f / f_r``.
    In COM ``f_r`` is given as a fraction of the signalling rate: pass
    ``f_r_hz = f_r * f_b`` (e.g. 0.75 x 53.125e9 Hz for 802.3ck).  ``|H_r(f_r)| = 1/sqrt(2)``.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    f_r_hz : float
        -3 dB frequency in Hz (> 0).

    Returns
    -------
    ndarray
        ``H_r(f)``, complex128, same shape as ``f_hz``.
    """
    f = _freqs(f_hz)
    fr = _validate.positive("f_r_hz", f_r_hz)
    x = f / fr
    x2 = x * x
    return 1.0 / ((1.0 - _BW4_A2 * x2 + x2 * x2) + 1j * _BW4_A1 * (x - x2 * x))


def ctle_responses(f_hz: ArrayLike, gdc_db: ArrayLike, fz_hz: float, fp1_hz: float,
                   fp2_hz: float, gdc2_db: ArrayLike = 0.0,
                   f_lf_hz: float | None = None) -> np.ndarray:
    """CTLE transfer functions for many gain settings at once (93A-22 / 178A-14).

    ``gdc_db`` and ``gdc2_db`` broadcast against each other (pairs of settings; use
    :func:`numpy.meshgrid` for a full grid); the result has shape
    ``broadcast(gdc_db, gdc2_db).shape + f.shape``.  See :func:`ctle_response` for the formula.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    gdc_db : array_like
        DC gain(s) of the first stage in dB.
    fz_hz, fp1_hz, fp2_hz : float
        Zero and the two poles of the first stage in Hz (> 0).
    gdc2_db : array_like
        DC gain(s) of the low-frequency stage in dB (non-zero needs ``f_lf_hz``).
    f_lf_hz : float or None
        Pole/zero frequency of the low-frequency stage in Hz; ``None`` omits that stage.

    Returns
    -------
    ndarray
        complex128, shape ``(*settings_shape, *f.shape)`` (e.g. ``(n_settings, n_freq)``).
    """
    f = _freqs(f_hz)
    fz = _validate.positive("fz_hz", fz_hz)
    fp1 = _validate.positive("fp1_hz", fp1_hz)
    fp2 = _validate.positive("fp2_hz", fp2_hz)
    g1_db = np.asarray(gdc_db, dtype=float)
    g2_db = np.asarray(gdc2_db, dtype=float)
    if not (np.all(np.isfinite(g1_db)) and np.all(np.isfinite(g2_db))):
        raise SIKernelError(f"CTLE gains must be finite dB values; got gdc_db={gdc_db!r}, "
                            f"gdc2_db={gdc2_db!r}")
    try:
        g1_db, g2_db = np.broadcast_arrays(g1_db, g2_db)
    except ValueError:
        raise SIKernelError(f"gdc_db shape {g1_db.shape} and gdc2_db shape {g2_db.shape} do not "
                            "broadcast; give equal-length arrays of (gdc, gdc2) pairs") from None
    g1 = db_to_gain(g1_db)[..., None]
    g2 = db_to_gain(g2_db)[..., None]
    ff = f.reshape(-1)
    jf = 1j * ff
    first = (g1 + jf / fz) / ((1.0 + jf / fp1) * (1.0 + jf / fp2))
    if f_lf_hz is None:
        if np.any(g2_db != 0.0):
            raise SIKernelError(f"gdc2_db={gdc2_db!r} needs the low-frequency pole/zero f_lf_hz "
                                "(178A-14); give f_lf_hz or leave gdc2_db at 0 dB (93A-22)")
        out = np.broadcast_to(first, (*g1_db.shape, ff.size)).astype(np.complex128)
    else:
        flf = _validate.positive("f_lf_hz", f_lf_hz)
        out = first * ((g2 + jf / flf) / (1.0 + jf / flf))
    return out.reshape(*g1_db.shape, *f.shape)


def ctle_response(f_hz: ArrayLike, gdc_db: float, fz_hz: float, fp1_hz: float, fp2_hz: float,
                  gdc2_db: float = 0.0, f_lf_hz: float | None = None) -> np.ndarray:
    """Continuous-time linear equaliser of IEEE 802.3 COM, eq. (93A-22) and (178A-14).

    With ``g = 10**(gdc_db/20)`` and ``g2 = 10**(gdc2_db/20)``::

        H(f) = (g + j f/f_z) / ((1 + j f/f_p1)(1 + j f/f_p2))
               * (g2 + j f/f_LF) / (1 + j f/f_LF)

    The first factor is 93A-22 (IEEE Std 802.3-2022); the second, low-frequency
    stage was added for 802.3ck (Clause 162/163 COM) and is 178A-14 in P802.3dj.
    ``f_lf_hz=None`` omits the second stage (then ``gdc2_db`` must be 0).
    Limits: ``H(0) = g * g2``; ``H(f) -> f_p1 f_p2 / (j f f_z)`` for ``f >> f_p2``.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    gdc_db : float
        DC gain of the first stage in dB (<= 0 in the presets, e.g. -20...0).
    fz_hz, fp1_hz, fp2_hz : float
        Zero and the two poles of the first stage in Hz (> 0).
    gdc2_db : float
        DC gain of the low-frequency stage in dB.
    f_lf_hz : float or None
        Pole/zero frequency of the low-frequency stage in Hz.

    Returns
    -------
    ndarray
        ``H_ctle(f)``, complex128, same shape as ``f_hz``.
    """
    g1 = _validate.finite_scalar("gdc_db", gdc_db)
    g2 = _validate.finite_scalar("gdc2_db", gdc2_db)
    return ctle_responses(f_hz, g1, fz_hz, fp1_hz, fp2_hz, g2, f_lf_hz)


def ctle_from_poles_zeros(f_hz: ArrayLike, zeros_hz: ArrayLike, poles_hz: ArrayLike,
                          dc_gain_db: float = 0.0) -> np.ndarray:
    """A CTLE (or any minimum-phase filter) from real left-half-plane zeros and poles.

    ``H(f) = 10**(dc_gain_db/20) * prod_i (1 + j f/z_i) / prod_k (1 + j f/p_k)``,
    i.e. zeros at ``s = -2 pi z_i`` and poles at ``s = -2 pi p_k``, normalised to the
    DC gain (the standard description of a peaking CTLE, e.g. B. Razavi, "The
    design of a CTLE", IEEE Solid-State Circuits Magazine 13(4), 2021).
    93A-22 is the special case ``zeros = (g f_z,)``, ``poles = (f_p1, f_p2)``,
    ``dc_gain = g`` (``(g + jf/f_z) = g (1 + jf/(g f_z))``).

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    zeros_hz, poles_hz : array_like
        Zero and pole frequencies in Hz (each > 0; either may be empty).
    dc_gain_db : float
        Gain at 0 Hz in dB.

    Returns
    -------
    ndarray
        complex128, same shape as ``f_hz``.
    """
    f = _freqs(f_hz)
    out = np.full(f.shape, db_to_gain(_validate.finite_scalar("dc_gain_db", dc_gain_db)),
                  dtype=np.complex128)
    for label, values, sign in (("zeros_hz", zeros_hz, 1), ("poles_hz", poles_hz, -1)):
        arr = np.atleast_1d(np.asarray(values, dtype=float))
        if arr.ndim != 1:
            raise SIKernelError(f"{label} must be a 1-D list of frequencies in Hz; "
                                f"got shape {arr.shape}")
        if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr <= 0)):
            raise SIKernelError(f"{label}={values!r}: every pole/zero frequency must be finite "
                                "and > 0 Hz (left-half-plane, real)")
        for p in arr:
            term = 1.0 + 1j * f / p
            out = out * term if sign > 0 else out / term
    return out


def _ffe_taps(taps: ArrayLike, n_pre: int) -> tuple[np.ndarray, int]:
    c = np.asarray(taps, dtype=float)
    if c.ndim != 1 or c.size == 0:
        raise SIKernelError(f"FFE taps must be a non-empty 1-D sequence (main cursor included); "
                            f"got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise SIKernelError(f"FFE taps {taps!r} contain non-finite values")
    if isinstance(n_pre, bool) or not isinstance(n_pre, int | np.integer) \
            or not 0 <= n_pre < c.size:
        raise SIKernelError(f"n_pre={n_pre!r} must be an integer in [0, {c.size - 1}] "
                            f"(the index of the main cursor among {c.size} taps)")
    return c, int(n_pre)


def ffe_response(f_hz: ArrayLike, taps: ArrayLike, baud: float, n_pre: int) -> np.ndarray:
    """Transfer function of a symbol-spaced FFE, IEEE 802.3 eq. (93A-21).

    ``H_ffe(f) = sum_{i=-n_pre}^{n_post} c(i) exp(-j 2 pi i f / f_b)``: the main cursor
    ``c(0) = taps[n_pre]`` has zero delay, pre-cursor taps are advances.  ``H(0) = sum c``.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    taps : array_like, shape (n_taps,)
        All tap weights in time order, main cursor included (see
        :func:`sikernel.eq.ffe.tx_ffe_taps` to build them from the sum constraint).
    baud : float
        Symbol rate f_b in Bd (tap spacing T = 1/f_b).
    n_pre : int
        Number of pre-cursor taps (index of the main cursor in ``taps``).

    Returns
    -------
    ndarray
        complex128, same shape as ``f_hz``.
    """
    f = _freqs(f_hz)
    fb = _validate.positive("baud", baud)
    c, n_pre = _ffe_taps(taps, n_pre)
    delays = np.arange(c.size) - n_pre
    ph = np.exp(-2j * np.pi * np.multiply.outer(f / fb, delays))
    return ph @ c


__all__ = [
    "ctle_from_poles_zeros",
    "ctle_response",
    "ctle_responses",
    "db_to_gain",
    "ffe_response",
    "rx_afe_filter",
    "tx_rise_time_filter",
]
