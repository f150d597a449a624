# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sweeps: a grid to HDF5, read back, where each architecture stops closing, on dask
#
# `sikernel.sweep.run_sweep` evaluates a declarative grid (stripline length × material
# × symbol rate here) in compiled batches and stores every output in one HDF5 file
# (schema: `docs/hdf5-schema.md`); `sikernel.store.open` reads it back.  The same
# config runs on a `dask.distributed` cluster with `backend="dask"` (section 3 needs the `dask`
# extra: `pip install ".[plot,dask]"`; without it that section says so and is skipped).

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sikernel import store
from sikernel.sweep import run_sweep

work = Path(tempfile.mkdtemp(prefix="sikernel_sweep_"))
config = {
    "name": "reach",
    "outputs": ["il_nyquist_db", "h0_v", "eye_height_v", "pj_per_bit", "eq_architecture"],
    "axes": {
        "length_m": [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
        "material": ["megtron7", "fr4"],
        "baud": [53.125e9, 106.25e9],
    },
    "fixed": {"roughness": "hvlp", "modulation": "pam4", "node_nm": 7, "n_dfe": 1,
              "target_ber": 1e-6},
    "frequency": {"f_max_hz": 80e9, "df_hz": 25e6},
    "pulse": {"samples_per_ui": 16, "n_pre": 2, "n_post": 12},
}

# %% [markdown]
# ## 1. Run the sweep locally (Numba threads) and read the file back

# %%
import time

t0 = time.perf_counter()
res = run_sweep(config, work / "reach.h5", quiet=True)
print(f"{np.prod([len(v) for v in config['axes'].values()])} points in {time.perf_counter() - t0:.1f} s")
back = store.open(work / "reach.h5")
print("complete:", back.complete, " outputs:", list(back.outputs))
for k, v in back.outputs.items():
    print(f"  {k:14s} {back.units[k]:7s} dims {back.dims[k]}  shape {v.shape}")

# %% [markdown]
# ## 2. Where does each architecture stop closing?
#
# `eq_architecture` is the SerDes family the energy model picks at each point (the
# cheapest retimed one that closes the link at the target BER: 1 analog, a CTLE with or
# without DFE taps, 2 ADC-DSP; code 0, the unretimed linear family, is not chosen by a
# sweep; NaN where none closes, and then `pj_per_bit` is NaN too).  Along length
# the family steps up as the loss grows; the last length of each family is its reach.

# %%
FAMILIES = ("linear", "analog", "dsp")
L = np.asarray(back.axes["length_m"])
mats = list(back.axes["material"])
bauds = np.asarray(back.axes["baud"])
il = back.outputs["il_nyquist_db"]
pj = back.outputs["pj_per_bit"]
arch = back.outputs["eq_architecture"]
dims = back.dims["pj_per_bit"]
print("dims:", dims)


def series(out, i, j):
    sl = {"length_m": slice(None), "material": i, "baud": j}
    return out[tuple(sl[dn] for dn in dims)]


for i, m in enumerate(mats):
    for j, fb in enumerate(bauds):
        codes = series(arch, i, j)
        reach = [f"{FAMILIES[c]} up to {L[codes == c].max() * 1e3:.0f} mm"
                 for c in range(3) if np.any(codes == c)]
        dead = L[np.isnan(codes)]
        tail = f"; nothing closes from {dead.min() * 1e3:.0f} mm" if dead.size else ""
        print(f"{m:9s} {fb / 1e9:7.3f} GBd: {', '.join(reach) or 'nothing closes'}{tail}")

# %%
fig = Figure(figsize=(11, 3.8), layout="constrained")
ax1, ax2 = fig.subplots(1, 2)
for i, m in enumerate(mats):
    for j, fb in enumerate(bauds):
        lab = f"{m}, {fb / 1e9:g} GBd"
        ax1.plot(L * 1e3, series(il, i, j), marker=".", label=lab)
        ax2.plot(L * 1e3, series(pj, i, j), marker=".", label=lab)
ax1.set_ylabel("IL at Nyquist (dB)")
ax2.set_ylabel("energy (pJ/bit), NaN = no closure")
for ax in (ax1, ax2):
    ax.set_xlabel("stripline length (mm)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
fig

# %% [markdown]
# ## 3. The same sweep on a dask LocalCluster
#
# Two single-threaded worker processes on this machine; the scheduler writes the file
# (one writer).  The results must be identical to the local run.

# %%
try:
    import distributed  # noqa: F401  (the dask extra)
    have_dask = True
except ImportError:
    have_dask = False
    print('skipped: this section needs the dask extra (pip install ".[plot,dask]")')
if have_dask:
    t0 = time.perf_counter()
    res_dask = run_sweep(config, work / "reach_dask.h5", backend="dask", n_workers=2, quiet=True)
    print(f"dask: {time.perf_counter() - t0:.1f} s (includes starting the cluster)")
    back_dask = store.open(work / "reach_dask.h5")
    for k in back.outputs:
        same = np.array_equal(back.outputs[k], back_dask.outputs[k], equal_nan=True)
        print(f"  {k:14s} identical to the local run: {same}")
        assert same

# %%
import shutil

shutil.rmtree(work)  # the example files are not kept
