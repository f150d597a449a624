"""DFE, MMSE and zero-forcing optimisers (sikernel.eq.dfe / mmse / zf)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sikernel import SIKernelError
from sikernel.eq.dfe import apply_dfe
from sikernel.eq.mmse import mmse, mmse_batch, noise_acf_from_psd, symbol_variance
from sikernel.eq.zf import zero_forcing

from .conftest import channel_path
from .naive_response import exhaustive_min, mmse_nullspace, mse_of_ffe
from .validation_rows import max_rel

# the same optimum computed by two algorithms (KKT solve vs null-space least squares)
RTOL_SAME_OPTIMUM = 1e-8
# exhaustive grid search: the grid step bounds how close it gets to the true minimum
RTOL_GRID = 1e-3
ATOL_EXACT = 1e-12

# a short lossy channel: 2 pre-cursors, main, 7 post-cursors (V)
H = np.array([0.012, -0.04, 0.45, 0.21, 0.09, 0.05, 0.03, 0.02, 0.012, 0.006])
I0 = 2
ACF = np.array([2e-4, 6e-5, 1e-5])          # coloured noise at the FFE input (V^2)


# -- DFE ----------------------------------------------------------------------------

@given(arrays(np.float64, 12, elements=st.floats(-0.5, 0.5)),
       arrays(np.float64, 4, elements=st.floats(0.0, 0.6)))
def test_dfe_limits_respected_and_residual_consistent(h, bmax):
    h = h.copy()
    h[1] = 0.8
    r = apply_dfe(h, 1, 4, b_max=bmax, b_min=-0.5 * bmax)
    assert np.all(r.taps <= bmax + ATOL_EXACT)
    assert np.all(r.taps >= -0.5 * bmax - ATOL_EXACT)
    np.testing.assert_allclose(r.residual[2:6], h[2:6] - 0.8 * r.taps, atol=ATOL_EXACT)
    free = ~r.saturated
    np.testing.assert_allclose(r.residual[2:6][free], 0.0, atol=ATOL_EXACT)
    np.testing.assert_array_equal(r.residual[6:], h[6:])
    np.testing.assert_array_equal(r.residual[:2], h[:2])


def test_dfe_floating_taps_catch_a_reflection():
    h = np.zeros(40)
    h[0] = 0.5
    h[1:4] = [0.2, 0.1, 0.05]
    h[25:27] = [0.03, -0.02]
    r = apply_dfe(h, 0, 3, b_max=1.0, float_groups=1, float_group_size=2, float_span=35,
            float_b_max=0.1)
    assert list(r.positions) == [1, 2, 3, 25, 26]
    assert r.peak_distortion == pytest.approx(0.0, abs=ATOL_EXACT)
    r2 = apply_dfe(h, 0, 3, b_max=1.0)
    assert r2.peak_distortion == pytest.approx(0.05)


def test_dfe_bad_input():
    with pytest.raises(SIKernelError, match="non-empty"):
        apply_dfe([], 0, 1)
    with pytest.raises(SIKernelError, match="1-D"):
        apply_dfe([[0.5, 0.1]], 0, 1)
    with pytest.raises(SIKernelError, match="main_index"):
        apply_dfe(H, 20, 1)
    with pytest.raises(SIKernelError, match="main cursor"):
        apply_dfe(-H, I0, 1)
    with pytest.raises(SIKernelError, match="b_max"):
        apply_dfe(H, I0, 3, b_max=[0.5, 0.2])
    with pytest.raises(SIKernelError, match="exceeds"):
        apply_dfe(H, I0, 1, b_max=0.1, b_min=0.2)
    with pytest.raises(SIKernelError, match="n_taps"):
        apply_dfe(H, I0, -1)


# -- MMSE ---------------------------------------------------------------------------

@pytest.mark.parametrize(("n_pre", "n_post", "n_dfe"), [(0, 0, 0), (2, 4, 1), (3, 6, 3)])
def test_mmse_equals_nullspace_least_squares(n_pre, n_post, n_dfe, record_property):
    sx2 = symbol_variance(4)
    r = mmse(H, I0, n_pre, n_post, n_dfe, noise_acf=ACF, b_max=10.0)
    w_ref, mse_ref = mmse_nullspace(H, I0, n_pre, n_post, n_dfe, sx2, ACF)
    np.testing.assert_allclose(r.rx_ffe_taps, w_ref, rtol=RTOL_SAME_OPTIMUM, atol=1e-10)
    record_property("validation:mmse-nullspace", max_rel(r.mse, mse_ref))
    assert r.mse == pytest.approx(mse_ref, rel=RTOL_SAME_OPTIMUM)
    assert r.h_eq[r.main_index] == pytest.approx(1.0, abs=1e-12)
    assert r.fom_db == pytest.approx(20 * np.log10(1 / 3 / np.sqrt(r.mse)))


def test_mmse_matches_exhaustive_search_with_saturated_dfe(record_property):
    # 2-tap FFE (one pre-cursor tap searched, main tap 1 before scaling) and a DFE tap
    # limited to 0.2 so that it saturates: the optimum is no longer a plain linear solve
    sx2 = symbol_variance(4)
    bmax, bmin = np.array([0.2]), np.array([-0.2])
    r = mmse(H, I0, 1, 0, 1, noise_acf=ACF, b_max=0.2)
    assert r.dfe_saturated[0] and r.dfe_taps[0] == 0.2
    grid = [np.linspace(-1.0, 1.0, 20001), np.array([1.0])]
    _, best = exhaustive_min(
        lambda w: mse_of_ffe(w, H, I0, 1, 1, bmin, bmax, sx2, ACF)[0], grid)
    record_property("validation:mmse-exhaustive", max_rel(r.mse, best))
    assert r.mse == pytest.approx(best, rel=RTOL_GRID)
    assert r.mse <= best * (1 + 1e-9)
    mse_direct, _ = mse_of_ffe(r.rx_ffe_taps, H, I0, 1, 1, bmin, bmax, sx2, ACF)
    assert mse_direct == pytest.approx(r.mse, rel=1e-9)


def test_mmse_components_and_crosstalk_tx_noise_add_up():
    sx2 = symbol_variance(4)
    xt = np.array([0.0, 0.004, -0.01, 0.006, 0.002])
    r = mmse(H, I0, 2, 4, 1, noise_acf=ACF, xt_cursors=[xt], snr_tx_db=30, b_max=10.0)
    direct, _ = mse_of_ffe(r.rx_ffe_taps, H, I0, 2, 1, [-10.0], [10.0], sx2, ACF, xts=[xt],
                           tx_rel=10 ** -3)
    assert r.mse == pytest.approx(direct, rel=1e-9)
    assert r.mse_parts["crosstalk"] > 0 and r.mse_parts["tx_noise"] > 0
    quiet = mmse(H, I0, 2, 4, 1, noise_acf=ACF, b_max=10.0)
    assert quiet.mse < r.mse


def test_mmse_tx_ffe_search_picks_best_setting():
    grid = np.array([[0.0, 1.0, 0.0], [-0.1, 0.8, -0.1], [-0.05, 0.75, -0.2]])
    r = mmse(H, I0, 1, 2, 1, noise_acf=ACF, tx_ffe_grid=grid, tx_ffe_n_pre=1, b_max=0.5)
    foms = [mmse(np.convolve(g, H), I0 + 1, 1, 2, 1, noise_acf=ACF, b_max=0.5).fom_db
            for g in grid]
    assert r.fom_db == pytest.approx(max(foms), abs=1e-12)
    np.testing.assert_array_equal(r.tx_ffe_taps, grid[int(np.argmax(foms))])


def test_mmse_more_taps_never_worse():
    prev = np.inf
    for n_post in range(0, 6):
        r = mmse(H, I0, 1, n_post, 1, noise_acf=ACF, b_max=0.85)
        assert r.mse <= prev * (1 + 1e-12)
        prev = r.mse


def test_mmse_real_channel_pulse():
    from sikernel.channel.touchstone import read_touchstone
    from sikernel.response import pulse_response

    ch = read_touchstone(channel_path("DPO_12in_Meg7_THRU.s4p"))
    pr = pulse_response(ch, 53.125e9, 32, tx_rise_time_s=8e-12, rx_f_r=0.75)
    c, i0 = pr.all_cursors("mm")
    r0 = mmse(c, i0, 0, 0, 0, noise_acf=[1e-5], rlm=0.95)
    r = mmse(c, i0, 5, 10, 1, noise_acf=[1e-5], rlm=0.95, b_max=0.85, snr_tx_db=33)
    assert r.fom_db > r0.fom_db + 5
    assert abs(r.dfe_taps[0]) <= 0.85


def test_noise_acf_of_white_noise_through_ideal_lowpass():
    fb = 50e9
    f = np.linspace(0, fb / 2, 20001)
    acf = noise_acf_from_psd(f, 1e-18, fb, 4)
    # brick-wall at fb/2: R(0) = eta fb/2, R(k) = eta fb/2 sinc(k) = 0 for k >= 1
    assert acf[0] == pytest.approx(1e-18 * fb / 2, rel=1e-9)
    np.testing.assert_allclose(acf[1:], 0.0, atol=1e-6 * acf[0])


def test_mmse_bad_input():
    with pytest.raises(SIKernelError, match="non-empty"):
        mmse([], 0)
    with pytest.raises(SIKernelError, match="modulation"):
        mmse(H, I0, modulation="pam5")
    with pytest.raises(SIKernelError, match="noise_acf"):
        mmse(H, I0, noise_acf=[-1.0])
    with pytest.raises(SIKernelError, match="tx_ffe_grid"):
        mmse(H, I0, tx_ffe_grid=np.zeros((0, 3)))
    with pytest.raises(SIKernelError, match="xt_cursors"):
        mmse(H, I0, xt_cursors=[[]])
    with pytest.raises(SIKernelError, match="n_post"):
        mmse(H, I0, n_post=-2)


def test_mmse_batch_equals_single_solves(rng):
    hs = H[None, :] * (1 + 0.3 * rng.standard_normal((40, H.size)))
    hs[:, I0] = H[I0]
    xt = np.array([[0.0, 0.004, -0.01, 0.006, 0.002]])
    kw = {"noise_acf": ACF, "snr_tx_db": 30, "b_max": [0.3, 0.1]}
    rb = mmse_batch(hs, I0, 2, 4, 2, xt_cursors=xt, **kw)
    assert rb.rx_ffe_taps.shape == (40, 7) and rb.dfe_taps.shape == (40, 2)
    for i in range(40):
        r = mmse(hs[i], I0, 2, 4, 2, xt_cursors=list(xt), **kw)
        assert rb.mse[i] == pytest.approx(r.mse, rel=RTOL_SAME_OPTIMUM)
        np.testing.assert_allclose(rb.rx_ffe_taps[i], r.rx_ffe_taps, rtol=0,
                                   atol=RTOL_SAME_OPTIMUM * np.abs(r.rx_ffe_taps).max())
        np.testing.assert_array_equal(rb.dfe_saturated[i], r.dfe_saturated)
    assert rb.dfe_saturated.any()
    assert rb.best == int(np.argmax(rb.fom_db))


def test_mmse_batch_bad_input():
    with pytest.raises(SIKernelError, match="n_set"):
        mmse_batch(H, I0)
    with pytest.raises(SIKernelError, match="positive main cursor"):
        mmse_batch(-H[None, :], I0)
    with pytest.raises(SIKernelError, match="noise_acf"):
        mmse_batch(H[None, :], I0, noise_acf=np.ones((3, 2)))


# -- zero forcing -------------------------------------------------------------------

@pytest.mark.parametrize(("n_pre", "n_post", "n_dfe"), [(1, 3, 0), (2, 4, 2), (0, 2, 1)])
def test_zero_forcing_zeroes_isi_on_its_span(n_pre, n_post, n_dfe):
    z = zero_forcing(H, I0, n_pre, n_post, n_dfe)
    m0 = z.main_index
    assert z.h_eq[m0] == pytest.approx(1.0, abs=1e-12)
    forced = [*range(-n_pre, 0), *range(n_dfe + 1, n_dfe + 1 + n_post)]
    np.testing.assert_allclose(z.h_eq[[m0 + k for k in forced]], 0.0, atol=1e-12)
    np.testing.assert_allclose(z.dfe_taps, z.h_eq[m0 + 1: m0 + 1 + n_dfe], atol=0)
    np.testing.assert_allclose(z.h_eq, np.convolve(z.taps, H), atol=1e-14)
    assert z.eye_opening == pytest.approx(1 - 3 * z.peak_distortion)


def test_zero_forcing_bad_input():
    with pytest.raises(SIKernelError, match="beyond"):
        zero_forcing(H, I0, 0, 2, n_dfe=20)
    with pytest.raises(SIKernelError, match="n_pre"):
        zero_forcing(H, I0, -1, 2)
    with pytest.raises(SIKernelError, match="singular"):
        zero_forcing(np.array([0.5, 0.5, 0.5]), 1, 1, 0)   # det [[h0, h-1], [h1, h0]] = 0


@given(arrays(np.float64, 4, elements=st.floats(-1, 1)),
       st.floats(0.05, 0.6))
def test_mmse_is_no_worse_than_any_other_ffe(w, bmax):
    # optimality: any other 4-tap FFE (scaled to a unit main cursor) has MSE >= the MMSE
    sx2 = symbol_variance(4)
    r = mmse(H, I0, 1, 2, 2, noise_acf=ACF, b_max=bmax)
    w = w.copy()
    w[1] = 1.0 + abs(w[1])
    other, _ = mse_of_ffe(w, H, I0, 1, 2, [-bmax] * 2, [bmax] * 2, sx2, ACF)
    assert other >= r.mse * (1 - 1e-9)
    own, _ = mse_of_ffe(r.rx_ffe_taps, H, I0, 1, 2, [-bmax] * 2, [bmax] * 2, sx2, ACF)
    assert own == pytest.approx(r.mse, rel=1e-9)
