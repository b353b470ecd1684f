"""Benchmark of the Monte Carlo kernels (glasslib.monte_carlo), side by side with a plain
implementation in the same run.

Prints, at N = 1000 and 10^4 on this machine (one core, BLAS pinned to one thread):

- equilibrium Monte Carlo: attempted moves per second of ``tls_parallel_tempering`` and
  ``eg_parallel_tempering`` (single moves; the TLS sampler's pair flips count as moves too),
  against a plain Python/numpy Metropolis loop (one move per Python iteration, numpy field
  update on acceptance), at the book's lowest temperature;
- kinetic Monte Carlo: events per second of ``tls_kmc`` against a plain numpy Gillespie loop
  (``cumsum`` + ``searchsorted`` per event, numpy field and rate update), from the same start;
  and of ``eg_kmc`` (N = 300, the page's size, and 1000; hops within 1.5 r_nn) against the
  same plain loop over the pair list (numpy site-energy update and all pair rates per hop);
- the cost of each ensemble of the Beyond-mean-field page, from the CPU seconds recorded in the
  committed cache, and what the whole page takes on 2 cores.

Usage: ``python benchmarks/monte_carlo.py [--quick]`` (``--quick``: N = 1000 only, shorter runs).
Both implementations do the same work (the same kind and number of moves or events on the same
glass); the ratio is the figure. Not a timed test: nothing here can fail.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import glasslib as gl
from glasslib import monte_carlo as mc
from glasslib import realizations as R

ROOT = Path(__file__).resolve().parents[1]
T_TLS, T_EG = 0.05, 0.05


def _tls_glass(N):
    p = R.resolve_params("tls_mc", dict(N=N))
    return R._sample_tls(p, np.random.SeedSequence(1))


def _head(K, n=64):
    """A small C-contiguous block of ``K`` (same dtype and layout: the warm-up compiles the
    signature the timed call uses)."""
    return np.ascontiguousarray(K[:n, :n])


def plain_metropolis_tls(K, delta, c, T, s, moves, rng):
    """One Python iteration per move; the fields updated with numpy on acceptance."""
    h = delta - c * (K.astype(np.float64) @ s)
    N = s.size
    for _ in range(moves):
        i = int(rng.integers(N))
        dE = -s[i] * h[i]
        if dE <= 0 or rng.random() < np.exp(-dE / T):
            h += 2.0 * c * s[i] * K[i]
            s[i] = -s[i]
    return s


def plain_gillespie(K, delta, g, c, T, s, events, rng):
    """Plain numpy BKL: every event recomputes all rates and their cumulative sum."""
    h = delta - c * (K.astype(np.float64) @ s)
    g2 = g * g
    t = 0.0
    for _ in range(events):
        x = np.abs(h)
        down = g2 * x / -np.expm1(-x / T)
        rates = np.where(s * h > 0, down, down * np.exp(-x / T))
        cum = np.cumsum(rates)
        t += -np.log1p(-rng.random()) / cum[-1]
        i = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        h += 2.0 * c * s[i] * K[i]
        s[i] = -s[i]
    return t


def plain_eg_kmc(K, eps, J, T, n, pairs, events, rng):
    """Plain numpy BKL hops: every event recomputes all pair rates and their cumulative sum."""
    a, b, w = pairs
    n = n.astype(np.float64)
    phi = eps + J * (K.astype(np.float64) @ (n - 0.5))
    kab = J * K[a, b].astype(np.float64)
    t = 0.0
    for _ in range(events):
        occ_a = n[a] == 1.0
        dH = np.where(occ_a, phi[b] - phi[a], phi[a] - phi[b]) - kab
        z = np.maximum(np.abs(dH) / T, 1e-12)
        rates = np.where(n[a] != n[b], w / -np.expm1(-z) * np.where(dH > 0, np.exp(-z), 1.0),
                         0.0)
        cum = np.cumsum(rates)
        t += -np.log1p(-rng.random()) / cum[-1]
        p = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        i, j = (a[p], b[p]) if occ_a[p] else (b[p], a[p])
        n[i], n[j] = 0.0, 1.0
        phi += J * (K[j].astype(np.float64) - K[i])
    return t


def bench_eg_kmc(N, t_max, plain_events):
    eg = gl.sample_electron_glass(np.random.default_rng(5), N, 1.0)
    r = eg.distances()
    pairs = mc.eg_pair_list(r, 0.1, 1.5)
    rng = np.random.default_rng(6)
    n0 = np.zeros(N, np.int8)
    n0[np.argsort(eg.site_energies, kind="stable")[: N // 2]] = 1  # the J = 0 ground state
    sub = mc.eg_pair_list(r[:64, :64], 0.1, 1.5)
    mc.eg_kmc(eg.inverse_distances[:64, :64].copy(), eg.site_energies[:64], 1.0, 0.1, n0[:64],
              sub, np.array([1.0]), rng=rng)
    t0 = time.perf_counter()
    out = mc.eg_kmc(eg.inverse_distances, eg.site_energies, 1.0, 0.1, n0, pairs,
                    np.array([t_max]), rng=rng)
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain_eg_kmc(eg.inverse_distances, eg.site_energies, 1.0, 0.1, n0, pairs, plain_events, rng)
    plain = time.perf_counter() - t0
    return (f"electron glass KMC ({pairs[0].size:,} pairs)", N, out["events"] / fast,
            plain_events / plain)


def bench_equilibrium(N, sweeps):
    glass = _tls_glass(N)
    c = 0.25
    K = glass.couplings
    rng = np.random.default_rng(2)
    # warm up the compiled loops, then time `sweeps` sweeps of one replica at T
    mc.tls_parallel_tempering(_head(K), glass.asymmetry[:64], glass.tunneling[:64], c, [T_TLS],
                              rng=rng, sweeps=2, burn_in=0, sample_every=1)
    t0 = time.perf_counter()
    mc.tls_parallel_tempering(K, glass.asymmetry, glass.tunneling, c, [T_TLS], rng=rng,
                              sweeps=sweeps, burn_in=sweeps - 1, sample_every=1)
    fast = time.perf_counter() - t0
    fast_moves = 2 * N * sweeps  # single and pair moves
    plain_moves = min(2 * N * sweeps, 200_000)
    s = np.where(rng.random(N) < 0.5, -1.0, 1.0)
    t0 = time.perf_counter()
    plain_metropolis_tls(K, glass.asymmetry, c, T_TLS, s, plain_moves, rng)
    plain = time.perf_counter() - t0
    tls_row = ("TLS glass", N, fast_moves / fast, plain_moves / plain)

    eg = gl.sample_electron_glass(np.random.default_rng(3), N, 1.0,
                                  dtype=np.float32 if N > R.EG_FLOAT32_ABOVE else np.float64)
    mc.eg_parallel_tempering(_head(eg.inverse_distances), eg.site_energies[:64], 1.0, [T_EG],
                             rng=rng, sweeps=2, burn_in=0, sample_every=1)
    t0 = time.perf_counter()
    mc.eg_parallel_tempering(eg.inverse_distances, eg.site_energies, 1.0, [T_EG], rng=rng,
                             sweeps=sweeps, burn_in=sweeps - 1, sample_every=1)
    eg_fast = time.perf_counter() - t0
    return [tls_row, ("electron glass", N, N * sweeps / eg_fast, float("nan"))]


def bench_kmc(N, t_max, plain_events):
    glass = _tls_glass(N)
    c, T = 0.25, 0.1
    rng = np.random.default_rng(4)
    s0 = np.where(glass.asymmetry > 0, -1.0, 1.0)  # the field-free ground state of each TLS
    mc.tls_kmc(_head(glass.couplings), glass.asymmetry[:64], glass.tunneling[:64], c, T,
               s0[:64], np.array([1.0]), rng=rng)
    t0 = time.perf_counter()
    out = mc.tls_kmc(glass.couplings, glass.asymmetry, glass.tunneling, c, T, s0,
                     np.array([t_max]), rng=rng)
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain_gillespie(glass.couplings, glass.asymmetry, glass.tunneling, c, T, s0.copy(),
                    plain_events, rng)
    plain = time.perf_counter() - t0
    return ("TLS glass KMC", N, out["events"] / fast, plain_events / plain)


def ensemble_costs():
    """(experiment, curve, N, realizations, CPU s per realization) of the committed cache."""
    rows = []
    for name in ("mc_tg_dos", "mc_tg_single_flips", "mc_eg_dos", "kmc_tg_table_one",
                 "kmc_eg_table_one"):
        for meta_path in sorted((ROOT / "results" / f"{name}_paper").glob("*/meta.json")):
            meta = json.loads(meta_path.read_text())
            if "cpu_seconds" not in meta:  # still running
                continue
            rows.append((name, meta.get("label", meta_path.parent.name), meta["params"]["N"],
                         meta["realizations"], meta["cpu_seconds"] / meta["realizations"]))
    return rows


START = "<!-- monte carlo benchmark: filled by benchmarks/monte_carlo.py --write -->"
END = "<!-- end monte carlo benchmark -->"


def _machine() -> str:
    from run import environment  # the performance page's own description of the machine

    env = environment(1)
    return (f"Measured {env['date']} on {env['machine']}; {env['versions']}; one thread "
            "(BLAS pinned).")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 1000 only, shorter runs")
    ap.add_argument("--write", metavar="PAGE", help="also put the tables between the markers "
                    "of PAGE (book/performance.md)")
    args = ap.parse_args(argv)
    lines = []

    def emit(text: str = "") -> None:  # printed, and kept for --write
        lines.append(text)
        print(text)

    sizes = (1000,) if args.quick else (1000, 10_000)
    with threadpool_limits(1):
        emit("| kernel | N | glasslib [moves or events / s] | plain numpy [/ s] | ratio |")
        emit("|---|---|---|---|---|")
        for N in sizes:
            sweeps = 200 if N <= 1000 else 20
            rows = bench_equilibrium(N, sweeps // 4 if args.quick else sweeps)
            rows.append(bench_kmc(N, 1e4 if N <= 1000 else 1e3, 2000 if N <= 1000 else 300))
            if N <= 1000:
                rows.extend(bench_eg_kmc(n_eg, 300.0 if args.quick else 3000.0, 2000)
                            for n_eg in (300, 1000))
            for name, n, fast, plain in rows:
                ratio = fast / plain if np.isfinite(plain) else float("nan")
                plain_txt = f"{plain:,.0f}" if np.isfinite(plain) else "-"
                ratio_txt = f"{ratio:.1f}x" if np.isfinite(ratio) else "-"
                emit(f"| {name} | {n} | {fast:,.0f} | {plain_txt} | {ratio_txt} |")
    costs = ensemble_costs()
    if costs:
        emit()
        emit("| ensemble | curve | N | realizations | CPU s per realization | CPU min |")
        emit("|---|---|---|---|---|---|")
        total = 0.0
        for name, label, n, r, per in costs:
            total += per * r
            emit(f"| {name} | {label} | {n} | {r} | {per:.1f} | {per * r / 60:.1f} |")
        emit()
        emit(f"The whole Beyond-mean-field page: {total / 60:.1f} CPU minutes, "
              f"{total / 120:.1f} min on 2 cores (target: 20).")
    emit()
    emit(_machine())
    if args.write:
        from report import fill_page

        fill_page(args.write, START, END, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
