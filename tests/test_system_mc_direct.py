"""The study's Monte Carlo pricing of the host SerDes against pricing each draw directly.

``tests/naive_mc_direct.py`` prices the first draws of the default study over each end's own
channel (a full SI chain and budget per draw); the Monte Carlo uses tabulated ratio curves, the
crosstalk curve taken at the point loss (separable).  Where the receiver family does not change
across the draws the two agree within :data:`MC_DIRECT_TOL`; at 102.4T the linear host end of
LPO / LRO sits at the analog / DSP boundary, where the separable approximation prices a draw of
high crosstalk and low loss with the DSP receiver its crosstalk curve switched to at the point
loss (up to ~2x high) and one of high loss the other way (down to ~0.5x): a known gap, measured
over 200 draws in docs/energy-model.md 6.5, kept as a strict xfail so that it fails loudly once
fixed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.naive_mc_direct import mc_over_direct, study_draws

#: Monte Carlo end energy / direct, where the family does not switch, over the first N_DRAWS draws
#: (measured 0.989-1.016; over 200 draws 51.2T LPO 0.963-1.017, 102.4T NPO 0.942-1.023, docs 6.5).
#: Tight on purpose: the energy moves ~1 %/dB of loss here, so a Monte Carlo that ignored the drawn
#: loss shift reads 0.971-1.024 on these draws and fails it
MC_DIRECT_TOL = 1.02
#: draws per case (the first of the default study's; ~0.2 s each per end)
N_DRAWS = 10


def _ratios(gen: str, arch: str) -> dict[str, np.ndarray]:
    from sikernel.system.account import PortModel
    from sikernel.system.standards import GENERATIONS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm = PortModel(arch, GENERATIONS[gen])
        return mc_over_direct(pm, study_draws(gen, N_DRAWS))


@pytest.mark.parametrize(("gen", "arch"), [("51.2T", "lpo"), ("102.4T", "npo")])
def test_monte_carlo_matches_direct_pricing(gen, arch):
    for block, r in _ratios(gen, arch).items():
        assert np.all(np.isfinite(r)), f"{gen} {arch} {block}: a draw did not close directly"
        assert np.all((r <= MC_DIRECT_TOL) & (r >= 1 / MC_DIRECT_TOL)), (gen, arch, block, r)


@pytest.mark.xfail(strict=True, reason="known gap (docs/energy-model.md 6.5): the separable loss x "
                   "crosstalk approximation at the 102.4T linear host end's analog/DSP boundary")
def test_monte_carlo_matches_direct_pricing_at_the_family_boundary():
    r = _ratios("102.4T", "lpo")["switch_serdes"]
    assert np.all(np.isfinite(r))
    assert np.all((r <= MC_DIRECT_TOL) & (r >= 1 / MC_DIRECT_TOL)), r

