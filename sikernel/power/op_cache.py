"""On-disk cache of the SI operating tables of real channels and of the energy curves made from them.

An operating table is the SI chain's answer for one channel: every candidate receiver's
post-equalisation figures (:class:`~sikernel.power.budget.OpTable`; :func:`load`, :func:`save`
for :func:`sikernel.power.api.channel_op_table`), ~0.3 s of TX FFE × CTLE search per table on
one core.  ``sikernel study`` needs about 80 of them (each host end's channel at its bandwidth
points, with and without NEXT) and then, per host end, ~0.5 s of budget solves for its energy
curves (:func:`sikernel.system.end_curves.build`, stored with :func:`save_arrays`, read with
:func:`load_entry`).  Before this cache a new process computed all of them again: about 23 s of
a warm study's 33 s (December 2026).  The synthetic loss tables have kept such a cache since they exist
(:mod:`sikernel.power.table`); these entries are kept beside them.

**Key.**  A file holds one entry under a SHA-256 digest of everything it depends on: for an
operating table the memo key of :func:`~sikernel.power.api.channel_op_table` (a digest of the
channel's frequency and S21 samples, :func:`samples_digest`; the rate, the PAM levels, the
crosstalk model, the reference receiver's settings, the SI chain's search grids, the DSP front
end's TX taps); for curves their inputs (``end_curves._key``); for both the layout's
:data:`sikernel.power.table.TABLE_VERSION` and a digest of the source of every module of the
installed ``sikernel`` package (:func:`source_digest`): a changed SI chain or energy model is
never served an entry the old one computed, whether or not the version was bumped.

**Files.**  ``ops/<kind>-<digest>.npz`` under the table cache (``$SIKERNEL_CACHE_DIR/power`` or
``~/.cache/sikernel/power``), written to a temporary file and renamed into place (one writer
per file; two processes that compute the same entry write the same bytes); an unwritable cache
is skipped.  At most :data:`OP_CACHE_MAX_FILES` entries are kept (the least recently used go
first).  A file that cannot be read (truncated, not an entry of its kind, arrays off their
axes) is removed with a :class:`~sikernel.errors.SIKernelWarning` and the entry is computed
again.  ``SIKERNEL_OP_CACHE=0`` turns this cache off, as does ``SIKERNEL_POWER_CACHE=0`` (which
turns off every SI table cache on disk); the test suite turns it off for every test but its own
(tests monkeypatch the SI chain's functions, which no key can see).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .._files import atomic_target
from ..errors import SIKernelWarning
from .budget import OpTable
from .table import TABLE_VERSION, cache_dir, disk_cache_enabled

_Entry = TypeVar("_Entry")
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
    return os.environ.get(OP_CACHE_ENV, "1") != "0" and disk_cache_enabled()


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


def samples_digest(f: np.ndarray, s21: np.ndarray) -> str:
    """Digest of a channel's samples (dtype, shape and bytes of its frequencies and S21).

    Parameters
    ----------
    f, s21 : ndarray
        The channel's frequency grid and through response.

    Returns
    -------
    str
        Hex digest (128 bits).
    """
    h = hashlib.blake2b(digest_size=16)
    for a in (f, s21):
        arr = np.ascontiguousarray(a)
        h.update(str((arr.dtype.str, arr.shape)).encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def crosstalk_key(crosstalk: Any) -> tuple | None:
    """The part of a key that stands for a crosstalk model: its parameters, None when inactive.

    Parameters
    ----------
    crosstalk : CrosstalkModel or None
        A resolved crosstalk model (:func:`sikernel.power.crosstalk.resolve`).

    Returns
    -------
    tuple or None
        ``(name, value)`` pairs of :meth:`~sikernel.power.crosstalk.CrosstalkModel.key`, sorted.
    """
    return None if crosstalk is None or not crosstalk.active else tuple(sorted(crosstalk.key().items()))


def path_for(key: tuple, kind: str = "op") -> Path | None:
    """The file that holds the entry of ``key``, or None when ``key`` cannot name one.

    Parameters
    ----------
    key : tuple
        What the entry depends on besides the package source (its ``repr`` is hashed): for an
        operating table the memo key of :func:`sikernel.power.api.channel_op_table`.
    kind : str, optional
        "op" (an operating table) or "curves" (a host end's energy curves,
        :func:`sikernel.system.end_curves.build`).

    Returns
    -------
    Path or None
        ``<table cache>/ops/<kind>-<digest>.npz``; None when the key's ``repr`` does not say all
        it holds (an array NumPy summarises with "...", an object shown by its address): such an
        entry is not cached, rather than served to another key with the same text.
    """
    text = repr((TABLE_VERSION, source_digest(), kind, key))
    if "..." in text or " at 0x" in text:
        return None
    return cache_dir() / "ops" / f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:32]}.npz"


def load_entry(key: tuple, kind: str, make: Callable[[dict[str, np.ndarray]], _Entry]
               ) -> _Entry | None:
    """The entry stored under ``key``, made from its arrays by ``make``, or None.

    Parameters
    ----------
    key : tuple
        See :func:`path_for`.
    kind : str
        See :func:`path_for`; also names the entry in the warning.
    make : callable
        Builds the entry from the stored arrays; raises (any exception) when they do not make
        an entry of ``kind`` (the file's check and its reading are one step).

    Returns
    -------
    object or None
        ``make``'s result; None when the cache is off, holds no such entry, or its file cannot be
        read or made into one (then the file is removed and a
        :class:`~sikernel.errors.SIKernelWarning` says so).
    """
    path = path_for(key, kind) if enabled() else None
    if path is None:
        return None
    try:
        fh = open(path, "rb")
    except OSError:  # not stored (or removed by another process's pruning meanwhile)
        return None
    try:
        with fh, np.load(fh) as z:
            arrays = {k: z[k] for k in z.files}
        entry = make(arrays)
    except Exception as exc:  # any damage makes the file a missing one (truncated zip: BadZipFile, ...)
        with contextlib.suppress(OSError):
            path.unlink()
        what = _WHAT.get(kind, kind)
        warnings.warn(f"{what} {path} cannot be read ({type(exc).__name__}: {exc}); it was removed "
                      "and computed again", SIKernelWarning, stacklevel=3)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning
    return entry


def save_arrays(key: tuple, kind: str, arrays: dict[str, np.ndarray]) -> None:
    """Store ``arrays`` under ``key`` (atomically; an unwritable cache is skipped; nothing when off).

    Parameters
    ----------
    key : tuple
        See :func:`path_for`.
    kind : str
        See :func:`path_for`.
    arrays : dict of str to ndarray
        Numeric or string arrays (an object array is not stored: the entry is not cached).
    """
    if not enabled():
        return
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    if any(a.dtype == object for a in arrays.values()):  # not storable without pickle
        return
    path = path_for(key, kind)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_target(path, ".npz.tmp") as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
    except OSError:  # an unwritable cache: not cached
        return
    _prune(path.parent)


def load(key: tuple) -> tuple[OpTable, float] | None:
    """The stored operating table of ``key`` and its channel's loss at Nyquist, or None.

    Parameters
    ----------
    key : tuple
        The memo key of :func:`sikernel.power.api.channel_op_table`.

    Returns
    -------
    tuple of (OpTable, float) or None
        As :func:`load_entry`.
    """
    return load_entry(key, "op", _op_from_arrays)


def save(key: tuple, op: OpTable, il_db: float) -> None:
    """Store an operating table under ``key`` (:func:`save_arrays`).

    Parameters
    ----------
    key : tuple
        The memo key of :func:`sikernel.power.api.channel_op_table`.
    op : OpTable
        The channel's operating table.
    il_db : float
        The channel's insertion loss at Nyquist in dB.
    """
    arrays = {k: getattr(op, k) for k in _FIELDS}
    arrays.update({f"extra_{k}": v for k, v in op.extra.items()})
    save_arrays(key, "op", {"il_db": np.float64(il_db), **arrays})


#: what an entry of each kind is, in the damage warning
_WHAT = {"op": "SI operating table", "curves": "host end's energy curves"}


def _op_from_arrays(z: dict[str, np.ndarray]) -> tuple[OpTable, float]:
    """The operating table and loss :func:`save` wrote; raises unless ``z`` holds every field, of
    one length, and a scalar loss."""
    missing = [k for k in (*_FIELDS, "il_db") if k not in z]
    if missing:
        raise KeyError(f"no {missing}")
    n = z["a"].shape
    if len(n) != 1 or z["il_db"].shape != () or any(
            v.shape != n for k, v in z.items() if k != "il_db"):
        raise ValueError("arrays of different lengths")
    extra = {k[len("extra_"):]: v for k, v in z.items() if k.startswith("extra_")}
    return OpTable(**{k: z[k] for k in _FIELDS}, extra=extra), float(z["il_db"])


def _prune(folder: Path) -> None:
    """Remove the least recently used entries while more than :data:`OP_CACHE_MAX_FILES` are kept
    (down to 90 % of it); files another process removes meanwhile are skipped."""
    try:
        files = [e for e in os.scandir(folder) if e.name.endswith(".npz")]
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
