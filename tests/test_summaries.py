"""Ensemble summaries: normalization, the bootstrap cutoffs, the binned fit, the shift sign."""

import numpy as np
import pytest

import glasslib.summaries as S
from glasslib.realizations import RATE_EDGES
from glasslib.runner import run_ensemble


@pytest.fixture(scope="module")
def tls_ensemble(tmp_path_factory):
    return run_ensemble("tls", dict(N=300, T=0.1), 12, 4, cache_dir=tmp_path_factory.mktemp("c"),
                        workers=1, progress=False)


def test_dos_and_rate_density_are_normalized(tls_ensemble):
    x, d = S.dos(tls_ensemble)
    inside = 1 - tls_ensemble.data["energy_outside"].sum() / (300 * 12)
    assert np.sum(d) * (x[1] - x[0]) == pytest.approx(inside, rel=1e-9)  # histogram integral
    x, d = S.log_rate_density(tls_ensemble)
    assert np.sum(d * 0.05) == pytest.approx(1.0)


def test_plateau_cutoffs_bracket_the_tunnelling_range(tls_ensemble):
    c = S.plateau_cutoffs(tls_ensemble, bootstrap=50)
    # rates = Delta_0^2 E coth(E/2T) with Delta_0^2 in [1e-14, 1e-2] and E coth >= 2T = 0.2
    assert -14.7 < c.log10_min < -12.5
    assert -3 < c.log10_max < 0.5
    assert 0 < c.log10_min_err < 1


def test_binned_fit_recovers_a_power_law():
    rng = np.random.default_rng(0)
    for alpha in (1.0, 1.3):
        s = 1 - alpha
        u = rng.uniform(size=200_000)
        lo, hi = 1e-8, 1e-2
        x = lo * (hi / lo) ** u if alpha == 1 else (lo**s + u * (hi**s - lo**s)) ** (1 / s)
        counts, _ = np.histogram(np.log10(x), bins=RATE_EDGES)
        fit = S.fit_power_law_binned(RATE_EDGES, counts, lo, hi)
        assert abs(fit.alpha - alpha) < 4 * fit.alpha_err


def test_shift_sign():
    a = S.Cutoff(1e-10, 1.0, 0.05, 0.1, 1.0)
    assert S.shift_sign(a, S.Cutoff(1e-9, 1.0, 0.05, 0.1, 1.0))[0] == "+"
    assert S.shift_sign(a, S.Cutoff(1e-11, 1.0, 0.05, 0.1, 1.0))[0] == "-"
    assert S.shift_sign(a, S.Cutoff(1.1e-10, 1.0, 0.05, 0.1, 1.0))[0] == "0"


def test_abs_energy_quantile_matches_the_sample(tmp_path):
    import glasslib as gl
    from glasslib.realizations import realization_seed

    res = run_ensemble("tls", dict(N=300, T=0.1), 1, 9, cache_dir=tmp_path, workers=1,
                       progress=False)
    # recompute the realization's energies directly from its seed
    sample_ss, order_ss = realization_seed(9, 0).spawn(2)
    glass = gl.sample_tls_glass(np.random.default_rng(sample_ss), 300, 1.0, 1.0)
    sol = gl.solve_tls_mean_field(glass, 0.1, rng=np.random.default_rng(order_ss))
    true = np.median(np.abs(gl.tls_energies(sol.x, glass.tunneling)))
    # interpolation inside a 0.05-decade bin: within 6 % in |E|
    assert S.abs_energy_quantile(res, 0.5) == pytest.approx(true, rel=0.06)


def test_coulomb_gap_coefficient_of_a_linear_gap():
    """A DOS g(E) = a |E| per site on |E| < 1: fraction(|E| < e) = a e^2, so alpha(e) = a at
    every e, within the bootstrap error."""
    from pathlib import Path

    from glasslib.measures import ES_BOUND, coulomb_gap_coefficient
    from glasslib.realizations import LOG_ABS_E_EDGES
    from glasslib.runner import EnsembleResult

    rng = np.random.default_rng(3)
    a = 0.5  # fraction(|E| < e) = a e^2 for e <= 1/sqrt(2 a) = 1 ... (the rest above 1)
    rows = []
    for _ in range(20):
        n = 20000
        linear = rng.random(n) < a  # a share of sites in the linear gap, |E| = sqrt(u) on [0, 1]
        E = np.where(linear, np.sqrt(rng.random(n)), 1.0 + rng.random(n))
        rows.append(np.histogram(np.log10(E), LOG_ABS_E_EDGES)[0])
    r = EnsembleResult(Path("."), {"params": {"N": 20000}, "realizations": 20},
                       {"log_abs_energy_counts": np.array(rows, np.int32)})
    alpha, err = coulomb_gap_coefficient(r, [0.1, 0.3162277660168379, 1.0])
    assert np.all(np.abs(alpha - a) < 4 * err + 1e-3), (alpha, err)
    assert np.all(err > 0) and alpha[0] < ES_BOUND
    with pytest.raises(ValueError, match="edges"):
        coulomb_gap_coefficient(r, [0.123])
