"""From rate sets to the paper's summaries: log-binned histograms, the plateau cutoffs, the 1/lambda
fit, the relaxation |delta sigma|(t) (Eqs. 15-17) and the finite-size laws of Appendix A (A1, A2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import exp1

from ._validation import check_array, check_int, check_real

__all__ = [
    "EULER_GAMMA",
    "log_histogram",
    "PlateauEdges",
    "plateau_edges",
    "InverseLambdaFit",
    "inverse_lambda_amplitude",
    "fit_inverse_lambda",
    "relaxation_curve",
    "log_relaxation",
    "exact_log_relaxation",
    "exact_log_relaxation_slope",
    "nearest_neighbour_pdf",
    "nearest_neighbour_cdf",
    "nearest_neighbour_mean",
    "periodic_nearest_neighbour_cdf",
    "distance_variable",
    "finite_size_log_rate_peak",
    "finite_size_factor",
    "finite_size_log_rate_pdf",
    "rescale_log_rates",
]

EULER_GAMMA = float(np.euler_gamma)


def log_histogram(values, edges) -> tuple[np.ndarray, int]:
    """Counts of ``log10(values)`` in fixed bins ``edges`` (in log10 units), and the number of
    non-positive values left out. Fixed edges let histograms of many realizations be summed.

    To get a density per decade normalized over all values: ``counts / (total * np.diff(edges))``.
    """
    values = check_array("values", values).ravel()
    edges = check_array("edges", edges, ndim=1)
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError("edges must be strictly increasing with at least two entries")
    positive = values > 0
    counts, _ = np.histogram(np.log10(values[positive]), bins=edges)
    return counts, int(np.count_nonzero(~positive))


@dataclass(frozen=True)
class PlateauEdges:
    """Edges of the 1/lambda plateau of a log-rate density (in rate units, not log)."""

    lambda_min: float
    lambda_max: float
    level: float  # plateau height (density per decade)
    threshold: float


def plateau_edges(edges, density, *, fraction: float = 0.5) -> PlateauEdges:
    """The lambda_min rule: the lower edge of the plateau of the log-rate density.

    ``density`` is the histogram of ``log10(lambda)`` (any normalization) on bins ``edges``. Rule:

    1. plateau level ``h`` = median of the bins whose density is at least half the maximum;
    2. threshold = ``fraction * h`` (default one half);
    3. walk left from the highest bin while the density stays >= threshold; ``lambda_min`` is where
       the density crosses the threshold, linearly interpolated between the two bin centres that
       bracket it (the outer edge of the first bin if the walk reaches it). ``lambda_max``: the same
       walking right.

    A 1/lambda law on [a, b] gives a flat log-density between log a and log b, so the rule returns
    ``a`` and ``b`` up to a fraction of a bin (tested). :func:`plateau_edges_rows` applies the
    same rule to many densities at once (bootstrap resamples), with the same arithmetic.
    """
    density = check_array("density", density, ndim=1)
    low, high, level, threshold = plateau_edges_rows(edges, density[None, :], fraction=fraction)
    return PlateauEdges(10.0**low[0], 10.0**high[0], float(level[0]), float(threshold[0]))


def plateau_edges_rows(edges, densities, *, fraction: float = 0.5):
    """:func:`plateau_edges` on every row of ``densities`` (shape ``(rows, bins)``), vectorized:
    ``(log10 lambda_min, log10 lambda_max, level, threshold)``, one array each.

    Every value is computed by the same IEEE operations as one row at a time would (the median
    is the middle value, or the half-sum of the two middle values, as ``np.median``), so a row's
    result is the one :func:`plateau_edges` gives for it, to the bit (tested).
    """
    edges = check_array("edges", edges, ndim=1)
    densities = check_array("densities", densities, ndim=2)
    if edges.shape[0] != densities.shape[1] + 1:
        raise ValueError("edges must have one more entry than density")
    fraction = check_real("fraction", fraction, positive=True)
    if fraction >= 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    if not np.all(np.any(densities > 0, axis=1)):
        raise ValueError("density is zero everywhere: no plateau")
    rows, bins = densities.shape
    r = np.arange(rows)
    centres = 0.5 * (edges[1:] + edges[:-1])
    peak = np.max(densities, axis=1)
    # the plateau level: the median of the bins at or above half the peak (the others sorted
    # past them as +inf), i.e. the middle one or the half-sum of the middle two
    high_bins = densities >= 0.5 * peak[:, None]
    ordered = np.sort(np.where(high_bins, densities, np.inf), axis=1)
    n = np.count_nonzero(high_bins, axis=1)
    level = (ordered[r, (n - 1) // 2] + ordered[r, n // 2]) / 2.0
    threshold = fraction * level
    top = np.argmax(densities, axis=1)
    # the walks from the peak stop at the nearest bin below the threshold on each side
    below = densities < threshold[:, None]
    index = np.arange(bins)
    k_low = np.max(np.where(below & (index < top[:, None]), index, -1), axis=1) + 1
    k_high = np.min(np.where(below & (index > top[:, None]), index, bins), axis=1) - 1

    def crossing(inner, outer):
        # densities[inner] >= threshold > densities[outer], neighbouring bins (where used)
        inner, outer = np.clip(inner, 0, bins - 1), np.clip(outer, 0, bins - 1)
        d_in, d_out = densities[r, inner], densities[r, outer]
        with np.errstate(divide="ignore", invalid="ignore"):  # in the rows not used
            w = (threshold - d_out) / (d_in - d_out)
            return centres[outer] + w * (centres[inner] - centres[outer])

    low = np.where(k_low == 0, edges[0], crossing(k_low, k_low - 1))
    high = np.where(k_high == bins - 1, edges[-1], crossing(k_high, k_high + 1))
    return low, high, level, threshold


@dataclass(frozen=True)
class InverseLambdaFit:
    """Maximum-likelihood power law ``p(lambda) ~ lambda^-alpha`` on ``[lo, hi]``."""

    alpha: float
    alpha_err: float
    lo: float
    hi: float
    n: int

    def amplitude(self, total: float) -> float:
        """``C`` with ``C / lambda`` integrating to ``total`` over [lo, hi] (the 1/lambda curve)."""
        return inverse_lambda_amplitude(total, np.log10(self.lo), np.log10(self.hi))


def inverse_lambda_amplitude(fraction: float, log10_lo: float, log10_hi: float) -> float:
    """``C`` of the density ``C / lambda`` that holds ``fraction`` of the rates between
    ``10^log10_lo`` and ``10^log10_hi``: ``fraction / ln(lambda_hi / lambda_lo)``. A flat
    log-rate density of ``h`` per decade is the same law with ``C = h / ln 10`` (one decade:
    ``fraction = h``). The one normalization of every 1/lambda curve in the book."""
    span = (check_real("log10_hi", log10_hi) - check_real("log10_lo", log10_lo)) * np.log(10.0)
    if not span > 0:
        raise ValueError("log10_hi must be > log10_lo")
    return float(check_real("fraction", fraction, nonnegative=True) / span)


def _truncated_power_law_score(alpha, mean_log, a, b):
    # d/d alpha of the mean log-likelihood of p(x) = x^-alpha / Z(alpha) on [a, b]
    if abs(alpha - 1.0) < 1e-9:
        # Z = log(b/a); d log Z / d alpha = -(log^2 b - log^2 a) / (2 log(b/a))
        return -mean_log + 0.5 * (np.log(b) ** 2 - np.log(a) ** 2) / np.log(b / a)
    s = 1.0 - alpha
    ea, eb = a**s, b**s
    dlogz = -(eb * np.log(b) - ea * np.log(a)) / (eb - ea) + 1.0 / s
    return -mean_log - dlogz


def fit_inverse_lambda(rates, lo: float, hi: float) -> InverseLambdaFit:
    """Fit ``p(lambda) ~ lambda^-alpha`` to the rates in ``[lo, hi]`` by maximum likelihood.

    Unbinned (no dependence on a bin choice); ``alpha = 1`` is the paper's 1/lambda law. The
    uncertainty is the asymptotic standard error ``1 / sqrt(n I(alpha))`` with the Fisher
    information ``I`` = variance of ``log lambda`` under the fitted law.
    """
    rates = check_array("rates", rates).ravel()
    lo = check_real("lo", lo, positive=True)
    hi = check_real("hi", hi, positive=True)
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got {lo} and {hi}")
    inside = rates[(rates >= lo) & (rates <= hi)]
    n = inside.size
    if n < 10:
        raise ValueError(f"only {n} rates in [lo, hi]: too few to fit")
    mean_log = float(np.mean(np.log(inside)))
    alpha = brentq(_truncated_power_law_score, -20.0, 20.0, args=(mean_log, lo, hi), xtol=1e-12)
    # Fisher information: Var(log x) under the fitted truncated power law (numerical quadrature)
    u = np.linspace(np.log(lo), np.log(hi), 4001)
    w = np.exp((1.0 - alpha) * (u - u.mean()))
    w /= np.trapezoid(w, u)
    mean = np.trapezoid(u * w, u)
    var = np.trapezoid((u - mean) ** 2 * w, u)
    return InverseLambdaFit(float(alpha), float(1.0 / np.sqrt(n * var)), lo, hi, int(n))


def relaxation_curve(rates, t, weights=None, *, chunk: int = 1 << 16) -> np.ndarray:
    """Eq. (15): ``|delta sigma|(t) = sum_i c_i exp(-lambda_i t)``.

    ``weights`` are the initial deviations ``c_i`` (default 1 for every mode: the paper's uniform
    ``c``). Summed in chunks of rates, so 10^7 rates at 100 times stay small in memory.
    """
    rates = check_array("rates", rates).ravel()
    t = check_array("t", t)
    if np.any(rates < 0):
        raise ValueError("rates must be non-negative (glasslib rates are positive)")
    if np.any(t < 0):
        raise ValueError("t must be non-negative")
    c = np.ones_like(rates) if weights is None else check_array("weights", weights).ravel()
    if c.shape != rates.shape:
        raise ValueError("weights must have the same length as rates")
    chunk = check_int("chunk", chunk, minimum=1)
    tt = t.ravel()
    out = np.zeros(tt.shape)
    for s in range(0, rates.size, chunk):
        out += np.exp(-np.outer(tt, rates[s : s + chunk])) @ c[s : s + chunk]
    return out.reshape(t.shape)


def log_relaxation(t, lambda_min: float, c: float = 1.0) -> np.ndarray:
    """Eq. (17): ``|delta sigma| ~ -c [gamma_E + log(lambda_min t)]``, for
    1/lambda_max < t < 1/lambda_min.

    The small-argument form of :func:`exact_log_relaxation` (``E1(x) = -gamma_E - log x + O(x)``).
    """
    t = check_array("t", t)
    if np.any(t <= 0):
        raise ValueError("t must be > 0")
    lambda_min = check_real("lambda_min", lambda_min, positive=True)
    c = check_real("c", c)
    return -c * (EULER_GAMMA + np.log(lambda_min * t))


def _check_window(t, lambda_min, lambda_max, c):
    t = check_array("t", t)
    lambda_min = check_real("lambda_min", lambda_min, positive=True)
    lambda_max = check_real("lambda_max", lambda_max, positive=True)
    if not lambda_min < lambda_max:
        raise ValueError("lambda_min must be < lambda_max")
    c = check_real("c", c)
    if np.any(t <= 0):
        raise ValueError("t must be > 0")
    return t, lambda_min, lambda_max, c


def exact_log_relaxation(t, lambda_min: float, lambda_max: float, c: float = 1.0) -> np.ndarray:
    """Eq. (16) with ``p(lambda) = 1/lambda`` on [lambda_min, lambda_max], in closed form:

    ``c int_{lmin}^{lmax} e^{-lambda t} / lambda d lambda = c [E1(lmin t) - E1(lmax t)]``
    (E1 the exponential integral), which Eq. (17) approximates for ``1/lmax << t << 1/lmin``.
    """
    t, lambda_min, lambda_max, c = _check_window(t, lambda_min, lambda_max, c)
    return c * (exp1(lambda_min * t) - exp1(lambda_max * t))


def exact_log_relaxation_slope(t, lambda_min: float, lambda_max: float,
                               c: float = 1.0) -> np.ndarray:
    """The local slope ``-d/d ln t`` of :func:`exact_log_relaxation`:
    ``c [exp(-lambda_min t) - exp(-lambda_max t)]`` (``d E1(a t)/d ln t = -exp(-a t)``).

    Flat at ``c`` (logarithmic relaxation) for ``1/lambda_max << t << 1/lambda_min``; it falls to
    half its plateau at ``t = ln 2 / lambda_min``.
    """
    t, lambda_min, lambda_max, c = _check_window(t, lambda_min, lambda_max, c)
    return c * (np.exp(-lambda_min * t) - np.exp(-lambda_max * t))


def nearest_neighbour_pdf(r, N: int, L: float, d: int) -> np.ndarray:
    """Eq. (A1): ``p(r) = (V_d / L^d) d (N-1) r^(d-1) exp(-V_d (N-1) (r/L)^d)``, valid for r << L.

    The nearest-neighbour distance law of N uniform points in a box of side L (V_d: unit-ball
    volume, V_2 = pi, V_3 = 4 pi / 3).
    """
    from .geometry import unit_ball_volume

    r = check_array("r", r)
    N = check_int("N", N, minimum=2)
    L = check_real("L", L, positive=True)
    d = check_int("d", d, minimum=1)
    vd = unit_ball_volume(d)
    rate = vd * (N - 1) / L**d
    return rate * d * np.maximum(r, 0.0) ** (d - 1) * np.exp(-rate * np.maximum(r, 0.0) ** d)


def nearest_neighbour_cdf(r, N: int, L: float, d: int = 2) -> np.ndarray:
    """CDF of Eq. (A1): ``1 - exp(-V_d (N-1) (r/L)^d)`` (integral of
    :func:`nearest_neighbour_pdf`)."""
    from .geometry import unit_ball_volume

    r = np.maximum(check_array("r", r), 0.0)
    N = check_int("N", N, minimum=2)
    L = check_real("L", L, positive=True)
    d = check_int("d", d, minimum=1)
    return 1.0 - np.exp(-unit_ball_volume(d) * (N - 1) * (r / L) ** d)


def nearest_neighbour_mean(N: int, L: float, d: int = 2) -> float:
    """Mean of Eq. (A1): ``Gamma(1 + 1/d) (V_d (N-1) / L^d)^(-1/d)`` (2D: ``L / (2 sqrt(N-1))``)."""
    from scipy.special import gamma

    from .geometry import unit_ball_volume

    N = check_int("N", N, minimum=2)
    L = check_real("L", L, positive=True)
    d = check_int("d", d, minimum=1)
    return float(gamma(1 + 1 / d) * (unit_ball_volume(d) * (N - 1) / L**d) ** (-1 / d))


def periodic_nearest_neighbour_cdf(r, N: int, L: float) -> np.ndarray:
    """Exact CDF of the nearest-neighbour distance of N uniform points in a periodic square of
    side L, for ``r <= L/2`` (the minimum-image disk fits in the box):
    ``1 - (1 - pi r^2 / L^2)^(N-1)``. Eq. (A1) is its large-N form."""
    r = check_array("r", r)
    N = check_int("N", N, minimum=2)
    L = check_real("L", L, positive=True)
    if np.any(r > L / 2):
        raise ValueError("r: the closed form holds only for r <= L/2")
    return 1.0 - (1.0 - np.pi * np.maximum(r, 0.0) ** 2 / L**2) ** (N - 1)


def finite_size_factor(N: int) -> float:
    """``(sqrt N + 1) / (sqrt N - 1)``: the finite-size factor of Eq. (A2) (d = 2)."""
    N = check_int("N", N, minimum=2)
    return (np.sqrt(N) + 1.0) / (np.sqrt(N) - 1.0)


def finite_size_log_rate_pdf(x, N: int, xi: float, r_bar: float = 1.0) -> np.ndarray:
    """Eq. (A2): distribution of ``x = r/xi = -log(lambda/2)`` for nearest-neighbour hops in 2D,

    ``p(x) = 2 pi (xi/r)^2 x k exp(-pi (xi/r)^2 x^2 k)``, ``k = (sqrt N + 1)/(sqrt N - 1)``,
    obtained from Eq. (A1) with ``L = r_bar (sqrt N - 1)`` (the "lattice" r_nn convention).
    (The paper prints ``r_bar = L^d/(N^(1/d) - 1)``; dimensions require ``L/(N^(1/d) - 1)``.)
    """
    x = check_array("x", x)
    xi = check_real("xi", xi, positive=True)
    r_bar = check_real("r_bar", r_bar, positive=True)
    k = finite_size_factor(N)
    s = np.pi * (xi / r_bar) ** 2 * k
    xp = np.maximum(x, 0.0)
    return 2.0 * s * xp * np.exp(-s * xp**2)


def distance_variable(log10_rate) -> np.ndarray:
    """Eq. (A2)'s variable ``x = r/xi = -ln(lambda/2)`` of positive rates given as
    ``log10(lambda)`` (the paper prints ``x = log(-lambda/2) = -r/xi`` with its negative
    eigenvalues)."""
    log10_rate = check_array("log10_rate", log10_rate)
    return np.log(2.0) - np.log(10.0) * log10_rate


def finite_size_log_rate_peak(N: int, xi: float, r_bar: float = 1.0) -> float:
    """Peak ``x* = (r_bar/xi) / sqrt(2 pi k)`` of Eq. (A2)'s ``p(x)``
    (:func:`finite_size_log_rate_pdf`), ``k`` = :func:`finite_size_factor`."""
    xi = check_real("xi", xi, positive=True)
    r_bar = check_real("r_bar", r_bar, positive=True)
    return float((r_bar / xi) / np.sqrt(2.0 * np.pi * finite_size_factor(N)))


def rescale_log_rates(x, N: int) -> np.ndarray:
    """The collapse of Fig. 16's inset: ``x -> x sqrt((sqrt N + 1)/(sqrt N - 1))``.

    Under Eq. (A2), the rescaled variable has an N-independent distribution.
    """
    x = check_array("x", x)
    return x * np.sqrt(finite_size_factor(N))
