"""Self-consistent mean-field solver shared by the TLS glass (Eq. 4) and electron glass (Eq. 20).

The procedure (which solution it selects matters at low T, where the mean-field equations have
many solutions):

1. Start from the non-interacting values ``x = b`` (``Delta'_i = Delta_i``; ``E_i = eps_i``).
2. Optionally anneal (``anneal_from``): solve at a geometric ladder of temperatures from
   ``anneal_from`` down to ``T``, each stage warm-started from the previous one (the authors'
   temperature ladder). Without it (the default of the model wrappers) the solve is a quench:
   the descent starts from the bare values directly at ``T``.
3. At every temperature, asynchronous (Gauss-Seidel) updates, one site at a time, in a fresh
   random order each sweep (the order comes from the ``rng`` passed in, so it is reproducible);
   a site whose residual is already below ``tol/2`` is skipped. For symmetric couplings each
   update is a descent step on the mean-field free energy, so unlike the plain synchronous
   (Jacobi) iteration this cannot fall into 2-cycles.
4. Stop when the true residual ``max_i |x_i - F_i(x)|`` (F the full right-hand side, evaluated
   with float64 sums) is below ``tol``; report the sweeps and the residual. Not converging within
   ``max_sweeps`` emits a :class:`ConvergenceWarning` (or raises, with ``on_fail="raise"``).

The electron glass adds exact half filling: after each sweep the chemical potential ``mu`` is
re-solved so that ``sum_i n_i = N/2`` holds exactly (to ``filling_tol``).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from . import _sweeps
from ._validation import check_array, check_choice, check_int, check_real, check_rng

__all__ = [
    "ConvergenceWarning",
    "ConvergenceError",
    "MeanFieldResult",
    "solve_fixed_point",
    "anneal_ladder",
    "half_filling_mu",
]


class ConvergenceWarning(RuntimeWarning):
    """A mean-field solve stopped at ``max_sweeps`` without reaching its tolerance."""


class ConvergenceError(RuntimeError):
    """Raised instead of :class:`ConvergenceWarning` when ``on_fail="raise"``."""


@dataclass
class MeanFieldResult:
    """Outcome of one self-consistent solve.

    ``x`` is the converged variable (``Delta'`` or ``E``), ``iterations`` the total number of
    sweeps over all annealing stages, ``residual`` the final ``max_i |x_i - F_i(x)|`` at the
    target temperature, ``stages`` the (temperature, sweeps, residual) of each ladder stage.
    """

    x: np.ndarray
    mu: float
    iterations: int
    residual: float
    converged: bool
    tol: float
    stages: list = field(default_factory=list)
    site_updates: int = 0
    seconds: float = 0.0


def anneal_ladder(T: float, anneal_from: float | None, factor: float = 2.0) -> np.ndarray:
    """Temperatures from ``anneal_from`` down to ``T``, each ``factor`` times the next.

    Returns ``[T]`` when ``anneal_from`` is None or not above ``T``.
    """
    T = check_real("T", T, positive=True)
    factor = check_real("anneal_factor", factor, positive=True)
    if factor <= 1.0:
        raise ValueError(f"anneal_factor must be > 1, got {factor}")
    if anneal_from is None:
        return np.array([T])
    anneal_from = check_real("anneal_from", anneal_from, positive=True)
    if anneal_from <= T:
        return np.array([T])
    steps = math.ceil(math.log(anneal_from / T) / math.log(factor))
    return T * (anneal_from / T) ** (np.arange(steps, -1, -1) / steps)


def _fermi_sum_minus_half(mu, x, T):
    # sum_i n_i - N/2 with n_i = (1 - tanh((x_i - mu)/2T)) / 2; decreasing in -mu, stable in tanh
    return -0.5 * np.sum(np.tanh((x - mu) / (2.0 * T)))


def half_filling_mu(x: np.ndarray, T: float) -> float:
    """Chemical potential ``mu`` with ``sum_i f((x_i - mu)/T) = N/2`` exactly (Fermi function f).

    The root is bracketed by ``[min x - 40T, max x + 40T]`` (the sum is monotonic in ``mu``) and
    found by Brent's method to machine precision.
    """
    lo = float(np.min(x)) - 40.0 * T
    hi = float(np.max(x)) + 40.0 * T
    return brentq(_fermi_sum_minus_half, lo, hi, args=(x, T), xtol=1e-14, rtol=8.9e-16, maxiter=500)


def _true_residual(K, b, c, g, mu, T, x):
    """``max_i |x_i - F_i(x)|`` recomputed from scratch (float64 row sums)."""
    m = _sweeps.tanh_field(x, g, mu, T)
    return float(np.max(np.abs(x - _sweeps.fixed_point_map(K, b, c, m))))


def solve_fixed_point(
    K: np.ndarray,
    b: np.ndarray,
    c: float,
    T: float,
    *,
    g: np.ndarray | None = None,
    half_filling: bool = False,
    rng=0,
    tol: float = 1e-8,
    max_sweeps: int = 5000,
    anneal_from: float | None = None,
    anneal_factor: float = 2.0,
    stage_tol: float = 1e-4,
    damping: float = 0.0,
    x0: np.ndarray | None = None,
    on_fail: str = "warn",
) -> MeanFieldResult:
    """Solve ``x_i = b_i + c sum_j K_ij tanh((phi_j(x_j) - mu)/2T)`` by annealed asynchronous sweeps.

    Low-level driver behind :func:`glasslib.tls.solve_tls_mean_field` (Eq. 4) and
    :func:`glasslib.electron_glass.solve_eg_mean_field` (Eq. 20); see the module docstring.
    A sweep visits every site once in a fresh random order and updates those whose residual
    exceeds ``tol / 2`` (:func:`glasslib._sweeps.residual_driven_pass`); sweeps repeat until one
    updates nothing, then the residual is recomputed from scratch and checked against ``tol``.
    ``stage_tol`` is the looser tolerance of intermediate annealing stages; ``x0`` overrides the
    start ``x = b``; ``damping`` in [0, 1) mixes the old value into each update.
    """
    T = check_real("T", T, positive=True)
    tol = check_real("tol", tol, positive=True)
    stage_tol = max(check_real("stage_tol", stage_tol, positive=True), tol)
    max_sweeps = check_int("max_sweeps", max_sweeps, minimum=1)
    damping = check_real("damping", damping, nonnegative=True)
    if damping >= 1.0:
        raise ValueError(f"damping must be in [0, 1), got {damping}")
    check_choice("on_fail", on_fail, ("warn", "raise"))
    rng = check_rng("rng", rng)
    b = np.ascontiguousarray(check_array("b", b, ndim=1), dtype=np.float64)
    N = b.shape[0]
    if K.ndim != 2 or K.shape != (N, N):
        raise ValueError(f"couplings must have shape {(N, N)}, got {K.shape}")
    if K.dtype not in (np.float32, np.float64) or not K.flags.c_contiguous:
        raise TypeError("couplings must be a C-contiguous float32 or float64 array")
    g = np.zeros(N) if g is None else np.ascontiguousarray(g, dtype=np.float64)
    c = check_real("c", c)
    if x0 is None:
        x = b.copy()
    else:
        x = np.array(check_array("x0", x0, shape=(N,)), dtype=np.float64)

    started = time.perf_counter()
    ladder = anneal_ladder(T, anneal_from, anneal_factor)
    stages = []
    total = 0
    updates = 0
    mu = 0.0
    residual = np.inf
    converged = False
    for k, T_stage in enumerate(ladder):
        final = k == len(ladder) - 1
        goal = tol if final else stage_tol
        if half_filling:
            mu = half_filling_mu(x, T_stage)
        m = _sweeps.tanh_field(x, g, mu, T_stage)
        h = _sweeps.matvec64(K, m)
        sweeps = 0
        residual = np.inf
        while sweeps < max_sweeps:
            made, _ = _sweeps.residual_driven_pass(
                K, b, c, g, mu, T_stage, x, m, h, rng.permutation(N), goal / 2, damping
            )
            sweeps += 1
            updates += made
            if half_filling:
                mu = half_filling_mu(x, T_stage)
                m = _sweeps.tanh_field(x, g, mu, T_stage)
                h = _sweeps.matvec64(K, m)
            if made == 0:
                residual = _true_residual(K, b, c, g, mu, T_stage, x)
                if residual < goal:
                    break
                # rounding drift in the running sums: start again from exact sums
                m = _sweeps.tanh_field(x, g, mu, T_stage)
                h = _sweeps.matvec64(K, m)
        else:
            residual = _true_residual(K, b, c, g, mu, T_stage, x)
        total += sweeps
        stages.append((float(T_stage), sweeps, float(residual)))
        if final:
            converged = bool(residual < tol)
    result = MeanFieldResult(
        x=x,
        mu=float(mu),
        iterations=total,
        residual=float(residual),
        converged=converged,
        tol=tol,
        stages=stages,
        site_updates=updates,
        seconds=time.perf_counter() - started,
    )
    if not converged:
        msg = (
            f"mean-field solve did not converge at T={T:g}: residual {residual:.3e} > tol {tol:.1e} "
            f"after {stages[-1][1]} sweeps (max_sweeps={max_sweeps}); try damping, a finer "
            f"anneal ladder or more sweeps"
        )
        if on_fail == "raise":
            raise ConvergenceError(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=3)
    return result
