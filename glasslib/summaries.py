"""From stacked ensemble results to the quantities the figures show (no I/O but the cache lookup).

Every function takes an :class:`~glasslib.runner.EnsembleResult` (one row per realization) and
returns plain arrays: the normalized DOS, the log-rate density, the plateau cutoffs with bootstrap
uncertainties over realizations, the mean relaxation curve, a binned 1/lambda fit, and the sign
of a shift between two ensembles (Table I).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from . import analysis
from ._validation import check_int, check_real
from .experiments import ensembles, get_experiment
from .realizations import LOG_ABS_E_EDGES, RATE_EDGES, TIMES, energy_edges

__all__ = [
    "load_experiment",
    "dos",
    "log_abs_energy_density",
    "log_rate_density",
    "abs_energy_quantile",
    "Cutoff",
    "rebin",
    "plateau_cutoffs",
    "relaxation",
    "BinnedFit",
    "fit_power_law_binned",
    "shift_sign",
]


def load_experiment(name: str, scale: str = "paper", cache="results", *, run_missing: bool = True,
                    workers: int | None = None, realizations: int | None = None,
                    overrides: dict | None = None, seed: int | None = None,
                    progress: bool = True) -> dict:
    """``{label: EnsembleResult}`` for every curve of an experiment, from the cache.

    Missing ensembles are computed (with a progress bar, resumable) when ``run_missing``;
    otherwise a ``FileNotFoundError`` names the command that makes them.
    """
    from .runner import ensemble_dir, load_ensemble, run_ensemble

    exp = get_experiment(name)
    seed = exp.seed if seed is None else seed
    out = {}
    for label, params, count in ensembles(exp, scale, realizations=realizations,
                                          overrides=overrides):
        group = f"{exp.name}/{scale}"
        path = ensemble_dir(cache, group, label, exp.model, params, seed, count)
        if (path / "ensemble.npz").exists():
            out[label] = load_ensemble(path)
        elif run_missing:
            out[label] = run_ensemble(exp.model, params, count, seed, cache_dir=cache,
                                      group=group, label=label, workers=workers,
                                      progress=progress)
        else:
            raise FileNotFoundError(
                f"{exp.name} {label} is not in {cache}: run `python -m glasslib run {exp.name} "
                f"--scale {scale}`"
            )
    return out


def _total_sites(result) -> int:
    return int(result.meta["params"]["N"]) * result.realizations


def dos(result) -> tuple[np.ndarray, np.ndarray]:
    """(bin centres, normalized DOS): energy histogram over all realizations / (sites * width)."""
    edges = energy_edges(result.meta["params"])
    counts = result.data["energy_counts"].sum(axis=0)
    return 0.5 * (edges[1:] + edges[:-1]), counts / (_total_sites(result) * np.diff(edges))


def log_abs_energy_density(result) -> tuple[np.ndarray, np.ndarray]:
    """(centres of log10|E| bins, density per decade of |E|), normalized over all sites."""
    counts = result.data["log_abs_energy_counts"].sum(axis=0)
    edges = LOG_ABS_E_EDGES
    return 0.5 * (edges[1:] + edges[:-1]), counts / (_total_sites(result) * np.diff(edges))


def abs_energy_quantile(result, q: float) -> float:
    """The q-quantile of |E| over all sites of the ensemble, from the log10|E| histogram
    (0.05-decade bins, interpolated log-linearly inside the bin; exact to ~6% in |E|)."""
    q = check_real("q", q, positive=True)
    if q >= 1:
        raise ValueError(f"q must be in (0, 1), got {q}")
    counts = result.data["log_abs_energy_counts"].sum(axis=0).astype(float)
    cdf = np.concatenate([[0.0], np.cumsum(counts)]) / _total_sites(result)
    if cdf[-1] < q:
        raise ValueError(f"fewer than a fraction {q} of the energies lie inside the histogram")
    return float(10 ** np.interp(q, cdf, LOG_ABS_E_EDGES))


def log_rate_density(result, prefix: str = "", rows=None) -> tuple[np.ndarray, np.ndarray]:
    """(centres of log10(rate) bins, density per decade) over the realizations ``rows`` (all by
    default), normalized by the number of rates counted (resolved modes, all bins)."""
    counts = result.data[f"{prefix}rate_counts"]
    counts = (counts if rows is None else counts[rows]).sum(axis=0)
    total = counts.sum()
    edges = RATE_EDGES
    return 0.5 * (edges[1:] + edges[:-1]), counts / (max(total, 1) * np.diff(edges))


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
        rng = np.random.default_rng(seed)
        los, his = [], []
        for _ in range(bootstrap):
            pick = rng.integers(0, counts.shape[0], counts.shape[0])
            e = edges_of(np.bincount(pick, minlength=counts.shape[0]) @ counts)
            los.append(np.log10(e.lambda_min))
            his.append(np.log10(e.lambda_max))
        lo_err, hi_err = float(np.std(los, ddof=1)), float(np.std(his, ddof=1))
    return Cutoff(central.lambda_min, central.lambda_max, lo_err, hi_err, central.level)


def relaxation(result, prefix: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, mean |delta sigma|(t)/N over realizations, its standard error): Eq. (15), c_i = 1."""
    curves = result.data[f"{prefix}relaxation"]
    sem = curves.std(axis=0, ddof=1) / np.sqrt(curves.shape[0]) if curves.shape[0] > 1 else \
        np.full(curves.shape[1], np.nan)
    return TIMES, curves.mean(axis=0), sem


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


def shift_sign(before: Cutoff, after: Cutoff, *, sigmas: float = 2.0) -> tuple[str, float, float]:
    """Sign of the shift of log10(lambda_min) from ``before`` to ``after``: '+' (faster),
    '-' (slower) or '0' (within ``sigmas`` combined standard errors). Returns (sign, shift, err)."""
    sigmas = check_real("sigmas", sigmas, positive=True)
    shift = after.log10_min - before.log10_min
    err = float(np.hypot(before.log10_min_err, after.log10_min_err))
    if not np.isfinite(err) or abs(shift) <= sigmas * err:
        return "0", shift, err
    return ("+" if shift > 0 else "-"), shift, err
