"""The straightforward way: what a reader would first write with numpy/scipy for one
realization (dense float64, damped synchronous Jacobi iteration, general eigensolver).

They time the baseline side of the benchmark table, and serve as test oracles: the same problem
solved independently of glasslib's kernels (``tests/test_benchmark_baselines.py``).
"""

from __future__ import annotations

import numpy as np
from cases import EG_T, EG_W, EG_XI, JACOBI_DAMPING, TLS_J, TLS_T, TLS_W, TOL, _Stopwatch, _streams


def _jacobi(fixed_point_map, x0, max_iter):
    """Damped synchronous iteration ``x <- (1-a) x + a F(x)``; stops when max|F(x) - x| < TOL."""
    x = x0.copy()
    residual = np.inf
    for iteration in range(1, max_iter + 1):
        F = fixed_point_map(x)
        residual = float(np.max(np.abs(F - x)))
        if residual < TOL:
            return x, iteration, residual, True
        x = (1.0 - JACOBI_DAMPING) * x + JACOBI_DAMPING * F
    return x, max_iter, residual, False


def _jacobi_summary(iterations, residual, converged, max_iter):
    capped = "" if converged else f" (cap {max_iter})"
    return f"{iterations} Jacobi iterations{capped}, residual {residual:.1e}"


def tls_jacobi_solve(K, b, T, max_iter, c=0.25):
    """Eq. (4) by the damped synchronous iteration from ``x = b``:
    ``(x, iterations, residual, converged)``."""
    return _jacobi(lambda x: b + c * (K @ np.tanh(x / (2 * T))), b, max_iter)


def naive_tls_rates(E, D0, T, a=1.0):
    """Eq. (12) as printed, ``a D0^2 |E| coth(|E|/2T)`` (no care for E -> 0 or overflow)."""
    return a * D0**2 * np.abs(E) / np.tanh(np.abs(E) / (2 * T))


def tls_straightforward(N, seed, max_iter):
    import glasslib

    sample_rng, _ = _streams(seed)
    clock = _Stopwatch()
    # same draw order as glasslib.sample_tls_glass: sites, Delta, Delta_0, then the couplings
    L = glasslib.box_side(N, 3)
    positions = sample_rng.uniform(0.0, L, size=(N, 3))
    b = TLS_W * sample_rng.standard_normal(N)
    D0 = np.exp(sample_rng.uniform(np.log(1e-7), np.log(1e-1), size=N))
    r2 = np.zeros((N, N))
    for k in range(3):
        dx = positions[:, None, k] - positions[None, :, k]
        dx -= L * np.round(dx / L)
        r2 += dx * dx
    np.fill_diagonal(r2, np.inf)
    g = sample_rng.standard_normal((N, N))
    u = np.triu(g, 1)
    u = u + u.T
    K = TLS_J * u / (r2 * np.sqrt(r2))
    clock.lap("sampling")
    x, iterations, residual, converged = tls_jacobi_solve(K, b, TLS_T, max_iter)
    clock.lap("solve")
    naive_tls_rates(np.sign(x) * np.sqrt(x**2 + D0**2), D0, TLS_T)
    clock.lap("rates")
    solver = _jacobi_summary(iterations, residual, converged, max_iter)
    return {"stages": clock.stages, "solver": solver, "converged": converged}


def eg_straightforward(N, seed, max_iter):
    import scipy.linalg

    import glasslib
    from glasslib.mean_field import half_filling_mu

    sample_rng, _ = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_electron_glass(sample_rng, N, EG_W)
    clock.lap("sampling")
    eps, K = glass.site_energies, glass.inverse_distances
    mu = 0.0

    def eq20(E):
        nonlocal mu
        mu = half_filling_mu(E, EG_T)
        return eps - 0.5 * (K @ np.tanh((E - mu) / (2 * EG_T)))

    E, iterations, residual, converged = _jacobi(eq20, eps, max_iter)
    clock.lap("solve")
    A = glasslib.eg_rate_matrix(E - mu, glass.distances(), EG_T, EG_XI)
    clock.lap("rate matrix")
    scipy.linalg.eigvals(A)
    clock.lap("eigenvalues")
    solver = _jacobi_summary(iterations, residual, converged, max_iter)
    return {"stages": clock.stages, "solver": solver, "converged": converged}




def eg_sequential_solve(K, eps, T, tol, max_sweeps=5000):
    """Eq. (20) by a plain Python-loop sequential (Gauss-Seidel) iteration: each sweep updates
    every site in turn from the current field (one numpy dot per site), then re-solves mu for
    half filling; stops when a sweep's largest change is below ``tol``. Returns
    ``(E - mu, sweeps)``."""
    from glasslib.mean_field import half_filling_mu

    E = eps.astype(np.float64).copy()
    mu = half_filling_mu(E, T)
    m = np.tanh((E - mu) / (2 * T))
    for sweep in range(1, max_sweeps + 1):
        biggest = 0.0
        for i in range(E.size):
            new = eps[i] - 0.5 * float(K[i] @ m)
            biggest = max(biggest, abs(new - E[i]))
            E[i] = new
            m[i] = np.tanh((new - mu) / (2 * T))
        mu = half_filling_mu(E, T)
        m = np.tanh((E - mu) / (2 * T))
        if biggest < tol:
            return E - mu, sweep
    return E - mu, max_sweeps


def eg_plain(N, seed, max_sweeps=5000):
    """The electron glass the plain way: glasslib's sampling, the sequential Python-loop solve,
    the symmetrized rate matrix of Eq. (23) written with numpy (N x N temporaries), and the same
    symmetric eigensolver (``scipy.linalg.eigvalsh``, one LAPACK thread)."""
    import scipy.linalg
    from threadpoolctl import threadpool_limits

    import glasslib

    sample_rng, _ = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_electron_glass(sample_rng, N, EG_W)
    clock.lap("sampling")
    E, sweeps = eg_sequential_solve(glass.inverse_distances, glass.site_energies, EG_T, TOL,
                                    max_sweeps)
    clock.lap("solve")
    r = glass.distances()
    x = E / EG_T
    gap = np.abs(x[:, None] - x[None, :]) / 2
    with np.errstate(divide="ignore", over="ignore"):
        off = np.exp(-r / EG_XI) / (2 * np.sinh(gap))
        np.fill_diagonal(off, 0.0)
        ratio = np.cosh(x[:, None] / 2) / np.cosh(x[None, :] / 2)
        S = -off
        S[np.diag_indices_from(S)] = np.nansum(off * ratio, axis=1)
    clock.lap("rate matrix")
    with threadpool_limits(1):
        scipy.linalg.eigvalsh(np.nan_to_num(S))
    clock.lap("eigenvalues")
    return {"stages": clock.stages, "solver": f"{sweeps} sequential sweeps",
            "converged": sweeps < max_sweeps}
