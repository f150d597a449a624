"""Batched line(+package) construction equals the per-channel build; kernel maths; bad input."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel._kernels import batch_build as k
from sikernel.channel import twoport
from sikernel.channel.batch import stripline_channels
from sikernel.channel.lines import Microstrip, Stripline
from sikernel.channel.package import package_channel

from .validation_rows import max_rel

MIL = 25.4e-6
F = np.linspace(0.0, 60e9, 257)
LENGTHS = np.array([0.0, 1e-9, 0.012, 0.1, 0.35, 1.5])
RTOL_BATCH = 1e-10  # same maths, different operation order (round-off only)
LINE = Stripline("megtron7", 5 * MIL, 0.6 * MIL, 6 * MIL, spacing=7 * MIL, roughness="hvlp")


@numba.njit(cache=False)
def _vexp_many(x, out):
    for i in range(x.size):
        out[i] = k.vexp(x[i])


@numba.njit(cache=False)
def _vsincos_many(x, s, c):
    for i in range(x.size):
        s[i], c[i] = k.vsincos(x[i])


def test_vector_exp_sincos_accuracy():
    x = np.concatenate([np.linspace(-740.0, 0.0, 20001), np.linspace(-3.0, 3.0, 1001)])
    got = np.empty_like(x)
    _vexp_many(x, got)
    ref = np.exp(x)
    keep = ref > 1e-300
    np.testing.assert_allclose(got[keep], ref[keep], rtol=1e-15)
    th = np.concatenate([np.linspace(-20.0, 20.0, 20001), np.linspace(0.0, 5e4, 20001)])
    s, c = np.empty_like(th), np.empty_like(th)
    _vsincos_many(th, s, c)
    np.testing.assert_allclose(s, np.sin(th), atol=5e-16)
    np.testing.assert_allclose(c, np.cos(th), atol=5e-16)


def _reference(line, f, tx, rx, lengths, z0=100.0):
    out = []
    for ln in lengths:
        parts = [p for p in (tx, line.section(ln, f, z0_ohm=z0), rx) if p is not None]
        out.append(twoport.cascade(*parts).sdd if len(parts) > 1 else parts[0].sdd)
    return np.array(out)


@pytest.mark.parametrize("pkg", ["802.3ck", "802.3dj", None])
def test_batch_equals_per_channel_build(pkg, record_property):
    tx = None if pkg is None else package_channel(pkg, 12e-3, F)
    rx = None if pkg is None else package_channel(pkg, 12e-3, F, "rx")
    ref = _reference(LINE, F, tx, rx, LENGTHS)
    s21 = stripline_channels(LINE, LENGTHS, F, pkg, pkg, z_p_tx_m=12e-3, z_p_rx_m=12e-3)
    record_property("validation:batch-builder", max_rel(s21, ref[:, :, 1, 0]))
    np.testing.assert_allclose(s21, ref[:, :, 1, 0], rtol=RTOL_BATCH, atol=1e-300)
    sdd = stripline_channels(LINE, LENGTHS, F, pkg, pkg, out="sdd", z_p_tx_m=12e-3, z_p_rx_m=12e-3)
    for i, j in ((0, 0), (1, 0), (1, 1)):
        np.testing.assert_allclose(sdd[..., i, j], ref[..., i, j], rtol=RTOL_BATCH, atol=1e-12)
    # S12: the reference's generic ABCD->S forms AD - BC, which cancels for long lossy cascades;
    # the kernel uses det = 1 of the line, so S12 = S21 (reciprocal packages) to round-off
    np.testing.assert_allclose(sdd[..., 0, 1], sdd[..., 1, 0], rtol=1e-12)


def test_batch_with_channel_packages_and_microstrip():
    line = Microstrip("abf", 25e-6, 12e-6, 30e-6, spacing=25e-6)
    tx = package_channel("802.3ck-c2c", 13e-3, F)
    rx = package_channel("802.3ck-c2c", 11e-3, F, "rx")
    ref = _reference(line, F, tx, rx, LENGTHS[:4])
    got = stripline_channels(line, LENGTHS[:4], F, tx, rx)
    np.testing.assert_allclose(got, ref[:, :, 1, 0], rtol=RTOL_BATCH)


def test_single_ended_reference():
    se = Stripline("fr4", 150e-6, 18e-6, 150e-6)
    got = stripline_channels(se, [0.1], F)
    np.testing.assert_allclose(got[0], se.section(0.1, F).s21, rtol=RTOL_BATCH)  # both at 50 ohm


def test_bit_identical_any_thread_count():
    lengths = np.linspace(0.0, 0.5, 37)
    prev = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = stripline_channels(LINE, lengths, F, "802.3ck", "802.3ck")
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)  # all available threads
        many = stripline_channels(LINE, lengths, F, "802.3ck", "802.3ck")
    finally:
        numba.set_num_threads(prev)
    assert np.array_equal(one, many)


def test_loss_monotone_in_length_batched():
    lengths = np.linspace(0.01, 1.0, 50)
    il = -20 * np.log10(np.abs(stripline_channels(LINE, lengths, np.array([1e9, 26.56e9]))))
    assert np.all(np.diff(il[:, 1]) > 0)
    assert math.isfinite(il.max())


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("lengths", [[-0.1], [float("nan")], [], [100.0, 200.0], "abc", "0.1",
                                     ["0.1", "0.2"], [True, False], None])
def test_bad_lengths(lengths):
    """... [100, 200] is mm typed as m (fuzz 31 H6: accepted, 100 m lines built)."""
    with pytest.raises(SIKernelError, match="lengths_m"):
        stripline_channels(LINE, lengths, F)


def test_huge_result_refused_before_allocating():
    """Fuzz 31 M13: 10**7 lengths on 6001 points was a 894 GiB MemoryError."""
    with pytest.raises(SIKernelError, match=r"10000000 lengths x 6001 frequencies needs 894\.2 GiB"):
        stripline_channels(LINE, np.linspace(0.0, 0.1, 10**7), np.linspace(0.0, 60e9, 6001))


@pytest.mark.parametrize("f", ["abc", None, ["1e9", "2e9"], [None, 1e9]])
def test_text_frequencies_named_not_numpy(f):
    """Fuzz 31 M13: text frequencies reached the user as numpy's 'could not convert string to float'
    from every entry point that takes a grid (the shared grid check names them now)."""
    with pytest.raises(SIKernelError, match=r"is not a frequency grid in Hz \(numbers\)"):
        stripline_channels(LINE, [0.1], f)


def test_bad_out():
    with pytest.raises(SIKernelError, match="out"):
        stripline_channels(LINE, [0.1], F, out="abcd")


def test_bad_line():
    with pytest.raises(SIKernelError, match="series_shunt"):
        stripline_channels("stripline", [0.1], F)


def test_bad_package():
    with pytest.raises(SIKernelError, match="package"):
        stripline_channels(LINE, [0.1], F, tx_package=3.5)


def test_bad_grid():
    with pytest.raises(SIKernelError):
        stripline_channels(LINE, [0.1], np.array([1e9, 0.5e9]))


def test_buffer_reuse_and_bad_buffer():
    buf = np.empty((2, F.size), dtype=np.complex128)
    got = stripline_channels(LINE, [0.1, 0.2], F, buffer=buf)
    assert got is buf
    np.testing.assert_allclose(buf[1], LINE.section(0.2, F).s21, rtol=RTOL_BATCH)
    with pytest.raises(SIKernelError, match="buffer"):
        stripline_channels(LINE, [0.1], F, buffer=buf)


def test_batch_parametric_host_board():
    from sikernel.channel.parametric import HOST_BOARD_92_12

    lengths = np.array([0.0, 0.05, 0.3])
    got = stripline_channels(HOST_BOARD_92_12, lengths, F, "802.3ck", "802.3ck")
    tx = package_channel("802.3ck", 12e-3, F)
    rx = package_channel("802.3ck", 12e-3, F, "rx")
    ref = np.array([twoport.cascade(tx, HOST_BOARD_92_12.section(ln, F), rx).s21 for ln in lengths])
    np.testing.assert_allclose(got, ref, rtol=RTOL_BATCH)


def test_serial_and_parallel_drivers_agree():
    lengths = np.linspace(0.0, 0.4, 12)
    big = stripline_channels(LINE, lengths, F, "802.3ck", "802.3ck", out="sdd")
    small = np.array([stripline_channels(LINE, [ln], F, "802.3ck", "802.3ck", out="sdd")[0]
                      for ln in lengths])
    assert np.array_equal(big, small)
    big21 = stripline_channels(LINE, lengths, F, "802.3dj", "802.3dj")
    small21 = np.array([stripline_channels(LINE, [ln], F, "802.3dj", "802.3dj")[0] for ln in lengths])
    assert np.array_equal(big21, small21)
