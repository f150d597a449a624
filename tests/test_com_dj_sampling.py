"""178A (802.3dj KR) sampling instant of the MMSE receiver, pinned against the IEEE MATLAB COM.

In the IEEE 802.3 COM MATLAB code 4.50 (``sourceFiles/com_ieee8023_93a_450.m`` of the public
mirror github.com/Omer-Sella/COM), function ``optimize_fom``, every CTLE x TX FFE point is
sampled at ``cursor_sample_index`` (Mueller-Mueller, ``ts_anchor = 0``) of the TX FFE + CTLE
pulse *before* the RX FFE; with the default ``sample_adjustment = [0 0]`` no other instant is
tried; ``MMSE(PSD_results, sbr, cursor_i, ...)`` is solved at that instant for every point
with the RX FFE main tap on that cursor and the DFE on the next N_b symbol-spaced cursors of
the FFE output; the pulse is not re-sampled after the RX FFE ("NOT RESAMPLING AFTER RXFFE").

These tests check, on real channels, that :func:`sikernel.eye.com.com` in 178A mode does the
same: each point's sampling index equals a naive transcription of that rule on the pre-FFE
pulse, the chosen point's COM step uses that index, and its equalised cursors are the FFE
applied to the pre-FFE cursors sampled there (main cursor at n0 + n_pre, DFE right after).
"""

from __future__ import annotations

import numpy as np
import pytest

import sikernel.eye.com as _com
from sikernel.errors import SIKernelError
from sikernel.eye.com import com
from sikernel.eye.presets import get_preset
from tests.conftest import channel_path
from tests.naive_com import naive_mm_ieee

#: 178A preset restricted to a few CTLE settings and one package case (test time)
SMALL = {"ctle_gdc_db": (-12.0, -6.0, 0.0), "ctle_gdc2_db": (-3.0, 0.0),
         "z_p_cases_m": ((12e-3, 12e-3),)}
#: number of grid points (besides the chosen one) checked against the naive rule
N_CHECK = 40
#: equalised cursors: COM step vs the naive convolution (V), float round-off only
TOL_V = 1e-12


def _naive_tx(q: np.ndarray, c: np.ndarray, offs: np.ndarray, m: int, pad: int) -> np.ndarray:
    """p(i) = sum_a c_a q(i - o_a M) (93A-21) on ``q`` zero-padded by ``pad`` each side."""
    out = np.zeros(q.size + 2 * pad)
    for o, ca in zip(offs, c, strict=True):
        s = pad + int(o) * m
        out[s: s + q.size] += ca * q
    return out


def _run(monkeypatch, *args, **kw):
    seen: dict = {"case": []}
    real_search, real_case = _com._mmse_search, _com._mmse_case

    def search(*a):
        seen["args"] = a
        seen["out"] = real_search(*a)
        seen.setdefault("calls", []).append((a, seen["out"]))
        return seen["out"]

    def case(*a):
        seen["case"].append(a)
        return real_case(*a)

    monkeypatch.setattr(_com, "_mmse_search", search)
    monkeypatch.setattr(_com, "_mmse_case", case)
    return com(*args, preset="802.3dj-kr", **kw, **SMALL), seen


@pytest.mark.parametrize("files", [("DPO_4in_Meg7_THRU.s4p",),
                                   ("CA_19p75dB_thru.s4p", "CA_19p75dB_next1.s4p",
                                    "CA_19p75dB_fext1.s4p")])
def test_every_point_sampled_at_ieee_mm_instant_of_pre_ffe_pulse(monkeypatch, rng, files):
    nxt = [channel_path(files[1])] if len(files) > 1 else []
    fxt = [channel_path(files[2])] if len(files) > 2 else []
    r, seen = _run(monkeypatch, channel_path(files[0]), next=nxt, fext=fxt)
    bv, _, _, w_ctle, _, tx, offs, cursor_grid, p = seen["args"]
    k, kt = seen["out"][:2]
    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    valid = np.argwhere(cursor_grid >= 0)
    pick = valid[rng.choice(len(valid), size=min(N_CHECK, len(valid)), replace=False)]
    for kk, tt in [(k, kt), *map(tuple, pick)]:
        pv = _naive_tx(w_ctle[kk] @ bv, tx[tt], offs, m, pad)
        assert cursor_grid[kk, tt] == naive_mm_ieee(pv, m, p.dfe_bmax[0]) - pad, (kk, tt)
    # the chosen point's COM step is sampled at that same instant (no re-optimisation)
    (case_args,) = seen["case"]
    ix = case_args[4]
    assert ix == cursor_grid[k, kt]
    # RX FFE main tap on the pre-FFE MM cursor; no re-sampling after the FFE; DFE right after
    c0 = r.cases[0]
    pv = _naive_tx(w_ctle[k] @ bv, tx[kt], offs, m, pad)
    i = ix + pad
    h = pv[i % m::m]
    n0 = i // m
    heq = np.convolve(c0.rx_ffe_taps, h)
    assert c0.rx_ffe_taps[p.rx_ffe_n_pre] == 1.0
    assert c0.cursor_ui == n0 + p.rx_ffe_n_pre
    assert c0.sampling_phase_ui * m == i % m
    np.testing.assert_allclose(c0.cursors_v, heq, rtol=0, atol=TOL_V)
    nb = len(p.dfe_bmax)
    h0 = heq[c0.cursor_ui]
    np.testing.assert_allclose(c0.dfe_taps, np.clip(heq[c0.cursor_ui + 1: c0.cursor_ui + 1 + nb] / h0,
                                                    p.bmin, p.dfe_bmax), rtol=0, atol=TOL_V)


#: sampling offsets (samples) of the sweep test: +/- 2/32 UI around the MM instant
SHIFTS = (-2, 2)


def test_default_is_the_ieee_default_no_sample_adjustment():
    for name in ("802.3ck-kr", "802.3ck-c2c", "802.3dj-kr"):
        assert get_preset(name).mmse_ts_adjust_samples == (0, 0)


def test_sample_adjustment_sweep_keeps_the_best_offset(monkeypatch):
    """MATLAB ``sample_adjustment``: the MMSE at every point and offset, best FOM kept; the
    swept result equals the best of the single-offset runs, each sampled at MM + offset."""
    c2c = channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p")
    r0, seen0 = _run(monkeypatch, c2c)
    cg0 = seen0["args"][7]
    valid = cg0 >= 0
    singles = {}
    for d in range(SHIFTS[0], SHIFTS[1] + 1):
        r, seen = _run(monkeypatch, c2c, mmse_ts_adjust_samples=(d, d))
        ((a, (k, kt, _, _)),) = seen["calls"]
        assert np.array_equal(a[7][valid], cg0[valid] + d) and np.all(a[7][~valid] == -1)
        ((*_, ix, _acf, _p),) = seen["case"]
        assert ix == cg0[k, kt] + d
        singles[d] = r
    assert r0.com_db == singles[0].com_db and r0.fom_db == singles[0].fom_db
    rs, seens = _run(monkeypatch, c2c, mmse_ts_adjust_samples=SHIFTS)
    assert len(seens["calls"]) == SHIFTS[1] - SHIFTS[0] + 1
    d_best = max(singles, key=lambda d: (singles[d].fom_db, -d))   # first offset on ties
    assert rs.fom_db == singles[d_best].fom_db >= r0.fom_db
    assert rs.com_db == singles[d_best].com_db
    (k, kt) = seens["calls"][d_best - SHIFTS[0]][1][:2]
    ((*_, ix_s, _acf, _p),) = seens["case"]
    assert ix_s == cg0[k, kt] + d_best


@pytest.mark.parametrize("bad", [(1, 0), (0.5, 1), (-33, 0), (0,), 3, (True, 1)])
def test_sample_adjustment_values_are_checked(bad):
    with pytest.raises(SIKernelError, match="mmse_ts_adjust_samples"):
        get_preset("802.3dj-kr", mmse_ts_adjust_samples=bad)


def test_sample_adjustment_is_178a_only():
    with pytest.raises(SIKernelError, match="mode='mmse' only"):
        get_preset("802.3ck-kr", mmse_ts_adjust_samples=(-1, 1))
