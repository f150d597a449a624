"""Link builder: cascade of packages, lines, vias, caps and measured blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel import Channel, SIKernelError
from sikernel.channel import lumped, twoport
from sikernel.channel.lines import Stripline
from sikernel.channel.link import Link
from sikernel.channel.materials import DIELECTRICS
from sikernel.channel.package import package_channel
from sikernel.channel.parametric import HOST_BOARD_92_12
from sikernel.channel.twoport import star

from . import naive

MIL = 25.4e-6
F = np.linspace(0.0, 60e9, 601)
ATOL = 1e-10
LINE = Stripline("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp")


def test_star_equals_naive_cascade(rng):
    a = (rng.normal(size=(16, 2, 2)) + 1j * rng.normal(size=(16, 2, 2))) * 0.3
    b = (rng.normal(size=(16, 2, 2)) + 1j * rng.normal(size=(16, 2, 2))) * 0.3
    np.testing.assert_allclose(star(a, b), naive.cascade_s(a, b), rtol=1e-12, atol=1e-14)


def test_link_equals_abcd_cascade_of_parts():
    via = lambda f: lumped.via(f, 1.6e-3, 0.3e-3, zc_ohm=90.0)  # noqa: E731
    link = Link([(LINE, 0.05), via, (HOST_BOARD_92_12, 0.1), (LINE, 0.02)],
                tx_package="802.3ck", rx_package="802.3ck", z_p_tx_m=12e-3, z_p_rx_m=31e-3)
    got = link.build(F)
    parts = [package_channel("802.3ck", 12e-3, F), LINE.section(0.05, F), via(F),
             HOST_BOARD_92_12.section(0.1, F), LINE.section(0.02, F),
             package_channel("802.3ck", 31e-3, F, "rx")]
    np.testing.assert_allclose(got.sdd, twoport.cascade(*parts).sdd, atol=ATOL)
    assert got.z0_ohm == 100.0 and len(got.meta["link"]) == 6


def test_link_with_ac_cap_blocks_dc():
    link = Link([(LINE, 0.1), lambda f: lumped.ac_coupling(100e-9, f), (LINE, 0.1)],
                tx_package="802.3dj", rx_package="802.3dj")
    ch = link.build(F)
    assert ch.s21[0] == 0 and np.all(np.isfinite(ch.sdd))
    assert abs(ch.s21[1]) > 0.5


def test_link_with_touchstone_segment():
    from .conftest import channel_path

    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    ch = Link([p]).build(F)
    assert ch.il_db(26.5625e9) == pytest.approx(12.17, abs=0.05)
    longer = Link([p, (LINE, 0.0254)]).build(F)
    assert longer.il_db(26.5625e9) > ch.il_db(26.5625e9) + 0.5


@given(l1=st.floats(0.0, 0.5), l2=st.floats(0.0, 0.5), name=st.sampled_from(sorted(DIELECTRICS)),
       pkg=st.sampled_from(["802.3ck", "802.3dj", "802.3-cl93", None]))
def test_links_reciprocal_passive(l1, l2, name, pkg):
    line = Stripline(name, 120e-6, 18e-6, 130e-6, spacing=150e-6)
    ch = Link([(line, l1), lambda f: lumped.via(f, 1.5e-3, 0.5e-3), (line, l2)],
              tx_package=pkg, rx_package=pkg).build(F)
    np.testing.assert_allclose(ch.sdd[:, 0, 1], ch.sdd[:, 1, 0], rtol=1e-10, atol=1e-14)
    assert np.linalg.svd(ch.sdd, compute_uv=False).max() <= 1 + 1e-12


def test_renormalises_other_reference():
    seg = LINE.section(0.05, F, z0_ohm=85.0)
    ch = Link([seg]).build(F)
    np.testing.assert_allclose(ch.sdd, LINE.section(0.05, F).sdd, atol=ATOL)


# ---------------------------------------------------------------- bad input
def test_bad_segment():
    with pytest.raises(SIKernelError, match="segments"):
        Link([42])


def test_negative_segment_length():
    with pytest.raises(SIKernelError, match="length"):
        Link([(LINE, -0.1)])


def test_empty_link():
    with pytest.raises(SIKernelError, match="nothing"):
        Link([]).build(F)


def test_unknown_package_in_link():
    with pytest.raises(SIKernelError, match="known"):
        Link([(LINE, 0.1)], tx_package="nope")


def test_callable_must_return_channel():
    with pytest.raises(SIKernelError, match="Channel"):
        Link([lambda f: 3.0]).build(F)


@pytest.mark.parametrize(("segments", "match"), [
    ("abc", r"segments='abc' is not a list of segments; for one segment give a list: Link\(\['abc'\]\)"),
    (None, "segments=None is not a list of segments: expected a list of"),
    ((LINE, 0.1), "for one segment give a list"),
])
def test_segments_not_a_list(segments, match):
    """Fuzz 31 M13/M14: Link('abc') iterated the string ("Touchstone file 'a' does not exist"),
    Link(None) was a bare TypeError."""
    with pytest.raises(SIKernelError, match=match):
        Link(segments)


def test_callable_returning_another_grid_is_refused():
    """Fuzz 31 M12: a callable returning a channel on its own grid was returned as the link,
    10 points instead of the grid asked for."""
    seg = lambda f: lumped.shunt_c(100e-15, f[:10])   # noqa: E731
    with pytest.raises(SIKernelError, match=r"returned a Channel on another grid \(10 points"):
        Link([seg]).build(F)


def test_package_lengths_in_mm_and_without_a_package():
    """Fuzz 31 M2: z_p_tx_m=12 (mm typed) and package_channel(.., 12, f) were accepted (a 12 m
    package); z_p_tx_m without a package was ignored silently."""
    import warnings

    from sikernel.errors import SIKernelWarning

    with pytest.raises(SIKernelError, match=r"z_p_tx_m=12 m is above 0\.5 m.*12 mm is 0\.012 m"):
        Link([(LINE, 0.1)], "802.3ck", z_p_tx_m=12.0)
    with pytest.raises(SIKernelError, match=r"z_p_m=12 m is above 0\.5 m.*12 mm is 0\.012 m"):
        package_channel("802.3ck", 12.0, F)
    with pytest.raises(SIKernelError, match=r"f='abc' is not numeric"):
        package_channel("802.3ck", 0.012, "abc")
    with pytest.warns(SIKernelWarning, match=r"z_p_rx_m=0\.012 is ignored: no rx_package") as rec:
        Link([(LINE, 0.1)], "802.3ck", None, z_p_rx_m=0.012)
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        Link([(LINE, 0.1)], "802.3ck", "802.3ck", z_p_tx_m=0.012, z_p_rx_m=0.03).build(F)
        Link([(LINE, 25.0)], None, z_p_tx_m=0.012, check_units=False).build(F[:3])   # library use


def test_channel_segment_passes_through():
    ch = lumped.shunt_c(100e-15, F)
    assert isinstance(Link([ch]).build(F), Channel)


# --------------------------------------------------------------------------- unit slips
def test_link_refuses_mm_lengths_and_ghz_grids():
    """254 (mm typed as m) had built a 6000 dB channel, and a grid in GHz a channel on 0-60 Hz;
    both are refused naming the slip.  check_units=False (the energy model's synthetic channels,
    long lines at low rates, single-frequency grids) builds them."""
    from sikernel.channel.parametric import HOST_BOARD_92_12 as line

    f = np.linspace(0.0, 60e9, 61)
    with pytest.raises(SIKernelError, match=r"254 m is above 20 m.*254 mm is 0\.254 m"):
        Link([(line, 254.0)])
    with pytest.raises(SIKernelError, match=r"ends at 60 Hz.*multiplied by 1e9"):
        Link([(line, 0.254)]).build(f / 1e9)
    assert Link([(line, 0.254)]).build(f).il_db(26.5625e9) == pytest.approx(
        line.loss_db(26.5625e9, 0.254), rel=0.05)
    long_ = Link([(line, 25.0)], check_units=False).build(np.linspace(0.0, 1e8, 11))
    assert np.all(np.isfinite(long_.sdd))


def test_link_low_grids_that_are_not_ghz_slips_are_built():
    """A DC-only grid and a grid ending at 500 kHz are not GHz slips (review: both were refused,
    '0 GHz = 0 Hz'); a grid ending at 60 Hz is."""
    from sikernel.channel.parametric import HOST_BOARD_92_12 as line

    Link([(line, 0.254)]).build([0.0])
    Link([(line, 0.254)]).build(np.linspace(0.0, 5e5, 11))
    with pytest.raises(SIKernelError, match="ends at 60 Hz"):
        Link([(line, 0.254)]).build(np.linspace(0.0, 60.0, 61))


def test_study_paths_take_long_lengths_as_given():
    """The study's paths come from options in mm, validated where given (a long NPO path warns
    'priced as given'); build_channel does not then refuse it as mm typed for m (review)."""
    from sikernel.system.channels import PathSpec, build_channel

    ch = build_channel(PathSpec("long", (("stripline", "megtron7", 25.0),), z_p_tx_m=0.012,
                                z_p_rx_m=0.012), 1e9)
    assert np.all(np.isfinite(ch.sdd))
