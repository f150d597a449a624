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
import dataclasses
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

    Parameters
    ----------
    path : str or Path
        An IEEE COM configuration workbook (``config_com_ieee8023_93a=*.xlsx``).

    Returns
    -------
    list of list
        The sheet's rows, each a list of cell values.

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
    separator columns (at most ``_SEPARATOR_FILL`` of the rows filled).

    Parameters
    ----------
    cells : list of list
        The sheet's rows, as :func:`read_cells` returns them.

    Returns
    -------
    list of int
        Zero-based indices of the name columns; each value sits in the next column.
    """
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
    found under its bare name).

    Parameters
    ----------
    sheet : dict
        Keyword to value, as :func:`read_sheet` returns it.
    keyword : str
        The keyword to find.

    Returns
    -------
    tuple of (bool, object)
        Whether it was found, and its value (None when not found).
    """
    low = keyword.lower()
    for k, v in sheet.items():
        if k.lower() == low:
            return True, v
    return False, None


# -- MATLAB expression values ------------------------------------------------------------
_TOKEN = re.compile(r"\s+|\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.|[A-Za-z_]\w*|[\[\]();,:+\-*/^]")


def parse_value(value: Any) -> Any:
    """A sheet cell as the reference code sees it after ``eval``: numbers stay floats,
    MATLAB numeric expressions become floats or numpy arrays, other text stays text.

    Parameters
    ----------
    value : object
        A raw cell value (number, bool or text).

    Returns
    -------
    object
        A float, a numpy array, or the text unchanged when it is not a numeric expression.
    """
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


def _split_top(toks: list[str], sep: str) -> list[list[str]]:
    """Split tokens at every ``sep`` outside parentheses."""
    parts: list[list[str]] = [[]]
    depth = 0
    for t in toks:
        depth += t == "("
        depth -= t == ")"
        if t == sep and depth == 0:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


def _matrix(toks: list[str]) -> np.ndarray:
    out = []
    for row in _split_top(toks, ";"):
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
    vals = [_arith("".join(p)) for p in _split_top(toks, ":")]
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


# -- COM preset from a sheet -------------------------------------------------------------
#: keywords that only steer the reference tool's output (ignored, listed in the provenance)
OUTPUT_ONLY = frozenset(k.lower() for k in (
    "DIAGNOSTICS", "DISPLAY_WINDOW", "CSV_REPORT", "RESULT_DIR", "SAVE_FIGURES", "RUNTAG",
    "COM_CONTRIBUTION", "BREAD_CRUMBS", "SAVE_CONFIG2MAT", "PLOT_CM", "EW", "SAVE_TD", "SAVE_FD",
    "Sigma BBN step"))
#: keywords of ERL / TDR / ICN / FOM_ILD, which the reference code computes beside COM but
#: which do not enter COM (ignored here, listed; the ERL reader uses them)
NOT_COM = frozenset(k.lower() for k in (
    "ERL Pass threshold", "TDR", "ERL", "TR_TDR", "N", "beta_x", "rho_x", "fixture delay time",
    "TDR_W_TXPKG", "N_bx", "Tukey_Window", "f_v", "f_f", "f_n", "f_2", "f_1", "A_ft", "A_nt",
    "TDR_Butterworth", "TDR_f_BT_3db", "TDR_duration", "Grr_limit", "Grr"))
#: keywords that must hold the value here (the only one implemented) -> reason
REQUIRED = {
    "rx_calibration": (0.0, "RX calibration (93C/162B) is not implemented"),
    "erl_only": (0.0, "ERL_ONLY = 1 computes no COM"),
    "ac_cm_rms": (0.0, "AC common-mode noise (AC_CM_RMS) is not implemented"),
    "butterworth": (1.0, "only the Butterworth RX filter (93A-20) is implemented"),
    "bessel_thomson": (0.0, "the Bessel-Thomson RX filter is not implemented"),
    "port order": (np.array([1.0, 3.0, 2.0, 4.0]), "only the port order [1 3 2 4] is implemented "
                   "(read the channel with another port map and pass a Channel)"),
}
#: keywords mapped onto ComPreset fields (see :func:`com_preset_from_sheet`)
MAPPED = frozenset(k.lower() for k in (
    "f_b", "f_min", "Delta_f", "C_d", "L_s", "C_b", "C_p", "package_Z_c", "package_tl_gamma0_a1_a2",
    "package_tl_tau", "z_p select", "z_p (TX)", "z_p (NEXT)", "z_p (FEXT)", "z_p (RX)", "R_0", "R_d",
    "A_v", "A_fe", "A_ne", "L", "M", "f_r", "c(0)", "N_b", "b_max(1)", "b_max(2..N_b)", "b_min(1)",
    "b_min(2..N_b)", "g_DC", "f_z", "f_p1", "f_p2", "g_DC_HP", "f_HP_PZ", "DER_0", "T_r", "FORCE_TR",
    "Local Search", "sigma_RJ", "A_DD", "eta_0", "SNR_TX", "R_LM", "COM Pass threshold", "N_bg",
    "N_bf", "N_f", "bmaxg", "B_float_RSS_MAX", "N_tail_start", "Include PCB", "z_bp (TX)",
    "z_bp (NEXT)", "z_bp (FEXT)", "z_bp (RX)", "C_0", "C_1", "board_tl_gamma0_a1_a2",
    "board_tl_tau", "board_Z_c", "Raised_Cosine", "RC_Start", "RC_end", "PMD_type", "T_O",
    "samples_for_C2M", "Histogram_Window_Weight", "sigma_r", "Qr", "Min_VEO_Test", "EH_min_test",
    "EH_min", "VEC Pass threshold", "G_Qual", "G2_Qual"))
_TX_TAP = re.compile(r"^c\((-?\d+)\)$")


def read_keyword_defaults(path: str | Path) -> dict[str, Any]:
    """The reference code's keyword list shipped in the sheet (sheet ``keywords_<date>``:
    keyword -> default, lower-case keys); empty when the workbook has none."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    names = [s for s in wb.sheet_names if s.lower().startswith("keywords_")]
    out: dict[str, Any] = {}
    for name in names:
        for r in wb.get_sheet_by_name(name).to_python()[2:]:
            if len(r) >= 3 and isinstance(r[1], str) and r[1].strip():
                d = r[2]
                if isinstance(d, str) and re.fullmatch(r"[\s\deE.+\-]+", d) and d.strip():
                    d = parse_value("[" + d + "]")
                    if isinstance(d, np.ndarray) and d.size == 1:
                        d = float(d[0])
                out.setdefault(r[1].strip().lower(), parse_value(d))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip().lower() == str(b).strip().lower()
    aa, bb = np.atleast_1d(np.asarray(a, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
    return aa.shape == bb.shape and bool(np.allclose(aa, bb, rtol=1e-9, atol=0))


def _c2m_fields(low: dict[str, Any], name: str, vec: Any, scalar: Any) -> dict[str, Any]:
    """ComPreset fields of the C2M keywords and G_Qual (reference ``read_ParamConfigFile``:
    ``T_O`` is set to 0 unless PMD_type is C2M; ``Min_VEO_Test`` falls back on ``EH_min_test``;
    ``QL = T_O/Qr/1000`` with ``Qr`` defaulting to ``sigma_r``)."""
    pmd = str(low.get("pmd_type", "C2C")).strip().upper()
    if pmd not in ("C2C", "C2M"):
        raise SIKernelError(f"IEEE COM sheet {name!r}: 'PMD_type' = {pmd!r}; expected C2C or C2M")
    eh_min = scalar("EH_min", 0.0)
    if pmd == "C2C" and eh_min != 0:
        raise SIKernelError(f"IEEE COM sheet {name!r}: 'EH_min' = {eh_min} with PMD_type C2C (the "
                            "reference's 'C2Mcom' mode) is not implemented")
    sigma_r = scalar("sigma_r", 0.02)
    out: dict[str, Any] = dict(
        pmd_type=pmd, c2m_t_o_mui=scalar("T_O", 0.0) if pmd == "C2M" else 0.0,
        c2m_samples_per_ui=int(scalar("samples_for_C2M", 100.0)),
        c2m_sigma_r_ui=scalar("Qr", sigma_r),
        c2m_window=str(low.get("histogram_window_weight", "rectangle")).strip(),
        c2m_min_veo_test_v=scalar("Min_VEO_Test", scalar("EH_min_test", 0.0)) * 1e-3,
        c2m_eh_min_v=eh_min * 1e-3, c2m_vec_pass_db=scalar("VEC Pass threshold", 0.0))
    if "g_qual" in low or "g2_qual" in low:
        gq = np.atleast_2d(vec("G_Qual", []))
        g2 = vec("G2_Qual", [])
        if gq.shape != (g2.size, 2):
            raise SIKernelError(f"IEEE COM sheet {name!r}: 'G_Qual' has shape {gq.shape}; expected one "
                                f"[g_DC g_DC] row per 'G2_Qual' value ({g2.size})")
        out["ctle_gqual_db"] = tuple((float(a), float(b)) for a, b in gq)
        out["ctle_g2qual_db"] = tuple(float(x) for x in g2)
    return out


def com_preset_from_sheet(path: str | Path) -> tuple[Any, dict[str, Any]]:
    """A :class:`~sikernel.eye.presets.ComPreset` holding exactly an IEEE COM sheet's parameters.

    Every keyword of the sheet is either mapped onto a preset field, ignored because it only
    steers output (plots, result folders...) or belongs to ERL/TDR/ICN (not COM), required to
    hold the one value implemented, or not read by the reference code at all (not in the
    workbook's ``keywords_`` list, e.g. notes, or a keyword with a trailing space, which
    ``xls_parameter`` does not match); a keyword the reference code reads but sikernel does
    not implement is accepted only at the reference default.  Everything else is an error.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` sheet.

    Returns
    -------
    (ComPreset, dict)
        The preset (name ``"sheet:<file name>"``) and the provenance: ``file``, ``used``,
        ``ignored_output``, ``ignored_not_com``, ``not_read_by_reference``, ``at_default``
        (keyword lists).

    Raises
    ------
    SIKernelError
        A keyword that would change the result is not implemented (all of them listed), a
        required keyword is missing, or a value has the wrong shape.
    """
    from ..channel.package import PackageModel
    from .presets import ComPreset, validate_preset

    p = Path(path)
    sheet = read_sheet(p)
    defaults = read_keyword_defaults(p)
    low = {k.lower(): v for k, v in sheet.items()}
    prov: dict[str, list[str]] = {"used": [], "ignored_output": [], "ignored_not_com": [],
                                  "not_read_by_reference": [], "at_default": []}
    problems: list[str] = []
    for k, v in sheet.items():
        kl = k.lower()
        if kl in MAPPED or _TX_TAP.match(k):
            prov["used"].append(k)
        elif kl in OUTPUT_ONLY:
            prov["ignored_output"].append(k)
        elif kl in NOT_COM:
            prov["ignored_not_com"].append(k)
        elif kl in REQUIRED:
            want, why = REQUIRED[kl]
            if _same(v, want):
                prov["at_default"].append(k)
            else:
                problems.append(f"{k!r} = {v!r}: {why}")
        elif k != k.strip() or kl not in defaults:
            prov["not_read_by_reference"].append(k)
        elif _same(v, defaults[kl]):
            prov["at_default"].append(k)
        else:
            problems.append(f"{k!r} = {v!r} (reference default {defaults[kl]!r}): not implemented "
                            "in sikernel.com")
    # (an absent REQUIRED keyword takes the reference default, which is the implemented value)

    def get(name: str, default: Any = None) -> Any:
        v = low.get(name.lower(), default)
        if v is None:
            problems.append(f"{name!r} missing (no reference default)")
        return v

    def vec(name: str, default: Any = None) -> np.ndarray:
        return np.atleast_1d(np.asarray(get(name, default), dtype=float))

    def scalar(name: str, default: Any = None) -> float:
        v = vec(name, default)
        if v.size != 1:
            problems.append(f"{name!r} = {v.tolist()}: expected one number")
            return float(v.ravel()[0]) if v.size else 0.0
        return float(v[0])

    def tx_rx(name: str, default: Any = None) -> np.ndarray:
        """[TX RX] pair (a single value counts for both); TX and RX must be equal here."""
        v = vec(name, default)
        if v.ndim == 1 and v.size == 1:
            v = np.array([v[0], v[0]])
        return v

    ghz = 1e9
    # package: [TX RX] lumped values (rows = TX, RX for die ladders), Z_c rows = sections
    cd = vec("C_d")
    ls = vec("L_s", [0.0, 0.0])
    cd2 = cd.reshape(2, -1) if cd.ndim == 2 or cd.size % 2 == 0 else np.vstack([cd, cd])
    ls2 = ls.reshape(2, -1) if ls.ndim == 2 or ls.size % 2 == 0 else np.vstack([ls, ls])
    if cd.ndim == 1 and cd.size == 2:
        cd2, ls2 = cd.reshape(2, 1), ls.reshape(2, 1)
    cb, cp = tx_rx("C_b", [0.0, 0.0]), tx_rx("C_p")
    rd = tx_rx("R_d", [50.0, 50.0])
    zc = vec("package_Z_c", 78.2)
    zc2 = zc.reshape(-1, 2) if zc.ndim == 2 else np.array([[zc[0], zc[-1]]])
    # R_d: one termination value for both ends is implemented (93A-18 with R_d at TX and RX)
    if rd.shape[0] == 2 and not np.allclose(rd[0], rd[1]):
        problems.append(f"'R_d' = {rd.tolist()}: different TX and RX termination values are not implemented")
    zp = {side: vec(f"z_p ({side})") for side in ("TX", "NEXT", "FEXT", "RX")}
    for side, v in zp.items():
        if v.ndim == 1:
            zp[side] = v.reshape(1, -1)
    n_sec = zp["TX"].shape[0]
    if n_sec != zc2.shape[0]:
        problems.append(f"'z_p (TX)' has {n_sec} section rows but 'package_Z_c' {zc2.shape[0]}")
    for side, v in zp.items():
        if v.shape != zp["TX"].shape:
            problems.append(f"'z_p ({side})' has shape {v.shape}; expected {zp['TX'].shape} as 'z_p (TX)'")
        elif n_sec > 1 and not np.allclose(v[1:], v[1:, :1]):
            problems.append(f"'z_p ({side})' fixed sections {v[1:].tolist()} differ between test "
                            "cases: not implemented (one fixed length per path)")
    sel = [int(x) for x in vec("z_p select", [1])]
    gam = vec("package_tl_gamma0_a1_a2", [0.0, 1.734e-3, 1.455e-4])
    if problems:
        raise SIKernelError(f"IEEE COM sheet {p.name!r}: " + "; ".join(problems))
    tau = scalar("package_tl_tau", 6.141e-3)
    r0 = scalar("R_0", 50.0)

    def model(end: int, path: str) -> PackageModel:
        """The package of one path (reference ``make_full_pkg``): the TX (``end`` 0) or RX
        (1) row of C_d, L_s, C_b, C_p and column of package_Z_c; the fixed sections of that
        path's z_p rows."""
        fixed = tuple(float(x) * 1e-3 for x in zp[path][1:, 0])
        m = PackageModel(
            name=f"sheet:{p.name}:{path}", cd_f=tuple(float(x) * 1e-9 for x in np.ravel(cd2[end])),
            ls_h=tuple(float(x) * 1e-9 for x in np.ravel(ls2[end])) if np.any(ls2[end]) else (),
            cb_f=float(cb[end]) * 1e-9, cp_f=float(cp[end]) * 1e-9,
            zc_ohm=tuple(float(x) for x in zc2[:, end]), section_m=(None, *fixed),
            a1=float(gam[1]), a2=float(gam[2]), tau_ns_per_mm=tau,
            gamma0_per_mm=float(gam[0]), r0_ohm=r0, source=f"IEEE COM sheet {p.name}")
        if m.ls_h and len(m.ls_h) != len(m.cd_f):
            raise SIKernelError(f"IEEE COM sheet {p.name!r}: 'L_s' and 'C_d' have different lengths")
        return m

    pkg = model(0, "TX")
    paths = []
    for path, end in (("rx", 1), ("next", 0), ("fext", 0)):
        mp = model(end, path.upper())
        if dataclasses.replace(mp, name=pkg.name) != pkg:
            paths.append((path, mp))
    cases = [((zp["TX"][0, i - 1]) * 1e-3, zp["RX"][0, i - 1] * 1e-3) for i in sel]
    # TX FFE: c(k) keywords (MATLAB reads c(-1), c(-2), ... and c(1), c(2), ... until one is missing)
    taps = []
    for k, v in sheet.items():
        mt = _TX_TAP.match(k)
        if mt and int(mt.group(1)) != 0:
            arr = np.atleast_1d(np.asarray(v, dtype=float))
            if arr.size == 1:
                taps.append((int(mt.group(1)), float(arr[0]), float(arr[0]), 0.0))
            else:
                st = np.diff(arr)
                if not np.allclose(st, st[0], rtol=1e-6, atol=1e-12) or st[0] <= 0:
                    raise SIKernelError(f"IEEE COM sheet {p.name!r}: {k!r} = {arr.tolist()}: only "
                                        "ascending uniform ranges [min:step:max] are implemented")
                taps.append((int(mt.group(1)), float(arr[0]), float(arr[-1]), float(round(st[0], 12))))
    n_b = int(scalar("N_b"))
    bmax = [scalar("b_max(1)")] if n_b >= 1 else []
    bmin = [scalar("b_min(1)", -bmax[0] if bmax else 0.0)] if n_b >= 1 else []
    if n_b >= 2:
        b2 = vec("b_max(2..N_b)", [0.2])
        b2 = np.full(n_b - 1, b2[0]) if b2.size == 1 else b2
        m2 = vec("b_min(2..N_b)", -b2)
        m2 = np.full(n_b - 1, m2[0]) if m2.size == 1 else m2
        if b2.size != n_b - 1 or m2.size != n_b - 1:
            raise SIKernelError(f"IEEE COM sheet {p.name!r}: b_max/b_min(2..N_b) need {n_b - 1} values")
        bmax += [float(x) for x in b2]
        bmin += [float(x) for x in m2]
    g2 = low.get("g_dc_hp")
    f_lf = low.get("f_hp_pz")
    n_bg = int(scalar("N_bg", 0.0))
    zbp = tuple(scalar(f"z_bp ({s})", 0.0) * 1e-3 for s in ("TX", "NEXT", "FEXT", "RX"))
    bgam = vec("board_tl_gamma0_a1_a2", [0.0, 4.114e-4, 2.547e-4])
    c0 = vec("C_0", [0.0])
    c1 = vec("C_1", [0.0])
    include_pcb = int(scalar("Include PCB", 0.0))
    if include_pcb and ((c0.size > 1 and not np.allclose(c0, c0[0]))
                        or (c1.size > 1 and not np.allclose(c1, c1[0]))):
        raise SIKernelError(f"IEEE COM sheet {p.name!r}: different TX and RX board capacitances "
                            f"(C_0 {c0.tolist()}, C_1 {c1.tolist()}) are not implemented")
    # Raised_Cosine: RC_Start / RC_end are read without eval, in Hz (defaults f_b/2, f_r f_b)
    rc = None
    if scalar("Raised_Cosine", 0.0):
        fb_hz = scalar("f_b") * ghz
        rc = (scalar("RC_Start", fb_hz / 2), scalar("RC_end", scalar("f_r") * fb_hz))
    preset = ComPreset(
        name=f"sheet:{p.name}", version=f"IEEE COM sheet {p.name}", source=str(p),
        baud_hz=scalar("f_b") * ghz, n_levels=int(scalar("L", 2.0)), samples_per_ui=int(scalar("M", 32.0)),
        df_hz=scalar("Delta_f") * ghz, f_min_hz=scalar("f_min") * ghz,
        a_v_v=scalar("A_v"), a_fe_v=scalar("A_fe"), a_ne_v=scalar("A_ne"),
        snr_tx_db=scalar("SNR_TX"), sigma_rj_ui=scalar("sigma_RJ"), a_dd_ui=scalar("A_DD"),
        r_lm=scalar("R_LM", 1.0), eta0_v2_per_hz=scalar("eta_0") * 1e-9, der0=scalar("DER_0"),
        t_r_s=scalar("T_r", 8e-3) * 1e-9, force_tr=bool(scalar("FORCE_TR", 0.0)),
        r0_ohm=scalar("R_0", 50.0), rd_ohm=float(rd[0]), package=pkg,
        z_p_cases_m=tuple((float(a), float(b)) for a, b in cases),
        z_p_next_cases_m=tuple(float(zp["NEXT"][0, i - 1]) * 1e-3 for i in sel),
        z_p_fext_cases_m=tuple(float(zp["FEXT"][0, i - 1]) * 1e-3 for i in sel),
        tx_taps=tuple(sorted(taps)), c0_min=scalar("c(0)"),
        ctle_gdc_db=tuple(float(x) for x in vec("g_DC")),
        ctle_gdc2_db=tuple(float(x) for x in np.atleast_1d(g2)) if g2 is not None else (0.0,),
        ctle_fz_hz=scalar("f_z") * ghz, ctle_fp1_hz=scalar("f_p1") * ghz, ctle_fp2_hz=scalar("f_p2") * ghz,
        ctle_f_lf_hz=float(np.atleast_1d(f_lf)[0]) * ghz if g2 is not None and f_lf is not None else None,
        f_r_ratio=scalar("f_r"), dfe_bmax=tuple(bmax), dfe_bmin=tuple(bmin),
        pass_threshold_db=scalar("COM Pass threshold", 0.0),
        dfe_n_bg=n_bg, dfe_n_bf=int(scalar("N_bf", 6.0)), dfe_n_f=int(scalar("N_f", float(n_b))),
        dfe_bmaxg=scalar("bmaxg", 0.2), dfe_float_rss_max=scalar("B_float_RSS_MAX", 0.0),
        dfe_n_tail_start=int(scalar("N_tail_start", 0.0)), local_search=int(scalar("Local Search", 0.0)),
        include_pcb=include_pcb, board_z_bp_m=zbp, board_c0_f=float(c0[0]) * 1e-9,
        board_c1_f=float(c1[0]) * 1e-9, rx_raised_cosine_hz=rc,
        board_line=(float(bgam[0]), float(bgam[1]), float(bgam[2]), scalar("board_tl_tau", 6.191e-3),
                    scalar("board_Z_c", 109.8)),
        package_paths=tuple(paths), **_c2m_fields(low, p.name, vec, scalar),
    )
    validate_preset(preset)
    return preset, {"file": p.name, **prov}
