"""COM figure of merit (FOM) at fixed equalisation, IEEE Std 802.3 Annex 93A.1.6 (93A-36).

``FOM = 10 log10(A_s^2 / (sigma_TX^2 + sigma_ISI^2 + sigma_J^2 + sigma_XT^2 + sigma_N^2))``
for one TX FFE setting applied to one CTLE-equalised pulse response; the terms and
the Mueller-Mueller sampling point are defined in :mod:`sikernel._kernels.com`.
The grid search over all settings is :func:`sikernel.eq.grid.grid_search`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels import com as _k
from ..eq.grid import fom_constants
from ..errors import SIKernelError
from .presets import ComPreset, get_preset


@dataclass(frozen=True)
class FomResult:
    """FOM and its terms (volts, V^2).

    Attributes
    ----------
    fom_db : float
        Figure of merit (dB), 93A-36.
    a_s : float
        Signal amplitude R_LM h0/(L-1) (V).
    h0 : float
        Main cursor (V).
    var_tx, var_isi, var_j, var_xt, var_n : float
        sigma_TX^2, sigma_ISI^2, sigma_J^2, sigma_XT^2, sigma_N^2 (V^2).
    cursor_index : int
        Sampling index in the pulse (samples); -1 when no valid cursor.
    """

    fom_db: float
    a_s: float
    h0: float
    var_tx: float
    var_isi: float
    var_j: float
    var_xt: float
    var_n: float
    cursor_index: int


def fom(pulse_v: np.ndarray, tx_taps: np.ndarray, tx_offsets: np.ndarray, *,
        preset: str | ComPreset = "802.3ck-kr", var_n: float = 0.0,
        xt_pulses_v: np.ndarray | None = None, xt_fext: np.ndarray | None = None) -> FomResult:
    """FOM (93A-36) of a pulse response at a fixed TX FFE setting.

    Parameters
    ----------
    pulse_v : ndarray, shape (n_samp,)
        Victim pulse response (V, amplitude A_v included) after CTLE and RX filters, without
        TX FFE, ``preset.samples_per_ui`` samples per UI.  Should start and end at ~0.
    tx_taps : ndarray, shape (n_taps,)
        TX FFE taps at ``tx_offsets``.
    tx_offsets : ndarray of int, shape (n_taps,)
        Tap offsets in UI (0 = main cursor c(0)).
    preset : str or ComPreset
        Supplies M, L, R_LM, SNR_TX, A_DD, sigma_RJ and the DFE limits (floating taps and
        tail RSS limit included, as :func:`sikernel.eye.com.com`).
    var_n : float
        sigma_N^2 (V^2) of the receiver noise, 93A-35.
    xt_pulses_v : ndarray, shape (n_xt, n_samp), optional
        Crosstalk pulses (V), without TX FFE.
    xt_fext : ndarray of bool, shape (n_xt,), optional
        True: far-end (victim TX FFE applied); False: near-end.  Default all far-end.

    Returns
    -------
    FomResult
    """
    p = get_preset(preset) if not isinstance(preset, ComPreset) else preset
    q = np.ascontiguousarray(pulse_v, dtype=float)
    if q.ndim != 1 or q.size < 4 * p.samples_per_ui or not np.isfinite(q.sum()):
        raise SIKernelError(f"pulse_v has shape {q.shape}; expected a finite 1-D pulse of at least "
                            f"4 UI ({4 * p.samples_per_ui} samples)")
    c = np.ascontiguousarray(tx_taps, dtype=float)
    offs = np.ascontiguousarray(tx_offsets, dtype=np.int64)
    if c.ndim != 1 or c.size == 0 or offs.shape != c.shape:
        raise SIKernelError(f"tx_taps (shape {c.shape}) and tx_offsets (shape {offs.shape}) must be "
                            "non-empty 1-D arrays of equal length")
    ol = offs.tolist()
    if ol.count(0) != 1 or len(set(ol)) != len(ol):
        raise SIKernelError(f"tx_offsets={offs.tolist()}: expected distinct UI offsets including 0 once")
    if not np.all(np.isfinite(c)):
        raise SIKernelError(f"tx_taps={c.tolist()} contains non-finite values")
    if xt_pulses_v is None:
        xt = np.zeros((0, q.size))
    else:
        xt = np.ascontiguousarray(xt_pulses_v, dtype=float)
        if xt.ndim != 2 or xt.shape[1] != q.size:
            raise SIKernelError(f"xt_pulses_v has shape {xt.shape}; expected (n_xt, {q.size})")
    fx = np.ascontiguousarray(np.ones(xt.shape[0]) if xt_fext is None else xt_fext, dtype=np.bool_)
    if fx.shape != (xt.shape[0],):
        raise SIKernelError(f"xt_fext has shape {fx.shape}; expected ({xt.shape[0]},)")
    out = np.empty(_k.N_TERMS)
    _k.fom_direct(q, xt, fx, offs, c, int(p.samples_per_ui), np.asarray(p.bmin, dtype=float),
                  np.asarray(p.dfe_bmax, dtype=float), p.dfe_float(), float(var_n),
                  *fom_constants(p.n_levels, p.r_lm, p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui),
                  float(p.mm_kernel_tol), out)
    return FomResult(fom_db=float(out[_k.T_FOM]), a_s=float(out[_k.T_AS]), h0=float(out[_k.T_H0]),
                     var_tx=float(out[_k.T_VTX]), var_isi=float(out[_k.T_VISI]),
                     var_j=float(out[_k.T_VJ]), var_xt=float(out[_k.T_VXT]),
                     var_n=float(out[_k.T_VN]), cursor_index=int(out[_k.T_IX]))


__all__ = ["FomResult", "fom"]
