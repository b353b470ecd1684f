"""The committed paper-scale cache is never taken on trust: every ensemble of the figure table must
be present, and randomly chosen realizations of each are recomputed from their seeds and compared."""

from pathlib import Path

import numpy as np
import pytest

from glasslib.experiments import EXPERIMENTS, ensembles
from glasslib.runner import ensemble_dir, load_ensemble, verify_ensemble

CACHE = Path(__file__).resolve().parents[1] / "results"
CURVES = [
    pytest.param(exp, label, params, count, id=f"{exp.name}:{label}")
    for exp in EXPERIMENTS.values()
    for label, params, count in ensembles(exp, "paper")
]
# fresh picks on every run (printed on failure): any realization may be checked
PICKER = np.random.default_rng()


@pytest.mark.slow
@pytest.mark.parametrize("exp, label, params, count", CURVES)
def test_cached_realizations_recompute_exactly(exp, label, params, count):
    path = ensemble_dir(CACHE, f"{exp.name}/paper", label, exp.model, params, exp.seed, count)
    assert (path / "ensemble.npz").exists(), (
        f"missing or stale cache for {exp.name} {label}: run "
        f"`python -m glasslib run {exp.name} --scale paper`"
    )
    result = load_ensemble(path)
    assert result.realizations == count
    for name, values in result.data.items():
        assert values.shape[0] == count, name
    if "converged" in result.data:
        assert result.data["converged"].all(), "an unconverged realization is in the cache"
    # the cheap ensembles get two checks, the N = 10^4 ones one
    picks = PICKER.choice(count, size=1 if params["N"] >= 5000 else 2, replace=False)
    assert verify_ensemble(result, picks) == [], f"realizations {picks.tolist()}"
