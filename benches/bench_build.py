"""Batched stripline+package construction vs scikit-rf (issue 2 §6).

10,000 channels (802.3ck TX package + Megtron-7 differential stripline of
different lengths + 802.3ck RX package) on a 4,096-point grid in one call of
:func:`sikernel.channel.batch.stripline_channels`, against the equivalent
scikit-rf construction (``DefinedGammaZ0.line`` + ``**`` cascade with the
package networks) timed in the same run on 50 channels and scaled per channel, and
against the same maths vectorised in NumPy (ABCD products of every channel at once, 500
channels timed): most of scikit-rf's time is its per-Network objects, so the NumPy figure
is the like-for-like one.  Every side gets the line's gamma/Zc and the package networks
precomputed once.

Run: ``python -m pytest benches/bench_build.py --benchmark-only -q -s``.
"cold" = first call in a fresh interpreter with an empty Numba cache (compile
included); "warm" = repeated calls in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
N_CHANNELS = 10_000
N_FREQ = 4096
N_PEER = 50
MIL = 25.4e-6

SETUP = """
import numpy as np
from sikernel.channel.lines import Stripline
from sikernel.channel.batch import stripline_channels
line = Stripline("megtron7", 5 * 25.4e-6, 0.6 * 25.4e-6, 6 * 25.4e-6, spacing=7 * 25.4e-6, roughness="hvlp")
f = np.linspace(0.0, 60e9, {nf})
lengths = np.linspace(0.01, 0.5, {nc})
"""


def _setup():
    from sikernel.channel.lines import Stripline

    line = Stripline("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp")
    f = np.linspace(0.0, 60e9, N_FREQ)
    lengths = np.linspace(0.01, 0.5, N_CHANNELS)
    return line, f, lengths


def _skrf_build(line, f, lengths):
    """The peer: scikit-rf media line + cascade with the package networks (f > 0: skrf needs finite Zc)."""
    import skrf

    from sikernel.channel.package import package_channel

    fp = f[1:]
    tx = package_channel("802.3ck", 12e-3, fp).to_network()
    rx = package_channel("802.3ck", 12e-3, fp, "rx").to_network()
    media = skrf.media.DefinedGammaZ0(skrf.Frequency.from_f(fp, unit="hz"), z0_port=100.0,
                                      z0=line.zc(fp), gamma=line.gamma(fp))
    return [(tx ** media.line(ln, unit="m") ** rx).s[:, 1, 0] for ln in lengths]


#: channels the vectorised NumPy baseline is timed on (memory: ~10 complex arrays of N x 4095)
N_NUMPY = 500


def _numpy_builder(line, f):
    """The same maths vectorised in NumPy (audit 102 F7: most of scikit-rf's time is its per-Network
    objects): TX package ABCD x line ABCD (cosh, Zc sinh, sinh / Zc) x RX package ABCD, every
    channel at once, S21 at the differential reference impedance; f > 0 as the skrf side.  The
    package ABCD matrices are computed once (``package_abcd``), as both other sides get them."""
    from sikernel.channel.package import get_package, package_abcd

    fp = f[1:]
    z0 = 2.0 * get_package("802.3ck").r0_ohm
    t1, t2 = package_abcd("802.3ck", 12e-3, fp), package_abcd("802.3ck", 12e-3, fp, "rx")
    (a1, b1), (c1, d1) = (t1[:, 0, 0], t1[:, 0, 1]), (t1[:, 1, 0], t1[:, 1, 1])
    (a2, b2), (c2, d2) = (t2[:, 0, 0], t2[:, 0, 1]), (t2[:, 1, 0], t2[:, 1, 1])
    zc, g = line.zc(fp), line.gamma(fp)

    def build(lengths):
        gl = g[None, :] * lengths[:, None]
        ch, sh = np.cosh(gl), np.sinh(gl)
        p, q = a1 * ch + b1 * sh / zc, a1 * zc * sh + b1 * ch      # TX x line
        r, t = c1 * ch + d1 * sh / zc, c1 * zc * sh + d1 * ch
        a, b, c, d = p * a2 + q * c2, p * b2 + q * d2, r * a2 + t * c2, r * b2 + t * d2   # x RX
        return 2.0 / (a + b / z0 + c * z0 + d)

    return build


def _cold_seconds() -> float:
    code = SETUP.format(nf=N_FREQ, nc=64) + (
        "import time; t=time.perf_counter(); "
        "stripline_channels(line, lengths, f, '802.3ck', '802.3ck'); print(time.perf_counter()-t)")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                             text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def test_build_10k_vs_skrf(benchmark):
    from sikernel.channel.batch import stripline_channels

    line, f, lengths = _setup()
    cold = _cold_seconds()
    stripline_channels(line, lengths[:8], f, "802.3ck", "802.3ck")  # load from cache / compile here

    res = benchmark.pedantic(lambda: stripline_channels(line, lengths, f, "802.3ck", "802.3ck"),
                             rounds=3, iterations=1, warmup_rounds=1)
    warm_s = benchmark.stats.stats.min
    us_ours = warm_s / N_CHANNELS * 1e6

    sample = lengths[:: N_CHANNELS // N_PEER][:N_PEER]
    t0 = time.perf_counter()
    peer = _skrf_build(line, f, sample)
    us_peer = (time.perf_counter() - t0) / N_PEER * 1e6
    idx = np.searchsorted(lengths, sample)
    err = max(np.max(np.abs(p - res[i, 1:])) for p, i in zip(peer, idx, strict=True))

    build_np = _numpy_builder(line, f)
    sub = lengths[:: N_CHANNELS // N_NUMPY][:N_NUMPY]
    ref_np = build_np(sub)
    err_np = float(np.max(np.abs(ref_np - res[np.searchsorted(lengths, sub), 1:])))
    t_np = []
    for _ in range(2):
        t0 = time.perf_counter()
        build_np(sub)
        t_np.append(time.perf_counter() - t0)
    us_np = min(t_np) / N_NUMPY * 1e6

    buf = np.empty_like(res)  # reused output: what a sweep loop sees (no fresh pages per call)
    reuse = []
    for _ in range(3):
        t0 = time.perf_counter()
        stripline_channels(line, lengths, f, "802.3ck", "802.3ck", buffer=buf)
        reuse.append(time.perf_counter() - t0)
    us_reuse = min(reuse) / N_CHANNELS * 1e6

    ratio = us_peer / us_ours
    benchmark.extra_info.update({"compares": f"peer: scikit-rf, one Network per channel ({N_PEER} timed, "
                                             f"scaled to {N_CHANNELS}); 2 threads vs 1",
                                 "us_per_channel": us_ours, "us_per_channel_reused_buffer": us_reuse,
                                 "skrf_us_per_channel": us_peer,
                                 "ratio": ratio, "cold_first_call_s": cold, "max_abs_diff_vs_skrf": err,
                                 "numpy_vectorised_us_per_channel": us_np,
                                 "ratio_vs_numpy_vectorised": us_np / us_ours,
                                 "max_abs_diff_vs_numpy": err_np,
                                 "n_channels": N_CHANNELS, "n_freq": N_FREQ})
    print(f"\nbatched build: {us_ours:.1f} us/channel warm ({N_CHANNELS} channels x {N_FREQ} points, "
          f"min of 3; {us_reuse:.1f} us with a reused output buffer)")
    print(f"scikit-rf: {us_peer:.0f} us/channel ({N_PEER} channels); ratio {ratio:.0f}x; "
          f"cold first call (compile, 64 channels) {cold:.2f} s; max |dS21| vs skrf {err:.1e}")
    print(f"vectorised NumPy, same maths: {us_np:.0f} us/channel ({N_NUMPY} channels); ratio "
          f"{us_np / us_ours:.0f}x; max |dS21| {err_np:.1e}")
    assert err < 1e-9 and err_np < 1e-9
