"""Monte Carlo beyond mean field (glasslib.monte_carlo): physics, statistics, determinism.

Statistical tests are seeded, so each is deterministic; its threshold is chosen so that a
*correct* sampler fails for a given seed with probability below 1e-6 (stated at each test), while
a wrong acceptance rule, coupling scale or rate moves the statistic by many standard errors.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from glasslib import comparator, mean_field, realizations, runner
from glasslib import monte_carlo as mc

EPS = np.finfo(float).eps
#: two-sided normal threshold with false-alarm probability 5.7e-7
Z_MAX = 5.0
#: chi-squared quantile with false-alarm probability 1e-6
CHI2_P = 1.0 - 1e-6


def _symmetric(rng, n, scale=1.0, dtype=np.float64):
    a = rng.normal(0.0, scale, (n, n))
    K = (a + a.T) / 2.0
    np.fill_diagonal(K, 0.0)
    return K.astype(dtype)


def _ising_energy(delta, K, c, s):
    """``H_c`` of the module doc, by its definition (not by the fields)."""
    return 0.5 * float(delta @ s) - c / 4.0 * float(s @ K @ s)


def _eg_energy(eps, K, J, n):
    m = n - 0.5
    return float(eps @ m) + J / 2.0 * float(m @ K @ m)


# --------------------------------------------------------------------------- definitions


def test_energy_from_fields_equals_the_hamiltonian_and_flip_costs():
    rng = np.random.default_rng(0)
    N, c = 12, 0.25
    K, delta = _symmetric(rng, N), rng.normal(size=N)
    s = np.where(rng.random(N) < 0.5, -1.0, 1.0)
    h = mc.tls_fields(K, delta, c, s)
    H = _ising_energy(delta, K, c, s)
    assert mc.tls_energy(delta, h, s) == pytest.approx(H, abs=1e-12)
    for i in range(N):  # flipping i costs -sigma_i h_i
        t = s.copy()
        t[i] = -t[i]
        assert _ising_energy(delta, K, c, t) - H == pytest.approx(-s[i] * h[i], abs=1e-12)


def test_eg_energy_from_fields_and_hop_cost():
    rng = np.random.default_rng(1)
    N, J = 10, 0.7
    K, eps = np.abs(_symmetric(rng, N)), rng.uniform(-1, 1, N)
    n = np.zeros(N)
    n[rng.permutation(N)[: N // 2]] = 1
    phi = mc.eg_fields(K, eps, J, n)
    H = _eg_energy(eps, K, J, n)
    assert mc.eg_energy(eps, phi, n) == pytest.approx(H, abs=1e-12)
    for i, j in itertools.product(np.flatnonzero(n == 1), np.flatnonzero(n == 0)):
        m = n.copy()
        m[i], m[j] = 0, 1
        assert _eg_energy(eps, K, J, m) - H == pytest.approx(phi[j] - phi[i] - J * K[i, j],
                                                             abs=1e-12)


@pytest.mark.parametrize("c", [0.25, 0.5, 1.0])
def test_weiss_equation_of_the_ising_hamiltonian_is_eq4(c):
    """The mean-field solution x of Eq. (4) with prefactor c is a fixed point of the MC's local
    field with sigma replaced by its thermal mean -tanh(x / 2T): the same coupling scale on
    both sides. Tolerance: the solver's tol (1e-9) plus the rounding of an N-term row sum."""
    rng = np.random.default_rng(2)
    N, T = 60, 0.3
    K, delta = _symmetric(rng, N, 0.3), rng.normal(size=N)
    res = mean_field.solve_fixed_point(K, delta, c, T, rng=np.random.default_rng(0), tol=1e-9)
    h = mc.tls_fields(K, delta, c, -np.tanh(res.x / (2 * T)))
    np.testing.assert_allclose(h, res.x, rtol=0, atol=1e-9 + 4 * N * EPS * 10)
    assert mc.ising_coupling(c) == c / 4


def test_temperature_ladder():
    lad = mc.temperature_ladder([0.05, 0.1, 1.0], 1.25)
    assert lad[0] == 0.05 and lad[-1] == 1.0 and 0.1 in lad
    assert np.all(lad[1:] / lad[:-1] <= 1.25 * (1 + 1e-12))
    with pytest.raises(ValueError, match="max_ratio"):
        mc.temperature_ladder([0.1, 1.0], 1.0)


# --------------------------------------------------------------------------- equilibrium


def test_independent_tls_occupations_are_exact():
    """J = 0: <sigma_i> = -tanh(Delta_i / 2T). Samples 20 sweeps apart are independent (a
    two-state Metropolis chain decorrelates by a factor <= e^-(1 + e^-x) per attempt, and 20
    sweeps give ~20 attempts per site), so S samples of site i have variance (1 - m_i^2) / S:
    a z-test of the total and a chi-squared test over sites (false alarm < 1e-6 each)."""
    rng = np.random.default_rng(3)
    N, T = 40, 0.5
    K = np.zeros((N, N), np.float32)
    delta = rng.normal(size=N)
    out = mc.tls_parallel_tempering(K, delta, np.full(N, 1e-3), 0.25, [T], rng=rng,
                                    sweeps=20 * 2000 + 100, burn_in=100, sample_every=20,
                                    keep_signs=True)
    S = out["signs"][0]
    m = -np.tanh(delta / (2 * T))
    mean = S.mean(axis=0)
    var = (1 - m**2) / S.shape[0]
    z_total = float(np.sum(mean - m) / np.sqrt(np.sum(var)))
    chi2 = float(np.sum((mean - m) ** 2 / var))
    assert abs(z_total) < Z_MAX
    assert chi2 < stats.chi2.ppf(CHI2_P, N)
    # the polarization is the sum of the signs
    np.testing.assert_array_equal(out["polarization"][0], S.sum(axis=1).astype(np.int64))


def _chi2_against(counts, probs):
    expected = probs * counts.sum()
    return float(np.sum((counts - expected) ** 2 / expected)), probs.size - 1


@pytest.mark.slow  # 8-20 s: kept out of the fast loop (CI runs it)
def test_tls_detailed_balance_against_exact_enumeration():
    """4 strongly coupled TLSs on a 3-temperature ladder (exchanges included): the sampled state
    frequencies of the lowest temperature are the Boltzmann weights of H_c (chi-squared with 15
    degrees of freedom below its 1 - 1e-6 quantile; samples 10 sweeps apart at T ~ the
    couplings, whose autocorrelation is below 1e-3, so they count as independent)."""
    rng = np.random.default_rng(4)
    N, c, T = 4, 1.0, 0.6
    K, delta = _symmetric(rng, N, 0.8), rng.normal(0, 0.6, N)
    out = mc.tls_parallel_tempering(K.astype(np.float32), delta, np.full(N, 1e-3), c,
                                    [T, 1.5, 4.0], rng=rng, sweeps=10 * 20000 + 50, burn_in=50,
                                    sample_every=10, targets=[0], keep_signs=True)
    Kf = K.astype(np.float32).astype(float)
    states = np.array(list(itertools.product([-1.0, 1.0], repeat=N)))
    w = np.exp(-np.array([_ising_energy(delta, Kf, c, s) for s in states]) / T)
    p = w / w.sum()
    code = ((out["signs"][0] > 0).astype(int) * (2 ** np.arange(N - 1, -1, -1))).sum(axis=1)
    counts = np.bincount(code, minlength=2**N)
    chi2, dof = _chi2_against(counts, p)
    assert chi2 < stats.chi2.ppf(CHI2_P, dof), (counts, p * counts.sum())
    assert out["swaps"].sum() > 0  # the exchanges were exercised


@pytest.mark.slow
def test_eg_detailed_balance_against_exact_enumeration():
    """6 sites at half filling (20 states) with strong interactions, two-temperature ladder: the
    sampled frequencies are the Boltzmann weights of Eq. (19) (chi-squared, 19 dof, 1 - 1e-6)."""
    rng = np.random.default_rng(5)
    N, J, T = 6, 1.0, 0.5
    K = np.abs(_symmetric(rng, N, 0.8))
    eps = rng.uniform(-0.5, 0.5, N)
    out = mc.eg_parallel_tempering(K, eps, J, [T, 1.5, 4.0], rng=rng, sweeps=10 * 20000 + 50,
                                   burn_in=50, sample_every=10, targets=[0],
                                   keep_occupations=True)
    states = [np.array(s, float) for s in itertools.product([0, 1], repeat=N) if sum(s) == N // 2]
    w = np.exp(-np.array([_eg_energy(eps, K, J, s) for s in states]) / T)
    p = w / w.sum()
    index = {tuple(s.astype(int)): k for k, s in enumerate(states)}
    samples = out["samples"][0]
    assert np.all(samples.sum(axis=1) == N // 2)
    counts = np.bincount([index[tuple(s)] for s in samples.astype(int)], minlength=len(states))
    chi2, dof = _chi2_against(counts, p)
    assert chi2 < stats.chi2.ppf(CHI2_P, dof), (counts, p * counts.sum())
    # the single-particle energies are phi - mu at half filling
    phi = mc.eg_fields(K, eps, J, samples[-1])
    np.testing.assert_allclose(out["energies"][0][-1], phi - mean_field.half_filling_mu(phi, T),
                               atol=1e-12)


#: the single- and pair-move arrays of _tls_sweeps for a sweep of exchanges only
_NO_MOVES = (np.zeros((1, 2, 0), np.int64), np.zeros((1, 2, 0)), np.zeros(1, np.int64),
             np.zeros((1, 2, 0), np.int64), np.zeros((1, 2, 0)))


@pytest.mark.parametrize("glass", ["tls", "eg"])
def test_replica_exchange_acceptance_is_metropolis(glass):
    """The exchange step alone (no single moves: zero sites per sweep): two replicas of energies
    E_a (at beta_0) and E_b (at beta_1) swap with probability min(1, e^x), x = (beta_0 -
    beta_1)(E_a - E_b), which makes the joint distribution over the ladder stationary.
    M independent attempts, binomial z-test (false alarm 5.7e-7)."""
    betas = np.array([1.0 / 0.5, 1.0 / 1.0])
    E = np.array([0.3, 0.5])  # x = (2 - 1)(0.3 - 0.5) = -0.2: accepted with e^-0.2
    M = 20000
    u = np.random.default_rng(12).random((M, 1))
    swapped = 0
    for k in range(M):
        rep = np.arange(2, dtype=np.int64)
        acc, sw = np.zeros(2, np.int64), np.zeros(1, np.int64)
        if glass == "tls":
            mc._tls_sweeps(np.zeros((1, 1)), 0.25, betas, rep, np.ones((2, 1)), np.zeros((2, 1)),
                           E.copy(), *_NO_MOVES, u[k:k + 1], 0, acc, sw)
        else:
            z = np.zeros((1, 2, 0), np.int64)
            mc._eg_sweeps(np.zeros((2, 2)), 1.0, betas, rep, np.zeros((2, 1), np.int64),
                          np.ones((2, 1), np.int64), np.zeros((2, 2), np.int8), np.zeros((2, 2)),
                          E.copy(), z, z, np.zeros((1, 2, 0)), u[k:k + 1], 0, acc, sw)
        assert sw[0] == (rep[0] == 1)
        swapped += int(sw[0])
    p = np.exp(-0.2)
    assert abs(swapped - M * p) < Z_MAX * np.sqrt(M * p * (1 - p))
    # and the favourable direction is always taken
    rep = np.arange(2, dtype=np.int64)
    sw = np.zeros(1, np.int64)
    mc._tls_sweeps(np.zeros((1, 1)), 0.25, betas, rep, np.ones((2, 1)), np.zeros((2, 1)),
                   E[::-1].copy(), *_NO_MOVES, np.full((1, 1), 0.999999), 0,
                   np.zeros(2, np.int64), sw)
    assert sw[0] == 1


def test_incremental_fields_drift_is_bounded():
    """The running local fields (O(N) updates per accepted move) stay within the rounding of
    the updates of a full recomputation: each accepted move adds one rounded term to every
    field (two for a pair flip), so |drift_i| <= 2 moves * 2 eps (max|field| + 2 J max|K|)."""
    rng = np.random.default_rng(6)
    N, c, J = 100, 0.25, 1.0
    K, delta = _symmetric(rng, N, 0.5).astype(np.float32), rng.normal(size=N)
    s = np.where(rng.random((1, N)) < 0.5, -1.0, 1.0)
    h = mc.tls_fields(K, delta, c, s[0])[None, :].copy()
    energy = np.array([mc.tls_energy(delta, h[0], s[0])])
    acc, sw = np.zeros(1, np.int64), np.zeros(1, np.int64)
    sweeps = 400
    mc._tls_sweeps(K, c, np.array([1.0 / 0.3]), np.zeros(1, np.int64), s, h, energy,
                   rng.integers(0, N, (sweeps, 1, N)), rng.random((sweeps, 1, N)),
                   mc.strongest_partner(K), rng.integers(0, N, (sweeps, 1, N)),
                   rng.random((sweeps, 1, N)), rng.random((sweeps, 1)), 0, acc, sw)
    fresh = mc.tls_fields(K, delta, c, s[0])
    kmax = float(np.max(np.abs(K)))
    bound = 2 * acc[0] * 2 * EPS * (np.max(np.abs(fresh)) + 2 * c * kmax + 2 * c * kmax)
    assert acc[0] > 1000
    assert np.max(np.abs(h[0] - fresh)) <= bound
    e_fresh = mc.tls_energy(delta, fresh, s[0])
    assert abs(energy[0] - e_fresh) <= 2 * acc[0] * 2 * EPS * (
        abs(e_fresh) + np.max(np.abs(fresh)) + 2 * c * kmax)
    # the electron glass: the same bound, and the number of electrons is conserved exactly
    Ke, eps = np.abs(_symmetric(rng, N, 0.5)), rng.uniform(-1, 1, N)
    n = np.zeros((1, N), np.int8)
    n[0, rng.permutation(N)[: N // 2]] = 1
    occ = np.flatnonzero(n[0] == 1)[None, :].astype(np.int64)
    emp = np.flatnonzero(n[0] == 0)[None, :].astype(np.int64)
    phi = mc.eg_fields(Ke, eps, J, n[0])[None, :].copy()
    energy = np.array([mc.eg_energy(eps, phi[0], n[0])])
    acc[:] = 0
    mc._eg_sweeps(Ke, J, np.array([1.0 / 0.3]), np.zeros(1, np.int64), occ, emp, n, phi, energy,
                  rng.integers(0, N // 2, (sweeps, 1, N)), rng.integers(0, N // 2, (sweeps, 1, N)),
                  rng.random((sweeps, 1, N)), rng.random((sweeps, 1)), 0, acc, sw)
    assert int(n.sum()) == N // 2
    assert sorted(np.concatenate([occ[0], emp[0]]).tolist()) == list(range(N))
    np.testing.assert_array_equal(np.sort(occ[0]), np.flatnonzero(n[0] == 1))
    fresh = mc.eg_fields(Ke, eps, J, n[0])
    kmax = float(np.max(Ke))
    assert acc[0] > 500  # enough moves for the bound to mean something
    assert np.max(np.abs(phi[0] - fresh)) <= acc[0] * 2 * EPS * (np.max(np.abs(fresh))
                                                                 + 4 * J * kmax)
    e_fresh = mc.eg_energy(eps, fresh, n[0])
    assert abs(energy[0] - e_fresh) <= acc[0] * 2 * EPS * (abs(e_fresh) + np.max(np.abs(fresh))
                                                           + 2 * J * kmax)


def test_hot_and_cold_starts_agree_on_a_small_glass():
    """Equilibration: from random signs and from the mean-field signs the sampled energy per
    site at the lowest ladder temperature agrees within the combined batch error (z < 5)."""
    rng = np.random.default_rng(7)
    N, c = 60, 0.25
    K, delta = _symmetric(rng, N, 0.4).astype(np.float32), rng.normal(size=N)
    lad = mc.temperature_ladder([0.1, 1.0], 1.3)
    means = []
    for start in ("hot", np.where(delta >= 0, -1.0, 1.0)):
        out = mc.tls_parallel_tempering(K, delta, np.full(N, 1e-3), c, lad,
                                        rng=np.random.default_rng(8), sweeps=4200, burn_in=200,
                                        sample_every=20, targets=[0], start=start,
                                        keep_signs=True)
        e = np.array([mc.tls_energy(delta, mc.tls_fields(K, delta, c, s), s) / N
                      for s in out["signs"][0]])
        b = e.reshape(20, -1).mean(axis=1)  # 20 batches of 10 samples
        means.append((b.mean(), b.std(ddof=1) / np.sqrt(b.size)))
    (m1, s1), (m2, s2) = means
    assert abs(m1 - m2) < Z_MAX * np.hypot(s1, s2) + 1e-12


# --------------------------------------------------------------------------- kinetic MC


def test_flip_rates_satisfy_detailed_balance_and_eq12():
    rng = np.random.default_rng(9)
    N, T = 50, 0.2
    h, g = rng.normal(size=N), 10 ** rng.uniform(-4, -1, N)
    down = mc.tls_flip_rates(g, h, np.where(h > 0, 1.0, -1.0), T)  # upper state
    up = mc.tls_flip_rates(g, h, np.where(h > 0, -1.0, 1.0), T)
    np.testing.assert_allclose(up / down, np.exp(-np.abs(h) / T), rtol=1e-13)
    np.testing.assert_allclose(up + down, realizations.ising_rates(h, g, T), rtol=1e-13)


def test_independent_tls_relaxation_is_the_exact_exponential_sum():
    """J = 0: from all signs +1, E[P(t)] = sum_i [m_i + (1 - m_i) exp(-lambda_i t)] with
    lambda_i of Eq. (12), var P(t) = sum_i (1 - E[sigma_i(t)]^2); M independent trajectories,
    z-test at each of 20 times (false alarm 20 x 5.7e-7)."""
    rng = np.random.default_rng(10)
    N, T, M = 60, 0.5, 300
    K = np.zeros((N, N), np.float32)
    delta = rng.normal(size=N)
    g = 10 ** rng.uniform(-3, -1, N)
    times = np.logspace(0, 4, 20)
    P = np.array([mc.tls_kmc(K, delta, g, 0.25, T, np.ones(N), times,
                             rng=np.random.default_rng([10, k]))["P"] for k in range(M)])
    m = -np.tanh(delta / (2 * T))
    lam = realizations.ising_rates(delta, g, T)
    mean_i = m[None, :] + (1 - m[None, :]) * np.exp(-np.outer(times, lam))
    expected = mean_i.sum(axis=1)
    se = np.sqrt((1 - mean_i**2).sum(axis=1) / M)
    z = (P.mean(axis=0) - expected) / se
    assert np.max(np.abs(z)) < Z_MAX, z
    assert expected[0] - expected[-1] > 10 * se.max()  # the test sees a real relaxation


def test_kmc_stationary_state_is_the_equilibrium_state():
    """3 coupled TLSs: the states reached at t = 1e5 (>> the slowest relaxation time, ~1e3
    here) from a fixed start, over independent trajectories, are Boltzmann distributed
    (chi-squared, 7 dof, 1 - 1e-6)."""
    rng = np.random.default_rng(11)
    N, c, T = 3, 1.0, 0.7
    K, delta = _symmetric(rng, N, 0.8).astype(np.float32), rng.normal(0, 0.6, N)
    g = np.full(N, 0.1)
    M = 3000
    final = np.array([mc.tls_kmc(K, delta, g, c, T, np.ones(N), np.array([1e5]),
                                 rng=np.random.default_rng([11, k]))["signs"] for k in range(M)])
    states = np.array(list(itertools.product([-1.0, 1.0], repeat=N)))
    Kf = K.astype(float)
    w = np.exp(-np.array([_ising_energy(delta, Kf, c, s) for s in states]) / T)
    code = ((final > 0).astype(int) * (2 ** np.arange(N - 1, -1, -1))).sum(axis=1)
    chi2, dof = _chi2_against(np.bincount(code, minlength=2**N), w / w.sum())
    assert chi2 < stats.chi2.ppf(CHI2_P, dof)


# --------------------------------------------------------------------------- determinism, inputs

QUICK = {"tls_mc": dict(N=120, sweeps=120, burn_in=60, sample_every=20),
         "eg_mc": dict(N=120, sweeps=120, burn_in=60, sample_every=20),
         "tls_kmc": dict(N=120, trajectories=2, burn_in=60, sample_every=20),
         "eg_kmc": dict(N=60, trajectories=2, burn_in=60, sample_every=20)}


@pytest.mark.parametrize("model", sorted(QUICK))
def test_same_seed_same_trajectory_and_the_comparator(model):
    a = realizations.compute_realization(model, QUICK[model], 3, 1, keep_context=True)
    b = realizations.compute_realization(model, QUICK[model], 3, 1, keep_context=True)
    for name in a.summary:
        np.testing.assert_array_equal(a.summary[name], b.summary[name], err_msg=name)
    row = dict(a.summary)
    assert comparator.compare_realization(row, b, level="tolerance").ok
    # a count off by one, a float off by 1e-9 relative, a diverged trajectory: all caught
    for name, spec in realizations.FIELDS[model].items():
        if isinstance(spec, realizations.PathField):
            continue
        bad = dict(row)
        v = np.asarray(row[name])
        bad[name] = v * (1 + 1e-9) + 1e-12 if v.dtype.kind == "f" else v + 1
        c = comparator.compare_realization(bad, b, level="tolerance")
        assert not c.ok, name
        if name == "mc_digests":
            assert "diverged" in c.describe()
    other = realizations.compute_realization(model, QUICK[model], 3, 2)
    assert not np.array_equal(other.summary["mc_digests"], a.summary["mc_digests"])


def _identical(a, b):
    pa, pb = a.physics(), b.physics()
    assert sorted(pa) == sorted(pb)
    for name in pa:
        np.testing.assert_array_equal(pa[name], pb[name], err_msg=name)


@pytest.mark.slow
def test_one_two_and_dask_workers_give_identical_monte_carlo_ensembles(tmp_path):
    distributed = pytest.importorskip("distributed")
    one = {}
    for model in ("tls_mc", "tls_kmc", "eg_mc"):
        one[model] = runner.run_ensemble(model, QUICK[model], 3, 5, cache_dir=tmp_path / "a",
                                         workers=1, progress=False)
        _identical(one[model], runner.run_ensemble(model, QUICK[model], 3, 5,
                                                   cache_dir=tmp_path / "b", workers=2,
                                                   progress=False))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        for model in ("tls_kmc", "eg_mc"):
            _identical(one[model], runner.run_ensemble(
                model, QUICK[model], 3, 5, cache_dir=tmp_path / "c",
                dask=cluster.scheduler_address, progress=False))


@pytest.mark.parametrize("model,params,match", [
    ("tls_mc", dict(temperatures=[0.1, 0.05]), "ascending"),
    ("tls_mc", dict(temperatures=[]), "non-empty"),
    ("tls_mc", dict(sweeps=100, burn_in=100), "burn_in"),
    ("eg_mc", dict(N=101), "even"),
    ("tls_kmc", dict(trajectories=0), "trajectories"),
    ("tls_kmc", dict(ladder_ratio=1.0), "ladder_ratio"),
    ("tls_mc", dict(prefactor="nope"), "prefactor"),
    ("tls_mc", dict(pair_moves="yes"), "pair_moves"),
])
def test_bad_parameters_are_refused(model, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        realizations.resolve_params(model, params)


def test_bad_inputs_of_the_samplers():
    K, d = np.zeros((4, 4)), np.zeros(4)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="signs"):
        mc.tls_parallel_tempering(K, d, d + 1e-3, 0.25, [0.1], rng=rng, sweeps=2, burn_in=0,
                                  sample_every=1, start=np.zeros(4))
    with pytest.raises(ValueError, match="ascending"):
        mc.tls_parallel_tempering(K, d, d + 1e-3, 0.25, [0.2, 0.1], rng=rng, sweeps=2,
                                  burn_in=0, sample_every=1)
    with pytest.raises(ValueError, match="even"):
        mc.eg_parallel_tempering(np.zeros((5, 5)), np.zeros(5), 1.0, [0.1], rng=rng, sweeps=2,
                                 burn_in=0, sample_every=1)
    with pytest.raises(ValueError, match="N/2 ones"):
        mc.eg_parallel_tempering(K, d, 1.0, [0.1], rng=rng, sweeps=2, burn_in=0,
                                 sample_every=1, start=np.ones(4))
    with pytest.raises(ValueError, match="times"):
        mc.tls_kmc(K, d, d + 1e-3, 0.25, 0.1, np.ones(4), np.array([1.0, 0.5]), rng=rng)
    with pytest.raises(ValueError, match="s0"):
        mc.tls_kmc(K, d, d + 1e-3, 0.25, 0.1, np.ones(3), np.array([1.0]), rng=rng)


# --------------------------------------------------------------------------- electron-glass KMC


def _ma_generator(w, eps_eff, T):
    """Generator of one electron hopping among M sites at the rates of Eq. (21): column j ->
    row i at ``w_ij / (1 - e^{-z})`` downhill, times ``e^{-z}`` uphill (``z = |dE| / T``)."""
    M = eps_eff.size
    G = np.zeros((M, M))
    for i in range(M):
        for j in range(M):
            if i != j:
                dE = eps_eff[i] - eps_eff[j]  # hop j -> i
                z = abs(dE) / T
                G[i, j] = w[i, j] / (-np.expm1(-z)) * (np.exp(-z) if dE > 0 else 1.0)
    G -= np.diag(G.sum(axis=0))
    return G


def test_eg_hop_rates_detailed_balance_and_eq21():
    """Every hop's rate over its reverse's is exp(-dH/T) with dH from the Hamiltonian itself;
    downhill hops carry N + 1, uphill N (Eq. 21)."""
    rng = np.random.default_rng(20)
    N, J, T = 10, 1.0, 0.3
    K = np.abs(_symmetric(rng, N, 0.7))
    eps = rng.uniform(-0.5, 0.5, N)
    n = np.zeros(N, np.int8)
    n[rng.permutation(N)[: N // 2]] = 1
    a, b = np.nonzero(np.triu(np.ones((N, N), bool), k=1))
    w = np.exp(-rng.uniform(0, 3, a.size))
    fwd = mc.eg_hop_rates(K, eps, J, T, n, a, b, w)
    for p in np.flatnonzero(n[a] != n[b]):
        i, j = (a[p], b[p]) if n[a[p]] == 1 else (b[p], a[p])
        m = n.astype(float).copy()
        H0 = _eg_energy(eps, K, J, m)
        m[i], m[j] = 0.0, 1.0
        dH = _eg_energy(eps, K, J, m) - H0
        moved = m.astype(np.int8)
        back = mc.eg_hop_rates(K, eps, J, T, moved, a[p:p + 1], b[p:p + 1], w[p:p + 1])[0]
        assert fwd[p] / back == pytest.approx(np.exp(-dH / T), rel=1e-12)
        nb = 1.0 / np.expm1(abs(dH) / T)
        assert fwd[p] == pytest.approx(w[p] * (nb + (dH < 0)), rel=1e-12)
    assert np.all(fwd[n[a] == n[b]] == 0.0)


def test_one_electron_kmc_is_the_exact_master_equation():
    """One electron among 5 sites (interacting: with one electron the Coulomb term only shifts
    site energies, so the occupation probabilities obey the linear master equation exactly):
    the KMC occupation frequencies at 8 times equal expm(G t) p0 (binomial z-test per site and
    time, 40 tests, false alarm 40 x 5.7e-7)."""
    rng = np.random.default_rng(21)
    N, J, T, M = 5, 1.0, 0.4, 4000
    K = np.abs(_symmetric(rng, N, 0.7))
    eps = rng.uniform(-0.5, 0.5, N)
    r = rng.uniform(0.1, 0.5, (N, N))
    r = (r + r.T) / 2
    a, b = np.nonzero(np.triu(np.ones((N, N), bool), k=1))
    w = np.exp(-r[a, b] / 0.1)
    W = np.zeros((N, N))
    W[a, b] = w
    W = W + W.T
    # energy of the electron at site i: eps_i (n - 1/2) terms and J/2 sum K (n-1/2)(n-1/2)
    e_site = np.array([_eg_energy(eps, K, J, np.eye(N)[i]) for i in range(N)])
    G = _ma_generator(W, e_site, T)
    times = np.logspace(-1, 2, 8)
    n0 = np.zeros(N, np.int8)
    n0[0] = 1
    snaps = np.array([mc.eg_kmc(K, eps, J, T, n0, (a, b, w), times,
                                rng=np.random.default_rng([21, k]))["snapshots"]
                      for k in range(M)])
    assert np.all(snaps.sum(axis=2) == 1)  # the electron is conserved
    p0 = np.eye(N)[0]
    from scipy.linalg import expm

    p = np.array([expm(G * t) @ p0 for t in times])
    freq = snaps.mean(axis=0)
    se = np.sqrt(np.maximum(p * (1 - p), 1e-12) / M)
    z = (freq - p) / se
    assert np.max(np.abs(z)) < Z_MAX, z
    assert np.max(np.abs(p[-1] - p[0])) > 0.3  # the test sees real hopping


@pytest.mark.slow  # 8-20 s: kept out of the fast loop (CI runs it)
def test_eg_kmc_stationary_state_is_the_canonical_equilibrium():
    """6 strongly interacting sites at half filling (20 states): the states reached at t = 2e3
    (the slowest relaxation time is ~20) from one start, over independent trajectories, are the
    Boltzmann weights of Eq. (19) at fixed electron number (chi-squared, 19 dof, 1 - 1e-6)."""
    rng = np.random.default_rng(22)
    N, J, T, M = 6, 1.0, 0.5, 3000
    K = np.abs(_symmetric(rng, N, 0.8))
    eps = rng.uniform(-0.5, 0.5, N)
    a, b = np.nonzero(np.triu(np.ones((N, N), bool), k=1))
    w = np.exp(-rng.uniform(0.0, 3.0, a.size))
    n0 = np.array([1, 1, 1, 0, 0, 0], np.int8)
    final = np.array([mc.eg_kmc(K, eps, J, T, n0, (a, b, w), np.array([2e3]),
                                rng=np.random.default_rng([22, k]))["occupations"]
                      for k in range(M)])
    states = [np.array(s, float) for s in itertools.product([0, 1], repeat=N) if sum(s) == N // 2]
    wts = np.exp(-np.array([_eg_energy(eps, K, J, s) for s in states]) / T)
    index = {tuple(s.astype(int)): k for k, s in enumerate(states)}
    counts = np.bincount([index[tuple(s)] for s in final.astype(int)], minlength=len(states))
    chi2, dof = _chi2_against(counts, wts / wts.sum())
    assert chi2 < stats.chi2.ppf(CHI2_P, dof), (counts, wts / wts.sum() * M)


def test_eg_kmc_energies_do_not_drift_and_number_is_conserved():
    """After ~10^5 hops the incrementally updated site energies equal a recomputation to
    ``events x 4 eps x J max_i sum_j K_ij`` (each hop adds one rounded difference per site)."""
    from glasslib import electron_glass as eg

    rng = np.random.default_rng(23)
    glass = eg.sample_electron_glass(rng, 80, 1.0)
    n0 = np.zeros(80, np.int8)
    n0[rng.permutation(80)[:40]] = 1
    pairs = mc.eg_pair_list(glass.distances(), 0.1, 1.5)
    K, eps = glass.inverse_distances, glass.site_energies
    phi = mc.eg_fields(K, eps, 1.0, n0)
    cum = np.zeros(pairs[0].size)
    kab = K[pairs[0], pairs[1]]
    mc._eg_pair_rates(pairs[0], pairs[1], pairs[2], kab, n0.copy(), phi, 0.2, cum)
    n = n0.copy()
    times = np.array([1e4])
    snaps = np.zeros((1, 80), np.int8)
    u = np.random.default_rng(0).random(1 << 18)
    _, _, events, _ = mc._eg_kmc(K, 1.0, pairs[0], pairs[1], pairs[2], kab, 0.2, n, phi, cum,
                                 0.0, times, 0, snaps, u, 1e4)
    assert events > 10_000 and n.sum() == 40
    scale = float(np.max(np.abs(K).sum(axis=1)))
    np.testing.assert_allclose(phi, mc.eg_fields(K, eps, 1.0, n), rtol=0,
                               atol=events * 4 * EPS * scale)
    # the running sums are the rates of the final configuration
    np.testing.assert_allclose(np.diff(cum, prepend=0.0),
                               mc.eg_hop_rates(K, eps, 1.0, 0.2, n, *pairs), rtol=1e-9)


@pytest.mark.slow
def test_hop_cutoff_changes_the_relaxation_within_its_stated_bound():
    """A 60-site glass at xi = 0.1: the cutoff 1.5 r_nn and the full pair list give the same
    mean relaxation of the dipole over 10^3 time units (two-sample z-test at every time, 10
    tests, false alarm 10 x 5.7e-7), and the expected number of hops the cutoff removes is
    below 0.05 per trajectory."""
    from glasslib import electron_glass as eg

    rng = np.random.default_rng(24)
    glass = eg.sample_electron_glass(rng, 60, 1.0)
    r = glass.distances()
    K, eps, T, M = glass.inverse_distances, glass.site_energies, 0.2, 300
    s = realizations.square_wave(glass.positions, glass.L)
    start = np.zeros(60, np.int8)
    start[np.argsort(-(s + 0.01 * rng.random(60)))[:30]] = 1  # the + half filled: far from eq.
    full = mc.eg_pair_list(r, 0.1, 10 * glass.L)
    cut = mc.eg_pair_list(r, 0.1, 1.5)
    assert full[0].size == 60 * 59 // 2 > 3 * cut[0].size
    far = np.nonzero(np.triu(r >= 1.5, k=1))
    missed = 1e3 * mc.eg_hop_rates(K, eps, 1.0, T, start, far[0], far[1],
                                   np.exp(-r[far] / 0.1)).sum()
    assert missed < 0.05
    times = np.logspace(0, 3, 10)
    dip = {}
    for name, pairs in (("full", full), ("cut", cut)):
        dip[name] = np.array([mc.eg_kmc(K, eps, 1.0, T, start, pairs, times,
                                        rng=np.random.default_rng([24, name == "cut", k]))
                              ["snapshots"].astype(int) @ s for k in range(M)])
    d = dip["full"].mean(0) - dip["cut"].mean(0)
    se = np.sqrt(dip["full"].var(0, ddof=1) / M + dip["cut"].var(0, ddof=1) / M)
    assert np.max(np.abs(d / se)) < Z_MAX
    assert dip["full"].mean(0)[0] - dip["full"].mean(0)[-1] > 10 * se.max()  # it relaxes


def test_bad_inputs_of_the_eg_kmc():
    K, eps = np.zeros((4, 4)), np.zeros(4)
    rng = np.random.default_rng(0)
    pairs = (np.array([0]), np.array([1]), np.array([1.0]))
    with pytest.raises(ValueError, match="times"):
        mc.eg_kmc(K, eps, 1.0, 0.1, np.array([1, 0, 1, 0]), pairs, np.array([1.0, 0.5]), rng=rng)
    with pytest.raises(ValueError, match="n0"):
        mc.eg_kmc(K, eps, 1.0, 0.1, np.array([2, 0, 1, 0]), pairs, np.array([1.0]), rng=rng)
    with pytest.raises(ValueError, match="distinct sites"):
        mc.eg_kmc(K, eps, 1.0, 0.1, np.array([1, 0, 1, 0]), (np.array([0]), np.array([7]),
                  np.array([1.0])), np.array([1.0]), rng=rng)
    with pytest.raises(RuntimeError, match="hops"):
        mc.eg_kmc(K, eps, 1.0, 0.1, np.array([1, 0, 1, 0]), pairs, np.array([1e9]), rng=rng,
                  max_events=1000, block=256)
    with pytest.raises(ValueError, match="cutoff"):
        mc.eg_pair_list(np.zeros((3, 3)), 0.1, -1.0)
    with pytest.raises(ValueError, match="hop_cutoff"):
        realizations.resolve_params("eg_kmc", dict(hop_cutoff=0.0))
    with pytest.raises(ValueError, match="even"):
        realizations.resolve_params("eg_kmc", dict(N=61))


def test_eg_mean_field_prediction_is_the_linear_rate_equation():
    """The ``eg_kmc`` mean-field curve, computed from the eigenpairs of the symmetrized matrix,
    equals ``s . (expm(A t) - 1) dn(0) / N`` with A the (non-symmetric) Eq. (23) matrix of
    :func:`glasslib.electron_glass.eg_rate_matrix` (scipy's expm: relative accuracy ~1e-12 of
    ``||dn(0)||``; 1e-9 of the largest value is far above both and far below the curve's
    change), and dn(0) is the difference of the two mean-field occupations."""
    from scipy.linalg import expm

    from glasslib import electron_glass as eg

    real = realizations.compute_realization("eg_kmc", QUICK["eg_kmc"], 3, 0, keep_context=True)
    ctx, raw, p = real.context, real.raw, real.params
    res0, resh = ctx["solvers"]
    E0, Eh = res0.x - res0.mu, resh.x - resh.mu
    dn0 = eg.occupations(Eh, p["T"]) - eg.occupations(E0, p["T"])
    np.testing.assert_allclose(ctx["dn0"], dn0, rtol=1e-9, atol=1e-15)
    A = eg.eg_rate_matrix(E0, ctx["distances"], p["T"], p["xi"])
    s = ctx["s"]
    times = realizations.EG_KMC_TIMES
    direct = np.array([s @ (expm(A * t) @ dn0 - dn0) for t in times]) / p["N"]
    scale = np.max(np.abs(direct))
    assert scale > 1e-4 * abs(float(s @ dn0)) / p["N"]  # the curve moves
    np.testing.assert_allclose(raw["mf_relaxed"], direct, rtol=0, atol=1e-9 * scale)
    assert raw["mf_delta_P0"] == pytest.approx(float(s @ dn0) / p["N"], rel=1e-9)
