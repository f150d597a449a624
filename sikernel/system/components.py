"""Component equations of the optical side (W per lane, both directions, unless stated).

Every function takes plain floats or NumPy arrays (the Monte Carlo passes arrays of
draws) and broadcasts.  Inputs and their sources: :mod:`sikernel.system.assumptions`.

Host SerDes energy (switch end, module host-side end) is not here: it comes from the
SI chain over the architecture's channel (:func:`sikernel.power.energy_per_bit`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..errors import SIKernelError


def _checked(name: str, value: ArrayLike, *, low: float = 0.0, high: float | None = None,
             low_closed: bool = False, fix: str = "") -> np.ndarray:
    """``value`` as a float array, every element finite and in ``(low, high]`` (``[low, high]`` if
    ``low_closed``), else :class:`~sikernel.errors.SIKernelError` naming the first bad element.

    Arrays pass (the Monte Carlo hands draws); the check runs before any computation.
    """
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SIKernelError(f"{name}={value!r} is not a number; expected a finite real value or "
                            "array") from None
    bad = ~np.isfinite(a) | ((a < low) if low_closed else (a <= low))
    if high is not None:
        bad |= a > high
    if bad.any():
        first = a[bad].flat[0] if a.ndim else float(a)
        lo = "[" if low_closed else "("
        hi = f"{high:g}]" if high is not None else "inf)"
        raise SIKernelError(f"{name}={first!r} is outside the accepted range {lo}{low:g}, {hi}"
                            + (f"; {fix}" if fix else ""))
    return a


_UNITS_HINT = "give SI units (F, V, Hz)"


def pair_steering_input(swing_fraction: ArrayLike) -> np.ndarray:
    """Differential input (peak, in units of the pair's overdrive ``V_ov``) that steers a fraction
    ``x`` of a square-law differential pair's tail current.

    The square-law pair (Razavi, *Design of Analog CMOS Integrated Circuits*, 2nd ed., §4.3.2,
    large-signal behaviour of the MOS differential pair) with overdrive ``V_ov`` at balance gives

        ΔI / I_tail = u · sqrt(1 - u²/4),   u = ΔV_in / V_ov,

    (full steering at ``u = √2``), so ``u² = 2 (1 - sqrt(1 - x²))``.

    Parameters
    ----------
    swing_fraction : array_like
        ``x`` = ΔI / I_tail at the outer PAM4 levels, in (0, 1].

    Returns
    -------
    ndarray
        ``u`` (dimensionless).

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    x = _checked("swing_fraction", swing_fraction, high=1.0,
                 fix="the fraction of the tail current steered at the outer levels (0.6 = RLM 0.95)")
    return np.sqrt(2.0 * (1.0 - np.sqrt(1.0 - x * x)))


def ring_output_stage(c_ring_f: ArrayLike, c_out_f: ArrayLike, vpp_v: ArrayLike, headroom_v: ArrayLike,
                      f3db_hz: ArrayLike, swing_fraction: ArrayLike, bw_extension: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear output stage of a direct-drive micro-ring driver (one lane, TX direction).

    A differential CML pair (tail ``I``, resistive loads ``R_L`` with inductive peaking of
    bandwidth-extension ratio ``m``) drives the ring **single-ended and DC-coupled** from one
    output; the complementary output drives a replica load (no extra current: the tail is
    shared).  Single-ended, because a depletion-mode ring junction needs a reverse DC bias,
    which the output's common mode sets without the coupling capacitors and bias network a
    push-pull drive across the floating junction needs (that drive would halve ``I`` for the
    same junction swing; Razavi, *Design of Integrated Circuits for Optical Communications*,
    2nd ed., ch. on modulator drivers: CML output stages, swing = ``I R_L``).

    * bandwidth: the driven node (ring junction + pad + bump ``C_ring`` plus the stage's own
      drain, cascode and ESD capacitance ``C_out``) must reach ``f_3dB``:
      ``R_L = m / (2π f_3dB (C_ring + C_out))`` (shunt-peaked RC stage, T. H. Lee, *The Design
      of CMOS Radio-Frequency ICs*, 2nd ed., §9.2, Table 9.1);
    * swing: a linear PAM4 stage steers only a fraction ``x`` of its tail at the outer levels
      (:func:`pair_steering_input`), so the single-ended swing ``V_pp = x · I · R_L`` and
      ``I = V_pp / (x R_L)``;
    * supply: ``V_DD = V_pp + V_headroom`` (tail source + pair saturation at the lowest output
      level; stacked or thick-oxide devices carry it);

        P_out = (V_pp + V_headroom) · V_pp · 2π f_3dB (C_ring + C_out) / (x · m).

    Parameters
    ----------
    c_ring_f : array_like
        Ring junction + pad + bump capacitance in F.
    c_out_f : array_like
        The stage's own capacitance at the driven node (drain, cascode, ESD) in F.
    vpp_v : array_like
        Single-ended peak-to-peak swing on the ring in V.
    headroom_v : array_like
        Supply headroom above the swing in V.
    f3db_hz : array_like
        -3 dB bandwidth the stage must reach in Hz.
    swing_fraction : array_like
        ``x``, tail fraction steered at the outer PAM4 levels, in (0, 1].
    bw_extension : float
        ``m`` (≥ 1).

    Returns
    -------
    p_w : ndarray
        Stage power in W.
    i_tail_a : ndarray
        Tail current in A.
    r_load_ohm : ndarray
        Load resistance in ohm.

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    c = (_checked("c_ring_f", c_ring_f, fix=_UNITS_HINT)
         + _checked("c_out_f", c_out_f, low_closed=True, fix=_UNITS_HINT))
    v = _checked("vpp_v", vpp_v, fix=_UNITS_HINT)
    headroom = _checked("headroom_v", headroom_v, low_closed=True, fix=_UNITS_HINT)
    f3 = _checked("f3db_hz", f3db_hz, fix=_UNITS_HINT)
    x = _checked("swing_fraction", swing_fraction, high=1.0,
                 fix="the fraction of the tail current steered at the outer levels (0.6 = RLM 0.95)")
    m = _checked("bw_extension", bw_extension, low=1.0, low_closed=True,
                 fix="the shunt-peaking bandwidth-extension ratio (1 = no peaking)")
    r_l = m / (2.0 * np.pi * f3 * c)
    i = v / (x * r_l)
    return (v + headroom) * i, i, r_l


#: output-stage drain + cascode + ESD capacitance per ampere of tail current at constant current
#: density: ~0.3 fF/um of FinFET drain at the ~0.3 mA/um peak-f_T density (S. P. Voinigescu,
#: *High-Frequency Integrated Circuits*, Cambridge 2013, constant-current-density design) -> ~1 fF/mA;
#: the rule the ``ring_driver_c_out_f`` assumption quotes (sikernel.system.assumptions)
C_OUT_PER_TAIL_F_PER_A = 1e-12


def ring_c_out_from_tail_f(c_ring_f: float, vpp_v: float, f3db_hz: float, swing_fraction: float,
                           bw_extension: float, c_per_tail_f_per_a: float = C_OUT_PER_TAIL_F_PER_A) -> float:
    """The output stage's own capacitance solved with the tail current it carries (F).

    With ``C_out = c_d · I`` in :func:`ring_output_stage`'s ``I = V_pp 2π f_3dB (C_ring + C_out) /
    (x m)``: ``I = I_0 / (1 - ρ)``, ``I_0 = V_pp 2π f_3dB C_ring / (x m)``,
    ``ρ = c_d V_pp 2π f_3dB / (x m)``, so ``C_out = c_d I_0 / (1 - ρ)``.  For ``ρ ≥ 1`` each added
    mA of tail adds more capacitance than it can drive: the single-ended stage cannot reach
    that swing and bandwidth (``inf``).  The study holds ``C_out`` at its assumption's point
    value; this is the alternative its docs and README quote (docs/energy-model.md 6.4.1).

    Parameters
    ----------
    c_ring_f : float
        Ring (+ pad, bump) capacitance in F.
    vpp_v : float
        Ring swing in V.
    f3db_hz : float
        Bandwidth the stage must reach in Hz.
    swing_fraction : float
        Tail fraction steered at the outer PAM4 levels, in (0, 1].
    bw_extension : float
        Peaking ratio ``m`` (≥ 1).
    c_per_tail_f_per_a : float, optional
        ``c_d`` in F/A (default :data:`C_OUT_PER_TAIL_F_PER_A`).

    Returns
    -------
    float
        ``C_out`` in F (``inf`` where ``ρ ≥ 1``).

    Raises
    ------
    SIKernelError
        An input outside its accepted range (as :func:`ring_output_stage`).
    """
    c = float(_checked("c_ring_f", c_ring_f))
    v = float(_checked("vpp_v", vpp_v))
    f = float(_checked("f3db_hz", f3db_hz))
    x = float(_checked("swing_fraction", swing_fraction, high=1.0))
    m = float(_checked("bw_extension", bw_extension, low=1.0, low_closed=True))
    cd = float(_checked("c_per_tail_f_per_a", c_per_tail_f_per_a))
    k = v * 2.0 * np.pi * f / (x * m)
    rho = cd * k
    return math.inf if rho >= 1.0 else cd * k * c / (1.0 - rho)


def ring_predriver_w(i_tail_a: ArrayLike, swing_fraction: ArrayLike, input_vppd: ArrayLike, baud: float,
                     node_nm: float) -> np.ndarray:
    """Pre-driver of the linear ring driver: gain stages + a tapered buffer chain (W, one lane).

    * The output pair (tail ``I``, overdrive ``V_ov`` = the energy model's ``v_ov_v``) needs a
      differential input of ``2 u V_ov`` peak-to-peak to steer its fraction ``x``
      (:func:`pair_steering_input`); the switch SerDes delivers ``V_in`` at the engine, so the
      pre-driver gain is ``G = max(1, 2 u V_ov / V_in)``, built from
      ``ceil(20 log10 G / gain_stage_db)`` gain cells (0 when ``G = 1``).
    * The output pair's input capacitance is ``C_g = g_m / (2π f_T)``, ``g_m = I / V_ov``
      (square-law pair at balance); unity-gain buffers taper the drive from the AFE cell load
      ``c_afe_f`` up to ``C_g``.  Each buffer reaching the AFE bandwidth into a load ``C``
      presents ``r C`` at its own input, ``r = (g_m / C) / (2π f_T)``, so the chain's loads are
      ``C_g, r C_g, r² C_g, …`` down to ``c_afe_f``: ``n = max(1, ceil(ln(C_g / c_afe_f) / ln(1/r)))``
      stages and ``Σ = C_g (1 - rⁿ) / (1 - r)`` of load.

    Every stage is priced like the energy model's RX AFE stages
    (:func:`sikernel.power.blocks.afe_stage_w`: gain-bandwidth with self-loading and peaking,
    square-law tail current, at the node's analog supply), as :func:`linear_eq_w` prices the
    linear EQ; a buffer's power is proportional to its load.

    Parameters
    ----------
    i_tail_a : array_like
        Output-stage tail current in A.
    swing_fraction : array_like
        Tail fraction steered at the outer PAM4 levels.
    input_vppd : array_like
        Differential peak-to-peak swing the switch SerDes delivers at the engine in V.
    baud : float
        Symbol rate in Bd.
    node_nm : float
        CMOS node of the engine electronics.

    Returns
    -------
    ndarray
        Power in W.

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    from ..power import blocks
    from ..power.coefficients import DEFAULT_COEFFICIENTS as co
    from ..power.technology import get_technology

    i_tail = _checked("i_tail_a", i_tail_a, fix="the output stage's tail current in A")
    v_in = _checked("input_vppd", input_vppd, fix="the differential swing at the engine input in V")
    _checked("baud", baud, fix="the symbol rate in Bd")
    tech = get_technology(node_nm)
    v_need = 2.0 * pair_steering_input(swing_fraction) * co.v_ov_v
    gain_db = np.maximum(20.0 * np.log10(v_need / v_in), 0.0)
    n_gain = np.ceil(gain_db / co.gain_stage_db - 1e-9)
    g = 10.0 ** (co.gain_stage_db / 20.0)
    p_gain = blocks.afe_stage_w(n_gain, baud, tech, co, gain=g)
    two_pi_ft = 2.0 * np.pi * blocks.f_t_of(tech, co)
    c_g = i_tail / co.v_ov_v / two_pi_ft
    r = blocks.afe_gm_per_c(baud, co, 1.0, tech) / two_pi_ft
    n_buf = np.maximum(1.0, np.ceil(np.log(np.maximum(c_g / co.c_afe_f, 1.0)) / np.log(1.0 / r) - 1e-9))
    load_f = c_g * (1.0 - r ** n_buf) / (1.0 - r)
    w_per_f = float(blocks.afe_stage_w(1, baud, tech, co)) / co.c_afe_f
    return p_gain + w_per_f * load_f


def ring_driver_w(c_ring_f: ArrayLike, c_out_f: ArrayLike, vpp_v: ArrayLike, headroom_v: ArrayLike,
                  f3db_over_baud: ArrayLike, swing_fraction: ArrayLike, input_vppd: ArrayLike, baud: float,
                  node_nm: float) -> np.ndarray:
    """Linear direct-drive micro-ring driver (one lane, TX direction): output stage + pre-driver, W.

    Direct drive (no retimer in the engine): the switch SerDes's PAM4 signal arrives over the
    package trace and is amplified linearly to the ring's swing with the bandwidth
    ``f_3dB = f3db_over_baud · baud`` of the linear optical path.  :func:`ring_output_stage`
    (with the energy model's peaking ratio ``bw_extension``) + :func:`ring_predriver_w`.
    The ring heater is a separate block.

    Parameters
    ----------
    c_ring_f, c_out_f : array_like
        Ring (+ pad, bump) and output-stage capacitance at the driven node in F.
    vpp_v : array_like
        Ring swing in V.
    headroom_v : array_like
        Output-stage supply headroom in V.
    f3db_over_baud : array_like
        Linear path bandwidth over the baud.
    swing_fraction : array_like
        Tail fraction steered at the outer PAM4 levels.
    input_vppd : array_like
        Swing at the engine input in V (differential peak-to-peak).
    baud : float
        Symbol rate in Bd.
    node_nm : float
        CMOS node of the engine electronics.

    Returns
    -------
    ndarray
        Power in W.

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    from ..power.coefficients import DEFAULT_COEFFICIENTS as co

    f3 = _checked("f3db_over_baud", f3db_over_baud, fix="the linear path's -3 dB bandwidth over the baud") \
        * _checked("baud", baud, fix="the symbol rate in Bd")
    p_out, i, _ = ring_output_stage(c_ring_f, c_out_f, vpp_v, headroom_v, f3, swing_fraction, co.bw_extension)
    return p_out + ring_predriver_w(i, swing_fraction, input_vppd, baud, node_nm)


def els_laser_w(laser_out_dbm: ArrayLike, lanes_per_laser: ArrayLike, wpe: ArrayLike,
                lane_budget_dbm: ArrayLike | None = None) -> np.ndarray:
    """Electrical power of an external laser source per lane.

    A laser of the source runs at output ``P_laser`` (the study's: :func:`els_laser_output_dbm`
    of the light provisioned per lane) and feeds ``N`` lanes (the product's structure: NVIDIA
    Quantum-X Photonics, 36 laser inputs for 18 engines of 8 TX lanes, N = 4), so with wall-plug
    efficiency ``η_wp`` (optical out / electrical in, incl. TEC and drivers)

        P_el / lane = P_laser / (η_wp · N).

    Whether ``P_laser / N`` suffices for the lane's link budget is a check
    (:func:`els_lane_light_dbm`).  With ``lane_budget_dbm`` given, a lane is never priced below
    the light its budget needs: ``P_el / lane = max(P_laser / N, P_budget) / η_wp`` (a source that
    closes the link provisions more light; with the documented ranges it does not bind, a user value
    can make it).

    Parameters
    ----------
    laser_out_dbm : array_like
        Output of one laser (per fibre of the source) in dBm.
    lanes_per_laser : array_like
        TX lanes one laser feeds (≥ 1).
    wpe : array_like
        Wall-plug efficiency (0, 1].
    lane_budget_dbm : array_like, optional
        Light a lane needs at the laser side of the split (dBm); None: no floor.

    Returns
    -------
    ndarray
        Power in W per lane.

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    p_w = 1e-3 * 10.0 ** (_checked("laser_out_dbm", laser_out_dbm, low=-np.inf) / 10.0)
    lane_w = p_w / _lanes(lanes_per_laser)
    if lane_budget_dbm is not None:
        lane_w = np.maximum(lane_w, 1e-3 * 10.0 ** (_checked("lane_budget_dbm", lane_budget_dbm,
                                                             low=-np.inf) / 10.0))
    return lane_w / _checked("wpe", wpe, high=1.0, fix="optical out / electrical in, e.g. 0.15")


#: the brightest per-fibre class of an external laser source (dBm): OIF ELSFP implementation agreement,
#: per-fibre classes 11-26 dBm (as quoted by a vendor blog, M-L).  One laser gives at most this, so
#: it can feed at most ``10^((ELS_TOP_CLASS_DBM - P_lane)/10)`` lanes of ``P_lane`` dBm each
ELS_TOP_CLASS_DBM = 26.0


def els_lanes_per_laser_priced(lane_light_dbm: ArrayLike, lanes_per_laser: ArrayLike,
                               top_class_dbm: float = ELS_TOP_CLASS_DBM) -> np.ndarray:
    """Lanes one laser feeds once the brightest class is respected: ``clip(N, 1, N_max)``.

    ``N_max = 10^((P_top - P_lane)/10)``: a source that provisions ``P_lane`` per lane with
    lasers of at most ``P_top`` (:data:`ELS_TOP_CLASS_DBM`) shares each over at most ``N_max``
    lanes, so a sharing beyond it takes more lasers, not less light per lane (review 35 M1:
    capping the light instead priced an unsourced 26 dBm laser over 8 lanes in CPO's favour).
    At least one lane per laser: a provision above ``P_top`` is one laser per lane, at ``P_top``.

    Parameters
    ----------
    lane_light_dbm : array_like
        Light provisioned per lane at the laser side of the split (dBm).
    lanes_per_laser : array_like
        TX lanes the product shares one laser over (>= 1).
    top_class_dbm : float, optional
        Brightest output one laser can give (dBm).

    Returns
    -------
    ndarray
        Lanes per laser, 1 <= N_eff <= N.

    Raises
    ------
    SIKernelError
        An input non-finite or lanes per laser below 1, naming the value.
    """
    light = _checked("lane_light_dbm", lane_light_dbm, low=-np.inf)
    top = _checked("top_class_dbm", top_class_dbm, low=-np.inf)
    return np.maximum(1.0, np.minimum(_lanes(lanes_per_laser), 10.0 ** ((top - light) / 10.0)))


def els_laser_output_dbm(lane_light_dbm: ArrayLike, lanes_per_laser: ArrayLike,
                         top_class_dbm: float = ELS_TOP_CLASS_DBM) -> np.ndarray:
    """Output of one laser that gives each of its lanes ``P_lane`` (dBm), within the top class.

    ``P_laser = min(P_lane + 10 log10 N_eff, P_top)`` with ``N_eff`` from
    :func:`els_lanes_per_laser_priced` (an ideal 1:N split as in :func:`els_lane_light_dbm`).
    The source is sized by the light a lane is provisioned with (the product's figure,
    ``els_lane_light_dbm``); how many lanes share a laser sets how many lasers there are and how
    bright each is, not the light per lane.  (Until December 2026 the study drew the laser's
    output and its lanes independently, so that 8 lanes on a laser sized for 4 halved the light
    per lane; trial 98 M1.)

    Parameters
    ----------
    lane_light_dbm : array_like
        Light provisioned per lane at the laser side of the split (dBm).
    lanes_per_laser : array_like
        TX lanes the product shares one laser over (>= 1).
    top_class_dbm : float, optional
        Brightest output one laser can give (dBm).

    Returns
    -------
    ndarray
        dBm per laser.

    Raises
    ------
    SIKernelError
        An input non-finite or lanes per laser below 1, naming the value.
    """
    n = els_lanes_per_laser_priced(lane_light_dbm, lanes_per_laser, top_class_dbm)
    return np.minimum(np.asarray(lane_light_dbm, dtype=float) + 10.0 * np.log10(n), float(top_class_dbm))


def els_lane_light_dbm(laser_out_dbm: ArrayLike, lanes_per_laser: ArrayLike) -> np.ndarray:
    """Light per lane at the laser side of the split: ``P_laser - 10 log10 N`` (dBm).

    An ideal 1:N split; its excess loss, the fibre, connector and PIC coupling losses are in
    the lane's link budget it is compared with.

    Parameters
    ----------
    laser_out_dbm : array_like
        Output of one laser in dBm.
    lanes_per_laser : array_like
        Lanes one laser feeds.

    Returns
    -------
    ndarray
        dBm per lane.

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    return _checked("laser_out_dbm", laser_out_dbm, low=-np.inf) - 10.0 * np.log10(_lanes(lanes_per_laser))


def _lanes(lanes_per_laser: ArrayLike) -> np.ndarray:
    """Lanes one laser feeds, >= 1 (a real number: the Monte Carlo relaxes the whole number)."""
    return _checked("lanes_per_laser", lanes_per_laser, low=1.0, low_closed=True,
                    fix="a laser feeds at least one lane")


def lasers_per_lane(lanes_per_laser: ArrayLike) -> np.ndarray:
    """Lasers per lane of an external laser source: ``1 / N``.

    Parameters
    ----------
    lanes_per_laser : array_like
        Lanes one laser feeds.

    Returns
    -------
    ndarray

    Raises
    ------
    SIKernelError
        An input non-finite or outside its accepted range (fractions and efficiencies in (0, 1],
        lanes per laser >= 1, capacitances, swings and bandwidths > 0), naming the value.
    """
    return 1.0 / _lanes(lanes_per_laser)


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


__all__ = ["C_OUT_PER_TAIL_F_PER_A", "ELS_TOP_CLASS_DBM", "els_lane_light_dbm", "els_lanes_per_laser_priced",
           "els_laser_output_dbm", "els_laser_w", "lasers_per_lane", "linear_eq_w", "pair_steering_input",
           "ring_c_out_from_tail_f", "ring_driver_w", "ring_output_stage", "ring_predriver_w"]
