"""Self-consistent mean-field solver shared by the TLS glass (Eq. 4) and electron glass (Eq. 20).

The procedure (which solution it selects matters at low T, where the mean-field equations have
many solutions):

1. Start from the non-interacting values ``x = b`` (``Delta'_i = Delta_i``; ``E_i = eps_i``).
   If that start is already a fixed point (e.g. ``W = 0``: ``b = 0`` and ``tanh(0) = 0``), a
   stage makes no update at all and would return it whether or not it is stable; at low T the
   paramagnet ``x = 0`` is unstable and no physical answer. Such a stage gets a kick test
   (below): the solver adds a small random perturbation and relaxes again, so a stable fixed
   point comes back (within ``tol``) and an unstable one runs away to a proper solution.
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

Kick test: when a stage ends with zero site updates from its start and the couplings ``c K``
are not identically zero, ``x += a u`` with ``u_i`` uniform in [-1, 1] drawn from the solver's
``rng`` and amplitude ``a = max(1e-3 T, 100 goal)`` (``goal`` the stage's tolerance), then the
stage is relaxed again. ``1e-3 T`` keeps ``|a|/2T = 5e-4``, where tanh is linear to 1e-7: the
kick probes the *linear* stability of the fixed point, far below the energy scales (T and the
couplings) that decide which solution is reached; ``100 goal`` keeps the kick's residuals
(about ``|u_i| a``) above the skip threshold ``goal/2`` for 99.5% of the sites even when T is
tiny, so the relaxation really moves. Solves whose stages all make updates draw nothing extra
from ``rng`` and are bit-for-bit what they were without the kick test.

The electron glass adds exact half filling: an outer loop moves the chemical potential ``mu``
(safeguarded secant) and re-relaxes at each ``mu`` until ``sum_i n_i = N/2`` holds to
``filling_tol`` (default ``1e-9 N``) and the residual is below ``tol``.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

from . import _lapack, _sweeps
from ._validation import blas_threads as _blas_threads
from ._validation import (
    check_array,
    check_choice,
    check_energy_ratio,
    check_int,
    check_real,
    check_rng,
    check_square,
)

__all__ = [
    "ConvergenceWarning",
    "ConvergenceError",
    "MeanFieldResult",
    "solve_fixed_point",
    "anneal_ladder",
    "half_filling_mu",
    "stability_spectrum",
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
    ``kicked`` says that some stage started on a fixed point and got the kick test (module
    docstring); ``kick_sweeps`` and ``kick_updates`` count the relaxation after the kicks (they
    are included in ``iterations`` and ``site_updates`` and in the stages' sweeps).
    """

    x: np.ndarray
    mu: float
    iterations: int
    residual: float
    converged: bool
    tol: float
    stages: list = field(default_factory=list)
    site_updates: int = 0
    filling_error: float | None = None  # sum_i n_i - N/2 (electron glass only)
    seconds: float = 0.0
    kicked: bool = False
    kick_sweeps: int = 0
    kick_updates: int = 0


#: kick amplitude of a stage that starts on a fixed point: max(KICK_PER_T T, KICK_PER_GOAL goal)
KICK_PER_T = 1e-3
KICK_PER_GOAL = 100.0


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
    x = check_array("x", x, ndim=1)
    T = check_real("T", T, positive=True)
    lo = float(np.min(x)) - 40.0 * T
    hi = float(np.max(x)) + 40.0 * T
    return brentq(_fermi_sum_minus_half, lo, hi, args=(x, T), xtol=1e-14, rtol=8.9e-16, maxiter=500)


def _true_residual(K, b, c, g, mu, T, x):
    """``max_i |x_i - F_i(x)|`` recomputed from scratch (float64 row sums)."""
    m = _sweeps.tanh_field(x, g, mu, T)
    return float(np.max(np.abs(x - _sweeps.fixed_point_map(K, b, c, m))))


def _relax_at_fixed_mu(K, b, c, g, mu, T, x, rng, goal, max_sweeps, damping):
    """Asynchronous sweeps at fixed ``mu`` until the true residual is below ``goal``.

    Returns (sweeps, site updates, final true residual); ``x`` is updated in place.
    """
    N = b.shape[0]
    m = _sweeps.tanh_field(x, g, mu, T)
    h = _sweeps.matvec64(K, m)
    sweeps = updates = 0
    while sweeps < max_sweeps:
        made, _ = _sweeps.residual_driven_pass(
            K, b, c, g, mu, T, x, m, h, rng.permutation(N), goal / 2, damping
        )
        sweeps += 1
        updates += made
        if made == 0:
            # every site was within goal/2 of its running field: confirm with exact sums
            # (and restart from them if rounding drift in the running sums hid a residual)
            m = _sweeps.tanh_field(x, g, mu, T)
            h = _sweeps.matvec64(K, m)
            residual = float(np.max(np.abs(b + c * h - x)))
            if residual < goal:
                return sweeps, updates, residual
    return sweeps, updates, _true_residual(K, b, c, g, mu, T, x)


#: secant steps on mu before falling back to re-solving mu after every sweep
SECANT_STEPS = 30


def _filling_error(x, mu, T):
    return -0.5 * float(np.sum(np.tanh((x - mu) / (2.0 * T))))


def _relax_with_running_mu(K, b, c, g, T, x, rng, goal, max_sweeps, damping):
    """Robust fallback: asynchronous sweeps with ``mu`` re-solved exactly after every sweep.

    Every sweep then costs O(N^2) (a new mu moves every field), but the pair (x, mu) it stops at
    is consistent by construction. Returns (mu, sweeps, site updates, residual).
    """
    N = b.shape[0]
    mu = half_filling_mu(x, T)
    m = _sweeps.tanh_field(x, g, mu, T)
    h = _sweeps.matvec64(K, m)
    sweeps = updates = 0
    residual = np.inf
    while sweeps < max_sweeps:
        made, _ = _sweeps.residual_driven_pass(
            K, b, c, g, mu, T, x, m, h, rng.permutation(N), goal / 2, damping
        )
        sweeps += 1
        updates += made
        mu = half_filling_mu(x, T)
        m = _sweeps.tanh_field(x, g, mu, T)
        h = _sweeps.matvec64(K, m)
        if made == 0:
            residual = float(np.max(np.abs(b + c * h - x)))
            if residual < goal:
                break
    else:
        residual = _true_residual(K, b, c, g, mu, T, x)
    return mu, sweeps, updates, residual


def _solve_half_filled(K, b, c, g, T, x, rng, goal, max_sweeps, damping, filling_tol):
    """Exact half filling: relax at fixed ``mu`` and move ``mu`` by the secant method on the
    filling error ``e(mu) = sum_i n_i - N/2`` (increasing in mu) until ``|e| <= filling_tol``.

    Relaxing at fixed mu is cheap (sites that barely move cost nothing), whereas re-solving mu
    after every sweep moves every field and makes every sweep a full O(N^2) pass. Early mu values
    get only a rough relaxation (inexact secant). The Coulomb feedback makes e(mu) much flatter
    than the bare Fermi sum; the first step uses that screened slope. At low T the solution can
    jump between metastable branches as mu moves, so e(mu) need not be continuous: if the secant
    has not converged after ``SECANT_STEPS`` steps, :func:`_relax_with_running_mu` finishes the job.
    """
    N = b.shape[0]
    mu = half_filling_mu(x, T)
    mean_row_sum = float(np.mean(_sweeps.matvec64(K, np.ones(N))))
    sweeps = updates = 0
    history = []
    inner = max(goal, 1e-5)
    for _ in range(SECANT_STEPS):
        s, u, residual = _relax_at_fixed_mu(K, b, c, g, mu, T, x, rng, inner, max_sweeps, damping)
        sweeps += s
        updates += u
        err = _filling_error(x, mu, T)
        if abs(err) <= filling_tol:
            if inner <= goal:
                return mu, sweeps, updates, residual, err
            inner = goal
            continue
        history.append((mu, err))
        if len(history) >= 2 and history[-1][1] != history[-2][1]:
            (m0, e0), (m1, e1) = history[-2], history[-1]
            step = -e1 * (m1 - m0) / (e1 - e0)
        else:
            # uniform linear response: the bare slope N D = sum_i n_i (1 - n_i) / T is screened
            # by the mean field of a uniform charge, J R (R the mean row sum of K, J = -2c):
            # de/dmu = N D / (1 + D J R)
            z = (x - mu) / T
            bare = float(np.sum(expit(z) * expit(-z))) / T
            screening = max(-2.0 * c, 0.0) * mean_row_sum / N
            step = -err * (1.0 + bare * screening) / max(bare, 1e-300)
        step = float(np.clip(step, -10.0 * T, 10.0 * T))
        inner = max(goal, min(inner, 0.01 * abs(step)))
        mu += step
    mu, s, u, residual = _relax_with_running_mu(K, b, c, g, T, x, rng, goal, max_sweeps, damping)
    return mu, sweeps + s, updates + u, residual, _filling_error(x, mu, T)


def _relax_stage(K, b, c, g, T, x, rng, goal, max_sweeps, damping, half_filling, filling_tol):
    """Relax ``x`` in place at one temperature: (mu, sweeps, site updates, residual, filling)."""
    if half_filling:
        return _solve_half_filled(K, b, c, g, T, x, rng, goal, max_sweeps, damping, filling_tol)
    sweeps, made, residual = _relax_at_fixed_mu(
        K, b, c, g, 0.0, T, x, rng, goal, max_sweeps, damping
    )
    return 0.0, sweeps, made, residual, None


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
    filling_tol: float | None = None,
    x0: np.ndarray | None = None,
    on_fail: str = "warn",
) -> MeanFieldResult:
    """Solve ``x_i = b_i + c sum_j K_ij tanh((phi_j(x_j) - mu)/2T)`` by asynchronous sweeps.

    Low-level driver behind :func:`glasslib.tls.solve_tls_mean_field` (Eq. 4) and
    :func:`glasslib.electron_glass.solve_eg_mean_field` (Eq. 20); see the module docstring.
    A sweep visits every site once in a fresh random order and updates those whose residual
    exceeds ``tol / 2`` (:func:`glasslib._sweeps.residual_driven_pass`); sweeps repeat until one
    updates nothing, then the residual is recomputed from scratch and checked against ``tol``.
    With ``half_filling`` an outer loop adjusts ``mu`` until ``|sum n - N/2| <= filling_tol``
    (default ``1e-9 N``). ``stage_tol`` is the looser tolerance of intermediate annealing stages;
    ``x0`` overrides the start ``x = b``; ``damping`` in [0, 1) mixes the old value into updates.
    A stage that starts on a fixed point (no update at all) gets the kick test of the module
    docstring. ``T`` must keep ``|x|/T`` below :data:`glasslib._validation.MAX_ENERGY_RATIO` for
    the a-priori bound ``|x_i| <= max(max|b| + |c| max_i sum_j |K_ij|, max|x0|)`` (plus ``max|g|``
    for the field ``phi``), since ``tanh(phi/2T)`` and the Fermi sums divide by T.
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
    if not isinstance(K, np.ndarray):
        raise TypeError(f"couplings must be a numpy array, got {type(K).__name__}")
    if K.ndim != 2 or K.shape != (N, N):
        raise ValueError(f"couplings must have shape {(N, N)}, got {K.shape}")
    if K.dtype not in (np.float32, np.float64) or not K.flags.c_contiguous:
        raise TypeError("couplings must be a C-contiguous float32 or float64 array")
    # one O(N^2) pass instead of a full isfinite scan: a NaN or inf anywhere shows up in its
    # row's sum of |K_ij|, which also bounds the coupling field for the energy-ratio check
    coupling_scale = float(np.max(_sweeps.abs_row_sums(K))) if N else 0.0
    if not np.isfinite(coupling_scale):
        raise ValueError("couplings must be finite (no NaN or inf)")
    if g is None:
        g = np.zeros(N)
    else:
        g = np.ascontiguousarray(check_array("g", g, shape=(N,)), dtype=np.float64)
    c = check_real("c", c)
    if filling_tol is None:
        filling_tol = 1e-9 * N
    filling_tol = check_real("filling_tol", filling_tol, positive=True)
    if x0 is None:
        x = b.copy()
    else:
        x = np.array(check_array("x0", x0, shape=(N,)), dtype=np.float64)
    # |x_i| <= max|b| + |c| max_i sum_j |K_ij| for every update (|tanh| <= 1; damping only mixes
    # in the previous value), and |phi| <= |x| + |g|
    bound = max(float(np.max(np.abs(b), initial=0.0)) + abs(c) * coupling_scale,
                float(np.max(np.abs(x), initial=0.0)))
    bound += float(np.max(np.abs(g), initial=0.0))
    check_energy_ratio([bound], T, source="a-priori bound on the mean-field energies")
    coupled = c != 0.0 and coupling_scale > 0.0

    started = time.perf_counter()
    ladder = anneal_ladder(T, anneal_from, anneal_factor)
    stages = []
    total = updates = kick_sweeps = kick_updates = 0
    kicked = False
    mu = 0.0
    residual = np.inf
    filling_error = None
    for k, T_stage in enumerate(ladder):
        goal = tol if k == len(ladder) - 1 else stage_tol
        stage_filling_tol = filling_tol if goal == tol else goal * N
        args = (K, b, c, g, T_stage, x, rng, goal, max_sweeps, damping, half_filling,
                stage_filling_tol)
        mu, sweeps, made, residual, filling_error = _relax_stage(*args)
        if made == 0 and coupled:
            # the stage started on a fixed point: test its stability (module docstring)
            amplitude = max(KICK_PER_T * T_stage, KICK_PER_GOAL * goal)
            x += amplitude * rng.uniform(-1.0, 1.0, N)
            mu, s, u, residual, filling_error = _relax_stage(*args)
            kicked = True
            kick_sweeps += s
            kick_updates += u
            sweeps += s
            made += u
        total += sweeps
        updates += made
        stages.append((float(T_stage), sweeps, float(residual)))
    converged = bool(residual < tol) and (
        filling_error is None or abs(filling_error) <= filling_tol
    )
    result = MeanFieldResult(
        x=x,
        mu=float(mu),
        iterations=total,
        residual=float(residual),
        converged=converged,
        tol=tol,
        stages=stages,
        site_updates=updates,
        filling_error=filling_error,
        seconds=time.perf_counter() - started,
        kicked=kicked,
        kick_sweeps=kick_sweeps,
        kick_updates=kick_updates,
    )
    if not converged:
        filling = "" if filling_error is None else f", filling error {filling_error:.2e}"
        msg = (
            f"mean-field solve did not converge at T={T:g}: residual {residual:.3e} "
            f"(tol {tol:.1e}){filling} after {stages[-1][1]} sweeps (max_sweeps={max_sweeps}); "
            f"try damping, a finer anneal ladder or more sweeps"
        )
        if on_fail == "raise":
            raise ConvergenceError(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=3)
    return result


def stability_spectrum(K, c: float, x, T: float, *, g=None, mu: float = 0.0,
                       blas_threads: int | None = 1) -> np.ndarray:
    """Eigenvalues (ascending) of the linear stability matrix of a fixed point ``x`` of
    ``x = b + c K m(x)``, ``m_j = tanh((phi_j(x_j) - mu)/2T)`` (:func:`solve_fixed_point`).

    The map's Jacobian is ``c K D`` with ``D = diag(dm_j/dx_j) >= 0``, so an error ``e`` obeys
    ``(I - c K D) e = 0`` to first order; ``S = I - c D^{1/2} K D^{1/2}`` is symmetric and
    similar to ``I - c D K`` (tested against a finite-difference Jacobian). For symmetric ``K``
    the fixed points are the stationary points of the mean-field free energy, whose Hessian in
    the variables ``m`` is ``S`` up to a positive diagonal scaling: a stable solution has
    ``S >= 0`` (the paramagnet of a glass below its freezing temperature has negative
    eigenvalues). The smallest eigenvalue is the softest collective mode: one sweep of
    sequential updates in random order contracts the error of a quadratic model by about
    ``exp(-lambda_min)`` at best, so the number of sweeps grows like ``ln(1/tol) / lambda_min``
    (the performance page measures it for both glasses). ``g`` and ``mu`` as in
    :func:`solve_fixed_point`; ``K`` is converted to float64 (one N x N copy).
    """
    K = check_square("K", K)
    N = K.shape[0]
    x = check_array("x", x, shape=(N,))
    c = check_real("c", c)
    T = check_real("T", T, positive=True)
    mu = check_real("mu", mu)
    if g is None:
        slope = np.ones(N)
        phi = x
    else:
        g = check_array("g", g, shape=(N,))
        r = np.hypot(x, g)
        phi = np.where(x >= 0, r, -r)
        # d phi / dx = |x| / sqrt(x^2 + g^2), 1 where both vanish (phi = x there)
        slope = np.divide(np.abs(x), r, out=np.ones(N), where=r > 0)
    m = np.tanh((phi - mu) / (2.0 * T))
    root = np.sqrt((1.0 - m) * (1.0 + m) / (2.0 * T) * slope)
    S = K.astype(np.float64) * (-c)
    S *= root[:, None]
    S *= root[None, :]
    S[np.diag_indices(N)] += 1.0
    with _blas_threads(blas_threads):
        return _lapack.symmetric_eigenvalues(S)
