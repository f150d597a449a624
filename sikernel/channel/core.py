"""The :class:`Channel`: a differential 2-port on a frequency grid.

A channel is the differential-mode (SDD) 2-port between the transmitter and
receiver pins: ``f`` in Hz (strictly increasing) and ``sdd`` shaped
``(n_freq, 2, 2)`` complex128, referenced to ``z0_ohm`` (differential, 100 ohm
by default, i.e. the 50 ohm half-circuit that IEEE 802.3 Annex 93A uses with
R0 = 50 ohm).  Port 1 is the transmitter end, port 2 the receiver end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _validate
from ..errors import SIKernelError

#: frequencies below this (Hz) asked of a channel that reaches the GHz range are taken as GHz given
#: as Hz (no SerDes quantity is read below 1 kHz)
GHZ_SLIP_HZ = 1e3


def numbers(name: str, value: Any, what: str = "frequencies in Hz", dtype: Any = float) -> np.ndarray:
    """``value`` as an array of ``dtype``, refused (:class:`SIKernelError`, naming it) when it is a
    string or holds something that is no number (``'26GHz'``, ``None``); numpy's own
    ``ValueError``/``TypeError`` named neither the argument nor the unit (fuzz 31 M13)."""
    bad = value is None or isinstance(value, str | bytes)   # None: asarray gives NaN
    if not bad:
        try:
            raw = np.asarray(value)
            if raw.dtype.kind == "c" and np.dtype(dtype).kind != "c":
                # fuzz 31 low: the imaginary part was dropped with only numpy's ComplexWarning
                shown = (repr(value) if raw.size <= 8
                         else f"<{raw.size} complex values from {complex(raw.flat[0]):g}>")
                raise SIKernelError(f"{name}={shown} is complex; expected real {what} (take .real "
                                    "if the imaginary part is an artefact)")
            return raw.astype(dtype, copy=False)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, SIKernelError):
                raise
            bad = True
    eg = " (a number or an array of numbers, e.g. 26e9 for 26 GHz)" if what.endswith("in Hz") else ""
    raise SIKernelError(f"{name}={value!r} is not numeric; expected {what}{eg}")


@dataclass(frozen=True, eq=False)
class Channel:
    """Differential 2-port S-parameters on a frequency grid.

    Parameters
    ----------
    f : ndarray, shape (n_freq,)
        Frequencies in Hz, strictly increasing, >= 0.  A grid that ends above 0 and below
        1 kHz is refused: it was given in GHz (multiply by 1e9).
    sdd : ndarray, shape (n_freq, 2, 2), complex128
        Differential-mode S-parameters (port 1 = TX end, port 2 = RX end).  Data whose
        largest singular value exceeds ``1 + PASSIVITY_TOL`` (1e-3) at some frequency warn
        (:class:`~sikernel.errors.SIKernelWarning`, naming the worst frequency), as
        :func:`~sikernel.channel.touchstone.read_touchstone` does.  From an ``skrf.Network``
        ``net`` that is already differential (2-port SDD, e.g. from ``Channel.to_network()``),
        ``Channel(net.f, net.s, z0_ohm=net.z0[0, 0].real)``; every function that takes a
        channel also accepts the Network itself (:func:`~sikernel.channel.touchstone.as_channel`).
    z0_ohm : float
        Differential reference impedance in ohm (default 100).
    name : str
        Label (file name, topology description).
    meta : dict
        Provenance: how the channel was built (inputs, units).
    """

    f: np.ndarray
    sdd: np.ndarray
    z0_ohm: float = 100.0
    name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate.label("Channel.name", self.name)
        self._normalise()
        # the checks of user input (the constructor called by a user); the library's own builders
        # go through Channel._trusted, which skips them (see its docstring)
        _validate.grid_not_ghz("Channel.f", self.f)
        from ._passivity import PASSIVITY_TOL, _check_passivity

        _check_passivity(self.f, self.sdd, PASSIVITY_TOL, f"Channel {self.name or '(unnamed)'}")

    @classmethod
    def _trusted(cls, f: Any, sdd: Any, z0_ohm: float = 100.0, name: str = "",
                 meta: dict[str, Any] | None = None) -> Channel:
        """A Channel built by the library itself: the constructor's shape and finiteness checks,
        without the user-input checks (GHz grid, passivity), which cost time in hot loops. The
        builders check their grids for GHz themselves (``_validate.channel_grid``: line sections,
        lumped elements, packages, resampling); passivity is not checked on what the library
        builds (a transfer function with gain is legal there)."""
        obj = object.__new__(cls)
        for k, v in (("f", f), ("sdd", sdd), ("z0_ohm", z0_ohm), ("name", name),
                     ("meta", {} if meta is None else meta)):
            object.__setattr__(obj, k, v)
        obj._normalise()
        return obj

    def _normalise(self) -> None:
        f = _validate.frequency_grid(numbers("Channel.f", self.f), name="Channel.f")
        sdd = numbers("Channel.sdd", self.sdd, "complex S-parameters of shape (n_freq, 2, 2)",
                      np.complex128)
        if sdd.shape != (f.size, 2, 2):
            raise SIKernelError(f"Channel.sdd has shape {sdd.shape}; expected ({f.size}, 2, 2) "
                                "to match the frequency grid")
        if not np.all(np.isfinite(sdd)):
            raise SIKernelError("Channel.sdd contains NaN or inf values")
        z0 = _validate.positive("Channel.z0_ohm", self.z0_ohm)
        object.__setattr__(self, "f", f)
        object.__setattr__(self, "sdd", sdd)
        object.__setattr__(self, "z0_ohm", z0)

    # -- views -------------------------------------------------------------
    @property
    def n_freq(self) -> int:
        """Number of frequency points."""
        return int(self.f.size)

    @property
    def s21(self) -> np.ndarray:
        """SDD21 (TX to RX transmission), complex, shape (n_freq,)."""
        return self.sdd[:, 1, 0]

    @property
    def s11(self) -> np.ndarray:
        """SDD11 (TX-end reflection), complex, shape (n_freq,)."""
        return self.sdd[:, 0, 0]

    @property
    def s22(self) -> np.ndarray:
        """SDD22 (RX-end reflection), complex, shape (n_freq,)."""
        return self.sdd[:, 1, 1]

    def il_db(self, f: Any = None) -> np.ndarray | float:
        """Insertion loss ``-20 log10 |SDD21|`` in dB.

        Parameters
        ----------
        f : float or array_like, optional
            Frequencies in Hz at which to report the loss; linear interpolation
            of the dB curve between grid points.  ``None`` returns the loss on
            the channel's own grid.  Frequencies outside the grid raise.

        Returns
        -------
        float or ndarray
            Insertion loss in dB (a float when ``f`` is a scalar).
        """
        il = -20.0 * np.log10(np.maximum(np.abs(self.s21), 1e-300))
        if f is None:
            return il
        fq = numbers("il_db: f", f)
        if not np.all(np.isfinite(fq)):
            raise SIKernelError(f"il_db: f={f!r} must be finite frequencies in Hz")
        if np.all((fq > 0.0) & (fq < GHZ_SLIP_HZ)) and self.f[-1] > 1e3 * GHZ_SLIP_HZ:
            raise SIKernelError(f"il_db: f={f!r} Hz is below {GHZ_SLIP_HZ:g} Hz on a channel that reaches "
                                f"{self.f[-1]:g} Hz: GHz given as Hz? use {float(np.ravel(fq)[0]) * 1e9:g} "
                                "for the first")
        if np.any(fq < self.f[0]) or np.any(fq > self.f[-1]):
            raise SIKernelError(f"il_db: f={f!r} Hz is outside the channel grid "
                                f"[{self.f[0]:g}, {self.f[-1]:g}] Hz")
        out = np.interp(fq, self.f, il)
        return float(out) if np.ndim(fq) == 0 else out

    def rl_db(self, port: int = 1) -> np.ndarray:
        """Return loss ``-20 log10 |SDDpp|`` in dB at port 1 (TX end) or 2 (RX end)."""
        if port not in (1, 2):
            raise SIKernelError(f"rl_db: port={port!r}; expected 1 or 2")
        s = self.sdd[:, port - 1, port - 1]
        return -20.0 * np.log10(np.maximum(np.abs(s), 1e-300))

    def abcd(self) -> np.ndarray:
        """ABCD matrices, shape (n_freq, 2, 2), in the channel's reference impedance."""
        from .._kernels import twoport as _k  # the kernel of twoport.s_to_abcd (twoport imports core)

        out = np.empty_like(self.sdd)
        _k.s_to_abcd(np.ascontiguousarray(self.sdd), float(self.z0_ohm), out)
        return out

    def renamed(self, name: str) -> Channel:
        """A copy with another label."""
        return Channel._trusted(self.f, self.sdd, self.z0_ohm, _validate.label("name", name),
                                dict(self.meta))

    def to_network(self):
        """This channel as a 2-port :class:`skrf.Network` (imports scikit-rf lazily)."""
        import skrf

        freq = skrf.Frequency.from_f(self.f, unit="hz")
        return skrf.Network(frequency=freq, s=self.sdd.copy(), z0=self.z0_ohm, name=self.name)

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return (f"Channel(name={self.name!r}, n_freq={self.n_freq}, "
                f"f=[{self.f[0]:.4g}..{self.f[-1]:.4g}] Hz, z0={self.z0_ohm:g} ohm)")


__all__ = ["Channel"]
