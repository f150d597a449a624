"""178A (802.3dj KR) MMSE search of :func:`sikernel.eye.com.com`: full TX FFE x CTLE search.

The arguments of the internal search are captured from real COM runs (monkeypatch), then
the search is re-run on sub-grids (sampling index -1 marks a point left out) and compared
with the slow reference :func:`tests.naive_mmse.naive_mmse_search` and with the former
reduced search (per CTLE setting only the TX FFE ranked first by the 93A FOM).
"""

from __future__ import annotations

import numpy as np
import pytest

import sikernel.eq.grid as _grid
import sikernel.eye.com as _com
from sikernel.eye.com import com
from tests.conftest import channel_path
from tests.naive_mmse import _tx as naive_tx
from tests.naive_mmse import naive_mmse_point, naive_mmse_search

#: single MMSE solve vs batched solve (diagonal loading 1e-12) FOM agreement (dB)
TOL_FOM_DB = 1e-6
#: 178A preset restricted to a few CTLE settings and one package case (test time)
SMALL = {"ctle_gdc_db": (-12.0, -6.0, 0.0), "ctle_gdc2_db": (-3.0, 0.0)}
#: a tighter RX FFE limit than 178A's 0.7, so that it binds at the chosen point
LIMIT_TIGHT = 0.1


def _capture(monkeypatch, *args, **kw):
    seen = {}
    real_search, real_grid, real_case = _com._mmse_search, _grid.grid_search, _com._mmse_case

    def search(*a):
        seen["args"] = a
        seen["out"] = real_search(*a)
        return seen["out"]

    def case(*a):
        seen["case_args"] = a
        seen["case_out"] = real_case(*a)
        return seen["case_out"]

    def grid(*a, **k):
        seen["grid"] = real_grid(*a, **k)
        return seen["grid"]

    monkeypatch.setattr(_com, "_mmse_search", search)
    monkeypatch.setattr(_grid, "grid_search", grid)
    monkeypatch.setattr(_com, "_mmse_case", case)
    r = com(*args, **kw)
    return r, seen


def test_full_search_beats_reduced_on_real_channel(monkeypatch):
    r, seen = _capture(monkeypatch, channel_path("DPO_4in_Meg7_THRU.s4p"), preset="802.3dj-kr",
                       z_p_cases_m=((33e-3, 33e-3),))
    a = seen["args"]
    _, kt, fom_full, n = seen["out"]
    g = seen["grid"]
    assert n == int(np.count_nonzero(g.cursor_grid >= 0)) > 1000
    assert r.fom_db == pytest.approx(fom_full, abs=TOL_FOM_DB)
    assert np.array_equal(r.tx_taps, a[5][kt])
    # reduced search: per CTLE setting only the TX FFE ranked first by the 93A FOM
    red = np.full_like(g.cursor_grid, -1)
    tt = np.argmax(g.fom_grid_db, axis=1)
    rows = np.arange(red.shape[0])
    red[rows, tt] = g.cursor_grid[rows, tt]
    _, _, fom_red, n_red = _com._mmse_search(*a[:7], red, a[8])
    assert n_red <= red.shape[0]
    assert fom_full >= fom_red


def test_search_equals_naive_loop_on_subgrid(monkeypatch, rng):
    d = "CA_19p75dB_"
    r, seen = _capture(monkeypatch, channel_path(d + "thru.s4p"), preset="802.3dj-kr",
                     next=[channel_path(d + "next1.s4p")], fext=[channel_path(d + "fext1.s4p")],
                     z_p_cases_m=((12e-3, 12e-3),), rx_ffe_limit=LIMIT_TIGHT, **SMALL)
    w = np.delete(r.cases[0].rx_ffe_taps, 5)
    assert np.max(np.abs(w)) == pytest.approx(LIMIT_TIGHT)      # the limit binds
    a = list(seen["args"])
    cg = a[7]
    keep = np.zeros(cg.shape, dtype=bool)
    keep.flat[rng.choice(cg.size, size=30, replace=False)] = True
    keep[seen["out"][0], seen["out"][1]] = True          # the full search's choice too
    a[7] = np.where(keep, cg, -1)
    k, kt, fom, n = _com._mmse_search(*a)
    kn, ktn, fomn = naive_mmse_search(*a)
    assert (k, kt) == (kn, ktn)
    assert fom == pytest.approx(fomn, abs=TOL_FOM_DB)
    assert (k, kt) == seen["out"][:2]
    assert n == int(np.count_nonzero(a[7] >= 0))
    _check_mmse_case_crosstalk(seen["case_args"], seen["case_out"])


def _xt_cursor_energy(xts, c, offs, m, w, next_through_tx):
    """sum over aggressors of sum(np.convolve(w, x)^2), x the aggressor's symbol-spaced samples
    at its worst phase, built by explicit shifts (tests.naive_mmse._tx); FEXT through the TX
    FFE ``c``, NEXT through ``c`` only when ``next_through_tx`` (the wrong convention)."""
    pad = (int(np.max(np.abs(offs))) + 2) * m
    one = (np.asarray(offs) == 0).astype(float)
    tot = 0.0
    for x, fe in xts:
        px = naive_tx(x, c if (fe or next_through_tx) else one, offs, m, pad)
        e = [float(np.sum(px[k::m] ** 2)) for k in range(m)]
        tot += float(np.sum(np.convolve(w, px[int(np.argmax(e))::m]) ** 2))
    return tot


def _check_mmse_case_crosstalk(args, out):
    """The final 178A COM point (``_mmse_case``) with NEXT and FEXT aggressors: NEXT pulses do
    not go through the victim's TX FFE, FEXT ones do (93A.1.6; COM 4.50 ``Apply_EQ`` and
    ``optimize_fom``: "don't apply TxFFE for NEXT"), in its crosstalk sigma and its MMSE FOM,
    both against explicit-shift references; the wrong convention is far from both."""
    q, xts, c, offs, ix, acf, p = args
    assert {fe for _, fe in xts} == {False, True}
    assert np.count_nonzero(c) > 1                     # a TX FFE that would filter a NEXT pulse
    m, w = p.samples_per_ui, out["rx_ffe"]
    var_x = (p.n_levels**2 - 1) / (3 * (p.n_levels - 1) ** 2)
    right = np.sqrt(var_x * _xt_cursor_energy(xts, c, offs, m, w, next_through_tx=False))
    wrong = np.sqrt(var_x * _xt_cursor_energy(xts, c, offs, m, w, next_through_tx=True))
    assert out["sigma"]["sigma_xt"] == pytest.approx(right, rel=1e-12)
    assert abs(wrong - right) > 0.01 * right            # the test can tell the conventions apart
    assert out["fom_db"] == pytest.approx(naive_mmse_point(q, xts, c, offs, ix, acf, p), abs=TOL_FOM_DB)


def test_every_package_case_is_run():
    r = com(channel_path("DPO_4in_Meg7_THRU.s4p"), preset="802.3dj-kr", **SMALL)
    assert [c.z_p_m for c in r.cases] == [(33e-3, 33e-3), (12e-3, 12e-3)]
    assert r.com_db == min(c.com_db for c in r.cases)
    assert r.cases[0].com_db != r.cases[1].com_db
    for c in r.cases:
        w = np.delete(c.rx_ffe_taps, 5)
        assert np.all(np.abs(w) <= 0.7 + 1e-9)
