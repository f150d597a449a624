"""COM settings spelled out field by field, for tests that compare with an outside reference.

The named presets (``sikernel.eye.presets``) may be retuned to follow the IEEE sheets; a
comparison with committed outside values (pychopmarg, closed forms) must not move with
them.  :func:`kr_93a_preset` therefore builds a :class:`~sikernel.eye.presets.ComPreset`
with every field given here, and :func:`kr_package` the 802.3ck package model, both with
the values of the pychopmarg run in ``tests/data/pychopmarg/make_reference.py`` (IEEE Std
802.3ck-2022 Clause 163 / COM 3.70 sheet ``3ck_d3p1_KR`` values, 8 ps TX rise time).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sikernel.channel.package import PackageModel
from sikernel.eye.presets import ComPreset

#: the key under which :func:`kr_package` is registered in ``PACKAGES`` by the tests
PACKAGE_KEY = "test-explicit-802.3ck"


def kr_package(gamma0_per_mm: float = 1e-7) -> PackageModel:
    """802.3ck KR package, every element explicit (pychopmarg run: C_d 1.2e-4 nF, L_s 0.12 nH,
    C_b 3e-5 nF, C_p 8.7e-5 nF, Z_c 87.5 / 92.5 ohm, z_pB 1.8 mm, 93A line a1 9.909e-4,
    a2 2.772e-4, tau 6.141e-3 ns/mm; gamma0 1e-7 /mm because pychopmarg rejects 0)."""
    return PackageModel(
        PACKAGE_KEY, cd_f=(120e-15,), ls_h=(0.12e-9,), cb_f=30e-15, cp_f=87e-15,
        zc_ohm=(87.5, 92.5), section_m=(None, 1.8e-3), a1=9.909e-4, a2=2.772e-4,
        tau_ns_per_mm=6.141e-3, gamma0_per_mm=gamma0_per_mm, r0_ohm=50.0,
        z_p_cases_m=(("tx", (12e-3, 31e-3)), ("rx", (12e-3, 31e-3))),
        source="tests/com_explicit.py (values of the pychopmarg reference run)", confidence="test")


def kr_93a_preset(**changes: Any) -> ComPreset:
    """802.3ck KR 93A COM preset with every field explicit; ``changes`` replace fields."""
    fields: dict[str, Any] = dict(
        name="test-explicit-802.3ck-kr", version="tests/com_explicit.py",
        source="IEEE Std 802.3ck-2022 Cl. 163 values as run in pychopmarg (tests/data/pychopmarg)",
        baud_hz=53.125e9, n_levels=4, samples_per_ui=32, df_hz=10e6,
        a_v_v=0.413, a_fe_v=0.413, a_ne_v=0.608, snr_tx_db=33.0, sigma_rj_ui=0.01, a_dd_ui=0.02,
        r_lm=0.95, eta0_v2_per_hz=8.2e-18, der0=1e-4, t_r_s=8e-12, r0_ohm=50.0, rd_ohm=50.0,
        package=PACKAGE_KEY, z_p_cases_m=((12e-3, 12e-3), (31e-3, 31e-3)),
        tx_taps=((-3, -0.06, 0.0, 0.02), (-2, 0.0, 0.12, 0.02), (-1, -0.34, 0.0, 0.02),
                 (1, -0.2, 0.0, 0.02)),
        c0_min=0.54, ctle_gdc_db=tuple(float(g) for g in range(-20, 1)),
        ctle_gdc2_db=tuple(float(g) for g in range(-6, 1)),
        ctle_fz_hz=21.25e9, ctle_fp1_hz=21.25e9, ctle_fp2_hz=53.125e9, ctle_f_lf_hz=0.664e9,
        f_r_ratio=0.75, dfe_bmax=(0.85, 0.3) + (0.2,) * 5 + (0.1,) * 5, dfe_bmin=None,
        rx_ffe_n_pre=0, rx_ffe_n_post=0, rx_ffe_limit=0.7, mode="grid", mm_rule="ieee",
        mm_exact_tol_v=0.0, mmse_ts_adjust_samples=(0, 0), pass_threshold_db=3.0, extra={},
    )
    # fields added to ComPreset later (IEEE-sheet features), pinned to the plain 93A receiver
    # of the pychopmarg run where this sikernel has them: TX rise-time filter on, no
    # floating DFE taps, full grid, no host boards, no RX window
    later = {"force_tr": True, "f_min_hz": 0.05e9, "dfe_n_bg": 0, "dfe_n_f": 0,
             "dfe_float_rss_max": 0.0, "local_search": 0, "include_pcb": 0,
             "rx_raised_cosine_hz": None, "z_p_next_cases_m": None, "z_p_fext_cases_m": None}
    have = {f.name for f in dataclasses.fields(ComPreset)}
    fields.update({k: v for k, v in later.items() if k in have})
    unknown = set(changes) - set(fields)
    if unknown:
        raise KeyError(f"not ComPreset fields of this helper: {sorted(unknown)}")
    fields.update(changes)
    return ComPreset(**fields)


def fixed_eq(tx_m3_m2_m1_p1, gdc_db: float, gdc2_db: float) -> dict[str, Any]:
    """Preset changes that restrict the TX FFE x CTLE grid to one point."""
    taps = tuple((o, c, c, 0.0) for o, c in zip((-3, -2, -1, 1), tx_m3_m2_m1_p1, strict=True))
    return {"tx_taps": taps, "ctle_gdc_db": (float(gdc_db),), "ctle_gdc2_db": (float(gdc2_db),)}
