"""The validation registry: every "agrees with X within Y" claim, its test, its tolerance constant.

One :class:`Row` per claim.  This module is the single source of the README's *Validation*
table and of the table in ``docs/validation.md``: ``python -m tests.validation_report --run``
runs exactly the tests named here with ``--junitxml``, reads back the agreement each test
measured (it records it with pytest's ``record_property`` fixture under
``"validation:<key>"``, see :func:`record_key`), and writes both tables with the date, the
machine and the versions.  ``tests/test_validation_doc.py`` checks (without running them)
that the tests and constants named here exist, that the written tables equal what this
registry and the stored run give, and that every measured value lies within its tolerance.

The helpers below (:func:`max_abs`, :func:`max_rel`, :func:`interval_position`) compute the
measured worst case inside the tests; they only read values the test already computed, and
never change what a test asserts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np

PREFIX = "validation:"
#: properties recorded under this prefix are figures shown below the tables (not agreements)
VALUE_PREFIX = "value:"


@dataclass(frozen=True)
class Row:
    """One validation claim.

    key: the record name (``"validation:" + key``); what / reference: the README's columns;
    independent: whether the reference is outside sikernel ("yes (...)", "no (...)", "partly (...)");
    tests: the node ids (``tests/test_x.py::test_name``) that assert it and record the measured value;
    tolerance: ``"tests.test_x:CONSTANT"`` (imported, its current value is shown) or a literal
    float for a bound written inline in the test; unit: the unit of the tolerance and of the measured
    value; readme: shown in the README's table (all rows are shown in docs/validation.md).
    """

    key: str
    what: str
    reference: str
    independent: str
    tests: tuple[str, ...]
    tolerance: str | float
    unit: str
    readme: bool = True
    #: how the tolerance is shown when not as "<value> <unit>": a format string of ``v`` (its
    #: value) and ``pct`` (100 v)
    shown: str = ""
    #: the bound of the measured value when it is not the tolerance itself (same unit as ``unit``)
    bound: float | None = None
    #: where an inline tolerance comes from (for a literal ``tolerance``)
    literal_note: str = ""

    def tolerance_value(self) -> float:
        """The tolerance's current value (the constant imported from its test module)."""
        if isinstance(self.tolerance, float):
            return self.tolerance
        mod, name = self.tolerance.split(":")
        return float(getattr(importlib.import_module(mod), name))

    def limit(self) -> float:
        """The bound the measured worst case must not exceed (same unit as the measured value)."""
        return self.tolerance_value() if self.bound is None else self.bound

    def tolerance_text(self) -> str:
        """The tolerance as the tables show it (from the constant's current value)."""
        v = self.tolerance_value()
        return self.shown.format(v=v, pct=100 * v) if self.shown else with_unit(v, self.unit)

    def tolerance_source(self) -> str:
        """``tests/test_x.py`` ``CONSTANT``, or where an inline bound comes from."""
        if isinstance(self.tolerance, float):
            return self.literal_note or "literal in the test"
        mod, name = self.tolerance.split(":")
        return f"`{mod.replace('.', '/')}.py` `{name}`"


def with_unit(x: float, unit: str) -> str:
    """``x`` (two significant digits) with its unit; a relative value of 1e-4 or more in percent."""
    if unit == "relative" and x >= 1e-4:
        return f"{100 * x:.2g} %"
    if x == 0 or not np.isfinite(x):
        return f"{x:g} {unit}"
    return f"{x:.2g} {unit}"


def record_key(key: str) -> str:
    """The ``record_property`` name of a row."""
    return PREFIX + key


def max_abs(got, ref) -> float:
    """max |got - ref| (the measured worst case of an absolute-tolerance comparison)."""
    return float(np.max(np.abs(np.asarray(got) - np.asarray(ref))))


def max_rel(got, ref, atol: float = 0.0) -> float:
    """max |got - ref| / |ref| (relative-tolerance comparison), as ``assert_allclose`` reads it.

    With the comparison's ``atol``, the part of a difference covered by ``atol`` is not counted:
    max((|got - ref| - atol)+ / |ref|); entries where ref = 0 count only beyond ``atol``.
    """
    got, ref = np.asarray(got), np.asarray(ref)
    d = np.maximum(np.abs(got - ref) - atol, 0.0)
    nz = np.abs(ref) > 0
    if np.any(d[~nz] > 0):  # a difference where the reference is exactly zero: infinitely relative
        return float("inf")
    return float(np.max(d[nz] / np.abs(ref[nz]))) if np.any(nz) else 0.0


def interval_position(value: float, sim, confidence: float) -> float:
    """Where ``value`` lies in the simulation's Clopper-Pearson interval of the SER.

    0 at the counted SER (errors / symbols), 1 at the interval's edge on the side of ``value``;
    the claim "inside the interval" is a measured value <= 1.
    """
    lo, hi = sim.ser_interval(confidence)
    p = sim.symbol_errors / sim.n_symbols
    if value >= p:
        return float((value - p) / (hi - p)) if hi > p else float("inf")
    return float((p - value) / (p - lo)) if p > lo else float("inf")


_TS = "tests/test_touchstone.py::"
ROWS: tuple[Row, ...] = (
    Row("sdd21-channel-readme", "\\|SDD21\\| of the five IEEE P802.3ck thru files at 13.28 / 26.56 GHz",
        "the table of `../shared/channels/README.md`", "yes (data)",
        (_TS + "test_readme_table",), "tests.test_touchstone:ATOL_README_DB", "dB"),
    Row("touchstone-parse", "Touchstone parsing (MA format)", "scikit-rf `Network` on the same file",
        "yes (scikit-rf)", (_TS + "test_parser_matches_scikit_rf_ma_file",),
        "tests.test_touchstone:RTOL_PARSE", "relative"),
    Row("mixed-mode", "mixed-mode conversion (SDD)", "scikit-rf `se2gmm`", "yes (scikit-rf)",
        (_TS + "test_mixed_mode_matches_scikit_rf_se2gmm",), "tests.test_touchstone:ATOL_MIXED",
        "absolute (S)"),
    Row("stripline-z0", "stripline Z0, single and coupled (Wheeler, Cohn, IPC-2141A closed forms)",
        "2-D finite-difference Laplace solve of the cross-section (`tests/naive_lines.py`)",
        "yes (own solver in tests)", ("tests/test_lines.py::test_stripline_z_vs_field_solver",),
        "tests.test_lines:RTOL_Z_FD", "relative"),
    Row("microstrip-z0", "microstrip Z0, single and coupled (Hammerstad–Jensen, Kirschning–Jansen)",
        "2-D finite-difference Laplace solve of the cross-section (`tests/naive_lines.py`)",
        "yes (own solver in tests)", ("tests/test_lines.py::test_microstrip_z_vs_field_solver",),
        "tests.test_lines:RTOL_Z_FD", "relative"),
    Row("dielectric-loss", "dielectric-only loss, every catalogue material", "2.31·f·√Dk·Df dB/in",
        "yes (closed form)", ("tests/test_lines.py::test_dielectric_loss_rule",),
        "tests.test_lines:RTOL_DIEL_RULE", "relative"),
    Row("ds-kramers-kronig", "Djordjevic–Sarkar ε_r(f)", "Kramers–Kronig (real part from the imaginary part)",
        "yes (closed form)", ("tests/test_materials.py::test_ds_permittivity_satisfies_kramers_kronig",),
        "tests.test_materials:RTOL_KK", "relative"),
    Row("line-vs-skrf", "line section (S-parameters)", "scikit-rf `DefinedGammaZ0` line of the same γ, Zc",
        "yes (scikit-rf)", ("tests/test_lines.py::test_against_scikit_rf_line",),
        "tests.test_lines:ATOL_SKRF", "absolute (S)"),
    Row("line-cascade-delay", "line sections: two halves cascaded; a matched lossless line",
        "the whole section; a pure delay exp(−jωl√Dk/c)", "partly (delay: closed form; halves: consistency)",
        ("tests/test_lines.py::test_halves_cascade_to_whole",
         "tests/test_lines.py::test_matched_lossless_line_is_pure_delay"), "tests.test_lines:ATOL_CASCADE",
        "absolute (S)"),
    Row("package-pychopmarg", "IEEE 802.3ck / 802.3dj package models",
        "pychopmarg 3.4 `devmodel`, full-precision values committed with their script "
        "(`tests/data/pychopmarg/make_package_reference.py`)", "yes (pychopmarg)",
        ("tests/test_package.py::test_package_matches_pychopmarg",), "tests.test_package:ATOL_PCM",
        "absolute (S)"),
    Row("batch-builder", "batched channel builder", "the per-channel builder", "no (consistency)",
        ("tests/test_batch_build.py::test_batch_equals_per_channel_build",),
        "tests.test_batch_build:RTOL_BATCH", "relative"),
    Row("scale-length-abcd-il", "`scale_length` (ABCD method), insertion loss",
        "a third synthetic length built in the test", "yes (construction in tests)",
        ("tests/test_scaling.py::test_abcd_reproduces_third_length",), "tests.test_scaling:ATOL_SYNTH_DB",
        "dB"),
    Row("scale-length-abcd-phase", "`scale_length` (ABCD method), phase",
        "a third synthetic length built in the test", "yes (construction in tests)",
        ("tests/test_scaling.py::test_abcd_reproduces_third_length",), "tests.test_scaling:ATOL_SYNTH_PHASE",
        "rad", readme=False),
    Row("scale-length-delta-l", "`scale_length` (ΔL law) on a matched line", "exp(−γl) built in the test",
        "yes (closed form)", ("tests/test_scaling.py::test_delta_l_exact_on_a_matched_line",), 1e-9, "dB",
        readme=False, literal_note="literal `atol=1e-9` in the test (exact to rounding)"),
    Row("pulse-convolution", "pulse response (93A-24), real channel DPO_4in",
        "direct convolution of the impulse response with a rectangle", "yes (NumPy in tests)",
        ("tests/test_response.py::test_pulse_equals_convolution_of_impulse_with_rectangle_real_channel",),
        "tests.test_response:RTOL_CONVOLUTION", "of the peak"),
    Row("pulse-closed-form", "pulse response, RC + Gaussian channel", "closed form", "yes (closed form)",
        ("tests/test_response.py::test_pulse_matches_rc_gaussian_closed_form",),
        "tests.test_response:ATOL_CLOSED_FORM", "V (1 V step)"),
    Row("ctle-formula", "CTLE (93A-22 / 178A-14)", "pole–zero form", "yes (closed form)",
        ("tests/test_eq_filters.py::test_ctle_equals_pole_zero_form",), "tests.test_eq_filters:RTOL_FORMULA",
        "relative"),
    Row("ffe-loop", "FFE frequency response", "a plain loop over the taps (`tests/naive_response.py`)",
        "yes (Python in tests)", ("tests/test_eq_filters.py::test_ffe_response_matches_loop_and_dc_sum",),
        "tests.test_eq_filters:RTOL_FORMULA", "relative"),
    Row("rx-afe-butterworth", "RX AFE (93A-20)", "`scipy.signal.butter` (4th order)", "yes (scipy)",
        ("tests/test_eq_filters.py::test_rx_afe_is_4th_order_butterworth",),
        "tests.test_eq_filters:RTOL_BUTTERWORTH", "relative"),
    Row("mmse-nullspace", "MMSE RX FFE + DFE (MSE)", "null-space least squares (`tests/naive_response.py`)",
        "yes (NumPy in tests)", ("tests/test_eq.py::test_mmse_equals_nullspace_least_squares",),
        "tests.test_eq:RTOL_SAME_OPTIMUM", "relative"),
    Row("mmse-exhaustive", "MMSE with a saturated DFE tap (MSE)", "exhaustive search over the FFE tap",
        "yes (brute force)", ("tests/test_eq.py::test_mmse_matches_exhaustive_search_with_saturated_dfe",),
        "tests.test_eq:RTOL_GRID", "relative"),
    Row("mmse-naive-qp", "MMSE with FFE limits, crosstalk, TX noise (FOM)",
        "first-principles QP, SLSQP + KKT (`tests/naive_mmse.py`)", "yes (scipy in tests)",
        ("tests/test_naive_mmse.py::test_naive_mmse_solve_equals_sikernel",),
        "tests.test_naive_mmse:FOM_TOL_DB", "dB", readme=False),
    Row("stat-eye-enumeration", "statistical eye (BER at every voltage bin and phase; NRZ and PAM4, DFE, "
        "crosstalk at its worst phase)", "enumeration of every symbol pattern (≤ 8 cursors)",
        "yes (brute force)",
        ("tests/test_stateye.py::test_stat_eye_exact_vs_bruteforce_all_phases",
         "tests/test_stateye.py::test_stat_eye_exact_with_dfe",
         "tests/test_stateye.py::test_crosstalk_worst_phase_exact_vs_bruteforce"),
        "tests.test_stateye:ATOL_EXACT", "absolute (BER)"),
    Row("eye-closure-peak", "eye height, noise-free (statistical eye at any BER)",
        "brute-force peak-distortion eye", "yes (brute force)",
        ("tests/test_stateye.py::test_closure_against_peak_distortion_bruteforce",), 10.0, "voltage bins",
        readme=False, literal_note="computed in the test: 2 bins per ISI cursor, 5 cursors"),
    Row("stat-eye-vs-simulation", "statistical eye SER at 1e-3…1e-5",
        "bit-by-bit simulator error counts (3e6 symbols)", "partly (a second implementation in sikernel)",
        ("tests/test_timesim.py::test_stat_eye_ser_agrees_with_simulation",), "tests.test_timesim:CONFIDENCE",
        "of the interval's half-width", shown="inside the {pct:g} % binomial (Clopper–Pearson) interval",
        bound=1.0),
    Row("dfe-error-propagation", "DFE error propagation (SER)", "plain-Python noisy DFE loop",
        "yes (Python in tests)", ("tests/test_timesim.py::test_error_propagation_only_adds_errors",),
        "tests.test_timesim:Z_SCORE_SER", "standard deviations", readme=False),
    Row("simulate-vs-pybert", "bit-by-bit simulator (symbol, Gray bit and per-threshold error counts; "
        "PAM4 with 2 / 12 DFE taps, propagating errors, a late instant; NRZ), real P802.3ck pulses",
        "PyBERT 11.1 (`pipbert`) channel convolution + `DFE.run_dfe`, decisions committed with their "
        "script (`tests/data/pybert/`)", "yes (PyBERT)",
        ("tests/test_timesim_vs_pybert.py::test_simulate_counts_equal_pybert_decisions",),
        "tests.test_timesim_vs_pybert:COUNT_TOL", "errors", shown="identical counts (difference < {v:g})"),
    Row("study-eye-linear-analog", "study eyes, linear / analog (eye height)",
        "NumPy pulse + fine-grid eye (`tests/naive_study_eye.py`)", "yes (NumPy in tests)",
        ("tests/test_study_eyes.py::test_linear_and_analog_eyes_against_numpy_reference",),
        "tests.test_study_eyes:FINE_REL_TOL", "relative", readme=False),
    Row("study-eye-dsp", "study eye, DSP: MMSE RX FFE, ADC noise (eye height)",
        "NumPy pulse, first-principles MMSE QP, fine-grid eye", "yes (NumPy/scipy in tests)",
        ("tests/test_study_eyes.py::test_dsp_eye_against_numpy_reference",),
        "tests.test_study_eyes:FINE_REL_TOL", "relative", readme=False),
    Row("com-grid-naive", "COM grid search (FOM over the TX FFE × CTLE grid)",
        "naive NumPy FOM loop over the same grid (`tests/naive_com.py`)", "yes (NumPy in tests)",
        ("tests/test_com.py::test_grid_kernel_equals_naive_loop",), "tests.test_com:TOL_FOM_SAME_FORMULA_DB",
        "dB"),
    Row("fom-jitter-closed-form", "FOM jitter term (93A-28/32)", "closed form on an analytic pulse",
        "yes (closed form)", ("tests/test_com_sensitivity.py::test_fom_jitter_term_is_the_closed_form",),
        "tests.test_com_sensitivity:REL_ROUNDING", "relative", readme=False),
    Row("com-ieee-code", "COM per package case, 802.3ck KR / CR / C2C sheets, real channels "
        "(DPO_4in, DPO_12in, CA_19p75dB + 15 aggressors, C2C, Tp0–Tp5)",
        "IEEE COM MATLAB 4.50 under GNU Octave, sheets unmodified (values, provenance and two full "
        "reference outputs committed: `tests/data/ieee_com_reference.json`)", "yes (IEEE reference code)",
        ("tests/test_com_ieee_reference.py::test_com_per_case_matches_ieee_reference",),
        "tests.test_com_ieee_reference:TOL_COM_VS_IEEE_DB", "dB"),
    Row("c2m-com-ieee-code", "802.3ck C2M (120G) COM per package case: C2C_PCB_SYSVIA_12dB, DPO_4in, "
        "CA_19p75dB + 15 aggressors, on restricted TX FFE × CTLE grids (same restriction both sides)",
        "IEEE COM MATLAB 4.50 under GNU Octave, C2M sheet unmodified except the grid (`--set`; JSON and "
        "commands in `tests/data/ieee_com_octave/`)", "yes (IEEE reference code)",
        ("tests/test_com_c2m.py::test_c2m_matches_ieee_reference",),
        "tests.test_com_c2m:TOL_C2M_VS_IEEE_DB", "dB"),
    Row("c2m-vec-ieee-code", "802.3ck C2M VEC, same runs", "IEEE COM MATLAB 4.50 under GNU Octave",
        "yes (IEEE reference code)", ("tests/test_com_c2m.py::test_c2m_matches_ieee_reference",),
        "tests.test_com_c2m:TOL_VEC_VS_IEEE_DB", "dB"),
    Row("c2m-veo-ieee-code", "802.3ck C2M vertical eye opening VEO, same runs",
        "IEEE COM MATLAB 4.50 under GNU Octave", "yes (IEEE reference code)",
        ("tests/test_com_c2m.py::test_c2m_matches_ieee_reference",),
        "tests.test_com_c2m:TOL_VEO_VS_IEEE_V", "V", readme=False),
    Row("c2c-200g-ieee-code", "COM per package case (3 cases), exploratory 802.3df 200G C2C sheet "
        "(separate TX and RX packages), C2C_PCB_SYSVIA_12dB, restricted grid",
        "IEEE COM MATLAB 4.50 under GNU Octave (`tests/data/ieee_com_octave/`)", "yes (IEEE reference code)",
        ("tests/test_com_c2m.py::test_200g_c2c_sheet_separate_tx_rx_packages",),
        "tests.test_com_ieee_reference:TOL_COM_VS_IEEE_DB", "dB", readme=False),
    Row("mmse-com-vs-ieee-db", "802.3dj KR COM in MMSE mode (178A: RX FFE 5 + 1 + 10 taps, 1-tap DFE, "
        "178A noise terms) per package case (12 / 33 mm), DPO_4in and C2C_PCB_SYSVIA_12dB, restricted "
        "TX FFE × CTLE grids (same restriction both sides)",
        "IEEE COM MATLAB 4.50 under GNU Octave, `FFE_OPT_METHOD = MMSE`, exploratory 802.3df CA/KR sheet "
        "set to the preset's values (values and commands in `tests/data/ieee_com_octave/`)",
        "yes (IEEE reference code)", ("tests/test_com_mmse_ieee.py::test_mmse_com_matches_ieee",),
        "tests.test_com_mmse_ieee:TOL_MMSE_VS_IEEE_DB", "dB"),
    Row("erl-ieee-code", "ERL (93A.5): 5 channels × 7 sheets, 200G cases, parameter variants, one-ports",
        "IEEE COM MATLAB 4.50 under GNU Octave (values and script committed: `tests/data/erl/`)",
        "yes (IEEE reference code)", ("tests/test_erl.py::test_erl_matches_ieee_reference",
                                      "tests/test_erl.py::test_one_port_erl_matches_ieee_reference"),
        "tests.test_erl:ERL_VS_REFERENCE_DB", "dB"),
    Row("com-pychopmarg", "COM, 802.3ck KR, 4 real channels × 2 package cases (fixed TX FFE + CTLE, "
        "Mueller–Müller, pychopmarg's sampling grid)",
        "pychopmarg 3.4 on the same channels and settings (values committed with their script, "
        "`tests/data/pychopmarg/make_reference.py`)", "yes (pychopmarg)",
        ("tests/test_com_vs_pychopmarg.py::test_com_and_fom_agree_with_pychopmarg",),
        "tests.test_com_vs_pychopmarg:COM_TOL_DB", "dB"),
    Row("fom-pychopmarg", "FOM, same comparison", "pychopmarg 3.4", "yes (pychopmarg)",
        ("tests/test_com_vs_pychopmarg.py::test_com_and_fom_agree_with_pychopmarg",),
        "tests.test_com_vs_pychopmarg:FOM_TOL_DB", "dB"),
    Row("ild-scipy", "ILD (802.3 FIT, |SDD21|-weighted)", "scipy `curve_fit` of the same form", "yes (scipy)",
        ("tests/test_metrics.py::test_ild_against_scipy_weighted_fit",),
        "tests.test_metrics:ATOL_ILD_VS_SCIPY_DB", "dB", readme=False),
    Row("conductor-loss-surface", "line conductor loss: Wheeler geometry factor g "
        "(2-D boundary-element solve), single and coupled microstrip and stripline",
        "surface-current integral (`tests/naive_field.py`, exact on a wire over a plane)",
        "yes (own solver in tests)", ("tests/test_field_solve.py::test_geometry_factor_vs_surface_current",),
        "tests.test_field_solve:RTOL_G_VS_SURFACE", "relative"),
    Row("conductor-loss-fd", "same geometry factor, coupled lines",
        "finite-difference Laplace solve (incremental inductance, `tests/naive_lines.py`)",
        "yes (own solver in tests)",
        ("tests/test_field_solve.py::test_geometry_factor_vs_finite_difference",),
        "tests.test_field_solve:RTOL_G_VS_FD", "relative"),
    Row("surface-current-cohn", "the surface-current reference itself, zero-thickness stripline",
        "closed form (Cohn 1955)", "yes (closed form)",
        ("tests/test_field_solve.py::test_naive_solver_thin_stripline_exact",),
        "tests.test_field_solve:RTOL_STRIP_T0_EXACT", "relative", readme=False),
    Row("sweep-vs-single", "sweep outputs (IL at Nyquist)", "the single-channel API called point by point",
        "no (consistency)", ("tests/test_sweep.py::test_values_equal_single_channel_api",),
        "tests.test_sweep:RTOL_IL_DB", "relative"),
)


def node_ids() -> list[str]:
    """The distinct test node ids of the registry, in registry order."""
    return list(dict.fromkeys(t for r in ROWS for t in r.tests))
