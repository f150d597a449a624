"""Two-port algebra against textbook references (tests/naive.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel import Channel, SIKernelError
from sikernel.channel import twoport

from . import naive
from .tolerances import ATOL_SAME_FORMULA, RTOL_SAME_FORMULA


def _random_reciprocal_s(rng, n):
    s = (rng.normal(size=(n, 2, 2)) + 1j * rng.normal(size=(n, 2, 2))) * 0.3
    s[:, 0, 1] = s[:, 1, 0]
    return s


def test_s_abcd_matches_textbook_and_roundtrips(rng):
    s = _random_reciprocal_s(rng, 64)
    t = twoport.s_to_abcd(s, 50.0)
    np.testing.assert_allclose(t, naive.s_to_abcd(s, 50.0), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(twoport.abcd_to_s(t, 50.0), s, rtol=RTOL_SAME_FORMULA,
                               atol=ATOL_SAME_FORMULA)


@pytest.mark.filterwarnings("ignore:Channel .*not passive:sikernel.errors.SIKernelWarning")  # random S
def test_channel_abcd_is_the_textbook_conversion(rng):
    """Channel.abcd (which calls the kernel, not twoport: twoport imports core) is the textbook S->ABCD."""
    s = _random_reciprocal_s(rng, 16)
    ch = Channel(np.linspace(1e9, 16e9, 16), s, 85.0, "r")
    np.testing.assert_allclose(ch.abcd(), naive.s_to_abcd(s, 85.0), rtol=1e-9, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Channel .*not passive:sikernel.errors.SIKernelWarning")  # random S
def test_cascade_equals_star_product(rng):
    a = _random_reciprocal_s(rng, 32)
    b = _random_reciprocal_s(rng, 32)
    f = np.linspace(1e6, 1e9, 32)
    got = twoport.cascade(Channel(f, a), Channel(f, b)).sdd
    np.testing.assert_allclose(got, naive.cascade_s(a, b), rtol=1e-9, atol=1e-12)


def test_star_cascade_equals_abcd_chain(rng):
    a = _random_reciprocal_s(rng, 32)
    b = _random_reciprocal_s(rng, 32)
    via_abcd = twoport.abcd_to_s(twoport.cascade_abcd(twoport.s_to_abcd(a, 100.0),
                                                      twoport.s_to_abcd(b, 100.0)), 100.0)
    np.testing.assert_allclose(twoport.star(a, b), via_abcd, rtol=1e-9, atol=1e-12)


def test_cascade_through_a_blocking_section():
    """S21 = 0 (a DC block at 0 Hz) has no ABCD matrix; the S-domain cascade still works."""
    f = np.array([0.0, 1e9])
    block = np.array([[[1, 0], [0, 1]], [[0.1, 0.9], [0.9, 0.1]]], dtype=complex)
    thru = np.array([[[0, 1], [1, 0]]] * 2, dtype=complex)
    got = twoport.cascade(Channel(f, block), Channel(f, thru)).sdd
    assert got[0, 1, 0] == 0 and np.isfinite(got).all()
    np.testing.assert_allclose(got[1], block[1])


def test_renormalize_matches_abcd_route(rng):
    s = _random_reciprocal_s(rng, 16)
    via_abcd = twoport.abcd_to_s(twoport.s_to_abcd(s, 100.0), 85.0)
    np.testing.assert_allclose(twoport.renormalize(s, 100.0, 85.0), via_abcd, rtol=1e-9, atol=1e-12)
    with pytest.raises(SIKernelError, match="must both be > 0"):
        twoport.renormalize(s, 100.0, -5.0)


def test_renormalize_roundtrip(rng):
    s = _random_reciprocal_s(rng, 16)
    back = twoport.renormalize(twoport.renormalize(s, 100.0, 85.0), 85.0, 100.0)
    np.testing.assert_allclose(back, s, rtol=1e-9, atol=1e-12)


def test_h21_matched_terminations_is_s21(rng):
    s = _random_reciprocal_s(rng, 16)
    np.testing.assert_allclose(twoport.terminated_h21(s, 0.0, 0.0), s[:, 1, 0], rtol=1e-12)


def test_h21_batched_over_channels_matches_equation(rng):
    s = _random_reciprocal_s(rng, 3 * 20).reshape(3, 20, 2, 2)
    got = twoport.terminated_h21(s, 0.1, -0.05)
    assert got.shape == (3, 20)
    for c in range(3):
        np.testing.assert_allclose(got[c], naive.terminated_h21(s[c], 0.1, -0.05), rtol=1e-12)


def test_bad_shapes_raise():
    with pytest.raises(SIKernelError, match="expected"):
        twoport.s_to_abcd(np.zeros((4, 3, 3)), 50.0)
    with pytest.raises(SIKernelError, match="strictly increasing"):
        Channel(np.array([1.0, 1.0]), np.zeros((2, 2, 2)))
    with pytest.raises(SIKernelError, match="shape"):
        Channel(np.array([1.0, 2.0]), np.zeros((3, 2, 2)))
