"""Appendix B: the rates with and without the interaction term f_ij of Eq. (B1), paired by
rank, against the numerical floor of the eigensolver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import analysis
from ..realizations import LOG_ABS_E_EDGES, TIMES
from .core import BOOTSTRAP, BOOTSTRAP_SEED, bootstrap_weights, rebin

__all__ = [
    "EPS",
    "BIN",
    "LOW_FRACTION",
    "rank_relative_error",
    "nearest_partner_error",
    "numerical_floor",
    "DecadeStats",
    "decade_statistics",
    "LowRateStats",
    "low_rate_statistics",
    "lambda_min_shift",
    "relaxation_difference",
    "fraction_below",
    "rebuild_b1_matrix",
    "permutation_noise",
]


EPS = float(np.finfo(np.float64).eps)


#: one 0.05-decade bin of the rate histograms, as a relative change
BIN = float(10**0.05 - 1)


LOW_FRACTION = 0.1


def _pairs(result, rows=None):
    lam = np.asarray(result.data["rates_sorted"], float)
    lamp = np.asarray(result.data["b1_rates_sorted"], float)
    if rows is not None:
        lam, lamp = lam[rows], lamp[rows]
    return np.atleast_2d(lam), np.atleast_2d(lamp)


def rank_relative_error(lam, lamp) -> np.ndarray:
    """``|(lambda' - lambda) / lambda'|`` of rank-paired sorted rates (same shape as the inputs)."""
    lam, lamp = np.asarray(lam, float), np.asarray(lamp, float)
    return np.abs(lamp - lam) / np.abs(lamp)


def nearest_partner_error(lam, lamp) -> np.ndarray:
    """``min_j |lambda'_k - lambda_j| / lambda'_k`` for each k (1-D sorted ``lam``)."""
    lam, lamp = np.asarray(lam, float), np.asarray(lamp, float)
    j = np.searchsorted(lam, lamp)
    lo, hi = np.clip(j - 1, 0, lam.size - 1), np.clip(j, 0, lam.size - 1)
    return np.minimum(np.abs(lamp - lam[lo]), np.abs(lamp - lam[hi])) / np.abs(lamp)


def numerical_floor(lamp) -> np.ndarray:
    """``eps * max(lambda')`` per realization (rows of ``lamp``), shape (rows, 1)."""
    lamp = np.atleast_2d(np.asarray(lamp, float))
    return EPS * np.max(np.abs(lamp), axis=1, keepdims=True)


@dataclass(frozen=True)
class DecadeStats:
    """Rank-paired relative errors pooled over realizations, per decade of lambda."""

    centres: np.ndarray  # log10 lambda at decade centres
    count: np.ndarray
    resolved: np.ndarray  # fraction of pairs above the floor
    median: np.ndarray  # over resolved pairs (nan if none)
    p99: np.ndarray
    floor_rel: np.ndarray  # median floor / lambda in the decade
    median_all: np.ndarray  # over all pairs, resolved or not (no selection by the floor)
    moved: np.ndarray  # fraction of modes whose nearest-partner distance exceeds 1 %


def decade_statistics(result, rows=None) -> DecadeStats:
    """Per decade of ``lambda`` (the rate without f_ij): the median and 99th percentile of the
    rank-paired relative error over the resolved pairs, and the resolved fraction."""
    lam, lamp = _pairs(result, rows)
    err = rank_relative_error(lam, lamp)
    floor = numerical_floor(lamp)
    resolved = np.abs(lamp - lam) > floor
    rel_floor = (floor / lam).ravel()
    moved = np.concatenate([nearest_partner_error(a, b)
                            for a, b in zip(lam, lamp, strict=False)]) > 0.01
    dec = np.floor(np.log10(lam)).ravel().astype(int)
    err, resolved = err.ravel(), resolved.ravel()
    decades = np.arange(dec.min(), dec.max() + 1)
    count, frac, med, p99, fl, med_all, mv = [], [], [], [], [], [], []
    for d in decades:
        m = dec == d
        r = m & resolved
        count.append(int(m.sum()))
        frac.append(float(resolved[m].mean()) if m.any() else np.nan)
        med.append(float(np.median(err[r])) if r.any() else np.nan)
        p99.append(float(np.percentile(err[r], 99)) if r.any() else np.nan)
        fl.append(float(np.median(rel_floor[m])) if m.any() else np.nan)
        med_all.append(float(np.median(err[m])) if m.any() else np.nan)
        mv.append(float(moved[m].mean()) if m.any() else np.nan)
    return DecadeStats(decades + 0.5, np.array(count), np.array(frac), np.array(med),
                       np.array(p99), np.array(fl), np.array(med_all), np.array(mv))


@dataclass(frozen=True)
class LowRateStats:
    """Relative errors of the lowest ``fraction`` of the rates, pooled over realizations."""

    pairs: int
    resolved: int
    median: float  # over resolved pairs
    p99: float
    median_all: float  # over all pairs (resolved or not)
    floor_rel_max: float  # the largest floor / lambda among the low rates
    moved_1pc: float  # fraction whose nearest-partner distance exceeds 1 %
    over_bin: float  # fraction of all low pairs above the floor with an error above BIN
    upper: float  # median (over realizations) of the largest low rate


def low_rate_statistics(result, fraction: float = LOW_FRACTION, rows=None) -> LowRateStats:
    lam, lamp = _pairs(result, rows)
    n = max(1, int(round(fraction * lam.shape[1])))
    low, lowp = lam[:, :n], lamp[:, :n]
    err = rank_relative_error(low, lowp)
    floor = numerical_floor(lamp)
    resolved = np.abs(lowp - low) > floor
    moved = np.concatenate([nearest_partner_error(a, b)[:n]
                            for a, b in zip(lam, lamp, strict=False)])
    r = err[resolved]
    return LowRateStats(
        pairs=int(err.size), resolved=int(resolved.sum()),
        median=float(np.median(r)) if r.size else float("nan"),
        p99=float(np.percentile(r, 99)) if r.size else float("nan"),
        median_all=float(np.median(err)),
        floor_rel_max=float(np.max(floor / low)),
        moved_1pc=float(np.mean(moved > 0.01)),
        over_bin=float(np.mean(resolved & (err > BIN))),
        upper=float(np.median(lam[:, n - 1])),
    )


def _edges_of(edges, total):
    return analysis.plateau_edges(edges, total / np.diff(edges))


def lambda_min_shift(result, *, bootstrap: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED):
    """(log10 lambda_min without f, with f, shift with - without, its paired bootstrap error).

    The same resampled realizations serve both spectra, so the error of the shift accounts for
    their correlation. Quarter-decade bins, as :func:`glasslib.measures.plateau_cutoffs`.
    """
    edges, c0 = rebin(result.data["rate_counts"].astype(np.int64), 5)
    _, c1 = rebin(result.data["b1_rate_counts"].astype(np.int64), 5)
    a = np.log10(_edges_of(edges, c0.sum(axis=0)).lambda_min)
    b = np.log10(_edges_of(edges, c1.sum(axis=0)).lambda_min)
    rows = c0.shape[0]
    if rows < 2:
        return float(a), float(b), float(b - a), float("nan")
    weights = bootstrap_weights(rows, bootstrap, seed)
    # every resample at once (analysis.plateau_edges_rows: the numbers plateau_edges gives for
    # each, to the bit; the resampled totals are sums of integers, exact in any order), then
    # log10 of 10^x as for the central values
    with_f, without_f = (analysis.plateau_edges_rows(edges, weights @ c / np.diff(edges))[0]
                         for c in (c1, c0))
    diffs = [np.log10(10.0**x1) - np.log10(10.0**x0)
             for x1, x0 in zip(with_f, without_f, strict=True)]
    return float(a), float(b), float(b - a), float(np.std(diffs, ddof=1))


def relaxation_difference(result) -> tuple[float, float, float]:
    """(max over t of |mean(with f) - mean(without f)| of |delta sigma|(t)/N, its standard error
    from the per-realization differences, the t of the maximum)."""
    d = result.data["b1_relaxation"] - result.data["relaxation"]
    mean = d.mean(axis=0)
    k = int(np.argmax(np.abs(mean)))
    sem = float(d[:, k].std(ddof=1) / np.sqrt(d.shape[0])) if d.shape[0] > 1 else float("nan")
    return float(abs(mean[k])), sem, float(TIMES[k])


def fraction_below(result, energy: float) -> float:
    """Fraction of all TLSs with ``|E| < energy`` (log-|E| histogram, linear interpolation of its
    cumulative in log10|E|)."""
    counts = result.data["log_abs_energy_counts"].sum(axis=0).astype(float)
    total = int(result.meta["params"]["N"]) * result.realizations
    cdf = np.concatenate([[0.0], np.cumsum(counts)]) / total
    return float(np.interp(np.log10(energy), LOG_ABS_E_EDGES, cdf))


def rebuild_b1_matrix(result, index: int = 0) -> np.ndarray:
    """The matrix of Eq. (B1) of realization ``index`` (whose spectrum is the stored
    ``b1_rates_sorted``), rebuilt by the same builder as the runner and checked against the
    cached row by the comparator (bit for bit on the platform that made it, within the derived
    tolerances elsewhere)."""
    from ..comparator import compare_realization
    from ..realizations import compute_realization
    from ..runner import comparison_level

    m = result.meta
    fresh = compute_realization(m["model"], m["params"], m["seed"], index, keep_context=True)
    comparison = compare_realization(result.row(index), fresh,
                                     level=comparison_level(result, index), index=index)
    if not comparison.ok:
        raise RuntimeError("the rebuilt realization does not match the cache: "
                           + comparison.describe())
    return fresh.context["b1_matrix"]


def permutation_noise(A, *, lowest: int = 100, seed: int = 0) -> tuple[float, float]:
    """Rounding noise of the general eigensolver on ``A``: the spectra of ``A`` and of
    ``P A P^T`` (P a random permutation) are equal in exact arithmetic. Returns (largest
    absolute difference among the ``lowest`` rates, the floor ``eps * max rate``)."""
    from ..tls import tls_rate_spectrum

    a = tls_rate_spectrum(A)
    perm = np.random.default_rng(seed).permutation(A.shape[0])
    b = tls_rate_spectrum(A[np.ix_(perm, perm)])
    return float(np.max(np.abs(a[:lowest] - b[:lowest]))), float(EPS * np.max(np.abs(a)))
