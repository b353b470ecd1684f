"""The assumptions behind the comparator's bounds, checked on the experiments' own parameters."""

import numpy as np
import pytest

from glasslib import error_bounds as EB
from glasslib import realizations as R
from glasslib.experiments import EXPERIMENTS, ensembles
from glasslib.tls import SCE_PREFACTORS

SOLVED = [
    pytest.param(exp.model, params, id=f"{exp.name}:{label}")
    for exp in EXPERIMENTS.values() if exp.model != "eg_distance"
    for label, params, _ in ensembles(exp, "quick")
]


@pytest.mark.parametrize("model, params", SOLVED)
def test_solver_amplification_is_well_below_its_bound(model, params):
    """kappa = ||(I - DF)^{-1}||_inf at the converged solution of realization 0 of every curve
    (quick scale) stays below a quarter of SOLVER_AMPLIFICATION; at paper scale it was measured
    at 28-47 (N = 10^3) and 82-112 (N = 10^4): benchmarks/solver_amplification.py."""
    real = R.compute_realization(model, params, 7, 0, keep_context=True)
    glass, p = real.context["glass"], real.params
    if model in R.MC_MODELS:  # every mean-field solve of the Monte Carlo
        temps = p["temperatures"] if "temperatures" in p else [p["T"]] * 2
        for res, T in zip(real.context["solvers"], temps, strict=True):
            if model in ("eg_mc", "eg_kmc"):
                kappa = EB.solver_amplification(glass.inverse_distances, res.x, -0.5 * p["J"],
                                                T, mu=res.mu)
            else:
                kappa = EB.solver_amplification(glass.couplings, res.x, real.context["c"], T)
            assert 1.0 <= kappa < EB.SOLVER_AMPLIFICATION / 4, (T, kappa)
        return
    res = real.raw["solver"]
    if model == "eg":
        kappa = EB.solver_amplification(glass.inverse_distances, res.x, -0.5 * p["J"], p["T"],
                                        mu=res.mu)
    else:
        c = (SCE_PREFACTORS[p["prefactor"]] if isinstance(p["prefactor"], str)
             else float(p["prefactor"]))
        g = glass.tunneling if p["field"] == "energy" else None
        kappa = EB.solver_amplification(glass.couplings, res.x, c, p["T"], g=g)
    assert 1.0 <= kappa < EB.SOLVER_AMPLIFICATION / 4


def test_coth_log_slope_bound_holds():
    """|d ln(E coth(E/2T)) / dE| = |1/E - 1/(T sinh(E/T))| <= min(1/E, E/6T^2) for all E > 0.

    The derivative in y = E/T is (1/T)(1/y - 1/sinh y), evaluated by its series
    y/6 - 7 y^3/360 + 31 y^5/15120 below y = 0.01 (truncation < 1e-15 relative) and directly
    above (cancellation < 1e-13 there)."""
    T = 0.3
    y = np.geomspace(1e-8, 700.0, 20001)
    series = y / 6 - 7 * y**3 / 360 + 31 * y**5 / 15120
    direct = 1.0 / y - 1.0 / np.sinh(np.minimum(y, 700.0))
    exact = np.where(y < 0.01, series, direct) / T
    bound = EB._coth_log_slope_bound(y * T, y * T, T)
    assert np.all(exact <= bound * (1 + 1e-12))
    # and it is not loose by more than a factor ~2.5 anywhere
    assert np.all(bound <= 2.5 * exact)


def test_intervals_contain_a_perturbed_recomputation():
    """Soundness, by construction of the bounds: perturb the inputs a platform may round
    differently (Delta_0 by its bound) and recompute the rates: they stay inside."""
    from glasslib import tls

    real = R.compute_realization("tls", dict(N=300, T=0.1), 3, 0, keep_context=True)
    iv = EB.raw_intervals(real, real.summary)
    g_rel = EB._tunneling_rel(real.params)
    g = real.context["glass"].tunneling * (1 + g_rel * np.random.default_rng(0).uniform(-1, 1, 300))
    E = tls.tls_energies(real.raw["solver"].x, g)
    rates = tls.tls_relaxation_rates(E, g, 0.1)
    assert np.all((iv["rates"].lo <= rates) & (rates <= iv["rates"].hi))
    assert np.all((iv["energies"].lo <= E) & (E <= iv["energies"].hi))
