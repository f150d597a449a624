"""Host channels per architecture (reach classes) and the linear module path in the SI chain.

Host channels (``DEFAULT_PATHS``; lengths from the reach classes of
``shared/reference/links-and-energy.md``, OIF-FD-CEI-224G-01.0 framework):

``c2m`` (pluggable, LRO, LPO)
    switch package (IEEE 802.3 COM package preset of the rate -- 802.3ck at
    ≤ 60 GBd, 802.3dj above -- 31 mm trace) + host PCB 254 mm (10 in) Megtron 7
    stripline + cage connector (board via, 50 ps of 90 Ω, board via: assumption) +
    module PCB 20 mm Megtron 7 + module DSP package (12 mm): "> 200 mm host +
    connector + ≥ 20 mm module" (its loss at Nyquist per lane rate: docs/energy-model.md 6.2,
    asserted there against this module; NVIDIA, Hot Chips 2025: ≈ 22 dB die to pluggable at
    200G/lane).
``npo``
    switch package (31 mm) + board via + 100 mm Megtron 7 + board via + optical-engine package
    (2 mm): "< 150 mm PCB".

Breakout vias (a board via between a package ball and the inner-layer stripline,
:attr:`PathSpec.breakout_vias`): each board carries the choice that puts its effective return
loss nearest the five public IEEE P802.3ck thru channels', all judged under the IEEE 802.3ck C2C
ERL sheet, which has no fixture gate (IEEE COM code 4.50 for the channels,
``system.checks.REAL_CHANNEL_ERL_DB``; ``system.checks.nearest_via_choice``; docs section 6.2).
The NPO board has one at each end: without them its ERL is far cleaner than any real channel,
with them it lands inside the range, beside the real chip-to-chip PCB with system vias.  The C2M
boards have none: their connector (two board vias and a 90 Ω section) already puts them near the
reflective end of the range, and breakout vias would take them below it
(``paths_with_lengths(breakout_vias=True)`` prices that case).  A calibration of the boards'
reflections, not a drawing: a real C2M host board has a breakout via at the switch too.
``cpo``
    25 mm of package trace to the co-packaged optical engine on the same substrate (no
    BGA ball on either side): "< 50 mm package trace", XSR class (NVIDIA: ≈ 4 dB).  The
    dies keep the rate's IEEE package preset's die model at both ends (C_d / L_s ladder and
    C_b, an ESD-protected long-reach SerDes pad; an assumption): an XSR die interface
    usually has less pad capacitance, so above Nyquist the path is more low-pass than such a
    link's; at Nyquist the trace is most of its loss.

Stripline: W = 127 µm, t = 17.5 µm, 127 µm dielectric either side, differential
spacing 200 µm, HVLP copper (assumption: typical high-speed host-board stack-up).

A linear (un-retimed) optical path -- LPO, the RX direction of an LRO module, NPO and
CPO engines without DSP -- is in the host SerDes' SI chain: :func:`with_linear_path`
multiplies the host channel's S21 by the module's electrical-optical-electrical
response (two coincident real poles, -3 dB at ``f3db_over_baud × baud``: driver,
modulator, photodiode and TIA together) and a flat attenuation equal to the optical
link's penalty (``penalty_db``, electrical dB: the SNR the optical path costs --
extinction ratio, RIN, TIA noise, dispersion -- as signal lost against the host
receiver's noise floor).  The host SerDes then pays for equalising it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import SIKernelError
from .standards import LPO_HOST_BUDGET_200G_DB, RETIMED_HOST_BUDGET_200G_DB, lane_class_gbps

_MM = 1e-3


@dataclass(frozen=True)
class PathSpec:
    """Electrical path of one host channel (lengths in m).

    ``segments`` are ``("stripline", material, length_m)`` or ``("connector",)``,
    TX (switch) side first; ``tx_package``/``rx_package`` are IEEE 802.3 package
    presets (:data:`sikernel.channel.package.PACKAGES`; ``None`` picks the
    rate's preset: 802.3ck at ≤ 60 GBd, 802.3dj above) with trace lengths
    ``z_p_tx_m``/``z_p_rx_m``.  ``bga_tx``/``bga_rx`` False drop the package's
    ball-to-board capacitance C_p (a die-to-die path inside one substrate, CPO).

    Attributes
    ----------
    name : str
        Path name (e.g. "pluggable", "cpo").
    segments : tuple of tuple
        Board segments, TX side first: ``("stripline", material, length_m)`` or ``("connector",)``.
    z_p_tx_m, z_p_rx_m : float
        Package trace length in m at the TX and RX side.
    exclude : tuple of str
        Families the host SerDes must not use (e.g. ``("dsp",)`` to hold a host analog).  The
        unretimed ``linear`` family is never chosen for a host SerDes (``architecture="auto"``
        chooses among the retimed ones since December 2026: a link's own receiver retimes), so
        the C2M paths' ``("linear",)`` only states it, and excluding both "analog" and "dsp" is
        an error.
    module : str
        Kept for compatibility with the former study: "retimer", "linear" or "none".
    tx_package, rx_package : str or None
        Package presets; None picks the rate's preset.
    bga_tx, bga_rx : bool
        Whether the package's ball-to-board capacitance is present.
    breakout_vias : bool
        A board via (:func:`_board_via`, the connector's) between each package ball and the
        inner-layer stripline, at both ends of the board part; off by default (the BGA breakout
        is then the package's C_p alone).  Of the shipped paths the NPO boards carry them and the
        C2M boards do not, the choice that puts each board's ERL nearest the real P802.3ck
        channels' (module docstring; ``system.checks.host_channel_reflection_checks`` and docs
        section 6.2).
    """

    name: str
    segments: tuple[tuple, ...]
    z_p_tx_m: float
    z_p_rx_m: float
    exclude: tuple[str, ...] = ()
    module: str = "none"
    tx_package: str | None = None
    rx_package: str | None = None
    bga_tx: bool = True
    bga_rx: bool = True
    breakout_vias: bool = False

    @property
    def length_m(self) -> float:
        """Total electrical length: package traces + board traces (connector not counted)."""
        return self.z_p_tx_m + self.z_p_rx_m + sum(s[2] for s in self.segments if s[0] == "stripline")


_C2M_SEGMENTS = (("stripline", "megtron7", 254 * _MM), ("connector",), ("stripline", "megtron7", 20 * _MM))

#: host channel of each architecture (and the former study names "pluggable", "lpo", "npo", "cpo")
DEFAULT_PATHS: dict[str, PathSpec] = {
    "pluggable": PathSpec("pluggable", _C2M_SEGMENTS, z_p_tx_m=31 * _MM, z_p_rx_m=12 * _MM,
                          exclude=("linear",), module="retimer"),
    "lro": PathSpec("lro", _C2M_SEGMENTS, z_p_tx_m=31 * _MM, z_p_rx_m=12 * _MM,
                    exclude=("linear",), module="retimer"),
    "lpo": PathSpec("lpo", _C2M_SEGMENTS, z_p_tx_m=31 * _MM, z_p_rx_m=12 * _MM,
                    exclude=("linear",), module="linear"),
    "npo": PathSpec("npo", (("stripline", "megtron7", 100 * _MM),), z_p_tx_m=31 * _MM,
                    z_p_rx_m=2 * _MM, breakout_vias=True),
    "npo_dsp": PathSpec("npo_dsp", (("stripline", "megtron7", 100 * _MM),), z_p_tx_m=31 * _MM,
                        z_p_rx_m=2 * _MM, breakout_vias=True),
    "cpo": PathSpec("cpo", (), z_p_tx_m=25 * _MM, z_p_rx_m=2 * _MM, bga_tx=False, bga_rx=False),
}

#: the reach classes' length bounds (m) beyond which a length override is a legal but dubious input
#: (SIKernelWarning): the CEI-224G framework's CPO (< 50 mm package trace to the optical engine) and
#: NPO (< 150 mm PCB) classes (OIF-FD-CEI-224G-01.0, 2022), and for a C2M host board the
#: CEI-112G-LR backplane (<= 1000 mm, OIF-CEI-05.0 cl. 27), the longest board of the reference file
CPO_CLASS_MAX_M = 0.050
NPO_CLASS_MAX_M = 0.150
BOARD_MAX_M = 1.0
#: a C2M host board shorter than this (a quarter of the class's 200 mm) is legal but dubious: the
#: likely slip is metres typed where millimetres were meant (--host-mm 0.254)
C2M_BOARD_MIN_M = 0.050
#: an NPO board or CPO package trace shorter than this (1 mm; not zero, which drops the board) is
#: legal but dubious: the likely slip is metres typed where millimetres were meant (--cpo-mm 0.025
#: priced a 25 um trace, new-user trial 29)
SHORT_PATH_MIN_M = 1e-3

#: the documented length range (m, low and high) of each host channel's variable part around its
#: default, from the reach classes: the C2M host board (OIF CEI-224G pluggable class "> 200 mm host +
#: connector + >= 20 mm module"; 300 mm as the long end of a faceplate board), the NPO board (a compact
#: 60 mm to the CEI-224G class limit, < 150 mm) and the CPO package trace (10 mm to the CEI-224G class
#: limit, < 50 mm); the Monte Carlo's loss offsets are these lengths' losses on the built channel
#: (:func:`length_range_loss_offsets_db`)
LENGTH_RANGES_M: dict[str, tuple[float, float]] = {"c2m": (0.200, 0.300), "npo": (0.060, 0.150),
                                                   "cpo": (0.010, 0.050)}

#: reach-class loss budgets (dB at Nyquist) marked on the curves (links-and-energy.md), per lane-rate
#: class: the 100G/lane classes (OIF CEI-112G XSR / XSR+, the C2M class, 802.3ck KR) and the
#: 200G/lane ones (the published 200G LPO and retimed host budgets the study checks its ports on,
#: :data:`sikernel.system.standards.LPO_HOST_BUDGET_200G_DB` /
#: :data:`~sikernel.system.standards.RETIMED_HOST_BUDGET_200G_DB`; 802.3dj KR): a 212.5G curve marked
#: with the 100G budgets (trial 98) read as if those classes held at 200G
REACH_BUDGETS_100G_DB: dict[str, float] = {"XSR (≈10 dB)": 10.0, "XSR+ (13 dB)": 13.0,
                                           "VSR/C2M (≈16 dB)": 16.0, "KR 802.3ck (28 dB)": 28.0}
REACH_BUDGETS_200G_DB: dict[str, float] = {
    f"LPO 200G ({LPO_HOST_BUDGET_200G_DB:g} dB)": LPO_HOST_BUDGET_200G_DB,
    f"retimed C2M 200G ({RETIMED_HOST_BUDGET_200G_DB:g} dB)": RETIMED_HOST_BUDGET_200G_DB,
    "KR 802.3dj (40 dB)": 40.0}
#: every class, for a figure of both lane rates
REACH_BUDGETS_DB: dict[str, float] = {**REACH_BUDGETS_100G_DB, **REACH_BUDGETS_200G_DB}


def reach_budgets_db(rate_gbps: float) -> dict[str, float]:
    """The reach-class budgets of a lane rate.

    Parameters
    ----------
    rate_gbps : float
        Lane rate in Gb/s, nominal (100, 200) or line (106.25, 212.5).

    Returns
    -------
    dict
        Label -> loss budget in dB at Nyquist: :data:`REACH_BUDGETS_200G_DB` for the 200G/lane class,
        else :data:`REACH_BUDGETS_100G_DB` (a copy).
    """
    return dict(REACH_BUDGETS_200G_DB if lane_class_gbps(rate_gbps) == 200.0 else REACH_BUDGETS_100G_DB)


def _stripline(material: str):
    from ..channel.lines import Stripline

    return Stripline(material, width=127e-6, thickness=17.5e-6, height=127e-6, spacing=200e-6,
                     roughness="hvlp")


def _board_via(f: np.ndarray):
    """Board via (assumption): 1.6 mm barrel, 0.3 mm residual stub (back-drilled), 85 Ω."""
    from ..channel import lumped

    return lumped.via(f, 1.6e-3, 0.3e-3)


def _connector(f: np.ndarray):
    """Pluggable cage connector (assumption): board via, 50 ps of 90 Ω, board via."""
    from ..channel import lumped
    from ..channel.twoport import cascade

    v = _board_via(f)
    return cascade(v, lumped.impedance_step(90.0, 50e-12, f), v, name="connector")


def _segments(spec: PathSpec) -> list:
    segs: list = [_board_via] if spec.breakout_vias and spec.segments else []
    for seg in spec.segments:
        if seg[0] == "stripline":
            segs.append((_stripline(seg[1]), float(seg[2])))
        elif seg[0] == "connector":
            segs.append(_connector)
        else:
            raise SIKernelError(f"path {spec.name!r}: unknown segment {seg!r}; expected "
                                "('stripline', material, length_m) or ('connector',)")
    if spec.breakout_vias and spec.segments:
        segs.append(_board_via)
    return segs


def build_channel(spec: PathSpec, baud: float, *, packages: bool = True, f: Any = None):
    """The path's channel (packages included unless ``packages=False``) on the synthetic grid.

    Parameters
    ----------
    spec : PathSpec
        The path.
    baud : float
        Symbol rate in Bd (selects the package preset and the default grid).
    packages : bool, optional
        Include the TX and RX packages.
    f : array_like, optional
        Frequency grid in Hz; default :func:`sikernel.power.table.synthetic_grid` of ``baud``.

    Returns
    -------
    Channel

    Raises
    ------
    SIKernelError
        An unknown segment kind in ``spec.segments``.
    """
    from ..channel.link import Link
    from ..channel.package import get_package, package_preset
    from ..power.table import synthetic_grid

    fg = synthetic_grid(baud) if f is None else f
    pkg = package_preset(baud)

    def _pkg(name: str | None, bga: bool):
        if not packages:
            return None
        model = get_package(name or pkg)
        return model if bga else dataclasses.replace(model, cp_f=0.0, name=model.name + " (no BGA)")

    link = Link(segments=_segments(spec),
                tx_package=_pkg(spec.tx_package, spec.bga_tx),
                rx_package=_pkg(spec.rx_package, spec.bga_rx),
                z_p_tx_m=spec.z_p_tx_m, z_p_rx_m=spec.z_p_rx_m, name=spec.name,
                # lengths come from options in mm, validated (and warned about) where given
                check_units=False)
    return link.build(fg)


def paths_with_lengths(c2m_host_m: float | None = None, npo_m: float | None = None,
                       cpo_m: float | None = None, lpo_host_m: float | None = None, *,
                       breakout_vias: bool | None = None) -> dict[str, PathSpec]:
    """Host channels with other lengths (the C2M host board, the NPO board trace, the CPO package
    trace) and, optionally, another breakout-via choice.

    Parameters
    ----------
    c2m_host_m : float, optional
        Host-board stripline of pluggable / LRO / LPO (default 0.254 m; module PCB unchanged).
    npo_m : float, optional
        Board stripline of NPO / NPO-with-DSP (default 0.100 m).
    cpo_m : float, optional
        Switch-side package trace of CPO (default 0.025 m).
    lpo_host_m : float, optional
        Host-board stripline of LPO alone, overriding ``c2m_host_m`` for it.  Where the generation
        has a linear host budget (200G/lane), the LPO and LRO boards are shortened to meet it
        whatever is given (:func:`sikernel.system.account.host_path`).
    breakout_vias : bool, optional
        None (default): each path keeps its shipped choice (vias on the NPO boards, none on the C2M
        boards: :data:`DEFAULT_PATHS`).  True: every path with a board part (all but CPO) gets a
        board via between each package ball and its stripline (:attr:`PathSpec.breakout_vias`);
        False: none does; either way whether or not its length is given.  (Changed December 2026:
        the default was False, and False then meant the shipped paths; it now also takes the NPO
        boards' vias off.)

    Returns
    -------
    dict
        Path name -> :class:`PathSpec` for the lengths given (for ``run_study(paths=...)``).

    Raises
    ------
    SIKernelError
        A negative or non-finite length.

    Warns
    -----
    SIKernelWarning
        A length beyond its reach class (:data:`CPO_CLASS_MAX_M`, :data:`NPO_CLASS_MAX_M`) or a host
        board longer than a backplane (:data:`BOARD_MAX_M`) or shorter than
        :data:`C2M_BOARD_MIN_M`: legal, priced as given, but no longer
        the architecture the study names (or a unit slip: metres here, millimetres on the CLI).
        An NPO board with its breakout vias shorter than the low end of its documented range
        (:data:`LENGTH_RANGES_M`, 60 mm): the price may rest on one reflection (below).

    Notes
    -----
    An NPO board's energy is not monotone in its length below about 50 mm: the two
    breakout vias and the two packages reflect, and on a short board the round trip between them
    is barely attenuated and lands beyond the DFE.  At some lengths the analog receiver does not
    close and the DSP family prices the link: the 51.2T NPO port costs 10.5 W at a 30 mm board
    against 7.1 W at 40 mm, and 7.1 W at 30 mm without the vias (``breakout_vias=False``); the
    102.4T port is priced by a DSP receiver at 20 and 30 mm with the vias.  The via model is
    calibrated by the ERL of a 100 mm board; a real short board would be laid out (back-drilled
    vias, another via position) against such a resonance.
    """
    from .. import _validate
    from ..errors import SIKernelError

    board = "longer than the CEI-112G-LR backplane (<= 1000 mm)"
    out: dict[str, PathSpec] = {}
    for name, value, archs in (("c2m_host_m", c2m_host_m, ("pluggable", "lro", "lpo")),
                               ("lpo_host_m", lpo_host_m, ("lpo",))):
        if value is not None:
            x = _length_m(name, value, BOARD_MAX_M, board, _validate.non_negative, C2M_BOARD_MIN_M,
                          "shorter than any C2M host board (the class: > 200 mm of host board + connector)")
            for k in archs:
                out[k] = _with_board(DEFAULT_PATHS[k], x)
    if npo_m is not None:
        x = _length_m("npo_m", npo_m, NPO_CLASS_MAX_M, "outside the NPO class (< 150 mm of PCB, CEI-224G)",
                      _validate.non_negative, SHORT_PATH_MIN_M,
                      "shorter than any board path from a switch package to an engine")
        for k in ("npo", "npo_dsp"):
            out[k] = _with_board(DEFAULT_PATHS[k], x)
        if SHORT_PATH_MIN_M <= x < LENGTH_RANGES_M["npo"][0] and breakout_vias is not False:
            _warn_short_npo_with_vias(x)
    if cpo_m is not None:
        x = _length_m("cpo_m", cpo_m, CPO_CLASS_MAX_M,
                      "outside the CPO class (< 50 mm of package trace, CEI-224G)", _validate.positive,
                      SHORT_PATH_MIN_M, "shorter than any package trace from a switch die to an engine")
        from ..channel.package import MAX_PACKAGE_LENGTH_M

        if x > MAX_PACKAGE_LENGTH_M:  # review 31 M3: the package model refused it mid-run, as z_p_tx_m
            raise SIKernelError(f"cpo_m={x:g} m ({x * 1e3:g} mm) is above {MAX_PACKAGE_LENGTH_M:g} m: the "
                                "CPO path is a package trace, and no package substrate is that long (the CPO "
                                "class: < 50 mm; the API takes metres, the CLI's --cpo-mm millimetres)")
        out["cpo"] = dataclasses.replace(DEFAULT_PATHS["cpo"], z_p_tx_m=x)
    if breakout_vias is not None:
        for k, spec in DEFAULT_PATHS.items():
            spec = out.get(k, spec)
            if spec.segments:
                out[k] = dataclasses.replace(spec, breakout_vias=bool(breakout_vias))
    return out


def paths_with_other_via_choice() -> dict[str, PathSpec]:
    """Every default path with a board part, with the other breakout-via choice than it ships with
    (vias on the C2M boards, none on the NPO boards): the README's via sensitivity in one study run
    (each port is priced on its own path, so the C2M ports read as ``breakout_vias=True`` and the NPO
    ports as ``breakout_vias=False``).

    Returns
    -------
    dict
        Path name -> :class:`PathSpec` (for ``run_study(paths=...)``).
    """
    return {k: dataclasses.replace(spec, breakout_vias=not spec.breakout_vias)
            for k, spec in DEFAULT_PATHS.items() if spec.segments}


def host_board_mm(spec: PathSpec) -> float:
    """Host-board stripline of a C2M path in mm: its striplines before the connector (all of them
    on a path without one).

    Parameters
    ----------
    spec : PathSpec

    Returns
    -------
    float
    """
    segs = spec.segments
    k = next((i for i, s in enumerate(segs) if s[0] == "connector"), len(segs))
    return 1e3 * sum(float(s[2]) for s in segs[:k] if s[0] == "stripline")


def host_board_mm_at_loss(spec: PathSpec, baud: float, loss_db: float) -> float:
    """Length (mm) of ``spec``'s first host-board stripline at which its built channel (packages
    included) has ``loss_db`` at Nyquist, the rest of the path as built; ``nan`` when the path
    exceeds ``loss_db`` even with no board, ``inf`` when it is within it at its own length.

    Parameters
    ----------
    spec : PathSpec
        A path with at least one ``("stripline", ...)`` segment.
    baud : float
        Symbol rate in Bd (Nyquist = baud / 2).
    loss_db : float
        Insertion loss at Nyquist to meet (dB).

    Returns
    -------
    float
    """
    from scipy.optimize import brentq

    def excess(x_m: float) -> float:
        return _il_nyquist_db(_with_board(spec, x_m), baud) - loss_db

    x0 = float(spec.segments[_board_index(spec)][2])
    if excess(x0) <= 0:
        return float("inf")
    if excess(0.0) > 0:
        return float("nan")
    return 1e3 * float(brentq(excess, 0.0, x0, xtol=1e-5))


@functools.lru_cache(maxsize=64)
def board_within_budget(spec: PathSpec, baud: float, budget_db: float) -> PathSpec:
    """``spec`` with its first host-board stripline shortened, in whole millimetres, to the longest
    board whose built channel meets ``budget_db`` at Nyquist (``spec`` itself when it already does).

    How the study builds the host board of an architecture whose switch SerDes drives the module's
    linear optical path over the C2M board (LPO both ways, LRO ingress): to the published electrical
    budget of a linear host interface at the generation's lane rate
    (:attr:`sikernel.system.standards.Generation.linear_host_budget_db`).

    Parameters
    ----------
    spec : PathSpec
        The path (a C2M board).
    baud : float
        Symbol rate in Bd.
    budget_db : float
        Loss budget at Nyquist (dB), packages included (die to die).

    Returns
    -------
    PathSpec

    Raises
    ------
    SIKernelError
        The path exceeds the budget even with no host board (its packages, connector and module
        board alone), or has no host-board stripline.
    """
    x_mm = host_board_mm_at_loss(spec, baud, budget_db)
    if math.isinf(x_mm):
        return spec
    if not math.isfinite(x_mm):
        raise SIKernelError(
            f"path {spec.name!r}: its packages, connector and module board alone exceed the {budget_db:g} dB "
            f"linear host budget at {0.5e-9 * baud:g} GHz; no host board meets it (raise "
            "linear_host_budget_db, or give it None to price the board as built; on the command line "
            "--linear-budget-db with a larger budget, or none)")
    return _with_board(spec, 1e-3 * math.floor(x_mm))


def _board_index(spec: PathSpec) -> int:
    """Index of ``spec``'s first stripline segment (its host board)."""
    i = next((k for k, s in enumerate(spec.segments) if s[0] == "stripline"), None)
    if i is None:
        raise SIKernelError(f"path {spec.name!r} has no host-board stripline to shorten")
    return i


def _with_board(spec: PathSpec, x_m: float) -> PathSpec:
    """``spec`` with its first stripline (the host board) of length ``x_m`` (dropped at zero length)."""
    i = _board_index(spec)
    board = (("stripline", spec.segments[i][1], x_m),) if x_m > 0 else ()
    return dataclasses.replace(spec, segments=spec.segments[:i] + board + spec.segments[i + 1:])


def _il_nyquist_db(spec: PathSpec, baud: float) -> float:
    """Insertion loss (dB) of ``spec``'s built channel at Nyquist, on a one-point grid."""
    return float(build_channel(spec, baud, f=np.array([0.5 * baud])).il_db(0.5 * baud))


def _warn_short_npo_with_vias(x: float) -> None:
    """The :func:`paths_with_lengths` warning for an NPO board with vias below its documented range."""
    import warnings

    from .._stacklevel import user_stacklevel
    from ..errors import SIKernelWarning

    lo = LENGTH_RANGES_M["npo"][0]
    warnings.warn(SIKernelWarning(
        f"npo_m={x:g} m ({x * 1e3:g} mm) is below the NPO range the study documents and draws "
        f"({lo * 1e3:g}-{LENGTH_RANGES_M['npo'][1] * 1e3:g} mm): on a board this short the reflections of "
        "the breakout vias and the packages land beyond the DFE, so the price can rest on one resonance "
        "(51.2T: 30 mm prices a DSP receiver, +47 % per NPO port against 40 mm); compare "
        "breakout_vias=False (CLI: --breakout-vias none) or a length within the range"),
        stacklevel=user_stacklevel())


def _length_m(name: str, value: object, bound_m: float, what: str, check: Any,
              low_m: float = 0.0, low_what: str = "") -> float:
    """``check(name, value)`` (the length in m), refused above ``MAX_LINE_LENGTH_M`` (20 m), with a
    :class:`SIKernelWarning` beyond ``bound_m`` or above zero but below ``low_m``."""
    from .. import _validate
    from ..errors import SIKernelError

    x = check(name, value)
    if x > _validate.MAX_LINE_LENGTH_M:  # fuzz 31 M1: 254 m warned, then failed deep inside on NaN
        raise SIKernelError(f"{name}={x:g} m is above {_validate.MAX_LINE_LENGTH_M:g} m, longer than any "
                            f"line: lengths are in metres here ({x:g} mm is {x * 1e-3:g} m); the CLI's "
                            "--host-mm / --lpo-host-mm / --npo-mm / --cpo-mm take millimetres")
    if x > bound_m or 0.0 < x < low_m:   # 0: no board at all, a choice, not a slip
        import warnings

        from .._stacklevel import user_stacklevel
        from ..errors import SIKernelWarning

        warnings.warn(SIKernelWarning(
            f"{name}={x:g} m ({x * 1e3:g} mm) is {what if x > bound_m else low_what}; it is priced as "
            "given, but is it a unit slip? (the API takes metres, the CLI's --host-mm / --lpo-host-mm "
            "/ --npo-mm / --cpo-mm millimetres)"), stacklevel=user_stacklevel())
    return x


@functools.lru_cache(maxsize=16)
def length_range_loss_offsets_db(kind: str, baud: float) -> tuple[float, float]:
    """Loss offsets (dB at Nyquist, low and high) of a host channel's documented length range.

    The default path of ``kind`` ("c2m": pluggable's host board; "npo": the NPO board; "cpo": the CPO
    package trace) built at the two ends of :data:`LENGTH_RANGES_M` (everything else as built),
    minus its loss at the default length: the range of the Monte Carlo's ``*_loss_offset_db``.

    Parameters
    ----------
    kind : str
        "c2m", "npo" or "cpo".
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    tuple of float
        (offset at the short end, offset at the long end), dB.
    """
    arg, path = {"c2m": ("c2m_host_m", "pluggable"), "npo": ("npo_m", "npo"), "cpo": ("cpo_m", "cpo")}[kind]
    base = _il_nyquist_db(DEFAULT_PATHS[path], baud)
    lo, hi = (_il_nyquist_db(paths_with_lengths(**{arg: x})[path], baud) - base
              for x in LENGTH_RANGES_M[kind])
    return lo, hi


def linear_path_response(f_hz: Any, baud: float, f3db_over_baud: float, penalty_db: float) -> np.ndarray:
    """Transfer function of a linear optical module path (see the module docstring).

    ``H(f) = 10^(-penalty_db/20) / (1 + j f/f_p)²`` with ``f_p = f_3dB / sqrt(√2 - 1)``
    so that ``|H(f_3dB)|² = ½ |H(0)|²``, ``f_3dB = f3db_over_baud × baud``.

    Parameters
    ----------
    f_hz : array_like
        Frequencies in Hz.
    baud : float
        Symbol rate in Bd.
    f3db_over_baud : float
        -3 dB bandwidth of driver + modulator + photodiode + TIA as a fraction of the baud (> 0).
    penalty_db : float
        Optical link penalty as flat electrical attenuation in dB (≥ 0).

    Returns
    -------
    ndarray of complex
    """
    from .. import _validate

    r = _validate.positive("f3db_over_baud", f3db_over_baud)
    p = _validate.non_negative("penalty_db", penalty_db)
    f_p = r * baud / math.sqrt(math.sqrt(2.0) - 1.0)
    return 10.0 ** (-p / 20.0) / (1.0 + 1j * np.asarray(f_hz, dtype=float) / f_p) ** 2


def with_linear_path(ch: Any, baud: float, f3db_over_baud: float, penalty_db: float):
    """``ch`` followed by a linear optical module path: S21 and S12 times :func:`linear_path_response`.

    Parameters
    ----------
    ch : Channel
        Host channel.
    baud : float
        Symbol rate in Bd.
    f3db_over_baud, penalty_db : float
        See :func:`linear_path_response`.

    Returns
    -------
    Channel
        Same grid and reflections; through terms filtered and attenuated.
    """
    from ..channel.core import Channel

    h = linear_path_response(ch.f, baud, f3db_over_baud, penalty_db)
    s = np.array(ch.sdd, dtype=np.complex128)
    s[:, 1, 0] *= h
    s[:, 0, 1] *= h
    meta = dict(ch.meta)
    meta["linear_path"] = {"f3db_over_baud": float(f3db_over_baud), "penalty_db": float(penalty_db)}
    return Channel._trusted(ch.f, s, z0_ohm=ch.z0_ohm, name=f"{ch.name} + linear optical path", meta=meta)


__all__ = [
    "DEFAULT_PATHS",
    "LENGTH_RANGES_M",
    "REACH_BUDGETS_100G_DB",
    "REACH_BUDGETS_200G_DB",
    "REACH_BUDGETS_DB",
    "PathSpec",
    "board_within_budget",
    "build_channel",
    "host_board_mm",
    "host_board_mm_at_loss",
    "length_range_loss_offsets_db",
    "linear_path_response",
    "paths_with_lengths",
    "paths_with_other_via_choice",
    "reach_budgets_db",
    "with_linear_path",
]
