"""On-disk cache of the SI operating tables of real channels (:func:`sikernel.power.api.channel_op_table`).

An operating table is the SI chain's answer for one channel: every candidate receiver's
post-equalisation figures (:class:`~sikernel.power.budget.OpTable`), ~0.3 s of TX FFE × CTLE
search per table on one core.  ``sikernel study`` needs about 80 of them (each host end's
channel at its bandwidth points, with and without NEXT) and, before this cache, searched them
again in every new process: about two thirds of a warm study's wall time (December 2026).  The
synthetic loss tables have kept such a cache since they exist (:mod:`sikernel.power.table`);
this one keeps the tables of real channels beside them.

**Key.**  A file holds one table under a SHA-256 digest of everything the table depends on:
the memo key of :func:`~sikernel.power.api.channel_op_table` (a digest of the channel's
frequency and S21 samples, the rate, the PAM levels, the crosstalk model, the reference
receiver's settings, the SI chain's search grids, the DSP front end's TX taps), the table
layout's :data:`sikernel.power.table.TABLE_VERSION`, and a digest of the source of every
module of the installed ``sikernel`` package (:func:`source_digest`): a changed SI chain is
never served a table the old one searched, whether or not the version was bumped.

**Files.**  ``ops/op-<digest>.npz`` under the table cache (``$SIKERNEL_CACHE_DIR/power`` or
``~/.cache/sikernel/power``), written to a temporary file and renamed into place (one writer
per file; two processes that search the same table write the same bytes); an unwritable cache
is skipped.  At most :data:`OP_CACHE_MAX_FILES` tables are kept (the least recently used go
first).  A file that cannot be read (truncated, not a table, wrong layout) is removed with
a :class:`~sikernel.errors.SIKernelWarning` and the table is searched again.
``SIKERNEL_OP_CACHE=0`` turns this cache off, as does ``SIKERNEL_POWER_CACHE=0`` (which turns off
every SI table cache on disk); the test suite turns it off for every test but its own
(tests monkeypatch the SI chain's functions, which no key can see).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from .._files import chmod_as_created
from ..errors import SIKernelWarning
from .budget import OpTable
from .table import TABLE_VERSION, cache_dir

#: environment variable that turns the cache off when set to "0"
OP_CACHE_ENV = "SIKERNEL_OP_CACHE"
#: most tables kept on disk (~15 kB each: ~60 MB); past it the least recently used are removed
#: down to 90 % of it (a sweep over many channels would otherwise fill the disk)
OP_CACHE_MAX_FILES = 4096
#: the OpTable fields stored as arrays (``extra`` is stored key by key, prefixed ``extra_``)
_FIELDS = ("family", "a", "r2", "var_n", "q_coef", "mlsd_gain_db", "tx_taps", "ctle_peaking_db",
           "rx_ffe_taps", "dfe_taps", "mlsd")


def enabled() -> bool:
    """Whether operating tables are read from and written to disk (see the module docstring).

    Returns
    -------
    bool
        False when ``SIKERNEL_OP_CACHE`` or ``SIKERNEL_POWER_CACHE`` is "0".
    """
    return os.environ.get(OP_CACHE_ENV, "1") != "0" and os.environ.get("SIKERNEL_POWER_CACHE", "1") != "0"


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 of the source of every module of the installed ``sikernel`` package (path and bytes).

    Returns
    -------
    str
        Hex digest; computed once per process (~2 MB of source, a few ms).
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def path_for(key: tuple) -> Path:
    """The file that holds the operating table of ``key``.

    Parameters
    ----------
    key : tuple
        The memo key of :func:`sikernel.power.api.channel_op_table` (its ``repr`` is hashed).

    Returns
    -------
    Path
        ``<table cache>/ops/op-<digest>.npz``.
    """
    blob = repr((TABLE_VERSION, source_digest(), key)).encode()
    return cache_dir() / "ops" / f"op-{hashlib.sha256(blob).hexdigest()[:32]}.npz"


def load(key: tuple) -> tuple[OpTable, float] | None:
    """The stored table of ``key`` and its channel's loss at Nyquist, or None.

    Parameters
    ----------
    key : tuple
        The memo key (see :func:`path_for`).

    Returns
    -------
    tuple of (OpTable, float) or None
        None when the cache is off, holds no such table, or its file cannot be read (then the
        file is removed and a :class:`~sikernel.errors.SIKernelWarning` says so).
    """
    if not enabled():
        return None
    path = path_for(key)
    try:
        fh = open(path, "rb")
    except OSError:  # not stored (or removed by another process's pruning meanwhile)
        return None
    try:
        with fh, np.load(fh) as z:
            fields = {k: z[k] for k in _FIELDS}
            extra = {k[len("extra_"):]: z[k] for k in z.files if k.startswith("extra_")}
            il = float(z["il_db"])
        op = OpTable(**fields, extra=extra)
        n = len(op)
        if not all(np.shape(v) == (n,) for v in (*fields.values(), *extra.values())):
            raise ValueError("arrays of different lengths")
    except Exception as exc:  # any damage makes the file a missing one (truncated zip: BadZipFile, ...)
        with contextlib.suppress(OSError):
            path.unlink()
        warnings.warn(f"SI operating table {path} cannot be read ({type(exc).__name__}: {exc}); it "
                      "was removed and the table is searched again", SIKernelWarning, stacklevel=3)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning
    return op, il


def save(key: tuple, op: OpTable, il_db: float) -> None:
    """Store ``op`` under ``key`` (atomically; an unwritable cache is skipped; nothing when off).

    Parameters
    ----------
    key : tuple
        The memo key (see :func:`path_for`).
    op : OpTable
        The channel's operating table.
    il_db : float
        The channel's insertion loss at Nyquist in dB.
    """
    if not enabled():
        return
    path = path_for(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    except OSError:
        return
    arrays = {k: np.asarray(getattr(op, k)) for k in _FIELDS}
    arrays.update({f"extra_{k}": np.asarray(v) for k, v in op.extra.items()})
    if any(a.dtype == object for a in arrays.values()):  # not storable without pickle: not cached
        with contextlib.suppress(OSError):
            os.close(fd)
            os.unlink(tmp)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, il_db=np.float64(il_db), **arrays)
        chmod_as_created(tmp)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Remove the least recently used tables while more than :data:`OP_CACHE_MAX_FILES` are kept
    (down to 90 % of it); files another process removes meanwhile are skipped."""
    try:
        files = [e for e in os.scandir(folder) if e.name.startswith("op-") and e.name.endswith(".npz")]
    except OSError:
        return
    if len(files) <= OP_CACHE_MAX_FILES:
        return
    aged = []
    for e in files:
        with contextlib.suppress(OSError):
            aged.append((e.stat().st_mtime, e.path))
    aged.sort()
    for _, p in aged[:len(aged) - int(0.9 * OP_CACHE_MAX_FILES)]:
        with contextlib.suppress(OSError):
            os.unlink(p)
