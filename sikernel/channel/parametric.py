"""The IEEE 802.3 parametric transmission line (Annex 93A, eqs. 93A-9 … 93A-14).

The propagation constant per millimetre, with f in GHz (93A-9 … 93A-12)::

    gamma(f) = gamma0 + a1 (1 + j) sqrt(f) + a2 f (1 - j (2/pi) ln f) + j 2 pi f tau,   gamma(0) = gamma0

(``a1`` in sqrt(ns)/mm, ``a2`` and ``tau`` in ns/mm, ``gamma0`` in 1/mm), and a
section of length z between reference impedances ``2 R0`` (differential), with
``rho = (Zc - 2 R0)/(Zc + 2 R0)`` (93A-13, 93A-14)::

    S11 = S22 = rho (1 - e^{-2 gamma z}) / (1 - rho^2 e^{-2 gamma z})
    S21 = S12 = (1 - rho^2) e^{-gamma z} / (1 - rho^2 e^{-2 gamma z})

The IEEE units are converted at this edge: :meth:`ParametricLine.gamma` returns
1/m for f in Hz, and lengths are metres.  ``Zc`` is the *differential*
characteristic impedance, as tabulated by IEEE 802.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate
from .core import Channel


@dataclass(frozen=True)
class ParametricLine:
    """IEEE 802.3 93A parametric line.

    Parameters
    ----------
    a1 : float
        sqrt(ns)/mm (skin-effect term).
    a2 : float
        ns/mm (dielectric-loss term; its ``-j (2/pi) ln f`` part keeps it causal).
    tau_ns_per_mm : float
        Delay per mm (ns/mm).
    zc_ohm : float
        Differential characteristic impedance (ohm).
    gamma0_per_mm : float
        DC loss term (1/mm).
    name : str
        Label.
    """

    a1: float
    a2: float
    tau_ns_per_mm: float
    zc_ohm: float
    gamma0_per_mm: float = 0.0
    name: str = "parametric line"

    def __post_init__(self) -> None:
        _validate.non_negative("a1", self.a1)
        _validate.non_negative("a2", self.a2)
        _validate.positive("tau_ns_per_mm", self.tau_ns_per_mm)
        _validate.positive("zc_ohm", self.zc_ohm)
        _validate.non_negative("gamma0_per_mm", self.gamma0_per_mm)

    def gamma(self, f: object) -> np.ndarray:
        """Propagation constant in 1/m (real part Np/m) at ``f`` in Hz (93A-9 … 93A-12)."""
        fa = _validate.frequency_grid(f)
        fg = fa * 1e-9
        pos = fg > 0
        lnf = np.log(np.where(pos, fg, 1.0))
        g = (self.gamma0_per_mm + self.a1 * (1 + 1j) * np.sqrt(fg)
             + self.a2 * fg * (1 - 1j * (2 / np.pi) * lnf) + 1j * 2 * np.pi * fg * self.tau_ns_per_mm)
        g = np.where(pos, g, self.gamma0_per_mm + 0j)
        return g * 1e3

    @property
    def z0_ref_ohm(self) -> float:
        """Default reference of :meth:`section` and batched builds: 100 ohm differential (2 R0)."""
        return 100.0

    def series_shunt(self, f: object) -> tuple[np.ndarray, np.ndarray]:
        """Equivalent ``Z = gamma Zc`` and ``Y = gamma / Zc`` per metre (for the batched builder)."""
        g = self.gamma(f)
        return g * self.zc_ohm, g / self.zc_ohm

    def loss_db(self, f: object, length_m: float) -> np.ndarray:
        """Matched-line loss ``8.686 Re(gamma) length`` in dB (``f`` in Hz, ``length_m`` in m,
        at most :data:`sikernel._validate.MAX_LINE_LENGTH_M`; frequencies that look like GHz
        warn)."""
        ln = _validate.line_length_m("length_m", length_m)
        _validate.warn_if_ghz("loss_db: f", f)
        return 20.0 / np.log(10.0) * self.gamma(f).real * ln

    def section(self, length_m: float, f: object, r0_ohm: float = 50.0, name: str = "") -> Channel:
        """``length_m`` metres as a differential Channel referenced to ``2 r0_ohm`` (93A-13, 93A-14)."""
        fa = _validate.channel_grid(f)
        ln = _validate.non_negative("length_m", length_m)
        r0 = _validate.positive("r0_ohm", r0_ohm)
        _validate.label("name", name)
        s = parametric_s(self.gamma(fa), self.zc_ohm, ln, 2.0 * r0)
        return Channel._trusted(fa, s, 2.0 * r0, name or f"{self.name} {ln * 1e3:g} mm",
                       {"parametric_line": repr(self), "length_m": ln})


def parametric_s(gamma_per_m: np.ndarray, zc_ohm: complex | np.ndarray, length_m: float,
                 z_ref_ohm: float) -> np.ndarray:
    """S-parameters (n, 2, 2) of a uniform line between equal references (93A-13, 93A-14).

    Parameters
    ----------
    gamma_per_m : numpy.ndarray
        Propagation constant per frequency (1/m; real part Np/m).
    zc_ohm : complex or numpy.ndarray
        Characteristic impedance of the line (ohm), scalar or one per frequency.
    length_m : float
        Line length (m).
    z_ref_ohm : float
        Reference impedance of both ports (ohm).

    Returns
    -------
    numpy.ndarray
        Complex S-parameters, shape (n, 2, 2).
    """
    rho = (zc_ohm - z_ref_ohm) / (zc_ohm + z_ref_ohm)
    e1 = np.exp(-gamma_per_m * length_m)
    e2 = e1 * e1
    den = 1.0 - rho * rho * e2
    s = np.empty((np.size(gamma_per_m), 2, 2), dtype=np.complex128)
    s[:, 0, 0] = s[:, 1, 1] = rho * (1.0 - e2) / den
    s[:, 0, 1] = s[:, 1, 0] = (1.0 - rho * rho) * e1 / den
    return s


#: Host board of IEEE 802.3 Table 92-12 (physics.md §1): about 1.96 dB/inch at 26.56 GHz.
HOST_BOARD_92_12 = ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=109.8,
                                  name="host board (Table 92-12)")

__all__ = ["HOST_BOARD_92_12", "ParametricLine", "parametric_s"]
