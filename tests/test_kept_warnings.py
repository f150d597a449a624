"""sikernel._kept_warnings: a run's SIKernelWarnings kept with its result, the caller's warning
filters and handlers unchanged (review 26: a record-and-replay version ran on past an "error"
filter, masked the run's own exception and delayed every warning to the end)."""

from __future__ import annotations

import warnings

import pytest

from sikernel._kept_warnings import kept_warnings
from sikernel.errors import SIKernelError, SIKernelWarning


def _warn(text: str = "dubious  input\n  here") -> None:
    warnings.warn(SIKernelWarning(text), stacklevel=2)


def test_keeps_each_sikernel_warning_once_and_still_shows_it():
    kept: list[str] = []
    with warnings.catch_warnings(record=True) as outer:
        warnings.simplefilter("always")
        with kept_warnings(kept):
            _warn()
            _warn("dubious input here")          # the same text, other wrapping: kept once
            warnings.warn(RuntimeWarning("not ours"), stacklevel=1)
    assert kept == ["dubious input here"]
    assert [w.category for w in outer] == [SIKernelWarning, SIKernelWarning, RuntimeWarning]


def test_an_error_filter_raises_where_the_warning_is_raised():
    reached = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SIKernelWarning), kept_warnings([]):
            _warn()
            reached.append(True)
    assert not reached


def test_the_runs_own_exception_propagates():
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.raises(SIKernelError, match="the run failed"), kept_warnings([]):
            _warn()
            raise SIKernelError("the run failed")


def test_a_second_run_keeps_its_warnings_under_the_default_filter():
    """The once-per-location registry is reset on entering, so the same warning site warns (and
    is kept) in every run of a session."""
    runs = []
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for _ in range(2):
            kept: list[str] = []
            with kept_warnings(kept):
                _warn("same site")
            runs.append(kept)
    assert runs == [["same site"], ["same site"]]


def test_an_ignored_warning_is_not_kept():
    kept: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SIKernelWarning)
        with kept_warnings(kept):
            _warn()
    assert kept == []


def test_study_file_without_warnings_reads_an_empty_list(tmp_path):
    """A study file written before ``warnings_json`` existed reads back with ``warnings == []``."""
    import h5py

    from sikernel.system.h5 import read_hdf5, write_hdf5
    from sikernel.system.result import StudyResult

    res = StudyResult(rows=[], curves={}, inputs={}, provenance={}, warnings=["w"])
    path = write_hdf5(res, tmp_path / "s.h5")
    assert read_hdf5(path)["warnings"] == ["w"]
    with h5py.File(path, "a") as h:
        del h.attrs["warnings_json"]
    assert read_hdf5(path)["warnings"] == []
