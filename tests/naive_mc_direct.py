"""Slow, direct reference for the study's Monte Carlo pricing of the host SerDes (tests only).

The Monte Carlo (``PortModel.blocks_w`` with draws) prices each host end of a port as its point
energy times ``PortModel.end_factor``: per receiver family a (bandwidth, crosstalk scale, t_FO4,
flat loss shift) table from the end's own SI operating table, the shift and the crosstalk scale
applied to it in closed form, the cheapest family within its interpolated closing limit chosen
per draw (:mod:`sikernel.system.end_curves`, docs/energy-model.md 6.5).  Here each draw is
priced the obvious way instead:
``energy_per_bit`` over the end's own channel for that draw (the module's linear path at the
drawn bandwidth and penalty for a linear end, the drawn loss offset as a flat loss of the through
terms, the drawn crosstalk scale, the drawn t_FO4), one full SI chain and budget per draw.

The draws are the study's own: the seeded uniform columns of every generation's inputs
(:func:`sikernel.system.uncertainty.uniform_columns`, seed 0, 4000 draws, as ``sikernel study``
draws them), their first ``n`` rows.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sikernel.errors import SIKernelError
from sikernel.power import energy_per_bit
from sikernel.power.coefficients import DEFAULT_COEFFICIENTS
from sikernel.power.crosstalk import resolve
from sikernel.system import uncertainty as unc
from sikernel.system.account import PortModel
from sikernel.system.assumptions import assumptions
from sikernel.system.channels import with_linear_path
from sikernel.system.end_curves import _flat_loss
from sikernel.system.standards import GENERATIONS

#: the study's default Monte Carlo (``sikernel study``: 4000 draws, seed 0)
STUDY_DRAWS, STUDY_SEED = 4000, 0


def study_draws(gen_name: str, n: int) -> list[dict[str, float]]:
    """The first ``n`` draws of generation ``gen_name``'s inputs, as the default study draws them."""
    u = unc.uniform_columns(unc.column_names(assumptions(g) for g in GENERATIONS.values()), STUDY_DRAWS,
                            STUDY_SEED)
    # the study's own draw of the inputs (the host-SerDes and line-DSP factors are not used here)
    vals = unc.draw(assumptions(GENERATIONS[gen_name]), u, 0.0, 1.0, 1.0).values
    return [{k: float(x[i]) for k, x in vals.items()} for i in range(n)]


def mc_over_direct(pm: PortModel, draws: list[dict[str, float]]) -> dict[str, np.ndarray]:
    """Host end block -> per draw, the Monte Carlo's end energy over the direct one (NaN where
    the direct path does not close)."""
    g = pm.gen
    xt0 = resolve(pm.crosstalk)
    out: dict[str, np.ndarray] = {}
    for end in pm.ends:
        r = np.full(len(draws), np.nan)
        for i, v in enumerate(draws):
            ch = pm.channel
            if end.linear:
                ch = with_linear_path(ch, g.baud, v["linear_f3db_over_baud"], v["linear_penalty_db"])
            ch = _flat_loss(ch, v.get(pm.offset_key, 0.0))
            co = dataclasses.replace(DEFAULT_COEFFICIENTS, t_fo4_s=v["t_fo4_s"])
            xt = None if xt0 is None else dataclasses.replace(xt0, scale=xt0.scale * v["crosstalk_scale"])
            try:
                e = energy_per_bit(channel=ch, baud=g.baud, node_nm=end.node_nm, exclude=pm.path.exclude,
                                   target_ber=pm.target_ber, scope=end.scope, crosstalk=xt, coefficients=co)
            except SIKernelError:
                continue
            r[i] = end.pj_per_bit * float(pm.end_factor(end, v)) / e.total_pj_per_bit
        out[end.block] = r
    return out
