"""Noise/ISI budget: from post-equalisation SI figures to launch swing, ADC ENOB and block powers.

The signal-integrity stage (:mod:`sikernel.power.si`) reduces each candidate
transceiver configuration to a few numbers in the terms of the COM figure of
merit (IEEE 802.3 93A.1.6, eqs. 93A-30…36), per volt of launch amplitude ``A``
(the differential peak of the outer PAM level):

* ``a`` -- the half-eye signal ``A_s/A = R_LM h0/(L-1)``,
* ``r2`` -- the variances that scale with ``A²``: TX noise, residual ISI after
  the equaliser, jitter and, when the SI chain was given aggressors
  (:mod:`sikernel.power.crosstalk`), crosstalk (``(σ_TX² + σ_ISI² + σ_J² + σ_XT²)/A²``;
  every lane launches the same swing, so crosstalk scales with ``A²`` too),
* ``var_n`` -- the receiver's thermal noise after its filters and equaliser (V²),
  computed with the COM η0 and rescaled by ``η0/8.2e-18 V²/Hz`` for the
  receiver's own noise density (:func:`noise_density_v2_per_hz`, which falls
  as the first-stage g_m -- and its power -- rises; the equaliser stays as chosen),
* ``q_coef`` -- for an ADC receiver, the quantisation noise ``σ_q²/(A² 4^-N)``
  referred through the RX FFE (``Σ w_k² · FS_pp²/12``, uniform quantiser).

Treating the sum as Gaussian (as the COM FOM does), PAM-L with Gray coding has
``BER = SER/log2 L`` and ``SER = 2(1 - 1/L) Q(A_s/σ)``, so the link closes at
the target BER when ``a² A² ≥ Q_req² (r2 A² + q_coef 4^-N A² + var_n)``:

    A_req = Q_req sqrt(var_n / (a² - Q_req² (r2 + q_coef 4^-N)))         (B1)

impossible when the bracket is ≤ 0 (ISI- or quantisation-limited: no swing
helps) or when ``A_req`` exceeds what the TX supply can launch (swing-limited).
The launch swing is ``hypot(A_req, min_launch_peak_v)`` (supply noise and slicer
offsets are not in this budget, nor is crosstalk unless the SI chain carries it;
short-reach transmitters do not go below that floor, and the hypot keeps the swing
strictly increasing with A_req).
With ``A_req² = K·η0(x)`` and ``η0(x) = η_T + η_A1/x`` (:func:`noise_terms`),
the receiver's first-stage g_m multiple ``x`` trades AFE power ``c1·x`` against
driver power ``c2·η0(x)`` (``c2 = 4K/((R_s+R_t)η)``); the energy minimum is

    x* = sqrt(c2 η_A1 / c1),  raised to the smallest x whose swing fits the supply   (B2)

(clipped to [1, :data:`GM_MAX`]).  For an ADC receiver the ENOB is chosen on a
grid for least total energy (more bits cost ADC and DSP power, fewer need more
swing).  ``Q_req`` carries the design margin ``design_margin_db`` (the 3 dB of
the COM pass threshold) on top of the BER target.

A DSP receiver whose MMSE RX FFE was solved at several thermal-noise levels
(:data:`sikernel.power.si.DSP_MMSE_NOISE_DB`; one :class:`OpTable` column per level,
:func:`dsp_level_groups`) is one candidate per ENOB, not one per level.  For a fixed
receiver (RX FFE taps, DFE, MLSD), ENOB and BER the levels differ only in ``a``, ``r2``,
``var_n``, ``q_coef`` (and, on the channel path, the MLSD gain in ``Q``); with ``h = 0``
every quantity the budget prices and every closure test is a function of
``K = Q² k_var / (a² - Q² (r2 + q_coef 4^-N))`` alone: ``A² = K η0(x)`` (B1), ``x*`` and the
supply bound ``η0(x) ≤ A_max²/K`` (B2), and the cost ``c_tx K η0(x) + c1 x`` minimised over
the allowed ``x`` rises strictly with ``K`` (the allowed set shrinks, the integrand grows).
So the level with the least ``K`` is the cheapest closing level of that candidate, exactly:

    level(receiver, N, point) = argmin_level K                                         (B5)

(where no level closes, the one with the highest SNR ceiling ``a²/r2``, for the reason
reported).  ``K`` is a handful of array operations per level; the rest of the budget
(swing, g_m, block powers) runs once per candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.constants import Boltzmann
from scipy.special import erfcinv

from . import blocks
from .coefficients import EnergyCoefficients
from .sequence import finite_ser_gain_db
from .technology import Technology

#: receiver noise density (V²/Hz) at which the SI chain chooses the equaliser (COM 802.3ck η0)
ETA0_SI_V2_PER_HZ = 8.2e-18
#: largest first-stage transconductance multiple considered (noise-power trade-off)
GM_MAX = 64.0
#: most full-bandwidth gain stages a slicer receiver's AFE may chain (B4)
GAIN_STAGES_MAX = 6


def noise_terms(baud: float, tech: Technology, co: EnergyCoefficients) -> tuple[float, float]:
    """(η_T, η_A1): termination noise and input-pair noise at ``x = 1`` (V²/Hz).

    Receiver input-referred noise density (one-sided, differential):

        η0(x) = 4kT·(R_T ∥ R_S) + F · 8kT / (x · 2π f_bw C_L)  =  η_T + η_A1 / x

    The 100 Ω differential termination in parallel with the 100 Ω source gives
    ``4kT·50 Ω``; a differential pair of transconductance ``g_m`` per side has
    input-referred density ``8kTγ/g_m`` (Razavi, *Design of Analog CMOS ICs*,
    ch. 7); later stages, CTLE degeneration and the slicer are folded into the
    excess factor ``F = noise_excess`` (fitted).  ``g_m = x · 2π f_bw C_L`` with
    ``x ≥ 1`` the design choice: more g_m, less noise, ``x`` times the first
    stage's power.
    """
    kt = Boltzmann * co.temperature_k
    r_par = co.r_term_diff_ohm * co.r_source_diff_ohm / (co.r_term_diff_ohm + co.r_source_diff_ohm)
    gm_min = blocks.afe_gm_per_c(baud, co, 1.0, tech) * co.c_afe_f
    return 4.0 * kt * r_par, co.noise_excess * 8.0 * kt / gm_min


#: points per block of the DSP noise-level choice in a batch (B5; keeps its arrays in cache)
SELECT_BLOCK_POINTS = 512
#: ENOB candidates for ADC receivers (bits)
ENOB_GRID = np.arange(3.0, 8.01, 0.25)

#: block names in report order
BLOCKS: tuple[str, ...] = ("tx_driver", "tx_ffe", "tx_serializer", "rx_afe", "adc", "dsp_ffe", "dsp_dfe",
                           "mlsd", "dsp_adapt_cdr", "slicers_dfe", "clocking_pll", "serdes_fixed")
_TX_BLOCKS = ("tx_driver", "tx_ffe", "tx_serializer")
#: the receiver's digital datapath: what an "analog part" figure leaves out (scope "rx_analog")
DIGITAL_RX_BLOCKS: tuple[str, ...] = ("dsp_ffe", "dsp_dfe", "mlsd", "dsp_adapt_cdr")
#: what a published figure may cover: both ends, the transmitter, the receiver, or the receiver's
#: analog part (AFE, ADC/slicers, clocking, fixed share; no digital datapath)
SCOPES: tuple[str, ...] = ("txrx", "tx", "rx", "rx_analog")
#: transmitter kinds: "ffe" (SST driver with analog FFE taps) or "dac" (DSP FIR + DAC)
TX_KINDS: tuple[str, ...] = ("ffe", "dac")
FAMILIES: tuple[str, ...] = ("linear", "analog", "dsp")


@dataclass(frozen=True, eq=False)
class OpTable:
    """Post-EQ SI figures of ``n`` candidate configurations (struct of arrays).

    Attributes
    ----------
    family : ndarray of str
        "analog", "dsp" or "linear" per configuration.
    a, r2, var_n, q_coef, mlsd_gain_db : ndarray of float
        See the module docstring (per volt of launch amplitude; ``var_n`` in V²).
    tx_taps, ctle_peaking_db, rx_ffe_taps, dfe_taps, mlsd : ndarray
        Equaliser settings (``tx_taps``: TX FFE taps in use, main included; per point like the
        figures in a batch).
    extra : dict
        Any further per-configuration arrays to carry into the result (e.g. TX taps, CTLE gDC).
    """

    family: np.ndarray
    a: np.ndarray
    r2: np.ndarray
    var_n: np.ndarray
    q_coef: np.ndarray
    mlsd_gain_db: np.ndarray
    tx_taps: np.ndarray
    ctle_peaking_db: np.ndarray
    rx_ffe_taps: np.ndarray
    dfe_taps: np.ndarray
    mlsd: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.a.size)


def max_ber(levels: int) -> float:
    """Largest BER the error relation of :func:`q_required` reaches: its value at ``Q = 0``.

    ``BER = 2 (1 - 1/L) Q(q) / log2 L`` at ``Q(0) = 1/2`` is ``(1 - 1/L) / log2 L`` (Proakis,
    *Digital Communications*, 5th ed., eq. 4.3-5): 0.5 for NRZ, 0.375 for PAM4, 0.323 for PAM6,
    0.292 for PAM8.  A target at or above it asks for no eye at all (:func:`q_required` would return
    0).  (The relation counts one bit per symbol error, as Gray coding gives for rare errors between
    adjacent levels; a receiver with no signal at all errs on nearer half of its bits.)

    Parameters
    ----------
    levels : int
        Number of PAM levels ``L`` (>= 2).

    Returns
    -------
    float
        The relation's BER at ``Q = 0``.
    """
    return (1.0 - 1.0 / levels) / math.log2(levels)


def q_required(target_ber: float, levels: int) -> float:
    """``Q`` (half-eye over rms noise) that gives ``target_ber`` for Gray-coded PAM-L.

    ``BER = 2 (1 - 1/L) Q(x) / log2 L`` with ``Q(x) = erfc(x/√2)/2`` (Proakis,
    *Digital Communications*, 5th ed., eq. 4.3-5 for the PAM symbol error rate).

    Parameters
    ----------
    target_ber : float
        Bit error ratio to reach (0 < BER < 0.1).
    levels : int
        Number of PAM levels ``L``.

    Returns
    -------
    float
        Required ``Q`` (linear ratio, no margin).
    """
    ser = target_ber * math.log2(levels)
    p = ser / (2.0 * (1.0 - 1.0 / levels))
    return float(math.sqrt(2.0) * erfcinv(2.0 * min(p, 0.5)))


@dataclass
class Solved:
    """Per-configuration (and per-ENOB) solution arrays; see :func:`solve`.

    Attributes
    ----------
    closes : ndarray of bool
        The candidate closes the link (``limit == 0``).
    amp_v : ndarray of float
        Launch peak amplitude ``A`` in V (differential, outer PAM level); ``inf`` when ISI-limited.
    enob : ndarray of float
        ADC ENOB of the candidate (bits); NaN for receivers without an ADC.
    power_w : dict
        Block name (:data:`BLOCKS`) -> power in W, restricted to ``scope``.
    total_w : ndarray of float
        TX + RX power in W (the quantity minimised, whatever ``scope``).
    limit : ndarray of int
        0 closes, 1 ISI/quantisation-limited, 2 swing-limited, 3 analog DFE feedback loop
        cannot settle within one UI (:func:`sikernel.power.blocks.dfe_timing_factor`).
    snr_ceiling_db : ndarray of float
        Post-EQ SNR in dB with no thermal noise (``a²/r2``).
    q_eff : ndarray of float
        Required Q with design margin, MLSD gain and linear margin applied.
    config_index : ndarray of int
        Index into the configurations of the :class:`OpTable` for each candidate, shaped like
        ``total_w``: a DSP candidate's is the column of the MMSE noise level chosen for it (B5),
        which in a batch may differ from point to point.
    gm_x : ndarray of float
        First-stage transconductance multiple ``x`` chosen (B2).
    eta0_v2_per_hz : ndarray of float
        Receiver input-referred noise density in V²/Hz at ``gm_x``.
    gain_stages : ndarray of float
        Full-bandwidth gain (VGA) stages chosen (B4).
    """

    closes: np.ndarray
    amp_v: np.ndarray
    enob: np.ndarray
    power_w: dict[str, np.ndarray]  # per block, restricted to ``scope``
    total_w: np.ndarray             # TX + RX total (the quantity minimised)
    limit: np.ndarray  # 0 ok, 1 ISI/quantisation-limited, 2 swing-limited, 3 DFE timing
    snr_ceiling_db: np.ndarray
    q_eff: np.ndarray
    config_index: np.ndarray
    gm_x: np.ndarray
    eta0_v2_per_hz: np.ndarray
    gain_stages: np.ndarray  # full-bandwidth gain (VGA) stages chosen (B4)


def with_retimed_ctle_only(op: OpTable) -> OpTable:
    """Append, for every ``linear`` configuration, the same equaliser as an ``analog`` (retimed)
    receiver with no DFE tap: CTLE + slicers + clock recovery, no feedback taps.

    The SI figures of a 0-tap DFE are those of the linear family (same TX FFE × CTLE
    search, :func:`sikernel.power.si.op_table`); only the budget differs (no
    ``linear_margin_db``, slicers and clocking priced).  Short channels are run this way
    (equalisation switched off: e.g. the "flexible RX equalization" of Dickson et al.,
    IEEE JSSC 50(8), 2015).  Works on 1-D (configurations) and 2-D (points × configurations)
    figure arrays.

    Parameters
    ----------
    op : OpTable
        Candidate configurations.

    Returns
    -------
    OpTable
        ``op`` with the retimed copies appended (``op`` itself when it has no linear configuration).
    """
    lin = np.nonzero(op.family == "linear")[0]
    if lin.size == 0:
        return op

    def cat(v: np.ndarray) -> np.ndarray:
        return np.concatenate([v, v[..., lin]], axis=-1)

    fam = np.concatenate([op.family, np.full(lin.size, "analog", dtype=op.family.dtype)])
    return OpTable(family=fam, a=cat(op.a), r2=cat(op.r2), var_n=cat(op.var_n), q_coef=cat(op.q_coef),
                   mlsd_gain_db=cat(op.mlsd_gain_db), tx_taps=cat(op.tx_taps),
                   ctle_peaking_db=cat(op.ctle_peaking_db), rx_ffe_taps=cat(op.rx_ffe_taps),
                   dfe_taps=cat(op.dfe_taps), mlsd=cat(op.mlsd),
                   extra={k: cat(v) for k, v in op.extra.items()})


def dsp_level_groups(op: OpTable) -> list[np.ndarray]:
    """DSP configuration columns of ``op``, grouped by receiver across MMSE noise levels.

    A group holds the columns of one DSP receiver (RX FFE taps, DFE taps, MLSD, and the same
    TX FFE and CTLE at every point) whose MMSE RX FFE was solved at different thermal-noise
    levels (``op.extra["mmse_noise_db"]``, :data:`sikernel.power.si.DSP_MMSE_NOISE_DB`), in
    column order; :func:`solve` offers each group once per ENOB and picks its level (B5).
    Without the ``mmse_noise_db`` column every DSP column is its own group.

    Parameters
    ----------
    op : OpTable
        Candidate configurations (1-D or 2-D figures).

    Returns
    -------
    list of ndarray
        Column indices per group (singletons included), ordered by their first column.
    """
    cols = np.nonzero(op.family == "dsp")[0]
    nd = op.extra.get("mmse_noise_db")
    if nd is None or nd.ndim != 1 or cols.size == 0:
        return [np.array([c]) for c in cols]
    # the receiver: RX FFE taps, DFE taps, MLSD; a DSP column without a level is its own receiver
    dfe = op.dfe_taps[cols].astype(np.int64)
    key = (op.rx_ffe_taps[cols].astype(np.int64) * (int(dfe.max()) + 1) + dfe) * 2 + (op.mlsd[cols] != 0)
    key = np.where(np.isfinite(nd[cols]), key, -1 - cols)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    head = cols[first[inv.reshape(-1)]]
    # only the same front end (TX FFE taps in use, CTLE) at every point is the same receiver
    for v in (op.tx_taps, op.ctle_peaking_db):
        same = np.all(v[..., cols] == v[..., head], axis=tuple(range(v.ndim - 1)))
        head = np.where(same, head, cols)
    order = np.argsort(head, kind="stable")
    return np.split(cols[order], np.nonzero(np.diff(head[order]))[0] + 1)


CLOCKINGS: tuple[str, ...] = ("cdr", "forwarded")


def swing_for_eye(a: np.ndarray, r2: np.ndarray, var: np.ndarray, q: np.ndarray,
                  h_v: float) -> np.ndarray:
    """Launch amplitude ``A`` for which the half-eye ``a·A - Q·sqrt(r2·A² + var)`` equals ``h_v``.

    With ``α = a² - Q² r2 > 0`` the root of ``(a A - h)² = Q² (r2 A² + var)`` with
    ``a A ≥ h`` is (B3)

        A = (a h + Q sqrt(r2 h² + α var)) / α,

    which reduces to (B1) for ``h = 0``; rows with ``α ≤ 0`` give ``inf``.

    Parameters
    ----------
    a : ndarray
        Half-eye signal per volt of launch amplitude (V/V).
    r2 : ndarray
        Variances that scale with ``A²``, per V² of launch amplitude (1).
    var : ndarray
        Thermal noise variance at the decision point in V².
    q : ndarray
        Required Q (linear).
    h_v : float
        Required half eye at the receiver input in V.

    Returns
    -------
    numpy.ndarray
        Launch peak amplitude ``A`` in V (``inf`` where ``α ≤ 0``).
    """
    alpha = a * a - q * q * r2
    ok = alpha > 0
    al = np.where(ok, alpha, 1.0)
    amp = (a * h_v + q * np.sqrt(r2 * h_v * h_v + al * var)) / al
    return np.where(ok, amp, np.inf)


def _swing_at(a: np.ndarray, r2: np.ndarray, k_var: np.ndarray, q: np.ndarray, x_star: np.ndarray,
              ok: np.ndarray, *, h_v: float, amp_max: float, eta_t: float,
              eta_a1: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(swing A, g_m multiple x, limit code) for a required input half eye ``h_v`` (B2, B3)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # largest noise density with which the eye still fits the supply-limited swing
        num = (a * amp_max - h_v) ** 2 / (q * q) - r2 * amp_max * amp_max
        eta_room = np.where((a * amp_max > h_v) & (num > 0), num / k_var, -np.inf) - eta_t
        x_min = np.where(eta_room > 0, eta_a1 / np.where(eta_room > 0, eta_room, 1.0), np.inf)
        x = np.clip(np.maximum(x_star, x_min), 1.0, GM_MAX)
        amp = np.where(ok, swing_for_eye(a, r2, k_var * (eta_t + eta_a1 / x), q, h_v), np.inf)
    lim = np.where(~ok, 1, np.where((x_min > GM_MAX) | (amp > amp_max * (1 + 1e-12)), 2, 0))
    return amp, x, lim


def solve(op: OpTable, *, levels: int, baud: float, target_ber: float, tech: Technology,
          co: EnergyCoefficients, scope: str = "txrx", clocking: str = "cdr",
          tx_kind: str = "ffe") -> Solved:
    """Solve the budget and price every block for every configuration (and ENOB for ADC receivers).

    Figures of ``op`` may be 1-D (configurations) or 2-D (points × configurations, a batch
    of losses); the candidates (configurations, ADC receivers expanded over
    :data:`ENOB_GRID`) lie on the last axis.  Rows of non-ADC configurations appear once
    (``enob`` NaN).  A DSP receiver solved at several MMSE noise levels
    (:func:`dsp_level_groups`) is one candidate per ENOB whose level is chosen per point (B5;
    ``config_index`` names the chosen column).  Every operation is elementwise, so a batch row
    equals the 1-D solve of that point bit for bit.

    Parameters
    ----------
    op : OpTable
        SI figures of the candidate configurations (1-D or 2-D figure arrays).
    levels : int
        Number of PAM levels.
    baud : float
        Symbol rate in Bd.
    target_ber : float
        Bit error ratio the link must reach.
    tech : Technology
        Process node.
    co : EnergyCoefficients
        Energy model coefficients.
    scope : str, optional
        "txrx", "tx", "rx" or "rx_analog" (the receiver without its digital datapath,
        :data:`DIGITAL_RX_BLOCKS`): which blocks ``power_w`` reports (the design is always
        chosen on TX + RX).
    clocking : str, optional
        "cdr" (per-lane clock recovery) or "forwarded" (shared forwarded clock, no CDR).
    tx_kind : str, optional
        "ffe" (SST driver with analog FFE segments, ``log2 L`` serialized streams) or "dac"
        (DSP FIR + DAC, ``tx_dac_bits`` serialized streams).

    Returns
    -------
    Solved
    """
    n_cfg = op.family.size
    is_dsp = op.family == "dsp"
    # one candidate per DSP receiver (and ENOB), whatever the number of MMSE noise levels it was
    # solved at: the level is chosen per candidate below (B5)
    groups = dsp_level_groups(op)
    first = np.ones(n_cfg, dtype=bool)
    for g in groups:
        first[g[1:]] = False
    reps = np.where(is_dsp, np.where(first, ENOB_GRID.size, 0), 1)
    idx = np.repeat(np.arange(n_cfg), reps)
    enob = np.full(idx.size, np.nan)
    pos = 0
    for i in range(n_cfg):
        if is_dsp[i] and first[i]:
            enob[pos:pos + ENOB_GRID.size] = ENOB_GRID
        pos += reps[i]
    fam = op.family[idx]
    dsp = fam == "dsp"
    lin = fam == "linear"
    ana = fam == "analog"
    q_req = q_required(target_ber, levels) * 10.0 ** (co.design_margin_db / 20.0)
    # MLSD credit at the link's error ratio, not the asymptotic distance gain the table stores
    mlsd_gain_db = finite_ser_gain_db(op.mlsd_gain_db, target_ber, levels)
    qn_scale = np.exp2(-2.0 * np.nan_to_num(enob, nan=30.0))

    # B5: for a fixed receiver (RX FFE taps, DFE, MLSD), ENOB and BER the budget's cost and
    # closure depend on the MMSE noise level only through K: each DSP candidate takes the level with
    # the least K (where none closes, the least (r2 + q_coef 4^-N)/a²: the highest SNR ceiling, for
    # the reason reported).  K per level from the per-point figures, broadcast over the ENOBs.
    cols = idx
    alt_groups = [g for g in groups if g.size > 1]
    if alt_groups:
        # (receivers × levels) columns, a shorter group padded with its last level (a tie)
        n_lv = max(g.size for g in alt_groups)
        lv_cols = np.array([g if g.size == n_lv else np.concatenate([g, np.repeat(g[-1:], n_lv - g.size)])
                            for g in alt_groups])
        # each receiver's candidates: ENOB_GRID.size consecutive ones from its first column's
        start = np.searchsorted(idx, lv_cols[:, 0])
        cand = (start[:, None] + np.arange(ENOB_GRID.size)).reshape(-1)
        scale = np.exp2(-2.0 * ENOB_GRID)  # = qn_scale of those candidates
        chosen = np.empty((*op.a.shape[:-1], *lv_cols.shape[:1], ENOB_GRID.size), dtype=np.int64)
        # blocks of points (the per-level arrays of a block stay in cache)
        blocks_pts = [slice(None)] if op.a.ndim == 1 else [
            slice(i, i + SELECT_BLOCK_POINTS) for i in range(0, op.a.shape[0], SELECT_BLOCK_POINTS)]
        for pts in blocks_pts:
            def fig(v: np.ndarray, c: np.ndarray, pts: slice = pts) -> np.ndarray:
                return (v[pts, c] if v.ndim == 2 else v[..., c])[..., None]

            best_k = best_nsr = best_col = None
            for c in lv_cols.T:  # per level: (points ×) receivers × ENOB
                a_c = fig(op.a, c)
                q_c = q_req * 10.0 ** (-fig(mlsd_gain_db, c) / 20.0)
                r2_c = fig(op.r2, c) + fig(op.q_coef, c) * scale
                den_c = a_c * a_c - q_c * q_c * r2_c
                ok_c = den_c > 0
                k_c = np.where(ok_c, q_c * q_c * (fig(op.var_n, c) / ETA0_SI_V2_PER_HZ)
                               / np.where(ok_c, den_c, 1.0), np.inf)
                nsr_c = r2_c / (a_c * a_c)
                if best_k is None:
                    best_k, best_nsr, best_col = k_c, nsr_c, np.broadcast_to(c[:, None], k_c.shape)
                    continue
                take = (k_c < best_k) | ((k_c == best_k) & (nsr_c < best_nsr))
                best_k = np.where(take, k_c, best_k)
                best_nsr = np.where(take, nsr_c, best_nsr)
                best_col = np.where(take, c[:, None], best_col)
            chosen[pts] = best_col
        cols = np.broadcast_to(idx, op.a.shape[:-1] + idx.shape).copy()
        cols[..., cand] = chosen.reshape((*chosen.shape[:-2], -1))

    def gather(v: np.ndarray) -> np.ndarray:
        """Figure ``v`` (per configuration, 1-D or points × configurations) per candidate."""
        if cols.ndim == 1:
            return v[..., cols]
        if v.ndim == 1 and np.all(v[lv_cols] == v[lv_cols[:, :1]]):
            return v[idx]  # the same at every level of a receiver (the batch's MLSD gain, 0): 1-D
        if v.ndim == 1:
            return v[cols]
        return np.take(np.ascontiguousarray(v), flat)  # = take_along_axis(v, cols, -1), one index

    if cols.ndim == 2:
        flat = cols + np.arange(cols.shape[0])[:, None] * op.a.shape[-1]

    a = gather(op.a)
    q_eff = q_req * 10.0 ** (-gather(mlsd_gain_db) / 20.0)
    q_eff = np.where(lin, q_eff * 10.0 ** (co.linear_margin_db / 20.0), q_eff)
    qn = np.where(dsp, gather(op.q_coef) * qn_scale, 0.0)
    r2 = gather(op.r2) + qn
    den = a * a - q_eff * q_eff * r2
    # thermal noise after the receiver's filters per unit of noise density (V² per V²/Hz)
    k_var = gather(op.var_n) / ETA0_SI_V2_PER_HZ
    ok = den > 0
    # noise-limited part: A_req² = K η0(x), K = Q² k_var / den  (B1)
    k_amp = np.where(ok, q_eff * q_eff * k_var / np.where(ok, den, 1.0), np.inf)
    # the configuration column behind each candidate (a DSP candidate's: its chosen noise level)
    config_index = np.broadcast_to(cols, a.shape)
    eta_t, eta_a1 = noise_terms(baud, tech, co)
    amp_max = 0.5 * tech.vdd_tx_max_v
    # energy-optimal first-stage gm multiple x for the noise-limited part (eq. B2)
    c1 = float(blocks.afe_stage_w(1.0, baud, tech, co))
    c_tx = float(blocks.tx_driver_w(1.0, baud, tech, co))  # TX power per A² (W/V²)
    dac = tx_kind == "dac"
    # full-rate streams: one per DAC bit, or log2 L per analog FFE tap (each tap's segments
    # are driven by their own retimed copy of the symbol bits)
    tx_taps = op.tx_taps[..., idx].astype(float)
    n_streams = np.full(tx_taps.shape, float(co.tx_dac_bits)) if dac else math.log2(levels) * tx_taps
    tx_ser = blocks.tx_serializer_w(n_streams, baud, tech, co)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x_star = np.sqrt(c_tx * k_amp * eta_a1 / c1)
        snr_ceiling_db = 10.0 * np.log10(np.maximum(a * a, 1e-300) / np.maximum(r2, 1e-300))
    # Slicer receivers (analog, linear) must deliver a half eye of ``slicer_min_half_eye_v`` to
    # the slicer through n full-bandwidth gain stages of ``gain_stage_db`` each (B4): the eye
    # needed at the RX input is h_sl / G^n.  More stages cost AFE power, fewer need more
    # launch swing; n is chosen for least TX + AFE power (ties: fewer stages).  An ADC
    # receiver's offsets and resolution are in its own budget (q_coef, calibrated digitally):
    # h = 0 and its VGA count is fixed.
    g_st = 10.0 ** (co.gain_stage_db / 20.0)
    c_gain = float(blocks.afe_stage_w(1.0, baud, tech, co, gain=g_st))
    n_lo = int(co.vga_stages)
    n_hi = max(GAIN_STAGES_MAX, n_lo)
    amp = np.empty(a.shape)
    gm_x = np.empty(a.shape)
    n_gain = np.full(a.shape, float(n_lo))
    limit = np.empty(a.shape, dtype=np.int64)
    fixed_cost = c_gain * n_lo
    # ADC receivers: h = 0, the fixed VGA; slicer receivers: every gain-stage count
    for cols, n_range in ((np.nonzero(dsp)[0], (n_lo,)), (np.nonzero(~dsp)[0], range(n_lo, n_hi + 1))):
        if cols.size == 0:
            continue
        sub = (a[..., cols], r2[..., cols], k_var[..., cols], q_eff[..., cols], x_star[..., cols],
               ok[..., cols])
        best = None
        for n in n_range:
            h_v = 0.0 if len(n_range) == 1 else co.slicer_min_half_eye_v / g_st**n
            amp_n, x_n, lim_n = _swing_at(*sub, h_v=h_v, amp_max=amp_max, eta_t=eta_t, eta_a1=eta_a1)
            cost = np.where(lim_n == 0, c_tx * amp_n * amp_n + (c_gain * n - fixed_cost) + c1 * x_n,
                            np.inf)
            if best is None:
                best, amp_s, x_s, n_s = cost, amp_n, x_n, np.full(cost.shape, float(n))
                continue
            take = cost < best
            best = np.where(take, cost, best)
            amp_s = np.where(take, amp_n, amp_s)
            x_s = np.where(take, x_n, x_s)
            n_s = np.where(take, float(n), n_s)
        closed = np.isfinite(best)
        # reason reported when nothing closes: the attempt with the most gain (fixed for ADC)
        amp[..., cols] = np.where(closed, amp_s, amp_n)
        gm_x[..., cols] = np.where(closed, x_s, x_n)
        n_gain[..., cols] = n_s
        limit[..., cols] = np.where(closed, 0, lim_n)
    # an analog DFE whose one-UI selection loop cannot settle at this rate in this node
    # (blocks.dfe_timing_factor) is not built: those configurations do not close (limit 3)
    dfe_cfg = ana & (op.dfe_taps[idx] > 0)
    if not math.isfinite(blocks.dfe_timing_factor(levels, baud, tech, co)):
        limit = np.where(dfe_cfg, 3, limit)
    closes = limit == 0
    eta0 = eta_t + eta_a1 / gm_x
    amp_c = np.where(np.isfinite(amp), np.minimum(amp, amp_max), amp_max)

    bit_rate = baud * math.log2(levels)
    en = np.nan_to_num(enob, nan=0.0)
    n_ctle = blocks.ctle_stages(op.ctle_peaking_db[..., idx], co)
    n_afe = n_ctle + np.where(ana, 1.0, 0.0) + np.where(dsp, 1.0, 0.0)  # unity-gain cells
    dfe_t = op.dfe_taps[idx].astype(float)
    fwd = clocking == "forwarded"
    # L-1 data slicers, plus one error/edge slicer for the CDR and adaptation
    base_slicers = np.where(ana, float(levels) - (1.0 if fwd else 0.0), 0.0)
    fixed = blocks.fixed_w(bit_rate, tech, co)
    cdr = 0.0 if fwd else blocks.cdr_w(baud, tech, co)
    pll = blocks.pll_w(baud, co, co.lanes_per_forwarded_clock if fwd else co.lanes_per_pll)
    # the RX DSP datapath blocks, each evaluated once (their sum also prices the adaptation)
    ffe_w = blocks.dsp_ffe_w(op.rx_ffe_taps[idx], en, baud, tech, co)
    dfe_w = blocks.dsp_dfe_w(np.where(dsp, dfe_t, 0.0), levels, en, baud, tech, co)
    mlsd_w = blocks.mlsd_w(op.mlsd[idx], levels, en, baud, tech, co)
    zero = 0.0 * a
    p = {
        "tx_driver": blocks.tx_driver_w(amp_c, baud, tech, co),
        "tx_ffe": (blocks.tx_dac_dsp_w(tx_taps, levels, baud, tech, co) if dac
                   else blocks.tx_ffe_w(tx_taps, baud, tech, co)) + zero,
        "tx_serializer": tx_ser + zero,
        "rx_afe": (blocks.afe_stage_w(n_afe - 1.0 + gm_x, baud, tech, co)
                   + blocks.afe_stage_w(n_gain, baud, tech, co, gain=g_st)),
        "adc": np.where(dsp, blocks.adc_w(en, baud, tech, co), 0.0) + zero,
        "dsp_ffe": np.where(dsp, ffe_w, 0.0) + zero,
        "dsp_dfe": np.where(dsp, dfe_w, 0.0) + zero,
        "mlsd": np.where(dsp, mlsd_w, 0.0) + zero,
        "dsp_adapt_cdr": np.where(dsp, blocks.dsp_adaptation_w(ffe_w + dfe_w + mlsd_w, co), 0.0) + zero,
        "slicers_dfe": np.where(ana, blocks.slicers_w(base_slicers, baud, tech, co)
                                + blocks.analog_dfe_w(dfe_t, levels, baud, tech, co), 0.0) + zero,
        # PLL: half charged to TX, half to RX; an unretimed (linear) RX has no clock
        "clocking_pll": np.where(lin, 0.5 * pll, pll + cdr) + zero,
        "serdes_fixed": np.where(lin, (1.0 - co.rx_share_of_fixed) * fixed, fixed) + zero,
    }
    # the design is chosen on the whole link (TX + RX); ``scope`` only selects what is reported
    total = np.zeros_like(a)
    for name in BLOCKS:
        total = total + p[name]
    if scope != "txrx":
        tx_only = scope == "tx"
        for name in BLOCKS:
            if name in _TX_BLOCKS:
                if not tx_only:
                    p[name] = np.zeros_like(a)
            elif name == "clocking_pll":
                p[name] = np.full_like(a, 0.5 * pll) if tx_only else p[name] - 0.5 * pll
            elif name == "serdes_fixed":
                tx_share = (1.0 - co.rx_share_of_fixed) * fixed
                p[name] = np.full_like(a, tx_share) if tx_only else p[name] - tx_share
            elif tx_only or (scope == "rx_analog" and name in DIGITAL_RX_BLOCKS):
                p[name] = np.zeros_like(a)
    return Solved(closes=closes, amp_v=amp, enob=enob, power_w=p, total_w=total, limit=limit,
                  snr_ceiling_db=snr_ceiling_db, q_eff=q_eff, config_index=config_index, gm_x=gm_x,
                  eta0_v2_per_hz=eta0, gain_stages=n_gain)


__all__ = ["BLOCKS", "CLOCKINGS", "DIGITAL_RX_BLOCKS", "ENOB_GRID", "FAMILIES", "SCOPES", "TX_KINDS",
           "OpTable", "Solved", "dsp_level_groups", "max_ber", "q_required", "solve", "swing_for_eye",
           "with_retimed_ctle_only"]
