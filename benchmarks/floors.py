"""How far each heavy kernel is from its floor: the kernel and its floor timed in one process.

A floor is the cost of the work the kernel cannot avoid, measured on the same machine in the
same process right after the kernel, on one thread:

- **TLS sampling** (N = 10^4): ``sample_tls_glass`` against drawing its float32 standard
  normals alone, in the same blocks, plus the first touch of a new N x N float32 matrix (the
  kernel's page faults: each realization allocates its matrix). numpy's stream defines the
  cached glasses, so no sampler that gives the same glasses can draw them faster.
- **TLS solve** (N = 10^4, T = 0.05, Fig. 1): no floor, since the solver does not count the
  rows it reads; the table shows what as many row updates ``h += dm K[i, :]`` (float32 row,
  float64 sums) as the solve made site updates cost in a bare compiled loop over random rows.
  An update whose tanh is saturated reads no row, so that is an upper bound of the solve's
  memory time, not a floor.
- **EG rate matrix** (N = 4000): the compiled builder against the ``N^2`` scalar exponentials
  it evaluates (two per pair, each pair once; a bare compiled loop) and against numpy's SIMD
  ``exp`` of as many values (what a vectorized formulation could reach).
- **EG spectrum** (N = 4000): the classic driver (``scipy.linalg.eigvalsh``), the two-stage one
  (``dsyevd_2stage``, glasslib's default from N = 3000) and the flop floor: the ``4/3 N^3`` flops
  of a tridiagonal reduction at the rate of a one-thread DGEMM (the fastest thing the core does).

Usage: ``python benchmarks/floors.py [--quick] [--write book/performance.md]``. Not a timed
test: nothing fails; the table says how close each kernel is to its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import EG_T, EG_W, EG_XI, SEED, TLS_J, TLS_T, TLS_W, _streams  # noqa: E402


def _best(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def case_tls(N):
    import numba as nb

    import glasslib as gl
    from glasslib.geometry import BLOCK_ROWS

    @nb.njit(cache=False)
    def row_traffic(K, rows, h):
        for i in rows:
            row = K[i]
            for j in range(row.shape[0]):
                h[j] += 0.5 * np.float64(row[j])

    gl.solve_tls_mean_field(gl.sample_tls_glass(1, 64, TLS_W, TLS_J), TLS_T, rng=0)  # compile
    # warm-up at full size (glasslib switches to threaded kernels by N), then the best of two;
    # each sample allocates a fresh matrix, whose first touch is part of its cost, as in a run
    sampling = _best(lambda: gl.sample_tls_glass(_streams(SEED)[0], N, TLS_W, TLS_J), 3)
    sample_rng, solve_rng = _streams(SEED)
    glass = gl.sample_tls_glass(sample_rng, N, TLS_W, TLS_J)

    def draws():
        rng = np.random.default_rng(0)
        for start in range(0, N, BLOCK_ROWS):
            rng.standard_normal((min(start + BLOCK_ROWS, N) - start, N - start),
                                dtype=np.float32)

    draw = _best(draws, 2)

    def first_touch():
        K = np.empty((N, N), dtype=glass.couplings.dtype)
        K[:] = 0.0

    touch = _best(first_touch, 2)
    res = gl.solve_tls_mean_field(glass, TLS_T, rng=solve_rng)
    rows = np.random.default_rng(1).integers(0, N, res.site_updates)
    h = np.zeros(N)
    row_traffic(glass.couplings, rows[:10], h)  # compile
    t0 = time.perf_counter()
    row_traffic(glass.couplings, rows, h)
    traffic = time.perf_counter() - t0
    gbytes = res.site_updates * N * glass.couplings.itemsize / 1e9
    return {"sampling": sampling, "draws": draw, "touch": touch, "solve": res.seconds,
            "traffic": traffic,
            "updates": res.site_updates, "gbytes": gbytes}


def case_matrix(N):
    import numba as nb

    import glasslib as gl

    @nb.njit(cache=False)
    def scalar_exps(x, out):
        acc = 0.0
        for k in range(x.shape[0]):
            acc += np.exp(x[k])
        out[0] = acc

    glass = gl.sample_electron_glass(np.random.default_rng(1), N, EG_W)
    E = 0.7 * glass.site_energies
    gl.eg_symmetrized_rate_matrix_from_sites(glass.positions[:64], glass.L, E[:64], EG_T, EG_XI)
    build = _best(lambda: gl.eg_symmetrized_rate_matrix_from_sites(
        glass.positions, glass.L, E, EG_T, EG_XI), 2)
    x = -np.random.default_rng(2).uniform(0.0, 40.0, N)  # one row's worth of arguments
    out = np.empty(1)
    scalar_exps(x[:8], out)
    scalar = _best(lambda: [scalar_exps(x, out) for _ in range(N)], 2)
    buf = np.empty_like(x)
    simd = _best(lambda: [np.exp(x, out=buf) for _ in range(N)], 2)
    return {"build": build, "scalar": scalar, "simd": simd}


def case_spectrum(N):
    import scipy.linalg

    import glasslib as gl
    from glasslib import _lapack

    glass = gl.sample_electron_glass(np.random.default_rng(2), N, EG_W)
    S = gl.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L,
                                                 0.7 * glass.site_energies, EG_T, EG_XI)
    classic = _best(lambda: scipy.linalg.eigvalsh(S, check_finite=False), 1)
    two = (_best(lambda: _lapack.eigvalsh_2stage(S), 1) if _lapack.two_stage_available()
           else None)
    a = np.random.default_rng(3).standard_normal((2000, 2000))
    a @ a
    gemm = _best(lambda: a @ a, 3)
    rate = 2 * 2000**3 / gemm
    return {"classic": classic, "two_stage": two, "flops": 4 / 3 * N**3 / rate,
            "gflops": rate / 1e9}


CASES = {"tls": case_tls, "matrix": case_matrix, "spectrum": case_spectrum}


def spawn(case, N):
    cmd = [sys.executable, __file__, "--case", case, "--N", str(N)]
    print(f"  running {case} N={N} ...", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))
    if out.returncode != 0:
        raise SystemExit(f"{case} N={N} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _s(t):
    return f"{t:.2f} s" if t >= 0.1 else f"{t * 1e3:.0f} ms"


def rows(q=1):
    out = []
    n = 10_000 // q
    r = spawn("tls", n)
    floor = r["draws"] + r["touch"]
    out.append((f"TLS sampling N = {n}", _s(r["sampling"]), f"{_s(floor)} ({_s(r['draws'])} "
                f"+ {_s(r['touch'])})", "numpy's float32 normals of the N(N-1)/2 couplings "
                "alone (the stream that defines the cached glasses) + the first touch of a new "
                "N x N float32 matrix", f"{floor / r['sampling']:.0%}"))
    # an update whose tanh is saturated reads no row, and the solver does not count the rows
    # it reads: the traffic of one row per update bounds the solve's memory time from above
    out.append((f"TLS solve N = {n}, T = {TLS_T:g} ({r['updates']:,} site updates)",
                _s(r["solve"]), "-", f"not measured (the rows read are not counted); one "
                f"float32 row per site update ({r['gbytes']:.0f} GB) would take "
                f"{_s(r['traffic'])} in a bare compiled loop, {r['traffic'] / r['solve']:.1f}x "
                f"the solve: at most 1 update in {r['traffic'] / r['solve']:.1f} reads a row "
                "(the others have a saturated tanh)", "-"))
    n = 4000 // q
    r = spawn("matrix", n)
    out.append((f"EG rate matrix N = {n}", _s(r["build"]), f"{_s(r['scalar'])} / "
                f"{_s(r['simd'])}", "its N^2 exponentials (two per pair) in a bare compiled "
                "loop / by numpy's SIMD exp", f"{r['scalar'] / r['build']:.0%} / "
                f"{r['simd'] / r['build']:.0%}"))
    r = spawn("spectrum", n)
    two = r["two_stage"]
    best = two if two is not None else r["classic"]
    out.append((f"EG spectrum N = {n}: classic driver (eigvalsh)", _s(r["classic"]),
                _s(r["flops"]), f"4/3 N^3 flops at the one-thread DGEMM rate "
                f"({r['gflops']:.0f} GFLOP/s)", f"{r['flops'] / r['classic']:.0%}"))
    out.append((f"EG spectrum N = {n}: two-stage driver (glasslib's default from N = 3000)",
                "-" if two is None else _s(two), _s(r["flops"]), "the same",
                "-" if two is None else f"{r['flops'] / best:.0%}"))
    return out


START = "<!-- floors benchmark: filled by benchmarks/floors.py --write -->"
END = "<!-- end floors benchmark -->"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N / 4 everywhere (a smoke run)")
    ap.add_argument("--case")
    ap.add_argument("--N", type=int)
    ap.add_argument("--write", metavar="PAGE", help="also put the table between the markers of "
                    "PAGE (book/performance.md)")
    args = ap.parse_args(argv)
    if args.case:
        import numba
        from threadpoolctl import threadpool_limits

        numba.set_num_threads(1)
        with threadpool_limits(1):
            print(json.dumps(CASES[args.case](args.N)))
        return 0
    from run import environment

    env = environment(1)
    lines = ["| kernel | glasslib | floor | the floor is | floor / glasslib |",
             "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows(4 if args.quick else 1)]
    lines += ["", f"Measured {env['date']} on {env['machine']}; {env['versions']}; one thread "
              "(BLAS and numba pinned)."]
    print("\n".join(lines))
    if args.write:
        from report import fill_page

        fill_page(args.write, START, END, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
