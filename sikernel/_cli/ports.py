"""The ``--pairs`` port-map option of the sub-commands that read single-ended 4-port files."""

from __future__ import annotations

import argparse
import re

#: the port map of the shared IEEE P802.3ck channels and of the IEEE COM code's default
#: ``[1 3 2 4]`` port order: P leg 1 -> 2, N leg 3 -> 4 (``format_pairs(DEFAULT_PAIRS)`` of
#: :mod:`sikernel.channel.touchstone`, written out: the parser is built without importing NumPy)
DEFAULT_PAIRS_TEXT = "1,3:2,4"


def add_pairs_argument(p: argparse.ArgumentParser, applies_to: str) -> None:
    """Add ``--pairs P,N:P,N`` to a sub-command's parser.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command's parser.
    applies_to : str
        Which of its files the map applies to, for the help text.
    """
    p.add_argument("--pairs", default=DEFAULT_PAIRS_TEXT, metavar="P,N:P,N",
                   help=f"port map of {applies_to}: TX pair then RX pair, 1-based (default "
                        f"{DEFAULT_PAIRS_TEXT}: P leg 1->2, N leg 3->4; 1,2:3,4 for files that "
                        "number both ports of one end first)")


def parse_pairs(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """``"1,3:2,4"`` -> ``((1, 3), (2, 4))``; SIKernelError naming the text otherwise.

    Parameters
    ----------
    text : str
        Port map ``P,N:P,N`` (TX pair, then RX pair; 1-based ports).

    Returns
    -------
    ((int, int), (int, int))
        The port map for :func:`sikernel.channel.touchstone.read_touchstone`.
    """
    from ..errors import SIKernelError

    m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*:\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not m:
        raise SIKernelError(f"--pairs {text!r}: expected P,N:P,N with 1-based ports, e.g. 1,3:2,4")
    a, b, c, d = (int(x) for x in m.groups())
    return (a, b), (c, d)
