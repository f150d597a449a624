"""Component equations of the optical side (W per lane, both directions, unless stated).

Every function takes plain floats or NumPy arrays (the Monte Carlo passes arrays of
draws) and broadcasts.  Inputs and their sources: :mod:`sikernel.system.assumptions`.

Host SerDes energy (switch end, module host-side end) is not here: it comes from the
SI chain over the architecture's channel (:func:`sikernel.power.energy_per_bit`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: mean rising level step of random PAM4 symbols, as a fraction of the full swing:
#: levels {0, 1/3, 2/3, 1} equiprobable and independent, E[max(b - a, 0)] = 5/24
PAM4_RISE_FRACTION = 5.0 / 24.0


def ring_driver_w(c_f: ArrayLike, vpp_v: ArrayLike, baud: float, predriver_factor: ArrayLike) -> np.ndarray:
    """CMOS driver of a micro-ring modulator (one lane, TX direction).

    A CMOS output stage on a supply equal to the swing ``V_pp`` draws ``C V_pp Δv`` from
    the supply on every rising step ``Δv`` of the capacitive ring load (dynamic power,
    Rabaey, Chandrakasan & Nikolić, *Digital Integrated Circuits*, eq. 5.10); random PAM4
    rises on average by ``5/24 V_pp`` per symbol (:data:`PAM4_RISE_FRACTION`), so

        P = k_pre · (5/24) · C · V_pp² · f_baud,

    ``k_pre`` the predriver + serialiser overhead (assumption).

    Parameters
    ----------
    c_f : array_like
        Load capacitance (ring junction, pad, bump) in F.
    vpp_v : array_like
        Drive swing in V.
    baud : float
        Symbol rate in Bd.
    predriver_factor : array_like
        ``k_pre`` (≥ 1).

    Returns
    -------
    ndarray
        Power in W.
    """
    c = np.asarray(c_f, dtype=float)
    v = np.asarray(vpp_v, dtype=float)
    return np.asarray(predriver_factor, dtype=float) * PAM4_RISE_FRACTION * c * v * v * baud


def els_laser_w(lane_optical_dbm: ArrayLike, wpe: ArrayLike) -> np.ndarray:
    """Electrical power of an external laser source per lane.

    ``P_el = P_opt,lane / η_wp`` with ``P_opt,lane`` the optical power a lane needs at the
    laser output (link budget, dBm) and ``η_wp`` the source's wall-plug efficiency
    (optical out / electrical in, incl. TEC and drivers).  One laser of output
    ``P_laser`` feeds ``P_laser / P_opt,lane`` lanes (:func:`lasers_per_lane`); splitting
    is taken as lossless beyond what ``P_opt,lane`` already counts.

    Parameters
    ----------
    lane_optical_dbm : array_like
        Optical power per lane at the laser output in dBm.
    wpe : array_like
        Wall-plug efficiency (0, 1].

    Returns
    -------
    ndarray
        Power in W per lane.
    """
    p_opt_w = 1e-3 * 10.0 ** (np.asarray(lane_optical_dbm, dtype=float) / 10.0)
    return p_opt_w / np.asarray(wpe, dtype=float)


def lasers_per_lane(lane_optical_dbm: ArrayLike, laser_out_dbm: ArrayLike) -> np.ndarray:
    """Lasers per lane of an external laser source: ``P_opt,lane / P_laser`` (≤ 1 when shared).

    Parameters
    ----------
    lane_optical_dbm : array_like
        Optical power per lane at the laser output in dBm.
    laser_out_dbm : array_like
        Output power of one laser in dBm.

    Returns
    -------
    ndarray
    """
    return 10.0 ** ((np.asarray(lane_optical_dbm, dtype=float) - np.asarray(laser_out_dbm, dtype=float))
                    / 10.0)


def linear_eq_w(peaking_db: float, baud: float, node_nm: float) -> float:
    """CTLE + VGA of one linear driver or TIA (one direction of one lane), W.

    The stages a linear module needs for ``peaking_db`` of CTLE peaking (the study uses its
    own path's bandwidth loss at Nyquist) plus a VGA: the
    energy model's RX AFE stages (:func:`sikernel.power.blocks.ctle_stages`,
    :func:`sikernel.power.blocks.afe_stage_w` -- gain-bandwidth with self-loading, square-law
    tail current) for ``peaking_db`` plus its VGA stages, at the module's node.

    Parameters
    ----------
    peaking_db : float
        CTLE peaking the linear driver / TIA provides (dB).
    baud : float
        Symbol rate in Bd.
    node_nm : float
        CMOS node of the linear module electronics.

    Returns
    -------
    float
        Power in W.
    """
    from ..power import blocks
    from ..power.coefficients import DEFAULT_COEFFICIENTS as co
    from ..power.technology import get_technology

    tech = get_technology(node_nm)
    n = blocks.ctle_stages(peaking_db, co)
    g = 10.0 ** (co.gain_stage_db / 20.0)
    p = blocks.afe_stage_w(n, baud, tech, co) + blocks.afe_stage_w(co.vga_stages, baud, tech, co, gain=g)
    return float(p)


__all__ = ["PAM4_RISE_FRACTION", "els_laser_w", "lasers_per_lane", "linear_eq_w", "ring_driver_w"]
