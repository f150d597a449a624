"""Declarative sweep grids: parse, normalise and validate a config before any work starts.

A config (a dict, or a TOML file read with :mod:`tomllib`) has these tables::

    name = "cpo_vs_pluggable"          # sweep (HDF5 group) name
    outputs = ["il_nyquist_db", "cursors_v", "eye_height_v", "pj_per_bit"]

    [axes]                             # swept parameters: non-empty lists, grid order
    length_m = [0.005, 0.05, 0.25]
    material = ["megtron7", "fr4"]
    baud = [26.5625e9, 53.125e9]

    [fixed]                            # every other parameter: one value (defaults below)
    modulation = "pam4"

    [frequency]                        # channel grid: uniform from 0 Hz
    f_max_hz = 60e9
    df_hz = 20e6

    [pulse]
    samples_per_ui = 16
    n_pre = 2
    n_post = 16

    [limits]
    max_points = 10_000_000
    max_memory_bytes = 2e9            # per-chunk working memory of one worker

Every parameter can be an axis or fixed.  Values are SI (the unit is in the name);
numbers given in other units (``length_m = 100`` meaning millimetres, ``baud = 53.125``
meaning GBd) fail the plausibility ranges with a message naming the expected unit.
"""

from __future__ import annotations

import functools
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SIKernelError


@dataclass(frozen=True)
class Param:
    """A sweepable parameter: kind ("float", "int", "name"), units, plausible range, default.

    Attributes
    ----------
    kind : str
        "float", "int" or "name".
    units : str
        Units of the value (SI; "" for names and counts).
    description : str
        What the parameter is.
    default : object
        Value when neither swept nor fixed.
    lo, hi : float
        Plausible range (values outside are refused as wrong units).
    lo_strict : bool
        Whether ``lo`` itself is excluded.
    names : callable or None
        For ``kind="name"``: returns the accepted names.
    """

    kind: str
    units: str
    description: str
    default: Any
    lo: float = -math.inf
    hi: float = math.inf
    lo_strict: bool = False
    names: Callable[[], tuple[str, ...]] | None = None


def _dielectrics() -> tuple[str, ...]:
    from ..channel.materials import DIELECTRIC_ALIASES, DIELECTRICS

    return (*DIELECTRICS, *DIELECTRIC_ALIASES)


def _roughness() -> tuple[str, ...]:
    from ..channel.materials import ROUGHNESS

    return tuple(ROUGHNESS)


def _modulations() -> tuple[str, ...]:
    from ..response import MODULATIONS

    return tuple(MODULATIONS)


def _packages() -> tuple[str, ...]:
    from ..channel.package import PACKAGES

    return ("none", *PACKAGES)


def _presets() -> tuple[str, ...]:
    from ..eye.presets import PRESET_NAMES

    return PRESET_NAMES


#: every sweepable parameter.  Geometry defaults: edge-coupled stripline W = 100 um,
#: t = 17.5 um (1/2 oz copper), dielectric height 125 um to each plane, gap 150 um
#: (about 90 ohm differential on a Dk 3.4 laminate by A's Cohn model).
PARAMS: dict[str, Param] = {
    "length_m": Param("float", "m", "trace length", 0.1, 0.0, 10.0),
    "material": Param("name", "", "dielectric (sikernel.channel.materials)", "megtron7",
                      names=_dielectrics),
    "width_m": Param("float", "m", "trace width", 100e-6, 0.0, 0.01, lo_strict=True),
    "spacing_m": Param("float", "m", "edge-to-edge gap of the pair", 150e-6, 0.0, 0.01, lo_strict=True),
    "height_m": Param("float", "m", "dielectric height to each plane", 125e-6, 0.0, 0.01, lo_strict=True),
    "thickness_m": Param("float", "m", "trace thickness", 17.5e-6, 0.0, 0.001, lo_strict=True),
    "roughness": Param("name", "", "copper roughness class", "smooth", names=_roughness),
    "package": Param("name", "", "package preset at both ends, default z_p (sikernel.channel.package; "
                     "'none' = bare line; COM adds its preset's own package instead)", "none",
                     names=_packages),
    "baud": Param("float", "Bd", "symbol rate", 53.125e9, 1e6, 1e12),
    "modulation": Param("name", "", "line code", "pam4", names=_modulations),
    "tx_rise_time_s": Param("float", "s", "TX 20-80 % rise time of the Gaussian filter 93A-46 applied "
                            "before the pulse response (0: none; 802.3ck: 8e-12)", 0.0, 0.0, 1e-9),
    "rx_f_r": Param("float", "", "RX AFE Butterworth bandwidth 93A-20 as a fraction of baud (0: none; "
                    "802.3ck: 0.75)", 0.0, 0.0, 10.0),
    "node_nm": Param("float", "nm", "CMOS node of the energy model", 7.0, 1.0, 1000.0),
    "preset": Param("name", "", "COM preset", "802.3ck-kr", names=_presets),
    "n_dfe": Param("int", "", "ideal DFE taps in the eye-height stage", 0, 0, 64),
    "dfe_max": Param("float", "", "DFE tap limit relative to the main cursor (<= 0: none)",
                     0.0, -1.0, 10.0),
    "target_ber": Param("float", "", "raw BER target of the energy model", 1e-6, 0.0, 0.1,
                        lo_strict=True),
}

#: computable outputs: name -> (units, description, stage)
OUTPUTS: dict[str, tuple[str, str, str]] = {
    "il_nyquist_db": ("dB", "insertion loss -20 log10|SDD21| at baud/2 (linear interpolation)", "channel"),
    "fit_il_nyquist_db": ("dB", "fitted IL (a0 + a1 sqrt f + a2 f + a4 f^2, COM weighting, 50 MHz..baud) "
                          "at baud/2", "metrics"),
    "fom_ild_db": ("dB", "FOM_ILD, weighted RMS IL deviation (IEEE 802.3 93A-56/57)", "metrics"),
    "h0_v": ("V/V", "main cursor of the pulse response (peak phase)", "pulse"),
    "cursors_v": ("V/V", "pulse response cursors h(t0 + k UI), peak phase", "pulse"),
    "eye_height_v": ("V/V", "peak-distortion eye height (smallest eye, after ideal DFE; negative "
                     "when closed: the worst-case overlap)", "eye"),
    "pj_per_bit": ("pJ/bit", "SerDes energy per bit (sikernel.power, loss-table path)", "power"),
    "pj_per_bit_blocks": ("pJ/bit", "energy per bit by block", "power"),
    "eq_architecture": ("", "architecture chosen by the energy model", "power"),
    "eq_settings": ("", "equaliser settings chosen by the energy model (units in the eq_setting names; "
                    "taps are counts, mlsd 0/1)", "power"),
    "stat_eye_height_v": ("V/V", "statistical eye height at target_ber (ISI only, smallest eye; 0 "
                          "when closed)", "stateye"),
    "eye_width_ui": ("UI", "statistical eye width at target_ber (smallest eye; 0 when closed)", "stateye"),
    "com_db": ("dB", "channel operating margin (IEEE 802.3 93A, full EQ search)", "com"),
}

_TABLES = ("name", "outputs", "axes", "fixed", "frequency", "pulse", "limits")
_FREQ_DEFAULT = {"f_max_hz": None, "df_hz": 20e6}
_PULSE_DEFAULT = {"samples_per_ui": 16, "n_pre": 2, "n_post": 16}
_LIMITS_DEFAULT = {"max_points": 100_000_000, "max_memory_bytes": 4e9}


def _err(msg: str) -> SIKernelError:
    return SIKernelError(f"sweep config: {msg}")


#: an example of the expected number, by unit (for the "must be a number" message)
_EXAMPLE = {"m": " (write SI numbers, e.g. 0.05 for 50 mm)",
            "Bd": " (write SI numbers, e.g. 53.125e9 for 53.125 GBd)",
            "s": " (write SI numbers, e.g. 8e-12 for 8 ps)",
            "nm": " (the node in nanometres, e.g. 7 for a 7 nm node)"}


def _value(name: str, v: Any, p: Param, where: str) -> Any:
    """One parameter value checked and normalised (float, int or canonical name)."""
    if p.kind == "name":
        if not isinstance(v, str):
            raise _err(f"{where}{name}={v!r} must be a name (string); known: {', '.join(p.names())}")
        known = p.names()
        for k in known:
            if k.lower() == v.strip().lower():
                return k
        raise _err(f"{where}{name}={v!r} is unknown; known: {', '.join(known)}")
    unit = f" in {p.units}" if p.units else ""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise _err(f"{where}{name}={v!r} must be a number{unit}{_EXAMPLE.get(p.units, '')}")
    x = float(v)
    if not math.isfinite(x):
        raise _err(f"{where}{name}={v!r} must be finite")
    if p.kind == "int":
        if x != int(x):
            raise _err(f"{where}{name}={v!r} must be an integer")
        x = int(x)
    bad_lo = x <= p.lo if p.lo_strict else x < p.lo
    if bad_lo or x > p.hi:
        rng = f"{'(' if p.lo_strict else '['}{p.lo:g}, {p.hi:g}]"
        raise _err(f"{where}{name}={v!r} is outside the plausible range {rng}{unit}; "
                   f"check the units ({name} is{unit or ' dimensionless'})")
    return x


#: axes longer than this are checked as one array (same rules as :func:`_value`)
_VECTOR_AXIS = 1000


def _axis_values(name: str, vals: Any, p: Param) -> tuple[tuple[Any, ...], np.ndarray | None]:
    """An axis checked and normalised, and its float64 array when it was checked as one; long
    numeric axes in one vectorised pass (a 10^7-point axis in about a second instead of tens),
    anything irregular value by value for the message."""
    where = f"axes.{name}: "
    if p.kind != "name" and len(vals) > _VECTOR_AXIS:
        try:
            arr = np.asarray(vals)
        except (ValueError, TypeError):
            arr = None
        # a list mixing bools with numbers converts to a number array: look at the items
        # (an array's dtype already tells)
        if (arr is not None and arr.ndim == 1 and arr.dtype.kind in "iuf"
                and (isinstance(vals, np.ndarray) or not {bool, np.bool_} & set(map(type, vals)))):
            x = arr.astype(float)
            ok = np.isfinite(x) & ((x > p.lo) if p.lo_strict else (x >= p.lo)) & (x <= p.hi)
            if p.kind == "int":
                ok &= x == np.round(x)
            if ok.all():
                return tuple(x.astype(int).tolist() if p.kind == "int" else x.tolist()), x
            _value(name, vals[int(np.argmin(ok))], p, where)  # raises with the usual message
    return tuple(_value(name, v, p, where) for v in vals), None


def _axis_array(vals: tuple[Any, ...]) -> np.ndarray:
    """An axis as a NumPy array: float64, or object for names."""
    return np.array(vals, dtype=object if isinstance(vals[0], str) else float)


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep definition (see the module docstring for the format).

    Attributes
    ----------
    name : str
    axes : dict
        Axis name -> tuple of values, in grid (C) order.
    fixed : dict
        Every non-swept parameter -> value (defaults filled in).
    outputs : tuple of str
    f_max_hz, df_hz : float
        Channel frequency grid ``0, df, ..., >= f_max``.
    samples_per_ui, n_pre, n_post : int
        Pulse response sampling and the cursor window.
    max_points : int
    max_memory_bytes : float
    """

    name: str
    axes: dict[str, tuple[Any, ...]]
    fixed: dict[str, Any]
    outputs: tuple[str, ...]
    f_max_hz: float
    df_hz: float
    samples_per_ui: int
    n_pre: int
    n_post: int
    max_points: int
    max_memory_bytes: float

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape."""
        return tuple(len(v) for v in self.axes.values())

    @property
    def n_points(self) -> int:
        """Number of grid points."""
        return int(np.prod(self.shape, dtype=np.int64))

    @functools.cached_property
    def axis_arrays(self) -> dict[str, np.ndarray]:
        """Each axis as a NumPy array (float64, or object for names), built once per config:
        every chunk indexes these instead of converting its axis again (a 10^7-point axis
        costs about a second to convert)."""
        return {k: _axis_array(v) for k, v in self.axes.items()}

    @property
    def f_hz(self) -> np.ndarray:
        """Channel frequency grid (uniform from 0 Hz)."""
        n = math.ceil(self.f_max_hz / self.df_hz - 1e-9) + 1
        return np.arange(n) * self.df_hz

    @property
    def stages(self) -> tuple[str, ...]:
        """Stages needed by the requested outputs (in pipeline order)."""
        need = {OUTPUTS[o][2] for o in self.outputs}
        if need & {"eye", "stateye"}:
            need.add("pulse")
        return tuple(s for s in ("channel", "metrics", "pulse", "eye", "stateye", "power", "com")
                     if s in need or s == "channel")

    def value_range(self, name: str) -> tuple[Any, ...]:
        """All values a parameter takes (its axis, or its fixed value)."""
        return self.axes[name] if name in self.axes else (self.fixed[name],)

    def to_dict(self) -> dict[str, Any]:
        """The normalised config as plain JSON-able data (stored in the file; compared on resume)."""
        return {"name": self.name, "outputs": list(self.outputs),
                "axes": {k: list(v) for k, v in self.axes.items()},
                "fixed": dict(self.fixed),
                "frequency": {"f_max_hz": self.f_max_hz, "df_hz": self.df_hz},
                "pulse": {"samples_per_ui": self.samples_per_ui, "n_pre": self.n_pre,
                          "n_post": self.n_post}}

    def chunk_memory_bytes(self, chunk: int) -> int:
        """Estimated peak working memory of one chunk of ``chunk`` points (bytes).

        Per point: SDD21 on the grid (complex), the outputs, and the pulse record when
        the statistical eye needs it.  Per thread (once per core, whatever the chunk):
        the transform scratch of one point (input copy, spectrum, record).
        """
        nf = self.f_hz.size
        per = 16 * nf + 8 * (self.n_pre + self.n_post + 1 + 32)
        scratch = 16 * nf * 3
        if "pulse" in self.stages:
            fb_max = max(self.value_range("baud"))
            n_time = round(fb_max * self.samples_per_ui / self.df_hz)
            scratch += 2 * (8 * n_time + 16 * (n_time // 2 + 1))
            if "stateye" in self.stages:
                per += 8 * n_time
        return int(chunk * per + (os.cpu_count() or 1) * scratch)


def load_config(config: Mapping[str, Any] | str | Path | SweepConfig) -> SweepConfig:
    """Parse and validate a sweep config (dict, TOML path, or SweepConfig).

    Parameters
    ----------
    config : Mapping or str or Path or SweepConfig
        The config as a dict, a TOML file path, or an already validated SweepConfig
        (returned as is).

    Returns
    -------
    SweepConfig

    Raises
    ------
    SIKernelError
        Unreadable TOML; unknown table, axis, parameter or output; empty axis; a
        parameter both swept and fixed; wrong types or implausible values (wrong
        units); a frequency grid not reaching the Nyquist frequency of every baud;
        a grid larger than ``limits.max_points``.
    """
    if isinstance(config, SweepConfig):
        return config
    if isinstance(config, str | Path):
        p = Path(config)
        try:
            with p.open("rb") as fh:
                raw: Mapping[str, Any] = tomllib.load(fh)
        except FileNotFoundError:
            raise _err(f"file {p} not found") from None
        except IsADirectoryError:
            raise _err(f"{p} is a folder; give the TOML file of the sweep") from None
        except OSError as exc:
            raise _err(f"cannot read {p}: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _err(f"{p} is not valid TOML: {exc}") from None
    elif isinstance(config, Mapping):
        raw = config
    else:
        raise _err(f"config must be a dict or a TOML path; got {type(config).__name__}")
    unknown = [k for k in raw if k not in _TABLES]
    if unknown:
        raise _err(f"unknown key(s) {unknown}; known: {', '.join(_TABLES)}")
    name = raw.get("name", "sweep")
    if not isinstance(name, str) or not name or "/" in name:
        raise _err(f"name={name!r} must be a non-empty string without '/'")

    axes_raw = raw.get("axes", {})
    fixed_raw = raw.get("fixed", {})
    for label, tbl in (("axes", axes_raw), ("fixed", fixed_raw)):
        if not isinstance(tbl, Mapping):
            raise _err(f"[{label}] must be a table")
        for k in tbl:
            if k not in PARAMS:
                raise _err(f"unknown {'axis' if label == 'axes' else 'parameter'} {k!r} in [{label}]; "
                           f"known: {', '.join(PARAMS)}")
    if not axes_raw:
        raise _err("[axes] is missing or empty; a sweep needs at least one axis "
                   f"(one of {', '.join(PARAMS)})")
    both = set(axes_raw) & set(fixed_raw)
    if both:
        raise _err(f"{sorted(both)} given both as axis and fixed; choose one")
    axes: dict[str, tuple[Any, ...]] = {}
    arrays: dict[str, np.ndarray] = {}
    for k, vals in axes_raw.items():
        if isinstance(vals, str | bytes) or not hasattr(vals, "__len__"):
            raise _err(f"axes.{k}={vals!r} must be a list of values")
        if len(vals) == 0:
            raise _err(f"axes.{k} is empty; an axis needs at least one value")
        vs, arr = _axis_values(k, vals, PARAMS[k])
        if arr is not None:
            arrays[k] = arr
        if arr is not None and (np.all(arr[1:] > arr[:-1]) or np.all(arr[1:] < arr[:-1])):
            n_unique = len(vs)      # strictly monotonic (a linspace): no sort needed
        elif len(vs) > _VECTOR_AXIS and PARAMS[k].kind != "name":
            n_unique = np.unique(arr if arr is not None else np.asarray(vs)).size
        else:
            n_unique = len(set(vs))
        if n_unique != len(vs):
            dup = sorted({v for v in vs if vs.count(v) > 1}) if len(vs) <= 1000 else []
            raise _err(f"axes.{k} has repeated values{' ' + str(dup) if dup else ''}; each value once")
        axes[k] = vs
    fixed = {k: _value(k, fixed_raw[k], PARAMS[k], "fixed.") if k in fixed_raw else p.default
             for k, p in PARAMS.items() if k not in axes}
    _check_nodes(axes.get("node_nm", (fixed.get("node_nm"),)))
    _check_geometry(axes, fixed)

    outputs = raw.get("outputs", ["il_nyquist_db"])
    if isinstance(outputs, str) or not isinstance(outputs, list | tuple) or not outputs:
        raise _err(f"outputs={outputs!r} must be a non-empty list; known: {', '.join(OUTPUTS)}")
    for o in outputs:
        if o not in OUTPUTS:
            raise _err(f"unknown output {o!r}; known: {', '.join(OUTPUTS)}")
    outputs = tuple(dict.fromkeys(outputs))

    freq = _table(raw, "frequency", _FREQ_DEFAULT)
    pulse = _table(raw, "pulse", _PULSE_DEFAULT)
    limits = _table(raw, "limits", _LIMITS_DEFAULT)
    bauds = axes.get("baud", (fixed.get("baud"),))
    fmax = freq["f_max_hz"]
    if fmax is None:
        fmax = max(bauds)  # twice the highest Nyquist frequency
    fmax = _number("frequency.f_max_hz", fmax, 1e6, 1e13, "Hz")
    df = _number("frequency.df_hz", freq["df_hz"], 1e3, 1e10, "Hz")
    if fmax < 0.5 * max(bauds):
        raise _err(f"frequency.f_max_hz={fmax:g} Hz is below the Nyquist frequency "
                   f"{0.5 * max(bauds):g} Hz of baud={max(bauds):g}; raise f_max_hz")
    if fmax / df > 2_000_000:
        raise _err(f"frequency grid of {fmax / df:.0f} points is too fine; raise df_hz")
    spu = int(_number("pulse.samples_per_ui", pulse["samples_per_ui"], 1, 1024, "", integer=True))
    n_pre = int(_number("pulse.n_pre", pulse["n_pre"], 0, 1000, "", integer=True))
    n_post = int(_number("pulse.n_post", pulse["n_post"], 0, 10000, "", integer=True))
    for fb in bauds:
        if 1.0 / df < 4.0 / fb:
            raise _err(f"frequency.df_hz={df:g} Hz gives a record under 4 UI at baud={fb:g}")
    if max(axes.get("n_dfe", (fixed.get("n_dfe", 0),))) > n_post:
        raise _err(f"n_dfe={max(axes.get('n_dfe', (fixed.get('n_dfe', 0),)))} exceeds pulse.n_post={n_post}; "
                   "the DFE can only cancel stored post-cursors")
    max_points = int(_number("limits.max_points", limits["max_points"], 1, 1e15, "", integer=True))
    max_mem = _number("limits.max_memory_bytes", limits["max_memory_bytes"], 1e6, 1e15, "bytes")
    cfg = SweepConfig(name=name, axes=axes, fixed=fixed, outputs=outputs, f_max_hz=fmax, df_hz=df,
                      samples_per_ui=spu, n_pre=n_pre, n_post=n_post, max_points=max_points,
                      max_memory_bytes=max_mem)
    if cfg.n_points > max_points:
        raise _err(f"the grid has {cfg.n_points} points ({' x '.join(map(str, cfg.shape))}), more "
                   f"than limits.max_points={max_points}")
    # the cached axis_arrays from the arrays the long axes were checked as (the same float64
    # values: a 10^7-value axis is not converted from Python floats again)
    cfg.__dict__["axis_arrays"] = {k: arrays[k] if k in arrays else _axis_array(v) for k, v in axes.items()}
    return cfg


def _check_geometry(axes: Mapping[str, tuple[Any, ...]], fixed: Mapping[str, Any]) -> None:
    """Every line of the grid must pass the Stripline plausibility checks (before any work).

    The grid is a full product, so its extreme ratios are those of the axis extremes: the
    16 corner combinations of (min, max) width, thickness, height and spacing cover them."""
    import itertools

    from ..channel.lines import _check_geometry as check

    keys = ("width_m", "thickness_m", "height_m", "spacing_m")
    ends = [sorted({min(axes[k]), max(axes[k])}) if k in axes else [fixed[k]] for k in keys]
    for w, t, h, sp in itertools.product(*ends):
        try:
            check("Stripline", w, t, h, sp)
        except SIKernelError as exc:
            raise _err(f"the grid holds an implausible line (width_m={w:g}, thickness_m={t:g}, "
                       f"height_m={h:g}, spacing_m={sp:g}): {exc}") from None


def _check_nodes(nodes: tuple[Any, ...]) -> None:
    """Every CMOS node must be a preset of the energy model (checked before any work)."""
    from ..power.technology import get_technology

    for n in nodes:
        try:
            get_technology(n)
        except SIKernelError as exc:
            raise _err(f"node_nm: {exc}") from None


def _table(raw: Mapping[str, Any], key: str, default: Mapping[str, Any]) -> dict[str, Any]:
    tbl = raw.get(key, {})
    if not isinstance(tbl, Mapping):
        raise _err(f"[{key}] must be a table")
    bad = [k for k in tbl if k not in default]
    if bad:
        raise _err(f"unknown key(s) {bad} in [{key}]; known: {', '.join(default)}")
    return {**default, **tbl}


def _number(name: str, v: Any, lo: float, hi: float, units: str, integer: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise _err(f"{name}={v!r} must be a number{' in ' + units if units else ''}")
    x = float(v)
    if not math.isfinite(x) or x < lo or x > hi:
        raise _err(f"{name}={v!r} must be in [{lo:g}, {hi:g}]{' ' + units if units else ''}")
    if integer and x != int(x):
        raise _err(f"{name}={v!r} must be an integer")
    return x


__all__ = ["OUTPUTS", "PARAMS", "Param", "SweepConfig", "load_config"]
