"""Two-port algebra on S and ABCD matrices: conversion, cascade, renormalisation, H21.

Cascades go through ABCD (chain) matrices, never by multiplying S21s, so that
reflections between sections are kept (IEEE 802.3 Annex 93A.1.2).  All
functions accept ``(n_freq, 2, 2)`` arrays (or a leading batch axis, which is
flattened) and call the kernels in :mod:`sikernel._kernels.twoport`.
"""

from __future__ import annotations

import numpy as np

from .._kernels import twoport as _k
from ..errors import SIKernelError
from .core import Channel


def _as_2x2(name: str, a: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    arr = np.ascontiguousarray(a, dtype=np.complex128)
    if arr.ndim < 3 or arr.shape[-2:] != (2, 2):
        raise SIKernelError(f"{name} has shape {arr.shape}; expected (..., 2, 2) 2-port matrices")
    return arr.reshape(-1, 2, 2), arr.shape


def s_to_abcd(s: np.ndarray, z0_ohm: float) -> np.ndarray:
    """Convert S-parameters (reference ``z0_ohm`` at both ports) to ABCD matrices."""
    flat, shape = _as_2x2("s", s)
    out = np.empty_like(flat)
    _k.s_to_abcd(flat, float(z0_ohm), out)
    return out.reshape(shape)


def abcd_to_s(t: np.ndarray, z0_ohm: float) -> np.ndarray:
    """Convert ABCD matrices to S-parameters referenced to ``z0_ohm`` at both ports."""
    flat, shape = _as_2x2("abcd", t)
    out = np.empty_like(flat)
    _k.abcd_to_s(flat, float(z0_ohm), out)
    return out.reshape(shape)


def cascade_abcd(*mats: np.ndarray) -> np.ndarray:
    """Chain-multiply ABCD matrices (same shape), first = nearest the transmitter."""
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
    """Re-reference 2-port S-parameters from ``z_from_ohm`` to ``z_to_ohm`` (both ports)."""
    return abcd_to_s(s_to_abcd(s, z_from_ohm), z_to_ohm)


def cascade(*channels: Channel, name: str = "") -> Channel:
    """Cascade channels (TX side first) on a common grid and reference impedance."""
    if not channels:
        raise SIKernelError("cascade needs at least one Channel")
    first = channels[0]
    for i, c in enumerate(channels[1:], start=1):
        if c.f.shape != first.f.shape or not np.allclose(c.f, first.f, rtol=1e-12, atol=0):
            raise SIKernelError(f"cascade: channel {i} ({c.name!r}) is on a different frequency grid "
                                f"than channel 0 ({first.name!r}); interpolate first")
    z0 = first.z0_ohm
    mats = [s_to_abcd(c.sdd if c.z0_ohm == z0 else renormalize(c.sdd, c.z0_ohm, z0), z0)
            for c in channels]
    s = abcd_to_s(cascade_abcd(*mats), z0)
    label = name or " + ".join(c.name or "?" for c in channels)
    return Channel(first.f, s, z0, label, {"cascade": [c.name for c in channels]})


def reflection_coefficient(r_ohm: float, r0_ohm: float) -> float:
    """Termination reflection coefficient ``(Rd - R0)/(Rd + R0)`` (IEEE 802.3 93A.1.2)."""
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
    "terminated_h21",
]
