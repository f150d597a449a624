"""benches/report.py, the README performance table's writer: the one-thread column (audit 102 F9).

The table's figures come from a benchmark run; what is checked here is the rendering: which cases
are rerun at one thread (those comparing with a peer library), that the rerun's ratio lands in
its own column beside the run's ratio, and that a case not rerun shows a dash.  Synthetic
pytest-benchmark documents, no benchmark is run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parents[1] / "benches" / "report.py"


@pytest.fixture(scope="module")
def report():
    spec = importlib.util.spec_from_file_location("bench_report", REPORT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _case(name: str, compares: str, ratio: float, t_s: float = 1e-3) -> dict:
    return {"fullname": f"benches/{name}", "stats": {"min": t_s},
            "extra_info": {"compares": compares, "ratio": ratio}}


def _doc(*cases: dict) -> dict:
    return {"benchmarks": list(cases), "datetime": "2026-12-07T12:00:00"}


RUN = _doc(_case("bench_a.py::test_peer", "peer: a library", 2000.0),
           _case("bench_a.py::test_own", "own-reference: tests/naive_x.py", 8.0),
           _case("bench_b.py::test_cold", "cold: first call", 3.0))


def test_only_peer_cases_are_rerun(report):
    assert report.peer_cases(RUN["benchmarks"]) == ["benches/bench_a.py::test_peer"]


def test_one_thread_column(report):
    one = _doc(_case("bench_a.py::test_peer", "peer: a library", 791.0))
    text = report.block([RUN], one_thread=one)
    assert "| benchmark | best time | ratio | ratio, 1 thread | compares |" in text
    assert "NUMBA_NUM_THREADS=1" in text
    peer = next(line for line in text.splitlines() if "test_peer" in line)
    own = next(line for line in text.splitlines() if "test_own" in line)
    cold = next(line for line in text.splitlines() if "test_cold" in line)
    assert peer.split(" | ")[2:4] == ["2,000×", "791×"]
    assert own.split(" | ")[2:4] == ["8.00×", "—"]  # not rerun
    assert cold.split(" | ")[2:4] == ["—", "—"]  # no ratio of its kind


def test_without_rerun_no_column(report):
    text = report.block([RUN])
    assert "ratio, 1 thread" not in text
    assert "| benchmark | best time | ratio | compares | target | figures |" in text
