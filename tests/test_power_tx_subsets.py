"""The SI chain's TX FFE subsets, searched once on the full grid (``si._grid_family_subsets``),
against the obvious reference: a separate grid search of each subset's own settings
(``sikernel.eq.grid.grid_search`` on ``si.tx_grid(active)``), as the chain did before."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.eq.grid import grid_search
from sikernel.power import si, table
from sikernel.power.crosstalk import resolve
from sikernel.system.standards import generation


def _reference(ps, n_dfe, s, active):
    offs, grid = si.tx_grid(active)
    bmax = np.asarray(si._BMAX_CK[:n_dfe], dtype=float)
    xt = None if ps.xt_basis is None else ps.xt_basis * s.a_ref_v
    return grid_search(ps.basis * s.a_ref_v, ps.weights, ps.var_n, offs, grid, ps.samples_per_ui,
                       dfe_bmin=-bmax, dfe_bmax=bmax, n_levels=ps.levels, r_lm=s.r_lm,
                       snr_tx_db=s.snr_tx_db, a_dd_ui=s.a_dd_ui, sigma_rj_ui=s.sigma_rj_ui,
                       basis_xt=xt, xt_fext=ps.xt_fext)


@pytest.mark.parametrize("lane_gbps,loss_db,with_xt",
                         [(100, 8.0, False), (200, 22.0, True), (200, 36.0, False)])
def test_one_search_picks_what_each_subset_search_picks(lane_gbps, loss_db, with_xt):
    g = generation(lane_gbps)
    s = si.settings_for(g.baud, None)
    ch = table.synthetic_channel(loss_db, g.baud, "host")
    xt = resolve(g.crosstalk_for("c2m")) if with_xt else None
    ps = si.pulse_set(ch.f, ch.s21, g.baud, 4, s, crosstalk=xt)
    subsets = tuple(active for _, active in si.TX_SUBSETS)
    for n_dfe in (0, 4):
        got = si._grid_family_subsets(ps, n_dfe, s, subsets)
        for active, r in zip(subsets, got, strict=True):
            ref = _reference(ps, n_dfe, s, active)
            assert r["ctle_index"] == ref.ctle_index and r["cursor_index"] == ref.cursor_index
            np.testing.assert_array_equal(r["tx_taps"], ref.tx_taps)
            assert r["fom_db"] == pytest.approx(ref.fom_db, rel=1e-12, abs=1e-12)
            inactive = [o for o in r["tx_offsets"] if o != 0 and o not in active]
            assert all(r["tx_taps"][list(r["tx_offsets"]).index(o)] == 0.0 for o in inactive)
