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
