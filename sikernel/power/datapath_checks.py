"""The receiver's DSP datapath against published figures (issue 11 diagnostics).

The transceiver totals the energy model is fitted on (:mod:`sikernel.power.calibration`) cannot
separate the digital datapath -- RX FFE, DFE, MLSD, adaptation and digital CDR
(:data:`sikernel.power.budget.DIGITAL_RX_BLOCKS`) -- from the rest, so its energy per operation
(``e_fa_j``) is whatever the fit leaves for it.  This module holds the three diagnostics that look
at it from outside:

* :func:`without_dsp_datapath`: the held-out 200G-class rows (:mod:`sikernel.power.holdout`)
  priced without their receiver's datapath -- where the over-prediction lives;
* :func:`dsp_datapath_check`: the block laws at the operating point of a published RX DSP datapath
  alone (:data:`DSP_DATAPATH`);
* :func:`receiver_datapath_check`: the DSP part of a published receiver datapath whose ADC is a row
  of Murmann's ADC survey (:data:`RECEIVER_DATAPATH`);
* :func:`sequence_detector_check`: the MLSD law (``blocks.mlsd_w``) at the operating point of a
  measured Viterbi detector alone (:data:`SEQUENCE_DETECTOR`).

``python -m sikernel.power.datapath_checks`` prints the four docs tables (``docs/energy-model.md``,
sections "Held-out 200G-class designs" and "The DSP datapath against a published datapath").
"""

from __future__ import annotations

from dataclasses import dataclass

from .adc_survey import row_by_doi
from .coefficients import DEFAULT_COEFFICIENTS, EnergyCoefficients
from .holdout import GOAL_CONFIDENCE, GOAL_RATE_CLASS, HELD_OUT, HeldOutDesign, price


def without_dsp_datapath(coefficients: EnergyCoefficients | None = None,
                         designs: tuple[HeldOutDesign, ...] | None = None) -> list[dict[str, object]]:
    """The goal-class held-out rows whose receiver the model prices as an ADC-DSP one, without its datapath.

    A diagnostic, not a scope change: for every H/M row of
    :data:`~sikernel.power.holdout.GOAL_RATE_CLASS` whose published figure includes a receiver
    ("txrx" or "rx") and for which the model chooses the DSP family, the model's energy at the same
    point with the receiver's digital datapath
    (:data:`sikernel.power.budget.DIGITAL_RX_BLOCKS`: RX FFE, DFE, MLSD, adaptation and digital CDR)
    left out -- the same receiver, design chosen on TX + RX as always; what a paper's "analog
    part" figure would cover.  Where this alone reaches the published total, the over-prediction is
    not in the DSP datapath (or the figure leaves more out than the datapath).

    Parameters
    ----------
    coefficients, designs
        As :func:`sikernel.power.holdout.predict_held_out` (default: the calibrated set,
        :data:`sikernel.power.holdout.HELD_OUT`).

    Returns
    -------
    list of dict
        Per row: ``name``, ``scope``, ``published_pj_per_bit``, ``model_pj_per_bit``,
        ``datapath_pj_per_bit`` (the blocks left out), ``without_datapath_pj_per_bit`` and
        ``ratio_without_datapath`` (that over the published figure).
    """
    from .budget import DIGITAL_RX_BLOCKS

    co = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    designs = HELD_OUT if designs is None else designs
    out: list[dict[str, object]] = []
    for d in designs:
        if d.rate_class != GOAL_RATE_CLASS or d.confidence not in GOAL_CONFIDENCE \
                or d.scope not in ("txrx", "rx"):
            continue
        e = price(d, co)
        if e is None or e.architecture != "dsp":
            continue
        dp = float(sum(e.blocks[b] for b in DIGITAL_RX_BLOCKS))
        rest = e.total_pj_per_bit - dp
        out.append({"name": d.name, "scope": d.scope, "published_pj_per_bit": d.energy_pj_per_bit,
                    "model_pj_per_bit": e.total_pj_per_bit, "datapath_pj_per_bit": dp,
                    "without_datapath_pj_per_bit": rest,
                    "ratio_without_datapath": rest / d.energy_pj_per_bit})
    return out


@dataclass(frozen=True)
class DspDatapathFigure:
    """A published power of an RX DSP datapath alone (equaliser arithmetic and its adaptation).

    The block-level counterpart of the held-out transceivers: it checks the model's digital
    datapath law (``blocks.dsp_ffe_w``, ``blocks.dsp_dfe_w`` and the adaptation overhead) where the
    transceiver totals cannot separate it from the rest.

    Attributes
    ----------
    name : str
        Label.
    node_nm : float
        CMOS node in nm (a preset).
    baud : float
        Symbol rate in Bd.
    levels : int
        PAM levels.
    published_w : float
        Published power per lane in W.
    macs_per_symbol : tuple of float
        Readings of the multiply-accumulates per symbol the datapath performs (the source's
        structure, read two ways where it is ambiguous).
    dfe_taps : int
        DFE taps per lane.
    enob : tuple of float
        ADC resolutions (bits) spanning the unstated word width.
    source : str
        Citation.
    confidence : str
        "H", "M" or "L" (as :class:`HeldOutDesign`).
    note : str
        What is assumed.
    """

    name: str
    node_nm: float
    baud: float
    levels: int
    published_w: float
    macs_per_symbol: tuple[float, ...]
    dfe_taps: int
    enob: tuple[float, ...]
    source: str
    confidence: str
    note: str


DSP_DATAPATH: tuple[DspDatapathFigure, ...] = (
    DspDatapathFigure(
        "2x2 MIMO PAM-4 MMSE-DFE RX DSP (DGIST), 28 nm, 56 Gb/s/lane", 28, 28e9, 4, 0.201,
        (30.0, 15.0), 1, (5.0, 6.0, 7.0),
        "2-lane 2x2 MIMO PAM-4 MMSE-DFE wireline transceiver with FEXT cancellation, IEEE Trans. VLSI "
        "Systems 33(6), pp. 1570-1581, 2025 (abstract, as indexed by DGIST's research portal: 'The RX "
        "digital signal processor (DSP) place and route (PnR) in a 28-nm CMOS is estimated to consume "
        "201 mW/lane at a 56-Gb/s/lane data rate'; 15-tap MIMO FFE, one-tap MIMO DFE, LMS)",
        "M",
        "a post-layout estimate, not a measurement; per lane the 2x2 MIMO FFE is read as two 15-tap "
        "filters (30 MACs/symbol) or as 15 taps in all; a 1-tap DFE; adaptation priced by the model's "
        "own overhead (dsp_adapt_overhead); word width from ENOB 5-7 (not stated); 28 GBd PAM4"),
)


def dsp_datapath_check(coefficients: EnergyCoefficients | None = None,
                       figures: tuple[DspDatapathFigure, ...] = DSP_DATAPATH) -> list[dict[str, object]]:
    """The model's RX DSP datapath power at each published datapath's operating point.

    ``(dsp_ffe_w(macs) + dsp_dfe_w(dfe_taps)) · (1 + dsp_adapt_overhead)`` at the figure's node, symbol
    rate and PAM order, for every reading of its MAC count and ADC resolution -- the same block laws
    and adaptation share the budget prices a DSP receiver with (``budget``: ``dsp_adapt_cdr``).

    Parameters
    ----------
    coefficients : EnergyCoefficients, optional
        Model coefficients; the calibrated set when omitted.
    figures : tuple of DspDatapathFigure, optional
        The published datapaths (:data:`DSP_DATAPATH` when omitted).

    Returns
    -------
    list of dict
        Per figure and reading: ``name``, ``macs_per_symbol``, ``enob``, ``published_w``,
        ``model_w`` and ``ratio`` (model / published).
    """
    from . import blocks
    from .technology import get_technology

    co = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    out: list[dict[str, object]] = []
    for f in figures:
        tech = get_technology(f.node_nm)
        for macs in f.macs_per_symbol:
            for enob in f.enob:
                dp = (float(blocks.dsp_ffe_w(macs, enob, f.baud, tech, co))
                      + float(blocks.dsp_dfe_w(f.dfe_taps, f.levels, enob, f.baud, tech, co)))
                w = dp + float(blocks.dsp_adaptation_w(dp, co))
                out.append({"name": f.name, "macs_per_symbol": macs, "enob": enob,
                            "published_w": f.published_w, "model_w": w, "ratio": w / f.published_w})
    return out


@dataclass(frozen=True)
class ReceiverDatapathFigure:
    """A published receiver datapath power (ADC + DSP) whose ADC is a row of Murmann's ADC survey.

    The DSP part is the published total less the survey's ADC power: a second, independent figure
    for the model's digital datapath law besides :data:`DSP_DATAPATH`, and one that was measured.

    Attributes
    ----------
    name : str
        Label.
    node_nm : float
        CMOS node in nm (a preset).
    bit_rate_bps : float
        Payload bit rate in b/s.
    published_w : float
        Published power of the datapath (ADC and DSP) in W.
    adc_doi : str
        DOI of the ADC's row in ``sikernel/data/adc_survey.csv`` (its power and sample rate).
    compared_with : str
        Calibration design whose DSP datapath (model, at its own operating point) it is set against.
    source : str
        Citation.
    note : str
        What is assumed and why the comparison is not like for like.
    """

    name: str
    node_nm: float
    bit_rate_bps: float
    published_w: float
    adc_doi: str
    compared_with: str
    source: str
    note: str


RECEIVER_DATAPATH: tuple[ReceiverDatapathFigure, ...] = (
    ReceiverDatapathFigure(
        "DMT receiver datapath (IBM), 5 nm, 112 Gb/s", 5, 112e9, 0.353,
        "10.1109/ISSCC49661.2025.10904707", "Park switch SerDes ADC-DSP",
        "J. Lee, P. A. Francese, M. Brändli, T. Morf, M. A. Kossel, S. Jang, G. Kim, \"7.5 A 353mW "
        "112Gb/s Discrete Multitone Wireline Receiver Datapath with Time-Based ADC in 5nm FinFET\", IEEE "
        "ISSCC 2025, doi:10.1109/ISSCC49661.2025.10904707 (title; journal version IEEE JSSC 2026); its "
        "ADC (52 GS/s, SNDR 34.4 dB, 57.6 mW) from B. Murmann's ADC survey, row ISSCC 2025 7.5",
        "the 353 mW of the title read as ADC + DSP datapath (the title's 'Receiver Datapath with "
        "Time-Based ADC'); the DSP part = 353 mW - the survey's ADC power; a discrete-multitone "
        "receiver (DFT and per-tone equaliser), not a time-domain FFE: set against the model's FFE "
        "datapath of the 5 nm 112 Gb/s PAM-4 calibration design (Park) at its own operating point, "
        "and expressed as the FFE length the model's law would price at the same power; the paper "
        "not read (DFT size and word widths unknown)"),
)


def _ffe_datapath_excess_w(n_taps: float, enob: float, fs_hz: float, tech, co: EnergyCoefficients,
                           target_w: float) -> float:
    """An ``n_taps`` RX FFE with the adaptation share, less ``target_w`` (a root gives the FFE length)."""
    from . import blocks

    dp = float(blocks.dsp_ffe_w(n_taps, enob, fs_hz, tech, co))
    return dp + float(blocks.dsp_adaptation_w(dp, co)) - target_w


def receiver_datapath_check(coefficients: EnergyCoefficients | None = None,
                            figures: tuple[ReceiverDatapathFigure, ...] = RECEIVER_DATAPATH
                            ) -> list[dict[str, object]]:
    """The DSP part of each published receiver datapath against the model's datapath law.

    DSP part = published datapath power - the ADC survey's power of its ADC.  Set against (1) the
    model's RX DSP datapath (``DIGITAL_RX_BLOCKS``) of the calibration design named in
    ``compared_with``, at that design's own operating point (:func:`calibration.point_breakdown`),
    and (2) the RX FFE length whose ``dsp_ffe_w · (1 + dsp_adapt_overhead)`` at the ADC's sample
    rate and ENOB equals the DSP part (``mac_equivalent``: multiply-accumulates per sample).

    Parameters
    ----------
    coefficients : EnergyCoefficients, optional
        Model coefficients; the calibrated set when omitted.
    figures : tuple of ReceiverDatapathFigure, optional
        The published datapaths (:data:`RECEIVER_DATAPATH` when omitted).

    Returns
    -------
    list of dict
        Per figure: ``name``, ``published_w``, ``adc_w``, ``dsp_w``, ``dsp_pj_per_bit``,
        ``compared_with``, ``model_dsp_w`` and ``ratio`` (model / published DSP part),
        ``mac_equivalent``, ``fs_hz``, ``enob``.
    """
    from scipy.optimize import brentq

    from .budget import DIGITAL_RX_BLOCKS
    from .calibration import CALIBRATION_POINTS, point_breakdown
    from .technology import get_technology

    co = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    out: list[dict[str, object]] = []
    for f in figures:
        adc = row_by_doi(f.adc_doi)
        dsp_w = f.published_w - adc.power_w
        p = next(q for q in CALIBRATION_POINTS if q.name == f.compared_with)
        e = point_breakdown(p, co)
        model_w = float(sum(e.blocks[b] for b in DIGITAL_RX_BLOCKS)) * e.bit_rate_bps * 1e-12
        args = (adc.enob, adc.fs_hz, get_technology(f.node_nm), co, dsp_w)
        out.append({"name": f.name, "published_w": f.published_w, "adc_w": adc.power_w, "dsp_w": dsp_w,
                    "dsp_pj_per_bit": dsp_w / f.bit_rate_bps * 1e12, "compared_with": f.compared_with,
                    "model_dsp_w": model_w, "ratio": model_w / dsp_w,
                    "mac_equivalent": float(brentq(_ffe_datapath_excess_w, 1.0, 1000.0, args=args)),
                    "fs_hz": adc.fs_hz, "enob": adc.enob})
    return out


@dataclass(frozen=True)
class SequenceDetectorFigure:
    """A published power of a sequence (Viterbi) detector alone, measured on silicon.

    Checks ``blocks.mlsd_w`` (L-state Viterbi on a one-symbol-memory target, the MLSD the budget
    buys on the DSP links nearest their reach) where the transceiver totals cannot separate it.

    Attributes
    ----------
    name : str
        Label.
    node_nm : float
        Preset the node is priced at (a nearby preset where the source's node is not one).
    vdd_v : float
        Stated supply in V (the model's digital blocks at that supply, ``Technology.at_supply``).
    baud : float
        Symbol rate in Bd.
    levels : int
        PAM levels (the model's trellis has ``levels`` states).
    published_w : float
        Published detector power in W.
    trellis_steps_per_symbol : tuple of float
        Readings of how many trellis steps the hardware performs per detected symbol (1: the ideal
        Viterbi the model prices; a sliding-block detector also processes its overlap).
    enob : tuple of float
        ADC resolutions (bits) spanning the unstated word width.
    source : str
        Citation.
    confidence : str
        "H", "M" or "L" (as :class:`~sikernel.power.holdout.HeldOutDesign`).
    note : str
        What is assumed and why it is not like for like.
    """

    name: str
    node_nm: float
    vdd_v: float
    baud: float
    levels: int
    published_w: float
    trellis_steps_per_symbol: tuple[float, ...]
    enob: tuple[float, ...]
    source: str
    confidence: str
    note: str


SEQUENCE_DETECTOR: tuple[SequenceDetectorFigure, ...] = (
    SequenceDetectorFigure(
        "4-PAM reduced-state sliding-block Viterbi detector (IBM Zurich / EPFL), 14 nm, 25.6 Gb/s",
        16, 0.7, 12.8e9, 4, 0.105, (1.0, 1.5), (5.0, 6.0),
        "the detector's abstract as indexed by discovery.researcher.life (topic '22 nm FinFET', page "
        "10): 'The implementation of a 25.6-Gb/s four-level pulse-amplitude-modulation (4-PAM) "
        "reduced-state sliding-block Viterbi detector (VD) is presented. The power consumption of the VD "
        "is 105mW at a supply voltage of 0.7 V, corresponding to an energy efficiency of 4.1 pJ/b ... "
        "implemented in an experimental chip fabricated in 14-nm CMOS FINFET, exploits set-partitioning "
        "principles and embedded per-survivor decision feedback ... The active area of the VD with 12 "
        "slices, each operating at one-eighth of the modulation rate, is 0.507x0.717 mm2'; the same work "
        "in an EPFL doctoral thesis with IBM Research Zurich (infoscience.epfl.ch/record/228455); "
        "authors and venue of the paper not confirmed",
        "M",
        "measured silicon, the detector alone; 14 nm FinFET priced at the 16/12 nm preset at the stated "
        "0.7 V; the trellis's state count is not in the abstract (the model's 4-state, one-symbol-memory "
        "trellis); trellis steps per symbol read as 1 (the ideal detector the model prices) or 12/8 = 1.5 "
        "(12 slices at 1/8 of the symbol rate: a sliding-block detector also runs its overlap); word "
        "width from ENOB 5-6 (not stated)"),
)


def sequence_detector_check(coefficients: EnergyCoefficients | None = None,
                            figures: tuple[SequenceDetectorFigure, ...] = SEQUENCE_DETECTOR
                            ) -> list[dict[str, object]]:
    """The model's MLSD power (``blocks.mlsd_w``) at each measured detector's operating point.

    ``mlsd_w · trellis_steps_per_symbol`` at the figure's node preset and stated supply, symbol rate
    and PAM order, for every reading of the steps per symbol and the word width; no adaptation share
    (the published figure is the detector alone).

    Parameters
    ----------
    coefficients : EnergyCoefficients, optional
        Model coefficients; the calibrated set when omitted.
    figures : tuple of SequenceDetectorFigure, optional
        The published detectors (:data:`SEQUENCE_DETECTOR` when omitted).

    Returns
    -------
    list of dict
        Per figure and reading: ``name``, ``trellis_steps_per_symbol``, ``enob``, ``published_w``,
        ``model_w`` and ``ratio`` (model / published).
    """
    from . import blocks
    from .technology import get_technology

    co = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    out: list[dict[str, object]] = []
    for f in figures:
        tech = get_technology(f.node_nm).at_supply(f.vdd_v)
        for steps in f.trellis_steps_per_symbol:
            for enob in f.enob:
                w = steps * float(blocks.mlsd_w(1.0, f.levels, enob, f.baud, tech, co))
                out.append({"name": f.name, "trellis_steps_per_symbol": steps, "enob": enob,
                            "published_w": f.published_w, "model_w": w, "ratio": w / f.published_w})
    return out


#: columns of the docs table of :func:`without_dsp_datapath`: (header, cell format of a row)
WITHOUT_DSP_DATAPATH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("200G-class row (model family dsp)", "{name}"), ("scope", "{scope}"),
    ("published pJ/b", "{published_pj_per_bit:.3g}"), ("model pJ/b", "{model_pj_per_bit:.2f}"),
    ("of which DSP datapath", "{datapath_pj_per_bit:.2f}"),
    ("model without it", "{without_datapath_pj_per_bit:.2f}"),
    ("ratio without it", "{ratio_without_datapath:.2f}"))
#: columns of the docs table of :func:`dsp_datapath_check`
DSP_DATAPATH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("published RX DSP datapath", "{name}"), ("MACs / symbol (reading)", "{macs_per_symbol:g}"),
    ("ENOB (assumed)", "{enob:g}"), ("published mW", "{published_mw:.0f}"), ("model mW", "{model_mw:.0f}"),
    ("ratio", "{ratio:.2f}"))


#: columns of the docs table of :func:`receiver_datapath_check`
RECEIVER_DATAPATH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("published receiver datapath", "{name}"), ("published mW (ADC + DSP)", "{published_mw:.0f}"),
    ("ADC mW (survey)", "{adc_mw:.1f}"), ("DSP part mW", "{dsp_mw:.0f}"),
    ("DSP part pJ/b", "{dsp_pj_per_bit:.2f}"), ("model datapath of", "{compared_with}"),
    ("model mW", "{model_dsp_mw:.0f}"), ("model / published", "{ratio:.2f}"),
    ("FFE taps the law prices at the DSP part", "{mac_equivalent:.0f}"))


#: columns of the docs table of :func:`sequence_detector_check`
SEQUENCE_DETECTOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("measured sequence detector", "{name}"),
    ("trellis steps / symbol (reading)", "{trellis_steps_per_symbol:g}"),
    ("ENOB (assumed)", "{enob:g}"), ("published mW", "{published_mw:.0f}"), ("model mW", "{model_mw:.0f}"),
    ("ratio", "{ratio:.2f}"))


def rows_markdown(rows: list[dict[str, object]], columns: tuple[tuple[str, str], ...]) -> str:
    """A markdown table of dict rows (the docs' diagnostic tables of this module).

    Parameters
    ----------
    rows : list of dict
        E.g. :func:`without_dsp_datapath`, :func:`dsp_datapath_check`,
        :func:`receiver_datapath_check` or :func:`sequence_detector_check`; every ``*_w`` value is
        also offered in mW (``*_mw``).
    columns : tuple of (str, str)
        Header and ``str.format`` cell template of each column
        (:data:`WITHOUT_DSP_DATAPATH_COLUMNS`, :data:`DSP_DATAPATH_COLUMNS`,
        :data:`RECEIVER_DATAPATH_COLUMNS`, :data:`SEQUENCE_DETECTOR_COLUMNS`).

    Returns
    -------
    str
        Markdown.
    """
    lines = ["| " + " | ".join(h for h, _ in columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        extra = {f"{k[:-2]}_mw": 1e3 * float(v) for k, v in r.items() if k.endswith("_w")}
        lines.append("| " + " | ".join(t.format(**r, **extra) for _, t in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(rows_markdown(without_dsp_datapath(), WITHOUT_DSP_DATAPATH_COLUMNS))
    print()
    print(rows_markdown(dsp_datapath_check(), DSP_DATAPATH_COLUMNS))
    print()
    print(rows_markdown(receiver_datapath_check(), RECEIVER_DATAPATH_COLUMNS))
    print()
    print(rows_markdown(sequence_detector_check(), SEQUENCE_DETECTOR_COLUMNS))


__all__ = [
    "DSP_DATAPATH",
    "DSP_DATAPATH_COLUMNS",
    "RECEIVER_DATAPATH",
    "RECEIVER_DATAPATH_COLUMNS",
    "SEQUENCE_DETECTOR",
    "SEQUENCE_DETECTOR_COLUMNS",
    "WITHOUT_DSP_DATAPATH_COLUMNS",
    "DspDatapathFigure",
    "ReceiverDatapathFigure",
    "SequenceDetectorFigure",
    "dsp_datapath_check",
    "receiver_datapath_check",
    "rows_markdown",
    "sequence_detector_check",
    "without_dsp_datapath",
]
