"""Slow, obvious references for the channel-physics tests.

* :func:`fd_capacitance` / :func:`stripline_z_fd` / :func:`microstrip_z_fd`: an
  independent 2-D finite-difference (finite-volume, 5-point) Laplace solve of the
  line cross-section in a grounded box, on a graded rectilinear grid with lines
  on every conductor edge.  The capacitance comes from the field energy
  ``C = eps0 * sum_edges coeff * dV**2`` (per unit length, 1 V excitation), and
  ``Z = 1 / (c * sqrt(C * C_air))`` (TEM / quasi-TEM).
* :func:`kk_real_from_imag`: the Kramers–Kronig relation evaluated by brute-force
  quadrature.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy import constants


def graded_axis(keys, lo, hi, hmin, hmax, ratio=1.25):
    """Grid coordinates in [lo, hi] containing ``keys``, fine (hmin) near them, at most hmax apart."""
    pts = {lo, hi, *keys}
    for k in keys:
        for sgn in (-1.0, 1.0):
            x, h = k, hmin
            while h < hmax:
                x += sgn * h
                if not lo < x < hi:
                    break
                pts.add(x)
                h *= ratio
    xs = np.array(sorted(pts))
    out = [xs[0]]
    for a, b in itertools.pairwise(xs):
        n = int(np.ceil((b - a) / hmax - 1e-9))
        if n > 1:
            out.extend(a + (b - a) * np.arange(1, n) / n)
        if b - out[-1] > 1e-12 * (hi - lo):
            out.append(b)
    return np.array(out)


def fd_capacitance(xs, ys, conductors, eps_of_y):
    """Capacitance per metre (F/m) of a conductor excitation in a grounded box.

    Parameters
    ----------
    xs, ys : ndarray
        Grid lines; the outer ones are the grounded box walls.
    conductors : list of (x0, x1, y0, y1, volts)
        Rectangular conductors and their potentials.
    eps_of_y : callable
        Relative permittivity of a cell from its centre y.

    Returns
    -------
    float
        ``eps0 * sum(coeff * dV**2)`` = 2 W / (1 V)^2 for the excitation.
    """
    nx, ny = xs.size, ys.size
    idx = np.arange(nx * ny).reshape(nx, ny)
    v = np.zeros((nx, ny))
    fixed = np.zeros((nx, ny), bool)
    fixed[0, :] = fixed[-1, :] = fixed[:, 0] = fixed[:, -1] = True
    tol = 1e-9 * (xs[-1] - xs[0])
    for x0, x1, y0, y1, volts in conductors:
        mx = (xs >= x0 - tol) & (xs <= x1 + tol)
        my = (ys >= y0 - tol) & (ys <= y1 + tol)
        m = np.outer(mx, my)
        fixed |= m
        v[m] = volts
    dx = np.diff(xs)
    dy = np.diff(ys)
    yc = 0.5 * (ys[:-1] + ys[1:])
    eps_c = np.array([eps_of_y(y) for y in yc])  # per cell row
    rows, cols, vals = [], [], []
    # horizontal edges (i,j)-(i+1,j): dual face spans half cells below and above
    for j in range(ny):
        face = 0.0 * dx
        if j > 0:
            face = face + eps_c[j - 1] * dy[j - 1] / 2
        if j < ny - 1:
            face = face + eps_c[j] * dy[j] / 2
        c = face / dx
        rows.append(idx[:-1, j])
        cols.append(idx[1:, j])
        vals.append(c)
    for i in range(nx):
        face = np.zeros(ny - 1)
        if i > 0:
            face = face + eps_c * dx[i - 1] / 2
        if i < nx - 1:
            face = face + eps_c * dx[i] / 2
        c = face / dy
        rows.append(idx[i, :-1])
        cols.append(idx[i, 1:])
        vals.append(c)
    r = np.concatenate(rows)
    cidx = np.concatenate(cols)
    w = np.concatenate(vals)
    n = nx * ny
    a = sp.coo_matrix((w, (r, cidx)), shape=(n, n)).tocsr()
    a = a + a.T
    lap = sp.diags(np.asarray(a.sum(axis=1)).ravel()) - a
    vf = v.ravel()
    free = ~fixed.ravel()
    lff = lap[free][:, free].tocsc()
    rhs = -lap[free][:, ~free] @ vf[~free]
    vf = vf.copy()
    vf[free] = spla.spsolve(lff, rhs)
    energy2 = vf @ (lap @ vf)  # sum coeff dV^2
    return constants.epsilon_0 * energy2


def _z_from_c(c, c_air):
    return 1.0 / (constants.c * np.sqrt(c * c_air))


def stripline_z_fd(w, t, h, s=None, *, hmin_frac=0.1):
    """Z0 (single-ended) or Z_diff (edge-coupled, odd mode x2) of symmetric stripline by FD, ohm.

    ``height`` h from each plane to the trace; plane spacing b = 2h + t.  The
    dielectric is homogeneous, so only the air capacitance is needed; results are
    for eps_r = 1 (divide by sqrt(eps_r)).
    """
    b = 2 * h + t
    hmin = hmin_frac * t
    side = 6 * b
    if s is None:
        conds = [(-w / 2, w / 2, h, h + t, 1.0)]
        keys_x = [-w / 2, w / 2]
        xlo, xhi = -w / 2 - side, w / 2 + side
    else:
        x1 = s / 2
        conds = [(x1, x1 + w, h, h + t, 1.0), (-x1 - w, -x1, h, h + t, -1.0)]
        keys_x = [-x1 - w, -x1, x1, x1 + w]
        xlo, xhi = -x1 - w - side, x1 + w + side
    xs = graded_axis(keys_x, xlo, xhi, hmin, b / 4)
    ys = graded_axis([h, h + t], 0.0, b, hmin, b / 8)
    c = fd_capacitance(xs, ys, conds, lambda y: 1.0)
    if s is None:
        return _z_from_c(c, c)
    c_odd = c / 2  # energy of the +/-1 V excitation = 2 x (C_odd/2)
    return 2 * _z_from_c(c_odd, c_odd)


def microstrip_z_fd(w, t, h, er, s=None, *, hmin_frac=0.1, box=25.0):
    """Z0 / Z_diff and eps_eff of microstrip by FD (dielectric below y = h, air above, lid at box*h)."""
    hmin = hmin_frac * t
    top = box * h
    side = box * h
    if s is None:
        conds_fn = [(-w / 2, w / 2, h, h + t, 1.0)]
        keys_x = [-w / 2, w / 2]
        xlo, xhi = -w / 2 - side, w / 2 + side
    else:
        x1 = s / 2
        conds_fn = [(x1, x1 + w, h, h + t, 1.0), (-x1 - w, -x1, h, h + t, -1.0)]
        keys_x = [-x1 - w, -x1, x1, x1 + w]
        xlo, xhi = -x1 - w - side, x1 + w + side
    xs = graded_axis(keys_x, xlo, xhi, hmin, 1.5 * h)
    ys = graded_axis([h, h + t], 0.0, top, hmin, 1.5 * h)
    c = fd_capacitance(xs, ys, conds_fn, lambda y: er if y < h else 1.0)
    c_air = fd_capacitance(xs, ys, conds_fn, lambda y: 1.0)
    eeff = c / c_air
    z = _z_from_c(c, c_air)
    if s is not None:
        z = 2 * _z_from_c(c / 2, c_air / 2)
    return z, eeff


def kk_real_from_imag(f_eval, eps_imag_fn, *, f_lo=1e-3, f_hi=1e18, n=200_001):
    """``eps'(f) - eps_inf`` from ``eps''`` (>= 0) by the Kramers–Kronig relation.

    ``eps'(w) - eps_inf = (2/pi) PV int_0^inf x eps''(x) / (x^2 - w^2) dx``; the
    singularity is removed by subtracting ``w eps''(w)`` in the numerator (the PV
    integral of ``1/(x^2 - w^2)`` over (0, inf) is zero; the truncation to
    [f_lo, f_hi] is corrected analytically).  Trapezoid rule in ln x.
    """
    u = np.linspace(np.log(f_lo), np.log(f_hi), n)
    x = np.exp(u)
    ex = eps_imag_fn(x)
    out = []
    for w in np.atleast_1d(f_eval):
        ew = float(eps_imag_fn(np.array([w]))[0])
        num = x * ex - w * ew
        den = x * x - w * w
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(np.abs(den) > 1e-30 * w * w, num / den, 0.0) * x
        k = np.argmin(np.abs(x - w))
        # replace the 0/0 point by the average of its neighbours
        g[k] = 0.5 * (g[k - 1] + g[k + 1])
        integral = np.trapezoid(g, u)
        # PV of w*eps''(w)/(x^2-w^2) over [f_lo, f_hi] (nonzero because of truncation)
        pv = (np.log(abs((f_hi - w) / (f_hi + w))) - np.log(abs((w - f_lo) / (w + f_lo)))) / (2 * w)
        integral += w * ew * pv
        out.append(2.0 / np.pi * integral)
    return np.array(out)
