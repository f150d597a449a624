"""The retimed module's line-side DSP, fitted on published module powers, and the published checks.

Line-side DSP (retimer core: line TX DAC/FFE, line RX ADC/FFE/CDR, FEC/PCS pass-through,
gearbox, management) energy per bit ``e_dsp`` at the 7 nm reference, node-scaled by the
energy model's digital scale (:func:`sikernel.power.blocks.digital_scale`: rule (1),
``CPP · V_dd²``, to the fitted exponent ``node_energy_exponent``; :func:`digital_energy_scale`).
The published DSP share of a retimed module
(:data:`sikernel.system.assumptions.MODULE_ANCHORS`) holds the module's host-side SerDes
(priced by the energy model over the default C2M channel, both directions) plus this
line-side part:

    P_DSP,pub / lane = P_host-side SerDes / lane + e_dsp · s(node) · R_line,

so each anchor gives one ``e_dsp``; the fit is their geometric mean (least squares in
log, one coefficient, two anchors), and its range spans both anchors' values (widened to
at least ±15 %).

:data:`PUBLISHED_MODULES` are the whole-module figures the account is held against;
``fitted`` says which of them the coefficients above (and the split-derived driver,
laser, TIA, other figures) were taken from.  :data:`SYSTEM_CLAIMS` are whole-system CPO
claims: never fitted on, they judge the model (tests/test_system_checks.py).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .standards import LPO_HOST_BUDGET_100G_DB, LPO_HOST_BUDGET_200G_DB, RETIMED_HOST_BUDGET_200G_DB


@dataclass(frozen=True)
class PublishedModule:
    """A published module power the account is compared with.

    Attributes
    ----------
    label : str
    architecture : str
        Architecture of the account it is compared with.
    generation : str
        Generation name ("51.2T", "102.4T").
    low_w, high_w : float
        Published range of the module power (W per port).
    fitted : bool
        True when the module side was fitted on it (in-sample).
    source : str
    overrides : tuple
        Generation overrides for the comparison (e.g. a 3 nm DSP).
    """

    label: str
    architecture: str
    generation: str
    low_w: float
    high_w: float
    fitted: bool
    source: str
    overrides: tuple[tuple[str, float], ...] = ()


PUBLISHED_MODULES: tuple[PublishedModule, ...] = (
    PublishedModule("800G DR8 retimed (5 nm DSP)", "pluggable", "51.2T", 13.0, 16.0, True,
                    "Broadcom 14-16 W; Source Photonics 13-14 W; Nubis 15 W"),
    PublishedModule("1.6T retimed (3 nm DSP)", "pluggable", "102.4T", 20.0, 25.0, True,
                    "Lumentum 22 W; Source Photonics < 22 W; Sian3 < 23 W; Semtech 23-25 W"),
    PublishedModule("800G LPO", "lpo", "51.2T", 6.0, 9.0, False,
                    "vendor blogs 8-9 W; Nubis 6 W; NVIDIA target < 8 W (SMF)"),
    PublishedModule("1.6T LPO (200G/lane)", "lpo", "102.4T", 9.0, 11.0, False,
                    "Semtech: LPO ~ 10 W (the 9-11 W range is our reading of '~')"),
    PublishedModule("1.6T TX-retimed (TRO / LRO)", "lro", "102.4T", 15.0, 17.0, False,
                    "Lumentum 1.6T 2DR4 TRO 16 W typical; IEEE EPS LRO < 20 W (the 15-17 W range is our "
                    "reading of 'typical'; Semtech's ~ 16 W is for an RX-retimed module, the other "
                    "half-retimed design, not this one, and is not used)"),
    PublishedModule("800G with a 3 nm DSP", "pluggable", "51.2T", 11.0, 13.0, False,
                    "Broadcom Sian3: sub-13 W 800G (an upper bound; the 11 W lower end is our reading)",
                    (("module_node_nm", 3.0),)),
)


@dataclass(frozen=True)
class SystemClaim:
    """A whole-system CPO claim (context, never fitted on).

    Attributes
    ----------
    label : str
    value : float
    unit : str
    source : str
    counts : str
        What the claimed figure counts (as far as the source says; "reading" = our inference).
    model_quantity : str
        The model's like-for-like quantity it is compared with.
    informed : str
        An input of the model that was chosen partly because it agreed with this figure, which the
        check is then not cleanly out of sample against (trial 98 M2); empty when none.
    """

    label: str
    value: float
    unit: str
    source: str
    counts: str = ""
    model_quantity: str = ""
    informed: str = ""


_NVIDIA_SRC = ("NVIDIA GTC 2025 / Hot Chips 2025 / Developer Blog (A. Seyedi, Aug 2025) as quoted by "
               "TechInsights (16 Jul 2025), TechSpot (25 Aug 2025), notebookcheck (M)")

_BAILLY_INFORMED = ("the 100G lanes per laser (2), over which the laser class gives the light per lane "
                    "(17.0 dBm), was chosen partly because the laser power per lane it gives agrees with "
                    "the ECOC 2025 5.4 W (its source, sikernel.system.assumptions)")

_LASER_200G_INFORMED = ("the 200G laser light per lane (24.5 dBm per laser over 4 lanes, 18.5 dBm) was set "
                        "in December 2026 from the NVIDIA product's own laser figure (an analyst report, its "
                        "source in "
                        "sikernel.system.assumptions) after the NVIDIA ~9 W check (engine + laser "
                        "reading, x0.53) had flagged the 102.4T CPO port as low; the 102.4T CPO checks "
                        "share that input: not fitted to them, but not chosen blind to them")

SYSTEM_CLAIMS: dict[str, SystemClaim] = {
    "bailly_w_per_800g": SystemClaim("Broadcom Bailly CPO optics per 800G", 5.5, "W",
                                     "vendor interview / press (M-H)", informed=_BAILLY_INFORMED),
    "bailly_system_saving": SystemClaim(
        "Broadcom Bailly system power saving vs pluggable", 0.30, "1", "vendor interview / press (M-H)",
        "'system power' (reading: the switch box with its optics, pluggable vs CPO)",
        "51.2T CPO saving per switch / (a published Tomahawk 5 box without optics + the pluggable "
        "modules; the saving the model's, the box as published)"),
    "bailly_io_saving": SystemClaim(
        "Broadcom Bailly I/O power saving vs pluggable, '50 %'", 0.50, "1",
        "R. Pancholy (Broadcom), Laser Focus World interview on Bailly, 2023: 'we save 50% on I/O "
        "power' (https://laserfocusworld.com/optics/article/14290374/broadcom-intros-bailly-a-co-packaged-"
        "optics-networking-switch; the same interview gives the 5.5 W per 800G and the 30 % system "
        "saving; M-H)",
        "'I/O power' (reading: the switch's SerDes and the optics of every port, pluggable vs CPO; what "
        "it includes is not stated)",
        "51.2T CPO saving as a fraction of the switch's I/O + optics power (1 - cpo W per port / "
        "pluggable W per port)"),
    "th5_chip_w": SystemClaim("Broadcom Tomahawk 5 chip power (estimate)", 500.0, "W",
                              "TechInsights / Linley (M)"),
    "th5_box_w_no_optics": SystemClaim(
        "A Tomahawk 5 switch (UfiSpace S9321-64E, 64 x 800G, 2RU) without transceivers, 913 W typical",
        913.0, "W",
        "UfiSpace S9321-64E datasheet as listed by IP Infusion, 'Broadcom Tomahawk 5' platform page "
        "(https://www.ipinfusion.com/technology/tomahawk-5/: '913 W typical (no transceivers)', M)",
        "the whole box at typical load: switch chip (its SerDes included), CPU, fans, board power "
        "conversion; no transceivers",
        "the system the Bailly system-saving check adds the optics to"),
    "nvidia_cpo_w_per_1p6t": SystemClaim(
        "NVIDIA CPO port per 1.6T (200G/lane), ~9 W", 9.0, "W", _NVIDIA_SRC,
        "optical engine + its share of the external laser + the switch's SerDes over the ~4 dB "
        "package channel (reading, M/L: the same slide counts lasers)",
        "102.4T cpo W per port (switch SerDes + engine + ELS)", informed=_LASER_200G_INFORMED),
    "nvidia_pluggable_w_per_1p6t": SystemClaim(
        "NVIDIA pluggable port per 1.6T (200G/lane), ~30 W", 30.0, "W", _NVIDIA_SRC,
        "1.6T DSP transceiver + the switch's host SerDes over the ~22 dB host channel (reading, M/L)",
        "102.4T pluggable W per port (switch SerDes + module)"),
    "nvidia_ratio": SystemClaim(
        "NVIDIA CPO power efficiency vs pluggable, '3.5x'", 3.5, "x", _NVIDIA_SRC + "; 30 W / 9 W = 3.3x",
        "pluggable port / CPO port per 1.6T (stated 'at scale')",
        "102.4T pluggable W per port / cpo W per port", informed=_LASER_200G_INFORMED),
    "davisson_saving": SystemClaim(
        "Broadcom TH6-Davisson CPO power reduction vs pluggable, '70 %' ('> 3.5x less power per bit')",
        0.70, "1",
        "Broadcom press release 8 Oct 2025 (via cloudnews.tech, storagenewsletter.com 10 Oct 2025; M-H)",
        "optical interconnect power per bit vs pluggable optics (whether the switch SerDes are counted "
        "is not stated)",
        "1 - cpo W per port / pluggable W per port at 102.4T (full ports; the optics-only saving is "
        "given alongside)", informed=_LASER_200G_INFORMED),
    "bailly_meta_w_per_800g": SystemClaim(
        "Meta/Broadcom Bailly CPO optics per 800G (field study), 5.4 W", 5.4, "W",
        "Meta, ECOC 2025 (Amiralizadeh et al.), Bailly field study, relayed by a research note (M)",
        "CPO optics per 800G: engine + laser, no switch SerDes (reading)",
        "51.2T cpo module W (engine + ELS, without the switch SerDes)", informed=_BAILLY_INFORMED),
    "bailly_meta_optics_saving": SystemClaim(
        "Meta/Broadcom Bailly optics power saving vs 800G DSP pluggable, 65 %", 0.65, "1",
        "Meta, ECOC 2025 (5.4 W vs 15 W per 800G); Broadcom ECOC 2025 press release 'CPO reduces optics "
        "power by 65 % vs pluggable modules' (relayed, M)",
        "optics only: CPO engine + laser vs the 800G DSP pluggable module",
        "1 - cpo module W / pluggable module W at 51.2T"),
}

#: published electrical budgets of the host channel (insertion loss at Nyquist, dB; die to die unless the
#: label says ball to ball) that the default host paths are checked against
#: (``system.checks.host_channel_budget_checks``; not fitted on; the 200G LPO budget also sets the LPO and
#: LRO boards at 102.4T, ``Generation.linear_host_budget_db``)
HOST_CHANNEL_BUDGETS: dict[str, SystemClaim] = {
    "semtech_lpo_budget_200g": SystemClaim(
        "LPO host channel vs the published 200G/lane LPO electrical budget (102.4T), 22 dB",
        LPO_HOST_BUDGET_200G_DB, "dB",
        "Semtech (2026), 200G/lane LPO vs retimed: 'electrical budget 22 dB die-to-die for LPO vs 32 dB "
        "retimed' (trade press, as in shared/reference/links-and-energy.md, M)",
        "electrical loss at Nyquist from the switch die to the LPO module's driver / TIA, without the "
        "optical path (which the host SerDes also equalises)",
        "102.4T lpo host channel IL at Nyquist, before the linear optical path (system.channels c2m)"),
    "semtech_retimed_budget_200g": SystemClaim(
        "Retimed host channel vs the published 200G/lane retimed electrical budget (102.4T), 32 dB",
        RETIMED_HOST_BUDGET_200G_DB, "dB",
        "Semtech (2026), as the LPO budget (trade press, M)",
        "electrical loss at Nyquist from the switch die to the module's DSP die",
        "102.4T pluggable host channel IL at Nyquist (system.channels c2m)"),
    "lpo_msa_100g": SystemClaim(
        "LPO host channel, die to die, vs the LPO MSA 100G/lane recommendation (51.2T), 20 dB",
        LPO_HOST_BUDGET_100G_DB, "dB",
        "LPO MSA 100G-DR-LPO specification Rev 1.0 (2025), section 7: host ASIC die to module die "
        "'recommended not to exceed 20 dB' at 26.56 GHz, the host's part (die to module connector) "
        "16 dB; the specification not read: as summarised in public repositories (L-M)",
        "electrical loss at Nyquist from the switch die to the LPO module's driver / TIA die, without "
        "the optical path",
        "51.2T lpo host channel IL at Nyquist, before the linear optical path (system.channels c2m)"),
    "oif_rtlr_c2m_100g": SystemClaim(
        "C2M host channel, ball to ball, vs OIF EEI-112G-RTLR (51.2T), 16 dB", 16.0, "dB",
        "OIF-EEI-112G-RTLR-01.0 scope: <= 16 dB ball-to-ball including one connector, >= 200 mm host PCB "
        "+ connector + 20 mm module PCB (M-H, as in shared/reference/links-and-energy.md)",
        "insertion loss at Nyquist ball to ball: host PCB + connector + module PCB, no packages",
        "51.2T pluggable host channel's board part IL at Nyquist (system.channels c2m, no packages)"),
    "oif_xsr_plus_npo_100g": SystemClaim(
        "NPO host channel, bump to bump, vs OIF CEI-112G-XSR+ (51.2T), 13 dB", 13.0, "dB",
        "OIF press release, Jan 2024: CEI-112G-XSR+ 13 dB bump-to-bump for die-to-die and die-to-optical-"
        "engine links (MCM, NPO, CPO) (H, as in shared/reference/links-and-energy.md)",
        "insertion loss at Nyquist bump to bump (die to die: packages included)",
        "51.2T npo host channel IL at Nyquist, before the linear optical path (system.channels npo)"),
    "oif_xsr_plus_cpo_100g": SystemClaim(
        "CPO host channel, bump to bump, vs OIF CEI-112G-XSR+ (51.2T), 13 dB", 13.0, "dB",
        "OIF press release, Jan 2024, as the NPO row (H)",
        "insertion loss at Nyquist bump to bump (die to die: packages included)",
        "51.2T cpo host channel IL at Nyquist, before the linear optical path (system.channels cpo)"),
}
#: the port each budget of :data:`HOST_CHANNEL_BUDGETS` is checked on: (architecture, generation, whether
#: the loss counts the packages)
HOST_CHANNEL_BUDGET_PORTS: dict[str, tuple[str, str, bool]] = {
    "semtech_lpo_budget_200g": ("lpo", "102.4T", True),
    "semtech_retimed_budget_200g": ("pluggable", "102.4T", True),
    "lpo_msa_100g": ("lpo", "51.2T", True),
    "oif_rtlr_c2m_100g": ("pluggable", "51.2T", False),
    "oif_xsr_plus_npo_100g": ("npo", "51.2T", True),
    "oif_xsr_plus_cpo_100g": ("cpo", "51.2T", True),
}

#: published component figures the engine components are compared with: the ring driver never fitted on;
#: the ELS per-laser figure is the source of ``els_wpe`` (in sample, reported as such)
COMPONENT_FIGURES: dict[str, SystemClaim] = {
    "mrm_driver_200g_pj": SystemClaim(
        "200G PAM4 micro-ring driver (simulated), 1.44 pJ/b", 1.44, "pJ/b",
        "Ma et al., Micromachines 17(3):370, 2026, doi:10.3390/mi17030370 (abstract; simulation, H)",
        "dual-path driver + segmented MRM, 200 Gb/s PAM4",
        "102.4T ring driver per lane / 212.5 Gb/s"),
    "linear_tia_112g_pj": SystemClaim(
        "112G PAM4 linear TIA (28 nm CMOS), 0.61 pJ/b", 0.61, "pJ/b",
        'ISSCC 2025 36.6, "A 112Gb/s 0.61pJ/b PAM-4 Linear TIA Supporting Extended PD-TIA Reach in 28nm '
        "CMOS\" (title as indexed in the public bibliography corpus HatrixXXX/survey, "
        "10_corpus/ISSCC/papers.csv; the paper not read, H)",
        "one linear TIA channel, 112 Gb/s PAM4, 28 nm CMOS (title; whether output buffer and bias are "
        "inside is not stated)",
        "51.2T CPO engine TIA per lane / 106.25 Gb/s (the retimed module split's TIA share x "
        "engine_tia_factor: fitted on module powers, not on this chip)"),
    "cpo_eic_6p4t_pj": SystemClaim(
        "6.4T CPO engine ASIC (7 nm): direct-drive TIA + retimed segmented MZM driver, 4.2 pJ/b", 4.2,
        "pJ/b",
        'ISSCC 2026 23.4, "A 6.4Tb/s 4.2pJ/b Co-Packaged Optics ASIC with Direct-Drive Integrated TIA and '
        'Retimed Segmented Mach-Zehnder Modulator Driver in 7nm FinFET", '
        "doi:10.1109/ISSCC49663.2026.11409070 (title as indexed in the public bibliography corpus "
        "HatrixXXX/survey; the paper not read, M)",
        "the engine's electronic IC, per bit of its 6.4 Tb/s (reading: 64 lanes of 100G each way, as the "
        "51.2T engines; the lane rate, what the retiming adds and whether the 6.4 Tb/s counts one direction "
        "are not in the title; no laser, no switch SerDes)",
        "51.2T CPO engine electronics (MZM driver + TIA + other) per port / port rate (the retimed module "
        "split's shares x the engine factors: fitted on module powers, not on this chip)"),
    "els_w_per_laser": SystemClaim(
        "ELS module electrical power per laser (Lumentum, ~12 W for 8 lasers), 1.5 W", 1.5, "W",
        "Lumentum CPO ELS module, '~250 mW per wavelength across eight wavelengths at ~12 W' "
        "(relayed by a research note, L-M)",
        "module electrical power / lasers, at ~250 mW per laser",
        "0.25 W / els_wpe (one laser at the published output; IN SAMPLE: els_wpe is sourced from this "
        "module, so this checks only its rounding 0.17 -> 0.15)"),
}


@dataclass(frozen=True)
class DspFit:
    """Line-side DSP fit.

    Attributes
    ----------
    e_pj_per_bit_7nm : float
        Fitted line-side DSP energy per line bit (TX + RX of one lane) at 7 nm.
    per_anchor_pj_7nm : dict
        Nominal lane rate -> the value that anchor alone gives.
    host_serdes_w_per_lane : dict
        Nominal lane rate -> the module host-side SerDes (W per lane) subtracted.
    low_factor, high_factor : float
        Range of the coefficient relative to the fit.
    host_serdes_pj_7nm : dict
        Nominal lane rate -> the subtracted host-side SerDes in the coefficient's units (pJ per line
        bit at 7 nm: W per lane / (digital scale x lane rate)), for :meth:`e_pj_per_bit_7nm_at`.
    """

    e_pj_per_bit_7nm: float
    per_anchor_pj_7nm: dict[float, float]
    host_serdes_w_per_lane: dict[float, float]
    low_factor: float
    high_factor: float
    host_serdes_pj_7nm: dict[float, float]

    def e_pj_per_bit_7nm_at(self, serdes_factor: Any) -> Any:
        """The coefficient refitted with every host-SerDes energy multiplied by ``serdes_factor``.

        The anchors pin the module's DSP share (host-side SerDes + line-side DSP) at its published
        value; a draw that makes the energy model's host-side SerDes ``k`` times its point value
        leaves that much less for the line side.  :func:`line_dsp_fit` again with the SerDes scaled:
        per anchor ``c_a(k) = c_a + (1 − k)·h_a`` (``h_a``: :attr:`host_serdes_pj_7nm`), the
        geometric mean over the anchors where it is positive, zero where none is (the SerDes alone
        then exceeds every published share: the module costs more than published, the model and
        the anchors disagree).  ``k = 1`` gives the fit.

        Parameters
        ----------
        serdes_factor : float or ndarray
            Host-SerDes model factor (1 = the point value).

        Returns
        -------
        float or ndarray
            pJ per line bit at 7 nm.
        """
        k = np.asarray(serdes_factor, dtype=float)
        log_sum = np.zeros(k.shape)
        count = np.zeros(k.shape)
        for lane, c in self.per_anchor_pj_7nm.items():
            c_k = c + (1.0 - k) * self.host_serdes_pj_7nm[lane]
            ok = c_k > 0
            log_sum = log_sum + np.log(np.where(ok, c_k, 1.0))
            count = count + ok
        e = np.where(count > 0, np.exp(log_sum / np.maximum(count, 1)), 0.0)
        return float(e) if np.ndim(e) == 0 else e


def digital_energy_scale(node_nm: float) -> float:
    """Digital energy per operation at ``node_nm`` relative to 7 nm, as the energy model scales its
    digital blocks (:func:`sikernel.power.blocks.digital_scale` with the shipped coefficients):
    the line-side DSP's node scaling.

    Parameters
    ----------
    node_nm : float
        CMOS node preset in nm.

    Returns
    -------
    float
        Scale factor (1 at 7 nm).
    """
    from ..power.blocks import digital_scale
    from ..power.coefficients import DEFAULT_COEFFICIENTS
    from ..power.technology import get_technology

    return digital_scale(get_technology(node_nm), DEFAULT_COEFFICIENTS)


@functools.lru_cache(maxsize=4)
def line_dsp_fit() -> DspFit:
    """Fit :class:`DspFit` on the retimed-module anchors (cached; ≈ 1 s: two SI-chain runs).

    Returns
    -------
    DspFit

    Raises
    ------
    SIKernelError
        When the energy model's host-side SerDes alone exceeds the published DSP share at
        every anchor (nothing left for the line side).
    """
    from ..errors import SIKernelError
    from ..power import energy_per_bit
    from .assumptions import MODULE_ANCHORS
    from .channels import DEFAULT_PATHS, build_channel
    from .standards import generation

    vals: dict[float, float] = {}
    host: dict[float, float] = {}
    host_pj: dict[float, float] = {}
    for lane, a in MODULE_ANCHORS.items():
        g = generation(lane)
        ch = build_channel(DEFAULT_PATHS["pluggable"], g.baud)
        e = energy_per_bit(channel=ch, baud=g.baud, node_nm=a["module_node_nm"], exclude=("linear",),
                           target_ber=g.target_ber_c2m, scope="txrx", crosstalk=g.crosstalk_for("c2m"))
        host_w = e.total_pj_per_bit * g.lane_line_gbps * 1e-3
        dsp_w = float(a["total_w"]) * float(a["dsp_fraction"]) / int(a["lanes"])  # type: ignore[arg-type]
        host[lane] = host_w
        left = dsp_w - host_w
        if left > 0:
            scale = digital_energy_scale(a["module_node_nm"])
            vals[lane] = left / (scale * g.lane_line_gbps * 1e-3)
            host_pj[lane] = host_w / (scale * g.lane_line_gbps * 1e-3)
    if not vals:
        raise SIKernelError("the energy model's module host-side SerDes exceeds the published DSP "
                            f"share of every retimed-module anchor ({host} W per lane): the "
                            "line-side DSP cannot be fitted")
    logs = [math.log(v) for v in vals.values()]
    mean = sum(logs) / len(logs)
    spread = max(max(abs(x - mean) for x in logs), math.log(1.15))
    return DspFit(math.exp(mean), vals, host, math.exp(-spread), math.exp(spread), host_pj)


__all__ = ["COMPONENT_FIGURES", "HOST_CHANNEL_BUDGETS", "HOST_CHANNEL_BUDGET_PORTS",
           "PUBLISHED_MODULES", "SYSTEM_CLAIMS", "DspFit",
           "PublishedModule",
           "SystemClaim", "digital_energy_scale", "line_dsp_fit"]
