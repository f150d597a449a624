# The public names of ``sikernel.eye``, for type checkers and for ``lazy_loader.attach_stub``
# (SPEC 1), which imports each on first use: ``import sikernel.eye`` stays light.

from .closure import ClosureResult as ClosureResult
from .closure import eye_closure as eye_closure
from .closure import eye_closure_db as eye_closure_db
from .peak import PeakEyeResult as PeakEyeResult
from .peak import peak_distortion_eye as peak_distortion_eye
from .stateye import StatEyeResult as StatEyeResult
from .stateye import stat_eye as stat_eye
from .timesim import SimResult as SimResult
from .timesim import prbs as prbs
from .timesim import prqs as prqs
from .timesim import simulate as simulate

__all__ = [
    "ClosureResult",
    "PeakEyeResult",
    "SimResult",
    "StatEyeResult",
    "eye_closure",
    "eye_closure_db",
    "peak_distortion_eye",
    "prbs",
    "prqs",
    "simulate",
    "stat_eye",
]
