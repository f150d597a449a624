"""Decision-feedback equaliser: which ISI a DFE with limited taps removes, and what remains.

A DFE with taps ``b(n)``, ``n = 1 ... N_b``, subtracts ``h0 * b(n) * a_{k-n}`` using past
decisions; with correct decisions the post-cursor ``h(n)`` becomes ``h(n) - h0 b(n)``.
In IEEE 802.3 COM (93A.1.6, eq. 93A-27 and Table 163-...) the taps are set to
``b(n) = h(n)/h0`` clipped to ``[-b_max(n), b_max(n)]``; here the lower limit
``b_min(n)`` may be given separately (default ``-b_max(n)``).

Floating taps (802.3ck COM, "floating DFE taps": groups of adjacent taps placed
anywhere within a span beyond the fixed taps, each with its own limit) are placed
greedily: each group in turn goes where it removes the most ISI energy among the
remaining positions.  This greedy placement is a documented simplification; the
exhaustive placement of several groups is not done.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._kernels import eq as _k
from ..errors import SIKernelError


@dataclass(frozen=True, eq=False)
class DfeResult:
    """Outcome of a DFE on a cursor vector.

    Attributes
    ----------
    taps : ndarray
        DFE tap weights ``b`` normalised to the main cursor, one per entry of ``positions``.
    positions : ndarray of int
        Post-cursor index (UI after the main cursor, >= 1) each tap acts on.
    residual : ndarray
        The cursors after the DFE (same indexing as the input; main cursor unchanged).
    main_index : int
        Index of the main cursor in ``residual``.
    saturated : ndarray of bool
        Taps that hit a limit.
    residual_isi_rms : float
        ``sqrt(sum_{k != main} residual_k**2)`` (V).
    peak_distortion : float
        ``sum_{k != main} |residual_k|`` (V), the worst-case ISI per unit symbol.
    """

    taps: np.ndarray
    positions: np.ndarray
    residual: np.ndarray
    main_index: int
    saturated: np.ndarray
    residual_isi_rms: float
    peak_distortion: float


def _cursor_args(cursors: ArrayLike, main_index: int) -> tuple[np.ndarray, int]:
    h = np.asarray(cursors, dtype=float)
    if h.ndim != 1 or h.size == 0:
        raise SIKernelError(f"cursors must be a non-empty 1-D array; got shape {h.shape}")
    if not np.all(np.isfinite(h)):
        raise SIKernelError("cursors contain NaN or inf")
    if isinstance(main_index, bool) or not isinstance(main_index, int | np.integer) \
            or not 0 <= main_index < h.size:
        raise SIKernelError(f"main_index={main_index!r} must be an integer in [0, {h.size - 1}]")
    if h[main_index] <= 0:
        raise SIKernelError(f"main cursor h[{main_index}]={h[main_index]!r} must be > 0")
    return h, int(main_index)


def _limits(name: str, value: ArrayLike | None, n: int, default: np.ndarray | None) -> np.ndarray:
    if value is None:
        if default is None:
            raise SIKernelError(f"{name} is required")
        return default
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,) or not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name}={value!r} must be a finite scalar or {n} values (one per tap)")
    return arr


def apply_dfe(cursors: ArrayLike, main_index: int, n_taps: int, b_max: ArrayLike = 1.0,
        b_min: ArrayLike | None = None, *, float_groups: int = 0, float_group_size: int = 1,
        float_span: int = 0, float_b_max: float = 0.0) -> DfeResult:
    """Apply a DFE with per-tap limits (and optional floating taps) to ISI cursors.

    Parameters
    ----------
    cursors : array_like, shape (n,)
        Symbol-spaced cursors ``h_k`` (V), main cursor at ``main_index``.
    main_index : int
        Index of the main cursor.
    n_taps : int
        Number of fixed DFE taps (post-cursors 1 ... n_taps), >= 0.
    b_max : float or array_like (n_taps,)
        Upper limit of each normalised tap (e.g. 802.3ck KR: 0.85, 0.3, 0.2 x5, 0.1 x5).
    b_min : float or array_like (n_taps,), optional
        Lower limit (default ``-b_max``).
    float_groups, float_group_size, float_span, float_b_max
        Floating taps: ``float_groups`` groups of ``float_group_size`` adjacent taps placed
        (greedily, by removed ISI energy) at post-cursors ``n_taps+1 ... float_span``,
        each limited to ``+-float_b_max``.

    Returns
    -------
    DfeResult
    """
    h, i0 = _cursor_args(cursors, main_index)
    if isinstance(n_taps, bool) or not isinstance(n_taps, int | np.integer) or n_taps < 0:
        raise SIKernelError(f"n_taps={n_taps!r} must be an integer >= 0")
    n_taps = int(n_taps)
    bmax = _limits("b_max", b_max, n_taps, None)
    bmin = _limits("b_min", b_min, n_taps, -bmax)
    if np.any(bmin > bmax):
        raise SIKernelError(f"b_min={b_min!r} exceeds b_max={b_max!r} for some tap")
    n_post = h.size - 1 - i0
    pos = list(range(1, min(n_taps, n_post) + 1))
    lo = list(bmin[: len(pos)])
    hi = list(bmax[: len(pos)])
    for label, val in (("float_groups", float_groups), ("float_group_size", float_group_size),
                       ("float_span", float_span)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
            raise SIKernelError(f"{label}={val!r} must be an integer >= 0")
    if float_groups:
        if float_group_size < 1:
            raise SIKernelError("float_group_size must be >= 1 with floating taps")
        fb = abs(float(float_b_max))
        taken = set(range(1, n_taps + 1))
        last = min(int(float_span), n_post)
        for _ in range(int(float_groups)):
            best, best_gain = None, 0.0
            for s in range(n_taps + 1, last - float_group_size + 2):
                grp = range(s, s + float_group_size)
                if any(p in taken for p in grp):
                    continue
                gain = 0.0
                for p in grp:
                    r = h[i0 + p] / h[i0]
                    c = min(max(r, -fb), fb)
                    gain += (h[i0 + p] ** 2) - ((r - c) * h[i0]) ** 2
                if gain > best_gain:
                    best, best_gain = s, gain
            if best is None:
                break
            for p in range(best, best + float_group_size):
                taken.add(p)
                pos.append(p)
                lo.append(-fb)
                hi.append(fb)
    positions = np.asarray(pos, dtype=np.int64)
    taps = np.empty(positions.size)
    residual = h.copy()
    sat = np.zeros(positions.size, dtype=np.bool_)
    _k.dfe_apply(h, i0, positions, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float),
                 taps, residual, sat)
    isi = np.delete(residual, i0)
    return DfeResult(taps=taps, positions=positions, residual=residual, main_index=i0,
                     saturated=sat, residual_isi_rms=float(np.sqrt(np.sum(isi * isi))),
                     peak_distortion=float(np.sum(np.abs(isi))))


__all__ = ["DfeResult", "apply_dfe"]
