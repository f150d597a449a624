"""Length scaling from two measurements of one construction ("delta-L").

Two methods (``scale_length(..., method=)``): ``"abcd"``, exact for one uniform
line between fixed parts, derived below; and ``"delta-l"`` (default), the
matched-line approximation of the Delta-L methodology, robust on measured data
(see :func:`scale_length`).

Two channels built the same way except for the length of one uniform line,

    T_a = F1 . L(l_a) . F2,        T_b = F1 . L(l_b) . F2,

(ABCD chain matrices; ``F1``, ``F2`` the unknown fixed parts: vias, connectors,
breakouts; ``L(l)`` the line) give the channel at any other length ``l`` exactly,
without knowing ``F1``, ``F2`` or the line's impedance.

Derivation.  A uniform line of characteristic impedance ``Zc`` and propagation
constant ``gamma`` has ``L(l) = V diag(e^{gamma l}, e^{-gamma l}) V^-1`` with
``V = [[Zc, Zc], [1, -1]]`` independent of ``l``, so line sections commute and
``L(x) L(y) = L(x + y)``.  Hence

    M = T_b T_a^-1 = F1 L(d) F1^-1,            d = l_b - l_a,

is similar to the line of length ``d``: its eigenvalues are ``e^{+-gamma d}``
(so ``det M = 1`` and ``tr M = 2 cosh(gamma d)``).  For any length ``l``,

    T(l) = F1 L(l - l_a) L(l_a) F2 = [F1 L(l - l_a) F1^-1] T_a = M^p T_a,
    p = (l - l_a) / d,

and the matrix power of a 2x2 matrix with eigenvalues ``s e^{+-u}`` is, by the
Lagrange-Sylvester formula,

    M^p = s^(p-1) [sinh(p u) M + s sinh((1 - p) u) I] / sinh(u),   u = gamma d,

which needs neither the eigenvectors nor ``Zc`` and is smooth at ``u -> 0`` (DC,
where ``M`` is a Jordan block).  ``s = sqrt(det M)`` is 1 for reciprocal data and
absorbs measurement error otherwise.  The expression is even in ``u``, so only the
``2 pi`` branch of ``Im(u) = beta d`` matters: it is tracked continuously from
0 Hz upward (linear prediction from the two previous points, choosing among
``+-u + j 2 pi k``), which gives the true delay -- the phase of ``e^{-gamma l}``
is not wrapped, so interpolated and extrapolated channels have the right delay.

Conditioning.  Where the length difference is close to a multiple of half a
wavelength at low loss (``u`` near ``j pi k``, k != 0), ``e^{+u}`` and ``e^{-u}``
nearly coincide, and both ``u`` and the eigen-directions of ``M`` become
ill-conditioned (the classic TRL limitation on line-length bandwidth): the error of
``M`` is amplified by ``1/|sinh(u)|``.  There (``|sinh(u)| < 0.25``) ``u`` and the
direction matrix ``K = (M - cosh(u) I)/sinh(u)`` -- which for an ideal line is
``F1 [[0, Zc], [1/Zc, 0]] F1^-1``, independent of length and smooth in frequency --
are interpolated from the neighbouring well-conditioned points, and
``M^p = cosh(p u) I + sinh(p u) K``.

Assumptions: the two channels differ only by the length of one uniform line (same
cross-section, same ``Zc`` and ``gamma``) between fixed parts; the frequency step
resolves the phase of the length difference (``2 pi df tau_d < pi``).

Sources: the eigenvalue step is the line-line propagation-constant extraction of
TRL and multiline calibration (G. F. Engen and C. A. Hoer, "Thru-Reflect-Line: an
improved technique for calibrating the dual six-port automatic network analyzer",
IEEE Trans. MTT 27(12), 1979; R. B. Marks, "A multiline method of network
analyzer calibration", IEEE Trans. MTT 39(7), 1991); the use of two coupon lengths
to separate per-length loss from fixed parts is the PCB "Delta-L" methodology
(Intel).  Here the full chain matrix is kept, so mismatch between the line and
the fixtures is reproduced at every length, not only the loss per length.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate
from .._stacklevel import user_stacklevel
from ..errors import SIKernelError, SIKernelWarning
from .core import Channel
from .twoport import abcd_to_s, renormalize, s_to_abcd

_SMALL_U = 1e-6
#: largest singular value of a scaled channel's SDD above which it warns (when the measured pair stays
#: below it): 5 % (0.4 dB) of gain, above the ripple the delta-L approximation itself leaves on the
#: P802.3ck DPO 4 in / 12 in pair (at most 1.024 between them, where it keeps the nearer channel's
#: reflections with the scaled loss), far below the gain of a broken scaling ("abcd" on that pair: 2-3)
SCALED_GAIN_WARN = 1.05
#: band (Hz) over which the pair's loss difference decides which channel is the longer one, and the
#: median difference (dB) of the wrong sign above which the lengths are taken as swapped: the line's
#: loss grows with frequency, so a GHz band shows it clearly (the DPO pair: 8 in differ by ~4 dB at
#: 5 GHz); 0.1 dB keeps measurement ripple of nearly equal lengths from tripping it
SWAP_BAND_HZ = (1e9, 20e9)
SWAP_LOSS_DB = 0.1
#: points where |sinh(gamma d)| is below this (the length difference is near a
#: multiple of half a wavelength at low loss) are interpolated from their neighbours:
#: the error of M is amplified by 1 / |sinh(gamma d)| there (at most 4x elsewhere)
COND_SINH_MIN = 0.25
#: a wanted length further outside the measured pair than this many times their difference warns:
#: the per-length loss and the fixed parts' errors are carried that many times over
EXTRAPOLATION_SPANS_WARN = 1.0


@dataclass(frozen=True)
class LineDifference:
    """Propagation of the line that separates two channels (per metre).

    Attributes
    ----------
    f_hz : ndarray
        Frequencies, Hz.
    gamma_per_m : ndarray, complex
        ``alpha + j beta`` of the line: Np/m and rad/m (branch-tracked).
    loss_db_per_m : ndarray
        ``20 log10(e) alpha``: loss of the line in dB per metre.
    delay_s_per_m : ndarray
        Phase delay ``beta / (2 pi f)`` in s/m (NaN at 0 Hz).
    """

    f_hz: np.ndarray
    gamma_per_m: np.ndarray
    loss_db_per_m: np.ndarray
    delay_s_per_m: np.ndarray


def _inv2(t: np.ndarray) -> np.ndarray:
    det = t[:, 0, 0] * t[:, 1, 1] - t[:, 0, 1] * t[:, 1, 0]
    out = np.empty_like(t)
    out[:, 0, 0] = t[:, 1, 1] / det
    out[:, 0, 1] = -t[:, 0, 1] / det
    out[:, 1, 0] = -t[:, 1, 0] / det
    out[:, 1, 1] = t[:, 0, 0] / det
    return out


def _track_branch(f: np.ndarray, u0: np.ndarray, good: np.ndarray) -> np.ndarray:
    """Choose ``+-u0 + j 2 pi k`` at the ``good`` frequencies for continuity from ~0 at 0 Hz.

    The branch at each point is the candidate nearest a linear prediction from the
    two previous good points; the first one is taken nearest 0 (the line's phase
    vanishes at DC), scaled by frequency when the grid starts above DC.  Points
    that are not ``good`` are left to interpolation by the caller.
    """
    u = np.full_like(u0, np.nan)
    two_pi = 2.0 * np.pi
    prev: list[int] = []
    for i in np.nonzero(good)[0]:
        if not prev:
            pred = 0.0 + 0.0j
        elif len(prev) == 1:
            j = prev[0]
            pred = u[j] * (f[i] / f[j]) if f[j] > 0 else u[j]
        else:
            j, k = prev[-1], prev[-2]
            pred = u[j] + (u[j] - u[k]) * (f[i] - f[j]) / (f[j] - f[k])
        best = 0.0j
        best_d = np.inf
        for sgn in (1.0, -1.0):
            c = sgn * u0[i]
            n = np.round((pred.imag - c.imag) / two_pi)
            cand = c + 1j * two_pi * n
            d = abs(cand - pred)
            if d < best_d:
                best, best_d = cand, d
        if not prev and best.imag < 0:
            best = -best
        u[i] = best
        prev = [*prev[-1:], int(i)]
    return u


def _interp_complex(f: np.ndarray, good: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fill the points that are not ``good`` by linear interpolation in f (real and imag)."""
    out = y.copy()
    bad = ~good
    if bad.any():
        fg = f[good]
        for idx in np.ndindex(*y.shape[1:]):
            col = y[(slice(None), *idx)]
            yg = col[good]
            out[(bad, *idx)] = (np.interp(f[bad], fg, yg.real) + 1j * np.interp(f[bad], fg, yg.imag))
    return out


def _sinh_ratio(a: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``sinh(a u) / sinh(u)``, with its series where ``u`` is tiny (limit ``a``)."""
    small = np.abs(u) < _SMALL_U
    us = np.where(small, 1.0, u)
    out = np.sinh(a * us) / np.sinh(us)
    ser = a * (1.0 + (a * a - 1.0) * u * u / 6.0)
    return np.where(small, ser, out)


def _as_channels(channel_a: Any, channel_b: Any) -> tuple[Channel, Channel]:
    """The two inputs as Channels (Touchstone paths and skrf.Networks read by ``as_channel``)."""
    from .touchstone import as_channel

    return (as_channel(channel_a, "scale_length: channel_a"),
            as_channel(channel_b, "scale_length: channel_b"))


def _check_pair(channel_a: Channel, la: float, channel_b: Channel, lb: float) -> None:
    if la == lb:
        raise SIKernelError(f"scale_length: length_a={la!r} equals length_b={lb!r}; the two "
                            "channels must differ in length")
    if channel_a.f.shape != channel_b.f.shape or not np.allclose(channel_a.f, channel_b.f,
                                                                 rtol=1e-9, atol=0):
        raise SIKernelError(f"scale_length: channel_a ({channel_a.name!r}, {channel_a.n_freq} points) "
                            f"and channel_b ({channel_b.name!r}, {channel_b.n_freq} points) are on "
                            "different frequency grids; put them on one grid first")
    for nm, ch in (("channel_a", channel_a), ("channel_b", channel_b)):
        if np.any(np.abs(ch.sdd[:, 1, 0]) == 0.0) or np.any(np.abs(ch.sdd[:, 0, 1]) == 0.0):
            raise SIKernelError(f"scale_length: {nm} has a zero transmission (SDD21 or SDD12) at "
                                "some frequency; the length difference is undefined there")
    # fuzz 31 H4: the same data twice, or the lengths given in the wrong order, came back silently
    # (the input unchanged; a channel with gain, -3.3 dB of loss, from the DPO pair swapped)
    if np.array_equal(channel_a.sdd, channel_b.sdd):
        raise SIKernelError("scale_length: channel_a and channel_b hold the same data; give the two "
                            "measurements of different lengths")
    d_il = _median_loss_difference_db(channel_a, channel_b)
    if d_il * (lb - la) < 0 and abs(d_il) > SWAP_LOSS_DB:
        longer, shorter = ("channel_b", "channel_a") if lb > la else ("channel_a", "channel_b")
        raise SIKernelError(
            f"scale_length: the channel given as longer ({longer}, {max(la, lb):g} m) loses "
            f"{abs(d_il):.2f} dB less than {shorter} ({min(la, lb):g} m) (median over "
            f"{SWAP_BAND_HZ[0] / 1e9:g}-{SWAP_BAND_HZ[1] / 1e9:g} GHz); length_a and length_b look "
            "swapped (or the channels are): give each channel with its own length")


def _median_loss_difference_db(channel_a: Channel, channel_b: Channel) -> float:
    """Median of ``IL_b - IL_a`` (dB) over :data:`SWAP_BAND_HZ` (the grid's band when it lies elsewhere)."""
    f = channel_a.f
    sel = (f >= SWAP_BAND_HZ[0]) & (f <= SWAP_BAND_HZ[1])
    if sel.sum() < 2:
        sel = f > 0
    return float(np.median(channel_b.il_db()[sel] - channel_a.il_db()[sel]))


def _checked_pair(channel_a: Channel, length_a: Any, channel_b: Channel,
                  length_b: Any) -> tuple[float, float, float, np.ndarray]:
    """(length_a, length_b, z0, channel_b's SDD at channel_a's reference) after the pair's checks."""
    la = _validate.line_length_m("length_a", length_a)
    lb = _validate.line_length_m("length_b", length_b)
    _check_pair(channel_a, la, channel_b, lb)
    z0 = channel_a.z0_ohm
    sb = channel_b.sdd if channel_b.z0_ohm == z0 else renormalize(channel_b.sdd, channel_b.z0_ohm, z0)
    return la, lb, z0, sb


def _prepare(channel_a: Channel, length_a: Any, channel_b: Channel, length_b: Any):
    la, lb, z0, sb = _checked_pair(channel_a, length_a, channel_b, length_b)
    ta = s_to_abcd(channel_a.sdd, z0)
    tb = s_to_abcd(sb, z0)
    m = tb @ _inv2(ta)
    # det(ABCD) = S12/S21 exactly; forming it from the (huge, at high loss) entries
    # of M would cancel catastrophically
    sa, sbb = channel_a.sdd, sb
    det = (sbb[:, 0, 1] / sbb[:, 1, 0]) / (sa[:, 0, 1] / sa[:, 1, 0])
    s = np.sqrt(det)  # principal root: det = 1 for reciprocal data
    half_tr = 0.5 * (m[:, 0, 0] + m[:, 1, 1]) / s
    root = np.sqrt(half_tr * half_tr - 1.0)
    # the eigenvalue of larger modulus (no cancellation); u is defined up to sign
    lam = np.where(np.abs(half_tr + root) >= np.abs(half_tr - root), half_tr + root, half_tr - root)
    u0 = np.log(lam)
    f = channel_a.f
    # reliability: near u = j pi k (k != 0) the eigenvalues e^{+-u} nearly coincide and
    # both u and the eigen-directions of M are ill-conditioned (the TRL "line near a
    # multiple of 180 degrees" limit); near u = 0 (DC) the small-u limit is exact.
    good = (np.abs(np.sinh(u0)) >= COND_SINH_MIN) | (np.abs(u0) < 0.5)
    if good.sum() < 2:
        raise SIKernelError("scale_length: the two channels differ by a line whose phase is a "
                            "multiple of pi at almost every frequency; cannot separate it")
    u = _interp_complex(f, good, _track_branch(f, u0, good)[:, None])[:, 0]
    # direction matrix K = (M - cosh(u) I) / sinh(u) = F1 [[0, Zc], [1/Zc, 0]] F1^-1 for an
    # ideal line: it does not depend on length and is smooth in f, so it is
    # interpolated across the ill-conditioned points
    mn = m / s[:, None, None]
    k = np.full_like(m, np.nan)
    ok = good & (np.abs(u) >= 0.5)
    ch, sh = np.cosh(u[ok]), np.sinh(u[ok])
    k[ok] = mn[ok]
    k[ok, 0, 0] -= ch
    k[ok, 1, 1] -= ch
    k[ok] /= sh[:, None, None]
    return la, lb, z0, ta, mn, s, u, k, good


def line_difference(channel_a: Channel, length_a: float, channel_b: Channel,
                    length_b: float) -> LineDifference:
    """Propagation constant of the line by which two channels differ (delta-L extraction).

    ``gamma d`` comes from the eigenvalues ``e^{+-gamma d}`` of ``T_b T_a^-1``
    (see the module docstring), with ``d = length_b - length_a``.

    Parameters
    ----------
    channel_a, channel_b : Channel, Touchstone path or skrf.Network
        The same construction with the variable line ``length_a`` and ``length_b``
        metres long; same frequency grid (``channel_b`` is renormalised to
        ``channel_a``'s reference impedance when they differ).
    length_a, length_b : float
        Line lengths in metres (>= 0, different).

    Returns
    -------
    LineDifference
        ``gamma`` per metre, loss in dB/m and delay in s/m.
    """
    channel_a, channel_b = _as_channels(channel_a, channel_b)
    la, lb, _, _, _, _, u, _, _ = _prepare(channel_a, length_a, channel_b, length_b)
    g = u / (lb - la)
    if np.sum(g.imag) < 0:  # u is defined up to sign; the wave is delayed
        g = -g
    f = channel_a.f
    with np.errstate(divide="ignore", invalid="ignore"):
        delay = np.where(f > 0, g.imag / (2.0 * np.pi * np.where(f > 0, f, 1.0)), np.nan)
    return LineDifference(f.copy(), g, 20.0 * np.log10(np.e) * g.real, delay)


def _scale_abcd(channel_a: Channel, length_a: float, channel_b: Channel, length_b: float,
                ln: float) -> tuple[np.ndarray, float]:
    """``T(l) = (T_b T_a^-1)^p T_a`` (module docstring); returns (sdd, z0)."""
    la, lb, z0, ta, mn, s, u, k, good = _prepare(channel_a, length_a, channel_b, length_b)
    p = (ln - la) / (lb - la)
    f = channel_a.f
    # M^p = s^p [cosh(p u) I + sinh(p u) K] with K = (M/s - cosh(u) I)/sinh(u)
    # direct formula wherever it does not amplify the error of M: well-conditioned
    # points, the small-u (DC) region, and points where |sinh(p u)| <= |sinh(u)|
    # (e.g. p = 0 or 1, the measured lengths, which then come back exactly)
    direct = good | (np.abs(u) < 0.5) | (np.abs(np.sinh(p * u)) <= np.abs(np.sinh(u)))
    mp = np.empty_like(mn)
    # well-conditioned points and the small-u (DC) region: Lagrange-Sylvester directly
    r1 = _sinh_ratio(p, u[direct])
    r0 = _sinh_ratio(1.0 - p, u[direct])
    mp[direct] = r1[:, None, None] * mn[direct]
    mp[direct, 0, 0] += r0
    mp[direct, 1, 1] += r0
    if not direct.all():
        kk = _interp_complex(f, ~np.isnan(k[:, 0, 0]), np.nan_to_num(k))
        bad = ~direct
        cp, sp = np.cosh(p * u[bad]), np.sinh(p * u[bad])
        mp[bad] = sp[:, None, None] * kk[bad]
        mp[bad, 0, 0] += cp
        mp[bad, 1, 1] += cp
    t = (s ** p)[:, None, None] * mp @ ta
    return abcd_to_s(t, z0), z0




def _scale_delta_l(channel_a: Channel, length_a: float, channel_b: Channel, length_b: float,
                   ln: float) -> tuple[np.ndarray, float]:
    """Matched-line ("Delta-L") scaling of the transmission terms; returns (sdd, z0).

    ``R = SDD21_b / SDD21_a = exp(-gamma d)`` (phase unwrapped from DC, so that it
    carries the delay of the length difference) scales the transmission of the
    measured channel nearer in length: ``SDD21(l) = SDD21_near R^((l - l_near)/d)``
    (``SDD12`` likewise); the reflections are those of the nearer channel.  The
    insertion loss is then linear in length at every frequency, exact at both
    measured lengths.
    """
    la, lb, z0, sb = _checked_pair(channel_a, length_a, channel_b, length_b)
    f = channel_a.f
    out = []
    for i, j in ((1, 0), (0, 1)):
        r = sb[:, i, j] / channel_a.sdd[:, i, j]
        ph = np.unwrap(np.angle(r))
        k = min(8, f.size)
        if f[0] > 0 and k >= 2:
            _slope, p0 = np.polyfit(f[:k], ph[:k], 1)
        else:
            p0 = ph[0]
        ph = ph - 2.0 * np.pi * np.round(p0 / (2.0 * np.pi))
        out.append(np.log(np.abs(r)) + 1j * ph)  # = -gamma d, continuous in f
    near_a = abs(ln - la) <= abs(ln - lb)
    base, l_near = (channel_a.sdd, la) if near_a else (sb, lb)
    q = (ln - l_near) / (lb - la)
    sdd = base.copy()
    sdd[:, 1, 0] = base[:, 1, 0] * np.exp(q * out[0])
    sdd[:, 0, 1] = base[:, 0, 1] * np.exp(q * out[1])
    return sdd, z0


_METHODS = ("delta-l", "abcd")


def _warn_far_extrapolation(length_a: Any, length_b: Any, ln: float) -> None:
    """Warn when ``ln`` lies further outside the measured pair than their difference."""
    la = _validate.line_length_m("length_a", length_a)
    lb = _validate.line_length_m("length_b", length_b)
    span = abs(lb - la)
    outside = max(min(la, lb) - ln, ln - max(la, lb), 0.0)
    if span > 0 and outside > EXTRAPOLATION_SPANS_WARN * span * (1.0 + 1e-9):
        warnings.warn(SIKernelWarning(
            f"scale_length: length={ln:g} m is {outside:g} m outside the measured lengths "
            f"[{min(la, lb):g}, {max(la, lb):g}] m, {outside / span:.1f} times their difference: the "
            "extrapolation multiplies any error of the measured difference (unequal fixed parts, "
            "noise) by as much; measure a pair that brackets or nears the wanted length"),
            stacklevel=user_stacklevel())


def _warn_not_passive(channel_a: Channel, channel_b: Channel, sdd: np.ndarray, method: str,
                      ln: float) -> None:
    """Warn when the scaled channel has gain (largest singular value of SDD over ``1 + tol``) though
    the measured pair has none beyond it: the pair breaks the method's assumption (new-user trial 31:
    ``"abcd"`` on the P802.3ck DPO 4 in / 12 in pair gave |SDD21| = 1.73 at 8 in and a COM 5 dB low,
    silently, because the library's own builders skip the constructor's passivity check)."""
    from ._passivity import PASSIVITY_TOL, passivity_excess

    ex = passivity_excess(channel_a.f, sdd, SCALED_GAIN_WARN - 1.0)
    if ex is None:
        return
    measured = (passivity_excess(c.f, c.sdd, PASSIVITY_TOL) for c in (channel_a, channel_b))
    worst_in = max((e[0] for e in measured if e is not None), default=1.0)
    if ex[0] <= worst_in * SCALED_GAIN_WARN:
        return  # within the tolerance of the measurements themselves (their own warning said so)
    sig, f_hz, n_bad = ex
    hint = ("the pair is not one uniform line between equal fixed parts, which the exact chain-matrix "
            "power assumes; method='delta-l' (the default) scales the loss and delay of the "
            "difference instead" if method == "abcd" else
            "the delta-L approximation puts the scaled loss of the measured difference on the nearer "
            "channel and keeps that channel's reflections, so ripple in the difference (or unequal fixed "
            "parts) becomes gain when scaled; measure a pair that brackets the wanted length")
    warnings.warn(SIKernelWarning(
        f"scale_length(method={method!r}) at {ln:g} m: the result is not passive: the largest singular "
        f"value of SDD is {sig:.4g} at {f_hz:.6g} Hz ({n_bad} frequencies over {SCALED_GAIN_WARN:g}; the "
        f"measured pair reaches {worst_in:.4g}); a channel with gain makes every eye and COM "
        f"optimistic or wrong; {hint}"), stacklevel=user_stacklevel())


def scale_length(channel_a: Channel, length_a: float, channel_b: Channel, length_b: float,
                 length: float, *, method: str = "delta-l") -> Channel:
    """Channel of the same construction at another line length, from two measured lengths.

    Parameters
    ----------
    channel_a, channel_b : Channel, Touchstone path or skrf.Network
        The same construction with the variable line ``length_a`` and ``length_b``
        metres long; same frequency grid (``channel_b`` is renormalised to
        ``channel_a``'s reference impedance when they differ).
    length_a, length_b : float
        Line lengths in metres (>= 0, different).  Only their ratios to ``length``
        matter (a convention that counts, say, one of two equal trace sections
        gives the same channels).
    length : float
        Wanted line length in metres (>= 0); interpolates between the two and
        extrapolates beyond them (a length further outside them than their difference,
        :data:`EXTRAPOLATION_SPANS_WARN`, warns).
    method : {"delta-l", "abcd"}
        ``"abcd"``: ``T(l) = (T_b T_a^-1)^p T_a``, ``p = (l - l_a)/(l_b - l_a)``, exact
        when one uniform line sits between fixed parts (module docstring): the
        mismatch ripple moves with length as it physically does.  Use it for
        simulated constructions or coupons that satisfy that assumption.
        ``"delta-l"`` (default): the matched-line approximation of the Delta-L
        methodology -- the loss and delay of the length difference, taken from
        ``SDD21_b / SDD21_a``, are scaled onto the nearer measured channel, so the
        loss is linear in length at every frequency.  Robust on measured data whose
        "line" is not one uniform section between fixed parts (the P802.3ck DPO
        channels have a trace on each daughtercard, with a connector between: the
        exact chain-matrix power is then not a line, and interpolated lengths
        show spurious notches).

    Returns
    -------
    Channel
        At the requested length; ``meta['scale_length']`` records the inputs.

    Raises
    ------
    SIKernelError
        Negative/NaN lengths, equal lengths, different grids, SDD21 = 0, unknown method; the same
        data given twice; the channel given as longer losing less (lengths swapped).

    Warns
    -----
    SIKernelWarning
        The result has gain (largest singular value of SDD over :data:`SCALED_GAIN_WARN` and above
        the measured pair's own by as much): the pair breaks the method's assumption (``"abcd"`` on
        the P802.3ck DPO pair reaches 3.3 between the two lengths); its COM and eyes then mean nothing.
    SIKernelWarning
        ``length`` further outside ``[length_a, length_b]`` than ``|length_b - length_a|``:
        any error of the measured difference (its fixed parts not quite equal, noise) is
        multiplied by the extrapolation.
    """
    m_name = _validate.one_of("method", method, _METHODS)
    ln = _validate.line_length_m("length", length)
    channel_a, channel_b = _as_channels(channel_a, channel_b)
    _warn_far_extrapolation(length_a, length_b, ln)
    if m_name == "abcd":
        sdd, z0 = _scale_abcd(channel_a, length_a, channel_b, length_b, ln)
    else:
        sdd, z0 = _scale_delta_l(channel_a, length_a, channel_b, length_b, ln)
    _warn_not_passive(channel_a, channel_b, sdd, m_name, ln)
    meta = {"scale_length": {"from": [channel_a.name, channel_b.name], "length_a_m": float(length_a),
                             "length_b_m": float(length_b), "length_m": ln, "method": m_name}}
    name = f"{channel_a.name or 'a'} scaled to {ln:g} m ({m_name})"
    return Channel._trusted(channel_a.f.copy(), sdd, z0, name, meta)


__all__ = ["LineDifference", "line_difference", "scale_length"]
