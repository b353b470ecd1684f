"""The measures every section uses, and the one bootstrap behind every error.

Every error on the book's pages comes from :func:`bootstrap_weights`: resample the realizations
of an ensemble with replacement (a fixed seed, so the numbers are reproducible), pool the
resampled histograms, recompute the measure, and take the standard deviation over resamples.
Measures here are the ones several sections share (plateau cutoffs, the binned power-law fit,
|E| quantiles and the DOS width and gap ratio); each section's own measures build on
:func:`bootstrap_estimate`. Rules that turn estimates into verdicts live in
:mod:`glasslib.rules`, their text in :mod:`glasslib.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from .. import analysis
from .._validation import check_int, check_real
from ..realizations import LOG_ABS_E_EDGES, RATE_EDGES

__all__ = [
    "BOOTSTRAP",
    "BOOTSTRAP_SEED",
    "Estimate",
    "bootstrap_weights",
    "bootstrap_estimate",
    "Cutoff",
    "rebin",
    "plateau_cutoffs",
    "quantile_cutoffs",
    "BinnedFit",
    "fit_power_law_binned",
    "abs_energy_quantile",
    "abs_energy_cdf",
    "DosShape",
    "dos_shape",
    "solver_diagnostics",
    "ordered",
]

#: resamples and seed of the bootstrap, unless a measure says otherwise
BOOTSTRAP = 200
BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class Estimate:
    """A central value (from the pooled ensemble), its bootstrap standard error and the draws."""

    value: float
    err: float
    draws: np.ndarray

    def __sub__(self, other: Estimate) -> Estimate:
        # independent ensembles: the draws are independent, differences add in quadrature
        d = self.draws - other.draws
        return Estimate(self.value - other.value, float(np.std(d, ddof=1)), d)


def bootstrap_weights(rows: int, resamples: int = BOOTSTRAP,
                      seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """``(resamples, rows)`` multiplicities of the realizations in each resample (drawn with
    replacement): ``bootstrap_weights(...) @ stacked_counts`` pools every resample at once."""
    rows = check_int("rows", rows, minimum=1)
    resamples = check_int("resamples", resamples, minimum=1)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, rows, size=(resamples, rows))
    return np.stack([np.bincount(p, minlength=rows) for p in picks]).astype(float)


def bootstrap_estimate(counts, statistic, *, bootstrap: int = BOOTSTRAP,
                       seed: int = BOOTSTRAP_SEED) -> Estimate:
    """``statistic(pooled counts)`` and its standard error from resampling the rows of
    ``counts`` (one per realization) with replacement."""
    counts = np.asarray(counts, float)
    value = float(statistic(counts.sum(axis=0)))
    if counts.shape[0] < 2 or bootstrap < 2:
        return Estimate(value, float("nan"), np.full(max(bootstrap, 2), value))
    draws = np.array([statistic(w @ counts)
                      for w in bootstrap_weights(counts.shape[0], bootstrap, seed)])
    return Estimate(value, float(np.std(draws, ddof=1)), draws)


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Cutoff:
    """Plateau cutoffs of the pooled histogram, with bootstrap standard errors (log10 units)."""

    lambda_min: float
    lambda_max: float
    log10_min_err: float
    log10_max_err: float
    level: float

    @property
    def log10_min(self) -> float:
        return float(np.log10(self.lambda_min))

    @property
    def log10_max(self) -> float:
        return float(np.log10(self.lambda_max))


def rebin(counts: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge ``factor`` neighbouring log-rate bins: (coarse edges, coarse counts along axis -1)."""
    factor = check_int("factor", factor, minimum=1)
    n = (RATE_EDGES.size - 1) // factor * factor
    coarse = counts[..., :n].reshape(*counts.shape[:-1], n // factor, factor).sum(axis=-1)
    return RATE_EDGES[: n + 1 : factor], coarse


def plateau_cutoffs(result, *, prefix: str = "", fraction: float = 0.5, bootstrap: int = 200,
                    bins_per_decade: int = 4, seed: int = 0) -> Cutoff:
    """:func:`glasslib.analysis.plateau_edges` on the pooled log-rate histogram (re-binned to
    ``bins_per_decade``), with the standard error from resampling realizations with replacement
    (``bootstrap`` times)."""
    bootstrap = check_int("bootstrap", bootstrap, minimum=0)
    factor = round(1.0 / (check_int("bins_per_decade", bins_per_decade, minimum=1) * 0.05))
    edges, counts = rebin(result.data[f"{prefix}rate_counts"].astype(np.int64), max(factor, 1))

    def edges_of(total):
        return analysis.plateau_edges(edges, total / np.diff(edges), fraction=fraction)

    central = edges_of(counts.sum(axis=0))
    lo_err = hi_err = float("nan")
    if bootstrap and counts.shape[0] > 1:
        # every resample at once (analysis.plateau_edges_rows: the same numbers, row by row,
        # as plateau_edges on each), then log10 of 10^x as for the central value
        totals = bootstrap_weights(counts.shape[0], bootstrap, seed) @ counts
        low, high, _, _ = analysis.plateau_edges_rows(edges, totals / np.diff(edges),
                                                      fraction=fraction)
        logs = np.array([[np.log10(10.0**lo), np.log10(10.0**hi)]
                         for lo, hi in zip(low, high, strict=True)])
        lo_err, hi_err = (float(v) for v in np.std(logs, axis=0, ddof=1))
    return Cutoff(central.lambda_min, central.lambda_max, lo_err, hi_err, central.level)


def _histogram_quantile(edges: np.ndarray, counts: np.ndarray, q: float) -> float:
    """The ``q`` quantile of a histogram, linear within the bin where the CDF crosses ``q``."""
    cdf = np.concatenate([[0.0], np.cumsum(counts, dtype=float)])
    cdf /= cdf[-1]
    k = int(np.clip(np.searchsorted(cdf, q, side="left"), 1, edges.size - 1))
    lo, hi = cdf[k - 1], cdf[k]
    frac = 0.0 if hi <= lo else (q - lo) / (hi - lo)
    return float(edges[k - 1] + frac * (edges[k] - edges[k - 1]))


def quantile_cutoffs(result, q: float = 0.05, *, prefix: str = "", bootstrap: int = 200,
                     seed: int = 0) -> Cutoff:
    """The ``q`` and ``1 - q`` quantiles of the pooled rate distribution as cutoffs (a rule for
    lambda_min that sees the slow tail itself, not where the density falls below the plateau),
    from the 0.05-decade log-rate histogram (linear within a bin), with bootstrap standard
    errors over realizations. ``level`` is NaN: this rule has no plateau level."""
    q = check_real("q", q, positive=True)
    if not q < 0.5:
        raise ValueError(f"q must be in (0, 0.5), got {q}")
    bootstrap = check_int("bootstrap", bootstrap, minimum=0)
    counts = result.data[f"{prefix}rate_counts"].astype(float)
    edges = RATE_EDGES

    def logs(total):
        return (_histogram_quantile(edges, total, q), _histogram_quantile(edges, total, 1 - q))

    lo, hi = logs(counts.sum(axis=0))
    lo_err = hi_err = float("nan")
    if bootstrap and counts.shape[0] > 1:
        draws = np.array([logs(t) for t in bootstrap_weights(counts.shape[0], bootstrap, seed)
                          @ counts])
        lo_err, hi_err = (float(v) for v in np.std(draws, axis=0, ddof=1))
    return Cutoff(10.0**lo, 10.0**hi, lo_err, hi_err, float("nan"))


@dataclass(frozen=True)
class BinnedFit:
    """Binned maximum-likelihood fit of ``p(lambda) ~ lambda^-alpha`` on [lo, hi]."""

    alpha: float
    alpha_err: float
    lo: float
    hi: float
    n: int


def fit_power_law_binned(log10_edges, counts, lo: float, hi: float) -> BinnedFit:
    """Fit ``lambda^-alpha`` to histogram counts on log10 bins fully inside [lo, hi].

    The probability of bin k is ``int_bin lambda^(1-alpha) dlog(lambda)`` normalized over the
    fitted bins; the multinomial likelihood is maximized in alpha; the error is from its curvature.
    Used where only fixed-bin histograms are stored (0.05 decade bins).
    """
    lo = check_real("lo", lo, positive=True)
    hi = check_real("hi", hi, positive=True)
    log10_edges = np.asarray(log10_edges, float)
    counts = np.asarray(counts, float)
    keep = (log10_edges[:-1] >= np.log10(lo)) & (log10_edges[1:] <= np.log10(hi))
    if keep.sum() < 3 or counts[keep].sum() < 10:
        raise ValueError("too few bins or counts inside [lo, hi] to fit")
    a = log10_edges[:-1][keep] * np.log(10)
    b = log10_edges[1:][keep] * np.log(10)
    n = counts[keep]
    shift = a.min()

    def nll(alpha):
        s = 1.0 - alpha
        if abs(s) < 1e-10:
            w = b - a
        else:
            w = (np.exp(s * (b - shift)) - np.exp(s * (a - shift))) / s
        p = w / w.sum()
        return -float(np.sum(n * np.log(np.maximum(p, 1e-300))))

    res = minimize_scalar(nll, bounds=(-3.0, 5.0), method="bounded",
                          options={"xatol": 1e-10})
    h = 1e-4
    curvature = (nll(res.x + h) - 2 * nll(res.x) + nll(res.x - h)) / h**2
    err = float(1.0 / np.sqrt(curvature)) if curvature > 0 else float("nan")
    return BinnedFit(float(res.x), err, lo, hi, int(n.sum()))


def abs_energy_quantile(result, q: float) -> float:
    """The q-quantile of |E| over all sites of the ensemble, from the log10|E| histogram
    (0.05-decade bins, interpolated log-linearly inside the bin; exact to ~6% in |E|)."""
    q = check_real("q", q, positive=True)
    if q >= 1:
        raise ValueError(f"q must be in (0, 1), got {q}")
    counts = result.data["log_abs_energy_counts"].sum(axis=0).astype(float)
    sites = int(result.meta["params"]["N"]) * result.realizations
    cdf = np.concatenate([[0.0], np.cumsum(counts)]) / sites
    if cdf[-1] < q:
        raise ValueError(f"fewer than a fraction {q} of the energies lie inside the histogram")
    return float(10 ** np.interp(q, cdf, LOG_ABS_E_EDGES))


# --------------------------------------------------------------------------- energies


def abs_energy_cdf(counts: np.ndarray, n_sites: int) -> np.ndarray:
    """Fraction of sites with ``|E| < 10^e`` at every edge ``e`` of ``LOG_ABS_E_EDGES``.

    ``counts`` is a pooled ``log_abs_energy_counts`` row (or a stack of rows, last axis the bins).
    Sites outside the histogram range are taken to lie above it (|E| > 1e4: close pairs; no model
    gives |E| < 1e-8 at these temperatures).
    """
    counts = np.asarray(counts, float)
    zero = np.zeros(counts.shape[:-1] + (1,))
    return np.concatenate([zero, np.cumsum(counts, axis=-1)], axis=-1) / n_sites


def _median_and_gap(cdf: np.ndarray) -> tuple[float, float]:
    edges = LOG_ABS_E_EDGES
    k = int(np.searchsorted(cdf, 0.5))  # first edge with cdf >= 0.5
    if k == 0 or k >= cdf.size:
        return float("nan"), float("nan")
    w = (0.5 - cdf[k - 1]) / (cdf[k] - cdf[k - 1])
    log_m = edges[k - 1] + w * (edges[k] - edges[k - 1])
    below = float(np.interp(log_m - 1.0, edges, cdf))
    return float(10.0**log_m), below / (0.1 * 0.5)


@dataclass(frozen=True)
class DosShape:
    """Width and gap of a DOS: median |E| and the gap ratio
    ``rho = P(|E| < m/10) / (0.1 P(|E| < m))`` (m the median; 1 for a DOS flat near zero, 0.1
    for a linear gap, 0 for an empty one), with bootstrap errors."""

    median_abs_E: float
    median_err: float
    gap_ratio: float
    gap_err: float


def dos_shape(result, *, bootstrap: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> DosShape:
    """Median ``|E|`` and gap ratio ``rho`` of an ensemble's energies (:class:`DosShape`), from
    the ``log10|E|`` histogram, with standard errors from resampling realizations."""
    counts = result.data["log_abs_energy_counts"].astype(float)
    n_sites = int(result.meta["params"]["N"]) * counts.shape[0]
    m, g = _median_and_gap(abs_energy_cdf(counts.sum(axis=0), n_sites))
    m_err = g_err = float("nan")
    if bootstrap and counts.shape[0] > 1:
        pooled = bootstrap_weights(counts.shape[0], bootstrap, seed) @ counts
        boot = np.array([_median_and_gap(c) for c in abs_energy_cdf(pooled, n_sites)])
        m_err = float(np.std(boot[:, 0], ddof=1))
        g_err = float(np.std(boot[:, 1], ddof=1))
    return DosShape(m, m_err, g, g_err)


# --------------------------------------------------------------------------- the solver


def solver_diagnostics(result) -> dict:
    """Mean-field solver diagnostics of an ensemble: all converged, max residual, mean sweeps,
    and the fraction of TLSs outside the plotted energy range."""
    d = result.data
    N = int(result.meta["params"]["N"])
    return {
        "realizations": result.realizations,
        "converged": int(np.count_nonzero(d["converged"])),
        "max_residual": float(np.max(d["residual"])),
        "mean_sweeps": float(np.mean(d["iterations"])),
        "max_sweeps": int(np.max(d["iterations"])),
        "outside": float(d["energy_outside"].sum() / (N * result.realizations)),
    }


def ordered(curves: dict, key: str) -> list[tuple[str, object]]:
    """``(label, result)`` sorted along the paper's direction: ``key`` is ``"W"``, ``"J/W"`` or
    ``"N"`` (read from each ensemble's parameters)."""

    def value(item):
        p = item[1].meta["params"]
        if key == "J/W":
            return p["J"] / p["W"]
        return p[key]

    return sorted(curves.items(), key=value)
