"""The passivity check of S-parameter data, shared by :func:`~sikernel.channel.touchstone.read_touchstone`
and the :class:`~sikernel.channel.core.Channel` constructor (it imports neither)."""

from __future__ import annotations

import warnings

import numpy as np

from .._stacklevel import user_stacklevel
from ..errors import SIKernelWarning

#: passivity tolerance on the largest singular value of S (measurement-noise level,
#: about 0.01 dB: the public P802.3ck thru files reach 1.0005 near DC)
PASSIVITY_TOL = 1e-3


def passivity_excess(f: np.ndarray, s: np.ndarray, tol: float) -> tuple[float, float, int] | None:
    """``(largest singular value, its frequency in Hz, frequencies over 1 + tol)`` where S is not
    passive within ``tol``; ``None`` where it is."""
    from ._numbers import numba_running

    if s.shape[-1] == 2:  # a 2-port (a Channel's SDD): the largest singular value in closed form
        fro2 = np.einsum("kij,kij->k", s.real, s.real) + np.einsum("kij,kij->k", s.imag, s.imag)
        det = s[:, 0, 0] * s[:, 1, 1] - s[:, 0, 1] * s[:, 1, 0]
        disc = np.sqrt(np.maximum(fro2 * fro2 - 4.0 * (det.real ** 2 + det.imag ** 2), 0.0))
        ok = 0.5 * (fro2 + disc) < (1.0 + tol) ** 2
    elif numba_running():  # the compiled Cholesky test; NumPy's eigvalsh when Numba is not up yet
        from .._kernels.touchstone import passive_mask

        ok = np.empty(s.shape[0], dtype=np.bool_)
        passive_mask(np.ascontiguousarray(s), (1.0 + tol) ** 2, ok)
    else:
        ok = np.linalg.eigvalsh(np.conj(np.swapaxes(s, -1, -2)) @ s)[:, -1] < (1.0 + tol) ** 2
    if ok.all():
        return None
    bad = np.nonzero(~ok)[0]
    sig = np.linalg.svd(s[bad], compute_uv=False)[:, 0]
    j = int(np.argmax(sig))
    return float(sig[j]), float(f[bad[j]]), int(bad.size)


def _check_passivity(f: np.ndarray, s: np.ndarray, tol: float, label: str) -> float | None:
    """Warn when the largest singular value of S exceeds ``1 + tol``, naming the worst frequency.

    Returns that largest singular value when the data are not passive, else ``None``.
    """
    ex = passivity_excess(f, s, tol)
    if ex is None:
        return None
    sig, f_hz, n_bad = ex
    warnings.warn(f"{label}: data are not passive: the largest singular value of S is "
                  f"{sig:.6g} > 1 + {tol:g} at {f_hz:.6g} Hz (worst frequency; "
                  f"{n_bad} frequencies exceed it)", SIKernelWarning, stacklevel=user_stacklevel())
    return sig
