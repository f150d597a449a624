"""The word-parallel PRBS generators (sikernel/_kernels/prbs.py) against the bit-serial
register and against the definitions (ITU-T O.150 §5, IEEE 802.3 120.5.11.2.1):
minimal polynomial, period, longest zero run, and the tabulated PRBS7 period."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel._kernels.prbs import jump_shifts
from sikernel.eye.timesim import PRBS_POLYNOMIALS, _prbs_symbols, prbs, prqs

from . import naive_eye, naive_prbs

ORDERS = sorted(PRBS_POLYNOMIALS)


def _head_bits(order: int) -> int:
    """Bits the generator makes bit by bit before its 64-bit steps (whole words)."""
    return -(-int(jump_shifts(PRBS_POLYNOMIALS[order][0]).max()) // 64) * 64


@pytest.mark.parametrize("order", ORDERS)
def test_word_parallel_equals_bit_serial_register(order):
    """Every length around the word and history boundaries, seeds with bits above the
    register (masked) and 0 (taken as 1): bit-identical to the plain-Python register."""
    taps, inv = PRBS_POLYNOMIALS[order]
    head = _head_bits(order)
    lengths = [0, 1, 63, 64, 65, head - 1, head, head + 1, head + 64 * 7 + 13]
    for seed in (0, 1, 0x55, 2**order - 1, 2**40 + 0x2B):
        ref = naive_eye.lfsr_bits(taps, max(lengths), seed=seed, invert=inv)
        for n in lengths:
            np.testing.assert_array_equal(prbs(order, n, seed=seed), ref[:n], err_msg=f"{n=} {seed=}")


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("n_levels", [2, 4])
def test_symbols_are_the_bits_or_their_gray_coded_pairs(order, n_levels):
    """NRZ: the bits; PAM4: 2 MSB + (MSB ^ LSB) of consecutive bit pairs (802.3 120.5.7.1),
    for lengths ending inside a word."""
    taps, inv = PRBS_POLYNOMIALS[order]
    n = 1000 + 37  # not a multiple of 32 or 64 symbols
    bits = naive_eye.lfsr_bits(taps, n * n_levels // 2, seed=9, invert=inv).astype(np.int64)
    if n_levels == 2:
        ref = bits
    else:
        msb, lsb = bits[0::2], bits[1::2]
        ref = 2 * msb + (msb ^ lsb)
    for m in (n, 31, 32, 33, 64, 65):
        got = _prbs_symbols(order, m, n_levels, 9)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, ref[:m])
    if n_levels == 4:
        np.testing.assert_array_equal(prqs(n, order, seed=9), ref)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("offset", [0, 100_003])
def test_minimal_polynomial_is_the_defining_polynomial(order, offset):
    """Berlekamp-Massey on 4n output bits (at the start, and deep in the 64-bit-step
    part) finds exactly the O.150 / 802.3 polynomial: the shortest register that makes
    the sequence is the one the standard defines."""
    taps, inv = PRBS_POLYNOMIALS[order]
    b = prbs(order, offset + 4 * order, seed=0x1234)[offset:] ^ inv  # undo the O.150 inversion
    assert naive_prbs.berlekamp_massey(b.tolist()) == naive_prbs.polynomial(taps)


@pytest.mark.parametrize("order", [7, 9, 13, 15, 23])
def test_period_and_longest_zero_run(order):
    """Period exactly 2^n - 1 (a period, and P/q is not one for any prime q | P), and the
    longest run of zeros over a period: n - 1 non-inverted, n inverted (O.150 §5)."""
    period = 2**order - 1
    inv = PRBS_POLYNOMIALS[order][1]
    b = prbs(order, 2 * period, seed=77)
    np.testing.assert_array_equal(b[period:], b[:period])
    for q in naive_prbs.prime_factors(period):
        s = period // q
        assert not np.array_equal(b[s: s + period], b[:period]), q
    ones = np.flatnonzero(np.concatenate([[1], b, [1]]))  # zero runs lie between ones
    assert int(np.max(np.diff(ones)) - 1) == order - 1 + inv


def test_prbs31_period_from_its_minimal_polynomial():
    """2^31 bits are too many to generate in a test: the minimal polynomial of the output
    (Berlekamp-Massey) is x^31 + x^28 + 1, x has order 2^31 - 1 modulo it (x^P = 1,
    P prime, x != 1), so every nonzero register gives period 2^31 - 1."""
    taps, inv = PRBS_POLYNOMIALS[31]
    p = naive_prbs.polynomial(taps)
    b = prbs(31, 4 * 31 + 5000, seed=0x7FFFFFFF)[5000:] ^ inv
    assert naive_prbs.berlekamp_massey(b.tolist()) == p
    period = 2**31 - 1
    assert naive_prbs.prime_factors(period) == [period]
    assert naive_prbs.poly_pow_mod(period, p) == 1


def test_prbs7_from_the_all_ones_register_is_the_tabulated_period():
    """x^7 + x^6 + 1 from the register 1111111: the 127-bit PRBS7 period as it is commonly
    tabulated (typed in, not produced by this code)."""
    tabulated = ("0000001000001100001010001111001000101100111010100111110100001110001001001101101"
                 "011011110110001101001011101110011001010101111111")
    got = "".join(map(str, prbs(7, 2 * 127, seed=0x7F)))
    assert got == tabulated * 2
