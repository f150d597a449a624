"""Energy curves of one host SerDes end, family by family, for the study's Monte Carlo.

The energy model prices a retimed link with the cheaper (on TX + RX) of the families that close
it (:func:`sikernel.power.architecture.choose`: analog or ADC-DSP receiver).  An end's energy over
the Monte Carlo's inputs (a loss shift ΔL of its channel, t_FO4, the crosstalk amplitude scale s)
is therefore smooth within a family and steps where the cheaper family stops closing.  A table of
the chosen energy, interpolated in ΔL and s and multiplied across them (the study before
December 2026), smears that step over the grid and prices the wrong family on one side of it:
0.47-2.06x the direct price at the 102.4T linear host end, which sits at the analog / DSP
boundary (docs/energy-model.md 6.5).

So each family is tabulated on its own, and the choice is made per draw, as the energy model
makes it:

* ``E_f(ΔL, t, s) = E_f · R_f(t, ΔL) · X_f(s)`` for the priced scope and, where that is one
  half of the link, for TX + RX (what the choice compares).  ``E_f`` is the family over the
  end's own channel at the point values; ``R_f`` its t_FO4 axis over that channel times the
  loss shape of the energy model's tabulated path (:func:`sikernel.power.energy_per_bit_batch`,
  ``architecture=f``) at each t_FO4; ``X_f`` its crosstalk axis over the channel.  Within one
  family these are smooth, and the product is the former separable approximation;
* whether family f closes: ``ΔL ≤ λ_f(s)``, its largest closing flat-loss shift over the end's
  own channel at each grid crosstalk scale (bisected over the shifts the ranges allow,
  bracketed to :data:`LIMIT_BRACKET_DB`), linear in s between grid points;
* the draw's price: the closing family of least TX + RX energy; where none closes, the one
  whose limit is largest (held: the count of such draws is reported, their energy is a lower
  bound).

Families that do not close at the point values are left out (an analog receiver that would
close only at lower loss is not priced; the default study has none, every host end is analog at
its point).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import SIKernelError

#: loss shifts (dB) at which the energy ratio curves are tabulated for the Monte Carlo
RATIO_GRID_DB = np.arange(-6.0, 14.0001, 0.25)
#: points of the t_FO4 axis of the ratio tables (over the assumption's documented range): within one
#: family the energy is smooth in t_FO4 (21 points when the chosen family's table was interpolated)
FO4_GRID_POINTS = 11
#: points of the crosstalk-scale axis of the energies (over the assumption's documented range; each
#: one run of the SI chain over the end's channel): within a family the energy is smooth in it
XT_GRID_POINTS = 3
#: points of the crosstalk-scale axis of the closing limits (same range), bisected only where a
#: family's limit lies inside the ranges: the limit falls ~7 dB per unit of scale at the 102.4T
#: linear end, and on 3 points its linear interpolation misplaced draws near it (0.52x, 5 Dec 2026)
LIMIT_XT_POINTS = 5
#: width (dB) to which a family's closing limit is bracketed; the limit is the bracket's middle
LIMIT_BRACKET_DB = 0.5


@dataclass(frozen=True)
class FamilyCurves:
    """One receiver family of one end: energy curves and where it closes.

    Attributes
    ----------
    family : str
        "analog" or "dsp".
    pj_per_bit, select_pj_per_bit : float
        Energy of the priced scope, and of TX + RX (what the choice compares), over the end's
        own channel at the point values (pJ per line bit).
    ratio, select_ratio : ndarray
        ``R_f(t_FO4, ΔL)`` of each (shape ``fo4_s × ratio_db``; held where the tabulated path
        does not close).
    xt_ratio, select_xt_ratio : ndarray
        ``X_f(s)`` of each on ``xt_scale`` (held where it does not close).
    loss_limit_db : ndarray
        Largest flat-loss shift (dB) at which the family closes the end's channel, per
        ``limit_scale``; the ranges' largest shift where it closes over all of them, below the
        smallest where it closes over none.
    """

    family: str
    pj_per_bit: float
    select_pj_per_bit: float
    ratio: np.ndarray
    select_ratio: np.ndarray
    xt_ratio: np.ndarray
    select_xt_ratio: np.ndarray
    loss_limit_db: np.ndarray


@dataclass(frozen=True)
class EndCurves:
    """Per-family curves of a host end on shared axes (:func:`build`).

    Attributes
    ----------
    fo4_s : ndarray
        t_FO4 axis (s, 7 nm).
    ratio_db : ndarray
        Loss-shift axis (dB), :data:`RATIO_GRID_DB`.
    xt_scale : ndarray
        Crosstalk-scale axis of the energies (one point where the link has no crosstalk or its
        range is collapsed).
    limit_scale : ndarray
        Crosstalk-scale axis of the closing limits (:data:`LIMIT_XT_POINTS`; one point as above).
    families : tuple of FamilyCurves
        The families that close the end at the point values.
    """

    fo4_s: np.ndarray
    ratio_db: np.ndarray
    xt_scale: np.ndarray
    limit_scale: np.ndarray
    families: tuple[FamilyCurves, ...]

    def price(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any) -> tuple[np.ndarray, np.ndarray]:
        """Energy of the priced scope per draw, and whether some family closes there.

        Parameters
        ----------
        t_fo4_s, shift_db, crosstalk_scale : float or ndarray
            The draw's t_FO4 (s), loss shift of the end's channel (dB) and crosstalk scale
            (broadcast together).

        Returns
        -------
        pj_per_bit : ndarray
            The closing family of least TX + RX energy; where none closes, the family whose
            closing limit is largest (held, a lower bound).
        closes : ndarray of bool
        """
        pj, closes, _ = self._evaluate(t_fo4_s, shift_db, crosstalk_scale)
        return pj, closes

    def family(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any) -> np.ndarray:
        """The receiver family :meth:`price` takes per draw ("" where none closes).

        Parameters
        ----------
        t_fo4_s, shift_db, crosstalk_scale : float or ndarray
            As :meth:`price`.

        Returns
        -------
        ndarray of str
        """
        _, closes, k = self._evaluate(t_fo4_s, shift_db, crosstalk_scale)
        names = np.array([fc.family for fc in self.families] + [""])
        return names[np.where(closes, k, len(self.families))]

    def _evaluate(self, t_fo4_s: Any, shift_db: Any, crosstalk_scale: Any
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`price`'s energies and closure, and the index of the family taken."""
        t = np.asarray(t_fo4_s, dtype=float)
        d = np.asarray(shift_db, dtype=float)
        x = np.asarray(crosstalk_scale, dtype=float)
        shape = np.broadcast_shapes(t.shape, d.shape, x.shape)
        best_sel = np.full(shape, np.inf)
        val = np.full(shape, np.nan)
        held = np.full(shape, np.nan)
        best_lim = np.full(shape, -np.inf)
        k = np.zeros(shape, dtype=int)
        for i, fc in enumerate(self.families):
            lim = (np.interp(x, self.limit_scale, fc.loss_limit_db) if self.limit_scale.size > 1
                   else fc.loss_limit_db[0])
            e = (fc.pj_per_bit * _bilinear(self.fo4_s, self.ratio_db, fc.ratio, t, d)
                 * self._on_xt(x, fc.xt_ratio))
            s = (fc.select_pj_per_bit * _bilinear(self.fo4_s, self.ratio_db, fc.select_ratio, t, d)
                 * self._on_xt(x, fc.select_xt_ratio))
            take = (d <= lim) & (s < best_sel)
            val = np.where(take, e, val)
            best_sel = np.where(take, s, best_sel)
            k = np.where(take, i, k)
            wider = lim > best_lim
            held = np.where(wider, e, held)
            best_lim = np.where(wider, lim, best_lim)
        closes = np.isfinite(best_sel)
        return np.where(closes, val, held), closes, k

    def _on_xt(self, x: np.ndarray, y: np.ndarray) -> Any:
        """``y`` on the crosstalk axis at ``x`` (linear, clamped; the value where the axis is one point)."""
        return np.interp(x, self.xt_scale, y) if self.xt_scale.size > 1 else y[0]


def build(ch: Any, *, baud: float, node_nm: float, exclude: tuple[str, ...], target_ber: float, scope: str,
          channel_kind: str, crosstalk: Any, il_nyquist_db: float, t_fo4: Any, crosstalk_scale: Any,
          shift_range_db: tuple[float, float]) -> EndCurves:
    """Tabulate one host end's families over its channel (module docstring).

    Parameters
    ----------
    ch : Channel
        The end's channel at the point values.
    baud, node_nm, exclude, target_ber, scope, channel_kind, crosstalk
        As the end is priced (:func:`sikernel.power.energy_per_bit`; ``channel_kind`` for the
        tabulated loss shape).
    il_nyquist_db : float
        Loss of ``ch`` at ``baud/2`` (dB), where the tabulated loss shape is anchored.
    t_fo4, crosstalk_scale : Assumption
        The t_FO4 and crosstalk-scale assumptions (low, value, high).
    shift_range_db : (float, float)
        Smallest and largest loss shift of the end's channel the ranges allow (dB).

    Returns
    -------
    EndCurves

    Raises
    ------
    SIKernelError
        No family closes the end at the point values.
    """
    from ..power.architecture import AUTO_FAMILIES
    from ..power.coefficients import DEFAULT_COEFFICIENTS
    from ..power.crosstalk import resolve

    fams = [f for f in AUTO_FAMILIES if f not in exclude]
    scopes = tuple(dict.fromkeys((scope, "txrx")))
    fo4 = _grid_with(t_fo4.low, t_fo4.high, FO4_GRID_POINTS, t_fo4.value)
    i0 = int(np.argmin(np.abs(fo4 - t_fo4.value)))
    cos = [dataclasses.replace(DEFAULT_COEFFICIENTS, t_fo4_s=float(t)) for t in fo4]
    xt0 = resolve(crosstalk)
    a = crosstalk_scale
    xs = (np.array([a.value]) if xt0 is None or a.high <= a.low
          else _grid_with(a.low, a.high, XT_GRID_POINTS, a.value))
    j0 = int(np.argmin(np.abs(xs - a.value)))
    xl = xs if xs.size == 1 else _grid_with(a.low, a.high, LIMIT_XT_POINTS, a.value)

    def xt_at(sc: float) -> Any:
        return None if xt0 is None else dataclasses.replace(xt0, scale=xt0.scale * float(sc))

    common = dict(baud=baud, node_nm=node_nm, target_ber=target_ber, families=fams, scopes=scopes)
    at_l0 = _family_energies(ch, crosstalk=xt_at(xs[j0]), coefficient_sets=cos, **common)
    on_xt = {(f, sc): np.full(xs.size, np.nan) for f in fams for sc in scopes}
    for j, sc_x in enumerate(xs):
        got = ({k: v[[i0]] for k, v in at_l0.items()} if j == j0 else
               _family_energies(ch, crosstalk=xt_at(sc_x), coefficient_sets=[cos[i0]], **common))
        for k, v in got.items():
            on_xt[k][j] = v[0]
    point_fams = [f for f in fams if math.isfinite(at_l0[(f, "txrx")][i0])]
    if not point_fams:
        raise SIKernelError(f"no receiver family ({', '.join(fams)}) closes this host end at the point "
                            "values")
    lo, hi = shift_range_db
    known = {(0.0, float(sc)): {f for f in fams if math.isfinite(on_xt[(f, "txrx")][j])}
             for j, sc in enumerate(xs)}
    limits = _loss_limits(point_fams, xl, lo, hi, known,
                          lambda shift, sc: _closing(_flat_loss(ch, shift), xt_at(sc), cos[i0], **common))
    out = []
    for f in point_fams:
        tabs = {sc: _ratio_table(at_l0[(f, sc)], i0, fo4, cos, f, sc, baud=baud, node_nm=node_nm,
                                 target_ber=target_ber, channel_kind=channel_kind, crosstalk=xt_at(xs[j0]),
                                 l0_db=float(il_nyquist_db))
                for sc in scopes}
        xr = {sc: _held_ratio(on_xt[(f, sc)], j0) for sc in scopes}
        out.append(FamilyCurves(f, float(at_l0[(f, scope)][i0]), float(at_l0[(f, "txrx")][i0]),
                                tabs[scope], tabs["txrx"], xr[scope], xr["txrx"], limits[f]))
    return EndCurves(fo4, RATIO_GRID_DB.copy(), xs, xl, tuple(out))


def _family_energies(ch: Any, *, baud: float, node_nm: float, target_ber: float, families: list[str],
                     scopes: tuple[str, ...], crosstalk: Any, coefficient_sets: list[Any]
                     ) -> dict[tuple[str, str], np.ndarray]:
    """``(family, scope) -> energy_per_bit(channel=ch, architecture=family, scope=scope,
    coefficients=c).total_pj_per_bit`` for each ``c`` (NaN where the family does not close).

    The channel's SI operating table does not depend on the family, scope or coefficients: it
    is computed once (the path :func:`sikernel.power.energy_per_bit` takes with ``channel=``).
    """
    from ..power import api

    fb, mod, levels, tech, _, ber, _, clk, txk, _ = api._check_common(
        baud, "pam4", node_nm, "auto", target_ber, "txrx", "cdr", "ffe", "host")
    op_all, il = api.channel_op_table(ch, fb, levels, crosstalk=crosstalk)
    out = {}
    for f in families:
        op = api.candidates(op_all, (), f)
        for sc in scopes:
            v = np.full(len(coefficient_sets), np.nan)
            for k, co in enumerate(coefficient_sets):
                try:
                    v[k] = api.breakdown(op, levels=levels, baud=fb, modulation=mod, tech=tech, co=co,
                                         architecture=f, target_ber=ber, scope=sc, il_db=il,
                                         si_path="channel", clocking=clk, tx_kind=txk).total_pj_per_bit
                except SIKernelError:
                    pass
            out[(f, sc)] = v
    return out


def _closing(ch: Any, crosstalk: Any, co: Any, **common: Any) -> set[str]:
    """The families that close ``ch`` with ``crosstalk`` (one SI operating table)."""
    e = _family_energies(ch, crosstalk=crosstalk, coefficient_sets=[co],
                         **{**common, "scopes": ("txrx",)})
    return {f for (f, _), v in e.items() if math.isfinite(v[0])}


def _loss_limits(fams: list[str], xs: np.ndarray, lo: float, hi: float,
                 known: dict[tuple[float, float], set[str]], closing: Any) -> dict[str, np.ndarray]:
    """Each family's largest closing shift on ``[lo, hi]`` per crosstalk scale ``xs`` (bisection).

    ``closing(shift, scale)`` is the set of families that close there (one SI operating table),
    ``known`` such sets already computed.  The bisection runs on ``[0, hi]`` or ``[lo, 0]``, so
    the limit (the middle of a bracket of :data:`LIMIT_BRACKET_DB`) is ≥ 0 exactly where the
    family closes at the point loss.  Closing is taken as monotone in the shift and in the
    crosstalk scale: a family that closes at ``hi`` with the largest scale closes wherever the
    ranges reach, and a shift that fails at one scale fails at every larger one (the next
    bracket's top).  "Closes everywhere" is ``max(hi, 0)``,
    "nowhere" ``min(lo, 0) - 1``.
    """
    cache = dict(known)

    def closes(f: str, shift: float, sc: float) -> bool:
        key = (round(float(shift), 9), float(sc))
        if key not in cache:
            cache[key] = closing(shift, sc)
        return f in cache[key]

    out = {}
    for f in fams:
        lim = np.empty(xs.size)
        everywhere = hi <= 0 or closes(f, hi, float(xs[-1]))
        fails_above = hi   # a shift that does not close at the previous (smaller) scale, nor at this one
        for j, sc in enumerate(xs):
            sc = float(sc)
            if everywhere:
                lim[j] = max(hi, 0.0)
                continue
            if closes(f, 0.0, sc):
                if fails_above >= hi and closes(f, hi, sc):
                    lim[j] = hi
                    continue
                a, b = 0.0, fails_above
            else:
                if lo >= 0 or not closes(f, lo, sc):
                    lim[j] = min(lo, 0.0) - 1.0
                    continue
                a, b = lo, 0.0
            while b - a > LIMIT_BRACKET_DB:
                m = 0.5 * (a + b)
                a, b = (m, b) if closes(f, m, sc) else (a, m)
            lim[j] = 0.5 * (a + b)
            fails_above = b
        out[f] = lim
    return out


def _ratio_table(at_l0: np.ndarray, i0: int, fo4: np.ndarray, cos: list[Any], family: str, scope: str, *,
                 baud: float, node_nm: float, target_ber: float, channel_kind: str, crosstalk: Any,
                 l0_db: float) -> np.ndarray:
    """``R_f(t_FO4, ΔL)``: the family's t_FO4 axis over the channel times its tabulated loss shape.

    Row k is ``E_f(ch; t_k) / E_f(ch; t_0)`` times ``E_f(L0 + ΔL; t_k) / E_f(L0; t_k)`` of the
    tabulated path; beyond its last closing loss a row holds its last closing value; a row whose
    tabulated path does not close at ``L0`` takes the point row's loss shape.
    """
    from ..power import energy_per_bit_batch

    c = _hold(at_l0 / at_l0[i0], np.isfinite(at_l0) & (at_l0 > 0))
    loss = np.clip(l0_db + RATIO_GRID_DB, 0.0, None)
    shape = np.full((fo4.size, loss.size), np.nan)
    for k, co in enumerate(cos):
        tab = np.asarray(energy_per_bit_batch(
            loss, baud=baud, node_nm=node_nm, architecture=family, target_ber=target_ber, scope=scope,
            channel_kind=channel_kind, crosstalk=crosstalk, coefficients=co,
            warn_if_none_closes=False).total_pj_per_bit, dtype=float)
        ok = np.isfinite(tab) & (tab > 0)
        ref = float(np.interp(l0_db, loss[ok], tab[ok])) if np.any(ok) else float("nan")
        if math.isfinite(ref) and ref > 0:
            shape[k] = _hold(tab / ref, ok)
    base = shape[i0] if np.all(np.isfinite(shape[i0])) else np.ones(loss.size)
    for k in range(fo4.size):
        if not np.all(np.isfinite(shape[k])):
            shape[k] = base
    return c[:, None] * shape


def _held_ratio(e: np.ndarray, j0: int) -> np.ndarray:
    """``e / e[j0]`` with non-closing points held at the nearest closing one."""
    return _hold(e / e[j0], np.isfinite(e) & (e > 0))


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


def _bilinear(ys: np.ndarray, xs: np.ndarray, z: np.ndarray, y: Any, x: Any) -> Any:
    """``z(y, x)`` by linear interpolation on the grid ``ys × xs`` (clamped at its edges)."""
    rows = np.array([np.interp(x, xs, zr) for zr in z])
    if ys.size == 1:
        return rows[0]
    yc = np.clip(y, ys[0], ys[-1])
    k = np.clip(np.searchsorted(ys, yc, side="right") - 1, 0, ys.size - 2)
    w = (yc - ys[k]) / (ys[k + 1] - ys[k])
    if rows.ndim == 1:
        return (1.0 - w) * rows[k] + w * rows[k + 1]
    b = np.broadcast_shapes(rows.shape[1:], np.shape(k))
    rows = np.broadcast_to(rows, (ys.size, *b))
    k_b = np.broadcast_to(k, b)
    w_b = np.broadcast_to(w, b)
    lo = np.take_along_axis(rows, k_b[None], axis=0)[0]
    hi = np.take_along_axis(rows, (k_b + 1)[None], axis=0)[0]
    return (1.0 - w_b) * lo + w_b * hi
