# The public API of ``sikernel``: the single list of top-level names.
#
# Type checkers read this stub; at run time ``sikernel/__init__.py`` hands it to
# ``lazy_loader.attach_stub`` (SPEC 1, https://scientific-python.org/specs/spec-0001/),
# which imports each name from its module on first use.  Only ``from .x import y``
# and ``from . import x`` lines are allowed here (no ``from __future__``, no star).

# errors and version
from .errors import LinkNotClosingError as LinkNotClosingError
from .errors import NoTransmissionError as NoTransmissionError
from .errors import SIKernelError as SIKernelError
from .errors import SIKernelWarning as SIKernelWarning

__version__: str

# subpackages and modules
from . import channel as channel
from . import eq as eq
from . import errors as errors
from . import eye as eye
from . import plot as plot
from . import power as power
from . import response as response
from . import store as store
from . import study as study
from . import sweep as sweep
from . import system as system

# channels
from .channel.batch import stripline_channels as stripline_channels
from .channel.core import Channel as Channel
from .channel.dc import extrapolate_dc as extrapolate_dc
from .channel.lines import Microstrip as Microstrip
from .channel.lines import Stripline as Stripline
from .channel.link import Link as Link
from .channel.materials import get_dielectric as get_dielectric
from .channel.materials import get_roughness as get_roughness
from .channel.metrics import fitted_il as fitted_il
from .channel.metrics import fom_ild as fom_ild
from .channel.metrics import il_at_nyquist as il_at_nyquist
from .channel.package import PACKAGES as PACKAGES
from .channel.package import package_channel as package_channel
from .channel.parametric import ParametricLine as ParametricLine
from .channel.scaling import scale_length as scale_length
from .channel.touchstone import read_touchstone as read_touchstone
from .channel.twoport import cascade as cascade

# eye closure and COM
from .eye.closure import eye_closure as eye_closure
from .eye.com import com as com
from .eye.erl import erl as erl
from .eye.peak import peak_distortion_eye as peak_distortion_eye
from .eye.presets import ComPreset as ComPreset
from .eye.presets import get_preset as get_preset
from .eye.stateye import stat_eye as stat_eye
from .eye.timesim import simulate as simulate

# energy, time domain and the study
from .power.api import energy_per_bit as energy_per_bit
from .power.batch import energy_per_bit_batch as energy_per_bit_batch
from .response import impulse_response as impulse_response
from .response import pulse_response as pulse_response
from .response import step_response as step_response
from .study import run_study as run_study

# sweeps
from .sweep import run_sweep as run_sweep

__all__ = [
    "PACKAGES",
    "Channel",
    "ComPreset",
    "Link",
    "LinkNotClosingError",
    "Microstrip",
    "NoTransmissionError",
    "ParametricLine",
    "SIKernelError",
    "SIKernelWarning",
    "Stripline",
    "__version__",
    "cascade",
    "channel",
    "com",
    "energy_per_bit",
    "energy_per_bit_batch",
    "eq",
    "erl",
    "errors",
    "extrapolate_dc",
    "eye",
    "eye_closure",
    "fitted_il",
    "fom_ild",
    "get_dielectric",
    "get_preset",
    "get_roughness",
    "il_at_nyquist",
    "impulse_response",
    "package_channel",
    "peak_distortion_eye",
    "plot",
    "power",
    "pulse_response",
    "read_touchstone",
    "response",
    "run_study",
    "run_sweep",
    "scale_length",
    "simulate",
    "stat_eye",
    "step_response",
    "store",
    "stripline_channels",
    "study",
    "sweep",
    "system",
]
