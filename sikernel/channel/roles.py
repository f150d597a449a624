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
"""

from __future__ import annotations

import warnings

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


__all__ = ["CROSSTALK_LOW_BAND_MIN_IL_DB", "NO_TRANSMISSION_IL_DB", "ROLES", "check_role"]
