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


def _check_passivity(f: np.ndarray, s: np.ndarray, tol: float, label: str) -> float | None:
    """Warn when the largest singular value of S exceeds ``1 + tol``, naming the worst frequency.

    Returns that largest singular value when the data are not passive, else ``None``.
    """
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
    warnings.warn(f"{label}: data are not passive: the largest singular value of S is "
                  f"{sig[j]:.6g} > 1 + {tol:g} at {f[bad[j]]:.6g} Hz (worst frequency; "
                  f"{bad.size} frequencies exceed it)", SIKernelWarning, stacklevel=user_stacklevel())
    return float(sig[j])
