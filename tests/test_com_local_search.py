"""The IEEE code's ``Local Search`` run inside the FOM kernel (``grid_search(local_search=...)``)
against a plain transcription of COM 4.50's ``optimize_fom`` loops over the complete, exact
grid (:func:`tests.naive_com.naive_local_search`).

The search only decides which points are evaluated and which one is kept; each evaluated
point's FOM is the grid kernel's (checked against ``naive_fom`` in ``test_com.py``).  So the
references here are the full grid with every point exact and the naive search over it: the
pick, its FOM, the set of points evaluated and their values must be equal, not close.
"""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.channel.parametric import ParametricLine
from sikernel.eq.filters import ctle_responses, rx_afe_filter, tx_rise_time_filter
from sikernel.eq.grid import LocalSearch, grid_search
from sikernel.errors import SIKernelError
from sikernel.eye.presets import get_preset
from sikernel.response import pulse_from_h
from tests.naive_com import naive_local_search

F_HZ = np.arange(6001) * 10e6  # the grid of the IEEE P802.3ck files, 0-60 GHz
#: 802.3 Table 92-12 host-board parametric line (93A-9...14)
HOST = ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=109.8)
N_GDC, N_GDC2 = 4, 3


def _tap_index(p, tx):
    """0-based value index of each tap column (ascending offset, main cursor excluded as in
    the preset's tap list) and each column's number of values, from the preset's ranges."""
    taps = sorted(p.tx_taps)
    offs = p.tx_offsets()
    idx = np.zeros((tx.shape[0], len(taps)), dtype=np.int64)
    counts = []
    for j, (o, lo, hi, step) in enumerate(taps):
        col = list(offs).index(o)
        if step > 0:
            idx[:, j] = np.rint((tx[:, col] - lo) / step)
            counts.append(round((hi - lo) / step) + 1)
        else:
            counts.append(1)
    return idx, counts


@pytest.fixture(scope="module")
def problem():
    """CTLE pulses of a 0.35 m host-board line on a 4 x 3 (g_DC x g_DC2) grid, one far-end
    and one near-end aggressor, a TX grid of 3 x 5 x 9 x 6 settings (c(-3) fixed)."""
    p = get_preset("802.3ck-kr", samples_per_ui=16,
                   tx_taps=((-3, 0.0, 0.0, 0.0), (-2, 0.0, 0.04, 0.02), (-1, -0.24, -0.16, 0.02),
                            (1, -0.16, 0.0, 0.02)))
    h = HOST.section(0.35, F_HZ).s21 * tx_rise_time_filter(F_HZ, p.t_r_s) * rx_afe_filter(F_HZ, p.f_r_hz)
    gdc = np.linspace(-3.0, -12.0, N_GDC)
    gdc2 = np.array([0.0, -1.5, -3.0])
    g1, g2 = np.meshgrid(gdc, gdc2)           # row i_g2 * N_GDC + i_g: g_DC fastest
    corners = ctle_responses(F_HZ, g1.ravel(), p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz,
                             gdc2_db=g2.ravel(), f_lf_hz=p.ctle_f_lf_hz)
    _, v = pulse_from_h(h[None, :] * corners * p.a_v_v, F_HZ, p.baud_hz, p.samples_per_ui)
    i0 = int(np.argmax(v[0])) - 20 * p.samples_per_ui
    basis = np.ascontiguousarray(v[:, i0: i0 + 80 * p.samples_per_ui])
    basis[:, : p.samples_per_ui] = 0.0
    basis[:, -p.samples_per_ui:] = 0.0
    w = np.eye(basis.shape[0])                # each row its own pulse
    var_n = np.linspace(1e-7, 3e-7, basis.shape[0])
    xt = np.stack([0.03 * np.roll(basis, 37, axis=1), -0.02 * np.roll(basis, -45, axis=1)])
    tx = p.tx_grid()
    kw = {"dfe_bmin": np.array(p.bmin), "dfe_bmax": np.array(p.dfe_bmax), "n_levels": 4, "r_lm": p.r_lm,
          "snr_tx_db": p.snr_tx_db, "a_dd_ui": p.a_dd_ui, "sigma_rj_ui": p.sigma_rj_ui,
          "basis_xt": xt, "xt_fext": np.array([True, False]), "mm_exact_tol_v": p.mm_kernel_tol,
          "dfe_float": p.dfe_float()}
    full = grid_search(basis, w, var_n, p.tx_offsets(), tx, p.samples_per_ui, **kw)
    if full.fom_exact is not None:            # every point exact: the reference grid
        for kc, kt in np.argwhere(~full.fom_exact):
            full.exact_fom(int(kc), int(kt))
    return p, basis, w, var_n, tx, kw, full.fom_grid_db.copy()


def _search(problem, steps):
    p, basis, w, var_n, tx, kw, _ = problem
    idx, counts = _tap_index(p, tx)
    swept = np.array(sorted((j for j, n in enumerate(counts) if n > 1), key=lambda j: -counts[j]))
    spec = LocalSearch(steps, N_GDC, idx, swept)
    return grid_search(basis, w, var_n, p.tx_offsets(), tx, p.samples_per_ui, local_search=spec, **kw)


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_in_kernel_local_search_equals_ieee_loops(problem, steps):
    p, _, _, _, tx, _, full = problem
    idx, counts = _tap_index(p, tx)
    row, t, best, visited = naive_local_search(full, N_GDC, N_GDC2, idx, counts, steps)
    assert 0 < visited.sum() < visited.size   # the search skips points here
    g = _search(problem, steps)
    assert (g.ctle_index, g.tx_index) == (row, t)
    assert g.fom_db == best
    assert g.n_points == int(visited.sum())
    assert np.array_equal(np.isnan(g.fom_grid_db), ~visited)
    assert np.array_equal(g.cursor_grid[~visited], np.full(int((~visited).sum()), -1))
    # evaluated points: exact ones equal the full grid; bounds lie above it
    ex = g.fom_exact
    assert np.array_equal(g.fom_grid_db[ex], full[ex])
    assert np.all(g.fom_grid_db[visited & ~ex] >= full[visited & ~ex])
    # a skipped point can still be evaluated on demand, with the grid's value
    kc, kt = np.argwhere(~visited)[0]
    assert g.exact_fom(int(kc), int(kt)) == full[kc, kt]


def test_replay_kernel_equals_ieee_loops(problem):
    """:func:`sikernel._kernels.com.local_search_pick` (the replay the C2M criterion uses)
    on the full grid makes the same pick."""
    from sikernel._kernels.com import local_search_pick

    p, _, _, _, tx, _, full = problem
    idx, counts = _tap_index(p, tx)
    swept = np.array(sorted((j for j, n in enumerate(counts) if n > 1), key=lambda j: -counts[j]))
    row, t, best, _ = naive_local_search(full, N_GDC, N_GDC2, idx, counts, 2)
    st_i = np.array([0, -1, 0], dtype=np.int64)
    st_f = np.array([-np.inf])
    need = local_search_pick(full, np.ones(full.shape, dtype=np.bool_), N_GDC, N_GDC2, idx, swept, 2,
                             st_i, st_f, np.zeros(idx.shape[1], dtype=np.int64))
    assert need == -1
    assert divmod(int(st_i[1]), tx.shape[0]) == (row, t)
    assert st_f[0] == best


@pytest.mark.channels
def test_com_pick_equals_full_grid_replay_on_real_channel(monkeypatch):
    """DPO_4in (802.3ck KR, Local Search 2): the COM's in-kernel search picks, in each package
    case, what the IEEE loops pick on the complete grid of the same pulses."""
    from sikernel.eq import grid as _grid
    from sikernel.eye._com_search import _tx_tap_indices
    from sikernel.eye.com import com
    from tests.conftest import channel_path

    calls = []
    orig = _grid.grid_search

    def spy(*a, **k):
        g = orig(*a, **k)
        calls.append((a, k, g))
        return g

    monkeypatch.setattr(_grid, "grid_search", spy)
    r = com(channel_path("DPO_4in_Meg7_THRU.s4p"))
    p = get_preset("802.3ck-kr")
    assert len(calls) == len(r.cases) == 2
    sizes, fractions = [], []
    for (a, k, g), case in zip(calls, r.cases, strict=True):
        assert k["local_search"] is not None
        full = orig(*a, **{n: v for n, v in k.items() if n != "local_search"})
        for kc, kt in np.argwhere(~full.fom_exact) if full.fom_exact is not None else ():
            full.exact_fom(int(kc), int(kt))
        idx, _ = _tx_tap_indices(p, a[4])
        counts = [round((hi - lo) / s) + 1 if s > 0 else 1 for _, lo, hi, s in sorted(p.tx_taps)]
        row, t, best, visited = naive_local_search(full.fom_grid_db, len(p.ctle_gdc_db), len(p.ctle_gdc2_db),
                                                   idx, counts, p.local_search)
        assert (g.ctle_index, g.tx_index, g.fom_db) == (row, t, best)
        assert case.fom_db == best
        assert g.n_points == case.n_grid_points == int(visited.sum())
        sizes.append(full.fom_grid_db.size)
        fractions.append(g.n_points / full.fom_grid_db.size)
    # the README's figures of the search (whole grid per package case, the share it evaluates)
    from tests.conftest import repo_text

    assert len(set(sizes)) == 1
    share = 100 * sum(fractions) / len(fractions)
    text = f"(≈ {share:.0f} % of the 802.3ck KR grid's {sizes[0]:,} points per package case;"
    assert text in repo_text("README.md", flat=True), text


def test_local_search_size_on_the_real_channels_is_documented():
    """docs/models.md types how many of the 802.3ck KR grid's points the Local Search evaluates per
    package case on the five real channels (CA with its 15 aggressors); regression guard of the
    code's own output (audit 25: the range had gone stale, 30,000-49,000 against 26,250-48,774)."""
    from sikernel.eye.com import com
    from sikernel.power import crosstalk as xt
    from tests.conftest import P3CK, THRU_FILES, channel_path, repo_text

    aggressors = {k: [P3CK / f for f in xt.CA_FILES[k]] for k in ("next", "fext")}
    n = []
    for name in THRU_FILES:
        kw = aggressors if name == xt.CA_FILES["thru"][0] else {}
        n += [c.n_grid_points for c in com(channel_path(name), "802.3ck-kr", **kw).cases]
    p = get_preset("802.3ck-kr")
    total = len(p.ctle_gdc_db) * len(p.ctle_gdc2_db) * len(p.tx_grid())
    text = f"it evaluates {min(n):,}–{max(n):,} of the {total:,} points per package case"
    assert text in repo_text("docs/models.md", flat=True), text


def test_local_search_bad_input(problem):
    p, basis, w, var_n, tx, kw, _ = problem
    idx, _ = _tap_index(p, tx)
    for spec, what in ((LocalSearch(0, N_GDC, idx, np.array([1])), "steps=0"),
                       (LocalSearch(2, 5, idx, np.array([1])), "n_gdc=5"),
                       (LocalSearch(2, N_GDC, idx[:-1], np.array([1])), "tx_value_index has shape"),
                       (LocalSearch(2, N_GDC, idx, np.array([7])), "swept_columns [7]")):
        with pytest.raises(SIKernelError, match=what.replace("[", r"\[").replace("]", r"\]")):
            grid_search(basis, w, var_n, p.tx_offsets(), tx, p.samples_per_ui, local_search=spec, **kw)
