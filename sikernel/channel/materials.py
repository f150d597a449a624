"""Catalogue of PCB / package dielectrics and copper-foil roughness classes, by name.

Every entry records where its numbers come from and how much to trust them
(H primary source, M credible secondary, L vendor blog / unsure table alignment),
following ``shared/reference/links-and-energy.md``.  Datasheet values are
nominal (resin content, glass style and test method move them by several per
cent); pass your own numbers to :class:`Dielectric` / :class:`Roughness` when
you have them.

Dielectrics (Dk, Df at the quoted frequency; Djordjevic–Sarkar fit by default):

=================  ======  =======================  ===========================================  ====
name               Dk      Df                       source                                       conf
=================  ======  =======================  ===========================================  ====
fr4                4.3     0.020 @ 1 GHz            typical standard epoxy/E-glass FR-4 (IPC-4101/21  L-M
                                                    class), as tabulated e.g. in E. Bogatin,
                                                    *Signal and Power Integrity - Simplified*,
                                                    3rd ed., 2018, ch. 9
fr408hr            3.69    0.0091 @ 1 GHz           Isola FR408HR laminate data via a PCB fab     M
370hr              3.92    0.025 @ 5 GHz            Isola 370HR laminate table (Dk @ 10 GHz)     M
                   @10 GHz
megtron6           3.4     0.004 @ 12 GHz           Panasonic R-5775 datasheet (quoted; Df       M
                                                    0.002 @ 1 GHz, the 12 GHz value is used)
megtron7           3.4     0.002 @ 12 GHz           Panasonic R-5785 datasheet (quoted; Df       M
                                                    0.001 @ 1 GHz)
megtron8           3.13    0.0016 @ 14 GHz          Panasonic R-579Y series page, N grade         M
megtron8-u         3.08    0.0012 @ 14 GHz          Panasonic R-579Y series page, U grade         M
tachyon100g        3.0     0.002 @ 10 GHz           Isola Tachyon 100G, comparison table (column  L
                                                    alignment and test frequency unsure)
abf-gl102          3.3     0.0044 @ 5.8 GHz         Ajinomoto ABF GL102 build-up film, cavity     L-M
                                                    resonator at 5.8 GHz (vendor literature as
                                                    quoted in package-substrate papers)
=================  ======  =======================  ===========================================  ====

Megtron 6/7 quote a Df rising with frequency (0.002 → 0.004): that is not a
single Djordjevic–Sarkar curve; the higher-frequency point is used because the
SerDes band of interest is 10–60 GHz.

Copper-foil roughness classes: *typical* values, not sourced per foil.  Huray
sphere radius and surface ratio are chosen so that the multiplier at 20 GHz is
about 1.3 (HVLP), 1.6 (VLP), 2.0 (RTF) and 3.0 (standard ED foil), the usual
magnitudes in foil-comparison papers; Rq (RMS profile height, used by
Hammerstad–Jensen and Groisse) from typical profilometer figures.  Check: on a
200 mm Megtron-6 differential stripline (W 5 mil, t 0.6 mil, 6 mil to each plane,
S 7 mil) the HVLP class gives 25.4 % less total loss than RTF at 20 GHz;
shared/reference/links-and-energy.md reports
≈ 17 % (M) for an unspecified stripline (wider traces, where the dielectric
share is larger, give smaller differences).  Defaults for user override:

=========  ========  =============  ======  ==========================================
name       Rq (µm)   Huray a (µm)   SR      description
=========  ========  =============  ======  ==========================================
smooth     0         —              0       ideal flat copper (K = 1)
hvlp       0.4       0.4            0.6     hyper/very-very-low profile (HVLP, "VLP-2")
vlp        0.8       0.5            1.0     very-low profile
rtf        1.2       0.5            1.6     reverse-treated foil
std        2.0       0.75           2.4     standard electrodeposited (drum-side up)
=========  ========  =============  ======  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _validate
from ..errors import SIKernelError
from . import conductor
from .dielectric import ConstantDielectric, DjordjevicSarkar, fit_djordjevic_sarkar


@dataclass(frozen=True)
class Dielectric:
    """A named dielectric: datasheet point plus the permittivity model fitted to it.

    Parameters
    ----------
    name : str
        Catalogue name.
    dk : float
        Dielectric constant at ``f_ref_hz``.
    df : float
        Loss tangent at ``f_ref_df_hz`` (default ``f_ref_hz``).
    f_ref_hz : float
        Frequency of the Dk figure (Hz).
    f_ref_df_hz : float or None
        Frequency of the Df figure (Hz) when it differs.
    causal : bool
        ``True`` (default): Djordjevic–Sarkar fit; ``False``: constant Dk/Df (non-causal).
    source : str
        Where the numbers come from.
    confidence : str
        H, M, L (see module docstring).
    """

    name: str
    dk: float
    df: float
    f_ref_hz: float
    f_ref_df_hz: float | None = None
    causal: bool = True
    source: str = ""
    confidence: str = ""
    model: DjordjevicSarkar | ConstantDielectric = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.causal:
            m = fit_djordjevic_sarkar(self.dk, self.df, self.f_ref_hz, f_ref_df_hz=self.f_ref_df_hz)
        else:
            dk = _validate.finite_scalar("dk", self.dk, minimum=1.0)
            df = _validate.finite_scalar("df", self.df, minimum=0.0, maximum=1.0)
            m = ConstantDielectric(dk, df)
        object.__setattr__(self, "model", m)

    def eps_r(self, f: object) -> np.ndarray:
        """Complex relative permittivity ``eps' - j eps''`` at ``f`` (Hz)."""
        return self.model.eps_r(f)

    def dk_df(self, f: object) -> tuple[np.ndarray, np.ndarray]:
        """Dk and Df at ``f`` (Hz)."""
        return self.model.dk_df(f)

    def non_causal(self) -> Dielectric:
        """The same datasheet point as a constant-Dk/Df (non-causal) dielectric."""
        return Dielectric(self.name + " (constant)", self.dk, self.df, self.f_ref_hz, self.f_ref_df_hz,
                          causal=False, source=self.source, confidence=self.confidence)


@dataclass(frozen=True)
class Roughness:
    """Copper surface roughness parameters and the multiplier model to apply.

    Parameters
    ----------
    name : str
        Catalogue name.
    rq_m : float
        RMS profile height (m), for Hammerstad–Jensen and Groisse.
    radius_m : float
        Huray sphere radius (m).
    surface_ratio : float
        Huray ``SR = N 4 pi a^2 / A_flat``.
    model : str
        "huray" (default), "hammerstad" or "groisse".
    """

    name: str
    rq_m: float
    radius_m: float = 0.5e-6
    surface_ratio: float = 0.0
    model: str = "huray"

    def __post_init__(self) -> None:
        _validate.non_negative("rq_m", self.rq_m)
        _validate.positive("radius_m", self.radius_m)
        _validate.non_negative("surface_ratio", self.surface_ratio)
        _validate.one_of("roughness model", self.model, ROUGHNESS_MODELS)

    def factor(self, f: object, sigma_s_m: float = conductor.COPPER_CONDUCTIVITY_S_M) -> np.ndarray:
        """Roughness multiplier K(f) >= 1 on the smooth-conductor AC resistance."""
        delta = conductor.skin_depth(f, sigma_s_m)
        model = _validate.one_of("roughness model", self.model, ROUGHNESS_MODELS)
        if model == "huray":
            return conductor.huray(delta, self.radius_m, self.surface_ratio)
        if model == "hammerstad":
            return conductor.hammerstad_jensen(delta, self.rq_m)
        return conductor.groisse(delta, self.rq_m)

    def with_model(self, model: str) -> Roughness:
        """The same foil evaluated with another multiplier model."""
        return Roughness(self.name, self.rq_m, self.radius_m, self.surface_ratio, model)


ROUGHNESS_MODELS = ("huray", "hammerstad", "groisse")

_PANASONIC = "Panasonic datasheet as quoted in shared/reference/links-and-energy.md"

DIELECTRICS: dict[str, Dielectric] = {
    d.name: d
    for d in (
        Dielectric("fr4", 4.3, 0.020, 1e9,
                   source="typical standard FR-4 (IPC-4101/21 class epoxy/E-glass); e.g. E. Bogatin, "
                          "Signal and Power Integrity - Simplified, 3rd ed., 2018",
                   confidence="L-M"),
        Dielectric("fr408hr", 3.69, 0.0091, 1e9,
                   source="Isola FR408HR laminate data via a PCB fab", confidence="M"),
        Dielectric("370hr", 3.92, 0.025, 10e9, f_ref_df_hz=5e9,
                   source="Isola 370HR laminate table (Dk @ 10 GHz, Df @ 5 GHz)", confidence="M"),
        Dielectric("megtron6", 3.4, 0.004, 12e9,
                   source=_PANASONIC + " (R-5775; Df 0.002 @ 1 GHz, 0.004 @ 12 GHz)", confidence="M"),
        Dielectric("megtron7", 3.4, 0.002, 12e9,
                   source=_PANASONIC + " (R-5785; Df 0.001 @ 1 GHz, 0.002 @ 12 GHz)", confidence="M"),
        Dielectric("megtron8", 3.13, 0.0016, 14e9,
                   source="Panasonic R-579Y series page, N grade", confidence="M"),
        Dielectric("megtron8-u", 3.08, 0.0012, 14e9,
                   source="Panasonic R-579Y series page, U grade", confidence="M"),
        Dielectric("tachyon100g", 3.0, 0.002, 10e9,
                   source="Isola Tachyon 100G, comparison table (column alignment and test "
                          "frequency unsure)", confidence="L"),
        Dielectric("abf-gl102", 3.3, 0.0044, 5.8e9,
                   source="Ajinomoto ABF GL102 build-up film, cavity resonator 5.8 GHz (vendor "
                          "literature as quoted in package-substrate papers)", confidence="L-M"),
    )
}

#: Aliases accepted by :func:`get_dielectric`.
DIELECTRIC_ALIASES = {"fr-4": "fr4", "megtron 6": "megtron6", "megtron 7": "megtron7",
                      "megtron7n": "megtron7", "megtron 8": "megtron8", "tachyon": "tachyon100g",
                      "abf": "abf-gl102"}

ROUGHNESS: dict[str, Roughness] = {
    r.name: r
    for r in (
        Roughness("smooth", 0.0, 0.5e-6, 0.0),
        Roughness("hvlp", 0.4e-6, 0.4e-6, 0.6),
        Roughness("vlp", 0.8e-6, 0.5e-6, 1.0),
        Roughness("rtf", 1.2e-6, 0.5e-6, 1.6),
        Roughness("std", 2.0e-6, 0.75e-6, 2.4),
    )
}


def get_dielectric(name: str | Dielectric) -> Dielectric:
    """Catalogue dielectric by name (case-insensitive; a :class:`Dielectric` passes through).

    Parameters
    ----------
    name : str or Dielectric
        Catalogue name or alias (see :data:`DIELECTRICS`), or a dielectric object.

    Returns
    -------
    Dielectric
        The catalogue entry (or ``name`` itself).

    Raises
    ------
    SIKernelError
        Unknown name; the message lists the known ones.
    """
    if isinstance(name, Dielectric):
        return name
    if isinstance(name, str):
        key = DIELECTRIC_ALIASES.get(name.strip().lower(), name.strip().lower())
        if key in DIELECTRICS:
            return DIELECTRICS[key]
    raise SIKernelError(f"unknown dielectric {name!r}; known: {', '.join(DIELECTRICS)} "
                        f"(aliases: {', '.join(DIELECTRIC_ALIASES)})")


def get_roughness(name: str | Roughness | None) -> Roughness:
    """Catalogue roughness class by name (``None`` means "smooth"; a :class:`Roughness` passes through).

    Parameters
    ----------
    name : str, Roughness or None
        Roughness class name (see :data:`ROUGHNESS`), a roughness object, or ``None``.

    Returns
    -------
    Roughness
        The catalogue entry (or ``name`` itself).

    Raises
    ------
    SIKernelError
        Unknown name; the message lists the known ones.
    """
    if name is None:
        return ROUGHNESS["smooth"]
    if isinstance(name, Roughness):
        return name
    if isinstance(name, str) and name.strip().lower() in ROUGHNESS:
        return ROUGHNESS[name.strip().lower()]
    raise SIKernelError(f"unknown roughness {name!r}; known: {', '.join(ROUGHNESS)}")


__all__ = ["DIELECTRICS", "ROUGHNESS", "ROUGHNESS_MODELS", "Dielectric", "Roughness",
           "get_dielectric", "get_roughness"]
