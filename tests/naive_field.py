"""Independent 2-D quasi-static field solve of a transmission-line cross-section (slow, obvious).

Method of moments for the surface charge of perfectly conducting cylinders (polygons:
rectangular strips, or a many-sided polygon for a round wire) in air above one ground
plane (microstrip-type, image charges) or between two ground planes (stripline-type,
the closed-form Green's function of a line charge between grounded parallel plates).
Piecewise-constant charge on straight segments, collocation at segment midpoints, the
logarithmic singularity integrated in closed form, the smooth rest by Gauss-Legendre.

From the charges:

* ``C_air`` per metre of the mode, ``Z_air = 1/(c C_air)``, ``L = mu0 eps0 / C_air``
  (for the TEM/quasi-TEM mode the inductance does not depend on the dielectric);
* the conductor loss of the mode two independent ways:

  1. **surface current**: for the (quasi-)TEM mode the surface current density equals
     ``v`` times the surface charge density of the *air-filled* problem (H tangential =
     c eps0 E normal on a perfect conductor), so ``R = R_s (oint |J_s|^2 ds) / I^2`` over
     every conductor surface, strips and planes (the plane charge density follows in
     closed form from the strip charges: images / the parallel-plate Green's function);
  2. **Wheeler's incremental inductance rule** (H. A. Wheeler, "Formulas for the skin
     effect", Proc. IRE 30(9), 1942): ``R = (R_s / mu0) dL/dn``, every conductor surface
     receding by ``n`` (strips shrunk by n on every side, planes moved away by n),
     derivative by central differences of two solves.

Both give ``R / R_s`` in 1/m, the geometry factor ``g`` of ``R_ac = R_s K g``
(sikernel.channel.lines).  Differential (odd) mode: strips at +1 V / -1 V, ``R`` and ``L``
of the differential mode (``R_diff = 2 R_odd``).

Checks of the solver itself (tests/test_field_solve.py): a round wire over a ground plane
(exact ``R = R_s (D + a) / (2 pi a sqrt(D^2 - a^2))``), the zero-thickness stripline
capacitance (exact, Cohn 1955), and agreement of methods 1 and 2.
"""

from __future__ import annotations

import math

import numpy as np

_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)


# ---- geometry --------------------------------------------------------------------------
def _graded(n: int) -> np.ndarray:
    """n + 1 points on [0, 1], cosine-graded (fine at both ends: corner singularities)."""
    return 0.5 * (1.0 - np.cos(np.pi * np.arange(n + 1) / n))


def rect(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    """Corners of a rectangle, counter-clockwise."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def circle(xc: float, yc: float, a: float, n: int = 256) -> np.ndarray:
    """A regular n-gon inscribed in the circle (xc, yc, a), counter-clockwise."""
    th = 2 * np.pi * np.arange(n) / n
    return np.stack([xc + a * np.cos(th), yc + a * np.sin(th)], 1)


def segments(poly: np.ndarray, n_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Split every side of a polygon into ``n_side`` cosine-graded segments: (A, B) end points."""
    a_list, b_list = [], []
    m = len(poly)
    for i in range(m):
        p, q = poly[i], poly[(i + 1) % m]
        s = _graded(n_side)[:, None]
        pts = p + s * (q - p)
        a_list.append(pts[:-1])
        b_list.append(pts[1:])
    return np.concatenate(a_list), np.concatenate(b_list)


# ---- Green's functions -------------------------------------------------------------------
def _ln_seg_integral(px, py, ax, ay, bx, by):
    """int over the segment A->B of ln|P - r(s)| ds (closed form), broadcasting."""
    dx, dy = bx - ax, by - ay
    ln_ = np.hypot(dx, dy)
    ux, uy = dx / ln_, dy / ln_
    rx, ry = px - ax, py - ay
    u = rx * ux + ry * uy                # along
    v = np.abs(rx * uy - ry * ux)        # across

    def f(x):
        r2 = x * x + v * v
        with np.errstate(divide="ignore", invalid="ignore"):
            lg = np.where(r2 > 0, 0.5 * x * np.log(np.where(r2 > 0, r2, 1.0)), 0.0)
        return lg - x + v * np.arctan2(x, v)

    return f(ln_ - u) - f(-u)


def _stripline_smooth(px, py, qx, qy, b):
    """G_plates + ln(r)/(2 pi) (smooth), G of a unit line charge between plates y = 0, b (eps = 1)."""
    a = np.pi * (px - qx) / b
    c_minus = np.pi * (py - qy) / b
    c_plus = np.pi * (py + qy) / b
    num = 2.0 * (np.sinh(a / 2) ** 2 + np.sin(c_plus / 2) ** 2)
    den = 2.0 * (np.sinh(a / 2) ** 2 + np.sin(c_minus / 2) ** 2)
    r2 = (px - qx) ** 2 + (py - qy) ** 2
    return (np.log(num) - np.log(den / r2)) / (4 * np.pi)


class Structure:
    """Conductors (polygons with a potential) above a plane at y = 0 (``kind='micro'``) or
    between planes y = 0 and y = b (``kind='strip'``); air everywhere (eps0 = 1 units)."""

    def __init__(self, polys: list[np.ndarray], volts: list[float], kind: str,
                 b: float | None = None, n_side: int = 24):
        self.kind, self.b = kind, b
        aa, bb, owner = [], [], []
        for k, p in enumerate(polys):
            a, e = segments(np.asarray(p, float), n_side)
            aa.append(a)
            bb.append(e)
            owner.append(np.full(len(a), k))
        self.A, self.B = np.concatenate(aa), np.concatenate(bb)
        self.owner = np.concatenate(owner)
        self.volts = np.asarray(volts, float)
        self.mid = 0.5 * (self.A + self.B)
        self.length = np.hypot(*(self.B - self.A).T)
        self.q = self._solve()

    def _matrix(self) -> np.ndarray:
        px, py = self.mid[:, 0][:, None], self.mid[:, 1][:, None]
        ax, ay = self.A[:, 0][None, :], self.A[:, 1][None, :]
        bx, by = self.B[:, 0][None, :], self.B[:, 1][None, :]
        p = -_ln_seg_integral(px, py, ax, ay, bx, by) / (2 * np.pi)
        if self.kind == "micro":
            p += _ln_seg_integral(px, py, ax, -ay, bx, -by) / (2 * np.pi)
        elif self.kind == "strip":
            for xg, wg in zip(_GL_X, _GL_W, strict=True):
                s = 0.5 * (xg + 1.0)
                qx, qy = ax + s * (bx - ax), ay + s * (by - ay)
                p += 0.5 * wg * self.length[None, :] * _stripline_smooth(px, py, qx, qy, self.b)
        else:
            raise ValueError(self.kind)
        return p

    def _solve(self) -> np.ndarray:
        v = self.volts[self.owner]
        return np.linalg.solve(self._matrix(), v)   # charge per metre of segment

    def charge(self, k: int) -> float:
        """Total charge per metre on conductor k (eps0 = 1 units)."""
        sel = self.owner == k
        return float(np.sum(self.q[sel] * self.length[sel]))

    def _plane_sigma(self, x: np.ndarray, which: str) -> np.ndarray:
        """Induced surface charge density on a plane at points x (from every segment, Gauss points)."""
        out = np.zeros_like(x)
        for xg, wg in zip(_GL_X, _GL_W, strict=True):
            s = 0.5 * (xg + 1.0)
            qx = self.A[:, 0] + s * (self.B[:, 0] - self.A[:, 0])
            qy = self.A[:, 1] + s * (self.B[:, 1] - self.A[:, 1])
            dq = 0.5 * wg * self.q * self.length
            if self.kind == "micro":
                out -= np.sum(dq[None, :] * qy[None, :] / (np.pi * ((x[:, None] - qx[None, :]) ** 2
                                                                  + qy[None, :] ** 2)), 1)
            else:
                b = self.b
                y0 = qy if which == "bottom" else b - qy
                th = np.pi * y0 / b
                # sin(th) / (2 b (cosh a - cos th)) written with e = exp(-|a|) (no overflow)
                e = np.exp(-np.abs(np.pi * (x[:, None] - qx[None, :]) / b))
                out -= np.sum(dq[None, :] * np.sin(th)[None, :] * e
                              / (b * (1.0 + e * e - 2.0 * e * np.cos(th)[None, :])), 1)
        return out

    def plane_loss_integral(self, scale: float) -> float:
        """int sigma^2 dx over the plane(s) (x = scale sinh(u) grid, trapezoid)."""
        u = np.linspace(-10.0, 10.0, 1601)
        xc = np.mean(self.mid[:, 0])
        x = xc + scale * np.sinh(u)
        jac = scale * np.cosh(u)
        total = 0.0
        for which in (("bottom",) if self.kind == "micro" else ("bottom", "top")):
            sig = self._plane_sigma(x, which)
            total += float(np.trapezoid(sig * sig * jac, u))
        return total

    def conductor_surface_integral(self) -> float:
        """sum over conductor segments of sigma^2 ds."""
        return float(np.sum(self.q ** 2 * self.length))


# ---- line cross-sections ------------------------------------------------------------------
def _polys(kind: str, w: float, t: float, h: float, s: float | None, n: float = 0.0):
    """Strip polygons with every surface receded by n (planes moved away by n)."""
    if kind == "micro":
        y0 = h + 2 * n                      # plane moved down by n, strip bottom up by n
        b = None
    else:
        b = 2 * h + t + 2 * n               # both planes out by n
        y0 = h + 2 * n                      # from the (moved) bottom plane
    ww, tt = w - 2 * n, t - 2 * n
    if s is None:
        return [rect(-ww / 2, ww / 2, y0, y0 + tt)], [1.0], b
    xc = (w + s) / 2
    return ([rect(-xc - ww / 2, -xc + ww / 2, y0, y0 + tt), rect(xc - ww / 2, xc + ww / 2, y0, y0 + tt)],
            [1.0, -1.0], b)


def solve_line(kind: str, w: float, t: float, h: float, s: float | None = None, *,
               n_side: int = 24, n: float = 0.0) -> Structure:
    """The MoM solution of a microstrip (``kind='micro'``) or stripline (``'strip'``) cross-section
    in air: single strip at 1 V, or a pair at +1/-1 V (gap ``s``)."""
    polys, volts, b = _polys(kind, w, t, h, s, n)
    return Structure(polys, volts, kind, b, n_side)


def z_air(kind: str, w: float, t: float, h: float, s: float | None = None, *, n_side: int = 24) -> float:
    """Air-filled impedance of the mode (single-ended, or differential = 2 Z_odd), ohm."""
    st = solve_line(kind, w, t, h, s, n_side=n_side)
    eta0 = math.sqrt(4e-7 * math.pi / 8.8541878128e-12)
    v_diff = 1.0 if s is None else 2.0
    return eta0 * v_diff / st.charge(0)


def r_over_rs_surface(kind: str, w: float, t: float, h: float, s: float | None = None, *,
                      n_side: int = 24) -> float:
    """R / R_s (1/m) of the mode from the surface current (method 1)."""
    st = solve_line(kind, w, t, h, s, n_side=n_side)
    q1 = st.charge(0)
    return (st.conductor_surface_integral() + st.plane_loss_integral(h)) / q1 ** 2


def r_over_rs_wheeler(kind: str, w: float, t: float, h: float, s: float | None = None, *,
                      n_side: int = 24, rel_step: float = 0.02) -> float:
    """R / R_s (1/m) of the mode by Wheeler's incremental inductance (method 2): d(L/mu0)/dn."""
    dn = rel_step * min(t, w, h, s if s is not None else w) / 2
    v_diff = 1.0 if s is None else 2.0
    lp = v_diff / solve_line(kind, w, t, h, s, n_side=n_side, n=dn).charge(0)
    lm = v_diff / solve_line(kind, w, t, h, s, n_side=n_side, n=-dn).charge(0)
    return (lp - lm) / (2 * dn)


def wire_over_plane(a: float, d: float, *, n: int = 256, step: float = 0.0) -> Structure:
    """A round wire (radius a, centre height d) over a plane, as an n-gon (1 segment per side)."""
    return Structure([circle(0.0, d + step, a - step, n)], [1.0], "micro", None, 1)


__all__ = ["Structure", "circle", "r_over_rs_surface", "r_over_rs_wheeler", "rect", "solve_line",
           "wire_over_plane", "z_air"]
