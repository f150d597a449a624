"""Produce PyBERT's decisions for ``tests/test_timesim_vs_pybert.py``.

Run with an interpreter that holds sikernel (for the inputs) and PyBERT's simulation core
(``pipbert``; not a dependency of sikernel)::

    pip install --no-deps "pipbert>=11,<12"
    python tests/data/pybert/make_sim_reference.py \
        --channels ../shared/channels/ieee-802.3ck -o tests/data/pybert/simulate_decisions

What it computes.  For each case below: the pulse response of a real IEEE P802.3ck thru
channel (sikernel's ``pulse_response``, 32 samples per UI; validated on its own against a
direct convolution and a closed form), a seeded random symbol sequence and a set of DFE taps
in V are the **inputs**.  PyBERT then does what its ``pybert.models.bert`` does with a channel
response: it convolves the upsampled symbol sequence with the pulse (``numpy.convolve`` of the
32-samples/UI waveform) and runs its own ``DFE.run_dfe`` (ideal summing node, fixed clock
phase, no adaptation, decision scaler = main cursor) on the waveform.  Its decisions are the
**reference**: from them this script counts, over the symbols sikernel's ``simulate`` counts,
the symbol errors, the Gray-coded bit errors and the errors across each slicer threshold
(upwards, downwards), and stores them with the inputs.  The test gives ``simulate`` the same
pulse, symbols, sampling instant and DFE taps and asserts the same counts: sikernel's
waveform, feedback and slicing against an independent implementation of the same receiver.

The sampling instant (the pulse sample sikernel uses for the main cursor, plus an optional
whole-sample offset) and the counted span (``simulate``'s documented warm-up: the pulse's
cursors and the DFE span) are read from a ``simulate`` call here and stored; PyBERT's clock
is placed half a sample before that instant, so that it fires on the same sample.

The npz holds the arrays; the JSON beside it the command, the versions, the sha256 of each
channel file and the counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

M = 32
N_COUNT = 4000
#: name -> (channel file, modulation, baud, DFE taps, tap scale, phase offset in samples)
#: tap scale 1: the ideal taps (b_k = h_k); 3: mis-set taps, decision errors that propagate
CASES: dict[str, tuple[str, str, float, int, float, int]] = {
    "dpo4_pam4_dfe12": ("DPO_4in_Meg7_THRU.s4p", "pam4", 53.125e9, 12, 1.0, 0),
    "dpo4_pam4_dfe2": ("DPO_4in_Meg7_THRU.s4p", "pam4", 53.125e9, 2, 1.0, 0),
    "dpo4_pam4_dfe12_x3": ("DPO_4in_Meg7_THRU.s4p", "pam4", 53.125e9, 12, 3.0, 0),
    "c2c_pam4_dfe2_late4": ("C2C_PCB_SYSVIA_12dB_thru.s4p", "pam4", 53.125e9, 2, 1.0, 4),
    "dpo12_nrz_dfe1": ("DPO_12in_Meg7_THRU.s4p", "nrz", 53.125e9, 1, 1.0, 0),
}


def counts_from_decisions(dec: np.ndarray, sym: np.ndarray, n_levels: int) -> dict[str, object]:
    """Symbol, Gray bit and per-threshold (up, down) error counts of decisions ``dec``."""
    wrong = dec != sym
    gray = lambda s: s ^ (s >> 1)  # noqa: E731
    bit_errors = int(sum(bin(int(g)).count("1") for g in gray(dec[wrong]) ^ gray(sym[wrong])))
    thr = np.zeros((n_levels - 1, 2), dtype=np.int64)
    for d, s in zip(dec[wrong], sym[wrong], strict=True):
        if d > s:
            thr[s:d, 0] += 1
        else:
            thr[d:s, 1] += 1
    return {"symbol_errors": int(wrong.sum()), "bit_errors": bit_errors,
            "threshold_errors": thr.tolist()}


def pybert_decisions(pulse: np.ndarray, sym: np.ndarray, n_levels: int, taps_v: np.ndarray,
                     h0: float, instant: int, baud: float) -> np.ndarray:
    """PyBERT's receiver: channel convolution + ``DFE.run_dfe`` at a fixed clock phase."""
    from pybert.models.dfe import DFE

    levels = np.linspace(-1.0, 1.0, n_levels)
    x = levels[sym]
    up = np.zeros(x.size * M)
    up[::M] = x
    wave = np.convolve(up, pulse)[: up.size]
    ui = 1.0 / baud
    dt = ui / M
    dfe = DFE(taps_v.size, 0.0, 0.1e-12, 0.01, ui, M, h0, mod_type=2 if n_levels == 4 else 0,
              ideal=True)
    dfe.tap_weights = list(taps_v / h0)
    dec = np.asarray(dfe.run_dfe(np.arange(wave.size) * dt, wave, clock_phase=(instant - 0.5) * dt)[-1])
    return np.rint((dec + 1.0) * (n_levels - 1) / 2.0).astype(np.int64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", required=True, type=Path, help="folder of the P802.3ck files")
    ap.add_argument("-o", "--out", required=True, type=Path, help="output stem (.npz and .json)")
    args = ap.parse_args()

    from sikernel import read_touchstone
    from sikernel.eye.timesim import simulate
    from sikernel.response import pulse_response

    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, object] = {}
    sha: dict[str, str] = {}
    for name, (fname, mod, baud, n_dfe, scale, offset) in CASES.items():
        path = args.channels / fname
        sha[fname] = hashlib.sha256(path.read_bytes()).hexdigest()
        pr = pulse_response(read_touchstone(path), baud, M)
        n_levels = 4 if mod == "pam4" else 2
        sym = np.random.default_rng(11).integers(0, n_levels, size=N_COUNT + 600)
        kw = {"modulation": mod, "pattern": sym, "phase_offset_ui": offset / M}
        ideal = simulate(pr, n_symbols=N_COUNT, n_dfe=n_dfe, **kw)
        taps = scale * ideal.dfe_taps_v
        ours = simulate(pr, n_symbols=N_COUNT, dfe_taps_v=taps, **kw)
        h0 = float(ours.cursors_v[ours.main_index])
        instant = int(ours.inputs["ref_index"]) + offset
        n_warm = int(ours.inputs["n_pre"] + ours.inputs["n_post"] + 2 + taps.size)
        dec = pybert_decisions(pr.v, sym, n_levels, taps, h0, instant, baud)
        span = slice(n_warm, n_warm + N_COUNT)
        ref = counts_from_decisions(dec[span], sym[span], n_levels)
        arrays[f"{name}/pulse_v"] = pr.v
        arrays[f"{name}/symbols"] = sym
        arrays[f"{name}/dfe_taps_v"] = taps
        arrays[f"{name}/pybert_decisions"] = dec[span]
        meta[name] = {"channel": fname, "modulation": mod, "baud": baud, "samples_per_ui": M,
                      "n_dfe": n_dfe, "tap_scale": scale, "phase_offset_samples": offset,
                      "instant_sample": instant, "main_cursor_v": h0, "first_counted_symbol": n_warm,
                      "n_counted": N_COUNT, "pybert": ref,
                      "sikernel_at_generation": {"symbol_errors": ours.symbol_errors,
                                                 "bit_errors": ours.bit_errors}}
        print(f"{name}: PyBERT {ref['symbol_errors']} symbol errors, sikernel {ours.symbol_errors}")
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out.with_suffix(".npz"), **arrays)
    prov = {"generated": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "python": platform.python_version(), "pipbert": metadata.version("pipbert"),
            "numpy": np.__version__, "sikernel_inputs_only": metadata.version("sikernel"),
            "channel_sha256": sha, "cases": meta}
    out.with_suffix(".json").write_text(json.dumps(prov, indent=1) + "\n")


if __name__ == "__main__":
    main()
