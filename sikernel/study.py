"""The CPO study: W per port and per switch of pluggable, LRO, LPO, NPO and CPO, with bands.

Orchestration only; the models live in :mod:`sikernel.system` (host channels per
architecture, the optical side, the port account, uncertainty) and
:mod:`sikernel.power` (host SerDes energy over a channel).  For each switch generation
(:data:`sikernel.system.standards.GENERATIONS`: 51.2 Tb/s on 5 nm with 100G lanes and
800G ports; 102.4 Tb/s on 3 nm with 200G lanes and 1.6T ports; BER and FEC per
standard) and each architecture (:data:`sikernel.system.architectures.ARCHITECTURES`)
it prices every host SerDes end over that architecture's host channel (with the
module's linear optical path in the SI chain where nothing retimes it), adds the
module's or engine's components, propagates every documented range and the energy
model's calibration residuals through a seeded Monte Carlo (p10 … p90), ranks the
inputs that move the CPO saving (tornado), and holds the module totals against the
published module powers (and the whole-system CPO claims, never fitted on).

The account (which ends, directions and components each figure counts):
docs/energy-model.md, "The port account".
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ParamSpec

import numpy as np

from . import __version__, _validate
from ._kept_warnings import kept_warnings
from ._stacklevel import user_stacklevel
from .errors import LinkNotClosingError, SIKernelError, SIKernelWarning
from .system.account import LOSS_OFFSET_KEYS, host_path
from .system.architectures import ARCH_NAMES, get_architecture
from .system.assumptions import module_outside_anchor
from .system.channels import DEFAULT_PATHS, REACH_BUDGETS_DB, PathSpec, build_channel
from .system.curves import CURVE_LENGTHS_M, CURVE_MATERIALS, CURVE_Z_P_M
from .system.eyes import _dsp_receiver, _dsp_split, com_db, com_of_path, com_preset_for, eyes  # noqa: F401  (com_db and the _dsp_ names: former names, tests)
from .system.h5 import read_hdf5, write_hdf5
from .system.result import BANDED, LANES_PER_SWITCH, RATES_GBPS, StudyResult, nan_to_none

# names the former study module had (kept for notebooks and callers)
_eyes = eyes
_com_db = com_db
_nan_to_none = nan_to_none


def _link_energy(ch_or_loss: Any, baud: float, node: float, exclude: tuple[str, ...], ber: float):
    """TX+RX host SerDes energy over a channel (or a loss), as the study prices it."""
    from .power import energy_per_bit

    if isinstance(ch_or_loss, float | int):
        return energy_per_bit(loss_db=float(ch_or_loss), baud=baud, node_nm=node, exclude=exclude,
                              target_ber=ber)
    return energy_per_bit(channel=ch_or_loss, baud=baud, node_nm=node, exclude=exclude, target_ber=ber)


#: the files a study run writes into its output folder (``write_hdf5`` under the CLI's name, and
#: :func:`write_figures`): glob patterns, checked by the CLI before the work
OUTPUT_PATTERNS: tuple[str, ...] = ("sikernel-study.h5", "port_blocks.png", "switch_power.png",
                                    "cpo_tornado_*.png", "energy_vs_length_*G.png", "energy_vs_il.png",
                                    "il_vs_frequency.png", "eyes_*G.png")
#: fewest Monte Carlo draws whose p10 / p90 the study reports without a warning: with fewer the
#: quantiles are noisy enough to miss the point value
FEW_DRAWS = 100


def _generations(rates_gbps: Sequence[float], node_nm: Any, module_node_nm: Any, target_ber: Any,
                 port_gbps: Any, cpo_modulator: Any = None, crosstalk: Any = "standard",
                 linear_host_budget_db: Any = "standard", assumption_values: Any = None) -> list:
    from .power.api import dubious_ber_message, is_dubious_ber
    from .system.assumptions import check_user_values
    from .system.standards import check_ber, generation

    if isinstance(rates_gbps, str | bytes) or not isinstance(rates_gbps, Sequence) or not rates_gbps:
        raise SIKernelError(f"rates_gbps={rates_gbps!r} must be a non-empty sequence of lane rates in Gb/s "
                            f"(100 / 106.25 or 200 / 212.5)")
    # the user's BER checked (and warned about) once, under its own name; the per-link copies
    # the generations carry are not warned about again
    ber = None if target_ber is None else check_ber("target_ber", target_ber)
    if ber is not None and is_dubious_ber(ber):   # once here; the per-link repeats: _ber_repeats_filtered
        warnings.warn(SIKernelWarning(dubious_ber_message(ber)), stacklevel=user_stacklevel())
    if isinstance(port_gbps, Mapping):
        known = {x for g in (generation(q) for q in rates_gbps) for x in (g.lane_gbps, g.lane_line_gbps)}
        unknown = [k for k in port_gbps if k not in known]
        if unknown:
            raise SIKernelError(f"port_gbps={dict(port_gbps)!r}: {unknown[0]!r} is not a lane rate of the "
                                f"study; keys are nominal or line lane rates in Gb/s ({sorted(known)})")
    gens = []
    for r in rates_gbps:
        _validate.positive("rate_gbps", r)
        ov: dict[str, Any] = {}
        if node_nm is not None:
            ov["node_nm"] = node_nm
        if module_node_nm is not None:
            ov["module_node_nm"] = module_node_nm
        if cpo_modulator is not None:
            ov["cpo_modulator"] = cpo_modulator
        if not (isinstance(crosstalk, str) and crosstalk == "standard"):
            ov["crosstalk"] = crosstalk
        if not (isinstance(linear_host_budget_db, str) and linear_host_budget_db == "standard"):
            ov["linear_host_budget_db"] = linear_host_budget_db
        if ber is not None:
            ov["target_ber_c2m"] = ov["target_ber_c2c"] = ber
        if assumption_values:
            if not isinstance(assumption_values, Mapping):
                raise SIKernelError(f"assumption_values={assumption_values!r} must be a mapping of input "
                                    "name -> value, e.g. {'els_wpe': 0.2}")
            ov["assumption_values"] = assumption_values
        if port_gbps is not None:
            base = generation(r)
            pg = port_gbps.get(base.lane_gbps, port_gbps.get(base.lane_line_gbps)) if isinstance(
                port_gbps, Mapping) else port_gbps
            if pg is not None:
                ov["port_gbps"] = _validate.positive("port_gbps", pg)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"target_ber_c2[mc]=", category=SIKernelWarning)
            gens.append(generation(r, **ov))
        check_user_values(gens[-1])   # before any pricing, with the out-of-range warnings
    names = [g.name for g in gens]
    if len(set(names)) != len(names):
        raise SIKernelError(f"rates_gbps={list(rates_gbps)!r} names a switch generation twice")
    return gens


def _warn_if_module_leaves_its_anchor(port: dict[str, Any], g: Any) -> None:
    """SIKernelWarning when a retimed (pluggable) module's point value leaves the published range of
    the modules its line-side DSP is fitted on (``assumptions.module_outside_anchor``; ports of the
    anchors' width only).
    The fit holds the module's host-side SerDes + DSP at the anchors' share on the default host
    channel and nodes; a path, node or input override that moves either (e.g. breakout vias turning
    the host-side receiver into an ADC-DSP one) moves the module off the published figures, which
    the printed checks (made at the defaults) do not say."""
    if port["architecture"] != "pluggable":
        return
    w = port["module_w"]
    rng = module_outside_anchor(g, w, port["lanes_per_port"])
    if rng is None:   # inside, or no published module of this width
        return
    lo, hi = rng
    b = port["blocks_w"]
    warnings.warn(SIKernelWarning(
        f"{g.name} pluggable: the retimed module costs {w:.1f} W per {port['port_gbps']:g}G port, outside "
        f"the {lo:g}-{hi:g} W of the published modules its line-side DSP is fitted on; with this run's "
        f"paths, nodes and inputs its host-side SerDes is {b.get('module_host_serdes', float('nan')):.2f} W "
        f"and its DSP {b.get('module_dsp', float('nan')):.2f} W, while the fit holds them at the published "
        "share at the defaults: read the module figure as the model's, not as a published one"),
        stacklevel=4)


_P = ParamSpec("_P")


@contextlib.contextmanager
def _ber_repeats_filtered(target_ber: Any) -> Iterator[None]:
    """Inside, the power model's warning about the user's dubious raw BER (``is_dubious_ber``; given once
    by :func:`_generations`, at the user's line) is filtered where each priced link repeats it:
    that exact message only; other warnings, the same one for another value included, pass as
    before (fuzz 31 low: the CLI de-duplicated them, the API showed several hundred copies)."""
    from .power.api import dubious_ber_message, is_dubious_ber

    with warnings.catch_warnings():
        ber = None if target_ber is None else float(target_ber)
        if ber is not None and is_dubious_ber(ber):
            warnings.filterwarnings("ignore", message=re.escape(dubious_ber_message(ber)) + r"\Z",
                                    category=SIKernelWarning)
        yield


def _keeping_warnings(run: Callable[_P, StudyResult]) -> Callable[_P, StudyResult]:
    """``run`` with the SIKernelWarnings it raises kept in its result's ``warnings`` (and shown
    as without it: :func:`sikernel._kept_warnings.kept_warnings`)."""
    @functools.wraps(run)
    def kept_run(*args: _P.args, **kwargs: _P.kwargs) -> StudyResult:
        kept: list[str] = []
        with kept_warnings(kept):
            res = run(*args, **kwargs)
        res.warnings = kept
        return res
    return kept_run


@_keeping_warnings
def run_study(rates_gbps: Sequence[float] = RATES_GBPS, node_nm: float | None = None,
              target_ber: float | None = None, paths: dict[str, PathSpec] | None = None,
              curve_lengths_m: Any = None, progress: bool = False, *,
              architectures: Sequence[str] = ARCH_NAMES, port_gbps: Any = None,
              module_node_nm: float | None = None, cpo_modulator: str | None = None,
              n_draws: int = 4000, seed: int = 0,
              with_eyes: bool = True, with_curves: bool = True, with_com: bool = False,
              crosstalk: Any = "standard", linear_host_budget_db: Any = "standard",
              assumption_values: Mapping[str, float] | None = None) -> StudyResult:
    """Run the CPO study (see module docstring) and return its results.

    Parameters
    ----------
    rates_gbps : sequence of float
        Lane rates, nominal (100, 200) or line (106.25, 212.5) Gb/s; each picks its switch
        generation (default both).
    node_nm : float, optional
        CMOS node of the switch SerDes (default per generation: 5 nm, 3 nm).
    target_ber : float, optional
        Raw BER of every host link, below 0.375, where PAM4 reaches Q = 0 (default per standard: 1e-5 at 100G,
        1e-4 at 200G).
    paths : dict, optional
        Path name -> :class:`PathSpec` overriding host channels of
        :data:`sikernel.system.channels.DEFAULT_PATHS`.
    curve_lengths_m : array_like, optional
        PCB lengths of the energy-vs-length curves (default
        :data:`sikernel.system.curves.CURVE_LENGTHS_M`, 0 … 0.6 m every 100 mm); metres, at
        most 20 m (a larger value was typed in mm: refused).
    progress : bool
        Show tqdm progress bars.
    architectures : sequence of str
        Architectures (default all of :data:`sikernel.system.architectures.ARCH_NAMES`).
    port_gbps : float or mapping, optional
        Port payload rate (a whole number of lanes), or nominal lane rate -> port rate.
    module_node_nm : float, optional
        Node of the module / engine DSP (default per generation).
    cpo_modulator : str, optional
        Modulator of the CPO / NPO engines, "ring" or "mzm" (default per generation).
    n_draws : int
        Monte Carlo draws (≥ 2).
    seed : int
        Monte Carlo seed.
    with_eyes, with_curves : bool
        Compute the statistical eyes of each host link, and the energy-vs-length curves.
    with_com : bool
        Also compute the IEEE COM of each host channel's board part (802.3ck / 802.3dj KR
        preset, the row's ``com_preset``, None for a path with no board part; ≈ 10-40 s per channel,
        so off by default; ``com_db`` is NaN otherwise and for a path with no board part (CPO), the
        row's ``com_note`` saying why).
    crosstalk : "standard", None, str, float or CrosstalkModel
        Crosstalk of the host links: "standard" (default: as each standard's COM, i.e. the
        :data:`sikernel.system.standards.COM_INCLUDES_CROSSTALK` classes with the stored
        CA_19p75dB fit), None or "none" (off), or any ``crosstalk=`` value of
        :func:`sikernel.power.energy_per_bit` (e.g. 2.0: twice the crosstalk amplitude).
    linear_host_budget_db : "standard", None or float
        Loss budget (dB at Nyquist, die to the module's driver / TIA) to which the C2M board of the
        ports with a linear end (LPO, LRO) is built: "standard" (default: each generation's published
        one, :attr:`sikernel.system.standards.Generation.linear_host_budget_db`; 22 dB at 200G/lane,
        none at 100G/lane), None (none: those ports on the board as given, the pluggable's), or a
        figure in dB.
    assumption_values : mapping of str to float, optional
        Values of optical-side inputs by name (:func:`sikernel.system.assumptions.assumptions`, e.g.
        ``{"els_wpe": 0.2}``), for every generation of the run: each replaces the input's
        point value and range (the Monte Carlo and the tornado hold it fixed;
        :attr:`sikernel.system.standards.Generation.assumption_values`).  A value outside the
        input's documented range warns.

    Returns
    -------
    StudyResult

    Raises
    ------
    SIKernelError
        Unknown rate, node or architecture; a port that is not a whole number of lanes; a
        BER outside (0, 0.375); a bad draw count; in ``assumption_values`` an unknown input, one a
        user value cannot set, or a value its input cannot physically take
        (:func:`sikernel.system.assumptions.check_user_value`) -- all before any long computation.
    LinkNotClosingError
        No port of the study closes its host link.

    Warns
    -----
    SIKernelWarning
        A port whose host link no SerDes closes (e.g. LPO over a board longer than a linear
        module allows): it is left out of ``ports`` and listed in ``StudyResult.not_closing``.
        Every SIKernelWarning of the run is also kept in ``StudyResult.warnings`` (and so in the
        JSON and the HDF5 file), each message once.
    """
    from .system import uncertainty as unc
    from .system.account import SWITCH_BLOCKS, PortModel
    from .system.assumptions import assumptions
    from .system.curves import energy_curves
    from .system.modules import line_dsp_fit

    t0 = time.perf_counter()
    gens = _generations(rates_gbps, node_nm, module_node_nm, target_ber, port_gbps, cpo_modulator,
                        crosstalk, linear_host_budget_db, assumption_values)
    # fuzz 31 low: each priced link repeated the BER warning (hundreds under an "always" filter)
    with _ber_repeats_filtered(target_ber):
        if isinstance(architectures, str) or not architectures:
            raise SIKernelError(f"architectures={architectures!r} must be a non-empty sequence of names; "
                                f"known: {', '.join(ARCH_NAMES)}")
        archs = list(dict.fromkeys(get_architecture(a).name for a in architectures))
        if "pluggable" not in archs or "cpo" not in archs:   # new-user trial 30 E4: an empty tornado, no word
            missing = " and ".join(a for a in ("pluggable", "cpo") if a not in archs)
            what = ("the savings against the pluggable are null and the CPO saving's tornado is empty"
                    if "pluggable" not in archs else "the CPO saving's tornado is empty")
            warnings.warn(SIKernelWarning(f"architectures={archs} leave out {missing}: {what} in this run; "
                                          f"add {missing} to compare"), stacklevel=user_stacklevel())
        unc.check_n_draws(n_draws)
        if n_draws < FEW_DRAWS:
            warnings.warn(SIKernelWarning(f"n_draws={n_draws}: p10 / p90 from fewer than {FEW_DRAWS} draws "
                                          "are noisy and need not contain the point value; a few thousand "
                                          "(default 4000) put them within about 1 %"), stacklevel=3)
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise SIKernelError(f"seed={seed!r} must be a whole number >= 0 (NumPy seeds are non-negative)")
        if paths is not None:
            if not isinstance(paths, Mapping):
                raise SIKernelError(f"paths={paths!r} must be a mapping of path name -> PathSpec (e.g. "
                                    "sikernel.system.channels.paths_with_lengths(c2m_host_m=0.2)); known "
                                    f"names: {', '.join(DEFAULT_PATHS)}")
            for k, v in paths.items():
                if k not in DEFAULT_PATHS:
                    raise SIKernelError(f"paths[{k!r}]: unknown path name; known: {', '.join(DEFAULT_PATHS)}")
                if not isinstance(v, PathSpec):
                    raise SIKernelError(f"paths[{k!r}] is a {type(v).__name__}, not a PathSpec")
        lengths = (np.asarray(CURVE_LENGTHS_M) if curve_lengths_m is None
                   else _validate.lengths_m("curve_lengths_m", curve_lengths_m))
        # empty Numba cache: the eye and solver kernels compile in a child process while this one
        # compiles the FOM grid kernel and runs the first grid searches (sikernel._compile_ahead)
        from ._compile_ahead import start_study_tail

        start_study_tail()

        sigma, sigma_src = unc.serdes_log_sd()
        bias, bias_src = unc.serdes_held_out_bias()
        bias_by_family = unc.serdes_held_out_bias_by_family()
        fit = line_dsp_fit()
        steps = [(g, a) for g in gens for a in archs]
        it: Any = steps
        if progress:
            from tqdm import tqdm

            it = tqdm(steps, desc="sikernel study", unit="port")
        cache: dict = {}
        com_cache: dict = {}
        models: dict[tuple[str, str], PortModel] = {}
        rows: list[dict[str, Any]] = []
        eye_store: dict = {}
        il_curves: dict = {}
        not_closing: list[dict[str, Any]] = []
        for g, a in it:
            try:
                pm = PortModel(a, g, paths=paths, channel_cache=cache)
            except LinkNotClosingError as exc:   # e.g. a linear port over a board it cannot equalise
                not_closing.append({"generation": g.name, "architecture": a, "lane_gbps": g.lane_gbps,
                                    "port_gbps": g.port_gbps, "reason": str(exc)})
                warnings.warn(SIKernelWarning(f"{g.name} {a}: no host SerDes closes this port's host link, "
                                              f"so the port is left out of the study ({exc})"), stacklevel=3)
                continue
            models[(g.name, a)] = pm
            rows.append(_row(pm, g, a, with_eyes, with_com, com_cache, eye_store))
            il_curves[f"{g.lane_line_gbps:g}_{a}"] = (pm.channel.f, np.asarray(pm.channel.il_db()))
        if not models:
            raise LinkNotClosingError("no port of the study closes its host link: "
                                      + "; ".join(f"{x['generation']} {x['architecture']}: {x['reason']}"
                                                  for x in not_closing))
        t_links = time.perf_counter() - t0

        # Monte Carlo: common uniform columns for every generation and architecture
        u = unc.uniform_columns(unc.column_names(assumptions(g) for g in gens), int(n_draws), int(seed))
        ports: list[dict[str, Any]] = []
        tornado: dict[str, Any] = {}
        for g in gens:
            d = unc.draw(assumptions(g), u, sigma, fit.low_factor, fit.high_factor)
            totals: dict[str, tuple[float, np.ndarray]] = {}
            gen_ports = []
            for a in archs:
                pm = models.get((g.name, a))
                if pm is None:   # does not close (StudyResult.not_closing)
                    continue
                pt = pm.blocks_w()
                mc = pm.blocks_w(d.values, d.serdes_factor, d.dsp_factor)
                gen_ports.append(_port_entry(pm, g, pt, mc, SWITCH_BLOCKS))
                _not_closing(gen_ports[-1], pm, d.values)
                totals[a] = (sum(pt.values()), sum(mc.values()))
            for p in gen_ports:
                _savings(p, totals, g)
                _warn_if_module_leaves_its_anchor(p, g)
            ports += gen_ports
            if (g.name, "pluggable") in models and (g.name, "cpo") in models:
                # the held-out evidence is of one rate class (200G): its bias is shown for that class only
                held = (bias, bias_src, bias_by_family) if unc.held_out_rate_class(g.lane_gbps) else None
                tornado[g.name] = _tornado(models[(g.name, "pluggable")], models[(g.name, "cpo")], g, sigma,
                                           fit, held)
        for r in rows:
            ref = next((x for x in rows if x["name"] == "pluggable" and x["rate_gbps"] == r["rate_gbps"]),
                       None)
            d_w = (float("nan") if ref is None
                   else ref["w_per_switch_electrical"] - r["w_per_switch_electrical"])
            r["saving_vs_pluggable_w"] = d_w
            r["saving_vs_pluggable_pct"] = (float("nan") if ref is None else
                                            100.0 * d_w / ref["w_per_switch_electrical"])
        checks = _checks(models, cache)
        t_mc = time.perf_counter() - t0 - t_links
        curves = energy_curves(gens, lengths, progress=progress) if with_curves else {}
        inputs = {"rates_gbps": [g.lane_line_gbps for g in gens], "lane_gbps": [g.lane_gbps for g in gens],
                  "node_nm": [g.node_nm for g in gens], "target_ber": [g.target_ber_c2m for g in gens],
                  "lanes_per_switch": LANES_PER_SWITCH, "architectures": archs,
                  "generations": {g.name: dataclasses.asdict(g) for g in gens},
                  "architecture_specs": {a: _arch_spec(a) for a in archs},
                  "assumptions": {g.name: {k: dataclasses.asdict(x) for k, x in assumptions(g).items()}
                                  for g in gens},
                  "serdes_log_sd": sigma, "serdes_log_sd_source": sigma_src,
                  "serdes_held_out_bias": bias, "serdes_held_out_bias_source": bias_src,
                  "line_dsp_fit": dataclasses.asdict(fit), "n_draws": int(n_draws), "seed": int(seed),
                  "paths": {k: vars(v) | {"exclude": list(v.exclude)}
                            for k, v in ({**DEFAULT_PATHS, **(paths or {})}).items()},
                  "paths_priced": {g.name: {a: vars(v) | {"exclude": list(v.exclude)}
                                            for a in archs for v in (host_path(a, g, paths),)} for g in gens}}
        prov = {"sikernel_version": __version__,
                "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "model": "host SerDes: sikernel.power over each architecture's channel; optical side: "
                         "sikernel.system (components, port account, Monte Carlo)"}
        return StudyResult(rows=rows, curves=curves, inputs=inputs, provenance=prov, ports=ports,
                           checks=checks, tornado=tornado, not_closing=not_closing, il_curves=il_curves,
                           eyes=eye_store, timings_s={"links": t_links, "monte_carlo_checks": t_mc,
                                                      "total": time.perf_counter() - t0})


def _arch_spec(name: str) -> dict[str, Any]:
    a = get_architecture(name)
    return {"description": a.description, "path": a.path, "host_class": a.host_class,
            # "linear" is HostEnd's field name; "linear_optical_path" says what it means (the end's
            # channel includes the module's linear optical path; not the unretimed "linear" family)
            "ends": [dataclasses.asdict(e) | {"linear_optical_path": e.linear} for e in a.ends],
            "dsp_share": a.dsp_share,
            "optics": a.optics, "linear_eq_directions": a.linear_eq_directions}


def _row(pm: Any, g: Any, a: str, with_eyes: bool, with_com: bool, com_cache: dict,
         eye_store: dict) -> dict[str, Any]:
    """The per-link row of the switch end (the former study's row, host link energy of every end)."""
    sw = next(e for e in pm.ends if e.side == "switch")
    e = sw.breakdown
    ch = pm.linear_channel if sw.linear else pm.channel
    el_w_lane = sum(x.pj_per_bit for x in pm.ends) * g.lane_line_gbps * 1e-3
    row: dict[str, Any] = {
        "name": a, "generation": g.name, "rate_gbps": g.lane_line_gbps, "baud": g.baud,
        "length_m": pm.path.length_m, "il_nyquist_db": sw.il_nyquist_db,
        "architecture_chosen": sw.architecture, "eq_settings": dict(e.eq_settings),
        "reasons": dict(e.reasons), "node_nm": g.node_nm, "target_ber": pm.target_ber,
        "pj_per_bit_electrical": el_w_lane / (g.lane_line_gbps * 1e-3),
        "blocks_pj_per_bit": {x.block: x.pj_per_bit for x in pm.ends},
        "mw_per_lane_electrical": el_w_lane * 1e3, "w_per_lane_electrical": el_w_lane,
        "w_per_switch_electrical": g.lanes_per_switch * el_w_lane,
    }
    key = (pm.path.segments, pm.path.z_p_tx_m, pm.path.z_p_rx_m, g.baud)
    if with_com and key not in com_cache:
        com_cache[key] = com_of_path(pm.path, g.baud)
    row["com_db"], row["com_preset"], row["com_note"] = com_cache.get(
        key, (float("nan"), com_preset_for(pm.path, g.baud),
              "not computed: give --com (run_study(with_com=True))"))
    if with_eyes:
        fig, un, eq = eyes(ch, g.baud, e, pm.target_ber, crosstalk=pm.crosstalk)
        eye_store[(g.lane_line_gbps, a)] = (un, eq)
        row.update(fig)
    return row


def _il_fit_at_nyquist_db(ch: Any, baud: float) -> float:
    """The IEEE 802.3 fitted insertion loss (f_min 50 MHz ... f_max = f_b, |SDD21|-weighted:
    :func:`sikernel.channel.metrics.fitted_il`) at Nyquist: the loss trend without the ripple of the
    package and via reflections, which the raw value at one frequency sits on (the 102.4T
    NPO channel's raw 16.1 dB is on a via resonance)."""
    from .channel.metrics import fitted_il

    return float(fitted_il(ch, f_max_hz=baud).at(0.5 * baud))


def _port_entry(pm: Any, g: Any, pt: dict[str, float], mc: dict[str, np.ndarray],
                switch_blocks: tuple[str, ...]) -> dict[str, Any]:
    from .system.uncertainty import band

    n = g.lanes_per_port
    tot_pt = float(sum(pt.values()))
    tot_mc = sum(mc.values())
    mod_pt = float(sum(v for k, v in pt.items() if k not in switch_blocks))
    mod_mc = sum(v for k, v in mc.items() if k not in switch_blocks)
    to_pj = 1e3 / g.port_gbps
    p: dict[str, Any] = {
        "architecture": pm.arch.name, "description": pm.arch.description, "generation": g.name,
        "lane_gbps": g.lane_gbps, "lane_line_gbps": g.lane_line_gbps, "port_gbps": g.port_gbps,
        "lanes_per_port": n, "ports_per_switch": g.ports_per_switch, "switch_tbps": g.switch_tbps,
        "node_nm": g.node_nm, "module_node_nm": g.module_node_nm, "target_ber": pm.target_ber,
        "fec": g.fec, "host_il_db": pm.ends[0].il_nyquist_db,
        "host_channel_il_db": float(pm.channel.il_db(g.baud / 2.0)),
        "host_channel_il_fit_db": _il_fit_at_nyquist_db(pm.channel, g.baud),
        "host_channel_length_m": pm.path.length_m,
    }
    figs = {"w_per_lane": (tot_pt / n, tot_mc / n), "w_per_port": (tot_pt, tot_mc),
            "pj_per_bit": (tot_pt * to_pj, tot_mc * to_pj), "module_w": (mod_pt, mod_mc),
            "w_per_switch": (tot_pt * g.ports_per_switch, tot_mc * g.ports_per_switch)}
    for k, (v, arr) in figs.items():
        lo, hi = band(arr)
        p[k], p[k + "_p10"], p[k + "_p90"] = float(v), lo, hi
    p["blocks_w"] = {k: float(v) for k, v in pt.items()}
    p["blocks_w_p10"] = {k: band(v)[0] for k, v in mc.items()}
    p["blocks_w_p90"] = {k: band(v)[1] for k, v in mc.items()}
    p["lasers_per_lane"] = pm.lasers_per_lane()
    # engines: the external laser derived from the light per lane (review 35 L11); None for module lasers
    p["els_laser_out_dbm"] = pm.els_laser_out_dbm()
    given = pm.els_lane_light_given_dbm()
    p["els_lane_light_given_dbm"] = None if math.isnan(given) else given
    p["host_ends"] = [{"block": e.block, "side": e.side, "scope": e.scope, "node_nm": e.node_nm,
                       "linear_optical_path": e.linear, "il_nyquist_db": e.il_nyquist_db,
                       "serdes_architecture": e.architecture, "pj_per_bit": e.pj_per_bit}
                      for e in pm.ends]
    return p


def _not_closing(p: dict[str, Any], pm: Any, values: dict[str, np.ndarray]) -> None:
    """Draws in which a host link of the port does not close, in total and by the input that does it.

    Such a draw keeps the energy of the last closing grid point (a lower bound) in the
    bands; ``mc_not_closing_draws`` says how many there are, ``mc_not_closing_by_input``
    which single input (alone at its drawn value, the rest at the point) already does it.
    """
    n = int(np.asarray(next(iter(values.values()))).size)
    nc = np.broadcast_to(pm.not_closing(values), (n,))
    p["mc_draws"] = n
    p["mc_not_closing_draws"] = int(nc.sum())
    by: dict[str, int] = {}
    for k in ("t_fo4_s", "crosstalk_scale", "linear_penalty_db", "linear_f3db_over_baud", *LOSS_OFFSET_KEYS):
        if k in values:
            c = int(np.broadcast_to(pm.not_closing({**pm.point, k: values[k]}), (n,)).sum())
            if c:
                by[k] = c
    p["mc_not_closing_by_input"] = by


def _savings(p: dict[str, Any], totals: dict[str, tuple[float, np.ndarray]], g: Any) -> None:
    from .system.uncertainty import band

    if "pluggable" not in totals:
        for k in ("saving_vs_pluggable_w", "saving_vs_pluggable_pct"):
            p[k] = p[k + "_p10"] = p[k + "_p90"] = float("nan")
        return
    ref_pt, ref_mc = totals["pluggable"]
    mc = totals[p["architecture"]][1] * g.ports_per_switch
    ref_pt *= g.ports_per_switch
    ref_mc = ref_mc * g.ports_per_switch
    d_pt, d_mc = ref_pt - p["w_per_switch"], ref_mc - mc
    p["saving_vs_pluggable_w"] = float(d_pt)
    p["saving_vs_pluggable_w_p10"], p["saving_vs_pluggable_w_p90"] = band(d_mc)
    p["saving_vs_pluggable_pct"] = float(100.0 * d_pt / ref_pt)
    p["saving_vs_pluggable_pct_p10"], p["saving_vs_pluggable_pct_p90"] = band(100.0 * d_mc / ref_mc)


def _tornado(plug: Any, cpo: Any, g: Any, sigma: float, fit: Any,
             held: tuple[float, str, dict[str, tuple[float, tuple[str, ...]]]] | None) -> dict[str, Any]:
    """Per input: the CPO saving per switch (W) with that input at each end of its range; and, where
    ``held`` = (bias, source, bias by family) is given, the saving with every host-SerDes energy
    divided by the held-out bias, and by each family's part of it (sensitivities, not bands)."""
    import math

    from .system.uncertainty import Z90

    n = g.ports_per_switch

    def saving(v=None, sf=1.0, df=1.0) -> float:
        return n * (sum(plug.blocks_w(v, sf, df).values()) - sum(cpo.blocks_w(v, sf, df).values()))

    def item(name: str, low: float, high: float, unit: str, lo: float, hi: float) -> dict[str, Any]:
        return {"input": name, "low": low, "high": high, "unit": unit,
                "saving_w_at_low": lo, "saving_w_at_high": hi, "swing_w": abs(hi - lo)}

    base = saving()
    items = [item(k, a.low, a.high, a.unit, saving({**plug.point, k: a.low}),
                  saving({**plug.point, k: a.high})) for k, a in plug.assumptions.items()]
    s_lo, s_hi = math.exp(-Z90 * sigma), math.exp(Z90 * sigma)
    items.append(item("serdes_model", s_lo, s_hi, "factor (p10, p90)", saving(sf=s_lo), saving(sf=s_hi)))
    items.append(item("line_dsp", fit.low_factor, fit.high_factor, "factor",
                      saving(df=fit.low_factor), saving(df=fit.high_factor)))
    items.sort(key=lambda x: -x["swing_w"])
    out = {"quantity": "CPO saving vs pluggable, W per switch", "base_w": base, "inputs": items}
    if held is not None:
        bias, src, by_family = held
        out["held_out_bias"] = {"serdes_factor": 1.0 / bias, "saving_w": saving(sf=1.0 / bias), "bias": bias,
                                "source": src,
                                "by_family": {k: {"bias": f, "designs": list(names),
                                                  "saving_w": saving(sf=1.0 / f)}
                                              for k, (f, names) in by_family.items()}}
    return out


def _checks(models: dict, cache: dict) -> list[dict[str, Any]]:
    """The account against published module powers and whole-system claims (default generations)."""
    from .system.account import SWITCH_BLOCKS, PortModel
    from .system.modules import PUBLISHED_MODULES, SYSTEM_CLAIMS
    from .system.standards import generation

    def model(arch: str, gname: str, overrides: tuple = ()) -> Any:
        g = generation(gname, **dict(overrides))
        m = models.get((gname, arch))
        if m is not None and m.gen == g and m.path == host_path(arch, g):
            return m
        return PortModel(arch, g, channel_cache=cache)

    def module_w(m: Any) -> float:
        return float(sum(v for k, v in m.blocks_w().items() if k not in SWITCH_BLOCKS))

    out = []
    for pm in PUBLISHED_MODULES:
        w = module_w(model(pm.architecture, pm.generation, pm.overrides))
        out.append({"label": pm.label, "kind": "module, fitted" if pm.fitted else "module, out of sample",
                    "architecture": pm.architecture, "generation": pm.generation, "model": w, "unit": "W",
                    "published_low": pm.low_w, "published_high": pm.high_w, "source": pm.source,
                    "ratio_to_mid": w / (0.5 * (pm.low_w + pm.high_w))})
    cpo = model("cpo", "51.2T")
    g = cpo.gen
    b = SYSTEM_CLAIMS["bailly_w_per_800g"]
    engine = module_w(cpo) * 800.0 / g.port_gbps
    from .system.checks import informed_kind

    out.append({"label": b.label, "kind": informed_kind("system claim, out of sample") if b.informed
                else "system claim, out of sample", "architecture": "cpo",
                "generation": "51.2T", "model": engine, "unit": "W", "published": b.value,
                "published_low": None, "published_high": None, "source": b.source,
                "ratio_to_mid": engine / b.value, **({"informed": b.informed} if b.informed else {})})
    from .system.checks import claim_checks

    out.extend(claim_checks(model))
    return out


def write_figures(res: StudyResult, out_dir: Any) -> list:
    """PNG figures of the study (see :func:`sikernel.plot.energy.write_study_figures`).

    Parameters
    ----------
    res : StudyResult
        The study results.
    out_dir : str or os.PathLike
        Output folder; created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    from .plot.energy import write_study_figures

    return write_study_figures(res, out_dir)


__all__ = [
    "ARCH_NAMES",
    "BANDED",
    "CURVE_MATERIALS",
    "CURVE_Z_P_M",
    "DEFAULT_PATHS",
    "LANES_PER_SWITCH",
    "RATES_GBPS",
    "REACH_BUDGETS_DB",
    "PathSpec",
    "StudyResult",
    "build_channel",
    "read_hdf5",
    "run_study",
    "write_figures",
    "write_hdf5",
]
