"""Run a sweep: chunk the flattened grid, evaluate chunks locally or on dask, store as it goes.

Backends
--------
``"local"``
    chunks evaluated one after another in this process; inside a chunk every stage
    is a Numba ``prange`` batch over the chunk's points (``threads`` sets the Numba
    thread count).
``"dask"``
    chunks are tasks on a ``dask.distributed`` cluster: ``scheduler="tcp://HOST:PORT"``
    for a running cluster, or a ``LocalCluster`` on 127.0.0.1 when no address is given.
    Workers compute and return a chunk's arrays; this process (the client) is the only
    writer of the HDF5 store.  At most ``2 x workers`` chunks are in flight, so the
    client's memory is bounded by the chunk size, not the sweep size.

Each worker needs ``sikernel`` importable (same version: the arithmetic is then the
same, and so are the results, bit for bit).  What scales: the work per chunk grows with
``chunk x (n_freq + n_time log n_time)`` while what travels back is
``chunk x n_outputs x 8`` bytes, so chunks of a few hundred points keep the network
negligible against compute (see docs/hdf5-schema.md, "Running on a cluster").
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validate
from ..errors import SIKernelError
from .config import SweepConfig, load_config
from .stages import evaluate_chunk, evaluate_chunk_task, output_specs
from .writer import BackgroundWriter

if TYPE_CHECKING:
    from ..store import SweepResult

BACKENDS = ("local", "dask")
#: default largest chunk (points) by stage; a sweep takes the smallest over the stages it
#: runs (smaller still if ``limits.max_memory_bytes`` asks for it).  Sized for roughly
#: 0.1-1 s of one core per chunk: large enough that the fixed cost of a chunk (journal
#: write + fsync, two HDF5 flushes, one thread launch per stage: a few ms) stays a few per
#: cent of the compiled stages, small enough that a killed sweep loses little work and
#: the progress bar moves.  Measured costs per point on one core: channel + pulse + eye
#: ~30 us, power ~30-70 us, metrics ~60 us (LAPACK least squares), com ~0.3-0.4 s
#: (benches/bench_sweep.py::test_com_per_point: 0.30 s per point in the 2026-12-05 run, 0.43 s in
#: the loaded 2026-12-06 run; new-user trial 29 saw ~0.3 s per point per core); stateye ~40 ms
#: (stage_stateye on 12 points, 0.05-0.3 m x 26.6/53.1/106.25 GBd PAM4 with 2 DFE taps at the
#: default 20 MHz grid, 1 Numba thread, best of 3, 2-core shared machine: 37 ms/point on the
#: noise-free eye's default grid of 8192-16384 bins, 10.3 ms at the 1024 bins it had before
#: new-user trial 29, which read the eye 3-12 % low; it reads each record truncated as
#: pulse_response truncates it -- on the whole 1/df record, 1,300-5,300 UI, the same points
#: took 1.4 s each at 1024 bins, and 0.8-1.1 s in new-user trial 28;
#: benches/bench_sweep.py::test_stateye_stage_per_point); its chunk of 32 is about a second.
DEFAULT_CHUNK = {"channel": 4096, "pulse": 4096, "eye": 4096, "power": 4096, "metrics": 4096,
                 "stateye": 32, "com": 2}


#: rough cost of one grid point on one core by stage, s (the measured figures above, the upper
#: end of each range; channel + pulse + eye share their ~30 us), for the duration estimate of a
#: sweep run without its progress bar (:func:`estimate_seconds`)
STAGE_SECONDS_PER_POINT = {"channel": 1e-5, "pulse": 1e-5, "eye": 1e-5, "metrics": 6e-5,
                           "power": 9e-5, "stateye": 4e-2, "com": 0.4}
#: stages whose cost does not fall with more cores: the power stage's batches are NumPy in Python
#: threads, bound by the GIL at the sweep's group sizes (trial 100 M3: a 100 000-point
#: ``pj_per_bit`` sweep estimated at 4 s took 10-11 s on 2 cores, about as long with one thread)
SERIAL_STAGES = frozenset({"power"})
#: a sweep estimated to take longer than this (s, on this machine's cores) warns with the
#: estimate when its progress bar is hidden (new-user trial 28: a 10M-point sweep started by
#: mistake with quiet=True ran with no sign of its duration)
QUIET_ESTIMATE_WARN_S = 600.0


def estimate_seconds(cfg: SweepConfig, cores: int | None = None) -> float:
    """Rough wall time of a whole sweep, s: points x :data:`STAGE_SECONDS_PER_POINT` (divided by
    the cores except for :data:`SERIAL_STAGES`), plus
    :data:`~sikernel.power.table.TABLE_BUILD_SECONDS` for every energy table the power stage
    needs that is neither shipped nor cached (trial 100 H1: a three-rate sweep estimated at
    0.0002 s took 60 s, three table builds).

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config (its points and stages).
    cores : int, optional
        Cores the stages run on: Numba threads, times the workers of a dask cluster (default:
        ``numba.get_num_threads()``, this process's current thread count).

    Returns
    -------
    float
        An order of magnitude, not a promise: the per-point costs were measured on a 2-core
        machine at the default grids and grow with the frequency grid and the record length.
    """
    return _estimate(cfg, cores, tables_to_build(cfg))


def _estimate(cfg: SweepConfig, cores: int | None, builds: list[tuple[float, str]]) -> float:
    """:func:`estimate_seconds` given the tables to build (found once by the caller)."""
    from ..power.table import TABLE_BUILD_SECONDS

    if cores is None:
        import numba

        cores = int(numba.get_num_threads())
    par = sum(STAGE_SECONDS_PER_POINT[st] for st in cfg.stages if st not in SERIAL_STAGES)
    ser = sum(STAGE_SECONDS_PER_POINT[st] for st in cfg.stages if st in SERIAL_STAGES)
    return cfg.n_points * (par / max(int(cores), 1) + ser) + len(builds) * TABLE_BUILD_SECONDS


def _seconds_per_point(cfg: SweepConfig) -> float:
    """One grid point's cost on one core through the sweep's stages, s."""
    return sum(STAGE_SECONDS_PER_POINT[st] for st in cfg.stages)


def tables_to_build(cfg: SweepConfig) -> list[tuple[float, str]]:
    """(baud, modulation) of the energy tables the sweep's power stage would build (not shipped,
    not in the cache): each costs :data:`~sikernel.power.table.TABLE_BUILD_SECONDS` once.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config.

    Returns
    -------
    list of (float, str)
        Distinct symbol rates (Bd, as the tables key them) and modulations; empty without the
        power stage.
    """
    if "power" not in cfg.stages:
        return []
    from ..power.table import canonical_baud, table_is_ready
    from ..response import levels

    out: list[tuple[float, str]] = []
    for fb in cfg.value_range("baud"):
        for mod in cfg.value_range("modulation"):
            key = (canonical_baud(float(fb)), str(mod))
            if key not in out and not table_is_ready(key[0], levels(key[1])):
                out.append(key)
    return out


def _warn_if_long_and_quiet(cfg: SweepConfig, bar_hidden: bool, cores: int | None) -> None:
    """SIKernelWarning with the duration estimate of a long sweep whose progress bar is hidden
    (``cores``: as :func:`estimate_seconds` takes them)."""
    if not bar_hidden:
        return
    builds = tables_to_build(cfg)   # disk checks: once, for the estimate and the message
    sec = _estimate(cfg, cores, builds)
    if sec <= QUIET_ESTIMATE_WARN_S:
        return
    import warnings

    from .._stacklevel import user_stacklevel
    from ..errors import SIKernelWarning

    span = f"{sec / 3600:.1f} h" if sec >= 3600 else f"{sec / 60:.0f} min"
    tables = (f", plus {len(builds)} energy table(s) to build once, about 30 s each, for the "
              "symbol rates " + ", ".join(f"{b / 1e9:g} GBd {m}" for b, m in builds[:6])
              + (" ..." if len(builds) > 6 else "")) if builds else ""
    warnings.warn(f"sweep {cfg.name!r}: {cfg.n_points:,} points through the stages "
                  f"{', '.join(cfg.stages)} take roughly {span} here (about "
                  f"{_seconds_per_point(cfg):.2g} s per point on one core, the energy stage not "
                  f"sped up by more cores{tables}), "
                  "and the progress bar is hidden (quiet=True, or no terminal); check the grid, or run "
                  "with quiet=False to watch it (a killed sweep resumes with resume=True)",
                  SIKernelWarning, stacklevel=user_stacklevel())


def default_chunk(cfg: SweepConfig) -> int:
    """Default largest chunk of a sweep: the smallest :data:`DEFAULT_CHUNK` of its stages.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config (its ``stages``).

    Returns
    -------
    int
        Grid points per chunk.
    """
    return min(DEFAULT_CHUNK[s] for s in cfg.stages)


def choose_chunk(cfg: SweepConfig, chunk: int | None) -> int:
    """Chunk size: the given one (checked against the memory limit) or the largest that fits.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config (memory limit, per-point memory, grid size).
    chunk : int or None
        Grid points per chunk; None picks the largest that fits, at most
        :func:`default_chunk` (which depends on the slowest stage the sweep runs).

    Returns
    -------
    int
        Grid points per chunk.

    Raises
    ------
    SIKernelError
        ``chunk`` not a positive integer; a chunk (even of one point) whose working
        memory exceeds ``limits.max_memory_bytes``.
    """
    one = cfg.chunk_memory_bytes(1)
    if one > cfg.max_memory_bytes:
        raise SIKernelError(f"sweep config: one grid point needs about {one / 1e6:.1f} MB of working "
                            f"memory, over limits.max_memory_bytes={cfg.max_memory_bytes:g}; "
                            "coarsen the frequency grid or lower samples_per_ui")
    per = cfg.chunk_memory_bytes(2) - one
    fit = 1 + int((cfg.max_memory_bytes - one) // max(per, 1))
    if chunk is None:
        return max(1, min(default_chunk(cfg), fit, cfg.n_points))
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise SIKernelError(f"chunk={chunk!r} must be an integer >= 1 (grid points per chunk)")
    need = cfg.chunk_memory_bytes(chunk)
    if need > cfg.max_memory_bytes:
        raise SIKernelError(f"chunk={chunk} needs about {need / 1e6:.0f} MB of working memory, over "
                            f"limits.max_memory_bytes={cfg.max_memory_bytes:g}; use chunk <= {fit}")
    return chunk


def _presets_used(cfg: SweepConfig) -> dict[str, Any]:
    if "com_db" not in cfg.outputs:
        return {}
    import dataclasses

    from ..eye.presets import get_preset

    out = {}
    for name in cfg.value_range("preset"):
        p = get_preset(name)
        out[name] = {k: v for k, v in dataclasses.asdict(p).items()}
    return out


def _bar_hidden(quiet: bool | None) -> bool:
    """Whether the progress bar is off: ``quiet``, or by default when stderr is not a terminal."""
    return bool(quiet) if quiet is not None else not sys.stderr.isatty()


def _progress(total: int, initial: int, quiet: bool | None, name: str) -> Any:
    # plain tqdm (a terminal bar): tqdm.auto would pick the Jupyter widget and complain
    # ("IProgress not found") even when the bar is disabled
    from tqdm import tqdm

    disable = _bar_hidden(quiet)
    return tqdm(total=total, initial=initial, unit="pt", desc=f"sweep {name}", disable=disable,
                dynamic_ncols=True, smoothing=0.1)


def run_sweep(config: Mapping[str, Any] | str | os.PathLike[str] | SweepConfig,
              out_path: str | os.PathLike[str], *, resume: bool = False, overwrite: bool = False,
              backend: str = "local", scheduler: str | None = None, chunk: int | None = None,
              threads: int | None = None, quiet: bool | None = None,
              n_workers: int = 2, _max_chunks: int | None = None) -> SweepResult:
    """Evaluate a sweep grid and store every output in an HDF5 file.

    Parameters
    ----------
    config : dict, TOML path or SweepConfig
        The grid (see :mod:`sikernel.sweep.config`).
    out_path : str or path-like
        HDF5 result file (created; see ``docs/hdf5-schema.md``).
    resume : bool
        Continue an interrupted sweep of the same config (its chunk size is kept).
    overwrite : bool
        Replace an existing file.
    backend : {"local", "dask"}
    scheduler : str, optional
        dask scheduler address ``tcp://HOST:PORT``; without it a ``LocalCluster`` of
        ``n_workers`` single-threaded processes on 127.0.0.1 is started.
    chunk : int, optional
        Grid points per chunk (default: :func:`default_chunk`, e.g. 4096 for the
        compiled stages and 2 with COM, within ``limits.max_memory_bytes``).
    threads : int, optional
        Numba threads (local backend: this process; dask: per worker), 1 to
        ``numba.config.NUMBA_NUM_THREADS`` (the cores of this machine; not checked here for
        the workers of a remote ``scheduler``).
    quiet : bool, optional
        Hide the progress bar (default: shown only on a terminal).
    n_workers : int
        Workers (>= 1) of the LocalCluster started when no ``scheduler`` is given.

    Returns
    -------
    sikernel.store.SweepResult
        The finished file read back.

    Notes
    -----
    On Linux (glibc) the first sweep of a process raises the allocator's heap trim threshold
    (256 MiB; :mod:`sikernel._malloc`): the energy model's NumPy temporaries no longer fault their
    pages in again on every call (50 000 IL + ``pj_per_bit`` points: 3.1 s -> 2.0 s, system time
    2.3 s -> 0.2 s, ``benches/bench_sweep.py::test_heap_setting_on_a_power_sweep``, 7 Dec 2026).
    The process may keep up to that much freed heap; ``SIKERNEL_MALLOC_TUNE=0`` in the environment
    leaves the allocator alone.

    Raises
    ------
    SIKernelError
        Bad config or a bad ``threads`` / ``n_workers`` (before any work or file); existing
        output without ``overwrite``/``resume``; resume against another config; store errors
        (permission, disk space, corrupt).
    """
    from .. import store

    cfg = load_config(config)
    be = _validate.one_of("backend", backend, BACKENDS)
    if scheduler is not None and be != "dask":
        raise SIKernelError(f"scheduler={scheduler!r} needs backend='dask'")
    check_threads_workers(threads, n_workers, local_limit=scheduler is None)
    if resume and overwrite:
        raise SIKernelError("give resume=True or overwrite=True, not both")
    path = _validate.given_path("out_path", out_path, "the HDF5 file to write, e.g. sweep.h5")
    cs = choose_chunk(cfg, chunk)
    if resume:
        cs = _resumed_chunk(path, cs)
    specs, extra = output_specs(cfg)
    from .config import PARAMS

    # numeric axes as the config's float64 arrays: a long axis goes to its coordinate dataset
    # without another pass over Python floats
    axes = {k: (a if a.dtype.kind == "f" else cfg.axes[k]) for k, a in cfg.axis_arrays.items()}
    # and in the stored config, where a long one is digested (store.axis_digest) from the array
    conf = cfg.to_dict()
    for k, a in cfg.axis_arrays.items():
        if PARAMS[k].kind == "float" and a.size > store.INLINE_AXIS_MAX:
            conf["axes"][k] = a
    layout = store.Layout(name=cfg.name, axes=axes,
                          axis_units={k: PARAMS[k].units for k in cfg.axes}, extra_coords=extra,
                          outputs=specs, chunk_size=cs, config=conf,
                          presets=_presets_used(cfg))
    _check_disk(cfg, specs, path)
    _check_fft_sizes(cfg)
    if not resume and not (be == "dask" and scheduler is not None):   # a remote cluster: cores unknown
        _warn_if_long_and_quiet(cfg, _bar_hidden(quiet),
                                n_workers * (threads or 1) if be == "dask" else threads)
    from .._malloc import keep_freed_heap

    keep_freed_heap()   # glibc heap trimming cost power sweeps seconds of system time (trial 100 L8)
    writer = store.SweepWriter(path, layout)
    with contextlib.ExitStack() as dask_stack:   # closes the client, then the cluster, on every path
        client = None
        if be == "dask":
            writer.preflight(resume=resume, overwrite=overwrite)   # before a cluster start or a 30 s connect
            client = _dask_client(scheduler, n_workers, dask_stack)
        return _run_into(writer, cfg, layout, path, be, client, threads, resume, overwrite, quiet,
                         _max_chunks)


def _run_into(writer: Any, cfg: SweepConfig, layout: Any, path: Path, be: str, client: Any,
              threads: int | None, resume: bool, overwrite: bool, quiet: bool,
              _max_chunks: int | None) -> Any:
    """The sweep proper: start the writer, evaluate the chunks left, finish; the result or None."""
    from .. import store
    from .._jit import set_threads

    threads_before = set_threads(None)
    try:
        writer.start(resume=resume, overwrite=overwrite)
        todo = [c for c in range(layout.n_chunks) if not writer.done[c]]
        if _max_chunks is not None:
            todo = todo[:_max_chunks]
        done_pts = sum(layout.chunk_range(c)[1] - layout.chunk_range(c)[0]
                       for c in range(layout.n_chunks) if writer.done[c])
        bar = _progress(layout.n_points, done_pts, quiet, cfg.name)
        background = BackgroundWriter(writer, bar)
        try:
            if be == "local":
                if threads is not None:
                    set_threads(threads)
                results: Iterable[tuple[int, dict]] = (
                    (c, evaluate_chunk(cfg, *layout.chunk_range(c))) for c in todo)
            else:
                results = _dask_results(cfg, layout, todo, client, threads)
            for c, arrays in results:
                background.put(c, arrays)
        finally:
            try:
                background.close()
            finally:
                bar.close()
        if writer.complete:
            writer.finish()
    finally:
        writer.close()
        writer.release()
        set_threads(threads_before)
    if not writer.complete:
        return None
    return store.open(path)


def check_threads_workers(threads: Any, n_workers: Any, *, local_limit: bool = True,
                          names: tuple[str, str] = ("threads", "n_workers")) -> None:
    """Refuse a thread or worker count that cannot run, before any file is created.

    Parameters
    ----------
    threads : int or None
        Numba threads: None (keep the current count) or 1 to ``numba.config.NUMBA_NUM_THREADS``
        (the upper bound only with ``local_limit``: a remote cluster's workers have their own).
    n_workers : int
        Workers of a local dask cluster, >= 1.
    local_limit : bool
        Check ``threads`` against this machine's Numba thread limit.
    names : (str, str)
        How the two values are named in the messages (the CLI passes its flags).

    Raises
    ------
    SIKernelError
        Naming the value, what is accepted and the fix.
    """
    import numba

    t_name, w_name = names
    sep = " " if t_name.startswith("-") else "="
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 1:
            raise SIKernelError(f"{t_name}{sep}{threads!r}: expected a whole number of Numba threads >= 1 "
                                "(or leave it out for all the cores)")
        top = int(numba.config.NUMBA_NUM_THREADS)
        if local_limit and threads > top:
            raise SIKernelError(f"{t_name}{sep}{threads!r}: this machine runs at most {top} Numba threads "
                                f"(numba.config.NUMBA_NUM_THREADS, one per core); give 1..{top} or leave "
                                "it out")
    sep = " " if w_name.startswith("-") else "="
    if isinstance(n_workers, bool) or not isinstance(n_workers, int | np.integer) or n_workers < 1:
        raise SIKernelError(f"{w_name}{sep}{n_workers!r}: expected a whole number of dask workers >= 1 "
                            "(the processes of the local cluster), e.g. 2")


def _check_disk(cfg: SweepConfig, specs: list, path: Path) -> None:
    """Warn before starting when the results (file + journal, uncompressed) may not fit on disk."""
    import shutil
    import warnings

    from ..errors import SIKernelWarning

    per_point = sum(int(np.prod(s.extra_shape, dtype=np.int64)) for s in specs) * 8
    need = 2 * per_point * cfg.n_points
    folder = path.parent if path.parent.is_dir() else Path(".")
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if need > free:
        warnings.warn(f"the sweep's results take up to {need / 1e9:.2f} GB uncompressed (file + resume "
                      f"journal) and {folder} has {free / 1e9:.2f} GB free; it may stop with 'no space "
                      "left on device' (then free space and resume)", SIKernelWarning, stacklevel=3)


#: largest prime factor of a transform length that pocketfft handles with its own radix
#: passes; above it a Bluestein transform of about twice the length runs (measured 4-7x
#: slower than a 7-smooth length of the same size)
_FFT_PRIME_OK = 100


def _largest_prime_factor(n: int) -> int:
    big, p = 1, 2
    while p * p <= n:
        while n % p == 0:
            big, n = p, n // p
        p += 1
    return max(big, n)


def _check_fft_sizes(cfg: SweepConfig) -> None:
    """Warn when a baud's transform length has a large prime factor (a slow FFT), with the
    nearest frequency step that gives a 7-smooth length."""
    import warnings

    from ..errors import SIKernelWarning
    from ..response import fft_grid

    if "pulse" not in cfg.stages:
        return
    f = cfg.f_hz
    for fb in sorted(set(cfg.value_range("baud"))):
        n = fft_grid(f, float(fb), cfg.samples_per_ui).n_time
        p = _largest_prime_factor(n)
        if p <= _FFT_PRIME_OK:
            continue
        smooth = min((k for k in range(max(2, n - n // 8), n + n // 8 + 1) if _largest_prime_factor(k) <= 7),
                     key=lambda k: (abs(k - n), k))
        df = fb * cfg.samples_per_ui / smooth
        warnings.warn(f"baud={fb:g}: the pulse transform has n_time={n} points (prime factor {p}), "
                      f"which FFTs several times slower than a 7-smooth length; df_hz={df:.10g} would "
                      f"give n_time={smooth}", SIKernelWarning, stacklevel=3)


def _resumed_chunk(path: Path, cs: int) -> int:
    """On resume the chunk size recorded when the sweep started wins."""
    from ..store import Journal

    j = Journal(path)
    if j.exists():
        return int(j.meta().get("chunk_size", cs))
    return cs


def _dask_client(scheduler: str | None, n_workers: int, stack: contextlib.ExitStack) -> Any:
    """A client connected to ``scheduler``, or to a LocalCluster of ``n_workers`` started here; both
    are closed by ``stack`` (the client first).  Called before the output file is created, so that an
    unreachable scheduler leaves nothing behind (fuzz 31 M9: it left an empty ``.h5`` and its
    journal, and a rerun without --resume said "already exists")."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SIKernelError("backend='dask' needs dask.distributed (pip install distributed)") from None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        stack.callback(cluster.close)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise SIKernelError(f"cannot reach the dask scheduler {scheduler!r}: {exc}") from None
    stack.callback(client.close)
    return client


def _dask_results(cfg: SweepConfig, layout: Any, todo: list[int], client: Any,
                  threads: int | None) -> Iterator[tuple[int, dict]]:
    """Yield (chunk, arrays) as the dask workers of ``client`` finish them (bounded number in flight)."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    in_flight = 2 * workers
    it = iter(todo)
    ac = as_completed()
    cfg_f = client.scatter(cfg, broadcast=True)

    def submit(c: int) -> None:
        a, b = layout.chunk_range(c)
        ac.add(client.submit(evaluate_chunk_task, cfg_f, c, a, b, threads, pure=False))

    for c in it:
        submit(c)
        if ac.count() >= in_flight:
            break
    for fut in ac:
        c, arrays = fut.result()
        fut.release()
        yield c, arrays
        nxt = next(it, None)
        if nxt is not None:
            submit(nxt)


__all__ = ["BACKENDS", "DEFAULT_CHUNK", "QUIET_ESTIMATE_WARN_S", "SERIAL_STAGES", "STAGE_SECONDS_PER_POINT",
           "check_threads_workers", "choose_chunk", "default_chunk", "estimate_seconds", "run_sweep",
           "tables_to_build"]
