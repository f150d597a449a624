"""Stripline and microstrip from cross-section geometry to RLGC(f), gamma(f), Zc(f) and a Channel.

Geometry is in metres.  ``spacing=None`` gives a single-ended line (its Channel
is referenced to 50 ohm); a number gives an edge-coupled pair driven in the odd
(differential) mode, whose per-unit-length parameters are those of the
*differential* mode (``Z_diff = 2 Z_odd``, ``R_diff = 2 R_odd``,
``L_diff = 2 L_odd``, ``C_diff = C_odd/2``, ``G_diff = G_odd/2``) and whose
Channel is referenced to 100 ohm differential.

Characteristic impedance (quasi-static TEM / quasi-TEM, closed forms)
----------------------------------------------------------------------
* Single-ended symmetric stripline, finite strip thickness: H. A. Wheeler,
  "Transmission-line properties of a strip line between parallel planes",
  IEEE Trans. MTT 26(11), pp. 866-876, 1978 (eqs. as reproduced in B. C. Wadell,
  *Transmission Line Design Handbook*, Artech House, 1991, §3.5.1).  Quoted
  accuracy 0.5 % for W/(b - t) > 0.05 and t/b < 0.5 (b = plane spacing).
* Edge-coupled symmetric stripline: S. B. Cohn, "Shielded coupled-strip
  transmission line", IRE Trans. MTT 3(5), pp. 29-38, 1955: exact zero-thickness
  even/odd impedances by elliptic integrals, plus Cohn's thickness corrections
  through the fringing capacitance C'_f(t/b) (Wadell §3.6.1): the odd mode uses
  his wide-gap (s/t >= 5) and narrow-gap (s/t < 5, parallel-plate 2t/s) forms,
  blended smoothly around s/t = 8.  Checked against a 2-D field solve (tests)
  to about 2 % over 2.5 < s/t < 12, W/b 0.3-0.5.
* Single-ended microstrip: E. Hammerstad and Ø. Jensen, "Accurate models for
  microstrip computer-aided design", IEEE MTT-S Digest, 1980, pp. 407-409
  (Z0 and eps_eff with their finite-thickness width correction; quoted
  accuracy better than 0.2 % for Z0 in 0.01 < W/h < 100).  Quasi-static: the
  frequency dispersion of eps_eff is neglected.
* Edge-coupled microstrip: IPC-2141A (2004), "Design guide for high-speed
  controlled impedance circuit boards", edge-coupled microstrip formula
  ``Z_diff = 2 Z0 (1 - 0.48 exp(-0.96 S/h))`` on the Hammerstad–Jensen Z0 (an
  engineering approximation, within 3 % of a field solve in the tests), and the
  Kirschning–Jansen (1984) static odd-mode eps_eff for delay and dielectric loss.

Losses and causality
--------------------
* Dielectric: ``G + j w C = j w C0 eps_eff(f)`` with ``C0 = 1/(c Z_air)`` the
  vacuum capacitance of the mode and ``eps_eff = 1 + q (eps_r(f) - 1)``; ``q = 1``
  for stripline, the quasi-static filling factor for microstrip.  ``eps_r`` comes
  from the material (Djordjevic–Sarkar, causal, by default).
* Conductor: Wheeler's incremental-inductance rule (H. A. Wheeler, "Formulas for
  the skin effect", Proc. IRE 30(9), pp. 412-424, 1942): the skin-effect
  resistance per metre is ``R_ac = (R_s / mu0) dL/dn = (R_s / eta0) dZ_air/dn``
  where ``dL/dn`` is the change of the external inductance when every metal wall
  recedes by ``n`` (strip narrower and thinner by 2n, plane separation larger by
  2n).  ``dL/dn`` comes from a 2-D boundary-element solve of the air-filled
  cross-section (:mod:`sikernel.channel.field2d`), not from the closed-form
  impedances: their derivatives are 1-3 % off for single lines and 5-13 % for
  coupled pairs (IPC-2141A's coupled microstrip: 11-13 % low; Cohn's thickness-
  corrected coupled stripline: up to 9 % high), checked against an independent
  surface-current integration and a finite-difference solve in
  tests/test_field_solve.py.  It includes the return (plane) loss.  (scikit-rf's
  ``MLine`` conductor loss, ``R_s K_i / (Z0 W)`` Np/m with Hammerstad-Jensen's
  current-distribution factor ``K_i = exp(-1.2 (Z0/eta0)^0.7)`` on its line impedance Z0, is about 1.7 x
  the field solve on a 100/15/50 um microstrip.)
  ``R = sqrt(R_dc^2 + (K R_ac)^2)`` with the roughness factor K,
  ``L = Z_air/c + K R_ac / w`` (conductor.py).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import constants
from scipy.special import ellipk

from .. import _validate
from .._stacklevel import user_stacklevel
from ..errors import SIKernelError, SIKernelWarning
from . import conductor
from .core import Channel, numbers
from .field2d import wheeler_geometry_factor
from .materials import Dielectric, Roughness, get_dielectric, get_roughness

ETA0 = constants.physical_constants["characteristic impedance of vacuum"][0]
C0_M_S = constants.c


# --------------------------------------------------------------------------- closed forms
def _k_ratio(k: float) -> float:
    """``K(k)/K(k')`` with the complete elliptic integral of the first kind (modulus k)."""
    m = k * k
    return float(ellipk(m) / ellipk(1.0 - m))


def stripline_z0_air(w: float, t: float, b: float) -> float:
    """Air-filled symmetric stripline impedance, Wheeler 1978 (Wadell eq. 3.5.1.1-3), ohm.

    Parameters
    ----------
    w : float
        Strip width in m.
    t : float
        Strip thickness in m (0 <= t < b).
    b : float
        Ground-plane spacing in m.

    Returns
    -------
    float
        Characteristic impedance in ohm with air (vacuum) as dielectric.
    """
    x = t / b
    if x > 0:
        m = 2.0 / (1.0 + (2.0 / 3.0) * x / (1.0 - x))
        dw = x / (np.pi * (1.0 - x)) * (
            1.0 - 0.5 * math.log((x / (2.0 - x)) ** 2 + (0.0796 * x / (w / b + 1.1 * x)) ** m))
    else:
        dw = 0.0
    r = 1.0 / (w / (b - t) + dw)  # (b - t)/W'
    p = 8.0 / np.pi * r
    return 30.0 * math.log(1.0 + 4.0 / np.pi * r * (p + math.sqrt(p * p + 6.27)))


def _stripline_z0_air_t0(w: float, b: float) -> float:
    """Exact zero-thickness stripline (Cohn): ``30 pi K(k)/K(k')``, ``k = sech(pi W / 2b)``."""
    return 30.0 * np.pi * _k_ratio(1.0 / math.cosh(np.pi * w / (2.0 * b)))


def _cohn_fringe(x: float) -> float:
    """Cohn's fringing capacitance C'_f/eps of a thick semi-infinite strip edge, per plane, x = t/b.

    ``(1/pi) [2/(1-x) ln(1/(1-x) + 1) - (1/(1-x) - 1) ln(1/(1-x)^2 - 1)]``
    (S. B. Cohn, "Problems in strip transmission lines", IRE Trans. MTT 3(2), 1955).
    """
    y = 1.0 / (1.0 - x)
    tail = (y - 1.0) * math.log(y * y - 1.0) if x > 0 else 0.0
    return (2.0 * y * math.log(y + 1.0) - tail) / np.pi


def coupled_stripline_z_air(w: float, t: float, b: float, s: float) -> tuple[float, float]:
    """Air-filled even- and odd-mode impedances of edge-coupled symmetric stripline (Cohn 1955), ohm.

    Parameters
    ----------
    w : float
        Strip width in m.
    t : float
        Strip thickness in m (0 for Cohn's zero-thickness result).
    b : float
        Ground-plane spacing in m.
    s : float
        Edge-to-edge gap between the strips in m.

    Returns
    -------
    (float, float)
        Even- and odd-mode impedances ``(Z_e, Z_o)`` in ohm with air as dielectric.
    """
    a1 = np.pi * w / (2.0 * b)
    a2 = np.pi * (w + s) / (2.0 * b)
    ke = math.tanh(a1) * math.tanh(a2)
    ko = math.tanh(a1) / math.tanh(a2)
    # Z = 30 pi K(k')/K(k) = 30 pi / (K(k)/K(k'))
    ze0 = 30.0 * np.pi / _k_ratio(ke)
    zo0 = 30.0 * np.pi / _k_ratio(ko)
    if t <= 0:
        return ze0, zo0
    z_t = stripline_z0_air(w, t, b)
    z_0 = _stripline_z0_air_t0(w, b)
    x = t / b
    cf_t = _cohn_fringe(x)
    cf_0 = _cohn_fringe(0.0)
    r = cf_t / cf_0
    ze = 1.0 / (1.0 / z_t - r * (1.0 / z_0 - 1.0 / ze0))
    # odd mode: Cohn's two thickness corrections, (a) for s/t >= 5 and (b) for s/t < 5,
    # blended smoothly in 1/Z around s/t = 8 (crossover chosen against a 2-D field solve)
    inv_a = 1.0 / z_t + r * (1.0 / zo0 - 1.0 / z_0)
    inv_b = (1.0 / zo0 + (1.0 / z_t - 1.0 / z_0) - 2.0 / ETA0 * (cf_t - cf_0)
             + 2.0 / ETA0 * t / s)
    wb = 1.0 / (1.0 + (s / (8.0 * t)) ** 4)
    zo = 1.0 / (wb * inv_b + (1.0 - wb) * inv_a)
    return ze, zo


def _hj_zl1(u: float) -> float:
    fu = 6.0 + (2.0 * np.pi - 6.0) * math.exp(-((30.666 / u) ** 0.7528))
    return ETA0 / (2.0 * np.pi) * math.log(fu / u + math.sqrt(1.0 + (2.0 / u) ** 2))


def _hj_eeff(u: float, er: float) -> float:
    a = (1.0 + math.log((u ** 4 + (u / 52.0) ** 2) / (u ** 4 + 0.432)) / 49.0
         + math.log(1.0 + (u / 18.1) ** 3) / 18.7)
    b = 0.564 * ((er - 0.9) / (er + 3.0)) ** 0.053
    return (er + 1.0) / 2.0 + (er - 1.0) / 2.0 * (1.0 + 10.0 / u) ** (-a * b)


def microstrip_z0_eeff(w: float, t: float, h: float, er: float) -> tuple[float, float]:
    """Hammerstad–Jensen (1980) microstrip Z0 (ohm) and eps_eff, with finite thickness ``t``.

    Parameters
    ----------
    w : float
        Strip width in m.
    t : float
        Strip thickness in m (>= 0).
    h : float
        Substrate height (ground plane to strip) in m.
    er : float
        Relative permittivity of the substrate.

    Returns
    -------
    (float, float)
        Quasi-static characteristic impedance in ohm and effective relative permittivity.
    """
    u = w / h
    t1 = t / h
    if t1 > 0:
        coth2 = 1.0 / math.tanh(math.sqrt(6.517 * u)) ** 2
        du1 = t1 / np.pi * math.log(1.0 + 4.0 * math.e / (t1 * coth2))
        dur = 0.5 * (1.0 + 1.0 / math.cosh(math.sqrt(er - 1.0))) * du1
    else:
        du1 = dur = 0.0
    u1 = u + du1
    ur = u + dur
    z = _hj_zl1(ur) / math.sqrt(_hj_eeff(ur, er))
    ee = _hj_eeff(ur, er) * (_hj_zl1(u1) / _hj_zl1(ur)) ** 2
    return z, ee


def coupled_microstrip_eeff_odd(w: float, h: float, s: float, er: float, eeff: float) -> float:
    """Static odd-mode eps_eff of edge-coupled microstrip (Kirschning and Jansen 1984).

    M. Kirschning and R. H. Jansen, "Accurate wide-range design equations for the
    frequency-dependent characteristic of parallel coupled microstrip lines", IEEE
    Trans. MTT 32(1), pp. 83-90, 1984 (static odd-mode eps_eff), on the single-line
    ``eeff`` (here Hammerstad–Jensen with thickness).  Checked against a 2-D field
    solve to about 6 % (tests), versus 12 % for the single-line value.

    Parameters
    ----------
    w : float
        Strip width in m.
    h : float
        Substrate height in m.
    s : float
        Edge-to-edge gap between the strips in m.
    er : float
        Relative permittivity of the substrate.
    eeff : float
        Effective relative permittivity of the single (uncoupled) line.

    Returns
    -------
    float
        Odd-mode effective relative permittivity.
    """
    u = w / h
    g = s / h
    ao = 0.7287 * (eeff - 0.5 * (er + 1.0)) * (1.0 - math.exp(-0.179 * u))
    bo = 0.747 * er / (0.15 + er)
    co = bo - (bo - 0.207) * math.exp(-0.414 * u)
    do = 0.593 + 0.694 * math.exp(-0.562 * u)
    return (0.5 * (er + 1.0) + ao - eeff) * math.exp(-co * g ** do) + eeff


# --------------------------------------------------------------------------- plausibility
#: one mil (thousandth of an inch) in m
MIL_M = 25.4e-6
#: plausible size of every cross-section dimension (m): from on-chip / RDL wiring (0.1 um
#: metal, 1-2 um lines) to the widest board traces and thickest cores (a few mm); the sweep
#: config's ranges end at the same 10 mm (width, gap, height) and 1 mm (thickness).
#: Outside them the value is almost surely in other units (mm or um typed as m).
GEOMETRY_RANGE_M = {"width": (1e-7, 1e-2), "thickness": (1e-7, 1e-3), "height": (1e-7, 1e-2),
                    "spacing": (1e-7, 1e-2)}
#: plausible aspect ratios (lo, hi): W/h over the validity range of Hammerstad-Jensen
#: (0.01 < W/h < 100, the widest of the closed forms used here), S/h likewise, t/W up to
#: 10 (a trace taller than ten widths is not a strip).  Beyond them the closed forms are
#: used far outside their fitted range and the skin-effect derivative can overflow.
GEOMETRY_RATIOS = {("width", "height"): (0.01, 100.0), ("spacing", "height"): (0.01, 100.0),
                   ("thickness", "width"): (0.0, 10.0), ("thickness", "height"): (0.0, 100.0)}
#: stripline: W/h up to 10 (W/b up to about 5, b = 2h + t: already a parallel-plate guide);
#: beyond it tanh(pi W / 2b) rounds to 1 in Cohn's coupled-line moduli and Z_odd divides by 0
STRIPLINE_MAX_W_OVER_H = 10.0


def _check_geometry(kind: str, width: float, thickness: float, height: float,
                    spacing: float | None) -> None:
    """Refuse dimensions that cannot be a real line (units slip) before any computation."""
    dims = {"width": float(width), "thickness": float(thickness), "height": float(height)}
    if spacing is not None:
        dims["spacing"] = float(spacing)
    for name, v in dims.items():
        lo, hi = GEOMETRY_RANGE_M[name]
        if lo <= v <= hi:
            continue
        hint = ""
        for unit, scale in (("mm", 1e-3), ("um", 1e-6)):
            if v > hi and lo <= v * scale <= hi:
                hint = f"; {v:g} m looks like {unit} typed as m: use {v * scale:g} for {v:g} {unit}"
                if lo <= v * MIL_M <= hi:   # board dimensions are as often in mils (new-user trial 28)
                    hint += f", or {v * MIL_M:g} for {v:g} mil"
                break
        if v < lo:
            hint = "; dimensions are in metres (e.g. 100e-6 for 100 um)"
        raise SIKernelError(f"{kind}: {name}={v:g} m is not a plausible {name} "
                            f"(expected {lo:g} to {hi:g} m){hint}")
    for (a, b), (lo, hi) in GEOMETRY_RATIOS.items():
        if a not in dims:
            continue
        if kind == "Stripline" and (a, b) == ("width", "height"):
            hi = STRIPLINE_MAX_W_OVER_H
        r = dims[a] / dims[b]
        if not lo <= r <= hi:
            raise SIKernelError(f"{kind}: {a}/{b} = {r:.3g} ({a}={dims[a]:g} m, {b}={dims[b]:g} m) is "
                                f"outside the plausible range {lo:g} to {hi:g}; check that every "
                                "dimension is in metres")


# --------------------------------------------------------------------------- line classes
#: a conductor conductivity below this (S/m) is no trace metal (copper 5.8e7, nickel-plated or
#: rough surfaces stay above 1e7): MS/m was given as S/m; it warns
SIGMA_SLIP_S_M = 1e6


@dataclass(frozen=True)
class _Line:
    material: str | Dielectric
    width: float
    thickness: float
    height: float
    spacing: float | None = None
    roughness: str | Roughness | None = None
    sigma_s_m: float = conductor.COPPER_CONDUCTIVITY_S_M
    dielectric: Dielectric = field(init=False, repr=False, compare=False)
    rough: Roughness = field(init=False, repr=False, compare=False)
    _q: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dielectric", get_dielectric(self.material))
        object.__setattr__(self, "rough", get_roughness(self.roughness))
        for nm in ("width", "thickness", "height"):
            _validate.positive(nm, getattr(self, nm))
        if self.spacing is not None:
            _validate.positive("spacing", self.spacing)
        _check_geometry(type(self).__name__, self.width, self.thickness, self.height, self.spacing)
        sig = float(self.sigma_s_m)
        if math.isnan(sig) or sig <= 0:
            raise SIKernelError(f"sigma_s_m={self.sigma_s_m!r} must be > 0 S/m (inf for a perfect conductor)")
        if sig < SIGMA_SLIP_S_M:   # fuzz 31 M12: 58 (MS/m meant) gave 6901 dB over 0.1 m, silently
            warnings.warn(f"sigma_s_m={sig:g} S/m is below {SIGMA_SLIP_S_M:g} S/m, far below any trace metal "
                          f"(copper {conductor.COPPER_CONDUCTIVITY_S_M:g} S/m): MS/m given as S/m? use "
                          f"{sig * 1e6:g} for {sig:g} MS/m", SIKernelWarning, stacklevel=user_stacklevel())
        object.__setattr__(self, "_q", self._quasi_static())

    # subclasses: z_air(w, t, h, s) of the port mode and the filling factor
    def _z_air(self, w: float, t: float, h: float, s: float | None) -> float:
        raise NotImplementedError

    def _filling(self) -> float:
        return 1.0

    @property
    def differential(self) -> bool:
        """True for an edge-coupled pair (differential mode)."""
        return self.spacing is not None

    @property
    def z0_ref_ohm(self) -> float:
        """Reference impedance of :meth:`section`: 100 ohm differential, 50 ohm single-ended."""
        return 100.0 if self.differential else 50.0

    def _quasi_static(self) -> tuple[float, float, float, float]:
        w, t, h, s = self.width, self.thickness, self.height, self.spacing
        z_air = self._z_air(w, t, h, s)
        # Wheeler incremental inductance, g = (1/mu0) dL/dn, from a boundary-element solve of
        # the cross-section (field2d): the derivatives of the closed-form impedances were
        # 5-13 % off for coupled lines (tests/test_field_solve.py)
        g_geom = wheeler_geometry_factor(self._kind, w, t, h, s)   # 1/m
        legs = 2.0 if self.differential else 1.0
        sig = float(self.sigma_s_m)
        r_dc = 0.0 if math.isinf(sig) else legs / (sig * w * t)
        return z_air, self._filling(), g_geom, r_dc

    @property
    def z_air_ohm(self) -> float:
        """Air-filled (vacuum) impedance of the port mode, ohm."""
        return self._q[0]

    def rlgc(self, f: object) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-unit-length R (ohm/m), L (H/m), G (S/m), C (F/m) of the port mode at ``f`` (Hz)."""
        fa = _validate.frequency_grid(numbers("f", f))
        z_air, q, g_geom, r_dc = self._q
        w = 2.0 * np.pi * fa
        eps = 1.0 + q * (self.dielectric.eps_r(fa) - 1.0)
        c0 = 1.0 / (C0_M_S * z_air)
        c = c0 * eps.real
        g = -w * c0 * eps.imag
        sig = float(self.sigma_s_m)
        if math.isinf(sig):
            r_ac = np.zeros_like(fa)
        else:
            r_ac = conductor.surface_resistance(fa, sig) * self.rough.factor(fa, sig) * g_geom
        r = conductor.blended_resistance(r_dc, r_ac)
        l_ext = z_air / C0_M_S
        lind = l_ext + conductor.internal_inductance(fa, r_ac)
        return r, lind, g, c

    def series_shunt(self, f: object) -> tuple[np.ndarray, np.ndarray]:
        """``Z = R + j w L`` and ``Y = G + j w C`` per metre (complex) at ``f`` (Hz)."""
        fa = _validate.frequency_grid(numbers("f", f))
        r, lind, g, c = self.rlgc(fa)
        w = 2.0 * np.pi * fa
        return r + 1j * w * lind, g + 1j * w * c

    def gamma(self, f: object) -> np.ndarray:
        """Propagation constant ``sqrt(Z Y)`` (1/m; real part Np/m) at ``f`` (Hz)."""
        z, y = self.series_shunt(f)
        return np.sqrt(z * y)

    def zc(self, f: object) -> np.ndarray:
        """Characteristic impedance ``sqrt(Z/Y)`` (ohm) of the port mode; ``inf`` at 0 Hz."""
        z, y = self.series_shunt(f)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sqrt(z / y)
        return np.where(y == 0, np.inf, out)

    def loss_db(self, f: object, length: float) -> np.ndarray | float:
        """Matched-line attenuation ``8.686 Re(gamma) length`` in dB.

        Parameters
        ----------
        f : float or array_like
            Frequency or frequencies in Hz.
        length : float
            Line length in m (>= 0, at most :data:`sikernel._validate.MAX_LINE_LENGTH_M`: above
            it a length in mm is refused with a hint).

        Returns
        -------
        float or ndarray
            Loss in dB (a float when ``f`` is a scalar).

        Warns
        -----
        SIKernelWarning
            Every frequency above 0 and below 1 kHz (GHz typed for Hz).
        """
        ln = _validate.line_length_m("length", length)
        f = numbers("f", f)
        _validate.warn_if_ghz("loss_db: f", f)
        loss = 20.0 / math.log(10.0) * self.gamma(f).real * ln
        return float(loss[0]) if np.ndim(f) == 0 else loss

    def abcd(self, length: float, f: object) -> np.ndarray:
        """ABCD matrices (n_freq, 2, 2) of ``length`` metres of line (stable at 0 Hz); ``length``
        is checked as :meth:`loss_db`'s (a length in mm is refused with a hint)."""
        ln = _validate.line_length_m("length", length)
        z, y = self.series_shunt(f)
        return line_abcd(z, y, ln)

    def section(self, length: float, f: object, z0_ohm: float | None = None, name: str = "") -> Channel:
        """``length`` metres of this line as a :class:`Channel` (reference :attr:`z0_ref_ohm` by default);
        ``length`` is checked as :meth:`loss_db`'s (a length in mm is refused with a hint)."""
        fa = _validate.channel_grid(numbers("f", f))
        return self._section(_validate.line_length_m("length", length), fa, z0_ohm,
                             _validate.label("name", name))

    def _section(self, ln: float, fa: np.ndarray, z0_ohm: float | None = None, name: str = "") -> Channel:
        """:meth:`section` of a checked grid, any length >= 0 (``Link(check_units=False)``: the
        library's own long synthetic lines)."""
        from .parametric import parametric_s
        from .twoport import abcd_to_s

        ln = _validate.non_negative("length", ln)
        z0 = self.z0_ref_ohm if z0_ohm is None else _validate.positive("z0_ohm", z0_ohm)
        z, y = self.series_shunt(fa)
        ac = y != 0
        s = np.empty((fa.size, 2, 2), dtype=np.complex128)
        # f > 0: reflection form with exp(-gamma l) (stable for long lossy lines, exactly reciprocal)
        s[ac] = parametric_s(np.sqrt(z[ac] * y[ac]), np.sqrt(z[ac] / y[ac]), ln, z0)
        if not ac.all():  # 0 Hz: the ABCD form, where the line is its series resistance
            s[~ac] = abcd_to_s(line_abcd(z[~ac], y[~ac], ln), z0)
        label = name or f"{type(self).__name__}({self.dielectric.name}, {ln * 1e3:g} mm)"
        return Channel._trusted(fa, s, z0, label, {"line": repr(self), "length_m": ln})


def line_abcd(z_per_m: np.ndarray, y_per_m: np.ndarray, length_m: float) -> np.ndarray:
    """ABCD of a uniform line from ``Z``, ``Y`` per metre: ``[[cosh x, Z l shc x], [Y l shc x, cosh x]]``.

    ``x = gamma l`` and ``shc(x) = sinh(x)/x``, which stays finite at 0 Hz (where
    the line reduces to its series DC resistance).

    Parameters
    ----------
    z_per_m : numpy.ndarray
        Series impedance ``R + j w L`` per metre (ohm/m), one per frequency.
    y_per_m : numpy.ndarray
        Shunt admittance ``G + j w C`` per metre (S/m), same shape as ``z_per_m``.
    length_m : float
        Line length in m.

    Returns
    -------
    numpy.ndarray
        Complex ABCD matrices, shape (n_freq, 2, 2).
    """
    x = np.sqrt(z_per_m * y_per_m) * length_m
    ch = np.cosh(x)
    small = np.abs(x) < 1e-4
    xs = np.where(small, 1.0, x)
    shc = np.where(small, 1.0 + x * x / 6.0, np.sinh(xs) / xs)
    out = np.empty((x.size, 2, 2), dtype=np.complex128)
    out[:, 0, 0] = ch
    out[:, 0, 1] = z_per_m * length_m * shc
    out[:, 1, 0] = y_per_m * length_m * shc
    out[:, 1, 1] = ch
    return out


@dataclass(frozen=True)
class Stripline(_Line):
    """Symmetric (centred) stripline, single-ended or edge-coupled differential.

    Parameters
    ----------
    material : str or Dielectric
        Dielectric name (see :mod:`sikernel.channel.materials`) or object.
    width : float
        Trace width W (m).
    thickness : float
        Trace thickness t (m).
    height : float
        Dielectric thickness between each ground plane and the nearest trace
        surface (m); the plane spacing is ``b = 2 height + thickness``.
    spacing : float or None
        Edge-to-edge gap S of a differential pair (m); ``None`` = single-ended.
    roughness : str, Roughness or None
        Copper roughness class (``None`` = smooth).
    sigma_s_m : float
        Conductor conductivity (S/m); ``inf`` removes the conductor loss.

    Notes
    -----
    Impedance: Wheeler (1978) single-ended, Cohn (1955) coupled; see module docstring.
    """

    _kind = "stripline"

    def _z_air(self, w: float, t: float, h: float, s: float | None) -> float:
        b = 2.0 * h + t
        if s is None:
            return stripline_z0_air(w, t, b)
        return 2.0 * coupled_stripline_z_air(w, t, b, s)[1]


@dataclass(frozen=True)
class Microstrip(_Line):
    """Microstrip on a ground plane, single-ended or edge-coupled differential.

    Quasi-static Hammerstad–Jensen Z0/eps_eff; differential impedance by
    IPC-2141A (approximate), odd-mode eps_eff by Kirschning–Jansen.

    Parameters
    ----------
    material : str or Dielectric
        Dielectric name (see :mod:`sikernel.channel.materials`) or object.
    width : float
        Trace width W (m).
    thickness : float
        Trace thickness t (m).
    height : float
        Dielectric thickness between the ground plane and the trace (m).
    spacing : float or None
        Edge-to-edge gap S of a differential pair (m); ``None`` = single-ended.
    roughness : str, Roughness or None
        Copper roughness class (``None`` = smooth).
    sigma_s_m : float
        Conductor conductivity (S/m); ``inf`` removes the conductor loss.
    """

    _kind = "microstrip"

    def _er_ref(self) -> float:
        d = self.dielectric
        return float(d.dk_df(d.f_ref_hz)[0])

    def _eeff(self, w: float, t: float, h: float, s: float | None) -> tuple[float, float]:
        """(Z0 or Z_diff in the dielectric, eps_eff of the port mode) at the datasheet Dk."""
        er = self._er_ref()
        z, ee = microstrip_z0_eeff(w, t, h, er)
        if s is None:
            return z, ee
        z_diff = 2.0 * z * (1.0 - 0.48 * math.exp(-0.96 * s / h))
        return z_diff, coupled_microstrip_eeff_odd(w, h, s, er, ee)

    def _z_air(self, w: float, t: float, h: float, s: float | None) -> float:
        # Z_air = Z sqrt(eps_eff) at the datasheet Dk, so that Z_air/sqrt(eps_eff) is exactly
        # the closed-form Z there (Hammerstad-Jensen's Z0 is not Z0(eps_r=1)/sqrt(eps_eff))
        z, ee = self._eeff(w, t, h, s)
        return z * math.sqrt(ee)

    def _filling(self) -> float:
        er = self._er_ref()
        _, ee = self._eeff(self.width, self.thickness, self.height, self.spacing)
        return (ee - 1.0) / (er - 1.0)


__all__ = ["Microstrip", "Stripline", "coupled_microstrip_eeff_odd", "coupled_stripline_z_air",
           "line_abcd", "microstrip_z0_eeff", "stripline_z0_air"]
