"""Many line(+package) channels of different lengths in one batched, parallel Numba call.

Everything that does not depend on length is computed once on the grid (the
line's series impedance and shunt admittance per metre, the package ABCD
matrices); the kernel :mod:`sikernel._kernels.batch_build` then forms, per
(channel, frequency), the line ABCD, the cascade TX package · line · RX package
and the S-parameters.  The result equals building each channel with
:meth:`Stripline.section` and :func:`~sikernel.channel.twoport.cascade`
(tested to 1e-10).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate
from .._kernels import batch_build as _k
from ..errors import SIKernelError
from .core import Channel
from .package import PackageModel, get_package, package_abcd

#: Below this many channels the serial driver is used: waking worker threads costs more
#: than the work (results are identical either way: the same row kernel).
_PARALLEL_MIN = 8


def _package(pkg: Any, z_p: float | None, f: np.ndarray, side: str, z0: float) -> np.ndarray | None:
    if pkg is None:
        return None
    if isinstance(pkg, Channel):
        from .lumped import on_grid

        ch = on_grid(pkg, f)
        from .twoport import renormalize, s_to_abcd

        s = ch.sdd if ch.z0_ohm == z0 else renormalize(ch.sdd, ch.z0_ohm, z0)
        return s_to_abcd(s, z0)
    if isinstance(pkg, (str, PackageModel)):
        pm = get_package(pkg)
        if z_p is None:
            cases = pm.z_p_cases(side)
            if not cases:
                raise SIKernelError(f"package {pm.name!r} has no default z_p for {side}; pass z_p_{side}_m")
            z_p = cases[0]
        return package_abcd(pm, z_p, f, side)
    raise SIKernelError(f"{side}_package={pkg!r}: expected a preset name, PackageModel, Channel or None")


#: largest result :func:`stripline_channels` allocates (complex128 values): 2**26 = 1 GiB, as
#: stat_eye's PMF limit; beyond it the request is refused before allocating
MAX_RESULT_VALUES = 2 ** 26


def _out(buffer: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
    if buffer is None:
        need = int(np.prod(shape, dtype=np.int64))
        if need > MAX_RESULT_VALUES:
            raise SIKernelError(f"{shape[0]} lengths x {shape[1]} frequencies"
                                + (" x 2 x 2" if len(shape) == 4 else "") + f" needs {need * 16 / 2**30:.1f} "
                                f"GiB (limit {MAX_RESULT_VALUES * 16 / 2**30:.0f} GiB); build the lengths "
                                "in batches, or pass a preallocated buffer")
        return np.empty(shape, dtype=np.complex128)
    if (not isinstance(buffer, np.ndarray) or buffer.shape != shape or buffer.dtype != np.complex128
            or not buffer.flags.c_contiguous or not buffer.flags.writeable):
        raise SIKernelError(f"buffer must be a writeable C-contiguous complex128 array of shape {shape}; "
                            f"got {getattr(buffer, 'shape', None)} {getattr(buffer, 'dtype', type(buffer))}")
    return buffer


def _s21_tables(z: np.ndarray, y: np.ndarray, ptx: np.ndarray, prx: np.ndarray,
                z0: float) -> tuple[np.ndarray, ...]:
    """Length-independent S21 tables (module docstring of :mod:`sikernel._kernels.batch_build`):
    real and imaginary parts of ``gamma = sqrt(z y)``, ``alpha`` and ``beta`` per frequency."""
    p0 = ptx[:, 0, 0] + z0 * ptx[:, 1, 0]
    p1 = ptx[:, 0, 1] + z0 * ptx[:, 1, 1]
    q0 = prx[:, 0, 0] + prx[:, 0, 1] / z0
    q1 = prx[:, 1, 0] + prx[:, 1, 1] / z0
    alpha = p0 * q0 + p1 * q1
    beta = p0 * q1 * z + p1 * q0 * y
    gam = np.sqrt(z * y)
    return tuple(np.ascontiguousarray(v) for v in (gam.real, gam.imag, alpha.real, alpha.imag,
                                                   beta.real, beta.imag))


def s21_tables(line: Any, f: Any, tx_package: Any = None, rx_package: Any = None, *,
               z_p_tx_m: float | None = None, z_p_rx_m: float | None = None,
               z0_ohm: float | None = None) -> tuple[np.ndarray, ...]:
    """The length-independent tables from which :func:`stripline_channels` forms SDD21.

    For callers that build channels of one line and package pair in several batches
    (the sweep engine computes them once per group and calls the compiled driver
    :func:`sikernel._kernels.sweep.chunk_s21_il` itself).

    Parameters
    ----------
    line : Stripline, Microstrip or ParametricLine
        The line (anything with ``series_shunt(f)`` and ``z0_ref_ohm``).
    f : array_like
        Frequency grid (Hz).
    tx_package, rx_package : str, PackageModel, Channel or None
        As :func:`stripline_channels`.
    z_p_tx_m, z_p_rx_m : float, optional
        Package trace lengths (m) of package presets; default the first test case.
    z0_ohm : float, optional
        Reference impedance (default the line's).

    Returns
    -------
    tuple of 6 ndarrays, shape (n_freq,)
        ``Re, Im`` of ``sqrt(z y)`` (1/m), of ``alpha`` and of ``beta`` (1/m) per frequency.
    """
    fa = _validate.frequency_grid(f)
    z, y, ptx, prx, z0 = _line_and_packages(line, fa, tx_package, rx_package, z_p_tx_m, z_p_rx_m, z0_ohm)
    return _s21_tables(z, y, ptx, prx, z0)


def _line_and_packages(line: Any, fa: np.ndarray, tx_package: Any, rx_package: Any, z_p_tx_m: float | None,
                       z_p_rx_m: float | None, z0_ohm: float | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Per-metre series impedance and shunt admittance, package ABCDs (identity for none), z0."""
    if not hasattr(line, "series_shunt"):
        raise SIKernelError(f"line={line!r} has no series_shunt(f); "
                            "expected a Stripline, Microstrip or ParametricLine")
    z0 = float(line.z0_ref_ohm) if z0_ohm is None else _validate.positive("z0_ohm", z0_ohm)
    z, y = line.series_shunt(fa)
    z = np.ascontiguousarray(z, dtype=np.complex128)
    y = np.ascontiguousarray(y, dtype=np.complex128)
    eye = np.zeros((fa.size, 2, 2), dtype=np.complex128)
    eye[:, 0, 0] = eye[:, 1, 1] = 1.0
    ptx = _package(tx_package, z_p_tx_m, fa, "tx", z0)
    prx = _package(rx_package, z_p_rx_m, fa, "rx", z0)
    ptx = eye if ptx is None else np.ascontiguousarray(ptx)
    prx = eye if prx is None else np.ascontiguousarray(prx)
    return z, y, ptx, prx, z0


def stripline_channels(line: Any, lengths_m: Any, f: Any, tx_package: Any = None, rx_package: Any = None,
                       out: str = "s21", *, z_p_tx_m: float | None = None, z_p_rx_m: float | None = None,
                       z0_ohm: float | None = None, buffer: np.ndarray | None = None) -> np.ndarray:
    """Build ``len(lengths_m)`` channels ``TX package + line(length) + RX package`` at once.

    Parameters
    ----------
    line : Stripline, Microstrip or ParametricLine
        The line (anything with ``series_shunt(f)`` and ``z0_ref_ohm``).
    lengths_m : array_like
        Line lengths (m), finite, >= 0 and at most 20 m (a larger value was typed in mm).
    f : array_like
        Frequency grid (Hz).
    tx_package, rx_package : str, PackageModel, Channel or None
        Package preset (with ``z_p_tx_m``/``z_p_rx_m``, default the first test
        case), a Channel (any 2-port, e.g. a measured package), or none.
    out : {"s21", "sdd"}
        "s21": SDD21 array (n_channel, n_freq); "sdd": full (n_channel, n_freq, 2, 2).
    z_p_tx_m, z_p_rx_m : float, optional
        Package trace lengths (m) of the TX and RX package presets; default the
        preset's first test case.  Unused for a Channel package.
    z0_ohm : float, optional
        Reference impedance (default the line's: 100 ohm differential, 50 single-ended).
    buffer : ndarray, optional
        Preallocated complex128 output of the right shape (C-contiguous) to write
        into, so that repeated calls (sweeps) do not pay for fresh memory pages.

    Returns
    -------
    ndarray
        complex128, as selected by ``out``.
    """
    fa = _validate.frequency_grid(f)
    lens = _validate.lengths_m("lengths_m", lengths_m)
    mode = _validate.one_of("out", out, ("s21", "sdd"))
    z, y, ptx, prx, z0 = _line_and_packages(line, fa, tx_package, rx_package, z_p_tx_m, z_p_rx_m, z0_ohm)
    if mode == "s21":
        parts = _s21_tables(z, y, ptx, prx, z0)
        res = _out(buffer, (lens.size, fa.size))
        (_k.batch_s21 if lens.size >= _PARALLEL_MIN else _k.batch_s21_serial)(*parts, lens, res)
        return res
    res4 = _out(buffer, (lens.size, fa.size, 2, 2))
    det = np.ascontiguousarray((ptx[:, 0, 0] * ptx[:, 1, 1] - ptx[:, 0, 1] * ptx[:, 1, 0])
                               * (prx[:, 0, 0] * prx[:, 1, 1] - prx[:, 0, 1] * prx[:, 1, 0]))
    (_k.batch_sdd if lens.size >= _PARALLEL_MIN else _k.batch_sdd_serial)(z, y, ptx, prx, det, z0, lens,
                                                                         res4)
    return res4


__all__ = ["s21_tables", "stripline_channels"]
