"""``sikernel sweep``: evaluate a parameter grid (TOML) into a crash-safe HDF5 file."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` sub-command."""
    p = subparsers.add_parser(
        "sweep", help="parameter sweep (TOML grid) into an HDF5 file",
        description="Evaluate every point of the grid in CONFIG.toml (see examples/sweep_example.toml) "
                    "in compiled batches and store the outputs in OUT.h5 as they are computed. "
                    "An interrupted sweep (even kill -9) continues with --resume.")
    p.add_argument("config", help="sweep definition (TOML)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.h5", help="HDF5 result file")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--resume", action="store_true", help="continue an interrupted sweep of the same config")
    g.add_argument("--overwrite", action="store_true", help="replace an existing OUT.h5")
    p.add_argument("--backend", choices=("local", "dask"), default="local",
                   help="local Numba threads (default) or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDR", default=None,
                   help="dask scheduler, e.g. tcp://10.0.0.1:8786 (default: a local cluster on 127.0.0.1)")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="workers of the local dask cluster (without --scheduler)")
    p.add_argument("--chunk", type=int, default=None, metavar="N", help="grid points per chunk")
    p.add_argument("--threads", type=int, default=None, metavar="N", help="Numba threads (per worker)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from .._validate import given_path
    from ..sweep import run_sweep
    from ..sweep.engine import check_threads_workers

    # before anything is read or created: a bad count made Numba fail after OUT.h5 and its
    # journal existed, and --workers 0 waited 30 s for a cluster with no worker
    check_threads_workers(args.threads, args.workers, local_limit=args.scheduler is None,
                          names=("--threads", "--workers"))
    given_path("-o/--output", args.output, "the HDF5 file to write, e.g. -o sweep.h5")
    res = run_sweep(args.config, args.output, resume=args.resume, overwrite=args.overwrite,
                    backend=args.backend, scheduler=args.scheduler, chunk=args.chunk,
                    threads=args.threads, quiet=True if args.quiet else None, n_workers=args.workers)
    log = getattr(args, "warning_log", None)
    if not args.quiet and res is not None:
        shape = " x ".join(f"{k}[{len(v)}]" for k, v in res.axes.items())
        note = f"; {log.summary()} (above)" if log is not None and log.counts else ""
        print(f"sweep {res.name}: {shape} -> {args.output} ({', '.join(res.outputs)}){note}")
    open_links = _not_closing(res) if res is not None else ""
    if open_links:  # on stderr, as the warnings: also under --quiet
        print(f"sikernel sweep: note: {open_links}", file=sys.stderr)
    return 0


def _not_closing(res: object) -> str:
    """How many computed points have no energy (NaN ``pj_per_bit``: no architecture closes the
    link there, schema in docs), or ``""`` when all close or energy is not an output."""
    import numpy as np

    if "pj_per_bit" not in res.outputs:  # type: ignore[attr-defined]
        return ""
    done = np.asarray(res.done, dtype=bool)  # type: ignore[attr-defined]
    e = np.asarray(res.outputs["pj_per_bit"])[done]  # type: ignore[attr-defined]
    n_open = int(np.count_nonzero(~np.isfinite(e)))
    if n_open == 0:
        return ""
    return (f"{n_open} of {e.size} points do not close the link at their BER (pj_per_bit NaN "
            "there): losses beyond every architecture's reach, or a BER no equaliser meets")
