"""Sec. II (the TLS-glass model and its DOS): the claims of Figs. 1 and 2, checked.

Experiments: ``fig01_tg_dos`` (one curve, T = 0.05) and ``fig02_tg_dos_vs_T`` (T = 0.1, 1, 2).

Quantities (all from the stored fixed-bin energy histograms):

* **Gap ratio** ``R = g0 / g_peak``. The E histogram is folded onto |E| and merged into coarse
  bins of ``GAP_BINS`` fine bins (3 x 0.025 sqrt(W^2 + J^2) = 0.106 at W = J = 1). ``g0`` is the
  mean DOS in the first coarse bin (|E| < 0.106 at W = J = 1: the paper's "|E| < 0.1"),
  ``g_peak`` the largest coarse-bin DOS. Standard errors: bootstrap over realizations
  (``BOOTSTRAP`` resamples, fixed seed).
* **Reference without interactions** ``R_ref``: the same ratio for J = 0, where
  ``E = sgn(Delta) sqrt(Delta^2 + Delta_0^2)`` with the sampled Delta ~ N(0, W^2) and log-uniform
  Delta_0 (:func:`glasslib.tls.noninteracting_abs_energy_cdf`, exact quadrature, no sampling).
  It is just below 1: the tunnelling amplitudes alone push a few TLSs out of the first bin.
* **Depression** ``D = R_ref - R``.

Verdict rules (mechanical; thresholds fixed before the paper-scale data were looked at):

* A *visible gap* means ``D > 3 sigma_R`` (significant) **and** ``D >= VISIBLE_DEPRESSION``
  (= 0.1: the DOS at E = 0 lies at least 10% of the peak below the J = 0 shape).
* Fig. 1, "the DOS has a gap at E = 0" (T = 0.05): *reproduced* if there is a visible gap;
  *partly* if ``D`` is significant but below 0.1; *not reproduced* otherwise.
* Fig. 1, "the DOS shows the logarithmic gap" (panel b): the *depletion* (DOS / its peak,
  divided by the same for J = 0; :func:`log_gap_table`) at |E| = 1e-1, 1e-2, 1e-3 (+-0.25
  decade). A logarithmic gap, g ~ 1/ln(E0/|E|), keeps deepening by a sizeable factor per decade.
  *Reproduced* if the depletion decreases at both decade steps by more than 2 combined standard
  errors; *partly* if only at the first step; *not reproduced* otherwise.
* Fig. 2, "the gap gradually disappears as T increases" (T = 0.1, 1, 2): *reproduced* if ``g0``
  increases at each step in T by more than 2 combined standard errors, there is a visible gap at
  the lowest T and none at the highest; *partly* if ``g0`` increases at each step but the gap is
  still visible at the highest T (or already absent at the lowest); *not reproduced* if ``g0``
  does not increase monotonically.
"""

from __future__ import annotations

import numpy as np

from ..measures import GapRatio, gap_ratio, log_gap_table, reference_gap_ratio
from ..rules import sigmas_of
from . import Claim, print_claims, replicated, show_claims

__all__ = [
    "BOOTSTRAP",
    "VISIBLE_DEPRESSION",
    "LOG_DECADES",
    "claims",
    "print_claims",
    "show_claims",
]

BOOTSTRAP = 400
VISIBLE_DEPRESSION = 0.1
LOG_DECADES = (-1, -2, -3)
FIG1, FIG2 = "fig01_tg_dos", "fig02_tg_dos_vs_T"


def _visible(g: GapRatio, ref: float) -> tuple[bool, bool, float]:
    D = ref - g.ratio
    significant = bool(np.isfinite(g.ratio_err) and D > 3 * g.ratio_err)
    return significant and D >= VISIBLE_DEPRESSION, significant, D


def _fig1_claim(result) -> Claim:
    g = gap_ratio(result)
    ref = reference_gap_ratio(result.meta["params"])
    visible, significant, D = _visible(g, ref)
    verdict = "reproduced" if visible else ("partly" if significant else "not reproduced")
    measured = (f"T = {g.T:g}: DOS(|E| < {g.window:.3f}) / peak = {g.ratio:.3f} +- "
                f"{g.ratio_err:.3f}; J = 0 reference {ref:.3f}; depression "
                f"D = {D:.3f} +- {g.ratio_err:.3f}")
    if visible:
        why = (f"D is {D / g.ratio_err:.0f} sigma from 0 and >= {VISIBLE_DEPRESSION:g}: the DOS at "
               f"E = 0 is {100 * D:.0f}% of the peak below the J = 0 shape")
    elif significant:
        why = f"D is significant but below {VISIBLE_DEPRESSION:g}: a shallow dip only"
    else:
        why = "no significant depression of the DOS at E = 0"
    return Claim("Fig. 1", "The DOS of the TLS energies has a (dipole) gap at E = 0 "
                 "(W = J = 1, T = 0.05).", measured, verdict, why, "fig-tg-dos")


def _fig1_log_claim(result) -> Claim:
    rows = log_gap_table(result, decades=LOG_DECADES)
    steps = [sigmas_of(a.depletion - b.depletion, np.hypot(a.depletion_err, b.depletion_err))
             for a, b in zip(rows[:-1], rows[1:], strict=True)]
    deepens = [bool(np.isfinite(s) and s > 2) for s in steps]
    measured = "depletion vs J = 0 at |E| = " + "; ".join(
        f"1e{r.log10_E:.0f}: {r.depletion:.3f} +- {r.depletion_err:.3f}" for r in rows)
    steps_txt = ", ".join(f"{s:.1f}" for s in steps)
    if all(deepens):
        verdict, why = "reproduced", f"the depletion deepens at every decade ({steps_txt} sigma)"
    elif deepens[0]:
        k = deepens.index(False)
        verdict = "partly"
        why = (f"deepens from |E| = 1e{rows[0].log10_E:.0f} to 1e{rows[k].log10_E:.0f}, but not "
               f"from 1e{rows[k].log10_E:.0f} to 1e{rows[k + 1].log10_E:.0f} "
               f"(steps {steps_txt} sigma)")
    else:
        verdict, why = "not reproduced", f"no deepening below |E| = 0.1 (steps {steps_txt} sigma)"
    T = float(result.meta["params"]["T"])
    return Claim("Fig. 1", f"The numerical DOS shows the logarithmic dipole gap of previous work "
                 f"(T = {T:g}).", measured, verdict, why, "fig-tg-dos")


def _fig2_claim(results: dict) -> Claim:
    gaps = sorted((gap_ratio(r) for r in results.values()), key=lambda g: g.T)
    params = next(iter(results.values())).meta["params"]
    ref = reference_gap_ratio(params)
    steps = [sigmas_of(b.g0 - a.g0, np.hypot(a.g0_err, b.g0_err))
             for a, b in zip(gaps[:-1], gaps[1:], strict=True)]
    monotone = len(gaps) >= 2 and all(np.isfinite(s) and s > 2 for s in steps)
    first_visible = _visible(gaps[0], ref)[0]
    last_visible = _visible(gaps[-1], ref)[0]
    measured = "; ".join(
        f"T = {g.T:g}: g0 = {g.g0:.4f} +- {g.g0_err:.4f}, R = {g.ratio:.3f} +- {g.ratio_err:.3f}"
        for g in gaps) + f" (J = 0: R = {ref:.3f})"
    steps_txt = ", ".join(f"{s:.0f}" for s in steps)
    if not monotone:
        verdict = "not reproduced"
        why = f"g0 does not rise by > 2 sigma at every step ({steps_txt} sigma)"
    elif first_visible and not last_visible:
        verdict = "reproduced"
        why = (f"g0 rises at each step ({steps_txt} sigma); visible gap at T = {gaps[0].T:g}, "
               f"none at T = {gaps[-1].T:g}")
    else:
        verdict = "partly"
        why = (f"g0 rises at each step ({steps_txt} sigma), but the gap is "
               + (f"still visible at T = {gaps[-1].T:g}" if last_visible
                  else f"not visible even at T = {gaps[0].T:g}"))
    return Claim("Fig. 2", "The gap gradually disappears as the temperature increases "
                 "(T = 0.1, 1, 2; W = J = 1).", measured, verdict, why, "fig-tg-dos-vs-t")


@replicated
def claims(data: dict) -> list[Claim]:
    """The claims of Figs. 1 and 2 for the experiments present in ``data`` (see module doc)."""
    out = []
    if FIG1 in data:
        for r in data[FIG1].values():
            out.extend([_fig1_claim(r), _fig1_log_claim(r)])
    if FIG2 in data:
        out.append(_fig2_claim(data[FIG2]))
    return out
