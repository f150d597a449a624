"""The bit-by-bit simulator against PyBERT's receiver on real-channel pulses (committed reference).

``tests/data/pybert/make_sim_reference.py`` (its docstring says how it was run) fed PyBERT
(``pipbert``: ``numpy.convolve`` of the 32-samples/UI waveform and ``DFE.run_dfe``, ideal
summing node, fixed clock phase) the pulse responses of three IEEE P802.3ck thru channels,
seeded symbols and DFE taps, and stored its decisions.  Here ``simulate`` gets the same pulse
(as an array), symbols, sampling instant and taps; its symbol, Gray bit and per-threshold error
counts must equal those of PyBERT's decisions exactly: both are noise-free and deterministic,
so any difference is a difference in the waveform, the feedback or the slicing.  The cases cover
PAM4 with 2 and 12 taps, mis-set taps whose wrong decisions propagate through the DFE (1616
errors of 4000), a sampling instant 4 samples after the reference, and NRZ.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sikernel.eye.timesim import simulate

DATA = Path(__file__).parent / "data" / "pybert" / "simulate_decisions"
META = json.loads(DATA.with_suffix(".json").read_text())
#: error counts must be equal (noise-free, deterministic on both sides): the counts are whole
#: numbers, so a bound below one error is equality
COUNT_TOL = 0.5


def _gray_bit_errors(dec: np.ndarray, sym: np.ndarray) -> int:
    g = lambda s: s ^ (s >> 1)  # noqa: E731
    return int(sum(bin(int(x)).count("1") for x in g(dec) ^ g(sym)))


@pytest.fixture(scope="module")
def arrays():
    with np.load(DATA.with_suffix(".npz")) as z:
        return {k: z[k] for k in z.files}


@pytest.mark.parametrize("case", sorted(META["cases"]))
def test_simulate_counts_equal_pybert_decisions(case, arrays, record_property):
    c = META["cases"][case]
    sym = arrays[f"{case}/symbols"]
    ours = simulate(arrays[f"{case}/pulse_v"], c["samples_per_ui"], n_symbols=c["n_counted"],
                    modulation=c["modulation"], pattern=sym,
                    phase_offset_ui=c["phase_offset_samples"] / c["samples_per_ui"],
                    dfe_taps_v=arrays[f"{case}/dfe_taps_v"])
    # the same instant and counted span as PyBERT's clock and the stored decisions
    assert int(ours.inputs["ref_index"]) + c["phase_offset_samples"] == c["instant_sample"]
    assert ours.n_symbols == c["n_counted"]
    ref = c["pybert"]
    # the stored counts are those of the stored decisions (the file is self-consistent)
    dec = arrays[f"{case}/pybert_decisions"]
    first = c["first_counted_symbol"]
    counted = sym[first:first + c["n_counted"]]
    assert int(np.count_nonzero(dec != counted)) == ref["symbol_errors"] > 0
    assert _gray_bit_errors(dec, counted) == ref["bit_errors"]
    diff = max(abs(ours.symbol_errors - ref["symbol_errors"]), abs(ours.bit_errors - ref["bit_errors"]),
               int(np.max(np.abs(ours.threshold_errors - np.asarray(ref["threshold_errors"])))))
    record_property("validation:simulate-vs-pybert", float(diff))
    assert diff <= COUNT_TOL, (ours.symbol_errors, ours.bit_errors, ours.threshold_errors.tolist(), ref)
