"""Crash-safe HDF5 store for sweep results (see ``docs/hdf5-schema.md`` for the layout).

One file holds one sweep group ``/sweeps/<name>``; every output is one dataset
dimensioned by the grid axes (plus any per-point dimension such as the cursor
index), with ``units`` and ``description`` attributes; the axis coordinates and
the provenance (versions, full config, preset values, start/end time, host) sit
next to them.  Datasets are chunked and gzip-compressed.

Crash safety
------------
HDF5 gives no atomicity: a writer killed inside ``H5Dwrite`` / ``H5Fflush`` can
leave a file that the library will not reopen for writing (after ``kill -9`` of a
SWMR writer the superblock still says "open for write" and every non-SWMR open
fails).  The store therefore keeps a **journal** next to the file,
``<file>.journal/``, that is the single source of truth for which chunks are done:

1. a finished chunk is saved to ``chunk_<index>.npy``-style ``.npz`` through a
   temporary file, ``fsync`` and ``os.replace`` (atomic on POSIX: the chunk file
   either exists complete or not at all);
2. only then is it written into the HDF5 datasets, the ``done`` flag of the chunk
   set and the file flushed (so live readers see it);
3. when every chunk is done the file is closed, reopened, marked
   ``status = "complete"`` with the end time, closed, and the journal removed.

On ``resume`` the HDF5 file is never trusted: it is re-created from the journal
(every journalled chunk, nothing else), so a chunk half-written at the kill is
simply recomputed, and the finished file has exactly the contents of an
uninterrupted run (the provenance times excepted).

Readers
-------
While the sweep runs the file is in SWMR mode (``libver="latest"``,
``swmr_mode=True``), so :func:`open` can read it concurrently (it opens with
``swmr=True``); a file whose sweep is incomplete (running, or killed) opens with
a :class:`~sikernel.errors.SIKernelWarning` and ``SweepResult.complete == False``,
and the ``done`` mask says which points hold results (the others are NaN).
:func:`open` reads the ``done`` flags before the outputs and masks every point not
flagged, so a chunk in progress is never seen partly written (a flag is set only
after its chunk's data is flushed).  A truncated file is refused at once (its length
is checked against the superblock before HDF5 opens it).

One writer
----------
:class:`WriterLock`: an exclusive ``flock`` on ``<file>.lock`` held for the whole run
(released by the kernel if the writer dies); a second writer is refused at once with
the holder's pid and host.  Details and the order of writes: ``docs/hdf5-schema.md``.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import _validate
from ._files import chmod_as_created as _chmod_as_created
from .errors import SIKernelError, SIKernelWarning

#: version of the file layout written by this module; readers (and resume) refuse a file of a
#: newer version, so bump it whenever a change would make an older sikernel misread a new file
STORE_VERSION = 1
_JOURNAL_SUFFIX = ".journal"
_META = "meta.json"
#: HDF5 chunks per sweep chunk (each output dataset); see SweepWriter._create_file
_H5_CHUNKS_PER_SWEEP_CHUNK = 8


# --------------------------------------------------------------------------- layout description
@dataclass(frozen=True)
class OutputSpec:
    """One output dataset: per-point shape ``extra_shape`` with named extra dimensions.

    Attributes
    ----------
    name : str
        Dataset name.
    units : str
        Units string stored as an attribute ("" when dimensionless).
    description : str
        Human-readable description (attribute).
    extra_dims : tuple of str
        Names of the per-point extra dimensions (after the grid axes).
    extra_shape : tuple of int
        Sizes of those dimensions.
    dtype : str
        NumPy dtype string of the dataset.
    """

    name: str
    units: str
    description: str
    extra_dims: tuple[str, ...] = ()
    extra_shape: tuple[int, ...] = ()
    dtype: str = "f8"


@dataclass(frozen=True)
class Layout:
    """Everything the store needs to create a sweep group.

    Attributes
    ----------
    name : str
        Sweep (group) name.
    axes : dict
        Axis name -> coordinate values (numbers or strings), in grid order.
    axis_units : dict
        Axis name -> units string ("" for names).
    extra_coords : dict
        Extra dimension name -> coordinate values (e.g. cursor index).
    outputs : list of OutputSpec
    chunk_size : int
        Grid points per chunk (flattened C order).
    config : dict
        The full, normalised configuration (JSON-serialisable).
    presets : dict
        Preset values used (JSON-serialisable), for provenance.
    """

    name: str
    axes: Mapping[str, Sequence[Any]]
    axis_units: Mapping[str, str]
    extra_coords: Mapping[str, Sequence[Any]]
    outputs: Sequence[OutputSpec]
    chunk_size: int
    config: Mapping[str, Any]
    presets: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (one entry per axis)."""
        return tuple(len(v) for v in self.axes.values())

    @property
    def n_points(self) -> int:
        """Number of grid points."""
        return int(np.prod(self.shape, dtype=np.int64)) if self.axes else 1

    @property
    def n_chunks(self) -> int:
        """Number of chunks of :attr:`chunk_size` points."""
        return -(-self.n_points // self.chunk_size)

    def chunk_range(self, c: int) -> tuple[int, int]:
        """Flat index range [start, stop) of chunk ``c``."""
        a = c * self.chunk_size
        return a, min(a + self.chunk_size, self.n_points)


#: a numeric axis longer than this is held in the stored config JSON by its digest
#: (:func:`axis_digest`), its values being the axis's coordinate dataset: written out, a
#: 10^7-value axis made a ~190 MB JSON text (attribute and journal meta.json) that took
#: ~20 s to encode and write before the first point of the sweep
INLINE_AXIS_MAX = 10_000


def axis_digest(values: Sequence[Any]) -> dict[str, Any] | None:
    """The stored form of a long numeric axis: ``{"n_values", "first", "last", "int",
    "sha256_f8"}`` (SHA-256 of the values as little-endian float64), or None for an axis
    kept inline (at most :data:`INLINE_AXIS_MAX` values, or not numeric).

    Parameters
    ----------
    values : sequence
        The axis values (numbers of one kind, as a validated config holds them).

    Returns
    -------
    dict or None
    """
    if len(values) <= INLINE_AXIS_MAX:
        return None
    v0 = values[0]
    if isinstance(v0, bool | np.bool_) or not isinstance(v0, int | float | np.integer | np.floating):
        return None
    try:
        arr = np.ascontiguousarray(values, dtype="<f8")
    except (TypeError, ValueError):
        return None
    if arr.ndim != 1:
        return None
    return {"n_values": int(arr.size), "first": float(arr[0]), "last": float(arr[-1]),
            "int": isinstance(v0, int | np.integer),
            "sha256_f8": hashlib.sha256(arr.tobytes()).hexdigest()}


def _compact_axes(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """``config`` with every long numeric axis replaced by its :func:`axis_digest`."""
    axes = config.get("axes")
    if not isinstance(axes, Mapping):
        return config
    new_axes = {}
    for k, v in axes.items():
        d = axis_digest(v) if isinstance(v, Sequence | np.ndarray) and not isinstance(v, str) else None
        new_axes[k] = v if d is None else d
    return {**config, "axes": new_axes}


def _inflate_axes(config: dict[str, Any], axes: Mapping[str, Any]) -> dict[str, Any]:
    """The stored config with each digested axis replaced by its values (from the coordinate
    datasets ``axes``), so that a read-back config holds every value as given."""
    cax = config.get("axes")
    if not isinstance(cax, dict):
        return config
    for k, v in cax.items():
        if isinstance(v, dict) and "sha256_f8" in v and k in axes:
            vals = np.asarray(axes[k], dtype=float)
            cax[k] = vals.astype(np.int64).tolist() if v.get("int") else vals.tolist()
    return config


def config_json(config: Mapping[str, Any]) -> str:
    """Canonical JSON text of a config (sorted keys): what is stored and what resume compares.

    Axes longer than :data:`INLINE_AXIS_MAX` values appear as their :func:`axis_digest`
    (count, first and last value, SHA-256 of the float64 values): the values themselves are
    stored once, as the axis's coordinate dataset.

    Parameters
    ----------
    config : Mapping
        The configuration (JSON-like; NumPy scalars and arrays are converted).

    Returns
    -------
    str
    """
    return json.dumps(_compact_axes(config), sort_keys=True, separators=(",", ":"),
                      default=_json_default)


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def config_diff(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Human-readable differences between two JSON-like configs.

    Parameters
    ----------
    old, new : object
        The two configs (nested dicts of JSON values).
    prefix : str, optional
        Dotted key path of ``old``/``new`` inside the whole config (for the messages).

    Returns
    -------
    list of str
        One line per difference (``"key: old -> new"``, added or removed keys); empty when equal.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(set(old) | set(new)):
            p = f"{prefix}.{k}" if prefix else str(k)
            if k not in old:
                out.append(f"{p}: added ({_short(new[k])})")
            elif k not in new:
                out.append(f"{p}: removed (was {_short(old[k])})")
            else:
                out.extend(config_diff(old[k], new[k], p))
        return out
    if old == new:
        return []
    where = ""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) > DIFF_LIST_MAX:
        i = next(j for j, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
        where = f"; first difference at index {i}: {old[i]!r} -> {new[i]!r}"
    return [f"{prefix}: {_short(old)} -> {_short(new)}{where}"]


#: lists longer than this are abbreviated in :func:`config_diff` (first values, last, count): a
#: resume with another 200-value axis printed both axes in full (fuzz 31 low)
DIFF_LIST_MAX = 8


def _short(v: Any) -> str:
    """``repr`` of a config value, a long list as its first three values, its last and its length."""
    if isinstance(v, list) and len(v) > DIFF_LIST_MAX:
        return f"[{', '.join(repr(x) for x in v[:3])}, ..., {v[-1]!r}] ({len(v)} values)"
    return repr(v)


# --------------------------------------------------------------------------- flat range -> hyperslabs
def flat_slabs(shape: tuple[int, ...], a: int, b: int) -> Iterator[tuple[tuple[slice, ...], int, int]]:
    """Split the C-order flat index range [a, b) of an array of ``shape`` into hyperslabs.

    Yields ``(index, start, stop)``: ``array[index]`` (a rectangular block, all
    dimensions kept) holds the flat elements ``start:stop``.  At most ``2 ndim - 1``
    blocks.

    Parameters
    ----------
    shape : tuple of int
        Array shape.
    a, b : int
        Flat (C-order) start and stop index.
    """
    if a >= b:
        return
    if not shape:
        yield (), a, b
        return
    stride = int(np.prod(shape[1:], dtype=np.int64))
    i0, r0 = divmod(a, stride)
    i1, r1 = divmod(b, stride)
    rest = shape[1:]
    if i0 == i1:
        for idx, s, e in flat_slabs(rest, r0, r1):
            yield (slice(i0, i0 + 1), *idx), s + i0 * stride, e + i0 * stride
        return
    if r0:
        for idx, s, e in flat_slabs(rest, r0, stride):
            yield (slice(i0, i0 + 1), *idx), s + i0 * stride, e + i0 * stride
        i0 += 1
    if i1 > i0:
        yield (slice(i0, i1), *(slice(0, n) for n in rest)), i0 * stride, i1 * stride
    if r1:
        for idx, s, e in flat_slabs(rest, 0, r1):
            yield (slice(i1, i1 + 1), *idx), s + i1 * stride, e + i1 * stride


def _slab_shape(index: tuple[slice, ...]) -> tuple[int, ...]:
    return tuple(s.stop - s.start for s in index)


# --------------------------------------------------------------------------- errors
def _os_error(exc: OSError, path: Path, what: str) -> SIKernelError:
    """Translate an OS / HDF5 error into a SIKernelError that says what to do."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code == errno.ENOSPC or "No space left" in text:
        return SIKernelError(f"no space left on device while {what} {path}; free disk space, "
                             "then rerun with resume=True (--resume) to continue")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "ermission denied" in text:
        return SIKernelError(f"permission denied while {what} {path}; choose a writable location")
    return SIKernelError(f"cannot complete {what} {path}: {exc}")


def _h5py() -> Any:
    import h5py

    return h5py


# --------------------------------------------------------------------------- file modes, locking
_LOCK_SUFFIX = ".lock"
#: lock files held by this process (an flock probe from a second descriptor would see them
#: as held by "another" writer)
_HELD_LOCKS: set[str] = set()


class WriterLock:
    """One writer per sweep file: an exclusive ``flock`` on ``<file>.lock``.

    The kernel drops an ``flock`` when the holding process exits in any way (``kill -9``
    included), so a crashed writer never leaves a stale lock behind; the lock file
    itself holds ``pid``, ``host`` and start time of the holder, for the message a
    second writer gets.  The file is removed on :meth:`release` (while still locked; an
    acquirer that opened the removed file notices the inode change and retries).
    Without ``fcntl`` (Windows) no lock is taken.

    Parameters
    ----------
    path : Path
        The sweep file; the lock is ``<path>.lock``.
    """

    def __init__(self, path: Path) -> None:
        self.target = Path(path)
        self.path = Path(str(path) + _LOCK_SUFFIX)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock at once or raise SIKernelError naming the other writer.

        Raises
        ------
        SIKernelError
            Another live process writes the file; the lock file cannot be created.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        if self._fd is not None:
            return
        for _ in range(100):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                _flock_soon(fcntl, fd)
            except BlockingIOError:
                os.close(fd)
                raise SIKernelError(
                    f"output {self.target} is being written by another sweep ({self.holder()}); "
                    "wait for it to finish or stop it, or write to another file") from None
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                    raise
                warnings.warn(f"the file system of {self.target} does not support file locks "
                              f"({exc.strerror}); make sure no other sweep writes it at the same time",
                              SIKernelWarning, stacklevel=4)
                return
            except BaseException:
                os.close(fd)
                raise
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder released and removed it meanwhile: lock the new one
        else:  # pragma: no cover - a pathological race
            raise SIKernelError(f"cannot lock {self.path}: it keeps being replaced")
        import socket
        import sys

        info = {"pid": os.getpid(), "host": socket.gethostname(), "start_time_utc": _utc_now(),
                "command": " ".join(sys.argv)[:500]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        _HELD_LOCKS.add(os.path.abspath(self.path))

    def holder(self) -> str:
        """Who holds the lock, from the lock file (``pid N on host H since T``)."""
        try:
            info = json.loads(self.path.read_text())
            return (f"pid {info.get('pid')} on host {info.get('host')}, since "
                    f"{info.get('start_time_utc')}")
        except (OSError, ValueError, AttributeError):
            return f"a process that holds {self.path}"

    def is_locked_by_other(self) -> bool:
        """Whether some other live process holds the lock (read-only probe, takes nothing)."""
        if self._fd is not None or os.path.abspath(self.path) in _HELD_LOCKS:
            return False
        try:
            import fcntl
        except ImportError:  # pragma: no cover
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)  # closing drops the probe's shared lock
        return False

    def release(self) -> None:
        """Remove the lock file and drop the lock (idempotent)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = None
        _HELD_LOCKS.discard(os.path.abspath(self.path))


#: a reader's probe (:meth:`WriterLock.is_locked_by_other`) holds a shared lock for
#: microseconds; a writer retries this long before it calls the file taken
_LOCK_PATIENCE_S = 0.5


def _flock_soon(fcntl: Any, fd: int) -> None:
    """Exclusive non-blocking flock, retried for :data:`_LOCK_PATIENCE_S` (BlockingIOError after)."""
    import time

    deadline = time.monotonic() + _LOCK_PATIENCE_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


# --------------------------------------------------------------------------- truncation check
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _stored_eof(path: Path) -> int | None:
    """End-of-file address recorded in the HDF5 superblock (absolute), or None if not found.

    Superblock layouts of the HDF5 File Format Specification, section II.A: version 0/1
    (base address at byte 24 / 28, then free-space, end-of-file addresses) and version
    2/3 (base address at byte 12, then superblock-extension and end-of-file addresses).
    The superblock sits at byte 0 or, after a user block, at 512, 1024, 2048, ...
    """
    try:
        size = path.stat().st_size
        with builtins.open(path, "rb") as fh:
            off = 0
            while off + 64 <= size:
                fh.seek(off)
                head = fh.read(64)
                if head[:8] == _HDF5_SIGNATURE:
                    ver = head[8]
                    if ver in (0, 1):
                        so = head[13]
                        base_at = 24 if ver == 0 else 28
                    elif ver in (2, 3):
                        so = head[9]
                        base_at = 12
                    else:
                        return None
                    eof_at = base_at + 2 * so
                    if so not in (2, 4, 8) or eof_at + so > len(head):
                        return None
                    base = int.from_bytes(head[base_at:base_at + so], "little")
                    eof = int.from_bytes(head[eof_at:eof_at + so], "little")
                    return base + eof
                off = 512 if off == 0 else 2 * off
    except OSError:
        return None
    return None


def _check_not_truncated(path: Path) -> None:
    """Refuse at once a file shorter than its superblock says (cut short: copied or written
    partly, disk full): the HDF5 library would otherwise retry SWMR reads for a long time."""
    eof = _stored_eof(path)
    if eof is None:
        return
    size = path.stat().st_size
    if size < eof:
        hint = ("resume the sweep (resume=True / --resume) to rebuild it from its journal"
                if Journal(path).exists() else
                "it cannot be read; copy it again from its source or rerun the sweep with "
                "overwrite=True (--overwrite)")
        raise SIKernelError(f"{path} is truncated: {size} bytes on disk, its HDF5 header says "
                            f"{eof}; {hint}")


# --------------------------------------------------------------------------- journal
class Journal:
    """Atomic per-chunk result files in ``<file>.journal/`` (the truth about what is done).

    Parameters
    ----------
    path : Path
        The sweep file; the journal is the folder ``<path>.journal``.
    """

    def __init__(self, path: Path) -> None:
        self.dir = Path(str(path) + _JOURNAL_SUFFIX)

    def exists(self) -> bool:
        """Whether the journal folder exists."""
        return self.dir.is_dir()

    def create(self, meta: Mapping[str, Any]) -> None:
        """Start an empty journal holding ``meta`` (config, chunk size, start time)."""
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self._atomic_write(self.dir / _META, json.dumps(meta, default=_json_default).encode())

    def meta(self) -> dict[str, Any]:
        """The metadata saved by :meth:`create`."""
        try:
            return json.loads((self.dir / _META).read_text())
        except (OSError, ValueError) as exc:
            raise SIKernelError(f"the resume journal {self.dir} is unreadable ({exc}); "
                                "rerun with overwrite=True (--overwrite) to start again") from None

    def _chunk_path(self, c: int) -> Path:
        return self.dir / f"chunk_{c:09d}.npz"

    def done_chunks(self) -> list[int]:
        """Indices of the chunks saved completely."""
        out = []
        for p in self.dir.glob("chunk_*.npz"):
            with contextlib.suppress(ValueError):
                out.append(int(p.stem.split("_")[1]))
        return sorted(out)

    def save(self, c: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Save chunk ``c`` atomically (temporary file, fsync, rename)."""
        fd, tmp = tempfile.mkstemp(prefix=f".chunk_{c:09d}.", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
                fh.flush()
                os.fsync(fh.fileno())
            _chmod_as_created(tmp)
            os.replace(tmp, self._chunk_path(c))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def load(self, c: int) -> dict[str, np.ndarray]:
        """Arrays of chunk ``c``.

        Raises
        ------
        SIKernelError
            The chunk file is damaged (truncated or not a NumPy archive).
        """
        import zipfile

        p = self._chunk_path(c)
        try:
            with np.load(p, allow_pickle=False) as z:
                return {k: z[k] for k in z.files}
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
            raise SIKernelError(f"resume journal file {p} is damaged ({type(exc).__name__}: {exc})") from None

    def remove(self) -> None:
        """Delete the journal (after the file is complete)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _atomic_write(path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with builtins.open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


# --------------------------------------------------------------------------- writer
def provenance() -> dict[str, str]:
    """Versions and host recorded with every sweep."""
    import platform
    import socket

    import numba

    from . import __version__

    h5py = _h5py()
    return {"sikernel_version": __version__, "numba_version": numba.__version__,
            "numpy_version": np.__version__, "h5py_version": h5py.__version__,
            "hdf5_version": h5py.version.hdf5_version, "python_version": platform.python_version(),
            "host": socket.gethostname()}


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_replaceable(path: Path) -> None:
    """``overwrite`` replaces an earlier output, nothing else: an existing path that is not a regular
    file (a device such as /dev/null, a FIFO, a socket) or a regular file that is neither empty nor
    HDF5 (the sweep's own TOML config given as the output) is refused before anything is deleted
    (fuzz 31 H1: ``sikernel sweep base.toml -o base.toml --overwrite`` replaced the config)."""
    if not path.is_file():
        raise SIKernelError(f"output {path} exists and is not a regular file (a device, FIFO or socket); "
                            "overwrite replaces an earlier HDF5 output (or an empty file) only: give a "
                            "file name")
    try:
        with builtins.open(path, "rb") as fh:   # this module's open() reads sweep files
            head = fh.read(len(_HDF5_SIGNATURE))
    except OSError as exc:
        raise _os_error(exc, path, "reading") from None
    if head and head != _HDF5_SIGNATURE:
        raise SIKernelError(f"output {path} exists and is not an HDF5 file (is it the config or another "
                            "input?); overwrite replaces an earlier HDF5 output (or an empty file) only: "
                            "give another output name or remove that file yourself")


class SweepWriter:
    """Single writer of a sweep file: journal first, then the SWMR HDF5 file.

    Use :meth:`start` (fresh or resumed), :meth:`write_chunk` per finished chunk,
    :meth:`finish` at the end, :meth:`close` always.

    Parameters
    ----------
    path : str or os.PathLike
        The HDF5 sweep file.
    layout : Layout
        Grid, outputs and chunking of the sweep.
    """

    def __init__(self, path: str | os.PathLike[str], layout: Layout) -> None:
        self.path = Path(path)
        self.layout = layout
        self.journal = Journal(self.path)
        self._f: Any = None
        self._group: Any = None
        # open dataset handles (opening one by name in a SWMR file costs ~0.5 ms)
        self._datasets: dict[str, Any] = {}
        self.done: np.ndarray = np.zeros(layout.n_chunks, dtype=bool)
        self.start_time = _utc_now()
        self.lock = WriterLock(self.path)
        self._config_json: str | None = None

    @property
    def config_text(self) -> str:
        """:func:`config_json` of the layout's config, built once (a 10^7-point axis makes it
        hundreds of MB and seconds of work)."""
        if self._config_json is None:
            self._config_json = config_json(self.layout.config)
        return self._config_json

    # -- opening -------------------------------------------------------------
    def start(self, *, resume: bool = False, overwrite: bool = False) -> None:
        """Create the file (or re-create it from the journal when resuming).

        Raises
        ------
        SIKernelError
            Existing output without ``overwrite``/``resume``; resume against a
            different config (the message lists the differences); a file that is
            neither a sweep file nor resumable; no permission; no disk space.
        """
        _validate.output_file("output", self.path)
        # one writer per file: taken before anything is read or written, kept until release()
        try:
            self.lock.acquire()
        except OSError as exc:
            raise _os_error(exc, self.path, "locking") from None
        try:
            self._start(resume=resume, overwrite=overwrite)
        except BaseException:
            self.close()
            self.release()
            raise

    def preflight(self, *, resume: bool = False, overwrite: bool = False) -> None:
        """The output checks of :meth:`start` that need no lock and write nothing (folder, existing
        output without a flag, what an overwrite would delete): for a caller with slow work to do
        before :meth:`start`, such as connecting to a dask scheduler (review 31 M5).

        Raises
        ------
        SIKernelError
            As :meth:`start` for those cases.
        """
        _validate.output_file("output", self.path)
        exists = self.path.exists() or self.journal.exists()
        if exists and not (resume or overwrite):
            raise SIKernelError(f"output {self.path} already exists; pass overwrite=True (--overwrite) "
                                "to replace it or resume=True (--resume) to continue it")
        if overwrite and self.path.exists():
            _check_replaceable(self.path)

    def _start(self, *, resume: bool, overwrite: bool) -> None:
        self.preflight(resume=resume, overwrite=overwrite)
        cfg = self.config_text
        try:
            if resume and self.journal.exists():
                meta = self.journal.meta()
                self._check_same(meta)
                self.start_time = meta.get("start_time_utc", self.start_time)
                self.done[:] = False
                for c in self.journal.done_chunks():
                    if c < self.done.size:
                        self.done[c] = True
                self._create_file()
                for c in np.flatnonzero(self.done):
                    arrays = self._journalled(int(c))
                    if arrays is None:
                        self.done[c] = False
                        continue
                    self._write_h5(int(c), arrays, flag=False)
                self._group["done"][:] = self.done.astype(np.uint8)
                self._enter_swmr()
                return
            if resume and self.path.exists():
                info = _read_header(self.path)
                self._check_same(info)
                if info.get("status") == "complete":
                    self.done[:] = True
                    return
                raise SIKernelError(f"{self.path} holds an incomplete sweep but its resume journal "
                                    f"{self.journal.dir} is missing; rerun with overwrite=True (--overwrite)")
            # fresh start (or resume with nothing to resume)
            self.journal.create({"config_json": cfg, "chunk_size": self.layout.chunk_size,
                                 "n_points": self.layout.n_points, "start_time_utc": self.start_time,
                                 "name": self.layout.name})
            self._create_file()
            self._enter_swmr()
        except OSError as exc:
            self.close()
            raise _os_error(exc, self.path, "creating") from None

    def _journalled(self, c: int) -> dict[str, np.ndarray] | None:
        """Chunk ``c`` from the journal, checked against the layout; None (with a warning, and
        the damaged file removed so that the chunk is recomputed) when it is unusable."""
        lay = self.layout
        a, b = lay.chunk_range(c)
        try:
            arrays = self.journal.load(c)
            for spec in lay.outputs:
                got = arrays.get(spec.name)
                if got is None or got.shape != (b - a, *spec.extra_shape):
                    raise SIKernelError(f"resume journal file {self.journal._chunk_path(c)} is damaged "
                                        f"(output {spec.name} missing or of the wrong shape)")
        except SIKernelError as exc:
            warnings.warn(f"{exc}; chunk {c} (points {a}..{b - 1}) will be computed again",
                          SIKernelWarning, stacklevel=4)
            with contextlib.suppress(OSError):
                self.journal._chunk_path(c).unlink()
            return None
        return arrays

    def release(self) -> None:
        """Release the one-writer lock (after :meth:`finish` / :meth:`close`; idempotent)."""
        self.lock.release()

    def _check_same(self, meta: Mapping[str, Any]) -> None:
        text = meta.get("config_json")
        if not isinstance(text, str):
            raise SIKernelError(f"{self.path} has no recorded config; cannot resume it")
        if text == self.config_text:
            return
        try:
            old = json.loads(text)
        except ValueError:
            raise SIKernelError(f"{self.path}: the recorded config is unreadable; cannot resume it, "
                                "rerun with overwrite=True (--overwrite)") from None
        if isinstance(old, dict):
            compact = config_json(old)
            if compact == self.config_text:
                return      # a file written with every value of a long axis in its config JSON
            # compare in the same (compacted) form: a long axis written in full is not a
            # difference, and a message must not list its every value
            old = json.loads(compact)
        diffs = config_diff(old, json.loads(self.config_text))
        if diffs:
            raise SIKernelError(f"cannot resume {self.path}: the config differs from the one it was "
                                f"started with: {'; '.join(diffs)}")

    @property
    def complete(self) -> bool:
        """Whether every chunk is done."""
        return bool(self.done.all())

    def _create_file(self) -> None:  # the path is a new file or a replaceable one (_check_replaceable)
        h5py = _h5py()
        if self.path.exists():
            self.path.unlink()
        lay = self.layout
        f = h5py.File(self.path, "w", libver="latest")
        self._f = f
        self._datasets = {}
        f.attrs["sikernel_store_version"] = STORE_VERSION
        g = f.create_group(f"sweeps/{lay.name}")
        self._group = g
        g.attrs["status"] = "running"
        g.attrs["axes"] = json.dumps(list(lay.axes))
        g.attrs["n_points"] = lay.n_points
        g.attrs["chunk_size"] = lay.chunk_size
        g.attrs["n_chunks"] = lay.n_chunks
        g.attrs["config_json"] = self.config_text
        g.attrs["presets_json"] = json.dumps(lay.presets, sort_keys=True, default=_json_default)
        g.attrs["start_time_utc"] = self.start_time
        g.attrs["end_time_utc"] = ""
        for k, v in provenance().items():
            g.attrs[k] = v
        co = g.create_group("coords")
        for name, vals in lay.axes.items():
            _coord(co, name, vals, lay.axis_units.get(name, ""), "axis")
        for name, vals in lay.extra_coords.items():
            _coord(co, name, vals, "", "extra")
        out = g.create_group("outputs")
        shape = lay.shape
        for spec in lay.outputs:
            full = (*shape, *spec.extra_shape)
            # HDF5 chunks of about 1/8 of a sweep chunk: a sweep chunk fills ~8 of them and
            # leaves at most two partly written (compressed again when the next sweep chunk
            # completes them), so gzip runs on ~1.25x the data instead of ~2-3x
            per_pt = int(np.prod(spec.extra_shape, dtype=np.int64))
            target = lay.chunk_size * per_pt // _H5_CHUNKS_PER_SWEEP_CHUNK
            chunks = _h5_chunks(full, max(1024, min(65536, target)))
            d = out.create_dataset(spec.name, shape=full, dtype=spec.dtype, chunks=chunks,
                                   compression="gzip", compression_opts=4, shuffle=True,
                                   fillvalue=np.nan)
            d.attrs["units"] = spec.units
            d.attrs["description"] = spec.description
            d.attrs["dims"] = json.dumps([*lay.axes, *spec.extra_dims])
        g.create_dataset("done", shape=(lay.n_chunks,), dtype="u1", fillvalue=0,
                         chunks=(min(max(lay.n_chunks, 1), 65536),))

    def _enter_swmr(self) -> None:
        self._f.flush()
        self._f.swmr_mode = True
        self._datasets = {}

    # -- writing -------------------------------------------------------------
    def write_chunk(self, c: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Record chunk ``c``: journal (atomic), then the HDF5 datasets and its done flag."""
        if self.done[c]:
            return
        try:
            self.journal.save(c, arrays)
            self._write_h5(c, arrays, flag=True)
        except OSError as exc:
            raise _os_error(exc, self.path, "writing") from None
        self.done[c] = True

    def _write_h5(self, c: int, arrays: Mapping[str, np.ndarray], *, flag: bool) -> None:
        lay = self.layout
        a, b = lay.chunk_range(c)
        if not self._datasets:
            out = self._group["outputs"]
            self._datasets = {spec.name: out[spec.name] for spec in lay.outputs}
            self._datasets["done"] = self._group["done"]
        for spec in lay.outputs:
            data = np.asarray(arrays[spec.name])
            if data.shape != (b - a, *spec.extra_shape):
                raise SIKernelError(f"chunk {c}: output {spec.name} has shape {data.shape}; "
                                    f"expected {(b - a, *spec.extra_shape)}")
            d = self._datasets[spec.name]
            for idx, s, e in flat_slabs(lay.shape, a, b):
                block = data[s - a:e - a].reshape(*_slab_shape(idx), *spec.extra_shape)
                d[idx] = block
        if flag:
            self._f.flush()
            self._datasets["done"][c] = 1
            self._f.flush()

    def finish(self) -> None:
        """Mark the sweep complete (end time), close the file and drop the journal."""
        if not self.complete:
            raise SIKernelError(f"{self.path}: {int((~self.done).sum())} chunks are not done yet")
        if self._f is None and not self.journal.exists():
            return
        try:
            self.close()
            h5py = _h5py()
            with h5py.File(self.path, "r+") as f:
                g = f[f"sweeps/{self.layout.name}"]
                for spec in self.layout.outputs:
                    d = g["outputs"][spec.name]
                    if d.dtype.kind == "f":   # trial 100 L6: pj_per_bit's non-closing points, counted
                        d.attrs["n_nan"] = _count_nan(d)
                g.attrs["status"] = "complete"
                g.attrs["end_time_utc"] = _utc_now()
                f.flush()
        except OSError as exc:
            raise _os_error(exc, self.path, "finishing") from None
        self.journal.remove()

    def close(self) -> None:
        """Close the HDF5 file (idempotent)."""
        if self._f is not None:
            with contextlib.suppress(Exception):
                self._f.close()
        self._f = None
        self._group = None
        self._datasets = {}


#: elements read at a time when a finished output's NaNs are counted
_COUNT_BLOCK = 1 << 22


def _count_nan(d: Any) -> int:
    """NaN entries of an HDF5 dataset, read along its first axis in blocks of ~4M elements."""
    if d.size == 0:
        return 0
    if d.ndim == 0:
        return int(np.isnan(d[()]))
    step = max(1, _COUNT_BLOCK // max(1, d.size // d.shape[0]))
    return int(sum(np.count_nonzero(np.isnan(d[i:i + step])) for i in range(0, d.shape[0], step)))


def _coord(group: Any, name: str, vals: Sequence[Any], units: str, kind: str) -> None:
    h5py = _h5py()
    if isinstance(vals, np.ndarray) and vals.dtype.kind in "iuf":
        d = group.create_dataset(name, data=vals.astype(float))
        d.attrs["units"] = units
        d.attrs["kind"] = kind
        return
    arr = list(vals)
    if arr and all(isinstance(v, str) for v in arr):
        d = group.create_dataset(name, data=np.array(arr, dtype=object), dtype=h5py.string_dtype())
    else:
        d = group.create_dataset(name, data=np.asarray(arr, dtype=float))
    d.attrs["units"] = units
    d.attrs["kind"] = kind


def _h5_chunks(shape: tuple[int, ...], target: int = 65536) -> tuple[int, ...] | None:
    """HDF5 chunk shape of about ``target`` elements (trailing dimensions kept whole)."""
    if not shape or int(np.prod(shape)) == 0:
        return None
    chunks = list(shape)
    i = 0
    while int(np.prod(chunks)) > target and i < len(chunks):
        excess = int(np.prod(chunks)) / target
        chunks[i] = max(1, int(chunks[i] / excess))
        i += 1
    return tuple(chunks)


# --------------------------------------------------------------------------- reading
#: longest a reader waits for a live writer to switch the file between plain write mode and
#: SWMR mode (creating it, marking it complete: milliseconds; generous for loaded machines)
WRITER_TRANSITION_S = 10.0


def _open_h5(path: Path) -> Any:
    """Open a sweep file for reading: plainly when no writer has it open, in SWMR mode when
    one has (or had, before a crash); a truncated file is refused before HDF5 sees it."""
    h5py = _h5py()
    if not path.exists():
        raise SIKernelError(f"sweep file {path} does not exist")
    if path.is_dir():
        raise SIKernelError(f"{path} is a folder, not a sweep file")
    if not os.access(path, os.R_OK):
        raise SIKernelError(f"permission denied: cannot read {path}")
    first: BaseException | None = None
    if not WriterLock(path).is_locked_by_other():
        # a live SWMR writer's superblock may lag behind the data it appends; a file without
        # a writer must be as long as its superblock says (else SWMR opens retry for minutes)
        _check_not_truncated(path)
        try:
            return h5py.File(path, "r", locking=False)
        except (OSError, RuntimeError) as exc:
            first = exc
        text = str(first)
        # only a file left "open for write" by a (killed) SWMR writer needs a SWMR open; any
        # other damage would make SWMR reads retry for a long time
        if "already open" not in text and "consistency flag" not in text:
            _raise_unreadable(path, first)
    # a writer holds the file in SWMR mode while it appends; between creating it and entering
    # SWMR mode, and while finish() reopens it to mark it complete, it holds it in plain write
    # mode, which a SWMR read refuses ("not already open for SWMR writing"): wait that out
    deadline = time.monotonic() + WRITER_TRANSITION_S
    while True:
        try:
            return h5py.File(path, "r", swmr=True, locking=False)
        except (OSError, RuntimeError) as exc:
            err = exc
        writer_switching = first is None and "not already open for SWMR" in str(err)
        if not writer_switching or time.monotonic() > deadline:
            _raise_unreadable(path, first or err)
        time.sleep(0.02)
        if not WriterLock(path).is_locked_by_other():
            return _open_h5(path)       # the writer has finished meanwhile: a plain open


def _raise_unreadable(path: Path, exc: BaseException | None) -> None:
    hint = ("; a resume journal exists next to it: resume the sweep (resume=True / --resume) to "
            "rebuild it" if Journal(path).exists() else "")
    raise SIKernelError(f"{path} is not a readable HDF5 sweep file (corrupted or not HDF5: "
                        f"{exc}){hint}") from None


def _check_layout_version(f: Any, path: Path) -> None:
    """Refuse a file whose layout version this module cannot read (newer, missing, malformed)."""
    raw = f.attrs.get("sikernel_store_version")
    if raw is None:
        raise SIKernelError(f"{path} has no 'sikernel_store_version' attribute: not a sweep file written by "
                            f"sikernel.store (this sikernel reads layout version {STORE_VERSION})")
    whole = False
    if not isinstance(raw, (bool, np.bool_)):  # int(True) == 1: a flag is not a layout version
        try:
            version = int(raw)
            whole = version == float(raw)
        except (TypeError, ValueError):
            whole = False
    if not whole or version < 1:
        raise SIKernelError(f"{path}: sikernel_store_version={raw!r} is not a layout version (a whole number "
                            f"from 1; this sikernel reads {STORE_VERSION}); the file was not written by "
                            "sikernel.store or its attributes were altered")
    if version > STORE_VERSION:
        raise SIKernelError(f"{path} was written with sweep-file layout version {version}, newer than the "
                            f"{STORE_VERSION} this sikernel reads: upgrade sikernel to read (or resume) it")


def _pick_group(f: Any, path: Path, name: str | None) -> Any:
    sweeps = f.get("sweeps")
    # the layout version first: a newer layout may not keep /sweeps, and its reader must say
    # "newer", not "not a sweep file"; a file with neither is simply not a sweep file
    if sweeps is not None or "sikernel_store_version" in f.attrs:
        _check_layout_version(f, path)
    if sweeps is None or not len(sweeps):
        raise SIKernelError(f"{path} holds no sweep (no /sweeps group); not a sikernel sweep file")
    names = list(sweeps)
    if name is None:
        if len(names) > 1:
            raise SIKernelError(f"{path} holds several sweeps {names}; pass name=")
        name = names[0]
    if name not in sweeps:
        raise SIKernelError(f"{path} has no sweep {name!r}; it holds {names}")
    return sweeps[name]


def _read_header(path: Path) -> dict[str, Any]:
    f = _open_h5(path)
    try:
        g = _pick_group(f, path, None)
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    finally:
        f.close()


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A sweep read back from its file.

    Attributes
    ----------
    name : str
        Sweep name.
    axes : dict
        Axis name -> coordinates (float array or list of str), in grid order.
    axis_units : dict
        Axis name -> units.
    outputs : dict
        Output name -> ndarray shaped ``(*grid shape, *extra)``; NaN where not computed.
    dims : dict
        Output name -> list of dimension names.
    units, descriptions : dict
        Output name -> attribute text.
    extra_coords : dict
        Extra dimension name -> coordinates.
    done : ndarray of bool, shape grid
        Which points hold results.
    complete : bool
        Whether the sweep finished.
    config : dict
        The configuration the sweep ran with.
    attrs : dict
        Provenance (versions, host, start/end time, presets, status).
    """

    name: str
    axes: dict[str, Any]
    axis_units: dict[str, str]
    outputs: dict[str, np.ndarray]
    dims: dict[str, list[str]]
    units: dict[str, str]
    descriptions: dict[str, str]
    extra_coords: dict[str, np.ndarray]
    done: np.ndarray
    complete: bool
    config: dict[str, Any]
    attrs: dict[str, Any]

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.outputs[name]
        except KeyError:
            raise SIKernelError(f"no output {name!r}; available: {', '.join(self.outputs)}") from None

    def __repr__(self) -> str:
        """A summary: name, state, axes (size and range) and outputs (shape, units), no arrays.

        The dataclass's own repr printed every array in full (175 kB for a 2304-point sweep,
        new-user trial 28).
        """
        n_done = int(np.count_nonzero(self.done))
        state = "complete" if self.complete else f"incomplete: {n_done} of {self.done.size} points"
        lines = [f"SweepResult {self.name!r} ({state})", "  axes:"]
        for k, v in self.axes.items():
            vals = list(v) if not isinstance(v, np.ndarray) else v.tolist()
            shown = (", ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in vals)
                     if len(vals) <= 4 else
                     f"{vals[0]:g} ... {vals[-1]:g}" if isinstance(vals[0], float) else
                     f"{vals[0]} ... {vals[-1]}")
            unit = self.axis_units.get(k, "")
            lines.append(f"    {k} [{len(vals)}]: {shown}" + (f" {unit}" if unit else ""))
        lines.append("  outputs:")
        for k, v in self.outputs.items():
            unit = self.units.get(k, "")
            lines.append(f"    {k} {tuple(v.shape)}" + (f" [{unit}]" if unit else ""))
        return "\n".join(lines)

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` with every output and coordinate (needs xarray)."""
        try:
            import xarray as xr
        except ImportError:
            raise SIKernelError("to_xarray() needs xarray (pip install xarray)") from None
        coords = {k: np.asarray(v) for k, v in self.axes.items()}
        coords.update({k: np.asarray(v) for k, v in self.extra_coords.items()})
        data = {k: (self.dims[k], v, {"units": self.units[k], "description": self.descriptions[k]})
                for k, v in self.outputs.items()}
        return xr.Dataset(data, coords=coords, attrs={"name": self.name, "complete": self.complete})


def open(path: str | os.PathLike[str], name: str | None = None,
         outputs: Sequence[str] | None = None) -> SweepResult:
    """Read a sweep file (also while it is being written).

    Parameters
    ----------
    path : str or path-like
        HDF5 file written by :func:`sikernel.sweep.run_sweep`.
    name : str, optional
        Sweep group name (needed only when the file holds several).
    outputs : str or sequence of str, optional
        Read only these outputs (default: all); each is loaded whole into memory.  A single
        name (``outputs="pj_per_bit"``) reads that one output.

    Returns
    -------
    SweepResult

    Warns
    -----
    SIKernelWarning
        When the sweep is incomplete (still running, or interrupted: resume it).

    Raises
    ------
    SIKernelError
        Missing, unreadable, corrupted or non-sweep file.
    """
    if not isinstance(path, str | os.PathLike):
        raise SIKernelError(f"store.open: path={path!r} is not a file path; expected the path (str or "
                            "pathlib.Path) of an HDF5 file written by sikernel.sweep.run_sweep")
    if isinstance(outputs, str):
        outputs = (outputs,)   # one name, not its characters
    elif outputs is not None:
        try:
            outputs = tuple(outputs)
        except TypeError:
            outputs = (outputs,)
        if not all(isinstance(k, str) for k in outputs):
            raise SIKernelError(f"store.open: outputs={outputs!r}; expected an output name or a list "
                                "of output names (str)")
    p = Path(path)
    for attempt in range(_LIVE_READ_ATTEMPTS):
        try:
            return _read(p, name, outputs)
        except _TornRead:
            # raw data is not covered by SWMR's consistency guarantee: a read can meet a
            # compressed HDF5 chunk while the writer rewrites it (the chunk shared with the
            # next sweep chunk); with a live writer, read again
            if attempt == _LIVE_READ_ATTEMPTS - 1 or not WriterLock(p).is_locked_by_other():
                raise
            import time

            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


#: reads of a file with a live writer tried before a decoding error is reported
_LIVE_READ_ATTEMPTS = 5


class _TornRead(SIKernelError):
    """An HDF5 error while reading datasets (possibly a chunk being rewritten)."""


def _read(p: Path, name: str | None, outputs: Sequence[str] | None) -> SweepResult:
    f = _open_h5(p)
    try:
        g = _pick_group(f, p, name)
        gname = str(g.name).rsplit("/", 1)[-1]
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        axis_names = json.loads(attrs["axes"])
        co = g["coords"]
        axes: dict[str, Any] = {}
        units: dict[str, str] = {}
        extra: dict[str, np.ndarray] = {}
        for k in co:
            d = co[k]
            vals = d[()]
            if d.dtype.kind in "OS":
                vals = [v.decode() if isinstance(v, bytes) else str(v) for v in vals]
            if d.attrs.get("kind") == "extra":
                extra[k] = np.asarray(vals)
            else:
                axes[k] = vals
                units[k] = str(d.attrs.get("units", ""))
        axes = {k: axes[k] for k in axis_names}
        # the done flags first: a chunk's flag is set only after its data is flushed, so every
        # chunk flagged now is whole in the outputs read next; points not flagged are masked
        # (NaN) even if a chunk in progress has already put part of its values in the file
        dd = g["done"]
        if f.swmr_mode:
            dd.refresh()
        done_chunks = dd[()].astype(bool)
        shape = tuple(len(v) for v in axes.values())
        n = int(np.prod(shape, dtype=np.int64))
        cs = int(attrs["chunk_size"])
        done = np.repeat(done_chunks, cs)[:n].reshape(shape)
        outs, dims, ou, od = {}, {}, {}, {}
        stored = list(g["outputs"])
        if outputs is not None:
            missing = [k for k in outputs if k not in stored]
            if missing:
                raise SIKernelError(f"{p} has no output(s) {missing}; it holds {stored}")
            stored = list(outputs)
        for k in stored:
            d = g["outputs"][k]
            if f.swmr_mode:
                d.refresh()
            arr = d[()]
            if not done.all() and arr.dtype.kind == "f":
                arr[~done] = np.nan
            outs[k] = arr
            dims[k] = json.loads(d.attrs["dims"])
            ou[k] = str(d.attrs["units"])
            od[k] = str(d.attrs["description"])
        complete = attrs.get("status") == "complete"
        config = _inflate_axes(json.loads(attrs["config_json"]), axes)
    except SIKernelError:
        raise   # already says what is wrong with the file (layout version, missing sweep)
    except (OSError, RuntimeError) as exc:
        raise _TornRead(f"{p} is not a valid sikernel sweep file ({exc})") from None
    except (KeyError, ValueError) as exc:
        raise SIKernelError(f"{p} is not a valid sikernel sweep file ({exc})") from None
    finally:
        f.close()
    if not complete:
        frac = float(done_chunks.mean()) if done_chunks.size else 0.0
        warnings.warn(f"sweep {gname!r} in {p}: incomplete "
                      f"({frac:.1%} of chunks done; still running, or interrupted: rerun with "
                      "resume=True / --resume)", SIKernelWarning, stacklevel=3)
    return SweepResult(name=gname, axes=axes, axis_units=units,
                       outputs=outs, dims=dims, units=ou, descriptions=od, extra_coords=extra,
                       done=done, complete=complete, config=config, attrs=attrs)


__all__ = ["INLINE_AXIS_MAX", "Journal", "Layout", "OutputSpec", "SweepResult", "SweepWriter", "WriterLock",
           "axis_digest", "config_diff", "config_json", "flat_slabs", "open", "provenance"]
