"""The validation tables cannot go stale: README.md and docs/validation.md hold exactly what the
registry (tests/validation_rows.py), the tolerance constants' current values and the stored run
(tests/data/validation_run.json) give, and every measured value is within its tolerance.

Nothing is run here (the run is ``python -m tests.validation_report --run``); this checks the
registry against the tests (each named test exists and records its row's key, each tolerance
constant exists) and the written blocks against the registry and the stored run.
"""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from tests import validation_report as vr
from tests.validation_rows import PREFIX, ROWS, node_ids

HOW = ("regenerate: `python -m tests.validation_report --run` (or `--from-json` when only the "
       "registry's wording changed)")


@pytest.fixture(scope="module")
def record() -> dict:
    return json.loads(vr.RUN_JSON.read_text())


def _function(node: str):
    path, name = node.split("::")
    return getattr(importlib.import_module(path[:-3].replace("/", ".")), name, None)


def test_registry_keys_unique_and_complete():
    keys = [r.key for r in ROWS]
    assert len(keys) == len(set(keys)) >= 30
    for r in ROWS:
        assert r.what and r.reference and r.tests and r.unit, r.key
        assert r.independent.split(" ")[0] in ("yes", "no", "partly"), r.key


@pytest.mark.parametrize("node", node_ids())
def test_every_named_test_exists(node):
    assert callable(_function(node)), f"{node} does not exist"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.key)
def test_tolerance_constant_exists_and_a_test_records_the_row(row):
    assert row.tolerance_value() > 0, row.key  # imports the constant: it exists
    sources = [inspect.getsource(_function(t)) for t in row.tests]
    assert any(f'"{PREFIX}{row.key}"' in s for s in sources), \
        f"no test of row {row.key} records {PREFIX}{row.key} (record_property)"


def test_stored_run_covers_the_registry_and_passed(record):
    assert set(record["measured"]) == {r.key for r in ROWS}, HOW
    assert set(record["tests"]) == set(node_ids()), HOW
    for node, counts in record["tests"].items():
        assert counts["failed"] == counts["skipped"] == 0 < counts["passed"], node
    for key in ("started_utc", "machine", "versions"):
        assert record[key], key


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.key)
def test_measured_within_tolerance(row, record):
    measured = record["measured"][row.key]
    assert 0 <= measured <= row.limit(), (row.key, measured, row.limit())


def test_readme_block_is_the_rendered_run(record):
    block = vr.current_block(vr.README.read_text(), vr.README_MARKERS)
    assert block is not None, f"README.md has no {vr.README_MARKERS[0]} block"
    assert block == vr.readme_block(record), f"README validation table is stale; {HOW}"


def test_doc_block_is_the_rendered_run(record):
    block = vr.current_block(vr.DOC.read_text(), vr.DOC_MARKERS)
    assert block is not None, f"docs/validation.md has no {vr.DOC_MARKERS[0]} block"
    assert block == vr.doc_block(record), f"docs/validation.md table is stale; {HOW}"


def test_no_hand_typed_table_beside_the_generated_ones():
    readme = vr.README.read_text()
    section = readme[readme.index("## Validation"):readme.index("\n## ", readme.index("## Validation") + 5)]
    outside = vr.current_block(section, vr.README_MARKERS)
    assert outside is not None
    assert not [ln for ln in section.replace(outside, "").splitlines() if ln.startswith("|")]
    doc = vr.DOC.read_text()
    assert not [ln for ln in doc.replace(vr.current_block(doc, vr.DOC_MARKERS), "").splitlines()
                if ln.startswith("|")]
