"""Warnings a long run raised, kept with its result as well as shown.

A script that reads ``sikernel study --json`` (or a ``StudyResult``) never sees stderr, so a
legal but dubious input the run warned about would be lost to it (new-user review, December
2026).  :func:`kept_warnings` records the warnings raised inside it and, on leaving (also on an
exception), emits each distinct one again, so the caller's filters and handlers see them as
without it.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from .errors import SIKernelWarning


@contextlib.contextmanager
def kept_warnings(messages: list[str]) -> Iterator[list[str]]:
    """Record the warnings raised inside; append each distinct :class:`SIKernelWarning` message
    (whitespace runs collapsed, first-seen order) to ``messages``; re-emit every distinct
    warning on leaving.

    Parameters
    ----------
    messages : list of str
        Filled on leaving.

    Yields
    ------
    list of str
        ``messages``.
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            caught = rec
            yield messages
    finally:
        seen: set[tuple[type, str]] = set()
        for w in caught:
            key = (w.category, str(w.message))
            if key in seen:
                continue
            seen.add(key)
            if issubclass(w.category, SIKernelWarning):
                messages.append(" ".join(str(w.message).split()))
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
