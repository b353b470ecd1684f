"""The matrix-free TLS glass (glasslib.matrix_free): the generator, the solver's equivalence to
the stored-matrix one, and the model's equality in distribution with the stored-matrix sampler.

Statistical thresholds are z = 5 (two-sided false alarm 5.7e-7 for a correct implementation);
each test also shows that it can fail, by detecting a deliberately different model.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from glasslib import geometry, mean_field, tls
from glasslib import matrix_free as mf

Z_MAX = 5.0


def test_pair_normals_are_symmetric_standard_normals():
    """u_ij = u_ji; 4 x 10^5 pairs: mean and variance within 5 standard errors of 0 and 1, and a
    KS test against N(0, 1) at false alarm 1e-6; neighbouring counters are uncorrelated."""
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, 10**6, (2, 400_000))
    u = mf.pair_normals(7, i, j)
    n = u.size
    np.testing.assert_array_equal(u, mf.pair_normals(7, j, i))
    assert abs(u.mean()) < Z_MAX / np.sqrt(n)
    assert abs(u.var() - 1.0) < Z_MAX * np.sqrt(2.0 / n)
    assert stats.kstest(u, "norm").pvalue > 1e-6
    k = np.arange(200_000)
    a, b = mf.pair_normals(7, k, k + 1), mf.pair_normals(7, k + 1, k + 2)
    assert abs(np.corrcoef(a, b)[0, 1]) < Z_MAX / np.sqrt(k.size)
    assert not np.array_equal(u, mf.pair_normals(8, i, j))  # the key matters


def _glass(seed, N):
    rng = np.random.default_rng(seed)
    L = geometry.box_side(N, 3)
    return L, geometry.sample_sites(rng, N, 3, L), rng.standard_normal(N)


@pytest.mark.parametrize("seed", [0, 1])
def test_matrix_free_solve_is_the_stored_matrix_solve_of_the_same_couplings(seed):
    """The same couplings stored (dense_couplings) or regenerated: the same sweeps, the same
    updates and the same solution, to the bit (the same operations in the same order)."""
    L, pos, b = _glass(seed, 300)
    K = mf.dense_couplings(pos, L, 100 + seed, 1.0)
    np.testing.assert_array_equal(K, K.T)
    assert np.all(np.diag(K) == 0.0)
    stored = mean_field.solve_fixed_point(K, b, 0.25, 0.1, rng=np.random.default_rng(seed))
    free = mf.solve_matrix_free(pos, L, b, 100 + seed, 1.0, 0.25, 0.1,
                                rng=np.random.default_rng(seed))
    assert free.converged and stored.converged
    assert (free.sweeps, free.site_updates) == (stored.iterations, stored.site_updates)
    np.testing.assert_array_equal(free.x, stored.x)
    m = np.tanh(b)
    np.testing.assert_allclose(mf.coupling_field(pos, L, 100 + seed, 1.0, m), K @ m,
                               rtol=0, atol=1e-12 * np.abs(K).sum(axis=1).max())


def _stats(x):
    a = np.abs(x)
    return np.array([np.mean(a < 0.1), np.median(a)])


@pytest.mark.slow
def test_matrix_free_model_is_the_stored_model_in_distribution():
    """N = 2000, W = J = 1, T = 0.1 (Fig. 3's parameters): the fraction of |Delta'| < 0.1 (the
    dipole gap) and the median |Delta'| per realization, over 6 matrix-free and 12 stored-matrix
    realizations, agree within z = 5 (Welch); the same statistics tell J = 1 from J = 1.3 apart
    (z > 5), so the comparison has the power to see a wrong coupling scale."""
    N, T, R = 2000, 0.1, 6
    stored = []
    for k in range(2 * R):
        g = tls.sample_tls_glass(np.random.default_rng([5, k]), N, 1.0, 1.0)
        stored.append(_stats(tls.solve_tls_mean_field(g, T, rng=np.random.default_rng(k)).x))
    strong = []
    for k in range(2 * R):
        g = tls.sample_tls_glass(np.random.default_rng([6, k]), N, 1.0, 1.3)
        strong.append(_stats(tls.solve_tls_mean_field(g, T, rng=np.random.default_rng(k)).x))
    free = []
    for k in range(R):
        L, pos, b = _glass(1000 + k, N)
        res = mf.solve_matrix_free(pos, L, b, 2000 + k, 1.0, tls.SCE_PREFACTORS["paper"], T,
                                   rng=np.random.default_rng(k))
        assert res.converged
        free.append(_stats(res.x))
    stored, strong, free = map(np.array, (stored, strong, free))

    def z(a, c):
        return (a.mean(0) - c.mean(0)) / np.sqrt(a.var(0, ddof=1) / len(a)
                                                 + c.var(0, ddof=1) / len(c))

    assert np.all(np.abs(z(free, stored)) < Z_MAX), z(free, stored)
    assert np.max(np.abs(z(strong, stored))) > Z_MAX, z(strong, stored)


def test_bad_inputs_of_the_matrix_free_solver():
    L, pos, b = _glass(0, 20)
    with pytest.raises(ValueError, match="T"):
        mf.solve_matrix_free(pos, L, b, 1, 1.0, 0.25, -0.1, rng=0)
    with pytest.raises(ValueError, match="max_sweeps"):
        mf.solve_matrix_free(pos, L, b, 1, 1.0, 0.25, 0.1, rng=0, max_sweeps=0)
