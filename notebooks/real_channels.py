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
# # The IEEE P802.3ck channels: loss, pulses, COM, statistical eyes, length scaling
#
# Measured/simulated 100 Gb/s-per-lane channels contributed to IEEE P802.3ck
# (53.125 GBd PAM4).  They are test data, not shipped with the package: the folder is
# `$SIKERNEL_CHANNELS` (default `../shared/channels` next to the repository).
# **Port map:** pairs (1, 3) at the transmitter, (2, 4) at the receiver
# (`read_touchstone`'s default).

# %%
# %matplotlib inline
import os
from pathlib import Path

import numpy as np

from sikernel import plot
from sikernel.channel.touchstone import read_touchstone

here = Path.cwd()  # the repository or a folder inside it (notebooks/, docs/gallery/)
repo = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
root = Path(os.environ.get("SIKERNEL_CHANNELS", repo.parent / "shared" / "channels"))
d = root / "ieee-802.3ck"
print("channels from", d)
assert d.is_dir(), f"{d} not found: set SIKERNEL_CHANNELS to the folder holding ieee-802.3ck/"
baud = 53.125e9

# %% [markdown]
# ## 1. Insertion loss
#
# Loss at Nyquist (26.56 GHz) of the thru channels, with the IEEE 802.3 fitted loss
# and ILD of the first.

# %%
from sikernel.channel.dc import extrapolate_dc
from sikernel.channel.metrics import fom_ild, il_at_nyquist

names = ["DPO_4in_Meg7_THRU", "DPO_12in_Meg7_THRU", "CA_19p75dB_thru", "C2C_PCB_SYSVIA_12dB_thru",
         "Tp0_Tp5_28p5db_FQSFP_thru"]
thru = {n: read_touchstone(d / f"{n}.s4p") for n in names}
for n, ch in thru.items():
    fom = fom_ild(extrapolate_dc(ch), baud)
    print(f"{n:28s} IL(Nyquist) {float(il_at_nyquist(ch, baud)):5.2f} dB   FOM_ILD {float(fom):.3f} dB")
plot.insertion_loss(list(thru.values()), baud=baud, f_max_hz=40e9)

# %% [markdown]
# ## 2. Pulse responses
#
# PAM4 pulse responses at 53.125 GBd (32 samples per UI) with the 802.3 TX rise-time
# and RX AFE filters off, cursors marked at the peak phase.

# %%
from matplotlib.figure import Figure

from sikernel.response import pulse_response

pulses = {n: pulse_response(thru[n], baud, samples_per_ui=32)
          for n in ("DPO_4in_Meg7_THRU", "CA_19p75dB_thru")}
fig = Figure(figsize=(11, 3.8), layout="constrained")
for ax, (n, p) in zip(fig.subplots(1, 2), pulses.items(), strict=True):
    plot.pulse_response(p, n_pre=3, n_post=16, ax=ax)
    ax.set_title(n, fontsize=9)
fig

# %% [markdown]
# ## 3. COM under the 802.3ck presets, with and without crosstalk
#
# `sikernel.com` implements IEEE 802.3 Annex 93A (package cases, TX FFE × CTLE search,
# DFE, PMF-based noise).  The cable assembly comes with its 8 NEXT and 7 FEXT
# aggressors.  The KR preset is the backplane one; C2C the chip-to-chip one.

# %%
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

# %%
fig = Figure(figsize=(11, 3.8), layout="constrained")
for ax, k in zip(fig.subplots(1, 2), ["KR, thru only", "KR, 8 NEXT + 7 FEXT"], strict=True):
    plot.com_breakdown(results[k], ax=ax)
fig

# %% [markdown]
# ## 4. Statistical eye
#
# The DPO 4-inch channel through the 802.3 TX/RX filters, a 2-tap TX FFE (pre-cursor
# tap -0.2) and a fixed CTLE setting (93A-22 form, 9 dB DC attenuation, zero and first
# pole at f_b/2.5, second pole at f_b), with a 24-tap DFE (the connector reflections
# make a long tail), Gaussian noise and random jitter.  The settings are hand-picked,
# not optimised (COM above searches them).  The heat map is log10 BER; the
# contours are drawn at the chosen BERs; the bathtubs cut it horizontally and
# vertically.

# %%
from sikernel.eye.stateye import stat_eye

p4 = pulse_response(thru["DPO_4in_Meg7_THRU"], baud, samples_per_ui=32, tx_rise_time_s=8e-12,
                    rx_f_r=0.75, tx_ffe=[-0.2, 0.8], tx_ffe_n_pre=1,
                    ctle={"gdc_db": -9.0, "fz_hz": baud / 2.5, "fp1_hz": baud / 2.5, "fp2_hz": baud})
eye = stat_eye(p4, n_dfe=24, sigma_v=1e-3, sigma_rj_ui=0.01, target_ber=1e-6, n_phases=32,
               n_pre=4, n_post=60)   # the default voltage grid: binning adds <= 1 % of the noise
print("eye heights (mV):", np.round(eye.eye_height_v * 1e3, 2),
      " widths (UI):", np.round(eye.eye_width_ui, 3))
plot.stat_eye(eye, contours_ber=(1e-3, 1e-6, 1e-9, 1e-12))

# %%
fig = Figure(figsize=(11, 3.8), layout="constrained")
a1, a2 = fig.subplots(1, 2)
plot.bathtub(eye, direction="phase", ax=a1)
plot.bathtub(eye, direction="voltage", ax=a2)
fig

# %% [markdown]
# The same link simulated symbol by symbol (`sikernel.eye.timesim.simulate`: random
# PAM4 symbols, the same TX FFE / CTLE pulse, 24-tap DFE with error propagation, the
# same noise and jitter) gives the eye diagram as a density.

# %%
from sikernel.eye.timesim import simulate

sim = simulate(p4, n_symbols=100_000, pattern="random", n_dfe=24, sigma_v=1e-3, sigma_rj_ui=0.01,
               n_pre=4, n_post=60, eye_symbols=20_000, eye_bins=256)
print(f"{sim.symbol_errors} symbol errors in {sim.n_symbols} symbols")
plot.eye_density(sim)

# %% [markdown]
# Cross-check of the two models where errors are countable: with 12 mV rms of slicer
# noise the statistical eye predicts a symbol error ratio of a few 1e-4; the
# simulator, at the same sampling phase, thresholds and DFE taps (the statistical eye
# holds the taps of its reference instant; the simulator would otherwise re-derive them
# at the offset phase, `sikernel.eye.timesim`), counts errors in 200,000 symbols
# (95 % Clopper–Pearson interval).

# %%
noisy = stat_eye(p4, n_dfe=24, sigma_v=12e-3, sigma_rj_ui=0.01, target_ber=1e-6, n_phases=32,
                 n_pre=4, n_post=60)
count = simulate(p4, n_symbols=200_000, pattern="random", n_dfe=24, sigma_v=12e-3, sigma_rj_ui=0.01,
                 n_pre=4, n_post=60, phase_offset_ui=noisy.phase_ui, thresholds_v=noisy.thresholds_v,
                 dfe_taps_v=noisy.dfe_taps_v)
lo, hi = count.ser_interval(0.95)
print(f"statistical eye SER {noisy.symbol_error_ratio():.2e};  simulated SER {count.ser:.2e} "
      f"(95% interval {lo:.2e} … {hi:.2e})")
# the cross-check holds (the notebook test runs this; the simulator's symbols are seeded)
assert lo <= noisy.symbol_error_ratio() <= hi, "the statistical eye and the simulator disagree"

# %% [markdown]
# ## 5. A physical stripline fitted to the DPO pair, and other lengths
#
# `DPO_4in` and `DPO_12in` differ only in trace length.  The construction is
# daughtercard – connector – daughtercard with a trace on **each** card, so we take
# the total trace lengths as 2 × 4 in and 2 × 12 in (**assumption**; with 4 and 12 in
# the per-length loss would be about 2 dB/in at 26.6 GHz, twice what a Megtron 7N
# 6-mil stripline shows).  `line_difference` isolates the loss per length of the
# 16 inches that separate them.  We fit a physical `Stripline` (6-6-6 mil:
# W = S = 152 µm, 152 µm to each plane, ½ oz copper, Dk 3.4): its loss tangent at
# 12 GHz and the copper roughness class, least squares on dB/m between 1 and 30 GHz —
# a two-parameter physical fit, not a curve through the data.

# %%
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

# %%
from matplotlib.figure import Figure

fig = Figure(figsize=(6.4, 4), layout="constrained")
ax = fig.add_subplot()
ax.plot(diff.f_hz / 1e9, diff.loss_db_per_m * INCH, label="measured: (DPO_12in - DPO_4in) / 16 in", lw=1)
ax.plot(f_fit / 1e9, line.loss_db(f_fit, INCH), "--", label=f"Stripline fit (Df {df:.4f}, {rough})")
ax.set(xlim=(0, 40), ylim=(0, 2), xlabel="frequency (GHz)", ylabel="loss (dB per inch)")
ax.grid(alpha=0.3)
ax.legend()
fig

# %% [markdown]
# Now predict other lengths two ways: `scale_length` (pure measurement, the Delta-L
# method) and the physical model (the 4-inch channel plus a fitted stripline section
# of the extra length: twice the extra per-card length).  The 12-inch channel checks
# both; lengths are per daughtercard, as in the file names.  The model section is
# referenced to 100 ohm, so its mismatch to the fitted line's own impedance adds
# reflection loss that the measured construction does not have.

# %%
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
