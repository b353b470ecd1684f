"""The comparator: rigorous histogram consistency, and end to end on real realizations: it
passes a recomputation on another platform and catches real changes."""

import numpy as np
import pytest

from glasslib import comparator as C
from glasslib import error_bounds as EB
from glasslib import realizations as R

EDGES = np.linspace(0.0, 1.0, 11)


def counts_of(values):
    return np.histogram(values, bins=EDGES)[0]


def test_exact_values_need_exact_counts():
    v = np.random.default_rng(0).uniform(-0.1, 1.1, 200)
    sure = np.ones(v.size, bool)
    c = counts_of(v)
    outside = v.size - c.sum()
    assert C.histogram_violation(c, EDGES, v, v, sure, outside=outside) is None
    moved = c.copy()
    moved[3] += 1
    moved[4] -= 1
    assert "bins" in C.histogram_violation(moved, EDGES, v, v, sure, outside=outside)
    assert C.histogram_violation(c, EDGES, v, v, sure, outside=outside + 1) is not None


def test_values_straddling_an_edge_may_sit_on_either_side():
    lo = np.array([0.29, 0.295, 0.55])
    hi = np.array([0.31, 0.305, 0.56])
    sure = np.ones(3, bool)
    for c3, c2 in ((2, 0), (1, 1), (0, 2)):
        c = np.zeros(10, int)
        c[2], c[3], c[5] = c2, c3, 1
        assert C.histogram_violation(c, EDGES, lo, hi, sure, outside=0) is None, (c2, c3)
    # one too many in bin 3 (and the total is off): impossible
    c = np.zeros(10, int)
    c[3], c[2], c[5] = 2, 1, 1
    assert C.histogram_violation(c, EDGES, lo, hi, sure, outside=0) is not None
    # right total, but the value at 0.55 cannot be in bin 4
    c = np.zeros(10, int)
    c[2], c[3], c[4] = 1, 1, 1
    assert C.histogram_violation(c, EDGES, lo, hi, sure, outside=0) is not None


def test_maybe_values_may_be_missing_and_last_edge_is_closed():
    lo, hi = np.array([0.45, 1.0]), np.array([0.46, 1.0])
    c = np.zeros(10, int)
    c[9] = 1  # 1.0 belongs to the last bin (numpy)
    assert C.histogram_violation(c, EDGES, lo, hi, np.array([False, True]), outside=0) is None
    assert C.histogram_violation(c, EDGES, lo, hi, np.array([True, True]), outside=0) is not None


def test_random_assignments_inside_the_intervals_always_pass_and_moves_outside_fail():
    rng = np.random.default_rng(1)
    for trial in range(200):
        n = rng.integers(1, 40)
        centre = rng.uniform(-0.2, 1.2, n)
        half = rng.choice([0.0, 1e-3, 0.03, 0.2], n)
        lo, hi = centre - half, centre + half
        actual = rng.uniform(lo, hi)
        c = counts_of(actual)
        out = n - c.sum()
        sure = np.ones(n, bool)
        assert C.histogram_violation(c, EDGES, lo, hi, sure, outside=out) is None, trial
        # move one count to a bin that no interval reaches: must be caught
        reach = np.zeros(10, bool)
        ka, kb = C._slots(lo, hi, EDGES)
        for a, b in zip(ka, kb, strict=False):
            reach[max(a, 0):min(b, 9) + 1] = True
        if (~reach).any() and c.sum() > 0:
            bad = c.copy()
            bad[np.argmax(c > 0)] -= 1
            bad[np.argmax(~reach)] += 1
            assert C.histogram_violation(bad, EDGES, lo, hi, sure, outside=out) is not None


# --------------------------------------------------------------------------- end to end

CASES = [
    ("tls", dict(N=200, T=0.1)),
    ("tls_b1", dict(N=150, T=0.1)),
    ("eg", dict(N=150, T=0.1, xi=0.1)),
    ("eg", dict(N=150, T=0.05)),
    ("eg_distance", dict(N=150, xi=0.1)),
]


@pytest.fixture(scope="module", params=CASES, ids=[f"{m}-{len(p)}" for m, p in CASES])
def case(request):
    model, params = request.param
    fresh = R.compute_realization(model, params, 5, 1, keep_context=True)
    return model, params, fresh


def test_a_realization_agrees_with_itself_at_both_levels(case):
    model, params, fresh = case
    row = dict(fresh.summary)
    assert C.compare_realization(row, fresh, level="bitwise").ok
    comp = C.compare_realization(row, fresh, level="tolerance")
    assert comp.ok, comp.describe()


def test_every_stored_field_is_declared(case):
    model, params, fresh = case
    assert sorted(fresh.summary) == R.field_names(model, params)


def test_a_tampered_count_is_caught(case):
    model, params, fresh = case
    row = dict(fresh.summary)
    name = next(n for n in ("energy_counts", "rate_counts", "nn_counts") if n in row)
    counts = row[name].copy()
    k = int(np.argmax(counts))
    counts[k] -= 1
    counts[k + 3] += 1
    row[name] = counts
    comp = C.compare_realization(row, fresh, level="tolerance")
    assert not comp.ok and name in comp.describe()
    assert not C.compare_realization(row, fresh, level="bitwise").ok


def test_another_realization_is_caught(case):
    model, params, fresh = case
    other = R.compute_realization(model, params, 5, 2)
    comp = C.compare_realization(dict(other.summary), fresh, level="tolerance")
    assert not comp.ok


def test_a_relative_change_of_one_rate_of_1e_minus_6_is_caught():
    """App. B stores the rates themselves: one rate scaled by 1 + 1e-6 is far outside its bound
    (the bounds of these rates are ~1e-9 relative)."""
    fresh = R.compute_realization("tls_b1", dict(N=150, T=0.1), 5, 1, keep_context=True)
    for name in ("rates_sorted", "b1_rates_sorted"):
        row = dict(fresh.summary)
        v = row[name].copy()
        v[-1] *= 1 + 1e-6
        row[name] = v
        comp = C.compare_realization(row, fresh, level="tolerance")
        assert not comp.ok and name in comp.describe(), name


def test_a_systematic_change_of_all_rates_shows_in_the_relaxation_curve():
    """Histograms cannot see a 1e-6 change; the relaxation curve does, for a change of all
    rates (a wrong prefactor), on both glasses."""
    for model, params in (("tls", dict(N=200, T=0.1)), ("eg", dict(N=150, T=0.1, xi=0.1))):
        fresh = R.compute_realization(model, params, 5, 1, keep_context=True)
        raw = dict(fresh.raw, rates=fresh.raw["rates"] * (1 + 1e-6))
        changed = R.summarize_fields(model, fresh.params, raw)
        comp = C.compare_realization(dict(changed), fresh, level="tolerance")
        assert not comp.ok and "relaxation" in comp.describe(), model


def test_the_bounds_are_narrow_enough_to_matter(case):
    """Same-path bounds: energies to ~1e-9 and spectra to ~1e-8 of the largest rate at most."""
    model, params, fresh = case
    iv = EB.raw_intervals(fresh, fresh.summary)
    if "energies" in iv:
        assert np.max(iv["energies"].hi - iv["energies"].lo) < 1e-8
    if "rates" not in iv:
        return
    rates = iv["rates"]
    top = np.max(rates.hi)
    assert np.max(rates.hi - rates.lo) < 1e-7 * top


@pytest.mark.parametrize("model, params", [("tls_b1", dict(N=150, T=0.1)),
                                           ("eg", dict(N=150, T=0.1, xi=0.1))])
def test_the_three_solver_cases_widen_the_bounds_in_turn(model, params):
    """identical solution < same path (last bits differ) < diverged path (residual bound); a
    consistent row passes at every one of them."""
    fresh = R.compute_realization(model, params, 5, 1, keep_context=True)
    widths = []
    for path, change in (("identical", {}),
                         ("same", {"solution_digest": np.int64(12345)}),
                         ("diverged", {"solution_digest": np.int64(12345),
                                       "iterations": fresh.summary["iterations"] + 1})):
        row = {**fresh.summary, **change}
        comp = C.compare_realization(row, fresh, level="tolerance")
        assert comp.ok and comp.path == path, comp.describe()
        iv = EB.raw_intervals(fresh, row)
        widths.append(float(np.max(iv["energies"].hi - iv["energies"].lo)))
    assert widths[0] < widths[1] < widths[2]
