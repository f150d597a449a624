"""The two Touchstone number parsers (compiled, NumPy) give the same, correctly rounded values.

Reference: Python's ``float`` (correctly rounded decimal-to-binary conversion, D. M.
Gay, "Correctly rounded binary-decimal and decimal-binary conversions", 1990).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sikernel.channel import _numbers

CHANNELS = Path(os.environ.get("SIKERNEL_CHANNELS",
                               Path(__file__).resolve().parents[2] / "shared" / "channels"))
REAL_FILES = ["DPO_4in_Meg7_THRU.s4p", "C2C_PCB_SYSVIA_12dB_thru.s4p", "CA_19p75dB_fext1.s4p"]


def _reference(text: bytes) -> np.ndarray:
    toks = []
    for line in text.split(b"\n"):
        line = line.split(b"!")[0]
        if line.lstrip().startswith(b"#"):
            continue
        toks += line.split()
    return np.array([float(t) for t in toks])


def _both(text: bytes) -> tuple[np.ndarray, np.ndarray]:
    buf = np.frombuffer(text, dtype=np.uint8).copy()
    vals, count = _numbers._parse_compiled(buf)
    assert count >= 0
    fast = _numbers._parse_numpy(buf)
    assert fast is not None
    return vals[:count], fast


def test_parsers_equal_float_on_random_numbers(rng):
    # 1 to 19 significant digits, exponents far beyond Clinger's fast path (+-22)
    x = rng.normal(size=3000) * 10.0 ** rng.integers(-40, 40, 3000)
    digits = rng.integers(1, 19, x.size)
    text = ("! header\n# GHz S RI R 50\n" + "\n".join(
        f"{v:.{int(d)}e}\t{v:.{int(d)}g} ! c" for v, d in zip(x, digits, strict=True)) + "\n").encode()
    ref = _reference(text)
    compiled, numpy_ = _both(text)
    np.testing.assert_array_equal(compiled, ref)
    np.testing.assert_array_equal(numpy_, ref)


@pytest.mark.parametrize("name", REAL_FILES)
def test_parsers_equal_float_on_real_files(name):
    p = CHANNELS / "ieee-802.3ck" / name
    if not p.is_file():
        pytest.skip(f"{p} not found (set SIKERNEL_CHANNELS)")
    text = p.read_bytes()
    compiled, numpy_ = _both(text)
    ref = _reference(text)
    np.testing.assert_array_equal(compiled, ref)
    np.testing.assert_array_equal(numpy_, ref)


@pytest.mark.parametrize("bad", [b"1 2x 3", b"1 - 3", b"1 e5", b"1 nan 3", b"1 inf", b"1 1_0", b"1 2#3"])
def test_numpy_path_hands_malformed_input_to_the_compiled_parser(bad, monkeypatch):
    monkeypatch.setattr(_numbers, "numba_running", lambda: False)
    assert _numbers._parse_numpy(np.frombuffer(bad, dtype=np.uint8).copy()) is None
    _, count = _numbers.parse_numbers(np.frombuffer(bad, dtype=np.uint8).copy())
    assert count < 0


def test_passivity_check_same_on_both_paths(rng, monkeypatch):
    from sikernel.channel.touchstone import _check_passivity
    from sikernel.errors import SIKernelWarning

    s = (rng.normal(size=(300, 4, 4)) + 1j * rng.normal(size=(300, 4, 4))) * 0.3
    f = np.arange(300) * 1e8
    got = []
    for running in (True, False):
        monkeypatch.setattr(_numbers, "numba_running", lambda running=running: running)
        with pytest.warns(SIKernelWarning, match="not passive") as rec:
            got.append((_check_passivity(f, s, 0.2, "x"), str(rec[0].message)))
    assert got[0] == got[1]


def test_fresh_process_read_does_not_start_numba():
    p = CHANNELS / "ieee-802.3ck" / REAL_FILES[0]
    if not p.is_file():
        pytest.skip(f"{p} not found (set SIKERNEL_CHANNELS)")
    code = ("import sys; from sikernel.channel.touchstone import read_touchstone; "
            f"ch = read_touchstone({str(p)!r}); "
            "print(ch.n_freq, 'numba' in sys.modules, 'scipy.linalg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["6001", "False", "False"]


def test_compiled_parser_once_numpy_has_read_the_break_even_bytes(monkeypatch):
    """Ski-rental rule: the NumPy tokenizer only until it has read NUMBA_BREAK_EVEN_BYTES."""
    calls = []
    monkeypatch.setattr(_numbers, "numba_running", lambda: False)
    monkeypatch.setattr(_numbers, "_parse_compiled", lambda buf: calls.append(buf.size) or (None, 0))
    buf = np.frombuffer(b"1 2 3\n", dtype=np.uint8).copy()
    monkeypatch.setattr(_numbers, "_numpy_bytes", 0)
    monkeypatch.setattr(_numbers, "NUMBA_BREAK_EVEN_BYTES", 10)
    assert _numbers.parse_numbers(buf)[1] == 3 and not calls  # 6 bytes read by NumPy
    assert _numbers.parse_numbers(buf)[1] == 3 and not calls  # 12 bytes now
    _numbers.parse_numbers(buf)
    assert calls == [6]


def test_many_tokens_off_the_fast_path():
    """More long-exponent tokens than the kernel's list holds: still exact (NumPy path)."""
    text = b" ".join(b"1e-30 7e+25" for _ in range(500)) + b"\n"
    compiled, numpy_ = _both(text)
    ref = _reference(text)
    np.testing.assert_array_equal(compiled, ref)
    np.testing.assert_array_equal(numpy_, ref)


_CODE_START = """
from sikernel.channel import _numbers
started = _numbers.start_numba_if_cached()
print(started, _numbers.numba_running())
import numpy as np
vals, n = _numbers._parse_compiled(np.frombuffer(b"1 2.5 3e-3", dtype=np.uint8).copy())
from sikernel._kernels.touchstone import passive_mask
ok = np.empty(1, dtype=np.bool_)
passive_mask(np.zeros((1, 4, 4), dtype=complex), 1.0, ok)
print(n, bool(ok[0]))
"""


def test_com_starts_numba_for_the_read_only_when_the_parser_is_cached(tmp_path):
    """com() given paths reads them with the compiled parser and passivity test only when
    both are in Numba's on-disk cache (an empty cache would compile them: ~1 s of CPU);
    with the cache off, never."""
    def run(**env):
        out = subprocess.run([sys.executable, "-c", _CODE_START], capture_output=True, text=True,
                             check=True, env=dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), **env))
        return out.stdout.split()

    assert run(SIKERNEL_NUMBA_CACHE="0") == ["False", "False", "3", "True"]
    assert run() == ["False", "False", "3", "True"]   # empty cache: compiled (and saved) after
    assert run() == ["True", "True", "3", "True"]     # now cached
