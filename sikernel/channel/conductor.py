"""Conductor loss: conductivity, skin effect, DC-to-AC blend, internal inductance, roughness.

Skin depth and surface resistance of a good conductor (e.g. Pozar, *Microwave
Engineering*, 4th ed., eqs. 1.63 and 1.131; physics.md §1)::

    delta = 1 / sqrt(pi f mu0 mu_r sigma),     R_s = 1/(sigma delta) = sqrt(pi f mu0 mu_r / sigma)

A line's resistance per metre is ``R_ac = R_s K(f) g`` where ``g`` (1/m) is a
geometry factor (see :mod:`sikernel.channel.lines`, Wheeler's incremental
inductance rule) and ``K(f) >= 1`` a roughness multiplier.  The DC and AC
values are blended smoothly, ``R = sqrt(R_dc**2 + R_ac**2)``, and the internal
inductance is ``L_int = R_ac / omega`` (the surface impedance of a good conductor
is ``R_s (1 + j)``), which keeps the skin-effect term minimum-phase.

Roughness multipliers (all on the smooth-conductor ``R_ac``):

* Hammerstad–Jensen: E. Hammerstad and Ø. Jensen, "Accurate models for
  microstrip computer-aided design", IEEE MTT-S Int. Microwave Symp. Digest,
  1980, pp. 407-409: ``K = 1 + (2/pi) arctan(1.4 (Rq/delta)**2)`` (saturates at 2).
* Huray snowball model: P. G. Huray et al., "Impact of copper surface texture on
  loss: a model that works", DesignCon 2010; one sphere size of radius ``a`` and
  surface ratio ``SR = N 4 pi a**2 / A_flat``:
  ``K = A_matte/A_flat + (3/2) SR / (1 + delta/a + delta**2/(2 a**2))``.
* Groisse: S. Groiss, I. Bardi, O. Biro, K. Preis and K. R. Richter,
  "Parameters of lossy cavity resonators calculated by the finite element
  method", IEEE Trans. Magnetics 32(3), pp. 894-897, 1996:
  ``K = 1 + exp(-(delta/(2 Rq))**1.6)``.
"""

from __future__ import annotations

import numpy as np
from scipy import constants

from .. import _validate
from ..errors import SIKernelError

#: Annealed copper (International Annealed Copper Standard, 100 % IACS), S/m.
COPPER_CONDUCTIVITY_S_M = 5.8e7


def _f(f: object) -> np.ndarray:
    arr = np.asarray(f, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise SIKernelError(f"f={f!r} must hold finite frequencies >= 0 Hz")
    return arr


def skin_depth(f: object, sigma_s_m: float = COPPER_CONDUCTIVITY_S_M, mu_r: float = 1.0) -> np.ndarray:
    """Skin depth ``1/sqrt(pi f mu0 mu_r sigma)`` in metres (``inf`` at 0 Hz).

    Parameters
    ----------
    f : array_like
        Frequencies in Hz (finite, >= 0).
    sigma_s_m : float, optional
        Conductivity in S/m (default annealed copper).
    mu_r : float, optional
        Relative permeability of the conductor.

    Returns
    -------
    numpy.ndarray
        Skin depth in m, same shape as ``f``.
    """
    fa = _f(f)
    sigma = _validate.positive("sigma_s_m", sigma_s_m)
    mu = _validate.positive("mu_r", mu_r) * constants.mu_0
    with np.errstate(divide="ignore"):
        return 1.0 / np.sqrt(np.pi * fa * mu * sigma)


def surface_resistance(f: object, sigma_s_m: float = COPPER_CONDUCTIVITY_S_M,
                       mu_r: float = 1.0) -> np.ndarray:
    """Surface resistance ``sqrt(pi f mu0 mu_r / sigma)`` in ohm per square.

    Parameters
    ----------
    f : array_like
        Frequencies in Hz (finite, >= 0).
    sigma_s_m : float, optional
        Conductivity in S/m (default annealed copper).
    mu_r : float, optional
        Relative permeability of the conductor.

    Returns
    -------
    numpy.ndarray
        Surface resistance in ohm per square, same shape as ``f``.
    """
    fa = _f(f)
    sigma = _validate.positive("sigma_s_m", sigma_s_m)
    mu = _validate.positive("mu_r", mu_r) * constants.mu_0
    return np.sqrt(np.pi * fa * mu / sigma)


def hammerstad_jensen(delta_m: np.ndarray, rq_m: float) -> np.ndarray:
    """Hammerstad–Jensen roughness factor ``1 + (2/pi) arctan(1.4 (Rq/delta)^2)``.

    Parameters
    ----------
    delta_m : array_like
        Skin depth in m (``inf`` at DC gives a factor of 1).
    rq_m : float
        RMS surface roughness ``Rq`` in m (>= 0).

    Returns
    -------
    numpy.ndarray
        Multiplier ``K`` on the smooth-conductor resistance, in [1, 2).
    """
    rq = _validate.non_negative("rq_m", rq_m)
    d = np.asarray(delta_m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(np.isinf(d), 0.0, (rq / d) ** 2)
    return 1.0 + (2.0 / np.pi) * np.arctan(1.4 * x)


def huray(delta_m: np.ndarray, radius_m: float, surface_ratio: float,
          area_ratio: float = 1.0) -> np.ndarray:
    """Huray snowball roughness factor (one sphere size).

    ``K = area_ratio + (3/2) SR / (1 + delta/a + delta^2/(2 a^2))`` with
    ``area_ratio = A_matte/A_flat`` (1 for a flat base) and ``SR = N 4 pi a^2 / A_flat``.
    ``K -> area_ratio`` at DC (delta -> inf), ``area_ratio + 1.5 SR`` at high frequency.

    Parameters
    ----------
    delta_m : array_like
        Skin depth in m.
    radius_m : float
        Snowball (sphere) radius ``a`` in m (> 0).
    surface_ratio : float
        ``SR = N 4 pi a^2 / A_flat``, total sphere surface over flat area (>= 0).
    area_ratio : float, optional
        ``A_matte/A_flat`` (>= 1; 1 for a flat base).

    Returns
    -------
    numpy.ndarray
        Multiplier ``K`` on the smooth-conductor resistance.
    """
    a = _validate.positive("radius_m", radius_m)
    sr = _validate.non_negative("surface_ratio", surface_ratio)
    ar = _validate.finite_scalar("area_ratio", area_ratio, minimum=1.0)
    d = np.asarray(delta_m, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        den = 1.0 + d / a + d * d / (2.0 * a * a)
        return ar + np.where(np.isinf(d), 0.0, 1.5 * sr / den)


def groisse(delta_m: np.ndarray, rq_m: float) -> np.ndarray:
    """Groisse roughness factor ``1 + exp(-(delta/(2 Rq))^1.6)`` (1 for a smooth surface).

    Parameters
    ----------
    delta_m : array_like
        Skin depth in m.
    rq_m : float
        RMS surface roughness ``Rq`` in m (>= 0).

    Returns
    -------
    numpy.ndarray
        Multiplier ``K`` on the smooth-conductor resistance, in [1, 2].
    """
    rq = _validate.non_negative("rq_m", rq_m)
    d = np.asarray(delta_m, dtype=float)
    if rq == 0.0:
        return np.ones_like(d)
    with np.errstate(over="ignore"):
        return 1.0 + np.exp(-((d / (2.0 * rq)) ** 1.6))


def blended_resistance(r_dc_ohm_m: float, r_ac_ohm_m: np.ndarray) -> np.ndarray:
    """Smooth DC-to-AC blend ``sqrt(R_dc^2 + R_ac^2)`` (ohm/m; physics.md §1).

    Parameters
    ----------
    r_dc_ohm_m : float
        DC resistance per unit length in ohm/m.
    r_ac_ohm_m : array_like
        Skin-effect (AC) resistance per unit length in ohm/m.

    Returns
    -------
    numpy.ndarray
        Blended resistance in ohm/m, same shape as ``r_ac_ohm_m``.
    """
    r_ac = np.asarray(r_ac_ohm_m, dtype=float)
    return np.sqrt(float(r_dc_ohm_m) ** 2 + r_ac * r_ac)


def internal_inductance(f: object, r_ac_ohm_m: np.ndarray) -> np.ndarray:
    """Internal inductance ``L_int = R_ac / omega`` in H/m (0 at 0 Hz, where R_ac = 0).

    Parameters
    ----------
    f : array_like
        Frequencies in Hz (finite, >= 0).
    r_ac_ohm_m : array_like
        Skin-effect resistance per unit length in ohm/m, broadcastable with ``f``.

    Returns
    -------
    numpy.ndarray
        Internal inductance per unit length in H/m.
    """
    fa = _f(f)
    w = 2.0 * np.pi * fa
    r_ac = np.asarray(r_ac_ohm_m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w > 0, r_ac / np.where(w > 0, w, 1.0), 0.0)


__all__ = [
    "COPPER_CONDUCTIVITY_S_M",
    "blended_resistance",
    "groisse",
    "hammerstad_jensen",
    "huray",
    "internal_inductance",
    "skin_depth",
    "surface_resistance",
]
