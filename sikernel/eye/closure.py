"""Vertical eye closure in dB, for the unequalised and the equalised channel.

Definition (documented figure of this package)::

    closure_dB = 20 log10( EH_ideal / EH(target BER) )

per eye, where ``EH(target BER)`` is the statistical-eye height read off the BER
contour (:func:`sikernel.eye.stateye.stat_eye`) and ``EH_ideal = (A_{l+1} - A_l)
sum_k h_k`` is the eye of an ISI- and noise-free link with the same swing: the
same DC level of the pulse (the sum of all its UI-spaced cursors, i.e. the level
a long run of one symbol settles to).  0 dB means no closure; ``inf`` a closed
eye.  The same idea as the "vertical eye closure penalty" of optical links
(IEEE 802.3 clause 52/95 VECP ``10 log10(OMA / A_0)``, written here as a voltage
ratio in 20 log10) and of COM's ``20 log10(A_s / A_ni)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._stacklevel import user_stacklevel
from ..errors import SIKernelError, SIKernelWarning
from .stateye import StatEyeResult, stat_eye


def eye_closure_db(eye_height_v: ArrayLike, ideal_eye_height_v: ArrayLike) -> np.ndarray:
    """``20 log10(ideal / eye height)`` elementwise; ``inf`` where the eye is closed (<= 0).

    Parameters
    ----------
    eye_height_v : array_like
        Eye height in V.
    ideal_eye_height_v : array_like
        Eye height in V of the ideal (ISI- and noise-free) eye; finite and > 0.

    Returns
    -------
    numpy.ndarray
        Closure in dB (``inf`` where the eye is closed).

    Raises
    ------
    SIKernelError
        ``ideal_eye_height_v`` not finite or not > 0.
    """
    eh = np.asarray(eye_height_v, dtype=float)
    ideal = np.asarray(ideal_eye_height_v, dtype=float)
    if np.any(~np.isfinite(ideal)) or np.any(ideal <= 0):
        raise SIKernelError(f"ideal_eye_height_v={ideal_eye_height_v!r} must be finite and > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(eh > 0, 20.0 * np.log10(ideal / np.where(eh > 0, eh, 1.0)), np.inf)


@dataclass(frozen=True, eq=False)
class ClosureResult:
    """Eye closure of a channel before and after equalisation.

    Attributes
    ----------
    unequalised, equalised : StatEyeResult
        The two statistical eyes.
    closure_unequalised_db, closure_equalised_db : float
        Worst-eye closure (dB) of each.
    improvement_db : float
        ``closure_unequalised_db - closure_equalised_db``: ``inf`` when only the equalised eye is
        open, ``-inf`` when only the unequalised one is, NaN when both are closed (both with a
        :class:`~sikernel.errors.SIKernelWarning`).
    """

    unequalised: StatEyeResult
    equalised: StatEyeResult
    closure_unequalised_db: float
    closure_equalised_db: float
    improvement_db: float


def _check_stat_eye_kwargs(kwargs: Mapping[str, Any], equalised_kwargs: Any) -> None:
    """Every argument named is one of :func:`stat_eye`'s, checked before the first eye is computed
    (fuzz 31 M10: a bad ``equalised_kwargs`` failed with a bare TypeError after the first eye)."""
    import inspect

    from . import stateye

    known = set(inspect.signature(stateye.stat_eye).parameters) - {"pulse", "samples_per_ui"}
    if equalised_kwargs is not None and not isinstance(equalised_kwargs, Mapping):
        raise SIKernelError(f"equalised_kwargs={equalised_kwargs!r} must be a mapping of stat_eye arguments, "
                            "e.g. {'n_dfe': 3}")
    for where, names in (("keyword", kwargs), ("equalised_kwargs", equalised_kwargs or {})):
        bad = sorted(str(k) for k in names if k not in known)
        if bad:
            raise SIKernelError(f"eye_closure: {where} argument(s) {', '.join(map(repr, bad))} are not "
                                f"stat_eye arguments; known: {', '.join(sorted(known))}")


def eye_closure(unequalised: Any, equalised: Any, samples_per_ui: int | None = None, *,
                equalised_kwargs: Mapping[str, Any] | None = None, **kwargs: Any) -> ClosureResult:
    """Statistical-eye closure of an unequalised and an equalised pulse.

    Parameters
    ----------
    unequalised, equalised : PulseResponse or array_like
        The raw channel pulse and the pulse after TX FFE / CTLE / RX FFE.
    samples_per_ui : int, optional
        For array pulses.
    equalised_kwargs : mapping, optional
        Extra :func:`~sikernel.eye.stateye.stat_eye` arguments for the equalised
        eye only (e.g. ``{"n_dfe": 3, "phase": 1234}``).
    **kwargs
        Common :func:`~sikernel.eye.stateye.stat_eye` arguments (noise, jitter,
        target BER, modulation, grid).

    Returns
    -------
    ClosureResult

    Warns
    -----
    SIKernelWarning
        The equalised eye is closed (``improvement_db`` -inf, or NaN when both are).
    """
    if "n_dfe" in kwargs:
        raise SIKernelError("n_dfe applies to the equalised eye only: pass it in equalised_kwargs")
    _check_stat_eye_kwargs(kwargs, equalised_kwargs)
    un = stat_eye(unequalised, samples_per_ui, **kwargs)
    eq = stat_eye(equalised, samples_per_ui, **{**kwargs, **dict(equalised_kwargs or {})})
    a, b = un.eye_closure_max_db, eq.eye_closure_max_db
    if np.isfinite(b):
        imp = a - b if np.isfinite(a) else np.inf
    else:  # fuzz 31 H2: a closed equalised eye gave NaN, silently, whatever the unequalised one was
        imp = -np.inf if np.isfinite(a) else np.nan
        what = ("both eyes are closed: improvement_db is NaN (no closure to compare)" if np.isnan(imp) else
                "the equalised eye is closed though the unequalised one is open: improvement_db is -inf")
        warnings.warn(SIKernelWarning(f"eye_closure: {what}; check the equalised pulse (its taps, "
                                      "CTLE, polarity) and the noise settings"), stacklevel=user_stacklevel())
    return ClosureResult(unequalised=un, equalised=eq, closure_unequalised_db=a,
                         closure_equalised_db=b, improvement_db=float(imp))
