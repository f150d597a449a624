"""``sikernel erl``: effective return loss of a Touchstone channel (IEEE 802.3 Annex 93A.5)."""

from __future__ import annotations

import argparse
import math


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``erl`` sub-command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the ``sikernel`` parser.
    """
    p = subparsers.add_parser(
        "erl", help="effective return loss of a channel (IEEE 802.3 Annex 93A.5)",
        description="ERL at both ends of FILE.s4p as the IEEE 802.3 COM reference code computes "
                    "it, with the TDR/ERL parameters of an IEEE COM configuration sheet or a "
                    "named preset (802.3ck-kr, -cr, -c2c, -c2m-host, -c2m-module).")
    p.add_argument("file", help="channel, Touchstone .s4p (port map from the sheet's Port Order), "
                                "or a one-port .s2p (ports 1, 2 = P, N)")
    p.add_argument("--config", default="802.3ck-kr", metavar="SHEET|PRESET",
                   help="config_com_ieee8023_93a=*.xlsx or a preset name (default 802.3ck-kr)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override an ErlSettings field (SI units), e.g. --set n_ui=1000; repeatable")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    import dataclasses

    from .._json import dump_json
    from ..eye.erl import erl, get_erl_settings
    from .overrides import ERL_FIXED, ERL_LIMITS, parse_set

    base, _ = get_erl_settings(args.config)
    overrides = parse_set(args.set, {f.name: getattr(base, f.name) for f in dataclasses.fields(base)},
                          "ERL setting", limits=ERL_LIMITS, fixed=ERL_FIXED)
    r = erl(args.file, config=args.config, **overrides)
    if args.json:   # strict JSON: an ERL of +inf (no reflection reaches DER_0) is null
        dump_json(r.to_dict())
        return 0
    s = r.settings
    ends = (f"TX end {_db(r.tx.erl_db)}, RX end {_db(r.rx.erl_db)}" if r.rx is not None
            else "one-port")
    print(f"ERL {_db(r.erl_db)}  ({'pass' if r.passed else 'FAIL'} at >= {s.pass_threshold_db:g} dB)"
          f"  {ends}")
    print(f"config {s.source}  N {s.n_ui} UI  N_bx {s.n_bx}  T_fx {s.tfx_s[0]:g}/{s.tfx_s[1]:g} s  "
          f"elapsed {r.elapsed_s:.3f} s")
    return 0


def _db(x: float) -> str:
    """An ERL for the text output; +inf (no gated reflection reaches DER_0) said in words."""
    return f"{x:.3f} dB" if math.isfinite(x) else f"{x} dB (no reflection reaches DER_0)"
