"""802.3ck C2M (Annex 120G) eye height, VEO and VEC as the IEEE COM code computes them.

Source: ``com_ieee8023_93a_450.m`` of the public mirror Omer-Sella/COM (IEEE 802.3 COM
MATLAB code 4.50; not an official IEEE document).  With ``PMD_type`` = C2M, ``T_O`` != 0 and
``Min_VEO_Test`` != 0 (sheet ``3ck_SA_120g_C2M_tp1a``):

* the TX FFE x CTLE search (``optimize_fom(..., do_C2M = 1)``) ranks each setting by
  ``FOM = 20 log10(A_s / N_i)``, ``N_i = (2 A_s - EH)/2``, EH the eye height of
  :func:`eye_height` without crosstalk; a setting whose Gaussian estimate
  ``2 (A_s - Q sigma_tot)`` or whose EH is at most ``Min_VEO_Test`` is skipped (a second pass
  with ``Min_VEO_Test`` = 0 when no setting is left), sigma_tot as 93A-36 with the ISI
  beyond the cursor taken ``T_O`` early (``floor(T_O M)`` samples);
* at the chosen setting ``COM_eye_width`` builds the eye at DER_0 with crosstalk; the
  vertical eye opening ``VEO = EH_T - EH_B``, ``VEC = 20 log10(2 A_s / VEO)`` (124E-4 as
  coded) and the reported COM ``20 log10(2 A_s / (2 A_s - VEO))``.

:func:`eye_height` is ``get_pdf_full`` + ``COM_eye_width`` restricted to the window
``+-T_O`` (the only samples EH depends on): the pulse linearly interpolated to
``samples_for_C2M`` points per UI around the cursor, per sample point in the window the
residual-ISI PMF (DFE taps from the cursor phase, cancelling over each post-cursor's UI),
its own jitter slope ``h_J``, Gaussian noise ``sqrt((sigma_RJ sigma_X |h_J|)^2 + sigma_N^2 +
sigma_TX^2)`` and dual-Dirac ``A_DD h_J``, the L signal levels ``R_LM h(t) (2l/(L-1) - 1)``;
the window's PMFs summed with Gaussian weights of sigma ``sigma_r`` UI
(``Histogram_Window_Weight``), and the eye edges read where ``min(CDF, 1 - CDF)``
passes DER_0; the smallest of the L - 1 eyes is reported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import erfcinv

from ..errors import SIKernelError, SIKernelWarning
from ._com_search import _fom_terms, _replay_local_search, _tx_apply
from .presets import WINDOWS


@dataclass(frozen=True)
class C2MEye:
    """Eye at DER_0 of one C2M evaluation (volts).

    Attributes
    ----------
    eh_top_v, eh_bot_v : float
        ``EH_T`` and ``EH_B`` of the smallest eye (top and bottom edge).
    veo_v : float
        Vertical eye opening ``EH_T - EH_B``.
    """

    eh_top_v: float
    eh_bot_v: float

    @property
    def veo_v(self) -> float:
        return self.eh_top_v - self.eh_bot_v


def ber_q(der0: float) -> float:
    """Q of DER_0: ``sqrt(2) erfcinv(2 DER_0)`` (the reference's ``ber_q``).

    Parameters
    ----------
    der0 : float
        Detector error ratio DER_0.

    Returns
    -------
    float
    """
    return float(np.sqrt(2.0) * erfcinv(2.0 * der0))


def window_weights(kind: str, t_o_samples: int, ql: float) -> np.ndarray:
    """Weights of the 2 T_O + 1 histogram columns (``COM_eye_width``).

    Parameters
    ----------
    kind : str
        ``Histogram_Window_Weight``: gaussian, triangle, rectangle or dual_rayleigh.
    t_o_samples : int
        T_O in samples of ``samples_for_C2M``.
    ql : float
        The reference's ``QL = T_O/sigma_r`` (both in UI): Gaussian sigma = ``T_O/QL``.

    Returns
    -------
    ndarray
        ``2 t_o_samples + 1`` weights.
    """
    k = kind.lower()
    x = np.arange(-t_o_samples, t_o_samples + 1, dtype=float)
    if k in ("gaussian", "norm", "normal", "guassian"):
        s = t_o_samples / ql
        return np.exp(-0.5 * (x / s) ** 2)
    if k == "triangle":
        step = 1.0 / t_o_samples
        up = np.arange(0.0, 1.0 + step / 2, step)
        return np.concatenate([up, up[-2::-1]])
    if k == "rectangle":
        return np.ones(x.size)
    if k == "dual_rayleigh":
        s = t_o_samples / ql
        w = ((x + t_o_samples) / s**2 * np.exp(-0.5 * ((x + t_o_samples) / s) ** 2)
             - (x - t_o_samples) / s**2 * np.exp(-0.5 * ((x - t_o_samples) / s) ** 2))
        return w / w.max()
    raise SIKernelError(f"Histogram_Window_Weight = {kind!r} not recognised; expected one of {WINDOWS}")


def _mround(x: np.ndarray | float) -> Any:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _interp(pv: np.ndarray, i0: int, m: int, s: int) -> tuple[np.ndarray, int]:
    """``get_pdf_full``'s time axis: the pulse (T/m samples, cursor at ``i0``) linearly
    interpolated at k/s UI from the cursor; returns (samples, index of the cursor)."""
    n = pv.size
    kmin = int(np.ceil(-i0 * s / m - 1e-9))
    kmax = int(np.floor((n - 1 - i0) * s / m + 1e-9))
    k = np.arange(kmin, kmax + 1)
    pos = np.clip(i0 + k * (m / s), 0.0, n - 1.0)
    return np.interp(pos, np.arange(n, dtype=float), pv), -kmin


def _pmf(v: np.ndarray, n_levels: int, dy: float) -> tuple[np.ndarray, int]:
    from .._kernels import c2m as _k

    v = np.ascontiguousarray(v, dtype=float)
    if v.size == 0:
        return np.ones(1), 0
    n, _ = _k.sampled_pmf_size(v, n_levels, dy)
    out = np.empty(max(int(n), 1))
    lo = int(_k.sampled_pmf(v, n_levels, dy, out))
    return out[: int(n)], lo


def _conv(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    from scipy.signal import fftconvolve

    ya, la = a
    yb, lb = b
    if ya.size == 1 or yb.size == 1 or ya.size * yb.size < 200_000:
        y = np.convolve(ya, yb)
    else:
        y = np.maximum(fftconvolve(ya, yb), 0.0)
    return y, la + lb


def xtalk_pmf(samples: list[np.ndarray], n_levels: int, dy: float) -> tuple[np.ndarray, int]:
    """Crosstalk PMF ``cci_pdf`` of ``Create_Noise_PDF``: the convolution of each aggressor's
    PMF (``get_pdf`` at its worst phase).

    Parameters
    ----------
    samples : list of ndarray
        Each aggressor's pulse samples at its worst phase (V).
    n_levels : int
        PAM levels L.
    dy : float
        Bin (V).

    Returns
    -------
    (ndarray, int)
        Probabilities and the lowest bin.
    """
    out: tuple[np.ndarray, int] = (np.ones(1), 0)
    for s in samples:
        out = _conv(out, _pmf(s, n_levels, dy))
    return out


def eye_height(pv: np.ndarray, i0: int, *, m: int, n_levels: int, r_lm: float,
               bmax: np.ndarray, bmin: np.ndarray, sigma_n_v: float, sigma_tx_v: float,
               sigma_rj_ui: float, a_dd_ui: float, der0: float, dy: float,
               t_o_mui: float, samples_per_ui: int, sigma_r_ui: float, window: str,
               cci: tuple[np.ndarray, int] | None = None) -> C2MEye:
    """EH_T and EH_B of ``COM_eye_width`` (``get_pdf_full``; reference 4.50) over +-T_O.

    Parameters
    ----------
    pv : ndarray
        The equalised pulse (TX FFE, CTLE, RX filter), T/m samples.
    i0 : int
        Index of the sampling point (the cursor) in ``pv``.
    m, n_levels : int
        Samples per UI of ``pv``; PAM levels L.
    r_lm : float
        Level separation mismatch ratio R_LM.
    sigma_rj_ui, a_dd_ui : float
        Random jitter RMS and dual-Dirac jitter (UI).
    der0 : float
        DER_0 at which the eye edges are read.
    bmax, bmin : ndarray
        DFE tap limits (relative to the cursor), N_b each.
    sigma_n_v, sigma_tx_v : float
        RMS of the eta_0 noise and of the TX noise (93A-30) in volts.
    dy : float
        PMF bin (``min(A_s/1000, 10 uV)``).
    t_o_mui, samples_per_ui, sigma_r_ui, window : float, int, float, str
        ``T_O``, ``samples_for_C2M``, ``sigma_r``, ``Histogram_Window_Weight``.
    cci : (ndarray, int), optional
        Crosstalk PMF (:func:`xtalk_pmf`); None during the search, as the reference.

    Returns
    -------
    C2MEye
    """
    from .._kernels import c2m as _k

    s = int(samples_per_ui)
    t_o = int(np.floor(t_o_mui / 1000.0 * s))
    if t_o < 1:
        raise SIKernelError(f"C2M: T_O = {t_o_mui} mUI is below one of samples_for_C2M = {s} samples "
                            "per UI; expected T_O >= 1000/samples_for_C2M mUI")
    half = int(np.argmin(np.abs(np.arange(s) / s - 0.5))) + 1      # get_center_of_UI (1-based)
    sig_x = np.sqrt((n_levels**2 - 1) / (3.0 * (n_levels - 1) ** 2))
    sbr, ts = _interp(np.asarray(pv, dtype=float), int(i0), int(m), s)
    # DFE on the cursor's phase (1-based MATLAB indices written 0-based below)
    nb = int(bmax.size)
    h0 = sbr[ts]
    ideal = sbr[ts + s * np.arange(1, nb + 1)] if nb else np.zeros(0)
    eff = np.minimum(np.maximum(ideal, h0 * bmin), h0 * bmax) if nb else ideal
    res = sbr.copy()
    start = ts - half + 1 + s                    # start_cancel - 1
    if nb:
        res[start: start + nb * s] -= np.repeat(eff, s)
    a_s_vec = r_lm * sbr[start - s: start] / (n_levels - 1) * (n_levels - 1)
    res[start - s: start] = 0.0
    nui = int(_mround(res.size / s))
    vs = res[s: s * (nui - 1)].reshape(nui - 2, s)
    vs_raw = sbr[s: s * (nui - 1)].reshape(nui - 2, s)
    ph = (ts + 1) % s
    ph = s if ph == 0 else ph
    shift = half - ph
    vs_shift = np.roll(vs, shift, axis=1)
    n_rows = vs_raw.shape[0]
    levels = 2.0 * np.arange(n_levels) / (n_levels - 1) - 1.0
    q = ber_q(der0)
    w = window_weights(window, t_o, t_o_mui / sigma_r_ui / 1000.0)
    cols = range(half - t_o, half + t_o + 1)       # 1-based columns
    bases = []
    for k in cols:
        hk = k - shift
        hk = hk + s if hk < 1 else (hk - s if hk > s else hk)
        hj = np.zeros(n_rows)
        if hk == 1:
            hj[: n_rows - 1] = (vs_raw[1:, hk] - vs_raw[:-1, s - 1]) / 2 * s
        elif hk == s:
            hj[: n_rows - 1] = (vs_raw[1:, 0] - vs_raw[:-1, hk - 2]) / 2 * s
        else:
            hj[:] = (vs_raw[:, hk] - vs_raw[:, hk - 2]) / 2 * s
        sig_g = float(np.linalg.norm([sigma_rj_ui * sig_x * np.linalg.norm(hj), sigma_n_v, sigma_tx_v]))
        gy, glo = _k.gaussian_pmf(sig_g, q, dy)
        noise = _conv((gy, int(glo)), _pmf(a_dd_ui * hj, n_levels, dy))
        isi = _pmf(vs_shift[:, k - 1], n_levels, dy)
        if cci is not None:
            isi = _conv(isi, cci)
        bases.append(_conv(isi, noise))
    edges = []
    for lv in levels:
        lo = min(b[1] + int(_mround(a_s_vec[k - 1] * lv / dy)) for b, k in zip(bases, cols, strict=True))
        hi = max(b[1] + int(_mround(a_s_vec[k - 1] * lv / dy)) + b[0].size
                 for b, k in zip(bases, cols, strict=True))
        acc = np.zeros(hi - lo)
        for (y, blo), k, wk in zip(bases, cols, w, strict=True):
            o = blo + int(_mround(a_s_vec[k - 1] * lv / dy)) - lo
            acc[o: o + y.size] += y * wk
        acc /= acc.sum()
        b_lo, b_hi = _k.ber_edges(acc, lo, der0)
        edges.append((b_lo * dy, b_hi * dy))
    # eye n between level n (upper edge) and level n + 1 (lower edge); the smallest one
    eh = [(edges[n + 1][0], edges[n][1]) for n in range(n_levels - 1)]
    top, bot = min(eh, key=lambda tb: tb[0] - tb[1])
    return C2MEye(eh_top_v=float(top), eh_bot_v=float(bot))


__all__ = ["WINDOWS", "C2MEye", "ber_q", "eye_height", "window_weights", "xtalk_pmf"]


# -- the C2M search and read-out (optimize_fom(..., do_C2M = 1), COM main loop) ------------
def ctle_qual(settings: np.ndarray, gqual: tuple, g2qual: tuple) -> np.ndarray:
    """Which CTLE settings (rows ``(g_DC, g_DC2)`` of ``settings``) ``G_Qual``/``G2_Qual`` allow
    (``optimize_fom``, "GDC Qual construction"): G2_Qual sorted descending gives the g_DC2
    bands ``[g2_k, g2_{k-1})`` (the first ``[g2_1, g2_1 + eps)``), each with its g_DC band
    ``[min, max)`` of the matching G_Qual row.  All allowed when both are empty.

    Parameters
    ----------
    settings : ndarray, shape (n, 2)
        CTLE settings (g_DC, g_DC2) in dB.
    gqual : tuple of (float, float)
        ``G_Qual`` rows.
    g2qual : tuple of float
        ``G2_Qual`` values, one per row.

    Returns
    -------
    ndarray of bool
    """
    ok = np.ones(settings.shape[0], dtype=bool)
    if not gqual and not g2qual:
        return ok
    g2 = np.asarray(g2qual, dtype=float)
    order = np.argsort(-g2, kind="stable")
    g2 = g2[order]
    gq = np.sort(np.asarray(gqual, dtype=float)[order], axis=1)[:, ::-1]
    eps = np.finfo(float).eps
    bands = [(g2[0] + eps, g2[0])] + [(g2[k - 1], g2[k]) for k in range(1, g2.size)]
    for r, (g, h) in enumerate(settings):
        ok[r] = any(b_lo <= h < b_hi and gq[kk, 1] <= g < gq[kk, 0]
                    for kk, (b_hi, b_lo) in enumerate(bands))
    return ok


def _eye_args(p: Any) -> dict[str, Any]:
    return dict(m=p.samples_per_ui, n_levels=p.n_levels, r_lm=p.r_lm,
                bmax=np.asarray(p.dfe_bmax, dtype=float), bmin=np.asarray(p.bmin, dtype=float),
                sigma_rj_ui=p.sigma_rj_ui, a_dd_ui=p.a_dd_ui, der0=p.der0, t_o_mui=p.c2m_t_o_mui,
                samples_per_ui=p.c2m_samples_per_ui, sigma_r_ui=p.c2m_sigma_r_ui, window=p.c2m_window)


#: the reference's PDF bin limit (``OP.BinSize``, keyword ``PDF bin size``, default 1e-5 V)
BIN_V = 1e-5


def _point_fom(pv: np.ndarray, i: int, p: Any, var_n: float, var_xt: float, best: float,
               min_veo: float) -> float:
    """C2M FOM of one setting (``optimize_fom`` with ``do_C2M``), -inf where the reference skips it.

    ``pv``: TX FFE + CTLE pulse; ``i``: its Mueller-Muller sampling index.  Reproduces the
    reference's skips in its order: ``20 log10(A_s/sigma_ISI) < best`` without, then with the
    DFE span (EXE_MODE 1), ``EH_1st <= Min_VEO_Test - 1 mV`` and ``EH <= Min_VEO_Test``."""
    m = p.samples_per_ui
    L = p.n_levels
    sig_x = np.sqrt((L * L - 1) / (3.0 * (L - 1) ** 2))
    h0 = float(pv[i])
    a_s = p.r_lm * h0 / (L - 1)
    if not a_s > 0:
        return -np.inf
    t_o = max(0, int(np.floor(p.c2m_t_o_mui / 1000.0 * m)))
    nb = len(p.dfe_bmax)
    pre = pv[i - m::-m] if i - m >= 0 else np.zeros(0)
    far = pv[i - t_o + m * (nb + 1)::m]
    s0 = sig_x * np.sqrt(np.sum(pre**2) + np.sum(far**2))
    if s0 > 0 and 20 * np.log10(a_s / s0) < best:
        return -np.inf
    n_ = np.arange(1, nb + 1)
    need = i + m * (nb + 1)
    pvz = pv if pv.size >= need + 1 else np.concatenate([pv, np.zeros(need + 1 - pv.size)])
    dfec = pvz[i + m * n_]
    act = np.minimum(np.maximum(dfec, h0 * np.asarray(p.bmin)), h0 * np.asarray(p.dfe_bmax))
    exc = pvz[i - t_o + m * n_] - act
    s_isi = sig_x * np.sqrt(np.sum(pre**2) + np.sum(exc**2) + np.sum(far**2))
    if s_isi > 0 and 20 * np.log10(a_s / s_isi) < best:
        return -np.inf
    off = (i + 1) % m                              # sampling_offset (1-based)
    off = off + m if off <= 1 else off
    late = pv[off::m]
    early = pv[off - 2::m][: late.size]
    hj = (late - early) / 2 * m
    s_j = np.hypot(p.a_dd_ui, p.sigma_rj_ui) * sig_x * np.linalg.norm(hj)
    s_tx = (L - 1) * a_s / p.r_lm * 10 ** (-p.snr_tx_db / 20)
    tot = np.sqrt(s_isi**2 + s_j**2 + var_xt + var_n + s_tx**2)
    eh1 = 2 * (a_s - erfcinv(p.der0 * 2) * 2 / np.sqrt(2) * tot)
    if eh1 <= min_veo - 0.001:
        return -np.inf
    dy = min(a_s / 1000.0, BIN_V)
    e = eye_height(pv, i, sigma_n_v=float(np.sqrt(var_n)), sigma_tx_v=float(s_tx), dy=dy, **_eye_args(p))
    eh = e.veo_v
    if eh <= min_veo:
        return -np.inf
    return float(20 * np.log10(a_s / ((2 * a_s - eh) / 2)))


def search(p: Any, bv: np.ndarray, bxa: np.ndarray, is_fext: np.ndarray, w_ctle: np.ndarray,
           var_n: np.ndarray, tx: np.ndarray, offs: np.ndarray, cursor_grid: np.ndarray,
           settings: np.ndarray) -> tuple[int, int, float, int]:
    """(CTLE index, TX index, C2M FOM, points evaluated) chosen by ``optimize_fom(..., do_C2M=1)``.

    The reference's loop order, Local Search skips and prunes are replayed with
    :func:`sikernel._kernels.com.local_search_pick`; each point it reaches is
    evaluated by :func:`_point_fom`.  No point: a second pass with ``Min_VEO_Test`` = 0, as
    the reference; still none: ``SIKernelError``.

    Parameters
    ----------
    p : ComPreset
        The (C2M) preset.
    bv, bxa : ndarray
        Victim and aggressor CTLE-basis pulses (``sikernel.eye.com``'s ``win`` layout).
    is_fext : ndarray of bool
        Aggressor kinds.
    w_ctle : ndarray
        CTLE basis weights per setting.
    var_n : ndarray
        sigma_N^2 per CTLE setting.
    tx, offs : ndarray
        TX settings and tap offsets.
    cursor_grid : ndarray of int
        Sampling index per (CTLE, TX) point (-1: none), from the COM grid.
    settings : ndarray
        (g_DC, g_DC2) per CTLE setting.

    Returns
    -------
    (int, int, float, int)
    """
    from .._kernels import com as _kc

    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    n_k, n_tx = cursor_grid.shape
    qual = ctle_qual(settings, p.ctle_gqual_db, p.ctle_g2qual_db)
    n_g = len(p.ctle_gdc_db)
    n_g2 = n_k // n_g
    q_cache: dict[int, np.ndarray] = {}
    xt_cache: dict[int, np.ndarray] = {}
    count = 0
    for min_veo in (p.c2m_min_veo_test_v, 0.0):
        fom = np.full((n_k, n_tx), np.inf)
        exact = np.zeros((n_k, n_tx), dtype=np.bool_)
        bad = (cursor_grid < 0) | ~qual[:, None]
        fom[bad] = -np.inf
        exact[bad] = True

        def evaluate(k: int, t: int, best_db: float, fom=fom, exact=exact, min_veo=min_veo) -> None:
            if k not in q_cache:
                q_cache[k] = w_ctle[k] @ bv
                xt_cache[k] = np.array([w_ctle[k] @ bxa[j]
                                        for j in range(bxa.shape[0])]).reshape(-1, bv.shape[1])
            q = q_cache[k]
            var_xt = 0.0
            if bxa.shape[0]:
                terms = _fom_terms(q, xt_cache[k], is_fext, tx[t], offs, float(var_n[k]), p)
                var_xt = float(terms[_kc.T_VXT])
            pv = _tx_apply(q, tx[t], offs, m, pad)
            fom[k, t] = _point_fom(pv, int(cursor_grid[k, t]) + pad, p, float(var_n[k]), var_xt,
                                   best_db, min_veo)
            exact[k, t] = True

        pick, best_db, n_evaluated = _replay_local_search(p, fom, exact, n_g, n_g2, tx, evaluate)
        count += n_evaluated
        if pick >= 0:
            k, t = divmod(pick, n_tx)
            return k, t, best_db, count
    raise SIKernelError("C2M: no TX FFE x CTLE setting gives an eye (EH > 0) at DER_0 (the reference "
                        "code reports 'equalization failed'); the channel is beyond the C2M sheet's reach")


def _xt_phase(px: np.ndarray, m: int, n_levels: int, dy: float) -> np.ndarray:
    """An aggressor's samples at the phase ``get_pdf`` takes: the largest standard deviation
    of its binned PMF (first on ties), not the largest sum of squares."""
    best, k_best = -1.0, 0
    for k in range(m):
        y, lo = _pmf(px[k::m], n_levels, dy)
        x = (lo + np.arange(y.size)) * dy
        sd = float(np.sqrt(np.sum(x * x * y)))
        if sd > best:
            best, k_best = sd, k
    return px[k_best::m]


def read_out(p: Any, q: np.ndarray, xq: list[tuple[np.ndarray, bool]], c: np.ndarray,
             offs: np.ndarray, ix: int, var_n: float) -> dict[str, float]:
    """VEO, VEC and the C2M COM at the chosen setting (``COM_eye_width`` with ``Create_Noise_PDF``'s
    crosstalk PMF; main loop of ``com_ieee8023_93a_450.m``: ``VEC = 20 log10(2 A_s/VEO)``,
    ``COM = 20 log10(2 A_s/(2 A_s - VEO))``).  ``xq``: aggressor pulses after the CTLE with
    their FEXT flag (FEXT through the victim's TX FFE).

    Parameters
    ----------
    p : ComPreset
        The (C2M) preset.
    q : ndarray
        Victim pulse after the CTLE.
    xq : list of (ndarray, bool)
        Aggressor pulses after the CTLE, FEXT flag.
    c, offs : ndarray
        TX FFE taps and offsets.
    ix : int
        Sampling index in ``q``.
    var_n : float
        sigma_N^2.

    Returns
    -------
    dict
        ``a_s_v``, ``veo_v``, ``eh_top_v``, ``eh_bot_v``, ``vec_db``, ``com_db``, ``a_ni_v``,
        ``bin_v``.
    """
    m = p.samples_per_ui
    L = p.n_levels
    pad = (int(np.max(np.abs(offs))) + 2) * m
    pv = _tx_apply(q, c, offs, m, pad)
    i = ix + pad
    h0 = float(pv[i])
    a_s = p.r_lm * h0 / (L - 1)
    if not a_s > 0:
        raise SIKernelError(f"C2M: the signal amplitude A_s = {a_s:g} V at the chosen setting is not "
                            "positive")
    dy = min(a_s / 1000.0, BIN_V)
    one = (offs == 0).astype(float)
    xs = [_xt_phase(_tx_apply(x, c if fe else one, offs, m, pad), m, L, dy) for x, fe in xq]
    cci = xtalk_pmf(xs, L, dy) if xs else None
    s_tx = (L - 1) * a_s / p.r_lm * 10 ** (-p.snr_tx_db / 20)
    e = eye_height(pv, i, sigma_n_v=float(np.sqrt(var_n)), sigma_tx_v=float(s_tx), dy=dy, cci=cci,
                   **_eye_args(p))
    veo = e.veo_v
    a_ni = 2 * a_s - veo
    if veo > 0:
        vec = 20 * np.log10(max(2 * a_s / veo, np.finfo(float).eps))
    else:
        # the reference clips the log argument to eps and reports about -313 dB; a closed
        # eye has no finite VEC, so it is +inf here, and said aloud
        vec = np.inf
        warnings.warn(f"C2M: the eye is closed at DER_0 (VEO = {veo:g} V <= 0); VEC is reported "
                      "as +inf and the case fails (the IEEE code prints about -313 dB)",
                      SIKernelWarning, stacklevel=3)
    if not a_ni > 0:
        raise SIKernelError(f"C2M: the eye opening VEO = {veo:g} V reaches 2 A_s = {2 * a_s:g} V: "
                            "no noise or interference at all (check eta_0, SNR_TX, sigma_RJ)")
    return {"a_s_v": float(a_s), "veo_v": float(veo), "eh_top_v": e.eh_top_v, "eh_bot_v": e.eh_bot_v,
            "vec_db": float(vec), "com_db": float(20 * np.log10(2 * a_s / a_ni)), "a_ni_v": float(a_ni),
            "bin_v": float(dy)}


__all__ += ["BIN_V", "ctle_qual", "read_out", "search"]
