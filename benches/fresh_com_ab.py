"""A/B of the first COM in a fresh process (Numba cache warm) between two source trees.

    python benches/fresh_com_ab.py --a-rev c4b1097 -n 8            # that commit vs this tree
    python benches/fresh_com_ab.py --a /path/to/tree --b . -n 8    # two checkouts

Each round runs ``from sikernel import com; com(<DPO_4in>)`` in a fresh interpreter for A,
then for B (interleaved, so that a drifting machine load hits both alike), with
``PYTHONPATH`` set to the tree.  ``--a-rev`` exports ``sikernel/`` at that revision with
``git archive`` into a temporary folder; its Numba cache (next to that copy's sources) is
warmed by one unrecorded run first, as is B's.  Printed per run and as medians / minima:
wall time (import + COM, in the child), the child's CPU time, and its main thread's CPU time
(``time.thread_time``: excludes the FOM-grid worker threads, so it is the part least
disturbed by other processes on a loaded machine), with the load average at the start of
the round.  The COM values of A and B are printed too (they must agree).

Not a pytest-benchmark case: ``benches/bench_com_targets.py`` holds the target itself.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CH = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from sikernel import com
t1 = time.perf_counter()
r = com(sys.argv[1])
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall_s": t2 - t0, "import_s": t1 - t0, "cpu_s": ru.ru_utime + ru.ru_stime,
                  "main_cpu_s": time.thread_time(), "com_db": r.com_db.hex(),
                  "file": sys.modules["sikernel"].__file__}))
"""


def _run(root: Path, channel: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", _CHILD, str(channel)], env=env, cwd=root,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", type=Path, help="tree A (holds sikernel/)")
    ap.add_argument("--a-rev", help="git revision exported as tree A instead of --a")
    ap.add_argument("--b", type=Path, default=REPO, help="tree B (default: this checkout)")
    ap.add_argument("-n", type=int, default=8, help="rounds (default 8)")
    ap.add_argument("--channel", type=Path, default=CH / "DPO_4in_Meg7_THRU.s4p")
    args = ap.parse_args(argv)
    if (args.a is None) == (args.a_rev is None):
        ap.error("give exactly one of --a, --a-rev")
    with tempfile.TemporaryDirectory(prefix="sikernel-ab-") as tmp:
        if args.a_rev:
            a = Path(tmp)
            arc = subprocess.run(["git", "-C", str(REPO), "archive", args.a_rev, "sikernel"],
                                 capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(a)], input=arc, check=True)
        else:
            a = args.a.resolve()
        b = args.b.resolve()
        for root in (a, b):  # warm each tree's Numba cache, unrecorded
            _run(root, args.channel)
        rows: dict[str, list[dict]] = {"A": [], "B": []}
        for i in range(args.n):
            load = os.getloadavg()[0]
            for side, root in (("A", a), ("B", b)):
                r = _run(root, args.channel)
                rows[side].append(r)
                print(f"round {i + 1} load {load:.2f} {side}: wall {r['wall_s']:.3f} s (import "
                      f"{r['import_s']:.3f}) cpu {r['cpu_s']:.3f} s main-thread cpu {r['main_cpu_s']:.3f} s",
                      flush=True)
    for key in ("wall_s", "import_s", "cpu_s", "main_cpu_s"):
        va = [r[key] for r in rows["A"]]
        vb = [r[key] for r in rows["B"]]
        print(f"{key:11s} A median {statistics.median(va):.3f} min {min(va):.3f} | "
              f"B median {statistics.median(vb):.3f} min {min(vb):.3f}")
    same = {r["com_db"] for r in rows["A"]} == {r["com_db"] for r in rows["B"]}
    print(f"COM A {float.fromhex(rows['A'][0]['com_db'])!r}  B {float.fromhex(rows['B'][0]['com_db'])!r}  "
          f"bit-identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
