"""IEEE 802.3 device package models (Annex 93A.1.2 and P802.3dj Annex 178A.1.4).

This module is the single source of package numbers in sikernel: COM presets
refer to :data:`PACKAGES` by name and pass the package trace length ``z_p``.

Topology (transmitter side, port 1 = die, port 2 = board), per leg values:

1. device termination ladder: for each section n = 1..N a shunt ``C_d[n]``
   followed by a series ``L_s[n]`` (178A-9, 178A-10; N = 1 for 802.3ck COM 3.x,
   N = 3 in 178A; N = 0 inductors for legacy Clause 93, which has only ``C_d``);
2. shunt bump capacitance ``C_b`` (omitted when 0);
3. package transmission line, the 93A parametric line (93A-9 … 93A-14) in one
   or more sections of differential impedance ``Zc[k]``: the first section has
   the variable length ``z_p``, the next ones fixed lengths (802.3ck/dj: 1.8 mm
   at 92.5 ohm after ``z_p`` at 87.5 ohm) (178A-11);
4. shunt package-to-board (ball) capacitance ``C_p``.

The receiver package is the same cascade with the receiver's values, port
reversed (178A.1.5), so that port 1 faces the channel and port 2 the die.
Differential handling as in :mod:`sikernel.channel.lumped`: with ``z0 = 2 R0``
these are the single-ended 93A-8 formulas at ``R0``.

``R0`` is a field of :class:`PackageModel`: P802.3dj/D3.3 uses R0 = 46.25 ohm,
e.g. ``dataclasses.replace(PACKAGES["802.3dj"], r0_ohm=46.25)``.

The presets were checked against the structure used by the public Python COM
implementation pychopmarg 3.4 (``devmodel.py``) and against
``shared/reference/com-parameters.md``; see each preset's ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate
from ..errors import SIKernelError
from .core import Channel, numbers
from .parametric import ParametricLine


@dataclass(frozen=True)
class PackageModel:
    """An IEEE 802.3 device package (per-leg element values, SI units).

    Parameters
    ----------
    name : str
        Preset name.
    cd_f : tuple of float
        Die-ladder shunt capacitances C_d[n] (F), die side first.
    ls_h : tuple of float
        Die-ladder series inductances L_s[n] (H); empty, or one per C_d.
    cb_f : float
        Bump capacitance C_b (F); 0 to omit.
    cp_f : float
        Package-to-board capacitance C_p (F).
    zc_ohm : tuple of float
        Differential impedance of each package-trace section, die side first.
    section_m : tuple of float or None
        Length of each section (m); ``None`` marks the variable ``z_p`` section.
    a1, a2, tau_ns_per_mm, gamma0_per_mm : float
        93A parametric line coefficients (IEEE units).
    r0_ohm : float
        Single-ended reference R0 (the Channel is referenced to 2 R0).
    z_p_cases_m : dict
        Standard test-case lengths of the variable section, ``{"tx": (...), "rx": (...)}`` (m).
    source, confidence : str
        Provenance.
    """

    name: str
    cd_f: tuple[float, ...]
    ls_h: tuple[float, ...]
    cb_f: float
    cp_f: float
    zc_ohm: tuple[float, ...]
    section_m: tuple[float | None, ...]
    a1: float
    a2: float
    tau_ns_per_mm: float
    gamma0_per_mm: float = 0.0
    r0_ohm: float = 50.0
    z_p_cases_m: tuple[tuple[str, tuple[float, ...]], ...] = ()
    source: str = ""
    confidence: str = ""

    def __post_init__(self) -> None:
        if self.ls_h and len(self.ls_h) != len(self.cd_f):
            raise SIKernelError(f"package {self.name!r}: ls_h has {len(self.ls_h)} values for "
                                f"{len(self.cd_f)} C_d sections; expected none or one per section")
        if len(self.zc_ohm) != len(self.section_m) or not self.zc_ohm:
            raise SIKernelError(f"package {self.name!r}: zc_ohm and section_m must have the same, "
                                "non-zero length")
        if sum(s is None for s in self.section_m) != 1:
            raise SIKernelError(f"package {self.name!r}: exactly one section length must be None (z_p)")

    def line(self, zc_ohm: float) -> ParametricLine:
        """The package trace as a :class:`ParametricLine` of impedance ``zc_ohm``."""
        return ParametricLine(self.a1, self.a2, self.tau_ns_per_mm, zc_ohm, self.gamma0_per_mm,
                              name=f"{self.name} package trace")

    def z_p_cases(self, side: str = "tx") -> tuple[float, ...]:
        """Standard ``z_p`` test-case lengths (m) for ``side``."""
        return dict(self.z_p_cases_m).get(side, ())


def _shunt(w: np.ndarray, c: float) -> np.ndarray:
    m = np.zeros((w.size, 2, 2), dtype=np.complex128)
    m[:, 0, 0] = m[:, 1, 1] = 1.0
    m[:, 1, 0] = 1j * w * c / 2.0
    return m


def _series(w: np.ndarray, lh: float) -> np.ndarray:
    m = np.zeros((w.size, 2, 2), dtype=np.complex128)
    m[:, 0, 0] = m[:, 1, 1] = 1.0
    m[:, 0, 1] = 2j * w * lh
    return m


def _line(gamma: np.ndarray, zc: float, length_m: float) -> np.ndarray:
    e = np.exp(gamma * length_m)  # Re(gamma) >= 0 and package lengths are mm: no overflow
    ei = 1.0 / e
    sh = 0.5 * (e - ei)
    m = np.empty((gamma.size, 2, 2), dtype=np.complex128)
    m[:, 0, 0] = m[:, 1, 1] = 0.5 * (e + ei)
    m[:, 0, 1] = zc * sh
    m[:, 1, 0] = sh / zc
    return m


def _reversed(t: np.ndarray) -> np.ndarray:
    """Port reversal of a reciprocal 2-port ABCD stack (AD - BC = 1): A and D swapped."""
    r = t.copy()
    r[:, 0, 0] = t[:, 1, 1]
    r[:, 1, 1] = t[:, 0, 0]
    return r


#: highest symbol rate (Bd) of the 802.3ck package preset; above it the 802.3dj one applies
CK_MAX_BAUD = 60e9


def package_preset(baud: float) -> str:
    """IEEE 802.3 package preset of a symbol rate: 802.3ck up to 60 GBd, 802.3dj above.

    The 100G/lane amendment's packages (802.3ck, 53.125 GBd) and the 200G/lane ones (802.3dj,
    106.25-113 GBd); the boundary lies between the two generations' rates.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    str
        "802.3ck" or "802.3dj" (a key of :data:`PACKAGES`).
    """
    return "802.3ck" if baud <= CK_MAX_BAUD else "802.3dj"


def get_package(model: str | PackageModel) -> PackageModel:
    """Preset by name (case-insensitive) or a :class:`PackageModel` passed through.

    Parameters
    ----------
    model : str or PackageModel
        Preset name from :data:`PACKAGES`, or a model.

    Returns
    -------
    PackageModel
        The preset (or ``model`` itself).

    Raises
    ------
    SIKernelError
        Unknown name; the message lists the known ones.
    """
    if isinstance(model, PackageModel):
        return model
    if isinstance(model, str):
        for k, v in PACKAGES.items():
            if k.lower() == model.strip().lower():
                return v
    raise SIKernelError(f"unknown package model {model!r}; known: {', '.join(PACKAGES)}")


#: longest package trace or host-board length accepted (m): five times the 802.3 host board
#: (z_bp 0.11 m), as the COM preset's check; above it a length in mm was typed
MAX_PACKAGE_LENGTH_M = 0.5


def package_length_m(name: str, value: object) -> float:
    """A package trace or host-board length in m: >= 0 and at most :data:`MAX_PACKAGE_LENGTH_M`
    (above it a length in mm was typed; the message says so)."""
    zp = _validate.non_negative(name, value)
    if zp > MAX_PACKAGE_LENGTH_M:
        raise SIKernelError(f"{name}={zp:g} m is above {MAX_PACKAGE_LENGTH_M:g} m: package lengths are in "
                            f"metres (802.3 packages 0.012-0.033 m); {zp:g} mm is {zp * 1e-3:g} m")
    return zp


def package_abcd(model: str | PackageModel, z_p_m: float, f: object, side: str = "tx") -> np.ndarray:
    """ABCD matrices (n_freq, 2, 2) of the package, TX (die→board) or RX (board→die).

    Parameters
    ----------
    model : str or PackageModel
        Preset name from :data:`PACKAGES` or a model.
    z_p_m : float
        Length of the variable package-trace section (m, >= 0, at most
        :data:`MAX_PACKAGE_LENGTH_M`: a length in mm is refused).
    f : array_like
        Frequency grid (Hz).
    side : {"tx", "rx"}
        "tx": die to board; "rx": board to die (A and D swapped).

    Returns
    -------
    numpy.ndarray
        Complex ABCD matrices, shape (n_freq, 2, 2).
    """
    from .twoport import cascade_abcd

    pm = get_package(model)
    zp = package_length_m("z_p_m", z_p_m)
    side = _validate.one_of("side", side, ("tx", "rx"))
    fa = _validate.frequency_grid(numbers("f", f))
    w = 2.0 * np.pi * fa
    mats = []
    for i, cd in enumerate(pm.cd_f):
        mats.append(_shunt(w, cd))
        if pm.ls_h:
            mats.append(_series(w, pm.ls_h[i]))
    if pm.cb_f > 0:
        mats.append(_shunt(w, pm.cb_f))
    gamma = pm.line(pm.zc_ohm[0]).gamma(fa)
    for zc, ln in zip(pm.zc_ohm, pm.section_m, strict=True):
        mats.append(_line(gamma, zc, zp if ln is None else ln))
    mats.append(_shunt(w, pm.cp_f))
    t = cascade_abcd(*mats)
    return _reversed(t) if side == "rx" else t


def package_channel(model: str | PackageModel, z_p_m: float, f: object, side: str = "tx") -> Channel:
    """The package as a differential :class:`Channel` referenced to ``2 R0``.

    Parameters
    ----------
    model : str or PackageModel
        Preset name from :data:`PACKAGES` or a model.
    z_p_m : float
        Length of the variable package-trace section (m), e.g. 12e-3 (at most :data:`MAX_PACKAGE_LENGTH_M`).
    f : array_like
        Frequency grid (Hz).
    side : {"tx", "rx"}
        "tx": port 1 = die, port 2 = board; "rx": port 1 = board, port 2 = die.
    """
    from .twoport import abcd_to_s

    pm = get_package(model)
    fa = _validate.channel_grid(numbers("f", f))
    t = package_abcd(pm, z_p_m, fa, side)
    z0 = 2.0 * pm.r0_ohm
    return Channel._trusted(fa, abcd_to_s(t, z0), z0, f"{pm.name} package {side} z_p={z_p_m * 1e3:g} mm",
                   {"package": pm.name, "z_p_m": float(z_p_m), "side": side})


def board_channel(f: object, z_bp_m: float, c0_f: float, c1_f: float,
                  line: tuple[float, float, float, float, float], side: str = "tx",
                  r0_ohm: float = 50.0) -> Channel:
    """Host board of IEEE 802.3 92.10.7.1.1 (Table 92-13) as the COM reference code adds it
    with ``Include PCB`` (function ``add_brd`` of ``com_ieee8023_93a_450.m``).

    TX side (port 1 = device, port 2 = channel): shunt ``C_0``, board line of length
    ``z_bp``, shunt ``C_1``; the RX side is the same reversed (``C_1`` faces the channel).
    Shunt capacitances by 93A-8, the line by 93A-9 ... 93A-14 (``synth_tline``).

    Parameters
    ----------
    f : array_like
        Frequency grid (Hz).
    z_bp_m : float
        Board trace length (m, >= 0).
    c0_f, c1_f : float
        Device-side and connector-side single-ended capacitances (F, >= 0).
    line : tuple
        ``(gamma0 1/mm, a1, a2, tau ns/mm, Z_c ohm differential)`` of the board line.
    side : {"tx", "rx"}
        Orientation, as :func:`package_channel`.
    r0_ohm : float
        Single-ended reference R0 (the Channel is referenced to ``2 R0``).

    Returns
    -------
    Channel
    """
    from .twoport import abcd_to_s, cascade_abcd

    fa = _validate.channel_grid(numbers("f", f))
    zb = package_length_m("z_bp_m", z_bp_m)
    c0 = _validate.non_negative("c0_f", c0_f)
    c1 = _validate.non_negative("c1_f", c1_f)
    side = _validate.one_of("side", side, ("tx", "rx"))
    g0, a1, a2, tau, zc = (float(x) for x in line)
    w = 2.0 * np.pi * fa
    gamma = ParametricLine(a1, a2, tau, zc, g0, name="board").gamma(fa)
    t = cascade_abcd(_shunt(w, c0), _line(gamma, zc, zb), _shunt(w, c1))
    if side == "rx":
        t = _reversed(t)
    z0 = 2.0 * r0_ohm
    return Channel._trusted(fa, abcd_to_s(t, z0), z0, f"host board {side} z_bp={zb * 1e3:g} mm",
                   {"z_bp_m": zb, "side": side})


_COM_REF = "shared/reference/com-parameters.md"
_CK_LINE = {"a1": 9.909e-4, "a2": 2.772e-4, "tau_ns_per_mm": 6.141e-3, "gamma0_per_mm": 0.0}

PACKAGES: dict[str, PackageModel] = {
    p.name: p
    for p in (
        PackageModel(
            "802.3ck", cd_f=(120e-15,), ls_h=(0.12e-9,), cb_f=30e-15, cp_f=87e-15,
            zc_ohm=(87.5, 92.5), section_m=(None, 1.8e-3), **_CK_LINE,
            z_p_cases_m=(("tx", (12e-3, 31e-3)), ("rx", (12e-3, 31e-3))),
            source="IEEE 802.3ck KR (Clause 163) COM 3.70 sheet, as transcribed in " + _COM_REF,
            confidence="H"),
        PackageModel(
            "802.3ck-c2c", cd_f=(120e-15,), ls_h=(0.12e-9,), cb_f=30e-15, cp_f=87e-15,
            zc_ohm=(87.5, 92.5), section_m=(None, 1.8e-3), **_CK_LINE,
            z_p_cases_m=(("tx", (13e-3, 31e-3)), ("rx", (11e-3, 29e-3))),
            source="IEEE 802.3ck C2C (Annex 120F) COM 3.70 sheet, as transcribed in " + _COM_REF,
            confidence="H"),
        PackageModel(
            "802.3dj", cd_f=(40e-15, 90e-15, 110e-15), ls_h=(0.13e-9, 0.15e-9, 0.14e-9), cb_f=30e-15,
            cp_f=40e-15, zc_ohm=(87.5, 92.5), section_m=(None, 1.8e-3),
            a1=8.9e-4, a2=2e-4, tau_ns_per_mm=6.141e-3, gamma0_per_mm=5e-4,
            z_p_cases_m=(("tx", (33e-3, 12e-3)), ("rx", (33e-3, 12e-3))),
            source="P802.3dj Annex 178A (draft) class A package, " + _COM_REF
                   + "; test-2 length 12 mm per P802.3dj/D3.3 Table 178-14. D3.3 uses R0 = 46.25 ohm; "
                     "this preset keeps R0 = 50 ohm as in the reference table. The same values are "
                     "pychopmarg's IEEE_8023dj configuration (D. Banas, 2024). The one 200G "
                     "sheet in shared/reference/ieee-com-config, the earlier 802.3df exploratory "
                     "C2C/CAKR sheet (Nov. 2022), has a lossier line (gamma0 0, a1 8.455e-4, a2 "
                     "3.402e-4: ~0.21 against ~0.15 dB/mm at 53.125 GHz) and C_p 50 fF",
            confidence="M (draft)"),
        PackageModel(
            "802.3-cl93", cd_f=(250e-15,), ls_h=(), cb_f=0.0, cp_f=180e-15,
            zc_ohm=(78.2,), section_m=(None,), a1=1.734e-3, a2=1.455e-4, tau_ns_per_mm=6.141e-3,
            z_p_cases_m=(("tx", (12e-3,)), ("rx", (12e-3,))),
            source="IEEE 802.3 Clause 93 (100GBASE-KR4) Table 93-8: line coefficients from " + _COM_REF
                   + "; C_d = 2.5e-4 nF, C_p = 1.8e-4 nF and z_p = 12 mm from Table 93-8 (not in the "
                     "shared reference file: check against the standard)",
            confidence="M"),
    )
}

__all__ = ["CK_MAX_BAUD", "PACKAGES", "PackageModel", "board_channel", "get_package", "package_abcd",
           "package_channel", "package_preset"]
