"""COM sampling point (93A-25): the IEEE MATLAB COM rule against hand-derived samples, the
naive transcription and the other rules.

Reference rule (``preset.mm_rule = "ieee"``, the default): function ``cursor_sample_index`` of
the IEEE 802.3 COM MATLAB code, called from ``optimize_fom``; identical in COM 3.70
(``com_ieee8023_93a_370.m``) and COM 4.50 (``sourceFiles/com_ieee8023_93a_450.m``) of the
public mirror github.com/Omer-Sella/COM, and inline in ``optimize_fom`` of
``com_ieee8023_93a.m`` rev. 1.50 (2014, Ran and Mellitz):

* ``zxi`` = last index k in ``[peak - 4M, peak)`` with ``diff(sign(p - 0.01 p_peak))(k) >= 1``
  (no such k: the TX FFE setting is skipped);
* ``cursor = zxi + argmin_{j = 0 .. 2M} |p(zxi + j - M) - max(p(zxi + j + M) - b_max(1) p(zxi + j), 0)|``,
  first minimum.

The alternative ``"peak"`` rule (minimum of ``|h(-1) - (h(1) - clip(h(1)/h(0)) h(0))|`` within
one UI of the peak; pychopmarg 3.4 ``loc_curs`` adds priority to residuals below 1 mV) is kept
as an option.
"""

from __future__ import annotations

import numpy as np
import pytest

from sikernel._kernels import com as _kc
from sikernel.eq.grid import grid_search
from sikernel.errors import SIKernelError
from sikernel.eye._com_search import _fom_terms
from sikernel.eye.com import com
from sikernel.eye.presets import get_preset
from tests.conftest import THRU_FILES, channel_path, repo_text
from tests.naive_com import naive_fom, naive_mm_ieee

#: samples per UI of the hand-made pulses
M_HAND = 4
#: leading zeros of the hand-made pulse records
OFF = 40
#: the hand-made pulse of test_ieee_rule_picks_the_hand_derived_sample, indices 20..28
#: relative to OFF (zero elsewhere): a 1 UI rise to the peak at 23 and a deep undershoot
HAND = {21: 0.3, 22: 0.8, 23: 1.0, 24: 0.7, 25: 0.4, 26: -0.9, 27: -0.5, 28: -0.2}
#: two implementations of the same FOM formula (dB): only rounding differs
TOL_FOM_SAME_FORMULA_DB = 1e-9
#: COM of one channel under two rules that pick the same optimum (dB): rounding only
TOL_SAME_OPTIMUM_DB = 1e-9


def _hand_pulse() -> np.ndarray:
    q = np.zeros(OFF + 80)
    for i, v in HAND.items():
        q[OFF + i] = v
    return q


def _cursor(q: np.ndarray, rule: str, **over) -> tuple[int, float]:
    """(cursor index, FOM dB) of pulse q without TX FFE under the 802.3ck KR DFE b_max with
    symmetric b_min = -b_max (the hand derivations below assume it; the KR sheet's signed b_min
    came later) and no floating taps."""
    kw = {"dfe_bmin": tuple(-b for b in get_preset("802.3ck-kr").dfe_bmax), "dfe_n_bg": 0,
          "dfe_n_tail_start": 0, **over}
    p = get_preset("802.3ck-kr", samples_per_ui=M_HAND, mm_rule=rule, **kw)
    t = _fom_terms(q, np.zeros((0, q.size)), np.zeros(0, dtype=bool), np.array([1.0]),
                   np.array([0]), 1e-8, p)
    return int(t[_kc.T_IX]), float(t[_kc.T_FOM])


def test_ieee_rule_picks_the_hand_derived_sample():
    """Hand derivation (M = 4, b_max(1) = 0.85, indices relative to OFF):

    peak p(23) = 1, threshold 0.01.  p - 0.01 is negative up to 20 and positive from 21, so
    the last rising sign step in [7, 23) is at k = 20: zxi = 20.  Candidates j = 20..28,
    metric |p(j-4) - max(p(j+4) - 0.85 p(j), 0)|:
    j = 20: |0 - (0.7 - 0)| = 0.7;  j = 21: |0 - (0.4 - 0.255)| = 0.145;
    j = 22: |0 - max(-0.9 - 0.68, 0)| = 0  -> first minimum: the IEEE sample is 22.

    The "peak" rule looks at j in [19, 27) with b(1) = clip(h(1)/h(0), -0.85, 0.85):
    j = 19, 20 have h(0) = 0 (skipped); j = 21: saturated high, |0 - 0.4 + 0.255| = 0.145;
    j = 22: h(1)/h(0) = -1.125 saturates at -0.85, |0 + 0.9 - 0.68| = 0.22;
    j = 23: h(1)/h(0) = -0.5, residual |h(-1)| = |p(19)| = 0  -> the peak rule takes 23.
    """
    q = _hand_pulse()
    ix_ieee, fom_ieee = _cursor(q, "ieee")
    ix_peak, _ = _cursor(q, "peak")
    assert ix_ieee == OFF + 22
    assert ix_peak == OFF + 23
    assert np.isfinite(fom_ieee)
    assert naive_mm_ieee(q, M_HAND, 0.85) == OFF + 22


def test_ieee_rule_through_the_grid_driver():
    """grid_search takes the rule as the kernels' scalar (preset.mm_kernel_tol)."""
    q = _hand_pulse()
    for rule, want in (("ieee", OFF + 22), ("peak", OFF + 23)):
        p = get_preset("802.3ck-kr", samples_per_ui=M_HAND, mm_rule=rule,
                       dfe_bmin=tuple(-b for b in get_preset("802.3ck-kr").dfe_bmax))  # as derived
        g = grid_search(q[None, :], np.ones((1, 1)), np.array([1e-8]), np.array([0]),
                        np.array([[1.0]]), M_HAND, dfe_bmin=np.array(p.bmin),
                        dfe_bmax=np.array(p.dfe_bmax), n_levels=4, r_lm=p.r_lm,
                        snr_tx_db=p.snr_tx_db, a_dd_ui=p.a_dd_ui, sigma_rj_ui=p.sigma_rj_ui,
                        mm_exact_tol_v=p.mm_kernel_tol)
        assert g.cursor_index == want


def test_ieee_rule_without_dfe_uses_h1_itself():
    """With no DFE b_max(1) = 0: the metric is |h(-1) - max(h(1), 0)|.  On the hand pulse:
    j = 20: |0 - 0.7| = 0.7; j = 21: |0 - 0.4| = 0.4; j = 22: |0 - max(-0.9, 0)| = 0 -> 22."""
    q = _hand_pulse()
    assert naive_mm_ieee(q, M_HAND, 0.0) == OFF + 22
    t = _fom_terms(q, np.zeros((0, q.size)), np.zeros(0, dtype=bool), np.array([1.0]),
                   np.array([0]), 1e-8,
                   get_preset("802.3ck-kr", samples_per_ui=M_HAND, dfe_bmax=(0.0,), dfe_bmin=(0.0,)))
    # dfe_bmax = (0,) is one tap limited to 0: b_max(1) = 0, the same metric
    assert int(t[_kc.T_IX]) == OFF + 22


def test_no_rising_crossing_in_4_ui_means_no_sample():
    """A ramp rising over 6 UI stays above 1 % of its peak throughout the 4 UI before the
    peak: the IEEE code finds no crossing and skips the setting (FOM -inf, cursor -1)."""
    q = np.zeros(OFF + 80)
    n_rise = 6 * M_HAND
    q[OFF: OFF + n_rise + 1] = np.arange(n_rise + 1) / n_rise
    q[OFF + n_rise + 1: OFF + n_rise + 1 + M_HAND] = 0.5
    ix, f = _cursor(q, "ieee")
    assert ix == -1 and f == -np.inf
    assert naive_mm_ieee(q, M_HAND, 0.85) == -1
    ix_peak, f_peak = _cursor(q, "peak")
    assert ix_peak >= 0 and np.isfinite(f_peak)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ieee_kernel_equals_naive_transcription_on_random_pulses(seed):
    """Smooth random pulses with TX FFE: kernel sample and FOM equal the array-wise
    transcription of cursor_sample_index (tests/naive_com.py)."""
    rng = np.random.default_rng(seed)
    m = 8
    p = get_preset("802.3ck-kr", samples_per_ui=m)
    t = np.arange(60 * m) / m
    t0 = 20 + rng.uniform(0, 1)
    tail = 0.3 * np.exp(-(t - t0).clip(0) / 3) * (t > t0)
    q = 0.2 * (np.exp(-0.5 * ((t - t0) / rng.uniform(0.5, 1.2)) ** 2) + tail)
    offs = p.tx_offsets()
    for c in p.tx_grid()[rng.choice(len(p.tx_grid()), 12, replace=False)]:
        r = _fom_terms(q, np.zeros((0, q.size)), np.zeros(0, dtype=bool), c, offs, 1e-8, p)
        ref, ix, _ = naive_fom(q, offs, c, m, np.array(p.bmin), np.array(p.dfe_bmax), 1e-8, 4, p.r_lm,
                               p.snr_tx_db, p.a_dd_ui, p.sigma_rj_ui, mm_tol=-1.0, flt=p.dfe_float())
        assert int(r[_kc.T_IX]) == ix
        if ix >= 0:
            assert r[_kc.T_FOM] == pytest.approx(ref, abs=TOL_FOM_SAME_FORMULA_DB)


def test_mm_rule_values_are_checked():
    with pytest.raises(SIKernelError, match="mm_rule"):
        get_preset("802.3ck-kr", mm_rule="closest")
    with pytest.raises(SIKernelError, match="mm_exact_tol_v"):
        get_preset("802.3ck-kr", mm_exact_tol_v=1e-3)  # the tolerance belongs to the peak rule
    assert get_preset("802.3ck-kr", mm_rule="peak", mm_exact_tol_v=1e-3).mm_kernel_tol == 1e-3
    assert get_preset("802.3ck-kr").mm_kernel_tol < 0


def _com_with_grids(path, **kw):
    """``com(path, **kw)`` and the grid result of each of its package cases (``grid_search``, which
    ``com`` imports at call time, wrapped for the call)."""
    import sikernel.eq.grid as grid_module

    real, grids = grid_module.grid_search, []

    def capture(*a, **k):
        grids.append(real(*a, **k))
        return grids[-1]

    with pytest.MonkeyPatch.context() as m:
        m.setattr(grid_module, "grid_search", capture)
        res = com(path, **kw)
    return res, grids


@pytest.fixture(scope="module")
def three_rules():
    """Every thru channel under the 802.3ck KR sheet with the IEEE rule, the +-1 UI peak rule and
    pychopmarg's 1 mV priority rule: (COM result, grid results) per rule."""
    return {name: {rule: _com_with_grids(channel_path(name), **kw)
                   for rule, kw in (("ieee", {}), ("peak", {"mm_rule": "peak"}),
                                    ("pcm", {"mm_rule": "peak", "mm_exact_tol_v": 1e-3}))}
            for name in THRU_FILES}


def test_ieee_and_peak_rules_reach_the_same_optimum(three_rules):
    """On every thru channel the IEEE rule and the former +-1 UI minimum-residual rule pick
    different samples on some grid points but the same optimum, hence the same COM; pychopmarg's
    priority rule (1 mV) gives less COM and FOM where it differs.  The README and docs/models.md
    type these figures (regression guards of sikernel's own output: both rules are its own)."""
    share, com_gap, fom_gap = [], {}, {}
    for name, r in three_rules.items():
        (ieee, g_ieee), (peak, g_peak), (pcm, _) = r["ieee"], r["peak"], r["pcm"]
        assert ieee.preset["values"]["mm_rule"] == "ieee"
        assert ieee.com_db == pytest.approx(peak.com_db, abs=TOL_SAME_OPTIMUM_DB), name
        assert len(g_ieee) == len(g_peak) == len(ieee.cases)
        share += [float(np.mean(a.cursor_grid != b.cursor_grid)) for a, b in zip(g_ieee, g_peak, strict=True)]
        com_gap[name], fom_gap[name] = ieee.com_db - pcm.com_db, ieee.fom_db - pcm.fom_db
        assert com_gap[name] >= -TOL_SAME_OPTIMUM_DB, name
    assert max(share) > 0.0           # the rules do differ on the grid
    worst = max(com_gap, key=com_gap.get)
    assert worst == max(fom_gap, key=fom_gap.get) == "DPO_12in_Meg7_THRU.s4p"
    docs = repo_text("docs/models.md", flat=True)
    lo, hi = 100 * min(share), 100 * max(share)
    for text in (f"pick different samples on {lo:.1f}–{hi:.1f} % of the grid points",
                 f"rule gives up to {com_gap[worst]:.2f} dB less COM and {fom_gap[worst]:.2f} dB less FOM "
                 "(DPO_12in;"):
        assert text in docs, text
    others = sorted((k for k in com_gap if k != worst), key=com_gap.get, reverse=True)
    short = {"Tp0_Tp5_28p5db_FQSFP_thru.s4p": "Tp0", "CA_19p75dB_thru.s4p": "CA"}
    text = ", ".join(f"{com_gap[k]:.2f} / {fom_gap[k]:.2f} dB on {short[k]}" for k in others[:2])
    assert text + ", none on the other two" in docs, text
    assert all(abs(com_gap[k]) < TOL_SAME_OPTIMUM_DB and abs(fom_gap[k]) < TOL_SAME_OPTIMUM_DB
               for k in others[2:]), others
    text = f"`mm_exact_tol_v=1e-3`) gives up to {com_gap[worst]:.2f} dB less COM"
    assert text in repo_text("README.md", flat=True), text
