"""Public entry point of the energy model: :func:`energy_per_bit`."""

from __future__ import annotations

import collections
import math
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _validate
from ..errors import LinkNotClosingError, SIKernelError, SIKernelWarning
from . import budget, op_cache, si
from .architecture import ARCHITECTURES, AUTO_FAMILIES, choose
from .budget import SCOPES
from .coefficients import DEFAULT_COEFFICIENTS, EnergyCoefficients
from .technology import get_technology

_MODULATIONS = {"nrz": 2, "pam3": 3, "pam4": 4, "pam6": 6, "pam8": 8}


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
    meta : dict
        Extra provenance of the operating point (free form; empty unless a caller adds to it).
    power_mw : float
        Property: ``total_pj_per_bit`` × bit rate, the lane's power in mW (in ``scope``).
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


#: lowest and highest symbol rate accepted (Bd): :data:`sikernel._validate.MIN_BAUD_BD` (below it
#: a GBd value was almost surely typed as Bd) and ``MAX_BAUD_BD`` (1 TBd)
MIN_BAUD = _validate.MIN_BAUD_BD
MAX_BAUD = _validate.MAX_BAUD_BD
#: raw BER above which a target is legal but dubious (SIKernelWarning): no wireline FEC in use corrects
#: a raw BER this high (RS(544,514) needs <= 2.4e-4)
DUBIOUS_BER = 1e-2
#: raw BER below which a target is legal but dubious: stricter than any link is specified or measured
#: to (links without FEC: 1e-12 ... 1e-15; trial 98: --ber 1e-30 ran the whole study to "no port closes")
STRICT_BER = 1e-18


def is_dubious_ber(ber: float) -> bool:
    """A legal BER that :func:`check_ber` warns about: above :data:`DUBIOUS_BER` or below
    :data:`STRICT_BER`."""
    return ber > DUBIOUS_BER or ber < STRICT_BER


def check_baud(baud: object) -> float:
    """A symbol rate in Bd, finite and ≥ :data:`MIN_BAUD` (1 MBd).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    float

    Raises
    ------
    SIKernelError
        Not a finite positive number, or below 1 MBd (the message suggests the GBd-as-Bd slip).
    """
    return _validate.symbol_rate("baud", baud)


def check_ber(target_ber: object, *, warn: bool = True) -> float:
    """A bit error ratio strictly between 0 and 0.5.

    Parameters
    ----------
    target_ber : float
        Raw bit error ratio.
    warn : bool, optional
        Warn about a legal but dubious BER (:func:`is_dubious_ber`); off for a caller that checks
        more first (:func:`check_ber_for`: an error, not a warning and then an error).

    Returns
    -------
    float

    Raises
    ------
    SIKernelError
        Not a number, or outside (0, 0.5).

    Warns
    -----
    SIKernelWarning
        With ``warn``: a BER above what RS(544,514) corrects, or a likely slip
        (:func:`is_dubious_ber`).
    """
    ber = _validate.finite_scalar("target_ber", target_ber)
    if not 0.0 < ber < 0.5:
        raise SIKernelError(f"target_ber={target_ber!r} is outside (0, 0.5): a bit error ratio is a "
                            "probability below 1/2 (e.g. 1e-6, or 2.4e-4 for an RS(544,514) FEC link)")
    if warn:
        _warn_if_dubious(ber, target_ber)
    return ber


def _warn_if_dubious(ber: float, target_ber: object) -> None:
    """The SIKernelWarning of a legal but dubious BER (:func:`is_dubious_ber`), naming the value as
    given (``target_ber``)."""
    if is_dubious_ber(ber):
        from .._stacklevel import user_stacklevel

        warnings.warn(SIKernelWarning(dubious_ber_message(target_ber)), stacklevel=user_stacklevel())


def dubious_ber_message(target_ber: object) -> str:
    """The warning :func:`check_ber` gives for a BER above :data:`DUBIOUS_BER` or below
    :data:`STRICT_BER` (one text, so that a caller pricing many links can show it once and filter
    the repeats: ``run_study``).

    Parameters
    ----------
    target_ber : object
        The BER as given.

    Returns
    -------
    str
    """
    if float(target_ber) < STRICT_BER:  # type: ignore[arg-type]
        return (f"target_ber={target_ber!r} is below {STRICT_BER:g}: stricter than any wireline link is "
                "specified or measured to (1e-12 ... 1e-15 without FEC, ~1e-5 ... 2.4e-4 raw with "
                "RS(544,514)); the links may not close; is it a slip for a larger exponent?")
    return (f"target_ber={target_ber!r} is above {DUBIOUS_BER:g}: no wireline FEC in use corrects a raw "
            "BER this high (RS(544,514) needs <= 2.4e-4); is it a slip for 2e-4?")


def check_model_args(coefficients: object, exclude: object, architecture: str
                     ) -> tuple[EnergyCoefficients, tuple[str, ...]]:
    """The ``coefficients`` and ``exclude`` arguments of :func:`energy_per_bit` and
    :func:`~sikernel.power.batch.energy_per_bit_batch`, checked.

    Parameters
    ----------
    coefficients : EnergyCoefficients or None
        None: the calibrated set.
    exclude : sequence of str
        Families the automatic choice must not use.
    architecture : str
        The (checked) architecture asked for.

    Returns
    -------
    (EnergyCoefficients, tuple of str)

    Raises
    ------
    SIKernelError
        Coefficients that are not an :class:`EnergyCoefficients`; ``exclude`` given as one string, or
        holding an unknown family; every family excluded; the asked-for architecture excluded.
    """
    if coefficients is not None and not isinstance(coefficients, EnergyCoefficients):
        raise SIKernelError(f"coefficients={coefficients!r} is a {type(coefficients).__name__}, not an "
                            "EnergyCoefficients; give None for the calibrated set, or "
                            "dataclasses.replace(sikernel.power.DEFAULT_COEFFICIENTS, ...)")
    if isinstance(exclude, str | bytes):
        fam = exclude if exclude in ARCHITECTURES[1:] else ARCHITECTURES[-1]   # a block name: an example
        raise SIKernelError(f"exclude={exclude!r} is one string; give a tuple of receiver family names "
                            f"({', '.join(ARCHITECTURES[1:])}), e.g. ({fam!r},)")
    try:
        names = tuple(exclude)  # type: ignore[arg-type]
    except TypeError:
        raise SIKernelError(f"exclude={exclude!r} is not a sequence of family names (linear, analog, "
                            "dsp)") from None
    # the canonical spelling of each (review 32 M1: ' analog' and 'Analog' passed the check and were
    # then ignored by the family filter, which compares exact names)
    names = tuple(_validate.one_of("excluded architecture", x, ARCHITECTURES[1:]) for x in names)
    if set(ARCHITECTURES[1:]) <= set(names):
        raise SIKernelError(f"exclude={exclude!r} excludes every receiver family "
                            f"({', '.join(ARCHITECTURES[1:])}): nothing is left to price")
    if architecture != "auto" and architecture in names:
        raise SIKernelError(f"architecture={architecture!r} is excluded (exclude={exclude!r})")
    if architecture == "auto" and set(AUTO_FAMILIES) <= set(names):
        raise SIKernelError(f"exclude={exclude!r} leaves architecture='auto' nothing to price: it "
                            f"chooses among the retimed families ({', '.join(AUTO_FAMILIES)}) only; "
                            "ask for the unretimed one by name (architecture='linear')")
    return (DEFAULT_COEFFICIENTS if coefficients is None else coefficients), names


#: lowest and highest symbol rate (Bd) of the energy model's calibration designs
#: (:data:`sikernel.power.CALIBRATION_POINTS`: IBM's 12 Gb/s NRZ links to 112 GBd; a constant here,
#: since the calibration imports this module; ``tests/test_power.py`` checks it against the table)
CALIBRATED_BAUD_RANGE_HZ = (12e9, 112e9)
#: relative margin around :data:`CALIBRATED_BAUD_RANGE_HZ` inside which no extrapolation warning is given
BAUD_RANGE_MARGIN = 0.05


def _warn_outside_calibration(fb: float) -> None:
    """SIKernelWarning for a symbol rate outside the calibration designs' (new-user trial 28: a sweep
    over lane rate ran to 1 TBd with no word that the model extrapolates)."""
    lo, hi = CALIBRATED_BAUD_RANGE_HZ
    if not lo * (1.0 - BAUD_RANGE_MARGIN) <= fb <= hi * (1.0 + BAUD_RANGE_MARGIN):
        warnings.warn(f"baud={fb:g} Bd is outside the symbol rates of the energy model's calibration "
                      f"designs ({lo / 1e9:g}-{hi / 1e9:g} GBd): the energy is extrapolated (and the "
                      "synthetic host channel of loss_db takes the package of the rate: 802.3ck up to "
                      "60 GBd, 802.3dj above, none far above)", SIKernelWarning, stacklevel=4)


def check_ber_for(target_ber: object, modulation: str) -> float:
    """A bit error ratio in (0, 0.5) that the modulation's error relation can reach.

    Parameters
    ----------
    target_ber : float
        Raw bit error ratio.
    modulation : str
        A checked modulation name ("nrz", "pam4", ...).

    Returns
    -------
    float

    Raises
    ------
    SIKernelError
        Not a number, outside (0, 0.5), or at or above the modulation's Q = 0 limit.

    Warns
    -----
    SIKernelWarning
        A usable but dubious BER (:func:`is_dubious_ber`), once it is known to be below the limit.
    """
    ber = check_ber(target_ber, warn=False)
    lim = budget.max_ber(_MODULATIONS[modulation])
    if ber >= lim:
        raise SIKernelError(f"target_ber={target_ber!r} is at or above {lim:.4g}, where the {modulation} "
                            "error relation BER = 2(1 - 1/L) Q(q) / log2 L reaches Q = 0 (no eye at all); "
                            "a link's raw BER is far below it (e.g. 1e-6, or 2.4e-4 for an "
                            "RS(544,514) FEC link)")
    _warn_if_dubious(ber, target_ber)   # once the BER is known to be usable
    return ber


def _check_common(baud: object, modulation: object, node_nm: object, architecture: object,
                  target_ber: object, scope: object, clocking: object, tx_architecture: object,
                  channel_kind: object):
    """The arguments :func:`energy_per_bit` and :func:`~sikernel.power.batch.energy_per_bit_batch`
    share, checked in that order."""
    from .table import KINDS

    fb = check_baud(baud)
    mod = _validate.one_of("modulation", modulation, _MODULATIONS)
    tech = get_technology(node_nm)
    arch = _validate.one_of("architecture", architecture, ARCHITECTURES)
    ber = check_ber_for(target_ber, mod)
    sc = _validate.one_of("scope", scope, SCOPES)
    clk = _validate.one_of("clocking", clocking, budget.CLOCKINGS)
    txk = _validate.one_of("tx_architecture", tx_architecture, budget.TX_KINDS)
    kind = _validate.one_of("channel_kind", channel_kind, KINDS)
    _warn_outside_calibration(fb)
    return fb, mod, _MODULATIONS[mod], tech, arch, ber, sc, clk, txk, kind


def energy_per_bit(channel: Any = None, loss_db: float | None = None, baud: float = 53.125e9,
                   modulation: str = "pam4", node_nm: float = 7, architecture: str = "auto",
                   target_ber: float = 1e-6, scope: str = "txrx",
                   coefficients: EnergyCoefficients | None = None,
                   exclude: tuple[str, ...] = (), clocking: str = "cdr",
                   tx_architecture: str = "ffe", channel_kind: str = "host",
                   crosstalk: Any = None) -> EnergyBreakdown:
    """Energy per bit of a SerDes lane that closes ``channel`` (or a loss) at ``target_ber``.

    Parameters
    ----------
    channel : Channel, Touchstone path or skrf.Network, optional
        The differential channel (paths and Networks read by
        :func:`~sikernel.channel.touchstone.as_channel`); analysed with the full SI chain (pulse response,
        TX FFE × CTLE search, DFE, MMSE RX FFE) -- cost dominated by that chain.
    loss_db : float, optional
        Insertion loss at ``baud/2`` instead of a channel: the documented synthetic
        channel of :mod:`sikernel.power.table` (IEEE 802.3 Table 92-12 host-board
        line of that loss), through the same SI chain, tabulated once per
        (baud, modulation) and interpolated (sub-millisecond when warm).
    baud : float
        Symbol rate in Bd (≥ 1 MBd; 53.125e9 for 53.125 GBd).
    modulation : str
        "nrz", "pam3", "pam4", "pam6" or "pam8".
    node_nm : float
        CMOS node preset in nm: 28, 16 (or 12), 7 (or 10), 5 (or 4), 3 (32 for the calibration
        design).
    architecture : str
        "auto" (the least-energy retimed family that closes: analog or dsp), or a family by name:
        "linear" (unretimed: no slicers, no clock recovery), "analog" or "dsp".
    target_ber : float
        Bit error ratio the link must reach (raw, before FEC), in (0, 0.5).  The default 1e-6 is
        stricter than the pre-FEC targets of the RS(544,514) links of 100G and 200G per lane
        (the IEEE COM sheets' DER_0: 1e-5 for 802.3ck C2C and C2M, 1e-4 for 802.3ck KR and the
        802.3df 200G sheets, 2e-4 in the 802.3dj KR draft; RS(544,514) corrects up to 2.4e-4):
        pass the standard's value to price such a link as it runs (212.5 Gb/s over 46 dB at 5 nm:
        7.4 pJ/b at 1e-6, 5.1 at 1e-4).
    scope : str
        "txrx" (both ends of one link), "tx" (the transmitter only: driver, FFE/DAC, serializer,
        half the PLL), "rx" (the rest) or "rx_analog" (the receiver without its digital
        datapath: RX FFE, DFE, MLSD, adaptation and digital CDR, as a paper's "analog part"
        figure); the design is always chosen on TX + RX.
    coefficients : EnergyCoefficients, optional
        Model coefficients (default: the calibrated set).
    exclude : tuple of str
        Families "auto" must not choose ("analog" or "dsp"; "linear" it never chooses).
    clocking : str
        "cdr" (per-lane clock recovery: phase interpolator, CDR logic, an edge/error slicer;
        one PLL per ``lanes_per_pll`` lanes) or "forwarded" (source-synchronous: the clock
        travels on its own lane, shared by ``lanes_per_forwarded_clock`` data lanes; no CDR).
    tx_architecture : str
        "ffe" (SST driver with analog FFE segments) or "dac" (DSP FIR + DAC; ``tx_dac_bits``
        serialized streams).
    channel_kind : str
        What ``loss_db`` stands for: "host" (IEEE package + host-board line + IEEE package) or
        "xsr" (an in-package die-to-die / die-to-optical-engine trace with no BGA package:
        XSR, CPO); :func:`sikernel.power.table.synthetic_parts`.  Ignored with ``channel``.  At
        a few dB the host kind is two packages with little or no line between them, whose
        reflections are hardly damped: it can need a stronger receiver than its loss suggests, and
        where the analog family just misses its SNR the price steps to the ADC-DSP family; an
        in-package link is "xsr".  At 106.25 GBd (200G per lane) the reflections between the host
        kind's two packages arrive beyond the analog family's DFE span, so its post-equalisation
        SNR ceiling hardly depends on the loss and lies near what BER 1e-6 asks: PAM4 at 5 nm, the
        analog family closes the host kind up to 41.5 dB at BER 1e-4, 35.7 dB at 1e-5, 13.5 dB at
        2e-6 and 3.6 dB at 1e-6 (the xsr kind, without packages, up to 41.2 dB at 1e-6), so below
        1e-5 a small change of BER moves the step to the ADC-DSP family by tens of dB.
    crosstalk : None, str, float or CrosstalkModel
        Power-sum FEXT/NEXT aggressors added to the channel as IEEE COM adds them (93A-34;
        :mod:`sikernel.power.crosstalk`): None or "none" (default: no aggressors, e.g. a lab
        channel), "ca" or True (the stored fit on the IEEE P802.3ck CA_19p75dB set, applied to
        this channel's own through response), a number ≥ 0 (that fit with its amplitude scaled
        by the number), or a :class:`~sikernel.power.crosstalk.CrosstalkModel`.  The
        crosstalk variance scales with the launch swing like residual ISI and jitter.

    Returns
    -------
    EnergyBreakdown

    Raises
    ------
    SIKernelError
        Both or neither of ``channel``/``loss_db``; negative or non-finite loss; baud below
        1 MBd; BER outside (0, 0.5); unknown modulation, node, architecture, scope or TX
        architecture; a crosstalk argument that is not understood; a link no architecture closes
        ("no architecture closes this link at BER …").
    """
    fb, mod, levels, tech, arch, ber, sc, clk, txk, kind = _check_common(
        baud, modulation, node_nm, architecture, target_ber, scope, clocking, tx_architecture,
        channel_kind)
    co, exclude = check_model_args(coefficients, exclude, arch)
    from .crosstalk import resolve

    xt = resolve(crosstalk)
    if (channel is None) == (loss_db is None):
        raise SIKernelError("give exactly one of channel= (a Channel) or loss_db= (dB at baud/2)")
    if loss_db is not None:
        from .table import LOSS_GRID_DB, get_table

        loss = _validate.non_negative("loss_db", loss_db)
        if loss > LOSS_GRID_DB[-1]:
            raise LinkNotClosingError(f"no architecture closes this link at BER {ber:g}: loss_db={loss_db!r} "
                                f"exceeds {LOSS_GRID_DB[-1]:g} dB, the largest tabulated loss (every "
                                "family fails well below it)")
        op = get_table(fb, levels, kind=kind, crosstalk=xt).at(loss)
        il = loss
        path = "table"
    else:
        from ..channel.touchstone import as_channel

        channel = as_channel(channel)
        op, il = channel_op_table(channel, fb, levels, crosstalk=xt)
        path = "channel"
        f_top = float(np.asarray(channel.f)[-1])
        if f_top < fb * (1.0 - 1e-9):   # as pulse_response and COM warn (new-user trial 28)
            warnings.warn(f"{channel.name or 'channel'}: the data end at {f_top:g} Hz, below the "
                          f"signalling rate {fb:g} Hz; the SI chain takes the response above as zero, "
                          "and the energy depends on where the data stop; supply data to at least "
                          f"{fb:g} Hz", SIKernelWarning, stacklevel=2)
    op = candidates(op, exclude, arch)
    out = breakdown(op, levels=levels, baud=fb, modulation=mod, tech=tech, co=co,
                    architecture=arch, target_ber=ber, scope=sc, il_db=il, si_path=path,
                    clocking=clk, tx_kind=txk)
    out.meta["crosstalk"] = None if xt is None else {"name": xt.name, **xt.key()}
    from .si import settings_for

    # the reference receiver the SI figures were computed with (RX AFE bandwidth of the rate)
    out.meta["si_f_r_ratio"] = settings_for(fb).f_r_ratio
    return out


def _mmse_noise_db(op: budget.OpTable, i: int) -> float | None:
    """Noise level of configuration ``i``'s MMSE RX FFE (dB), None when it is not a DSP row."""
    v = op.extra.get("mmse_noise_db")
    if v is None or op.family[i] != "dsp" or not np.isfinite(v[i]):
        return None
    return float(v[i])


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
    exclude = tuple(_validate.one_of("excluded architecture", x, ARCHITECTURES[1:]) for x in exclude)
    if not exclude:
        return op
    return _keep_columns(op, ~np.isin(op.family, list(exclude)))


def candidates(op: budget.OpTable, exclude: tuple[str, ...], architecture: str) -> budget.OpTable:
    """The configurations a link is priced from: ``op`` with the retimed CTLE-only copies of its
    linear configurations (:func:`sikernel.power.budget.with_retimed_ctle_only`), without the
    ``exclude`` families and, for ``"auto"``, without the families it never chooses (so they are not
    solved for nothing; :func:`sikernel.power.architecture.choose` holds the rule itself).

    Parameters
    ----------
    op : OpTable
        Candidate configurations and their SI figures.
    exclude : tuple of str
        Families excluded by the caller (validated names).
    architecture : str
        "auto" or a family name.

    Returns
    -------
    OpTable
    """
    if architecture == "auto":
        exclude = tuple(dict.fromkeys((*exclude, *(f for f in ARCHITECTURES[1:] if f not in AUTO_FAMILIES))))
    return restrict(budget.with_retimed_ctle_only(op), tuple(exclude))


def _keep_columns(op: budget.OpTable, keep: np.ndarray) -> budget.OpTable:
    """``op`` with only the configurations (last-axis columns) where ``keep`` is true."""
    return budget.OpTable(**{k: (v[..., keep] if isinstance(v, np.ndarray) else
                                 {kk: vv[..., keep] for kk, vv in v.items()})
                             for k, v in vars(op).items()})


def without_tx_ffe(op: budget.OpTable) -> budget.OpTable:
    """Keep only the configurations whose transmitter uses no FFE tap besides the main cursor.

    Parameters
    ----------
    op : OpTable
        Candidate configurations and their SI figures.

    Returns
    -------
    OpTable
        ``op`` without the columns whose TX FFE has a pre- or post-cursor tap (a DSP receiver is
        kept only where its front end was searched without TX taps: ``si.op_table(dsp_tx_active=())``).
    """
    return _keep_columns(op, op.tx_taps == 1)


def restrict_rx_ffe_taps(op: budget.OpTable, n_taps: int) -> budget.OpTable:
    """Keep only the DSP receivers whose RX FFE has ``n_taps`` taps (other families untouched).

    Parameters
    ----------
    op : OpTable
        Candidate configurations and their SI figures.
    n_taps : int
        RX FFE length; one of the lengths of :data:`sikernel.power.si.DSP_FFE_TAPS`.

    Returns
    -------
    OpTable
        ``op`` without the DSP columns of other FFE lengths.

    Raises
    ------
    SIKernelError
        ``n_taps`` is not one of the SI chain's RX FFE lengths.
    """
    lengths = tuple(pre + 1 + post for pre, post in si.DSP_FFE_TAPS)
    if n_taps not in lengths:
        raise SIKernelError(f"rx_ffe_taps={n_taps!r} is not an RX FFE length of the SI chain; accepted: "
                            f"{lengths} (si.DSP_FFE_TAPS); use the nearest published length")
    return _keep_columns(op, (op.family != "dsp") | (op.rx_ffe_taps == int(n_taps)))


def channel_op_table(channel: Any, baud: float, levels: int, crosstalk: Any = None,
                     dsp_tx_active: tuple[int, ...] | None = None):
    """SI figures of every candidate configuration for a Channel (full chain); also IL at Nyquist.

    Kept in memory (:data:`CHANNEL_OP_CACHE_SIZE` tables) and on disk (:mod:`sikernel.power.op_cache`:
    keyed by the channel's samples, the settings, the search grids and the package's source), so a
    channel's table is searched once per machine, not once per process.

    Parameters
    ----------
    channel : Channel, Touchstone path or skrf.Network
        The differential channel (extrapolated to DC on a uniform grid when it is not).
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.
    crosstalk : CrosstalkModel, optional
        Power-sum crosstalk model (:mod:`sikernel.power.crosstalk`); None: none.
    dsp_tx_active : tuple of int, optional
        TX FFE taps the DSP receivers' front end may use (:func:`sikernel.power.si.op_table`;
        ``()``: a receiver with no TX FFE in front of it).  Default: the full TX grid.

    Returns
    -------
    op : OpTable
        SI figures of the "linear", "analog" and "dsp" candidates.
    il_db : float
        Insertion loss at ``baud/2`` in dB.

    Raises
    ------
    SIKernelError
        ``channel`` is not a :class:`~sikernel.channel.core.Channel`, a Touchstone path or an
        ``skrf.Network``.
    """
    from ..channel.core import Channel
    from . import si

    if not isinstance(channel, Channel):
        from ..channel.touchstone import as_channel

        channel = as_channel(channel)
    ch = channel
    key = (*_channel_key(ch, baud, levels, crosstalk, si.settings_for(float(baud))),
           None if dsp_tx_active is None else tuple(dsp_tx_active))
    with _CHANNEL_OPS_LOCK:
        hit = _CHANNEL_OPS.get(key)
        if hit is not None:
            _CHANNEL_OPS.move_to_end(key)
            return hit
    stored = op_cache.load(key)
    if stored is not None:
        op, il = _read_only(stored[0]), stored[1]
    else:
        from ..channel.dc import extrapolate_dc
        from ..channel.metrics import il_at_nyquist

        il = float(il_at_nyquist(ch, baud))
        ch = extrapolate_dc(ch)   # a uniform grid from 0 Hz comes back as it is
        ps = si.pulse_set(ch.f, ch.s21, baud, levels, crosstalk=crosstalk)
        op = _read_only(si.op_table(ps, families=("linear", "analog", "dsp"), dsp_tx_active=dsp_tx_active))
        op_cache.save(key, op, il)
    with _CHANNEL_OPS_LOCK:
        _CHANNEL_OPS[key] = (op, il)
        while len(_CHANNEL_OPS) > CHANNEL_OP_CACHE_SIZE:
            _CHANNEL_OPS.popitem(last=False)
    return op, il


#: most channel operating tables :func:`channel_op_table` keeps in memory (least recently used
#: dropped first; an OpTable of one channel is a few kB)
CHANNEL_OP_CACHE_SIZE = 512
_CHANNEL_OPS: collections.OrderedDict = collections.OrderedDict()
# threads pricing a sweep chunk together share the memo (a table computed twice is harmless)
_CHANNEL_OPS_LOCK = threading.Lock()


def clear_channel_op_cache() -> None:
    """Forget the operating tables :func:`channel_op_table` keeps in memory (after changing the SI
    chain's module-level search constants, e.g. in a test or an experiment).

    The disk cache (:mod:`sikernel.power.op_cache`) is keyed by those constants and by the
    package's source, so it needs no clearing for them; an experiment that patches the SI chain's
    functions at run time (which no key can see) should set ``SIKERNEL_OP_CACHE=0``.
    """
    with _CHANNEL_OPS_LOCK:
        _CHANNEL_OPS.clear()


def _channel_key(ch: Any, baud: float, levels: int, crosstalk: Any, s: Any) -> tuple:
    """What a channel's SI operating table depends on: its samples (digest of ``f``, ``s21``),
    the rate, the levels, the crosstalk model, the reference receiver and the SI chain's search
    grids (:func:`sikernel.power.si.search_key`)."""
    return (op_cache.samples_digest(ch.f, ch.s21), float(baud), int(levels),
            op_cache.crosstalk_key(crosstalk), repr(s), si.search_key())


def _read_only(op: budget.OpTable) -> budget.OpTable:
    """``op`` with its arrays made read-only (it is shared through the cache of
    :func:`channel_op_table`)."""
    for v in vars(op).values():
        for a in (v.values() if isinstance(v, dict) else (v,)):
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
    return op


def breakdown(op: budget.OpTable, *, levels: int, baud: float, modulation: str, tech, co,
              architecture: str, target_ber: float, scope: str, il_db: float,
              si_path: str, clocking: str = "cdr", tx_kind: str = "ffe") -> EnergyBreakdown:
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
        One of :data:`sikernel.power.budget.SCOPES`.
    il_db : float
        Insertion loss at ``baud/2`` in dB (reported).
    si_path : str
        "table" or "channel" (reported).
    clocking : str, optional
        "cdr" or "forwarded".
    tx_kind : str, optional
        "ffe" or "dac" (:data:`sikernel.power.budget.TX_KINDS`).

    Returns
    -------
    EnergyBreakdown

    Raises
    ------
    SIKernelError
        No family closes (``"auto"``), or the requested one is excluded or does not close.
    """
    sol = budget.solve(op, levels=levels, baud=baud, target_ber=target_ber, tech=tech, co=co,
                       scope=scope, clocking=clocking, tx_kind=tx_kind)
    amp_max = 0.5 * tech.vdd_tx_max_v
    row, fam, reasons, totals = choose(op, sol, architecture, target_ber, amp_max)
    bit_rate = baud * math.log2(levels)
    to_pj = 1e12 / bit_rate
    blocks = {b: float(sol.power_w[b][row]) * to_pj for b in budget.BLOCKS}
    i = int(sol.config_index[row])
    gdc = op.extra.get("ctle_gdc_db")
    eq = {
        "tx_ffe_taps": int(op.tx_taps[i]),
        # TX FFE subset searched (a name of si.TX_SUBSETS); None for the DSP family
        "tx_ffe_subset": si.tx_subset_names(op.family, op.dfe_taps)[i],
        "tx_ffe_bits": int(co.tx_ffe_bits),
        "tx_architecture": tx_kind,
        "clocking": clocking,
        "ctle_peaking_db": float(op.ctle_peaking_db[i]),
        "ctle_gdc_db": None if gdc is None else float(gdc[i]),
        "dfe_taps": int(op.dfe_taps[i]),
        "rx_ffe_taps": int(op.rx_ffe_taps[i]),
        # DSP family: noise level (dB re the reference receiver's) its MMSE RX FFE was solved at
        # (si.DSP_MMSE_NOISE_DB); None for the other families
        "mmse_noise_db": _mmse_noise_db(op, i),
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


__all__ = ["MIN_BAUD", "EnergyBreakdown", "breakdown", "channel_op_table", "check_baud", "check_ber",
           "check_ber_for", "clear_channel_op_cache",
           "energy_per_bit", "restrict", "restrict_rx_ffe_taps", "without_tx_ffe"]
