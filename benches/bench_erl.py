"""ERL (effective return loss, IEEE 802.3 Annex 93A.5) beside the recorded IEEE COM code runs.

Run: ``python -m pytest benches/bench_erl.py --benchmark-only -q -s``

:func:`sikernel.erl` (the public call ``sikernel erl`` makes) on every two-port job of the
IEEE reference set tests/data/erl/ (COM 4.50 unedited under GNU Octave 7.3: five P802.3ck thru
channels x the ERL host, ERL module, KR, CR and C2C sheets, the variants, the TX-package sheets
and the 200G sheets), each from its Touchstone file and its IEEE configuration sheet as the
reference read them, with the same overrides.  Every ERL (both ends and the minimum) is
asserted within ``ERL_VS_REFERENCE_DB`` of tests/test_erl.py before timing.

No ratio (kind ``recorded:``): the reference code was run once under Octave (not MATLAB), one
session for all jobs, on a machine shared with other jobs, so its ``runtime_s`` is not the
code's speed (as for the KR row of benches/bench_com.py); no peer library computes ERL
(pychopmarg 3.4 does not: its 802.3dj config notes "the ERL / SCMR calculations, which
PyChOpMarg doesn't do"), and ERL is plain NumPy in sikernel (no compiled kernel, no cold
compile), so a NumPy "naive" twin would time the same operations.  ``ours_s`` is the whole
set per round (each job reads its Touchstone file and its sheet, as the reference did).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CH = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"
SHEETS = REPO.parent / "shared" / "reference" / "ieee-com-config"

pytestmark = pytest.mark.skipif(not (CH.is_dir() and SHEETS.is_dir()),
                                reason=f"channels ({CH}) or IEEE sheets ({SHEETS}) not found")


def _jobs() -> list[tuple[Path, Path, dict, dict]]:
    """(channel file, sheet, erl() overrides, reference entry) of every two-port reference job."""
    pytest.importorskip("python_calamine", reason="reading the IEEE sheets needs python-calamine")
    from tests.test_erl import _cases, _kwargs

    out = []
    for c in _cases():
        ch, sheet = CH / Path(c["channel_file"]).name, SHEETS / c["sheet"]
        if not (ch.is_file() and sheet.is_file()):
            pytest.skip(f"{ch.name} or {sheet.name} not found")
        out.append((ch, sheet, _kwargs(c["overrides"]), c))
    return out


def _run(jobs) -> list:
    from sikernel import erl

    with warnings.catch_warnings():   # the 200G sheets extrapolate beyond the files' 60 GHz: warned
        warnings.simplefilter("ignore")
        return [erl(ch, config=sheet, **kw) for ch, sheet, kw, _ in jobs]


def test_erl_beside_recorded_ieee(benchmark):
    from tests.test_erl import ERL_VS_REFERENCE_DB

    jobs = _jobs()
    worst = 0.0
    for r, (_, _, _, c) in zip(_run(jobs), jobs, strict=True):
        d = max(abs(r.tx.erl_db - c["erl11_db"]), abs(r.rx.erl_db - c["erl22_db"]),
                abs(r.erl_db - c["erl_db"]))
        assert d <= ERL_VS_REFERENCE_DB, (c["sheet"], c["channel_file"], c["overrides"], d)
        worst = max(worst, d)
    benchmark.pedantic(_run, args=(jobs,), rounds=3, iterations=1)
    t = benchmark.stats.stats.min
    ieee_s = sum(c["runtime_s"] for *_, c in jobs)
    benchmark.extra_info.update({
        "compares": ("recorded: IEEE COM 4.50 ERL-only jobs under GNU Octave 7.3, one session on a shared "
                     "machine (not MATLAB, not the code's speed); no ratio"),
        "ieee_octave_runtime_s": ieee_s, "ours_s": t, "jobs": len(jobs), "ours_per_job_s": t / len(jobs),
        "erl_max_diff_db": worst, "tolerance_db": ERL_VS_REFERENCE_DB})
    print(f"\nERL, {len(jobs)} reference jobs (file + sheet each): ours {t:.2f} s "
          f"({t / len(jobs) * 1e3:.0f} ms/job, Touchstone parse and sheet read included); "
          f"IEEE COM under Octave (recorded) {ieee_s:.0f} s; max |ERL diff| {worst:.1e} dB")
