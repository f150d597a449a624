"""Switch generations and the standards their host links follow (product-matched defaults).

Each :class:`Generation` is one switch product class: its capacity, SerDes lane rate,
CMOS node, port size, the FEC and the raw (pre-FEC) bit error ratio its host links are
designed to, each with its source.  Every field can be overridden
(:func:`generation` with keyword overrides, or ``run_study(...)`` / ``sikernel study``).

Sources (confidence letters as in ``shared/reference/links-and-energy.md``):

* 51.2 Tb/s: Broadcom Tomahawk 5, 512 × 106.25 Gb/s SerDes, 5 nm (TechInsights /
  Linley; M).  Ports 800G = 8 × 100G.
* 102.4 Tb/s: 512 × 212.5 Gb/s (200G/lane, IEEE P802.3dj), 3 nm (assumption for the
  switch; the 1.6T module DSPs of that generation are 3 nm: Broadcom Sian3, Source
  Photonics, links-and-energy.md, H/M).  Ports 1.6T = 8 × 200G.
* FEC: RS(544,514) "KP4" (IEEE 802.3 Clause 91 / 119; the 802.3ck and 802.3dj PCS
  keep it end to end).  Its frame-loss target is met up to a pre-FEC BER of about
  2.4e-4 for the whole link (the figure the issue quotes); the electrical segments get
  a share of it:
* raw BER of a 100G/lane host link: the detector error ratio DER_0 of the IEEE
  802.3ck COM configuration sheets -- 1e-5 for chip-to-module (Annex 120G,
  ``config_com_ieee8023_93a=3ck_SA_120g_C2M_tp1a_08_17_2022.xlsx``) and for
  chip-to-chip (Annex 120F, ``…120F_C2C_08_17_2022.xlsx``); 1e-4 for KR / CR (Clause
  162/163 sheets).  Pluggable, LRO and LPO hosts are C2M; NPO and CPO host links are
  chip-to-(optical-)chip, C2C class: 1e-5 for all of them (H: read from the sheets).
* raw BER of a 200G/lane host link: DER_0 = 1e-4 of the IEEE 802.3df 200G C2C and
  CA/KR exploratory sheets (``config_com_ieee8023_93a=df_200G_PAM4_RCos_C2C_11_2022``,
  H for the sheet, draft-era values); the 802.3dj KR Annex 178A draft uses 2e-4
  (com-parameters.md).  1e-4 is used for every architecture.
* crosstalk: every IEEE COM configuration sheet of these reach classes carries far- and
  near-end aggressor amplitudes (A_fe / A_ne: 802.3ck KR and CR/CA 0.413 / 0.608 V, C2C
  Annex 120F 0.413 / 0.608 V, C2M Annex 120G 0.415 / 0.45 V; 802.3df 200G C2C 0.387 /
  0.608 V and CA/KR 0.387 / 0.6 V; ``shared/reference/ieee-com-config``, H): their COM
  adds the NEXT and FEXT aggressors of the channel (93A-34).  So every host link of the
  study is priced with crosstalk (:data:`COM_INCLUDES_CROSSTALK`): the power-sum FEXT/NEXT
  model of :mod:`sikernel.power.crosstalk` (fitted on the P802.3ck CA_19p75dB set,
  applied to each host channel's own through response), at the victim's launch amplitude
  (every lane has the same transmitter).  ``Generation.crosstalk`` overrides it (None:
  off; a number scales the crosstalk amplitude).  The calibration designs (lab channels
  without aggressors) stay without it.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import _validate
from ..errors import SIKernelError, SIKernelWarning

#: RS(544,514) "KP4" (IEEE 802.3 Clause 91): pre-FEC BER that still meets the frame-loss target
KP4_PRE_FEC_BER_LIMIT = 2.4e-4
#: 200G/lane host electrical budgets die to die, dB at Nyquist: "22 dB die-to-die for LPO vs 32 dB
#: retimed" (Semtech, 2026, trade press, M; shared/reference/links-and-energy.md)
LPO_HOST_BUDGET_200G_DB = 22.0
RETIMED_HOST_BUDGET_200G_DB = 32.0
#: 100G/lane LPO: host ASIC die to module die "recommended not to exceed 20 dB" at Nyquist (26.56 GHz),
#: of which the host (die to module connector) 16 dB, "extends ... from 13 dB to 16 dB" over OIF
#: CEI-112G-LINEAR-PAM4 (LPO MSA, "100G-DR-LPO Specification" Rev 1.0, March 2025, section 7; the
#: specification itself not read: as summarised in two public repositories,
#: ZenHatesCoding/lpo-pam4-sim docs/LPO_MSA_Specification_Summary.md and pojoker/workflow-rehearsal,
#: L-M).  A check of the 51.2T LPO port's host channel, not a board the study builds to.
LPO_HOST_BUDGET_100G_DB = 20.0

#: host-link class -> whether its IEEE COM adds crosstalk aggressors (A_fe / A_ne in the sheets)
COM_INCLUDES_CROSSTALK: dict[str, bool] = {"c2m": True, "c2c": True}


#: accepted range (dB at Nyquist) of a linear host budget given by the user: from a short XSR-like
#: link to a long backplane
LINEAR_HOST_BUDGET_RANGE_DB = (3.0, 60.0)


def _user_value_pairs(av: Any) -> tuple[tuple[str, float], ...]:
    """``Generation.assumption_values`` as sorted ``(name, float)`` pairs; SIKernelError for a
    malformed item, a value that is not a number, or a name given twice."""
    hint = "a mapping of input name -> value, e.g. {'els_wpe': 0.2}"
    if av is None:
        return ()
    items = av.items() if isinstance(av, Mapping) else av
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise SIKernelError(f"assumption_values={av!r} must be {hint}")
    out: dict[str, float] = {}
    for item in items:
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 2 \
                or not isinstance(item[0], str):
            raise SIKernelError(f"assumption_values: {item!r} is not a (name, value) pair; give {hint}")
        name, v = item
        if name in out:
            raise SIKernelError(f"assumption_values: {name!r} is given twice; give each input once")
        if isinstance(v, bool | str | bytes):  # no text: "0.2" from Python is a type slip
            raise SIKernelError(f"{name}={v!r} is not a number; give a float (the CLI's --set "
                                f"parses NAME=VALUE text itself)")
        try:
            out[name] = float(v)
        except (TypeError, ValueError):
            raise SIKernelError(f"{name}={v!r} is not a number") from None
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class Generation:
    """One switch generation: capacity, lanes, node, port size, FEC and BER targets.

    Attributes
    ----------
    name : str
        "51.2T" or "102.4T" (or a user label).
    switch_tbps : float
        Switch capacity (Tb/s, one direction, payload).
    lanes_per_switch : int
        SerDes lanes of the switch.
    lane_gbps : float
        Nominal lane payload rate (100 or 200 Gb/s).
    lane_line_gbps : float
        Lane line rate (PAM4, Gb/s): 106.25 or 212.5 (256b/257b + RS(544,514) overhead).
    port_gbps : float
        Port payload rate (800 or 1600 Gb/s); a whole number of lanes.
    node_nm : float
        CMOS node of the switch SerDes.
    module_node_nm : float
        CMOS node of the module / engine DSP and its host-side SerDes.
    target_ber_c2m : float
        Raw BER of a chip-to-module host link (pluggable, LRO, LPO).
    target_ber_c2c : float
        Raw BER of a chip-to-optical-chip host link (NPO, CPO).
    fec : str
        FEC of the link.
    cpo_modulator : str
        Modulator of the CPO / NPO engines: "ring" or "mzm".
    crosstalk : None, str, float or CrosstalkModel
        Crosstalk of the host links whose COM includes it (:data:`COM_INCLUDES_CROSSTALK`):
        "ca" (default: :data:`sikernel.power.crosstalk.CA_19P75DB`), None (off), a scale
        factor, or a model (:func:`sikernel.power.crosstalk.resolve`).
    linear_host_budget_db : float or None
        Published electrical loss budget at Nyquist (dB, die to the module's driver / TIA) of a
        linear (LPO-class) host interface at this lane rate, or None where none is published.  The
        C2M board of every architecture whose switch SerDes drives the module's linear optical path
        (LPO both ways, LRO ingress) is built to it: the longest whole millimetre of host board, at
        most the given one, whose channel meets it
        (:func:`sikernel.system.channels.board_within_budget`); None prices them on the given board.
    sources : dict
        Field -> source.
    assumption_values : tuple of (str, float)
        User values of optical-side inputs (:func:`sikernel.system.assumptions.assumptions`, by
        name): each replaces the input's point value *and* its range, so the Monte Carlo and the
        tornado hold it fixed.  A mapping is accepted and kept as sorted pairs.  Empty (default):
        every input at its documented point and range.
    """

    name: str
    switch_tbps: float
    lanes_per_switch: int
    lane_gbps: float
    lane_line_gbps: float
    port_gbps: float
    node_nm: float
    module_node_nm: float
    target_ber_c2m: float
    target_ber_c2c: float
    fec: str = "RS(544,514) KP4"
    cpo_modulator: str = "ring"
    crosstalk: Any = "ca"
    linear_host_budget_db: float | None = None
    sources: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)
    assumption_values: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        # one spelling for the branches that price the engine (new-user trial 30: "Ring" passed the
        # case-insensitive check and was then priced as an MZM engine); an unknown name is refused
        # by check_generation
        # review 32 H1: the name checks ignore surrounding whitespace, so the stored spelling must too
        # (' ring' passed the check and was priced as an MZM engine)
        if isinstance(self.cpo_modulator, str):
            object.__setattr__(self, "cpo_modulator", self.cpo_modulator.strip().lower())
        if isinstance(self.crosstalk, str):   # "CA" and "ca" are one model, recorded once
            object.__setattr__(self, "crosstalk", self.crosstalk.strip().lower())
        object.__setattr__(self, "assumption_values", _user_value_pairs(self.assumption_values))

    @property
    def lanes_per_port(self) -> int:
        """Lanes per port (port_gbps / lane_gbps, a whole number)."""
        return round(self.port_gbps / self.lane_gbps)

    @property
    def ports_per_switch(self) -> int:
        """Ports of the switch: lanes_per_switch / lanes_per_port."""
        return self.lanes_per_switch // self.lanes_per_port

    @property
    def baud(self) -> float:
        """PAM4 symbol rate of a lane in Bd."""
        return self.lane_line_gbps * 1e9 / 2.0

    def target_ber(self, host_class: str) -> float:
        """Raw BER of a host link of ``host_class`` ("c2m" or "c2c")."""
        return self.target_ber_c2m if host_class == "c2m" else self.target_ber_c2c

    def crosstalk_for(self, host_class: str) -> Any:
        """Crosstalk model of a host link of ``host_class`` (None when its COM has none or it is off).

        Parameters
        ----------
        host_class : str
            "c2m" or "c2c".

        Returns
        -------
        CrosstalkModel or None
        """
        from ..power.crosstalk import resolve

        return resolve(self.crosstalk) if COM_INCLUDES_CROSSTALK.get(host_class, False) else None


_SRC_100 = {
    "switch": "Broadcom Tomahawk 5: 512 x 106.25 Gb/s, 5 nm (TechInsights / Linley, M)",
    "module_node": "800G DR8 modules with 5 nm DSP (Source Photonics 2023, M)",
    "ber_c2m": "IEEE 802.3ck Annex 120G C2M COM sheet, DER_0 = 1e-5 (H)",
    "ber_c2c": "IEEE 802.3ck Annex 120F C2C COM sheet, DER_0 = 1e-5 (H)",
    "fec": "IEEE 802.3 Clause 91/119 RS(544,514); pre-FEC BER limit 2.4e-4",
    "cpo_modulator": "assumption: first-generation 100G/lane CPO engines with travelling-wave MZMs",
    "crosstalk": "802.3ck COM sheets (KR, CR/CA, 120F C2C, 120G C2M) carry A_fe/A_ne aggressors; "
                 "level: power-sum fit on P802.3ck CA_19p75dB (sikernel.power.crosstalk)",
    "linear_host_budget": "none in the reference at 100G/lane (the LPO MSA's 100G specification builds on "
                          "IEEE 802.3ck and OIF CEI-112G-LINEAR-PAM4; no loss figure of it in the "
                          "reference): LPO and LRO share the pluggable's C2M board",
}
_SRC_200 = {
    "switch": ("Broadcom Tomahawk 6: 102.4 Tb/s as 512 x 212.5 Gb/s (IEEE P802.3dj 200G/lane); 3 nm "
               "CMOS for the chip (R. Rubenstein, Gazettabyte, 3 Jun 2025, quoting Broadcom's P. Del "
               "Vecchio, M); its SerDes sit on separate 100G/200G chiplets whose node is not "
               "stated, so 3 nm for the SerDes is an assumption"),
    "module_node": "1.6T modules with 3 nm DSP (Broadcom Sian3, Source Photonics; H/M)",
    "ber_c2m": ("IEEE 802.3df 200G exploratory C2M TP1a COM sheets (Nov 2022; RCos, fr55 and TX-preset "
                "variants, public mirror github.com/Omer-Sella/COM, copy in tests/data/ieee_com_config_df), "
                "DER_0 = 1e-4 (M: exploratory, not the final 802.3dj value; the set's C2C and CA/KR sheets "
                "agree, the 802.3dj 178A KR draft gives 2e-4); the 100G C2M sheet's 1e-5 would price the "
                "102.4T pluggable host SerDes on a DSP receiver (the README sensitivities)"),
    "ber_c2c": "IEEE 802.3df 200G C2C exploratory COM sheet, DER_0 = 1e-4",
    "fec": "IEEE 802.3 RS(544,514) end to end (802.3dj); pre-FEC BER limit 2.4e-4",
    "cpo_modulator": "assumption: 200G/lane CPO engines with micro-ring modulators",
    "crosstalk": "802.3df 200G COM sheets (C2C, CA/KR) carry A_fe/A_ne aggressors; level: the "
                 "CA_19p75dB fit at the same fraction of the symbol rate (assumption)",
    "linear_host_budget": "Semtech (2026), 200G/lane LPO vs retimed: electrical budget 22 dB die-to-die for "
                          "LPO vs 32 dB retimed (trade press, M; system.modules.HOST_CHANNEL_BUDGETS). "
                          "LRO's ingress is the same linear host interface as LPO's (assumption)",
}

GENERATIONS: dict[str, Generation] = {
    "51.2T": Generation("51.2T", 51.2, 512, 100.0, 106.25, 800.0, 5.0, 5.0, 1e-5, 1e-5,
                        cpo_modulator="mzm", sources=_SRC_100),
    "102.4T": Generation("102.4T", 102.4, 512, 200.0, 212.5, 1600.0, 3.0, 3.0, 1e-4, 1e-4,
                         cpo_modulator="ring", sources=_SRC_200,
                         linear_host_budget_db=LPO_HOST_BUDGET_200G_DB),
}


def lane_class_gbps(lane_gbps: float) -> float:
    """The nominal lane-rate class (100 or 200 Gb/s) of a lane rate: the one rule the study's
    per-class tables use (reach budgets, the long-reach SerDes budget).

    Parameters
    ----------
    lane_gbps : float
        Lane rate in Gb/s, nominal (100, 200) or line (106.25, 212.5).

    Returns
    -------
    float
        200.0 above 150 Gb/s, else 100.0.
    """
    return 200.0 if float(lane_gbps) > 150.0 else 100.0


def generation(name_or_rate: Any, **overrides: Any) -> Generation:
    """A switch generation by name ("51.2T"), nominal lane rate (100, 200) or line rate (106.25, 212.5).

    Parameters
    ----------
    name_or_rate : str or float
        Generation name, or a lane rate in Gb/s (nominal or line rate).
    **overrides
        Fields to replace (``node_nm``, ``port_gbps``, ``target_ber_c2m``, ...); validated.

    Returns
    -------
    Generation

    Raises
    ------
    SIKernelError
        Unknown generation or rate; a port that is not a whole number of lanes; a BER
        outside (0, 0.375); a node outside the presets; a modulator other than ring/mzm; malformed
        ``assumption_values`` pairs (their names and values are checked where they are applied,
        :func:`sikernel.system.assumptions.check_user_values`).

    Warns
    -----
    SIKernelWarning
        A BER above the FEC's limit.
    """
    gen = None
    if isinstance(name_or_rate, Generation):
        gen = name_or_rate
    elif isinstance(name_or_rate, str) and name_or_rate in GENERATIONS:
        gen = GENERATIONS[name_or_rate]
    else:
        try:
            r = float(name_or_rate)
        except (TypeError, ValueError):
            r = None
        for g in GENERATIONS.values():
            if r is not None and r in (g.lane_gbps, g.lane_line_gbps):
                gen = g
    if gen is None:
        known = ", ".join(f"{k} ({g.lane_gbps:g} / {g.lane_line_gbps:g} Gb/s per lane)"
                          for k, g in GENERATIONS.items())
        hint = ""
        if r is not None and r > 1e6:   # new-user trial 29: --rate 106.25e9 (b/s, not Gb/s)
            hint = f"; lane rates are in Gb/s: {r:g} b/s is {r * 1e-9:g} Gb/s"
        elif r is not None:   # trial 98: --rate 112, the usual name of 100G-class SerDes
            near = min(GENERATIONS.values(), key=lambda g: abs(g.lane_line_gbps - r))
            if abs(near.lane_line_gbps - r) <= 0.15 * near.lane_line_gbps:
                hint = (f"; {r:g} Gb/s names a SerDes class; the {near.name} study runs its lanes at "
                        f"{near.lane_line_gbps:g} Gb/s: give {near.lane_gbps:g} or {near.lane_line_gbps:g}")
        raise SIKernelError(f"unknown switch generation or lane rate {name_or_rate!r}; known: {known}{hint}")
    if overrides:
        unknown = set(overrides) - {f.name for f in dataclasses.fields(Generation)}
        if unknown:
            raise SIKernelError(f"unknown generation field(s) {sorted(unknown)}; known: "
                                f"{[f.name for f in dataclasses.fields(Generation)]}")
        gen = dataclasses.replace(gen, **overrides)
    return check_generation(gen)


def check_ber(name: str, value: object) -> float:
    """A raw BER of a PAM4 study lane, else SIKernelError naming it.

    Accepted: ``0 < BER < budget.max_ber(4)`` (0.375, the PAM4 relation at Q = 0; a value outside
    (0, 0.5), not a bit error ratio at all, is named as such first); above
    :data:`KP4_PRE_FEC_BER_LIMIT` a :class:`~sikernel.errors.SIKernelWarning`
    (the FEC of every generation cannot correct it).

    Parameters
    ----------
    name : str
        Name used in the message.
    value : object
        The BER.

    Returns
    -------
    float
    """
    from ..power.budget import max_ber

    x = _validate.finite_scalar(name, value)
    if not 0.0 < x < 0.5:
        raise SIKernelError(f"{name}={value!r} is not a bit error ratio in (0, 0.5); "
                            "give e.g. 1e-5 (802.3ck C2M) or 1e-4 (802.3df 200G)")
    lim = max_ber(4)
    if x >= lim:
        raise SIKernelError(f"{name}={value!r} is at or above {lim:.4g}, where the PAM4 error relation "
                            "of every study lane reaches Q = 0 (no eye at all); give a raw BER the "
                            "link's FEC corrects, e.g. 1e-5 (802.3ck C2M) or 1e-4 (802.3df 200G)")
    if x > KP4_PRE_FEC_BER_LIMIT:
        warnings.warn(f"{name}={value!r} is above {KP4_PRE_FEC_BER_LIMIT:g}, the highest raw BER the "
                      "study's RS(544,514) FEC corrects to its frame-loss target (IEEE 802.3 Clause "
                      "91): the ports are priced for links whose FEC fails", SIKernelWarning,
                      stacklevel=2)
    return x


def check_generation(gen: Generation) -> Generation:
    """Validate every field of ``gen`` (see :func:`generation`).

    Parameters
    ----------
    gen : Generation

    Returns
    -------
    Generation
        ``gen`` itself.

    Raises
    ------
    SIKernelError
        As :func:`generation`.
    """
    from ..power.technology import get_technology

    for name in ("node_nm", "module_node_nm"):
        try:
            get_technology(getattr(gen, name))
        except SIKernelError as exc:  # name the field the user set, not the preset lookup's argument
            msg = str(exc).replace("node_nm=", f"{name}=", 1).replace("node_nm is", f"{name} is", 1)
            raise SIKernelError(msg) from None
    lane = _validate.positive("lane_gbps", gen.lane_gbps)
    port = _validate.positive("port_gbps", gen.port_gbps)
    _validate.positive("lane_line_gbps", gen.lane_line_gbps)
    n = port / lane
    if abs(n - round(n)) > 1e-9 or round(n) < 1:
        raise SIKernelError(f"port_gbps={gen.port_gbps!r} is not a whole number of "
                            f"{gen.lane_gbps:g} Gb/s lanes ({n:g} lanes); give a multiple of "
                            f"{gen.lane_gbps:g}, e.g. {8 * gen.lane_gbps:g}")
    if gen.lanes_per_switch % round(n):
        hint = ""
        if port > 1e6:   # new-user trial 30: --port 800e9 (b/s, not Gb/s)
            hint = f"; port rates are in Gb/s: {port:g} b/s is {port * 1e-9:g} Gb/s"
        raise SIKernelError(f"port_gbps={gen.port_gbps!r} gives {round(n)}-lane ports, and "
                            f"lanes_per_switch={gen.lanes_per_switch!r} is not a whole number of them; "
                            f"give a port of 1, 2, 4, 8 ... lanes{hint}")
    check_ber("target_ber_c2m", gen.target_ber_c2m)
    check_ber("target_ber_c2c", gen.target_ber_c2c)
    _validate.one_of("cpo_modulator", gen.cpo_modulator, ("ring", "mzm"))
    from ..power.crosstalk import resolve

    resolve(gen.crosstalk)
    if gen.linear_host_budget_db is not None:
        b = _validate.positive("linear_host_budget_db", gen.linear_host_budget_db)
        if b < LINEAR_HOST_BUDGET_RANGE_DB[0] or b > LINEAR_HOST_BUDGET_RANGE_DB[1]:
            raise SIKernelError(f"linear_host_budget_db={gen.linear_host_budget_db!r} dB is outside 3-60 dB "
                                "(a die-to-module loss budget at Nyquist, e.g. 22 for 200G/lane LPO); "
                                "give None to price the linear ports on the board as given")
    return gen


__all__ = ["COM_INCLUDES_CROSSTALK", "GENERATIONS", "KP4_PRE_FEC_BER_LIMIT", "LINEAR_HOST_BUDGET_RANGE_DB",
           "LPO_HOST_BUDGET_100G_DB",
           "LPO_HOST_BUDGET_200G_DB",
           "RETIMED_HOST_BUDGET_200G_DB", "Generation", "check_ber", "check_generation", "generation"]
