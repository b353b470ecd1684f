"""Appendix A: the electron glass against system size: DOS widths, the peak of the rate
distribution, and the nearest-neighbour distances against Eq. (A1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..analysis import (
    distance_variable,
    finite_size_factor,
    finite_size_log_rate_peak,
    nearest_neighbour_cdf,
    nearest_neighbour_mean,
    periodic_nearest_neighbour_cdf,
)
from ..geometry import box_side
from ..realizations import NN_EDGES, RATE_EDGES, energy_edges
from .core import BOOTSTRAP, Cutoff, Estimate, bootstrap_estimate, dos_shape, plateau_cutoffs

__all__ = [
    "PEAK_SMOOTH_DECADES",
    "DOS_SMOOTH_BINS",
    "by_size",
    "log_rate_peak",
    "gap_half_width",
    "dos_outer_half_width",
    "site_density",
    "nn_ks_distance",
    "ks_critical",
    "SizeSummary",
    "size_summary",
    "DistanceSummary",
    "distance_summary",
    "SizeStep",
    "size_step",
]


#: Gaussian smoothing of the log-rate density before taking its peak (decades): about a tenth
#: of the width of the EG rate distributions (2-3 decades), so the peak is not biased by it
PEAK_SMOOTH_DECADES = 0.25


#: Gaussian smoothing of the DOS (bins) before taking half-maximum points
DOS_SMOOTH_BINS = 2.0


def by_size(curves: dict) -> list:
    """``[(N, result), ...]`` of an experiment's ensembles, ordered by increasing N."""
    return sorted(((int(r.meta["params"]["N"]), r) for r in curves.values()), key=lambda t: t[0])


def log_rate_peak(counts: np.ndarray, smooth_decades: float = PEAK_SMOOTH_DECADES) -> float:
    """``log10 lambda`` at the maximum of the smoothed log-rate density (see the module docstring).

    ``counts``: a pooled ``rate_counts`` row on :data:`glasslib.realizations.RATE_EDGES`.
    """
    counts = np.asarray(counts, float)
    width = float(RATE_EDGES[1] - RATE_EDGES[0])
    s = gaussian_filter1d(counts, smooth_decades / width, mode="constant")
    k = int(np.argmax(s))
    centres = 0.5 * (RATE_EDGES[1:] + RATE_EDGES[:-1])
    if 0 < k < s.size - 1:
        a, b, c = s[k - 1], s[k], s[k + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if denom < 0 else 0.0
        return float(centres[k] + shift * width)
    return float(centres[k])


def _smoothed_symmetric_dos(counts: np.ndarray, edges: np.ndarray):
    centres = 0.5 * (edges[1:] + edges[:-1])
    g = np.asarray(counts, float)
    g = 0.5 * (g + g[::-1])  # bins are symmetric about 0
    g = gaussian_filter1d(g, DOS_SMOOTH_BINS, mode="nearest")
    keep = centres > 0
    return centres[keep], g[keep]


def _crossing(x, y, level, k_in, k_out):
    w = (level - y[k_out]) / (y[k_in] - y[k_out])
    return float(x[k_out] + w * (x[k_in] - x[k_out]))


def gap_half_width(counts: np.ndarray, edges: np.ndarray) -> float:
    """Smallest ``|E|`` where the symmetrized, smoothed DOS reaches half its maximum."""
    x, g = _smoothed_symmetric_dos(counts, edges)
    half = 0.5 * g.max()
    k = int(np.argmax(g >= half))
    return float(x[0]) if k == 0 else _crossing(x, g, half, k, k - 1)


def dos_outer_half_width(counts: np.ndarray, edges: np.ndarray) -> float:
    """Largest ``|E|`` where the symmetrized, smoothed DOS is still at half its maximum, walking
    outward from the maximum (the half width of the DOS at half maximum)."""
    x, g = _smoothed_symmetric_dos(counts, edges)
    half = 0.5 * g.max()
    k = int(np.argmax(g))
    while k < g.size - 1 and g[k + 1] >= half:
        k += 1
    return float(x[-1]) if k == g.size - 1 else _crossing(x, g, half, k, k + 1)


def site_density(N: int, d: int = 2) -> float:
    """Sites per unit area (r_nn = 1, lattice convention): ``N / L^d`` with
    ``L = box_side(N, d)``. Eq. (A2)'s factor k equals ``(N - 1) / L^d``: its rescaling is the
    change of this density with N."""
    return float(N / box_side(N, d) ** d)


def nn_ks_distance(result) -> tuple[float, float, int]:
    """(D against Eq. A1, D against the exact periodic-square law, number of samples n).

    D is the largest CDF difference at the edges of :data:`glasslib.realizations.NN_EDGES`, where
    the binned empirical CDF is exact. The exact law is used up to ``L/2``.
    """
    N = int(result.meta["params"]["N"])
    r_nn = float(result.meta["params"].get("r_nn", 1.0))
    conv = result.meta["params"].get("r_nn_convention", "lattice")
    L = box_side(N, 2, r_nn, conv) / r_nn  # in units of r_nn, as the histogram
    counts = result.data["nn_counts"].sum(axis=0).astype(float)
    n = int(result.realizations * N)
    emp = np.concatenate([[0.0], np.cumsum(counts)]) / n  # samples above 3 r_nn count as above
    d_a1 = float(np.max(np.abs(emp - nearest_neighbour_cdf(NN_EDGES, N, L))))
    inside = NN_EDGES <= L / 2
    exact = periodic_nearest_neighbour_cdf(NN_EDGES[inside], N, L)
    d_ex = float(np.max(np.abs(emp[inside] - exact)))
    return d_a1, d_ex, n


def ks_critical(n: int) -> float:
    """5 % Kolmogorov critical value for ``n_eff = n / 2`` samples."""
    return float(1.36 / np.sqrt(max(n / 2.0, 1.0)))


@dataclass(frozen=True)
class SizeSummary:
    """Fig. 14/15 numbers for one N."""

    N: int
    realizations: int
    gap: Estimate
    outer: Estimate
    median_abs_E: float
    median_err: float
    cutoff: Cutoff
    peak: Estimate  # log10 lambda_peak


def size_summary(result, *, bootstrap: int = BOOTSTRAP) -> SizeSummary:
    edges = energy_edges(result.meta["params"])
    ec = result.data["energy_counts"]
    shape = dos_shape(result, bootstrap=bootstrap)
    return SizeSummary(
        N=int(result.meta["params"]["N"]),
        realizations=result.realizations,
        gap=bootstrap_estimate(ec, lambda c: gap_half_width(c, edges), bootstrap=bootstrap),
        outer=bootstrap_estimate(ec, lambda c: dos_outer_half_width(c, edges),
                                 bootstrap=bootstrap),
        median_abs_E=shape.median_abs_E,
        median_err=shape.median_err,
        cutoff=plateau_cutoffs(result, bootstrap=bootstrap),
        peak=bootstrap_estimate(result.data["rate_counts"], log_rate_peak, bootstrap=bootstrap),
    )


@dataclass(frozen=True)
class DistanceSummary:
    """Fig. 16 numbers for one N."""

    N: int
    realizations: int
    xi: float
    cutoff: Cutoff
    peak: Estimate  # log10 lambda_peak
    x_peak: Estimate
    x_scaled: Estimate  # x_peak sqrt(k)
    x_a2: float
    ks_a1: float
    ks_exact: float
    n_nn: int
    mean_nn: float
    mean_nn_a1: float


def distance_summary(result, *, bootstrap: int = BOOTSTRAP) -> DistanceSummary:
    p = result.meta["params"]
    N, xi = int(p["N"]), float(p["xi"])
    peak = bootstrap_estimate(result.data["rate_counts"], log_rate_peak, bootstrap=bootstrap)
    xs = distance_variable(peak.draws)
    x_peak = Estimate(float(distance_variable(peak.value)), float(np.std(xs, ddof=1)), xs)
    root_k = float(np.sqrt(finite_size_factor(N)))
    x_scaled = Estimate(x_peak.value * root_k, x_peak.err * root_k, xs * root_k)
    ks_a1, ks_ex, n = nn_ks_distance(result)
    counts = result.data["nn_counts"].sum(axis=0)
    centres = 0.5 * (NN_EDGES[1:] + NN_EDGES[:-1])
    L = box_side(N, 2, float(p.get("r_nn", 1.0)), p.get("r_nn_convention", "lattice"))
    L = L / float(p.get("r_nn", 1.0))
    # mean of Eq. (A1): Gamma(3/2) / sqrt(pi (N-1)/L^2) = L / (2 sqrt(N - 1))
    return DistanceSummary(
        N=N, realizations=result.realizations, xi=xi,
        cutoff=plateau_cutoffs(result, bootstrap=bootstrap),
        peak=peak, x_peak=x_peak, x_scaled=x_scaled,
        x_a2=finite_size_log_rate_peak(N, xi, r_bar=float(p.get("r_nn", 1.0))),
        ks_a1=ks_a1, ks_exact=ks_ex, n_nn=n,
        mean_nn=float((counts * centres).sum() / max(counts.sum(), 1)),
        mean_nn_a1=nearest_neighbour_mean(N, L, 2),
    )


@dataclass(frozen=True)
class SizeStep:
    """An ensemble at the paper's size against the same parameters at a larger N: the lower
    plateau cutoff and the DOS gap ratio of each (bootstrap errors) and their shifts, with the
    sign of each shift at two combined standard errors (``"0"``: none)."""

    N: tuple
    log10_min: tuple
    log10_min_err: tuple
    gap: tuple
    gap_err: tuple

    @property
    def shift(self) -> float:
        return self.log10_min[1] - self.log10_min[0]

    @property
    def shift_err(self) -> float:
        return float(np.hypot(*self.log10_min_err))

    @property
    def gap_shift(self) -> float:
        return self.gap[1] - self.gap[0]

    @property
    def gap_shift_err(self) -> float:
        return float(np.hypot(*self.gap_err))

    def signs(self) -> tuple[str, str]:
        from ..rules import significant_sign

        return (significant_sign(self.shift, self.shift_err),
                significant_sign(self.gap_shift, self.gap_shift_err))

    def text(self) -> str:
        """What the larger size changes, in words, with the numbers (for the pages)."""
        from ..formatting import pm

        s_min, s_gap = self.signs()
        moves = {"+": "moves up (faster relaxation)", "-": "moves down (slower relaxation)",
                 "0": "does not move beyond two standard errors"}[s_min]
        gap = {"+": "fills in (shallower)", "-": "deepens", "0": "does not change beyond two "
               "standard errors"}[s_gap]
        a, b = self.N
        text = (f"from N = {a} to N = {b}, log10 lambda_min {moves}: "
                f"{pm(self.log10_min[0], self.log10_min_err[0], 3)} -> "
                f"{pm(self.log10_min[1], self.log10_min_err[1], 3)} (shift "
                f"{pm(self.shift, self.shift_err, 3, signed=True)} decade); the DOS gap ratio "
                f"g0/g_peak {gap}: {pm(self.gap[0], self.gap_err[0], 3)} -> "
                f"{pm(self.gap[1], self.gap_err[1], 3)}")
        return text.replace("+-", "\u00b1").replace("->", "\u2192")


def size_step(small, large) -> SizeStep:
    """:class:`SizeStep` from two ensembles of one model with rate and energy histograms."""
    from .dos import gap_ratio

    cuts = [plateau_cutoffs(r) for r in (small, large)]
    gaps = [gap_ratio(r) for r in (small, large)]
    return SizeStep(tuple(int(r.meta["params"]["N"]) for r in (small, large)),
                    tuple(c.log10_min for c in cuts), tuple(c.log10_min_err for c in cuts),
                    tuple(g.ratio for g in gaps), tuple(g.ratio_err for g in gaps))
