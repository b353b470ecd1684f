"""Experiment declarations: labels and folder names follow the parameters actually used."""

import pytest

from glasslib.experiments import EXPERIMENTS, ensembles, get_experiment, relabel
from glasslib.runner import ensemble_dir


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_the_declared_labels_are_kept_when_nothing_is_overridden(name):
    exp = EXPERIMENTS[name]
    assert [label for label, _, _ in ensembles(exp, "paper")] == [c.label for c in exp.curves]


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
@pytest.mark.parametrize("scale", ["quick", "paper"])
def test_every_label_states_its_own_parameters(name, scale):
    """A label item ``T=0.1`` or ``J/T=10`` equals what the curve's parameters give, and no two
    curves of an experiment share a label or an ensemble."""
    out = ensembles(EXPERIMENTS[name], scale)
    assert len({label for label, _, _ in out}) == len(out)
    assert len({ensemble_dir("c", "g", label, EXPERIMENTS[name].model, p, 0, n)
                for label, p, n in out}) == len(out)
    for label, params, _ in out:
        for item in label.split(","):
            key, eq, value = item.partition("=")
            names = key.split("/")
            if not eq or not set(names) <= set(params):
                continue
            if not all(isinstance(params[n], (int, float)) for n in names):
                continue  # a named choice ("prefactor=1" is prefactor="authors_code")
            if value.startswith("sqrt"):
                value = float(value[4:]) ** 0.5
            got = (params[names[0]] / params[names[1]] if len(names) == 2 else params[names[0]])
            assert float(got) == pytest.approx(float(value), rel=0.01), (label, params)


def test_an_override_relabels_the_curves_it_changes():
    (label, params, _), = ensembles(get_experiment("fig03"), "paper", overrides={"T": 0.2})
    assert label == "J/T=5" and params["T"] == 0.2
    labels = [label for label, _, _ in ensembles(get_experiment("fig12"), "paper",
                                                  overrides={"W": 2.0})]
    assert labels[0] == "W/J=2"
    assert relabel("default", {"T": 0.1}, {"T": 0.2}) == "default"
    assert relabel("T=0.1", {"T": 0.1}, {"T": 0.1, "N": 50}) == "T=0.1"


def test_an_override_that_makes_curves_equal_keeps_them_apart():
    labels = [label for label, _, _ in ensembles(get_experiment("fig02"), "paper",
                                                  overrides={"T": 0.2})]
    assert labels == ["T=0.2 (T=0.1)", "T=0.2 (T=1)", "T=0.2 (T=2)"]


def test_the_quick_size_scans_have_distinct_sizes():
    for name in ("tableI_tg_size", "fig14_15_eg_size", "fig16_eg_distance"):
        sizes = [p["N"] for _, p, _ in ensembles(EXPERIMENTS[name], "quick")]
        assert sizes == sorted(set(sizes)), (name, sizes)
