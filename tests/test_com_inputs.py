"""COM input checks (issue 13): frequency data that cannot give a trustworthy pulse response
are errors, dubious data warnings; bad sheets/presets are errors; next/fext None mean none."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sikernel.channel.core import Channel
from sikernel.channel.parametric import ParametricLine
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.eye._com_channel import _MAX_START_FRACTION, _MIN_RECORD_UI
from sikernel.eye.com import com

LINE = ParametricLine(a1=4.114e-4, a2=2.547e-4, tau_ns_per_mm=6.191e-3, zc_ohm=100.0)
FB = 53.125e9


def _line_on(f: np.ndarray) -> Channel:
    return LINE.section(0.1, f)


def test_five_points_is_an_error() -> None:
    # before: COM -9.9 dB without a word
    with pytest.raises(SIKernelError, match="frequency step"):
        com(_line_on(np.linspace(0.0, 60e9, 5)))


def test_data_from_20_ghz_is_an_error() -> None:
    with pytest.raises(SIKernelError, match="starts at"):
        com(_line_on(np.arange(20e9, 60e9 + 1, 10e6)))


def test_1_ghz_steps_is_an_error() -> None:
    with pytest.raises(SIKernelError, match="impulse response repeats"):
        com(_line_on(np.arange(0.0, 60e9 + 1, 1e9)))


def test_thresholds_follow_the_baud_rate() -> None:
    """Just inside the limits is accepted (with the reference code's warnings), just outside not."""
    step = FB / _MIN_RECORD_UI
    ok = np.arange(0.0, 60e9, step * 0.99)
    with pytest.warns(SIKernelWarning, match="step"):
        com(_line_on(ok), z_p_cases_m=((0.012, 0.012),), ctle_gdc_db=(-6.0,), ctle_gdc2_db=(0.0,))
    with pytest.raises(SIKernelError, match="impulse response repeats"):
        com(_line_on(np.arange(0.0, 60e9, step * 1.01)))
    start = _MAX_START_FRACTION * FB
    with pytest.raises(SIKernelError, match="starts at"):
        com(_line_on(np.arange(start * 1.01, 60e9, 10e6)))


def test_ending_below_nyquist_is_an_error_and_below_fb_a_warning() -> None:
    with pytest.raises(SIKernelError, match="Nyquist"):
        com(_line_on(np.arange(0.0, 26e9, 10e6)))
    with pytest.warns(SIKernelWarning, match="below the signalling rate"):
        com(_line_on(np.arange(0.0, 40e9, 10e6)), z_p_cases_m=((0.012, 0.012),),
            ctle_gdc_db=(-6.0,), ctle_gdc2_db=(0.0,))


def test_none_aggressors_and_no_warning_on_good_data() -> None:
    ch = _line_on(np.arange(0.0, 60e9 + 1, 10e6))
    kw = {"z_p_cases_m": ((0.012, 0.012),), "ctle_gdc_db": (-6.0,), "ctle_gdc2_db": (0.0,)}
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        a = com(ch, next=None, fext=None, **kw)
    b = com(ch, next=[], fext=[], **kw)
    assert a.com_db == b.com_db and a.next == () and a.fext == ()


def test_no_tx_setting_meets_c0_min() -> None:
    with pytest.raises(SIKernelError, match="c0_min"):
        com(_line_on(np.arange(0.0, 60e9 + 1, 10e6)), tx_taps=((-1, -0.5, -0.5, 0.0),), c0_min=0.6)


def test_disconnected_channel_is_an_explicit_error() -> None:
    """No transmission at all: no sampling point exists; before, COM came back as -inf."""
    ch = _line_on(np.arange(0.0, 60e9 + 1, 10e6))
    s = ch.sdd.copy()
    s[:, 1, 0] = s[:, 0, 1] = 0.0
    dead = Channel(ch.f, s, ch.z0_ohm, "disconnected")
    with pytest.raises(SIKernelError, match=r"no TX FFE x CTLE setting|not positive"):
        com(dead, z_p_cases_m=((0.012, 0.012),), ctle_gdc_db=(-6.0,), ctle_gdc2_db=(0.0,))


def test_preset_and_config_together_is_an_error() -> None:
    with pytest.raises(SIKernelError, match="not both"):
        com(_line_on(np.arange(0.0, 60e9 + 1, 10e6)), "802.3ck-kr", config="x.xlsx")


def test_get_preset_is_public() -> None:
    import sikernel

    assert sikernel.get_preset("802.3ck-kr").name == "802.3ck-kr"


# --------------------------------------------------------------------------- unit slips in overrides
@pytest.mark.parametrize(("field", "value", "needle"), [
    ("t_r_s", 4e-9, "ps must be multiplied by 1e-12"),          # ns typed for ps
    ("t_r_s", 4.0, "ps must be multiplied by 1e-12"),
    ("eta0_v2_per_hz", 8.2e-9, "V^2/GHz"),                     # the sheet's unit
    ("a_v_v", 413.0, "mV must be divided by 1000"),
    ("a_ne_v", 608.0, "mV must be divided by 1000"),
    ("f_r_ratio", 0.75e9, "divided by baud_hz"),               # a frequency for a ratio
    ("sigma_rj_ui", 0.2e-12 * 53.125e9 * 1e12, "UI"),          # ps typed (0.2 ps -> 10.6)
    ("ctle_fz_hz", 21.25, "GHz must be multiplied by 1e9"),
    ("r_lm", 95.0, "at most 1"),
])
def test_implausible_override_names_the_unit_slip(field, value, needle):
    """A value outside its plausible range is refused before any computation, naming the field,
    the range and the likely slip (review: t_r_s=4e-9 had blamed the channel; eta0 in V^2/GHz
    gave COM -66 dB; a_v_v=413 gave a 21 V signal and a pass)."""
    import re

    from sikernel.eye.presets import PRESET_NAMES, get_preset

    with pytest.raises(SIKernelError, match=rf"{field}=\S+ is outside .*{re.escape(needle)}"):
        get_preset("802.3ck-kr", **{field: value})
    for name in PRESET_NAMES:   # every shipped preset lies inside every range
        get_preset(name)


@pytest.mark.parametrize(("over", "needle"), [
    ({"ctle_f_lf_hz": 0.664}, "ctle_f_lf_hz=0.664 is outside"),            # GHz typed
    ({"z_p_cases_m": ((12.0, 12.0),)}, "12 mm is 0.012 m"),                # mm typed
])
def test_implausible_ctle_corner_and_package_lengths(over, needle):
    """Review: --set ctle_f_lf_hz=0.664 moved COM silently, z_p_cases_m=[[12,12]] blamed the
    channel; both are refused on the field."""
    from sikernel.eye.presets import get_preset

    with pytest.raises(SIKernelError, match=needle):
        get_preset("802.3ck-kr", **over)


@pytest.mark.parametrize(("over", "needle"), [
    ({"dfe_bmax": (-1.0,)}, r"^COM preset dfe_bmax=\(-1\.0,\): expected limits >= 0 .*dfe_bmin defaults to "
                            r"-dfe_bmax"),
    ({"dfe_bmax": (1.0,), "dfe_bmin": (0.5, 0.2)}, r"dfe_bmin=\(0\.5, 0\.2\) / dfe_bmax=\(1\.0,\)"),
    ({"tx_taps": ((-1, 0.0, -0.1, 0.02),)}, r"tx_taps row \(-1, 0\.0, -0\.1, 0\.02\): expected"),
    ({"z_p_cases_m": np.array([[-0.01, 0.01]])}, r"z_p_cases_m=\(\(-0\.01, 0\.01\),\); expected"),
])
def test_preset_messages_name_what_was_given_in_plain_numbers(over, needle):
    """Fuzz 31 low: dfe_bmax=(-1,) was reported as 'dfe_bmin=(1.0,)' (derived, not given), and
    table rows as np.float64(-1.0)."""
    from sikernel.eye.presets import get_preset

    with pytest.raises(SIKernelError, match=needle) as ei:
        get_preset("802.3ck-kr", **over)
    assert "np." not in str(ei.value)


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("snr_tx_db", 1995.0, "10*log10(x) dB"),                 # linear typed for dB
    ("df_hz", 0.01, "GHz must be multiplied by 1e9"),         # GHz typed (was a MemoryError in com)
    ("df_hz", 2e9, "in Hz (IEEE sheets 1e7"),                 # beyond the CLI's range
])
def test_snr_and_frequency_step_ranges(field, value, needle):
    """Fuzz 31 M5: snr_tx_db=1995 moved COM silently (stat_eye refuses > 300 dB); df_hz=0.01
    reached numpy as a 43 TiB MemoryError through the API while the CLI refused it."""
    import re

    from sikernel.eye.presets import get_preset

    with pytest.raises(SIKernelError, match=rf"{field}=\S+ is outside .*{re.escape(needle)}"):
        get_preset("802.3ck-kr", **{field: value})
    with pytest.raises(SIKernelError, match=rf"{field}=\S+ is outside"):
        com(_line_on(np.arange(0.0, 60e9 + 1, 10e6)), **{field: value})


@pytest.mark.parametrize(("over", "needle"), [
    ({"der0": 1e-30}, "der0=1e-30 is below 1e-20"),
    ({"pass_threshold_db": -3.0}, "pass_threshold_db=-3 is negative"),
    ({"ctle_gdc_db": (20.0,)}, r"ctle_gdc_db=\(20.0,\) has gains above 0 dB"),
    ({"ctle_gdc2_db": (-1.0, 3.0)}, "ctle_gdc2_db=.* has gains above 0 dB"),
])
def test_dubious_preset_values_warn(over, needle):
    """Fuzz 31 M5: der0=1e-30, pass_threshold_db=-3 and a positive CTLE g_DC were accepted
    silently; each is legal but almost surely a slip, so it warns, at the user's line."""
    from sikernel.eye.presets import PRESET_NAMES, get_preset

    with pytest.warns(SIKernelWarning, match=needle) as rec:
        get_preset("802.3ck-kr", **over)
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in PRESET_NAMES:   # no shipped preset warns
            get_preset(name)
