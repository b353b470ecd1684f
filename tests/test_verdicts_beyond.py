"""The Beyond-mean-field measures and claims (glasslib.measures.beyond, verdicts.beyond_mf)."""

from __future__ import annotations

import numpy as np
import pytest

from glasslib import figures as F
from glasslib import runner
from glasslib.experiments import EXPERIMENTS, ensembles
from glasslib.measures import beyond as MB
from glasslib.realizations import KMC_TIMES
from glasslib.verdicts import DECIDED, VERDICTS
from glasslib.verdicts import beyond_mf as V


def test_slopes_of_an_exact_logarithmic_relaxation():
    """f(t) = s log10(t / t0) on the window: the fitted slope is s on the window and on both
    halves (least squares on an exact line, to rounding)."""
    f = 0.037 * np.log10(KMC_TIMES / 0.3)
    out = MB._fit_slopes(KMC_TIMES, f[None, :])[0]
    np.testing.assert_allclose(out, 0.037, rtol=1e-12)
    # a relaxation that stops halfway has a zero second half
    g = np.minimum(f, 0.037 * np.log10(1e3 / 0.3))
    s = MB._fit_slopes(KMC_TIMES, g[None, :])[0]
    assert s[2] < 0.2 * s[1]


def _run(tmp_path, name, **over):
    (label, params, count), *rest = ensembles(EXPERIMENTS[name], "quick")
    out = {label: runner.run_ensemble(EXPERIMENTS[name].model, dict(params, **over), count,
                                      EXPERIMENTS[name].seed, cache_dir=tmp_path, workers=1,
                                      progress=False, group=name, label=label)}
    for label, params, count in rest:
        out[label] = runner.run_ensemble(EXPERIMENTS[name].model, dict(params, **over), count,
                                         EXPERIMENTS[name].seed, cache_dir=tmp_path, workers=1,
                                         progress=False, group=name, label=label)
    return out


def test_dos_view_normalizes_per_sampled_site(tmp_path):
    data = _run(tmp_path, V.TG)
    (r,) = data.values()
    p = r.meta["params"]
    per = MB.samples_per_realization(p)
    for start, n in (("mc", per), ("cold", per), ("mf", 1)):
        v = MB.dos_view(r, start, p["temperatures"][0])
        # every sampled single-particle energy is counted once in the log|E| histogram
        assert int(v.data["log_abs_energy_counts"].sum()) == v.realizations * p["N"] * n
        assert v.meta["params"]["N"] == p["N"] * n
    with pytest.raises(ValueError, match="anchor"):
        MB.dos_view(r, "mc", 0.123)
    with pytest.raises(ValueError, match="start"):
        MB.dos_view(r, "warm", p["temperatures"][0])


@pytest.mark.slow
def test_claims_at_quick_scale_are_well_formed(tmp_path):
    data = {name: _run(tmp_path, name) for name in (V.TG, V.EG, V.KMC, V.EG_KMC)}
    claims = V.claims(data)
    figures = {c.figure for c in claims}
    assert {"Beyond MF (Fig. 1)", "Beyond MF (Fig. 2)", "Beyond MF (Fig. 8)",
            "Beyond MF (Table I, TG, disorder)", "Beyond MF (Table I, TG, interaction)",
            "Beyond MF (Table I, EG, disorder)", "Beyond MF (Table I, EG, interaction)"} <= figures
    eg = [c for c in claims if c.target == V.TARGET_EG_KMC]
    assert len(eg) == 3 * 2 + 2 + 3  # log and Eq. 17 per scheme, two directions, MF vs KMC
    assert all("10^4" in c.measured for c in eg if "Table I" in c.figure)
    for c in claims:
        assert c.verdict in VERDICTS
        F.by_label(c.target)  # a registered figure


@pytest.mark.slow
def test_mean_field_relaxation_is_exact_without_interactions(tmp_path):
    """J = 0: the TLSs are independent, mean field is exact, so the kinetic Monte Carlo must
    relax as Eq. (15) predicts: the initial deviations agree within 3 combined standard
    errors, and the claim "MF relaxation = KMC" is decided and reproduced (rho within
    [0.8, 1.25] + 2 sigma)."""
    params = dict(N=300, W=1.0, J=0.0, T=0.1, trajectories=8, burn_in=100, sample_every=20)
    r = runner.run_ensemble("tls_kmc", params, 8, 5, cache_dir=tmp_path, workers=1,
                            progress=False)
    k, m = MB.kmc_relaxation(r, "kmc"), MB.kmc_relaxation(r, "mf")
    assert abs(k.delta0 - m.delta0) < 3 * np.hypot(k.delta0_err, m.delta0_err)
    c = V._mf_vs_kmc_claim("J=0", r)
    assert c.verdict == "reproduced", c
    assert c.verdict in DECIDED
    # the page's J = 0 curve is a control: shown, not claimed
    assert V.claims({V.KMC: {V.CONTROL: r}}) == []


def test_eq17_fraction_is_one_minus_the_papers_form():
    """Inside its window, Eq17.fraction(t) = 1 - |delta sigma|(t) with Eq. (17) as
    glasslib.analysis.log_relaxation writes it, c = 1/ln(lambda_max/lambda_min)."""
    from glasslib.analysis import log_relaxation

    e = MB.Eq17(-12.0, -2.0, 1.0 / 10.0, 0.0)
    t = np.logspace(3, 11, 9)
    c = 1.0 / np.log(10.0**10)
    np.testing.assert_allclose(e.fraction(t), 1.0 - log_relaxation(t, 1e-12, c), rtol=1e-12)


@pytest.mark.slow
def test_electron_glass_static_response_is_mean_field_without_interactions(tmp_path):
    """J = 0: non-interacting electrons, so the equilibrium response of the dipole to the
    potential step is the Fermi-function one that mean field computes (up to the O(1/N)
    difference of fixed electron number and fixed mu): KMC's initial deviation agrees with mean
    field's within 3 combined standard errors, the potential does move the dipole, and the
    J = 0 control carries no claim."""
    params = dict(N=100, W=1.0, J=0.0, T=0.1, xi=0.1, trajectories=4, burn_in=100,
                  sample_every=20)
    r = runner.run_ensemble("eg_kmc", params, 12, 7, cache_dir=tmp_path, workers=1,
                            progress=False)
    k, m = MB.kmc_relaxation(r, "kmc"), MB.kmc_relaxation(r, "mf")
    assert abs(k.delta0 - m.delta0) < 3 * np.hypot(k.delta0_err, m.delta0_err)
    assert k.delta0 > 5 * k.delta0_err
    assert V.claims({V.EG_KMC: {V.CONTROL: r}}) == []
    # the expected number of hops the cutoff removes stays small
    assert float(np.max(r.data["kmc_missed"])) < 1.0


def test_ratio_interval_has_no_upper_end_when_the_denominator_may_vanish():
    # significant denominator: rho +- 2 sigma_rho (errors propagated)
    lo, hi = V._ratio_interval(1.0, 0.05, 2.0, 0.1)
    err = 0.5 * np.hypot(0.05, 0.05)
    assert (lo, hi) == pytest.approx((0.5 - 2 * err, 0.5 + 2 * err))
    # denominator within two standard errors of zero: unbounded above, and its lower end is
    # what the numerator's low end over the denominator's high end allows
    lo, hi = V._ratio_interval(3.65, 0.51, 0.27, 0.16)
    assert hi == np.inf and lo == pytest.approx((3.65 - 1.02) / (0.27 + 0.32))
    assert V._ratio_interval(0.1, 0.1, 0.0, 0.1) == (0.0, np.inf)
