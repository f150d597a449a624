"""Pseudo-random bit and quaternary sequences (LFSR), 64 bits per step.

PRBS generators after ITU-T O.150 (05/96), §5: Fibonacci LFSR with feedback
polynomial ``x^n + x^m + 1``; the output bit is the feedback bit, so the sequence
obeys ``b_k = b_{k-m} XOR b_{k-n}`` and has period ``2^n - 1``:

=======  ===================  =========================================
order    polynomial           O.150 clause
=======  ===================  =========================================
7        x^7 + x^6 + 1        (used in 802.3 / OIF tests; not in O.150)
9        x^9 + x^5 + 1        5.1
15       x^15 + x^14 + 1      5.3 (O.150 transmits it inverted)
23       x^23 + x^18 + 1      5.6 (inverted)
31       x^31 + x^28 + 1      5.8 (inverted)
=======  ===================  =========================================

PRBS13 for the quaternary pattern uses ``x^13 + x^12 + x^2 + x + 1`` (IEEE 802.3
120.5.11.2.1, PRBS13Q), i.e. ``b_k = b_{k-1} ^ b_{k-2} ^ b_{k-12} ^ b_{k-13}``
in the same Fibonacci form (every exponent a tap).  The quaternary mapping (802.3 120.5.7.1) takes bit
pairs (first bit = MSB) and Gray-codes them: 00 -> 0, 01 -> 1, 11 -> 2, 10 -> 3
(symbol index, lowest level first).

Word-parallel generation
------------------------
A sequence annihilated by the characteristic polynomial ``p(x) = 1 + sum_t x^t`` is
annihilated by every multiple of it (linear recurring sequences: R. Lidl and
H. Niederreiter, *Finite Fields*, ch. 8), in particular by ``p(x)^(2^j)``, and over
GF(2) squaring is the Frobenius map, ``p(x)^2 = p(x^2)``: so
``b_k = XOR_t b_{k - 2^j t}`` as well.  With ``2^j min(t) >= 64`` every term of 64
consecutive bits lies in bits already made, so a whole 64-bit word is the XOR of a few
(unaligned) 64-bit windows of the earlier bits: :func:`lfsr_words`.  The first
``2^j max(t)`` bits (the history that recurrence needs) come from the bit-serial
register.  The bits are the same as the bit-serial LFSR's (tests/test_prbs.py checks them
against the plain-Python register and the independent references of tests/naive_prbs.py).
"""

from __future__ import annotations

import numpy as np

from .._jit import kernel

WORD_BITS = 64


def jump_shifts(taps: tuple[int, ...]) -> np.ndarray:
    """The exponents of ``p(x)^(2^j)``: ``2^j t`` for the smallest ``j`` with ``2^j min(t) >= 64``."""
    scale = 1
    while scale * min(taps) < WORD_BITS:
        scale *= 2
    return np.array([scale * t for t in taps], dtype=np.int64)


@kernel
def lfsr_words(taps, shifts, seed, words):
    """Fill ``words`` (uint64) with the LFSR bits ``b_k = XOR_i b_{k - taps[i]}``, 64 per word.

    Bit ``i`` of ``words[w]`` is ``b_{64 w + i}`` (not inverted).  ``taps`` holds the
    exponents of the polynomial (e.g. ``[6, 7]`` for ``x^7 + x^6 + 1``); the register
    (``max(taps)`` bits, nonzero ``seed``; 0 is taken as 1) holds the previous bits,
    newest in bit 0.  ``shifts`` are :func:`jump_shifts` of ``taps``: the first
    ``max(shifts)`` bits (rounded up to whole words) are made bit by bit, every later
    word as the XOR of the 64-bit windows ``64 w - shifts[i]``.
    """
    n = 0
    for i in range(taps.shape[0]):
        n = max(n, taps[i])
    mask = (1 << n) - 1
    state = seed & mask
    if state == 0:
        state = 1
    head = 0
    for i in range(shifts.shape[0]):
        head = max(head, shifts[i])
    n_words = words.shape[0]
    w_head = min(n_words, (head + WORD_BITS - 1) // WORD_BITS)
    for w in range(w_head):  # the history: bit-serial register
        word = np.uint64(0)
        for i in range(WORD_BITS):
            fb = 0
            for t in range(taps.shape[0]):
                fb ^= (state >> (taps[t] - 1)) & 1
            state = ((state << 1) | fb) & mask
            word |= np.uint64(fb) << np.uint64(i)
        words[w] = word
    for w in range(w_head, n_words):  # 64 bits per step
        acc = np.uint64(0)
        for t in range(shifts.shape[0]):
            p = WORD_BITS * w - shifts[t]  # first bit of the window (shifts >= 64: all made)
            q = p >> 6
            r = p & 63
            if r == 0:
                acc ^= words[q]
            else:
                acc ^= (words[q] >> np.uint64(r)) | (words[q + 1] << np.uint64(WORD_BITS - r))
        words[w] = acc


@kernel
def symbols_from_words(words, invert, n_levels, sym):
    """NRZ or PAM4 symbol indices (``sym``, uint8) from the packed bits.

    Two levels: symbol ``k`` = bit ``k`` XOR ``invert``.  Four levels: bits ``2k``
    (MSB) and ``2k + 1`` (LSB), each XOR ``invert``, Gray-coded 00, 01, 11, 10 ->
    0, 1, 2, 3 (802.3 120.5.7.1): symbol = ``2 MSB + (MSB XOR LSB)``; inverting both
    bits leaves ``MSB XOR LSB`` unchanged.  A word at a time: ``g = word ^ (word >> 1)``
    holds ``MSB XOR LSB`` at every even bit.
    """
    n = sym.shape[0]
    one = np.uint64(1)
    flip = ~np.uint64(0) if invert else np.uint64(0)
    per_word = WORD_BITS if n_levels == 2 else WORD_BITS // 2
    n_full = n // per_word
    for w in range(n_full):
        word = words[w] ^ flip
        k0 = w * per_word
        if n_levels == 2:
            for i in range(WORD_BITS):
                sym[k0 + i] = np.uint8((word >> np.uint64(i)) & one)
        else:
            g = word ^ (word >> one)
            for i in range(WORD_BITS // 2):
                sh = np.uint64(2 * i)
                sym[k0 + i] = np.uint8((((word >> sh) & one) << one) | ((g >> sh) & one))
    if n_full < words.shape[0]:  # the last, partial word
        word = words[n_full] ^ flip
        g = word ^ (word >> one)
        for i in range(n - n_full * per_word):
            if n_levels == 2:
                sym[n_full * per_word + i] = np.uint8((word >> np.uint64(i)) & one)
            else:
                sh = np.uint64(2 * i)
                sym[n_full * per_word + i] = np.uint8((((word >> sh) & one) << one) | ((g >> sh) & one))
