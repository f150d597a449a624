"""The study's Monte Carlo pricing of the host SerDes against pricing each draw directly.

``tests/naive_mc_direct.py`` prices the first draws of the default study over each end's own
channel (a full SI chain and budget per draw); the Monte Carlo prices each receiver family from
curves of the end's own operating table, the flat loss shift and crosstalk scale applied in
closed form, one table per linear-path bandwidth, and picks, per draw, the cheapest family within
its closing limit (:mod:`sikernel.system.end_curves`).  At grid points the two agree to the
equaliser setting the scaled table holds (:data:`RTOL_SCALED`); between them the curves
interpolate, which across an equaliser step (a TX tap dropped between two bandwidth points)
reads a few per cent off (:data:`MC_DIRECT_TOL_STEP`), and a draw within a few tenths of a dB of
a family's closing limit may take the other family.  Measured over 200 draws in
docs/energy-model.md 6.5.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.naive_mc_direct import mc_over_direct, study_draws

#: Monte Carlo end energy / direct, where the family does not switch, over the first N_DRAWS draws
#: (over 200 draws 51.2T LPO 0.992-1.016, 102.4T NPO 0.940-1.026, docs 6.5).  Tight on purpose: the energy
#: moves ~1 %/dB of loss here, so a Monte Carlo that ignored the drawn loss shift reads 0.971-1.024
#: on these draws and fails it
MC_DIRECT_TOL = 1.02
#: the same at the 102.4T CPO end, whose energy steps where the SI chain drops a TX FFE tap between
#: two bandwidth grid points (over 200 draws 0.924-1.047; 0.81-1.45 when a loss shift was priced
#: along the tabulated synthetic path and the bandwidth as its loss at Nyquist, before 7 December
#: 2026)
MC_DIRECT_TOL_STEP = 1.05
#: draws per case (the first of the default study's; ~0.2 s each per end)
N_DRAWS = 10


def _ratios(gen: str, arch: str, n: int = N_DRAWS) -> dict[str, np.ndarray]:
    from sikernel.system.account import PortModel
    from sikernel.system.standards import GENERATIONS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm = PortModel(arch, GENERATIONS[gen])
        return mc_over_direct(pm, study_draws(gen, n))


@pytest.mark.parametrize(("gen", "arch", "tol"), [("51.2T", "lpo", MC_DIRECT_TOL),
                                                  ("102.4T", "npo", MC_DIRECT_TOL),
                                                  ("102.4T", "cpo", MC_DIRECT_TOL_STEP)])
def test_monte_carlo_matches_direct_pricing(gen, arch, tol):
    for block, r in _ratios(gen, arch).items():
        assert np.all(np.isfinite(r)), f"{gen} {arch} {block}: a draw did not close directly"
        assert np.all((r <= tol) & (r >= 1 / tol)), (gen, arch, block, r)


#: the family boundary: no draw priced above the direct price by more than this factor (the
#: separable table's error was upward, to 2.06x), and at most MC_BOUNDARY_LOW_DRAWS of the first
#: N_BOUNDARY_DRAWS below its inverse (a draw the Monte Carlo leaves on the analog receiver where
#: the direct path takes the DSP one; measured 1 of 20: 0.58; 3 of 200, docs 6.5; with the limits
#: bisected on the synthetic path's loss shape before 7 December 2026, 2 of 20 and 9 of 200)
MC_BOUNDARY_TOL = 1.10
N_BOUNDARY_DRAWS = 20
MC_BOUNDARY_LOW_DRAWS = 1


def test_monte_carlo_matches_direct_pricing_at_the_family_boundary():
    """102.4T LPO's linear host end: the draws straddle the analog receiver's closing limit
    (the separable table failed this with 8 of 20 draws outside ×/÷ 1.10, up to 1.80; the per-family
    curves on the synthetic path's loss shape left 2 of 20 below)."""
    r = _ratios("102.4T", "lpo", N_BOUNDARY_DRAWS)["switch_serdes"]
    assert np.all(np.isfinite(r))
    assert np.all(r <= MC_BOUNDARY_TOL), r
    assert np.count_nonzero(r < 1 / MC_BOUNDARY_TOL) <= MC_BOUNDARY_LOW_DRAWS, r


#: the scaled operating table against the SI chain run on the shifted channel, at grid points of the
#: curves (no interpolation): the chain may re-choose an equaliser setting the table holds (measured
#: at these points, 7 December 2026: within 0.05 % except the DSP receiver at +3 dB and 1.5x
#: crosstalk, 1.07 % high; up to 9 % for a family far from its optimum, end_curves docstring)
RTOL_SCALED = 0.02

#: (bandwidth over the baud, crosstalk scale, t_FO4 s, flat loss shift dB) grid points of each end
SCALED_POINTS = {
    "cpo": ((0.65, 1.0, 6e-12, 4.0), (0.725, 1.5, 4.5e-12, 2.0), (0.5, 0.5, 9e-12, -2.0),
            (0.8, 1.25, 7e-12, 6.0)),
    "lpo": ((0.65, 1.25, 6e-12, 0.5), (0.575, 1.0, 6e-12, 1.0), (0.725, 0.75, 5e-12, -3.0),
            (0.65, 1.5, 8e-12, 3.0)),
}


@pytest.mark.parametrize("arch", sorted(SCALED_POINTS))
def test_scaled_table_is_the_chain_on_the_shifted_channel(arch):
    """A flat loss and a crosstalk scale applied to the end's operating table in closed form (FEXT
    riding |H|^β, NEXT not) price what the SI chain and budget price over the shifted channel,
    family included; reference: ``energy_per_bit`` over the linear path at that bandwidth with the
    flat loss (``_flat_loss``), the crosstalk scaled and t_FO4 set."""
    import dataclasses

    from sikernel.errors import SIKernelError
    from sikernel.power import energy_per_bit
    from sikernel.power.coefficients import DEFAULT_COEFFICIENTS
    from sikernel.system.account import PortModel
    from sikernel.system.channels import with_linear_path
    from sikernel.system.end_curves import _flat_loss
    from sikernel.system.standards import GENERATIONS

    g = GENERATIONS["102.4T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm = PortModel(arch, g)
    pm.ensure_curves()
    end = pm.ends[0]
    assert end.linear
    c = end.curves
    for b, s, t, d in SCALED_POINTS[arch]:
        for axis, x in ((c.f3db_over_baud, b), (c.xt_scale, s), (c.fo4_s, t), (c.ratio_db, d)):
            assert np.isclose(axis, x, rtol=1e-12, atol=0).any(), (axis, x)   # a grid point
        ch = _flat_loss(with_linear_path(pm.channel, g.baud, b, pm.point["linear_penalty_db"]), d)
        try:
            e = energy_per_bit(channel=ch, baud=g.baud, node_nm=end.node_nm, exclude=pm.path.exclude,
                               target_ber=pm.target_ber, scope=end.scope,
                               crosstalk=dataclasses.replace(pm.crosstalk, scale=s),
                               coefficients=dataclasses.replace(DEFAULT_COEFFICIENTS, t_fo4_s=t))
            want, fam = e.total_pj_per_bit, e.architecture
        except SIKernelError:
            want, fam = float("nan"), ""
        got, closes = (float(np.asarray(x)) for x in c.price(t, d, s, b))
        assert str(c.family(t, d, s, b)) == fam, (arch, b, s, t, d)
        if fam:
            assert closes and got == pytest.approx(want, rel=RTOL_SCALED), (arch, b, s, t, d, got, want)
        else:
            assert not closes, (arch, b, s, t, d)
