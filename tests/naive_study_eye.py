"""Slow, obvious reference for the study's linear/analog equalised eyes (tests only).

Nothing from sikernel is called.  From a channel transfer function ``h`` on a uniform grid
from 0 Hz it builds, in NumPy:

1. the pulse: ``H = h · H_t · H_r · H_ctle`` with the closed forms 93A-46 (TX rise time,
   Gaussian), 93A-20 (RX AFE, 4th-order Butterworth) and 93A-22 (CTLE, one zero and two
   poles, DC gain g), times the spectrum of a 1-UI rectangle; the pulse by ``numpy.fft.irfft``
   with the spectrum zero-padded to M samples per UI; window 8 UI before to 120 UI after
   the peak;
2. the TX FFE by explicit shifts of whole UIs, times the launch amplitude;
3. the statistical eye on a fine voltage grid (20x finer than the library's): cursors by
   linear interpolation at each of ``n_phases`` phases, shifted by the dual-Dirac jitter
   ``±A_DD`` (weight 1/2 each); DFE taps fixed at the reference (peak) phase and clipped to
   ``b_max``; residual ISI distribution by successive convolution of the per-cursor
   symbol distributions; Gaussian noise of variance ``sigma_v² + (h0 10^(-SNR/20))²
   + sigma_RJ² sigma_X² Σ h'_k²`` (93A-30/32, h' by a ±1-sample central difference);
   per-level conditional distributions mixed over the two jitter shifts; BER(v) = mean over
   levels of the probability of landing on the wrong side of threshold v; each eye's height
   = the extent of thresholds between two adjacent level centres with BER <= target; the
   phase with the largest smallest eye (ties: nearest the reference) is reported.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

_RISE = 1.6832  # 93A-46: H_t = exp(-2 (pi f T_r / 1.6832)^2)


def rx_afe_h(f: np.ndarray, f_r_hz: float) -> np.ndarray:
    """93A-20 RX AFE: the 4th-order Butterworth at ``f_r``, its coefficients to 7 digits as the
    standard prints them."""
    x = f / f_r_hz
    return 1.0 / ((1.0 - 3.414214 * x**2 + x**4) + 1j * 2.613126 * (x - x**3))


def ctle_h(f: np.ndarray, fz_hz: float, fp2_hz: float, gdc_db: float, gdc2_db: float = 0.0,
           f_lf_hz: float | None = None) -> np.ndarray:
    """93A-22 CTLE (one zero, two poles, DC gain g_DC) times the low-frequency stage
    (g_DC2 + j f/f_LF) / (1 + j f/f_LF) of the 802.3ck 163A / 802.3dj 178A COM tables (left out when
    ``gdc2_db`` is 0)."""
    g = 10.0 ** (gdc_db / 20.0)
    hc = (g + 1j * f / fz_hz) / ((1.0 + 1j * f / fz_hz) * (1.0 + 1j * f / fp2_hz))
    if gdc2_db != 0.0:
        hc = hc * (10.0 ** (gdc2_db / 20.0) + 1j * f / f_lf_hz) / (1.0 + 1j * f / f_lf_hz)
    return hc


def _full_pulse(f: np.ndarray, h: np.ndarray, baud: float, m: int, t_r_s: float, f_r_hz: float,
                fz_hz: float, fp2_hz: float, gdc_db: float, gdc2_db: float = 0.0,
                f_lf_hz: float | None = None) -> np.ndarray:
    """The whole periodic record (1/df long) of the pulse at ``m`` samples per UI."""
    df = f[1] - f[0]
    n = round(m * baud / df)
    assert abs(n * df - m * baud) < 1e-6 * df, "grid step must divide M x baud"
    ht = np.exp(-2.0 * (np.pi * f * t_r_s / _RISE) ** 2)
    hr = rx_afe_h(f, f_r_hz)
    hc = ctle_h(f, fz_hz, fp2_hz, gdc_db, gdc2_db, f_lf_hz)
    # the 1-UI rectangle [0, T] in the frequency domain: T sinc(f T) exp(-j pi f T)
    rect = np.sinc(f / baud) * np.exp(-1j * np.pi * f / baud) / baud
    spec = np.zeros(n // 2 + 1, dtype=complex)
    k = min(f.size, spec.size)
    spec[:k] = (h * ht * hr * hc * rect)[:k]
    spec[0] = spec[0].real
    return np.fft.irfft(spec, n) * n * df  # p(n dt) = sum_k P(f_k) exp(j 2 pi f_k n dt) df


def pulse_numpy(f: np.ndarray, h: np.ndarray, baud: float, m: int, t_r_s: float, f_r_hz: float,
                fz_hz: float, fp2_hz: float, gdc_db: float, align_gdc_db: float | None = None,
                gdc2_db: float = 0.0, f_lf_hz: float | None = None) -> np.ndarray:
    """1-UI pulse (V per V of launch) at ``m`` samples per UI, 8 UI before to 120 UI after the
    peak (of the pulse with CTLE gain ``align_gdc_db`` when given, else its own); ``gdc2_db`` the
    CTLE's low-frequency stage (corner ``f_lf_hz``), 0 dB: none."""
    args = (f, h, baud, m, t_r_s, f_r_hz, fz_hz, fp2_hz)
    pulse = _full_pulse(*args, gdc_db, gdc2_db, f_lf_hz)
    ipk = int(np.argmax(pulse if align_gdc_db is None else _full_pulse(*args, align_gdc_db)))
    return pulse[max(ipk - 8 * m, 0): ipk + 120 * m]


def tx_ffe(p: np.ndarray, taps: np.ndarray, offsets_ui: np.ndarray, m: int) -> np.ndarray:
    """sum_j c_j p(t - o_j UI), on a record padded by the FFE span."""
    pad = int(np.max(np.abs(offsets_ui))) * m
    pp = np.concatenate([np.zeros(pad), p, np.zeros(pad)])
    out = np.zeros_like(pp)
    for c, o in zip(taps, offsets_ui, strict=True):
        out += c * np.roll(pp, int(o) * m)
    return out


def noise_var_v2(baud: float, f_r_hz: float, fz_hz: float, fp2_hz: float, gdc_db: float,
                 eta0_v2_per_hz: float, gdc2_db: float = 0.0, f_lf_hz: float | None = None) -> float:
    """93A-35: eta0 · integral_0^{2 f_b} |H_r H_ctle|^2 df (trapezoid, 2049 points)."""
    f = np.linspace(0.0, 2.0 * baud, 2049)
    hr = rx_afe_h(f, f_r_hz)
    hc = ctle_h(f, fz_hz, fp2_hz, gdc_db, gdc2_db, f_lf_hz)
    y = np.abs(hr * hc) ** 2
    return float(eta0_v2_per_hz * np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(f)))


def _cursors(p: np.ndarray, ref: int, m: int, phi_ui: float) -> tuple[np.ndarray, int]:
    k = np.arange(-(ref // m) - 1, (p.size - ref) // m + 2)
    pos = ref + (phi_ui + k) * m
    h = np.interp(pos, np.arange(p.size, dtype=float), p, left=0.0, right=0.0)
    return h, int(np.nonzero(k == 0)[0][0])


def _isi_cdf(values: list[np.ndarray], sigma: float, dv: float) -> tuple[np.ndarray, np.ndarray]:
    """(grid, P(X <= grid)) of X = sum of independent uniform choices from each row of ``values``
    plus N(0, sigma^2): mass split linearly between grid points, then a Gaussian smoothing."""
    lo = np.floor((sum(float(np.min(r)) for r in values) - 9 * sigma) / dv) - 2
    hi = np.ceil((sum(float(np.max(r)) for r in values) + 9 * sigma) / dv) + 2
    n = int(hi - lo) + 1
    pmf = np.zeros(n)
    pmf[int(-lo)] = 1.0  # the empty sum is 0
    for r in values:
        new = np.zeros(n)
        for a in r:
            q = a / dv
            i = int(np.floor(q))
            fr = q - i
            new += (np.roll(pmf, i) * (1 - fr) + np.roll(pmf, i + 1) * fr) / r.size
        pmf = new
    grid = (lo + np.arange(n)) * dv
    cdf = np.cumsum(pmf)
    if sigma > 0:
        g = int(np.ceil(9 * sigma / dv))
        xk = dv * np.arange(-g, g + 1)
        ker = 0.5 * (erfc((xk - dv / 2) / (sigma * np.sqrt(2))) - erfc((xk + dv / 2) / (sigma * np.sqrt(2))))
        ker /= ker.sum()
        cdf = np.convolve(np.pad(cdf, g, mode="edge"), ker, mode="valid")
    return grid, cdf


def eye_numpy(p: np.ndarray, m: int, levels: np.ndarray, n_dfe: int, b_max: tuple[float, ...],
              sigma_v: float, snr_tx_db: float, sigma_rj_ui: float, a_dd_ui: float,
              target_ber: float, n_phases: int, n_v: int = 4001, ref_index: int | None = None) -> dict:
    """The smallest eye height (V) and its closure (dB) at the best phase; see the module doc.
    ``ref_index``: the reference sampling instant (sample index; default the peak)."""
    ref = int(np.argmax(p)) if ref_index is None else int(ref_index)
    h_ref, i0 = _cursors(p, ref, m, 0.0)
    h0_ref = h_ref[i0]
    b = np.array([np.clip(h_ref[i0 + 1 + k] / h0_ref, -b_max[k], b_max[k]) * h0_ref
                  for k in range(n_dfe)])
    sx2 = float(np.mean((levels - levels.mean()) ** 2))
    var_tx = (h0_ref * 10 ** (-snr_tx_db / 20)) ** 2
    phases = (np.arange(n_phases) - n_phases // 2) / n_phases
    amax = float(np.max(np.abs(levels)))
    v = np.linspace(-1.3 * amax * h0_ref, 1.3 * amax * h0_ref, n_v)
    shifts = [(-a_dd_ui, 0.5), (a_dd_ui, 0.5)] if a_dd_ui > 0 else [(0.0, 1.0)]
    heights = np.zeros((n_phases, levels.size - 1))
    for j, phi in enumerate(phases):
        cdf = np.zeros((levels.size, v.size))
        h0_mix = 0.0
        for s, w in shifts:
            h, i0s = _cursors(p, ref, m, phi + s)
            hp = (_cursors(p, ref, m, phi + s + 1.0 / m)[0]
                  - _cursors(p, ref, m, phi + s - 1.0 / m)[0]) * m / 2
            res = np.delete(h.copy(), i0s)
            res[i0s: i0s + n_dfe] -= b
            sig = np.sqrt(sigma_v**2 + var_tx + sigma_rj_ui**2 * sx2 * np.sum(hp**2))
            rows = [levels * r for r in res if r != 0.0]
            grid, c = _isi_cdf(rows, sig, v[1] - v[0])
            for a_i, a in enumerate(levels):
                cdf[a_i] += w * np.interp(v - a * h[i0s], grid, c, left=0.0, right=1.0)
            h0_mix += w * h[i0s]
        centres = h0_mix * levels
        ber = np.zeros(v.size)
        for a_i in range(levels.size):
            wrong_high = centres[a_i] <= v        # level below the threshold: error if above v
            ber += np.where(wrong_high, 1.0 - cdf[a_i], cdf[a_i]) / levels.size
        for e in range(levels.size - 1):
            inside = (v > centres[e]) & (v < centres[e + 1]) & (ber <= target_ber)
            if inside.any():
                vv = v[inside]
                heights[j, e] = vv.max() - vv.min() + (v[1] - v[0])
    worst = heights.min(axis=1)
    best = worst.max()
    ref_j = int(np.argmin(np.abs(phases)))
    cand = np.nonzero(worst >= best)[0] if best > 0 else np.array([ref_j])
    jj = int(cand[np.argmin(np.abs(cand - ref_j))])
    eh = float(heights[jj].min())
    ideal = float(np.min(np.diff(levels))) * float(h_ref.sum())
    closure = 20 * np.log10(abs(ideal) / eh) if eh > 0 else np.inf
    return {"eye_height_v": eh, "closure_db": closure, "phase_ui": float(phases[jj]), "dv": v[1] - v[0],
            "heights_v": heights}
