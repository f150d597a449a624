"""Named, versioned parameter sets for IEEE 802.3 Channel Operating Margin (COM).

Each preset is a :class:`ComPreset` (SI units throughout; the IEEE sheets give GHz,
ns, mm, V^2/GHz and fF, converted here at the edge).  ``get_preset(name, **overrides)``
returns a copy with any field replaced, so every value can be overridden; every
:class:`~sikernel.eye.com.ComResult` records the preset name, version and values used.

Sources
-------
The 802.3ck presets equal the IEEE COM configuration sheets (``tests/test_com_presets_sheets.py``
reads each sheet and compares every value; a sheet can also be run directly with
``com(..., config=SHEET)``, :func:`sikernel.eye.config_sheet.com_preset_from_sheet`):

``"802.3ck-kr"``
    IEEE Std 802.3ck-2022 Clause 163 (100GBASE-KR1), sheet
    ``config_com_ieee8023_93a=3ck_SA_KR_08_17_2022.xlsx``: T_r 7.5 ps with FORCE_TR,
    per-path package lengths (TX 12/31, NEXT 12/29, FEXT 12/31, RX 12/29 mm), signed b_min
    (0.3, 0.05, -0.03 x 10), floating DFE taps (3 groups of 3 within 40 UI, bmaxg 0.05,
    tail RSS 0.02 from tap 25), Local Search 2.
``"802.3ck-cr"``
    Clause 162 (100GBASE-CR1) / cable assemblies, sheet ``..._3ck_SA_CR_CA_08_17_2022.xlsx``:
    KR with bmaxg 0.03, eta_0 9e-9 V^2/GHz, SNR_TX 32.5 dB and Include PCB = 1 (host boards
    z_bp 110.3 mm, C_0 0.29e-4 nF, C_1 0.19e-4 nF added at both ends).  The sheet's ERL
    values (fixture delay, N, N_bx) belong to ERL, not COM.
``"802.3ck-c2c"``
    Annex 120F (100GAUI-1 C2C), sheet ``..._3ck_SA_120F_C2C_08_17_2022.xlsx``: TX FFE
    c(-3) -0.04..0, c(-2) 0..0.1, c(-1) -0.28..0, c(1) -0.1..0, g_DC2 -4..0 dB, 6 DFE taps
    (b_max 0.65, 0.15, 0.1 x 4; b_min 0.3, 0.05, -0.04 x 4), no floating taps, DER0 1e-5,
    eta_0 2e-8 V^2/GHz, z_p TX 13/31, NEXT 11/29, FEXT 13/31, RX 11/29 mm.
``"802.3dj-kr"``
    DRAFT: IEEE P802.3dj Annex 178A (200GBASE-KR1) values of the D1.2/D3.3 era, as in the
    public pychopmarg 3.4 configuration ``IEEE_8023dj``: MMSE receiver FFE
    (5 pre / 10 post taps, limit +/-0.7) and one DFE tap; not the final standard's values.
    The exploratory 802.3df 200G sheets (Nov 2022) are a different, older proposal: run
    them with ``config=``.

Package test cases (``z_p_cases_m``) are ``(tx_m, rx_m)`` pairs of the long package
trace section; the package construction (die ladder, bump and ball capacitance,
two trace sections of 87.5 / 92.5 ohm, the 1.8 mm second section and the
93A-9..14 line parameters) is :data:`sikernel.channel.package.PACKAGES` entry
``package``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._stacklevel import user_stacklevel
from .._validate import one_of
from ..errors import SIKernelError, SIKernelWarning

_GHZ = 1e9
_PS = 1e-12
_MM = 1e-3
#: eta_0 in the IEEE sheets is V^2/GHz; V^2/Hz = V^2/GHz / 1e9
_PER_GHZ = 1e-9
#: Histogram_Window_Weight values of the reference code (``COM_eye_width``): the C2M criterion's
#: histogram windows (:func:`sikernel.eye.c2m.window_weights`)
WINDOWS = ("gaussian", "triangle", "rectangle", "dual_rayleigh")


@dataclass(frozen=True)
class ComPreset:
    """Every parameter of one COM evaluation (SI units).

    Attributes
    ----------
    name, version, source : str
        Preset identity and the document it transcribes.
    baud_hz : float
        Signalling rate f_b (symbols/s).
    n_levels : int
        PAM levels L.
    samples_per_ui : int
        Time samples per UI, M.
    df_hz : float
        Frequency step of the COM grid (sheet ``Delta_f``); a channel with a coarser step
        warns (as the reference code).
    f_min_hz : float
        Recommended highest start frequency of the channel data (sheet ``f_min``); a later
        start warns (as the reference code).
    a_v_v, a_fe_v, a_ne_v : float
        Victim, far-end and near-end aggressor amplitudes (V, peak).
    snr_tx_db : float
        Transmitter SNR (93A-30).
    sigma_rj_ui, a_dd_ui : float
        Random jitter rms and dual-Dirac jitter (UI).
    r_lm : float
        Level mismatch ratio R_LM.
    eta0_v2_per_hz : float
        One-sided noise spectral density at the receiver input (V^2/Hz).
    der0 : float
        Target detector error ratio.
    t_r_s : float
        TX 20-80 % rise time (s), filter 93A-46.
    r0_ohm, rd_ohm : float
        Reference and die termination resistance (single-ended, ohm).
    package : str
        Key of :data:`sikernel.channel.package.PACKAGES`.
    z_p_cases_m : tuple of (float, float)
        Package test cases: (TX, RX) long-section lengths in metres.
    tx_taps : tuple of (int, float, float, float)
        TX FFE taps other than c(0): (offset in UI, min, max, step).
    c0_min : float
        Minimum main cursor c(0) = 1 - sum |c(k)|.
    ctle_gdc_db, ctle_gdc2_db : tuple of float
        CTLE DC gain settings (93A-22 / 178A-14).
    ctle_fz_hz, ctle_fp1_hz, ctle_fp2_hz : float
        CTLE zero and poles.
    ctle_f_lf_hz : float or None
        Low-frequency pole/zero of 178A-14 (None: 93A-22 without g_DC2).
    f_r_ratio : float
        RX AFE -3 dB frequency as a fraction of f_b (93A-20).
    dfe_bmax, dfe_bmin : tuple of float
        DFE tap limits (93A-26); ``dfe_bmin`` defaults to ``-dfe_bmax``.
    rx_ffe_n_pre, rx_ffe_n_post : int
        RX FFE taps (178A only; 0/0 means no RX FFE).
    rx_ffe_limit : float
        |w(k)| limit of the RX FFE taps other than the main one, for the FFE normalised to a
        unit main tap (178A; enforced in the MMSE QP).
    mode : str
        ``"grid"`` (93A.1.6 exhaustive TX FFE x CTLE search, FOM 93A-36) or
        ``"mmse"`` (178A: RX FFE + DFE by MMSE, with the RX FFE tap limit, at every
        TX FFE x CTLE point; the best MMSE FOM wins, see :mod:`sikernel.eye.com`).
    mm_rule : str
        How the Mueller-Mueller sampling point (93A-25) is picked among the candidate
        samples.  ``"ieee"`` (default): the rule of the IEEE 802.3 COM MATLAB code
        (``cursor_sample_index``, inline in ``optimize_fom`` of ``com_ieee8023_93a.m``
        since rev. 1.50): the candidates are the 2 UI + 1 samples starting at the last
        upward crossing of 1 % of the peak within the 4 UI before the peak, and the one
        minimising ``|h(-1) - max(h(1) - b_max(1) h(0), 0)|`` is taken (first on ties).
        ``"peak"``: the samples within one UI of the peak, minimising
        ``|h(-1) - (h(1) - b(1) h(0))|`` with b(1) = clip(h(1)/h(0)) (sikernel's rule before
        this option; :func:`sikernel.eye.fom.fom` and :func:`sikernel.eq.grid.grid_search`
        use it whatever this field says), with ``mm_exact_tol_v`` as below.
    mm_exact_tol_v : float
        With ``mm_rule="peak"`` only: 0 (default) takes the candidate with the smallest
        residual; a positive value (V) gives priority to candidates with a residual below
        it, the last one at or before the peak first (pychopmarg 3.4 ``loc_curs`` uses
        1e-3 V).
    mmse_ts_adjust_samples : tuple of int
        178A mode only: (lo, hi) sampling-instant offsets in samples (1/``samples_per_ui``
        UI), each within +/- one UI, tried around every TX FFE x CTLE point's
        Mueller-Mueller instant; the MMSE is solved at every point and offset and the best
        MMSE FOM kept (first offset on exact ties).  The ``sample_adjustment`` parameter
        (``param.ts_sample_adj_range``, ``itick`` loop of ``optimize_fom``) of the IEEE COM
        MATLAB code 4.50; (0, 0), its default and the 802.3dj KR preset's, tries only the
        MM instant.  Each offset costs one more full MMSE search.
    pass_threshold_db : float
        COM pass limit (dB).
    force_tr : bool
        Sheet keyword ``FORCE_TR``.  True: the TX rise-time filter ``H_t`` (93A-46 in the form
        ``exp(-2 (pi f T_r / 1.6832)^2)``, :func:`sikernel.eq.filters.tx_rise_time_filter`)
        multiplies H21; False: no TX filter, as the IEEE COM MATLAB code does without
        FORCE_TR (``s21_pkg``: ``H_t = 1`` unless ``T_r_filter_type == 1``, which FORCE_TR
        sets; its extra delay ``exp(-j 2 pi f 3 T_r)`` only shifts the pulse).
    z_p_next_cases_m, z_p_fext_cases_m : tuple of float or None
        TX package long-section length (m) of NEXT and FEXT aggressors, one per package test
        case (sheet ``z_p (NEXT)``, ``z_p (FEXT)``; ``make_full_pkg`` of the reference code);
        None: the victim's TX length of the case.  Every aggressor's RX package is the
        victim's (``z_p (RX)``).
    dfe_n_bg, dfe_n_bf, dfe_n_f : int
        Floating DFE taps (sheet ``N_bg``, ``N_bf``, ``N_f``): N_bg groups of N_bf taps placed
        after the N_b fixed taps within the first N_f post-cursors (reference code
        ``floatingDFE``/``findbankloc``, :func:`sikernel._kernels.com.dfe_taps`); N_bg = 0: none.
    dfe_bmaxg : float
        |b| limit of the floating taps (``bmaxg``).
    dfe_float_rss_max : float
        ``B_float_RSS_MAX``: RSS limit of the DFE taps from ``dfe_n_tail_start`` on.
    dfe_n_tail_start : int
        ``N_tail_start`` (1-based tap number); 0: no tail limit.
    local_search : int
        Sheet ``Local Search``: the IEEE code's search heuristic (``optimize_fom``, "Modular
        LOCAL_SEARCH block"): in its loop order (g_DC, then g_DC2, then the TX taps) a point
        is skipped when a swept TX tap index (whose enclosing loop variable is past its first
        value) or the g_DC2 index (past the first g_DC) is more than ``local_search`` steps
        from the best point so far.  0: full grid.  Reproduced exactly on the full FOM grid
        (:func:`sikernel._kernels.com.local_search_pick`).
    include_pcb : int
        Sheet ``Include PCB``: 1 adds the host boards of 92.10.7.1.1 / Table 92-13 at both
        ends of every channel (``add_brd``): shunt C_0, board line z_bp, shunt C_1 at each
        side (NEXT: TX side length z_bp(RX), RX side z_bp(NEXT), as the reference code).
    board_z_bp_m : tuple of 4 float
        Board lengths (TX, NEXT, FEXT, RX) in m (``z_bp (TX)`` ...).
    board_c0_f, board_c1_f : float
        ``C_0`` (device side) and ``C_1`` (connector side) single-ended capacitances (F).
    rx_raised_cosine_hz : tuple of 2 float or None
        (RC_Start, RC_end) in Hz of the raised-cosine RX window of the exploratory 802.3df
        sheets (``Raised_Cosine = 1``), applied on top of the Butterworth filter; None: none.
    board_line : tuple of 5 float
        Board line (gamma0 1/mm, a1, a2, tau ns/mm, Z_c ohm differential): sheet
        ``board_tl_gamma0_a1_a2``, ``board_tl_tau``, ``board_Z_c``.
    package_paths : tuple of (str, PackageModel) pairs
        Package of a path that differs from ``package``: ``"rx"`` (every stream's RX
        package), ``"next"``, ``"fext"`` (aggressor TX packages); a sheet whose TX and RX
        package values differ (reference ``make_full_pkg``: TX row / RX row).  Empty: all
        ``package``.
    ctle_gqual_db, ctle_g2qual_db : tuple
        ``G_Qual`` rows (g_DC range per row) and ``G2_Qual`` (g_DC2 limits): the (g_DC, g_DC2)
        pairs the CTLE search may take (reference ``optimize_fom``, "GDC Qual construction");
        empty: all.
    pmd_type : str
        ``"C2C"`` (COM) or ``"C2M"`` (Annex 120G eye height / VEC, :mod:`sikernel.eye.c2m`).
    c2m_t_o_mui, c2m_samples_per_ui, c2m_sigma_r_ui, c2m_window : float, int, float, str
        C2M sheet ``T_O`` (mUI), ``samples_for_C2M``, ``sigma_r`` (UI),
        ``Histogram_Window_Weight``.
    c2m_min_veo_test_v, c2m_eh_min_v, c2m_vec_pass_db : float
        ``Min_VEO_Test`` (V; 0 turns the C2M search criterion off), ``EH_min`` (V) and
        ``VEC Pass threshold`` (dB) of ``passed`` in C2M mode.
    extra : dict
        Free-form additional entries (not read by the COM computation).
    """

    name: str
    version: str
    source: str
    baud_hz: float
    n_levels: int = 4
    samples_per_ui: int = 32
    df_hz: float = 10e6
    f_min_hz: float = 0.05e9
    a_v_v: float = 0.413
    a_fe_v: float = 0.413
    a_ne_v: float = 0.608
    snr_tx_db: float = 33.0
    sigma_rj_ui: float = 0.01
    a_dd_ui: float = 0.02
    r_lm: float = 0.95
    eta0_v2_per_hz: float = 8.2e-9 * _PER_GHZ
    der0: float = 1e-4
    t_r_s: float = 8 * _PS
    r0_ohm: float = 50.0
    rd_ohm: float = 50.0
    package: str = "802.3ck"
    z_p_cases_m: tuple[tuple[float, float], ...] = ((12 * _MM, 12 * _MM), (31 * _MM, 31 * _MM))
    tx_taps: tuple[tuple[int, float, float, float], ...] = (
        (-3, -0.06, 0.0, 0.02), (-2, 0.0, 0.12, 0.02), (-1, -0.34, 0.0, 0.02), (1, -0.2, 0.0, 0.02))
    c0_min: float = 0.54
    ctle_gdc_db: tuple[float, ...] = tuple(float(g) for g in range(-20, 1))
    ctle_gdc2_db: tuple[float, ...] = tuple(float(g) for g in range(-6, 1))
    ctle_fz_hz: float = 21.25 * _GHZ
    ctle_fp1_hz: float = 21.25 * _GHZ
    ctle_fp2_hz: float = 53.125 * _GHZ
    ctle_f_lf_hz: float | None = 0.664 * _GHZ
    f_r_ratio: float = 0.75
    dfe_bmax: tuple[float, ...] = (0.85, 0.3) + (0.2,) * 5 + (0.1,) * 5
    dfe_bmin: tuple[float, ...] | None = None
    rx_ffe_n_pre: int = 0
    rx_ffe_n_post: int = 0
    rx_ffe_limit: float = 0.7
    mode: str = "grid"
    mm_rule: str = "ieee"
    mm_exact_tol_v: float = 0.0
    mmse_ts_adjust_samples: tuple[int, int] = (0, 0)
    pass_threshold_db: float = 3.0
    force_tr: bool = True
    z_p_next_cases_m: tuple[float, ...] | None = None
    z_p_fext_cases_m: tuple[float, ...] | None = None
    dfe_n_bg: int = 0
    dfe_n_bf: int = 6
    dfe_n_f: int = 0
    dfe_bmaxg: float = 0.2
    dfe_float_rss_max: float = 0.0
    dfe_n_tail_start: int = 0
    local_search: int = 0
    include_pcb: int = 0
    board_z_bp_m: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    board_c0_f: float = 0.0
    board_c1_f: float = 0.0
    board_line: tuple[float, float, float, float, float] = (0.0, 3.8206e-4, 9.5909e-5, 5.79e-3, 100.0)
    rx_raised_cosine_hz: tuple[float, float] | None = None
    package_paths: tuple[tuple[str, Any], ...] = ()
    ctle_gqual_db: tuple[tuple[float, float], ...] = ()
    ctle_g2qual_db: tuple[float, ...] = ()
    pmd_type: str = "C2C"
    c2m_t_o_mui: float = 0.0
    c2m_samples_per_ui: int = 100
    c2m_sigma_r_ui: float = 0.02
    c2m_window: str = "rectangle"
    c2m_min_veo_test_v: float = 0.0
    c2m_eh_min_v: float = 0.0
    c2m_vec_pass_db: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    # -- derived ---------------------------------------------------------------
    @property
    def ui_s(self) -> float:
        """Unit interval 1/f_b in seconds."""
        return 1.0 / self.baud_hz

    @property
    def mm_kernel_tol(self) -> float:
        """The sampling-point rule as the COM kernels take it (their ``mm_tol``): -1 for
        ``mm_rule="ieee"``, else ``mm_exact_tol_v`` (see :func:`sikernel._kernels.com._cursor`)."""
        return -1.0 if self.mm_rule == "ieee" else float(self.mm_exact_tol_v)

    @property
    def f_r_hz(self) -> float:
        """RX AFE -3 dB frequency in Hz (f_r x f_b)."""
        return self.f_r_ratio * self.baud_hz

    @property
    def bmin(self) -> tuple[float, ...]:
        """DFE lower tap limits (default -b_max)."""
        return tuple(-b for b in self.dfe_bmax) if self.dfe_bmin is None else self.dfe_bmin

    def dfe_float(self) -> np.ndarray:
        """The floating-tap / tail-limit array of the COM kernels
        (:data:`sikernel._kernels.com.N_FLT` entries: N_bg, N_bf, N_f, bmaxg, B_float_RSS_MAX,
        N_tail_start)."""
        n_f = self.dfe_n_f if self.dfe_n_f > 0 else len(self.dfe_bmax)
        return np.array([self.dfe_n_bg, self.dfe_n_bf, n_f, self.dfe_bmaxg, self.dfe_float_rss_max,
                         self.dfe_n_tail_start], dtype=float)

    def aggressor_z_p_m(self, case: int, kind: str) -> float:
        """TX package length (m) of a ``kind`` ("next"/"fext") aggressor in test case ``case``."""
        v = self.z_p_next_cases_m if kind == "next" else self.z_p_fext_cases_m
        return float(self.z_p_cases_m[case][0] if v is None else v[case])

    def tx_offsets(self) -> np.ndarray:
        """TX FFE tap offsets in UI, including 0 for c(0), sorted."""
        return np.array(sorted({0, *[int(t[0]) for t in self.tx_taps]}), dtype=np.int64)

    def tx_grid(self) -> np.ndarray:
        """Every allowed TX FFE setting as rows of taps at :meth:`tx_offsets`.

        The non-main taps take every value ``min, min+step, ..., max``; c(0) is
        ``1 - sum |c(k)|`` and settings with ``c(0) < c0_min`` are dropped (93A.1.6).
        The order is lexicographic in the tap values (ascending offsets), so the
        index of a setting is reproducible.
        """
        return _tx_grid(tuple(tuple(t) for t in self.tx_taps), float(self.c0_min),
                        tuple(int(o) for o in self.tx_offsets())).copy()

    def tx_grid_size_unconstrained(self) -> int:
        """Number of TX settings before the c(0) >= c0_min constraint."""
        n = 1
        for _, lo, hi, step in self.tx_taps:
            n *= round((hi - lo) / step) + 1 if step > 0 else 1
        return n

    def ctle_grid(self) -> np.ndarray:
        """CTLE settings as rows ``(gdc_db, gdc2_db)``; gdc varies fastest."""
        g2 = self.ctle_gdc2_db if self.ctle_f_lf_hz is not None else (0.0,)
        return np.array([(g, h) for h in g2 for g in self.ctle_gdc_db], dtype=float)

    def values(self) -> dict[str, Any]:
        """All fields as a plain dict (for results and JSON)."""
        d = dataclasses.asdict(self)
        d["dfe_bmin"] = list(self.bmin)
        return d


_SHEET_KR = "config_com_ieee8023_93a=3ck_SA_KR_08_17_2022.xlsx"
_SHEET_C2C = "config_com_ieee8023_93a=3ck_SA_120F_C2C_08_17_2022.xlsx"
_SHEET_CR = "config_com_ieee8023_93a=3ck_SA_CR_CA_08_17_2022.xlsx"
#: what the three 802.3ck sheets share (KR values): T_r 7.5 ps with FORCE_TR, signed b_min,
#: per-path z_p, Local Search 2
_CK_COMMON: dict[str, Any] = {
    "baud_hz": 53.125 * _GHZ,
    "ctle_f_lf_hz": 0.6640625 * _GHZ,       # f_HP_PZ = f_b / 80 (the old transcription: 0.664)
    "t_r_s": 7.5 * _PS,
    "force_tr": True,
    "z_p_cases_m": ((12 * _MM, 12 * _MM), (31 * _MM, 29 * _MM)),
    "z_p_next_cases_m": (12 * _MM, 29 * _MM),
    "z_p_fext_cases_m": (12 * _MM, 31 * _MM),
    "dfe_bmin": (0.3, 0.05) + (-0.03,) * 10,
    "dfe_n_bg": 3, "dfe_n_bf": 3, "dfe_n_f": 40, "dfe_bmaxg": 0.05,
    "dfe_float_rss_max": 0.02, "dfe_n_tail_start": 25,
    "local_search": 2,
    "board_z_bp_m": (110.3 * _MM,) * 4,
    "board_c0_f": 0.29e-4 * 1e-9,
    "board_c1_f": 0.19e-4 * 1e-9,
}

_PRESETS: dict[str, ComPreset] = {
    "802.3ck-kr": ComPreset(
        name="802.3ck-kr",
        version="802.3ck-2022 Cl.163, IEEE COM sheet 3ck_SA_KR_08_17_2022",
        source="IEEE Std 802.3ck-2022 Clause 163, Annex 93A; " + _SHEET_KR,
        **_CK_COMMON,
    ),
    "802.3ck-cr": ComPreset(
        name="802.3ck-cr",
        version="802.3ck-2022 Cl.162 (CR/CA), IEEE COM sheet 3ck_SA_CR_CA_08_17_2022 (Include PCB = 1)",
        source="IEEE Std 802.3ck-2022 Clause 162, Annex 93A; " + _SHEET_CR,
        **{**_CK_COMMON, "dfe_bmaxg": 0.03, "eta0_v2_per_hz": 9e-9 * _PER_GHZ, "snr_tx_db": 32.5,
           "include_pcb": 1},
    ),
    "802.3ck-c2c": ComPreset(
        name="802.3ck-c2c",
        version="802.3ck-2022 Annex 120F, IEEE COM sheet 3ck_SA_120F_C2C_08_17_2022",
        source="IEEE Std 802.3ck-2022 Annex 120F, Annex 93A; " + _SHEET_C2C,
        **{**_CK_COMMON,
           "eta0_v2_per_hz": 2e-8 * _PER_GHZ,
           "der0": 1e-5,
           "z_p_cases_m": ((13 * _MM, 11 * _MM), (31 * _MM, 29 * _MM)),
           "z_p_next_cases_m": (11 * _MM, 29 * _MM),
           "z_p_fext_cases_m": (13 * _MM, 31 * _MM),
           "tx_taps": ((-3, -0.04, 0.0, 0.02), (-2, 0.0, 0.1, 0.02), (-1, -0.28, 0.0, 0.02),
                       (1, -0.1, 0.0, 0.02)),
           "ctle_gdc2_db": tuple(float(g) for g in range(-4, 1)),
           "dfe_bmax": (0.65, 0.15) + (0.1,) * 4,
           "dfe_bmin": (0.3, 0.05) + (-0.04,) * 4,
           "dfe_n_bg": 0, "dfe_n_bf": 3, "dfe_n_f": 40},
    ),
    "802.3dj-kr": ComPreset(
        name="802.3dj-kr",
        version="DRAFT: P802.3dj Annex 178A (D1.2/D3.3 era, as in pychopmarg 3.4 IEEE_8023dj); "
                "not the final 802.3dj values",
        source="IEEE P802.3dj Annex 178A (draft); public pychopmarg 3.4 configuration",
        baud_hz=106.25 * _GHZ,
        a_ne_v=0.45,
        eta0_v2_per_hz=6e-9 * _PER_GHZ,
        der0=2e-4,
        t_r_s=4 * _PS,
        package="802.3dj",
        # both z_p test cases of the package (178A.1.4; P802.3dj/D3.3 Table 178-14)
        z_p_cases_m=((33 * _MM, 33 * _MM), (12 * _MM, 12 * _MM)),
        tx_taps=((-3, -0.06, 0.0, 0.02), (-2, 0.0, 0.12, 0.02), (-1, -0.34, 0.0, 0.02),
                 (1, -0.2, 0.0, 0.02)),
        c0_min=0.5,
        ctle_gdc_db=tuple(float(g) for g in range(-15, 1)),
        ctle_gdc2_db=tuple(float(g) / 2 for g in range(-10, 1)),
        ctle_fz_hz=42.5 * _GHZ,
        ctle_fp1_hz=42.5 * _GHZ,
        ctle_fp2_hz=106.25 * _GHZ,
        ctle_f_lf_hz=1.328125 * _GHZ,
        f_r_ratio=0.58,
        dfe_bmax=(0.85,),
        dfe_bmin=(0.0,),
        rx_ffe_n_pre=5,
        rx_ffe_n_post=10,
        rx_ffe_limit=0.7,
        mode="mmse",
    ),
}

PRESET_NAMES: tuple[str, ...] = tuple(_PRESETS)

_FIELDS = {f.name for f in dataclasses.fields(ComPreset)}
#: override names accepted for fields (the sheet keyword, lower case): ``n_bg=0`` turns the
#: floating DFE taps off as ``dfe_n_bg=0`` does
_ALIASES = {"n_bg": "dfe_n_bg"}


@functools.lru_cache(maxsize=16)
def _tx_grid(tx_taps: tuple, c0_min: float, offsets: tuple) -> np.ndarray:
    """:meth:`ComPreset.tx_grid` of these taps (cached: 4,345 rows for 802.3ck KR take tens
    of ms to build in Python, once per ``com`` call otherwise)."""
    offs = np.array(offsets, dtype=np.int64)
    axes = []
    for _off, lo, hi, step in sorted(tx_taps):
        if step <= 0:
            axes.append(np.array([lo]))
            continue
        n = round((hi - lo) / step) + 1
        axes.append(np.round(lo + step * np.arange(n), 12))
    rows = []
    for combo in itertools.product(*axes):
        c0 = 1.0 - float(np.sum(np.abs(combo)))
        if c0 < c0_min - 1e-12:
            continue
        full = np.zeros(offs.size)
        k = 0
        for i, o in enumerate(offs):
            if o == 0:
                full[i] = c0
            else:
                full[i] = combo[k]
                k += 1
        rows.append(full)
    return np.array(rows).reshape(-1, offs.size)


def _check_override_types(base: ComPreset, overrides: dict[str, Any]) -> None:
    """Scalar fields take a real number (``None`` only where the field is optional), flags a
    bool; the message names the field, the value and what is accepted."""
    types = {f.name: str(f.type) for f in dataclasses.fields(ComPreset)}
    for k, v in overrides.items():
        cur = getattr(base, k)
        optional = "None" in types[k]
        if v is None:
            if not optional and cur is not None:
                raise SIKernelError(f"COM preset {k}=None; expected a value like {cur!r}")
            continue
        if isinstance(cur, bool):
            if not isinstance(v, bool | np.bool_) and v not in (0, 1):
                raise SIKernelError(f"COM preset {k}={v!r}; expected True or False")
        elif isinstance(cur, int | float | np.number) and not (
                isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)):
            raise SIKernelError(f"COM preset {k}={v!r} ({type(v).__name__}); expected a real number "
                                f"like {cur!r} (SI units: s, Hz, V, m)")


#: names a user may try for a field that is set another way (the hint the unknown-field error gives)
_FIELD_HINTS = {
    "n_dfe": "the DFE tap count is the length of dfe_bmax (one limit per tap, 93A-26): e.g. "
             "dfe_bmax=(0.85, 0.3) + (0.2,) * 12 for 14 taps",
    "dfe_taps": "the DFE tap count is the length of dfe_bmax (one limit per tap, 93A-26)",
    "n_dfe_taps": "the DFE tap count is the length of dfe_bmax (one limit per tap, 93A-26)",
}


def get_preset(name: str | ComPreset = "802.3ck-kr", **overrides: Any) -> ComPreset:
    """Return a COM preset by name, with any field overridden.

    Parameters
    ----------
    name : str or ComPreset
        One of :data:`PRESET_NAMES` (case-insensitive), or a preset to copy.
    **overrides
        Any :class:`ComPreset` field, e.g. ``t_r_s=4e-12`` or ``dfe_bmax=(0.85,)``
        (``n_bg`` is accepted for ``dfe_n_bg``: ``n_bg=0`` turns floating taps off).  Overriding
        ``z_p_cases_m`` resets the aggressor lengths ``z_p_next_cases_m`` /
        ``z_p_fext_cases_m`` to the victim's TX lengths, and overriding ``dfe_bmax`` resets
        ``dfe_bmin`` to ``-dfe_bmax``, unless those are overridden too.

    Returns
    -------
    ComPreset
        A new frozen preset; ``version`` notes the overridden names.

    Raises
    ------
    SIKernelError
        Unknown name (the message lists the known ones), unknown field, or a value
        out of its domain (empty or mis-shaped tap lists, non-positive rates...).
    """
    if isinstance(name, ComPreset):
        base = name
    else:
        base = _PRESETS[one_of("COM preset", name, PRESET_NAMES)]
    overrides = {_ALIASES.get(k, k): v for k, v in overrides.items()}
    bad = sorted(set(overrides) - _FIELDS)
    if bad:
        hint = "".join(f"; {_FIELD_HINTS[k]}" for k in bad if k in _FIELD_HINTS)
        raise SIKernelError(f"unknown COM preset field(s) {bad}{hint}; known: {', '.join(sorted(_FIELDS))}")
    if overrides:
        _check_override_types(base, overrides)
        over = {k: overrides[k] for k in sorted(overrides)}
        # dependent fields follow an override of what they depend on unless given too:
        # new package cases -> aggressor lengths = the victim's TX lengths; new b_max -> b_min = -b_max
        if "z_p_cases_m" in over:
            over.setdefault("z_p_next_cases_m", None)
            over.setdefault("z_p_fext_cases_m", None)
        if "dfe_bmax" in over:
            over.setdefault("dfe_bmin", None)
        for k in ("tx_taps", "z_p_cases_m"):
            if k in over:   # plain Python numbers: a message printed np.float64(-1.0) (fuzz 31 low)
                over[k] = tuple(_plain_row(k, x) for x in _rows(k, over[k]))
        for k in ("ctle_gdc_db", "ctle_gdc2_db", "dfe_bmax"):
            if k in over:
                over[k] = tuple(float(x) for x in _vector(k, over[k]))
        for k in ("z_p_next_cases_m", "z_p_fext_cases_m", "board_z_bp_m", "board_line",
                  "rx_raised_cosine_hz"):
            if over.get(k) is not None:
                over[k] = tuple(float(x) for x in _vector(k, over[k]))
        if isinstance(over.get("mmse_ts_adjust_samples"), list | np.ndarray):
            over["mmse_ts_adjust_samples"] = tuple(over["mmse_ts_adjust_samples"])
        if over.get("dfe_bmin") is not None:
            over["dfe_bmin"] = tuple(float(x) for x in _vector("dfe_bmin", over["dfe_bmin"]))
        version = base.version + " + overrides " + ",".join(over)
        base = dataclasses.replace(base, version=version, **over)
    validate_preset(base)
    return base


def _plain_row(name: str, row: np.ndarray) -> tuple:
    """A table row as plain Python numbers (a tx_taps offset as int when integral), not numpy
    scalars, which the messages printed as np.float64(-1.0) (fuzz 31 low)."""
    out = [float(v) for v in row]
    if name == "tx_taps" and out[0].is_integer():
        return (int(out[0]), *out[1:])
    return tuple(out)


def _vector(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SIKernelError(f"{name}={value!r} is not a list of numbers") from None
    if arr.ndim != 1:
        raise SIKernelError(f"{name} has shape {arr.shape}; expected a 1-D list of numbers")
    if not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name}={value!r} contains non-finite values")
    return arr


def _rows(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SIKernelError(f"{name}={value!r} is not a table of numbers") from None
    width = 4 if name == "tx_taps" else 2
    if arr.ndim != 2 or arr.shape[1] != width:
        raise SIKernelError(f"{name} has shape {arr.shape}; expected rows of {width} numbers "
                            + ("(offset_ui, min, max, step)" if width == 4 else "(tx_m, rx_m)"))
    if not np.all(np.isfinite(arr)):
        raise SIKernelError(f"{name}={value!r} contains non-finite values")
    return arr


#: plausible ranges of the scalar preset fields: (lowest, highest, what the field holds and the
#: likely unit slip).  Outside them the value is refused: each bound is an order of magnitude or
#: more beyond any IEEE sheet (``ieee-com-config``: A_v about 0.39-0.75 V, T_r 4-12 ps, eta_0
#: about 4e-18-4e-17 V^2/Hz, f_r 0.55-0.75 f_b, sigma_RJ 0.01 UI, A_DD 0.02 UI), so a legal design is
#: never refused, and a value typed in the sheet's unit (mV, ps, V^2/GHz) or as a frequency is.
_PLAUSIBLE: dict[str, tuple[float, float, str]] = {
    "a_v_v": (0.0, 5.0, "the TX amplitude in V (IEEE sheets about 0.39-0.75 V); a value in mV must "
              "be divided by 1000"),
    "a_fe_v": (0.0, 5.0, "the FEXT aggressor amplitude in V; a value in mV must be divided by 1000"),
    "a_ne_v": (0.0, 5.0, "the NEXT aggressor amplitude in V; a value in mV must be divided by 1000"),
    "t_r_s": (0.0, 1e-9, "the 20-80 % TX rise time in s (IEEE sheets 4e-12-1.2e-11 s); a value in "
              "ps must be multiplied by 1e-12"),
    "eta0_v2_per_hz": (0.0, 1e-14, "the RX noise density in V^2/Hz (IEEE sheets about 4e-18-4e-17); "
                       "the sheets write it in V^2/GHz (8.2e-9), which must be multiplied by 1e-9"),
    "f_r_ratio": (0.0, 10.0, "the RX filter's -3 dB frequency as a fraction of the signalling rate "
                  "(IEEE sheets 0.55-0.75); a frequency in Hz must be divided by baud_hz"),
    "sigma_rj_ui": (0.0, 0.5, "the random jitter in UI rms (IEEE sheets 0.01); a value in ps must "
                    "be divided by the UI in ps"),
    "a_dd_ui": (0.0, 0.5, "the dual-Dirac jitter in UI (IEEE sheets 0.02); a value in ps must be "
                "divided by the UI in ps"),
    "r_lm": (0.0, 1.0, "the level-separation mismatch ratio, at most 1 (IEEE sheets 0.95)"),
    "r0_ohm": (1.0, 1000.0, "the single-ended reference impedance in ohm (IEEE sheets 50)"),
    "rd_ohm": (1.0, 1000.0, "the single-ended termination in ohm (IEEE sheets 50)"),
    "ctle_fz_hz": (1e6, 1e13, "a CTLE zero in Hz; a value in GHz must be multiplied by 1e9"),
    "ctle_fp1_hz": (1e6, 1e13, "a CTLE pole in Hz; a value in GHz must be multiplied by 1e9"),
    "ctle_fp2_hz": (1e6, 1e13, "a CTLE pole in Hz; a value in GHz must be multiplied by 1e9"),
    "baud_hz": (1e6, 1e13, "the signalling rate in Bd (802.3ck 53.125e9); a value in GBd must be "
                "multiplied by 1e9"),
    "snr_tx_db": (-60.0, 300.0, "the TX signal-to-noise ratio in dB (IEEE sheets 32.5-33 dB), as "
                  "stat_eye's snr_tx_db; a linear power ratio x must be given as 10*log10(x) dB"),
    "df_hz": (1e6, 1e9, "the frequency step of the COM grid in Hz (IEEE sheets 1e7, 0.01 GHz), as "
              "sikernel com --set df_hz; a value in GHz must be multiplied by 1e9"),
    # optional (None: no low-frequency stage); checked when given
    "ctle_f_lf_hz": (1e5, 1e13, "the CTLE's low-frequency pole/zero in Hz (IEEE sheets f_b/80, "
                     "0.664e9 at 53.125 GBd); a value in GHz must be multiplied by 1e9"),
}


#: longest package trace or host-board length accepted (m): five times the 802.3 host board
#: (z_bp 0.11 m); above it a length in mm was typed
MAX_PACKAGE_LENGTH_M = 0.5


def check_plausible(field: str, value: float, label: str) -> None:
    """Refuse ``value`` of the preset field ``field`` outside its plausible range
    (:data:`_PLAUSIBLE`), naming it as ``label`` with the range and the likely unit slip.

    Parameters
    ----------
    field : str
        A key of :data:`_PLAUSIBLE` (a :class:`ComPreset` field).
    value : float
        The value in the field's unit.
    label : str
        How the caller names it (``"COM preset t_r_s"``, ``"--amplitude-v"``).

    Raises
    ------
    SIKernelError
        Outside the range.
    """
    lo, hi, what = _PLAUSIBLE[field]
    if not lo <= value <= hi:
        raise SIKernelError(f"{label}={value:g} is outside {lo:g}..{hi:g}: {what}")


def validate_preset(p: ComPreset) -> None:
    """Raise :class:`SIKernelError` if a preset value is outside its domain.

    Parameters
    ----------
    p : ComPreset
        The preset to check (rates > 0, DER0 in (0, 0.5), non-empty and well-formed tap
        rows, CTLE lists, package cases and DFE limits).
    """
    for k in ("baud_hz", "df_hz", "a_v_v", "r_lm", "r0_ohm", "rd_ohm", "ctle_fz_hz", "ctle_fp1_hz",
              "ctle_fp2_hz", "f_r_ratio"):
        v = getattr(p, k)
        if not (np.isfinite(v) and v > 0):
            raise SIKernelError(f"COM preset {k}={v!r}; expected a finite value > 0")
    for k in ("a_fe_v", "a_ne_v", "sigma_rj_ui", "a_dd_ui", "eta0_v2_per_hz", "t_r_s", "mm_exact_tol_v"):
        v = getattr(p, k)
        if not (np.isfinite(v) and v >= 0):
            raise SIKernelError(f"COM preset {k}={v!r}; expected a finite value >= 0")
    for k in _PLAUSIBLE:
        if getattr(p, k) is not None:
            check_plausible(k, getattr(p, k), f"COM preset {k}")
    if not (0 < p.der0 < 0.5):
        raise SIKernelError(f"COM preset der0={p.der0!r}; expected 0 < DER0 < 0.5")
    if int(p.n_levels) != p.n_levels or p.n_levels < 2:
        raise SIKernelError(f"COM preset n_levels={p.n_levels!r}; expected an integer >= 2")
    if int(p.samples_per_ui) != p.samples_per_ui or p.samples_per_ui < 4:
        raise SIKernelError(f"COM preset samples_per_ui={p.samples_per_ui!r}; expected an integer >= 4")
    if len(p.tx_taps) == 0:
        raise SIKernelError("COM preset tx_taps is empty; expected at least one (offset_ui, min, max, "
                            "step) row (use min = max = 0, step 0 for a fixed tap)")
    offs = [int(t[0]) for t in p.tx_taps]
    if any(o == 0 for o in offs) or len(set(offs)) != len(offs):
        raise SIKernelError(f"COM preset tx_taps offsets {offs}: must be distinct and non-zero "
                            "(c(0) follows from the others)")
    for off, lo, hi, step in p.tx_taps:
        if off != int(off) or hi < lo or step < 0 or (step == 0 and hi != lo):
            raise SIKernelError(f"COM preset tx_taps row {(off, lo, hi, step)!r}: expected an integer "
                                "offset, min <= max and step > 0 (or min == max with step 0)")
    if not (0 < p.c0_min <= 1):
        raise SIKernelError(f"COM preset c0_min={p.c0_min!r}; expected 0 < c0_min <= 1")
    if len(p.ctle_gdc_db) == 0 or (p.ctle_f_lf_hz is not None and len(p.ctle_gdc2_db) == 0):
        raise SIKernelError("COM preset CTLE gain lists are empty; expected at least one value each")
    if len(p.z_p_cases_m) == 0 or any(len(c) != 2 or min(c) < 0 for c in p.z_p_cases_m):
        raise SIKernelError(f"COM preset z_p_cases_m={p.z_p_cases_m!r}; expected (tx_m, rx_m) pairs >= 0")
    lengths = [x for c in p.z_p_cases_m for x in c]
    lengths += list(p.z_p_next_cases_m or ()) + list(p.z_p_fext_cases_m or ()) + list(p.board_z_bp_m)
    if any(x > MAX_PACKAGE_LENGTH_M for x in lengths):
        raise SIKernelError(f"COM preset package/board lengths {max(lengths):g} m exceed "
                            f"{MAX_PACKAGE_LENGTH_M:g} m: z_p_cases_m, z_p_next/fext_cases_m and "
                            "board_z_bp_m are in metres (IEEE sheets 0.012-0.033 m packages, 0.11 m "
                            f"host boards); {max(lengths):g} mm is {max(lengths) * 1e-3:g} m")
    if p.dfe_bmin is None and any(b < 0 for b in p.dfe_bmax):
        # fuzz 31 low: the message named dfe_bmin=(1.0,), derived from the dfe_bmax given, not given
        raise SIKernelError(f"COM preset dfe_bmax={p.dfe_bmax!r}: expected limits >= 0 (relative to the "
                            "main cursor); dfe_bmin defaults to -dfe_bmax, so a negative dfe_bmax has no "
                            "tap range: give magnitudes, or dfe_bmin too for asymmetric limits")
    if len(p.bmin) != len(p.dfe_bmax) or any(lo > hi for lo, hi in zip(p.bmin, p.dfe_bmax, strict=True)):
        raise SIKernelError(f"COM preset dfe_bmin={p.bmin!r} / dfe_bmax={p.dfe_bmax!r}: expected equal "
                            "lengths and bmin <= bmax")
    if p.mm_rule not in ("ieee", "peak"):
        raise SIKernelError(f"COM preset mm_rule={p.mm_rule!r}; expected 'ieee' (IEEE MATLAB COM "
                            "cursor_sample_index) or 'peak' (minimum residual within 1 UI of the peak)")
    if p.mm_rule == "ieee" and p.mm_exact_tol_v != 0:
        raise SIKernelError(f"COM preset mm_exact_tol_v={p.mm_exact_tol_v!r} applies to mm_rule='peak' "
                            "only; with mm_rule='ieee' it must be 0")
    if p.mode not in ("grid", "mmse"):
        raise SIKernelError(f"COM preset mode={p.mode!r}; expected 'grid' or 'mmse'")
    if p.rx_ffe_n_pre < 0 or p.rx_ffe_n_post < 0:
        raise SIKernelError("COM preset rx_ffe_n_pre / rx_ffe_n_post must be >= 0")
    adj = p.mmse_ts_adjust_samples
    ints = (isinstance(adj, tuple) and len(adj) == 2
            and all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in adj))
    if not ints or adj[0] > adj[1] or max(abs(int(a)) for a in adj) > p.samples_per_ui:
        raise SIKernelError(f"COM preset mmse_ts_adjust_samples={p.mmse_ts_adjust_samples!r}; expected "
                            f"two integers lo <= hi within +/- samples_per_ui ({p.samples_per_ui})")
    _validate_sheet_fields(p)
    _warn_dubious(p)
    if adj != (0, 0) and p.mode != "mmse":
        raise SIKernelError(f"COM preset mmse_ts_adjust_samples={p.mmse_ts_adjust_samples!r} applies to "
                            "mode='mmse' only; with mode='grid' it must be (0, 0)")


#: a DER0 below this is no target BER any link is specified at (802.3 sheets 1e-5..2e-4); a
#: value this small is a typo (an exponent slip) that makes COM meaningless
DER0_DUBIOUS = 1e-20


def _warn_dubious(p: ComPreset) -> None:
    """Warn (:class:`SIKernelWarning`) on legal but dubious preset values: a DER0 below
    :data:`DER0_DUBIOUS`, a negative pass threshold, a CTLE DC gain above 0 dB (a boost)."""
    def warn(msg: str) -> None:
        warnings.warn(msg, SIKernelWarning, stacklevel=user_stacklevel())

    if p.der0 < DER0_DUBIOUS:
        warn(f"COM preset der0={p.der0:g} is below {DER0_DUBIOUS:g}: the 802.3 sheets use 1e-5..2e-4; "
             "an exponent slip?")
    if p.pass_threshold_db < 0:
        warn(f"COM preset pass_threshold_db={p.pass_threshold_db:g} is negative: a COM below 0 dB "
             "would pass (802.3 uses 3 dB); sign slip?")
    for k in ("ctle_gdc_db", "ctle_gdc2_db"):
        if max(getattr(p, k), default=0.0) > 0:
            warn(f"COM preset {k}={getattr(p, k)!r} has gains above 0 dB: the CTLE DC gains are "
                 "attenuations (<= 0 dB; the presets use -20..0); sign slip?")


def _validate_sheet_fields(p: ComPreset) -> None:
    """Domain checks of the fields that come from the IEEE sheets (floating taps, per-path
    package lengths, local search, boards)."""
    for k in ("dfe_n_bg", "dfe_n_bf", "dfe_n_f", "dfe_n_tail_start", "local_search", "include_pcb"):
        v = getattr(p, k)
        if isinstance(v, bool) or int(v) != v or v < 0:
            raise SIKernelError(f"COM preset {k}={v!r}; expected an integer >= 0")
    nb = len(p.dfe_bmax)
    if p.dfe_n_bg > 0:
        if p.dfe_n_bf < 1 or p.dfe_n_f < nb + p.dfe_n_bg * p.dfe_n_bf:
            raise SIKernelError(
                f"COM preset floating DFE taps: N_bg={p.dfe_n_bg} groups of N_bf={p.dfe_n_bf} taps "
                f"do not fit between the N_b={nb} fixed taps and N_f={p.dfe_n_f}; expected "
                f"N_f >= N_b + N_bg N_bf (or dfe_n_bg=0 to turn floating taps off)")
        if p.mode != "grid":
            raise SIKernelError("COM preset floating DFE taps (dfe_n_bg > 0) are implemented for "
                                "mode='grid' only; set dfe_n_bg=0")
    for k in ("dfe_bmaxg", "dfe_float_rss_max", "board_c0_f", "board_c1_f"):
        v = getattr(p, k)
        if not (np.isfinite(v) and v >= 0):
            raise SIKernelError(f"COM preset {k}={v!r}; expected a finite value >= 0")
    n_cases = len(p.z_p_cases_m)
    for k in ("z_p_next_cases_m", "z_p_fext_cases_m"):
        v = getattr(p, k)
        if v is not None and (len(v) != n_cases or min(v) < 0):
            raise SIKernelError(f"COM preset {k}={v!r}; expected one length >= 0 (m) per package "
                                f"test case ({n_cases}) or None (the victim's TX length)")
    if p.include_pcb not in (0, 1, 2):
        raise SIKernelError(f"COM preset include_pcb={p.include_pcb!r}; expected 0 (no host boards), "
                            "1 (both ends) or 2 (receiver end only), as the sheet keyword 'Include PCB'")
    if len(p.board_z_bp_m) != 4 or min(p.board_z_bp_m) < 0:
        raise SIKernelError(f"COM preset board_z_bp_m={p.board_z_bp_m!r}; expected 4 lengths >= 0 (m): "
                            "TX, NEXT, FEXT, RX")
    if len(p.board_line) != 5 or p.board_line[4] <= 0 or p.board_line[3] <= 0:
        raise SIKernelError(f"COM preset board_line={p.board_line!r}; expected (gamma0, a1, a2, "
                            "tau ns/mm > 0, Z_c ohm > 0)")
    rc = p.rx_raised_cosine_hz
    if rc is not None and (len(rc) != 2 or not (0 < rc[0] < rc[1])):
        raise SIKernelError(f"COM preset rx_raised_cosine_hz={rc!r}; expected (start, end) in Hz with "
                            "0 < start < end, or None")
    if p.local_search > 0 and p.mode != "grid":
        raise SIKernelError("COM preset local_search applies to mode='grid' only; set local_search=0")
    if p.pmd_type not in ("C2C", "C2M"):
        raise SIKernelError(f"COM preset pmd_type={p.pmd_type!r}; expected 'C2C' or 'C2M'")
    if p.pmd_type == "C2M":
        if p.mode != "grid":
            raise SIKernelError("COM preset pmd_type='C2M' is implemented for mode='grid' (93A) only")
        if p.dfe_n_bg > 0:
            raise SIKernelError(f"COM preset pmd_type='C2M' with floating DFE taps (dfe_n_bg="
                                f"{p.dfe_n_bg}) is not implemented; set dfe_n_bg=0")
        if not (p.c2m_t_o_mui >= 0 and p.c2m_samples_per_ui >= 4 and p.c2m_sigma_r_ui > 0
                and p.c2m_min_veo_test_v >= 0):
            raise SIKernelError(f"COM preset C2M values T_O={p.c2m_t_o_mui!r} mUI, samples_for_C2M="
                                f"{p.c2m_samples_per_ui!r}, sigma_r={p.c2m_sigma_r_ui!r} UI, Min_VEO_Test="
                                f"{p.c2m_min_veo_test_v!r} V; expected T_O >= 0, samples >= 4, "
                                "sigma_r > 0, Min_VEO_Test >= 0")
        if p.c2m_t_o_mui > 0 and np.floor(p.c2m_t_o_mui / 1000.0 * p.c2m_samples_per_ui) < 1:
            raise SIKernelError(f"COM preset c2m_t_o_mui={p.c2m_t_o_mui!r}: T_O must span at least one "
                                f"of samples_for_C2M = {p.c2m_samples_per_ui} samples per UI")
        if p.c2m_window.lower() not in (*WINDOWS, "norm", "normal", "guassian"):
            raise SIKernelError(f"COM preset c2m_window={p.c2m_window!r}; expected one of {WINDOWS}")
    for k, _model in p.package_paths:
        if k not in ("rx", "next", "fext"):
            raise SIKernelError(f"COM preset package_paths key {k!r}; expected 'rx', 'next' or 'fext'")
    if len(p.ctle_gqual_db) != len(p.ctle_g2qual_db):
        raise SIKernelError(f"COM preset ctle_gqual_db has {len(p.ctle_gqual_db)} rows for "
                            f"{len(p.ctle_g2qual_db)} ctle_g2qual_db values; expected one row per value")


__all__ = ["PRESET_NAMES", "ComPreset", "get_preset", "validate_preset"]
