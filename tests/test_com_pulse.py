"""ComResult.pulse / com_pulse: the thru's pulse with COM's equalisation, against COM's own cursors.

COM reads its cursors from pulses it forms in a window of the record (its own path: the stream
pulses of every CTLE corner, the bilinear CTLE weights, the windowed TX FFE of ``_tx_apply``, the
RX FFE by ``np.convolve``); ``com_pulse`` forms one pulse on the whole record with the public 93A-24
transform and ``apply_ffe``.  The two must give the same samples at COM's sampling instant, on the
real P802.3ck channels, in 93A and 178A mode, with and without the host boards.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

import sikernel as sk
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.eye.com import _TRUNC_REL
from sikernel.eye.com_pulse import com_pulse

CHANNELS = Path(os.environ.get("SIKERNEL_CHANNELS", "../shared/channels")) / "ieee-802.3ck"
pytestmark = pytest.mark.skipif(not CHANNELS.is_dir(), reason=f"real channels not found at {CHANNELS}")

#: the main cursor, the first pre-cursor and the post-cursors COM's DFE and ISI sums lean on agree
#: to rounding: the same transfer function and transform, summed in another order
CURSOR_RTOL = 1e-9
NEAR_CURSORS = range(-1, 41)
#: any cursor: COM cuts each stream's pulse 2 UI before its first sample above _TRUNC_REL of its
#: peak (its window) and the TX FFE's pre-cursor taps reach into the cut; the whole record keeps
#: that tail: bound the difference at twice the cut level of the equalised pulse's peak
TAIL_FACTOR = 2.0


def _compare(pulse, case) -> tuple[float, float]:
    """(largest error on NEAR_CURSORS relative to h0, largest error on any cursor in V)."""
    i0, m = pulse.meta["com_sampling_index"], pulse.samples_per_ui
    k = np.arange(-case.cursor_ui, case.cursors_v.size - case.cursor_ui)
    j = i0 + k * m
    # COM's cursors run over its window padded by the TX FFE span, which can reach past the record's
    # ends (there COM's samples are its padding zeros): compare inside the record
    inside = (j >= 0) & (j < pulse.v.size)
    near = (k >= NEAR_CURSORS.start) & (k < NEAR_CURSORS.stop)
    assert np.all(inside[near])
    err = np.abs(pulse.v[j[inside]] - case.cursors_v[inside])
    return float(err[near[inside]].max() / case.h0), float(err.max())


@pytest.mark.parametrize(("name", "preset"), [
    ("DPO_12in_Meg7_THRU.s4p", "802.3ck-kr"),
    ("CA_19p75dB_thru.s4p", "802.3ck-cr"),             # include_pcb = 1: both host boards
    ("C2C_PCB_SYSVIA_12dB_thru.s4p", "802.3ck-c2c"),
    ("DPO_4in_Meg7_THRU.s4p", "802.3dj-kr"),           # 178A: MMSE RX FFE applied
])
def test_pulse_gives_com_cursors(name, preset):
    ch = sk.read_touchstone(CHANNELS / name)
    with pytest.warns(SIKernelWarning) if preset == "802.3dj-kr" else _no_warning():
        res = sk.com(ch, preset)   # 802.3dj at 106.25 GBd: the 60 GHz file ends below f_b (warns)
    for k, case in enumerate(res.cases):
        with pytest.warns(SIKernelWarning) if preset == "802.3dj-kr" else _no_warning():
            p = res.pulse(ch, k)
        near, every = _compare(p, case)
        assert near <= CURSOR_RTOL, (k, near)
        assert every <= TAIL_FACTOR * _TRUNC_REL * np.abs(p.v).max(), (k, every)
        assert p.v[p.meta["com_sampling_index"]] == pytest.approx(case.h0, rel=CURSOR_RTOL)
        assert p.meta["com_case"] == k and p.meta["amplitude_v"] == res.com_preset.a_v_v
        assert (p.meta["rx_ffe"] is not None) == (preset == "802.3dj-kr")
        assert np.allclose(p.meta["dfe_taps_v"], case.dfe_taps * case.h0)
    # the default is the worst case, the one the result reports
    with pytest.warns(SIKernelWarning) if preset == "802.3dj-kr" else _no_warning():
        worst = res.pulse(ch)
    assert worst.v[worst.meta["com_sampling_index"]] == pytest.approx(res.h0, rel=CURSOR_RTOL)


class _no_warning:
    """Context manager failing on any SIKernelWarning (pytest has no warns(None))."""

    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("error", SIKernelWarning)
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def test_pulse_without_rx_ffe_is_the_pre_ffe_pulse():
    """rx_ffe=False: the 178A pulse before the RX FFE; applying the case's taps to it gives the
    equalised one (the FFE is the only difference)."""
    ch = sk.read_touchstone(CHANNELS / "DPO_4in_Meg7_THRU.s4p")
    with pytest.warns(SIKernelWarning):
        res = sk.com(ch, "802.3dj-kr")
    with pytest.warns(SIKernelWarning):
        eq = res.pulse(ch)
    with pytest.warns(SIKernelWarning):
        raw = res.pulse(ch, rx_ffe=False)
    w, n_pre = np.asarray(eq.meta["rx_ffe"]), eq.meta["rx_ffe_n_pre"]
    _, v2 = sk.eq.ffe.apply_ffe(raw.t_s, raw.v, w, n_pre, raw.samples_per_ui)
    assert np.allclose(v2, eq.v, rtol=0, atol=1e-15) and raw.meta["rx_ffe"] is None
    assert raw.meta["com_sampling_index"] + n_pre * raw.samples_per_ui == eq.meta["com_sampling_index"]


def test_pulse_feeds_the_stat_eye():
    """The pulse at COM's instant, with the case's DFE, gives an open statistical eye on the
    channel COM passes (DPO_12in, KR: COM 3.8 dB)."""
    ch = sk.read_touchstone(CHANNELS / "DPO_12in_Meg7_THRU.s4p")
    res = sk.com(ch)
    p = res.pulse(ch)
    eye = sk.stat_eye(p, phase=p.meta["com_sampling_index"], n_dfe=len(res.dfe_taps), target_ber=1e-4)
    assert res.passed and np.all(np.asarray(eye.eye_height_v) > 0)


def test_pulse_bad_input():
    ch = sk.read_touchstone(CHANNELS / "DPO_4in_Meg7_THRU.s4p")
    res = sk.com(ch)
    for bad in (2, -3, True, 0.5, "worst"):
        with pytest.raises(SIKernelError, match="package test case"):
            res.pulse(ch, bad)
    with pytest.raises(SIKernelError, match="expected the ComResult"):
        com_pulse(ch, res.to_dict())
    bare = dataclasses.replace(res, com_preset=None)
    with pytest.raises(SIKernelError, match="no preset"):
        bare.pulse(ch)
    other = sk.read_touchstone(CHANNELS / "DPO_12in_Meg7_THRU.s4p")
    with pytest.warns(SIKernelWarning, match="the COM result is for channel"):
        res.pulse(other)


def test_pulse_on_com_grid_when_an_aggressor_is_cut_short():
    """Review 32 M2: COM runs every stream on the shortest grid of its inputs; with a NEXT aggressor
    measured to 40 GHz the thru is cut there too, and the pulse on the thru's whole grid missed COM's
    main cursor by 3.6e-4 of it.  The result keeps COM's grid length, and the pulse uses it."""
    ch = sk.read_touchstone(CHANNELS / "CA_19p75dB_thru.s4p")
    nx = sk.read_touchstone(CHANNELS / "CA_19p75dB_next1.s4p")
    k = int(np.searchsorted(nx.f, 40e9)) + 1
    cut = sk.Channel(nx.f[:k], nx.sdd[:k], name="next1 to 40 GHz")
    with pytest.warns(SIKernelWarning, match="ends at"):    # below f_b, as the reference code warns
        res = sk.com(ch, "802.3ck-kr", next=[cut])
    assert res.grid_points is not None and res.grid_points * res.com_preset.df_hz < 40.1e9
    for i, case in enumerate(res.cases):
        p = res.pulse(ch, i)
        near, _ = _compare(p, case)
        assert near <= CURSOR_RTOL, (i, near)
