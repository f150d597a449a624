"""The IEEE COM config-sheet reader (sikernel.eye.config_sheet).

MATLAB expression values are checked against their hand-evaluated MATLAB results; the
sheets themselves are read from ../shared/reference/ieee-com-config (skipped when absent).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sikernel.errors import SIKernelError
from sikernel.eye.config_sheet import lookup, parse_value, read_sheet

SHEETS = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "ieee-com-config"


def sheet_path(tag: str) -> Path:
    """Path of the IEEE sheet whose name contains ``tag``; skip when the folder is absent."""
    hits = sorted(SHEETS.glob(f"config_com_ieee8023_93a=*{tag}*.xlsx")) if SHEETS.is_dir() else []
    if not hits:
        pytest.skip(f"IEEE COM config sheet *{tag}* not found under {SHEETS}")
    return hits[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("[12 31;  1.8 1.8]", [[12, 31], [1.8, 1.8]]),
    ("[-0.06:0.02: 0] ", [-0.06, -0.04, -0.02, 0.0]),
    ("[0:.02:0.1]", [0, 0.02, 0.04, 0.06, 0.08, 0.1]),
    ("[0.3 0.2*ones(1,5) 0.1*ones(1,2)]", [0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1]),
    ("[0.05 -0.03*ones(1,3)]", [0.05, -0.03, -0.03, -0.03]),   # MATLAB: "[a -b]" is two elements
    ("[1 - 2]", [-1.0]),                                         # ... "[a - b]" one
    ("[0.12, 0.12]", [0.12, 0.12]),
    ("[ 1 2 ] ", [1.0, 2.0]),
    ("[-20:1:0]", list(range(-20, 1))),
    ("[5:-1:1]", [5, 4, 3, 2, 1]),
    ("[1:0]", []),
])
def test_matlab_values(text: str, expected: list) -> None:
    v = parse_value(text)
    assert isinstance(v, np.ndarray)
    np.testing.assert_allclose(v, np.array(expected, dtype=float), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("text", "expected"), [(3.0, 3.0), ("Inf ", np.inf), ("2*3", 6.0)])
def test_scalar_values(text: object, expected: float) -> None:
    assert parse_value(text) == expected


@pytest.mark.parametrize("text", ["C2C", ".\\results\\KR_{date}\\", "gaussian", "[1 2; 3]"])
def test_text_stays_text(text: str) -> None:
    assert parse_value(text) == text


def test_kr_sheet_values() -> None:
    d = read_sheet(sheet_path("3ck_SA_KR"))
    assert d["f_b"] == 53.125
    np.testing.assert_allclose(d["z_p (NEXT)"], [[12, 29], [1.8, 1.8]])
    np.testing.assert_allclose(d["b_min(2..N_b)"], [0.05] + [-0.03] * 10)
    assert d["T_r"] == 0.0075 and d["FORCE_TR"] == 1.0 and d["N_bg"] == 3.0
    assert lookup(d, "local search") == (True, 2.0)       # case-insensitive, as xls_parameter
    assert lookup(d, "no such keyword") == (False, None)
    assert "Units" not in d and "GBd" not in d            # unit/information columns not read


def test_every_sheet_reads() -> None:
    if not SHEETS.is_dir():
        pytest.skip(f"{SHEETS} not found")
    for p in sorted(SHEETS.glob("*.xlsx")):
        d = read_sheet(p)
        assert isinstance(d["f_b"], float) and d["f_b"] > 0, p.name


def test_missing_file() -> None:
    with pytest.raises(SIKernelError, match="not found"):
        read_sheet("/nonexistent/config.xlsx")
