"""Out-of-sample checks of the CPO account: published system claims, component figures, laser budget.

Each check is a dict in the format of the study's ``checks`` list (``label``, ``kind``,
``architecture``, ``generation``, ``model``, ``unit``, ``published``, ``published_low``,
``published_high``, ``source``, ``ratio_to_mid``) plus ``counts`` (what the published figure
counts) and ``model_quantity`` (the model's like-for-like quantity); a claim whose source does not
say whether it counts the switch SerDes also carries ``other_reading`` (``reading``, ``model``,
``ratio_to_mid``: the same claim read the other way), and ``informed`` where an input of the model was
chosen partly by its agreement with the figure (not cleanly out of sample).  For a check in dB or dBm
(host-channel budgets, ERL, laser light) ``ratio_to_mid`` is the ratio in linear power,
``10^((model - published)/10)``, and ``margin_db`` the distance in dB the check is read by (trial 98:
a 6 dB laser margin reads 3.97 as a ratio).  None of the system
claims was fitted on (:data:`sikernel.system.modules.SYSTEM_CLAIMS`); of the component figures
(:data:`~sikernel.system.modules.COMPONENT_FIGURES`) the ring driver is out of sample and the
ELS per-laser figure is **in sample** (``els_wpe`` is sourced from the same Lumentum module; it
is compared at that module's 250 mW laser output, kind "component, in sample (source of
els_wpe)").  tests/test_system_checks.py states for each claim the bound that would accept it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

#: draws of the laser-budget check (seeded; triangular on each input's range)
ELS_CHECK_DRAWS = 20000
#: seed of the laser-budget check draws
ELS_CHECK_SEED = 20251008
#: optical output per laser of Lumentum's CPO ELS module, "~250 mW per wavelength" (relayed, L-M):
#: the like-for-like point of the per-laser check (the module's 12 W are for 8 lasers at this output)
ELS_PUBLISHED_LASER_W = 0.25
#: ERL preset (IEEE 802.3ck configuration sheet, :data:`sikernel.eye.erl.ERL_PRESETS`) of each host-link
#: class: chip-to-module (Annex 120G host sheet, ERL >= 7.3 dB) and chip-to-chip (Annex 120F, >= 9.7 dB)
HOST_ERL_PRESET = {"c2m": "802.3ck-c2m-host", "c2c": "802.3ck-c2c"}
#: the IEEE 802.3ck clause of each ERL preset, for the printed label
_ERL_SHEET_NAME = {"802.3ck-c2m-host": "Annex 120G host", "802.3ck-c2c": "Annex 120F C2C"}
#: ERL (dB, lowest and highest) of the five public IEEE P802.3ck thru channels of ``shared/channels``
#: under each preset's sheet, computed by the IEEE COM code 4.50 (unedited, GNU Octave 7.3.0;
#: tests/data/erl/erl_ref_450.json, which tests/test_system_checks.py reads back): real channels'
#: reflections, the yardstick of the built ones
REAL_CHANNEL_ERL_DB = {"802.3ck-c2m-host": (11.28, 20.59), "802.3ck-c2c": (10.90, 17.05)}
#: frequency grid of the ERL checks (Hz): that of the P802.3ck channel files, 0-60 GHz in 10 MHz steps
ERL_GRID_HZ = np.arange(6001) * 10e6
#: ERL preset on which every board's breakout-via choice is judged (:func:`nearest_via_choice`): the
#: Annex 120F C2C sheet, whose PTDR has no fixture delay; the Annex 120G host sheet gates out the first
#: 0.2 ns (its ``fixture delay time``), where a via at the board's end sits, so under it a C2M board's
#: breakout vias barely show
VIA_RULE_ERL_PRESET = "802.3ck-c2c"


def nearest_via_choice(erl_with_db: float, erl_without_db: float, low_db: float, high_db: float) -> bool:
    """Whether a board should carry breakout vias: the choice whose ERL lies nearest ``[low_db,
    high_db]`` (the real channels' range under the same sheet; 0 inside it); on a tie (both inside, or
    equally far) the board without them, the simpler model.

    Parameters
    ----------
    erl_with_db, erl_without_db : float
        ERL of the board with and without a breakout via at each end (dB).
    low_db, high_db : float
        ERL range of the real channels under the same sheet (dB).

    Returns
    -------
    bool
        True for vias.
    """
    def distance(x: float) -> float:
        return max(low_db - x, 0.0, x - high_db)

    return distance(erl_with_db) < distance(erl_without_db)


def _w(m: Any, *, module_only: bool = False) -> float:
    from .account import SWITCH_BLOCKS

    return float(sum(v for k, v in m.blocks_w().items() if not (module_only and k in SWITCH_BLOCKS)))


def _entry(key: str, claim: Any, kind: str, arch: str, gen: str, model: float,
           other: tuple[str, float] | None = None, **extra: Any) -> dict[str, Any]:
    """One check; ``other`` = (reading, model figure): the same claim read the other way where its
    source does not say what it counts (with or without the switch SerDes), printed beside the
    reading the check takes (audit 28: only the reading nearer the model was shown)."""
    out = {"label": claim.label, "kind": kind, "architecture": arch, "generation": gen, "model": float(model),
           "unit": claim.unit, "published": claim.value, "published_low": None, "published_high": None,
           "source": claim.source, "ratio_to_mid": float(model) / claim.value, "counts": claim.counts,
           "model_quantity": claim.model_quantity, "key": key}
    if other is not None:
        out["other_reading"] = {"reading": other[0], "model": float(other[1]),
                                "ratio_to_mid": float(other[1]) / claim.value}
    if getattr(claim, "informed", ""):
        out["informed"] = claim.informed
        out["kind"] = informed_kind(kind)
    out.update(extra)
    return out


def informed_kind(kind: str) -> str:
    """``kind`` of a check whose claim informed an input: "..., out of sample" becomes "..., not
    cleanly out of sample", so the printed checks and the docs table say what the README says
    (review 34 M3).

    Parameters
    ----------
    kind : str
        The check's kind, e.g. "system claim, out of sample".

    Returns
    -------
    str
    """
    return kind.replace("out of sample", "not cleanly out of sample")


def claim_checks(model: Callable[[str, str], Any]) -> list[dict[str, Any]]:
    """The CPO system claims and component figures against the account at its point values.

    Parameters
    ----------
    model : callable
        ``model(architecture, generation_name) -> PortModel`` at the default paths.

    Returns
    -------
    list of dict
        One check per claim (see the module docstring).
    """
    from . import components
    from .modules import COMPONENT_FIGURES, SYSTEM_CLAIMS

    c = SYSTEM_CLAIMS
    kind = "system claim, out of sample"
    cpo2, plug2 = model("cpo", "102.4T"), model("pluggable", "102.4T")
    cpo1, plug1 = model("cpo", "51.2T"), model("pluggable", "51.2T")
    w_cpo2, w_plug2 = _w(cpo2), _w(plug2)
    # the 51.2T CPO saving, whole ports and optics only (two claims read it each way)
    saving1 = 1.0 - _w(cpo1) / _w(plug1)
    optics_saving1 = 1.0 - _w(cpo1, module_only=True) / _w(plug1, module_only=True)
    optics_cpo2, optics_plug2 = _w(cpo2, module_only=True), _w(plug2, module_only=True)
    optics_saving2 = 1.0 - optics_cpo2 / optics_plug2
    # the 30 % system saving: the model's saving over a published Tomahawk 5 box without optics (chip,
    # CPU, fans, conversion) plus the pluggable modules; the chip alone plus the optics (the reading
    # until audit 28, a denominator without CPU, fans or conversion) is the other reading
    box, chip = c["th5_box_w_no_optics"], c["th5_chip_w"]
    n = cpo1.gen.ports_per_switch
    saved_w, modules_w = n * (_w(plug1) - _w(cpo1)), n * _w(plug1, module_only=True)
    system = dataclasses.replace(
        c["bailly_system_saving"], source=f"{c['bailly_system_saving'].source}; the system: {box.label} "
        f"({box.source}); other reading: switch chip {chip.value:g} W ({chip.source}) + optics")
    out = [
        _entry("bailly_system_saving", system, kind, "cpo", "51.2T", saved_w / (box.value + modules_w),
               other=(f"switch chip {chip.value:g} W + optics only", saved_w / (chip.value + modules_w)),
               implied_rest_of_system_w=saved_w / system.value - (chip.value + modules_w)),
        _entry("nvidia_cpo_w_per_1p6t", c["nvidia_cpo_w_per_1p6t"], kind, "cpo", "102.4T", w_cpo2,
               other=("engine + laser only", optics_cpo2)),
        _entry("nvidia_pluggable_w_per_1p6t", c["nvidia_pluggable_w_per_1p6t"], kind, "pluggable", "102.4T",
               w_plug2, other=("module only", optics_plug2)),
        _entry("nvidia_ratio", c["nvidia_ratio"], kind, "cpo", "102.4T", w_plug2 / w_cpo2,
               other=("optics only", optics_plug2 / optics_cpo2)),
        _entry("davisson_saving", c["davisson_saving"], kind, "cpo", "102.4T", 1.0 - w_cpo2 / w_plug2,
               other=("optics only", optics_saving2), model_optics_only=optics_saving2),
        _entry("bailly_meta_w_per_800g", c["bailly_meta_w_per_800g"], kind, "cpo", "51.2T",
               _w(cpo1, module_only=True) * 800.0 / cpo1.gen.port_gbps),
        _entry("bailly_io_saving", c["bailly_io_saving"], kind, "cpo", "51.2T", saving1,
               other=("optics only", optics_saving1), model_optics_only=optics_saving1),
        _entry("bailly_meta_optics_saving", c["bailly_meta_optics_saving"], kind, "cpo", "51.2T",
               optics_saving1, other=("whole ports", saving1), model_full_port=saving1),
    ]
    # components (not fitted on either)
    p = cpo2.point
    if cpo2.gen.cpo_modulator == "ring":
        drv_w = float(cpo2.blocks_w()["driver"]) / cpo2.gen.lanes_per_port
        out.append(_entry("mrm_driver_200g_pj", COMPONENT_FIGURES["mrm_driver_200g_pj"],
                          "component, out of sample", "cpo", "102.4T",
                          drv_w / (cpo2.gen.lane_line_gbps * 1e-3)))
    b1 = cpo1.blocks_w()
    tia_w = float(b1["tia"]) / cpo1.gen.lanes_per_port
    out.append(_entry("linear_tia_112g_pj", COMPONENT_FIGURES["linear_tia_112g_pj"],
                      "component, out of sample", "cpo", "51.2T", tia_w / (cpo1.gen.lane_line_gbps * 1e-3)))
    if cpo1.gen.cpo_modulator == "mzm":  # the published engine IC drives MZMs
        eic_w = float(b1["driver"] + b1["tia"] + b1["other"])
        out.append(_entry("cpo_eic_6p4t_pj", COMPONENT_FIGURES["cpo_eic_6p4t_pj"],
                          "component, out of sample", "cpo", "51.2T", eic_w / (cpo1.gen.port_gbps * 1e-3)))
    # in sample: els_wpe is sourced from this very module; compared like for like at its published
    # laser output (0.25 W), so the ratio shows only the rounding of els_wpe (0.17 -> 0.15)
    per_laser = ELS_PUBLISHED_LASER_W / p["els_wpe"]
    out.append(_entry("els_w_per_laser", COMPONENT_FIGURES["els_w_per_laser"],
                      "component, in sample (source of els_wpe)", "cpo", "102.4T", per_laser,
                      model_at_class_output_w=float(components.els_laser_w(cpo2.els_laser_out_dbm(), 1.0,
                                                                           p["els_wpe"]))))
    for m in (cpo1, cpo2):
        out.append(els_budget_check(m))
    out.extend(host_channel_budget_checks(model))
    out.extend(host_channel_reflection_checks(model))
    return out


def host_channel_budget_checks(model: Callable[[str, str], Any]) -> list[dict[str, Any]]:
    """The default host channels against the published electrical budgets of their class.

    For each budget of :data:`sikernel.system.modules.HOST_CHANNEL_BUDGETS` (200G/lane: LPO 22 dB,
    retimed 32 dB die to die, Semtech; 100G/lane: LPO 20 dB die to die, the LPO MSA's recommendation,
    C2M 16 dB ball to ball, OIF EEI-112G-RTLR, and NPO / CPO 13 dB bump to bump, OIF CEI-112G-XSR+),
    on the port of
    :data:`~sikernel.system.modules.HOST_CHANNEL_BUDGET_PORTS`: the bare host channel's insertion loss
    at Nyquist (before any linear optical path; without the packages where the budget is ball to
    ball) of the port the study prices, and the margin ``budget - IL``.  The
    102.4T boards of the ports with a linear end (LPO, LRO) are built to the linear budget
    (:func:`sikernel.system.account.host_path`); for each of them the check also prices the port on
    the shared C2M board it would otherwise have (the pluggable's), two ways: on the study's own
    channel path (W per port and the receiver family of each host end) and on the tabulated energy
    model of :func:`sikernel.system.account.port_w_vs_host_loss` (the smooth synthetic channel of
    each loss).  The two can differ by more than the loss step: the built channel's reflections and
    crosstalk, with the module's linear path behind them, can move a host end to another receiver
    family where the synthetic channel of the same loss does not.

    Parameters
    ----------
    model : callable
        ``model(architecture, generation_name) -> PortModel`` at the default paths.

    Returns
    -------
    list of dict
        Check entries (kind "consistency check", ``limit`` "at_most", unit dB, ``margin_db``,
        ``ratio_to_mid`` = IL / budget in linear power, ``host_mm``: the host-board stripline priced
        in mm, ``packages_counted``); the linear budget's entry also ``linear_ports``, one dict per
        architecture whose board is built to it: ``architecture``, ``host_mm``, ``il_db``, ``w_per_port``,
        ``host_end_families`` (host end block -> receiver family), ``w_per_port_table``, and the same
        on the shared board: ``shared_board_mm``, ``il_on_shared_board_db``,
        ``w_per_port_on_shared_board``, ``host_end_families_on_shared_board``,
        ``w_per_port_table_on_shared_board``, and ``by_construction`` when the generation sizes its
        linear boards to that budget (the check then cannot fail).
    """
    from .account import PortModel, port_w_vs_host_loss
    from .architectures import ARCHITECTURES
    from .channels import DEFAULT_PATHS, build_channel, host_board_mm
    from .modules import HOST_CHANNEL_BUDGET_PORTS, HOST_CHANNEL_BUDGETS

    out = []
    for key, (arch, gname, packages) in HOST_CHANNEL_BUDGET_PORTS.items():
        b = HOST_CHANNEL_BUDGETS[key]
        m = model(arch, gname)
        ch = m.channel if packages else build_channel(m.path, m.gen.baud, packages=False)
        il = float(ch.il_db(m.gen.baud / 2.0))
        extra: dict[str, Any] = {"limit": "at_most", "margin_db": b.value - il,
                                 "host_mm": host_board_mm(m.path), "packages_counted": packages}
        if key == "semtech_lpo_budget_200g":
            shared_gen = dataclasses.replace(m.gen, linear_host_budget_db=None)
            rows = []
            for name in ARCHITECTURES:
                mb = model(name, "102.4T")
                if mb.path == DEFAULT_PATHS[mb.arch.path]:
                    continue   # not built to the budget
                ms = PortModel(name, shared_gen)
                il_b, il_s = (float(x.channel.il_db(m.gen.baud / 2.0)) for x in (mb, ms))
                t_b, t_s = (float(w) for w in port_w_vs_host_loss(name, m.gen, [il_b, il_s]))
                rows.append({"architecture": name, "host_mm": host_board_mm(mb.path), "il_db": il_b,
                             "w_per_port": _w(mb), "host_end_families": _end_families(mb),
                             "w_per_port_table": t_b,
                             "shared_board_mm": host_board_mm(ms.path), "il_on_shared_board_db": il_s,
                             "w_per_port_on_shared_board": _w(ms),
                             "host_end_families_on_shared_board": _end_families(ms),
                             "w_per_port_table_on_shared_board": t_s})
            extra["linear_ports"] = rows
            if m.gen.linear_host_budget_db is not None:   # trial 98 L5: say it, not only in the README
                extra["by_construction"] = (
                    f"the {gname} LPO and LRO host boards are sized to this budget "
                    f"(Generation.linear_host_budget_db = {m.gen.linear_host_budget_db:g} dB), so the "
                    "check holds by construction; it shows the margin left, not an agreement")
        e = _entry(key, b, "consistency check", arch, gname, il, **extra)
        e["ratio_to_mid"] = 10.0 ** ((il - b.value) / 10.0)
        out.append(e)
    return out


def host_channel_reflection_checks(model: Callable[[str, str], Any]) -> list[dict[str, Any]]:
    """The built host channels' reflections against the IEEE ERL limit and real channels, and their price.

    For the C2M board (pluggable, LRO, LPO) and the NPO board (NPO with and without DSP; priced on the
    retimed one, whose switch end sees the board alone): the effective return loss of the
    board part of the built channel (no packages, as the IEEE channel files are ball to ball)
    by :func:`sikernel.erl` with the IEEE 802.3ck sheet of its class (:data:`HOST_ERL_PRESET`),
    against the sheet's limit and beside the range of the real P802.3ck channels
    (:data:`REAL_CHANNEL_ERL_DB`, IEEE code); and, per generation, what the reflections cost the
    switch end: its energy on the built channel over that of the energy model's synthetic
    channel of the same loss (``energy_per_bit(loss_db=...)``, same node, BER, crosstalk and
    excluded families).  The same comparison for every host end of every architecture priced over
    that board (``host_ends_vs_smooth_channel``), the linear ends included: their channel is the board
    with the module's linear optical path behind it.  Also the ERL the same board has with and
    without a breakout via at each end (:attr:`~sikernel.system.channels.PathSpec.breakout_vias`),
    under its class's sheet and, in ``via_rule``, under the sheet without a fixture gate
    (:data:`VIA_RULE_ERL_PRESET`) with the choice :func:`nearest_via_choice` makes there (the shipped
    NPO board has them, the C2M board not).
    The CPO path has no board part and no ERL limit (in-package, XSR); its host ends are priced
    against the synthetic channel of their own kind, the bare xsr line
    (``package_ends_vs_smooth_channel`` of the C2C entry).

    Parameters
    ----------
    model : callable
        ``model(architecture, generation_name) -> PortModel`` at the default paths.

    Returns
    -------
    list of dict
        Check entries (kind "consistency check", unit dB, ``model`` = ERL, ``published`` = the
        sheet's limit, ``margin_db``, ``erl_tx_db``/``erl_rx_db``, ``breakout_vias`` (the shipped
        board's choice), ``erl_with_breakout_vias_db``, ``erl_without_breakout_vias_db``,
        ``real_channel_erl_db_low``/``_high``, ``via_rule`` (``preset``, ``erl_with_breakout_vias_db``,
        ``erl_without_breakout_vias_db``, ``real_channel_erl_db_low``/``_high`` under it, and the
        ``breakout_vias`` choice nearest that range),
        ``switch_end_vs_smooth_channel`` and ``switch_end_families``: generation -> ratio and
        (family on the built channel, family on the synthetic one); ``host_ends_vs_smooth_channel``:
        one dict per generation, architecture on the board and host end, with ``generation``,
        ``architecture``, ``block``, ``scope``, ``linear_optical_path``, ``il_nyquist_db``,
        ``family_built``, ``pj_per_bit_built``, ``family_smooth``, ``pj_per_bit_smooth``, ``ratio``;
        ``package_ends_vs_smooth_channel``: the same for the class's architectures without a board
        (CPO, on the C2C entry), against the synthetic channel of their own kind, ``"xsr"``).
    """
    from ..eye.erl import ERL_PRESETS, erl
    from .architectures import ARCHITECTURES
    from .channels import DEFAULT_PATHS, build_channel

    out = []
    for arch in ("pluggable", "npo_dsp"):   # the retimed ports: their switch end sees the bare board
        m = model(arch, "51.2T")
        preset = HOST_ERL_PRESET[m.arch.host_class]
        boards = [build_channel(dataclasses.replace(m.path, breakout_vias=v), m.gen.baud, packages=False,
                                f=ERL_GRID_HZ) for v in (True, False)]
        r_vias, r_bare = (erl(b, preset) for b in boards)
        r = r_vias if m.path.breakout_vias else r_bare   # the shipped board
        # under the rule's sheet: the same results where it is the class's own (the NPO board)
        rule = ((r_vias, r_bare) if preset == VIA_RULE_ERL_PRESET
                else tuple(erl(b, VIA_RULE_ERL_PRESET) for b in boards))
        rule_with, rule_without = (float(x.erl_db) for x in rule)
        rule_lo, rule_hi = REAL_CHANNEL_ERL_DB[VIA_RULE_ERL_PRESET]
        # every host end of the class's architectures: those on a board against the host-kind
        # synthetic channel; those with no board (CPO: its package trace and, behind it, the
        # engine's linear path) against the synthetic channel of their own kind (xsr)
        ratios, families, rows, package_rows = {}, {}, [], []
        of_class = {n: any(s[0] == "stripline" for s in DEFAULT_PATHS[a.path].segments)
                    for n, a in ARCHITECTURES.items() if a.host_class == m.arch.host_class}
        for gname in ("51.2T", "102.4T"):
            for name, on_board in of_class.items():
                mg = model(name, gname)
                for end in mg.ends:
                    row = _end_vs_smooth_channel(mg, end, gname, name)
                    (rows if on_board else package_rows).append(row)
                    if name == arch and end.side == "switch" and not end.linear:
                        ratios[gname] = row["ratio"]
                        families[gname] = (end.architecture, row["family_smooth"])
        limit = float(ERL_PRESETS[preset]["pass_threshold_db"])
        lo, hi = REAL_CHANNEL_ERL_DB[preset]
        paths = "pluggable / LRO / LPO" if m.arch.host_class == "c2m" else "NPO"
        vias = "a breakout via at each end" if m.path.breakout_vias else "no breakout vias"
        # where the via choice is judged under another sheet, say so: its figures differ from
        # this sheet's (new-user review: the README's rule and the printed ERL looked inconsistent)
        rule_note = ("" if preset == VIA_RULE_ERL_PRESET else
                     f"; the via choice is judged under the {_ERL_SHEET_NAME[VIA_RULE_ERL_PRESET]} "
                     f"sheet, which has no fixture gate: {rule_without:.1f} dB without vias, "
                     f"{rule_with:.1f} dB with, against {rule_lo:.1f}-{rule_hi:.1f} dB")
        out.append({
            "label": f"{m.arch.host_class.upper()} host board ({paths}; as shipped: {vias}): effective "
                     f"return loss against the IEEE 802.3ck {_ERL_SHEET_NAME[preset]} limit "
                     f"(the five public P802.3ck thru channels {lo:.1f}-{hi:.1f} dB{rule_note})",
            "kind": "consistency check", "architecture": arch, "generation": "51.2T",
            "model": float(r.erl_db),
            "unit": "dB", "published": limit, "published_low": None, "published_high": None,
            "source": f"ERL limit of the IEEE 802.3ck COM sheet of the class ({preset}); real channels: "
                      "IEEE COM code 4.50 on the five P802.3ck thru channels",
            "ratio_to_mid": 10.0 ** ((float(r.erl_db) - limit) / 10.0),
            "counts": "ERL >= the sheet's limit (COM's measure of the reflections a receiver sees)",
            "model_quantity": "sikernel.erl of the built channel's board part (no packages), 0-60 GHz",
            "key": f"host_erl_{m.arch.host_class}", "margin_db": float(r.erl_db) - limit,
            "erl_tx_db": float(r.tx.erl_db), "erl_rx_db": float(r.rx.erl_db),
            "breakout_vias": bool(m.path.breakout_vias),
            "erl_with_breakout_vias_db": float(r_vias.erl_db),
            "erl_without_breakout_vias_db": float(r_bare.erl_db),
            "real_channel_erl_db_low": lo, "real_channel_erl_db_high": hi,
            "via_rule": {"preset": VIA_RULE_ERL_PRESET, "erl_with_breakout_vias_db": rule_with,
                         "erl_without_breakout_vias_db": rule_without,
                         "real_channel_erl_db_low": rule_lo, "real_channel_erl_db_high": rule_hi,
                         "breakout_vias": nearest_via_choice(rule_with, rule_without, rule_lo, rule_hi)},
            "switch_end_vs_smooth_channel": ratios, "switch_end_families": families,
            "host_ends_vs_smooth_channel": rows, "package_ends_vs_smooth_channel": package_rows})
    return out


def _end_vs_smooth_channel(m: Any, end: Any, gname: str, name: str) -> dict[str, Any]:
    """One host end of the port model ``m`` priced on its built channel (the account's) and on the
    energy model's synthetic channel of the same loss and of the path's kind (same node, BER,
    scope, crosstalk and excluded families): a row of ``host_ends_vs_smooth_channel`` or, for a
    path with no board, ``package_ends_vs_smooth_channel``."""
    from ..power import energy_per_bit
    from .account import _kind

    smooth = energy_per_bit(loss_db=end.il_nyquist_db, baud=m.gen.baud, node_nm=end.node_nm,
                            exclude=m.path.exclude, target_ber=m.target_ber, scope=end.scope,
                            crosstalk=m.crosstalk, channel_kind=_kind(m.path))
    return {"generation": gname, "architecture": name, "block": end.block, "scope": end.scope,
            "linear_optical_path": end.linear, "il_nyquist_db": float(end.il_nyquist_db),
            "family_built": end.architecture, "pj_per_bit_built": float(end.pj_per_bit),
            "family_smooth": smooth.architecture, "pj_per_bit_smooth": float(smooth.total_pj_per_bit),
            "ratio": float(end.pj_per_bit / smooth.total_pj_per_bit)}


def _end_families(m: Any) -> dict[str, str]:
    """Host end block -> the receiver family its SerDes is priced in, at the point values."""
    return {e.block: e.architecture for e in m.ends}


def els_budget_check(m: Any) -> dict[str, Any]:
    """Does the external laser source give a lane the light its link budget asks for?

    The light per lane (provisioned, capped by the top laser class over the lanes one laser
    feeds: :meth:`~sikernel.system.account.PortModel.els_lane_light_given_dbm`) against the lane's
    link budget at the point values, and the fraction of the inputs' joint range (seeded
    triangular draws, as the study's Monte Carlo) in which it falls short.

    Parameters
    ----------
    m : PortModel
        An engine architecture (``optics == "engine"``).

    Returns
    -------
    dict
        A check entry (unit dBm; ``ratio_to_mid`` = light / budget in linear power).
    """
    from .uncertainty import triangular_ppf, uniform_columns

    a, p = m.assumptions, m.point
    light = float(m.els_lane_light_given_dbm())
    budget = p["els_lane_optical_dbm"]
    names = ["els_lane_light_dbm", "els_lanes_per_laser", "els_lane_optical_dbm"]
    u = uniform_columns(names, ELS_CHECK_DRAWS, ELS_CHECK_SEED)
    v = {k: triangular_ppf(u[k], a[k].low, a[k].value, a[k].high) for k in names}
    short = float(np.mean(m.els_budget_margin_db(v) < 0.0))
    return {"label": f"external laser light per lane vs the lane's link budget ({m.gen.name}, "
                     f"{light:.1f} dBm given, {p['els_lanes_per_laser']:g} lanes per laser)",
            "kind": "consistency check", "architecture": m.arch.name, "generation": m.gen.name,
            "model": light, "unit": "dBm", "published": budget, "published_low": None,
            "published_high": None,
            "source": "link budget: assumption els_lane_optical_dbm (not a published figure)",
            "ratio_to_mid": 10.0 ** ((light - budget) / 10.0),
            "counts": "light per lane at the laser side of the split",
            "model_quantity": "els_lane_light_dbm, capped at the top laser class over els_lanes_per_laser",
            "key": f"els_budget_{m.gen.name}", "margin_db": light - budget,
            "laser_out_dbm": m.els_laser_out_dbm(), "lasers_per_lane": m.lasers_per_lane(),
            "short_fraction_of_ranges": short}


__all__ = ["ELS_CHECK_DRAWS", "ELS_CHECK_SEED", "ELS_PUBLISHED_LASER_W", "ERL_GRID_HZ", "HOST_ERL_PRESET",
           "REAL_CHANNEL_ERL_DB", "VIA_RULE_ERL_PRESET", "claim_checks", "els_budget_check",
           "host_channel_budget_checks", "host_channel_reflection_checks", "informed_kind",
           "nearest_via_choice"]
