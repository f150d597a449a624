"""Analog DFE feedback timing and the TX FFE subsets of the energy model's SI chain.

* The loop-unrolled DFE's one-UI selection loop (slicer + L:1 mux, Bulzacchelli, IEEE SSC
  Magazine 7(4), 2015) priced with the TX serializer's self-loading law: checked against the
  closed form written out by hand from the node presets, and its consequences for the receiver
  family (a 12 nm 224G PAM4 receiver cannot close a DFE loop: B. Ye's 12 nm 224G RX is built
  from CTLE slices).
* The TX FFE subsets: the budget, not COM's FOM, decides whether a TX tap is worth its
  serializer streams -- a 1 dB link needs none.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel import SIKernelError
from sikernel.power import blocks, energy_per_bit, si
from sikernel.power.coefficients import EnergyCoefficients
from sikernel.power.technology import get_technology

from .conftest import repo_text

CO = EnergyCoefficients()
# closed form against the code: the same arithmetic in another order
REL_CLOSED_FORM = 1e-12


def _t_fo4_s(node_nm: float) -> float:
    # rule (2) of technology.py written out: t_FO4 ∝ CPP · V_dd, 6 ps at 7 nm (CPP 57 nm, 0.75 V)
    cpp_vdd = {3: 48 * 0.65, 5: 51 * 0.70, 7: 57 * 0.75, 12: 90 * 0.80, 28: 117 * 0.90}[node_nm]
    return CO.t_fo4_s * cpp_vdd / (57 * 0.75)


@pytest.mark.parametrize("node,baud,levels,stages", [
    (3, 106.25e9, 4, 3), (5, 106.25e9, 4, 3), (5, 53.125e9, 4, 3), (7, 53.125e9, 4, 3),
    (28, 28e9, 2, 2), (3, 106.25e9, 2, 2)])
def test_loop_factor_closed_form(node, baud, levels, stages):
    assert blocks.dfe_loop_stages(levels) == stages
    m = CO.bw_extension
    want = m / (m - stages * _t_fo4_s(node) * baud)
    got = blocks.dfe_timing_factor(levels, baud, get_technology(node), CO)
    assert want > 1
    assert got == pytest.approx(want, rel=REL_CLOSED_FORM)


def test_loop_cannot_close_when_the_stages_exceed_the_ui():
    # 12 nm, 112 GBd PAM4: 3 stages x 10.1 ps = 30 ps > m x UI = 17.9 ps
    tech = get_technology(12)
    assert 3 * _t_fo4_s(12) * 112e9 > CO.bw_extension
    assert blocks.dfe_timing_factor(4, 112e9, tech, CO) == math.inf
    assert np.isinf(blocks.analog_dfe_w(1, 4, 112e9, tech, CO))
    assert blocks.analog_dfe_w(0, 4, 112e9, tech, CO) == 0.0  # no DFE, nothing to close


@given(baud=st.floats(1e9, 150e9), step=st.floats(1.01, 1.5))
def test_loop_factor_rises_with_rate_and_falls_with_faster_nodes(baud, step):
    for node in (3, 5, 7):
        f1 = blocks.dfe_timing_factor(4, baud, get_technology(node), CO)
        f2 = blocks.dfe_timing_factor(4, baud * step, get_technology(node), CO)
        assert f1 >= 1.0
        assert f2 > f1 or math.isinf(f1)
    f3 = blocks.dfe_timing_factor(4, baud, get_technology(3), CO)
    f7 = blocks.dfe_timing_factor(4, baud, get_technology(7), CO)
    assert f3 < f7 or math.isinf(f7)


def test_dfe_power_closed_form_with_tap_timing():
    # PAM4, 4 taps, 5 nm, 53.125 GBd: L(L-1) F1 - (L-1) slicer-equivalents + Σ_k=2..4 F_k taps
    tech, baud, lv = get_technology(5), 53.125e9, 4
    m, t = CO.bw_extension, _t_fo4_s(5)
    f1 = m / (m - 3 * t * baud)
    taps = sum(m / (m - 2 * t * baud / k) for k in (2, 3, 4))
    want = (lv * (lv - 1) * f1 - (lv - 1)) * CO.e_slicer_j + taps * CO.e_dfe_tap_j
    want *= tech.energy_scale ** CO.node_energy_exponent * baud  # blocks.digital_scale
    assert float(blocks.analog_dfe_w(4, lv, baud, tech, CO)) == pytest.approx(want, rel=REL_CLOSED_FORM)


def test_224g_in_12nm_analog_receiver_runs_without_dfe():
    # the DFE configurations do not close; the CTLE-only (retimed) receiver does on an XSR channel
    e = energy_per_bit(loss_db=10.0, baud=112e9, node_nm=12, architecture="analog",
                       channel_kind="xsr", target_ber=1e-6)
    assert e.eq_settings["dfe_taps"] == 0


def test_dfe_timing_reason_is_reported():
    # 12 nm, 112 GBd, a host channel no CTLE-only receiver closes: the analog family fails on timing
    with pytest.raises(SIKernelError, match="one-UI selection loop"):
        energy_per_bit(loss_db=30.0, baud=112e9, node_nm=12, architecture="analog")


def test_dfe_still_chosen_where_its_loop_closes():
    # 5 nm, 53.125 GBd over a 30 dB channel: the analog receiver keeps its DFE (factor 1.7)
    e = energy_per_bit(loss_db=30.0, baud=53.125e9, node_nm=5, architecture="analog")
    assert e.eq_settings["dfe_taps"] >= 1


# ---- TX FFE subsets (search flaw: COM's FOM optimum keeps TX taps a short link does not need)

def test_tx_subsets_hold_only_their_taps():
    for name, active in si.TX_SUBSETS:
        offs, grid = si.tx_grid(active)
        for j, o in enumerate(offs):
            if o != 0 and o not in active:
                assert np.all(grid[:, j] == 0.0), name
        assert np.allclose(np.abs(grid).sum(axis=1), 1.0)
    assert si.tx_grid(())[1].shape[0] == 1  # "off": the main cursor alone


def test_short_link_switches_the_tx_ffe_off():
    # IBM 32 nm, 12 Gb/s NRZ, 0.75 in (1 dB): the cheapest closing design has no TX FFE tap
    e = energy_per_bit(loss_db=1.0, baud=12e9, modulation="nrz", node_nm=32, target_ber=1e-12,
                       clocking="forwarded")
    assert e.eq_settings["tx_ffe_taps"] == 1


def test_subsets_never_cost_more_than_the_full_grid(monkeypatch):
    # the same channel through the exact SI path with only the full grid offered: the energy with
    # the subsets is at most that (they add candidates), strictly less on a 1 dB link
    from sikernel.power.table import synthetic_channel

    ch = synthetic_channel(1.0, 12e9)
    kw = {"baud": 12e9, "modulation": "nrz", "node_nm": 32, "target_ber": 1e-12, "clocking": "forwarded"}
    with_subsets = energy_per_bit(channel=ch, **kw).total_pj_per_bit
    monkeypatch.setattr(si, "TX_SUBSETS", (si.TX_SUBSETS[0],))
    full_only = energy_per_bit(channel=ch, **kw)
    assert full_only.eq_settings["tx_ffe_taps"] > 1
    assert with_subsets < full_only.total_pj_per_bit


def test_subset_names_follow_the_op_table_layout(monkeypatch):
    # record the subset each slicer-receiver column was searched with, in op_table's own order,
    # and compare with the names inferred from the layout (used for the tables, which do not
    # store it); the retimed copies keep their linear column's subset
    from sikernel.power import budget
    from sikernel.power.table import synthetic_channel

    ch = synthetic_channel(10.0, 53.125e9)
    ps = si.pulse_set(ch.f, ch.s21, 53.125e9, 4)
    names_by_active = {active: name for name, active in si.TX_SUBSETS}
    calls = []
    real = si._grid_family_subsets

    def spy(ps_, n_dfe, s_, subsets):
        calls.extend(names_by_active[a] if a is not None else None for a in subsets)
        return real(ps_, n_dfe, s_, subsets)

    monkeypatch.setattr(si, "_grid_family_subsets", spy)
    op = si.op_table(ps, families=("linear", "analog"))
    assert si.tx_subset_names(op.family, op.dfe_taps) == calls
    ext = budget.with_retimed_ctle_only(op)
    names = si.tx_subset_names(ext.family, ext.dfe_taps)
    assert names[len(calls):] == calls[:len(si.TX_SUBSETS)]  # the linear columns' subsets
    for name, n_tx in zip(names, ext.tx_taps.tolist(), strict=True):
        assert n_tx <= 1 + len(dict(si.TX_SUBSETS)[name])


def test_breakdown_names_its_tx_subset():
    e = energy_per_bit(loss_db=1.0, baud=12e9, modulation="nrz", node_nm=32, target_ber=1e-12,
                       clocking="forwarded")
    assert e.eq_settings["tx_ffe_subset"] == "off"


def test_typed_loop_factors_are_current():
    """Regression guard for prose: the loop factors the docs and the ``dfe_timing_factor`` docstring
    quote (PAM4, t_FO4 6 ps at 7 nm) are the function's, rounded as typed (5 nm's was typed 5.1, from
    a rounded delay scale, while the function gives 4.96)."""
    import re

    f = {(n, b): blocks.dfe_timing_factor(4, b, get_technology(n), CO)
         for n, b in ((5, 53.125e9), (3, 106.25e9), (5, 106.25e9), (7, 106.25e9))}
    doc = repo_text("docs/energy-model.md", flat=True)
    docstring = re.sub(r"\s+", " ", blocks.dfe_timing_factor.__doc__)
    a, b, c, d = f[5, 53.125e9], f[3, 106.25e9], f[5, 106.25e9], f[7, 106.25e9]
    assert (f"F_1 = {a:.1f} at 53 GBd in 5 nm, {b:.1f} at 106 GBd in 3 nm, {c:.1f} in 5 nm, {d:.0f} in 7 nm"
            in doc)
    assert f"costs {b:.1f}× its slicer floor in 3 nm, {d:.0f}× in 7 nm" in doc
    typed = f"53 GBd in 5 nm {a:.1f}×, at 106 GBd in 3 nm {b:.1f}×, in 5 nm {c:.1f}×, in 7 nm {d:.0f}×"
    assert typed in docstring


def test_gate_delay_threshold_typed_in_the_docs_is_current():
    """Regression guard (model output): the FO4 delay at 7 nm from which a 3 nm 212.5 Gb/s link at
    25 dB (BER 1e-4, synthetic channel) takes the ADC-DSP family instead of the analog DFE one, found
    by bisection, is the figure the README and docs type (7.69 ps had gone stale after a refit)."""
    import dataclasses

    from sikernel.power.coefficients import DEFAULT_COEFFICIENTS

    def family(t_fo4_s: float) -> str:
        co = dataclasses.replace(DEFAULT_COEFFICIENTS, t_fo4_s=t_fo4_s)
        return energy_per_bit(loss_db=25.0, baud=106.25e9, node_nm=3, target_ber=1e-4,
                              coefficients=co).architecture

    lo, hi = DEFAULT_COEFFICIENTS.t_fo4_s, 9e-12
    assert family(lo) == "analog" and family(hi) == "dsp"
    while hi - lo > 1e-15:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if family(mid) == "analog" else (lo, mid)
    ps = f"{hi * 1e12:.2f} ps"
    readme = repo_text("README.md", flat=True)
    assert f"(t_FO4 ≥ {ps} at 7 nm → DSP on a synthetic 25 dB channel)" in readme, ps
    docs = repo_text("docs/energy-model.md", flat=True)
    assert f"(DSP wins at 25 dB in 3 nm from {ps} at BER 1e-4" in docs, ps
