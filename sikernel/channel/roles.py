"""Does a channel look like the role it is given: the thru, or a crosstalk aggressor?

A thru and a crosstalk file are both differential 2-ports after the mixed-mode conversion, and
nothing in a Touchstone file says which it is.  What tells them apart is the bottom of the band:
a thru passes low frequencies with a few dB of loss (the IEEE P802.3ck thrus in
``shared/channels``: 0.8-3.0 dB over the lowest 2 % of a 0-60 GHz band), while near- and far-end
crosstalk couples through mutual capacitance and inductance, whose coupling vanishes towards DC
(those files: 64-132 dB there).  A thru given as an aggressor, or a FEXT file given as the thru,
computes without error and gives a COM or an eye that means nothing; this module warns before
the computation (:class:`~sikernel.errors.SIKernelWarning`), as ``read_touchstone`` warns about
a swapped port map.

Which of the two crosstalk kinds an aggressor is tells itself by *when* it arrives
(:func:`check_crosstalk_direction`).  Near-end crosstalk is launched by an aggressor transmitter at
the victim receiver's end, so it starts at once and its coupled length sends it back within twice
the line's delay; far-end crosstalk travels along the line with the aggressor's wave and cannot
reach the victim's receiver before the signal's own flight time (E. Bogatin, *Signal and Power
Integrity -- Simplified*, 3rd ed., Prentice Hall 2018, ch. 10: near-end noise from 0 to 2 TD,
far-end noise at TD; S. H. Hall and H. L. Heck, *Advanced Signal Integrity for High-Speed Digital
Designs*, Wiley 2009, sec. 3.4).  On the P802.3ck cable assembly the thru arrives at 10.4 ns; its
seven FEXT files put at most 1e-4 of their energy before half of that (2e-4 before three quarters),
its eight NEXT files 99.8 % or more.  A FEXT over an aggressor path much shorter than the thru's,
or a NEXT coupled far from the victim's receiver (a backplane connector), arrives otherwise; the
warnings say so and ask the user to check, they refuse nothing.  COM treats the two
differently (a FEXT aggressor goes through the victim's TX FFE, 93A.1.6, and each kind has its
own amplitude), so a NEXT file passed as FEXT, or the reverse, gives a wrong COM without any
error.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import SIKernelError, SIKernelWarning
from .core import Channel
from .touchstone import THRU_LOW_BAND_MAX_IL_DB, _low_band_il_db

#: low-band insertion loss (dB) above which a channel given as the thru looks like a crosstalk
#: file (the P802.3ck crosstalk files have 64 dB or more there, their thrus 3 dB or less; a
#: 40 dB-at-Nyquist backplane has ≈ 3-5 dB over the lowest 1.2 GHz)
CROSSTALK_LOW_BAND_MIN_IL_DB = 20.0

#: low-band loss (dB) from which a channel counts as transmitting nothing (|SDD21| < 1e-15 there:
#: an empty or disconnected file, or a port map on unconnected ports; the loss of an all-zero
#: file is floored at 6000 dB), which no crosstalk file reaches (the P802.3ck ones: 64-132 dB)
NO_TRANSMISSION_IL_DB = 300.0

#: roles a channel can be given
ROLES = ("thru", "next", "fext")

#: share of the thru's impulse-response energy (from t = 0) by which it counts as arrived: its
#: flight time
ARRIVAL_ENERGY_FRACTION = 0.1
#: the early window of the FEXT check: before this fraction of the thru's flight time
FEXT_CHECK_WINDOW_OF_FLIGHT = 0.5
#: the early window of the NEXT check: before this fraction of the thru's flight time (a NEXT
#: coupled at distance x from the victim's receiver returns at 2x/v, so this window holds the NEXT
#: of every coupling within 3/8 of the line from the receiver; the P802.3ck FEXT files put at most
#: 2e-4 of their energy before it)
NEXT_CHECK_WINDOW_OF_FLIGHT = 0.75
#: early energy fraction above which an aggressor given as FEXT looks like NEXT (a FEXT file cannot
#: arrive before the signal: the P802.3ck ones have at most 1e-4 there; the NEXT of one uniform
#: coupled line has half: its step response plateaus from 0 to 2 TD, so its impulse response is two
#: equal impulses at 0 and 2 TD; connector-dominated NEXT files, as the P802.3ck ones, 99.8 % or
#: more)
FEXT_MAX_EARLY_FRACTION = 0.2
#: early energy fraction below which an aggressor given as NEXT looks like FEXT
NEXT_MIN_EARLY_FRACTION = 0.01
#: thru flight time (s) from which a NEXT file is judged (a shorter thru's early window is shorter
#: than a package and connector, where NEXT couples; the P802.3ck NEXT files peak at 0.7-1.0 ns)
NEXT_CHECK_MIN_FLIGHT_S = 3e-9
#: the check is made only when the thru's flight lies within this fraction of the aggressor's
#: causal record (an impulse response on a grid of step df spans 1/df, of which the transform
#: keeps three quarters after t = 0; a coarser grid wraps a late arrival to early times)
MAX_FLIGHT_OF_RECORD = 0.5


def check_role(ch: Channel, role: str, label: str, advice: str | None = None) -> float:
    """Warn when ``ch`` does not look like its ``role``; return its low-band loss in dB.

    Parameters
    ----------
    ch : Channel
        The channel as it will be used.
    role : {"thru", "next", "fext"}
        What the caller uses it as.
    label : str
        How the caller names it in the warning (an argument name or file).
    advice : str, optional
        What to check, replacing the default (thru first, aggressors to next/fext), for callers
        that take one channel (the il and erl commands).

    Returns
    -------
    float
        Median insertion loss (dB) over the lowest 2 % of the band.

    Warns
    -----
    SIKernelWarning
        A thru with more than :data:`CROSSTALK_LOW_BAND_MIN_IL_DB` of loss there, or an
        aggressor with less than ``THRU_LOW_BAND_MAX_IL_DB`` (6 dB).
    """
    if role not in ROLES:
        raise SIKernelError(f"role={role!r}: a channel is used as one of {ROLES}")
    il_db = _low_band_il_db(ch.f, ch.sdd[:, 1, 0])
    if il_db >= NO_TRANSMISSION_IL_DB:
        warnings.warn(f"{label} ({ch.name or 'unnamed channel'}) transmits nothing at the bottom of "
                      f"its band (|SDD21| = 0 there): an empty or disconnected channel, or a port "
                      "map on unconnected ports; check the file and the port map", SIKernelWarning,
                      stacklevel=3)
    elif role == "thru" and il_db > CROSSTALK_LOW_BAND_MIN_IL_DB:
        warnings.warn(f"{label} ({ch.name or 'unnamed channel'}) is given as the thru but loses "
                      f"{il_db:.0f} dB at the bottom of its band, as a crosstalk (NEXT/FEXT) file "
                      "does (a thru loses a few dB there); " + (advice or "check that the thru "
                      "comes first and the aggressors go to next/fext, and the port map"),
                      SIKernelWarning, stacklevel=3)
    elif role != "thru" and il_db < THRU_LOW_BAND_MAX_IL_DB:
        warnings.warn(f"{label} ({ch.name or 'unnamed channel'}) is given as a {role.upper()} "
                      f"aggressor but loses only {il_db:.1f} dB at the bottom of its band, as a "
                      "thru does (crosstalk couples little at low frequency); check that the "
                      "thru was not passed as an aggressor", SIKernelWarning, stacklevel=3)
    return il_db


def _impulse_energy(ch: Channel) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(t in s, energy per sample, causal record length in s) of ``ch``'s SDD21 impulse response
    from t = 0, sampled at twice its top frequency (the data's own resolution; no filters); on a
    uniform grid from 0 Hz (:func:`~sikernel.channel.dc.extrapolate_dc`, the smallest step of a
    non-uniform grid) when the data is not.  None where the data gives no transform (a check that
    cannot be made is not a reason to stop the caller's computation, which checks its own input)."""
    from ..response import impulse_response
    from .dc import extrapolate_dc

    with warnings.catch_warnings():   # the caller warns about its own grid; not twice
        warnings.simplefilter("ignore")
        try:
            ch = extrapolate_dc(ch)   # a uniform grid from 0 Hz comes back as it is
            r = impulse_response(ch, float(ch.f[-1]), 2, truncate_tol=None, causality="ignore")
        except SIKernelError:
            return None
    causal = r.t_s >= 0.0
    return r.t_s[causal], (r.v * r.v)[causal], float(r.t_s[-1])


def flight_time_s(ch: Channel) -> float:
    """When ``ch``'s impulse response has delivered :data:`ARRIVAL_ENERGY_FRACTION` of its energy
    after t = 0 (s).

    Parameters
    ----------
    ch : Channel
        A thru (its SDD21).

    Returns
    -------
    float
        The signal's flight time through the channel, as its energy's arrival; NaN for a channel
        that carries no energy or whose data gives no impulse response.
    """
    te = _impulse_energy(ch)
    if te is None or not np.any(te[1] > 0.0):
        return float("nan")
    t, e, _ = te
    c = np.cumsum(e)
    return float(t[min(int(np.searchsorted(c, ARRIVAL_ENERGY_FRACTION * c[-1])), t.size - 1)])


def early_energy_fraction(aggressor: Channel, before_s: float) -> float:
    """Share of ``aggressor``'s impulse-response energy after t = 0 that arrives before ``before_s``.

    Parameters
    ----------
    aggressor : Channel
        A crosstalk channel (its SDD21).
    before_s : float
        End of the early window (s).

    Returns
    -------
    float
        In [0, 1]; NaN for a channel that carries no energy, whose data gives no impulse response,
        or whose record is too short for the window (``before_s`` beyond
        :data:`MAX_FLIGHT_OF_RECORD` of it).
    """
    te = _impulse_energy(aggressor)
    if te is None:
        return float("nan")
    t, e, record_s = te
    total = float(e.sum())
    if total <= 0.0 or not 0.0 < before_s < MAX_FLIGHT_OF_RECORD * record_s:
        return float("nan")
    return float(e[t < before_s].sum()) / total


def check_crosstalk_direction(thru_flight_s: float, aggressor: Channel, role: str, label: str) -> float:
    """Warn when an aggressor given as FEXT arrives as NEXT does, or one given as NEXT as FEXT does.

    Parameters
    ----------
    thru_flight_s : float
        The thru's flight time (:func:`flight_time_s`), in s.
    aggressor : Channel
        The crosstalk channel as it will be used.
    role : {"next", "fext"}
        What the caller uses it as.
    label : str
        How the caller names it in the warning.

    Returns
    -------
    float
        The aggressor's energy fraction in the role's early window
        (:data:`FEXT_CHECK_WINDOW_OF_FLIGHT` or :data:`NEXT_CHECK_WINDOW_OF_FLIGHT` × the thru's
        flight); NaN where the check cannot be made (no flight time, a record too short for it, an
        aggressor without energy) or, for NEXT, is not made (a thru shorter than
        :data:`NEXT_CHECK_MIN_FLIGHT_S`).

    Warns
    -----
    SIKernelWarning
        ``role="fext"`` with more than :data:`FEXT_MAX_EARLY_FRACTION` early (far-end crosstalk
        over a path as long as the thru's cannot arrive before the signal), or ``role="next"`` with
        less than :data:`NEXT_MIN_EARLY_FRACTION` early.
    """
    if role not in ("next", "fext"):
        raise SIKernelError(f"role={role!r}: an aggressor is used as 'next' or 'fext'")
    if not thru_flight_s > 0.0 or (role == "next" and thru_flight_s < NEXT_CHECK_MIN_FLIGHT_S):
        return float("nan")
    window = FEXT_CHECK_WINDOW_OF_FLIGHT if role == "fext" else NEXT_CHECK_WINDOW_OF_FLIGHT
    window_s = window * thru_flight_s
    early = early_energy_fraction(aggressor, window_s)
    name = aggressor.name or "unnamed channel"
    if role == "fext" and early > FEXT_MAX_EARLY_FRACTION:
        warnings.warn(f"{label} ({name}) is given as a FEXT aggressor but {early:.0%} of its energy "
                      f"arrives in the first {window_s * 1e9:.2g} ns, before the thru's signal "
                      f"({thru_flight_s * 1e9:.3g} ns): far-end crosstalk travels with its aggressor's "
                      "signal (over a path as long as the thru's, it arrives with it), near-end crosstalk "
                      "arrives at once; check whether this is a NEXT file (COM prices the two "
                      "differently)", SIKernelWarning, stacklevel=3)
    elif role == "next" and early < NEXT_MIN_EARLY_FRACTION:
        warnings.warn(f"{label} ({name}) is given as a NEXT aggressor but only {early:.1%} of its "
                      f"energy arrives in the first {window_s * 1e9:.2g} ns; it arrives with the "
                      f"thru's signal ({thru_flight_s * 1e9:.3g} ns) as far-end crosstalk does (or its "
                      "coupling is all far from the receiver); check whether this is a FEXT file (COM "
                      "prices the two differently)", SIKernelWarning, stacklevel=3)
    return early


__all__ = ["ARRIVAL_ENERGY_FRACTION", "CROSSTALK_LOW_BAND_MIN_IL_DB", "FEXT_CHECK_WINDOW_OF_FLIGHT",
           "FEXT_MAX_EARLY_FRACTION", "MAX_FLIGHT_OF_RECORD", "NEXT_CHECK_MIN_FLIGHT_S",
           "NEXT_CHECK_WINDOW_OF_FLIGHT", "NEXT_MIN_EARLY_FRACTION", "NO_TRANSMISSION_IL_DB", "ROLES",
           "check_crosstalk_direction", "check_role", "early_energy_fraction", "flight_time_s"]
