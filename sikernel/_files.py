"""File modes of the files sikernel writes: created as ``0666 & ~umask``, as other tools do.

Atomic writers create a temporary file with :func:`tempfile.mkstemp` (mode 0600) and
rename it into place; :func:`chmod_as_created` gives it the mode a plain ``open`` would
have given it first.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import tempfile
from collections.abc import Iterator


def umask() -> int:
    """The process umask, read without changing it (Linux: /proc; elsewhere set-and-restore).

    Returns
    -------
    int
        The umask bits.
    """
    with contextlib.suppress(OSError, ValueError):
        with builtins.open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    old = os.umask(0o022)
    os.umask(old)
    return old


def chmod_as_created(path: str | os.PathLike[str]) -> None:
    """Give a file made by :func:`tempfile.mkstemp` (mode 0600) the mode ``0666 & ~umask``.

    Parameters
    ----------
    path : str or PathLike
        The file; errors (a file system without modes) are ignored.
    """
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~umask())


@contextlib.contextmanager
def atomic_target(path: str | os.PathLike[str], suffix: str) -> Iterator[str]:
    """A temporary file beside ``path`` to write, renamed onto ``path`` when the block succeeds.

    The file is made by :func:`tempfile.mkstemp` in ``path``'s folder, given the mode of
    :func:`chmod_as_created`, and removed when the block raises.

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist.
    suffix : str
        Suffix of the temporary file.

    Yields
    ------
    str
        The temporary file's path.
    """
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.fspath(path)) or ".", suffix=suffix)
    os.close(fd)
    chmod_as_created(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
