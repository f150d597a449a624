"""``sikernel study``: W per port and per switch of pluggable, LRO, LPO, NPO and CPO, with bands."""

from __future__ import annotations

import argparse
import contextlib
import math
import time
from pathlib import Path


def _node_nm(text: str) -> float:
    """``--node`` / ``--module-node``: a number of nm; '7nm' is named with the number to give
    (trial 98: argparse said "invalid float value: '7nm'")."""
    import re

    try:
        return float(text)
    except ValueError:
        m = re.fullmatch(r"\s*([0-9.]+)\s*nm\s*", text, flags=re.IGNORECASE)
        hint = f"; give the number alone, e.g. {m.group(1)}" if m else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not a node in nm{hint}") from None

def register(subparsers) -> None:
    """Add the ``study`` sub-command."""
    p = subparsers.add_parser(
        "study", help="pluggable vs LRO vs LPO vs NPO vs CPO: W per port and per switch, with bands",
        description="Run the CPO study on product-matched defaults (51.2T: 5 nm, 8x100G ports; "
                    "102.4T: 3 nm, 8x200G ports; BER per standard): host SerDes over each "
                    "architecture's channel + the module's or engine's components, p10-p90 bands, "
                    "checks against published module powers; writes sikernel-study.h5 and PNGs.")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (ports, architectures, checks, tornado, inputs, "
                        "warnings: every SIKernelWarning of the run, each once) instead of the table; "
                        "sikernel-study.h5 and the PNGs are still written into --out")
    p.add_argument("--out", default=".",
                   help="output folder of sikernel-study.h5 and the PNG figures (default: current folder); "
                        "an earlier run's files of those names there are replaced as a set once this "
                        "run's numbers exist")
    p.add_argument("--rate", type=float, action="append",
                   help="lane rate in Gb/s, nominal (100, 200) or line (106.25, 212.5); repeatable "
                        "(default both generations)")
    p.add_argument("--node", type=_node_nm, default=None,
                   help="CMOS node of the switch SerDes in nm (default per generation: 5, 3)")
    p.add_argument("--module-node", type=_node_nm, default=None,
                   help="CMOS node of the module / engine DSP in nm (default per generation)")
    p.add_argument("--ber", type=float, default=None,
                   help="raw BER of every host link, below 0.375 (PAM4 at Q = 0); a warning above "
                        "2.4e-4, the RS(544,514) limit, and below 1e-18 (default per standard)")
    p.add_argument("--port", type=float, default=None,
                   help="port payload rate in Gb/s, a whole number of lanes (default 8 lanes)")
    p.add_argument("--arch", action="append", default=None,
                   help="architecture (repeatable; default all: pluggable, lro, lpo, npo, npo_dsp, cpo)")
    p.add_argument("--modulator", choices=("ring", "mzm"), default=None,
                   help="CPO / NPO engine modulator (default per generation: mzm at 100G, ring at 200G)")
    p.add_argument("--host-mm", type=float, default=None,
                   help="host-board stripline of pluggable / LRO / LPO in mm (default 254; the LPO and LRO "
                        "boards are shortened to meet --linear-budget-db where it applies)")
    p.add_argument("--lpo-host-mm", type=float, default=None,
                   help="host-board stripline of LPO alone in mm (default: as --host-mm)")
    p.add_argument("--linear-budget-db", default="standard",
                   help="loss budget (dB at Nyquist, die to module) to which the LPO and LRO host boards are "
                        "built: 'standard' (default: the published one of each lane rate, 22 dB at 200G "
                        "(Semtech), none at 100G), 'none' (their board as given, the pluggable's), or dB")
    p.add_argument("--breakout-vias", nargs="?", const="all", default="shipped",
                   choices=("shipped", "all", "none"),
                   help="board vias between the package balls and the stripline: 'shipped' (default: "
                        "one at each end of the NPO board, none on the C2M boards of pluggable, LRO and "
                        "LPO, the choice that puts each board's ERL nearest the public P802.3ck channels'), "
                        "'all' (also on the C2M boards; the bare option means this) or 'none'")
    p.add_argument("--npo-mm", type=float, default=None, help="NPO board stripline in mm (default 100)")
    p.add_argument("--cpo-mm", type=float, default=None, help="CPO package trace in mm (default 25)")
    p.add_argument("--draws", type=int, default=4000, help="Monte Carlo draws (default 4000)")
    p.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    p.add_argument("--crosstalk", default="standard",
                   help="host-link crosstalk: 'standard' (default: as each standard's COM, the stored "
                        "P802.3ck CA_19p75dB fit), 'ca' (that fit on every host link), 'none', or a scale "
                        "factor of its amplitude (e.g. 2)")
    p.add_argument("--com", action="store_true",
                   help="also compute the IEEE COM of each host channel (slow: 10-40 s per channel)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bars of the study on stderr (warnings and errors still go there; an "
                        "SI table built on the way, once per machine, shows its own bar on a terminal only)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="assumption",
                   help="an optical-side input at a value of your own, in the unit of the docs' assumption "
                        "table, e.g. --set els_wpe=0.2 (repeatable; it replaces the point and "
                        "the range, so the bands and tornado hold it fixed; names: the input table of "
                        "docs/energy-model.md 6.4 or the JSON's inputs.assumptions)")
    p.set_defaults(func=_run)


def _assumption_args(items: list[str]) -> dict[str, float]:
    """``--set NAME=VALUE`` values as a mapping (names and values checked by the study)."""
    from ..errors import SIKernelError

    out: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            value = float(text)
        except ValueError:
            raise SIKernelError(f"--set {item!r}: give NAME=VALUE with a number, e.g. "
                                "--set els_wpe=0.2") from None
        if name.strip() in out:  # as the API refuses a name given twice; argparse would keep the last
            raise SIKernelError(f"--set {name.strip()} is given twice; give each input once")
        out[name.strip()] = value
    return out


def _remove_earlier_outputs(out_dir: Path, patterns: tuple[str, ...]) -> None:
    """Delete the files an earlier study run wrote into ``out_dir``, so that the folder never mixes
    two runs' outputs: regular files whose names are exactly ones the study writes (a glob's ``*``
    stands for a generation such as ``51.2T`` or a rate such as ``106.25``, nothing else: a user's
    ``cpo_tornado_51.2T-before.png`` stays)."""
    import re

    stem = r"\d+(?:\.\d+)?T?"  # a generation (51.2T) or a line rate (the 106.25 of 106.25G)
    for pattern in patterns:
        exact = re.compile("^" + re.escape(pattern).replace(r"\*", stem) + "$")
        for old in out_dir.glob(pattern):
            if old.is_file() and exact.match(old.name):
                old.unlink()


def _mm_arg(flag: str, value: float | None, zero_ok: bool) -> float | None:
    """A length option in mm as metres, refused under the flag's own name and unit (new-user trial
    30: ``--cpo-mm -5`` said ``cpo_m=-0.005 must be > 0``)."""
    from ..errors import SIKernelError

    if value is None:
        return None
    if not math.isfinite(value):
        raise SIKernelError(f"{flag} {value!r}: not a finite length; give millimetres, e.g. {flag} 100")
    if value < 0 or (value == 0 and not zero_ok):
        why = ("must be >= 0 mm (0: no board)" if zero_ok else
               "must be > 0 mm (the engine sits on the switch's package substrate: some trace joins them)")
        raise SIKernelError(f"{flag} {value:g}: {why}")
    from .._validate import MAX_LINE_LENGTH_M

    if value * 1e-3 > MAX_LINE_LENGTH_M:   # fuzz 31 M1: warned, then failed deep inside on NaN
        raise SIKernelError(f"{flag} {value:g}: {value * 1e-3:g} m is longer than any line "
                            f"({MAX_LINE_LENGTH_M:g} m); the option takes millimetres, e.g. {flag} 100")
    from ..channel.package import MAX_PACKAGE_LENGTH_M

    if flag == "--cpo-mm" and value * 1e-3 > MAX_PACKAGE_LENGTH_M:   # a package trace (review 31 M3)
        raise SIKernelError(f"{flag} {value:g}: the CPO path is a package trace, at most "
                            f"{MAX_PACKAGE_LENGTH_M * 1e3:g} mm (the CPO class: < 50 mm)")
    return value * 1e-3


def _budget_arg(text: str) -> object:
    """``--linear-budget-db`` value: "standard", None for "none", else a number of dB."""
    from ..errors import SIKernelError
    from ..system.standards import LINEAR_HOST_BUDGET_RANGE_DB

    key = text.strip().lower()
    if key in ("standard", "none"):
        return None if key == "none" else key
    try:
        x = float(text)
    except ValueError:
        raise SIKernelError(f"--linear-budget-db {text!r}: give 'standard', 'none' or a loss budget in dB "
                            "(e.g. 22)") from None
    lo, hi = LINEAR_HOST_BUDGET_RANGE_DB   # the range check_generation holds, under this option's name
    if not (math.isfinite(x) and lo <= x <= hi):
        raise SIKernelError(f"--linear-budget-db {text}: a die-to-module loss budget at Nyquist in "
                            f"dB, {lo:g}-{hi:g} (e.g. 22, the published one at 200G/lane), or 'standard' / "
                            "'none'")
    return x


def _crosstalk_arg(text: str) -> object:
    """``--crosstalk`` value: "standard", "none"/"ca" as given, else a number (scale factor ≥ 0)."""
    from ..errors import SIKernelError
    from ..power.crosstalk import resolve

    key = text.strip().lower()
    if key in ("standard", "none", "off", "ca", "on"):
        return key
    try:
        value = float(text)
        resolve(value)
    except (ValueError, SIKernelError):
        raise SIKernelError(f"--crosstalk {text!r}: give 'standard', 'none', 'ca' or a scale factor "
                            "(a finite number >= 0)") from None
    return value


def _run(args: argparse.Namespace) -> int:
    from .._validate import output_folder

    out_dir = output_folder("--out", args.out)  # checked before the work, not after it
    made = _make_folder(out_dir)
    try:
        return _run_into(args, out_dir)
    except BaseException:
        if made:   # a run refused or stopped before writing leaves no empty folder behind
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise


def _make_folder(out_dir: Path) -> bool:
    """Make ``--out`` now, before the work: a folder the file system refuses to make (read-only,
    virtual) fails here, not after the study; True where this run made it."""
    from ..errors import SIKernelError

    if out_dir.is_dir():
        return False
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SIKernelError(f"--out {out_dir}: cannot create the folder ({exc.strerror}); choose a "
                            "writable folder") from None
    return True


def _run_into(args: argparse.Namespace, out_dir: Path) -> int:
    """The study into the existing folder ``out_dir`` (:func:`_run`)."""
    from .._json import dump_json
    from .._kept_warnings import kept_warnings
    from ..errors import SIKernelError
    from ..study import OUTPUT_PATTERNS, RATES_GBPS, run_study, write_figures, write_hdf5
    from ..system.architectures import ARCH_NAMES
    from ..system.channels import paths_with_lengths

    for pattern in OUTPUT_PATTERNS:   # a file the study writes must not be a folder there
        for taken in sorted(out_dir.glob(pattern)):
            if taken.is_dir():
                raise SIKernelError(f"--out {out_dir}: {taken.name} is a folder, and the study writes a file "
                                    "of that name there; remove or rename it, or choose another --out")
    t0 = time.perf_counter()
    rates = tuple(args.rate) if args.rate else RATES_GBPS
    mm = {k: _mm_arg(flag, v, zero_ok) for k, flag, v, zero_ok in
          (("c2m_host_m", "--host-mm", args.host_mm, True), ("npo_m", "--npo-mm", args.npo_mm, True),
           ("cpo_m", "--cpo-mm", args.cpo_mm, False),
           ("lpo_host_m", "--lpo-host-mm", args.lpo_host_mm, True))}
    vias = {"shipped": None, "all": True, "none": False}[args.breakout_vias]
    kept: list[str] = []
    with kept_warnings(kept):   # the outputs carry its argument checks' warnings too, not the run's only
        paths = paths_with_lengths(**mm, breakout_vias=vias) or None
        res = run_study(rates_gbps=rates, node_nm=args.node, module_node_nm=args.module_node, paths=paths,
                        cpo_modulator=args.modulator,
                        target_ber=args.ber, port_gbps=args.port,
                        architectures=tuple(args.arch) if args.arch else ARCH_NAMES,
                        n_draws=args.draws, seed=args.seed, with_com=args.com, progress=not args.quiet,
                        crosstalk=_crosstalk_arg(args.crosstalk),
                        linear_host_budget_db=_budget_arg(args.linear_budget_db),
                        assumption_values=_assumption_args(args.assumption))
    res.warnings = kept
    out = Path(args.out)
    # fuzz 31 H7: an interrupted run left the new HDF5 file beside an earlier run's figures. The
    # earlier run's outputs go once this run's numbers exist (the study's exact names only, review
    # 31 H1), then the HDF5 file (the result) and the figures: the folder holds one run's outputs
    _remove_earlier_outputs(out, OUTPUT_PATTERNS)
    h5 = write_hdf5(res, out / "sikernel-study.h5")
    figs: list = []
    note = ""
    try:
        import matplotlib  # noqa: F401

        figs = write_figures(res, out)
    except ImportError:
        note = "matplotlib is not installed: no PNG figures written"
    if args.json:
        obj = res.to_json()
        obj["files"] = [str(h5), *map(str, figs)]
        dump_json(obj, indent=1)
    else:
        print(res.table())
        print(f"\nwrote {h5}" + "".join(f", {f}" for f in figs))
        if note:
            print(note)
        i = res.inputs
        print(f"host SerDes model spread: σ = {i['serdes_log_sd']:.3f} (ln), {i['serdes_log_sd_source']}; "
              f"{i['n_draws']} draws, seed {i['seed']}")
        print(f"wall time {time.perf_counter() - t0:.1f} s")
    return 0
