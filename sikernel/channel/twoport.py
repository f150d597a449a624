"""Two-port algebra on S and ABCD matrices: conversion, cascade, renormalisation, H21.

Cascades keep the reflections between sections (never a product of S21s,
IEEE 802.3 Annex 93A.1.2): :func:`cascade` uses the Redheffer star product of
S-matrices, which also holds where a section blocks (S21 = 0, e.g. an AC-coupling
capacitor at DC); :func:`cascade_abcd` chains ABCD matrices for callers that
already hold them.  All
functions accept ``(n_freq, 2, 2)`` arrays (or a leading batch axis, which is
flattened) and call the kernels in :mod:`sikernel._kernels.twoport`.
"""

from __future__ import annotations

import numpy as np

from .. import _validate
from .._kernels import twoport as _k
from ..errors import SIKernelError
from .core import Channel


def _as_2x2(name: str, a: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    arr = np.ascontiguousarray(a, dtype=np.complex128)
    if arr.ndim < 3 or arr.shape[-2:] != (2, 2):
        raise SIKernelError(f"{name} has shape {arr.shape}; expected (..., 2, 2) 2-port matrices")
    return arr.reshape(-1, 2, 2), arr.shape


def s_to_abcd(s: np.ndarray, z0_ohm: float) -> np.ndarray:
    """Convert S-parameters (reference ``z0_ohm`` at both ports) to ABCD matrices.

    Parameters
    ----------
    s : numpy.ndarray, shape (..., 2, 2)
        S-parameters.
    z0_ohm : float
        Reference impedance of both ports (ohm).

    Returns
    -------
    numpy.ndarray
        Complex ABCD matrices, same shape as ``s``.
    """
    flat, shape = _as_2x2("s", s)
    out = np.empty_like(flat)
    _k.s_to_abcd(flat, float(z0_ohm), out)
    return out.reshape(shape)


def abcd_to_s(t: np.ndarray, z0_ohm: float) -> np.ndarray:
    """Convert ABCD matrices to S-parameters referenced to ``z0_ohm`` at both ports.

    Parameters
    ----------
    t : numpy.ndarray, shape (..., 2, 2)
        ABCD matrices.
    z0_ohm : float
        Reference impedance of both ports (ohm).

    Returns
    -------
    numpy.ndarray
        Complex S-parameters, same shape as ``t``.
    """
    flat, shape = _as_2x2("abcd", t)
    out = np.empty_like(flat)
    _k.abcd_to_s(flat, float(z0_ohm), out)
    return out.reshape(shape)


def cascade_abcd(*mats: np.ndarray) -> np.ndarray:
    """Chain-multiply ABCD matrices (same shape), first = nearest the transmitter.

    Parameters
    ----------
    *mats : numpy.ndarray, shape (..., 2, 2)
        ABCD arrays of the sections, TX side first (at least one).

    Returns
    -------
    numpy.ndarray
        The product ``mats[0] @ mats[1] @ ...``, same shape as each input.
    """
    if not mats:
        raise SIKernelError("cascade_abcd needs at least one ABCD array")
    acc, shape = _as_2x2("abcd[0]", mats[0])
    acc = acc.copy()
    tmp = np.empty_like(acc)
    for i, m in enumerate(mats[1:], start=1):
        flat, sh = _as_2x2(f"abcd[{i}]", m)
        if sh != shape:
            raise SIKernelError(f"abcd[{i}] has shape {sh}; expected {shape} like abcd[0]")
        _k.matmul2(acc, flat, tmp)
        acc, tmp = tmp, acc
    return acc.reshape(shape)


def renormalize(s: np.ndarray, z_from_ohm: float, z_to_ohm: float) -> np.ndarray:
    """Re-reference 2-port S-parameters from ``z_from_ohm`` to ``z_to_ohm`` (both ports, real).

    Kurokawa's power-wave relation ``S' = (S - G I)(I - G S)^-1``,
    ``G = (z_to - z_from)/(z_to + z_from)``; exact for any S, including S21 = 0.

    Parameters
    ----------
    s : numpy.ndarray, shape (..., 2, 2)
        S-parameters referenced to ``z_from_ohm``.
    z_from_ohm : float
        Present reference impedance (ohm, > 0).
    z_to_ohm : float
        New reference impedance (ohm, > 0).

    Returns
    -------
    numpy.ndarray
        S-parameters referenced to ``z_to_ohm``, same shape as ``s``.
    """
    flat, shape = _as_2x2("s", s)
    z_from = float(z_from_ohm)
    z_to = float(z_to_ohm)
    if not (z_from > 0 and z_to > 0):
        raise SIKernelError(f"renormalize: reference impedances {z_from_ohm!r} -> {z_to_ohm!r} ohm "
                            "must both be > 0")
    out = np.empty_like(flat)
    _k.renormalize_s(flat, (z_to - z_from) / (z_to + z_from), out)
    return out.reshape(shape)


def star(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cascade two S arrays ``(..., 2, 2)`` (same reference impedance): ``a`` then ``b``.

    Parameters
    ----------
    a : numpy.ndarray, shape (..., 2, 2)
        S-parameters of the first (TX-side) section.
    b : numpy.ndarray, shape (..., 2, 2)
        S-parameters of the second section, same shape as ``a``.

    Returns
    -------
    numpy.ndarray
        Redheffer star product: S-parameters of the cascade, same shape as ``a``.
    """
    fa, shape = _as_2x2("a", a)
    fb, shape_b = _as_2x2("b", b)
    if shape_b != shape:
        raise SIKernelError(f"star: b has shape {shape_b}; expected {shape} like a")
    out = np.empty_like(fa)
    _k.star_product(fa, fb, out)
    return out.reshape(shape)


def cascade(*channels: Channel, name: str = "") -> Channel:
    """Cascade channels (TX side first) on a common grid and reference impedance.

    Parameters
    ----------
    *channels : Channel, Touchstone path or skrf.Network
        The sections, TX side first, all on the same frequency grid (at least one);
        each is renormalised to the first one's reference impedance when it differs.
    name : str, optional
        Label (default the section names joined by " + ").

    Returns
    -------
    Channel
        The cascade, referenced to the first channel's impedance.
    """
    _validate.label("cascade: name", name)
    if not channels:
        raise SIKernelError("cascade needs at least one Channel")
    if len(channels) == 1 and isinstance(channels[0], list | tuple):   # new-user trial 29
        raise SIKernelError(f"cascade takes the channels as separate arguments, not one "
                            f"{type(channels[0]).__name__} of {len(channels[0])}: use cascade(*channels)")
    if not all(isinstance(c, Channel) for c in channels):
        from .touchstone import as_channel

        channels = tuple(as_channel(c, f"cascade: channel {i}") for i, c in enumerate(channels))
    first = channels[0]
    for i, c in enumerate(channels[1:], start=1):
        if c.f.shape != first.f.shape or not np.allclose(c.f, first.f, rtol=1e-12, atol=0):
            raise SIKernelError(f"cascade: channel {i} ({c.name!r}) is on a different frequency grid "
                                f"than channel 0 ({first.name!r}); interpolate first")
    z0 = first.z0_ohm
    s = first.sdd
    for c in channels[1:]:
        s = star(s, c.sdd if c.z0_ohm == z0 else renormalize(c.sdd, c.z0_ohm, z0))
    label = name or " + ".join(c.name or "?" for c in channels)
    return Channel._trusted(first.f, s, z0, label, {"cascade": [c.name for c in channels]})


def reflection_coefficient(r_ohm: float, r0_ohm: float) -> float:
    """Termination reflection coefficient ``(Rd - R0)/(Rd + R0)`` (IEEE 802.3 93A.1.2).

    Parameters
    ----------
    r_ohm : float
        Termination resistance Rd (ohm).
    r0_ohm : float
        Reference resistance R0 (ohm).

    Returns
    -------
    float
        Reflection coefficient (dimensionless).
    """
    return (float(r_ohm) - float(r0_ohm)) / (float(r_ohm) + float(r0_ohm))


def terminated_h21(s: np.ndarray, gamma1: float, gamma2: float) -> np.ndarray:
    """Voltage transfer function between source/load reflections (IEEE 802.3 eq. 93A-18).

    Parameters
    ----------
    s : ndarray, shape (..., n_freq, 2, 2)
        S-parameters (a leading channel axis is allowed).
    gamma1, gamma2 : float
        Source (TX) and load (RX) reflection coefficients, e.g. from
        :func:`reflection_coefficient` with Rd and R0.

    Returns
    -------
    ndarray, shape (..., n_freq)
        H21(f), complex.
    """
    flat, shape = _as_2x2("s", s)
    out = np.empty(flat.shape[0], dtype=np.complex128)
    _k.terminated_h21(flat, float(gamma1), float(gamma2), out)
    return out.reshape(shape[:-2])


__all__ = [
    "abcd_to_s",
    "cascade",
    "cascade_abcd",
    "reflection_coefficient",
    "renormalize",
    "s_to_abcd",
    "star",
    "terminated_h21",
]
