"""Slow, obvious references for the statistical eye, PMFs and the simulator.

Everything here enumerates or loops in plain Python/NumPy: all ``L^K`` symbol
patterns of a short channel, a per-symbol DFE loop, an LFSR bit by bit.
"""

from __future__ import annotations

import itertools

import numpy as np

from tests.naive_timesim import noisy_link_loop


def pam_levels(n_levels: int) -> np.ndarray:
    """PAM levels equally spaced on [-1, 1]."""
    return np.linspace(-1.0, 1.0, n_levels)


def isi_values(h: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Every value of sum_k a_k h_k over all L^K symbol patterns (each has probability L^-K)."""
    h = np.asarray(h, dtype=float)
    vals = np.zeros(1)
    for hk in h:
        vals = (vals[:, None] + levels[None, :] * hk).ravel()
    return vals


def bin_linear(values: np.ndarray, weights: np.ndarray, v0: float, dv: float, n: int) -> np.ndarray:
    """Histogram, each value split linearly between its two neighbouring bin centres (clamped)."""
    out = np.zeros(n)
    for v, w in zip(values, weights, strict=True):
        s = (v - v0) / dv
        m = int(np.floor(s))
        f = s - m
        if abs(f) < 1e-9:
            f = 0.0
        elif abs(1 - f) < 1e-9:
            m, f = m + 1, 0.0
        for idx, ww in ((m, 1 - f), (m + 1, f)):
            out[min(max(idx, 0), n - 1)] += w * ww
    return out


def isi_pmf_bruteforce(h, levels, v0, dv, n):
    """PMF of the ISI by enumerating all patterns, then binning linearly."""
    vals = isi_values(h, levels)
    return bin_linear(vals, np.full(vals.size, 1.0 / vals.size), v0, dv, n)


def patterns(n_levels: int, n_cursors: int):
    """All symbol patterns (as level indices) of length n_cursors."""
    return itertools.product(range(n_levels), repeat=n_cursors)


def _gauss_sf(x: np.ndarray, sigma: float) -> np.ndarray:
    """P(N > x) for N ~ N(0, sigma^2); sigma = 0 gives the step with ties counted half."""
    from scipy.special import erfc

    if sigma == 0.0:  # ties (to 1e-12 V, float round-off) count half
        return np.where(x < -1e-12, 1.0, np.where(x > 1e-12, 0.0, 0.5))
    return 0.5 * erfc(x / (sigma * np.sqrt(2.0)))


def ber_bruteforce(res: np.ndarray, h0: float, levels: np.ndarray, voltages: np.ndarray,
                   sigma: float = 0.0) -> np.ndarray:
    """Slicer error probability at each threshold by enumerating all ISI patterns.

    For level A_l with nominal A_l*h0 <= v the error is P(sample > v), else P(sample < v);
    sample = A_l*h0 + ISI + N(0, sigma^2); averaged over levels and all L^K patterns.
    """
    isi = isi_values(res, levels)
    out = np.zeros(voltages.size)
    for a in levels:
        c = a * h0
        for i, v in enumerate(voltages):
            s = c + isi
            if c <= v:
                out[i] += _gauss_sf(v - s, sigma).mean()
            else:
                out[i] += _gauss_sf(s - v, sigma).mean()
    return out / levels.size


def peak_eye_bruteforce(h: np.ndarray, main: int, levels: np.ndarray) -> np.ndarray:
    """Per-eye worst-case opening: min over patterns of the upper level minus max of the lower."""
    isi = isi_values(np.delete(h, main), levels)
    h0 = h[main]
    return np.array([(levels[i + 1] * h0 + isi.min()) - (levels[i] * h0 + isi.max())
                     for i in range(levels.size - 1)])


def peak_eye_by_patterns(h: np.ndarray, main: int, levels: np.ndarray) -> np.ndarray:
    """Same as :func:`peak_eye_bruteforce` but literally over every full symbol pattern."""
    n_eye = levels.size - 1
    top = np.full(n_eye + 1, -np.inf)
    bottom = np.full(n_eye + 1, np.inf)
    for pat in patterns(levels.size, h.size):
        s = float(np.dot(levels[list(pat)], h))
        li = pat[main]
        top[li] = max(top[li], s)
        bottom[li] = min(bottom[li], s)
    return bottom[1:] - top[:-1]


def lfsr_bits(taps: tuple[int, ...], n_bits: int, seed: int = 1, invert: int = 0) -> np.ndarray:
    """LFSR b_k = XOR_t b_{k-t} with a Python list as the register (oldest first)."""
    n = max(taps)
    reg = [(seed >> (n - 1 - i)) & 1 for i in range(n)]  # reg[-1] = newest = bit 0 of seed
    if not any(reg):
        reg[-1] = 1
    out = []
    for _ in range(n_bits):
        fb = 0
        for t in taps:
            fb ^= reg[-t]
        reg = [*reg[1:], fb]
        out.append(fb ^ invert)
    return np.array(out, dtype=np.uint8)


def dfe_link_loop(x: np.ndarray, sym: np.ndarray, cursors: np.ndarray, n_pre: int,
                  rx_ffe: np.ndarray, rx_pre: int, dfe: np.ndarray, levels: np.ndarray,
                  thresholds: np.ndarray, n_warm: int) -> tuple[int, int, int]:
    """Plain-Python symbol loop (PyBERT style): ISI sum, RX FFE, DFE on decisions, slicer.

    Noise-free: :func:`tests.naive_timesim.noisy_link_loop` with zero noise, which mirrors
    the kernel's start-up (samples exist from symbol ``n_post`` on, earlier samples are 0,
    undecided symbols feed back as level 0).
    Returns (symbols counted, symbol errors, Gray-coded bit errors).
    """
    counted, se, be, _, _ = noisy_link_loop(x, sym, cursors, n_pre, rx_ffe, rx_pre, dfe, levels,
                                            thresholds, n_warm, np.zeros(x.size))
    return counted, se, be


def _split(s: float) -> tuple[int, float]:
    m = int(np.floor(s))
    f = s - m
    if f < 1e-9:
        f = 0.0
    elif f > 1 - 1e-9:
        m, f = m + 1, 0.0
    return m, f


def isi_pmf_numpy(h: np.ndarray, levels: np.ndarray, dv: float) -> tuple[np.ndarray, int]:
    """ISI PMF by ``numpy.convolve`` of per-cursor kernels (0 V on a bin centre).

    Returns ``(pmf, zero_index)`` on a grid just wide enough for the whole support
    (bin ``zero_index`` is 0 V).  The reference the Numba kernel replaces
    (pychopmarg/PyBERT style: one ``np.convolve`` per cursor).
    """
    pmf = np.ones(1)
    zero = 0
    for hk in h:
        if hk == 0.0:
            continue
        parts = [_split(a * hk / dv) for a in levels]
        lo = min(m for m, _ in parts)
        hi = max(m for m, _ in parts) + 1
        ker = np.zeros(hi - lo + 1)
        for m, f in parts:
            ker[m - lo] += (1 - f) / levels.size
            ker[m + 1 - lo] += f / levels.size
        pmf = np.convolve(pmf, ker)
        zero -= lo
    return pmf, zero


def stat_eye_ber_numpy(res: np.ndarray, h0: np.ndarray, sigma: np.ndarray, levels: np.ndarray,
                       v0_eye: float, dv: float, n: int) -> np.ndarray:
    """BER map (phases x thresholds) with NumPy only: same conventions as the kernels."""
    from scipy.special import erfc

    out = np.zeros((res.shape[0], n))
    v = v0_eye + dv * np.arange(n)
    for j in range(res.shape[0]):
        pmf, zero = isi_pmf_numpy(res[j], levels, dv)
        if sigma[j] > 0:
            g = int(np.ceil(9 * sigma[j] / dv))
            edges = (np.arange(-g, g) + 0.5) * dv
            c = 0.5 * erfc(-edges / (sigma[j] * np.sqrt(2)))
            gk = np.diff(np.concatenate([[0.0], c, [1.0]]))
            pmf = np.convolve(pmf, gk)
            zero += g
        for a in levels:
            # noise value (i - zero) dv + a h0 -> eye bin (.. - v0)/dv, linearly split, clamped
            m, f = _split((a * h0[j] - v0_eye) / dv)
            cond = np.zeros(n)
            idx = np.arange(pmf.size) - zero + m
            np.add.at(cond, np.clip(idx, 0, n - 1), pmf * (1 - f))
            np.add.at(cond, np.clip(idx + 1, 0, n - 1), pmf * f)
            below = np.concatenate([[0.0], np.cumsum(cond)[:-1]])
            w = np.full(n, 0.5)
            w[0], w[-1] = 1.0, 0.0
            upper = cond.sum() - below - w * cond
            lower = below + w * cond
            out[j] += np.where(a * h0[j] <= v, upper, lower) / levels.size
    return out


def dfe_numpy_pybert(x: np.ndarray, cursors: np.ndarray, n_pre: int, dfe: np.ndarray,
                     levels: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """PyBERT-style receiver: NumPy convolution for the channel, a Python loop for the DFE.

    Returns the decided symbol indices (noise-free, decided-symbol feedback).
    """
    y = np.convolve(x, cursors)[n_pre: n_pre + x.size]
    d = dfe.size
    hist = np.zeros(d)  # decided levels, newest first
    out = np.empty(x.size, dtype=np.int64)
    for n in range(x.size):
        z = y[n] - float(np.dot(dfe, hist))
        k = int(np.searchsorted(thresholds, z))
        out[n] = k
        hist[1:] = hist[:-1]
        hist[0] = levels[k]
    return out


def dfe_noisy_loop(sym: np.ndarray, cursors: np.ndarray, dfe: np.ndarray, levels: np.ndarray,
                   thresholds: np.ndarray, noise: np.ndarray, propagate: bool) -> tuple[int, int]:
    """Plain-Python symbol-spaced link with additive noise and a DFE (main cursor first).

    ``y[s] = sum_i cursors[i] x[s - i] + noise[s]``; the DFE subtracts ``dfe[i]`` times the
    *decided* level of symbol ``s - 1 - i`` (``propagate``) or the transmitted one.
    Symbols before the record count as level 0 history.  Returns (symbol errors, error
    events), an event being an error after a correct decision (error bursts).
    """
    x = levels[sym]
    n = sym.size
    decided = np.zeros(n, dtype=np.int64)
    errors = events = 0
    prev_ok = True
    for s in range(n):
        z = noise[s]
        for i in range(cursors.size):
            if s - i >= 0:
                z += cursors[i] * x[s - i]
        for i in range(dfe.size):
            q = s - 1 - i
            if q >= 0:
                z -= dfe[i] * (levels[decided[q]] if propagate else x[q])
        d = int(np.searchsorted(thresholds, z, side="left"))
        decided[s] = d
        ok = d == sym[s]
        if not ok:
            errors += 1
            events += prev_ok
        prev_ok = ok
    return errors, events
