"""MMSE receiver FFE + DFE (+ TX FFE search) against ISI, noise and crosstalk (178A style).

Model (IEEE P802.3dj Annex 178A, the COM receiver with an MMSE-adapted FFE; J. M.
Cioffi, *EE379A* ch. 3, MMSE-DFE).  Symbols ``a`` are i.i.d. PAM-L levels in
``[-1, 1]`` with variance ``sigma_x**2 = (L**2 - 1)/(3 (L - 1)**2)``; the sampled
signal at the RX FFE input is ``x_n = sum_k h_k a_{n-k} + n_n`` with ``h`` the
symbol-spaced cursors (V) and ``n`` noise with autocorrelation ``R_n`` (V**2).  The
FFE ``w`` (``n_pre`` pre-, ``n_post`` post-cursor taps) gives the equalised cursors
``h_eq = w * h``; the DFE removes ``h_eq(1 ... n_dfe)`` up to its limits.  With the
unit-main-cursor constraint ``h_eq(0) = 1`` the error is

    e = sum_{k not in main, DFE} h_eq(k) a_{-k} + sum_DFE (h_eq(k) - b_k) a_{-k} + w' n

and ``w`` minimises ``E[e**2] = w' Q w - 2 p' w + const`` subject to ``h_eq(0) = 1``,
``Q = sigma_x**2 (A_isi' A_isi + sum_xt A_xt' A_xt + 10**(-SNR_TX/10) A' A) + R_n``,
solved as the KKT (Wiener-Hopf with a Lagrange multiplier) system.  DFE taps are
``b_k = h_eq(k)`` within ``[b_min, b_max]``; a saturated tap is held at its limit and
its residual ``h_eq(k) - b_k`` counted as ISI.  FFE and DFE are optimised jointly:
minimise ``w' Q w + sigma_x**2 sum_k (h_eq(k) - b_k)**2`` over ``(w, b)`` with the box
limits on ``b`` (a convex QP, solved by a primal active-set method), so that the FFE
may trade a saturated DFE tap's residual against noise enhancement.  Optional RX FFE tap
limits (178A: ``|w_k| <= 0.7`` for the FFE normalised to a unit main tap) enter the same
QP as the linear constraints ``|w_k| <= lim_k w_main`` (k not the main tap).

Figure of merit (178A): ``FOM = 20 log10(R_LM/(L-1) / sqrt(MSE))`` and
``SNR = 10 log10(sigma_x**2 / MSE)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validate
from .._kernels import eq as _k
from ..errors import SIKernelError
from ..response import MODULATIONS
from .dfe import _cursor_args, _limits

_MAX_QP_ITER = 200
#: relative diagonal loading of the QP (keeps the KKT system regular without noise)
BATCH_RIDGE = 1e-12


def symbol_variance(levels: int) -> float:
    """Variance of equiprobable PAM-L symbols on ``[-1, 1]``: ``(L**2-1)/(3 (L-1)**2)``.

    Parameters
    ----------
    levels : int
        Number of PAM levels L (>= 2; 2 for NRZ, 4 for PAM4).

    Returns
    -------
    float
        Symbol variance (dimensionless, for symbols on [-1, 1]).
    """
    if isinstance(levels, bool) or not isinstance(levels, int | np.integer) or levels < 2:
        raise SIKernelError(f"levels={levels!r} must be an integer >= 2")
    return (levels * levels - 1) / (3.0 * (levels - 1) ** 2)


def noise_acf_from_psd(f_hz: ArrayLike, psd_v2_per_hz: ArrayLike, baud: float, n_lags: int,
                       h_filter: ArrayLike | None = None) -> np.ndarray:
    """Autocorrelation at symbol-spaced lags of noise with a one-sided PSD through a filter.

    ``R(k) = integral_0^{f_max} S(f) |H(f)|**2 cos(2 pi f k / baud) df`` (trapezoid rule on
    the grid), e.g. ``S = eta_0`` (93A: eta_0 in V**2/GHz -> divide by 1e9 for V**2/Hz) and
    ``H = H_r H_ctle`` for the thermal noise at the FFE input (93A-35 before sampling).

    Parameters
    ----------
    f_hz : array_like
        Frequency grid in Hz.
    psd_v2_per_hz : array_like
        One-sided noise PSD in V**2/Hz, scalar or one value per frequency (>= 0).
    baud : float
        Symbol rate in Bd (lag spacing ``1/baud`` s).
    n_lags : int
        Number of lags (>= 1).
    h_filter : array_like, optional
        Complex transfer function on ``f_hz`` the noise passes through (default none).

    Returns
    -------
    ndarray, shape (n_lags,)
        ``R(0) ... R(n_lags-1)`` in V**2.
    """
    f = _validate.frequency_grid(f_hz, name="f_hz")
    s = np.broadcast_to(np.asarray(psd_v2_per_hz, dtype=float), f.shape)
    if np.any(s < 0) or not np.all(np.isfinite(s)):
        raise SIKernelError("psd_v2_per_hz must be finite and >= 0")
    fb = _validate.positive("baud", baud)
    if isinstance(n_lags, bool) or not isinstance(n_lags, int | np.integer) or n_lags < 1:
        raise SIKernelError(f"n_lags={n_lags!r} must be an integer >= 1")
    g = s.copy()
    if h_filter is not None:
        hf = np.asarray(h_filter, dtype=complex)
        if hf.shape != f.shape:
            raise SIKernelError(f"h_filter shape {hf.shape} does not match f_hz {f.shape}")
        g = g * np.abs(hf) ** 2
    k = np.arange(int(n_lags))
    return np.trapezoid(g[None, :] * np.cos(2 * np.pi * np.outer(k, f) / fb), f, axis=1)


@dataclass(frozen=True, eq=False)
class MmseResult:
    """Chosen MMSE equaliser and the figure it achieves.

    Attributes
    ----------
    rx_ffe_taps : ndarray
        RX FFE taps (1/V: the equalised main cursor is 1), main at ``rx_ffe_n_pre``.
    rx_ffe_n_pre : int
        Number of RX FFE pre-cursor taps.
    dfe_taps : ndarray
        DFE taps (relative to the unit main cursor), post-cursors 1 ... n_dfe.
    dfe_saturated : ndarray of bool
        True where a DFE tap sits at its limit (``b_min``/``b_max``).
    h_eq : ndarray
        Equalised cursors ``w * h`` (before the DFE); main cursor at ``main_index`` (= 1).
    main_index : int
        Index of the main cursor in ``h_eq``.
    mse : float
        Total mean-squared error (normalised units, symbols on [-1, 1]).
    mse_parts : dict
        ``isi``, ``noise``, ``crosstalk``, ``tx_noise`` contributions.
    snr_db, fom_db : float
        ``10 log10(sigma_x**2/MSE)`` and ``20 log10(R_LM/(L-1)/sqrt(MSE))``.
    levels : int
        Number of PAM levels L.
    rlm : float
        Level-mismatch ratio R_LM used in ``fom_db``.
    tx_ffe_taps : ndarray or None
        TX FFE chosen by the search (when a grid was given), main at ``tx_ffe_n_pre``.
    tx_ffe_n_pre : int
        Number of TX FFE pre-cursor taps.
    meta : dict
        Search size and shape (``n_settings``, ``n_post``, ``n_dfe``).
    """

    rx_ffe_taps: np.ndarray
    rx_ffe_n_pre: int
    dfe_taps: np.ndarray
    dfe_saturated: np.ndarray
    h_eq: np.ndarray
    main_index: int
    mse: float
    mse_parts: dict[str, float]
    snr_db: float
    fom_db: float
    levels: int
    rlm: float
    tx_ffe_taps: np.ndarray | None = None
    tx_ffe_n_pre: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


def _conv_full(h: np.ndarray, i0: int, n_w: int, n_pre: int) -> tuple[np.ndarray, int]:
    """Full convolution matrix (len(h)+n_w-1, n_w) and the row of the main cursor."""
    m0 = i0 + n_pre
    n_rows = h.size + n_w - 1
    a = np.empty((n_rows, n_w))
    _k.conv_matrix(h, i0, n_w, n_pre, -m0, n_rows - m0, a)
    return a, m0


def _toeplitz(acf: np.ndarray, n: int) -> np.ndarray:
    r = np.zeros(n)
    m = min(n, acf.size)
    r[:m] = acf[:m]
    idx = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    return r[idx]


def _acf_of(x: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n)
    for lag in range(min(n, x.size)):
        out[lag] = float(np.dot(x[: x.size - lag], x[lag:]))
    return out


def _solve_one(h: np.ndarray, i0: int, n_pre: int, n_post: int, n_dfe: int, sx2: float,
               noise_acf: np.ndarray, xts: list[np.ndarray], tx_rel: float, bmin: np.ndarray,
               bmax: np.ndarray, wlim: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float], np.ndarray, int]:
    """One MMSE solve (kernel :func:`sikernel._kernels.eq.mmse_one`) and its MSE breakdown."""
    n_w = n_pre + 1 + n_post
    acf_n = np.zeros(n_w)
    k = min(n_w, noise_acf.size)
    acf_n[:k] = noise_acf[:k]
    acf_x = np.zeros(n_w)
    for x in xts:
        acf_x += sx2 * _acf_of(x, n_w)
    w = np.empty(n_w)
    b = np.empty(n_dfe)
    sat = np.zeros(n_dfe, dtype=np.bool_)
    _k.mmse_one(h, i0, n_pre, n_post, n_dfe, bmin, bmax, wlim, acf_n + acf_x, sx2, tx_rel,
                BATCH_RIDGE, _MAX_QP_ITER, w, b, sat)
    heq = np.convolve(w, h)
    m0 = i0 + n_pre
    resid = heq.copy()
    resid[m0] = 0.0
    n_d = min(n_dfe, heq.size - 1 - m0)
    resid[m0 + 1: m0 + 1 + n_d] -= b[:n_d]
    parts = {
        "isi": float(sx2 * resid @ resid),
        "noise": float(w @ _toeplitz(acf_n, n_w) @ w),
        "crosstalk": float(w @ _toeplitz(acf_x, n_w) @ w),
        "tx_noise": float(sx2 * tx_rel * np.sum(heq * heq)),
    }
    return w, b, sat, parts, heq, m0


def _ffe_limits(ffe_limit: ArrayLike | None, n_pre: int, n_post: int) -> np.ndarray:
    """RX FFE tap limits relative to the main tap, one per tap (inf = none, main ignored)."""
    n_w = n_pre + 1 + n_post
    if ffe_limit is None:
        return np.full(n_w, np.inf)
    lim = np.asarray(ffe_limit, dtype=float)
    if lim.ndim == 0:
        lim = np.full(n_w, float(lim))
    if lim.shape != (n_w,) or np.any(np.isnan(lim)) or np.any(lim < 0):
        raise SIKernelError(f"ffe_limit={ffe_limit!r} must be None, a scalar or {n_w} values, "
                            "each >= 0 (inf = no limit)")
    lim = lim.copy()
    lim[n_pre] = np.inf
    return lim


def mmse(cursors: ArrayLike, main_index: int, n_pre: int = 5, n_post: int = 10,
         n_dfe: int = 1, *, modulation: str = "pam4", rlm: float = 1.0,
         noise_acf: ArrayLike | None = None, snr_tx_db: float | None = None,
         xt_cursors: tuple[ArrayLike, ...] | list[ArrayLike] = (),
         b_max: ArrayLike = 1.0, b_min: ArrayLike | None = None,
         tx_ffe_grid: ArrayLike | None = None, tx_ffe_n_pre: int = 0,
         ffe_limit: ArrayLike | None = None) -> MmseResult:
    """Jointly optimal (MMSE) RX FFE and DFE for given cursors and noise; optional TX FFE search.

    Parameters
    ----------
    cursors : array_like, shape (n,)
        Symbol-spaced pulse-response cursors (V) at the chosen sampling phase
        (e.g. ``PulseResponse.all_cursors(phase)``), main at ``main_index``.
    main_index : int
        Index of the main cursor.
    n_pre, n_post : int
        RX FFE pre- and post-cursor taps (802.3dj KR draft: 5 and 10).
    n_dfe : int
        DFE taps (802.3dj KR draft: 1).
    modulation : str
        Sets L (nrz, pam3, pam4, pam6, pam8).
    rlm : float
        Level-mismatch ratio R_LM (0.95 in the presets; 1 = ideal).
    noise_acf : array_like, optional
        Autocorrelation ``R_n(0), R_n(1), ...`` (V**2) of the noise at the FFE input at
        symbol-spaced lags (see :func:`noise_acf_from_psd`); lags beyond the array are 0.
    snr_tx_db : float, optional
        TX SNR; adds white TX noise of variance ``sigma_x**2 10**(-SNR_TX/10)`` filtered by ``h``
        (the TX FFE included when ``h`` includes it).  178A's S_tn (178A-17) filters it by the
        pulse *without* TX FFE instead: :func:`sikernel.eye.com.com` leaves this None and adds
        that autocorrelation (and the jitter PSD S_jn) to ``noise_acf``.
    xt_cursors : sequence of array_like
        Crosstalk cursors, each at its own (e.g. worst) phase and already including the
        aggressor's transmitter (any length); the aggressor symbols are independent of the
        victim's, so only each one's autocorrelation enters (``sigma_x**2 A_xt' A_xt``).
    b_max, b_min : float or array_like (n_dfe,)
        DFE tap limits (relative to the unit main cursor); ``b_min`` defaults to ``-b_max``.
    tx_ffe_grid : array_like, shape (n_settings, n_tx_taps), optional
        TX FFE settings to search (main included, at ``tx_ffe_n_pre``); the RX MMSE is
        solved for each and the best FOM kept.  The sampling phase is not re-optimised
        per setting.
    tx_ffe_n_pre : int
        Main-cursor index in each TX FFE setting.
    ffe_limit : float or array_like (n_pre + 1 + n_post,), optional
        RX FFE tap limits relative to the main tap: ``|w_k| <= ffe_limit[k] w_main`` for
        every tap but the main one (178A: 0.7); ``inf`` or None = no limit.

    Returns
    -------
    MmseResult
    """
    h, i0 = _cursor_args(cursors, main_index)
    for label, val in (("n_pre", n_pre), ("n_post", n_post), ("n_dfe", n_dfe)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
            raise SIKernelError(f"{label}={val!r} must be an integer >= 0")
    mod = _validate.one_of("modulation", modulation, MODULATIONS)
    lv = MODULATIONS[mod]
    sx2 = symbol_variance(lv)
    rlm_v = _validate.finite_scalar("rlm", rlm, minimum=0.0, strict_min=True, maximum=1.0)
    if noise_acf is None:
        acf = np.zeros(1)
    else:
        acf = np.atleast_1d(np.asarray(noise_acf, dtype=float))
        if acf.ndim != 1 or not np.all(np.isfinite(acf)) or acf[0] < 0:
            raise SIKernelError("noise_acf must be a finite 1-D autocorrelation with R(0) >= 0")
    tx_rel = 0.0 if snr_tx_db is None else 10.0 ** (-_validate.finite_scalar("snr_tx_db",
                                                                             snr_tx_db) / 10)
    bmax = _limits("b_max", b_max, n_dfe, None)
    bmin = _limits("b_min", b_min, n_dfe, -bmax)
    wlim = _ffe_limits(ffe_limit, n_pre, n_post)
    xts = []
    for j, x in enumerate(xt_cursors):
        xa = np.asarray(x, dtype=float)
        if xa.ndim != 1 or xa.size == 0 or not np.all(np.isfinite(xa)):
            raise SIKernelError(f"xt_cursors[{j}] must be a finite non-empty 1-D array")
        xts.append(xa)
    settings: list[tuple[np.ndarray | None, np.ndarray, int]] = []
    if tx_ffe_grid is None:
        settings.append((None, h, i0))
    else:
        grid = np.asarray(tx_ffe_grid, dtype=float)
        if grid.ndim == 1:
            grid = grid[None, :]
        if grid.ndim != 2 or grid.shape[0] == 0 or grid.shape[1] == 0:
            raise SIKernelError(f"tx_ffe_grid must be (n_settings, n_taps); got {grid.shape}")
        if not 0 <= tx_ffe_n_pre < grid.shape[1]:
            raise SIKernelError(f"tx_ffe_n_pre={tx_ffe_n_pre!r} outside [0, {grid.shape[1] - 1}]")
        for row in grid:
            settings.append((row, np.convolve(row, h), i0 + int(tx_ffe_n_pre)))
    best: MmseResult | None = None
    for tx, hh, ii in settings:
        # aggressor cursors are taken as given (their own TX included)
        w, b, sat, parts, heq, m0 = _solve_one(hh, ii, n_pre, n_post, n_dfe, sx2, acf, xts,
                                               tx_rel, bmin, bmax, wlim)
        mse_v = float(sum(parts.values()))
        if not mse_v > 0:
            mse_v = float(np.finfo(float).tiny)
        fom = 20 * np.log10(rlm_v / (lv - 1) / np.sqrt(mse_v))
        if best is None or fom > best.fom_db:
            best = MmseResult(rx_ffe_taps=w.copy(), rx_ffe_n_pre=int(n_pre), dfe_taps=b,
                              dfe_saturated=sat, h_eq=heq, main_index=int(m0), mse=mse_v,
                              mse_parts=parts, snr_db=float(10 * np.log10(sx2 / mse_v)),
                              fom_db=float(fom), levels=lv, rlm=rlm_v,
                              tx_ffe_taps=None if tx is None else tx.copy(),
                              tx_ffe_n_pre=int(tx_ffe_n_pre),
                              meta={"n_settings": len(settings), "n_post": int(n_post),
                                    "n_dfe": int(n_dfe)})
    if best is None:  # pragma: no cover - settings is never empty
        raise RuntimeError("no equaliser setting evaluated")
    return best


@dataclass(frozen=True, eq=False)
class MmseBatchResult:
    """MMSE equalisers for many cursor vectors (e.g. one per TX FFE x CTLE setting).

    Attributes
    ----------
    fom_db, snr_db, mse : ndarray, shape (n_set,)
        Per row, as :attr:`MmseResult.fom_db` (dB), ``snr_db`` (dB) and ``mse``.
    rx_ffe_taps : ndarray, shape (n_set, n_pre + 1 + n_post)
        RX FFE taps per row.
    dfe_taps : ndarray, shape (n_set, n_dfe)
        DFE taps per row (relative to the unit main cursor).
    dfe_saturated : ndarray of bool, shape (n_set, n_dfe)
        True where a DFE tap sits at its limit.
    best : int
        Row with the highest FOM.
    levels : int
        Number of PAM levels L.
    rlm : float
        Level-mismatch ratio R_LM used in ``fom_db``.
    """

    fom_db: np.ndarray
    snr_db: np.ndarray
    mse: np.ndarray
    rx_ffe_taps: np.ndarray
    dfe_taps: np.ndarray
    dfe_saturated: np.ndarray
    best: int
    levels: int
    rlm: float


def mmse_batch(cursors: ArrayLike, main_index: int, n_pre: int = 5, n_post: int = 10,
               n_dfe: int = 1, *, modulation: str = "pam4", rlm: float = 1.0,
               noise_acf: ArrayLike | None = None, snr_tx_db: float | None = None,
               xt_cursors: ArrayLike | None = None, b_max: ArrayLike = 1.0,
               b_min: ArrayLike | None = None,
               ffe_limit: ArrayLike | None = None) -> MmseBatchResult:
    """:func:`mmse` for a batch of cursor vectors, compiled and parallel over the batch.

    Same model and result as :func:`mmse` per row (up to the diagonal loading
    ``BATCH_RIDGE``), using ``A'A = Toeplitz(autocorrelation of h)``.

    Parameters
    ----------
    cursors : array_like, shape (n_set, n_c)
        One row of symbol-spaced cursors per setting, main cursor at ``main_index`` in all.
    main_index, n_pre, n_post, n_dfe, modulation, rlm, snr_tx_db, b_max, b_min, ffe_limit
        As in :func:`mmse`.
    noise_acf : array_like, shape (L,) or (n_set, L), optional
        Noise autocorrelation at the FFE input, shared or per row (e.g. per CTLE setting).
    xt_cursors : array_like, shape (n_xt, n) or (n_set, n_xt, n), optional
        Crosstalk cursors (shared, or per row); only their autocorrelation matters.

    Returns
    -------
    MmseBatchResult
    """
    hs = np.asarray(cursors, dtype=float)
    if hs.ndim != 2 or hs.shape[0] == 0 or hs.shape[1] == 0:
        raise SIKernelError(f"cursors must be a non-empty (n_set, n_c) array; got {hs.shape}")
    if not np.all(np.isfinite(hs)):
        raise SIKernelError("cursors contain NaN or inf")
    if isinstance(main_index, bool) or not isinstance(main_index, int | np.integer) \
            or not 0 <= main_index < hs.shape[1]:
        raise SIKernelError(f"main_index={main_index!r} must be an integer in [0, {hs.shape[1] - 1}]")
    if np.any(hs[:, main_index] <= 0):
        raise SIKernelError("every row needs a positive main cursor at main_index")
    for label, val in (("n_pre", n_pre), ("n_post", n_post), ("n_dfe", n_dfe)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
            raise SIKernelError(f"{label}={val!r} must be an integer >= 0")
    lv = MODULATIONS[_validate.one_of("modulation", modulation, MODULATIONS)]
    sx2 = symbol_variance(lv)
    rlm_v = _validate.finite_scalar("rlm", rlm, minimum=0.0, strict_min=True, maximum=1.0)
    n_w = n_pre + 1 + n_post
    n_set = hs.shape[0]
    acfs = np.zeros((n_set, n_w))
    if noise_acf is not None:
        na = np.asarray(noise_acf, dtype=float)
        if na.ndim == 1:
            na = np.broadcast_to(na, (n_set, na.size))
        if na.ndim != 2 or na.shape[0] != n_set or not np.all(np.isfinite(na)) \
                or np.any(na[:, 0] < 0):
            raise SIKernelError("noise_acf must be (L,) or (n_set, L), finite, with R(0) >= 0")
        k = min(n_w, na.shape[1])
        acfs[:, :k] += na[:, :k]
    if xt_cursors is not None:
        xa = np.asarray(xt_cursors, dtype=float)
        if xa.ndim not in (2, 3) or (xa.ndim == 3 and xa.shape[0] != n_set) \
                or not np.all(np.isfinite(xa)):
            raise SIKernelError("xt_cursors must be (n_xt, n) or (n_set, n_xt, n), finite")
        if xa.ndim == 2:   # shared by every row: one autocorrelation
            acfs += sx2 * sum(_acf_of(x, n_w) for x in xa)
        else:
            for s_ in range(n_set):
                for x in xa[s_]:
                    acfs[s_] += sx2 * _acf_of(x, n_w)
    tx_rel = 0.0 if snr_tx_db is None else 10.0 ** (-_validate.finite_scalar(
        "snr_tx_db", snr_tx_db) / 10)
    bmax = _limits("b_max", b_max, n_dfe, None)
    bmin = _limits("b_min", b_min, n_dfe, -bmax)
    if np.any(bmin > bmax):
        raise SIKernelError(f"b_min={b_min!r} exceeds b_max={b_max!r} for some tap")
    wlim = _ffe_limits(ffe_limit, n_pre, n_post)
    w = np.empty((n_set, n_w))
    b = np.empty((n_set, n_dfe))
    sat = np.zeros((n_set, n_dfe), dtype=np.bool_)
    mse_v = np.empty(n_set)
    _k.mmse_batch(np.ascontiguousarray(hs), int(main_index), int(n_pre), int(n_post),
                  int(n_dfe), bmin, bmax, wlim, acfs, sx2, tx_rel, BATCH_RIDGE, _MAX_QP_ITER,
                  w, b, sat, mse_v)
    mse_v = np.maximum(mse_v, np.finfo(float).tiny)
    fom = 20 * np.log10(rlm_v / (lv - 1) / np.sqrt(mse_v))
    return MmseBatchResult(fom_db=fom, snr_db=10 * np.log10(sx2 / mse_v), mse=mse_v,
                           rx_ffe_taps=w, dfe_taps=b, dfe_saturated=sat,
                           best=int(np.argmax(fom)), levels=lv, rlm=rlm_v)


#: package-level name of :func:`mmse` (``sikernel.eq.mmse`` is this module)
solve_mmse = mmse

__all__ = ["MmseBatchResult", "MmseResult", "mmse", "mmse_batch", "noise_acf_from_psd",
           "solve_mmse", "symbol_variance"]
