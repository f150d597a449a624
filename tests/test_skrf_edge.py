"""The public edge takes a channel in one way everywhere (new-user trial, issue C1..C5): a Channel,
a Touchstone path or an ``skrf.Network`` (single-ended 4-port with the documented port map, or a
differential 2-port such as ``Channel.to_network()`` writes), all through
:func:`sikernel.channel.touchstone.as_channel`; a GHz grid and non-passive data at the Channel
constructor; ``"none"`` as a Link package; a 2-D batch of losses keeps its shape."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import sikernel as sk
from sikernel import SIKernelError
from sikernel.channel.touchstone import as_channel
from sikernel.errors import SIKernelWarning

from .conftest import channel_path

skrf = pytest.importorskip("skrf")

BAUD = 53.125e9
THRU = "DPO_4in_Meg7_THRU.s4p"


@pytest.fixture(scope="module")
def thru():
    p = channel_path(THRU)
    return p, sk.read_touchstone(p)


def _inputs(kind, path, ch):
    """The same channel as each kind of input."""
    return {"channel": ch, "path": str(path), "network4": skrf.Network(str(path)),
            "network2": ch.to_network()}[kind]


def _il(x):
    return float(sk.il_at_nyquist(x, BAUD))


def _fitted(x):
    return sk.fitted_il(x, f_max_hz=BAUD).fit_db


def _fom(x):
    return float(sk.fom_ild(x, BAUD))


def _dc(x):
    return sk.extrapolate_dc(x).sdd


def _cascade(x):
    return sk.cascade(x, x).sdd


def _scale(x):
    return sk.scale_length(x, 0.1, _halved(x), 0.2, 0.15).sdd


def _halved(x):
    """A second 'length' of the same channel: SDD21 squared (twice the line)."""
    ch = as_channel(x)
    sdd = ch.sdd.copy()
    sdd[:, 1, 0] = sdd[:, 1, 0] ** 2
    sdd[:, 0, 1] = sdd[:, 0, 1] ** 2
    return sk.Channel(ch.f, sdd, ch.z0_ohm, "twice")


def _pulse(x):
    return sk.pulse_response(x, BAUD, 8).v


def _link(x):
    return sk.Link([x]).build(np.linspace(0.0, 50e9, 501)).sdd


def _energy(x):
    return sk.energy_per_bit(x, baud=BAUD).total_pj_per_bit


def _erl(x):
    return sk.erl(x).erl_db


ENTRIES = {"il_at_nyquist": _il, "fitted_il": _fitted, "fom_ild": _fom, "extrapolate_dc": _dc,
           "cascade": _cascade, "scale_length": _scale, "pulse_response": _pulse, "Link": _link,
           "energy_per_bit": _energy, "erl": _erl}


@pytest.fixture(scope="module")
def reference(thru):
    _, ch = thru
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SIKernelWarning)
        return {name: fn(ch) for name, fn in ENTRIES.items()}


#: (entry, input kind) cases; energy_per_bit (the full SI chain, slow) takes one non-Channel kind,
#: the others share its path through as_channel (generated, not skipped: CI fails on skips)
CASES = [(e, k) for e in ENTRIES for k in ("path", "network4", "network2")
         if e != "energy_per_bit" or k == "network2"]


@pytest.mark.channels
@pytest.mark.parametrize(("entry", "kind"), CASES)
def test_every_entry_takes_path_and_networks_as_the_channel(entry, kind, thru, reference):
    path, ch = thru
    x = _inputs(kind, path, ch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SIKernelWarning)
        got = ENTRIES[entry](x)
    # scikit-rf parses the file's numbers in its own way: equal to 1e-11 (the others exactly)
    rtol, atol = (1e-9, 1e-15) if kind == "network4" else (0.0, 0.0)
    np.testing.assert_allclose(got, reference[entry], rtol=rtol, atol=atol)


@pytest.mark.channels
@pytest.mark.parametrize("kind", ["path", "network4", "network2"])
def test_plot_insertion_loss_takes_them_too(kind, thru):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    path, ch = thru
    ref = sk.plot.insertion_loss(ch, baud=BAUD)
    fig = sk.plot.insertion_loss(_inputs(kind, path, ch), baud=BAUD)
    fig2 = sk.plot.insertion_loss([ch, _inputs(kind, path, ch)], baud=BAUD)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), ref.axes[0].lines[0].get_ydata())
    assert len(fig2.axes[0].lines) > len(fig.axes[0].lines)
    for f in (ref, fig, fig2):
        plt.close(f)


@pytest.mark.channels
def test_com_takes_a_two_port_network(thru):
    _, ch = thru
    ref = sk.com(ch, "802.3ck-kr")
    got = sk.com(ch.to_network(), "802.3ck-kr")
    assert got.com_db == ref.com_db


def test_two_port_network_round_trips_into_the_same_channel():
    f = np.linspace(0.0, 40e9, 81)
    sdd = np.zeros((f.size, 2, 2), complex)
    sdd[:, 1, 0] = sdd[:, 0, 1] = 0.9 * np.exp(-f / 40e9 - 2j * np.pi * f * 1e-10)
    sdd[:, 0, 0] = sdd[:, 1, 1] = 0.05
    ch = sk.Channel(f, sdd, 85.0, "lane")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = as_channel(ch.to_network())
    np.testing.assert_array_equal(back.f, ch.f)
    np.testing.assert_array_equal(back.sdd, ch.sdd)
    assert (back.z0_ohm, back.name) == (85.0, "lane")


def test_read_touchstone_points_a_two_port_to_the_channel_entries():
    f = np.linspace(0.0, 40e9, 81)
    net = sk.Channel(f, np.zeros((f.size, 2, 2), complex) + 0.1).to_network()
    with pytest.raises(SIKernelError, match=r"2-port is already differential.*sikernel.Channel\(net.f"):
        sk.read_touchstone(net)


def test_two_port_files_read_with_their_source_or_refused_by_name(thru, tmp_path):
    """Review 29: a .s2p path scikit-rf cannot parse (a 4-port misnamed .s2p) raised a bare ValueError
    at every channel entry; a single-ended 50-ohm 2-port was taken as SDD without a word; the
    2-port's meta named no source; read_touchstone on a .s2p path only said 'rename it .s4p'."""
    import shutil

    bad = tmp_path / "four_as.s2p"
    shutil.copy(thru[0], bad)
    with pytest.raises(SIKernelError, match=r"four_as\.s2p' could not be read as a 2-port.*rename it \.s4p"):
        sk.il_at_nyquist(bad, BAUD)
    with pytest.raises(SIKernelError, match=r"rename the file \.s4p; if it is a differential \(SDD\) 2-port"):
        sk.read_touchstone(bad)
    # erl reads a .s2p path itself (one port's P/N legs): its count check names the 4-port it fits
    with pytest.raises(SIKernelError, match=r"whole number of 4-port blocks \(33 values\): rename the file "
                                            r"\.s4p"):
        sk.erl(bad)
    f = np.linspace(0.0, 40e9, 81)
    sdd = np.zeros((f.size, 2, 2), complex)
    sdd[:, 1, 0] = sdd[:, 0, 1] = 0.8
    good = tmp_path / "lane.s2p"
    sk.Channel(f, sdd, 100.0, "lane").to_network().write_touchstone(str(good))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ch = as_channel(good)
    assert ch.meta == {"source": str(good), "parser": "scikit-rf (2-port taken as SDD)"}
    single = sk.Channel(f, sdd, 100.0, "se").to_network()
    single.renormalize(50.0)
    with pytest.warns(SIKernelWarning, match=r"reference impedance is 50 ohm, not a differential one.*"
                      r"COM, ERL and Link renormalise to 100 ohm.*net.renormalize\(100\)"):
        as_channel(single)


def test_other_port_counts_and_objects_are_refused_by_name():
    f = np.linspace(1e9, 40e9, 40)
    net3 = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="hz"), s=np.zeros((40, 3, 3)), z0=50)
    with pytest.raises(SIKernelError, match="has 3 ports; expected a single-ended 4-port"):
        sk.il_at_nyquist(net3, 20e9)
    with pytest.raises(SIKernelError, match=r"channel=42 \(int\): expected a sikernel Channel"):
        sk.il_at_nyquist(42, 20e9)


def test_cascade_of_one_list_points_to_the_star():
    f = np.linspace(0.0, 40e9, 41)
    ch = sk.Channel(f, np.zeros((f.size, 2, 2), complex) + 0.5)
    with pytest.raises(SIKernelError, match=r"not one list of 2: use cascade\(\*channels\)"):
        sk.cascade([ch, ch])


def test_pulse_response_of_an_unknown_object_names_the_channel_kinds():
    with pytest.raises(SIKernelError, match=r"a channel is a sikernel Channel, a Touchstone path or an "
                       r"skrf\.Network"):
        sk.pulse_response(np.ones(8), BAUD)


# -- C3: a GHz grid in the Channel constructor ---------------------------------------
def test_channel_refuses_a_ghz_grid_naming_ghz():
    f = np.linspace(0.0, 60.0, 61)
    with pytest.raises(SIKernelError, match=r"Channel.f ends at 60 Hz.*GHz must be multiplied by 1e9"):
        sk.Channel(f, np.zeros((61, 2, 2), complex))


def test_channel_refuses_non_numbers_by_name():
    """Fuzz 31 M13: Channel(f, 'abc') was numpy's "complex() arg is a malformed string"."""
    f = np.linspace(0.0, 60e9, 61)
    with pytest.raises(SIKernelError, match=r"Channel\.sdd='abc' is not numeric; expected complex"):
        sk.Channel(f, "abc")
    with pytest.raises(SIKernelError, match=r"Channel\.f='abc' is not numeric; expected frequencies"):
        sk.Channel("abc", np.zeros((61, 2, 2), complex))
    with pytest.raises(SIKernelError, match=r"il_db: f='1e9' is not numeric"):
        sk.Channel(f, np.zeros((61, 2, 2), complex)).il_db("1e9")


def test_library_builders_refuse_a_ghz_grid_like_the_constructor():
    """Review 29: line sections, lumped elements, packages and resampling built on a 0-50 'Hz' grid
    silently while Channel(f_ghz, ...) refused it."""
    from sikernel.channel import lumped

    f_ghz = np.linspace(0.0, 50.0, 101)
    line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6)
    ch = line.section(0.1, f_ghz * 1e9)
    pline = sk.ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=100.0)
    builders = {"Stripline.section": lambda: line.section(0.1, f_ghz),
                "ParametricLine.section": lambda: pline.section(0.1, f_ghz),
                "package_channel": lambda: sk.package_channel("802.3ck", 0.03, f_ghz),
                "lumped.series_l": lambda: lumped.series_l(1e-10, f_ghz),
                "on_grid": lambda: lumped.on_grid(ch, f_ghz)}
    for name, build in builders.items():
        with pytest.raises(SIKernelError, match=r"ends at 50 Hz.*multiplied by 1e9"):
            build()
        assert name


def test_channel_and_builder_names_must_be_text():
    """Fuzz 31 low: Channel(name=None), section(name=3) and cascade(name=5) were taken."""
    from sikernel.channel import lumped

    f = np.linspace(0.0, 50e9, 101)
    ch = sk.Channel(f, np.zeros((101, 2, 2), complex), name="thru")
    line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6)
    pline = sk.ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=100.0)
    builders = {"Channel.name": lambda v: sk.Channel(f, ch.sdd, name=v),
                "name": lambda v: line.section(0.1, f, name=v),
                "cascade: name": lambda v: sk.cascade(ch, ch, name=v)}
    more = {"parametric": lambda v: pline.section(0.1, f, name=v),
            "series_l": lambda v: lumped.series_l(1e-10, f, name=v),
            "via": lambda v: lumped.via(f, 1e-3, name=v),
            "connector": lambda v: lumped.connector(ch, f, name=v),
            "renamed": lambda v: ch.renamed(v)}
    for what, build in [*builders.items(), *(("name", b) for b in more.values())]:
        for bad in (None, 3, b"x"):
            with pytest.raises(SIKernelError, match=rf"{what}={bad!r} is of type {type(bad).__name__}, not a "
                               r"str; expected a text label, e.g. name='host trace'"):
                build(bad)
        assert build("ok").name == "ok"


def test_channel_accepts_a_dc_only_grid_and_a_hz_grid():
    sk.Channel([0.0], np.zeros((1, 2, 2), complex))
    sk.Channel([1e3, 2e3], np.zeros((2, 2, 2), complex))


# -- passivity at the Channel constructor -------------------------------------------------
def test_channel_warns_on_non_passive_data_like_read_touchstone():
    f = np.linspace(0.0, 40e9, 41)
    sdd = np.zeros((41, 2, 2), complex)
    sdd[:, 1, 0] = sdd[:, 0, 1] = 0.9
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sk.Channel(f, sdd)                               # passive: silent
    with pytest.warns(SIKernelWarning, match=r"not passive: the largest singular value of S is 2\.7 "
                      r"> 1 \+ 0\.001 at 0 Hz") as rec:
        sk.Channel(f, 3 * sdd)
    assert rec[0].filename == __file__                   # points at the caller


def test_library_builders_do_not_pay_or_warn_for_the_user_checks():
    """A transfer function with gain (a CTLE peak) through pulse_response is legal: no warning."""
    f = np.linspace(0.0, 60e9, 601)
    h = 2.0 * np.exp(-2j * np.pi * f * 50e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sk.pulse_response(h, BAUD, 8, f_hz=f)


# -- C5: "none" is no package in a Link ----------------------------------------------
def test_link_takes_none_string_as_no_package():
    f = np.linspace(0.0, 50e9, 101)
    mil = 25.4e-6
    line = sk.Stripline("megtron7", 5 * mil, 0.6 * mil, 6 * mil, spacing=7 * mil, roughness="hvlp")
    ref = sk.Link([(line, 0.05)]).build(f)
    got = sk.Link([(line, 0.05)], tx_package="none", rx_package=" None ").build(f)
    np.testing.assert_array_equal(got.sdd, ref.sdd)


def test_unknown_link_package_names_none():
    with pytest.raises(SIKernelError, match=r"tx_package: unknown package model 'nope'.*None \(or 'none'\) "
                       "for no package"):
        sk.Link([], tx_package="nope")


# -- 2-D batch ----------------------------------------------------------------------
def test_energy_batch_keeps_the_shape_of_the_losses():
    loss = np.array([[5.0, 10.0], [20.0, 30.0]])
    got = sk.energy_per_bit_batch(loss)
    flat = sk.energy_per_bit_batch(loss.ravel())
    assert got.total_pj_per_bit.shape == got.loss_db.shape == got.architecture_code.shape == (2, 2)
    assert got.architecture.shape == (2, 2)
    assert all(v.shape == (2, 2) for v in (*got.blocks.values(), *got.eq_settings.values()))
    np.testing.assert_array_equal(got.total_pj_per_bit.ravel(), flat.total_pj_per_bit)
    assert flat.total_pj_per_bit.shape == (4,)
    assert sk.energy_per_bit_batch(12.0).total_pj_per_bit.shape == (1,)


def test_channel_warnings_point_at_the_callers_line(thru):
    """Review 29: warnings raised while reading a channel (port map, passivity, a 2-port's reference)
    pointed inside sikernel when reached through as_channel; they now name the caller's line
    whichever entry reached them (sikernel._stacklevel.user_stacklevel)."""
    path, ch = thru
    single = ch.to_network()
    single.renormalize(50.0)
    calls = {"read_touchstone, swapped pairs": lambda: sk.read_touchstone(path, pairs=((1, 2), (3, 4))),
             "il_at_nyquist, 50-ohm 2-port": lambda: sk.il_at_nyquist(single, BAUD),
             "pulse_response, 50-ohm 2-port": lambda: sk.pulse_response(single, BAUD, 8)}
    for what, call in calls.items():
        with pytest.warns(SIKernelWarning) as rec:
            call()
        assert {w.filename for w in rec} == {__file__}, what
