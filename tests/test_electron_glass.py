"""Physics tests of the electron-glass kernels: half filling, particle-hole symmetry, the Coulomb
gap,
detailed balance of Eqs. (21, 23), exact two-site spectra and the noise rule."""

import numpy as np
import pytest
import scipy.linalg
from numpy.testing import assert_allclose, assert_array_equal

import glasslib as gl


def solved(seed=2, N=400, W=1.0, T=0.1, J=1.0):
    glass = gl.sample_electron_glass(seed, N, W)
    return glass, gl.solve_eg_mean_field(glass, T, J, rng=seed)


@pytest.mark.parametrize("T", [0.05, 0.1, 0.5])
def test_sce_eq20_and_exact_half_filling(T):
    glass, res = solved(T=T)
    assert res.converged
    E = res.x
    rhs = glass.site_energies - 0.5 * glass.inverse_distances @ np.tanh((E - res.mu) / (2 * T))
    assert np.max(np.abs(E - rhs)) < 2 * res.tol
    n = gl.occupations(E - res.mu, T)
    # "half filling" means sum n = N/2 in every realization, to rounding
    assert abs(n.sum() - glass.N / 2) < 1e-9 * glass.N


def test_particle_hole_symmetry_is_exact():
    """eps -> -eps maps the solution to E - mu -> -(E - mu) (same sites, same update order)."""
    glass, res = solved(T=0.05)
    mirror = gl.ElectronGlass(glass.positions, glass.L, -glass.site_energies,
                              glass.inverse_distances, glass.W, glass.r_nn)
    res2 = gl.solve_eg_mean_field(mirror, 0.05, rng=2)
    assert_allclose(res2.x - res2.mu, -(res.x - res.mu), atol=1e-12)


def test_dos_is_symmetric_about_zero_in_distribution():
    """Pooled over realizations, E - mu is symmetric: mean and third moment vanish within error."""
    energies = np.concatenate([(lambda r: r.x - r.mu)(solved(seed=s, N=300, T=0.1)[1])
                               for s in range(8)])
    sem = energies.std() / np.sqrt(energies.size)
    assert abs(energies.mean()) < 4 * sem
    skew = np.mean(energies**3) / energies.std() ** 3
    assert abs(skew) < 4 * np.sqrt(6 / energies.size)
    # and the counts above and below zero agree within binomial error
    assert abs(np.mean(energies > 0) - 0.5) < 4 * 0.5 / np.sqrt(energies.size)


def test_coulomb_gap_at_low_temperature():
    glass, res = solved(seed=4, N=1000, T=0.05)
    E = res.x - res.mu
    # bare: uniform on [-1/2, 1/2], so P(|eps| < 0.05) = 0.1; the Coulomb gap empties this window
    # far below that, while the interacting DOS is much wider than W = 1
    assert np.mean(np.abs(E) < 0.05) < 0.03
    assert np.ptp(E) > 2.0


def test_no_interaction_is_the_bare_spectrum():
    glass, res = solved(J=0.0)
    assert_array_equal(res.x, glass.site_energies)


def test_miller_abrahams_detailed_balance_closed_form():
    glass, res = solved(N=200)
    E = res.x - res.mu
    r = glass.distances()
    gamma = gl.miller_abrahams_rates(E, r, 0.1, 0.1)
    assert_allclose(gamma, gamma.T, rtol=1e-13)
    # A = gamma D^-1 off the diagonal, with D = n (1 - n)
    A = gl.eg_rate_matrix(E, r, 0.1, 0.1)
    off = ~np.eye(glass.N, dtype=bool)
    D = gl.occupation_variance(E, 0.1)
    assert_allclose(D, 0.25 / np.cosh(E / 0.2) ** 2, rtol=1e-13)
    assert_allclose(A[off], (gamma / D[None, :])[off], rtol=1e-12)
    assert_allclose(A.sum(axis=0), 0.0, atol=1e-13 * np.abs(A).max())


def test_two_site_spectrum_is_exact():
    """Two sites: lambda = gamma_12 (1/D_1 + 1/D_2), and the zero mode."""
    E = np.array([0.03, -0.07])
    T, xi, r = 0.1, 0.1, 0.37
    dist = np.array([[0.0, r], [r, 0.0]])
    gamma = gl.miller_abrahams_rates(E, dist, T, xi)[0, 1]
    D = gl.occupations(E, T) * (1 - gl.occupations(E, T))
    expected = gamma * (1 / D[0] + 1 / D[1])
    S = gl.eg_symmetrized_rate_matrix(E, dist, T, xi)
    assert_allclose(gl.relaxation_spectrum(S), [0.0, expected], rtol=1e-13, atol=1e-16)
    A = gl.eg_rate_matrix(E, dist, T, xi)
    assert_allclose(gl.relaxation_spectrum(A, method="general"), [0.0, expected], rtol=1e-13,
                    atol=1e-16)
    # Fig. 16's matrix: an isolated pair relaxes at 2 exp(-r/xi)
    rates = -np.linalg.eigvalsh(gl.distance_rate_matrix(dist, xi))
    assert_allclose(np.sort(rates), [0.0, 2 * np.exp(-r / xi)], rtol=1e-13, atol=1e-16)


def test_symmetric_and_general_solvers_agree_on_a_real_realization():
    glass, res = solved(seed=9, N=300)
    E, r = res.x - res.mu, glass.distances()
    S = gl.eg_symmetrized_rate_matrix(E, r, 0.1, 0.1)
    A = gl.eg_rate_matrix(E, r, 0.1, 0.1)
    sym = gl.relaxation_spectrum(S)
    gen = gl.relaxation_spectrum(A, method="general")
    floor = glass.N * np.finfo(float).eps * sym.max()
    # both are backward stable: absolute errors ~ eps * ||A||, so compare above the floor with an
    # absolute tolerance of a few floors (the general solver is the less accurate of the two)
    keep = sym > floor
    assert_allclose(gen[keep], sym[keep], rtol=1e-7, atol=10 * floor)
    # one zero mode (particle conservation) below the floor, all others positive
    assert np.sum(np.abs(sym) < floor) >= 1 and np.all(sym > -floor)


def test_drop_unresolved_rule():
    rates = np.array([-1e-17, 2e-18, 3e-13, 1e-3, 1.0])
    kept = gl.drop_unresolved(rates)
    # N eps max = 5 * 2.2e-16 = 1.1e-15: the zero mode and 2e-18 go, 3e-13 stays
    assert_array_equal(kept, [3e-13, 1e-3, 1.0])
    assert_array_equal(gl.drop_unresolved(rates, conservation_modes=0, rtol=1e-10), [1e-3, 1.0])


def test_symmetrized_matrix_is_similar_to_the_rate_matrix():
    glass, res = solved(N=60)
    E, r = res.x - res.mu, glass.distances()
    Dh = np.sqrt(gl.occupation_variance(E, 0.1))
    A = gl.eg_rate_matrix(E, r, 0.1, 0.1)
    S = gl.eg_symmetrized_rate_matrix(E, r, 0.1, 0.1)
    # -A = L D^-1 and S = D^-1/2 L D^-1/2  =>  S = -D^-1/2 A D^1/2
    assert_allclose(S, -(A * Dh[None, :]) / Dh[:, None], rtol=1e-10, atol=1e-14 * np.abs(S).max())
    assert_allclose(scipy.linalg.eigvalsh(S)[1:], np.sort(-np.linalg.eigvals(A).real)[1:],
                    rtol=1e-6)


@pytest.mark.parametrize("T", [0.05, 0.1, 1.0])
def test_rate_matrix_from_the_sites_is_the_numpy_one(T):
    """The compiled builder and the numpy one are two ways of writing the same matrix: the
    off-diagonal entries agree to ``16 eps (r/xi + |ln sinh| + 1)`` relative (the rounding of the
    exponent's terms, the bound the comparator assumes), the diagonal to ``2 N eps`` on top of
    its terms' bound; the compiled one is exactly symmetric and the same on 1 or 2 threads."""
    from glasslib.electron_glass import _log_sinh_abs

    glass, res = solved(N=300, T=T)
    E, r = res.x - res.mu, glass.distances()
    S0 = gl.eg_symmetrized_rate_matrix(E, r, T, 0.1)
    S1 = gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, E, T, 0.1)
    S2 = gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, E, T, 0.1,
                                                  threads=2)
    assert_array_equal(S1, S1.T)
    assert_array_equal(S1, S2)
    x = E / T
    ls = np.abs(_log_sinh_abs(0.5 * (x[:, None] - x[None, :])))
    tol = 16 * np.finfo(float).eps * (r / 0.1 + ls + 1.0)
    off = ~np.eye(glass.N, dtype=bool)
    assert np.all(np.abs(S1 - S0)[off] <= tol[off] * np.abs(S0)[off])
    d0, d1 = np.diag(S0), np.diag(S1)
    lc = np.abs(0.5 * x) + 1.0
    diag_tol = np.max(tol + 16 * np.finfo(float).eps * (lc[:, None] + lc[None, :]), axis=1)
    assert np.all(np.abs(d1 - d0) <= (diag_tol + 2 * glass.N * np.finfo(float).eps) * d0)
    # and it is the matrix: detailed balance makes it PSD with one zero mode
    lam = scipy.linalg.eigvalsh(S1)
    assert abs(lam[0]) < 1e3 * glass.N * np.finfo(float).eps * lam[-1] and lam[1] > 0


@pytest.mark.parametrize("d, spread", [(1, 3.0), (2, 0.05), (2, 1.0), (3, 0.3)])
def test_rate_matrix_from_the_sites_is_the_pair_by_pair_formula_to_the_bit(d, spread):
    """The compiled builder splits each tile row into passes (exponents, exponentials, entries)
    for speed; its off-diagonal entries must still be the same bits as the formula written out
    for one pair at a time with the same operations (Python's math: the same libm, correctly
    rounded sqrt). N = 150 spans three tiles; the spreads put from none to most pairs on the
    ``expm1`` branch (y < 1/4), and two sites of equal energy hit the floor of the sinh."""
    import math

    from glasslib import _sweeps

    rng = np.random.default_rng(11)
    N, T, xi = 150, 0.1, 0.1
    L = N ** (1 / d)
    pos = rng.uniform(0, L, (N, d))
    E = rng.normal(0, spread, N)
    E[7] = E[100]  # y = 0: the denominator's floor
    S = gl.eg_symmetrized_rate_matrix_from_sites(pos, L, E, T, xi)
    x = E / T
    for i in range(N):
        for k in range(i + 1, N):
            r2 = 0.0
            for a in range(d):
                dx = pos[i, a] - pos[k, a]
                dx -= L * round(dx / L)
                r2 += dx * dx
            y = 0.5 * abs(x[i] - x[k])
            q = math.exp(-y)
            den = -math.expm1(-2.0 * y) if y < 0.25 else 1.0 - q * q
            den = max(den, 2e-300)
            off = math.exp(-math.sqrt(r2) / xi - y) / den
            assert S[i, k] == -off and S[k, i] == -off, (i, k)
    assert (np.abs(x[:, None] - x[None, :]) < 0.5).sum() > N  # the expm1 branch was taken
    assert _sweeps.EG_TILE < N


def test_rate_matrix_from_the_sites_refuses_bad_input():
    glass, res = solved(N=20)
    with pytest.raises(ValueError, match="one row per energy"):
        gl.eg_symmetrized_rate_matrix_from_sites(glass.positions[:5], glass.L, res.x, 0.1, 0.1)
    with pytest.raises(ValueError, match="xi"):
        gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, res.x, 0.1, -1.0)


def test_threaded_spectrum_agrees_with_one_thread_to_the_backward_error():
    """The opt-in threaded spectrum (``blas_threads=None``) equals the one-thread one within
    ``2 N eps max(lambda)``: the backward-error bound of the docstring, twice."""
    glass, res = solved(N=400)
    S = gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, res.x - res.mu, 0.1,
                                                 0.1)
    one = gl.relaxation_spectrum(S, blas_threads=1)
    every = gl.relaxation_spectrum(S, blas_threads=None)
    assert np.max(np.abs(one - every)) <= 2 * glass.N * np.finfo(float).eps * one[-1]


def test_rate_matrix_from_the_sites_stays_finite_far_from_the_fermi_level():
    """|E|/T = 1500 on both sides of mu (close Coulomb pairs at low T): cosh(x/2) alone would
    overflow; the compiled builder keeps the diagonal's terms in one exponent, as numpy does."""
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 4.0, (6, 2))
    E = np.array([-150.0, -149.9, 0.01, 150.0, 149.95, -0.02])
    S0 = gl.eg_symmetrized_rate_matrix(E, gl.minimum_image_distances(pos, 4.0), 0.1, 0.5)
    S1 = gl.eg_symmetrized_rate_matrix_from_sites(pos, 4.0, E, 0.1, 0.5)
    assert np.all(np.isfinite(S1))
    assert_allclose(S1, S0, rtol=1e-10, atol=0)


@pytest.mark.parametrize("N", [2, 63, 64, 65, 130])
def test_rate_matrix_from_the_sites_at_tile_edges_and_on_both_paths(N):
    """Sizes around the tile side (64), and energies and distances that put some pairs on the
    exponent-form path (``ln cosh > 700`` or ``-r/xi - y < -700``) and the others on the
    product path: the compiled matrix is the numpy one within the comparator's bounds
    (``16 eps (r/xi + |ln sinh| + 1)`` per entry, ``16 eps (|lc_i| + |lc_k|)`` more per diagonal
    term, ``2 N eps`` for its sum; entries below the normal range to their rounding), on 1 and
    2 threads alike."""
    from glasslib import _sweeps
    from glasslib.electron_glass import _log_cosh, _log_sinh_abs

    rng = np.random.default_rng(N)
    L = 40.0
    pos = rng.uniform(0, L, (N, 2))
    T, xi = 0.1, 0.02  # r/xi up to 1400: the far pairs are on the exponent path
    E = rng.uniform(-1.0, 1.0, N)
    E[: N // 4] *= 160.0  # |E|/T up to 1600: ln cosh above 700 for some sites
    r = gl.minimum_image_distances(pos, L)
    S0 = gl.eg_symmetrized_rate_matrix(E, r, T, xi)
    S1 = gl.eg_symmetrized_rate_matrix_from_sites(pos, L, E, T, xi)
    S2 = gl.eg_symmetrized_rate_matrix_from_sites(pos, L, E, T, xi, threads=2)
    x = E / T
    lc = _log_cosh(0.5 * x)
    a = -r / xi - 0.5 * np.abs(x[:, None] - x[None, :])
    off = ~np.eye(N, dtype=bool)
    fast = (a > -_sweeps.FAST_EXPONENT) & (lc[:, None] < _sweeps.FAST_EXPONENT) & (
        lc[None, :] < _sweeps.FAST_EXPONENT)
    if N > 60:  # both paths are exercised
        assert np.any(fast[off]) and np.any(~fast[off])
    assert_array_equal(S1, S2)
    assert_array_equal(S1, S1.T)
    eps = np.finfo(float).eps
    ls = np.abs(_log_sinh_abs(0.5 * (x[:, None] - x[None, :])))
    tol = 16 * eps * (r / xi + ls + 1.0)
    # an entry below the normal range is rounded to the subnormal spacing 2^-1074: half of it
    # on each side, the compiled side's then divided by its 1 - e^{-2y} (<= 1)
    den = np.maximum(-np.expm1(-np.abs(x[:, None] - x[None, :])), 2e-300)
    sub = 2.0**-1074 / den
    assert np.all(np.abs(S1 - S0)[off] <= (tol * np.abs(S0) + sub)[off])
    diag_tol = np.max(tol + 16 * eps * (lc[:, None] + lc[None, :] + 2.0), axis=1)
    d0, d1 = np.diag(S0), np.diag(S1)
    assert np.all(np.abs(d1 - d0) <= (diag_tol + 2 * N * eps) * d0)


needs_two_stage = pytest.mark.skipif(not gl.electron_glass._lapack.two_stage_available(),
                                     reason="this BLAS has no dsyevd_2stage")


@needs_two_stage
@pytest.mark.parametrize("N", [2, 17, 400])
def test_two_stage_driver_agrees_with_the_classic_one_to_the_backward_error(N):
    """Both drivers are backward stable: each eigenvalue is within ``N eps ||S||`` of the
    exact one, so the two agree within twice that; the rates of a real electron-glass matrix
    (eigenvalues over 16 decades, a zero mode) and the exact two-site spectrum included."""
    glass, res = solved(N=max(N, 2))
    S = gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, res.x - res.mu, 0.1,
                                                 0.1)
    classic = gl.relaxation_spectrum(S, driver="classic")
    two = gl.relaxation_spectrum(S, driver="two_stage")
    assert np.all(np.diff(two) >= 0)  # ascending, as eigvalsh
    assert np.max(np.abs(classic - two)) <= 2 * N * np.finfo(float).eps * classic[-1]
    # the resolved rates (above the noise floor) are the same set
    kept_c, kept_t = gl.drop_unresolved(classic), gl.drop_unresolved(two)
    assert abs(kept_c.size - kept_t.size) <= 1  # a rate at the floor may fall on either side


@needs_two_stage
def test_two_stage_driver_reads_the_lower_triangle_like_eigvalsh():
    """Garbage in the strict upper triangle does not change either driver's answer."""
    rng = np.random.default_rng(5)
    A = rng.standard_normal((50, 50))
    S = np.tril(A + A.T)
    lower = S + np.triu(1e3 * rng.standard_normal((50, 50)), 1)
    expected = np.linalg.eigvalsh(np.tril(S) + np.tril(S, -1).T)
    got = gl.electron_glass._lapack.eigvalsh_2stage(lower)
    # the upper triangle is 1e3 times larger: read, it would move the spectrum by ~1e4; the
    # two backward-stable answers agree within 2 N eps ||S||
    bound = 2 * 50 * np.finfo(float).eps * np.max(np.abs(expected))
    assert_allclose(got, expected, rtol=0, atol=bound)


def test_spectrum_driver_choice_and_fallback(monkeypatch):
    """``auto`` takes the two-stage driver from TWO_STAGE_MIN_N sites on, and the classic one
    where the BLAS has none; asking for an absent driver, or a driver of the general solver,
    is an error naming it."""
    eg = gl.electron_glass
    calls = []
    monkeypatch.setattr(eg._lapack, "eigvalsh_2stage",
                        lambda m: calls.append(m.shape[0]) or np.linalg.eigvalsh(m))
    monkeypatch.setattr(eg._lapack, "two_stage_available", lambda: True)
    monkeypatch.setattr(eg._lapack, "TWO_STAGE_MIN_N", 10)
    S = np.diag(np.arange(12.0))
    gl.relaxation_spectrum(S[:9, :9])
    assert calls == []
    gl.relaxation_spectrum(S)
    assert calls == [12]
    monkeypatch.setattr(eg._lapack, "two_stage_available", lambda: False)
    assert_array_equal(gl.relaxation_spectrum(S), np.arange(12.0))
    assert calls == [12]
    with pytest.raises(ValueError, match="driver"):
        gl.relaxation_spectrum(S, driver="fast")
    with pytest.raises(ValueError, match="symmetric"):
        gl.relaxation_spectrum(S, method="general", driver="two_stage")


def test_two_stage_driver_absent_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(gl.electron_glass._lapack, "_entry_point", lambda: None)
    with pytest.raises(RuntimeError, match="dsyevd_2stage"):
        gl.relaxation_spectrum(np.eye(3), driver="two_stage")
