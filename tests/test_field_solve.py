"""Line conductor loss against independent 2-D field solves (issue 12, item 7).

The skin-effect resistance of a strip line is ``R_s g`` with the geometry factor g (1/m)
from Wheeler's incremental-inductance rule.  sikernel computes g with a boundary-element
solve (sikernel.channel.field2d); it is checked here against

* the surface-current integral ``oint |J_s|^2 / I^2`` (tests/naive_field.py) -- another
  physical principle, on the same kind of discretisation, Richardson-extrapolated in the
  number of boundary segments (the corner singularity makes the plain sum converge as
  ``N^(-2/3)``);
* a finite-difference Laplace solve (tests/naive_lines.py) differentiated by Wheeler's rule
  -- another discretisation;

and the solver of tests/naive_field.py itself against closed forms (a round wire over a
ground plane; the zero-thickness stripline).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ellipk

from sikernel.channel import field2d
from sikernel.channel.field2d import boundary_segment_count, wheeler_geometry_factor
from sikernel.channel.lines import ETA0, Microstrip, Stripline
from sikernel.channel.materials import Dielectric
from sikernel.errors import SIKernelError

from . import naive_field as nf
from .naive_lines import microstrip_z_fd, stripline_z_fd
from .validation_rows import max_rel

MIL = 25.4e-6
#: naive MoM vs the exact wire-over-plane resistance and inductance (256-gon)
RTOL_WIRE_EXACT = 1e-3
#: naive MoM vs Cohn's exact zero-thickness stripline impedance (t = 1e-3 w, 24 segments/side)
RTOL_STRIP_T0_EXACT = 5e-3
#: surface-current integral (extrapolated) vs Wheeler's rule on the same solver
RTOL_SURFACE_VS_WHEELER = 0.01
#: sikernel's g vs the independent surface-current integral
RTOL_G_VS_SURFACE = 0.015
#: sikernel's g vs Wheeler's rule on the finite-difference solve (grid and step errors ~0.5 %)
RTOL_G_VS_FD = 0.015

# (kind, w, t, h, s): single and coupled microstrip and stripline
GEOMS = [
    ("micro", 100e-6, 15e-6, 50e-6, None),
    ("micro", 100e-6, 15e-6, 60e-6, 80e-6),
    ("micro", 5 * MIL, 1.4 * MIL, 3 * MIL, 7 * MIL),
    ("strip", 150e-6, 18e-6, 150e-6, None),
    ("strip", 100e-6, 18e-6, 100e-6, 50e-6),
    ("strip", 127e-6, 17.5e-6, 127e-6, 200e-6),
]
_KIND = {"micro": "microstrip", "strip": "stripline"}


def _lossless(dk: float) -> Dielectric:
    return Dielectric("lossless", dk, 0.0, 1e9, causal=False)


def _surface_extrapolated(kind, w, t, h, s) -> float:
    """Surface-current R/R_s at 12 and 24 segments per side, Richardson with exponent 2/3."""
    a = nf.r_over_rs_surface(kind, w, t, h, s, n_side=12)
    b = nf.r_over_rs_surface(kind, w, t, h, s, n_side=24)
    r = 2.0 ** (-2.0 / 3.0)
    return b + (b - a) * r / (1.0 - r)


def test_naive_solver_wire_over_plane_exact() -> None:
    """R = R_s (D + a) / (2 pi a sqrt(D^2 - a^2)), L = mu0 acosh(D/a) / (2 pi)."""
    a, d = 0.1e-3, 0.3e-3
    st = nf.wire_over_plane(a, d, n=256)
    q = st.charge(0)
    assert 1.0 / q == pytest.approx(math.acosh(d / a) / (2 * math.pi), rel=RTOL_WIRE_EXACT)
    r = (st.conductor_surface_integral() + st.plane_loss_integral(d)) / q**2
    assert r == pytest.approx((d + a) / (2 * math.pi * a * math.sqrt(d * d - a * a)), rel=RTOL_WIRE_EXACT)


def test_naive_solver_thin_stripline_exact(record_property) -> None:
    """Zero-thickness stripline: Z_air = 30 pi K(k')/K(k), k = sech(pi w / 2b) (Cohn 1955)."""
    w, b = 200e-6, 300e-6
    t = 1e-3 * w
    k = 1.0 / math.cosh(math.pi * w / (2 * b))
    exact = 30 * math.pi * ellipk(k * k) / ellipk(1 - k * k)
    z = nf.z_air("strip", w, t, (b - t) / 2, None, n_side=24)
    record_property("validation:surface-current-cohn", max_rel(z, exact))
    assert z == pytest.approx(exact, rel=RTOL_STRIP_T0_EXACT)


def _gid(g) -> str:
    return f"{g[0]}-{'single' if g[4] is None else 'coupled'}-{g[1] * 1e6:.0f}um"


@pytest.mark.parametrize("geom", GEOMS, ids=_gid)
def test_geometry_factor_vs_surface_current(geom, record_property) -> None:
    kind, w, t, h, s = geom
    surf = _surface_extrapolated(kind, w, t, h, s)
    wheel = nf.r_over_rs_wheeler(kind, w, t, h, s, n_side=12)
    assert surf == pytest.approx(wheel, rel=RTOL_SURFACE_VS_WHEELER)
    g = wheeler_geometry_factor(_KIND[kind], w, t, h, s)
    record_property("validation:conductor-loss-surface", max_rel(g, surf))
    assert g == pytest.approx(surf, rel=RTOL_G_VS_SURFACE)
    # the line classes use it: R_ac = R_s K g (smooth copper: K = 1)
    cls = Microstrip if kind == "micro" else Stripline
    line = cls(_lossless(3.5), w, t, h, spacing=s)
    f = np.array([26.5625e9])
    r, *_ = line.rlgc(f)
    rs = math.sqrt(math.pi * f[0] * 4e-7 * math.pi / 5.8e7)
    legs = 1 if s is None else 2
    r_dc = legs / (5.8e7 * w * t)
    assert math.sqrt(r[0] ** 2 - r_dc**2) == pytest.approx(rs * surf, rel=RTOL_G_VS_SURFACE)


@pytest.mark.parametrize("geom", [GEOMS[1], GEOMS[4]], ids=["micro-coupled", "strip-coupled"])
def test_geometry_factor_vs_finite_difference(geom, record_property) -> None:
    kind, w, t, h, s = geom
    n = 0.03 * t
    if kind == "strip":
        zp = stripline_z_fd(w - 2 * n, t - 2 * n, h + 2 * n, s + 2 * n)
        zm = stripline_z_fd(w + 2 * n, t + 2 * n, h - 2 * n, s - 2 * n)
    else:
        zp = microstrip_z_fd(w - 2 * n, t - 2 * n, h + 2 * n, 1.0, s + 2 * n)[0]
        zm = microstrip_z_fd(w + 2 * n, t + 2 * n, h - 2 * n, 1.0, s - 2 * n)[0]
    g_fd = (zp - zm) / (2 * n) / ETA0
    record_property("validation:conductor-loss-fd",
                    max_rel(wheeler_geometry_factor(_KIND[kind], w, t, h, s), g_fd))
    assert wheeler_geometry_factor(_KIND[kind], w, t, h, s) == pytest.approx(g_fd, rel=RTOL_G_VS_FD)


def test_geometry_factor_bad_input() -> None:
    with pytest.raises(SIKernelError, match="kind"):
        wheeler_geometry_factor("coax", 1e-4, 1e-5, 1e-4)
    with pytest.raises(SIKernelError, match="finite"):
        wheeler_geometry_factor("stripline", 1e-4, -1e-5, 1e-4)
    with pytest.raises(SIKernelError, match="n_side"):
        wheeler_geometry_factor("stripline", 1e-4, 1e-5, 1e-4, n_side=1000)


#: scaling every dimension by k scales g by 1/k (the solve is scale-free); round-off only
RTOL_SCALE = 1e-9


@given(k=st.floats(0.2, 5.0), kind=st.sampled_from(["microstrip", "stripline"]),
       coupled=st.booleans())
@settings(max_examples=10)
def test_geometry_factor_scales_inversely(k: float, kind: str, coupled: bool) -> None:
    w, t, h, s = 100e-6, 18e-6, 80e-6, (60e-6 if coupled else None)
    g = wheeler_geometry_factor(kind, w, t, h, s)
    gk = wheeler_geometry_factor(kind, k * w, k * t, k * h, None if s is None else k * s)
    assert gk == pytest.approx(g / k, rel=RTOL_SCALE)


def test_geometry_factor_physical_trends() -> None:
    """Wider strips lose less; a coupled pair (differential, two strips) loses more than one
    strip; a wider gap tends to twice the single line (two uncoupled lines in series)."""
    g = wheeler_geometry_factor
    for kind in ("microstrip", "stripline"):
        assert g(kind, 200e-6, 18e-6, 100e-6) < g(kind, 100e-6, 18e-6, 100e-6)
        single = g(kind, 100e-6, 18e-6, 100e-6)
        near = g(kind, 100e-6, 18e-6, 100e-6, 50e-6)
        far = g(kind, 100e-6, 18e-6, 100e-6, 2000e-6)
        assert single < near
        assert far == pytest.approx(2 * single, rel=0.02)


#: the default boundary discretisation vs three times finer (measured <= 3e-4)
RTOL_G_CONVERGED = 1e-3


@pytest.mark.parametrize("geom", [GEOMS[1], GEOMS[4]], ids=["micro-coupled", "strip-coupled"])
def test_geometry_factor_converged(geom) -> None:
    kind, w, t, h, s = geom
    fine = wheeler_geometry_factor(_KIND[kind], w, t, h, s, n_side=24)
    assert wheeler_geometry_factor(_KIND[kind], w, t, h, s) == pytest.approx(fine, rel=RTOL_G_CONVERGED)


@pytest.mark.parametrize("geom", [("stripline", 1e-4, 1e-7, 1e-6, None),
                                  ("microstrip", 1e-4, 1e-6, 1e-5, None)],
                         ids=["strip-W/h=100", "micro-W/h=10-thin"])
def test_geometry_factor_wide_strip(geom) -> None:
    """A strip much wider than its spacing to the plane(s): the long faces are graded from the
    corners (8 cosine segments on a 100 h wide face would be 11 % off); stripline tends to the
    parallel-plate value g W = 1 (half the current on each face and on each plane)."""
    kind, w, t, h, s = geom
    g = wheeler_geometry_factor(kind, w, t, h, s)
    assert g == pytest.approx(wheeler_geometry_factor(kind, w, t, h, s, n_side=24), rel=3 * RTOL_G_CONVERGED)
    if kind == "stripline":
        assert g * w == pytest.approx(1.0, rel=0.01)


# ---- extreme aspect ratios: bounded mesh, accuracy against a refined independent solve ----------
#: field2d vs the refined naive_field solve below on the extreme geometries (measured <= 1.1e-3;
#: the reference itself moves <= 2.2e-4 from 4 to 8 segments per sub-side)
RTOL_G_EXTREME = 3e-3

# (kind, w, t, h, s): the two fuzzing finds (minutes of solve before the graded mesh; the
# fuzzed thickness of the first is not recorded, 0.35 h here) and corners of the plausibility
# limits of the line constructors (lines.GEOMETRY_RANGE_M / GEOMETRY_RATIOS), the lower
# ones nudged in by 0.1 % (1e-7 / 1e-5 rounds to just below 0.01)
EXTREME = [
    ("stripline", 190e-6, 35e-6, 100e-6, 6e-6),      # fuzz: W/h 1.9, S/h 0.06
    ("microstrip", 20e-6, 56e-6, 10e-6, 0.11e-6),    # fuzz: t/h 5.6, S/h 0.011
    ("microstrip", 1e-3, 1e-6, 1e-5, 1.001e-7),      # W/h 100, S/h 0.01, t/W 1e-3
    ("microstrip", 1e-3, 1e-3, 1e-5, 1.001e-7),      # W/h 100, t/h 100, S/h 0.01
    ("microstrip", 1.001e-7, 1e-6, 1e-5, 1e-3),      # W/h 0.01, t/W 10, S/h 100
    ("microstrip", 1.001e-6, 1e-7, 1e-4, 1.001e-6),  # W/h 0.01, S/h 0.01
    ("microstrip", 1e-2, 1e-7, 1e-4, None),          # W/h 100, t/W 1e-5
    ("stripline", 1e-3, 1e-7, 1e-4, 1.001e-6),       # W/h 10, S/h 0.01, t/W 1e-4
    ("stripline", 1e-4, 1e-3, 1e-5, 1.001e-7),       # W/h 10, t/h 100, S/h 0.01
    ("stripline", 1.001e-6, 1e-5, 1e-4, None),       # W/h 0.01, t/W 10
    ("stripline", 1e-2, 1e-7, 1e-3, 1e-2),           # W/h 10, S/h 10, t/W 1e-5
]


def _ref_breaks(length: float, ell: float, cap: float) -> np.ndarray:
    """Fractions 0..1 of a side: break points ell/8 * 2^k from each corner, none further apart
    than ``cap`` (an independent choice from field2d's zones and growth ratio)."""
    half = [0.0]
    x = ell / 8.0
    while x < length / 2.0:
        half.append(x)
        x *= 2.0
    half.append(length / 2.0)
    pts = [0.0]
    for a, b in itertools.pairwise(half):
        k = max(1, math.ceil((b - a) / cap))
        pts.extend(a + (b - a) * np.arange(1, k + 1) / k)
    p = np.asarray(pts)
    return np.concatenate([p, length - p[-2::-1]]) / length


def _ref_rect(x0: float, x1: float, y0: float, y1: float, fw: np.ndarray, ft: np.ndarray) -> np.ndarray:
    """A rectangle as a polygon with extra (collinear) vertices at the break points."""
    sides = [((x0, y0), (x1, y0), fw), ((x1, y0), (x1, y1), ft),
             ((x1, y1), (x0, y1), fw), ((x0, y1), (x0, y0), ft)]
    return np.concatenate([np.asarray(p) + fr[:-1, None] * (np.asarray(q) - np.asarray(p))
                           for p, q, fr in sides])


def _refined_reference_g(kind: str, w: float, t: float, h: float, s: float | None) -> float:
    """Wheeler's rule on tests/naive_field.py's MoM (8-point Gauss, its own kernels), every
    sub-side between break points cut into 4 cosine-graded segments: about twice field2d's
    segment count."""
    k = "strip" if kind == "stripline" else "micro"
    ell = min(w, t, h, s if s is not None else w)
    cap = 0.25 * (2 * h + t) if k == "strip" else math.inf
    fw, ft = _ref_breaks(w, ell, cap), _ref_breaks(t, ell, cap)
    dn = 0.005 * ell
    inductance = []
    for n in (dn, -dn):
        y0, ww, tt = h + 2 * n, w - 2 * n, t - 2 * n
        b = 2 * h + t + 2 * n if k == "strip" else None
        if s is None:
            polys, volts = [_ref_rect(-ww / 2, ww / 2, y0, y0 + tt, fw, ft)], [1.0]
        else:
            xc = (w + s) / 2
            polys = [_ref_rect(-xc - ww / 2, -xc + ww / 2, y0, y0 + tt, fw, ft),
                     _ref_rect(xc - ww / 2, xc + ww / 2, y0, y0 + tt, fw, ft)]
            volts = [1.0, -1.0]
        sol = nf.Structure(polys, volts, k, b, n_side=4)
        inductance.append((1.0 if s is None else 2.0) / sol.charge(0))
    return (inductance[0] - inductance[1]) / (2 * dn)


def _ext_id(g) -> str:
    kind, w, t, h, s = g
    gap = "" if s is None else f"-S/h{s / h:.3g}"
    return f"{kind}-W/h{w / h:.3g}-t/h{t / h:.3g}{gap}"


@pytest.mark.parametrize("geom", EXTREME, ids=_ext_id)
def test_extreme_geometry_bounded_and_accurate(geom) -> None:
    """Lines at the edges of the constructors' plausibility limits: the boundary mesh stays
    small (graded from the corners, geometric growth, capped per half side) and g agrees with
    a finer solve by an independent MoM code."""
    kind, w, t, h, s = geom
    n_seg = boundary_segment_count(kind, w, t, h, s)
    legs = 1 if s is None else 2
    # four sides per strip, each at most N_SIDE cosine + 2 M_GEOMETRIC geometric segments
    assert n_seg <= legs * 4 * (field2d.N_SIDE + 2 * field2d.M_GEOMETRIC) <= field2d.MAX_SEGMENTS
    cls = Microstrip if kind == "microstrip" else Stripline
    line = cls(_lossless(3.5), w, t, h, spacing=s)      # passes the constructor's checks
    g = wheeler_geometry_factor(kind, w, t, h, s)
    assert math.isfinite(g) and g > 0
    assert line.rlgc(np.array([1e10]))[0][0] > 0
    assert g == pytest.approx(_refined_reference_g(kind, w, t, h, s), rel=RTOL_G_EXTREME)


def test_extreme_gap_parallel_plate_limit() -> None:
    """A pair of tall strips with a tiny gap (t/s = 1e4): the gap is a parallel-plate capacitor,
    L_diff = mu0 eps0 / (eps0 (t/s + W/2h)) with both faces receding, so g -> 2/t (1 + O(s/t))."""
    w = t = 1e-3
    h, s = 1e-5, 1e-7
    g = wheeler_geometry_factor("microstrip", w, t, h, s)
    c = t / s + w / (2 * h)                          # gap plate + the two bottom faces in series
    dc_dn = -(2 / s) * (1 + t / s) - (1 + w / h) / h
    assert g == pytest.approx(-dc_dn / c**2, rel=0.02)


@given(kind=st.sampled_from(["microstrip", "stripline"]), w_h=st.floats(-2.0, 2.0),
       t_w=st.floats(-5.0, 1.0), s_h=st.one_of(st.none(), st.floats(-2.0, 2.0)),
       h=st.floats(-6.5, -2.5))
@settings(max_examples=200, deadline=None)
def test_segment_count_bounded(kind: str, w_h: float, t_w: float, s_h: float | None, h: float) -> None:
    """Any geometry the line constructors accept (log-uniform over their ratio limits) gets a
    mesh within MAX_SEGMENTS (the order of the dense solve; counted, not solved)."""
    hh = 10.0**h
    w = hh * 10.0**min(w_h, 1.0 if kind == "stripline" else 2.0)
    t = max(w * 10.0**t_w, 1e-7)
    s = None if s_h is None else hh * 10.0**s_h
    legs = 1 if s is None else 2
    n = boundary_segment_count(kind, w, t, hh, s)
    assert n <= legs * 4 * (field2d.N_SIDE + 2 * field2d.M_GEOMETRIC) <= field2d.MAX_SEGMENTS


@pytest.mark.parametrize("geom", [("microstrip", 1.0, 1e-9, 1.0, 1e-9),
                                  ("stripline", 1.0, 1.0, 1e-9, None),
                                  ("stripline", 1e3, 1e-9, 1.0, 1e-9)],
                         ids=["micro", "strip-tall", "strip-wide"])
def test_segment_count_bounded_beyond_line_limits(geom) -> None:
    """field2d called directly with ratios of 1e9 (far beyond what the line classes accept):
    the per-half-side limit M_GEOMETRIC still bounds the mesh (counted, not solved)."""
    kind, w, t, h, s = geom
    legs = 1 if s is None else 2
    assert boundary_segment_count(kind, w, t, h, s) <= legs * 4 * (field2d.N_SIDE + 2 * field2d.M_GEOMETRIC)


def test_mline_conductor_loss_against_the_field_solve() -> None:
    """scikit-rf's ``MLine`` conductor loss on the 100/15/50 um microstrip at 26.56 GHz
    (eps_r 3.3, smooth copper) against the field solve: ``alpha_c = R_s K_i / (Z0 W)`` with
    its current-distribution factor ``K_i = exp(-1.2 (Z0/eta0)^0.7)`` on its own line impedance
    Z0 is a resistance ``2 Z0 alpha_c = 2 R_s K_i / W``, about 1.7 x the field solve's
    ``R_s g``.  docs/models.md (1.5) types these figures."""
    import warnings

    import skrf
    from skrf.media import MLine

    from .conftest import repo_text

    w, t, h, f_hz, sigma = 100e-6, 15e-6, 50e-6, 26.5625e9, 5.8e7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mline = MLine(frequency=skrf.Frequency(f_hz, f_hz, 1, "Hz"), w=w, h=h, t=t, ep_r=3.3,
                      rho=1.0 / sigma, tand=0.0, rough=0.0, z0_port=50.0)
    rs = math.sqrt(math.pi * f_hz * 4e-7 * math.pi / sigma)
    z0 = float(np.real(mline.z0_characteristic[0]))
    mline_rw = 2.0 * z0 * float(np.real(mline.alpha_conductor[0])) * w / rs
    # what MLine computes is the closed form above (not its Z_air)
    assert mline_rw == pytest.approx(2.0 * math.exp(-1.2 * (z0 / ETA0) ** 0.7), rel=1e-9)
    surface_gw = _surface_extrapolated("micro", w, t, h, None) * w
    sikernel_gw = wheeler_geometry_factor("microstrip", w, t, h, None) * w
    assert sikernel_gw == pytest.approx(surface_gw, rel=RTOL_G_VS_SURFACE)
    ratio = mline_rw / surface_gw
    assert 1.5 < ratio < 1.9, ratio
    text = repo_text("docs/models.md", flat=True)
    for phrase in (f"`g W = {surface_gw:.3f}` (`R_ac = {surface_gw:.3f} R_s/W`), sikernel {sikernel_gw:.3f}",
                   f"`MLine` gives {mline_rw:.2f} R_s/W at 26.56 GHz (ε_r 3.3, its line impedance "
                   f"Z0 = {z0:.1f} Ω)", f"`R = 2 R_s K_i/W`, {ratio:.1f} × the field solve"):
        assert phrase in text, phrase
