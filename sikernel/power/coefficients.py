"""Coefficients of the bottom-up SerDes energy model, each with its value, unit and source.

Digital coefficients are quoted at the 7 nm reference node and scaled to other
nodes by :attr:`sikernel.power.technology.Technology.energy_scale` (rule (1) of
:mod:`sikernel.power.technology`); the AFE load capacitance is not node-scaled (its
device part enters through f_T self-loading, :func:`sikernel.power.blocks.afe_gm_per_c`).

Seven coefficients are *fitted* (bounded, robust least squares) on the published designs of
``shared/reference/links-and-energy.md`` (see :mod:`sikernel.power.calibration`);
each has a documented physical range that the fit must respect.  Every other
coefficient is either a physical constant, a standard value (IEEE 802.3 COM)
or an explicit assumption.  ``docs/energy-model.md`` tabulates all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from ..errors import SIKernelError


@dataclass(frozen=True)
class Coefficient:
    """Documentation record of one coefficient.

    Attributes
    ----------
    name : str
        Field name in :class:`EnergyCoefficients`.
    unit : str
        Unit of the value (SI; "1" for dimensionless).
    source : str
        Where the value comes from: "fitted", a standard clause, or "assumption" with its reasoning.
    low, high : float or None
        Documented physical range (bounds of the fit for fitted coefficients).
    fitted : bool
        Whether :func:`sikernel.power.calibration.calibrate` fits it.
    """

    name: str
    unit: str
    source: str
    low: float | None = None
    high: float | None = None
    fitted: bool = False


@dataclass(frozen=True)
class EnergyCoefficients:
    """Values of every model coefficient (SI units, 7 nm reference for digital ones).

    The defaults of the seven fitted coefficients are the result of
    :func:`sikernel.power.calibration.calibrate` on the calibration table
    (rerun by ``tests/test_power_calibration.py``).

    Units and sources of every field: :data:`DOC`.

    Attributes
    ----------
    walden_fom_j : float
        ADC Walden figure of merit at 56 GS/s and 7 nm, J per conversion step (from the ADC
        survey fit, :mod:`sikernel.power.adc_survey`).
    adc_corner_hz : float
        Sample rate above which the ADC FOM rises in proportion, at 7 nm, in Hz (same fit).
    e_fa_j : float
        DSP energy per full-adder-equivalent operation in J (fitted).
    c_afe_f : float
        External load capacitance of one AFE stage in F (fitted).
    e_fixed_j_per_bit : float
        Fixed overhead (SerDes, clock distribution, bias) in J/bit (fitted).
    c_tx_out_f : float
        Capacitance switched on each TX pad in F (fitted).
    node_energy_exponent : float
        Exponent ``γ`` of rule (1) for digital and clocked blocks (fitted;
        :func:`sikernel.power.blocks.digital_scale`).
    r_source_diff_ohm, r_term_diff_ohm : float
        Differential TX source and RX termination resistance in ohm.
    eta_driver : float
        Efficiency of the TX driver rail (1).
    tx_ffe_bits : int
        TX FFE tap resolution in bits.
    e_tx_segment_j : float
        Energy of one TX pre-driver segment per symbol in J.
    e_tx_ser_j : float
        TX serializer + pre-driver + TX clock energy per full-rate stream, per mux stage, per
        symbol in J (fitted).
    t_fo4_s : float
        FO4 gate delay at 7 nm in s (other nodes: ``Technology.delay_scale``).
    parallel_clock_hz : float
        Clock of the parallel data entering the TX serializer, in Hz.
    tx_dac_bits : int
        Resolution of a DAC transmitter in bits.
    v_ov_v : float
        Gate overdrive of the AFE pairs in V.
    ctle_peaking_per_stage_db : float
        Largest peaking of one CTLE stage in dB.
    afe_bandwidth_per_baud : float
        AFE bandwidth over the symbol rate (1).
    f_t_scale : float
        Multiplier on the node preset's transit frequency (1; the study's uncertainty draws it).
    bw_extension : float
        Bandwidth-extension ratio ``m`` of the inductive peaking of AFE and pre-driver stages (1).
    vga_stages : int
        Least number of VGA gain stages.
    e_slicer_j, e_dfe_tap_j : float
        Energy per decision of a slicer, and per symbol of an analog DFE tap, in J.
    coef_bits : int
        DSP FFE coefficient width in bits.
    dsp_adapt_overhead : float
        Adaptation, digital CDR and control as a fraction of the DSP datapath (1).
    traceback_bits : int
        Viterbi survivor-path depth (symbols).
    pll_fom_db : float
        PLL jitter-power figure of merit in dB.
    rj_ui : float
        PLL rms random jitter in UI.
    lanes_per_pll, lanes_per_forwarded_clock : int
        Lanes sharing one PLL, and data lanes sharing one forwarded clock lane.
    e_cdr_j_per_symbol : float
        Per-lane clock recovery energy per symbol in J (fitted).
    rx_share_of_fixed : float
        RX share of the fixed overhead (1).
    noise_excess : float
        Excess noise factor of the receiver over its input pair (1).
    temperature_k : float
        Temperature for kT noise in K.
    slicer_min_half_eye_v : float
        Smallest half eye a slicer resolves, at its input, in V.
    gain_stage_db : float
        Gain of one full-bandwidth AFE gain stage in dB.
    linear_margin_db, design_margin_db : float
        SNR margin kept by an unretimed link, and the design (COM) margin, in dB.
    """

    # -- ADC: median fit on B. Murmann's survey (sikernel.power.adc_survey) --------
    walden_fom_j: float = 5.485e-14
    adc_corner_hz: float = 1.0e14
    # -- fitted (least squares in log space on the calibration table) ------------
    e_fa_j: float = 2.538e-15
    c_afe_f: float = 1.147e-13
    e_fixed_j_per_bit: float = 2.0e-14
    c_tx_out_f: float = 2.2736e-13
    node_energy_exponent: float = 1.262
    # -- TX driver --------------------------------------------------------------
    r_source_diff_ohm: float = 100.0
    r_term_diff_ohm: float = 100.0
    eta_driver: float = 0.7
    # -- TX FFE, DAC, serializer ------------------------------------------------------
    tx_ffe_bits: int = 6
    e_tx_segment_j: float = 2.0e-15
    e_tx_ser_j: float = 5.068e-14
    t_fo4_s: float = 6.0e-12
    parallel_clock_hz: float = 1.0e9
    tx_dac_bits: int = 7
    # -- RX analog front end ---------------------------------------------------
    v_ov_v: float = 0.15
    ctle_peaking_per_stage_db: float = 8.0
    afe_bandwidth_per_baud: float = 1.0
    f_t_scale: float = 1.0
    bw_extension: float = 2.0
    vga_stages: int = 1
    # -- slicers and analog DFE --------------------------------------------------
    e_slicer_j: float = 5.0e-14
    e_dfe_tap_j: float = 5.0e-14
    # -- DSP ------------------------------------------------------------------------
    coef_bits: int = 8
    dsp_adapt_overhead: float = 0.25
    traceback_bits: int = 16
    # -- clocking ---------------------------------------------------------------
    pll_fom_db: float = -238.0
    rj_ui: float = 0.01
    lanes_per_pll: int = 8
    lanes_per_forwarded_clock: int = 16
    e_cdr_j_per_symbol: float = 6.221e-13
    rx_share_of_fixed: float = 1.0
    # -- receiver noise / sensitivity --------------------------------------------
    noise_excess: float = 3.0
    temperature_k: float = 300.0
    slicer_min_half_eye_v: float = 0.005
    gain_stage_db: float = 6.0
    linear_margin_db: float = 3.0
    design_margin_db: float = 3.0

    def with_(self, **changes: float) -> EnergyCoefficients:
        """A copy with some coefficients changed (unknown names raise).

        Parameters
        ----------
        **changes : float
            New values by field name.

        Returns
        -------
        EnergyCoefficients

        Raises
        ------
        SIKernelError
            An unknown coefficient name.
        """
        known = {f.name for f in fields(self)}
        bad = sorted(set(changes) - known)
        if bad:
            raise SIKernelError(f"unknown energy coefficient(s) {bad}; known: {', '.join(sorted(known))}")
        return replace(self, **changes)


#: documentation of every field of :class:`EnergyCoefficients`
#: Highest symbol rate of the designs the coefficients are fitted on and judged against (224 Gb/s
#: PAM-4: Cusmai's DAC TX and Pfaff's transceiver), in Bd: the TX pad must reach its Nyquist frequency.
PAD_MAX_BAUD = 112e9


def tx_pad_capacitance_limit_f(baud: float, bw_extension: float, r_source_diff_ohm: float,
                               r_term_diff_ohm: float) -> float:
    """Largest TX pad capacitance whose pole, extended by the pad's inductive peaking, reaches Nyquist.

    Each leg's pad sees its source and the line's termination in parallel,
    ``R = (R_s/2) ∥ (R_t/2)`` (25 Ω for a matched 100 Ω link); its pole ``1/(2π R C)``, extended by
    the peaking ratio ``m`` (T-coil or shunt peaking: Galal & Razavi, IEEE JSSC 39(12), 2004;
    Lee, *CMOS RF ICs* 2nd ed. Table 9.1), must reach the Nyquist frequency ``f_baud/2``:
    ``C ≤ m / (2π R f_baud/2)``.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.
    bw_extension : float
        Bandwidth-extension ratio ``m`` of the peaking (1).
    r_source_diff_ohm, r_term_diff_ohm : float
        Differential source and termination resistances in Ω.

    Returns
    -------
    float
        Capacitance limit in F.
    """
    r_leg = 1.0 / (2.0 / r_source_diff_ohm + 2.0 / r_term_diff_ohm)
    return bw_extension / (2.0 * math.pi * r_leg * baud / 2.0)


#: Upper bound of the fitted ``c_tx_out_f``: :func:`tx_pad_capacitance_limit_f` at
#: :data:`PAD_MAX_BAUD` with the model's own peaking ratio and terminations (≈ 227 fF).
C_TX_OUT_MAX_F = tx_pad_capacitance_limit_f(PAD_MAX_BAUD, EnergyCoefficients.bw_extension,
                                            EnergyCoefficients.r_source_diff_ohm,
                                            EnergyCoefficients.r_term_diff_ohm)

DOC: dict[str, Coefficient] = {c.name: c for c in (
    Coefficient("walden_fom_j", "J/conversion-step",
                "Walden FOM P/(2^ENOB f_s) (R. H. Walden, IEEE JSAC 17(4), 1999) of a 56 GS/s "
                "TI-ADC at 7 nm (blocks.adc_fom_j): median (least-absolute-deviation) fit of "
                "the law to 15 wireline-class ADCs of B. Murmann, 'ADC Performance Survey "
                "1997-2025' (f_s >= 10 GS/s, 25-45 dB SNDR at Nyquist, 28-4 nm bulk/FinFET, power "
                "of the ADC alone; sikernel/data/adc_survey.csv, python -m "
                "sikernel.power.adc_survey); a typical design, not the survey's envelope; not "
                "fitted on transceivers; range: the fit's spread, x/÷ exp(1.0) (rms ln of the "
                "leave-one-out predictions of the 15 ADCs)", 2e-14, 1.5e-13),
    Coefficient("adc_corner_hz", "Hz",
                "sample rate at 7 nm above which FOM_W rises in proportion to f_s (scaled with "
                "f_T across nodes): the same survey fit puts it at the top of its search grid "
                "(1e14 Hz): typical wireline ADCs of 10-72 GS/s show no rise of FOM_W with f_s "
                "once the node is accounted for (mean |ln| 0.826 at 1e14, 0.832 at 1e12, 0.865 "
                "at 1e11, 0.883 at 5e10, 0.914 at 1e10 Hz), nor do the 100-200 GS/s converters "
                "whose power includes their AFE (law / published 0.82-1.12); range: corners "
                "from 5e10 Hz up raise the LAD cost by at most 7 %", 5e10, 1e14),
    Coefficient("e_fa_j", "J per full-adder-equivalent operation",
                "fitted; DSP energy per full-adder cell incl. its share of registers, "
                "clock tree and wiring at 7 nm (a bare 7 nm full adder is ~0.5 fJ)",
                5e-16, 3e-14, True),
    Coefficient("c_afe_f", "F",
                "fitted; external load capacitance of one AFE stage (wiring, inductor and pad "
                "parasitics, next-stage input), any node; g_m = 2π f_bw G C_L/(1 - G f_bw/f_T) "
                "(blocks.afe_gm_per_c)",
                1e-14, 1e-12, True),
    Coefficient("node_energy_exponent", "1",
                "fitted; exponent γ of rule (1) (s_E = CPP·V_dd², sikernel.power.technology) for the "
                "energy of digital and clocked blocks at a given rate, s_E^γ (blocks.digital_scale; "
                "a stated supply outside the exponent; the ADC keeps s_E, its survey fit). γ = 1: "
                "the rule, in line with Stillmaker & Baas, Integration 58 (2017), Table 6, for "
                "logic 28 -> 7 nm; the foundries' iso-speed logic power claims correspond to "
                "γ ≈ 1.4-1.7 (TSMC N5 vs N7 -30 %: 0.70 = s_E^1.43; N3 vs N5 -25 to -30 %: "
                "0.70-0.75 = s_E^1.4-1.7) and Marvell's 112G SerDes N7 -> N5 (-25 % per bit) to "
                "γ ≈ 1.15; range 0.5-2. The fit is driven by the clocked blocks (serializer, "
                "slicers, clocking) of the 12-32 nm designs: an old-node trend, not a measurement "
                "of DSP logic scaling (docs)",
                0.5, 2.0, True),
    Coefficient("e_fixed_j_per_bit", "J/bit",
                "fitted; RX deserializer, RX clock distribution, bias and control, at 7 nm "
                "(the TX serializer and its clock are e_tx_ser_j)",
                2e-14, 1.5e-12, True),
    Coefficient("e_tx_ser_j", "J per stream per mux stage per symbol",
                "fitted; TX serializer (2:1 mux tree), pre-driver and TX clock buffers per "
                "full-rate bit stream, per mux stage, per symbol at 7 nm, before self-loading "
                "(blocks.tx_serializer_w); range: ~10 to ~500 fF switched per stage at 0.75 V "
                "(a mux with its clock buffer and retimer)",
                5e-15, 3e-13, True),
    Coefficient("parallel_clock_hz", "Hz",
                "assumption: clock of the parallel data entering the TX serializer (~1 GHz: a "
                "32- to 256-bit digital interface at the ASIC core clock); sets the mux-tree "
                "depth log2(f_baud/f_par) (blocks.serializer_stages)", 5e8, 2e9),
    Coefficient("c_tx_out_f", "F",
                "fitted; capacitance on each TX pad switched through the swing rail: output-stage "
                "drains, ESD diodes, pad and bump (T-coil-compensated 112G TX pads carry "
                "~100-300 fF); not node-scaled; upper bound: the pad pole with the model's peaking "
                "ratio must reach Nyquist at 112 GBd (coefficients.tx_pad_capacitance_limit_f, "
                "~227 fF)",
                5e-14, C_TX_OUT_MAX_F, True),
    Coefficient("r_source_diff_ohm", "ohm",
                "SST driver matched to the 100 ohm differential line (802.3 R_d = 50 ohm per leg)"),
    Coefficient("r_term_diff_ohm", "ohm",
                "100 ohm differential termination (802.3 R_0 = 50 ohm per leg)"),
    Coefficient("eta_driver", "1", "assumption: supply/regulator efficiency of the TX driver rail",
                0.3, 0.95),
    Coefficient("tx_ffe_bits", "bit", "assumption: TX FFE tap resolution (802.3ck step 0.02 ~ 6 bit)"),
    Coefficient("e_tx_segment_j", "J",
                "assumption: one pre-driver segment + retiming latch, per symbol, per resolution "
                "bit, at 7 nm"),
    Coefficient("v_ov_v", "V",
                "assumption: gate overdrive of AFE input pairs (gm/I_D = 2/V_ov, square law)"),
    Coefficient("ctle_peaking_per_stage_db", "dB",
                "assumption: largest peaking one degenerated CTLE stage provides"),
    Coefficient("afe_bandwidth_per_baud", "1",
                "COM CTLE second pole f_p2 = f_b (IEEE 802.3 Table 93A-1, 178A)"),
    Coefficient("f_t_scale", "1",
                "multiplier on the node preset's f_T (technology.Technology.f_t_hz, confidence L: "
                "±20 %, technology.F_T_REL_RANGE); 1 in the fit", 0.8, 1.2),
    Coefficient("bw_extension", "1",
                "assumption: bandwidth-extension ratio m of AFE and pre-driver stages with "
                "inductive peaking: 1.72 maximally-flat shunt peaking (T. H. Lee, The Design of "
                "CMOS RF ICs, 2nd ed., Table 9.1) to 2.83 for a bridged T-coil (Lee §9.4; Galal & "
                "Razavi, IEEE JSSC 39(12), 2004); 2.0: shunt/series peaking in the stages, T-coils "
                "at the pads", 1.72, 2.83),
    Coefficient("t_fo4_s", "s",
                "assumption: FO4 inverter delay at 7 nm: the rule FO4 ≈ 0.5 ps per nm of drawn "
                "gate length (M. Horowitz, R. Ho, K. Mai, 'The future of wires', Proc. IEEE 89(4), "
                "2001) gives ≈ 14 ps at 28 nm, scaled to 7 nm by rule (2) of technology.py "
                "(÷2.46) ≈ 6 ps; other nodes by Technology.delay_scale", 4e-12, 9e-12),
    Coefficient("tx_dac_bits", "bit",
                "assumption: DAC transmitter resolution (7-8 bit in published 200G-class DAC TXs: "
                "Dickson VLSI 2022 8 bit)", 6.0, 8.0),
    Coefficient("vga_stages", "1", "assumption: at least one VGA (gain_stage_db) stage after the CTLE"),
    Coefficient("e_slicer_j", "J",
                "assumption: StrongARM slicer decision incl. its clock buffer, at 7 nm"),
    Coefficient("e_dfe_tap_j", "J",
                "assumption: one analog DFE feedback tap (current DAC, summing-node charge) per "
                "symbol at 7 nm"),
    Coefficient("coef_bits", "bit", "assumption: DSP FFE coefficient width"),
    Coefficient("dsp_adapt_overhead", "1",
                "assumption: LMS adaptation, digital CDR and control as a fraction of the datapath"),
    Coefficient("traceback_bits", "1", "assumption: Viterbi survivor-path depth"),
    Coefficient("pll_fom_db", "dB",
                "assumption: jitter-power FOM of an LC PLL, 10log10(σ_j²/1s · P/1mW) (defined by "
                "X. Gao et al., IEEE JSSC 44(12), 2009); -238 dB is typical of published LC-PLLs"),
    Coefficient("rj_ui", "UI", "IEEE 802.3 COM σ_RJ = 0.01 UI (Table 93A-1 / 163A)"),
    Coefficient("lanes_per_pll", "1", "assumption: one PLL per octal macro"),
    Coefficient("lanes_per_forwarded_clock", "1",
                "one forwarded clock lane per 16 data lanes (the 2-byte source-synchronous "
                "I/O of Dickson et al., IEEE JSSC 50(8), 2015)"),
    Coefficient("e_cdr_j_per_symbol", "J",
                "fitted; per-lane clock recovery of a CDR receiver (phase interpolator, its "
                "clock buffers, CDR loop logic) per symbol at 7 nm",
                1e-13, 3e-12, True),
    Coefficient("rx_share_of_fixed", "1",
                "assumption: RX share of the fixed overhead; 1 since the TX serializer and its "
                "clock have their own term (e_tx_ser_j)"),
    Coefficient("noise_excess", "1",
                "assumption: excess noise factor F of the receiver over its input pair's 8kT/g_m "
                "(γ ≈ 1 in short-channel devices, doubled for the CTLE, VGA and slicer behind "
                "it, plus margin)"),
    Coefficient("temperature_k", "K", "assumption: junction temperature for kT noise"),
    Coefficient("design_margin_db", "dB",
                "IEEE 802.3 COM pass threshold: 3 dB of margin over the detector error ratio "
                "(93A.1.7; 163A, 178A)"),
    Coefficient("slicer_min_half_eye_v", "V",
                "assumption: smallest half eye (outer eye, after the noise budget) a slicer "
                "resolves at its input: residual StrongARM offset after calibration plus "
                "sensitivity (a few mV each) and an allowance for crosstalk and supply noise "
                "absent from the budget; referred to the RX input through the AFE gain (B4)",
                0.003, 0.02),
    Coefficient("gain_stage_db", "dB",
                "assumption: gain of one full-bandwidth AFE stage (VGA/CTLE gain cell) at the "
                "required bandwidth, g_m R_L with R_L C_L = 1/(2π f_bw): ~6 dB in published "
                "25-56 GBd front ends", 3.0, 10.0),
    Coefficient("linear_margin_db", "dB",
                "assumption: SNR kept in reserve by an unretimed (linear) link for the optical "
                "path and the far-end retimer"),
)}

DEFAULT_COEFFICIENTS = EnergyCoefficients()

#: names of the fitted coefficients, in fit order
FITTED: tuple[str, ...] = tuple(n for n, c in DOC.items() if c.fitted)


__all__ = ["C_TX_OUT_MAX_F", "DEFAULT_COEFFICIENTS", "DOC", "FITTED", "PAD_MAX_BAUD", "Coefficient",
           "EnergyCoefficients", "tx_pad_capacitance_limit_f"]
