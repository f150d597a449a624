"""``SweepResult.to_xarray()``: the success path (xarray is in the ``test`` extra) and its error."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import xarray as xr

from sikernel import store
from sikernel.errors import SIKernelError
from sikernel.sweep import run_sweep

CFG = {
    "name": "xr",
    "outputs": ["il_nyquist_db", "cursors_v"],
    "axes": {"length_m": [0.01, 0.05, 0.1], "material": ["megtron7", "fr4"], "baud": [26.5625e9]},
    "frequency": {"f_max_hz": 30e9, "df_hz": 200e6},
    "pulse": {"samples_per_ui": 8, "n_pre": 1, "n_post": 4},
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("xr") / "s.h5"
    run_sweep(CFG, out, quiet=True)
    return store.open(out)


def test_to_xarray_holds_every_output_and_coordinate(result):
    ds = result.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert set(ds.data_vars) == {"il_nyquist_db", "cursors_v"}
    assert ds["il_nyquist_db"].dims == ("length_m", "material", "baud")
    assert ds["cursors_v"].dims == ("length_m", "material", "baud", "cursor")
    np.testing.assert_array_equal(ds["length_m"].values, CFG["axes"]["length_m"])
    assert ds["material"].values.tolist() == CFG["axes"]["material"]
    np.testing.assert_array_equal(ds["il_nyquist_db"].values, result["il_nyquist_db"])
    np.testing.assert_array_equal(ds["cursors_v"].values, result["cursors_v"])
    assert ds["il_nyquist_db"].attrs["units"] == result.units["il_nyquist_db"]
    assert ds.attrs == {"name": "xr", "complete": True}
    # labelled selection gives the same number as positional indexing of the store arrays
    v = float(ds["il_nyquist_db"].sel(length_m=0.05, material="fr4", baud=26.5625e9))
    assert v == result["il_nyquist_db"][1, 1, 0]
    # loss grows with length (a physical check that the axes are not permuted)
    il = ds["il_nyquist_db"].sel(material="fr4", baud=26.5625e9).values
    assert np.all(np.diff(il) > 0)


def test_to_xarray_without_xarray_says_how_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray -> ImportError
    with pytest.raises(SIKernelError, match=r"needs xarray \(pip install xarray\)"):
        result.to_xarray()
