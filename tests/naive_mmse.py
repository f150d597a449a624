"""Slow, obvious references for the 178A MMSE search of :mod:`sikernel.eye.com` (tests only).

``naive_mmse_point`` builds one TX FFE x CTLE point's equalised pulse by explicit shifts,
samples it at the given sampling index, finds each aggressor's worst phase by brute force
and solves the RX FFE + DFE (RX FFE tap limit included) with the single-setting
:func:`sikernel.eq.mmse.mmse` (full cursor vectors, no autocorrelation tricks);
``naive_mmse_search`` loops it over the points of a grid whose sampling index is >= 0 and
keeps the best FOM (first on ties).
"""

from __future__ import annotations

import numpy as np

from sikernel.eq.mmse import mmse

_MOD = {2: "nrz", 3: "pam3", 4: "pam4", 6: "pam6", 8: "pam8"}


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


def naive_mmse_point(q, xts, c, offs, ix, acf, p):
    """MMSE FOM (dB) of one point: victim basis pulse ``q``, aggressors ``xts`` as
    (pulse, is_fext), TX taps ``c``, sampling index ``ix`` of ``q``'s record, thermal noise
    autocorrelation ``acf``, preset ``p``."""
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
    r = mmse(h, (i - ph) // m, p.rx_ffe_n_pre, p.rx_ffe_n_post, len(p.dfe_bmax),
             modulation=_MOD[p.n_levels], rlm=p.r_lm, noise_acf=acf, snr_tx_db=p.snr_tx_db,
             xt_cursors=xs, b_max=np.asarray(p.dfe_bmax), b_min=np.asarray(p.bmin),
             ffe_limit=p.rx_ffe_limit)
    return float(r.fom_db)


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
