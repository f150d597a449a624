"""Exceptions and warnings raised by sikernel.

Every public entry point checks its input and raises :class:`SIKernelError`
(a :class:`ValueError`) whose message names the offending value and says what
would be accepted.  Suspicious but usable data (non-passive S-parameters, a
port map that looks swapped, a non-causal impulse response) is reported with
:class:`SIKernelWarning`.
"""

from __future__ import annotations


class SIKernelError(ValueError):
    """Bad input to a sikernel function: the message names the value and what is accepted."""


class LinkNotClosingError(SIKernelError):
    """A valid link that no equaliser family (or not the one requested) closes at the target BER:
    the message gives each family's limiting reason.  A :class:`SIKernelError`, so callers that
    catch that keep working; catch this one to tell the model's reach limit from bad input."""


class NoTransmissionError(SIKernelError):
    """A channel whose |SDD21| is zero where a computation needs it (a dead channel or a wrong
    port map).  A :class:`SIKernelError`; catch this one to word the refusal for the caller."""


class SIKernelWarning(UserWarning):
    """Data that can be used but looks wrong (non-passive, swapped port map, non-causal)."""


__all__ = ["LinkNotClosingError", "NoTransmissionError", "SIKernelError", "SIKernelWarning"]
