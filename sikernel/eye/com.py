"""Channel Operating Margin (COM), IEEE Std 802.3 Annex 93A (802.3ck) and P802.3dj Annex 178A.

Steps (93A.1.1 ... 93A.1.7), per package test case (``preset.z_p_cases_m``):

1. Channel: the thru and every aggressor on a uniform grid from 0 Hz with step
   ``df_hz`` (:func:`sikernel.channel.dc.extrapolate_dc` when the file has no DC point),
   cascaded with the TX and RX package models (93A.1.2,
   :func:`sikernel.channel.package.package_channel`) through ABCD matrices; near-end
   aggressors get the TX package too (their transmitter is on the receiver's package).
2. Voltage transfer function H21 between the die terminations R_d (93A-18), times the
   TX rise-time filter (93A-46), the RX AFE (93A-20) and the CTLE (93A-22/178A-14).
3. Pulse responses (93A-24) by :func:`sikernel.response.pulse_from_h`; because the CTLE is
   bilinear in its two linear DC gains, every CTLE setting's pulse is an exact weighted sum
   of the pulses at the corner settings (2 or 4 FFTs per channel, not one per setting), and
   sigma_N^2 (93A-35) is a quadratic form of the corner responses.
4. Exhaustive TX FFE x CTLE search maximising FOM (93A.1.6, 93A-36):
   :func:`sikernel.eq.grid.grid_search`.  Sampling point: the Mueller-Mueller condition
   (93A-25) picked by ``preset.mm_rule``.  Default ``"ieee"``: the rule of the IEEE 802.3
   COM MATLAB code (function ``cursor_sample_index``, called from ``optimize_fom``; the same
   lines are inline in ``optimize_fom`` of ``com_ieee8023_93a.m`` rev. 1.50, 2014): smallest
   ``|h(-1) - max(h(1) - b_max(1) h(0), 0)|`` over the 2 UI + 1 samples that start at the
   last upward 1 %-of-peak crossing in the 4 UI before the peak.  ``"peak"``: smallest
   residual within one UI of the peak, or, with ``mm_exact_tol_v > 0``, pychopmarg 3.4's
   rule (near-exact solutions first, the last one at or before the peak).  On the five
   802.3ck KR real-channel cases "ieee" and "peak" (tolerance 0) pick different samples on
   22-36 % of the grid points but the same optimum (identical COM); pychopmarg's 1 mV
   priority gives up to 1.45 dB less COM (2.5 dB less FOM) on DPO_12in and Tp0.  With the
   same rule this implementation and pychopmarg 3.4 agree within 0.12 dB.
5. COM at the chosen setting (93A.1.7): signal A_s = R_LM h0/(L-1); the noise+interference
   PMF is the convolution of the residual-ISI PMF after the DFE (93A-26/27, cursors
   |h| > 1e-3 A_s, Note 2 of 93A.1.7.1), the dual-Dirac jitter PMF of A_DD h_J (93A-40),
   every aggressor at its worst phase (93A-44) and a Gaussian with
   sigma_G^2 = sigma_TX^2 + sigma_RJ^2 sigma_X^2 sum h_J^2 + sigma_N^2 (93A-41..43);
   A_ni is the amplitude where its lower tail reaches DER0; COM = 20 log10(A_s / A_ni).
   COM of the channel is the minimum over the package test cases.

178A mode (``preset.mode == "mmse"``, the 802.3dj KR preset): the RX FFE (``rx_ffe_n_pre`` /
``rx_ffe_n_post`` taps) and DFE are solved by MMSE (noise autocorrelation of
eta_0 |H_r H_ctle|^2 at symbol lags, TX noise, crosstalk at its worst phase) at EVERY
TX FFE x CTLE point, each sampled at the 93A Mueller-Mueller instant of its pre-RX-FFE pulse
(the IEEE MATLAB COM rule, see below), and the
point with the best MMSE FOM (178A: 20 log10(R_LM/(L-1)/sqrt(MSE))) is kept (first on ties,
CTLE-major).  The sampled pulse is linear in the TX taps, so per CTLE setting the cursors of
all TX settings are one matrix product and all points are solved by the compiled, parallel
:func:`sikernel.eq.mmse.mmse_batch`; each QP only needs the cursors next to the main cursor
explicitly, the rest of the pulse enters through its autocorrelation, which is a quadratic
form of the TX taps.  The tap-limited QP is solved only where the unlimited optimum (an upper
bound of the FOM: one linear solve per point) can still beat the best point found, best bound
first -- the same optimum as solving every point, several times faster.  COM follows from the
PMFs of the FFE output as above (the chosen point re-solved by :func:`sikernel.eq.mmse.mmse`),
for every package case of the preset (802.3dj KR: z_p = 33 mm and 12 mm), minimum taken.
The RX FFE tap limit ``rx_ffe_limit`` (0.7) is enforced inside the MMSE QP:
``|w_k| <= rx_ffe_limit`` for every tap of the FFE normalised to a unit main tap (linear
constraints ``|w_k| <= lim w_main``, solved jointly with the DFE limits by the active-set
method of :func:`sikernel._kernels.eq.mmse_one`).

Sampling instant in 178A mode -- the rule of the IEEE 802.3 COM MATLAB code 4.50
(``sourceFiles/com_ieee8023_93a_450.m`` of the public mirror github.com/Omer-Sella/COM):

* In ``optimize_fom`` every CTLE x TX FFE point is sampled at ``cursor_sample_index``
  (``ts_anchor = 0``: Mueller-Mueller, the ``mm_rule="ieee"`` rule above) of the TX FFE + CTLE
  pulse before the RX FFE (``sbr`` from ``FFE_Fast``), and ``MMSE(PSD_results, sbr, cursor_i,
  ...)`` is solved at that instant for every point; its own FOM picks the point (strict
  ``FOM > best_FOM``: first on ties).  The only other instants MATLAB tries are
  ``cursor_i + itick`` for integer sample offsets ``itick`` in ``sample_adjustment``
  (``param.ts_sample_adj_range``, default ``[0 0]``: none; ``TS_SRCH_MODE`` only orders
  that sweep).  Here ``preset.mmse_ts_adjust_samples`` is that range (default and 802.3dj
  KR preset: (0, 0), the MATLAB default); a wider range runs the full MMSE search once per
  offset (cursor grid shifted) and keeps the best FOM, the first offset on exact ties
  (MATLAB: the first in (CTLE, TX FFE, offset) loop order).  MATLAB also applies the sweep
  in 93A mode; here it is 178A-only.
* In ``MMSE`` the pulse is taken at the phase of ``cursor_i``; the RX FFE main tap
  (``dw = ffe_pre_tap_len`` pre-cursor taps) sits on that cursor, the equalised main cursor is
  row ``d + 1`` (``d = dw + dh``) of the convolution matrix (constrained to 1) and the DFE
  taps are the next N_b symbol-spaced cursors of the FFE output (``Hb``), solved jointly with
  the FFE; after the RX FFE the pulse is not
  re-sampled (the call of ``cursor_sample_index`` after ``FFE(C, ...)`` is commented out:
  "NOT RESAMPLING AFTER RXFFE"), and the COM step uses ``t_s = best_cursor_i``.
* Here: the grid search's index of each point (``GridResult.cursor_grid``, the same MM rule
  on the same pre-RX-FFE pulse, plus the offset when ``mmse_ts_adjust_samples`` sweeps) is
  the instant of that point's MMSE (:func:`_mmse_rows`) and
  of the chosen point's COM step (:func:`_mmse_case`, FFE main tap at ``n0``, equalised
  cursor at ``n0 + rx_ffe_n_pre``, DFE from the next cursors).  Pinned by
  ``tests/test_com_dj_sampling.py`` against a naive transcription on real channels.
* Known differences: MATLAB searches the pulse peak over +/- 20 UI of the unequalised peak,
  this code over +/- 1 UI of the CTLE pulse's peak; MATLAB's ``MMSE`` row indexing takes the
  sample one UI after ``cursor_i`` as the cursor when ``cursor_i`` is a multiple of M (its
  ``h = sbr(mod(cursor_i - 1, M) + 1:end)`` with ``dh = (cursor_i - mod(cursor_i, M))/M``),
  which is not reproduced (that edge phase then solves for a cursor one UI late).

Pulse window: the pulse records are cut to the span where some basis pulse of a stream
exceeds ``_TRUNC_REL`` (1e-4) of that stream's peak (plus two UI, then one UI of zeros each
side).  Checked on DPO_4in, DPO_12in and CA_19p75dB: COM changes by < 1e-7 dB and FOM by
< 4e-4 dB against a 1e-5 cut (which keeps up to 5,300 UI instead of 400-1,200).

The PMF voltage grid spans +/- min(2 A_s, bound) with bound the worst-case sum plus
7 sigma_G (at least 1.1 A_s) and at most ``_MAX_BINS`` bins of >= 1e-5 V (Note 1 of
93A.1.7.1).  When A_ni lands within ``_EDGE_SIGMAS`` sigma_G of that grid's edge (COM below
-6.02 dB - 20 log10(1 - 2 sigma_G / A_s): failing channels, e.g. below -0.7 dB at
sigma_G = 0.23 A_s) it is computed again on a grid reaching 2 ``_EDGE_SIGMAS`` sigma_G past
it, and on +/- bound if it lands near that edge too: a failing channel reports its true
(negative) COM rather than a floor of -6 dB, and none reads high from the ISI mass clamped
into the edge bin; channels whose A_ni stays clear of the edge never take that second pass.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._kernels import com as _kc
from .._kernels import pmf as _kp
from ..channel.core import Channel
from ..errors import SIKernelError
from ..response import PulseResponse, modulation_name
from ._com_channel import (
    _above,
    _check_coverage,
    _common_grid,
    _load,
    _on_grid,
    _package,
    _packaged_h21,
    _rx_filter,
    _truncate_ir,
    _tx_filter,
    _with_boards,
)
from ._com_search import _tx_apply, _tx_tap_indices
from ._summary import short_repr
from .presets import ComPreset, get_preset

#: pulse samples below this fraction of their stream's peak are cut off at the record ends
_TRUNC_REL = 1e-4
#: cursors below this fraction of A_s are left out of the PMFs (Note 2 of 93A.1.7.1)
_PMF_REL = 1e-3
#: minimum PMF bin width (V), Note 1 of 93A.1.7.1
_DV_MIN = 1e-5
#: largest PMF grid (bins)
_MAX_BINS = 8001
#: A_ni within this many sigma_G of the +-2 A_s grid's edge is recomputed on a wider grid
#: (:func:`_a_ni`): on the +-2 A_s grid the ISI mass clamped into the edge bin is spread by the
#: Gaussian from the edge, and Phi(-4) = 3e-5 bounds the relative error that leaves in the
#: probability below A_ni (DPO_4in, 802.3dj KR: A_ni at 1.987 A_s, sigma_G 0.23 A_s, COM read
#: 0.013 dB high before)
_EDGE_SIGMAS = 4.0
#: 178A search: points whose FOM bound (no RX FFE limit) is below the best FOM so far by
#: more than this (dB) are not re-solved with the limits; chunk of limited solves
_PRUNE_SLACK_DB = 1e-9
_PRUNE_CHUNK = 256
#: a DFE tap limit that never binds (the bound pass of the 178A search)
_NO_LIMIT = 1e30
#: 178A S_tn (178A-17): the pulse without TX FFE is sampled this many samples after the cursor's
#: phase, as COM 4.50 ``get_PSDs`` does (``htn(mod(cursor_i, M) + 1 : ...)`` against the cursor at
#: ``h(mod(cursor_i - 1, M) + 1 + k M)`` in ``MMSE``; 1/M UI, a residue of its older alignment)
_TN_PHASE_SHIFT = 1


@dataclass(frozen=True, eq=False)
class ComCase:
    """COM of one package test case.

    Attributes
    ----------
    z_p_m : tuple of float
        (TX, RX) package long-section lengths (m).
    com_db, fom_db : float
        COM and the best FOM of this case (dB).
    a_s, a_ni : float
        Signal and noise+interference amplitudes (V).
    tx_taps : ndarray
        Chosen TX FFE taps at ``tx_offsets``.
    tx_offsets : ndarray of int
        Tap offsets (UI).
    ctle_gdc_db, ctle_gdc2_db : float
        Chosen CTLE DC gains.
    dfe_taps : ndarray
        DFE taps b(n) at the chosen setting (93A-26).
    h0 : float
        Main cursor (V).
    sampling_phase_ui : float
        Sampling instant within the UI, t_s mod T, in UI from the pulse record start.
    rx_ffe_taps : ndarray or None
        178A RX FFE (main tap 1, ``preset.rx_ffe_n_pre`` pre-cursor taps); None for 93A.
    sigma : dict
        sigma_TX, sigma_ISI, sigma_J, sigma_XT, sigma_N (V, FOM terms at the chosen point)
        and sigma_G (V, Gaussian part of the COM PMF).
    cursors_v : ndarray
        Equalised pulse samples at the sampling phase, before DFE (V); cursor at ``cursor_ui``.
    cursor_ui : int
        Index of the main cursor in ``cursors_v``.
    n_grid_points : int
        TX FFE x CTLE points evaluated by the 93A FOM: the whole grid, or with the preset's
        ``local_search`` the points the IEEE code's Local Search reaches (in 178A mode they give
        each point's sampling point, and the MMSE search covers every valid one).
    c2m : dict or None
        ``pmd_type="C2M"`` (:mod:`sikernel.eye.c2m`): ``veo_v``, ``eh_top_v``, ``eh_bot_v``,
        ``vec_db``, ``com_db``, ``a_s_v``, ``a_ni_v`` (= 2 A_s - VEO), ``bin_v``,
        ``n_points`` (settings whose eye was built); ``com_db``/``a_ni``/``fom_db`` of the
        case are then the C2M ones.  None otherwise.  ``vec_db`` is +inf (with a
        :class:`~sikernel.errors.SIKernelWarning`) when the eye is closed at DER_0; in
        ``ComResult.to_dict()`` it is then ``None``.
    cursor_sample : int or None
        Index of the main cursor in the thru's 93A-24 pulse record on COM's frequency grid
        (before the TX FFE; the record of :func:`sikernel.response.pulse_from_h`), which
        :meth:`ComResult.pulse` uses to mark COM's sampling instant; None when not from :func:`com`.
    """

    z_p_m: tuple[float, float]
    com_db: float
    fom_db: float
    a_s: float
    a_ni: float
    tx_taps: np.ndarray
    tx_offsets: np.ndarray
    ctle_gdc_db: float
    ctle_gdc2_db: float
    dfe_taps: np.ndarray
    h0: float
    sampling_phase_ui: float
    sigma: dict[str, float]
    cursors_v: np.ndarray
    cursor_ui: int
    n_grid_points: int
    rx_ffe_taps: np.ndarray | None = None
    c2m: dict[str, float] | None = None
    cursor_sample: int | None = None

    def __repr__(self) -> str:
        return short_repr(self)


@dataclass(frozen=True, eq=False)
class ComResult:
    """COM of a channel: the worst package test case, with every case kept.

    Attributes
    ----------
    com_db : float
        COM (dB) = min over package cases.
    passed : bool
        ``com_db >= preset.pass_threshold_db``.
    fom_db, a_s, a_ni, tx_taps, tx_offsets, ctle_gdc_db, ctle_gdc2_db, dfe_taps, h0,
    sampling_phase_ui, sigma
        Those of the worst case (see :class:`ComCase`).
    cases : tuple of ComCase
        Every package test case.
    preset : dict
        ``{"name", "version", "values"}`` of the preset used (overrides included).
    channel, next, fext : str / tuple of str
        Names of the inputs.
    elapsed_s : float
        Wall time of the computation (s).
    meta : dict
        Free-form extra information (empty as returned by :func:`com`).
    com_preset : ComPreset or None
        The preset object the result was computed with (overrides and sheet included), which
        :meth:`pulse` needs; None for a result built by hand.
    grid_points : int or None
        Points of COM's frequency grid (from 0 Hz in steps of ``df_hz``): the shortest of the
        thru's and the aggressors' (an aggressor measured to a lower frequency cuts every
        stream there), which :meth:`pulse` uses too; None for a result built by hand.
    """

    com_db: float
    passed: bool
    fom_db: float
    a_s: float
    a_ni: float
    tx_taps: np.ndarray
    tx_offsets: np.ndarray
    ctle_gdc_db: float
    ctle_gdc2_db: float
    dfe_taps: np.ndarray
    h0: float
    sampling_phase_ui: float
    sigma: dict[str, float]
    cases: tuple[ComCase, ...]
    preset: dict[str, Any]
    channel: str
    next: tuple[str, ...]
    fext: tuple[str, ...]
    elapsed_s: float
    meta: dict[str, Any] = field(default_factory=dict)
    com_preset: ComPreset | None = field(default=None, repr=False)
    grid_points: int | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return short_repr(self)

    def pulse(self, channel: Channel | str | Path, case: int | None = None, *,
              rx_ffe: bool = True) -> PulseResponse:
        """The thru's pulse response with this COM's equalisation, ready for the eye functions.

        See :func:`sikernel.eye.com_pulse.com_pulse` (parameters, what the pulse includes).
        """
        from .com_pulse import com_pulse

        return com_pulse(channel, self, case, rx_ffe=rx_ffe)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary (lists and floats)."""
        def case(c: ComCase) -> dict[str, Any]:
            return {"z_p_m": list(c.z_p_m), "com_db": c.com_db, "fom_db": c.fom_db, "a_s_v": c.a_s,
                    "a_ni_v": c.a_ni, "tx_taps": c.tx_taps.tolist(), "tx_offsets_ui": c.tx_offsets.tolist(),
                    "ctle_gdc_db": c.ctle_gdc_db, "ctle_gdc2_db": c.ctle_gdc2_db,
                    "dfe_taps": c.dfe_taps.tolist(), "h0_v": c.h0, "sampling_phase_ui": c.sampling_phase_ui,
                    "sigma_v": dict(c.sigma), "n_grid_points": c.n_grid_points,
                    "rx_ffe_taps": None if c.rx_ffe_taps is None else c.rx_ffe_taps.tolist(),
                    "c2m": None if c.c2m is None else {  # JSON has no infinity: a closed eye's VEC -> null
                        k: (v if np.isfinite(v) else None) for k, v in c.c2m.items()}}
        return {"channel": self.channel, "next": list(self.next), "fext": list(self.fext),
                "com_db": self.com_db, "passed": self.passed, "fom_db": self.fom_db,
                "a_s_v": self.a_s, "a_ni_v": self.a_ni, "cases": [case(c) for c in self.cases],
                "preset": _jsonable(self.preset), "elapsed_s": self.elapsed_s}


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


def _ctle_basis(p: ComPreset, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Corner CTLE responses (n_b, n_f), weights (n_ctle, n_b) and the settings (n_ctle, 2).

    93A-22/178A-14 is affine in g = 10^(gDC/20) at fixed g2 and affine in g2 at fixed g,
    so H(g, g2) = sum of the four corner responses with bilinear weights (exact).
    """
    from ..eq.filters import ctle_responses

    settings = p.ctle_grid()
    g1 = 10.0 ** (settings[:, 0] / 20.0)
    g2 = 10.0 ** (settings[:, 1] / 20.0)
    c1 = sorted({float(settings[:, 0].max()), float(settings[:, 0].min())})
    c2 = sorted({float(settings[:, 1].max()), float(settings[:, 1].min())})
    corners = [(a, b) for b in c2 for a in c1]
    h = ctle_responses(f, [a for a, _ in corners], p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz,
                       gdc2_db=[b for _, b in corners], f_lf_hz=p.ctle_f_lf_hz)

    def lin_w(x: np.ndarray, cs: list[float]) -> np.ndarray:
        if len(cs) == 1:
            return np.ones((x.size, 1))
        xa, xb = 10.0 ** (cs[0] / 20.0), 10.0 ** (cs[1] / 20.0)
        u = (x - xa) / (xb - xa)
        return np.stack([1.0 - u, u], axis=1)

    w1 = lin_w(g1, c1)
    w2 = lin_w(g2, c2)
    w = (w2[:, :, None] * w1[:, None, :]).reshape(settings.shape[0], -1)
    return h, w, settings


def _stream_span(pulses: np.ndarray) -> tuple[int, int]:
    """[first, last] sample of one stream's basis pulses (n_basis, n) where some basis pulse
    exceeds ``_TRUNC_REL`` x the stream's peak; (n, -1) when all are zero."""
    hit, _ = _above(pulses, _TRUNC_REL)
    if hit is None:
        return pulses.shape[-1], -1
    col = hit.any(axis=0)
    return int(col.argmax()), col.size - 1 - int(col[::-1].argmax())


def _window(spans: Sequence[tuple[int, int]], n: int, m: int) -> tuple[int, int]:
    """Sample range [i0, i1), a multiple of M long, holding every sample of every stream
    (victim, each aggressor; any basis pulse) above ``_TRUNC_REL`` x that stream's peak
    (``spans``: :func:`_stream_span` of each stream of ``n`` samples)."""
    lo, hi = n, -1
    for a, b in spans:
        if b >= 0:
            lo = min(lo, a)
            hi = max(hi, b)
    if hi < lo:
        return 0, n - n % m
    lo = max(0, lo - 2 * m)
    hi = min(n, hi + 2 * m + 1)
    length = min(((hi - lo + m - 1) // m) * m, n - n % m)
    if lo + length > n:
        lo = n - length
    return lo, lo + length


def _stream_pulses(streams: list, f: np.ndarray, p: ComPreset, h_common: np.ndarray,
                   h_ctle: np.ndarray, pk_rx: Channel | None,
                   out: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Basis pulses (n_streams, n_basis, n_time) of every (channel, amplitude, TX package)
    stream and their :func:`_stream_span`: H21 with packages times ``h_common`` and the
    amplitude, impulse response truncated (:func:`_truncate_ir`), times each CTLE corner
    response, 93A-24 pulse (what :func:`sikernel.response.pulse_from_h` computes, by the
    same kernel calls, without its time axis, with the grid checked once, and written into
    ``out`` when it has the right shape: the package cases of a COM share one array, so
    its pages are faulted in once).  The streams are independent and their kernels and
    FFTs release the GIL, so they run on up to the Numba thread count of Python threads
    (each stream's arithmetic is the same whatever the thread)."""
    from .._kernels import response as _kr
    from ..response import _rows_to_time, fft_grid

    grid = fft_grid(f, p.baud_hz, p.samples_per_ui)
    shape = (len(streams), h_ctle.shape[0], grid.n_time)
    if out is None or out.shape != shape:
        out = np.empty(shape)
    spans: list[tuple[int, int]] = [(0, -1)] * len(streams)

    def one(j: int) -> None:
        ch, amp, pk = streams[j]
        h = _truncate_ir(_packaged_h21(ch, f, p, pk, pk_rx) * (h_common * amp), f, p)
        hc = h[None, :] * h_ctle
        if not np.all(np.isfinite(hc)):
            raise SIKernelError("h contains NaN or inf values")
        _rows_to_time(hc, f, grid, p.baud_hz, _kr.KIND_PULSE, -grid.n_neg, out[j])
        spans[j] = _stream_span(out[j])

    from .._threads import map_on_threads

    map_on_threads(one, range(len(streams)), _n_threads())
    return out, spans


def _n_threads() -> int:
    """Threads for the per-stream pulse work: the Numba thread count
    (:func:`sikernel._jit.thread_count`: without launching Numba's threading layer)."""
    from .._jit import thread_count

    return thread_count()


# -- COM (93A.1.7) ----------------------------------------------------------------------
def _worst_phase(px: np.ndarray, m: int) -> np.ndarray:
    """Samples of an aggressor pulse at the phase of largest sum of squares (93A-33)."""
    e = [float(np.sum(px[k::m] ** 2)) for k in range(m)]
    return px[int(np.argmax(e))::m]


def _aggressor_cursors(x: np.ndarray, fext: bool, c: np.ndarray, offs: np.ndarray, m: int,
                       pad: int) -> np.ndarray:
    """Symbol-spaced samples at the worst phase (93A-33) of one aggressor pulse ``x``.

    A far-end aggressor's pulse goes through the victim's TX FFE ``c`` (93A.1.6: the FEXT
    transmitter uses the same equalisation); a near-end one through none, i.e. the pulse
    padded as :func:`_tx_apply` pads it (its own transmitter is not the victim's).  The IEEE
    COM 4.50 code does the same in both the 93A and the 178A (MMSE) paths: ``Apply_EQ``
    applies ``FFE(fom_result.txffe, ...)`` only ``if isequal(chdata(i).type, 'FEXT') ||
    isequal(chdata(i).type, 'THRU')``, and ``optimize_fom`` sets
    ``pulse_response_w_CFT_TXFFE_noRxFFE = pulse_ctle`` for NEXT ("don't apply TxFFE for
    NEXT"), the pulse ``get_PSDs`` takes the crosstalk PSD S_xn (178A-16) and phase from.
    """
    if fext:
        return _worst_phase(_tx_apply(x, c, offs, m, pad), m)
    return _worst_phase(np.concatenate([np.zeros(pad), x, np.zeros(pad)]), m)


def _a_ni(isi: np.ndarray, hj: np.ndarray, xt: list[np.ndarray], a_s: float, var_g: float,
          p: ComPreset) -> float:
    """Noise + interference amplitude at DER0 (93A-38..45) on a uniform voltage grid.

    One PMF of sum a_k x_k over the residual ISI cursors, the dual-Dirac jitter terms A_DD h_J
    and every aggressor's cursors (all independent PAM-L symbols, 93A-40/44), each kept when
    |x| > 1e-3 A_s, convolved with the Gaussian N(0, var_g) (93A-41..43).
    """
    thr = _PMF_REL * abs(a_s)
    parts = [isi, p.a_dd_ui * hj, *xt]
    cur = np.ascontiguousarray(np.concatenate([v[np.abs(v) > thr] for v in parts]))
    cur = cur[np.argsort(np.abs(cur))]
    sig_g = float(np.sqrt(var_g))
    bound = float(np.sum(np.abs(cur))) + 7.0 * sig_g
    wide = max(1.1 * abs(a_s), bound)
    half = min(2.0 * abs(a_s), wide)
    a_ni, dv = _a_ni_on_grid(cur, sig_g, half, p, a_s)
    # While the DER0 point lies within reach of the grid's edge (on the +-2 A_s grid: COM below
    # -6.02 dB - 20 log10(1 - 2 sigma_G / A_s)) the ISI mass beyond the edge, which sits in the
    # edge bin (exact for the cumulative below any interior point until the Gaussian spreads it
    # from there instead of from where it lies), can move it: redo it on a grid reaching
    # 2 _EDGE_SIGMAS sigma_G past that point (the bin width kept where _MAX_BINS allows), then on
    # one wide enough for the whole distribution
    for wider in (min(wide, a_ni + 2.0 * _EDGE_SIGMAS * sig_g), wide):
        if a_ni < half - max(2.0 * dv, _EDGE_SIGMAS * sig_g):
            break
        if wider > half:
            a_ni, dv = _a_ni_on_grid(cur, sig_g, wider, p, a_s)
            half = wider
    return a_ni


def _a_ni_on_grid(cur: np.ndarray, sig_g: float, half: float, p: ComPreset,
                  a_s: float = np.inf) -> tuple[float, float]:
    """A_ni on the grid +-``half`` and its step: bins of min(``_DV_MIN``, A_s/1000) as the
    reference code (``delta_y = min(A_s/1000, OP.BinSize)``, BinSize 1e-5 V), widened when
    that would exceed ``_MAX_BINS`` bins."""
    dv = max(min(_DV_MIN, abs(a_s) / 1000.0), 2.0 * half / (_MAX_BINS - 1))
    # capped: at the widened step half/dv is (_MAX_BINS - 1)/2 up to rounding, whose ceil could
    # otherwise add a bin at each end (8003 bins; audit 26)
    nh = min(int(np.ceil(half / dv)), (_MAX_BINS - 1) // 2)
    n = 2 * nh + 1
    v0 = -nh * dv
    p_isi = np.empty(n)
    _kp.isi_pmf(cur, _kp.pam_levels(p.n_levels), v0, dv, p_isi)
    p_g = np.empty(n)
    _kp.gaussian_pmf(0.0, sig_g, v0, dv, p_g)
    tot = np.empty(n)
    _kp.convolve_pmf(p_isi, p_g, -nh, tot)  # shift = (v0 + v0 - v0)/dv = -nh
    return -float(_kp.quantile_below(tot, v0, dv, p.der0)), dv


def _dfe(h: np.ndarray, n0: int, h0: float, p: ComPreset) -> tuple[np.ndarray, np.ndarray]:
    """DFE taps b(n) (93A-26, with the reference code's floating taps and tail RSS limit,
    :func:`sikernel._kernels.com.dfe_taps`) and the residual ISI (93A-27)."""
    bmax = np.asarray(p.dfe_bmax, dtype=float)
    bmin = np.asarray(p.bmin, dtype=float)
    flt = p.dfe_float()
    # the kernel's Python source (integer arithmetic: same answer) spares a cache load
    span = int(getattr(_kc.dfe_span, "py_func", _kc.dfe_span)(bmax.size, flt))
    hp = np.zeros(span)
    n_avail = max(0, min(span, h.size - n0 - 1))
    hp[:n_avail] = h[n0 + 1: n0 + 1 + n_avail]
    b = np.zeros(span)
    _kc.dfe_taps(hp, span, float(h0), bmin, bmax, flt, b)
    isi = h.copy()
    isi[n0] = 0.0
    isi[n0 + 1: n0 + 1 + n_avail] -= b[:n_avail] * h0
    return b, isi


def _var_x(n_levels: int) -> float:
    return (n_levels * n_levels - 1) / (3.0 * (n_levels - 1) ** 2)


def _com_case(q: np.ndarray, xt: list[tuple[np.ndarray, bool]], c: np.ndarray, offs: np.ndarray,
              ix: int, var_n: float, p: ComPreset) -> dict[str, Any]:
    """COM (93A.1.7) at one TX FFE / CTLE setting with the DFE of 93A-26."""
    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    pv = _tx_apply(q, c, offs, m, pad)
    i = ix + pad
    ph = i % m
    h = pv[ph::m].copy()
    n0 = (i - ph) // m
    h0 = float(h[n0])
    var_x = _var_x(p.n_levels)
    a_s = p.r_lm * h0 / (p.n_levels - 1)
    b, isi = _dfe(h, n0, h0, p)
    hj = (np.roll(pv, -1)[ph::m] - np.roll(pv, 1)[ph::m]) * (0.5 * m)
    xs = [_aggressor_cursors(x, fe, c, offs, m, pad) for x, fe in xt]
    var_tx = h0 * h0 * 10.0 ** (-p.snr_tx_db / 10.0)
    var_g = var_tx + p.sigma_rj_ui ** 2 * var_x * float(np.sum(hj * hj)) + var_n
    a_ni = _a_ni(isi, hj, xs, a_s, var_g, p)
    com_db = _com_db(a_s, a_ni)
    return {"com_db": com_db, "a_s": float(a_s), "a_ni": a_ni, "dfe": b, "h0": h0,
            "cursors": h, "n0": int(n0), "sigma_g": float(np.sqrt(var_g)), "phase": ph}


def _com_db(a_s: float, a_ni: float) -> float:
    """20 log10(A_s / A_ni), or SIKernelError when it cannot be formed (never -inf)."""
    if not (a_s > 0 and np.isfinite(a_s)):
        raise SIKernelError(f"COM cannot be formed: the signal amplitude A_s = {a_s:g} V at the chosen "
                            "setting is not positive (the equalised pulse has no positive main cursor)")
    if not (a_ni > 0 and np.isfinite(a_ni)):
        raise SIKernelError(f"COM cannot be formed: the noise + interference amplitude A_ni = {a_ni:g} V "
                            "is not positive (no noise, jitter or ISI at all: check eta_0, SNR_TX, "
                            "sigma_RJ and the channel)")
    return float(20.0 * np.log10(a_s / a_ni))


def _noise_acf_gram(p: ComPreset, f_n: np.ndarray, hn: np.ndarray, n_lags: int) -> np.ndarray:
    """G[k] (n_lags, n_b, n_b): noise autocorrelation at lag k T for CTLE weights w is w G[k] w.

    R_n(kT) = eta_0 int |H_r H_ctle|^2 cos(2 pi f k T) df (the PSD eta_0 |H_r H_ctle|^2 of
    93A-35 at symbol-spaced lags, as the 178A MMSE needs), with H_ctle = sum_b w_b H_b.
    """
    out = np.empty((n_lags, hn.shape[0], hn.shape[0]))
    for k in range(n_lags):
        wk = np.cos(2 * np.pi * f_n * k / p.baud_hz) * p.df_hz * p.eta0_v2_per_hz
        out[k] = np.real((hn * wk) @ hn.conj().T)
    return out


def _slope(x: np.ndarray, m: int) -> np.ndarray:
    """(x(i + 1) - x(i - 1)) M / 2 sample by sample (the jitter pulse h_J of 93A-28 / 178A-17 at
    every phase; ``x`` starts and ends with zeros, so the wrap of the shift is harmless)."""
    return (np.roll(x, -1) - np.roll(x, 1)) * (0.5 * m)


def _tn_acf_by_phase(q: np.ndarray, m: int, pad: int, n_lags: int) -> np.ndarray:
    """A[ph, l] = sum_n q_p(ph + n M) q_p(ph + (n + l) M) for the zero-padded pulse ``q_p``
    *without* TX FFE: the autocorrelation of its symbol-spaced samples at each phase, from which
    the 178A TX-noise autocorrelation (178A-17 S_tn) is taken, once per CTLE setting."""
    qq = np.concatenate([np.zeros(pad), q, np.zeros(pad)])
    n_c = -(-qq.size // m)
    x = np.zeros(n_c * m)
    x[: qq.size] = qq
    x = x.reshape(n_c, m).T                                        # (M, n_c)
    return np.stack([np.einsum("pn,pn->p", x[:, : n_c - lag], x[:, lag:])
                     for lag in range(n_lags)], axis=1)


def _noise_178a_acf(p: ComPreset, tn_acf: np.ndarray, hj_acf: np.ndarray) -> np.ndarray:
    """TX noise + jitter noise autocorrelation at symbol lags of the 178A MMSE noise (V^2):
    S_tn = sigma_X^2 10^(-SNR_TX/10) |H_0|^2 / f_b of the pulse without TX FFE and
    S_jn = sigma_X^2 (A_DD^2 + sigma_RJ^2) |H_J|^2 / f_b of the jitter pulse with TX FFE
    (178A-17; COM 4.50 ``get_PSDs``), each an autocorrelation of symbol-spaced samples."""
    from ..eq.mmse import symbol_variance

    sx2 = symbol_variance(p.n_levels)
    return sx2 * (10.0 ** (-p.snr_tx_db / 10.0) * tn_acf
                  + (p.a_dd_ui ** 2 + p.sigma_rj_ui ** 2) * hj_acf)


def _mmse_case(q: np.ndarray, xt: list[tuple[np.ndarray, bool]], c: np.ndarray, offs: np.ndarray,
               ix: int, acf: np.ndarray, p: ComPreset) -> dict[str, Any]:
    """178A: RX FFE + DFE by MMSE (:func:`sikernel.eq.mmse.mmse`) at one TX FFE / CTLE setting,
    then COM from the PMFs of the FFE-equalised cursors (as 93A.1.7).

    ``acf`` is the thermal noise autocorrelation (S_rn, 178A-15).  The MMSE noise adds the TX
    noise S_tn of the pulse *without* TX FFE and the jitter noise S_jn (178A-17), as COM 4.50's
    ``MMSE`` / ``get_PSDs``.  In the COM step the Gaussian noise is COM 4.50's
    ``Create_Noise_PDF`` MMSE branch: sigma_G^2 = S_tn + S_rj + S_rn (178A-30) through the RX
    FFE, i.e. sigma_TX from S_tn (not 93A-30's h0^2 10^(-SNR_TX/10)), random jitter
    sigma_RJ^2 sigma_X^2 |w * h_J|^2 and the thermal noise through the FFE."""
    from ..eq.mmse import _acf_of, _toeplitz, mmse

    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    pv = _tx_apply(q, c, offs, m, pad)
    i = ix + pad
    ph = i % m
    h = pv[ph::m].copy()
    n0 = (i - ph) // m
    xs = [_aggressor_cursors(x, fe, c, offs, m, pad) for x, fe in xt]
    n_w = p.rx_ffe_n_pre + 1 + p.rx_ffe_n_post
    hj_pre = _slope(pv, m)[ph::m]                      # h_J before the RX FFE (93A-28)
    tn_acf = _tn_acf_by_phase(q, m, pad, n_w)[(ph + _TN_PHASE_SHIFT) % m]
    acf_th = np.zeros(n_w)
    acf_th[: min(n_w, acf.size)] = acf[:n_w]
    acf_mmse = acf_th + _noise_178a_acf(p, tn_acf, _acf_of(hj_pre, n_w))
    r = mmse(h, n0, p.rx_ffe_n_pre, p.rx_ffe_n_post, len(p.dfe_bmax), rlm=p.r_lm,
             modulation=modulation_name(p.n_levels),
             noise_acf=acf_mmse, snr_tx_db=None, xt_cursors=xs, b_max=np.asarray(p.dfe_bmax),
             b_min=np.asarray(p.bmin), ffe_limit=p.rx_ffe_limit)
    w = r.rx_ffe_taps / r.rx_ffe_taps[p.rx_ffe_n_pre]  # main FFE tap = 1 (as the IEEE tool)
    heq = np.convolve(w, h)
    n0e = n0 + p.rx_ffe_n_pre
    h0 = float(heq[n0e])
    var_x = _var_x(p.n_levels)
    a_s = p.r_lm * h0 / (p.n_levels - 1)
    b, isi = _dfe(heq, n0e, h0, p)
    hj = np.convolve(w, hj_pre)
    xs_eq = [np.convolve(w, x) for x in xs]
    var_n = float(w @ _toeplitz(acf_th, w.size) @ w)   # S_rn through the RX FFE
    # S_tn through the RX FFE (COM 4.50 Create_Noise_PDF, MMSE: sigma_TX = S_tn_rms)
    var_tx = float(w @ _toeplitz(_noise_178a_acf(p, tn_acf, np.zeros(n_w)), w.size) @ w)
    var_g = var_tx + p.sigma_rj_ui ** 2 * var_x * float(np.sum(hj * hj)) + var_n   # 178A-30
    a_ni = _a_ni(isi, hj, xs_eq, a_s, var_g, p)
    com_db = _com_db(a_s, a_ni)
    sigma = {"sigma_tx": np.sqrt(var_tx), "sigma_isi": np.sqrt(var_x * np.sum(isi * isi)),
             "sigma_j": np.sqrt(var_x * (p.a_dd_ui ** 2 + p.sigma_rj_ui ** 2) * np.sum(hj * hj)),
             "sigma_xt": np.sqrt(var_x * sum(float(np.sum(x * x)) for x in xs_eq)),
             "sigma_n": np.sqrt(var_n), "sigma_g": np.sqrt(var_g)}
    return {"com_db": com_db, "a_s": float(a_s), "a_ni": a_ni, "dfe": b, "h0": h0,
            "cursors": heq, "n0": int(n0e), "sigma_g": float(np.sqrt(var_g)), "phase": ph,
            "fom_db": float(r.fom_db), "rx_ffe": w, "sigma": {k: float(v) for k, v in sigma.items()}}


def _shifted_phase_basis(x: np.ndarray, offs: np.ndarray, m: int, pad: int) -> np.ndarray:
    """S[ph, a, n] = x_padded(ph + (n - o_a) M): the symbol-spaced samples at phase ``ph`` of
    the pulse ``x`` delayed by TX tap ``a``, so that ``c @ S[ph]`` are the cursors of
    :func:`_tx_apply` (93A-21) at that phase (the pulse is linear in the TX FFE taps)."""
    xx = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    sh = np.stack([np.roll(xx, int(o) * m) for o in offs])        # (n_taps, n_samples)
    return np.stack([sh[:, ph::m] for ph in range(m)])             # (M, n_taps, n_c)


def _lag_grams(s: np.ndarray, n_lags: int) -> np.ndarray:
    """G[..., l, a, b] = sum_n s[..., a, n] s[..., b, n + l]: the autocorrelation at lag l of
    ``c @ s`` is ``c G[l] c`` (symmetric part)."""
    n = s.shape[-1]
    out = np.stack([s[..., : n - lag] @ np.swapaxes(s[..., lag:], -1, -2)
                    for lag in range(n_lags)], axis=-3)
    return 0.5 * (out + np.swapaxes(out, -1, -2))


def _quad_rows(c: np.ndarray, g: np.ndarray, ph: np.ndarray) -> np.ndarray:
    """out[i, l] = c[i] @ g[ph[i], l] @ c[i] for rows c (n, a) and g (M, L, a, a)."""
    out = np.empty((c.shape[0], g.shape[1]))
    for v in np.unique(ph):
        sel = ph == v
        cs = c[sel]
        t = (cs @ g[v].transpose(1, 0, 2).reshape(g.shape[2], -1)).reshape(cs.shape[0], g.shape[1], -1)
        out[sel] = np.einsum("ilb,ib->il", t, cs)
    return out


def _mmse_rows(kk: int, bv: np.ndarray, bxa: np.ndarray, is_fext: np.ndarray,
               w_ctle: np.ndarray, acf_g: np.ndarray, tx: np.ndarray, offs: np.ndarray,
               cursor_grid: np.ndarray, p: ComPreset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MMSE inputs of every valid TX FFE point of CTLE setting ``kk``: (TX indices, cursors
    (n, span) with the main cursor at ``rx_ffe_n_post``, noise autocorrelation (n, n_w)).

    The victim cursors of all TX settings are ``C @ S[ph]`` (one basis of shifted
    symbol-spaced samples per phase), aligned on a common main-cursor index.  Only the
    cursors the FFE/DFE rows of the QP touch are kept; the rest of each pulse enters through
    its autocorrelation (a quadratic form ``c G[l] c`` of the TX taps), added to the noise
    autocorrelation -- the QP depends on the cursors only through ``A'A`` and those rows.
    The noise is 178A's (COM 4.50 ``get_PSDs``, S_n = S_rn + S_tn + S_xn + S_jn): the thermal
    noise of the CTLE setting, the TX noise S_tn of the pulse *without* TX FFE (178A-17; one
    autocorrelation per sampling phase of the CTLE setting, shared by its TX points) and the
    jitter noise S_jn of the jitter pulse h_J (178A-17, A_DD and sigma_RJ; a quadratic form of
    the TX taps).
    The crosstalk autocorrelation is a quadratic form of the TX taps too (FEXT: the
    aggressor's transmitter uses the same TX FFE, at its worst phase, 93A-33; NEXT: no TX
    FFE), added to the thermal noise autocorrelation of the CTLE setting.  Points whose main
    cursor is not positive are left out.
    """
    from ..eq.mmse import symbol_variance

    m = p.samples_per_ui
    pad = (int(np.max(np.abs(offs))) + 2) * m
    n_pre, n_post, n_dfe = p.rx_ffe_n_pre, p.rx_ffe_n_post, len(p.dfe_bmax)
    n_w = n_pre + 1 + n_post
    span = n_post + 1 + n_pre + n_dfe
    sx2 = symbol_variance(p.n_levels)
    one = (offs == 0).astype(float)
    ok = np.flatnonzero(cursor_grid[kk] >= 0)
    if ok.size == 0:
        return ok, np.zeros((0, span)), np.zeros((0, n_w))
    q = w_ctle[kk] @ bv
    s = _shifted_phase_basis(q, offs, m, pad)                   # (M, n_taps, n_c)
    sp = np.concatenate([np.zeros((*s.shape[:2], n_post)), s,
                         np.zeros((*s.shape[:2], span))], axis=2)
    i = cursor_grid[kk, ok] + pad
    ph = i % m
    n0 = (i - ph) // m
    c = tx[ok]
    h = np.empty((ok.size, span))
    for key in np.unique(ph * sp.shape[2] + n0):
        ph_v, n0_v = divmod(int(key), sp.shape[2])
        rows = (ph == ph_v) & (n0 == n0_v)
        h[rows] = c[rows] @ sp[ph_v][:, n0_v: n0_v + span]
    # lag Gram matrices only at the phases this setting's points are sampled at (few of M)
    phs, ph_i = np.unique(ph, return_inverse=True)
    rhh = _quad_rows(c, _lag_grams(s[phs], n_w), ph_i)
    rhh -= np.stack([np.einsum("in,in->i", h[:, : span - lag], h[:, lag:])
                     for lag in range(n_w)], axis=1)
    # 178A-17 (COM 4.50 get_PSDs): S_tn from the pulse without TX FFE (one autocorrelation per
    # phase of this CTLE setting), S_jn from the jitter pulse h_J with TX FFE (a quadratic form
    # of the TX taps, as the ISI tail)
    tn = _tn_acf_by_phase(q, m, pad, n_w)[(ph + _TN_PHASE_SHIFT) % m]
    sj = _shifted_phase_basis(_slope(q, m), offs, m, pad)[phs]
    hjj = _quad_rows(c, _lag_grams(sj, n_w), ph_i)
    acf = np.einsum("b,lbc,c->l", w_ctle[kk], acf_g, w_ctle[kk])[None, :] \
        + sx2 * rhh + _noise_178a_acf(p, tn, hjj)
    for j in range(bxa.shape[0]):
        gx = _lag_grams(_shifted_phase_basis(w_ctle[kk] @ bxa[j], offs, m, pad), n_w)
        cx = c if is_fext[j] else np.broadcast_to(one, c.shape)
        e = np.einsum("ia,kab,ib->ik", cx, gx[:, 0], cx)         # energy per phase
        acf += sx2 * _quad_rows(cx, gx, np.argmax(e, axis=1))
    good = h[:, n_post] > 0
    return ok[good], h[good], acf[good]


def _mmse_search(bv: np.ndarray, bxa: np.ndarray, is_fext: np.ndarray, w_ctle: np.ndarray,
                 acf_g: np.ndarray, tx: np.ndarray, offs: np.ndarray, cursor_grid: np.ndarray,
                 p: ComPreset) -> tuple[int, int, float, int]:
    """Full 178A search: RX FFE + DFE MMSE (:func:`sikernel.eq.mmse.mmse_batch`, with the RX
    FFE tap limit) at every TX FFE x CTLE point, each at the sampling point of the 93A grid
    search (inputs by :func:`_mmse_rows`); returns the (CTLE, TX) indices of the best MMSE
    FOM (first on ties, CTLE-major), that FOM and the number of points searched.

    Pass 1 solves every point without any tap limit (one linear solve each): an upper bound
    of its FOM, since the limited equalisers are a subset.  Pass 2 visits the CTLE settings
    by decreasing best bound and, within one, the points by decreasing bound, solving the
    limited QP in chunks until the bound falls below the best FOM found (minus
    ``_PRUNE_SLACK_DB``): the same optimum as solving every point.  The pass-1 inputs are
    kept for pass 2 (33 floats per point: about 220 MB for the 802.3dj KR grid).
    """
    from ..eq.mmse import mmse_batch

    n_pre, n_post, n_dfe = p.rx_ffe_n_pre, p.rx_ffe_n_post, len(p.dfe_bmax)
    # TX noise and jitter are in the rows' noise autocorrelation (178A-17), not snr_tx_db
    kw = {"modulation": modulation_name(p.n_levels), "rlm": p.r_lm, "snr_tx_db": None}
    args = (bv, bxa, is_fext, w_ctle, acf_g, tx, offs, cursor_grid, p)
    limited = bool(np.isfinite(p.rx_ffe_limit))
    ubs: list[np.ndarray] = []
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    best = (-1, -1, -np.inf)
    n_solved = 0
    for kk in range(w_ctle.shape[0]):
        idx, h, acf = _mmse_rows(kk, *args)
        n_solved += int(idx.size)
        if idx.size == 0:
            ubs.append(np.zeros(0))
            kept.append((idx, h, acf))
            continue
        if not limited:       # no RX FFE limit: solve with the DFE limits directly
            f = mmse_batch(h, n_post, n_pre, n_post, n_dfe, noise_acf=acf, b_max=np.asarray(
                p.dfe_bmax), b_min=np.asarray(p.bmin), **kw).fom_db
            j = int(np.argmax(f))             # first on ties; idx is increasing
            if f[j] > best[2]:
                best = (kk, int(idx[j]), float(f[j]))
            continue
        ubs.append(mmse_batch(h, n_post, n_pre, n_post, n_dfe, noise_acf=acf, b_max=_NO_LIMIT,
                              b_min=-_NO_LIMIT, **kw).fom_db)
        kept.append((idx, h, acf))
    if not limited:
        return best[0], best[1], best[2], n_solved
    top = np.array([u.max() if u.size else -np.inf for u in ubs])
    for kk in np.argsort(-top, kind="stable"):
        kk = int(kk)
        if not top[kk] >= best[2] - _PRUNE_SLACK_DB:
            break
        idx, h, acf = kept[kk]
        ub = ubs[kk]
        order = np.argsort(-ub, kind="stable")
        order = order[ub[order] >= best[2] - _PRUNE_SLACK_DB]
        for j0 in range(0, order.size, _PRUNE_CHUNK):
            if ub[order[j0]] < best[2] - _PRUNE_SLACK_DB:
                break
            rows = order[j0: j0 + _PRUNE_CHUNK]
            f = mmse_batch(h[rows], n_post, n_pre, n_post, n_dfe, noise_acf=acf[rows],
                           b_max=np.asarray(p.dfe_bmax), b_min=np.asarray(p.bmin),
                           ffe_limit=p.rx_ffe_limit, **kw).fom_db
            for fj, rj in zip(f, rows, strict=True):
                tj = int(idx[rj])
                if fj > best[2] or (fj == best[2] and (kk, tj) < (best[0], best[1])):
                    best = (kk, tj, float(fj))
    return best[0], best[1], best[2], n_solved


# -- public -----------------------------------------------------------------------------
def com(channel: Channel | str | Path, preset: str | ComPreset | None = None,
        next: Sequence[Channel | str | Path] | None = None,
        fext: Sequence[Channel | str | Path] | None = None, *,
        config: str | Path | None = None, **overrides: Any) -> ComResult:
    """Channel Operating Margin of a channel (IEEE 802.3 Annex 93A / 178A).

    Parameters
    ----------
    channel : Channel, path or skrf.Network
        The thru channel (Touchstone files are read with the (1,3)->(2,4) port map).
    preset : str or ComPreset, optional
        ``"802.3ck-kr"`` (default), ``"802.3ck-cr"``, ``"802.3ck-c2c"``, ``"802.3dj-kr"``
        (draft) or a preset object.  Not together with ``config``.
    next, fext : sequence of Channel or paths, optional
        Near-end and far-end crosstalk aggressor channels; None or empty: none; one Channel or
        path given bare is taken as the list of it.
    config : str or Path, optional
        An IEEE COM configuration sheet (``config_com_ieee8023_93a=*.xlsx``): COM with exactly
        its parameters (:func:`sikernel.eye.config_sheet.com_preset_from_sheet`; a keyword
        that would change the result and is not implemented is an error).  The keywords it
        ignores (output control) are listed in ``result.preset["sheet"]``.  A C2M sheet
        (``PMD_type`` C2M, Annex 120G) gives each case's VEO, EH and VEC in ``case.c2m`` and
        the C2M COM (:mod:`sikernel.eye.c2m`).
    **overrides
        Any :class:`~sikernel.eye.presets.ComPreset` field (e.g. ``t_r_s=4e-12``,
        ``dfe_n_bg=0`` to turn floating DFE taps off).

    Returns
    -------
    ComResult

    Raises
    ------
    SIKernelError
        Unknown preset or field, bad values, unreadable channels, frequency data that cannot
        give a trustworthy pulse response (see :func:`_check_coverage`: ending below f_b/2, a
        step above f_b/100, starting above 2 % of f_b), no TX FFE x CTLE setting with a valid
        sampling point (none meets c(0) >= c0_min, or no positive main cursor), a COM that
        cannot be formed.

    Warns
    -----
    SIKernelWarning
        Data ending below f_b, starting above the sheet's f_min or stepping above its Delta_f.
    """
    t_start = time.perf_counter()
    sheet_info: dict[str, Any] | None = None
    if config is not None:
        if preset is not None:
            raise SIKernelError("give either preset= or config= (an IEEE sheet), not both")
        from .config_sheet import com_preset_from_sheet

        base, sheet_info = com_preset_from_sheet(config)
        p = get_preset(base, **overrides)
    else:
        p = get_preset("802.3ck-kr" if preset is None else preset, **overrides)
    if p.ctle_gqual_db and p.pmd_type != "C2M":
        raise SIKernelError("G_Qual / G2_Qual (ctle_gqual_db) are implemented with pmd_type='C2M' only")
    offs = p.tx_offsets()
    tx = p.tx_grid()
    if tx.shape[0] == 0:
        raise SIKernelError(f"no TX FFE setting of preset {p.name!r} meets c(0) >= c0_min = {p.c0_min:g} "
                            f"(taps {p.tx_taps}); lower c0_min or narrow the tap ranges")
    # one aggressor given bare (a path or a Channel, not a list): the list of it (new-user trial 28:
    # a path string was walked letter by letter, "file '/' does not exist")
    next, fext = ([x] if isinstance(x, str | Path | Channel) else x for x in (next, fext))
    if any(not isinstance(x, Channel) for x in (channel, *(next or ()), *(fext or ()))):
        # files to read: Numba runs below anyway, so its compiled parser is the cheaper one
        # (when cached)
        from ..channel._numbers import start_numba_if_cached

        start_numba_if_cached()
    raw = [(_load(channel, "channel"), "channel")]
    raw += [(_load(x, "next"), "next") for x in (next or ())]
    raw += [(_load(x, "fext"), "fext") for x in (fext or ())]
    from ..channel.roles import check_crosstalk_direction, check_role, flight_time_s

    labels = ["channel" if what == "channel" else f"{what}[{sum(w == what for _, w in raw[:i])}]"
              for i, (_, what) in enumerate(raw)]
    for (ch, what), label in zip(raw, labels, strict=True):
        _check_coverage(ch, p, "channel" if what == "channel" else f"{what} aggressor")
        check_role(ch, "thru" if what == "channel" else what, label)
    if len(raw) > 1:   # a NEXT file given as FEXT, or the reverse, from when each arrives
        flight_s = flight_time_s(raw[0][0])
        for (ch, what), label in zip(raw[1:], labels[1:], strict=True):
            check_crosstalk_direction(flight_s, ch, what, label)
    if p.mode == "grid":
        # empty Numba cache: the exact-FOM / local-search / PMF kernels compile in a child
        # process while this one compiles the pulse and grid kernels (sikernel._compile_ahead)
        from .._compile_ahead import start_com_tail

        start_com_tail()
    thru = _with_boards(_on_grid(raw[0][0], p.df_hz), p, "thru")
    nexts = [_with_boards(_on_grid(c, p.df_hz), p, "next") for c, w in raw[1:] if w == "next"]
    fexts = [_with_boards(_on_grid(c, p.df_hz), p, "fext") for c, w in raw[1:] if w == "fext"]
    f = _common_grid([thru, *nexts, *fexts])
    m = p.samples_per_ui
    h_t = _tx_filter(p, f)
    h_r = _rx_filter(p, f)
    h_ctle, w_ctle, settings = _ctle_basis(p, f)
    # sigma_N^2 (93A-35) = eta0 int |Hr Hctle|^2 df, a quadratic form in the CTLE weights.
    # 93A mode: over the channel data's band, 0 < f <= f_max, as the reference code
    # (get_sigma_eta_ACCM_noise: sum over faxis(2:end) with diff(faxis)); 178A mode: to f_b M / 2
    f_n = np.arange(0.0, p.baud_hz * m / 2 + p.df_hz / 2, p.df_hz)
    hn = _rx_filter(p, f_n)[None, :] * _ctle_basis(p, f_n)[0]
    if p.mode == "grid":
        f_b = f[1:]
        hb = _rx_filter(p, f_b)[None, :] * _ctle_basis(p, f_b)[0]
        gram = np.real((hb * np.diff(f)) @ hb.conj().T) * p.eta0_v2_per_hz
    else:
        gram = np.real(hn @ hn.conj().T) * p.df_hz * p.eta0_v2_per_hz
    var_n = np.einsum("kb,bc,kc->k", w_ctle, gram, w_ctle)
    if p.mode == "mmse":
        acf_g = _noise_acf_gram(p, f_n, hn, p.rx_ffe_n_pre + p.rx_ffe_n_post + 1)
    c2m_search = p.pmd_type == "C2M" and p.c2m_t_o_mui > 0 and p.c2m_min_veo_test_v > 0
    ls_spec = None
    if p.local_search > 0 and p.mode == "grid" and not c2m_search:
        # the IEEE code's Local Search, run while the FOMs are computed: only the points it
        # reaches are evaluated (the C2M criterion replays it over its own values instead)
        from ..eq.grid import LocalSearch

        ls_spec = LocalSearch(int(p.local_search), len(p.ctle_gdc_db), *_tx_tap_indices(p, tx))
    cases = []
    pk_cache: dict = {}
    pulses = None  # (stream, basis, time), shared by the package cases
    for i_case, (z_tx, z_rx) in enumerate(p.z_p_cases_m):
        pk_rx = _package(p, f, z_rx, "rx", pk_cache, "rx")
        streams = [(thru, p.a_v_v, _package(p, f, z_tx, "tx", pk_cache))]
        streams += [(x, p.a_ne_v, _package(p, f, p.aggressor_z_p_m(i_case, "next"), "tx", pk_cache, "next"))
                    for x in nexts]
        streams += [(x, p.a_fe_v, _package(p, f, p.aggressor_z_p_m(i_case, "fext"), "tx", pk_cache, "fext"))
                    for x in fexts]
        pulses, spans = _stream_pulses(streams, f, p, h_t * h_r, h_ctle, pk_rx, pulses)
        is_fext = np.array([False] * len(nexts) + [True] * len(fexts), dtype=bool)
        i0, i1 = _window(spans, pulses.shape[-1], m)
        # each stream's window, one UI of zeros each side
        bv = np.zeros((h_ctle.shape[0], i1 - i0 + 2 * m))
        bv[:, m: m + i1 - i0] = pulses[0][:, i0:i1]
        bxa = np.zeros((len(streams) - 1, h_ctle.shape[0], i1 - i0 + 2 * m))
        for j in range(1, len(streams)):
            bxa[j - 1, :, m: m + i1 - i0] = pulses[j][:, i0:i1]
        from ..eq.grid import grid_search

        g = grid_search(bv, w_ctle, var_n, offs, tx, m, dfe_bmin=np.asarray(p.bmin),
                        dfe_bmax=np.asarray(p.dfe_bmax), n_levels=p.n_levels, r_lm=p.r_lm,
                        snr_tx_db=p.snr_tx_db, a_dd_ui=p.a_dd_ui, sigma_rj_ui=p.sigma_rj_ui,
                        basis_xt=bxa, xt_fext=is_fext, mm_exact_tol_v=p.mm_kernel_tol,
                        dfe_float=p.dfe_float(), local_search=ls_spec)
        k, kt, fom_best, ix_best = g.ctle_index, g.tx_index, g.fom_db, g.cursor_index
        if not np.isfinite(fom_best):
            raise SIKernelError(
                f"channel {thru.name!r}, package case {i_case + 1}: no TX FFE x CTLE setting has a valid "
                "sampling point (no rising 1 % crossing before the pulse peak, or no positive main "
                "cursor); the channel may be disconnected, inverted or far beyond the preset's reach")
        c2m_pick = None
        if c2m_search:
            from . import c2m as _c2m  # optimize_fom(..., do_C2M = 1): the C2M criterion

            c2m_pick = _c2m.search(p, bv, bxa, is_fext, w_ctle, var_n, tx, offs, g.cursor_grid, settings)
            k, kt = c2m_pick[0], c2m_pick[1]
            fom_best, ix_best = c2m_pick[2], int(g.cursor_grid[k, kt])
        rx_ffe = None
        if p.mode == "mmse":
            # 178A: RX FFE + DFE by MMSE at every TX FFE x CTLE point (and sampling offset of
            # mmse_ts_adjust_samples, MATLAB's sample_adjustment); best MMSE FOM kept
            best = (-1, -1, -np.inf, 0)
            lo, hi = p.mmse_ts_adjust_samples
            for d in range(int(lo), int(hi) + 1):
                cg = np.where(g.cursor_grid >= 0, g.cursor_grid + d, -1)
                kd, ktd, fd, _ = _mmse_search(bv, bxa, is_fext, w_ctle, acf_g, tx, offs, cg, p)
                if kd >= 0 and (best[0] < 0 or fd > best[2]):
                    best = (kd, ktd, fd, d)
            k, kt, _, d_best = best
            if k < 0:
                raise SIKernelError(f"channel {thru.name!r}: no TX FFE x CTLE setting gives a positive "
                                    "main cursor")
            ix_best = int(g.cursor_grid[k, kt]) + d_best
            acf = np.einsum("b,lbc,c->l", w_ctle[k], acf_g, w_ctle[k])
            r = _mmse_case(w_ctle[k] @ bv, [(w_ctle[k] @ bxa[j], bool(is_fext[j]))
                                            for j in range(bxa.shape[0])],
                           tx[kt], offs, ix_best, acf, p)
            fom_best, rx_ffe = r["fom_db"], r["rx_ffe"]
        q = w_ctle[k] @ bv
        xq = [(w_ctle[k] @ bxa[j], bool(is_fext[j])) for j in range(bxa.shape[0])]
        if p.mode == "mmse":
            sigma = r["sigma"]
        else:
            fr = g.fom_terms(k, kt)  # the grid kernel's own terms at the chosen point
            r = _com_case(q, xq, tx[kt], offs, ix_best, float(var_n[k]), p)
            sigma = {"sigma_tx": float(np.sqrt(fr[_kc.T_VTX])), "sigma_isi": float(np.sqrt(fr[_kc.T_VISI])),
                     "sigma_j": float(np.sqrt(fr[_kc.T_VJ])), "sigma_xt": float(np.sqrt(fr[_kc.T_VXT])),
                     "sigma_n": float(np.sqrt(fr[_kc.T_VN])), "sigma_g": r["sigma_g"]}
        c2m_out = None
        if p.pmd_type == "C2M" and p.c2m_t_o_mui > 0:
            from . import c2m as _c2m  # COM_eye_width at the chosen setting: VEO, VEC

            c2m_out = _c2m.read_out(p, q, xq, tx[kt], offs, ix_best, float(var_n[k]))
            c2m_out["n_points"] = 0 if c2m_pick is None else int(c2m_pick[3])
            r = {**r, "com_db": c2m_out["com_db"], "a_ni": c2m_out["a_ni_v"]}
        cases.append(ComCase(z_p_m=(float(z_tx), float(z_rx)), com_db=r["com_db"], fom_db=fom_best,
                             a_s=r["a_s"], a_ni=r["a_ni"], tx_taps=tx[kt].copy(), tx_offsets=offs,
                             ctle_gdc_db=float(settings[k, 0]), ctle_gdc2_db=float(settings[k, 1]),
                             dfe_taps=r["dfe"], h0=r["h0"], sampling_phase_ui=r["phase"] / m,
                             sigma=sigma, cursors_v=r["cursors"], cursor_ui=r["n0"],
                             n_grid_points=g.n_points, rx_ffe_taps=rx_ffe, c2m=c2m_out,
                             cursor_sample=int(ix_best) - m + i0))
    worst = min(cases, key=lambda c: c.com_db)
    prov: dict[str, Any] = {"name": p.name, "version": p.version, "values": p.values()}
    if sheet_info is not None:
        prov["sheet"] = sheet_info
    passed = bool(worst.com_db >= p.pass_threshold_db)
    if cases[0].c2m is not None:   # C2M: every case's VEC <= VEC Pass threshold and VEO >= EH_min
        passed = all(c.c2m["vec_db"] <= p.c2m_vec_pass_db and c.c2m["veo_v"] >= p.c2m_eh_min_v
                     for c in cases)
    return ComResult(com_db=worst.com_db, passed=passed,
                     fom_db=worst.fom_db, a_s=worst.a_s, a_ni=worst.a_ni, tx_taps=worst.tx_taps,
                     tx_offsets=worst.tx_offsets, ctle_gdc_db=worst.ctle_gdc_db,
                     ctle_gdc2_db=worst.ctle_gdc2_db, dfe_taps=worst.dfe_taps, h0=worst.h0,
                     sampling_phase_ui=worst.sampling_phase_ui, sigma=dict(worst.sigma),
                     cases=tuple(cases), preset=prov,
                     channel=thru.name, next=tuple(x.name for x in nexts),
                     fext=tuple(x.name for x in fexts), elapsed_s=time.perf_counter() - t_start,
                     com_preset=p, grid_points=int(f.size))


__all__ = ["ComCase", "ComResult", "com"]
