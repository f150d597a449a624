"""Statistical eye of a PAM-L link: BER map over (sampling phase, threshold voltage).

Model (physics.md §5; IEEE 802.3 Annex 93A.1.7 for the PMF construction; B. K.
Casper et al., VLSI Symp. 2002 and A. Sanders, M. Resso, J. D'Ambrosia, "Channel
compliance testing utilizing novel statistical eye methodology", DesignCon 2004,
for the statistical eye):

* at a sampling phase ``phi`` (UI, relative to the main-cursor instant) the sample
  for transmitted level ``A_l`` is ``A_l h_0(phi) + sum_{k!=0} a_k r_k(phi) + x + n``;
  the residual cursors are ``r_k(phi) = h_k(phi) - b_k`` with ideal DFE taps
  ``b_k = h_k(0)`` (k = 1..n_dfe, clipped to ``dfe_max * h_0(0)``, 93A-1) fixed at the
  reference phase, so the DFE does not follow the phase;
* the ISI PMF is built by successive convolution of the L-delta per-cursor PMFs
  (:func:`sikernel._kernels.pmf.isi_pmf`, binning error documented there);
* crosstalk ``x``: each aggressor pulse (same samples per UI, same levels) at its
  worst sampling phase (the one maximising ``sum_k p_k^2``, as 93A.1.6 picks the
  aggressor phase of largest power) or, with ``xt_phase="average"``, the mixture of
  its PMFs over all sample phases (asynchronous aggressor); aggressors are
  independent, so their PMFs convolve;
* Gaussian noise ``n`` of variance ``sigma_v^2 + eta0 * B_n + sigma_TX^2 + sigma_RJ^2``
  with ``sigma_TX^2 = h_0(0)^2 10^(-SNR_TX/10)`` (93A-30) and the random-jitter term
  linearised through the pulse slope, ``sigma_RJ^2 = sigma_rj^2 sigma_X^2 sum_k
  h'_k(phi)^2`` (93A-32 form; ``h'`` in V/UI, all cursors incl. the main one,
  ``sigma_X^2`` the symbol variance), ``B_n`` the caller's noise bandwidth
  ``integral |H_rx(f)|^2 df``; or, with ``rj_quadrature=n``, the random jitter is
  integrated exactly as a per-symbol sampling-instant offset: the conditional PMFs
  at ``phi + sqrt(2) sigma_rj x_q`` (Gauss-Hermite nodes) are mixed with the
  quadrature weights.  The linearised form is much too optimistic at low BER when
  the jitter term matters (a pattern's jitter noise scales with ``|sum a_k h'_k|``):
  at sigma_rj = 0.04 UI, 9 nodes give an SER of 2.5e-05 against the simulator's 2.8e-05
  where the linearisation gives 3.1e-09 (tests/test_timesim.py);
* dual-Dirac jitter ``A_DD``: the conditional PMFs at ``phi - A_DD`` and
  ``phi + A_DD`` (pulse, DFE residual and main cursor all re-sampled) are mixed
  with weight 1/2 each;
* the BER map at (phase, v) is the probability that a slicer with threshold ``v``
  errs, averaged over equiprobable symbols (a per-symbol error probability; with
  Gray coding and errors to adjacent levels the bit error ratio is this divided by
  ``log2 L``) (:func:`sikernel._kernels.stateye.ber_map`);
  the eye height of each of the L-1 eyes is the vertical run of the contour
  ``BER <= target`` between its two levels, the common sampling phase is the one
  that maximises the smallest eye (when every phase is closed at the target: the one whose
  worst eye errs least at mid-threshold, so the reported phase and error ratio do not jump
  to the reference when the target tightens), and the eye width is the horizontal run at
  the eye's threshold (the middle of its vertical opening);
* the eye grid: every residual cursor splits its mass between two bins, adding up to
  ``dv^2/4`` of variance each (:mod:`sikernel._kernels.pmf`); by default the grid is made
  fine enough that the ``K`` cursors add at most :data:`BIN_NOISE_FRACTION` of the Gaussian
  noise variance (``K dv^2/4 <= 0.01 sigma^2``; between :data:`AUTO_BINS_MIN` and
  :data:`AUTO_BINS_MAX` bins), since 1024 bins on a 310-cursor 802.3ck backplane pulse had
  inflated a 2 mV noise to an effective 2.3 mV and the error ratio by 26 %; where the
  maximum or the work cap stops it with the binning above :data:`BIN_NOISE_WARN_FRACTION` of
  that variance (a whole IFFT record of thousands of cursors), a ``SIKernelWarning`` says so.

Eye closure (documented figure): ``20 log10(EH_ideal / EH)`` per eye, with
``EH_ideal = (A_{l+1} - A_l) * sum_k h_k(0)``: the eye of an ISI- and noise-free
link with the same swing, i.e. the same DC level of the pulse (sum of all cursors).
``inf`` when the eye is closed at the target BER.  See :mod:`sikernel.eye.closure`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._kernels import pmf as _pmf
from .._kernels import stateye as _k
from .._stacklevel import user_stacklevel
from .._validate import finite_scalar, frequency_not_ghz, one_of
from ..errors import SIKernelError, SIKernelWarning
from ._input import SampledPulse, cursor_span, cursors_at, dfe_taps, levels_for, sampled_pulse
from ._input import sigma_rj_ui as _check_rj
from ._input import target_ber as _check_ber
from ._summary import short_repr

_XT_PHASES = ("worst", "average")


@dataclass(frozen=True, eq=False)
class StatEyeResult:
    """Statistical eye.

    Attributes
    ----------
    phases_ui : ndarray (P,)
        Sampling phases relative to the main-cursor instant, UI.
    voltages_v : ndarray (n,)
        Threshold voltages (eye-grid bin centres), V.
    ber : ndarray (P, n)
        Slicer error probability at each (phase, threshold).
    pmf : ndarray (P, L, n)
        Received-sample PMF per phase and transmitted level.
    centres_v : ndarray (P, L)
        Nominal level positions ``A_l h_0(phi)``.
    levels : ndarray (L,)
        Symbol levels.
    target_ber : float
        BER at which heights and widths are read.
    eye_height_v, eye_width_ui : ndarray (L-1,)
        Eye opening at the target BER, per eye (bottom eye first).
    eye_height_min_v, eye_width_min_ui : float
        Smallest of them.
    thresholds_v : ndarray (L-1,)
        Decision thresholds (middle of each vertical opening at the chosen phase).
    thresholds_by_phase_v : ndarray (P, L-1)
        The same at every phase (a closed eye: midway between its two levels).
    phase_index : int
        Index into ``phases_ui`` of the chosen sampling phase.
    heights_by_phase_v : ndarray (P, L-1)
        Eye heights at every phase.
    bathtub_phase : ndarray (L-1, P)
        BER vs phase at each eye's threshold (horizontal bathtub).
    bathtub_voltage : ndarray (n,)
        BER vs threshold at the chosen phase (vertical bathtub).
    ideal_eye_height_v : ndarray (L-1,)
        ISI- and noise-free eye heights with the same swing.
    eye_closure_db : ndarray (L-1,)
        ``20 log10(ideal / eye height)`` per eye (inf when closed).
    eye_closure_max_db : float
        The worst eye's closure.
    sigma_v : ndarray (P,)
        Gaussian noise standard deviation per phase (all terms), V.
    noise_terms_v : dict
        The separate standard deviations at the reference phase (V).
    h0_ref_v : float
        Main cursor at the reference phase.
    dfe_taps_v : ndarray
        DFE taps applied.
    inputs : dict
        The arguments used.
    """

    phases_ui: np.ndarray
    voltages_v: np.ndarray
    ber: np.ndarray
    pmf: np.ndarray
    centres_v: np.ndarray
    levels: np.ndarray
    target_ber: float
    eye_height_v: np.ndarray
    eye_width_ui: np.ndarray
    eye_height_min_v: float
    eye_width_min_ui: float
    thresholds_v: np.ndarray
    phase_index: int
    heights_by_phase_v: np.ndarray
    bathtub_phase: np.ndarray
    bathtub_voltage: np.ndarray
    ideal_eye_height_v: np.ndarray
    eye_closure_db: np.ndarray
    eye_closure_max_db: float
    sigma_v: np.ndarray
    noise_terms_v: dict[str, float]
    h0_ref_v: float
    dfe_taps_v: np.ndarray
    inputs: dict[str, Any] = field(default_factory=dict)
    thresholds_by_phase_v: np.ndarray | None = None

    def __repr__(self) -> str:
        return short_repr(self)

    @property
    def phase_ui(self) -> float:
        """The chosen sampling phase, UI relative to the main-cursor instant."""
        return float(self.phases_ui[self.phase_index])

    def symbol_error_ratio(self, thresholds_v: ArrayLike | None = None,
                           phase_index: int | None = None) -> float:
        """Symbol error ratio of an L-level slicer (equiprobable symbols).

        ``SER = (1/L) sum_l [P_l(X < t_l) + P_l(X > t_{l+1})]`` with the thresholds
        ``t_1 < ... < t_{L-1}`` at phase ``phase_index`` (default: the chosen one,
        :attr:`phase_index`); bin masses uniform over the bin.  Default thresholds: that
        phase's own (:attr:`thresholds_by_phase_v`; at the chosen phase, :attr:`thresholds_v`).
        The DFE taps are those of the reference phase at every phase (:func:`stat_eye`).
        """
        j = self.phase_index if phase_index is None else int(phase_index)
        if not 0 <= j < self.phases_ui.size:
            raise SIKernelError(f"phase_index={phase_index!r} outside [0, {self.phases_ui.size - 1}]")
        if thresholds_v is not None:
            t = np.asarray(thresholds_v, dtype=float)
        elif j == self.phase_index or self.thresholds_by_phase_v is None:
            t = self.thresholds_v
        else:
            t = self.thresholds_by_phase_v[j]
        n_lev = self.levels.size
        if t.shape != (n_lev - 1,) or np.any(np.diff(t) <= 0):
            raise SIKernelError(f"thresholds_v must be {n_lev - 1} increasing voltages; got {t!r}")
        v = self.voltages_v
        v0, dv = float(v[0]), float(v[1] - v[0])
        ser = 0.0
        for lv in range(n_lev):
            p = self.pmf[j, lv]
            if lv > 0:
                ser += _pmf.prob_below(p, v0, dv, t[lv - 1])
            if lv < n_lev - 1:
                # upper tail as total minus lower part; rounding can leave -1e-18 for an open eye
                ser += max(p.sum() - _pmf.prob_below(p, v0, dv, t[lv]), 0.0)
        return ser / n_lev


def _check_sampled(name: str, x: object, m: int) -> np.ndarray:
    if hasattr(x, "samples_per_ui") and hasattr(x, "v"):
        if int(x.samples_per_ui) != m:
            raise SIKernelError(f"{name} has {x.samples_per_ui} samples per UI; the victim has {m}")
        x = x.v
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise SIKernelError(f"{name} is not a pulse (PulseResponse or 1-D array)") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name} must be a non-empty finite 1-D pulse; got shape {arr.shape}")
    _check_volts(name, arr)
    return arr


def _eta0_v2_hz(value: object) -> float:
    """The RX noise density in V^2/Hz, refused above the COM preset's plausible range (1e-14) with
    its V^2/GHz hint (fuzz 31 M3: 8.2e-9, the sheets' V^2/GHz number, closed every eye silently)."""
    from .presets import check_plausible

    eta0 = finite_scalar("eta0_v2_hz", value, minimum=0.0)
    check_plausible("eta0_v2_per_hz", eta0, "eta0_v2_hz")
    return eta0


def _noise_bw_hz(value: object) -> float:
    """The noise bandwidth in Hz; above 0 and below 1 kHz it was given in GHz (refused)."""
    bw = finite_scalar("noise_bw_hz", value, minimum=0.0, maximum=1e15)
    frequency_not_ghz("noise_bw_hz", bw)
    return bw


#: an aggressor pulse whose peak reaches this fraction of the victim's main cursor is no
#: crosstalk a real channel has (802.3ck NEXT/FEXT peaks are a few % of h0): the thru itself?
XT_PEAK_WARN = 0.5


def _warn_thru_as_aggressor(aggressors: Sequence[Any], m: int, h0: float) -> None:
    """Warn (before the long PMF work) when an aggressor's peak is comparable to ``h0``, as
    :func:`sikernel.com` warns on a NEXT aggressor that loses as little as a thru."""
    for i, agg in enumerate(aggressors):
        peak = float(np.max(np.abs(_check_sampled(f"crosstalk[{i}]", agg, m))))
        if peak >= XT_PEAK_WARN * h0:
            warnings.warn(f"crosstalk[{i}] peaks at {peak:.4g} V, {peak / h0:.0%} of the victim's main "
                          f"cursor h0 = {h0:.4g} V: real crosstalk is a few %; check that the thru was "
                          "not passed as an aggressor", SIKernelWarning, stacklevel=user_stacklevel())


def _xt_pmf(aggressors: Sequence[Any], m: int, levels: np.ndarray, mode: str,
            n_half: int, dv: float) -> np.ndarray:
    """Combined crosstalk PMF on the noise grid (empty array when no aggressor)."""
    n_noise = 2 * n_half + 1
    total = None
    for i, agg in enumerate(aggressors):
        p = _check_sampled(f"crosstalk[{i}]", agg, m)
        n_ui = -(-p.size // m)
        padded = np.zeros(n_ui * m)
        padded[:p.size] = p
        by_phase = padded.reshape(n_ui, m).T.copy()  # (m phases, n_ui cursors)
        if mode == "worst":
            rows = by_phase[[int(np.argmax((by_phase ** 2).sum(axis=1)))]]
        else:
            rows = by_phase
        one = np.zeros(n_noise)
        pm = np.empty(n_noise)
        for row in rows:
            _pmf.isi_pmf(np.ascontiguousarray(row), levels, -n_half * dv, dv, pm)
            one += pm
        one /= rows.shape[0]
        if total is None:
            total = one
        else:
            out = np.empty(n_noise)
            _pmf.convolve_pmf(total, one, -n_half, out)
            total = out
    return np.zeros(0) if total is None else total


def _phase_cursors(sp: SampledPulse, offsets: np.ndarray, pre: int, post: int,
                   b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h0 per phase, residual ISI cursors per phase) after the fixed DFE taps."""
    h = cursors_at(sp, offsets, pre, post)
    h[:, pre + 1: pre + 1 + b.size] -= b[None, :]
    h0 = h[:, pre].copy()
    res = np.ascontiguousarray(np.delete(h, pre, axis=1))
    return h0, res


def stat_eye(pulse: Any, samples_per_ui: int | None = None, *, modulation: str | None = "pam4",
             levels: ArrayLike | None = None, phase: str | int = "peak",
             n_pre: int | None = None, n_post: int | None = None, n_dfe: int = 0,
             dfe_max: float | ArrayLike | None = None, sigma_v: float = 0.0,
             snr_tx_db: float | None = None, eta0_v2_hz: float | None = None,
             noise_bw_hz: float | None = None, sigma_rj_ui: float = 0.0,
             rj_quadrature: int = 0, a_dd_ui: float = 0.0, crosstalk: Sequence[Any] = (),
             xt_phase: str = "worst",
             target_ber: float = 1e-6, n_phases: int = 64, n_bins: int | None = None,
             v_max_v: float | None = None) -> StatEyeResult:
    """Statistical eye of a pulse response (BER map, eye height/width, bathtubs, closure).

    Parameters
    ----------
    pulse : PulseResponse or array_like
        Victim pulse response (V per unit symbol), or samples with ``samples_per_ui``.
    samples_per_ui : int, optional
        Required with an array (1 = UI-spaced cursors; then only one phase).
    modulation : str or None
        "nrz", "pam3", "pam4", "pam6", "pam8" (levels on [-1, 1]); None takes the
        PulseResponse's.  Ignored when ``levels`` is given.
    levels : array_like, optional
        Explicit strictly increasing symbol levels.
    phase : "peak" or int or str
        Main-cursor (reference) sampling instant: "peak", a sample index, or a
        PulseResponse phase name ("mm", "max_eye").  The map covers ``n_phases`` phases
        around it; the heights, widths, thresholds and :meth:`StatEyeResult.symbol_error_ratio`
        are read at the phase the search chooses (``result.phase_index``, ``result.phase_ui``:
        the one maximising the smallest eye at ``target_ber``), not necessarily at this
        instant: pass ``phase_index`` to ``symbol_error_ratio`` for another.
    n_pre, n_post : int, optional
        Limit the pre/post cursors (default: the whole record).
    n_dfe : int
        Ideal DFE taps on post-cursors 1..n_dfe, fixed at the reference phase (the DFE does
        not follow the sampling phase; :func:`sikernel.eye.timesim.simulate` with a
        ``phase_offset_ui`` re-derives its taps at the offset instant, so to compare the two
        off the reference pass it ``dfe_taps_v=result.dfe_taps_v``, or give this function that
        instant as ``phase``).
    dfe_max : float or array_like, optional
        DFE tap limits relative to ``h_0`` (93A-1 ``b_max``).
    sigma_v : float
        Thermal/other Gaussian noise at the slicer, V rms (a :class:`~sikernel.errors.SIKernelWarning`
        when it exceeds both the main cursor and 50 mV, ``SIGMA_SLIP_MIN_V``: likely mV given as V).
    snr_tx_db : float, optional
        TX SNR in dB (93A-30).
    eta0_v2_hz, noise_bw_hz : float, optional
        One-sided noise density (V^2/Hz) and the RX noise bandwidth
        ``integral |H_rx H_ctle|^2 df`` (Hz); both or neither.
    sigma_rj_ui : float
        Random jitter, UI rms.
    rj_quadrature : int
        0 (default): random jitter linearised into Gaussian noise through the pulse
        slope (COM 93A-32 style; cheap, but it underestimates low BERs because the
        jitter noise of a pattern scales with ``|sum_k a_k h'_k|``, a heavier-tailed
        mixture than its RMS suggests).  ``n > 0``: the jitter is integrated exactly
        (per-symbol sampling-instant offset, as the simulator does) with an
        ``n``-node Gauss-Hermite quadrature over the phase (``n`` times the cost;
        9 agrees with the bit-by-bit simulator, tests/test_timesim.py).
    a_dd_ui : float
        Dual-Dirac deterministic jitter amplitude, UI.
    crosstalk : sequence of PulseResponse or array_like
        Aggressor pulses at the victim's receiver (same samples per UI and levels).
    xt_phase : {"worst", "average"}
        Each aggressor at its worst phase, or averaged over phases.
    target_ber : float
        In (0, 0.5).
    n_phases : int
        Phases across one UI (``-0.5 ... 0.5 - 1/n_phases`` UI).
    n_bins : int, optional
        Voltage bins of the eye grid (>= 16).  Default: chosen so that the binning of the
        residual cursors adds at most :data:`BIN_NOISE_FRACTION` of the Gaussian noise variance
        (between :data:`AUTO_BINS_MIN` and :data:`AUTO_BINS_MAX`, a power of two;
        without Gaussian noise, as if the noise were :data:`NOISE_FREE_SIGMA_OVER_H0` of the
        main cursor; within the work cap :data:`AUTO_WORK_MAX`),
        see the module docstring; the share reached is ``result.inputs["bin_noise_fraction"]``
        (for a noise-free eye, of the as-if noise).
    v_max_v : float, optional
        Half-range of the eye grid; default the larger of ``1.25 * max|A| * max_phi h_0(phi)``
        and the received range at the reference phase, ``max|A| (h_0 + sum |r_k|) + 6 sigma``.

    Returns
    -------
    StatEyeResult
    """
    sp = sampled_pulse(pulse, samples_per_ui, phase)
    lev = levels_for(modulation if modulation is not None else sp.modulation, levels)
    _check_volts("pulse", np.asarray(sp.v))
    _check_volts("levels", lev, "")
    ber_t = _check_ber(target_ber)
    m = sp.samples_per_ui
    n_p = _count("n_phases", n_phases, 1)
    n = None if n_bins is None else _count("n_bins", n_bins, 16)
    if m == 1:
        n_p = 1
    sigma_v = finite_scalar("sigma_v", sigma_v, minimum=0.0, maximum=VOLT_MAX)
    sigma_rj_ui = _check_rj(sigma_rj_ui)
    a_dd_ui = finite_scalar("a_dd_ui", a_dd_ui, minimum=0.0, maximum=0.5)
    if (eta0_v2_hz is None) != (noise_bw_hz is None):
        raise SIKernelError("eta0_v2_hz and noise_bw_hz go together: give both or neither")
    xt_mode = one_of("xt_phase", xt_phase, _XT_PHASES)
    if isinstance(crosstalk, str | bytes) or not isinstance(crosstalk, Sequence):
        raise SIKernelError("crosstalk must be a sequence of aggressor pulses")

    pre, post = cursor_span(sp, n_pre, n_post, margin=1)
    h_ref = cursors_at(sp, np.zeros(1), pre, post)[0]
    h0_ref = float(h_ref[pre])
    _warn_thru_as_aggressor(crosstalk, m, h0_ref)
    if sigma_v > max(h0_ref, SIGMA_SLIP_MIN_V):   # sigma_v=1.0 meant as 1 mV was accepted quietly
        warnings.warn(f"sigma_v={sigma_v!r} V of Gaussian noise is larger than the pulse's main cursor "
                      f"h0 = {h0_ref:.4g} V: noise above the whole signal closes every eye; mV given as "
                      f"V? use sigma_v={sigma_v * 1e-3:g} for {sigma_v:g} mV", SIKernelWarning,
                      stacklevel=user_stacklevel())
    b = dfe_taps(n_dfe, h_ref, pre, h0_ref, dfe_max)
    phases = (np.arange(n_p) - n_p // 2) / n_p if n_p > 1 else np.zeros(1)

    # Gaussian terms
    terms = {"sigma_v": sigma_v}
    if snr_tx_db is not None:
        terms["sigma_tx"] = h0_ref * 10.0 ** (-finite_scalar("snr_tx_db", snr_tx_db, minimum=-60.0,
                                                            maximum=300.0) / 20.0)
    if eta0_v2_hz is not None:
        terms["sigma_n"] = float(np.sqrt(_eta0_v2_hz(eta0_v2_hz) * _noise_bw_hz(noise_bw_hz)))
    var_fixed = sum(s * s for s in terms.values())
    sig_x2 = float(np.mean((lev - lev.mean()) ** 2))

    n_q = _count("rj_quadrature", rj_quadrature, 0)
    n_shifts = (2 if a_dd_ui > 0.0 else 1) * (n_q if n_q and sigma_rj_ui > 0.0 else 1)
    _check_work(n_p, AUTO_BINS_MIN if n is None else n, lev.size, n_shifts)
    rj_linear = sigma_rj_ui if n_q == 0 else 0.0

    def sigmas(offs: np.ndarray) -> np.ndarray:
        if rj_linear == 0.0:
            return np.full(offs.size, np.sqrt(var_fixed))
        d = 1.0 / m if m > 1 else 1e-3
        hp = (cursors_at(sp, offs + d, pre, post) - cursors_at(sp, offs - d, pre, post)) / (2 * d)
        return np.sqrt(var_fixed + rj_linear ** 2 * sig_x2 * (hp ** 2).sum(axis=1))

    # sampling-instant perturbations mixed with weights: dual-Dirac +-A_DD (1/2 each) and,
    # with rj_quadrature, Gauss-Hermite nodes of the random jitter
    shifts = [(-a_dd_ui, 0.5), (a_dd_ui, 0.5)] if a_dd_ui > 0.0 else [(0.0, 1.0)]
    if n_q and sigma_rj_ui > 0.0:
        x_q, w_q = np.polynomial.hermite.hermgauss(n_q)
        shifts = [(s0 + np.sqrt(2.0) * sigma_rj_ui * xq, w0 * wq / np.sqrt(np.pi))
                  for s0, w0 in shifts for xq, wq in zip(x_q, w_q, strict=True)]
    offs = np.concatenate([phases + s0 for s0, _ in shifts])
    weights = np.array([w0 for _, w0 in shifts])
    h0, res = _phase_cursors(sp, offs, pre, post, b)
    sig = sigmas(offs)

    amax = float(np.max(np.abs(lev)))
    if v_max_v is None:
        # the eyes with a 25 % margin, or the whole received range at the reference phase
        # when the ISI is larger (closed eyes: bounded work, the spread stays visible)
        res_ref = np.delete(h_ref, pre)
        res_ref[pre: pre + b.size] -= b
        spread = amax * (h0_ref + float(np.abs(res_ref).sum())) + 6.0 * float(sig.max())
        v_max = max(1.25 * amax * max(float(np.max(np.abs(h0))), h0_ref), spread)
    else:
        v_max = finite_scalar("v_max_v", v_max_v, minimum=0.0, strict_min=True, maximum=VOLT_MAX)
        scale = amax * h0_ref
        if v_max < 1e-3 * scale:
            raise SIKernelError(f"v_max_v={v_max_v!r} V is below 1/1000 of the main cursor's swing "
                                f"{scale:g} V; the eye grid would not hold the eye (omit it for the default)")
    auto_grid = n is None
    if auto_grid:
        n = auto_bins(v_max, float(sig.min()), res.shape[1], n_pmfs=offs.size * lev.size,
                      h0_v=abs(h0_ref))
        _check_work(n_p, n, lev.size, n_shifts)
    bin_share = _bin_share(res.shape[1], n, v_max, float(sig.min()), abs(h0_ref))
    if auto_grid:
        _warn_coarse_grid(bin_share, res.shape[1], n, float(sig.min()))
    dv = 2.0 * v_max / (n - 1)
    v0 = -v_max
    n_half = n
    xt = _xt_pmf(crosstalk, m, lev, xt_mode, n_half, dv)

    cond = np.empty((offs.size, lev.size, n))
    _k.conditional_pmfs(res, h0, sig, xt, lev, n_half, dv, v0, cond)
    if len(shifts) > 1:
        k_s = len(shifts)
        cond = np.tensordot(weights, cond.reshape(k_s, n_p, lev.size, n), axes=1)
        h0c = weights @ h0.reshape(k_s, n_p)
        sig_out = np.sqrt(weights @ (sig.reshape(k_s, n_p) ** 2))
    else:
        h0c = h0
        sig_out = sig
    centres = np.ascontiguousarray(h0c[:, None] * lev[None, :])
    ber = np.empty((n_p, n))
    _k.ber_map(cond, centres, v0, dv, ber)

    # eye openings at every phase
    lo = np.empty((n_p, lev.size - 1))
    hi = np.empty_like(lo)
    _k.eye_openings(ber, (centres - v0) / dv, ber_t, lo, hi)
    heights = (hi - lo) * dv
    ref_j = int(np.argmin(np.abs(phases)))
    worst = heights.min(axis=1)
    best = worst.max()
    thr_all = 0.5 * (lo + hi)       # fractional bins; a closed eye: midway between its levels
    if best > 0:
        cand = np.nonzero(worst >= best)[0]
    else:
        # closed at every phase: the phase whose worst eye errs least at its threshold (until
        # December 2026 the reference phase, so the reported error ratio jumped 14x when the
        # target BER tightened past the best phase's opening)
        at_thr = np.take_along_axis(ber, np.clip(np.round(thr_all).astype(int), 0, n - 1), axis=1)
        score = at_thr.max(axis=1)
        cand = np.nonzero(score <= score.min())[0]
    j = int(cand[np.argmin(np.abs(cand - ref_j))])
    eh = heights[j].copy()
    thr_bins = thr_all[j]
    thresholds = v0 + thr_bins * dv
    ibin = np.clip(np.round(thr_bins).astype(int), 0, n - 1)
    bath_phase = ber[:, ibin].T.copy()
    widths = np.array([_width(bath_phase[e], j, ber_t) if eh[e] > 0 else 0.0
                       for e in range(lev.size - 1)]) / n_p
    if n_p == 1:
        widths = np.full(lev.size - 1, np.nan)

    ideal = np.diff(lev) * float(h_ref.sum())
    with np.errstate(divide="ignore"):
        closure = np.where(eh > 0, 20.0 * np.log10(np.abs(ideal) / np.where(eh > 0, eh, 1.0)), np.inf)

    return StatEyeResult(
        phases_ui=phases, voltages_v=v0 + dv * np.arange(n), ber=ber, pmf=cond,
        centres_v=centres, levels=lev, target_ber=ber_t, eye_height_v=eh,
        eye_width_ui=widths, eye_height_min_v=float(eh.min()),
        eye_width_min_ui=float(widths.min()), thresholds_v=thresholds, phase_index=j,
        heights_by_phase_v=heights, bathtub_phase=bath_phase, bathtub_voltage=ber[j].copy(),
        ideal_eye_height_v=ideal, eye_closure_db=closure,
        eye_closure_max_db=float(closure.max()), sigma_v=sig_out, noise_terms_v=terms,
        h0_ref_v=h0_ref, dfe_taps_v=b, thresholds_by_phase_v=v0 + thr_all * dv,
        inputs={"samples_per_ui": m, "ref_index": sp.ref_index, "baud": sp.baud,
                "modulation": modulation, "levels": lev.tolist(), "n_pre": pre, "n_post": post,
                "n_dfe": n_dfe, "dfe_max": None if dfe_max is None else np.asarray(dfe_max).tolist(),
                "sigma_v": sigma_v, "snr_tx_db": snr_tx_db, "eta0_v2_hz": eta0_v2_hz,
                "noise_bw_hz": noise_bw_hz, "sigma_rj_ui": sigma_rj_ui, "rj_quadrature": n_q,
                "a_dd_ui": a_dd_ui,
                "n_crosstalk": len(crosstalk), "xt_phase": xt_mode,
                "target_ber": ber_t, "n_phases": n_p, "n_bins": n, "v_max_v": v_max,
                "bin_noise_fraction": bin_share})


#: largest voltage accepted anywhere (pulse samples, levels, noise, grid): 1 MV, far above
#: any link, low enough that sums of squares over thousands of cursors cannot overflow
VOLT_MAX = 1e6


def _check_volts(name: str, v: np.ndarray, units: str = " V") -> None:
    big = float(np.max(np.abs(v))) if v.size else 0.0
    if not big <= VOLT_MAX:
        raise SIKernelError(f"{name} reaches {big:g}{units}, above {VOLT_MAX:g}{units}; a pulse response "
                            "is in volts and normally well below 1 V, symbol levels near [-1, 1]")


#: rms noise (V) from which ``sigma_v`` above the main cursor is taken for a unit slip (mV given as
#: V) and warned about: no SerDes slicer sees 50 mV rms; below it, noise computed for a lossy
#: unequalised pulse (a few mV of cursor) can exceed the cursor legitimately (review 29)
SIGMA_SLIP_MIN_V = 0.05
#: default eye grid: the binning of the residual cursors adds at most this fraction of the
#: Gaussian noise variance (each of ``K`` cursors splits its mass between two bins, variance
#: <= dv^2/4: :mod:`sikernel._kernels.pmf`)
BIN_NOISE_FRACTION = 0.01
#: fewest and most bins of the default grid (powers of two); without Gaussian noise the fewest
AUTO_BINS_MIN = 1024
AUTO_BINS_MAX = 16384
#: work cap of the default grid: conditional PMFs x cursors x bins (one cursor's shift-add over
#: the grid each); 2**32 is a few seconds on one core.  The eye CLI's default (64 phases x 5 RJ
#: nodes x 2 dual-Dirac shifts x 4 levels x ~300 cursors) reached 16384 bins and 41 s without it
#: (1024 bins before the accuracy rule: 2.6 s); where the cap binds the binning adds more than
#: BIN_NOISE_FRACTION of the noise variance (``result.inputs["bin_noise_fraction"]``)
AUTO_WORK_MAX = 2 ** 32
#: a noise-free eye's grid is sized as if a Gaussian noise of this fraction of the main cursor
#: were present (the binning then adds at most BIN_NOISE_FRACTION of that variance: rms at most
#: 0.1 % of h0); measured on noise-free Megtron 7 pulses (0.02-0.3 m, 26.6/53.1 GBd, NRZ/PAM4):
#: the eye within 0.1-0.7 % of the same eye at 32768 bins, where 1024 bins read it 2.7-12 % low
NOISE_FREE_SIGMA_OVER_H0 = 0.01


def auto_bins(v_max_v: float, sigma_min_v: float, n_cursors: int, n_pmfs: int = 1,
              h0_v: float = 0.0) -> int:
    """Bins of the default eye grid over ``[-v_max_v, v_max_v]``.

    The smallest power of two, at least :data:`AUTO_BINS_MIN` and at most :data:`AUTO_BINS_MAX`,
    whose bin width ``dv`` keeps ``n_cursors · dv²/4 <= BIN_NOISE_FRACTION · sigma²`` with
    ``sigma = sigma_min_v``; without Gaussian noise, ``sigma`` =
    :data:`NOISE_FREE_SIGMA_OVER_H0` ``· h0_v`` (the binning is then the only spread,
    documented in :mod:`sikernel._kernels.pmf`, and read at the target BER's tail it
    shrinks the eye: at 1024 bins a noise-free eye read 3-12 % low, below the peak-distortion
    eye that bounds it, new-user trial 29), :data:`AUTO_BINS_MIN` when ``h0_v`` is not
    positive either; and not above what keeps ``n_pmfs · n_cursors · bins <= AUTO_WORK_MAX``
    (:data:`AUTO_BINS_MIN` at least).

    Parameters
    ----------
    v_max_v : float
        Half-range of the grid, V.
    sigma_min_v : float
        Smallest Gaussian noise standard deviation over the phases, V.
    n_cursors : int
        Residual cursors convolved per phase.
    n_pmfs : int
        Conditional PMFs built (sampling instants × levels).
    h0_v : float
        Main cursor, V (the scale of a noise-free eye's grid).

    Returns
    -------
    int
    """
    sigma = _grid_sigma(sigma_min_v, h0_v)
    if sigma <= 0.0 or n_cursors <= 0:
        return AUTO_BINS_MIN
    dv_max = 2.0 * sigma * np.sqrt(BIN_NOISE_FRACTION / n_cursors)
    need = 2.0 * v_max_v / dv_max + 1.0
    n = AUTO_BINS_MIN
    while n < need and n < AUTO_BINS_MAX and 2 * n * n_pmfs * n_cursors <= AUTO_WORK_MAX:
        n *= 2
    return n


#: share of the noise variance (the as-if noise of a noise-free eye) that the binning of the
#: residual cursors may add on the automatic grid before :func:`stat_eye` warns: at 1 the binning
#: spread equals that noise (measured on a noise-free 5,312-UI whole record at 106.25 GBd, PAM4:
#: share 20 / 5 / 0.31 at 2048 / 4096 / 16384 bins, the eye 2.5 / 1.0 / 0.15 % below its value at
#: 65536 bins)
BIN_NOISE_WARN_FRACTION = 1.0


def _grid_sigma(sigma_min_v: float, h0_v: float) -> float:
    """Noise scale the eye grid is sized against: the smallest Gaussian noise, or for a noise-free
    eye the as-if noise :data:`NOISE_FREE_SIGMA_OVER_H0` ``· h0``."""
    return sigma_min_v if sigma_min_v > 0.0 else NOISE_FREE_SIGMA_OVER_H0 * h0_v


def _bin_share(n_cursors: int, n_bins: int, v_max_v: float, sigma_min_v: float, h0_v: float) -> float:
    """Variance the residual cursors' binning may add (``K dv²/4``) over the noise variance the grid
    is sized against: the smallest Gaussian noise, or for a noise-free eye the as-if noise
    :data:`NOISE_FREE_SIGMA_OVER_H0` ``· h0`` (0 without cursors, inf without either scale)."""
    if n_cursors <= 0:
        return 0.0
    sigma = _grid_sigma(sigma_min_v, h0_v)
    if sigma <= 0.0:
        return float("inf")
    dv = 2.0 * v_max_v / (n_bins - 1)
    return n_cursors * dv * dv / 4.0 / sigma ** 2


def _warn_coarse_grid(share: float, n_cursors: int, n_bins: int, sigma_min_v: float) -> None:
    """Warn when the automatic grid stopped (maximum or work cap) with the binning share ``share``
    (:func:`_bin_share`) above :data:`BIN_NOISE_WARN_FRACTION`."""
    if BIN_NOISE_WARN_FRACTION < share < float("inf"):
        what = ("noise" if sigma_min_v > 0.0
                else f"as-if noise of a noise-free eye ({NOISE_FREE_SIGMA_OVER_H0:g} h0)")
        warnings.warn(f"stat_eye: {n_cursors} residual cursors on the automatic grid's {n_bins} bins (its "
                      f"maximum or work cap): their binning adds {share:.3g}x the variance of the {what} "
                      f"(target {BIN_NOISE_FRACTION:g}), so the eye reads low; a whole IFFT record is the "
                      "likely cause: pass pulse_response's default (truncated) record, fewer n_post "
                      "cursors, or a finer n_bins", SIKernelWarning, stacklevel=user_stacklevel())


#: largest conditional-PMF array (phases x jitter shifts x levels x bins, float64) built by
#: :func:`stat_eye`: 2**27 values = 1 GiB; beyond it the request is refused before allocating
MAX_PMF_VALUES = 2 ** 27


def _check_work(n_phases: int, n_bins: int, n_levels: int, n_shifts: int) -> None:
    """Refuse grids whose conditional PMFs would not fit in memory (before allocating them)."""
    need = n_phases * n_shifts * n_levels * n_bins
    if need > MAX_PMF_VALUES:
        raise SIKernelError(f"n_phases={n_phases} x n_bins={n_bins} x {n_levels} levels x {n_shifts} jitter "
                            f"shifts needs {need * 8 / 2**30:.1f} GiB of PMFs (limit "
                            f"{MAX_PMF_VALUES * 8 / 2**30:.0f} GiB); use fewer phases, bins or "
                            "rj_quadrature nodes (defaults: 64 phases, 1024 bins)")


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise SIKernelError(f"{name}={value!r} must be an integer >= {minimum}")
    return int(value)


def _width(row: np.ndarray, j: int, target: float) -> float:
    """Horizontal run (in phase steps) around ``j`` with ``row <= target``, log-interpolated ends."""
    lt = np.log10(target)
    lg = np.log10(np.maximum(row, 1e-300))
    n = row.size
    if row[j] > target:
        return 0.0
    left = j
    while left > 0 and row[left - 1] <= target:
        left -= 1
    right = j
    while right < n - 1 and row[right + 1] <= target:
        right += 1
    lo = float(left)
    if left > 0:
        lo = left - (lt - lg[left]) / (lg[left - 1] - lg[left])
    hi = float(right)
    if right < n - 1:
        hi = right + (lt - lg[right]) / (lg[right + 1] - lg[right])
    return hi - lo
