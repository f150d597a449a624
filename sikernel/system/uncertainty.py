"""Uncertainty bands (seeded, vectorised Monte Carlo) and the tornado of the CPO saving.

Inputs drawn (common random numbers: one uniform column per input name, shared by
every architecture and generation, so that differences such as the CPO saving see the
same draw on both sides):

* every :class:`~sikernel.system.assumptions.Assumption`: triangular on ``[low, high]``
  with its mode at the point value;
* ``serdes_model``: one log-normal factor ``exp(σ z)`` on every host-SerDes energy, ``σ``
  the log-spread of the energy model's out-of-sample ratios, leave-one-out and held-out
  (:func:`serdes_log_sd`);
* ``line_dsp``: the fitted line-side DSP coefficient, triangular on its fit range
  (:func:`sikernel.system.modules.line_dsp_fit`).

p10 and p90 of each figure are reported.  The tornado moves one input at a time to
the ends of its range (``serdes_model`` to its p10 / p90) with every other input at its
point value.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import gmean

from ..errors import SIKernelError

#: most Monte Carlo draws a study accepts (memory: one float column per input, port and draw)
MAX_DRAWS = 200_000
#: standard-normal quantile of p90 (p10 = -Z90)
Z90 = 1.2815515655446004


@functools.lru_cache(maxsize=1)
def _held_out_hm_priced() -> tuple[tuple[Any, ...], np.ndarray, tuple[str, ...]]:
    """The H/M held-out designs, their predicted/published ratios and the family each was priced
    on (shipped model).

    Cached: the held-out predictions depend only on the shipped coefficients (one solve per design).
    """
    from ..power import holdout

    held = holdout.predict_held_out()
    goal = [i for i, d in enumerate(held.designs) if d.confidence in holdout.GOAL_CONFIDENCE]
    ratio = np.asarray(held.ratio, dtype=float)[goal]
    ratio.setflags(write=False)
    return tuple(held.designs[i] for i in goal), ratio, tuple(held.architecture[i] for i in goal)


def _held_out_hm() -> tuple[tuple[Any, ...], np.ndarray]:
    """The H/M held-out designs and their predicted/published ratios (cached, see
    :func:`_held_out_hm_priced`)."""
    designs, ratio, _ = _held_out_hm_priced()
    return designs, ratio


def _held_out_ratios(modelled: bool = True) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    """Names, rate classes and predicted/published ratios of the H/M held-out designs whose
    receiver family the model has (``modelled=False``: of those whose family it does not have,
    :attr:`sikernel.power.holdout.HeldOutDesign.receiver_family_modelled`)."""
    designs, ratio = _held_out_hm()
    keep = [i for i, d in enumerate(designs) if d.receiver_family_modelled == modelled]
    return (tuple(designs[i].name for i in keep), tuple(designs[i].rate_class for i in keep),
            ratio[keep])


def serdes_log_sd() -> tuple[float, str]:
    """Log-spread σ of the host-SerDes energy model over every out-of-sample prediction, and its source.

    σ is the root-mean-square of ``ln(predicted / published)`` over the designs the model was not
    fitted on when it predicted them: the leave-one-out predictions of the calibration designs
    (:func:`sikernel.power.calibration.residual_log_sd`, per design) and the held-out designs of
    confidence H/M (:func:`sikernel.power.holdout.predict_held_out`, never fitted).  Both sets
    count: the leave-one-out ratios alone (σ ≈ 0.24 in the shipped fit) would hide that the held-out
    200G DSP transceivers are over-predicted 2.3-3.7×.  A held-out row the model does not close has
    no ratio and is left out of σ (named in ``source``); so is a held-out row whose published
    receiver is a family the model does not have (``HeldOutDesign.receiver_family_modelled``: the
    model prices it in another family, and the study never prices that family), named in
    ``source`` with the σ that counting it would give.  The band it gives is symmetric in log
    space; the held-out 200G misses are one-sided (over-predictions), which a symmetric band does not
    capture (docs/energy-model.md, section 6.5).

    Returns
    -------
    sigma : float
        σ in natural-log units.
    source : str
        What σ was computed from.
    """
    from ..power import calibration

    loo = np.asarray(list(calibration.residual_log_sd(per_design=True).values()), dtype=float)
    r = _held_out_ratios()[2]
    closed = np.isfinite(r)
    log_r = np.concatenate([loo, np.log(r[closed])])
    sigma = float(np.sqrt(np.mean(log_r * log_r)))
    src = (f"rms ln(predicted/published) over {loo.size} leave-one-out predictions "
           f"(calibration.residual_log_sd) and {int(closed.sum())} held-out designs "
           "(holdout.predict_held_out, confidence H/M)")
    if not closed.all():
        src += f"; {int((~closed).sum())} held-out design(s) the model does not close left out"
    out_names, _, out_r = _held_out_ratios(modelled=False)
    out_closed = np.isfinite(out_r)
    if out_closed.any():
        with_them = np.concatenate([log_r, np.log(out_r[out_closed])])
        src += (f"; left out: {int(out_closed.sum())} held-out design(s) whose receiver family the "
                f"model does not have ({', '.join(np.asarray(out_names)[out_closed])}; "
                f"σ = {float(np.sqrt(np.mean(with_them * with_them))):.3f} with them)")
    return sigma, src


def serdes_held_out_bias() -> tuple[float, str]:
    """Geometric-mean over-prediction of the held-out designs of the goal rate class, and its source.

    ``exp(mean ln(predicted/published))`` over the H/M held-out designs of
    :data:`sikernel.power.holdout.GOAL_RATE_CLASS` (200G) that the model closes.  The band of
    :func:`serdes_log_sd` is symmetric in log space; this factor is the one-sided part it does
    not carry: the study reports the CPO saving with every host-SerDes energy divided by it as a
    sensitivity (``tornado[...]["held_out_bias"]``), not as a correction.

    Returns
    -------
    factor : float
        Geometric-mean predicted/published ratio (> 1: the model is high).
    source : str
        What the factor was computed from.
    """
    from ..power import holdout

    designs, r, _ = _held_out_hm_priced()
    pick = _goal_class_picks()
    if not pick:
        raise SIKernelError("no held-out design of the goal rate class closes; the held-out bias is "
                            "undefined (check sikernel.power.holdout.HELD_OUT)")
    factor = float(gmean(r[pick]))
    src = (f"geometric mean of predicted/published over {len(pick)} held-out {holdout.GOAL_RATE_CLASS} "
           f"designs of confidence H/M ({', '.join(designs[i].name for i in pick)})")
    return factor, src


def _goal_class_picks() -> list[int]:
    """Indices (into :func:`_held_out_hm_priced`) of the designs the held-out bias is taken over:
    of the goal rate class, a receiver family the model has, and closed by the model."""
    from ..power import holdout

    designs, ratio, _ = _held_out_hm_priced()
    return [i for i, d in enumerate(designs) if d.receiver_family_modelled
            and d.rate_class == holdout.GOAL_RATE_CLASS and np.isfinite(ratio[i])]


def serdes_held_out_bias_by_family() -> dict[str, tuple[float, tuple[str, ...]]]:
    """:func:`serdes_held_out_bias` split by what each design's figure is evidence for.

    The 200G-class misses are ADC-DSP transceivers, while the study's 200G host ends may all be
    analog (audit and review, December 2026): the split says which part of the bias is evidence for
    which receiver family.  A TX-only row has no receiver in its figure, so it is its own group
    ("tx"), whatever family the model's link for it closed on.

    Returns
    -------
    dict
        "analog", "dsp", ... (the family a TX+RX or RX row was priced on) or "tx" ->
        (geometric-mean predicted/published ratio, design names), over the same H/M goal-class
        designs as :func:`serdes_held_out_bias`.
    """
    designs, ratio, family = _held_out_hm_priced()
    groups: dict[str, list[int]] = {}
    for i in _goal_class_picks():
        groups.setdefault("tx" if designs[i].scope == "tx" else family[i], []).append(i)
    return {key: (float(gmean(ratio[ix])), tuple(designs[i].name for i in ix))
            for key, ix in groups.items()}


def held_out_rate_class(lane_gbps: float) -> bool:
    """Whether a lane rate belongs to the held-out designs' goal rate class (200G: 200 or 212.5 Gb/s).

    Parameters
    ----------
    lane_gbps : float
        Nominal lane rate in Gb/s (100, 200, ...).

    Returns
    -------
    bool
        True when :func:`serdes_held_out_bias` is evidence for that lane rate.
    """
    from ..power import holdout

    return f"{float(lane_gbps):g}G" == holdout.GOAL_RATE_CLASS


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution on ``[low, high]`` with mode ``mode``.

    Parameters
    ----------
    u : ndarray
        Uniform quantiles in [0, 1].
    low, mode, high : float

    Returns
    -------
    ndarray
    """
    if not low <= mode <= high:
        raise SIKernelError(f"triangular range needs low <= mode <= high; got {low!r}, {mode!r}, {high!r}")
    w = high - low
    if w <= 0:
        return np.full_like(u, mode, dtype=float)
    c = (mode - low) / w
    return np.where(u < c, low + np.sqrt(u * w * (mode - low)),
                    high - np.sqrt((1.0 - u) * w * (high - mode)))


def check_n_draws(n: object) -> int:
    """Validate a Monte Carlo draw count.

    Parameters
    ----------
    n : object
        Draws asked for.

    Returns
    -------
    int
        ``n`` as an int.

    Raises
    ------
    SIKernelError
        ``n`` not a whole number in [2, :data:`MAX_DRAWS`].
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_DRAWS:
        raise SIKernelError(f"n_draws={n!r} must be a whole number in [2, {MAX_DRAWS}]: a few thousand "
                            "draws put the p10/p90 within about 1 % (default 4000); each draw holds a "
                            "column per input and port in memory")
    return int(n)


#: the Monte Carlo's columns that are not assumptions: the host-SerDes model factor and the
#: line-side DSP factor (:func:`draw`)
FACTOR_COLUMNS = ("serdes_model", "line_dsp")


def column_names(assumption_sets: Iterable[dict[str, Any]]) -> list[str]:
    """The uniform columns a Monte Carlo over these generations draws (:func:`uniform_columns`).

    Parameters
    ----------
    assumption_sets : iterable of dict
        Each generation's assumptions (name -> Assumption), e.g. ``assumptions(g) for g in gens``.

    Returns
    -------
    list of str
        Every assumption name of any of them and :data:`FACTOR_COLUMNS`, sorted.
    """
    return sorted({k for a in assumption_sets for k in a} | set(FACTOR_COLUMNS))


def uniform_columns(names: list[str], n: int, seed: int) -> dict[str, np.ndarray]:
    """One uniform column of ``n`` draws per name, reproducible for a seed whatever the name order.

    Parameters
    ----------
    names : list of str
        Input names (each gets its own stream, seeded by ``seed`` and the name).
    n : int
        Draws (≥ 2).
    seed : int
        Seed.

    Returns
    -------
    dict
        Name -> uniform draws in [0, 1).

    Raises
    ------
    SIKernelError
        ``n`` not a whole number ≥ 2.
    """
    check_n_draws(n)
    out = {}
    for name in sorted(set(names)):
        # a per-name stream: adding an input does not change the others' draws
        key = [int(seed)] + [ord(c) for c in name]
        out[name] = np.random.default_rng(key).random(int(n))
    return out


@dataclass
class Draws:
    """Monte Carlo draws of one generation's inputs.

    Attributes
    ----------
    values : dict
        Assumption name -> draws.
    serdes_factor : ndarray
        Host-SerDes model factor per draw.
    dsp_factor : ndarray
        Line-side DSP factor per draw.
    """

    values: dict[str, np.ndarray]
    serdes_factor: np.ndarray
    dsp_factor: np.ndarray


def draw(model_assumptions: dict[str, Any], u: dict[str, np.ndarray], sigma: float,
         dsp_low: float, dsp_high: float) -> Draws:
    """Inputs of one generation from the shared uniform columns ``u``.

    Parameters
    ----------
    model_assumptions : dict
        Name -> Assumption.
    u : dict
        Name -> uniform column (must hold every assumption and :data:`FACTOR_COLUMNS`:
        :func:`column_names`).
    sigma : float
        Log-spread of the host-SerDes model.
    dsp_low, dsp_high : float
        Range of the line-side DSP factor.

    Returns
    -------
    Draws
    """
    from scipy.special import ndtri

    vals = {k: triangular_ppf(u[k], a.low, a.value, a.high) for k, a in model_assumptions.items()}
    serdes, dsp = FACTOR_COLUMNS
    z = ndtri(np.clip(u[serdes], 1e-12, 1 - 1e-12))
    return Draws(vals, np.exp(sigma * z), triangular_ppf(u[dsp], dsp_low, 1.0, dsp_high))


def band(x: Any) -> tuple[float, float]:
    """(p10, p90) of the draws ``x``.

    Parameters
    ----------
    x : array_like
        Draws.

    Returns
    -------
    tuple of float
    """
    a = np.asarray(x, dtype=float)
    return float(np.percentile(a, 10)), float(np.percentile(a, 90))


__all__ = ["FACTOR_COLUMNS", "MAX_DRAWS", "Z90", "Draws", "band", "check_n_draws", "column_names", "draw",
           "held_out_rate_class", "serdes_held_out_bias", "serdes_held_out_bias_by_family", "serdes_log_sd",
           "triangular_ppf", "uniform_columns"]
