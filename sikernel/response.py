"""Time-domain responses of a channel: impulse, step and pulse, and ISI cursors.

The pulse response is IEEE 802.3 eq. (93A-24)::

    p(t) = IFFT{ H(f) * T sinc(f T) }

the response to one rectangular symbol of width ``T = 1/baud`` and unit height.
Here the rectangle spans ``[0, T)`` (a delay of ``T/2`` relative to 93A-24's centred
pulse, i.e. an extra factor ``exp(-j pi f T)``), so a causal channel gives
``p(t) = 0`` for ``t < 0`` and ``p(t) = integral_{t-T}^{t} h(tau) dtau``.

Grid rules (see :func:`pulse_from_h`):

* ``H`` must be on a uniform grid starting at 0 Hz (a channel that starts above DC
  goes through :func:`sikernel.channel.dc.extrapolate_dc` first).  A Channel whose steps are
  within :data:`NEARLY_UNIFORM_RATIO` of their median (a point missing or added) is resampled
  onto its median step with a :class:`~sikernel.errors.SIKernelWarning`; any other non-uniform
  grid is refused;
* the grid must reach the Nyquist frequency ``baud/2`` of the symbol rate, else
  :class:`~sikernel.errors.SIKernelError`; a grid that ends below the signalling rate
  ``baud`` warns (above it the spectrum is taken as zero, a brick-wall edge that rings);
* the time step is ``dt = 1/(baud * samples_per_ui)``; the spectrum is zero-padded
  from the last grid point up to ``fs/2 = baud * samples_per_ui / 2`` (``H = 0``
  above the measured band) or cut there if the grid extends further;
* the record length is ``1/df`` (e.g. 100 ns for a 10 MHz step).  When
  ``fs/df`` is not an integer, ``H`` is resampled (linear in magnitude and
  unwrapped phase) onto the nearest step ``df' = fs/round(fs/df)``.

Causality: the energy of the pulse at negative times ``[-record/4, -T)`` divided by
its total energy is reported in ``PulseResponse.noncausal_energy_fraction``; above
``causality_threshold`` (default 1e-3) a :class:`~sikernel.errors.SIKernelWarning` is
issued (``causality="warn"``) or a :class:`~sikernel.errors.SIKernelError` raised
(``causality="raise"``).

Truncation: the record is cut to the window outside which the pulse energy
is below ``truncate_tol`` (default 1e-6) of the total (half of it on each side),
widened by one UI on each side.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike  # at run time: typing.get_type_hints resolves it (0.5 ms)

from . import _validate
from ._kernels import response as _k
from ._stacklevel import user_stacklevel
from .errors import SIKernelError, SIKernelWarning

#: modulation name -> number of levels L
MODULATIONS: dict[str, int] = {"nrz": 2, "pam3": 3, "pam4": 4, "pam6": 6, "pam8": 8}
#: default fraction of energy at negative times above which a response is called non-causal
CAUSALITY_THRESHOLD = 1e-3
#: default truncation criterion: residual energy outside the kept window
TRUNCATE_TOL = 1e-6
#: relative tolerance for "DC", "uniform" and "integer number of samples per record"
_GRID_RTOL = 1e-6
_PHASES = ("peak", "mm", "max_eye")


def levels(modulation: str) -> int:
    """Number of signal levels L of a modulation name (nrz, pam3, pam4, pam6, pam8).

    Parameters
    ----------
    modulation : str
        Modulation name, a key of :data:`MODULATIONS`.

    Returns
    -------
    int
        Number of levels L.
    """
    name = _validate.one_of("modulation", modulation, MODULATIONS)
    return MODULATIONS[name]


def modulation_name(n_levels: int) -> str:
    """Modulation name of a number of signal levels (the inverse of :func:`levels`).

    Parameters
    ----------
    n_levels : int
        Number of levels L: 2, 3, 4, 6 or 8.

    Returns
    -------
    str
        "nrz", "pam3", "pam4", "pam6" or "pam8".

    Raises
    ------
    SIKernelError
        ``n_levels`` is not one of the modulations' level counts.
    """
    for name, n in MODULATIONS.items():
        if n == n_levels:
            return name
    raise SIKernelError(f"n_levels={n_levels!r} is not a modulation's number of levels; accepted: "
                        f"{sorted(MODULATIONS.values())} ({', '.join(MODULATIONS)})")


def _check_samples_per_ui(samples_per_ui: object) -> int:
    if isinstance(samples_per_ui, bool) or not isinstance(samples_per_ui, int | np.integer) \
            or samples_per_ui < 1:
        raise SIKernelError(f"samples_per_ui={samples_per_ui!r} must be an integer >= 1")
    return int(samples_per_ui)


@dataclass(frozen=True)
class FftGrid:
    """The frequency/time grid used for one transform.

    Attributes
    ----------
    df_hz : float
        Frequency step of the transform (may differ slightly from the input step, see module doc).
    n_time : int
        Number of time samples in the record (record length ``n_time * dt_s = 1/df_hz``).
    n_neg : int
        Samples at negative time at the start of the record (``n_time // 4``).
    dt_s : float
        Time step ``1/(baud * samples_per_ui)``.
    """

    df_hz: float
    n_time: int
    n_neg: int
    dt_s: float

    @property
    def n_pos(self) -> int:
        """Number of one-sided frequency bins (0 ... fs/2)."""
        return self.n_time // 2 + 1

    @property
    def f_hz(self) -> np.ndarray:
        """One-sided frequency bins in Hz."""
        return np.arange(self.n_pos) * self.df_hz

    @property
    def t_s(self) -> np.ndarray:
        """Sample times in s of the default record, starting at ``-n_neg * dt_s``."""
        return (np.arange(self.n_time) - self.n_neg) * self.dt_s


#: longest time record (samples) of one transform: 2**27 float64 = 1 GiB per response, as
#: stat_eye's PMF limit; beyond it the request is refused before allocating (samples_per_ui=10**6
#: was a 40 GiB MemoryError)
MAX_TIME_SAMPLES = 2 ** 27


def fft_grid(f_hz: ArrayLike, baud: float, samples_per_ui: int) -> FftGrid:
    """Check a frequency grid for time-domain use and return the transform grid.

    Parameters
    ----------
    f_hz : array_like
        Uniform frequency grid in Hz, starting at 0 Hz and reaching at least ``baud/2``.
    baud : float
        Symbol rate in Bd.
    samples_per_ui : int
        Time samples per UI (>= 1).

    Returns
    -------
    FftGrid
        Transform step, record length and time step (see the module docstring).

    Raises
    ------
    SIKernelError
        grid not uniform, not starting at 0 Hz, not reaching ``baud/2``, or too short.
    """
    f = _validate.frequency_grid(f_hz, name="f_hz", uniform=True)
    fb = _validate.positive("baud", baud)
    m = _check_samples_per_ui(samples_per_ui)
    if f.size < 2:
        raise SIKernelError("f_hz needs at least 2 points for a time-domain transform")
    df = float(f[1] - f[0])
    if f[0] > _GRID_RTOL * df:
        raise SIKernelError(f"f_hz starts at {f[0]:g} Hz, not at DC; extrapolate first with "
                            "sikernel.channel.dc.extrapolate_dc (pulse_response does it for a Channel)")
    _validate.grid_not_ghz("f_hz", f)   # else the message below blamed the baud (fuzz 31 M3)
    if f[-1] < 0.5 * fb * (1.0 - _GRID_RTOL):
        raise SIKernelError(f"baud={fb:g} Bd has its Nyquist frequency {0.5 * fb:g} Hz above the "
                            f"last grid frequency {f[-1]:g} Hz; need baud <= {2 * f[-1]:g} Bd")
    fs = fb * m
    n_time = round(fs / df)
    if n_time < 4 * m:
        raise SIKernelError(f"frequency step {df:g} Hz gives a record of {1 / df:g} s, under 4 UI at "
                            f"baud={fb:g}; use a finer grid")
    if n_time > MAX_TIME_SAMPLES:
        raise SIKernelError(f"samples_per_ui={m} at baud={fb:g} Bd on a {df:g} Hz grid step needs a record "
                            f"of {n_time:.3g} samples ({n_time * 8 / 2**30:.1f} GiB per response; limit "
                            f"{MAX_TIME_SAMPLES:.3g}); use fewer samples per UI (8-64 are usual) or a "
                            "coarser frequency step")
    return FftGrid(df_hz=fs / n_time, n_time=int(n_time), n_neg=int(n_time) // 4, dt_s=1.0 / fs)


def _valid_bins(f: np.ndarray, grid: FftGrid) -> tuple[bool, int]:
    """Whether ``h`` on ``f`` must be resampled to the transform bins of ``grid`` (its step
    differs from the transform step), and the number of valid transform bins (those up to
    the last grid frequency and fs/2; the kernel zero-pads above them)."""
    df_in = float(f[1] - f[0])
    if abs(grid.df_hz - df_in) <= _GRID_RTOL * df_in:
        return False, min(grid.n_pos, f.size)
    return True, int(np.count_nonzero(grid.f_hz <= f[-1]))


def _on_fft_grid(h: np.ndarray, f: np.ndarray, grid: FftGrid) -> tuple[np.ndarray, int]:
    """``h`` (..., n) on the transform bins ``k * grid.df_hz`` and the number of valid bins
    (:func:`_valid_bins`).  The input is used as is when its step is the transform step,
    else resampled."""
    resample, n_fk = _valid_bins(f, grid)
    if not resample:
        return h, n_fk
    # resample in magnitude and unwrapped phase (a delay is a linear phase)
    rows = np.ascontiguousarray(h.reshape(-1, f.size), dtype=np.complex128)
    res = np.empty((rows.shape[0], n_fk), dtype=np.complex128)
    fa = np.ascontiguousarray(f, dtype=float)
    for i in range(rows.shape[0]):
        _k.resample_row(rows[i], fa, grid.df_hz, res[i])
    return res.reshape(*h.shape[:-1], n_fk), n_fk


#: batches up to this many rows are transformed by the serial kernel in a Python loop
_SERIAL_ROWS = 64


def _transform(h: ArrayLike, f_hz: ArrayLike, baud: float, samples_per_ui: int, kind: int,
               t_window_s: tuple[float, float] | None = None,
               ) -> tuple[np.ndarray, np.ndarray, FftGrid]:
    grid = fft_grid(f_hz, baud, samples_per_ui)
    f = np.asarray(f_hz, dtype=float)
    harr = np.asarray(h, dtype=np.complex128)
    if harr.ndim == 0 or harr.shape[-1] != f.size:
        raise SIKernelError(f"h has shape {harr.shape}; expected (..., {f.size}) to match f_hz")
    if not np.all(np.isfinite(harr)):
        raise SIKernelError("h contains NaN or inf values")
    if t_window_s is None:
        first, n_out = -grid.n_neg, grid.n_time
    else:
        try:
            t0, t1 = (float(x) for x in t_window_s)
        except (TypeError, ValueError):
            raise SIKernelError(f"t_window_s={t_window_s!r} must be (t_start_s, t_stop_s)") from None
        first = int(np.floor(t0 / grid.dt_s + 1e-9))
        n_out = int(np.ceil(t1 / grid.dt_s - 1e-9)) - first
        if not (np.isfinite(t0) and np.isfinite(t1)) or n_out < 1 or n_out > grid.n_time:
            raise SIKernelError(f"t_window_s={t_window_s!r} must be finite, t_start < t_stop, and "
                                f"no longer than the record 1/df = {grid.n_time * grid.dt_s:g} s")
    n_rows = int(np.prod(harr.shape[:-1], dtype=np.int64))
    out = np.empty((n_rows, n_out))
    _rows_to_time(harr, f, grid, baud, kind, first, out)
    t = (first + np.arange(n_out)) * grid.dt_s
    return t, out.reshape(*harr.shape[:-1], n_out), grid


def _rows_to_time(harr: np.ndarray, f: np.ndarray, grid: FftGrid, baud: float, kind: int, first: int,
                  out: np.ndarray) -> None:
    """The time response (``kind``) of every row of the checked, finite spectra ``harr``
    (..., n_freq) on ``f``, samples ``first .. first + n_out`` of ``grid``, written into the
    C-contiguous ``out`` (n_rows, n_out): the core of :func:`_transform`, also called by
    the COM's pulse stage with its own output array."""
    hp, n_valid = _on_fft_grid(harr, f, grid)
    flat = np.ascontiguousarray(hp.reshape(-1, hp.shape[-1]))
    t_ui = 1.0 / float(baud)
    if flat.shape[0] <= _SERIAL_ROWS:
        # a few rows (one channel, COM's thru + aggressors): the serial kernel row by row;
        # the parallel driver would add its compile time (~1.3 s with an empty Numba cache)
        # for little gain; same arithmetic per row, so the same values
        for i in range(flat.shape[0]):
            _k.spectrum_to_time(flat[i], n_valid, grid.df_hz, t_ui, kind, grid.n_time, first, out[i])
    else:
        _k.batch_spectrum_to_time(flat, n_valid, grid.df_hz, t_ui, kind, grid.n_time, first,
                                  out)


def pulse_from_h(h: ArrayLike, f_hz: ArrayLike, baud: float, samples_per_ui: int = 32, *,
                 t_window_s: tuple[float, float] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Pulse response of a transfer function, IEEE 802.3 eq. (93A-24), array level.

    Parameters
    ----------
    h : array_like, shape (..., n_freq)
        Complex voltage transfer function(s) on ``f_hz`` (leading batch axes are
        transformed in parallel, e.g. one row per CTLE setting).
    f_hz : array_like, shape (n_freq,)
        Uniform grid in Hz starting at 0 Hz and reaching at least ``baud/2``.
    baud : float
        Symbol rate in Bd; the rectangular symbol has width ``T = 1/baud`` and spans [0, T).
    samples_per_ui : int
        Time samples per UI; ``dt = 1/(baud * samples_per_ui)``.
    t_window_s : (float, float), optional
        Return only the samples with ``t_start <= t < t_stop`` (saves memory for large
        batches; the transform is the same).  Default: the whole record.

    Returns
    -------
    t_s : ndarray, shape (n_time,)
        Sample times in s; by default from ``-n_time/4 * dt`` (negative times hold any
        non-causal content and the circular wrap-around) to ``3 n_time/4 * dt``.
    v : ndarray, shape (..., n_time)
        Pulse response in V per V of symbol amplitude.

    Notes
    -----
    ``n_time = round(baud * samples_per_ui / df)`` (record length ``1/df``); ``H`` is
    zero-padded above the last grid frequency up to ``baud * samples_per_ui / 2`` (or
    cut there).  Times outside ``[-record/4, 3 record/4)`` in ``t_window_s`` alias
    (the record is periodic).
    """
    t, v, _ = _transform(h, f_hz, baud, samples_per_ui, _k.KIND_PULSE, t_window_s)
    return t, v


def impulse_from_h(h: ArrayLike, f_hz: ArrayLike, baud: float, samples_per_ui: int = 32, *,
                   t_window_s: tuple[float, float] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Impulse response samples (1/s) of ``h`` on the same grid as :func:`pulse_from_h`.

    Parameters
    ----------
    h : array_like, shape (..., n_freq)
        Complex voltage transfer function(s) on ``f_hz``.
    f_hz : array_like, shape (n_freq,)
        Uniform grid in Hz starting at 0 Hz and reaching at least ``baud/2``.
    baud : float
        Symbol rate in Bd (sets the record's UI and time step).
    samples_per_ui : int
        Time samples per UI; ``dt = 1/(baud * samples_per_ui)``.
    t_window_s : (float, float), optional
        Return only the samples with ``t_start <= t < t_stop`` (s).

    Returns
    -------
    t_s : ndarray, shape (n_time,)
        Sample times in s.
    v : ndarray, shape (..., n_time)
        Impulse response in 1/s.
    """
    t, v, _ = _transform(h, f_hz, baud, samples_per_ui, _k.KIND_IMPULSE, t_window_s)
    return t, v


@dataclass(frozen=True, eq=False)
class TimeResponse:
    """A sampled time response (impulse in 1/s, step in V/V, pulse in V/V).

    Attributes
    ----------
    t_s : ndarray
        Sample times in s (uniform, step ``1/(baud*samples_per_ui)``; t = 0 is the launch instant).
    v : ndarray
        Response samples.
    baud : float
        Symbol rate in Bd.
    samples_per_ui : int
        Samples per unit interval.
    modulation : str
        Modulation name (nrz, pam3, pam4, pam6, pam8).
    kind : str
        "impulse", "step" or "pulse".
    noncausal_energy_fraction : float
        Energy at t in [-record/4, -T) over total energy (see module doc).
    meta : dict
        The options used (filters, FFE, truncation, grid).
    """

    t_s: np.ndarray
    v: np.ndarray
    baud: float
    samples_per_ui: int
    modulation: str
    kind: str
    noncausal_energy_fraction: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def dt_s(self) -> float:
        """Time step in s."""
        return 1.0 / (self.baud * self.samples_per_ui)

    @property
    def ui_s(self) -> float:
        """Unit interval in s."""
        return 1.0 / self.baud

    @property
    def levels(self) -> int:
        """Number of signal levels L."""
        return MODULATIONS[self.modulation]


@dataclass(frozen=True, eq=False)
class PulseResponse(TimeResponse):
    """Pulse response (93A-24) with cursor extraction.

    Attributes
    ----------
    t_s : ndarray
        Sample times in s (uniform; t = 0 is the launch instant).
    v : ndarray
        Pulse response in V for a symbol of ``amplitude_v`` volts (V/V at the default 1 V).
    baud : float
        Symbol rate in Bd.
    samples_per_ui : int
        Samples per unit interval.
    modulation : str
        Modulation name (nrz, pam3, pam4, pam6, pam8).
    kind : str
        "pulse".
    noncausal_energy_fraction : float
        Energy at t in [-record/4, -T) over total energy (see module doc).
    meta : dict
        The options used (filters, FFE, truncation, grid).
    peak_index : int
        Index of the largest sample of ``v`` (the "peak" sampling phase).
    """

    peak_index: int = 0

    def sampling_index(self, phase: str | int = "peak") -> int:
        """Index into ``v`` of the main-cursor sampling instant t0.

        Parameters
        ----------
        phase : {"peak", "mm", "max_eye"} or int
            ``"peak"``: the maximum of the pulse.  ``"mm"``: the Mueller-Mueller
            criterion ``h(-1) = h(1)`` (K. H. Mueller and M. Mueller, "Timing recovery
            in digital synchronous data receivers", IEEE Trans. Commun. 24(5), 1976),
            the zero crossing of ``p(t-T) - p(t+T)`` within one UI of the peak that is
            nearest to it, falling back to the smallest ``|p(t-T) - p(t+T)|`` in that
            window; the 802.3ck COM uses an MM-type criterion (its DFE-adjusted variant
            belongs to the COM code).  ``"max_eye"``: the phase within +-UI/2 of the peak that
            maximises the peak-distortion eye ``h0 - (L-1) * sum_{k!=0} |h_k|`` over all
            cursors in the record.  An int is taken as the index itself.
        """
        m = self.samples_per_ui
        n = self.v.size
        if isinstance(phase, int | np.integer) and not isinstance(phase, bool):
            if not 0 <= phase < n:
                raise SIKernelError(f"phase index {phase!r} outside the record [0, {n - 1}]")
            return int(phase)
        name = _validate.one_of("phase", phase, _PHASES)
        p = self.peak_index
        if name == "peak":
            return p
        if name == "mm":
            lo, hi = max(p - m, m), min(p + m, n - m - 1)
            if hi < lo:
                return p
            idx = np.arange(lo, hi + 1)
            d = self.v[idx - m] - self.v[idx + m]
            best = idx[int(np.argmin(np.abs(d)))]
            sign_change = np.nonzero(np.signbit(d[:-1]) != np.signbit(d[1:]))[0]
            if sign_change.size:
                cand = []
                for s in sign_change:
                    i0 = s if abs(d[s]) <= abs(d[s + 1]) else s + 1
                    cand.append(idx[i0])
                cand = np.asarray(cand)
                best = cand[int(np.argmin(np.abs(cand - p)))]
            return int(best)
        # max_eye
        lo, hi = max(p - m // 2, 0), min(p + (m + 1) // 2, n)
        best, best_eye = p, -np.inf
        for i in range(lo, hi):
            k = np.arange(i % m, n, m)
            h = self.v[k]
            h0 = self.v[i]
            eye = h0 - (self.levels - 1) * (np.abs(h).sum() - abs(h0))
            if eye > best_eye:
                best, best_eye = i, eye
        return int(best)

    def cursors(self, n_pre: int = 0, n_post: int = 0, phase: str | int = "peak") -> np.ndarray:
        """ISI cursors ``h_k = p(t0 + k T)`` for ``k = -n_pre ... n_post``.

        Parameters
        ----------
        n_pre, n_post : int
            Number of pre- and post-cursors (>= 0).
        phase : str or int
            Sampling phase, see :meth:`sampling_index`.

        Returns
        -------
        ndarray, shape (n_pre + 1 + n_post,)
            The cursors in volts per volt; the main cursor is at index ``n_pre``.
            Cursors beyond the stored record are 0 (the record holds all but
            ``truncate_tol`` of the pulse energy).
        """
        for label, val in (("n_pre", n_pre), ("n_post", n_post)):
            if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
                raise SIKernelError(f"{label}={val!r} must be an integer >= 0")
        i0 = self.sampling_index(phase)
        k = i0 + (np.arange(-n_pre, n_post + 1)) * self.samples_per_ui
        out = np.zeros(k.size)
        ok = (k >= 0) & (k < self.v.size)
        out[ok] = self.v[k[ok]]
        return out

    def all_cursors(self, phase: str | int = "peak") -> tuple[np.ndarray, int]:
        """Every UI-spaced sample of the record at the phase: (cursors, index of the main one)."""
        i0 = self.sampling_index(phase)
        m = self.samples_per_ui
        return self.v[i0 % m:: m].copy(), i0 // m


#: a Channel whose steps lie within this factor of their median is a uniform grid with points
#: missing or added (a missing point doubles one step), resampled with a warning; any other
#: non-uniform grid (a log sweep) is refused
NEARLY_UNIFORM_RATIO = 2.5


def _on_uniform_grid(ch: Any) -> Any:
    """A Channel with nearly uniform frequency steps (a missing or extra point in a measured file:
    every step within :data:`NEARLY_UNIFORM_RATIO` of the median) on a uniform grid of its median
    step from its first frequency, linearly interpolated (:func:`sikernel.channel.lumped.on_grid`),
    with a warning; other grids are refused with the remedy."""
    from .channel.lumped import on_grid

    d = np.diff(ch.f)
    step = float(np.median(d))
    if d.max() > NEARLY_UNIFORM_RATIO * step or d.min() < step / NEARLY_UNIFORM_RATIO:
        raise SIKernelError(f"{ch.name or 'channel'} has frequency steps from {d.min():g} to "
                            f"{d.max():g} Hz, not a uniform grid with a point missing or added: a "
                            "time-domain transform needs a uniform grid; resample it first, e.g. "
                            "sikernel.channel.lumped.on_grid(channel, np.arange(f0, f1, df)) with a "
                            "step fine enough for the channel (10 MHz for the IEEE channels)")
    n = int(np.floor((ch.f[-1] - ch.f[0]) / step * (1.0 + 1e-12))) + 1
    grid = ch.f[0] + step * np.arange(n)
    warnings.warn(f"{ch.name or 'channel'} has non-uniform frequency steps ({d.min():g} .. "
                  f"{d.max():g} Hz); it is resampled onto a uniform {step:g} Hz grid by linear "
                  "interpolation (sikernel.channel.lumped.on_grid)", SIKernelWarning, stacklevel=5)
    return on_grid(ch, grid)


#: a real-valued array H (no phase) above this is taken for a loss in dB given as a linear H (fuzz 31
#: M3: -20 log10|H| gave a 12 V pulse); a complex H with gain (a CTLE peak, a VGA) is legal and silent
H_GAIN_WARN = 1.05


def _warn_gain(h: np.ndarray, f: np.ndarray) -> None:
    """Warn when an array ``h`` is real-valued (no phase, as a dB or magnitude array is) and above
    :data:`H_GAIN_WARN` somewhere, naming where (a complex ``h`` with gain is an amplifying stage)."""
    if not h.size or not np.all(h.imag == 0):
        return
    mag = np.abs(h)
    if not np.nanmax(mag) > H_GAIN_WARN:
        return
    i = int(np.nanargmax(mag))
    warnings.warn(f"h is real-valued (no phase) and reaches {mag[i]:.4g} at {f[i]:g} Hz: a loss in dB "
                  "given for a linear H? use 10**(-il_db/20) * exp(-2j*pi*f*delay) for a loss in dB",
                  SIKernelWarning, stacklevel=user_stacklevel())


def _channel_h(channel_or_h: Any, f_hz: ArrayLike | None,
               termination_ohm: float | None) -> tuple[np.ndarray, np.ndarray, str]:
    """(f, H, label) on a grid starting at DC, from a Channel or (f, h) arrays."""
    from .channel.core import Channel
    from .channel.touchstone import _is_network, as_channel

    if isinstance(channel_or_h, str | os.PathLike) or _is_network(channel_or_h):
        channel_or_h = as_channel(channel_or_h, "channel_or_h")
    if isinstance(channel_or_h, Channel):
        ch = channel_or_h
        if f_hz is not None:
            raise SIKernelError("f_hz is taken from the Channel; pass f_hz only with an array h")
    else:
        if isinstance(channel_or_h, tuple) and len(channel_or_h) == 2 and f_hz is None:
            f_hz, channel_or_h = channel_or_h
        if f_hz is None:
            raise SIKernelError(f"channel_or_h is a {type(channel_or_h).__name__} and f_hz is not given: "
                                "an array transfer function needs f_hz (or pass (f_hz, h)); a channel "
                                "is a sikernel Channel, a Touchstone path or an skrf.Network")
        h = np.asarray(channel_or_h, dtype=np.complex128)
        f = _validate.frequency_grid(f_hz, name="f_hz")
        if h.shape != f.shape:
            raise SIKernelError(f"h has shape {h.shape}; expected ({f.size},) to match f_hz")
        if termination_ohm is not None:
            raise SIKernelError("termination_ohm applies to a Channel (S-parameters), not to "
                                "a transfer function")
        _warn_gain(h, f)
        if f[0] == 0.0 or f[0] <= _GRID_RTOL * (f[1] - f[0] if f.size > 1 else 1.0):
            return f, h, "H"
        s = np.zeros((f.size, 2, 2), dtype=np.complex128)
        s[:, 1, 0] = h
        s[:, 0, 1] = h
        ch = Channel._trusted(f, s, name="H")
    if not _validate.is_uniform(ch.f):
        ch = _on_uniform_grid(ch)   # a point missing or added; other grids are refused below
    if ch.f[0] != 0.0:
        from .channel.dc import extrapolate_dc

        ch = extrapolate_dc(ch)
    if termination_ohm is None:
        h = ch.s21.copy()
    else:
        from .channel.twoport import reflection_coefficient, terminated_h21

        g = reflection_coefficient(_validate.positive("termination_ohm", termination_ohm),
                                   ch.z0_ohm)
        h = terminated_h21(ch.sdd, g, g)
    return ch.f, h, ch.name


#: longest TX rise time accepted, in UI (a 20-80 % rise over several UI closes any eye; a larger
#: value is a unit slip, ps given as s)
MAX_RISE_TIME_UI = 10.0
#: smallest tx_rise_time_s (beyond the UI limit) read as picoseconds typed as seconds: a SerDes edge
#: is a few ps, so 6 is 6 ps; 1e-3 (1 ms) is no ps value (it would be a 1e-15 s edge)
RISE_TIME_PS_SLIP_MIN = 0.1
#: largest RX AFE bandwidth accepted as a fraction of the baud (802.3ck: 0.75; a larger value is a
#: frequency in Hz)
MAX_RX_F_R = 10.0
#: lowest CTLE corner frequency accepted in a mapping (Hz; a SerDes CTLE's corners are in the GHz)
CTLE_MIN_CORNER_HZ = 1e3
#: largest symbol amplitude accepted (V; a SerDes launches around 1 V; a larger value is mV given as V)
MAX_AMPLITUDE_V = 10.0


def _extra_filters(f: np.ndarray, baud: float, tx_rise_time_s: float | None,
                   rx_f_r: float | None, ctle: Any) -> tuple[np.ndarray, dict[str, Any]]:
    from .eq import filters

    g = np.ones(f.size, dtype=np.complex128)
    meta: dict[str, Any] = {}
    if tx_rise_time_s is not None:
        t_r = _validate.non_negative("tx_rise_time_s", tx_rise_time_s)
        if t_r > MAX_RISE_TIME_UI * (1.0 / baud):   # new-user trial 28: 6 (ps meant) was accepted
            hint = (f"a rise time in ps given as s? use {t_r * 1e-12:g} for {t_r:g} ps"
                    if t_r >= RISE_TIME_PS_SLIP_MIN   # 1e-6 or 1e-3 s: no ps slip (a 1e-15 s rise)
                    else "the rise time is in s, e.g. 8e-12 for 8 ps")
            raise SIKernelError(f"tx_rise_time_s={tx_rise_time_s!r} s is longer than {MAX_RISE_TIME_UI:g} "
                                f"UI ({MAX_RISE_TIME_UI / baud:.3g} s at {baud:g} Bd): {hint}")
        g *= filters.tx_rise_time_filter(f, t_r)
        meta["tx_rise_time_s"] = t_r
    if rx_f_r is not None:
        fr = _validate.positive("rx_f_r", rx_f_r)
        if fr > MAX_RX_F_R:   # new-user trial 28: 40e9 (Hz meant) made the AFE filter vanish
            hint = (f"a percentage? use {fr / 100:g} for {fr:g} %" if fr <= 100 else
                    f"a frequency in Hz? use {fr / baud:.3g} for {fr:g} Hz at {baud:g} Bd")
            raise SIKernelError(f"rx_f_r={rx_f_r!r} is the RX AFE bandwidth as a fraction of the baud "
                                f"(802.3ck: 0.75), at most {MAX_RX_F_R:g}: {hint}")
        g *= filters.rx_afe_filter(f, fr * baud)
        meta["rx_f_r"] = fr
    if ctle is not None:
        if isinstance(ctle, Mapping):
            low = {k: v for k, v in ctle.items() if k.endswith("_hz") and isinstance(v, int | float)
                   and 0.0 < float(v) < CTLE_MIN_CORNER_HZ}
            if low:   # new-user trial 28: corners in GHz passed with only a causality warning
                raise SIKernelError(f"ctle corner frequencies {low} are below {CTLE_MIN_CORNER_HZ:g} Hz: "
                                    "GHz given as Hz? (the corners are in Hz, e.g. fz_hz=21.25e9)")
            try:
                g *= filters.ctle_response(f, **ctle)
            except TypeError as exc:
                raise SIKernelError(f"ctle={dict(ctle)!r}: {exc}; expected keys gdc_db, fz_hz, "
                                    "fp1_hz, fp2_hz[, gdc2_db, f_lf_hz]") from None
            meta["ctle"] = dict(ctle)
        elif hasattr(ctle, "response"):
            g *= np.asarray(ctle.response(f), dtype=np.complex128)
            meta["ctle"] = repr(ctle)
        elif callable(ctle):
            g *= np.asarray(ctle(f), dtype=np.complex128)
            meta["ctle"] = repr(ctle)
        else:
            raise SIKernelError(f"ctle={ctle!r}: expected a mapping of ctle_response arguments, "
                                "an object with .response(f_hz) or a callable f_hz -> H")
    return g, meta


def _energy(v: np.ndarray, n_before: int, tol: float) -> tuple[float, float, int, int]:
    res = np.empty(4)
    _k.energy_window(np.ascontiguousarray(v), int(n_before), float(tol), res)
    return float(res[0]), float(res[1]), int(res[2]), int(res[3])


def _widen(a: int, b: int, m: int, n: int) -> tuple[int, int]:
    """The energy window ``[a, b)`` widened by one UI (``m`` samples) on each side, within ``[0, n)``."""
    return max(a - m, 0), min(b + m, n)


def _truncation_window(v: np.ndarray, samples_per_ui: int, tol: float = TRUNCATE_TOL) -> tuple[int, int]:
    """Indices ``[a, b)`` of a pulse record ``v`` that :func:`pulse_response` keeps.

    The window that leaves at most ``tol / 2`` of the energy ``sum v**2`` before it and at most
    ``tol / 2`` after it (:func:`sikernel._kernels.response.energy_window`), widened by one UI
    on each side: the truncation of the module docstring, for a record made elsewhere (the
    sweep's pulse stage keeps the whole ``1/df`` record).
    """
    _, _, a, b = _energy(v, 0, tol)
    return _widen(a, b, int(samples_per_ui), v.size)


def _causality(frac: float, mode: str, threshold: float, label: str) -> None:
    if frac > threshold:
        msg = (f"{label}: {frac:.3g} of the response energy lies at negative times "
               f"(before t = -1 UI); the transfer function is not causal (threshold {threshold:g}). "
               "Check the port map, a de-embedding or a time-shifted model")
        if mode == "raise":
            raise SIKernelError(msg)
        if mode == "warn":
            warnings.warn(msg, SIKernelWarning, stacklevel=4)


def _response(channel_or_h: Any, baud: float, samples_per_ui: int, modulation: str,
              kind: str, *, f_hz: ArrayLike | None, tx_rise_time_s: float | None,
              rx_f_r: float | None, ctle: Any, termination_ohm: float | None, causality: str,
              causality_threshold: float, truncate_tol: float | None,
              amplitude_v: float) -> tuple[np.ndarray, np.ndarray, float, dict[str, Any]]:
    mod = _validate.one_of("modulation", modulation, MODULATIONS)
    mode = _validate.one_of("causality", causality, ("warn", "raise", "ignore"))
    thr = _validate.positive("causality_threshold", causality_threshold)
    amp = _validate.positive("amplitude_v", amplitude_v)   # a symbol's amplitude, not a polarity
    if amp > MAX_AMPLITUDE_V:   # new-user trial 28: 400 (mV meant) was accepted
        raise SIKernelError(f"amplitude_v={amplitude_v!r} V is above {MAX_AMPLITUDE_V:g} V, more than any "
                            f"SerDes launches: mV given as V? use {amp * 1e-3:g} for {amp:g} mV")
    fb = _validate.symbol_rate("baud", baud)
    m = _check_samples_per_ui(samples_per_ui)
    f, h, label = _channel_h(channel_or_h, f_hz, termination_ohm)
    filt, meta = _extra_filters(f, fb, tx_rise_time_s, rx_f_r, ctle)
    code = _k.KIND_PULSE if kind == "pulse" else _k.KIND_IMPULSE
    t, v, grid = _transform(h * filt * amp, f, fb, m, code)
    if f[-1] < fb * (1.0 - _GRID_RTOL):
        warnings.warn(f"{label or 'channel'}: the data end at {f[-1]:g} Hz, below the signalling "
                      f"rate {fb:g} Hz; above it the transfer function is taken as zero, a "
                      "brick-wall edge that rings in the response (COM warns the same and "
                      f"extrapolates); supply data to at least {fb:g} Hz", SIKernelWarning,
                      stacklevel=3)
    if kind == "step":
        v = (np.cumsum(v) - 0.5 * v) * grid.dt_s   # trapezoid rule
        e_src = np.diff(v, prepend=0.0)
    else:
        e_src = v
    tol = 1.0 if truncate_tol is None else _validate.finite_scalar(
        "truncate_tol", truncate_tol, minimum=0.0, maximum=1.0)
    total, before, a, b = _energy(e_src, int(np.searchsorted(t, -1.0 / fb - 0.5 * grid.dt_s)),
                                  tol)
    frac = before / total if total > 0 else 0.0
    _causality(frac, mode, thr, label or "channel")
    meta.update({"modulation": mod, "amplitude_v": amp, "df_hz": grid.df_hz,
                 "n_time_full": grid.n_time, "termination_ohm": termination_ohm,
                 "causality_threshold": thr, "source": label})
    if truncate_tol is not None:
        a, b = _widen(a, b, m, v.size)
        t, v = t[a:b], v[a:b]
        meta["truncate_tol"] = tol
    return t.copy(), np.ascontiguousarray(v), frac, meta


def pulse_response(channel_or_h: Any, baud: float, samples_per_ui: int = 32,
                   modulation: str = "pam4", *, f_hz: ArrayLike | None = None,
                   tx_rise_time_s: float | None = None, rx_f_r: float | None = None,
                   ctle: Mapping[str, float] | Callable | Any | None = None,
                   tx_ffe: ArrayLike | None = None, tx_ffe_n_pre: int | None = None,
                   termination_ohm: float | None = None, causality: str = "warn",
                   causality_threshold: float = CAUSALITY_THRESHOLD,
                   truncate_tol: float | None = TRUNCATE_TOL,
                   amplitude_v: float = 1.0) -> PulseResponse:
    """Pulse response of a channel (IEEE 802.3 eq. 93A-24) with optional TX/RX filters.

    ``p(t) = IFFT{ A * H(f) * H_t(f) * H_r(f) * H_ctle(f) * T sinc(f T) e^{-j pi f T} }``,
    then the TX FFE ``p_ffe(t) = sum_i c_i p(t - i T)`` (93A-21 in the time domain).

    Parameters
    ----------
    channel_or_h : Channel, Touchstone path, skrf.Network, ndarray or (f_hz, h)
        A :class:`~sikernel.channel.core.Channel` (its SDD21, DC-extrapolated with
        :func:`sikernel.channel.dc.extrapolate_dc` if its grid starts above 0 Hz), a
        Touchstone path or ``skrf.Network`` read as
        :func:`~sikernel.channel.touchstone.as_channel` reads it, or a complex transfer
        function on ``f_hz``.
    baud : float
        Symbol rate in Bd (must not exceed twice the last grid frequency).
    samples_per_ui : int
        Samples per UI (time step ``1/(baud*samples_per_ui)``).
    modulation : str
        "nrz", "pam3", "pam4", "pam6" or "pam8" (stored; sets L for the eye criteria).
    f_hz : array_like, optional
        Frequency grid of an array ``channel_or_h``.
    tx_rise_time_s : float, optional
        20-80 % TX rise time for the Gaussian filter of 93A-46.
    rx_f_r : float, optional
        RX AFE -3 dB frequency as a fraction of ``baud`` (4th-order Butterworth, 93A-20).
    ctle : mapping or object or callable, optional
        Keyword arguments of :func:`sikernel.eq.filters.ctle_response` (``gdc_db``,
        ``fz_hz``, ``fp1_hz``, ``fp2_hz``, optionally ``gdc2_db``, ``f_lf_hz``), an
        object with ``.response(f_hz)``, or a callable ``f_hz -> H``.
    tx_ffe : array_like, optional
        TX FFE taps in time order, main cursor included (see :func:`sikernel.eq.ffe.tx_ffe_taps`).
    tx_ffe_n_pre : int, optional
        Number of pre-cursor taps of ``tx_ffe`` (required when it has more than one tap).
    termination_ohm : float, optional
        Differential source/load resistance; when given, ``H`` is the terminated
        ``H21`` of 93A-18 instead of SDD21 (matched terminations).
    causality : {"warn", "raise", "ignore"}
        What to do when more than ``causality_threshold`` of the energy is at t < -1 UI.
    causality_threshold : float
        See above (default 1e-3).
    truncate_tol : float or None
        Residual-energy criterion for cutting the record (None keeps all of it).
    amplitude_v : float
        Symbol amplitude in V, > 0 (the pulse scales with it).

    Returns
    -------
    PulseResponse
    """
    t, v, frac, meta = _response(
        channel_or_h, baud, samples_per_ui, modulation, "pulse", f_hz=f_hz,
        tx_rise_time_s=tx_rise_time_s, rx_f_r=rx_f_r, ctle=ctle,
        termination_ohm=termination_ohm, causality=causality,
        causality_threshold=causality_threshold, truncate_tol=truncate_tol,
        amplitude_v=amplitude_v)
    m = int(samples_per_ui)
    if tx_ffe is not None:
        from .eq.ffe import apply_ffe

        taps = np.asarray(tx_ffe, dtype=float)
        if tx_ffe_n_pre is None:
            if taps.ndim == 1 and taps.size == 1:
                tx_ffe_n_pre = 0
            else:
                raise SIKernelError("tx_ffe_n_pre is required with a multi-tap tx_ffe "
                                    "(the index of the main cursor)")
        t, v = apply_ffe(t, v, taps, tx_ffe_n_pre, m)
        meta["tx_ffe"] = taps.tolist()
        meta["tx_ffe_n_pre"] = int(tx_ffe_n_pre)
    return PulseResponse(t_s=t, v=v, baud=float(baud), samples_per_ui=m,
                         modulation=meta["modulation"], kind="pulse",
                         noncausal_energy_fraction=frac, meta=meta,
                         peak_index=int(np.argmax(v)))


def impulse_response(channel_or_h: Any, baud: float, samples_per_ui: int = 32, *,
                     f_hz: ArrayLike | None = None, tx_rise_time_s: float | None = None,
                     rx_f_r: float | None = None, ctle: Any = None,
                     termination_ohm: float | None = None, causality: str = "warn",
                     causality_threshold: float = CAUSALITY_THRESHOLD,
                     truncate_tol: float | None = TRUNCATE_TOL) -> TimeResponse:
    """Impulse response ``h(t) = IFFT{H(f) ...}`` in 1/s, sampled at ``1/(baud*samples_per_ui)``.

    Same grid rules, filters, causality check and truncation as :func:`pulse_response`.

    Parameters
    ----------
    channel_or_h : Channel, Touchstone path, skrf.Network, ndarray or (f_hz, h)
        A :class:`~sikernel.channel.core.Channel` (its SDD21, DC-extrapolated if its
        grid starts above 0 Hz) or a complex transfer function on ``f_hz``.
    baud : float
        Symbol rate in Bd (sets the grid rules and the Nyquist check).
    samples_per_ui : int
        Samples per UI (time step ``1/(baud*samples_per_ui)`` s).
    f_hz : array_like, optional
        Frequency grid (Hz) of an array ``channel_or_h``.
    tx_rise_time_s : float, optional
        20-80 % TX rise time in s for the Gaussian filter of 93A-46.
    rx_f_r : float, optional
        RX AFE -3 dB frequency as a fraction of ``baud`` (93A-20).
    ctle : mapping or object or callable, optional
        CTLE as in :func:`pulse_response`.
    termination_ohm : float, optional
        Differential source/load resistance in ohm (terminated ``H21`` of 93A-18).
    causality : {"warn", "raise", "ignore"}
        What to do when more than ``causality_threshold`` of the energy is at t < -1 UI.
    causality_threshold : float
        Non-causal energy fraction that triggers ``causality`` (default 1e-3).
    truncate_tol : float or None
        Residual-energy criterion for cutting the record (None keeps all of it).

    Returns
    -------
    TimeResponse
        ``kind="impulse"``, ``v`` in 1/s.
    """
    t, v, frac, meta = _response(
        channel_or_h, baud, samples_per_ui, "pam4", "impulse", f_hz=f_hz,
        tx_rise_time_s=tx_rise_time_s, rx_f_r=rx_f_r, ctle=ctle,
        termination_ohm=termination_ohm, causality=causality,
        causality_threshold=causality_threshold, truncate_tol=truncate_tol, amplitude_v=1.0)
    return TimeResponse(t_s=t, v=v, baud=float(baud), samples_per_ui=int(samples_per_ui),
                        modulation="pam4", kind="impulse", noncausal_energy_fraction=frac,
                        meta=meta)


def step_response(channel_or_h: Any, baud: float, samples_per_ui: int = 32, *,
                  f_hz: ArrayLike | None = None, tx_rise_time_s: float | None = None,
                  rx_f_r: float | None = None, ctle: Any = None,
                  termination_ohm: float | None = None, causality: str = "warn",
                  causality_threshold: float = CAUSALITY_THRESHOLD,
                  truncate_tol: float | None = TRUNCATE_TOL) -> TimeResponse:
    """Unit-step response in V/V: the running integral (trapezoid rule) of the impulse response.

    ``s(t_n) = dt (sum_{m < n} h(t_m) + h(t_n)/2)`` starting at the earliest (negative) time
    of the record (where a causal response is 0); error O(dt**2 h').  Truncation uses the
    energy of the step's increments.

    Parameters
    ----------
    channel_or_h : Channel, Touchstone path, skrf.Network, ndarray or (f_hz, h)
        A :class:`~sikernel.channel.core.Channel` (its SDD21, DC-extrapolated if its
        grid starts above 0 Hz) or a complex transfer function on ``f_hz``.
    baud : float
        Symbol rate in Bd (sets the grid rules and the Nyquist check).
    samples_per_ui : int
        Samples per UI (time step ``1/(baud*samples_per_ui)`` s).
    f_hz : array_like, optional
        Frequency grid (Hz) of an array ``channel_or_h``.
    tx_rise_time_s : float, optional
        20-80 % TX rise time in s for the Gaussian filter of 93A-46.
    rx_f_r : float, optional
        RX AFE -3 dB frequency as a fraction of ``baud`` (93A-20).
    ctle : mapping or object or callable, optional
        CTLE as in :func:`pulse_response`.
    termination_ohm : float, optional
        Differential source/load resistance in ohm (terminated ``H21`` of 93A-18).
    causality : {"warn", "raise", "ignore"}
        What to do when more than ``causality_threshold`` of the energy is at t < -1 UI.
    causality_threshold : float
        Non-causal energy fraction that triggers ``causality`` (default 1e-3).
    truncate_tol : float or None
        Residual-energy criterion for cutting the record (None keeps all of it).

    Returns
    -------
    TimeResponse
        ``kind="step"``, ``v`` in V/V.
    """
    t, v, frac, meta = _response(
        channel_or_h, baud, samples_per_ui, "pam4", "step", f_hz=f_hz,
        tx_rise_time_s=tx_rise_time_s, rx_f_r=rx_f_r, ctle=ctle,
        termination_ohm=termination_ohm, causality=causality,
        causality_threshold=causality_threshold, truncate_tol=truncate_tol, amplitude_v=1.0)
    return TimeResponse(t_s=t, v=v, baud=float(baud), samples_per_ui=int(samples_per_ui),
                        modulation="pam4", kind="step", noncausal_energy_fraction=frac,
                        meta=meta)


__all__ = [
    "CAUSALITY_THRESHOLD",
    "MODULATIONS",
    "TRUNCATE_TOL",
    "FftGrid",
    "PulseResponse",
    "TimeResponse",
    "fft_grid",
    "impulse_from_h",
    "impulse_response",
    "levels",
    "modulation_name",
    "pulse_from_h",
    "pulse_response",
    "step_response",
]
