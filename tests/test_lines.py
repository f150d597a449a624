"""Stripline / microstrip / parametric line: closed forms, field-solver cross-check, invariants, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import constants

from sikernel import SIKernelError
from sikernel.channel import twoport
from sikernel.channel.lines import ETA0, Microstrip, Stripline
from sikernel.channel.materials import DIELECTRICS, Dielectric
from sikernel.channel.parametric import HOST_BOARD_92_12, ParametricLine

from .naive_lines import microstrip_z_fd, stripline_z_fd
from .validation_rows import max_abs, max_rel

MIL = 25.4e-6
INCH = 0.0254
# closed-form impedance vs the 2-D finite-difference Laplace solve (issue: 3 %)
RTOL_Z_FD = 0.03
# microstrip eps_eff vs the FD solve (odd mode: Kirschning-Jansen static formula)
RTOL_EEFF_FD = 0.07
# dielectric-only loss vs 2.31 f[GHz] sqrt(Dk) Df dB/inch (issue: 1 %)
RTOL_DIEL_RULE = 0.01
# two computations of the same cascade / closed form (round-off only)
ATOL_CASCADE = 1e-10
ATOL_SKRF = 1e-9
# passivity: largest singular value of S may exceed 1 by round-off only
PASSIVITY_SLACK = 1e-12

F = np.linspace(0.0, 60e9, 601)
F_POS = F[1:]

STRIP_GEOMS = [  # (w, t, h, s) in metres
    (5 * MIL, 0.6 * MIL, 6 * MIL, None),
    (100e-6, 18e-6, 60e-6, None),
    (5 * MIL, 0.6 * MIL, 6 * MIL, 7 * MIL),
    (6 * MIL, 1.2 * MIL, 6 * MIL, 6 * MIL),
    (100e-6, 18e-6, 100e-6, 50e-6),
    (20e-6, 12e-6, 25e-6, 20e-6),
]
MICRO_GEOMS = [  # (w, t, h, s, eps_r)
    (0.3e-3, 35e-6, 0.16e-3, None, 4.3),
    (100e-6, 15e-6, 50e-6, None, 3.3),
    (0.3e-3, 35e-6, 0.16e-3, 0.2e-3, 4.3),
    (100e-6, 15e-6, 60e-6, 80e-6, 3.3),
]


def _lossless(dk: float) -> Dielectric:
    return Dielectric("lossless", dk, 0.0, 1e9, causal=False)


@pytest.mark.parametrize(("w", "t", "h", "s"), STRIP_GEOMS)
def test_stripline_z_vs_field_solver(w, t, h, s, record_property):
    z_fd = stripline_z_fd(w, t, h, s)  # air-filled
    line = Stripline(_lossless(3.5), w, t, h, spacing=s, sigma_s_m=math.inf)
    assert line.z_air_ohm == pytest.approx(z_fd, rel=RTOL_Z_FD)
    zc = line.zc(np.array([1e9]))[0]
    record_property("validation:stripline-z0",
                    max(max_rel(line.z_air_ohm, z_fd), max_rel(zc.real, z_fd / math.sqrt(3.5))))
    assert zc.real == pytest.approx(z_fd / math.sqrt(3.5), rel=RTOL_Z_FD)


@pytest.mark.parametrize(("w", "t", "h", "s", "er"), MICRO_GEOMS)
def test_microstrip_z_vs_field_solver(w, t, h, s, er, record_property):
    z_fd, ee_fd = microstrip_z_fd(w, t, h, er, s)
    line = Microstrip(_lossless(er), w, t, h, spacing=s, sigma_s_m=math.inf)
    record_property("validation:microstrip-z0", max_rel(line.zc(np.array([1e9]))[0].real, z_fd))
    assert line.zc(np.array([1e9]))[0].real == pytest.approx(z_fd, rel=RTOL_Z_FD)
    # effective permittivity of the port mode (single line: H-J; odd mode: Kirschning-Jansen)
    ee = 1.0 + line._q[1] * (er - 1.0)
    assert ee == pytest.approx(ee_fd, rel=RTOL_EEFF_FD)


# conductor attenuation vs Pozar's closed form (same Wheeler rule on another Z0 fit)
RTOL_ALPHA_C = 0.02
# Wheeler dZ/dn from the closed form vs from the FD solver (finite difference of two solves)
RTOL_DZDN = 0.03


@pytest.mark.parametrize(("w", "t", "h"), [(150e-6, 18e-6, 150e-6), (100e-6, 35e-6, 100e-6),
                                           (300e-6, 18e-6, 200e-6)])
def test_conductor_loss_vs_pozar(w, t, h):
    """alpha_c of stripline, D. M. Pozar, *Microwave Engineering*, 4th ed., §3.7 (sqrt(er) Z0 < 120)."""
    er = 3.5
    line = Stripline(_lossless(er), w, t, h)
    f = np.array([10e9])
    b = 2 * h + t
    z0 = line.z_air_ohm / math.sqrt(er)
    rs = math.sqrt(math.pi * 10e9 * constants.mu_0 / 5.8e7)
    a = 1 + 2 * w / (b - t) + (b + t) / (math.pi * (b - t)) * math.log((2 * b - t) / t)
    alpha_pozar = 2.7e-3 * rs * er * z0 / (30 * math.pi * (b - t)) * a
    r, *_ = line.rlgc(f)
    assert r[0] / (2 * z0) == pytest.approx(alpha_pozar, rel=RTOL_ALPHA_C)


def test_wheeler_derivative_vs_field_solver():
    w, t, h, n = 150e-6, 18e-6, 150e-6, 4e-6
    d_fd = (stripline_z_fd(w - 2 * n, t - 2 * n, h + 2 * n, hmin_frac=0.04)
            - stripline_z_fd(w + 2 * n, t + 2 * n, h - 2 * n, hmin_frac=0.04)) / (2 * n)
    line = Stripline(_lossless(1.0), w, t, h)
    g_geom = line._q[2]  # (1/eta0) dZ_air/dn
    assert g_geom * ETA0 == pytest.approx(d_fd, rel=RTOL_DZDN)


def test_matched_lossless_line_is_pure_delay(record_property):
    dk = 3.7
    line = Stripline(_lossless(dk), 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, sigma_s_m=math.inf)
    zc = line.z_air_ohm / math.sqrt(dk)
    length = 0.1
    ch = line.section(length, F, z0_ohm=zc)
    delay = length * math.sqrt(dk) / constants.c
    record_property("validation:line-cascade-delay", max(max_abs(ch.s21, np.exp(-2j * np.pi * F * delay)),
                                                          max_abs(ch.s11, 0.0)))
    np.testing.assert_allclose(ch.s21, np.exp(-2j * np.pi * F * delay), atol=ATOL_CASCADE)
    np.testing.assert_allclose(ch.s11, 0.0, atol=ATOL_CASCADE)


@pytest.mark.parametrize("name", sorted(DIELECTRICS))
def test_dielectric_loss_rule(name, record_property):
    line = Stripline(name, 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, sigma_s_m=math.inf)
    f = np.array([1e9, 10e9, 28e9, 56e9])
    dk, df = line.dielectric.dk_df(f)
    rule = 2.31 * f / 1e9 * np.sqrt(dk) * df
    record_property("validation:dielectric-loss", max_rel(line.loss_db(f, INCH), rule))
    np.testing.assert_allclose(line.loss_db(f, INCH), rule, rtol=RTOL_DIEL_RULE)


def test_dc_section_is_series_resistance():
    line = Stripline("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL)
    r, _, g, _ = line.rlgc(np.array([0.0]))
    assert g[0] == 0.0
    assert r[0] == pytest.approx(2.0 / (5.8e7 * 5 * MIL * 0.6 * MIL), rel=1e-12)
    s = line.section(0.5, np.array([0.0, 1e9])).sdd[0]
    rt = r[0] * 0.5
    assert s[1, 0].real == pytest.approx(200.0 / (200.0 + rt), rel=1e-12)
    assert np.isinf(line.zc(np.array([0.0]))[0])


def test_roughness_and_material_ordering():
    f = np.array([26.5625e9])
    geo = (5 * MIL, 0.6 * MIL, 6 * MIL)
    smooth = Stripline("megtron7", *geo, spacing=7 * MIL).loss_db(f, INCH)[0]
    rough = Stripline("megtron7", *geo, spacing=7 * MIL, roughness="rtf").loss_db(f, INCH)[0]
    fr4 = Stripline("fr4", *geo, spacing=7 * MIL).loss_db(f, INCH)[0]
    assert smooth < rough < fr4


@pytest.mark.parametrize("make", [
    lambda: Stripline("megtron6", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp"),
    lambda: Stripline("fr4", 6 * MIL, 1.2 * MIL, 8 * MIL),
    lambda: Microstrip("abf", 25e-6, 12e-6, 30e-6, spacing=25e-6, roughness="smooth"),
    lambda: HOST_BOARD_92_12,
])
def test_halves_cascade_to_whole(make, record_property):
    line = make()
    whole = line.section(0.2, F)
    half = line.section(0.1, F)
    both = twoport.cascade(half, half)
    record_property("validation:line-cascade-delay", max_abs(both.sdd, whole.sdd))
    np.testing.assert_allclose(both.sdd, whole.sdd, atol=ATOL_CASCADE)


def test_against_scikit_rf_line(record_property):
    import skrf

    line = Stripline("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp")
    freq = skrf.Frequency.from_f(F_POS, unit="hz")
    media = skrf.media.DefinedGammaZ0(freq, z0_port=100.0, z0=line.zc(F_POS), gamma=line.gamma(F_POS))
    ref = media.line(0.15, unit="m")
    record_property("validation:line-vs-skrf", max_abs(line.section(0.15, F_POS).sdd, ref.s))
    np.testing.assert_allclose(line.section(0.15, F_POS).sdd, ref.s, atol=ATOL_SKRF)


def test_parametric_line_93a():
    # Table 92-12 host board: physics.md quotes ~1.96 dB/inch at 26.56 GHz
    assert HOST_BOARD_92_12.loss_db(np.array([26.5625e9]), INCH)[0] == pytest.approx(1.96, abs=0.02)
    p = ParametricLine(a1=9.909e-4, a2=2.772e-4, tau_ns_per_mm=6.141e-3, zc_ohm=100.0)
    ch = p.section(0.012, F)  # Zc = 2 R0: matched, S21 = exp(-gamma z)
    np.testing.assert_allclose(ch.s21, np.exp(-p.gamma(F) * 0.012), atol=1e-14)
    np.testing.assert_allclose(ch.s11, 0.0, atol=1e-14)
    assert p.gamma(np.array([0.0]))[0] == 0.0


def _singular_max(s):
    return np.linalg.svd(s, compute_uv=False).max()


@given(length=st.floats(0.0, 1.0), name=st.sampled_from(sorted(DIELECTRICS)),
       w=st.floats(60e-6, 250e-6), h=st.floats(60e-6, 250e-6),
       gap=st.one_of(st.none(), st.floats(60e-6, 400e-6)),
       rough=st.sampled_from(["smooth", "hvlp", "rtf"]), micro=st.booleans())
def test_sections_reciprocal_passive(length, name, w, h, gap, rough, micro):
    cls = Microstrip if micro else Stripline
    ch = cls(name, w, 18e-6, h, spacing=gap, roughness=rough).section(length, F)
    np.testing.assert_allclose(ch.sdd[:, 0, 1], ch.sdd[:, 1, 0], rtol=1e-12, atol=1e-15)
    assert _singular_max(ch.sdd) <= 1.0 + PASSIVITY_SLACK


@given(l1=st.floats(0.0, 0.5), dl=st.floats(1e-4, 0.5), name=st.sampled_from(sorted(DIELECTRICS)))
def test_loss_monotone_in_length(l1, dl, name):
    line = Stripline(name, 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp")
    a = line.loss_db(F_POS, l1)
    b = line.loss_db(F_POS, l1 + dl)
    assert np.all(b > a)
    ia = line.section(l1, F_POS).il_db()
    ib = line.section(l1 + dl, F_POS).il_db()
    # matched-line loss grows strictly; the terminated |S21| too, up to ripple of the mismatch
    assert np.mean(ib) > np.mean(ia)


# ---------------------------------------------------------------- bad input
def _sl(**kw):
    args = {"material": "megtron7", "width": 5 * MIL, "thickness": 0.6 * MIL, "height": 6 * MIL} | kw
    return Stripline(**args)


@pytest.mark.parametrize("length", [-1e-3, float("nan"), float("inf")])
def test_bad_length(length):
    with pytest.raises(SIKernelError, match="length"):
        _sl().section(length, F)
    with pytest.raises(SIKernelError, match="length"):
        _sl().loss_db(F, length)


@pytest.mark.parametrize("kw", [{"width": 0.0}, {"thickness": -1e-6}, {"height": float("nan")},
                                {"spacing": 0.0}])
def test_bad_geometry(kw):
    with pytest.raises(SIKernelError):
        _sl(**kw)


def test_unknown_material():
    with pytest.raises(SIKernelError, match="known"):
        _sl(material="balsa")


@pytest.mark.parametrize("f", [np.array([]), np.array([1e9, 2e9, 1.5e9]), np.array([1e9, 1e9]),
                               np.array([-1.0, 1e9])])
def test_bad_grid(f):
    with pytest.raises(SIKernelError):
        _sl().section(0.1, f)


def test_bad_parametric():
    with pytest.raises(SIKernelError, match="zc_ohm"):
        ParametricLine(a1=1e-3, a2=1e-4, tau_ns_per_mm=6e-3, zc_ohm=-5.0)


def test_section_and_abcd_refuse_mm_lengths_and_strings():
    """Fuzz 31 M2/M13: section(100, f) built a 100 km line silently while loss_db(f, 100)
    refused it; loss_db('26GHz', 0.1) was a bare numpy ValueError.  The lengths go through
    loss_db's metres check (mm hint), the frequencies are refused naming f."""
    line = _sl()
    for call in (lambda: line.section(100.0, F), lambda: line.abcd(100.0, F),
                 lambda: Microstrip("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL).section(100.0, F)):
        with pytest.raises(SIKernelError, match=r"length=100 m is above 20 m.*100 mm is 0\.1 m"):
            call()
    for call in (lambda: line.loss_db("26GHz", 0.1), lambda: line.section(0.1, "abc"),
                 lambda: line.gamma(None)):
        with pytest.raises(SIKernelError, match=r"f=.* is not numeric; expected frequencies in Hz"):
            call()


def test_complex_frequencies_are_refused_by_name():
    """Fuzz 31 low: loss_db(np.array([1e9 + 0j]), .1) dropped the imaginary part with only numpy's
    ComplexWarning."""
    import warnings

    line = _sl()
    for call in (lambda: line.loss_db(np.array([1e9 + 0j]), 0.1), lambda: line.loss_db(1e9 + 1j, 0.1),
                 lambda: line.section(0.1, F + 0j), lambda: line.gamma(F.astype(complex))):
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # numpy's ComplexWarning is no answer
            with pytest.raises(SIKernelError, match=r"f=.* is complex; expected real frequencies in Hz"):
                call()


def test_conductivity_in_ms_per_m_warns():
    """Fuzz 31 M12: sigma_s_m=58 (MS/m typed) gave 6901 dB over 0.1 m without a word."""
    import warnings

    from sikernel.errors import SIKernelWarning

    slip = r"sigma_s_m=58 S/m is below 1e\+06.*use 5\.8e\+07 for 58 MS/m"
    with pytest.warns(SIKernelWarning, match=slip) as rec:
        _sl(sigma_s_m=58.0)
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _sl(sigma_s_m=1.4e7)   # nickel: no warning


def test_loss_db_unit_slips():
    """loss_db(f, 254) (mm typed as m) had returned 945 dB and loss_db(26.5625, ...) (GHz typed)
    6e-5 dB, silently: the length is refused naming mm, the frequency warns naming GHz, for the
    closed-form lines and the 802.3 parametric line alike."""
    import warnings

    from sikernel.channel.parametric import HOST_BOARD_92_12
    from sikernel.errors import SIKernelWarning

    strip = Stripline("megtron7", width=100e-6, thickness=18e-6, height=120e-6, spacing=150e-6)
    for line in (strip, HOST_BOARD_92_12):
        with pytest.raises(SIKernelError, match=r"254 m is above 20 m.*254 mm is 0\.254 m"):
            line.loss_db([26.5625e9], 254.0)
        with pytest.warns(SIKernelWarning, match=r"26\.5625 GHz = 2\.65625e\+10 Hz"):
            line.loss_db([26.5625], 0.254)
        with pytest.warns(SIKernelWarning, match="GHz"):
            line.loss_db([0.0, 26.5625], 0.254)   # a grid in GHz that includes DC
        with warnings.catch_warnings():
            warnings.simplefilter("error", SIKernelWarning)
            assert np.all(np.asarray(line.loss_db([0.0, 26.5625e9], 0.254)) >= 0.0)   # DC is fine
