"""Beyond mean field: equilibrium Monte Carlo and kinetic Monte Carlo of both glasses.

The paper closes by asking for "more exact numerical methods such as Monte Carlo simulations";
this module provides them on the very realizations the mean-field solvers use.

**TLS glass, Ising limit.** With ``Delta_0 <= 0.1 << W, J`` the tunnelling is dropped from the
energetics (kept in the rates). The Ising Hamiltonian whose Weiss (mean-field) equation is
*exactly* Eq. (4) with prefactor ``c`` is

    H_c(sigma) = 1/2 sum_i Delta_i sigma_i - (c/4) sum_{i != j} J_ij sigma_i sigma_j,

with ``sigma_i = +-1`` (``sigma^z`` eigenvalues). Its local field is ``h_i = Delta_i - c sum_j J_ij
sigma_j``, the energy of the state ``sigma_i`` is ``sigma_i h_i / 2``, so ``<sigma_i> = -tanh(h_i /
2T)`` and the Weiss equation ``h_i = Delta_i + c sum_j J_ij tanh(h_j / 2T)`` is Eq. (4). The
printed Eq. (1) (``S^z = sigma / 2``, pair sum ``-1/2 sum u/r^3 S S``) is ``H_c`` with ``c = 1/2``;
Eq. (3)/(4) as printed use ``c = 1/4`` (``"paper"``, the default), the authors' code ``c = 1``: the
MC uses whatever ``c`` the mean-field run uses, so the coupling scale matches on both sides.
Flipping TLS ``i`` costs ``dH = -sigma_i h_i``; the single-particle energy of TLS ``i`` in a
configuration is ``E_i = sgn(h_i) sqrt(h_i^2 + Delta_0i^2)``, Eq. (6) with the instantaneous local
field in place of the thermally averaged one.

**Electron glass.** ``n_i in {0, 1}``, exactly ``N/2`` electrons, ``H = sum_i eps_i (n_i - 1/2) +
(J/2) sum_{i != j} K_ij (n_i - 1/2)(n_j - 1/2)`` with ``K_ij = r_nn / r_ij``; site energies
``phi_i = eps_i + J sum_j K_ij (n_j - 1/2)``; a move takes an electron from an occupied site
``i`` to an empty site ``j`` (both uniform among their kind, so the proposal is symmetric) and
costs ``phi_j - phi_i - J K_ij``. Single-particle energies are ``phi_i - mu`` with ``mu`` fixed
by ``sum_i f((phi_i - mu)/T) = N/2``, as in the mean-field solver.

**Equilibrium sampler.** Metropolis single moves (random site, or random occupied/empty pair) on
every replica of a temperature ladder, for the TLS glass followed by as many *pair flips*, and
replica exchange (parallel tempering) between neighbouring temperatures after every sweep (even
pairs on even sweeps, odd pairs on odd ones). The pair flips are needed because TLSs sit at random
positions: the closest pairs have couplings ``|J_ij|`` hundreds of times ``J`` (``1/r^3`` at small
``r``; at N = 1000 the largest is ~10^3), so such a pair is locked in one of its two aligned
states, and switching between them by single flips costs ``~ c |J_ij|``: never, at any temperature
of the ladder. A pair flip turns both spins of site ``i`` (uniform) and its most strongly coupled
partner ``p(i) = argmax_j |J_ij|`` at once, at cost ``-sigma_i h_i - sigma_j h_j - 2 c sigma_i
sigma_j J_ij``; the proposal probability of the pair ``{i, j}``, ``([p(i) = j] + [p(j) = i]) / N``,
does not depend on the state, so the Metropolis rule keeps detailed balance (tested against exact
enumeration). The kinetic Monte Carlo keeps single flips only: it is the physical phonon dynamics.
Local fields are updated in O(N) per accepted move; energies are tracked incrementally for the
exchanges and every stored quantity is recomputed from scratch from the configuration
(:func:`tls_fields`, :func:`eg_fields`), so no incremental rounding reaches the cache.

**Kinetic Monte Carlo (TLS glass).** Rejection-free (BKL / Gillespie) single-TLS flips with the
phonon rates of Eq. (10) in the Ising limit, at the *instantaneous* local field:
``down = Delta_0^2 x (N_B(x) + 1)``, ``up = Delta_0^2 x N_B(x)``, ``x = |h_i|`` (``a = 1``), so
``up + down = Delta_0^2 x coth(x / 2T)`` is Eq. (12) and ``up / down = exp(-x / T)`` is detailed
balance for ``H_c``: the stationary state of the dynamics is the equilibrium of the sampler.
After each flip every field and rate is updated (O(N) per event, no O(N^2) work); the total rate
is re-summed from scratch, so it does not drift. No rate is cut off: the paper's full
``Delta_0`` range is simulated, and the slowest TLSs (rates below ``1 / t_max``) simply rarely
flip within the observed window (see the book).

**Kinetic Monte Carlo (electron glass).** Rejection-free hops of one electron from an occupied
site ``i`` to an empty site ``j`` at the Miller-Abrahams rates of Eq. (21) with the
*instantaneous* energy change of the hop, ``dH = phi_j - phi_i - J K_ij`` (the same move cost as
the equilibrium sampler): ``gamma_ij = e^{-r_ij/xi} [N(|dH|) + Theta(-dH)]``, i.e. ``e^{-r/xi} /
(1 - e^{-|dH|/T})`` downhill and that times ``e^{-|dH|/T}`` uphill, so ``gamma_ij / gamma_ji =
exp(-dH / T)``: detailed balance for ``H``, and the stationary state is the canonical
equilibrium at fixed electron number (tested by exact enumeration). Using ``dH`` rather than the
single-particle ``E_i - E_j`` of the printed Eq. (21) is what makes the dynamics relax to the
equilibrium of ``H``; the two differ by the excitonic ``J K_ij``. Two stated treatments:

* **Pair list.** Only pairs closer than ``cutoff`` (minimum image) can hop. A pair beyond it
  has ``e^{-r/xi} < e^{-cutoff/xi}``; the total rate of the neglected pairs in the starting
  configuration, times the window, is returned (``missed``: the expected number of hops the
  cutoff removes if the rates stayed as at t = 0), and a test compares the cutoff with the full
  list.
* **``dH -> 0``.** ``N(|dH|) ~ T / |dH|`` diverges; it is used at face value (continuous
  disorder makes ``dH = 0`` a null event), with ``|dH| / T`` floored at ``1e-12`` only so that a
  rate is never infinite: a pair that close hops ``~10^12 e^{-r/xi}`` times per unit time and
  would end the run by exhausting any event budget, which is reported, not hidden.

Each event updates every site energy (O(N)) and every listed pair's rate and the running sum of
rates (O(pairs), one exp per pair with unequal occupations), and picks the next hop by bisection
of the running sums; the configuration is recorded at the requested times.

**Random numbers and determinism.** Every random number comes from a numpy ``Generator`` in
blocks (site picks, uniforms) and is consumed by compiled loops of IEEE arithmetic and the C
library's ``exp``/``log``: the same seed gives the same trajectory on any thread layout. Another
platform could flip a Metropolis decision only if a uniform falls within an ulp of the
acceptance probability (probability ~ moves x 2^-52); the trajectory digest stored with each
realization detects it.
"""

from __future__ import annotations

import hashlib
import math

import numba as nb
import numpy as np

from . import _sweeps
from ._validation import check_int, check_real

__all__ = [
    "ising_coupling",
    "temperature_ladder",
    "tls_fields",
    "tls_energy",
    "eg_fields",
    "eg_energy",
    "tls_parallel_tempering",
    "eg_parallel_tempering",
    "tls_kmc",
    "tls_flip_rates",
    "eg_pair_list",
    "eg_hop_rates",
    "eg_kmc",
    "strongest_partner",
    "trajectory_digest",
]

def ising_coupling(c: float) -> float:
    """The pair coefficient ``g`` of ``H = 1/2 sum Delta sigma - g sum_{i != j} J sigma sigma``
    whose Weiss equation is Eq. (4) with prefactor ``c``: ``g = c / 4`` (module doc)."""
    return float(c) / 4.0


def temperature_ladder(anchors, max_ratio: float = 1.25) -> np.ndarray:
    """Ascending temperatures containing every anchor, geometric between consecutive anchors
    with ratio at most ``max_ratio``."""
    a = np.unique(np.asarray([check_real("anchor", t, positive=True) for t in anchors], float))
    max_ratio = check_real("max_ratio", max_ratio, positive=True)
    if max_ratio <= 1.0:
        raise ValueError(f"max_ratio must exceed 1, got {max_ratio}")
    out = [a[0]]
    for lo, hi in zip(a[:-1], a[1:], strict=True):
        steps = max(1, math.ceil(math.log(hi / lo) / math.log(max_ratio) - 1e-12))
        out.extend(lo * (hi / lo) ** (np.arange(1, steps + 1) / steps))
        out[-1] = hi
    return np.asarray(out, float)


# --------------------------------------------------------------------------- fields, energies


def tls_fields(K, delta, c, s) -> np.ndarray:
    """``h = Delta - c K sigma`` from scratch (float64 row sums, sequential per row)."""
    return np.asarray(delta, float) - c * _sweeps.matvec64(K, np.asarray(s, np.float64))


def tls_energy(delta, h, s) -> float:
    """``H_c = 1/4 sum_i sigma_i (Delta_i + h_i)`` (module doc) from the fields ``h``."""
    s = np.asarray(s, np.float64)
    return 0.25 * float(np.sum(s * (np.asarray(delta, float) + h)))


def eg_fields(K, eps, J, n) -> np.ndarray:
    """``phi = eps + J K (n - 1/2)`` from scratch."""
    return np.asarray(eps, float) + J * _sweeps.matvec64(K, np.asarray(n, np.float64) - 0.5)


def eg_energy(eps, phi, n) -> float:
    """``H = 1/2 sum_i (n_i - 1/2)(eps_i + phi_i)`` from the site energies ``phi``."""
    m = np.asarray(n, np.float64) - 0.5
    return 0.5 * float(np.sum(m * (np.asarray(eps, float) + phi)))


# --------------------------------------------------------------------------- compiled loops


@nb.njit(cache=True, fastmath=False, inline="always")
def _flip(K, c, s, h, r, i):
    si = s[r, i]
    f = 2.0 * c * si
    row = K[i]
    for j in range(h.shape[1]):
        h[r, j] += f * np.float64(row[j])
    s[r, i] = -si


@nb.njit(cache=True, fastmath=False, inline="always")
def _exchange(betas, rep_at, energy, swap_u, first, swaps):
    """Replica-exchange attempts between ladder slots ``(t, t + 1)``, ``t = first, first + 2,
    ...``: accepted with ``min(1, exp((beta_t - beta_t+1)(E_a - E_b)))``."""
    for t in range(first, betas.shape[0] - 1, 2):
        a, b = rep_at[t], rep_at[t + 1]
        x = (betas[t] - betas[t + 1]) * (energy[a] - energy[b])
        if x >= 0.0 or swap_u[t] < np.exp(x):
            rep_at[t], rep_at[t + 1] = b, a
            swaps[t] += 1


@nb.njit(cache=True, fastmath=False)
def _tls_sweeps(K, c, betas, rep_at, s, h, energy, sites, uniforms, partner, pair_sites,
                pair_uniforms, swap_u, sweep0, accepted, swaps):
    """Metropolis sweeps of every replica, each followed by an exchange attempt.

    A sweep is ``sites.shape[2]`` single flips then ``pair_sites.shape[2]`` pair flips (site
    ``i`` and its most strongly coupled ``partner[i]`` together; module doc)."""
    n_sweeps, R, M = sites.shape
    P = pair_sites.shape[2]
    for k in range(n_sweeps):
        for t in range(R):
            r = rep_at[t]
            beta = betas[t]
            for m in range(M):
                i = sites[k, t, m]
                dE = -s[r, i] * h[r, i]
                if dE <= 0.0 or uniforms[k, t, m] < np.exp(-beta * dE):
                    _flip(K, c, s, h, r, i)
                    energy[r] += dE
                    accepted[t] += 1
            for m in range(P):
                i = pair_sites[k, t, m]
                j = partner[i]
                dE = (-s[r, i] * h[r, i] - s[r, j] * h[r, j]
                      - 2.0 * c * s[r, i] * s[r, j] * np.float64(K[i, j]))
                if dE <= 0.0 or pair_uniforms[k, t, m] < np.exp(-beta * dE):
                    _flip(K, c, s, h, r, i)
                    _flip(K, c, s, h, r, j)
                    energy[r] += dE
                    accepted[t] += 1
        _exchange(betas, rep_at, energy, swap_u[k], (sweep0 + k) % 2, swaps)


@nb.njit(cache=True, fastmath=False)
def _eg_sweeps(K, J, betas, rep_at, occ, emp, n, phi, energy, picks_o, picks_e, uniforms,
               swap_u, sweep0, accepted, swaps):
    """Metropolis hop sweeps (N attempted hops per replica), each followed by exchanges."""
    n_sweeps, R, N = picks_o.shape
    M = occ.shape[1]
    E = emp.shape[1]
    for k in range(n_sweeps):
        for t in range(R):
            r = rep_at[t]
            beta = betas[t]
            for m in range(N):
                a = picks_o[k, t, m] % M
                b = picks_e[k, t, m] % E
                i = occ[r, a]
                j = emp[r, b]
                dE = phi[r, j] - phi[r, i] - J * np.float64(K[i, j])
                if dE <= 0.0 or uniforms[k, t, m] < np.exp(-beta * dE):
                    ri = K[i]
                    rj = K[j]
                    for q in range(N):
                        phi[r, q] += J * (np.float64(rj[q]) - np.float64(ri[q]))
                    n[r, i] = 0
                    n[r, j] = 1
                    occ[r, a] = j
                    emp[r, b] = i
                    energy[r] += dE
                    accepted[t] += 1
        _exchange(betas, rep_at, energy, swap_u[k], (sweep0 + k) % 2, swaps)


@nb.njit(cache=True, fastmath=False, inline="always")
def _flip_rate(g2, hj, sj, T):
    """``down = Delta_0^2 x / (1 - e^{-x/T})``, ``up = down e^{-x/T}``: one exp per TLS (the
    event loop's cost); ``1 - e^{-z}`` by ``expm1`` below ``z = 1/2``, where the subtraction
    would lose more than one bit."""
    x = abs(hj)
    z = x / T
    e = np.exp(-z)
    if z < 1e-12:
        down = g2 * T
    elif z < 0.5:
        down = g2 * x / (-np.expm1(-z))
    else:
        down = g2 * x / (1.0 - e)
    if sj * hj > 0.0:  # upper state: the flip goes down
        return down
    return down * e


@nb.njit(cache=True, fastmath=False)
def _tls_kmc(K, c, g2, T, s, h, rates, t_now, times, k_next, P, u, out_P, t_max):
    """Advance the BKL loop until ``t_max`` or the uniforms run out; returns
    (time, next grid index, polarization, events done, uniforms used)."""
    N = s.shape[0]
    used = 0
    events = 0
    n_u = u.shape[0]
    n_t = times.shape[0]
    total = 0.0
    for j in range(N):
        total += rates[j]
    while used + 2 <= n_u:
        dt = -np.log1p(-u[used]) / total
        target = u[used + 1] * total
        used += 2
        t_new = t_now + dt
        while k_next < n_t and times[k_next] < t_new:
            out_P[k_next] = P
            k_next += 1
        if t_new > t_max:
            return t_max, k_next, P, events, used
        acc = 0.0
        i = N - 1
        for j in range(N):
            acc += rates[j]
            if target < acc:
                i = j
                break
        si = s[i]
        f = 2.0 * c * si
        row = K[i]
        s[i] = -si
        P -= 2 * si
        # fields, rates and their total in one pass (the total from scratch: it cannot drift)
        total = 0.0
        for j in range(N):
            h[j] += f * np.float64(row[j])
            rates[j] = _flip_rate(g2[j], h[j], s[j], T)
            total += rates[j]
        t_now = t_new
        events += 1
    return t_now, k_next, P, events, used


@nb.njit(cache=True, fastmath=False, inline="always")
def _hop_rate(w, dH, T):
    """Eq. (21) at the hop's energy change ``dH`` (module doc): ``w / (1 - e^{-z})`` downhill,
    times ``e^{-z}`` uphill, ``z = |dH| / T`` floored at 1e-12; ``expm1`` below ``z = 1/2``."""
    z = abs(dH) / T
    if z < 1e-12:
        z = 1e-12
    e = np.exp(-z)
    if z < 0.5:
        down = w / (-np.expm1(-z))
    else:
        down = w / (1.0 - e)
    if dH > 0.0:
        return down * e
    return down


@nb.njit(cache=True, fastmath=False)
def _eg_pair_rates(pa, pb, w, kab, n, phi, T, cum):
    """Every listed pair's hop rate (occupied -> empty), accumulated into ``cum``; the total."""
    total = 0.0
    for p in range(pa.shape[0]):
        a = pa[p]
        b = pb[p]
        if n[a] != n[b]:
            if n[a] == 1:
                total += _hop_rate(w[p], phi[b] - phi[a] - kab[p], T)
            else:
                total += _hop_rate(w[p], phi[a] - phi[b] - kab[p], T)
        cum[p] = total
    return total


@nb.njit(cache=True, fastmath=False)
def _eg_kmc(K, J, pa, pb, w, kab, T, n, phi, cum, t_now, times, k_next, snaps, u, t_max):
    """Advance the hop loop until ``t_max`` or the uniforms run out; returns (time, next grid
    index, events done, uniforms used). ``cum`` holds the running sums of the current rates."""
    N = n.shape[0]
    P = pa.shape[0]
    used = 0
    events = 0
    n_u = u.shape[0]
    n_t = times.shape[0]
    total = cum[P - 1] if P > 0 else 0.0
    while used + 2 <= n_u:
        if total <= 0.0:  # no pair can hop: the configuration is final
            while k_next < n_t:
                snaps[k_next, :] = n
                k_next += 1
            return t_max, k_next, events, used
        dt = -np.log1p(-u[used]) / total
        target = u[used + 1] * total
        used += 2
        t_new = t_now + dt
        while k_next < n_t and times[k_next] < t_new:
            snaps[k_next, :] = n
            k_next += 1
        if t_new > t_max:
            return t_max, k_next, events, used
        lo = 0
        hi = P - 1
        while lo < hi:  # first p with target < cum[p]
            mid = (lo + hi) // 2
            if target < cum[mid]:
                hi = mid
            else:
                lo = mid + 1
        a = pa[lo]
        b = pb[lo]
        if n[a] == 1:
            i, j = a, b
        else:
            i, j = b, a
        n[i] = 0
        n[j] = 1
        ri = K[i]
        rj = K[j]
        for q in range(N):
            phi[q] += J * (np.float64(rj[q]) - np.float64(ri[q]))
        total = _eg_pair_rates(pa, pb, w, kab, n, phi, T, cum)
        t_now = t_new
        events += 1
    return t_now, k_next, events, used


@nb.njit(cache=True, fastmath=False)
def _all_rates(g2, h, s, T):
    out = np.empty(h.shape[0])
    for j in range(h.shape[0]):
        out[j] = _flip_rate(g2[j], h[j], s[j], T)
    return out


def tls_flip_rates(tunneling, h, s, T: float) -> np.ndarray:
    """The KMC flip rate of every TLS in configuration ``s`` with fields ``h`` (module doc)."""
    g2 = np.asarray(tunneling, float) ** 2
    return _all_rates(g2, np.asarray(h, float), np.asarray(s, np.float64), float(T))


# --------------------------------------------------------------------------- drivers


def trajectory_digest(*arrays) -> int:
    """First 63 bits of the SHA-256 of the arrays' bytes (configurations, counters)."""
    d = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        d.update(str(a.dtype).encode())
        d.update(a.tobytes())
    return int(d.hexdigest()[:16], 16) >> 1


class _Ladder:
    """Replica-exchange state shared by both glasses."""

    def __init__(self, temperatures):
        self.T = np.asarray(temperatures, float)
        if self.T.ndim != 1 or self.T.size < 1 or np.any(np.diff(self.T) <= 0):
            raise ValueError("temperatures must be a non-empty ascending 1-D array")
        self.betas = 1.0 / self.T
        R = self.T.size
        self.rep_at = np.arange(R, dtype=np.int64)
        self.accepted = np.zeros(R, np.int64)
        self.swaps = np.zeros(max(R - 1, 1), np.int64)


def _checkpoints(sweeps: int, per_decade: int = 8) -> np.ndarray:
    """Sweep counts, log-spaced from 1 to ``sweeps`` (always including ``sweeps``)."""
    pts = np.unique(np.round(np.logspace(0, np.log10(max(sweeps, 1)),
                                         per_decade * max(1, int(np.ceil(np.log10(max(sweeps, 2)))))
                                         + 1)).astype(np.int64))
    pts = pts[(pts >= 1) & (pts <= sweeps)]
    return np.unique(np.concatenate([pts, [sweeps]])).astype(np.int64)


def _run_ladder(step, rng, sweeps, burn_in, sample_every, measure, trace):
    """Shared sweep loop: one sweep (and its exchanges) at a time, each with freshly drawn random
    numbers; the trace at log-spaced checkpoints, samples after ``burn_in`` every
    ``sample_every`` sweeps."""
    checkpoints = set(int(x) for x in _checkpoints(sweeps))
    samples, trace_rows = [], []
    for done in range(1, sweeps + 1):
        step(1, done - 1, rng)
        if done in checkpoints:
            trace_rows.append((done, trace()))
        if done > burn_in and (done - burn_in) % sample_every == 0:
            samples.append(measure())
    return samples, trace_rows


def strongest_partner(K) -> np.ndarray:
    """``argmax_j |K_ij|`` for every row ``i`` (the diagonal excluded): the partner of the pair
    flips (module doc). Row by row, so no N x N temporary."""
    K = np.asarray(K)
    N = K.shape[0]
    out = np.zeros(N, np.int64)
    for i in range(N):
        a = np.abs(K[i].astype(np.float64))
        a[i] = -1.0
        out[i] = int(np.argmax(a))
    return out


def tls_parallel_tempering(K, delta, tunneling, c, temperatures, *, rng, sweeps: int,
                           burn_in: int, sample_every: int, start="hot", targets=None,
                           keep_signs: bool = False, pair_moves: bool = True):
    """Parallel tempering of ``H_c`` (module doc) on the ladder ``temperatures``.

    ``start``: ``"hot"`` (independent random signs per replica) or an array of signs (every
    replica starts there: e.g. the mean-field solution's ``-sgn(Delta')``, a cold start).
    ``pair_moves``: add N pair flips per sweep (module doc; without them strongly coupled pairs
    freeze in whichever of their two aligned states they first reach).
    ``targets``: ladder indices whose replica is sampled (default: all). Returns a dict with
    ``energies`` (``{target: (samples, N)`` single-particle energies ``E_i``}),
    ``polarization`` (``{target: (samples,)`` sum of signs}), with ``keep_signs`` ``signs``
    (``{target: (samples, N)`` the sampled configurations}), ``trace`` (sweeps, energy per
    site of every ladder slot, from scratch), ``accepted``, ``swaps`` and ``digest``.
    """
    K = np.asarray(K)
    delta = np.asarray(delta, float)
    N = delta.shape[0]
    g = np.asarray(tunneling, float)
    c = float(c)
    sweeps = check_int("sweeps", sweeps, minimum=1)
    burn_in = check_int("burn_in", burn_in, minimum=0)
    sample_every = check_int("sample_every", sample_every, minimum=1)
    lad = _Ladder(temperatures)
    R = lad.T.size
    targets = list(range(R)) if targets is None else [int(t) for t in targets]
    if isinstance(start, str):
        if start != "hot":
            raise ValueError(f"start must be 'hot' or an array of signs, got {start!r}")
        s = np.where(rng.random((R, N)) < 0.5, -1.0, 1.0)
    else:
        s0 = np.asarray(start, float)
        if s0.shape != (N,) or not np.all(np.abs(s0) == 1.0):
            raise ValueError("start must hold N signs +-1")
        s = np.tile(s0, (R, 1))
    h = np.stack([tls_fields(K, delta, c, s[r]) for r in range(R)])
    energy = np.array([tls_energy(delta, h[r], s[r]) for r in range(R)])

    partner = strongest_partner(K)
    n_pairs = N if pair_moves and N > 1 else 0

    def step(block, sweep0, rng):
        sites = rng.integers(0, N, size=(block, R, N))
        uniforms = rng.random((block, R, N))
        pair_sites = rng.integers(0, N, size=(block, R, n_pairs))
        pair_uniforms = rng.random((block, R, n_pairs))
        swap_u = rng.random((block, max(R - 1, 1)))
        _tls_sweeps(K, c, lad.betas, lad.rep_at, s, h, energy, sites, uniforms, partner,
                    pair_sites, pair_uniforms, swap_u, sweep0, lad.accepted, lad.swaps)

    def measure():
        out = {}
        for t in targets:
            r = lad.rep_at[t]
            hf = tls_fields(K, delta, c, s[r])
            E = np.sqrt(hf * hf + g * g)
            out[t] = (np.where(hf >= 0, E, -E), int(np.sum(s[r])), s[r].copy())
        return out

    def trace():
        return np.array([tls_energy(delta, tls_fields(K, delta, c, s[r]), s[r]) / N
                         for r in lad.rep_at])

    samples, rows = _run_ladder(step, rng, sweeps, burn_in, sample_every, measure, trace)
    out = {
        "energies": {t: np.array([smp[t][0] for smp in samples]) for t in targets},
        "polarization": {t: np.array([smp[t][1] for smp in samples], np.int64) for t in targets},
        "trace_sweeps": np.array([r[0] for r in rows], np.int64),
        "trace": np.array([r[1] for r in rows]),
        "accepted": lad.accepted.copy(), "swaps": lad.swaps.copy(),
        "final_signs": s[lad.rep_at].copy(),
        "digest": trajectory_digest(s.astype(np.int8), lad.rep_at, lad.accepted, lad.swaps),
    }
    if keep_signs:
        out["signs"] = {t: np.array([smp[t][2] for smp in samples]) for t in targets}
    return out


def eg_parallel_tempering(K, eps, J, temperatures, *, rng, sweeps: int, burn_in: int,
                          sample_every: int, start="hot", targets=None,
                          keep_occupations: bool = False):
    """Parallel tempering of the electron glass at exact half filling (module doc).

    ``start``: ``"hot"`` (a uniformly random half filling per replica) or an occupation array
    (0/1, N/2 ones) for every replica. Returns ``energies`` (``phi_i - mu`` per sample), ``mu``,
    with ``keep_occupations`` ``samples`` (``{target: (samples, N)`` occupations}), the trace,
    counters and ``digest`` as :func:`tls_parallel_tempering`.
    """
    from .mean_field import half_filling_mu

    K = np.asarray(K)
    eps = np.asarray(eps, float)
    N = eps.shape[0]
    if N % 2:
        raise ValueError(f"half filling needs an even number of sites, got N = {N}")
    J = float(J)
    sweeps = check_int("sweeps", sweeps, minimum=1)
    burn_in = check_int("burn_in", burn_in, minimum=0)
    sample_every = check_int("sample_every", sample_every, minimum=1)
    lad = _Ladder(temperatures)
    R = lad.T.size
    targets = list(range(R)) if targets is None else [int(t) for t in targets]
    n = np.zeros((R, N), np.int8)
    if isinstance(start, str):
        if start != "hot":
            raise ValueError(f"start must be 'hot' or an occupation array, got {start!r}")
        for r in range(R):
            n[r, rng.permutation(N)[: N // 2]] = 1
    else:
        n0 = np.asarray(start)
        if n0.shape != (N,) or int(np.sum(n0 == 1)) != N // 2 or not np.all((n0 == 0) | (n0 == 1)):
            raise ValueError("start must hold N occupations 0/1 with N/2 ones")
        n[:] = n0.astype(np.int8)
    occ = np.stack([np.flatnonzero(n[r] == 1) for r in range(R)]).astype(np.int64)
    emp = np.stack([np.flatnonzero(n[r] == 0) for r in range(R)]).astype(np.int64)
    phi = np.stack([eg_fields(K, eps, J, n[r]) for r in range(R)])
    energy = np.array([eg_energy(eps, phi[r], n[r]) for r in range(R)])
    M = N // 2

    def step(block, sweep0, rng):
        picks_o = rng.integers(0, M, size=(block, R, N))
        picks_e = rng.integers(0, N - M, size=(block, R, N))
        uniforms = rng.random((block, R, N))
        swap_u = rng.random((block, max(R - 1, 1)))
        _eg_sweeps(K, J, lad.betas, lad.rep_at, occ, emp, n, phi, energy, picks_o, picks_e,
                   uniforms, swap_u, sweep0, lad.accepted, lad.swaps)

    def measure():
        out = {}
        for t in targets:
            r = lad.rep_at[t]
            pf = eg_fields(K, eps, J, n[r])
            mu = half_filling_mu(pf, lad.T[t])
            out[t] = (pf - mu, mu, n[r].copy())
        return out

    def trace():
        return np.array([eg_energy(eps, eg_fields(K, eps, J, n[r]), n[r]) / N
                         for r in lad.rep_at])

    samples, rows = _run_ladder(step, rng, sweeps, burn_in, sample_every, measure, trace)
    out = {
        "energies": {t: np.array([smp[t][0] for smp in samples]) for t in targets},
        "mu": {t: np.array([smp[t][1] for smp in samples]) for t in targets},
        "trace_sweeps": np.array([r[0] for r in rows], np.int64),
        "trace": np.array([r[1] for r in rows]),
        "accepted": lad.accepted.copy(), "swaps": lad.swaps.copy(),
        "occupations": n[lad.rep_at].copy(),
        "digest": trajectory_digest(n, lad.rep_at, lad.accepted, lad.swaps),
    }
    if keep_occupations:
        out["samples"] = {t: np.array([smp[t][2] for smp in samples]) for t in targets}
    return out


def _check_times(times) -> np.ndarray:
    """The recording times of a kinetic run: a non-empty ascending float array of positives."""
    times = np.asarray(times, float)
    if times.ndim != 1 or times.size < 1 or np.any(np.diff(times) <= 0) or times[0] <= 0:
        raise ValueError("times must be ascending and positive")
    return times


def tls_kmc(K, delta, tunneling, c, T, s0, times, *, rng, block: int = 1 << 16):
    """Kinetic Monte Carlo of the TLS glass from the signs ``s0`` (module doc).

    Records the polarization ``P = sum_i sigma_i`` at every time of ``times`` (ascending, > 0)
    up to ``t_max = times[-1]``. Returns ``P`` (int64 per time), the final signs, the number of
    events and a digest of the trajectory.
    """
    K = np.asarray(K)
    delta = np.asarray(delta, float)
    N = delta.shape[0]
    times = _check_times(times)
    T = check_real("T", T, positive=True)
    s = np.asarray(s0, np.float64).copy()
    if s.shape != (N,) or not np.all(np.abs(s) == 1.0):
        raise ValueError("s0 must hold N signs +-1")
    g2 = np.asarray(tunneling, float) ** 2
    h = tls_fields(K, delta, float(c), s)
    rates = _all_rates(g2, h, s, T)
    out_P = np.zeros(times.size, np.int64)
    t_now, k_next, P, events = 0.0, 0, int(np.sum(s)), 0
    t_max = float(times[-1])
    while t_now < t_max:
        u = rng.random(block)
        t_now, k_next, P, ev, used = _tls_kmc(K, float(c), g2, T, s, h, rates, t_now, times,
                                              k_next, P, u, out_P, t_max)
        events += ev
    out_P[k_next:] = P
    return {"P": out_P, "signs": s, "events": events,
            "digest": trajectory_digest(s.astype(np.int8), out_P, np.int64(events))}


def eg_pair_list(distances, xi: float, cutoff: float):
    """The hopping pairs ``a < b`` with ``r_ab < cutoff`` and their ``e^{-r_ab/xi}``.

    ``distances``: the minimum-image distance matrix. Returns ``(a, b, w)`` (int64, int64,
    float64), in row-major order of ``(a, b)``.
    """
    r = np.asarray(distances, float)
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {r.shape}")
    xi = check_real("xi", xi, positive=True)
    cutoff = check_real("cutoff", cutoff, positive=True)
    a, b = np.nonzero(np.triu(r < cutoff, k=1))
    return a.astype(np.int64), b.astype(np.int64), np.exp(-r[a, b] / xi)


def eg_hop_rates(K, eps, J, T, n, a, b, w) -> np.ndarray:
    """The KMC hop rate of every pair ``(a[p], b[p])`` in configuration ``n`` (occupied to
    empty; zero when both are occupied or both empty), from site energies computed from
    scratch (module doc)."""
    n = np.asarray(n, np.int8)
    phi = eg_fields(K, eps, float(J), n)
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    kab = float(J) * np.asarray(K, np.float64)[a, b] if a.size else np.zeros(0)
    cum = np.zeros(a.size)
    _eg_pair_rates(a, b, np.asarray(w, float), kab, n, phi, check_real("T", T, positive=True),
                   cum)
    return np.diff(cum, prepend=0.0)


def eg_kmc(K, eps, J, T, n0, pairs, times, *, rng, block: int = 1 << 16,
           max_events: int | None = None):
    """Kinetic Monte Carlo of the electron glass from the occupations ``n0`` (module doc).

    ``pairs``: ``(a, b, w)`` from :func:`eg_pair_list`. Records the configuration at every time
    of ``times`` (ascending, > 0) up to ``t_max = times[-1]``. ``max_events``: stop with an
    error past this many hops (a run that a near-degenerate pair would make endless fails
    loudly). Returns ``snapshots`` (``(len(times), N)`` int8), the final ``occupations``, the
    number of ``events`` and a ``digest`` of the trajectory.
    """
    K = np.asarray(K)
    eps = np.asarray(eps, float)
    N = eps.shape[0]
    times = _check_times(times)
    T = check_real("T", T, positive=True)
    J = float(J)
    n = np.asarray(n0).astype(np.int8)
    if n.shape != (N,) or not np.all((n == 0) | (n == 1)):
        raise ValueError("n0 must hold N occupations 0/1")
    a, b, w = (np.asarray(x) for x in pairs)
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    w = w.astype(np.float64)
    if not (a.shape == b.shape == w.shape) or a.ndim != 1:
        raise ValueError("pairs must be three 1-D arrays of equal length (a, b, w)")
    if a.size and (a.min() < 0 or max(a.max(), b.max()) >= N or np.any(a == b)):
        raise ValueError("pairs must index distinct sites of the glass")
    phi = eg_fields(K, eps, J, n)
    kab = J * np.asarray(K, np.float64)[a, b] if a.size else np.zeros(0)
    cum = np.zeros(a.size)
    _eg_pair_rates(a, b, w, kab, n, phi, T, cum)
    snaps = np.zeros((times.size, N), np.int8)
    t_now, k_next, events = 0.0, 0, 0
    t_max = float(times[-1])
    while t_now < t_max:
        u = rng.random(block)
        t_now, k_next, ev, used = _eg_kmc(K, J, a, b, w, kab, T, n, phi, cum, t_now, times,
                                          k_next, snaps, u, t_max)
        events += ev
        if max_events is not None and events > max_events:
            raise RuntimeError(f"electron-glass KMC passed {max_events} hops before t = "
                               f"{t_now:.3g} of {t_max:.3g}: a near-degenerate close pair?")
    snaps[k_next:] = n
    return {"snapshots": snaps, "occupations": n, "events": events,
            "digest": trajectory_digest(n, snaps, np.int64(events))}
