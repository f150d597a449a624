"""The transfer functions COM forms for each stream (IEEE 802.3 Annex 93A, 178A; reference code).

The inputs read and checked (coverage of the band, the grid from 0 Hz), the host boards of
``Include PCB``, the packages between R_d terminations (93A-18), the TX rise-time filter with the
reference code's delay and pulse-forming offset, the RX filter (93A-20) and the impulse-response
truncation.  Used by :func:`sikernel.eye.com.com` for every stream and by
:func:`sikernel.eye.com_pulse.com_pulse` for the thru's equalised pulse.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..channel.core import Channel
from ..errors import SIKernelError
from .presets import ComPreset


# -- inputs -------------------------------------------------------------------------------
def _load(x: Any, what: str) -> Channel:
    """A Channel, or a Touchstone path / skrf.Network read with the default port map (as_channel).

    The swapped-port-map check is off for aggressors (their loss is high by design).
    """
    from ..channel.touchstone import as_channel

    return as_channel(x, what, check_port_map=(what == "channel"))


def _on_grid(ch: Channel, df_hz: float) -> Channel:
    """The channel on the uniform grid 0, df, 2 df, ... (DC extrapolated when missing)."""
    f = ch.f
    if f[0] == 0.0 and f.size > 1:
        d = np.diff(f)
        if np.all(np.abs(d - df_hz) <= 1e-6 * df_hz):
            return ch
    from ..channel.dc import extrapolate_dc

    return extrapolate_dc(ch, df_hz=df_hz)


def _common_grid(chs: list[Channel]) -> np.ndarray:
    n = min(c.f.size for c in chs)
    f = chs[0].f[:n]
    for c in chs[1:]:
        if not np.allclose(c.f[:n], f, rtol=1e-9, atol=1e-3):
            raise SIKernelError(f"channel {c.name!r} is on another frequency grid than "
                                f"{chs[0].name!r}; expected the same step from 0 Hz")
    return f


# -- transfer functions -------------------------------------------------------------------
def _package(p: ComPreset, f: np.ndarray, z_m: float, side: str, cache: dict,
             path: str = "") -> Channel | None:
    """TX or RX package 2-port (93A.1.2, reference code ``make_full_pkg``) of length ``z_m``;
    None without a package.  ``p.package`` is a :data:`sikernel.channel.package.PACKAGES`
    name or a :class:`~sikernel.channel.package.PackageModel` (a sheet's own package);
    ``p.package_paths`` may give another model for ``path`` ("rx", "next", "fext")."""
    if p.package is None or (isinstance(p.package, str) and p.package in ("", "none")):
        return None
    from ..channel.package import PACKAGES, PackageModel, package_channel

    if not isinstance(p.package, PackageModel) and p.package not in PACKAGES:
        raise SIKernelError(f"COM preset package={p.package!r} unknown; known: {', '.join(PACKAGES)}")
    key = (float(z_m), side, path)
    if key not in cache:
        model = p.package if isinstance(p.package, PackageModel) else PACKAGES[p.package]
        model = dict(p.package_paths).get(path, model)
        cache[key] = package_channel(model, z_m, f, side=side)
    return cache[key]


def _with_boards(ch: Channel, p: ComPreset, kind: str) -> Channel:
    """The channel with the host boards of ``Include PCB`` (reference code ``add_brd``):
    TX board + channel + RX board for include_pcb = 1, channel + RX board for 2.  Board
    lengths by stream kind as the reference: THRU (TX, RX), NEXT (RX, NEXT), FEXT (FEXT, RX)."""
    if p.include_pcb == 0:
        return ch
    from ..channel.package import board_channel
    from ..channel.twoport import cascade

    ztx, znext, zfext, zrx = p.board_z_bp_m
    l_tx, l_rx = {"thru": (ztx, zrx), "next": (zrx, znext), "fext": (zfext, zrx)}[kind]
    rx = board_channel(ch.f, l_rx, p.board_c0_f, p.board_c1_f, p.board_line, "rx", p.r0_ohm)
    if p.include_pcb == 2:
        return cascade(ch, rx, name=ch.name)
    tx = board_channel(ch.f, l_tx, p.board_c0_f, p.board_c1_f, p.board_line, "tx", p.r0_ohm)
    return cascade(tx, ch, rx, name=ch.name)


def _packaged_h21(ch: Channel, f: np.ndarray, p: ComPreset, pk_tx: Channel | None,
                  pk_rx: Channel | None) -> np.ndarray:
    """H21 (93A-18) of TX package + channel + RX package between R_d terminations (ideal TX
    termination with include_pcb = 2, as the reference code's ``s21_pkg``)."""
    from ..channel.twoport import cascade, reflection_coefficient, terminated_h21

    c = Channel._trusted(f, ch.sdd[: f.size], ch.z0_ohm, ch.name)
    parts = [x for x in (pk_tx, c, pk_rx) if x is not None]
    if len(parts) > 1:
        c = cascade(*parts)
    g = reflection_coefficient(p.rd_ohm, p.r0_ohm)
    g_tx = 0.0 if p.include_pcb == 2 else g
    return terminated_h21(c.sdd, g_tx, g)


def _above(x: np.ndarray, rel: float) -> tuple[np.ndarray | None, float]:
    """Where ``|x| > rel * max|x|`` (a boolean array shaped like ``x``) and that threshold;
    (None, 0) when ``x`` is all zeros.  ``max|x| = max(max x, -min x)`` and
    ``|v| > t <=> v > t or v < -t`` exactly, so no ``|x|`` copy is made."""
    peak = max(float(x.max()), -float(x.min()))
    if not peak > 0:
        return None, 0.0
    thr = rel * peak
    return (x > thr) | (x < -thr), thr


# -- input coverage ---------------------------------------------------------------------
#: a frequency step coarser than f_b / _MIN_RECORD_UI cannot hold a pulse response: the
#: impulse response computed from it repeats every 1/df, i.e. every _MIN_RECORD_UI UI or less,
#: which is shorter than a backplane's delay plus its reflections and DFE span (40 UI with
#: floating taps); the IEEE sheets ask for 10 MHz (5,312 UI at 53.125 GBd)
_MIN_RECORD_UI = 100
#: data starting above this fraction of f_b leaves the low-frequency response (the pulse's
#: baseline and slow tail, which the DC extrapolation has to guess) unknown over more than
#: the first 2 % of the band (1.06 GHz at 53.125 GBd); the IEEE sheets ask for f_min 50 MHz
_MAX_START_FRACTION = 0.02


def _check_coverage(ch: Channel, p: ComPreset, what: str) -> None:
    """Frequency coverage a trustworthy pulse response needs (before any long computation).

    Errors: the data stop below the Nyquist frequency f_b/2; the step exceeds
    f_b / ``_MIN_RECORD_UI`` (record shorter than that many UI); the data start above
    ``_MAX_START_FRACTION`` f_b.  Warnings (as the IEEE reference code's ``read_s4p``
    warnings): data below f_b, a start above the sheet's f_min, a step above its Delta_f,
    non-uniform steps.
    """
    import warnings

    from .._stacklevel import user_stacklevel
    from ..errors import SIKernelWarning

    f = np.asarray(ch.f, dtype=float)
    fb = p.baud_hz
    if f.size < 2:
        raise SIKernelError(f"{what} {ch.name!r} has {f.size} frequency point(s); COM needs the band "
                            f"from near DC to at least f_b/2 = {fb / 2:g} Hz in steps of at most "
                            f"{fb / _MIN_RECORD_UI:g} Hz")
    if f[-1] < fb / 2:
        raise SIKernelError(f"{what} {ch.name!r} ends at {f[-1]:g} Hz, below the Nyquist frequency "
                            f"{fb / 2:g} Hz of the preset's {fb:g} Bd; supply data up to at least f_b")
    df = np.diff(f)
    step = float(df.max())
    if step > fb / _MIN_RECORD_UI:
        raise SIKernelError(
            f"{what} {ch.name!r} has a frequency step of {step:g} Hz: its impulse response repeats "
            f"every {1 / step:g} s = {fb / step:.3g} UI, shorter than the {_MIN_RECORD_UI} UI a COM "
            f"pulse response needs; supply a step <= {fb / _MIN_RECORD_UI:g} Hz (IEEE sheets: "
            f"{p.df_hz:g} Hz)")
    start = float(f[0])
    if start > _MAX_START_FRACTION * fb:
        raise SIKernelError(
            f"{what} {ch.name!r} starts at {start:g} Hz: the response below it (the pulse's baseline "
            f"and tail) would be guessed by DC extrapolation over more than {_MAX_START_FRACTION:.0%} "
            f"of f_b; supply data from <= {_MAX_START_FRACTION * fb:g} Hz (IEEE sheets: f_min "
            f"{p.f_min_hz:g} Hz)")
    if f[-1] < fb:
        warnings.warn(f"{what} {ch.name!r} ends at {f[-1]:g} Hz, below the signalling rate {fb:g} Hz "
                      "(the IEEE reference code warns too); the response above is extrapolated",
                      SIKernelWarning, stacklevel=user_stacklevel())
    if start > p.f_min_hz * (1 + 1e-9):
        warnings.warn(f"{what} {ch.name!r} starts at {start:g} Hz, above the recommended f_min "
                      f"{p.f_min_hz:g} Hz", SIKernelWarning, stacklevel=user_stacklevel())
    if step > p.df_hz + 1.0:
        warnings.warn(f"{what} {ch.name!r} has a frequency step of {step:g} Hz, above the recommended "
                      f"{p.df_hz:g} Hz", SIKernelWarning, stacklevel=user_stacklevel())
    if float(df.max() - df.min()) > 1.0:
        warnings.warn(f"{what} {ch.name!r} has non-uniform frequency steps ({df.min():g} .. "
                      f"{df.max():g} Hz); it is resampled", SIKernelWarning, stacklevel=user_stacklevel())


def _tx_filter(p: ComPreset, f: np.ndarray) -> np.ndarray:
    """TX side of every stream: the rise-time filter and the reference's pulse-forming offset.

    FORCE_TR: the reference code applies the rise-time filter only then, with a delay of
    3 T_r (s21_pkg: exp(-2 (pi f T_r/1.6832)^2) exp(-j 2 pi f 3 T_r)).  Delays matter here:
    COM samples the pulse on a grid of T/M, so a delay that is not a whole number of
    samples moves the samples the sampling-point rule can choose from.  The reference forms
    the pulse from the impulse response sampled at T/M as filter(ones(1, M), 1, ir)
    (get_PulseR / COM_FD_to_TD): a rectangle centred (M - 1)/2 samples back, half a sample
    later than the continuous rectangle of pulse_from_h; the same samples here: advance by
    T/(2M).  With the 3 T_r delay (12.75 samples at 7.5 ps) the grid sits 0.25 sample from the
    plain one: up to 0.07 dB of COM over the twelve reference cases
    (tests/test_com_known_differences.py).
    """
    from ..eq.filters import tx_rise_time_filter

    if p.force_tr:
        h_t = tx_rise_time_filter(f, p.t_r_s) * np.exp(-2j * np.pi * f * 3.0 * p.t_r_s)
    else:
        h_t = np.ones(f.size, dtype=complex)
    return h_t * np.exp(1j * np.pi * f / (p.baud_hz * p.samples_per_ui))


def _rx_filter(p: ComPreset, f: np.ndarray) -> np.ndarray:
    """RX filter H_r: the 4th-order Butterworth of 93A-20 at f_r, times the raised-cosine
    (Tukey) window of the exploratory 802.3df sheets when ``p.rx_raised_cosine_hz`` is set
    (reference code ``Raised_Cosine_Filter``/``Tukey_Window``: 1 below RC_Start,
    0.5 + 0.5 cos(2 pi (f - RC_end)/(2 (RC_end - RC_Start)) - pi) up to RC_end, 0 above)."""
    from ..eq.filters import rx_afe_filter

    h = rx_afe_filter(f, p.f_r_hz)
    if p.rx_raised_cosine_hz is not None:
        from .erl import _tukey  # the same window as ERL's TDR filter

        h = h * _tukey(f, *p.rx_raised_cosine_hz)
    return h


#: the reference code cuts each stream's impulse response (channel, packages, T_r and RX
#: filters, before the CTLE) after its last sample above this fraction of its peak
#: (``OP.impulse_response_truncation_threshold``, default 1e-3; s21_to_impulse_DC, optimize_fom)
IR_TRUNCATION_REL = 1e-3


def _truncate_ir(h: np.ndarray, f: np.ndarray, p: ComPreset) -> np.ndarray:
    """``h`` (on the uniform grid ``f`` from 0) with its impulse response, sampled at
    T/M, set to zero after the last sample above ``IR_TRUNCATION_REL`` of its peak -- as the
    IEEE reference code forms its pulses; returns the spectrum of the truncated response on
    ``f``.  The record is 1/df long, zero above f_max (the cut only removes the far tail:
    0.04-0.08 % of sigma_ISI on DPO_12in, tests/test_com_known_differences.py)."""
    if IR_TRUNCATION_REL <= 0:
        return h
    df = float(f[1] - f[0])
    n = round(p.baud_hz * p.samples_per_ui / df)
    if n < 2 * (f.size - 1):
        return h
    ir = np.fft.irfft(h, n)
    hit, _ = _above(ir, IR_TRUNCATION_REL)
    if hit is None:
        return h                      # no transmission at all: nothing to cut
    last = ir.size - 1 - int(hit[::-1].argmax())
    ir[last + 1:] = 0.0
    return np.fft.rfft(ir)[: f.size]
