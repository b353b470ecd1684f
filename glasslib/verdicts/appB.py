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

import numpy as np

from ..measures import (
    BIN,
    LOW_FRACTION,
    decade_statistics,
    lambda_min_shift,
    low_rate_statistics,
    relaxation_difference,
)
from ..rules import SIGMAS
from . import Claim, print_claims, replicated, show_claims

__all__ = [
    "EXPERIMENT",
    "CASES",
    "print_decade_table",
    "ordered_cases",
    "claims",
    "print_claims",
    "show_claims",
]

EXPERIMENT = "fig17_20_tg_b1"
#: the figure of each case, following the captions (the text's labels differ: see the notebook)
CASES = {"W=0.1,J=1.4": "Fig. 17", "W=1,J=1": "Fig. 18", "W=1.4,J=0.1": "Fig. 19"}
TARGETS = {"Fig. 17": "fig-b1-case-17", "Fig. 18": "fig-b1-case-18", "Fig. 19": "fig-b1-case-19"}
MIN_RESOLVED = 10
RELAX_TOLERANCE = 0.01
SHIFT_TOLERANCE = 0.05  # decades


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


@replicated
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
