"""Mutation check: plant a handful of deliberate bugs and see whether the tests catch them.

Not part of CI (slow: every mutant recompiles the kernels it touches).  Run::

    python benches/mutation_check.py [--only NAME ...] [--keep] [--from-head]

What it does: copies the working tree (tracked and untracked, not ignored files; or the
last commit with ``--from-head``; never the original) to a fresh folder under the system
temp directory, runs each mutant's tests there once without the mutation (the baseline must
pass), then for each mutant replaces one exact snippet of the source (each must occur
exactly once; a mutant whose snippet is gone is reported "stale", not silently skipped),
runs only the tests named for it and restores the file.  Killed = the tests fail with the
mutation; survived = they pass.  The working tree is never written to; the copy is deleted
at the end unless ``--keep``.

Environment: ``SIKERNEL_CHANNELS`` as for the tests (default ``../shared/channels``);
Numba's cache goes into the copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str                           # file, relative to the repository root
    edits: tuple[tuple[str, str], ...]  # (exact original snippet, replacement), each once
    tests: tuple[str, ...]              # test files / node ids to run


MUTANTS = (
    Mutant("FOM jitter term dropped (93A-32)", "sikernel/eq/grid.py",
           (("            float(a_dd_ui) ** 2 + float(sigma_rj_ui) ** 2)",
             "            0.0 * float(a_dd_ui) ** 2)"),),
           ("tests/test_com_sensitivity.py", "tests/test_com.py")),
    Mutant("DFE feedback sign flipped (decided symbols)", "sikernel/_kernels/timesim.py",
           (("                    cfb += dfe[t] * err_dx[slot]\n",
             "                    cfb -= dfe[t] * err_dx[slot]\n"),),
           ("tests/test_timesim.py", "tests/test_timesim_dfe.py")),
    Mutant("IL at Nyquist read at the baud rate", "sikernel/channel/metrics.py",
           (("return NyquistLoss(fb, fn, float(np.interp(fn, ch.f, _il_db(ch))))",
             "return NyquistLoss(fb, fn, float(np.interp(min(fb, ch.f[-1]), ch.f, _il_db(ch))))"),),
           ("tests/test_metrics.py", "tests/test_touchstone.py")),
    Mutant("ADC energy halved", "sikernel/power/blocks.py",
           (("    return adc_fom_j(baud, tech, co) * np.exp2(",
             "    return 0.5 * adc_fom_j(baud, tech, co) * np.exp2("),),
           ("tests/test_power_calibration.py", "tests/test_power.py")),
    Mutant("resume ignores the journalled chunk size", "sikernel/sweep/engine.py",
           (("        cs = _resumed_chunk(path, cs)\n", "        cs = cs\n"),),
           ("tests/test_resume_chunk.py",)),
    Mutant("ILD fit unweighted (COM weighting dropped)", "sikernel/channel/metrics.py",
           (("        w = np.abs(ch.s21[sel])\n", "        w = np.ones_like(x)\n"),),
           ("tests/test_metrics.py",)),
    Mutant("MMSE RX FFE tap limit ignored", "sikernel/eq/mmse.py",
           (("    lim = lim.copy()\n", "    lim = np.full(n_w, np.inf)\n"),),
           ("tests/test_naive_mmse.py", "tests/test_mmse_limits.py")),
    Mutant("COM receiver noise eta0 +22 %", "sikernel/eye/com.py",
           (("    var_n = np.einsum(\"kb,bc,kc->k\", w_ctle, gram, w_ctle)\n",
             "    var_n = 1.22 * np.einsum(\"kb,bc,kc->k\", w_ctle, gram, w_ctle)\n"),),
           ("tests/test_com_vs_pychopmarg.py",)),
)


def _copy_tree(dst: Path, from_head: bool) -> None:
    if from_head:  # the last commit only (other people's uncommitted edits left out)
        tar = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dst)], input=tar, check=True)
        return
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, check=True).stdout.split(b"\0")
    for raw in files:
        if not raw:
            continue
        rel = raw.decode()
        src = REPO / rel
        if not src.is_file():
            continue
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, out)


def _pytest(root: Path, tests: tuple[str, ...], env: dict[str, str]) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                       cwd=root, env=env, capture_output=True, text=True)
    lines = (r.stdout + r.stderr).strip().splitlines()
    failed = [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))][:1]
    tail = "\n".join(failed + lines[-1:])
    return r.returncode, time.perf_counter() - t0, tail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="substrings of mutant names to run")
    ap.add_argument("--keep", action="store_true", help="keep the copy of the tree")
    ap.add_argument("--from-head", action="store_true",
                    help="copy the last commit instead of the working tree")
    a = ap.parse_args()
    mutants = [m for m in MUTANTS if (not a.only or any(s in m.name for s in a.only))]
    root = Path(tempfile.mkdtemp(prefix="sikernel-mutation-"))
    assert REPO not in root.parents and root != REPO
    _copy_tree(root, a.from_head)
    channels = os.environ.get("SIKERNEL_CHANNELS", str(REPO.parent / "shared" / "channels"))
    env = dict(os.environ, PYTHONPATH=str(root), NUMBA_CACHE_DIR=str(root / ".numba-cache"),
               SIKERNEL_CHANNELS=channels, MPLBACKEND="Agg")
    env.pop("SIKERNEL_REQUIRE_CHANNELS", None)
    print(f"copy of the tree: {root}")
    score = {"killed": 0, "survived": 0, "stale": 0, "baseline failed": 0}
    try:
        for m in mutants:
            target = root / m.path
            orig = target.read_text()
            text = orig
            stale = [old for old, _ in m.edits if text.count(old) != 1]
            if stale:
                print(f"STALE     {m.name}: snippet not found exactly once in {m.path}: {stale[0][:60]!r}")
                score["stale"] += 1
                continue
            rc0, t0, tail0 = _pytest(root, m.tests, env)
            if rc0 != 0:
                print(f"BASELINE  {m.name}: tests fail without the mutation ({t0:.0f} s)\n{tail0}")
                score["baseline failed"] += 1
                continue
            for old, new in m.edits:
                text = text.replace(old, new)
            target.write_text(text)
            try:
                rc, t, tail = _pytest(root, m.tests, env)
            finally:
                target.write_text(orig)
            verdict = "KILLED" if rc != 0 else "SURVIVED"
            score["killed" if rc != 0 else "survived"] += 1
            detail = tail.replace("\n", "\n          ")
            print(f"{verdict:9s} {m.name} [{', '.join(m.tests)}] ({t:.0f} s)\n          {detail}", flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
    n = score["killed"] + score["survived"]
    print(f"score: {score['killed']}/{n} killed; {score}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
