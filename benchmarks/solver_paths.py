"""Where the sequential solver's site updates go: converging onto a stable solution, or escaping
a saddle point of the mean-field free energy.

The asynchronous sweeps of :func:`glasslib.mean_field.solve_fixed_point` are coordinate descent
on the mean-field free energy ``G(m)``, whose Hessian is similar to the stability matrix
``S = I - c D^1/2 K D^1/2`` (:func:`glasslib.mean_field.stability_spectrum`). Near a stable
solution (``lambda_min(S) > 0``) the residual falls by about ``1 - lambda_min`` per sweep. Near a
saddle (``lambda_min(S) < 0``) the state first has to slide off it along the unstable mode, which
grows by about ``1 + |lambda_min|`` per sweep from a small start: a plateau of many full sweeps
with almost no progress.

This script follows one solve per realization (the benchmark parameters of ``cases.py``: T = 0.1,
W = 1, the first ``--seeds`` realizations of ``targets.py``'s ``updates`` case), and after every
``--every``-th sweep computes the lowest eigenpair of ``S`` at the current state (Lanczos,
``scipy.sparse.linalg.eigsh``: a few dozen products with K, no O(N^3) step). It prints, per model
and N:

- the site updates per site of the whole solve;
- how many of them were made while ``lambda_min(S) < 0`` (on the way off a saddle), and the
  longest unbroken stretch of such sweeps in any of the realizations;
- for the electron glass, how many were made after its first relaxation, at the chemical
  potentials that the half-filling loop tries next (and the final tightening to ``tol``);
- for those saddles, the median participation ratio ``1 / sum_i v_i^4`` of the unstable mode
  (how many sites it moves) and the median ``|x_i - mu| / T`` of its two largest sites (how close
  to the Fermi level, or to zero field, they sit).

The sweeps are the solver's own (``_sweeps.residual_driven_pass`` is wrapped, not replaced), so
the counts are those of ``targets.py``. Usage: ``python benchmarks/solver_paths.py [--quick]
[--write book/performance.md]``. Not a timed test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import EG_T, EG_W, SEED, TLS_J, TLS_W, _streams  # noqa: E402


def lowest_mode(K, c, x, T, g, mu):
    """Lowest eigenpair of ``S = I - c D^1/2 K D^1/2`` at the state ``x`` (Lanczos)."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    phi = x if g is None else np.sign(x) * np.hypot(x, g)
    t = np.tanh((phi - mu) / (2.0 * T))
    d = (1.0 - t * t) / (2.0 * T)
    if g is not None:  # d tanh(phi/2T) / dx = sech^2 / 2T * x / phi
        d = d * np.abs(x) / np.maximum(np.abs(phi), 1e-300)
    s = np.sqrt(d)
    Kf = np.asarray(K, dtype=np.float64) if K.dtype != np.float64 else K
    op = LinearOperator(K.shape, matvec=lambda v: v - c * s * (Kf @ (s * v.ravel())),
                        dtype=np.float64)
    w, v = eigsh(op, k=1, which="SA", tol=1e-6, maxiter=5000)
    return float(w[0]), v[:, 0]


def follow(model, N, k, every):
    """One solve of realization ``k``, with the lowest mode of S sampled along the way."""
    import glasslib as gl
    from glasslib import _sweeps
    from glasslib import mean_field as mf

    sample_rng, solve_rng = _streams(SEED + k)
    if model == "eg":
        glass = gl.sample_electron_glass(sample_rng, N, EG_W)
    else:
        glass = gl.sample_tls_glass(sample_rng, N, TLS_W, TLS_J)
    inner = _sweeps.residual_driven_pass
    relax = mf._relax_at_fixed_mu
    log = {"sweep": 0, "unstable": 0, "updates": 0, "relaxations": 0, "after_first": 0,
           "negative": False, "modes": [], "stretch": 0, "longest": 0}

    def traced(K_, b, c_, g, mu, T, x, m, h, order, threshold, damping):
        made, biggest = inner(K_, b, c_, g, mu, T, x, m, h, order, threshold, damping)
        log["sweep"] += 1
        log["updates"] += made
        if made and log["sweep"] % every == 0:
            lam, v = lowest_mode(K_, c_, x, T, g if np.any(g) else None, mu)
            log["negative"] = lam < 0
            if lam < 0:
                top = np.argsort(-np.abs(v))[:2]
                log["modes"].append((1.0 / float(np.sum(v**4)),
                                     float(np.median(np.abs(x[top] - mu) / T))))
        # the sweeps between two samples count with the last sample's sign
        if log["negative"]:
            log["unstable"] += made
            log["stretch"] += 1
            log["longest"] = max(log["longest"], log["stretch"])
        else:
            log["stretch"] = 0
        if log["relaxations"] > 1:
            log["after_first"] += made
        return made, biggest

    def counted(*args):
        log["relaxations"] += 1
        return relax(*args)

    _sweeps.residual_driven_pass = traced
    mf._relax_at_fixed_mu = counted
    try:
        if model == "eg":
            res = gl.solve_eg_mean_field(glass, EG_T, rng=solve_rng)
        else:
            res = gl.solve_tls_mean_field(glass, EG_T, rng=solve_rng)
    finally:
        _sweeps.residual_driven_pass = inner
        mf._relax_at_fixed_mu = relax
    if not res.converged or log["updates"] != res.site_updates:
        raise RuntimeError(f"the traced solve is not the solver's: {log['updates']} updates "
                           f"against {res.site_updates}, converged {res.converged}")
    return {"updates": res.site_updates / N, "unstable": log["unstable"] / N,
            "after_first": log["after_first"] / N, "modes": log["modes"],
            "longest": log["longest"]}


def rows(sizes, seeds, every):
    out = []
    for model in ("eg", "tls"):
        for N in sizes:
            runs = [follow(model, N, k, every) for k in range(seeds)]
            upd = np.array([r["updates"] for r in runs])
            uns = np.array([r["unstable"] for r in runs])
            later = np.array([r["after_first"] for r in runs])
            modes = np.array([m for r in runs for m in r["modes"]]).reshape(-1, 2)
            name = "electron glass" if model == "eg" else "TLS glass"
            out.append((
                f"{name} N = {N}", f"{upd.mean():.0f} ({upd.min():.0f}-{upd.max():.0f})",
                f"{uns.mean():.0f} ({uns.sum() / upd.sum():.0%})",
                f"{max(r['longest'] for r in runs)}",
                f"{later.mean():.0f} ({later.sum() / upd.sum():.0%})" if model == "eg" else "-",
                f"{np.median(modes[:, 0]):.1f}" if modes.size else "-",
                f"{np.median(modes[:, 1]):.1f}" if modes.size else "-",
            ))
    return out


START = "<!-- solver paths: filled by benchmarks/solver_paths.py --write -->"
END = "<!-- end solver paths -->"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 500, 2 realizations, a smoke run")
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--every", type=int, default=2, help="sample S every this many sweeps")
    ap.add_argument("--sizes", default="2000", help="comma-separated N (default 2000; N = 4000 "
                    "takes over 20 minutes: each Lanczos solve there needs many products)")
    ap.add_argument("--write", metavar="PAGE", help="also put the table between the markers of "
                    "PAGE (book/performance.md)")
    args = ap.parse_args(argv)
    import numba
    from run import environment
    from threadpoolctl import threadpool_limits

    numba.set_num_threads(1)
    sizes = [int(n) for n in args.sizes.split(",")]
    sizes, seeds = ([500], 2) if args.quick else (sizes, args.seeds)
    with threadpool_limits(1):
        table = rows(sizes, seeds, args.every)
    env = environment(1)
    lines = [f"| solve (T = 0.1, mean of {seeds} realizations) | site updates per site (range) "
             "| of them on the way off a saddle (lambda_min(S) < 0) | longest stretch of sweeps "
             "with lambda_min(S) < 0 | of them re-relaxing after "
             "mu moved (half filling) | the saddles' unstable modes: sites moved (participation "
             "ratio, median) | abs(x - mu) / T of their two largest sites (median) |",
             "|---|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in table]
    lines += ["", f"Measured {env['date']} on {env['machine']}; {env['versions']}; S sampled "
              f"every {args.every} sweeps."]
    print("\n".join(lines))
    if args.write:
        from report import fill_page

        fill_page(args.write, START, END, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
