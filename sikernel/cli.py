"""The ``sikernel`` command.

Each sub-command lives in its own module under :mod:`sikernel._cli` exposing
``register(subparsers)``; the module list below is the single registry.
Heavy imports happen inside the sub-command, never at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import SIKernelError

# sub-command modules, in the order they appear in --help
_SUBCOMMANDS: tuple[str, ...] = ("com", "erl", "eye", "il", "study", "sweep")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="sikernel",
        description="SerDes signal integrity: insertion loss, COM / eye closure, "
        "equalisation energy, and the CPO study.",
    )
    parser.add_argument("--version", action="version", version=f"sikernel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in _SUBCOMMANDS:
        importlib.import_module(f"sikernel._cli.{mod}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sikernel`` command; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: the sub-command's (0 on success), 2 for no sub-command or
        an :class:`~sikernel.errors.SIKernelError` (its message goes to stderr).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SIKernelError as exc:
        print(f"sikernel {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
