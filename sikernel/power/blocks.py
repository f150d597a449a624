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
from .technology import Technology


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
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``tx_ffe_bits``, ``e_tx_segment_j``).

    Returns
    -------
    numpy.ndarray
        TX FFE power in W.
    """
    return (np.asarray(n_taps, dtype=float) * co.tx_ffe_bits * co.e_tx_segment_j
            * tech.energy_scale * baud)


def afe_gm_per_c(baud: float, co: EnergyCoefficients, gain: float = 1.0) -> float:
    """Transconductance per farad of external load, ``g_m / C_L``, of one AFE stage of voltage
    gain ``gain`` at the bandwidth ``f_bw = afe_bandwidth_per_baud · baud``.

    Gain-bandwidth: ``g_m = 2π f_bw · gain · (C_L + C_self)``, and the stage's own device
    capacitance grows with its size, ``C_self = g_m / (2π f_T)`` (f_T = g_m/(2π C_gg));
    solving (self-loading, e.g. Razavi, *Design of Analog CMOS ICs*, 2nd ed., §6 on the
    gain-bandwidth of a loaded stage; Sackinger, *Analysis and Design of Transimpedance
    Amplifiers*, on f_T-limited gain stages):

        g_m / C_L = 2π f_bw · gain / (1 - gain · f_bw / f_T).

    The cost per stage thus rises steeply as ``gain · f_bw`` nears ``f_T``: what makes
    a 112G front end dearer per bit than a 12G one in an older node.  Returns ``inf`` when
    ``gain · f_bw ≥ f_T`` (not realisable).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (symbols/s).
    co : EnergyCoefficients
        Energy coefficients (``afe_bandwidth_per_baud``, ``f_t_hz``).
    gain : float, optional
        Voltage gain of the stage (linear, V/V); 1 for a unity-gain cell.

    Returns
    -------
    float
        ``g_m / C_L`` in S/F (1/s); ``inf`` when not realisable.
    """
    f_bw = co.afe_bandwidth_per_baud * baud
    room = 1.0 - gain * f_bw / co.f_t_hz
    return 2.0 * math.pi * f_bw * gain / room if room > 0 else math.inf


def afe_stage_w(n_stages: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients,
                gain: float = 1.0) -> np.ndarray:
    """RX analog front end (CTLE, VGA, summer): ``n_stages`` differential stages of gain ``gain``.

    Each stage must reach its gain at ``f_bw`` into its load ``C_L`` with its own
    self-loading (:func:`afe_gm_per_c`; unity-gain cells for the CTLE, summer and input
    stage, ``gain_stage_db`` cells for the VGA); a square-law pair at overdrive ``V_ov``
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
        Process node (``vdd_analog_v``).
    co : EnergyCoefficients
        Energy coefficients (``c_afe_f``, ``v_ov_v``, ``afe_bandwidth_per_baud``, ``f_t_hz``).
    gain : float, optional
        Voltage gain per stage (linear, V/V).

    Returns
    -------
    numpy.ndarray
        AFE power in W (``inf`` for stages whose gain-bandwidth reaches ``f_T``).
    """
    c_l = co.c_afe_f
    gm = c_l * afe_gm_per_c(baud, co, gain)
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


def adc_w(enob: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """ADC at one sample per UI, Walden figure of merit:
    ``P = FOM_W · 2^ENOB · f_s`` (Walden, IEEE JSAC 17(4), 1999).

    Parameters
    ----------
    enob : array_like
        Effective number of bits.
    baud : float
        Symbol rate in Bd (= sample rate in samples/s).
    tech : Technology
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``walden_fom_j``, J per conversion step).

    Returns
    -------
    numpy.ndarray
        ADC power in W.
    """
    return co.walden_fom_j * tech.energy_scale * np.exp2(np.asarray(enob, dtype=float)) * baud


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
        Process node (digital ``energy_scale``).
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
    e_mac = co.e_fa_j * tech.energy_scale * (w_d * co.coef_bits + w_acc)
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
        Process node (digital ``energy_scale``).
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
    return branches * levels * w * co.e_fa_j * tech.energy_scale * baud


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
        Process node (digital ``energy_scale``).
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
    return u * (bm + acs + tb) * co.e_fa_j * tech.energy_scale * baud


def slicers_w(n_slicers: ArrayLike, baud: float, tech: Technology, co: EnergyCoefficients) -> np.ndarray:
    """Analog slicers (comparators) deciding once per symbol each.

    Parameters
    ----------
    n_slicers : array_like
        Number of slicers.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_slicer_j``, J per decision).

    Returns
    -------
    numpy.ndarray
        Slicer power in W.
    """
    return np.asarray(n_slicers, dtype=float) * co.e_slicer_j * tech.energy_scale * baud


def analog_dfe_w(n_taps: ArrayLike, levels: int, baud: float, tech: Technology,
                 co: EnergyCoefficients) -> np.ndarray:
    """Analog DFE: first tap loop-unrolled (``L·(L-1)`` speculative slicers instead of
    ``L-1``), the rest as current-DAC feedback taps on the summing node.

    Parameters
    ----------
    n_taps : array_like
        Number of DFE taps (0: no DFE, zero power).
    levels : int
        Number of PAM levels ``L``.
    baud : float
        Symbol rate in Bd (symbols/s).
    tech : Technology
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_slicer_j``, ``e_dfe_tap_j``).

    Returns
    -------
    numpy.ndarray
        Analog DFE power in W.
    """
    n = np.asarray(n_taps, dtype=float)
    extra_slicers = np.where(n > 0, (levels - 1) * (levels - 1), 0.0)
    fb = np.maximum(n - 1.0, 0.0)
    return (extra_slicers * co.e_slicer_j + fb * co.e_dfe_tap_j) * tech.energy_scale * baud


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
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_cdr_j_per_symbol``).

    Returns
    -------
    float
        CDR power per lane in W.
    """
    return co.e_cdr_j_per_symbol * tech.energy_scale * baud


def fixed_w(bit_rate: float, tech: Technology, co: EnergyCoefficients) -> float:
    """Serializer/deserializer, clock distribution, bias: ``E_fixed · bit rate``.

    Parameters
    ----------
    bit_rate : float
        Bit rate in bit/s.
    tech : Technology
        Process node (digital ``energy_scale``).
    co : EnergyCoefficients
        Energy coefficients (``e_fixed_j_per_bit``).

    Returns
    -------
    float
        Fixed overhead power per lane in W.
    """
    return co.e_fixed_j_per_bit * tech.energy_scale * bit_rate


__all__ = [
    "adc_w",
    "afe_gm_per_c",
    "afe_stage_w",
    "analog_dfe_w",
    "cdr_w",
    "ctle_stages",
    "dsp_dfe_w",
    "dsp_ffe_w",
    "fixed_w",
    "mlsd_w",
    "pll_w",
    "slicers_w",
    "tx_driver_w",
    "tx_ffe_w",
]
