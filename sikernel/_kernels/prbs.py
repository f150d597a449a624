"""Pseudo-random bit and quaternary sequences (LFSR).

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
"""

from __future__ import annotations

from .._jit import kernel


@kernel
def lfsr_bits(taps, seed, invert, out):
    """Fill ``out`` (uint8) with LFSR bits ``b_k = XOR_i b_{k - taps[i]}``.

    ``taps`` holds the exponents of the polynomial (e.g. ``[6, 7]`` for
    ``x^7 + x^6 + 1``); the register (``max(taps)`` bits, nonzero ``seed``) holds the
    previous bits, newest in bit 0.  ``invert`` flips the output.
    """
    n = 0
    for i in range(taps.shape[0]):
        n = max(n, taps[i])
    mask = (1 << n) - 1
    state = seed & mask
    if state == 0:
        state = 1
    for k in range(out.shape[0]):
        fb = 0
        for i in range(taps.shape[0]):
            fb ^= (state >> (taps[i] - 1)) & 1
        state = ((state << 1) | fb) & mask
        out[k] = fb ^ invert


@kernel
def gray_pam4(bits, out):
    """PAM4 symbol indices from bit pairs (MSB first), Gray-coded 00,01,11,10 -> 0,1,2,3."""
    for k in range(out.shape[0]):
        msb = bits[2 * k]
        lsb = bits[2 * k + 1]
        out[k] = 2 * msb + (msb ^ lsb)
