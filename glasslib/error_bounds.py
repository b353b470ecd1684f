"""How far two correct computations of the same realization may differ: a bound for every raw
quantity a stored field is computed from (energies, rates, spectra, distances).

The same code on another platform (another CPU, BLAS kernel or library build; see
:mod:`glasslib.provenance`) rounds differently: numpy's transcendental functions have one
implementation per SIMD level (they differ in the last bits between AVX-512 and AVX2 machines),
OpenBLAS picks a kernel per CPU, and LAPACK's eigenvalues then differ by a few
``eps * max(lambda)``. This module turns the numerics of each step into an interval
``[lo_i, hi_i]`` that must contain the value *any* correct platform computes, given the values
recomputed here; :mod:`glasslib.comparator` then checks the cached summary against it.

Notation: ``eps`` is the float64 machine epsilon; "difference bound" means a bound on the
difference between two platforms (so each platform's own rounding enters twice); "ulp" bounds
for numpy's SIMD functions use 4 ulp per call (numpy documents at most 4 ULP for its vectorized
exp/log family; the C library's are below 1 ulp).

**The solver.** The mean-field solution ``x`` (``Delta'`` or ``E``) is found by a deterministic
sequence of updates, compiled by numba from IEEE operations and the C library's tanh. Three cases,
told apart by what each realization stores (``solution_digest``, ``iterations``,
``site_updates``):

1. *identical*: the digests of the two solutions agree, so they are the same bits and the solver
   contributes nothing to any bound (what we see on every x86-64 CPU we tried: numpy's SIMD
   functions and OpenBLAS differ, the solver's arithmetic does not);
2. *same path*: the same sweeps and updates, different bits (another C library's tanh, say);
3. *diverged*: some update was skipped on one platform and not on the other.

In case 2 the solutions differ only by the propagation of rounding. A perturbation ``p`` of the
fixed-point map ``F`` moves a stable fixed point by ``(I - DF)^{-1} p``: the amplification is
``kappa = ||(I - DF)^{-1}||_inf``. We measured ``kappa`` = 28-47 at N = 10^3 and 82-112 at
N = 10^4 for both glasses at the paper's lowest temperatures
(``benchmarks/solver_amplification.py``, table on the book's *Reproducibility* page; a test
checks it at quick scale for every curve of the figure table); :data:`SOLVER_AMPLIFICATION` =
1000 bounds it with a margin. The rounding perturbation of
site i is at most ``4 eps (|b_i| + |c| sum_j |K_ij| + |x_i| + |mu|)`` (the terms of
``b_i + c sum_j K_ij m_j - x_i``, with ``|m_j| <= 1``, each rounded to about one ulp, one ulp of
the tanh), so ``|dx_i| <= kappa * 4 eps * (...)``. In case 3 each solution has its residual
below the tolerance, and ``|dx| <= kappa (r_a + r_b)`` with the two final residuals: much wider,
and reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _sweeps
from . import tls as _tls
from .geometry import BLOCK_ROWS

__all__ = [
    "EPS",
    "SIMD_ULP",
    "SOLVER_AMPLIFICATION",
    "Interval",
    "abs_row_sums",
    "solver_amplification",
    "raw_intervals",
]

EPS = float(np.finfo(np.float64).eps)
#: ulps of error allowed per call of a numpy transcendental function (per platform)
SIMD_ULP = 4.0
#: bound on ||(I - DF)^{-1}||_inf at a converged mean-field solution (see the module doc)
SOLVER_AMPLIFICATION = 1e3


@dataclass
class Interval:
    """Values ``v_i`` known to lie in ``[lo_i, hi_i]``; ``include`` (None: all) marks values
    that are surely part of the set (1) or may or may not be (0, e.g. modes near the floor
    below which :func:`glasslib.electron_glass.drop_unresolved` drops them)."""

    lo: np.ndarray
    hi: np.ndarray
    include: np.ndarray | None = None

    def __post_init__(self):
        self.lo = np.asarray(self.lo, float)
        self.hi = np.asarray(self.hi, float)
        if self.include is None:
            self.include = np.ones(self.lo.shape, np.int8)

    @property
    def sure(self) -> np.ndarray:
        return self.include == 1


def abs_row_sums(K) -> np.ndarray:
    """``sum_j |K_ij|`` in float64 for every row (no N x N temporary)."""
    return _sweeps.abs_row_sums(np.ascontiguousarray(K))


def solver_amplification(K, x, c: float, T: float, g=None, mu: float = 0.0) -> float:
    """``||(I - DF)^{-1}||_inf`` at the solution ``x`` of ``x = b + c K tanh((phi(x) - mu)/2T)``
    (dense inverse: O(N^3), for measurements, not for every realization)."""
    x = np.asarray(x, float)
    g = np.zeros_like(x) if g is None else np.asarray(g, float)
    phi = np.sign(x) * np.hypot(x, g)
    z = np.abs(phi - mu) / (2.0 * T)
    # d tanh(z)/dx = sech^2(z) / 2T * dphi/dx, with sech^2 = 4 e^{-2z} / (1 + e^{-2z})^2
    sech2 = 4.0 * np.exp(-2.0 * z) / (1.0 + np.exp(-2.0 * z)) ** 2
    dphi = np.abs(x) / np.maximum(np.abs(phi), 1e-300)
    s = sech2 / (2.0 * T) * np.where(g > 0, dphi, 1.0)
    M = np.eye(x.size) - c * np.asarray(K, float) * s[None, :]
    return float(np.abs(np.linalg.inv(M)).sum(axis=1).max())


# --------------------------------------------------------------------------- the solver


def _solver_halfwidth(K, b, c, x, mu, path, residuals, g=None, T=None, g_rel=0.0):
    """Difference bound of the solution, per site (module doc)."""
    if path == "identical":
        return np.zeros(x.shape)
    if path == "diverged":
        return np.full(x.shape, SOLVER_AMPLIFICATION * float(sum(residuals)))
    rows = abs_row_sums(K)
    pert = 4.0 * EPS * (np.abs(b) + abs(c) * rows + np.abs(x) + abs(mu))
    if g is not None:
        # phi_j = sgn(x) sqrt(x^2 + g^2) moves by at most g_rel g_j when g_j does; tanh(phi/2T)
        # then by g_rel g_j / 2T
        pert = pert + abs(c) * rows * g_rel * float(np.max(g)) / (2.0 * T)
    return SOLVER_AMPLIFICATION * pert


def _tunneling_rel(params) -> float:
    """Difference bound (relative) of Delta_0 = exp(U), U = a + (b - a) u uniform between
    a = log(tunneling_min) and b = log(tunneling_max): a and b are numpy logs (SIMD_ULP each per
    platform), so U differs by 2 SIMD_ULP eps (|a| + |b|) at most (twice: a and b - a), and exp
    adds 2 SIMD_ULP eps."""
    a, b = abs(np.log(params["tunneling_min"])), abs(np.log(params["tunneling_max"]))
    return 4.0 * SIMD_ULP * EPS * (a + b) + 2.0 * SIMD_ULP * EPS


# --------------------------------------------------------------------------- TLS glass


def _tls_energy_interval(x, dx, g, g_rel) -> tuple[Interval, np.ndarray]:
    """Eq. (6) ``E = sgn(x) hypot(x, g)``: ``|dE| <= dx + g_rel g + 4 eps |E|`` (hypot within
    1 ulp per platform, plus the sign); where ``|x| <= dx`` the sign itself is uncertain."""
    E = np.where(x >= 0, 1.0, -1.0) * np.hypot(x, g)
    dE = dx + g_rel * g + 4.0 * EPS * np.abs(E)
    lo, hi = E - dE, E + dE
    flip = np.abs(x) <= dx
    lo = np.where(flip, -(np.abs(E) + dE), lo)
    hi = np.where(flip, np.abs(E) + dE, hi)
    return Interval(lo, hi), dE


def _coth_log_slope_bound(a, b, T):
    """Sup over |E| in [a, b] of |d ln(|E| coth(|E|/2T)) / d|E|| = |1/E - 1/(T sinh(E/T))|.

    Bounded by ``s(E) = min(1/E, E / 6T^2)`` (from ``sinh y <= 6y / (6 - y^2)`` for y^2 < 6),
    which rises to its peak ``1 / (sqrt 6 T)`` at ``E = sqrt 6 T`` and falls after."""
    peak = np.sqrt(6.0) * T

    def s(E):
        E = np.maximum(E, 0.0)
        return np.minimum(1.0 / np.maximum(E, 1e-300), E / (6.0 * T * T))

    inside = (a <= peak) & (peak <= b)
    return np.where(inside, 1.0 / peak, np.maximum(s(a), s(b)))


def _tls_rate_interval(rates, E, dE, g_rel, T) -> Interval:
    """Eq. (12) ``lambda = a Delta_0^2 |E| coth(|E|/2T)``: relative difference bound
    ``rho = 2 g_rel + s dE + 16 eps`` (s from :func:`_coth_log_slope_bound`; the 16 eps cover
    the rounding of the square, the product and the tanh on both platforms)."""
    absE = np.abs(E)
    slope = _coth_log_slope_bound(np.maximum(absE - dE, 0.0), absE + dE, T)
    rho = 2.0 * g_rel + slope * dE + 16.0 * EPS
    return Interval(rates * np.exp(-rho), rates * np.exp(rho) * (1.0 + 4.0 * EPS))


def _symmetric_eigen_halfwidth(row_bounds, spectrum) -> float:
    """Weyl: a symmetric perturbation of norm <= max_i sum_j |dS_ij| moves every eigenvalue by
    at most that; each platform's dense symmetric eigensolver adds at most N eps ||S||_2 (LAPACK's
    backward error p(N) eps ||S|| with p(N) = N, far above the ~7 eps max(lambda) measured)."""
    N = spectrum.size
    return float(np.max(row_bounds)) + 2.0 * N * EPS * float(np.max(np.abs(spectrum)))


def _b1_row_bounds(K, x, dx, g, g_rel, E, dE, T, c, rates_iv, a_coef=1.0):
    """Row sums of the entrywise difference bound of the symmetrized B1 matrix
    ``M_ij = sgn(c) r_i K_ij r_j`` (i != j), ``M_ii = -lambda_i``, with
    ``r_i = sqrt(|c| a Delta_0i^2 |x_i| / (T |sinh(E_i / T)|))``.

    ``ln r_i`` moves by at most ``(2 g_rel + dx/(|x| - dx) + coth((|E| - dE)/T) dE/T + 16 eps)/2``
    (from ``ln r^2 = const + 2 ln Delta_0 + ln|x| - ln|sinh(E/T)|``); where ``|x| <= dx`` only
    ``0 <= r_i <= sqrt(|c| a Delta_0^2 (|x| + dx) / (T sinh((|E| - dE)/T)))`` is known. K is
    computed by the same IEEE operations everywhere; 8 eps per entry cover a compiler that fuses
    them. The diagonal adds the Eq. (12) bound."""
    absx, absE = np.abs(x), np.abs(E)
    Elo = np.maximum(absE - dE, 1e-300)
    inv_sinh_hi = np.abs(_tls._inv_sinh(Elo / T))
    r = np.sqrt(abs(c) * a_coef * g**2 * absx * np.abs(_tls._inv_sinh(E / T)) / T)
    coth_lo = 1.0 / np.tanh(np.minimum(Elo / T, 700.0))
    safe = absx > 2.0 * dx
    dlog = 0.5 * (2.0 * g_rel + np.where(safe, dx / np.maximum(absx - dx, 1e-300), 0.0)
                  + coth_lo * dE / T + 16.0 * EPS)
    dr = np.where(safe, r * np.expm1(dlog),
                  np.sqrt(abs(c) * a_coef * g**2 * (absx + dx) * inv_sinh_hi / T))
    N = x.size
    rows = np.empty(N)
    for s in range(0, N, BLOCK_ROWS):
        e = min(s + BLOCK_ROWS, N)
        Kb = np.abs(np.asarray(K[s:e], float))
        entry = Kb * (dr[s:e, None] * (r[None, :] + dr[None, :]) + r[s:e, None] * dr[None, :])
        entry += 8.0 * EPS * Kb * r[s:e, None] * r[None, :]
        entry[np.arange(e - s), np.arange(s, e)] = 0.0
        rows[s:e] = entry.sum(axis=1)
    diag = np.maximum(rates_iv.hi - rates_iv.lo, 0.0)
    return rows + diag


def _b1_interval(glass, res, dx, g, g_rel, raw, dE, p, c, rates_iv) -> Interval:
    """Bound of the Eq. (B1) rates, computed by the general (balancing) eigensolver on ``A``.

    ``A`` is similar to the symmetric ``M`` of :func:`glasslib.tls_symmetrized_rate_matrix`, so
    the true spectrum moves with the inputs by at most Weyl's bound on ``M``
    (:func:`_b1_row_bounds`). The general solver has no such guarantee of its own; we check here
    that its eigenvalues lie within ``2 N eps ||M||`` of the symmetric solver's (whose error is at
    most ``N eps ||M||``), so that its error is at most ``3 N eps ||M||`` on this platform, and
    assume the same of the same algorithm on the platform that made the cache. If the check
    fails the interval is widened to what the symmetric solver guarantees plus the distance."""
    cb = -1.0 if p["convention"] == "paper" else c
    rows = _b1_row_bounds(glass.couplings, res.x, dx, g, g_rel, raw["energies"], dE, p["T"], cb,
                          rates_iv)
    M = _tls.tls_symmetrized_rate_matrix(glass.couplings, res.x, glass.tunneling, p["T"],
                                         prefactor=p["prefactor"], convention=p["convention"])
    sym = _tls.tls_rate_spectrum(M, method="symmetric")
    general = raw["b1_rates"]
    N = general.size
    norm = float(np.max(np.abs(sym)))
    apart = float(np.max(np.abs(general - sym)))
    solver = max(3.0 * N * EPS * norm, apart + N * EPS * norm)
    d = float(np.max(rows)) + 2.0 * solver
    return Interval(general - d, general + d)


# --------------------------------------------------------------------------- electron glass


def _distance_halfwidth(r, L):
    """Minimum-image distance, difference bound: each coordinate difference and its periodic fold
    are within 3 ulps of L, the sum of squares (einsum, any order) within 4 eps r; twice."""
    return 2.0 * (6.0 * EPS * L + 4.0 * EPS * r)


def _log_sinh(y):
    ay = np.maximum(np.abs(y), 1e-300)
    return ay + np.log(-np.expm1(-2.0 * ay)) - np.log(2.0)


def _eg_row_bounds(E, dE, r, L, T, xi):
    """Row sums of the entrywise difference bound of S (Eq. 23 symmetrized, see
    :mod:`glasslib.electron_glass`). With ``x = E/T`` (``dx = dE/T + 2 eps |x|``):

    - off-diagonal ``S_ij = -exp(l_ij)``, ``l_ij = -r_ij/xi - ln sinh(|x_i - x_j|/2) - ln 2``:
      ``|dl| <= dr/xi + coth(y_lo) (dx_i + dx_j)/2 + 2 * 8 eps (|r/xi| + |ln sinh| + 1)`` with
      ``y_lo = (|x_i - x_j| - dx_i - dx_j)/2`` (mean value theorem; infinite if y_lo <= 0: two
      energies too close to tell apart), then ``|dS| <= |S| (e^{|dl|} - 1 + 2 SIMD_ULP eps)``;
    - diagonal ``S_ii = sum_k exp(l_ik + lc_i - lc_k)``, ``lc = ln cosh(x/2)`` moving by at most
      ``|dx|/2``: each term as above plus ``(dx_i + dx_k)/2``, the sum of positive terms within
      ``2 N eps`` more.
    """
    x = E / T
    dx = dE / T + 2.0 * EPS * np.abs(x)
    N = x.size
    lc = np.abs(0.5 * x) + np.log1p(np.exp(-np.abs(x))) - np.log(2.0)
    rows = np.empty(N)
    for s in range(0, N, BLOCK_ROWS):
        e = min(s + BLOCK_ROWS, N)
        idx = (np.arange(e - s), np.arange(s, e))
        gap = np.abs(x[s:e, None] - x[None, :])
        ylo = 0.5 * (gap - dx[s:e, None] - dx[None, :])
        ylo[idx] = 1.0
        with np.errstate(divide="ignore"):
            coth = np.where(ylo > 0, 1.0 / np.tanh(np.maximum(ylo, 1e-300)), np.inf)
        ls = _log_sinh(0.5 * gap)
        rb = np.asarray(r[s:e], float)
        l_off = -rb / xi - ls - np.log(2.0)
        dl = (_distance_halfwidth(rb, L) / xi + coth * 0.5 * (dx[s:e, None] + dx[None, :])
              + 16.0 * EPS * (np.abs(rb / xi) + np.abs(ls) + 1.0))
        rel_off = np.expm1(dl) + 2.0 * SIMD_ULP * EPS
        off = np.exp(l_off)
        off[idx] = 0.0
        dl_diag = dl + 0.5 * (dx[s:e, None] + dx[None, :]) + 16.0 * EPS * (
            np.abs(lc[s:e, None]) + np.abs(lc[None, :]))
        term = np.exp(l_off + lc[s:e, None] - lc[None, :])
        term[idx] = 0.0
        with np.errstate(invalid="ignore"):
            off_err = np.where(off > 0, off * rel_off, 0.0)
            diag_err = np.where(term > 0, term * (np.expm1(dl_diag) + 2.0 * SIMD_ULP * EPS), 0.0)
        diag = term.sum(axis=1)
        rows[s:e] = off_err.sum(axis=1) + diag_err.sum(axis=1) + 4.0 * N * EPS * diag
    return rows


def _distance_matrix_row_bounds(r, L, xi):
    """Fig. 16's ``S = -A``: off-diagonal ``exp(-r/xi)`` moves by ``e^{dr/xi + 16 eps r/xi} - 1``
    relative (plus 2 SIMD_ULP eps for the exp), the diagonal (a sum of positive terms) by the
    same plus ``2 N eps``."""
    N = r.shape[0]
    rows = np.empty(N)
    for s in range(0, N, BLOCK_ROWS):
        e = min(s + BLOCK_ROWS, N)
        rb = np.asarray(r[s:e], float)
        w = np.exp(-rb / xi)
        w[np.arange(e - s), np.arange(s, e)] = 0.0
        rel = np.expm1(_distance_halfwidth(rb, L) / xi + 16.0 * EPS * rb / xi) + 2 * SIMD_ULP * EPS
        err = w * rel
        rows[s:e] = 2.0 * err.sum(axis=1) + 4.0 * N * EPS * w.sum(axis=1)
    return rows


def _spectrum_modes(spectrum, delta) -> Interval:
    """The modes :func:`glasslib.electron_glass.drop_unresolved` keeps, as intervals: the
    smallest eigenvalue (the conservation mode) is dropped, then those below ``N eps max``.
    A mode is surely kept if its interval lies above the floor's interval, surely dropped if it
    lies below, and may be either otherwise; if the two smallest eigenvalues cannot be told
    apart, either may be the dropped one."""
    spectrum = np.sort(spectrum)
    N = spectrum.size
    top = float(np.max(np.abs(spectrum)))
    rtol = N * EPS
    floor_lo = rtol * max(top - delta, 0.0) * (1 - 4 * EPS)
    floor_hi = rtol * (top + delta) * (1 + 4 * EPS)
    cand = spectrum[1:]
    lo, hi = cand - delta, cand + delta
    include = np.where(lo > floor_hi, 1, np.where(hi <= floor_lo, -1, 0)).astype(np.int8)
    if N > 1 and spectrum[1] - delta <= spectrum[0] + delta:
        include[0] = min(include[0], 0)
        lo = np.concatenate([[spectrum[0] - delta], lo])
        hi = np.concatenate([[spectrum[0] + delta], hi])
        include = np.concatenate([[0 if spectrum[0] + delta > floor_lo else -1], include])
    return Interval(lo, hi, include.astype(np.int8))


# --------------------------------------------------------------------------- entry point


def raw_intervals(real, row: dict) -> dict:
    """Intervals for every raw quantity of the recomputed realization ``real``
    (:class:`glasslib.realizations.Realization` computed with ``keep_context=True``), given the
    cached ``row`` (its solver diagnostics tell whether both solves took the same path).

    Returns ``{name: Interval}`` plus ``"path"``: how the two solves compare, ``"identical"``
    (equal solution digests: no solver term in any bound), ``"same"`` (equal sweep and update
    counts: rounding propagation), ``"diverged"`` (the residual bound), or None (no solver).
    """
    model, p, raw, ctx = real.model, real.params, real.raw, real.context
    out: dict = {}
    res = raw.get("solver")
    path = None
    if res is not None:
        from .realizations import solution_digest

        if int(row["solution_digest"]) == solution_digest(res):
            path = "identical"
        elif (int(row["iterations"]) == int(res.iterations)
              and int(row["site_updates"]) == int(res.site_updates)):
            path = "same"
        else:
            path = "diverged"
    out["path"] = path
    if model in ("tls_mc", "eg_mc", "tls_kmc", "eg_kmc"):
        out.update(_mc_intervals(real, row))
        return out
    if model in ("tls", "tls_b1"):
        glass = ctx["glass"]
        g = glass.tunneling
        g_rel = _tunneling_rel(p)
        c = _tls.SCE_PREFACTORS.get(p["prefactor"], p["prefactor"]) if isinstance(
            p["prefactor"], str) else float(p["prefactor"])
        field_g = g if p["field"] == "energy" else None
        dx = _solver_halfwidth(glass.couplings, glass.asymmetry, c, res.x, 0.0, path,
                               (float(row["residual"]), res.residual), g=field_g, T=p["T"],
                               g_rel=g_rel)
        out["energies"], dE = _tls_energy_interval(res.x, dx, g, g_rel)
        out["rates"] = _tls_rate_interval(raw["rates"], raw["energies"], dE, g_rel, p["T"])
        if model == "tls_b1":
            out["b1_rates"] = _b1_interval(glass, res, dx, g, g_rel, raw, dE, p, c, out["rates"])
    elif model == "eg":
        glass = ctx["glass"]
        c = -0.5 * p["J"]
        dx = _solver_halfwidth(glass.inverse_distances, glass.site_energies, c, res.x, res.mu,
                               path, (float(row["residual"]), res.residual))
        if path != "diverged":
            dmu = float(np.max(dx))
        else:
            # two solutions each within filling_tol of half filling: mu differs by the solution
            # difference plus 2 filling_tol over the bare slope sum_i n_i (1 - n_i) / T
            z = np.abs(raw["energies"]) / p["T"]
            slope = float(np.sum(np.exp(-z) / (1.0 + np.exp(-z)) ** 2)) / p["T"]
            dmu = float(np.max(dx)) + 2e-9 * p["N"] * 2.0 / max(slope, 1e-300)
        dE = dx + dmu + 2.0 * EPS * np.abs(raw["energies"])
        out["energies"] = Interval(raw["energies"] - dE, raw["energies"] + dE)
        out["mu"] = Interval(np.array([res.mu - dmu]), np.array([res.mu + dmu]))
        if p["xi"] is not None:
            r = ctx["distances"] if "distances" in ctx else glass.distances()
            rows = _eg_row_bounds(raw["energies"], dE, r, glass.L, p["T"], p["xi"])
            d = _symmetric_eigen_halfwidth(rows, raw["spectrum"])
            out["rates"] = _spectrum_modes(raw["spectrum"], d)
    else:
        r = ctx["distances"]
        rows = _distance_matrix_row_bounds(r, ctx["L"], p["xi"])
        d = _symmetric_eigen_halfwidth(rows, raw["spectrum"])
        out["rates"] = _spectrum_modes(raw["spectrum"], d)
        dnn = _distance_halfwidth(raw["nn"] * p["r_nn"], ctx["L"]) / p["r_nn"]
        dnn = dnn + 2.0 * EPS * raw["nn"]
        out["nn"] = Interval(raw["nn"] - dnn, raw["nn"] + dnn)
    return out


# --------------------------------------------------------------------------- Monte Carlo


def _mf_path(row, k: int, res) -> str:
    """How the ``k``-th mean-field solve of a Monte Carlo model compares (see
    :func:`raw_intervals`), from its ``mf_*`` path fields."""
    from .realizations import solution_digest

    if int(row["mf_digests"][k]) == solution_digest(res):
        return "identical"
    if (int(row["mf_iterations"][k]) == int(res.iterations)
            and int(row["mf_site_updates"][k]) == int(res.site_updates)):
        return "same"
    return "diverged"


def _sum_halfwidth(n: int, abs_sum) -> np.ndarray:
    """Difference bound of a float64 sum of ``n`` terms whose absolute values sum to
    ``abs_sum``, however it is ordered (numpy's pairwise sum picks its order by SIMD level):
    ``(n + 8) eps abs_sum`` per platform, twice."""
    return 2.0 * (n + 8) * EPS * np.asarray(abs_sum, float)


def half_filling_mu_halfwidth(x, mu: float, T: float) -> float:
    """Difference bound of :func:`glasslib.mean_field.half_filling_mu` for the same ``x``.

    The root function ``-1/2 sum_i tanh((x_i - mu)/2T)`` differs between platforms by at most
    ``(2 SIMD_ULP + 4) eps N`` per evaluation (numpy's tanh, the subtraction and the division,
    then the sum of ``N`` terms of size <= 1, ``(N + 8) eps N``): ``delta_f = (2 SIMD_ULP + N +
    12) eps N``. Its slope in ``mu`` is ``S = sum_i sech^2((x_i - mu)/2T) / 4T``; a root moves by
    ``delta_f / S`` (the function is monotonic, and ``S`` is evaluated at the root, where the
    curvature is negligible on that scale), and Brent's method stops within ``xtol + rtol |mu|``
    (1e-14 + 8.9e-16 |mu|) of each platform's root: twice that, doubled for the bracket side."""
    x = np.asarray(x, float)
    N = x.size
    z = np.abs(x - mu) / (2.0 * T)
    slope = float(np.sum(4.0 * np.exp(-2.0 * z) / (1.0 + np.exp(-2.0 * z)) ** 2)) / (4.0 * T)
    delta_f = (2.0 * SIMD_ULP + N + 12) * EPS * N
    return delta_f / max(slope, 1e-300) + 4.0 * (1e-14 + 8.9e-16 * abs(mu))


def _mc_trajectory_problem(row, fresh_digests) -> str | None:
    cached = np.asarray(row["mc_digests"], np.int64)
    fresh = np.asarray(fresh_digests, np.int64)
    if cached.shape != fresh.shape or not np.array_equal(cached, fresh):
        bad = [int(k) for k in np.flatnonzero(cached != fresh)] if cached.shape == fresh.shape \
            else "all"
        return (f"Monte Carlo trajectory diverged (digests differ, run {bad}): a platform "
                "flipped a Metropolis or event decision (probability ~ moves x 2^-52), the "
                "cached values are another valid sample; compare statistically, or recompute")
    return None


def _eg_mf_energy_interval(K, b, J, T, res, path, cached_residual) -> Interval:
    """``E = x - mu`` of one half-filled solve of Eq. (20) with site energies ``b``: the solver
    bound plus ``mu``'s (the solution's bound; after diverged paths also each side's
    :func:`half_filling_mu_halfwidth` and the filling tolerance ``1e-9 N`` over the slope)."""
    N = res.x.size
    dx = _solver_halfwidth(K, b, -0.5 * J, res.x, res.mu, path, (cached_residual, res.residual))
    dmu = float(np.max(dx)) if path != "diverged" else (
        float(np.max(dx)) + half_filling_mu_halfwidth(res.x, res.mu, T)
        + 2e-9 * N * 2.0 * T / max(float(np.sum(
            0.25 / np.cosh(np.minimum(np.abs(res.x - res.mu) / (2 * T), 350.0)) ** 2)), 1e-300))
    E = res.x - res.mu
    dE = dx + dmu + 2.0 * EPS * np.abs(E)
    return Interval(E - dE, E + dE)


def _mc_intervals(real, row) -> dict:
    """Intervals of the raw quantities of ``tls_mc``, ``eg_mc``, ``tls_kmc`` and ``eg_kmc``.

    A Monte Carlo trajectory is a sequence of decisions taken with IEEE arithmetic from the same
    random numbers, so equal trajectory digests mean equal configurations at every sample.
    Given those, everything computed from a configuration in compiled sequential loops (the
    local fields ``h`` and site energies ``phi``) has the same bits; what remains is (a) the
    tunnelling amplitudes (:func:`_tunneling_rel`) in ``E = sgn(h) sqrt(h^2 + Delta_0^2)``,
    ``|dE| <= g_rel Delta_0 + 4 eps |E|`` (the sign is that of ``h``: exact); (b) the electron
    glass's ``mu`` (:func:`half_filling_mu_halfwidth`); (c) numpy sums of energies in the traces
    (:func:`_sum_halfwidth`, with ``|sigma_i (Delta_i + h_i)| <= 2 |Delta_i| + |c| sum_j
    |K_ij|``, resp. ``|(n_i - 1/2)(eps_i + phi_i)| <= |eps_i| + J sum_j |K_ij| / 2``, for every
    configuration); (d) the ladder's numpy powers (``2 SIMD_ULP + 4`` eps relative); (e) the
    mean-field solves, as for the mean-field models, one path per solve. If the digests differ,
    ``"mc_problem"`` says so and the comparator reports it.
    """
    model, p, raw, ctx = real.model, real.params, real.raw, real.context
    glass = ctx["glass"]
    out: dict = {"mc_problem": _mc_trajectory_problem(row, raw["mc_digests"])}
    N = p["N"]
    solvers = ctx["solvers"]
    paths = [_mf_path(row, k, res) for k, res in enumerate(solvers)]
    out["mf_paths"] = paths
    rows = abs_row_sums(glass.couplings if model in ("tls_mc", "tls_kmc")
                        else glass.inverse_distances)
    if model in ("tls_mc", "tls_kmc"):
        c = ctx["c"]
        g = glass.tunneling
        g_rel = _tunneling_rel(p)
        fields = ([glass.asymmetry, ctx["shifted"].asymmetry] if model == "tls_kmc"
                  else [glass.asymmetry] * len(solvers))
        dxs = [_solver_halfwidth(glass.couplings, b, c, res.x, 0.0, path,
                                 (float(row["mf_residuals"][k]), res.residual))
               for k, (res, path, b) in enumerate(zip(solvers, paths, fields, strict=True))]
    if model == "tls_mc":
        for key in ("mc_energies", "cold_energies"):
            ivs = []
            for E in raw[key]:
                gg = np.resize(g, E.size)  # samples are stacked configurations of N sites
                dE = g_rel * gg + 4.0 * EPS * np.abs(E)
                ivs.append(Interval(E - dE, E + dE))
            out[key] = ivs
        out["mf_energies"] = [_tls_energy_interval(res.x, dx, g, g_rel)[0]
                              for res, dx in zip(solvers, dxs, strict=True)]
        term = 0.25 * (2.0 * np.abs(glass.asymmetry) + abs(c) * rows)
        half = _sum_halfwidth(N, float(np.sum(term))) / N
        for key in ("mc_trace", "cold_trace"):
            v = np.asarray(raw[key], float)
            out[key] = Interval(v - half - 2 * EPS * np.abs(v), v + half + 2 * EPS * np.abs(v))
    elif model == "eg_mc":
        J, eps_ = p["J"], glass.site_energies
        for key, run in (("mc_energies", ctx["hot"]), ("cold_energies", ctx["cold"])):
            ivs = []
            for k, t in enumerate(ctx["targets"]):
                E = raw[key][k].reshape(-1, N)
                mus = run["mu"][t]
                T = float(raw["ladder"][t])
                dmu = np.array([half_filling_mu_halfwidth(E[s] + mus[s], mus[s], T)
                                for s in range(E.shape[0])])
                dE = (dmu[:, None] + 2.0 * EPS * np.abs(E)).ravel()
                ivs.append(Interval(E.ravel() - dE, E.ravel() + dE))
            out[key] = ivs
        out["mf_energies"] = [
            _eg_mf_energy_interval(glass.inverse_distances, eps_, J, float(p["temperatures"][k]),
                                   res, path, float(row["mf_residuals"][k]))
            for k, (res, path) in enumerate(zip(solvers, paths, strict=True))]
        term = 0.5 * (np.abs(eps_) + 0.5 * J * rows)
        half = _sum_halfwidth(N, float(np.sum(term))) / N
        for key in ("mc_trace", "cold_trace"):
            v = np.asarray(raw[key], float)
            out[key] = Interval(v - half - 2 * EPS * np.abs(v), v + half + 2 * EPS * np.abs(v))
    if model in ("tls_mc", "eg_mc"):
        lad = np.asarray(raw["ladder"], float)
        d = (2.0 * SIMD_ULP + 4.0) * EPS * lad
        out["ladder"] = Interval(lad - d, lad + d)
    if model == "tls_kmc":
        T = p["T"]
        (res0, _), (dx0, dxh) = solvers, dxs
        # c_i = tanh(x0 / 2T) - tanh(xh / 2T): tanh is 1/2T-Lipschitz in x, numpy's tanh adds
        # SIMD_ULP eps per call (|tanh| <= 1), the subtraction one ulp of |c_i| <= 2
        ci = np.asarray(ctx["ci"], float)
        dci = (dx0 + dxh) / (2.0 * T) + (2.0 * SIMD_ULP * 2 + 4.0) * EPS
        n_abs = float(np.sum(np.abs(ci) + dci))
        d0 = float(np.sum(dci)) + float(_sum_halfwidth(N, n_abs))
        v = float(raw["mf_delta_P0"]) * N
        out["mf_delta_P0"] = _divided(np.array([v - d0]), np.array([v + d0]), N)
        # sum_i c_i (exp(-lambda_i t) - 1) / N: each term by the corners of the intervals of
        # c_i and of exp(-lambda t) - 1 in [-1, 0]; numpy's exp (SIMD_ULP), the BLAS product
        # and the separate sum of c_i add (3 (N + 8) + 2 SIMD_ULP) eps sum |c_i| per platform
        lam_iv = _tls_rate_interval(np.asarray(ctx["rates"], float), res0.x, dx0, g_rel, T)
        out["mf_rates"] = lam_iv
        from .realizations import KMC_TIMES

        t = KMC_TIMES[:, None]
        e_lo = np.expm1(-t * lam_iv.hi[None, :])  # more negative
        e_hi = np.expm1(-t * lam_iv.lo[None, :])
        c_lo, c_hi = (ci - dci)[None, :], (ci + dci)[None, :]
        corners = np.stack([c_lo * e_lo, c_lo * e_hi, c_hi * e_lo, c_hi * e_hi])
        slack = 2.0 * (3.0 * (N + 8) + 2.0 * SIMD_ULP + 4.0) * EPS * n_abs
        out["mf_relaxed"] = _divided(corners.min(axis=0).sum(axis=1) - slack,
                                     corners.max(axis=0).sum(axis=1) + slack, N)
    if model == "eg_kmc":
        out.update(_eg_kmc_intervals(real, row, paths))
    return out


def _eg_kmc_intervals(real, row, paths) -> dict:
    """Intervals of ``eg_kmc``'s mean-field prediction and of its cutoff diagnostic.

    Inputs: the energies ``E0`` (zero field) and ``Eh`` (the potential) of the two solves
    (:func:`_eg_mf_energy_interval`, half-widths ``d0``, ``dh``).

    - ``dn0 = f(Eh) - f(E0)``: ``f`` is Lipschitz with ``max |f'| = D(E_lo)/T`` on each
      interval (``D = f (1 - f)`` is largest at the interval's point nearest 0); each side is
      an ``expit`` (``SIMD_ULP`` eps relative) and their difference one ulp:
      ``(2 SIMD_ULP + 2) eps (|a| + |b|)``.
    - ``D``: ``|d ln D / dE| = tanh(|E|/2T) / T <= 1/T``, so ``D`` moves by at most
      ``expm1(d0/T)`` relative, ``sqrt(D)`` by half that, plus ``4 SIMD_ULP eps``.
    - ``S``: a symmetric perturbation whose 2-norm is at most the largest row sum of its
      entrywise bound (:func:`_eg_row_bounds`); for positive semi-definite ``S`` and ``S'``,
      ``||exp(-S t) - exp(-S' t)|| <= t ||S - S'||`` (Duhamel), and within ``e^{t eta}`` of that
      when ``S'`` is only PSD to ``-eta``.
    - the prediction ``O(t) = u^T exp(-S t) y0`` (``u = sqrt(D) s``, ``y0 = dn0 / sqrt(D)``) is
      computed as ``sum_k (u^T v_k)(v_k^T y0) expm1(-lambda_k t)`` from each platform's
      eigenpairs: with LAPACK's backward error ``eta = N eps ||S||`` and eigenvectors
      orthogonal to ``N eps``, the computed propagator is within ``t eta e^{t eta} + 3 N eps``
      of ``exp(-S t)`` (2-norm), and the products, ``expm1`` and the sum add ``(3 N + 8 +
      2 SIMD_ULP) eps ||u|| ||y0||``; both platforms, twice. The inputs add ``||du|| ||y0|| +
      ||u|| ||dy0|| + ||u|| ||y0|| t dS e^{t dS}``. ``O(0)`` is subtracted exactly (the terms
      vanish at ``t = 0``), so the bound of ``O(t) - O(0)`` is that of ``O(t)`` plus that of
      ``O(0)``.
    - the rates kept (``drop_unresolved``): :func:`_spectrum_modes`, as the ``eg`` model.
    - ``kmc_missed``: rates of the pairs beyond the cutoff from bit-identical site energies
      (compiled sequential loops) and ``w = exp(-r/xi)`` (numpy: ``SIMD_ULP`` eps, and the
      distance's bound over ``xi``); each rate's ``exp``/``expm1`` and arithmetic within ``16
      eps``; a sum of positive terms keeps the largest relative error, plus ``(P + 8) eps``.
    """
    from .realizations import (
        EG_KMC_TIMES,
        FROZEN_D,
        _fermi_difference,
        _symmetrized_response,
    )

    p, raw, ctx = real.params, real.raw, real.context
    glass = ctx["glass"]
    N, T, J = p["N"], p["T"], p["J"]
    res0, resh = ctx["solvers"]
    iv0 = _eg_mf_energy_interval(glass.inverse_distances, glass.site_energies, J, T, res0,
                                 paths[0], float(row["mf_residuals"][0]))
    ivh = _eg_mf_energy_interval(glass.inverse_distances, ctx["shifted"], J, T, resh,
                                 paths[1], float(row["mf_residuals"][1]))
    E0, Eh = res0.x - res0.mu, resh.x - resh.mu
    d0 = 0.5 * (iv0.hi - iv0.lo)
    dh = 0.5 * (ivh.hi - ivh.lo)

    def d_max(E, dE):  # max of f(1 - f) over [E - dE, E + dE]
        z = np.maximum(np.abs(E) - dE, 0.0) / T
        return 0.25 / np.cosh(np.minimum(z / 2.0, 350.0)) ** 2

    from scipy.special import expit

    up = E0 >= 0
    a = np.where(up, expit(-Eh / T), expit(E0 / T))
    b = np.where(up, expit(-E0 / T), expit(Eh / T))
    dn0 = _fermi_difference(Eh, E0, T)
    ddn = (d_max(E0, d0) * d0 + d_max(Eh, dh) * dh) / T \
        + (2.0 * SIMD_ULP + 2.0) * EPS * (np.abs(a) + np.abs(b))
    s = np.asarray(ctx["s"], float)
    out: dict = {}
    v = float(raw["mf_delta_P0"]) * N
    half = float(np.sum(ddn)) + float(_sum_halfwidth(N, float(np.sum(np.abs(dn0) + ddn))))
    out["mf_delta_P0"] = _divided(np.array([v - half]), np.array([v + half]), N)

    from .electron_glass import occupation_variance

    D = occupation_variance(E0, T)
    rel_sqrt = 0.5 * np.expm1(d0 / T) + 4.0 * SIMD_ULP * EPS
    u, y0 = _symmetrized_response(E0, dn0, s, T)
    live = D >= FROZEN_D
    # a site near the frozen threshold may be live on one platform only: both sides are then
    # bounded by the frozen sites' bound below (sqrt(D) e^{|dE|/T} |dE| / T)
    edge = np.abs(np.log(np.maximum(D, 1e-320) / FROZEN_D)) <= 2.0 * d0 / T + 1e-6
    dE = np.abs(Eh - E0) + d0 + dh
    tiny = np.sqrt(FROZEN_D * np.exp(np.minimum(2.0 * d0 / T, 700.0))) * np.exp(
        np.minimum(dE / T, 700.0)) * (dE / T + 1.0)
    sqrt_lo = np.sqrt(np.where(live, D, 1.0)) * (1.0 - np.minimum(rel_sqrt, 0.5))
    du = np.where(live & ~edge, np.abs(u) * rel_sqrt, np.abs(u) + tiny)
    dy0 = np.where(live & ~edge, ddn / sqrt_lo + np.abs(y0) * 2.0 * rel_sqrt,
                   np.abs(y0) + tiny)
    nu, ny = float(np.linalg.norm(u)), float(np.linalg.norm(y0))
    ndu, ndy = float(np.linalg.norm(du)), float(np.linalg.norm(dy0))
    r = ctx["distances"]
    rows = _eg_row_bounds(E0, d0, r, glass.L, T, p["xi"])
    dS = float(np.max(rows))
    lam = np.asarray(ctx["spectrum"], float)
    eta = N * EPS * float(np.max(np.abs(lam)))
    t = EG_KMC_TIMES
    with np.errstate(over="ignore", invalid="ignore"):
        prop = 2.0 * (t * eta * np.exp(np.minimum(t * eta, 700.0)) + 3.0 * N * EPS
                      + (3.0 * N + 8.0 + 2.0 * SIMD_ULP) * EPS)
        inputs = ndu * ny + nu * ndy + nu * ny * t * dS * np.exp(np.minimum(t * dS, 700.0))
        inputs = np.where(np.isfinite(inputs), inputs, np.inf)
    at0 = ndu * ny + nu * ndy + nu * ny * 2.0 * (3.0 * N * EPS + (3.0 * N + 8.0
                                                               + 2.0 * SIMD_ULP) * EPS)
    half_t = nu * ny * prop + inputs + at0
    v = np.asarray(raw["mf_relaxed"], float) * N
    out["mf_relaxed"] = _divided(v - half_t, v + half_t, N)
    d = _symmetric_eigen_halfwidth(rows, lam)
    out["mf_rates"] = _spectrum_modes(lam, d)
    far = ctx["far"]
    dr = _distance_halfwidth(r[far], glass.L)
    rel = float(np.max(np.expm1(dr / p["xi"]))) if dr.size else 0.0
    rel = 2.0 * (rel + (SIMD_ULP + 16.0 + dr.size + 8.0) * EPS)
    m = float(raw["kmc_missed"])
    out["kmc_missed"] = Interval(np.array([m * (1 - rel)]), np.array([m * (1 + rel)]))
    return out


def _divided(lo, hi, n):
    """``[lo, hi] / n``, widened by the rounding of the division (and of the corner sums)."""
    lo, hi = np.asarray(lo, float) / n, np.asarray(hi, float) / n
    return Interval(lo - 4.0 * EPS * np.abs(lo), hi + 4.0 * EPS * np.abs(hi))
