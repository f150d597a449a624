"""The COM pulse stage (sikernel/eye/com.py: _stream_pulses, _stream_span, _truncate_ir).

``_stream_pulses`` forms every stream's basis pulses by the kernel calls of
:func:`sikernel.response.pulse_from_h` (grid checked once, no time axis, one output array
shared by the package cases); the spans and the impulse-response cut find their indices
without an ``|x|`` copy.  References here: the public ``pulse_from_h`` on each stream and the
obvious ``numpy.abs`` / ``flatnonzero`` forms (the previous code), compared bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikernel.eye import _com_channel as cc
from sikernel.eye import com as ec
from tests.conftest import channel_path


def _naive_span(pulses: np.ndarray, rel: float) -> tuple[int, int]:
    env = np.max(np.abs(pulses), axis=0)
    idx = np.flatnonzero(env > rel * env.max())
    return (int(idx[0]), int(idx[-1])) if idx.size else (pulses.shape[-1], -1)


def _naive_truncate(h: np.ndarray, f: np.ndarray, p) -> np.ndarray:
    n = round(p.baud_hz * p.samples_per_ui / float(f[1] - f[0]))
    ir = np.fft.irfft(h, n)
    a = np.abs(ir)
    if not a.max() > 0:
        return h
    last = int(np.flatnonzero(a > cc.IR_TRUNCATION_REL * a.max())[-1])
    ir[last + 1:] = 0.0
    return np.fft.rfft(ir)[: f.size]


@given(st.integers(1, 4), st.integers(8, 300), st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 2]))
def test_stream_span_is_the_abs_envelope_rule(n_b, n, seed, kind):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_b, n)) * np.exp(-rng.uniform(0, 40, size=n))
    if kind == 1:
        x = -np.abs(x)             # the peak is a negative sample
    elif kind == 2:
        x[:] = 0.0                 # nothing above the threshold
    assert ec._stream_span(x) == _naive_span(x, ec._TRUNC_REL)


def _streams():
    from sikernel.channel.touchstone import read_touchstone
    from sikernel.eye.presets import get_preset

    p = get_preset("802.3ck-kr")
    thru = read_touchstone(channel_path("CA_19p75dB_thru.s4p"))
    nx = read_touchstone(channel_path("CA_19p75dB_next1.s4p"), check_port_map=False)
    fx = read_touchstone(channel_path("CA_19p75dB_fext1.s4p"), check_port_map=False)
    chs = [cc._with_boards(cc._on_grid(c, p.df_hz), p, k) for c, k in
           ((thru, "thru"), (nx, "next"), (fx, "fext"))]
    f = chs[0].f
    cache: dict = {}
    z_tx, z_rx = p.z_p_cases_m[1]
    pk_rx = cc._package(p, f, z_rx, "rx", cache, "rx")
    streams = [(chs[0], p.a_v_v, cc._package(p, f, z_tx, "tx", cache)),
               (chs[1], p.a_ne_v, cc._package(p, f, p.aggressor_z_p_m(1, "next"), "tx", cache, "next")),
               (chs[2], p.a_fe_v, cc._package(p, f, p.aggressor_z_p_m(1, "fext"), "tx", cache, "fext"))]
    h_common = np.exp(1j * np.pi * f / (p.baud_hz * p.samples_per_ui)) * cc._rx_filter(p, f)
    return p, f, streams, h_common, ec._ctle_basis(p, f)[0], pk_rx


@pytest.mark.parametrize("threads", [1, 2])
def test_stream_pulses_are_pulse_from_h_of_each_stream(threads, monkeypatch):
    """Real channels (CA_19p75dB thru, NEXT1, FEXT1, 31/29 mm package case): the pulses are
    those of ``pulse_from_h`` on each stream's truncated H21 x CTLE corners, bit for bit, on
    one or two threads, into a new array or into the one given."""
    from sikernel.response import pulse_from_h

    p, f, streams, h_common, h_ctle, pk_rx = _streams()
    monkeypatch.setattr(ec, "_n_threads", lambda: threads)
    pulses, spans = ec._stream_pulses(streams, f, p, h_common, h_ctle, pk_rx)
    reused, spans2 = ec._stream_pulses(streams, f, p, h_common, h_ctle, pk_rx, np.full_like(pulses, np.nan))
    for j, (ch, amp, pk) in enumerate(streams):
        h = _naive_truncate(cc._packaged_h21(ch, f, p, pk, pk_rx) * (h_common * amp), f, p)
        ref = pulse_from_h(h[None, :] * h_ctle, f, p.baud_hz, p.samples_per_ui)[1]
        assert pulses[j].tobytes() == ref.tobytes()
        assert reused[j].tobytes() == ref.tobytes()
        assert spans[j] == spans2[j] == _naive_span(ref, ec._TRUNC_REL)
