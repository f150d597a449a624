"""Host SerDes energy per bit against stripline length and material, through the full SI chain."""

from __future__ import annotations

from typing import Any

import numpy as np

from .channels import PathSpec, build_channel

_MM = 1e-3
#: package traces (TX switch, RX optical engine) of the energy-vs-length curves (m)
CURVE_Z_P_M = (31 * _MM, 2 * _MM)
#: materials of the curves
CURVE_MATERIALS = ("megtron7", "megtron6", "fr4")
#: stripline lengths of the study's curves (m): 0 ... 600 mm every 100 mm (each point is one run
#: of the full SI chain, ~0.4 s with the CTLE's low-frequency stage searched)
CURVE_LENGTHS_M = tuple(round(0.1 * k, 1) for k in range(7))


def energy_curves(gens: list[Any], lengths: np.ndarray,
                  progress: bool = False) -> dict[str, dict[str, np.ndarray]]:
    """Energy per bit (TX+RX, switch node and C2C BER of each generation) vs stripline length.

    Each point is the channel switch package (31 mm) + stripline of that length and
    material with a breakout via at each end (none at zero length: no board) + optical-engine
    package (2 mm), built like the study's NPO path, and its
    energy is ``energy_per_bit(channel=...)`` (auto, any architecture); the IL at
    Nyquist is that channel's.  The study's NPO channel is the Megtron 7 curve at 100 mm.

    Parameters
    ----------
    gens : list of Generation
        Generations (lane rate, node, BER).
    lengths : ndarray
        Stripline lengths in m.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    dict
        ``"<line rate>G_<material>"`` -> ``length_m``, ``il_nyquist_db``, ``pj_per_bit`` (NaN
        where nothing closes), ``architecture``.
    """
    from ..errors import SIKernelError
    from ..power import energy_per_bit

    out: dict[str, dict[str, np.ndarray]] = {}
    jobs = [(g, mat) for g in gens for mat in CURVE_MATERIALS]
    it: Any = jobs
    if progress:
        from tqdm import tqdm

        it = tqdm(jobs, desc="energy vs length", unit="curve")
    for g, mat in it:
        baud = g.baud
        il = np.empty(lengths.size)
        pj = np.full(lengths.size, np.nan)
        arch = []
        for i, ln in enumerate(lengths):
            segs = (("stripline", mat, float(ln)),) if ln > 0 else ()
            ch = build_channel(PathSpec("curve", segs, CURVE_Z_P_M[0], CURVE_Z_P_M[1], breakout_vias=True),
                               baud)
            il[i] = float(ch.il_db(0.5 * baud))
            try:
                e = energy_per_bit(channel=ch, baud=baud, node_nm=g.node_nm, target_ber=g.target_ber_c2c,
                                   crosstalk=g.crosstalk_for("c2c"))
                pj[i] = e.total_pj_per_bit
                arch.append(e.architecture)
            except SIKernelError:
                arch.append("none")
        out[f"{g.lane_line_gbps:g}G_{mat}"] = {"length_m": lengths.copy(), "il_nyquist_db": il,
                                              "pj_per_bit": pj, "architecture": np.array(arch)}
    return out


__all__ = ["CURVE_LENGTHS_M", "CURVE_MATERIALS", "CURVE_Z_P_M", "energy_curves"]
