"""Energy curves of one host SerDes end, family by family, for the study's Monte Carlo.

The energy model prices a retimed link with the cheaper (on TX + RX) of the families that close
it (:func:`sikernel.power.architecture.choose`: analog or ADC-DSP receiver).  An end's energy over
the Monte Carlo's inputs is therefore smooth within a family and steps where the cheaper family
stops closing.  Each family is tabulated on its own and the choice is made per draw, as the
energy model makes it.

**What is priced.**  A draw of an end is ``energy_per_bit(channel=…)`` over the end's own channel
with the draw's inputs, as ``tests/naive_mc_direct.py`` prices it draw by draw: a flat loss
shift ΔL of its through terms (:func:`_flat_loss`: the host channel's loss offset and, at a
linear end, the change of the optical penalty, a flat loss by its definition), the module's
linear-path bandwidth ``b`` (a linear end; its shape, not only its loss at Nyquist), the
crosstalk amplitude scale ``s`` and the FO4 delay t_FO4.

**One SI operating table per bandwidth.**  A flat loss and a crosstalk scale move the SI chain's
figures (:mod:`sikernel.power.budget`, per volt of launch) in closed form, so they are applied
to the end's operating table instead of running the SI chain again (:func:`_shifted`): with
``α = 10^(−ΔL/20)`` and ``s`` over the point's ``s0``,

* the half-eye signal ``a → α a``; the through-borne variances (TX noise, residual ISI, jitter)
  ``→ α²``; an ADC receiver's quantisation noise (its full scale follows the received rms)
  ``q_coef → α² q_coef``; the receiver's thermal noise ``var_n`` is unchanged;
* the power-sum crosstalk ``σ_XT²`` splits into FEXT, which rides ``|H|^β_F`` of the victim's
  through response (:mod:`sikernel.power.crosstalk`, X1: ``→ α^(2β_F)``), and NEXT, which does
  not (X2: unchanged), both ``× (s/s0)²``.  The FEXT part of each configuration is read from a
  second operating table of the point's channel with the NEXT level set to zero; the other
  bandwidths take its FEXT share per configuration.

What is held is the equaliser setting (TX FFE, CTLE) each configuration column carries, which
the SI chain chose by its FOM on the unshifted channel; run on the shifted channel it may choose
another, so the scaled table is not the chain's answer exactly (the budget still chooses among
every column: DFE taps, TX subsets, RX FFE lengths, MMSE noise levels, ENOB).  Against the chain
run on the shifted channel (docs/energy-model.md 6.5): energies within 1 % over the default ends'
ranges except far from a family's point optimum (the DSP family of the 102.4T CPO end, which it
does not choose there, 9 % high at +9 dB); closing limits within 0.03 dB at the point's
bandwidth, up to 0.4 dB at the others (the analog limit of the 102.4T linear end at 0.575 × the
baud: 2.5 dB against the chain's 2.1 dB).  The bandwidth axis costs one operating table per
point (:data:`BW_GRID_POINTS`).

So per family f the curves are ``E_f(b, s, t_FO4, ΔL)`` on a grid (:data:`BW_GRID_POINTS` ×
:data:`XT_GRID_POINTS` × :data:`FO4_GRID_POINTS` × the shifts of :data:`RATIO_GRID_DB` the end's
ranges reach) for the priced scope and for TX + RX (what the choice compares), both from one
budget solve per t_FO4; and the family's closing limit ``λ_f(b, s, t_FO4)``, the largest flat
loss shift with which it closes, bisected on the same scaled table to :data:`LIMIT_TOL_DB`.  A
draw takes the closing family (``ΔL ≤ λ_f``, multilinear in b, s and t_FO4) of least TX + RX
energy (multilinear); where none closes, the one whose limit is largest (held: the count of
such draws is reported, their energy is a lower bound).

A loss offset of the host channel is priced as a flat loss of the length's loss at Nyquist, not
as a longer line (measured against the channel rebuilt at the length in docs 6.5).  A family
that does not close the end at the point values but closes elsewhere on its ranges (an analog
receiver that closes only at a lower loss, crosstalk or t_FO4 than the point's, where the point
needs the DSP one) is tabulated too, so a draw within its closing limit takes it where it is the
cheaper: each crosstalk row where the point's tables say it closes is tabulated again from the
channel at that crosstalk and at the row's highest closing shift (the equaliser settings the SI
chain chooses where the family does not close put its limit more than a dB off), and it is
normalised at its closing grid cell nearest to the point.  A family that closes nowhere on the
point's tables is left out (one that the channel itself would close somewhere there is missed).

Curves are kept on disk with the operating tables they come from (:mod:`sikernel.power.op_cache`,
keyed by :func:`_key`), so a warm process reads them instead of solving the budget again.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import SIKernelError

#: loss shifts (dB) at which the energy curves may be tabulated for the Monte Carlo (each end on
#: the part its ranges reach, :data:`SHIFT_MARGIN_DB` wider; the domain of a user's loss offsets)
RATIO_GRID_DB = np.arange(-6.0, 14.0001, 0.25)
#: how far (dB) beyond the shifts its ranges allow an end's curves reach
SHIFT_MARGIN_DB = 0.5
#: points of the t_FO4 axis of the energy tables (over the assumption's documented range): within
#: one family the energy is smooth in t_FO4 (21 points when the chosen family's table was
#: interpolated)
FO4_GRID_POINTS = 11
#: points of the crosstalk-scale axis of the energies and closing limits (over the assumption's
#: documented range; budget solves on the scaled operating table, no SI chain run): the analog
#: limit of the 102.4T linear end falls ~7 dB per unit of scale
XT_GRID_POINTS = 5
#: tolerance (dB) to which a family's closing limit is bisected within its grid cell (three
#: halvings of the grid's 0.25 dB)
LIMIT_TOL_DB = 0.04
#: points of the bandwidth axis of a linear end (the module's linear optical path, over the
#: assumption's documented range; one SI operating table each): its shape is not a flat loss
BW_GRID_POINTS = 5


@dataclass(frozen=True)
class FamilyCurves:
    """One receiver family of one end: energy curves and where it closes.

    Attributes
    ----------
    family : str
        "analog" or "dsp".
    pj_per_bit, select_pj_per_bit : float
        Energy of the priced scope, and of TX + RX (what the choice compares), over the end's
        own channel at the point values (pJ per line bit); for a family that does not close
        there, at its closing grid cell nearest to the point (a normalisation: the ratios
        below multiply it back).
    ratio, select_ratio : ndarray
        ``E_f(b, s, t_FO4, ΔL)`` of each over that value (shape ``f3db_over_baud ×
        xt_scale × fo4_s × ratio_db``; held along ΔL where the family does not close).
    loss_limit_db : ndarray
        Largest flat-loss shift (dB) with which the family closes the end's channel, per
        (``f3db_over_baud``, ``xt_scale``, ``fo4_s``); the grid's last shift where it closes
        over all of it, one dB below its first where it closes over none.
    """

    family: str
    pj_per_bit: float
    select_pj_per_bit: float
    ratio: np.ndarray
    select_ratio: np.ndarray
    loss_limit_db: np.ndarray


@dataclass(frozen=True)
class EndCurves:
    """Per-family curves of a host end on shared axes (:func:`build`).

    Attributes
    ----------
    fo4_s : ndarray
        t_FO4 axis (s, 7 nm).
    ratio_db : ndarray
        Loss-shift axis (dB): the part of :data:`RATIO_GRID_DB` the end's ranges reach.
    xt_scale : ndarray
        Crosstalk-scale axis (one point where the link has no crosstalk or its range is
        collapsed).
    f3db_over_baud : ndarray
        Bandwidth axis of a linear end's optical path (over the baud); one point, NaN, for an
        end without one.
    f3db_point : float
        The bandwidth at the point values (NaN without a linear path).
    families : tuple of FamilyCurves
        The families that close the end somewhere on its ranges (at least one of them at the
        point values).
    """

    fo4_s: np.ndarray
    ratio_db: np.ndarray
    xt_scale: np.ndarray
    f3db_over_baud: np.ndarray
    f3db_point: float
    families: tuple[FamilyCurves, ...]

    def price(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any,
              f3db_over_baud: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Energy of the priced scope per draw, and whether some family closes there.

        Parameters
        ----------
        t_fo4_s, shift_db, crosstalk_scale : float or ndarray
            The draw's t_FO4 (s), flat loss shift of the end's channel (dB) and crosstalk scale
            (broadcast together).
        f3db_over_baud : float or ndarray, optional
            The draw's linear-path bandwidth (a linear end; default its point value).

        Returns
        -------
        pj_per_bit : ndarray
            The closing family of least TX + RX energy; where none closes, the family whose
            closing limit is largest (held, a lower bound).
        closes : ndarray of bool
        """
        pj, closes, _ = self._evaluate(t_fo4_s, shift_db, crosstalk_scale, f3db_over_baud)
        return pj, closes

    def family(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any,
               f3db_over_baud: Any = None) -> np.ndarray:
        """The receiver family :meth:`price` takes per draw ("" where none closes).

        Parameters
        ----------
        t_fo4_s, shift_db, crosstalk_scale, f3db_over_baud : float or ndarray
            As :meth:`price`.

        Returns
        -------
        ndarray of str
        """
        _, closes, k = self._evaluate(t_fo4_s, shift_db, crosstalk_scale, f3db_over_baud)
        names = np.array([fc.family for fc in self.families] + [""])
        return names[np.where(closes, k, len(self.families))]

    def loss_limit_db(self, family: str, t_fo4_s: Any, crosstalk_scale: Any,
                      f3db_over_baud: Any = None) -> np.ndarray:
        """``family``'s closing limit (dB of flat loss) at the given t_FO4, crosstalk scale and
        linear-path bandwidth.

        Parameters
        ----------
        family : str
            A family of :attr:`families`.
        t_fo4_s, crosstalk_scale, f3db_over_baud : float or ndarray
            Where (broadcast together; clamped to the axes; the bandwidth by default its point).

        Returns
        -------
        ndarray

        Raises
        ------
        SIKernelError
            ``family`` is not one of this end's families.
        """
        for fc in self.families:
            if fc.family == family:
                return _lerp((self.f3db_over_baud, self.xt_scale, self.fo4_s), fc.loss_limit_db,
                             (self._bw(f3db_over_baud), crosstalk_scale, t_fo4_s))
        raise SIKernelError(f"family {family!r} is not priced at this end; it has "
                            f"{[fc.family for fc in self.families]}")

    def _bw(self, f3db_over_baud: Any) -> np.ndarray:
        """The bandwidth coordinate (its point value where not given)."""
        return np.asarray(self.f3db_point if f3db_over_baud is None else f3db_over_baud, dtype=float)

    def _evaluate(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any, f3db_over_baud: Any = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`price`'s energies and closure, and the index of the family taken."""
        t = np.asarray(t_fo4_s, dtype=float)
        d = np.asarray(shift_db, dtype=float)
        x = np.asarray(crosstalk_scale, dtype=float)
        b = self._bw(f3db_over_baud)
        shape = np.broadcast_shapes(t.shape, d.shape, x.shape, b.shape)
        best_sel = np.full(shape, np.inf)
        val = np.full(shape, np.nan)
        held = np.full(shape, np.nan)
        best_lim = np.full(shape, -np.inf)
        k = np.zeros(shape, dtype=int)
        axes = (self.f3db_over_baud, self.xt_scale, self.fo4_s, self.ratio_db)
        # a shift beyond the grid is priced at its nearest end, closure included (a row that closes
        # nowhere holds its limit one dB below the grid)
        d_in = np.clip(d, self.ratio_db[0], self.ratio_db[-1])
        for i, fc in enumerate(self.families):
            lim = _lerp(axes[:3], fc.loss_limit_db, (b, x, t))
            e = fc.pj_per_bit * _lerp(axes, fc.ratio, (b, x, t, d))
            s = fc.select_pj_per_bit * _lerp(axes, fc.select_ratio, (b, x, t, d))
            take = (d_in <= lim) & (s < best_sel)
            val = np.where(take, e, val)
            best_sel = np.where(take, s, best_sel)
            k = np.where(take, i, k)
            wider = lim > best_lim
            held = np.where(wider, e, held)
            best_lim = np.where(wider, lim, best_lim)
        closes = np.isfinite(best_sel)
        return np.where(closes, val, held), closes, k


def build(ch: Any, *, baud: float, node_nm: float, exclude: tuple[str, ...], target_ber: float, scope: str,
          crosstalk: Any, t_fo4: Any, crosstalk_scale: Any, shift_range_db: tuple[float, float],
          linear_path: tuple[Any, Any, float] | None = None) -> EndCurves:
    """Tabulate one host end's families over its channel (module docstring).

    Parameters
    ----------
    ch : Channel
        The end's channel at the point values.
    baud, node_nm, exclude, target_ber, scope, crosstalk
        As the end is priced (:func:`sikernel.power.energy_per_bit`).
    t_fo4, crosstalk_scale : Assumption
        The t_FO4 and crosstalk-scale assumptions (low, value, high).
    shift_range_db : (float, float)
        Smallest and largest flat loss shift of the end's channel the ranges allow (dB): the
        curves cover it on :data:`RATIO_GRID_DB`, :data:`SHIFT_MARGIN_DB` wider each side (a
        shift beyond is priced at the nearest end).
    linear_path : (Channel, Assumption, float), optional
        For an end that equalises a module's linear optical path: the host channel without it,
        the bandwidth assumption (``f3db_over_baud``) and the point's penalty (dB); ``ch`` is
        that channel with the path at the point (:func:`sikernel.system.channels.with_linear_path`).

    Returns
    -------
    EndCurves

    Raises
    ------
    SIKernelError
        No family closes the end at the point values.
    """
    from ..power import op_cache

    key = _key(ch, baud=baud, node_nm=node_nm, exclude=exclude, target_ber=target_ber, scope=scope,
               crosstalk=crosstalk, t_fo4=t_fo4, crosstalk_scale=crosstalk_scale,
               shift_range_db=shift_range_db, linear_path=linear_path)
    stored = op_cache.load_entry(key, "curves", _from_arrays)
    if stored is not None:
        return stored
    curves = _build(ch, baud=baud, node_nm=node_nm, exclude=exclude, target_ber=target_ber, scope=scope,
                    crosstalk=crosstalk, t_fo4=t_fo4, crosstalk_scale=crosstalk_scale,
                    shift_range_db=shift_range_db, linear_path=linear_path)
    op_cache.save_arrays(key, "curves", _to_arrays(curves))
    return curves


def _key(ch: Any, *, baud: float, node_nm: float, exclude: tuple[str, ...], target_ber: float, scope: str,
         crosstalk: Any, t_fo4: Any, crosstalk_scale: Any, shift_range_db: tuple[float, float],
         linear_path: tuple[Any, Any, float] | None) -> tuple:
    """Everything :func:`build`'s curves depend on besides the package source (the disk cache's
    key, :mod:`sikernel.power.op_cache`): the channels' samples, the pricing inputs, the ranges,
    the energy model's coefficients, the reference receiver and the SI chain's search grids."""
    from ..power import op_cache, si
    from ..power.coefficients import DEFAULT_COEFFICIENTS
    from ..power.crosstalk import resolve

    def rng(a: Any) -> tuple[float, float, float]:
        return float(a.low), float(a.value), float(a.high)

    lin = None
    if linear_path is not None:
        host, f3db, penalty_db = linear_path
        lin = (op_cache.samples_digest(host.f, host.s21), rng(f3db), float(penalty_db))
    return (op_cache.samples_digest(ch.f, ch.s21), float(baud), float(node_nm), tuple(exclude),
            float(target_ber), scope, op_cache.crosstalk_key(resolve(crosstalk)),
            rng(t_fo4), rng(crosstalk_scale), tuple(map(float, shift_range_db)), lin,
            repr(DEFAULT_COEFFICIENTS), repr(si.settings_for(float(baud))), si.search_key())


def _to_arrays(c: EndCurves) -> dict[str, np.ndarray]:
    """``c`` as named arrays (the disk cache's file)."""
    out = {"fo4_s": c.fo4_s, "ratio_db": c.ratio_db, "xt_scale": c.xt_scale,
           "f3db_over_baud": c.f3db_over_baud, "f3db_point": np.float64(c.f3db_point),
           "families": np.array([fc.family for fc in c.families])}
    for i, fc in enumerate(c.families):
        out.update({f"f{i}_pj_per_bit": np.float64(fc.pj_per_bit),
                    f"f{i}_select_pj_per_bit": np.float64(fc.select_pj_per_bit),
                    f"f{i}_ratio": fc.ratio, f"f{i}_select_ratio": fc.select_ratio,
                    f"f{i}_loss_limit_db": fc.loss_limit_db})
    return out


def _from_arrays(z: dict[str, np.ndarray]) -> EndCurves:
    """The curves :func:`_to_arrays` wrote; raises on arrays that do not make them."""
    axes = tuple(z[k] for k in ("f3db_over_baud", "xt_scale", "fo4_s", "ratio_db"))
    if any(a.ndim != 1 or a.size == 0 for a in axes) or z["f3db_point"].shape != ():
        raise ValueError("axes are not 1-D")
    shape = tuple(a.size for a in axes)
    fams = []
    for i, name in enumerate(z["families"].tolist()):
        fc = FamilyCurves(str(name), float(z[f"f{i}_pj_per_bit"]), float(z[f"f{i}_select_pj_per_bit"]),
                          z[f"f{i}_ratio"], z[f"f{i}_select_ratio"], z[f"f{i}_loss_limit_db"])
        if fc.ratio.shape != shape or fc.select_ratio.shape != shape or fc.loss_limit_db.shape != shape[:3]:
            raise ValueError(f"family {name!r}: arrays off the axes")
        fams.append(fc)
    if not fams:
        raise ValueError("no family")
    return EndCurves(z["fo4_s"], z["ratio_db"], z["xt_scale"], z["f3db_over_baud"], float(z["f3db_point"]),
                     tuple(fams))


def _build(ch: Any, *, baud: float, node_nm: float, exclude: tuple[str, ...], target_ber: float, scope: str,
           crosstalk: Any, t_fo4: Any, crosstalk_scale: Any, shift_range_db: tuple[float, float],
           linear_path: tuple[Any, Any, float] | None = None) -> EndCurves:
    """:func:`build` without the disk cache."""
    from ..power import api
    from ..power.architecture import AUTO_FAMILIES
    from ..power.coefficients import DEFAULT_COEFFICIENTS
    from ..power.crosstalk import resolve
    from .channels import with_linear_path

    fams = [f for f in AUTO_FAMILIES if f not in exclude]
    fo4 = _grid_with(t_fo4.low, t_fo4.high, FO4_GRID_POINTS, t_fo4.value)
    i0 = int(np.argmin(np.abs(fo4 - t_fo4.value)))
    cos = [dataclasses.replace(DEFAULT_COEFFICIENTS, t_fo4_s=float(t)) for t in fo4]
    xt0 = resolve(crosstalk)
    a = crosstalk_scale
    active = xt0 is not None and xt0.active
    xs = (np.array([a.value]) if not active or a.high <= a.low
          else _grid_with(a.low, a.high, XT_GRID_POINTS, a.value))
    j0 = int(np.argmin(np.abs(xs - a.value)))
    lo, hi = shift_range_db
    grid = RATIO_GRID_DB[(RATIO_GRID_DB >= min(lo, 0.0) - SHIFT_MARGIN_DB)
                         & (RATIO_GRID_DB <= max(hi, 0.0) + SHIFT_MARGIN_DB)]
    l0 = int(np.argmin(np.abs(grid)))
    if linear_path is None:
        bw, bw_point, chs = np.array([np.nan]), float("nan"), [ch]
    else:
        host, f3db, penalty_db = linear_path
        bw, bw_point = _grid_with(f3db.low, f3db.high, BW_GRID_POINTS, f3db.value), float(f3db.value)
        chs = [ch if x == bw_point else with_linear_path(host, baud, float(x), float(penalty_db)) for x in bw]
    m0 = int(np.argmin(np.abs(bw - bw_point))) if linear_path is not None else 0
    fb, _, levels, tech, _, ber, _, clk, txk, _ = api._check_common(
        baud, "pam4", node_nm, "auto", target_ber, "txrx", "cdr", "ffe", "host")
    # the operating tables at a reference crosstalk scale (the point's, or the model's own where the
    # point has none) and, with crosstalk, the same channels' FEXT alone
    s_ref = float(a.value) if active and a.value > 0 else 1.0
    beta = float(xt0.fext_beta) if active else 1.0
    to_pj = 1e12 / (fb * math.log2(levels))
    solve = dict(levels=levels, baud=fb, target_ber=ber, tech=tech, scope=scope, clocking=clk, tx_kind=txk)

    def tables(shift_db: float, scale: float) -> list:
        """Every bandwidth's operating table over its channel with a flat loss ``shift_db`` and the
        crosstalk at ``scale``; the FEXT share of each configuration's crosstalk from the point
        bandwidth's channel, applied to the other bandwidths' tables (a bandwidth filters the
        victim and, through |H|^β_F, its FEXT alike)."""
        xt = None if not active else dataclasses.replace(xt0, scale=xt0.scale * scale)
        op_m0 = _with_fext(_flat_loss(chs[m0], shift_db), fb, levels, xt)
        sh = _fext_share(op_m0)
        return [op_m0 if m == m0 else _with_fext(_flat_loss(c, shift_db), fb, levels, xt, sh)
                for m, c in enumerate(chs)]

    def family_grid(tabs: list, f: str, shift_db: float, scale: float, scales: np.ndarray) -> tuple:
        """``f``'s columns of ``tabs`` (taken at ``shift_db`` and ``scale``) and its energies on
        the grid at the crosstalk ``scales``, shifts and scales counted from there."""
        fam_ops = []
        for op in tabs:
            cand = api.candidates(op, (), f)
            fam_ops.append(api._keep_columns(cand, cand.family == f))
        return (fam_ops, *_family_grid(fam_ops, scales / scale, grid - shift_db, cos, beta, to_pj, solve))

    def away_from_point(f: str, fam_ops: list, e: np.ndarray, sel: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Energies and limits of a family that does not close at the point values.  The scaled
        tables hold the equaliser settings the SI chain chose on the channel they come from; for
        such a family (closing at the edge of its SNR) the choice made where it does not close
        can move its limit by more than a dB (102.4T pluggable at BER 1.8e-5, 0.75 of the point's
        crosstalk: -3.3 dB from the point's tables, -2.0 dB from the channel itself).  So each
        crosstalk row of the grid where it closes is tabulated again from the channel at that
        crosstalk and at the row's highest closing shift (on ``e`` / ``sel``, from the point's
        tables), where it closes."""
        ok = np.isfinite(sel)
        lim = _limits(fam_ops, xs / s_ref, grid, cos, beta, solve, ok)
        e, sel = e.copy(), sel.copy()
        for j, x in enumerate(xs):
            if not ok[:, j].any():
                continue
            shift_db = float(grid[np.flatnonzero(ok[:, j].any(axis=(0, 1)))[-1]])
            x_j = float(x) if active else s_ref
            fo, e_j, sel_j = family_grid(tables(shift_db, x_j), f, shift_db, x_j, xs[j:j + 1])
            e[:, j:j + 1], sel[:, j:j + 1] = e_j, sel_j
            lim[:, j:j + 1] = _limits(fo, np.ones(1), grid - shift_db, cos, beta, solve,
                                      np.isfinite(sel_j)) + shift_db
        return e, sel, lim

    ops = tables(0.0, s_ref)
    point = (m0, j0, i0, l0)
    out, at_point = [], []
    for f in fams:
        fam_ops, e, sel = family_grid(ops, f, 0.0, s_ref, xs)
        ok = np.isfinite(sel)
        if not ok.any():
            continue   # the family closes the end nowhere on its ranges
        closes_at_point = bool(ok[point])
        if closes_at_point:
            lim = _limits(fam_ops, xs / s_ref, grid, cos, beta, solve, ok)
        else:
            e, sel, lim = away_from_point(f, fam_ops, e, sel)
            ok = np.isfinite(sel)
            if not ok.any():
                continue
        e_h, sel_h = _held_planes(e), _held_planes(sel)
        ref = _reference_cell(ok, point)
        p0, s0 = float(e[ref]), float(sel[ref])
        out.append(FamilyCurves(f, p0, s0, e_h / p0, sel_h / s0, lim))
        at_point.append(closes_at_point)
    if not any(at_point):
        raise SIKernelError(f"no receiver family ({', '.join(fams)}) closes this host end at the point "
                            "values")
    return EndCurves(fo4, grid, xs, bw, bw_point, tuple(out))


def _with_fext(ch: Any, baud: float, levels: int, crosstalk: Any, share: np.ndarray | None = None) -> Any:
    """``ch``'s SI operating table with its configurations' FEXT variance in ``extra["var_fext"]``:
    ``share`` of its crosstalk where given, else from the same channel's table with the NEXT level
    set to zero (zero without crosstalk)."""
    from ..power import api

    op, _ = api.channel_op_table(ch, baud, levels, crosstalk=crosstalk)
    var_xt = np.asarray(op.extra["var_xt"], dtype=float)
    if crosstalk is None:
        return dataclasses.replace(op, extra={**op.extra, "var_fext": np.zeros_like(var_xt)})
    if share is not None:
        return dataclasses.replace(op, extra={**op.extra, "var_fext": share * var_xt})
    op_f, _ = api.channel_op_table(ch, baud, levels, crosstalk=dataclasses.replace(crosstalk, next_k=0.0))
    if not (np.array_equal(op_f.family, op.family) and np.array_equal(op_f.dfe_taps, op.dfe_taps)
            and np.array_equal(op_f.rx_ffe_taps, op.rx_ffe_taps)):
        raise SIKernelError("internal: the FEXT-only operating table has another column layout")
    var_fext = np.clip(np.asarray(op_f.extra["var_xt"], dtype=float), 0.0, var_xt)
    return dataclasses.replace(op, extra={**op.extra, "var_fext": var_fext})


def _fext_share(op: Any) -> np.ndarray:
    """Each configuration's FEXT share of its crosstalk variance (zero where it has none)."""
    xt = np.asarray(op.extra["var_xt"], dtype=float)
    return np.divide(op.extra["var_fext"], xt, out=np.zeros_like(xt), where=xt > 0)


def _shifted(ops: list[Any], which: np.ndarray, alpha: np.ndarray, xt_factor: np.ndarray, beta: float) -> Any:
    """The tables ``ops`` (1-D, configurations; one per bandwidth, the same columns) on points:
    point ``i`` is ``ops[which[i]]`` with a flat loss ``20 log10(1/alpha[i])`` of the through
    terms and the crosstalk amplitude times ``sqrt(xt_factor[i])`` (module docstring; 2-D
    figures, points × configurations)."""
    w = np.asarray(which, dtype=int)

    def fig(k: str) -> np.ndarray:
        return np.stack([np.asarray(getattr(o, k) if hasattr(o, k) else o.extra[k], dtype=float)
                         for o in ops])[w]

    al = np.asarray(alpha, dtype=float)[:, None]
    xf = np.asarray(xt_factor, dtype=float)[:, None]
    xt, fx = fig("var_xt"), fig("var_fext")
    a2 = al * al
    r2 = a2 * (fig("r2") - xt) + xf * ((xt - fx) + fx * al ** (2.0 * beta))
    return dataclasses.replace(ops[0], a=al * fig("a"), r2=r2, q_coef=a2 * fig("q_coef"), var_n=fig("var_n"),
                               mlsd_gain_db=fig("mlsd_gain_db"), tx_taps=fig("tx_taps"),
                               ctle_peaking_db=fig("ctle_peaking_db"))


def _solve_points(op: Any, co: Any, solve: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point of a 2-D ``op`` (one family): the energy of the priced scope and of TX + RX of its
    cheapest closing configuration (W; NaN where none closes), and whether one closes -- what
    :func:`sikernel.power.architecture.best_per_family` picks, point by point."""
    from ..power import budget

    sol = budget.solve(op, co=co, **solve)
    ok = sol.closes & np.isfinite(sol.total_w)
    cost = np.where(ok, sol.total_w, np.inf)
    j = np.argmin(cost, axis=1)
    rows = np.arange(cost.shape[0])
    closes = np.any(ok, axis=1)
    scope_w = sum(v[rows, j] for v in sol.power_w.values())
    return (np.where(closes, scope_w, np.nan), np.where(closes, sol.total_w[rows, j], np.nan), closes)


def _family_grid(ops: list[Any], xt_rel: np.ndarray, shifts_db: np.ndarray, cos: list[Any], beta: float,
                 to_pj: float, solve: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """``E_f`` of the priced scope and of TX + RX on ``bandwidths × xt_rel × cos × shifts_db``
    (pJ/b; NaN where the family does not close): one budget solve per t_FO4."""
    nb, ns, nt, nd = len(ops), xt_rel.size, len(cos), shifts_db.size
    which = np.repeat(np.arange(nb), ns * nd)
    alpha = np.tile(10.0 ** (-shifts_db / 20.0), nb * ns)
    xf = np.tile(np.repeat(xt_rel * xt_rel, nd), nb)
    pts = _shifted(ops, which, alpha, xf, beta)
    e = np.full((nb, ns, nt, nd), np.nan)
    sel = np.full((nb, ns, nt, nd), np.nan)
    for k, co in enumerate(cos):
        w, w_sel, _ = _solve_points(pts, co, solve)
        e[:, :, k, :] = (w * to_pj).reshape(nb, ns, nd)
        sel[:, :, k, :] = (w_sel * to_pj).reshape(nb, ns, nd)
    return e, sel


def _limits(ops: list[Any], xt_rel: np.ndarray, g: np.ndarray, cos: list[Any], beta: float,
            solve: dict[str, Any], closes: np.ndarray) -> np.ndarray:
    """``λ_f(b, s, t_FO4)``: the last closing shift of each (b, s, t) row of ``closes`` (on the
    shift grid ``g``), bisected within its cell to :data:`LIMIT_TOL_DB` on the scaled tables.

    Closing is taken as monotone in the shift (it is in every budget term: a flat loss lowers
    the signal against the receiver's noise and the NEXT); a row that closes over the whole
    grid gets its last shift, one that closes nowhere one dB below its first.
    """
    nb, ns = closes.shape[:2]
    lead = np.cumprod(closes, axis=-1).astype(bool)   # the leading closing run of each row
    n_lead = lead.sum(axis=-1)
    lim = np.where(n_lead == g.size, g[-1], g[0] - 1.0)
    todo = (n_lead > 0) & (n_lead < g.size)
    lo = np.where(todo, g[np.clip(n_lead - 1, 0, g.size - 1)], np.nan)
    hi = lo + (g[1] - g[0])
    bb, jj = np.meshgrid(np.arange(nb), np.arange(ns), indexing="ij")
    while np.any(todo) and float(np.max(np.where(todo, hi - lo, 0.0))) > LIMIT_TOL_DB:
        mid = 0.5 * (lo + hi)
        for k, co in enumerate(cos):
            r = todo[:, :, k]
            if not r.any():
                continue
            pts = _shifted(ops, bb[r], 10.0 ** (-mid[:, :, k][r] / 20.0), xt_rel[jj[r]] ** 2, beta)
            _, _, ok = _solve_points(pts, co, solve)   # closing does not depend on the priced scope
            lo_k, hi_k = lo[:, :, k], hi[:, :, k]
            lo_k[r] = np.where(ok, mid[:, :, k][r], lo_k[r])
            hi_k[r] = np.where(ok, hi_k[r], mid[:, :, k][r])
    return np.where(todo, lo, lim)


def _reference_cell(ok: np.ndarray, point: tuple[int, ...]) -> tuple[int, ...]:
    """The grid cell a family's curves are normalised at: ``point`` where the family closes there,
    else its closing cell of least summed index distance to it (the first such in C order; any
    closing cell gives the same prices, the ratios multiplying the value back)."""
    if ok[point]:
        return point
    cells = np.argwhere(ok)
    return tuple(int(i) for i in cells[int(np.argmin(np.abs(cells - np.asarray(point)).sum(axis=1)))])


def _held_planes(e: np.ndarray) -> np.ndarray:
    """:func:`_held` on each bandwidth plane of ``e`` (bandwidth × s × t × ΔL); a plane where the
    family closes nowhere takes the nearest plane's held values."""
    ok = (np.isfinite(e) & (e > 0)).reshape(e.shape[0], -1).any(axis=1)
    out = np.array(e, dtype=float)
    for m in np.flatnonzero(ok):
        out[m] = _held(e[m])
    have = np.flatnonzero(ok)
    for m in np.flatnonzero(~ok):
        out[m] = out[have[np.argmin(np.abs(have - m))]]
    return out


def _held(e: np.ndarray) -> np.ndarray:
    """``e`` (s × t × ΔL) with non-closing points held along ΔL (:func:`_hold`); a row that closes
    nowhere takes the nearest closing row in s at its t_FO4, else the closing row nearest in t_FO4
    (then in s)."""
    ok = np.isfinite(e) & (e > 0)
    out = np.array(e, dtype=float)
    ns, nt, _ = e.shape
    for j in range(ns):
        for k in range(nt):
            if ok[j, k].any():
                out[j, k] = _hold(e[j, k], ok[j, k])
    for j in range(ns):
        for k in range(nt):
            if ok[j, k].any():
                continue
            near = [jj for jj in sorted(range(ns), key=lambda jj: abs(jj - j)) if ok[jj, k].any()]
            if near:
                out[j, k] = out[near[0], k]
            else:
                rows = [(jj, kk) for jj in range(ns) for kk in range(nt) if ok[jj, kk].any()]
                jj, kk = min(rows, key=lambda r: (abs(r[1] - k), abs(r[0] - j)))
                out[j, k] = out[jj, kk]
    return out


def _lerp(axes: tuple[np.ndarray, ...], values: np.ndarray, coords: tuple[Any, ...]) -> np.ndarray:
    """``values`` on the grid ``axes`` at ``coords`` (broadcast), linear in each axis and clamped at
    its ends (:class:`scipy.interpolate.RegularGridInterpolator`; one-point axes are dropped)."""
    from scipy.interpolate import RegularGridInterpolator

    c = np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in coords])
    keep = [i for i, ax in enumerate(axes) if ax.size > 1]
    v = values.reshape([ax.size for i, ax in enumerate(axes) if i in keep]) if keep else values.reshape(())
    if not keep:
        return np.broadcast_to(float(v), c[0].shape).copy()
    pts = np.stack([np.clip(c[i], axes[i][0], axes[i][-1]) for i in keep], axis=-1)
    f = RegularGridInterpolator(tuple(axes[i] for i in keep), v, method="linear")
    return f(pts.reshape(-1, len(keep))).reshape(c[0].shape)


def _flat_loss(ch: Any, loss_db: float) -> Any:
    """``ch`` with its through terms (S21, S12) attenuated by ``loss_db`` (reflections kept).

    Parameters
    ----------
    ch : Channel
        A differential channel.
    loss_db : float
        Flat attenuation in dB (negative: gain).

    Returns
    -------
    Channel
    """
    from ..channel.core import Channel

    if loss_db == 0:
        return ch
    s = np.array(ch.sdd, dtype=np.complex128)
    a = 10.0 ** (-float(loss_db) / 20.0)
    s[:, 1, 0] *= a
    s[:, 0, 1] *= a
    return Channel._trusted(ch.f, s, z0_ohm=ch.z0_ohm, name=f"{ch.name} + {loss_db:.2f} dB",
                            meta=dict(ch.meta))


def _grid_with(low: float, high: float, n: int, value: float) -> np.ndarray:
    """``n`` even points on ``[low, high]`` with the one nearest ``value`` set to it exactly."""
    if high <= low:
        return np.array([float(value)])
    g = np.linspace(low, high, n)
    k = int(np.argmin(np.abs(g - value)))
    if abs(g[k] - value) <= 1e-6 * (high - low):
        g[k] = value
    else:
        g = np.sort(np.append(g, value))
    return g


def _hold(r: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """``r`` with its non-closing points replaced by the nearest closing one below (first one above).

    Every value comes from a closing point: no NaN or inf reaches the Monte Carlo.
    """
    if not np.any(ok):
        return np.ones_like(r)
    idx = np.maximum.accumulate(np.where(ok, np.arange(r.size), 0))
    out = np.where(ok, r, r[idx])
    first = int(np.argmax(ok))
    out[:first] = out[first]
    return out
