"""Cold start: import time of ``sikernel`` and of each stage's first call, in fresh processes.

Run with ``python -m pytest benches/bench_coldstart.py --benchmark-only -s``.
"cold" = a new interpreter with the Numba on-disk cache emptied (compile included);
"warm-cache" = a new interpreter reusing the on-disk cache (what a user sees from the
second run on).  Each timing is one subprocess; the figures are printed and stored
in ``benchmark.extra_info``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SNIPPETS = {
    "import": "import sikernel",
    "twoport": (
        "import numpy as np; from sikernel.channel import twoport; "
        "twoport.s_to_abcd(np.zeros((4, 2, 2)) + 0.1, 50.0)"
    ),
    # the docs' sweep (docs/guide/sweeps.md: 30 points, every output) into a temporary file
    # (new-user trial 31: 55 s the first time, 0.3 s warm in the same process)
    "sweep": (
        "import os, tempfile; import sikernel as sk; d = tempfile.mkdtemp(); "
        "sk.run_sweep({'name': 'stripline', 'outputs': ['il_nyquist_db', 'cursors_v', 'eye_height_v', "
        "'pj_per_bit', 'pj_per_bit_blocks'], 'axes': {'length_m': [0.002, 0.01, 0.05, 0.1, 0.3], "
        "'material': ['abf-gl102', 'megtron7', 'fr4'], 'baud': [26.5625e9, 53.125e9]}, "
        "'fixed': {'tx_rise_time_s': 8e-12, 'rx_f_r': 0.75, 'node_nm': 5}, "
        "'frequency': {'f_max_hz': 60e9, 'df_hz': 25e6}}, os.path.join(d, 's.h5'), quiet=True)"
    ),
}


def _run(snippet: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", snippet], check=True, env=env, cwd=REPO)
    return time.perf_counter() - t0


@pytest.mark.parametrize("stage", sorted(SNIPPETS))
def test_cold_and_warm_start(benchmark, stage):
    cache = tempfile.mkdtemp(prefix="sikernel-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    try:
        cold = _run(SNIPPETS[stage], env)
        warm = benchmark.pedantic(_run, args=(SNIPPETS[stage], env), rounds=3, iterations=1)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    benchmark.extra_info.update({"cold_s": cold, "warm_cache_s": warm})
    print(f"\n{stage}: cold (compile) {cold:.2f} s, warm (cached) {warm:.2f} s")
