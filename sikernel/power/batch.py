"""Vectorised loss-based energy model: :func:`energy_per_bit_batch`.

The same model as ``energy_per_bit(loss_db=...)`` (:mod:`sikernel.power.api`) for an
array of losses at one (baud, modulation, architecture) and one or more (node, BER): the tabulated SI
figures of :mod:`sikernel.power.table` are interpolated for every loss at once (the
same arithmetic as :meth:`~sikernel.power.table.LossTable.at`), the budget of
:func:`sikernel.power.budget.solve` runs on (points × candidates) arrays, and the choice
of :func:`sikernel.power.architecture.choose` (cheapest closing configuration per family,
then, with "auto", the cheapest retimed family, ties to the order of
:data:`~sikernel.power.budget.FAMILIES`) is an ``argmin`` along the candidate axis.
Every operation is elementwise per point, so each result equals the scalar call
(``tests/test_power.py`` checks it point by point).  Points where no (or not the
requested) architecture closes, or beyond the tabulated losses, get NaN and code -1
instead of an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validate
from ..errors import SIKernelError, SIKernelWarning
from . import budget
from .architecture import AUTO_FAMILIES
from .coefficients import EnergyCoefficients

#: numeric equaliser/operating-point settings reported per point
EQ_FIELDS: tuple[str, ...] = ("tx_ffe_taps", "ctle_peaking_db", "ctle_gdc_db", "dfe_taps",
                              "rx_ffe_taps", "mlsd", "adc_enob", "launch_peak_v")
#: points solved together (bounds the (points × candidates) working arrays to a few MB)
BLOCK_POINTS = 4096


@dataclass(frozen=True)
class EnergyBatch:
    """Energy per bit of ``n`` links (arrays shaped as the losses given, broadcast with per-point
    ``node_nm`` / ``target_ber`` where those are arrays; NaN / -1 where nothing closes).

    Attributes
    ----------
    total_pj_per_bit : ndarray
        TX + RX (or ``scope``) energy per bit in pJ/bit.
    blocks : dict
        Block name (:data:`sikernel.power.budget.BLOCKS`) -> pJ/bit array.
    architecture_code : ndarray of int
        Index of the chosen family in :data:`sikernel.power.budget.FAMILIES`
        (0 linear, 1 analog, 2 dsp); -1 where no architecture closes.
    eq_settings : dict
        :data:`EQ_FIELDS` -> array (``adc_enob`` NaN for slicer receivers, ``mlsd`` 0/1).
    loss_db : ndarray
        The losses analysed (dB at ``baud/2``), in the results' (broadcast) shape.
    baud, bit_rate_bps : float
        Symbol rate (Bd) and bit rate (b/s) of the batch.
    architecture : ndarray of str
        Property: the chosen family's name per point ("" where none closes).
    """

    total_pj_per_bit: np.ndarray
    blocks: dict[str, np.ndarray]
    architecture_code: np.ndarray
    eq_settings: dict[str, np.ndarray]
    loss_db: np.ndarray
    baud: float
    bit_rate_bps: float

    @property
    def architecture(self) -> np.ndarray:
        """Chosen family names ("" where none closes)."""
        names = np.array([*budget.FAMILIES, ""])
        return names[self.architecture_code]


def _interpolate(table: Any, loss: np.ndarray) -> budget.OpTable:
    """:meth:`LossTable.at` for an array of losses inside the grid (same arithmetic)."""
    g = table.loss_db
    i = np.minimum(((loss - g[0]) / (g[1] - g[0])).astype(np.int64), g.size - 2)
    w = ((loss - g[i]) / (g[i + 1] - g[i]))[:, None]
    f = {k: (1.0 - w) * v[i] + w * v[i + 1] for k, v in table.figures.items() if k != "tx_taps"}
    gdc = table.gdc_db[i + (w[:, 0] >= 0.5).astype(np.int64)]
    tx = table.figures["tx_taps"][i + (w[:, 0] > 0).astype(np.int64)]
    a2 = f["a"] * f["a"]
    return budget.OpTable(family=table.family, a=f["a"], r2=f["nsr_r2"] * a2,
                          var_n=f["nsr_var_n"] * a2, q_coef=f["nsr_q_coef"] * a2,
                          mlsd_gain_db=f["mlsd_gain_db"], tx_taps=tx,
                          ctle_peaking_db=f["ctle_peaking_db"], rx_ffe_taps=table.rx_ffe_taps,
                          dfe_taps=table.dfe_taps, mlsd=table.mlsd, extra=table._extra(gdc))


def _solve_block(op: budget.OpTable, *, levels: int, baud: float, target_ber: float, tech: Any,
                 co: EnergyCoefficients, scope: str, clocking: str, architecture: str,
                 out: dict[str, np.ndarray], sl: slice, tx_kind: str = "ffe") -> None:
    sol = budget.solve(op, levels=levels, baud=baud, target_ber=target_ber, tech=tech, co=co,
                       scope=scope, clocking=clocking, tx_kind=tx_kind)
    n = sol.total_w.shape[0]
    rows = np.arange(n)
    # family per candidate: every noise level of a DSP receiver is a DSP column, so one point's
    # columns give it (a 1-D string compare instead of one per point)
    fam = op.family[sol.config_index[0] if sol.config_index.ndim == 2 else sol.config_index]
    best = np.zeros((n, len(budget.FAMILIES)), dtype=np.int64)
    cost = np.full((n, len(budget.FAMILIES)), np.inf)
    for k, f in enumerate(budget.FAMILIES):
        sel = (fam == f)[None, :] & sol.closes
        c = np.where(sel, sol.total_w, np.inf)
        j = np.argmin(c, axis=1)
        best[:, k] = j
        cost[:, k] = np.where(np.any(sel, axis=1), c[rows, j], np.inf)
    if architecture == "auto":   # the retimed families only (architecture.AUTO_FAMILIES)
        unretimed = [k for k, f in enumerate(budget.FAMILIES) if f not in AUTO_FAMILIES]
        cost[:, unretimed] = np.inf
        code = np.argmin(cost, axis=1)
    else:
        code = np.full(n, budget.FAMILIES.index(architecture), dtype=np.int64)
    ok = np.isfinite(cost[rows, code])
    row = best[rows, code]
    to_pj = 1e12 / (baud * math.log2(levels))
    tot = np.zeros(n)
    for b in budget.BLOCKS:
        v = sol.power_w[b][rows, row] * to_pj
        out[b][sl] = np.where(ok, v, np.nan)
        tot = tot + v
    out["total"][sl] = np.where(ok, tot, np.nan)
    out["code"][sl] = np.where(ok, code, -1)
    cfg = sol.config_index[rows, row]  # per point (a DSP candidate's noise level may vary)
    eq = {"tx_ffe_taps": op.tx_taps[rows, cfg], "ctle_peaking_db": op.ctle_peaking_db[rows, cfg],
          "ctle_gdc_db": op.extra["ctle_gdc_db"][rows, cfg], "dfe_taps": op.dfe_taps[cfg],
          "rx_ffe_taps": op.rx_ffe_taps[cfg], "mlsd": op.mlsd[cfg], "adc_enob": sol.enob[row],
          "launch_peak_v": sol.amp_v[rows, row]}
    for k in EQ_FIELDS:
        out["eq_" + k][sl] = np.where(ok, np.asarray(eq[k], dtype=float), np.nan)


def _warn_none_closes(loss_db: np.ndarray, baud: float, levels: int, node_text: str,
                      architecture: str, ber_text: str, exclude: tuple[str, ...]) -> None:
    """The all-NaN batch: say which losses, at what, and what a caller can relax."""
    import warnings

    from .table import LOSS_GRID_DB

    def db(x: float) -> str:   # a loss of 1e300 (a slip) was written out as 301 digits (trial 100 L4)
        return f"{x:.1f}" if abs(x) < 1e4 else f"{x:.4g}"

    span = (f"{db(loss_db.min())} dB" if loss_db.min() == loss_db.max()
            else f"{db(loss_db.min())}-{db(loss_db.max())} dB")
    what = ("the loss {} does not close" if loss_db.size == 1
            else f"none of the {loss_db.size} losses {{}} closes")
    beyond = (f"; losses above {LOSS_GRID_DB[-1]:g} dB are outside the model's grid"
              if loss_db.min() > LOSS_GRID_DB[-1] else "")
    fams = f"architecture={architecture!r}" + (f", exclude={tuple(exclude)!r}" if exclude else "")
    relax = ["relax target_ber"]
    if architecture != "auto":
        relax.append("let architecture='auto' choose among the retimed families")
    if exclude:   # review 32 L3: with 'auto' already in use, the hint is to drop the exclusion
        relax.append(f"drop exclude={tuple(exclude)!r}")
    relax.append("lower the loss")
    mod = "NRZ" if levels == 2 else f"PAM{levels}"
    warnings.warn(SIKernelWarning(
        "energy_per_bit_batch: " + what.format(
            f"({span} at {baud / 1e9:g} GBd {mod}, {node_text}, {ber_text}, "
            f"{fams})") + " the link, so every total is NaN"
        f"{beyond}; check that the losses are at Nyquist (baud/2) in dB, or "
        f"{', '.join(relax[:-1])} or {relax[-1]}"), stacklevel=3)


def energy_per_bit_batch(loss_db: ArrayLike, baud: float = 53.125e9, modulation: str = "pam4",
                         node_nm: float | ArrayLike = 7, architecture: str = "auto",
                         target_ber: float | ArrayLike = 1e-6,
                         scope: str = "txrx", coefficients: EnergyCoefficients | None = None,
                         exclude: tuple[str, ...] = (), clocking: str = "cdr",
                         tx_architecture: str = "ffe", channel_kind: str = "host",
                         crosstalk: Any = None, *, warn_if_none_closes: bool = True) -> EnergyBatch:
    """Energy per bit for an array of insertion losses (vectorised ``energy_per_bit(loss_db=x)``).

    Parameters
    ----------
    loss_db : array_like
        Insertion losses at ``baud/2`` in dB (finite, ≥ 0), any shape: every array of the
        result has the shape of ``loss_db`` broadcast with ``node_nm`` and ``target_ber``
        (a scalar gives arrays of one element).
    node_nm, target_ber : float or array_like
        As :func:`sikernel.power.energy_per_bit`: one value for the whole batch, or an array per
        point, broadcast with ``loss_db`` by NumPy's rules (``node_nm=[[3], [5], [7]]`` with 100
        losses gives a 3 × 100 grid).  Each distinct (node, BER) pair is checked and solved as
        one group (the budget takes one BER and one node), equal point by point to the scalar
        call.  A distinct BER costs about 0.08 s the first time in a process (the MLSD gain's
        error-ratio spline; the last 4096 kept), a distinct node milliseconds: round a continuous
        BER draw to a grid (2000 distinct BERs took 200 s on a 2-core machine, December 2026).  A
        :class:`~sikernel.power.technology.Technology` is taken as the one node of the batch.
    baud, modulation, architecture, scope, coefficients, exclude, clocking
        As :func:`sikernel.power.energy_per_bit`, one value for the whole batch (a design space
        over them: one call per group of points).  The SI figures come from the table of
        (``baud``, modulation, channel kind): shipped for the study's and calibration's rates,
        otherwise built once (20-50 s) and cached; rates within 100 ppm of a shipped one, or equal
        to 6 significant digits, share a table (:func:`sikernel.power.table.canonical_baud`).
    tx_architecture, channel_kind : str
        As :func:`sikernel.power.energy_per_bit`.
    crosstalk : None, str, float or CrosstalkModel
        As :func:`sikernel.power.energy_per_bit` (the synthetic channel of each loss gets it).
    warn_if_none_closes : bool
        Warn when no loss of the batch closes (every total NaN), and when some do not (their
        count); callers that report the non-closing points themselves (``sikernel sweep``) turn
        it off.

    Returns
    -------
    EnergyBatch
        Per-point totals, blocks, architecture codes and equaliser settings; NaN / -1 where
        the link does not close (``energy_per_bit`` raises there).

    Raises
    ------
    SIKernelError
        Negative or non-finite loss; bad baud, modulation, node, architecture, BER, scope,
        clocking or excluded family; ``node_nm`` / ``target_ber`` arrays that do not broadcast
        with ``loss_db``.

    Warns
    -----
    SIKernelWarning
        No loss of the batch closes (all NaN), naming the loss range and what to relax; some do
        not (their count, and how many lie above the tabulated losses).
    """
    from .api import _check_common, candidates, check_ber_for, check_model_args
    from .table import LOSS_GRID_DB, get_table
    from .technology import get_technology

    node_axis = _design_axis("node_nm", node_nm)
    ber_axis = _design_axis("target_ber", target_ber)
    fb, mod, levels, tech, arch, ber, sc, clk, txk, kind = _check_common(
        baud, modulation, node_nm if node_axis is None else float(node_axis.flat[0]), architecture,
        target_ber if ber_axis is None else float(ber_axis.flat[0]), scope, clocking, tx_architecture,
        channel_kind)
    co, exclude = check_model_args(coefficients, exclude, arch)
    from .crosstalk import resolve

    xt = resolve(crosstalk)
    _validate.not_masked("loss_db", loss_db)
    raw = np.asarray(loss_db)
    if raw.size == 0:
        raise SIKernelError("loss_db is empty; give one or more losses in dB")
    if raw.dtype.kind not in "iuf":
        raise SIKernelError(f"loss_db must be real numbers in dB; got an array of {raw.dtype} "
                            f"({np.ravel(raw)[:1].tolist()!r}...)")
    shape = raw.shape if raw.ndim else (1,)   # a 2-D grid of losses gives 2-D results (a scalar: 1-D)
    axes = {k: a for k, a in (("node_nm", node_axis), ("target_ber", ber_axis)) if a is not None}
    if axes:
        try:
            shape = np.broadcast_shapes(shape, *(a.shape for a in axes.values()))
        except ValueError:
            raise SIKernelError(
                "node_nm / target_ber arrays must broadcast with loss_db (NumPy's rules): got shapes "
                + ", ".join(f"{k} {a.shape}" for k, a in {"loss_db": raw, **axes}.items())
                + "; give one value, an array of loss_db's shape, or axes of length 1 for a grid "
                "(e.g. node_nm=[[3], [5], [7]] with a 1-D loss_db)") from None
    raw_f = raw.astype(float).reshape(-1)
    bad = ~np.isfinite(raw_f) | (raw_f < 0)   # counted on the losses given, not their broadcast
    if np.any(bad):
        raise SIKernelError(f"loss_db must be finite and >= 0 dB; got {float(raw_f[bad][0])!r}"
                            + (f" (and {int(bad.sum()) - 1} more)" if bad.sum() > 1 else ""))
    loss = np.broadcast_to(raw.astype(float), shape).reshape(-1)
    # the (node, BER) groups, each solved with one technology and one BER as the scalar call is;
    # the points of each group, in the grid, in their order (one stable sort, not a mask per group)
    n = loss.size
    in_grid = np.nonzero(loss <= LOSS_GRID_DB[-1])[0]
    if not axes:
        nodes, bers = np.full(n, float(tech.node_nm)), np.full(n, ber)
        solved_at, members = [(tech, ber)], [in_grid]
    else:
        nodes = np.full(n, float(tech.node_nm)) if node_axis is None \
            else np.broadcast_to(node_axis, shape).reshape(-1)
        bers = np.full(n, ber) if ber_axis is None else np.broadcast_to(ber_axis, shape).reshape(-1)
        pairs, group = np.unique(np.stack([nodes, bers], axis=1), axis=0, return_inverse=True)
        group = group.reshape(-1)
        # each distinct node and BER checked once, the first point's pair by _check_common (a dubious
        # BER warns once); without a node axis every node is the first one, so every group keeps
        # the checked technology (a custom Technology, review 34 H1)
        techs, checked = {float(nodes[0]): tech}, {float(bers[0]): ber}
        for nd, b in pairs:
            if float(nd) not in techs:
                techs[float(nd)] = get_technology(float(nd))
            if float(b) not in checked:
                checked[float(b)] = check_ber_for(float(b), mod)
        solved_at = [(techs[float(nd)], checked[float(b)]) for nd, b in pairs]
        g_in = group[in_grid]
        order = np.argsort(g_in, kind="stable")
        cuts = np.searchsorted(g_in[order], np.arange(len(pairs) + 1))
        members = [in_grid[order[cuts[g]:cuts[g + 1]]] for g in range(len(pairs))]
    table = get_table(fb, levels, kind=kind, crosstalk=xt)
    out = {k: np.full(n, np.nan) for k in (*budget.BLOCKS, "total", *("eq_" + e for e in EQ_FIELDS))}
    out["code"] = np.full(n, -1, dtype=np.int64)
    for (tech_g, ber_g), inside in zip(solved_at, members, strict=True):
        for s in range(0, inside.size, BLOCK_POINTS):
            pts = inside[s:s + BLOCK_POINTS]
            op = candidates(_interpolate(table, loss[pts]), tuple(exclude), arch)
            if op.family.size == 0:
                break
            blk = {k: np.empty(pts.size) for k in out if k != "code"}
            blk["code"] = np.empty(pts.size, dtype=np.int64)
            _solve_block(op, levels=levels, baud=fb, target_ber=ber_g, tech=tech_g, co=co, scope=sc,
                         clocking=clk, architecture=arch, out=blk, sl=slice(None), tx_kind=txk)
            for k, v in blk.items():
                out[k][pts] = v
    closes = np.isfinite(out["total"])
    node_text, ber_text = _span_text(nodes, "{:g} nm"), _span_text(bers, "target_ber={:g}")
    if warn_if_none_closes and not np.any(closes):
        _warn_none_closes(loss, fb, levels, node_text, arch, ber_text, exclude)
    elif warn_if_none_closes and not np.all(closes):  # fuzz 31 M8: NaN among the others, silently
        import warnings

        from .._stacklevel import user_stacklevel

        above = int(np.sum(loss > LOSS_GRID_DB[-1]))
        where = (f", {above} of them above {LOSS_GRID_DB[-1]:g} dB, the largest tabulated loss (a dB "
                 "slip?)" if above else "")
        fails = loss[~closes]
        span = (f"the failing loss is {float(fails[0]):g} dB" if fails.size == 1
                else f"the failing losses lie between {float(fails.min()):g} and {float(fails.max()):g} dB")
        relax = ("relax target_ber" + (", let architecture='auto' choose" if arch != "auto" else "")
                 + (f", drop exclude={tuple(exclude)!r}" if exclude else ""))
        at = (f"BER {ber:g}" if ber_axis is None and node_axis is None
              else f"{_span_text(nodes[~closes], '{:g} nm')}, {_span_text(bers[~closes], 'BER {:g}')}")
        warnings.warn(SIKernelWarning(
            f"energy_per_bit_batch: {int(np.sum(~closes))} of {n} losses do not close at {at} "
            f"(NaN in the results; {span}){where}; to price them, "
            f"{relax} or lower the loss"), stacklevel=user_stacklevel())
    out = {k: v.reshape(shape) for k, v in out.items()}
    return EnergyBatch(total_pj_per_bit=out["total"], blocks={b: out[b] for b in budget.BLOCKS},
                       architecture_code=out["code"],
                       eq_settings={e: out["eq_" + e] for e in EQ_FIELDS}, loss_db=loss.reshape(shape),
                       baud=fb, bit_rate_bps=fb * math.log2(levels))


def _design_axis(name: str, value: object) -> np.ndarray | None:
    """``value`` as a float array of per-point values, or None for one value (checked later, as
    the scalar call checks it); refuses text, masked entries and an empty array by name."""
    from .technology import Technology

    if isinstance(value, Technology | str | bytes):
        return None
    try:
        arr = np.asarray(value)
    except ValueError:   # a ragged nest of lists
        raise SIKernelError(f"{name} is a ragged sequence (rows of different lengths); give one value or "
                            "an array that broadcasts with loss_db") from None
    if arr.ndim == 0:
        return None
    _validate.not_masked(name, value)
    if arr.size == 0:
        raise SIKernelError(f"{name} is an empty array; give one value or one per loss")
    if arr.dtype.kind not in "iuf":
        first = np.ravel(arr)[0]
        shown = repr(first) if arr.dtype.kind in "USb" else type(first).__name__
        raise SIKernelError(f"{name} must be numbers (one value or an array per loss); got an array of "
                            f"{arr.dtype} ({shown}, ...)"
                            + ("; give the node in nm as a number, e.g. 5 (a Technology is taken only "
                               "as the one node of the whole batch)" if name == "node_nm" else ""))
    return arr.astype(float)


def _span_text(values: np.ndarray, fmt: str) -> str:
    """``fmt`` of the one value, the values themselves when there are a few (up to 4), else "lo-hi"
    (a warning's "at what")."""
    u = np.unique(values)
    if u.size <= 4:
        return ", ".join(fmt.format(float(x)) for x in u) if u.size > 1 else fmt.format(float(u[0]))
    return fmt.replace("{:g}", "{:g}-{:g}").format(float(u[0]), float(u[-1]))


__all__ = ["EQ_FIELDS", "EnergyBatch", "energy_per_bit_batch"]
