"""``--set NAME=VALUE`` configuration overrides of the ``sikernel com`` and ``sikernel erl``
commands: one parser, one set of error messages."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import SIKernelError


def parse_set(items: Iterable[str], base: Mapping[str, Any], what: str) -> dict[str, Any]:
    """``--set NAME=VALUE`` items -> overrides, checked against the configuration they override.

    Each value is read as JSON (numbers, lists, ``true``/``false``) and otherwise kept as the
    string; it must be of the kind of the configuration's own value: a finite number where
    that is a number (a whole number where that is an integer count), ``true``/``false`` (or
    1/0) where it is a flag, a JSON list where it is a sequence (of finite numbers where the
    configuration's sequence holds numbers).  Names and values are stripped of surrounding
    blanks; a later item for the same name replaces an earlier one.

    Parameters
    ----------
    items : iterable of str
        The ``--set`` arguments.
    base : mapping
        Field name -> current value of the configuration overridden (its values give the
        expected kinds and the examples in the messages).
    what : str
        What a name is, for the messages (e.g. ``"preset value"``, ``"ERL setting"``).

    Returns
    -------
    dict
        Field name -> value.

    Raises
    ------
    SIKernelError
        An item without ``=``, an unknown name (the known ones listed) or a value of the wrong
        kind (naming the item, what the field takes and an example from ``base``).
    """
    out: dict[str, Any] = {}
    for it in items:
        if "=" not in it:
            raise SIKernelError(f"--set {it!r}: expected NAME=VALUE, e.g. --set {_example(base)}")
        k, v = (x.strip() for x in it.split("=", 1))
        if k not in base:
            raise SIKernelError(f"--set {it!r}: unknown {what} {k!r}; known: {', '.join(sorted(base))}")
        try:
            val = json.loads(v)
        except json.JSONDecodeError:
            val = v
        out[k] = _checked(it, k, val, base[k])
    return out


def _checked(item: str, k: str, val: Any, ref: Any) -> Any:
    """``val`` if it is of the kind of ``ref`` (the configuration's value of ``k``), else
    SIKernelError; a flag given as 1/0 becomes True/False."""
    if isinstance(ref, bool):
        if isinstance(val, bool):
            return val
        if isinstance(val, int | float) and val in (0, 1):
            return bool(val)
        raise SIKernelError(f"--set {item!r}: {k} takes true or false (or 1 / 0) "
                            f"(the configuration has {json.dumps(ref)}), e.g. --set {k}={json.dumps(ref)}")
    if isinstance(ref, int | float):
        if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val):
            raise SIKernelError(f"--set {item!r}: {k} takes a finite number in SI units "
                                f"(the configuration has {ref!r}), e.g. --set {k}={ref!r}")
        if isinstance(ref, int):   # a count (samples per UI, taps, steps): a whole number
            if not float(val).is_integer():
                raise SIKernelError(f"--set {item!r}: {k} takes a whole number (the configuration "
                                    f"has {ref!r}), e.g. --set {k}={ref!r}")
            return int(val)
        return val
    if isinstance(ref, list | tuple):
        if not isinstance(val, list):
            raise SIKernelError(f"--set {item!r}: {k} takes a JSON list (the configuration has "
                                f"{_json(ref)}), e.g. --set '{k}={_json(ref)}'")
        if _numeric(ref):
            bad = _first_bad_number(val)
            if bad is not None:
                raise SIKernelError(f"--set {item!r}: {k} takes a JSON list of finite numbers; "
                                    f"{_json(bad)} is not one (the configuration has {_json(ref)}), "
                                    f"e.g. --set '{k}={_json(ref)}'")
    return val


def _numeric(ref: Any) -> bool:
    """Whether a configuration's sequence holds numbers (at any depth) and nothing else."""
    leaves = list(_leaves(ref))
    return bool(leaves) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in leaves)


def _leaves(x: Any) -> Iterable[Any]:
    if isinstance(x, list | tuple):
        for y in x:
            yield from _leaves(y)
    else:
        yield x


def _first_bad_number(val: list) -> Any:
    """The first leaf of ``val`` that is not a finite number (None: all are)."""
    for x in _leaves(val):
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            return x
    return None


def _json(x: Any) -> str:
    try:
        return json.dumps(x)
    except TypeError:
        return repr(x)


def _example(base: Mapping[str, Any]) -> str:
    """NAME=VALUE of the first numeric field of ``base`` (an example for the messages)."""
    for k, v in base.items():
        if isinstance(v, int | float) and not isinstance(v, bool):
            return f"{k}={v!r}"
    return "NAME=VALUE"
