"""Produce the pychopmarg package-model reference of ``tests/test_package.py``.

Run with the interpreter of a virtual environment holding pychopmarg (not a sikernel
dependency; this script does not import sikernel)::

    /work/peer-venv/bin/python tests/data/pychopmarg/make_package_reference.py \
        -o tests/data/pychopmarg/package_models.json

pychopmarg 3.4 ``devmodel.s_tx_model`` / ``s_rx_model`` (178A-7..11: device termination
ladder, bump capacitance, package line stages, package-to-board capacitance; 93A-8 single-
ended formulas at R0 relabelled differential at 2 R0) for

* the 802.3ck package (IEEE Std 802.3ck-2022 Cl. 163 COM sheet): C_d 1.2e-4 nF, L_s 0.12 nH,
  C_b 3e-5 nF, z_p = 12 mm at 87.5 ohm + 1.8 mm at 92.5 ohm, C_p 8.7e-5 nF,
  a1 9.909e-4, a2 2.772e-4, tau 6.141e-3, gamma0 0;
* the P802.3dj class-A package (Annex 178A draft, as pychopmarg's ``IEEE_8023dj``):
  C_d (4, 9, 11)e-5 nF, L_s (0.13, 0.15, 0.14) nH, C_b 3e-5 nF, z_p = 33 mm at 87.5 ohm +
  1.8 mm at 92.5 ohm, C_p 4e-5 nF, a1 8.9e-4, a2 2e-4, tau 6.141e-3, gamma0 5e-4;

both at R0 = 50 ohm, at the frequencies below; S-parameters written at full double
precision (repr), with the versions and the command.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

F_HZ = [10e6, 1e9, 5e9, 13.28e9, 20e9, 26.56e9, 40e9, 53.1e9, 60e9]
R0 = 50.0


def _models():
    from pychopmarg.devmodel import DeviceModel, DevicePackage, DeviceTermination, TlineStage

    ck_line = {"a1": 9.909e-4, "a2": 2.772e-4, "tau": 6.141e-3, "gamma0": 0.0}
    dj_line = {"a1": 8.9e-4, "a2": 2e-4, "tau": 6.141e-3, "gamma0": 5e-4}
    ck = DeviceModel(
        DeviceTermination(Cd=(1.2e-4,), Ls=(0.12,), Cb=3e-5),
        DevicePackage(stages=(TlineStage(zc=87.5, zp=12.0, **ck_line),
                              TlineStage(zc=92.5, zp=1.8, **ck_line)), Cp=8.7e-5),
        Rd=50.0)
    dj = DeviceModel(
        DeviceTermination(Cd=(4e-5, 9e-5, 11e-5), Ls=(0.13, 0.15, 0.14), Cb=3e-5),
        DevicePackage(stages=(TlineStage(zc=87.5, zp=33.0, **dj_line),
                              TlineStage(zc=92.5, zp=1.8, **dj_line)), Cp=4e-5),
        Rd=50.0)
    return {"802.3ck": (ck, 12e-3), "802.3dj": (dj, 33e-3)}


def main() -> None:
    from pychopmarg.devmodel import s_rx_model, s_tx_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", type=Path, required=True)
    a = ap.parse_args()
    f = np.array(F_HZ)
    models = {}
    for name, (dev, z_p_m) in _models().items():
        entry = {"z_p_m": z_p_m, "model": repr(dev)}
        for side, fn in (("tx", s_tx_model), ("rx", s_rx_model)):
            s = fn(f, dev, R0).s
            for key, (i, j) in {"s11": (0, 0), "s21": (1, 0), "s12": (0, 1), "s22": (1, 1)}.items():
                entry[f"{side}_{key}_re"] = [float(x) for x in s[:, i, j].real]
                entry[f"{side}_{key}_im"] = [float(x) for x in s[:, i, j].imag]
        models[name] = entry
    out = {
        "what": "IEEE 802.3 package S-parameters (differential, 2 R0 reference), pychopmarg devmodel",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "versions": {k: metadata.version(k) for k in ("pychopmarg", "numpy", "scikit-rf")}
        | {"python": platform.python_version()},
        "r0_ohm": R0, "f_hz": F_HZ, "models": models,
    }
    a.out.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
