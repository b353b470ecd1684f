"""The paper's figure table as data: every ensemble the book shows, at two scales.

An experiment groups the curves of one or more figures; each curve is an ensemble
``(model, params, realizations, seed)`` run by :mod:`glasslib.runner`. Parameters come from the
paper (DESIGN.md's figure table); where the paper is silent the choice is stated in ``notes``.
``paper`` scale is the paper's N and realization counts; ``quick`` scale (tests, CI, papermill
smoke runs) shrinks N and the counts so that an experiment takes seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ._validation import check_choice, check_int

__all__ = ["Curve", "Experiment", "EXPERIMENTS", "SCALES", "TABLE_ONE_CELLS",
           "ROBUSTNESS_VARIANTS", "ROBUSTNESS_ALIASES", "get_experiment", "ensembles",
           "relabel"]

SCALES = ("quick", "paper")


@dataclass(frozen=True)
class Curve:
    """One ensemble of an experiment: a label, the model parameters and its realization counts."""

    label: str
    params: dict
    realizations: int
    quick_params: dict = field(default_factory=dict)
    quick_realizations: int = 8


@dataclass(frozen=True)
class Experiment:
    name: str
    figures: str
    model: str
    description: str
    curves: tuple
    seed: int
    notes: str = ""


def _wj(ratio: float, total: float = 2.0) -> tuple[float, float]:
    """(W, J) with W/J = ratio and W^2 + J^2 = total (Figs. 5, 7, 12, 13)."""
    J = math.sqrt(total / (1.0 + ratio**2))
    return ratio * J, J


def _make() -> dict:
    ex = []
    ex.append(Experiment(
        "fig01_tg_dos", "1", "tls", "TLS-glass DOS with the dipole gap, W = J = 1, T = 0.05",
        (Curve("T=0.05", dict(N=10000, W=1.0, J=1.0, T=0.05), 300, dict(N=500)),),
        seed=101,
    ))
    ex.append(Experiment(
        "fig02_tg_dos_vs_T", "2", "tls", "TLS-glass DOS at T = 0.1, 1, 2 (W = J = 1)",
        tuple(Curve(f"T={T:g}", dict(N=1000, W=1.0, J=1.0, T=T), 300, dict(N=300))
              for T in (0.1, 1.0, 2.0)),
        seed=102, notes="realizations not stated in the paper: 300 chosen",
    ))
    ex.append(Experiment(
        "fig03_tg_rates", "3", "tls", "TLS-glass rate distribution, W = J = 1, J/T = 10",
        (Curve("J/T=10", dict(N=10000, W=1.0, J=1.0, T=0.1), 1000, dict(N=500)),),
        seed=103,
    ))
    ex.append(Experiment(
        "fig04_06_tg_disorder", "4, 6", "tls",
        "TLS glass vs disorder: W = 1, 10, 100 at W/T = 10, J = 1",
        tuple(Curve(f"W={W:g}", dict(N=1000, W=W, J=1.0, T=W / 10), 300, dict(N=300))
              for W in (1.0, 10.0, 100.0)),
        seed=104, notes="realizations not stated in the paper: 300 chosen",
    ))
    ex.append(Experiment(
        "fig05_07_tg_interaction", "5, 7", "tls",
        "TLS glass vs J/W: W/J = 1, 3.1, 9.8 at W^2 + J^2 = 2, T = 0.1",
        tuple(Curve(f"W/J={r:g}", dict(N=1000, W=_wj(r)[0], J=_wj(r)[1], T=0.1), 300, dict(N=300))
              for r in (1.0, 3.1, 9.8)),
        seed=105, notes="realizations not stated in the paper: 300 chosen",
    ))
    ex.append(Experiment(
        "fig08_eg_dos", "8", "eg", "Electron-glass DOS (Coulomb gap), W = 1, e^2/(r_nn T) = 20",
        (Curve("T=0.05", dict(N=10000, W=1.0, J=1.0, T=0.05), 300, dict(N=500)),),
        seed=108,
    ))
    ex.append(Experiment(
        "fig09_eg_rates", "9", "eg",
        "Electron-glass rates (Eq. 23 without interactions), e^2/(r_nn T) = 10, r_nn/xi = 10",
        (Curve("T=0.1", dict(N=1000, W=1.0, J=1.0, T=0.1, xi=0.1), 1000, dict(N=300)),),
        seed=109,
    ))
    ex.append(Experiment(
        "fig10_11_eg_disorder", "10, 11", "eg",
        "Electron glass vs disorder: W = 1, 5, 10 at W/T = 10, J = 1",
        tuple(Curve(f"W={W:g}", dict(N=1000, W=W, J=1.0, T=W / 10, xi=0.1), 300, dict(N=300))
              for W in (1.0, 5.0, 10.0)),
        seed=110, notes="xi = 0.1 as in Fig. 9 (not restated); realizations not stated: 300",
    ))
    ex.append(Experiment(
        "fig12_13_eg_interaction", "12, 13", "eg",
        "Electron glass vs J/W: W/J = 1, sqrt 17, sqrt 97 at W^2 + J^2 = 2, T = 0.1",
        tuple(Curve(f"W/J={name}", dict(N=1000, W=_wj(r)[0], J=_wj(r)[1], T=0.1, xi=0.1), 300,
                    dict(N=300))
              for name, r in (("1", 1.0), ("sqrt17", math.sqrt(17)), ("sqrt97", math.sqrt(97)))),
        seed=112, notes="xi = 0.1 as in Fig. 9 (not restated); realizations not stated: 300",
    ))
    sizes = ((10, 3000, 400), (100, 1000, 100), (1000, 300, 8))
    ex.append(Experiment(
        "fig14_15_eg_size", "14, 15", "eg",
        "Electron glass vs system size: N = 10, 100, 1000, e^2/(r_nn T) = 10, xi = 0.1",
        tuple(Curve(f"N={N}", dict(N=N, W=1.0, J=1.0, T=0.1, xi=0.1), R,
                    dict(N=min(N, 300)), q) for N, R, q in sizes),
        seed=114, notes="realizations not stated: 3000, 1000, 300 for N = 10, 100, 1000",
    ))
    ex.append(Experiment(
        "fig16_eg_distance", "16", "eg_distance",
        "Eigenvalues of the distance-only matrix exp(-r_ij/xi) vs N, and Eq. (A2)",
        tuple(Curve(f"N={N}", dict(N=N, xi=0.1), R, dict(N=min(N, 300)), q)
              for N, R, q in sizes),
        seed=116, notes="realizations as Figs. 14, 15",
    ))
    ex.append(Experiment(
        "fig17_20_tg_b1", "17-20", "tls_b1",
        "Rates with and without the interaction term f_ij of Eq. (B1), T = 0.1, W^2 + J^2 ~ 2",
        tuple(Curve(label, dict(N=1000, W=W, J=J, T=0.1), 100, dict(N=200), 4)
              for label, W, J in (("W=1.4,J=0.1", 1.4, 0.1), ("W=0.1,J=1.4", 0.1, 1.4),
                                  ("W=1,J=1", 1.0, 1.0))),
        seed=117, notes="the paper diagonalizes one realization per case; realization 0 is "
                        "that one, and 100 give the statistics",
    ))
    ex.append(Experiment(
        "tableI_tg_size", "Table I", "tls",
        "TLS-glass rates vs system size (Table I's TG size column): N = 100, 1000, 10000",
        tuple(Curve(f"N={N}", dict(N=N, W=1.0, J=1.0, T=0.1), R, dict(N=qN), q)
              for N, R, qN, q in ((100, 1000, 100, 100), (1000, 300, 300, 8),
                                  (10000, 100, 600, 8))),
        seed=121, notes="not a figure of the paper (\"not shown\"); same parameters as Fig. 3; "
                        "realizations 1000, 300, 100",
    ))
    base = dict(N=1000, W=1.0, J=1.0, T=0.1)
    ex.append(Experiment(
        "conventions_tls", "conventions", "tls",
        "What the documented TLS-glass choices change: W = J = 1, T = 0.1, N = 1000",
        (Curve("default", dict(base), 300, dict(N=300)),
         Curve("prefactor=1", dict(base, prefactor="authors_code"), 300, dict(N=300)),
         Curve("field=E", dict(base, field="energy"), 300, dict(N=300)),
         Curve("both (authors' code)", dict(base, prefactor="authors_code", field="energy"), 300,
               dict(N=300)),
         Curve("r_nn=poisson", dict(base, r_nn_convention="poisson"), 300, dict(N=300)),
         Curve("annealed", dict(base, anneal_from=2.0), 300, dict(N=300))),
        seed=131, notes="not a figure of the paper: the book's conventions page",
    ))
    ex.append(Experiment(
        "conventions_eg", "conventions", "eg",
        "What the r_nn convention changes for the electron glass (Fig. 9's parameters)",
        (Curve("default", dict(N=1000, W=1.0, J=1.0, T=0.1, xi=0.1), 300, dict(N=300)),
         Curve("r_nn=poisson", dict(N=1000, W=1.0, J=1.0, T=0.1, xi=0.1,
                                    r_nn_convention="poisson"), 300, dict(N=300))),
        seed=132, notes="not a figure of the paper: the book's conventions page",
    ))
    # the solution-selection effect on the DOS pages: Figs. 1 and 8 with the annealed solution,
    # on the same first realizations (the seeds of Figs. 1 and 8)
    by_name = {e.name: e for e in ex}
    for name, source, figure in (("annealed_fig01_tg_dos", "fig01_tg_dos", "1"),
                                 ("annealed_fig08_eg_dos", "fig08_eg_dos", "8")):
        src = by_name[source]
        (curve,) = src.curves
        ex.append(Experiment(
            name, figure, src.model,
            f"Fig. {int(figure)} with the mean-field solution annealed from 20 T "
            "(the authors' code)",
            (Curve(f"{curve.label}, annealed", _annealed(dict(curve.params)),
                   ANNEALED_DOS_REALIZATIONS, dict(curve.quick_params)),),
            seed=src.seed, notes=f"not a figure of the paper: realizations 0-29 of Fig. "
                                 f"{int(figure)}, annealed"))
    ex.extend(_robustness(ex))
    ex.extend(_beyond_mean_field())
    ex.extend(_ten_times())
    return {e.name: e for e in ex}


def _ten_times() -> list:
    """Beyond the paper's sizes (issue: 10x): the TLS glass of Fig. 3 at N = 3 x 10^4 (float32
    couplings, 3.6 GB) and the electron glass of Fig. 9 at N = 10^4 (its spectrum by the
    symmetric eigensolver, ~1.6 GB), shown beside the paper-size curves."""
    return [Experiment(
        "x10_tg_rates", "1, 3", "tls",
        "TLS glass at three times Fig. 3's N: N = 3 x 10^4, W = J = 1, J/T = 10",
        (Curve("N=30000", dict(N=30000, W=1.0, J=1.0, T=0.1), 12, dict(N=2000), 4),),
        seed=171, notes="not a figure of the paper: 30 times Fig. 2's N and 3 times Fig. 3's; 12 "
                        "realizations (about a minute each)"),
        Experiment(
        "x10_eg_rates", "8, 9", "eg",
        "Electron glass at ten times Fig. 9's N: N = 10^4, e^2/(r_nn T) = 10, r_nn/xi = 10",
        (Curve("N=10000", dict(N=10000, W=1.0, J=1.0, T=0.1, xi=0.1), 12, dict(N=1000), 4),),
        seed=172, notes="not a figure of the paper: 10 times Fig. 9's N; 12 realizations (a "
                        "spectrum of 10^4 x 10^4 each, about a minute and a half)")]


#: quick scale of the Monte Carlo experiments: small N, short schedules
_MC_QUICK = dict(N=200, sweeps=200, burn_in=100, sample_every=20)


def _beyond_mean_field() -> list:
    """The "Beyond mean field" page (glasslib.monte_carlo): Monte Carlo on the realizations the
    mean-field solver uses, at N = 1000 (Fig. 2's size; Fig. 1's N = 10^4 is beyond the
    page's 20-minute budget, see the page)."""
    out = [Experiment(
        "mc_tg_dos", "1, 2", "tls_mc",
        "TLS glass: replica-exchange Monte Carlo vs mean field, W = J = 1, T = 0.05, 0.1, 1, 2",
        (Curve("W=1,J=1", dict(N=1000, W=1.0, J=1.0, temperatures=[0.05, 0.1, 1.0, 2.0]), 40,
               dict(_MC_QUICK), 4),),
        seed=161, notes="not a figure of the paper: the paper's open question; N = 1000 "
                        "(Fig. 2's), 40 realizations, 2000 sweeps (1000 burn-in)"),
        Experiment(
        "mc_tg_single_flips", "1, 2", "tls_mc",
        "TLS glass: the Monte Carlo of mc_tg_dos without its pair flips (why they are needed)",
        (Curve("single flips", dict(N=1000, W=1.0, J=1.0, temperatures=[0.05, 0.1, 1.0, 2.0],
                                    pair_moves=False), 10, dict(_MC_QUICK, pair_moves=False),
               4),),
        seed=161, notes="not a figure of the paper: the first 10 realizations of mc_tg_dos "
                        "(same seed), single flips only"),
        Experiment(
        "mc_eg_dos", "8", "eg_mc",
        "Electron glass: replica-exchange Monte Carlo vs mean field, W = 1, "
        "e^2/r_nn = 1, T = 0.05, 0.1, 0.2, 0.5",
        (Curve("W=1,J=1", dict(N=1000, W=1.0, J=1.0, temperatures=[0.05, 0.1, 0.2, 0.5]), 40,
               dict(_MC_QUICK), 4),),
        seed=162, notes="not a figure of the paper: N = 1000 (Fig. 8 has 10^4), 40 "
                        "realizations, 2000 sweeps (1000 burn-in)")]
    schemes = (("W=1,T=0.1", 1.0, 1.0, 0.1), ("W=10,T=1", 10.0, 1.0, 1.0),
               ("W/J=9.8", *_wj(9.8), 0.1), ("J=0", 2.0**0.5, 0.0, 0.1))
    out.append(Experiment(
        "kmc_tg_table_one", "Table I", "tls_kmc",
        "TLS-glass relaxation by kinetic Monte Carlo vs mean field: the Table I schemes "
        "(disorder W = 1 -> 10 at W/T = 10; interaction W/J = 1 -> 9.8 at W^2 + J^2 = 2; "
        "J = 0 at W^2 = 2, where mean field is exact, as a control)",
        tuple(Curve(label, dict(N=1000, W=W, J=J, T=T), 40,
                    dict(N=200, trajectories=4, burn_in=100, sample_every=20), 4)
              for label, W, J, T in schemes),
        seed=163, notes="not a figure of the paper: field step T, 8 trajectories per "
                        "realization, times 0.1 to 10^6 (1/a)"))
    eg_schemes = (("W=1,T=0.1", 1.0, 1.0, 0.1), ("W=10,T=1", 10.0, 1.0, 1.0),
                  ("W/J=sqrt97", *_wj(math.sqrt(97)), 0.1), ("J=0", 2.0**0.5, 0.0, 0.1))
    out.append(Experiment(
        "kmc_eg_table_one", "Table I", "eg_kmc",
        "Electron-glass relaxation by kinetic Monte Carlo (Miller-Abrahams hops, Eq. 21) vs "
        "mean field (Eq. 23 without its interaction term): the Table I schemes (disorder W = 1 "
        "-> 10 at W/T = 10; interaction W/J = 1 -> sqrt 97 at W^2 + J^2 = 2; J = 0 at W^2 = 2 "
        "as a control), xi = 0.1",
        tuple(Curve(label, dict(N=300, W=W, J=J, T=T, xi=0.1, trajectories=8), 40,
                    dict(N=60, trajectories=2, burn_in=60, sample_every=20), 4)
              for label, W, J, T in eg_schemes),
        seed=164, notes="not a figure of the paper: N = 300, square-wave potential step T, 8 "
                        "trajectories per realization, times 0.1 to 10^4 (1/Gamma^0), hops "
                        "within 1.5 r_nn"))
    return out


#: realizations of the annealed Figs. 1 and 8 (the first of the quenched ensembles' 300): the
#: comparison is paired, realization by realization
ANNEALED_DOS_REALIZATIONS = 30


#: the Table I cells: (model, quantity) -> (the experiment of the book's Table I, the label of
#: the scan's parameter); the robustness experiments recompute each cell's two end curves
TABLE_ONE_CELLS = {
    ("EG", "disorder"): "fig10_11_eg_disorder",
    ("EG", "interaction"): "fig12_13_eg_interaction",
    ("EG", "system size"): "fig14_15_eg_size",
    ("TG", "disorder"): "fig04_06_tg_disorder",
    ("TG", "interaction"): "fig05_07_tg_interaction",
    ("TG", "system size"): "tableI_tg_size",
}


def _annealed(params: dict) -> dict:
    """The authors' solution: annealed down a ladder from 20 T (above the interaction scale at
    every curve of Table I: T = W/10 and W, J <= 100) to T, each stage warm-started."""
    return dict(params, anneal_from=20.0 * params["T"])


#: one choice at a time from the default (and the authors' combination): name -> (models,
#: the change of the parameters, what it is)
ROBUSTNESS_VARIANTS = {
    "poisson": (("EG", "TG"), lambda p: dict(p, r_nn_convention="poisson"),
                "r_nn is the mean nearest-neighbour distance: constant density N/L^d"),
    "annealed": (("EG", "TG"), _annealed,
                 "the mean-field solution annealed down a temperature ladder from 20 T"),
    "prefactor_half": (("TG",), lambda p: dict(p, prefactor=0.5),
                       "prefactor 1/2 of Eq. (4), the variational derivative of Eq. (1)"),
    "prefactor_one": (("TG",), lambda p: dict(p, prefactor="authors_code"),
                      "prefactor 1 of Eq. (4), the authors' code"),
    "field_energy": (("TG",), lambda p: dict(p, field="energy"),
                     "tanh(E_j/2T) in Eq. (4), the authors' code"),
    "authors": (("TG",), lambda p: _annealed(dict(p, prefactor="authors_code", field="energy")),
                "the authors' combination: prefactor 1, tanh(E_j/2T), annealed"),
    "density_one": (("EG", "TG"), lambda p: dict(p, density=1.0),
                    "the size scan at density 1 (the large-N limit of the default box)"),
}

#: realizations of the largest TLS-glass size (N = 10^4) in the robustness runs (Table I's own
#: ensemble has 100): the bootstrap error of its log10 lambda_min stays below 0.02 decade
ROBUST_TG_LARGE = 50


#: curves of a robustness experiment that are another of its curves (same parameters, same
#: seed): ``{experiment: {label: the label of the curve computed}}``
ROBUSTNESS_ALIASES: dict = {}


#: choices that are a constant-density size scan: the whole scan (not only its ends) and, for
#: the electron glass, N = 4000 too
_FULL_SIZE_SCANS = ("poisson", "density_one")


def _robustness(existing) -> list:
    """One experiment per (glass, choice): the end curves of each Table I cell under that
    choice (of the size cell only, for ``density_one``), labelled ``"<quantity>: <curve>"``; the
    constant-density ones hold the whole size scan. A curve that two cells share is computed
    once (:data:`ROBUSTNESS_ALIASES`). Seeds are fixed per experiment (141...), so that a new
    choice never moves the others."""
    by_name = {e.name: e for e in existing}
    aliases = ROBUSTNESS_ALIASES
    out = []
    seeds = iter(range(141, 149))  # the first eight choices x glasses, in declaration order
    for variant, (models, change, what) in ROBUSTNESS_VARIANTS.items():
        for model in ("EG", "TG"):
            if model not in models:
                continue
            seed = ROBUSTNESS_SEEDS.get((variant, model)) or next(seeds)
            curves = []
            name = f"robust_{model.lower()}_{variant}"
            for (m, quantity), source in TABLE_ONE_CELLS.items():
                if m != model or (variant == "density_one" and quantity != "system size"):
                    continue
                scan = by_name[source].curves
                full = variant in _FULL_SIZE_SCANS and quantity == "system size"
                for c in scan if full else (scan[0], scan[-1]):
                    count = c.realizations
                    if model == "TG" and c.params["N"] >= 10000:
                        count = ROBUST_TG_LARGE
                    curve = Curve(f"{quantity}: {c.label}", change(dict(c.params)), count,
                                  dict(c.quick_params), c.quick_realizations)
                    same = [d for d in curves if (d.params, d.realizations, d.quick_params) ==
                            (curve.params, curve.realizations, curve.quick_params)]
                    if same:  # e.g. W = J = 1 ends both the disorder and the interaction scan
                        aliases.setdefault(name, {})[curve.label] = same[0].label
                        continue
                    curves.append(curve)
            if variant in _FULL_SIZE_SCANS and model == "EG":
                base = dict(by_name["fig14_15_eg_size"].curves[-1].params)
                curves.append(Curve("system size: N=4000", change(dict(base, N=4000)), 30,
                                    dict(N=400), 4))
            out.append(Experiment(
                name, "Table I", "eg" if model == "EG" else "tls",
                f"Table I's {model} cells under one other choice: {what}",
                tuple(curves), seed=seed, notes="not a figure of the paper: the book's "
                "robustness page"))
    dist = by_name["fig16_eg_distance"]
    for variant, seed, change, what in (
            ("poisson", 149, dict(r_nn_convention="poisson"), "r_nn_convention = poisson"),
            ("density_one", 152, dict(density=1.0), "density 1")):
        out.append(Experiment(
            f"robust_eg_distance_{variant}", "16", "eg_distance",
            f"Fig. 16's distance-only spectra at constant density ({what})",
            tuple(Curve(c.label, dict(c.params, **change), c.realizations,
                        dict(c.quick_params), c.quick_realizations) for c in dist.curves),
            seed=seed, notes="not a figure of the paper: Appendix A at constant density"))
    return out


#: seeds of the choices added after the first eight (which take 141-148 in order)
ROBUSTNESS_SEEDS = {("density_one", "EG"): 150, ("density_one", "TG"): 151}


EXPERIMENTS = _make()


def _figure_numbers(experiment: Experiment) -> set:
    out = set()
    for part in experiment.figures.replace(" ", "").split(","):
        if "-" in part and part.replace("-", "").isdigit():
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out


def get_experiment(name: str) -> Experiment:
    """Look up an experiment by name, unique prefix (``"fig03"``) or the number of a paper
    figure it makes (``"fig06"`` is the disorder scan of Figs. 4 and 6)."""
    if name in EXPERIMENTS:
        return EXPERIMENTS[name]
    matches = [k for k in EXPERIMENTS if k.startswith(name)]
    if len(matches) == 1:
        return EXPERIMENTS[matches[0]]
    if len(matches) > 1:
        raise ValueError(f"experiment {name!r} is ambiguous: it could be {matches}")
    number = name[3:] if name.startswith("fig") else ""
    if number.isdigit():
        makers = [k for k, e in EXPERIMENTS.items() if int(number) in _figure_numbers(e)]
        if len(makers) == 1:
            return EXPERIMENTS[makers[0]]
    raise ValueError(f"experiment must be one of {sorted(EXPERIMENTS)}, a unique prefix or a "
                     f"paper figure (fig01 ... fig20), got {name!r}")


def relabel(label: str, before: dict, after: dict) -> str:
    """The curve label ``label`` (written for parameters ``before``) for parameters ``after``.

    Each ``name=value`` item of the label whose name is a parameter or a ratio of two
    (``T``, ``N``, ``J/T``, ``W/J``) and whose value the new parameters change is rewritten with
    the new value (3 significant digits); other items (``default``, ``prefactor=1``) stay. So a
    rerun with ``T = 0.2`` labels the curve ``J/T=5``, not ``J/T=10``, and its cache folder is
    named after what it holds.
    """
    changed = {k for k in after if before.get(k) != after.get(k)}
    if not changed:
        return label
    items = []
    for item in label.split(","):
        name, eq, _value = item.partition("=")
        names = name.strip().split("/")
        if eq and len(names) <= 2 and set(names) <= set(after) and set(names) & changed:
            try:
                value = (float(after[names[0]]) / float(after[names[1]]) if len(names) == 2
                         else float(after[names[0]]))
            except (TypeError, ValueError, ZeroDivisionError):
                items.append(item)
                continue
            items.append(f"{name}={value:.3g}")
        else:
            items.append(item)
    return ",".join(items)


def ensembles(experiment: Experiment, scale: str = "paper", *, realizations: int | None = None,
              overrides: dict | None = None) -> list[tuple[str, dict, int]]:
    """The ``(label, params, realizations)`` of each curve at ``scale``, with overrides applied.
    Labels follow the parameters actually used (:func:`relabel`)."""
    check_choice("scale", scale, SCALES)
    out = []
    for curve in experiment.curves:
        params = dict(curve.params)
        count = curve.realizations
        if scale == "quick":
            params.update(curve.quick_params)
            count = curve.quick_realizations
        params.update(overrides or {})
        if realizations is not None:
            count = check_int("realizations", realizations, minimum=1)
        out.append((relabel(curve.label, curve.params, params), params, count))
    labels = [label for label, _, _ in out]
    if len(set(labels)) < len(labels):
        # overrides made two curves the same (e.g. -p T 0.2 on a T scan): keep them apart
        out = [(f"{label} ({curve.label})", params, count)
               for (label, params, count), curve in zip(out, experiment.curves, strict=True)]
    return out
