"""The electron glass: Coulomb glass in 2D at half filling (paper Sec. V, App. A; Amir et al. 2008).

Units: energies in units of ``J = e^2 / r_nn``; lengths in units of ``r_nn``; rates in units of
the Miller-Abrahams prefactor ``Gamma^0``. Rates are returned **positive**: the paper's A has
eigenvalues ``-lambda`` (Eq. 23 "the rates will turn out to be negative").

The linearized rate matrix (Eq. 23 without its interaction term) obeys detailed balance:
``A = -L D^{-1}`` with ``L`` the symmetric Laplacian of the equilibrium rates ``gamma^0_ij`` and
``D = diag(n_i (1 - n_i))``. So ``S = D^{-1/2} L D^{-1/2}`` is symmetric with eigenvalues
``lambda`` and is diagonalized by a symmetric solver. Written out in ``x = E/T`` (energies
measured from the chemical potential), with no over- or underflow for any ``|E|/T``:

    gamma^0_ij = e^{-r_ij/xi} / (8 cosh(x_i/2) cosh(x_j/2) sinh(|x_i - x_j|/2))
    S_ij       = -e^{-r_ij/xi} / (2 sinh(|x_i - x_j|/2))                      (i != j)
    S_ii       = sum_k e^{-r_ik/xi} cosh(x_i/2) / (2 cosh(x_k/2) sinh(|x_i - x_k|/2))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.special import expit

from . import _lapack, _sweeps
from ._validation import blas_threads as _blas_threads
from ._validation import (
    check_array,
    check_choice,
    check_energy_ratio,
    check_float_dtype,
    check_int,
    check_real,
    check_rng,
    check_square,
    check_symmetric,
)
from .geometry import (
    BLOCK_ROWS,
    R_NN_CONVENTIONS,
    box_side,
    minimum_image_distances,
    sample_sites,
    wrap_positions,
)
from .mean_field import MeanFieldResult, solve_fixed_point

__all__ = [
    "ElectronGlass",
    "sample_electron_glass",
    "coulomb_matrix",
    "solve_eg_mean_field",
    "occupations",
    "occupation_variance",
    "miller_abrahams_rates",
    "eg_rate_matrix",
    "eg_symmetrized_rate_matrix",
    "eg_symmetrized_rate_matrix_from_sites",
    "distance_rate_matrix",
    "relaxation_spectrum",
    "drop_unresolved",
]


@dataclass
class ElectronGlass:
    """One electron-glass realization (sampled by :func:`sample_electron_glass`).

    ``inverse_distances[i, j] = r_nn / r_ij`` (zero diagonal): the Coulomb kernel of Eq. (20)
    with ``J = e^2 / r_nn`` factored out.
    """

    positions: np.ndarray
    L: float
    site_energies: np.ndarray  # eps_i, uniform on [-W/2, W/2]
    inverse_distances: np.ndarray
    W: float
    r_nn: float

    @property
    def N(self) -> int:
        return self.site_energies.shape[0]

    def distances(self) -> np.ndarray:
        """Dense float64 minimum-image distance matrix (computed on demand)."""
        return minimum_image_distances(self.positions, self.L)


def coulomb_matrix(positions, L: float, r_nn: float = 1.0, *, dtype=np.float64) -> np.ndarray:
    """``r_nn / r_ij`` for all pairs (minimum image, zero diagonal), built in row blocks."""
    L = check_real("L", L, positive=True)
    positions = wrap_positions(positions, L)
    r_nn = check_real("r_nn", r_nn, positive=True)
    dtype = check_float_dtype("dtype", dtype)
    N = positions.shape[0]
    _sweeps.require_distinct_sites(positions, L, 1.0)
    out = np.empty((N, N), dtype=dtype)
    ones = np.ones((min(BLOCK_ROWS, N), N), dtype=np.float32)
    for start in range(0, N, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, N)
        _sweeps.fill_upper_couplings(out, positions, L, start, stop, ones, r_nn, 1.0)
    _sweeps.mirror_upper_to_lower(out)
    return out


def sample_electron_glass(
    rng,
    N: int,
    W: float = 1.0,
    *,
    d: int = 2,
    r_nn: float = 1.0,
    r_nn_convention: str = "lattice",
    dtype=np.float64,
    density: float | None = None,
) -> ElectronGlass:
    """Sample one electron-glass realization: uniform sites in a periodic square (d = 2) and
    site energies ``eps_i`` uniform on ``[-W/2, W/2]`` (Sec. V A, Fig. 8). Draw order: sites, eps.
    """
    rng = check_rng("rng", rng)
    N = check_int("N", N, minimum=2)
    W = check_real("W", W, nonnegative=True)
    d = check_int("d", d, minimum=1)
    r_nn = check_real("r_nn", r_nn, positive=True)
    check_choice("r_nn_convention", r_nn_convention, R_NN_CONVENTIONS)
    dtype = check_float_dtype("dtype", dtype)
    L = box_side(N, d, r_nn, r_nn_convention, density)
    positions = sample_sites(rng, N, d, L)
    eps = rng.uniform(-W / 2, W / 2, size=N)
    kernel = coulomb_matrix(positions, L, r_nn, dtype=dtype)
    return ElectronGlass(positions, L, eps, kernel, W, r_nn)


def solve_eg_mean_field(
    glass: ElectronGlass,
    T: float,
    J: float = 1.0,
    *,
    rng=0,
    tol: float = 1e-8,
    max_sweeps: int = 5000,
    anneal_from: float | None = None,
    damping: float = 0.0,
    on_fail: str = "warn",
) -> MeanFieldResult:
    """Eq. (20) at exact half filling:
    ``E_i = eps_i - (J/2) sum_j (r_nn/r_ij) tanh((E_j - mu)/2T)``.

    ``mu`` is adjusted (secant steps, each followed by a relaxation at the new ``mu``; see
    :mod:`glasslib.mean_field`) until ``sum_i n_i = N/2`` holds to ``1e-9 N``, with
    ``n_i = 1 / (exp((E_i - mu)/T) + 1)``; the field is ``sum_j (e^2/r_ij)(n_j - 1/2)``, i.e.
    Eq. (20) with energies measured from ``mu``. The result's ``x`` holds ``E_i`` and ``mu`` the
    chemical potential: use ``x - mu`` for the DOS and rates (:func:`occupations`).
    """
    if not isinstance(glass, ElectronGlass):
        raise TypeError(f"glass must be an ElectronGlass, got {type(glass).__name__}")
    T = check_real("T", T, positive=True)
    J = check_real("J", J, nonnegative=True)
    return solve_fixed_point(
        glass.inverse_distances, glass.site_energies, -0.5 * J, T, half_filling=True, rng=rng,
        tol=tol, max_sweeps=max_sweeps, anneal_from=anneal_from, damping=damping, on_fail=on_fail,
    )


def occupations(energies, T: float) -> np.ndarray:
    """Fermi-Dirac ``n_i = 1 / (exp(E_i/T) + 1)`` (energies from mu), stable for any |E|/T."""
    energies = check_array("energies", energies)
    T = check_real("T", T, positive=True)
    check_energy_ratio(energies, T)
    # expit keeps full relative precision for n -> 0 (1 - tanh would cancel)
    return expit(-energies / T)


def occupation_variance(energies, T: float) -> np.ndarray:
    """``n_i (1 - n_i) = 1 / (4 cosh^2(E_i / 2T))`` without cancellation or overflow (the D of
    Eq. 23)."""
    energies = check_array("energies", energies)
    T = check_real("T", T, positive=True)
    check_energy_ratio(energies, T)
    return expit(energies / T) * expit(-energies / T)


def _log_cosh(y):
    """log(cosh(y)) without overflow."""
    ay = np.abs(y)
    return ay + np.log1p(np.exp(-2.0 * ay)) - np.log(2.0)


def _log_sinh_abs(y):
    """log(sinh(|y|)) without overflow; -> log|y| for small y, large negative (not -inf) at 0."""
    ay = np.maximum(np.abs(y), 1e-300)
    return ay + np.log(-np.expm1(-2.0 * ay)) - np.log(2.0)


def _check_rate_inputs(energies, distances, T, xi):
    energies = check_array("energies", energies, ndim=1)
    N = energies.shape[0]
    distances = check_array("distances", distances, shape=(N, N))
    T = check_real("T", T, positive=True)
    check_energy_ratio(energies, T)
    xi = check_real("xi", xi, positive=True)
    return energies, distances, T, xi


def _log_pair_terms(energies, distances, T, xi):
    x = energies / T
    gap = _log_sinh_abs(0.5 * (x[:, None] - x[None, :]))
    return x, -distances / xi - gap


def miller_abrahams_rates(energies, distances, T: float, xi: float) -> np.ndarray:
    """Eq. (21) at equilibrium: ``gamma^0_ij = n_i (1 - n_j) e^{-r_ij/xi} [N(|dE|) + Theta(dE)]``
    with ``dE = E_i - E_j`` (phonon emission when hopping down), in units of ``Gamma^0``.

    At equilibrium this is symmetric (detailed balance) and equals the closed form in the module
    docstring; energies are measured from the chemical potential. Zero diagonal.
    """
    energies, distances, T, xi = _check_rate_inputs(energies, distances, T, xi)
    x, log_pair = _log_pair_terms(energies, distances, T, xi)
    lc = _log_cosh(0.5 * x)
    log_gamma = log_pair - np.log(8.0) - lc[:, None] - lc[None, :]
    gamma = np.exp(log_gamma)
    np.fill_diagonal(gamma, 0.0)
    return gamma


def eg_rate_matrix(energies, distances, T: float, xi: float) -> np.ndarray:
    """Eq. (23) without its interaction term: ``A_ij = gamma^0_ij / (n_j (1 - n_j))`` (i != j),
    ``A_jj = -sum_{k != j} A_kj`` (columns sum to zero: particle conservation).

    Non-symmetric; eigenvalues are ``-lambda`` (``lambda >= 0``). Use
    :func:`eg_symmetrized_rate_matrix` for the same spectrum from a symmetric matrix.
    """
    energies, distances, T, xi = _check_rate_inputs(energies, distances, T, xi)
    x, log_pair = _log_pair_terms(energies, distances, T, xi)
    lc = _log_cosh(0.5 * x)
    # gamma_ij / D_j with D_j = n_j (1 - n_j) = 1 / (4 cosh^2(x_j / 2))
    A = np.exp(log_pair - np.log(2.0) - lc[:, None] + lc[None, :])
    np.fill_diagonal(A, 0.0)
    A[np.diag_indices_from(A)] = -A.sum(axis=0)
    return A


def eg_symmetrized_rate_matrix(energies, distances, T: float, xi: float) -> np.ndarray:
    """``S = D^{-1/2} L D^{-1/2}``: symmetric, positive semi-definite, same spectrum as ``-A``.

    See the module docstring for the closed forms (detailed balance).
    """
    energies, distances, T, xi = _check_rate_inputs(energies, distances, T, xi)
    x, log_pair = _log_pair_terms(energies, distances, T, xi)
    lc = _log_cosh(0.5 * x)
    off = np.exp(log_pair - np.log(2.0))
    np.fill_diagonal(off, 0.0)
    diag = np.exp(log_pair - np.log(2.0) + lc[:, None] - lc[None, :])
    np.fill_diagonal(diag, 0.0)
    S = -off
    S[np.diag_indices_from(S)] = diag.sum(axis=1)
    return S


def eg_symmetrized_rate_matrix_from_sites(positions, L: float, energies, T: float, xi: float,
                                          *, threads: int | None = 1) -> np.ndarray:
    """:func:`eg_symmetrized_rate_matrix` computed from the sites, without the distance matrix
    or any N x N temporary: one compiled pass over the pairs
    (:func:`glasslib._sweeps.eg_symmetrized_matrix`), two exponentials per pair. ``threads``
    (default 1) opts into parallel block-rows (the result does not depend on it). Equal to the
    numpy version to rounding: the entries within ``16 eps (r/xi + |ln sinh| + 1)`` relative
    (the rounding of the exponent's terms), the diagonal's terms within ``16 eps (|lc_i| +
    |lc_k|)`` more and its sum within ``2 N eps`` (the order of the sum); tested.
    """
    energies = check_array("energies", energies, ndim=1)
    N = energies.shape[0]
    positions = wrap_positions(check_array("positions", positions, ndim=2), L)
    if positions.shape[0] != N:
        raise ValueError(f"positions must hold one row per energy ({N}), got {positions.shape}")
    T = check_real("T", T, positive=True)
    check_energy_ratio(energies, T)
    xi = check_real("xi", xi, positive=True)
    x = np.ascontiguousarray(energies / T, dtype=np.float64)
    lc = _log_cosh(0.5 * x)
    S = np.empty((N, N))
    _sweeps.eg_symmetrized_matrix(positions, float(L), x, lc, float(xi), S, threads=threads)
    return S


def distance_rate_matrix(distances, xi: float) -> np.ndarray:
    """Fig. 16's matrix: off-diagonal ``e^{-r_ij/xi}``, diagonal ``-sum_k e^{-r_kj/xi}``.

    The rate matrix with all energy dependence removed (columns sum to zero); symmetric, so its
    rates are ``-eigvalsh``. Returned with the paper's sign (eigenvalues <= 0).
    """
    distances = check_square("distances", distances)
    xi = check_real("xi", xi, positive=True)
    A = np.exp(-distances / xi)
    np.fill_diagonal(A, 0.0)
    A[np.diag_indices_from(A)] = -A.sum(axis=0)
    return A


def relaxation_spectrum(
    matrix, *, method: str = "symmetric", blas_threads: int | None = 1, driver: str = "auto"
) -> np.ndarray:
    """Relaxation rates (positive, ascending) from a rate matrix.

    ``method="symmetric"``: ``matrix`` is symmetric positive semi-definite (``S`` from
    :func:`eg_symmetrized_rate_matrix`); a symmetric eigensolver (driver below). It reads one
    triangle, so a matrix that is not symmetric to rounding (see
    :func:`glasslib._validation.check_symmetric` for the bound) raises ValueError naming its
    worst pair instead of returning the spectrum of another matrix. ``method="general"``:
    ``matrix`` is a rate matrix ``A`` with eigenvalues ``-lambda``; ``-Re(eigvals(A))``.
    Both include the conservation (zero) mode and rounding noise: see :func:`drop_unresolved`.
    ``blas_threads`` pins LAPACK's threads (default 1) so results are bit-reproducible.

    **Driver** (symmetric only). ``"classic"``: ``scipy.linalg.eigvalsh`` (one-stage
    tridiagonal reduction). ``"two_stage"``: LAPACK's ``dsyevd_2stage``
    (:mod:`glasslib._lapack`; RuntimeError where the BLAS lacks it). ``"auto"`` (default):
    the two-stage driver from :data:`glasslib._lapack.TWO_STAGE_MIN_N` sites on when it is
    available, else the classic one. Both are backward stable: they agree to
    ``N eps ||S||``, the bound the comparator allows between platforms (tested); what lies
    below it is rounding noise (:func:`drop_unresolved`).

    **Threads, opt-in.** ``blas_threads=None`` (every core of the BLAS pool) or ``k > 1`` lets
    one large spectrum use the machine (the symmetric solver's tridiagonal reduction is blocked
    BLAS). Reproducibility then holds to LAPACK's backward error, not to the bit: another thread
    count may change the eigenvalues by up to ``N eps ||S||``, the bound the comparator already
    allows between two platforms (tested). Every cached ensemble uses one thread.
    """
    check_choice("method", method, ("symmetric", "general"))
    check_choice("driver", driver, _lapack.SYMMETRIC_DRIVERS)
    if method == "general" and driver != "auto":
        raise ValueError(f"driver={driver!r} applies to method='symmetric' only")
    if method == "symmetric":
        matrix = check_symmetric("matrix", matrix)  # also checks that it is finite and square
    else:
        matrix = check_square("matrix", matrix)
    with _blas_threads(blas_threads):
        if method == "symmetric":
            return _lapack.symmetric_eigenvalues(matrix, driver)
        return np.sort(-scipy.linalg.eigvals(matrix, check_finite=False).real)


def drop_unresolved(rates, *, conservation_modes: int = 1, rtol: float | None = None) -> np.ndarray:
    """Remove the conservation mode(s) and the rates a dense float64 solver cannot resolve.

    Rule: sort the rates, drop the ``conservation_modes`` smallest (the zero mode of particle
    conservation: one for the EG), then drop every rate below ``rtol * max(rates)``, the
    rounding floor of a dense eigensolver (default ``rtol = N * machine epsilon``). What is below
    that floor differs between LAPACK drivers and may come out negative: it is noise, not physics.
    """
    rates = np.sort(check_array("rates", rates, ndim=1))
    conservation_modes = check_int("conservation_modes", conservation_modes, minimum=0)
    N = rates.shape[0]
    if rtol is None:
        rtol = N * np.finfo(np.float64).eps
    rtol = check_real("rtol", rtol, nonnegative=True)
    kept = rates[conservation_modes:]
    if kept.size == 0:
        return kept
    return kept[kept > rtol * np.max(np.abs(rates))]
