"""Lumped elements and short discontinuities as differential 2-port Channels.

Differential vs half circuit
----------------------------
Element values are **per leg** (single-ended), as IEEE 802.3 tabulates them
(C_d, C_p, C_b, L_s), and every element is returned as the differential-mode
2-port referenced to ``z0_ohm`` (100 ohm differential by default):

* a shunt capacitance C from each leg to ground adds ``Y_diff = j w C / 2``
  across the differential port;
* a series impedance Z in each leg adds ``Z_diff = 2 Z`` in series.

With ``z0_ohm = 2 R0`` these are exactly the single-ended formulas of IEEE 802.3
Annex 93A.1.2.2 / eq. 93A-8 with reference R0 (physics.md §1)::

    shunt C:  S11 = -j w R0 C / (2 + j w R0 C),      S21 = 2 / (2 + j w R0 C)
    series L: S11 = (w^2 L^2 + 2 j w R0 L)/(4 R0^2 + w^2 L^2),
              S21 = 2 (2 R0^2 - j w R0 L)/(4 R0^2 + w^2 L^2)

S-parameters are formed directly from the series impedance / shunt admittance
(Pozar, *Microwave Engineering*, 4th ed., Table 4.2), so a DC-blocking capacitor
is exact at 0 Hz (S21 = 0 there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from scipy import constants

from .. import _validate
from ..errors import SIKernelError
from .core import Channel
from .materials import Dielectric, get_dielectric


def _grid(f: object) -> tuple[np.ndarray, np.ndarray]:
    fa = _validate.channel_grid(f)
    return fa, 2.0 * np.pi * fa


def _shunt_s(y: np.ndarray, z0: float) -> np.ndarray:
    s = np.empty((y.size, 2, 2), dtype=np.complex128)
    yz = y * z0
    s[:, 0, 0] = s[:, 1, 1] = -yz / (2.0 + yz)
    s[:, 0, 1] = s[:, 1, 0] = 2.0 / (2.0 + yz)
    return s


def _series_s_from_admittance(y: np.ndarray, z0: float) -> np.ndarray:
    """Series element given by its admittance ``y = 1/Z`` (y = 0: open, S21 = 0)."""
    s = np.empty((y.size, 2, 2), dtype=np.complex128)
    d = 1.0 + 2.0 * z0 * y
    s[:, 0, 0] = s[:, 1, 1] = 1.0 / d
    s[:, 0, 1] = s[:, 1, 0] = 2.0 * z0 * y / d
    return s


def _series_s(z: np.ndarray, z0: float) -> np.ndarray:
    s = np.empty((z.size, 2, 2), dtype=np.complex128)
    d = z + 2.0 * z0
    s[:, 0, 0] = s[:, 1, 1] = z / d
    s[:, 0, 1] = s[:, 1, 0] = 2.0 * z0 / d
    return s


def shunt_c(c_f: float, f: object, z0_ohm: float = 100.0, name: str = "") -> Channel:
    """Shunt capacitance ``c_f`` (farad, per leg to ground): ``Y_diff = j w C / 2`` (93A-8).

    Parameters
    ----------
    c_f : float
        Capacitance per leg to ground (F, >= 0).
    f : array_like
        Frequency grid (Hz).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    c = _validate.non_negative("c_f", c_f)
    fa, w = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    return Channel._trusted(fa, _shunt_s(1j * w * c / 2.0, z0), z0, name or f"shunt C {c * 1e15:g} fF",
                   {"element": "shunt_c", "c_f": c})


def series_l(l_h: float, f: object, z0_ohm: float = 100.0, name: str = "") -> Channel:
    """Series inductance ``l_h`` (henry, per leg): ``Z_diff = 2 j w L`` (93A.1.2.2a form).

    Parameters
    ----------
    l_h : float
        Inductance per leg (H, >= 0).
    f : array_like
        Frequency grid (Hz).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    lv = _validate.non_negative("l_h", l_h)
    fa, w = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    return Channel._trusted(fa, _series_s(2j * w * lv, z0), z0, name or f"series L {lv * 1e9:g} nH",
                   {"element": "series_l", "l_h": lv})


def series_r(r_ohm: float, f: object, z0_ohm: float = 100.0, name: str = "") -> Channel:
    """Series resistance ``r_ohm`` per leg: ``Z_diff = 2 R``.

    Parameters
    ----------
    r_ohm : float
        Resistance per leg (ohm, >= 0).
    f : array_like
        Frequency grid (Hz).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    r = _validate.non_negative("r_ohm", r_ohm)
    fa, _ = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    return Channel._trusted(fa, _series_s(np.full(fa.size, 2.0 * r, dtype=complex), z0), z0,
                   name or f"series R {r:g} ohm", {"element": "series_r", "r_ohm": r})


def ac_coupling(c_f: float, f: object, esr_ohm: float = 0.0, esl_h: float = 0.0,
                z0_ohm: float = 100.0, name: str = "") -> Channel:
    """AC-coupling (DC-blocking) capacitor in each leg, with optional ESR and ESL.

    Per leg ``Z = 1/(j w C) + ESR + j w ESL``; ``Z_diff = 2 Z``.  Exact at 0 Hz
    (S21 = 0, S11 = 1).

    Parameters
    ----------
    c_f : float
        Capacitance per leg (F, > 0).
    f : array_like
        Frequency grid (Hz).
    esr_ohm : float, optional
        Equivalent series resistance per leg (ohm, >= 0).
    esl_h : float, optional
        Equivalent series inductance per leg (H, >= 0).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    c = _validate.positive("c_f", c_f)
    esr = _validate.non_negative("esr_ohm", esr_ohm)
    esl = _validate.non_negative("esl_h", esl_h)
    fa, w = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    jwc = 1j * w * c
    # y = 1/(2 Z) = jwC / (2 (1 + jwC (ESR + jw ESL)))
    y = jwc / (2.0 * (1.0 + jwc * (esr + 1j * w * esl)))
    return Channel._trusted(fa, _series_s_from_admittance(y, z0), z0, name or f"AC cap {c * 1e9:g} nF",
                   {"element": "ac_coupling", "c_f": c, "esr_ohm": esr, "esl_h": esl})


def _tline_abcd(theta: np.ndarray, zc: complex | np.ndarray) -> np.ndarray:
    """ABCD of a line of complex electrical length ``theta = gamma l`` (radians * j absorbed)."""
    out = np.empty((np.size(theta), 2, 2), dtype=np.complex128)
    out[:, 0, 0] = out[:, 1, 1] = np.cosh(theta)
    out[:, 0, 1] = zc * np.sinh(theta)
    out[:, 1, 0] = np.sinh(theta) / zc
    return out


def impedance_step(zc_ohm: float, delay_s: float, f: object, z0_ohm: float = 100.0,
                   name: str = "") -> Channel:
    """A short lossless section of (differential) impedance ``zc_ohm`` and delay ``delay_s``.

    Models an impedance discontinuity (breakout, pad, connector footprint)
    between ``z0_ohm`` references: ABCD ``[[cos wT, j Zc sin wT], [j sin wT/Zc, cos wT]]``.

    Parameters
    ----------
    zc_ohm : float
        Differential characteristic impedance of the section (ohm, > 0).
    delay_s : float
        One-way propagation delay T of the section (s, >= 0).
    f : array_like
        Frequency grid (Hz).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    from .twoport import abcd_to_s

    zc = _validate.positive("zc_ohm", zc_ohm)
    td = _validate.non_negative("delay_s", delay_s)
    fa, w = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    s = abcd_to_s(_tline_abcd(1j * w * td, zc), z0)
    return Channel._trusted(fa, s, z0, name or f"Z step {zc:g} ohm {td * 1e12:g} ps",
                   {"element": "impedance_step", "zc_ohm": zc, "delay_s": td})


def via(f: object, barrel_m: float, stub_m: float = 0.0, *, zc_ohm: float = 85.0,
        material: str | Dielectric = "megtron7", c_pad_f: float = 0.0, z0_ohm: float = 100.0,
        name: str = "") -> Channel:
    """Differential via: a barrel (short line) with an open-circuited stub at its exit.

    The barrel is a TEM line of differential impedance ``zc_ohm`` and length
    ``barrel_m`` in ``material`` (propagation ``gamma = j w sqrt(eps_r(f))/c``,
    causal and lossy through the dielectric); the unused barrel below the
    signal layer is an open stub of the same impedance and ``stub_m``, seen as a
    shunt admittance ``Y = tanh(gamma l_stub)/Zc`` at the exit (quarter-wave
    resonance at ``c/(4 l_stub sqrt(Dk))``).  Optional pad capacitance ``c_pad_f``
    per leg at each end.  A first-order model for budgeting, not a 3-D solve.

    Parameters
    ----------
    f : array_like
        Frequency grid (Hz).
    barrel_m : float
        Length of the barrel that carries the signal (m, >= 0).
    stub_m : float, optional
        Length of the unused (open) stub below the signal layer (m, >= 0).
    zc_ohm : float, optional
        Differential characteristic impedance of barrel and stub (ohm, > 0).
    material : str or Dielectric, optional
        Dielectric around the via (name from :mod:`sikernel.channel.materials`, or object).
    c_pad_f : float, optional
        Pad capacitance per leg at each end (F, >= 0).
    z0_ohm : float, optional
        Differential reference impedance (ohm).
    name : str, optional
        Label (default describes the element).

    Returns
    -------
    Channel
        Differential 2-port on ``f``.
    """
    from .twoport import abcd_to_s, cascade_abcd

    lb = _validate.non_negative("barrel_m", barrel_m)
    ls = _validate.non_negative("stub_m", stub_m)
    zc = _validate.positive("zc_ohm", zc_ohm)
    cp = _validate.non_negative("c_pad_f", c_pad_f)
    fa, w = _grid(f)
    z0 = _validate.positive("z0_ohm", z0_ohm)
    _validate.label("name", name)
    eps = get_dielectric(material).eps_r(fa)
    gam = 1j * w * np.sqrt(eps) / constants.c
    barrel = _tline_abcd(gam * lb, zc)
    stub = np.zeros_like(barrel)
    stub[:, 0, 0] = stub[:, 1, 1] = 1.0
    stub[:, 1, 0] = np.tanh(gam * ls) / zc
    pad = np.zeros_like(barrel)
    pad[:, 0, 0] = pad[:, 1, 1] = 1.0
    pad[:, 1, 0] = 1j * w * cp / 2.0
    s = abcd_to_s(cascade_abcd(pad, barrel, stub, pad), z0)
    return Channel._trusted(fa, s, z0, name or f"via {lb * 1e3:g} mm + stub {ls * 1e3:g} mm",
                   {"element": "via", "barrel_m": lb, "stub_m": ls, "zc_ohm": zc, "c_pad_f": cp})


def on_grid(channel: Channel, f: object) -> Channel:
    """``channel`` on grid ``f`` (linear interpolation of real and imaginary parts; no extrapolation).

    Parameters
    ----------
    channel : Channel
        The channel to resample.
    f : array_like
        Target frequency grid (Hz), inside ``channel``'s grid.

    Returns
    -------
    Channel
        ``channel`` itself when the grids are equal, otherwise the interpolated copy.
    """
    fa = _validate.channel_grid(f)
    if channel.f.shape == fa.shape and np.array_equal(channel.f, fa):
        return channel
    if fa[0] < channel.f[0] - 1e-9 * max(1.0, fa[-1]) or fa[-1] > channel.f[-1] * (1 + 1e-12):
        raise SIKernelError(f"{channel.name!r} covers [{channel.f[0]:g}, {channel.f[-1]:g}] Hz; "
                            f"the grid [{fa[0]:g}, {fa[-1]:g}] Hz needs extrapolation "
                            "(use sikernel.channel.dc.extrapolate_dc for the DC end)")
    s = np.empty((fa.size, 2, 2), dtype=np.complex128)
    for i in range(2):
        for j in range(2):
            col = channel.sdd[:, i, j]
            s[:, i, j] = np.interp(fa, channel.f, col.real) + 1j * np.interp(fa, channel.f, col.imag)
    return Channel._trusted(fa, s, channel.z0_ohm, channel.name, dict(channel.meta))


def connector(model: Channel | str | Path | Any, f: object, pairs: tuple = ((1, 3), (2, 4)),
              name: str = "") -> Channel:
    """A connector (or cable, or any measured block) given as Touchstone, on grid ``f``.

    ``model`` is anything :func:`sikernel.channel.touchstone.as_channel` accepts: a
    :class:`Channel`; an ``skrf.Network`` (a 2-port is taken as the differential-mode
    block as it stands, a 4-port is converted with the port map ``pairs``); or a
    Touchstone path: ``.s2p`` read with scikit-rf as a 2-port, anything else with
    :func:`sikernel.channel.touchstone.read_touchstone` and ``pairs``.  It is
    interpolated onto ``f`` (which must lie inside its grid).

    Parameters
    ----------
    model : Channel, str, Path or skrf.Network
        The block (see above).
    f : array_like
        Frequency grid (Hz).
    pairs : ((int, int), (int, int)), optional
        Port map of a 4-port model, 1-based ``((P_tx, N_tx), (P_rx, N_rx))``
        (default ``((1, 3), (2, 4))``).
    name : str, optional
        New label (default keeps the model's).

    Returns
    -------
    Channel
        The block on ``f``.
    """
    from .touchstone import as_channel

    model = as_channel(model, "connector model", pairs=pairs)
    ch = on_grid(model, f)
    return ch.renamed(name) if _validate.label("name", name) else ch


__all__ = ["ac_coupling", "connector", "impedance_step", "on_grid", "series_l", "series_r", "shunt_c",
           "via"]
