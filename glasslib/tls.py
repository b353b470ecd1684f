"""The TLS glass: random-field Ising model with random 1/r^3 couplings (paper Sec. II-III, App. B).

Units: energies in units of ``J = U0 / r_nn^3`` when ``J = 1``; the phonon coupling ``a`` is 1 in
these dimensionless units (the physical ``a ~ 1e8 K^-3 s^-1`` is :data:`PHYSICAL_A`). Rates are
returned as **positive** relaxation rates; the paper's Eq. (12) writes them with a minus sign.

The tunnelling strength ``chi = P0 U0 = 1e-3`` quoted in Sec. II has no place in the mean-field
equations as written (Eqs. 4, 6, 12), so it is not a parameter here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from . import _sweeps
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
)
from .geometry import BLOCK_ROWS, R_NN_CONVENTIONS, box_side, sample_sites, wrap_positions
from .mean_field import MeanFieldResult, solve_fixed_point

__all__ = [
    "PHYSICAL_A",
    "SCE_PREFACTORS",
    "TLSGlass",
    "sample_tls_glass",
    "sample_couplings",
    "solve_tls_mean_field",
    "tls_energies",
    "tls_relaxation_rates",
    "tls_rate_matrix",
    "tls_rate_spectrum",
    "tls_symmetrized_rate_matrix",
    "noninteracting_abs_energy_cdf",
]

#: the paper's a_i ~ 1e8 K^-3 s^-1 (Eq. 10), for converting dimensionless rates to 1/s
PHYSICAL_A = 1e8

#: prefactor of the coupling sum in Eq. (4): the paper prints 1/4, the authors' code uses 1
SCE_PREFACTORS = {"paper": 0.25, "authors_code": 1.0}


@dataclass
class TLSGlass:
    """One realization of the TLS glass (sampled by :func:`sample_tls_glass`).

    ``couplings[i, j] = u_ij / r_ij^3`` (symmetric, zero diagonal) is the ``J_ij`` of Eq. (1).
    """

    positions: np.ndarray
    L: float
    asymmetry: np.ndarray  # Delta_i, Gaussian with std W (Eq. 7)
    tunneling: np.ndarray  # Delta_0i, log-uniform (p ~ 1/Delta_0) (Eq. 7)
    couplings: np.ndarray  # u_ij / r_ij^3 (Eq. 2)
    W: float
    J: float

    @property
    def N(self) -> int:
        return self.asymmetry.shape[0]


def sample_couplings(rng, positions, L: float, U0: float, *, dtype=np.float32) -> np.ndarray:
    """Couplings ``u_ij / r_ij^3`` with ``u_ij = u_ji ~ Normal(0, U0^2)`` (Eq. 2), zero diagonal.

    Only the upper triangle's Gaussians are drawn, one block of rows at a time (row block
    ``[s, e)`` draws a float32 standard normal for every column ``s..N-1``), then the triangle is
    mirrored in place: the extra memory is one block, and the random stream depends only on the
    seed and N. Distances are minimum-image, computed in float64.
    """
    rng = check_rng("rng", rng)
    L = check_real("L", L, positive=True)
    positions = wrap_positions(positions, L)
    U0 = check_real("U0", U0, nonnegative=True)
    dtype = check_float_dtype("dtype", dtype)
    N = positions.shape[0]
    _sweeps.require_distinct_sites(positions, L, 3.0)
    K = np.empty((N, N), dtype=dtype)
    for start in range(0, N, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, N)
        u = rng.standard_normal((stop - start, N - start), dtype=np.float32)
        _sweeps.fill_upper_couplings(K, positions, L, start, stop, u, U0, 3.0)
    _sweeps.mirror_upper_to_lower(K)
    return K


def sample_tls_glass(
    rng,
    N: int,
    W: float,
    J: float = 1.0,
    *,
    d: int = 3,
    r_nn: float = 1.0,
    r_nn_convention: str = "lattice",
    tunneling_range: tuple[float, float] = (1e-7, 1e-1),
    dtype=np.float32,
    density: float | None = None,
) -> TLSGlass:
    """Sample one TLS-glass realization (Eqs. 2, 7).

    Sites uniform in a periodic cube of side ``box_side(N, d, r_nn, r_nn_convention, density)``
    (``density``: sites per unit volume, overriding the convention);
    ``Delta_i ~ Normal(0, W^2)``; ``Delta_0i`` log-uniform on ``tunneling_range``;
    ``u_ij ~ Normal(0, U0^2)`` with ``U0 = J r_nn^3``. Draw order: sites, Delta, Delta_0, u.
    ``dtype`` is the storage type of the N x N coupling matrix (float32: 400 MB at N = 10^4).
    """
    rng = check_rng("rng", rng)
    N = check_int("N", N, minimum=2)
    W = check_real("W", W, nonnegative=True)
    J = check_real("J", J, nonnegative=True)
    d = check_int("d", d, minimum=1)
    r_nn = check_real("r_nn", r_nn, positive=True)
    check_choice("r_nn_convention", r_nn_convention, R_NN_CONVENTIONS)
    if not isinstance(tunneling_range, (tuple, list, np.ndarray)) or len(tunneling_range) != 2:
        raise ValueError(f"tunneling_range must be a pair (low, high), got {tunneling_range!r}")
    lo, hi = (check_real("tunneling_range[0]", tunneling_range[0], positive=True),
              check_real("tunneling_range[1]", tunneling_range[1], positive=True))
    if not lo < hi:
        raise ValueError(f"tunneling_range must be increasing, got {tunneling_range}")
    dtype = check_float_dtype("dtype", dtype)
    L = box_side(N, d, r_nn, r_nn_convention, density)
    positions = sample_sites(rng, N, d, L)
    asymmetry = W * rng.standard_normal(N)
    tunneling = np.exp(rng.uniform(np.log(lo), np.log(hi), size=N))
    couplings = sample_couplings(rng, positions, L, J * r_nn**3, dtype=dtype)
    return TLSGlass(positions, L, asymmetry, tunneling, couplings, W, J)


def solve_tls_mean_field(
    glass: TLSGlass,
    T: float,
    *,
    prefactor: float | str = "paper",
    field: str = "asymmetry",
    rng=0,
    tol: float = 1e-8,
    max_sweeps: int = 5000,
    anneal_from: float | None | str = None,
    damping: float = 0.0,
    on_fail: str = "warn",
) -> MeanFieldResult:
    """Eq. (4): ``Delta'_i = Delta_i + c sum_j u_ij/r_ij^3 tanh(y_j / 2T)``, self-consistently.

    ``prefactor`` is ``c``: ``"paper"`` (1/4, as printed), ``"authors_code"`` (1) or a number.
    ``field`` picks ``y_j``: ``"asymmetry"`` (``Delta'_j``, as printed) or ``"energy"``
    (``E_j`` of Eq. 6, as in the authors' code). By default the solve is a quench from
    ``Delta' = Delta`` at ``T``; ``anneal_from`` (a temperature, or ``"auto"`` for the energy scale
    ``sqrt(W^2 + J^2)``) solves down a temperature ladder instead (slower, see the book).
    Returns a :class:`~glasslib.mean_field.MeanFieldResult` whose ``x`` is ``Delta'``.
    """
    if not isinstance(glass, TLSGlass):
        raise TypeError(f"glass must be a TLSGlass, got {type(glass).__name__}")
    T = check_real("T", T, positive=True)
    if isinstance(prefactor, str):
        c = SCE_PREFACTORS[check_choice("prefactor", prefactor, SCE_PREFACTORS)]
    else:
        c = check_real("prefactor", prefactor)
    check_choice("field", field, ("asymmetry", "energy"))
    g = glass.tunneling if field == "energy" else None
    if isinstance(anneal_from, str):
        check_choice("anneal_from", anneal_from, ("auto",))
        anneal_from = float(np.hypot(glass.W, glass.J))
    return solve_fixed_point(
        glass.couplings, glass.asymmetry, c, T, g=g, rng=rng, tol=tol, max_sweeps=max_sweeps,
        anneal_from=anneal_from, damping=damping, on_fail=on_fail,
    )


def tls_energies(asymmetry_mf, tunneling) -> np.ndarray:
    """Eq. (6): ``E_i = sgn(Delta'_i) sqrt(Delta'_i^2 + Delta_0i^2)`` (sgn(0) taken as +1)."""
    asymmetry_mf = check_array("asymmetry_mf", asymmetry_mf)
    tunneling = check_array("tunneling", tunneling, shape=asymmetry_mf.shape)
    return np.where(asymmetry_mf >= 0, 1.0, -1.0) * np.hypot(asymmetry_mf, tunneling)


def _x_coth_half(E, T):
    """``|E| coth(|E|/2T)``, stable for all E (-> 2T at E = 0, -> |E| for |E| >> T).

    ``|E| / tanh(|E|/2T)`` rather than ``2T y / tanh(y)``: the product ``2T y`` overflows once
    ``|E|/2T`` does, and for ``|E| >> T`` this form returns ``|E|`` exactly (tanh = 1). Below
    ``y = 1e-4`` the series ``2T (1 + y^2/3)`` (next term ``y^4/45 < 3e-18``) avoids 0/0. The two
    forms agree to rounding: measured max relative difference 4.1e-16 (1.85 eps, 9% of values
    differ at all) for |E|/T in [0, 1e4]; both are within 1.4 eps of an extended-precision value.
    """
    aE = np.abs(E)
    y = aE / (2.0 * T)
    small = y < 1e-4
    # np.where evaluates both branches: keep each one's argument in its own range (y * y
    # overflows for |E|/T > 2.7e154, tanh(0) would give 0/0)
    ys = np.where(small, 1.0, y)
    yt = np.where(small, y, 0.0)
    return np.where(small, 2.0 * T * (1.0 + yt * yt / 3.0), aE / np.tanh(ys))


def tls_relaxation_rates(energies, tunneling, T: float, a: float = 1.0) -> np.ndarray:
    """Eq. (12): ``lambda_i = a Delta_0i^2 E_i coth(E_i / 2T)`` as a **positive** rate.

    (The paper writes ``lambda_i = -(omega_- + omega_+)``; its sign convention makes rates
    negative.) ``E coth(E/2T)`` is even in E; it is evaluated stably for any ``|E|/T``.
    """
    energies = check_array("energies", energies)
    tunneling = check_array("tunneling", tunneling, shape=energies.shape)
    T = check_real("T", T, positive=True)
    check_energy_ratio(energies, T)
    a = check_real("a", a, positive=True)
    return a * tunneling**2 * _x_coth_half(energies, T)


def _inv_sinh(z):
    """``1/sinh(z)`` without overflow: ``2 e^{-|z|} / (1 - e^{-2|z|})`` with its sign."""
    az = np.abs(z)
    return np.sign(z) * 2.0 * np.exp(-az) / -np.expm1(-2.0 * az)


def tls_rate_matrix(
    couplings,
    asymmetry_mf,
    tunneling,
    T: float,
    *,
    a: float = 1.0,
    prefactor: float | str = "paper",
    convention: str = "linearized",
) -> np.ndarray:
    """Eq. (B1): the full linearized rate matrix ``A_ij = -lambda_i delta_ij + f_ij``.

    ``convention="linearized"`` (default) takes ``f_ij`` from the first-order expansion of Eq. (11)
    around equilibrium, consistent with the SCE prefactor ``c`` used for Delta' (Eq. 4):
    ``f_ij = c a Delta_0i^2 Delta'_i (u_ij / r_ij^3) / (T sinh(E_i / T))``.
    ``convention="paper"`` uses App. B's printed
    ``f_ij = 2 a Delta_0i^2 Delta'_i N_i (N_i + 1) sigma0_i u_ij / (T r_ij^3)``
    with ``sigma0 = -tanh(E/2T)``; since ``2 N (N+1) tanh(E/2T) = 1/sinh(E/T)`` this equals the
    linearized form with ``c = 1`` and opposite sign (the printed formula matches the authors'
    prefactor 1, not the printed 1/4). Returns a dense float64, non-symmetric matrix; its
    eigenvalues are minus the relaxation rates (:func:`tls_rate_spectrum`).
    """
    K = check_array("couplings", couplings, ndim=2)
    asymmetry_mf = check_array("asymmetry_mf", asymmetry_mf, ndim=1)
    tunneling = check_array("tunneling", tunneling, ndim=1)
    N = asymmetry_mf.shape[0]
    if K.shape != (N, N) or tunneling.shape != (N,):
        raise ValueError(f"couplings must be ({N}, {N}) and tunneling ({N},)")
    T = check_real("T", T, positive=True)
    check_energy_ratio(np.hypot(asymmetry_mf, tunneling), T)  # |E_i| of Eq. (6)
    check_choice("convention", convention, ("linearized", "paper"))
    if isinstance(prefactor, str):
        c = SCE_PREFACTORS[check_choice("prefactor", prefactor, SCE_PREFACTORS)]
    else:
        c = check_real("prefactor", prefactor)
    if convention == "paper":
        c = -1.0  # the printed f_ij: prefactor 1, opposite sign (see the docstring)
    E = tls_energies(asymmetry_mf, tunneling)
    rates = tls_relaxation_rates(E, tunneling, T, a)
    row_scale = c * a * tunneling**2 * asymmetry_mf * _inv_sinh(E / T) / T
    A = K.astype(np.float64) * row_scale[:, None]
    A[np.diag_indices(N)] = -rates
    return A


def tls_rate_spectrum(A, *, method: str = "general", blas_threads: int | None = 1) -> np.ndarray:
    """Relaxation rates of Eq. (B1), ascending: minus the eigenvalues of the rate matrix.

    ``method="general"``: ``A`` from :func:`tls_rate_matrix` (not symmetric: row i carries
    Delta_0i^2); ``-Re(eig(A))`` from a general LAPACK driver (imaginary parts are zero up to
    rounding for these matrices). ``method="symmetric"``: ``A`` is the symmetric matrix of
    :func:`tls_symmetrized_rate_matrix` (same spectrum); ``-eigvalsh(A)``, faster and with a
    rigorous rounding bound. ``blas_threads`` pins LAPACK's threads (default 1) so results are
    bit-reproducible.
    """
    A = check_square("A", A)
    check_choice("method", method, ("general", "symmetric"))
    with _blas_threads(blas_threads):
        if method == "symmetric":
            return np.sort(-scipy.linalg.eigvalsh(A, check_finite=False))
        return np.sort(-scipy.linalg.eigvals(A, check_finite=False).real)


def tls_symmetrized_rate_matrix(
    couplings,
    asymmetry_mf,
    tunneling,
    T: float,
    *,
    a: float = 1.0,
    prefactor: float | str = "paper",
    convention: str = "linearized",
) -> np.ndarray:
    """A symmetric matrix with the spectrum of Eq. (B1)'s ``A`` (:func:`tls_rate_matrix`, same
    arguments).

    ``A = diag(s) K - diag(lambda)`` with ``s_i = c a Delta_0i^2 Delta'_i / (T sinh(E_i/T))``.
    Since ``E_i`` has the sign of ``Delta'_i``, every ``s_i`` has the sign of ``c`` (or is 0), so
    ``A`` is similar to ``M = D^{-1/2} A D^{1/2}`` (``D = diag|s|``), whose off-diagonal entries
    are ``sgn(c) sqrt|s_i s_j| K_ij = sgn(A_ij) sqrt(A_ij A_ji)``; where some ``s_i = 0`` both
    matrices are limits of similar ones, so the spectra still agree. ``M`` is exactly symmetric:
    its eigenvalues come from a symmetric solver with Weyl's bound on their rounding
    (:mod:`glasslib.error_bounds`).
    """
    A = tls_rate_matrix(couplings, asymmetry_mf, tunneling, T, a=a, prefactor=prefactor,
                        convention=convention)
    # A_ij A_ji = s_i s_j K_ij^2 >= 0 (the s_i share a sign), and the product is commutative,
    # so M is symmetric to the last bit
    M = np.sign(A) * np.sqrt(A * A.T)
    M[np.diag_indices_from(M)] = np.diag(A)
    return M


def noninteracting_abs_energy_cdf(e, W: float, tunneling_range=(1e-7, 1e-1)) -> np.ndarray:
    """``P(|E| <= e)`` for non-interacting TLSs (J = 0): Eq. (6) with Delta' = Delta.

    Delta is Gaussian with standard deviation W (Eq. 7) and Delta_0 log-uniform on
    ``tunneling_range``; ``|E| = sqrt(Delta^2 + Delta_0^2)``, so
    ``P(|E| <= e) = <erf(sqrt(e^2 - Delta_0^2) / (sqrt(2) W)) ; Delta_0 < e>``, the average over
    ``u = ln Delta_0`` done by adaptive quadrature.
    """
    from scipy.integrate import quad as _quad
    from scipy.special import erf as _erf

    lo, hi = (float(v) for v in tunneling_range)
    if not 0 < lo < hi:
        raise ValueError(f"tunneling_range must satisfy 0 < min < max, got {tunneling_range}")
    W = check_real("W", W, positive=True)
    e = np.asarray(e, dtype=float)
    span = np.log(hi / lo)

    def one(x):
        if x <= lo:
            return 0.0
        top = np.log(min(x, hi))

        def f(u):
            return _erf(np.sqrt(max(x * x - np.exp(2 * u), 0.0)) / (np.sqrt(2.0) * W))

        val, _ = _quad(f, np.log(lo), top, limit=200, epsabs=1e-13, epsrel=1e-10)
        return val / span

    return np.vectorize(one, otypes=[float])(e)
