"""Slow, obvious references for the Touchstone / metrics / DC / scaling tests (engineer B).

Loops and textbook formulas only; nothing here is optimised.
"""

from __future__ import annotations

import numpy as np


def rlgc_line_abcd(f: np.ndarray, length_m: float, *, r_dc: float = 5.0, r_s: float = 4e-4,
                   l_h: float = 3.3e-7, c_f: float = 1.3e-10, tan_d: float = 0.004,
                   g_dc: float = 1e-9) -> np.ndarray:
    """ABCD of a uniform RLGC line (telegrapher's equations, Pozar 4th ed. sec. 2.1, Table 4.1).

    Per-unit-length values: ``R = sqrt(r_dc^2 + (r_s sqrt f)^2)`` ohm/m (skin effect),
    ``L`` H/m, ``G = g_dc + 2 pi f C tan_d`` S/m, ``C`` F/m.  Defaults describe a
    ~100 ohm differential stripline (Zc = sqrt(L/C) ~ 50 ohm per leg is the half-circuit;
    here the line itself is ~50 ohm, referenced later to 50 or 100 ohm as a test wants).
    """
    out = np.empty((f.size, 2, 2), dtype=complex)
    for i, fi in enumerate(f):
        w = 2 * np.pi * fi
        r = np.sqrt(r_dc**2 + (r_s * np.sqrt(fi)) ** 2)
        z = r + 1j * w * l_h
        y = g_dc + w * c_f * tan_d + 1j * w * c_f
        gam = np.sqrt(z * y)
        zc = np.sqrt(z / y)
        gl = gam * length_m
        out[i] = [[np.cosh(gl), zc * np.sinh(gl)], [np.sinh(gl) / zc, np.cosh(gl)]]
    return out


def abcd_to_s(t: np.ndarray, z0: float) -> np.ndarray:
    """ABCD -> S one matrix at a time (Pozar Table 4.2)."""
    out = np.empty_like(t)
    for i in range(t.shape[0]):
        a, b, c, d = t[i, 0, 0], t[i, 0, 1], t[i, 1, 0], t[i, 1, 1]
        den = a + b / z0 + c * z0 + d
        out[i] = [[(a + b / z0 - c * z0 - d) / den, 2 * (a * d - b * c) / den],
                  [2 / den, (-a + b / z0 - c * z0 + d) / den]]
    return out


def shunt_c_abcd(f: np.ndarray, c_f: float) -> np.ndarray:
    """ABCD of a shunt capacitor (Pozar Table 4.1)."""
    out = np.zeros((f.size, 2, 2), dtype=complex)
    out[:, 0, 0] = 1
    out[:, 1, 1] = 1
    out[:, 1, 0] = 2j * np.pi * f * c_f
    return out


def series_l_abcd(f: np.ndarray, l_h: float) -> np.ndarray:
    """ABCD of a series inductor (Pozar Table 4.1)."""
    out = np.zeros((f.size, 2, 2), dtype=complex)
    out[:, 0, 0] = 1
    out[:, 1, 1] = 1
    out[:, 0, 1] = 2j * np.pi * f * l_h
    return out


def chain(*mats: np.ndarray) -> np.ndarray:
    """Matrix product per frequency, left to right."""
    acc = mats[0].copy()
    for m in mats[1:]:
        acc = np.einsum("nij,njk->nik", acc, m)
    return acc


def mixed_mode_sdd(s: np.ndarray, pairs: tuple[tuple[int, int], tuple[int, int]]) -> np.ndarray:
    """SDD from a single-ended 4-port via the mixed-mode matrix M S M^-1, one frequency at a time.

    Mixed-mode waves (Bockelman & Eisenstadt 1995): a_d,k = (a_pk - a_nk)/sqrt(2),
    a_c,k = (a_pk + a_nk)/sqrt(2); the SDD block is the top-left 2x2 of M S M^T.
    """
    (p1, n1), (p2, n2) = pairs
    m = np.zeros((4, 4))
    r = 1 / np.sqrt(2)
    m[0, p1 - 1], m[0, n1 - 1] = r, -r
    m[1, p2 - 1], m[1, n2 - 1] = r, -r
    m[2, p1 - 1], m[2, n1 - 1] = r, r
    m[3, p2 - 1], m[3, n2 - 1] = r, r
    out = np.empty((s.shape[0], 2, 2), dtype=complex)
    for i in range(s.shape[0]):
        out[i] = (m @ s[i] @ m.T)[:2, :2]
    return out


def write_touchstone(path, f_hz: np.ndarray, s: np.ndarray, fmt: str = "RI", unit: str = "Hz",
                     r_ohm: float = 50.0) -> None:
    """Write a Touchstone 1.0 file the obvious way (2-port: S11 S21 S12 S22 order)."""
    scale = {"HZ": 1.0, "KHZ": 1e3, "MHZ": 1e6, "GHZ": 1e9}[unit.upper()]
    n = s.shape[1]
    with open(path, "w") as fh:
        fh.write("! written by tests/naive_metrics.py\n")
        fh.write(f"# {unit} S {fmt} R {r_ohm:g}\n")
        for k in range(f_hz.size):
            m = s[k].T if n == 2 else s[k]
            vals = []
            for x in m.reshape(-1):
                if fmt.upper() == "RI":
                    vals += [x.real, x.imag]
                elif fmt.upper() == "MA":
                    vals += [abs(x), np.degrees(np.angle(x))]
                else:
                    vals += [20 * np.log10(max(abs(x), 1e-300)), np.degrees(np.angle(x))]
            fh.write(f"{f_hz[k] / scale:.12g}")
            for j, v in enumerate(vals):
                fh.write(f" {v:.15g}")
                if j % 8 == 7 and j != len(vals) - 1:
                    fh.write("\n")
            fh.write("  ! trailing comment\n")


def com_il_fit_db(f_hz: np.ndarray, s21: np.ndarray, weighted: bool = True) -> np.ndarray:
    """Fitted IL (dB) by the normal equations of the IEEE COM code's get_ILN, f in GHz.

    alpha = (A^T A)^-1 A^T b with rows w*[1, sqrt f, f, f^2] and b = w*IL, w = |S21|.
    """
    f = f_hz / 1e9
    il = -20 * np.log10(np.abs(s21))
    w = np.abs(s21) if weighted else np.ones_like(f)
    a = np.zeros((f.size, 4))
    b = np.zeros(f.size)
    for i in range(f.size):
        a[i] = w[i] * np.array([1.0, np.sqrt(f[i]), f[i], f[i] ** 2])
        b[i] = w[i] * il[i]
    alpha = np.linalg.solve(a.T @ a, a.T @ b)
    return alpha[0] + alpha[1] * np.sqrt(f) + alpha[2] * f + alpha[3] * f**2


def fom_ild(f_hz: np.ndarray, ild_db: np.ndarray, fb: float, ft: float, fr: float) -> float:
    """sqrt(1/N sum W ILD^2), W = sinc^2(f/fb) / (1+(f/ft)^4) / (1+(f/fr)^8), a plain loop."""
    acc = 0.0
    for f, d in zip(f_hz, ild_db, strict=True):
        x = np.pi * f / fb
        sinc = 1.0 if x == 0 else np.sin(x) / x
        acc += sinc**2 / (1 + (f / ft) ** 4) / (1 + (f / fr) ** 8) * d * d
    return float(np.sqrt(acc / len(f_hz)))
