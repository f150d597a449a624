"""Matplotlib figures of sikernel results (optional extra: ``pip install 'sikernel[plot]'``).

Every function takes a result object and an optional ``ax`` (a matplotlib
Axes to draw into), and returns the :class:`matplotlib.figure.Figure`.
Matplotlib is imported inside the functions, so ``import sikernel.plot`` is
light; figures are built without ``pyplot`` (see :mod:`sikernel.plot._common`).

=====================  ==========================================================
function               draws
=====================  ==========================================================
``insertion_loss``     IL vs frequency with FIT and ILD (Channel)
``pulse_response``     pulse response with cursors marked (PulseResponse)
``stat_eye``           BER heat map with BER contours (StatEyeResult)
``bathtub``            BER vs phase or threshold (StatEyeResult)
``eye_density``        simulated eye diagram density (SimResult)
``com_breakdown``      A_s vs A_ni and the noise terms (ComResult)
``energy_blocks``      pJ/bit vs path length or loss, stacked blocks, budgets (EnergyBreakdowns)
``study_energy``       pJ/bit vs PCB length per material, budgets (StudyResult)
``switch_power``       W per switch per architecture and generation, p10-p90 (StudyResult)
``port_blocks``        W per port by component, stacked, p10-p90 (StudyResult)
``cpo_tornado``        inputs that move the CPO saving most (StudyResult)
=====================  ==========================================================
"""

from __future__ import annotations

from .channel import insertion_loss
from .energy import cpo_tornado, energy_blocks, port_blocks, study_energy, switch_power
from .eye import bathtub, com_breakdown, eye_density, stat_eye
from .pulse import pulse_response

__all__ = [
    "bathtub",
    "com_breakdown",
    "cpo_tornado",
    "energy_blocks",
    "eye_density",
    "insertion_loss",
    "port_blocks",
    "pulse_response",
    "stat_eye",
    "study_energy",
    "switch_power",
]
