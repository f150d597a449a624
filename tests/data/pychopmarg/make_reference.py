"""Produce the pychopmarg COM reference values of ``tests/test_com_vs_pychopmarg.py``.

Run with the interpreter of a virtual environment that holds pychopmarg (it is not a
dependency of sikernel, and this script does not import sikernel)::

    python3 -m venv /work/peer-venv && /work/peer-venv/bin/pip install pychopmarg==3.4.0
    /work/peer-venv/bin/python tests/data/pychopmarg/make_reference.py \
        --channels ../shared/channels/ieee-802.3ck \
        -o tests/data/pychopmarg/com_802p3ck_kr_fixed_eq.json

What it computes: IEEE 802.3 Annex 93A COM (802.3ck KR parameters, 12-tap DFE, no RX FFE)
of four IEEE P802.3ck thru channels, both package cases (z_p = 12 and 31 mm), each at one
fixed TX FFE and CTLE setting (the grid restricted to one point, so that the comparison
isolates the implementations from the equaliser search; a full pychopmarg search takes
hours on a 2-core machine).  The fixed settings are literals below (chosen once as the
worst-case equalisation of each channel; any setting would do, both sides use the same).

Workarounds needed to run pychopmarg 3.4 on this configuration (as in
``benches/_peer_pychopmarg.py``; see also ``../shared/reference/com-parameters.md``):

* its range check rejects gamma0 = 0, so gamma0 = 1e-7 /mm (0.0009 dB over 31 mm);
* it needs a receiver FFE: a fixed identity FFE (min = max) with ``dw`` = 5 pre-cursor
  positions and 13 post-cursor zero taps is given, and its PRZF optimiser is replaced by
  that fixed FFE (monkey-patched); this makes its FOM count 5 pre-cursors of ISI;
* its TX FFE puts c(0) before the last three listed taps, so c(2) = c(3) = 0 are appended
  to the 802.3ck taps c(-3), c(-2), c(-1), c(1);
* its sampling point is its own ``loc_curs`` rule (near-exact Mueller-Mueller solutions
  within 1 mV first); sikernel reproduces it with ``mm_rule="peak", mm_exact_tol_v=1e-3``.

The output JSON records the command, the versions, every COMParams field and the sha256
of each channel file.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

#: channel file -> fixed (TX FFE c(-3), c(-2), c(-1), c(1); CTLE g_DC dB, g_DC2 dB)
FIXED_EQ = {
    "DPO_4in_Meg7_THRU.s4p": ((-0.02, 0.08, -0.26, 0.0), -3.0, -2.0),
    "DPO_12in_Meg7_THRU.s4p": ((-0.02, 0.02, -0.24, 0.0), -14.0, -3.0),
    "CA_19p75dB_thru.s4p": ((-0.02, 0.08, -0.24, -0.02), -7.0, -3.0),
    "Tp0_Tp5_28p5db_FQSFP_thru.s4p": ((0.0, 0.04, -0.2, -0.02), -12.0, -4.0),
}
#: package test cases: long-section length z_p (mm) at both ends; second section 1.8 mm
Z_P_MM = (12.0, 31.0)
N_PRE_RX = 5                                  # pre-cursor positions of the fixed RX FFE (dw)
DFE_BMAX = [0.85, 0.3] + [0.2] * 5 + [0.1] * 5  # 802.3ck KR b_max(1..12)


def _params(tx_pre_post, g_dc, g_dc2):
    from pychopmarg.config.template import COMParams

    rx_fixed = np.array([0.0] * N_PRE_RX + [1.0] + [0.0] * 13)
    bmax = np.array(DFE_BMAX)
    taps = [*tx_pre_post, 0.0, 0.0]  # c(-3), c(-2), c(-1), c(1), c(2) = c(3) = 0
    p = COMParams(
        fb=53.125, fstep=0.01, L=4, M=32, DER_0=1e-4, T_r=0.008, RLM=0.95,
        A_v=0.413, A_fe=0.413, A_ne=0.608, R_0=50,
        A_DD=0.02, SNR_TX=33, eta_0=8.2e-9, sigma_Rj=0.01,
        f_z=21.25, f_p1=21.25, f_p2=53.125, f_LF=0.664, g_DC=[g_dc], g_DC2=[g_dc2],
        tx_taps_min=taps, tx_taps_max=taps, tx_taps_step=[0.02] * 6, c0_min=0.54,
        f_r=0.75, dfe_min=-bmax, dfe_max=bmax, rx_taps_min=rx_fixed, rx_taps_max=rx_fixed,
        dw=N_PRE_RX,
        R_d=np.array([50.0]), C_d=[[1.2e-4], [1.2e-4]], C_b=[3e-5, 3e-5], C_p=[8.7e-5, 8.7e-5],
        L_s=[[0.12], [0.12]], z_c=[87.5, 92.5], z_p=list(Z_P_MM), gamma0=1e-7,
        a1=9.909e-4, a2=2.772e-4, tau=6.141e-3,
        zp_cases=[{"zp_tx": [z, 1.8], "zp_rx": [z, 1.8], "zp_next": [z, 1.8], "zp_fext": [z, 1.8]}
                  for z in Z_P_MM],
    )
    return p, rx_fixed


def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


def one_channel(path: Path) -> dict:
    import pychopmarg.com as pcom
    from pychopmarg.com import COM
    from pychopmarg.common import OptMode

    tx, g_dc, g_dc2 = FIXED_EQ[path.name]
    params, rx_fixed = _params(tx, g_dc, g_dc2)
    # no RX FFE in the 802.3ck KR reference receiver: its PRZF optimiser -> the fixed identity FFE
    pcom.przf = lambda *a, **k: (rx_fixed.copy(), None, None)
    foms = []
    orig = COM._calc_com

    def calc_com(self):
        r = orig(self)
        foms.append(float(self.fom_rslts["FOM"]))
        return r

    COM._calc_com = calc_com
    try:
        t0 = time.perf_counter()
        c = COM(params, {"THRU": [str(path)], "NEXT": [], "FEXT": []})
        c.opt_mode = OptMode.PRZF
        c.n_procs = 1
        com_db = float(c())
        wall_s = time.perf_counter() - t0
    finally:
        COM._calc_com = orig
    return {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "tx_taps_m3_m2_m1_p1": list(tx), "ctle_gdc_db": g_dc, "ctle_gdc2_db": g_dc2,
        "z_p_mm": list(Z_P_MM),
        "case_com_db": [float(x) for x in c.com_rslts["case_coms"]],
        "case_fom_db": foms,
        "com_db": com_db,
        "wall_s": wall_s,
        "com_params": _jsonable(dataclasses.asdict(params)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=Path, required=True, help="folder holding the ieee-802.3ck files")
    ap.add_argument("-o", "--out", type=Path, required=True)
    a = ap.parse_args()
    rows = [one_channel(a.channels / name) for name in FIXED_EQ]
    out = {
        "what": "IEEE 802.3 93A COM, 802.3ck KR parameters, fixed TX FFE + CTLE per channel, pychopmarg",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "versions": {k: metadata.version(k) for k in ("pychopmarg", "numpy", "scipy", "scikit-rf")}
        | {"python": platform.python_version()},
        "workarounds": ["gamma0 = 1e-7 /mm (its range check rejects 0)",
                        "fixed identity RX FFE, dw = 5 pre-cursor positions, 13 post taps; przf patched",
                        "TX taps c(2) = c(3) = 0 appended",
                        "sampling point: pychopmarg loc_curs (1 mV near-exact MM solutions first)"],
        "channels": rows,
    }
    a.out.write_text(json.dumps(out, indent=1) + "\n")
    for r in rows:
        print(r["file"], r["case_com_db"], r["case_fom_db"], f"{r['wall_s']:.1f} s")


if __name__ == "__main__":
    main()
