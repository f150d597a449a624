# The public names of ``sikernel.eq``, for type checkers and for ``lazy_loader.attach_stub``
# (SPEC 1), which imports each on first use: ``import sikernel.eq`` stays light.

from .dfe import DfeResult as DfeResult
from .dfe import apply_dfe as apply_dfe
from .ffe import apply_ffe as apply_ffe
from .ffe import rx_ffe_cursors as rx_ffe_cursors
from .ffe import tx_ffe_taps as tx_ffe_taps
from .filters import ctle_from_poles_zeros as ctle_from_poles_zeros
from .filters import ctle_response as ctle_response
from .filters import ctle_responses as ctle_responses
from .filters import ffe_response as ffe_response
from .filters import rx_afe_filter as rx_afe_filter
from .filters import tx_rise_time_filter as tx_rise_time_filter
from .mmse import MmseBatchResult as MmseBatchResult
from .mmse import MmseResult as MmseResult
from .mmse import mmse_batch as mmse_batch
from .mmse import noise_acf_from_psd as noise_acf_from_psd
from .mmse import solve_mmse as solve_mmse
from .mmse import symbol_variance as symbol_variance
from .zf import ZfResult as ZfResult
from .zf import zero_forcing as zero_forcing

__all__ = [
    "DfeResult",
    "MmseBatchResult",
    "MmseResult",
    "ZfResult",
    "apply_dfe",
    "apply_ffe",
    "ctle_from_poles_zeros",
    "ctle_response",
    "ctle_responses",
    "ffe_response",
    "mmse_batch",
    "noise_acf_from_psd",
    "rx_afe_filter",
    "rx_ffe_cursors",
    "solve_mmse",
    "symbol_variance",
    "tx_ffe_taps",
    "tx_rise_time_filter",
    "zero_forcing",
]
