"""Inputs that used to give a wrong answer or a confusing failure instead of a clear one
(issue "bad inputs still open"):

1. W = 0: the start x = b = 0 is an exact but unstable fixed point at low T; the solver must
   test it with a random kick instead of returning it as converged.
2. ``relaxation_spectrum(method="symmetric")`` must reject a matrix that is not symmetric.
3. T so small that |E|/T overflows must fail naming T; up to the limit everything stays finite.
4. float16 (and longdouble) arrays are rejected, naming the argument.
5. Coincident sites (also through the periodic wrap) fail naming the two sites.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_limits

import glasslib as gl
from glasslib import _sweeps, _validation, geometry, mean_field, tls

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------------------------
# 1. W = 0: the kick test of a fixed-point start


def tls_residual(glass, x, T, c=0.25):
    """``max|x - b - c K tanh(x/2T)|`` of Eq. (4), independently in float64 numpy."""
    K = glass.couplings.astype(np.float64)
    return float(np.max(np.abs(x - glass.asymmetry - c * K @ np.tanh(x / (2 * T)))))


def sech2(y):
    """sech^2(y) = 4 e^{-2|y|} / (1 + e^{-2|y|})^2, without the overflow of cosh."""
    e = np.exp(-2.0 * np.abs(y))
    return 4.0 * e / (1.0 + e) ** 2


def stability_matrix(K, x, T, c):
    """``diag(sqrt(s)) c K diag(sqrt(s))`` with ``s_j = sech^2(x_j/2T) / 2T``.

    The fixed points of ``x = b + c K tanh(x/2T)`` are the stationary points of
    ``G(m) = -b.m - (c/2) m.K.m + 2T sum_i h(m_i)`` with ``m = tanh(x/2T)`` and
    ``h'(m) = artanh(m)`` (``dG/dm_i = x_i - b_i - c (K m)_i``). Its Hessian is
    ``diag(1/s) - c K`` (``s = dm/dx``), positive definite iff the largest eigenvalue of this
    symmetric matrix is < 1 (conjugate by ``diag(sqrt(s))``). That is linear stability: a local
    minimum of G, which the descent of the asynchronous solver can settle in; equivalently no
    eigenvalue of the map's Jacobian ``c K diag(s)`` (similar to this matrix) is >= 1.
    """
    s = sech2(x / (2 * T)) / (2 * T)
    r = np.sqrt(s)
    return r[:, None] * (c * K.astype(np.float64)) * r[None, :]


def test_tls_w0_low_T_kick_runs_away_to_a_stable_solution():
    glass = gl.sample_tls_glass(np.random.default_rng(1), 300, W=0.0, J=1.0)
    T = 0.05
    res = gl.solve_tls_mean_field(glass, T=T)
    # the all-zero start is a fixed point (tanh 0 = 0) but not the answer at low T
    assert np.max(np.abs(res.x)) > 0.1
    assert res.kicked and res.kick_sweeps >= 1 and res.kick_updates >= 1
    assert res.converged and res.residual < res.tol
    # a genuine solution of Eq. (4), checked with numpy's own sums
    assert tls_residual(glass, res.x, T) < 2 * res.tol
    # and a stable one (c = 1/4 for the paper's prefactor); x = 0 itself is far from stable
    lam = np.linalg.eigvalsh(stability_matrix(glass.couplings, res.x, T, 0.25))
    assert lam.max() < 1.0
    lam0 = np.linalg.eigvalsh(stability_matrix(glass.couplings, np.zeros(glass.N), T, 0.25))
    assert lam0.max() > 1.0


def test_eg_w0_low_T_kick_runs_away_to_a_stable_solution():
    glass = gl.sample_electron_glass(np.random.default_rng(1), 300, W=0.0)
    T, J = 0.02, 1.0
    res = gl.solve_eg_mean_field(glass, T=T, J=J)
    assert np.max(np.abs(res.x)) > 0.1
    assert res.kicked and res.converged and res.residual < res.tol
    K = glass.inverse_distances
    m = np.tanh((res.x - res.mu) / (2 * T))
    assert np.max(np.abs(res.x - glass.site_energies + 0.5 * J * K @ m)) < 2 * res.tol
    assert abs(gl.occupations(res.x - res.mu, T).sum() - glass.N / 2) <= 1e-9 * glass.N
    # stability at fixed particle number: G restricted to sum_i dm_i = 0, i.e. y = dm/sqrt(s)
    # orthogonal to sqrt(s); c = -J/2
    M = stability_matrix(K, res.x - res.mu, T, -0.5 * J)
    s_half = np.sqrt(sech2((res.x - res.mu) / (2 * T)) / (2 * T))
    q = s_half / np.linalg.norm(s_half)
    P = np.eye(glass.N) - np.outer(q, q)
    assert np.linalg.eigvalsh(P @ M @ P).max() < 1.0


def test_tls_w0_high_T_stays_a_paramagnet():
    glass = gl.sample_tls_glass(np.random.default_rng(1), 300, W=0.0, J=1.0)
    # x = 0 is stable iff c lambda_max(K) / 2T < 1 (s = 1/2T at x = 0). The close pairs' 1/r^3
    # couplings (up to ~2400 here) put that transition far above J: T = 20 is still below it
    T_c = 0.25 * np.linalg.eigvalsh(glass.couplings.astype(np.float64)).max() / 2
    assert T_c > 20.0
    T = 2.0 * T_c
    res = gl.solve_tls_mean_field(glass, T=T)
    assert res.kicked and res.converged
    # the kick (1e-3 T) relaxed back to the paramagnet, to within the tolerance
    assert np.max(np.abs(res.x)) < 10 * res.tol
    assert tls_residual(glass, res.x, T) < 2 * res.tol


def test_tls_w0_moderate_T_orders_only_the_close_pairs():
    glass = gl.sample_tls_glass(np.random.default_rng(1), 300, W=0.0, J=1.0)
    T = 20.0
    res = gl.solve_tls_mean_field(glass, T=T)
    assert res.kicked and res.converged
    assert tls_residual(glass, res.x, T) < 2 * res.tol
    assert np.linalg.eigvalsh(stability_matrix(glass.couplings, res.x, T, 0.25)).max() < 1.0
    # the strongly coupled sites polarize, the bulk stays close to the paramagnet
    assert np.max(np.abs(res.x)) > 1.0 and np.median(np.abs(res.x)) < 0.1


def test_eg_w0_high_T_stays_uniform():
    glass = gl.sample_electron_glass(np.random.default_rng(1), 300, W=0.0)
    res = gl.solve_eg_mean_field(glass, T=20.0)
    assert res.kicked and res.converged
    assert np.max(np.abs(res.x - res.mu)) < 10 * res.tol


@pytest.mark.parametrize("W", [0.0, 1.0])
def test_no_couplings_means_no_kick(W):
    glass = gl.sample_tls_glass(np.random.default_rng(2), 200, W=W, J=0.0)
    assert not np.any(glass.couplings)
    res = gl.solve_tls_mean_field(glass, T=0.05)
    assert not res.kicked and res.kick_sweeps == 0
    assert_array_equal(res.x, glass.asymmetry)  # exactly b
    eg = gl.sample_electron_glass(np.random.default_rng(2), 200, W=W)
    res = gl.solve_eg_mean_field(eg, T=0.05, J=0.0)  # c = 0: no coupling either
    assert not res.kicked
    assert_array_equal(res.x, eg.site_energies)


def _cases():
    glass = gl.sample_tls_glass(np.random.default_rng(5), 120, W=1.0, J=1.0)
    eg = gl.sample_electron_glass(np.random.default_rng(5), 120, W=1.0)
    K, b = glass.couplings, glass.asymmetry
    return {
        "tls": (K, b, 0.25, 0.05, {}),
        "tls-anneal": (K, b, 0.25, 0.05, dict(anneal_from=1.0)),
        "tls-energy": (K, b, 0.25, 0.05, dict(g=glass.tunneling)),
        "eg": (eg.inverse_distances, eg.site_energies, -0.5, 0.05, dict(half_filling=True)),
    }


@pytest.mark.parametrize("case", ["tls", "tls-anneal", "tls-energy", "eg"])
def test_w_positive_solves_are_unchanged(case):
    """A solve that never starts a stage on a fixed point draws nothing extra from its rng and
    is the same computation as before the kick test (checked bit for bit against the previous
    mean_field.py when the kick test was added); here: no kick, and the solution does not
    depend on the kick's amplitude."""
    K, b, c, T, kwargs = _cases()[case]
    res = mean_field.solve_fixed_point(K, b, c, T, rng=7, **kwargs)
    assert not res.kicked and res.kick_sweeps == 0 and res.kick_updates == 0
    saved = mean_field.KICK_PER_T
    try:
        mean_field.KICK_PER_T = 0.5
        again = mean_field.solve_fixed_point(K, b, c, T, rng=7, **kwargs)
    finally:
        mean_field.KICK_PER_T = saved
    assert_array_equal(res.x, again.x)
    assert (res.iterations, res.site_updates) == (again.iterations, again.site_updates)


# ---------------------------------------------------------------------------------------------
# 2. relaxation_spectrum(method="symmetric") checks symmetry


def _eg_matrix(N=300, seed=0):
    rng = np.random.default_rng(seed)
    pos = gl.sample_sites(rng, N, 2, 15.0)
    E = rng.uniform(-1, 1, N)
    return gl.eg_symmetrized_rate_matrix(E, gl.minimum_image_distances(pos, 15.0), 0.1, 0.5)


def test_symmetric_spectrum_rejects_a_nonsymmetric_matrix():
    A = np.random.default_rng(0).normal(size=(6, 6))
    with pytest.raises(ValueError, match=r"matrix must be symmetric.*\(\d, \d\)"):
        gl.relaxation_spectrum(A)
    with pytest.raises(ValueError, match="matrix must be symmetric"):
        gl.relaxation_spectrum(A, method="symmetric")
    gl.relaxation_spectrum(A, method="general")  # the general solver takes it


def test_symmetry_check_names_the_worst_pair_across_row_blocks():
    S = _eg_matrix(N=600)
    big = np.max(np.abs(S))
    assert S.shape[0] > 2 * _validation.SYMMETRY_BLOCK_ROWS
    S[5, 550] *= 1 + 1e-9  # a small asymmetry, found in the first block of rows
    S[595, 560] += 1e-3 * big  # the worst one, found in the last block (lower triangle)
    S[300, 20] -= 1e-6 * big  # and one in between
    with pytest.raises(ValueError, match=r"matrix must be symmetric.*\(560, 595\)"):
        gl.relaxation_spectrum(S)
    with pytest.raises(ValueError, match=r"worst pair \(560, 595\)"):
        _validation.check_symmetric("S", S, block_rows=7)  # the answer does not depend on blocks


def test_symmetric_builders_pass_the_check():
    S = _eg_matrix()
    spectrum = gl.relaxation_spectrum(S)
    with threadpool_limits(1, user_api="blas"):
        assert_array_equal(spectrum, scipy.linalg.eigvalsh(S))  # the check changes nothing
    rng = np.random.default_rng(1)
    pos = gl.sample_sites(rng, 200, 2, 13.0)
    B = gl.distance_rate_matrix(gl.minimum_image_distances(pos, 13.0), 0.2)
    gl.relaxation_spectrum(-B)
    # rounding-level asymmetry (a few ulps per entry, or below the floor near zero) is accepted
    T = S.copy()
    T[np.triu_indices(S.shape[0], 1)] *= 1 + 4 * np.finfo(float).eps
    T[3, 7] = T[7, 3] + 0.5 * np.finfo(float).eps * np.max(np.abs(S))
    gl.relaxation_spectrum(T)
    gl.relaxation_spectrum(S.astype(np.float32))


# ---------------------------------------------------------------------------------------------
# 3. T so small that |E|/T overflows

E4 = np.array([-0.7, -0.2, 0.3, 0.9])
D0 = np.array([1e-3, 1e-2, 3e-2, 5e-2])
POS4 = np.array([[0.1, 0.2], [1.3, 0.4], [0.7, 1.5], [1.6, 1.7]])
DIST4 = gl.minimum_image_distances(POS4, 2.0)
K4 = gl.sample_couplings(0, np.c_[POS4, POS4[:, :1]], 2.0, 1.0, dtype=np.float64)
TINY = 5e-324


def _calls(T, E=E4):
    return {
        "tls_relaxation_rates": lambda: gl.tls_relaxation_rates(E, D0, T),
        "tls_rate_matrix": lambda: gl.tls_rate_matrix(K4, E, D0, T),
        "occupations": lambda: gl.occupations(E, T),
        "occupation_variance": lambda: gl.occupation_variance(E, T),
        "miller_abrahams_rates": lambda: gl.miller_abrahams_rates(E, DIST4, T, 0.5),
        "eg_rate_matrix": lambda: gl.eg_rate_matrix(E, DIST4, T, 0.5),
        "eg_symmetrized_rate_matrix": lambda: gl.eg_symmetrized_rate_matrix(E, DIST4, T, 0.5),
    }


@pytest.mark.parametrize("fname", sorted(_calls(1.0)))
def test_overflowing_energy_ratio_is_rejected_naming_T(fname):
    with pytest.raises(ValueError, match=r"T must .*\|E\|/T.*float64.*0\.9"):
        _calls(TINY)[fname]()


@pytest.mark.parametrize("solver", ["tls", "eg", "fixed_point"])
def test_solvers_reject_an_overflowing_energy_ratio(solver):
    with pytest.raises(ValueError, match=r"T must .*\|E\|/T.*float64"):
        if solver == "tls":
            gl.solve_tls_mean_field(gl.sample_tls_glass(0, 20, 1.0), TINY)
        elif solver == "eg":
            gl.solve_eg_mean_field(gl.sample_electron_glass(0, 20, 1.0), TINY)
        else:
            # b = 0: only the couplings set the energy scale, |x| <= |c| max_i sum_j |K_ij|
            gl.solve_fixed_point(K4, np.zeros(4), 0.25, 1e-310)


@pytest.mark.parametrize("fname", sorted(_calls(1.0)))
def test_energy_ratio_up_to_the_limit_stays_finite(fname):
    # max|E|/T just below the limit: finite, and (warnings are errors here) silent
    T = 0.9 / (0.99 * _validation.MAX_ENERGY_RATIO)
    out = _calls(T)[fname]()
    assert np.all(np.isfinite(out))


def test_solvers_up_to_the_limit_stay_finite():
    glass = gl.sample_tls_glass(0, 40, 1.0, 1.0, dtype=np.float64)
    bound = np.max(np.abs(glass.asymmetry)) + 0.25 * np.max(np.abs(glass.couplings).sum(axis=1))
    T = bound / (0.99 * _validation.MAX_ENERGY_RATIO)
    res = gl.solve_tls_mean_field(glass, T)
    assert res.converged and np.all(np.isfinite(res.x))
    assert np.all(np.isfinite(gl.tls_rate_matrix(glass.couplings, res.x, glass.tunneling, T)))
    # the energy ratio is checked against the a-priori bound, not only |b|
    assert np.max(np.abs(glass.asymmetry)) < 0.5 * bound
    with pytest.raises(ValueError, match="T must"):
        gl.solve_tls_mean_field(glass, 0.5 * bound / _validation.MAX_ENERGY_RATIO)


def _x_coth_half_old(E, T):
    # the previous formula, 2T y / tanh(y): 2T * y overflows once |E|/2T does
    y = np.abs(E) / (2.0 * T)
    small = y < 1e-4
    ys = np.where(small, 1.0, y)
    return np.where(small, 2.0 * T * (1.0 + y * y / 3.0), 2.0 * T * ys / np.tanh(ys))


@pytest.mark.parametrize("T", [1e-3, 0.37, 7.3])
def test_x_coth_half_agrees_with_the_old_formula(T):
    rng = np.random.default_rng(3)
    x = np.concatenate([[0.0, 1e-12, 2e-4, 1e4], rng.uniform(0, 1e4, 100000),
                        np.exp(rng.uniform(np.log(1e-12), np.log(1e4), 100000))])
    # E = x T exactly would make 2T (E / 2T) = E: jitter the mantissas so the roundings differ
    E = T * x * (1 + 1e-3 * rng.uniform(-1, 1, x.size))
    E = np.concatenate([E, -E])
    new, old = tls._x_coth_half(E, T), _x_coth_half_old(E, T)
    rel = np.abs(new - old) / old
    # measured: 4.1e-16 = 1.85 eps at most (the old form rounds once more)
    assert rel.max() <= 2 * np.finfo(float).eps


def test_x_coth_half_is_exactly_abs_E_for_large_ratios():
    # coth(y) = 1 in float64 for y > 19: the result is |E| itself, at any T, with no overflow
    E = np.array([-0.9, 0.3, 1e-200, 7.0])
    for T in (1e-3, 1e-250, 1e-305, 1e-310):
        keep = (np.abs(E) > 40.0 * T) & (np.abs(E) <= _validation.MAX_ENERGY_RATIO * T)
        assert keep.any()
        assert_array_equal(tls._x_coth_half(E[keep], T), np.abs(E[keep]))


# ---------------------------------------------------------------------------------------------
# 4. float16 and longdouble arrays


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_low_or_extended_precision_arrays_are_rejected(dtype):
    if np.dtype(dtype) == np.float64:  # pragma: no cover - platforms where longdouble = double
        pytest.skip("longdouble is float64 here")
    with pytest.raises(TypeError, match=r"energies must be float32 or float64"):
        gl.tls_relaxation_rates(E4.astype(dtype), D0, 0.1)
    with pytest.raises(TypeError, match=r"tunneling must be float32 or float64"):
        gl.tls_relaxation_rates(E4, D0.astype(dtype), 0.1)
    with pytest.raises(TypeError, match=r"positions must be float32 or float64"):
        gl.minimum_image_distances(POS4.astype(dtype), 2.0)


def test_accepted_dtypes_are_unchanged():
    assert _validation.check_array("a", np.arange(3, dtype=np.int16)).dtype == np.float64
    assert _validation.check_array("a", np.arange(3, dtype=np.uint8)).dtype == np.float64
    assert _validation.check_array("a", np.ones(3, np.float32)).dtype == np.float32
    assert _validation.check_array("a", [1.0, 2.0]).dtype == np.float64
    assert np.all(gl.tls_relaxation_rates(E4.astype(np.float32), D0.astype(np.float32), 0.1) > 0)


# ---------------------------------------------------------------------------------------------
# 5. coincident sites


def _positions(N=40, d=3, L=3.0, seed=0):
    return np.random.default_rng(seed).uniform(0.0, L, size=(N, d))


@pytest.mark.parametrize("shift", [0.0, 1.0, -1.0, 2.0])
def test_coincident_sites_are_reported(shift):
    L = 3.0
    pos = _positions(L=L)
    pos[29] = pos[11]
    pos[35] = pos[11]
    pos[29, 0] += shift * L  # the same site seen through the periodic wrap
    msg = r"positions must .*sites 11 and 29 coincide.*the 1/r\^{} coupling is infinite"
    with pytest.raises(ValueError, match=msg.format(3)):
        gl.sample_couplings(0, pos, L, 1.0)
    with pytest.raises(ValueError, match=msg.format(1)):
        gl.coulomb_matrix(pos[:, :2], L)


@pytest.mark.parametrize("L", [3.0, 1e-3, 1e6])
def test_coincident_pairs_are_every_pair_within_the_rounding(L):
    """coincident_pairs finds every coincident pair, through the wrap too, and nothing else:
    the same set as the O(N^2) scan of every pair with the fill kernel's distance."""
    pos = geometry.wrap_positions(_positions(N=60, L=L, seed=3), L)
    pos[[4, 9]] = pos[2]
    pos[10] = pos[7]
    pos[11] = pos[7] + [L, -L, 0.0]  # the same site through the wrap (folded back below)
    pos[50, 0] = 0.0  # a pair across x = 0 / x = L
    pos[51] = pos[50]
    pos[51, 0] = L * (1 - np.finfo(float).eps)
    pos = geometry.wrap_positions(pos, L)
    r2_min = _sweeps.coincidence_r2(L)
    brute = []
    for i in range(60):
        for j in range(i + 1, 60):
            delta = np.abs(pos[i] - pos[j])
            delta = np.where(delta > 0.5 * L, L - delta, delta)
            if np.sum(delta * delta) <= r2_min:
                brute.append((i, j))
    got = [tuple(p) for p in _sweeps.coincident_pairs(pos, L)]
    assert got == brute
    assert {(2, 4), (2, 9), (4, 9), (7, 10), (7, 11), (10, 11), (50, 51)} <= set(got)


def _reference_couplings(pos, L, u, U0, power):
    """Upper triangle of the kernel, in float64 numpy with the kernel's order of operations."""
    N, d = pos.shape
    r2 = np.zeros((N, N))
    for k in range(d):
        delta = np.abs(pos[:, None, k] - pos[None, :, k])
        delta = np.where(delta > 0.5 * L, L - delta, delta)
        r2 += delta * delta
    with np.errstate(divide="ignore", invalid="ignore"):
        K = U0 * u / (r2 * np.sqrt(r2)) if power == 3 else U0 * u / np.sqrt(r2)
    return np.triu(K, 1)


def test_distinct_sites_give_the_same_couplings_as_before():
    L, N = 6.0, 300
    pos = geometry.wrap_positions(_positions(N=N, L=L, seed=4), L)
    K = gl.sample_couplings(np.random.default_rng(9), pos, L, 1.3)
    u = np.random.default_rng(9).standard_normal((N, N), dtype=np.float32).astype(np.float64)
    ref = _reference_couplings(pos, L, u, 1.3, 3).astype(np.float32)
    assert_array_equal(np.triu(K, 1), ref)
    assert_array_equal(K, K.T)
    C = gl.coulomb_matrix(pos[:, :2], L)
    assert_array_equal(np.triu(C, 1), _reference_couplings(pos[:, :2], L, 1.0, 1.0, 1))
    assert_array_equal(np.diag(C), 0.0)
    # the threaded kernel (used for N >= PARALLEL_MIN_N) gives the same bits
    for kernel in (_sweeps._fill_serial, _sweeps._fill_parallel):
        P = np.zeros((N, N), dtype=np.float32)
        kernel(P, pos, L, 0, N, u.astype(np.float32), 1.3, 3.0)
        assert_array_equal(P, ref)
    # other dimensions take the generic loop: the same bits as the reference too
    for d in (1, 4):
        p = geometry.wrap_positions(_positions(N=50, d=d, L=L, seed=5), L)
        P = np.zeros((50, 50))
        _sweeps._fill_serial(P, p, L, 0, 50, u[:50, :50].astype(np.float32), 1.3, 3.0)
        assert_array_equal(P, _reference_couplings(p, L, u[:50, :50], 1.3, 3))


def test_close_but_distinct_sites_are_accepted():
    L = 3.0
    pos = _positions(L=L)
    pos[29] = pos[11]
    pos[29, 1] += 1e-9  # close, but far above the rounding of the coordinates
    C = gl.coulomb_matrix(pos[:, :2], L)
    assert C[11, 29] == pytest.approx(1e9, rel=1e-6)

