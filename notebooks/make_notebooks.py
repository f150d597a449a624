"""Generate the example notebooks (outputs stripped) from the cells below.

Run ``python notebooks/make_notebooks.py`` after editing; the ``.ipynb`` files are
written next to this script with no outputs and no execution counts, so the
repository holds clean, reviewable JSON.  ``tests/test_notebooks.py`` executes
them top to bottom.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


# ---------------------------------------------------------------------------------
CPO_ENERGY = [
    md("""
# Why co-packaged optics saves energy: from path length to watts per switch

The electrical path between a switch ASIC's SerDes and the optics sets the loss the
SerDes must equalise.  This notebook walks the chain that `sikernel` models:

1. **geometry and materials** → channel S-parameters of each architecture
   (pluggable, linear pluggable LPO, near-packaged NPO, co-packaged CPO);
2. **insertion loss at Nyquist** of each path;
3. **energy per bit** of the SerDes that closes that loss (block by block), along
   path length;
4. **watts per 51.2 Tb/s and 102.4 Tb/s switch**.

Every assumption is printed where it enters.  The numbers are those of the
calibrated `sikernel.power` model (see `docs/energy-model.md`); they are a model,
not measurements.
"""),
    code("""
import numpy as np

%matplotlib inline

import sikernel
from sikernel import plot, study
from sikernel.channel.materials import get_dielectric, get_roughness

print("sikernel", sikernel.__version__)
"""),
    md("""
## 1. Paths and materials (assumptions)

The study's default paths (`sikernel.study.DEFAULT_PATHS`, overridable with
`run_study(paths=...)`) and the assumptions behind them, as the study module
documents them, followed by the datasheet points of the PCB materials.
"""),
    code("""
print(study.__doc__)
for spec in study.DEFAULT_PATHS.values():
    print(spec)
print()
for m in ("megtron7", "megtron6", "fr4"):
    d = get_dielectric(m)
    print(f"{m:9s} Dk {d.dk} / Df {d.df} at {d.f_ref_hz/1e9:g} GHz  "
          f"(source: {d.source}; confidence {d.confidence})")
r = get_roughness("hvlp")
print(f"copper roughness 'hvlp': Rq = {r.rq_m*1e6:g} um")
print(f"lanes per switch: {study.LANES_PER_SWITCH}; lane rates (Gb/s): {study.RATES_GBPS}")
"""),
    md("""
## 2. Insertion loss of each architecture's channel

Each path is built as a cascade of 2-port sections (`sikernel.study.build_channel`)
at 53.125 GBd (106.25 Gb/s PAM4, the 51.2T generation).  The dots mark the loss at
Nyquist (26.56 GHz); the dashed line and the right axis are the IEEE 802.3 fitted
loss and its deviation (ILD) of the first channel.  LPO uses the pluggable's channel
(it differs in the module electronics), so those two curves coincide.
"""),
    code("""
baud = 53.125e9
chans = [study.build_channel(spec, baud) for spec in study.DEFAULT_PATHS.values()]
for ch in chans:
    print(f"{ch.name:10s} IL at {baud/2e9:.2f} GHz: {ch.il_db(baud/2):5.1f} dB")
plot.insertion_loss(chans, baud=baud, f_max_hz=60e9)
"""),
    md("""
## 3. Loss per length of the PCB materials

The stripline's loss at Nyquist per metre, from A's physical model (conductor skin
effect with roughness + causal Djordjevic-Sarkar dielectric): the slope that
turns extra centimetres into decibels.
"""),
    code("""
from sikernel.channel.lines import Stripline

for rate in study.RATES_GBPS:
    fn = np.array([rate * 1e9 / 4])  # PAM4: Nyquist = baud/2 = rate/4
    per_mm = {m: float(Stripline(m, 127e-6, 17.5e-6, 127e-6, 200e-6, "hvlp").loss_db(fn, 1.0)[0]) / 1e3
              for m in ("megtron7", "megtron6", "fr4")}
    print(f"{rate:g} Gb/s (Nyquist {fn[0]/1e9:.2f} GHz): " +
          ", ".join(f"{m} {v:.3f} dB/mm" for m, v in per_mm.items()))
"""),
    md("""
## 4. Energy per bit along the path, block by block

The NPO path of the study (switch package, 31 mm trace + Megtron 7 stripline +
optical-engine package, 2 mm) with the stripline growing from 0 to 600 mm, at both
lane rates.  Each channel goes through the full SI chain of
`sikernel.power.energy_per_bit(channel=...)`, which picks the cheapest SerDes family
(linear / analog CTLE + DFE / ADC-DSP) that closes the link at BER 1e-6 (7 nm, TX +
RX of one link).  Vertical dashed lines: the lengths where the loss at Nyquist
reaches each reach class's budget; solid lines: a change of architecture.
"""),
    code("""
from dataclasses import replace

from matplotlib.figure import Figure

from sikernel.power import energy_per_bit

npo = study.DEFAULT_PATHS["npo"]
fig = Figure(figsize=(12, 4.2), layout="constrained")
for ax, rate in zip(fig.subplots(1, 2), study.RATES_GBPS, strict=True):
    fb = rate * 1e9 / 2
    bds, total_m = [], []
    for x in np.linspace(0.0, 0.6, 13):
        segs = (("stripline", "megtron7", float(x)),) if x > 0 else ()
        spec = replace(npo, name=f"npo + {x * 1e3:.0f} mm", segments=segs)
        bds.append(energy_per_bit(channel=study.build_channel(spec, fb), baud=fb, node_nm=7))
        total_m.append(spec.length_m)
    print(f"{rate:g} Gb/s: " + ", ".join(f"{e.il_nyquist_db:.0f} dB -> {e.total_pj_per_bit:.2f}"
                                          for e in bds[::4]) + " pJ/bit")
    plot.energy_blocks(bds, total_m, ax=ax)
fig
"""),
    md("""
## 5. The study: four architectures, two switch generations

`run_study` builds each path's channel, runs the full SI chain on it (pulse
response, TX FFE × CTLE search, DFE, MMSE RX FFE), and sizes the SerDes.
W per switch counts both directions of all 512 lanes.  Pluggable adds its
module retimer's second hop; LPO adds the module's linear stages.  **Optical-side
energy (laser, modulator driver, TIA) is not included** here; the study keeps it in
a separate, assumption-only table.
"""),
    code("""
res = study.run_study()
print(res.table())
print("\\noptical side, kept separate (assumptions, pJ/bit):", study.OPTICAL_COMPONENTS_PJ_PER_BIT)
"""),
    md("""
Where the energy goes, per architecture (pJ/bit, TX + RX of one link, plus the
module's share for pluggable and LPO):
"""),
    code("""
rows = [r for r in res.rows if r["rate_gbps"] == res.inputs["rates_gbps"][0]]
names = list(dict.fromkeys(b for r in rows for b in r["blocks_pj_per_bit"]))
print(f"{'block':18s}" + "".join(f"{r['name']:>11s}" for r in rows))
for b in names:
    vals = [r["blocks_pj_per_bit"].get(b, 0.0) for r in rows]
    if any(v > 0 for v in vals):
        print(f"{b:18s}" + "".join(f"{v:11.3f}" for v in vals))
print(f"{'total':18s}" + "".join(f"{r['pj_per_bit_electrical']:11.3f}" for r in rows))
"""),
    code("""
plot.switch_power(res)
"""),
    code("""
plot.study_energy(res, rate_gbps=106.25)
"""),
    code("""
plot.study_energy(res, rate_gbps=212.5)
"""),
    md("""
## 6. What the numbers say

The electrical I/O power falls with the path loss: CPO's few centimetres of package
trace keep the loss at a few dB, where a linear (or lightly equalised) SerDes closes
the link, while a pluggable's host board needs a fully equalised, retimed SerDes and
a second retimer in the module.  The saving per switch is the `save W` column
above.  Caveats: the paths, the connector and module models and the optical-side
energy are the assumptions printed in section 1 (optical power is excluded from
every figure here); every coefficient of the energy model is listed with its source
(or marked as an assumption) in `docs/energy-model.md`.
"""),
]

# ---------------------------------------------------------------------------------
REAL_CHANNELS = [
    md("""
# The IEEE P802.3ck channels: loss, pulses, COM, statistical eyes, length scaling

Measured/simulated 100 Gb/s-per-lane channels contributed to IEEE P802.3ck
(53.125 GBd PAM4).  They are test data, not shipped with the package: the folder is
`$SIKERNEL_CHANNELS` (default `../shared/channels` next to the repository).
**Port map:** pairs (1, 3) at the transmitter, (2, 4) at the receiver
(`read_touchstone`'s default).
"""),
    code("""
import os
from pathlib import Path

import numpy as np

%matplotlib inline

from sikernel import plot
from sikernel.channel.touchstone import read_touchstone

repo = Path.cwd() if (Path.cwd() / "pyproject.toml").exists() else Path.cwd().parent
root = Path(os.environ.get("SIKERNEL_CHANNELS", repo.parent / "shared" / "channels"))
d = root / "ieee-802.3ck"
print("channels from", d)
assert d.is_dir(), f"{d} not found: set SIKERNEL_CHANNELS to the folder holding ieee-802.3ck/"
baud = 53.125e9
"""),
    md("""
## 1. Insertion loss

Loss at Nyquist (26.56 GHz) of the thru channels, with the IEEE 802.3 fitted loss
and ILD of the first.
"""),
    code("""
from sikernel.channel.dc import extrapolate_dc
from sikernel.channel.metrics import fom_ild, il_at_nyquist

names = ["DPO_4in_Meg7_THRU", "DPO_12in_Meg7_THRU", "CA_19p75dB_thru", "C2C_PCB_SYSVIA_12dB_thru",
         "Tp0_Tp5_28p5db_FQSFP_thru"]
thru = {n: read_touchstone(d / f"{n}.s4p") for n in names}
for n, ch in thru.items():
    fom = fom_ild(extrapolate_dc(ch), baud)
    print(f"{n:28s} IL(Nyquist) {float(il_at_nyquist(ch, baud)):5.2f} dB   FOM_ILD {float(fom):.3f} dB")
plot.insertion_loss(list(thru.values()), baud=baud, f_max_hz=40e9)
"""),
    md("""
## 2. Pulse responses

PAM4 pulse responses at 53.125 GBd (32 samples per UI) with the 802.3 TX rise-time
and RX AFE filters off, cursors marked at the peak phase.
"""),
    code("""
from matplotlib.figure import Figure

from sikernel.response import pulse_response

pulses = {n: pulse_response(thru[n], baud, samples_per_ui=32)
          for n in ("DPO_4in_Meg7_THRU", "CA_19p75dB_thru")}
fig = Figure(figsize=(11, 3.8), layout="constrained")
for ax, (n, p) in zip(fig.subplots(1, 2), pulses.items(), strict=True):
    plot.pulse_response(p, n_pre=3, n_post=16, ax=ax)
    ax.set_title(n, fontsize=9)
fig
"""),
    md("""
## 3. COM under the 802.3ck presets, with and without crosstalk

`sikernel.com` implements IEEE 802.3 Annex 93A (package cases, TX FFE × CTLE search,
DFE, PMF-based noise).  The cable assembly comes with its 8 NEXT and 7 FEXT
aggressors.  The KR preset is the backplane one; C2C the chip-to-chip one.
"""),
    code("""
import time

from sikernel.eye.com import com

ca = thru["CA_19p75dB_thru"]
nexts = [d / f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)]
fexts = [d / f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)]
results = {}
t0 = time.perf_counter()
results["KR, thru only"] = com(ca, "802.3ck-kr")
results["KR, 8 NEXT + 7 FEXT"] = com(ca, "802.3ck-kr", next=nexts, fext=fexts)
results["C2C, thru only"] = com(thru["C2C_PCB_SYSVIA_12dB_thru"], "802.3ck-c2c")
for k, r in results.items():
    print(f"{k:22s} COM {r.com_db:5.2f} dB  ({'pass' if r.passed else 'fail'})  "
          f"A_s {r.a_s*1e3:.1f} mV  A_ni {r.a_ni*1e3:.2f} mV")
print(f"{time.perf_counter() - t0:.1f} s for the three")
"""),
    code("""
fig = Figure(figsize=(11, 3.8), layout="constrained")
for ax, k in zip(fig.subplots(1, 2), ["KR, thru only", "KR, 8 NEXT + 7 FEXT"], strict=True):
    plot.com_breakdown(results[k], ax=ax)
fig
"""),
    md("""
## 4. Statistical eye

The DPO 4-inch channel through the 802.3 TX/RX filters, a 2-tap TX FFE (pre-cursor
tap -0.2) and a fixed CTLE setting (93A-22 form, 9 dB DC attenuation, zero and first
pole at f_b/2.5, second pole at f_b), with a 24-tap DFE (the connector reflections
make a long tail), Gaussian noise and random jitter.  The settings are hand-picked,
not optimised (COM above searches them).  The heat map is log10 BER; the
contours are drawn at the chosen BERs; the bathtubs cut it horizontally and
vertically.
"""),
    code("""
from sikernel.eye.stateye import stat_eye

p4 = pulse_response(thru["DPO_4in_Meg7_THRU"], baud, samples_per_ui=32, tx_rise_time_s=8e-12,
                    rx_f_r=0.75, tx_ffe=[-0.2, 0.8], tx_ffe_n_pre=1,
                    ctle={"gdc_db": -9.0, "fz_hz": baud / 2.5, "fp1_hz": baud / 2.5, "fp2_hz": baud})
eye = stat_eye(p4, n_dfe=24, sigma_v=1e-3, sigma_rj_ui=0.01, target_ber=1e-6, n_phases=32, n_bins=512,
               n_pre=4, n_post=60)
print("eye heights (mV):", np.round(eye.eye_height_v * 1e3, 2),
      " widths (UI):", np.round(eye.eye_width_ui, 3))
plot.stat_eye(eye, contours_ber=(1e-3, 1e-6, 1e-9, 1e-12))
"""),
    code("""
fig = Figure(figsize=(11, 3.8), layout="constrained")
a1, a2 = fig.subplots(1, 2)
plot.bathtub(eye, direction="phase", ax=a1)
plot.bathtub(eye, direction="voltage", ax=a2)
fig
"""),
    md("""
The same link simulated symbol by symbol (`sikernel.eye.timesim.simulate`: random
PAM4 symbols, the same TX FFE / CTLE pulse, 24-tap DFE with error propagation, the
same noise and jitter) gives the eye diagram as a density.
"""),
    code("""
from sikernel.eye.timesim import simulate

sim = simulate(p4, n_symbols=100_000, pattern="random", n_dfe=24, sigma_v=1e-3, sigma_rj_ui=0.01,
               n_pre=4, n_post=60, eye_symbols=20_000, eye_bins=256)
print(f"{sim.symbol_errors} symbol errors in {sim.n_symbols} symbols")
plot.eye_density(sim)
"""),
    md("""
Cross-check of the two models where errors are countable: with 12 mV rms of slicer
noise the statistical eye predicts a symbol error ratio of a few 1e-4; the
simulator, at the same sampling phase and thresholds, counts errors in 200,000
symbols (95 % Clopper–Pearson interval).
"""),
    code("""
noisy = stat_eye(p4, n_dfe=24, sigma_v=12e-3, sigma_rj_ui=0.01, target_ber=1e-6, n_phases=32,
                 n_bins=512, n_pre=4, n_post=60)
count = simulate(p4, n_symbols=200_000, pattern="random", n_dfe=24, sigma_v=12e-3, sigma_rj_ui=0.01,
                 n_pre=4, n_post=60, phase_offset_ui=noisy.phase_ui, thresholds_v=noisy.thresholds_v)
lo, hi = count.ser_interval(0.95)
print(f"statistical eye SER {noisy.symbol_error_ratio():.2e};  simulated SER {count.ser:.2e} "
      f"(95% interval {lo:.2e} … {hi:.2e})")
"""),
    md("""
## 5. A physical stripline fitted to the DPO pair, and other lengths

`DPO_4in` and `DPO_12in` differ only in trace length.  The construction is
daughtercard – connector – daughtercard with a trace on **each** card, so we take
the total trace lengths as 2 × 4 in and 2 × 12 in (**assumption**; with 4 and 12 in
the per-length loss would be about 2 dB/in at 26.6 GHz, twice what a Megtron 7N
6-mil stripline shows).  `line_difference` isolates the loss per length of the
16 inches that separate them.  We fit a physical `Stripline` (6-6-6 mil:
W = S = 152 µm, 152 µm to each plane, ½ oz copper, Dk 3.4): its loss tangent at
12 GHz and the copper roughness class, least squares on dB/m between 1 and 30 GHz —
a two-parameter physical fit, not a curve through the data.
"""),
    code("""
from scipy.optimize import minimize_scalar

from sikernel.channel.lines import Stripline
from sikernel.channel.materials import Dielectric
from sikernel.channel.scaling import line_difference, scale_length

INCH = 0.0254
a, b = thru["DPO_4in_Meg7_THRU"], thru["DPO_12in_Meg7_THRU"]
la, lb = 8 * INCH, 24 * INCH  # total trace: two daughtercards (assumption above)
diff = line_difference(a, la, b, lb)
band = (diff.f_hz >= 1e9) & (diff.f_hz <= 30e9)
f_fit, meas_db_m = diff.f_hz[band], diff.loss_db_per_m[band]

def model(df, rough):
    diel = Dielectric("megtron7-fit", 3.4, df, 12e9)
    return Stripline(diel, 152e-6, 17.5e-6, 152e-6, 152e-6, rough)

def cost(df, rough):
    return float(np.mean((model(df, rough).loss_db(f_fit, 1.0) - meas_db_m) ** 2))

fits = []
for rough in ("smooth", "hvlp", "vlp", "rtf"):
    r = minimize_scalar(cost, bounds=(1e-4, 2e-2), args=(rough,), method="bounded")
    fits.append((r.fun, rough, r.x))
    print(f"roughness {rough:6s}: best Df {r.x:.4f} at 12 GHz, rms error {np.sqrt(r.fun):.2f} dB/m")
err, rough, df = min(fits)
line = model(df, rough)
print(f"fitted: Df = {df:.4f} (datasheet Megtron 7: 0.002 at 12 GHz), roughness '{rough}', "
      f"rms error {np.sqrt(err):.2f} dB/m")
"""),
    code("""
from matplotlib.figure import Figure

fig = Figure(figsize=(6.4, 4), layout="constrained")
ax = fig.add_subplot()
ax.plot(diff.f_hz / 1e9, diff.loss_db_per_m * INCH, label="measured: (DPO_12in - DPO_4in) / 16 in", lw=1)
ax.plot(f_fit / 1e9, line.loss_db(f_fit, INCH), "--", label=f"Stripline fit (Df {df:.4f}, {rough})")
ax.set(xlim=(0, 40), ylim=(0, 2), xlabel="frequency (GHz)", ylabel="loss (dB per inch)")
ax.grid(alpha=0.3)
ax.legend()
fig
"""),
    md("""
Now predict other lengths two ways: `scale_length` (pure measurement, the Delta-L
method) and the physical model (the 4-inch channel plus a fitted stripline section
of the extra length: twice the extra per-card length).  The 12-inch channel checks
both; lengths are per daughtercard, as in the file names.  The model section is
referenced to 100 ohm, so its mismatch to the fitted line's own impedance adds
reflection loss that the measured construction does not have.
"""),
    code("""
from sikernel.channel.twoport import cascade

fn = baud / 2
print(f"{'length':>8s} {'scale_length':>13s} {'4in + model':>12s} {'measured':>9s}"
      f"   (IL at {fn/1e9:.2f} GHz, dB)")
pred = {}
for n_in in (6, 8, 12, 16, 20):
    s = scale_length(a, la, b, lb, 2 * n_in * INCH)
    mdl = cascade(a, line.section(2 * (n_in - 4) * INCH, a.f, z0_ohm=100.0))
    meas = f"{b.il_db(fn):9.2f}" if n_in == 12 else f"{'':9s}"
    print(f"{n_in:6d} in {s.il_db(fn):13.2f} {mdl.il_db(fn):12.2f} {meas}")
    pred[n_in] = s.renamed(f"{n_in} in (scale_length)")
plot.insertion_loss([pred[k] for k in (6, 12, 20)] + [b], baud=baud, fit=False, f_max_hz=50e9)
"""),
]

# ---------------------------------------------------------------------------------
SWEEPS = [
    md("""
# Sweeps: a grid to HDF5, read back, where each architecture stops closing, on dask

`sikernel.sweep.run_sweep` evaluates a declarative grid (stripline length × material
× symbol rate here) in compiled batches and stores every output in one HDF5 file
(schema: `docs/hdf5-schema.md`); `sikernel.store.open` reads it back.  The same
config runs on a `dask.distributed` cluster with `backend="dask"`.
"""),
    code("""
import tempfile
from pathlib import Path

import numpy as np

%matplotlib inline
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
"""),
    md("## 1. Run the sweep locally (Numba threads) and read the file back"),
    code("""
import time

t0 = time.perf_counter()
res = run_sweep(config, work / "reach.h5", quiet=True)
print(f"{np.prod([len(v) for v in config['axes'].values()])} points in {time.perf_counter() - t0:.1f} s")
back = store.open(work / "reach.h5")
print("complete:", back.complete, " outputs:", list(back.outputs))
for k, v in back.outputs.items():
    print(f"  {k:14s} {back.units[k]:7s} dims {back.dims[k]}  shape {v.shape}")
"""),
    md("""
## 2. Where does each architecture stop closing?

`eq_architecture` is the SerDes family the energy model picks at each point (the
cheapest that closes the link at the target BER: 0 linear, 1 analog CTLE + DFE,
2 ADC-DSP; NaN where none closes, and then `pj_per_bit` is NaN too).  Along length
the family steps up as the loss grows; the last length of each family is its reach.
"""),
    code("""
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
"""),
    code("""
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
"""),
    md("""
## 3. The same sweep on a dask LocalCluster

Two single-threaded worker processes on this machine; the scheduler writes the file
(one writer).  The results must be identical to the local run.
"""),
    code("""
t0 = time.perf_counter()
res_dask = run_sweep(config, work / "reach_dask.h5", backend="dask", n_workers=2, quiet=True)
print(f"dask: {time.perf_counter() - t0:.1f} s (includes starting the cluster)")
back_dask = store.open(work / "reach_dask.h5")
for k in back.outputs:
    same = np.array_equal(back.outputs[k], back_dask.outputs[k], equal_nan=True)
    print(f"  {k:14s} identical to the local run: {same}")
    assert same
"""),
    code("""
import shutil

shutil.rmtree(work)  # the example files are not kept
"""),
]


NOTEBOOKS = {"cpo_energy.ipynb": CPO_ENERGY, "real_channels.ipynb": REAL_CHANNELS, "sweeps.ipynb": SWEEPS}


def build(name: str):
    """The notebook ``name`` as an nbformat node (no outputs, stable cell ids)."""
    cells = NOTEBOOKS[name]
    for i, cell in enumerate(cells):
        cell["id"] = f"{Path(name).stem}-{i:02d}"  # stable ids: regenerating changes nothing
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def write(name: str) -> Path:
    path = HERE / name
    nbformat.write(build(name), path)
    return path


def main() -> None:
    for name in NOTEBOOKS:
        print("wrote", write(name))


if __name__ == "__main__":
    main()
