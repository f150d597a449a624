"""MMSE COM (178A, the ``802.3dj-kr`` preset's ``mode = "mmse"``): the RX FFE + DFE search, same run.

Run: ``python -m pytest benches/bench_mmse.py --benchmark-only -q -s``

The inputs of the internal search (:func:`sikernel.eye.com._mmse_search`) are captured from one
COM of DPO_4in with the 802.3dj KR preset on a restricted CTLE grid (``SMALL``: 3 g_DC x 2
g_DC2 settings, every TX FFE setting; one package case), as tests/test_com_mmse.py does.

* ``test_mmse_search_vs_naive``: ours over that whole grid (every point with a sampling index,
  RX FFE limit 0.7 as the preset) per point, against tests/naive_mmse.py per point
  (``naive_mmse_search``: explicit shifts, explicit convolution rows, SLSQP + an exact KKT
  polish) on a seeded sub-grid of ``N_NAIVE`` points plus the full search's choice.  On
  that sub-grid both searches are asserted to pick the same point with FOMs within
  ``TOL_FOM_DB`` before timing.
* ``test_mmse_batch_vs_pychopmarg``: the unconstrained MMSE solves of the search's first pass
  (no tap limits; a bound the second pass prunes with) of every point of the grid,
  :func:`sikernel.eq.mmse.mmse_batch` against pychopmarg 3.4's solver
  ``pychopmarg.optimize._mmse_solve`` (178A-33..36, the function its ``mmse()`` calls per
  sampling time) on the same cursors: ``H`` = the cursors' convolution matrix, ``R = (1 +
  10^(-SNR_TX/10)) H'H + Toeplitz(noise autocorrelation)/sigma_x^2``, which is our QP.  The
  peer's ``H`` and ``R`` are built beforehand and not timed.  FOMs asserted equal within
  ``TOL_FOM_DB``.  No tap limits because pychopmarg enforces them differently (DFE: clip and
  re-solve with every DFE tap held; RX FFE: clip and renormalise), not the same QP.  Ours runs
  Numba threads on both cores, the peer one process.  The cold compile of ``mmse_batch`` is
  measured in a fresh interpreter with an empty Numba cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benches import _peers  # noqa: E402

CH = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"
THRU = CH / "DPO_4in_Meg7_THRU.s4p"
#: the restricted CTLE grid of tests/test_com_mmse.py and one package case (bench time)
SMALL = {"ctle_gdc_db": (-12.0, -6.0, 0.0), "ctle_gdc2_db": (-3.0, 0.0), "z_p_cases_m": ((33e-3, 33e-3),)}
#: sub-grid points the naive reference evaluates (~1.3 s each on 2 cores), besides the full search's pick
N_NAIVE = 6
SEED = 20261207

pytestmark = pytest.mark.skipif(not THRU.is_file(), reason=f"real channels not found under {CH}")


@pytest.fixture(scope="module")
def captured():
    """The arguments and result of ``_mmse_search`` in one 802.3dj KR COM (restricted grid)."""
    import sikernel.eye.com as com_mod

    seen = {}
    real = com_mod._mmse_search

    def spy(*a):
        seen["args"] = a
        seen["out"] = real(*a)
        return seen["out"]

    com_mod._mmse_search = spy
    try:
        with warnings.catch_warnings():   # DPO_4in ends at 60 GHz < f_b = 106.25 GHz: warned, extrapolated
            warnings.simplefilter("ignore")
            r = com_mod.com(THRU, preset="802.3dj-kr", **SMALL)
    finally:
        com_mod._mmse_search = real
    return {"args": seen["args"], "out": seen["out"], "com": r}


def test_mmse_search_vs_naive(benchmark, captured):
    import sikernel.eye.com as com_mod
    from tests.naive_mmse import naive_mmse_search
    from tests.test_com_mmse import TOL_FOM_DB

    a = list(captured["args"])
    cg = a[7]
    k_full, t_full, fom_full, n_full = com_mod._mmse_search(*a)
    assert (k_full, t_full, fom_full) == captured["out"][:3]
    rng = np.random.default_rng(SEED)
    keep = np.zeros(cg.shape, dtype=bool)
    keep.flat[rng.choice(np.flatnonzero(cg >= 0), size=N_NAIVE, replace=False)] = True
    keep[k_full, t_full] = True
    sub = [*a[:7], np.where(keep, cg, -1), a[8]]
    k, kt, fom, n_sub = com_mod._mmse_search(*sub)
    t0 = time.perf_counter()
    kn, ktn, fomn = naive_mmse_search(*sub)
    naive_s = time.perf_counter() - t0
    assert (k, kt) == (kn, ktn) == (k_full, t_full)
    assert abs(fom - fomn) <= TOL_FOM_DB, (fom, fomn)
    benchmark.pedantic(com_mod._mmse_search, args=tuple(a), rounds=3, iterations=1, warmup_rounds=1)
    t = benchmark.stats.stats.min
    per_pt, naive_pt = t / n_full, naive_s / n_sub
    benchmark.extra_info.update({
        "compares": (f"own-reference: tests/naive_mmse.py per point ({n_sub} timed; SLSQP + KKT polish) vs "
                     f"ours per point over the whole grid ({n_full:,} points; a full search's cost per "
                     "point, the points its bound prunes included); 2 threads vs 1"),
        "ratio": naive_pt / per_pt, "points": n_full, "ours_search_s": t, "per_point_s": per_pt,
        "naive_per_point_s": naive_pt, "fom_diff_db": fom - fomn, "fom_db": fom_full})
    print(f"\nMMSE search (DPO_4in, 802.3dj KR, {a[3].shape[0]} CTLE x {a[5].shape[0]} TX): "
          f"{n_full:,} points in {t:.3f} s = {per_pt * 1e6:.2f} us/point; naive {naive_pt:.2f} s/point "
          f"({n_sub} points); "
          f"ratio {naive_pt / per_pt:,.0f}x; FOM diff {fom - fomn:.1e} dB")


COLD = """
import time
import numpy as np
t0 = time.perf_counter()
from sikernel.eq.mmse import mmse_batch
h = np.array([[0.01, -0.03, 0.08, 0.35, 0.6, 0.3, 0.12, 0.05, 0.02, -0.01, 0.005]] * 4)
mmse_batch(h, 4, 5, 10, 3, noise_acf=np.array([1e-4, 3e-5]), snr_tx_db=33.0, b_max=[0.85, 0.3, 0.2])
print(time.perf_counter() - t0)
"""


def _cold_seconds() -> float:
    with tempfile.TemporaryDirectory() as cache:
        out = subprocess.run([sys.executable, "-c", COLD], env=dict(os.environ, NUMBA_CACHE_DIR=cache),
                             cwd=REPO, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _peers._importable("pychopmarg"),
                    reason="pychopmarg is not installed (pip install -e .[bench])")
def test_mmse_batch_vs_pychopmarg(benchmark, captured):
    from pychopmarg.common import NormMode
    from pychopmarg.optimize import _mmse_solve

    import sikernel.eye.com as com_mod
    from sikernel.eq.mmse import mmse_batch, symbol_variance
    from sikernel.eye.com import modulation_name
    from tests.test_com_mmse import TOL_FOM_DB

    a = captured["args"]
    p = a[8]
    rows = [com_mod._mmse_rows(kk, *a) for kk in range(a[3].shape[0])]
    h = np.concatenate([r[1] for r in rows])
    acf = np.concatenate([r[2] for r in rows])
    n_pre, n_post, n_dfe = p.rx_ffe_n_pre, p.rx_ffe_n_post, len(p.dfe_bmax)
    n_w = n_pre + 1 + n_post
    big = com_mod._NO_LIMIT
    kw = {"modulation": modulation_name(p.n_levels), "rlm": p.r_lm, "snr_tx_db": p.snr_tx_db,
          "noise_acf": acf, "b_max": big, "b_min": -big}

    def ours():
        return mmse_batch(h, n_post, n_pre, n_post, n_dfe, **kw).fom_db

    sx2 = symbol_variance(p.n_levels)
    tx_rel = 10.0 ** (-p.snr_tx_db / 10.0)
    lag = np.abs(np.subtract.outer(np.arange(n_w), np.arange(n_w)))

    def peer_inputs(i):
        hh = np.zeros((h.shape[1] + n_w - 1, n_w))
        for j in range(n_w):
            hh[j: j + h.shape[1], j] = h[i]          # heq = np.convolve(w, h): column j = h delayed j
        return hh, (1.0 + tx_rel) * hh.T @ hh + acf[i][lag] / sx2

    mats = [peer_inputs(i) for i in range(h.shape[0])]
    no_b, no_w = np.full(n_dfe, np.inf), np.full(n_w, np.inf)

    def peer():
        return np.array([_mmse_solve(hh, rr, n_post + n_pre, n_dfe, n_pre, -no_b, no_b, -no_w, no_w,
                                     NormMode.Unaltered, sx2, p.r_lm, p.n_levels)["fom"] for hh, rr in mats])

    f_ours = ours()
    t0 = time.perf_counter()
    f_peer = peer()
    t_peer = time.perf_counter() - t0
    diff = float(np.max(np.abs(f_ours - f_peer)))
    assert diff <= TOL_FOM_DB, diff
    benchmark.pedantic(ours, rounds=5, iterations=1, warmup_rounds=1)
    t = benchmark.stats.stats.min
    cold = _cold_seconds()
    n = h.shape[0]
    benchmark.extra_info.update({
        "compares": (f"peer: pychopmarg 3.4 optimize._mmse_solve per point, its H and R prebuilt (untimed), "
                     f"same {n:,} points, no tap limits; 2 threads vs 1"),
        "ratio": t_peer / t, "ours_s": t, "peer_s": t_peer, "ours_us_per_row": t / n * 1e6,
        "peer_us_per_row": t_peer / n * 1e6, "fom_max_diff_db": diff, "cold_first_call_s": cold,
        "points": n})
    print(f"\nMMSE solves without limits, {n:,} points: ours {t * 1e3:.1f} ms ({t / n * 1e6:.2f} us/point), "
          f"pychopmarg _mmse_solve {t_peer:.2f} s ({t_peer / n * 1e6:.1f} us/point); "
          f"ratio {t_peer / t:.0f}x; max FOM diff {diff:.1e} dB; cold mmse_batch (fresh process, empty "
          f"cache) {cold:.2f} s")
