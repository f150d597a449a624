"""Transceiver architectures and the choice of the least-energy retimed one that closes the link.

Families (the candidates of :func:`sikernel.power.si.op_table`):

``linear``
    TX FFE + RX CTLE/VGA, no slicer, no CDR: an unretimed (linear) interface
    such as linear-drive pluggable optics (LPO) or a direct-drive co-packaged
    optical engine.  It must reach the target BER with ``linear_margin_db`` of
    SNR to spare for the optical path and the far-end retimer.  Priced only when
    asked for by name: ``"auto"`` chooses among the retimed families
    (:data:`AUTO_FAMILIES`), since a link's own receiver slices and recovers the clock.
``analog``
    TX FFE + CTLE + VGA + n-tap DFE (first tap loop-unrolled), mixed-signal
    slicers; n ∈ {0, 1, 2, 4, 8, 12} (0: the CTLE-only retimed receiver); a DFE
    whose one-UI selection loop cannot settle at the rate in the node is not built
    (:func:`sikernel.power.blocks.dfe_timing_factor`).
``dsp``
    ADC at one sample per UI + MMSE RX FFE (8 … 32 taps) + 1-tap DFE in DSP,
    optionally Viterbi MLSD; ENOB chosen with the swing for least energy.

For each family the cheapest configuration that closes the link is kept; with
``"auto"`` the chosen architecture is the cheapest retimed family (:data:`AUTO_FAMILIES`);
each losing family gets a reason
(does not close: ISI-/quantisation-limited, swing-limited or DFE-timing-limited;
or closes at a higher energy).
"""

from __future__ import annotations

import numpy as np

from ..errors import LinkNotClosingError, SIKernelError
from .budget import FAMILIES, OpTable, Solved

ARCHITECTURES: tuple[str, ...] = ("auto", *FAMILIES)
#: a target BER below this is stricter than any FEC'd 100G / 200G link runs at before its RS(544,514)
#: FEC (the IEEE COM sheets' DER_0: 1e-5 to 2e-4); a link that closes at none of the families then
#: gets a hint to price the link at its standard's value
FEC_LINK_BER_MIN = 1e-5


def fec_ber_hint(target_ber: float) -> str:
    """The hint a link that no family closes gets when its target BER is stricter than the FEC'd
    links' (:data:`FEC_LINK_BER_MIN`); "" otherwise.

    Parameters
    ----------
    target_ber : float
        The link's raw target BER.

    Returns
    -------
    str
    """
    if target_ber >= FEC_LINK_BER_MIN:
        return ""
    return (f" (BER {target_ber:g} is stricter than the FEC'd 100G / 200G links run at: the IEEE COM "
            "sheets' DER_0 are 1e-5 to 2e-4 before the RS(544,514) FEC; pass target_ber=1e-4, or the "
            "standard's value, to price such a link)")


#: the families ``architecture="auto"`` chooses from: retimed receivers, whose RX has slicers and
#: clock recovery (analog, including its CTLE-only member, and ADC-DSP).  The ``linear`` family has
#: neither: it is one segment of a link whose far end retimes, so it is priced only when asked for
#: by name (new-user review, December 2026: "auto" priced short links, and the CPO switch's own
#: receiver, without a clock)
AUTO_FAMILIES: tuple[str, ...] = ("analog", "dsp")


def best_per_family(op: OpTable, sol: Solved) -> dict[str, int | None]:
    """Row index (into the solved candidates) of the cheapest closing configuration per family.

    Parameters
    ----------
    op : OpTable
        Candidate configurations (``family`` per configuration).
    sol : Solved
        Budget solution of those candidates (:func:`sikernel.power.budget.solve`).

    Returns
    -------
    dict
        Family -> row index into ``sol``, or None when no configuration of it closes.
    """
    fam = op.family[sol.config_index]
    out: dict[str, int | None] = {}
    for f in FAMILIES:
        # a configuration whose energy diverges (a stage asked for more bandwidth than the node
        # gives: failure_reason) cannot be built, whatever its SI budget says
        sel = (fam == f) & sol.closes & np.isfinite(sol.total_w)
        if not np.any(sel):
            out[f] = None
            continue
        cost = np.where(sel, sol.total_w, np.inf)
        out[f] = int(np.argmin(cost))
    return out


def failure_reason(op: OpTable, sol: Solved, family: str, target_ber: float, amp_max_v: float) -> str:
    """Why no configuration of ``family`` closes the link.

    Parameters
    ----------
    op : OpTable
        Candidate configurations.
    sol : Solved
        Budget solution of those candidates.
    family : str
        The family to explain.
    target_ber : float
        Bit error ratio the link must reach.
    amp_max_v : float
        Largest launch peak swing the TX supply allows, in V (differential).

    Returns
    -------
    str
        A one-line reason: SNR-ceiling-limited (residual ISI, jitter, noise), swing-limited, or
        (analog) its DFE loop cannot settle within one UI.
    """
    fam = op.family[sol.config_index]
    sel = fam == family
    if not np.any(sel):
        return f"{family}: no candidate configuration"
    if np.any(sel & sol.closes) and not np.any(sel & sol.closes & np.isfinite(sol.total_w)):
        return (f"{family}: cannot be built at this symbol rate in this node: the serializer, AFE or "
                "slicer stages would need more gain-bandwidth than its transistors give (their "
                "self-loaded energy diverges as the rate approaches the node's f_T)")
    timing = ("the loop-unrolled DFE's one-UI selection loop (slicer + mux) cannot settle at this "
              "symbol rate in this node")
    if np.all(sol.limit[sel] == 3):
        return f"{family}: does not close: {timing}"
    # configurations that failed on the SI budget (a DFE that cannot be built is reported apart)
    note = f"; with a DFE: {timing}" if np.any(sol.limit[sel] == 3) else ""
    sel = sel & (sol.limit != 3)
    if np.all(sol.limit[sel] == 1):
        # the configuration nearest to closing: its own ceiling and requirement (not the best of each
        # over different configurations), printed with the digits that tell them apart
        need_db = 20.0 * np.log10(np.where(sel, sol.q_eff, np.inf))
        k = int(np.argmax(np.where(sel, sol.snr_ceiling_db - need_db, -np.inf)))
        ceiling, need = float(sol.snr_ceiling_db[k]), float(need_db[k])
        digits = next((d for d in (1, 2, 3) if round(ceiling, d) != round(need, d)), 4)
        return (f"{family}: does not close at BER {target_ber:g}: residual ISI, jitter, TX noise"
                + (" and ADC quantisation" if family == "dsp" else "")
                + f" cap the post-EQ SNR at {ceiling:.{digits}f} dB, below the {need:.{digits}f} dB "
                "required" + note)
    amp = np.where(sel & (sol.limit == 2), sol.amp_v, np.inf)
    return (f"{family}: does not close at BER {target_ber:g}: needs a launch swing of "
            f"{2 * float(np.min(amp)):.3g} V peak-to-peak differential, more than the "
            f"{2 * amp_max_v:.3g} V the TX supply allows" + note)


def choose(op: OpTable, sol: Solved, architecture: str, target_ber: float,
           amp_max_v: float) -> tuple[int, str, dict[str, str], dict[str, float | None]]:
    """Pick the row to report; return (row, family, reasons, per-family pJ-ready totals in W).

    Parameters
    ----------
    op : OpTable
        Candidate configurations.
    sol : Solved
        Budget solution of those candidates.
    architecture : str
        "auto" (cheapest closing family of :data:`AUTO_FAMILIES`) or "linear", "analog", "dsp".
    target_ber : float
        Bit error ratio the link must reach.
    amp_max_v : float
        Largest launch peak swing the TX supply allows, in V (differential).

    Returns
    -------
    row : int
        Row of ``sol`` chosen.
    family : str
        Family chosen.
    reasons : dict
        Family -> why it was chosen, lost, or excluded.
    totals : dict
        Family -> total power in W of its cheapest closing configuration, or None.

    Raises
    ------
    SIKernelError
        No family closes (``"auto"``); the requested family is excluded or does not close.
    """
    best = best_per_family(op, sol)
    totals = {f: (None if i is None else float(sol.total_w[i])) for f, i in best.items()}
    reasons: dict[str, str] = {}
    present = set(op.family.tolist())
    for f in FAMILIES:
        if architecture == "auto" and f not in AUTO_FAMILIES:
            reasons[f] = (f"{f}: not a choice of architecture='auto' (an unretimed interface, no "
                          f"slicers or clock recovery; architecture='{f}' prices it)")
        elif f not in present:
            reasons[f] = f"{f}: excluded"
        elif best[f] is None:
            reasons[f] = failure_reason(op, sol, f, target_ber, amp_max_v)
    if architecture == "auto":
        # the invariant lives here, for every caller: a link's own receiver retimes
        closing = {f: t for f, t in totals.items() if t is not None and f in AUTO_FAMILIES}
        if not closing:
            raise LinkNotClosingError(f"no architecture closes this link at BER {target_ber:g}: "
                                + "; ".join(reasons[f] for f in FAMILIES
                                            if f in present and f in AUTO_FAMILIES)
                                + fec_ber_hint(target_ber))
        chosen = min(closing, key=lambda f: (closing[f], FAMILIES.index(f)))
        for f, t in closing.items():
            if f != chosen:
                reasons[f] = (f"{f}: closes, but costs {t / closing[chosen]:.2f}x the energy of "
                              f"{chosen}")
        reasons[chosen] = f"{chosen}: least energy among the architectures that close the link"
        return int(best[chosen]), chosen, reasons, totals
    if architecture not in present:
        raise SIKernelError(f"architecture {architecture!r} is excluded")
    if best[architecture] is None:
        raise LinkNotClosingError(f"architecture {architecture!r} does not close this link at BER "
                            f"{target_ber:g}: {reasons[architecture]}")
    reasons[architecture] = f"{architecture}: requested"
    return int(best[architecture]), architecture, reasons, totals


__all__ = ["ARCHITECTURES", "AUTO_FAMILIES", "FEC_LINK_BER_MIN", "best_per_family", "choose",
           "failure_reason", "fec_ber_hint"]
