"""Zero-forcing symbol-spaced FFE (optionally followed by a DFE).

The FFE ``w`` (``n_pre`` pre-, ``n_post`` post-cursor taps) is chosen so that the
equalised cursors ``h_eq = w * h`` equal the unit impulse on the ``n_w = n_pre+1+n_post``
positions it controls: ``h_eq(0) = 1`` and ``h_eq(k) = 0`` for ``k = -n_pre ... -1`` and
for the first ``n_post`` post-cursors beyond the DFE span ``1 ... n_dfe`` (which the DFE
cancels instead).  That is ``n_w`` linear equations in ``n_w`` unknowns (R. W. Lucky,
"Automatic equalization for digital communication", Bell Syst. Tech. J. 44(4), 1965;
J. G. Proakis, *Digital Communications*, 5th ed., sec. 9.4-1).  ISI outside that span
remains and is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .. import _validate
from ..errors import SIKernelError
from ..response import MODULATIONS
from .dfe import _cursor_args
from .mmse import _conv_full


@dataclass(frozen=True, eq=False)
class ZfResult:
    """Zero-forcing FFE and the figures it achieves.

    Attributes
    ----------
    taps : ndarray
        FFE taps (1/V), main at ``n_pre``; the equalised main cursor is 1.
    n_pre : int
    dfe_taps : ndarray
        Ideal DFE taps ``h_eq(1 ... n_dfe)`` (unlimited).
    h_eq : ndarray
        Equalised cursors (before the DFE), main at ``main_index``.
    main_index : int
    residual_isi_rms : float
        RMS of the ISI left outside the forced span and the DFE span (relative to the main cursor).
    peak_distortion : float
        Sum of |residual ISI| (relative to the main cursor).
    eye_opening : float
        Peak-distortion eye ``1 - (L-1) * peak_distortion`` (1 = open ideal eye, <= 0 closed).
    noise_gain : float
        ``sum w**2 / (sum w**2 of a single unit tap scaled to the unequalised main cursor)``:
        white-noise enhancement factor ``h0**2 * sum w**2``.
    """

    taps: np.ndarray
    n_pre: int
    dfe_taps: np.ndarray
    h_eq: np.ndarray
    main_index: int
    residual_isi_rms: float
    peak_distortion: float
    eye_opening: float
    noise_gain: float


def zero_forcing(cursors: ArrayLike, main_index: int, n_pre: int, n_post: int,
                 n_dfe: int = 0, *, modulation: str = "pam4") -> ZfResult:
    """Zero-forcing FFE for the given cursors (see module doc).

    Parameters
    ----------
    cursors : array_like, shape (n,)
        Symbol-spaced cursors (V), main at ``main_index``.
    main_index : int
    n_pre, n_post : int
        FFE pre- and post-cursor taps (>= 0).
    n_dfe : int
        DFE taps that cancel post-cursors 1 ... n_dfe (the FFE does not force those).
    modulation : str
        Sets L for the eye opening.

    Raises
    ------
    SIKernelError
        bad sizes, or a singular system (the cursors cannot be equalised on that span).
    """
    h, i0 = _cursor_args(cursors, main_index)
    for label, val in (("n_pre", n_pre), ("n_post", n_post), ("n_dfe", n_dfe)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
            raise SIKernelError(f"{label}={val!r} must be an integer >= 0")
    lv = MODULATIONS[_validate.one_of("modulation", modulation, MODULATIONS)]
    n_w = n_pre + 1 + n_post
    a, m0 = _conv_full(h, i0, n_w, n_pre)
    ks = list(range(-n_pre, 1)) + list(range(n_dfe + 1, n_dfe + 1 + n_post))
    rows = np.asarray([m0 + k for k in ks])
    if rows.max() >= a.shape[0]:
        # positions past the end of the cursors are zero for any w: the system is singular
        raise SIKernelError(f"n_post={n_post} with n_dfe={n_dfe} forces cursors beyond the "
                            f"{h.size - 1 - i0} post-cursors given; give more cursors or fewer taps")
    rhs = np.zeros(n_w)
    rhs[n_pre] = 1.0
    sub = a[rows]
    if np.linalg.cond(sub) > 1e12:
        raise SIKernelError("zero-forcing system is singular for these cursors and tap counts")
    w = np.linalg.solve(sub, rhs)
    heq = a @ w
    dfe_rows = np.arange(m0 + 1, min(m0 + 1 + n_dfe, heq.size))
    resid = heq.copy()
    resid[rows] = 0.0
    resid[dfe_rows] = 0.0
    pd = float(np.abs(resid).sum())
    return ZfResult(taps=w, n_pre=int(n_pre), dfe_taps=heq[dfe_rows].copy(), h_eq=heq,
                    main_index=int(m0), residual_isi_rms=float(np.sqrt(resid @ resid)),
                    peak_distortion=pd, eye_opening=1.0 - (lv - 1) * pd,
                    noise_gain=float(h[i0] ** 2 * (w @ w)))


__all__ = ["ZfResult", "zero_forcing"]
