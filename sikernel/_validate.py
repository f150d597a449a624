"""Input checks shared by the public API (shape normalisation at the edge).

Each function raises :class:`~sikernel.errors.SIKernelError` with a message
naming the bad value and what would be accepted; none uses ``assert``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .errors import SIKernelError


def finite_scalar(name: str, value: object, *, minimum: float | None = None,
                  maximum: float | None = None, strict_min: bool = False) -> float:
    """Return ``value`` as a finite float within bounds, else raise SIKernelError.

    Text and booleans are refused although ``float()`` takes them ("53.125e9", True): a number
    typed as text or a flag passed for a number is a slip at the call site, not a value.
    """
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise SIKernelError(f"{name}={value!r} is a {type(value).__name__}, not a number; expected a "
                            "finite real value" + (" (give the number itself, not its text)"
                                                   if isinstance(value, str | bytes) else ""))
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SIKernelError(f"{name}={value!r} is not a number; expected a finite real value") from None
    if not math.isfinite(x):
        raise SIKernelError(f"{name}={value!r} is not finite; expected a finite real value")
    if minimum is not None:
        if strict_min and x <= minimum:
            raise SIKernelError(f"{name}={value!r} must be > {minimum:g}")
        if not strict_min and x < minimum:
            raise SIKernelError(f"{name}={value!r} must be >= {minimum:g}")
    if maximum is not None and x > maximum:
        raise SIKernelError(f"{name}={value!r} must be <= {maximum:g}")
    return x


def positive(name: str, value: object) -> float:
    """A finite, strictly positive scalar."""
    return finite_scalar(name, value, minimum=0.0, strict_min=True)


def non_negative(name: str, value: object) -> float:
    """A finite scalar >= 0 (e.g. a length in metres)."""
    return finite_scalar(name, value, minimum=0.0)


def lengths_m(name: str, value: object) -> np.ndarray:
    """Lengths in metres as a 1-D float64 array, all finite, >= 0 and at most
    :data:`MAX_LINE_LENGTH_M` (above it the message says lengths in mm were typed)."""
    # text, bools, None, objects refused (review 31 L1)
    arr = np.atleast_1d(_real_array(name, value, "a sequence of lengths in metres"))
    if arr.ndim != 1 or arr.size == 0:
        raise SIKernelError(f"{name} must be a non-empty scalar or 1-D sequence of lengths in metres; "
                            f"got shape {np.shape(value)}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise SIKernelError(f"{name} contains {float(arr[bad][0]):g}; lengths must be finite and >= 0 metres")
    if np.max(arr) > MAX_LINE_LENGTH_M:  # fuzz 31 H6: [100, 200] (mm) priced NaN curves silently
        big = float(np.max(arr))
        raise SIKernelError(f"{name} contains {big:g} m, above {MAX_LINE_LENGTH_M:g} m: lengths are in "
                            f"metres; {big:g} mm is {big * 1e-3:g} m")
    return arr


#: lowest symbol rate accepted (Bd): below it a GBd value was almost surely typed as Bd
MIN_BAUD_BD = 1e6
#: highest symbol rate accepted (Bd): 1 TBd, nine times the fastest wireline SerDes of the energy
#: calibration (112 GBd); above it the value is not a wireline symbol rate
MAX_BAUD_BD = 1e12


#: longest transmission line accepted (m): ten times the longest 802.3 copper cable assembly (CR,
#: 2 m class) and far beyond any board trace; above it a length was given in mm
MAX_LINE_LENGTH_M = 20.0
#: a line evaluated only below this frequency (Hz, and above 0) was almost surely given GHz
LINE_F_WARN_HZ = 1e3


def line_length_m(name: str, value: object) -> float:
    """A transmission-line length in m: finite, >= 0 and at most :data:`MAX_LINE_LENGTH_M`
    (above it the message says a length in mm was typed)."""
    ln = non_negative(name, value)
    if ln > MAX_LINE_LENGTH_M:
        raise SIKernelError(f"{name}={ln:g} m is above {MAX_LINE_LENGTH_M:g} m: lengths are in metres; "
                            f"{ln:g} mm is {ln * 1e-3:g} m")
    return ln


def warn_if_ghz(name: str, f_hz: object) -> None:
    """Warn (:class:`SIKernelWarning`) when the highest frequency of a line evaluation is above 0
    and below :data:`LINE_F_WARN_HZ`: frequencies are in Hz, and such values look like GHz (a grid
    of zeros, DC only, does not warn)."""
    f = _real_array(name, f_hz, "frequencies in Hz")   # a scalar or a grid
    if f.size and 0.0 < np.max(f) < LINE_F_WARN_HZ:
        import warnings

        from .errors import SIKernelWarning

        warnings.warn(f"{name} up to {np.max(f):g} Hz: frequencies are in Hz; a value in GHz must be "
                      f"multiplied by 1e9 ({np.max(f):g} GHz = {np.max(f) * 1e9:g} Hz)",
                      SIKernelWarning, stacklevel=3)


def grid_not_ghz(name: str, f_hz: np.ndarray) -> None:
    """Refuse a frequency grid (Hz, increasing) that ends above 0 and below :data:`LINE_F_WARN_HZ`:
    it was given in GHz (a DC-only grid, ``[0.0]``, passes).  The rule of ``Link.build`` and of the
    :class:`~sikernel.channel.core.Channel` constructor."""
    top = float(f_hz[-1])
    if 0.0 < top < LINE_F_WARN_HZ:
        raise SIKernelError(f"{name} ends at {top:g} Hz, below {LINE_F_WARN_HZ:g} Hz: frequencies are in "
                            f"Hz; a grid in GHz must be multiplied by 1e9 (e.g. {top:g} GHz = "
                            f"{top * 1e9:g} Hz)")


def frequency_not_ghz(name: str, hz: float) -> None:
    """Refuse one frequency (Hz) above 0 and below :data:`LINE_F_WARN_HZ`: it was given in GHz
    (a band edge or a plot limit; a grid's top: :func:`grid_not_ghz`)."""
    if 0.0 < hz < LINE_F_WARN_HZ:
        raise SIKernelError(f"{name}={hz:g} Hz is below {LINE_F_WARN_HZ:g} Hz: frequencies are in Hz; a "
                            f"value in GHz must be multiplied by 1e9 ({hz:g} GHz is {hz * 1e9:g} Hz)")


def channel_grid(f: object, name: str = "f") -> np.ndarray:
    """:func:`frequency_grid` of a grid a Channel is built on, refused when it looks like GHz
    (:func:`grid_not_ghz`): the library's builders (line sections, lumped elements, packages,
    resampling) check what the :class:`~sikernel.channel.core.Channel` constructor checks
    (review 29)."""
    fa = frequency_grid(f, name=name)
    grid_not_ghz(name, fa)
    return fa


def symbol_rate(name: str, value: object) -> float:
    """A symbol rate in Bd: finite, within :data:`MIN_BAUD_BD` ... :data:`MAX_BAUD_BD`; below
    the range the message suggests the GBd-typed-as-Bd slip."""
    fb = positive(name, value)
    if fb < MIN_BAUD_BD:
        raise SIKernelError(f"{name}={fb:g} Bd is below {MIN_BAUD_BD:g} Bd: the symbol rate is in "
                            f"Bd (symbols/s), not GBd -- did you mean {fb:g} GBd ({name}={fb:g}e9)?")
    if fb > MAX_BAUD_BD:
        raise SIKernelError(f"{name}={fb:g} Bd is above {MAX_BAUD_BD:g} Bd (1 TBd), not a wireline "
                            "symbol rate: give the symbol rate in Bd, e.g. 53.125e9 for 53.125 GBd")
    return fb


def not_masked(name: str, value: object) -> None:
    """Refuse a NumPy masked array with masked entries, by name: the mask would be ignored (trial
    100 L3: a masked 70 dB loss was priced, a masked NaN refused as not finite).  One with nothing
    masked (netCDF4 and others return those by default) is read as its data (review 33 M2)."""
    n = int(np.ma.getmaskarray(value).sum()) if np.ma.isMaskedArray(value) else 0
    if n:
        raise SIKernelError(f"{name} is a masked array with {n} masked entr{'y' if n == 1 else 'ies'}, "
                            f"and sikernel does not read masks: give {name}.compressed() to drop them, "
                            f"or {name}.filled(value) to replace them")


def _real_array(name: str, value: object, what: str) -> np.ndarray:
    """``value`` as a float64 array, refusing text, bools, None, objects and masked arrays by name
    (fuzz 31 M13: numpy's "could not convert string to float" reached the user from every entry
    point)."""
    not_masked(name, value)
    raw = None if isinstance(value, str | bytes) or value is None else np.asarray(value)
    if raw is None or raw.dtype.kind not in "iuf":
        raise SIKernelError(f"{name}={value!r} is not {what} (numbers)")
    return raw.astype(float)


def frequency_grid(f: object, *, name: str = "f", uniform: bool = False,
                   allow_dc: bool = True) -> np.ndarray:
    """Frequencies in Hz as a 1-D float64 array: non-empty, finite, >= 0, strictly increasing.

    With ``uniform=True`` the spacing must also be constant (to 1e-6 relative).
    """
    arr = np.atleast_1d(_real_array(name, f, "a frequency grid in Hz"))
    if arr.ndim != 1 or arr.size == 0:
        raise SIKernelError(f"{name} must be a non-empty 1-D frequency grid in Hz; got shape {np.shape(f)}")
    if not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name} contains non-finite frequencies; expected finite values in Hz")
    if arr[0] < 0 or (not allow_dc and arr[0] == 0):
        raise SIKernelError(f"{name} starts at {arr[0]:g} Hz; expected frequencies "
                            f"{'>=' if allow_dc else '>'} 0 Hz")
    if arr.size > 1:
        d = np.diff(arr)
        if np.any(d <= 0):
            i = int(np.argmax(d <= 0))
            raise SIKernelError(f"{name} is not strictly increasing at point {i + 1} of {arr.size} "
                                f"(0-based; {arr[i]:.10g} Hz then {arr[i + 1]:.10g} Hz): a repeated "
                                "or out-of-order frequency")
        if uniform and not is_uniform(arr):
            raise SIKernelError(f"{name} is not uniformly spaced (steps from {d.min():g} to {d.max():g} Hz); "
                                "a uniform grid is required here: resample it first, e.g. a Channel "
                                "with sikernel.channel.lumped.on_grid(channel, np.arange(f0, f1, df))")
    return arr


def is_uniform(f: np.ndarray) -> bool:
    """Whether an increasing grid's steps are constant to 1e-6 relative (the rule of
    ``frequency_grid(..., uniform=True)``)."""
    if f.size < 3:
        return True
    d = np.diff(f)
    return bool(np.max(np.abs(d - d[0])) <= 1e-6 * d[0])


def label(name: str, value: object) -> str:
    """A text label (a channel's or section's ``name``): a ``str``, else SIKernelError naming the
    value (fuzz 31 low: ``Channel(name=None)``, ``section(name=3)`` and ``cascade(name=5)`` were
    taken, and a label that is no text broke later formatting and HDF5 attributes)."""
    if not isinstance(value, str):
        arg = name.rsplit(" ", 1)[-1].rsplit(".", 1)[-1]   # "cascade: name" -> name, for the example
        raise SIKernelError(f"{name}={value!r} is of type {type(value).__name__}, not a str; expected a "
                            f"text label, e.g. {arg}='host trace' (or leave it out for the default)")
    return value


def one_of(name: str, value: object, known: Iterable[str]) -> str:
    """A name that must be one of ``known`` (case-insensitive, surrounding whitespace ignored, as
    :func:`~sikernel.channel.materials.get_dielectric` reads material names: ``' pam4'`` had been
    refused by every modulation check); the error lists them."""
    known = list(known)
    if isinstance(value, str):
        for k in known:
            if k.lower() == value.strip().lower():
                return k
    raise SIKernelError(f"unknown {name} {value!r}; known: {', '.join(known)}")


def given_path(name: str, path: object, what: str = "a file name") -> Path:
    """``path`` as a :class:`~pathlib.Path`, refusing an empty (or blank) one by name: ``Path("")``
    is ``"."``, the current folder, so ``-o ''`` had been called "output '.' is a folder".

    Parameters
    ----------
    name : str
        What the path is (for the message, e.g. "-o/--output").
    path : str or path-like
        The path.
    what : str, optional
        What would be accepted (for the message).

    Returns
    -------
    Path

    Raises
    ------
    SIKernelError
        Not a path, or an empty one.
    """
    try:
        text = os.fspath(path)  # type: ignore[arg-type]
    except TypeError:
        raise SIKernelError(f"{name}={path!r} is not a file path") from None
    text = os.fsdecode(text)
    if not text.strip():
        raise SIKernelError(f"{name}={text!r} is an empty path; give {what}")
    return Path(text)


def output_folder(name: str, path: object) -> Path:
    """A folder results will be written into: it must exist (or be creatable under an existing,
    writable parent) and be writable.  Checked before any long computation.

    Parameters
    ----------
    name : str
        What the folder is (for the message, e.g. "--out").
    path : str or path-like
        The folder.

    Returns
    -------
    Path

    Raises
    ------
    SIKernelError
        A file where the folder should be, a missing parent, no write permission.
    """
    p = given_path(name, path, "a folder for the results, e.g. results")
    if p.exists():
        if not p.is_dir():
            raise SIKernelError(f"{name} {p}: is a file, not a folder; give a folder for the results")
        if not os.access(p, os.W_OK | os.X_OK):
            raise SIKernelError(f"{name} {p}: permission denied; choose a writable folder")
        return p
    anc = p.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if not anc.is_dir():
        raise SIKernelError(f"{name} {p}: {anc} is a file, not a folder; give a folder for the results")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise SIKernelError(f"{name} {p}: permission denied in {anc}; choose a writable folder")
    return p


def output_file(name: str, path: object) -> Path:
    """A file that will be written: its folder must exist and be writable, the path must not be
    a folder.  Checked before any long computation.

    Parameters
    ----------
    name : str
        What the file is (for the message, e.g. "--png").
    path : str or path-like
        The file.

    Returns
    -------
    Path

    Raises
    ------
    SIKernelError
        Missing folder, a file used as a folder, a folder given as the file, no permission.
    """
    p = given_path(name, path, "a file name, e.g. results.h5")
    if p.is_dir():
        raise SIKernelError(f"{name} {str(p)!r} is a folder; give a file name inside it")
    parent = p.parent
    if not parent.exists():
        raise SIKernelError(f"{name} {p}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise SIKernelError(f"{name} {p}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SIKernelError(f"{name} {p}: permission denied: cannot write in {parent}; "
                            "choose a writable location")
    if p.exists() and not os.access(p, os.W_OK):
        raise SIKernelError(f"{name} {p}: permission denied: the file is not writable")
    return p


__all__ = ["finite_scalar", "frequency_grid", "given_path", "label", "lengths_m", "non_negative", "one_of",
           "output_file", "output_folder", "positive"]
