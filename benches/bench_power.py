"""Energy model and CPO study timings.

Run with ``python -m pytest benches/bench_power.py --benchmark-only -s``.

* ``energy_per_bit(loss_db=...)`` warm (tabulated SI chain, interpolation + noise
  budget) against the same answer computed the slow obvious way in the same run:
  ``energy_per_bit(channel=synthetic_channel(loss))``, i.e. the full SI chain
  (pulse responses, TX FFE × CTLE FOM searches, DFE, MMSE RX FFE) on the
  documented synthetic channel, its per-channel memo cleared and its disk cache
  (:mod:`sikernel.power.op_cache`) off for each call.  Ratio = full chain / table path.
* ``energy_per_bit_batch`` on 20 000 losses against the scalar ``energy_per_bit(loss_db=x)``
  loop it replaces (same results point by point).  Ratio = loop / batch.
* ``calibration.leave_one_out()`` against one ``calibrate()``.
* ``sikernel study`` wall time in a fresh interpreter: "cold" with an empty table
  cache and without the shipped tables (every SI table rebuilt; Numba's on-disk
  cache as found), and "warm" (tables cached).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benches._timing import best_of

BAUD = 53.125e9
LOSS = 20.3
#: the fast path (monotone fit of the tabulated chain, interpolated) against the chain itself
LOOKUP_VS_CHAIN_REL = 0.05


def test_energy_per_bit_loss_warm(benchmark, monkeypatch):
    from sikernel.power import energy_per_bit
    from sikernel.power.api import clear_channel_op_cache
    from sikernel.power.table import synthetic_channel

    energy_per_bit(loss_db=LOSS, baud=BAUD)  # load the table
    fast = benchmark(lambda: energy_per_bit(loss_db=LOSS, baud=BAUD))
    ch = synthetic_channel(LOSS, BAUD)

    def full_chain():  # the channel path memoises its SI table per channel: cleared each time
        clear_channel_op_cache()
        return energy_per_bit(channel=ch, baud=BAUD)

    # and keeps it on disk (sikernel.power.op_cache): off while the chain is timed
    with monkeypatch.context() as m:
        m.setenv("SIKERNEL_OP_CACHE", "0")
        slow_t = best_of(full_chain, 3, warm_up=True)
    fast_t = benchmark.stats.stats.min
    slow = energy_per_bit(channel=ch, baud=BAUD)
    ratio = slow_t / fast_t
    benchmark.extra_info["ratio"] = ratio
    benchmark.extra_info["compares"] = ("own-api: lookup in precomputed SI tables vs computing the chain "
                                        "(tables built ahead; answers within 5 %: monotone fit + "
                                        "interpolation)")
    benchmark.extra_info["full_chain_s"] = slow_t
    rel = fast.total_pj_per_bit / slow.total_pj_per_bit - 1.0
    benchmark.extra_info.update({"table_pj_per_bit": fast.total_pj_per_bit,
                                 "chain_pj_per_bit": slow.total_pj_per_bit, "lookup_vs_chain_rel": rel})
    # the table is a monotone least-squares fit of the chain's rows, interpolated between 0.5 dB rows
    # (docs/energy-model.md, "Fast path"): close to the chain, not equal to it (audit 102 F8)
    assert abs(rel) < LOOKUP_VS_CHAIN_REL, (fast.total_pj_per_bit, slow.total_pj_per_bit)
    print(f"\nenergy_per_bit(loss_db={LOSS}) warm {fast_t * 1e3:.3f} ms; full SI chain on the "
          f"synthetic channel {slow_t * 1e3:.1f} ms; ratio {ratio:.0f}x; "
          f"table {fast.total_pj_per_bit:.4f} vs chain {slow.total_pj_per_bit:.4f} pJ/bit "
          f"({fast.architecture} / {slow.architecture})")


def test_energy_per_bit_batch(benchmark):
    from sikernel.errors import SIKernelError
    from sikernel.power import energy_per_bit, energy_per_bit_batch

    loss = np.random.default_rng(0).uniform(0.0, 40.0, 20_000)
    energy_per_bit_batch(loss[:10], baud=BAUD)  # load the table
    benchmark.pedantic(lambda: energy_per_bit_batch(loss, baud=BAUD), rounds=3, iterations=1)
    batch_t = benchmark.stats.stats.min
    sub = loss[:2000]

    def loop() -> None:
        for x in sub:
            try:
                energy_per_bit(loss_db=float(x), baud=BAUD)
            except SIKernelError:
                pass

    loop_t = best_of(loop, 1, warm_up=True) * loss.size / sub.size
    ratio = loop_t / batch_t
    benchmark.extra_info["ratio"] = ratio
    benchmark.extra_info["compares"] = "own-api: scalar energy_per_bit loop (a tenth timed, scaled)"
    print(f"\nenergy_per_bit_batch: {loss.size} losses in {batch_t:.2f} s "
          f"({batch_t / loss.size * 1e6:.1f} us/point); scalar loop {loop_t:.1f} s "
          f"(extrapolated from {sub.size}); ratio {ratio:.1f}x")


def _study_once(env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sikernel.cli", "study", "--json"], cwd=d, env=env,
                       check=True, capture_output=True)
        return time.perf_counter() - t0


def test_study_wall_time(benchmark):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SIKERNEL_CACHE_DIR=cache, MPLBACKEND="Agg")
        cold = _study_once(dict(env, SIKERNEL_POWER_SHIPPED="0"))  # every SI table rebuilt
        warm = benchmark.pedantic(lambda: _study_once(env), rounds=2, iterations=1)
        warm_t = benchmark.stats.stats.min
        benchmark.extra_info["cold_s"] = cold
        benchmark.extra_info["slowdown_cold_vs_warm"] = cold / warm_t
        benchmark.extra_info["compares"] = "cold/warm: SI tables rebuilt vs shipped (> 1: slower)"
        print(f"\nsikernel study: cold (tables rebuilt) {cold:.1f} s, warm {warm_t:.1f} s, "
              f"ratio {cold / warm_t:.1f}x")
        del warm


def test_calibration_leave_one_out(benchmark):
    """``leave_one_out()`` (16 refits, warm-started at the full fit) against one ``calibrate()``
    from the shipped defaults in the same run; ratio = leave-one-out / fit."""
    from sikernel.power import calibration as cal

    cal.evaluate(cal.DEFAULT_COEFFICIENTS)  # load the SI tables of the 16 designs
    t0 = time.perf_counter()
    res = cal.calibrate()
    fit_t = time.perf_counter() - t0
    loo = benchmark.pedantic(lambda: cal.leave_one_out(res.coefficients), rounds=1, iterations=1)
    loo_t = benchmark.stats.stats.min
    benchmark.extra_info["cost_ratio"] = loo_t / fit_t
    benchmark.extra_info["compares"] = "cost: leave-one-out refits / one fit (> 1: slower)"
    print(f"\ncalibrate {fit_t:.1f} s; leave_one_out ({len(loo.names)} refits) {loo_t:.1f} s; "
          f"ratio {loo_t / fit_t:.1f}x; worst left-out factor {loo.worst_factor:.2f}")
