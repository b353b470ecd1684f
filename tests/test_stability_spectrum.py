"""Linear stability of the mean-field solutions (glasslib.mean_field.stability_spectrum): limits
with known answers, the finite-difference Jacobian, and the physics: the solver selects stable
solutions, the low-temperature paramagnet is unstable."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import glasslib as gl
from glasslib import _sweeps
from glasslib.mean_field import stability_spectrum

EPS = np.finfo(float).eps


def test_no_coupling_is_the_identity():
    K = np.random.default_rng(0).standard_normal((5, 5))
    K = K + K.T
    assert_allclose(stability_spectrum(K, 0.0, np.linspace(-1, 1, 5), 0.1), np.ones(5),
                    rtol=0, atol=0)


def test_two_sites_by_hand():
    """S = [[1, -c k sqrt(D1 D2)], [., 1]] has eigenvalues 1 -+ |c k| sqrt(D1 D2), with
    D = (1 - tanh^2((x - mu)/2T)) / 2T."""
    k, c, T, mu = 0.7, 0.25, 0.3, 0.1
    x = np.array([0.2, -0.5])
    D = (1 - np.tanh((x - mu) / (2 * T)) ** 2) / (2 * T)
    off = abs(c * k) * np.sqrt(D[0] * D[1])
    got = stability_spectrum(np.array([[0.0, k], [k, 0.0]]), c, x, T, mu=mu)
    assert_allclose(got, [1 - off, 1 + off], rtol=4 * EPS)


@pytest.mark.parametrize("field", ["asymmetry", "energy"])
def test_similar_to_the_finite_difference_jacobian(field):
    """Its eigenvalues are those of I - J_F, J_F the Jacobian of the fixed-point map by central
    differences (error O(h^2 |F'''|) ~ 1e-9 with h = 1e-5 and unit-scale third derivatives
    over T^3 = 1e-3 at T = 0.1; the tolerance 1e-6 leaves room for that and the rounding
    eps |F| / h ~ 1e-11)."""
    glass = gl.sample_tls_glass(np.random.default_rng(3), 30, W=1.0, J=1.0, dtype=np.float64)
    T, c = 0.3, 0.25
    g = glass.tunneling * 50 if field == "energy" else np.zeros(30)
    sol = gl.solve_tls_mean_field(glass, T, field=field, rng=1)
    K = glass.couplings

    def F(x):
        return glass.asymmetry + c * K @ _sweeps.tanh_field(x, g, 0.0, T)

    h = 1e-5
    jac = np.empty((30, 30))
    for j in range(30):
        e = np.zeros(30)
        e[j] = h
        jac[:, j] = (F(sol.x + e) - F(sol.x - e)) / (2 * h)
    expected = np.sort(np.linalg.eigvals(np.eye(30) - jac).real)
    got = stability_spectrum(K, c, sol.x, T, g=None if field == "asymmetry" else g)
    assert_allclose(got, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_solver_selects_stable_solutions(seed):
    """Sequential updates descend the mean-field free energy, so the solutions they stop at are
    local minima: every eigenvalue of S is positive (TLS glass and electron glass at low T, where
    the equations have many solutions, saddles included)."""
    T = 0.1
    tg = gl.sample_tls_glass(np.random.default_rng(seed), 300, W=1.0, J=1.0)
    sol = gl.solve_tls_mean_field(tg, T, rng=seed)
    assert stability_spectrum(tg.couplings, 0.25, sol.x, T)[0] > 0
    eg = gl.sample_electron_glass(np.random.default_rng(seed), 300, W=1.0)
    res = gl.solve_eg_mean_field(eg, T, rng=seed)
    assert stability_spectrum(eg.inverse_distances, -0.5, res.x, T, mu=res.mu)[0] > 0


def test_the_low_temperature_paramagnet_is_unstable():
    """W = 0: x = 0 solves Eq. (4) at every T. Above the freezing temperature it is stable;
    at T << J its stability matrix I - K/(8T) has negative eigenvalues (the largest eigenvalue
    of the random coupling matrix is positive and of order J), which is why the solver's kick
    test exists."""
    tg = gl.sample_tls_glass(np.random.default_rng(4), 300, W=0.0, J=1.0)
    zero = np.zeros(300)
    top = np.linalg.eigvalsh(tg.couplings.astype(float))[-1]
    assert top > 0
    # at x = 0, D = 1/(2T) on every site: lambda_min = 1 - top / (8T), so the paramagnet is
    # stable above T = top / 8 (at T = top / 4, lambda_min = 1/2) and unstable below
    assert_allclose(stability_spectrum(tg.couplings, 0.25, zero, top / 4)[0], 0.5, rtol=1e-10)
    cold = stability_spectrum(tg.couplings, 0.25, zero, 0.01)
    assert cold[0] < 0
    assert_allclose(cold[0], 1 - top / (8 * 0.01), rtol=1e-10)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="K"):
        stability_spectrum(np.zeros((3, 2)), 0.25, np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="x"):
        stability_spectrum(np.zeros((3, 3)), 0.25, np.zeros(2), 0.1)
    with pytest.raises(ValueError, match="T"):
        stability_spectrum(np.zeros((3, 3)), 0.25, np.zeros(3), 0.0)
