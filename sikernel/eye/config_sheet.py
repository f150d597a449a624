"""Reader of the IEEE 802.3 COM configuration sheets (``config_com_ieee8023_93a=*.xlsx``).

The sheets are the input of the IEEE 802.3 COM reference code (``com_ieee8023_93a_*.m``,
public mirror github.com/Omer-Sella/COM, function ``read_ParamConfigFile``).  That code
reads sheet ``COM_Settings`` whole and finds every keyword with ``xls_parameter``: the
first cell equal to the keyword (``strcmpi``: case-insensitive, exact otherwise, so a
trailing space makes a different keyword), its value the cell to its right; text values
are ``eval``-ed as MATLAB expressions (``[12 31; 1.8 1.8]``, ``[-0.34:0.02:0]``,
``[0.3 0.2*ones(1,5)]``); a keyword found twice is an error.

Here: the name/value column pairs of ``COM_Settings`` are found from the layout (the
column after each separator column -- a column with at most 5 % filled cells -- and
column A hold names; the next column holds the values; the unit and information columns
are not read), every filled name with a filled value is returned with its raw spelling,
and text values are parsed by a small MATLAB-expression evaluator (numbers, ``+ - * /``,
unary minus, parentheses, ``a:b`` / ``a:s:b`` ranges, ``ones``/``zeros``, ``Inf``/``NaN``,
bracketed matrices with ``;`` rows and space- or comma-separated elements, MATLAB's rule
that ``[1 -2]`` is two elements and ``[1 - 2]`` one).  Text that is not such an expression
(``C2C``, result folders) stays a string.

The sheets are Strict Open XML, which openpyxl does not read; ``python-calamine``
(optional extra ``com-sheets``) does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SIKernelError

#: a column with at most this fraction of filled cells separates name/value blocks
_SEPARATOR_FILL = 0.05
#: the sheet that holds the parameters (as the reference code's xlsread call)
SETTINGS_SHEET = "COM_Settings"


def _filled(x: Any) -> bool:
    return not (x is None or (isinstance(x, str) and x.strip() == ""))


def read_cells(path: str | Path) -> list[list[Any]]:
    """All cells of sheet ``COM_Settings`` (rows of Python values, '' when empty).

    Raises
    ------
    SIKernelError
        The file is missing, python-calamine is not installed, or there is no
        ``COM_Settings`` sheet.
    """
    p = Path(path)
    if not p.is_file():
        raise SIKernelError(f"COM config sheet {str(p)!r} not found; expected an IEEE "
                            "config_com_ieee8023_93a=*.xlsx file")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - depends on the environment
        raise SIKernelError("reading an IEEE COM config sheet needs python-calamine "
                            "(pip install 'sikernel[com-sheets]')") from None
    try:
        wb = CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # calamine raises its own error types
        raise SIKernelError(f"COM config sheet {str(p)!r} could not be read as a workbook: {exc}") from None
    if SETTINGS_SHEET not in wb.sheet_names:
        raise SIKernelError(f"COM config sheet {str(p)!r} has no sheet {SETTINGS_SHEET!r} "
                            f"(sheets: {wb.sheet_names}); expected an IEEE COM configuration workbook")
    rows = wb.get_sheet_by_name(SETTINGS_SHEET).to_python()
    width = max((len(r) for r in rows), default=0)
    return [list(r) + [""] * (width - len(r)) for r in rows]


def name_columns(cells: list[list[Any]]) -> list[int]:
    """Columns holding keyword names: column 0 and the first column after each run of
    separator columns (at most ``_SEPARATOR_FILL`` of the rows filled)."""
    if not cells:
        return []
    n_rows, width = len(cells), len(cells[0])
    sep = [sum(_filled(r[c]) for r in cells) <= _SEPARATOR_FILL * n_rows for c in range(width)]
    cols = [0]
    for c in range(1, width):
        if sep[c - 1] and not sep[c]:
            cols.append(c)
    return cols


def read_sheet(path: str | Path) -> dict[str, Any]:
    """Every parameter of an IEEE COM config sheet: raw keyword -> parsed value.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` configuration workbook of the IEEE 802.3 COM reference code.

    Returns
    -------
    dict
        Keys are the keywords exactly as written in the sheet (surrounding spaces kept:
        the reference code matches them exactly, case-insensitively).  Values: ``float``
        for numbers, ``numpy.ndarray`` for bracketed or range expressions (1-D for one
        row, 2-D ``(rows, cols)`` for several), ``str`` for other text.  Sheet order.

    Raises
    ------
    SIKernelError
        Unreadable file, or a keyword defined twice (the reference code's
        ``COM:XLS_parameter:MultipleOccurrence`` error).
    """
    cells = read_cells(path)
    out: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for c in name_columns(cells):
        if c + 1 >= len(cells[0]):
            continue
        for r in cells:
            name, value = r[c], r[c + 1]
            if not (isinstance(name, str) and _filled(name) and _filled(value)):
                continue
            if isinstance(value, str) and value.strip().lower() == "setting":
                continue                      # a block header "Parameter | Setting"
            low = name.lower()
            if low in seen:
                raise SIKernelError(f"COM config sheet {str(path)!r}: keyword {name!r} occurs twice "
                                    "(the reference code rejects that too); fix the sheet")
            seen[low] = name
            out[name] = parse_value(value)
    return out


def lookup(sheet: dict[str, Any], keyword: str) -> tuple[bool, Any]:
    """(found, value) of ``keyword`` as the reference code's ``xls_parameter`` finds it:
    case-insensitive, otherwise exact (a keyword written with a trailing space is not
    found under its bare name)."""
    low = keyword.lower()
    for k, v in sheet.items():
        if k.lower() == low:
            return True, v
    return False, None


# -- MATLAB expression values ------------------------------------------------------------
_TOKEN = re.compile(r"\s+|\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.|[A-Za-z_]\w*|[\[\]();,:+\-*/^]")


def parse_value(value: Any) -> Any:
    """A sheet cell as the reference code sees it after ``eval``: numbers stay floats,
    MATLAB numeric expressions become floats or numpy arrays, other text stays text."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return value
    s = value.strip()
    try:
        return _eval_matlab(s)
    except (ValueError, SyntaxError, TypeError, ZeroDivisionError):
        return value


def _tokens(s: str) -> list[str]:
    pos, out = 0, []
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            raise ValueError(f"not a MATLAB numeric expression: {s!r}")
        out.append(m.group(0))
        pos = m.end()
    return out


def _eval_matlab(s: str) -> Any:
    toks = _tokens(s)
    if not toks:
        raise ValueError("empty")
    if toks[0] == "[":
        if toks[-1] != "]" or "[" in toks[1:] or "]" in toks[:-1]:
            raise ValueError(f"unbalanced or nested brackets in {s!r}")
        return _matrix(toks[1:-1])
    v = _element(toks)
    if isinstance(v, np.ndarray):
        return v
    return float(v)


def _matrix(toks: list[str]) -> np.ndarray:
    rows: list[list[str]] = [[]]
    depth = 0
    for t in toks:
        depth += t == "("
        depth -= t == ")"
        if t == ";" and depth == 0:
            rows.append([])
        else:
            rows[-1].append(t)
    out = []
    for row in rows:
        elems = [np.atleast_1d(np.asarray(_element(e), dtype=float)) for e in _split_elements(row)]
        if elems:
            out.append(np.concatenate(elems))
    if not out:
        return np.zeros(0)
    if len(out) == 1:
        return out[0]
    if len({r.size for r in out}) != 1:
        raise ValueError("rows of different lengths")
    return np.vstack(out)


def _is_operand_end(t: str) -> bool:
    return t == ")" or bool(re.match(r"^(\d|\.\d|[A-Za-z_])", t))


def _split_elements(toks: list[str]) -> list[list[str]]:
    """Split a matrix row into elements (MATLAB rules for spaces and commas)."""
    elems: list[list[str]] = [[]]
    depth = 0
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1
        if depth == 0 and t == ",":
            elems.append([])
        elif depth == 0 and t.isspace():
            prev = next((x for x in reversed(elems[-1]) if not x.isspace()), None)
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            after = toks[i + 2] if i + 2 < len(toks) else None
            if prev is not None and _is_operand_end(prev) and nxt is not None:
                if nxt in "+-" and after is not None and not after.isspace():
                    elems.append([])          # "[1 -2]": a new, signed element
                elif nxt not in ("+", "-", "*", "/", "^", ":", ")", ","):
                    elems.append([])          # "[1 2]"
        else:
            elems[-1].append(t)
        i += 1
    return [e for e in elems if any(not x.isspace() for x in e)]


def _element(toks: list[str]) -> Any:
    """One element: an arithmetic expression or a range a:b / a:s:b."""
    toks = [t for t in toks if not t.isspace()]
    parts: list[list[str]] = [[]]
    depth = 0
    for t in toks:
        depth += t == "("
        depth -= t == ")"
        if t == ":" and depth == 0:
            parts.append([])
        else:
            parts[-1].append(t)
    vals = [_arith("".join(p)) for p in parts]
    if len(vals) == 1:
        return vals[0]
    if len(vals) == 2:
        a, b, st = vals[0], vals[1], 1.0
    elif len(vals) == 3:
        a, st, b = vals
    else:
        raise ValueError("bad range")
    if st == 0 or (b - a) / st < 0:
        return np.zeros(0)
    n = int(np.floor((b - a) / st + 1e-10)) + 1
    return np.round(a + st * np.arange(n), 12)


_FUNCS = {"ones": np.ones, "zeros": np.zeros}
_NAMES = {"inf": np.inf, "nan": np.nan, "pi": np.pi}


def _arith(expr: str) -> Any:
    if not expr:
        raise ValueError("empty element")
    tree = ast.parse(expr.replace("^", "**"), mode="eval")

    def ev(n: ast.AST) -> Any:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return float(n.value)
        if isinstance(n, ast.Name) and n.id.lower() in _NAMES:
            return _NAMES[n.id.lower()]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            v = ev(n.operand)
            return -v if isinstance(n.op, ast.USub) else v
        if isinstance(n, ast.BinOp):
            a, b = ev(n.left), ev(n.right)
            ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                   ast.Div: np.divide, ast.Pow: np.power}
            for k, f in ops.items():
                if isinstance(n.op, k):
                    return f(a, b)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _FUNCS:
            dims = [int(ev(a)) for a in n.args]
            shape = (dims[0], dims[0]) if len(dims) == 1 else tuple(dims)
            arr = _FUNCS[n.func.id](shape)
            return arr.ravel() if arr.ndim == 2 and arr.shape[0] == 1 else arr
        raise ValueError(f"unsupported MATLAB expression {expr!r}")

    return ev(tree)


__all__ = ["SETTINGS_SHEET", "lookup", "name_columns", "parse_value", "read_cells", "read_sheet"]
