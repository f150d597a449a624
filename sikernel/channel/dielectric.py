"""Dielectric permittivity models: causal Djordjevic–Sarkar and constant (non-causal).

Convention: the complex relative permittivity is ``eps_r = eps' - j eps''`` with
``eps'' >= 0`` (i.e. ``eps_r = Dk (1 - j Df)``), the engineering ``exp(+j w t)``
convention used by scikit-rf and IEEE 802.3.  The shunt admittance of a line is
then ``G + j w C = j w C0 eps_r`` with ``C0`` the vacuum capacitance per metre.

Models
------
:class:`DjordjevicSarkar`
    Wideband Debye model of A. R. Djordjevic, R. M. Biljic, V. D. Likar-Smiljanic
    and T. K. Sarkar, "Wideband frequency-domain characterization of FR-4 and
    time-domain causality", IEEE Trans. EMC 43(4), pp. 662-667, 2001 (their eq. 5)::

        eps_r(f) = eps_inf + a * log10((f2 + j f) / (f1 + j f))

    with ``f1 = 10**m1`` and ``f2 = 10**m2`` Hz.  It is a continuous sum of Debye
    poles between f1 and f2, so it satisfies the Kramers–Kronig relations (causal)
    and its Dk decreases slowly with frequency while Df is nearly flat in between.
    :func:`fit_djordjevic_sarkar` fits (eps_inf, a) to one datasheet point
    (physics.md §1); Dk and Df may be quoted at different frequencies.
:class:`ConstantDielectric`
    Frequency-independent Dk and Df.  **Not causal**: a constant loss tangent has
    no Kramers–Kronig-consistent real part; a line built on it has a slightly
    wrong (non-causal) phase and its impulse response leaks before t = 0.  Offered
    for comparison with hand calculations such as the 2.31 f sqrt(Dk) Df dB/inch
    rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate
from ..errors import SIKernelError

#: Default corner frequencies of the Djordjevic–Sarkar model, Hz (m1 = 3, m2 = 12;
#: physics.md §1 quotes m1 = 3…4, m2 = 12, the values used by common field solvers).
DS_F1_HZ = 1e3
DS_F2_HZ = 1e12


def _freq(f: object) -> np.ndarray:
    arr = np.asarray(f, dtype=float)
    if arr.size == 0:
        raise SIKernelError("f is empty; expected one or more frequencies in Hz")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise SIKernelError(f"f={f!r} must hold finite frequencies >= 0 Hz")
    return arr


def _log_term(f: np.ndarray, f1: float, f2: float) -> np.ndarray:
    """``log10((f2 + j f)/(f1 + j f))``; its imaginary part is negative (eps' - j eps'')."""
    return np.log10((f2 + 1j * f) / (f1 + 1j * f))


@dataclass(frozen=True)
class DjordjevicSarkar:
    """Causal wideband-Debye permittivity (Djordjevic et al., IEEE Trans. EMC 43(4), 2001, eq. 5).

    Parameters
    ----------
    eps_inf : float
        High-frequency permittivity.
    a : float
        Strength of the log term (a > 0 for a lossy dielectric).
    f1_hz, f2_hz : float
        Lower and upper corner frequencies (f1 < f2).
    """

    eps_inf: float
    a: float
    f1_hz: float = DS_F1_HZ
    f2_hz: float = DS_F2_HZ

    causal = True

    def eps_r(self, f: object) -> np.ndarray:
        """Complex relative permittivity ``eps' - j eps''`` at frequencies ``f`` (Hz)."""
        fa = _freq(f)
        return self.eps_inf + self.a * _log_term(fa, self.f1_hz, self.f2_hz)

    def dk_df(self, f: object) -> tuple[np.ndarray, np.ndarray]:
        """Dielectric constant ``eps'`` and loss tangent ``eps''/eps'`` at ``f`` (Hz)."""
        e = self.eps_r(f)
        return e.real, -e.imag / e.real


@dataclass(frozen=True)
class ConstantDielectric:
    """Frequency-independent ``Dk (1 - j Df)``; **non-causal** (see module docstring).

    Parameters
    ----------
    dk : float
        Dielectric constant (relative permittivity, dimensionless).
    df : float
        Loss tangent (dimensionless).
    """

    dk: float
    df: float

    causal = False

    def eps_r(self, f: object) -> np.ndarray:
        """Complex relative permittivity ``Dk (1 - j Df)`` broadcast to the shape of ``f``."""
        fa = _freq(f)
        return np.full(fa.shape, self.dk * (1.0 - 1j * self.df), dtype=np.complex128)

    def dk_df(self, f: object) -> tuple[np.ndarray, np.ndarray]:
        """Dk and Df (constants) at ``f``."""
        fa = _freq(f)
        return np.full(fa.shape, self.dk), np.full(fa.shape, self.df)


def fit_djordjevic_sarkar(dk: float, df: float, f_ref_hz: float, *, f_ref_df_hz: float | None = None,
                          f1_hz: float = DS_F1_HZ, f2_hz: float = DS_F2_HZ) -> DjordjevicSarkar:
    """Fit a Djordjevic–Sarkar model to a datasheet point (physics.md §1).

    With ``k(f) = log10((f2 + j f)/(f1 + j f))`` (``Im k < 0`` between the corners)
    the model is ``eps(f) = eps_inf + a k(f)``.  Requiring
    ``Re eps(f_dk) = Dk`` and ``-Im eps(f_df) = Df Re eps(f_df)`` gives::

        a       = Dk Df / (-Im k(f_df) - Df (Re k(f_df) - Re k(f_dk)))
        eps_inf = Dk - a Re k(f_dk)

    which reduces to ``a = -Dk Df / Im k``, ``eps_inf = Dk - a Re k`` (physics.md §1)
    when both numbers are quoted at the same frequency.

    Parameters
    ----------
    dk : float
        Dielectric constant at ``f_ref_hz`` (> 1).
    df : float
        Loss tangent at ``f_ref_df_hz`` (default ``f_ref_hz``), 0 <= Df < 1.
    f_ref_hz : float
        Frequency (Hz) of the Dk figure; must lie strictly between f1 and f2.
    f_ref_df_hz : float, optional
        Frequency (Hz) of the Df figure when the datasheet quotes it elsewhere.
    f1_hz, f2_hz : float
        Model corner frequencies (defaults 1 kHz and 1 THz).
    """
    dk = _validate.finite_scalar("dk", dk, minimum=1.0, strict_min=True)
    df = _validate.finite_scalar("df", df, minimum=0.0, maximum=1.0)
    f1 = _validate.positive("f1_hz", f1_hz)
    f2 = _validate.positive("f2_hz", f2_hz)
    if not f2 > f1:
        raise SIKernelError(f"f2_hz={f2_hz!r} must be greater than f1_hz={f1_hz!r}")
    fdk = _validate.positive("f_ref_hz", f_ref_hz)
    fdf = fdk if f_ref_df_hz is None else _validate.positive("f_ref_df_hz", f_ref_df_hz)
    for nm, fr in (("f_ref_hz", fdk), ("f_ref_df_hz", fdf)):
        if not f1 < fr < f2:
            raise SIKernelError(f"{nm}={fr!r} Hz must lie between the model corners "
                                f"f1={f1:g} Hz and f2={f2:g} Hz")
    k_dk = complex(_log_term(np.array(fdk), f1, f2))
    k_df = complex(_log_term(np.array(fdf), f1, f2))
    den = -k_df.imag - df * (k_df.real - k_dk.real)
    if den <= 0.0 or not math.isfinite(den):
        raise SIKernelError(f"cannot fit a Djordjevic-Sarkar model to Dk={dk!r}, Df={df!r}: "
                            "the loss tangent is too large for the chosen corner frequencies")
    a = dk * df / den
    eps_inf = dk - a * k_dk.real
    if eps_inf < 1.0:
        raise SIKernelError(f"Djordjevic-Sarkar fit to Dk={dk!r}, Df={df!r} gives eps_inf={eps_inf:.3f} < 1; "
                            "use a smaller Df or narrower corner frequencies")
    return DjordjevicSarkar(eps_inf=eps_inf, a=a, f1_hz=f1, f2_hz=f2)


__all__ = ["DS_F1_HZ", "DS_F2_HZ", "ConstantDielectric", "DjordjevicSarkar", "fit_djordjevic_sarkar"]
