"""Slow, obvious references for the PRBS generators: GF(2) algebra in plain Python.

* :func:`berlekamp_massey`: the shortest LFSR (connection polynomial) that produces a
  bit sequence (J. L. Massey, "Shift-register synthesis and BCH decoding", IEEE Trans.
  Inf. Theory 15(1), 1969), so a generated sequence can be checked against the
  polynomial that defines it without running any LFSR;
* :func:`poly_pow_mod`: ``x^e mod p(x)`` over GF(2), for the period of a sequence whose
  minimal polynomial is ``p`` (the multiplicative order of ``x`` modulo an irreducible
  ``p``: R. Lidl and H. Niederreiter, *Finite Fields*, ch. 3 and 8).

Polynomials are Python ints, bit ``i`` = coefficient of ``x^i``.
"""

from __future__ import annotations

from collections.abc import Sequence


def berlekamp_massey(bits: Sequence[int]) -> int:
    """Connection polynomial ``C(x) = 1 + c_1 x + ... + c_L x^L`` of the shortest LFSR
    ``b_k = XOR_{i: c_i = 1} b_{k-i}`` that generates ``bits`` (as an int)."""
    c, b = 1, 1  # current and previous connection polynomials
    length, m = 0, 1
    for n in range(len(bits)):
        d = bits[n]  # discrepancy
        for i in range(1, length + 1):
            d ^= ((c >> i) & 1) & bits[n - i]
        if d == 0:
            m += 1
        elif 2 * length <= n:
            t = c
            c ^= b << m
            length, b, m = n + 1 - length, t, 1
        else:
            c ^= b << m
            m += 1
    return c


def polynomial(exponents: Sequence[int]) -> int:
    """``1 + sum_e x^e`` as an int."""
    p = 1
    for e in exponents:
        p |= 1 << e
    return p


def poly_mulmod(a: int, b: int, p: int) -> int:
    """``a(x) b(x) mod p(x)`` over GF(2)."""
    deg = p.bit_length() - 1
    out = 0
    while b:
        if b & 1:
            out ^= a
        b >>= 1
        a <<= 1
        if (a >> deg) & 1:
            a ^= p
    return out


def poly_pow_mod(e: int, p: int) -> int:
    """``x^e mod p(x)`` over GF(2) (square and multiply)."""
    result, base = 1, 2  # x (p has degree >= 2)
    while e:
        if e & 1:
            result = poly_mulmod(result, base, p)
        base = poly_mulmod(base, base, p)
        e >>= 1
    return result


def prime_factors(n: int) -> list[int]:
    """The distinct prime factors of ``n`` (trial division)."""
    out, q = [], 2
    while q * q <= n:
        if n % q == 0:
            out.append(q)
            while n % q == 0:
                n //= q
        q += 1
    if n > 1:
        out.append(n)
    return out
