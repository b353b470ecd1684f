"""Robustness of Table I: the lambda_min rules and the per-cell verdicts, on synthetic data."""

from pathlib import Path

import numpy as np
import pytest

from glasslib.experiments import EXPERIMENTS, ROBUSTNESS_VARIANTS, TABLE_ONE_CELLS, ensembles
from glasslib.measures import plateau_cutoffs, quantile_cutoffs
from glasslib.realizations import RATE_EDGES
from glasslib.runner import EnsembleResult
from glasslib.verdicts import robustness as V


def fake_rates(params, lo, hi, rng, n=4000, R=40, model="eg"):
    """Log-uniform rates on [lo, hi] (a 1/lambda law), R realizations of n."""
    counts = np.stack([np.histogram(rng.uniform(np.log10(lo), np.log10(hi), n), RATE_EDGES)[0]
                       for _ in range(R)]).astype(np.int32)
    meta = {"params": dict(params), "realizations": R, "model": model, "seed": 0}
    return EnsembleResult(Path("."), meta, {"rate_counts": counts})


def test_the_quantile_rule_finds_the_quantile_of_a_known_law():
    rng = np.random.default_rng(0)
    r = fake_rates({"N": 4000}, 1e-8, 1e-2, rng)
    q = quantile_cutoffs(r, 0.05)
    # uniform in log10 on [-8, -2]: the 5% quantile is -8 + 0.05 * 6 = -7.7; the estimate is
    # within a few standard errors, and the error is that of a quantile of 160000 draws
    # (sqrt(q (1-q) / n) / density = 6 sqrt(0.0475 / 160000) ~ 0.003 decade)
    assert q.log10_min == pytest.approx(-7.7, abs=4 * max(q.log10_min_err, 0.003))
    assert q.log10_max == pytest.approx(-2.3, abs=4 * max(q.log10_max_err, 0.003))
    assert 0.001 < q.log10_min_err < 0.01
    # the plateau rules put the edge near -8 for a flat plateau, at half and at a tenth
    for f in (0.5, 0.1):
        assert plateau_cutoffs(r, fraction=f).log10_min == pytest.approx(-8, abs=0.3)
    with pytest.raises(ValueError, match="q must be"):
        quantile_cutoffs(r, 0.5)


def _table_one_data(rng, shift_of):
    """Default Table I ensembles whose lambda_min moves by ``shift_of[(model, quantity)]``
    decades from the first to the last curve (the other cells shift by +1 decade)."""
    from glasslib.verdicts.sec5 import TABLE_ONE_SOURCES

    data = {}
    for (model, quantity), name in TABLE_ONE_CELLS.items():
        shift = shift_of.get((model, quantity), 1.0)
        key = TABLE_ONE_SOURCES[(model, quantity)][1]

        def along(params, key=key):  # the paper's direction: W, J/W or N up
            return params["J"] / params["W"] if key == "J/W" else params[key]

        curves = sorted(ensembles(EXPERIMENTS[name], "paper"), key=lambda c: along(c[1]))
        out = {}
        for i, (label, params, _) in enumerate(curves):
            lo = 1e-8 * 10 ** (shift * i / (len(curves) - 1))
            out[label] = fake_rates(params, lo, lo * 1e6, rng, R=20,
                                    model="eg" if model == "EG" else "tls")
        data[name] = out
    return data


def test_a_sign_that_holds_under_every_choice_is_robust_and_one_that_flips_is_not():
    rng = np.random.default_rng(1)
    paper_plus = {("EG", "disorder"): 1.0, ("EG", "interaction"): -1.0,
                  ("EG", "system size"): -1.0, ("TG", "disorder"): 1.0,
                  ("TG", "interaction"): 1.0, ("TG", "system size"): -1.0}
    data = _table_one_data(rng, paper_plus)
    # the constant-density choice for the TLS glass: its size cell flips sign
    flipped = {}
    for label, r in data[TABLE_ONE_CELLS[("TG", "system size")]].items():
        flipped[f"system size: {label}"] = r
    items = sorted(flipped.items(), key=lambda kv: kv[1].meta["params"]["N"])
    lows = [1e-8, 1e-7, 1e-6]  # lambda_min grows with N: the opposite of the paper's "-"
    flipped = {label: fake_rates(r.meta["params"], lo, lo * 1e6, rng, R=20, model="tls")
               for (label, r), lo in zip(items, lows, strict=True)}
    data["robust_tg_poisson"] = flipped
    table = V.robustness_table(data)
    cells = {(c.model, c.quantity, c.choice, c.rule): c for c in table}
    for (model, quantity), _ in TABLE_ONE_CELLS.items():
        for rule in V.RULES:
            c = cells[(model, quantity, "default", rule)]
            assert c.agrees, (c, "every rule sees a clean shift of one decade")
    flip = cells[("TG", "system size", "poisson", "half")]
    assert flip.sign == "+" and not flip.agrees
    claims = {c.figure: c for c in V.claims(data, replicate=False)}
    assert claims["Table I robustness (EG, disorder)"].verdict == "reproduced"
    size = claims["Table I robustness (TG, system size)"]
    assert size.verdict == "partly" and "depends on: constant density" in size.why
    assert V.cell_summary([flip]) == "none"


def test_every_choice_has_its_experiment_and_every_experiment_its_cells():
    for variant, (models, _, _) in ROBUSTNESS_VARIANTS.items():
        for model in models:
            exp = EXPERIMENTS[f"robust_{model.lower()}_{variant}"]
            quantities = {label.split(":")[0] for label, _, _ in ensembles(exp, "paper")}
            want = ({"system size"} if variant == "density_one"
                    else {"disorder", "interaction", "system size"})
            assert quantities == want, (variant, model)
            # each cell has its two end curves, run under the choice
            for _label, params, _ in ensembles(exp, "paper"):
                if variant == "poisson":
                    assert params["r_nn_convention"] == "poisson"
                if variant in ("annealed", "authors"):
                    assert params["anneal_from"] == pytest.approx(20 * params["T"])
                if variant == "density_one":
                    assert params["density"] == 1.0


def test_the_seeds_of_the_robustness_experiments_are_fixed_and_distinct():
    """Adding a choice must not move the seed (so the cache key) of another experiment."""
    seeds = {n: e.seed for n, e in EXPERIMENTS.items()}
    assert seeds["robust_eg_poisson"] == 141 and seeds["robust_tg_authors"] == 148
    assert seeds["robust_eg_distance_poisson"] == 149
    assert seeds["robust_eg_density_one"] == 150 and seeds["robust_eg_distance_density_one"] == 152
    robust = [s for n, s in seeds.items() if n.startswith("robust_")]
    assert len(set(robust)) == len(robust)
