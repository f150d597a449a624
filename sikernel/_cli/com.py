"""``sikernel com``: Channel Operating Margin of a Touchstone channel (IEEE 802.3 Annex 93A/178A)."""

from __future__ import annotations

import argparse
from typing import Any

from .ports import add_pairs_argument, parse_pairs


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``com`` sub-command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the ``sikernel`` parser.
    """
    p = subparsers.add_parser(
        "com", help="COM of a channel (IEEE 802.3 Annex 93A / 178A)",
        description="Channel Operating Margin of THRU.s4p (port map --pairs, default (1,3)->(2,4)) "
                    "with optional NEXT/FEXT aggressors, for a named COM preset.")
    p.add_argument("thru", help="thru channel, Touchstone .s4p")
    p.add_argument("--next", nargs="+", default=[], metavar="F", help="near-end crosstalk .s4p files")
    p.add_argument("--fext", nargs="+", default=[], metavar="F", help="far-end crosstalk .s4p files")
    p.add_argument("--preset", default=None,
                   help="802.3ck-kr (default), 802.3ck-cr, 802.3ck-c2c or 802.3dj-kr (draft)")
    p.add_argument("--config", default=None, metavar="SHEET.xlsx",
                   help="an IEEE COM configuration sheet (config_com_ieee8023_93a=*.xlsx): run COM with "
                        "exactly its parameters (instead of --preset)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a preset value (SI units), e.g. --set t_r_s=4e-12; repeatable")
    add_pairs_argument(p, "the thru and every aggressor file")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(func=_run)


def _parse_overrides(items: list[str], preset: object = "802.3ck-kr") -> dict:
    """``--set NAME=VALUE`` items -> overrides of ``preset``
    (:func:`sikernel._cli.overrides.parse_set`, checked against the preset's own values, the
    size-like fields within :data:`~sikernel._cli.overrides.COM_LIMITS`, and the TX FFE search
    grid they give within :data:`MAX_TX_GRID` settings).

    Parameters
    ----------
    items : list of str
        The ``--set`` arguments.
    preset : str or ComPreset
        The preset they override (its values give the expected kinds).

    Returns
    -------
    dict
        Field name -> value.
    """
    import dataclasses

    from ..errors import SIKernelError
    from ..eye.presets import get_preset
    from .overrides import COM_FIXED, COM_LIMITS, parse_set

    base = get_preset(preset)
    out = parse_set(items, dataclasses.asdict(base), "preset value", limits=COM_LIMITS, fixed=COM_FIXED)
    if "tx_taps" in out:   # a tiny step makes a TX grid that does not fit in memory
        n = get_preset(base, **out).tx_grid_size_unconstrained()
        if n > MAX_TX_GRID:
            raise SIKernelError(f"--set tx_taps={out['tx_taps']}: {n:.3g} TX FFE settings to search "
                                f"(the product over the rows of (max - min) / step + 1); at most "
                                f"{MAX_TX_GRID:g} are accepted: widen the steps or narrow the ranges")
    return out


#: TX FFE settings (before the c(0) constraint) that ``--set tx_taps=...`` may ask COM to search
#: (the 802.3ck KR preset has 5,544)
MAX_TX_GRID = 1_000_000


def _read_with_pairs(args: argparse.Namespace) -> tuple[Any, list[Any], list[Any]]:
    """The thru and aggressors as :func:`sikernel.com` takes them: the paths themselves with the
    default port map (COM reads them), else each file read with ``--pairs``."""
    from ..channel.touchstone import DEFAULT_PAIRS, as_channel

    pairs = parse_pairs(args.pairs)
    if pairs == DEFAULT_PAIRS:
        return args.thru, list(args.next), list(args.fext)
    return (as_channel(args.thru, "the thru", pairs=pairs),
            [as_channel(f, f"--next {f}", pairs=pairs, check_port_map=False) for f in args.next],
            [as_channel(f, f"--fext {f}", pairs=pairs, check_port_map=False) for f in args.fext])


def _run(args: argparse.Namespace) -> int:
    from .._json import dump_json
    from ..eye.com import com

    if args.config is not None and args.preset is not None:
        from ..errors import SIKernelError

        raise SIKernelError(f"--preset {args.preset} and --config {args.config}: give one of them (the "
                            "sheet holds every parameter of its own preset; --set overrides either)")
    thru, nxt, fxt = _read_with_pairs(args)
    if args.config is not None:
        from ..eye.config_sheet import com_preset_from_sheet

        base = com_preset_from_sheet(args.config)[0]
        r = com(thru, config=args.config, next=nxt, fext=fxt, **_parse_overrides(args.set, base))
    else:
        preset = args.preset or "802.3ck-kr"
        r = com(thru, preset=preset, next=nxt, fext=fxt, **_parse_overrides(args.set, preset))
    if args.json:
        dump_json(r.to_dict())
        return 0
    v = r.preset["values"]
    crit = (f"VEC <= {v['c2m_vec_pass_db']:g} dB, VEO >= {v['c2m_eh_min_v'] * 1e3:g} mV"
            if r.cases[0].c2m is not None else f">= {v['pass_threshold_db']:g} dB")
    print(f"COM {r.com_db:.3f} dB  ({'pass' if r.passed else 'FAIL'} at {crit})  preset {r.preset['name']}")
    print(f"channel {r.channel}  NEXT {len(r.next)}  FEXT {len(r.fext)}  "
          f"elapsed {r.elapsed_s:.3f} s")
    if "sheet" in r.preset:
        sh = r.preset["sheet"]
        print(f"sheet {sh['file']}: ignored output keywords {', '.join(sh['ignored_output']) or '-'}; "
              f"ERL/ICN keywords (not COM) {', '.join(sh['ignored_not_com']) or '-'}")
    for c in r.cases:
        print(f"  z_p {c.z_p_m[0] * 1e3:.1f}/{c.z_p_m[1] * 1e3:.1f} mm: COM {c.com_db:.3f} dB, "
              f"FOM {c.fom_db:.3f} dB, A_s {c.a_s * 1e3:.3f} mV, A_ni {c.a_ni * 1e3:.3f} mV, "
              f"TX {[round(float(x), 3) for x in c.tx_taps]}, g_DC {c.ctle_gdc_db:g} dB, "
              f"g_DC2 {c.ctle_gdc2_db:g} dB")
        if c.c2m is not None:
            print(f"    C2M: VEO {c.c2m['veo_v'] * 1e3:.3f} mV (EH_T {c.c2m['eh_top_v'] * 1e3:.3f}, "
                  f"EH_B {c.c2m['eh_bot_v'] * 1e3:.3f} mV), VEC {c.c2m['vec_db']:.3f} dB")
    return 0
