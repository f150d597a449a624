"""Numbers with an SI unit on the command line: ``--at 26.5625GHz``, ``--baud 53.125GBd``.

One grammar for both: a number, then optionally an SI prefix (k, M, G, T) and the unit, the
unit may be left out after a prefix (``26.5625G``), and a bare number is in the base unit (Hz,
Bd).  Case is free except for ``m``: a lower-case ``m`` is the SI milli, so ``26.5mHz`` is
refused with the fix rather than read as megahertz.
"""

from __future__ import annotations

import math
import re

from ..errors import SIKernelError

#: SI prefixes accepted (upper-case M only: the lower-case m is milli and refused)
_PREFIX = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}

_NUMBER = r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?"


def _parse(option: str, text: str, units: tuple[str, ...], example: str, what: str,
           milli_hint: str = "", signed: bool = False) -> tuple[float, bool]:
    """``text`` as a number in the base unit and whether it was bare (no prefix, no unit).

    ``units`` are the spellings of the base unit (lower case), longest first; ``milli_hint`` ends
    the message for a lower-case ``m``; ``signed`` leaves the sign to the caller's own check.
    """
    unit_re = "|".join(re.escape(u) for u in units)
    m = re.fullmatch(rf"\s*({_NUMBER})\s*([kKmMgGtT]?)((?:{unit_re})?)\s*", text, flags=re.IGNORECASE)
    try:
        if not m:
            raise ValueError
        value = float(m.group(1)) * _PREFIX[m.group(2).lower()]
    except (ValueError, KeyError):
        raise SIKernelError(f"{option} {text!r}: expected {what} such as {example}") from None
    if m.group(2) == "m":   # SI: m is milli; 26.5mHz would be read as MHz otherwise
        base = units[-1][0].upper() + units[-1][1:]   # "Hz", "Bd"
        raise SIKernelError(f"{option} {text!r}: a lower-case 'm' is milli in SI units, not mega; "
                            f"write {m.group(1)}M{base} for mega (or the number in {base}){milli_hint}")
    if not math.isfinite(value) or (value < 0 and not signed):
        raise SIKernelError(f"{option} {text!r}: {what} must be finite and >= 0")
    return value, not (m.group(2) or m.group(3))


def parse_frequency(text: str, option: str = "--at") -> tuple[float, bool]:
    """``"26.5625e9"``, ``"26.5625GHz"`` or ``"26.5625 G"`` -> (Hz, bare).

    Parameters
    ----------
    text : str
        A number in Hz, optionally followed by a unit Hz, kHz, MHz, GHz or THz (the "Hz" may be
        left out after a prefix; a lower-case ``m`` is refused, see the module).
    option : str, optional
        The option named in an error.

    Returns
    -------
    tuple of (float, bool)
        The frequency in Hz, and whether the text was a bare number (no unit).

    Raises
    ------
    SIKernelError
        Not a frequency; negative or non-finite.
    """
    return _parse(option, text, ("hz",), "26.5625e9 or 26.5625GHz", "a frequency")


def parse_symbol_rate(text: str, option: str = "--baud") -> float:
    """``"53.125e9"``, ``"53.125GBd"``, ``"53.125 GBaud"`` or ``"53.125G"`` -> Bd.

    The range check (and the GBd-typed-as-Bd hint for a bare ``53.125``) is the API's,
    :func:`sikernel._validate.symbol_rate`.

    Parameters
    ----------
    text : str
        A number in Bd, optionally followed by a unit Bd, kBd, MBd, GBd or TBd ("baud" also
        accepted; the unit may be left out after a prefix).
    option : str, optional
        The option named in an error.

    Returns
    -------
    float
        The symbol rate in Bd.

    Raises
    ------
    SIKernelError
        Not a symbol rate, or outside the API's range.
    """
    from .._validate import symbol_rate

    _refuse_bit_rate(option, text)
    value, _ = _parse(option, text, ("baud", "bd"), "53.125e9 or 53.125GBd", "a symbol rate",
                      milli_hint="; a wireline symbol rate is in GBd, e.g. 53.125GBd", signed=True)
    return symbol_rate(option, value)   # the range and its fix (a negative value included)


#: a bit rate typed where a symbol rate is asked: a number, an SI prefix, then b/s, bps or bit/s
_BIT_RATE = re.compile(rf"\s*({_NUMBER})\s*([kKMgGtT]?)\s*(?:b/s|bps|bit/s|bits/s)\s*", re.IGNORECASE)


def _refuse_bit_rate(option: str, text: str) -> None:
    """Refuse a bit rate (``106.25Gb/s``) given for a symbol rate, with the PAM4 symbol rate it
    means (fuzz 31 low: the message had only said "expected a symbol rate such as ...")."""
    m = _BIT_RATE.fullmatch(text)
    if not m:
        return
    try:
        gbps = float(m.group(1)) * _PREFIX[m.group(2).lower()] / 1e9
    except ValueError:
        return
    raise SIKernelError(f"{option} {text!r}: {m.group(2).upper()}b/s is a bit rate; {option} takes the "
                        f"symbol rate: PAM4 (2 bits per symbol) at {gbps:g} Gb/s is {gbps / 2:g} GBd "
                        f"({option} {gbps / 2:g}GBd), NRZ is {gbps:g} GBd")
