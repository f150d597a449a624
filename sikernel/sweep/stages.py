"""Pipeline stages of the sweep engine, each vectorised over one chunk of grid points.

A chunk is a contiguous range ``[start, stop)`` of the C-ordered flattened grid.
:func:`evaluate_chunk` expands it into per-point parameter arrays and runs the
stages the requested outputs need, in order:

``channel``
    SDD21 of every point on the sweep's frequency grid (TX package + stripline + RX
    package when ``package`` is not "none").  The length-independent tables of each
    line + package (material x geometry x roughness x package) are computed once
    (:func:`sikernel.channel.batch.s21_tables`, cached per process) and the whole chunk
    is built in one parallel call (:func:`sikernel._kernels.sweep.chunk_s21_il`), with
    output ``il_nyquist_db``: the loss at ``baud/2`` (the arithmetic of ``Channel.il_db``).
``metrics``
    Fitted IL at baud/2 and FOM_ILD (IEEE 802.3 93A-56/57) of every point in one
    parallel call (:func:`sikernel._kernels.sweep.chunk_fom_ild`, the arithmetic of
    :func:`sikernel.channel.metrics.fom_ild`).
``pulse``
    Pulse responses (IEEE 802.3 eq. 93A-24; optional TX rise-time filter 93A-46 and RX
    AFE filter 93A-20 from :mod:`sikernel.eq.filters`) of every point of the chunk and
    their cursors at the peak phase, in one parallel call
    (:func:`sikernel._kernels.sweep.chunk_pulse_cursors`: the arithmetic of
    :func:`sikernel.response.pulse_from_h` and :meth:`PulseResponse.cursors`, rows of
    different bauds side by side).
``eye``
    Peak-distortion eye height of the chunk's cursors after ``n_dfe`` ideal DFE taps
    limited by ``dfe_max`` (:func:`sikernel._kernels.sweep.peak_eye_heights`, the batch
    form of :func:`sikernel.eye.peak.peak_distortion_eye`, checked against it in tests).
``stateye``
    Statistical eye height and width at the target BER (:func:`sikernel.eye.stateye.stat_eye`
    on each point's pulse response, truncated as :func:`sikernel.response.pulse_response`
    truncates it; per point).
``power``
    Energy per bit from the loss at Nyquist (:func:`sikernel.power.energy_per_bit`,
    ``loss_db`` path: tabulated SI chain), by block, and the chosen architecture and
    equaliser settings; NaN where no architecture closes the link.
``com``
    COM (:func:`sikernel.eye.com.com`, full equaliser search) of each point's channel,
    with the point's baud as the preset's signalling rate.

Determinism: every kernel computes each row from that row alone, and the compiled
stages are always entered through their one parallel chunk driver (never a serial
variant for small batches, whose machine code could round differently), so a point's
arithmetic never depends on which chunk it falls in, on the chunk size or on the
thread count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import SIKernelError
from ..store import OutputSpec
from .config import OUTPUTS, SweepConfig

_LINE_KEYS = ("material", "width_m", "thickness_m", "height_m", "spacing_m", "roughness")
_CHANNEL_KEYS = (*_LINE_KEYS, "package")
_LINES: dict[tuple, Any] = {}
_TABLES: dict[tuple, tuple[np.ndarray, ...]] = {}
_PULSE_GROUPS: dict[tuple, tuple] = {}
#: points priced per task by the power stage (tasks of one chunk run on as many Python
#: threads as Numba has: NumPy releases the GIL inside its array loops)
_POWER_TASK_POINTS = 1024
#: entries kept in each per-process cache (line tables, pulse groups) before it is cleared
_CACHE_MAX = 256


def output_specs(cfg: SweepConfig) -> tuple[list[OutputSpec], dict[str, list[Any]]]:
    """Dataset descriptions of the requested outputs and the coordinates of extra dimensions.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config.

    Returns
    -------
    specs : list of OutputSpec
        One per requested output.
    extra_coords : dict
        Extra dimension name -> coordinates (cursor index, EQ setting or block names).
    """
    from ..power.budget import BLOCKS

    specs, extra = [], {}
    for name in cfg.outputs:
        units, desc, _ = OUTPUTS[name]
        if name == "cursors_v":
            k = list(range(-cfg.n_pre, cfg.n_post + 1))
            extra["cursor"] = k
            specs.append(OutputSpec(name, units, desc, ("cursor",), (len(k),)))
        elif name == "eq_settings":
            extra["eq_setting"] = list(EQ_SETTINGS)
            specs.append(OutputSpec(name, units, desc, ("eq_setting",), (len(EQ_SETTINGS),)))
        elif name == "eq_architecture":
            from ..power.budget import FAMILIES

            codes = ", ".join(f"{i} = {f}" for i, f in enumerate(FAMILIES))
            specs.append(OutputSpec(name, units, f"{desc} ({codes}; NaN: none closes)"))
        elif name == "pj_per_bit_blocks":
            extra["block"] = list(BLOCKS)
            specs.append(OutputSpec(name, units, desc, ("block",), (len(BLOCKS),)))
        else:
            specs.append(OutputSpec(name, units, desc))
    return specs, extra


def chunk_params(cfg: SweepConfig, start: int, stop: int) -> dict[str, np.ndarray]:
    """Per-point parameter arrays of the flat range ``[start, stop)``.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config.
    start, stop : int
        Flat (C-order) grid index range.

    Returns
    -------
    dict
        Parameter name -> array of ``stop - start`` values (SI units; object arrays for names).
    """
    n = stop - start
    idx = np.unravel_index(np.arange(start, stop, dtype=np.int64), cfg.shape)
    out: dict[str, np.ndarray] = {}
    for (name, arr), ii in zip(cfg.axis_arrays.items(), idx, strict=True):
        out[name] = arr[ii]
    for name, v in cfg.fixed.items():
        out[name] = np.full(n, v, dtype=object if isinstance(v, str) else float)
    return out


def _group_rows(p: dict[str, np.ndarray], names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Group the chunk's rows by the values of ``names``.

    Name columns (object arrays: material, roughness, package ...) are coded by first
    appearance through a dict, numeric ones by :func:`numpy.unique`; a column with one value
    adds nothing.  (Sorting 4096 Python strings per column with ``np.unique`` was most of
    the serial time of a sweep chunk.)  Every row's group holds exactly the rows with its
    values, so what a stage computes per group does not depend on the groups' order.

    Returns
    -------
    first : ndarray of int64
        One row of each group (groups in the order of their codes).
    group : ndarray of int64
        Group index of every row.
    """
    n = p[names[0]].size
    code = np.zeros(n, dtype=np.int64)
    for k in names:
        col = p[k]
        if col.dtype == object:
            index: dict[Any, int] = {}
            inv = np.fromiter((index.setdefault(v, len(index)) for v in col.tolist()), dtype=np.int64,
                              count=n)
            n_values = len(index)
        else:
            u, inv = np.unique(col, return_inverse=True)
            inv = inv.reshape(-1)
            n_values = u.size
        if n_values == 1:
            continue
        # mixed-radix code of the columns so far, renumbered densely (< n) so it cannot overflow
        _, code = np.unique(code * n_values + inv, return_inverse=True)
        code = code.reshape(-1).astype(np.int64)
    _, first, group = np.unique(code, return_index=True, return_inverse=True)
    return first.astype(np.int64), group.reshape(-1).astype(np.int64)


def _key(p: dict[str, np.ndarray], names: tuple[str, ...], i: int) -> tuple:
    """Point ``i``'s values of ``names`` as plain Python scalars (a cache key)."""
    return tuple(p[k][i].item() if hasattr(p[k][i], "item") else p[k][i] for k in names)


def _line(key: tuple) -> Any:
    line = _LINES.get(key)
    if line is None:
        from ..channel.lines import Stripline

        mat, w, t, h, s, rough = key
        line = Stripline(mat, w, t, h, spacing=s, roughness=rough)
        _LINES[key] = line
    return line


def _grid_key(f: np.ndarray) -> tuple:
    return (f.size, float(f[0]), float(f[-1]))


def _s21_tables(key: tuple, f: np.ndarray) -> tuple[np.ndarray, ...]:
    """Length-independent S21 tables of one line + package pair on ``f`` (cached)."""
    ck = (key, _grid_key(f))
    tab = _TABLES.get(ck)
    if tab is None:
        from ..channel.batch import s21_tables

        pkg = None if key[-1] == "none" else key[-1]
        tab = s21_tables(_line(key[:-1]), f, tx_package=pkg, rx_package=pkg)
        if len(_TABLES) >= _CACHE_MAX:
            _TABLES.clear()
        _TABLES[ck] = tab
    return tab


def stage_channel(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """SDD21 of every point (state["h"], (n, n_freq)) and the loss at baud/2.

    The length-independent tables of each line + package group
    (:func:`sikernel.channel.batch.s21_tables`, cached) are stacked and the whole
    chunk is built in one call of :func:`sikernel._kernels.sweep.chunk_s21_il`.
    """
    from .._kernels.sweep import chunk_s21_il

    f = cfg.f_hz
    first, group = _group_rows(p, _CHANNEL_KEYS)
    tabs = [_s21_tables(_key(p, _CHANNEL_KEYS, i), f) for i in first.tolist()]
    parts = [np.ascontiguousarray(np.stack([t[j] for t in tabs])) for j in range(6)]
    n = group.size
    h = np.empty((n, f.size), dtype=np.complex128)
    il = np.empty(n)
    chunk_s21_il(*parts, group, np.ascontiguousarray(p["length_m"], dtype=float), f, 0.5 * p["baud"], h, il)
    state["h"] = h
    state["il_nyquist_db"] = il


def _metrics_group(f: np.ndarray, fb: float) -> tuple[int, int, np.ndarray]:
    """Band ``[lo, hi)`` of the FOM_ILD fit for baud ``fb`` on ``f`` and its 93A-57 weight
    (the defaults of :func:`sikernel.channel.metrics.fom_ild`: 50 MHz ... min(f_b, f_max),
    f_t = 0.6 f_b, f_r = 0.75 f_b)."""
    from ..channel import metrics

    idx = np.flatnonzero(metrics._band(f, metrics.F_MIN_DEFAULT_HZ, min(fb, float(f[-1])), "fom_ild_db"))
    lo, hi = int(idx[0]), int(idx[-1]) + 1
    w = metrics.ild_weight(f[lo:hi], fb, metrics.F_V_DEFAULT * fb, metrics.F_R_DEFAULT * fb)
    return lo, hi, w


def stage_metrics(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """Fitted IL at baud/2 and FOM_ILD of each point (IEEE 802.3 93A-56/57), in one parallel
    call of :func:`sikernel._kernels.sweep.chunk_fom_ild`.

    The fit and the FOM use the defaults of :func:`sikernel.channel.metrics.fom_ild`
    (band 50 MHz ... baud, COM weighting, f_t = 0.6 f_b, f_r = 0.75 f_b) on the point's
    SDD21 (tested against it point by point).
    """
    from .._kernels.sweep import chunk_fom_ild

    f = cfg.f_hz
    h = state["h"]
    first, group = _group_rows(p, ("baud",))
    gs = [_metrics_group(f, float(p["baud"][i])) for i in first.tolist()]
    lo = np.array([g[0] for g in gs], dtype=np.int64)
    hi = np.array([g[1] for g in gs], dtype=np.int64)
    w = np.zeros((len(gs), int((hi - lo).max())))
    for j, g in enumerate(gs):
        w[j, : g[2].size] = g[2]
    n = h.shape[0]
    fit = np.empty(n)
    fom = np.empty(n)
    chunk_fom_ild(h, f, group, lo, hi, w, 0.5 * p["baud"], fit, fom)
    state["fit_il_nyquist_db"] = fit
    state["fom_ild_db"] = fom


def _front_end(f: np.ndarray, baud: float, t_r_s: float, f_r: float) -> np.ndarray:
    """TX rise-time (93A-46) and RX AFE (93A-20) filters, as ``pulse_response`` applies them."""
    from ..eq import filters

    g = np.ones(f.size, dtype=np.complex128)
    if t_r_s > 0:
        g *= filters.tx_rise_time_filter(f, t_r_s)
    if f_r > 0:
        g *= filters.rx_afe_filter(f, f_r * baud)
    return g


def _pulse_group(f: np.ndarray, fb: float, t_r_s: float, f_r: float, m: int) -> tuple:
    """Transform parameters of one (baud, front end) group (cached): front-end filter on
    ``f``, whether it is applied, whether ``h`` is resampled, valid bins, transform step,
    symbol time, record length and pre-t=0 samples (:func:`sikernel.response.fft_grid`)."""
    from ..response import _valid_bins, fft_grid

    ck = (_grid_key(f), fb, t_r_s, f_r, m)
    g = _PULSE_GROUPS.get(ck)
    if g is None:
        grid = fft_grid(f, fb, m)
        resample, n_valid = _valid_bins(f, grid)
        has_fe = t_r_s > 0 or f_r > 0
        g = (_front_end(f, fb, t_r_s, f_r), has_fe, resample, n_valid, grid.df_hz, 1.0 / fb, grid.n_time,
             grid.n_neg)
        if len(_PULSE_GROUPS) >= _CACHE_MAX:
            _PULSE_GROUPS.clear()
        _PULSE_GROUPS[ck] = g
    return g


def stage_pulse(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """Cursors at the peak phase (state["cursors_v"], (n, n_pre + 1 + n_post)) and h0.

    One call of :func:`sikernel._kernels.sweep.chunk_pulse_cursors` for the whole chunk
    (rows of every baud and front end); the records themselves are kept only when the
    statistical eye needs them.
    """
    from .._kernels.sweep import chunk_pulse_cursors

    f = cfg.f_hz
    h = state["h"]
    if not np.all(np.isfinite(h)):
        raise SIKernelError("a channel of this chunk has NaN or inf in SDD21; check the line parameters")
    n = h.shape[0]
    m = cfg.samples_per_ui
    ncur = cfg.n_pre + 1 + cfg.n_post
    first, group = _group_rows(p, ("baud", "tx_rise_time_s", "rx_f_r"))
    gs = [_pulse_group(f, float(p["baud"][i]), float(p["tx_rise_time_s"][i]), float(p["rx_f_r"][i]), m)
          for i in first.tolist()]
    fe = np.ascontiguousarray(np.stack([g[0] for g in gs]))
    has_fe, resample = (np.array([g[j] for g in gs], dtype=np.bool_) for j in (1, 2))
    n_valid, n_time, n_neg = (np.array([g[j] for g in gs], dtype=np.int64) for j in (3, 6, 7))
    df_t, t_ui = (np.array([g[j] for g in gs], dtype=float) for j in (4, 5))
    keep = "stateye" in cfg.stages
    pulses = np.empty((n, int(n_time.max())) if keep else (1, 1))
    cur = np.empty((n, ncur))
    h0 = np.empty(n)
    chunk_pulse_cursors(h, f, group, fe, has_fe, resample, n_valid, df_t, t_ui, n_time, n_neg, m, cfg.n_pre,
                        cfg.n_post, cur, h0, pulses, keep)
    state["pulses_v"] = [pulses[r, :n_time[group[r]]] for r in range(n)] if keep else []
    state["cursors_v"] = cur
    state["h0_v"] = h0


def stage_eye(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """Peak-distortion eye height of each point's cursors (smallest eye, V per V)."""
    from .._kernels.sweep import peak_eye_heights
    from ..response import MODULATIONS

    cur = state["cursors_v"]
    n = cur.shape[0]
    levels = np.array([MODULATIONS[m] for m in p["modulation"].tolist()], dtype=np.int64)
    out = np.empty(n)
    peak_eye_heights(cur, cfg.n_pre, levels, p["n_dfe"].astype(np.int64), p["dfe_max"].astype(float), out)
    state["eye_height_v"] = out


def stateye_records(pulses: list[np.ndarray], m: int, n_dfe: np.ndarray) -> list[np.ndarray]:
    """The records the statistical-eye stage reads: each whole ``1/df`` record cut to
    :func:`sikernel.response._truncation_window` (the truncation of ``pulse_response``),
    kept long enough for the point's ``n_dfe`` post-cursors (a short line's window can end
    a few UI after the peak; the taps past it would cancel cursors below the tolerance)."""
    from ..response import _truncation_window

    out = []
    for v, nd in zip(pulses, n_dfe.tolist(), strict=True):
        a, b = _truncation_window(v, m)
        b = max(b, min(int(np.argmax(v)) + int(nd) * m + 1, v.size))
        out.append(v[a:b])
    return out


def stage_stateye(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """Statistical eye height and width at the point's target BER (:func:`sikernel.eye.stateye.stat_eye`).

    Noise-free, ISI-only eye at the peak phase, with the point's ``n_dfe``/``dfe_max`` DFE,
    of each pulse record truncated as :func:`sikernel.response.pulse_response` truncates it
    (:data:`~sikernel.response.TRUNCATE_TOL` of the energy outside, one UI of margin each
    side; :func:`sikernel.response._truncation_window`): the stage keeps the whole ``1/df``
    record (2,000-4,000 UI), whose far tail adds nothing the eye can see but costs ~50x the
    time.  Per point (a few ms to tens of ms each).
    """
    from ..eye.stateye import stat_eye

    m = cfg.samples_per_ui
    pulses = stateye_records(state["pulses_v"], m, p["n_dfe"])
    n = len(pulses)
    eh = np.empty(n)
    ew = np.empty(n)
    for i in range(n):
        dmax = float(p["dfe_max"][i])
        r = stat_eye(pulses[i], m, modulation=str(p["modulation"][i]),
                     n_dfe=int(p["n_dfe"][i]), dfe_max=dmax if dmax > 0 else None,
                     target_ber=float(p["target_ber"][i]))
        eh[i] = r.eye_height_min_v
        ew[i] = r.eye_width_min_ui
    state["stat_eye_height_v"] = eh
    state["eye_width_ui"] = ew


#: numeric equaliser settings recorded from the energy model's chosen operating point
EQ_SETTINGS = ("tx_ffe_taps", "ctle_peaking_db", "ctle_gdc_db", "dfe_taps", "rx_ffe_taps", "mlsd",
               "adc_enob", "launch_peak_v")


def stage_power(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """Energy per bit (total and by block) from the loss at Nyquist; NaN where nothing closes.

    Points are grouped by (baud, modulation, node, BER) and each group is priced in one
    call of :func:`sikernel.power.energy_per_bit_batch` (vectorised; equal point by point
    to ``energy_per_bit(loss_db=...)``).  A loss that is negative or not finite gets NaN.
    """
    from ..power.batch import EQ_FIELDS, energy_per_bit_batch
    from ..power.budget import BLOCKS

    il = state["il_nyquist_db"]
    n = il.size
    tot = np.full(n, np.nan)
    blocks = np.full((n, len(BLOCKS)), np.nan)
    arch = np.full(n, np.nan)
    eq = np.full((n, len(EQ_SETTINGS)), np.nan)
    cols = [EQ_FIELDS.index(k) for k in EQ_SETTINGS]
    names = ("baud", "modulation", "node_nm", "target_ber")
    first, group = _group_rows(p, names)
    tasks = []
    for g, i in enumerate(first.tolist()):
        rows = np.flatnonzero(group == g)
        rows = rows[np.isfinite(il[rows]) & (il[rows] >= 0.0)]
        for s in range(0, rows.size, _POWER_TASK_POINTS):
            tasks.append((rows[s:s + _POWER_TASK_POINTS], *(p[k][i] for k in names)))

    def price(task: tuple) -> None:
        rows, fb, mod, node, ber = task
        r = energy_per_bit_batch(il[rows], baud=float(fb), modulation=str(mod), node_nm=float(node),
                                 target_ber=float(ber), warn_if_none_closes=False)
        tot[rows] = r.total_pj_per_bit
        blocks[rows] = np.stack([r.blocks[b] for b in BLOCKS], axis=1)
        arch[rows] = np.where(r.architecture_code >= 0, r.architecture_code, np.nan)
        eq_all = np.stack([r.eq_settings[k] for k in EQ_FIELDS], axis=1)
        eq[rows] = eq_all[:, cols]

    from .._jit import set_threads

    workers = min(set_threads(None), len(tasks))
    if workers <= 1:
        for t in tasks:
            price(t)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers, thread_name_prefix="sikernel-power") as pool:
            list(pool.map(price, tasks))
    state["pj_per_bit"] = tot
    state["pj_per_bit_blocks"] = blocks
    state["eq_architecture"] = arch
    state["eq_settings"] = eq


def point_channel(cfg: SweepConfig, p: dict[str, np.ndarray], i: int) -> Any:
    """The bare line of point ``i`` of a chunk as a Channel on the sweep grid (no package).

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config (``f_hz`` grid).
    p : dict
        Per-point parameter arrays of the chunk (:func:`chunk_params`).
    i : int
        Point index inside the chunk.

    Returns
    -------
    Channel
    """
    return _line(_key(p, _LINE_KEYS, i)).section(float(p["length_m"][i]), cfg.f_hz)


def stage_com(cfg: SweepConfig, p: dict[str, np.ndarray], state: dict[str, Any]) -> None:
    """COM in dB of each point's bare line (COM adds its preset's package models; the point's
    baud as the signalling rate)."""
    from ..eye.com import com

    n = p["length_m"].size
    out = np.empty(n)
    for i in range(n):
        r = com(point_channel(cfg, p, i), str(p["preset"][i]), baud_hz=float(p["baud"][i]))
        out[i] = r.com_db
    state["com_db"] = out


STAGES: dict[str, Callable[[SweepConfig, dict[str, np.ndarray], dict[str, Any]], None]] = {
    "channel": stage_channel,
    "metrics": stage_metrics,
    "pulse": stage_pulse,
    "eye": stage_eye,
    "stateye": stage_stateye,
    "power": stage_power,
    "com": stage_com,
}


def evaluate_chunk(cfg: SweepConfig, start: int, stop: int) -> dict[str, np.ndarray]:
    """Every requested output for the flat grid range ``[start, stop)``.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config.
    start, stop : int
        Flat (C-order) grid index range.

    Returns
    -------
    dict
        Output name -> array shaped ``(stop - start, *extra)``.
    """
    p = chunk_params(cfg, start, stop)
    state: dict[str, Any] = {}
    for s in cfg.stages:
        STAGES[s](cfg, p, state)
    return {o: np.ascontiguousarray(state[o], dtype=float) for o in cfg.outputs}


def evaluate_chunk_task(cfg: SweepConfig, c: int, start: int, stop: int,
                        threads: int | None = None) -> tuple[int, dict[str, np.ndarray]]:
    """Remote entry point (dask): optional Numba thread count, then :func:`evaluate_chunk`.

    Parameters
    ----------
    cfg : SweepConfig
        The validated sweep config.
    c : int
        Chunk index (returned with the result).
    start, stop : int
        Flat grid index range of the chunk.
    threads : int, optional
        Numba thread count to set in the worker.

    Returns
    -------
    tuple
        ``(c, outputs)`` with ``outputs`` as from :func:`evaluate_chunk`.
    """
    if threads is not None:
        from .._jit import set_threads

        set_threads(threads)
    from .._malloc import keep_freed_heap

    keep_freed_heap()   # in the worker, where the stages run (once per process; review 33 L8)
    return c, evaluate_chunk(cfg, start, stop)


__all__ = ["STAGES", "chunk_params", "evaluate_chunk", "evaluate_chunk_task", "output_specs",
           "point_channel"]
