"""CMOS technology presets and the scaling rule for energy per operation.

Every switching event in a digital or mixed-signal block costs about ``C·V²``
(dynamic energy, e.g. Rabaey, Chandrakasan & Nikolić, *Digital Integrated
Circuits*, 2nd ed., eq. 5.10).  Between nodes the switched capacitance scales
roughly with the contacted gate (poly) pitch CPP -- the device width and the
local wiring shrink with it -- and the supply with the nominal core ``V_dd``.
The scaling rule used by the energy model is therefore

    E_op(node) = E_op(7 nm) · (CPP_node / CPP_7nm) · (V_dd,node / V_dd,7nm)²      (1)

applied to the ADC figure of merit as it stands, and to every other digital coefficient (DSP
full-adder energy, serializer/clock overhead, slicers, TX-FFE segments, CDR, fixed overhead) to a
fitted power ``γ`` (``s_E^γ``, :func:`sikernel.power.blocks.digital_scale`,
``node_energy_exponent``, fitted on the calibration designs; docs/energy-model.md, "The node
exponent of the digital blocks").  The AFE load
capacitance is *not* node-scaled: it is wiring, inductor and pad parasitics plus the
next stage's input, and the device part enters through the self-loading with f_T
(:func:`sikernel.power.blocks.afe_gm_per_c`), which has stayed ≈ 250-350 GHz across
these nodes; the AFE power follows the node's analog supply.  (``cap_scale`` is kept
for callers that want the CPP ratio.)  Rule (1) gives ≈ 3× lower energy per operation from
28 nm to 7 nm, in line with the trend reported by A. Stillmaker and B. Baas,
"Scaling equations for the accurate prediction of CMOS device performance from
180 nm to 7 nm", Integration 58 (2017), Table 6 (fitted energy factors), and
≈ 1.6× from 7 nm to 3 nm.

The delay of a logic gate is ``t_p ≈ C V_dd / I_on`` (Rabaey et al., eq. 5.21); with the
switched capacitance per unit device width scaling with CPP as in (1), and the on-current
per unit of footprint width about the same across these nodes (≈ 1-1.5 mA/µm, the drive
that every node's FinFET or strained-planar device is tuned to), the gate delay (FO4)
scales as

    t_FO4(node) = t_FO4(7 nm) · (CPP_node V_dd,node) / (CPP_7nm V_dd,7nm)                (2)

(``delay_scale``): 2.5× slower at 28 nm, 1.4× faster at 3 nm.  It sets how hard a
full-rate CMOS serializer and pre-driver must be pushed at a given symbol rate
(:func:`sikernel.power.blocks.tx_serializer_w`).

Coefficient provenance (confidence letters as in
``shared/reference/links-and-energy.md``):

* CPP: WikiChip node pages (TSMC N28 117 nm, N16 90 nm, N7 57 nm, N5 51 nm,
  N3 48 nm; IBM 32 nm SOI 126 nm) -- M.
* Core V_dd: foundry nominal core voltages as quoted on the same pages
  (N28HPM 0.9 V, N16FF+ 0.8 V, N7 0.75 V, N5 0.70 V, N3 0.65 V, IBM 32 nm SOI
  1.0 V) -- M.
* Analog supply and maximum TX-driver supply: assumption (typical I/O-device
  supplies used by published SerDes in those nodes; the TX driver supply sets
  the largest differential peak-to-peak swing an SST driver can launch; 1.2 V
  is the thick-oxide/overdriven TX rail that lets published 112G transmitters
  launch 1.0-1.2 V peak-to-peak differential).
* Transit frequency ``f_t_hz`` of the thin-oxide NMOS as an analog front end
  biases it (low overdrive, with its fin, contact and first-metal parasitics):
  the speed of the AFE and of the TX pre-driver/serializer
  (:func:`sikernel.power.blocks.self_loading`).  Published peak f_T of planar
  bulk/SOI devices reached ≈ 300-485 GHz at 45-28 nm (S. Lee et al., "Record RF
  performance of 45-nm SOI CMOS technology", IEDM 2007: 485 GHz nFET); the first
  FinFET nodes lost part of it to series resistance and fin/contact parasitics
  (S. Nuttinck et al., IEEE TED 54(2), 2007, "Double-gate finFETs as a CMOS
  technology downscaling option: an RF perspective") and later FinFET nodes
  regained it as the gate pitch and contacted-gate capacitance shrank.  The
  preset values (250 GHz at 16/12 nm rising to 350 GHz at 3 nm; 280-300 GHz for
  the planar 28/32 nm presets at AFE bias) follow that trend; confidence L: no
  foundry publishes the AFE-bias f_T of N7/N5/N3, so the study carries a ±20 %
  range on it (``F_T_REL_RANGE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SIKernelError

#: reference node for every coefficient quoted "at 7 nm"
REFERENCE_NODE_NM = 7.0


@dataclass(frozen=True)
class Technology:
    """One CMOS node preset.

    Parameters
    ----------
    name : str
        Label, e.g. ``"7nm"``.
    node_nm : float
        Nominal node in nm (the key of :data:`NODES`).
    cpp_nm : float
        Contacted poly pitch in nm (capacitance proxy of rule (1)).
    vdd_core_v : float
        Nominal core supply in V (digital energy, rule (1)).
    vdd_analog_v : float
        Supply of the receiver analog front end in V (assumption).
    vdd_tx_max_v : float
        Highest TX-driver supply in V; an SST driver launches at most this as
        differential peak-to-peak swing (assumption).
    source : str
        Where the numbers come from.
    f_t_hz : float, optional
        Transit frequency of the AFE/pre-driver NMOS at its analog bias, in Hz (confidence L;
        see the module docstring).
    vdd_digital_v : float, optional
        Supply the digital, serializer and DAC-segment circuits of a particular design actually
        run at, when its publication states one that differs from the node's nominal core
        supply (a published operating point, e.g. 0.95 V for Dickson et al., VLSI 2022, in a
        4 nm node of nominal 0.70 V); ``None``: ``vdd_core_v``.  It changes the energy rule (1)
        (``C V²``), not the gate delay of rule (2): a design raises its supply to be faster,
        so keeping the nominal delay is the conservative choice.  See :meth:`at_supply`.
    """

    name: str
    node_nm: float
    cpp_nm: float
    vdd_core_v: float
    vdd_analog_v: float
    vdd_tx_max_v: float
    source: str
    f_t_hz: float = 3.0e11
    vdd_digital_v: float | None = None

    @property
    def node_energy_scale(self) -> float:
        """Energy per digital operation relative to the 7 nm preset (rule (1)) at the node's
        nominal core supply: the node trend alone, whatever ``vdd_digital_v``."""
        ref = NODES[REFERENCE_NODE_NM]
        return (self.cpp_nm / ref.cpp_nm) * (self.vdd_core_v / ref.vdd_core_v) ** 2

    @property
    def supply_energy_scale(self) -> float:
        """``(vdd_digital_v / vdd_core_v)²``: the ``C V²`` factor of a stated supply (1 when none)."""
        return 1.0 if self.vdd_digital_v is None else (self.vdd_digital_v / self.vdd_core_v) ** 2

    @property
    def energy_scale(self) -> float:
        """Energy per digital operation relative to the 7 nm preset (rule (1)), at
        ``vdd_digital_v`` when set: :attr:`node_energy_scale` · :attr:`supply_energy_scale`."""
        return self.node_energy_scale * self.supply_energy_scale

    def at_supply(self, vdd_digital_v: float) -> Technology:
        """This node with its digital circuits at a stated supply (``C V²`` energy, rule (1)).

        Parameters
        ----------
        vdd_digital_v : float
            Supply in V (> 0).

        Returns
        -------
        Technology

        Raises
        ------
        SIKernelError
            Supply not a positive finite number.
        """
        import math
        from dataclasses import replace

        v = float(vdd_digital_v)
        if not (math.isfinite(v) and 0.0 < v < 5.0):
            raise SIKernelError(f"vdd_digital_v={vdd_digital_v!r} must be a supply in volts in (0, 5)")
        return replace(self, vdd_digital_v=v)

    @property
    def delay_scale(self) -> float:
        """Gate delay relative to the 7 nm preset, rule (2): ``(CPP·V_dd) / (CPP·V_dd)_7nm``."""
        ref = NODES[REFERENCE_NODE_NM]
        return (self.cpp_nm * self.vdd_core_v) / (ref.cpp_nm * ref.vdd_core_v)

    @property
    def cap_scale(self) -> float:
        """Device/wiring capacitance relative to the 7 nm preset (CPP ratio)."""
        return self.cpp_nm / NODES[REFERENCE_NODE_NM].cpp_nm


_SRC = ("CPP and core V_dd: WikiChip node pages (M); analog and TX supplies: assumption")

#: node presets, keyed by nominal node in nm; "16/12" is one preset (16 and 12 both map to it)
NODES: dict[float, Technology] = {
    32.0: Technology("32nm", 32.0, 126.0, 1.00, 1.00, 1.2, _SRC + "; IBM 32 nm SOI", 3.0e11),
    28.0: Technology("28nm", 28.0, 117.0, 0.90, 1.00, 1.2, _SRC, 2.8e11),
    16.0: Technology("16/12nm", 16.0, 90.0, 0.80, 0.90, 1.2, _SRC, 2.5e11),
    7.0: Technology("7nm", 7.0, 57.0, 0.75, 0.85, 1.2, _SRC, 3.0e11),
    5.0: Technology("5nm", 5.0, 51.0, 0.70, 0.80, 1.2, _SRC, 3.25e11),
    3.0: Technology("3nm", 3.0, 48.0, 0.65, 0.75, 1.1, _SRC, 3.5e11),
}

#: relative ±range of the preset f_T values (confidence L; used by the study's uncertainty)
F_T_REL_RANGE = 0.2

#: aliases: 12 nm is a 16 nm derivative (TSMC 12FFC); N4 a 5 nm derivative; Intel 10 nm
#: ("Intel 7") has the density and pitches of the foundry 7 nm class (CPP 54 vs 57 nm)
_ALIASES: dict[float, float] = {12.0: 16.0, 4.0: 5.0, 10.0: 7.0}


def get_technology(node_nm: object) -> Technology:
    """Return the preset for ``node_nm`` (28, 16 or 12, 10 (as 7), 7, 5 or 4, 3; 32 for calibration).

    Parameters
    ----------
    node_nm : float or Technology
        Nominal node in nm (12 is an alias of 16, 10 of 7, 4 of 5); a :class:`Technology` is
        returned as is.

    Returns
    -------
    Technology

    Raises
    ------
    SIKernelError
        Unknown node (the message lists the known ones); text such as ``'5'`` or ``'5nm'`` or a
        bool (the message names the number to give).
    """
    if isinstance(node_nm, Technology):
        return node_nm
    if isinstance(node_nm, str | bytes | bool):
        # fuzz 31 low: '5' was taken (float('5')) while '7nm' was refused; text is refused in
        # both spellings, as the sweep config and the frequency checks refuse it
        text = node_nm.decode(errors="replace") if isinstance(node_nm, bytes) else str(node_nm)
        num = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(?:nm)?\s*", text, re.IGNORECASE)
        hint = (f"give the number itself, {float(num.group(1)):g}"
                if num and not isinstance(node_nm, bool) else "give the node in nm as a number, e.g. 5")
        raise SIKernelError(f"node_nm={node_nm!r} is a {type(node_nm).__name__}, not a number: node_nm is "
                            f"the CMOS node in nanometres; {hint} (known nodes (nm): {_known()})")
    try:
        key = float(node_nm)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        key = None
    if key is not None:
        key = _ALIASES.get(key, key)
        if key in NODES:
            return NODES[key]
    raise SIKernelError(f"unknown node_nm={node_nm!r}: node_nm is the CMOS node in nanometres "
                        f"(e.g. 5 for a 5 nm process); known nodes (nm): {_known()}")


def _known() -> str:
    """The node presets and aliases, largest first (for the messages)."""
    return ", ".join(f"{k:g}" for k in sorted([*NODES, *_ALIASES], reverse=True))


__all__ = ["F_T_REL_RANGE", "NODES", "REFERENCE_NODE_NM", "Technology", "get_technology"]
