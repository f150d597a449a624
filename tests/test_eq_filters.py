"""802.3 COM filters (sikernel.eq.filters, eq.ffe) against closed forms and loops."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from sikernel import SIKernelError
from sikernel.eq.ffe import apply_ffe, rx_ffe_cursors, tx_ffe_taps
from sikernel.eq.filters import (
    ctle_from_poles_zeros,
    ctle_response,
    ctle_responses,
    ffe_response,
    rx_afe_filter,
    tx_rise_time_filter,
)
from sikernel.response import step_response

from .naive_response import apply_ffe_loop, ffe_h_loop
from .validation_rows import max_rel

# two implementations of the same closed form
RTOL_FORMULA = 1e-12
# 93A-20 prints the Butterworth coefficients to 7 digits; scipy's are exact
RTOL_BUTTERWORTH = 1e-12
# rise time read off a sampled step (0.1 ps steps) vs T_r
ATOL_RISE_S = 0.2e-12

F = np.linspace(0, 100e9, 2001)
CK = {"fz_hz": 21.25e9, "fp1_hz": 21.25e9, "fp2_hz": 53.125e9, "f_lf_hz": 0.664e9}


def test_ctle_dc_gain_is_gdc_plus_gdc2():
    for g1, g2 in [(0, 0), (-7, 0), (-12, -3), (-20, -6)]:
        h = ctle_response([0.0], g1, gdc2_db=g2, **CK)
        assert 20 * np.log10(abs(h[0])) == pytest.approx(g1 + g2, abs=1e-12)
        assert h[0].imag == 0


def test_ctle_high_frequency_limit():
    f = np.array([1e14, 1e15])
    h = ctle_response(f, -9, gdc2_db=-3, **CK)
    # (jf/fz)(jf/fLF) / ((jf/fp1)(jf/fp2)(jf/fLF)) = fp1 fp2 / (j f fz)
    limit = CK["fp1_hz"] * CK["fp2_hz"] / (1j * f * CK["fz_hz"])
    np.testing.assert_allclose(h, limit, rtol=1e-3)


def test_ctle_equals_pole_zero_form(record_property):
    g1, g2 = -11.0, -4.0
    g, gg = 10 ** (g1 / 20), 10 ** (g2 / 20)
    h = ctle_response(F, g1, gdc2_db=g2, **CK)
    pz = ctle_from_poles_zeros(F, zeros_hz=[g * CK["fz_hz"], gg * CK["f_lf_hz"]],
                               poles_hz=[CK["fp1_hz"], CK["fp2_hz"], CK["f_lf_hz"]],
                               dc_gain_db=g1 + g2)
    record_property("validation:ctle-formula", max_rel(h, pz))
    np.testing.assert_allclose(h, pz, rtol=RTOL_FORMULA)


def test_ctle_93a22_special_case():
    g = 10 ** (-6 / 20)
    jf = 1j * F
    ref = (g + jf / 21.25e9) / ((1 + jf / 21.25e9) * (1 + jf / 53.125e9))
    np.testing.assert_allclose(ctle_response(F, -6, 21.25e9, 21.25e9, 53.125e9), ref,
                               rtol=RTOL_FORMULA)


def test_ctle_batch_equals_loop():
    g1, g2 = np.meshgrid(np.arange(-20, 1, 5.0), np.arange(-6, 1, 3.0), indexing="ij")
    hb = ctle_responses(F, g1.ravel(), gdc2_db=g2.ravel(), **CK)
    assert hb.shape == (g1.size, F.size)
    for i, (a, b) in enumerate(zip(g1.ravel(), g2.ravel(), strict=True)):
        np.testing.assert_allclose(hb[i], ctle_response(F, a, gdc2_db=b, **CK),
                                   rtol=RTOL_FORMULA)


def test_ctle_gdc2_without_f_lf_raises():
    with pytest.raises(SIKernelError, match="f_lf_hz"):
        ctle_response(F, -3, 21e9, 21e9, 53e9, gdc2_db=-2)


def test_ctle_bad_pole_raises():
    with pytest.raises(SIKernelError, match="fp1_hz"):
        ctle_response(F, -3, 21e9, -1.0, 53e9)
    with pytest.raises(SIKernelError, match="poles_hz"):
        ctle_from_poles_zeros(F, [1e9], [0.0])


def test_rx_afe_is_4th_order_butterworth(record_property):
    fr = 0.75 * 53.125e9
    b, a = scipy.signal.butter(4, 2 * np.pi * fr, analog=True)
    _, ref = scipy.signal.freqs(b, a, worN=2 * np.pi * F)
    record_property("validation:rx-afe-butterworth", max_rel(rx_afe_filter(F, fr), ref))
    np.testing.assert_allclose(rx_afe_filter(F, fr), ref, rtol=RTOL_BUTTERWORTH)
    assert abs(rx_afe_filter([fr], fr)[0]) == pytest.approx(2**-0.5, rel=1e-12)


def test_tx_rise_time_filter_gives_its_20_80_rise_time():
    tr = 8e-12
    f = np.arange(0, 500e9 + 1, 50e6)
    # the zero-phase Gaussian is symmetric about t = 0 (non-causal by design): no check
    sr = step_response((f, tx_rise_time_filter(f, tr)), 100e9, 100, truncate_tol=None,
                       causality="ignore")
    t20 = np.interp(0.2, sr.v[sr.t_s < 50e-12], sr.t_s[sr.t_s < 50e-12])
    t80 = np.interp(0.8, sr.v[sr.t_s < 50e-12], sr.t_s[sr.t_s < 50e-12])
    assert t80 - t20 == pytest.approx(tr, abs=ATOL_RISE_S)
    assert tx_rise_time_filter([0.0], tr)[0] == 1


def test_ffe_response_matches_loop_and_dc_sum(record_property):
    taps = np.array([0.04, -0.1, 0.7, -0.12, -0.04])
    h = ffe_response(F, taps, 53.125e9, 2)
    record_property("validation:ffe-loop", max_rel(h, ffe_h_loop(F, taps, 53.125e9, 2), atol=1e-15))
    np.testing.assert_allclose(h, ffe_h_loop(F, taps, 53.125e9, 2), rtol=RTOL_FORMULA,
                               atol=1e-15)
    assert h[0] == pytest.approx(taps.sum(), abs=1e-15)


def test_tx_ffe_taps_sum_constraint():
    taps, n_pre = tx_ffe_taps(pre=[-0.04, 0.1, -0.2], post=[-0.08])
    assert n_pre == 3
    assert taps[3] == pytest.approx(1 - 0.42)
    assert np.abs(taps).sum() == pytest.approx(1.0)
    with pytest.raises(SIKernelError, match="negative main cursor"):
        tx_ffe_taps(pre=[-0.6], post=[-0.5])


@given(st.lists(st.floats(-2, 2), min_size=1, max_size=6), st.data())
def test_apply_ffe_equals_loop(taps, data):
    n_pre = data.draw(st.integers(0, len(taps) - 1))
    v = np.sin(np.arange(50) * 0.3) * np.exp(-np.arange(50) / 20)
    t = np.arange(50) * 1e-12
    t2, out = apply_ffe(t, v, taps, n_pre, 4)
    np.testing.assert_allclose(out, apply_ffe_loop(v, np.asarray(taps), n_pre, 4), atol=1e-12)
    assert t2[0] == pytest.approx(-n_pre * 4e-12)


def test_rx_ffe_cursors_is_convolution():
    h = np.array([0.1, 0.5, 0.2, 0.05])
    w = np.array([-0.2, 1.5, -0.4])
    out = rx_ffe_cursors(h, w, 1)
    assert out[1 + 1] == pytest.approx(-0.2 * 0.2 + 1.5 * 0.5 - 0.4 * 0.1)


def test_ffe_empty_misshaped_or_bad_n_pre_raises():
    with pytest.raises(SIKernelError, match="non-empty"):
        ffe_response(F, [], 53e9, 0)
    with pytest.raises(SIKernelError, match="1-D"):
        ffe_response(F, [[0.1, 0.9]], 53e9, 0)
    with pytest.raises(SIKernelError, match="n_pre"):
        ffe_response(F, [0.1, 0.9], 53e9, 2)
    with pytest.raises(SIKernelError, match="non-finite"):
        ffe_response(F, [np.nan, 0.9], 53e9, 1)


def test_negative_frequency_raises():
    with pytest.raises(SIKernelError, match="negative"):
        rx_afe_filter([-1.0, 2.0], 1e9)
