"""Energy-model calibration and its out-of-sample check.

* the bounded fit stays inside the documented coefficient ranges and the shipped defaults are
  the fit, the lowest cost found also from the independent start;
* leave-one-out: every published design refitted without it and predicted; the ratios are
  held to issue 11's 1.5x goal, which the model misses by one design (Singh's, 0.62x; strict
  xfail) since the CTLE's low-frequency stage (see docs/energy-model.md, "The gap to the 1.5x
  goal"; the held-out 200G DSP transceivers, tests/test_power_holdout.py, do not meet it either);
* the generated constants (``sikernel/power/_calibrated.py``) and the tables in
  ``docs/energy-model.md`` equal a fresh computation (regression guards of the generated files);
* the ADC block against published ADCs: ``tests/test_power_adc_survey.py`` (independent of the
  transceiver fit); the halved-ADC mutation below checks that halving the ADC moves the median;
* coefficient draws: seeded, inside the ranges, centred on the fit.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.channel.package import package_preset
from sikernel.power import calibration as cal
from sikernel.power.coefficients import DEFAULT_COEFFICIENTS, DOC, FITTED

from .conftest import repo_text

# --- tolerances, each with its source ------------------------------------------------------
#: worst leave-one-out factor max(r, 1/r) reached by the model: 1.62 (Singh's 35 dB analog link,
#: 0.62x) since the SI chain's CTLE carries the low-frequency stage g_DC2 (December 2026: Singh's
#: design then closes with 2 TX taps instead of 4 and its per-tap TX serializer halves, docs 6.2);
#: 1.44 (IBM 0.75 in) before it, with the digital blocks scaled with the node as s_E^γ, γ fitted
#: (blocks.digital_scale), a stated supply outside the exponent, and every fit and refit started also
#: from calibration.INDEPENDENT_START (1.41 with the supply inside the exponent and the fit's own
#: starts only); 1.60 (Z. Wang 0.63x) with γ = 1 after Khairi's receiver was priced in the scope,
#: node and BER its ISSCC 2022 program abstract states; 2.91 before (Khairi as a whole 7 nm-class
#: receiver at BER 1e-4), 3.29 before the survey-fitted ADC and the rate's RX bandwidth (see the
#: docs); bound = reached + a margin for the optimiser (the goal itself is LOO_GOAL, below)
LOO_WORST_FACTOR = 1.5   # 1.43 reached (IBM 0.75 in) since Singh's row carries its DAC TX; 1.62 before
#: rms of ln(LOO ratio) reached (0.207 with Singh's published DAC TX; 0.233-0.235 with g_DC2;
#: 0.206 before it with the fitted node exponent;
#: 0.276 with γ = 1 and Khairi's stated scope; 0.370 before, 0.397 before the survey ADC and the
#: rate's bandwidth; 0.455 before the analog-DFE timing law and the TX FFE subsets); bound = reached
#: + a margin for the optimiser
LOO_RMS_LOG = 0.25
#: designs predicted within the 1.5x goal when left out: all 16 since Singh's row carries its
#: published DAC transmitter; 15 of 16 with g_DC2 before that (all but Singh); all 16 before g_DC2,
#: since the fitted node exponent; 14 of 16 before that, 13 of 16 before Khairi's stated scope
LOO_WITHIN_GOAL_MIN = 16
#: the shipped fit's robust cost may exceed a fit started only from the independent start by at most
#: this (a lower minimum elsewhere would mean the shipped coefficients are not the fit)
ABS_COST_OTHER_START = 1e-3
LOO_GOAL = 1.5
#: the only 200G-class TX+RX design of the reference table (J. Q. Wang) when left out: 1.10 (Singh's
#: DAC TX); 1.09 (5 December 2026; 1.06 before the refit with the CTLE's g_DC2 stage; 1.12 with
#: γ = 1 and Khairi's stated scope; 0.94 before; 0.93 with
#: the survey ADC alone, 1.01 with the rate's bandwidth alone, 1.04 before both)
LOO_200G_TXRX_FACTOR = 1.25
#: shipped default vs a fresh fit (optimiser tolerance on a flat cost surface)
REL_DEFAULT_VS_FIT = 0.05
#: stored leave-one-out log ratios vs a fresh computation (same optimiser, same start)
ABS_LOG_STORED = 0.02
#: die-to-die loss of the KR1 budget recomputed vs the stored constant (stored to 0.01 dB)
ABS_KR1_DIE_TO_DIE_DB = 0.01
#: |median ln(model ADC FOM / published FOM)| over the survey ADCs the law is fitted on: 0 at
#: the fit by construction (the LAD level is the median); a halved ADC moves it to ln 0.5
ABS_ADC_MEDIAN_LOG = 0.02
#: the ADC law's closed-form points (FOM_W,ref at the reference, 2x at the corner) are the same
#: arithmetic written twice: rounding only
RTOL_LAW_FORM = 1e-12
#: "far below / far above the corner" in the law-form test: f_s/f_c = 1e-6 and 1e6, where the
#: law's (1 + f_s/f_c) is flat (resp. proportional to f_s) to that relative amount
LAW_FAR_BELOW = 1e-6
LAW_FAR_ABOVE = 1e6


@pytest.fixture(scope="module")
def fit():
    return cal.calibrate()


@pytest.fixture(scope="module")
def loo(fit):
    return cal.leave_one_out(fit.coefficients)


def test_fit_inside_documented_ranges(fit):
    for n in FITTED:
        assert DOC[n].low <= fit.fitted[n] <= DOC[n].high, n
    assert np.all(np.isfinite(fit.model_pj_per_bit)), fit.table()


def test_default_coefficients_are_the_fit(fit):
    for n in FITTED:
        assert math.isclose(getattr(DEFAULT_COEFFICIENTS, n), fit.fitted[n], rel_tol=REL_DEFAULT_VS_FIT), n


def test_every_reference_design_is_calibrated_with_its_scope():
    names = {p.name for p in cal.CALIBRATION_POINTS}
    assert len(cal.CALIBRATION_POINTS) == 16
    scopes = {p.name: p.scope for p in cal.CALIBRATION_POINTS}
    assert scopes["Cusmai DAC TX, PAM4"] == "tx" and scopes["Khairi (Intel) ADC-DSP RX"] == "rx_analog"
    assert scopes["J. Q. Wang (Marvell) optical DSP"] == "txrx"
    assert len(cal.CLASS_200G) == 7 and set(cal.CLASS_200G) <= names


def test_leave_one_out_bounded(loo):
    factor = np.exp(np.abs(loo.log_ratio))
    assert np.all(np.isfinite(factor))
    assert factor.max() <= LOO_WORST_FACTOR, dict(zip(loo.names, loo.ratio, strict=True))
    assert math.sqrt(float(np.mean(loo.log_ratio ** 2))) <= LOO_RMS_LOG
    assert int(np.sum(factor <= LOO_GOAL)) >= LOO_WITHIN_GOAL_MIN
    i = loo.names.index("J. Q. Wang (Marvell) optical DSP")
    assert factor[i] <= LOO_200G_TXRX_FACTOR


def test_leave_one_out_goal_every_design(loo):
    """Issue 11's goal: every design within 1.5x when left out (met since Singh's row carries its
    published DAC transmitter; it was a strict xfail at 15 of 16 before, docs "The gap to the 1.5×
    goal")."""
    factor = np.exp(np.abs(loo.log_ratio))
    assert np.all(factor <= LOO_GOAL), dict(zip(loo.names, loo.ratio, strict=True))


def test_leave_one_out_only_equals_full(fit, loo):
    """Predicting a subset refits on the same 15 designs as the full run."""
    names = (loo.names[0], loo.names[-1])
    sub = cal.leave_one_out(fit.coefficients, only=names)
    np.testing.assert_allclose(sub.log_ratio, [loo.log_ratio[0], loo.log_ratio[-1]], atol=1e-9)
    with pytest.raises(SIKernelError, match="unknown design"):
        cal.leave_one_out(only=("nope",))


def test_leave_one_out_differs_from_in_sample(loo):
    """A left-out design is predicted by a different fit: the ratios must not all equal the
    in-sample ones (guards against a leave-one-out that forgets to drop the design)."""
    assert np.max(np.abs(np.log(loo.ratio / loo.in_sample_ratio))) > 0.01


def test_stored_leave_one_out_and_covariance_are_current(fit, loo):
    """Regression guard: ``_calibrated.py`` equals a fresh computation (rerun
    ``python -m sikernel.power.calibration --write`` after changing the model)."""
    from sikernel.power import _calibrated

    assert tuple(_calibrated.LOO_NAMES) == loo.names
    assert _calibrated.FITTED_ORDER == FITTED
    np.testing.assert_allclose(_calibrated.LOO_LOG_RATIO, loo.log_ratio, atol=ABS_LOG_STORED)
    sd = cal.residual_log_sd()
    assert math.isclose(sd, math.sqrt(float(np.mean(loo.log_ratio ** 2))), abs_tol=ABS_LOG_STORED)
    per = cal.residual_log_sd(per_design=True)
    assert set(per) == set(loo.names)
    cov = np.asarray(_calibrated.LOG_COVARIANCE)
    assert cov.shape == (len(FITTED), len(FITTED))
    np.testing.assert_allclose(cov, cov.T, atol=1e-9)


def test_docs_tables_are_current(fit, loo):
    """Regression guard: the calibration and leave-one-out rows in docs/energy-model.md are the
    ones ``python -m sikernel.power.calibration --markdown`` prints (and the coefficient table)."""
    doc = repo_text("docs/energy-model.md")
    text = cal.markdown(fit, loo) + "\n" + cal.coefficient_table_markdown()
    for line in text.splitlines():
        if line.startswith(("| ", "Leave-one-out:")) and not line.startswith("|---"):
            assert line in doc, line


def test_fit_state_figures_are_current():
    """Regression guard for prose (docs/energy-model.md, "Where the shipped fit sits"): the typed
    left-out ratios of the designs nearest the edge, the coefficients at a bound and the spread of
    the free ones are those of the shipped ``_calibrated.py`` (figures of this kind went stale once:
    the page said "16 of 16" and quoted log-variances of two fits before)."""
    from sikernel.power import _calibrated

    doc = repo_text("docs/energy-model.md", flat=True)
    start = doc.index("**Where the shipped fit sits**")
    sec = doc[start:doc.index("**Levers measured against the 200G gap.**", start)]
    ratio = {n: math.exp(r) for n, r in cal.residual_log_sd(per_design=True).items()}
    typed = {"IBM source-synchronous, 0.75 in": "IBM 32 nm 0.75 in {}×", "Ali ADC-DSP": "Ali {}×",
             "Gangasani (IBM) XSR chiplet": "Gangasani {}×",
             "Singh (Broadcom) analog": "Singh {}×", "Shivnaraine XSR": "Shivnaraine {}×",
             "Park switch SerDes ADC-DSP": "Park {}×", "Z. Wang (Berkeley) TX": "Z. Wang {}×",
             "Toprak-Deniz (IBM) TX": "Toprak-Deniz {}×",
             "J. Q. Wang (Marvell) optical DSP": "212 Gb/s) is predicted at {}× when left out",
             "Cusmai DAC TX, PAM4": "DAC transmitter at {}× (PAM4)", "Cusmai DAC TX, PAM6": "{}× (PAM6)"}
    for name, text in typed.items():
        assert text.format(f"{ratio[name]:.2f}") in sec, (name, ratio[name])
    # the README's summary of the same leave-one-out: how many within 1.5x and the worst factor
    worst = max(max(r, 1.0 / r) for r in ratio.values())
    within = sum(max(r, 1.0 / r) <= 1.5 for r in ratio.values())
    assert (f"refitted without each of the {len(ratio)} published designs, all {within} are predicted "
            f"within 1.5× (worst {worst:.2f}×, IBM's 32 nm 0.75 in link") in repo_text("README.md", flat=True)
    # the designs named as nearest the edge are the extremes of the leave-one-out ratios
    above = sorted(ratio.values(), reverse=True)[:3]
    below = sorted(ratio.values())[:4]
    assert [round(v, 2) for v in above] == [round(ratio[n], 2) for n in
                                           ("IBM source-synchronous, 0.75 in", "Ali ADC-DSP",
                                            "Gangasani (IBM) XSR chiplet")]
    assert [round(v, 2) for v in below] == [round(ratio[n], 2) for n in
                                           ("Park switch SerDes ADC-DSP", "Singh (Broadcom) analog",
                                            "Shivnaraine XSR", "Toprak-Deniz (IBM) TX")]
    # coefficients at a bound: exactly the two named, at the bound named
    lo, hi = (np.exp(b) for b in cal._bounds())
    value = np.array([getattr(DEFAULT_COEFFICIENTS, n) for n in _calibrated.FITTED_ORDER])
    assert tuple(_calibrated.FITTED_ORDER) == tuple(FITTED)   # the order of cal._bounds()
    names = _calibrated.FITTED_ORDER
    at_lo = {n for n, v, b in zip(names, value, lo, strict=True) if math.isclose(v, b, rel_tol=1e-3)}
    at_hi = {n for n, v, b in zip(names, value, hi, strict=True) if math.isclose(v, b, rel_tol=1e-3)}
    assert (at_lo, at_hi) == ({"e_fixed_j_per_bit"}, {"c_tx_out_f"})
    assert f"floor ({DEFAULT_COEFFICIENTS.e_fixed_j_per_bit * 1e15:.0f} fJ/b)" in sec
    assert f"TX pad bound (≈ {DEFAULT_COEFFICIENTS.c_tx_out_f * 1e15:.0f} fF" in sec
    cov = np.asarray(_calibrated.LOG_COVARIANCE)
    k = {n: i for i, n in enumerate(_calibrated.FITTED_ORDER)}
    for n in ("e_fixed_j_per_bit", "c_tx_out_f"):
        assert cov[k[n], k[n]] == 0.0          # no Gauss-Newton variance at a bound
    for n in ("c_afe_f", "e_cdr_j_per_symbol", "e_fa_j", "e_tx_ser_j", "node_energy_exponent"):
        assert f"×/÷ {math.exp(math.sqrt(cov[k[n], k[n]])):.2f} for `{n}`" in sec, n
    i, j = k["c_afe_f"], k["e_cdr_j_per_symbol"]
    assert f"correlated {cov[i, j] / math.sqrt(cov[i, i] * cov[j, j]):.2f}".replace("-", "−") in sec


def test_typed_singh_operating_point_is_current():
    """Regression guard for prose (docs section 1, "(B3)"): the launch swing and AFE stage count the
    page quotes for the Singh-class 35 dB link are the shipped model's at Singh's point."""
    doc = repo_text("docs/energy-model.md", flat=True)
    p = next(q for q in cal.CALIBRATION_POINTS if q.name.startswith("Singh"))
    s = cal.point_breakdown(p, DEFAULT_COEFFICIENTS).eq_settings
    assert f"(Singh-class 35 dB: {s['launch_ppd_v']:.2f} V ppd, {s['afe_gain_stages']} stages;" in doc


def test_adc_fom_law_form_with_a_finite_corner_and_node_order():
    """The form of the ADC law (docstring of ``blocks.adc_fom_j``), checked with an explicit
    finite corner (the shipped corner, 1e14 Hz, sits above the data and would make any rate
    check vacuous): FOM_W,ref at 56 GS/s and 7 nm; flat far below the corner; doubled at the
    corner f_c(node) = f_c,7nm · f_T(node)/f_T(7 nm) (so the corner follows f_T); proportional to
    f_s far above it.  Then, at the shipped values, the node order 28 > 16 > 7 > 5 > 3 nm at
    56 GS/s (s_E falls with the node; a law with no node scaling fails this)."""
    from sikernel.power import blocks
    from sikernel.power.technology import NODES, REFERENCE_NODE_NM, get_technology

    corner_7nm_hz = 6e10
    co = DEFAULT_COEFFICIENTS.with_(adc_corner_hz=corner_7nm_hz)
    t7 = get_technology(7)
    assert math.isclose(blocks.adc_fom_j(blocks.ADC_REF_RATE_HZ, t7, co), co.walden_fom_j,
                        rel_tol=RTOL_LAW_FORM)
    for node in (28, 7, 3):
        t = get_technology(node)
        f_c = corner_7nm_hz * t.f_t_hz / NODES[REFERENCE_NODE_NM].f_t_hz
        flat = blocks.adc_fom_j(f_c * LAW_FAR_BELOW, t, co)
        # flat below the corner: within LAW_FAR_BELOW of the zero-rate value
        assert math.isclose(blocks.adc_fom_j(f_c * LAW_FAR_BELOW / 10, t, co), flat,
                            rel_tol=2 * LAW_FAR_BELOW)
        # (1 + f_s/f_c): 2x the zero-rate value at the corner
        assert math.isclose(blocks.adc_fom_j(f_c, t, co) / flat, 2.0 / (1 + LAW_FAR_BELOW),
                            rel_tol=RTOL_LAW_FORM), node
        # far above it, proportional to f_s
        hi = f_c * LAW_FAR_ABOVE
        assert math.isclose(blocks.adc_fom_j(2 * hi, t, co) / blocks.adc_fom_j(hi, t, co), 2.0,
                            rel_tol=1.0 / LAW_FAR_ABOVE), node
    co = DEFAULT_COEFFICIENTS
    foms = [blocks.adc_fom_j(blocks.ADC_REF_RATE_HZ, get_technology(n), co) for n in (28, 16, 7, 5, 3)]
    assert all(a > b for a, b in itertools.pairwise(foms)), foms


def test_coefficient_draws():
    a = cal.coefficient_draws(2000, seed=3)
    b = cal.coefficient_draws(2000, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2000, len(FITTED))
    lo = np.array([DOC[n].low for n in FITTED])
    hi = np.array([DOC[n].high for n in FITTED])
    assert np.all(a >= lo * (1 - 1e-12)) and np.all(a <= hi * (1 + 1e-12))
    # centred on the fit: clipping at the range limits leaves the median in place, so the sample
    # median of ln(draw) is within 4 standard errors (1.2533 σ/√n for a normal median) of ln(fit)
    from sikernel.power import _calibrated

    sd = np.sqrt(np.diag(np.asarray(_calibrated.LOG_COVARIANCE)))
    med = np.median(np.log(a), axis=0)
    for k, n in enumerate(FITTED):
        v = getattr(DEFAULT_COEFFICIENTS, n)
        if sd[k] == 0:  # at a bound: no spread
            assert np.allclose(a[:, k], v, rtol=1e-12), n
        else:
            assert abs(med[k] - math.log(v)) < 4 * 1.2533 * sd[k] / math.sqrt(a.shape[0]), n
    sets = cal.coefficient_sets(3, seed=1)
    assert len(sets) == 3 and all(getattr(s, FITTED[0]) > 0 for s in sets)


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "10"])
def test_coefficient_draws_bad_n(n):
    with pytest.raises(SIKernelError, match="n="):
        cal.coefficient_draws(n)


def test_tx_only_and_rx_only_priced_separately():
    """A TX-only design is priced with the TX blocks only, an RX-only one with the RX blocks."""
    co = DEFAULT_COEFFICIENTS
    p_tx = next(p for p in cal.CALIBRATION_POINTS if p.scope == "tx")
    p_rx = next(p for p in cal.CALIBRATION_POINTS if p.scope == "rx")
    for p in (p_tx, p_rx):
        full, _ = cal.predict(cal.CalibrationPoint(**{**vars(p), "scope": "txrx"}), co)
        part, _ = cal.predict(p, co)
        assert 0.0 < part < full


def test_halved_adc_energy_is_caught_out_of_sample(monkeypatch, loo):
    """Deliberate mutation: halve the ADC energy per conversion.  The refits absorb part of it
    into the other coefficients, so the in-sample fit alone would not notice; the checks that
    use data outside the transceiver fit do: the ADC block against the published ADCs of
    Murmann's survey (median log ratio), and the held-out (leave-one-out) predictions of the
    ADC-DSP designs, which move away from the stored, reviewed ones."""
    from sikernel.power import adc_survey, blocks
    from sikernel.power.technology import get_technology

    orig = blocks.adc_fom_j
    monkeypatch.setattr(blocks, "adc_fom_j", lambda *a, **k: 0.5 * orig(*a, **k))
    rows = [r for r in adc_survey.load() if r.use == "fit"]
    lr = [math.log(float(blocks.adc_w(r.enob, r.fs_hz, get_technology(r.preset_nm), DEFAULT_COEFFICIENTS))
                   / r.power_w) for r in rows]
    assert abs(float(np.median(lr))) > ABS_ADC_MEDIAN_LOG
    dsp = tuple(p.name for p in cal.CALIBRATION_POINTS if p.architecture == "dsp" and p.scope != "tx")
    mutated = cal.leave_one_out(DEFAULT_COEFFICIENTS, only=dsp)
    ref = np.array([loo.log_ratio[loo.names.index(n)] for n in mutated.names])
    # unmutated, these equal the full leave-one-out to the optimiser's tolerance (ABS_LOG_STORED);
    # the refits on the other 15 designs do not restore what halving the ADC removed
    assert np.max(np.abs(mutated.log_ratio - ref)) > 3 * ABS_LOG_STORED


def test_kr1_budget_is_taken_die_to_die():
    """Park's assumed loss: the 802.3ck KR1 budget (28 dB between the package balls, TP0-TP5)
    with the two COM packages added as COM adds them (93A.1.2) -- recomputed from the synthetic
    channel, not a typed-in number; the packages can only add loss, and a 0 dB line leaves the
    package pair alone (independent route: Link of the two packages without a board line)."""
    from scipy.optimize import brentq

    from sikernel.channel.link import Link
    from sikernel.channel.parametric import HOST_BOARD_92_12 as line
    from sikernel.power import table

    park = next(p for p in cal.CALIBRATION_POINTS if p.name.startswith("Park"))
    assert park.loss_db == cal.KR1_DIE_TO_DIE_DB
    assert cal.KR1_SPEC_HZ == 26.5625e9   # 802.3ck: budgets at the Nyquist frequency of 53.125 GBd
    d2d = table.die_to_die_loss_db(cal.KR1_BALL_TO_BALL_DB, park.baud, spec_hz=cal.KR1_SPEC_HZ)
    assert abs(d2d - cal.KR1_DIE_TO_DIE_DB) <= ABS_KR1_DIE_TO_DIE_DB
    assert d2d > cal.KR1_BALL_TO_BALL_DB + 3.0
    # independent route: the bare line of 28 dB at 26.5625 GHz by root finding on its own S21,
    # then the two packages around it (Link), read at Park's Nyquist frequency 28 GHz
    f_spec = np.array([cal.KR1_SPEC_HZ])
    length_m = brentq(lambda z: -20.0 * np.log10(np.abs(line.section(z, f_spec).s21[0]))
                      - cal.KR1_BALL_TO_BALL_DB, 1e-3, 5.0, xtol=1e-12)
    pkg0 = package_preset(park.baud)
    full = Link(segments=[(line, length_m)], tx_package=pkg0, rx_package=pkg0,
                z_p_tx_m=table.Z_P_NOMINAL_M, z_p_rx_m=table.Z_P_NOMINAL_M).build(
                    np.array([0.5 * park.baud]))
    assert abs(-20.0 * np.log10(np.abs(full.s21[0])) - d2d) <= ABS_KR1_DIE_TO_DIE_DB
    f = np.array([0.5 * park.baud])
    pkg = package_preset(park.baud)
    ch = Link(segments=[], tx_package=pkg, rx_package=pkg, z_p_tx_m=table.Z_P_NOMINAL_M,
              z_p_rx_m=table.Z_P_NOMINAL_M).build(f)
    pair_db = float(-20.0 * np.log10(np.abs(ch.s21[0])))
    assert math.isclose(table.die_to_die_loss_db(0.0, park.baud), pair_db, rel_tol=1e-9)
    with pytest.raises(SIKernelError, match="ball_to_ball_db"):
        table.die_to_die_loss_db(-1.0, park.baud)


def test_leave_one_out_refit_leaves_its_start(fit):
    """Regression guard of the multi-start fit (``cal.START_SHIFTS_LOG``): refitted without Park, the
    coefficients must move away from the full fit.  A single trust-region start stopped there with
    a zero step (``xtol`` on a kink of the piecewise-smooth cost), so the "left-out" prediction was
    the in-sample one (observed December 2026: Park, Ali and LaCroix)."""
    x_full = np.log([fit.fitted[n] for n in FITTED])
    i = next(k for k, p in enumerate(cal.CALIBRATION_POINTS) if p.name.startswith("Park"))
    rest = cal.CALIBRATION_POINTS[:i] + cal.CALIBRATION_POINTS[i + 1:]
    sol = cal._fit(rest, fit.coefficients, x0=x_full)
    assert np.max(np.abs(sol.x - x_full)) > 1e-3


def test_no_lower_minimum_from_the_independent_start(fit):
    """The shipped fit is the lowest cost the optimiser finds: a fit whose base (hence its
    uniform and alternating shifts) is the independent start does not go lower."""
    other = cal.calibrate(base=DEFAULT_COEFFICIENTS.with_(**cal.INDEPENDENT_START))
    assert other.cost >= fit.cost - ABS_COST_OTHER_START, (other.cost, fit.cost, other.fitted)


def test_restrict_rx_ffe_taps_keeps_only_that_dsp_length():
    """The restriction drops the DSP receivers of other RX FFE lengths and nothing else; a length
    the SI chain does not solve is refused, naming the value and the accepted lengths."""
    import numpy as np

    from sikernel import SIKernelError
    from sikernel.power import api, calibration, si

    p = next(q for q in calibration.CALIBRATION_POINTS if q.name.startswith("Khairi"))
    op = calibration._point_op(p)
    lengths = sorted({pre + 1 + post for pre, post in si.DSP_FFE_TAPS})
    for n in lengths:
        r = api.restrict_rx_ffe_taps(op, n)
        dsp = r.family == "dsp"
        assert dsp.any() and np.all(r.rx_ffe_taps[dsp] == n)
        assert np.sum(~dsp) == np.sum(op.family != "dsp")
        assert np.sum(dsp) == np.sum((op.family == "dsp") & (op.rx_ffe_taps == n))
    with pytest.raises(SIKernelError, match="rx_ffe_taps=20"):
        api.restrict_rx_ffe_taps(op, 20)


#: regression guard (recorded output, shipped coefficients, December 2026): Khairi's receiver at its
#: published 16-tap RX FFE, pJ/b in its "rx_analog" scope; recorded to two decimals (2.42 since the
#: refit with Singh's published DAC TX; 2.45 with the CTLE's g_DC2 stage and its refit; 2.79 before)
KHAIRI_16_TAP_PJ = 2.42
#: half a unit in the last recorded decimal
RECORDED_PJ_ABS = 0.005
#: regression guard (model output): Khairi's receiver pinned at 16 RX FFE taps costs more than at the
#: model's own length by at least this factor (measured 1.47 with the CTLE's g_DC2 stage, December
#: 2026; above 1.5 before it)
KHAIRI_16_TAP_OVER_FREE = 1.4


def test_khairi_at_its_published_ffe_length_needs_more_adc_bits():
    """Regression guard (sikernel's own output, the docs' measured-not-shipped experiment): priced
    at its published 16-tap RX FFE, Khairi's receiver closes 31.4 dB at BER 1e-6 under the 3 dB
    design margin only at a high ENOB (2.42 pJ/b with the shipped coefficients); the chip runs an ADC of
    ENOB about 4.5 (Murmann's survey). Also exercises CalibrationPoint.rx_ffe_taps."""
    import dataclasses

    from sikernel.power import calibration
    from sikernel.power.coefficients import DEFAULT_COEFFICIENTS

    p = next(q for q in calibration.CALIBRATION_POINTS if q.name.startswith("Khairi"))
    assert p.rx_ffe_taps is None
    pinned = dataclasses.replace(p, rx_ffe_taps=16)
    e_free, _ = calibration.predict(p, DEFAULT_COEFFICIENTS)
    e_16, arch = calibration.predict(pinned, DEFAULT_COEFFICIENTS)
    assert arch == "dsp"
    assert e_16 == pytest.approx(KHAIRI_16_TAP_PJ, abs=RECORDED_PJ_ABS)
    # the 16-tap receiver spends on ADC bits what the model puts in taps: 1.47x the free-length
    # receiver with the CTLE's g_DC2 stage (more than 1.5x before it)
    assert e_16 > KHAIRI_16_TAP_OVER_FREE * e_free


def test_khairi_16_tap_figures_typed_in_the_docs_are_current():
    """Regression guard: the docs' and README's typed figures of the 16-tap Khairi experiment
    (ENOB, post-EQ ceiling against the required SNR, pJ/b and ratio, with and without the 3 dB
    design margin) are those the shipped model gives now."""
    import dataclasses

    from sikernel.power import calibration
    from sikernel.power.coefficients import DEFAULT_COEFFICIENTS

    p = next(q for q in calibration.CALIBRATION_POINTS if q.name.startswith("Khairi"))
    pinned = dataclasses.replace(p, rx_ffe_taps=16)
    with_margin = calibration.point_breakdown(pinned, DEFAULT_COEFFICIENTS)
    no_margin = calibration.point_breakdown(
        pinned, dataclasses.replace(DEFAULT_COEFFICIENTS, design_margin_db=0.0))
    es = with_margin.eq_settings
    assert es["mlsd"] and es["rx_ffe_taps"] == 16
    docs = repo_text("docs/energy-model.md", flat=True)
    ratio = with_margin.total_pj_per_bit / p.energy_pj_per_bit
    assert (f"16 taps only at ENOB {es['adc_enob']:g} with MLSD (post-EQ ceiling "
            f"{es['post_eq_snr_ceiling_db']:.2f} dB against the {es['snr_required_db']:.2f} dB "
            "required") in docs
    assert f"{with_margin.total_pj_per_bit:.2f} pJ/b, {ratio:.2f}× (shipped" in docs
    assert (f"the 16-tap design needs ENOB {no_margin.eq_settings['adc_enob']:g} "
            f"({no_margin.total_pj_per_bit:.2f} pJ/b, "
            f"{no_margin.total_pj_per_bit / p.energy_pj_per_bit:.2f}×)") in docs
    assert (f"Intel's 224G receiver needs ENOB {es['adc_enob']:g} under COM's 3 dB margin"
            in repo_text("README.md", flat=True))
