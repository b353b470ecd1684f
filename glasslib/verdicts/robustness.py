"""How robust is Table I? Every cell recomputed under each choice the paper leaves open, one
choice at a time from the book's default (plus the authors' combination), and Appendix A redone
at constant density.

Experiments: the book's Table I ensembles (:data:`glasslib.experiments.TABLE_ONE_CELLS`) for the
default, and ``robust_<glass>_<choice>`` (:data:`glasslib.experiments.ROBUSTNESS_VARIANTS`) for
each other choice: the two end curves of each cell (labels ``"<quantity>: <curve>"``), and for
the constant-density (``poisson``) choice the whole size scan. ``robust_eg_distance_poisson`` is
Fig. 16's distance-only model at constant density.

**Choices** (one at a time): the r_nn convention (``lattice``, the default, whose box is not at
constant density: N/L^3 falls from 2.07 to 1.15 between N = 100 and 10^4; ``poisson``, constant
density); the mean-field solution (the quench of the paper's text, the default; annealed down a
ladder from 20 T, the authors' code); the size scan at density 1 (``density_one``: the size
column only); for the TLS glass the prefactor of Eq. (4) (1/4 as
printed, the default; 1/2, the variational derivative of Eq. (1); 1, the authors' code), the
field of Eq. (4) (tanh(Delta'/2T), the default; tanh(E/2T), the authors' code), and the authors'
combination (1, tanh(E/2T), annealed); and the lambda_min rule, on the default ensembles:

- ``half``: the book's rule, the lower edge where the log-rate density falls below half its
  plateau level (:func:`glasslib.measures.plateau_cutoffs`);
- ``tenth``: the same edge at a tenth of the plateau level, further into the slow tail;
- ``quantile``: the 5 % quantile of the rates (:func:`glasslib.measures.quantile_cutoffs`),
  which follows the slow tail itself rather than the plateau.

**Sign** of each cell under each choice: the shift of ``log10 lambda_min`` from the first to the
last curve in the paper's direction (W up; J/W up at fixed W^2 + J^2; N up), '+' or '-' when it
exceeds ``SIGMAS`` combined bootstrap errors, else '0' (:func:`glasslib.rules.shift_sign`).

**Verdict** per cell (the report's robustness claims): *reproduced* ("robust") if the paper's
sign is measured under every choice; *partly* ("depends on ...") if under some; *not reproduced*
if under none. Like every claim, it is *undecided* when the two halves of the ensembles do not
both give it (:func:`glasslib.verdicts.replicated`).

**Appendix A at constant density**: the rules of :mod:`glasslib.verdicts.appA`, applied to the
EG size scan (N = 10, 100, 1000) and distance-only spectra at density 1 (``density_one``: the
density the default box tends to at large N, so that only the density change is removed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..experiments import ROBUSTNESS_ALIASES, ROBUSTNESS_VARIANTS, TABLE_ONE_CELLS
from ..formatting import pm
from ..measures import ordered, plateau_cutoffs, quantile_cutoffs
from ..rules import SIGMAS, shift_sign
from . import Claim, appA, print_claims, replicated, show_claims
from .sec5 import PAPER_TABLE_ONE, TABLE_ONE_SOURCES

__all__ = [
    "RULES",
    "CHOICES",
    "RobustCell",
    "robustness_table",
    "cell_summary",
    "cell_curves",
    "CHOICE_NAMES",
    "PAPER_TABLE_ONE",
    "constant_density_data",
    "claims",
    "print_claims",
    "show_claims",
]

BOOTSTRAP = 200
BOOTSTRAP_SEED = 0

#: the lambda_min rules: name -> (description, cutoff function)
RULES = {
    "half": ("lambda_min at 1/2 of the plateau level (the book's rule)",
             lambda r: plateau_cutoffs(r, fraction=0.5, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)),
    "tenth": ("lambda_min at 1/10 of the plateau level",
              lambda r: plateau_cutoffs(r, fraction=0.1, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)),
    "quantile": ("lambda_min as the 5% quantile of the rates",
                 lambda r: quantile_cutoffs(r, 0.05, bootstrap=BOOTSTRAP, seed=BOOTSTRAP_SEED)),
}

#: every (choice, rule) a cell is recomputed under: the default with each rule, each other
#: choice with the book's rule
CHOICES = ([("default", rule) for rule in RULES]
           + [(variant, "half") for variant in ROBUSTNESS_VARIANTS])

#: short names of the choices, for tables
CHOICE_NAMES = {
    "default": "default", "poisson": "constant density", "annealed": "annealed solution",
    "prefactor_half": "prefactor 1/2", "prefactor_one": "prefactor 1",
    "field_energy": "tanh(E/2T)", "authors": "authors' code", "density_one": "density 1",
}


@dataclass(frozen=True)
class RobustCell:
    """One Table I cell under one (choice, rule)."""

    model: str
    quantity: str
    choice: str
    rule: str
    change: str
    paper_sign: str
    sign: str
    shift: float
    err: float

    @property
    def agrees(self) -> bool:
        return self.sign == self.paper_sign


def cell_curves(data: dict, model: str, quantity: str, choice: str) -> dict | None:
    """``{curve label: EnsembleResult}`` of one Table I cell under ``choice`` (None if its
    experiment is not in ``data``)."""
    if choice == "default":
        return data.get(TABLE_ONE_CELLS[(model, quantity)])
    name = f"robust_{model.lower()}_{choice}"
    if name not in data:
        return None
    curves = dict(data[name])
    for alias, label in ROBUSTNESS_ALIASES.get(name, {}).items():
        if label in curves:
            curves[alias] = curves[label]
    prefix = f"{quantity}: "
    return {label[len(prefix):]: r for label, r in curves.items() if label.startswith(prefix)}


def robustness_table(data: dict) -> list[RobustCell]:
    """Every Table I cell under every (choice, rule) of :data:`CHOICES` whose ensembles are in
    ``data`` (module doc); cells in the order of the paper's table."""
    out = []
    for (model, quantity), paper in PAPER_TABLE_ONE.items():
        key = TABLE_ONE_SOURCES[(model, quantity)][1]
        for choice, rule in CHOICES:
            if choice != "default" and model not in ROBUSTNESS_VARIANTS[choice][0]:
                continue
            curves = cell_curves(data, model, quantity, choice)
            if not curves or len(curves) < 2:
                continue
            items = ordered(curves, key)
            (first_label, first), (last_label, last) = items[0], items[-1]
            cutoff = RULES[rule][1]
            sign, shift, err = shift_sign(cutoff(first), cutoff(last), sigmas=SIGMAS)
            out.append(RobustCell(model, quantity, choice, rule,
                                  f"{first_label} -> {last_label}", paper, sign, float(shift),
                                  float(err)))
    return out


def _choice_name(c: RobustCell) -> str:
    if c.choice == "default":
        return "default" if c.rule == "half" else f"rule: {RULES[c.rule][0]}"
    return CHOICE_NAMES[c.choice]


def cell_summary(cells: list[RobustCell]) -> str:
    """``robust``, ``depends on ...`` or ``none`` for the cells of one Table I entry."""
    against = [_choice_name(c) for c in cells if not c.agrees]
    if not against:
        return "robust"
    if len(against) == len(cells):
        return "none"
    return "depends on: " + ", ".join(against)


def constant_density_data(data: dict, choice: str = "density_one") -> dict:
    """The constant-density EG size scan and distance-only spectra (``choice``: at density 1,
    or ``"poisson"``) under the names Appendix A's rules read (the sizes both have)."""
    size = cell_curves(data, "EG", "system size", choice) or {}
    dist = data.get(f"robust_eg_distance_{choice}", {})
    common = ({r.meta["params"]["N"] for r in size.values()}
              & {r.meta["params"]["N"] for r in dist.values()})
    return {appA.SIZE: {k: r for k, r in size.items() if r.meta["params"]["N"] in common},
            appA.DISTANCE: {k: r for k, r in dist.items() if r.meta["params"]["N"] in common}}


@replicated
def claims(data: dict) -> list[Claim]:
    """One claim per Table I cell (its sign under every choice) and Appendix A's claims at
    constant density (rules: module doc)."""
    table = robustness_table(data)
    out = []
    for (model, quantity), paper in PAPER_TABLE_ONE.items():
        cells = [c for c in table if (c.model, c.quantity) == (model, quantity)]
        if len(cells) < 2:
            continue
        summary = cell_summary(cells)
        agree = sum(c.agrees for c in cells)
        verdict = ("reproduced" if agree == len(cells) else
                   "not reproduced" if agree == 0 else "partly")
        measured = "; ".join(f"{_choice_name(c)}: {c.sign} ({pm(c.shift, c.err, signed=True)})"
                             for c in cells)
        out.append(Claim(
            f"Table I robustness ({model}, {quantity})",
            f"The sign of Table I ({model}, {quantity}: {paper}) does not depend on the choices "
            "the paper leaves open.",
            measured, verdict,
            f"the paper's sign under {agree} of {len(cells)} choices: {summary}",
            "table-robustness"))
    cd = constant_density_data(data)
    if len(cd[appA.SIZE]) >= 2 and len(cd[appA.DISTANCE]) >= 2:
        for c in appA.claims(cd, replicate=False):
            out.append(replace(c, figure=f"{c.figure} at constant density",
                               target="fig-robust-app-a"))
    return out
