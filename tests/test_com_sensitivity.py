"""The FOM's jitter term (93A-28, 93A-32) against a closed form, and its weight in real-channel COM.

``tests/test_com.py`` checks COM's ordering and crosstalk; those checks still pass when the
jitter term is dropped from the FOM.  These tests do not:

* on an analytic pulse (a Gaussian, sampled), sigma_J^2 = sigma_X^2 (A_DD^2 + sigma_RJ^2)
  sum_n h_J(n)^2 with h_J(n) = (h(t_s + nT + T/M) - h(t_s + nT - T/M)) M/2 (93A-28) evaluated
  on the analytic function, sigma_X^2 = (L^2 - 1)/(3 (L - 1)^2) (93A-29); and h_J close to
  T h'(t) (the analytic derivative, the quantity 93A-28 approximates);
* on a real channel at a fixed equalisation, the FOM denominator with jitter minus without
  is sigma_J^2 (the FOM is 93A-36 with all five terms), and scales as A_DD^2 + sigma_RJ^2.

Settings are explicit (``tests/com_explicit.py``), not a named preset.
"""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.channel.package import PACKAGES
from sikernel.eye.com import com
from sikernel.eye.fom import fom

from .com_explicit import PACKAGE_KEY, fixed_eq, kr_93a_preset, kr_package
from .conftest import channel_path
from .validation_rows import max_rel

#: same formula evaluated in a different order: floating-point rounding only
REL_ROUNDING = 1e-10
#: central difference over +-T/M vs the analytic derivative for a Gaussian of width w = 0.6 UI
#: at M = 32: relative error ~ (1/M)^2 / (6 w^2) ~ 5e-4 per sample; 3e-3 on the sum of squares
REL_CENTRAL_DIFF = 3e-3
M = 32
L = 4
VAR_X = (L**2 - 1) / (3 * (L - 1) ** 2)  # 93A-29: 5/9 for PAM4


def _gauss(t_ui, amp=0.3, t0=6.0, w=0.6):
    return amp * np.exp(-(((t_ui - t0) / w) ** 2))


def _gauss_dt(t_ui, amp=0.3, t0=6.0, w=0.6):
    """d/dt of _gauss, t in UI: T h'(t)."""
    return -2.0 * (t_ui - t0) / w**2 * _gauss(t_ui, amp, t0, w)


def _closed_form_var_j(ix: int, n_samp: int, a_dd: float, s_rj: float) -> tuple[float, float]:
    """(93A-28/32 on the analytic pulse, the same with the analytic derivative)."""
    n = np.arange(-(ix // M) - 2, (n_samp - ix) // M + 3)
    t = (ix + n * M) / M  # sampling instants t_s + nT in UI
    hj = (_gauss(t + 1.0 / M) - _gauss(t - 1.0 / M)) * M / 2
    hj_deriv = _gauss_dt(t)
    k = VAR_X * (a_dd**2 + s_rj**2)
    return k * float(np.sum(hj**2)), k * float(np.sum(hj_deriv**2))


@pytest.mark.parametrize(("a_dd", "s_rj"), [(0.02, 0.01), (0.05, 0.0), (0.0, 0.03)])
def test_fom_jitter_term_is_the_closed_form(a_dd, s_rj, record_property):
    n_samp = 16 * M
    q = _gauss(np.arange(n_samp) / M)
    p = kr_93a_preset(a_dd_ui=a_dd, sigma_rj_ui=s_rj)
    r = fom(q, np.array([1.0]), np.array([0]), preset=p, var_n=1e-7)
    assert r.cursor_index > 0
    exact, deriv = _closed_form_var_j(r.cursor_index, n_samp, a_dd, s_rj)
    assert exact > 1e-6  # the term is not negligible here
    record_property("validation:fom-jitter-closed-form", max_rel(r.var_j, exact))
    np.testing.assert_allclose(r.var_j, exact, rtol=REL_ROUNDING)
    np.testing.assert_allclose(r.var_j, deriv, rtol=REL_CENTRAL_DIFF)
    # the FOM (93A-36) uses it
    total = r.var_tx + r.var_isi + r.var_j + r.var_xt + r.var_n
    np.testing.assert_allclose(r.fom_db, 10 * np.log10(r.a_s**2 / total), rtol=REL_ROUNDING)


def test_fom_falls_by_the_jitter_term():
    """Without jitter the FOM is higher by exactly 10 log10(D / (D - sigma_J^2))."""
    q = _gauss(np.arange(16 * M) / M)
    with_j = fom(q, np.array([1.0]), np.array([0]), preset=kr_93a_preset(), var_n=1e-7)
    no_j = fom(q, np.array([1.0]), np.array([0]), preset=kr_93a_preset(a_dd_ui=0.0, sigma_rj_ui=0.0),
               var_n=1e-7)
    exact, _ = _closed_form_var_j(with_j.cursor_index, q.size, 0.02, 0.01)
    d_no = with_j.a_s**2 / 10 ** (no_j.fom_db / 10)
    d_with = with_j.a_s**2 / 10 ** (with_j.fom_db / 10)
    np.testing.assert_allclose(d_with - d_no, exact, rtol=1e-7)


@pytest.fixture
def explicit_package(monkeypatch):
    monkeypatch.setitem(PACKAGES, PACKAGE_KEY, kr_package())


@pytest.mark.channels
def test_real_channel_fom_carries_the_jitter_term(explicit_package):
    """DPO_4in at one fixed EQ: the FOM denominator grows by sigma_J^2, which scales as
    A_DD^2 + sigma_RJ^2 (x4 when both double) and is a visible part of it; COM falls."""
    path = channel_path("DPO_4in_Meg7_THRU.s4p")
    eq = fixed_eq((-0.02, 0.08, -0.26, 0.0), -3.0, -2.0)
    runs = {k: com(path, preset=kr_93a_preset(a_dd_ui=0.02 * k, sigma_rj_ui=0.01 * k, **eq))
            for k in (0, 1, 2)}
    for c0, c1, c2 in zip(runs[0].cases, runs[1].cases, runs[2].cases, strict=True):
        d = [c.a_s**2 / 10 ** (c.fom_db / 10) for c in (c0, c1, c2)]
        np.testing.assert_allclose([c.a_s for c in (c1, c2)], c0.a_s, rtol=REL_ROUNDING)
        assert c0.sigma["sigma_j"] == 0.0
        np.testing.assert_allclose(d[1] - d[0], c1.sigma["sigma_j"] ** 2, rtol=1e-7)
        np.testing.assert_allclose(d[2] - d[0], 4 * (d[1] - d[0]), rtol=1e-7)
        assert (d[1] - d[0]) / d[1] > 0.02, "jitter is a visible part of the FOM noise on DPO_4in"
        assert c0.com_db > c1.com_db > c2.com_db
