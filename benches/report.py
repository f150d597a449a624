"""Write the README's performance table from one benchmark run.

    python benches/report.py --run                 # run `pytest benches/`, then write the table
    python benches/report.py --json a.json [b.json ...]   # from existing --benchmark-json files
                                                          # (a case in several: the last one)

``--run`` executes ``python -m pytest benches/ --benchmark-only -q -s
--benchmark-json=<file>`` (``--bench-args`` adds pytest arguments, e.g. ``-k``).
The table lists every benchmark of the run: its best wall time, the ratio the case
stored in ``extra_info["ratio"]`` (peer or reference time / ours, or target /
measured for a time target), the target when the case has one, and the other
figures it stored.  It replaces the block between ``<!-- perf-table:start -->`` and
``<!-- perf-table:end -->`` in README.md (or ``--readme``), with the date, the
machine (CPU model, cores, load average at the start) and the versions of Python,
NumPy, Numba, sikernel and the peers.  ``--print`` writes the block to stdout only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START, END = "<!-- perf-table:start -->", "<!-- perf-table:end -->"
PACKAGES = ["numpy", "numba", "scipy", "rocket-fft", "scikit-rf", "sikernel", "pychopmarg", "pipbert"]
#: extra_info keys shown in the "figures" column (first ones first); the rest are left out
SHOWN = ["ratio_empty", "ratio_whole_call", "ratio_fixed_eq_com_vs_peer_setup_plus_fom",
         "kernel_symbols_per_min", "pybert_symbols_per_min", "pybert_style_symbols_per_min",
         "with_jitter_symbols_per_min", "peer_per_fom_s", "ours_per_fom_amortised_s", "ours_us_per_row",
         "previous_us_per_row", "change_percent", "sikernel_s", "skrf_s", "numpy_path_parse_s",
         "cached_s", "empty_cache_s", "cold_s", "warm_cache_s", "skrf_fresh_process_s",
         "stat_eye_cold_s", "stat_eye_cached_s", "simulate_cold_s", "simulate_cached_s",
         "small_peak_mib", "large_peak_mib", "peak_rss_mib", "stages_thread_speedup",
         "sweep_core_speedup", "numpy_s", "ours_s", "com_db", "symbol_errors_ours", "symbol_errors_pybert"]
N_SHOWN = 5


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions() -> str:
    out = [f"Python {platform.python_version()}"]
    for p in PACKAGES:
        try:
            out.append(f"{p} {version(p)}")
        except PackageNotFoundError:
            out.append(f"{p} (not installed)")
    return ", ".join(out)


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


def rows(benchmarks: list[dict]) -> list[str]:
    """Markdown rows: benchmark, best time, ratio, target, figures."""
    out = []
    for b in benchmarks:
        info = b.get("extra_info", {}) or {}
        name = b.get("fullname", b.get("name", "?")).replace("benches/", "")
        t = b.get("stats", {}).get("min")
        ratio = info.get("ratio")
        target = info.get("target")
        figs = [f"{k} {_fmt(info[k])}" for k in SHOWN if k in info][:N_SHOWN]
        out.append(f"| `{name}` | {_time(t) if t is not None else '—'} | "
                   f"{_fmt(ratio) + '×' if isinstance(ratio, int | float) else '—'} | "
                   f"{_fmt(target) if target is not None else '—'} | {'; '.join(figs) or '—'} |")
    return out


def block(data: list[dict], note: str = "") -> str:
    """The README block for the merged benchmark JSON documents ``data``."""
    by_name: dict[str, dict] = {}
    for d in data:  # a case that appears in several files: the last file's result is kept
        for b in d.get("benchmarks", []):
            by_name[b.get("fullname", b.get("name", "?"))] = b
    benches = list(by_name.values())
    first = data[0] if data else {}
    when = first.get("datetime") or dt.datetime.now(dt.UTC).isoformat()
    mi = first.get("machine_info", {}) or {}
    cpu = (mi.get("cpu") or {}).get("brand_raw") or _cpu_model()
    cores = (mi.get("cpu") or {}).get("count") or os.cpu_count()
    load = first.get("_load_average")
    lines = [
        START,
        "Generated by `benches/report.py` from "
        + ("one run of `pytest benches/`" if len(data) == 1 else
           f"{len(data)} pytest-benchmark JSON files (one pytest process per bench file)")
        + f", started {when[:19].replace('T', ' ')} UTC; "
        f"machine: {cpu}, {cores} cores"
        + (f", load average {load} at the start" if load else "") + f"; {_versions()}.",
        "Ratio: the peer's or reference's time over ours (same run), or the target over the measured "
        "time for a time target (≥ 1 meets it). Timings on a shared machine are noisy; see each "
        "bench's docstring for what it compares." + (f" {note}" if note else ""),
        "",
        "| benchmark | best time | ratio | target | figures |",
        "|---|---|---|---|---|",
        *rows(benches),
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


def run(json_path: Path, extra: list[str]) -> dict:
    """Run the benchmarks once; return the JSON document (with the load average at the start)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else None
    cmd = [sys.executable, "-m", "pytest", "benches/", "--benchmark-only", "-q", "-s",
           "-p", "no:cacheprovider", f"--benchmark-json={json_path}", *extra]
    subprocess.run(cmd, cwd=REPO, check=False)
    doc = json.loads(json_path.read_text())
    doc["_load_average"] = load
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
    a = ap.parse_args(argv)
    if a.run:
        with tempfile.TemporaryDirectory() as d:
            data = [run(Path(d) / "bench.json", a.bench_args.split())]
    else:
        data = [json.loads(p.read_text()) for p in a.json]
    text = block(data, a.note)
    if a.print:
        print(text)
    else:
        write_readme(a.readme, text)
        print(f"wrote {len(text.splitlines()) - 2} lines into {a.readme}")


if __name__ == "__main__":
    main()
