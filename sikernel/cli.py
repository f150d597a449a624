"""The ``sikernel`` command.

Each sub-command lives in its own module under :mod:`sikernel._cli` exposing
``register(subparsers)``; the module list below is the single registry.
Heavy imports happen inside the sub-command, never at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import signal
import sys
import warnings

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
        Exit status: the sub-command's (0 on success); 2 for no sub-command or a
        user error (:class:`~sikernel.errors.SIKernelError`, ``OSError``, ``ValueError``);
        1 for an unexpected internal error; 130 when interrupted.  Every error is one line
        on stderr (``sikernel CMD: error: ...``); ``SIKERNEL_DEBUG=1`` in the environment
        shows the traceback instead.  Warnings are printed once each, one line
        (``sikernel CMD: warning: ...``), and counted in ``args.warning_log``.
    """
    parser = build_parser()
    args = parser.parse_args(_attach_negative_values(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    debug = os.environ.get("SIKERNEL_DEBUG", "") not in ("", "0")
    from ._malloc import keep_freed_heap

    keep_freed_heap()   # this process is ours: keep freed heap for reuse (sikernel._malloc)
    log = WarningLog(args.command)
    args.warning_log = log
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = log.show
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        if debug:
            raise
        hint = "; rerun with --resume to continue it" if args.command == "sweep" else ""
        _end_progress_bar_line()
        terminated = isinstance(exc, Terminated)
        what = "terminated" if terminated else "interrupted"
        print(f"sikernel {args.command}: {what}{hint}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except (SIKernelError, OSError, ValueError) as exc:
        if debug:
            raise
        print(f"sikernel {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # one line for the user; the traceback with SIKERNEL_DEBUG=1
        if debug:
            raise
        print(f"sikernel {args.command}: internal error: {type(exc).__name__}: {_one_line(exc)} "
              "(rerun with SIKERNEL_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 1


#: a negative number that argparse takes for an option: its own test (``^-\\d+$|^-\\d*\\.\\d+$``)
#: misses the exponent form and ``-inf``/``-nan``, so ``--ber -1e-5`` failed with "expected one
#: argument" instead of reaching the value's check
_NEGATIVE_NUMBER_ARGPARSE_MISSES = re.compile(
    r"^-(?:(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+|inf(?:inity)?|nan)$", re.IGNORECASE)


def _attach_negative_values(argv: list[str]) -> list[str]:
    """``--opt -1e-5`` → ``--opt=-1e-5`` where argparse would read ``-1e-5`` as an option.

    Only a token right after a long option written without ``=``, and only before a ``--``
    separator, is joined; the value then reaches the option's own check (for ``--ber``: "not a
    bit error ratio in (0, 0.5)").  Only the first value of a many-valued option (``--at -1e9
    -2e9``) is joined, and one after a flag gives argparse's "ignored explicit argument": a
    one-line usage error either way.
    """
    out: list[str] = []
    for token in argv:
        if (out and _NEGATIVE_NUMBER_ARGPARSE_MISSES.match(token) and "--" not in out
                and out[-1].startswith("--") and "=" not in out[-1]):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


#: exit status of an interrupted command (128 + SIGINT, the shell convention)
EXIT_INTERRUPTED = 130
#: exit status after SIGTERM (128 + 15, as the shell reports a process the signal ended)
EXIT_TERMINATED = 143


def entry() -> None:
    """The ``sikernel`` console script and ``python -m sikernel``: :func:`main`, then exit.

    The first interrupt (Ctrl-C) stops the command as before (``interrupted``, status 130);
    later ones are ignored while the process winds down (unwinding, worker threads finishing
    their task, interpreter shutdown), where a second Ctrl-C printed a traceback from the
    thread join instead of the one line.  :func:`main` itself leaves the signal handlers alone,
    so in-process callers keep their own.
    """
    import threading

    # only over Python's own handler: a shell starts a background job (``sikernel ... &``) with
    # SIGINT ignored, and a caller may have installed its own
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
        signal.signal(signal.SIGINT, _interrupt_once)
    # SIGTERM (kill, timeout) unwinds like an interrupt, so that temporary files are removed and a
    # sweep's journal is left resumable (fuzz 31 H7: a killed study left *.tmp files behind); it
    # ends with status 143, and a second SIGTERM kills at once (review 31 M4)
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
        signal.signal(signal.SIGTERM, _terminate_once)
    raise SystemExit(main())


def _interrupt_once(signum: int, frame: object) -> None:
    """SIGINT handler of :func:`entry`: ignore every later SIGINT, then interrupt as Python does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like an interrupt (cleanup runs) and reported as ``terminated``, status 143."""


def _terminate_once(signum: int, frame: object) -> None:
    """SIGTERM handler of :func:`entry`: a second SIGTERM takes the default action (the process
    ends at once, as ``kill`` expects); the first unwinds as :class:`Terminated`."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated


def _end_progress_bar_line() -> None:
    """After an interrupt, end the line of a tqdm bar that was left open, so that the one line
    ``interrupted`` starts a line of its own.  A bar closes itself (and ends its line) when its
    loop is left, but an interrupt that lands between its first draw and its loop leaves it
    open, mid-line.  Such bars are marked done without a redraw and the line is ended here.
    ``tqdm.tqdm._instances`` is the set of live bars tqdm keeps for its own positioning; absent
    it, nothing is done."""
    tqdm_module = sys.modules.get("tqdm")
    if tqdm_module is None:
        return
    open_bars = [b for b in list(getattr(tqdm_module.tqdm, "_instances", ()))
                 if not getattr(b, "disable", True)]
    for bar in open_bars:
        bar.disable = True   # abandoned: no redraw at exit
    if open_bars:
        sys.stderr.write("\n")


def _one_line(exc: BaseException) -> str:
    """The exception's message on one line (an OSError with its file name)."""
    if isinstance(exc, OSError) and not isinstance(exc, SIKernelError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


class WarningLog:
    """Prints each distinct warning once, on one line, and counts them.

    Parameters
    ----------
    command : str
        The sub-command (prefix of every line).
    """

    #: distinct warnings printed before the rest are only counted (a sweep can warn per point)
    MAX_PRINTED = 20

    def __init__(self, command: str) -> None:
        self.command = command
        self.counts: dict[str, int] = {}

    def show(self, message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: object = None, line: str | None = None) -> None:
        """``warnings.showwarning`` replacement: ``sikernel CMD: warning: MESSAGE`` once."""
        text = " ".join(str(message).split())
        n = self.counts.get(text, 0)
        self.counts[text] = n + 1
        if n:
            return
        if len(self.counts) <= self.MAX_PRINTED:
            print(f"sikernel {self.command}: warning: {text}", file=sys.stderr, flush=True)
        elif len(self.counts) == self.MAX_PRINTED + 1:
            print(f"sikernel {self.command}: warning: more than {self.MAX_PRINTED} different warnings; "
                  "the rest are only counted", file=sys.stderr, flush=True)

    @property
    def distinct(self) -> int:
        """Number of different warnings seen."""
        return len(self.counts)

    @property
    def total(self) -> int:
        """Number of warnings seen, repeats included."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """``"no warnings"``, ``"1 warning"``, ``"3 warnings (12 in all)"``."""
        if not self.counts:
            return "no warnings"
        s = f"{self.distinct} warning{'s' if self.distinct > 1 else ''}"
        return s + (f" ({self.total} in all)" if self.total > self.distinct else "")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
