"""Signal-integrity operating points for the energy model (the "SI chain" of energy_per_bit).

For a channel transfer function and a symbol rate, every candidate transceiver
configuration is equalised with the project's own SI stages and reduced to the
COM figure-of-merit terms (IEEE 802.3 Annex 93A.1.6, eqs. 93A-30…36) that the
noise budget of :mod:`sikernel.power.budget` needs:

* pulse responses by :func:`sikernel.response.pulse_from_h` (93A-24), with the TX
  rise-time filter (93A-46) and the RX AFE (93A-20) from :mod:`sikernel.eq.filters`; the
  AFE bandwidth is that of the rate's standard (:func:`settings_for`: 802.3ck ``0.75 f_b`` at
  53.125 GBd, 802.3dj ``0.58 f_b`` at 106.25 GBd, a power law in between);
* the CTLE of 93A-22 (``fz = fp1 = 0.4 f_b``, ``fp2 = f_b``, the 802.3ck ratios),
  DC gain 0 … -20 dB in 1 dB steps, written as two basis pulses
  (``g · B1 + B2``) so that :func:`sikernel.eq.grid.grid_search` can search the
  TX FFE × CTLE grid in one compiled call;
* "analog" (TX FFE + CTLE + n-tap DFE) and "linear" (TX FFE + CTLE, no DFE; LPO,
  direct-drive CPO) use that exhaustive FOM search, then
  :func:`sikernel.eye.fom.fom` for the variances at the chosen setting;
* "dsp" (ADC + RX FFE + 1-tap DFE [+ MLSD]) uses the MMSE receiver of
  :mod:`sikernel.eq.mmse` on the CTLE-equalised cursors (802.3dj 178A style).

All pulses are computed for a 1 V launch amplitude, so the ISI, jitter and TX
noise variances are "per V²" and scale with the launch swing the budget solves
for; the thermal noise ``σ_N² = η0 ∫|H_r H_ctle|² df`` (93A-35) does not.

Crosstalk (optional, ``pulse_set(..., crosstalk=model)``): the power-sum FEXT and NEXT
aggressors of :mod:`sikernel.power.crosstalk` are formed like the victim's pulse (TX
rise time, RX AFE, the CTLE basis), at the victim's launch amplitude (every lane has the
same transmitter; NEXT times ``ne_amplitude_ratio``); the FOM search sees them as COM
does (far-end aggressors through the victim's TX FFE setting, near-end ones through
none; each at its worst phase, 93A-33/34), and their variance ``σ_XT²`` -- per V² of
launch amplitude like ISI and jitter -- joins ``r2``.  Without a model (the default)
every figure is exactly that of the chain without crosstalk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import _validate
from ..errors import SIKernelError
from ..response import modulation_name
from .budget import OpTable

#: TX FFE taps searched (offset UI, values): 802.3ck-like ranges on a coarser step
TX_AXES: tuple[tuple[int, tuple[float, ...]], ...] = (
    (-2, (0.0, 0.04, 0.08)),
    (-1, tuple(np.round(np.arange(-0.30, 0.001, 0.03), 6))),
    (1, tuple(np.round(np.arange(-0.20, 0.001, 0.04), 6))),
)
#: TX FFE tap subsets offered to the energy budget for every receiver configuration: the FOM
#: optimum over each subset of the grid.  COM's rule (the FOM maximum over the whole grid) ignores
#: what a TX tap costs (log2 L serialized streams per tap, :func:`sikernel.power.blocks.tx_serializer_w`);
#: on a short channel a setting with fewer taps closes the link at a lower energy, so the budget
#: (:func:`sikernel.power.architecture.best_per_family`) chooses among: "full" (every tap of
#: :data:`TX_AXES`), "pre1" (main cursor + c(-1), the usual one-pre-cursor TX FFE), "off" (main
#: cursor only: TX FFE switched off) and the two three-tap settings, "pre1post1" (c(-1), c(0),
#: c(1)) and "pre2" (c(-2), c(-1), c(0)): without them a link that a three-tap TX closes paid for
#: the fourth tap whenever the FOM optimum over the full grid happened to use it (a few per cent
#: of a short link's energy, in steps along the channel's length).  All subsets come from one
#: search of the full grid (:func:`_grid_family_subsets`).
TX_SUBSETS: tuple[tuple[str, tuple[int, ...]], ...] = (("full", (-2, -1, 1)), ("pre1", (-1,)), ("off", ()),
                                                       ("pre1post1", (-1, 1)), ("pre2", (-2, -1)))
#: CTLE DC gains searched (dB), 93A-22
CTLE_GDC_DB: tuple[float, ...] = tuple(float(g) for g in range(-20, 1))
#: the CTLE low-frequency gains of the 802.3ck / 802.3dj COM tables (dB): ``SISettings(gdc2_db=...)``
CTLE_GDC2_DB_STANDARD: tuple[float, ...] = tuple(float(g) for g in range(-6, 1))
#: DFE tap counts tried for the analog receiver, with the 802.3ck b_max profile
ANALOG_DFE_TAPS: tuple[int, ...] = (1, 2, 4, 8, 12)
#: RX FFE (pre, post) tap counts tried for the ADC/DSP receiver
DSP_FFE_TAPS: tuple[tuple[int, int], ...] = ((2, 5), (3, 8), (4, 11), (5, 18), (6, 25))
_BMAX_CK = (0.85, 0.3) + (0.2,) * 5 + (0.1,) * 5


@dataclass(frozen=True)
class SISettings:
    """Reference-receiver parameters of the SI chain (COM 802.3ck values unless noted).

    Attributes
    ----------
    samples_per_ui : int
        Time samples per UI.
    t_r_ui : float
        TX 20-80 % rise time in UI (802.3ck: 8 ps at 53.125 GBd ≈ 0.43 UI; 802.3dj 4 ps
        at 106.25 GBd ≈ 0.43 UI).
    f_r_ratio : float
        RX AFE bandwidth / f_b (93A-20; 0.75 in 802.3ck, 0.58 in 802.3dj 178A; the rate's
        value comes from :func:`settings_for`).
    fz_ratio, fp2_ratio : float
        CTLE zero (= first pole) and second pole over f_b (0.4 and 1.0 in 802.3ck).
    eta0_v2_per_hz, snr_tx_db, sigma_rj_ui, a_dd_ui, r_lm
        Noise, jitter and level mismatch, 802.3ck Table 163A-1 values.
    gdc2_db : tuple of float
        Gains of the CTLE's low-frequency stage searched (dB, ascending, ending at 0): the
        802.3ck/802.3dj CTLE of 93A-22 multiplied by ``(g_DC2 + j f/f_LF) / (1 + j f/f_LF)``
        (Clause 163 / 178A COM tables: g_DC2 -6 ... 0 dB in 1 dB steps, f_LF = f_b/80).  The
        default is that range (:data:`CTLE_GDC2_DB_STANDARD`; the shipped SI tables and
        calibration since December 2026), which makes the search ``len(gdc2_db)`` = 7 times
        larger than ``(0.0,)``, the single-stage CTLE of the releases before.  The stage is not
        priced (a shelf of the CTLE's first stage: no gain-bandwidth at high frequency): the
        peaking the budget prices is that of the g_DC part alone.
    f_lf_ratio : float
        ``f_LF / f_b`` of the low-frequency stage (1/80 in 802.3ck and 802.3dj).
    """

    samples_per_ui: int = 32
    t_r_ui: float = 0.425
    f_r_ratio: float = 0.75
    fz_ratio: float = 0.4
    fp2_ratio: float = 1.0
    eta0_v2_per_hz: float = 8.2e-18
    snr_tx_db: float = 33.0
    sigma_rj_ui: float = 0.01
    a_dd_ui: float = 0.02
    r_lm: float = 0.95
    a_ref_v: float = 0.413
    adc_clip_sigma: float = 3.0
    gdc2_db: tuple[float, ...] = CTLE_GDC2_DB_STANDARD
    f_lf_ratio: float = 1.0 / 80.0


#: The 802.3ck reference receiver (f_r = 0.75 f_b, CTLE with the low-frequency stage g_DC2):
#: :func:`settings_for` at 53.125 GBd and below.
DEFAULT_SI = SISettings()

#: (symbol rate in Bd, RX AFE ``f_r / f_b``) of the two standards' reference receivers: IEEE
#: 802.3ck (Clause 163 COM table; the 3ck_SA COM sheets, ``f_r = 0.75`` x ``f_b``) at 53.125 GBd and
#: IEEE P802.3dj (Annex 178A reference receiver, draft D1.2/D3.3-era values as transcribed in public
#: COM code; the same 0.58 as the "802.3dj-kr" preset of :mod:`sikernel.eye.presets`) at 106.25 GBd.
F_R_REFERENCE: tuple[tuple[float, float], tuple[float, float]] = ((53.125e9, 0.75), (106.25e9, 0.58))


def f_r_ratio_for(baud: float) -> float:
    """RX AFE bandwidth over ``f_b`` of the reference receiver at a symbol rate (93A-20).

    The standards give two points (:data:`F_R_REFERENCE`): 802.3ck ``f_r = 0.75 f_b`` at
    53.125 GBd (39.84 GHz) and 802.3dj ``f_r = 0.58 f_b`` at 106.25 GBd (61.63 GHz).  Both are
    reference-receiver conventions of the two standards (the noise and signal bandwidth COM
    assumes), not device limits.  Between the two points the absolute bandwidth is interpolated
    linearly in ``log f_b``-``log f_r`` (a power law ``f_r ∝ f_b^0.629``), so that the ratio
    falls smoothly from 0.75 to 0.58 and energy versus baud has no step.  This interpolation is
    an assumption: it depends on the rate only, not on the node (a 16 nm and a 3 nm receiver
    at the same rate get the same ``f_r``), and no device bound is implied.  Outside
    ``[53.125, 106.25]`` GBd the nearest standard's ratio is held (no standard to extrapolate
    towards).

    ``f_r`` sets the noise and signal bandwidth of the SI chain's reference receiver only.  The
    energy model prices the AFE at ``afe_bandwidth_per_baud`` = 1.0 ``f_b``
    (:class:`sikernel.power.coefficients.EnergyCoefficients`), wider than the 0.58 ``f_b`` noise
    filter at 106.25 GBd: conservative on energy, but not the same receiver.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (> 0).

    Returns
    -------
    float
        ``f_r / f_b``.

    Raises
    ------
    SIKernelError
        ``baud`` not a positive finite number.
    """
    fb = _validate.positive("baud", baud)
    (b0, r0), (b1, r1) = F_R_REFERENCE
    if fb <= b0:
        return r0
    if fb >= b1:
        return r1
    w = math.log(fb / b0) / math.log(b1 / b0)
    f_r_hz = math.exp((1.0 - w) * math.log(r0 * b0) + w * math.log(r1 * b1))
    return f_r_hz / fb


def settings_for(baud: float, s: SISettings | None = None) -> SISettings:
    """Reference-receiver settings of a symbol rate (``s`` itself when given: a user override wins).

    :data:`DEFAULT_SI` with the RX AFE bandwidth of the rate (:func:`f_r_ratio_for`).  The
    other 802.3dj 178A values are not taken over, on purpose: the TX rise time stays 8 ps at
    53.125 GBd = 0.425 UI, the same UI fraction as 178A's 4 ps at 106.25 GBd (the 802.3ck KR sheet
    does not state T_r: 8 ps is the IEEE MATLAB tool's default, and the C2C sheet uses 7.5 ps;
    ``reference/com-parameters.md``); the CTLE zero and
    poles have the same ratios to ``f_b`` (0.4, 1.0) and 178A's ``g_DC`` range (-15 ... 0 dB) is
    inside the searched -20 ... 0 dB; ``η0`` (6e-9 against 8.2e-9 V²/GHz) only weights the
    equaliser search, because the budget rescales the thermal noise to the receiver's own density
    (:data:`sikernel.power.budget.ETA0_SI_V2_PER_HZ`, derived from its g_m) and solves the DSP
    receiver's MMSE at several noise levels (:data:`DSP_MMSE_NOISE_DB`) that span the -1.4 dB
    difference.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (> 0).
    s : SISettings, optional
        Explicit settings; returned unchanged (``baud`` is still checked).

    Returns
    -------
    SISettings

    Raises
    ------
    SIKernelError
        ``baud`` not a positive finite number (also when ``s`` is given).
    """
    r = f_r_ratio_for(baud)
    if s is not None:
        return s
    return DEFAULT_SI if r == DEFAULT_SI.f_r_ratio else replace(DEFAULT_SI, f_r_ratio=r)


def tx_grid(active: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, settings): every TX FFE setting of :data:`TX_AXES` with ``c(0) = 1 - Σ|c|``.

    Parameters
    ----------
    active : tuple of int, optional
        Tap offsets allowed to be non-zero (one of :data:`TX_SUBSETS`); the others are held
        at 0, the offsets (the settings' columns) stay those of the full grid.  None: all.

    Returns
    -------
    offsets : numpy.ndarray
        Tap offsets in UI (main cursor 0).
    settings : numpy.ndarray
        One TX FFE setting per row.
    """
    offs = np.array(sorted({0, *[o for o, _ in TX_AXES]}), dtype=np.int64)
    axes = [v if (active is None or o in active) else (0.0,) for o, v in TX_AXES]
    grids = np.meshgrid(*[np.asarray(v) for v in axes], indexing="ij")
    flat = [g.reshape(-1) for g in grids]
    n = flat[0].size
    rows = np.zeros((n, offs.size))
    for (o, _), col in zip(TX_AXES, flat, strict=True):
        rows[:, int(np.nonzero(offs == o)[0][0])] = col
    i0 = int(np.nonzero(offs == 0)[0][0])
    rows[:, i0] = 1.0 - np.abs(np.delete(rows, i0, axis=1)).sum(axis=1)
    return offs, rows


def search_key() -> tuple:
    """The module-level search grids an operating table depends on besides its channel and
    :class:`SISettings` (TX FFE axes and subsets, CTLE g_DC values, DFE and RX FFE lengths, MMSE
    noise levels): part of the key of :func:`sikernel.power.api.channel_op_table`'s memo, so a
    changed grid is never served a table searched on the old one."""
    return (TX_AXES, TX_SUBSETS, CTLE_GDC_DB, ANALOG_DFE_TAPS, DSP_FFE_TAPS, DSP_MMSE_NOISE_DB,
            DSP_DFE_BMAX, _BMAX_CK)


def _ctle_basis(f: np.ndarray, baud: float, s: SISettings) -> tuple[np.ndarray, np.ndarray]:
    """CTLE 93A-22 as ``g·B1 + B2``: returns (B1, B2) on ``f``."""
    fz = s.fz_ratio * baud
    den = (1.0 + 1j * f / fz) * (1.0 + 1j * f / (s.fp2_ratio * baud))
    return 1.0 / den, (1j * f / fz) / den


def _gdc2_grid(s: SISettings) -> np.ndarray:
    """The low-frequency gains searched (dB), checked: ascending, finite, ≤ 0, ending at 0 dB."""
    g2 = np.asarray(s.gdc2_db, dtype=float)
    if (g2.ndim != 1 or g2.size == 0 or not np.all(np.isfinite(g2)) or g2[-1] != 0.0
            or np.any(np.diff(g2) <= 0) or np.any(g2 > 0)):
        raise SIKernelError(f"gdc2_db={s.gdc2_db!r}: give ascending gains in dB, ≤ 0 and ending at 0 "
                            "(e.g. (-6, -5, ..., 0) as the 802.3ck COM table; (0,) leaves the stage out)")
    return g2


def _ctle_bases(f: np.ndarray, baud: float, s: SISettings) -> np.ndarray:
    """The CTLE basis with its low-frequency stage: ``(2·n2, len(f))``, rows ``B1·L_j, B2·L_j`` for
    each gain ``g_DC2,j`` of ``s.gdc2_db``, ``L_j = (g_DC2,j + j f/f_LF) / (1 + j f/f_LF)``."""
    b1, b2 = _ctle_basis(f, baud, s)
    rows = []
    for g2_db in _gdc2_grid(s):
        if g2_db == 0.0:
            lf = np.ones_like(b1)
        else:
            x = 1j * f / (s.f_lf_ratio * baud)
            lf = (10.0 ** (g2_db / 20.0) + x) / (1.0 + x)
        rows += [b1 * lf, b2 * lf]
    return np.stack(rows)


def _ctle_weights(s: SISettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights ``(n_ctle, 2·n2)``, g_DC per setting, g_DC2 per setting): g_DC fastest, the flat
    setting (0 dB, 0 dB) last."""
    g2 = _gdc2_grid(s)
    gdc = np.asarray(CTLE_GDC_DB)
    g = 10.0 ** (gdc / 20.0)
    n_g = gdc.size
    w = np.zeros((n_g * g2.size, 2 * g2.size))
    for j in range(g2.size):
        w[j * n_g:(j + 1) * n_g, 2 * j] = g
        w[j * n_g:(j + 1) * n_g, 2 * j + 1] = 1.0
    return w, np.tile(gdc, g2.size), np.repeat(g2, n_g)

def ctle_peaking_db(gdc_db: np.ndarray, baud: float, s: SISettings | None = None) -> np.ndarray:
    """Peaking of each CTLE setting: max over ``0 < f ≤ f_b`` of ``|H(f)/H(0)|`` in dB.

    Parameters
    ----------
    gdc_db : ndarray
        CTLE DC gains in dB (93A-22 ``g_DC``).
    baud : float
        Symbol rate ``f_b`` in Bd (sets the zero and poles through ``s``).
    s : SISettings, optional
        Reference-receiver parameters (``fz_ratio``, ``fp2_ratio``); default :func:`settings_for`.

    Returns
    -------
    numpy.ndarray
        Peaking in dB, one per setting.
    """
    s = settings_for(baud, s)
    f = np.linspace(0.0, baud, 257)
    b1, b2 = _ctle_basis(f, baud, s)
    g = 10.0 ** (np.asarray(gdc_db, dtype=float)[:, None] / 20.0)
    h = np.abs(g * b1 + b2)
    return 20.0 * np.log10(h.max(axis=1) / h[:, 0])


def _uniform_from_dc(f: np.ndarray, h: np.ndarray) -> None:
    if f[0] != 0.0:
        raise SIKernelError(f"the SI chain needs H on a uniform grid starting at 0 Hz; got f[0]={f[0]!r} Hz "
                            "(pass a Channel, which is DC-extrapolated, or extrapolate first)")


@dataclass(frozen=True, eq=False)
class PulseSet:
    """CTLE basis pulses and noise of one channel at one baud (shared by all families).

    Attributes
    ----------
    basis : ndarray, shape (2·n2, n_samp)
        Pulse responses in V for a 1 V launch through the CTLE basis terms ``B1`` and ``B2``
        (the CTLE is ``g·B1 + B2``) times each low-frequency stage ``L_j`` of
        ``SISettings.gdc2_db`` (``n2`` of them; one, ``L = 1``, by default), windowed 8 UI
        before to 120 UI after the peak.
    gdc_db : ndarray, shape (n_ctle,)
        CTLE DC gain in dB of each setting (:data:`CTLE_GDC_DB`, repeated per ``g_DC2``).
    weights : ndarray, shape (n_ctle, 2·n2)
        Basis weights of each CTLE setting: ``(g, 1)`` in the columns of its ``g_DC2``.
    var_n : ndarray, shape (n_ctle,)
        Thermal noise variance after RX AFE and CTLE in V² (93A-35, ``eta0_v2_per_hz``).
    peaking_db : ndarray, shape (n_ctle,)
        CTLE peaking in dB (:func:`ctle_peaking_db`).
    samples_per_ui : int
        Time samples per UI of ``basis``.
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.
    xt_basis : ndarray, shape (n_xt, 2·n2, n_samp), optional
        Crosstalk aggressor pulses through the CTLE basis terms for a 1 V victim launch
        (None: no crosstalk), each windowed from 8 UI before its own peak.
    xt_fext : ndarray of bool, shape (n_xt,), optional
        Far-end (True) or near-end (False) aggressor.
    gdc2_db : ndarray, shape (n_ctle,), optional
        Low-frequency gain ``g_DC2`` in dB of each setting (zeros without the stage).
    """

    basis: np.ndarray       # (2 n2, n_samp) pulses for 1 V launch, B1 and B2 of the CTLE per g_DC2
    gdc_db: np.ndarray      # CTLE DC gain of each setting
    weights: np.ndarray     # (n_ctle, 2 n2): (g, 1) in the columns of the setting's g_DC2
    var_n: np.ndarray       # (n_ctle,) thermal noise after AFE + CTLE, V²
    peaking_db: np.ndarray  # (n_ctle,)
    samples_per_ui: int
    baud: float
    levels: int
    xt_basis: np.ndarray | None = None  # (n_xt, 2 n2, n_samp) aggressor basis pulses, 1 V launch
    xt_fext: np.ndarray | None = None   # (n_xt,) True: far-end aggressor (victim TX FFE applied)
    gdc2_db: np.ndarray | None = None   # (n_ctle,) g_DC2 of each setting


def pulse_set(f_hz: np.ndarray, h: np.ndarray, baud: float, levels: int,
              s: SISettings | None = None, crosstalk: Any = None) -> PulseSet:
    """Pulse responses (1 V launch) through TX rise time, channel, RX AFE and the CTLE basis.

    Parameters
    ----------
    f_hz : ndarray
        Uniform grid from 0 Hz reaching at least ``baud/2``.
    h : ndarray
        Channel voltage transfer function on ``f_hz``.
    baud : float
        Symbol rate in Bd (> 0).
    levels : int
        Number of PAM levels (carried into the result).
    s : SISettings, optional
        Reference-receiver parameters; default :func:`settings_for` of ``baud`` (the RX AFE
        bandwidth of the rate's standard).
    crosstalk : CrosstalkModel, optional
        Power-sum FEXT/NEXT model of the channel (:mod:`sikernel.power.crosstalk`); None
        (default) or an inactive model: no aggressors.

    Returns
    -------
    PulseSet

    Raises
    ------
    SIKernelError
        ``f_hz`` not a uniform grid starting at 0 Hz; ``baud`` ≤ 0.
    """
    from ..eq import filters
    from ..response import pulse_from_h

    f = _validate.frequency_grid(f_hz, name="f_hz", uniform=True)
    _uniform_from_dc(f, h)
    fb = _validate.positive("baud", baud)
    s = settings_for(fb, s)
    m = int(s.samples_per_ui)
    ht = filters.tx_rise_time_filter(f, s.t_r_ui / fb)
    hr = filters.rx_afe_filter(f, s.f_r_ratio * fb)
    bases = _ctle_bases(f, fb, s)
    common = np.asarray(h, dtype=np.complex128) * ht * hr
    _, v = pulse_from_h(common[None, :] * bases, f, fb, m)
    # window: 8 UI before the peak of the flat (g = 1, g_DC2 = 0 dB: the last pair) pulse to 120 UI after it
    flat = v[-2] + v[-1]
    ipk = int(np.argmax(flat))
    lo = max(ipk - 8 * m, 0)
    hi = min(ipk + 120 * m, v.shape[1])
    basis = np.ascontiguousarray(v[:, lo:hi])
    weights, gdc, gdc2 = _ctle_weights(s)
    # sigma_N^2 = eta0 * int |Hr Hctle|^2 df  (93A-35), on a dense grid to 2 f_b
    fn = np.linspace(0.0, 2.0 * fb, 2049)
    hrn = filters.rx_afe_filter(fn, s.f_r_ratio * fb)
    hh = np.abs(hrn[None, :] * (weights @ _ctle_bases(fn, fb, s))) ** 2
    var_n = s.eta0_v2_per_hz * np.trapezoid(hh, fn, axis=1)
    xt_basis = xt_fext = None
    if crosstalk is not None and crosstalk.active:
        xt_basis, xt_fext = _aggressor_basis(f, np.asarray(h, dtype=np.complex128), fb, ht * hr,
                                             bases, m, basis.shape[1], crosstalk)
    # the peaking the budget prices: the g_DC part's (the low-frequency shelf is not priced)
    return PulseSet(basis=basis, gdc_db=gdc, weights=weights, var_n=var_n,
                    peaking_db=ctle_peaking_db(gdc, fb, s), samples_per_ui=m, baud=fb,
                    levels=int(levels), xt_basis=xt_basis, xt_fext=xt_fext, gdc2_db=gdc2)


def _aggressor_basis(f: np.ndarray, h: np.ndarray, fb: float, h_txrx: np.ndarray,
                     ctle: np.ndarray, m: int, n_samp: int,
                     model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Power-sum FEXT and NEXT pulses through TX rise time, RX AFE and the CTLE basis.

    Each aggressor's record (circular, as the IFFT gives it) is rotated so that its flat-CTLE
    pulse peaks 8 UI into the window, and the victim's window length is kept: 93A-34 sums
    over every UI at a phase, so where the window starts does not matter once it holds the
    whole response.
    """
    from ..response import pulse_from_h

    nb = ctle.shape[0]
    xs = [model.fext(f, h, fb), model.next(f, fb)]
    hx = np.stack([x * h_txrx * b for x in xs for b in ctle])
    _, v = pulse_from_h(hx, f, fb, m)
    v = v.reshape(len(xs), nb, -1)
    out = np.empty((len(xs), nb, n_samp))
    for i in range(len(xs)):
        flat = np.abs(v[i, -2] + v[i, -1])
        shift = 8 * m - int(np.argmax(flat))
        out[i] = np.roll(v[i], shift, axis=1)[:, :n_samp]
    return np.ascontiguousarray(out), np.array([True, False])


def tx_subset_names(family: np.ndarray, dfe_taps: np.ndarray) -> list[str | None]:
    """TX FFE subset (a name of :data:`TX_SUBSETS`) of every configuration of an op table.

    :func:`op_table` emits each slicer-receiver configuration (family, DFE taps) once per subset,
    in the order of :data:`TX_SUBSETS`, and :func:`sikernel.power.budget.with_retimed_ctle_only`
    appends its copies in the same order, so the k-th occurrence of a (family, DFE taps) pair is
    subset k.  The layout is the same in the loss tables, which do not store the subset.

    Parameters
    ----------
    family : numpy.ndarray
        Family of each configuration.
    dfe_taps : numpy.ndarray
        DFE taps of each configuration.

    Returns
    -------
    list
        Subset name per configuration; None for the DSP family (full grid, one front end).
    """
    seen: dict[tuple[str, int], int] = {}
    out: list[str | None] = []
    for f, n in zip(np.asarray(family).tolist(), np.asarray(dfe_taps).tolist(), strict=True):
        if f == "dsp":
            out.append(None)
            continue
        k = seen.get((f, int(n)), 0)
        seen[(f, int(n))] = k + 1
        out.append(TX_SUBSETS[k % len(TX_SUBSETS)][0])
    return out


def _grid_family(ps: PulseSet, n_dfe: int, s: SISettings, tx_active: tuple[int, ...] | None = None) -> dict:
    """Best TX FFE × CTLE for a receiver with ``n_dfe`` DFE taps; FOM terms at that point.

    ``tx_active``: the TX FFE taps allowed to be non-zero (default all, :func:`tx_grid`).

    The search runs at the COM reference launch amplitude ``A_ref`` (so that the
    thermal noise weighs as in COM); the returned signal and variances are
    rescaled to a 1 V launch (``a = A_s/A_ref``, ``r2 = σ²/A_ref²``), the thermal
    noise ``var_n`` is absolute.
    """
    return _grid_family_subsets(ps, n_dfe, s, (tx_active,))[0]


def _grid_family_subsets(ps: PulseSet, n_dfe: int, s: SISettings,
                         subsets: tuple[tuple[int, ...] | None, ...]) -> list[dict]:
    """:func:`_grid_family` for several TX FFE subsets from one search of the full TX grid.

    Every subset's settings are rows of the full grid (each axis of :data:`TX_AXES` holds 0), in
    the same relative order, so the first FOM maximum over a subset's rows of the full grid's FOMs
    is the setting a search of that subset alone picks (same points, same (CTLE, TX) order); the
    FOM terms are then evaluated at that point as before.  One search (and one set of pulse
    cross-correlations) instead of one per subset: the op table is about twice as fast, with the
    same result (``tests/test_power_tx_subsets.py`` against a search per subset).
    """
    from ..eq.grid import grid_search
    from ..eye.fom import fom

    offs, grid = tx_grid(None)
    bmax = np.asarray(_BMAX_CK[:n_dfe], dtype=float)
    a_ref = s.a_ref_v
    basis = ps.basis * a_ref
    xt = None if ps.xt_basis is None else ps.xt_basis * a_ref
    res = grid_search(basis, ps.weights, ps.var_n, offs, grid, ps.samples_per_ui,
                      dfe_bmin=-bmax, dfe_bmax=bmax, n_levels=ps.levels, r_lm=s.r_lm,
                      snr_tx_db=s.snr_tx_db, a_dd_ui=s.a_dd_ui, sigma_rj_ui=s.sigma_rj_ui,
                      basis_xt=xt, xt_fext=ps.xt_fext)
    if res.fom_exact is not None:   # a pruned grid (floating DFE taps): not used by this chain
        raise SIKernelError("internal: the SI chain's TX FFE search returned a pruned grid")
    preset = _preset(ps, s, bmax)
    s2 = a_ref * a_ref
    out = []
    for active in subsets:
        inactive = [j for j, o in enumerate(offs) if o != 0 and active is not None and o not in active]
        rows = np.nonzero(np.all(grid[:, inactive] == 0.0, axis=1))[0]
        k, j = divmod(int(np.argmax(res.fom_grid_db[:, rows])), rows.size)
        taps = grid[rows[j]].copy()
        pulse = ps.weights[k] @ basis
        xt_k = None if xt is None else np.einsum("b,xbs->xs", ps.weights[k], xt)
        t = fom(pulse, taps, offs, preset=preset, var_n=float(ps.var_n[k]),
                xt_pulses_v=xt_k, xt_fext=ps.xt_fext)
        out.append({"h0": t.h0 / a_ref, "a_s": t.a_s / a_ref, "var_tx": t.var_tx / s2,
                    "var_isi": t.var_isi / s2, "var_j": t.var_j / s2, "var_n": t.var_n,
                    "var_xt": t.var_xt / s2,
                    "fom_db": t.fom_db, "ctle_index": k, "tx_taps": taps, "tx_offsets": offs,
                    "cursor_index": int(res.cursor_grid[k, rows[j]])})
    return out


#: DFE tap limit of the DSP receiver (unit main cursor): 802.3dj 178A reference, b_max(1) = 0.85
DSP_DFE_BMAX = 0.85
#: Thermal noise the DSP receiver's MMSE RX FFE + DFE is solved against, in dB relative to the
#: reference receiver's (COM ``eta0_v2_per_hz`` at the launch amplitude ``a_ref_v``): each RX FFE
#: tap count gets one op-table (and loss-table) column per level, and the budget offers each
#: receiver once per ENOB with the level of least ``K = Q² k_var/(a² - Q² r2)`` -- exactly the
#: cheapest closing level, at the single-level candidate count (:mod:`sikernel.power.budget`, B5).
#: The MMSE (Wiener) equaliser trades residual
#: ISI against noise enhancement, so its taps depend on the noise it is solved for (Proakis,
#: *Digital Communications*, 5th ed., §9.4-2, eq. 9.4-39: the MMSE linear equaliser's
#: ``(Γ + N0 I) c = ξ``), and an adaptive (LMS) receiver converges to the Wiener solution of the
#: noise actually present (S. Haykin, *Adaptive Filter Theory*, 4th ed., ch. 5).  The budget
#: (:mod:`sikernel.power.budget`) does not run at the reference noise: it chooses the launch swing
#: (up to the supply) and the receiver's noise density ``η0(x)`` (down to ``4kT·50 Ω``), so the
#: receiver it prices sees up to ≈ 11 dB less noise per V² of signal than the reference.  A single
#: MMSE solved at the reference noise leaves in the residual ISI that only that noise justified, and
#: the budget counts that ISI as a ceiling that scales with the swing (at 55 dB on the 106.25 GBd
#: host channel: 9.7 dB with 32 taps, against 18 dB for the same taps solved 10 dB lower).  The
#: levels: 0, -6, -12 dB; 3 dB steps from 0 to -18 dB change the chosen DSP energy by ≤ 0.4 %
#: (106.25 GBd host channel, 35-55 dB, 3 and 5 nm, BER 1e-4 and 2.4e-4).
DSP_MMSE_NOISE_DB: tuple[float, ...] = (0.0, -6.0, -12.0)


def _noise_acf(ps: PulseSet, s: SISettings, k: int) -> np.ndarray:
    """Thermal-noise autocorrelation at symbol lags 0…40 behind CTLE setting ``k`` of ``ps``.

    ``s.eta0_v2_per_hz`` through the RX AFE and the CTLE ``g·B1 + B2`` of row ``k`` of
    ``ps.weights`` (93A-35 filter; :func:`sikernel.eq.mmse.noise_acf_from_psd`), on the dense
    grid to ``2 f_b`` that :func:`pulse_set` integrates ``var_n`` on.
    """
    from ..eq import filters
    from ..eq.mmse import noise_acf_from_psd

    fn = np.linspace(0.0, 2.0 * ps.baud, 2049)
    hr = filters.rx_afe_filter(fn, s.f_r_ratio * ps.baud)
    ctle_k = ps.weights[k] @ _ctle_bases(fn, ps.baud, s)
    return noise_acf_from_psd(fn, s.eta0_v2_per_hz, ps.baud, 40,
                              h_filter=hr * ctle_k)


def dsp_front_end(ps: PulseSet, s: SISettings, front: dict) -> dict[str, Any]:
    """What the DSP receiver's MMSE equaliser sees behind a front end (TX FFE + CTLE).

    Parameters
    ----------
    ps : PulseSet
        Basis pulses and noise of the channel.
    s : SISettings
        Reference-receiver parameters.
    front : dict
        The 1-tap-DFE FOM search result (:func:`_grid_family`): ``ctle_index``,
        ``tx_taps``, ``tx_offsets``, ``cursor_index``.

    Returns
    -------
    dict
        ``cursors`` (symbol-spaced samples at the COM reference amplitude ``A_ref``, V),
        ``main`` (index of the main cursor), ``i0`` (sample index of the cursor instant in the
        TX-equalised pulse), ``noise_acf`` (thermal-noise autocorrelation at symbol lags after
        RX AFE and CTLE, 93A-35 filter, :func:`sikernel.eq.mmse.noise_acf_from_psd`),
        ``rms_v`` (rms of the received signal, V) and ``modulation``.
    """
    from ..eq.ffe import apply_ffe
    from ..eq.mmse import symbol_variance

    k = front["ctle_index"]
    m = ps.samples_per_ui
    pulse = (ps.weights[k] @ ps.basis) * s.a_ref_v
    offs = front["tx_offsets"]
    n_pre_tx = int(np.count_nonzero(offs < 0))
    t = np.arange(pulse.size, dtype=float)
    _, p_eq = apply_ffe(t, pulse, front["tx_taps"], n_pre_tx, m)
    i0 = int(front["cursor_index"]) + n_pre_tx * m  # apply_ffe output starts n_pre UI early
    cur = p_eq[i0 % m::m]
    rms = math.sqrt(symbol_variance(ps.levels) * float(cur @ cur))
    return {"cursors": cur, "main": i0 // m, "i0": i0, "noise_acf": _noise_acf(ps, s, k), "rms_v": rms,
            "modulation": modulation_name(ps.levels)}


def dsp_mmse(fe: dict[str, Any], n_pre: int, n_post: int, s: SISettings,
             noise_db: float = 0.0) -> Any:
    """MMSE RX FFE (``n_pre`` + 1 + ``n_post`` taps) + 1-tap DFE behind the front end ``fe``.

    Parameters
    ----------
    fe : dict
        :func:`dsp_front_end` result.
    n_pre, n_post : int
        RX FFE pre- and post-cursor taps.
    s : SISettings
        Reference-receiver parameters (level mismatch, TX SNR).
    noise_db : float, optional
        Thermal noise the equaliser is solved against, in dB relative to ``fe["noise_acf"]``
        (one of :data:`DSP_MMSE_NOISE_DB`; 0: the reference receiver's noise).

    Returns
    -------
    sikernel.eq.mmse.MmseResult
        Taps (main RX FFE tap normalised as :func:`sikernel.eq.mmse.mmse` does), DFE tap
        limited to :data:`DSP_DFE_BMAX`, and the MSE parts (``"noise"`` at the scaled noise:
        divide by ``10^(noise_db/10)`` for the reference noise through these taps).
    """
    from ..eq.mmse import mmse

    acf = fe["noise_acf"] * 10.0 ** (float(noise_db) / 10.0)
    return mmse(fe["cursors"], fe["main"], n_pre, n_post, 1, modulation=fe["modulation"], rlm=s.r_lm,
                noise_acf=acf, snr_tx_db=s.snr_tx_db, b_max=DSP_DFE_BMAX)


#: RX FFE of the 802.3dj KR reference receiver (P802.3dj Annex 178A draft, the ``802.3dj-kr`` COM
#: preset): 5 pre-cursor and 10 post-cursor taps -- the length :func:`mmse_front_end` is solved for
#: by default
REFERENCE_RX_FFE: tuple[int, int] = (5, 10)


def mmse_front_end(ps: PulseSet, s: SISettings | None = None,
                   rx_ffe: tuple[int, int] = REFERENCE_RX_FFE) -> dict[str, Any]:
    """The TX FFE, CTLE and sampling phase that maximise an RX FFE receiver's MMSE FOM (178A's rule).

    802.3dj's COM (P802.3dj Annex 178A draft) chooses the transmitter FFE and the CTLE by the figure
    of merit *after* its reference receiver's RX FFE and 1-tap DFE; :func:`_dsp_rows` instead keeps
    the front end a 1-tap-DFE slicer receiver would choose (:func:`_grid_family`), because an
    ADC receiver pays for a weak CTLE in converter resolution, which COM does not price (the
    quantisation noise reaches the slicer through the RX FFE's noise gain).  This search is the
    diagnostic that measures what that costs at the reference noise (docs/energy-model.md, "The
    DSP receiver's front end against 802.3dj COM"); the tables do not use it.

    Every CTLE setting of the pulse set, every TX FFE setting of :func:`tx_grid` and every sampling
    phase within half a UI of the CTLE pulse's peak are tried; the RX FFE (``rx_ffe`` pre and post
    taps) and the DFE tap (limit :data:`DSP_DFE_BMAX`) are the joint MMSE solution
    (:func:`sikernel.eq.mmse.mmse_batch`) against the reference receiver's thermal noise
    (``s.eta0_v2_per_hz`` through RX AFE and CTLE, :func:`sikernel.eq.mmse.noise_acf_from_psd`) and
    TX noise (``s.snr_tx_db``), with COM's level mismatch ``s.r_lm``; no RX FFE tap limit and no
    crosstalk.

    Parameters
    ----------
    ps : PulseSet
        Basis pulses and noise of the channel (:func:`pulse_set`).
    s : SISettings, optional
        Reference-receiver parameters; default :func:`settings_for` of ``ps.baud``.
    rx_ffe : tuple of int
        (pre, post) RX FFE taps; default the 802.3dj reference receiver's (5, 10).

    Returns
    -------
    dict
        ``fom_db`` (the MMSE FOM at the optimum, dB, 93A-36 form ``20 log10(R_LM/(L-1)/sqrt(MSE))``
        with the main cursor normalised to 1), ``ctle_index``, ``gdc_db``, ``tx_taps``,
        ``tx_offsets``, ``cursor_index`` (sample index of the sampling instant in the pulse before
        the TX FFE, as :func:`dsp_front_end` takes it).
    """
    from ..eq.mmse import mmse_batch

    s = settings_for(ps.baud, s)
    n_pre, n_post = (int(v) for v in rx_ffe)
    m = ps.samples_per_ui
    offs, grid = tx_grid()
    n_pre_tx = int(np.count_nonzero(offs < 0))
    mod = modulation_name(ps.levels)
    best: dict[str, Any] | None = None
    for k in range(ps.weights.shape[0]):
        pulse = (ps.weights[k] @ ps.basis) * s.a_ref_v
        acf = _noise_acf(ps, s, k)
        ipk = int(np.argmax(pulse))
        for ix in range(max(ipk - m // 2, 0), min(ipk + m // 2 + 1, pulse.size)):
            cur = pulse[ix % m::m]
            main = ix // m + n_pre_tx
            rows = np.array([np.convolve(r, cur) for r in grid])
            ok = rows[:, main] > 0
            if not ok.any():
                continue
            res = mmse_batch(rows[ok], main, n_pre, n_post, 1, modulation=mod, rlm=s.r_lm,
                             noise_acf=acf, snr_tx_db=s.snr_tx_db, b_max=DSP_DFE_BMAX)
            f = float(res.fom_db[res.best])
            if best is None or f > best["fom_db"]:
                best = {"fom_db": f, "ctle_index": k, "gdc_db": float(ps.gdc_db[k]),
                        "tx_taps": grid[ok][res.best].copy(), "tx_offsets": offs, "cursor_index": ix}
    if best is None:  # pragma: no cover - a pulse always has a positive peak
        raise SIKernelError("no TX FFE x CTLE setting gives a positive main cursor")
    return best


def mlsd_gain_db(b1: float) -> float:
    """SNR credit of MLSD over the 1-tap DFE on the response ``1 + b1·D``: ``10 log10(1 + b1²)`` dB.

    The minimum-distance error event of the Viterbi detector on this response is a single-symbol
    error, whose squared distance is ``(1 + b1²)`` times the DFE's (Forney, IEEE Trans. IT 18(3),
    1972).  This is the *asymptotic* (high-SNR) gain, which the tables store per configuration:
    near ``b1 = 1`` alternating error events of almost the same distance multiply, and the budget
    credits the gain at the link's error ratio instead
    (:func:`sikernel.power.sequence.finite_ser_gain_db`, checked against a simulated detector in
    ``tests/test_power_mlsd_gain.py``).

    Parameters
    ----------
    b1 : float
        First post-cursor of the detector's target, relative to the main cursor.

    Returns
    -------
    float
        Gain in dB.
    """
    return 10.0 * math.log10(1.0 + b1 * b1)


def _dsp_rows(ps: PulseSet, s: SISettings, front: dict | None = None) -> list[dict]:
    """ADC + MMSE RX FFE + 1-tap DFE receivers (802.3dj 178A style), with and without MLSD.

    Front end (TX FFE and CTLE) as chosen by the 1-tap-DFE FOM search; the RX FFE
    and DFE from :func:`sikernel.eq.mmse.mmse` on the cursors at that sampling
    point (:func:`dsp_front_end`, :func:`dsp_mmse`), against the thermal-noise
    autocorrelation of :func:`noise_acf_from_psd` and the TX noise.  Jitter and crosstalk are
    added as ``σ_J²/h0²`` and ``σ_XT²/h0²`` of the same front end (the MMSE equaliser is
    not told about the crosstalk; its RX FFE is taken to leave that ratio unchanged).
    ADC quantisation (white, ``Δ²/12``, full scale ``±adc_clip_sigma`` × the rms of
    the received signal) reaches the slicer through ``Σ w_k²``.  MLSD on the
    one-tap-memory response ``1 + b1 D`` recovers the post-cursor energy the DFE
    discards: its minimum-distance error event has ``(1 + b1²)`` times the DFE's
    squared distance (Forney, IEEE Trans. IT 18(3), 1972), a gain of
    ``10 log10(1 + b1²)`` dB.

    Each RX FFE tap count is solved once per noise level of :data:`DSP_MMSE_NOISE_DB`
    (reference first); every row's ``var_n`` is the *reference* thermal noise through that
    row's taps, which the budget rescales to the receiver's own noise density and swing (and
    among which it picks one level per ENOB and point, :func:`sikernel.power.budget.solve`, B5).
    """
    if front is None:
        front = _grid_family(ps, 1, s)
    k = front["ctle_index"]
    a_ref = s.a_ref_v
    offs = front["tx_offsets"]
    fe = dsp_front_end(ps, s, front)
    rms = fe["rms_v"]
    jit = front["var_j"] / max(front["h0"] ** 2, 1e-300)
    xtk = front["var_xt"] / max(front["h0"] ** 2, 1e-300)
    rows = []
    for noise_db in DSP_MMSE_NOISE_DB:
        for n_pre, n_post in DSP_FFE_TAPS:
            r = dsp_mmse(fe, n_pre, n_post, s, noise_db)
            w2 = float(r.rx_ffe_taps @ r.rx_ffe_taps)
            q_coef = w2 * (2.0 * s.adc_clip_sigma * rms) ** 2 / 12.0
            # back to volts at the slicer for a 1 V launch: the normalised main cursor 1 is h0;
            # the thermal noise through these taps at the reference density (undo the scaling)
            h2 = front["h0"] ** 2
            var_n_ref = r.mse_parts["noise"] * 10.0 ** (-noise_db / 10.0)
            base = {"h0": front["h0"], "a_s": s.r_lm * front["h0"] / (ps.levels - 1),
                    "var_tx": r.mse_parts["tx_noise"] * h2, "var_isi": r.mse_parts["isi"] * h2,
                    "var_j": jit * h2, "var_xt": xtk * h2,
                    "var_n": var_n_ref * a_ref * a_ref * h2,
                    "fom_db": r.fom_db, "ctle_index": k, "tx_taps": front["tx_taps"], "tx_offsets": offs,
                    "family": "dsp", "dfe": 1, "ffe": n_pre + 1 + n_post, "q_coef": q_coef * h2,
                    "mmse_noise_db": float(noise_db)}
            b1 = float(r.dfe_taps[0]) if r.dfe_taps.size else 0.0
            rows.append({**base, "mlsd": 0, "gain": 0.0})
            rows.append({**base, "mlsd": 1, "gain": mlsd_gain_db(b1)})
    return rows


def _preset(ps: PulseSet, s: SISettings, bmax: np.ndarray):
    from ..eye.presets import get_preset

    over = {"baud_hz": ps.baud, "n_levels": ps.levels, "samples_per_ui": ps.samples_per_ui,
            "snr_tx_db": s.snr_tx_db, "sigma_rj_ui": s.sigma_rj_ui, "a_dd_ui": s.a_dd_ui,
            "r_lm": s.r_lm, "eta0_v2_per_hz": s.eta0_v2_per_hz,
            # the sampling-point rule of the grid search above (eq.grid's default, the +-1 UI
            # minimum residual); on the P802.3ck channels it reaches the same optimum as the
            # IEEE MATLAB rule that COM uses by default
            "mm_rule": "peak",
            "dfe_bmax": tuple(bmax) if bmax.size else (0.0,),
            "dfe_bmin": tuple(-bmax) if bmax.size else (0.0,),
            # the grid search above has no floating DFE taps / tail limit (the KR sheet's)
            "dfe_n_bg": 0, "dfe_n_tail_start": 0}
    return get_preset("802.3ck-kr", **over)


def op_table(ps: PulseSet, s: SISettings | None = None,
             families: tuple[str, ...] = ("linear", "analog"),
             dsp_tx_active: tuple[int, ...] | None = None) -> OpTable:
    """Equalise every candidate configuration of ``families`` and return their SI figures.

    Parameters
    ----------
    ps : PulseSet
        Basis pulses and noise of the channel (:func:`pulse_set`).
    s : SISettings, optional
        Reference-receiver parameters; default :func:`settings_for` of ``ps.baud`` (give the
        settings ``ps`` was formed with).
    families : tuple of str, optional
        Families to evaluate: any of "linear", "analog", "dsp".
    dsp_tx_active : tuple of int, optional
        TX FFE taps the DSP receivers' front end may use (one of :data:`TX_SUBSETS`' tap tuples;
        ``()``: no TX FFE, a receiver on its own).  Default None: the front end a 1-tap-DFE slicer
        receiver chooses over the full TX grid, as every table the energy model ships uses.  The
        slicer families always carry every subset of :data:`TX_SUBSETS`.

    Returns
    -------
    OpTable
        One column per configuration (per volt of launch amplitude; ``var_n`` in V²).
    """
    s = settings_for(ps.baud, s)
    if dsp_tx_active is not None:
        dsp_tx_active = tuple(int(o) for o in dsp_tx_active)
        if dsp_tx_active not in {a for _, a in TX_SUBSETS}:
            raise SIKernelError(f"dsp_tx_active={dsp_tx_active!r} is not a TX FFE subset of the SI chain; "
                                f"accepted: {[a for _, a in TX_SUBSETS]} (si.TX_SUBSETS; () is no TX FFE)")
    rows: list[dict] = []
    one_tap = None
    # every slicer-receiver configuration once per TX FFE subset (TX_SUBSETS): the budget, not
    # the FOM, decides whether a TX tap is worth its serializer streams
    subsets = tuple(active for _, active in TX_SUBSETS)
    if "linear" in families:
        for r in _grid_family_subsets(ps, 0, s, subsets):
            rows.append({**r, "family": "linear", "dfe": 0, "ffe": 0, "mlsd": 0, "q_coef": 0.0,
                         "gain": 0.0})
    front_subset = dict(TX_SUBSETS)["full"] if dsp_tx_active is None else dsp_tx_active
    if "analog" in families:
        for n in ANALOG_DFE_TAPS:
            for active, r in zip(subsets, _grid_family_subsets(ps, n, s, subsets), strict=True):
                if n == 1 and active == front_subset:
                    one_tap = r   # the DSP receivers' front end: this subset's 1-tap-DFE optimum
                rows.append({**r, "family": "analog", "dfe": n, "ffe": 0, "mlsd": 0, "q_coef": 0.0,
                             "gain": 0.0})
    if "dsp" in families:
        front = one_tap if one_tap is not None else _grid_family(ps, 1, s, front_subset)
        rows.extend(_dsp_rows(ps, s, front))
    lv = ps.levels
    a = np.array([r["a_s"] for r in rows])
    return OpTable(
        family=np.array([r["family"] for r in rows]),
        a=a,
        r2=np.array([r["var_tx"] + r["var_isi"] + r["var_j"] + r["var_xt"] for r in rows]),
        var_n=np.array([r["var_n"] for r in rows]),
        q_coef=np.array([r["q_coef"] for r in rows]),
        mlsd_gain_db=np.array([r["gain"] for r in rows]),
        # TX FFE taps in use: the main cursor and every non-zero pre/post tap of the chosen setting
        tx_taps=np.array([int(np.count_nonzero(np.abs(np.asarray(r["tx_taps"], dtype=float)) > 1e-12))
                          for r in rows]),
        ctle_peaking_db=np.array([ps.peaking_db[r["ctle_index"]] for r in rows]),
        rx_ffe_taps=np.array([r["ffe"] for r in rows]),
        dfe_taps=np.array([r["dfe"] for r in rows]),
        mlsd=np.array([r["mlsd"] for r in rows]),
        extra={"ctle_gdc_db": np.array([ps.gdc_db[r["ctle_index"]] for r in rows]),
               "ctle_gdc2_db": np.array([0.0 if ps.gdc2_db is None else ps.gdc2_db[r["ctle_index"]]
                                         for r in rows]),
               "fom_db": np.array([r["fom_db"] for r in rows]),
               "h0": np.array([r["h0"] for r in rows]),
               "var_xt": np.array([r["var_xt"] for r in rows]),
               # DSP rows: noise level the MMSE was solved at (DSP_MMSE_NOISE_DB); NaN otherwise
               "mmse_noise_db": np.array([r.get("mmse_noise_db", np.nan) for r in rows]),
               "levels": np.full(len(rows), lv)},
    )


__all__ = [
    "ANALOG_DFE_TAPS",
    "CTLE_GDC2_DB_STANDARD",
    "CTLE_GDC_DB",
    "DEFAULT_SI",
    "DSP_DFE_BMAX",
    "DSP_MMSE_NOISE_DB",
    "F_R_REFERENCE",
    "REFERENCE_RX_FFE",
    "TX_AXES",
    "TX_SUBSETS",
    "PulseSet",
    "SISettings",
    "ctle_peaking_db",
    "dsp_front_end",
    "dsp_mmse",
    "f_r_ratio_for",
    "mmse_front_end",
    "op_table",
    "pulse_set",
    "search_key",
    "settings_for",
    "tx_grid",
    "tx_subset_names",
]
