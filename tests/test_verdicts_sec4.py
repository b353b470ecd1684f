"""Sec. IV verdicts: claims from small real ensembles, and each rule exercised both ways on
synthetic ensembles whose answer is known."""

import re
from pathlib import Path

import numpy as np
import pytest

from glasslib import measures as M
from glasslib import rules
from glasslib.experiments import ensembles, get_experiment
from glasslib.realizations import LOG_ABS_E_EDGES, RATE_EDGES
from glasslib.runner import EnsembleResult, run_ensemble
from glasslib.verdicts import VERDICTS, Claim
from glasslib.verdicts import sec4 as V


def small_experiment(name, cache, N=80, realizations=4):
    """The experiment's curves at a tiny size (same parameters otherwise)."""
    exp = get_experiment(name)
    return {label: run_ensemble(exp.model, params, count, exp.seed, cache_dir=cache,
                                group=name, label=label, workers=1, progress=False)
            for label, params, count in ensembles(exp, "quick", realizations=realizations,
                                                  overrides={"N": N})}


def fake_result(params, rates_per_realization=None, energies_per_realization=None):
    """An EnsembleResult built from given rates and/or energies (one array per realization)."""
    data = {}
    if rates_per_realization is not None:
        data["rate_counts"] = np.stack([np.histogram(np.log10(r), RATE_EDGES)[0]
                                        for r in rates_per_realization]).astype(np.int32)
        R = len(rates_per_realization)
    if energies_per_realization is not None:
        data["log_abs_energy_counts"] = np.stack(
            [np.histogram(np.log10(np.abs(e)), LOG_ABS_E_EDGES)[0]
             for e in energies_per_realization]).astype(np.int32)
        R = len(energies_per_realization)
    meta = {"params": dict(params), "realizations": R, "model": "tls", "seed": 0}
    return EnsembleResult(Path("."), meta, data)


def log_uniform_rates(rng, lo, hi, n=4000, R=10):
    return [10 ** rng.uniform(np.log10(lo), np.log10(hi), n) for _ in range(R)]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    cache = tmp_path_factory.mktemp("sec4")
    return {name: small_experiment(name, cache) for name in (V.DISORDER, V.INTERACTION)}


def test_claims_from_real_ensembles_are_valid(data):
    claims = V.claims(data)
    assert len(claims) == 7
    for c in claims:
        assert isinstance(c, Claim)
        assert c.verdict in VERDICTS
        assert c.target.startswith("fig-tg-")
        assert "+-" in c.measured  # every measurement carries its uncertainty
    assert {c.figure for c in claims} == {"Fig. 4", "Fig. 5", "Fig. 6", "Fig. 7"}


def test_claims_skip_missing_experiments(data):
    only = V.claims({V.INTERACTION: data[V.INTERACTION]})
    assert {c.figure for c in only} == {"Fig. 5", "Fig. 7"}
    assert V.claims({}) == []


def test_print_claims_is_fixed_format(data, capsys):
    V.print_claims(V.claims(data), "Fig. 6")
    out = capsys.readouterr().out
    assert out.lstrip().startswith("Fig. 6 | paper:")
    assert "0x" not in out and "| verdict " in out
    V.print_claims([], "Fig. 99")
    assert "no claims" in capsys.readouterr().out


def test_ordering_follows_the_paper_direction(data):
    jw = [r.meta["params"]["J"] / r.meta["params"]["W"]
          for _, r in M.ordered(data[V.INTERACTION], "J/W")]
    assert jw == sorted(jw)
    assert [label for label, _ in M.ordered(data[V.DISORDER], "W")] == ["W=1", "W=10", "W=100"]


def test_trend_and_direction_rule_both_ways():
    assert rules.trend([1.0, 2.0, 3.0], [0.1, 0.1, 0.1])[:1] == ("+",)
    assert rules.trend([3.0, 2.0, 1.0], [0.1, 0.1, 0.1])[0] == "-"
    assert rules.trend([1.0, 1.1, 1.2], [0.1, 0.1, 0.1])[0] == "0"
    assert rules.trend([1.0, 5.0, 3.0], [0.1, 0.1, 0.1])[3] == 1  # a significant reversed step
    assert rules.direction_verdict("+", 1.0, "+")[0] == "reproduced"
    assert rules.direction_verdict("+", 1.0, "+", reversed_steps=1)[0] == "partly"
    assert rules.direction_verdict("0", 0.1, "+")[0] == "partly"
    assert rules.direction_verdict("0", -0.1, "+")[0] == "not reproduced"
    assert rules.direction_verdict("-", -1.0, "+")[0] == "not reproduced"
    assert rules.direction_verdict("-", -1.0, "-")[0] == "reproduced"


def test_rate_shift_rule_both_ways():
    rng = np.random.default_rng(1)
    slow = fake_result({"W": 1.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-14, 1e-2))
    fast = fake_result({"W": 100.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-12, 1e0))
    claim = V.rate_shift_claim({"a": slow, "b": fast}, "W", "Fig. 6", "t", "shifts up", "+")
    assert claim.verdict == "reproduced"
    shift = float(re.search(r"shift W=1 -> W=100: ([+-][0-9.]+)", claim.measured).group(1))
    assert shift == pytest.approx(2.0, abs=0.05)  # the 1/lambda edges moved by two decades
    # the same numbers with the labels of the parameters swapped: the shift goes the other way
    slow_swapped = fake_result({"W": 100.0, "J": 1.0, "N": 4000},
                               log_uniform_rates(rng, 1e-14, 1e-2))
    fast_swapped = fake_result({"W": 1.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-12, 1e0))
    claim = V.rate_shift_claim({"a": slow_swapped, "b": fast_swapped}, "W", "Fig. 6", "t",
                               "shifts up", "+")
    assert claim.verdict == "not reproduced"


def test_dos_shape_on_known_distributions():
    rng = np.random.default_rng(2)
    # flat DOS on [-1, 1]: median |E| = 1/2, rho = 1
    flat = fake_result({"N": 20000}, energies_per_realization=[rng.uniform(-1, 1, 20000)
                                                              for _ in range(8)])
    s = M.dos_shape(flat)
    assert s.median_abs_E == pytest.approx(0.5, abs=0.01)
    assert s.gap_ratio == pytest.approx(1.0, abs=0.05)
    # linear gap g ~ |E| on [-1, 1]: C(e) = e^2, median 1/sqrt 2, rho = 20 (m/10)^2 = 0.1
    linear = fake_result({"N": 20000}, energies_per_realization=[
        np.sqrt(rng.uniform(0, 1, 20000)) * rng.choice([-1, 1], 20000) for _ in range(8)])
    s = M.dos_shape(linear)
    assert s.median_abs_E == pytest.approx(2**-0.5, abs=0.01)
    assert s.gap_ratio == pytest.approx(0.1, abs=0.02)
    assert 0 < s.gap_err < 0.02 and 0 < s.median_err < 0.01
    # so "the gap deepens" from flat to linear is a significant '-' change
    sign, delta, err, _ = rules.trend([1.0, 0.1], [0.02, 0.02])
    assert sign == "-"


def test_w10_similarity_rule_both_ways():
    rng = np.random.default_rng(3)
    a = fake_result({"W": 1.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-14, 1e-2))
    b = fake_result({"W": 10.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-14, 1e-2))
    c = fake_result({"W": 100.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-12, 1e0))
    curves = {"W=1": a, "W=10": b, "W=100": c}
    assert V._w10_similar_claim(curves, M.cutoffs(curves)).verdict == "reproduced"
    b2 = fake_result({"W": 10.0, "J": 1.0, "N": 4000}, log_uniform_rates(rng, 1e-12, 1e0))
    curves = {"W=1": a, "W=10": b2, "W=100": c}
    assert V._w10_similar_claim(curves, M.cutoffs(curves)).verdict == "not reproduced"


def test_energy_and_rate_shift_diagnostic(data, capsys):
    d = M.energy_and_rate_shifts(data[V.DISORDER], "W")
    assert d["change"] == "W=1 -> W=100"
    assert d["median_abs_E"][0] > 1  # W = 1 -> 100 at J = 1: more than a decade wider
    assert all(np.isfinite(x) for pair in (d["median_abs_E"], d["lambda_min"]) for x in pair)
    V.print_energy_and_rate_shifts(data[V.DISORDER], "W")
    assert capsys.readouterr().out.count("decades") == 2
