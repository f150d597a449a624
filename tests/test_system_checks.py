"""The port account against published figures, and the bands of the study.

Module powers of shared/reference/links-and-energy.md: the retimed 800G and 1.6T modules
are in-sample (the line-side DSP coefficient and the driver/laser/TIA/other split were
taken from them); LPO, TX-retimed and the 3 nm 800G module are out of sample.  The
whole-system CPO claims (Broadcom Bailly and Davisson, NVIDIA, Meta) and the 200G ring-driver
figure were never fitted on: they judge the model.

Every claim has its acceptance bound here, named once below, whether or not the model meets
it (review 7, F7: no reporting selection).  At this commit every bounded claim is met.
Claims without a bound, and why:

* ``els_w_per_laser`` (Lumentum, 1.5 W per laser) is **in sample**: ``els_wpe`` is sourced from
  the same module.  It is compared like for like at the module's 250 mW laser output
  (0.25 W / els_wpe = 1.67 W) and bounded by ``ELS_IN_SAMPLE_FACTOR`` (a reproduction check of
  the rounding, not evidence).  At the model's own class outputs the same laser draws 0.67 W
  (100G, 20 dBm) and 1.88 W (200G, 24.5 dBm).
* ``th5_box_w_no_optics`` (913 W, a published Tomahawk 5 box without transceivers) and
  ``th5_chip_w`` (500 W, the chip alone: the other reading) are inputs of the Bailly system-saving
  check, not checks.

Sensitivity the bounds cannot resolve (docs 6.4.1/6.4.3): with the ring driver's C_out solved
self-consistently by its own rule (209 fF instead of the fixed 60 fF), the NVIDIA 1.6T CPO port
goes from about 6.5 to 8.8 W (the README's generated sensitivity line); both are inside
``PORT_CLAIM_FACTOR`` of ~9 W, so this check does not
decide that modelling choice.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.study import read_hdf5, run_study, write_hdf5
from sikernel.system.modules import PUBLISHED_MODULES

from .conftest import repo_text

#: out-of-sample module totals: inside the published range widened by this factor either way
#: (the published ranges are vendor figures of single products, confidence M)
OUT_OF_SAMPLE_FACTOR = 1.25
#: Bailly CPO optics per 800G (5.5 W, M-H): model within a factor 2 either way (out of sample;
#: the engine's components are assumptions with ranges of 2-3x, first-generation product)
BAILLY_FACTOR = 2.0
#: Bailly "30 % lower system power": the model counts switch chip + optics only, so its saving
#: fraction must be at least the claim's and, for a plausible rest of the system, below 70 %
SYSTEM_SAVING_RANGE = (0.30, 0.70)
#: NVIDIA / Meta per-port figures ("around 9 W", "~30 W", 5.4 W): read from press paraphrases of a
#: slide or a relayed paper (M), what they count is our reading (M/L): model within x1.5 either way
#: (out-of-sample check, never fitted on)
PORT_CLAIM_FACTOR = 1.5
#: claimed savings ("70 %", "65 %"): rounded vendor figures, scope partly unstated: +-10 points
SAVING_CLAIM_ABS = 0.10
#: claimed efficiency ratio ("3.5x"; the same slide's 30 W / 9 W = 3.3x): model within x1.5
RATIO_CLAIM_FACTOR = 1.5
#: a simulated 200G MRM driver (1.44 pJ/b, Micromachines 2026): model within x2 (one design, simulated)
COMPONENT_FACTOR = 2.0
#: in-sample ELS per laser: els_wpe = 0.15 is Lumentum's ~2 W / ~12 W = 0.167 rounded down (11 %) and
#: both figures are "~" (relayed, L-M): within x1.2 either way
ELS_IN_SAMPLE_FACTOR = 1.2
#: the published 800G module split (Intel via MACOM): DSP 49 %; the model's DSP chip (host-side SerDes +
#: line-side DSP) within 40-60 % (the split's confidence M, +-10 points)
DSP_SHARE_RANGE = (0.40, 0.60)
#: the same quantity read back through two routes (floating point only)
RTOL_SAME = 1e-12
#: a percentage stored rounded through *100 / 100 and the tornado's base re-summed (floating point)
RTOL_ROUNDTRIP = 1e-9
#: the laser-budget check: the light must close the budget in most of the inputs' joint range
#: (acceptance: a majority of the draws; reported as short_fraction_of_ranges)
ELS_SHORT_FRACTION_MAX = 0.5


@pytest.fixture(scope="module")
def study():
    return run_study(with_eyes=False, with_curves=False, n_draws=2000, seed=11)


def _check(study, label):
    return next(c for c in study.checks if c["label"].startswith(label))


@pytest.mark.parametrize("pm", [p for p in PUBLISHED_MODULES if p.fitted], ids=lambda p: p.label)
def test_module_totals_in_sample(study, pm):
    """In-sample: the fitted module side reproduces the published retimed module powers."""
    c = _check(study, pm.label)
    assert pm.low_w <= c["model"] <= pm.high_w, c


@pytest.mark.parametrize("pm", [p for p in PUBLISHED_MODULES if not p.fitted], ids=lambda p: p.label)
def test_module_totals_out_of_sample(study, pm):
    c = _check(study, pm.label)
    assert pm.low_w / OUT_OF_SAMPLE_FACTOR <= c["model"] <= pm.high_w * OUT_OF_SAMPLE_FACTOR, c


def test_module_split_shows_components(study):
    p = study.port("pluggable", 100)
    for b in ("module_host_serdes", "module_dsp", "driver", "laser", "tia", "other"):
        assert p["blocks_w"][b] > 0, b
    # the published split (Intel via MACOM): DSP 49 % of the module; the model's DSP chip is the
    # host-side SerDes + the line-side DSP
    dsp = p["blocks_w"]["module_host_serdes"] + p["blocks_w"]["module_dsp"]
    assert DSP_SHARE_RANGE[0] < dsp / p["module_w"] < DSP_SHARE_RANGE[1]


def test_out_of_sample_bailly_optics_per_800g(study):
    """Out-of-sample check: CPO engine power per 800G vs Broadcom Bailly (never fitted on)."""
    c = _check(study, "Broadcom Bailly CPO optics")
    assert 1 / BAILLY_FACTOR <= c["ratio_to_mid"] <= BAILLY_FACTOR, c


def test_checks_say_which_figure_informed_an_input(study):
    """Trial 98 M2: the 100G lanes per laser was chosen partly by its agreement with the ECOC 2025
    5.4 W, so the two per-800G Bailly checks are not cleanly out of sample: they say so, in the JSON
    and HDF5 (the same checks) and in the README's headline and claims line; the others do not."""
    from sikernel.system.assumptions import assumptions
    from sikernel.system.standards import generation

    informed = {c["label"]: c["informed"] for c in study.checks if c.get("informed")}
    bailly = {"Broadcom Bailly CPO optics per 800G",
              "Meta/Broadcom Bailly CPO optics per 800G (field study), 5.4 W"}
    # session 34: the 200G laser light was set from the NVIDIA product's laser figure after these
    # checks had flagged the 102.4T CPO port as low: they say so too
    laser_200g = {"NVIDIA CPO port per 1.6T (200G/lane), ~9 W",
                  "NVIDIA CPO power efficiency vs pluggable, '3.5x'",
                  "Broadcom TH6-Davisson CPO power reduction vs pluggable, '70 %' "
                  "('> 3.5x less power per bit')"}
    assert set(informed) == bailly | laser_200g
    assert len({informed[k] for k in bailly}) == len({informed[k] for k in laser_200g}) == 1
    # the inputs' own sources say what the checks say
    assert "ECOC 2025 5.4 W" in assumptions(generation(100))["els_lanes_per_laser"].source
    assert "ECOC 2025 5.4 W" in assumptions(generation(100))["els_lane_light_dbm"].source   # review 35 L8
    assert "24.5 dBm" in assumptions(generation(200))["els_lane_light_dbm"].source
    # the README marks the two groups apart, each with its own reason
    readme = repo_text("README.md", flat=True)
    for why, mark in zip(dict.fromkeys(informed.values()), ("*", "**"), strict=True):
        assert f"({mark} not cleanly out of sample: {why})" in readme
    readme = repo_text("README.md", flat=True)
    assert "(one model figure) — not cleanly out of sample: the 100G lanes per laser (2)" in readme
    assert "Broadcom Bailly CPO optics per 800G: ×1.08*;" in readme


def test_long_reach_switch_serdes_sensitivity(study):
    """Trial 98 M5: switch dies ship long-reach SerDes whatever the optics; the README's sensitivity
    puts an ADC-DSP SerDes at the KR budget at every switch end.  Recomputed here from the ports and
    energy_per_bit (W per port = pJ/bit x line rate x lanes), and its line is the README's."""
    import warnings

    from sikernel import energy_per_bit
    from sikernel.system.account import SWITCH_BLOCKS
    from sikernel.system.readme import _lr_serdes_line, lr_dsp_serdes_sensitivity
    from sikernel.system.standards import generation

    rows = {r["generation"]: r for r in lr_dsp_serdes_sensitivity(study)}
    for name, lane, kr_db in (("51.2T", 100, 28.0), ("102.4T", 200, 40.0)):   # 802.3ck / 802.3dj KR
        g = generation(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pj = energy_per_bit(loss_db=kr_db, baud=g.baud, node_nm=g.node_nm, target_ber=1e-4,
                                architecture="dsp").total_pj_per_bit
        lr_w = pj * g.lane_line_gbps / 1e3 * (g.port_gbps / g.lane_gbps)
        plug, cpo = study.port("pluggable", lane), study.port("cpo", lane)
        wp, wc = (p["w_per_port"] - sum(p["blocks_w"].get(b, 0.0) for b in SWITCH_BLOCKS) + lr_w
                  for p in (plug, cpo))
        r = rows[name]
        assert r["pj_per_bit"] == pytest.approx(pj) and r["loss_db"] == kr_db
        assert r["saving_w"] == pytest.approx((wp - wc) * g.lanes_per_switch / (g.port_gbps / g.lane_gbps))
        assert r["saving_frac"] == pytest.approx(1 - wc / wp)
        # the watts move by the switch SerDes difference only; the share falls (the ports grow)
        assert r["saving_frac"] < r["priced_saving_frac"]
    # review 32 L12, a second route: the saving is the priced one less the switch-SerDes difference,
    # the "same SerDes" sensitivity of the bullet before (whatever SerDes both ends then carry)
    from sikernel.system.readme import same_serdes_sensitivity

    for g, same_w in same_serdes_sensitivity(study):
        assert rows[g]["saving_w"] == pytest.approx(rows[g]["priced_saving_w"] - same_w, rel=1e-9)
    assert _lr_serdes_line(study) in repo_text("README.md", flat=True)


def test_out_of_sample_bailly_system_saving(study):
    """Out-of-sample check: the CPO saving over a published Tomahawk 5 box without optics (913 W
    typical) plus the pluggable modules vs the claimed 30 % system saving; recomputed here from the
    port entries (audit 28: the chip alone, 500 W, was the denominator, without fans, CPU or
    conversion, and the check read x1.40; that reading is kept as the other one)."""
    c = _check(study, "Broadcom Bailly system power saving")
    assert SYSTEM_SAVING_RANGE[0] <= c["model"] <= SYSTEM_SAVING_RANGE[1], c
    cpo, pl = study.port("cpo", 100), study.port("pluggable", 100)
    saved_w = pl["w_per_switch"] - cpo["w_per_switch"]
    modules_w = pl["ports_per_switch"] * pl["module_w"]
    assert math.isclose(c["model"], saved_w / (913.0 + modules_w), rel_tol=RTOL_ROUNDTRIP)
    assert math.isclose(c["other_reading"]["model"], saved_w / (500.0 + modules_w), rel_tol=RTOL_ROUNDTRIP)
    assert c["other_reading"]["reading"] == "switch chip 500 W + optics only"
    readme = repo_text("README.md", flat=True)
    assert (f"Broadcom Bailly system power saving vs pluggable: ×{c['ratio_to_mid']:.2f} "
            f"(×{c['other_reading']['ratio_to_mid']:.2f} switch chip 500 W + optics only)") in readme


# -- CPO system claims (issue 11): computed and reported; bounded loosely where the model is inside --
_NEW_CLAIMS = ("nvidia_cpo_w_per_1p6t", "nvidia_pluggable_w_per_1p6t", "nvidia_ratio", "davisson_saving",
               "bailly_meta_w_per_800g", "bailly_meta_optics_saving", "bailly_io_saving",
               "mrm_driver_200g_pj", "linear_tia_112g_pj", "cpo_eic_6p4t_pj", "els_w_per_laser")


def _keyed(study, key):
    return next(c for c in study.checks if c.get("key") == key)


@pytest.mark.parametrize("key", _NEW_CLAIMS)
def test_claim_is_computed_and_reported(study, key):
    from sikernel.system.modules import COMPONENT_FIGURES, SYSTEM_CLAIMS

    c = _keyed(study, key)
    claim = {**SYSTEM_CLAIMS, **COMPONENT_FIGURES}[key]
    assert c["published"] == claim.value and c["counts"] and c["model_quantity"] and c["source"]
    assert math.isfinite(c["model"]) and c["model"] > 0
    assert math.isclose(c["ratio_to_mid"], c["model"] / claim.value, rel_tol=RTOL_SAME)
    assert c["label"] in study.table()


def test_claims_are_the_account_like_for_like(study):
    """Each claim's model figure is the port account's own quantity (no separate computation)."""
    cpo2, pl2 = study.port("cpo", 200), study.port("pluggable", 200)
    cpo1, pl1 = study.port("cpo", 100), study.port("pluggable", 100)
    assert math.isclose(_keyed(study, "nvidia_cpo_w_per_1p6t")["model"], cpo2["w_per_port"],
                        rel_tol=RTOL_SAME)
    assert math.isclose(_keyed(study, "nvidia_pluggable_w_per_1p6t")["model"], pl2["w_per_port"],
                        rel_tol=RTOL_SAME)
    assert math.isclose(_keyed(study, "nvidia_ratio")["model"], pl2["w_per_port"] / cpo2["w_per_port"],
                        rel_tol=RTOL_SAME)
    assert math.isclose(_keyed(study, "davisson_saving")["model"], cpo2["saving_vs_pluggable_pct"] / 100,
                        rel_tol=RTOL_ROUNDTRIP)
    assert math.isclose(_keyed(study, "bailly_meta_w_per_800g")["model"], cpo1["module_w"], rel_tol=RTOL_SAME)
    assert math.isclose(_keyed(study, "bailly_meta_optics_saving")["model"],
                        1 - cpo1["module_w"] / pl1["module_w"], rel_tol=RTOL_SAME)
    assert math.isclose(_keyed(study, "bailly_io_saving")["model"], cpo1["saving_vs_pluggable_pct"] / 100,
                        rel_tol=RTOL_ROUNDTRIP)


@pytest.mark.parametrize("key", ["nvidia_cpo_w_per_1p6t", "nvidia_pluggable_w_per_1p6t",
                                 "bailly_meta_w_per_800g"])
def test_out_of_sample_port_claims(study, key):
    """Out-of-sample check, not a fit: per-port W within PORT_CLAIM_FACTOR of the claim."""
    c = _keyed(study, key)
    assert 1 / PORT_CLAIM_FACTOR <= c["ratio_to_mid"] <= PORT_CLAIM_FACTOR, c


@pytest.mark.parametrize("key", ["davisson_saving", "bailly_meta_optics_saving", "bailly_io_saving"])
def test_out_of_sample_saving_claims(study, key):
    """Out-of-sample check, not a fit: the saving within SAVING_CLAIM_ABS of the claim."""
    c = _keyed(study, key)
    assert abs(c["model"] - c["published"]) <= SAVING_CLAIM_ABS, c


def test_out_of_sample_ratio_claim(study):
    c = _keyed(study, "nvidia_ratio")
    assert 1 / RATIO_CLAIM_FACTOR <= c["ratio_to_mid"] <= RATIO_CLAIM_FACTOR, c


def test_out_of_sample_ring_driver_component(study):
    c = _keyed(study, "mrm_driver_200g_pj")
    assert 1 / COMPONENT_FACTOR <= c["ratio_to_mid"] <= COMPONENT_FACTOR, c


def test_out_of_sample_tia_component(study):
    """The 100G engine TIA per bit (fitted on module splits) against a published 112G linear TIA chip,
    and it is the account's own TIA block (W per port / lanes / lane rate)."""
    c = _keyed(study, "linear_tia_112g_pj")
    assert 1 / COMPONENT_FACTOR <= c["ratio_to_mid"] <= COMPONENT_FACTOR, c
    doc = repo_text("docs/energy-model.md", flat=True)   # the typed figures of docs 6.4.3
    assert f"per bit, {c['model']:.2f} pJ/b, against a published 112G PAM4" in doc
    bound = f"title only): {c['ratio_to_mid']:.2f}×, inside the component bound of {COMPONENT_FACTOR:g}×"
    assert bound in doc, bound
    p = study.port("cpo", 100)
    lanes = p["port_gbps"] / p["lane_gbps"]
    want = p["blocks_w"]["tia"] / lanes / (study.inputs["generations"]["51.2T"]["lane_line_gbps"] * 1e-3)
    assert math.isclose(c["model"], want, rel_tol=RTOL_SAME), (c["model"], want)


def test_out_of_sample_cpo_engine_ic_component(study):
    """The 100G CPO engine's electronics (MZM driver + TIA + other, fitted on module splits) per bit of
    the port against a published 6.4 Tb/s CPO engine ASIC (ISSCC 2026, 7 nm, MZM driver + TIA, 4.2 pJ/b;
    title only), and it is the account's own blocks (W per port / port rate)."""
    c = _keyed(study, "cpo_eic_6p4t_pj")
    assert 1 / COMPONENT_FACTOR <= c["ratio_to_mid"] <= COMPONENT_FACTOR, c
    p = study.port("cpo", 100)
    b = p["blocks_w"]
    want = (b["driver"] + b["tia"] + b["other"]) / (p["port_gbps"] * 1e-3)
    assert math.isclose(c["model"], want, rel_tol=RTOL_SAME), (c["model"], want)


def test_docs_checks_table_is_current(study):
    """The checks table of docs/energy-model.md (6.4.3: every model-vs-published row) is the generator's
    output for the model as it is: each row of a fresh run (point values; the draws do not enter a
    check row) is on the page, and the page has no check row the run does not make."""

    from sikernel.system.readme import tables_block

    def check_rows(text: str) -> list[str]:
        """The body rows of the table after the "Checks (module W" line."""
        table = text.split("Checks (module W", 1)[1].split("\n\n", 2)[1]
        return [ln for ln in table.splitlines() if ln.startswith("| ") and not ln.startswith("| figure")]

    rows = check_rows(tables_block(study))
    assert len(rows) == len(study.checks)
    doc = repo_text("docs/energy-model.md")
    assert check_rows(doc) == rows, "regenerate: python -m sikernel.system.readme --docs docs/energy-model.md"


def test_els_per_laser_in_sample_reproduces_its_source(study):
    """In sample (els_wpe's source): 0.25 W / els_wpe against Lumentum's 1.5 W per laser."""
    c = _keyed(study, "els_w_per_laser")
    assert c["kind"] == "component, in sample (source of els_wpe)"
    assert 1 / ELS_IN_SAMPLE_FACTOR <= c["ratio_to_mid"] <= ELS_IN_SAMPLE_FACTOR, c
    # by hand: 0.25 / 0.15 = 1.6667 W; the 200G model's own laser (18.5 dBm per lane over 4 lanes,
    # 24.52 dBm = 283.2 mW) draws 0.2832 / 0.15 W
    assert math.isclose(c["model"], 0.25 / 0.15, rel_tol=RTOL_SAME)
    assert math.isclose(c["model_at_class_output_w"], 4 * 10 ** 1.85 * 1e-3 / 0.15, rel_tol=RTOL_SAME)


def test_laser_budget_checks_reported(study):
    """The light per lane of the ELS is checked against the link budget in both generations."""
    for g in ("51.2T", "102.4T"):
        c = _keyed(study, f"els_budget_{g}")
        assert c["kind"] == "consistency check"
        assert math.isclose(c["margin_db"], c["model"] - c["published"], rel_tol=RTOL_SAME)
        assert c["margin_db"] > 0, c  # at the point values the product's sharing gives enough light
        assert 0.0 <= c["short_fraction_of_ranges"] < ELS_SHORT_FRACTION_MAX, c
    # the docs' typed figures of these checks (6.4.2): margins at the point values and the shares short
    c1, c2 = (_keyed(study, f"els_budget_{g}") for g in ("51.2T", "102.4T"))
    doc = repo_text("docs/energy-model.md", flat=True)
    for text in (f"at 200G ({c2['margin_db']:.1f} dB above its budget)",
                 f"at 100G ({c1['margin_db']:.1f} dB above)",
                 f"the light falls short in {100 * c2['short_fraction_of_ranges']:.0f} % (200G) and "
                 f"{100 * c1['short_fraction_of_ranges']:.0f} % (100G) of draws"):
        assert text in doc, text


#: the 102.4T boards built to the LPO budget meet it to within this much (whole millimetres of board)
LPO_BUDGET_BOARD_SLACK_DB = 0.1
#: the ports whose 102.4T board is built to the linear (LPO) host budget: those with a linear C2M end
LINEAR_BUDGET_PORTS = {"lpo", "lro"}


def _port(study, arch, gen="102.4T"):
    return next(p for p in study.ports if p["architecture"] == arch and p["generation"] == gen)


@pytest.fixture(scope="module")
def shared_board_study():
    """The 200G study of pluggable, LRO and LPO with no linear host budget: LPO and LRO on the
    pluggable's 254 mm board (the default until December 2026), draws as the ``study`` fixture."""
    return run_study(rates_gbps=(200,), architectures=("pluggable", "lro", "lpo"), with_eyes=False,
                     with_curves=False, n_draws=2000, seed=11, linear_host_budget_db=None)


def test_host_channel_budget_checks(study):
    """The 200G host channels against the published electrical budgets (Semtech: LPO 22 dB, retimed
    32 dB die to die): the loss is the one each port's host channel has (a second route to the same
    channel), the margin is budget - IL, the LPO and LRO boards are the longest whole millimetre
    within the LPO budget (a second route: the channel built one millimetre longer is over it), and
    on the shared board those ports cost more, their linear switch end on a DSP receiver."""
    from sikernel.system.channels import DEFAULT_PATHS, build_channel, paths_with_lengths
    from sikernel.system.standards import generation

    plug = _keyed(study, "semtech_retimed_budget_200g")
    lpo = _keyed(study, "semtech_lpo_budget_200g")
    for c, budget, arch in ((plug, 32.0, "pluggable"), (lpo, 22.0, "lpo")):
        assert c["kind"] == "consistency check" and c["limit"] == "at_most" and c["unit"] == "dB"
        assert c["published"] == budget                                    # the source's figures
        assert math.isclose(c["model"], _port(study, arch)["host_channel_il_db"], rel_tol=RTOL_SAME)
        assert math.isclose(c["margin_db"], budget - c["model"], rel_tol=RTOL_SAME)
    assert math.isclose(plug["model"], _port(study, "pluggable")["host_il_db"], rel_tol=RTOL_SAME)
    assert plug["margin_db"] > 0 and plug["host_mm"] == 254.0 and "linear_ports" not in plug
    assert 0.0 <= lpo["margin_db"] < LPO_BUDGET_BOARD_SLACK_DB, lpo
    # trial 98 L5: the LPO check holds by construction and says so (the retimed one does not)
    from sikernel.system.result import check_verdict

    assert "holds by construction" in lpo["by_construction"] and "by_construction" not in plug
    assert check_verdict(lpo).endswith("dB to spare (by construction)")
    assert "(by construction)" not in check_verdict(plug)
    rows = {r["architecture"]: r for r in lpo["linear_ports"]}
    assert set(rows) == LINEAR_BUDGET_PORTS
    baud = generation(200).baud

    def il_at(arch, mm):
        spec = paths_with_lengths(c2m_host_m=mm * 1e-3)[DEFAULT_PATHS[arch].name]
        return float(build_channel(spec, baud).il_db(0.5 * baud))

    for arch, r in rows.items():
        port = _port(study, arch)
        x_mm = r["host_mm"]
        assert x_mm == int(x_mm) and 0.0 < x_mm < 254.0 and x_mm == lpo["host_mm"]
        assert 22.0 - LPO_BUDGET_BOARD_SLACK_DB < il_at(arch, x_mm) <= 22.0 < il_at(arch, x_mm + 1.0)
        assert math.isclose(r["il_db"], port["host_channel_il_db"], rel_tol=RTOL_SAME)
        # the port priced is the study's own (a second route to the same figure)
        assert math.isclose(r["w_per_port"], port["w_per_port"], rel_tol=RTOL_SAME)
        assert r["host_end_families"] == {e["block"]: e["serdes_architecture"] for e in port["host_ends"]}
        assert r["shared_board_mm"] == 254.0
        assert math.isclose(r["il_on_shared_board_db"], plug["model"], rel_tol=RTOL_SAME)
        assert r["w_per_port_on_shared_board"] > r["w_per_port"]
        assert r["w_per_port_table_on_shared_board"] > r["w_per_port_table"]
    fam = (rows["lpo"]["host_end_families"]["switch_serdes"],
           rows["lpo"]["host_end_families_on_shared_board"]["switch_serdes"])
    assert fam == ("analog", "dsp")   # the docs' and README's words for the two boards
    assert rows["lro"]["host_end_families_on_shared_board"]["switch_serdes_rx"] == "dsp"

    lp, lr = rows["lpo"], rows["lro"]
    w_b, w_s = lp["w_per_port"], lp["w_per_port_on_shared_board"]
    t_b, t_s = lp["w_per_port_table"], lp["w_per_port_table_on_shared_board"]
    doc = repo_text("docs/energy-model.md", flat=True)
    for text in (f"the 102.4T LPO port costs {w_b:.2f} W per port on the budget board and {w_s:.2f} W on the "
                 f"shared one (+{100 * (w_s / w_b - 1):.0f} %)",
                 f"the LRO port {lr['w_per_port']:.2f} and {lr['w_per_port_on_shared_board']:.2f} W",
                 f"`host_end_families` / `_on_shared_board`: {fam[0]} → {fam[1]}",
                 f"the same step is {t_b:.2f} → {t_s:.2f} W ({t_s - t_b:.2f} W, about "
                 f"{100 * (t_s / t_b - 1):.0f} %)",
                 f"{plug['margin_db']:.1f} dB to spare against the retimed budget",
                 f"{lp['il_on_shared_board_db'] - lpo['published']:.1f} dB over the LPO budget",
                 f"{x_mm:.0f} mm instead of 254 mm ({lpo['model']:.1f} dB;",
                 f"its length alone is pinned at 200–{x_mm:.0f} mm by the C2M class"):
        assert text in doc, text   # regression guard: the docs' figures are the check's output
    readme = repo_text("README.md", flat=True)
    for text in (f"{x_mm:.0f} mm instead of the pluggable's 254 mm ({plug['model']:.1f} dB, within the "
                 f"{plug['published']:g} dB retimed budget)",
                 f"would cost {w_s:.2f} instead of {w_b:.2f} W per port (+{100 * (w_s / w_b - 1):.0f} %",
                 f"the step is ≈ {100 * (t_s / t_b - 1):.0f} %",
                 f"LPO and LRO at 200G/lane: {x_mm:.0f} mm, built to the published 22 dB LPO budget"):
        assert text in readme, text
    text = f"shortened to {x_mm:.0f} mm to meet the published 22 dB LPO budget"
    assert text in repo_text("docs/models.md", flat=True), text
    # the printed study names both boards and both routes
    printed = (f"lpo priced on {x_mm:.0f} mm of host board ({lp['il_db']:.1f} dB, within the budget); on the "
               f"pluggable's 254 mm board ({lp['il_on_shared_board_db']:.1f} dB): {w_b:.2f} -> {w_s:.2f} "
               "W per "
               "port on the study's channel path (host SerDes analog -> dsp)")
    assert printed in study.table()


def test_host_channel_budget_checks_100g(study):
    """The 51.2T host channels against the OIF reach classes of the reference file: the C2M board ball
    to ball within EEI-112G-RTLR's 16 dB (no packages: a second route builds the board part), NPO
    and CPO die to die within CEI-112G-XSR+'s 13 dB (the port's own host channel, a second route)."""
    from sikernel.system.account import host_path
    from sikernel.system.channels import build_channel
    from sikernel.system.modules import HOST_CHANNEL_BUDGET_PORTS
    from sikernel.system.standards import generation

    g = generation(100)
    for key, budget, arch, packages in (("lpo_msa_100g", 20.0, "lpo", True),
                                        ("oif_rtlr_c2m_100g", 16.0, "pluggable", False),
                                        ("oif_xsr_plus_npo_100g", 13.0, "npo", True),
                                        ("oif_xsr_plus_cpo_100g", 13.0, "cpo", True)):
        c = _keyed(study, key)
        assert HOST_CHANNEL_BUDGET_PORTS[key] == (arch, "51.2T", packages)
        assert (c["architecture"], c["generation"], c["published"], c["packages_counted"]) == (
            arch, "51.2T", budget, packages)
        port = _port(study, arch, "51.2T")
        il = (port["host_channel_il_db"] if packages else
              float(build_channel(host_path(arch, g), g.baud, packages=False).il_db(0.5 * g.baud)))
        assert math.isclose(c["model"], il, rel_tol=RTOL_SAME)
        assert c["margin_db"] > 0 and math.isclose(c["margin_db"], budget - il, rel_tol=RTOL_SAME)
        assert "linear_ports" not in c
    rtlr = _keyed(study, "oif_rtlr_c2m_100g")["model"]
    assert rtlr < _port(study, "pluggable", "51.2T")["host_channel_il_db"]   # the packages add loss
    npo, cpo = (_keyed(study, k)["model"] for k in ("oif_xsr_plus_npo_100g", "oif_xsr_plus_cpo_100g"))
    text = (f"ball to ball, {rtlr:.1f} dB against EEI-112G-RTLR's 16 dB (≥ 200 mm host + connector + 20 mm "
            f"module); NPO {npo:.1f} dB and CPO {cpo:.1f} dB die to die against CEI-112G-XSR+'s 13 dB")
    assert text in repo_text("docs/energy-model.md", flat=True), text
    lpo = _keyed(study, "lpo_msa_100g")["model"]
    text = f"the 51.2T LPO host channel is {lpo:.1f} dB die to die against 20 dB"
    assert text in repo_text("docs/energy-model.md", flat=True), text


def test_linear_ports_on_the_shared_board(study, shared_board_study):
    """``run_study(linear_host_budget_db=None)`` prices LPO and LRO on the pluggable's board: the
    check's shared-board figures are that run's ports (a second route), the pluggable is unchanged,
    and the docs' savings and not-closing draws are these runs'."""
    check = {r["architecture"]: r for r in _keyed(study, "semtech_lpo_budget_200g")["linear_ports"]}
    for arch in LINEAR_BUDGET_PORTS:
        p = _port(shared_board_study, arch)
        assert math.isclose(p["w_per_port"], check[arch]["w_per_port_on_shared_board"], rel_tol=RTOL_SAME)
        assert math.isclose(p["host_channel_il_db"], check[arch]["il_on_shared_board_db"], rel_tol=RTOL_SAME)
        assert _port(study, arch)["mc_not_closing_draws"] == 0
    assert math.isclose(_port(shared_board_study, "pluggable")["w_per_port"],
                        _port(study, "pluggable")["w_per_port"], rel_tol=RTOL_SAME)
    base, shared = _port(study, "lpo"), _port(shared_board_study, "lpo")
    assert shared["mc_not_closing_draws"] > 0
    doc = repo_text("docs/energy-model.md", flat=True)
    for text in (f"LPO's saving against the pluggable is {base['saving_vs_pluggable_pct']:.1f} % on the "
                 f"budget board and {shared['saving_vs_pluggable_pct']:.1f} % on the shared one",
                 f"(on the shared one {shared['mc_not_closing_draws']} of {shared['mc_draws']} did not; "
                 "`--draws 2000 --seed 11`)"):
        assert text in doc, text
    with pytest.raises(SIKernelError, match="linear_host_budget_db"):
        run_study(rates_gbps=(200,), architectures=("lpo",), linear_host_budget_db=float("nan"))


def test_lpo_switch_end_on_the_shared_board_against_its_synthetic_channel():
    """The docs' account of why the 102.4T LPO switch end needs a DSP receiver over the shared board:
    there, with the module's linear path, it costs about twice the synthetic channel of the same loss
    and crosstalk (which closes analog); along the board (no linear host budget) the analog receiver
    holds to 230 mm and the DSP one is needed from 235 mm; a local step under 1 % at 201.4 mm.
    Regression guards of model output (December 2026), labelled so: the references are sikernel's own
    two paths."""
    from sikernel.power import energy_per_bit
    from sikernel.system.account import PortModel
    from sikernel.system.channels import paths_with_lengths
    from sikernel.system.checks import _w
    from sikernel.system.standards import generation

    g = generation(200, linear_host_budget_db=None)
    m = PortModel("lpo", g)
    (end,) = m.ends
    smooth = energy_per_bit(loss_db=end.il_nyquist_db, baud=g.baud, node_nm=end.node_nm,
                            exclude=m.path.exclude, target_ber=m.target_ber, scope="txrx",
                            crosstalk=m.crosstalk)
    assert end.architecture == "dsp" and smooth.architecture == "analog"
    doc = repo_text("docs/energy-model.md", flat=True)
    text = (f"({end.il_nyquist_db:.1f} dB at Nyquist), the LPO switch end costs {end.pj_per_bit:.2f} pJ/b, "
            f"where the synthetic channel of the same loss and crosstalk closes analog at "
            f"{smooth.total_pj_per_bit:.2f} pJ/b ({end.pj_per_bit / smooth.total_pj_per_bit:.2f}×")
    assert text in doc, text
    text = f"over the shared 254 mm board they cost {end.pj_per_bit / smooth.total_pj_per_bit:.2f}×"
    assert text in doc, text   # docs 6.5's reading of the host-ends table
    at = {mm: PortModel("lpo", g, paths=paths_with_lengths(lpo_host_m=mm * 1e-3))
          for mm in (201.2, 201.4, 202.0, 230.0, 235.0)}
    fam = {mm: pm.ends[0].architecture for mm, pm in at.items()}
    w = {mm: _w(pm) for mm, pm in at.items()}
    taps = {mm: pm.ends[0].eq_settings["tx_ffe_taps"] for mm, pm in at.items()}
    assert fam[230.0] == "analog" and fam[235.0] == "dsp", fam
    # the local step: same tap count, another subset's FOM-best setting, under 1 %
    assert w[201.4] > max(w[201.2], w[202.0]) and w[201.4] < 1.01 * max(w[201.2], w[202.0])
    assert taps[201.4] == taps[201.2] == taps[202.0], taps
    for text in (f"at least 230 mm ({w[230.0]:.2f} W per port)", f"needed from 235 mm ({w[235.0]:.2f} W)",
                 f"at 201.4 mm the port costs {w[201.4]:.2f} W against {w[201.2]:.2f} W at 201.2"):
        assert text in doc, text
    # with the budget (the default), a board given longer than the budget's is built to it (a warning)
    with pytest.warns(SIKernelWarning, match=r"lpo 102.4T: the host board given \(235 mm\) exceeds the 22"):
        capped = PortModel("lpo", generation(200), paths=paths_with_lengths(lpo_host_m=0.235))
    assert capped.path == PortModel("lpo", generation(200)).path


# -- bands ---------------------------------------------------------------------------------
_BANDED = ("w_per_lane", "w_per_port", "pj_per_bit", "module_w", "w_per_switch")


def test_bands_contain_the_point(study):
    for p in study.ports:
        for k in _BANDED:
            assert p[k + "_p10"] <= p[k] <= p[k + "_p90"], (p["architecture"], p["lane_gbps"], k)
            assert p[k + "_p10"] < p[k + "_p90"], (p["architecture"], k)
        for b, v in p["blocks_w"].items():
            assert p["blocks_w_p10"][b] <= v * (1 + RTOL_SAME), b
            assert v <= p["blocks_w_p90"][b] * (1 + RTOL_SAME), b
        if p["architecture"] != "pluggable":
            s = p["saving_vs_pluggable_w"]
            assert p["saving_vs_pluggable_w_p10"] <= s <= p["saving_vs_pluggable_w_p90"]


def test_seeded_reproducible_and_seed_matters(study):
    again = run_study(with_eyes=False, with_curves=False, n_draws=2000, seed=11)
    other = run_study(with_eyes=False, with_curves=False, n_draws=2000, seed=12)
    for a, b, c in zip(study.ports, again.ports, other.ports, strict=True):
        assert a["w_per_port_p10"] == b["w_per_port_p10"] and a["w_per_switch_p90"] == b["w_per_switch_p90"]
        assert a["w_per_port"] == c["w_per_port"]
    assert any(a["w_per_port_p90"] != c["w_per_port_p90"]
               for a, c in zip(study.ports, other.ports, strict=True))


def test_tornado_cpo_saving(study):
    for g, t in study.tornado.items():
        lane = 100 if g == "51.2T" else 200
        cpo, pl = study.port("cpo", lane), study.port("pluggable", lane)
        assert math.isclose(t["base_w"], pl["w_per_switch"] - cpo["w_per_switch"], rel_tol=RTOL_ROUNDTRIP)
        swings = [i["swing_w"] for i in t["inputs"]]
        assert swings == sorted(swings, reverse=True) and swings[0] > 0
        # the host-channel offset of CPO moves only CPO's SerDes, the C2M offset only pluggable's:
        # raising the pluggable loss raises the saving, raising the CPO loss lowers it
        it = {i["input"]: i for i in t["inputs"]}
        assert it["c2m_loss_offset_db"]["saving_w_at_high"] > it["c2m_loss_offset_db"]["saving_w_at_low"]
        assert it["cpo_loss_offset_db"]["saving_w_at_high"] < it["cpo_loss_offset_db"]["saving_w_at_low"]


def test_held_out_bias_sensitivity(study):
    """The held-out bias is the geometric mean of the 200G H/M held-out ratios (recomputed here from
    holdout.predict_held_out), and the saving with the host SerDes divided by it lies on the line
    through the tornado's serdes_model ends (the saving is linear in the host-SerDes factor)."""
    from sikernel.power import holdout
    from sikernel.system.uncertainty import serdes_held_out_bias

    held = holdout.predict_held_out()
    r = [x for d, x in zip(held.designs, held.ratio, strict=True)
         if d.rate_class == "200G" and d.confidence in ("H", "M") and math.isfinite(x)]
    want = math.exp(sum(math.log(x) for x in r) / len(r))
    bias, src = serdes_held_out_bias()
    assert math.isclose(bias, want, rel_tol=1e-12) and f"{len(r)} held-out 200G" in src
    assert study.inputs["serdes_held_out_bias"] == bias
    assert set(study.tornado) == {"51.2T", "102.4T"}
    assert "held_out_bias" not in study.tornado["51.2T"]  # no held-out bias applied at 100G/lane
    for t in [study.tornado["102.4T"]]:
        h = t["held_out_bias"]
        assert h["bias"] == bias and math.isclose(h["serdes_factor"], 1.0 / bias, rel_tol=1e-12)
        # second route: the two ports' blocks at that factor (the line-side DSP refitted with it,
        # so the saving is not linear in the factor)
        from sikernel.system.account import PortModel
        from sikernel.system.standards import generation

        g = generation("102.4T")
        w = {a: sum(PortModel(a, g).blocks_w(serdes_factor=h["serdes_factor"]).values())
             for a in ("pluggable", "cpo")}
        assert math.isclose(h["saving_w"], (w["pluggable"] - w["cpo"]) * g.ports_per_switch, rel_tol=1e-9)
        # the pluggable's long host link carries more host SerDes than CPO's: a lower factor saves less
        assert bias > 1.0 and h["saving_w"] < t["base_w"]
    # the split the README's answer block states (audit 24a, review 24: the misses are ADC-DSP
    # transceivers, a TX-only row is its own group; the study's 200G ends are analog), recomputed
    # from the held-out table, and the saving divided by each group's factor
    from sikernel.system.readme import answer_block
    from sikernel.system.uncertainty import serdes_held_out_bias_by_family

    split = serdes_held_out_bias_by_family()
    fam = {}
    for d, x, a in zip(held.designs, held.ratio, held.architecture, strict=True):
        if d.rate_class == "200G" and d.confidence in ("H", "M") and math.isfinite(x):
            fam.setdefault("tx" if d.scope == "tx" else a, []).append(math.log(x))
    assert set(split) == set(fam) == {"analog", "dsp", "tx"}
    for a, logs in fam.items():
        assert math.isclose(split[a][0], math.exp(sum(logs) / len(logs)), rel_tol=1e-12)
    assert split["analog"][0] < bias < split["dsp"][0]
    by = study.tornado["102.4T"]["held_out_bias"]["by_family"]
    assert {k: v["bias"] for k, v in by.items()} == {k: v[0] for k, v in split.items()}
    # the saving moves with 1 - 1/factor: the analog rows' small factor moves it least
    mixed = study.tornado["102.4T"]["held_out_bias"]["saving_w"]
    assert by["dsp"]["saving_w"] < mixed < by["analog"]["saving_w"]
    block = " ".join(answer_block(study, "fig.png").split())
    readme = repo_text("README.md", flat=True)
    an, ds, tx = (f"×{split[k][0]:.2f}" for k in ("analog", "dsp", "tx"))
    for text in (f"×{bias:.2f} on average (geometric mean: {an} over the rows priced on the analog "
                 f"(CTLE + DFE) family (Pfaff, Chong), {ds} over the rows priced on the ADC-DSP family "
                 f"(Mostafa, Gambhir), {tx} over the TX-only row (Kim)",
                 f"divided by the analog (CTLE + DFE) rows' {an} instead, the family of the study's 102.4T "
                 f"board-side switch ends, {by['analog']['saving_w']:.0f} W"):
        assert text in block, text
        assert text in readme, text
    # the README's statement for 100G/lane: the leave-one-out predictions of the 100-120 Gb/s
    # calibration designs are not high on average (geometric mean <= 1)
    from sikernel.power import _calibrated
    from sikernel.power.calibration import CALIBRATION_POINTS

    rate = {p.name: p.bit_rate_gbps for p in CALIBRATION_POINTS}
    logs = [r for n, r in zip(_calibrated.LOO_NAMES, _calibrated.LOO_LOG_RATIO, strict=True)
            if 100.0 <= rate[n] <= 120.0]
    assert len(logs) >= 5 and sum(logs) / len(logs) <= 0.0
    doc = repo_text("docs/energy-model.md", flat=True)
    assert f"geometric mean {math.exp(sum(logs) / len(logs)):.2f})" in doc
    # ... and the held-out 100G-class rows at the study's nodes (<= 7 nm) are not high on average
    from sikernel.power.technology import get_technology

    small = [math.log(x) for d, x in zip(held.designs, held.ratio, strict=True)
             if d.rate_class == "100G" and d.confidence in ("H", "M") and d.receiver_family_modelled
             and get_technology(d.node_nm).node_nm <= 7.0 and math.isfinite(x)]
    g = math.exp(sum(small) / len(small))
    assert len(small) >= 4 and g < 1.5
    assert f"at ≤ 7 nm the 100G-class rows' geometric mean is {g:.2f}," in doc, g


# -- output contract ------------------------------------------------------------------------
_REQUIRED = ("architecture", "lane_gbps", "port_gbps", "w_per_port", "w_per_port_p10", "w_per_port_p90",
             "pj_per_bit", "blocks_w", "switch_tbps", "w_per_switch", "w_per_switch_p10", "w_per_switch_p90")


def test_ports_contract(study):
    got = {(p["architecture"], p["lane_gbps"], p["port_gbps"]) for p in study.ports}
    for a in ("pluggable", "lro", "lpo", "npo", "cpo"):
        assert (a, 100.0, 800.0) in got and (a, 200.0, 1600.0) in got
    for p in study.ports:
        for k in _REQUIRED:
            assert k in p, k
        assert math.isclose(sum(p["blocks_w"].values()), p["w_per_port"], rel_tol=RTOL_SAME)
        assert math.isclose(p["pj_per_bit"], p["w_per_port"] / p["port_gbps"] * 1e3, rel_tol=RTOL_SAME)
        assert math.isclose(p["w_per_switch"], p["w_per_port"] * p["switch_tbps"] * 1e3 / p["port_gbps"],
                            rel_tol=RTOL_SAME)


def _same(a, b, path=""):
    if isinstance(a, dict):
        assert set(a) == set(b), (path, set(a) ^ set(b))
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif a is None:
        assert b is None or (isinstance(b, float) and math.isnan(b)), (path, b)
    elif isinstance(a, float):
        assert a == b, (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_json_and_hdf5_carry_the_same_numbers(study, tmp_path):
    js = study.to_json()
    back = read_hdf5(write_hdf5(study, tmp_path / "s.h5"))
    assert len(back["ports"]) == len(js["ports"])
    for a, b in zip(js["ports"], back["ports"], strict=True):
        _same(a, b)
    _same(js["checks"], back["checks"])
    assert back["warnings"] == js["warnings"] == study.warnings
    assert not list(tmp_path.glob("*.tmp"))
    assert np.isfinite([p["w_per_port"] for p in back["ports"]]).all()


def test_check_verdict_words():
    """The printed table says where each check's model value stands (review, December 2026: the
    1.6T LPO check printed 8.93 W vs 9-11 W like a pass)."""
    from sikernel.system.result import check_verdict

    base = {"kind": "module, out of sample", "unit": "W", "published": None}
    assert check_verdict({**base, "model": 8.93, "published_low": 9.0, "published_high": 11.0}) == \
        "0.8 % below the range"
    assert check_verdict({**base, "model": 12.1, "published_low": 9.0, "published_high": 11.0}) == \
        "10 % above the range"
    # review (December 2026): 14.957 W against 15-17 W printed "0 % below the range"
    assert check_verdict({**base, "model": 14.957, "published_low": 15.0, "published_high": 17.0}) == \
        "0.3 % below the range"
    assert check_verdict({**base, "model": 9.0, "published_low": 9.0, "published_high": 11.0}) == "in range"
    point = {"kind": "system claim, out of sample", "unit": "W", "published_low": None,
             "published_high": None}
    assert check_verdict({**point, "model": 6.5, "published": 9.0}) == "x0.72 of published"
    budget = {"kind": "consistency check", "unit": "dBm", "published_low": None, "published_high": None}
    assert check_verdict({**budget, "model": 14.0, "published": 12.5}) == "1.5 dB to spare"
    assert check_verdict({**budget, "model": 11.0, "published": 12.5}) == "short by 1.5 dB"
    loss = {"kind": "consistency check", "unit": "dB", "published_low": None, "published_high": None,
            "limit": "at_most"}
    assert check_verdict({**loss, "model": 25.4, "published": 22.0}) == "over by 3.4 dB"
    assert check_verdict({**loss, "model": 25.4, "published": 32.0}) == "6.6 dB to spare"


def test_no_default_draw_fails(study):
    """docs 6.5: at the default inputs no Monte Carlo draw of any port fails to close (since the
    102.4T LPO and LRO boards are built to the LPO budget)."""
    assert all(p["mc_not_closing_draws"] == 0 for p in study.ports), [
        (p["architecture"], p["generation"], p["mc_not_closing_draws"]) for p in study.ports]


def _point_values_only(line: str) -> str:
    """A generated line without its p10–p90 bands ("(15.5–17.4)", "(44–66)") and draw counts
    ("0 of 4000"): what does not depend on the Monte Carlo's draws (point values in parentheses,
    such as "(8.3 vs 20.3 pJ/bit)", stay)."""
    line = re.sub(r"\d+ of \d+", "N of M", line)
    return re.sub(r" ?\(-?\d[\d.]*–-?\d[\d.]*\)", "", line)


def test_readme_and_docs_point_values_are_current(study):
    """The README's answer table and generation lines and the docs' "Ports at the point values" table
    are the generator's output for the model as it is, at the point values (audit 27: only the checks
    table was compared with its generator; a model change could leave these stale with every test
    passing). The bands depend on the draws (the generator's 4000, this fixture's 2000) and are not
    compared here."""
    from sikernel.system.readme import BEGIN, END, answer_block, ports_table

    fresh = answer_block(study, "docs/figures/study-ports.png")
    readme = repo_text("README.md")
    page = readme[readme.index(BEGIN):readme.index(END)]
    how = "regenerate: python -m sikernel.system.readme --docs docs/energy-model.md"
    for line in fresh.splitlines():
        if line.startswith(("| ", "- **")):
            want = _point_values_only(line)
            assert any(_point_values_only(ln) == want for ln in page.splitlines()), (want, how)
    doc = repo_text("docs/energy-model.md").splitlines()
    rows = [ln for ln in ports_table(study) if ln.startswith(("| 51.2T", "| 102.4T", "Ring driver"))]
    assert len(rows) == len(study.ports) + 1   # + the ring-driver C_out line
    doc_rows = {_point_values_only(ln) for ln in doc}
    for line in rows:
        assert _point_values_only(line) in doc_rows, (line, how)


def test_cpo_end_against_its_own_synthetic_channel_is_listed(study):
    """New-user trial 27: the docs' "built vs synthetic channel" table left CPO out ("no board");
    its switch end is now listed against the xsr synthetic channel of its loss (its own kind), and
    the table on the page is the generator's."""
    from sikernel.system.readme import host_ends_table

    c2c = next(c for c in study.checks if c.get("key") == "host_erl_c2c")
    rows = c2c["package_ends_vs_smooth_channel"]
    assert {(r["generation"], r["architecture"], r["block"]) for r in rows} == {
        ("51.2T", "cpo", "switch_serdes"), ("102.4T", "cpo", "switch_serdes")}
    from sikernel.power import energy_per_bit
    from sikernel.system.account import PortModel
    from sikernel.system.standards import generation

    for r in rows:   # priced on the xsr kind (the bare line), not on the host kind's two BGA packages
        m = PortModel("cpo", generation(r["generation"]))
        end = m.ends[0]
        assert r["pj_per_bit_built"] == end.pj_per_bit and r["linear_optical_path"]
        kw = dict(loss_db=end.il_nyquist_db, baud=m.gen.baud, node_nm=end.node_nm, target_ber=m.target_ber,
                  scope=end.scope, crosstalk=m.crosstalk, exclude=m.path.exclude)
        assert math.isclose(r["pj_per_bit_smooth"],
                            energy_per_bit(channel_kind="xsr", **kw).total_pj_per_bit, rel_tol=1e-12)
        assert not math.isclose(r["pj_per_bit_smooth"],
                                energy_per_bit(channel_kind="host", **kw).total_pj_per_bit, rel_tol=1e-3)
        assert math.isclose(r["ratio"], r["pj_per_bit_built"] / r["pj_per_bit_smooth"], rel_tol=1e-12)
    doc = repo_text("docs/energy-model.md")
    table = [ln for ln in host_ends_table(study) if ln.startswith("| ") and "| cpo |" in ln]
    assert len(table) == 2 and all(ln in doc for ln in table), table


def test_claims_without_a_stated_scope_are_read_both_ways(study):
    """A claim whose source does not say whether it counts the switch SerDes carries the other
    reading too, computed from the port account, and the README prints both (audit 28: the NVIDIA
    30 W is a module power in its relay, TechInsights; only the reading nearer the model was shown)."""
    from sikernel.system.modules import SYSTEM_CLAIMS

    cpo2, pl2 = study.port("cpo", 200), study.port("pluggable", 200)
    cpo1, pl1 = study.port("cpo", 100), study.port("pluggable", 100)
    want = {"nvidia_cpo_w_per_1p6t": ("engine + laser only", cpo2["module_w"]),
            "nvidia_pluggable_w_per_1p6t": ("module only", pl2["module_w"]),
            "nvidia_ratio": ("optics only", pl2["module_w"] / cpo2["module_w"]),
            "davisson_saving": ("optics only", 1 - cpo2["module_w"] / pl2["module_w"]),
            "bailly_io_saving": ("optics only", 1 - cpo1["module_w"] / pl1["module_w"]),
            "bailly_meta_optics_saving": ("whole ports", 1 - cpo1["w_per_port"] / pl1["w_per_port"])}
    readme = repo_text("README.md", flat=True)
    for key, (reading, model) in want.items():
        o = _keyed(study, key)["other_reading"]
        assert o["reading"] == reading
        assert math.isclose(o["model"], model, rel_tol=RTOL_ROUNDTRIP)
        assert math.isclose(o["ratio_to_mid"], model / SYSTEM_CLAIMS[key].value, rel_tol=RTOL_ROUNDTRIP)
        assert f"(×{o['ratio_to_mid']:.2f} {reading})" in readme, key
    assert "other_reading" not in _keyed(study, "bailly_meta_w_per_800g")   # optics only, stated


def test_readme_laser_headroom_and_power_conversion_lines(study):
    """The README's laser-light and power-conversion lines are the generator's at the point values,
    and the laser sized to the budget is recomputed here from the inputs: one TX lane needs the
    budget's light, 10^(budget/10) mW, at the source's wall-plug efficiency."""
    from sikernel.system.readme import laser_headroom_line, power_conversion_line

    readme = repo_text("README.md", flat=True)
    assert laser_headroom_line(study) in readme and power_conversion_line(study) in readme
    for gen, lane in (("51.2T", 100), ("102.4T", 200)):
        a = {k: v["value"] for k, v in study.inputs["assumptions"][gen].items()}
        cpo = study.port("cpo", lane)
        sized_w = cpo["lanes_per_port"] * 1e-3 * 10 ** (a["els_lane_optical_dbm"] / 10) / a["els_wpe"]
        assert f"its laser block would be {sized_w:.2f} instead of {cpo['blocks_w']['laser']:.2f} W" in readme
        # the stage feeds the engine's electronics: the port without its switch SerDes and laser
        w = cpo["module_w"] - cpo["blocks_w"]["laser"]
        want = f"{w * (1 / 0.90 - 1):.2f}–{w * (1 / 0.85 - 1):.2f} W per port at {gen} (on its {w:.1f} W"
        assert want in readme, want


def test_docs_state_the_nvidia_module_only_gap(study):
    """Docs 6.4.3: the 1.6T CPO optics under the module-only reading of NVIDIA's ~9 W, and the CPO
    optics' fall per bit from 51.2T to 102.4T against the published figures' (Bailly 5.5 W per
    800G, NVIDIA ~9 W per 1.6T: 1.2x).  Audit 28 found the optics outside the 1.5x bound under that
    reading (x0.53) and falling 2.5x; since the 200G laser is the product's 24.5 dBm (session 34)
    they are inside it and fall 1.6x (regression guards of the docs' figures, computed here)."""
    from sikernel.system.modules import SYSTEM_CLAIMS

    cpo1, cpo2 = study.port("cpo", 100), study.port("cpo", 200)
    o_cpo = _keyed(study, "nvidia_cpo_w_per_1p6t")["other_reading"]["ratio_to_mid"]
    o_plug = _keyed(study, "nvidia_pluggable_w_per_1p6t")["other_reading"]["ratio_to_mid"]
    assert 1 / PORT_CLAIM_FACTOR <= o_cpo <= PORT_CLAIM_FACTOR   # regression guard of the docs' reading
    pj1 = cpo1["module_w"] / cpo1["port_gbps"] * 1e3
    pj2 = cpo2["module_w"] / cpo2["port_gbps"] * 1e3
    bailly_pj = SYSTEM_CLAIMS["bailly_w_per_800g"].value / 800.0 * 1e3
    published = bailly_pj / (SYSTEM_CLAIMS["nvidia_cpo_w_per_1p6t"].value / 1600.0 * 1e3)
    doc = repo_text("docs/energy-model.md", flat=True)
    for text in (f"come out at ×{o_cpo:.2f} of NVIDIA's ~9 W",
                 f"pluggable module at ×{o_plug:.2f} of the 30 W",
                 f"fall from {pj1:.1f} pJ/b (51.2T) to {pj2:.1f} pJ/b (102.4T), {pj1 / pj2:.1f}×",
                 f"per 1.6T fall {published:.1f}×"):
        assert text in doc, text

