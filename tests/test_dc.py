"""DC extrapolation (sikernel.channel.dc) against synthetic lines with a known DC point."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sikernel.channel.core import Channel
from sikernel.channel.dc import extrapolate_dc
from sikernel.errors import SIKernelError, SIKernelWarning

from . import naive_metrics as nm

# |S(0) extrapolated - S(0) true| for a smooth lossy line + fixture on a 50 MHz grid
ATOL_DC = 2e-3
# the filled points between 0 Hz and the first measured one
ATOL_GAP = 5e-3
# linear (magnitude, phase) interpolation across up to a few missing 50 MHz points of a
# line with ~0.1 dB of mismatch ripple
ATOL_RESAMPLE_DB = 0.15
# our DC point against scikit-rf's two-point linear extrapolation (different fits)
ATOL_PEER_DC = 5e-3

DF = 50e6
F = np.arange(0, 401) * DF  # 0..20 GHz


def _synthetic(f: np.ndarray, length_m: float = 0.1, invert: bool = False) -> Channel:
    lser, csh = nm.series_l_abcd(f, 0.2e-9), nm.shunt_c_abcd(f, 0.15e-12)
    t = nm.chain(lser, csh, nm.rlgc_line_abcd(f, length_m), csh, lser)
    s = nm.abcd_to_s(t, 50.0)
    if invert:
        s[:, 1, 0] *= -1
        s[:, 0, 1] *= -1
    return Channel(f, s, 50.0, "synthetic")


@pytest.fixture(scope="module")
def truth() -> Channel:
    return _synthetic(F)


def test_dc_point_recovered(truth):
    cut = Channel(truth.f[1:], truth.sdd[1:], 50.0)
    out = extrapolate_dc(cut)
    assert out.f[0] == 0.0 and out.n_freq == truth.n_freq
    np.testing.assert_allclose(out.f, truth.f, rtol=0, atol=1e-6)
    assert np.all(out.sdd[0].imag == 0.0)
    np.testing.assert_allclose(out.sdd[0], truth.sdd[0], atol=ATOL_DC)
    # measured points are kept bit-exactly
    np.testing.assert_array_equal(out.sdd[1:], truth.sdd[1:])
    assert out.meta["dc"]["first_measured_hz"] == pytest.approx(DF)


def test_gap_below_first_point_filled(truth):
    cut = Channel(truth.f[5:], truth.sdd[5:], 50.0)
    out = extrapolate_dc(cut)
    np.testing.assert_allclose(out.f, truth.f, atol=1e-6)
    np.testing.assert_allclose(out.sdd[:5], truth.sdd[:5], atol=ATOL_GAP)
    np.testing.assert_array_equal(out.sdd[5:], truth.sdd[5:])


def test_inverting_channel_has_negative_dc():
    ch = _synthetic(F, invert=True)
    cut = Channel(ch.f[1:], ch.sdd[1:], 50.0)
    out = extrapolate_dc(cut)
    assert out.s21[0].real < 0
    np.testing.assert_allclose(out.sdd[0], ch.sdd[0], atol=ATOL_DC)


def test_grid_from_dc_returned_unchanged(truth):
    assert extrapolate_dc(truth) is truth


def test_resample_nonuniform_grid(truth, rng):
    keep = np.sort(rng.choice(np.arange(2, truth.n_freq), size=300, replace=False))
    keep = np.concatenate([[1], keep])
    ch = Channel(truth.f[keep], truth.sdd[keep], 50.0)
    out = extrapolate_dc(ch, df_hz=DF)
    assert out.f[0] == 0.0
    np.testing.assert_allclose(np.diff(out.f), DF, rtol=1e-12)
    assert out.f[-1] <= ch.f[-1]
    # interpolation on a sparse grid of a smooth line: close to the truth in dB
    n = out.n_freq
    np.testing.assert_allclose(out.il_db(), truth.il_db()[:n], atol=ATOL_RESAMPLE_DB)


def test_coarser_step(truth):
    out = extrapolate_dc(truth, df_hz=2 * DF)
    np.testing.assert_array_equal(out.sdd, truth.sdd[::2])


def test_real_c2c_channel():
    from sikernel.channel.touchstone import read_touchstone

    from .conftest import channel_path

    ch = read_touchstone(channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p"))
    assert ch.f[0] == pytest.approx(1e7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        out = extrapolate_dc(ch)
    assert out.f[0] == 0.0 and out.n_freq == ch.n_freq + 1
    np.testing.assert_array_equal(out.sdd[1:], ch.sdd)
    s21dc = out.s21[0]
    assert s21dc.imag == 0.0 and 0.9 < s21dc.real <= 1.0
    # the loss at DC is below the loss at the first measured point (10 MHz)
    assert s21dc.real >= abs(ch.s21[0]) - 1e-4
    assert abs(s21dc - abs(ch.s21[0])) < 0.01


# -- bad input ---------------------------------------------------------------
def test_bad_df(truth):
    with pytest.raises(SIKernelError, match="df_hz"):
        extrapolate_dc(truth, df_hz=-1.0)


def test_df_beyond_grid(truth):
    with pytest.raises(SIKernelError, match="df_hz"):
        extrapolate_dc(truth, df_hz=1e12)


def test_df_in_ghz_refused_before_allocating(truth):
    """Fuzz 31 H5: df_hz=0.01 (10 MHz typed in GHz) reached numpy as a 43.7 TiB MemoryError."""
    with pytest.raises(SIKernelError, match=r"df_hz=0.01 Hz would put .* points.*looks like GHz: use 1e\+07"):
        extrapolate_dc(truth, df_hz=0.01)


def test_single_point_above_dc():
    ch = Channel([1e9], np.eye(2)[None][:, ::-1].astype(complex), 100.0)
    with pytest.raises(SIKernelError, match="single point"):
        extrapolate_dc(ch)


def test_bad_n_fit(truth):
    cut = Channel(truth.f[1:], truth.sdd[1:], 50.0)
    with pytest.raises(SIKernelError, match="n_fit"):
        extrapolate_dc(cut, n_fit=1)


def test_not_a_channel():
    with pytest.raises(SIKernelError, match="expected a sikernel Channel"):
        extrapolate_dc(np.zeros((3, 2, 2)))


def test_derivative_coupling_no_warning():
    """Crosstalk-like S21 = j w k: phase pi/2 at low frequency, but S(0) = 0 and no warning."""
    f = np.arange(1, 50) * 1e7
    s = np.zeros((f.size, 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = 1j * 2 * np.pi * f * 1e-13
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        out = extrapolate_dc(Channel(f, s, 100.0))
    assert abs(out.s21[0]) < 1e-6


def test_phase_intercept_warning():
    # a resonance-like phase: S21 = 0.5 j (90 degrees at every frequency) is not a delay
    f = np.arange(1, 50) * 1e8
    s = np.zeros((f.size, 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = 0.5j
    with pytest.warns(SIKernelWarning, match="multiple of pi"):
        extrapolate_dc(Channel(f, s, 100.0))


def test_c2c_dc_point_close_to_scikit_rf():
    """Peer check: scikit-rf's Network.extrapolate_to_dc (linear, 2 points) on the C2C file."""
    from sikernel.channel.touchstone import read_touchstone

    from .conftest import channel_path

    ch = read_touchstone(channel_path("C2C_PCB_SYSVIA_12dB_thru.s4p"))
    ours = extrapolate_dc(ch).sdd[0]
    peer = ch.to_network().extrapolate_to_dc().s[0]
    np.testing.assert_allclose(ours, peer, atol=ATOL_PEER_DC)
