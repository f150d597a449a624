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


class SIKernelWarning(UserWarning):
    """Data that can be used but looks wrong (non-passive, swapped port map, non-causal)."""


__all__ = ["SIKernelError", "SIKernelWarning"]
