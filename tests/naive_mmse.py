"""Slow, obvious references for the 178A MMSE search of :mod:`sikernel.eye.com` (tests only).

``naive_mmse_point`` builds one TX FFE x CTLE point's equalised pulse by explicit shifts,
samples it at the given sampling index, finds each aggressor's worst phase by brute force,
builds the 178A TX-noise (pulse without TX FFE) and jitter pulses by explicit indexing and
solves the RX FFE + DFE (RX FFE tap limit included) with :func:`naive_mmse_solve`, a
first-principles MSE (every term a sum of squares of explicit convolution rows, full cursor
vectors, no autocorrelation tricks) minimised by scipy's SLSQP and polished by an exact KKT
solve; nothing from sikernel is called.  ``naive_mmse_search`` loops it over the points of a
grid whose sampling index is >= 0 and keeps the best FOM (first on ties).
"""

from __future__ import annotations

import numpy as np


def _tx(x: np.ndarray, c: np.ndarray, offs: np.ndarray, m: int, pad: int) -> np.ndarray:
    xx = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    out = np.zeros_like(xx)
    for o, ca in zip(offs, c, strict=True):
        d = int(o) * m            # out[i] += c_a x(i - o_a M), explicit shifted slices
        if d >= 0:
            out[d:] += ca * xx[: xx.size - d]
        else:
            out[: xx.size + d] += ca * xx[-d:]
    return out


def naive_noise_pulses(q, c, offs, ix, p):
    """The 178A noise pulses of one point (178A-17; COM 4.50 ``get_PSDs``), by explicit indexing:
    the TX-noise pulse, the symbol-spaced samples of ``q`` *without* TX FFE taken one sample
    after the cursor's phase (as COM 4.50: ``htn(mod(cursor_i, M) + 1 : M : end)``), and the
    jitter pulse h_J(n) = (p(t_n + 1) - p(t_n - 1)) M / 2 of the TX-FFE'd pulse ``p`` at the
    cursor instants t_n (93A-28).  Each is white-symbol noise of variance sigma_x^2 times
    10^(-SNR_TX/10) and A_DD^2 + sigma_RJ^2 respectively."""
    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    qq = np.concatenate([np.zeros(pad), q, np.zeros(pad)])
    pv = _tx(q, c, offs, m, pad)
    ph = (ix + pad) % m
    t = np.arange(ph, pv.size, m)
    late = np.array([pv[k + 1] if k + 1 < pv.size else 0.0 for k in t])
    early = np.array([pv[k - 1] if k >= 1 else 0.0 for k in t])
    htn = np.array([qq[k + 1] if k + 1 < qq.size else 0.0 for k in t])
    return htn, (late - early) * m / 2


def naive_mmse_point(q, xts, c, offs, ix, acf, p):
    """MMSE FOM (dB) of one point: victim basis pulse ``q``, aggressors ``xts`` as
    (pulse, is_fext), TX taps ``c``, sampling index ``ix`` of ``q``'s record, thermal noise
    autocorrelation ``acf``, preset ``p``; the TX and jitter noise of 178A-17 enter as the
    pulses of :func:`naive_noise_pulses`, each scaled to its variance (no ``snr_tx_db``)."""
    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    pv = _tx(q, c, offs, m, pad)
    i = ix + pad
    ph = i % m
    h = pv[ph::m]
    one = (np.asarray(offs) == 0).astype(float)
    xs = []
    for x, fe in xts:
        px = _tx(x, c if fe else one, offs, m, pad)
        e = [float(np.sum(px[k::m] ** 2)) for k in range(m)]
        xs.append(px[int(np.argmax(e))::m])
    htn, hj = naive_noise_pulses(q, c, offs, ix, p)
    xs += [np.sqrt(10 ** (-p.snr_tx_db / 10)) * htn, np.hypot(p.a_dd_ui, p.sigma_rj_ui) * hj]
    fom_db, _, _, _ = naive_mmse_solve(h, (i - ph) // m, p.rx_ffe_n_pre, p.rx_ffe_n_post,
                                       len(p.dfe_bmax), p.n_levels, p.r_lm, acf, None, xs,
                                       np.asarray(p.dfe_bmax), np.asarray(p.bmin), p.rx_ffe_limit)
    return float(fom_db)


def naive_mmse_search(bv, bxa, is_fext, w_ctle, acf_g, tx, offs, cursor_grid, p):
    """Best (ctle index, tx index, FOM dB) over the points with ``cursor_grid >= 0``."""
    best = (-1, -1, -np.inf)
    for kk in range(w_ctle.shape[0]):
        q = w_ctle[kk] @ bv
        xts = [(w_ctle[kk] @ bxa[j], bool(is_fext[j])) for j in range(bxa.shape[0])]
        acf = np.array([w_ctle[kk] @ acf_g[lag] @ w_ctle[kk] for lag in range(acf_g.shape[0])])
        for tt in range(tx.shape[0]):
            ix = int(cursor_grid[kk, tt])
            if ix < 0:
                continue
            f = naive_mmse_point(q, xts, tx[tt], offs, ix, acf, p)
            if f > best[2]:
                best = (kk, tt, f)
    return best


def _conv_matrix(x: np.ndarray, n_w: int) -> np.ndarray:
    """C[t, j] = x[t - j]: row t of ``np.convolve(w, x)`` as a function of ``w`` (explicit loops)."""
    c = np.zeros((x.size + n_w - 1, n_w))
    for t in range(c.shape[0]):
        for j in range(n_w):
            if 0 <= t - j < x.size:
                c[t, j] = x[t - j]
    return c


def naive_mmse_solve(h, i0, n_pre, n_post, n_dfe, n_levels, rlm, acf, snr_tx_db, xts, b_max, b_min,
                     ffe_limit):
    """MMSE RX FFE + DFE from first principles, without sikernel (tests only).

    Unknowns ``z = (w, b)``: FFE taps ``w`` (``n_pre`` before the main tap) and DFE taps ``b``.
    Equalised cursors ``h_eq = np.convolve(w, h)``, main at ``i0 + n_pre`` and held at 1.
    Mean-square error per symbol, written term by term (symbols of variance sigma_x^2 on [-1, 1]):

    * ISI: sigma_x^2 sum over every cursor but the main of (h_eq(m) - b_m)^2 (b_m = 0 outside
      the DFE span);
    * TX noise: sigma_x^2 10^(-SNR_TX/10) sum over every cursor of h_eq(m)^2;
    * noise: w' R w with R[j, k] = acf(|j - k|);
    * crosstalk: sigma_x^2 sum over aggressors and cursors of (np.convolve(w, x))^2.

    Constraints: ``b_min <= b <= b_max``; ``|w_k| <= ffe_limit w_main`` for k != main.  The
    convex QP is solved by SLSQP (scipy) and then polished: the constraints active at the
    SLSQP point are made equalities and the KKT system solved exactly (numpy.linalg.solve),
    keeping the polished point only if it is feasible.  Returns (fom_db, mse, w, b).
    """
    from scipy.optimize import minimize

    h = np.asarray(h, dtype=float)
    n_w = n_pre + 1 + n_post
    nz = n_w + n_dfe
    sx2 = (n_levels**2 - 1) / (3 * (n_levels - 1) ** 2)
    c = _conv_matrix(h, n_w)
    m0 = i0 + n_pre
    # quadratic form: MSE(z) = z' P z (all terms are sums of squares of linear forms in z)
    rows = []
    for t in range(c.shape[0]):
        if t == m0:
            continue
        r = np.zeros(nz)
        r[:n_w] = c[t]
        k = t - m0 - 1                       # DFE tap index of this cursor
        if 0 <= k < n_dfe:
            r[n_w + k] = -1.0
        rows.append(np.sqrt(sx2) * r)
    tx_rel = 0.0 if snr_tx_db is None else 10 ** (-snr_tx_db / 10)
    for t in range(c.shape[0]):
        r = np.zeros(nz)
        r[:n_w] = c[t]
        rows.append(np.sqrt(sx2 * tx_rel) * r)
    for x in xts:
        cx = _conv_matrix(np.asarray(x, dtype=float), n_w)
        for t in range(cx.shape[0]):
            r = np.zeros(nz)
            r[:n_w] = cx[t]
            rows.append(np.sqrt(sx2) * r)
    a = np.array(rows)
    p = a.T @ a
    rn = np.zeros((n_w, n_w))
    for j in range(n_w):
        for k in range(n_w):
            lag = abs(j - k)
            rn[j, k] = acf[lag] if lag < len(acf) else 0.0
    p[:n_w, :n_w] += rn
    # constraints: e' z = 1 (unit main cursor); G z <= g
    e = np.zeros(nz)
    e[:n_w] = c[m0]
    g_rows, g_rhs = [], []
    lim = np.broadcast_to(np.asarray(ffe_limit, dtype=float), (n_w,)) if ffe_limit is not None \
        else np.full(n_w, np.inf)
    for k in range(n_w):
        if k == n_pre or not np.isfinite(lim[k]):
            continue
        for sgn in (1.0, -1.0):              # sgn w_k - lim w_main <= 0
            r = np.zeros(nz)
            r[k] = sgn
            r[n_pre] = -lim[k]
            g_rows.append(r)
            g_rhs.append(0.0)
    bmax = np.broadcast_to(np.asarray(b_max, dtype=float), (n_dfe,))
    bmin = -bmax if b_min is None else np.broadcast_to(np.asarray(b_min, dtype=float), (n_dfe,))
    for k in range(n_dfe):
        r = np.zeros(nz)
        r[n_w + k] = 1.0
        g_rows.append(r.copy())
        g_rhs.append(bmax[k])
        g_rows.append(-r)
        g_rhs.append(-bmin[k])
    g = np.array(g_rows).reshape(-1, nz)
    gb = np.array(g_rhs)
    z0 = np.zeros(nz)
    z0[n_pre] = 1.0 / c[m0, n_pre]
    ps = p / float(z0 @ p @ z0)  # objective of order 1 at the start (SLSQP's tolerances are absolute)
    res = minimize(lambda z: z @ ps @ z, z0, jac=lambda z: 2 * ps @ z, method="SLSQP",
                   constraints=[{"type": "eq", "fun": lambda z: e @ z - 1.0, "jac": lambda z: e},
                                {"type": "ineq", "fun": lambda z: gb - g @ z, "jac": lambda z: -g}],
                   options={"ftol": 1e-14, "maxiter": 2000})
    z = res.x
    # polish: exact KKT solve with the active constraints as equalities
    scale = max(1.0, float(np.max(np.abs(z))))
    active = np.abs(g @ z - gb) < 1e-7 * scale
    ae = np.vstack([e[None, :], g[active]])
    be = np.concatenate([[1.0], gb[active]])
    kkt = np.block([[2 * p, ae.T], [ae, np.zeros((ae.shape[0], ae.shape[0]))]])
    try:
        sol = np.linalg.lstsq(kkt, np.concatenate([np.zeros(nz), be]), rcond=None)[0]
        zp = sol[:nz]
        if np.all(g @ zp <= gb + 1e-12) and abs(e @ zp - 1.0) < 1e-12 and zp @ p @ zp <= z @ p @ z:
            z = zp
    except np.linalg.LinAlgError:
        pass
    mse = float(z @ p @ z)
    fom = 20 * np.log10(rlm / (n_levels - 1) / np.sqrt(mse))
    return fom, mse, z[:n_w], z[n_w:]
