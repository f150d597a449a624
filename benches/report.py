"""Write the README's performance table from one benchmark run.

    python benches/report.py --run                 # run `pytest benches/`, then write the table
    python benches/report.py --json a.json [b.json ...]   # from existing --benchmark-json files
                                                          # (a case in several: the last one)

``--run`` executes ``python -m pytest benches/ --benchmark-only -q -s
--benchmark-json=<file>`` (``--bench-args`` adds pytest arguments, e.g. ``-k``).
``--one-thread`` (with ``--run``) then runs the cases that compare with a peer library once more
with every thread pool at one (:data:`ONE_THREAD_ENV`: Numba, OpenMP, OpenBLAS, MKL), so their
ratio is also shown one core against one process (audit 102 F9); with ``--json``,
``--one-thread-json`` names that second run's file.
The table lists every benchmark of the run: its best wall time, the ratio the case
stored in ``extra_info["ratio"]`` (peer or reference time / ours, or target /
measured for a time target) with what it compares (``extra_info["compares"]``; a
ratio is shown only for the kinds in :data:`RATIO_KINDS`), the target when the case
has one, and the other figures it stored.  It replaces the block between ``<!-- perf-table:start -->`` and
``<!-- perf-table:end -->`` in README.md (or ``--readme``), with the date, the
machine (CPU model, cores, load average at the start) and the versions of Python,
NumPy, Numba, sikernel and the peers.  ``--print`` writes the block to stdout only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests._machine import cpu_model, package_versions  # noqa: E402

START, END = "<!-- perf-table:start -->", "<!-- perf-table:end -->"
PACKAGES = ["numpy", "numba", "scipy", "rocket-fft", "scikit-rf", "sikernel", "pychopmarg", "pipbert"]
#: extra_info keys shown in the "figures" column (first ones first); the rest are left out
SHOWN = ["ratio_vs_numpy_vectorised", "ratio_local_search", "com_diff_db", "ieee_octave_runtime_s",
         "ieee_com_db", "lookup_vs_chain_rel",
         "cold_first_call_s", "cost_ratio",
         "slowdown_cold_vs_warm", "slowdown_first_vs_warm", "configs_per_s",
         "ratio_empty", "ratio_whole_call", "ratio_kernel", "ratio_fixed_eq_com_vs_peer_setup_plus_fom",
         "kernel_symbols_per_min", "pybert_symbols_per_min", "pybert_style_symbols_per_min",
         "with_jitter_symbols_per_min", "peer_per_fom_s", "ours_per_fom_amortised_s", "ours_us_per_row",
         "previous_us_per_row", "change_percent", "sikernel_s", "skrf_s", "numpy_path_parse_s",
         "cached_s", "empty_cache_s", "cold_s", "warm_cache_s", "op_cache_off_s", "skrf_fresh_process_s",
         "stat_eye_cold_s", "stat_eye_cached_s", "simulate_cold_s", "simulate_cached_s",
         "small_peak_mib", "large_peak_mib", "peak_rss_mib", "stages_thread_speedup",
         "sweep_core_speedup", "numpy_s", "ours_s", "com_db", "symbol_errors_ours", "symbol_errors_pybert",
         # audit F10 benches (two-port, field solve, MMSE, C2M, ERL): agreement asserted, other side's time
         "max_rel_diff", "fom_diff_db", "fom_max_diff_db", "eh_diff_bins", "vec_diff_db", "erl_max_diff_db",
         "peer_us_per_row", "peer_s", "naive_s"]
N_SHOWN = 5
#: environment of the one-thread rerun of the peer cases (audit 102 F9): sikernel's kernels and
#: the peers' NumPy/SciPy (BLAS, OpenMP) each on one thread
ONE_THREAD_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "MKL_NUM_THREADS": "1"}


def _versions() -> str:
    return ", ".join(f"{k} (not installed)" if v is None else f"{k} {v}"
                     for k, v in package_versions(PACKAGES).items())


def _fmt(x: object) -> str:
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x != x:  # NaN
            return "nan"
        a = abs(x)
        if a >= 1e5:
            return f"{x:.3g}"
        if a >= 100:
            return f"{x:,.0f}"
        if a >= 1:
            return f"{x:.2f}"
        return f"{x:.3g}"
    return str(x)


def _time(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


#: kinds of comparison a case's ``extra_info["compares"]`` may start with (audit 102 F5); a ratio is
#: printed only for these (reference time / ours, or target / measured for "target")
RATIO_KINDS = ("peer", "own-reference", "own-api", "target")


def _kind(compares: str) -> str:
    return compares.split(":", 1)[0].strip()


def _fullname(b: dict) -> str:
    return b.get("fullname", b.get("name", "?"))


def _info(b: dict) -> dict:
    return b.get("extra_info", {}) or {}


def _compares(b: dict) -> str:
    return str(_info(b).get("compares", ""))


def _ratio(b: dict) -> float | None:
    """The case's ratio where its kind of comparison has one (:data:`RATIO_KINDS`), else None."""
    ratio = _info(b).get("ratio") if _kind(_compares(b)) in RATIO_KINDS else None
    return ratio if isinstance(ratio, int | float) and not isinstance(ratio, bool) else None


def peer_cases(benchmarks: list[dict]) -> list[str]:
    """Node ids of the cases that compare with a peer library (``compares`` kind "peer")."""
    return [_fullname(b) for b in benchmarks if _kind(_compares(b)) == "peer"]


def _ratio_text(ratio: float | None) -> str:
    return _fmt(ratio) + "×" if ratio is not None else "—"


def rows(benchmarks: list[dict], one_thread: dict[str, float | None] | None = None) -> list[str]:
    """Markdown rows: benchmark, best time, ratio, [ratio at one thread,] what the ratio compares,
    target, figures.  ``one_thread`` maps a case's node id to its ratio in the one-thread rerun
    (a column only when given; "—" for a case not rerun)."""
    out = []
    for b in benchmarks:
        info = _info(b)
        name = _fullname(b).replace("benches/", "")
        t = b.get("stats", {}).get("min")
        compares = _compares(b)
        target = info.get("target")
        figs = [f"{k} {_fmt(info[k])}" for k in SHOWN if k in info][:N_SHOWN]
        one = "" if one_thread is None else f"{_ratio_text(one_thread.get(_fullname(b)))} | "
        out.append(f"| `{name}` | {_time(t) if t is not None else '—'} | "
                   f"{_ratio_text(_ratio(b))} | {one}"
                   f"{compares.replace('|', '/') or '—'} | "
                   f"{_fmt(target) if target is not None else '—'} | {'; '.join(figs) or '—'} |")
    return out


def _merged(data: list[dict]) -> list[dict]:
    by_name: dict[str, dict] = {}
    for d in data:  # a case that appears in several files: the last file's result is kept
        for b in d.get("benchmarks", []):
            by_name[_fullname(b)] = b
    return list(by_name.values())


def block(data: list[dict], note: str = "", one_thread: dict | None = None) -> str:
    """The README block for the merged benchmark JSON documents ``data``; ``one_thread``: the JSON
    document of the one-thread rerun of the peer cases (a column of their ratios), or None."""
    benches = _merged(data)
    one = None if one_thread is None else {_fullname(b): _ratio(b) for b in _merged([one_thread])}
    first = data[0] if data else {}
    # --run records its start; a pytest-benchmark file alone has "datetime", written at its end
    started = first.get("_started")
    when = started or first.get("datetime") or dt.datetime.now(dt.UTC).isoformat()
    when_word = "started" if started else "finished"
    mi = first.get("machine_info", {}) or {}
    cpu = (mi.get("cpu") or {}).get("brand_raw") or cpu_model()
    cores = (mi.get("cpu") or {}).get("count") or os.cpu_count()
    load = first.get("_load_average")
    lines = [
        START,
        "Generated by `benches/report.py` from "
        + ("one run of `pytest benches/`" if len(data) == 1 else
           f"{len(data)} pytest-benchmark JSON files")
        + f", {when_word} {when[:19].replace('T', ' ')} UTC; "
        f"machine: {cpu}, {cores} cores"
        + (f", load average {load} at the start" if load else "") + f"; {_versions()}.",
        "Ratio: the other side's time over ours (same run), for the kind of comparison the "
        "'compares' column names — peer: another library (only these are speed-ups over a peer); "
        "own-reference: sikernel's own slow NumPy reference in tests/; own-api: another sikernel "
        "path; target: the target over the measured value (≥ 1 meets it). Cold/warm, cost, "
        "scaling, rate and recorded cases have no ratio (their figures say what they measure). A peer time "
        "'extrapolated' or 'scaled' was timed on a sample and multiplied out, as the column says. "
        "Compiled sikernel kernels use both cores where they run threads; peers run one process. "
        "Timings on a shared machine are noisy; each bench's docstring says what it compares."
        + ("" if one is None else
           " Ratio, 1 thread: the peer cases run once more right after, with every thread pool at one "
           "(" + ", ".join(f"{k}={v}" for k, v in ONE_THREAD_ENV.items()) + "): one core against one "
           "process; '—' where a case was not rerun (not a peer comparison) or did not finish.")
        + (f" {note}" if note else ""),
        "",
        "| benchmark | best time | ratio | " + ("" if one is None else "ratio, 1 thread | ")
        + "compares | target | figures |",
        "|---|---|---|" + ("" if one is None else "---|") + "---|---|---|",
        *rows(benches, one),
        END,
    ]
    return "\n".join(lines)


def write_readme(readme: Path, text: str) -> None:
    """Replace the marked block in ``readme`` (which must hold both markers)."""
    src = readme.read_text()
    pat = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pat.search(src):
        raise SystemExit(f"{readme}: no {START} ... {END} block to replace")
    readme.write_text(pat.sub(lambda _: text, src, count=1))


def run(json_path: Path, extra: list[str], cases: list[str] | None = None,
        env: dict[str, str] | None = None) -> dict:
    """Run the benchmarks once (all of ``benches/``, or the node ids ``cases``, with ``env`` added
    to the environment); return the JSON document (with the load average at the start)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else None
    started = dt.datetime.now(dt.UTC).isoformat()
    cmd = [sys.executable, "-m", "pytest", *(cases or ["benches/"]), "--benchmark-only", "-q", "-s",
           "-p", "no:cacheprovider", f"--benchmark-json={json_path}", *extra]
    subprocess.run(cmd, cwd=REPO, check=False, env={**os.environ, **(env or {})})
    doc = json.loads(json_path.read_text())
    doc["_load_average"] = load
    doc["_started"] = started
    return doc


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--run", action="store_true", help="run pytest benches/ first")
    src.add_argument("--json", nargs="+", type=Path, help="--benchmark-json files of one run")
    ap.add_argument("--bench-args", default="", help="extra pytest arguments for --run")
    ap.add_argument("--readme", type=Path, default=REPO / "README.md")
    ap.add_argument("--print", action="store_true", help="print the block instead of editing the README")
    ap.add_argument("--note", default="", help="a sentence appended to the block's preamble")
    ap.add_argument("--keep-json", type=Path, default=None,
                    help="with --run: also write the run's JSON document (start time and load included) here")
    ap.add_argument("--one-thread", action="store_true",
                    help="with --run: rerun the peer cases with every thread pool at one (a column)")
    ap.add_argument("--one-thread-json", type=Path, default=None,
                    help="with --json: the one-thread rerun's file; with --run --one-thread: keep it here")
    a = ap.parse_args(argv)
    one_thread = None
    if a.run:
        with tempfile.TemporaryDirectory() as d:
            data = [run(Path(d) / "bench.json", a.bench_args.split())]
            cases = peer_cases(data[0].get("benchmarks", []))
            if a.one_thread and cases:
                one_thread = run(Path(d) / "bench1.json", [], cases=cases, env=ONE_THREAD_ENV)
        if a.keep_json is not None:  # the run's data, to re-render the block with --json
            a.keep_json.write_text(json.dumps(data[0]))
        if a.one_thread_json is not None and one_thread is not None:
            a.one_thread_json.write_text(json.dumps(one_thread))
    else:
        data = [json.loads(p.read_text()) for p in a.json]
        if a.one_thread_json is not None:
            one_thread = json.loads(a.one_thread_json.read_text())
    text = block(data, a.note, one_thread)
    if a.print:
        print(text)
    else:
        write_readme(a.readme, text)
        print(f"wrote {len(text.splitlines()) - 2} lines into {a.readme}")


if __name__ == "__main__":
    main()
