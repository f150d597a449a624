"""Link builder: TX package + segments (lines, vias, connectors, cables) + RX package → Channel.

Segments are cascaded with :func:`sikernel.channel.twoport.cascade` (the
Redheffer star product of S-matrices), which holds even where an AC-coupling
capacitor has S21 = 0 at 0 Hz and its ABCD matrix does not exist.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _validate
from .._stacklevel import user_stacklevel
from ..errors import SIKernelError, SIKernelWarning
from .core import Channel
from .lumped import connector
from .package import PackageModel, get_package, package_channel, package_length_m
from .parametric import ParametricLine
from .touchstone import _is_network
from .twoport import cascade, renormalize

#: a Link's frequency grid that ends above 0 and below this (Hz) was given in GHz (a DC-only
#: grid, [0.0], is accepted): the line-loss warning's bound, :data:`sikernel._validate.LINE_F_WARN_HZ`
MIN_GRID_TOP_HZ = _validate.LINE_F_WARN_HZ
#: longest line segment accepted (m): :data:`sikernel._validate.MAX_LINE_LENGTH_M`
MAX_SEGMENT_LENGTH_M = _validate.MAX_LINE_LENGTH_M


def _segment_length_m(i: int, value: object, check_units: bool) -> float:
    """A line segment's length in m; with ``check_units`` refused above
    :data:`MAX_SEGMENT_LENGTH_M` (mm typed as m)."""
    if check_units:
        return _validate.line_length_m(f"segments[{i}] length", value)
    return _validate.non_negative(f"segments[{i}] length", value)


@dataclass(frozen=True)
class Link:
    """A channel assembled from parts, TX side first.

    Parameters
    ----------
    segments : sequence
        Each item is one of: ``(line, length_m)`` with ``line`` a
        :class:`~sikernel.channel.lines.Stripline`, ``Microstrip`` or
        :class:`~sikernel.channel.parametric.ParametricLine`; a :class:`Channel`;
        a Touchstone path (str or Path; read with the default port map) or an
        ``skrf.Network``; or a callable ``f -> Channel`` (e.g.
        ``lambda f: lumped.via(f, 1.6e-3, 0.4e-3)``).
    tx_package, rx_package : str, PackageModel or None
        IEEE 802.3 package presets (:data:`sikernel.channel.package.PACKAGES`); None or
        ``"none"`` (the sweeps' word, any case) for no package.
    z_p_tx_m, z_p_rx_m : float or None
        Package trace lengths (m, at most
        :data:`~sikernel.channel.package.MAX_PACKAGE_LENGTH_M`: a length in mm is refused);
        default the preset's first test case.  Given without that side's package they are
        ignored, with a :class:`~sikernel.errors.SIKernelWarning`.
    z0_ohm : float
        Differential reference impedance of the result (default 100).
    name : str
        Label.
    check_units : bool
        Refuse the usual unit slips (default True): a line segment longer than
        :data:`MAX_SEGMENT_LENGTH_M` (20 m: a length in mm) and a frequency grid that ends above
        0 and below :data:`MIN_GRID_TOP_HZ` (1 kHz: a grid in GHz); a package length given without
        its package warns.  The energy model's synthetic channels,
        which may reach such lengths at low rates and build single-frequency grids, pass False.
    """

    segments: Sequence[Any] = ()
    tx_package: str | PackageModel | None = None
    rx_package: str | PackageModel | None = None
    z_p_tx_m: float | None = None
    z_p_rx_m: float | None = None
    z0_ohm: float = 100.0
    name: str = "link"
    check_units: bool = True
    _parts: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate.positive("z0_ohm", self.z0_ohm)
        segs = self.segments
        one = (isinstance(segs, (str, bytes, os.PathLike, Channel)) or _is_network(segs)
               or (isinstance(segs, tuple) and len(segs) == 2 and hasattr(segs[0], "section")))
        if one or not isinstance(segs, Iterable):
            raise SIKernelError(f"segments={segs!r} is not a list of segments"
                                + (f"; for one segment give a list: Link([{segs!r}])" if one else
                                   ": expected a list of (line, length_m) pairs, Channels, Touchstone "
                                   "paths, skrf.Networks or callables f -> Channel"))
        parts = []
        for i, seg in enumerate(segs):
            if isinstance(seg, tuple) and len(seg) == 2 and hasattr(seg[0], "section"):
                parts.append(("line", seg[0], _segment_length_m(i, seg[1], self.check_units)))
            elif isinstance(seg, Channel):
                parts.append(("channel", seg, None))
            elif isinstance(seg, (str, os.PathLike)) or _is_network(seg):
                parts.append(("touchstone", seg, None))
            elif callable(seg):
                parts.append(("callable", seg, None))
            else:
                raise SIKernelError(f"segments[{i}]={seg!r} is not a (line, length_m) pair, Channel, "
                                    "Touchstone path, skrf.Network or callable f -> Channel")
        for side in ("tx_package", "rx_package"):
            pkg = getattr(self, side)
            if isinstance(pkg, str) and pkg.strip().lower() == "none":
                object.__setattr__(self, side, None)   # the sweeps' word for no package
            elif pkg is not None:
                try:
                    get_package(pkg)
                except SIKernelError as e:
                    raise SIKernelError(f"{side}: {e}; None (or 'none') for no package") from None
        for side in ("tx", "rx"):
            zp = getattr(self, f"z_p_{side}_m")
            if zp is None or not self.check_units:   # unchecked: the library's own links
                continue
            package_length_m(f"z_p_{side}_m", zp)
            if getattr(self, f"{side}_package") is None:
                warnings.warn(f"z_p_{side}_m={zp!r} is ignored: no {side}_package was given (give "
                              f"{side}_package='802.3ck', say, for a package of that length)",
                              SIKernelWarning, stacklevel=user_stacklevel())
        object.__setattr__(self, "_parts", tuple(parts))

    def _zp(self, model: str | PackageModel, zp: float | None, side: str) -> float:
        if zp is not None:
            return package_length_m(f"z_p_{side}_m", zp)
        cases = get_package(model).z_p_cases(side)
        if not cases:
            raise SIKernelError(f"package {get_package(model).name!r} has no default z_p for {side}; "
                                f"pass z_p_{side}_m")
        return cases[0]

    def parts(self, f: object) -> list[Channel]:
        """Every part as a Channel on grid ``f`` (Hz), TX package first."""
        fa = _validate.frequency_grid(f)
        if self.check_units:
            _validate.grid_not_ghz("the frequency grid", fa)
        out: list[Channel] = []
        if self.tx_package is not None:
            out.append(package_channel(self.tx_package, self._zp(self.tx_package, self.z_p_tx_m, "tx"),
                                       fa, "tx"))
        for kind, obj, length in self._parts:
            if kind == "line":
                if isinstance(obj, ParametricLine):
                    ch = obj.section(length, fa, r0_ohm=self.z0_ohm / 2)
                elif not self.check_units and hasattr(obj, "_section"):   # lengths checked by the caller
                    ch = obj._section(length, fa, z0_ohm=self.z0_ohm)
                else:
                    ch = obj.section(length, fa, z0_ohm=self.z0_ohm)
            elif kind in ("channel", "touchstone"):
                ch = connector(obj, fa)
            else:
                ch = obj(fa)
                if not isinstance(ch, Channel):
                    raise SIKernelError(f"segment callable {obj!r} returned {type(ch).__name__}; "
                                        "expected a Channel")
                if ch.f.shape != fa.shape or not np.array_equal(ch.f, fa):
                    raise SIKernelError(f"segment callable {obj!r} returned a Channel on another grid "
                                        f"({ch.f.size} points, {ch.f[0]:g}..{ch.f[-1]:g} Hz) than the "
                                        f"one it was given ({fa.size} points, {fa[0]:g}..{fa[-1]:g} Hz): "
                                        "build the channel on the f it is called with")
            out.append(ch)
        if self.rx_package is not None:
            out.append(package_channel(self.rx_package, self._zp(self.rx_package, self.z_p_rx_m, "rx"),
                                       fa, "rx"))
        if not out:
            raise SIKernelError("Link has no segments and no packages; nothing to build")
        return out

    def build(self, f: object) -> Channel:
        """The whole link as one :class:`Channel` on grid ``f`` (Hz), referenced to ``z0_ohm``."""
        parts = self.parts(f)
        first = parts[0] if parts[0].z0_ohm == self.z0_ohm else Channel._trusted(
            parts[0].f, renormalize(parts[0].sdd, parts[0].z0_ohm, self.z0_ohm), self.z0_ohm)
        whole = cascade(first, *parts[1:])
        return Channel._trusted(whole.f, whole.sdd, self.z0_ohm, self.name, {"link": [p.name for p in parts]})


def build_link(segments: Sequence[Any], f: object, **kw: Any) -> Channel:
    """Shortcut for ``Link(segments, **kw).build(f)``.

    Parameters
    ----------
    segments : sequence
        Parts, TX side first (see :class:`Link`).
    f : array_like
        Frequency grid (Hz).
    **kw
        Other :class:`Link` fields (``tx_package``, ``rx_package``, ``z_p_tx_m``,
        ``z_p_rx_m``, ``z0_ohm``, ``name``).

    Returns
    -------
    Channel
        The cascaded link, referenced to ``z0_ohm``.
    """
    return Link(segments, **kw).build(f)


__all__ = ["Link", "build_link"]
