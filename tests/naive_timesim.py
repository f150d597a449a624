"""Slow, obvious reference for the bit-by-bit simulator with slicer noise.

A plain-Python symbol loop: ISI sum, RX FFE, noise, DFE tap by tap on the decided
(or the transmitted) symbols, slicer by ``searchsorted``.  It mirrors the kernel's
start-up: samples exist from symbol ``n_post`` on, earlier samples are 0, and
symbols never decided feed back as ``levels[0]`` (tests/naive_eye.py
``dfe_link_loop`` is this loop without noise).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def noisy_link_loop(x: np.ndarray, sym: np.ndarray, cursors: np.ndarray, n_pre: int,
                    rx_ffe: np.ndarray, rx_pre: int, dfe: np.ndarray, levels: np.ndarray,
                    thresholds: np.ndarray, n_warm: int, noise: np.ndarray,
                    propagate: bool = True, samples: np.ndarray | None = None,
                    ) -> tuple[int, int, int, np.ndarray, np.ndarray]:
    """Symbol loop with ``noise[m]`` added at the slicer input of symbol ``m``.

    ``samples``: the channel samples ``y`` given (e.g. jittered ones, from
    :func:`jittered_samples`) instead of made from ``cursors`` (then only its length,
    ``n_pre + 1 + n_post``, is used).

    Returns (symbols counted, symbol errors, Gray-coded bit errors, errors across each
    threshold ``(L-1, 2)`` (upwards, downwards), decided symbol per index (-1: undecided)).
    """
    n_sym = x.size
    k = cursors.size
    n_post = k - 1 - n_pre
    y = np.zeros(n_sym)
    for s in range(n_post, n_sym - n_pre):
        if samples is not None:
            y[s] = samples[s]
            continue
        acc = 0.0
        for i in range(k):
            acc += x[s - (i - n_pre)] * cursors[i]
        y[s] = acc
    decided = np.full(n_sym, -1, dtype=np.int64)
    fed = np.full(n_sym, levels[0])  # fed-back level per symbol; undecided: levels[0]
    err_thr = np.zeros((levels.size - 1, 2), dtype=np.int64)
    counted = se = be = 0
    for m in range(max(0, n_post - rx_pre), n_sym - n_pre - rx_pre):
        z = 0.0
        for i, w in enumerate(rx_ffe):
            q = m + rx_pre - i
            if q >= 0:
                z += w * y[q]
        z += noise[m]
        for i, b in enumerate(dfe):
            z -= b * (fed[m - 1 - i] if m - 1 - i >= 0 else levels[0])
        d = int(np.searchsorted(thresholds, z, side="left"))
        decided[m] = d
        fed[m] = levels[d] if propagate else x[m]
        if m >= n_warm:
            counted += 1
            s = int(sym[m])
            if d != s:
                se += 1
                be += bin((d ^ (d >> 1)) ^ (s ^ (s >> 1))).count("1")
                if d > s:
                    err_thr[s:d, 0] += 1
                else:
                    err_thr[d:s, 1] += 1
    return counted, se, be, err_thr, decided


def fma(a: float, b: float, c: float) -> float:
    """``a b + c`` rounded once (IEEE 754 fusedMultiplyAdd), by exact rational arithmetic."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def fma_dot(x: np.ndarray, t: np.ndarray) -> float:
    """``sum_j x[j] t[j]`` accumulated in the order ``j = 0, 1, ...``, one FMA per term."""
    acc = 0.0
    for a, b in zip(x.tolist(), t.tolist(), strict=True):
        acc = fma(a, b, acc)
    return acc


def plain_dot(x: np.ndarray, t: np.ndarray) -> float:
    """``sum_j x[j] t[j]`` in the order ``j = 0, 1, ...``, product and sum each rounded (what a
    kernel's ``s += a * b`` computes where the CPU has no FMA to fuse it into)."""
    acc = 0.0
    for a, b in zip(x.tolist(), t.tolist(), strict=True):
        acc = acc + a * b
    return acc


def fma_lerp(a: float, b: float, f: float) -> float:
    """``a`` moved towards ``b`` by ``f``: ``fma(f, b, (1 - f) a)`` (``a`` when ``f`` is 0)."""
    return fma(f, b, (1.0 - f) * a) if f > 0.0 else a


# -- the simulator's random stream, in plain Python (sikernel/_kernels/rng.py cites the sources) --

_M64 = (1 << 64) - 1


class Xoshiro256:
    """xoshiro256** seeded by splitmix64 (Blackman & Vigna's reference code), Python ints."""

    def __init__(self, seed: int) -> None:
        z = seed & _M64
        self.s = []
        for _ in range(4):
            z = (z + 0x9E3779B97F4A7C15) & _M64
            w = z
            w = ((w ^ (w >> 30)) * 0xBF58476D1CE4E5B9) & _M64
            w = ((w ^ (w >> 27)) * 0x94D049BB133111EB) & _M64
            self.s.append(w ^ (w >> 31))

    @staticmethod
    def _rotl(v: int, k: int) -> int:
        return ((v << k) | (v >> (64 - k))) & _M64

    def next_u64(self) -> int:
        s0, s1, s2, s3 = self.s
        r = (self._rotl((s1 * 5) & _M64, 7) * 9) & _M64
        t = (s1 << 17) & _M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return r

    def uniform(self) -> float:
        """The top 53 bits of a word as a double in [0, 1)."""
        return (self.next_u64() >> 11) * 2.0**-53

    def normal(self) -> float:
        """Ziggurat (Marsaglia & Tsang; Doornik's ZIGNOR), the tables of sikernel._kernels.rng."""
        from sikernel._kernels.rng import _ZIG_RATIO, _ZIG_X, ZIG_C, ZIG_R

        while True:
            w = self.next_u64()
            u = 2.0 * ((w >> 11) * 2.0**-53) - 1.0
            i = w & (ZIG_C - 1)
            if abs(u) < _ZIG_RATIO[i]:
                return u * _ZIG_X[i]
            if i == 0:  # the tail beyond R
                while True:
                    xx = math.log(1.0 - self.uniform()) / ZIG_R
                    yy = math.log(1.0 - self.uniform())
                    if -2.0 * yy >= xx * xx:
                        return xx - ZIG_R if u < 0.0 else ZIG_R - xx
            xx = u * _ZIG_X[i]
            f0 = math.exp(-0.5 * (_ZIG_X[i] * _ZIG_X[i] - xx * xx))
            f1 = math.exp(-0.5 * (_ZIG_X[i + 1] * _ZIG_X[i + 1] - xx * xx))
            if f1 + self.uniform() * (f0 - f1) < 1.0:
                return xx


def jittered_samples(x: np.ndarray, pulse: np.ndarray, m: int, i_nom: float, base: int, n_rows: int,
                     n_pre: int, n_post: int, rx_pre: int, rj_samples: float, dd_samples: float,
                     sigma_v: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Channel samples at jittered instants, and the slicer noise, drawn symbol by symbol.

    For each sample ``s = n_post .. N - 1 - n_pre``: a normal (RJ, if ``rj_samples``), a
    uniform (dual-Dirac sign: ``+dd`` below 1/2, if ``dd_samples``), the deviation clipped
    to +-m/2 samples; then the noise of symbol ``s - rx_pre`` (a normal, if ``sigma_v`` and
    that symbol exists).  The instant is ``(i_nom - base) + dev`` samples from ``base``:
    row ``r = floor``, fraction ``f`` (the last row pair when past it), and the sample is
    ``fma(f, B, (1 - f) A)`` of the FMA dot products ``A``, ``B`` of the symbols with the
    pulse at sample ``base + r (+1) + c m`` for cursor ``c`` (oldest symbol first; 0 off
    the record).
    """
    rng = Xoshiro256(seed)
    n_sym = x.size
    k = n_pre + 1 + n_post
    max_dev = 0.5 * m
    row0 = i_nom - base
    y = np.zeros(n_sym)
    noise = np.zeros(n_sym)

    def at(idx: int) -> float:
        return float(pulse[idx]) if 0 <= idx < pulse.size else 0.0

    for s in range(n_post, n_sym - n_pre):
        dev = 0.0
        if rj_samples > 0.0:
            dev += rj_samples * rng.normal()
        if dd_samples > 0.0:
            dev += dd_samples if rng.uniform() < 0.5 else -dd_samples
        dev = min(max(dev, -max_dev), max_dev)
        pos = row0 + dev
        r = math.floor(pos)
        f = pos - r
        if r >= n_rows - 1:
            r, f = n_rows - 2, 1.0
        hist = x[s + n_pre - k + 1: s + n_pre + 1]  # oldest first: cursor n_post .. -n_pre
        cur = np.arange(n_post, -n_pre - 1, -1)
        a = fma_dot(hist, np.array([at(base + r + c * m) for c in cur]))
        b = fma_dot(hist, np.array([at(base + r + 1 + c * m) for c in cur]))
        y[s] = fma_lerp(a, b, f)
        if sigma_v > 0.0 and s - rx_pre >= 0:
            noise[s - rx_pre] = sigma_v * rng.normal()
    return y, noise
