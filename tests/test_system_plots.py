"""Figures of the port account: sikernel.plot.energy port_blocks, cpo_tornado, switch_power, files."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib not installed (extra plot)")
matplotlib.use("Agg")

from sikernel import SIKernelError  # noqa: E402
from sikernel.plot import energy as pe  # noqa: E402
from sikernel.study import run_study  # noqa: E402
from sikernel.system.result import StudyResult  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: bar heights read back from matplotlib's patches vs the study's numbers (floating point only)
RTOL_PLOT_READBACK = 1e-9
#: a figure with fewer distinct colours than this is taken as blank
MIN_DISTINCT_COLOURS = 20


@pytest.fixture(scope="module")
def study():
    return run_study(rates_gbps=(100,), architectures=("pluggable", "lpo", "cpo"), n_draws=200,
                     with_eyes=False, with_curves=False)


def _png(fig, path) -> np.ndarray:
    fig.savefig(path, format="png", dpi=80)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    img = matplotlib.image.imread(path)
    assert np.unique(img.reshape(-1, img.shape[2]), axis=0).shape[0] > MIN_DISTINCT_COLOURS  # not blank
    return img


def test_port_blocks_one_bar_stack_per_port(study, tmp_path):
    fig = pe.port_blocks(study)
    _png(fig, tmp_path / "p.png")
    ax = fig.axes[0]
    assert len(ax.get_xticks()) == len(study.ports)
    # the stacked heights add up to W per port
    tops = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2, 6)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    np.testing.assert_allclose(sorted(tops.values()), sorted(p["w_per_port"] for p in study.ports),
                               rtol=RTOL_PLOT_READBACK)


def test_switch_power_from_ports_with_bands(study, tmp_path):
    fig = pe.switch_power(study)
    _png(fig, tmp_path / "s.png")
    heights = sorted(b.get_height() for b in fig.axes[0].patches)
    np.testing.assert_allclose(heights, sorted(p["w_per_switch"] for p in study.ports),
                               rtol=RTOL_PLOT_READBACK)


def test_tornado_and_files(study, tmp_path):
    _png(pe.cpo_tornado(study, n_inputs=6), tmp_path / "t.png")
    files = pe.write_study_figures(study, tmp_path / "out")
    assert {f.name for f in files} >= {"port_blocks.png", "switch_power.png", "cpo_tornado_51.2T.png"}
    with pytest.raises(SIKernelError, match=r"102\.4T"):
        pe.cpo_tornado(study, generation="102.4T")


def test_tornado_bars_name_each_input_range(study):
    """Trial 98 L3: the bars named the inputs only; each now carries its range and unit, from the
    result's tornado entries."""
    fig = pe.cpo_tornado(study, n_inputs=4)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    items = study.tornado["51.2T"]["inputs"][:4][::-1]
    assert len(labels) == 4
    for lab, it in zip(labels, items, strict=True):
        assert lab.startswith(f"{it['input']} ({it['low']:.3g}–{it['high']:.3g}"), lab
    # the laser light, with its unit
    assert any(lab.endswith(" dBm per lane provisioned)") for lab in labels), labels


def test_no_ports_or_tornado():
    empty = StudyResult(rows=[], curves={}, inputs={"rates_gbps": []}, provenance={})
    with pytest.raises(SIKernelError, match="no port entries"):
        pe.port_blocks(empty)
    with pytest.raises(SIKernelError, match="no tornado"):
        pe.cpo_tornado(empty)
    with pytest.raises(SIKernelError, match="StudyResult"):
        pe.port_blocks({"ports": []})


def _curve_study(pj: list[float], fam: list[str], il: list[float]) -> StudyResult:
    n = len(pj)
    curve = {"length_m": np.linspace(0.0, 0.1 * (n - 1), n), "il_nyquist_db": np.asarray(il, float),
             "pj_per_bit": np.asarray(pj, float), "architecture": np.array(fam)}
    return StudyResult(rows=[], curves={"212.5G_megtron7": curve}, inputs={"rates_gbps": [212.5]},
                       provenance={})


def test_energy_curve_dots_a_family_change_and_ticks_budgets_only_on_the_curve():
    """Trial 98: a solid line from 2 to 6 pJ/b between two lengths read as a ramp where the receiver
    family steps; a budget past the last closing point was ticked on an extrapolated energy."""
    res = _curve_study([1.2, 1.5, 1.8, 5.5, np.nan], ["analog", "analog", "analog", "dsp", "none"],
                       [8.0, 16.0, 24.0, 33.0, 42.0])
    # 28 dB falls on the analog -> dsp link: no tick there either (review 33 M4)
    fig = pe.study_energy(res, rate_gbps=212.5, budgets_db={"in": 20.0, "step": 28.0, "beyond": 38.0})
    ax = fig.axes[0]
    segments = [ln for ln in ax.lines if len(ln.get_xdata()) == 2]
    styles = {tuple(np.round(ln.get_xdata(), 6).tolist()): ln.get_linestyle() for ln in segments}
    assert styles[(0.0, 100.0)] == styles[(100.0, 200.0)] == "-"
    assert styles[(200.0, 300.0)] == ":"          # analog -> dsp: dotted
    assert (300.0, 400.0) not in styles            # no closure: a gap
    ticks = [ln for ln in ax.lines if ln.get_marker() == "|"]
    assert len(ticks) == 1 and float(ticks[0].get_xdata()[0]) == pytest.approx(150.0)
    markers = {ln.get_marker() for ln in ax.lines if ln.get_linestyle() == "None"}
    assert {"o", "s"} <= markers
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "megtron7" in labels and "ADC-DSP RX" in labels and "family changes between" in labels


def test_energy_curve_without_families_is_drawn_plain():
    """Review 33 L9: a curve without its receiver families was marked "analog" at every point."""
    res = _curve_study([1.2, 1.5, 1.8], ["x", "x", "x"], [8.0, 16.0, 24.0])
    del res.curves["212.5G_megtron7"]["architecture"]
    ax = pe.study_energy(res, rate_gbps=212.5, budgets_db={}).axes[0]
    assert not [ln for ln in ax.lines if ln.get_linestyle() == "None"]   # no family markers
    assert {ln.get_linestyle() for ln in ax.lines} == {"-"}
