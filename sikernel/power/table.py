"""Loss-indexed SI tables: the fast path of ``energy_per_bit(loss_db=...)``.

The synthetic channel of a given loss
-------------------------------------
``loss_db`` stands for a package-board-package channel: the IEEE 802.3 COM
package of the rate (:func:`sikernel.channel.package.package_preset`: 802.3ck at ≤ 60 GBd, 802.3dj above;
die ladder, bump and ball capacitances, 12 mm of package trace) at each end and
between them the IEEE 802.3 host-board parametric line (Table 92-12, eqs.
93A-9 … 93A-14, :data:`sikernel.channel.parametric.HOST_BOARD_92_12`), built with
:class:`sikernel.channel.link.Link`, the line's length chosen so that
``|SDD21(f_b/2)| = -loss_db`` (secant iteration on the exact S21).  Below the
loss of the two 12 mm packages the packages are shortened (bisection on z_p);
below the loss of the bare packages (z_p = 0) the channel is the bare line
(:func:`synthetic_parts`).  The package discontinuities give the synthetic
channel the reflections a real package-to-package path has.

Tabulation
----------
For one (baud, modulation, SI settings) the full SI chain of
:mod:`sikernel.power.si` (pulse responses, TX FFE × CTLE FOM search, DFE, MMSE
RX FFE) is run once on :data:`LOSS_GRID_DB` (0 … 60 dB in 0.5 dB steps), and the
per-configuration figures stored.  Each figure is then replaced by a monotone
fit over loss (:func:`envelopes`): the signal ``a`` by its least-squares
non-increasing fit and each noise-to-signal ratio (``r2/a²``, ``var_n/a²``,
``q_coef/a²``) by its least-squares non-decreasing fit, both in log space
(isotonic regression), the ratios rising by at least 0.01 % per step so that
energy strictly increases with loss; the MLSD distance gain ``g`` is first
folded into the signal, ``a·10^(g/20)``, equivalent in the budget (B1) to
lowering ``Q_req`` by ``g``.  The optimiser's discrete CTLE/TX grids (and the
package reflections moving across the DFE span) make raw figures jitter
between neighbouring losses; a lossier channel of the same family is never
credited with a better figure, and a lone bad point is pooled with its
neighbours rather than carried to every larger loss.  Queries interpolate
``a`` and the ratios linearly in loss between grid points (0.5 dB steps),
which keeps every interpolated figure monotone.

Tables are kept in memory and in an on-disk cache (``.npz`` under
``$SIKERNEL_CACHE_DIR`` or ``~/.cache/sikernel``, keyed by the inputs and
:data:`TABLE_VERSION`, written to a temporary file and renamed atomically), so a
warm process answers a loss query with a few hundred microseconds of NumPy.  The
tables of the default settings at the study and calibration rates ship with the
package (``sikernel/data/power-table-<key>.npz``, :func:`write_packaged_tables`);
each stores the raw figures next to the envelopes, and the tests recompute a few
rows from scratch and compare (a stale shipped table fails them).
``SIKERNEL_POWER_CACHE=0`` disables the disk cache and the shipped tables,
``SIKERNEL_POWER_SHIPPED=0`` only the shipped ones.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .. import _validate
from .._files import chmod_as_created
from ..channel.package import package_preset
from ..errors import SIKernelError, SIKernelWarning
from . import si
from .budget import OpTable
from .crosstalk import CrosstalkModel

#: bump when the SI chain or the table layout changes (invalidates disk caches)
TABLE_VERSION = "7"
#: loss grid of the tables (dB at the Nyquist frequency)
LOSS_GRID_DB = np.arange(0.0, 60.0 + 1e-9, 0.5)
#: frequency points per baud of the synthetic channel grid (record = 512 UI)
_N_PER_BAUD = 512
#: package trace length of the synthetic channel above the bare-package loss (m), both sides
Z_P_NOMINAL_M = 12e-3
_FIELDS = ("a", "r2", "var_n", "q_coef", "ctle_peaking_db", "tx_taps")
#: stored as computed and enveloped on its own (:func:`mlsd_gain_envelope`): the asymptotic MLSD
#: gain per configuration (the budget turns it into the gain at the link's error ratio)
_RAW_ONLY = ("mlsd_gain_db",)

_MEMORY: dict[str, LossTable] = {}
# one builder at a time: threads pricing a sweep chunk together must not build a table twice
_BUILD_LOCK = threading.Lock()
#: folder of the tables shipped with the package (the default SI settings at the study and
#: calibration symbol rates); regenerate with ``python -m sikernel.power.table``
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "data"
#: channel kinds a loss stands for: "host" (IEEE package + host-board line + IEEE package) or
#: "xsr" (a die-to-die / die-to-optical-engine trace: the bare line, no BGA package at either end)
KINDS: tuple[str, ...] = ("host", "xsr")
#: (baud, levels[, kind[, crosstalk]]) of the shipped tables: the study rates (with and without
#: the stored crosstalk fit, ``"ca"``), the calibration designs and the held-out designs (the
#: study's uncertainty prices every held-out design, so a table missing here is built on a user's
#: first ``sikernel study``: ≈ 50 s each on 2 cores; ``tests/test_power.py`` checks both lists)
#: 26.5625 GBd (50G lanes): the README's and examples/sweep_example.toml's sweeps price it, so a new
#: user's first sweep builds no table (trial 100 H1)
PACKAGED: tuple[tuple, ...] = ((53.125e9, 4), (106.25e9, 4), (56.5e9, 4), (56e9, 4), (58e9, 4),
                               (26.5625e9, 4),
                               (12e9, 2), (112e9, 4), (106e9, 4), (100e9, 4), (72e9, 8),
                               (224e9 / math.log2(6.0), 6), (28e9, 4), (28.125e9, 4), (53.125e9, 4, "xsr"),
                               (56.5e9, 4, "xsr"), (106.25e9, 4, "xsr"), (112e9, 4, "xsr"),
                               (106e9, 4, "xsr"), (100e9, 4, "xsr"), (56e9, 4, "xsr"), (50e9, 4, "xsr"),
                               (53.125e9, 4, "host", "ca"), (53.125e9, 4, "xsr", "ca"),
                               (106.25e9, 4, "host", "ca"), (106.25e9, 4, "xsr", "ca"))


#: symbol rates within this relative distance of a shipped table's rate use that table: IEEE 802.3
#: allows every lane's signalling rate ±100 ppm (e.g. 802.3ck 120F.3.1, 53.125 GBd ± 100 ppm),
#: and a rate that went through arithmetic, a CSV round trip or float32 storage lands within it
#: (trial 100 H1: 53.125e9 * (1 + 1e-12) or float32(53.125e9) each built a new table, 20-25 s)
BAUD_SNAP_REL = 1e-4
#: other rates are keyed on this many significant digits: 6 fold the arithmetic noise of a rate
#: and its float32 copy (float32 holds 7.2 digits: 8.6e9 is stored as 8600000512, which 7 digits
#: kept apart; review 33 M1); a typed 7-digit rate (13.28125 GBd) takes the table of its 6-digit
#: neighbour, at most 5 ppm away.  A rounding grid has edges: noise on a rate that lies exactly
#: half-way between two 6-digit values can still pick either (documented, docs 5)
BAUD_KEY_DIGITS = 6
#: a table build on 2 cores takes about this long (s; 20-50 s measured, trial 100 and the study);
#: used by the sweep's time estimate
TABLE_BUILD_SECONDS = 30.0


def canonical_baud(baud: float) -> float:
    """The symbol rate whose SI table prices ``baud``.

    A rate within :data:`BAUD_SNAP_REL` (100 ppm, the IEEE 802.3 signalling-rate tolerance) of a
    shipped table's rate, or whose rounding to :data:`BAUD_KEY_DIGITS` significant digits is,
    takes that rate; any other is that rounding.  So ``canonical_baud`` of its own result is that
    result.  The table's SI figures (equaliser, ISI, noise of the synthetic channel
    at its loss) are those of the canonical rate; the energy is still priced at ``baud`` itself.
    So rates a rounding apart share one table and give the same figures, and a rate sweep finer
    than 100 ppm steps in its SI figures where the canonical rate changes.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (> 0).

    Returns
    -------
    float
        The canonical symbol rate in Bd.
    """
    b = _validate.positive("baud", baud)
    r = float(f"{b:.{BAUD_KEY_DIGITS}g}")
    best = min((float(e[0]) for e in PACKAGED), key=lambda p: abs(b / p - 1.0))
    # the rounded rate is checked too, so that canonical_baud(canonical_baud(b)) == canonical_baud(b):
    # a rate just beyond 100 ppm whose rounding lands within it takes the shipped table on both
    # passes (the sweep's estimate asks again with the canonical rate)
    if abs(b / best - 1.0) <= BAUD_SNAP_REL or abs(r / best - 1.0) <= BAUD_SNAP_REL:
        return best
    return r


def packaged_entry(entry: tuple) -> tuple[float, int, str, CrosstalkModel | None]:
    """(baud, levels, kind, crosstalk model) of a :data:`PACKAGED` entry.

    Parameters
    ----------
    entry : tuple
        ``(baud, levels[, kind[, crosstalk]])``.

    Returns
    -------
    tuple
    """
    from .crosstalk import resolve

    baud, levels, *rest = entry
    kind = rest[0] if rest else "host"
    xt = resolve(rest[1]) if len(rest) > 1 else None
    return float(baud), int(levels), kind, xt


def packaged_path(entry: tuple) -> Path:
    """Path of the shipped file of a :data:`PACKAGED` entry.

    Parameters
    ----------
    entry : tuple
        ``(baud, levels[, kind[, crosstalk]])``.

    Returns
    -------
    Path
    """
    baud, levels, kind, xt = packaged_entry(entry)
    return PACKAGED_DIR / f"power-table-{_key(baud, levels, si.settings_for(baud), kind, xt)}.npz"


def synthetic_grid(baud: float) -> np.ndarray:
    """Uniform grid from 0 Hz to 1.5 baud with ``baud/512`` spacing (512-UI record).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.

    Returns
    -------
    numpy.ndarray
        Frequencies in Hz.
    """
    return np.arange(0.0, 1.5 * baud + 0.5 * baud / _N_PER_BAUD, baud / _N_PER_BAUD)


def _il_db(z_p_m: float, line_m: float, baud: float, packages: bool) -> float:
    """IL at baud/2 of package(z_p) + host-board line(line_m) + package(z_p)."""
    from ..channel.link import Link
    from ..channel.parametric import HOST_BOARD_92_12 as line

    fn = np.array([0.5 * baud])
    if not packages:
        return float(-20.0 * np.log10(np.abs(line.section(line_m, fn).s21[0])))
    pkg = package_preset(baud)
    segs = [(line, line_m)] if line_m > 0 else []
    ch = Link(segments=segs, tx_package=pkg, rx_package=pkg, z_p_tx_m=z_p_m, z_p_rx_m=z_p_m,
              check_units=False).build(fn)
    return float(-20.0 * np.log10(np.abs(ch.s21[0])))


def synthetic_parts(loss_db: float, baud: float, kind: str = "host") -> tuple[bool, float, float]:
    """(packages?, z_p in m, board-line length in m) of the synthetic channel of ``loss_db``.

    * ``loss_db`` ≥ the loss of the two packages at :data:`Z_P_NOMINAL_M`: both
      packages at that length plus the host-board line, its length found by a
      secant iteration on the exact IL;
    * between the bare-package loss (``z_p = 0``: die, bump and ball capacitances)
      and that: packages only, ``z_p`` found by bisection;
    * below the bare-package loss: the bare host-board line (no packages).

    ``kind="xsr"`` (an in-package die-to-die or die-to-optical-engine trace, CEI-112G-XSR /
    CEI-224G CPO class: no BGA ball, no host board): always the bare line.

    Parameters
    ----------
    loss_db : float
        Insertion loss at ``baud/2`` in dB.
    baud : float
        Symbol rate in Bd (selects the package preset, :func:`~sikernel.channel.package.package_preset`).
    kind : str, optional
        "host" or "xsr" (:data:`KINDS`).

    Returns
    -------
    packages : bool
        Whether the channel has the two packages.
    z_p_m : float
        Package trace length in m (each side).
    line_m : float
        Host-board line length in m.
    """
    if kind == "xsr":
        return False, 0.0, _solve_line(loss_db, baud, False, 0.0)
    floor = _il_db(0.0, 0.0, baud, True)
    if loss_db < floor:
        return False, 0.0, _solve_line(loss_db, baud, False, 0.0)
    nominal = _il_db(Z_P_NOMINAL_M, 0.0, baud, True)
    if loss_db < nominal:
        lo, hi = 0.0, Z_P_NOMINAL_M
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            if _il_db(mid, 0.0, baud, True) < loss_db:
                lo = mid
            else:
                hi = mid
        return True, 0.5 * (lo + hi), 0.0
    return True, Z_P_NOMINAL_M, _solve_line(loss_db, baud, True, Z_P_NOMINAL_M)


def _solve_line(loss_db: float, baud: float, packages: bool, z_p_m: float) -> float:
    from ..channel.parametric import HOST_BOARD_92_12 as line

    base = _il_db(z_p_m, 0.0, baud, packages) if packages else 0.0
    if loss_db <= base:
        return 0.0
    per_m = float(line.loss_db(np.array([0.5 * baud]), 1.0)[0])
    z0 = (loss_db - base) / per_m
    z1 = z0 * 1.01
    f0 = _il_db(z_p_m, z0, baud, packages) - loss_db
    f1 = _il_db(z_p_m, z1, baud, packages) - loss_db
    for _ in range(30):
        if abs(f1) < 1e-7 or f1 == f0:
            break
        z0, z1, f0 = z1, max(z1 - f1 * (z1 - z0) / (f1 - f0), 0.0), f1
        f1 = _il_db(z_p_m, z1, baud, packages) - loss_db
    return float(z1)


def die_to_die_loss_db(ball_to_ball_db: float, baud: float, z_p_m: float = Z_P_NOMINAL_M,
                       spec_hz: float | None = None) -> float:
    """Die-to-die loss (the ``loss_db`` of :func:`synthetic_channel`) of a channel specified ball to ball.

    IEEE 802.3 specifies a backplane or host channel between the device package balls (TP0 to
    TP5) and adds the transmitter's and receiver's package models to it for COM (Annex 93A,
    93A.1.2); a loss budget stated for that channel (802.3ck 100GBASE-KR1: 28 dB at 26.56 GHz)
    therefore excludes the packages, whereas ``loss_db`` here is the whole package-to-package
    (die-to-die) insertion loss.  This returns the IL at ``baud/2`` of the host-board line whose
    own loss is ``ball_to_ball_db`` at ``spec_hz`` (the frequency the budget is stated at, which
    need not be the design's Nyquist frequency) between the two COM packages of the rate
    (:func:`sikernel.channel.package.package_preset`) with package traces ``z_p_m`` -- exact S21
    of the cascade, mismatch included, as :func:`synthetic_channel` builds it.

    Parameters
    ----------
    ball_to_ball_db : float
        Loss of the channel between the package balls at ``spec_hz`` in dB (≥ 0).
    baud : float
        Symbol rate in Bd; the die-to-die loss is read at ``baud/2``.
    z_p_m : float, optional
        Package trace length of each package in m (default :data:`Z_P_NOMINAL_M`, COM's first
        package case).
    spec_hz : float, optional
        Frequency at which ``ball_to_ball_db`` is specified in Hz (default ``baud/2``; 802.3ck
        states its budgets at 26.5625 GHz, the Nyquist frequency of 53.125 GBd).

    Returns
    -------
    float
        Die-to-die insertion loss at ``baud/2`` in dB.

    Raises
    ------
    SIKernelError
        ``ball_to_ball_db`` negative or not finite; ``baud`` or ``spec_hz`` not positive.
    """
    from .. import _validate

    loss = _validate.finite_scalar("ball_to_ball_db", ball_to_ball_db, minimum=0.0)
    fb = _validate.positive("baud", baud)
    f_spec = 0.5 * fb if spec_hz is None else _validate.positive("spec_hz", spec_hz)
    # the bare line solved where the budget is stated (_solve_line reads at its baud / 2)
    line_m = _solve_line(loss, 2.0 * f_spec, False, 0.0)
    return _il_db(float(z_p_m), line_m, fb, True)


def synthetic_channel(loss_db: float, baud: float, kind: str = "host"):
    """The documented synthetic :class:`~sikernel.channel.core.Channel` of ``loss_db`` at ``baud/2``.

    Parameters
    ----------
    loss_db : float
        Insertion loss at ``baud/2`` in dB.
    baud : float
        Symbol rate in Bd.
    kind : str, optional
        "host" or "xsr" (:func:`synthetic_parts`).

    Returns
    -------
    Channel
        On :func:`synthetic_grid` (uniform from 0 Hz).
    """
    from ..channel.link import Link
    from ..channel.parametric import HOST_BOARD_92_12 as line

    pk, z_p, ln = synthetic_parts(float(loss_db), baud, kind)
    f = synthetic_grid(baud)
    name = f"synthetic {kind} {loss_db:g} dB @ {baud / 2e9:g} GHz"
    if not pk:
        return line.section(ln, f, name=name)
    pkg = package_preset(baud)
    segs = [(line, ln)] if ln > 0 else []
    return Link(segments=segs, tx_package=pkg, rx_package=pkg, z_p_tx_m=z_p, z_p_rx_m=z_p,
                check_units=False,
                name=name).build(f)


@dataclass(frozen=True, eq=False)
class LossTable:
    """Per-configuration SI figures on :data:`LOSS_GRID_DB` (monotone envelopes).

    Attributes
    ----------
    loss_db : ndarray
        Loss grid in dB at Nyquist (:data:`LOSS_GRID_DB`).
    family : ndarray of str
        Family of each configuration.
    tx_taps, rx_ffe_taps, dfe_taps, mlsd : ndarray
        Equaliser settings of each configuration (``tx_taps``: at the first grid loss; the
        per-loss TX taps in use are the figure ``"tx_taps"``).
    mmse_noise_db : ndarray
        DSP configurations: the noise level their MMSE RX FFE was solved at
        (:data:`sikernel.power.si.DSP_MMSE_NOISE_DB`); NaN for the other families.
    figures : dict
        Name ("a", "nsr_r2", "nsr_var_n", "nsr_q_coef", "ctle_peaking_db", "tx_taps") ->
        ``(n_loss, n_cfg)`` monotone envelopes (:func:`envelopes`), and "mlsd_gain_db" (the
        asymptotic MLSD gain, 0 without MLSD) its non-decreasing fit (:func:`mlsd_gain_envelope`; the
        noise figures of MLSD rows are enveloped after the gain, :func:`_figures`).
    gdc_db : ndarray, shape (n_loss, n_cfg)
        Chosen CTLE DC gain in dB, as computed.
    raw : dict
        Name -> ``(n_loss, n_cfg)`` figures as computed (for verification).
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.
    """

    loss_db: np.ndarray
    family: np.ndarray
    tx_taps: np.ndarray
    rx_ffe_taps: np.ndarray
    dfe_taps: np.ndarray
    mlsd: np.ndarray
    figures: dict[str, np.ndarray]  # name -> (n_loss, n_cfg), monotone envelopes (see envelopes)
    gdc_db: np.ndarray              # (n_loss, n_cfg) raw chosen CTLE DC gain
    raw: dict[str, np.ndarray]      # name -> (n_loss, n_cfg), as computed (for verification)
    baud: float
    levels: int
    mmse_noise_db: np.ndarray | None = None

    def _extra(self, gdc: np.ndarray) -> dict[str, np.ndarray]:
        """``OpTable.extra`` of an interpolated row: the CTLE DC gain and the DSP MMSE noise level."""
        ex = {"ctle_gdc_db": gdc}
        if self.mmse_noise_db is not None:
            ex["mmse_noise_db"] = self.mmse_noise_db
        return ex

    def at(self, loss_db: float) -> OpTable:
        """Figures interpolated linearly at ``loss_db`` (inside the grid).

        Parameters
        ----------
        loss_db : float
            Insertion loss at Nyquist in dB.

        Returns
        -------
        OpTable

        Raises
        ------
        SIKernelError
            ``loss_db`` outside the grid.
        """
        g = self.loss_db
        if not (g[0] <= loss_db <= g[-1]):
            raise SIKernelError(f"loss_db={loss_db!r} outside the tabulated range [{g[0]:g}, {g[-1]:g}] dB")
        i = min(int((loss_db - g[0]) / (g[1] - g[0])), g.size - 2)
        w = (loss_db - g[i]) / (g[i + 1] - g[i])
        f = {k: (1.0 - w) * v[i] + w * v[i + 1] for k, v in self.figures.items() if k != "tx_taps"}
        gdc = self.gdc_db[i + (1 if w >= 0.5 else 0)]
        # tap counts are whole: those of the lossier grid point strictly inside an interval
        tx = self.figures["tx_taps"][i + (1 if w > 0 else 0)]
        a2 = f["a"] * f["a"]
        return OpTable(family=self.family, a=f["a"], r2=f["nsr_r2"] * a2, var_n=f["nsr_var_n"] * a2,
                       q_coef=f["nsr_q_coef"] * a2,
                       mlsd_gain_db=f["mlsd_gain_db"], tx_taps=tx,
                       ctle_peaking_db=f["ctle_peaking_db"], rx_ffe_taps=self.rx_ffe_taps,
                       dfe_taps=self.dfe_taps, mlsd=self.mlsd, extra=self._extra(gdc))


@functools.lru_cache(maxsize=256)
def _key(baud: float, levels: int, s: si.SISettings, kind: str = "host",
         crosstalk: CrosstalkModel | None = None) -> str:
    si_fields = asdict(s)
    if tuple(s.gdc2_db) == (0.0,):  # keys without the CTLE's low-frequency stage unchanged from before it
        si_fields.pop("gdc2_db")
        si_fields.pop("f_lf_ratio")
    d = {"v": TABLE_VERSION, "baud": baud, "levels": levels, "si": si_fields,
         "grid": [float(LOSS_GRID_DB[0]), float(LOSS_GRID_DB[-1]), LOSS_GRID_DB.size],
         "tx": [list(map(float, v)) for _, v in si.TX_AXES],
         "dfe": si.ANALOG_DFE_TAPS, "ffe": si.DSP_FFE_TAPS, "mmse_noise_db": si.DSP_MMSE_NOISE_DB,
         "tx_subsets": [[n, list(a)] for n, a in si.TX_SUBSETS]}
    if kind != "host":  # host keys unchanged from before the kinds existed
        d["kind"] = kind
    if crosstalk is not None:  # keys without crosstalk unchanged from before it existed
        d["crosstalk"] = crosstalk.key()
    blob = json.dumps(d, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def cache_dir() -> Path:
    """Folder of the SI tables cached on disk.

    Returns
    -------
    Path
        ``$SIKERNEL_CACHE_DIR/power``, or ``~/.cache/sikernel/power`` when the variable is unset.
    """
    return Path(os.environ.get("SIKERNEL_CACHE_DIR", Path.home() / ".cache" / "sikernel")) / "power"


def build_table(baud: float, levels: int, s: si.SISettings | None = None,
                progress: bool | None = False, kind: str = "host",
                crosstalk: CrosstalkModel | None = None) -> LossTable:
    """Run the full SI chain on every grid loss (seconds; normally reached through :func:`get_table`).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.
    s : SISettings, optional
        Reference-receiver parameters; default :func:`sikernel.power.si.settings_for` of ``baud``.
    progress : bool or None, optional
        Show a tqdm progress bar (None: only when stderr is a terminal).
    kind : str, optional
        Synthetic channel kind, "host" or "xsr" (:func:`synthetic_parts`).
    crosstalk : CrosstalkModel, optional
        Power-sum crosstalk added to every synthetic channel (:mod:`sikernel.power.crosstalk`,
        applied to that channel's own through response); None: none.

    Returns
    -------
    LossTable
    """
    s = si.settings_for(baud, s)
    rows = []
    it = LOSS_GRID_DB
    if progress is None or progress:
        from tqdm import tqdm

        it = tqdm(it, disable=None if progress is None else False, leave=False, unit="loss",
                  desc=f"sikernel: SI table {baud / 1e9:g} GBd {levels}-level {kind} (once, then cached)")
    for loss in it:
        ch = synthetic_channel(float(loss), baud, kind)
        ps = si.pulse_set(ch.f, ch.s21, baud, levels, s, crosstalk=crosstalk)
        rows.append(si.op_table(ps, s, families=("linear", "analog", "dsp")))
    first = rows[0]
    raw = {name: np.stack([getattr(r, name) for r in rows]).astype(float)
           for name in _FIELDS + _RAW_ONLY}
    raw = {k: v.copy() for k, v in raw.items()}
    figs = _figures(raw)
    gdc = np.stack([r.extra["ctle_gdc_db"] for r in rows])
    return LossTable(loss_db=LOSS_GRID_DB.copy(), family=first.family, tx_taps=first.tx_taps,
                     rx_ffe_taps=first.rx_ffe_taps, dfe_taps=first.dfe_taps, mlsd=first.mlsd,
                     figures=figs, gdc_db=gdc, raw=raw, baud=float(baud), levels=int(levels),
                     mmse_noise_db=np.asarray(first.extra["mmse_noise_db"], dtype=float))


#: each noise-to-signal figure rises by at least this fraction per grid step (strictness)
NSR_STEP_FLOOR = 1e-4


def isotonic_increasing(y: np.ndarray) -> np.ndarray:
    """Least-squares non-decreasing fit of a sequence (pool-adjacent-violators algorithm).

    R. E. Barlow et al., *Statistical Inference under Order Restrictions*, Wiley 1972: the
    unique non-decreasing ``z`` minimising ``Σ (z_i - y_i)²``; a lone dip is pooled with its
    neighbours instead of being carried forward as a running maximum would.
    """
    sums: list[float] = []
    counts: list[int] = []
    for v in np.asarray(y, dtype=float):
        sums.append(float(v))
        counts.append(1)
        while len(sums) > 1 and sums[-2] / counts[-2] > sums[-1] / counts[-1]:
            s_, c_ = sums.pop(), counts.pop()
            sums[-1] += s_
            counts[-1] += c_
    return np.repeat(np.array(sums) / np.array(counts), counts)


def _monotone(x: np.ndarray, increasing: bool, floor: float = 0.0) -> np.ndarray:
    """Column-wise monotone fit in log space (isotonic), then a minimum relative step."""
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        col = x[:, j]
        if not np.all(col > 0):
            out[:, j] = col if np.all(col == 0) else np.maximum.accumulate(col)
            continue
        lg = np.log(col)
        fit = isotonic_increasing(lg) if increasing else -isotonic_increasing(-lg)
        step = np.log1p(floor) * (1.0 if increasing else -1.0)
        for i in range(1, fit.size):
            fit[i] = max(fit[i], fit[i - 1] + step) if increasing else min(fit[i], fit[i - 1] + step)
        out[:, j] = np.exp(fit)
    return out


def envelopes(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Monotone fits over the loss axis (axis 0) of raw table figures.

    Each column is replaced by its least-squares monotone fit in log space
    (:func:`isotonic_increasing`): ``a`` (signal per volt, MLSD gain folded in)
    non-increasing; ``nsr_r2``, ``nsr_var_n``, ``nsr_q_coef`` (each noise term over
    ``a²``) non-decreasing and rising by at least :data:`NSR_STEP_FLOOR` per
    0.5 dB step -- the required swing depends only on these ratios, so the energy
    of a fixed architecture then strictly increases with loss;
    ``ctle_peaking_db`` and ``tx_taps`` (TX FFE taps in use): running maximum (they set
    stage and stream counts).
    """
    out = {"a": _monotone(raw["a"], increasing=False),
           "ctle_peaking_db": np.maximum.accumulate(raw["ctle_peaking_db"], axis=0),
           "tx_taps": np.maximum.accumulate(raw["tx_taps"], axis=0)}
    for name in ("r2", "var_n", "q_coef"):
        out["nsr_" + name] = _monotone(raw[name] / raw["a"] ** 2, increasing=True, floor=NSR_STEP_FLOOR)
    return out


def mlsd_gain_envelope(gain_db: np.ndarray) -> np.ndarray:
    """Column-wise least-squares non-decreasing fit over the loss axis (axis 0) of the asymptotic
    MLSD gains (dB, :func:`isotonic_increasing`).

    The gain ``10 log10(1 + b1²)`` (:func:`sikernel.power.si.mlsd_gain_db`) grows with the first
    post-cursor ``b1`` the MMSE DFE leaves, which grows with loss; but ``b1`` is taken at the front
    end (TX FFE, CTLE ``g_DC`` and ``g_DC2``) that the 1-tap-DFE figure of merit chooses, and that
    choice flips between neighbouring grid losses, so the raw gain jumps by up to ±0.3 dB from
    one 0.5 dB step to the next (106.25 GBd host table).  The fit pools each dip with its
    neighbours (no running maximum, so no gain is carried forward from a lucky flip).

    Parameters
    ----------
    gain_db : ndarray, shape (n_loss, n_cfg)
        Raw asymptotic MLSD gains in dB (0 for configurations without MLSD).

    Returns
    -------
    numpy.ndarray
        The fitted gains in dB.
    """
    g = np.asarray(gain_db, dtype=float)
    out = np.empty_like(g)
    for j in range(g.shape[1]):
        out[:, j] = isotonic_increasing(g[:, j])
    return out


def _figures(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Table figures from raw ones: :func:`envelopes` of :data:`_FIELDS` with each MLSD row's
    noise terms taken *after* its own gain, and the gain's fit (:func:`mlsd_gain_envelope`).

    The budget needs ``Q_eff² · nsr`` of each noise term, ``Q_eff = Q · 10^(-G_fin/20)`` with
    ``G_fin`` the gain at the link's error ratio (:func:`sikernel.power.sequence.finite_ser_gain_db`
    of the asymptotic gain ``G``).  A row's gain and its noise terms come from the same front end,
    so they move together: a front end that leaves more post-cursor ``b1`` has more MLSD gain and
    a worse DFE figure.  Enveloping the two apart loses that pairing, and the energy of an MLSD
    configuration then *falls* with loss wherever the gain's trend outgrows the noise terms' (by
    up to 3 % over 23-37 dB on the 106.25 GBd host table).  So the monotone fits are made of the
    paired product ``nsr · 10^(-G/10)`` (what the detector sees at its asymptotic gain), and the
    stored ``nsr`` is that fit times ``10^(G_fit/10)``: the budget's ``Q_eff² · nsr`` is then
    ``Q² · fit · 10^(-(G_fin - G)/10)``, the fit non-decreasing in loss and ``G_fin - G`` non-increasing
    in ``G`` (``G_fin`` rises at most as fast as ``G``: slope 0.17-1.0 at BER 2.4e-4 ... 1e-6), so
    the energy of every configuration rises with loss, MLSD rows included.
    """
    g_raw = np.asarray(raw["mlsd_gain_db"], dtype=float)
    after_gain = 10.0 ** (-g_raw / 10.0)
    env = envelopes({**{k: raw[k] for k in _FIELDS},
                     **{k: raw[k] * after_gain for k in ("r2", "var_n", "q_coef")}})
    g_fit = mlsd_gain_envelope(g_raw)
    back = 10.0 ** (g_fit / 10.0)
    for k in ("r2", "var_n", "q_coef"):
        env["nsr_" + k] = env["nsr_" + k] * back
    return {**env, "mlsd_gain_db": g_fit}


def raw_figures_at(loss_db: float, baud: float, levels: int,
                   s: si.SISettings | None = None, kind: str = "host",
                   crosstalk: CrosstalkModel | None = None) -> dict[str, np.ndarray]:
    """The un-enveloped figures of one loss, computed afresh (what a table row stores in ``raw``).

    Parameters
    ----------
    loss_db : float
        Insertion loss at ``baud/2`` in dB.
    baud : float
        Symbol rate in Bd.
    levels : int
        Number of PAM levels.
    s : SISettings, optional
        Reference-receiver parameters; default :func:`sikernel.power.si.settings_for` of ``baud``.
    kind : str, optional
        Synthetic channel kind.
    crosstalk : CrosstalkModel, optional
        Power-sum crosstalk model (None: none).

    Returns
    -------
    dict
        Name -> figures per configuration (``"mlsd_gain_db"``: the asymptotic MLSD gain).
    """
    s = si.settings_for(baud, s)
    ch = synthetic_channel(float(loss_db), baud, kind)
    op = si.op_table(si.pulse_set(ch.f, ch.s21, baud, levels, s, crosstalk=crosstalk), s,
                     families=("linear", "analog", "dsp"))
    return {name: np.asarray(getattr(op, name), dtype=float) for name in _FIELDS + _RAW_ONLY}


def _save(path: Path, t: LossTable) -> None:
    """Write a table atomically (temp file + rename); an unwritable cache is skipped silently."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, loss_db=t.loss_db, family=t.family.astype("U8"), tx_taps=t.tx_taps,
                     rx_ffe_taps=t.rx_ffe_taps, dfe_taps=t.dfe_taps, mlsd=t.mlsd, gdc_db=t.gdc_db,
                     mmse_noise_db=(np.full(t.family.size, np.nan) if t.mmse_noise_db is None
                                    else t.mmse_noise_db),
                     baud=t.baud, levels=t.levels,
                     **{f"raw_{k}": v for k, v in t.raw.items()})
        chmod_as_created(tmp)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read(path: Path) -> tuple[LossTable | None, str]:
    """The table stored at ``path`` and "", or None and why it cannot be read."""
    try:
        with np.load(path) as z:
            return LossTable(loss_db=z["loss_db"], family=z["family"].astype(str), tx_taps=z["tx_taps"],
                             rx_ffe_taps=z["rx_ffe_taps"], dfe_taps=z["dfe_taps"], mlsd=z["mlsd"],
                             figures=_figures({k: z[f"raw_{k}"] for k in _FIELDS + _RAW_ONLY}),
                             gdc_db=z["gdc_db"], raw={k: z[f"raw_{k}"] for k in _FIELDS + _RAW_ONLY},
                             baud=float(z["baud"]), levels=int(z["levels"]),
                             mmse_noise_db=z["mmse_noise_db"]), ""
    except Exception as exc:  # any damage (truncated zip: BadZipFile, empty: EOFError, a missing
        # array: KeyError, ...) makes the file a missing one (trial 100 M2: a truncated cache file
        # broke every later call for its rate with a zipfile error that named no file)
        return None, f"{type(exc).__name__}: {exc}"


def _load(path: Path) -> LossTable | None:
    """The table stored at ``path``; None when it cannot be read."""
    return _read(path)[0]


def get_table(baud: float, levels: int, s: si.SISettings | None = None,
              progress: bool | None = None, kind: str = "host",
              crosstalk: CrosstalkModel | None = None) -> LossTable:
    """The table for (baud, levels, settings): from memory, the disk cache, or built and cached.

    Parameters
    ----------
    baud : float
        Symbol rate in Bd; the table is that of :func:`canonical_baud` (a shipped rate within
        100 ppm, else the rate to 6 significant digits).
    levels : int
        Number of PAM levels.
    s : SISettings, optional
        Reference-receiver parameters; default :func:`sikernel.power.si.settings_for` of ``baud``.
    progress : bool, optional
        Show a progress bar when the table is built (default None: shown when stderr is a
        terminal, since a build takes 20-50 s; True: always; False: never).
    kind : str, optional
        Synthetic channel kind, "host" or "xsr".
    crosstalk : CrosstalkModel, optional
        Power-sum crosstalk model (None: none); part of the table's key.

    Returns
    -------
    LossTable
    """
    baud, s, crosstalk, key = _keyed(baud, levels, s, kind, crosstalk)
    t = _MEMORY.get(key)
    if t is not None:
        return t
    with _BUILD_LOCK:
        t = _MEMORY.get(key)
        if t is None:
            t = _load_or_build(key, float(baud), int(levels), s, progress, kind, crosstalk)
            _MEMORY[key] = t
    return t


def _keyed(baud: float, levels: int, s: si.SISettings | None, kind: str,
           crosstalk: CrosstalkModel | None) -> tuple[float, si.SISettings, CrosstalkModel | None, str]:
    """(canonical baud, settings, crosstalk or None when inactive, table key) of a table request."""
    if crosstalk is not None and not crosstalk.active:
        crosstalk = None
    si.settings_for(float(baud), s)  # checks baud (a positive finite number) before it is keyed
    baud = canonical_baud(baud)
    s = si.settings_for(baud, s)
    return baud, s, crosstalk, _key(baud, int(levels), s, kind, crosstalk)


def disk_cache_enabled() -> bool:
    """Whether the power package may read and write its disk caches and shipped tables.

    Returns
    -------
    bool
        False when ``SIKERNEL_POWER_CACHE`` is "0" (every disk cache of :mod:`sikernel.power`
        off: the SI tables, the shipped tables and :mod:`sikernel.power.op_cache`).
    """
    return os.environ.get("SIKERNEL_POWER_CACHE", "1") != "0"


def _stored(key: str) -> list[Path]:
    """Files that may hold the table ``key``, in the order they are tried (cache, then shipped)."""
    if not disk_cache_enabled():
        return []
    out = [cache_dir() / f"table-{key}.npz"]
    if os.environ.get("SIKERNEL_POWER_SHIPPED", "1") != "0":
        out.append(PACKAGED_DIR / f"power-table-{key}.npz")
    return out


def table_is_ready(baud: float, levels: int, kind: str = "host",
                   crosstalk: CrosstalkModel | None = None) -> bool:
    """Whether the table of these settings is in memory, shipped or in the disk cache (no build).

    Parameters
    ----------
    baud : float
        Symbol rate in Bd (taken at :func:`canonical_baud`).
    levels : int
        Number of PAM levels.
    kind : str, optional
        "host" or "xsr".
    crosstalk : CrosstalkModel, optional
        Power-sum crosstalk model (None: none).

    Returns
    -------
    bool
    """
    key = _keyed(baud, levels, None, kind, crosstalk)[3]
    return key in _MEMORY or any(p.is_file() for p in _stored(key))


@contextlib.contextmanager
def _build_lock(key: str) -> Iterator[None]:
    """An exclusive lock on the cache's ``table-<key>.lock`` across processes (POSIX ``flock``):
    workers that need the same new table wait for one build and read it (trial 100 H1: two
    processes each built it, 69 s each).  Where no lock can be taken -- no fcntl, an unwritable
    cache, a file system that refuses ``flock`` (NFS without a lock manager: ENOLCK; Lustre without
    ``-o flock``: ENOSYS; some FUSE / SMB mounts) -- each process builds unlocked, as before the
    lock existed (review 33 H1).  The lock files stay in the cache (removing one is a race)."""
    fh = None
    try:
        import fcntl

        d = cache_dir()
        d.mkdir(parents=True, exist_ok=True)
        fh = open(d / f"table-{key}.lock", "a")  # held across the yield
        fcntl.flock(fh, fcntl.LOCK_EX)
    except (ImportError, OSError):
        if fh is not None:
            fh.close()
            fh = None
    try:
        yield
    finally:
        if fh is not None:
            fh.close()  # closing releases the lock


def _load_or_build(key: str, baud: float, levels: int, s: si.SISettings, progress: bool | None,
                   kind: str = "host", crosstalk: CrosstalkModel | None = None) -> LossTable:
    """The table from the disk cache or the shipped files, else built (and cached on disk)."""
    damaged: dict[Path, str] = {}

    def stored() -> tuple[LossTable | None, str]:
        """The first readable candidate and where it came from; a damaged cache file is removed."""
        for cand in _stored(key):
            if cand.is_file():
                t, why = _read(cand)
                if t is not None:
                    return t, "shipped" if cand.parent == PACKAGED_DIR else "cache"
                damaged[cand] = why
                if cand.parent != PACKAGED_DIR:
                    with contextlib.suppress(OSError):
                        cand.unlink()
        return None, ""

    t, source = stored()
    if t is None:
        use_disk = bool(_stored(key))
        with _build_lock(key) if use_disk else contextlib.nullcontext():
            t, source = stored()  # another process may have built it while this one waited
            if t is None:
                # a build is 20-50 s: a progress bar says so unless the caller chose (trial 100 H1:
                # it was silent); by default only on a terminal (no bar in logs, captured output)
                t = build_table(float(baud), int(levels), s, progress=progress, kind=kind,
                                crosstalk=crosstalk)
                source = "built"
                if use_disk:
                    _save(cache_dir() / f"table-{key}.npz", t)
    for path, why in damaged.items():
        done = {"shipped": "the shipped table is used", "cache": "a good copy in the cache is used",
                "built": "the table was rebuilt and written to the cache"}[source]
        warnings.warn(f"energy table {path} cannot be read ({why}); "
                      + ("" if path.parent == PACKAGED_DIR else "it was removed and ") + done,
                      SIKernelWarning, stacklevel=2)
    return t


def write_packaged_tables(progress: bool = True, entries: tuple[tuple, ...] | None = None) -> list[Path]:
    """Build the :data:`PACKAGED` tables afresh and write them into :data:`PACKAGED_DIR`.

    Parameters
    ----------
    progress : bool, optional
        Show progress bars.
    entries : tuple of tuple, optional
        Only these :data:`PACKAGED` entries (default all).

    Returns
    -------
    list of Path
        Files written.
    """
    out = []
    for entry in PACKAGED if entries is None else entries:
        baud, levels, kind, xt = packaged_entry(entry)
        t = build_table(baud, levels, progress=progress, kind=kind, crosstalk=xt)
        p = packaged_path(entry)
        _save(p, t)
        out.append(p)
    return out


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for _p in write_packaged_tables():
        print(_p)


__all__ = [
    "BAUD_KEY_DIGITS",
    "BAUD_SNAP_REL",
    "KINDS",
    "LOSS_GRID_DB",
    "PACKAGED",
    "PACKAGED_DIR",
    "TABLE_BUILD_SECONDS",
    "TABLE_VERSION",
    "LossTable",
    "build_table",
    "cache_dir",
    "canonical_baud",
    "die_to_die_loss_db",
    "disk_cache_enabled",
    "get_table",
    "packaged_entry",
    "packaged_path",
    "raw_figures_at",
    "synthetic_channel",
    "synthetic_grid",
    "synthetic_parts",
    "table_is_ready",
    "write_packaged_tables",
]
