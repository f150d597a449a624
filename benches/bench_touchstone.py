"""Reading a 6,001-point .s4p and forming SDD21: sikernel vs scikit-rf, same run.

Run with ``python -m pytest benches/bench_touchstone.py --benchmark-only -s``.

* warm: in-process, Numba running (as in a process that has used any kernel): our
  ``read_touchstone`` (parse + mixed mode + passivity and port-map checks) against
  scikit-rf alone (``Network(path)`` + ``renumber`` + ``se2gmm`` to the same
  differential SDD, no checks).  Ratio = scikit-rf time / sikernel time.  The NumPy
  tokenizer that a process without Numba uses (``sikernel.channel._numbers``) is
  timed too (``numpy_path_s``).
* cold: fresh interpreters, one with an empty Numba cache (compile included), one
  reusing it, against a fresh interpreter doing the scikit-rf read (its import
  included in both).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benches._timing import best_of  # noqa: E402

P3CK = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"
FILES = ["DPO_4in_Meg7_THRU.s4p", "C2C_PCB_SYSVIA_12dB_thru.s4p"]  # MA and RI formats


def _path(name: str) -> Path:
    p = P3CK / name
    if not p.is_file():
        pytest.skip(f"{p} not found (set SIKERNEL_CHANNELS)")
    return p


def _skrf_sdd(path: Path) -> np.ndarray:
    import skrf

    net = skrf.Network(str(path))
    net.renumber([0, 1, 2, 3], [0, 2, 1, 3])  # pairs (1,3)->(2,4) in skrf's ordering
    net.se2gmm(p=2)
    return net.s[:, :2, :2]


@pytest.mark.parametrize("name", FILES)
def test_read_warm(benchmark, name):
    from sikernel.channel import _numbers
    from sikernel.channel.touchstone import read_touchstone

    p = _path(name)
    buf = np.fromfile(p, dtype=np.uint8)
    t_numpy_parse = best_of(lambda: _numbers._parse_numpy(buf), 3)
    _numbers._parse_compiled(buf[:64].copy())  # start Numba, as a process that used any kernel
    assert _numbers.numba_running()
    ours = read_touchstone(p)  # compile / load the kernels
    ref = _skrf_sdd(p)
    np.testing.assert_allclose(ours.sdd, ref, atol=1e-12)
    t_skrf = best_of(lambda: _skrf_sdd(p), 5)
    t_ours = benchmark.pedantic(read_touchstone, args=(p,), rounds=7, iterations=1)
    t_ours = benchmark.stats.stats.min if benchmark.stats else best_of(lambda: read_touchstone(p), 5)
    ratio = t_skrf / t_ours
    benchmark.extra_info.update({"compares": "peer: scikit-rf Network + renumber + se2gmm (ours also checks)",
                                 "sikernel_s": t_ours, "skrf_s": t_skrf, "ratio": ratio,
                                 "n_freq": ours.n_freq, "numpy_path_parse_s": t_numpy_parse})
    print(f"\n{name}: sikernel {t_ours * 1e3:.1f} ms, scikit-rf {t_skrf * 1e3:.1f} ms "
          f"-> {ratio:.1f}x (warm, best of runs); the NumPy tokenizer alone {t_numpy_parse * 1e3:.1f} ms")


_OURS = ("from sikernel.channel.touchstone import read_touchstone; "
         "read_touchstone({p!r})")
_SKRF = ("import skrf; n = skrf.Network({p!r}); n.renumber([0, 1, 2, 3], [0, 2, 1, 3]); "
         "n.se2gmm(p=2); n.s[:, :2, :2]")


def _run(snippet: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", snippet], check=True, env=env, cwd=REPO)
    return time.perf_counter() - t0


def test_read_cold(benchmark):
    p = str(_path(FILES[0]))
    cache = tempfile.mkdtemp(prefix="sikernel-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    try:
        cold = _run(_OURS.format(p=p), env)
        warm = benchmark.pedantic(_run, args=(_OURS.format(p=p), env), rounds=3, iterations=1)
        skrf_s = min(_run(_SKRF.format(p=p), env) for _ in range(3))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    benchmark.extra_info.update({"cold_s": cold, "warm_cache_s": warm, "skrf_fresh_process_s": skrf_s,
                                 "ratio": skrf_s / warm, "target": 1.0,  # issue 14: >= 1x
                                 "compares": "peer: scikit-rf read in a fresh process (target >= 1)"})
    print(f"\nfresh process, {FILES[0]}: sikernel cold (compile) {cold:.2f} s, "
          f"warm cache {warm:.2f} s; scikit-rf {skrf_s:.2f} s -> {skrf_s / warm:.2f}x")
