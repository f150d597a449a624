"""Slow, obvious NumPy references for the COM kernels (tests only).

``naive_fom`` builds the whole TX-equalised pulse with explicit shifts, finds the
Mueller-Mueller sampling point by brute force and sums every term of 93A-30..36
directly (no autocorrelation trick); ``naive_grid`` is a Python loop of it over a
TX FFE x CTLE grid.
"""

from __future__ import annotations

import numpy as np


def tx_pulse(q: np.ndarray, offs: np.ndarray, c: np.ndarray, m: int, pad_ui: int) -> np.ndarray:
    """p(i) = sum_a c_a q(i - o_a M) on the window extended by pad_ui UI on both sides."""
    pad = pad_ui * m
    qq = np.concatenate([np.zeros(pad), q, np.zeros(pad)])
    p = np.zeros_like(qq)
    for o, ca in zip(offs, c, strict=True):
        p += ca * np.roll(qq, o * m)
    return p, pad


def naive_fom(q, offs, c, m, bmin, bmax, var_n, n_levels, r_lm, snr_tx_db, a_dd, s_rj,
              xt=(), xt_fext=(), mm_tol=0.0, flt=None):
    """Return (fom_db, cursor index in q's window, terms dict).

    ``flt``: floating DFE taps / tail limit (N_bg, N_bf, N_f, bmaxg, B_float_RSS_MAX,
    N_tail_start) by :func:`naive_dfe`; None: the fixed DFE of 93A-26 only.

    ``mm_tol < 0``: IEEE MATLAB COM sampling rule (:func:`naive_mm_ieee`; no rising crossing
    -> (-inf, -1, {})); ``mm_tol >= 0``: minimum residual within one UI of the peak, near-exact
    (< mm_tol) candidates first (the last at or before the peak).
    """
    pad_ui = int(np.max(np.abs(offs))) + 8
    p, pad = tx_pulse(q, offs, c, m, pad_ui)
    jpk = int(np.argmax(p))  # global peak of the equalised pulse
    if mm_tol < 0:
        ix = naive_mm_ieee(p, m, bmax[0] if len(bmax) else 0.0)
        if ix < 0:
            return -np.inf, -1, {}
    else:
        best, res_min, exact = -1, np.inf, []
        for j in range(jpk - m, jpk + m):
            h0 = p[j]
            if h0 <= 0:
                continue
            b1 = np.clip(p[j + m] / h0, bmin[0], bmax[0]) if len(bmax) else 0.0
            res = abs(p[j - m] - (p[j + m] - b1 * h0))
            if res < mm_tol:
                exact.append(j)
            if res < res_min:
                res_min, best = res, j
        pre = [j for j in exact if j <= jpk]
        ix = pre[-1] if pre else (exact[0] if exact else best)  # index in padded p
    h0 = p[ix]
    ph = ix % m
    h = p[ph::m]
    n0 = (ix - ph) // m
    isi = h.copy()
    isi[n0] = 0.0
    if flt is None:
        for k in range(len(bmax)):
            if n0 + 1 + k < isi.size:
                b = np.clip(isi[n0 + 1 + k] / h0, bmin[k], bmax[k])
                isi[n0 + 1 + k] -= b * h0
    else:
        taps = naive_dfe(h[n0 + 1:], h0, bmin, bmax, flt)
        for k, b in enumerate(taps):
            if n0 + 1 + k < isi.size:
                isi[n0 + 1 + k] -= b * h0
    var_x = (n_levels**2 - 1) / (3 * (n_levels - 1) ** 2)
    hj = (np.roll(p, -1)[ph::m] - np.roll(p, 1)[ph::m]) * m / 2
    s_xt = 0.0
    one = (np.asarray(offs) == 0).astype(float)
    for x, fe in zip(xt, xt_fext, strict=True):
        px, _ = tx_pulse(x, offs, c if fe else one, m, pad_ui)
        s_xt += max(np.sum(px[k::m] ** 2) for k in range(m))
    a_s = r_lm * h0 / (n_levels - 1)
    terms = {
        "var_tx": h0**2 * 10 ** (-snr_tx_db / 10),
        "var_isi": var_x * np.sum(isi**2),
        "var_j": var_x * (a_dd**2 + s_rj**2) * np.sum(hj**2),
        "var_xt": var_x * s_xt,
        "var_n": var_n,
    }
    fom = 10 * np.log10(a_s**2 / sum(terms.values()))
    return fom, ix - pad, terms


def naive_mm_ieee(p: np.ndarray, m: int, bmax1: float) -> int:
    """Sampling index by the IEEE 802.3 COM MATLAB rule, transcribed array-wise (0-based).

    ``cursor_sample_index`` of the IEEE COM code (inline in ``optimize_fom`` of
    ``com_ieee8023_93a.m`` rev. 1.50): peak = first maximum; ``zxi`` = last index k in
    ``[peak - 4M, peak)`` with ``diff(sign(p - 0.01 peak))[k] >= 1``; -1 if none; then the
    first argmin over ``j = zxi ... zxi + 2M`` of ``|p[j-M] - max(p[j+M] - bmax1 p[j], 0)|``.
    """
    pk = int(np.argmax(p))
    start = max(0, pk - 4 * m)
    seg = p[start: pk + 1]
    zx = np.flatnonzero(np.diff(np.sign(seg - 0.01 * p[pk])) >= 1) + start
    if zx.size == 0:
        return -1
    zxi = int(zx[-1])
    j = zxi + np.arange(2 * m + 1)
    metric = np.abs(p[j - m] - np.maximum(p[j + m] - bmax1 * p[j], 0.0))
    return zxi + int(np.argmin(metric))


def naive_grid(basis, weights, var_n, offs, tx, m, bmin, bmax, consts, xt_basis=(), xt_fext=(),
               mm_tol=0.0, flt=None):
    """FOM of every (ctle, tx) point by a Python loop over naive_fom."""
    n_levels, r_lm, snr, a_dd, s_rj = consts
    out = np.empty((weights.shape[0], tx.shape[0]))
    for k in range(weights.shape[0]):
        q = weights[k] @ basis
        xt = [weights[k] @ xb for xb in xt_basis]
        for t in range(tx.shape[0]):
            out[k, t] = naive_fom(q, offs, tx[t], m, bmin, bmax, var_n[k], n_levels, r_lm, snr,
                                  a_dd, s_rj, xt, xt_fext, mm_tol, flt)[0]
    return out


def naive_a_ni(cursors_v, sigma_g_v, der0, n_levels, dv_v):
    """A_ni (V, 93A-38..45) by brute force: PMF of sum_k a_k x_k (independent PAM-L symbols,
    every delta rounded to the nearest bin of width ``dv_v`` on a grid wide enough to hold all
    of it), convolved with the bin-integrated Gaussian N(0, sigma_g^2) out to 12 sigma; A_ni
    is where the lower tail reaches ``der0`` (CDF interpolated linearly within a bin)."""
    from scipy.stats import norm

    cur = np.asarray(cursors_v, dtype=float)
    n_g = int(np.ceil(12.0 * sigma_g_v / dv_v)) + 1
    nh = int(np.ceil(np.sum(np.abs(cur)) / dv_v)) + len(cur) + n_g
    v = np.arange(-nh, nh + 1) * dv_v
    pmf = np.zeros(v.size)
    pmf[nh] = 1.0
    for x in cur:
        new = np.zeros_like(pmf)
        for a in np.linspace(-1.0, 1.0, n_levels):
            new += np.roll(pmf, round(float(a * x / dv_v))) / n_levels  # support never wraps
        pmf = new
    k = np.arange(-n_g, n_g + 1)
    g = norm.cdf((k + 0.5) * dv_v / sigma_g_v) - norm.cdf((k - 0.5) * dv_v / sigma_g_v)
    tot = np.convolve(pmf, g, mode="same")
    cdf = np.cumsum(tot)
    j = int(np.searchsorted(cdf, der0))
    below = cdf[j - 1] if j > 0 else 0.0
    return -(v[j] - dv_v / 2 + dv_v * (der0 - below) / tot[j])


def naive_findbankloc(hisi, idx_st, idx_en, tap_bk, curval, bmaxg, n_bg):
    """``findbankloc`` of the IEEE COM MATLAB code 4.50 transcribed statement by statement with
    1-based positions in Python lists (``nd[0]`` unused); returns the 1-based post-cursor
    numbers of the floating taps (0 = unplaced)."""
    seg = [abs(hisi[i - 1]) if i - 1 < len(hisi) else 0.0 for i in range(idx_st, idx_en + 1)]
    ln = len(seg)
    h1 = [0.0 if curval < 0 else max(0.0, h - bmaxg * curval) for h in seg]
    nn = ln - tap_bk + 1
    nd = [None] + [sum(seg[i + ii] ** 2 - h1[i + ii] ** 2 for ii in range(tap_bk)) for i in range(nn)]

    def sort_desc():  # MATLAB sort(...,'descend') is stable
        return sorted(range(1, len(nd)), key=lambda i: -nd[i])

    def put(i, v):  # MATLAB grows an array assigned past its end
        while len(nd) <= i:
            nd.append(0.0)
        nd[i] = v

    idx = [0] * (tap_bk * n_bg)
    ordered = list(range(1, (n_bg - 1) * tap_bk + 2))
    set_next = 0
    for k in range(1, n_bg + 1):
        vs = sort_desc()
        if k == 1 and sorted(vs[: len(ordered)]) == ordered:
            idx = list(range(1, n_bg * tap_bk + 1))
            break
        if set_next > 0:
            bank = list(range(set_next, set_next + tap_bk))
            idx[tap_bk * (k - 1): tap_bk * k] = bank
            set_next = 0
            for b in bank:
                put(b, -np.inf)
            for b in range(max(1, bank[0] - tap_bk + 1), bank[0]):
                put(b, -np.inf)
            continue
        bank = list(range(vs[0], vs[0] + tap_bk))
        if k == n_bg:
            idx[tap_bk * (k - 1): tap_bk * k] = bank
            break
        again, first, loops, bad = True, True, 0, []
        while again:
            again = False
            if loops > len(nd) - 1:
                break
            bad = [b for b in range(max(1, bank[0] - tap_bk + 1), bank[0]) if b not in idx]
            good = bank[0] - tap_bk
            if bad:
                if not first:
                    vs = sort_desc()
                first = False
                check = bad + bank
                bad_pos = [vs.index(b) + 1 for b in bad]
                found = False
                ii = 0  # position (1-based) where MATLAB's loop stops
                for pos, v in enumerate(vs, start=1):
                    ii = pos
                    if v == good:
                        found = True
                        break
                    if v not in check:
                        break
                if not found and min(bad_pos) < ii:
                    again = True
                    put(bank[0], -np.inf)
                    bank = list(range(vs[1], vs[1] + tap_bk))
                if found:
                    set_next = good
            loops += 1
        for b in bank:
            put(b, -np.inf)
        idx[tap_bk * (k - 1): tap_bk * k] = bank
        for b in bad:
            put(b, -np.inf)
    return [i + idx_st - 1 if i > 0 else 0 for i in idx]


def naive_dfe(post, h0, bmin, bmax, flt):
    """DFE taps of the IEEE COM code with floating taps and tail RSS limit (``optimize_fom``,
    ``floatingDFE``, ``dfe_clipper``): ``post[n - 1]`` = post-cursor n."""
    n_bg, n_bf, n_f, bmaxg, rss_max, tail = flt
    n_bg, n_bf, n_f, tail = int(n_bg), int(n_bf), int(n_f), int(tail)
    nb = len(bmax)
    span = n_f if n_bg > 0 and n_f > nb else nb
    hi = list(bmax) + [0.0] * (span - nb)
    lo = list(bmin) + [0.0] * (span - nb)
    cur = np.array([post[i] if i < len(post) else 0.0 for i in range(span)])
    if n_bg > 0 and span > nb:
        for t in naive_findbankloc(cur, nb + 1, span, n_bf, h0, bmaxg, n_bg):
            if nb < t <= span:
                hi[t - 1], lo[t - 1] = bmaxg, -bmaxg

    def clipper(x, mx, mn):
        out = x.copy()
        out[x > mx] = mx[x > mx]
        out[x < mn] = mn[x < mn]
        return out

    act = clipper(cur, h0 * np.array(hi), h0 * np.array(lo))
    taps = act / h0
    if tail > 0 and span >= tail:
        rss = float(np.linalg.norm(taps[tail - 1:]))
        if rss != 0 and rss >= rss_max:
            lim = np.array(hi, dtype=float)
            low = np.array(lo, dtype=float)
            lim[tail - 1:] = min(rss, rss_max) * np.abs(taps[tail - 1:]) / rss
            low[tail - 1:] = -lim[tail - 1:]
            taps = clipper(cur, h0 * lim, h0 * low) / h0
    return taps


def naive_fom_bound(q, offs, c, m, bmin, bmax, var_n, n_levels, r_lm, snr_tx_db, a_dd, s_rj, span,
                    xt=(), mm_tol=0.0):
    """The pruning bound of ``fom_grid`` with floating DFE taps (dB), near-end crosstalk only:
    the FOM of :func:`naive_fom` with post-cursors 1..N_b under the fixed DFE of 93A-26 and
    every post-cursor N_b + 1 .. ``span`` removed entirely (as if cancelled); None when the
    sampling rule finds no cursor."""
    _f, ix, terms = naive_fom(q, offs, c, m, bmin, bmax, var_n, n_levels, r_lm, snr_tx_db, a_dd, s_rj,
                              xt, [False] * len(xt), mm_tol)
    if ix < 0 and not terms:
        return None
    pad_ui = int(np.max(np.abs(offs))) + 8
    p, pad = tx_pulse(q, offs, c, m, pad_ui)
    i = ix + pad
    h = p[i % m::m]
    n0 = i // m
    h0 = h[n0]
    isi = h.copy()
    isi[n0] = 0.0
    for k in range(len(bmax)):
        isi[n0 + 1 + k] -= np.clip(isi[n0 + 1 + k] / h0, bmin[k], bmax[k]) * h0
    isi[n0 + 1 + len(bmax): n0 + 1 + span] = 0.0
    var_x = (n_levels**2 - 1) / (3 * (n_levels - 1) ** 2)
    den = (terms["var_tx"] + var_x * np.sum(isi**2) + terms["var_j"] + terms["var_xt"] + terms["var_n"])
    return 10 * np.log10((r_lm * h0 / (n_levels - 1)) ** 2 / den)


def naive_local_search(fom, n_gdc, n_gdc2, tap_index, tap_counts, steps):
    """The IEEE COM code's ``Local Search`` over a complete, exact FOM grid: a plain
    transcription of ``optimize_fom`` (``com_ieee8023_93a_450.m``, the g_DC / g_DC2 / TXFFE_grid
    loops and the "Modular LOCAL_SEARCH block", 1-based as in MATLAB).

    ``fom[i_g2 * n_gdc + i_g, t]``; ``tap_index[t, j]`` the 0-based value index of tap column
    j (ascending offset) of setting t; ``tap_counts[j]`` its number of values.  Returns
    ``(ctle_row, tx_index, fom, visited)`` with ``visited`` the (rows, n_tx) mask of the
    points the search evaluates; ``(-1, -1, -inf, visited)`` when nothing beats -inf.
    """
    n_tx = fom.shape[1]
    # txffe_sweep_indices: taps with more than one value, by decreasing length (stable sort)
    swept = [j + 1 for j in range(len(tap_counts)) if tap_counts[j] > 1]
    swept.sort(key=lambda kv: -tap_counts[kv - 1])
    best_fom = -np.inf
    best_row, best_t, best_g_lp = -1, -1, 0
    best_txffe_index = None
    visited = np.zeros(fom.shape, dtype=bool)
    for ctle_index in range(1, n_gdc + 1):
        for g_lp_index in range(1, n_gdc2 + 1):
            row = (g_lp_index - 1) * n_gdc + (ctle_index - 1)
            for tk in range(1, n_tx + 1):
                tx_index_vector = [int(v) + 1 for v in tap_index[tk - 1]]
                skip_it = False
                if steps > 0 and not np.isinf(best_fom):
                    for kv in swept:
                        previous_loop_val = g_lp_index if kv == 1 else tx_index_vector[kv - 2]
                        if previous_loop_val > 1 and abs(tx_index_vector[kv - 1]
                                                         - best_txffe_index[kv - 1]) > steps:
                            skip_it = True
                            break
                    if not skip_it and ctle_index > 1 and abs(g_lp_index - best_g_lp) > steps:
                        skip_it = True
                if skip_it:
                    continue
                visited[row, tk - 1] = True
                value = fom[row, tk - 1]
                if value > best_fom:
                    best_fom = value
                    best_row, best_t, best_g_lp = row, tk - 1, g_lp_index
                    best_txffe_index = tx_index_vector
    return best_row, best_t, best_fom, visited
