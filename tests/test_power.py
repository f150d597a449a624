"""Energy model: monotonicity, auto = minimum, units, calibration, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel import SIKernelError
from sikernel.power import calibration as cal
from sikernel.power import energy_per_bit
from sikernel.power.coefficients import DEFAULT_COEFFICIENTS, DOC, FITTED

BAUD = 53.125e9
REL_UNITS = 1e-12
# energy_per_bit_batch against the scalar path (same elementwise arithmetic)
REL_BATCH = 1e-12
# a shipped SI table row against the same chain rerun (same kernels and inputs; 1e-6 leaves room
# for last-bit differences of another CPU, not for a changed model)
REL_TABLE = 1e-6


@pytest.mark.parametrize("arch,hi", [("linear", 4.5), ("analog", 38.0), ("dsp", 45.0)])
@given(data=st.data())
def test_energy_strictly_increases_with_loss(arch, hi, data):
    loss = data.draw(st.floats(0.0, hi - 0.5))
    step = data.draw(st.floats(0.01, 0.5))
    e1 = energy_per_bit(loss_db=loss, baud=BAUD, architecture=arch)
    e2 = energy_per_bit(loss_db=loss + step, baud=BAUD, architecture=arch)
    assert e2.total_pj_per_bit > e1.total_pj_per_bit, (loss, step)


@pytest.mark.parametrize("loss", [3.0, 12.0, 22.0, 30.0])
def test_auto_is_minimum_over_closing_architectures(loss):
    auto = energy_per_bit(loss_db=loss, baud=BAUD)
    vals = []
    for arch in ("linear", "analog", "dsp"):
        try:
            vals.append(energy_per_bit(loss_db=loss, baud=BAUD, architecture=arch).total_pj_per_bit)
        except SIKernelError:
            pass
    assert vals
    assert math.isclose(auto.total_pj_per_bit, min(vals), rel_tol=1e-12)


def test_units_pj_times_gbps_is_mw():
    e = energy_per_bit(loss_db=10.0, baud=BAUD)
    assert math.isclose(e.power_mw, e.total_pj_per_bit * 2 * BAUD / 1e9, rel_tol=REL_UNITS)
    assert math.isclose(sum(e.blocks.values()), e.total_pj_per_bit, rel_tol=REL_UNITS)


def test_calibration_fit_inside_ranges_and_points_within_tolerance():
    r = cal.calibrate()
    for n in FITTED:
        assert DOC[n].low <= r.fitted[n] <= DOC[n].high, n
    for p, err in zip(cal.CALIBRATION_POINTS, r.relative_error, strict=True):
        assert abs(err) <= cal.TOLERANCE, (p.name, err)
    assert cal.TOLERANCE == 0.30


def test_default_coefficients_are_the_fit():
    r = cal.calibrate()
    for n in FITTED:
        assert math.isclose(getattr(DEFAULT_COEFFICIENTS, n), r.fitted[n], rel_tol=0.05), n


def test_negative_loss():
    with pytest.raises(SIKernelError):
        energy_per_bit(loss_db=-1.0, baud=BAUD)


@pytest.mark.parametrize("baud", [0.0, -1e9])
def test_bad_baud(baud):
    with pytest.raises(SIKernelError):
        energy_per_bit(loss_db=5.0, baud=baud)


def test_unknown_node():
    with pytest.raises(SIKernelError, match="known nodes"):
        energy_per_bit(loss_db=5.0, baud=BAUD, node_nm=9)


def test_unknown_architecture():
    with pytest.raises(SIKernelError, match="known"):
        energy_per_bit(loss_db=5.0, baud=BAUD, architecture="optical")


def test_too_lossy():
    with pytest.raises(SIKernelError, match="no architecture closes this link at BER"):
        energy_per_bit(loss_db=55.0, baud=BAUD)


def test_channel_and_loss_exclusive():
    with pytest.raises(SIKernelError):
        energy_per_bit(baud=BAUD)


def test_channel_path_matches_loss_path_roughly():
    from sikernel.power.table import synthetic_channel

    ch = synthetic_channel(15.0, BAUD)
    a = energy_per_bit(channel=ch, baud=BAUD)
    b = energy_per_bit(loss_db=15.0, baud=BAUD)
    assert math.isclose(a.il_nyquist_db, 15.0, abs_tol=0.01)
    assert a.architecture == b.architecture
    assert np.isclose(a.total_pj_per_bit, b.total_pj_per_bit, rtol=0.2)


@pytest.mark.parametrize("baud,levels,loss", [(53.125e9, 4, 20.0), (106.25e9, 4, 7.5),
                                              (12e9, 2, 3.0)])
def test_shipped_tables_match_a_fresh_si_chain(baud, levels, loss):
    """A shipped table row equals the SI chain rerun from scratch (catches stale tables)."""
    from sikernel.power import table
    from sikernel.power.si import DEFAULT_SI

    path = table.PACKAGED_DIR / f"power-table-{table._key(baud, levels, DEFAULT_SI)}.npz"
    assert path.is_file(), f"missing shipped table {path.name}: run python -m sikernel.power.table"
    t = table._load(path)
    i = int(np.argmin(np.abs(t.loss_db - loss)))
    fresh = table.raw_figures_at(float(t.loss_db[i]), baud, levels)
    for name, v in fresh.items():
        np.testing.assert_allclose(t.raw[name][i], v, rtol=REL_TABLE, atol=0.0, err_msg=name)


def test_table_envelopes_are_monotone_fits():
    from sikernel.power.table import get_table, isotonic_increasing

    t = get_table(53.125e9, 4)
    assert np.all(np.diff(t.figures["a"], axis=0) <= 0)
    for name in ("r2", "var_n", "q_coef"):
        env = t.figures["nsr_" + name]
        d = np.diff(env, axis=0)
        assert np.all((d > 0) | (env[1:] == 0)), name
    # the isotonic fit is the least-squares monotone sequence: against brute force on a small case
    y = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 4.5, 0.0])
    z = isotonic_increasing(y)
    assert np.all(np.diff(z) >= 0)
    rng = np.random.default_rng(1)
    for _ in range(200):
        w = np.sort(z + rng.normal(0, 0.5, z.size))
        assert np.sum((w - y) ** 2) >= np.sum((z - y) ** 2) - 1e-12


def test_real_channels_full_chain():
    """Measured 802.3ck channels through the full SI chain: IL matches the README table, the
    longer construction costs more, and a real channel (vias, connector) is no cheaper than a
    smooth synthetic line of the same loss."""
    from sikernel import read_touchstone

    from .conftest import channel_path

    short = energy_per_bit(channel=read_touchstone(channel_path("DPO_4in_Meg7_THRU.s4p")), baud=BAUD)
    long_ = energy_per_bit(channel=read_touchstone(channel_path("DPO_12in_Meg7_THRU.s4p")), baud=BAUD)
    assert math.isclose(short.il_nyquist_db, 12.17, abs_tol=0.02)
    assert math.isclose(long_.il_nyquist_db, 28.25, abs_tol=0.02)
    assert long_.total_pj_per_bit > short.total_pj_per_bit
    for e in (short, long_):
        smooth = energy_per_bit(loss_db=e.il_nyquist_db, baud=BAUD)
        assert e.total_pj_per_bit >= smooth.total_pj_per_bit * (1 - 0.02)
        assert e.si_path == "channel"


def test_bad_channel_type():
    with pytest.raises(SIKernelError, match="not a sikernel Channel"):
        energy_per_bit(channel=np.ones(10), baud=BAUD)


def test_bad_scope_and_ber():
    with pytest.raises(SIKernelError):
        energy_per_bit(loss_db=5.0, baud=BAUD, scope="both")
    with pytest.raises(SIKernelError):
        energy_per_bit(loss_db=5.0, baud=BAUD, target_ber=0.0)


def test_scopes_add_up():
    full = energy_per_bit(loss_db=18.0, baud=BAUD, architecture="analog")
    tx = energy_per_bit(loss_db=18.0, baud=BAUD, architecture="analog", scope="tx")
    rx = energy_per_bit(loss_db=18.0, baud=BAUD, architecture="analog", scope="rx")
    assert math.isclose(tx.total_pj_per_bit + rx.total_pj_per_bit, full.total_pj_per_bit, rel_tol=1e-12)


def test_newer_nodes_spend_less():
    e = [energy_per_bit(loss_db=15.0, baud=BAUD, node_nm=n).total_pj_per_bit for n in (28, 16, 7, 5, 3)]
    assert all(a > b for a, b in itertools.pairwise(e)), e


def test_breakdown_reports_si_operating_point():
    e = energy_per_bit(loss_db=30.0, baud=BAUD, architecture="dsp")
    s = e.eq_settings
    assert s["adc_enob"] is not None and 3.0 <= s["adc_enob"] <= 8.0
    assert s["rx_ffe_taps"] >= 8
    assert 0.0 < s["launch_peak_v"] <= 0.6
    assert s["post_eq_snr_ceiling_db"] > s["snr_required_db"]
    assert e.blocks["adc"] > 0 and e.blocks["dsp_ffe"] > 0 and e.blocks["slicers_dfe"] == 0


def test_beyond_table_is_too_lossy():
    with pytest.raises(SIKernelError, match="no architecture closes this link at BER"):
        energy_per_bit(loss_db=75.0, baud=BAUD)


@pytest.mark.parametrize("kw", [{}, {"architecture": "analog"},
                                {"baud": 56.5e9, "node_nm": 5, "target_ber": 1e-9},
                                {"baud": 12e9, "modulation": "nrz", "node_nm": 32,
                                 "clocking": "forwarded"},
                                {"exclude": ("linear",), "scope": "rx"}])
def test_batch_equals_scalar_point_by_point(kw, rng):
    """energy_per_bit_batch equals energy_per_bit(loss_db=x) at every point (incl. non-closing)."""
    from sikernel.power import energy_per_bit_batch
    from sikernel.power.budget import BLOCKS, FAMILIES

    loss = np.concatenate([rng.uniform(0.0, 62.0, 60), [0.0, 0.5, 33.0, 60.0]])
    b = energy_per_bit_batch(loss, **kw)
    for i, x in enumerate(loss):
        try:
            e = energy_per_bit(loss_db=float(x), **kw)
        except SIKernelError:
            assert np.isnan(b.total_pj_per_bit[i]) and b.architecture_code[i] == -1, x
            continue
        assert b.architecture_code[i] == FAMILIES.index(e.architecture), x
        assert math.isclose(b.total_pj_per_bit[i], e.total_pj_per_bit, rel_tol=REL_BATCH), x
        for k in BLOCKS:
            assert math.isclose(b.blocks[k][i], e.blocks[k], rel_tol=REL_BATCH,
                                abs_tol=REL_BATCH * e.total_pj_per_bit), (k, x)
        for k, v in b.eq_settings.items():
            ev = np.nan if e.eq_settings[k] is None else float(e.eq_settings[k])
            assert (np.isnan(v[i]) and np.isnan(ev)) or math.isclose(v[i], ev, rel_tol=REL_BATCH), (k, x)


@pytest.mark.parametrize("bad", [[-1.0], [np.nan], [1.0, np.inf]])
def test_batch_bad_loss(bad):
    from sikernel.power import energy_per_bit_batch

    with pytest.raises(SIKernelError, match="loss_db"):
        energy_per_bit_batch(bad, baud=BAUD)


def test_batch_bad_clocking():
    with pytest.raises(SIKernelError, match="clocking"):
        energy_per_bit(loss_db=5.0, baud=BAUD, clocking="optical")


def test_forwarded_clock_costs_less_than_cdr():
    """Same link, no CDR and a clock shared by more lanes: strictly cheaper."""
    cdr = energy_per_bit(loss_db=3.0, baud=12e9, modulation="nrz", node_nm=32, target_ber=1e-12)
    fwd = energy_per_bit(loss_db=3.0, baud=12e9, modulation="nrz", node_nm=32, target_ber=1e-12,
                         clocking="forwarded")
    assert fwd.total_pj_per_bit < cdr.total_pj_per_bit


def test_long_reach_analog_needs_more_swing_and_gain():
    """Singh-class 35 dB analog link against a 12 dB one (same node and rate): the launch swing
    follows the smaller main cursor, the AFE chains more gain stages to bring the eye to the
    slicer, and both TX and AFE spend more."""
    kw = {"baud": 56e9, "node_nm": 5, "architecture": "analog"}
    lr = energy_per_bit(loss_db=35.0, **kw)
    sr = energy_per_bit(loss_db=12.0, **kw)
    assert lr.eq_settings["launch_peak_v"] > 2 * sr.eq_settings["launch_peak_v"]
    assert lr.eq_settings["afe_gain_stages"] > sr.eq_settings["afe_gain_stages"]
    assert lr.blocks["tx_driver"] > 3 * sr.blocks["tx_driver"]
    assert lr.blocks["rx_afe"] > sr.blocks["rx_afe"]
