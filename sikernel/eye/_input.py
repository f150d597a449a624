"""Input normalisation shared by the eye modules: pulses, levels, cursors at a phase.

A pulse is either a :class:`sikernel.response.PulseResponse` or a 1-D array of
samples with ``samples_per_ui`` samples per unit interval (``samples_per_ui=1``
makes the array a list of UI-spaced cursors).  Levels are the PAM-L levels
equally spaced on [-1, 1] (IEEE 802.3 120.5.7 / 93A: symbols {-1, -1/3, 1/3, 1}
for PAM4), scaled by the pulse amplitude, or an explicit increasing list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import finite_scalar, not_masked, one_of
from ..errors import SIKernelError

#: modulation name -> number of levels L
MODULATIONS: dict[str, int] = {"nrz": 2, "pam3": 3, "pam4": 4, "pam6": 6, "pam8": 8}


@dataclass(frozen=True)
class SampledPulse:
    """A validated pulse: samples (V), samples per UI, index of the main-cursor instant."""

    v: np.ndarray
    samples_per_ui: int
    ref_index: int
    baud: float | None
    modulation: str | None


def levels_for(modulation: str | None, levels: object = None) -> np.ndarray:
    """Symbol levels: explicit ``levels`` (strictly increasing, >= 2) or PAM-L on [-1, 1]."""
    if levels is not None:
        arr = np.asarray(levels, dtype=float)
        if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)) or np.any(np.diff(arr) <= 0):
            raise SIKernelError(f"levels={levels!r} must be a strictly increasing 1-D list of at "
                                "least 2 finite values")
        return arr
    if modulation is None:
        raise SIKernelError("give modulation (one of " + ", ".join(MODULATIONS) + ") or levels")
    name = one_of("modulation", modulation, MODULATIONS)
    return np.linspace(-1.0, 1.0, MODULATIONS[name])


def whole_number(name: str, value: object, minimum: int) -> int:
    """``value`` as an int >= ``minimum``; a float that is a whole number (``1e6``, the notebook
    idiom) is accepted (new-user trial 28), a bool, a fraction or text is refused by name."""
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise SIKernelError(f"{name}={value!r} must be an integer >= {minimum}")
    return int(value)




def sampled_pulse(pulse: object, samples_per_ui: object = None, phase: object = "peak") -> SampledPulse:
    """Validate a PulseResponse or a sample array and locate the main-cursor instant.

    ``phase``: ``"peak"`` (largest sample), an int sample index, or for a
    :class:`~sikernel.response.PulseResponse` any name its ``sampling_index`` accepts
    (``"mm"``, ``"max_eye"``).
    """
    baud = modulation = None
    if hasattr(pulse, "samples_per_ui") and hasattr(pulse, "v"):
        v = np.asarray(pulse.v, dtype=float)
        if samples_per_ui is not None and int(samples_per_ui) != int(pulse.samples_per_ui):
            raise SIKernelError(f"samples_per_ui={samples_per_ui!r} disagrees with the pulse's "
                                f"{pulse.samples_per_ui}; leave it out for a PulseResponse")
        m = int(pulse.samples_per_ui)
        baud = float(pulse.baud)
        modulation = getattr(pulse, "modulation", None)
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
            raise SIKernelError(f"pulse.v must be a non-empty finite 1-D array; got shape {v.shape}")
        if isinstance(phase, str) and phase != "peak":
            ref = int(pulse.sampling_index(phase))
            return SampledPulse(v, m, ref, baud, modulation)
    else:
        not_masked("pulse", pulse)
        try:
            v = np.asarray(pulse, dtype=float)
        except (TypeError, ValueError):
            raise SIKernelError(f"pulse={pulse!r} is neither a PulseResponse nor a numeric array") from None
        if v.ndim != 1 or v.size == 0:
            raise SIKernelError(f"pulse must be a non-empty 1-D array of samples; got shape {v.shape}")
        if not np.all(np.isfinite(v)):
            raise SIKernelError("pulse contains NaN or infinite samples")
        if samples_per_ui is None:
            raise SIKernelError("samples_per_ui is required with a raw pulse array "
                                "(1 for UI-spaced cursors)")
        m = whole_number("samples_per_ui", samples_per_ui, 1)
    if isinstance(phase, str):
        if phase != "peak":
            raise SIKernelError(f"phase={phase!r}: a raw array accepts 'peak' or a sample index")
        ref = int(np.argmax(v))
    else:
        ref = whole_number("phase", phase, 0)
        if ref >= v.size:
            raise SIKernelError(f"phase index {ref} outside the pulse record [0, {v.size - 1}]")
    if v[ref] <= 0:
        flip = f" (its most negative sample is {v.min():.4g} V: P and N swapped?)" if v.min() < 0 else ""
        raise SIKernelError(f"main cursor p[{ref}] = {v[ref]!r} V is not positive; "
                            f"the pulse must have a positive main cursor{flip}")
    if -v.min() > v.max():   # fuzz 31 M4: -p gave a closed eye, or a -2.6 V eye height, silently
        raise SIKernelError(f"the pulse is inverted: its most negative sample {v.min():.4g} V is larger in "
                            f"magnitude than its peak {v.max():.4g} V; P and N swapped? negate it (-pulse)")
    return SampledPulse(v, m, ref, baud, modulation)


def cursor_span(sp: SampledPulse, n_pre: object = None, n_post: object = None,
                margin: int = 0) -> tuple[int, int]:
    """Number of pre/post cursors: all UI-spaced samples in the record unless limited.

    ``margin`` extra cursors on each side cover phase offsets up to +-margin UI.
    """
    m = sp.samples_per_ui
    pre_all = sp.ref_index // m + margin
    post_all = (sp.v.size - 1 - sp.ref_index) // m + margin
    pre = pre_all if n_pre is None else min(whole_number("n_pre", n_pre, 0), pre_all)
    post = post_all if n_post is None else min(whole_number("n_post", n_post, 0), post_all)
    return pre, post


def cursors_at(sp: SampledPulse, offsets_ui: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    """Cursors ``p(t_ref + phi + kT)``, ``k = -n_pre..n_post``, for each phase offset (UI).

    Linear interpolation between samples (exact when ``phi*samples_per_ui`` is an
    integer); zero outside the record.  Shape ``(len(offsets_ui), n_pre + 1 + n_post)``.
    """
    m = sp.samples_per_ui
    k = np.arange(-n_pre, n_post + 1)
    pos = sp.ref_index + (np.asarray(offsets_ui, dtype=float)[:, None] + k[None, :]) * m
    rnd = np.round(pos)
    pos = np.where(np.abs(pos - rnd) < 1e-9, rnd, pos)
    return np.interp(pos, np.arange(sp.v.size, dtype=float), sp.v, left=0.0, right=0.0)


#: largest random jitter accepted, UI rms (stat_eye and simulate: a larger value is ps typed for UI)
MAX_SIGMA_RJ_UI = 1.0


def sigma_rj_ui(value: object) -> float:
    """Random jitter in UI rms, in [0, :data:`MAX_SIGMA_RJ_UI`] (one check for stat_eye and
    simulate: simulate had taken 2 UI that stat_eye refused)."""
    return finite_scalar("sigma_rj_ui", value, minimum=0.0, maximum=MAX_SIGMA_RJ_UI)


def target_ber(value: object, name: str = "target_ber") -> float:
    """A target bit/symbol error ratio strictly inside (0, 0.5); ``name`` is what the message calls
    it (the CLI's ``--target-ber``)."""
    x = finite_scalar(name, value)
    if not 0.0 < x < 0.5:
        raise SIKernelError(f"{name}={value!r} must lie strictly between 0 and 0.5")
    return x


def dfe_taps(n_dfe: object, h: np.ndarray, n_pre: int, h0: float, dfe_max: object) -> np.ndarray:
    """Ideal DFE taps ``b_k = h_k`` (k = 1..n_dfe) clipped to ``|b_k| <= dfe_max_k * h0``.

    ``dfe_max``: None (unlimited), a scalar, or one value per tap (IEEE 802.3 93A-1
    ``b_max(n)`` limits, relative to the main cursor).
    """
    n = whole_number("n_dfe", n_dfe, 0)
    post = h.size - n_pre - 1
    if n > post:
        raise SIKernelError(f"n_dfe={n} exceeds the {post} post-cursors available")
    b = h[n_pre + 1: n_pre + 1 + n].copy()
    if dfe_max is not None and n:
        lim = np.asarray(dfe_max, dtype=float)
        if lim.ndim == 0:
            lim = np.full(n, float(lim))
        if lim.shape != (n,) or not np.all(np.isfinite(lim)) or np.any(lim < 0):
            raise SIKernelError(f"dfe_max={dfe_max!r} must be a scalar or {n} finite values >= 0")
        b = np.clip(b, -lim * h0, lim * h0)
    return b
