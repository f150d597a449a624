"""``sikernel study``: the CPO / NPO / LPO / pluggable energy study on embedded defaults."""

from __future__ import annotations

import argparse
import json
import sys
import time


def register(subparsers) -> None:
    """Add the ``study`` sub-command."""
    p = subparsers.add_parser("study", help="pluggable vs LPO vs NPO vs CPO: electrical energy per bit",
                              description="Run the CPO study: channels, equalisation, energy per "
                              "bit per architecture and rate; writes sikernel-study.h5 and PNGs.")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of the table")
    p.add_argument("--out", default=".", help="output folder (default: current folder)")
    p.add_argument("--rate", type=float, action="append",
                   help="lane rate in Gb/s (PAM4); repeatable (default 106.25 and 212.5)")
    p.add_argument("--node", type=float, default=7, help="CMOS node in nm (default 7)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .._validate import output_folder
    from ..study import RATES_GBPS, _nan_to_none, run_study, write_figures, write_hdf5

    output_folder("--out", args.out)  # before minutes of work, not after
    t0 = time.perf_counter()
    rates = tuple(args.rate) if args.rate else RATES_GBPS
    res = run_study(rates_gbps=rates, node_nm=args.node, progress=not args.json)
    out = Path(args.out)
    h5 = write_hdf5(res, out / "sikernel-study.h5")
    figs: list = []
    note = ""
    try:
        import matplotlib  # noqa: F401

        figs = write_figures(res, out)
    except ImportError:
        note = "matplotlib is not installed: no PNG figures written"
    if args.json:
        obj = _nan_to_none(res.to_json())
        obj["files"] = [str(h5), *map(str, figs)]
        json.dump(obj, sys.stdout, indent=1, default=str)
        print()
    else:
        print(res.table())
        print(f"\nwrote {h5}" + "".join(f", {f}" for f in figs))
        if note:
            print(note)
        print(f"optical-side energy kept separate (pJ/bit): {res.inputs['optical_pj_per_bit']}")
        print(f"wall time {time.perf_counter() - t0:.1f} s")
    return 0
