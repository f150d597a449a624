"""Kernels for Touchstone reading: ASCII number parsing and the passivity check.

``parse_numbers`` turns the bytes of a Touchstone 1.x file into float64 values in
one pass (skipping ``!`` comments and ``#`` option lines), about an order of
magnitude faster than a Python/NumPy tokenizer.  Conversion is Clinger's fast
path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990):
an integer mantissa of up to 19 digits times or divided by an exact power of ten;
the result is correctly rounded whenever the mantissa has at most 15-16
significant digits (< 2**53) and the decimal exponent is within +-22, which
covers the 6-10 digit data of measured and simulated S-parameter files, and is
within a few ulp otherwise.  (The project's fastmath flags allow reciprocal
division, so a value can also differ from C ``strtod`` by 1 ulp.)

``passive_mask`` tells, per frequency, whether every singular value of S is
below a limit, by a Cholesky factorisation of ``limit**2 I - S^H S`` (a few
hundred flops per 4x4 matrix); only the failing frequencies, if any, are then
given to a full SVD to name the worst one.
"""

from __future__ import annotations

import numpy as np

from .._jit import kernel

_POW10 = np.array([10.0**k for k in range(23)])

_SPACE, _TAB, _LF, _CR, _VT, _FF = 32, 9, 10, 13, 11, 12
_PLUS, _MINUS, _DOT, _ZERO, _NINE = 43, 45, 46, 48, 57
_E_UP, _E_LO, _BANG, _HASH = 69, 101, 33, 35


@kernel
def parse_numbers(buf, out):
    """Parse whitespace-separated decimal numbers from ``buf`` (uint8) into ``out``.

    :func:`parse_numbers_marked` without the list of tokens off Clinger's fast path.
    """
    return parse_numbers_marked(buf, out, np.zeros(1, dtype=np.int64))


@kernel
def parse_numbers_marked(buf, out, slow):
    """Parse whitespace-separated decimal numbers from ``buf`` (uint8) into ``out``.

    ``!`` starts a comment and a ``#`` at the start of a token starts an option
    line; both run to the end of the line and are skipped.  Returns the count of
    numbers written, or ``-(i + 1)`` where ``i`` is the byte offset of the first
    malformed token (or ``-(len(buf) + 2)`` when ``out`` is too small).

    ``slow[0]`` counts the tokens off the exact fast path (more than 15 significant
    digits or a decimal exponent beyond +-22: correctly rounded not guaranteed);
    ``slow[1 + 3 j]``, ``slow[2 + 3 j]``, ``slow[3 + 3 j]`` hold the value index and
    the byte range ``[start, end)`` of the ``j``-th of them, as far as ``slow`` has
    room (``1 + 3 (len(buf) // 17 + 1)`` always suffices: such a token has at least
    16 digits and a separator), so that a caller can convert those tokens exactly
    (:mod:`sikernel.channel._numbers`).
    """
    n = buf.size
    i = 0
    k = 0
    n_slow = 0
    cap = (slow.size - 1) // 3
    while i < n:
        c = buf[i]
        if c == _SPACE or c == _TAB or c == _LF or c == _CR or c == _VT or c == _FF:
            i += 1
            continue
        if c == _BANG or c == _HASH:
            while i < n and buf[i] != _LF:
                i += 1
            continue
        start = i
        neg = False
        if c == _MINUS or c == _PLUS:
            neg = c == _MINUS
            i += 1
        mant = np.uint64(0)
        ndig = 0
        exp10 = 0
        seen = False
        while i < n and _ZERO <= buf[i] <= _NINE:
            d = buf[i] - _ZERO
            seen = True
            if ndig < 19:
                if mant != 0 or d != 0:
                    ndig += 1
                mant = mant * np.uint64(10) + np.uint64(d)
            else:
                exp10 += 1
            i += 1
        if i < n and buf[i] == _DOT:
            i += 1
            while i < n and _ZERO <= buf[i] <= _NINE:
                d = buf[i] - _ZERO
                seen = True
                if ndig < 19:
                    if mant != 0 or d != 0:
                        ndig += 1
                    mant = mant * np.uint64(10) + np.uint64(d)
                    exp10 -= 1
                i += 1
        if not seen:
            return -(start + 1)
        if i < n and (buf[i] == _E_UP or buf[i] == _E_LO):
            i += 1
            eneg = False
            if i < n and (buf[i] == _MINUS or buf[i] == _PLUS):
                eneg = buf[i] == _MINUS
                i += 1
            e = 0
            edig = 0
            while i < n and _ZERO <= buf[i] <= _NINE:
                if e < 100000:
                    e = e * 10 + (buf[i] - _ZERO)
                edig += 1
                i += 1
            if edig == 0:
                return -(start + 1)
            exp10 += -e if eneg else e
        if i < n:
            c = buf[i]
            if not (c == _SPACE or c == _TAB or c == _LF or c == _CR or c == _VT or c == _FF
                    or c == _BANG):
                return -(start + 1)
        if ndig > 15 or exp10 > 22 or exp10 < -22:
            if n_slow < cap:
                slow[1 + 3 * n_slow] = k
                slow[2 + 3 * n_slow] = start
                slow[3 + 3 * n_slow] = i
            n_slow += 1
        v = float(mant)
        if exp10 > 0:
            while exp10 > 22:
                v *= 1e22
                exp10 -= 22
            v *= _POW10[exp10]
        elif exp10 < 0:
            while exp10 < -22:
                v /= 1e22
                exp10 += 22
            v /= _POW10[-exp10]
        if k >= out.size:
            return -(n + 2)
        out[k] = -v if neg else v
        k += 1
    slow[0] = n_slow
    return k


@kernel
def passive_mask(s, limit_sq, out):
    """``out[i] = True`` when ``limit_sq * I - S[i]^H S[i]`` is positive definite.

    That is, every singular value of ``S[i]`` is below ``sqrt(limit_sq)``: a
    Cholesky factorisation of the Hermitian ``n x n`` matrix succeeds (all pivots
    > 0) exactly then (Golub and Van Loan, *Matrix Computations*, 4th ed., 4.2).
    """
    m = s.shape[0]
    nn = s.shape[1]
    a = np.empty((nn, nn), dtype=np.complex128)
    for i in range(m):
        for r in range(nn):
            for c in range(nn):
                acc = 0.0 + 0.0j
                for k in range(nn):
                    acc += np.conj(s[i, k, r]) * s[i, k, c]
                a[r, c] = -acc
            a[r, r] += limit_sq
        ok = True
        for j in range(nn):
            d = a[j, j].real
            for k in range(j):
                d -= a[j, k].real * a[j, k].real + a[j, k].imag * a[j, k].imag
            if not d > 0.0:
                ok = False
                break
            d = np.sqrt(d)
            a[j, j] = d
            for r in range(j + 1, nn):
                acc = a[r, j]
                for k in range(j):
                    acc -= a[r, k] * np.conj(a[j, k])
                a[r, j] = acc / d
        out[i] = ok
