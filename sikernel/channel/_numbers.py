"""The numbers of a Touchstone 1.x file, by whichever of two equal parsers is cheaper now.

* The compiled parser (:func:`sikernel._kernels.touchstone.parse_numbers_marked`,
  one pass over the bytes, ~10 ms for a 6,001-point .s4p) is used when Numba is
  already running in this process.  Its few tokens off Clinger's exact fast path
  (more than 15 significant digits, or an exponent beyond +-22) are converted
  again here by Python's correctly rounded ``float``.
* Otherwise a NumPy tokenizer (``bytes.split`` + ``float``, ~60 ms for the same
  file) is used: starting Numba costs ~1 s in a fresh process (its import, its
  first-dispatch set-up, which imports ``scipy.linalg`` for BLAS, and the cache
  load), far more than the parse, and a script that only reads a file should not
  pay it (``benches/bench_touchstone.py``, fresh process against scikit-rf).
  Once the NumPy tokenizer has read ``NUMBA_BREAK_EVEN_BYTES`` in this process
  (about what one Numba start costs in NumPy parsing time), the compiled parser is
  started anyway (the ski-rental rule: at most about twice the cost of the better
  choice made in hindsight).

Both give the correctly rounded double of every token, so the result does not
depend on which one ran (tests/test_touchstone_numbers.py).  Malformed input is
always diagnosed by the compiled parser (its error offset names the token).
"""

from __future__ import annotations

import re
import sys

import numpy as np

_COMMENT_START = re.compile(rb"[!#]")
_SPACE = b" \t\r\n\v\f"
#: bytes parsed by the NumPy tokenizer after which starting Numba pays for itself
#: (~14 ms per MB for NumPy against ~1 s to start Numba, measured on 2 cores)
NUMBA_BREAK_EVEN_BYTES = 64 * 2**20
_numpy_bytes = 0


def numba_running() -> bool:
    """True when Numba has already set up its compiler in this process (first dispatch done).

    Read from ``numba.core.entrypoints._already_initialized`` (set by Numba's first
    compile or cache load); False when Numba is not imported.
    """
    ep = sys.modules.get("numba.core.entrypoints")
    return bool(getattr(ep, "_already_initialized", False))


def start_numba_if_cached() -> bool:
    """Set Numba's dispatch up now when the compiled parser and passivity test are in
    Numba's on-disk cache, for a caller that runs kernels after reading anyway
    (:func:`sikernel.com` given file paths); return whether it did.

    They are then the cheaper choice (a fresh COM of DPO_4in: 0.07 s of CPU for the read,
    against 0.09 s by NumPy; measured on 2 shared cores).  Not with an empty cache (or the
    cache off): compiling them would cost about 1 s of CPU, far more than the NumPy
    tokenizer.  Setting up is the step every first kernel call takes
    (``numba.core.entrypoints.init_all``, the ``numba_extensions`` entry points), done
    earlier; after it :func:`numba_running` is True.
    """
    import os

    from .._kernels import touchstone as _kt

    try:
        cached = all(os.path.exists(k._cache._cache_file._index_path)  # Numba's FunctionCache
                     for k in (_kt.parse_numbers_marked, _kt.passive_mask))
    except AttributeError:  # cache off (NullCache) or another Numba layout
        return False
    if cached:
        from numba.core import entrypoints

        entrypoints.init_all()
    return cached


def parse_numbers(buf: np.ndarray) -> tuple[np.ndarray, int]:
    """Numbers of a Touchstone 1.x byte buffer: ``(values, count)``.

    ``count`` < 0 flags a malformed token at byte ``-count - 1`` (the convention of
    :func:`sikernel._kernels.touchstone.parse_numbers`).
    """
    global _numpy_bytes
    if not numba_running() and _numpy_bytes < NUMBA_BREAK_EVEN_BYTES:
        _numpy_bytes += buf.size
        vals = _parse_numpy(buf)
        if vals is not None:
            return vals, vals.size
    return _parse_compiled(buf)


def _parse_compiled(buf: np.ndarray) -> tuple[np.ndarray, int]:
    from .._kernels.touchstone import parse_numbers_marked

    vals = np.empty(buf.size // 2 + 1)
    slow = np.zeros(1 + 3 * (buf.size // 17 + 1), dtype=np.int64)  # room for every long token
    count = parse_numbers_marked(buf, vals, slow)
    n_slow = int(slow[0])
    if count <= 0 or n_slow == 0:
        return vals, count
    if n_slow > (slow.size - 1) // 3:  # many short tokens with huge exponents: NumPy does them all
        exact = _parse_numpy(buf)
        return (exact, exact.size) if exact is not None and exact.size == count else (vals, count)
    text = buf.tobytes()
    tri = slow[1: 1 + 3 * n_slow].reshape(n_slow, 3)
    vals[tri[:, 0]] = [float(text[a:b]) for a, b in zip(tri[:, 1].tolist(), tri[:, 2].tolist(), strict=True)]
    return vals, count


def _parse_numpy(buf: np.ndarray) -> np.ndarray | None:
    """Tokens of ``buf`` (comments and option lines removed) by ``float``; None when any
    token is not a plain finite decimal number (then the compiled parser decides)."""
    text = buf.tobytes()
    pieces = []
    last = 0
    for m in _COMMENT_START.finditer(text):
        q = m.start()
        if q < last:
            continue
        if text[q] == 35 and q > 0 and text[q - 1] not in _SPACE:  # "#" inside a token: malformed
            return None
        end = text.find(b"\n", q)
        pieces.append(text[last:q])
        last = len(text) if end < 0 else end
    pieces.append(text[last:])
    body = b" ".join(pieces)
    if b"_" in body:  # float() accepts digit separators; Touchstone does not
        return None
    try:
        vals = np.array([float(t) for t in body.split()], dtype=float)
    except ValueError:
        return None
    if not np.all(np.isfinite(vals)):  # "nan", "inf" are not numbers of the format
        return None
    return vals
