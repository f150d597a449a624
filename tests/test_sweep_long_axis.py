"""A long numeric axis (more than ``store.INLINE_AXIS_MAX`` values) is stored once, as its
coordinate dataset; the config JSON (HDF5 attribute and resume journal) holds its digest.

Written out, a 10^7-value axis made a ~190 MB config JSON that took ~20 s to encode and write
before the sweep's first point (issue 14).  What must still hold: the config read back holds
every value as given; resume accepts the same axis and refuses one that differs in a single
value (naming the axis); a journal written by the former format (every value in its config
JSON) still resumes.
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from sikernel import store
from sikernel.errors import SIKernelError, SIKernelWarning
from sikernel.sweep import run_sweep

N_LONG = store.INLINE_AXIS_MAX + 1
#: lengths not on a round grid, so that a digest of a rounded or re-parsed copy would differ
LENGTHS = (0.002 + 0.3 * np.sort(np.random.default_rng(14).random(N_LONG))).tolist()
CFG = {"name": "long", "outputs": ["il_nyquist_db"], "axes": {"length_m": LENGTHS},
       "fixed": {"material": "megtron7", "baud": 26.5625e9},
       "frequency": {"f_max_hz": 20e9, "df_hz": 500e6},
       "pulse": {"samples_per_ui": 4, "n_pre": 1, "n_post": 2}}
CHUNK = 4096


def _started(path) -> None:
    run_sweep(CFG, path, chunk=CHUNK, quiet=True, _max_chunks=1)


def test_long_axis_stored_once_and_read_back_exactly(tmp_path):
    out = tmp_path / "s.h5"
    _started(out)
    with h5py.File(out, "r") as f:
        g = f["sweeps/long"]
        text = g.attrs["config_json"]
        coord = g["coords/length_m"][()]
    assert len(text) < 2000                                   # not the 10^4 values
    dig = json.loads(text)["axes"]["length_m"]
    assert dig["n_values"] == N_LONG and dig["first"] == LENGTHS[0] and dig["last"] == LENGTHS[-1]
    np.testing.assert_array_equal(coord, LENGTHS)
    meta = json.loads((store.Journal(out).dir / "meta.json").read_text())
    assert meta["config_json"] == text
    res = run_sweep(CFG, out, resume=True, quiet=True)       # same config: resumes
    assert res.complete and res.config["axes"]["length_m"] == LENGTHS
    assert res.config["fixed"]["material"] == "megtron7"


def test_resume_refuses_a_long_axis_differing_in_one_value(tmp_path):
    out = tmp_path / "s.h5"
    _started(out)
    other = list(LENGTHS)
    other[N_LONG // 2] = np.nextafter(other[N_LONG // 2], 1.0)   # one value, one ulp
    with pytest.raises(SIKernelError, match=r"config differs.*axes\.length_m"):
        run_sweep({**CFG, "axes": {"length_m": other}}, out, resume=True, quiet=True)


def _started_in_former_format(out):
    """A started sweep whose journal's config JSON holds every value of the long axis, as
    sikernel wrote it before the digest."""
    _started(out)
    meta_path = store.Journal(out).dir / "meta.json"
    meta = json.loads(meta_path.read_text())
    full = json.loads(meta["config_json"])
    full["axes"]["length_m"] = LENGTHS
    meta["config_json"] = json.dumps(full, sort_keys=True, separators=(",", ":"))
    meta_path.write_text(json.dumps(meta))
    return out


def test_journal_of_the_former_format_resumes(tmp_path):
    """A sweep started before the digest (its journal's config JSON holding every value)."""
    out = _started_in_former_format(tmp_path / "s.h5")
    with pytest.warns(SIKernelWarning, match="incomplete"):
        assert not store.open(out).complete
    res = run_sweep(CFG, out, resume=True, quiet=True)
    assert res.complete and int(np.isnan(res["il_nyquist_db"]).sum()) == 0


#: a refusal message names the changed key; the long axis written in full (10^4 values, ~200 kB of
#: JSON) must not appear in it
MAX_RESUME_MESSAGE_CHARS = 1000


def test_former_format_journal_with_another_change_names_only_that_change(tmp_path):
    """Resuming a former-format journal (every value of the long axis in its config JSON) with a
    different fixed value: the refusal names ``fixed.baud`` only -- not the long axis, which is
    the same, and not its values."""
    out = _started_in_former_format(tmp_path / "s.h5")
    other = {**CFG, "fixed": {**CFG["fixed"], "baud": 25.78125e9}}
    with pytest.raises(SIKernelError, match=r"fixed\.baud") as e:
        run_sweep(other, out, resume=True, quiet=True)
    msg = str(e.value)
    assert "length_m" not in msg and len(msg) < MAX_RESUME_MESSAGE_CHARS


def test_digest_only_for_long_numeric_axes():
    assert store.axis_digest(list(range(store.INLINE_AXIS_MAX))) is None
    assert store.axis_digest(["megtron7"] * N_LONG) is None
    d = store.axis_digest(list(range(N_LONG)))
    assert d["int"] and d["n_values"] == N_LONG
    assert json.loads(store.config_json({"axes": {"n": list(range(N_LONG))}}))["axes"]["n"] == d


def test_long_axis_repeats_refused_in_any_order():
    """Uniqueness of a long axis: a strictly monotonic one (either way) passes without a sort;
    a repeat is found whether the axis is sorted or not."""
    from sikernel.sweep import load_config

    def axis(v):
        return {**CFG, "axes": {"length_m": v}}

    assert load_config(axis(LENGTHS[::-1])).n_points == N_LONG
    rep = list(LENGTHS)
    rep[-1] = rep[-2]                                               # sorted, one repeat
    shuffled = list(np.random.default_rng(5).permutation(LENGTHS))
    shuffled[3] = shuffled[N_LONG // 2]                             # unsorted, one repeat
    for bad in (rep, shuffled):
        with pytest.raises(SIKernelError, match="repeated values"):
            load_config(axis(bad))
    assert load_config(axis(list(np.random.default_rng(6).permutation(LENGTHS)))).n_points == N_LONG
