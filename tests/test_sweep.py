"""Sweep engine: values against the single-channel API, invariance, bad configs, CLI."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.errors import SIKernelError
from sikernel.sweep import load_config, run_sweep
from sikernel.sweep.stages import chunk_params, evaluate_chunk

from .conftest import repo_text
from .validation_rows import max_rel

# same formula through the batch kernels vs the serial API: only rounding differs
RTOL_IL_DB = 1e-9
ATOL_CURSOR_V = 1e-9     # V/V: batch builder vs line.section (ABCD product rounding)
ATOL_EYE_V = 1e-9
RTOL_PJ = 1e-9
RTOL_FOM = 1e-6          # FOM_ILD: small residuals of a least-squares fit, batch vs serial S21
ATOL_FOM_DB = 1e-9
# statistical eye: the stage reads pulse_response's truncated record (energy < 1e-6 cut,
# tests/test_sweep_stateye.py), here from the batch kernel's transform, whose rounding could
# move a reading across a bin of the voltage grid (1024 bins over about +-1 V): allow two bins
ATOL_STAT_EYE_V = 2 * 2.0 / 1024
ATOL_WIDTH_UI = 1.0 / 64  # one phase step of the default 64-phase scan
N_SAMPLED = 6            # grid points checked point by point

SMALL = {
    "name": "small",
    "outputs": ["il_nyquist_db", "h0_v", "cursors_v", "eye_height_v", "pj_per_bit", "pj_per_bit_blocks"],
    "axes": {"length_m": [0.0, 0.02, 0.15], "material": ["megtron7", "fr4"],
             "baud": [26.5625e9, 53.125e9]},
    "fixed": {"modulation": "pam4", "n_dfe": 1, "roughness": "hvlp"},
    "frequency": {"f_max_hz": 40e9, "df_hz": 100e6},
    "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 6},
}


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def _eval_all(cfg, chunk: int) -> dict:
    parts = [evaluate_chunk(cfg, a, min(a + chunk, cfg.n_points)) for a in range(0, cfg.n_points, chunk)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@pytest.mark.filterwarnings("ignore:.*0 mm.*not causal:sikernel.errors.SIKernelWarning")
def test_values_equal_single_channel_api(rng, record_property):
    from sikernel.channel.lines import Stripline
    from sikernel.eye.peak import peak_distortion_eye
    from sikernel.power import energy_per_bit
    from sikernel.response import pulse_response

    cfg = load_config(SMALL)
    out = _eval_all(cfg, 5)
    p = chunk_params(cfg, 0, cfg.n_points)
    fx = cfg.fixed
    for i in rng.choice(cfg.n_points, N_SAMPLED, replace=False):
        line = Stripline(p["material"][i], fx["width_m"], fx["thickness_m"], fx["height_m"],
                         spacing=fx["spacing_m"], roughness=fx["roughness"])
        ch = line.section(float(p["length_m"][i]), cfg.f_hz)
        fb = float(p["baud"][i])
        il = ch.il_db(0.5 * fb)
        record_property("validation:sweep-vs-single", max_rel(out["il_nyquist_db"][i], il, atol=1e-12))
        np.testing.assert_allclose(out["il_nyquist_db"][i], il, rtol=RTOL_IL_DB, atol=1e-12)
        pr = pulse_response(ch, fb, cfg.samples_per_ui, modulation="pam4")
        cur = pr.cursors(cfg.n_pre, cfg.n_post)
        np.testing.assert_allclose(out["cursors_v"][i], cur, rtol=0, atol=ATOL_CURSOR_V)
        np.testing.assert_allclose(out["h0_v"][i], cur[cfg.n_pre], rtol=0, atol=ATOL_CURSOR_V)
        eye = peak_distortion_eye(pr, modulation="pam4", n_pre=cfg.n_pre, n_post=cfg.n_post, n_dfe=1)
        np.testing.assert_allclose(out["eye_height_v"][i], eye.eye_height_min_v, rtol=0, atol=ATOL_EYE_V)
        e = energy_per_bit(loss_db=float(out["il_nyquist_db"][i]), baud=fb, modulation="pam4",
                           node_nm=fx["node_nm"], target_ber=fx["target_ber"])
        np.testing.assert_allclose(out["pj_per_bit"][i], e.total_pj_per_bit, rtol=RTOL_PJ)


def test_grid_order_is_c_order_over_axes():
    cfg = load_config(SMALL)
    p = chunk_params(cfg, 0, cfg.n_points)
    assert list(p["length_m"][:4]) == [0.0] * 4
    assert list(p["material"][:4]) == ["megtron7", "megtron7", "fr4", "fr4"]
    assert list(p["baud"][:2]) == [26.5625e9, 53.125e9]


@pytest.mark.parametrize("extra", [[], ["fit_il_nyquist_db", "fom_ild_db", "eq_settings"]])
def test_chunk_size_and_thread_invariance(extra):
    from sikernel._jit import set_threads

    cfg = load_config({**SMALL, "outputs": SMALL["outputs"] + extra})
    before = set_threads(None)
    try:
        ref = _eval_all(cfg, cfg.n_points)
        for chunk, threads in ((1, 1), (5, 2), (7, 1), (cfg.n_points, 1)):
            set_threads(threads)
            _assert_same(_eval_all(cfg, chunk), ref)
    finally:
        set_threads(before)


def test_run_sweep_chunks_and_dask_backend_bit_identical(tmp_path):
    local = run_sweep(SMALL, tmp_path / "local.h5", chunk=4, quiet=True)
    local2 = run_sweep(SMALL, tmp_path / "local2.h5", chunk=9, threads=1, quiet=True)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        dsk = run_sweep(SMALL, tmp_path / "dask.h5", chunk=3, backend="dask",
                        scheduler=cluster.scheduler_address, quiet=True)
    assert local.complete and dsk.complete
    _assert_same(local.outputs, local2.outputs)
    _assert_same(local.outputs, dsk.outputs)
    assert local["cursors_v"].shape == (3, 2, 2, 8)
    assert not np.isnan(local["il_nyquist_db"]).any()
    # each float output counts its NaNs when the sweep completes (trial 100 L6: a sweep's
    # non-closing points were NaN with no count in the file)
    import h5py

    for res, name in ((local, "local.h5"), (dsk, "dask.h5")):
        with h5py.File(tmp_path / name, "r") as f:
            out = f["sweeps/small/outputs"]
            for k in SMALL["outputs"]:
                assert out[k].attrs["n_nan"] == int(np.isnan(res[k]).sum()), k


def test_example_config_is_valid():
    from pathlib import Path

    cfg = load_config(Path(__file__).resolve().parents[1] / "examples" / "sweep_example.toml")
    assert cfg.n_points == 8 * 3 * 3
    assert cfg.fixed["node_nm"] == 5


BAD = {
    "unknown axis": ({"axes": {"lenght_m": [0.1]}}, "unknown axis 'lenght_m'"),
    "empty axis": ({"axes": {"length_m": []}}, "axes.length_m is empty"),
    "string in numeric axis": ({"axes": {"length_m": ["10 mm"]}}, "must be a number in m"),
    "length in mm": ({"axes": {"length_m": [100.0]}}, "check the units"),
    "baud in GBd": ({"axes": {"baud": [53.125]}}, "check the units"),
    "bool value": ({"axes": {"length_m": [0.1]}, "fixed": {"n_dfe": True}}, "must be a number"),
    "non-integer taps": ({"axes": {"length_m": [0.1]}, "fixed": {"n_dfe": 1.5}}, "must be an integer"),
    "no axes": ({"fixed": {"length_m": 0.1}}, "at least one axis"),
    "unknown node": ({"axes": {"node_nm": [5, 6]}}, "node_nm"),
    "unknown material": ({"axes": {"material": ["unobtainium"]}}, "known:"),
    "axis not a list": ({"axes": {"length_m": 0.1}}, "must be a list"),
    "repeated value": ({"axes": {"length_m": [0.1, 0.1]}}, "repeated"),
    "axis and fixed": ({"axes": {"length_m": [0.1]}, "fixed": {"length_m": 0.1}}, "both"),
    "unknown output": ({"axes": {"length_m": [0.1]}, "outputs": ["snr"]}, "unknown output 'snr'"),
    "unknown table": ({"axis": {"length_m": [0.1]}}, "unknown key"),
    "unknown pulse key": ({"axes": {"length_m": [0.1]}, "pulse": {"spu": 4}}, "unknown key"),
    "grid below Nyquist": ({"axes": {"baud": [100e9]}, "frequency": {"f_max_hz": 40e9}},
                           "below the Nyquist"),
    "too many points": ({"axes": {"length_m": list(np.linspace(0, 1, 50)),
                                  "baud": [25e9, 26e9, 27e9]}, "limits": {"max_points": 100}},
                        "more than limits.max_points=100"),
    "memory limit": ({"axes": {"length_m": [0.1]}, "outputs": ["cursors_v"],
                      "frequency": {"f_max_hz": 60e9, "df_hz": 1e6},
                      "limits": {"max_memory_bytes": 1e6}}, "max_memory_bytes"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_config_raises_before_any_work(case, tmp_path):
    cfg, msg = BAD[case]
    out = tmp_path / "x.h5"
    with pytest.raises(SIKernelError, match=msg.replace("(", r"\(").replace("[", r"\[")):
        run_sweep(cfg, out, quiet=True)
    assert not out.exists()
    assert not (tmp_path / "x.h5.journal").exists()


@pytest.mark.parametrize(("kw", "msg"), [({"chunk": 0}, "chunk=0"), ({"backend": "spark"}, "unknown backend"),
                                         ({"threads": 0}, "threads=0"),
                                         ({"scheduler": "tcp://127.0.0.1:1"}, "needs backend='dask'"),
                                         ({"resume": True, "overwrite": True}, "not both"),
                                         ({"chunk": 10**9}, "max_memory_bytes")])
def test_bad_run_arguments(kw, msg, tmp_path):
    with pytest.raises(SIKernelError, match=msg):
        run_sweep({"axes": {"length_m": [0.1]}}, tmp_path / "x.h5", quiet=True, **kw)
    assert not (tmp_path / "x.h5").exists()


def test_bad_toml_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[axes\nlength_m = [0.1]\n")
    with pytest.raises(SIKernelError, match="not valid TOML"):
        load_config(p)
    with pytest.raises(SIKernelError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_cli_sweep(tmp_path):
    from sikernel import store
    from sikernel.cli import main

    toml = tmp_path / "c.toml"
    toml.write_text('name = "cli"\noutputs = ["il_nyquist_db"]\n[axes]\nlength_m = [0.01, 0.1]\n'
                    "[frequency]\nf_max_hz = 30e9\ndf_hz = 100e6\n[fixed]\nbaud = 26.5625e9\n")
    out = tmp_path / "o.h5"
    assert main(["sweep", str(toml), "-o", str(out), "--quiet", "--chunk", "1"]) == 0
    r = store.open(out)
    assert r.complete and r["il_nyquist_db"].shape == (2,)
    assert r["il_nyquist_db"][1] > r["il_nyquist_db"][0] > 0
    # existing output without --overwrite/--resume: exit status 2 with a message
    assert main(["sweep", str(toml), "-o", str(out), "--quiet"]) == 2
    assert main(["sweep", str(toml), "-o", str(out), "--quiet", "--overwrite"]) == 0
    # dask backend with its own local cluster (no --scheduler): the same numbers
    out2 = tmp_path / "d.h5"
    assert main(["sweep", str(toml), "-o", str(out2), "--quiet", "--backend", "dask", "--workers", "1"]) == 0
    np.testing.assert_array_equal(store.open(out2)["il_nyquist_db"], store.open(out)["il_nyquist_db"])


def test_metrics_stage_equals_metrics_api():
    from sikernel.channel.lines import Stripline
    from sikernel.channel.metrics import fom_ild

    cfg = load_config({"axes": {"length_m": [0.03, 0.2], "baud": [26.5625e9, 53.125e9]},
                       "outputs": ["fit_il_nyquist_db", "fom_ild_db"],
                       "frequency": {"f_max_hz": 60e9, "df_hz": 100e6}})
    out = _eval_all(cfg, 3)
    p = chunk_params(cfg, 0, cfg.n_points)
    fx = cfg.fixed
    line = Stripline(fx["material"], fx["width_m"], fx["thickness_m"], fx["height_m"],
                     spacing=fx["spacing_m"], roughness=fx["roughness"])
    for i in range(cfg.n_points):
        fb = float(p["baud"][i])
        r = fom_ild(line.section(float(p["length_m"][i]), cfg.f_hz), fb)
        np.testing.assert_allclose(out["fit_il_nyquist_db"][i], r.fit.at(0.5 * fb), rtol=RTOL_IL_DB)
        np.testing.assert_allclose(out["fom_ild_db"][i], r.fom_db, rtol=RTOL_FOM, atol=ATOL_FOM_DB)


def test_com_stage_equals_com_api(tmp_path):
    from sikernel.eye.com import com
    from sikernel.sweep.stages import point_channel

    cfg = {"axes": {"length_m": [0.1]}, "outputs": ["com_db", "il_nyquist_db"],
           "fixed": {"baud": 53.125e9, "preset": "802.3ck-kr"},
           "frequency": {"f_max_hz": 40e9, "df_hz": 10e6}}
    res = run_sweep(cfg, tmp_path / "com.h5", quiet=True)
    c = load_config(cfg)
    ref = com(point_channel(c, chunk_params(c, 0, 1), 0), "802.3ck-kr", baud_hz=53.125e9)
    assert res["com_db"][0] == ref.com_db
    assert json_preset_recorded(res)


def json_preset_recorded(res) -> bool:
    import json

    return "802.3ck-kr" in json.loads(res.attrs["presets_json"])


@pytest.mark.filterwarnings("ignore:.*not causal:sikernel.errors.SIKernelWarning")
def test_stat_eye_and_chosen_eq_equal_their_apis():
    from sikernel.channel.lines import Stripline
    from sikernel.eye.stateye import stat_eye
    from sikernel.power import energy_per_bit
    from sikernel.power.budget import FAMILIES
    from sikernel.response import pulse_response
    from sikernel.sweep.stages import EQ_SETTINGS

    cfg = load_config({"axes": {"length_m": [0.02, 0.25], "baud": [26.5625e9, 53.125e9]},
                       "outputs": ["stat_eye_height_v", "eye_width_ui", "eq_architecture", "eq_settings"],
                       "fixed": {"n_dfe": 2},
                       "frequency": {"f_max_hz": 30e9, "df_hz": 100e6},
                       "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 6}})
    out = _eval_all(cfg, 3)
    _assert_same(out, _eval_all(cfg, 1))
    p = chunk_params(cfg, 0, cfg.n_points)
    fx = cfg.fixed
    line = Stripline(fx["material"], fx["width_m"], fx["thickness_m"], fx["height_m"],
                     spacing=fx["spacing_m"], roughness=fx["roughness"])
    il = _eval_all(load_config({**cfg.to_dict(), "outputs": ["il_nyquist_db"]}), 4)["il_nyquist_db"]
    for i in range(cfg.n_points):
        fb = float(p["baud"][i])
        ch = line.section(float(p["length_m"][i]), cfg.f_hz)
        r = stat_eye(pulse_response(ch, fb, cfg.samples_per_ui), modulation="pam4", n_dfe=2,
                     target_ber=fx["target_ber"])
        np.testing.assert_allclose(out["stat_eye_height_v"][i], r.eye_height_min_v, rtol=0,
                                   atol=ATOL_STAT_EYE_V)
        np.testing.assert_allclose(out["eye_width_ui"][i], r.eye_width_min_ui, rtol=0, atol=ATOL_WIDTH_UI)
        e = energy_per_bit(loss_db=float(il[i]), baud=fb, modulation="pam4", node_nm=fx["node_nm"],
                           target_ber=fx["target_ber"])
        assert out["eq_architecture"][i] == FAMILIES.index(e.architecture)
        want = [np.nan if e.eq_settings[k] is None else float(e.eq_settings[k]) for k in EQ_SETTINGS]
        np.testing.assert_array_equal(out["eq_settings"][i], want)


def test_package_axis_equals_cascade():
    from sikernel.channel.lines import Stripline
    from sikernel.channel.package import get_package, package_channel
    from sikernel.channel.twoport import cascade

    cfg = load_config({"axes": {"package": ["none", "802.3ck"], "length_m": [0.05]},
                       "outputs": ["il_nyquist_db"], "frequency": {"f_max_hz": 30e9, "df_hz": 100e6}})
    out = _eval_all(cfg, 1)["il_nyquist_db"]
    fx = cfg.fixed
    f = cfg.f_hz
    line = Stripline(fx["material"], fx["width_m"], fx["thickness_m"], fx["height_m"],
                     spacing=fx["spacing_m"], roughness=fx["roughness"])
    bare = line.section(0.05, f)
    pm = get_package("802.3ck")
    ch = cascade(package_channel(pm, pm.z_p_cases("tx")[0], f, "tx"), bare,
                 package_channel(pm, pm.z_p_cases("rx")[0], f, "rx"))
    fn = 0.5 * fx["baud"]
    np.testing.assert_allclose(out, [bare.il_db(fn), ch.il_db(fn)], rtol=RTOL_IL_DB)
    assert out[1] > out[0] + 0.5   # the package adds loss


def test_front_end_filters_equal_pulse_response():
    from sikernel.channel.lines import Stripline
    from sikernel.response import pulse_response

    cfg = load_config({"axes": {"length_m": [0.002, 0.1], "tx_rise_time_s": [0.0, 8e-12],
                                "rx_f_r": [0.0, 0.75]},
                       "outputs": ["cursors_v"], "frequency": {"f_max_hz": 40e9, "df_hz": 100e6},
                       "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 4}})
    out = _eval_all(cfg, 3)["cursors_v"]
    p = chunk_params(cfg, 0, cfg.n_points)
    fx = cfg.fixed
    line = Stripline(fx["material"], fx["width_m"], fx["thickness_m"], fx["height_m"],
                     spacing=fx["spacing_m"], roughness=fx["roughness"])
    for i in range(cfg.n_points):
        tr, fr = float(p["tx_rise_time_s"][i]), float(p["rx_f_r"][i])
        pr = pulse_response(line.section(float(p["length_m"][i]), cfg.f_hz), fx["baud"], 8,
                            tx_rise_time_s=tr or None, rx_f_r=fr or None, causality="ignore")
        np.testing.assert_allclose(out[i], pr.cursors(1, 4), rtol=0, atol=ATOL_CURSOR_V)
    # the filters change the pulse (the test can fail): filtered and bare cursors differ
    assert np.abs(out[0] - out[3]).max() > 1e-3


def test_slow_fft_length_warns_with_a_smooth_alternative(tmp_path):
    import re
    import warnings

    from sikernel.errors import SIKernelWarning
    from sikernel.sweep.engine import _largest_prime_factor

    base = {"axes": {"length_m": [0.05]}, "outputs": ["cursors_v"], "pulse": {"samples_per_ui": 8},
            "frequency": {"f_max_hz": 30e9, "df_hz": 100e6}}
    # 25.78125 GBd x 8 / 100 MHz = 2062 = 2 x 1031 points
    with pytest.warns(SIKernelWarning, match=r"n_time=2062 .*prime factor 1031") as rec:
        run_sweep({**base, "fixed": {"baud": 25.78125e9}}, tmp_path / "slow.h5", quiet=True)
    df = float(re.search(r"df_hz=([0-9.e+]+)", str(rec[0].message)).group(1))
    n = round(25.78125e9 * 8 / df)
    assert _largest_prime_factor(n) <= 7 and abs(n - 2062) <= 2062 // 8
    # the suggestion removes the warning; 26.5625 GBd (2125 = 5^3 x 17 points) never warns
    for fixed, frq in (({"baud": 25.78125e9}, {"f_max_hz": 30e9, "df_hz": df}),
                       ({"baud": 26.5625e9}, base["frequency"])):
        with warnings.catch_warnings():
            warnings.simplefilter("error", SIKernelWarning)
            run_sweep({**base, "fixed": fixed, "frequency": frq}, tmp_path / "ok.h5", quiet=True,
                      overwrite=True)


def test_default_chunk_follows_the_slowest_stage_and_the_memory_limit():
    from sikernel.sweep.engine import DEFAULT_CHUNK, choose_chunk, default_chunk

    base = {"axes": {"length_m": list(np.linspace(0.01, 0.3, 10_000))},
            "frequency": {"f_max_hz": 30e9, "df_hz": 100e6}}
    fast = load_config({**base, "outputs": ["il_nyquist_db", "eye_height_v", "pj_per_bit"]})
    assert default_chunk(fast) == DEFAULT_CHUNK["pulse"] == choose_chunk(fast, None)
    slow = load_config({**base, "outputs": ["il_nyquist_db", "com_db"],
                        "fixed": {"baud": 53.125e9, "preset": "802.3ck-kr"}})
    assert choose_chunk(slow, None) == DEFAULT_CHUNK["com"] < default_chunk(fast)
    assert default_chunk(load_config({**base, "outputs": ["stat_eye_height_v"]})) == DEFAULT_CHUNK["stateye"]
    # a memory limit below the default chunk's needs shrinks the chunk to what fits
    one, two = fast.chunk_memory_bytes(1), fast.chunk_memory_bytes(2)
    limit = one + 99 * (two - one)
    tight = load_config({**base, "outputs": ["il_nyquist_db", "eye_height_v", "pj_per_bit"],
                         "limits": {"max_memory_bytes": max(limit, 1e6)}})
    cs = choose_chunk(tight, None)
    assert cs == 100
    assert tight.chunk_memory_bytes(cs) <= tight.max_memory_bytes < tight.chunk_memory_bytes(cs + 1)
    # and never more than the grid
    small = load_config({**base, "axes": {"length_m": [0.1, 0.2]}, "outputs": ["il_nyquist_db"]})
    assert choose_chunk(small, None) == 2


def test_schema_doc_parameter_table_is_current():
    """docs/hdf5-schema.md's parameter table (written by hand) has a row for every sweepable
    parameter with its default, and its "one of:" lists are the accepted names (the COM preset list
    once lacked 802.3ck-cr).  Aliases may be left out where the row says "(and aliases)"."""
    import re

    from sikernel.sweep.config import PARAMS

    doc = repo_text("docs/hdf5-schema.md")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*\|$", doc, flags=re.M)}
    for name, p in PARAMS.items():
        assert name in rows, f"docs/hdf5-schema.md has no row for {name!r}"
        assert f"| {p.default!r} |" in rows[name], (name, p.default, rows[name])
        if p.kind != "name":
            continue
        listed = re.search(r"one of: ([^|]*?)( \(and aliases\))? \|$", rows[name])
        assert listed is not None, rows[name]
        names = tuple(s.strip() for s in listed.group(1).split(","))
        accepted = tuple(p.names())
        if listed.group(2):
            assert set(names) <= set(accepted), (name, names, accepted)
        else:
            assert names == accepted, (name, names, accepted)


def test_guide_pricing_note_figures_are_current():
    """Regression guard (model output, not validation) of the sweeps guide's note on why
    pj_per_bit can disagree with the eye outputs: the model's 2.7 dB channel at 26.5625 GBd, and
    the retimed receiver it is priced with (the unretimed linear family is not a choice of
    "auto": before December 2026 the note explained a DFE that the model did not in fact add)."""
    import warnings as _w

    from sikernel.power import energy_per_bit
    from sikernel.power.table import synthetic_parts

    text = repo_text("docs/guide/sweeps.md", flat=True)
    packages, z_p_m, line_m = synthetic_parts(2.7, 26.5625e9, "host")
    assert packages and f"two {z_p_m * 1e3:.0f} mm packages and {line_m * 1e2:.0f} cm of board" in text
    with _w.catch_warnings():
        _w.simplefilter("ignore")
        e = energy_per_bit(loss_db=2.7, baud=26.5625e9, node_nm=5)
    assert e.architecture == "analog"
    assert f"a CTLE with {e.eq_settings['dfe_taps']} DFE taps" in text


def test_long_sweep_with_hidden_bar_warns_with_its_estimate(tmp_path):
    """New-user trial 28: a large sweep started with quiet=True ran with no sign of its duration.

    Before any file is written the sweep now warns with its estimated time when the bar is hidden
    and the estimate (points x the stages' measured per-point cost / cores) is above
    QUIET_ESTIMATE_WARN_S; with the bar shown, or a small grid, it does not.
    """
    import warnings

    from sikernel.errors import SIKernelWarning
    from sikernel.sweep.engine import QUIET_ESTIMATE_WARN_S, STAGE_SECONDS_PER_POINT, estimate_seconds

    n = 200_000   # x 40 ms of the stat-eye stage: ~4000 s on 2 cores
    big = {"name": "big", "outputs": ["stat_eye_height_v"],
           "axes": {"length_m": list(np.linspace(0.01, 0.3, n))},
           "frequency": {"f_max_hz": 30e9, "df_hz": 100e6}}
    cfg = load_config(big)
    from sikernel.sweep.engine import DEFAULT_CHUNK

    assert STAGE_SECONDS_PER_POINT.keys() == DEFAULT_CHUNK.keys()   # every stage has a cost
    # the stat-eye stage dominates: ~40 ms per point on one core (engine.DEFAULT_CHUNK's measurement)
    assert estimate_seconds(cfg, cores=1) == pytest.approx(n * 0.04, rel=0.05)
    assert estimate_seconds(cfg, cores=4) == pytest.approx(estimate_seconds(cfg, cores=1) / 4)
    assert estimate_seconds(cfg, cores=2) > QUIET_ESTIMATE_WARN_S
    out = tmp_path / "big.h5"
    with pytest.warns(SIKernelWarning, match=r"'big': 200,000 points .*stateye.* hidden"):
        # threads=1: the estimate uses the cores given; _max_chunks=0: nothing is computed
        run_sweep(big, out, quiet=True, threads=1, _max_chunks=0)
    small = {**big, "axes": {"length_m": [0.05, 0.1]}}
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        run_sweep(small, tmp_path / "small.h5", quiet=True)
        run_sweep(big, tmp_path / "shown.h5", quiet=False, _max_chunks=0)
        # 200 dask workers share it: about 10 s (review 29: the workers were not counted)
        assert estimate_seconds(cfg, cores=200) < QUIET_ESTIMATE_WARN_S


def test_unreachable_dask_scheduler_leaves_no_output(tmp_path, monkeypatch):
    """Fuzz 31 M9: an unreachable scheduler was found after the output file and its journal had been
    created (status running, 0 points), and a rerun without --resume said "already exists". The
    client is connected first; here a stub stands in for the 30 s connection timeout."""
    from sikernel.sweep import engine

    def unreachable(scheduler, n_workers, stack):
        raise SIKernelError(f"cannot reach the dask scheduler {scheduler!r}: timed out")

    monkeypatch.setattr(engine, "_dask_client", unreachable)
    out = tmp_path / "x.h5"
    with pytest.raises(SIKernelError, match="cannot reach the dask scheduler"):
        run_sweep(SMALL, out, backend="dask", scheduler="tcp://127.0.0.1:1", quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_dask_backend_checks_the_output_before_connecting(tmp_path, monkeypatch):
    """Review 31 M5: "already exists" (and what an overwrite would delete) came only after the
    LocalCluster had started or a remote scheduler had been tried for 30 s."""
    from sikernel.sweep import engine

    def no_connect(*a, **k):
        raise AssertionError("connected before the output was checked")

    monkeypatch.setattr(engine, "_dask_client", no_connect)
    out = tmp_path / "x.h5"
    out.write_bytes(b"")
    with pytest.raises(SIKernelError, match="already exists"):
        run_sweep(SMALL, out, backend="dask", quiet=True)
    cfg = tmp_path / "base.toml"
    cfg.write_text("[axes]\n")
    with pytest.raises(SIKernelError, match="is not an HDF5 file"):
        run_sweep(SMALL, cfg, backend="dask", overwrite=True, quiet=True)


def test_count_nan_counts_across_blocks(tmp_path, monkeypatch):
    """Review 33 M3: the sweep test's outputs have no NaN, so a constant 0 passed it; count them
    in datasets with NaNs, read in several blocks, 0-d and empty."""
    import h5py

    from sikernel import store

    monkeypatch.setattr(store, "_COUNT_BLOCK", 7)
    rng = np.random.default_rng(5)
    a = rng.normal(size=(13, 4, 3))
    a[rng.random(a.shape) < 0.2] = np.nan
    with h5py.File(tmp_path / "c.h5", "w") as f:
        f["a"], f["z"], f["e"] = a, np.nan, np.zeros((0, 3))
        assert store._count_nan(f["a"]) == int(np.isnan(a).sum()) > 0
        assert (store._count_nan(f["z"]), store._count_nan(f["e"])) == (1, 0)
