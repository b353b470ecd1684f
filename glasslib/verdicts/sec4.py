"""Sec. IV of the paper: the TLS glass under more disorder (Figs. 4, 6) and more interaction
(Figs. 5, 7), checked against the ensembles ``fig04_06_tg_disorder`` and
``fig05_07_tg_interaction``.

Measured quantities (all with bootstrap standard errors over realizations, fixed seed):

- **DOS width**: the median of ``|E|`` over all sites (for a symmetric DOS, the half-width of its
  interquartile range). The mean-field fields of random ``1/r^3`` couplings have a Lorentzian-like
  tail, so the standard deviation of ``E`` is dominated by the closest pairs and is not used.
- **Gap ratio** ``rho = P(|E| < m/10) / (0.1 P(|E| < m))`` with ``m`` the median ``|E|``: the mean
  DOS below ``m/10`` relative to the mean DOS below ``m``. A DOS flat near zero gives
  ``rho ~ 1``, a linear gap ``rho ~ 0.1``, an empty gap 0. It is scale free, so curves whose
  widths differ by 100x compare directly; "the gap diminishes" means ``rho`` grows, "the gap
  deepens" means ``rho`` falls. Both come from the ``log10|E|`` histogram (0.05 decade bins).
- **lambda_min**: the lower plateau edge of the log-rate density
  (:func:`glasslib.measures.plateau_cutoffs`, the rule of :func:`glasslib.analysis.plateau_edges`).

Verdict rules (mechanical; ``SIGMAS = 2``). A trend claim compares the first and last curve of a
scheme, ordered along the paper's direction (``W`` up, or ``J/W`` up), with the change ``delta``
and its error ``err`` (the two bootstrap errors in quadrature); the measured sign is ``+``/``-``
when ``|delta| > 2 err`` and ``0`` otherwise (:func:`glasslib.rules.shift_sign` for
``lambda_min``). Then:

- **reproduced**: the measured sign is the claimed one and no intermediate step goes the other way
  by more than 2 err;
- **partly**: the measured sign is the claimed one but an intermediate step goes significantly the
  other way, or the measured sign is ``0`` with ``delta`` in the claimed direction;
- **not reproduced**: otherwise (a significant change the other way, or no significant change
  with ``delta`` the other way).

Fig. 6's caption also says the rates for ``W = 10`` "are similar to those of ``W = 1``":
reproduced if the ``W = 1 -> 10`` shift of ``lambda_min`` is not significant (sign ``0``), partly
if it is significant but smaller than half the ``W = 1 -> 100`` shift, not reproduced otherwise.

The DOS shape is :func:`glasslib.measures.dos_shape`, the trend rule
:func:`glasslib.rules.trend` with :func:`glasslib.rules.direction_verdict`; the claim builders
here are shared with :mod:`glasslib.verdicts.sec5`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import summaries as S
from ..formatting import curve_name, pm
from ..measures import DosShape, cutoffs, dos_shape, energy_and_rate_shifts, ordered
from ..rules import SIGMAS, direction_verdict, trend
from . import Claim, print_claims, replicated, show_claims

__all__ = [
    "DISORDER",
    "INTERACTION",
    "SIGMAS",
    "DosShape",
    "dos_shape",
    "Scheme",
    "SCHEMES",
    "scheme_claims",
    "print_energy_and_rate_shifts",
    "claims",
    "print_claims",
    "show_claims",
]

DISORDER = "fig04_06_tg_disorder"
INTERACTION = "fig05_07_tg_interaction"


# --------------------------------------------------------------------------- ordering, trends


def dos_trend_claims(curves: dict, key: str, figure: str, target: str, *, width_statement: str,
                     gap_statement: str, gap_claimed: str) -> list[Claim]:
    """The two DOS claims of a scheme: the width (median |E|) grows, and the gap ratio moves in
    the ``gap_claimed`` direction (``+``: the gap diminishes, ``-``: it deepens)."""
    items = ordered(curves, key)
    shapes = [(label, r, dos_shape(r)) for label, r in items]
    names = [curve_name(r, key) for _, r, _ in shapes]
    out = []
    med = [s.median_abs_E for *_, s in shapes]
    med_err = [s.median_err for *_, s in shapes]
    sign, delta, err, rev = trend(med, med_err)
    verdict, why = direction_verdict(sign, delta, "+", reversed_steps=rev, what="median |E|")
    measured = "median |E|: " + ", ".join(f"{n} {pm(m, e)}" for n, m, e in
                                         zip(names, med, med_err, strict=False))
    out.append(Claim(figure, width_statement, measured, verdict, why, target))
    gap = [s.gap_ratio for *_, s in shapes]
    gap_err = [s.gap_err for *_, s in shapes]
    sign, delta, err, rev = trend(gap, gap_err)
    verdict, why = direction_verdict(sign, delta, gap_claimed, reversed_steps=rev,
                                     what="the gap ratio rho")
    measured = "rho: " + ", ".join(f"{n} {pm(g, e)}"
                                   for n, g, e in zip(names, gap, gap_err, strict=False))
    change = f"; change {'+' if delta >= 0 else ''}{pm(delta, err)}"
    out.append(Claim(figure, gap_statement, measured + change,
                     verdict, why, target))
    return out


def rate_shift_claim(curves: dict, key: str, figure: str, target: str, statement: str,
                     claimed: str, cuts: dict | None = None) -> Claim:
    """lambda_min of every curve and the sign of its shift from the first to the last curve along
    ``key`` (:func:`glasslib.rules.shift_sign`, 2 sigma), against the ``claimed`` sign."""
    items = ordered(curves, key)
    cuts = cuts or cutoffs(curves)
    c = [cuts[label] for label, _ in items]
    names = [curve_name(r, key) for _, r in items]
    sign, shift, err = S.shift_sign(c[0], c[-1], sigmas=SIGMAS)
    _, _, _, rev = trend([x.log10_min for x in c], [x.log10_min_err for x in c])
    verdict, why = direction_verdict(sign, shift, claimed, reversed_steps=rev,
                                     what="log10 lambda_min")
    measured = ("log10 lambda_min: "
                + ", ".join(f"{n} {pm(x.log10_min, x.log10_min_err)}"
                            for n, x in zip(names, c, strict=False))
                + f"; shift {names[0]} -> {names[-1]}: {'+' if shift >= 0 else ''}"
                  f"{pm(shift, err)} decades (sign {sign})")
    return Claim(figure, statement, measured, verdict, why, target)


def print_energy_and_rate_shifts(curves: dict, key: str) -> None:
    """Print :func:`energy_and_rate_shifts` on one fixed-format line each."""
    d = energy_and_rate_shifts(curves, key)
    print(f"{d['change']}:")
    print(f"  shift of log10 median|E|   {pm(*d['median_abs_E'])} decades")
    print(f"  shift of log10 lambda_min  {pm(*d['lambda_min'])} decades")


# --------------------------------------------------------------------------- the claims


@dataclass(frozen=True)
class Scheme:
    """One parameter scan of the paper: two DOS claims (width, gap) and a rate-shift claim."""

    experiment: str
    key: str  # the direction of the scan: "W" or "J/W" (see ordered)
    dos_figure: str
    dos_target: str
    width_statement: str
    gap_statement: str
    gap_claimed: str  # '+': the gap diminishes, '-': it deepens
    rate_figure: str
    rate_target: str
    rate_statement: str
    rate_claimed: str  # '+': faster, '-': slower


def scheme_claims(scheme: Scheme, curves: dict, cuts: dict | None = None) -> list[Claim]:
    """The DOS-width, gap and lambda_min claims of one scan (rules: module docstring)."""
    out = dos_trend_claims(curves, scheme.key, scheme.dos_figure, scheme.dos_target,
                           width_statement=scheme.width_statement,
                           gap_statement=scheme.gap_statement, gap_claimed=scheme.gap_claimed)
    out.append(rate_shift_claim(curves, scheme.key, scheme.rate_figure, scheme.rate_target,
                                scheme.rate_statement, scheme.rate_claimed, cuts))
    return out


SCHEMES = (
    Scheme(DISORDER, "W", "Fig. 4", "fig-tg-dos-disorder",
           "For increasing disorder the DOS broadens",
           "For increasing disorder ... the gap diminishes", "+",
           "Fig. 6", "fig-tg-rates-disorder",
           "For increasing W the rates distributions are shifted to higher values", "+"),
    Scheme(INTERACTION, "J/W", "Fig. 5", "fig-tg-dos-interaction",
           "With increasing J/W (W^2 + J^2 = 2) the DOS broadens",
           "With increasing J/W ... a deepening of the gap", "-",
           "Fig. 7", "fig-tg-rates-interaction",
           "For increasing J/W the rates distributions are shifted to higher values", "+"),
)


def _w10_similar_claim(curves: dict, cuts: dict) -> Claim:
    items = ordered(curves, "W")
    c = [cuts[label] for label, _ in items]
    _, full, _ = S.shift_sign(c[0], c[-1], sigmas=SIGMAS)
    sign, shift, err = S.shift_sign(c[0], c[1], sigmas=SIGMAS)
    names = [curve_name(r, "W") for _, r in items]
    measured = (f"shift {names[0]} -> {names[1]}: {'+' if shift >= 0 else ''}"
                f"{pm(shift, err)} decades; "
                f"{names[0]} -> {names[-1]}: {full:+.2f}")
    if sign == "0":
        verdict, why = "reproduced", f"no significant shift ({SIGMAS:g} sigma) from W=1 to W=10"
    elif abs(shift) < 0.5 * abs(full):
        verdict, why = "partly", "a significant shift, but less than half of the W=1 -> 100 shift"
    else:
        verdict, why = "not reproduced", ("the W=1 -> 10 shift is significant and at least half "
                                          "of the W=1 -> 100 shift")
    return Claim("Fig. 6", "The values for W = 10 are similar to those of W = 1", measured,
                 verdict, why, "fig-tg-rates-disorder")


@replicated
def claims(data: dict) -> list[Claim]:
    """The claims of Sec. IV, for whichever of its experiments ``data`` holds (rules: module
    docstring). ``data`` maps experiment names to ``{label: EnsembleResult}``."""
    out = []
    for scheme in SCHEMES:
        if scheme.experiment in data:
            curves = data[scheme.experiment]
            cuts = cutoffs(curves)
            out += scheme_claims(scheme, curves, cuts)
            if scheme.experiment == DISORDER:
                out.append(_w10_similar_claim(curves, cuts))
    return out
