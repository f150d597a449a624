"""Skin-effect geometry factor of a strip line by a 2-D boundary-element field solve.

The conductor (skin-effect) resistance per metre of a TEM / quasi-TEM mode is
``R_ac = R_s K g`` (:mod:`sikernel.channel.conductor`) with the geometry factor

    g = (1/mu0) dL/dn        (1/m)

by Wheeler's incremental-inductance rule (H. A. Wheeler, "Formulas for the skin
effect", Proc. IRE 30(9), pp. 412-424, 1942): ``L`` is the external inductance per
metre of the mode, ``n`` the distance by which every conductor surface recedes (strips
narrower and thinner by 2n, ground planes moved away by n).  For a quasi-TEM mode
``L = mu0 eps0 / C_air`` whatever the dielectric, so ``g`` needs only the *air-filled*
capacitance ``C_air`` of the cross-section, here from a boundary-element (method of
moments) solve of the strips' surface charge:

* strips: rectangles ``w x t`` (one, or a pair with edge gap ``s`` at +1 / -1 V for the
  differential mode, whose ``L_diff = 2 L_odd``), the boundary graded towards the corners
  (where the charge is singular): within ``ZONE x min(w, t, h, s)`` of each corner
  ``n_side / 2`` cosine-graded segments (a side shorter than two zones is one cosine-graded
  run of ``n_side``, as on an ordinary line), beyond it segments growing geometrically by
  ``1 + GROWTH / n_side`` to mid-side (between plates none longer than ``b / 2``), at most
  ``M_GEOMETRIC`` of them per half side (the ratio raised past that): the count grows with
  ``log(side / min(w, t, h, s))`` and never exceeds ``MAX_SEGMENTS``; the mesh is laid out
  on the nominal geometry and scaled with the sides for both Wheeler solves; piecewise-
  constant charge, collocation at segment midpoints;
* microstrip: the ground plane by an image (Green's function ``-ln(r/r')/(2 pi eps0)``);
  stripline: the closed-form Green's function of a line charge between grounded planes
  ``y = 0, b`` (``b = 2 h + t``),
  ``G = ln[(cosh(pi dx/b) - cos(pi(y+y0)/b)) / (cosh(pi dx/b) - cos(pi(y-y0)/b))] / (4 pi eps0)``
  (e.g. R. E. Collin, *Field Theory of Guided Waves*, 2nd ed., IEEE Press 1991, ch. 4:
  the conformal map of the parallel-plate region);
* the logarithmic singularity of every segment integrated in closed form, the smooth rest
  of the stripline kernel by 6-point Gauss-Legendre; ``dL/dn`` by a central difference of
  two solves (``n = +-0.5 %`` of the smallest dimension).

The microstrip dielectric does not enter ``g`` (it changes C, not L); the solve is in air.

Accuracy (tests/test_field_solve.py): with ``n_side`` = 8, ``g`` is within 0.035 % of its
value at 24 segments per side on ordinary lines, and agrees with an independent surface-
current integration ``R_s oint |J_s|^2 / I^2`` (tests/naive_field.py, within 0.13 %) and a
finite-difference Laplace solve (tests/naive_lines.py, 0.5 %); at the corners of the line
classes' plausibility limits (W/h 0.01-100, S/h 0.01-100, t/W to 1e-5, t/h to 100) within
0.11 % of a twice finer solve by tests/naive_field.py's MoM.
Cost: 36-80 segments and about 1-15 ms on ordinary lines, at most 576 segments and 0.6 s at
those corners (2 cores, loaded; the former one-segment-per-min(h, s) mesh needed thousands,
6 to over 60 s); results are cached per geometry.  Beyond the line classes' limits (direct
calls, ratios ~1e4 and more, or a stripline wider than ~40 b) the per-half-side bound
coarsens the mesh: the cost stays bounded, the accuracy degrades (untested there).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..errors import SIKernelError

#: segments per rectangle side (cosine-graded) of an ordinary cross-section: half of them in
#: each corner zone of a long side; g is within 0.03 % of the 24-segment value at 8
N_SIDE = 8
#: largest n_side accepted (bounds the matrix size, see MAX_SEGMENTS)
N_SIDE_MAX = 24
#: corner zone: the cosine grading covers ZONE x the smallest dimension min(w, t, h, s) from
#: each corner (a shorter side is one cosine-graded run, as for an ordinary cross-section)
ZONE = 2.0
#: beyond the corner zones segment lengths grow geometrically by 1 + GROWTH / n_side towards
#: the middle of the side (1.25 at n_side = 8)
GROWTH = 2.0
#: at most this many geometrically growing segments per half side; past it the growth ratio
#: is raised to span the side (reached only beyond side / min(w, t, h, s) ~ 1e4 at n_side = 8)
M_GEOMETRIC = 40
#: stripline: no segment longer than this fraction of the plane spacing b (the smooth part of
#: the Green's function, integrated by 6-point Gauss-Legendre, varies on the scale b / pi)
STRIP_MAX_SEGMENT_OVER_B = 0.5
#: hard bound on the boundary segments of a cross-section (two strips x four sides x
#: (N_SIDE_MAX + 2 M_GEOMETRIC)); the mesh construction cannot exceed it
MAX_SEGMENTS = 8 * (N_SIDE_MAX + 2 * M_GEOMETRIC)
#: Wheeler step: every surface recedes by this fraction of the smallest dimension (each way)
REL_STEP = 0.005
_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)


def _geometric_fill(rest: float, d0: float, q: float, cap: float) -> np.ndarray:
    """Segment lengths d0 q, d0 q^2, ... (none above ``cap``) summing to ``rest``; at most
    M_GEOMETRIC of them (q raised, cap dropped, when more would be needed)."""
    sizes, total, d = [], 0.0, d0
    while total < rest and len(sizes) <= M_GEOMETRIC:
        d = min(d * q, max(cap, d0))
        sizes.append(d)
        total += d
    if len(sizes) > M_GEOMETRIC:
        # exactly M_GEOMETRIC segments: solve d0 (q + ... + q^m) = rest for q (bisection)
        m, lo, hi = M_GEOMETRIC, 1.0, 2.0
        while d0 * sum(hi ** j for j in range(1, m + 1)) < rest:
            hi *= 2.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if d0 * sum(mid ** j for j in range(1, m + 1)) < rest:
                lo = mid
            else:
                hi = mid
        sizes = [d0 * hi ** j for j in range(1, m + 1)]
    elif len(sizes) > 1 and total - rest > 0.5 * sizes[-1]:
        sizes.pop()                                   # closer to rest without the last one
    out = np.asarray(sizes)
    return out * (rest / out.sum())


def _side_fractions(length: float, zone: float, n_side: int, cap: float) -> np.ndarray:
    """Break points (fractions 0..1) of a side: cosine-graded over ``zone`` from each corner
    (``ceil(n_side / 2)`` segments each), geometric growth in between (none longer than
    ``cap``); a side no longer than two zones is one cosine-graded run of ``2 ceil(n_side/2)``."""
    nz = max(1, math.ceil(n_side / 2))
    half = 0.5 * length
    z = min(half, zone)
    pts = z * (1.0 - np.cos(0.5 * np.pi * np.arange(nz + 1) / nz))
    d0 = pts[-1] - pts[-2]
    if half - z > 0.25 * d0:                          # else: the last zone segment stretches to half
        pts = np.concatenate([pts, z + np.cumsum(_geometric_fill(half - z, d0, 1.0 + GROWTH / n_side, cap))])
    pts[-1] = half
    full = np.concatenate([pts, length - pts[-2::-1]])
    return full / length


def _mesh(kind: str, w: float, t: float, h: float, s: float | None,
          n_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Break-point fractions of the horizontal and the vertical strip sides, from the nominal
    geometry (the same for both Wheeler solves)."""
    ell = min(w, t, h, s if s is not None else w)
    cap = STRIP_MAX_SEGMENT_OVER_B * (2.0 * h + t) if kind == "strip" else math.inf
    return (_side_fractions(w, ZONE * ell, n_side, cap), _side_fractions(t, ZONE * ell, n_side, cap))


def _segments(rects: list[tuple[float, float, float, float]],
              fracs: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Boundary segments: break points ``fracs[0]`` on the horizontal sides of every strip,
    ``fracs[1]`` on the vertical ones (symmetric, so the direction of travel does not matter)."""
    a_pts, b_pts, owner = [], [], []
    for k, (x0, x1, y0, y1) in enumerate(rects):
        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        for i in range(4):
            p, q = corners[i], corners[(i + 1) % 4]
            s = fracs[i % 2]
            pts = p + s[:, None] * (q - p)
            a_pts.append(pts[:-1])
            b_pts.append(pts[1:])
            owner.append(np.full(len(s) - 1, k))
    return np.concatenate(a_pts), np.concatenate(b_pts), np.concatenate(owner)


def boundary_segment_count(kind: str, width: float, thickness: float, height: float,
                           spacing: float | None = None, n_side: int = N_SIDE) -> int:
    """Number of boundary segments (the order of the dense system) of the cross-section's solve.

    Parameters
    ----------
    kind, width, thickness, height, spacing, n_side
        As for :func:`wheeler_geometry_factor`.

    Returns
    -------
    int
        The segment count; never more than :data:`MAX_SEGMENTS`.
    """
    k, dims = _checked(kind, width, thickness, height, spacing, n_side)
    fw, ft = _mesh(k, *dims, n_side)
    return (1 if spacing is None else 2) * 2 * (len(fw) + len(ft) - 2)


def _ln_integral(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``int_A^B ln|P - r| ds`` for every (point, segment) pair (closed form)."""
    d = b - a
    ln_ = np.hypot(d[:, 0], d[:, 1])
    ux, uy = d[:, 0] / ln_, d[:, 1] / ln_
    rx, ry = px[:, None] - a[None, :, 0], py[:, None] - a[None, :, 1]
    u = rx * ux + ry * uy
    v = np.abs(rx * uy - ry * ux)

    def prim(x: np.ndarray) -> np.ndarray:
        r2 = x * x + v * v
        safe = np.where(r2 > 0.0, r2, 1.0)
        return np.where(r2 > 0.0, 0.5 * x * np.log(safe), 0.0) - x + v * np.arctan2(x, v)

    return prim(ln_[None, :] - u) - prim(-u)


def _charge(kind: str, rects: list[tuple[float, float, float, float]], volts: tuple[float, ...],
            b: float | None, fracs: tuple[np.ndarray, np.ndarray]) -> float:
    """Charge per metre (eps0 = 1 units) on the first strip for the given strip potentials."""
    a, e, owner = _segments(rects, fracs)
    mid = 0.5 * (a + e)
    px, py = mid[:, 0], mid[:, 1]
    p = -_ln_integral(px, py, a, e) / (2.0 * np.pi)
    if kind == "micro":
        flip = np.array([1.0, -1.0])
        p += _ln_integral(px, py, a * flip, e * flip) / (2.0 * np.pi)
    else:
        seg_len = np.hypot(*(e - a).T)
        for xg, wg in zip(_GL_X, _GL_W, strict=True):
            q = a + 0.5 * (xg + 1.0) * (e - a)
            dx = np.pi * (px[:, None] - q[None, :, 0]) / b
            cm = np.pi * (py[:, None] - q[None, :, 1]) / b
            cp = np.pi * (py[:, None] + q[None, :, 1]) / b
            sh = np.sinh(dx / 2.0) ** 2
            r2 = (px[:, None] - q[None, :, 0]) ** 2 + (py[:, None] - q[None, :, 1]) ** 2
            smooth = (np.log(sh + np.sin(cp / 2.0) ** 2) - np.log((sh + np.sin(cm / 2.0) ** 2) / r2))
            p += 0.5 * wg * seg_len[None, :] * smooth / (4.0 * np.pi)
    sigma = np.linalg.solve(p, np.asarray(volts)[owner])
    sel = owner == 0
    return float(np.sum(sigma[sel] * np.hypot(*(e - a)[sel].T)))


def _l_over_mu0(kind: str, w: float, t: float, h: float, s: float | None, n: float,
                fracs: tuple[np.ndarray, np.ndarray]) -> float:
    """External inductance of the mode over mu0 with every surface receded by ``n``."""
    ww, tt = w - 2.0 * n, t - 2.0 * n
    y0 = h + 2.0 * n                                  # the plane(s) and the strip face both recede
    b = 2.0 * h + t + 2.0 * n if kind == "strip" else None
    if s is None:
        q = _charge(kind, [(-ww / 2, ww / 2, y0, y0 + tt)], (1.0,), b, fracs)
        return 1.0 / q
    xc = (w + s) / 2.0
    rects = [(-xc - ww / 2, -xc + ww / 2, y0, y0 + tt), (xc - ww / 2, xc + ww / 2, y0, y0 + tt)]
    q = _charge(kind, rects, (1.0, -1.0), b, fracs)
    return 2.0 / q                                    # L_diff = 2 L_odd, V_diff = 2 V


@lru_cache(maxsize=4096)
def _factor(kind: str, w: float, t: float, h: float, s: float | None, n_side: int) -> float:
    dn = REL_STEP * min(w, t, h, s if s is not None else w)
    # the mesh from the nominal geometry, the same for both perturbed solves (a smooth
    # discretisation error cancels in the difference)
    fracs = _mesh(kind, w, t, h, s, n_side)
    lp = _l_over_mu0(kind, w, t, h, s, dn, fracs)
    lm = _l_over_mu0(kind, w, t, h, s, -dn, fracs)
    return (lp - lm) / (2.0 * dn)


def wheeler_geometry_factor(kind: str, width: float, thickness: float, height: float,
                            spacing: float | None = None, n_side: int = N_SIDE) -> float:
    """Skin-effect geometry factor ``g = (1/mu0) dL/dn`` (1/m) of a strip line's mode.

    Parameters
    ----------
    kind : {"microstrip", "stripline"}
        Strip above one ground plane, or centred between two (plane spacing
        ``2 height + thickness``).
    width, thickness, height : float
        Strip width, strip thickness, and dielectric height between each plane and the
        nearest strip face, in m.
    spacing : float or None
        Edge-to-edge gap of a differential pair in m (``None``: single-ended line).
    n_side : int
        Boundary segments per rectangle side of an ordinary line (2 to ``N_SIDE_MAX``); long
        sides get more, graded (see the module notes).

    Returns
    -------
    float
        ``g`` in 1/m: the skin-effect resistance per metre is ``R_s g`` (single-ended
        mode, or the differential mode ``R_diff = 2 R_odd`` for a pair), strips and
        planes together.
    """
    k, dims = _checked(kind, width, thickness, height, spacing, n_side)
    return _factor(k, *dims, int(n_side))


def _checked(kind: str, width: float, thickness: float, height: float, spacing: float | None,
             n_side: int) -> tuple[str, tuple[float, float, float, float | None]]:
    k = {"microstrip": "micro", "stripline": "strip"}.get(kind)
    if k is None:
        raise SIKernelError(f"kind={kind!r}: expected 'microstrip' or 'stripline'")
    dims = [width, thickness, height] + ([] if spacing is None else [spacing])
    if not all(math.isfinite(x) and x > 0 for x in dims):
        raise SIKernelError(f"strip dimensions {dims} must be finite and > 0 m")
    if not (2 <= n_side <= N_SIDE_MAX and int(n_side) == n_side):
        raise SIKernelError(f"n_side={n_side!r}: expected an integer from 2 to {N_SIDE_MAX} "
                            "segments per side")
    return k, (float(width), float(thickness), float(height),
               None if spacing is None else float(spacing))


__all__ = ["MAX_SEGMENTS", "N_SIDE", "N_SIDE_MAX", "REL_STEP", "boundary_segment_count",
           "wheeler_geometry_factor"]
