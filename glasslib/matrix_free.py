"""Matrix-free TLS glass: couplings regenerated per pair, for sizes whose matrix cannot be stored.

At N = 10^5 the float32 coupling matrix of Eq. (2) needs 40 GB. Here the couplings are never
stored: ``K_ij = U0 u_ij / r_ij^3`` is recomputed whenever it is needed, with the minimum-image
distance from the sites and the Gaussian ``u_ij`` from a **counter-based generator**: a hash of
``(key, min(i, j), max(i, j))`` (two rounds of the splitmix64 finalizer, two 53-bit uniforms,
Box-Muller). ``u_ij = u_ji`` by construction, any pair can be drawn in any order on any thread,
and the same key gives the same couplings everywhere. It is **statistically the same model** as
:func:`glasslib.tls.sample_tls_glass` (independent standard normals on every pair), not the same
numbers: that sampler draws them from numpy's stream. The tests check the generator's moments
and normality, that the matrix-free solve equals the stored-matrix solve of the same couplings
(:func:`dense_couplings`) to the bit, and that at N = 2000 the DOS of the two modes agree in
distribution over realizations.

The solver is the stored-matrix one's (:mod:`glasslib.mean_field`, a quench at T from ``x = b``):
residual-driven asynchronous sweeps with the field ``h = K m`` kept up to date incrementally,
one regenerated row per update, and the residual recomputed from scratch at the end. Its cost is
``(1 + updates/N) N^2`` pair evaluations: a full field costs ``N^2``, each update ``N``; both run
in parallel over the rows (or the row's entries) on every core numba is given.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numba as nb
import numpy as np

from . import _sweeps
from ._validation import check_int, check_real, check_rng

__all__ = ["pair_normals", "dense_couplings", "coupling_field", "solve_matrix_free",
           "MatrixFreeResult"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_ODD = np.uint64(0xD1B54A32D192ED03)
_SCALE = 2.0**-53


@nb.njit(cache=True, inline="always")
def _mix(z):
    """The splitmix64 finalizer (a bijection of uint64 with full avalanche)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True, inline="always")
def _normal(key, i, j):
    """The standard normal ``u_ij = u_ji`` of the pair, from the counter (key, min, max)."""
    a = np.uint64(min(i, j))
    b = np.uint64(max(i, j))
    h1 = _mix(key ^ (a * _GOLDEN) ^ _mix(b * _ODD + _GOLDEN))
    h2 = _mix(h1 + _GOLDEN)
    u1 = (float(h1 >> np.uint64(11)) + 1.0) * _SCALE  # (0, 1]
    u2 = float(h2 >> np.uint64(11)) * _SCALE  # [0, 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@nb.njit(cache=True, inline="always")
def _coupling(positions, L, key, U0, i, j):
    """``U0 u_ij / r_ij^3`` (minimum image, sites in [0, L)); 0 on the diagonal."""
    if i == j:
        return 0.0
    half = 0.5 * L
    r2 = 0.0
    for k in range(positions.shape[1]):
        delta = abs(positions[i, k] - positions[j, k])
        if delta > half:
            delta = L - delta
        r2 += delta * delta
    return U0 * _normal(key, i, j) / (r2 * math.sqrt(r2))


@nb.njit(cache=True, parallel=True)
def _pair_normals(key, i, j):
    out = np.empty(i.shape[0])
    for p in nb.prange(i.shape[0]):
        out[p] = _normal(key, i[p], j[p])
    return out


@nb.njit(cache=True, parallel=True)
def _dense(positions, L, key, U0):
    n = positions.shape[0]
    K = np.empty((n, n))
    for i in nb.prange(n):
        for j in range(n):
            K[i, j] = _coupling(positions, L, key, U0, i, j)
    return K


@nb.njit(cache=True, parallel=True)
def _field(positions, L, key, U0, m):
    """``h_i = sum_j K_ij m_j``, each row one sequential sum (thread-count independent)."""
    n = m.shape[0]
    h = np.empty(n)
    for i in nb.prange(n):
        acc = 0.0
        for j in range(n):
            acc += _coupling(positions, L, key, U0, i, j) * m[j]
        h[i] = acc
    return h


@nb.njit(cache=True, parallel=True)
def _add_row(positions, L, key, U0, i, dm, h):
    for j in nb.prange(h.shape[0]):
        h[j] += dm * _coupling(positions, L, key, U0, i, j)


@nb.njit(cache=True)
def _pass(positions, L, key, U0, b, c, T, x, m, h, order, threshold):
    """One residual-driven pass (:func:`glasslib._sweeps.residual_driven_pass` with the row of
    an updated site regenerated instead of read; no damping, ``phi`` the identity)."""
    updates = 0
    for k in range(order.shape[0]):
        i = order[k]
        r = b[i] + c * h[i] - x[i]
        if abs(r) <= threshold:
            continue
        updates += 1
        x[i] += r
        new_m = np.tanh((x[i] - 0.0) / (2.0 * T))
        dm = new_m - m[i]
        m[i] = new_m
        if dm != 0.0:
            _add_row(positions, L, key, U0, i, dm, h)
    return updates


def pair_normals(key: int, i, j) -> np.ndarray:
    """The Gaussians ``u_ij`` of the pairs ``(i[p], j[p])`` (symmetric in i and j)."""
    return _pair_normals(np.uint64(key), np.asarray(i, np.int64), np.asarray(j, np.int64))


def dense_couplings(positions, L: float, key: int, U0: float = 1.0) -> np.ndarray:
    """The full float64 matrix of the same couplings (small N: tests, comparisons)."""
    return _dense(np.ascontiguousarray(positions, np.float64), float(L), np.uint64(key),
                  float(U0))


def coupling_field(positions, L: float, key: int, U0: float, m) -> np.ndarray:
    """``K m`` without the matrix: ``N^2`` pair evaluations, parallel over rows."""
    return _field(np.ascontiguousarray(positions, np.float64), float(L), np.uint64(key),
                  float(U0), np.ascontiguousarray(m, np.float64))


@dataclass
class MatrixFreeResult:
    x: np.ndarray
    sweeps: int
    site_updates: int
    residual: float
    converged: bool
    seconds: float
    pair_evaluations: float


def solve_matrix_free(positions, L: float, asymmetry, key: int, U0: float, c: float, T: float,
                      *, rng, tol: float = 1e-8, max_sweeps: int = 5000) -> MatrixFreeResult:
    """Eq. (4) (the paper's field, on ``Delta'``) without the coupling matrix: a quench at ``T``
    from ``x = Delta`` by the stored-matrix solver's sweeps (module doc). ``rng`` orders the
    sweeps as in :func:`glasslib.mean_field.solve_fixed_point`; with the couplings of
    :func:`dense_couplings` the two take the same path to the bit (tested)."""
    rng = check_rng("rng", rng)
    T = check_real("T", T, positive=True)
    tol = check_real("tol", tol, positive=True)
    max_sweeps = check_int("max_sweeps", max_sweeps, minimum=1)
    pos = np.ascontiguousarray(positions, np.float64)
    b = np.ascontiguousarray(asymmetry, np.float64)
    N = b.shape[0]
    key = np.uint64(key)
    started = time.perf_counter()
    x = b.copy()
    g0 = np.zeros(N)
    m = _sweeps.tanh_field(x, g0, 0.0, T)  # compiled tanh, as the stored-matrix solver
    h = _field(pos, float(L), key, float(U0), m)
    sweeps = updates = 0
    residual = np.inf
    evaluations = float(N) * N
    while sweeps < max_sweeps:
        made = _pass(pos, float(L), key, float(U0), b, float(c), T, x, m, h, rng.permutation(N),
                     tol / 2)
        sweeps += 1
        updates += made
        evaluations += float(made) * N
        if made == 0:
            m = _sweeps.tanh_field(x, g0, 0.0, T)
            h = _field(pos, float(L), key, float(U0), m)
            evaluations += float(N) * N
            residual = float(np.max(np.abs(b + c * h - x)))
            if residual < tol:
                break
    return MatrixFreeResult(x, sweeps, updates, residual, bool(residual < tol),
                            time.perf_counter() - started, evaluations)
