"""Appendix B of the paper: the interaction term f_ij of the linearized rate equation (Eq. B1),
checked against the ensemble ``fig17_20_tg_b1`` (three cases, N = 1000, T = 0.1).

Each realization stores ``rates_sorted`` (Eq. 12, without f_ij, ascending) and ``b1_rates_sorted``
(``-Re`` of the eigenvalues of the full matrix of Eq. B1 with f_ij, linearized convention,
ascending; :func:`glasslib.tls_rate_matrix`, :func:`glasslib.tls_rate_spectrum`).

**Pairing.** As in the paper's figures, the two sorted lists are paired by rank: the k-th smallest
``lambda`` with the k-th smallest ``lambda'``, and the relative error is
``|(lambda' - lambda) / lambda'|``. When f_ij moves one rate past some of its neighbours, every rank
in between is paired with a neighbour, so its "error" is of the order of the local spacing of the
rates (a few per cent at ~70 rates per decade). The *nearest-partner* distance
``min_j |lambda'_k - lambda_j| / lambda'_k`` (a lower bound on how far each mode moved) is
reported next to it as a diagnostic.

**Numerical floor.** A dense general eigensolver returns eigenvalues with an absolute error of
about ``eps ||A||``; with ``||A|| ~ max lambda'`` the floor is ``eps * max(lambda')`` per
realization (``eps`` the float64 machine epsilon). A pair whose difference ``|lambda' - lambda|`` is
below the floor is *unresolved*: its relative error is not evidence of anything. The claim is
judged on the resolved pairs only. (:func:`permutation_noise` measures the actual rounding noise
by diagonalizing a permuted copy of the matrix: for these strongly graded matrices LAPACK's
balancing makes it far smaller than the floor, so the floor is conservative.)

**Low rates** are the lowest ``LOW_FRACTION`` of each realization's rates by rank (the 100 slowest
of 1000, about the lowest decade and a half).

Verdict rules (mechanical):

- **Figs. 17-19, "low rates are negligibly affected by the interaction"** (one claim per case),
  on the resolved low-rate pairs pooled over all realizations: reproduced if their 99th
  percentile relative error is below ``BIN = 10^0.05 - 1`` (12 %: one 0.05-decade bin of the rate
  histograms, the resolution of Fig. 20); partly if only their median is below ``BIN``; not
  reproduced otherwise. With fewer than ``MIN_RESOLVED`` resolved pairs the bound
  ``floor / lambda`` stands in for the errors.
- **Fig. 20, rates with and without f_ij** (all three cases, "similar results"): for every case,
  the shift of ``log10 lambda_min`` (:func:`glasslib.analysis.plateau_edges` on quarter-decade
  bins, error by a paired bootstrap over realizations) is within ``max(2 sigma, 0.05)`` decades of
  zero and the largest difference of the mean relaxation curves ``|delta sigma|(t)/N`` (Eq. 15)
  is below ``RELAX_TOLERANCE`` of the initial deviation: reproduced; partly if one of the two
  holds in every case; not reproduced otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import analysis
from .. import summaries as S
from ..measures import BOOTSTRAP, BOOTSTRAP_SEED, bootstrap_weights
from ..realizations import LOG_ABS_E_EDGES
from ..rules import SIGMAS
from . import Claim, print_claims

__all__ = [
    "EXPERIMENT",
    "CASES",
    "EPS",
    "BIN",
    "rank_relative_error",
    "nearest_partner_error",
    "numerical_floor",
    "decade_statistics",
    "LowRateStats",
    "low_rate_statistics",
    "lambda_min_shift",
    "relaxation_difference",
    "fraction_below",
    "rebuild_b1_matrix",
    "permutation_noise",
    "print_decade_table",
    "ordered_cases",
    "claims",
    "print_claims",
]

EXPERIMENT = "fig17_20_tg_b1"
#: the figure of each case, following the captions (the text's labels differ: see the notebook)
CASES = {"W=0.1,J=1.4": "Fig. 17", "W=1,J=1": "Fig. 18", "W=1.4,J=0.1": "Fig. 19"}
TARGETS = {"Fig. 17": "fig-b1-case-17", "Fig. 18": "fig-b1-case-18", "Fig. 19": "fig-b1-case-19"}
EPS = float(np.finfo(np.float64).eps)
#: one 0.05-decade bin of the rate histograms, as a relative change
BIN = float(10**0.05 - 1)
LOW_FRACTION = 0.1
MIN_RESOLVED = 10
RELAX_TOLERANCE = 0.01
SHIFT_TOLERANCE = 0.05  # decades


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
    their correlation. Quarter-decade bins, as :func:`glasslib.summaries.plateau_cutoffs`.
    """
    edges, c0 = S.rebin(result.data["rate_counts"].astype(np.int64), 5)
    _, c1 = S.rebin(result.data["b1_rate_counts"].astype(np.int64), 5)
    a = np.log10(_edges_of(edges, c0.sum(axis=0)).lambda_min)
    b = np.log10(_edges_of(edges, c1.sum(axis=0)).lambda_min)
    rows = c0.shape[0]
    if rows < 2:
        return float(a), float(b), float(b - a), float("nan")
    diffs = [np.log10(_edges_of(edges, w @ c1).lambda_min)
             - np.log10(_edges_of(edges, w @ c0).lambda_min)
             for w in bootstrap_weights(rows, bootstrap, seed)]
    return float(a), float(b), float(b - a), float(np.std(diffs, ddof=1))


def relaxation_difference(result) -> tuple[float, float, float]:
    """(max over t of |mean(with f) - mean(without f)| of |delta sigma|(t)/N, its standard error
    from the per-realization differences, the t of the maximum)."""
    d = result.data["b1_relaxation"] - result.data["relaxation"]
    mean = d.mean(axis=0)
    k = int(np.argmax(np.abs(mean)))
    sem = float(d[:, k].std(ddof=1) / np.sqrt(d.shape[0])) if d.shape[0] > 1 else float("nan")
    return float(abs(mean[k])), sem, float(S.TIMES[k])


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


def print_decade_table(result) -> None:
    """Per decade of lambda (all realizations): pairs; fraction above the floor; median and 99th
    percentile of the rank-paired relative error above the floor; its median over all pairs; the
    fraction of modes moved by more than 1 % (nearest partner); the median floor/lambda."""
    st = decade_statistics(result)
    print(f"{'decade of lambda':>17} {'pairs':>6} {'>floor':>7} {'median':>8} {'p99':>8} "
          f"{'med(all)':>9} {'moved>1%':>9} {'floor/lam':>10}")
    for k, c in enumerate(st.centres):
        lo = int(np.floor(c))
        print(f"{f'1e{lo} - 1e{lo + 1}':>17} {st.count[k]:>6} {st.resolved[k]:>7.0%} "
              f"{st.median[k]:>8.1e} {st.p99[k]:>8.1e} {st.median_all[k]:>9.1e} "
              f"{st.moved[k]:>9.1%} {st.floor_rel[k]:>10.1e}")


# --------------------------------------------------------------------------- claims


def ordered_cases(curves: dict) -> list:
    """``[(figure, label, result)]`` in the order of the figures (captions' labelling)."""
    out = [(CASES[label], label, r) for label, r in curves.items() if label in CASES]
    return sorted(out, key=lambda t: t[0])


def _low_claim(figure: str, label: str, result) -> Claim:
    st = low_rate_statistics(result)
    if st.resolved >= MIN_RESOLVED:
        med, p99, basis = st.median, st.p99, "resolved pairs"
    else:
        med = p99 = st.floor_rel_max
        basis = "bound floor/lambda (too few resolved pairs)"
    if p99 < BIN:
        verdict = "reproduced"
    elif med < BIN:
        verdict = "partly"
    else:
        verdict = "not reproduced"
    p = result.meta["params"]
    return Claim(
        figure,
        f"Low rates are negligibly affected by the interaction term f_ij "
        f"(W = {p['W']:g}, J = {p['J']:g}, T = {p['T']:g}, N = {p['N']}).",
        f"lowest {LOW_FRACTION:.0%} of the rates ({st.pairs} pairs by rank, {result.realizations} "
        f"realizations, lambda up to ~{st.upper:.1e}): {st.resolved / st.pairs:.0%} above the "
        f"floor eps*max(lambda'); among those the relative error has median {st.median:.1e} and "
        f"99th percentile {st.p99:.1e}; median over all pairs {st.median_all:.1e}; "
        f"{st.over_bin:.1%} of all low-rate pairs are off by more than one 0.05-decade bin; "
        f"{st.moved_1pc:.1%} of the modes moved by more than 1 % (nearest partner)",
        verdict,
        f"on {basis}: reproduced if the 99th percentile < {BIN:.3f} (one 0.05-decade bin), "
        f"partly if only the median is",
        TARGETS[figure])


def claims(data: dict) -> list[Claim]:
    """The claims of Appendix B (rules in the module docstring)."""
    if EXPERIMENT not in data:
        return []
    cases = ordered_cases(data[EXPERIMENT])
    out = [_low_claim(fig, label, r) for fig, label, r in cases]
    if cases:
        shifts, relax, ok_shift, ok_relax = [], [], [], []
        for _fig, label, r in cases:
            a, b, d, err = lambda_min_shift(r)
            m, sem, _ = relaxation_difference(r)
            tol = max(SIGMAS * err, SHIFT_TOLERANCE) if np.isfinite(err) else SHIFT_TOLERANCE
            ok_shift.append(abs(d) <= tol)
            ok_relax.append(m < RELAX_TOLERANCE)
            shifts.append(f"{label}: {d:+.3f} +- {err:.3f}")
            relax.append(f"{label}: {m:.1e} +- {sem:.0e}")
        if all(ok_shift) and all(ok_relax):
            verdict = "reproduced"
        elif all(ok_shift) or all(ok_relax):
            verdict = "partly"
        else:
            verdict = "not reproduced"
        out.append(Claim(
            "Fig. 20",
            "The rates with and without f_ij nearly coincide (shown for W = J = 1; similar "
            "results for the other two cases).",
            "shift of log10 lambda_min with f_ij: " + "; ".join(shifts)
            + ". Largest change of the mean relaxation |delta sigma|(t)/N: " + "; ".join(relax),
            verdict,
            f"rule: |shift| <= max({SIGMAS:g} sigma, {SHIFT_TOLERANCE:g} decade) and relaxation "
            f"change < {RELAX_TOLERANCE:g} in every case",
            "fig-b1-rates"))
    return out
