"""Public entry point of the energy model: :func:`energy_per_bit`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _validate
from ..errors import SIKernelError
from . import budget
from .architecture import ARCHITECTURES, choose
from .coefficients import DEFAULT_COEFFICIENTS, EnergyCoefficients
from .technology import get_technology

_MODULATIONS = {"nrz": 2, "pam3": 3, "pam4": 4, "pam6": 6, "pam8": 8}
_SCOPES = ("txrx", "tx", "rx")


@dataclass(frozen=True)
class EnergyBreakdown:
    """Energy per bit of one lane, per block, with the operating point it assumed.

    Attributes
    ----------
    total_pj_per_bit : float
        Sum of ``blocks`` (pJ/bit).
    blocks : dict
        Block name -> pJ/bit (see :data:`sikernel.power.budget.BLOCKS`).
    architecture : str
        Chosen family: "linear", "analog" or "dsp".
    eq_settings : dict
        Equaliser and operating point: TX FFE taps, CTLE peaking and DC gain, DFE taps,
        RX FFE taps, MLSD, ADC ENOB, launch swing, required Q.
    reasons : dict
        Family -> why it was chosen or why it lost.
    family_pj_per_bit : dict
        Family -> cheapest closing TX+RX energy (pJ/bit; the quantity minimised, whatever
        ``scope``) or None when it does not close.
    il_nyquist_db : float
        Insertion loss at ``baud/2`` of the channel analysed.
    baud, bit_rate_bps : float
    modulation : str
    node_nm : float
    target_ber : float
    scope : str
    si_path : str
        "table" (``loss_db`` input, synthetic channel, tabulated SI) or "channel".
    """

    total_pj_per_bit: float
    blocks: dict[str, float]
    architecture: str
    eq_settings: dict[str, Any]
    reasons: dict[str, str]
    family_pj_per_bit: dict[str, float | None]
    il_nyquist_db: float
    baud: float
    bit_rate_bps: float
    modulation: str
    node_nm: float
    target_ber: float
    scope: str
    si_path: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def power_mw(self) -> float:
        """Lane power in mW: pJ/bit × Gb/s."""
        return self.total_pj_per_bit * self.bit_rate_bps * 1e-9

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"total_pj_per_bit": self.total_pj_per_bit, "blocks": dict(self.blocks),
                "architecture": self.architecture, "eq_settings": dict(self.eq_settings),
                "reasons": dict(self.reasons), "family_pj_per_bit": dict(self.family_pj_per_bit),
                "il_nyquist_db": self.il_nyquist_db, "baud": self.baud,
                "bit_rate_bps": self.bit_rate_bps, "modulation": self.modulation,
                "node_nm": self.node_nm, "target_ber": self.target_ber, "scope": self.scope,
                "si_path": self.si_path, "power_mw": self.power_mw}


def _check_common(baud: object, modulation: object, node_nm: object, architecture: object,
                  target_ber: object, scope: object):
    fb = _validate.positive("baud", baud)
    mod = _validate.one_of("modulation", modulation, _MODULATIONS)
    tech = get_technology(node_nm)
    arch = _validate.one_of("architecture", architecture, ARCHITECTURES)
    ber = _validate.finite_scalar("target_ber", target_ber, minimum=0.0, strict_min=True)
    if ber >= 0.1:
        raise SIKernelError(f"target_ber={target_ber!r} must be < 0.1")
    sc = _validate.one_of("scope", scope, _SCOPES)
    return fb, mod, _MODULATIONS[mod], tech, arch, ber, sc


def energy_per_bit(channel: Any = None, loss_db: float | None = None, baud: float = 53.125e9,
                   modulation: str = "pam4", node_nm: float = 7, architecture: str = "auto",
                   target_ber: float = 1e-6, scope: str = "txrx",
                   coefficients: EnergyCoefficients | None = None,
                   exclude: tuple[str, ...] = (), clocking: str = "cdr") -> EnergyBreakdown:
    """Energy per bit of a SerDes lane that closes ``channel`` (or a loss) at ``target_ber``.

    Parameters
    ----------
    channel : Channel, optional
        The differential channel; analysed with the full SI chain (pulse response,
        TX FFE × CTLE search, DFE, MMSE RX FFE) -- cost dominated by that chain.
    loss_db : float, optional
        Insertion loss at ``baud/2`` instead of a channel: the documented synthetic
        channel of :mod:`sikernel.power.table` (IEEE 802.3 Table 92-12 host-board
        line of that loss), through the same SI chain, tabulated once per
        (baud, modulation) and interpolated (sub-millisecond when warm).
    baud : float
        Symbol rate in Bd (> 0).
    modulation : str
        "nrz", "pam3", "pam4", "pam6" or "pam8".
    node_nm : float
        CMOS node preset: 28, 16 (or 12), 7, 5, 3 (32 for the calibration design).
    architecture : str
        "auto" (least energy that closes), "linear", "analog" or "dsp".
    target_ber : float
        Bit error ratio the link must reach (raw, before FEC).
    scope : str
        "txrx" (both ends of one link), "tx" or "rx".
    coefficients : EnergyCoefficients, optional
        Model coefficients (default: the calibrated set).
    exclude : tuple of str
        Families "auto" must not choose (e.g. ``("linear",)`` for a retimed host SerDes).
    clocking : str
        "cdr" (per-lane clock recovery: phase interpolator, CDR logic, an edge/error slicer;
        one PLL per ``lanes_per_pll`` lanes) or "forwarded" (source-synchronous: the clock
        travels on its own lane, shared by ``lanes_per_forwarded_clock`` data lanes; no CDR).

    Returns
    -------
    EnergyBreakdown

    Raises
    ------
    SIKernelError
        Both or neither of ``channel``/``loss_db``; negative or non-finite loss; baud ≤ 0;
        unknown modulation, node, architecture or scope; a link no architecture closes
        ("no architecture closes this link at BER …").
    """
    fb, mod, levels, tech, arch, ber, sc = _check_common(baud, modulation, node_nm, architecture,
                                                         target_ber, scope)
    co = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    clk = _validate.one_of("clocking", clocking, budget.CLOCKINGS)
    if (channel is None) == (loss_db is None):
        raise SIKernelError("give exactly one of channel= (a Channel) or loss_db= (dB at baud/2)")
    if loss_db is not None:
        from .table import LOSS_GRID_DB, get_table

        loss = _validate.non_negative("loss_db", loss_db)
        if loss > LOSS_GRID_DB[-1]:
            raise SIKernelError(f"no architecture closes this link at BER {ber:g}: loss_db={loss_db!r} "
                                f"exceeds {LOSS_GRID_DB[-1]:g} dB, the largest tabulated loss (every "
                                "family fails well below it)")
        op = get_table(fb, levels).at(loss)
        il = loss
        path = "table"
    else:
        op, il = channel_op_table(channel, fb, levels)
        path = "channel"
    op = restrict(budget.with_retimed_ctle_only(op), exclude)
    return breakdown(op, levels=levels, baud=fb, modulation=mod, tech=tech, co=co,
                     architecture=arch, target_ber=ber, scope=sc, il_db=il, si_path=path,
                     clocking=clk)


def restrict(op: budget.OpTable, exclude: tuple[str, ...]) -> budget.OpTable:
    """Drop the configurations of the ``exclude`` families (validated names).

    Parameters
    ----------
    op : OpTable
        Candidate configurations and their SI figures.
    exclude : tuple of str
        Families to drop ("linear", "analog" or "dsp").

    Returns
    -------
    OpTable
        ``op`` without the excluded families' columns (``op`` itself when nothing is excluded).

    Raises
    ------
    SIKernelError
        An unknown family name in ``exclude``.
    """
    for x in exclude:
        _validate.one_of("excluded architecture", x, ARCHITECTURES[1:])
    if not exclude:
        return op
    keep = ~np.isin(op.family, list(exclude))
    return budget.OpTable(**{k: (v[..., keep] if isinstance(v, np.ndarray) else
                                 {kk: vv[..., keep] for kk, vv in v.items()})
                             for k, v in vars(op).items()})


def channel_op_table(channel: Any, baud: float, levels: int):
    """SI figures of every candidate configuration for a Channel (full chain); also IL at Nyquist.

    Parameters
    ----------
    channel : Channel
        The differential channel (extrapolated to DC on a uniform grid when it is not).
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.

    Returns
    -------
    op : OpTable
        SI figures of the "linear", "analog" and "dsp" candidates.
    il_db : float
        Insertion loss at ``baud/2`` in dB.

    Raises
    ------
    SIKernelError
        ``channel`` is not a :class:`~sikernel.channel.core.Channel`.
    """
    from ..channel.core import Channel
    from . import si

    if not isinstance(channel, Channel):
        raise SIKernelError(f"channel={type(channel).__name__} is not a sikernel Channel")
    ch = channel
    from ..channel.metrics import il_at_nyquist

    il = float(il_at_nyquist(ch, baud))
    if ch.f[0] != 0.0 or np.ptp(np.diff(ch.f)) > 1e-6 * (ch.f[1] - ch.f[0]):
        from ..channel.dc import extrapolate_dc

        ch = extrapolate_dc(ch)
    ps = si.pulse_set(ch.f, ch.s21, baud, levels)
    return si.op_table(ps, families=("linear", "analog", "dsp")), il


def breakdown(op: budget.OpTable, *, levels: int, baud: float, modulation: str, tech, co,
              architecture: str, target_ber: float, scope: str, il_db: float,
              si_path: str, clocking: str = "cdr") -> EnergyBreakdown:
    """Solve the budget for every candidate and wrap the chosen one.

    Parameters
    ----------
    op : OpTable
        Candidate configurations and their SI figures.
    levels : int
        Number of PAM levels.
    baud : float
        Symbol rate in Bd.
    modulation : str
        Modulation name, reported as given.
    tech : Technology
        Process node.
    co : EnergyCoefficients
        Energy model coefficients.
    architecture : str
        "auto" or the family to report.
    target_ber : float
        Bit error ratio the link must reach.
    scope : str
        "txrx", "tx" or "rx".
    il_db : float
        Insertion loss at ``baud/2`` in dB (reported).
    si_path : str
        "table" or "channel" (reported).
    clocking : str, optional
        "cdr" or "forwarded".

    Returns
    -------
    EnergyBreakdown

    Raises
    ------
    SIKernelError
        No family closes (``"auto"``), or the requested one is excluded or does not close.
    """
    sol = budget.solve(op, levels=levels, baud=baud, target_ber=target_ber, tech=tech, co=co,
                       scope=scope, clocking=clocking)
    amp_max = 0.5 * tech.vdd_tx_max_v
    row, fam, reasons, totals = choose(op, sol, architecture, target_ber, amp_max)
    bit_rate = baud * math.log2(levels)
    to_pj = 1e12 / bit_rate
    blocks = {b: float(sol.power_w[b][row]) * to_pj for b in budget.BLOCKS}
    i = int(sol.config_index[row])
    gdc = op.extra.get("ctle_gdc_db")
    eq = {
        "tx_ffe_taps": int(op.tx_taps[i]),
        "tx_ffe_bits": int(co.tx_ffe_bits),
        "clocking": clocking,
        "ctle_peaking_db": float(op.ctle_peaking_db[i]),
        "ctle_gdc_db": None if gdc is None else float(gdc[i]),
        "dfe_taps": int(op.dfe_taps[i]),
        "rx_ffe_taps": int(op.rx_ffe_taps[i]),
        "mlsd": bool(op.mlsd[i]),
        "adc_enob": None if not np.isfinite(sol.enob[row]) else float(sol.enob[row]),
        "launch_peak_v": float(sol.amp_v[row]),
        "launch_ppd_v": float(2.0 * sol.amp_v[row]),
        "rx_gm_multiple": float(sol.gm_x[row]),
        "afe_gain_stages": int(sol.gain_stages[row]),
        "rx_noise_v2_per_hz": float(sol.eta0_v2_per_hz[row]),
        "q_required": float(sol.q_eff[row]),
        "snr_required_db": float(20.0 * math.log10(sol.q_eff[row])),
        "post_eq_snr_ceiling_db": float(sol.snr_ceiling_db[row]),
    }
    fam_pj = {f: (None if t is None else t * to_pj) for f, t in totals.items()}
    return EnergyBreakdown(total_pj_per_bit=float(sum(blocks.values())), blocks=blocks,
                           architecture=fam, eq_settings=eq, reasons=reasons,
                           family_pj_per_bit=fam_pj, il_nyquist_db=float(il_db), baud=baud,
                           bit_rate_bps=bit_rate, modulation=modulation, node_nm=tech.node_nm,
                           target_ber=target_ber, scope=scope, si_path=si_path)


__all__ = ["EnergyBreakdown", "breakdown", "channel_op_table", "energy_per_bit", "restrict"]
