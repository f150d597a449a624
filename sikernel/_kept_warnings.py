"""Warnings a long run raised, kept with its result as well as shown.

A script that reads ``sikernel study --json`` (or a ``StudyResult``) never sees stderr, so a
legal but dubious input the run warned about would be lost to it (new-user review, December
2026).  :func:`kept_warnings` keeps the :class:`~sikernel.errors.SIKernelWarning` messages shown
inside it by hooking ``warnings.showwarning``: the caller's filters decide as without it (an
"error" filter raises where the warning is raised; an "ignore" filter hides a warning, which is
then not kept either), and each warning is shown when it happens.  Entering it resets the
once-per-location registries (``warnings.catch_warnings``), so a second run in the same session
shows and keeps its warnings again.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from .errors import SIKernelWarning


@contextlib.contextmanager
def kept_warnings(messages: list[str]) -> Iterator[list[str]]:
    """Append each distinct :class:`SIKernelWarning` message shown inside (whitespace runs
    collapsed, first-seen order) to ``messages``; every warning is still shown by the handler in
    place when entering.

    Parameters
    ----------
    messages : list of str
        Filled as warnings are shown.

    Yields
    ------
    list of str
        ``messages``.
    """
    with warnings.catch_warnings():     # filters as the caller's; handler restored on leaving
        shown = warnings.showwarning

        def keep(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: object = None, line: str | None = None) -> None:
            if issubclass(category, SIKernelWarning):
                text = " ".join(str(message).split())
                if text not in messages:
                    messages.append(text)
            shown(message, category, filename, lineno, file, line)

        warnings.showwarning = keep
        yield messages
