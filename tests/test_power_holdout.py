"""Held-out validation of the energy model and the block laws changed for 200G-class designs.

* held-out 200G-class designs (``sikernel.power.holdout``; TX+RX transceivers and a DAC TX), never
  in the fit, predicted as a user calls the model: the H/M-confidence rows must lie within the
  1.5x goal of issue 11, except the rows listed in ``KNOWN_OUTSIDE_GOAL``, whose goal check is a
  strict expected failure (the goal is NOT met for them) and which are only guarded; L rows
  (secondary summaries that do not name the design) are only guarded;
* two 7 nm 56 Gb/s ADC-DSP transceivers (rate class "56G": Pisati et al. 2019/2020, Pfaff et al.
  2019 as a TX row and an RX row) are a different class, not held to the 200G goal: guarded, their
  stated family checked, and the published design-to-design spread (> 2x at one node and rate)
  stated as a fact about the data; the model's ADC law at their ADCs' survey points;
* the serializer's per-stage self-loading law against a direct sum written out here;
* a stated supply changes the digital energy by V² (rule (1)) and nothing else;
* the published operating point of the Dickson DAC TX (8 bit, 0.95 V) is what the calibration uses.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.power import blocks, calibration, holdout
from sikernel.power.coefficients import DEFAULT_COEFFICIENTS
from sikernel.power.technology import get_technology

from .conftest import repo_text

# --- tolerances, each with its source ------------------------------------------------------
#: issue 11's goal for every design the model is judged on (predicted / published within 1.5x)
HELD_OUT_GOAL = 1.5
#: regression guard for the rows not held to the goal: confidence L, and the H/M rows of
#: KNOWN_OUTSIDE_GOAL (it is a guard, not the goal). 3.0; it was 3.3 for one commit (December 2026)
#: while Gambhir et al. stood at 3.06x after Khairi's receiver was priced in its stated scope with
#: γ = 1; back to 3.0 since the fitted node exponent (Gambhir 2.70x); 3.5 since the MLSD is credited
#: its gain at the link's error ratio (sequence.finite_ser_gain_db, checked against a simulated
#: detector): Gambhir 3.37x; 4.0 since the CTLE's low-frequency stage g_DC2, the MLSD rows' noise
#: enveloped after their own gain (table._figures) and the refit on those tables (AFE load
#: capacitance 5.3e-14 -> 1.5e-13 F): Gambhir 3.72x. A guard following a physics correction, not the
#: goal.
HELD_OUT_L_GUARD = 4.0
#: H/M held-out rows the shipped model predicts outside the 1.5x goal (issue 11 goal NOT met):
#: name -> predicted / published measured with the shipped coefficients (December 2026; documentation
#: of the miss, the guard is HELD_OUT_L_GUARD).
#: A. Mostafa et al., ISSCC 2025 7.2 (5 nm, 212.5 Gb/s, 2.2 pJ/b, > 46 dB; title): 2.30x over
#: since the CTLE's low-frequency stage g_DC2 and its refit (2.55x before it; 2.44x with the
#: asymptotic MLSD credit, 2.40x with γ = 1 after Khairi's stated scope, 1.71x before it; 2.13x
#: before the DSP MMSE noise
#: levels, 2.08x before the survey-fitted ADC figure of merit and the rate's RX bandwidth) --
#: the same design held before at confidence L from an unnamed secondary summary, now identified.
#: M. Gambhir et al., VLSI 2026 C25.1 (3 nm, 212.5 Gb/s, 2.05 pJ/b, 55 dB reach): 3.72x over since
#: g_DC2, the MLSD rows' paired envelope and the refit (3.37x before; 2.70x with the asymptotic
#: MLSD credit, 3.06x with γ = 1 after Khairi's stated scope, 2.04x before it; 2.28x with the
#: rate's RX bandwidth before the survey-fitted ADC). It
#: did not close until the SI chain used 802.3dj's reference-receiver bandwidth at 106.25 GBd
#: (si.settings_for: f_r = 0.58 f_b, was 0.75 f_b): less noise bandwidth, the DSP family's reach at
#: 3 nm / BER 1e-4 went from 54.5 to 56.0 dB (docs/energy-model-log.md, §2 "Why the DSP receiver did
#: not close at 55 dB").
#: What the two headlines cover is not known (titles only); the model's own component sum at those
#: points (a 5 nm 112 GS/s ADC alone ≈ 0.84 pJ/b, Segal et al.) suggests they leave out the DSP
#: datapath: see the docs' held-out section.
#: E. Chong et al., VLSI 2026 C25.4 (3 nm, 224 Gb/s, RX only, 1.39 pJ/b, "long-reach") left this
#: list with g_DC2: 1.35x (analog) at the assumed 40 dB, 2.22x (DSP) before it.
KNOWN_OUTSIDE_GOAL = {"A. Mostafa et al., 5 nm 212.5G transceiver": 2.30,
                      "M. Gambhir et al., 3 nm 212.5G DSP transceiver": 3.72}
#: H/M held-out rows whose published loss no family of the shipped model closes (goal NOT met;
#: ratio NaN); none since the rate's reference receiver (Gambhir et al. moved to
#: KNOWN_OUTSIDE_GOAL). A model change that loses a row's closure must list it here.
KNOWN_NO_CLOSURE: tuple[str, ...] = ()
#: floating-point agreement of two arrangements of the same sum
REL_SAME_SUM = 1e-12
#: regression guard (model output, not a goal) for the 56G-class rows, which the 200G goal does not
#: judge: the shipped model gives (5 December 2026, after the refit with the CTLE's g_DC2 stage)
#: Pisati et al. 1.00x, Pfaff et al. 2019 TX 0.74x and RX 0.43x (2.35x under, the worst; 1.12 /
#: 0.87 / 0.46 with the fitted node exponent before that refit, 1.08 / 0.81 / 0.46 with γ = 1);
#: 2.5 leaves ~6 % for refits. The published pair differs
#: 2.43x at one node and rate (test_56g_published_spread), so no model of node, rate, loss and BER
#: is expected within 1.5x of every row of this class.
HELD_OUT_56G_GUARD = 2.5
#: published fact (abstracts): Pfaff et al. 2019 TX+RX (90 + 500 mW) over Pisati et al. (243 mW),
#: both 7 nm, 56 Gb/s PAM4, ADC-DSP: 590 / 243 = 2.43; the test states "at least 2x"
PUBLISHED_SPREAD_MIN = 2.0
#: published fact (Murmann's survey columns): Walden FOM of Pfaff 2019's ADC (150 mW, 28 GS/s,
#: SNDR 29.4 dB) over Pisati's (53.5 mW, 30 GS/s, SNDR 32 dB) = 4.05; stated as "at least 4x"
ADC_FOM_SPREAD_MIN = 4.0
#: walden_fom_j is stored rounded to 4 significant digits (coefficients.py); the survey law's
#: fitted FOM_W,ref agrees with it to that rounding
REL_FOM_ROUNDING = 1e-3


@pytest.fixture(scope="module")
def held():
    return holdout.predict_held_out()


def test_held_out_designs_are_not_in_the_fit():
    fitted = {(p.node_nm, p.bit_rate_gbps, p.energy_pj_per_bit) for p in calibration.CALIBRATION_POINTS}
    fitted_node_rate = {(p.node_nm, p.bit_rate_gbps) for p in calibration.CALIBRATION_POINTS}
    for d in holdout.HELD_OUT:
        assert (d.node_nm, d.bit_rate_gbps, d.energy_pj_per_bit) not in fitted, d.name
        if d.rate_class == "56G":  # no calibration design at 7 nm and 56 Gb/s at all
            assert (d.node_nm, d.bit_rate_gbps) not in fitted_node_rate, d.name
        lo, hi = holdout.RATE_CLASSES[d.rate_class]
        assert lo <= d.bit_rate_gbps <= hi and d.source and d.confidence in ("H", "M", "L"), d.name
    # the goal's class holds the 200G-class rows, and only those
    goal = [d for d in holdout.HELD_OUT if d.rate_class == holdout.GOAL_RATE_CLASS]
    assert goal and all(d.bit_rate_gbps >= 200.0 for d in goal)
    assert all(d.bit_rate_gbps < 200.0 for d in holdout.HELD_OUT if d not in goal)


def test_held_out_within_goal(held):
    """Predicted / published of every H/M held-out 200G-class design not in KNOWN_OUTSIDE_GOAL
    within 1.5x (measured: Pfaff et al. ISSCC 2024, 3 nm 224G 40 dB TX+RX, 3.0 pJ/b -> 1.01x, 1.39x
    before the CTLE's g_DC2; E. Chong et al. VLSI 2026, 3 nm 224G RX, 1.39 pJ/b -> 1.35x;
    J. Kim et al. ISSCC 2021, 10 nm 224G DAC TX, 1.7 pJ/b -> 0.95x); L rows only guarded."""
    for d, r in zip(held.designs, held.ratio, strict=True):
        if d.rate_class != holdout.GOAL_RATE_CLASS:
            continue  # another class: test_56g_rows_guarded
        if d.name in KNOWN_NO_CLOSURE:
            # regression guard of the shipped model's reach ceiling (labelled: model output);
            # when a model change closes this loss, move the row to KNOWN_OUTSIDE_GOAL or the goal
            assert not np.isfinite(r), (d.name, r)
            continue
        assert np.isfinite(r), d.name
        factor = max(r, 1.0 / r)
        if d.confidence in holdout.GOAL_CONFIDENCE and d.name not in KNOWN_OUTSIDE_GOAL:
            assert factor <= HELD_OUT_GOAL, (d.name, r)
        else:
            assert factor <= HELD_OUT_L_GUARD, (d.name, r)


def test_known_outside_goal_rows_exist():
    """Every KNOWN_OUTSIDE_GOAL / KNOWN_NO_CLOSURE entry is a held-out row of confidence H/M."""
    by_name = {d.name: d for d in holdout.HELD_OUT}
    for name in (*KNOWN_OUTSIDE_GOAL, *KNOWN_NO_CLOSURE):
        assert name in by_name, name
        assert by_name[name].confidence in holdout.GOAL_CONFIDENCE, name


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(
        strict=True, reason=f"issue 11 goal not met by the shipped model for {n!r} (see "
        "KNOWN_OUTSIDE_GOAL / KNOWN_NO_CLOSURE); strict, so this fails loudly once the model "
        "meets the goal and the entry can be removed"))
    for n in (*KNOWN_OUTSIDE_GOAL, *KNOWN_NO_CLOSURE)])
def test_known_miss_rows_meet_goal(held, name):
    """The 1.5x goal for the rows the shipped model misses -- expected to fail today."""
    d, r = next((d, r) for d, r in zip(held.designs, held.ratio, strict=True) if d.name == name)
    assert np.isfinite(r) and max(r, 1.0 / r) <= HELD_OUT_GOAL, (d.name, r)


def test_held_out_markdown_in_docs(held):
    """Regression guard: the docs tables are the generators' output."""
    doc = repo_text("docs/energy-model.md")
    for line in (holdout.markdown(held) + "\n" + holdout.spread_markdown(held) + "\n"
                 + holdout.sensitivity_markdown()).splitlines():
        if line and not line.startswith("|---"):
            assert line in doc, line


#: the 100G-class rows (XSR SerDes; not held to the 200G goal): the 3 nm one is checked against the
#: 1.5x criterion (its published 0.9 pJ/b is the reference; the current ratios, also at other BERs,
#: are the docs' and are recomputed by test_held_out_prose_figures_are_current); the 28 nm one is
#: over-predicted (its TX serializer and clocking at 56 GBd in 28 nm) and only guarded (model
#: output, not a goal)
HELD_OUT_100G_WITHIN_GOAL = ("A. Chowdhury et al., 3 nm 113G XSR SerDes",
                             "R. Yousry et al., 7 nm 112G XSR transceiver")
#: 3.0 until the 14 nm IBM receiver (Cevrero et al., 3.65x: the model's analog DFE at 16 nm and 50 GBd,
#: docs "Four more 100G-class rows") joined, 5 December 2026: a guard, not the goal
HELD_OUT_100G_GUARD = 4.0
#: the 100G-class receive rows and why each misses the 1.5x criterion (model output, measured 5 December
#: 2026 with the shipped coefficients, session 22: after the refit with Singh's DAC TX; a record of
#: the gap, the guard is HELD_OUT_100G_GUARD)
HELD_OUT_100G_MISSES = {"Y.-P. Lin et al., 28 nm 112G XSR transceiver": 2.23,
                        "C. F. Poon et al., 7 nm 112G in-package transceiver": 1.61,
                        "A. Cevrero et al. (IBM), 14 nm 100G receiver": 3.61}
#: the 100G-class transmitters (TX only, loss n/a -> 20 dB): the 14 nm IBM one within the 1.5x
#: criterion (measured 0.81x, 5 December 2026); the two 28 nm ones over-predicted 4.6x (K. Wang, analog
#: FFE) and 3.3x (Tsai, 7-bit DAC), by the model's 28 nm TX serializer (test below); guarded only
#: (model output, not a goal): the guard is the measured worst with room for a refit
HELD_OUT_100G_TX_WITHIN_GOAL = ("Z. Toprak-Deniz et al. (IBM), 14 nm 112G FFE TX",
                                "M. A. Kossel et al. (IBM), 7 nm 112G DAC TX")
HELD_OUT_100G_TX_GUARD = 6.0
#: the share of the model's TX energy in its serializer at the 28 nm rows: measured 0.96 (K. Wang) and
#: 0.91 (Tsai), 5 December 2026; the test asks for more than this
SERIALIZER_SHARE_28NM_MIN = 0.85
#: held-out rows whose published receiver is a family the model does not have (an analog RX FFE
#: without DFE at 28 nm / 56 GBd: B. Ye et al. 2022, abstract): the model prices them in the
#: nearest family that closes (dsp). name -> predicted / published measured with the shipped
#: coefficients (December 2026): a record of the gap, not a goal
OUTSIDE_THE_MODEL_FAMILIES = {"B. Ye et al., 28 nm 112G mixed-signal transceiver (RX analog FFE)": 6.77}
#: regression guard on those rows (model output, not a reference): the measured ratio may drift
#: with a refit by 20 % before the test asks for the docs to be re-read
OUTSIDE_FAMILY_REL_GUARD = 0.20


def test_100g_rows(held):
    rows = [(d, r, a) for d, r, a in zip(held.designs, held.ratio, held.architecture, strict=True)
            if d.rate_class == "100G" and d.receiver_family_modelled and d.scope != "tx"]
    assert {d.name for d, _, _ in rows} == set(HELD_OUT_100G_WITHIN_GOAL) | set(HELD_OUT_100G_MISSES)
    doc = repo_text("docs/energy-model.md", flat=True)
    for d, r, a in rows:
        assert d.channel_kind == "xsr" and a in ("linear", "analog"), (d.name, a)
        assert np.isfinite(r), d.name
        factor = max(r, 1.0 / r)
        bound = HELD_OUT_GOAL if d.name in HELD_OUT_100G_WITHIN_GOAL else HELD_OUT_100G_GUARD
        assert factor <= bound, (d.name, r)
        if d.name in HELD_OUT_100G_MISSES:
            assert factor > HELD_OUT_GOAL and math.isclose(r, HELD_OUT_100G_MISSES[d.name], abs_tol=0.005)
            assert f"{r:.2f}×" in doc, (d.name, r)


def test_100g_transmitters(held):
    """The four 100G-class TX-only rows: priced against the model's TX blocks; the 14 nm and the 7 nm
    DAC one within 1.5x, the 28 nm ones only guarded.  Why the 28 nm rows miss (docs, "Three 100G-class
    transmitters"): the model's 28 nm TX serializer alone exceeds each published TX total, and it is
    nearly all of the model's TX energy -- the node rule and the serializer's rate law, fitted with one
    28 nm design at 100 GBd (Z. Wang, calibration), price a 56 GBd 28 nm TX at about the same energy
    per bit as that 100 GBd one, while the published 28 nm TX energies differ 5x between the rates."""
    rows = [(d, p, r) for d, p, r in zip(held.designs, held.predicted_pj_per_bit, held.ratio, strict=True)
            if d.rate_class == "100G" and d.scope == "tx"]
    assert len(rows) == 4 and {d.name for d, _, _ in rows} >= set(HELD_OUT_100G_TX_WITHIN_GOAL)
    for d, _, r in rows:
        assert d.confidence in holdout.GOAL_CONFIDENCE and np.isfinite(r), d.name
        bound = HELD_OUT_GOAL if d.name in HELD_OUT_100G_TX_WITHIN_GOAL else HELD_OUT_100G_TX_GUARD
        assert max(r, 1.0 / r) <= bound, (d.name, r)
    priced = {d.name: holdout.price(d, DEFAULT_COEFFICIENTS) for d, _, _ in rows if d.node_nm == 28}
    doc = repo_text("docs/energy-model.md", flat=True)
    for d, p, r in rows:
        text = f"**{r:.2f}×**"
        if d.name in priced:
            b = priced[d.name]
            assert math.isclose(b.total_pj_per_bit, p, rel_tol=1e-12)
            assert r > HELD_OUT_GOAL, (d.name, r)
            ser = b.blocks["tx_serializer"]
            assert ser > d.energy_pj_per_bit, (d.name, b.blocks)
            assert ser / b.total_pj_per_bit > SERIALIZER_SHARE_28NM_MIN, (d.name, b.blocks)
            # regression guard for prose: the docs' figures of these rows are the shipped model's
            text = f"model {p:.2f} pJ/b, **{r:.2f}×**, of which the"
            assert f"serializer {ser:.2f} pJ/b" in doc, (d.name, ser)
        assert text in doc, (d.name, text)
    assert len(priced) == 2
    # the per-stream serializer energy (one stream's tx_serializer_w per symbol) and the rate-law
    # factor the docs quote at 28 nm, 56 and 100 GBd
    co, tech = DEFAULT_COEFFICIENTS, get_technology(28)
    per = [float(blocks.tx_serializer_w(1, f, tech, co)) / f * 1e12 for f in (56e9, 100e9)]
    fac = [blocks.serializer_speed_factor(f, tech, co) for f in (56e9, 100e9)]
    assert (f"it costs {per[0]:.2f} pJ at 56 GBd (rate law factor {fac[0]:.2f}) and {per[1]:.2f} pJ at "
            f"100 GBd ({fac[1]:.2f})") in doc, (per, fac)


def test_row_outside_the_model_families(held):
    """B. Ye et al.'s 28 nm 112G transceiver equalises with an analog 4-tap RX FFE and no DFE
    (abstract). The model's analog family cannot build a DFE at 28 nm / 56 GBd and its CTLE
    alone does not close 20.8 dB, so the model falls to the ADC-DSP family and over-predicts;
    the row's note says so. Guarded, labelled: a test that the reason stays the stated one."""
    assert {d.name for d in holdout.HELD_OUT if not d.receiver_family_modelled} == set(
        OUTSIDE_THE_MODEL_FAMILIES)
    for name, measured in OUTSIDE_THE_MODEL_FAMILIES.items():
        d, r, a = next((d, r, a) for d, r, a in zip(held.designs, held.ratio, held.architecture,
                                                     strict=True) if d.name == name)
        assert d.confidence in holdout.GOAL_CONFIDENCE and a == "dsp", (name, a)
        assert not d.receiver_family_modelled, name  # so it is out of the study's spread
        b = holdout.price(d, DEFAULT_COEFFICIENTS)
        assert b.family_pj_per_bit["analog"] is None and b.family_pj_per_bit["linear"] is None
        assert "cannot settle" in b.reasons["analog"], b.reasons["analog"]
        assert "no analog-FFE receiver family" in d.note
        assert math.isclose(r, measured, rel_tol=OUTSIDE_FAMILY_REL_GUARD), (name, r)


#: the 56G-class analog receiver checked against the 1.5x criterion (its published 1.41 pJ/b is
#: the reference; the ratios at the assumed BER 1e-4 and at 1e-6 are recomputed against the docs by
#: test_held_out_prose_figures_are_current)
HELD_OUT_56G_WITHIN_GOAL = ("B. Dehlaghi et al., 7 nm 56G analog receiver",)


def test_56g_analog_receiver(held):
    for name in HELD_OUT_56G_WITHIN_GOAL:
        d, r, a = next((d, r, a) for d, r, a in zip(held.designs, held.ratio, held.architecture,
                                                     strict=True) if d.name == name)
        assert d.scope == "rx" and a == "analog", (name, a)
        assert np.isfinite(r) and max(r, 1.0 / r) <= HELD_OUT_GOAL, (name, r)


def test_held_out_channel_kind_reaches_the_model(held):
    """The xsr rows are priced on the xsr channel: the host channel of the same loss (BGA packages)
    prices the 3 nm XSR SerDes differently (a dropped channel_kind would not be noticed otherwise)."""
    from sikernel.power import energy_per_bit

    d = next(d for d in holdout.HELD_OUT if d.name == HELD_OUT_100G_WITHIN_GOAL[0])
    p = next(p for x, p in zip(held.designs, held.predicted_pj_per_bit, strict=True) if x is d)
    kw = dict(loss_db=d.loss_db, baud=d.baud, node_nm=d.node_nm, target_ber=d.target_ber)
    assert math.isclose(p, energy_per_bit(channel_kind="xsr", **kw).total_pj_per_bit, rel_tol=1e-12)
    assert not math.isclose(p, energy_per_bit(channel_kind="host", **kw).total_pj_per_bit, rel_tol=1e-3)


def _class_56g(held):
    return [(d, p, r, a) for d, p, r, a in zip(held.designs, held.predicted_pj_per_bit, held.ratio,
                                               held.architecture, strict=True)
            if d.rate_class == "56G"]


def test_56g_rows_guarded(held):
    """The 56G rows close, in the family their titles state (ADC/DAC-based: "dsp"; "auto" would
    pick the analog family at 28 GBd), within the regression guard HELD_OUT_56G_GUARD."""
    adc_dsp = {n for ns in holdout.SPREAD_56G.values() for n in ns}
    rows = [row for row in _class_56g(held) if row[0].name in adc_dsp]
    assert len(rows) == 3
    for d, _, r, a in rows:
        assert d.architecture == "dsp" and a == d.architecture, (d.name, a)
        assert np.isfinite(r) and max(r, 1.0 / r) <= HELD_OUT_56G_GUARD, (d.name, r)


def test_56g_published_spread():
    """A fact about the published data, not the model: at 7 nm and 56 Gb/s, Pfaff et al. 2019's
    TX+RX (the sum of its TX and RX rows: 90 + 500 mW) is more than 2x Pisati et al.'s 243 mW."""
    by_name = {d.name: d for d in holdout.HELD_OUT}
    pfaff = [by_name["D. Pfaff et al., 7 nm 56G transceiver: TX"],
             by_name["D. Pfaff et al., 7 nm 56G transceiver: RX"]]
    pisati = by_name["M. Pisati et al., 7 nm 56G ADC/DAC transceiver"]
    assert {d.scope for d in pfaff} == {"tx", "rx"} and pisati.scope == "txrx"
    pfaff_mw = sum(d.energy_pj_per_bit * d.bit_rate_gbps for d in pfaff)
    pisati_mw = pisati.energy_pj_per_bit * pisati.bit_rate_gbps
    assert math.isclose(pfaff_mw, 590.0) and math.isclose(pisati_mw, 243.0)
    assert all(d.node_nm == 7 and d.bit_rate_gbps == 56.0 for d in (*pfaff, pisati))
    assert pfaff_mw / pisati_mw >= PUBLISHED_SPREAD_MIN
    # the same published figure is not counted twice: no Pfaff 2019 TX+RX row besides TX and RX
    assert not any(d.name.startswith("D. Pfaff et al., 7 nm") and d.scope == "txrx"
                   for d in holdout.HELD_OUT)


#: regression guard (model output, not a reference): the shipped model's per-bit energy of the
#: held-out 5 nm 212.5G transceiver (A. Mostafa et al.) over that of the calibration's 5 nm 112G
#: switch SerDes (Park), each at its own rate, loss and BER (measured December 2026 with the CTLE's
#: g_DC2 stage and its refit: 5.070 / 3.698 = 1.371; 5.618 / 3.736 = 1.504 before); relative
#: tolerance: the ratio is deterministic, 1 % only absorbs rounding
PARK_MOSTAFA_MODEL_RATIO = 1.371
REL_PAIR_GUARD = 0.01


def test_same_node_pair_bounds_the_goal(held):
    """Why Mostafa et al. is outside the goal: a bound from two published figures at one node.

    Published (not sikernel): Park's 5 nm 112 Gb/s switch SerDes spends 4.63 pJ/b (calibration row,
    36.19 dB die to die), Mostafa et al.'s 5 nm 212.5 Gb/s transceiver 2.2 pJ/b at > 46 dB (held
    out). Both within the 1.5x goal requires the model to price Mostafa's lane per bit at most
    1.5² x 2.2 / 4.63 = 1.07 times Park's, at twice the symbol rate and 10 dB more loss. The shipped
    model gives 1.37 (regression guard); a model above the bound cannot meet the goal on both, so
    the row must be listed in KNOWN_OUTSIDE_GOAL (and its strict xfail keeps the goal visible)."""
    park = next(p for p in calibration.CALIBRATION_POINTS if p.name.startswith("Park"))
    name = "A. Mostafa et al., 5 nm 212.5G transceiver"
    i = [d.name for d in held.designs].index(name)
    mostafa = held.designs[i]
    # the published facts the bound rests on
    assert park.node_nm == mostafa.node_nm == 5
    assert (park.energy_pj_per_bit, mostafa.energy_pj_per_bit) == (4.63, 2.2)
    assert mostafa.bit_rate_gbps > 1.8 * park.bit_rate_gbps and mostafa.loss_db > park.loss_db
    assert park.scope == mostafa.scope == "txrx"
    bound = HELD_OUT_GOAL**2 * mostafa.energy_pj_per_bit / park.energy_pj_per_bit
    assert math.isclose(bound, 1.069, abs_tol=5e-4)
    # the model's ratio at the two rows' own conditions (shipped coefficients)
    e_park, fam = calibration.predict(park, DEFAULT_COEFFICIENTS)
    ratio = float(held.predicted_pj_per_bit[i]) / e_park
    assert fam == "dsp" and math.isclose(ratio, PARK_MOSTAFA_MODEL_RATIO, rel_tol=REL_PAIR_GUARD)
    if ratio > bound:
        assert name in KNOWN_OUTSIDE_GOAL


def test_56g_spread_summary(held):
    """spread_56g: sums of the rows; the TX and RX rows of Pfaff 2019 add up to the model's TX+RX
    at the same point (scopes partition the lane); best_common_factor is the minimax common scale
    found by brute force over a fine grid."""
    from sikernel.power.api import energy_per_bit

    sp = holdout.spread_56g(held)
    assert math.isclose(sp.published_spread, 590.0 / 243.0, rel_tol=REL_SAME_SUM)
    tx = next(d for d in holdout.HELD_OUT if d.name == "D. Pfaff et al., 7 nm 56G transceiver: TX")
    whole = energy_per_bit(loss_db=tx.loss_db, baud=tx.baud, node_nm=tx.node_nm,
                           target_ber=tx.target_ber, architecture="dsp", scope="txrx")
    i = sp.labels.index("D. Pfaff et al. (VLSI 2019)")
    assert math.isclose(sp.predicted_pj_per_bit[i], whole.total_pj_per_bit, rel_tol=1e-9)
    k = np.exp(np.linspace(-3.0, 3.0, 600001))
    worst = np.max(np.abs(np.log(k[:, None] * sp.predicted_pj_per_bit[None, :]
                                 / sp.published_pj_per_bit[None, :])), axis=1)
    assert math.isclose(sp.best_common_factor, float(np.exp(worst.min())), rel_tol=1e-4)


def test_56g_prose_figures_are_current(held):
    """Regression guard for prose (docs/energy-model.md, "Two 7 nm 56G ADC-DSP transceivers"): the
    figures typed in its paragraphs are the shipped model's, rounded as typed (they went stale once,
    a refit after they were written), and the guard constant the held-out intro names is the test's."""
    import dataclasses

    doc = repo_text("docs/energy-model.md", flat=True)
    sp = holdout.spread_56g(held)
    r = {d.name: x for d, x in zip(held.designs, held.ratio, strict=True)}
    pisati = next(d for d in holdout.HELD_OUT if d.name.startswith("M. Pisati"))
    pfaff_rx = next(d for d in holdout.HELD_OUT if d.name == "D. Pfaff et al., 7 nm 56G transceiver: RX")
    auto = [holdout.price(dataclasses.replace(d, architecture="auto"), DEFAULT_COEFFICIENTS)
            for d in (pisati, pfaff_rx)]
    assert [e.architecture for e in auto] == ["analog", "analog"]
    by_ber = [holdout.price(dataclasses.replace(pisati, target_ber=b), DEFAULT_COEFFICIENTS).total_pj_per_bit
              / pisati.energy_pj_per_bit for b in (2.4e-4, 1e-4, 1e-5, 1e-6)]
    adc = {a["label"].split()[1]: a for a in holdout.adc_check_56g()}
    pis_adc, pf_adc = adc["Pisati"], adc["Pfaff"]
    phrases = [
        f"{auto[0].total_pj_per_bit:.2f} pJ/b for Pisati "
        f"({auto[0].total_pj_per_bit / pisati.energy_pj_per_bit:.2f}×)",
        f"{auto[1].total_pj_per_bit:.2f} pJ/b for the Pfaff RX "
        f"({auto[1].total_pj_per_bit / pfaff_rx.energy_pj_per_bit:.2f}×)",
        f"two differences into {sp.predicted_spread:.2f}× in the same direction. The remaining factor of "
        f"about {sp.published_spread / sp.predicted_spread:.1f} is design",
        f"leave both designs {sp.best_common_factor:.2f}× off",
        f"Pisati is at {r[pisati.name]:.2f}× and Pfaff's TX+RX at "
        f"{sp.predicted_pj_per_bit[1] / sp.published_pj_per_bit[1]:.2f}× (TX row "
        f"{r['D. Pfaff et al., 7 nm 56G transceiver: TX']:.2f}×, RX row {r[pfaff_rx.name]:.2f}×",
        f"Pisati's ratio is {by_ber[0]:.2f}× at 802.3cd's BER of 2.4e-4, {by_ber[1]:.2f}× at 1e-4, "
        f"{by_ber[2]:.2f}× at 1e-5 and {by_ber[3]:.2f}× at 1e-6",
        f"moves the row by at most {max(by_ber) - min(by_ber):.2f}",
        f"({pis_adc['own_enob']:.2f} and {pf_adc['own_enob']:.2f} b). That gives "
        f"{pis_adc['own_w'] * 1e3:.1f} mW ({pis_adc['own_w'] / pis_adc['published_w']:.2f}× Pisati's",
        f"{pf_adc['own_w'] * 1e3:.1f} mW ({pf_adc['own_w'] / pf_adc['published_w']:.2f}× of Pfaff's",
        f"guarded at `HELD_OUT_L_GUARD` = {HELD_OUT_L_GUARD:g}×",
    ]
    missing = [p for p in phrases if p not in doc]
    assert not missing, missing
    # the prose's qualitative claims
    assert max(max(x, 1 / x) for x in by_ber) <= HELD_OUT_GOAL          # "within 1.5× at every BER"
    assert sp.best_common_factor < HELD_OUT_GOAL                         # "just inside 1.5×"


def test_56g_adc_check():
    """The model's ADC block at each 56G ADC's survey point is the survey law (both ADCs are
    ``fit`` rows of that law: an in-sample check); the published FOMs of the two 7 nm ADCs differ
    more than 4x (data), so one law is off by at least 2x on one of them."""
    from sikernel.power import adc_survey

    checks = holdout.adc_check_56g()
    assert len(checks) == 2 and all(a["use"] == "fit" for a in checks)
    law = adc_survey.fit()
    for a in checks:
        row = adc_survey.row_by_doi(holdout.SPREAD_56G_ADC_DOI[a["label"]])
        law_w = adc_survey.predict_j(law, [row])[0] * 2.0**row.enob * row.fs_hz
        assert math.isclose(a["model_w"], law_w, rel_tol=REL_FOM_ROUNDING), a["label"]
    foms = [a["published_w"] / (2.0 ** a["enob"] * a["fs_hz"]) for a in checks]
    assert max(foms) / min(foms) >= ADC_FOM_SPREAD_MIN
    worst = max(max(a["ratio"], 1.0 / a["ratio"]) for a in checks)
    assert worst >= math.sqrt(ADC_FOM_SPREAD_MIN) * 0.99  # rate factor of the law: 28 vs 30 GS/s


@pytest.mark.parametrize("kw,match", [
    ({"architecture": "adc"}, "architecture"),
    ({"rate_class": "400G"}, "rate_class"),
    ({"rate_class": "100G"}, "outside rate class"),
    ({"channel_kind": "board"}, "channel_kind"),
    ({"scope": "both"}, "scope"),
    ({"rate_class": "200G"}, "outside rate class"),
])
def test_held_out_design_bad_input(kw, match):
    base = dict(name="x", node_nm=7, bit_rate_gbps=56.0, modulation="pam4", loss_db=30.0,
                energy_pj_per_bit=4.0, source="s", confidence="H", note="n", rate_class="56G")
    with pytest.raises(SIKernelError, match=match):
        holdout.HeldOutDesign(**{**base, **kw})


def _direct_speed_factor(baud, tech, co):
    """The mean of m / (m - t_FO4 f_baud / 2^k) over the stages, written out for whole stages
    plus the fractional last one."""
    m = co.bw_extension
    s = max(1.0, math.log2(baud / co.parallel_clock_hz))
    t = co.t_fo4_s * tech.delay_scale * baud
    whole = math.floor(s)
    terms = [m / (m - t / 2**k) for k in range(whole)]
    frac = s - whole
    total = sum(terms) + (frac * m / (m - t / 2**whole) if frac > 1e-12 else 0.0)
    return total / s


@pytest.mark.parametrize("node,baud", [(3, 112e9), (5, 53.125e9), (28, 100e9), (32, 12e9), (7, 4e9)])
def test_serializer_speed_factor_is_the_per_stage_mean(node, baud):
    tech = get_technology(node)
    co = DEFAULT_COEFFICIENTS
    got = blocks.serializer_speed_factor(baud, tech, co)
    assert math.isclose(got, _direct_speed_factor(baud, tech, co), rel_tol=REL_SAME_SUM)
    # each stage is at least its C V² floor; only the last stage carries the full-rate factor
    full = co.bw_extension / (co.bw_extension - co.t_fo4_s * tech.delay_scale * baud)
    assert 1.0 <= got <= full


def test_serializer_unreachable_rate_is_inf():
    co = DEFAULT_COEFFICIENTS
    tech = get_technology(28)
    baud = 1.01 * co.bw_extension / (co.t_fo4_s * tech.delay_scale)
    assert math.isinf(blocks.serializer_speed_factor(baud, tech, co))
    assert np.isinf(blocks.tx_serializer_w(4.0, baud, tech, co))


def test_stated_supply_scales_digital_energy_by_v_squared():
    t5 = get_technology(5)
    t = t5.at_supply(0.95)
    assert math.isclose(t.energy_scale / t5.energy_scale, (0.95 / t5.vdd_core_v) ** 2, rel_tol=1e-12)
    assert t.delay_scale == t5.delay_scale and t.f_t_hz == t5.f_t_hz
    co = DEFAULT_COEFFICIENTS
    ratio = blocks.tx_serializer_w(7.0, 72e9, t, co) / blocks.tx_serializer_w(7.0, 72e9, t5, co)
    # the node trend is s_E^γ (blocks.digital_scale), but a stated supply moves C·V² by V² (γ is
    # not applied to it)
    assert math.isclose(float(ratio), (0.95 / 0.70) ** 2, rel_tol=1e-12)
    for bad in (0.0, -1.0, float("nan"), 9.0):
        with pytest.raises(SIKernelError, match="vdd_digital_v"):
            t5.at_supply(bad)


def test_dickson_uses_its_published_operating_point():
    """VLSI 2022 (IBM research page): 8 bit DAC, 288 mW from 0.95 V; the prediction at the
    node's nominal 0.70 V and the default 7 bits is lower (fewer streams, lower C V²)."""
    p = next(p for p in calibration.CALIBRATION_POINTS if p.name.startswith("Dickson"))
    assert p.vdd_digital_v == 0.95 and p.tx_dac_bits == 8
    nominal = calibration.CalibrationPoint(**{**vars(p), "vdd_digital_v": None, "tx_dac_bits": None})
    e_pub, _ = calibration.predict(p, DEFAULT_COEFFICIENTS)
    e_nom, _ = calibration.predict(nominal, DEFAULT_COEFFICIENTS)
    assert e_pub > 1.5 * e_nom




def test_readme_held_out_figures_are_current(held):
    """Regression guard for prose: the held-out and 56G ratios the README's limits section types
    are the shipped model's (rounded as typed; whitespace of the wrapped lines normalised)."""
    readme = repo_text("README.md", flat=True)
    r = {holdout.first_author(d.name): x
         for d, x in zip(held.designs, held.ratio, strict=True) if d.rate_class != "56G"}
    r56 = {d.name: x for d, x in zip(held.designs, held.ratio, strict=True) if d.rate_class == "56G"}
    sp = holdout.spread_56g(held)
    pisati, pfaff = (q / p for p, q in zip(sp.published_pj_per_bit, sp.predicted_pj_per_bit,
                                           strict=True))
    phrases = [
        f"Pfaff (ISSCC 2024, 3 nm, 224G, 40 dB) {r['Pfaff']:.2f}×",
        f"(Chong, VLSI 2026, RX only, loss assumed 40 dB) {r['Chong']:.2f}×",
        f"Mostafa (ISSCC 2025, 5 nm, 212.5G, > 46 dB) {r['Mostafa']:.2f}×",
        f"Gambhir (VLSI 2026, 3 nm, 212.5G, 55 dB) {r['Gambhir']:.2f}×",
        f"an Intel 10 nm 224G DAC TX {r['Kim']:.2f}×",
        f"3 nm (Chowdhury, VLSI 2024) {r['Chowdhury']:.2f}×",
        f"28 nm (Lin, ISSCC 2024) {r['Lin']:.2f}×",
        f"7 nm (Yousry) {r['Yousry']:.2f}× and (Poon) {r['Poon']:.2f}×",
        f"a 14 nm receiver (Cevrero, IBM) {r['Cevrero']:.2f}×",
        f"a 7 nm DAC TX (Kossel, IBM) {r['Kossel']:.2f}×",
        f"14 nm (IBM, JSSC 2020) {r['Toprak-Deniz']:.2f}×",
        f"an analog FFE TX (K. Wang, TCSI 2025) {r['Wang']:.2f}×",
        f"a DAC TX (Tsai, ISSCC 2026) {r['Tsai']:.2f}×",
        f"(Dehlaghi, ISSCC 2019) {r56['B. Dehlaghi et al., 7 nm 56G analog receiver']:.2f}×",
        f"(B. Ye 2022), a family the model does not have, {r['Ye']:.1f}×",
        f"(model: {pisati:.2f}× and {pfaff:.2f}×)",
    ]
    # the leave-one-out miss, the fitted node exponent and the rows priced without their datapath
    from sikernel.power import _calibrated
    from sikernel.power.datapath_checks import without_dsp_datapath

    loo = dict(zip(_calibrated.LOO_NAMES, _calibrated.LOO_LOG_RATIO, strict=True))
    nd = {holdout.first_author(x["name"]): x["ratio_without_datapath"]
          for x in without_dsp_datapath()}
    phrases += [
        f"Singh's 35 dB analog link at {math.exp(loo['Singh (Broadcom) analog']):.2f}×",
        f"(γ = {DEFAULT_COEFFICIENTS.node_energy_exponent:.2f} on CPP·V_dd²",
        f"(Mostafa, Gambhir) are {nd['Mostafa']:.2f}× and {nd['Gambhir']:.2f}×",
    ]
    missing = [p for p in phrases if p not in readme]
    assert not missing, missing
    n_xsr = sum(d.rate_class == "100G" and d.channel_kind == "xsr" and d.scope == "txrx"
                for d in held.designs)
    n_tx = sum(d.rate_class == "100G" and d.scope == "tx" for d in held.designs)
    words = {2: "two", 3: "three", 4: "four", 5: "five"}
    assert f"At 100G/lane {words[n_xsr]} held-out XSR / in-package SerDes" in readme, n_xsr
    assert f"{words[n_tx]} 112G transmitters" in readme, n_tx
    # the same ratios where docs/energy-model.md types them ("The gap to the 1.5× goal")
    doc = repo_text("docs/energy-model.md", flat=True)
    both = f"{r['Mostafa']:.2f}× / {r['Gambhir']:.2f}×"
    for phrase in (f"Mostafa {r['Mostafa']:.2f}×, Gambhir {r['Gambhir']:.2f}×",
                   f"| Singh's calibration row with its published 7-bit DAC TX (leave-one-out 15 → 16 of "
                   f"16) | yes | **{both}** (shipped) |"):
        assert phrase in doc, phrase


def test_four_more_100g_rows_figures(held):
    """docs "Four more 100G-class rows": every typed figure is the shipped model's (a regression guard
    of model output; the published figures are the rows' own)."""
    from dataclasses import replace

    doc = repo_text("docs/energy-model.md", flat=True)
    by = {d.name: (d, p, r) for d, p, r in zip(held.designs, held.predicted_pj_per_bit, held.ratio,
                                                  strict=True)}
    _, _, r_yousry = by["R. Yousry et al., 7 nm 112G XSR transceiver"]
    poon, _, r_poon = by["C. F. Poon et al., 7 nm 112G in-package transceiver"]
    cev, p_cev, r_cev = by["A. Cevrero et al. (IBM), 14 nm 100G receiver"]
    _, _, r_kossel = by["M. A. Kossel et al. (IBM), 7 nm 112G DAC TX"]
    co = DEFAULT_COEFFICIENTS
    at5 = holdout.price(replace(poon, loss_db=5.0), co).total_pj_per_bit / poon.energy_pj_per_bit
    at6 = holdout.price(replace(poon, target_ber=1e-6), co).total_pj_per_bit / poon.energy_pj_per_bit
    b = holdout.price(cev, co)
    host = holdout.price(replace(cev, channel_kind="host"), co)
    assert host.architecture == "dsp" and b.architecture == "analog"
    phrases = [f"XSR conventions: 10 dB on the xsr channel, BER 1e-6): **{r_yousry:.2f}×**",
               f"**{r_poon:.2f}×** at the stated 1e-12", f"at 5 dB the model gives {at5:.2f}×",
               f"at the calibration's XSR BER (1e-6) {at6:.2f}×",
               f"model {p_cev:.2f} pJ/b, **{r_cev:.2f}×**, of which the DFE slicers "
               f"{b.blocks['slicers_dfe']:.2f} pJ/b (a {b.eq_settings['dfe_taps']}-tap",
               f"needs its DSP family at 1e-12 and is {host.total_pj_per_bit / cev.energy_pj_per_bit:.0f}× "
               "over",
               f"**{r_kossel:.2f}×**, within 1.5×",
               f"bracket the model ({r_yousry:.2f}× and {r_poon:.2f}×)"]
    missing = [t for t in phrases if t not in doc]
    assert not missing, missing
    # "the 100G-class rows at <= 7 nm are now within 0.80-1.64x"
    small = [r for d, _, r in by.values() if d.rate_class == "100G" and d.node_nm <= 7
             and d.receiver_family_modelled]
    assert f"rows at ≤ 7 nm are now within {min(small):.2f}–{max(small):.2f}×" in doc, small


def _priced(name_part: str, **changes):
    d = next(d for d in holdout.HELD_OUT if name_part in d.name)
    d = dataclasses.replace(d, **changes) if changes else d
    b = holdout.price(d, DEFAULT_COEFFICIENTS)
    return b, b.total_pj_per_bit / d.energy_pj_per_bit


def test_held_out_prose_figures_are_current():
    """Regression guard (model output): the figures the docs type about single held-out rows
    (Chowdhury, B. Ye, Dehlaghi: pJ/b, ratio, block shares, other BERs or channels) are those the
    shipped model gives; a refit that moves them makes the prose be re-read."""
    doc = repo_text("docs/energy-model.md", flat=True)
    b, r = _priced("Chowdhury")
    r9 = _priced("Chowdhury", target_ber=1e-9)[1]
    b4, r4 = _priced("Chowdhury", target_ber=1e-4)
    k = b.blocks
    assert b.architecture == "analog" and b4.architecture == "analog" and b4.eq_settings["dfe_taps"] == 0
    assert (f"0.9 pJ/b (TX+RX): {b.total_pj_per_bit:.2f} pJ/b, {r:.2f}×** (analog family: TX "
            f"serializer {k['tx_serializer']:.2f}, AFE {k['rx_afe']:.2f}, clocking "
            f"{k['clocking_pll']:.2f} pJ/b). {r9:.2f}× at BER 1e-9, {r4:.2f}× at 1e-4, with a "
            "CTLE-only retimed receiver") in doc
    b, _ = _priced("Poon")     # its row's assumptions name the receiver the model builds
    words = {1: "one", 2: "two", 4: "four", 8: "eight", 12: "twelve"}
    poon = next(d for d in holdout.HELD_OUT if "Poon" in d.name)
    assert b.architecture == "analog" and f"auto: analog with {words[b.eq_settings['dfe_taps']]} DFE taps" \
        in poon.note
    b, r = _priced("B. Ye")
    k = b.blocks
    assert (f"2.29 pJ/b TX+RX: {b.total_pj_per_bit:.2f} pJ/b, {r:.2f}×.**") in doc
    assert (f"(a {b.eq_settings['adc_enob']:g} b ADC {k['adc']:.2f}, a {b.eq_settings['rx_ffe_taps']}-tap "
            f"FFE datapath {k['dsp_ffe']:.2f} pJ/b) and adds its 28 nm TX serializer "
            f"({k['tx_serializer']:.2f} pJ/b") in doc
    assert "cap the post-EQ SNR at 11.5 dB" in b.reasons["analog"]
    assert "the CTLE alone caps the post-EQ SNR at 11.5 dB" in doc
    bx, rx = _priced("B. Ye", channel_kind="xsr")
    assert bx.architecture == "dsp"
    assert f"the bare line prices the row at {rx:.2f}× (still dsp" in doc
    b, r = _priced("Dehlaghi")
    r6 = _priced("Dehlaghi", target_ber=1e-6)[1]
    k = b.blocks
    assert (f"1.41 pJ/b RX only: {b.total_pj_per_bit:.2f} pJ/b, {r:.2f}×** (analog family with one DFE "
            f"tap: AFE {k['rx_afe']:.2f}, slicers {k['slicers_dfe']:.2f}, clocking "
            f"{k['clocking_pll']:.2f} pJ/b; {r6:.2f}× at BER 1e-6") in doc


def test_tx_kind_sensitivity_typed_bound_is_current(held):
    """Regression guard: the docs' "the TX kind hardly matters (≤ x in the ratio)" holds the largest
    change of a 200G-class TX+RX/RX row's ratio when its TX is a DAC one (sensitivity table)."""
    diffs = []
    for d, r in zip(held.designs, held.ratio, strict=True):
        if d.rate_class != holdout.GOAL_RATE_CLASS or d.scope == "tx" or not np.isfinite(r):
            continue
        r_dac = _priced(d.name, tx_architecture="dac")[1]
        diffs.append(abs(round(r_dac, 2) - round(r, 2)))   # as the table prints them
    bound = f"hardly matters (≤ {max(diffs):.2f} in the ratio)"
    assert bound in repo_text("docs/energy-model.md", flat=True), bound


def test_lin_row_in_the_dsp_family_typed_ratio_is_current():
    """Regression guard: the docs' ratio of the 28 nm XSR row (Lin) priced in the ADC-DSP family."""
    b, r = _priced("Y.-P. Lin", architecture="dsp")
    assert b.architecture == "dsp"
    text = f"not the title's 2–3 bit converters) it is {r:.1f}×."
    assert text in repo_text("docs/energy-model.md", flat=True), text


def test_same_authors_and_other_teams_figures_are_current(held):
    """Regression guard (model output): the docs' paragraph on the Mostafa/Gambhir authors' XSR
    designs (Gangasani left out, Chowdhury held out) and the out-of-sample 200G-class rows of other
    teams (Pfaff, Chong, J. Kim held out; J. Q. Wang and Cusmai's PAM4 mode left out): their
    range and geometric mean are those of the shipped model."""
    from sikernel.power import _calibrated

    doc = repo_text("docs/energy-model.md", flat=True)
    ratio = dict(zip((d.name for d in held.designs), held.ratio, strict=True))
    loo = dict(zip(_calibrated.LOO_NAMES, np.exp(_calibrated.LOO_LOG_RATIO), strict=True))

    def one(part: str, table: dict) -> float:
        (r,) = [v for k, v in table.items() if part in k]
        return float(r)

    assert f"5 nm 113G chiplet (SSC-L 2025; {one('Gangasani', loo):.2f}× when left out)" in doc
    assert f"K. Chang the last author of both it and Mostafa's; {one('Chowdhury', ratio):.2f}×)" in doc
    others = [one("Pfaff et al., 3 nm", ratio), one("Chong", ratio), one("J. Kim", ratio),
              one("J. Q. Wang", loo), one("Cusmai DAC TX, PAM4", loo)]
    gm = float(np.exp(np.mean(np.log(others))))
    assert (f"from other teams, lie at {min(others):.2f}–{max(others):.2f}× (Pfaff, Chong, J. Kim held "
            f"out; J. Q. Wang and Cusmai's PAM4 mode left out): geometric mean {gm:.2f}×") in doc
