"""Slow, obvious reference for the MLSD distance gain the SI chain credits (sikernel.power.si).

PAM-4 (levels -3, -1, 1, 3) through the one-tap-memory response ``1 + b1·D`` with white Gaussian
noise, detected by the full 4-state Viterbi algorithm (Forney, Proc. IEEE 61(3), 1973: state = the
previous symbol, squared-Euclidean branch metrics, full traceback), simulated symbol by symbol in
NumPy (independent blocks in parallel), and the ideal decision-feedback equaliser in closed form
(correct feedback: the main cursor 1 against the noise, symbol error ratio ``2 (1 - 1/L) Q(1/σ)``).
SNR is ``E[a²] / σ²`` = ``5 / σ²`` for both.  Nothing here imports sikernel.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

LEVELS = np.array([-3.0, -1.0, 1.0, 3.0])
MEAN_SQUARE = 5.0


def sigma_of(snr_db: float) -> float:
    """Noise standard deviation for an SNR of ``E[a²]/σ²`` in dB."""
    return math.sqrt(MEAN_SQUARE / 10.0 ** (snr_db / 10.0))


def ideal_dfe_ser(snr_db: float) -> float:
    """Symbol error ratio of PAM-4 at unit cursor with correct decision feedback (closed form)."""
    q = 0.5 * math.erfc(1.0 / (sigma_of(snr_db) * math.sqrt(2.0)))
    return 2.0 * (1.0 - 1.0 / LEVELS.size) * q


def ideal_dfe_snr_db(ser: float) -> float:
    """SNR (dB) at which the ideal DFE reaches ``ser`` (bisection on the closed form)."""
    lo, hi = 0.0, 40.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if ideal_dfe_ser(mid) > ser:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _draw(b1: float, snr_db: float, n_blocks: int, n_symbols: int, seed: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """Symbol indices and received samples of PAM-4 through ``1 + b1·D`` with white noise (seeded;
    every detector here draws through this, so one seed gives all of them the same symbols and
    noise).  Each block starts from a known previous symbol (level -3)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, LEVELS.size, size=(n_blocks, n_symbols))
    x = LEVELS[a]
    x_prev = np.concatenate([np.full((n_blocks, 1), LEVELS[0]), x[:, :-1]], axis=1)
    return a, x + b1 * x_prev + sigma_of(snr_db) * rng.standard_normal((n_blocks, n_symbols))


def _ser(decided: np.ndarray, a: np.ndarray) -> float:
    """Symbol error ratio, the first and last 5 symbols of each block not counted."""
    keep = slice(5, a.shape[1] - 5)
    return float(np.mean(decided[:, keep] != a[:, keep]))


def _add_compare_select(metric: np.ndarray, branch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One trellis step: ``metric`` [block, state] plus the branch metrics [block, state, next
    state]; the survivors' metrics (normalised to a minimum of 0) and the state each came from."""
    cost = metric[:, :, None] + branch
    new = np.min(cost, axis=1)
    return new - new.min(axis=1, keepdims=True), np.argmin(cost, axis=1)


def _traceback(metric: np.ndarray, back: np.ndarray) -> np.ndarray:
    """The state sequence [block, time] of the best final survivor (full traceback)."""
    n_blocks, n_symbols = back.shape[:2]
    states = np.zeros((n_blocks, n_symbols), dtype=np.int8)
    state = np.argmin(metric, axis=1)
    rows = np.arange(n_blocks)
    for k in range(n_symbols - 1, -1, -1):
        states[:, k] = state
        state = back[rows, k, state]
    return states


def viterbi_ser(b1: float, snr_db: float, n_blocks: int = 1000, n_symbols: int = 1000,
                seed: int = 1) -> float:
    """Symbol error ratio of the full Viterbi detector on ``1 + b1·D`` (simulated, seeded).

    Each block starts from a known previous symbol (level -3); the first and last 5 symbols of a
    block are not counted.
    """
    a, y = _draw(b1, snr_db, n_blocks, n_symbols, seed)
    expected = LEVELS[None, :] + b1 * LEVELS[:, None]  # [previous, current]
    metric = (y[:, 0, None] - (LEVELS[None, :] + b1 * LEVELS[0])) ** 2
    back = np.zeros((n_blocks, n_symbols, LEVELS.size), dtype=np.int8)
    for k in range(1, n_symbols):
        metric, back[:, k, :] = _add_compare_select(metric, (y[:, k, None, None] - expected[None]) ** 2)
    return _ser(_traceback(metric, back), a)


def snr_at_ser_db(ser_of, b1: float, ser: float, grid_db: tuple[float, ...], **kw) -> float:
    """SNR (dB) at which the simulated detector ``ser_of(b1, snr_db, **kw)`` reaches ``ser``:
    log-linear interpolation between the two points of ``grid_db`` (ascending) that bracket it."""
    pts = [(g, ser_of(b1, g, **kw)) for g in grid_db]
    for (g0, s0), (g1, s1) in itertools.pairwise(pts):
        if s0 >= ser >= s1 > 0.0:
            t = (math.log(s0) - math.log(ser)) / (math.log(s0) - math.log(s1))
            return g0 + t * (g1 - g0)
    raise ValueError(f"SER {ser} not bracketed by {pts}")


def viterbi_snr_db(b1: float, ser: float, grid_db: tuple[float, ...], **kw) -> float:
    """SNR (dB) at which the simulated Viterbi detector reaches ``ser`` (:func:`snr_at_ser_db`)."""
    return snr_at_ser_db(viterbi_ser, b1, ser, grid_db, **kw)


def _nearest_pair(z: np.ndarray) -> np.ndarray:
    """Index of the lower of the two PAM-4 levels nearest ``z`` (0: {-3, -1}, 1: {-1, 1}, 2: {1, 3})."""
    return np.clip(np.floor((z + 1.0) / 2.0).astype(np.int64) + 1, 0, LEVELS.size - 2)


def reduced_state_viterbi_ser(b1: float, snr_db: float, n_blocks: int = 1000, n_symbols: int = 1000,
                              seed: int = 1) -> float:
    """Symbol error ratio of the 2-candidate reduced-state sequence detector on ``1 + b1·D``.

    The detector of the 3 nm 224G receiver (Pfaff et al., JSSC 60(1), 2025), as summarised by Chan
    Carusone et al. (JSSC 61(2), 2026): it "considers only the four most likely (out of the 16
    possible) 4-PAM symbol pairs based on preselection by a DFE output" -- reduced-state sequence
    estimation (Eyuboglu & Qureshi, IEEE TCOM 36(1), 1988) with the states cut to the candidates a
    decision-feedback equaliser leaves.  Preselection: a tentative 1-tap DFE fed by its *own* past
    decisions (``z_k = y_k - b1·â_{k-1}``, ``â_k`` the level nearest ``z_k``) gives one soft output
    per symbol; the two PAM-4 levels nearest it are that symbol's candidates.  This is the reading
    closest to the description (one DFE output per symbol, so the four pairs are the candidates of
    the previous symbol × those of the current one, common to both states); the alternative, a
    per-survivor DFE fed by each state's own previous decision, would preselect per state.  The
    trellis keeps 2 states (which candidate the previous symbol was) and 4 branches, with the
    squared-Euclidean branch metric ``(y_k - c_k[j] - b1·c_{k-1}[i])²`` and full traceback, so a
    symbol outside its candidate pair is an error whatever the trellis does.

    Same draws as ``viterbi_ser`` (symbols, then noise): one ``seed`` gives both detectors the same
    symbols and noise, so their difference is paired.  Each block starts from a known previous symbol
    (level -3); the first and last 5 symbols of a block are not counted.
    """
    a, y = _draw(b1, snr_db, n_blocks, n_symbols, seed)
    # the tentative DFE (its own decisions) and each symbol's candidate pair, by the lower level's index
    lower = np.zeros((n_blocks, n_symbols), dtype=np.int64)
    dfe_prev = np.full(n_blocks, LEVELS[0])
    for k in range(n_symbols):
        z = y[:, k] - b1 * dfe_prev
        lower[:, k] = _nearest_pair(z)
        dfe_prev = LEVELS[np.clip(np.rint((z + 3.0) / 2.0).astype(np.int64), 0, LEVELS.size - 1)]
    cand = LEVELS[lower[:, :, None] + np.arange(2)]  # [block, time, candidate]
    metric = (y[:, 0, None] - (cand[:, 0, :] + b1 * LEVELS[0])) ** 2
    back = np.zeros((n_blocks, n_symbols, 2), dtype=np.int8)
    for k in range(1, n_symbols):
        expected = cand[:, k, None, :] + b1 * cand[:, k - 1, :, None]  # [block, previous, current]
        metric, back[:, k, :] = _add_compare_select(metric, (y[:, k, None, None] - expected) ** 2)
    return _ser(lower + _traceback(metric, back), a)


def reduced_state_snr_db(b1: float, ser: float, grid_db: tuple[float, ...], **kw) -> float:
    """SNR (dB) at which the simulated reduced-state detector reaches ``ser`` (:func:`snr_at_ser_db`)."""
    return snr_at_ser_db(reduced_state_viterbi_ser, b1, ser, grid_db, **kw)


def _nearest_in_subset(z: np.ndarray, subset: int) -> np.ndarray:
    """Index of the level nearest ``z`` within a set-partition subset: 0 = {-3, 1}, 1 = {-1, 3}."""
    m = np.clip(np.rint((z + 3.0 - 2.0 * subset) / 4.0).astype(np.int64), 0, 1)
    return subset + 2 * m


def set_partition_rsse_ser(b1: float, snr_db: float, n_blocks: int = 1000, n_symbols: int = 1000,
                           seed: int = 1) -> float:
    """Symbol error ratio of reduced-state sequence estimation on a set partition, ``1 + b1·D``.

    Eyuboglu & Qureshi, IEEE TCOM 36(1), 1988: the PAM-4 levels split into the subsets {-3, 1}
    and {-1, 3} (within a subset the levels are 4 apart, twice the alphabet's spacing); a state is
    the subset of the previous symbol (2 states), and each state keeps its survivor's previous
    symbol, which cancels the ISI of the branches leaving it (per-survivor decision feedback). From
    each state a branch per subset (4 branches) takes that subset's level nearest the ISI-cancelled
    sample, with the squared-Euclidean metric; add-compare-select per state and full traceback as
    in ``viterbi_ser``.  The detector the IBM/EPFL 14 nm chip of ``sikernel.power.datapath_checks``
    implements ("exploits set-partitioning principles and embedded per-survivor decision feedback").

    Same draws as ``viterbi_ser`` (one ``seed``: the same symbols and noise for both detectors).
    """
    a, y = _draw(b1, snr_db, n_blocks, n_symbols, seed)
    z0 = y[:, 0] - b1 * LEVELS[0]
    sym = np.stack([_nearest_in_subset(z0, 0), _nearest_in_subset(z0, 1)], axis=1)  # [block, state]
    metric = (z0[:, None] - LEVELS[sym]) ** 2
    back = np.zeros((n_blocks, n_symbols, 2), dtype=np.int8)
    survivor = np.zeros((n_blocks, n_symbols, 2), dtype=np.int8)
    survivor[:, 0] = sym
    for k in range(1, n_symbols):
        z = y[:, k, None] - b1 * LEVELS[sym]                       # [block, previous state]
        cand = np.stack([_nearest_in_subset(z, 0), _nearest_in_subset(z, 1)], axis=2)  # [.., next]
        metric, best = _add_compare_select(metric, (z[:, :, None] - LEVELS[cand]) ** 2)
        sym = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0, :]  # [block, next state]
        back[:, k] = best
        survivor[:, k] = sym
    states = _traceback(metric, back)
    return _ser(np.take_along_axis(survivor, states[:, :, None], axis=2)[:, :, 0], a)


def set_partition_rsse_snr_db(b1: float, ser: float, grid_db: tuple[float, ...], **kw) -> float:
    """SNR (dB) at which the simulated set-partition detector reaches ``ser`` (:func:`snr_at_ser_db`)."""
    return snr_at_ser_db(set_partition_rsse_ser, b1, ser, grid_db, **kw)
