"""Exhaustive TX FFE x CTLE grid optimiser of IEEE 802.3 Annex 93A.1.6.

The COM reference receiver picks, among every allowed TX FFE setting and every CTLE
setting, the pair that maximises the figure of merit FOM (93A-36).  The search is
one compiled Numba kernel (:func:`sikernel._kernels.com.fom_grid`, blocks of CTLE
settings on Python threads): the pulse response is linear in the TX FFE taps and
bilinear in the two CTLE DC gains, so each CTLE setting's pulse is a weighted sum of
a few basis pulses, and each TX
setting's sums of squares are small quadratic forms of per-phase autocorrelations
(see the kernel module for the formulas).

The selection is deterministic: the FOM grid is exact per point whatever the thread
count, and the maximum is the first in (CTLE index, TX index) order on ties.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._kernels import com as _k
from ..errors import SIKernelError


@dataclass(frozen=True, eq=False)
class GridResult:
    """Chosen TX FFE and CTLE settings and the FOM they achieve.

    Attributes
    ----------
    fom_db : float
        Best FOM (dB).
    tx_index, ctle_index : int
        Indices of the chosen settings in ``tx_grid`` and ``ctle_weights``.
    tx_taps : ndarray
        The chosen TX FFE taps (at ``tx_offsets``).
    cursor_index : int
        Sampling index (samples, in the pulse window) of the chosen setting.
    fom_grid_db : ndarray, shape (n_ctle, n_tx)
        FOM of every evaluated point.
    cursor_grid : ndarray of int, shape (n_ctle, n_tx)
        Sampling index of every point (-1: no valid cursor).
    n_points : int
        Number of evaluated points.
    fom_exact : ndarray of bool, shape (n_ctle, n_tx) or None
        With floating DFE taps (``dfe_float``) the grid is pruned: where False,
        ``fom_grid_db`` holds an upper bound of the FOM (see
        :func:`sikernel._kernels.com.fom_grid`); :meth:`exact_fom` gives the exact value.
        None: every point is exact.
    """

    fom_db: float
    tx_index: int
    ctle_index: int
    tx_taps: np.ndarray
    cursor_index: int
    fom_grid_db: np.ndarray
    cursor_grid: np.ndarray
    n_points: int
    fom_exact: np.ndarray | None = None
    _point: Callable[[int, int], float] | None = field(default=None, repr=False)
    _terms: Callable[[int, int], np.ndarray] | None = field(default=None, repr=False)

    def fom_terms(self, ctle_index: int, tx_index: int) -> np.ndarray:
        """FOM terms of one grid point, evaluated exactly (whatever the grid holds there): the
        :data:`sikernel._kernels.com.N_TERMS` array of :func:`sikernel._kernels.com.fom_direct`
        (FOM dB, A_s, h0, sigma_TX^2, sigma_ISI^2, sigma_J^2, sigma_XT^2, sigma_N^2, cursor
        index), from the grid kernel's own sums: its FOM is the grid's exact FOM there."""
        if self._terms is None:
            raise SIKernelError("this GridResult has no way to evaluate points; use the one returned "
                                "by grid_search")
        return self._terms(ctle_index, tx_index).copy()

    def exact_fom(self, ctle_index: int, tx_index: int) -> float:
        """Exact FOM (dB) of one grid point, evaluated (and stored in ``fom_grid_db``) when the
        pruned grid holds only its bound; the same arithmetic as an unpruned grid."""
        if self.fom_exact is None or self.fom_exact[ctle_index, tx_index]:
            return float(self.fom_grid_db[ctle_index, tx_index])
        if self._point is None:  # set whenever fom_exact is; a hand-made result lacks it
            raise SIKernelError("this GridResult holds FOM bounds but no way to evaluate points; "
                                "use the one returned by grid_search")
        v = self._point(ctle_index, tx_index)
        self.fom_grid_db[ctle_index, tx_index] = v
        self.fom_exact[ctle_index, tx_index] = True
        return v


@dataclass(frozen=True, eq=False)
class LocalSearch:
    """The IEEE COM code's ``Local Search`` (``optimize_fom``, sheet ``Local Search``) for
    :func:`grid_search`: evaluate only the points it reaches.

    Attributes
    ----------
    steps : int
        The sheet's ``Local Search`` value (>= 1).
    n_gdc : int
        Number of g_DC settings; the CTLE rows are ``i_g2 * n_gdc + i_g``.
    tx_value_index : ndarray of int, shape (n_tx, n_cols)
        0-based value index of each TX tap column (taps in ascending offset) of every
        TX setting (:func:`sikernel.eye.com._tx_tap_indices`).
    swept_columns : ndarray of int
        The tap columns with more than one value.
    """

    steps: int
    n_gdc: int
    tx_value_index: np.ndarray
    swept_columns: np.ndarray


def _as2d(name: str, a: object, ncols: int | None = None) -> np.ndarray:
    arr = np.ascontiguousarray(a, dtype=float)
    bad_cols = ncols is not None and arr.shape[-1] != ncols
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0 or bad_cols:
        want = f"(n, {ncols})" if ncols is not None else "(n, m) with n, m >= 1"
        raise SIKernelError(f"{name} has shape {arr.shape}; expected a non-empty 2-D array {want}")
    if not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name} contains non-finite values")
    return arr


def grid_search(basis_v: np.ndarray, ctle_weights: np.ndarray, var_n: np.ndarray,
                tx_offsets: np.ndarray, tx_grid: np.ndarray, samples_per_ui: int, *,
                dfe_bmin: np.ndarray, dfe_bmax: np.ndarray, n_levels: int, r_lm: float,
                snr_tx_db: float, a_dd_ui: float, sigma_rj_ui: float,
                basis_xt: np.ndarray | None = None, xt_fext: np.ndarray | None = None,
                mm_exact_tol_v: float = 0.0, dfe_float: np.ndarray | None = None,
                local_search: LocalSearch | None = None) -> GridResult:
    """Maximise FOM (93A-36) over every TX FFE x CTLE setting, or pick the setting the IEEE
    code's ``Local Search`` ends on.

    Parameters
    ----------
    basis_v : ndarray, shape (n_basis, n_samp)
        Victim basis pulses (V), ``samples_per_ui`` samples per UI, without TX FFE.
    ctle_weights : ndarray, shape (n_ctle, n_basis)
        Each CTLE setting's pulse is ``ctle_weights[k] @ basis_v``.
    var_n : ndarray, shape (n_ctle,)
        sigma_N^2 per CTLE setting (V^2), 93A-35.
    tx_offsets : ndarray of int, shape (n_taps,)
        TX FFE tap offsets in UI (one of them 0).
    tx_grid : ndarray, shape (n_tx, n_taps)
        TX FFE settings to evaluate.
    samples_per_ui : int
        Samples per UI of the pulses.
    dfe_bmin, dfe_bmax : ndarray
        DFE tap limits (93A-26), equal lengths (may be empty).
    n_levels, r_lm, snr_tx_db, a_dd_ui, sigma_rj_ui
        PAM levels, level mismatch, TX SNR (dB), dual-Dirac and random jitter (UI).
    basis_xt : ndarray, shape (n_xt, n_basis, n_samp), optional
        Aggressor basis pulses (amplitudes A_fe / A_ne included).
    xt_fext : ndarray of bool, shape (n_xt,), optional
        True for far-end aggressors (victim TX FFE applied), False for near-end.
    mm_exact_tol_v : float
        Sampling-point rule, as ``ComPreset.mm_kernel_tol``: negative selects the IEEE
        MATLAB COM rule (``cursor_sample_index``, the default of :func:`sikernel.eye.com.com`);
        0 (default here) the minimum Mueller-Mueller residual within one UI of the peak;
        > 0 a residual (V) below which a candidate counts as an exact solution (priority
        to the last one at or before the peak, pychopmarg's rule).
    dfe_float : ndarray, shape (6,), optional
        Floating DFE taps and tail RSS limit of the IEEE COM reference code: (N_bg, N_bf,
        N_f, bmaxg, B_float_RSS_MAX, N_tail_start), as
        :meth:`sikernel.eye.presets.ComPreset.dfe_float`; default none (zeros).
    local_search : LocalSearch, optional
        Run the IEEE code's ``Local Search`` while the FOMs are computed (one serial pass in
        its loop order, :func:`sikernel._kernels.com.fom_grid` with ``ls > 0``): only the
        points it reaches are evaluated (about 5 % of the 802.3ck KR grid); the result's
        ``fom_db`` / indices are its pick -- the same as
        :func:`sikernel._kernels.com.local_search_pick` on the full grid --, ``n_points``
        the points evaluated, and ``fom_grid_db`` NaN (``fom_exact`` False) where a point was
        skipped (:meth:`GridResult.exact_fom` evaluates any point).  Default: the full grid
        and its first maximum.

    Returns
    -------
    GridResult

    Raises
    ------
    SIKernelError
        Empty or mis-shaped arrays (e.g. an empty tap list), mismatched lengths.
    """
    basis_v = _as2d("basis_v", basis_v)
    n_basis, n_samp = basis_v.shape
    w = _as2d("ctle_weights", ctle_weights, n_basis)
    offs = np.ascontiguousarray(tx_offsets, dtype=np.int64).reshape(-1)
    if offs.size == 0 or np.count_nonzero(offs == 0) != 1 or np.unique(offs).size != offs.size:
        raise SIKernelError(f"tx_offsets={tx_offsets!r}: expected distinct integer UI offsets "
                            "including 0 once")
    tx = _as2d("tx_grid", tx_grid, offs.size)
    vn = np.ascontiguousarray(var_n, dtype=float).reshape(-1)
    if vn.size != w.shape[0]:
        raise SIKernelError(f"var_n has {vn.size} values; expected one per CTLE setting ({w.shape[0]})")
    m = int(samples_per_ui)
    if m < 4 or n_samp < 4 * m:
        raise SIKernelError(f"samples_per_ui={samples_per_ui!r} with {n_samp} samples: expected >= 4 "
                            "samples per UI and a pulse of >= 4 UI")
    bmin = np.ascontiguousarray(dfe_bmin, dtype=float).reshape(-1)
    bmax = np.ascontiguousarray(dfe_bmax, dtype=float).reshape(-1)
    if bmin.size != bmax.size:
        raise SIKernelError(f"dfe_bmin ({bmin.size}) and dfe_bmax ({bmax.size}) lengths differ")
    if basis_xt is None:
        bx = np.zeros((0, n_basis, n_samp))
        fx = np.zeros(0, dtype=np.bool_)
    else:
        bx = np.ascontiguousarray(basis_xt, dtype=float)
        if bx.ndim != 3 or bx.shape[1:] != (n_basis, n_samp):
            raise SIKernelError(f"basis_xt has shape {bx.shape}; expected (n_xt, {n_basis}, {n_samp})")
        fx = np.ascontiguousarray(xt_fext if xt_fext is not None else np.ones(bx.shape[0]), dtype=np.bool_)
        if fx.shape != (bx.shape[0],):
            raise SIKernelError(f"xt_fext has shape {fx.shape}; expected ({bx.shape[0]},)")
    flt = np.zeros(_k.N_FLT) if dfe_float is None else np.ascontiguousarray(dfe_float, dtype=float)
    if flt.shape != (_k.N_FLT,) or not np.all(np.isfinite(flt)):
        raise SIKernelError(f"dfe_float={dfe_float!r}: expected {_k.N_FLT} finite numbers "
                            "(N_bg, N_bf, N_f, bmaxg, B_float_RSS_MAX, N_tail_start)")
    consts = fom_constants(n_levels, r_lm, snr_tx_db, a_dd_ui, sigma_rj_ui)
    search = None if local_search is None else _checked_search(local_search, w.shape[0], tx.shape[0])
    n_lag = int(offs.max() - offs.min() + 1)
    # streams: victim samples, victim slopes, each aggressor (two calls: the aggressor
    # pulses are not copied next to the victim's)
    xc = np.zeros((2 + bx.shape[0], n_basis, n_basis, m, n_lag))
    vic = np.stack([basis_v, basis_v])
    jobs = [(vic[i: i + 1], np.array([i == 1]), np.full(1, n_lag, dtype=np.int64), xc[i: i + 1])
            for i in range(2)]
    lags = np.full(bx.shape[0], n_lag, dtype=np.int64)
    lags[~fx] = 1  # near-end aggressors: no TX FFE, only the zero-lag energy is used
    no_deriv = np.zeros(bx.shape[0], dtype=np.bool_)
    for j in range(bx.shape[0]):
        jobs.append((bx[j: j + 1], no_deriv[j: j + 1], lags[j: j + 1], xc[2 + j: 3 + j]))
    _on_threads(lambda job: _k.basis_xcorr(job[0], job[1], job[2], m, job[3]), jobs)
    fom = np.empty((w.shape[0], tx.shape[0]))
    ix = np.empty((w.shape[0], tx.shape[0]), dtype=np.int64)
    exact = np.empty((w.shape[0], tx.shape[0]), dtype=np.bool_)
    mm = float(mm_exact_tol_v)

    def point_terms(k: int, t: int) -> np.ndarray:
        f1 = np.empty((1, 1))
        i1 = np.empty((1, 1), dtype=np.int64)
        e1 = np.empty((1, 1), dtype=np.bool_)
        t1 = np.empty((1, 1, _k.N_TERMS))
        _k.fom_grid(basis_v, xc, fx, w[k: k + 1], vn[k: k + 1], offs, tx[t: t + 1], m, bmin, bmax,
                    flt, *consts, mm, False, *_no_search(), f1, i1, e1, t1)
        return _terms_from_sums(t1[0, 0], consts)

    def point(k: int, t: int) -> float:
        return float(point_terms(k, t)[_k.T_FOM])

    if search is not None:
        st_i, st_f = _run_local_search(search, basis_v, xc, fx, w, vn, offs, tx, m, bmin, bmax,
                                       flt, consts, mm, fom, ix, exact)
        kc, kt = divmod(int(st_i[1]), tx.shape[0]) if st_i[1] >= 0 else (0, 0)
        fom_pick = float(st_f[0]) if st_i[1] >= 0 else -np.inf
        return GridResult(fom_db=fom_pick, tx_index=kt, ctle_index=kc, tx_taps=tx[kt].copy(),
                          cursor_index=int(ix[kc, kt]) if st_i[1] >= 0 else -1, fom_grid_db=fom,
                          cursor_grid=ix, n_points=int(st_i[0]), fom_exact=exact, _point=point,
                          _terms=point_terms)
    _fom_rows(basis_v, xc, fx, w, vn, offs, tx, m, bmin, bmax, flt, consts, mm, fom, ix, exact)
    pruned = not bool(exact.all())
    while True:  # first maximum in (ctle, tx) order: deterministic; bounds resolved on the way
        flat = int(np.argmax(fom))
        kc, kt = divmod(flat, tx.shape[0])
        if exact[kc, kt]:
            break
        fom[kc, kt] = point(kc, kt)  # as GridResult.exact_fom
        exact[kc, kt] = True
    return GridResult(fom_db=float(fom[kc, kt]), tx_index=kt, ctle_index=kc, tx_taps=tx[kt].copy(),
                      cursor_index=int(ix[kc, kt]), fom_grid_db=fom, cursor_grid=ix,
                      n_points=int(fom.size), fom_exact=exact if pruned else None,
                      _point=point if pruned else None, _terms=point_terms)


def _no_search() -> tuple:
    """The local-search arguments of :func:`sikernel._kernels.com.fom_grid` for a plain grid
    (``ls`` 0; arrays of the types a search passes, so both calls share one specialisation)."""
    return (0, 1, np.zeros((1, 1), dtype=np.int64), np.zeros(0, dtype=np.int64),
            np.array([0, -1, 0], dtype=np.int64), np.array([-np.inf]), np.zeros(1, dtype=np.int64))


def _terms_from_sums(raw: np.ndarray, consts: tuple) -> np.ndarray:
    """:func:`sikernel._kernels.com.fom_direct`'s terms from the sums ``fom_grid`` stores in
    ``out_terms`` (A_s = R_LM/(L-1) h0, sigma_TX^2 = h0^2 10^(-SNR_TX/10), the others times
    sigma_X^2 and A_DD^2 + sigma_RJ^2 as 93A-29...34)."""
    a_s_scale, var_x, snr_lin, jit2 = consts
    out = raw.copy()
    if out[_k.T_IX] < 0:
        return out
    h0 = raw[_k.T_H0]
    out[_k.T_AS] = a_s_scale * h0
    out[_k.T_VTX] = h0 * h0 * snr_lin
    out[_k.T_VISI] = var_x * raw[_k.T_VISI]
    out[_k.T_VJ] = var_x * jit2 * raw[_k.T_VJ]
    out[_k.T_VXT] = var_x * raw[_k.T_VXT]
    return out


def _no_terms() -> np.ndarray:
    """The empty ``out_terms`` of :func:`sikernel._kernels.com.fom_grid` (no per-point terms)."""
    return np.zeros((0, 0, _k.N_TERMS))


def _checked_search(ls: LocalSearch, n_rows: int, n_tx: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """``ls`` as the kernel takes it (steps, n_gdc, value indices, swept columns), checked
    against the grid (``n_rows`` CTLE rows, ``n_tx`` TX settings)."""
    steps = int(ls.steps)
    n_g = int(ls.n_gdc)
    idx = np.ascontiguousarray(ls.tx_value_index, dtype=np.int64)
    sweep = np.ascontiguousarray(ls.swept_columns, dtype=np.int64).reshape(-1)
    if steps < 1 or n_g < 1 or n_rows % n_g != 0:
        raise SIKernelError(f"local_search steps={ls.steps!r}, n_gdc={ls.n_gdc!r} with {n_rows} CTLE "
                            "rows: expected steps >= 1 and a whole number of g_DC2 rows per g_DC")
    if idx.ndim != 2 or idx.shape[0] != n_tx or idx.shape[1] == 0:
        raise SIKernelError(f"local_search tx_value_index has shape {idx.shape}; expected "
                            f"({n_tx}, n_cols): one row per TX setting")
    if sweep.size and (sweep.min() < 0 or sweep.max() >= idx.shape[1]):
        raise SIKernelError(f"local_search swept_columns {sweep.tolist()} outside 0..{idx.shape[1] - 1}")
    return steps, n_g, idx, sweep


def _run_local_search(search: tuple, basis_v: np.ndarray, xc: np.ndarray, fx: np.ndarray,
                      w: np.ndarray, vn: np.ndarray, offs: np.ndarray, tx: np.ndarray, m: int,
                      bmin: np.ndarray, bmax: np.ndarray, flt: np.ndarray, consts: tuple, mm: float,
                      fom: np.ndarray, ix: np.ndarray, exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One serial pass of :func:`sikernel._kernels.com.fom_grid` in Local Search mode
    (``search`` from :func:`_checked_search`); returns its state (``st_i``: points evaluated,
    pick's flat index, its g_DC2 index; ``st_f``: FOM)."""
    steps, n_g, idx, sweep = search
    st_i = np.array([0, -1, 0], dtype=np.int64)
    st_f = np.array([-np.inf])
    best_idx = np.zeros(idx.shape[1], dtype=np.int64)
    _k.fom_grid(basis_v, xc, fx, w, vn, offs, tx, m, bmin, bmax, flt, *consts, mm, True, steps, n_g, idx,
                sweep, st_i, st_f, best_idx, fom, ix, exact, _no_terms())
    return st_i, st_f


def _fom_rows(basis_v: np.ndarray, xc: np.ndarray, fx: np.ndarray, w: np.ndarray, vn: np.ndarray,
              offs: np.ndarray, tx: np.ndarray, m: int, bmin: np.ndarray, bmax: np.ndarray,
              flt: np.ndarray, consts: tuple, mm: float, fom: np.ndarray, ix: np.ndarray,
              exact: np.ndarray) -> None:
    """The pruned FOM grid (:func:`sikernel._kernels.com.fom_grid`), its CTLE rows in blocks
    on up to the Numba thread count of Python threads (the kernel is serial and releases the
    GIL; every row is computed alone, so the grid is the same whatever the threads)."""
    from .._jit import thread_count

    n = w.shape[0]
    n_thr = max(1, min(thread_count(), n))

    def rows(k0: int, k1: int) -> None:
        _k.fom_grid(basis_v, xc, fx, w[k0:k1], vn[k0:k1], offs, tx, m, bmin, bmax, flt, *consts, mm,
                    True, *_no_search(), fom[k0:k1], ix[k0:k1], exact[k0:k1], _no_terms())

    edges = np.linspace(0, n, min(n, 4 * n_thr) + 1).round().astype(int)
    _on_threads(lambda e: rows(*e), list(itertools.pairwise(edges.tolist())))


def _on_threads(fn: Callable, jobs: list) -> None:
    """``fn(job)`` for every job, on up to the Numba thread count of Python threads (the
    kernels release the GIL; each job writes its own outputs; :mod:`sikernel._threads`)."""
    from .._jit import thread_count
    from .._threads import map_on_threads

    map_on_threads(fn, jobs, thread_count())


def fom_constants(n_levels: int, r_lm: float, snr_tx_db: float, a_dd_ui: float,
                  sigma_rj_ui: float) -> tuple[float, float, float, float]:
    """Scalar constants of the FOM kernels (93A-29, 93A-30, 93A-32, 93A.1.6 c).

    Parameters
    ----------
    n_levels : int
        PAM levels L.
    r_lm : float
        Level mismatch ratio R_LM.
    snr_tx_db : float
        Transmitter SNR (dB).
    a_dd_ui, sigma_rj_ui : float
        Dual-Dirac and random jitter (UI).

    Returns
    -------
    tuple of float
        ``(R_LM/(L-1), sigma_X^2, 10^(-SNR_TX/10), A_DD^2 + sigma_RJ^2)``.
    """
    lv = int(n_levels)
    var_x = (lv * lv - 1) / (3.0 * (lv - 1) ** 2)
    return (float(r_lm) / (lv - 1), var_x, 10.0 ** (-float(snr_tx_db) / 10.0),
            float(a_dd_ui) ** 2 + float(sigma_rj_ui) ** 2)


__all__ = ["GridResult", "LocalSearch", "fom_constants", "grid_search"]
