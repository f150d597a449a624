"""docs/validation.md: every tolerance it prints is the test's constant, every test it names exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
ROW = re.compile(r"^\|(?!---)(.*)\|$")
TEST = re.compile(r"`(tests/test_\w+\.py)::(\w+)`")
CONST = re.compile(r"`(tests/\w+\.py)` `(\w+)` = ([-+0-9.e]+)")


def _rows() -> list[list[str]]:
    rows = [ROW.match(line) for line in DOC.read_text().splitlines()]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", m.group(1))] for m in rows if m]
    return [c for c in cells if len(c) == 5 and c[0] != "claim"]


def _module(path: str):
    return importlib.import_module(path[:-3].replace("/", "."))


def test_every_table_row_is_parsed():
    n_lines = sum(1 for line in DOC.read_text().splitlines()
                  if ROW.match(line) and not line.startswith("| claim"))
    assert len(_rows()) == n_lines >= 20


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r[0][:40])
def test_row_names_an_existing_test_and_its_constant(row):
    claim, _, independent, test_cell, tol_cell = row
    assert independent.split(" ")[0] in ("yes", "no", "partly"), claim
    tests = TEST.findall(test_cell)
    assert tests, f"{claim}: no test named"
    for path, name in tests:
        assert callable(getattr(_module(path), name, None)), f"{path}::{name} does not exist"
    for path, const, value in CONST.findall(tol_cell):
        assert getattr(_module(path), const) == pytest.approx(float(value), rel=1e-12), (claim, const)
