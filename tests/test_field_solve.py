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

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ellipk

from sikernel.channel.field2d import wheeler_geometry_factor
from sikernel.channel.lines import ETA0, Microstrip, Stripline
from sikernel.channel.materials import Dielectric
from sikernel.errors import SIKernelError

from . import naive_field as nf
from .naive_lines import microstrip_z_fd, stripline_z_fd

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


def test_naive_solver_thin_stripline_exact() -> None:
    """Zero-thickness stripline: Z_air = 30 pi K(k')/K(k), k = sech(pi w / 2b) (Cohn 1955)."""
    w, b = 200e-6, 300e-6
    t = 1e-3 * w
    k = 1.0 / math.cosh(math.pi * w / (2 * b))
    exact = 30 * math.pi * ellipk(k * k) / ellipk(1 - k * k)
    z = nf.z_air("strip", w, t, (b - t) / 2, None, n_side=24)
    assert z == pytest.approx(exact, rel=RTOL_STRIP_T0_EXACT)


def _gid(g) -> str:
    return f"{g[0]}-{'single' if g[4] is None else 'coupled'}-{g[1] * 1e6:.0f}um"


@pytest.mark.parametrize("geom", GEOMS, ids=_gid)
def test_geometry_factor_vs_surface_current(geom) -> None:
    kind, w, t, h, s = geom
    surf = _surface_extrapolated(kind, w, t, h, s)
    wheel = nf.r_over_rs_wheeler(kind, w, t, h, s, n_side=12)
    assert surf == pytest.approx(wheel, rel=RTOL_SURFACE_VS_WHEELER)
    g = wheeler_geometry_factor(_KIND[kind], w, t, h, s)
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
def test_geometry_factor_vs_finite_difference(geom) -> None:
    kind, w, t, h, s = geom
    n = 0.03 * t
    if kind == "strip":
        zp = stripline_z_fd(w - 2 * n, t - 2 * n, h + 2 * n, s + 2 * n)
        zm = stripline_z_fd(w + 2 * n, t + 2 * n, h - 2 * n, s - 2 * n)
    else:
        zp = microstrip_z_fd(w - 2 * n, t - 2 * n, h + 2 * n, 1.0, s + 2 * n)[0]
        zm = microstrip_z_fd(w + 2 * n, t + 2 * n, h - 2 * n, 1.0, s - 2 * n)[0]
    g_fd = (zp - zm) / (2 * n) / ETA0
    assert wheeler_geometry_factor(_KIND[kind], w, t, h, s) == pytest.approx(g_fd, rel=RTOL_G_VS_FD)


def test_geometry_factor_bad_input() -> None:
    with pytest.raises(SIKernelError, match="kind"):
        wheeler_geometry_factor("coax", 1e-4, 1e-5, 1e-4)
    with pytest.raises(SIKernelError, match="finite"):
        wheeler_geometry_factor("stripline", 1e-4, -1e-5, 1e-4)


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
    """A strip much wider than its spacing to the plane(s): the boundary is refined with W/h
    (8 segments on a 100 h wide face would be 11 % off); stripline tends to the parallel-plate
    value g W = 1 (half the current on each face and on each plane)."""
    kind, w, t, h, s = geom
    g = wheeler_geometry_factor(kind, w, t, h, s)
    assert g == pytest.approx(wheeler_geometry_factor(kind, w, t, h, s, n_side=24), rel=3 * RTOL_G_CONVERGED)
    if kind == "stripline":
        assert g * w == pytest.approx(1.0, rel=0.01)
