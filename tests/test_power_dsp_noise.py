"""The DSP receiver's MMSE RX FFE solved at several noise levels (si.DSP_MMSE_NOISE_DB).

The energy budget runs the receiver at its own swing and noise density, not at the COM
reference noise; an MMSE (Wiener) equaliser solved at the reference noise leaves residual ISI
that the budget then counts as a ceiling.  These tests check the rows against first
principles: the thermal noise of a row is ``wᵀ R w`` at the reference density (Toeplitz
autocorrelation, explicit loops), each row is the MMSE optimum at its own noise (Wiener:
no other row of the same taps has a smaller MSE there), and the energy model with the levels
is never worse than with the reference level alone.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sikernel.errors import LinkNotClosingError
from sikernel.power import energy_per_bit, si, table

BAUD = 106.25e9
LOSS_DB = 50.0
# rows recomputed by the same code in another order: only rounding differs
REL_SAME = 1e-12
# wᵀ R w by explicit loops against the MMSE's own noise term (same floating-point sums,
# another order of summation)
REL_NOISE = 1e-9
# Wiener optimality: the MSE of the optimum may tie another row's to rounding
REL_WIENER = 1e-9


@pytest.fixture(scope="module")
def chain():
    ch = table.synthetic_channel(LOSS_DB, BAUD, "host")
    ps = si.pulse_set(ch.f, ch.s21, BAUD, 4)
    front = si._grid_family(ps, 1, si.DEFAULT_SI)
    fe = si.dsp_front_end(ps, si.DEFAULT_SI, front)
    return ps, front, fe


def _naive_quadratic(w: np.ndarray, acf: np.ndarray) -> float:
    total = 0.0
    for i in range(w.size):
        for j in range(w.size):
            lag = abs(i - j)
            total += w[i] * w[j] * (acf[lag] if lag < acf.size else 0.0)
    return total


def test_rows_cover_every_level_and_the_reference_rows_are_unchanged(chain):
    ps, front, fe = chain
    s = si.DEFAULT_SI
    rows = si._dsp_rows(ps, s, front)
    assert len(rows) == 2 * len(si.DSP_FFE_TAPS) * len(si.DSP_MMSE_NOISE_DB)
    assert si.DSP_MMSE_NOISE_DB[0] == 0.0
    h2 = front["h0"] ** 2
    for (n_pre, n_post), row in zip(si.DSP_FFE_TAPS, rows[0:2 * len(si.DSP_FFE_TAPS):2], strict=True):
        # the reference level is the receiver as it was before the levels existed (no noise_db)
        r = si.dsp_mmse(fe, n_pre, n_post, s)
        assert row["mmse_noise_db"] == 0.0
        assert row["var_isi"] == pytest.approx(r.mse_parts["isi"] * h2, rel=REL_SAME)
        assert row["var_n"] == pytest.approx(r.mse_parts["noise"] * s.a_ref_v ** 2 * h2, rel=REL_SAME)


def test_row_noise_is_the_reference_noise_through_its_taps(chain):
    """var_n of every row = wᵀ R w with R the *reference* noise autocorrelation (not the scaled one)."""
    ps, front, fe = chain
    s = si.DEFAULT_SI
    rows = si._dsp_rows(ps, s, front)
    h2 = front["h0"] ** 2
    k = 0
    for noise_db in si.DSP_MMSE_NOISE_DB:
        for n_pre, n_post in si.DSP_FFE_TAPS:
            w = np.asarray(si.dsp_mmse(fe, n_pre, n_post, s, noise_db).rx_ffe_taps, dtype=float)
            row = rows[k]
            k += 2
            assert row["mmse_noise_db"] == noise_db
            # mmse normalises the taps to a unit main cursor at A_ref (w in 1/V): the noise in V²
            # at a slicer whose main cursor is h0·A_ref volts is wᵀ R w (h0 A_ref)²
            ref = _naive_quadratic(w, fe["noise_acf"]) * h2 * s.a_ref_v ** 2
            assert row["var_n"] == pytest.approx(ref, rel=REL_NOISE), (noise_db, n_pre, n_post)


def test_each_level_is_the_mmse_optimum_at_its_own_noise(chain):
    """Wiener: at noise level k the row solved at k has the least total MSE of its tap count."""
    fe = chain[2]
    s = si.DEFAULT_SI
    for n_pre, n_post in si.DSP_FFE_TAPS:
        res = {nd: si.dsp_mmse(fe, n_pre, n_post, s, nd) for nd in si.DSP_MMSE_NOISE_DB}
        for k_db in si.DSP_MMSE_NOISE_DB:
            scale = 10.0 ** (k_db / 10.0)

            def mse_at(r, nd, scale=scale):
                p = r.mse_parts
                noise_ref = p["noise"] * 10.0 ** (-nd / 10.0)
                return p["isi"] + p["tx_noise"] + scale * noise_ref

            own = mse_at(res[k_db], k_db)
            for nd, r in res.items():
                assert own <= mse_at(r, nd) * (1.0 + REL_WIENER), (n_pre, n_post, k_db, nd)


def test_less_noise_leaves_less_isi_and_more_noise_gain(chain):
    """Solved for less noise, the equaliser removes more ISI and enhances the noise more."""
    fe = chain[2]
    s = si.DEFAULT_SI
    for n_pre, n_post in si.DSP_FFE_TAPS:
        isi, gain = [], []
        for nd in si.DSP_MMSE_NOISE_DB:  # decreasing noise
            r = si.dsp_mmse(fe, n_pre, n_post, s, nd)
            isi.append(r.mse_parts["isi"])
            gain.append(r.mse_parts["noise"] * 10.0 ** (-nd / 10.0))
        assert all(b <= a * (1.0 + REL_WIENER) for a, b in itertools.pairwise(isi)), isi
        assert all(b >= a * (1.0 - REL_WIENER) for a, b in itertools.pairwise(gain)), gain


@pytest.mark.parametrize("loss_db", [45.0, LOSS_DB])
def test_energy_with_levels_never_above_the_reference_level_alone(monkeypatch, loss_db):
    """The budget picks the cheapest closing level; with the reference level alone it can only
    do worse (same front end, a subset of the rows).  3 nm, BER 1e-4: at 45 dB both close and the
    levels pick -6 dB; at 50 dB the reference level alone does not close (its residual ISI caps
    the SNR) and the levels do -- the reach the change moves."""
    ch = table.synthetic_channel(loss_db, BAUD, "host")
    kw = {"channel": ch, "baud": BAUD, "modulation": "pam4", "node_nm": 3, "target_ber": 1e-4,
          "architecture": "dsp"}
    e = energy_per_bit(**kw)
    assert e.eq_settings["mmse_noise_db"] in si.DSP_MMSE_NOISE_DB
    assert e.eq_settings["mmse_noise_db"] < 0.0
    monkeypatch.setattr(si, "DSP_MMSE_NOISE_DB", (0.0,))
    if loss_db == LOSS_DB:
        with pytest.raises(LinkNotClosingError):
            energy_per_bit(**kw)
        return
    e0 = energy_per_bit(**kw)
    assert e0.eq_settings["mmse_noise_db"] == 0.0
    assert e.total_pj_per_bit < e0.total_pj_per_bit


def test_mmse_noise_reported_only_for_dsp_rows():
    e = energy_per_bit(loss_db=5.0, baud=53.125e9, architecture="analog")
    assert e.eq_settings["mmse_noise_db"] is None
    e = energy_per_bit(loss_db=30.0, baud=53.125e9, architecture="dsp")
    assert e.eq_settings["mmse_noise_db"] in si.DSP_MMSE_NOISE_DB
    assert math.isfinite(e.eq_settings["post_eq_snr_ceiling_db"])


def test_study_eye_receiver_is_the_chosen_level(chain):
    """The study's DSP eye (system.eyes) rebuilds the receiver at the chosen level: its slicer
    noise and quantisation coefficient are the chosen op-table row's (here a level below 0 dB)."""
    from sikernel.system import eyes

    ps, front, _ = chain
    s = si.DEFAULT_SI
    ch = table.synthetic_channel(LOSS_DB, BAUD, "host")
    e = energy_per_bit(channel=ch, baud=BAUD, modulation="pam4", node_nm=3, target_ber=1e-4,
                       architecture="dsp")
    nd = e.eq_settings["mmse_noise_db"]
    assert nd < 0.0
    op = si.op_table(ps, s, families=("dsp",))
    cols = [i for i in range(len(op)) if op.rx_ffe_taps[i] == e.eq_settings["rx_ffe_taps"]
            and bool(op.mlsd[i]) == e.eq_settings["mlsd"] and op.extra["mmse_noise_db"][i] == nd]
    assert len(cols) == 1
    rx = eyes._dsp_receiver(ps, e, front, s)
    assert rx["var_n_v2"] == pytest.approx(op.var_n[cols[0]], rel=REL_SAME)
    assert rx["q_coef"] == pytest.approx(op.q_coef[cols[0]], rel=REL_SAME)
