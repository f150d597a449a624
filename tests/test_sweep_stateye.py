"""Sweep statistical-eye stage: the truncated record against the whole ``1/df`` record.

The stage cuts each point's pulse record as ``pulse_response`` does (``TRUNCATE_TOL`` = 1e-6
of the energy outside, one UI of margin each side) before ``stat_eye``; the reference here
is ``stat_eye`` on the whole record the pulse stage kept (the slow, obvious version: ~50x
the time at the default 20 MHz grid), on the finest voltage grid its automatic bin rule picks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.sweep import load_config
from sikernel.sweep.stages import chunk_params, evaluate_chunk, stage_channel, stage_pulse, stateye_records

# Truncated vs whole record, the reference at the finest grid the automatic bin rule picks
# (AUTO_BINS_MAX = 16384 bins), measured on the points below (default 20 MHz grid, 16 samples/UI,
# 26.6 / 53.1 / 106.25 GBd): |dEH| <= 3.4e-3 V/V (0.3 % of an NRZ eye of ~2 V/V), |dEW| <= 0.0023 UI
# (2026-12-07).  With the reference on its own automatic grid the differences read 7.4e-3 V/V and
# 0.0083 UI at 26.6-53.1 GBd and 1.6e-2 V/V, 0.015 UI at 106.25 GBd: that was mostly the reference's
# binning, not the truncation (the binning noise of K residual cursors is K dv^2/4, and the whole
# record has thousands of tiny cursors: 5,312 UI at 106.25 GBd; at 16384 bins it converges on the
# truncated record's eye, e.g. 0.4907 / 0.5148 / 0.5194 / 0.5202 V/V at 1024 / 4096 / 16384 / 65536
# bins against the stage's 0.5203 on 5 cm at 106.25 GBd, PAM4).  What remains is the ISI of the
# dropped cursors (energy < 1e-6).  The truncated record is always the more open eye, by less than:
ATOL_TRUNC_EYE_V = 0.005
ATOL_TRUNC_WIDTH_UI = 1.0 / 64   # one phase step of the default 64-phase scan
# sweep kernel record vs pulse_response's (same arithmetic, rounding only)
ATOL_RECORD_V = 1e-9

CFG = {"axes": {"length_m": [0.02, 0.3], "baud": [26.5625e9, 53.125e9, 106.25e9],
                "modulation": ["nrz", "pam4"],
                "n_dfe": [0, 4]},
       "outputs": ["stat_eye_height_v", "eye_width_ui"], "fixed": {"dfe_max": 0.0}}


def _whole_records(cfg) -> tuple[dict, list[np.ndarray]]:
    p = chunk_params(cfg, 0, cfg.n_points)
    st: dict = {}
    stage_channel(cfg, p, st)
    stage_pulse(cfg, p, st)
    return p, st["pulses_v"]


@pytest.mark.slow
def test_stage_equals_stat_eye_of_whole_record():
    from sikernel.eye.stateye import AUTO_BINS_MAX, stat_eye

    cfg = load_config(CFG)
    out = evaluate_chunk(cfg, 0, cfg.n_points)
    p, whole = _whole_records(cfg)
    d_eh, d_ew = [], []
    for i in range(cfg.n_points):
        r = stat_eye(whole[i], cfg.samples_per_ui, modulation=str(p["modulation"][i]),
                     n_dfe=int(p["n_dfe"][i]), target_ber=float(p["target_ber"][i]), n_bins=AUTO_BINS_MAX)
        d_eh.append(out["stat_eye_height_v"][i] - r.eye_height_min_v)
        d_ew.append(out["eye_width_ui"][i] - r.eye_width_min_ui)
    np.testing.assert_allclose(d_eh, 0.0, rtol=0, atol=ATOL_TRUNC_EYE_V)
    assert min(d_eh) >= 0.0   # the truncated record's eye is the more open one (no dropped ISI)
    np.testing.assert_allclose(d_ew, 0.0, rtol=0, atol=ATOL_TRUNC_WIDTH_UI)
    # the long lines' eyes are not all closed: the comparison covers open PAM4 eyes with DFE
    assert np.count_nonzero(out["stat_eye_height_v"] > 0.1) >= 12


def test_stage_record_is_pulse_responses_truncation():
    """The records the stage reads are pulse_response's default (truncated) records."""
    from sikernel.channel.lines import Stripline
    from sikernel.response import pulse_response

    cfg = load_config({**CFG, "axes": {"length_m": [0.02, 0.3], "baud": [26.5625e9, 53.125e9]}})
    p, whole = _whole_records(cfg)
    recs = stateye_records(whole, cfg.samples_per_ui, p["n_dfe"])
    fx = cfg.fixed
    line = Stripline(fx["material"], fx["width_m"], fx["thickness_m"], fx["height_m"],
                     spacing=fx["spacing_m"], roughness=fx["roughness"])
    for i in range(cfg.n_points):
        ch = line.section(float(p["length_m"][i]), cfg.f_hz)
        pr = pulse_response(ch, float(p["baud"][i]), cfg.samples_per_ui, causality="ignore")
        assert recs[i].size == pr.v.size < whole[i].size / 4
        np.testing.assert_allclose(recs[i], pr.v, rtol=0, atol=ATOL_RECORD_V)


@pytest.mark.filterwarnings("ignore:.*not causal:sikernel.errors.SIKernelWarning")
def test_short_line_keeps_the_dfe_post_cursors():
    """A 0 m line's window ends a few UI after the peak; n_dfe = 16 still runs (taps on ~0)."""
    cfg = load_config({"axes": {"length_m": [0.0]}, "outputs": ["stat_eye_height_v"],
                       "fixed": {"n_dfe": 16, "baud": 26.5625e9}})
    p, whole = _whole_records(cfg)
    rec = stateye_records(whole, cfg.samples_per_ui, p["n_dfe"])[0]
    assert rec.size - 1 - int(np.argmax(rec)) >= 16 * cfg.samples_per_ui
    out = evaluate_chunk(cfg, 0, 1)
    assert out["stat_eye_height_v"][0] > 0.5
