"""The port account: W per lane, per port and per switch, and pJ/bit, by component.

One figure, one definition (docs/energy-model.md, "The port account", has the diagram):

* a **lane** is one SerDes lane of the switch, full duplex: one egress and one ingress
  direction at the lane rate;
* a **port** is ``lanes_per_port`` lanes (800G = 8 × 100G, 1.6T = 8 × 200G), both
  directions, everything between the switch die and the fibre: the switch SerDes of
  those lanes, the host channel's other end (a retimed module's host-side SerDes), the
  module's or engine's DSP, drivers, modulators, TIAs, lasers and the rest;
* **W per switch** = ports per switch × W per port (the switch's I/O and optics; the
  switching core is not counted);
* **pJ/bit** = W per port / port payload rate (one direction, nominal 800 or 1600 Gb/s),
  the way module powers are quoted (15 W / 800G = 18.75 pJ/b).

Host SerDes ends are priced with :func:`sikernel.power.energy_per_bit` over the
architecture's channel (TX+RX of one link, or ``scope="tx"``/``"rx"`` for one half), per
line bit (106.25 / 212.5 Gb/s).  Everything else: :mod:`sikernel.system.components`
with the inputs of :mod:`sikernel.system.assumptions`.

:class:`PortModel` evaluates the blocks for point values (floats) or Monte Carlo draws
(arrays): host ends vary through the calibration residual factor, their channel's loss (a
loss-at-Nyquist shift), t_FO4 and the crosstalk scale, priced family by family with the receiver
family chosen per draw (:mod:`sikernel.system.end_curves`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SIKernelError
from . import components
from .architectures import Architecture, get_architecture
from .assumptions import ENGINE_OTHER_LANES, Assumption, assumptions, point_values
from .channels import (
    DEFAULT_PATHS,
    PathSpec,
    board_within_budget,
    build_channel,
    host_board_mm,
    with_linear_path,
)
from .end_curves import EndCurves
from .end_curves import build as build_end_curves
from .standards import Generation

if TYPE_CHECKING:   # the energy model is imported where it is used (a light import of the account)
    from ..power.api import EnergyBreakdown

#: loss-offset assumption of each host-channel class
_OFFSET_KEY = {"pluggable": "c2m_loss_offset_db", "lro": "c2m_loss_offset_db",
               "lpo": "c2m_loss_offset_db", "npo": "npo_loss_offset_db",
               "npo_dsp": "npo_loss_offset_db", "cpo": "cpo_loss_offset_db"}
#: loss-offset assumption of a C2M board built to the generation's linear host budget
LINEAR_BUDGET_OFFSET_KEY = "linear_c2m_loss_offset_db"
#: every loss-offset assumption
LOSS_OFFSET_KEYS = (*dict.fromkeys(_OFFSET_KEY.values()), LINEAR_BUDGET_OFFSET_KEY)


def _built_to_linear_budget(a: Architecture, gen: Generation) -> bool:
    """Whether ``a``'s C2M board is built to ``gen``'s linear host budget (a linear end on a C2M board)."""
    return (gen.linear_host_budget_db is not None and a.host_class == "c2m"
            and any(e.linear for e in a.ends))


def offset_key(architecture: str, gen: Generation) -> str:
    """The loss-offset assumption of ``architecture``'s host channel in ``gen``.

    Parameters
    ----------
    architecture : str
        Name in :data:`sikernel.system.architectures.ARCHITECTURES`.
    gen : Generation

    Returns
    -------
    str
        A key of :func:`sikernel.system.assumptions.assumptions` (one of :data:`LOSS_OFFSET_KEYS`).
    """
    a = get_architecture(architecture)
    return LINEAR_BUDGET_OFFSET_KEY if _built_to_linear_budget(a, gen) else _OFFSET_KEY[a.name]


def host_path(architecture: str, gen: Generation, paths: dict[str, PathSpec] | None = None) -> PathSpec:
    """The host channel ``architecture`` is priced over in ``gen``.

    The path of :data:`DEFAULT_PATHS` (or of ``paths``, which override it); where the switch
    SerDes drives the module's linear optical path over the C2M board (LPO, LRO ingress) and the
    generation has a published linear host budget (:attr:`Generation.linear_host_budget_db`),
    that board shortened, in whole millimetres, to the longest one that meets the budget
    (:func:`sikernel.system.channels.board_within_budget`; unchanged where it already does).

    Parameters
    ----------
    architecture : str
        Name in :data:`sikernel.system.architectures.ARCHITECTURES`.
    gen : Generation
    paths : dict, optional
        Path name -> :class:`PathSpec` overriding :data:`DEFAULT_PATHS`.

    Returns
    -------
    PathSpec
    """
    a = get_architecture(architecture)
    spec = (paths or {}).get(a.path, DEFAULT_PATHS[a.path])
    if _built_to_linear_budget(a, gen) and any(s[0] == "stripline" for s in spec.segments):
        spec = board_within_budget(spec, gen.baud, float(gen.linear_host_budget_db))
    return spec
#: switch-side blocks (the rest is the module / engine)
SWITCH_BLOCKS = ("switch_serdes", "switch_serdes_tx", "switch_serdes_rx")


def linear_path_loss_db(f3db_over_baud: Any, penalty_db: Any) -> np.ndarray:
    """Loss of :func:`~sikernel.system.channels.linear_path_response` at Nyquist (dB).

    Parameters
    ----------
    f3db_over_baud : array_like
        -3 dB bandwidth over the baud.
    penalty_db : array_like
        Flat optical penalty in dB.

    Returns
    -------
    ndarray
        ``penalty_db + 20 log10(1 + x²)``, ``x = 0.5 sqrt(√2 - 1) / f3db_over_baud``.
    """
    x = 0.5 * math.sqrt(math.sqrt(2.0) - 1.0) / np.asarray(f3db_over_baud, dtype=float)
    return np.asarray(penalty_db, dtype=float) + 20.0 * np.log10(1.0 + x * x)


@dataclass
class EndPoint:
    """A host SerDes end at the point values: its energy and how it moves with loss.

    Attributes
    ----------
    block, side, scope, linear
        As :class:`sikernel.system.architectures.HostEnd`.
    node_nm : float
        Node it is priced at.
    pj_per_bit : float
        Energy of its scope per line bit.
    il_nyquist_db : float
        Loss at Nyquist of the channel it equalises.
    architecture : str
        SerDes family chosen ("linear", "analog", "dsp").
    eq_settings : dict
        Its operating point.
    breakdown : EnergyBreakdown
        The energy model's result.
    curves : EndCurves
        Its energy, family by family, over the Monte Carlo's inputs
        (:mod:`sikernel.system.end_curves`; None until :meth:`PortModel.ensure_curves`).
    """

    block: str
    side: str
    scope: str
    linear: bool
    node_nm: float
    pj_per_bit: float
    il_nyquist_db: float
    architecture: str
    eq_settings: dict[str, Any]
    breakdown: Any = field(repr=False, default=None)
    curves: EndCurves | None = field(repr=False, default=None)


class PortModel:
    """One architecture in one generation: host ends at the point, module components.

    Parameters
    ----------
    architecture : str
        Name in :data:`sikernel.system.architectures.ARCHITECTURES`.
    gen : Generation
        Switch generation (node, rates, BER).
    paths : dict, optional
        Path name -> :class:`PathSpec` overriding :data:`DEFAULT_PATHS`.
    channel : Channel, optional
        Host channel to use instead of the path's (same for every end).
    channel_cache : dict, optional
        Shared ``(path, baud) -> Channel`` cache.

    Attributes
    ----------
    path : PathSpec
        The host channel priced (:func:`host_path`: a C2M board with a linear end built to the
        generation's linear host budget).
    offset_key : str
        The loss-offset assumption of that channel (:func:`offset_key`).

    Raises
    ------
    SIKernelError
        Unknown architecture; a host link no SerDes closes.

    Warns
    -----
    SIKernelWarning
        A host board length chosen in ``paths`` (not the default board's) that the generation's
        linear host budget shortens (:func:`host_path`); an engine whose external laser source does
        not give a lane the light its link budget asks for (:meth:`els_budget_margin_db` < 0 at the
        point values).
    """

    def __init__(self, architecture: str, gen: Generation, *, paths: dict[str, PathSpec] | None = None,
                 channel: Any = None, channel_cache: dict | None = None) -> None:
        from ..power import energy_per_bit

        self.arch: Architecture = get_architecture(architecture)
        self.gen = gen
        self.assumptions: dict[str, Assumption] = assumptions(gen)
        self.point = {k: a.value for k, a in self.assumptions.items()}
        self.path = host_path(architecture, gen, paths)
        self.offset_key = offset_key(architecture, gen)
        given = (paths or {}).get(self.arch.path)
        # warn only for a board length the caller chose: the default board (also in a path that
        # changes something else, e.g. paths_with_lengths(breakout_vias=True)) is shortened to the
        # budget by design (docs 6.2), as when no paths are given
        chosen = (given is not None and host_board_mm(given)
                  != host_board_mm(DEFAULT_PATHS[self.arch.path]))
        if chosen and self.path != given:
            import warnings

            from ..errors import SIKernelWarning

            warnings.warn(SIKernelWarning(
                f"{self.arch.name} {gen.name}: the host board given ({host_board_mm(given):g} mm) exceeds "
                f"the {gen.linear_host_budget_db:g} dB linear host budget of its lane rate; priced on "
                f"{host_board_mm(self.path):g} mm, the longest board within it (linear_host_budget_db=None, "
                "or sikernel study --linear-budget-db none, prices the board as given)"), stacklevel=2)
        cache = {} if channel_cache is None else channel_cache
        if channel is None:
            key = (self.path, gen.baud)
            if key not in cache:
                cache[key] = build_channel(self.path, gen.baud)
            channel = cache[key]
        self.channel = channel
        self.target_ber = gen.target_ber(self.arch.host_class)
        self.crosstalk = gen.crosstalk_for(self.arch.host_class)
        p = self.point
        self.linear_channel = None
        self.ends: list[EndPoint] = []
        self._channels: list[Any] = []
        for end in self.arch.ends:
            ch = channel
            if end.linear:
                if self.linear_channel is None:
                    self.linear_channel = with_linear_path(channel, gen.baud, p["linear_f3db_over_baud"],
                                                           p["linear_penalty_db"])
                ch = self.linear_channel
            node = gen.node_nm if end.side == "switch" else gen.module_node_nm
            e = energy_per_bit(channel=ch, baud=gen.baud, node_nm=node, exclude=self.path.exclude,
                               target_ber=self.target_ber, scope=end.scope, crosstalk=self.crosstalk)
            self.ends.append(EndPoint(end.block, end.side, end.scope, end.linear, node,
                                      e.total_pj_per_bit, e.il_nyquist_db, e.architecture,
                                      dict(e.eq_settings), e))
            self._channels.append(ch)
        self._cache = cache
        self._curves_ready = False
        self._lin_eq_w = 0.0
        if self.arch.optics == "engine":
            import warnings

            from ..errors import SIKernelWarning

            light, lanes = p["els_lane_light_dbm"], p["els_lanes_per_laser"]
            need = light + 10 * math.log10(lanes)
            top = components.ELS_TOP_CLASS_DBM
            if light > top:
                warnings.warn(SIKernelWarning(
                    f"{self.arch.name} {gen.name}: els_lane_light_dbm={light:g} is more than one laser of "
                    f"the brightest OIF ELSFP class ({top:g} dBm) gives; each lane is priced with its own "
                    f"laser at {top:g} dBm: lower els_lane_light_dbm to at most {top:g}"), stacklevel=2)
            elif need > top + _ELS_CLASS_SLACK_DB:
                n_eff = float(components.els_lanes_per_laser_priced(light, lanes))
                warnings.warn(SIKernelWarning(
                    f"{self.arch.name} {gen.name}: els_lane_light_dbm={light:.2f} over els_lanes_per_laser="
                    f"{lanes:g} asks {need:.2f} dBm of one laser, above the brightest OIF ELSFP class "
                    f"({top:g} dBm); priced with {n_eff:.2f} lanes per laser (more lasers, the same light "
                    f"per lane): share each laser over at most {n_eff:.2f} lanes to match"), stacklevel=2)
            margin = self.els_budget_margin_db()
            if margin < 0:
                warnings.warn(SIKernelWarning(
                    f"{self.arch.name} {gen.name}: the external laser source gives "
                    f"{float(self.els_lane_light_given_dbm()):.1f} dBm per lane "
                    f"(els_lane_light_dbm={p['els_lane_light_dbm']:g}, els_lanes_per_laser="
                    f"{p['els_lanes_per_laser']:g}), {-margin:.1f} dB short of the lane's link budget "
                    f"els_lane_optical_dbm={p['els_lane_optical_dbm']:g}; the laser power is priced for "
                    "the budget's light (as a brighter provision would give it): raise "
                    "els_lane_light_dbm to match"),
                    stacklevel=2)
        if self.arch.linear_eq_directions:
            self._lin_eq_w = components.linear_eq_w(_module_peaking_db(p), gen.baud, gen.module_node_nm)

    def ensure_curves(self) -> None:
        """Tabulate every end's curves (:mod:`sikernel.system.end_curves`) once, on first need.

        Curves of the same end over the same channel are shared between ports through the
        channel cache; models priced at their point values only never compute them.
        """
        if self._curves_ready:
            return
        p = self.point
        a = self.assumptions
        for end, ch in zip(self.ends, self._channels, strict=True):
            rng = self._shift_range_db(end)
            key = ("end curves", self.path, self.gen.baud, end.linear, p["linear_f3db_over_baud"],
                   p["linear_penalty_db"], end.node_nm, end.scope, self.target_ber, _xt_key(self.crosstalk),
                   tuple((k, a[k].low, a[k].value, a[k].high)
                         for k in ("t_fo4_s", "crosstalk_scale", "linear_f3db_over_baud")), rng)
            if key not in self._cache:
                self._cache[key] = build_end_curves(
                    ch, baud=self.gen.baud, node_nm=end.node_nm, exclude=self.path.exclude,
                    target_ber=self.target_ber, scope=end.scope, crosstalk=self.crosstalk,
                    t_fo4=a["t_fo4_s"], crosstalk_scale=a["crosstalk_scale"], shift_range_db=rng,
                    linear_path=((self.channel, a["linear_f3db_over_baud"], p["linear_penalty_db"])
                                 if end.linear else None))
            end.curves = self._cache[key]
        self._curves_ready = True

    def _shift_range_db(self, end: EndPoint) -> tuple[float, float]:
        """Smallest and largest flat loss shift of ``end``'s channel the assumptions' ranges allow (dB)."""
        a = self.assumptions
        k = self.offset_key
        best = {**self.point, k: a[k].low, "linear_penalty_db": a["linear_penalty_db"].low}
        worst = {**self.point, k: a[k].high, "linear_penalty_db": a["linear_penalty_db"].high}
        return float(self.end_shift_db(end, best)), float(self.end_shift_db(end, worst))

    def end_factor(self, end: EndPoint, v: dict[str, Any]) -> Any:
        """``E / E(point)`` of ``end`` for inputs ``v``: the closing receiver family of least energy,
        each family priced from its (linear-path bandwidth, crosstalk scale, t_FO4, flat loss shift)
        table over the end's own channel (:mod:`sikernel.system.end_curves`)."""
        shift = self.end_shift_db(end, v)
        t = np.asarray(v.get("t_fo4_s", self.point["t_fo4_s"]), dtype=float)
        x = np.asarray(v.get("crosstalk_scale", self.point["crosstalk_scale"]), dtype=float)
        b = self.end_f3db(end, v)
        if not (np.ndim(shift) or np.ndim(t) or np.ndim(x) or np.ndim(b)) and shift == 0 \
                and t == self.point["t_fo4_s"] and x == self.point["crosstalk_scale"] \
                and (b is None or b == self.point["linear_f3db_over_baud"]):
            return 1.0
        self.ensure_curves()
        r = end.curves.price(t, shift, x, b)[0] / end.pj_per_bit
        return float(r) if np.ndim(r) == 0 else r

    def not_closing(self, v: dict[str, Any]) -> np.ndarray:
        """Whether some host end of this port does not close for inputs ``v`` (per draw).

        A draw beyond every receiver family's closing limit at its crosstalk scale
        (:class:`~sikernel.system.end_curves.EndCurves`) counts; its energy is the held one of
        the family that closes furthest (an underestimate), so the count is reported with the bands.
        """
        self.ensure_curves()
        t = v.get("t_fo4_s", self.point["t_fo4_s"])
        x = v.get("crosstalk_scale", self.point["crosstalk_scale"])
        out = np.zeros(np.broadcast(*[np.asarray(y) for y in v.values()]).shape, dtype=bool)
        for end in self.ends:
            closes = end.curves.price(t, self.end_shift_db(end, v), x, self.end_f3db(end, v))[1]
            out = out | ~np.asarray(closes, dtype=bool)
        return out

    # -- evaluation -----------------------------------------------------------------
    def end_shift_db(self, end: EndPoint, v: dict[str, Any]) -> Any:
        """Flat loss shift (dB) of ``end``'s channel for inputs ``v`` against the point: the host
        channel's loss offset and, for a linear end, the change of the optical penalty (a flat
        loss by its definition); the linear path's bandwidth is :meth:`end_f3db`."""
        d = np.asarray(v.get(self.offset_key, 0.0), dtype=float)
        if end.linear:
            d = d + np.asarray(v.get("linear_penalty_db", self.point["linear_penalty_db"]), dtype=float) \
                - self.point["linear_penalty_db"]
        return d

    def end_f3db(self, end: EndPoint, v: dict[str, Any]) -> Any:
        """The linear optical path's bandwidth (over the baud) ``end`` equalises for inputs ``v``;
        None for an end without one."""
        if not end.linear:
            return None
        return np.asarray(v.get("linear_f3db_over_baud", self.point["linear_f3db_over_baud"]), dtype=float)

    def blocks_w(self, v: dict[str, Any] | None = None, serdes_factor: Any = 1.0,
                 dsp_factor: Any = 1.0) -> dict[str, Any]:
        """Block name -> W per port for inputs ``v`` (floats or arrays of draws).

        Parameters
        ----------
        v : dict, optional
            Assumption name -> value(s); default the point values.
        serdes_factor : float or ndarray
            Multiplier of every host-SerDes energy (calibration residual draw); the line-side DSP
            is refitted with it (:meth:`~sikernel.system.modules.DspFit.e_pj_per_bit_7nm_at`), so
            that the DSP share stays at its anchors' published values on their geometric mean: each
            anchor's module on its own moves a little with the draw (the 800G module's falls as the
            host SerDes rises, the 1.6T module's rises; audit 28).
        dsp_factor : float or ndarray
            Multiplier of the fitted line-side DSP coefficient.

        Returns
        -------
        dict
        """
        from .modules import digital_energy_scale, line_dsp_fit

        g = self.gen
        v = self.point if v is None else v
        n = g.lanes_per_port
        rate = g.lane_line_gbps * 1e-3  # W per (pJ/bit)
        out: dict[str, Any] = {}
        for end in self.ends:
            out[end.block] = end.pj_per_bit * rate * n * serdes_factor * self.end_factor(end, v)
        a = self.arch
        share = v["dsp_tx_share"] if a.dsp_share == "tx" else float(a.dsp_share)
        if a.dsp_share == "tx" or float(a.dsp_share) > 0:
            # the anchors pin host-side SerDes + line DSP: a SerDes draw moves the line DSP the other way
            e_dsp = line_dsp_fit().e_pj_per_bit_7nm_at(serdes_factor) * digital_energy_scale(g.module_node_nm)
            out["module_dsp"] = share * e_dsp * rate * n * dsp_factor
        if a.optics == "module":
            out["driver"] = v["module_driver_w"] * n
            out["laser"] = v["module_laser_w"] * n
            out["tia"] = v["module_tia_w"] * n
            out["other"] = v["module_other_w"] * np.ones_like(np.asarray(v["module_driver_w"], dtype=float))
        else:
            if g.cpo_modulator == "ring":
                out["driver"] = _ring_driver_w(v, g) * n
                out["modulator_tuning"] = v["ring_heater_w"] * n
            else:
                out["driver"] = v["module_driver_w"] * v["mzm_driver_factor"] * n
                out["modulator_tuning"] = v["mzm_bias_w"] * n   # quadrature bias heater, audit 28
            out["laser"] = _els_lane_w(v) * n
            out["tia"] = v["module_tia_w"] * v["engine_tia_factor"] * n
            out["other"] = (engine_other_w(v["engine_other_w"], n)
                            * np.ones_like(np.asarray(v["module_tia_w"], dtype=float)))
        if a.linear_eq_directions:
            out["linear_eq"] = a.linear_eq_directions * self._lin_eq_w * v["linear_eq_factor"] * n
        return {k: (float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)) for k, x in out.items()}

    def end_channel(self, block: str) -> tuple[EndPoint, Any]:
        """The host end called ``block`` and the channel it is priced over.

        Parameters
        ----------
        block : str
            The end's block name (e.g. ``"switch_serdes_rx"``).

        Returns
        -------
        (EndPoint, Channel)
            The end at the point values and its channel (the host channel, with the module's
            linear path for a linear end).

        Raises
        ------
        SIKernelError
            No end called ``block``.
        """
        for end, ch in zip(self.ends, self._channels, strict=True):
            if end.block == block:
                return end, ch
        raise SIKernelError(f"{self.arch.name}: no host end {block!r}; ends: "
                            f"{', '.join(e.block for e in self.ends)}")

    def receive_alone(self, block: str) -> EnergyBreakdown:
        """Host end ``block`` priced as a receiver on its own: no TX FFE in front of it.

        The account prices LRO's switch receive end as a whole TX + RX link over C2M + the module's
        linear path (docs 7, "LRO's receive end"): the joint design's TX FFE stands in for whatever
        pre-equalisation the remote retimer's transmitter gives across the optics.  This is the
        other bound: no transmitter equalises the host channel, so the receiver does it all.  The
        SI chain is searched with the TX FFE off for every family (the slicer receivers' "off"
        subset of :data:`sikernel.power.si.TX_SUBSETS`, and the DSP receivers' front end chosen
        over no TX taps, :func:`sikernel.power.api.channel_op_table` with ``dsp_tx_active=()``), at
        the end's BER, crosstalk and node, and priced in scope "rx".

        Parameters
        ----------
        block : str
            The end, as :meth:`end_channel` names it.

        Returns
        -------
        EnergyBreakdown
            Its ``total_pj_per_bit`` is per line bit of one lane's receiver.

        Raises
        ------
        SIKernelError
            No end called ``block``; LinkNotClosingError where no receiver closes it alone.
        """
        from ..power import DEFAULT_COEFFICIENTS, api
        from ..power.crosstalk import resolve
        from ..power.technology import get_technology

        end, ch = self.end_channel(block)
        op, il = api.channel_op_table(ch, self.gen.baud, 4, crosstalk=resolve(self.crosstalk),
                                      dsp_tx_active=())
        op = api.candidates(api.without_tx_ffe(op), self.path.exclude, "auto")
        return api.breakdown(op, levels=4, baud=self.gen.baud, modulation="pam4",
                             tech=get_technology(end.node_nm), co=DEFAULT_COEFFICIENTS,
                             architecture="auto", target_ber=self.target_ber, scope="rx", il_db=il,
                             si_path="channel")

    def lasers_per_lane(self) -> float | None:
        """Lasers per lane of the external laser source (engines), None for module lasers: one over
        the lanes per laser the brightest class allows at the provisioned light
        (:func:`sikernel.system.components.els_lanes_per_laser_priced`)."""
        if self.arch.optics != "engine":
            return None
        return float(components.lasers_per_lane(_els_lanes_priced(self.point)))

    def els_laser_out_dbm(self) -> float | None:
        """Output of one laser of the external source at the point values (dBm; engines; derived from
        the light per lane and the lanes per laser, :func:`sikernel.system.components.els_laser_output_dbm`),
        None for module lasers."""
        if self.arch.optics != "engine":
            return None
        return float(_els_laser_out_dbm(self.point))

    def els_lane_light_given_dbm(self, v: dict[str, Any] | None = None) -> Any:
        """Light one lane of the external laser source gets (dBm; engines; NaN for module lasers).

        The provisioned ``els_lane_light_dbm`` (a sharing the brightest class cannot give it takes
        more lasers, :func:`sikernel.system.components.els_lanes_per_laser_priced`), or that class's
        output where the provision exceeds one laser of it.

        Parameters
        ----------
        v : dict, optional
            Assumption name -> value(s); default the point values.

        Returns
        -------
        float or ndarray
            dBm per lane at the laser side of the split.
        """
        v = self.point if v is None else v
        if self.arch.optics != "engine":
            return float("nan")
        m = components.els_lane_light_dbm(_els_laser_out_dbm(v), _els_lanes_priced(v))
        return float(m) if np.ndim(m) == 0 else m

    def els_budget_margin_db(self, v: dict[str, Any] | None = None) -> Any:
        """Light per lane of the external laser source minus the lane's link budget (dB; engines).

        :meth:`els_lane_light_given_dbm` ``- els_lane_optical_dbm``: negative when the source does
        not give a lane the light its link budget asks for.

        Parameters
        ----------
        v : dict, optional
            Assumption name -> value(s); default the point values.

        Returns
        -------
        float or ndarray
            Margin in dB; NaN for module lasers.
        """
        v = self.point if v is None else v
        if self.arch.optics != "engine":
            return float("nan")
        m = self.els_lane_light_given_dbm(v) - np.asarray(v["els_lane_optical_dbm"], dtype=float)
        return float(m) if np.ndim(m) == 0 else m


def _xt_key(crosstalk: Any) -> Any:
    """A hashable key of a crosstalk argument (None when off)."""
    from ..power.crosstalk import resolve

    m = resolve(crosstalk)
    return None if m is None else tuple(sorted(m.key().items()))


def engine_other_w(w_per_engine_share: Any, lanes: float) -> Any:
    """An optical engine's overhead (controller, monitors, heater control) for ``lanes`` lanes.

    Parameters
    ----------
    w_per_engine_share : float or ndarray
        The assumption ``engine_other_w``: W per :data:`~sikernel.system.assumptions.ENGINE_OTHER_LANES`
        lanes (an 800G / 1.6T port's share of the engine).
    lanes : float
        Lanes of the port.

    Returns
    -------
    float or ndarray
        W per port: shared by the engine's lanes, so per lane, whatever the logical port width.
    """
    return w_per_engine_share * lanes / ENGINE_OTHER_LANES


def _kind(path: PathSpec) -> str:
    """The energy model's synthetic channel kind for a path: "xsr" without BGA balls (CPO), else "host"."""
    return "xsr" if not (path.bga_tx or path.bga_rx) else "host"


def _module_peaking_db(p: dict[str, float]) -> float:
    """CTLE peaking of a linear module's driver / TIA: its own path's bandwidth loss at Nyquist (dB).

    The linear module equalises its own electrical-optical path (the two-pole response of
    :func:`~sikernel.system.channels.linear_path_response` without the flat penalty); the host
    SerDes equalises the host channel (LPO MSA division of labour).
    """
    return float(linear_path_loss_db(p["linear_f3db_over_baud"], 0.0))


def port_w_vs_host_loss(architecture: str, gen: Generation, loss_db: Any) -> np.ndarray:
    """W per port against the host channel's loss at Nyquist, point values elsewhere.

    Every host end uses the energy model's tabulated path (``energy_per_bit_batch``) at
    ``loss_db`` (plus the linear optical path's loss for ends that equalise it); the module
    side at its point values.  NaN where a host link does not close.

    Parameters
    ----------
    architecture : str
    gen : Generation
    loss_db : array_like
        Host channel losses at Nyquist in dB.

    Returns
    -------
    ndarray
        W per port.
    """
    from ..power import energy_per_bit_batch
    from .modules import digital_energy_scale, line_dsp_fit

    a = get_architecture(architecture)
    loss = np.atleast_1d(np.asarray(loss_db, dtype=float))
    if np.any(~np.isfinite(loss) | (loss < 0)):
        raise SIKernelError(f"loss_db must be finite and >= 0 dB; got {loss_db!r}")
    p = point_values(gen)
    path = DEFAULT_PATHS[a.path]
    ber = gen.target_ber(a.host_class)
    n = gen.lanes_per_port
    rate = gen.lane_line_gbps * 1e-3
    total = np.zeros(loss.size)
    for end in a.ends:
        extra = (float(linear_path_loss_db(p["linear_f3db_over_baud"], p["linear_penalty_db"]))
                 if end.linear else 0.0)
        node = gen.node_nm if end.side == "switch" else gen.module_node_nm
        b = energy_per_bit_batch(loss + extra, baud=gen.baud, node_nm=node, exclude=path.exclude,
                                 target_ber=ber, scope=end.scope, channel_kind=_kind(path),
                                 crosstalk=gen.crosstalk_for(a.host_class))
        total = total + b.total_pj_per_bit * rate * n
    if a.dsp_share == "tx" or float(a.dsp_share) > 0:
        share = p["dsp_tx_share"] if a.dsp_share == "tx" else float(a.dsp_share)
        total = total + share * line_dsp_fit().e_pj_per_bit_7nm * digital_energy_scale(
            gen.module_node_nm) * rate * n
    if a.linear_eq_directions:
        lin = components.linear_eq_w(_module_peaking_db(p), gen.baud, gen.module_node_nm)
        total = total + a.linear_eq_directions * lin * p["linear_eq_factor"] * n
    # the rest of the module does not depend on the host channel
    pm_fixed = _fixed_module_w(a, gen, p)
    return total + pm_fixed


def _ring_driver_w(v: dict[str, Any], gen: Generation) -> Any:
    """Linear direct-drive ring driver per lane (:func:`~sikernel.system.components.ring_driver_w`).

    Its bandwidth is the linear optical path's (``linear_f3db_over_baud``); the engine
    electronics are at the generation's module node.
    """
    return components.ring_driver_w(v["ring_c_f"], v["ring_driver_c_out_f"], v["ring_vpp_v"],
                                    v["ring_driver_headroom_v"], v["linear_f3db_over_baud"],
                                    v["ring_driver_swing_fraction"], v["engine_input_vppd"], gen.baud,
                                    gen.module_node_nm)


#: a sharing may ask this much more than the brightest laser class before the model warns (dB): the
#: light per lane is given to 0.1 dB, and 17.0 dBm over 8 lanes asks 26.03 dBm of a 26 dBm class
_ELS_CLASS_SLACK_DB = 0.05


def _els_lanes_priced(v: dict[str, Any]) -> Any:
    """Lanes per laser within the brightest class for inputs ``v`` (point values or draws)."""
    return components.els_lanes_per_laser_priced(v["els_lane_light_dbm"], v["els_lanes_per_laser"])


def _els_laser_out_dbm(v: dict[str, Any]) -> Any:
    """Output of one laser of the external source for inputs ``v`` (dBm; point values or draws)."""
    return components.els_laser_output_dbm(v["els_lane_light_dbm"], v["els_lanes_per_laser"])


def _els_lane_w(v: dict[str, Any]) -> Any:
    """External laser source power per lane for inputs ``v`` (W; never below the lane's budget)."""
    return components.els_laser_w(_els_laser_out_dbm(v), _els_lanes_priced(v), v["els_wpe"],
                                  v["els_lane_optical_dbm"])


def _fixed_module_w(a: Architecture, gen: Generation, p: dict[str, float]) -> float:
    n = gen.lanes_per_port
    if a.optics == "module":
        return (p["module_driver_w"] + p["module_laser_w"] + p["module_tia_w"]) * n + p["module_other_w"]
    if gen.cpo_modulator == "ring":
        drv = float(_ring_driver_w(p, gen)) + p["ring_heater_w"]
    else:
        drv = p["module_driver_w"] * p["mzm_driver_factor"]
    return (drv + float(_els_lane_w(p))
            + p["module_tia_w"] * p["engine_tia_factor"]) * n + engine_other_w(p["engine_other_w"], n)


__all__ = ["LINEAR_BUDGET_OFFSET_KEY", "LOSS_OFFSET_KEYS",
           "SWITCH_BLOCKS", "EndPoint", "PortModel", "host_path", "linear_path_loss_db",
           "offset_key", "port_w_vs_host_loss"]
