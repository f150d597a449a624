"""Crosstalk in the energy model's SI chain: stored fit, 93A-34, COM consistency, off = old, monotone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sikernel import SIKernelError
from sikernel.power import crosstalk as xt
from sikernel.power import energy_per_bit

from .conftest import P3CK, REPO, channel_path, repo_text
from .naive_crosstalk import sigma_xt2

BAUD = 53.125e9
# the stored fit against a refit of the same files with the same code (printed with repr: only
# last-bit differences of another CPU / BLAS are allowed)
REL_REFIT = 1e-9
# two implementations of 93A-34 on the same pulses (kernel quadratic form vs naive loops)
REL_SAME_FORMULA = 1e-9
#: a crosstalk-driven change of a configuration's FOM-optimal front end may lower the energy by this
#: much: a regression guard of model output, not physics.  Measured 5 December 2026 on the 20 dB,
#: 53 GBd synthetic channel at BER 1e-5: worst 0.85 % between scales 1.790 and 1.791 (the DFE goes
#: 8 -> 12 taps and the launch 0.349 -> 0.267 V), 0.75 % on a 0.02 grid over 0 ... 2.  It was 1e-3
#: (4.5e-5 between 1.75 and 2.0 seen then) until an audit found the 1.75 -> 1.80 step failing it: the
#: derandomised 12-example search had not drawn it.
REL_FOM_FLIP = 2e-2
#: crosstalk steps at least this large always raise the energy on that channel (measured 5 December
#: 2026 on the 0.02 grid over 0 ... 2: the least rise over a 0.5 step is 0.53 %, over 0.3 it is
#: 0.18 %; the dips of REL_FOM_FLIP are local)
XT_STEP_THAT_RISES = 0.5
# consistency of the synthetic 2-aggressor model with the 15 measured aggressors, both through
# sikernel's own COM (802.3ck KR preset, same thru): sigma_XT per package case within 1.5 dB,
# COM within 0.3 dB.  Measured 2026-12-03: sigma_XT +0.95 dB (case 1, 0.704 vs 0.631 mV) and
# +0.88 dB (case 2, 0.442 vs 0.399 mV); COM 5.44 vs 5.58 dB (-0.14 dB).  A consistency check of
# the compact model on the data it was fitted to (level from a receiver-weighted power, not COM).
XT_SIGMA_TOL_DB = 1.5
XT_COM_TOL_DB = 0.3
SHEETS = REPO.parent / "shared" / "reference" / "ieee-com-config"


def _synthetic_channel(loss_db: float = 20.0, baud: float = BAUD):
    from sikernel.power.table import synthetic_channel

    return synthetic_channel(loss_db, baud)


def test_stored_fit_matches_a_refit_of_the_ca_files():
    channel_path(xt.CA_FILES["thru"][0])  # skip (or fail in CI) without the channel folder
    m = xt.fit_ca(P3CK)
    for k, v in xt.CA_19P75DB.key().items():
        assert m.key()[k] == pytest.approx(v, rel=REL_REFIT), k
    for k in ("rms_residual_fext_db", "rms_residual_next_db", "level_correction_fext_db",
              "level_correction_next_db"):
        assert m.provenance[k] == pytest.approx(xt.CA_19P75DB.provenance[k], abs=1e-4), k


def test_model_reproduces_the_measured_power_sums_in_weighted_power():
    """The fitted level: receiver-weighted power of model = data over 0 < f <= f_b (by construction
    of the fit; checks the stored numbers against the files, not the fit code against itself)."""
    channel_path(xt.CA_FILES["thru"][0])
    f, h, fx, nx = xt.read_power_sums(P3CK)
    m = dataclasses.replace(xt.CA_19P75DB, packages=False)
    w = xt.level_weight(f, BAUD)
    sel = (f > 0) & (f <= BAUD)
    for data, model in ((fx, np.abs(m.fext(f, h, BAUD)) ** 2), (nx, np.abs(m.next(f, BAUD)) ** 2)):
        assert np.sum((w * model)[sel]) == pytest.approx(np.sum((w * data)[sel]), rel=1e-6)
    # and the shape: the measured power sums lie within the fit's residual band most of the way
    band = (f >= 0.02 * BAUD) & (f <= BAUD)
    err = 10 * np.log10(fx[band]) - 20 * np.log10(np.abs(m.fext(f, h, BAUD)[band]))
    assert np.sqrt(np.mean(err**2)) < 3.5  # rms 3.05 dB in the fit (plus the level shift)


@pytest.fixture(scope="module")
def com_real_and_synthetic():
    """sikernel COM (802.3ck KR preset) of the CA thru with its 15 measured aggressors and with
    the two synthetic power-sum aggressors (bare: COM adds the packages itself)."""
    from sikernel.channel.core import Channel
    from sikernel.channel.touchstone import read_touchstone
    from sikernel.eye.com import com

    thru = read_touchstone(channel_path(xt.CA_FILES["thru"][0]))
    m = dataclasses.replace(xt.CA_19P75DB, packages=False)

    def two_port(h, name):
        s = np.zeros((thru.f.size, 2, 2), dtype=complex)
        s[:, 1, 0] = s[:, 0, 1] = h
        return Channel(thru.f, s, name=name)

    real = com(thru, "802.3ck-kr", next=[P3CK / n for n in xt.CA_FILES["next"]],
               fext=[P3CK / n for n in xt.CA_FILES["fext"]])
    syn = com(thru, "802.3ck-kr", next=[two_port(m.next(thru.f, BAUD), "next_ps")],
              fext=[two_port(m.fext(thru.f, thru.s21, BAUD), "fext_ps")])
    return real, syn


def test_com_sigma_xt_of_the_synthetic_model_against_the_15_measured_aggressors(com_real_and_synthetic):
    real, syn = com_real_and_synthetic
    for cr, cs in zip(real.cases, syn.cases, strict=True):
        d_db = 20 * np.log10(cs.sigma["sigma_xt"] / cr.sigma["sigma_xt"])
        assert abs(d_db) < XT_SIGMA_TOL_DB, (cr.z_p_m, d_db)
    assert abs(syn.com_db - real.com_db) < XT_COM_TOL_DB


def _si_chain_sigma_xt_v() -> float:
    """σ_XT (V) of the energy model's own route at the CA's loss (19.75 dB): the SI chain's TX FFE x
    CTLE + 12-tap DFE search on the synthetic channel, at COM's A_v = A_fe."""
    from sikernel.power import si

    ch = _synthetic_channel(19.75)
    ps = si.pulse_set(ch.f, ch.s21, BAUD, 4, crosstalk=xt.CA_19P75DB)
    r = si._grid_family(ps, 12, si.DEFAULT_SI)
    return float(np.sqrt(r["var_xt"]) * si.DEFAULT_SI.a_ref_v)


def test_docs_crosstalk_fit_table_and_checks_are_these(com_real_and_synthetic):
    """docs/energy-model.md types the stored fit (its table) and the consistency check's figures:
    the table is ``CA_19P75DB`` (itself checked against a refit of the files above), the check's
    figures are the COM runs above (the 15 measured aggressors against the two synthetic ones) and
    the SI chain's route (audit 24b found them current but unguarded)."""
    doc = repo_text("docs/energy-model.md", flat=True)
    k, pv = xt.CA_19P75DB.key(), xt.CA_19P75DB.provenance

    def level(x: float) -> str:
        return f"{x:.3g} ({20 * np.log10(x):.1f} dB)".replace("(-", "(−")

    for row in (f"| k_F | {level(k['fext_k'])} | | k_N | {level(k['next_k'])} |",
                f"| p_F | {k['fext_p']:.3f} | | p_N | {k['next_p']:.2f} |",
                f"| β_F | {k['fext_beta']:.3f} | | u_sat | {k['next_u_sat']:g} (",
                f"| rms residual | {pv['rms_residual_fext_db']:.2f} dB | | rms residual | "
                f"{pv['rms_residual_next_db']:.2f} dB |",
                f"| level correction | {pv['level_correction_fext_db']:+.2f} dB | | level correction | "
                f"{pv['level_correction_next_db']:+.2f} dB |"):
        assert row in doc, row
    real, syn = com_real_and_synthetic
    r_mv = [1e3 * c.sigma["sigma_xt"] for c in real.cases]
    s_mv = [1e3 * c.sigma["sigma_xt"] for c in syn.cases]
    d_db = [20 * np.log10(s / r) for s, r in zip(s_mv, r_mv, strict=True)]
    si_mv = 1e3 * _si_chain_sigma_xt_v()
    for text in (f"σ_XT = {s_mv[0]:.3f} / {s_mv[1]:.3f} mV (package cases 1 / 2) against "
                 f"{r_mv[0]:.3f} / {r_mv[1]:.3f} mV from the 15 measured ones "
                 f"({d_db[0]:+.2f} / {d_db[1]:+.2f} dB",
                 f"COM {syn.com_db:.2f} dB against {real.com_db:.2f} dB",
                 f"gives σ_XT = {si_mv:.2f} mV at A_fe",
                 "(" + " / ".join(f"{20 * np.log10(si_mv / r):+.1f}" for r in r_mv).replace("-", "−")
                 + " dB;"):
        assert text in doc, text


def test_si_chain_sigma_xt_at_the_ca_loss_against_com_on_the_real_set(com_real_and_synthetic):
    """The energy model's own route -- synthetic channel of the CA's loss (19.75 dB), the SI
    chain's TX FFE x CTLE + 12-tap DFE search, the model with its package pair -- against COM on
    the real CA set.  COM's two package cases differ by 4 dB (0.631 / 0.399 mV); the SI chain
    gives 0.48 mV (measured 2026-12-06: -2.3 dB / +1.6 dB; 0.45 mV on 2026-12-03, before later
    SI-chain changes): it must lie between the two cases widened by XT_SIGMA_TOL_DB (different
    equaliser grids and packages: a consistency check)."""
    real, _ = com_real_and_synthetic
    sigma = _si_chain_sigma_xt_v()
    cases = [c.sigma["sigma_xt"] for c in real.cases]
    widen = 10 ** (XT_SIGMA_TOL_DB / 20)
    assert min(cases) / widen < sigma < max(cases) * widen, (sigma, cases)


def test_sigma_xt_of_the_si_chain_against_naive_93a_34():
    from sikernel.power import si

    ch = _synthetic_channel(20.0)
    ps = si.pulse_set(ch.f, ch.s21, BAUD, 4, crosstalk=xt.CA_19P75DB)
    assert ps.xt_basis.shape == (2, ps.basis.shape[0], ps.basis.shape[1])
    a_ref = si.DEFAULT_SI.a_ref_v
    for n_dfe in (0, 1, 4):
        r = si._grid_family(ps, n_dfe, si.DEFAULT_SI)
        k = r["ctle_index"]
        aggs = [ps.weights[k] @ ps.xt_basis[i] * a_ref for i in range(2)]
        ref = sigma_xt2(aggs, list(ps.xt_fext), r["tx_taps"], r["tx_offsets"], ps.samples_per_ui, 4)
        assert r["var_xt"] == pytest.approx(ref / a_ref**2, rel=REL_SAME_FORMULA), n_dfe
        assert r["var_xt"] > 0


def test_crosstalk_off_is_exactly_the_chain_without_it():
    """None, "none", 0 and a zero-scale model give bit-identical results to no argument.

    (That the no-crosstalk chain is the one before crosstalk existed is checked by
    tests/test_power.py::test_shipped_tables_match_a_fresh_si_chain: those tables were built
    before it and are unchanged.)"""
    ch = _synthetic_channel(22.0)
    ref = energy_per_bit(channel=ch, baud=BAUD).to_dict()
    for off in (None, "none", 0.0, dataclasses.replace(xt.CA_19P75DB, scale=0.0)):
        assert energy_per_bit(channel=ch, baud=BAUD, crosstalk=off).to_dict() == ref
        assert energy_per_bit(loss_db=22.0, baud=BAUD, crosstalk=off).to_dict() == \
            energy_per_bit(loss_db=22.0, baud=BAUD).to_dict()


@settings(max_examples=12)
@given(s1=st.floats(0.0, 2.0), ds=st.floats(0.001, 1.0))
def test_energy_dips_with_crosstalk_level_are_small(s1, ds):
    """On a 20 dB host channel at 53 GBd.  Not a theorem of the model: each configuration's
    equaliser is the FOM optimum (COM's rule), and a crosstalk-driven change of that optimum can
    drop a TX FFE tap and its serializer streams or move the CTLE and the DFE length (53 GBd, 30 dB:
    test_energy_can_fall_with_crosstalk_level), so the energy may dip locally, by at most
    REL_FOM_FLIP (a regression guard).  The invariant that does hold is
    test_fom_of_every_configuration_falls_with_crosstalk_level."""
    ch = _synthetic_channel(20.0)
    e1 = energy_per_bit(channel=ch, baud=BAUD, target_ber=1e-5, crosstalk=s1)
    e2 = energy_per_bit(channel=ch, baud=BAUD, target_ber=1e-5, crosstalk=s1 + ds)
    assert e2.total_pj_per_bit > e1.total_pj_per_bit * (1.0 - REL_FOM_FLIP), (s1, ds)


@settings(max_examples=8)
@given(s1=st.floats(0.0, 1.0), ds=st.floats(XT_STEP_THAT_RISES, 1.0))
def test_energy_increases_with_a_crosstalk_step(s1, ds):
    """Beyond the local dips the energy rises with the crosstalk: every step of at least
    XT_STEP_THAT_RISES on the same 20 dB channel costs energy (within the measured 0 ... 2 range)."""
    ch = _synthetic_channel(20.0)
    e1 = energy_per_bit(channel=ch, baud=BAUD, target_ber=1e-5, crosstalk=s1)
    e2 = energy_per_bit(channel=ch, baud=BAUD, target_ber=1e-5, crosstalk=s1 + ds)
    assert e2.total_pj_per_bit > e1.total_pj_per_bit, (s1, ds)


def test_energy_can_fall_with_crosstalk_level():
    """The documented counter-example (docs/energy-model.md section 1, crosstalk): on the 30 dB
    synthetic channel at 53 GBd, BER 1e-5, the energy at the CA's crosstalk is below that at 0.9 of
    it, because the FOM-optimal front end moves (regression guard of model output, rounded as typed)."""

    ch = _synthetic_channel(30.0)
    e09, e10 = (energy_per_bit(channel=ch, baud=BAUD, target_ber=1e-5, crosstalk=s) for s in (0.9, 1.0))
    assert e10.total_pj_per_bit < e09.total_pj_per_bit
    assert e10.eq_settings["ctle_gdc_db"] != e09.eq_settings["ctle_gdc_db"]
    doc = repo_text("docs/energy-model.md", flat=True)
    milder_db = e10.eq_settings["ctle_gdc_db"] - e09.eq_settings["ctle_gdc_db"]
    assert (f"{e09.total_pj_per_bit:.3f} pJ/b at 0.9 × the CA crosstalk, {e10.total_pj_per_bit:.3f} pJ/b "
            f"at 1.0, with a CTLE {milder_db:.0f} dB milder") in doc


@settings(max_examples=8)
@given(s1=st.floats(0.0, 2.0), ds=st.floats(0.05, 1.0), loss=st.sampled_from([10.0, 20.0, 30.0]))
def test_fom_of_every_configuration_falls_with_crosstalk_level(s1, ds, loss):
    """The FOM optimum over the same TX FFE x CTLE grid cannot rise when every point gets more
    noise: FOM_s2(opt_s2) <= FOM_s2(opt_s1) <= FOM_s1(opt_s1) (linear and analog families)."""
    from sikernel.power import si

    ch = _synthetic_channel(loss)
    fams = ("linear", "analog")
    f1 = si.op_table(si.pulse_set(ch.f, ch.s21, BAUD, 4, crosstalk=xt.resolve(s1)), families=fams)
    f2 = si.op_table(si.pulse_set(ch.f, ch.s21, BAUD, 4, crosstalk=xt.resolve(s1 + ds)), families=fams)
    assert np.all(f2.extra["fom_db"] <= f1.extra["fom_db"] + 1e-9), (f1.extra["fom_db"], f2.extra["fom_db"])


def test_crosstalk_enters_r2_only():
    """Aggressors add a variance scaling with A² (r2); the thermal noise is untouched."""
    from sikernel.power import si

    ch = _synthetic_channel(20.0)
    ps0 = si.pulse_set(ch.f, ch.s21, BAUD, 4)
    ps1 = si.pulse_set(ch.f, ch.s21, BAUD, 4, crosstalk=xt.CA_19P75DB)
    np.testing.assert_array_equal(ps0.var_n, ps1.var_n)
    np.testing.assert_array_equal(ps0.basis, ps1.basis)
    op = si.op_table(ps1, families=("linear", "analog", "dsp"))
    assert np.all(op.extra["var_xt"] > 0) and np.all(op.extra["var_xt"] < op.r2)


@pytest.mark.parametrize("bad", ["bogus", -1.0, float("nan"), [1.0]])
def test_bad_crosstalk_argument(bad):
    with pytest.raises(SIKernelError, match="crosstalk"):
        energy_per_bit(loss_db=10.0, baud=BAUD, crosstalk=bad)


@pytest.mark.parametrize("text", ["loud", "-1", "nan"])
def test_study_cli_rejects_a_bad_crosstalk_before_work(text, capsys, monkeypatch):
    import sikernel.study as study
    from sikernel.cli import main

    def boom(*a, **k):
        raise AssertionError("the study started before --crosstalk was checked")

    monkeypatch.setattr(study, "run_study", boom)
    assert main(["study", "--crosstalk", text]) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and "--crosstalk" in err[0], err


def test_bad_crosstalk_in_a_generation():
    from sikernel.system.standards import generation

    with pytest.raises(SIKernelError, match="crosstalk"):
        generation("51.2T", crosstalk="loud")


@pytest.mark.parametrize("tag", ["3ck_SA_KR", "3ck_SA_CR_CA", "3ck_SA_120F_C2C", "3ck_SA_120g_C2M",
                                 "df_200G_PAM4_RCos_C2C", "df_200G_PAM4_RCos_CAKR"])
def test_every_com_sheet_of_the_host_classes_has_aggressors(tag):
    """COM_INCLUDES_CROSSTALK: the sheets give far- and near-end aggressor amplitudes."""
    pytest.importorskip("python_calamine", reason="python-calamine not installed (extra com-sheets)")
    from sikernel.eye.config_sheet import read_sheet
    from sikernel.system.standards import COM_INCLUDES_CROSSTALK

    hits = sorted(Path(SHEETS).glob(f"config_com_ieee8023_93a=*{tag}*.xlsx")) if SHEETS.is_dir() else []
    if not hits:
        pytest.skip(f"IEEE COM config sheet *{tag}* not found under {SHEETS}")
    p = {k.strip().lower(): v for k, v in read_sheet(hits[0]).items()}
    assert float(p["a_fe"]) > 0 and float(p["a_ne"]) > 0
    assert all(COM_INCLUDES_CROSSTALK.values())


def test_study_host_links_carry_crosstalk_and_pay_for_it():
    from sikernel.system.account import PortModel
    from sikernel.system.standards import generation

    on = PortModel("lpo", generation("102.4T"))
    off = PortModel("lpo", generation("102.4T", crosstalk=None))
    assert on.crosstalk is xt.CA_19P75DB and off.crosstalk is None
    assert on.ends[0].pj_per_bit > off.ends[0].pj_per_bit
    assert on.ends[0].breakdown.meta["crosstalk"]["name"] == xt.CA_19P75DB.name



@pytest.mark.parametrize(("baud", "loss"), [(53.125e9, 20.0), (106.25e9, 25.0)])
def test_study_eye_shows_the_crosstalk_it_was_priced_with(baud, loss):
    """Same operating point: the equalised eye with the aggressors is lower (their σ_XT² at the
    launch swing joins the slicer noise); without the argument the eye is the former one."""
    from sikernel.system.eyes import eyes

    ch = _synthetic_channel(loss, baud)
    e = energy_per_bit(channel=ch, baud=baud, target_ber=1e-5, crosstalk="ca")
    plain, _, _ = eyes(ch, baud, e, 1e-5)
    assert eyes(ch, baud, e, 1e-5, crosstalk=None)[0] == plain
    with_xt, _, _ = eyes(ch, baud, e, 1e-5, crosstalk=xt.CA_19P75DB)
    assert with_xt["eye_height_equalised_v"] < plain["eye_height_equalised_v"]
    assert with_xt["eye_height_unequalised_v"] == plain["eye_height_unequalised_v"]


@pytest.mark.parametrize(("entry", "loss"), [((53.125e9, 4, "host", "ca"), 20.0),
                                             ((106.25e9, 4, "host", "ca"), 25.0),
                                             ((106.25e9, 4, "xsr", "ca"), 8.0)])
def test_shipped_crosstalk_tables_match_a_fresh_si_chain(entry, loss):
    """A shipped crosstalk table row equals the SI chain with crosstalk rerun (catches stale tables)."""
    from sikernel.power import table

    path = table.packaged_path(entry)
    assert path.is_file(), f"missing shipped table {path.name}: python -m sikernel.power.table"
    t = table._load(path)
    baud, levels, kind, model = table.packaged_entry(entry)
    assert model is xt.CA_19P75DB
    i = int(np.argmin(np.abs(t.loss_db - loss)))
    fresh = table.raw_figures_at(float(t.loss_db[i]), baud, levels, kind=kind, crosstalk=model)
    for name, v in fresh.items():
        np.testing.assert_allclose(t.raw[name][i], v, rtol=1e-6, atol=0.0, err_msg=name)


@pytest.mark.parametrize(("gen", "arch"), [("51.2T", "pluggable"), ("51.2T", "cpo"), ("102.4T", "lpo"),
                                           ("102.4T", "npo")])
def test_study_host_link_energy_rises_with_crosstalk_level(gen, arch):
    """TX+RX energy of the switch end over the study's channel, 0 ... 1.5 x the CA crosstalk."""
    from sikernel.system.architectures import get_architecture
    from sikernel.system.assumptions import assumptions
    from sikernel.system.channels import DEFAULT_PATHS, build_channel, with_linear_path
    from sikernel.system.standards import generation

    g = generation(gen)
    a = get_architecture(arch)
    path = DEFAULT_PATHS[a.path]
    ch = build_channel(path, g.baud)
    end = a.ends[0]
    if end.linear:
        p = {k: v.value for k, v in assumptions(g).items()}
        ch = with_linear_path(ch, g.baud, p["linear_f3db_over_baud"], p["linear_penalty_db"])
    e = [energy_per_bit(channel=ch, baud=g.baud, node_nm=g.node_nm, exclude=path.exclude,
                        target_ber=g.target_ber(a.host_class), crosstalk=s).total_pj_per_bit
         for s in (0.0, 0.5, 1.0, 1.5)]
    assert np.all(np.diff(e) > 0), e
