"""DC extrapolation: put a channel on a uniform grid that starts at 0 Hz.

Time-domain work (impulse and pulse responses, COM) needs ``H(f)`` on a uniform
grid ``0, df, 2 df, ...``; measured files often start above DC (the C2C channel of
IEEE P802.3ck starts at 10 MHz).  The DC point is not measured, so it is
*extrapolated* under two physical constraints:

1. **Hermitian symmetry.**  The impulse response of a real network is real, so
   ``S(-f) = conj(S(f))``: at 0 Hz every S-parameter is real, its magnitude is an
   *even* function of ``f`` and its (continuous) phase an *odd* one.
2. **Delay.**  A transmission term has a large, nearly linear phase (the
   propagation delay), so it is extrapolated in magnitude and unwrapped phase, not
   in real/imaginary parts (which oscillate at the rate of the delay).

Method, for each element of the 2x2 ``sdd`` matrix, using the ``n_fit`` lowest
grid points:

* transmission (``S21``, ``S12``): ``|S|`` is fitted by least squares with the even
  polynomial ``a0 + a2 f**2`` and ``|S(0)| = a0``; the unwrapped phase is fitted with
  a straight line ``p0 + p1 f`` (constant group delay), and its intercept ``p0`` is
  rounded to the nearest multiple of pi, so ``S(0) = +a0`` (phase -> 0, the usual
  case) or ``-a0`` (an inverting channel).  The continuous phase between 0 Hz and
  the first point is the straight line to the measured unwrapped phase.
* reflection (``S11``, ``S22``): the real part is fitted with the even polynomial
  ``a0 + a2 f**2`` (the real part of a reflection from reactive discontinuities
  grows as ``f**2``; a resistive one is flat) and the imaginary part, odd, is 0
  at DC.  Real/imaginary parts are used because
  a well-matched port has ``|S11|`` near 0 where the phase is meaningless.

All DC magnitudes are clipped to ``[0, 1]`` (a passive network).  The points
between 0 Hz and the first measured frequency (when the first point is more than
one step above DC) and any resampling onto a new step are linear interpolation
in (magnitude, unwrapped phase) for transmission terms and in (real, imaginary)
for reflections.

This follows the practice of IEEE Std 370-2020 for S-parameters that lack the DC
point before a time-domain transform (extrapolate the lowest points to a real
DC value) and of scikit-rf's ``Network.extrapolate_to_dc`` (interpolation of the
lowest points in magnitude and unwrapped phase), with the added constraint,
from Hermitian symmetry, that the DC value is real.  Reference for the symmetry:
A. V. Oppenheim and R. W. Schafer, *Discrete-Time Signal Processing*, 3rd ed.,
sec. 2.8 (Fourier transform of a real sequence is conjugate-symmetric).

Assumptions: the network has no resonance below the first measured point and
the grid step resolves the phase (``2 pi df tau < pi``); when the phase
intercept is far from a multiple of pi a :class:`SIKernelWarning` says so.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _validate
from ..errors import SIKernelError, SIKernelWarning
from .core import Channel

#: default number of low-frequency points used by the fits
N_FIT_DEFAULT = 8
#: relative tolerance for "the grid is uniform" and "the new grid hits old points"
_REL_GRID_TOL = 1e-6
#: warn when the phase intercept is more than this far (rad) from a multiple of pi
_PHASE_INTERCEPT_TOL_RAD = np.pi / 4


def _grid_step(f: np.ndarray) -> float | None:
    """The step of a uniform grid (``None`` when the grid is not uniform)."""
    if f.size < 2:
        return None
    d = np.diff(f)
    if np.max(np.abs(d - d[0])) <= _REL_GRID_TOL * d[0]:
        return float(d[0])
    return None


def _poly_fit_at_zero(f: np.ndarray, y: np.ndarray, *, even: bool = False) -> float:
    """Least-squares ``y ~ a0 + a1 f + a2 f**2`` (``even``: ``a0 + a2 f**2``); return ``a0``.

    A lower degree is used when there are too few points.
    """
    powers = [0, 2] if even else [0, 1, 2]
    powers = powers[:f.size]
    if len(powers) == 1:
        return float(y[0])
    x = f / f[-1]
    design = np.stack([x**k for k in powers], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(coef[0])


def _dc_transmission(f: np.ndarray, s: np.ndarray, label: str) -> tuple[complex, np.ndarray]:
    """DC value of a transmission term and its unwrapped phase referred to DC.

    Returns ``(s_dc, phase)`` where ``phase`` is the unwrapped phase on ``f`` shifted
    by a multiple of 2 pi so that the straight-line fit meets 0 or pi at DC.
    """
    mag = np.abs(s)
    ph = np.unwrap(np.angle(s))
    a0 = min(max(_poly_fit_at_zero(f, mag), 0.0), 1.0)
    if f.size >= 2:
        _slope, p0 = np.polyfit(f, ph, 1)
    else:
        p0 = float(ph[0])
    n_pi = int(np.round(p0 / np.pi))
    # the phase matters only when the DC value is not small next to the fitted points
    # (a coupling term S ~ j w k, e.g. crosstalk, has phase pi/2 and S(0) ~ 0)
    if abs(p0 - n_pi * np.pi) > _PHASE_INTERCEPT_TOL_RAD and a0 > 0.5 * float(np.mean(mag)):
        warnings.warn(f"extrapolate_dc: the low-frequency phase of {label} extrapolates to "
                      f"{p0:.3g} rad at 0 Hz, far from a multiple of pi; the DC point is "
                      "uncertain (resonance below the first point, or a grid too coarse "
                      "to resolve the delay)", SIKernelWarning, stacklevel=3)
    odd = n_pi % 2
    ph = ph - 2.0 * np.pi * ((n_pi - odd) // 2)
    return complex(-a0 if odd else a0), ph


def _dc_reflection(f: np.ndarray, s: np.ndarray) -> complex:
    """DC value of a reflection term: even fit of the real part, zero imaginary part."""
    re0 = _poly_fit_at_zero(f, s.real, even=True)
    return complex(min(max(re0, -1.0), 1.0))


def _interp_polar(fq: np.ndarray, f: np.ndarray, s: np.ndarray, phase: np.ndarray) -> np.ndarray:
    return np.interp(fq, f, np.abs(s)) * np.exp(1j * np.interp(fq, f, phase))


def _interp_cart(fq: np.ndarray, f: np.ndarray, s: np.ndarray) -> np.ndarray:
    return np.interp(fq, f, s.real) + 1j * np.interp(fq, f, s.imag)


#: most points of a grid extrapolate_dc builds (16 bytes each per S entry: 4 M points, 256 MB of SDD;
#: a 10 MHz step to 100 GHz is 10,001)
MAX_GRID_POINTS = 4_000_000


def extrapolate_dc(channel: Channel, df_hz: float | None = None, *,
                   n_fit: int = N_FIT_DEFAULT) -> Channel:
    """Return ``channel`` on a uniform grid ``0, df, 2 df, ...`` with a physical DC point.

    Parameters
    ----------
    channel : Channel, Touchstone path or skrf.Network
        (paths and Networks read by :func:`~sikernel.channel.touchstone.as_channel`)
        Any channel (its grid may start above DC and may be non-uniform).
    df_hz : float, optional
        Step of the output grid in Hz.  Default: the channel's own step when its
        grid is uniform, else its smallest step.  The output stops at the last
        multiple of ``df_hz`` not above the channel's highest frequency.
    n_fit : int
        Number of lowest frequency points used to extrapolate the DC value
        (default 8; at least 2 points are needed when the grid starts above DC).

    Returns
    -------
    Channel
        On the uniform grid from 0 Hz.  When the input grid is uniform with step
        ``df_hz`` and its points are multiples of it, the measured points are
        kept exactly and only the missing low points are added.  ``meta['dc']``
        records the method, the fit and the extrapolated DC values.

    Raises
    ------
    SIKernelError
        ``df_hz`` not positive or larger than the grid's span, or so small that the grid would
        exceed :data:`MAX_GRID_POINTS` (a GHz value typed as Hz); fewer than two points with a
        grid starting above DC; ``n_fit`` < 2.

    Notes
    -----
    Method and assumptions in the module docstring (Hermitian symmetry of the
    transfer function of a real network; IEEE Std 370-2020 practice).
    """
    if not isinstance(channel, Channel):
        from .touchstone import as_channel

        channel = as_channel(channel, "extrapolate_dc: channel")
    f = channel.f
    step = _grid_step(f)
    if df_hz is None:
        if f.size < 2:
            if f[0] == 0.0:
                return channel
            raise SIKernelError(f"extrapolate_dc: the channel has a single point at {f[0]:g} Hz; "
                                "at least two points are needed to extrapolate to DC")
        df = step if step is not None else float(np.min(np.diff(f)))
    else:
        df = _validate.positive("df_hz", df_hz)
    if df > f[-1]:
        raise SIKernelError(f"extrapolate_dc: df_hz={df:g} exceeds the highest frequency "
                            f"{f[-1]:g} Hz of the channel; choose a step <= {f[-1]:g} Hz")
    n_fit_i = int(n_fit)
    if n_fit_i != n_fit or n_fit_i < 2:
        raise SIKernelError(f"extrapolate_dc: n_fit={n_fit!r}; expected an integer >= 2")

    n_out = int(np.floor(f[-1] / df * (1.0 + 1e-12) + _REL_GRID_TOL)) + 1
    if n_out > MAX_GRID_POINTS:  # fuzz 31 H5: df_hz=0.01 (GHz typed) ended in a 43.7 TiB MemoryError
        hint = f"; {df_hz!r} Hz looks like GHz: use {df * 1e9:g}" if df < 1e3 else ""
        raise SIKernelError(f"extrapolate_dc: df_hz={df:g} Hz would put {n_out:,} points on 0 ... "
                            f"{f[-1]:g} Hz, more than {MAX_GRID_POINTS:,}; give a step in Hz (the "
                            f"IEEE COM sheets use 1e7){hint}")
    fu = np.arange(n_out, dtype=float) * df

    # fast path: already a uniform grid from DC with this step
    if f[0] == 0.0 and step is not None and f.size == n_out and \
            abs(step - df) <= _REL_GRID_TOL * df:
        return channel

    sdd = channel.sdd
    if f[0] == 0.0:
        fs, ss = f, sdd
        phases = {(i, j): np.unwrap(np.angle(sdd[:, i, j])) for i in range(2) for j in range(2)
                  if i != j}
        dc = sdd[0]
    else:
        if f.size < 2:
            raise SIKernelError(f"extrapolate_dc: the channel has a single point at {f[0]:g} Hz; "
                                "at least two points are needed to extrapolate to DC")
        k = min(n_fit_i, f.size)
        fl = f[:k]
        dc = np.empty((2, 2), dtype=np.complex128)
        phases = {}
        for i in range(2):
            for j in range(2):
                s = sdd[:, i, j]
                if i == j:
                    dc[i, j] = _dc_reflection(fl, s[:k])
                else:
                    dc[i, j], ph_low = _dc_transmission(fl, s[:k], f"SDD{i + 1}{j + 1}")
                    # the full unwrapped phase, referred to the same 2 pi branch
                    ph = np.unwrap(np.angle(s))
                    phases[(i, j)] = ph + (ph_low[0] - ph[0])
        fs = np.concatenate([[0.0], f])
        ss = np.concatenate([dc[None], sdd], axis=0)
        for (i, j), ph in phases.items():
            dc_ph = 0.0 if dc[i, j].real >= 0 else np.pi
            # pick the DC phase branch nearest the straight-line fit (0 or pi, not -pi)
            phases[(i, j)] = np.concatenate([[dc_ph], ph])

    # resample onto fu: measured points are picked exactly, the others interpolated
    idx = np.searchsorted(fs, fu - _REL_GRID_TOL * df)
    idx = np.minimum(idx, fs.size - 1)
    hit = np.abs(fs[idx] - fu) <= _REL_GRID_TOL * df
    out = np.empty((n_out, 2, 2), dtype=np.complex128)
    out[hit] = ss[idx[hit]]
    if not hit.all():
        fq = fu[~hit]
        for i in range(2):
            for j in range(2):
                if i == j:
                    out[~hit, i, j] = _interp_cart(fq, fs, ss[:, i, j])
                else:
                    out[~hit, i, j] = _interp_polar(fq, fs, ss[:, i, j], phases[(i, j)])
    out[0] = np.asarray(dc).real  # DC is real by Hermitian symmetry

    meta = dict(channel.meta)
    meta["dc"] = {
        "method": "LSQ fit a0+a1 f+a2 f^2 of |S| (transmission), a0+a2 f^2 of Re S (reflection); "
                  "linear unwrapped-phase fit rounded to k*pi at DC",
        "n_fit": n_fit_i,
        "df_hz": df,
        "first_measured_hz": float(f[0]),
        "s_dc": np.asarray(dc).real.tolist(),
    }
    return Channel._trusted(fu, out, channel.z0_ohm, channel.name, meta)


__all__ = ["extrapolate_dc"]
