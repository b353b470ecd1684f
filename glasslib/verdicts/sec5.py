"""Sec. V of the paper: the electron glass (EG) next to the TLS glass (TG), and Table I.

Experiments: ``fig08_eg_dos`` (Coulomb gap), ``fig09_eg_rates`` (rates of Eq. 23 without its
interaction term), ``fig10_11_eg_disorder``, ``fig12_13_eg_interaction``, and for Table I also
``fig14_15_eg_size``, ``tableI_tg_size``, ``fig04_06_tg_disorder``, ``fig05_07_tg_interaction``.
The TG plateau of Fig. 3 comes from ``fig03_tg_rates`` when present, else from the ``W = 1`` curve
of ``fig04_06_tg_disorder`` (same W = J = 1, T = 0.1; N = 1000 instead of 10^4).

Measured quantities and verdict rules (mechanical; ``SIGMAS = 2`` combined standard errors; every
error is a bootstrap over realizations with a fixed seed, or a fit's standard error):

- **Fig. 8, linear Coulomb gap.** ``C(eps)``, the fraction of sites with ``|E| < eps``, is fitted
  as ``eps^(p+1)`` (least squares in log-log at the 0.05-decade edges of the ``log10|E|``
  histogram) on ``2T <= eps <= W/2``: below ``2T`` temperature fills the gap (the paper says so),
  above ``W/2`` is the bare band edge. ``p`` is the DOS exponent, ``g ~ |E|^p``. Reproduced if 1
  is the nearest of the candidate laws 0 (no gap), 1 (2D Efros-Shklovskii) and 2 (3D ES) by more
  than 2 sigma (``|p - 1| + 2 err < 0.5``); partly if 1 is the nearest (``|p - 1| < 0.5``); not
  reproduced otherwise.
- **Fig. 8, finite DOS at low energy.** ``r0`` = mean DOS over ``|E| < T`` over the maximum of
  the DOS. Reproduced if ``r0 > 2 err`` (finite) and ``r0 < 1/4`` (still a gap); partly if finite
  but ``r0 >= 1/4``; not reproduced if not finite.
- **Fig. 9, 1/lambda law.** Binned maximum-likelihood fit of ``lambda^-alpha`` between the plateau
  cutoffs (:func:`glasslib.measures.fit_power_law_binned`), and the flatness ``v``: max / min of
  the log-rate density over the inner half of the plateau (:func:`inner_variation`). The
  exponent alone cannot tell a flat plateau from a hump that is symmetric in log lambda, hence
  the second test: ``v = 1`` for a 1/lambda plateau, about 1.2-1.25 for a Gaussian hump in
  log lambda of any width. Reproduced if ``|alpha - 1| <= 0.1 + 2 err`` and ``v <= 1.1``
  (halfway); partly if ``|alpha - 1| <= 0.1 + 2 err`` but ``v > 1.1`` (1/lambda on average
  over a hump), or if ``|alpha - 1| <= 0.25 + 2 err``; not reproduced otherwise.
  (The tolerances are systematic: the plateau edges are soft, and with 10^6 rates the
  statistical error alone would reject any real histogram.)
- **Sec. V C, the EG plateau is narrower.** Plateau width ``w = log10(lambda_max/lambda_min)``
  (error: the two cutoff errors in quadrature). Reproduced if ``w_TG - w_EG > 2 err`` and
  ``w_TG >= 2 w_EG`` ("much wider"); partly if only the first holds; not reproduced otherwise.
- **Figs. 10-13** use the DOS-width, gap-ratio and lambda_min trend rules of
  :mod:`glasslib.verdicts.sec4`.
- **Table I**: see :func:`table_one`.

EG spectra: every realization drops the conservation (zero) mode and the eigenvalues below the
rounding floor of the dense eigensolver (``glasslib.drop_unresolved``; rule in
``book/conventions.md``); :func:`dropped_modes` counts them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .. import summaries as S
from ..formatting import curve_name, pm
from ..measures import (
    BOOTSTRAP,
    BOOTSTRAP_SEED,
    coulomb_gap,
    dos_shape,
    inner_variation,
    inverse_lambda_fit,
    ordered,
    plateau_width,
)
from ..rules import SIGMAS, sign_verdict
from . import Claim, print_claims, replicated, show_claims
from .sec4 import Scheme, scheme_claims

__all__ = [
    "EG_DOS",
    "EG_RATES",
    "EG_DISORDER",
    "EG_INTERACTION",
    "EG_SIZE",
    "TG_RATES",
    "TG_DISORDER",
    "TG_INTERACTION",
    "TG_SIZE",
    "PAPER_TABLE_ONE",
    "TableOneCell",
    "table_one",
    "print_table_one",
    "table_one_claims",
    "size_scan",
    "print_size_scan",
    "dropped_modes",
    "print_dropped_modes",
    "claims",
    "print_claims",
    "show_claims",
]

EG_DOS = "fig08_eg_dos"
EG_RATES = "fig09_eg_rates"
EG_DISORDER = "fig10_11_eg_disorder"
EG_INTERACTION = "fig12_13_eg_interaction"
EG_SIZE = "fig14_15_eg_size"
TG_RATES = "fig03_tg_rates"
TG_DISORDER = "fig04_06_tg_disorder"
TG_INTERACTION = "fig05_07_tg_interaction"
TG_SIZE = "tableI_tg_size"

#: Table I of the paper: (model, quantity) -> sign ('+' faster, '-' slower relaxation)
PAPER_TABLE_ONE = {
    ("EG", "disorder"): "+", ("EG", "interaction"): "-", ("EG", "system size"): "-",
    ("TG", "disorder"): "+", ("TG", "interaction"): "+", ("TG", "system size"): "-",
}
#: which experiment and which direction (parameter key of sec4.ordered) makes each Table I cell
TABLE_ONE_SOURCES = {
    ("EG", "disorder"): (EG_DISORDER, "W", "Fig. 11", "fig-eg-rates-disorder"),
    ("EG", "interaction"): (EG_INTERACTION, "J/W", "Fig. 13", "fig-eg-rates-interaction"),
    ("EG", "system size"): (EG_SIZE, "N", "Fig. 15", ""),
    ("TG", "disorder"): (TG_DISORDER, "W", "Fig. 6", "fig-tg-rates-disorder"),
    ("TG", "interaction"): (TG_INTERACTION, "J/W", "Fig. 7", "fig-tg-rates-interaction"),
    ("TG", "system size"): (TG_SIZE, "N", "not shown", ""),
}
QUANTITIES = ("disorder", "interaction", "system size")
#: plateau-edge thresholds (fractions of the plateau level) of the lambda_min-rule check
OTHER_THRESHOLDS = (0.25, 0.75)


# --------------------------------------------------------------------------- Fig. 8


def _fig8_claims(result) -> list[Claim]:
    g = coulomb_gap(result)
    dist = abs(g.p - 1.0)
    if dist + SIGMAS * g.p_err < 0.5:
        verdict, why = "reproduced", "p is closest to 1 (not 0 or 2) by more than 2 sigma"
    elif dist < 0.5:
        verdict, why = "partly", "p is closest to 1 of the laws 0, 1, 2, but not by 2 sigma"
    else:
        verdict, why = "not reproduced", "p is closer to 0 (no gap) or 2 (3D law) than to 1"
    out = [Claim("Fig. 8", "The numerical solution in 2D gives a linear density of states for "
                 "low energies",
                 f"DOS exponent p = {pm(g.p, g.p_err)} (g ~ |E|^p, fitted on "
                 f"{g.lo:.2g} <= |E| <= {g.hi:.2g})", verdict, why, "fig-eg-dos")]
    if g.r0 > SIGMAS * g.r0_err and g.r0 < 0.25:
        verdict, why = "reproduced", "the DOS below T is finite and below a quarter of its maximum"
    elif g.r0 > SIGMAS * g.r0_err:
        verdict, why = "partly", "the DOS below T is finite but not small: no clear gap at T"
    else:
        verdict, why = "not reproduced", "no significant DOS below T"
    out.append(Claim("Fig. 8", "Finite temperature introduces a finite DOS at correspondingly low "
                     "energies", f"mean DOS over |E| < T / max DOS = {pm(g.r0, g.r0_err, 3)}",
                     verdict, why, "fig-eg-dos"))
    return out


# --------------------------------------------------------------------------- Fig. 9


def _tg_reference(data):
    if TG_RATES in data:
        (label, result), = list(data[TG_RATES].items())[:1]
        return result, f"TG Fig. 3 ensemble ({TG_RATES}, N={result.meta['params']['N']})"
    if TG_DISORDER in data:
        for label, result in data[TG_DISORDER].items():
            if result.meta["params"]["W"] == 1.0:
                return result, (f"TG {TG_DISORDER} {label} (N={result.meta['params']['N']}; "
                                f"{TG_RATES} not available)")
    return None, ""


def _fig9_claims(data) -> list[Claim]:
    (_, eg), = list(data[EG_RATES].items())[:1]
    cut = S.plateau_cutoffs(eg, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)
    fit = inverse_lambda_fit(eg, cut)
    dev = abs(fit.alpha - 1.0)
    v = inner_variation(eg, cut)
    if dev <= 0.1 + SIGMAS * fit.alpha_err and v <= 1.1:
        verdict, why = "reproduced", "|alpha - 1| <= 0.1 (+ 2 sigma) and a flat plateau (v <= 1.1)"
    elif dev <= 0.1 + SIGMAS * fit.alpha_err:
        verdict, why = "partly", ("1/lambda on average (alpha ~ 1), but the log-density is a "
                                  "hump, not a flat plateau (v > 1.1)")
    elif dev <= 0.25 + SIGMAS * fit.alpha_err:
        verdict, why = "partly", "0.1 < |alpha - 1| <= 0.25: close to, but not, a 1/lambda law"
    else:
        verdict, why = "not reproduced", "|alpha - 1| > 0.25: not a 1/lambda law"
    out = [Claim("Fig. 9", "The EG rates (Eq. 23 without the interaction term) follow a 1/lambda "
                 "distribution",
                 f"alpha = {pm(fit.alpha, fit.alpha_err, 3)} on lambda in "
                 f"[{cut.lambda_min:.2g}, {cut.lambda_max:.2g}] ({fit.n} rates); max/min of the "
                 f"log-density over the inner half of the plateau v = {v:.3f}",
                 verdict, why, "fig-eg-rates")]
    tg, where = _tg_reference(data)
    if tg is not None:
        w_eg, e_eg = plateau_width(cut)
        tg_cut = S.plateau_cutoffs(tg, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)
        w_tg, e_tg = plateau_width(tg_cut)
        diff, err = w_tg - w_eg, float(np.hypot(e_eg, e_tg))
        if diff > SIGMAS * err and w_tg >= 2 * w_eg:
            verdict, why = "reproduced", "the TG plateau is significantly and at least 2x wider"
        elif diff > SIGMAS * err:
            verdict, why = "partly", "the TG plateau is significantly wider, but less than 2x"
        else:
            verdict, why = "not reproduced", "the TG plateau is not significantly wider"
        out.append(Claim("Sec. V C", "The range of the 1/lambda form is much wider in the TG model "
                         "(Fig. 3) than in the EG (Fig. 9)",
                         f"plateau widths: EG {pm(w_eg, e_eg)} decades, TG "
                         f"{pm(w_tg, e_tg)} decades [{where}]; inner-half max/min v: EG "
                         f"{inner_variation(eg, cut):.3f}, TG {inner_variation(tg, tg_cut):.3f}",
                         verdict, why, "fig-eg-rates"))
    return out


# --------------------------------------------------------------------------- Figs. 10-13

EG_SCHEMES = (
    Scheme(EG_DISORDER, "W", "Fig. 10", "fig-eg-dos-disorder",
           "For increasing disorder the EG DOS broadens",
           "For increasing disorder ... the gap diminishes", "+",
           "Fig. 11", "fig-eg-rates-disorder",
           "For increasing disorder the EG rates shift to higher values", "+"),
    Scheme(EG_INTERACTION, "J/W", "Fig. 12", "fig-eg-dos-interaction",
           "For increasing interactions (J/W, W^2 + J^2 = 2) the EG DOS broadens",
           "For increasing interactions ... the gap deepens", "-",
           "Fig. 13", "fig-eg-rates-interaction",
           "For increasing interactions the EG rates shift to lower values, opposite to the TG",
           "-"),
)


# --------------------------------------------------------------------------- Table I


@dataclass(frozen=True)
class TableOneCell:
    """One cell of Table I: the sign of the shift of log10(lambda_min) when a quantity grows."""

    model: str  # "EG" or "TG"
    quantity: str  # "disorder", "interaction" or "system size"
    experiment: str  # the ensembles it comes from
    change: str  # e.g. "W=1 -> W=10"
    paper_sign: str  # '+' faster, '-' slower
    sign: str  # measured: '+', '-' or '0' (within SIGMAS combined errors)
    shift: float  # log10(lambda_min) after - before, decades
    err: float  # its standard error (bootstrap over realizations, in quadrature)
    verdict: str  # one of glasslib.verdicts.VERDICTS
    why: str
    figure: str  # the paper's figure showing it ("not shown" for the TG size column)
    target: str  # MyST label of our figure ('' if this page has none)
    other_thresholds: str = ""  # signs with the plateau edge at 1/4 and 3/4 of the level

    def as_dict(self) -> dict:
        return asdict(self)


def table_one(data: dict, *, bootstrap: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED
              ) -> list[TableOneCell]:
    """Recompute the paper's Table I from the ensembles in ``data``.

    ``data`` maps experiment names to ``{label: EnsembleResult}`` (what the notebooks load). For
    each of the six cells (EG, TG) x (disorder, interaction, system size) whose experiment is in
    ``data``, the curves are ordered along the paper's direction (``W`` up; ``J/W`` up at fixed
    ``W^2 + J^2 = 2``; ``N`` up at fixed density) and the shift of ``log10 lambda_min`` from the
    first to the last curve is measured with :func:`glasslib.measures.plateau_cutoffs`
    (bootstrap over realizations) and signed with :func:`glasslib.rules.shift_sign`
    (``SIGMAS = 2`` combined standard errors). Sources: EG ``fig10_11_eg_disorder`` (W = 1 -> 10),
    ``fig12_13_eg_interaction`` (W/J = sqrt 97 -> 1), ``fig14_15_eg_size`` (N = 10 -> 1000);
    TG ``fig04_06_tg_disorder`` (W = 1 -> 100), ``fig05_07_tg_interaction`` (W/J = 9.8 -> 1),
    ``tableI_tg_size`` (N = 100 -> 10^4).

    Verdict per cell: **reproduced** if the measured sign equals the paper's; **partly** if it is
    ``0`` with the central shift in the paper's direction; **not reproduced** otherwise. As a
    check of the lambda_min rule (not used in the verdict), ``other_thresholds`` gives the signs
    when the plateau edge is taken at 1/4 and at 3/4 of the plateau level instead of 1/2.

    Returns the cells in the order EG then TG, each disorder, interaction, system size (cells
    whose experiment is missing are left out).
    """
    rows = []
    for (model, quantity), paper in PAPER_TABLE_ONE.items():
        experiment, key, figure, target = TABLE_ONE_SOURCES[(model, quantity)]
        if experiment not in data:
            continue
        items = ordered(data[experiment], key)
        (_first_label, first), (_last_label, last) = items[0], items[-1]
        c0 = S.plateau_cutoffs(first, bootstrap=bootstrap, seed=seed)
        c1 = S.plateau_cutoffs(last, bootstrap=bootstrap, seed=seed)
        sign, shift, err = S.shift_sign(c0, c1, sigmas=SIGMAS)
        verdict, why = sign_verdict(sign, shift, paper)
        other = " ".join(
            S.shift_sign(*(S.plateau_cutoffs(r, fraction=f, bootstrap=bootstrap, seed=seed)
                           for r in (first, last)), sigmas=SIGMAS)[0]
            for f in OTHER_THRESHOLDS)
        rows.append(TableOneCell(model, quantity, experiment,
                                 f"{curve_name(first, key)} -> {curve_name(last, key)}",
                                 paper, sign, float(shift), float(err), verdict, why, figure,
                                 target, other))
    return rows


def print_table_one(rows: list[TableOneCell]) -> None:
    """Print the recomputed Table I next to the paper's, then one line per cell."""
    got = {(r.model, r.quantity): r for r in rows}
    head = "".join(f"{q:>13}" for q in QUANTITIES)
    print(f"Table I: sign of the shift of lambda_min as the quantity grows "
          f"(+ faster, - slower, 0 within {SIGMAS:g} sigma)")
    print(f"{'':6}{'paper':>8}{head}   |{'ours':>6}{head}")
    for model in ("EG", "TG"):
        paper = "".join(f"{PAPER_TABLE_ONE[(model, q)]:>13}" for q in QUANTITIES)
        ours = "".join(f"{(got[(model, q)].sign if (model, q) in got else 'n/a'):>13}"
                       for q in QUANTITIES)
        print(f"{model:6}{'':8}{paper}   |{'':6}{ours}")
    print()
    print(f"{'model':6}{'quantity':13}{'change':24}{'paper':>6}{'ours':>6}"
          f"{'shift [decades]':>19}{'at 1/4, 3/4':>13}   verdict")
    for r in rows:
        print(f"{r.model:6}{r.quantity:13}{r.change:24}{r.paper_sign:>6}{r.sign:>6}"
              f"{r.shift:>+10.2f} +- {r.err:<5.2f}{r.other_thresholds:>13}   {r.verdict}")


def table_one_claims(rows: list[TableOneCell]) -> list[Claim]:
    """The Table I cells as :class:`~glasslib.verdicts.Claim` rows (target ``table-one``)."""
    word = {"+": "faster", "-": "slower"}
    return [Claim(f"Table I ({r.model}, {r.quantity})",
                  f"Increasing the {r.quantity} makes the {r.model} relaxation "
                  f"{word[r.paper_sign]} ({r.paper_sign})",
                  f"{r.change}: log10 lambda_min shifts {'+' if r.shift >= 0 else ''}"
                  f"{pm(r.shift, r.err)} decades "
                  f"(sign {r.sign})", r.verdict, r.why, "table-one")
            for r in rows]


def size_scan(curves: dict, d: int) -> list[dict]:
    """Per curve of a system-size scan (sorted by N): the box side ``L`` and site density
    ``N / L^d`` of the box actually used, the median |E| and log10 lambda_min (bootstrap errors).

    With the default ``lattice`` convention ``L = r_nn (N^(1/d) - 1)``, the density approaches
    1 only for large N: a size scan is also a (small) density scan. A diagnostic, not a claim.
    """
    from ..geometry import box_side

    rows = []
    for label, r in ordered(curves, "N"):
        p = r.meta["params"]
        L = box_side(int(p["N"]), d, float(p.get("r_nn", 1.0)),
                     p.get("r_nn_convention", "lattice"))
        shape = dos_shape(r)
        cut = S.plateau_cutoffs(r, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)
        rows.append(dict(label=label, N=int(p["N"]), L=L, density=int(p["N"]) / L**d,
                         median_abs_E=(shape.median_abs_E, shape.median_err),
                         log10_lambda_min=(cut.log10_min, cut.log10_min_err)))
    return rows


def print_size_scan(curves: dict, d: int) -> None:
    """Print :func:`size_scan` as a fixed-format table."""
    print(f"{'N':>7}{'L':>9}{'N/L^d':>8}{'median |E|':>22}{'log10 lambda_min':>22}")
    for row in size_scan(curves, d):
        print(f"{row['N']:>7}{row['L']:>9.2f}{row['density']:>8.3f}"
              f"{pm(*row['median_abs_E'], 3):>22}{pm(*row['log10_lambda_min']):>22}")


# --------------------------------------------------------------------------- dropped modes


def dropped_modes(data: dict) -> list[dict]:
    """Per EG rate ensemble in ``data``: the modes computed, the conservation (zero) modes and
    the unresolved eigenvalues dropped (``glasslib.drop_unresolved``), and the rates left."""
    rows = []
    for experiment in (EG_RATES, EG_DISORDER, EG_INTERACTION, EG_SIZE):
        for label, r in data.get(experiment, {}).items():
            if "unresolved_modes" not in r.data:
                continue
            N, R = int(r.meta["params"]["N"]), r.realizations
            unresolved = int(r.data["unresolved_modes"].sum())
            rows.append(dict(experiment=experiment, label=label, N=N, realizations=R,
                             modes=N * R, conservation=R, unresolved=unresolved,
                             kept=N * R - R - unresolved,
                             nonpositive_kept=int(r.data["rate_nonpositive"].sum())))
    return rows


def print_dropped_modes(rows: list[dict]) -> None:
    """Print :func:`dropped_modes` as a fixed-format table."""
    print(f"{'experiment':26}{'curve':13}{'N':>6}{'realiz.':>9}{'modes':>10}"
          f"{'zero mode':>11}{'unresolved':>12}{'kept':>10}")
    for d in rows:
        print(f"{d['experiment']:26}{d['label']:13}{d['N']:>6}{d['realizations']:>9}"
              f"{d['modes']:>10}{d['conservation']:>11}{d['unresolved']:>12}{d['kept']:>10}")


# --------------------------------------------------------------------------- the claims


@replicated
def claims(data: dict) -> list[Claim]:
    """The claims of Sec. V and Table I, for whichever experiments ``data`` holds (rules: module
    docstring and :func:`table_one`)."""
    out = []
    if EG_DOS in data:
        (_, r), = list(data[EG_DOS].items())[:1]
        out += _fig8_claims(r)
    if EG_RATES in data:
        out += _fig9_claims(data)
    for scheme in EG_SCHEMES:
        if scheme.experiment in data:
            out += scheme_claims(scheme, data[scheme.experiment])
    out += table_one_claims(table_one(data))
    return out
