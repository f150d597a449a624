"""A short ``repr`` for result dataclasses that hold arrays (a notebook prints it whole).

``ComResult`` printed about 17 kB (every case's pulse and the whole preset) and the eye results
their full PMF and BER arrays; :func:`short_repr` keeps scalars and short values as they are and
names the shape of arrays, the size of mappings and the length of long sequences.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

#: values whose own ``repr`` is longer than this are summarised
MAX_VALUE_CHARS = 60


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            return np.array2string(value, precision=4, separator=", ")
        return f"<array {'x'.join(map(str, value.shape))} {value.dtype}>"
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    text = repr(value)
    if len(text) <= MAX_VALUE_CHARS:
        return text
    if isinstance(value, dict):
        return f"<dict of {len(value)}>"
    if isinstance(value, list | tuple):
        return f"<{type(value).__name__} of {len(value)}>"
    return text[: MAX_VALUE_CHARS - 3] + "..."


def short_repr(obj: Any) -> str:
    """``Class(field=value, ...)`` with arrays, long mappings and long sequences summarised."""
    parts = [f"{f.name}={_short(getattr(obj, f.name))}" for f in dataclasses.fields(obj) if f.repr]
    return f"{type(obj).__name__}({', '.join(parts)})"
