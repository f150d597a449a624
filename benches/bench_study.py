"""``sikernel study`` timings (the 60 s warm target on 2 cores) and the Monte Carlo's vectorisation.

Run with ``python -m pytest benches/bench_study.py --benchmark-only -s``.

* ``sikernel study`` with no arguments in a fresh interpreter and folder, warm (SI tables,
  operating-table / end-curve cache and Numba cache as found), wall time and CPU time of the
  child; target: within 60 s warm on 2 cores (printed, not asserted: the machine is shared and
  timings are noisy).  Ratio: the same run with the operating-table cache off
  (``SIKERNEL_OP_CACHE=0``, :mod:`sikernel.power.op_cache`) over it on.
* ``sikernel study`` as a user's first run after installing: a fresh interpreter with an empty
  Numba cache and an empty table cache (the shipped SI tables as installed), so every kernel the
  study uses compiles; one round (a second would find the cache filled).  ``extra_info``: the
  warm run of the same case and the compile share (first / warm).
* The uncertainty step: the account of all twelve ports for 4000 draws at once
  (``PortModel.blocks_w`` on arrays) against the obvious scalar loop over draws that it
  replaces (same numbers draw by draw, ``tests/test_system.py``).  Ratio = loop / vectorised.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

#: the issue's target for ``sikernel study`` with no arguments, warm, on 2 cores
TARGET_S = 60.0


def _study_once(env: dict[str, str]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sikernel.cli", "study"], cwd=d, env=env, check=True,
                       capture_output=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_study_no_arguments_warm(benchmark):
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SIKERNEL_OP_CACHE", None)
    _study_once(env)  # warm the caches
    cpu: list[float] = []

    def run() -> None:
        cpu.append(_study_once(env)[1])

    benchmark.pedantic(run, rounds=2, iterations=1)
    wall = benchmark.stats.stats.min
    # the same warm run with the disk cache of channel operating tables and end curves off
    # (sikernel.power.op_cache): what a new process paid before that cache existed
    off_wall, _ = _study_once(dict(env, SIKERNEL_OP_CACHE="0"))
    benchmark.extra_info["cpu_s"] = min(cpu)
    benchmark.extra_info["target_s"] = TARGET_S
    benchmark.extra_info["op_cache_off_s"] = off_wall
    benchmark.extra_info["ratio"] = off_wall / wall
    benchmark.extra_info["compares"] = ("own-api: warm with the op-table / end-curve disk cache off "
                                        "(SIKERNEL_OP_CACHE=0) vs on")
    print(f"\nsikernel study (no arguments, warm): wall {wall:.1f} s, CPU {min(cpu):.1f} s "
          f"(target {TARGET_S:g} s on 2 cores; {os.cpu_count()} CPUs here, shared); with the "
          f"op-table cache off {off_wall:.1f} s ({off_wall / wall:.1f}x)")


def test_study_first_run_empty_numba_cache(benchmark):
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as tables:
        env = dict(os.environ, MPLBACKEND="Agg", NUMBA_CACHE_DIR=numba_cache,
                   SIKERNEL_CACHE_DIR=tables)
        cpu: list[float] = []

        def run() -> None:
            cpu.append(_study_once(env)[1])

        benchmark.pedantic(run, rounds=1, iterations=1)
        first = benchmark.stats.stats.min
        warm_wall, warm_cpu = _study_once(env)  # the same caches, now filled
    benchmark.extra_info["cpu_s"] = cpu[0]
    benchmark.extra_info["warm_cache_s"] = warm_wall
    benchmark.extra_info["slowdown_first_vs_warm"] = first / warm_wall
    benchmark.extra_info["compares"] = "cold/warm: first run (empty caches) vs warm (> 1: slower)"
    print(f"\nsikernel study, first run (empty Numba and table caches, shipped tables): wall "
          f"{first:.1f} s, CPU {cpu[0]:.1f} s; then warm {warm_wall:.1f} s (CPU {warm_cpu:.1f} s), "
          f"first / warm {first / warm_wall:.2f}")


def test_monte_carlo_vectorised_vs_loop(benchmark):
    from sikernel.system import uncertainty as unc
    from sikernel.system.account import PortModel
    from sikernel.system.architectures import ARCH_NAMES
    from sikernel.system.assumptions import assumptions
    from sikernel.system.modules import line_dsp_fit
    from sikernel.system.standards import GENERATIONS

    models = []
    for g in GENERATIONS.values():
        cache: dict = {}
        models += [PortModel(a, g, channel_cache=cache) for a in ARCH_NAMES]
    n = 4000
    fit = line_dsp_fit()
    sigma, _ = unc.serdes_log_sd()
    names = sorted({k for m in models for k in m.assumptions} | {"serdes_model", "line_dsp"})
    u = unc.uniform_columns(names, n, 0)
    draws = {g: unc.draw(assumptions(GENERATIONS[g]), u, sigma, fit.low_factor, fit.high_factor)
             for g in GENERATIONS}

    def vectorised() -> list:
        return [sum(m.blocks_w(draws[m.gen.name].values, draws[m.gen.name].serdes_factor,
                               draws[m.gen.name].dsp_factor).values()) for m in models]

    def loop(k: int) -> None:
        for m in models:
            d = draws[m.gen.name]
            for i in range(k):
                sum(m.blocks_w({key: float(v[i]) for key, v in d.values.items()}, float(d.serdes_factor[i]),
                               float(d.dsp_factor[i])).values())

    vec = benchmark.pedantic(vectorised, rounds=5, iterations=1)
    t_vec = benchmark.stats.stats.min
    k = 200
    t0 = time.perf_counter()
    loop(k)
    t_loop = (time.perf_counter() - t0) * n / k
    benchmark.extra_info["ratio"] = t_loop / t_vec
    benchmark.extra_info["compares"] = "own-api: scalar loop over the draws (200 timed, scaled)"
    assert all(np.isfinite(v).all() for v in vec)
    print(f"\nMonte Carlo, 12 ports x {n} draws: vectorised {t_vec * 1e3:.1f} ms; scalar loop "
          f"{t_loop:.1f} s (extrapolated from {k} draws); ratio {t_loop / t_vec:.0f}x")
