"""Power of each transceiver block, from its equation and the technology coefficients.

Every function returns power in W for one lane (arrays broadcast), given the
operating point that the signal-integrity analysis chose: launch swing, tap
counts, CTLE peaking, ADC resolution.  Energy per bit is power / bit rate.
Coefficient values and sources: :mod:`sikernel.power.coefficients`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .coefficients import EnergyCoefficients
from .technology import NODES, REFERENCE_NODE_NM, Technology

#: sample rate at which ``walden_fom_j`` is quoted (S/s): a 112G PAM4 receiver's ADC
ADC_REF_RATE_HZ = 56e9


def digital_scale(tech: Technology, co: EnergyCoefficients) -> float:
    """Energy per digital operation at ``tech`` relative to the 7 nm preset: ``s_E(node)^γ · (V/V_nom)²``.

    ``s_E`` is rule (1) of :mod:`sikernel.power.technology` (``CPP · V_dd²``) and ``γ``
    (``co.node_energy_exponent``, fitted on the calibration designs within its documented range)
    how steeply the energy of a logic operation at a fixed clock falls with the node compared
    with that rule: 1 is the rule (which follows A. Stillmaker and B. Baas, Integration 58, 2017,
    from 28 to 7 nm); the foundries' iso-speed power claims (TSMC: N5 -30 % against N7, N3 -25 to
    -30 % against N5) correspond to ``γ`` ≈ 1.4-1.7, since they also count the lower supply at
    iso-speed and the fin depopulation and cell-height shrink that CPP alone does not see.  Used by
    every digital and clocked block (DSP datapath, TX serializer and FFE/DAC logic, slicers and
    analog DFE, CDR, fixed overhead); the ADC keeps rule (1) (its node scaling is the median fit
    on Murmann's survey, :func:`adc_fom_j`).

    Parameters
    ----------
    tech : Technology
        Process node (``energy_scale`` at the nominal supply; a stated ``vdd_digital_v`` scales
        the result by ``(V/V_nom)²``, outside the exponent).
    co : EnergyCoefficients
        Energy coefficients (``node_energy_exponent``).

    Returns
    -------
    float
        Scale factor (1 at 7 nm and nominal supply).
    """
    # the node trend to the power γ; a stated supply (Technology.at_supply) moves C·V² by V²
    return float(tech.node_energy_scale ** co.node_energy_exponent * tech.supply_energy_scale)


def tx_driver_w(v_peak_v: ArrayLike, baud: float, tech: Technology,
                co: EnergyCoefficients) -> np.ndarray:
    """Source-series-terminated (SST) TX driver on a regulated swing rail.

    An SST leg switches its pad to ``V_dd`` or ground through the source
    resistance; the differential loop is source + line termination, so the
    supply current is ``I = V_dd / (R_s,diff + R_t,diff)`` and the
    differential peak swing at the matched load is ``V_dd/2``
    (e.g. Dally & Poulton, *Digital Systems Engineering*, §11.2; Carusone,
    JSSC 2026 tutorial).  With the launch peak swing ``A`` (differential,
    outer PAM level) the driver rail is ``V_dd = 2A``.  Besides the DC loop
    current, every symbol transition charges the capacitance hanging on the
    pad -- output-stage drains, ESD diodes, bump and pad, ``C_out`` per side --
    through the same rail: ``C_out V_dd² f_baud`` for the pair with the 1/2
    transition activity of random data on both sides.  So

        P = [(2A)² / (R_s,diff + R_t,diff) + C_out (2A)² f_baud] / η.

    ``C_out`` is dominated by the pad, bump and ESD structure and is not scaled
    with the node (assumption).

    Parameters
    ----------
    v_peak_v : array_like
        Differential peak launch amplitude ``A`` in V (outer PAM level).
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (unused: the driver rail and pad are not node-scaled).
    co : EnergyCoefficients
        Energy coefficients (``r_source_diff_ohm``, ``r_term_diff_ohm``,
        ``c_tx_out_f``, ``eta_driver``).

    Returns
    -------
    numpy.ndarray
        Driver power in W.
    """
    v_dd = 2.0 * np.asarray(v_peak_v, dtype=float)
    g = 1.0 / (co.r_source_diff_ohm + co.r_term_diff_ohm) + co.c_tx_out_f * baud
    return v_dd**2 * g / co.eta_driver


def tx_ffe_w(n_taps: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """TX FFE: per tap, ``tx_ffe_bits`` weighted pre-driver segments and a retiming latch
    switch once per symbol: ``P = n_taps · bits · E_seg · f_baud``.

    Parameters
    ----------
    n_taps : array_like
        Number of TX FFE taps.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``tx_ffe_bits``, ``e_tx_segment_j``).

    Returns
    -------
    numpy.ndarray
        TX FFE power in W.
    """
    return (np.asarray(n_taps, dtype=float) * co.tx_ffe_bits * co.e_tx_segment_j
            * digital_scale(tech, co) * baud)


def serializer_stages(baud: float, co: EnergyCoefficients) -> float:
    """Depth of the TX serializer's 2:1 mux tree: ``log2(f_baud / f_par)`` (at least 1).

    A binary mux tree from the parallel clock ``f_par`` (``parallel_clock_hz``) to the symbol rate
    has ``log2(f_baud / f_par)`` stages; stage ``k`` has ``2^k`` muxes toggling at ``f_baud / 2^k``,
    so every stage switches about the same energy per output symbol and the tree's energy per
    symbol grows with its depth (e.g. B. Razavi, *Design of Integrated Circuits for Optical
    Communications*, 2nd ed., ch. on multiplexers: tree-type MUX).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.
    co : EnergyCoefficients
        Energy coefficients (``parallel_clock_hz``).

    Returns
    -------
    float
        Number of stages (continuous, ≥ 1).
    """
    return max(1.0, math.log2(baud / co.parallel_clock_hz))


def serializer_speed_factor(baud: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Mean self-loading factor of the stages of the TX mux tree, each at its own output rate.

    Stage ``k`` of the binary tree (``k = 0`` the last, full-rate stage) delivers one output
    symbol every ``2^k`` UI, so it must settle in ``2^k / f_baud`` and is upsized against its own
    capacitance by the self-loading factor ``m / (m - t_FO4 f_baud / 2^k)`` (the law of
    :func:`self_loading` with the gate delay ``t_FO4`` of rule (2) of
    :mod:`sikernel.power.technology` in place of ``1/f_T``; ``m`` the peaking ratio
    ``bw_extension``).  Only the last one or two stages of a tree run near the gate-delay limit; the
    slower stages are close to their ``C V²`` floor -- the reason a quarter-rate design closes its
    final 4:1 mux at a symbol rate where a full-rate tree would not (B. Razavi, *Design of
    Integrated Circuits for Optical Communications*, 2nd ed., ch. on multiplexers: tree-type MUX,
    only the last stage at full rate; Z. Wang et al., IEEE JSSC 57(1), 2022, a 200 Gb/s 28 nm TX
    with a 4:1 final mux).  The factor is the mean over the ``S = serializer_stages`` stages
    (the fractional last stage weighted by its fraction), so the tree's energy is
    ``S · E_ser · s_E · f_baud · factor``.  ``inf`` when ``t_FO4 f_baud ≥ m``.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.
    tech : Technology
        Process node (``delay_scale``).
    co : EnergyCoefficients
        Energy coefficients (``parallel_clock_hz``, ``t_fo4_s``, ``bw_extension``).

    Returns
    -------
    float
        Mean factor over the stages (≥ 1), ``inf`` when the last stage cannot reach the rate.
    """
    m = co.bw_extension
    n_st = serializer_stages(baud, co)
    t_f = co.t_fo4_s * tech.delay_scale * baud
    total = 0.0
    k = 0
    left = n_st
    while left > 1e-12:
        w = min(1.0, left)
        room = m - t_f / 2.0**k
        if room <= 0:
            return math.inf
        total += w * m / room
        left -= w
        k += 1
    return total / n_st


def tx_serializer_w(n_streams: ArrayLike, baud: float, tech: Technology,
                    co: EnergyCoefficients) -> np.ndarray:
    """TX serializer, pre-driver and TX clock buffers: ``n_streams`` full-rate bit streams, each
    through a mux tree of ``serializer_stages`` stages switching ``E_ser`` per stage per symbol
    (digital ``C V²`` scaling), each stage sized for its own output rate against the node's
    gate delay (:func:`serializer_speed_factor`):

        P = n_streams · S · E_ser · s_E(node) · f_baud · (1/S) Σ_k m / (m - t_FO4(node) f_baud / 2^k)

    The last mux stage and the pre-driver must settle within one UI, the stage before in two, and
    so on; as the UI shrinks towards the gate delay ``t_FO4`` (rule (2) of
    :mod:`sikernel.power.technology`) the fast stages are upsized against their own capacitance
    -- the same self-loading law as an AFE stage (:func:`self_loading`) with ``t_FO4`` in place of
    ``1/f_T`` -- and inductive peaking (ratio ``m``, ``bw_extension``) buys the same headroom.
    A PAM-L TX with an ``n``-tap analog FFE drives ``n log2 L`` full-rate streams (each tap's
    segment group has its own retimed copy of the symbol bits); a DAC TX one stream per DAC bit.

    Parameters
    ----------
    n_streams : array_like
        Full-rate bit streams serialized.
    baud : float
        Symbol rate in Bd.
    tech : Technology
        Process node (``energy_scale``, ``delay_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_tx_ser_j``, ``parallel_clock_hz``, ``t_fo4_s``, ``bw_extension``).

    Returns
    -------
    numpy.ndarray
        Power in W (``inf`` when the serializer cannot reach the rate).
    """
    sl = serializer_speed_factor(baud, tech, co)
    return (np.asarray(n_streams, dtype=float) * serializer_stages(baud, co) * co.e_tx_ser_j
            * digital_scale(tech, co) * baud * sl)


def tx_dac_dsp_w(n_taps: ArrayLike, levels: int, baud: float, tech: Technology,
                 co: EnergyCoefficients) -> np.ndarray:
    """DAC transmitter's digital FIR and DAC segments: per symbol ``n_taps`` multiply-accumulates
    of a ``log2 L``-bit symbol by a ``tx_dac_bits``-bit coefficient (array multiplier,
    Weste & Harris §11.9, as :func:`dsp_ffe_w`), plus ``tx_dac_bits`` DAC segment retimers of
    ``E_seg`` each.

    Parameters
    ----------
    n_taps : array_like
        FIR taps (the TX FFE taps the SI chain chose).
    levels : int
        PAM levels ``L``.
    baud : float
        Symbol rate in Bd.
    tech : Technology
        Process node (``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_fa_j``, ``tx_dac_bits``, ``e_tx_segment_j``).

    Returns
    -------
    numpy.ndarray
        Power in W.
    """
    n = np.asarray(n_taps, dtype=float)
    w_s = math.log2(levels)
    w_acc = co.tx_dac_bits + w_s + np.log2(np.maximum(n, 1.0))
    fir = n * (w_s * co.tx_dac_bits + w_acc) * co.e_fa_j
    seg = co.tx_dac_bits * co.e_tx_segment_j
    return (fir + seg) * digital_scale(tech, co) * baud


def f_t_of(tech: Technology, co: EnergyCoefficients) -> float:
    """Transit frequency used for ``tech``: the node preset's ``f_t_hz`` times ``co.f_t_scale``.

    Parameters
    ----------
    tech : Technology
        Process node (``f_t_hz``).
    co : EnergyCoefficients
        Energy coefficients (``f_t_scale``).

    Returns
    -------
    float
        f_T in Hz.
    """
    return tech.f_t_hz * co.f_t_scale


def self_loading(gain_bandwidth_hz: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Self-loading factor ``m / (m - G f_bw / f_T)`` of a stage of gain-bandwidth ``G f_bw``
    built with inductive peaking of bandwidth-extension ratio ``m`` (``inf`` when not realisable).

    A stage of transconductance ``g_m`` driving its load ``C_L`` plus its own device
    capacitance ``C_self = g_m / (2π f_T)`` (``f_T = g_m / (2π C_gg)``) reaches the
    bandwidth ``f_bw`` at gain ``G`` when ``g_m = 2π f_bw G (C_L + C_self) / m``, where
    ``m`` is the bandwidth extension of its peaking network (1 for a plain RC load; 1.72 for
    maximally flat shunt peaking and up to 2.83 for a bridged T-coil: T. H. Lee, *The Design of
    CMOS Radio-Frequency Integrated Circuits*, 2nd ed., §9.2 (shunt peaking, Table 9.1) and
    §9.4 (bridged T-coil); S. Galal and B. Razavi, IEEE JSSC 39(12), 2004; S. Shekhar et al.,
    "Bandwidth extension techniques for CMOS amplifiers", IEEE JSSC 41(11), 2006).  Solving,

        g_m = (2π f_bw G C_L / m) · m / (m - G f_bw / f_T),

    i.e. the RC-limited cost ``2π f_bw G C_L / m`` times this factor, which rises steeply as
    ``G f_bw`` nears ``m f_T`` (Razavi, *Design of Analog CMOS Integrated Circuits*, 2nd ed.,
    ch. 6, gain-bandwidth of a loaded stage).

    Parameters
    ----------
    gain_bandwidth_hz : float
        ``G · f_bw`` of the stage in Hz.
    tech : Technology
        Process node (``f_t_hz``).
    co : EnergyCoefficients
        Energy coefficients (``bw_extension``, ``f_t_scale``).

    Returns
    -------
    float
        The factor (≥ 1), ``inf`` when ``G f_bw ≥ m f_T``.
    """
    m = co.bw_extension
    room = m - gain_bandwidth_hz / f_t_of(tech, co)
    return m / room if room > 0 else math.inf


def afe_gm_per_c(baud: float, co: EnergyCoefficients, gain: float = 1.0,
                 tech: Technology | None = None) -> float:
    """Transconductance per farad of external load, ``g_m / C_L``, of one AFE stage of voltage
    gain ``gain`` at the bandwidth ``f_bw = afe_bandwidth_per_baud · baud``.

    With inductive peaking of ratio ``m`` and self-loading (:func:`self_loading`):

        g_m / C_L = 2π f_bw · gain / (m - gain · f_bw / f_T).

    The cost per stage thus rises steeply as ``gain · f_bw`` nears ``m f_T``: what makes
    a 224G front end dearer per bit than a 112G one in the same node.  Returns ``inf`` when
    not realisable.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (symbols/s).
    co : EnergyCoefficients
        Energy coefficients (``afe_bandwidth_per_baud``, ``bw_extension``, ``f_t_scale``).
    gain : float, optional
        Voltage gain of the stage (linear, V/V); 1 for a unity-gain cell.
    tech : Technology, optional
        Process node (its ``f_t_hz``); default the 7 nm preset.

    Returns
    -------
    float
        ``g_m / C_L`` in S/F (1/s); ``inf`` when not realisable.
    """
    if tech is None:
        tech = NODES[REFERENCE_NODE_NM]
    f_bw = co.afe_bandwidth_per_baud * baud
    return 2.0 * math.pi * f_bw * gain / co.bw_extension * self_loading(gain * f_bw, tech, co)


def afe_stage_w(n_stages: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients,
                gain: float = 1.0) -> np.ndarray:
    """RX analog front end (CTLE, VGA, summer): ``n_stages`` differential stages of gain ``gain``.

    Each stage must reach its gain at ``f_bw`` into its load ``C_L`` with its own
    self-loading and peaking (:func:`afe_gm_per_c`; unity-gain cells for the CTLE, summer and
    input stage, ``gain_stage_db`` cells for the VGA); a square-law pair at overdrive ``V_ov``
    needs a tail current ``I = g_m V_ov`` (``g_m = 2 I_D / V_ov``, ``I_D = I/2``; Razavi,
    *Design of Analog CMOS ICs*, ch. 2, square-law transconductance), so

        P_stage = V_dd,a · g_m V_ov,   g_m = C_L · afe_gm_per_c(gain).

    Parameters
    ----------
    n_stages : array_like
        Number of AFE stages.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (``vdd_analog_v``, ``f_t_hz``).
    co : EnergyCoefficients
        Energy coefficients (``c_afe_f``, ``v_ov_v``, ``afe_bandwidth_per_baud``,
        ``bw_extension``, ``f_t_scale``).
    gain : float, optional
        Voltage gain per stage (linear, V/V).

    Returns
    -------
    numpy.ndarray
        AFE power in W (``inf`` for stages whose gain-bandwidth reaches ``m f_T``).
    """
    c_l = co.c_afe_f
    gm = c_l * afe_gm_per_c(baud, co, gain, tech)
    return np.asarray(n_stages, dtype=float) * tech.vdd_analog_v * gm * co.v_ov_v


def ctle_stages(peaking_db: ArrayLike, co: EnergyCoefficients) -> np.ndarray:
    """Number of CTLE stages needed for ``peaking_db`` of peaking (at least one).

    Parameters
    ----------
    peaking_db : array_like
        CTLE peaking in dB (negative values count as 0).
    co : EnergyCoefficients
        Energy coefficients (``ctle_peaking_per_stage_db``).

    Returns
    -------
    numpy.ndarray
        Number of stages (float array of whole numbers, at least 1).
    """
    p = np.maximum(np.asarray(peaking_db, dtype=float), 0.0)
    return np.maximum(1.0, np.ceil(p / co.ctle_peaking_per_stage_db - 1e-9))


def adc_fom_j(baud: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Walden figure of merit of a time-interleaved ADC at ``f_s = baud`` in ``tech``:

        FOM_W(f_s) = FOM_W,ref · s_E(node) · (1 + f_s / f_c(node)) / (1 + f_ref / f_c,7nm),
        f_c(node) = f_c,7nm · f_T(node) / f_T(7 nm),   f_ref = ADC_REF_RATE_HZ (56 GS/s)

    ``FOM_W,ref`` is the FOM of a 56 GS/s TI-ADC at 7 nm.  The energy per conversion step is
    that of the sub-ADCs, their logic and the interleaver (``C V²``: digital scaling ``s_E``);
    above a corner ``f_c`` the front-end track-and-hold, its input buffer and the clock (jitter)
    would have to be driven ever harder and the FOM would rise in proportion to ``f_s`` (the
    high-speed envelope of B. Murmann, "ADC Performance Survey 1997-2025").  The corner moves with
    the device speed (f_T).  Both constants are a median (least-absolute-deviation) fit of this
    law to the survey's wireline-class ADCs (10-72 GS/s, 5-8 bit class, 28-4 nm):
    :mod:`sikernel.power.adc_survey`, ``python -m sikernel.power.adc_survey``.  That fit finds
    ``s_E`` consistent with the data and no rise with ``f_s`` within them: the corner sits at the
    top of the fit's search grid (``adc_corner_hz`` = 1e14 Hz), i.e. a typical wireline ADC
    designed for its rate has the same FOM_W from 10 to 72 GS/s at a given node (and the
    100-200 GS/s converters whose published power includes their AFE are not above it).

    Parameters
    ----------
    baud : float
        Sample rate in S/s (one sample per UI).
    tech : Technology
        Process node (``energy_scale``, ``f_t_hz``).
    co : EnergyCoefficients
        Energy coefficients (``walden_fom_j``, ``adc_corner_hz``, ``f_t_scale``).

    Returns
    -------
    float
        FOM_W in J per conversion step.
    """
    f_c = co.adc_corner_hz * tech.f_t_hz / NODES[REFERENCE_NODE_NM].f_t_hz
    norm = 1.0 + ADC_REF_RATE_HZ / co.adc_corner_hz
    return co.walden_fom_j * tech.energy_scale * (1.0 + baud / f_c) / norm


def adc_w(enob: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """ADC at one sample per UI, Walden figure of merit:
    ``P = FOM_W(f_s, node) · 2^ENOB · f_s`` (Walden, IEEE JSAC 17(4), 1999; the rate and node
    dependence of FOM_W: :func:`adc_fom_j`).

    Parameters
    ----------
    enob : array_like
        Effective number of bits.
    baud : float
        Symbol rate in Bd (= sample rate in samples/s).
    tech : Technology
        Process node.
    co : EnergyCoefficients
        Energy coefficients (``walden_fom_j``, ``adc_corner_hz``).

    Returns
    -------
    numpy.ndarray
        ADC power in W.
    """
    return adc_fom_j(baud, tech, co) * np.exp2(np.asarray(enob, dtype=float)) * baud


def _adc_word_bits(enob: ArrayLike) -> np.ndarray:
    """ADC output word width: ENOB rounded up plus one bit of headroom."""
    return np.ceil(np.asarray(enob, dtype=float) - 1e-9) + 1.0


def dsp_ffe_w(n_taps: ArrayLike, enob: ArrayLike, baud: float, tech: Technology,
              co: EnergyCoefficients) -> np.ndarray:
    """RX FFE in DSP: per symbol ``n_taps`` multiply-accumulates.

    An array multiplier of ``w_d × w_c`` bits has ``w_d·w_c`` full-adder cells
    and the accumulator ``w_d + w_c + log2(n)`` (Weste & Harris, *CMOS VLSI
    Design*, §11.9), so ``E_MAC = E_FA (w_d w_c + w_acc)``.

    Parameters
    ----------
    n_taps : array_like
        Number of RX FFE taps.
    enob : array_like
        ADC effective number of bits (sets the data word width ``w_d = ceil(ENOB) + 1``).
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_fa_j``, ``coef_bits``).

    Returns
    -------
    numpy.ndarray
        DSP FFE power in W.
    """
    n = np.asarray(n_taps, dtype=float)
    w_d = _adc_word_bits(enob)
    w_acc = w_d + co.coef_bits + np.log2(np.maximum(n, 1.0))
    e_mac = co.e_fa_j * digital_scale(tech, co) * (w_d * co.coef_bits + w_acc)
    return n * e_mac * baud


def dsp_dfe_w(n_taps: ArrayLike, levels: int, enob: ArrayLike, baud: float, tech: Technology,
              co: EnergyCoefficients) -> np.ndarray:
    """DFE in DSP, fully loop-unrolled (speculative): ``L^n`` branches each subtract
    the ISI estimate and slice against ``L-1`` thresholds (``w_acc``-bit adds and
    compares), then one ``L^n``-to-1 selection.

    Parameters
    ----------
    n_taps : array_like
        Number of DFE taps (0: no DFE, zero power).
    levels : int
        Number of PAM levels ``L``.
    enob : array_like
        ADC effective number of bits (sets the word width).
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_fa_j``, ``coef_bits``).

    Returns
    -------
    numpy.ndarray
        DSP DFE power in W.
    """
    n = np.asarray(n_taps, dtype=float)
    w = _adc_word_bits(enob) + co.coef_bits
    branches = np.where(n > 0, float(levels) ** n, 0.0)
    return branches * levels * w * co.e_fa_j * digital_scale(tech, co) * baud


def mlsd_w(use: ArrayLike, levels: int, enob: ArrayLike, baud: float, tech: Technology,
           co: EnergyCoefficients) -> np.ndarray:
    """Viterbi MLSD on a one-symbol-memory partial-response target (``L`` states).

    Per symbol: ``L²`` branch metrics (a subtract and a square, ``w + w²/2``
    full-adder cells), ``L`` add-compare-selects over ``L`` inputs
    (``2L-1`` ``w``-bit operations) and the survivor memory (``L·D``
    register bits).  Forney, Proc. IEEE 61(3), 1973, for the algorithm.

    Parameters
    ----------
    use : array_like
        1 where MLSD is used, 0 where not (scales the power).
    levels : int
        Number of PAM levels ``L`` (trellis states).
    enob : array_like
        ADC effective number of bits (sets the word width).
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_fa_j``, ``traceback_bits``).

    Returns
    -------
    numpy.ndarray
        MLSD power in W.
    """
    u = np.asarray(use, dtype=float)
    w = _adc_word_bits(enob) + 2.0
    bm = levels**2 * (w + w * w / 2.0)
    acs = levels * (2 * levels - 1) * w
    tb = levels * co.traceback_bits
    return u * (bm + acs + tb) * co.e_fa_j * digital_scale(tech, co) * baud


def dsp_adaptation_w(datapath_w: ArrayLike, co: EnergyCoefficients) -> np.ndarray:
    """LMS adaptation, digital CDR and control of a DSP receiver: a share of its datapath,
    ``P = dsp_adapt_overhead · P_datapath`` (assumption, ``dsp_adapt_overhead``; docs: a decimated
    LMS update of every tap at 1/16 of the symbol rate would cost ≈ 2 % of the datapath).

    Parameters
    ----------
    datapath_w : array_like
        RX FFE + DFE + MLSD power in W (:func:`dsp_ffe_w`, :func:`dsp_dfe_w`, :func:`mlsd_w`).
    co : EnergyCoefficients
        Energy coefficients (``dsp_adapt_overhead``).

    Returns
    -------
    numpy.ndarray
        Power in W.
    """
    return co.dsp_adapt_overhead * np.asarray(datapath_w, dtype=float)


def slicers_w(n_slicers: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """Analog slicers (comparators) deciding once per symbol each.

    Parameters
    ----------
    n_slicers : array_like
        Number of slicers.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_slicer_j``, J per decision).

    Returns
    -------
    numpy.ndarray
        Slicer power in W.
    """
    return np.asarray(n_slicers, dtype=float) * co.e_slicer_j * digital_scale(tech, co) * baud


def dfe_loop_stages(levels: int) -> int:
    """Gate stages in the critical loop of a loop-unrolled (speculative) analog DFE.

    With the first tap unrolled, the ``L - 1`` slicers of each of the ``L`` speculative
    branches decide in parallel, and the previous symbol selects the right branch through an
    ``L:1`` multiplexer; that selection must be resolved before the next decision is taken, so
    the loop ``slicer clock-to-Q + selection mux`` must settle within one UI (J. F. Bulzacchelli,
    "Equalization for electrical links: current design techniques and future directions", IEEE
    Solid-State Circuits Magazine 7(4), Fall 2015: "the H1 feedback loop ... must be lower than
    1 UI"; with H1 speculated "the H2 feedback loop becomes the critical timing path, whose delay
    must be lower than 2 UI"; K. K. Parhi, IEEE TVLSI 13(4), 2005, for the multiplexer loop that
    unrolling deeper does not shorten).  The ``L:1`` mux as a tree of 2:1 stages (as in the TX
    serializer of :func:`serializer_speed_factor`) has ``log2 L`` stages: ``1 + log2 L`` gate
    stages in one UI (2 for NRZ, 3 for PAM4).

    Parameters
    ----------
    levels : int
        Number of PAM levels ``L``.

    Returns
    -------
    int
        Gate stages in the one-UI loop.
    """
    return 1 + math.ceil(math.log2(levels))


def dfe_timing_factor(levels: int, baud: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Self-loading factor of the one-UI selection loop of a loop-unrolled analog DFE.

    The ``n = dfe_loop_stages(L)`` gate stages of the loop share one UI, so each must settle in
    ``1/(n f_baud)``; sized against its own capacitance with the law of the TX serializer
    (:func:`serializer_speed_factor`: gate delay ``t_FO4`` of rule (2) of
    :mod:`sikernel.power.technology`, peaking ratio ``m = bw_extension``) each costs
    ``m / (m - n t_FO4 f_baud)`` times its ``C V²`` floor; the loop cannot close at all when
    ``n t_FO4 f_baud ≥ m`` (``inf``).  No new constant: the same ``t_FO4``, node delay rule and
    ``m`` that price the serializer's last mux stage, which has the whole UI for one stage.
    Examples (``t_FO4`` 6 ps at 7 nm, ``m = 2``): PAM4 at 53 GBd in 5 nm 1.7×, at 106 GBd in
    3 nm 3.3×, in 5 nm 5.0×, in 7 nm 23×; at 112 GBd in 12 nm the loop does not close.

    Parameters
    ----------
    levels : int
        Number of PAM levels ``L``.
    baud : float
        Symbol rate in Bd.
    tech : Technology
        Process node (``delay_scale``).
    co : EnergyCoefficients
        Energy coefficients (``t_fo4_s``, ``bw_extension``).

    Returns
    -------
    float
        Factor ≥ 1, ``inf`` when the loop cannot settle within one UI.
    """
    m = co.bw_extension
    room = m - dfe_loop_stages(levels) * co.t_fo4_s * tech.delay_scale * baud
    return math.inf if room <= 0 else m / room


def dfe_tap_timing_factor(k: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """Self-loading factor of the direct feedback path of DFE tap ``k ≥ 2`` (slicer clock-to-Q
    + tap current switch settling on the summing node: two gate stages), which has ``k`` UI
    (Bulzacchelli 2015, as :func:`dfe_loop_stages`): ``m / (m - 2 t_FO4 f_baud / k)``, ``inf``
    when it cannot settle.

    Parameters
    ----------
    k : array_like
        Tap index (≥ 2).
    baud : float
        Symbol rate in Bd.
    tech : Technology
        Process node (``delay_scale``).
    co : EnergyCoefficients
        Energy coefficients (``t_fo4_s``, ``bw_extension``).

    Returns
    -------
    numpy.ndarray
        Factor per tap.
    """
    m = co.bw_extension
    room = m - 2.0 * co.t_fo4_s * tech.delay_scale * baud / np.asarray(k, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(room > 0, m / np.where(room > 0, room, 1.0), np.inf)


def analog_dfe_w(n_taps: ArrayLike, levels: int, baud: float, tech: Technology,
                 co: EnergyCoefficients) -> np.ndarray:
    """Analog DFE: first tap loop-unrolled (``L·(L-1)`` speculative slicers instead of
    ``L-1``), the rest as current-DAC feedback taps on the summing node, each sized for its
    feedback timing: the speculative slicers and selection mux by the one-UI loop factor
    (:func:`dfe_timing_factor`), tap ``k`` by its ``k``-UI factor (:func:`dfe_tap_timing_factor`):

        P = [(L(L-1)·F_1 - (L-1)) E_slicer + Σ_{k=2..n} F_k E_tap] s_E f_baud

    (the ``L-1`` data slicers at their floor are priced by :func:`slicers_w`); ``inf`` when the
    loop cannot settle within one UI.

    Parameters
    ----------
    n_taps : array_like
        Number of DFE taps (0: no DFE, zero power).
    levels : int
        Number of PAM levels ``L``.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_slicer_j``, ``e_dfe_tap_j``).

    Returns
    -------
    numpy.ndarray
        Analog DFE power in W.
    """
    n = np.asarray(n_taps, dtype=float)
    loop = dfe_timing_factor(levels, baud, tech, co)
    # the L(L-1) speculative slicers (L-1 of them the receiver's data slicers, priced at their
    # floor in slicers_w) and the selection mux sit in the one-UI loop: upsized by ``loop``
    spec = np.where(n > 0, levels * (levels - 1) * loop - (levels - 1), 0.0)
    k_max = int(np.max(n, initial=0.0))
    taps = np.zeros(n.shape)
    if k_max >= 2:
        f_k = dfe_tap_timing_factor(np.arange(2, k_max + 1), baud, tech, co)
        cum = np.concatenate([[0.0, 0.0], np.cumsum(f_k)])  # cum[j] = Σ_{k=2..j} factor_k
        taps = cum[np.clip(n, 0, k_max).astype(int)]
    with np.errstate(invalid="ignore"):
        return (spec * co.e_slicer_j + taps * co.e_dfe_tap_j) * digital_scale(tech, co) * baud


def pll_w(baud: float, co: EnergyCoefficients, lanes: float | None = None) -> float:
    """PLL power for an rms jitter of ``rj_ui`` UI from the jitter-power figure of merit
    ``FOM = 10 log10((σ_j/1 s)² · P/1 mW)`` (Gao et al., JSSC 2009), shared by
    ``lanes`` lanes (default ``lanes_per_pll``): ``P = 1 mW · 10^(FOM/10) / σ_j² / lanes``.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (symbols/s); sets the UI of ``rj_ui``.
    co : EnergyCoefficients
        Energy coefficients (``rj_ui``, ``pll_fom_db``, ``lanes_per_pll``).
    lanes : float, optional
        Lanes sharing the PLL; default ``co.lanes_per_pll``.

    Returns
    -------
    float
        PLL power per lane in W.
    """
    sigma_s = co.rj_ui / baud
    n = co.lanes_per_pll if lanes is None else lanes
    return 1e-3 * 10.0 ** (co.pll_fom_db / 10.0) / sigma_s**2 / n


def cdr_w(baud: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Per-lane clock recovery of a CDR-based receiver: phase interpolator / phase rotator and the
    CDR loop logic, ``E_cdr`` per symbol (``P = E_cdr · f_baud``, digital scaling).

    A forwarded-clock (source-synchronous) link has no CDR loop: a deskew phase rotator set
    at start-up and one clock lane shared by many data lanes (Dickson et al., IEEE JSSC
    50(8), 2015); its deskew rotator is counted in the fixed overhead like every lane's
    clock distribution.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_cdr_j_per_symbol``).

    Returns
    -------
    float
        CDR power per lane in W.
    """
    return co.e_cdr_j_per_symbol * digital_scale(tech, co) * baud


def fixed_w(bit_rate: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Serializer/deserializer, clock distribution, bias: ``E_fixed · bit rate``.

    Parameters
    ----------
    bit_rate : float
        Bit rate in bit/s.
    tech : Technology
        Process node (digital scale, :func:`digital_scale`).
    co : EnergyCoefficients
        Energy coefficients (``e_fixed_j_per_bit``).

    Returns
    -------
    float
        Fixed overhead power per lane in W.
    """
    return co.e_fixed_j_per_bit * digital_scale(tech, co) * bit_rate


__all__ = [
    "ADC_REF_RATE_HZ",
    "adc_fom_j",
    "adc_w",
    "afe_gm_per_c",
    "afe_stage_w",
    "analog_dfe_w",
    "cdr_w",
    "ctle_stages",
    "dfe_loop_stages",
    "dfe_tap_timing_factor",
    "dfe_timing_factor",
    "digital_scale",
    "dsp_adaptation_w",
    "dsp_dfe_w",
    "dsp_ffe_w",
    "f_t_of",
    "fixed_w",
    "mlsd_w",
    "pll_w",
    "self_loading",
    "serializer_speed_factor",
    "serializer_stages",
    "slicers_w",
    "tx_dac_dsp_w",
    "tx_driver_w",
    "tx_ffe_w",
    "tx_serializer_w",
]
