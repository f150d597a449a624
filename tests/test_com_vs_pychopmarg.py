"""Real-channel COM against committed pychopmarg 3.4 values (an independent implementation).

The reference is ``tests/data/pychopmarg/com_802p3ck_kr_fixed_eq.json``, written by
``tests/data/pychopmarg/make_reference.py`` (which does not import sikernel; its command,
versions, every pychopmarg parameter and the sha256 of each channel are in the file).
Four IEEE P802.3ck thru channels, both package cases, each at one fixed TX FFE + CTLE
setting, so that the equaliser search cannot hide a difference in the FOM or the COM.

sikernel runs on the same settings, every one explicit (``tests/com_explicit.py``: not a
named preset, so that retuning the presets does not move this comparison), the same
package (gamma0 = 1e-7 /mm as the peer needs) and the peer's sampling-point rule
(``mm_rule="peak", mm_exact_tol_v=1e-3``, its ``loc_curs``).

Sampling grid.  sikernel follows the IEEE COM reference code's time grid: the TX rise-time
filter carries a 3 T_r delay (``s21_pkg``) and the pulse is the discrete M-sample rectangle,
half a sample later than the continuous one; pychopmarg uses neither.  At a fixed
equalisation the two grids (0.25 sample apart here) let the Mueller-Mueller rule pick
different samples, which alone moves COM by 0.04-0.55 dB (measured by
test_unshifted_gap_typed_in_the_docs_is_current).  The test
compares on the peer's grid: the thru channel's transmission terms are advanced by
3 T_r - T/(2M) before sikernel sees it (:func:`_on_peer_grid`; a pure time shift of the
transmission path, its reflections untouched).

Why the shift is legitimate (and what it does not hide).  sikernel's COM searches every
sample of its own grid for the sampling point, so a delay of the channel by whole samples
leaves COM unchanged (up to the impulse-response cut and band edge: about 0.016 dB measured);
only the delay modulo one sample (T/M) matters, and 3 T_r - T/(2M) is 40.3 samples here, so
the two grids differ by a sub-sample phase (0.3 sample), not by a sampling convention
(cursor, 93A-25 sampling point, pulse definition) that could hide a physics difference.  What
a sub-sample phase does to COM is the M = 32 quantisation of the Mueller-Mueller sampling
point: at these fixed settings sikernel's own COM moves by up to 0.85 dB (CA_19p75dB) as the
channel is delayed through one sample, a saw-tooth that the IEEE reference code, on the same
grid as sikernel, has too.  :func:`test_unshifted_gap_is_bounded_by_the_grid_phase` shows it:
integer-sample delays move nothing, and without the shift the disagreement with pychopmarg
lies inside the range of sikernel's COM over sub-sample phases (plus ``COM_TOL_DB``).  The
shift therefore removes a grid-phase offset between the two codes (pychopmarg's grid differs
from the IEEE reference code's; sikernel keeps the IEEE code's), so that the rest of the
arithmetic can be compared at 0.15 dB.  Other differences left: the peer's FOM
counts 5 pre-cursors of ISI (the fixed RX FFE it needs, see the script), sikernel's every
pre-cursor of the record (93A-31); sikernel integrates sigma_N over the channel data's band
and cuts impulse responses at 1e-3 of their peak, as the IEEE code does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from sikernel.channel.core import Channel
from sikernel.channel.package import PACKAGES
from sikernel.channel.touchstone import read_touchstone
from sikernel.eye.com import com

from .com_explicit import PACKAGE_KEY, fixed_eq, kr_93a_preset, kr_package
from .conftest import channel_path, repo_text

REF_FILE = Path(__file__).parent / "data" / "pychopmarg" / "com_802p3ck_kr_fixed_eq.json"
REF = json.loads(REF_FILE.read_text())

#: COM agreement with pychopmarg 3.4 (dB), per package case, on the peer's sampling grid.
#: Source: this comparison at commit c145c91 (2026-12-03): worst |difference| 0.144 dB
#: (Tp0, z_p = 31 mm), 0.003-0.137 dB elsewhere (before sikernel adopted the IEEE code's
#: sigma_N band and impulse cut, f495008: 0.115 dB); the README quotes this tolerance.
COM_TOL_DB = 0.15
#: FOM agreement with pychopmarg 3.4 (dB), per package case.  Same run: worst |difference|
#: 0.157 dB (CA_19p75dB, z_p = 31 mm).
FOM_TOL_DB = 0.17

ROWS = {r["file"]: r for r in REF["channels"]}

#: whole-sample delays of the channel leave sikernel's COM unchanged but for the impulse-response
#: cut at 1e-3 of the peak and the finite band (not shift invariant): measured <= 0.015 dB on
#: the 4 channels, delays -3..+1 samples (2026-12-03, tidy branch), 0.0158 dB on 2026-12-06
WHOLE_SAMPLE_SHIFT_TOL_DB = 0.02
#: sub-sample phases (k / N_PHASES of a sample) over which sikernel's COM range is taken
N_PHASES = 8


@pytest.fixture
def explicit_package(monkeypatch):
    monkeypatch.setitem(PACKAGES, PACKAGE_KEY, kr_package(gamma0_per_mm=1e-7))


def _on_peer_grid(ch: Channel, p) -> Channel:
    """``ch`` with S21 and S12 advanced by 3 T_r - T/(2M): cancels the IEEE-code grid offset
    (rise-time filter delay, discrete-rectangle half sample) that pychopmarg does not have."""
    shift_s = (3.0 * p.t_r_s if p.force_tr else 0.0) - 0.5 / (p.baud_hz * p.samples_per_ui)
    adv = np.exp(2j * np.pi * ch.f * shift_s)
    s = ch.sdd.copy()
    s[:, 1, 0] *= adv
    s[:, 0, 1] *= adv
    return Channel(ch.f, s, ch.z0_ohm, ch.name)


def _delayed(ch: Channel, delay_s: float) -> Channel:
    """``ch`` with S21 and S12 delayed by ``delay_s`` (reflections untouched)."""
    d = np.exp(-2j * np.pi * ch.f * delay_s)
    s = ch.sdd.copy()
    s[:, 1, 0] *= d
    s[:, 0, 1] *= d
    return Channel(ch.f, s, ch.z0_ohm, ch.name)


def _ours(row: dict):
    path = channel_path(row["file"])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], \
        f"{path} is not the file the pychopmarg reference was computed on"
    z = tuple((zp * 1e-3, zp * 1e-3) for zp in row["z_p_mm"])
    p = kr_93a_preset(z_p_cases_m=z, mm_rule="peak", mm_exact_tol_v=1e-3,
                      **fixed_eq(row["tx_taps_m3_m2_m1_p1"], row["ctle_gdc_db"], row["ctle_gdc2_db"]))
    return com(_on_peer_grid(read_touchstone(path), p), preset=p)


def test_reference_settings_are_the_explicit_ones():
    """The committed peer parameters equal those spelled out in tests/com_explicit.py."""
    p = kr_93a_preset()
    pkg = kr_package()
    for row in ROWS.values():
        cp = row["com_params"]
        assert cp["fb"] * 1e9 == p.baud_hz and cp["M"] == p.samples_per_ui and cp["L"] == p.n_levels
        assert cp["fstep"] * 1e9 == pytest.approx(p.df_hz)
        assert (cp["A_v"], cp["A_fe"], cp["A_ne"]) == (p.a_v_v, p.a_fe_v, p.a_ne_v)
        assert (cp["SNR_TX"], cp["sigma_Rj"], cp["A_DD"], cp["RLM"], cp["DER_0"]) == \
            (p.snr_tx_db, p.sigma_rj_ui, p.a_dd_ui, p.r_lm, p.der0)
        assert cp["eta_0"] * 1e-9 == pytest.approx(p.eta0_v2_per_hz, rel=1e-12)
        assert cp["T_r"] * 1e-9 == pytest.approx(p.t_r_s, rel=1e-12)
        assert (cp["f_z"] * 1e9, cp["f_p1"] * 1e9, cp["f_p2"] * 1e9, cp["f_LF"] * 1e9) == pytest.approx(
            (p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz, p.ctle_f_lf_hz), rel=1e-12)
        assert cp["f_r"] == p.f_r_ratio and cp["c0_min"] == p.c0_min and cp["R_0"] == p.r0_ohm
        np.testing.assert_array_equal(cp["dfe_max"], p.dfe_bmax)
        assert np.ravel(cp["C_d"]) * 1e-9 == pytest.approx([pkg.cd_f[0]] * 2, rel=1e-12)
        assert np.ravel(cp["L_s"]) * 1e-9 == pytest.approx([pkg.ls_h[0]] * 2, rel=1e-12)
        assert cp["C_b"] == pytest.approx([pkg.cb_f * 1e9] * 2) and \
            cp["C_p"] == pytest.approx([pkg.cp_f * 1e9] * 2)
        assert tuple(cp["z_c"]) == pkg.zc_ohm and cp["z_pB"] * 1e-3 == pytest.approx(pkg.section_m[1])
        assert (cp["a1"], cp["a2"], cp["tau"], cp["gamma0"]) == \
            (pkg.a1, pkg.a2, pkg.tau_ns_per_mm, pkg.gamma0_per_mm)


@pytest.mark.channels
@pytest.mark.parametrize("name", list(ROWS))
def test_com_and_fom_agree_with_pychopmarg(name, explicit_package, record_property):
    row = ROWS[name]
    r = _ours(row)
    assert len(r.cases) == len(row["case_com_db"]) == 2
    for case, com_ref, fom_ref in zip(r.cases, row["case_com_db"], row["case_fom_db"], strict=True):
        np.testing.assert_array_equal(case.tx_taps[case.tx_offsets != 0], row["tx_taps_m3_m2_m1_p1"])
        record_property("validation:com-pychopmarg", abs(case.com_db - com_ref))
        record_property("validation:fom-pychopmarg", abs(case.fom_db - fom_ref))
        assert abs(case.com_db - com_ref) <= COM_TOL_DB, (name, case.z_p_m, case.com_db, com_ref)
        assert abs(case.fom_db - fom_ref) <= FOM_TOL_DB, (name, case.z_p_m, case.fom_db, fom_ref)
    assert abs(r.com_db - row["com_db"]) <= COM_TOL_DB


@pytest.mark.channels
def test_unshifted_gap_is_bounded_by_the_grid_phase(explicit_package):
    """Without :func:`_on_peer_grid`: (1) a delay by whole samples leaves sikernel's COM as it
    is (its sampling-point search covers every sample of its grid); (2) COM over the sub-sample
    phases k/8 of a sample spans more than the comparison tolerance (the M-sample quantisation
    of the Mueller-Mueller point); (3) the unshifted disagreement with pychopmarg is within that
    span plus ``COM_TOL_DB``: the grid phase, not a convention, is what the shift removes.
    CA_19p75dB: the channel where the unshifted gap is largest (0.55 dB)."""
    row = ROWS["CA_19p75dB_thru.s4p"]
    z = tuple((zp * 1e-3, zp * 1e-3) for zp in row["z_p_mm"])
    p = kr_93a_preset(z_p_cases_m=z, mm_rule="peak", mm_exact_tol_v=1e-3,
                      **fixed_eq(row["tx_taps_m3_m2_m1_p1"], row["ctle_gdc_db"], row["ctle_gdc2_db"]))
    ch = read_touchstone(channel_path(row["file"]))
    dt = 1.0 / (p.baud_hz * p.samples_per_ui)

    def case_com(delay_s: float) -> np.ndarray:
        return np.array([c.com_db for c in com(_delayed(ch, delay_s), preset=p).cases])

    own = case_com(0.0)
    for k in (1, -3):
        np.testing.assert_allclose(case_com(k * dt), own, rtol=0, atol=WHOLE_SAMPLE_SHIFT_TOL_DB)
    phases = np.array([own] + [case_com(k * dt / N_PHASES) for k in range(1, N_PHASES)])
    lo, hi = phases.min(axis=0), phases.max(axis=0)
    ref = np.array(row["case_com_db"])
    assert np.all(hi - lo > COM_TOL_DB)                       # the grid phase matters ...
    assert np.all(np.abs(own - ref) > COM_TOL_DB)             # ... and is the unshifted gap:
    assert np.all((ref >= lo - COM_TOL_DB) & (ref <= hi + COM_TOL_DB))
    # the figures docs/validation.md types (audit 25: the shift read 30.7 samples, it is 40.3)
    shift = (3.0 * p.t_r_s - 0.5 * dt) / dt
    doc = repo_text("docs/validation.md", flat=True)
    for text in (f"the shift is {shift:.1f} samples, i.e. a {shift % 1.0:.1f}-sample phase",
                 f"moves by up to {(hi - lo).max():.2f} dB (CA_19p75dB, M = 32)"):
        assert text in doc, text


@pytest.mark.channels
def test_unshifted_gap_typed_in_the_docs_is_current(explicit_package):
    """Regression guard: the range of |COM sikernel - COM pychopmarg| on sikernel's own (IEEE-code)
    grid, without :func:`_on_peer_grid`, over every channel and package case of the reference,
    is the one the README, docs/models.md and docs/validation.md type."""
    gaps = []
    for row in ROWS.values():
        z = tuple((zp * 1e-3, zp * 1e-3) for zp in row["z_p_mm"])
        p = kr_93a_preset(z_p_cases_m=z, mm_rule="peak", mm_exact_tol_v=1e-3,
                          **fixed_eq(row["tx_taps_m3_m2_m1_p1"], row["ctle_gdc_db"], row["ctle_gdc2_db"]))
        own = [c.com_db for c in com(read_touchstone(channel_path(row["file"])), preset=p).cases]
        gaps += list(np.abs(np.array(own) - np.array(row["case_com_db"])))
    lo, hi = f"{min(gaps):.2f}", f"{max(gaps):.2f}"

    assert f"differed from pychopmarg by {lo}–{hi} dB" in repo_text("README.md", flat=True)
    models = repo_text("docs/models.md", flat=True)
    assert f"moves fixed-EQ COM by {lo}–{hi} dB against pychopmarg's" in models
    assert f"pychopmarg differ by {lo}–{hi} dB" in repo_text("docs/validation.md", flat=True)
