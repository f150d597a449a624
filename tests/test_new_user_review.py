"""Findings of a new-user review from Python (December 2026, session 22): the COM guide's preset
example, a study result addressed by either lane rate, a curves plot of a study run without its
curves, and the default host paths passed back explicitly."""

from __future__ import annotations

import warnings

import pytest

from sikernel import SIKernelError
from sikernel.errors import SIKernelWarning
from sikernel.eye.presets import get_preset
from sikernel.system.account import PortModel
from sikernel.system.channels import DEFAULT_PATHS, paths_with_lengths
from sikernel.system.standards import generation

from .conftest import repo_text


def test_com_guide_preset_example_runs_and_sets_14_dfe_taps():
    doc = repo_text("docs/guide/com.md")
    line = next(x for x in doc.splitlines() if x.startswith("p = sk.get_preset("))
    assert "dfe_bmax=(0.85, 0.3) + (0.2,) * 12" in line
    p = get_preset("802.3ck-kr", dfe_bmax=(0.85, 0.3) + (0.2,) * 12)
    assert len(p.dfe_bmax) == len(p.bmin) == 14


def test_unknown_dfe_count_field_names_the_way_to_set_it():
    with pytest.raises(SIKernelError, match=r"unknown COM preset field\(s\) \['n_dfe'\]; the DFE tap "
                       r"count is the length of dfe_bmax"):
        get_preset("802.3ck-kr", n_dfe=14)


class _FakeStudy:
    """Just the parts of a StudyResult that ``port`` reads."""

    def __init__(self, ports):
        self.ports = ports


def test_port_accepts_nominal_and_line_rate():
    from sikernel.system.result import StudyResult

    ports = [{"architecture": "cpo", "lane_gbps": 100.0, "w": 1},
             {"architecture": "cpo", "lane_gbps": 200.0, "w": 2}]
    fake = _FakeStudy(ports)
    for rate, w in ((100, 1), (106.25, 1), (200, 2), (212.5, 2)):
        assert StudyResult.port(fake, "cpo", rate)["w"] == w
    with pytest.raises(SIKernelError, match=r"no port entry for \('cpo', 53.125\)"):
        StudyResult.port(fake, "cpo", 53.125)


@pytest.fixture(scope="module")
def small_study():
    from sikernel.study import run_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SIKernelWarning)   # few draws
        return run_study(rates_gbps=(106.25,), n_draws=50, with_eyes=False, with_curves=False)


def test_study_energy_refuses_a_study_without_curves(small_study):
    pytest.importorskip("matplotlib")
    from sikernel.plot import study_energy

    with pytest.raises(SIKernelError, match=r"no energy-vs-reach curves.*with_curves=True"):
        study_energy(small_study, rate_gbps=100)    # the nominal rate names 106.25
    with pytest.raises(SIKernelError, match=r"rate_gbps=53 is not in the study"):
        study_energy(small_study, rate_gbps=53)


@pytest.mark.parametrize("paths", [DEFAULT_PATHS, paths_with_lengths(breakout_vias=True)],
                         ids=["DEFAULT_PATHS", "breakout_vias"])
def test_default_board_passed_back_does_not_warn(paths):
    """The default board is built to the 22 dB linear budget at 200G/lane by design (docs 6.2);
    passing the default paths back (or a path changing something else) is not a board the caller
    chose, so no warning; a chosen length still warns (test_system_checks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SIKernelWarning)
        pm = PortModel("lpo", generation(200), paths=dict(paths))
    from sikernel.system.channels import host_board_mm

    given = paths[pm.arch.path]
    assert host_board_mm(pm.path) < host_board_mm(given)    # still built to the budget


def test_study_file_layout_is_as_the_guide_says(small_study, tmp_path):
    """docs/guide/cpo.md describes the study's HDF5 file (the sweep schema page does not): the
    names it gives exist, and the port groups carry the JSON's numbers."""
    import re

    import h5py
    import numpy as np

    from sikernel.study import read_hdf5, write_hdf5

    doc = repo_text("docs/guide/cpo.md", flat=True)
    for name in ("inputs_json", "checks_json", "tornado_json", "ports_not_closing_json", "warnings_json",
                 "blocks_w",
                 "architectures/", "curves/", "il_curves/", "complete = True",
                 "NNN_<architecture>_<lane>G_<port>G"):
        assert name in doc, name
    path = write_hdf5(small_study, tmp_path / "s.h5")
    with h5py.File(path, "r") as h:
        for a in ("inputs_json", "checks_json", "tornado_json", "ports_not_closing_json", "warnings_json"):
            assert a in h.attrs, a
        assert bool(h.attrs["complete"])
        assert {"ports", "architectures", "curves", "il_curves"} <= set(h)
        names = sorted(h["ports"])
        assert names and all(re.fullmatch(r"\d{3}_[a-z_]+_\d+G_\d+G", n) for n in names), names
        first = h["ports"][names[0]]
        p0 = small_study.ports[0]
        assert np.isclose(first.attrs["w_per_port"], p0["w_per_port"])
        assert set(first["blocks_w"].attrs) == set(p0["blocks_w"])
    back = read_hdf5(path)
    assert isinstance(back, dict) and len(back["ports"]) == len(small_study.ports)


def test_result_reprs_are_short():
    """A notebook prints a result whole: ComResult printed about 17 kB (every case's pulse and the
    preset); arrays are now named by shape, the scalars shown."""
    import numpy as np

    import sikernel as sk

    from .conftest import channel_path

    r = sk.com(channel_path("DPO_4in_Meg7_THRU.s4p"))
    text = repr(r)
    assert len(text) < 1000 and text.startswith("ComResult(com_db=6.14") and "<tuple of 2>" in text
    assert len(repr(r.cases[0])) < 1500 and "cursors_v=<array" in repr(r.cases[0])
    p = np.zeros(32 * 40)
    p[32 * 8 + 5], p[32 * 9 + 5] = 0.5, 0.2
    e = sk.stat_eye(p, 32, sigma_v=0.01)
    s = sk.simulate(p, 32, n_symbols=1000, sigma_v=0.01)
    assert len(repr(e)) < 1500 and "pmf=<array 64x4x" in repr(e)
    assert len(repr(s)) < 1000 and "n_symbols=1000," in repr(s)     # exactly the symbols asked for
