"""Two-port kernels (S <-> ABCD, cascades, renormalisation) vs scikit-rf's array functions, same run.

Run: ``python -m pytest benches/bench_twoport.py --benchmark-only -q -s``

Every case works on one flat batch of ``N_CHANNELS x N_FREQ`` random 2x2 S (or ABCD) matrices
(seeded), through the public functions of :mod:`sikernel.channel.twoport` (input checks and
reshapes included), against the scikit-rf 2.x array function that does the same maths
(``skrf.network.s2a``, ``a2s``, ``connect_s``, ``renormalize_s``), called on the same array.
Both results are asserted equal within ``RTOL_VS_PEER`` (relative to the largest entry) before
anything is timed.  The ABCD chain has no scikit-rf array function (a ``Network`` cascade goes
through ``connect_s``, timed in the S chain): its peer is NumPy's stacked ``np.matmul``.  The
kernels are serial (one thread), as the peers.

``ratio`` = the peer's best time / ours (warm: kernels compiled or loaded from the on-disk cache
beforehand).  ``test_twoport_cold`` measures the first call of the five functions in fresh
interpreters, with an empty Numba cache (compile) and with the cache it left.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benches._timing import best_of  # noqa: E402

N_CHANNELS = 100
N_FREQ = 4096
N_POINTS = N_CHANNELS * N_FREQ
#: sections of the chain cases
N_SECTIONS = 8
Z0 = 50.0
Z_NEW = 42.5
#: ours vs the peer: max |difference| / max |peer entry|; measured <= 1.2e-13 (renormalisation),
#: <= 3e-15 for the others
RTOL_VS_PEER = 1e-12
SEED = 20261207


def _random_s(rng: np.random.Generator, n: int) -> np.ndarray:
    """Reciprocal 2-ports with |S21| around 0.5 and reflections around 0.3 (no singular point)."""
    s = 0.3 * (rng.standard_normal((n, 2, 2)) + 1j * rng.standard_normal((n, 2, 2)))
    s21 = 0.5 + 0.15 * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    s[:, 1, 0] = s21
    s[:, 0, 1] = s21
    return s


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(SEED)
    sections = [_random_s(rng, N_POINTS) for _ in range(N_SECTIONS)]
    from sikernel.channel.twoport import s_to_abcd

    abcd = [s_to_abcd(s, Z0) for s in sections]
    return {"s": sections, "abcd": abcd}


def _cases(d):
    """name -> (ours, peer, what the peer is)."""
    import skrf.network as sn

    from sikernel.channel import twoport as tp

    s, a = d["s"], d["abcd"]
    return {
        "s_to_abcd": (lambda: tp.s_to_abcd(s[0], Z0), lambda: sn.s2a(s[0], Z0), "skrf.network.s2a"),
        "abcd_to_s": (lambda: tp.abcd_to_s(a[0], Z0), lambda: sn.a2s(a[0], Z0), "skrf.network.a2s"),
        "star": (lambda: tp.star(s[0], s[1]), lambda: sn.connect_s(s[0], 1, s[1], 0),
                 "skrf.network.connect_s(a, 1, b, 0)"),
        "s_chain": (lambda: functools.reduce(tp.star, s),
                    lambda: functools.reduce(lambda x, y: sn.connect_s(x, 1, y, 0), s),
                    f"skrf.network.connect_s chained over {N_SECTIONS} sections (what Network ** does)"),
        "abcd_chain": (lambda: tp.cascade_abcd(*a), lambda: functools.reduce(np.matmul, a),
                       f"np.matmul of stacked 2x2 over {N_SECTIONS} sections (scikit-rf has no "
                       "ABCD cascade)"),
        "renormalize": (lambda: tp.renormalize(s[0], Z0, Z_NEW),
                        lambda: sn.renormalize_s(s[0], Z0, Z_NEW, "power"),
                        "skrf.network.renormalize_s(s, 50, 42.5, 'power')"),
    }


@pytest.mark.parametrize("op", ["s_to_abcd", "abcd_to_s", "star", "s_chain", "abcd_chain", "renormalize"])
def test_twoport_vs_skrf(benchmark, data, op):
    ours, peer, what = _cases(data)[op]
    mine, ref = ours(), peer()           # warm (kernels compiled / loaded) and the agreement check
    rel = float(np.max(np.abs(mine - ref)) / np.max(np.abs(ref)))
    assert mine.shape == ref.shape and rel <= RTOL_VS_PEER, (op, rel)
    benchmark.pedantic(ours, rounds=5, iterations=1, warmup_rounds=1)
    t_ours = benchmark.stats.stats.min
    t_peer = best_of(peer, 3)
    kind = "peer: NumPy" if op == "abcd_chain" else "peer: scikit-rf"
    benchmark.extra_info.update({
        "compares": f"{kind} {what}, same {N_POINTS:,} matrices; 1 thread each",
        "ratio": t_peer / t_ours, "ours_s": t_ours, "peer_s": t_peer,
        "ns_per_point_ours": t_ours / N_POINTS * 1e9, "ns_per_point_peer": t_peer / N_POINTS * 1e9,
        "max_rel_diff": rel, "n_points": N_POINTS})
    print(f"\n{op}: ours {t_ours * 1e3:.2f} ms, {what} {t_peer * 1e3:.1f} ms ({N_POINTS:,} points); "
          f"ratio {t_peer / t_ours:.1f}x; max rel diff {rel:.1e}")


COLD = """
import time
import numpy as np
t0 = time.perf_counter()
from sikernel.channel import twoport as tp
s = np.tile(np.array([[0.1, 0.5], [0.5, 0.1]], dtype=complex), (64, 1, 1))
a = tp.s_to_abcd(s, 50.0); tp.abcd_to_s(a, 50.0); tp.cascade_abcd(a, a); tp.star(s, s)
tp.renormalize(s, 50.0, 42.5)
print(time.perf_counter() - t0)
"""


def test_twoport_cold(benchmark):
    """Import + first call of s_to_abcd, abcd_to_s, cascade_abcd, star and renormalize in a fresh
    interpreter: with an empty Numba cache (compile) and again with the cache it wrote."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)

        def fresh() -> float:
            out = subprocess.run([sys.executable, "-c", COLD], env=env, cwd=REPO, check=True,
                                 capture_output=True, text=True)
            return float(out.stdout.strip().splitlines()[-1])

        cold = fresh()
        cached_runs: list[float] = []
        benchmark.pedantic(lambda: cached_runs.append(fresh()), rounds=2, iterations=1)
    cached = min(cached_runs)
    benchmark.extra_info.update({
        "compares": "cold-warm: import + first calls timed inside a fresh process, empty Numba cache "
                    "vs the on-disk cache it wrote (the row's time: the whole cached process)",
        "cold_s": cold, "warm_cache_s": cached, "slowdown_cold_vs_warm": cold / cached})
    print(f"\ntwo-port kernels, fresh process (import + 5 first calls): empty cache {cold:.2f} s, "
          f"on-disk cache {cached:.2f} s")
