"""802.3ck C2M (Annex 120G): eye height, VEO, VEC and the C2M COM from the IEEE C2M sheet.

Reference: the IEEE 802.3 COM MATLAB code 4.50 run unedited under GNU Octave with the sheet
``config_com_ieee8023_93a=3ck_SA_120g_C2M_tp1a_08_17_2022.xlsx`` and a restricted TX FFE x
CTLE grid (``--set`` overrides; the full C2M search takes hours there), on real P802.3ck
channels.  The runs and the commands are in tests/data/ieee_com_octave/ (README.md); they are
not sikernel output.  The building blocks are checked against slow obvious versions
(brute-force PMF enumeration) and the reference code's own rules worked by hand (G_Qual).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.eye.c2m import ctle_qual, window_weights
from sikernel.eye.com import com
from sikernel.eye.config_sheet import com_preset_from_sheet
from tests.conftest import channel_path, repo_text
from tests.test_com_config_sheet import sheet_path

# A_s at the same setting (same pulse, no binning): relative, one tolerance for both comparisons
from tests.test_com_ieee_reference import RTOL_SAME_PULSE

DATA = Path(__file__).parent / "data" / "ieee_com_octave"
#: C2M COM vs the IEEE reference code per package case (dB).  Goal 0.1 dB (issue 12).  Seen
#: (2026-12-03): <= 0.007 dB without crosstalk, <= 0.019 dB with CA_19p75dB's 15 aggressors.
#: The reference's eye edges sit on PDF bins of min(A_s/1000, 10 uV).
TOL_C2M_VS_IEEE_DB = 0.05
#: VEC vs the reference (dB): 20 log10(2 A_s/VEO) magnifies a VEO error by 2 A_s/VEO (4-6
#: here) against the COM.  Seen <= 0.021 dB without crosstalk, <= 0.060 dB with 15 aggressors.
TOL_VEC_VS_IEEE_DB = 0.1
#: VEO vs the reference (V): 10 PDF bins of 10 uV.  Seen <= 3 bins without crosstalk, 5 with.
TOL_VEO_VS_IEEE_V = 100e-6

C2M = "3ck_SA_120g_C2M_tp1a"


def _taps(cm1, cm2, cm3, cp1) -> tuple:
    """sikernel tx_taps rows for the reference's c(-1), c(-2), c(-3), c(1) lists (min, max, step)."""
    def row(o, v):
        v = np.atleast_1d(np.asarray(v, dtype=float))
        return (o, float(v[0]), float(v[-1]), float(round(v[1] - v[0], 12)) if v.size > 1 else 0.0)
    return (row(-3, cm3), row(-2, cm2), row(-1, cm1), row(1, cp1))


#: Octave runs (tests/data/ieee_com_octave/) and the same restriction as sikernel overrides
RUNS = {
    "c2m_c2c12_pt_450.json": dict(
        tx_taps=_taps(-0.1, 0.02, 0.0, -0.04), ctle_gdc_db=(-6.0,), ctle_gdc2_db=(-1.0,)),
    "c2m_c2c12_grid_450.json": dict(
        tx_taps=_taps(np.arange(-0.18, -0.01, 0.04), 0.02, 0.0, [-0.08, -0.04]),
        ctle_gdc_db=(-8.0, -6.0, -4.0), ctle_gdc2_db=(-1.0, 0.0)),
    "c2m_dpo4_grid_450.json": dict(
        tx_taps=_taps([-0.24, -0.22, -0.20], 0.06, -0.02, 0.0), ctle_gdc_db=(-5.0, -4.0, -3.0),
        ctle_gdc2_db=(-2.0, -1.0)),
    # 15 x 3 TX settings, one CTLE: Local Search 2 skips 20 / 23 of the 45 (replayed here)
    "c2m_c2c12_ls_450.json": dict(
        tx_taps=_taps(np.round(np.arange(-0.30, -0.019, 0.02), 2), [0.0, 0.02, 0.04], 0.0, -0.04),
        ctle_gdc_db=(-4.0,), ctle_gdc2_db=(-1.0,)),
    # with the 7 FEXT + 8 NEXT aggressors of CA_19p75dB (crosstalk PMF in the read-out)
    "c2m_ca_xt_pt_450.json": dict(
        tx_taps=_taps(-0.18, 0.04, 0.0, 0.0), ctle_gdc_db=(-9.0,), ctle_gdc2_db=(-3.0,)),
}


def _present(name: str) -> bool:
    return (DATA / name).is_file()


@pytest.mark.channels
@pytest.mark.parametrize("run", [r for r in RUNS if _present(r)])
def test_c2m_matches_ieee_reference(run: str, record_property) -> None:
    """Chosen CTLE and TX FFE, A_s, VEO, VEC and C2M COM per package case as COM 4.50."""
    ref = json.loads((DATA / run).read_text())
    thru = channel_path(Path(ref["channel_file"]).name)
    nexts = [channel_path(Path(f).name) for f in ref["next_files"]]
    fexts = [channel_path(Path(f).name) for f in ref["fext_files"]]
    r = com(thru, next=nexts, fext=fexts, config=sheet_path(C2M), **RUNS[run])
    assert len(r.cases) == len(ref["cases"])
    for i, (c, o) in enumerate(zip(r.cases, ref["cases"], strict=True)):
        where = f"{run} case {i + 1}"
        assert (c.ctle_gdc_db, c.ctle_gdc2_db) == (o["CTLE_DC_gain_dB"], o["g_DC_HP"]), where
        np.testing.assert_allclose(c.tx_taps[c.tx_taps != 0], np.asarray(o["TXLE_taps"])[
            np.asarray(o["TXLE_taps"]) != 0], atol=1e-9, err_msg=where)
        assert c.a_s * 1e3 == pytest.approx(o["available_signal_after_eq_mV"], rel=RTOL_SAME_PULSE), where
        record_property("validation:c2m-com-ieee-code", abs(c.com_db - o["com_db"]))
        record_property("validation:c2m-vec-ieee-code", abs(c.c2m["vec_db"] - o["VEC_dB"]))
        record_property("validation:c2m-veo-ieee-code", abs(c.c2m["veo_v"] - o["VEO_mV"] * 1e-3))
        assert c.c2m["veo_v"] == pytest.approx(o["VEO_mV"] * 1e-3, abs=TOL_VEO_VS_IEEE_V), where
        assert c.c2m["vec_db"] == pytest.approx(o["VEC_dB"], abs=TOL_VEC_VS_IEEE_DB), where
        assert c.com_db == pytest.approx(o["com_db"], abs=TOL_C2M_VS_IEEE_DB), where
    # docs/models.md's accuracy table (4.7): this run's two rows, every cell
    for i, (doc, c, o) in enumerate(zip(_c2m_doc_rows(run), r.cases, ref["cases"], strict=True)):
        got = (c.com_db, c.c2m["vec_db"], c.c2m["veo_v"] * 1e3)
        want = (o["com_db"], o["VEC_dB"], o["VEO_mV"])
        assert doc == [_cells(want), _cells(got), _cells(np.subtract(got, want), signed=True)], (
            f"{run} case {i + 1}: docs/models.md C2M table row", doc)


def _cells(com_vec_veo, signed: bool = False) -> str:
    """'COM / VEC / VEO' as docs/models.md's C2M table types it (dB, dB, mV; U+2212 minus;
    a difference that rounds to zero unsigned)."""
    out = []
    for x, nd in zip(com_vec_veo, (3, 3, 2), strict=True):
        t = f"{x:+.{nd}f}" if signed else f"{x:.{nd}f}"
        out.append(t.lstrip("+-") if float(t) == 0 else t.replace("-", "\u2212"))
    return " / ".join(out)


def _c2m_doc_rows(run: str) -> list[list[str]]:
    """The IEEE, sikernel and difference cells of a run's two rows (package cases) in
    docs/models.md's C2M table; units dropped."""
    lines = repo_text("docs/models.md").splitlines()
    first = [k for k, ln in enumerate(lines) if f"(`{run.removesuffix('.json')}`)" in ln]
    assert len(first) == 1, (run, first)
    return [[c.replace(" dB", "").replace(" mV", "").strip() for c in ln.split("|")[3:6]]
            for ln in lines[first[0]:first[0] + 2]]


@pytest.mark.channels
def test_c2m_no_eye_fails_like_the_reference() -> None:
    """DPO_4in at c(-1) = -0.1, c(-2) = 0.02, c(1) = -0.04, g_DC = -6, g_DC2 = -1: the reference
    code reports 'equalization failed' (no eye in either C2M pass; run
    c2m_dpo4_pt_450: see tests/data/ieee_com_octave/README.md); sikernel raises, naming why."""
    thru = channel_path("DPO_4in_Meg7_THRU.s4p")
    with pytest.raises(SIKernelError, match="no TX FFE x CTLE setting gives an eye"):
        com(thru, config=sheet_path(C2M), **RUNS["c2m_c2c12_pt_450.json"])


def test_c2m_sheet_values() -> None:
    """The C2M sheet's keywords as read (values typed in the sheet: mUI, mV, UI, dB)."""
    p, prov = com_preset_from_sheet(sheet_path(C2M))
    assert p.pmd_type == "C2M"
    assert (p.c2m_t_o_mui, p.c2m_samples_per_ui, p.c2m_sigma_r_ui) == (50.0, 100, 0.02)
    assert p.c2m_window.lower() == "gaussian"
    assert p.c2m_min_veo_test_v == pytest.approx(5e-3) and p.c2m_eh_min_v == pytest.approx(10e-3)
    assert p.c2m_vec_pass_db == 12.0
    assert p.ctle_g2qual_db == (0.0, -1.0, -2.0, -3.0)
    assert p.ctle_gqual_db == ((-2.0, -9.0), (-2.0, -11.0), (-4.0, -10.0), (-4.0, -9.0))
    # TX package 1.2e-4 nF / 0.12 nH / 3e-5 nF / 8.7e-5 nF with 1.8 mm fixed; RX end: nothing
    paths = dict(p.package_paths)
    assert p.package.cp_f == pytest.approx(8.7e-14) and p.package.section_m[1] == pytest.approx(1.8e-3)
    rx = paths["rx"]
    assert rx.cp_f == 0 and rx.cb_f == 0 and all(c == 0 for c in rx.cd_f) and rx.section_m[1] == 0
    np.testing.assert_allclose(p.z_p_cases_m, ((15e-3, 0.0), (30e-3, 0.0)))
    for k in ("T_O", "PMD_type", "G_Qual", "Min_VEO_Test", "Histogram_Window_Weight"):
        assert k in prov["used"]


def _qual_by_hand(g: float, h: float) -> bool:
    """The sheet's G_Qual / G2_Qual table as optimize_fom builds it, written out: g_DC2 = 0 ->
    g_DC in [-9, -2); -1 <= g_DC2 < 0 -> [-11, -2); -2 <= g_DC2 < -1 -> [-10, -4);
    -3 <= g_DC2 < -2 -> [-9, -4)."""
    if h == 0:
        return -9 <= g < -2
    if -1 <= h < 0:
        return -11 <= g < -2
    if -2 <= h < -1:
        return -10 <= g < -4
    if -3 <= h < -2:
        return -9 <= g < -4
    return False


def test_ctle_qual_matches_the_reference_rule() -> None:
    p, _ = com_preset_from_sheet(sheet_path(C2M))
    settings = np.array([(g, h) for h in p.ctle_gdc2_db for g in p.ctle_gdc_db])
    got = ctle_qual(settings, p.ctle_gqual_db, p.ctle_g2qual_db)
    want = np.array([_qual_by_hand(g, h) for g, h in settings])
    np.testing.assert_array_equal(got, want)
    assert ctle_qual(settings, (), ()).all()


def test_gaussian_window_has_sigma_r() -> None:
    """T_O = 50 mUI at 100 samples/UI = 5 samples; sigma_r = 0.02 UI = 2 samples."""
    w = window_weights("Gaussian", 5, 50 / 0.02 / 1000)
    np.testing.assert_allclose(w, np.exp(-0.5 * (np.arange(-5, 6) / 2.0) ** 2))
    assert window_weights("rectangle", 3, 1.0).tolist() == [1.0] * 7
    with pytest.raises(SIKernelError, match="Histogram_Window_Weight"):
        window_weights("hann", 5, 2.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampled_pmf_equals_brute_force(seed: int) -> None:
    """get_pdf_from_sampled_signal (rounded deltas) against the enumeration of all L^K symbol
    patterns, each pattern's sum of per-sample rounded bins."""
    from sikernel.eye.c2m import _pmf

    rng = np.random.default_rng(seed)
    dy = 1e-3
    v = rng.normal(0, 0.01, 6)
    v[0] = 0.4e-3                                   # below one bin: dropped
    y, lo = _pmf(v, 4, dy)
    lv = np.array([-1, -1 / 3, 1 / 3, 1])
    keep = v[np.abs(v) > dy]
    ref: dict[int, float] = {}
    for a in itertools.product(range(4), repeat=keep.size):
        b = sum(int(np.sign(x) * np.floor(np.abs(x) + 0.5))
                for x in np.abs(keep) * lv[list(a)] / dy)
        ref[b] = ref.get(b, 0.0) + 4.0 ** -keep.size
    got = {lo + i: float(p) for i, p in enumerate(y) if p > 0}
    assert got.keys() == ref.keys()
    for k in ref:
        assert got[k] == pytest.approx(ref[k], rel=1e-12)


def test_c2m_bad_input_named() -> None:
    sheet = sheet_path(C2M)
    line = np.zeros(1)
    with pytest.raises(SIKernelError, match="T_O"):
        com(line, config=sheet, c2m_t_o_mui=5.0)
    with pytest.raises(SIKernelError, match="c2m_window"):
        com(line, config=sheet, c2m_window="hann")
    with pytest.raises(SIKernelError, match="dfe_n_bg"):
        com(line, config=sheet, dfe_n_bg=3)
    with pytest.raises(SIKernelError, match="pmd_type"):
        com(line, config=sheet, pmd_type="C2X")


@pytest.mark.channels
def test_cli_c2m_reports_veo_and_vec(capsys) -> None:
    """``sikernel com THRU --config C2M_SHEET`` prints VEO, EH and VEC per case, the same as com()."""
    from sikernel.cli import main

    thru = channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p")
    args = ["com", str(thru), "--config", str(sheet_path(C2M)), "--set", "ctle_gdc_db=[-6.0]",
            "--set", "ctle_gdc2_db=[-1.0]",
            "--set", "tx_taps=[[-3,0,0,0],[-2,0.02,0.02,0],[-1,-0.1,-0.1,0],[1,-0.04,-0.04,0]]"]
    assert main(args) == 0
    out = capsys.readouterr().out
    r = com(thru, config=sheet_path(C2M), **RUNS["c2m_c2c12_pt_450.json"])
    for c in r.cases:
        assert f"VEO {c.c2m['veo_v'] * 1e3:.3f} mV" in out and f"VEC {c.c2m['vec_db']:.3f} dB" in out
    assert "VEC <= 12 dB" in out


#: the exploratory 802.3df 200G C2C sheet (Nov 2022): TX and RX package rows differ (C_p 0.05 /
#: 0.03 pF, fixed section 1 / 0.5 mm; NEXT as RX); COM 4.50 under Octave on a restricted grid
#: (README.md in tests/data/ieee_com_octave/), compared as tests/test_com_ieee_reference.py does
RUN_200G_C2C = ("c2c200g_c2c12_450.json", dict(
    tx_taps=_taps(-0.2, 0.0, 0.0, [-0.16, -0.14, -0.12]),
    ctle_gdc_db=tuple(float(g) for g in range(-18, -10)), ctle_gdc2_db=(-3.0, -2.0, -1.0)))


@pytest.mark.channels
@pytest.mark.skipif(not _present(RUN_200G_C2C[0]), reason="200G C2C reference run not committed")
def test_200g_c2c_sheet_separate_tx_rx_packages(record_property) -> None:
    """COM per package case (3 cases), chosen CTLE / TX FFE and A_s as COM 4.50 with the sheet's
    own TX and RX packages; with the TX package at both ends COM would move by 0.02-0.34 dB
    (and the CTLE choices change) on this grid, so the comparison sees the separation."""
    import warnings

    from tests.test_com_ieee_reference import TOL_COM_VS_IEEE_DB

    ref = json.loads((DATA / RUN_200G_C2C[0]).read_text())
    thru = channel_path(Path(ref["channel_file"]).name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # data end at 60 GHz < f_b = 106.25 GHz (warned)
        r = com(thru, config=sheet_path("df_200G_PAM4_RCos_C2C"), **RUN_200G_C2C[1])
    assert len(r.cases) == len(ref["cases"]) == 3
    for i, (c, o) in enumerate(zip(r.cases, ref["cases"], strict=True)):
        where = f"200G C2C case {i + 1}"
        assert (c.ctle_gdc_db, c.ctle_gdc2_db) == (o["CTLE_DC_gain_dB"], o["g_DC_HP"]), where
        assert c.a_s * 1e3 == pytest.approx(o["available_signal_after_eq_mV"], rel=RTOL_SAME_PULSE), where
        record_property("validation:c2c-200g-ieee-code", abs(c.com_db - o["com_db"]))
        assert c.com_db == pytest.approx(o["com_db"], abs=TOL_COM_VS_IEEE_DB), where
    # the same sheet with the TX package at both ends (the RX and NEXT rows dropped): other
    # CTLE choices and COM 0.02-0.34 dB away, so the comparison above sees the separation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preset, _ = com_preset_from_sheet(sheet_path("df_200G_PAM4_RCos_C2C"))
        one = com(thru, preset=dataclasses.replace(preset, package_paths=()), **RUN_200G_C2C[1])
    moved = [abs(a.com_db - b.com_db) for a, b in zip(one.cases, r.cases, strict=True)]
    assert 0.01 < min(moved) and max(moved) < 0.4, moved
    assert [(c.ctle_gdc_db, c.ctle_gdc2_db) for c in one.cases] != [
        (c.ctle_gdc_db, c.ctle_gdc2_db) for c in r.cases]
    # docs/models.md (4.7) types all three sets of figures
    def fig(xs, signed=False):
        return " / ".join((f"{x:+.3f}" if signed else f"{x:.3f}").replace("-", "\u2212") for x in xs)
    got = [c.com_db for c in r.cases]
    want = [o["com_db"] for o in ref["cases"]]
    phrase = (f"COM per case {fig(got)} dB against {fig(want)} "
              f"({fig(np.subtract(got, want), signed=True)} dB)")
    text = repo_text("docs/models.md", flat=True)
    assert phrase in text, phrase
    assert f"sikernel would give {fig([c.com_db for c in one.cases])} dB" in text


@given(st.lists(st.floats(-0.02, 0.02, allow_nan=False), min_size=1, max_size=12),
       st.sampled_from([2, 4]))
def test_sampled_pmf_is_a_symmetric_distribution(v: list, n_levels: int) -> None:
    """Invariants of get_pdf_from_sampled_signal: total mass 1, symmetric about 0 V (symmetric
    levels, MATLAB rounding half away from zero), support within sum |v|/dy + K bins."""
    from sikernel.eye.c2m import _pmf

    dy = 1e-4
    y, lo = _pmf(np.array(v), n_levels, dy)
    assert y.sum() == pytest.approx(1.0, abs=1e-12)
    assert -lo == lo + y.size - 1
    np.testing.assert_allclose(y, y[::-1], atol=1e-15)
    assert y.size <= 2 * (np.sum(np.abs(v)) / dy + len(v)) + 1


@pytest.mark.channels
def test_c2m_closed_eye_at_read_out_is_inf_with_a_warning(monkeypatch) -> None:
    """A read-out eye closed at DER_0 (VEO <= 0) gives VEC = +inf, a SIKernelWarning and a
    failing case, never a silent infinity (the reference prints about -313 dB)."""
    import dataclasses

    from sikernel.eye import c2m as c2m_mod

    real = c2m_mod.eye_height

    def closed_at_read_out(*args, **kwargs):
        e = real(*args, **kwargs)
        if "cci" not in kwargs:          # the search's calls: unchanged
            return e
        return dataclasses.replace(e, eh_top_v=-1e-3, eh_bot_v=1e-3)

    monkeypatch.setattr(c2m_mod, "eye_height", closed_at_read_out)
    thru = channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p")
    with pytest.warns(SIKernelWarning, match="eye is closed"):
        r = com(thru, config=sheet_path(C2M), **RUNS["c2m_c2c12_pt_450.json"])
    assert all(c.c2m["vec_db"] == np.inf for c in r.cases)
    assert not r.passed
    d = r.to_dict()
    assert all(c["c2m"]["vec_db"] is None for c in d["cases"])
    json.dumps(d, allow_nan=False)
