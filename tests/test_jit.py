"""The Numba option factory's start-up behaviour (sikernel/_jit.py)."""

from __future__ import annotations

import subprocess
import sys

_CODE = """
import sys
import numpy as np
from sikernel.response import pulse_from_h
f = np.arange(301) * 1e8
_, v = pulse_from_h(np.exp(-f / 2e10 - 2j * np.pi * f * 1e-10), f, 53.125e9, 8)
print(float(v.max()) > 0, 'scipy.fft' in sys.modules, 'rocket_fft' in sys.modules)
import scipy.fft
print(scipy.fft.irfft(np.ones(5)).shape == (8,))
"""


def test_kernels_with_numpy_fft_do_not_import_scipy_fft():
    """rocket-fft is loaded without its scipy.fft overloads (0.3-0.5 s of every fresh
    process); numpy.fft still compiles in kernels, and scipy.fft still imports later."""
    out = subprocess.run([sys.executable, "-c", _CODE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True", "True"]


_CODE_BLAS = """
import sys
import numba
import numpy as np
import sikernel._jit
import numba.np.arraymath as arraymath
print(arraymath._HAVE_BLAS, 'scipy.linalg' in sys.modules)
@numba.njit
def solve(a, b):
    return np.dot(a, b), np.linalg.solve(a, b)
a = np.array([[2.0, 1.0], [1.0, 3.0]])
b = np.array([1.0, 2.0])
d, x = solve(a, b)
print(np.array_equal(d, a @ b), np.allclose(a @ x, b, rtol=0, atol=1e-15), 'scipy.linalg' in sys.modules)
"""


def test_numba_blas_probe_does_not_import_scipy_linalg():
    """Numba's import-time BLAS probe no longer imports all of scipy.linalg (0.13-0.16 s of
    every first kernel call); it records the same answer (BLAS available), and a kernel
    using np.dot / np.linalg still compiles and runs (then scipy.linalg is imported)."""
    out = subprocess.run([sys.executable, "-c", _CODE_BLAS], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True", "True", "True"]


_CODE_LOAD = """
import json, sys
import numpy as np
from sikernel._kernels import pmf
out = pmf.pam_levels(6)
st = pmf.pam_levels.stats
# a module that only Numba's compiler set-up (the context refresh) imports
refreshed = "numba.np.random.generator_methods" in sys.modules
import numba
@numba.njit
def later(x):
    return np.sum(np.sort(x)), np.linalg.norm(x)
s, nrm = later(np.array([3.0, 4.0]))
print(json.dumps({"hits": sum(st.cache_hits.values()), "misses": sum(st.cache_misses.values()),
                  "refreshed": refreshed, "sum": out.sum().hex(), "out": out.tobytes().hex(),
                  "later": [s, nrm]}))
"""


def _run_json(code: str, env: dict) -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cached_kernel_loads_without_the_compiler_set_up(tmp_path):
    """A kernel loaded from the on-disk cache (sikernel._jit._KernelCache) skips Numba's
    context refresh (0.1-0.2 s of a fresh process) and gives the same values as the
    compiled one; Numba still compiles other code in that process afterwards."""
    import os

    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), SIKERNEL_NUMBA_CACHE="1")
    first = _run_json(_CODE_LOAD, env)   # empty cache: compiled (and saved)
    second = _run_json(_CODE_LOAD, env)  # loaded
    assert (first["hits"], first["misses"]) == (0, 1)
    assert (second["hits"], second["misses"]) == (1, 0)
    assert first["refreshed"] is True    # a compile does the full set-up, as before
    assert second["refreshed"] is False  # a load does not
    assert second["out"] == first["out"]
    assert second["later"] == first["later"] == [7.0, 5.0]


_CODE_FALLBACK = """
import sikernel._jit as jit
def unavailable(target_context):
    raise ImportError("another Numba layout (test)")
jit._link_runtime = unavailable
""" + _CODE_LOAD


def test_cached_kernel_falls_back_to_numbas_own_load(tmp_path):
    """Where the runtime linking of :class:`_KernelCache` is unavailable (another Numba layout),
    the kernel still loads from the on-disk cache, through Numba's own load (with its set-up)."""
    import os

    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), SIKERNEL_NUMBA_CACHE="1")
    first = _run_json(_CODE_LOAD, env)
    second = _run_json(_CODE_FALLBACK, env)
    assert (second["hits"], second["misses"]) == (1, 0)
    assert second["refreshed"] is True   # Numba's own load refreshes the context
    assert second["out"] == first["out"]


def test_custom_cache_only_on_tested_numba_releases():
    """The refresh-free cache only on the Numba releases its symbol list was checked against."""
    from numba.core.caching import FunctionCache

    from sikernel import _jit

    assert _jit._cache_class("0.68.1") is _jit._KernelCache
    for other in ("0.69.0", "0.67.1", "1.0.0", "0.68", "dev"):
        expected = _jit._KernelCache if other == "0.68" else FunctionCache
        assert _jit._cache_class(other) is expected, other


_CODE_THREADS = """
import sys
import numba
from numba.np.ufunc import parallel
from sikernel._jit import thread_count
n = thread_count()
print(n, n == numba.config.NUMBA_NUM_THREADS, parallel._is_initialized)
print(n == numba.get_num_threads(), parallel._is_initialized)
numba.set_num_threads(1)
print(thread_count())
"""


def test_thread_count_is_numbas_without_launching_its_threading_layer():
    import os

    for n in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=n)
        out = subprocess.run([sys.executable, "-c", _CODE_THREADS], capture_output=True, text=True,
                             check=True, env=env)
        assert out.stdout.split() == [n, "True", "False", "True", "True", "1"]
