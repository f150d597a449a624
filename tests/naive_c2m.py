"""Slow, obvious NumPy reference of the 802.3ck C2M eye height (tests and benches only).

:func:`naive_eye_height` computes what :func:`sikernel.eye.c2m.eye_height` computes (the IEEE
COM code 4.50's ``get_pdf_full`` + ``COM_eye_width`` over +-T_O) from the same inputs, written
plainly: every PMF on integer bins, built by ``np.convolve`` of one L-point distribution per
sample in the reference's order (largest ``|v|`` first), every convolution direct (no FFT),
the Gaussian by its formula, the eye edges from ``np.cumsum``.  Nothing from sikernel is
called.  A delta ``a_l |v|`` goes to its nearest bin, half away from zero, with the same
magnitude for level ``l`` and its mirror (``a_l = (2 l - (L - 1))/(L - 1)`` as an integer
ratio), as sikernel's kernel and the reference's ``Init_PDF_Fast`` round it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfcinv


def _round(x: float) -> int:
    """MATLAB ``round``: half away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def naive_pmf(v: np.ndarray, n_levels: int, dy: float) -> tuple[np.ndarray, int]:
    """``get_pdf_from_sampled_signal``: PMF of ``sum_k a_k v_k`` (a_k uniform on the L levels),
    samples with ``|v| < dy`` dropped (and those ``<= dy`` when ``max(v) > dy``); (y, lowest bin)."""
    v = np.asarray(v, dtype=float)
    if v.size == 0:
        return np.ones(1), 0
    keep_all = float(np.max(v)) <= dy
    y, lo = np.ones(1), 0
    for a in sorted(np.abs(v).tolist(), reverse=True):
        if a < dy or (a <= dy and not keep_all):
            continue
        bins = []
        for m in range(n_levels):
            k = 2 * m - (n_levels - 1)
            q = _round(a / dy * (abs(k) / (n_levels - 1)))
            bins.append(q if k >= 0 else -q)
        d = np.zeros(bins[-1] - bins[0] + 1)
        for b in bins:
            d[b - bins[0]] += 1.0 / n_levels
        y = np.convolve(y, d)
        lo += bins[0]
    return y, lo


def naive_gaussian(sigma: float, q: float, dy: float) -> tuple[np.ndarray, int]:
    """``normal_dist``: bins -round(2 q sigma/dy) .. +, ``exp(-x^2/(2 sigma^2 + eps))`` normalised."""
    nmin = -_round(2.0 * q * sigma / dy)
    x = np.arange(nmin, -nmin + 1) * dy
    y = np.exp(-x * x / (2.0 * sigma * sigma + np.finfo(float).eps))
    return y / y.sum(), nmin


def naive_conv(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """PMF of the sum: direct convolution."""
    return np.convolve(a[0], b[0]), a[1] + b[1]


def naive_edges(y: np.ndarray, lo: int, der: float) -> tuple[int, int]:
    """First and last bin where min(CDF, 1 - CDF + p) > der; (1, 0) when none."""
    c_up = np.cumsum(y)
    c_dn = np.cumsum(y[::-1])[::-1]
    ok = np.flatnonzero(np.minimum(c_up, c_dn) > der)
    if ok.size == 0:
        return 1, 0
    return lo + int(ok[0]), lo + int(ok[-1])


def naive_window(kind: str, t_o: int, ql: float) -> np.ndarray:
    """Histogram column weights (``COM_eye_width``)."""
    x = np.arange(-t_o, t_o + 1, dtype=float)
    k = kind.lower()
    if k in ("gaussian", "norm", "normal", "guassian"):
        return np.exp(-0.5 * (x / (t_o / ql)) ** 2)
    if k == "rectangle":
        return np.ones(x.size)
    if k == "triangle":
        return 1.0 - np.abs(x) / t_o
    if k == "dual_rayleigh":
        s = t_o / ql
        w = ((x + t_o) / s**2 * np.exp(-0.5 * ((x + t_o) / s) ** 2)
             - (x - t_o) / s**2 * np.exp(-0.5 * ((x - t_o) / s) ** 2))
        return w / w.max()
    raise ValueError(kind)


def naive_eye_height(pv, i0, *, m, n_levels, r_lm, bmax, bmin, sigma_n_v, sigma_tx_v, sigma_rj_ui,
                     a_dd_ui, der0, dy, t_o_mui, samples_per_ui, sigma_r_ui, window, cci=None):
    """(EH_T, EH_B) of the smallest eye, same arguments as ``sikernel.eye.c2m.eye_height``."""
    pv = np.asarray(pv, dtype=float)
    s = int(samples_per_ui)
    t_o = math.floor(t_o_mui / 1000.0 * s)
    half = int(np.argmin(np.abs(np.arange(s) / s - 0.5))) + 1   # get_center_of_UI (1-based)
    sig_x = math.sqrt((n_levels**2 - 1) / (3.0 * (n_levels - 1) ** 2))
    # the pulse linearly interpolated at k/s UI from the cursor, every k that stays inside it
    n = pv.size
    ks = list(range(math.ceil(-i0 * s / m - 1e-9), math.floor((n - 1 - i0) * s / m + 1e-9) + 1))
    sbr = np.interp(np.clip(i0 + np.array(ks) * (m / s), 0.0, n - 1.0), np.arange(n, dtype=float), pv)
    ts = ks.index(0)
    # DFE on the cursor's phase, each post-cursor's UI cancelled by its tap
    nb = len(bmax)
    h0 = sbr[ts]
    res = sbr.copy()
    start = ts - half + 1 + s
    for j in range(nb):
        tap = min(max(sbr[ts + s * (j + 1)], h0 * bmin[j]), h0 * bmax[j])
        res[start + j * s: start + (j + 1) * s] -= tap
    a_s = [r_lm * sbr[start - s + c] for c in range(s)]
    res[start - s: start] = 0.0
    nui = _round(res.size / s)
    rows = nui - 2
    ph = (ts + 1) % s or s
    shift = half - ph
    q = math.sqrt(2.0) * float(erfcinv(2.0 * der0))
    w = naive_window(window, t_o, t_o_mui / sigma_r_ui / 1000.0)
    bases, a_col = [], []
    for k in range(half - t_o, half + t_o + 1):       # 1-based columns of the shifted histogram
        hk = k - shift
        hk = hk + s if hk < 1 else (hk - s if hk > s else hk)
        # jitter slope of column hk, row r = UI r + 1 of the pulse (central difference)
        def raw(r: int, c: int) -> float:              # UI r + 1 of the pulse, sample c (0-based)
            return float(sbr[s * (r + 1) + c])

        hj = np.zeros(rows)
        for r in range(rows):
            if hk == 1:                               # as coded: wraps to the next UI's row
                hj[r] = (raw(r + 1, 1) - raw(r, s - 1)) / 2 * s if r < rows - 1 else 0.0
            elif hk == s:
                hj[r] = (raw(r + 1, 0) - raw(r, s - 2)) / 2 * s if r < rows - 1 else 0.0
            else:
                hj[r] = (raw(r, hk) - raw(r, hk - 2)) / 2 * s
        sig_g = math.sqrt((sigma_rj_ui * sig_x * math.sqrt(float(np.sum(hj * hj)))) ** 2
                          + sigma_n_v**2 + sigma_tx_v**2)
        noise = naive_conv(naive_gaussian(sig_g, q, dy), naive_pmf(a_dd_ui * hj, n_levels, dy))
        # residual ISI of column k: the residual pulse's sample k of each UI, rolled by `shift`
        col = (k - 1 - shift) % s
        isi = naive_pmf(np.array([res[s * (r + 1) + col] for r in range(rows)]), n_levels, dy)
        if cci is not None:
            isi = naive_conv(isi, cci)
        bases.append(naive_conv(isi, noise))
        a_col.append(a_s[k - 1])
    levels = [2.0 * lv / (n_levels - 1) - 1.0 for lv in range(n_levels)]
    edges = []
    for lv in levels:
        offs = [b[1] + _round(a * lv / dy) for b, a in zip(bases, a_col, strict=True)]
        lo = min(offs)
        hi = max(o + b[0].size for o, b in zip(offs, bases, strict=True))
        acc = np.zeros(hi - lo)
        for o, (y, _), wk in zip(offs, bases, w, strict=True):
            acc[o - lo: o - lo + y.size] += y * wk
        b_lo, b_hi = naive_edges(acc / acc.sum(), lo, der0)
        edges.append((b_lo * dy, b_hi * dy))
    eyes = [(edges[j + 1][0], edges[j][1]) for j in range(n_levels - 1)]
    return min(eyes, key=lambda tb: tb[0] - tb[1])
