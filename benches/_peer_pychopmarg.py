"""Run the peer COM implementation pychopmarg on an 802.3ck KR configuration (benchmark helper).

Called in-process by ``benches/bench_com.py`` and ``benches/bench_com_targets.py``
(:func:`run`) when pychopmarg is installed (``pip install -e .[bench]``), or, as a
fallback, executed with the interpreter of a separate virtual environment named by
``SIKERNEL_PEER_VENV`` as

    python _peer_pychopmarg.py '<json request>'

which prints the same result as one JSON line: set-up time, per-FOM-evaluation time,
COM and the EQ it chose.  The request gives the channel files and a (possibly
restricted) TX FFE / CTLE grid.

Workarounds (see shared/reference/com-parameters.md, "How a peer does it"): its range
check rejects gamma0 = 0, so gamma0 = 1e-7 /mm (the smallest it accepts, 0.0009 dB over
31 mm); it fails without a receiver FFE, so a fixed identity RX FFE (min = max) with
``dw`` = 5 pre-cursor positions (and 13 zero post-cursor taps, as its PRZF solver needs
n_pre + n_dfe < n_taps - 1) is given, which also makes its FOM count 5 pre-cursors, and
its PRZF RX FFE optimiser is replaced by that fixed FFE (monkey-patched); its TX FFE puts
c(0) before the last three listed taps whatever their number, so c(2) = c(3) = 0 are
appended to the 802.3ck list c(-3), c(-2), c(-1), c(1).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def run(req: dict) -> dict:
    """Run the peer on one request (see the module docstring); return its result dict."""
    import pychopmarg.com as pcom

    saved = pcom.przf
    try:
        return _run(req)
    finally:
        pcom.przf = saved  # the fixed-RX-FFE patch below is undone for the caller's process


def _run(req: dict) -> dict:
    from pychopmarg.com import COM
    from pychopmarg.common import OptMode
    from pychopmarg.config.template import COMParams

    n_pre_rx = 5
    rx_fixed = np.array([0.0] * n_pre_rx + [1.0] + [0.0] * 13)  # przf needs n_pre + n_dfe < n_taps - 1
    bmax = np.array([0.85, 0.3] + [0.2] * 5 + [0.1] * 5)
    # its TX FFE places c(0) before the last 3 listed taps (calc_Hffe(..., n_post=3) is hard-coded):
    # give c(-3), c(-2), c(-1), c(1) plus c(2) = c(3) = 0
    tx_min = [*req["tx_min"], 0.0, 0.0]
    tx_max = [*req["tx_max"], 0.0, 0.0]
    tx_step = [*req["tx_step"], 0.0, 0.0]
    params = COMParams(
        53.125, 0.01, 4, 32, 1e-4, req.get("t_r_ns", 0.008), 0.95, 0.413, 0.413, 0.608, 50,
        0.02, 33, 8.2e-9, 0.01,
        21.25, 21.25, 53.125, 0.664, req["g_dc"], req["g_dc2"],
        tx_min, tx_max, tx_step, 0.54,
        0.75, -bmax, bmax, rx_fixed, rx_fixed, n_pre_rx,
        np.array([50.0]), [[1.2e-4], [1.2e-4]], [3e-5, 3e-5], [8.7e-5, 8.7e-5], [[0.12], [0.12]],
        [87.5, 92.5], [12.0, 31.0], 1e-7, 9.909e-4, 2.772e-4, 6.141e-3,
        zp_cases=[{"zp_tx": [z, 1.8], "zp_rx": [z, 1.8], "zp_next": [z, 1.8], "zp_fext": [z, 1.8]}
                  for z in req.get("z_p_mm", [12.0, 31.0])],
    )
    # no RX FFE in the 802.3ck KR reference receiver: replace its PRZF RX FFE optimisation
    # by the fixed identity FFE (its only feasible point anyway)
    import pychopmarg.com as pcom

    pcom.przf = lambda *a, **k: (rx_fixed.copy(), None, None)
    t0 = time.perf_counter()
    c = COM(params, {"THRU": [req["thru"]], "NEXT": req.get("next", []), "FEXT": req.get("fext", [])})
    c.opt_mode = OptMode.PRZF
    c.n_procs = 1
    setup_s = time.perf_counter() - t0
    # per-FOM evaluation: random (TX, CTLE) points of the grid
    rng = np.random.default_rng(1)
    n_eval = int(req.get("n_fom_evals", 20))
    pts = [(int(rng.integers(c.num_tx_combs)), float(rng.choice(params.g_DC)),
            float(rng.choice(params.g_DC2))) for _ in range(n_eval)]
    c.calc_fom(pts[0][0], c.calc_Hctf(pts[0][1], pts[0][2]))  # warm caches
    t0 = time.perf_counter()
    for tx_ix, g1, g2 in pts:
        c.calc_fom(tx_ix, c.calc_Hctf(g1, g2))
    per_fom_s = (time.perf_counter() - t0) / n_eval
    out = {"setup_s": setup_s, "per_fom_s": per_fom_s, "n_tx": c.num_tx_combs,
           "n_ctle": len(params.g_DC) * len(params.g_DC2)}
    if req.get("run_com", True):
        t0 = time.perf_counter()
        com_db = float(c())
        out.update({"com_db": com_db, "com_s": time.perf_counter() - t0,
                    "case_coms": [float(x) for x in c.com_rslts.get("case_coms", [])],
                    "tx_taps": [float(x) for x in c._tx_combs[c.tx_ix]], "g_dc": float(c.gDC),
                    "g_dc2": float(c.gDC2), "fom_db": float(c.fom_rslts.get("FOM", np.nan)),
                    "n_fom_evals": int(getattr(c, "n_fom_evals", 0) or 0)})
    return out


def main() -> None:
    print(json.dumps(run(json.loads(sys.argv[1]))))


if __name__ == "__main__":
    main()
