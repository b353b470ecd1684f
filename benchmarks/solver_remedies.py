"""Two remedies for the electron-glass solver's update count, tried and rejected (book: the
performance page, "Why the electron-glass solver needs more updates than the TLS one").

Both act on the first relaxation of the electron-glass solve, at the chemical potential of the
bare energies (``mean_field.half_filling_mu``), T = 0.1, W = 1, to the solver's inner tolerance
of its first stage (1e-5), from the same start and the same random sweep orders as the solver:

- **over-relaxation (SOR)**: every update ``x_i += omega r_i`` with ``omega`` > 1 (the solver's
  ``damping`` is ``1 - omega``), through the solver's own relaxation loop;
- **pair moves**: after every sweep, each pair of sites unstable by itself
  (``c^2 K_ij^2 D_i D_j > 1``, ``D = (1 - m^2)/2T``, among the sites with ``D > 0.02/T``; each
  site in at most one pair per sweep) is set to the exact minimum of the free energy over its
  two sites with the others held (the global minimum of the two-site problem: every stationary
  point of the reduced one-variable equation is found by bracketing on a grid of 201 values of
  ``m_j`` and Brent's method, and the lowest is kept), then both rows are propagated.

For each realization the script prints the site updates per site (a pair move counts as two),
the smallest eigenvalue of the stability matrix at the end, the free energy
``G(m) = -(c/2) m.K.m - (b - mu).m + 2T sum_i s(m_i)`` (``s(m) = sum_(p = (1 +- m)/2) p ln p``) of
the state reached, and how many sites end more than 0.1 away from the plain sweeps' state (a
different solution). Usage: ``python benchmarks/solver_remedies.py [--N 1000] [--seeds 3]``.
Not a timed test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import EG_T, EG_W, SEED, _streams  # noqa: E402

GOAL = 1e-5


def entropy(m):
    """``sum_(p = (1 +- m)/2) p ln p`` elementwise (0 ln 0 = 0)."""
    out = np.zeros_like(np.asarray(m, dtype=float))
    for p in ((1.0 + m) / 2.0, (1.0 - m) / 2.0):
        p = np.asarray(p, dtype=float)
        out += np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return out


def free_energy(K, b, c, mu, T, x):
    m = np.tanh((x - mu) / (2.0 * T))
    return float(-c / 2.0 * m @ (np.asarray(K, float) @ m) - (b - mu) @ m
                 + 2.0 * T * np.sum(entropy(m)))


def pair_minimum(fi, fj, cK, T):
    """Global minimum over (m_i, m_j) of ``-cK m_i m_j - f_i m_i - f_j m_j + 2T (s(m_i) +
    s(m_j))``: for each ``m_j`` the best ``m_i`` is ``tanh((f_i + cK m_j)/2T)``, so the
    stationary points are the roots of a function of ``m_j`` alone."""
    from scipy.optimize import brentq

    def best_i(mj):
        return np.tanh((fi + cK * mj) / (2.0 * T))

    def phi(mj):
        return mj - np.tanh((fj + cK * best_i(mj)) / (2.0 * T))

    grid = np.tanh(np.linspace(-20.0, 20.0, 201))
    vals = np.array([phi(g) for g in grid])
    roots = [grid[a] for a in range(grid.size) if vals[a] == 0.0]
    roots += [brentq(phi, grid[a], grid[a + 1], xtol=1e-15) for a in range(grid.size - 1)
              if vals[a] * vals[a + 1] < 0]
    best = None
    for mj in roots:
        mi = best_i(mj)
        g = (-cK * mi * mj - fi * mi - fj * mj
             + 2.0 * T * float(entropy(np.array([mi, mj])).sum()))
        if best is None or g < best[0]:
            best = (g, mi, mj)
    return best[1], best[2]


def relax_with_pair_moves(K, b, c, mu, T, x, rng, max_sweeps=5000):
    """The solver's residual-driven sweeps at fixed mu, with the pair moves after each sweep.
    Returns (site updates, pair moves)."""
    from glasslib import _sweeps

    N = b.size
    g = np.zeros(N)
    m = _sweeps.tanh_field(x, g, mu, T)
    h = _sweeps.matvec64(K, m)
    updates = moves = 0
    for _ in range(max_sweeps):
        made, _ = _sweeps.residual_driven_pass(K, b, c, g, mu, T, x, m, h, rng.permutation(N),
                                               GOAL / 2, 0.0)
        updates += made
        if made:
            D = (1.0 - m * m) / (2.0 * T)
            A = np.nonzero(D > 0.02 / T)[0]
            unstable = (c * np.asarray(K[np.ix_(A, A)], float)) ** 2 * np.outer(D[A], D[A]) > 1
            used = set()
            for a, bb in zip(*np.nonzero(np.triu(unstable, 1)), strict=True):
                i, j = int(A[a]), int(A[bb])
                if i in used or j in used:
                    continue
                used.update((i, j))
                fi = b[i] + c * (h[i] - K[i, j] * m[j]) - mu
                fj = b[j] + c * (h[j] - K[j, i] * m[i]) - mu
                mi, mj = pair_minimum(fi, fj, c * float(K[i, j]), T)
                for site, new in ((i, mi), (j, mj)):
                    h += (new - m[site]) * np.asarray(K[site], float)
                    m[site] = new
                x[i], x[j] = b[i] + c * h[i], b[j] + c * h[j]
                moves += 1
                updates += 2
        else:
            m = _sweeps.tanh_field(x, g, mu, T)
            h = _sweeps.matvec64(K, m)
            if np.max(np.abs(b + c * h - x)) < GOAL:
                return updates, moves
    raise RuntimeError("pair moves: no convergence")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--N", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args(argv)
    import glasslib as gl
    from glasslib import mean_field as mf

    N, T, c = args.N, EG_T, -0.5
    print(f"electron glass N = {N}, T = {T:g}, W = {EG_W:g}: first relaxation at the bare "
          f"energies' mu, to {GOAL:g}")
    print("| realization | method | updates per site | lambda_min(S) | G | sites moved > 0.1 |")
    print("|---|---|---|---|---|---|")
    for k in range(args.seeds):
        sample_rng, _ = _streams(SEED + k)
        glass = gl.sample_electron_glass(sample_rng, N, EG_W)
        K, b = glass.inverse_distances, glass.site_energies
        mu = mf.half_filling_mu(b, T)
        ref = None
        for label in ("plain sweeps", "SOR omega = 1.3", "SOR omega = 1.6", "pair moves"):
            _, rng = _streams(SEED + k)  # the solver's stream of sweep orders
            x = b.copy()
            if label == "pair moves":
                updates, _ = relax_with_pair_moves(K, b, c, mu, T, x, rng)
            else:
                omega = 1.0 if label == "plain sweeps" else float(label.split()[-1])
                _, updates, _ = mf._relax_at_fixed_mu(K, b, c, np.zeros(N), mu, T, x, rng, GOAL,
                                                      5000, 1.0 - omega)
            lam = mf.stability_spectrum(K, c, x, T, mu=mu)[0]
            ref = x.copy() if ref is None else ref
            moved = int(np.sum(np.abs(x - ref) > 0.1))
            print(f"| {k} | {label} | {updates / N:.1f} | {lam:.3f} | "
                  f"{free_energy(K, b, c, mu, T, x):.4f} | {moved} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
