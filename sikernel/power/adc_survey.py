"""Wireline TI-ADC figure of merit from B. Murmann's ADC Performance Survey: the data and the fit
that set ``walden_fom_j`` and ``adc_corner_hz`` (:func:`sikernel.power.blocks.adc_fom_j`).

Data: B. Murmann, "ADC Performance Survey 1997-2025" (ISSCC and VLSI Symposium papers),
https://github.com/bmurmann/ADC-survey, ``xls/ADCsurvey_latest.xlsx`` (revision 20250609, commit
ddf3c1b).  The rows that represent the ADC of a SerDes receiver are kept in
``sikernel/data/adc_survey.csv`` (one row per paper, with venue, year, paper number, first author,
title, DOI, node, Nyquist sample rate, SNDR near Nyquist, power and the survey's comment);
``python -m sikernel.power.adc_survey --from-xlsx FILE`` rebuilds that file from the workbook
(needs ``openpyxl``; nothing else here does).

Selection rule (:func:`select`, applied to every survey row):

* Nyquist sample rate ``f_s >= 10 GS/s`` (the rates of 40G-400G SerDes receivers; below it the
  survey is dominated by single-channel and RF-sampling converters);
* ``25 dB <= SNDR <= 45 dB`` (ENOB 3.9-7.2: the 5-8 bit class of wireline ADCs; the 46-50 dB
  entries above 10 GS/s are 9-12 bit RF-sampling converters);
* a CMOS technology of 28 nm or below given as a number (bipolar, SiGe and BiCMOS are not).

Each selected row is then given a ``use`` (:func:`classify`):

* ``fit``: the power is the ADC's (input buffer/track-and-hold, sub-ADCs, clocking as reported);
* ``aside-afe``: the survey notes that the power includes the AFE (CTLE, PGA, front end) or the
  complete receiver -- more than the ADC block of the energy model, whose AFE is priced
  separately; such rows are an upper check (the law must not exceed them by much);
* ``aside-partial``: the power leaves out part of the ADC (input buffer, clock distribution,
  slope generation; "core power") -- a lower check;
* ``aside-sikernel``: the ADC of a transceiver that :mod:`sikernel.power.calibration` or
  :mod:`sikernel.power.holdout` uses (Segal et al. ISSCC 2022 = the Khairi (Intel) receiver of the
  calibration table), kept out so that the transceiver checks stay independent of the ADC law;
* ``excluded``: no node preset (20 nm, 22 nm) or not bulk/FinFET (28 nm UTBB FD-SOI).

Law (the functional form of :func:`sikernel.power.blocks.adc_fom_j`):

    FOM_W(f_s, node) = F_ref · s_E(node)^a · (1 + f_s/f_c(node)) / (1 + f_ref/f_c,7nm),
    f_c(node) = f_c,7nm · f_T(node)/f_T(7 nm),   f_ref = 56 GS/s,

with ``s_E`` the digital ``C V²`` scale and ``f_T`` the AFE transit frequency of
:mod:`sikernel.power.technology` and FOM_W = P / (2^ENOB f_s), ENOB = (SNDR - 1.76)/6.02 (Walden,
IEEE JSAC 17(4), 1999).  Regression: least absolute deviations of ln FOM_W (a median
regression).  A SerDes receiver's ADC is a typical design, not the survey's best: the median
estimates the typical FOM at a given rate and node, where Murmann's envelope lines (mean of the
5 best) would price the best; and LAD is robust to the survey's power-accounting differences,
which are factor-of-2 outliers in log space, where least squares would chase them.  For a given
corner the LAD level is the median of the de-trended log FOMs (``a`` = 1) or the best line through
two data points (``a`` free, exact LAD); the corner is found on a fine logarithmic grid
(:data:`CORNER_GRID_HZ`), so the fit is deterministic.  The printed report also gives a seeded
bootstrap interval of ``a`` and the corner, the cost of the alternatives (no node scaling,
no rate dependence, a pure power law in f_s, a corner that does not move with f_T) and the
leave-one-out predictions.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import SIKernelError
from .technology import NODES, REFERENCE_NODE_NM, get_technology

#: the committed survey extract
DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "adc_survey.csv"
#: the survey revision the extract was made from
SURVEY_SOURCE = ("B. Murmann, 'ADC Performance Survey 1997-2025', "
                 "https://github.com/bmurmann/ADC-survey, xls/ADCsurvey_latest.xlsx "
                 "(rev. 20250609, commit ddf3c1b)")
#: selection rule (see the module docstring)
MIN_FS_HZ = 10e9
MIN_SNDR_DB = 25.0
MAX_SNDR_DB = 45.0
MAX_NODE_NM = 28.0
#: sample rate at which the level is quoted (= blocks.ADC_REF_RATE_HZ)
REF_RATE_HZ = 56e9
#: candidate corners f_c,7nm for the profile fit: 1 GHz ... 100 THz, 2000 log-spaced points
#: (grid step 0.58 %; 100 THz stands for "no rate dependence in the data's range")
CORNER_GRID_HZ = np.geomspace(1e9, 1e14, 2000)
#: survey nodes that are not preset keys: IBM 14 nm FinFET priced as the 16/12 nm preset (as in
#: the calibration's Kull et al. check); 4 nm is an alias of 5 nm in technology.get_technology
NODE_PRESET = {14.0: 16.0}
#: transceivers of sikernel's calibration / held-out tables whose ADC is in the survey
SIKERNEL_DESIGN_DOIS = {
    "10.1109/ISSCC42614.2022.9731794": "Segal et al., ISSCC 2022 = Khairi (Intel) RX of calibration.py",
}
_AFE_WORDS = ("includes", "included", "complete rx", "complete receiver")
_PARTIAL_WORDS = ("w/o", "excl", "core power")

CSV_FIELDS = ("venue", "year", "paper", "first_author", "title", "doi", "node_nm", "architecture",
              "fs_hz", "sndr_db", "power_w", "survey_comment", "use", "reason")


@dataclass(frozen=True)
class SurveyADC:
    """One ADC of the survey extract (a row of :data:`DATA_PATH`).

    Attributes
    ----------
    venue : str
        "ISSCC" or "VLSI" (the survey sheet).
    year : int
        Publication year.
    paper : str
        Paper number in the proceedings.
    first_author : str
        First author as the survey lists it.
    title : str
        Paper title.
    doi : str
        DOI ("" where the survey has none).
    node_nm : float
        CMOS node in nm (the survey's TECHNOLOGY in µm × 1000).
    architecture : str
        The survey's architecture label (e.g. "SAR, TI").
    fs_hz : float
        Nyquist sample rate in S/s.
    sndr_db : float
        SNDR near Nyquist in dB (the survey's SNDR_plot).
    power_w : float
        Power in W as published.
    survey_comment : str
        The survey's comment (what the power includes, where the SNDR was measured).
    use : str
        "fit", "aside-afe", "aside-partial", "aside-sikernel" or "excluded" (:func:`classify`).
    reason : str
        Why a row is not fitted ("" for fitted rows).
    """

    venue: str
    year: int
    paper: str
    first_author: str
    title: str
    doi: str
    node_nm: float
    architecture: str
    fs_hz: float
    sndr_db: float
    power_w: float
    survey_comment: str
    use: str
    reason: str

    @property
    def enob(self) -> float:
        """ENOB = (SNDR - 1.76 dB) / 6.02 dB."""
        return (self.sndr_db - 1.76) / 6.02

    @property
    def fom_j(self) -> float:
        """Walden FOM P / (2^ENOB f_s) in J per conversion step."""
        return self.power_w / (2.0 ** self.enob * self.fs_hz)

    @property
    def preset_nm(self) -> float:
        """Node preset key of :data:`sikernel.power.technology.NODES` it is priced with."""
        return NODE_PRESET.get(self.node_nm, self.node_nm)

    @property
    def label(self) -> str:
        """Short citation: first author, venue year paper."""
        return f"{self.first_author}, {self.venue} {self.year} {self.paper}"


def select(fs_hz: float, sndr_db: float, node_um: object) -> bool:
    """The selection rule on one survey row.

    Parameters
    ----------
    fs_hz : float
        Nyquist sample rate in S/s.
    sndr_db : float
        SNDR near Nyquist in dB.
    node_um : object
        The survey's TECHNOLOGY cell (µm as a number, or a text such as "0.12 SiGe").

    Returns
    -------
    bool
        Whether the row represents a SerDes receiver's ADC (module docstring).
    """
    try:
        node_nm = float(node_um) * 1000.0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False  # "Bipolar", "0.12 SiGe", "0.13 BiCMOS"
    return (fs_hz >= MIN_FS_HZ and MIN_SNDR_DB <= sndr_db <= MAX_SNDR_DB
            and node_nm <= MAX_NODE_NM + 1e-9)


def classify(node_nm: float, title: str, doi: str, comment: str) -> tuple[str, str]:
    """Use of a selected row in the fit (see the module docstring).

    Parameters
    ----------
    node_nm : float
        CMOS node in nm.
    title, doi, comment : str
        Paper title, DOI and the survey's comment on the row.

    Returns
    -------
    use : str
        "fit", "aside-afe", "aside-partial", "aside-sikernel" or "excluded".
    reason : str
        Why it is not fitted ("" for "fit").
    """
    c = comment.lower()
    if doi in SIKERNEL_DESIGN_DOIS:
        return "aside-sikernel", SIKERNEL_DESIGN_DOIS[doi]
    if "fdsoi" in title.lower().replace("-", "").replace(" ", ""):
        return "excluded", "FD-SOI: not a bulk/FinFET node"
    try:
        get_technology(NODE_PRESET.get(node_nm, node_nm))
    except SIKernelError:
        return "excluded", f"no node preset for {node_nm:g} nm"
    if any(w in c for w in _AFE_WORDS):
        return "aside-afe", "power includes more than the ADC (survey comment)"
    if any(w in c for w in _PARTIAL_WORDS):
        return "aside-partial", "power leaves out part of the ADC (survey comment)"
    return "fit", ""


def load(path: Path | str | None = None) -> list[SurveyADC]:
    """Read the survey extract.

    Parameters
    ----------
    path : path-like, optional
        CSV file (default :data:`DATA_PATH`).

    Returns
    -------
    list of SurveyADC
    """
    p = Path(path) if path is not None else DATA_PATH
    with p.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [SurveyADC(r["venue"], int(r["year"]), r["paper"], r["first_author"], r["title"], r["doi"],
                      float(r["node_nm"]), r["architecture"], float(r["fs_hz"]), float(r["sndr_db"]),
                      float(r["power_w"]), r["survey_comment"], r["use"], r["reason"]) for r in rows]


def row_by_doi(doi: str) -> SurveyADC:
    """The one survey row with ``doi`` (the ADC of a published transceiver or receiver datapath).

    Parameters
    ----------
    doi : str
        DOI of the paper, as in the ``doi`` column of :data:`DATA_PATH`.

    Returns
    -------
    SurveyADC

    Raises
    ------
    SIKernelError
        No row, or more than one, has that DOI.
    """
    rows = [r for r in load() if r.doi == doi]
    if len(rows) != 1:
        raise SIKernelError(f"doi={doi!r}: {len(rows)} rows of the ADC survey extract have it "
                            f"({DATA_PATH.name}); expected exactly one -- check the DOI against the file")
    return rows[0]


def extract_from_xlsx(xlsx_path: Path | str, out_path: Path | str | None = None) -> list[dict]:
    """Rebuild the extract from the survey workbook (needs ``openpyxl``).

    Parameters
    ----------
    xlsx_path : path-like
        ``ADCsurvey_latest.xlsx`` of https://github.com/bmurmann/ADC-survey.
    out_path : path-like, optional
        Where to write the CSV (default: do not write).

    Returns
    -------
    list of dict
        The rows, in survey order (ISSCC sheet, then VLSI).
    """
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SIKernelError("extract_from_xlsx needs openpyxl (pip install openpyxl); the "
                            "committed sikernel/data/adc_survey.csv does not") from exc

    wb = openpyxl.load_workbook(str(xlsx_path), read_only=True, data_only=True)
    out: list[dict] = []
    for sheet in ("ISSCC", "VLSI"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        ix = {k: i for i, k in enumerate(rows[0]) if k}
        for r in rows[1:]:
            if r[0] is None:
                continue
            try:
                fs = float(r[ix["fsnyq [Hz]"]])
                sndr = float(r[ix["SNDR_plot [dB]"]])
            except (TypeError, ValueError):
                continue
            if not select(fs, sndr, r[ix["TECHNOLOGY"]]):
                continue
            node = round(float(r[ix["TECHNOLOGY"]]) * 1000.0, 1)
            title = " ".join(str(r[ix["TITLE"]]).replace("\xa0", " ").split())
            doi = str(r[ix["DOI"]] or "").strip()
            comment = str(r[ix["COMMENTS"]] or "").strip()
            author = str(r[ix["AUTHORS"]]).replace(";", ",").split(",")[0].strip()
            use, reason = classify(node, title, doi, comment)
            out.append({"venue": sheet, "year": int(r[0]), "paper": str(r[1]), "first_author": author,
                        "title": title, "doi": doi, "node_nm": f"{node:g}",
                        "architecture": str(r[ix["ARCHITECTURE"]]), "fs_hz": f"{fs:.6g}",
                        "sndr_db": f"{sndr:.3f}", "power_w": f"{float(r[ix['P [W]']]):.6g}",
                        "survey_comment": comment, "use": use, "reason": reason})
    if out_path is not None:
        with Path(out_path).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n")
            w.writeheader()
            w.writerows(out)
    return out


# --- the law ------------------------------------------------------------------------------

def _node_arrays(rows: list[SurveyADC]) -> tuple[np.ndarray, np.ndarray]:
    """ln s_E and f_T/f_T,7nm of each row's node preset."""
    ref = NODES[REFERENCE_NODE_NM]
    techs = [get_technology(r.preset_nm) for r in rows]
    return (np.log([t.energy_scale for t in techs]), np.array([t.f_t_hz / ref.f_t_hz for t in techs]))


def _is_finite_number(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool) that is finite."""
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def law_fom_j(fs_hz: np.ndarray, ln_se: np.ndarray, ft_rel: np.ndarray, fom_ref_j: float,
              corner_hz: float, node_exponent: float = 1.0) -> np.ndarray:
    """FOM_W of the law (module docstring).

    Parameters
    ----------
    fs_hz : ndarray
        Sample rates in S/s.
    ln_se : ndarray
        ln of the digital energy scale s_E of each node.
    ft_rel : ndarray
        f_T of each node over f_T at 7 nm.
    fom_ref_j : float
        FOM_W at 56 GS/s and 7 nm, J per conversion step.
    corner_hz : float
        Corner at 7 nm in Hz.
    node_exponent : float, optional
        Exponent on s_E (1: the shipped law).

    Returns
    -------
    ndarray
        FOM_W in J per conversion step.

    Raises
    ------
    SIKernelError
        ``corner_hz`` or ``fom_ref_j`` not a positive finite number, ``node_exponent`` not
        finite, or a non-finite (or, for ``ft_rel``, non-positive) entry in the arrays.
    """
    for name, value, unit in (("corner_hz", corner_hz, "Hz"), ("fom_ref_j", fom_ref_j, "J/step")):
        if not (_is_finite_number(value) and float(value) > 0):
            raise SIKernelError(f"law_fom_j: {name}={value!r} must be a positive finite number in "
                                f"{unit}; pass the constants of a fit (adc_survey.fit().{name})")
    if not _is_finite_number(node_exponent):
        raise SIKernelError(f"law_fom_j: node_exponent={node_exponent!r} must be finite (1 is the "
                            "shipped law)")
    fs_hz, ln_se, ft_rel = (np.asarray(a, dtype=float) for a in (fs_hz, ln_se, ft_rel))
    for name, arr, accepted in (("fs_hz", fs_hz, "finite sample rates in S/s"),
                                ("ln_se", ln_se, "finite ln s_E of node presets"),
                                ("ft_rel", ft_rel, "positive finite f_T / f_T(7 nm) of node presets")):
        bad = ~np.isfinite(arr) | ((arr <= 0) if name == "ft_rel" else False)
        if np.any(bad):
            raise SIKernelError(f"law_fom_j: {name} contains {float(np.ravel(arr[bad])[0])!r}; "
                                f"expected {accepted} (predict_j builds them from each row's node)")
    fc = corner_hz * ft_rel
    return (fom_ref_j * np.exp(node_exponent * ln_se) * (1.0 + fs_hz / fc)
            / (1.0 + REF_RATE_HZ / corner_hz))


@dataclass(frozen=True)
class ADCFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    fom_ref_j : float
        FOM_W at 56 GS/s and 7 nm, J per conversion step.
    corner_hz : float
        Corner f_c at 7 nm, Hz.
    node_exponent : float
        Exponent ``a`` on s_E (1 when fixed).
    mean_abs_log : float
        Mean |ln(law/data)| over the fitted rows (the LAD cost / n).
    names : tuple of str
        Rows fitted.
    """

    fom_ref_j: float
    corner_hz: float
    node_exponent: float
    mean_abs_log: float
    names: tuple[str, ...]


def _lad_line(z: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact LAD line ``z ≈ c + a x`` for each row of ``z`` (m, n): the best line through two
    data points with distinct x (an LAD optimum always passes through two points)."""
    n = x.size
    i, j = np.triu_indices(n, 1)
    keep = np.abs(x[j] - x[i]) > 1e-12
    i, j = i[keep], j[keep]
    a = (z[:, j] - z[:, i]) / (x[j] - x[i])                      # (m, P)
    c = z[:, i] - a * x[i]
    cost = np.abs(z[:, None, :] - c[:, :, None] - a[:, :, None] * x[None, None, :]).sum(axis=2)
    k = np.argmin(cost, axis=1)
    r = np.arange(z.shape[0])
    return c[r, k], a[r, k], cost[r, k]


def fit(rows: list[SurveyADC] | None = None, node_exponent: float | None = 1.0,
        corner_follows_ft: bool = True, corners_hz: np.ndarray | None = None) -> ADCFit:
    """Least-absolute-deviation fit of the law to the ``use == "fit"`` rows.

    Parameters
    ----------
    rows : list of SurveyADC, optional
        Rows to fit (default: the ``fit`` rows of :func:`load`); all given rows are used.
    node_exponent : float or None
        Exponent ``a`` on s_E; ``None`` fits it.
    corner_follows_ft : bool
        Whether the corner scales with f_T (the law) or is the same at every node.
    corners_hz : ndarray, optional
        Candidate corners (default :data:`CORNER_GRID_HZ`).

    Returns
    -------
    ADCFit

    Raises
    ------
    SIKernelError
        Fewer than 3 rows, corners that are not positive finite numbers, or a
        ``node_exponent`` that is neither None nor finite.
    """
    if node_exponent is not None and not _is_finite_number(node_exponent):
        raise SIKernelError(f"fit: node_exponent={node_exponent!r} must be a finite number (1 is the "
                            "shipped law) or None to fit it")
    if rows is None:
        rows = [r for r in load() if r.use == "fit"]
    if len(rows) < 3:
        raise SIKernelError(f"fit needs at least 3 ADC rows, got {len(rows)}; pass survey rows "
                            "(adc_survey.load()) or None for the fitted set")
    grid = CORNER_GRID_HZ if corners_hz is None else np.asarray(corners_hz, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid) & (grid > 0)):
        raise SIKernelError(f"corners_hz must be a 1-D array of positive finite corners in Hz, "
                            f"got {corners_hz!r}")
    ln_se, ft_rel = _node_arrays(rows)
    if not corner_follows_ft:
        ft_rel = np.ones_like(ft_rel)
    fs = np.array([r.fs_hz for r in rows])
    y = np.log([r.fom_j for r in rows])
    # z = ln FOM - ln(rate factor); the level c = ln F_ref
    z = (y[None, :] - np.log1p(fs[None, :] / (grid[:, None] * ft_rel[None, :]))
         + np.log1p(REF_RATE_HZ / grid)[:, None])
    if node_exponent is None:
        c, a, cost = _lad_line(z, ln_se)
    else:
        zz = z - node_exponent * ln_se[None, :]
        c = np.median(zz, axis=1)
        a = np.full(grid.size, float(node_exponent))
        cost = np.abs(zz - c[:, None]).sum(axis=1)
    k = int(np.argmin(cost))
    return ADCFit(float(math.exp(c[k])), float(grid[k]), float(a[k]), float(cost[k] / len(rows)),
                  tuple(r.label for r in rows))


def predict_j(fit_: ADCFit, rows: list[SurveyADC], corner_follows_ft: bool = True) -> np.ndarray:
    """FOM_W of a fitted law at each row's rate and node.

    Parameters
    ----------
    fit_ : ADCFit
        The law's constants.
    rows : list of SurveyADC
        Where to evaluate it.
    corner_follows_ft : bool, optional
        Whether the corner scales with f_T (as in the fit that made ``fit_``).

    Returns
    -------
    ndarray
        FOM_W in J per conversion step.
    """
    ln_se, ft_rel = _node_arrays(rows)
    if not corner_follows_ft:
        ft_rel = np.ones_like(ft_rel)
    fs = np.array([r.fs_hz for r in rows])
    return law_fom_j(fs, ln_se, ft_rel, fit_.fom_ref_j, fit_.corner_hz, fit_.node_exponent)


def leave_one_out(rows: list[SurveyADC] | None = None, node_exponent: float | None = 1.0
                  ) -> tuple[tuple[str, ...], np.ndarray]:
    """Refit without each row and predict it.

    Parameters
    ----------
    rows : list of SurveyADC, optional
        Rows (default: the ``fit`` rows of :func:`load`).
    node_exponent : float or None, optional
        Exponent on s_E in the refits (``None``: fitted).

    Returns
    -------
    names : tuple of str
    ratio : ndarray
        Predicted / published FOM_W (= power ratio at the published ENOB and rate).

    Raises
    ------
    SIKernelError
        Fewer than 4 rows (each refit needs 3), or a bad ``node_exponent`` (see :func:`fit`).
    """
    if rows is None:
        rows = [r for r in load() if r.use == "fit"]
    if len(rows) < 4:
        raise SIKernelError(f"leave_one_out needs at least 4 ADC rows (each refit without one needs 3), "
                            f"got {len(rows)}; pass more survey rows or None for the fitted set")
    out = np.empty(len(rows))
    for i, r in enumerate(rows):
        f = fit([q for k, q in enumerate(rows) if k != i], node_exponent=node_exponent)
        out[i] = predict_j(f, [r])[0] / r.fom_j
    return tuple(r.label for r in rows), out


def bootstrap(rows: list[SurveyADC], n: int = 400, seed: int = 1,
              node_exponent: float | None = None) -> np.ndarray:
    """Seeded bootstrap of the fit (on a coarser corner grid, 400 values, for speed).

    Parameters
    ----------
    rows : list of SurveyADC
        Rows to resample.
    n : int, optional
        Number of resamples.
    seed : int, optional
        Seed of ``numpy.random.default_rng``.
    node_exponent : float or None, optional
        Exponent on s_E (``None``: fitted in each resample).

    Returns
    -------
    ndarray
        (n, 3): F_ref in J/step, f_c in Hz, node exponent, per resample.

    Raises
    ------
    SIKernelError
        ``n`` not an integer >= 1, fewer than 3 rows, or a bad ``node_exponent`` (see :func:`fit`).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SIKernelError(f"bootstrap: n={n!r} must be an integer >= 1 (number of resamples; "
                            "the report uses 400)")
    if len(rows) < 3:
        raise SIKernelError(f"bootstrap needs at least 3 ADC rows to resample, got {len(rows)}; "
                            "pass the fitted rows of adc_survey.load()")
    rng = np.random.default_rng(seed)
    grid = np.geomspace(1e9, 1e14, 400)
    out = np.empty((n, 3))
    for k in range(n):
        pick = rng.integers(0, len(rows), len(rows))
        f = fit([rows[i] for i in pick], node_exponent=node_exponent, corners_hz=grid)
        out[k] = (f.fom_ref_j, f.corner_hz, f.node_exponent)
    return out


def report() -> str:  # pragma: no cover - maintenance entry point (its numbers are tested)
    """The derivation, as printed by ``python -m sikernel.power.adc_survey``."""
    allrows = load()
    rows = [r for r in allrows if r.use == "fit"]
    lines = [f"source: {SURVEY_SOURCE}", f"extract: {DATA_PATH.name}: {len(allrows)} rows selected "
             f"(f_s >= {MIN_FS_HZ / 1e9:g} GS/s, {MIN_SNDR_DB:g}-{MAX_SNDR_DB:g} dB SNDR, "
             f"<= {MAX_NODE_NM:g} nm CMOS); use: " + ", ".join(
                 f"{u} {sum(r.use == u for r in allrows)}" for u in
                 ("fit", "aside-afe", "aside-partial", "aside-sikernel", "excluded")), ""]
    lines.append("fitted rows (FOM_W in fJ/conv-step):")
    for r in sorted(rows, key=lambda q: (q.preset_nm, q.fs_hz)):
        lines.append(f"  {r.label:38s} {r.node_nm:4g} nm {r.fs_hz / 1e9:6.1f} GS/s "
                     f"ENOB {r.enob:4.2f} {r.power_w * 1e3:7.1f} mW  FOM {r.fom_j * 1e15:6.1f}")
    f = fit(rows)
    lines += ["", "shipped law (a = 1: FOM_W ∝ s_E = CPP·V_dd²; corner ∝ f_T):",
              f"  walden_fom_j  = {f.fom_ref_j:.4g} J/step at 56 GS/s, 7 nm",
              f"  adc_corner_hz = {f.corner_hz:.4g} Hz at 7 nm",
              f"  mean |ln(law/data)| = {f.mean_abs_log:.3f} over {len(rows)} ADCs"]
    alt = [("a free (node exponent fitted)", fit(rows, node_exponent=None), True),
           ("a = 0 (no node scaling)", fit(rows, node_exponent=0.0), True),
           ("corner not moving with f_T", fit(rows, corner_follows_ft=False), False),
           ("no rate dependence (corner at 100 THz)", fit(rows, corners_hz=np.array([1e14])), True)]
    lines.append("alternatives (LAD cost = mean |ln(law/data)|):")
    for name, g, _ in alt:
        lines.append(f"  {name:40s} F_ref {g.fom_ref_j * 1e15:6.1f} fJ  f_c {g.corner_hz / 1e9:9.4g} GHz"
                     f"  a {g.node_exponent:5.2f}  cost {g.mean_abs_log:.3f}")
    # pure power law in f_s: ln FOM = c + ln s_E + k ln(f_s/56G), LAD over (c, k)
    ln_se, _ = _node_arrays(rows)
    x = np.log(np.array([r.fs_hz for r in rows]) / REF_RATE_HZ)
    zz = np.log([r.fom_j for r in rows]) - ln_se
    c, k, cost = _lad_line(zz[None, :], x)
    lines.append(f"  {'power law FOM ∝ s_E f_s^k':40s} F_ref {math.exp(c[0]) * 1e15:6.1f} fJ  "
                 f"k {k[0]:5.2f}  cost {cost[0] / len(rows):.3f}")
    b = bootstrap(rows)
    q = np.percentile(b, [10, 50, 90], axis=0)
    lines.append(f"bootstrap (400 resamples, seed 1, a free): a 10/50/90 % = "
                 f"{q[0, 2]:.2f}/{q[1, 2]:.2f}/{q[2, 2]:.2f}; f_c = {q[0, 1] / 1e9:.3g}/"
                 f"{q[1, 1] / 1e9:.3g}/{q[2, 1] / 1e9:.3g} GHz")
    b1 = bootstrap(rows, node_exponent=1.0)
    q1 = np.percentile(b1, [10, 50, 90], axis=0)
    lines.append(f"bootstrap (a = 1): F_ref 10/50/90 % = {q1[0, 0] * 1e15:.3g}/{q1[1, 0] * 1e15:.3g}/"
                 f"{q1[2, 0] * 1e15:.3g} fJ; f_c = {q1[0, 1] / 1e9:.3g}/{q1[1, 1] / 1e9:.3g}/"
                 f"{q1[2, 1] / 1e9:.3g} GHz")
    names, ratio = leave_one_out(rows)
    lines.append("leave-one-out (law refitted without the ADC, predicted / published):")
    for n_, r_ in zip(names, ratio, strict=True):
        lines.append(f"  {n_:38s} {r_:5.2f}")
    fac = np.maximum(ratio, 1 / ratio)
    lines.append(f"  worst factor {fac.max():.2f}, rms ln {np.sqrt(np.mean(np.log(ratio) ** 2)):.3f}, "
                 f"within 2x: {int(np.sum(fac <= 2))} of {ratio.size}")
    lines.append("rows kept aside (law / published FOM_W):")
    aside = [r for r in allrows if r.use.startswith("aside")]
    for r, p in zip(aside, predict_j(f, aside), strict=True):
        lines.append(f"  {r.label:38s} {r.use:15s} {r.node_nm:4g} nm {r.fs_hz / 1e9:6.1f} GS/s "
                     f"FOM {r.fom_j * 1e15:6.1f} fJ  law {p * 1e15:6.1f}  ratio {p / r.fom_j:5.2f}")
    lines.append("law FOM_W (fJ/conv-step):")
    for node, fs in ((7, 56e9), (7, 112e9), (5, 56e9), (5, 106e9), (5, 112e9), (3, 112e9),
                     (16, 24e9), (16, 72e9)):
        t = get_technology(node)
        v = law_fom_j(np.array([fs]), np.array([math.log(t.energy_scale)]),
                      np.array([t.f_t_hz / NODES[REFERENCE_NODE_NM].f_t_hz]), f.fom_ref_j, f.corner_hz)
        lines.append(f"  {node:2d} nm {fs / 1e9:5.0f} GS/s: {v[0] * 1e15:6.1f}")
    return "\n".join(lines)


def _main(argv: list[str] | None = None) -> None:  # pragma: no cover - maintenance entry point
    import argparse

    ap = argparse.ArgumentParser(prog="python -m sikernel.power.adc_survey",
                                 description="Fit the TI-ADC FOM law on Murmann's survey extract.")
    ap.add_argument("--from-xlsx", metavar="FILE",
                    help="rebuild sikernel/data/adc_survey.csv from the survey workbook first")
    a = ap.parse_args(argv)
    if a.from_xlsx:
        rows = extract_from_xlsx(a.from_xlsx, DATA_PATH)
        print(f"wrote {DATA_PATH} ({len(rows)} rows)")
    print(report())


if __name__ == "__main__":  # pragma: no cover
    _main()


__all__ = ["CORNER_GRID_HZ", "DATA_PATH", "ADCFit", "SurveyADC", "bootstrap", "classify",
           "extract_from_xlsx", "fit", "law_fom_j", "leave_one_out", "load", "predict_j", "row_by_doi",
           "select"]
