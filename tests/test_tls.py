"""Physics tests of the TLS glass kernels: limits with known answers, symmetries, the SCE residual,
Eq. (12) and the Jacobian of Eq. (11) against Eq. (B1)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import glasslib as gl


def small_glass(seed=3, N=300, W=1.0, J=1.0, dtype=np.float64):
    return gl.sample_tls_glass(seed, N, W, J, dtype=dtype)


def eq4_rhs(glass, x, T, c=0.25, field="asymmetry"):
    """Eq. (4) evaluated independently in float64 numpy."""
    y = x if field == "asymmetry" else gl.tls_energies(x, glass.tunneling)
    return glass.asymmetry + c * glass.couplings.astype(np.float64) @ np.tanh(y / (2 * T))


@pytest.mark.parametrize("T", [0.05, 0.1, 1.0])
@pytest.mark.parametrize("field", ["asymmetry", "energy"])
def test_sce_solution_satisfies_eq4(T, field):
    glass = small_glass()
    res = gl.solve_tls_mean_field(glass, T, field=field, rng=1)
    assert res.converged and res.residual < res.tol
    # independent residual: same float64 couplings, numpy BLAS sums (a different summation order)
    assert np.max(np.abs(res.x - eq4_rhs(glass, res.x, T, field=field))) < 2 * res.tol
    assert res.iterations >= 1 and res.site_updates >= glass.N


def test_authors_prefactor_is_used():
    glass = small_glass()
    res = gl.solve_tls_mean_field(glass, 0.1, prefactor="authors_code", rng=1)
    assert np.max(np.abs(res.x - eq4_rhs(glass, res.x, 0.1, c=1.0))) < 2 * res.tol
    # and it is a different solution from the paper's 1/4 (the factor matters)
    paper = gl.solve_tls_mean_field(glass, 0.1, rng=1)
    assert np.max(np.abs(paper.x - res.x)) > 0.1


def test_no_interaction_gives_bare_energies_exactly():
    glass = small_glass(J=0.0)
    assert not np.any(glass.couplings)
    res = gl.solve_tls_mean_field(glass, 0.05, rng=1)
    assert_array_equal(res.x, glass.asymmetry)
    E = gl.tls_energies(res.x, glass.tunneling)
    # hypot vs sqrt(x^2 + y^2): equal up to one rounding
    assert_allclose(E, np.sign(glass.asymmetry) * np.sqrt(glass.asymmetry**2 + glass.tunneling**2),
                    rtol=4e-16, atol=0)


def test_high_temperature_washes_out_the_field():
    glass = small_glass()
    T = 1e4
    res = gl.solve_tls_mean_field(glass, T, rng=1)
    # |Delta' - Delta| <= c sum_j |K_ij| |tanh(Delta'_j / 2T)| <= c sum_j |K_ij| max|Delta'| / 2T
    bound = 0.25 * np.abs(glass.couplings).sum(axis=1) * np.max(np.abs(res.x)) / (2 * T)
    assert np.all(np.abs(res.x - glass.asymmetry) <= bound + res.tol)


def gap_fraction(T, seeds=range(3), N=1000, width=0.1):
    """Fraction of TLSs with |E| < width, interacting and bare, pooled over a few realizations."""
    inter, bare = [], []
    for s in seeds:
        glass = gl.sample_tls_glass(s, N, 1.0, 1.0)
        res = gl.solve_tls_mean_field(glass, T, rng=s)
        inter.append(np.abs(gl.tls_energies(res.x, glass.tunneling)) < width)
        bare.append(np.abs(gl.tls_energies(glass.asymmetry, glass.tunneling)) < width)
    return np.mean(inter), np.mean(bare)


def test_dipole_gap_at_low_temperature_and_gone_at_high():
    cold, bare = gap_fraction(0.05)
    hot, bare_hot = gap_fraction(20.0)
    # bare Gaussian W = 1: P(|Delta| < 0.1) ~ 0.08; the gap removes most of those states at T = 0.05
    assert bare > 0.06
    assert cold < 0.25 * bare
    # at T = 20 J the thermal factor tanh(E/2T) ~ E/40 and the DOS near zero is back to ~bare
    assert hot > 0.8 * bare_hot


def test_asymmetry_sign_flip_symmetry():
    """Delta -> -Delta maps the solution to -Delta' (same couplings, same update order)."""
    glass = small_glass()
    flipped = gl.TLSGlass(glass.positions, glass.L, -glass.asymmetry, glass.tunneling,
                          glass.couplings, glass.W, glass.J)
    a = gl.solve_tls_mean_field(glass, 0.05, rng=7)
    b = gl.solve_tls_mean_field(flipped, 0.05, rng=7)
    assert_array_equal(b.x, -a.x)
    assert a.iterations == b.iterations


def test_annealed_solution_satisfies_eq4_too():
    glass = small_glass()
    res = gl.solve_tls_mean_field(glass, 0.05, rng=1, anneal_from="auto")
    assert len(res.stages) > 1 and res.stages[0][0] == pytest.approx(np.sqrt(2))
    assert res.converged
    assert np.max(np.abs(res.x - eq4_rhs(glass, res.x, 0.05))) < 2 * res.tol


def test_non_convergence_is_loud():
    glass = small_glass()
    with pytest.warns(gl.ConvergenceWarning, match="did not converge"):
        res = gl.solve_tls_mean_field(glass, 0.05, rng=1, max_sweeps=1)
    assert not res.converged
    with pytest.raises(gl.ConvergenceError):
        gl.solve_tls_mean_field(glass, 0.05, rng=1, max_sweeps=1, on_fail="raise")


def test_couplings_are_gaussian_over_r_cubed():
    glass = gl.sample_tls_glass(0, 400, 1.0, 2.0, dtype=np.float64)
    r = gl.minimum_image_distances(glass.positions, glass.L)
    iu = np.triu_indices(glass.N, 1)
    u = (glass.couplings * r**3)[iu]
    # U0 = J r_nn^3 = 2; 79800 samples: std error of the std ~ 2/sqrt(2*79800) = 0.005
    assert u.std() == pytest.approx(2.0, abs=0.02)
    assert abs(u.mean()) < 0.03
    # Gaussian fourth moment (kurtosis 3) within sampling error (~0.02)
    assert np.mean(u**4) / np.mean(u**2) ** 2 == pytest.approx(3.0, abs=0.1)


@pytest.mark.slow
def test_tunneling_is_log_uniform_and_asymmetry_gaussian():
    glass = gl.sample_tls_glass(1, 20000, 2.5, 1.0, tunneling_range=(1e-7, 1e-1))
    logd0 = np.log10(glass.tunneling)
    assert logd0.min() >= -7 and logd0.max() <= -1
    counts, _ = np.histogram(logd0, bins=12, range=(-7, -1))
    # uniform in log: each of 12 bins holds 20000/12 = 1667 +- 41
    assert np.all(np.abs(counts - 20000 / 12) < 5 * 41)
    assert glass.asymmetry.std() == pytest.approx(2.5, rel=0.03)


def test_rates_eq12_limits():
    T, a = 0.1, 3.0
    d0 = np.array([1e-3, 1e-3, 1e-3, 1e-2])
    E = np.array([0.0, 1e-9, 50.0, -50.0])
    lam = gl.tls_relaxation_rates(E, d0, T, a)
    # E -> 0: E coth(E/2T) -> 2T;   |E| >> T: -> |E|
    assert_allclose(lam[:2], a * d0[:2] ** 2 * 2 * T, rtol=1e-12)
    assert_allclose(lam[2:], a * d0[2:] ** 2 * 50.0, rtol=1e-12)
    # intermediate value against the textbook form
    E = np.linspace(-3, 3, 61)
    E = E[E != 0]
    assert_allclose(gl.tls_relaxation_rates(E, np.full(E.size, 0.01), T),
                    1e-4 * E / np.tanh(E / (2 * T)), rtol=1e-12)


def nonlinear_rhs(sigma, glass, T, c, a=1.0):
    """Eq. (11) with E_i(sigma) from Delta'_i = Delta_i - c sum_j K_ij sigma_j (Eq. 4,
    sigma = -tanh)."""
    K = glass.couplings.astype(np.float64)
    dprime = glass.asymmetry - c * K @ sigma
    E = gl.tls_energies(dprime, glass.tunneling)
    return -a * glass.tunneling**2 * E * (sigma / np.tanh(E / (2 * T)) + 1.0)


@pytest.mark.parametrize("c", [0.25, 1.0])
def test_rate_matrix_b1_is_the_jacobian_of_eq11(c):
    """Eq. (B1) (linearized convention) against a finite-difference Jacobian of Eq. (11)."""
    T = 0.5
    glass = gl.sample_tls_glass(5, 12, 1.0, 0.3, dtype=np.float64, tunneling_range=(0.05, 0.5))
    res = gl.solve_tls_mean_field(glass, T, prefactor=c, field="energy", rng=1, tol=1e-13)
    E = gl.tls_energies(res.x, glass.tunneling)
    sigma0 = -np.tanh(E / (2 * T))
    assert np.max(np.abs(nonlinear_rhs(sigma0, glass, T, c))) < 1e-12  # equilibrium
    h = 1e-6
    jac = np.empty((glass.N, glass.N))
    for j in range(glass.N):
        e = np.zeros(glass.N)
        e[j] = h
        jac[:, j] = (nonlinear_rhs(sigma0 + e, glass, T, c)
                     - nonlinear_rhs(sigma0 - e, glass, T, c)) / (2 * h)
    A = gl.tls_rate_matrix(glass.couplings, res.x, glass.tunneling, T, prefactor=c)
    # central differences: error O(h^2 * third derivative) ~ 1e-10 relative to entries ~ 1e-2
    assert_allclose(A, jac, atol=1e-8 * np.max(np.abs(A)))


def test_rate_spectrum_without_interactions_is_the_rates():
    glass = small_glass(N=200)
    res = gl.solve_tls_mean_field(glass, 0.1, rng=1)
    E = gl.tls_energies(res.x, glass.tunneling)
    A = gl.tls_rate_matrix(np.zeros_like(glass.couplings), res.x, glass.tunneling, 0.1)
    rates = gl.tls_relaxation_rates(E, glass.tunneling, 0.1)
    assert_allclose(gl.tls_rate_spectrum(A), np.sort(rates), rtol=1e-12)
