"""Every number of the optical side (and two host-SerDes inputs), with range and source, per generation.

An :class:`Assumption` holds a point value and a documented range ``[low, high]``;
the uncertainty propagation (:mod:`sikernel.system.uncertainty`) draws each input from a
triangular distribution on ``[low, high]`` with its mode at the point value, and the
tornado sets each input to ``low`` and ``high`` in turn.

Retimed-module anchors (``shared/reference/links-and-energy.md``, "Optical modules and
engines"; the module side may be fitted on them):

* 100G/lane: an 800G DR8 retimed module draws 15 W (Broadcom 2023: 14–16 W; Source
  Photonics: 13–14 W with a 5 nm DSP; Nubis: 15 W; M), split DSP 49 %, driver 18 %,
  laser 18 %, TIA 5 %, other (TEC, controller, power conversion) 10 % (Intel figure shown
  by MACOM, M).
* 200G/lane: a 1.6T (8 × 200G) retimed module draws 22 W (Lumentum 22 W typical, Source
  Photonics < 22 W, Broadcom Sian3 < 23 W, Semtech 23–25 W; M/H) of which the 3 nm DSP is
  ≈ 60 % (≈ 13 of 22 W; Source Photonics, M).  The other 40 % is split like the 800G
  module's non-DSP part (assumption: same driver : laser : TIA : other ratio, 18 : 18 : 5 : 10).

Two inputs of the host-SerDes energy model are here too, because they move the answer:
``t_fo4_s`` (the gate delay, :mod:`sikernel.power.coefficients`, its documented range) and
``crosstalk_scale`` (the host links' crosstalk amplitude relative to the generation's
model); they enter the host ends through each end's curves (:mod:`sikernel.system.end_curves`).

Derived per-lane figures (D) are those fractions × total / 8 lanes.  Their ranges are
±30 % (driver, laser, TIA) and ±40 % (other): the totals' published spread (±7–10 %)
plus the split's confidence (M, one vendor's figure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .result import unit_suffix

if TYPE_CHECKING:
    from .standards import Generation


@dataclass(frozen=True)
class Assumption:
    """One input of the optical side.

    Attributes
    ----------
    name : str
        Key (units in the name: ``_w``, ``_db``, ``_mw``, ``_f``, ``_v``).
    value : float
        Point value.
    low, high : float
        Documented range (low ≤ value ≤ high).
    unit : str
        Unit.
    source : str
        Where the value and its range come from ("D" = derived by arithmetic from the cited figures).
    documented : tuple of float or None
        For a user value (:attr:`~sikernel.system.standards.Generation.assumption_values`): the
        documented ``(value, low, high)`` it replaces; None for a documented input.
    """

    name: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    documented: tuple[float, float, float] | None = None


#: retimed-module anchors: (total W, DSP fraction, lanes) per nominal lane rate, with sources
MODULE_ANCHORS: dict[float, dict[str, object]] = {
    100.0: {"total_w": 15.0, "total_range_w": (13.0, 16.0), "dsp_fraction": 0.49, "lanes": 8,
            "module_node_nm": 5.0, "port_gbps": 800.0,
            "split": {"driver": 0.18, "laser": 0.18, "tia": 0.05, "other": 0.10},
            "source": "800G DR8 retimed: Broadcom 14-16 W, Source Photonics 13-14 W (5 nm DSP), Nubis "
                      "15 W; split DSP 49 / driver 18 / laser 18 / TIA 5 / other 10 % (Intel via MACOM)"},
    200.0: {"total_w": 22.0, "total_range_w": (20.0, 25.0), "dsp_fraction": 0.60, "lanes": 8,
            "module_node_nm": 3.0, "port_gbps": 1600.0,
            "split": {"driver": 0.40 * 18 / 51, "laser": 0.40 * 18 / 51, "tia": 0.40 * 5 / 51,
                      "other": 0.40 * 10 / 51},
            "source": "1.6T 8x200G retimed: Lumentum 22 W, Source Photonics < 22 W (3 nm DSP, DSP "
                      "~60 % ~ 13 of 22 W), Broadcom Sian3 < 23 W; non-DSP 40 % split as the 800G "
                      "module's (assumption)"},
}


#: lanes ``engine_other_w`` is stated for (an 800G / 1.6T port's share of an optical engine)
ENGINE_OTHER_LANES = 8


def module_anchor(g: Generation) -> dict[str, object]:
    """The published retimed-module anchor of generation ``g``.

    Parameters
    ----------
    g : Generation
        Switch generation; its nominal lane rate picks the entry of :data:`MODULE_ANCHORS` (the
        200G one above 150 Gb/s, else the 100G one).

    Returns
    -------
    dict
        The anchor: ``total_w``, ``total_range_w``, ``dsp_fraction``, ``lanes``, ``split``, ...
    """
    return MODULE_ANCHORS[200.0 if g.lane_gbps > 150.0 else 100.0]


def module_anchor_range_w(g: Generation, lanes: float) -> tuple[float, float] | None:
    """The published range of a retimed module's power (W per port), for a port of ``lanes`` lanes.

    The anchors are whole 800G / 1.6T modules of 8 lanes (:func:`module_anchor`); part of a
    module's power is per port (controller, conversion: ``module_other_w``), so a port of another
    width has no published range here and gets None (review 24: a per-lane scaling flagged
    400G modules that published 400G figures would accept).

    Parameters
    ----------
    g : Generation
        Switch generation (picks the anchor).
    lanes : float
        Lanes per port of the module compared.

    Returns
    -------
    (float, float) or None
        Lowest and highest published module power in W per port; None for another port width.
    """
    a = module_anchor(g)
    if float(lanes) != float(a["lanes"]):  # type: ignore[arg-type]
        return None
    lo, hi = a["total_range_w"]  # type: ignore[misc]
    return float(lo), float(hi)


def module_outside_anchor(g: Generation, module_w: float, lanes: float) -> tuple[float, float] | None:
    """The published range (W per port) a retimed module of ``module_w`` lies outside, or None
    (inside it, or no published range for a port of ``lanes`` lanes: :func:`module_anchor_range_w`).

    Parameters
    ----------
    g : Generation
        Switch generation (picks the anchor).
    module_w : float
        The module's power, W per port.
    lanes : float
        Lanes per port.

    Returns
    -------
    (float, float) or None
    """
    rng = module_anchor_range_w(g, lanes)
    return None if rng is None or rng[0] <= module_w <= rng[1] else rng


def assumptions(g: Generation) -> dict[str, Assumption]:
    """The optical-side inputs of generation ``g`` (point value, range, source).

    Parameters
    ----------
    g : Generation
        Switch generation (its nominal lane rate picks the 100G or 200G anchors).

    Returns
    -------
    dict
        Name -> :class:`Assumption`; an input the generation carries a user value for
        (:attr:`~sikernel.system.standards.Generation.assumption_values`) at that value, with no range.
    """
    a = module_anchor(g)
    total = float(a["total_w"])  # type: ignore[arg-type]
    lanes = int(a["lanes"])  # type: ignore[call-overload]
    split: dict[str, float] = a["split"]  # type: ignore[assignment]
    src = f"D: {a['source']}"
    is200 = g.lane_gbps > 150.0
    out: list[Assumption] = []

    def add(name: str, value: float, low: float, high: float, unit: str, source: str) -> None:
        out.append(Assumption(name, float(value), float(low), float(high), unit, source))

    # each a one-direction component of a full-duplex lane: driver and laser in its TX (egress)
    # direction, TIA in its RX (ingress) direction (audit 28: "both directions" read as two of each)
    for comp, rng, direction in (("driver", 0.3, "TX"), ("laser", 0.3, "TX"), ("tia", 0.3, "RX")):
        v = split[comp] * total / lanes
        add(f"module_{comp}_w", v, v * (1 - rng), v * (1 + rng),
            f"W per lane (in its {direction} direction)", src)
    v = split["other"] * total
    add("module_other_w", v, 0.6 * v, 1.4 * v, "W per port", src + " (TEC, controller, power conversion)")
    add("dsp_tx_share", 0.4, 0.3, 0.5, "1",
        "assumption: TX half (DAC + FFE) of the line-side DSP; the ADC + FFE/MLSD RX half is the "
        "larger (J. Q. Wang, ISSCC 2024, publishes only TX+RX)")
    add("linear_f3db_over_baud", 0.65, 0.5, 0.8, "1",
        "assumption: -3 dB bandwidth of a linear driver + modulator + photodiode + TIA chain "
        "(100G/200G-class optics: 0.5-0.8 x baud)")
    add("linear_penalty_db", 4.0 if is200 else 3.0, 2.0 if is200 else 1.5, 8.0 if is200 else 6.0, "dB",
        "assumption: optical link penalty as flat electrical loss; the upper end is below the 10 dB by "
        "which Semtech's LPO host budget (22 dB) is smaller than a retimed one (32 dB)")
    add("linear_eq_factor", 1.0, 0.5, 2.0, "1",
        "assumption: multiplier of the linear driver/TIA CTLE + VGA power (sikernel.power.blocks "
        "afe_stage_w at the module path's own bandwidth loss)")
    from .channels import LENGTH_RANGES_M, length_range_loss_offsets_db

    def mm(kind: str) -> str:
        lo, hi = LENGTH_RANGES_M[kind]
        return f"{1e3 * lo:g}-{1e3 * hi:g} mm"

    add("c2m_loss_offset_db", 0.0, *length_range_loss_offsets_db("c2m", g.baud), "dB",
        f"D: the built C2M channel with a host board of {mm('c2m')} instead of the 254 mm default (OIF "
        "CEI-224G: > 200 mm + connector + >= 20 mm module; channels.LENGTH_RANGES_M)")
    if g.linear_host_budget_db is not None:
        add("linear_c2m_loss_offset_db", 0.0, -2.5, 0.0, "dB",
            "assumption: a C2M board built to the linear host budget "
            f"({g.linear_host_budget_db:g} dB; LPO, LRO) is at most at it, and up to 2.5 dB below it (a "
            "flyover cable or a lower-loss laminate; its length alone is pinned by the C2M class, > 200 mm, "
            "and the budget)")
    add("npo_loss_offset_db", 0.0, *length_range_loss_offsets_db("npo", g.baud), "dB",
        f"D: the built NPO channel with a board of {mm('npo')} instead of the 100 mm default (CEI-224G "
        "NPO: < 150 mm)")
    add("cpo_loss_offset_db", 0.0, *length_range_loss_offsets_db("cpo", g.baud), "dB",
        f"D: the built CPO channel with a package trace of {mm('cpo')} instead of the 25 mm default "
        "(CEI-224G CPO: < 50 mm)")
    # external laser source (CPO, NPO)
    # The source is priced by the light it provisions per lane: the product's laser output over the
    # product's lanes per laser (trial 98 M1: drawn independently, 8 lanes on a laser sized for 4
    # halved the light per lane). The laser output is derived from it (components.els_laser_output_dbm).
    from .components import ELS_TOP_CLASS_DBM

    if is200:
        add("els_lane_light_dbm", 18.5, 17.0, round(ELS_TOP_CLASS_DBM - 10.0 * math.log10(4.0), 1),
            "dBm per lane provisioned (laser side of the split)",
            "the 200G product's light per lane: NVIDIA Quantum-X Photonics (200G/lane micro-ring engines) "
            "external laser source, 18 modules x 8 CW DFB lasers, 'each laser provides 24.5 dBm to cover "
            "connector, coupling and modulator losses' (SemiAnalysis, 'Co-Packaged Optics (CPO) Book', 2 Jan "
            "2026, as relayed by a public research note, L-M), over the product's 4 lanes per laser "
            "(els_lanes_per_laser): 24.5 - 6.0 = 18.5 dBm; Lumentum, its initial laser supplier, ~250 mW = "
            "24 dBm per wavelength (relayed, L-M): 18.0 dBm over 4; range: lasers of 23 dBm to the top "
            "OIF ELSFP per-fibre class, 26 dBm (as quoted by a vendor blog, M-L), over the same 4 lanes. "
            "Until December 2026 the laser's output was the input (20 dBm, the OIF example class, a class "
            "menu entry: research note 102), drawn independently of the lanes per laser (trial 98 M1)")
    else:
        add("els_lane_light_dbm", 17.0, 14.0, 18.5, "dBm per lane provisioned (laser side of the split)",
            "OIF ELSFP implementation agreement (as quoted by a vendor blog, M-L): the example "
            "very-high-power module 20 +/- 1.5 dBm per fibre, over the 2 lanes per laser inferred for the "
            "100G product (els_lanes_per_laser, chosen partly by its agreement with the ECOC 2025 5.4 W): "
            "20 - 3.0 = 17.0 dBm; range: the same class over 4 lanes (14.0 dBm: NVIDIA's sharing, and the "
            "100G assumption before review 7) to its top, 21.5 dBm, over 2 (18.5 dBm). No laser figure of "
            "the 100G product (Bailly) found, so this is a class value, not the product's; Lumentum's "
            "~250 mW (24 dBm) lasers are the 200G product's (until review 35 the range's top, 21 dBm "
            "per lane, paired them with the 100G sharing)")
    add("els_lanes_per_laser", 4.0 if is200 else 2.0, 2.0 if is200 else 1.0, 8.0 if is200 else 4.0,
        "TX lanes per laser",
        ("product structure: NVIDIA Quantum-X Photonics, 36 laser inputs for 18 engines of 1.6T "
         "(8 TX lanes each) -> 4 lanes per laser (NVIDIA press release GTC 2025, M); the same 4 from "
         "18 laser modules x 8 lasers for 72 engines x 8 TX lanes (SemiAnalysis CPO Book, 2 Jan 2026, "
         "relayed, L-M); range 2-8: "
         "'a single external laser across eight links' (secondary, L) read as 8 lanes at the high end, "
         "2 at the low end (assumption). Sets the laser count and each laser's output, not the light per "
         "lane (els_lane_light_dbm) nor the price; a sharing the top laser class cannot give takes more "
         "lasers") if is200 else
        ("Broadcom Bailly (100G): 2 lanes per laser from the only evidence found (research notes 2d, "
         "L): APNIC blog as relayed, 'NVIDIA uses 4x fewer laser modules per bandwidth than Broadcom'; "
         "with NVIDIA's 4 x 200G = 800 Gb/s per laser that is ~200 Gb/s = 2 x 100G lanes per Broadcom "
         "laser, consistent with the ~250-270 mW per lane the ECOC 2025 5.4 W leaves after the ISSCC "
         "2026 EIC. The remark counts laser modules, not lasers: it gives lanes per laser only if both "
         "vendors' modules hold the same number of lasers (assumption). Range 1 (one laser per lane, the "
         "pluggable DR8 structure) to 4 (NVIDIA's structure, if Broadcom's modules hold fewer lasers). "
         "Sets the laser count and each laser's output, not the light per lane (els_lane_light_dbm) "
         "nor the price; a sharing the top laser class cannot give takes more lasers"))
    add("els_wpe", 0.15, 0.08, 0.25, "1",
        "wall-plug efficiency of the external laser source incl. its TEC and drivers: Lumentum's "
        "ELS module ~2 W optical (8 x ~250 mW) for ~12 W electrical = 0.17 (relayed, L-M, D); "
        "range: assumption")
    add("els_lane_optical_dbm", 12.5 if is200 else 11.0, 9.5 if is200 else 8.0, 15.5 if is200 else 14.0,
        "dBm per lane at the laser (link budget; a check, not a cost)",
        "assumption: link budget, ~ -5 dBm OMA sensitivity + ~16 dB of laser-to-PIC coupling, splitter "
        "excess, modulator insertion/OMA loss, fibre and connectors; +1.5 dB at 200G (twice the noise "
        "bandwidth). Checked against the light per lane provisioned (els_lane_light_dbm, capped by the "
        "top laser class over els_lanes_per_laser), not priced")
    # CPO / NPO engine electronics: the linear direct-drive ring driver (components.ring_driver_w)
    add("ring_c_f", 80e-15, 40e-15, 150e-15, "F",
        "assumption: ring junction + pad + micro-bump capacitance at the driven node (depletion-mode "
        "ring junction ~20-50 fF, 3D-stacked pad/bump/ESD ~20-60 fF)")
    add("ring_driver_c_out_f", 60e-15, 25e-15, 220e-15 if is200 else 120e-15, "F",
        "D/assumption: the output stage's own drain, cascode and ESD capacitance at the driven node. "
        "Rule: ~1 fF per mA of tail (FinFET drain ~0.3 fF/um at the ~0.3 mA/um peak-f_T current density, "
        "S. P. Voinigescu, High-Frequency Integrated Circuits, Cambridge 2013, constant-current-density "
        "design). The point 60 fF is held fixed, not solved with the current. At 100G (a ring engine; the "
        "51.2T default is an MZM) it follows the rule (the stage draws 51 mA; solved self-consistently "
        "C_out = c_d I gives 45 fF). At 200G it does NOT: "
        "the stage draws 101 mA at 60 fF, and the rule solved self-consistently (I = I0/(1 - rho), "
        "rho = 0.72) gives 209 fF and 209 mA; single-ended it diverges at rho >= 1 (2.8 V swing), a "
        "push-pull drive would about halve rho. Unresolved modelling choice (docs 6.4.1, 6.4.3: 2.3 W per "
        "1.6T CPO port); the 200G range reaches 220 fF to contain the rule's value")
    add("ring_vpp_v", 2.0, 1.2, 2.5, "V",
        "assumption: single-ended ring drive swing (stacked / thick-oxide CMOS output stage)")
    add("ring_driver_headroom_v", 0.5, 0.3, 0.8, "V",
        "assumption: output-stage supply above the swing: tail current source + pair saturation at the "
        "lowest output level (Razavi, Design of Analog CMOS ICs, 2nd ed., ch. 4: CML output swing limits)")
    add("ring_driver_swing_fraction", 0.6, 0.45, 0.85, "1",
        "tail-current fraction the linear output pair steers at the outer PAM4 levels: with the square-law "
        "pair (components.pair_steering_input) x = 0.6 gives level mismatch RLM = 0.95, the IEEE 802.3 "
        "PAM4 TX limit (120D.3.1.2); 0.85: the switch TX pre-distorting its levels (assumption); 0.45: "
        "margin for the ring's own nonlinearity (assumption)")
    add("engine_input_vppd", 0.3, 0.15, 0.5, "V (differential peak-to-peak)",
        "assumption: PAM4 swing the switch SerDes delivers at the engine input after the <= 50 mm "
        "package trace and its TX FFE de-emphasis (XSR-class TX launch ~0.75-1 Vppd)")
    add("ring_heater_w", 5e-3, 2e-3, 15e-3, "W per ring",
        "assumption: thermal tuning of one ring (locking over a fraction of its FSR)")
    add("mzm_driver_factor", 0.8, 0.5, 1.1, "1",
        "assumption: co-packaged linear MZM driver power / the retimed module's driver power")
    add("mzm_bias_w", 10e-3, 2.5e-3, 25e-3, "W per MZM",
        "D: thermo-optic bias of a silicon MZM held at quadrature, mean heater power P_pi/2 with a "
        "heater on each arm of a balanced MZM at a fixed polarity (the phase to add lies in [0, pi), "
        "spread across it by mm-long arms' index errors); P_pi of an un-isolated SOI heater 22-25 mW "
        "in the C band (Harris et al., Opt. Express 22(9) 10487, 2014: 24.77 mW, doped Si; Jacques et "
        "al., Opt. Express 27(8) 10456, 2019: 22.1-23.2 mW, N++ Si; both M, as summarised), x0.85 in "
        "the O band (P_pi ~ lambda) -> ~20 mW, so 10 mW; low 2.5 mW: trench-isolated heater (P_pi "
        "~10 mW) with the lane's polarity free (P_pi/4); high 25 mW: one heater per MZM at a fixed "
        "polarity (P_pi ~20 mW) with ~1.25x for its driver. No published engine breakdown found lists "
        "it (a search of public pages, session 29, L); measured engine totals (Bailly) include it")
    add("engine_tia_factor", 1.0, 0.6, 1.4, "1",
        "assumption: engine TIA power / the retimed module's TIA power (same TIA core)")
    add("engine_other_w", 0.4 if is200 else 0.25, 0.15 if is200 else 0.1, 0.8 if is200 else 0.6,
        f"W per {ENGINE_OTHER_LANES} lanes", "assumption: engine controller, monitor photodiodes, heater "
        "control; an engine's, shared by its lanes, so it is priced per lane (a port of another width "
        "gets its lanes' share, not a controller of its own, unlike a pluggable module's)")
    # host-SerDes energy model inputs that move the answer (the host ends' curves, system.end_curves)
    from ..power.coefficients import DEFAULT_COEFFICIENTS, DOC

    fo4 = DOC["t_fo4_s"]
    add("t_fo4_s", DEFAULT_COEFFICIENTS.t_fo4_s, fo4.low, fo4.high, "s (FO4 delay at 7 nm)",
        "sikernel.power.coefficients t_fo4_s, its documented range: " + fo4.source
        + "; sets the analog DFE one-UI loop and the serializer self-loading, and so the receiver "
          "family near 25 dB at 3-5 nm")
    add("crosstalk_scale", 1.0, 0.5, 1.5, "x crosstalk amplitude of the generation's model",
        "assumption: multiplier of the host links' power-sum FEXT/NEXT amplitude (sikernel.power."
        "crosstalk, fitted on the one measured set, P802.3ck CA_19p75dB). Upper end x1.5 (+3.5 dB): "
        "the 802.3ck COM sheets' full-swing NEXT aggressors, A_ne/A_v = 0.608/0.413 = 1.47, and the "
        "fit's rms residual (FEXT 3.1 dB, NEXT 4.8 dB); lower end x0.5 (-6 dB): a host board and "
        "package better isolated than a cable assembly with its connectors (no published crosstalk "
        "limit to anchor it: 802.3ck specifies crosstalk only through COM)")
    documented = {x.name: x for x in out}
    # the user's values (Generation.assumption_values): each replaces its input's point and range
    for name, v in g.assumption_values:
        x = check_user_value(name, v, documented)
        a = documented[name]
        documented[name] = Assumption(name, x, x, x, a.unit, f"user value; documented: {a.source}",
                                      documented=(a.value, a.low, a.high))
    return documented


_INF = math.inf
#: inputs a user value may set, with the values each can physically take: (low, low included,
#: high, high included, what it is).  The documented range of :func:`assumptions` is what the
#: evidence supports (outside it a value warns); this is what the pricing code can use at all.
#: The loss offsets are bounded by the loss shifts the energy curves are tabulated on
#: (:data:`sikernel.system.end_curves.RATIO_GRID_DB`).
USER_VALUE_DOMAINS: dict[str, tuple[float, bool, float, bool, str]] = {
    **{f"module_{c}_w": (0.0, True, _INF, False, "a power") for c in ("driver", "laser", "tia", "other")},
    "dsp_tx_share": (0.0, True, 1.0, True, "a share"),
    "linear_f3db_over_baud": (0.0, False, _INF, False, "a bandwidth"),
    "linear_penalty_db": (0.0, True, _INF, False, "a penalty"),
    "linear_eq_factor": (0.0, True, _INF, False, "a factor"),
    **{k: (-6.0, True, 14.0, True, "a loss shift within the tabulated -6 ... +14 dB")
       for k in ("c2m_loss_offset_db", "linear_c2m_loss_offset_db", "npo_loss_offset_db",
                 "cpo_loss_offset_db")},
    "els_lane_light_dbm": (-_INF, False, _INF, False, "an optical power"),
    "els_lanes_per_laser": (1.0, True, _INF, False, "lanes sharing one laser"),
    "els_wpe": (0.0, False, 1.0, True, "an efficiency"),
    "els_lane_optical_dbm": (-_INF, False, _INF, False, "an optical power"),
    "ring_c_f": (0.0, True, _INF, False, "a capacitance"),
    "ring_driver_c_out_f": (0.0, True, _INF, False, "a capacitance"),
    "ring_vpp_v": (0.0, False, _INF, False, "a swing"),
    "ring_driver_headroom_v": (0.0, True, _INF, False, "a headroom"),
    "ring_driver_swing_fraction": (0.0, False, 1.0, True, "a fraction of the tail current"),
    "engine_input_vppd": (0.0, False, _INF, False, "a swing"),
    "ring_heater_w": (0.0, True, _INF, False, "a power"),
    "mzm_driver_factor": (0.0, True, _INF, False, "a factor"),
    "mzm_bias_w": (0.0, True, _INF, False, "a power"),
    "engine_tia_factor": (0.0, True, _INF, False, "a factor"),
    "engine_other_w": (0.0, True, _INF, False, "a power"),
}
#: a user value beyond this factor of its documented range (inputs in linear units), or beyond this
#: many dB of it (inputs in dB or dBm), is refused as a likely unit slip; between the range and these
#: bounds it is priced with a warning.  The unit slips of a notebook are factors of 1e3 (mW typed in
#: W, fF in F) or W typed as dBm (trial 98: ring_c_f=80 priced a 1.2e15 W CPO port,
#: els_laser_out_dbm=0.1, an input els_lane_light_dbm has replaced, a believable 4.7 W one, both with
#: only the range warning); 30x (1.5 decades) and 15 dB leave room for exploring well past every
#: documented range.
SLIP_FACTOR = 30.0
SLIP_DB = 15.0
#: inputs drawn by the Monte Carlo that a user value cannot set, and where to set them instead: the
#: host-SerDes energy is priced at their calibrated point and they only move it through curves
#: relative to that point
NOT_USER_SETTABLE: dict[str, str] = {
    "t_fo4_s": "a coefficient of the host-SerDes energy model (sikernel.power.coefficients), priced at its "
               "calibrated value; explore it with energy_per_bit(coefficients=...) (the study draws it in "
               "its bands)",
    "crosstalk_scale": "the crosstalk amplitude's spread around the generation's model; set the crosstalk "
                       "itself with run_study(crosstalk=...) or sikernel study --crosstalk (e.g. 1.5)",
}

#: inputs a user value once set that are now derived, and what to set instead
DERIVED_INPUTS: dict[str, str] = {
    "els_laser_out_dbm": "derived since December 2026: the laser output that gives each of its "
                         "els_lanes_per_laser lanes the light els_lane_light_dbm, within the top OIF "
                         "class (components.els_laser_output_dbm); set els_lane_light_dbm = laser output - "
                         "10 log10(lanes per laser) instead (24.5 dBm over 4 lanes is 18.5 dBm), and "
                         "els_lanes_per_laser for the sharing",
}


def check_user_values(g: Generation) -> None:
    """Check every user value of ``g`` before any pricing; one outside its documented range warns.

    The values are also checked wherever they are applied (:func:`assumptions`), so a
    :class:`~sikernel.system.standards.Generation` priced without this call is refused the same
    way; this call adds the warning and is what :func:`sikernel.study.run_study` runs first.

    Parameters
    ----------
    g : Generation
        The generation and its ``assumption_values``.

    Raises
    ------
    SIKernelError
        As :func:`check_user_value`.

    Warns
    -----
    SIKernelWarning
        A value outside its input's documented range (priced as given); lanes per laser set
        without the light per lane (a sharing alone no longer moves the price).
    """
    import warnings

    from .._stacklevel import user_stacklevel
    from ..errors import SIKernelWarning

    if not g.assumption_values:
        return
    for a in assumptions(g).values():   # refuses what check_user_value refuses
        if a.documented is not None:
            point, low, high = a.documented
            if not low <= a.value <= high:
                warnings.warn(SIKernelWarning(
                    f"{a.name}={a.value:g}{unit_suffix(a.unit)} is outside its documented range "
                    f"{low:g}-{high:g} at {g.name} (point {point:g}); it is priced as given"),
                    stacklevel=user_stacklevel())
    given = dict(g.assumption_values)
    if "els_lanes_per_laser" in given and "els_lane_light_dbm" not in given:
        # review 35 M3: until December 2026 this input halved or doubled the laser power per lane
        warnings.warn(SIKernelWarning(
            f"els_lanes_per_laser={given['els_lanes_per_laser']:g} at {g.name} sets how many lasers the "
            "source holds and how bright each is, not the light a lane gets nor its price (the input "
            "els_lane_light_dbm, since December 2026); to price another product's light per lane set "
            "els_lane_light_dbm = its laser output - 10 log10(lanes per laser)"),
            stacklevel=user_stacklevel())


def check_user_value(name: str, value: object, documented: dict[str, Assumption]) -> float:
    """A user value of the optical-side input ``name`` as a float, else :class:`SIKernelError`.

    Parameters
    ----------
    name : str
        Input name (a key of ``documented``).
    value : object
        The value, in the input's unit.
    documented : dict
        The documented inputs (:func:`assumptions` of the generation without user values).

    Returns
    -------
    float

    Raises
    ------
    SIKernelError
        An unknown name (with the nearest known one), an input a user value cannot set
        (:data:`NOT_USER_SETTABLE`) or that is now derived (:data:`DERIVED_INPUTS`), a value that
        is not a finite number or lies outside what the input can physically take
        (:data:`USER_VALUE_DOMAINS`), or a likely unit slip: more than
        :data:`SLIP_FACTOR` x (:data:`SLIP_DB` dB for dB and dBm inputs) outside its documented range.
    """
    import difflib

    from .. import _validate
    from ..errors import SIKernelError

    if name in NOT_USER_SETTABLE:
        raise SIKernelError(f"{name} cannot be given a user value: it is {NOT_USER_SETTABLE[name]}")
    if name in DERIVED_INPUTS:
        hint = ""
        if name == "els_laser_out_dbm" and "els_lanes_per_laser" in documented:
            try:
                n = documented["els_lanes_per_laser"].value
                hint = (f"; {name}={value!r} over this generation's {n:g} lanes per laser is "
                        f"els_lane_light_dbm={float(value) - 10 * math.log10(n):.1f}")
            except (TypeError, ValueError):
                pass
        raise SIKernelError(f"{name} cannot be given a user value: it is {DERIVED_INPUTS[name]}{hint}")
    if name not in documented or name not in USER_VALUE_DOMAINS:
        known = sorted(k for k in documented if k in USER_VALUE_DOMAINS)
        near = difflib.get_close_matches(name, known, n=1)
        did = f" (did you mean {near[0]!r}?)" if near else ""
        raise SIKernelError(f"unknown optical-side input {name!r}{did}; known: {', '.join(known)}")
    x = _validate.finite_scalar(name, value)
    lo, lo_in, hi, hi_in, what = USER_VALUE_DOMAINS[name]
    if not ((x > lo or (lo_in and x == lo)) and (x < hi or (hi_in and x == hi))):
        rng = (("[" if lo_in else "(") + (f"{lo:g}" if math.isfinite(lo) else "-inf") + ", "
               + (f"{hi:g}" if math.isfinite(hi) else "inf") + ("]" if hi_in else ")"))
        a = documented[name]
        raise SIKernelError(f"{name}={value!r} is outside {rng}: it is {what} ({_unit_name(a.unit)}; "
                            f"documented {a.low:g}-{a.high:g}, point {a.value:g})")
    _check_unit_slip(name, float(x), documented[name])
    return float(x)


def _unit_name(unit: str) -> str:
    """An input's unit in a message ("dimensionless" for the unit "1")."""
    return "dimensionless" if unit in ("1", "") else unit


def _check_unit_slip(name: str, x: float, a: Assumption) -> None:
    """Refuse a user value :data:`SLIP_FACTOR` x (linear units) or :data:`SLIP_DB` dB (dB, dBm) beyond
    the documented range of input ``a``, naming the slip it looks like."""
    from ..errors import SIKernelError

    doc = f"documented {a.low:g}-{a.high:g}{unit_suffix(a.unit)}, point {a.value:g}"
    if a.unit.startswith("dB"):
        if a.low - SLIP_DB <= x <= a.high + SLIP_DB:
            return
        hint = ""
        if a.unit.startswith("dBm") and 0 < x < a.low:
            hint = (f"; a power in W or mW typed as dBm? {x:g} W is {10 * math.log10(x * 1e3):.1f} dBm, "
                    f"{x:g} mW is {10 * math.log10(x):.1f} dBm")
        elif a.unit.startswith("dBm") and x > a.high:
            hint = f"; a power in mW typed as dBm? {x:g} mW is {10 * math.log10(x):.1f} dBm"
        raise SIKernelError(f"{name}={x:g} is more than {SLIP_DB:g} dB outside its documented range ({doc})"
                            f"{hint}; the study refuses values that far out as likely unit slips")
    lo_open = USER_VALUE_DOMAINS[name][0] == 0.0 and not USER_VALUE_DOMAINS[name][1]
    if x > a.high * SLIP_FACTOR and a.high > 0:
        what = f"{x / a.high:.3g}x the top of its documented range"
    elif lo_open and 0 < x < a.low / SLIP_FACTOR:
        what = f"1/{a.low / x:.3g} of the bottom of its documented range"
    else:
        return
    # a prefix slip is named only where it lands the value near the documented range (review 32 M3:
    # ring_c_f=5e-12 had been asked "5e-12 fF is 5e-27 F?", a lane count "a unit prefix?")
    unit = a.unit.split()[0] if a.unit else ""
    prefix = {"F": ("f", 1e-15), "W": ("m", 1e-3), "V": ("m", 1e-3)}.get(unit)
    slip = f"check its unit ({_unit_name(a.unit)})"
    if prefix is not None and a.low / SLIP_FACTOR <= x * prefix[1] <= a.high * SLIP_FACTOR:
        slip = f"a unit slip? {x:g} {prefix[0]}{unit} is {x * prefix[1]:g} {unit}"
    raise SIKernelError(f"{name}={x:g} is {what} ({doc}): {slip}; the study refuses values more than "
                        f"{SLIP_FACTOR:g}x outside the documented range as likely slips")


def point_values(g: Generation) -> dict[str, float]:
    """The point value of every assumption of generation ``g`` (name -> value in its unit).

    Parameters
    ----------
    g : Generation
        Switch generation.

    Returns
    -------
    dict
        Name -> :attr:`Assumption.value`, the inputs of :func:`assumptions` at their point.
    """
    return {k: a.value for k, a in assumptions(g).items()}


__all__ = ["MODULE_ANCHORS", "Assumption", "assumptions", "module_anchor", "module_anchor_range_w",
           "module_outside_anchor", "point_values"]
