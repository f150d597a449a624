"""The pulse response COM equalised: a :class:`~sikernel.eye.com.ComResult`'s settings on its thru.

:func:`com` chooses a TX FFE, a CTLE setting (and in 178A mode an RX FFE and DFE) per package test
case and reports cursors; what a user wants next is the statistical eye or a bit-by-bit simulation
of that same equalised pulse.  Rebuilding it by hand takes the preset's rise-time and RX filters,
its packages between R_d terminations, the host boards of ``include_pcb``, the CTLE at the chosen
setting and the FFE offsets (new-user trial 31: the main cursor came out 16.3 mV by hand against
COM's 8.96 mV, the packages missing).  :func:`com_pulse` forms it with COM's own transfer-function
pieces (:mod:`sikernel.eye._com_channel`: ``_packaged_h21``, ``_tx_filter``, ``_rx_filter``,
``_truncate_ir``) on COM's frequency grid and the public 93A-24 transform
(:func:`sikernel.response.pulse_from_h`), then applies the FFEs with
:func:`sikernel.eq.ffe.apply_ffe`, and marks COM's sampling instant, so that the pulse sampled
there gives the case's ``cursors_v`` (tested to rounding, aggressors cut short included).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .._stacklevel import user_stacklevel
from ..channel.core import Channel
from ..errors import SIKernelError, SIKernelWarning
from ..response import PulseResponse


def _case_index(result: Any, case: object) -> int:
    """The package test case: ``None`` the worst (the one COM reports), else an index."""
    n = len(result.cases)
    if case is None:
        return min(range(n), key=lambda i: result.cases[i].com_db)
    if isinstance(case, bool) or not isinstance(case, int | np.integer) or not -n <= case < n:
        raise SIKernelError(f"case={case!r}: expected the index of a package test case, 0 to {n - 1} "
                            f"(this result has {n}), or None for the worst one")
    return int(case) % n


def _full_taps(taps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, int]:
    """Taps at integer ``offsets`` (UI) as a contiguous tap vector and its number of pre-cursors."""
    lo, hi = int(min(offsets.min(), 0)), int(max(offsets.max(), 0))
    full = np.zeros(hi - lo + 1)
    full[np.asarray(offsets, dtype=int) - lo] = taps
    return full, -lo


def com_pulse(channel: Channel | str | Path, result: Any, case: int | None = None, *,
              rx_ffe: bool = True) -> PulseResponse:
    """Pulse response of the thru with the equalisation COM chose (93A-24, COM's own filters).

    ``p(t) = IFFT{A_v H21(f) H_t(f) H_r(f) H_ctle(f) T sinc(f T) e^{-j pi f T}}`` on COM's frequency
    grid, where ``H21`` is the channel between the case's TX and RX packages and the host boards of
    the preset's ``include_pcb``, terminated in R_d (93A-18), ``H_t`` the rise-time filter (with the
    reference code's delay and pulse-forming offset), ``H_r`` the RX filter (93A-20) and ``H_ctle``
    the CTLE at the case's ``ctle_gdc_db`` / ``ctle_gdc2_db``; the impulse response is truncated as
    COM truncates it; then the case's TX FFE taps (93A-21) and, in 178A mode with ``rx_ffe``, its RX
    FFE (main tap 1) are applied as symbol-spaced filters.  The DFE is not applied (pass the case's
    ``dfe_taps`` to the eye functions).

    Parameters
    ----------
    channel : Channel, path or skrf.Network
        The thru channel the result was computed for (read as :func:`sikernel.eye.com.com` reads
        it).  Another channel is accepted with a warning: the pulse is then that channel's with
        these settings, and the marked instant is no longer COM's choice for it.
    result : ComResult
        What :func:`sikernel.eye.com.com` returned for the channel (typed ``Any`` here:
        :mod:`sikernel.eye.com` imports this module, not the reverse).
    case : int, optional
        Index into ``result.cases``; default the worst case (the one ``result`` reports).
    rx_ffe : bool
        Apply the 178A RX FFE (ignored in 93A mode, which has none).

    Returns
    -------
    PulseResponse
        In V for the preset's victim amplitude ``A_v``.  ``meta["com_sampling_index"]`` is the index
        of COM's main-cursor sample (pass it as ``phase=`` to :func:`sikernel.eye.stat_eye` or
        :meth:`~sikernel.response.PulseResponse.cursors`); ``meta["com_case"]`` the case index;
        ``meta["dfe_taps_v"]`` the case's DFE taps in V (``dfe_taps`` × h0).  The record is kept
        whole (COM's 1/Δf), not truncated.

    Raises
    ------
    SIKernelError
        ``result`` not a ComResult from :func:`com` (no preset or sampling instant), ``case`` out of
        range, or a channel COM itself refuses (coverage, port map).

    Warns
    -----
    SIKernelWarning
        ``channel``'s name differs from the one the result was computed for.

    Examples
    --------
    >>> r = sk.com(ch)                                                     # doctest: +SKIP
    >>> p = r.pulse(ch)                                                    # doctest: +SKIP
    >>> p.cursors(0, 3, phase=p.meta["com_sampling_index"])                # doctest: +SKIP
    """
    from ._com_channel import (
        _check_coverage,
        _load,
        _on_grid,
        _package,
        _packaged_h21,
        _rx_filter,
        _truncate_ir,
        _tx_filter,
        _with_boards,
    )

    if not all(hasattr(result, a) for a in ("cases", "com_preset", "channel")):
        raise SIKernelError(f"result={type(result).__name__}: expected the ComResult that "
                            "sikernel.com returned for this channel")
    k = _case_index(result, case)
    c = result.cases[k]
    p = result.com_preset
    if p is None or c.cursor_sample is None:
        raise SIKernelError("this ComResult carries no preset or sampling instant (built by hand, not "
                            "returned by sikernel.com): run sikernel.com on the channel first")
    ch = _load(channel, "channel")
    if ch.name != result.channel:
        warnings.warn(f"the COM result is for channel {result.channel!r}, this is {ch.name!r}: the pulse "
                      "is this channel's with that result's settings, and the marked sampling instant "
                      "is not COM's choice for it", SIKernelWarning, stacklevel=user_stacklevel())
    _check_coverage(ch, p, "channel")
    thru = _with_boards(_on_grid(ch, p.df_hz), p, "thru")
    # COM's grid: the shortest of the streams' (review 32 M2: an aggressor measured to 40 GHz cuts
    # the thru there too, and the whole grid moved the main cursor by 3.6e-4 of it)
    f = thru.f if result.grid_points is None else thru.f[: int(result.grid_points)]
    cache: dict = {}
    pk_tx = _package(p, f, c.z_p_m[0], "tx", cache)
    pk_rx = _package(p, f, c.z_p_m[1], "rx", cache, "rx")
    h = _truncate_ir(_packaged_h21(thru, f, p, pk_tx, pk_rx) * (_tx_filter(p, f) * _rx_filter(p, f)
                                                                 * p.a_v_v), f, p)
    from ..eq.ffe import apply_ffe
    from ..eq.filters import ctle_responses
    from ..response import pulse_from_h

    h_ctle = ctle_responses(f, [c.ctle_gdc_db], p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz,
                            gdc2_db=[c.ctle_gdc2_db], f_lf_hz=p.ctle_f_lf_hz)[0]
    m = p.samples_per_ui
    t, v = pulse_from_h(h * h_ctle, f, p.baud_hz, m)
    idx = int(c.cursor_sample)
    taps, n_pre = _full_taps(np.asarray(c.tx_taps, dtype=float), np.asarray(c.tx_offsets))
    t, v = apply_ffe(t, v, taps, n_pre, m)
    idx += n_pre * m
    meta = {"com_case": k, "z_p_m": tuple(c.z_p_m), "tx_ffe": taps.tolist(), "tx_ffe_n_pre": n_pre,
            "ctle_gdc_db": c.ctle_gdc_db, "ctle_gdc2_db": c.ctle_gdc2_db, "rx_ffe": None,
            "preset": p.name, "amplitude_v": p.a_v_v, "modulation": _modulation(p.n_levels),
            "source": ch.name, "df_hz": float(f[1] - f[0]), "include_pcb": p.include_pcb}
    if rx_ffe and c.rx_ffe_taps is not None:
        w = np.asarray(c.rx_ffe_taps, dtype=float)
        t, v = apply_ffe(t, v, w, p.rx_ffe_n_pre, m)
        idx += p.rx_ffe_n_pre * m
        meta.update(rx_ffe=w.tolist(), rx_ffe_n_pre=int(p.rx_ffe_n_pre))
    meta["com_sampling_index"] = idx
    meta["dfe_taps_v"] = (np.asarray(c.dfe_taps, dtype=float) * c.h0).tolist()
    before = float(np.sum(v[t < -1.0 / p.baud_hz] ** 2))
    total = float(np.sum(v * v))
    return PulseResponse(t_s=t, v=np.ascontiguousarray(v), baud=float(p.baud_hz), samples_per_ui=m,
                         modulation=meta["modulation"], kind="pulse",
                         noncausal_energy_fraction=before / total if total > 0 else 0.0, meta=meta,
                         peak_index=int(np.argmax(v)))


def _modulation(n_levels: int) -> str:
    from ..response import modulation_name

    return modulation_name(n_levels)


__all__ = ["com_pulse"]
