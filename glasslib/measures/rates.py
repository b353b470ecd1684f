"""Rate distributions: the plateau of the log-rate density, the 1/lambda fit between its edges,
the relaxation curve against Eqs. (16) and (17), and the shifts between the curves of a scan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import analysis
from .. import summaries as S
from ..formatting import curve_name
from ..realizations import RATE_EDGES
from ..rules import SIGMAS, shift_sign
from .core import (
    BOOTSTRAP,
    BOOTSTRAP_SEED,
    BinnedFit,
    Cutoff,
    bootstrap_weights,
    dos_shape,
    fit_power_law_binned,
    ordered,
    plateau_cutoffs,
    rebin,
)

__all__ = [
    "RateFit",
    "rate_fit",
    "linear_rate_density",
    "fit_amplitude",
    "Relaxation",
    "relaxation_analysis",
    "inverse_lambda_fit",
    "inner_variation",
    "plateau_width",
    "cutoffs",
    "energy_and_rate_shifts",
    "LINEAR_DECADES",
]

#: the fit "on the first decade above lambda_min" (Fig. 3 b) spans this many decades
LINEAR_DECADES = 1.0


@dataclass(frozen=True)
class RateFit:
    """Cutoffs and the power-law fit of one rate ensemble."""

    cutoff: Cutoff
    fit: BinnedFit
    fit_inner: BinnedFit | None  # the same fit one decade inside each cutoff (robustness)
    fit_first: BinnedFit | None  # the fit on the first decade above lambda_min (panel b)
    width: float  # plateau width, decades
    width_err: float
    fraction_below: float  # fraction of rates below lambda_min
    fraction_above: float
    c_level: float  # plateau level / ln 10: the 1/lambda amplitude read off the histogram

    @property
    def c(self) -> float:
        """``1 / ln(lambda_max / lambda_min)``: the amplitude of a normalized 1/lambda law."""
        return 1.0 / np.log(self.cutoff.lambda_max / self.cutoff.lambda_min)


def rate_fit(result, *, bootstrap: int = BOOTSTRAP) -> RateFit:
    """Plateau cutoffs (bootstrap errors), the binned 1/lambda fit between them, and the tails."""
    cut = plateau_cutoffs(result, bootstrap=bootstrap)
    counts = result.data["rate_counts"].sum(axis=0).astype(np.int64)
    total = counts.sum()
    fit = fit_power_law_binned(RATE_EDGES, counts, cut.lambda_min, cut.lambda_max)
    try:
        fit_inner = fit_power_law_binned(RATE_EDGES, counts, 10 * cut.lambda_min,
                                           cut.lambda_max / 10)
    except ValueError:  # plateau narrower than two decades
        fit_inner = None
    try:
        fit_first = fit_power_law_binned(RATE_EDGES, counts, cut.lambda_min,
                                           cut.lambda_min * 10**LINEAR_DECADES)
    except ValueError:
        fit_first = None
    centres = 0.5 * (RATE_EDGES[1:] + RATE_EDGES[:-1])
    below = counts[centres < cut.log10_min].sum() / total
    above = counts[centres > cut.log10_max].sum() / total
    return RateFit(cut, fit, fit_inner, fit_first, cut.log10_max - cut.log10_min,
                   float(np.hypot(cut.log10_min_err, cut.log10_max_err)),
                   float(below), float(above),
                   analysis.inverse_lambda_amplitude(cut.level / total, 0.0, 1.0))


def linear_rate_density(result, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """(rate bin edges, density per unit rate) of the 0.05-decade bins inside [lo, hi],
    normalized over all rates: panel (b), the distribution in linear scale."""
    counts = result.data["rate_counts"].sum(axis=0).astype(np.int64)
    keep = (RATE_EDGES[:-1] >= np.log10(lo)) & (RATE_EDGES[1:] <= np.log10(hi))
    idx = np.flatnonzero(keep)
    edges = 10.0 ** RATE_EDGES[idx[0] : idx[-1] + 2]
    return edges, counts[idx] / (counts.sum() * np.diff(edges))


def fit_amplitude(result, fit: BinnedFit) -> float:
    """``C`` of the curve ``C / lambda`` that holds, over the bins used by ``fit``, the same
    fraction of all rates as the histogram does there (the 1/lambda curve of panel b)."""
    keep = (RATE_EDGES[:-1] >= np.log10(fit.lo)) & (RATE_EDGES[1:] <= np.log10(fit.hi))
    idx = np.flatnonzero(keep)
    total = result.data["rate_counts"].sum()
    return analysis.inverse_lambda_amplitude(fit.n / total, RATE_EDGES[idx[0]],
                                             RATE_EDGES[idx[-1] + 1])


@dataclass(frozen=True)
class Relaxation:
    """The relaxation curve against Eqs. (16), (17) (deviations in units of c)."""

    t: np.ndarray
    curve: np.ndarray
    sem: np.ndarray
    c: float
    exact: np.ndarray  # Eq. (16) with p = c / lambda on the cutoffs
    eq17: np.ndarray
    slope: np.ndarray  # -d curve / d ln t
    exact_slope: np.ndarray  # c_level (e^{-lambda_min t} - e^{-lambda_max t})
    full: np.ndarray  # mask: 1/lambda_max < t < 1/lambda_min
    inner: np.ndarray  # mask: 10/lambda_max < t < 0.1/lambda_min
    dev_exact: float  # max |curve - exact| / c over the full window
    dev_exact_log10_t: float  # where that maximum is
    dev_eq17_full: float
    dev_eq17_inner: float
    slope_ratio_min: float  # min and max of slope / exact_slope over the inner window
    slope_ratio_max: float
    lambda_time: float  # ln 2 / t_half
    log10_lambda_time_err: float


def _slope(curve, t):
    return -np.gradient(curve, np.log(t), axis=-1)


def _t_half(slope, t, inner) -> float:
    level = 0.5 * np.median(slope[inner])
    above = np.flatnonzero(slope >= level)
    k = int(above[-1]) if above.size else 0
    if k >= t.size - 1:
        return float(t[-1])
    s0, s1 = slope[k], slope[k + 1]
    w = (s0 - level) / (s0 - s1)
    return float(np.exp(np.log(t[k]) + w * (np.log(t[k + 1]) - np.log(t[k]))))


def relaxation_analysis(result, fit: RateFit, *, bootstrap: int = BOOTSTRAP,
                        seed: int = 0) -> Relaxation:
    """Eq. (15) per TLS against Eqs. (16), (17) on the plateau cutoffs (see module doc)."""
    t, curve, sem = S.relaxation(result)
    lo, hi = fit.cutoff.lambda_min, fit.cutoff.lambda_max
    c = fit.c
    exact = analysis.exact_log_relaxation(t, lo, hi, c)
    eq17 = analysis.log_relaxation(t, lo, c)
    slope = _slope(curve, t)
    # the slope of the exact form, with the amplitude of the measured plateau (see module doc)
    exact_slope = analysis.exact_log_relaxation_slope(t, lo, hi, fit.c_level)
    full = (t > 1.0 / hi) & (t < 1.0 / lo)
    inner = (t > 10.0 / hi) & (t < 0.1 / lo)
    if not inner.any():
        raise ValueError("the plateau is too narrow for an inner window 10/lambda_max < t < "
                         "0.1/lambda_min")
    ratio = slope[inner] / exact_slope[inner]
    t_half = _t_half(slope, t, inner)
    err = float("nan")
    curves = result.data["relaxation"]
    R = curves.shape[0]
    if bootstrap and R > 1:
        means = bootstrap_weights(R, bootstrap, seed) @ curves / R
        logs = [np.log10(_t_half(_slope(m, t), t, inner)) for m in means]
        err = float(np.std(logs, ddof=1))
    return Relaxation(
        t, curve, sem, c, exact, eq17, slope, exact_slope, full, inner,
        float(np.max(np.abs(curve - exact)[full]) / c),
        float(np.log10(t[full][np.argmax(np.abs(curve - exact)[full])])),
        float(np.max(np.abs(curve - eq17)[full]) / c),
        float(np.max(np.abs(curve - eq17)[inner]) / c),
        float(ratio.min()), float(ratio.max()),
        float(np.log(2.0) / t_half), err,
    )


def inverse_lambda_fit(result, cut=None) -> BinnedFit:
    """Binned ML fit of ``lambda^-alpha`` to the pooled rates between the plateau cutoffs."""
    cut = cut or plateau_cutoffs(result, bootstrap=0)
    counts = result.data["rate_counts"].sum(axis=0)
    return fit_power_law_binned(RATE_EDGES, counts, cut.lambda_min, cut.lambda_max)


def inner_variation(result, cut=None) -> float:
    """Max / min of the log-rate density (quarter-decade bins) over the bins whose centres lie in
    the inner half of the plateau ``[log10 lambda_min, log10 lambda_max]`` of ``cut``.

    1 for a flat plateau (1/lambda law) whatever its soft edges; about 1.2-1.25 for a Gaussian
    hump in log lambda, whatever its width (scale free: the plateau rule puts the window edges at
    a fixed fraction of the peak).
    """
    cut = cut or plateau_cutoffs(result, bootstrap=0)
    edges, counts = rebin(result.data["rate_counts"].sum(axis=0), 5)
    density = counts / np.diff(edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    quarter = 0.25 * (cut.log10_max - cut.log10_min)
    inner = (centres >= cut.log10_min + quarter) & (centres <= cut.log10_max - quarter)
    if inner.sum() < 2 or np.any(density[inner] <= 0):
        return float("nan")
    return float(density[inner].max() / density[inner].min())


def plateau_width(cut) -> tuple[float, float]:
    """(log10(lambda_max / lambda_min), its error from the two cutoff errors in quadrature)."""
    return cut.log10_max - cut.log10_min, float(np.hypot(cut.log10_min_err, cut.log10_max_err))


def cutoffs(curves: dict, *, bootstrap: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> dict:
    """``{label: Cutoff}``: the plateau cutoffs of every curve (bootstrap errors)."""
    return {label: plateau_cutoffs(r, bootstrap=bootstrap, seed=seed)
            for label, r in curves.items()}


def energy_and_rate_shifts(curves: dict, key: str) -> dict:
    """Shift from the first to the last curve (along ``key``) of log10 median|E| and of
    log10 lambda_min, each ``(shift, err)``.

    Because Delta_0^2 is log-uniform over many decades, the half-height lower edge of the
    plateau sits near ``Delta_0min^2 * median(|E| coth(|E|/2T))``: when T scales with the energies
    (or T << |E|), lambda_min follows the typical energy. This is a diagnostic, not a claim.
    """
    items = ordered(curves, key)
    (_, first), (_, last) = items[0], items[-1]
    a, b = dos_shape(first), dos_shape(last)
    energy = float(np.log10(b.median_abs_E / a.median_abs_E))
    energy_err = float(np.hypot(a.median_err / a.median_abs_E, b.median_err / b.median_abs_E)
                       / np.log(10))
    cuts = cutoffs({"a": first, "b": last})
    _, rate, rate_err = shift_sign(cuts["a"], cuts["b"], sigmas=SIGMAS)
    return {"median_abs_E": (energy, energy_err), "lambda_min": (float(rate), float(rate_err)),
            "change": f"{curve_name(first, key)} -> {curve_name(last, key)}"}
