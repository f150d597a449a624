"""The CI rule of tests/conftest.py: a skip not on tests/allowed_skips.txt fails the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import conftest

HERE = Path(__file__).parent


def test_rules_file_parses_and_every_rule_has_a_reason():
    rules = conftest.allowed_skips()
    assert rules, "tests/allowed_skips.txt has no rule"
    for glob, reason in rules:
        assert glob.startswith("tests/") and reason, (glob, reason)


def test_unexpected_skips_matches_glob_and_reason():
    rules = [("tests/test_a.py::*", "no data")]
    skips = [("tests/test_a.py::t1", "Skipped: no data here"), ("tests/test_a.py::t2", "Skipped: other"),
             ("tests/test_b.py::t1", "Skipped: no data here")]
    assert conftest.unexpected_skips(skips, rules) == skips[1:]


def _run(tmp_path: Path, body: str, strict: bool) -> subprocess.CompletedProcess:
    pkg = tmp_path / "tests"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    shutil.copy(HERE / "conftest.py", pkg / "conftest.py")
    (pkg / "allowed_skips.txt").write_text("tests/test_x.py::test_allowed | known reason  # why\n")
    (pkg / "test_x.py").write_text(body)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SIKERNEL_REQUIRE_CHANNELS")}
    if strict:
        env["SIKERNEL_REQUIRE_CHANNELS"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


BODY = """
import pytest
def test_allowed():
    pytest.skip("a known reason")
def test_other():
    pytest.skip("data missing")
def test_ok():
    pass
"""


@pytest.mark.parametrize("strict", [True, False])
def test_ci_fails_on_an_unlisted_skip(tmp_path, strict):
    r = _run(tmp_path, BODY, strict)
    out = r.stdout + r.stderr
    if strict:
        assert r.returncode == pytest.ExitCode.TESTS_FAILED, out
        assert "unexpected skips (CI)" in out and "tests/test_x.py::test_other: Skipped: data missing" in out
        assert "test_allowed:" not in out
    else:
        assert r.returncode == 0, out


def test_ci_passes_when_every_skip_is_listed(tmp_path):
    body = "import pytest\ndef test_allowed():\n    pytest.skip('a known reason')\n"
    r = _run(tmp_path, body, strict=True)
    assert r.returncode == 0, r.stdout + r.stderr
