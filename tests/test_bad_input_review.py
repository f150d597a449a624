"""Bad and dubious inputs found by a fuzzing review (December 2026): each is refused with a
SIKernelError naming the value (or warned about) before any long computation."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from sikernel import SIKernelError
from sikernel.errors import SIKernelWarning
from sikernel.power import energy_per_bit, energy_per_bit_batch
from sikernel.system.channels import DEFAULT_PATHS, paths_with_lengths


@pytest.mark.parametrize("kw,match", [
    ({"loss_db": True}, r"loss_db=True is a bool, not a number"),
    ({"loss_db": 20.0, "baud": "53.125e9"}, r"baud='53.125e9' is a str, not a number.*not its text"),
    ({"loss_db": 20.0, "target_ber": "1e-6"}, r"target_ber='1e-6' is a str"),
    ({"loss_db": 20.0, "coefficients": "x"}, r"coefficients='x' is a str, not an EnergyCoefficients"),
    ({"loss_db": 20.0, "exclude": "dsp"}, r"exclude='dsp' is one string; give a tuple.*\('dsp',\)"),
    ({"loss_db": 20.0, "exclude": "tx_driver"},   # fuzz 31 M14: the hint had been ('tx_driver',)
     r"exclude='tx_driver' is one string; give a tuple of receiver family names \(linear, analog, dsp\), "
     r"e\.g\. \('dsp',\)"),
    ({"loss_db": 20.0, "exclude": ("linear", "analog", "dsp")}, r"excludes every receiver family"),
    ({"loss_db": 20.0, "architecture": "dsp", "exclude": ("dsp",)}, r"architecture='dsp' is excluded"),
    ({"loss_db": 20.0, "baud": 1e15}, r"baud=1e\+15 Bd is above 1e\+12 Bd \(1 TBd\)"),
])
def test_energy_per_bit_refuses(kw, match):
    with pytest.raises(SIKernelError, match=match):
        energy_per_bit(**kw)


@pytest.mark.parametrize("loss,match", [(["a"], r"loss_db must be real numbers in dB; got an array of <U1"),
                                        ([1 + 2j], r"array of complex128"),
                                        ({"a": 1}, r"array of object")])
def test_energy_per_bit_batch_refuses_non_real_losses(loss, match):
    with pytest.raises(SIKernelError, match=match):
        energy_per_bit_batch(loss)


def test_energy_per_bit_batch_warns_on_some_nan_points():
    """Fuzz 31 M8: [10, 1000] gave [2.03, nan] without a word (a warning came only when no point
    closed); the scalar call refuses 1000 dB. The NaN points are counted, the ones above the table
    named as a likely dB slip; a batch where every point closes stays silent."""
    import warnings

    from sikernel.errors import SIKernelWarning

    with pytest.warns(SIKernelWarning, match=r"1 of 2 losses do not close.*1 of them above 60 dB, the "
                                             r"largest tabulated loss \(a dB slip\?\)"):
        r = energy_per_bit_batch([10.0, 1000.0])
    assert np.isfinite(r.total_pj_per_bit[0]) and np.isnan(r.total_pj_per_bit[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        energy_per_bit_batch([10.0, 20.0])
        energy_per_bit_batch([10.0, 1000.0], warn_if_none_closes=False)


def test_energy_per_bit_batch_checks_its_model_args():
    with pytest.raises(SIKernelError, match="coefficients='x'"):
        energy_per_bit_batch([20.0], coefficients="x")
    with pytest.raises(SIKernelError, match="exclude='dsp' is one string"):
        energy_per_bit_batch([20.0], exclude="dsp")


def test_energy_per_bit_batch_warns_when_nothing_closes():
    # every point NaN: a warning naming the losses and what to relax; one closing point: the count of
    # the others (fuzz 31 M8, test_energy_per_bit_batch_warns_on_some_nan_points; it was silent)
    with pytest.warns(SIKernelWarning, match=r"none of the 2 losses \(55.0-58.0 dB at 53.125 GBd "
                      r"PAM4, 7 nm, target_ber=1e-12, architecture='analog'\) closes the link.*"
                      r"let architecture='auto'"):
        r = energy_per_bit_batch([55.0, 58.0], baud=53.125e9, architecture="analog",
                                 target_ber=1e-12)
    assert np.all(np.isnan(r.total_pj_per_bit))
    with pytest.warns(SIKernelWarning, match=r"the loss \(70.0 dB.*does not close.*outside the "
                      r"model's grid"):
        energy_per_bit_batch([70.0], baud=53.125e9)
    with pytest.warns(SIKernelWarning, match="1 of 2 losses do not close"):
        r = energy_per_bit_batch([10.0, 70.0], baud=53.125e9)
    # review 31 L8: the failing losses as a range, not "from x dB", and what to relax
    with pytest.warns(SIKernelWarning, match=r"2 of 4 losses do not close at BER 1e-06 \(NaN in the "
                      r"results; the failing losses lie between 57.5 and 58 dB\); to price them, relax "
                      r"target_ber or lower the loss"):
        energy_per_bit_batch([10.0, 50.0, 57.5, 58.0], baud=53.125e9)
    with pytest.warns(SIKernelWarning, match=r"the failing loss is 58 dB\); to price them, relax "
                      r"target_ber, let architecture='auto' choose or lower the loss"):
        energy_per_bit_batch([10.0, 58.0], baud=53.125e9, architecture="dsp")
    assert np.isfinite(r.total_pj_per_bit[0]) and np.isnan(r.total_pj_per_bit[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        energy_per_bit_batch([70.0], baud=53.125e9, warn_if_none_closes=False)


def test_dubious_ber_warns():
    with pytest.warns(SIKernelWarning, match=r"target_ber=0.2 is above 0.01"):
        energy_per_bit(loss_db=10.0, baud=53.125e9, target_ber=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        energy_per_bit(loss_db=10.0, baud=53.125e9, target_ber=2.4e-4)
        energy_per_bit(loss_db=10.0, baud=53.125e9, target_ber=1e-15)
    # trial 98 L6: --ber 1e-30 ran the whole study to "no port closes" without a word on the BER
    with pytest.warns(SIKernelWarning, match=r"target_ber=1e-30 is below 1e-18: stricter than any"), \
            pytest.raises(SIKernelError, match="no architecture closes this link at BER 1e-30"):
        energy_per_bit(loss_db=10.0, baud=53.125e9, target_ber=1e-30)


def test_study_warns_once_on_a_too_strict_ber():
    """The low side goes through the same once-per-run path as the high side (run_study)."""
    from sikernel.study import run_study

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        with pytest.raises(SIKernelError, match="no port of the study closes its host link"):
            run_study(rates_gbps=(100,), architectures=("pluggable", "cpo"), target_ber=1e-30, n_draws=20,
                      with_eyes=False, with_curves=False)
    assert sum("is below 1e-18" in str(w.message) for w in rec) == 1


@pytest.fixture
def no_pricing(monkeypatch):
    """Fail if a link is priced (the check must come before it)."""
    import sikernel.system.account as account

    def boom(*a, **k):
        raise AssertionError("a link was priced before the arguments were checked")

    monkeypatch.setattr(account, "PortModel", boom)


@pytest.mark.parametrize("kw,match", [
    ({"paths": []}, r"paths=\[\] must be a mapping of path name -> PathSpec"),
    ({"paths": "x"}, r"paths='x' must be a mapping"),
    ({"paths": {"foo": DEFAULT_PATHS["cpo"]}}, r"paths\['foo'\]: unknown path name; known: pluggable"),
    ({"port_gbps": {999: 400}}, r"port_gbps=\{999: 400\}: 999 is not a lane rate of the study"),
    ({"linear_host_budget_db": "22"}, r"linear_host_budget_db='22' is a str, not a number"),
])
def test_run_study_refuses_before_pricing(no_pricing, kw, match):
    from sikernel.study import run_study

    with pytest.raises(SIKernelError, match=match):
        run_study(**kw)


def test_run_study_warns_on_few_draws(no_pricing):
    from sikernel.study import FEW_DRAWS, run_study

    with pytest.warns(SIKernelWarning, match=rf"n_draws=5: p10 / p90 from fewer than {FEW_DRAWS} draws"):
        with pytest.raises(AssertionError, match="priced"):
            run_study(n_draws=5)


def test_few_draws_figures_do_not_fail(tmp_path):
    """With two draws the band can miss the point value; the figures' whiskers are clipped at zero
    instead of matplotlib refusing negative error bars after the whole study had run."""
    pytest.importorskip("matplotlib")
    from sikernel.study import run_study, write_figures

    with pytest.warns(SIKernelWarning, match="n_draws=2"):
        res = run_study(rates_gbps=(100,), architectures=("pluggable", "cpo"), n_draws=2, seed=1,
                        with_eyes=False, with_curves=False)
    files = write_figures(res, tmp_path)
    assert files and all(Path(f).exists() for f in files)


def test_metres_typed_as_millimetres_warn():
    with pytest.warns(SIKernelWarning,
                      match=r"c2m_host_m=0.000254 m \(0.254 mm\) is shorter than any C2M host board"):
        paths_with_lengths(c2m_host_m=0.254e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        paths_with_lengths(c2m_host_m=0.2)


def test_study_cli_refuses_a_folder_named_as_its_output(tmp_path, capsys, monkeypatch):
    """``--out`` holding a folder named ``sikernel-study.h5`` (or a figure's name) is refused before
    the study runs, not after it with the temporary file's name."""
    import sikernel.study as study
    from sikernel.cli import main

    def boom(*a, **k):
        raise AssertionError("the study ran before the output names were checked")

    monkeypatch.setattr(study, "run_study", boom)
    for name in ("sikernel-study.h5", "switch_power.png", "cpo_tornado_51.2T.png"):
        out = tmp_path / name.replace(".", "_")
        (out / name).mkdir(parents=True)
        assert main(["study", "--out", str(out)]) == 2
        err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
        assert len(err) == 1 and f"{name} is a folder" in err[0], err


def test_finite_scalar_still_takes_numpy_numbers():
    from sikernel._validate import finite_scalar

    assert finite_scalar("x", np.float32(2.5)) == 2.5
    assert finite_scalar("x", np.int64(3)) == 3.0
    with pytest.raises(SIKernelError, match=r"is a bool"):
        finite_scalar("x", np.bool_(True))


def test_negative_pulse_amplitude_refused():
    from sikernel import Link, Stripline, pulse_response

    line = Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6)
    ch = Link([(line, 0.1)]).build(np.arange(0.0, 60e9 + 1.0, 10e6))
    with pytest.raises(SIKernelError, match=r"amplitude_v=-1"):
        pulse_response(ch, 53.125e9, amplitude_v=-1)


def test_touchstone_unusual_reference_resistance_warns(tmp_path):
    from sikernel.channel.touchstone import parse_touchstone

    f = np.linspace(0.0, 50e9, 101)
    rows = [f"{x:.6g} " + " ".join(["0.5 0", "0 0"] * 2) for x in f]
    for r, warns in (("1e9", True), ("50", False)):
        p = tmp_path / f"r{r}.s2p"
        p.write_text(f"# Hz S RI R {r}\n" + "\n".join(rows) + "\n")
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert parse_touchstone(p)[2] == float(r)
        hit = [x for x in w
               if issubclass(x.category, SIKernelWarning) and "reference resistance" in str(x.message)]
        assert bool(hit) == warns, (r, [str(x.message) for x in w])


def test_com_cli_refuses_preset_with_config(capsys, tmp_path):
    from sikernel.cli import main

    from .conftest import one_error_line

    assert main(["com", str(tmp_path / "thru.s4p"), "--preset", "802.3ck-cr", "--config",
                 str(tmp_path / "sheet.xlsx")]) == 2
    one_error_line(capsys.readouterr().err, "--preset 802.3ck-cr and --config", "give one of them")


# --- new-user trial 28 ---------------------------------------------------------------------------

def test_empty_loss_batch_is_refused_by_name():
    with pytest.raises(SIKernelError, match="loss_db is empty"):
        energy_per_bit_batch(np.array([]), baud=53.125e9)
    with pytest.raises(SIKernelError, match=r"got nan$"):   # not "np.float64(nan)", no "(and 0 more)"
        energy_per_bit_batch(np.array([np.nan]), baud=53.125e9)
    with pytest.raises(SIKernelError, match=r"got nan \(and 1 more\)$"):
        energy_per_bit_batch(np.array([np.nan, -1.0, 3.0]), baud=53.125e9)


def test_channel_energy_warns_when_the_data_stop_below_the_signalling_rate():
    """As pulse_response and COM warn: the SI chain takes the response above the data as zero, and
    the energy depends on where they stop (60 vs 120 GHz data at 106.25 GBd: 1.53 vs 1.34 pJ/b)."""
    from sikernel.channel.core import Channel

    baud = 106.25e9
    for top, warns in ((60e9, True), (1.5 * baud, False)):
        f = np.arange(0.0, top + 1.0, 100e6)
        sdd = np.zeros((f.size, 2, 2), complex)
        sdd[:, 1, 0] = sdd[:, 0, 1] = 10 ** (-(15.0 * f / (0.5 * baud)) / 20) * np.exp(-2j * np.pi * f * 1e-9)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            energy_per_bit(channel=Channel(f, sdd, 100.0, "line"), baud=baud, node_nm=3, target_ber=1e-4)
        hit = [w for w in rec if "below the signalling rate" in str(w.message)]
        assert bool(hit) == warns, top


def test_simulate_symbol_count_checks():
    """A float that is a whole number (1e6) is a symbol count; more than MAX_SYMBOLS is refused up
    front by name (it raised MemoryError, 2.27 TiB)."""
    from sikernel.eye.timesim import MAX_SYMBOLS, simulate

    p = np.zeros(64)
    p[30:34] = [0.2, 1.0, 0.3, 0.1]
    assert simulate(p, 16, n_symbols=1e3, pattern="random").n_symbols == 1000
    with pytest.raises(SIKernelError, match=r"n_symbols=.* is more than"):
        simulate(p, 16, n_symbols=MAX_SYMBOLS + 1, pattern="random")
    with pytest.raises(SIKernelError, match="must be an integer"):
        simulate(p, 16, n_symbols=1500.5, pattern="random")


def test_com_takes_one_aggressor_given_bare(monkeypatch):
    """``com(..., next="file.s4p")`` (a path, not a list) was walked letter by letter ("file '/' does
    not exist"); one aggressor given bare is the list of it.  Stopped before the computation."""
    from sikernel.eye import com as com_mod
    from tests.conftest import channel_path

    seen = {}

    def stop(checked, role, label, *args, **kwargs):
        seen.setdefault(role, []).append(label)
        if role == "next":
            raise RuntimeError("stop")

    monkeypatch.setattr("sikernel.channel.roles.check_role", stop)
    with pytest.raises(RuntimeError, match="stop"):
        com_mod.com(channel_path("CA_19p75dB_thru.s4p"), "802.3ck-kr",
                    next=channel_path("CA_19p75dB_next1.s4p"))
    assert seen["next"] == ["next[0]"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"tx_rise_time_s": 6}, r"a rise time in ps given as s\? use 6e-12"),
    ({"rx_f_r": 40e9}, r"a frequency in Hz\? use 0\.753"),
    ({"rx_f_r": 75}, r"a percentage\? use 0\.75 for 75 %"),               # fuzz 31 low: had said 75 Hz
    ({"tx_rise_time_s": 1e-6}, r"the rise time is in s, e\.g\. 8e-12 for 8 ps"),   # had said 1e-18
    ({"tx_rise_time_s": 1e-3}, r"the rise time is in s, e\.g\. 8e-12 for 8 ps"),   # had said 1e-15
    ({"amplitude_v": 400}, r"mV given as V\? use 0\.4"),
    ({"ctle": {"gdc_db": -10, "fz_hz": 21.25, "fp1_hz": 21.25, "fp2_hz": 53.125}}, r"GHz given as Hz\?"),
])
def test_pulse_response_unit_slips_are_named(kwargs, match):
    """New-user trial 28: each of these returned a pulse (the first two with a causality warning that
    pointed at the port map, the others silently)."""
    from sikernel.channel.touchstone import read_touchstone
    from sikernel.response import pulse_response
    from tests.conftest import channel_path

    ch = read_touchstone(channel_path("DPO_4in_Meg7_THRU.s4p"))
    with pytest.raises(SIKernelError, match=match):
        pulse_response(ch, 53.125e9, **kwargs)
    pulse_response(ch, 53.125e9, tx_rise_time_s=6e-12, rx_f_r=0.75, amplitude_v=0.4)   # the SI values


def test_il_db_in_ghz_is_named():
    from sikernel.channel.touchstone import read_touchstone
    from tests.conftest import channel_path

    for name in ("DPO_4in_Meg7_THRU.s4p", "C2C_PCB_SYSVIA_12dB_thru.s4p"):   # grid from 0 / from 10 MHz
        ch = read_touchstone(channel_path(name))
        with pytest.raises(SIKernelError, match=r"GHz given as Hz\? use 2\.65625e\+10"):
            ch.il_db(26.5625)
        assert ch.il_db(26.5625e9) > 0


def test_preset_baud_in_ghz_and_geometry_in_mils_are_named():
    """New-user trial 28: get_preset(baud_hz=53.125) was accepted (COM then asked for a 0.53 Hz
    step); a stripline in mils was offered only the mm reading."""
    import sikernel as sk

    with pytest.raises(SIKernelError, match=r"baud_hz=53\.125 .*GBd must be multiplied by 1e9"):
        sk.get_preset("802.3ck-kr", baud_hz=53.125)
    with pytest.raises(SIKernelError, match=r"use 0\.006 for 6 mm, or 0\.0001524 for 6 mil"):
        sk.Stripline("megtron7", width=6, thickness=0.7, height=6, spacing=6)


def test_names_the_checks_accept_are_the_names_priced():
    """Review 32 H1/M1: the name checks ignore case and surrounding whitespace, so what is priced must
    be the canonical name they return: cpo_modulator=' ring' had been priced as an MZM engine, and
    exclude=(' analog',) or ('Analog',) passed the check and excluded nothing."""
    from sikernel.system.account import PortModel
    from sikernel.system.standards import generation

    ring = PortModel("cpo", generation(200, cpo_modulator="ring")).blocks_w()
    for spelled in (" ring", "Ring ", "RING"):
        g = generation(200, cpo_modulator=spelled)
        assert g.cpo_modulator == "ring"
        assert PortModel("cpo", g).blocks_w() == ring
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SIKernelWarning)
        want = energy_per_bit(loss_db=30.0, exclude=("analog",))
        for spelled in ((" analog",), ("Analog",), ("ANALOG ",)):
            got = energy_per_bit(loss_db=30.0, exclude=spelled)
            assert got.architecture == want.architecture == "dsp"
            assert got.total_pj_per_bit == want.total_pj_per_bit
    with pytest.raises(SIKernelError, match=r"architecture='dsp' is excluded"):
        energy_per_bit(loss_db=30.0, architecture="dsp", exclude=(" dsp",))
    # review 32 L3: with architecture='auto' already in use, the hint is to drop the exclusion
    with pytest.warns(SIKernelWarning, match=r"drop exclude=\('dsp',\)") as rec:
        energy_per_bit_batch([10.0, 58.0], baud=53.125e9, exclude=("dsp",))
    assert not any("let architecture='auto'" in str(w.message) for w in rec)


def test_eye_counts_take_whole_floats_as_the_simulator_does():
    """stat_eye's counts (n_dfe, n_pre, samples_per_ui) read a whole float (2.0) as the simulator's
    n_symbols=1e3 does, from the one check both use; a fraction is refused by name."""
    from sikernel.eye.stateye import stat_eye

    p = np.zeros(64)
    p[30:34] = [0.2, 1.0, 0.3, 0.1]
    a = stat_eye(p, 16, n_dfe=2, n_pre=1)
    b = stat_eye(p, 16.0, n_dfe=2.0, n_pre=1.0)
    assert a.eye_height_min_v == b.eye_height_min_v
    with pytest.raises(SIKernelError, match=r"n_dfe=1\.5 must be an integer >= 0"):
        stat_eye(p, 16, n_dfe=1.5)
