"""Speed and memory of glasslib's single-realization pipelines, next to the straightforward way.

What is measured (one realization each, the paper's parameters):

1. **TLS glass**, N = 10000, T = 0.05, W = J = 1 (Fig. 1 / Fig. 3 scale): sampling (sites,
   fields, float32 couplings built by numba, Eqs. 2, 7), the self-consistent solve of Eq. (4)
   (asynchronous residual-driven sweeps, a quench at T, no annealing) and the rates of Eq. (12).
   Targets: total <= 4 s, peak resident memory <= 2 GiB.
2. **Electron glass**, N = 1000, T = 0.1 (e^2/(r_nn T) = 10), xi = 0.1, W = 1 (Fig. 9 scale):
   sampling, the solve of Eq. (20) at exact half filling, the symmetrized rate matrix of Eq. (23)
   (built from the sites, as the pipeline does)
   and its spectrum by the symmetric eigensolver. Target: solve + rate matrix + eigenvalues
   <= 0.5 s.

Each is compared with "the straightforward way" a reader would first write with numpy/scipy, so
the speed-ups say what glasslib's design buys:

- TLS: float64 couplings from full N x N numpy broadcasting (one coordinate at a time, minimum
  image, ``u = triu(g, 1) + triu(g, 1).T``), then the synchronous (Jacobi) iteration of Eq. (4)
  with damping 1/2, ``x <- x/2 + (b + K tanh(x/2T)/4)/2`` from ``x = b``, stopped at residual
  1e-8 or at an iteration cap; then Eq. (12) as ``a D0^2 |E| / tanh(|E|/2T)``. At T = 0.05 this
  iteration is expected not to converge (DESIGN.md): the table says whether it did.
- Electron glass: the same sampling (glasslib's), the damped Jacobi iteration of Eq. (20) with the
  chemical potential re-solved every step (``glasslib.mean_field.half_filling_mu``), capped; then
  the non-symmetric rate matrix of Eq. (23) and the general eigensolver ``scipy.linalg.eigvals``
  (glasslib uses ``eigvalsh`` on the similar symmetric matrix, detailed balance).

The baseline TLS realization shares sites, Delta and Delta_0 with glasslib's (same draw order)
but not the couplings (different Gaussian draws), so it is the same problem, not the same numbers.

Method: every case runs in its own subprocess (``--case``), so peak memory (VmHWM of
/proc/self/status) and thread pools belong to that case alone; cases run one after the other.
BLAS threads are pinned with threadpoolctl and numba's with ``numba.set_num_threads`` (all cores
by default; glasslib's ``relaxation_spectrum`` keeps its own default of one LAPACK thread). Each
case first runs its pipeline once untimed at its own N (glasslib switches between serial and
threaded kernels by N); the glasslib cases do so with an empty numba cache, so that warm-up run
measures the one-off compile cost, reported separately. Timings are the best of ``--repeats``
runs of the whole pipeline (one run for the slow TLS baseline). CPU time used by other
processes during each case is recorded, because a busy machine inflates the timings.

Usage: ``python benchmarks/run.py`` (full, prints the table), ``--quick`` (small N, smoke test),
``--write`` (also fills the tables in README.md and book/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from baselines import eg_straightforward, tls_straightforward
from cases import FULL, LAYOUTS, QUICK, SEED, eg_glasslib, tls_glasslib
from report import render, write_outputs

PIPELINES = {
    "tls-glasslib": tls_glasslib,
    "tls-straightforward": tls_straightforward,
    "eg-glasslib": eg_glasslib,
    "eg-straightforward": eg_straightforward,
}


#: the glasslib pipeline whose compiled (numba) kernels a case calls, run once untimed at the
#: case's own N before timing (glasslib picks serial or threaded kernels by N); the TLS baseline
#: calls no compiled code
WARM_UP = {
    "tls-glasslib": tls_glasslib,
    "tls-straightforward": None,
    "eg-glasslib": eg_glasslib,
    "eg-straightforward": eg_glasslib,
}


def _peak_rss_bytes():
    """High-water mark of this process's resident set (VmHWM; ru_maxrss as a fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _total(run):
    return sum(run["stages"].values())


def run_case(case, N, seed, repeats, max_iter, threads):
    """Body of a case subprocess: pin threads, warm up, time the pipeline, report.

    For the glasslib cases the driver points NUMBA_CACHE_DIR at an empty directory, so the
    untimed warm-up run compiles every kernel: its extra time is the first-call (compile) cost.
    """
    import numba
    from threadpoolctl import threadpool_info, threadpool_limits

    numba.set_num_threads(threads)
    pipeline = PIPELINES[case]
    kwargs = {"max_iter": max_iter} if case.endswith("straightforward") else {}
    with threadpool_limits(limits=threads):
        warm_up = WARM_UP[case](N, seed) if WARM_UP[case] else None
        runs = [pipeline(N, seed, **kwargs) for _ in range(repeats)]
        blas = sorted({f"{i['internal_api']} {i['version']}"
                       for i in threadpool_info() if i["user_api"] == "blas"})
    best = min(runs, key=_total)
    first_call = _total(warm_up) - _total(best) if pipeline is WARM_UP[case] else None
    return {**best, "N": N, "repeats": repeats, "peak_rss": _peak_rss_bytes(),
            "first_call": first_call, "threads": threads,
            "numba_layer": numba.threading_layer(), "blas": blas}


# --------------------------------------------------------------------------------------------
# The driver: runs each case in a subprocess with a time limit and collects the results.
# --------------------------------------------------------------------------------------------


def _busy_seconds():
    """CPU seconds spent busy by the whole machine so far (from /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, idle, iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spawn_case(case, N, args, *, env=None):
    """Run one case in a fresh interpreter; returns its dict, or {"error": ...}."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", case, "--N", str(N),
           "--seed", str(args.seed), "--threads", str(args.threads), "--max-iter",
           str(args.max_iter), "--repeats", str(1 if case == "tls-straightforward"
                                                   else args.repeats)]
    label = f"{case} N={N}"
    print(f"  running {label} ...", file=sys.stderr, flush=True)
    busy0, own0, wall0 = _busy_seconds(), _children_cpu_seconds(), time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.time_limit,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within the {args.time_limit:.0f} s time limit"}
    wall = time.perf_counter() - wall0
    others = (_busy_seconds() - busy0) - (_children_cpu_seconds() - own0)
    if proc.returncode != 0:
        why = "killed (out of memory?)" if proc.returncode < 0 else f"exit {proc.returncode}"
        tail = proc.stderr.strip().splitlines()[-1:] or [""]
        return {"error": f"failed: {why} {tail[0]}".strip()}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["background_cores"] = max(others, 0.0) / wall
    result["label"] = label
    result["warnings"] = [line for line in proc.stderr.splitlines() if "Warning" in line]
    return result


def environment(threads):
    import numba
    import scipy

    import glasslib

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    source = Path(glasslib.__file__).resolve().parent.parent  # the glasslib actually imported
    try:
        commit = subprocess.run(["git", "-C", str(source), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, {platform.system()}",
        "versions": (f"Python {platform.python_version()}, numpy {np.__version__}, "
                     f"scipy {scipy.__version__}, numba {numba.__version__}, "
                     f"glasslib {glasslib.__version__} (git {commit})"),
        "threads": threads,
    }


def _with_total(kind, result):
    """Add ``seconds``: the stage times plus their total as the layout defines it."""
    if "error" not in result:
        stages = result["stages"]
        result["seconds"] = {**stages, "total": sum(stages[k] for k in LAYOUTS[kind]["total"])}
    return result


def run_pair(kind, N, args):
    """glasslib (compiling from an empty numba cache) and the straightforward way."""
    with tempfile.TemporaryDirectory() as empty_cache:
        ours = spawn_case(f"{kind}-glasslib", N, args, env={"NUMBA_CACHE_DIR": empty_cache})
    base = spawn_case(f"{kind}-straightforward", N, args)
    return _with_total(kind, ours), _with_total(kind, base)


def measure(args, scale):
    """Run every case, one after the other; returns a dict of their results."""
    results = {"env": environment(args.threads)}
    pairs = [("tls", scale.tls_n)]
    results[("tls", scale.tls_n)] = run_pair("tls", scale.tls_n, args)
    if "error" in results[("tls", scale.tls_n)][1]:
        # the baseline did not fit in time or memory: add a size where both run
        pairs.append(("tls", scale.tls_fallback_n))
        results[("tls", scale.tls_fallback_n)] = run_pair("tls", scale.tls_fallback_n, args)
    pairs.append(("eg", scale.eg_n))
    results[("eg", scale.eg_n)] = run_pair("eg", scale.eg_n, args)
    results["pairs"] = pairs
    return results


# --------------------------------------------------------------------------------------------
# The table.
# --------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small N: a smoke test (< 30 s)")
    parser.add_argument("--write", action="store_true",
                        help="fill the tables in README.md and book/performance.md")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="BLAS and numba threads per case (default: all cores)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per case, the best is kept (the TLS baseline runs once)")
    parser.add_argument("--max-iter", type=int, default=300,
                        help="iteration cap of the straightforward Jacobi solves")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per case before it is abandoned (default 900; quick 60)")
    parser.add_argument("--case", choices=list(PIPELINES), help=argparse.SUPPRESS)
    parser.add_argument("--N", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:  # inside a case subprocess
        result = run_case(args.case, args.N, args.seed, args.repeats, args.max_iter,
                          args.threads)
        print(json.dumps(result))
        return
    if args.write and args.quick:
        parser.error("--write records the full benchmark: drop --quick")
    scale = QUICK if args.quick else FULL
    if args.time_limit is None:
        args.time_limit = scale.time_limit
    block = render(measure(args, scale), scale, args)
    print(block)
    if args.write:
        write_outputs(block)


if __name__ == "__main__":
    main()
