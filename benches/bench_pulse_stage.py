"""The sweep's pulse stage (issue 14: "-15 % or better"), against its previous form, same run.

Run: ``python -m pytest benches/bench_pulse_stage.py --benchmark-only -q -s``

``chunk_pulse_cursors`` on 2,000 rows of 8 bauds (25.8 ... 56 GBd, 8 samples/UI, the
sweep bench's 0-30 GHz / 100 MHz grid; one baud resampled), one thread, against
``_reference_chunk_pulse_cursors`` below: the previous kernel, whose rotation loop read
the circular record with an integer modulo per sample.  Both give bit-identical
cursors and peaks (asserted).  Ratio = reference time / ours; the issue's target
(-15 %) is a ratio of 1/0.85 = 1.18.

What remains is mostly the full-record ``irfft`` (the peak search needs every sample
of the record: the cursors are taken at its first maximum) and the spectrum shaping.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba import prange

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sikernel._jit import options  # noqa: E402
from sikernel._kernels.response import KIND_PULSE, resample_row, shape_spectrum  # noqa: E402

TARGET_RATIO = 1 / 0.85
N_ROWS = 2000
BAUDS = [25.78125e9, 26.5625e9, 28.125e9, 32e9, 40e9, 50e9, 53.125e9, 56e9]
F_HZ = np.arange(301) * 100e6
M = 8


@numba.njit(**{**options(parallel=True), "cache": False})
def _reference_chunk_pulse_cursors(h, f, group, fe, has_fe, resample, n_valid, df_t, t_ui, n_time, n_neg,
                                   m, n_pre, n_post, cursors, h0):
    """The previous kernel (modulo per sample in the rotation loop), ``keep=False`` path."""
    nf = h.shape[1]
    for r in prange(h.shape[0]):
        g = group[r]
        nt = n_time[g]
        src = np.empty(nf, dtype=np.complex128)
        for i in range(nf):
            src[i] = h[r, i] * fe[g, i] if has_fe[g] else h[r, i]
        if resample[g]:
            rs = np.empty(n_valid[g], dtype=np.complex128)
            resample_row(src, f, df_t[g], rs)
            src = rs
        x = np.empty(nt // 2 + 1, dtype=np.complex128)
        shape_spectrum(src, n_valid[g], df_t[g], t_ui[g], KIND_PULSE, x)
        y = np.fft.irfft(x, nt)
        scale = nt * df_t[g]
        first = -n_neg[g]
        i0 = 0
        best = -np.inf
        for i in range(nt):
            vi = y[(first + i) % nt] * scale
            if i == 0 or vi > best:
                best = vi
                i0 = i
        h0[r] = best
        for k in range(-n_pre, n_post + 1):
            i = i0 + k * m
            cursors[r, k + n_pre] = y[(first + i) % nt] * scale if 0 <= i < nt else 0.0


def _inputs():
    from sikernel.channel.batch import stripline_channels
    from sikernel.channel.lines import Stripline
    from sikernel.response import _GRID_RTOL, fft_grid

    lengths = np.linspace(0.002, 0.4, N_ROWS)
    h = stripline_channels(Stripline("megtron7", 0.12e-3, 17e-6, 0.2e-3, spacing=0.2e-3), lengths, F_HZ,
                           out="s21")
    g_n = len(BAUDS)
    group = (np.arange(N_ROWS) % g_n).astype(np.int64)
    fe = np.ones((g_n, F_HZ.size), dtype=np.complex128)
    has_fe = np.zeros(g_n, dtype=np.bool_)
    resample = np.zeros(g_n, dtype=np.bool_)
    n_valid, n_time, n_neg = (np.zeros(g_n, dtype=np.int64) for _ in range(3))
    df_t, t_ui = np.zeros(g_n), np.zeros(g_n)
    for g, fb in enumerate(BAUDS):
        grid = fft_grid(F_HZ, fb, M)
        same = abs(grid.df_hz - 100e6) <= _GRID_RTOL * 100e6
        resample[g] = not same
        n_valid[g] = min(grid.n_pos, F_HZ.size) if same else np.count_nonzero(grid.f_hz <= F_HZ[-1])
        n_time[g], n_neg[g], df_t[g], t_ui[g] = grid.n_time, grid.n_neg, grid.df_hz, 1 / fb
    return h, group, fe, has_fe, resample, n_valid, df_t, t_ui, n_time, n_neg


def test_pulse_stage_vs_previous_kernel(benchmark):
    from sikernel._kernels.sweep import chunk_pulse_cursors

    args = _inputs()
    n_pre, n_post = 2, 12
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        def ours():
            cur = np.empty((N_ROWS, n_pre + 1 + n_post))
            h0 = np.empty(N_ROWS)
            chunk_pulse_cursors(args[0], F_HZ, *args[1:], M, n_pre, n_post, cur, h0, np.empty((1, 1)), False)
            return cur, h0

        def ref():
            cur = np.empty((N_ROWS, n_pre + 1 + n_post))
            h0 = np.empty(N_ROWS)
            _reference_chunk_pulse_cursors(args[0], F_HZ, *args[1:], M, n_pre, n_post, cur, h0)
            return cur, h0

        a, b = ours(), ref()
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        t_ref = np.inf
        t_ours = np.inf
        for _ in range(5):  # interleaved, best of 5 each: the machine's load hits both alike
            t0 = time.perf_counter()
            ref()
            t_ref = min(t_ref, time.perf_counter() - t0)
            t0 = time.perf_counter()
            ours()
            t_ours = min(t_ours, time.perf_counter() - t0)
        benchmark.pedantic(ours, rounds=3, iterations=1)
    finally:
        numba.set_num_threads(threads)
    ratio = t_ref / t_ours
    benchmark.extra_info.update({"ours_us_per_row": t_ours / N_ROWS * 1e6,
                                 "previous_us_per_row": t_ref / N_ROWS * 1e6, "ratio": ratio,
                                 "compares": "own-reference: the previous kernel (1 thread each)",
                                 "change_percent": (t_ours / t_ref - 1) * 100, "target": TARGET_RATIO})
    print(f"\npulse stage, {N_ROWS} rows x {len(BAUDS)} bauds, 1 thread: previous kernel "
          f"{t_ref / N_ROWS * 1e6:.1f} us/row, now {t_ours / N_ROWS * 1e6:.1f} us/row "
          f"({(t_ours / t_ref - 1) * 100:+.0f} %, ratio {ratio:.2f}; target ratio >= {TARGET_RATIO:.2f})")
