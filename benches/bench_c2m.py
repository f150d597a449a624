"""802.3ck C2M (Annex 120G): eye height / VEO / VEC, same run, and beside the recorded IEEE run.

Run: ``python -m pytest benches/bench_c2m.py --benchmark-only -q -s``

C2M COM (``config=`` the IEEE C2M sheet ``3ck_SA_120g_C2M_tp1a``) spends its time in
:func:`sikernel.eye.c2m.eye_height` (``get_pdf_full`` + ``COM_eye_width``: a PMF per sample
point of the +-T_O window, compiled in :mod:`sikernel._kernels.c2m`), once per TX FFE x CTLE
point the search reaches and once, with the crosstalk PMF, at the read-out (VEO, VEC).

* ``test_c2m_eye_height_vs_naive``: one eye height, ours against tests/naive_c2m.py (the same
  computation in plain NumPy: PMFs by ``np.convolve`` of one L-point distribution per sample
  in the reference's order, direct convolutions, no FFT, nothing from sikernel), on inputs
  captured from real C2M COM runs: a search point of C2C_PCB_SYSVIA_12dB (no crosstalk) and
  the read-out of CA_19p75dB with its 15 aggressors (crosstalk PMF).  Eye edges asserted equal
  within ``TOL_EDGE_BINS`` PDF bins before timing; the cold first call (fresh interpreter,
  empty Numba cache: the C2M kernels compile) is measured on the first.
* ``test_c2m_com_beside_recorded_ieee``: the whole C2M COM of C2C_PCB_SYSVIA_12dB on the
  restricted grid of the recorded IEEE run ``c2m_c2c12_grid_450`` (COM 4.50 unedited under GNU
  Octave 7.3, tests/data/ieee_com_octave/), COM and VEC asserted within the tolerances of
  tests/test_com_c2m.py.  No ratio: the reference was run once, under Octave, on a machine
  shared with other jobs (its ``runtime_s`` is not the code's speed), as for the KR row of
  benches/bench_com.py.  No peer library computes the C2M eye (pychopmarg 3.4 does not).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benches._timing import best_of  # noqa: E402

CH = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"
OCTAVE = REPO / "tests" / "data" / "ieee_com_octave"
#: ours vs tests/naive_c2m.py, each eye edge (EH_T, EH_B) in PDF bins; measured 0 on both inputs
TOL_EDGE_BINS = 1

#: (label, thru, NEXT, FEXT, Octave run whose restricted grid is used, which eye_height call)
INPUTS = {
    "search-point-C2C_12dB": ("C2C_PCB_SYSVIA_12dB_thru.s4p", [], [], "c2m_c2c12_pt_450.json", 0),
    "readout-CA_19p75dB-15-aggressors": (
        "CA_19p75dB_thru.s4p", [f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)],
        [f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)], "c2m_ca_xt_pt_450.json", -1),
}


def _sheet() -> Path:
    from tests.test_com_c2m import C2M
    from tests.test_com_config_sheet import sheet_path

    return sheet_path(C2M)


def _channel(name: str) -> Path:
    p = CH / name
    if not p.is_file():
        pytest.skip(f"{p} not found (set SIKERNEL_CHANNELS)")
    return p


def _capture(label: str) -> tuple[tuple, dict]:
    """The arguments of one ``eye_height`` call of a C2M COM run (the search's first, or the
    read-out's, the last), as tests/test_naive_c2m.py captures them."""
    from tests.test_naive_c2m import _calls

    thru, nxt, fxt, run, which = INPUTS[label]
    return _calls(thru, nxt, fxt, run)[which]


COLD = """
import pickle, sys, time
a, k = pickle.load(open(sys.argv[1], "rb"))
t0 = time.perf_counter()
from sikernel.eye.c2m import eye_height
eye_height(*a, **k)
print(time.perf_counter() - t0)
"""


def _cold_seconds(args: tuple, kwargs: dict) -> float:
    """Import + first eye_height in a fresh interpreter with an empty Numba cache."""
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "args.pkl"
        f.write_bytes(pickle.dumps((args, kwargs)))
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(d) / "cache"))
        out = subprocess.run([sys.executable, "-c", COLD, str(f)], env=env, cwd=REPO, check=True,
                             capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("label", list(INPUTS))
def test_c2m_eye_height_vs_naive(benchmark, label):
    from sikernel.eye.c2m import eye_height
    from tests.naive_c2m import naive_eye_height

    a, k = _capture(label)
    e = eye_height(*a, **k)
    top, bot = naive_eye_height(*a, **k)
    dy = k["dy"]
    d_bins = max(abs(e.eh_top_v - top), abs(e.eh_bot_v - bot)) / dy
    assert d_bins <= TOL_EDGE_BINS + 1e-9, (e, top, bot, dy)
    benchmark.pedantic(eye_height, args=a, kwargs=k, rounds=5, iterations=1, warmup_rounds=1)
    t = benchmark.stats.stats.min
    t_naive = best_of(lambda: naive_eye_height(*a, **k), 3)
    info = {"compares": "own-reference: tests/naive_c2m.py (plain NumPy, direct convolutions), same inputs",
            "ratio": t_naive / t, "ours_s": t, "naive_s": t_naive, "eh_diff_bins": d_bins,
            "veo_v": e.veo_v, "bin_v": dy, "crosstalk_pmf": k.get("cci") is not None}
    if label == next(iter(INPUTS)):
        info["cold_first_call_s"] = _cold_seconds(a, k)
    benchmark.extra_info.update(info)
    print(f"\nC2M eye height ({label}): ours {t * 1e3:.1f} ms, naive NumPy {t_naive * 1e3:.1f} ms; ratio "
          f"{t_naive / t:.1f}x; VEO {e.veo_v * 1e3:.2f} mV, edges {d_bins:.0f} bins apart"
          + (f"; cold first call {info['cold_first_call_s']:.2f} s" if "cold_first_call_s" in info else ""))


RECORDED = "c2m_c2c12_grid_450.json"


@pytest.mark.skipif(not (OCTAVE / RECORDED).is_file(), reason=f"{OCTAVE / RECORDED} not found")
def test_c2m_com_beside_recorded_ieee(benchmark):
    from sikernel.channel.touchstone import read_touchstone
    from sikernel.eye.com import com
    from tests.test_com_c2m import RUNS, TOL_C2M_VS_IEEE_DB, TOL_VEC_VS_IEEE_DB

    ref = json.loads((OCTAVE / RECORDED).read_text())
    sheet = _sheet()
    ch = read_touchstone(_channel(Path(ref["channel_file"]).name))
    kw = RUNS[RECORDED]
    r = com(ch, config=sheet, **kw)
    for c, o in zip(r.cases, ref["cases"], strict=True):
        assert abs(c.com_db - o["com_db"]) <= TOL_C2M_VS_IEEE_DB, (c.com_db, o["com_db"])
        assert abs(c.c2m["vec_db"] - o["VEC_dB"]) <= TOL_VEC_VS_IEEE_DB, (c.c2m["vec_db"], o["VEC_dB"])
    r = benchmark.pedantic(com, args=(ch,), kwargs={"config": sheet, **kw}, rounds=3, iterations=1)
    points = int(sum(c.n_grid_points for c in r.cases))
    benchmark.extra_info.update({
        "compares": (f"recorded: IEEE COM {ref['com_version']} under GNU Octave {ref['octave_version']}, one "
                     "run on a shared machine (not MATLAB, not the code's speed); no ratio"),
        "ieee_octave_runtime_s": ref["runtime_s"], "ieee_com_db": ref["com_db"], "com_db": r.com_db,
        "com_diff_db": r.com_db - ref["com_db"],
        "vec_diff_db": max(abs(c.c2m["vec_db"] - o["VEC_dB"])
                           for c, o in zip(r.cases, ref["cases"], strict=True)),
        "grid_points": points})
    print(f"\nC2M COM C2C_PCB_SYSVIA_12dB, restricted grid ({points} points, 2 cases): ours "
          f"{benchmark.stats.stats.min:.2f} s warm, COM {r.com_db:.3f} dB; IEEE COM under Octave "
          f"(recorded) {ref['runtime_s']:.0f} s, COM {ref['com_db']:.3f} dB")
