"""Peak-distortion (worst-case) eye of a PAM-L link.

With equiprobable symbols ``a_k`` from the levels ``{A_0 < ... < A_{L-1}}`` and
cursors ``h_k`` (main cursor ``h_0``), the sample is ``a_0 h_0 + sum_{k!=0} a_k h_k``.
The worst-case ISI lifts the top of symbol ``A_l`` by ``sum_k max_a(a h_k)`` and
pulls the bottom of ``A_{l+1}`` down by ``sum_k min_a(a h_k)``, so eye ``l`` (between
levels ``l`` and ``l+1``) is open by

    EH_l = (A_{l+1} - A_l) h_0 - (A_{L-1} - A_0) sum_{k!=0} |h_k|

For levels equally spaced on [-1, 1] this is ``2/(L-1) * (h_0 - (L-1) sum |h_k|)``,
the peak-distortion eye of physics.md §4 (J. G. Proakis, *Digital Communications*,
5th ed., §9.2 "peak distortion criterion"; B. K. Casper et al., "An accurate and
efficient analysis method for multi-Gb/s chip-to-chip signaling schemes", VLSI
Symp. 2002).  The worst pattern for the bottom of the upper level puts
``a_k = A_0`` where ``h_k > 0`` and ``A_{L-1}`` where ``h_k < 0``; the top of the lower
level takes the opposite pattern.  An ideal DFE removes post-cursors ``1..n_dfe``
(clipped to ``dfe_max * h_0``, 93A-1 ``b_max``).  The eye height can be negative
(closed eye).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._input import cursor_span, cursors_at, dfe_taps, levels_for, sampled_pulse


@dataclass(frozen=True, eq=False)
class PeakEyeResult:
    """Peak-distortion eye.

    Attributes
    ----------
    eye_height_v : ndarray, shape (L-1,)
        Worst-case opening of each eye (negative when closed), V.
    eye_height_min_v : float
        The smallest of them.
    cursors_v : ndarray
        Cursors used (after DFE cancellation), main cursor at ``main_index``.
    main_index : int
        Index of ``h_0`` in ``cursors_v``.
    h0_v : float
        Main cursor, V.
    worst_isi_v : float
        ``(A_{L-1} - A_0) * sum_{k!=0} |h_k|``: the eye closure by ISI, V.
    worst_pattern : ndarray
        Symbol levels ``a_k`` (same indexing as ``cursors_v``; the main entry holds the
        upper level of the smallest eye) that pull the upper level of that eye lowest.
    levels : ndarray
        Symbol levels.
    dfe_taps_v : ndarray
        DFE taps applied (V).
    inputs : dict
        The arguments used.
    """

    eye_height_v: np.ndarray
    eye_height_min_v: float
    cursors_v: np.ndarray
    main_index: int
    h0_v: float
    worst_isi_v: float
    worst_pattern: np.ndarray
    levels: np.ndarray
    dfe_taps_v: np.ndarray
    inputs: dict[str, Any] = field(default_factory=dict)


def peak_distortion_eye(pulse: Any, samples_per_ui: int | None = None, *,
                        modulation: str | None = "pam4", levels: ArrayLike | None = None,
                        phase: str | int = "peak", n_pre: int | None = None,
                        n_post: int | None = None, n_dfe: int = 0,
                        dfe_max: float | ArrayLike | None = None) -> PeakEyeResult:
    """Worst-case (peak-distortion) eye of a pulse response or a cursor list.

    Parameters
    ----------
    pulse : PulseResponse or array_like
        Pulse response, or samples with ``samples_per_ui`` per UI (use
        ``samples_per_ui=1`` for UI-spaced cursors).
    samples_per_ui : int, optional
        Required with an array.
    modulation : str
        "nrz", "pam3", "pam4", "pam6", "pam8" (levels equally spaced on [-1, 1]);
        ignored when ``levels`` is given.  A PulseResponse's own modulation wins when
        ``modulation`` is None.
    levels : array_like, optional
        Explicit symbol levels (strictly increasing).
    phase : "peak" or int
        Main-cursor sampling instant (sample index), or a PulseResponse phase name.
    n_pre, n_post : int, optional
        Limit the number of pre/post cursors (default: all in the record).
    n_dfe : int
        Ideal DFE taps cancelling post-cursors 1..n_dfe.
    dfe_max : float or array_like, optional
        Tap limits relative to ``h_0``.

    Returns
    -------
    PeakEyeResult
    """
    sp = sampled_pulse(pulse, samples_per_ui, phase)
    lev = levels_for(modulation if modulation is not None else sp.modulation, levels)
    pre, post = cursor_span(sp, n_pre, n_post)
    h = cursors_at(sp, np.zeros(1), pre, post)[0]
    h0 = float(h[pre])
    b = dfe_taps(n_dfe, h, pre, h0, dfe_max)
    h = h.copy()
    h[pre + 1: pre + 1 + b.size] -= b
    isi = np.delete(h, pre)
    span = lev[-1] - lev[0]
    worst = float(span * np.abs(isi).sum())
    eh = np.diff(lev) * h0 - worst
    i_min = int(np.argmin(eh))
    pattern = np.where(h > 0, lev[0], lev[-1])
    pattern[pre] = lev[i_min + 1]
    return PeakEyeResult(
        eye_height_v=eh, eye_height_min_v=float(eh.min()), cursors_v=h, main_index=pre,
        h0_v=h0, worst_isi_v=worst, worst_pattern=pattern, levels=lev, dfe_taps_v=b,
        inputs={"samples_per_ui": sp.samples_per_ui, "ref_index": sp.ref_index,
                "modulation": modulation, "levels": lev.tolist(), "n_pre": pre,
                "n_post": post, "n_dfe": n_dfe,
                "dfe_max": None if dfe_max is None else np.asarray(dfe_max).tolist()})
