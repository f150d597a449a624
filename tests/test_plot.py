"""sikernel.plot: every figure renders to a valid, non-empty PNG (Agg) from small synthetic inputs.

Each figure function gets a result object built from a synthetic channel (a
skin-effect + dielectric loss line, ~7 dB at 26.56 GHz) or, for COM and the
study (expensive to compute), a result dataclass filled with plausible values.
Bad inputs raise SIKernelError.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from sikernel import plot
from sikernel.channel.core import Channel
from sikernel.errors import SIKernelError, SIKernelWarning

#: PNG files start with this signature (ISO/IEC 15948, 5.2)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: a figure with axes, text and data is far larger than this; an empty canvas is ~2 kB
MIN_PNG_BYTES = 8_000
BAUD = 53.125e9


def _check_png(fig, path) -> None:
    fig.savefig(path, format="png", dpi=80)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > MIN_PNG_BYTES
    img = matplotlib.image.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    # not a blank canvas: many distinct colours
    assert np.unique(img.reshape(-1, img.shape[2]), axis=0).shape[0] > 20


@pytest.fixture(scope="module")
def channel() -> Channel:
    f = np.linspace(0.0, 60e9, 601)
    mag = 10 ** (-(2e-5 * np.sqrt(f) + 1.5e-10 * f) / 20)
    ripple = 1 + 0.02 * np.sin(f / 3e9)
    s21 = mag * ripple * np.exp(-2j * np.pi * f * 1e-9)
    sdd = np.zeros((f.size, 2, 2), dtype=complex)
    sdd[:, 1, 0] = sdd[:, 0, 1] = s21
    sdd[:, 0, 0] = sdd[:, 1, 1] = 0.05
    with warnings.catch_warnings():   # |SDD21| ~ 1 at DC beside SDD11 = 0.05: a toy, not passive
        warnings.simplefilter("ignore", SIKernelWarning)
        return Channel(f, sdd, name="synthetic 7 dB")


@pytest.fixture(scope="module")
def pulse(channel):
    from sikernel.response import pulse_response

    return pulse_response(channel, BAUD, samples_per_ui=16)


@pytest.fixture(scope="module")
def eye(pulse):
    from sikernel.eye.stateye import stat_eye

    return stat_eye(pulse, n_phases=16, n_bins=256, n_dfe=2, sigma_v=3e-3, n_pre=3, n_post=20)


@pytest.fixture(scope="module")
def sim(pulse):
    from sikernel.eye.timesim import simulate

    return simulate(pulse, n_symbols=2000, eye_symbols=3000, eye_bins=96, n_dfe=2, sigma_v=3e-3,
                    pattern="random",
                    n_pre=3, n_post=20)


@pytest.fixture(scope="module")
def com_result():
    from sikernel.eye.com import ComCase, ComResult

    sigma = {"sigma_tx": 2.0e-3, "sigma_isi": 4.0e-3, "sigma_j": 1.0e-3, "sigma_xt": 1.5e-3,
             "sigma_n": 2.5e-3, "sigma_g": 3.5e-3}
    cases = tuple(ComCase(z_p_m=(z, z), com_db=c, fom_db=c + 1, a_s=0.1, a_ni=0.1 / 10 ** (c / 20),
                          tx_taps=np.array([0.0, 1.0, -0.1]), tx_offsets=np.array([-1, 0, 1]),
                          ctle_gdc_db=-8.0, ctle_gdc2_db=0.0, dfe_taps=np.array([0.3, 0.1]), h0=0.2,
                          sampling_phase_ui=0.4, sigma=sigma, cursors_v=np.zeros(5), cursor_ui=1,
                          n_grid_points=100) for z, c in ((0.012, 4.1), (0.031, 3.6)))
    w = cases[1]
    return ComResult(com_db=w.com_db, passed=True, fom_db=w.fom_db, a_s=w.a_s, a_ni=w.a_ni,
                     tx_taps=w.tx_taps, tx_offsets=w.tx_offsets, ctle_gdc_db=w.ctle_gdc_db,
                     ctle_gdc2_db=0.0, dfe_taps=w.dfe_taps, h0=w.h0, sampling_phase_ui=0.4, sigma=sigma,
                     cases=cases, preset={"name": "802.3ck-kr"}, channel="synthetic", next=(), fext=(),
                     elapsed_s=0.1)


def _breakdown(il_db: float, arch: str):
    from sikernel.power import EnergyBreakdown

    blocks = {"tx_driver": 0.3 + 0.01 * il_db, "tx_ffe": 0.05, "rx_afe": 0.2 + 0.02 * il_db,
              "adc": 0.0 if arch != "dsp" else 0.8, "dsp_ffe": 0.0 if arch != "dsp" else 0.05 * il_db,
              "clocking_pll": 0.4, "serdes_fixed": 0.3}
    return EnergyBreakdown(total_pj_per_bit=sum(blocks.values()), blocks=blocks, architecture=arch,
                           eq_settings={}, reasons={}, family_pj_per_bit={}, il_nyquist_db=il_db,
                           baud=BAUD, bit_rate_bps=2 * BAUD, modulation="pam4", node_nm=7,
                           target_ber=1e-6, scope="txrx", si_path="table")


@pytest.fixture(scope="module")
def study():
    from sikernel.study import StudyResult

    rows, curves = [], {}
    for rate in (106.25, 212.5):
        for i, (name, length, pj) in enumerate((("pluggable", 0.304, 5.0), ("lpo", 0.304, 4.0),
                                                ("npo", 0.13, 2.5), ("cpo", 0.025, 1.2))):
            w = 2 * 512 * pj * rate * 1e-3
            rows.append({"name": name, "rate_gbps": rate, "length_m": length, "pj_per_bit_electrical": pj,
                         "w_per_switch_electrical": w, "saving_vs_pluggable_pct": 0.0 if i == 0 else
                         100 * (1 - pj / 5.0)})
        lengths = np.linspace(0.0, 0.6, 13)
        for k, mat in enumerate(("megtron7", "fr4")):
            il = 3.0 + (40 + 60 * k) * lengths * rate / 106.25
            pj = np.where(il < 45, 1.0 + 0.1 * il, np.nan)
            curves[f"{rate:g}G_{mat}"] = {"length_m": lengths, "il_nyquist_db": il, "pj_per_bit": pj,
                                          "architecture": np.array(["analog"] * lengths.size)}
    return StudyResult(rows=rows, curves=curves, inputs={"rates_gbps": [106.25, 212.5], "node_nm": 7.0,
                                                         "target_ber": 1e-6, "lanes_per_switch": 512},
                       provenance={})


# -- rendering ---------------------------------------------------------------------
def test_insertion_loss_png(channel, tmp_path):
    _check_png(plot.insertion_loss(channel, baud=BAUD), tmp_path / "il.png")


def test_insertion_loss_several_channels_no_fit(channel, tmp_path):
    other = Channel(channel.f, channel.sdd * 0.5, name="half")
    fig = plot.insertion_loss([channel, other], baud=BAUD, fit=False, f_max_hz=40e9)
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 2
    _check_png(fig, tmp_path / "il2.png")


def test_insertion_loss_several_channels_ild_axis_names_its_channel(channel):
    """Trial 31 L11: with several channels the ILD drawn is the first one's; its axis says so."""
    other = Channel(channel.f, channel.sdd * 0.5, name="half")
    first = Channel(channel.f, channel.sdd, name="line")
    fig = plot.insertion_loss([first, other], baud=BAUD)
    assert fig.axes[1].get_ylabel() == "ILD of line (dB)"
    assert plot.insertion_loss(first, baud=BAUD).axes[1].get_ylabel() == "ILD (dB)"


def test_stat_eye_default_contours_include_the_target_ber(eye, pulse):
    """New-user trial 30 E2: the study prices 1e-5 / 1e-4 but its eye figures drew 1e-3 ... 1e-12
    only.  By default the result's own target BER is a (dashed) contour too; explicit contours are
    drawn as given."""
    from sikernel.plot.eye import DEFAULT_CONTOURS_BER

    fig = plot.stat_eye(eye)
    cs = next(c for c in fig.axes[0].collections if hasattr(c, "levels"))
    want = np.log10(sorted({*DEFAULT_CONTOURS_BER, eye.target_ber}))
    np.testing.assert_allclose(cs.levels, want)
    i = int(np.argmin(np.abs(cs.levels - np.log10(eye.target_ber))))
    assert cs.get_linestyles()[i] != cs.get_linestyles()[0 if i else 1]   # the target's dashed
    from sikernel.eye.stateye import stat_eye

    at_1e5 = stat_eye(pulse, n_phases=16, n_bins=256, n_dfe=2, sigma_v=3e-3, n_pre=3, n_post=20,
                      target_ber=1e-5)
    cs5 = next(c for c in plot.stat_eye(at_1e5).axes[0].collections if hasattr(c, "levels"))
    np.testing.assert_allclose(cs5.levels, np.log10([1e-12, 1e-9, 1e-6, 1e-5, 1e-3]))
    fig2 = plot.stat_eye(eye, contours_ber=(1e-6,))
    cs2 = next(c for c in fig2.axes[0].collections if hasattr(c, "levels"))
    np.testing.assert_allclose(cs2.levels, [-6.0])


def test_insertion_loss_repeated_names_get_distinct_labels(channel):
    """New-user trial 29: a renormalised copy carried its original's name, two legend entries
    read the same.  A repeated name gets its position in the list; a unique one is kept as is."""
    copy = Channel(channel.f, channel.sdd * 0.9, name=channel.name)
    other = Channel(channel.f, channel.sdd * 0.5, name="half")
    fig = plot.insertion_loss([channel, copy, other], baud=BAUD)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == [f"{channel.name} [1]", f"FIT ({channel.name} [1])", f"{channel.name} [2]", "half"]
    # a position label that is itself another channel's name stays distinct (review 30 L10)
    named = [Channel(channel.f, channel.sdd * k, name=n) for k, n in ((1.0, "a"), (0.9, "a"), (0.8, "a [2]"))]
    texts = [t.get_text() for t in plot.insertion_loss(named, fit=False).axes[0].get_legend().get_texts()]
    assert len(set(texts)) == 3, texts


def test_energy_blocks_budget_labels_on_a_light_box():
    """New-user trial 29: the budget labels crossed the dark stacked areas unreadably; each sits on
    a light box."""
    import sikernel as sk

    bd = [sk.energy_per_bit(loss_db=x, baud=53.125e9, modulation="pam4", node_nm=7, target_ber=1e-4)
          for x in (8.0, 12.0, 20.0)]
    fig = plot.energy_blocks(bd, budgets_db={"VSR/C2M": 16.0})
    lab = next(t for t in fig.axes[0].texts if "VSR/C2M" in t.get_text())
    box = lab.get_bbox_patch()
    assert box is not None and box.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_pulse_response_png(pulse, tmp_path):
    fig = plot.pulse_response(pulse, n_pre=2, n_post=8)
    # the marked cursors are the PulseResponse's own cursors
    marks = next(ln for ln in fig.axes[0].lines if ln.get_marker() == "o")
    np.testing.assert_array_equal(marks.get_ydata(), pulse.cursors(2, 8))
    _check_png(fig, tmp_path / "pulse.png")


def test_pulse_response_axis_unit_follows_the_amplitude(channel):
    """New-user trial 31 M1: the axis said "V per V" whatever the symbol amplitude; at 0.413 V the
    values (in V) read 2.4x off."""
    from sikernel.response import pulse_response

    at_1v = plot.pulse_response(pulse_response(channel, BAUD))
    assert at_1v.axes[0].get_ylabel() == "amplitude (V per V of symbol amplitude)"
    at_413 = plot.pulse_response(pulse_response(channel, BAUD, amplitude_v=0.413))
    assert at_413.axes[0].get_ylabel() == "amplitude (V, for a 0.413 V symbol)"


def test_study_il_curves_one_line_per_distinct_channel(tmp_path):
    """New-user trial 31 M2: architectures on the same channel share one labelled line (they hid each
    other), a line style per rate, each rate's Nyquist frequency marked, cut at the top symbol rate."""
    from sikernel.plot.energy import _il_curves_figure

    f = np.linspace(0.0, 160e9, 1601)
    board, short = 0.3e-9 * f, 0.05e-9 * f
    curves = {"106.25_pluggable": (f, board), "106.25_lro": (f, board.copy()), "106.25_cpo": (f, short),
              "212.5_pluggable": (f, 1.4 * board), "212.5_cpo": (f, 1.4 * short)}
    fig = _il_curves_figure(curves)
    ax = fig.axes[0]
    labels = [ln.get_label() for ln in ax.lines if not ln.get_label().startswith("_")]
    assert labels == ["106.25 Gb/s: pluggable, lro", "106.25 Gb/s: cpo", "212.5 Gb/s: pluggable",
                      "212.5 Gb/s: cpo"]
    styles = {ln.get_label(): ln.get_linestyle() for ln in ax.lines}
    assert styles["106.25 Gb/s: cpo"] != styles["212.5 Gb/s: cpo"]
    assert ax.get_xlim() == (0.0, 106.25)
    marks = sorted(t.get_text().strip() for t in ax.texts)
    assert marks == ["Nyquist of 106.25 Gb/s: 26.56 GHz", "Nyquist of 212.5 Gb/s: 53.12 GHz"]
    _check_png(fig, tmp_path / "il.png")


def test_stat_eye_png(eye, tmp_path):
    _check_png(plot.stat_eye(eye, contours_ber=(1e-2, 1e-6, 1e-12)), tmp_path / "stateye.png")


@pytest.mark.parametrize("direction", ["phase", "voltage"])
def test_bathtub_png(eye, tmp_path, direction):
    _check_png(plot.bathtub(eye, direction=direction), tmp_path / f"bathtub_{direction}.png")


def test_eye_density_png(sim, tmp_path):
    _check_png(plot.eye_density(sim), tmp_path / "eye.png")


def test_com_breakdown_png(com_result, tmp_path):
    fig = plot.com_breakdown(com_result)
    bars = fig.axes[0].patches
    assert len(bars) == 7  # A_s, A_ni and five sigma terms
    _check_png(fig, tmp_path / "com.png")


def test_energy_blocks_png(tmp_path):
    il = np.linspace(2.0, 40.0, 12)
    bds = [_breakdown(x, "analog" if x < 25 else "dsp") for x in il]
    _check_png(plot.energy_blocks(bds, np.linspace(0.01, 0.6, 12)), tmp_path / "blocks.png")


def test_energy_blocks_against_loss(tmp_path):
    """Without lengths the x axis is the breakdowns' own loss, the budgets marked at their dB
    (new-user trial 28: sikernel.plot had no energy-against-loss figure)."""
    import sikernel as sk

    losses = [4.0, 10.0, 16.0, 22.0, 28.0]
    bds = [sk.energy_per_bit(loss_db=x, baud=53.125e9, node_nm=5, target_ber=1e-5) for x in losses]
    fig = plot.energy_blocks(bds, budgets_db={"C2M": 12.0})
    ax = fig.axes[0]
    assert ax.get_xlabel() == "insertion loss at Nyquist (dB)"
    assert ax.get_xlim() == pytest.approx((bds[0].il_nyquist_db, bds[-1].il_nyquist_db))
    marks = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert marks == [pytest.approx(12.0)]
    # the stacked top at each loss is that breakdown's total
    verts = ax.collections[-1].get_paths()[0].vertices
    for e in bds:
        at = np.isclose(verts[:, 0], e.il_nyquist_db, rtol=0, atol=1e-9)
        assert verts[at, 1].max() == pytest.approx(e.total_pj_per_bit, rel=1e-9)
    _check_png(fig, tmp_path / "vs_loss.png")
    with pytest.raises(SIKernelError, match="il_nyquist_db, which must increase"):
        plot.energy_blocks(bds[::-1])
    # new-user trial 29: a mixed list drew under one wrong title; lengths in mm drew km axes
    other = sk.energy_per_bit(loss_db=30.0, baud=106.25e9, node_nm=3, target_ber=1e-5)
    with pytest.raises(SIKernelError, match=r"breakdowns differ in bit_rate_bps"):
        plot.energy_blocks([*bds, other])
    with pytest.raises(SIKernelError, match=r"lengths_m (reaches|contains) 300 m.*300 mm is 0.3 m"):
        plot.energy_blocks(bds, [2.0, 50.0, 100.0, 200.0, 300.0])


def test_study_energy_png(study, tmp_path):
    _check_png(plot.study_energy(study, rate_gbps=212.5), tmp_path / "study.png")


def test_study_energy_marks_the_budgets_of_its_lane_rate(study):
    """Trial 98 L3: the 212.5G figure marked the 100G classes (XSR, C2M, 802.3ck KR) and not the
    200G budgets the study checks its ports on (LPO 22 dB, retimed 32 dB, 802.3dj KR 40 dB)."""
    from sikernel.system.channels import REACH_BUDGETS_100G_DB, REACH_BUDGETS_200G_DB

    for rate, want, other in ((212.5, REACH_BUDGETS_200G_DB, REACH_BUDGETS_100G_DB),
                              (106.25, REACH_BUDGETS_100G_DB, REACH_BUDGETS_200G_DB)):
        fig = plot.study_energy(study, rate_gbps=rate)
        marked = {t.get_text() for t in fig.axes[0].texts}
        crossed = {k for k, v in want.items() if v <= 3.0 + 40 * 0.6 * rate / 106.25}  # the curves' reach
        assert crossed and crossed <= marked and not marked & set(other), (rate, marked)


def test_switch_power_png(study, tmp_path):
    fig = plot.switch_power(study)
    assert len(fig.axes[0].patches) == 8  # 4 architectures x 2 switch generations
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0].startswith("51.2 Tb/s") and labels[1].startswith("102.4 Tb/s")
    _check_png(fig, tmp_path / "switch.png")


def test_draws_into_given_axes(channel, pulse):
    from matplotlib.figure import Figure

    fig = Figure()
    a1, a2 = fig.subplots(1, 2)
    assert plot.insertion_loss(channel, ax=a1) is fig
    assert plot.pulse_response(pulse, ax=a2) is fig


# -- bad input ---------------------------------------------------------------------
def test_bad_ax(pulse):
    with pytest.raises(SIKernelError, match="not a matplotlib Axes"):
        plot.pulse_response(pulse, ax="left")


def test_insertion_loss_unit_slips_named(channel):
    """New-user trial 29: baud=53.125 was reported as 'il_db: f=26.5625 Hz'; f_max_hz=40 as 'fewer
    than 2 points' with no GHz hint."""
    with pytest.raises(SIKernelError, match=r"baud=53.125 Bd .*did you mean 53.125 GBd"):
        plot.insertion_loss(channel, baud=53.125)
    with pytest.raises(SIKernelError, match=r"f_max_hz=40 Hz .*40 GHz is 4e\+10 Hz"):
        plot.insertion_loss(channel, f_max_hz=40)


def test_insertion_loss_not_a_channel():
    with pytest.raises(SIKernelError, match="must be a Channel"):
        plot.insertion_loss(np.zeros(10))


def test_insertion_loss_bad_baud(channel):
    with pytest.raises(SIKernelError, match="baud"):
        plot.insertion_loss(channel, baud=-1.0)


def test_pulse_response_wrong_type(eye):
    with pytest.raises(SIKernelError, match="PulseResponse"):
        plot.pulse_response(eye)


def test_pulse_response_bad_cursor_count(pulse):
    with pytest.raises(SIKernelError, match="n_post"):
        plot.pulse_response(pulse, n_post=-1)


def test_stat_eye_wrong_type(sim):
    with pytest.raises(SIKernelError, match="StatEyeResult"):
        plot.stat_eye(sim)


def test_stat_eye_bad_contours(eye):
    with pytest.raises(SIKernelError, match="contours_ber"):
        plot.stat_eye(eye, contours_ber=(1e-6, 0.7))
    for bad in ([], "abc"):   # fuzz 31 M13: [] was an IndexError inside the plot
        with pytest.raises(SIKernelError, match=r"contours_ber=.* must be a non-empty list of BERs"):
            plot.stat_eye(eye, contours_ber=bad)


def test_bathtub_bad_direction(eye):
    with pytest.raises(SIKernelError, match="direction"):
        plot.bathtub(eye, direction="diagonal")


def test_eye_density_without_histogram(pulse):
    from sikernel.eye.timesim import simulate

    res = simulate(pulse, n_symbols=200, n_pre=3, n_post=20)
    with pytest.raises(SIKernelError, match="eye_symbols"):
        plot.eye_density(res)


def test_com_breakdown_wrong_type(eye):
    with pytest.raises(SIKernelError, match="ComResult"):
        plot.com_breakdown(eye)


def test_energy_blocks_length_mismatch():
    bds = [_breakdown(5.0, "analog"), _breakdown(6.0, "analog")]
    with pytest.raises(SIKernelError, match="strictly increasing"):
        plot.energy_blocks(bds, [0.1, 0.2, 0.3])


def test_energy_blocks_wrong_type():
    with pytest.raises(SIKernelError, match="EnergyBreakdown"):
        plot.energy_blocks([1.0, 2.0], [0.1, 0.2])


def test_energy_blocks_bad_budget():
    bds = [_breakdown(5.0, "analog"), _breakdown(6.0, "analog")]
    with pytest.raises(SIKernelError, match="budgets_db"):
        plot.energy_blocks(bds, [0.1, 0.2], budgets_db={"XSR": -3.0})


def test_study_energy_unknown_rate(study):
    with pytest.raises(SIKernelError, match="rate_gbps"):
        plot.study_energy(study, rate_gbps=50.0)


def test_switch_power_wrong_type(eye):
    with pytest.raises(SIKernelError, match="StudyResult"):
        plot.switch_power(eye)


def test_import_sikernel_plot_is_light():
    import subprocess
    import sys

    code = ("import sys, sikernel.plot; "
            "print(any(m.split('.')[0] == 'matplotlib' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
