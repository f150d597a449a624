"""What stands between the switch die and the fibre, per architecture.

Each :class:`Architecture` lists its host-link ends (the SerDes that sit on the
electrical host channel, which scope of the energy model each one pays, over which
channel) and the components of its module or optical engine.  The account
(:mod:`sikernel.system.account`) prices them; docs/energy-model.md draws the picture.

Per lane, one direction each way (egress: switch → fibre; ingress: fibre → switch):

``pluggable`` (fully retimed DSP module)
    egress: switch TX → C2M host channel → module host-side RX | DSP | driver → modulator (laser)
    ingress: PD → TIA | DSP | module host-side TX → host channel → switch RX.
    Ends: switch TX+RX and module host-side TX+RX, both on the C2M channel.
``lro`` (TX-retimed, "TRO"/LRO: retimer in the egress direction only)
    egress as pluggable (module host-side RX, line-side DSP TX half);
    ingress linear: TIA → host channel → switch RX, which equalises host channel + the
    module's linear path (bandwidth, optical penalty) with no TX FFE in front of it; it is
    priced as the whole TX+RX energy of a SerDes link over that channel (the RX does the
    equalisation a SerDes TX would share: an upper-bound proxy, monotone in loss, where the
    RX half of a jointly optimised link is not).
``lpo`` (linear pluggable, no DSP)
    both directions linear: switch TX and RX equalise host channel + linear path; the
    module's driver and TIA carry CTLE/VGA stages (``linear_eq``).
``npo`` (near-packaged optical engine on the board, ≤ 150 mm, no DSP)
    as LPO over the NPO channel; engine components as CPO (modulator per generation,
    external laser source).
``npo_dsp`` (near-packaged engine with a retiming DSP)
    as pluggable over the NPO channel, with the engine's components.
``cpo`` (co-packaged engine, ≤ 50 mm package trace, XSR class, direct drive)
    switch TX/RX equalise the package trace + the engine's linear path; driver, modulator
    (ring: linear direct-drive CML driver + heater; MZM: linear driver), TIA, external laser source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HostEnd:
    """One SerDes on a host link.

    Attributes
    ----------
    block : str
        Block name in the port account ("switch_serdes", "module_host_serdes").
    side : str
        "switch" (switch node) or "module" (module / engine DSP node).
    scope : str
        Energy-model scope: "txrx", "tx" or "rx".
    linear : bool
        The channel this end equalises includes the linear optical path.
    """

    block: str
    side: str
    scope: str
    linear: bool


@dataclass(frozen=True)
class Architecture:
    """One architecture: its host channel, host-link ends and module components.

    Attributes
    ----------
    name : str
    description : str
    path : str
        Key of :data:`sikernel.system.channels.DEFAULT_PATHS` (its host channel).
    host_class : str
        "c2m" or "c2c" (picks the BER target of the generation).
    ends : tuple of HostEnd
    dsp_share : float or str
        Share of the line-side DSP in the module: 1.0 (retimed both ways), "tx" (TX half), 0.
    optics : str
        "module" (pluggable driver, laser and TIA figures) or "engine" (co-packaged /
        near-packaged engine: modulator per generation, external laser source).
    linear_eq_directions : int
        Directions with a linear driver/TIA that carries CTLE + VGA stages (0, 1, 2).
    """

    name: str
    description: str
    path: str
    host_class: str
    ends: tuple[HostEnd, ...]
    dsp_share: float | str
    optics: str
    linear_eq_directions: int


_SW = "switch_serdes"
_MOD = "module_host_serdes"

ARCHITECTURES: dict[str, Architecture] = {
    "pluggable": Architecture(
        "pluggable", "fully retimed DSP pluggable module", "pluggable", "c2m",
        (HostEnd(_SW, "switch", "txrx", False), HostEnd(_MOD, "module", "txrx", False)),
        1.0, "module", 0),
    "lro": Architecture(
        "lro", "TX-retimed pluggable (LRO / TRO): DSP in the egress direction only", "lro", "c2m",
        (HostEnd(_SW + "_tx", "switch", "tx", False), HostEnd(_SW + "_rx", "switch", "txrx", True),
         HostEnd(_MOD + "_rx", "module", "rx", False)),
        "tx", "module", 1),
    "lpo": Architecture(
        "lpo", "linear pluggable (LPO): no DSP, linear driver and TIA", "lpo", "c2m",
        (HostEnd(_SW, "switch", "txrx", True),), 0.0, "module", 2),
    "npo": Architecture(
        "npo", "near-packaged optical engine (<= 150 mm), linear, external laser", "npo", "c2c",
        (HostEnd(_SW, "switch", "txrx", True),), 0.0, "engine", 0),
    "npo_dsp": Architecture(
        "npo_dsp", "near-packaged optical engine with a retiming DSP, external laser", "npo_dsp",
        "c2c", (HostEnd(_SW, "switch", "txrx", False), HostEnd(_MOD, "module", "txrx", False)),
        1.0, "engine", 0),
    "cpo": Architecture(
        "cpo", "co-packaged optical engine (<= 50 mm, XSR), direct drive, external laser", "cpo",
        "c2c", (HostEnd(_SW, "switch", "txrx", True),), 0.0, "engine", 0),
}

#: architectures of the default study (every one of ARCHITECTURES)
ARCH_NAMES: tuple[str, ...] = tuple(ARCHITECTURES)


def get_architecture(name: object) -> Architecture:
    """The architecture called ``name``; SIKernelError listing the known ones otherwise.

    Parameters
    ----------
    name : str

    Returns
    -------
    Architecture
    """
    from ..errors import SIKernelError

    if isinstance(name, str) and name.lower() in ARCHITECTURES:
        return ARCHITECTURES[name.lower()]
    raise SIKernelError(f"unknown architecture {name!r}; known: {', '.join(ARCHITECTURES)}")


__all__ = ["ARCHITECTURES", "ARCH_NAMES", "Architecture", "HostEnd", "get_architecture"]
