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
# # Why co-packaged optics saves energy: from path length to watts per switch
#
# The electrical path between a switch ASIC's SerDes and the optics sets the loss the
# SerDes must equalise.  This notebook walks the chain that `sikernel` models:
#
# 1. **geometry and materials** → channel S-parameters of each architecture
#    (pluggable, LRO, linear pluggable LPO, near-packaged NPO with and without DSP, co-packaged CPO);
# 2. **insertion loss at Nyquist** of each path;
# 3. **energy per bit** of the SerDes that closes that loss (block by block), along
#    path length;
# 4. **watts per 51.2 Tb/s and 102.4 Tb/s switch**.
#
# Every assumption is printed where it enters.  The numbers are those of the
# calibrated `sikernel.power` model (see `docs/energy-model.md`); they are a model,
# not measurements.

# %%
# %matplotlib inline
import numpy as np

import sikernel
from sikernel import plot, study
from sikernel.channel.materials import get_dielectric, get_roughness

print("sikernel", sikernel.__version__)

# %% [markdown]
# ## 1. Paths and materials (assumptions)
#
# The study's default paths (`sikernel.study.DEFAULT_PATHS`, overridable with
# `run_study(paths=...)`) and the assumptions behind them, as the study module
# documents them, followed by the datasheet points of the PCB materials.

# %%
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

# %% [markdown]
# ## 2. Insertion loss of each architecture's channel
#
# Each path is built as a cascade of 2-port sections (`sikernel.study.build_channel`)
# at 53.125 GBd (106.25 Gb/s PAM4, the 51.2T generation).  The dots mark the loss at
# Nyquist (26.56 GHz); the dashed line and the right axis are the IEEE 802.3 fitted
# loss and its deviation (ILD) of the first channel.  LRO and LPO use the pluggable's channel
# and NPO with DSP the NPO's (they differ in the module electronics), so those curves coincide.

# %%
baud = 53.125e9
chans = [study.build_channel(spec, baud) for spec in study.DEFAULT_PATHS.values()]
for ch in chans:
    print(f"{ch.name:10s} IL at {baud/2e9:.2f} GHz: {ch.il_db(baud/2):5.1f} dB")
plot.insertion_loss(chans, baud=baud, f_max_hz=60e9)

# %% [markdown]
# ## 3. Loss per length of the PCB materials
#
# The stripline's loss at Nyquist per metre, from the stripline's physical model (conductor skin
# effect with roughness + causal Djordjevic-Sarkar dielectric): the slope that
# turns extra centimetres into decibels.

# %%
from sikernel.channel.lines import Stripline

for rate in study.RATES_GBPS:
    fn = np.array([rate * 1e9 / 4])  # PAM4: Nyquist = baud/2 = rate/4
    per_mm = {m: float(Stripline(m, 127e-6, 17.5e-6, 127e-6, 200e-6, "hvlp").loss_db(fn, 1.0)[0]) / 1e3
              for m in ("megtron7", "megtron6", "fr4")}
    print(f"{rate:g} Gb/s (Nyquist {fn[0]/1e9:.2f} GHz): " +
          ", ".join(f"{m} {v:.3f} dB/mm" for m, v in per_mm.items()))

# %% [markdown]
# ## 4. Energy per bit along the path, block by block
#
# The NPO path of the study (switch package, 31 mm trace + breakout via + Megtron 7
# stripline + breakout via + optical-engine package, 2 mm) with the stripline growing from
# 0 to 600 mm (no via at 0 mm), at both lane rates.  Each channel goes through the full SI chain of
# `sikernel.power.energy_per_bit(channel=...)`, which picks the cheapest retimed SerDes
# family (analog: a CTLE with or without DFE taps / ADC-DSP) that closes the link, TX + RX of
# one link, at the node and the C2C BER of the study's switch generation at that lane rate
# (51.2T: 5 nm, 1e-5; 102.4T: 3 nm, 1e-4), without the study's crosstalk; the printed line
# names the family at each point (a change of family is a step in energy: the ADC-DSP receiver
# costs more than the analog one).  Vertical dashed lines: the lengths where the loss at Nyquist
# reaches each reach class's budget; solid lines: a change of architecture.  Where no
# family closes the link, `energy_per_bit` raises `SIKernelError` saying why; the curve
# stops there and the length is printed.

# %%
from dataclasses import replace

from matplotlib.figure import Figure

from sikernel import SIKernelError
from sikernel.power import energy_per_bit
from sikernel.system.standards import generation

npo = study.DEFAULT_PATHS["npo"]
fig = Figure(figsize=(12, 4.2), layout="constrained")
for ax, rate in zip(fig.subplots(1, 2), study.RATES_GBPS, strict=True):
    fb = rate * 1e9 / 2
    gen = generation(rate)
    bds, total_m = [], []
    for x in np.linspace(0.0, 0.6, 13):
        segs = (("stripline", "megtron7", float(x)),) if x > 0 else ()
        spec = replace(npo, name=f"npo + {x * 1e3:.0f} mm", segments=segs)
        ch = study.build_channel(spec, fb)
        try:
            bds.append(energy_per_bit(channel=ch, baud=fb, node_nm=gen.node_nm,
                                      target_ber=gen.target_ber_c2c))
        except SIKernelError as exc:
            print(f"{rate:g} Gb/s, {spec.length_m * 1e3:.0f} mm ({ch.il_db(fb / 2):.1f} dB): "
                  f"{str(exc).split(':')[0]}; the curve stops here")
            break
        total_m.append(spec.length_m)
    print(f"{rate:g} Gb/s ({gen.name}: {gen.node_nm:g} nm, BER {gen.target_ber_c2c:g}): "
          + ", ".join(f"{e.il_nyquist_db:.0f} dB -> {e.total_pj_per_bit:.2f} ({e.architecture})"
                      for e in bds[::4]) + " pJ/bit")
    plot.energy_blocks(bds, total_m, ax=ax)
fig

# %% [markdown]
# ## 5. The study: every architecture, two switch generations
#
# `run_study` builds each architecture's host channel, runs the full SI chain on it
# (pulse response, TX FFE × CTLE search, DFE, MMSE RX FFE), prices the host SerDes at
# both ends, adds the module's or optical engine's components (the port account), and
# propagates every documented range through a seeded Monte Carlo: each figure comes
# with its p10 … p90 band.  Which ends, directions and components each figure counts is
# written in `docs/energy-model.md` ("The port account").

# %%
res = study.run_study()
print(res.table())

# %% [markdown]
# Every number of the run is in `res.to_json()` (plain Python objects, the
# `sikernel study --json` output); its top-level groups:

# %%
study_json = res.to_json()
for key, value in study_json.items():
    size = f"{len(value)} entries" if isinstance(value, (list, dict)) else repr(value)
    print(f"{key:12s} {size}")

# %%
plot.switch_power(res)

# %%
plot.study_energy(res, rate_gbps=106.25)

# %%
plot.study_energy(res, rate_gbps=212.5)

# %% [markdown]
# ## 6. What the numbers say
#
# The electrical I/O power falls with the path loss: CPO's few centimetres of package
# trace keep the loss at a few dB, where a lightly equalised SerDes (a CTLE, no DFE) closes
# the link, while a pluggable's host board needs a fully equalised, retimed SerDes and
# a second retimer in the module.  The table above gives the saving per switch with its
# band.  Caveats: the paths, the connector and module models are the assumptions printed
# in section 1; every coefficient of the energy model is listed with its source (or
# marked as an assumption) in `docs/energy-model.md`.
