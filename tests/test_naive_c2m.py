"""The plain-NumPy C2M eye of tests/naive_c2m.py against sikernel.eye.c2m.eye_height.

The reference builds every PMF by ``np.convolve`` of one L-point distribution per sample in
the IEEE code's order, with direct convolutions and the Gaussian by its formula; sikernel's
compiled kernel (``sikernel._kernels.c2m``) does the same with its own loops.  The inputs are
every ``eye_height`` call of two C2M COM runs on real 802.3ck channels (the IEEE C2M sheet,
the restricted grids of the recorded Octave runs): a search on C2C_PCB_SYSVIA_12dB (no
crosstalk) and the read-out of CA_19p75dB with its 15 aggressors (crosstalk PMF).  The bench
(benches/bench_c2m.py) times the same pair.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import channel_path
from tests.naive_c2m import naive_eye_height
from tests.test_com_c2m import C2M, RUNS
from tests.test_com_config_sheet import sheet_path

#: eye edges (EH_T, EH_B), ours against the reference, in PDF bins; measured 0 on every call
TOL_EDGE_BINS = 1


def _calls(thru: str, nxt: list[str], fxt: list[str], run: str) -> list[tuple[tuple, dict]]:
    """Every ``eye_height`` call of one C2M COM run, with its arguments."""
    import sikernel.eye.c2m as c2m
    from sikernel.eye.com import com

    calls: list[tuple[tuple, dict]] = []
    real = c2m.eye_height

    def spy(*a, **k):
        calls.append((a, k))
        return real(*a, **k)

    c2m.eye_height = spy
    try:
        com(channel_path(thru), next=[channel_path(x) for x in nxt], fext=[channel_path(x) for x in fxt],
            config=sheet_path(C2M), **RUNS[run])
    finally:
        c2m.eye_height = real
    return calls


@pytest.mark.channels
@pytest.mark.parametrize(("thru", "nxt", "fxt", "run"), [
    ("C2C_PCB_SYSVIA_12dB_thru.s4p", [], [], "c2m_c2c12_pt_450.json"),
    ("CA_19p75dB_thru.s4p", [f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)],
     [f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)], "c2m_ca_xt_pt_450.json"),
], ids=["C2C_12dB-search", "CA_19p75dB-15-aggressors"])
def test_naive_c2m_eye_equals_sikernel(thru, nxt, fxt, run, record_property):
    from sikernel.eye.c2m import eye_height

    calls = _calls(thru, nxt, fxt, run)
    assert calls
    if nxt:
        assert calls[-1][1].get("cci") is not None   # the read-out carries the crosstalk PMF
    worst = 0.0
    for a, k in calls:
        e = eye_height(*a, **k)
        top, bot = naive_eye_height(*a, **k)
        dy = k["dy"]
        d = max(abs(e.eh_top_v - top), abs(e.eh_bot_v - bot)) / dy
        worst = max(worst, d)
        assert d <= TOL_EDGE_BINS + 1e-9, (thru, d)
    record_property("validation:c2m-eye-naive-bins", worst)


@pytest.mark.channels
def test_naive_c2m_eye_sees_a_changed_input():
    """The comparison above can fail: the reference with R_LM 0.9 instead of the sheet's value
    (a level mismatch the kernel would have to ignore) moves the eye by many bins."""
    from sikernel.eye.c2m import eye_height

    a, k = _calls("C2C_PCB_SYSVIA_12dB_thru.s4p", [], [], "c2m_c2c12_pt_450.json")[0]
    e = eye_height(*a, **k)
    top, bot = naive_eye_height(*a, **dict(k, r_lm=0.9 * k["r_lm"]))
    assert abs((e.eh_top_v - e.eh_bot_v) - (top - bot)) / k["dy"] > 10 * TOL_EDGE_BINS
    assert np.isfinite(top) and np.isfinite(bot)
