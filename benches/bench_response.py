"""Pulse response of a real channel (DPO_4in, 6,001 points, 53.125 GBd, 32 samples/UI).

Run with ``python -m pytest benches/bench_response.py --benchmark-only -s``.

Compared in the same run against a plain NumPy implementation of 93A-24 (zero-pad
H to fs/2, multiply by T sinc(fT) exp(-j pi f T), ``numpy.fft.irfft``), which is what
pychopmarg and most scripts do.  "warm" = compiled kernels, repeated calls;
"cold" = a fresh interpreter with an empty Numba cache (compile included), for
``import sikernel.response`` + the first call.  Also: a batch of 147 transfer
functions (one per 802.3ck CTLE setting) against a NumPy loop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benches._timing import best_of  # noqa: E402
from tests.conftest import channel_path  # noqa: E402

BAUD = 53.125e9
M = 32


def numpy_pulse(h: np.ndarray, f: np.ndarray, baud: float, m: int) -> np.ndarray:
    """Plain NumPy 93A-24 pulse response (the reference being replaced)."""
    fs = baud * m
    df = f[1] - f[0]
    n = round(fs / df)
    hh = np.zeros(n // 2 + 1, dtype=complex)
    k = min(hh.size, f.size)
    hh[:k] = h[:k]
    fk = np.arange(hh.size) * (fs / n)
    t_ui = 1.0 / baud
    x = hh * t_ui * np.sinc(fk * t_ui) * np.exp(-1j * np.pi * fk * t_ui)
    return np.fft.irfft(x, n) * fs


@pytest.fixture(scope="module")
def dpo4():
    from sikernel.channel.touchstone import read_touchstone

    return read_touchstone(channel_path("DPO_4in_Meg7_THRU.s4p"))


def test_pulse_response_warm(benchmark, dpo4):
    from sikernel.response import pulse_from_h, pulse_response

    f, h = dpo4.f, dpo4.s21
    t_np = best_of(lambda: numpy_pulse(h, f, BAUD, M), 30, warm_up=True)
    t_arr = best_of(lambda: pulse_from_h(h, f, BAUD, M), 30, warm_up=True)
    benchmark(pulse_response, dpo4, BAUD, M)
    t_full = benchmark.stats.stats.min
    # same numbers: the NumPy record is circular from t = 0, ours starts at -n/4
    _, v = pulse_from_h(h, f, BAUD, M)
    ref = np.roll(numpy_pulse(h, f, BAUD, M), v.size // 4)
    err = float(np.max(np.abs(v - ref)))
    benchmark.extra_info.update({
        "compares": "own-reference: NumPy pulse (tests)", "numpy_s": t_np, "pulse_from_h_s": t_arr,
        "pulse_response_s": t_full,
        "ratio": t_np / t_arr, "ratio_full": t_np / t_full, "max_abs_diff": err})
    print(f"\nwarm: NumPy {t_np * 1e3:.2f} ms, pulse_from_h {t_arr * 1e3:.2f} ms "
          f"(ratio {t_np / t_arr:.1f}x), pulse_response incl. causality+truncation "
          f"{t_full * 1e3:.2f} ms (ratio {t_np / t_full:.1f}x); max |diff| {err:.1e}")
    assert err < 1e-12


def test_pulse_batch_147_ctle_settings(benchmark, dpo4):
    from sikernel.eq.filters import ctle_responses
    from sikernel.response import pulse_from_h

    f = dpo4.f
    g1, g2 = np.meshgrid(np.arange(-20.0, 1.0), np.arange(-6.0, 1.0), indexing="ij")
    hc = ctle_responses(f, g1.ravel(), 21.25e9, 21.25e9, 53.125e9, g2.ravel(), 0.664e9)
    hs = hc * dpo4.s21
    t_np = best_of(lambda: [numpy_pulse(x, f, BAUD, M) for x in hs], 3, warm_up=True)
    benchmark.pedantic(pulse_from_h, args=(hs, f, BAUD, M), rounds=3, iterations=1)
    t_ours = benchmark.stats.stats.min
    benchmark.extra_info.update({"compares": "own-reference: NumPy pulse per channel (loop)",
                                 "numpy_s": t_np, "ours_s": t_ours, "ratio": t_np / t_ours})
    print(f"\nbatch of {hs.shape[0]}: NumPy loop {t_np * 1e3:.0f} ms, "
          f"pulse_from_h {t_ours * 1e3:.0f} ms (ratio {t_np / t_ours:.1f}x)")


SNIPPET = (
    "import time; t0 = time.perf_counter();"
    "from sikernel.channel.touchstone import read_touchstone;"
    "from sikernel.response import pulse_response;"
    f"ch = read_touchstone({str(channel_path('DPO_4in_Meg7_THRU.s4p'))!r});"
    "t1 = time.perf_counter(); pulse_response(ch, 53.125e9, 32);"
    "print(time.perf_counter() - t1)"
)


def _run(env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", SNIPPET], check=True, env=env, cwd=REPO,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def test_pulse_response_cold(benchmark):
    cache = tempfile.mkdtemp(prefix="sikernel-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    try:
        cold = _run(env)
        warm_cache = benchmark.pedantic(_run, args=(env,), rounds=1, iterations=1)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    benchmark.extra_info.update({"cold_first_call_s": cold, "cached_first_call_s": warm_cache})
    print(f"\nfirst pulse_response in a new process: {cold:.2f} s with compilation, "
          f"{warm_cache:.3f} s from the on-disk cache")


def _numpy_mmse_unlimited(hs: np.ndarray, i0: int, n_pre: int, n_post: int, n_dfe: int,
                          acf: np.ndarray, sx2: float) -> np.ndarray:
    """Plain NumPy per-setting MMSE (DFE unlimited): build A, Q, solve; the MSE per row."""
    n_w = n_pre + 1 + n_post
    out = np.empty(hs.shape[0])
    r = np.zeros(n_w)
    r[: acf.size] = acf
    rn = r[np.abs(np.subtract.outer(np.arange(n_w), np.arange(n_w)))]
    for s, h in enumerate(hs):
        a = np.zeros((h.size + n_w - 1, n_w))
        for i in range(n_w):
            a[i: i + h.size, i] = h
        m0 = i0 + n_pre
        keep = np.ones(a.shape[0], dtype=bool)
        keep[m0: m0 + 1 + n_dfe] = False
        q = sx2 * a[keep].T @ a[keep] + rn
        z = np.linalg.solve(q, a[m0])
        out[s] = 1.0 / (a[m0] @ z)
    return out


def test_mmse_batch_vs_numpy(benchmark):
    from sikernel.eq.mmse import mmse_batch, symbol_variance

    rng = np.random.default_rng(3)
    h = 0.3 * np.exp(-np.arange(60) / 5.0)
    h[:4] = [0.01, -0.02, 0.1, 0.5]
    hs = h[None, :] * (1 + 0.2 * rng.standard_normal((2000, 60)))
    acf = np.array([1e-4, 3e-5, 1e-5])
    mmse_batch(hs[:2], 3, 5, 10, 1, noise_acf=acf, b_max=100.0)       # compile
    t_np = best_of(lambda: _numpy_mmse_unlimited(hs, 3, 5, 10, 1, acf, symbol_variance(4)), 2, warm_up=True)
    res = benchmark.pedantic(mmse_batch, args=(hs, 3, 5, 10, 1),
                             kwargs={"noise_acf": acf, "b_max": 100.0}, rounds=5, iterations=1)
    t_ours = benchmark.stats.stats.min
    ref = _numpy_mmse_unlimited(hs, 3, 5, 10, 1, acf, symbol_variance(4))
    err = float(np.max(np.abs(res.mse / ref - 1)))
    benchmark.extra_info.update({"compares": "own-reference: NumPy MMSE solve per setting",
                                 "numpy_s": t_np, "ours_s": t_ours, "ratio": t_np / t_ours,
                                 "max_rel_diff": err})
    print(f"\nMMSE 16-tap RX FFE + 1 DFE, 2000 settings: NumPy {t_np * 1e3:.0f} ms, "
          f"mmse_batch {t_ours * 1e3:.1f} ms (ratio {t_np / t_ours:.0f}x, "
          f"{t_ours / 2000 * 1e6:.1f} us/setting); max rel. MSE diff {err:.1e}")
    assert err < 1e-8
