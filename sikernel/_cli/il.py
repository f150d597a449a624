"""``sikernel il``: insertion loss of a Touchstone channel at given frequencies.

Default frequencies: 13.28 GHz and 26.5625 GHz, the Nyquist frequencies of the
26.5625 GBd (50 Gb/s PAM4) and 53.125 GBd (100 Gb/s PAM4, IEEE 802.3ck) lanes --
the two columns of the channel table in ``shared/channels/README.md``.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .ports import add_pairs_argument, parse_pairs
from .units import parse_frequency, parse_symbol_rate

#: frequencies reported when --at is not given (Hz)
DEFAULT_AT_HZ = (13.28e9, 26.5625e9)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``il`` sub-command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the ``sikernel`` parser.
    """
    p = subparsers.add_parser(
        "il", help="insertion loss of a .s4p channel at given frequencies",
        description="Insertion loss -20 log10 |SDD21| of a single-ended 4-port Touchstone file, "
                    "converted to differential mode with the port map --pairs (default 1,3:2,4: "
                    "P leg 1->2, N leg 3->4), at the frequencies --at (default 13.28 GHz and "
                    "26.5625 GHz, the Nyquist frequencies of 26.5625 and 53.125 GBd).")
    p.add_argument("file", help="Touchstone file (.s4p)")
    add_pairs_argument(p, "the file")
    p.add_argument("--at", nargs="+", default=None, metavar="F",
                   help="frequencies in Hz (e.g. 26.5625e9) or with a unit (26.5625GHz)")
    p.add_argument("--baud", default=None, metavar="BD",
                   help="also report IL at Nyquist (baud/2), the fitted IL there and FOM_ILD; "
                   "the symbol rate in Bd (53.125e9) or with a unit (53.125GBd)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_run)


def _check_at(texts: list[str], at_hz: list[float], bare: list[bool], f_hz: object) -> None:
    """A bare number below the file's first (non-DC) frequency is a unit slip (GHz or MHz typed
    as Hz) when that unit puts it inside the file's range; any frequency outside the file's
    range is refused with the range."""
    import numpy as np

    from ..errors import SIKernelError

    f = np.asarray(f_hz, dtype=float)
    nz = f[f > 0]
    f_lo = float(nz[0]) if nz.size else float(f[0])
    rng = f"{f[0]:g}..{f[-1]:g} Hz, {f[0] / 1e9:g}..{f[-1] / 1e9:g} GHz"
    for t, hz, b in zip(texts, at_hz, bare, strict=True):
        if b and 0 < hz < f_lo:
            # suggest a unit only where it lands on the file's data (5e6 GHz or 1e-3 GHz do not)
            unit = next((u for u, k in (("GHz", 1e9), ("MHz", 1e6)) if f_lo <= hz * k <= f[-1]), None)
            hint = (f"; did you mean {unit} (--at {t.strip()}{unit})? Bare numbers are in Hz"
                    if unit else f"; bare numbers are in Hz (to ask for {hz:g} Hz anyway, give the "
                                 f"unit: --at {t.strip()}Hz)")
            raise SIKernelError(f"--at {t}: {hz:g} Hz is below the file's first frequency {f_lo:g} Hz "
                                f"(the file covers {rng}){hint}")
        if hz < f[0] or hz > f[-1]:
            raise SIKernelError(f"--at {t}: {hz:g} Hz is outside the file's frequency range {rng}")


def _run(args: argparse.Namespace) -> int:
    from ..channel.metrics import il_at_nyquist
    from ..channel.roles import check_role
    from ..channel.touchstone import as_channel

    if args.baud is not None:
        args.baud = parse_symbol_rate(args.baud)
    pairs = parse_pairs(args.pairs)
    parsed = [parse_frequency(t) for t in args.at] if args.at else [(f, False) for f in DEFAULT_AT_HZ]
    at = [hz for hz, _ in parsed]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ch = as_channel(args.file, "the file", pairs=pairs)   # a .s4p, or a differential .s2p
        if args.baud is not None:
            _refuse_dead_channel(ch, args)
        check_role(ch, "thru", "the file", advice="its insertion loss is the crosstalk's coupling, "
                   "not a thru's loss; check the file and the port map --pairs")
    if args.at:
        _check_at(args.at, at, [b for _, b in parsed], ch.f)
    msgs = [str(w.message) for w in caught]
    for msg in msgs:
        print(f"sikernel il: warning: {msg}", file=sys.stderr)
    il = ch.il_db(at)
    out = {"file": args.file, "pairs": [list(pairs[0]), list(pairs[1])], "z0_ohm": ch.z0_ohm,
           "f_hz": [float(x) for x in at], "il_db": [float(x) for x in il], "warnings": msgs}
    if args.baud is not None:
        nyq = il_at_nyquist(ch, args.baud)
        fom = _fom_ild(ch, args)
        out.update({"baud": nyq.baud, "f_nyquist_hz": nyq.f_nyquist_hz, "il_nyquist_db": nyq.il_db,
                    "fitted_il_nyquist_db": float(fom.fit.at(nyq.f_nyquist_hz)),
                    "fom_ild_db": fom.fom_db})
    if args.json:   # strict JSON: the loss of a channel that transmits nothing (inf dB) is null
        from .._json import dump_json

        dump_json(out)
        return 0
    print(f"{ch.name}  pairs {args.pairs}  z0 {ch.z0_ohm:g} ohm  "
          f"{ch.n_freq} points {ch.f[0] / 1e9:g}..{ch.f[-1] / 1e9:g} GHz")
    for f, x in zip(at, il, strict=True):
        print(f"  IL at {f / 1e9:10.4f} GHz: {x:8.3f} dB")
    if args.baud is not None:
        print(f"  IL at Nyquist ({out['f_nyquist_hz'] / 1e9:g} GHz): {out['il_nyquist_db']:.3f} dB, "
              f"fitted {out['fitted_il_nyquist_db']:.3f} dB, FOM_ILD {out['fom_ild_db']:.3f} dB")
    return 0


def _why_fix(args: argparse.Namespace) -> tuple[str, str]:
    """The two halves of the CLI's refusal of FOM_ILD on a channel that transmits nothing."""
    return (f"--baud {args.baud:g}: FOM_ILD fits the insertion loss weighted by |SDD21|, and "
            f"|SDD21| of {args.file} is zero",
            "; check the file and the port map --pairs, or leave out --baud")


def _refuse_dead_channel(ch: object, args: argparse.Namespace) -> None:
    """With ``--baud``, a channel whose |SDD21| is zero at every frequency is refused in the
    CLI's words before anything else is said about it."""
    import numpy as np

    from ..errors import SIKernelError

    if not np.any(np.abs(ch.s21) > 0):   # type: ignore[attr-defined]
        why, fix = _why_fix(args)
        raise SIKernelError(why + " at every frequency (the channel transmits nothing)" + fix)


def _fom_ild(ch: object, args: argparse.Namespace) -> object:
    """FOM_ILD for ``--baud``; a channel whose |SDD21| is zero across the fit band is refused in
    the CLI's words (the library's message suggests a Python argument the command does not have)."""
    from ..channel.metrics import fom_ild
    from ..errors import NoTransmissionError, SIKernelError

    try:
        return fom_ild(ch, args.baud)   # type: ignore[arg-type]
    except NoTransmissionError:
        why, fix = _why_fix(args)
        raise SIKernelError(why + " across the fit band" + fix) from None
