"""Bit-by-bit (symbol-by-symbol) link simulation kernels.

The received signal is linear in the symbols, ``y(t) = sum_i a_i p(t - iT)``, so
the sample of symbol ``n`` at a sampling instant offset by ``delta_n`` is an inner
product of the symbol history with the pulse sampled every UI at that offset.
Rows of ``tab`` hold those UI-spaced pulse samples (reversed, so the product runs
over contiguous memory) for consecutive sample offsets; a jittered instant between
two rows is linearly interpolated (the same linear interpolation of the pulse as
:func:`sikernel.eye._input.cursors_at`).  Then a symbol-spaced RX FFE, the slicer
noise, and a DFE whose feedback uses the *decided* symbols (error propagation) or,
optionally, the transmitted ones.  The DFE is evaluated across the sequence in SIMD
loops with the feedback of the transmitted symbols; only the symbols within the DFE
span after a wrong decision are re-decided one by one (exact; see :func:`run_link`).

The transmitted symbols come in as indices (uint8); each block makes the levels it
reads (``levels[sym]``, in a buffer that stays in cache), so a call holds one byte
per symbol rather than a float64 level array as long as the record.

Random numbers (jitter, slicer noise) come from :mod:`sikernel._kernels.rng`
(xoshiro256** and the ziggurat normal), seeded at the start of each kernel call
(the kernels are serial, so results are reproducible).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import kernel
from .fma import fma
from .rng import normal, seed_state, uniform


@kernel
def _popcount(x):
    c = 0
    while x:
        c += x & 1
        x >>= 1
    return c


_BLOCK = 2048  # symbols per block: the block's samples, FFE outputs and noise stay in L1/L2


@kernel
def _fill_normals(sigma, out, i0, i1, s0, s1, s2, s3):
    """``out[i0:i1] = sigma * z`` with standard normals ``z``; returns the new state."""
    for i in range(i0, i1):
        g, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
        out[i] = sigma * g
    return s0, s1, s2, s3


@kernel
def _axpy8(acc, xs, t0, t1, t2, t3, t4, t5, t6, t7):
    """``acc[i] += xs[i] t0 + ... + xs[i+7] t7``, added left to right."""
    for i in range(acc.shape[0]):
        a = acc[i]
        a += xs[i] * t0
        a += xs[i + 1] * t1
        a += xs[i + 2] * t2
        a += xs[i + 3] * t3
        a += xs[i + 4] * t4
        a += xs[i + 5] * t5
        a += xs[i + 6] * t6
        a += xs[i + 7] * t7
        acc[i] = a


@kernel
def _axpy4(acc, xs, t0, t1, t2, t3):
    """``acc[i] += xs[i] t0 + xs[i+1] t1 + xs[i+2] t2 + xs[i+3] t3``, added left to right."""
    for i in range(acc.shape[0]):
        a = acc[i]
        a += xs[i] * t0
        a += xs[i + 1] * t1
        a += xs[i + 2] * t2
        a += xs[i + 3] * t3
        acc[i] = a


@kernel
def _axpy1(acc, xs, t):
    """``acc[i] += xs[i] t``."""
    for i in range(acc.shape[0]):
        acc[i] += xs[i] * t


@kernel
def _row_frac(pos, n_rows):
    """Table row below ``pos`` and the fraction towards the next (the last pair: fraction 1)."""
    r = math.floor(pos)
    f = pos - r
    if r >= n_rows - 1:
        r = n_rows - 2
        f = 1.0
    return r, f


@kernel
def _fir_block(x, x0, taps, out):
    """``out[i] = sum_j x[x0 + i + j] taps[j]``, each sum accumulated in the order ``j = 0, 1, ...``.

    The loop over ``i`` is innermost: independent sums, a contiguous SIMD loop; eight
    taps per pass over ``out`` (then four, then one), so each output is loaded and
    stored once per eight taps (measured ~11 % faster than four per pass on 200 taps).
    Every sum is formed in the same order as a per-output dot product, so the result
    is bit-identical to it.
    """
    nb = out.shape[0]
    k = taps.shape[0]
    out[:] = 0.0
    j = 0
    while j + 8 <= k:
        _axpy8(out, x[x0 + j: x0 + j + nb + 7], taps[j], taps[j + 1], taps[j + 2], taps[j + 3],
               taps[j + 4], taps[j + 5], taps[j + 6], taps[j + 7])
        j += 8
    while j + 4 <= k:
        _axpy4(out, x[x0 + j: x0 + j + nb + 3], taps[j], taps[j + 1], taps[j + 2], taps[j + 3])
        j += 4
    while j < k:
        _axpy1(out, x[x0 + j: x0 + j + nb], taps[j])
        j += 1


@kernel
def _lerp(a, b, f):
    """``a`` moved towards ``b`` by ``f`` (``a`` itself when ``f`` is 0).

    ``fma(f, b, (1 - f) a)``: the FMA spelled out, so that the rounding does not depend on
    which product the compiler fuses where the function is inlined (it is the form the
    compiler had chosen in :func:`_fir_rows`, so the samples are unchanged).
    """
    return fma(f, b, (1.0 - f) * a) if f > 0.0 else a


@kernel
def _fir_rows(x, x0, tab, rows, frac, out):
    """Jittered samples: ``out[i]`` = row ``rows[i]`` of ``tab`` applied at ``x0 + i``,
    linearly interpolated towards row ``rows[i] + 1`` by ``frac[i]``.

    Four symbols at a time, i.e. eight independent dot products (two rows each) whose
    sums are each formed in the order ``j = 0, 1, ...``: bit-identical to a
    per-symbol loop, without its add-latency chain.
    """
    nb = out.shape[0]
    k = tab.shape[1]
    i = 0
    while i + 4 <= nb:
        p0, q0 = tab[rows[i]], tab[rows[i] + 1]
        p1, q1 = tab[rows[i + 1]], tab[rows[i + 1] + 1]
        p2, q2 = tab[rows[i + 2]], tab[rows[i + 2] + 1]
        p3, q3 = tab[rows[i + 3]], tab[rows[i + 3] + 1]
        xs = x[x0 + i: x0 + i + k + 3]
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        b0 = 0.0
        b1 = 0.0
        b2 = 0.0
        b3 = 0.0
        for j in range(k):
            a0 += xs[j] * p0[j]
            b0 += xs[j] * q0[j]
            a1 += xs[j + 1] * p1[j]
            b1 += xs[j + 1] * q1[j]
            a2 += xs[j + 2] * p2[j]
            b2 += xs[j + 2] * q2[j]
            a3 += xs[j + 3] * p3[j]
            b3 += xs[j + 3] * q3[j]
        out[i] = _lerp(a0, b0, frac[i])
        out[i + 1] = _lerp(a1, b1, frac[i + 1])
        out[i + 2] = _lerp(a2, b2, frac[i + 2])
        out[i + 3] = _lerp(a3, b3, frac[i + 3])
        i += 4
    while i < nb:  # the last 1-3 symbols of the block, one at a time
        p, q = tab[rows[i]], tab[rows[i] + 1]
        xs = x[x0 + i: x0 + i + k]
        a = 0.0
        b = 0.0
        for j in range(k):
            a += xs[j] * p[j]
            b += xs[j] * q[j]
        out[i] = _lerp(a, b, frac[i])
        i += 1


#: a table row is applied to the whole block (one SIMD FIR, like the fixed-instant path)
#: when at least 1/_DENSE_SHARE of the block's symbols need it; the others get one dot
#: product per symbol.  Measured on 200 taps (one core, shared machine): a SIMD FIR costs
#: ~12 ns per symbol of the block, a per-symbol dot ~32 ns, so a row pays off as a SIMD FIR
#: from about a third of the block on.  This only moves work between exact paths: the
#: samples are the same either way.
_DENSE_SHARE = 3
#: costs per symbol (ns; measured with 200 taps on one core of the shared 2-core machine; all
#: but the bookkeeping scale with the taps) that pick
#: the route of a block: the split's bookkeeping, one block FIR row, one dot product of the
#: split (sorted by row; 40 rather than the 32 of full groups of eight: rows with few pairs
#: sum them four or one at a time), and one dot product of _fir_rows (72 ns a symbol, two
#: rows).  When the split would not be cheaper (jitter spread over many rows, e.g. RJ 0.03 UI
#: with DJ 0.05 UI at 32 samples/UI), :func:`_fir_rows` does the block.
_COST_BOOKKEEPING = 8
_COST_BLOCK_ROW = 12
_COST_DOT = 40
_COST_ROWS_DOT = 36
#: below this many taps the bookkeeping (~8 ns a symbol) costs more than it saves:
#: :func:`_fir_rows` does the block (measured: 18 taps 7-8 vs 9-10 ns a symbol; 200 taps
#: 72 vs 40-53)
_JITTER_SPLIT_MIN_TAPS = 48


@kernel
def _dots_of_row(x, x0, t, pos, order, q0, q1, out):
    """``out[order[q]] = sum_j x[x0 + pos[order[q]] + j] t[j]`` for ``q = q0 .. q1 - 1``, each in
    the order ``j = 0, 1, ...``: eight (then four, then one) independent sums at a time,
    sharing each load of ``t[j]``."""
    k = t.shape[0]
    q = q0
    while q + 8 <= q1:
        b0 = x[x0 + pos[order[q]]: x0 + pos[order[q]] + k]
        b1 = x[x0 + pos[order[q + 1]]: x0 + pos[order[q + 1]] + k]
        b2 = x[x0 + pos[order[q + 2]]: x0 + pos[order[q + 2]] + k]
        b3 = x[x0 + pos[order[q + 3]]: x0 + pos[order[q + 3]] + k]
        b4 = x[x0 + pos[order[q + 4]]: x0 + pos[order[q + 4]] + k]
        b5 = x[x0 + pos[order[q + 5]]: x0 + pos[order[q + 5]] + k]
        b6 = x[x0 + pos[order[q + 6]]: x0 + pos[order[q + 6]] + k]
        b7 = x[x0 + pos[order[q + 7]]: x0 + pos[order[q + 7]] + k]
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        a4 = 0.0
        a5 = 0.0
        a6 = 0.0
        a7 = 0.0
        for j in range(k):
            tj = t[j]
            a0 += b0[j] * tj
            a1 += b1[j] * tj
            a2 += b2[j] * tj
            a3 += b3[j] * tj
            a4 += b4[j] * tj
            a5 += b5[j] * tj
            a6 += b6[j] * tj
            a7 += b7[j] * tj
        out[order[q]] = a0
        out[order[q + 1]] = a1
        out[order[q + 2]] = a2
        out[order[q + 3]] = a3
        out[order[q + 4]] = a4
        out[order[q + 5]] = a5
        out[order[q + 6]] = a6
        out[order[q + 7]] = a7
        q += 8
    while q + 4 <= q1:
        b0 = x[x0 + pos[order[q]]: x0 + pos[order[q]] + k]
        b1 = x[x0 + pos[order[q + 1]]: x0 + pos[order[q + 1]] + k]
        b2 = x[x0 + pos[order[q + 2]]: x0 + pos[order[q + 2]] + k]
        b3 = x[x0 + pos[order[q + 3]]: x0 + pos[order[q + 3]] + k]
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        for j in range(k):
            tj = t[j]
            a0 += b0[j] * tj
            a1 += b1[j] * tj
            a2 += b2[j] * tj
            a3 += b3[j] * tj
        out[order[q]] = a0
        out[order[q + 1]] = a1
        out[order[q + 2]] = a2
        out[order[q + 3]] = a3
        q += 4
    while q < q1:
        b0 = x[x0 + pos[order[q]]: x0 + pos[order[q]] + k]
        a0 = 0.0
        for j in range(k):
            a0 += b0[j] * t[j]
        out[order[q]] = a0
        q += 1


@kernel
def _fir_jittered(x, x0, tab, rows, frac, out, dense, slot, use, pos, prow, order, val):
    """Jittered samples, the same as :func:`_fir_rows` bit for bit, by a cheaper route.

    Every sample is a dot product accumulated in the order ``j = 0, 1, ...`` (row
    ``rows[i]``, and row ``rows[i] + 1`` when ``frac[i] > 0``), then interpolated by
    :func:`_lerp`.  A row that many of the block's symbols need is applied to the whole
    block at once by :func:`_fir_block` (a SIMD loop over the symbols, each sum still in
    the order ``j = 0, 1, ...``) into ``dense``; the other (symbol, row) pairs are sorted
    by row and summed eight at a time (:func:`_dots_of_row`).  Under
    ``_JITTER_SPLIT_MIN_TAPS`` taps, or when the split is not estimated to be cheaper
    (``_COST_*``), :func:`_fir_rows` does the block.  Work arrays: ``dense``
    (D, block), ``slot`` and ``use`` (rows of ``tab``), ``pos``, ``prow``, ``order``,
    ``val`` (2 x block).
    """
    nb = out.shape[0]
    n_rows = tab.shape[0]
    if tab.shape[1] < _JITTER_SPLIT_MIN_TAPS:
        _fir_rows(x, x0, tab, rows, frac, out)
        return
    use[:] = 0
    for i in range(nb):
        use[rows[i]] += 1
        if frac[i] > 0.0:
            use[rows[i] + 1] += 1
    n_dense = 0
    n_use = 0
    n_use_dense = 0
    for r in range(n_rows):
        slot[r] = -1
        n_use += use[r]
        if use[r] > 0 and use[r] * _DENSE_SHARE >= nb and n_dense < dense.shape[0]:
            slot[r] = n_dense
            n_dense += 1
            n_use_dense += use[r]
    # estimated cost of this route against _fir_rows (_COST_*: the taps' share scales with k)
    k = tab.shape[1]
    split = (_COST_BOOKKEEPING * nb * 200
             + (_COST_BLOCK_ROW * nb * n_dense + _COST_DOT * (n_use - n_use_dense)) * k)
    if split >= _COST_ROWS_DOT * n_use * k:  # jitter spread over many rows: the per-symbol kernel
        _fir_rows(x, x0, tab, rows, frac, out)
        return
    for r in range(n_rows):
        if slot[r] >= 0:
            _fir_block(x, x0, tab[r], dense[slot[r], :nb])
    n_p = 0
    for i in range(nb):
        r = rows[i]
        if slot[r] < 0:
            pos[n_p] = i
            prow[n_p] = r
            n_p += 1
        if frac[i] > 0.0 and slot[r + 1] < 0:
            pos[n_p] = i
            prow[n_p] = r + 1
            n_p += 1
    # counting sort of the pairs by row (use[r] becomes the start of row r in order)
    start = 0
    for r in range(n_rows):
        c = use[r] if slot[r] < 0 else 0
        use[r] = start
        start += c
    for q in range(n_p):
        r = prow[q]
        order[use[r]] = q
        use[r] += 1
    q0 = 0
    for r in range(n_rows):
        if use[r] > q0:
            _dots_of_row(x, x0, tab[r], pos, order, q0, use[r], val)
            q0 = use[r]
    p = 0
    for i in range(nb):
        r = rows[i]
        if slot[r] >= 0:
            a = dense[slot[r], i]
        else:
            a = val[p]
            p += 1
        b = 0.0
        if frac[i] > 0.0:
            if slot[r + 1] >= 0:
                b = dense[slot[r + 1], i]
            else:
                b = val[p]
                p += 1
        out[i] = _lerp(a, b, frac[i])


@kernel
def _slice_block(zb, noise, fbk, thresholds, dec):
    """Decisions with the feedback of the *transmitted* symbols: ``z = zb + noise - fbk``
    (into ``zb``) and ``dec = #{thresholds below z}``; every loop a SIMD loop."""
    th = thresholds[0]
    for i in range(zb.shape[0]):
        z = (zb[i] + noise[i]) - fbk[i]
        zb[i] = z
        dec[i] = z > th
    for t in range(1, thresholds.shape[0]):
        th = thresholds[t]
        for i in range(zb.shape[0]):
            dec[i] += zb[i] > th


@kernel
def _count_mismatches(dec, sym, m0):
    """``#{i : dec[i] != sym[m0 + i]}`` (a SIMD loop)."""
    n = 0
    for i in range(dec.shape[0]):
        n += dec[i] != sym[m0 + i]
    return n


@kernel
def run_link(sym, tab, pre, row0, rj_samples, dd_samples, max_dev, ffe, ffe_pre, dfe, feedback_true,
             levels, thresholds, sigma_v, seed, n_warm, bits_per_symbol, counts, err_thr):
    """Simulate the link; accumulate error counts.

    Parameters
    ----------
    sym : (N,) uint8
        Transmitted symbol indices (0 = lowest level); symbol ``n`` sends
        ``x[n] = levels[sym[n]]`` (V per unit pulse).
    tab : (R, K) float64
        ``tab[r, j]`` = pulse sample of cursor ``k = K - 1 - pre - j`` (``-pre..post``)
        at row offset ``r``; the sample of symbol ``s`` at row ``r`` is
        ``sum_j x[s + pre - K + 1 + j] * tab[r, j]``.
    pre : int
        Number of pre-cursors in ``tab``.
    row0 : float
        Row position of the nominal sampling instant.
    rj_samples, dd_samples : float
        RJ rms and dual-Dirac amplitude, in samples.
    max_dev : float
        Sampling-instant deviations are clipped to +-max_dev samples.
    ffe : (W,) float64
        RX FFE taps (symbol-spaced), main at ``ffe_pre``.
    dfe : (D,) float64
        DFE taps, V.
    feedback_true : bool
        Feed back transmitted instead of decided symbols (no error propagation).
    levels : (L,) float64
        Symbol levels.
    thresholds : (L-1,) float64
        Slicer thresholds, V, increasing.
    sigma_v : float
        Gaussian noise at the slicer input, V rms.
    seed : int
        Seed of the kernel's random stream (noise and jitter).
    n_warm : int
        Symbols not counted at the start (incomplete history).
    bits_per_symbol : int
        Gray-coded bits per symbol (0: count symbol errors only).
    counts : (3,) int64
        Out: symbols counted, symbol errors, bit errors.
    err_thr : (L-1, 2) int64
        Out: errors across each threshold (upwards, downwards).

    Notes
    -----
    The symbols are processed in blocks of ``_BLOCK``:

    1. the random stream is drawn in the original per-symbol order (jitter of the
       sample, then the slicer noise of the FFE output it completes), so the results
       do not depend on the block size;
    2. the channel samples of the whole block: the cursor loop is outside and the
       symbol loop inside, so each sample is still accumulated cursor by cursor in
       the same order (bit-identical to a per-symbol dot product), but the symbol
       loop is a contiguous SIMD loop with independent accumulators;
    3. the RX FFE outputs of the block, the same way (tap loop outside);
    4. the DFE, vectorised across the sequence where the decisions allow it.  With
       decided-symbol feedback the slicer input is
       ``z_n = y_n - sum_t b_t d_{n-1-t} = z'_n + C_n`` with ``z'_n = y_n - sum_t b_t x_{n-1-t}``
       (the feedback of the transmitted levels: a FIR on ``x``, computed for the
       whole block like step 2) and ``C_n = sum_t b_t (x_{n-1-t} - d_{n-1-t})``, which
       is exactly 0 unless one of the last ``D`` decisions was wrong.  So the block's
       decisions are sliced from ``z'`` in SIMD loops, and only the ``D`` symbols after
       a wrong decision are re-decided one by one from ``z' + C`` (``C`` summed over
       the recent wrong decisions, newest first, i.e. in the order ``t = 0, 1, ...``;
       terms of right decisions are exact zeros and are skipped).  This is exact
       error propagation, not an approximation: the decision of a symbol is the same
       whichever path computes it.  Symbols never decided (before the first sample
       with a full channel history) feed back ``levels[0]``.  With a unit RX FFE and a
       fixed sampling instant (no jitter, no fractional phase) the feedback taps are
       folded into the channel taps (cursor ``1 + t`` less ``b_t``), so ``z'`` is one
       FIR, except in the block(s) whose DFE span reaches undecided symbols.

    The arithmetic of ``z`` (``(y + noise) - sum_t b_t x_{n-1-t}``, that sum taken
    oldest tap first, or the folded FIR plus noise; then ``+ C``) rounds differently from the plain loop
    (tests/naive_eye.py subtracts tap by tap, newest first) in the last bits only;
    decisions agree except at exact threshold ties (tests/test_timesim.py).

    Without jitter the channel samples are bit-identical to a per-symbol dot
    product; with jitter each sample is ``fma(f, b, (1 - f) a)`` of two such dot
    products (rows ``r`` and ``r + 1``; :func:`_lerp`), whichever path
    (:func:`_fir_jittered`: block FIRs of the rows many symbols need, dot products
    for the rest) computes them (tests/test_timesim_dfe.py checks this against exact
    rational arithmetic).
    """
    s0, s1, s2, s3 = seed_state(seed)
    n_sym = sym.shape[0]
    k = tab.shape[1]
    n_rows = tab.shape[0]
    w = ffe.shape[0]
    d = dfe.shape[0]
    post = k - 1 - pre
    jitter = rj_samples > 0.0 or dd_samples > 0.0
    decided_fb = d > 0 and not feedback_true
    dfe_rev = dfe[::-1].copy()  # dfe_rev[j] multiplies x[m - d + j]: the FIR form of the feedback
    # recent wrong decisions (ring, newest last): position and x - decided level
    ring = 1
    while ring < d + 1:
        ring *= 2
    mask = ring - 1
    err_pos = np.zeros(ring, dtype=np.int64)
    err_dx = np.zeros(ring)
    n_err_held = 0
    dirty_until = -1  # symbols up to here may see a wrong decision in the DFE span
    h = w - 1  # FFE history carried from block to block
    ybuf = np.zeros(h + _BLOCK)
    acc2 = np.empty(_BLOCK)
    zb = np.empty(_BLOCK)
    fbk = np.zeros(_BLOCK)
    xpad = np.empty(_BLOCK + d)
    # the levels x[lo .. hi - 1] a block reads (channel FIR, DFE feedback), made per block
    back = max(post, ffe_pre + d)
    xw = np.empty(_BLOCK + back + pre)
    dec = np.empty(_BLOCK, dtype=np.int64)
    noise = np.zeros(_BLOCK)
    rows = np.empty(_BLOCK, dtype=np.int64)
    frac = np.empty(_BLOCK)
    # work arrays of _fir_jittered: at most 2 _DENSE_SHARE rows reach the share (two rows a symbol)
    dense = np.empty((min(n_rows, 2 * _DENSE_SHARE) if jitter else 0, _BLOCK))
    row_slot = np.empty(n_rows, dtype=np.int64)
    row_use = np.empty(n_rows, dtype=np.int64)
    pos = np.empty(2 * _BLOCK if jitter else 0, dtype=np.int64)
    prow = np.empty(2 * _BLOCK if jitter else 0, dtype=np.int64)
    order = np.empty(2 * _BLOCK if jitter else 0, dtype=np.int64)
    val = np.empty(2 * _BLOCK if jitter else 0)
    r_nom, f_nom = _row_frac(row0, n_rows)
    unit_ffe = w == 1 and ffe[0] == 1.0
    # with a unit FFE and a fixed sampling instant the feedback of the transmitted levels
    # folds into the channel taps (cursor 1 + t less b_t): z' is one FIR
    merged = unit_ffe and not jitter and f_nom == 0.0 and 0 < d <= post
    tab_fb = tab[r_nom].copy()
    if merged:
        for t in range(d):
            tab_fb[post - 1 - t] -= dfe[t]
    no_fb = np.zeros(_BLOCK)
    n_cnt = 0
    n_se = 0
    n_be = 0
    s_end = n_sym - pre  # samples of symbols post .. n_sym - 1 - pre (full history)
    m_first = max(0, post - ffe_pre)  # the first decided symbol
    for sa in range(post, s_end, _BLOCK):
        nb = min(_BLOCK, s_end - sa)
        m0 = sa - ffe_pre  # symbol decided from the block's FFE output 0
        i_lo = max(0, -m0)  # outputs before symbol 0 are not decided
        # 1. random stream, in the per-symbol order (noise only: one tight loop)
        if not jitter:
            if sigma_v > 0.0:
                s0, s1, s2, s3 = _fill_normals(sigma_v, noise, i_lo, nb, s0, s1, s2, s3)
        else:
            for i in range(nb):
                dev = 0.0
                if rj_samples > 0.0:
                    g, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
                    dev += rj_samples * g
                if dd_samples > 0.0:
                    u, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
                    dev += dd_samples if u < 0.5 else -dd_samples
                dev = min(max(dev, -max_dev), max_dev)
                rows[i], frac[i] = _row_frac(row0 + dev, n_rows)
                if sigma_v > 0.0 and i >= i_lo:
                    g, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
                    noise[i] = sigma_v * g
        # 2. channel samples y[sa .. sa+nb-1] into ybuf[h ..]
        lo = max(0, sa - back)
        for q in range(lo, sa + nb + pre):
            xw[q - lo] = levels[sym[q]]
        x0 = sa + pre - k + 1 - lo  # in xw
        yb = ybuf[h: h + nb]
        # folded feedback: not while the DFE span reaches undecided symbols (levels[0])
        fold = merged and m0 - d >= m_first
        if not jitter:
            _fir_block(xw, x0, tab_fb if fold else tab[r_nom], yb)
            if f_nom > 0.0:
                _fir_block(xw, x0, tab[r_nom + 1], acc2[:nb])
                for i in range(nb):
                    yb[i] = (1.0 - f_nom) * yb[i] + f_nom * acc2[i]
        else:
            _fir_jittered(xw, x0, tab, rows[:nb], frac[:nb], yb, dense, row_slot, row_use, pos, prow, order,
                          val)
        # 3. RX FFE outputs z for m = s - ffe_pre
        zv = yb if unit_ffe else zb[:nb]  # FFE outputs (a unit FFE: the samples themselves)
        if not unit_ffe:
            c = ffe[0]
            for i in range(nb):
                zb[i] = c * ybuf[h + i]
            for t in range(1, w):
                c = ffe[t]
                for i in range(nb):
                    zb[i] += c * ybuf[h + i - t]
        # carry the last h samples as the next block's FFE history
        for t in range(h):
            ybuf[t] = ybuf[nb + t]
        # 4. DFE feedback of the transmitted levels (undecided symbols: levels[0]), slicer
        if d > 0 and not fold:
            src = xw
            j0 = m0 - d
            if j0 < m_first:
                for j in range(nb + d - 1):
                    q = j0 + j
                    xpad[j] = xw[q - lo] if q >= m_first else levels[0]
                src = xpad
                j0 = 0
            else:
                j0 -= lo
            _fir_block(src, j0, dfe_rev, fbk[:nb])
        _slice_block(zv, noise[:nb], no_fb[:nb] if fold else fbk[:nb], thresholds, dec[:nb])
        # 5. wrong decisions (and the symbols after them): one by one
        c_lo = max(i_lo, n_warm - m0)  # counted outputs: c_lo .. nb - 1
        if c_lo < nb:
            n_cnt += nb - c_lo
        if dirty_until < m0 + i_lo and _count_mismatches(dec[i_lo:nb], sym, m0 + i_lo) == 0:
            continue
        for i in range(i_lo, nb):
            m = m0 + i
            di = dec[i]
            if m <= dirty_until:
                cfb = 0.0
                for e in range(min(n_err_held, ring)):
                    slot = (n_err_held - 1 - e) & mask
                    t = m - 1 - err_pos[slot]
                    if t >= d:
                        break
                    cfb += dfe[t] * err_dx[slot]
                z = zv[i] + cfb
                di = 0
                for t in range(thresholds.shape[0]):
                    di += z > thresholds[t]
                dec[i] = di
            s = np.int64(sym[m])
            if di == s:
                continue
            if decided_fb:
                slot = n_err_held & mask
                err_pos[slot] = m
                err_dx[slot] = levels[s] - levels[di]
                n_err_held += 1
                dirty_until = m + d
            if m >= n_warm:
                n_se += 1
                if bits_per_symbol > 0:
                    n_be += _popcount((di ^ (di >> 1)) ^ (s ^ (s >> 1)))
                if di > s:
                    for t in range(s, di):
                        err_thr[t, 0] += 1
                else:
                    for t in range(di, s):
                        err_thr[t, 1] += 1
    counts[0] += n_cnt
    counts[1] += n_se
    counts[2] += n_be


@kernel
def eye_histogram(x, pulse, ref, m, dfe, v_lo, dv, sigma_v, seed, start, n_eye, hist):
    """2-UI folded eye diagram: histogram of the waveform after the DFE correction.

    For symbols ``n = start .. start+n_eye-1`` the waveform ``y(t) = sum_i x_i p(t - iT)``
    at the ``2 m`` sample instants from ``ref - m`` (one UI before the main-cursor
    instant) is reduced by the DFE feedback of the transmitted symbols,
    plus slicer noise, and binned into ``hist[time, voltage]`` (clamped).
    """
    s0, s1, s2, s3 = seed_state(seed)
    n_t = hist.shape[0]
    n_v = hist.shape[1]
    n_p = pulse.shape[0]
    d = dfe.shape[0]
    for n in range(start, start + n_eye):
        fb = 0.0
        for i in range(d):
            fb += dfe[i] * x[n - 1 - i]
        for s in range(n_t):
            t_idx = ref - m + s  # sample index relative to symbol n's launch
            acc = 0.0
            # symbols i with 0 <= t_idx + (n - i) m < n_p
            i_hi = n + (t_idx // m) if t_idx >= 0 else n - ((-t_idx + m - 1) // m)
            i_lo = n - (n_p - 1 - t_idx) // m
            for i in range(max(i_lo, 0), min(i_hi, x.shape[0] - 1) + 1):
                q = t_idx + (n - i) * m
                if 0 <= q < n_p:
                    acc += x[i] * pulse[q]
            acc -= fb
            if sigma_v > 0.0:
                g, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
                acc += sigma_v * g
            b = math.floor((acc - v_lo) / dv)
            if b < 0:
                b = 0
            elif b >= n_v:
                b = n_v - 1
            hist[s, b] += 1
