"""Fuzzing the public entry points: any input works or raises SIKernelError (warnings: SIKernelWarning).

Never another exception, never a hang, never NaN or inf passed on silently.  Every test runs
under ``warnings.simplefilter("error")`` with only :class:`SIKernelWarning` allowed, so a
NumPy ``RuntimeWarning`` (overflow, invalid value) is a failure too.  Inputs are kept small
(hypothesis profile of tests/conftest.py: 25 examples, derandomized, no deadline) so the
whole file costs a few seconds of CPU.
"""

from __future__ import annotations

import math
import os
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sikernel.errors import SIKernelError, SIKernelWarning

#: inputs of every example stay small: a few hundred frequency points, short pulses
#: SIKERNEL_FUZZ_EXAMPLES=500 fuzzes deeper (outside CI)
SMALL = settings(max_examples=int(os.environ.get("SIKERNEL_FUZZ_EXAMPLES", "25")), deadline=None,
                 derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

finite = st.floats(allow_nan=False, allow_infinity=False)
anything_number = st.one_of(st.floats(), st.integers(-10**30, 10**30), st.booleans(), st.none(),
                            st.text(max_size=5), st.lists(st.floats(), max_size=3))


@contextmanager
def only_sikernel_errors():
    """Run a call: SIKernelError is accepted, SIKernelWarning allowed, anything else fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", SIKernelWarning)
        try:
            yield
        except SIKernelError:
            pass


def _all_finite(*arrays) -> None:
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind in "fc":
            assert np.all(np.isfinite(a)), "non-finite values passed on silently"


# --------------------------------------------------------------------------- read_touchstone
def _s4p_text(n_freq: int, fmt: str = "MA") -> str:
    lines = [f"# GHz S {fmt} R 50"]
    rng = np.random.default_rng(7)
    for k in range(n_freq):
        vals = []
        for i in range(4):
            for j in range(4):
                thru = (i, j) in ((0, 1), (1, 0), (2, 3), (3, 2))
                mag = (0.9 if thru else 0.05) * (1 - 0.01 * k)
                vals += [f"{mag:.4f}", f"{rng.uniform(-180, 180):.2f}"]
        lines.append(f"{0.1 * (k + 1):.3f} " + " ".join(vals))
    return "\n".join(lines) + "\n"


_TEMPLATE = _s4p_text(6)
_TOKENS = st.sampled_from(["nan", "inf", "-inf", "1e999", "-1e999", "0", "1e-320", "abc", "#",
                           "!", "RI", "DB", "Hz", "R", "[Version]", "2.0", "\x00", "1e308",
                           "-5", "1.2.3", "--1", "e5"])


@st.composite
def mutated_touchstone(draw) -> bytes:
    text = _TEMPLATE
    kind = draw(st.sampled_from(["truncate", "token", "option", "bytes", "lines"]))
    if kind == "truncate":
        return text.encode()[:draw(st.integers(0, len(text)))]
    if kind == "token":
        toks = text.split(" ")
        for _ in range(draw(st.integers(1, 3))):
            toks[draw(st.integers(0, len(toks) - 1))] = draw(_TOKENS)
        return " ".join(toks).encode()
    if kind == "option":
        _, rest = text.split("\n", 1)
        opt = " ".join(draw(st.lists(st.sampled_from(["#", "GHz", "MHz", "Hz", "S", "Y", "MA", "RI",
                                                       "DB", "R", "50", "0", "-50", "nan", "x"]),
                                     max_size=6)))
        return (opt + "\n" + rest).encode()
    if kind == "lines":
        lines = text.splitlines()
        keep = draw(st.lists(st.integers(0, len(lines) - 1), max_size=len(lines)))
        return "\n".join(lines[i] for i in keep).encode()
    return draw(st.binary(max_size=400))


@SMALL
@given(data=mutated_touchstone())
def test_read_touchstone_fuzz(tmp_path_factory, data):
    from sikernel.channel.touchstone import read_touchstone

    p = tmp_path_factory.mktemp("ts") / "x.s4p"
    p.write_bytes(data)
    with only_sikernel_errors():
        ch = read_touchstone(p)
        _all_finite(ch.f, ch.sdd)
        assert ch.z0_ohm > 0 and math.isfinite(ch.z0_ohm)


@pytest.mark.parametrize("token,msg", [("1e999", "frequency point 1 holds a non-finite"),
                                       ("nan", "non-numeric token 'nan'")])
def test_read_touchstone_non_finite_data_named(tmp_path, token, msg):
    """inf/NaN in the data used to reach NumPy (RuntimeWarning) and Channel's generic error."""
    from sikernel.channel.touchstone import read_touchstone

    lines = _TEMPLATE.splitlines()
    toks = lines[1].split()
    toks[1] = token
    lines[1] = " ".join(toks)
    p = tmp_path / "bad.s4p"
    p.write_text("\n".join(lines) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SIKernelError, match=msg):
            read_touchstone(p)


def test_read_touchstone_db_overflow_named(tmp_path):
    from sikernel.channel.touchstone import read_touchstone

    p = tmp_path / "db.s4p"
    p.write_text(_TEMPLATE.replace("# GHz S MA R 50", "# GHz S DB R 50").replace(" 0.9000 ", " 9000 ", 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SIKernelError, match="overflow"):
            read_touchstone(p)


def test_read_touchstone_template_reads():
    """The fuzz template itself is a valid file (else the fuzzing above tests only errors)."""
    import tempfile

    from sikernel.channel.touchstone import read_touchstone

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "ok.s4p"
        p.write_text(_TEMPLATE)
        ch = read_touchstone(p)
    assert ch.n_freq == 6


# --------------------------------------------------------------------------- Channel
@SMALL
@given(f=st.lists(st.one_of(finite, st.floats()), min_size=0, max_size=6),
       re_=st.floats(), z0=anything_number)
def test_channel_fuzz(f, re_, z0):
    from sikernel.channel import Channel

    with only_sikernel_errors():
        n = len(f)
        sdd = np.full((n, 2, 2), re_ + 0.1j, dtype=complex)
        ch = Channel(np.array(f, dtype=float), sdd, z0_ohm=z0)
        _all_finite(ch.f, ch.sdd)
        il = ch.il_db(ch.f)
        assert not np.any(np.isnan(il))


# --------------------------------------------------------------------------- lines
dims = st.one_of(st.floats(1e-9, 10.0), st.sampled_from([0.0, -1e-4, math.nan, math.inf, 0.15, 100.0]))


@SMALL
@given(cls=st.sampled_from(["Stripline", "Microstrip"]), w=dims, t=dims, h=dims,
       s=st.one_of(st.none(), dims), length=st.floats(0, 1.0))
def test_lines_fuzz(cls, w, t, h, s, length):
    import sikernel.channel.lines as lines

    with only_sikernel_errors():
        line = getattr(lines, cls)("megtron7", w, t, h, spacing=s)
        f = np.linspace(0.0, 60e9, 31)
        loss = line.loss_db(f, length)
        _all_finite(loss)
        assert np.all(loss >= -1e-9)


@pytest.mark.parametrize("kw,msg", [
    ({"width": 0.15}, "0.15 m looks like mm typed as m"),
    ({"height": 125.0}, "looks like um typed as m"),
    ({"thickness": 1e-9}, "not a plausible thickness"),
    ({"width": 5e-3, "height": 20e-6}, "width/height"),
    ({"spacing": 1e-6}, "spacing/height"),
])
@pytest.mark.parametrize("cls", ["Stripline", "Microstrip"])
def test_implausible_geometry_named_before_computing(cls, kw, msg):
    import sikernel.channel.lines as lines

    geo = {"width": 100e-6, "thickness": 17.5e-6, "height": 125e-6, "spacing": 150e-6, **kw}
    with pytest.raises(SIKernelError, match=msg):
        getattr(lines, cls)("megtron7", **geo)


def test_wide_coupled_stripline_refused_not_zero_division():
    """W/h = 28 on a coupled stripline: tanh(pi W / 2b) rounds to 1 in Cohn's moduli and the
    odd-mode impedance divided by zero (found by fuzzing); refused as implausible instead."""
    from sikernel.channel.lines import Microstrip, Stripline

    with pytest.raises(SIKernelError, match="width/height = 28"):
        Stripline("megtron7", width=3.5e-3, thickness=35e-6, height=125e-6, spacing=2e-3)
    Microstrip("megtron7", width=3.5e-3, thickness=35e-6, height=125e-6)   # fine as a microstrip


def test_stripline_width_in_mm_no_overflow():
    """The issue's case: width=0.15 (mm typed as m) raised OverflowError inside loss_db."""
    from sikernel.channel.lines import Stripline

    with pytest.raises(SIKernelError, match="mm typed as m"):
        Stripline("megtron7", width=0.15, thickness=17.5e-6, height=125e-6,
                  spacing=150e-6).loss_db([26.5625e9], 0.1)


# --------------------------------------------------------------------------- stat_eye
pulses = st.lists(st.one_of(st.floats(-2, 2), st.sampled_from([0.0, math.nan, math.inf, 1e300])),
                  min_size=0, max_size=40)


@SMALL
@given(v=pulses, m=st.one_of(st.integers(-1, 8), st.none(), st.just(2.5)),
       mod=st.sampled_from(["nrz", "pam4", "pam9", None]),
       n_dfe=st.integers(-1, 3), sigma=st.one_of(st.floats(0, 0.1), st.sampled_from([-1.0, math.nan])),
       ber=st.sampled_from([1e-6, 0.0, 0.6, math.nan, 1e-30]),
       n_bins=st.sampled_from([16, 64, 3, 10**9]), n_phases=st.sampled_from([1, 8, 0, 10**9]),
       a_dd=st.sampled_from([0.0, 0.05, 0.6]))
def test_stat_eye_fuzz(v, m, mod, n_dfe, sigma, ber, n_bins, n_phases, a_dd):
    from sikernel.eye.stateye import stat_eye

    with only_sikernel_errors():
        r = stat_eye(np.array(v, dtype=float), m, modulation=mod, n_dfe=n_dfe, sigma_v=sigma,
                     target_ber=ber, n_bins=n_bins, n_phases=n_phases, a_dd_ui=a_dd)
        assert np.all(np.isfinite(r.ber)) and np.all(r.eye_height_v >= 0)
        assert np.all(np.isfinite(r.eye_height_v))


_PULSE = np.zeros(64)
_PULSE[20:28] = [0.1, 0.3, 0.5, 0.3, 0.2, 0.1, 0.05, 0.01]


@pytest.mark.parametrize("kw,msg", [
    ({"n_bins": 10**7}, "GiB of PMFs"),                 # would allocate ~20 GB before the check
    ({"n_phases": 10**6}, "GiB of PMFs"),
    ({"rj_quadrature": 10**4, "sigma_rj_ui": 0.01}, "GiB of PMFs"),
    ({"sigma_v": 1e300}, "sigma_v"),                    # overflowed inside the compiled kernel
    ({"snr_tx_db": -1e6}, "snr_tx_db"),                 # OverflowError in 10 ** (-snr / 20)
    ({"levels": [0.0, 1e300]}, "levels reach"),         # RuntimeWarning overflow
    ({"v_max_v": 1e-300}, "v_max_v"),                   # invalid cast of the bin index
    ({"crosstalk": [_PULSE * 1e300]}, "crosstalk"),
])
def test_stat_eye_extreme_inputs_refused(kw, msg):
    """Cases a plain fuzz run rarely combines with a valid pulse; each used to hang, overflow or
    warn (the comments say how) and is now a SIKernelError before any large allocation."""
    from sikernel.eye.stateye import stat_eye

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SIKernelError, match=msg):
            stat_eye(_PULSE, 8, **kw)


# --------------------------------------------------------------------------- energy_per_bit
@SMALL
@given(loss=anything_number, baud=st.one_of(anything_number, st.sampled_from([53.125, 53.125e9])),
       node=st.one_of(anything_number, st.sampled_from([7, 5, 0.05])),
       mod=st.sampled_from(["pam4", "nrz", "bogus", 4]))
def test_energy_per_bit_fuzz(loss, baud, node, mod):
    from sikernel.power import energy_per_bit

    with only_sikernel_errors():
        r = energy_per_bit(loss_db=loss, baud=baud, node_nm=node, modulation=mod)
        total = r.pj_per_bit if hasattr(r, "pj_per_bit") else r.total_pj_per_bit
        assert math.isfinite(total) or math.isnan(total)


# --------------------------------------------------------------------------- com (input validation)
@SMALL
@given(name=st.sampled_from(["t_r_s", "f_b", "sigma_rj", "eta0_v2_hz", "dfe_bmax", "tx_taps", "bogus"]),
       value=anything_number)
def test_com_preset_overrides_fuzz(name, value):
    """COM's input validation (preset overrides) on fuzzed values; no COM is computed."""
    from sikernel.eye.presets import get_preset

    with only_sikernel_errors():
        get_preset("802.3ck-kr", **{name: value})


@SMALL
@given(channel=st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.floats(), max_size=3),
                         st.builds(lambda n, top: ("channel", n, top), st.integers(1, 8),
                                   st.floats(1e6, 5e9))))
def test_com_channel_argument_fuzz(channel):
    """COM's channel argument: anything that is not a usable channel is refused before the EQ
    search (fast); small channels that end far below Nyquist are refused by name."""
    from sikernel.channel import Channel
    from sikernel.eye.com import com

    if isinstance(channel, tuple):
        _, n, top = channel
        channel = Channel(np.linspace(0.0, top, n + 1), np.full((n + 1, 2, 2), 0.3 + 0.1j))
    with only_sikernel_errors():
        com(channel)
        pytest.fail("COM accepted a channel it cannot use")


# --------------------------------------------------------------------------- sweep config
params = st.sampled_from(["length_m", "material", "baud", "node_nm", "n_dfe", "width_m", "bogus"])
values = st.one_of(finite, st.floats(), st.integers(-5, 10**6), st.text(max_size=6), st.booleans(),
                   st.sampled_from(["fr4", "megtron7", 53.125, 0.15, 100]))


@SMALL
@given(axes=st.dictionaries(params, st.lists(values, min_size=0, max_size=3), max_size=3),
       fixed=st.dictionaries(params, values, max_size=2),
       outputs=st.one_of(st.lists(st.sampled_from(["il_nyquist_db", "eye_height_v", "bogus"]),
                                  max_size=2), st.text(max_size=4)),
       freq=st.dictionaries(st.sampled_from(["f_max_hz", "df_hz", "x"]),
                            st.one_of(finite, st.floats(), st.text(max_size=3)), max_size=2),
       extra=st.dictionaries(st.sampled_from(["name", "pulse", "limits", "junk"]),
                             st.one_of(st.text(max_size=4), st.integers(), st.dictionaries(
                                 st.sampled_from(["samples_per_ui", "n_pre", "max_points"]),
                                 st.one_of(st.integers(-3, 100), st.floats()), max_size=2)),
                             max_size=2))
def test_sweep_config_fuzz(axes, fixed, outputs, freq, extra):
    from sikernel.sweep import load_config

    with only_sikernel_errors():
        cfg = load_config({"axes": axes, "fixed": fixed, "outputs": outputs, "frequency": freq, **extra})
        assert cfg.n_points >= 1
        _all_finite(cfg.f_hz)


@SMALL
@given(text=st.text(max_size=200))
def test_sweep_toml_fuzz(tmp_path_factory, text):
    from sikernel.sweep import load_config

    p = tmp_path_factory.mktemp("cfg") / "c.toml"
    p.write_text(text, encoding="utf-8")
    with only_sikernel_errors():
        load_config(p)


def test_sweep_config_path_that_is_a_folder(tmp_path):
    from sikernel.sweep import load_config

    with pytest.raises(SIKernelError):
        load_config(tmp_path)
    with pytest.raises(SIKernelError):
        load_config(os.fspath(tmp_path / "missing.toml"))
