"""The optical engine's components: the linear direct-drive ring driver and the external laser source.

References: closed forms evaluated by hand from the equations in sikernel.system.components
(not from sikernel's output); an independent root solve of the square-law differential pair
(scipy.optimize.brentq); the IEEE 802.3 RLM definition (120D.3.1.2) evaluated on the pair's
levels; a stage-by-stage loop over the pre-driver's tapered buffer chain.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq

from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.power import blocks
from sikernel.power.coefficients import DEFAULT_COEFFICIENTS as CO
from sikernel.power.technology import get_technology
from sikernel.system import account, components
from sikernel.system.account import PortModel
from sikernel.system.assumptions import Assumption, assumptions
from sikernel.system.standards import generation

from .conftest import repo_text

#: closed form vs the same formula evaluated another way (floating-point only)
RTOL_FORMULA = 1e-12
#: numbers worked out by hand on paper to 5 significant figures
RTOL_HAND = 1e-4
#: brentq's root tolerance on the steering input u
ATOL_ROOT = 1e-12
#: closed-form u vs the brentq root: ATOL_ROOT plus the loss of digits of sqrt(1 - sqrt(1 - x²))
#: near x -> 0 (cancellation, ~1e-16 / x²)
ATOL_STEERING = 1e-9
#: 802.3 states the RLM limit to two digits (0.95, 120D.3.1.2): x = 0.6 must give it to within half
#: a unit of the second digit
ATOL_RLM_LIMIT = 0.005
#: the stage-by-stage loop vs the geometric sum of the buffer chain: float accumulation over up to
#: ~20 stages and the 1e-9 guard of the stage count's ceil()
RTOL_LOOP = 1e-9
#: c_d of the C_out rule, "~1 fF per mA of tail" (assumptions.ring_driver_c_out_f), in F/A
C_OUT_PER_TAIL_F_PER_A = 1e-15 / 1e-3
#: fixed-point iteration C_out <- c_d I(C_out) vs the closed form I0/(1 - rho): converged iterate
RTOL_FIXED_POINT = 1e-9


# -- output stage ---------------------------------------------------------------------------
def test_output_stage_closed_form_by_hand():
    # C = 80 + 60 fF, V_pp = 2 V, headroom 0.5 V, f_3dB = 50 GHz, x = 0.5, m = 2:
    # R_L = 2 / (2π · 50e9 · 140e-15) = 45.473 ohm; I = 2 / (0.5 · 45.473) = 87.965 mA;
    # P = (2 + 0.5) · 87.965 mA = 219.91 mW
    p, i, r = components.ring_output_stage(80e-15, 60e-15, 2.0, 0.5, 50e9, 0.5, 2.0)
    assert math.isclose(float(r), 45.473, rel_tol=RTOL_HAND)
    assert math.isclose(float(i), 87.965e-3, rel_tol=RTOL_HAND)
    assert math.isclose(float(p), 219.91e-3, rel_tol=RTOL_HAND)
    # the same as P = V_DD · V_pp · 2π f C / (x m)
    assert math.isclose(float(p), 2.5 * 2.0 * 2 * math.pi * 50e9 * 140e-15 / (0.5 * 2.0),
                        rel_tol=RTOL_FORMULA)


def test_steering_input_against_the_square_law_pair():
    """u solving u·sqrt(1 - u²/4) = x (Razavi §4.3.2), by an independent root search."""
    for x in (0.1, 0.45, 0.6, 0.85, 0.99):
        u = brentq(lambda t, x=x: t * math.sqrt(1 - t * t / 4) - x, 0.0, math.sqrt(2.0), xtol=ATOL_ROOT)
        assert math.isclose(float(components.pair_steering_input(x)), u, abs_tol=ATOL_STEERING)
    assert math.isclose(float(components.pair_steering_input(1.0)), math.sqrt(2.0), rel_tol=RTOL_FORMULA)


def _rlm(x_outer: float) -> float:
    """IEEE 802.3 120D.3.1.2 RLM of the pair's four output levels (inputs ±1/3, ±1 of the outer one)."""
    u_out = brentq(lambda t: t * math.sqrt(1 - t * t / 4) - x_outer, 0.0, math.sqrt(2.0), xtol=ATOL_ROOT)
    # output current of a level with input u: u sqrt(1 - u²/4) (times I_tail)
    v = [math.copysign(abs(u) * math.sqrt(1 - u * u / 4), u) for u in
         (-u_out, -u_out / 3, u_out / 3, u_out)]
    mid = (v[0] + v[3]) / 2
    es1 = (v[1] - mid) / (v[0] - mid)
    es2 = (v[2] - mid) / (v[3] - mid)
    return min(3 * es1, 3 * es2, 2 - 3 * es1, 2 - 3 * es2)


def test_swing_fraction_point_is_the_802_3_rlm_limit():
    """The assumption's source: x = 0.6 gives RLM ≈ 0.95 (the 802.3 PAM4 TX limit); more steering,
    less RLM."""
    a = assumptions(generation("102.4T"))["ring_driver_swing_fraction"]
    assert abs(_rlm(a.value) - 0.95) < ATOL_RLM_LIMIT
    assert _rlm(a.high) < _rlm(a.value) < _rlm(a.low)


# -- C_out rule (review 7 F1): the fixed point value against the rule its source states --------------
def _fixed_point_tail_a(g, c_d_f_per_a, n_iter):
    """Iterate C_out <- c_d I with the shipped output stage at the generation's point values."""
    p = PortModel("cpo", g).point
    c_out, i = 0.0, 0.0
    for _ in range(n_iter):
        _, i, _ = components.ring_output_stage(p["ring_c_f"], c_out, p["ring_vpp_v"],
                                               p["ring_driver_headroom_v"],
                                               p["linear_f3db_over_baud"] * g.baud,
                                               p["ring_driver_swing_fraction"], CO.bw_extension)
        c_out = c_d_f_per_a * float(i)
    return float(i)


def test_c_out_rule_self_consistent_by_hand():
    """C_out = c_d I solved with the stage: I = I0 / (1 - rho), by hand at the 200G point
    (V_pp 2 V, f_3dB = 0.65 * 106.25 GHz = 69.0625 GHz, x 0.6, m 2, C_ring 80 fF, c_d 1 fF/mA):
    rho = 2pi * 69.0625e9 * 2 * 1e-12 / (0.6 * 2) = 0.72322, I0 = 2pi * 69.0625e9 * 2 * 80e-15 / 1.2
    = 57.858 mA, I = 209.04 mA (C_out 209 fF).  The fixed 60 fF point is NOT this (101 mA):
    the 200G range must contain it (unresolved choice, docs 6.4.1); at 100G (ring engine, 34.53 GHz:
    rho = 0.36161, I0 = 28.929 mA, I = 45.315 mA) the range contains it too."""
    g2, g1 = generation("102.4T"), generation("51.2T")
    i2 = _fixed_point_tail_a(g2, C_OUT_PER_TAIL_F_PER_A, 200)
    assert math.isclose(i2, 0.20904, rel_tol=RTOL_HAND)
    assert math.isclose(i2, 57.858e-3 / (1 - 0.72322), rel_tol=RTOL_HAND)
    i1 = _fixed_point_tail_a(g1, C_OUT_PER_TAIL_F_PER_A, 200)
    assert math.isclose(i1, 45.315e-3, rel_tol=RTOL_HAND)
    for g, i in ((g2, i2), (g1, i1)):
        a = assumptions(g)["ring_driver_c_out_f"]
        assert a.low <= C_OUT_PER_TAIL_F_PER_A * i <= a.high, (g.name, C_OUT_PER_TAIL_F_PER_A * i, a)


def test_c_out_rule_diverges_at_rho_one():
    """rho = 2pi f_3dB V_pp c_d / (x m) >= 1: each added mA of tail adds more capacitance than it can
    drive, the iteration grows without bound (single-ended stage not buildable at that swing); below 1
    it converges to I0 / (1 - rho)."""
    g = generation("102.4T")
    # rho = 0.72322 * c_d / (1 fF/mA): 1.1 fF/mA -> 0.7955 converges, 1.5 fF/mA -> 1.0848 diverges
    i_ok = _fixed_point_tail_a(g, 1.1 * C_OUT_PER_TAIL_F_PER_A, 400)
    assert math.isclose(i_ok, 57.858e-3 / (1 - 1.1 * 0.72322), rel_tol=RTOL_HAND)
    grow = [_fixed_point_tail_a(g, 1.5 * C_OUT_PER_TAIL_F_PER_A, n) for n in (10, 20, 40)]
    assert grow[0] < grow[1] < grow[2] and grow[2] > 100 * 57.858e-3


# -- pre-driver -----------------------------------------------------------------------------
def _predriver_by_loop(i_tail: float, x: float, v_in: float, baud: float, node: float) -> float:
    """Stage by stage: gain cells until the swing suffices, then buffers from C_g down to c_afe_f."""
    tech = get_technology(node)
    v_need = 2 * float(components.pair_steering_input(x)) * CO.v_ov_v
    p, v = 0.0, v_in
    g = 10 ** (CO.gain_stage_db / 20)
    while v < v_need * (1 - 1e-12):
        p += float(blocks.afe_stage_w(1, baud, tech, CO, gain=g))
        v *= g
    ft = blocks.f_t_of(tech, CO)
    load = i_tail / CO.v_ov_v / (2 * math.pi * ft)
    while True:
        gm = load * blocks.afe_gm_per_c(baud, CO, 1.0, tech)
        p += float(blocks.afe_stage_w(1, baud, tech, CO.with_(c_afe_f=load)))
        load = gm / (2 * math.pi * ft)
        if load <= CO.c_afe_f * (1 + 1e-12):
            break
    return p


@pytest.mark.parametrize(("i_tail", "x", "v_in", "baud", "node"), [
    (0.1, 0.6, 0.3, 106.25e9, 3.0), (0.03, 0.85, 0.1, 53.125e9, 5.0), (0.2, 0.45, 0.05, 106.25e9, 7.0),
    (1e-4, 0.6, 0.5, 106.25e9, 3.0)])
def test_predriver_equals_the_stage_by_stage_chain(i_tail, x, v_in, baud, node):
    got = float(components.ring_predriver_w(i_tail, x, v_in, baud, node))
    assert math.isclose(got, _predriver_by_loop(i_tail, x, v_in, baud, node), rel_tol=RTOL_LOOP)


def test_predriver_gain_stages_by_hand():
    # x = 0.6: u = sqrt(2 (1 - 0.8)) = 0.63246, so the pair needs 2 · 0.63246 · 0.15 = 0.18974 Vppd;
    # from 0.1 Vppd that is 5.56 dB: one 6 dB gain cell; from 0.3 Vppd none
    tech = get_technology(3.0)
    one_cell = float(blocks.afe_stage_w(1, 106.25e9, tech, CO, gain=10 ** (CO.gain_stage_db / 20)))
    d = float(components.ring_predriver_w(0.05, 0.6, 0.1, 106.25e9, 3.0)
              - components.ring_predriver_w(0.05, 0.6, 0.3, 106.25e9, 3.0))
    assert math.isclose(d, one_cell, rel_tol=RTOL_FORMULA)
    assert math.isclose(2 * float(components.pair_steering_input(0.6)) * 0.15, 0.18974, rel_tol=RTOL_HAND)


def test_ring_driver_is_output_stage_plus_predriver():
    baud = 106.25e9
    p, i, _ = components.ring_output_stage(80e-15, 60e-15, 2.0, 0.5, 0.65 * baud, 0.6, CO.bw_extension)
    want = float(p) + float(components.ring_predriver_w(i, 0.6, 0.3, baud, 3.0))
    got = float(components.ring_driver_w(80e-15, 60e-15, 2.0, 0.5, 0.65, 0.6, 0.3, baud, 3.0))
    assert math.isclose(got, want, rel_tol=RTOL_FORMULA)


def test_ring_driver_strictly_increasing_in_its_cost_inputs():
    """Hypothesis: more capacitance, swing, headroom or bandwidth always costs more (strictly)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    a = assumptions(generation("102.4T"))
    keys = ("ring_c_f", "ring_driver_c_out_f", "ring_vpp_v", "ring_driver_headroom_v",
            "linear_f3db_over_baud", "ring_driver_swing_fraction", "engine_input_vppd")

    def drv(v):
        return float(components.ring_driver_w(v["ring_c_f"], v["ring_driver_c_out_f"], v["ring_vpp_v"],
                                              v["ring_driver_headroom_v"], v["linear_f3db_over_baud"],
                                              v["ring_driver_swing_fraction"], v["engine_input_vppd"],
                                              106.25e9, 3.0))

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(st.lists(st.floats(0.0, 1.0), min_size=len(keys), max_size=len(keys)), st.floats(0.05, 1.0))
    def check(us, step):
        v = {k: a[k].low + u * (a[k].high - a[k].low) for k, u in zip(keys, us, strict=True)}
        base = drv(v)
        assert np.isfinite(base) and base > 0
        for k in keys[:5]:
            hi = dict(v, **{k: v[k] + step * (a[k].high - a[k].low)})
            assert drv(hi) > base, k

    check()


# -- external laser source -------------------------------------------------------------------
def test_docs_ring_driver_figures_are_current():
    """Regression guard for prose (docs/energy-model.md 6.4.1, its "Numbers" table and the 100G and
    C_out sensitivity sentences): the typed figures are the shipped functions' at the generation's
    point values and at the cost inputs' documented low / high ends (they went stale once, when a refit
    moved the AFE load capacitance the pre-driver taper ends at)."""
    doc = repo_text("docs/energy-model.md", flat=True)
    names = ("ring_c_f", "ring_driver_c_out_f", "ring_vpp_v", "ring_driver_headroom_v",
             "linear_f3db_over_baud")
    cells = {}
    for gen_name in ("51.2T", "102.4T"):
        g = generation(gen_name)
        node = g.module_node_nm   # the engine electronics' node (5 / 3 nm)
        a = assumptions(g)
        x, vin = a["ring_driver_swing_fraction"].value, a["engine_input_vppd"]
        pt = [a[n].value for n in names]
        _, i_tail, _ = components.ring_output_stage(*pt[:4], pt[4] * g.baud, x, CO.bw_extension)
        pre = float(components.ring_predriver_w(i_tail, x, vin.value, g.baud, node))
        tot = float(components.ring_driver_w(*pt, x, vin.value, g.baud, node))
        lo = float(components.ring_driver_w(*[a[n].low for n in names], x, vin.high, g.baud, node))
        hi = float(components.ring_driver_w(*[a[n].high for n in names], x, vin.low, g.baud, node))
        at_rule = float(components.ring_driver_w(pt[0], 209e-15, *pt[2:], x, vin.value, g.baud, node))
        cells[gen_name] = dict(pre=pre, tot=tot, lo=lo, hi=hi, rule=at_rule, pj=tot / (2 * g.baud) * 1e12,
                               rule_pj=at_rule / (2 * g.baud) * 1e12, bit_rate=2 * g.baud,
                               hi120=float(components.ring_driver_w(a["ring_c_f"].high, 120e-15,
                                                                    *[a[n].high for n in names[2:]], x,
                                                                    vin.low, g.baud, node)))
    c1, c2 = cells["51.2T"], cells["102.4T"]
    phrases = [
        f"| pre-driver (0 gain cells + taper) | {c1['pre'] * 1e3:.1f} mW | {c2['pre'] * 1e3:.1f} mW |",
        f"| **driver per lane** | **{c1['tot'] * 1e3:.1f} mW = {c1['pj']:.2f} pJ/b** | "
        f"**{c2['tot'] * 1e3:.1f} mW = {c2['pj']:.2f} pJ/b**",
        f"| {c1['lo'] * 1e3:.0f} / {c1['hi'] * 1e3:.0f} mW | {c2['lo'] * 1e3:.0f} / {c2['hi'] * 1e3:.0f} mW "
        f"({c2['lo'] / c2['bit_rate'] * 1e12:.2f} / {c2['hi'] / c2['bit_rate'] * 1e12:.1f} pJ/b; "
        f"{c2['hi120'] * 1e3:.0f} mW with `C_out` ≤ 120 fF",
        f"draw {c1['tot'] * 1e3:.0f} mW per lane",
        f"| 60 fF (shipped point) | {c2['tot'] * 1e3:.1f} mW = {c2['pj']:.2f} pJ/b |",
        f"| 209 fF (rule, self-consistent) | {c2['rule'] * 1e3:.1f} mW = {c2['rule_pj']:.2f} pJ/b |",
        f"(1.44 pJ/b: {1.44 / c2['pj']:.2f}× and {1.44 / c2['rule_pj']:.2f}×)",
    ]
    missing = [p for p in phrases if p not in doc]
    assert not missing, missing


def test_els_by_hand():
    # 20 dBm = 100 mW over 4 lanes at WPE 0.15: 100 / (0.15 · 4) = 166.67 mW per lane; 14 dBm per lane
    assert math.isclose(float(components.els_laser_w(20.0, 4.0, 0.15)), 0.16667, rel_tol=RTOL_HAND)
    assert math.isclose(float(components.els_lane_light_dbm(20.0, 4.0)), 13.979, rel_tol=RTOL_HAND)
    assert float(components.lasers_per_lane(4.0)) == 0.25
    # electrical per laser (N = 1): 0.1 W / 0.15
    assert math.isclose(float(components.els_laser_w(20.0, 1.0, 0.15)), 0.1 / 0.15, rel_tol=RTOL_FORMULA)


def test_els_budget_floor_by_hand():
    """A lane is never priced below its link budget's light (review, December 2026: 20 % of the
    102.4T Monte Carlo draws combined a dim class, many lanes per laser and a demanding budget and
    were priced for light that does not close the link)."""
    # 20 dBm over 8 lanes = 10.97 dBm < 12.5 dBm: priced at 12.5 dBm = 17.78 mW / 0.15 = 118.6 mW
    assert math.isclose(float(components.els_laser_w(20.0, 8.0, 0.15, 12.5)), 0.11856, rel_tol=RTOL_HAND)
    # 20 dBm over 4 lanes = 13.98 dBm > 12.5 dBm: the class output's share, 166.7 mW
    no_floor = float(components.els_laser_w(20.0, 4.0, 0.15))
    assert float(components.els_laser_w(20.0, 4.0, 0.15, 12.5)) == no_floor
    # the Monte Carlo's draws: the floor binds exactly where the light falls short
    g = generation("102.4T")
    m = PortModel("cpo", g)
    v = dict(m.point)
    v.update(els_lane_light_dbm=np.array([13.0, m.point["els_lane_light_dbm"]]),
             els_lanes_per_laser=np.array([8.0, m.point["els_lanes_per_laser"]]),
             els_lane_optical_dbm=np.array([15.5, m.point["els_lane_optical_dbm"]]))
    short = m.els_budget_margin_db(v) < 0
    assert list(short) == [True, False]
    laser = m.blocks_w(v)["laser"]
    assert math.isclose(laser[0], g.lanes_per_port * 1e-3 * 10 ** 1.55 / v["els_wpe"], rel_tol=RTOL_FORMULA)
    assert math.isclose(laser[1], m.blocks_w()["laser"], rel_tol=RTOL_FORMULA)
    with pytest.raises(SIKernelError, match="lane_budget_dbm=nan"):
        components.els_laser_w(20.0, 4.0, 0.15, float("nan"))


def test_els_monotone():
    dbm = np.linspace(11.0, 26.0, 31)
    w = components.els_laser_w(dbm, 4.0, 0.15)
    assert np.all(np.diff(w) > 0)
    n = np.linspace(1.0, 16.0, 31)
    assert np.all(np.diff(components.els_laser_w(20.0, n, 0.15)) < 0)
    assert np.all(np.diff(components.els_lane_light_dbm(20.0, n)) < 0)
    assert np.all(np.diff(components.els_laser_w(20.0, 4.0, np.linspace(0.05, 0.3, 11))) < 0)


def test_els_laser_output_by_hand():
    """Trial 98 M1 / review 35 M1: the laser is sized by the light per lane, and a sharing the top OIF
    class (26 dBm) cannot give takes more lasers.  18.5 dBm over 4 lanes: 18.5 + 6.0206 = 24.52 dBm;
    over 8: N_max = 10^((26 - 18.5)/10) = 5.6234 lanes per laser at 26 dBm, each lane 18.5 dBm;
    17 dBm over 2: 20.01 dBm; 28 dBm over 4: one laser per lane at 26 dBm."""
    assert math.isclose(float(components.els_laser_output_dbm(18.5, 4.0)), 24.5206, rel_tol=RTOL_HAND)
    assert float(components.els_lanes_per_laser_priced(18.5, 4.0)) == 4.0
    assert math.isclose(float(components.els_lanes_per_laser_priced(18.5, 8.0)), 5.6234, rel_tol=RTOL_HAND)
    assert math.isclose(float(components.els_laser_output_dbm(18.5, 8.0)), components.ELS_TOP_CLASS_DBM,
                        rel_tol=RTOL_FORMULA)
    assert components.ELS_TOP_CLASS_DBM == 26.0
    assert math.isclose(float(components.els_laser_output_dbm(17.0, 2.0)), 20.0103, rel_tol=RTOL_HAND)
    assert float(components.els_lanes_per_laser_priced(28.0, 4.0)) == 1.0
    assert float(components.els_laser_output_dbm(28.0, 4.0)) == 26.0
    out = components.els_laser_output_dbm(np.array([18.5, 18.5]), np.array([4.0, 8.0]), top_class_dbm=30.0)
    assert np.allclose(out, [24.5206, 27.5309], rtol=RTOL_HAND)
    with pytest.raises(SIKernelError, match=r"lanes_per_laser=0\.5"):
        components.els_laser_output_dbm(18.5, 0.5)
    with pytest.raises(SIKernelError, match="lane_light_dbm=inf"):
        components.els_laser_output_dbm(np.inf, 4.0)


def test_els_lane_price_independent_of_sharing():
    """Trial 98 M1 / review 35 M1: the laser power per lane is the light per lane over the wall-plug
    efficiency whatever the lanes per laser (over the documented range, which at 200G reaches past the
    top class: 18.5 dBm over 8 lanes); the sharing moves only the laser count."""
    for gname in ("51.2T", "102.4T"):
        m = PortModel("cpo", generation(gname))
        base = m.blocks_w()["laser"]
        light = m.point["els_lane_light_dbm"]
        rng = m.assumptions["els_lanes_per_laser"]
        n = np.linspace(rng.low, rng.high, 29)
        laser = m.blocks_w(dict(m.point, els_lanes_per_laser=n))["laser"]
        assert np.allclose(laser, base, rtol=RTOL_FORMULA)
        assert math.isclose(base, m.gen.lanes_per_port * 1e-3 * 10 ** (light / 10) / m.point["els_wpe"],
                            rel_tol=RTOL_FORMULA)
        beyond = light + 10 * np.log10(n) > components.ELS_TOP_CLASS_DBM
        assert beyond.any() if gname == "102.4T" else not beyond.any()
        assert np.allclose(m.els_lane_light_given_dbm(dict(m.point, els_lanes_per_laser=n)), light,
                           rtol=RTOL_FORMULA)


def test_els_point_values_close_the_link_budget():
    for gname in ("51.2T", "102.4T"):
        m = PortModel("cpo", generation(gname))
        assert m.els_budget_margin_db() > 0, gname
        p = m.point
        assert math.isclose(m.els_budget_margin_db(), p["els_lane_light_dbm"] - p["els_lane_optical_dbm"],
                            rel_tol=RTOL_FORMULA)


def test_els_short_of_budget_warns(monkeypatch):
    real = account.assumptions

    def short(g):
        a = dict(real(g))
        x = a["els_lane_light_dbm"]
        a["els_lane_light_dbm"] = Assumption(x.name, 10.0, 10.0, x.high, x.unit, x.source)
        return a

    monkeypatch.setattr(account, "assumptions", short)
    with pytest.warns(SIKernelWarning, match=r"gives 10.0 dBm per lane \(els_lane_light_dbm=10, "
                                             r"els_lanes_per_laser=4\), 2.5 dB short"):
        m = PortModel("cpo", generation("102.4T"))
    assert m.els_budget_margin_db() < 0
    # the pluggable's module lasers are not checked
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        assert math.isnan(PortModel("pluggable", generation("102.4T")).els_budget_margin_db())


def test_els_above_the_top_class_warns_and_takes_more_lasers():
    """Review 35 M1/M2: 18.5 dBm over 16 lanes asks 30.54 dBm of one laser; the source takes
    10^((26 - 18.5)/10) = 5.62 lanes per laser instead (more lasers), each lane keeps 18.5 dBm and
    its price, and the warning names the sharing that fits."""
    g = generation("102.4T", assumption_values={"els_lanes_per_laser": 16})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        m = PortModel("cpo", g)
    msgs = [str(w.message) for w in seen if issubclass(w.category, SIKernelWarning)]
    want = (r"els_lane_light_dbm=18.50 over els_lanes_per_laser=16 asks 30.54 dBm of one laser, above the "
            r"brightest OIF ELSFP class \(26 dBm\); priced with 5.62 lanes per laser")
    assert len(msgs) == 1 and re.search(want, msgs[0]), msgs
    assert math.isclose(m.els_lane_light_given_dbm(), 18.5, rel_tol=RTOL_FORMULA)
    assert math.isclose(m.lasers_per_lane(), 10 ** (-(26.0 - 18.5) / 10), rel_tol=RTOL_FORMULA)
    assert math.isclose(m.blocks_w()["laser"], PortModel("cpo", generation("102.4T")).blocks_w()["laser"],
                        rel_tol=RTOL_FORMULA)


def test_els_provision_above_one_top_class_laser():
    """Review 35 L12: a provision above one top-class laser (28 dBm per lane) is priced and checked at
    the class's 26 dBm, one laser per lane: the budget margin sees the light given, not asked."""
    g = generation("102.4T", assumption_values={"els_lane_light_dbm": 28.0,
                                                "els_lane_optical_dbm": 27.0})
    with pytest.warns(SIKernelWarning, match=r"els_lane_light_dbm=28 is more than one laser of the "
                                             r"brightest OIF ELSFP class \(26 dBm\) gives"):
        m = PortModel("cpo", g)
    assert m.els_lane_light_given_dbm() == 26.0 and m.lasers_per_lane() == 1.0
    assert math.isclose(m.els_budget_margin_db(), 26.0 - 27.0, rel_tol=RTOL_FORMULA)
    # the budget floor then prices the lane at its budget's light (27 dBm over the wall-plug efficiency)
    assert math.isclose(m.blocks_w()["laser"], g.lanes_per_port * 1e-3 * 10 ** 2.7 / m.point["els_wpe"],
                        rel_tol=RTOL_FORMULA)


def test_account_uses_the_components():
    """The 200G CPO port's driver and laser blocks are the component equations at the point values × lanes."""
    g = generation("102.4T")
    m = PortModel("cpo", g)
    p, b, n = m.point, m.blocks_w(), g.lanes_per_port
    drv = components.ring_driver_w(p["ring_c_f"], p["ring_driver_c_out_f"], p["ring_vpp_v"],
                                   p["ring_driver_headroom_v"], p["linear_f3db_over_baud"],
                                   p["ring_driver_swing_fraction"], p["engine_input_vppd"], g.baud,
                                   g.module_node_nm)
    assert math.isclose(b["driver"], n * float(drv), rel_tol=RTOL_FORMULA)
    out = components.els_laser_output_dbm(p["els_lane_light_dbm"], p["els_lanes_per_laser"])
    lanes, wpe, budget = p["els_lanes_per_laser"], p["els_wpe"], p["els_lane_optical_dbm"]
    assert math.isclose(b["laser"], n * float(components.els_laser_w(out, lanes, wpe, budget)),
                        rel_tol=RTOL_FORMULA)
    # at the point values the light over its lanes is above the budget and below the top class:
    # neither the floor nor the cap binds
    assert math.isclose(b["laser"], n * float(components.els_laser_w(out, lanes, wpe)), rel_tol=RTOL_FORMULA)
    assert float(out) < components.ELS_TOP_CLASS_DBM
    assert m.lasers_per_lane() == 1.0 / p["els_lanes_per_laser"]


# -- bad input (review 7 F4) ------------------------------------------------------------------
_GOOD_STAGE = dict(c_ring_f=80e-15, c_out_f=60e-15, vpp_v=2.0, headroom_v=0.5, f3db_hz=69e9,
                   swing_fraction=0.6, bw_extension=2.0)


@pytest.mark.parametrize(("call", "name", "bad"), [
    (lambda v: components.pair_steering_input(v), "swing_fraction", 1.2),
    (lambda v: components.pair_steering_input(v), "swing_fraction", 0.0),
    (lambda v: components.pair_steering_input(v), "swing_fraction", np.array([0.5, np.nan])),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, swing_fraction=v)), "swing_fraction", 0.0),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, f3db_hz=v)), "f3db_hz", 0.0),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, c_ring_f=v)), "c_ring_f", -80e-15),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, c_out_f=v)), "c_out_f", -1e-15),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, vpp_v=v)), "vpp_v", np.inf),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, headroom_v=v)), "headroom_v", -0.1),
    (lambda v: components.ring_output_stage(**dict(_GOOD_STAGE, bw_extension=v)), "bw_extension", 0.5),
    (lambda v: components.ring_predriver_w(0.1, 0.6, v, 106.25e9, 3.0), "input_vppd", 0.0),
    (lambda v: components.ring_predriver_w(v, 0.6, 0.3, 106.25e9, 3.0), "i_tail_a", -0.1),
    (lambda v: components.ring_driver_w(80e-15, 60e-15, 2.0, 0.5, v, 0.6, 0.3, 106.25e9, 3.0),
     "f3db_over_baud", 0.0),
    (lambda v: components.els_laser_w(20.0, 4.0, v), "wpe", 0.0),
    (lambda v: components.els_laser_w(20.0, 4.0, v), "wpe", 1.5),
    (lambda v: components.els_laser_w(v, 4.0, 0.15), "laser_out_dbm", np.nan),
    (lambda v: components.els_laser_w(20.0, v, 0.15), "lanes_per_laser", 0.5),
    (lambda v: components.els_lane_light_dbm(20.0, v), "lanes_per_laser", 0.0),
    (lambda v: components.lasers_per_lane(v), "lanes_per_laser", 0.0),
    (lambda v: components.lasers_per_lane(v), "lanes_per_laser", np.array([2.0, -1.0])),
])
def test_component_bad_input_names_value_and_range(call, name, bad):
    with pytest.raises(SIKernelError, match=rf"{name}=.*accepted range"):
        call(bad)


def test_component_arrays_in_range_pass():
    """The Monte Carlo hands arrays: in-range arrays broadcast, edges included where closed."""
    w = components.els_laser_w(np.array([18.5, 24.0]), np.array([1.0, 8.0]), np.array([0.08, 1.0]))
    assert w.shape == (2,) and np.all(np.isfinite(w))
    u = components.pair_steering_input(np.array([0.45, 1.0]))
    assert math.isclose(float(u[1]), math.sqrt(2.0), rel_tol=RTOL_FORMULA)


def test_c_out_from_tail_closed_form_and_divergence():
    """components.ring_c_out_from_tail_f (the alternative the README quotes) against the hand values of
    test_c_out_rule_self_consistent_by_hand: C_out = c_d I0 / (1 - rho) = 1e-12 * 57.858 mA / (1 - 0.72322)
    = 209.04 fF at the 200G point; inf once rho >= 1 (2.8 V of swing: rho = 0.72322 * 2.8 / 2 = 1.0125);
    bad input raises."""
    f3 = 0.65 * 106.25e9
    c = components.ring_c_out_from_tail_f(80e-15, 2.0, f3, 0.6, 2.0, C_OUT_PER_TAIL_F_PER_A)
    assert math.isclose(c, 209.04e-15, rel_tol=RTOL_HAND)
    assert math.isclose(components.C_OUT_PER_TAIL_F_PER_A, C_OUT_PER_TAIL_F_PER_A, rel_tol=RTOL_HAND)
    assert components.ring_c_out_from_tail_f(80e-15, 2.8, f3, 0.6, 2.0, C_OUT_PER_TAIL_F_PER_A) == math.inf
    with pytest.raises(SIKernelError, match="swing_fraction"):
        components.ring_c_out_from_tail_f(80e-15, 2.0, f3, 1.5, 2.0)


def test_docs_lanes_per_laser_effect_is_current():
    """Regression guard for prose (docs/energy-model.md 6.4.2, ``els_lanes_per_laser``): the effect
    of 4 → 2 lanes per laser at 51.2T, at the shipped point values (audit 27: the saving and the
    Meta-optics figures were a 3 December snapshot, stale since the pluggable port moved)."""
    from sikernel.system.account import SWITCH_BLOCKS, PortModel
    from sikernel.system.modules import SYSTEM_CLAIMS

    g = generation("51.2T")
    cpo, plug = PortModel("cpo", g), PortModel("pluggable", g)
    assert cpo.point["els_lanes_per_laser"] == 2.0

    def w(m, v=None, module_only=False):
        return sum(x for k, x in m.blocks_w(v).items() if not (module_only and k in SWITCH_BLOCKS))

    # the 20 dBm class over 4 lanes instead of 2 (the light per lane is the input since trial 98 M1)
    four = dict(cpo.point, els_lanes_per_laser=4.0,
                els_lane_light_dbm=cpo.point["els_lane_light_dbm"] - 10 * math.log10(2.0))
    cells = []
    for v in (four, None):
        optics_saving = 1.0 - w(cpo, v, True) / w(plug, None, True)
        cells.append(dict(laser=cpo.blocks_w(v)["laser"], port=w(cpo, v), saving=1.0 - w(cpo, v) / w(plug),
                          bailly=w(cpo, v, True) * 800.0 / g.port_gbps
                          / SYSTEM_CLAIMS["bailly_meta_w_per_800g"].value,
                          meta=(optics_saving - SYSTEM_CLAIMS["bailly_meta_optics_saving"].value) * 100.0))
    a, b = cells
    text = (f"laser {a['laser']:.2f} → {b['laser']:.2f} W per 800G port; CPO port {a['port']:.2f} → "
            f"{b['port']:.2f} W; saving {a['saving'] * 100:.1f} → {b['saving'] * 100:.1f} %. This moves the "
            f"Bailly optics check from {a['bailly']:.2f}× to {b['bailly']:.2f}× of ECOC's 5.4 W, and the "
            f"Meta optics saving from {a['meta']:+.1f} to {b['meta']:+.1f} points of the claimed 65 %")
    text = text.replace("-", "−")
    assert text in repo_text("docs/energy-model.md", flat=True), text
