"""Touchstone I/O: a single-ended 4-port file to a differential :class:`Channel`.

Parsing
    Touchstone 1.0 (``.sNp``) is parsed here: the option line
    ``# <unit> <parameter> <format> R <ohm>`` (defaults ``GHz S MA R 50``),
    ``!`` comments anywhere, then whitespace-separated numbers, one block of
    ``1 + 2 N**2`` values per frequency in row-major order (``S11 S12 ... S1N S21
    ...``; Touchstone File Format Specification v1.1, IBIS Open Forum, 2002,
    "Network data" for 3 ports and more).  Formats RI, MA (degrees) and DB
    (``20 log10``, degrees).  Numbers are converted by one compiled pass over the
    file's bytes (``sikernel._kernels.touchstone``), about 10x faster than
    scikit-rf's reader for the 6,001-point files of IEEE P802.3ck
    (``benches/bench_touchstone.py``).
    Touchstone 2.0 files (a ``[Version]`` keyword) are delegated to scikit-rf;
    an ``skrf.Network`` is also accepted directly.

Mixed mode
    With the port map ``pairs = ((p1, n1), (p2, n2))`` (1-based: differential port
    1 = P leg ``p1``, N leg ``n1`` at the transmitter; port 2 = ``p2``/``n2`` at the
    receiver), the differential-mode S-parameters are (Bockelman and Eisenstadt,
    "Combined differential and common-mode scattering parameters: theory and
    simulation", IEEE Trans. MTT 43(7), 1995, sec. II)::

        SDDkl = 1/2 (S[pk,pl] - S[pk,nl] - S[nk,pl] + S[nk,nl])

    e.g. ``SDD21 = 1/2 (S21 - S23 - S41 + S43)`` for the default ``((1, 3), (2, 4))``
    (the convention of the IEEE P802.3ck channel files).  The differential reference
    impedance is twice the single-ended one (100 ohm for a 50 ohm file).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .. import _validate
from .._stacklevel import user_stacklevel
from ..errors import SIKernelError, SIKernelWarning
from ._passivity import PASSIVITY_TOL, _check_passivity
from .core import Channel

#: default port map of the IEEE P802.3ck files: (P, N) at TX, (P, N) at RX, 1-based
DEFAULT_PAIRS: tuple[tuple[int, int], tuple[int, int]] = ((1, 3), (2, 4))
#: |SDD21| gain (dB) from swapping the port map that makes the chosen map look wrong
PORT_MAP_WARN_DB = 10.0
#: the port-map check compares maps over the lowest 2 % of the band (<= 1.2 GHz for 0-60 GHz)
LOW_BAND_FRACTION = 0.02
#: ... and only trusts the swapped map when it looks like a thru there (loss below this)
THRU_LOW_BAND_MAX_IL_DB = 6.0
#: a thru's SDD21 phase extrapolated to DC (rad) beyond which the lane looks inverted (P and N of
#: one end swapped): a thru starts at 0 (the P802.3ck thrus: -0.03 ... -0.13 rad), an inverted one
#: at pi (3.02 ... 3.11 rad)
INVERTED_PHASE_RAD = np.pi / 2

_UNITS = {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9}
#: highest frequency (Hz) any interconnect S-parameter data reach (the fastest VNAs stop near
#: 1.5 THz): a grid above it was read with the wrong unit (an option line saying GHz over a
#: column in Hz reads 60 GHz as 6e19 Hz)
F_MAX_PHYSICAL_HZ = 10e12
#: reference resistances (ohm) of interconnect S-parameter data: outside, a legal but dubious option
#: line (SIKernelWarning); 50 ohm nearly always, 25-100 ohm for single-ended / differential normalisations
R_USUAL_OHM = (1.0, 1000.0)
_FORMATS = ("ri", "ma", "db")
_PARAMS = ("s", "y", "z", "h", "g")
_COMMENT = re.compile(r"![^\n]*")
_EXT = re.compile(r"\.s(\d+)p$", re.IGNORECASE)


# -- parsing -----------------------------------------------------------------------
def _parse_options(line: str, path: str) -> tuple[float, str, float]:
    """Return (unit multiplier, format, single-ended reference ohm) from a ``#`` line."""
    tokens = line.lstrip()[1:].split()
    unit, fmt, r_ohm = 1e9, "ma", 50.0
    i = 0
    while i < len(tokens):
        t = tokens[i].lower()
        if t in _UNITS:
            unit = _UNITS[t]
        elif t in _FORMATS:
            fmt = t
        elif t in _PARAMS:
            if t != "s":
                raise SIKernelError(f"{path}: option line {line.strip()!r} holds {t.upper()}-parameters; "
                                    "only S-parameters are supported")
        elif t == "r":
            if i + 1 >= len(tokens):
                raise SIKernelError(f"{path}: option line {line.strip()!r} has 'R' without a value")
            try:  # the option line's text as a number (finite_scalar refuses text itself)
                r_val = float(tokens[i + 1])
            except ValueError:
                raise SIKernelError(f"{path}: option line {line.strip()!r}: reference resistance "
                                    f"R {tokens[i + 1]!r} is not a number; expected e.g. 'R 50'") from None
            r_ohm = _validate.positive(f"{path}: reference resistance R", r_val)
            if not R_USUAL_OHM[0] <= r_ohm <= R_USUAL_OHM[1]:
                import warnings

                from ..errors import SIKernelWarning

                warnings.warn(SIKernelWarning(
                    f"{path}: option line {line.strip()!r} gives a reference resistance of {r_ohm:g} ohm, "
                    f"outside the {R_USUAL_OHM[0]:g}-{R_USUAL_OHM[1]:g} ohm of interconnect data (usually "
                    "'R 50'); the S-parameters are renormalised from it as given"),
                    stacklevel=user_stacklevel())
            i += 1
        else:
            raise SIKernelError(f"{path}: unknown token {tokens[i]!r} in option line {line.strip()!r}; "
                                f"expected a unit ({', '.join(_UNITS)}), a parameter (S), a format "
                                f"({', '.join(_FORMATS)}) or 'R <ohm>'")
        i += 1
    return unit, fmt, r_ohm


def _n_ports_from_name(path: str) -> int | None:
    m = _EXT.search(path)
    return int(m.group(1)) if m else None


def _option_line(data: bytes) -> tuple[str | None, int]:
    """The first ``#`` option line of a Touchstone file (before any data) and the count
    of header bytes scanned.  Comments and blank lines are skipped."""
    pos = 0
    n = len(data)
    while pos < n:
        nl = data.find(b"\n", pos)
        end = n if nl < 0 else nl
        line = data[pos:end].split(b"!", 1)[0].strip()
        if line.startswith(b"#"):
            return line.decode("latin-1"), end
        if line:
            return None, pos  # data before any option line: the defaults apply
        pos = end + 1
    return None, n


def parse_touchstone(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, float]:
    """Parse a Touchstone 1.0 ``.sNp`` file.

    Parameters
    ----------
    path : str or PathLike
        File name ending in ``.sNp``.

    Returns
    -------
    f_hz : ndarray, shape (n_freq,)
    s : ndarray, shape (n_freq, N, N), complex128
        Single-ended S-parameters, ``s[:, i, j]`` = S(i+1)(j+1).
    z0_ohm : float
        Single-ended reference impedance from the option line.

    Raises
    ------
    SIKernelError
        Missing file, unknown extension, bad option line, non-numeric data, a data
        count that is not a whole number of frequency blocks, an empty or
        non-increasing frequency grid.

    Notes
    -----
    The numbers are converted by one compiled pass over the file's bytes
    (:func:`sikernel._kernels.touchstone.parse_numbers`), which skips comments and
    the option line, or, when Numba is not yet running in the process, by a NumPy
    tokenizer that gives the same values (:mod:`sikernel.channel._numbers`).
    """
    from ._numbers import parse_numbers

    p = str(path)
    if not os.path.isfile(p):
        raise SIKernelError(f"Touchstone file {p!r} does not exist")
    n = _n_ports_from_name(p)
    if n is None or n < 1:
        raise SIKernelError(f"{p!r}: cannot tell the port count; expected a Touchstone file "
                            "named *.sNp (e.g. .s4p), or pass an skrf.Network")
    buf = np.fromfile(p, dtype=np.uint8)
    opt, _ = _option_line(buf[:65536].tobytes())
    unit, fmt, r_ohm = _parse_options(opt, p) if opt else (1e9, "ma", 50.0)
    unit_name = next(k for k, v in _UNITS.items() if v == unit)
    vals, count = parse_numbers(buf)  # compiled or NumPy, whichever is cheaper now (same values)
    if count < 0:
        off = -count - 1
        line_no = int(np.count_nonzero(buf[:off] == 10)) + 1
        tok = buf[off:off + 20].tobytes().split()[0].decode("latin-1") if off < buf.size else ""
        raise SIKernelError(f"{p!r}, line {line_no}: non-numeric token {tok!r} in the data; "
                            "expected Touchstone 1.0 numbers after the option line")
    if count == 0:
        raise SIKernelError(f"{p!r} holds no frequency points")
    block = 1 + 2 * n * n
    if count % block:
        # name the port count the numbers do fit, if one does (new-user trial 29: a 4-port named .s2p)
        fits = [m for m in (1, 2, 3, 4, 6, 8) if m != n and count % (1 + 2 * m * m) == 0]
        hint = (f"they are a whole number of {fits[-1]}-port blocks ({1 + 2 * fits[-1] ** 2} values): "
                f"rename the file .s{fits[-1]}p if that is what it holds" if fits else
                "the file looks truncated or is not a Touchstone 1.0 file")
        raise SIKernelError(f"{p!r}: {count} numbers is not a whole number of {n}-port "
                            f"frequency blocks of {block} values; {hint}")
    data = vals[:count].reshape(-1, block)
    bad = ~np.isfinite(data)
    if bad.any():
        row, col = (int(x[0]) for x in np.nonzero(bad))
        raise SIKernelError(f"{p!r}: frequency point {row + 1} holds a non-finite number "
                            f"({data[row, col]!r}, value {col + 1} of its {block}); Touchstone data "
                            "must be finite")
    _check_frequency_top(float(np.max(data[:, 0])), unit, unit_name, opt, p)
    f_hz = _validate.frequency_grid(data[:, 0] * unit, name=f"frequencies of {p!r}")
    a = data[:, 1::2]
    b = data[:, 2::2]
    with np.errstate(over="ignore", invalid="ignore"):
        if fmt == "ri":
            s = a + 1j * b
        else:
            mag = a if fmt == "ma" else 10.0 ** (a / 20.0)
            s = mag * np.exp(1j * np.deg2rad(b))
    if not np.all(np.isfinite(s)):
        row = int(np.nonzero(~np.isfinite(s).all(axis=1))[0][0])
        raise SIKernelError(f"{p!r}: the S-parameters at frequency point {row + 1} overflow "
                            f"({fmt.upper()} values too large); check the file's format and units")
    s = s.reshape(-1, n, n)
    if n == 2:  # the one exception of v1.x: 2-port data are S11 S21 S12 S22
        s = s.transpose(0, 2, 1)
    return f_hz, np.ascontiguousarray(s), r_ohm


def _check_frequency_top(top: float, unit: float, unit_name: str, opt: str | None, label: str) -> None:
    """Refuse a frequency column whose last value, in the option line's unit, lies above
    :data:`F_MAX_PHYSICAL_HZ`: the unit is wrong; the message names the unit that fits."""
    if not top * unit > F_MAX_PHYSICAL_HZ:
        return
    names = {"hz": "Hz", "khz": "kHz", "mhz": "MHz", "ghz": "GHz"}
    fits = [names[k] for k, v in sorted(_UNITS.items(), key=lambda kv: -kv[1])
            if v < unit and top * v <= F_MAX_PHYSICAL_HZ]
    said = f"the option line {opt.strip()!r} says" if opt else "no option line, so the default unit is"
    fix = (f"the column looks like {fits[0]}: write '# {fits[0]} ...' on the option line"
           if fits else "check the frequency column")
    raise SIKernelError(f"{label!r}: the frequencies reach {top * unit:.3g} Hz ({top:g} {names[unit_name]}), "
                        f"above the {F_MAX_PHYSICAL_HZ / 1e12:g} THz of any physical S-parameter data; "
                        f"{said} {names[unit_name]}, but {fix}")


def _from_network(net: Any, z_renorm_ohm: float = 50.0) -> tuple[np.ndarray, np.ndarray, float, str]:
    """(f_hz, s, z0, name) from an skrf.Network, renormalised to one real z0 (``z_renorm_ohm``
    when its own is frequency- or port-dependent or complex)."""
    z0 = np.asarray(net.z0)
    if z0.size and np.allclose(z0, z0.flat[0]) and abs(np.imag(z0.flat[0])) == 0.0:
        z_ref = float(np.real(z0.flat[0]))
    else:
        net = net.copy()
        net.renormalize(z_renorm_ohm)
        z_ref = z_renorm_ohm
    f = np.asarray(net.f, dtype=float)
    if f.size and np.isfinite(f[-1]) and f[-1] > F_MAX_PHYSICAL_HZ:
        raise SIKernelError(f"network {net.name!r}: the frequencies reach {f[-1]:.3g} Hz, above the "
                            f"{F_MAX_PHYSICAL_HZ / 1e12:g} THz of any physical S-parameter data; "
                            "check the unit its frequencies were read in")
    f = _validate.frequency_grid(f, name=f"frequencies of {net.name!r}")
    return f, np.asarray(net.s, dtype=np.complex128), z_ref, str(net.name or "")


def _is_network(obj: Any) -> bool:
    return type(obj).__module__.startswith("skrf") and hasattr(obj, "s") and hasattr(obj, "z0")


# -- mixed mode --------------------------------------------------------------------
def _check_pairs(pairs: Any, n_ports: int) -> tuple[tuple[int, int], tuple[int, int]]:
    try:
        (p1, n1), (p2, n2) = pairs
        ports = [int(p1), int(n1), int(p2), int(n2)]
    except (TypeError, ValueError):
        raise SIKernelError(f"pairs={pairs!r}; expected ((P_tx, N_tx), (P_rx, N_rx)) with 1-based "
                            "port numbers, e.g. ((1, 3), (2, 4))") from None
    if any(p != q for p, q in zip(ports, [p1, n1, p2, n2], strict=True)):
        raise SIKernelError(f"pairs={pairs!r}: port numbers must be integers")
    if any(isinstance(q, bool | np.bool_) for q in (p1, n1, p2, n2)):   # fuzz 31 low: True was port 1
        raise SIKernelError(f"pairs={pairs!r}: a bool is no port number; expected 1-based integer port "
                            "numbers, e.g. ((1, 3), (2, 4))")
    bad = [p for p in ports if not 1 <= p <= n_ports]
    if bad:
        raise SIKernelError(f"pairs={pairs!r}: port {bad[0]} is out of range; a {n_ports}-port "
                            f"has ports 1..{n_ports}")
    if len(set(ports)) != 4:
        raise SIKernelError(f"pairs={pairs!r}: a port appears twice; the four ports must differ")
    return (ports[0], ports[1]), (ports[2], ports[3])


def mixed_mode_sdd(s: np.ndarray, pairs: Any = DEFAULT_PAIRS) -> np.ndarray:
    """Differential-mode 2-port ``SDD`` (n, 2, 2) from single-ended 4-port ``s`` (n, 4, 4).

    ``SDDkl = 1/2 (S[pk,pl] - S[pk,nl] - S[nk,pl] + S[nk,nl])`` with the 1-based
    port map ``pairs = ((p1, n1), (p2, n2))`` (Bockelman and Eisenstadt 1995, sec. II).

    Parameters
    ----------
    s : numpy.ndarray
        Single-ended S-parameters, shape (n_freq, 4, 4).
    pairs : ((int, int), (int, int)), optional
        Port map, 1-based ``((P_tx, N_tx), (P_rx, N_rx))``; default ``((1, 3), (2, 4))``.

    Returns
    -------
    numpy.ndarray
        Complex SDD, shape (n_freq, 2, 2).
    """
    (p1, n1), (p2, n2) = _check_pairs(pairs, s.shape[-1])
    pos = (p1 - 1, p2 - 1)
    neg = (n1 - 1, n2 - 1)
    out = np.empty((s.shape[0], 2, 2), dtype=np.complex128)
    for k in range(2):
        for m in range(2):
            out[:, k, m] = 0.5 * (s[:, pos[k], pos[m]] - s[:, pos[k], neg[m]]
                                  - s[:, neg[k], pos[m]] + s[:, neg[k], neg[m]])
    return out


def format_pairs(pairs: tuple[tuple[int, int], tuple[int, int]]) -> str:
    """A port map as the command line's ``--pairs`` takes it: ``((1, 3), (2, 4))`` -> ``"1,3:2,4"``.

    Parameters
    ----------
    pairs : ((int, int), (int, int))
        ``((P_tx, N_tx), (P_rx, N_rx))``, 1-based.

    Returns
    -------
    str
    """
    (p1, n1), (p2, n2) = pairs
    return f"{p1},{n1}:{p2},{n2}"


def _swapped(pairs: tuple[tuple[int, int], tuple[int, int]]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The other common convention: ((p1, n1), (p2, n2)) <-> ((p1, p2), (n1, n2))."""
    (p1, n1), (p2, n2) = pairs
    return (p1, p2), (n1, n2)


def _low_band_il_db(f: np.ndarray, sdd21: np.ndarray) -> float:
    """Median insertion loss (dB) over the lowest 2 % of the band (at least the 3 lowest points)."""
    band = f <= LOW_BAND_FRACTION * f[-1]
    if band.sum() < 3:
        band = np.arange(f.size) < 3
    il_db = np.sort(-20.0 * np.log10(np.maximum(np.abs(sdd21[band]), 1e-300)))
    # the median as numpy.median computes it (mean of the two middle values when even), without
    # its NaN check, which imports numpy.ma (10-17 ms of a fresh process that reads a file and
    # runs no kernel; Numba's first array dispatch imports it anyway); the values are finite
    k = il_db.size // 2
    return float(il_db[k] if il_db.size % 2 else (il_db[k - 1] + il_db[k]) / 2.0)


def _dc_phase_rad(f: np.ndarray, sdd21: np.ndarray) -> float | None:
    """SDD21's phase at DC (rad, in (-pi, pi]), or None where the data cannot tell.

    The data's own DC point when the grid starts at 0 and that point transmits (|SDD21| >= 0.1:
    an AC-coupled channel's DC point is ~0, of arbitrary phase).  Otherwise a straight line
    through the unwrapped phase over the lowest 2 % of the band (above 0 Hz), extrapolated to
    0 Hz: a line's delay term vanishes there, and an AC-coupling corner far below the band's top
    moves the intercept by a fraction of a radian.  The extrapolation is only trusted on a
    uniform lattice through 0 Hz (every frequency a whole number of steps): a delay of more than
    half a period per step aliases the slope, which shifts the intercept by 2 pi times the grid's
    offset from that lattice in steps, a multiple of 2 pi on the lattice and anything off it.
    None also when the unwrap is ambiguous (a step of more than pi/2 between neighbours)."""
    if f[0] == 0.0 and abs(sdd21[0]) >= 0.1:
        return float(np.angle(sdd21[0]))
    pos = np.nonzero(f > 0.0)[0]
    band = pos[f[pos] <= LOW_BAND_FRACTION * f[-1]]
    if band.size < 3:
        band = pos[:3]
    if band.size < 3:
        return None
    fb = f[band]
    step = fb[1] - fb[0]
    offset = fb[0] / step
    if (np.max(np.abs(np.diff(fb) - step)) > 1e-6 * step
            or abs(offset - round(offset)) > 1e-6 * max(1.0, offset)):
        return None
    ph = np.unwrap(np.angle(sdd21[band]))
    if np.any(np.abs(np.diff(ph)) > np.pi / 2):
        return None
    _delay_term, intercept = np.polyfit(fb, ph, 1)
    return float(np.angle(np.exp(1j * intercept)))


def read_touchstone(path_or_network: Any, pairs: Any = DEFAULT_PAIRS, *,
                    check_port_map: bool = True,
                    passivity_tol: float = PASSIVITY_TOL) -> Channel:
    """Read a single-ended 4-port Touchstone file (or ``skrf.Network``) as a differential Channel.

    Parameters
    ----------
    path_or_network : str, PathLike or skrf.Network
        A ``.s4p`` file (Touchstone 1.0 parsed here, 2.0 via scikit-rf) or a
        4-port network.
    pairs : ((int, int), (int, int))
        Port map, 1-based: ``((P_tx, N_tx), (P_rx, N_rx))``.  Default ``((1, 3), (2, 4))``:
        port 1 -> 2 is the P leg and 3 -> 4 the N leg (the IEEE P802.3ck files).
    check_port_map : bool
        Warn (:class:`SIKernelWarning`) when the other common port map
        (``((P_tx, P_rx), (N_tx, N_rx))``, e.g. ``((1, 2), (3, 4))``) would make the
        insertion loss more than ``PORT_MAP_WARN_DB`` = 10 dB *lower* and thru-like
        (< 6 dB) over the lowest 2 % of the band: the chosen map then looks swapped.
        The comparison is made at low frequency, not mid-band, because there a thru
        transmits almost everything with the right map (1-3 dB for the P802.3ck
        thru files) and almost nothing with the wrong one (21-31 dB), whereas at
        mid-band (30 GHz) a long channel such as ``Tp0_Tp5_28p5db`` loses 31 dB
        with the right map and only 16 dB with the wrong one.  Crosstalk files
        (both maps lossy at low frequency) do not trigger it.  It also warns when a thru-like map
        has its SDD21 phase near 180 degrees at DC (``INVERTED_PHASE_RAD``): the P and N of one
        end are swapped and the lane is inverted (:func:`_dc_phase_rad`).
    passivity_tol : float
        Warn when the largest singular value of the single-ended S exceeds
        ``1 + passivity_tol`` at any frequency (the warning names the worst one).

    Returns
    -------
    Channel
        ``f`` in Hz, ``sdd`` (n_freq, 2, 2), ``z0_ohm`` = 2 x the single-ended
        reference; ``meta`` records the file, port map, format and the largest
        singular value.

    Raises
    ------
    SIKernelError
        Missing file, not a 4-port, port map out of range or with a repeated port,
        malformed data, empty or non-increasing frequency grid.
    """
    tol = _validate.non_negative("passivity_tol", passivity_tol)
    if _is_network(path_or_network):
        f, s, z_se, name = _from_network(path_or_network)
        source = f"skrf.Network {name!r}"
        parser = "scikit-rf Network"
    elif isinstance(path_or_network, (str, os.PathLike)):
        p = str(path_or_network)
        name = Path(p).name
        source = p
        if os.path.isdir(p):
            raise SIKernelError(f"Touchstone file {p!r} is a folder; give the path of a .s4p file in it")
        if not os.path.isfile(p):
            raise SIKernelError(f"Touchstone file {p!r} does not exist")
        n_name = _n_ports_from_name(p)
        if n_name is not None and n_name != 4:
            hint = ("; if it is a differential (SDD) 2-port, pass the path as it is to any function "
                    "that takes a channel (sikernel.com, il_at_nyquist, pulse_response, ...)"
                    if n_name == 2 else "")
            raise SIKernelError(f"{p!r} is named as a {n_name}-port file (.s{n_name}p, which a "
                                "Touchstone 1.0 reader takes as the port count); read_touchstone "
                                "needs a single-ended 4-port (.s4p): if the data are a 4-port, "
                                f"rename the file .s4p{hint}")
        with open(p, "rb") as fh:
            head = fh.read(65536).decode("latin-1")
        if re.search(r"^\s*\[version\]", _COMMENT.sub("", head), re.IGNORECASE | re.MULTILINE):
            import skrf  # Touchstone 2.0: keywords, per-port references, matrix formats

            f, s, z_se, _ = _from_network(skrf.Network(p))
            parser = "scikit-rf (Touchstone 2.0)"
        else:
            f, s, z_se = parse_touchstone(p)
            parser = "sikernel (Touchstone 1.0)"
    else:
        raise SIKernelError(f"read_touchstone: {path_or_network!r} is neither a file path nor an "
                            "skrf.Network")
    if s.ndim != 3 or s.shape[1:] != (4, 4):
        hint = ""
        if s.shape[-1] == 2:
            hint = (": a 2-port is already differential (SDD, port 1 = TX end, port 2 = RX end), with no "
                    "port map to apply; pass it as it is to any function that takes a channel "
                    "(sikernel.com, il_at_nyquist, pulse_response, ...), or build "
                    "sikernel.Channel(net.f, net.s, z0_ohm=net.z0[0, 0].real)")
        raise SIKernelError(f"{source} is a {s.shape[-1]}-port; read_touchstone needs a "
                            f"single-ended 4-port{hint}")
    pm = _check_pairs(pairs, 4)
    sdd = mixed_mode_sdd(s, pm)
    sigma = _check_passivity(f, s, tol, source)
    if check_port_map:
        alt = _swapped(pm)
        il = _low_band_il_db(f, sdd[:, 1, 0])
        il_alt = _low_band_il_db(f, mixed_mode_sdd(s, alt)[:, 1, 0])
        if il - il_alt > PORT_MAP_WARN_DB and il_alt < THRU_LOW_BAND_MAX_IL_DB:
            warnings.warn(f"{source}: with pairs={pm} the low-band insertion loss is {il:.1f} dB, "
                          f"but pairs={alt} gives {il_alt:.1f} dB (more than {PORT_MAP_WARN_DB:g} dB "
                          "less, like a thru): the port map looks swapped; check which ports form "
                          f"each differential pair (pairs={alt}; on the command line --pairs "
                          f"{format_pairs(alt)})", SIKernelWarning,
                          stacklevel=user_stacklevel())
        elif il < THRU_LOW_BAND_MAX_IL_DB:
            phase = _dc_phase_rad(f, sdd[:, 1, 0])
            if phase is not None and abs(phase) > INVERTED_PHASE_RAD:
                fixed = (pm[0], (pm[1][1], pm[1][0]))
                warnings.warn(f"{source}: with pairs={pm} SDD21 starts at {np.degrees(phase):.0f} "
                              "degrees towards DC, where a thru starts near 0: the P and N of one "
                              "end look swapped, so the lane is inverted and COM, the eye and the "
                              f"energy see an inverted pulse; swap the ports of one pair (e.g. "
                              f"pairs={fixed})", SIKernelWarning, stacklevel=user_stacklevel())
    meta = {"source": source, "parser": parser, "pairs": [list(pm[0]), list(pm[1])],
            "z0_single_ended_ohm": z_se, "passive": sigma is None, "passivity_tol": tol}
    if sigma is not None:
        meta["max_singular_value"] = sigma
    return Channel._trusted(f, sdd, 2.0 * z_se, name, meta)  # passivity checked above, on S


#: reference impedances (ohm) a differential 2-port is normally given at; outside, a 2-port taken
#: as SDD is warned about (a single-ended 50-ohm 2-port is not a differential channel)
DIFFERENTIAL_Z0_RANGE_OHM = (80.0, 120.0)


def _from_two_port(net: Any, source: str) -> Channel:
    """A 2-port ``skrf.Network`` taken as the differential (SDD) 2-port as it stands.

    Frequencies, reference impedance and name as :func:`read_touchstone` takes a Network's (a
    port- or frequency-dependent z0 renormalised, to 100 ohm here); a z0 outside
    :data:`DIFFERENTIAL_Z0_RANGE_OHM` is warned about (review 29: a single-ended 50-ohm ``.s2p``
    was taken as a differential channel without a word).
    """
    f, s, z0, name = _from_network(net, 100.0)
    lo, hi = DIFFERENTIAL_Z0_RANGE_OHM
    if not lo <= z0 <= hi:
        warnings.warn(f"{source}: a 2-port is taken as a differential (SDD) channel, but its reference "
                      f"impedance is {z0:g} ohm, not a differential one (~100 ohm). Insertion and return "
                      "loss, pulse responses and energy use its S-parameters at that reference as they "
                      "stand, while COM, ERL and Link renormalise to 100 ohm, so the two disagree "
                      "(new-user trial 29: return loss 10.8 vs 3.8 dB): a differential channel "
                      "re-referenced to 50 ohm wants net.renormalize(100) first; one single-ended line "
                      "is not a differential channel (give the pair's 4-port, .s4p)",
                      SIKernelWarning, stacklevel=user_stacklevel())
    return Channel(f, s, z0, name, {"source": source, "parser": "scikit-rf (2-port taken as SDD)"})


def as_channel(x: Any, what: str = "channel", *, pairs: Any = DEFAULT_PAIRS,
               check_port_map: bool = True) -> Channel:
    """The one edge normaliser of channel inputs: a Channel, a Touchstone path or an skrf.Network.

    Every public function that takes a channel passes its argument through here.

    Parameters
    ----------
    x : Channel, str, PathLike or skrf.Network
        A :class:`Channel` (returned as it is); an ``skrf.Network`` with 4 ports (single-ended,
        converted with ``pairs`` by :func:`read_touchstone`) or 2 ports (already differential:
        SDD, port 1 = TX end, port 2 = RX end, taken as it stands with the Network's reference
        impedance, so ``as_channel(ch.to_network())`` gives ``ch`` back); a ``.s2p`` path (read
        by scikit-rf, taken as a differential 2-port like a 2-port Network) or any other
        Touchstone path (a single-ended 4-port, :func:`read_touchstone` with ``pairs``).
        :func:`sikernel.erl` is the one exception: it reads a ``.s2p`` *path* as one
        differential port (P and N legs), as the IEEE COM code does.
    what : str
        The argument's name, for messages.
    pairs : ((int, int), (int, int)), optional
        Port map of a 4-port, 1-based ``((P_tx, N_tx), (P_rx, N_rx))``; default ``((1, 3), (2, 4))``.
    check_port_map : bool
        Passed to :func:`read_touchstone` (off for crosstalk aggressors).

    Returns
    -------
    Channel
        The differential channel.

    Raises
    ------
    SIKernelError
        Anything else (naming what is accepted); a Network or file with a port count other
        than 2 or 4; the errors of :func:`read_touchstone`.
    """
    if isinstance(x, Channel):
        return x
    if _is_network(x):
        n = int(getattr(x, "nports", np.shape(x.s)[-1]))
        if n == 2:
            return _from_two_port(x, f"skrf.Network {x.name!r}")
        if n != 4:
            raise SIKernelError(f"{what}: skrf.Network {x.name!r} has {n} ports; expected a single-ended "
                                "4-port (converted with the port map pairs) or a differential (SDD) 2-port")
        return read_touchstone(x, pairs=pairs, check_port_map=check_port_map)
    if isinstance(x, (str, os.PathLike)):
        p = str(x)
        if _n_ports_from_name(p) == 2:
            if not os.path.isfile(p):
                raise SIKernelError(f"{what}: Touchstone file {p!r} does not exist")
            import skrf

            try:
                net = skrf.Network(p)
            except Exception as e:   # scikit-rf's parser: ValueError, IndexError, ... on bad data
                raise SIKernelError(f"{what}: {p!r} could not be read as a 2-port Touchstone file "
                                    f"({type(e).__name__}: {e}); a .s2p is read as a differential (SDD) "
                                    "2-port: if it holds a single-ended 4-port, rename it .s4p; else "
                                    "check the file (truncated? the option line?)") from None
            ch = _from_two_port(net, p)
            return ch if ch.name else ch.renamed(Path(p).name)
        return read_touchstone(p, pairs=pairs, check_port_map=check_port_map)
    raise SIKernelError(f"{what}={x!r} ({type(x).__name__}): expected a sikernel Channel, a Touchstone "
                        "path (a single-ended .s4p, or a differential .s2p) or an skrf.Network "
                        "(single-ended 4-port or differential 2-port); build one with "
                        "sikernel.Channel(f_hz, sdd) or sikernel.read_touchstone(path)")


__all__ = ["DEFAULT_PAIRS", "as_channel", "format_pairs", "mixed_mode_sdd", "parse_touchstone",
           "read_touchstone"]
