"""Pieces of the COM search shared by :mod:`sikernel.eye.com` and its C2M criterion
(:mod:`sikernel.eye.c2m`): the TX FFE applied to a pulse (93A-21), the FOM terms at one TX setting,
and the replay of the IEEE code's ``Local Search`` over a FOM grid.

Kept apart so that the C2M criterion can use them without importing ``com`` (which calls it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._kernels import com as _kc
from .presets import ComPreset


def _tx_apply(x: np.ndarray, c: np.ndarray, offs: np.ndarray, m: int, pad: int) -> np.ndarray:
    """p(i) = sum_a c_a x(i - o_a M) on the record padded by ``pad`` zeros each side (93A-21)."""
    xx = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    out = np.zeros_like(xx)
    for o, ca in zip(offs, c, strict=True):
        out += ca * np.roll(xx, int(o) * m)
    return out


def _fom_terms(q: np.ndarray, xt: np.ndarray, xt_fext: np.ndarray, c: np.ndarray,
               offs: np.ndarray, var_n: float, p: ComPreset) -> np.ndarray:
    """FOM terms (:data:`sikernel._kernels.com.N_TERMS` array) at one TX FFE setting, with
    the preset's sampling-point rule (``p.mm_kernel_tol``; :func:`sikernel.eye.fom.fom`
    always uses the ``"peak"`` rule)."""
    from ..eq.grid import fom_constants

    out = np.empty(_kc.N_TERMS)
    _kc.fom_direct(np.ascontiguousarray(q), np.ascontiguousarray(xt, dtype=float),
                   np.ascontiguousarray(xt_fext, dtype=np.bool_), np.ascontiguousarray(offs, dtype=np.int64),
                   np.ascontiguousarray(c, dtype=float), int(p.samples_per_ui),
                   np.asarray(p.bmin, dtype=float), np.asarray(p.dfe_bmax, dtype=float),
                   p.dfe_float(), float(var_n),
                   *fom_constants(p.n_levels, p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui),
                   p.mm_kernel_tol, out)
    return out


def _tx_tap_indices(p: ComPreset, tx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tap value indices of every TX setting and the swept-tap order of the IEEE code's
    ``Local Search`` (``optimize_fom``), as :func:`sikernel._kernels.com.local_search_pick` reads them.

    Parameters
    ----------
    p : ComPreset
        The preset (its ``tx_taps`` ranges and ``tx_offsets()``).
    tx : ndarray
        TX settings, one row per setting, columns at ``p.tx_offsets()``.

    Returns
    -------
    (ndarray, ndarray)
        Value index per setting and tap (taps sorted by offset), and the taps with more than
        one value by decreasing number of values (stable: the MATLAB order; it only decides
        which condition fires first, not whether one does).
    """
    taps = sorted(p.tx_taps)
    offs = p.tx_offsets()
    idx = np.empty((tx.shape[0], len(taps)), dtype=np.int64)
    lens = np.empty(len(taps), dtype=np.int64)
    for j, (o, lo, hi, step) in enumerate(taps):
        col = int(np.flatnonzero(offs == o)[0])
        if step > 0:
            idx[:, j] = np.rint((tx[:, col] - lo) / step).astype(np.int64)
            lens[j] = round((hi - lo) / step) + 1
        else:
            idx[:, j] = 0
            lens[j] = 1
    sweep = np.array([j for j in sorted(range(len(taps)), key=lambda j: -lens[j]) if lens[j] > 1],
                     dtype=np.int64)
    return idx, sweep


def _replay_local_search(p: ComPreset, fom: np.ndarray, exact: np.ndarray, n_g: int, n_g2: int,
                        tx: np.ndarray, evaluate: Any) -> tuple[int, float, int]:
    """Run the IEEE code's ``Local Search`` (:func:`sikernel._kernels.com.local_search_pick`)
    over a FOM grid whose points are made exact on demand.

    Parameters
    ----------
    p : ComPreset
        The preset (``local_search``, ``tx_taps``).
    fom, exact : ndarray
        (CTLE, TX) FOM grid and its "exact" flags; ``evaluate`` fills both in place.
    n_g, n_g2 : int
        Number of ``g_DC`` and ``g_DC2`` settings (CTLE rows = ``n_g * n_g2``).
    tx : ndarray
        TX settings, rows at ``p.tx_offsets()``.
    evaluate : callable
        ``evaluate(k, t, best_db)``: make point (k, t) exact, given the best FOM so far.

    Returns
    -------
    (int, float, int)
        Flat index ``k * n_tx + t`` of the pick (-1: none), its FOM, points evaluated.
    """
    idx, sweep = _tx_tap_indices(p, tx)
    st_i = np.array([0, -1, 0], dtype=np.int64)
    st_f = np.array([-np.inf])
    best_idx = np.zeros(idx.shape[1], dtype=np.int64)
    n_evaluated = 0
    while True:
        need = int(_kc.local_search_pick(fom, exact, n_g, n_g2, idx, sweep, int(p.local_search),
                                         st_i, st_f, best_idx))
        if need < 0:
            return int(st_i[1]), float(st_f[0]), n_evaluated
        evaluate(*divmod(need, tx.shape[0]), float(st_f[0]))
        n_evaluated += 1
