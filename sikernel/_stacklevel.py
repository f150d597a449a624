"""The ``stacklevel`` that points a warning at the user's line, however deep inside sikernel it is
raised (the approach of pandas' ``find_stack_level``): a check reached both directly and through
the channel normaliser (``read_touchstone`` and ``as_channel`` from every entry) cannot know its
depth in advance (review 29)."""

from __future__ import annotations

import inspect
import os

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


def _inside(frame) -> bool:
    """A frame of sikernel: its source file is in the package, or it is the ``__init__`` that
    :mod:`dataclasses` generates for a sikernel class (file ``<string>``, ``self`` a sikernel
    object: a ``Channel(...)`` warns from its ``__post_init__``)."""
    code = frame.f_code
    path = os.path.abspath(code.co_filename)
    if path.startswith(_PKG_DIR + os.sep):   # not a sibling whose name starts the same
        return True
    if code.co_filename == "<string>" and code.co_name == "__init__":
        owner = type(frame.f_locals.get("self")).__module__
        return owner == "sikernel" or owner.startswith("sikernel.")
    return False


def user_stacklevel() -> int:
    """``stacklevel`` for :func:`warnings.warn` called by the caller of this function: the number of
    frames from there to the first frame outside the sikernel package."""
    frame = inspect.currentframe()
    n = 0
    try:
        while frame is not None and _inside(frame):
            frame = frame.f_back
            n += 1
    finally:
        del frame
    return max(n, 1)
