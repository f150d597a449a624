"""``--set NAME=VALUE`` configuration overrides of the ``sikernel com`` and ``sikernel erl``
commands (one parser, one set of error messages, the ranges of the size-like fields)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import SIKernelError

#: ranges (inclusive) of the ``sikernel com --set`` fields that size arrays or loops: a value
#: outside would allocate absurd memory or run for days (``dfe_n_f=1e9`` was a MemoryError);
#: every preset and IEEE sheet lies well inside
COM_LIMITS: dict[str, tuple[float, float]] = {
    "baud_hz": (1e8, 5e11), "n_levels": (2, 16), "samples_per_ui": (4, 128),
    "df_hz": (1e6, 1e9), "rx_ffe_n_pre": (0, 64), "rx_ffe_n_post": (0, 256),
    "dfe_n_bg": (0, 16), "dfe_n_bf": (0, 64), "dfe_n_f": (0, 1000), "dfe_n_tail_start": (0, 1000),
    "local_search": (0, 100), "c2m_samples_per_ui": (1, 1000),
}
#: ... and of the ``sikernel erl --set`` fields (N UI of PTDR, the PMF bin, the TDR sampling)
ERL_LIMITS: dict[str, tuple[float, float]] = {
    "f_b_hz": (1e8, 5e11), "samples_per_ui": (2, 128), "n_levels": (2, 16),
    "n_ui": (1, 100_000), "n_bx": (0, 100_000), "pdf_bin_v": (1e-6, 0.1),
}
#: fields that are no parameter to set from the command line (provenance, objects, free dicts)
COM_FIXED: dict[str, str] = {
    "name": "the preset's name (choose a preset with --preset)",
    "version": "provenance text", "source": "provenance text",
    "extra": "a table of the sheet's unparsed keywords",
}
ERL_FIXED: dict[str, str] = {
    "source": "provenance text",
    "tx_package": "a package model, set by the configuration sheet (--config SHEET.xlsx)",
}


def parse_set(items: Iterable[str], base: Mapping[str, Any], what: str, *,
              limits: Mapping[str, tuple[float, float]] | None = None,
              fixed: Mapping[str, str] | None = None) -> dict[str, Any]:
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
    limits : mapping, optional
        Field name -> (lowest, highest) accepted number (inclusive): the size-like fields
        (:data:`COM_LIMITS`, :data:`ERL_LIMITS`).
    fixed : mapping, optional
        Field name -> what it is, for fields that cannot be set from the command line
        (:data:`COM_FIXED`, :data:`ERL_FIXED`); a field whose configured value is neither a
        number, a flag, text, a list nor None (a dict, an object) cannot be set either.

    Returns
    -------
    dict
        Field name -> value.

    Raises
    ------
    SIKernelError
        An item without ``=``, an unknown name (the known ones listed), a field that cannot be
        set, a value of the wrong kind (naming the item, what the field takes and an example
        from ``base``) or a number outside the field's range in ``limits``.
    """
    out: dict[str, Any] = {}
    for it in items:
        if "=" not in it:
            raise SIKernelError(f"--set {it!r}: expected NAME=VALUE, e.g. --set {_example(base)}")
        k, v = (x.strip() for x in it.split("=", 1))
        if k not in base:
            raise SIKernelError(f"--set {it!r}: unknown {what} {k!r}; known: "
                                f"{', '.join(sorted(_settable(base, fixed)))}")
        ref = _plain(base[k])
        if (fixed and k in fixed) or not _settable_value(ref):
            why = fixed[k] if fixed and k in fixed else f"a {type(ref).__name__}, not a number, flag or list"
            raise SIKernelError(f"--set {it!r}: {k} cannot be set with --set ({why}); settable: "
                                f"{', '.join(sorted(_settable(base, fixed)))}")
        try:
            val = json.loads(v)
        except (json.JSONDecodeError, RecursionError):
            val = v
        val = _checked(it, k, val, ref)
        if limits and k in limits and isinstance(val, int | float) and not isinstance(val, bool):
            lo, hi = limits[k]
            if not lo <= val <= hi:
                raise SIKernelError(f"--set {it!r}: {k} must be in {lo:g}..{hi:g} (larger or smaller "
                                    f"values size absurd arrays or loops; the configuration has "
                                    f"{ref!r}), e.g. --set {k}={ref!r}")
        out[k] = val
    return out


def _plain(ref: Any) -> Any:
    """A NumPy scalar of a configuration (a sheet's values) as the Python one."""
    import numpy as np

    return ref.item() if isinstance(ref, np.generic) else ref


def _settable_value(ref: Any) -> bool:
    """Whether a configuration value is of a kind ``--set`` can give (JSON scalar, list, None)."""
    ref = _plain(ref)
    return ref is None or isinstance(ref, bool | int | float | str | list | tuple)


def _settable(base: Mapping[str, Any], fixed: Mapping[str, str] | None) -> list[str]:
    return [k for k, v in base.items() if _settable_value(v) and not (fixed and k in fixed)]


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
    if ref is None:   # an optional setting: null, a number or a list of numbers
        if val is None:
            return None
        if isinstance(val, int | float) and not isinstance(val, bool) and math.isfinite(val):
            return val
        if isinstance(val, list) and _first_bad_number(val) is None:
            return val
        raise SIKernelError(f"--set {item!r}: {k} takes null, a finite number or a JSON list of "
                            f"finite numbers (the configuration has null), e.g. --set {k}=null")
    if isinstance(ref, str) and not isinstance(val, str):
        raise SIKernelError(f"--set {item!r}: {k} takes a name (the configuration has {ref!r}), "
                            f"e.g. --set {k}={ref}")
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
