"""The electron-glass solver's half-filling loop: what other ways of finding mu would cost, and
whether they reach the same mean-field solution (book: the performance page, "Why the
electron-glass solver needs more updates than the TLS one").

The solver (:func:`glasslib.mean_field._solve_half_filled`) relaxes at fixed mu to an inner
tolerance (1e-5 at first), measures the filling error ``e(mu) = sum_i n_i - N/2``, moves mu by a
secant step and relaxes again, until ``|e| <= 1e-9 N`` (the last relaxation to ``tol``).
``benchmarks/solver_paths.py`` found 43% of its updates after the first relaxation. The
variants below change only that loop, on the same realizations (sampling and sweep-order streams
of ``benchmarks/cases.py``), each from the same start:

- ``solver``: the solver as it is (reference); ``copy``, the copy of its loop the other
  variants are made from, must reproduce it to the bit (checked; not printed);
- ``loose-1e-3``, ``loose-1e-2``: the first relaxations to 1e-3 (1e-2) instead of 1e-5, then
  the solver's rule (each later inner tolerance ``min(previous, 0.01 |step|)``, down to ``tol``);
- ``running-mu``: mu re-solved exactly after every sweep from the start
  (:func:`glasslib.mean_field._relax_with_running_mu`, the solver's fallback): no outer loop,
  but every sweep then needs a full matrix-vector product.

For each: site updates per site; the work in rows of K read per site (an update reads one row,
a matrix-vector product N rows); the number of sites whose ``E_i - mu`` ends more than 1e-3 (in
units of ``e^2/r_nn``) from the reference's, and ``|mu - mu_ref|``: a nonzero count means the
variant selects another mean-field solution, so adopting it would mean regenerating every
electron-glass ensemble. Usage: ``python benchmarks/half_filling.py [--N 2000] [--seeds 6] [--quick]
[--write book/performance.md]``.
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

TOL = 1e-8
DIFFERENT = 1e-3  # |E_i - mu - (E_i - mu)_ref| above this: another solution at that site


def _running_mu(K, b, c, g, T, x, rng, goal, max_sweeps, damping, filling_tol):
    from glasslib import mean_field as mf

    mu, sweeps, updates, residual = mf._relax_with_running_mu(
        K, b, c, g, T, x, rng, goal, max_sweeps, damping)
    return mu, sweeps, updates, residual, mf._filling_error(x, mu, T)


def _reference_loop():
    """The solver's loop, parametrized by its first inner tolerance (a copy of
    ``_solve_half_filled`` with that one number exposed; checked against the solver below)."""
    from scipy.special import expit

    from glasslib import _sweeps
    from glasslib import mean_field as mf

    def loop(K, b, c, g, T, x, rng, goal, max_sweeps, damping, filling_tol, first_inner=1e-5):
        N = b.shape[0]
        mu = mf.half_filling_mu(x, T)
        mean_row_sum = float(np.mean(_sweeps.matvec64(K, np.ones(N))))
        sweeps = updates = 0
        history = []
        inner = max(goal, first_inner)
        for _ in range(mf.SECANT_STEPS):
            s, u, residual = mf._relax_at_fixed_mu(K, b, c, g, mu, T, x, rng, inner, max_sweeps,
                                                   damping)
            sweeps += s
            updates += u
            err = mf._filling_error(x, mu, T)
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
                z = (x - mu) / T
                bare = float(np.sum(expit(z) * expit(-z))) / T
                screening = max(-2.0 * c, 0.0) * mean_row_sum / N
                step = -err * (1.0 + bare * screening) / max(bare, 1e-300)
            step = float(np.clip(step, -10.0 * T, 10.0 * T))
            inner = max(goal, min(inner, 0.01 * abs(step)))
            mu += step
        mu, s, u, residual = mf._relax_with_running_mu(K, b, c, g, T, x, rng, goal, max_sweeps,
                                                       damping)
        return mu, sweeps + s, updates + u, residual, mf._filling_error(x, mu, T)

    return loop


class _Counter:
    """Counts the rows of K read by matrix-vector products (N per product)."""

    def __init__(self, function):
        self.function, self.rows = function, 0

    def __call__(self, K, v):
        self.rows += K.shape[0]
        return self.function(K, v)


def run(N: int, seeds: int) -> list[dict]:
    import glasslib as gl
    from glasslib import _sweeps
    from glasslib import mean_field as mf

    loop = _reference_loop()
    variants = {
        "solver": None,
        "copy": lambda *a: loop(*a),  # the copy must reproduce the solver to the bit
        "loose-1e-3": lambda *a: loop(*a, first_inner=1e-3),
        "loose-1e-2": lambda *a: loop(*a, first_inner=1e-2),
        "running-mu": _running_mu,
    }
    original = mf._solve_half_filled
    counter = _Counter(_sweeps.matvec64)
    rows = []
    try:
        _sweeps.matvec64 = counter
        for k in range(seeds):
            sample_rng, _ = _streams(SEED + k)
            glass = gl.sample_electron_glass(sample_rng, N, EG_W)
            ref = None
            for name, variant in variants.items():
                mf._solve_half_filled = original if variant is None else variant
                _, solve_rng = _streams(SEED + k)
                counter.rows = 0
                res = gl.solve_eg_mean_field(glass, EG_T, rng=solve_rng, tol=TOL, on_fail="raise")
                e = res.x - res.mu
                if ref is None:
                    ref = (e, res.mu)
                row = dict(seed=k, variant=name, updates=res.site_updates / N,
                           rows=(res.site_updates + counter.rows) / N,
                           differ=int(np.sum(np.abs(e - ref[0]) > DIFFERENT)),
                           dmu=abs(res.mu - ref[1]), max_de=float(np.max(np.abs(e - ref[0]))))
                rows.append(row)
                print(f"seed {k}  {name:11s} updates/site {row['updates']:7.1f}  rows/site "
                      f"{row['rows']:7.1f}  sites moved {row['differ']:5d}  |dmu| "
                      f"{row['dmu']:.1e}", flush=True)
    finally:
        mf._solve_half_filled = original
        _sweeps.matvec64 = counter.function
    return rows


START = "<!-- half filling: filled by benchmarks/half_filling.py --write -->"
END = "<!-- end half filling -->"


def table(rows: list[dict], N: int, seeds: int) -> list[str]:
    lines = [f"| half-filling loop (electron glass N = {N}, T = {EG_T:g}, W = {EG_W:g}; mean of "
             f"{seeds} realizations) | site updates per site (range) | rows of K read per site "
             "| realizations ending on another solution | sites moved by more than 1e-3 "
             "(mean) |",
             "|---|---|---|---|---|"]
    for name in dict.fromkeys(r["variant"] for r in rows):
        if name == "copy":
            continue
        sel = [r for r in rows if r["variant"] == name]
        up = [r["updates"] for r in sel]
        lines.append(f"| {name} | {np.mean(up):.0f} ({min(up):.0f}-{max(up):.0f}) | "
                     f"{np.mean([r['rows'] for r in sel]):.0f} | "
                     f"{sum(r['differ'] > 0 for r in sel)} of {len(sel)} | "
                     f"{np.mean([r['differ'] for r in sel]):.0f} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--N", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="N = 300, 2 realizations, a smoke run")
    parser.add_argument("--write", metavar="PAGE", help="also put the table between the markers "
                        "of PAGE (book/performance.md)")
    args = parser.parse_args(argv)
    import numba
    from run import environment
    from threadpoolctl import threadpool_limits

    numba.set_num_threads(1)
    N, seeds = (300, 2) if args.quick else (args.N, args.seeds)
    with threadpool_limits(1):
        rows = run(N, seeds)
    copy = [r for r in rows if r["variant"] == "copy"]
    if any(r["max_de"] != 0.0 for r in copy):
        print("the copy of the solver's loop no longer reproduces the solver: update it",
              file=sys.stderr)
        return 1
    env = environment(1)
    lines = table(rows, N, seeds)
    lines += ["", f"Measured {env['date']} on {env['machine']}; {env['versions']}."]
    print("\n" + "\n".join(lines))
    if args.write:
        from report import fill_page

        fill_page(args.write, START, END, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
