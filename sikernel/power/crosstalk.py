"""Synthetic power-sum crosstalk of a host channel, for the energy model's SI chain.

Why
---
IEEE 802.3 COM adds the crosstalk of every NEXT and FEXT aggressor of a channel to the
noise of the figure of merit: each aggressor's pulse response (its own transmitter at
amplitude ``A_fe`` or ``A_ne``, through the same packages, RX AFE and CTLE as the
victim; far-end aggressors through the victim's TX FFE setting) contributes, at its worst
sampling phase,

    σ_XT² = σ_X² Σ_aggressors max_φ Σ_n x(φ + nT)²                    (93A-33, 93A-34)

Every 802.3ck/802.3df COM sheet in ``shared/reference/ieee-com-config`` (KR, CR/CA,
C2C 120F, C2M 120G, 200G C2C and CA/KR) carries ``A_fe`` and ``A_ne``: each standard's
COM includes crosstalk.  The energy model runs on embedded defaults (no measured files
at run time), so this module gives a compact synthetic model of the *power sum* of a
channel's aggressors, fitted once on the only measured crosstalk set available, the
IEEE P802.3ck cable assembly ``CA_19p75dB`` (mellitz_3ck_04_1119: thru + 7 FEXT + 8
NEXT), and stored below with its provenance.

The model
---------
With ``u = f/f_b`` (frequency over the symbol rate: a channel built for a rate carries
its crosstalk at the same fraction of that rate, as its loss budget does -- assumption)
and ``H`` the victim channel's through response:

* power-sum FEXT, riding (part of) the victim's loss:

      |X_F(f)| = k_F · u^p_F · |H(f)|^β_F,    phase arg H + π/2             (X1)

  Weakly coupled uniform lines give ``p_F = 1``, ``β_F = 1`` (the forward-coupled wave
  is ``jω (ℓ/2v)(C_m/C - L_m/L)`` times the through wave: C. R. Paul, *Analysis of
  Multiconductor Transmission Lines*, 2nd ed., Wiley 2008, ch. 10 (weak coupling);
  S. H. Hall, H. L. Heck, *Advanced Signal Integrity for High-Speed Digital Designs*,
  Wiley 2009, ch. 4, "Crosstalk").  Connector- and breakout-dominated coupling near
  the receiver sees less of the channel's loss (``β_F < 1``) and a weaker frequency
  growth; both exponents are fitted.
* power-sum NEXT, a coupling that grows with frequency and saturates (the backward
  coupling ``K_b (1 - e^{-2γℓ})`` of the same references, which tends to ``K_b``
  once the coupled section is electrically long):

      |X_N(f)| = k_N · min(u, u_sat)^p_N,    phase p_N π/2                 (X2)

  ``u_sat = 1`` (the measured power sum is flat within 1 dB from f_b to 60 GHz).

Fit (:func:`fit_power_sums`): linear least squares of the power sums in dB over
``0.02 ≤ u ≤ 1`` for the exponents and a provisional level, then the level ``k`` set so
that the model's integrated crosstalk power, weighted as the victim's receiver sees it
(``sinc²(u) |H_r(f)|²``: the NRZ symbol spectrum and the RX AFE 93A-20 at
``0.75 f_b``, the weighting of the integrated crosstalk noise of IEEE 802.3 92.10.7
with this chain's receiver filter), equals the measured one over ``0 < u ≤ 1``.  No
published crosstalk limit was found to anchor the level to (802.3ck specifies
crosstalk through COM itself), so the level is the CA's.

Aggressor path: COM sends each aggressor through its own TX package and the victim's RX
package (93A.1.2, the ``z_p (NEXT)`` / ``z_p (FEXT)`` entries of the sheets).  The fit above
is of the bare cable assembly (COM adds the packages to it), so when the model is applied
in the SI chain (``packages=True``, the default) both aggressors are multiplied by the
package pair of the symbol rate -- the IEEE COM package preset of the rate (802.3ck at
≤ 60 GBd, 802.3dj above, :func:`sikernel.channel.package.package_preset`) at 12 mm each side,
COM's first package case (:func:`package_pair`).  For a victim channel that carries its
own packages, (X1) then counts the package loss with ``1 + β_F`` (β_F ≈ 0.23: a small
excess, accepted).

Aggressor amplitudes: every lane of a SerDes macro uses the same transmitter, so a FEXT
aggressor launches the victim's amplitude ``A`` (COM: ``A_fe = A_v``) and a NEXT
aggressor ``ne_amplitude_ratio × A`` (default 1: the same design at the near end; the
802.3ck sheets use ``A_ne/A_v = 0.608/0.413`` for a full-swing KR/CR transmitter).
``scale`` multiplies both crosstalk amplitudes (0: no crosstalk).

Regenerate the stored fit with ``python -m sikernel.power.crosstalk <dir>`` (``<dir>``
holding ``CA_19p75dB_*.s4p``); ``tests/test_crosstalk.py`` refits from the files and
checks the stored values.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import _validate
from ..errors import SIKernelError

#: symbol rate of the fit data (IEEE P802.3ck, 53.125 GBd PAM4)
FIT_BAUD = 53.125e9
#: fit band in u = f/f_b
FIT_U_BAND = (0.02, 1.0)
#: RX AFE bandwidth over f_b of the level-anchoring weight (93A-20, 802.3ck f_r = 0.75)
FIT_F_R_RATIO = 0.75
#: files of the fit (in the P802.3ck channel folder)
CA_FILES: dict[str, tuple[str, ...]] = {
    "thru": ("CA_19p75dB_thru.s4p",),
    "fext": tuple(f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)),
    "next": tuple(f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)),
}


@dataclass(frozen=True)
class CrosstalkModel:
    """Power-sum FEXT (X1) and NEXT (X2) of a channel relative to its through response.

    Attributes
    ----------
    fext_k : float
        FEXT level ``k_F`` at ``u = 1`` and ``|H| = 1`` (linear voltage ratio).
    fext_p : float
        FEXT frequency exponent ``p_F``.
    fext_beta : float
        Share ``β_F`` of the victim's loss (in dB) the FEXT sees.
    next_k : float
        NEXT level ``k_N`` at ``u = u_sat`` (linear).
    next_p : float
        NEXT frequency exponent ``p_N``.
    next_u_sat : float
        Frequency (over f_b) above which NEXT is flat.
    ne_amplitude_ratio : float
        NEXT aggressor launch amplitude over the victim's.
    scale : float
        Multiplier of both crosstalk amplitudes (≥ 0; 0 turns crosstalk off).
    packages : bool
        Multiply both aggressors by the rate's COM package pair (:func:`package_pair`).
    name : str
        Label.
    provenance : dict
        Where the numbers come from (files, fit command, residuals); not part of equality.
    """

    fext_k: float
    fext_p: float
    fext_beta: float
    next_k: float
    next_p: float
    next_u_sat: float = 1.0
    ne_amplitude_ratio: float = 1.0
    scale: float = 1.0
    packages: bool = True
    name: str = "synthetic"
    provenance: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def key(self) -> dict[str, float]:
        """The numbers that change a result (for cache keys)."""
        return {k: float(getattr(self, k)) for k in ("fext_k", "fext_p", "fext_beta", "next_k", "next_p",
                                                    "next_u_sat", "ne_amplitude_ratio", "scale",
                                                    "packages")}

    @property
    def active(self) -> bool:
        """Whether any crosstalk is added (``scale > 0``)."""
        return self.scale > 0.0

    def fext(self, f_hz: np.ndarray, h_thru: np.ndarray, baud: float) -> np.ndarray:
        """Power-sum FEXT transfer function (X1) for the through response ``h_thru``.

        Parameters
        ----------
        f_hz : ndarray
            Frequencies in Hz.
        h_thru : ndarray
            Victim through response on ``f_hz``.
        baud : float
            Symbol rate in Bd.

        Returns
        -------
        ndarray of complex
        """
        u = np.asarray(f_hz, dtype=float) / baud
        h = np.asarray(h_thru, dtype=np.complex128)
        mag = np.abs(h)
        with np.errstate(divide="ignore", invalid="ignore"):
            ph = np.where(mag > 0, h / np.where(mag > 0, mag, 1.0), 1.0)
            amp = self.scale * self.fext_k * u ** self.fext_p * mag ** self.fext_beta
        out = amp * 1j * ph
        return out * package_pair(f_hz, baud) if self.packages else out

    def next(self, f_hz: np.ndarray, baud: float) -> np.ndarray:
        """Power-sum NEXT transfer function (X2), launch amplitude ratio included.

        Parameters
        ----------
        f_hz : ndarray
            Frequencies in Hz.
        baud : float
            Symbol rate in Bd.

        Returns
        -------
        ndarray of complex
        """
        u = np.asarray(f_hz, dtype=float) / baud
        amp = (self.scale * self.ne_amplitude_ratio * self.next_k
               * (np.minimum(u, self.next_u_sat) / self.next_u_sat) ** self.next_p)
        out = amp * np.exp(0.5j * math.pi * self.next_p)
        return out * package_pair(f_hz, baud) if self.packages else out


#: package trace length of each side of the aggressor path (m): COM's first package case
PACKAGE_Z_P_M = 12e-3


def package_pair(f_hz: np.ndarray, baud: float) -> np.ndarray:
    """S21 of the rate's IEEE COM package pair (TX + RX package, 12 mm each, no board between).

    Parameters
    ----------
    f_hz : ndarray
        Frequencies in Hz.
    baud : float
        Symbol rate in Bd (selects 802.3ck or 802.3dj, :func:`sikernel.channel.package.package_preset`).

    Returns
    -------
    ndarray of complex
    """
    from ..channel.link import Link
    from ..channel.package import package_preset

    pkg = package_preset(baud)
    ch = Link(segments=[], tx_package=pkg, rx_package=pkg, z_p_tx_m=PACKAGE_Z_P_M,
              z_p_rx_m=PACKAGE_Z_P_M, check_units=False).build(np.asarray(f_hz, dtype=float))
    return np.asarray(ch.s21)


def check_model(model: CrosstalkModel) -> CrosstalkModel:
    """Validate a :class:`CrosstalkModel` (finite, levels and ratios ≥ 0, exponents ≥ 0).

    Parameters
    ----------
    model : CrosstalkModel

    Returns
    -------
    CrosstalkModel
        ``model`` itself.

    Raises
    ------
    SIKernelError
        A negative or non-finite field (named), or ``next_u_sat`` ≤ 0.
    """
    for name in ("fext_k", "next_k", "ne_amplitude_ratio", "scale", "fext_p", "next_p", "fext_beta"):
        _validate.non_negative(f"crosstalk.{name}", getattr(model, name))
    _validate.positive("crosstalk.next_u_sat", model.next_u_sat)
    return model


#: the stored fit on CA_19p75dB (values from ``python -m sikernel.power.crosstalk``)
CA_19P75DB = CrosstalkModel(
    fext_k=0.009982904120759304, fext_p=0.37180055248479904, fext_beta=0.23352089347605562,
    next_k=0.021922623347768195, next_p=2.139225238602375,
    name="P802.3ck CA_19p75dB power sums",
    provenance={
        "files": "IEEE P802.3ck CA_19p75dB_thru.s4p, CA_19p75dB_fext1..7.s4p, CA_19p75dB_next1..8.s4p "
                 "(mellitz_3ck_04_1119; SDD21 with the (1,3)->(2,4) port map)",
        "fit_command": "python -m sikernel.power.crosstalk shared/channels/ieee-802.3ck",
        "fit_baud_hz": FIT_BAUD,
        "rms_residual_fext_db": 3.0530,
        "rms_residual_next_db": 4.8022,
        "level_correction_fext_db": 1.3433,
        "level_correction_next_db": 3.2332,
    },
)


def resolve(crosstalk: Any) -> CrosstalkModel | None:
    """A crosstalk argument as a model, or None for none.

    Parameters
    ----------
    crosstalk : None, bool, str, float or CrosstalkModel
        None / False / "none" / 0: no crosstalk; True / "ca": :data:`CA_19P75DB`;
        a positive number: :data:`CA_19P75DB` with that ``scale``; a model: itself.

    Returns
    -------
    CrosstalkModel or None

    Raises
    ------
    SIKernelError
        Anything else (the message lists what is accepted).
    """
    if crosstalk is None or crosstalk is False:
        return None
    if crosstalk is True:
        return CA_19P75DB
    if isinstance(crosstalk, CrosstalkModel):
        m = check_model(crosstalk)
        return m if m.active else None
    if isinstance(crosstalk, str):
        key = crosstalk.strip().lower()
        if key in ("none", "off"):
            return None
        if key in ("ca", "on", "default"):
            return CA_19P75DB
    elif isinstance(crosstalk, (int, float, np.floating, np.integer)):
        s = _validate.non_negative("crosstalk", crosstalk)
        return dataclasses.replace(CA_19P75DB, scale=s) if s > 0 else None
    raise SIKernelError(f"crosstalk={crosstalk!r} is not understood; give None/'none' (off), 'ca' or True "
                        "(the stored CA_19p75dB fit), a scale factor >= 0 (e.g. 2.0 for twice the "
                        "crosstalk amplitude), or a sikernel.power.crosstalk.CrosstalkModel")


# -- fit ---------------------------------------------------------------------------------
def read_power_sums(folder: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(f, H_thru, Σ|FEXT|², Σ|NEXT|²) of the CA_19p75dB set in ``folder`` (SDD21, (1,3)->(2,4)).

    Parameters
    ----------
    folder : str or Path
        Folder holding the files of :data:`CA_FILES`.

    Returns
    -------
    tuple of ndarray
        Frequencies (Hz), the thru's SDD21, the FEXT and NEXT power sums.

    Raises
    ------
    SIKernelError
        A file of :data:`CA_FILES` is missing.
    """
    from ..channel.touchstone import read_touchstone

    d = Path(folder)
    missing = [n for names in CA_FILES.values() for n in names if not (d / n).is_file()]
    if missing:
        raise SIKernelError(f"crosstalk fit: {missing} not found in {str(d)!r}; give the folder holding "
                            "the IEEE P802.3ck CA_19p75dB set (shared/channels/ieee-802.3ck)")
    thru = read_touchstone(d / CA_FILES["thru"][0])
    f = thru.f

    def ps(names: tuple[str, ...]) -> np.ndarray:
        out = np.zeros(f.size)
        for n in names:
            ch = read_touchstone(d / n, check_port_map=False)
            if ch.f.shape != f.shape or np.any(ch.f != f):
                raise SIKernelError(f"crosstalk fit: {n} is not on the thru's frequency grid")
            out += np.abs(ch.s21) ** 2
        return out

    return f, np.asarray(thru.s21), ps(CA_FILES["fext"]), ps(CA_FILES["next"])


def level_weight(f_hz: np.ndarray, baud: float) -> np.ndarray:
    """Receiver weighting of crosstalk power for the level anchoring: ``sinc²(f/f_b) |H_r(f)|²``.

    Parameters
    ----------
    f_hz : ndarray
        Frequencies in Hz.
    baud : float
        Symbol rate in Bd (``H_r``: 93A-20 at :data:`FIT_F_R_RATIO` × baud).

    Returns
    -------
    ndarray
    """
    from ..eq.filters import rx_afe_filter

    u = np.asarray(f_hz, dtype=float) / baud
    return np.sinc(u) ** 2 * np.abs(rx_afe_filter(f_hz, FIT_F_R_RATIO * baud)) ** 2


def fit_power_sums(f_hz: np.ndarray, h_thru: np.ndarray, fext_ps: np.ndarray, next_ps: np.ndarray,
                   baud: float = FIT_BAUD) -> CrosstalkModel:
    """Fit (X1) and (X2) to measured power sums (see the module docstring).

    Parameters
    ----------
    f_hz : ndarray
        Frequencies in Hz.
    h_thru : ndarray
        Victim through response (SDD21).
    fext_ps, next_ps : ndarray
        Power sums ``Σ|SDD21|²`` of the FEXT and NEXT aggressors.
    baud : float, optional
        Symbol rate the channel was built for.

    Returns
    -------
    CrosstalkModel
        ``provenance`` holds the rms residuals (dB) and the level corrections.
    """
    f = np.asarray(f_hz, dtype=float)
    u = f / baud
    t = np.abs(np.asarray(h_thru))
    band = (u >= FIT_U_BAND[0]) & (u <= FIT_U_BAND[1]) & (fext_ps > 0) & (next_ps > 0) & (t > 0)
    lu = 20.0 * np.log10(u[band])
    lt = 20.0 * np.log10(t[band])
    one = np.ones(lu.size)
    yf = 10.0 * np.log10(fext_ps[band])
    cf, *_ = np.linalg.lstsq(np.stack([one, lu, lt], axis=1), yf, rcond=None)
    yn = 10.0 * np.log10(next_ps[band])
    cn, *_ = np.linalg.lstsq(np.stack([one, lu], axis=1), yn, rcond=None)
    m = CrosstalkModel(fext_k=10.0 ** (cf[0] / 20.0), fext_p=float(cf[1]), fext_beta=float(cf[2]),
                       next_k=10.0 ** (cn[0] / 20.0), next_p=float(cn[1]), packages=False)
    # level: integrated power under the receiver weighting equal to the measured one, 0 < u <= 1
    w = level_weight(f, baud)
    sel = (u > 0) & (u <= 1.0)
    mf = np.abs(m.fext(f, h_thru, baud)) ** 2
    mn = np.abs(m.next(f, baud)) ** 2
    gf = math.sqrt(float(np.sum((w * fext_ps)[sel]) / np.sum((w * mf)[sel])))
    gn = math.sqrt(float(np.sum((w * next_ps)[sel]) / np.sum((w * mn)[sel])))
    rf = float(np.sqrt(np.mean((yf - (cf[0] + cf[1] * lu + cf[2] * lt)) ** 2)))
    rn = float(np.sqrt(np.mean((yn - (cn[0] + cn[1] * lu)) ** 2)))
    prov = {"rms_residual_fext_db": rf, "rms_residual_next_db": rn,
            "level_correction_fext_db": 20.0 * math.log10(gf),
            "level_correction_next_db": 20.0 * math.log10(gn)}
    return dataclasses.replace(m, fext_k=m.fext_k * gf, next_k=m.next_k * gn, packages=True,
                               provenance=prov)


def fit_ca(folder: str | Path) -> CrosstalkModel:
    """:func:`fit_power_sums` on the CA_19p75dB files in ``folder``.

    Parameters
    ----------
    folder : str or Path
        Folder holding the files of :data:`CA_FILES`.

    Returns
    -------
    CrosstalkModel
    """
    return fit_power_sums(*read_power_sums(folder))


def _main(argv: list[str] | None = None) -> int:  # pragma: no cover - maintenance entry point
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m sikernel.power.crosstalk <folder with CA_19p75dB_*.s4p>")
        return 2
    m = fit_ca(args[0])
    for k, v in m.key().items():
        print(f"{k} = {v!r}")
    for k, v in m.provenance.items():
        print(f"# {k} = {v:.4f}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())


__all__ = ["CA_19P75DB", "CA_FILES", "FIT_BAUD", "PACKAGE_Z_P_M", "CrosstalkModel", "check_model",
           "fit_ca", "fit_power_sums", "level_weight", "package_pair", "read_power_sums", "resolve"]
