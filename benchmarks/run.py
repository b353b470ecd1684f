"""Speed and memory of glasslib's single-realization pipelines, next to the straightforward way.

What is measured (one realization each, the paper's parameters):

1. **TLS glass**, N = 10000, T = 0.05, W = J = 1 (Fig. 1 / Fig. 3 scale): sampling (sites,
   fields, float32 couplings built by numba, Eqs. 2, 7), the self-consistent solve of Eq. (4)
   (asynchronous residual-driven sweeps, a quench at T, no annealing) and the rates of Eq. (12).
   Targets: total <= 4 s, peak resident memory <= 2 GiB.
2. **Electron glass**, N = 1000, T = 0.1 (e^2/(r_nn T) = 10), xi = 0.1, W = 1 (Fig. 9 scale):
   sampling, the solve of Eq. (20) at exact half filling, the symmetrized rate matrix of Eq. (23)
   and its spectrum by the symmetric eigensolver. Target: solve + spectrum <= 0.5 s.

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
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
START_MARKER = "<!-- benchmark table: filled by benchmarks/run.py -->"
END_MARKER = "<!-- end benchmark table -->"
OLD_README_HINT = "Run `.venv/bin/python benchmarks/run.py` to regenerate."
README_HINT = (
    "Run `.venv/bin/python benchmarks/run.py --write` to regenerate this table and the one in\n"
    "`book/performance.md` (without `--write` it only prints it; `--quick` is a smoke test)."
)

SEED = 20240101
TLS_T, TLS_W, TLS_J = 0.05, 1.0, 1.0
EG_T, EG_XI, EG_W = 0.1, 0.1, 1.0
TOL = 1e-8
JACOBI_DAMPING = 0.5
WARMUP_N = 64


@dataclass(frozen=True)
class Scale:
    tls_n: int
    eg_n: int
    tls_fallback_n: int  # used for a side-by-side pair when the TLS baseline fails at tls_n
    time_limit: float  # seconds per case subprocess


FULL = Scale(tls_n=10_000, eg_n=1000, tls_fallback_n=2000, time_limit=900.0)
QUICK = Scale(tls_n=1000, eg_n=200, tls_fallback_n=500, time_limit=60.0)

#: how each benchmark is shown: stages (in pipeline order), which of them make the total
LAYOUTS = {
    "tls": {
        "title": f"TLS glass, N = {{N}}, T = {TLS_T:g}, W = J = {TLS_W:g}",
        "short": "TLS glass N = {N}",
        "methods": ("float32 numba couplings; asynchronous sweeps",
                    "float64 numpy couplings; damped Jacobi (cap {max_iter})"),
        "stages": [("sampling", "sampling (sites, fields, couplings)"),
                   ("solve", "solve Eq. 4"), ("rates", "rates Eq. 12")],
        "total": ["sampling", "solve", "rates"],
        "total_label": "**total**",
    },
    "eg": {
        "title": (f"Electron glass, N = {{N}}, T = {EG_T:g} (e^2/(r_nn T) = {1 / EG_T:g}), "
                  f"xi = {EG_XI:g}, W = {EG_W:g}"),
        "short": "electron glass N = {N}",
        "methods": ("asynchronous sweeps; symmetrized matrix, `eigvalsh`",
                    "damped Jacobi + mu (cap {max_iter}); `eigvals` on A"),
        "stages": [("sampling", "sampling (not in total)"), ("solve", "solve Eq. 20"),
                   ("rate matrix", "rate matrix Eq. 23"), ("eigenvalues", "eigenvalues")],
        "total": ["solve", "rate matrix", "eigenvalues"],
        "total_label": "**total** (solve + spectrum)",
    },
}


# --------------------------------------------------------------------------------------------
# The cases. Each runs inside its own subprocess and returns a JSON-able dict of scalars.
# A "pipeline" function does one full run and returns {"stages": {name: seconds}, ...}; all
# large arrays are local to it, so they are freed before the next repetition.
# --------------------------------------------------------------------------------------------


def _streams(seed):
    """Independent generators for sampling and for the solver's sweep order."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)]


class _Stopwatch:
    """Records the wall time of consecutive named stages."""

    def __init__(self):
        self.stages = {}
        self._last = time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.stages[name] = now - self._last
        self._last = now


def _sweeps_summary(res):
    """Iterations, work and residual of a glasslib solve (and its filling error, if any)."""
    text = (f"{res.iterations} sweeps, {res.site_updates:,} site updates, "
            f"residual {res.residual:.1e}")
    if getattr(res, "filling_error", None) is not None:
        text += f", filling error {res.filling_error:.1e}"
    return text


def tls_glasslib(N, seed):
    import glasslib

    sample_rng, solve_rng = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_tls_glass(sample_rng, N, TLS_W, TLS_J)
    clock.lap("sampling")
    res = glasslib.solve_tls_mean_field(glass, TLS_T, rng=solve_rng, tol=TOL)
    clock.lap("solve")
    E = glasslib.tls_energies(res.x, glass.tunneling)
    glasslib.tls_relaxation_rates(E, glass.tunneling, TLS_T)
    clock.lap("rates")
    return {"stages": clock.stages, "solver": _sweeps_summary(res), "converged": res.converged}


def _jacobi(fixed_point_map, x0, max_iter):
    """Damped synchronous iteration ``x <- (1-a) x + a F(x)``; stops when max|F(x) - x| < TOL."""
    x = x0.copy()
    residual = np.inf
    for iteration in range(1, max_iter + 1):
        F = fixed_point_map(x)
        residual = float(np.max(np.abs(F - x)))
        if residual < TOL:
            return x, iteration, residual, True
        x = (1.0 - JACOBI_DAMPING) * x + JACOBI_DAMPING * F
    return x, max_iter, residual, False


def _jacobi_summary(iterations, residual, converged, max_iter):
    capped = "" if converged else f" (cap {max_iter})"
    return f"{iterations} Jacobi iterations{capped}, residual {residual:.1e}"


def naive_tls_rates(E, D0, T, a=1.0):
    """Eq. (12) as printed, ``a D0^2 |E| coth(|E|/2T)`` (no care for E -> 0 or overflow)."""
    return a * D0**2 * np.abs(E) / np.tanh(np.abs(E) / (2 * T))


def tls_straightforward(N, seed, max_iter):
    import glasslib

    sample_rng, _ = _streams(seed)
    clock = _Stopwatch()
    # same draw order as glasslib.sample_tls_glass: sites, Delta, Delta_0, then the couplings
    L = glasslib.box_side(N, 3)
    positions = sample_rng.uniform(0.0, L, size=(N, 3))
    b = TLS_W * sample_rng.standard_normal(N)
    D0 = np.exp(sample_rng.uniform(np.log(1e-7), np.log(1e-1), size=N))
    r2 = np.zeros((N, N))
    for k in range(3):
        dx = positions[:, None, k] - positions[None, :, k]
        dx -= L * np.round(dx / L)
        r2 += dx * dx
    np.fill_diagonal(r2, np.inf)
    g = sample_rng.standard_normal((N, N))
    u = np.triu(g, 1)
    u = u + u.T
    K = TLS_J * u / (r2 * np.sqrt(r2))
    clock.lap("sampling")
    x, iterations, residual, converged = _jacobi(
        lambda x: b + 0.25 * (K @ np.tanh(x / (2 * TLS_T))), b, max_iter
    )
    clock.lap("solve")
    naive_tls_rates(np.sign(x) * np.sqrt(x**2 + D0**2), D0, TLS_T)
    clock.lap("rates")
    solver = _jacobi_summary(iterations, residual, converged, max_iter)
    return {"stages": clock.stages, "solver": solver, "converged": converged}


def eg_glasslib(N, seed):
    import glasslib

    sample_rng, solve_rng = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_electron_glass(sample_rng, N, EG_W)
    clock.lap("sampling")
    res = glasslib.solve_eg_mean_field(glass, EG_T, rng=solve_rng, tol=TOL)
    clock.lap("solve")
    S = glasslib.eg_symmetrized_rate_matrix(res.x - res.mu, glass.distances(), EG_T, EG_XI)
    clock.lap("rate matrix")
    glasslib.relaxation_spectrum(S)
    clock.lap("eigenvalues")
    return {"stages": clock.stages, "solver": _sweeps_summary(res), "converged": res.converged}


def eg_straightforward(N, seed, max_iter):
    import scipy.linalg

    import glasslib
    from glasslib.mean_field import half_filling_mu

    sample_rng, _ = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_electron_glass(sample_rng, N, EG_W)
    clock.lap("sampling")
    eps, K = glass.site_energies, glass.inverse_distances
    mu = 0.0

    def eq20(E):
        nonlocal mu
        mu = half_filling_mu(E, EG_T)
        return eps - 0.5 * (K @ np.tanh((E - mu) / (2 * EG_T)))

    E, iterations, residual, converged = _jacobi(eq20, eps, max_iter)
    clock.lap("solve")
    A = glasslib.eg_rate_matrix(E - mu, glass.distances(), EG_T, EG_XI)
    clock.lap("rate matrix")
    scipy.linalg.eigvals(A)
    clock.lap("eigenvalues")
    solver = _jacobi_summary(iterations, residual, converged, max_iter)
    return {"stages": clock.stages, "solver": solver, "converged": converged}


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


def _seconds(t):
    return f"{t * 1e3:.3g} ms" if t < 0.1 else f"{t:.3g} s"


def _gib(nbytes):
    return f"{nbytes / 2**30:.2f} GiB"


def _compare(label, ours, base, value, fmt, ratio):
    """One table row: ``value(result)`` for both ways, formatted, and their ratio."""
    cells = [result["error"] if "error" in result else fmt(value(result))
             for result in (ours, base)]
    both = "error" not in ours and "error" not in base
    return ("", label, *cells, ratio(value(ours), value(base), base) if both else "")


def _speedup(ours, base, base_result, *, solve=True):
    text = f"{base / ours:.1f}x"
    if solve and not base_result["converged"]:
        text += " (baseline unconverged)"
    return text


def _rows_for_pair(kind, N, ours, base, max_iter):
    """Markdown rows of one glasslib / straightforward comparison."""
    layout = LAYOUTS[kind]
    methods = tuple(m.format(max_iter=max_iter) for m in layout["methods"])
    rows = [(f"**{layout['title'].format(N=N)}**", "method", *methods, "")]
    for key, label in [*layout["stages"], ("total", layout["total_label"])]:
        bold = (lambda t: f"**{_seconds(t)}**") if key == "total" else _seconds
        speedup = partial(_speedup, solve=key in ("solve", "total"))
        rows.append(_compare(label, ours, base, lambda r, k=key: r["seconds"][k], bold, speedup))

    def outcome(r):
        return f"{r['solver']}, {'converged' if r['converged'] else '**NOT converged**'}"

    rows.append(_compare("solver outcome (tol 1e-8)", ours, base, outcome, str,
                         lambda *_: ""))
    rows.append(_compare("peak memory (VmHWM)", ours, base, lambda r: r["peak_rss"], _gib,
                         lambda o, b, _: f"{b / o:.1f}x"))
    return rows


def _targets(results, scale):
    """One line per target: value, limit, met or not (targets apply at the full scale only)."""
    lines = []
    tls, eg = results[("tls", scale.tls_n)][0], results[("eg", scale.eg_n)][0]
    checks = [
        (f"TLS glass N = {scale.tls_n} total", tls, lambda r: r["seconds"]["total"], 4.0,
         _seconds),
        (f"TLS glass N = {scale.tls_n} peak memory", tls, lambda r: r["peak_rss"], 2 * 2**30,
         _gib),
        (f"electron glass N = {scale.eg_n} solve + spectrum", eg,
         lambda r: r["seconds"]["total"], 0.5, _seconds),
    ]
    for label, result, value, limit, fmt in checks:
        if "error" in result:
            lines.append(f"{label}: {result['error']}")
            continue
        verdict = "met" if value(result) <= limit else "**missed**"
        lines.append(f"{label}: {fmt(value(result))} (target <= {fmt(limit)}): {verdict}")
    return lines


def render(results, scale, args):
    """The markdown block: machine line, the table, targets and notes."""
    env = results["env"]
    header = ("| case | stage | glasslib | straightforward | straightforward / glasslib |",
              "|---|---|---|---|---|")
    rows = []
    for kind, N in results["pairs"]:
        ours, base = results[(kind, N)]
        rows += _rows_for_pair(kind, N, ours, base, args.max_iter)
    table = "\n".join([*header, *("| " + " | ".join(row) + " |" for row in rows)])

    cases = [r for key, pair in results.items() if isinstance(key, tuple) for r in pair]
    ok = [r for r in cases if "error" not in r]
    busiest = max(ok, key=lambda r: r["background_cores"], default=None)
    blas = sorted({b for r in ok for b in r["blas"]})
    layer = sorted({r["numba_layer"] for r in ok})
    warned = sorted({w.strip() for r in ok for w in r["warnings"]})

    compile_costs = ", ".join(
        f"{LAYOUTS[kind]['short'].format(N=N)} {_seconds(ours['first_call'])}"
        for (kind, N), (ours, _) in ((p, results[p]) for p in results["pairs"])
        if "error" not in ours)
    notes = [
        f"Measured {env['date']} on {env['machine']}; {env['versions']}.",
        (f"Threads: {env['threads']} per case, BLAS pinned with threadpoolctl "
         f"({', '.join(blas) or 'n/a'}) and numba with `set_num_threads` ({', '.join(layer)} "
         f"layer); exception: glasslib's `relaxation_spectrum` pins LAPACK to 1 thread by "
         f"default (bit-reproducibility) and is timed with that default."),
        (f"Each case runs alone in its own process: one untimed warm-up run, then the best of "
         f"{args.repeats} runs (1 for the slow TLS baseline). numba first-call (compile) cost "
         f"from an empty cache, excluded above: {compile_costs or 'n/a'}."),
        ("Targets (full run only): " + "; ".join(_targets(results, scale)) + "."
         if not args.quick else "Targets apply to the full run, not to --quick."),
        ("Last column: straightforward / glasslib (time: the speed-up; memory: the saving). "
         "Where the baseline did not converge it stopped at its iteration cap, so its time is "
         "not a time-to-solution."),
        ("The baseline TLS realization shares sites, Delta and Delta_0 with glasslib's but draws "
         "its couplings differently (same problem, not the same numbers)."),
    ]
    if busiest is not None:
        load = busiest["background_cores"]
        notes.append(f"Other processes on the machine used at most {load:.2f} cores on average "
                     f"during a case ({busiest['label']})"
                     + (": timings may be inflated." if load > 0.2 else "."))
    if warned:
        notes.append("Warnings raised by the cases: " + " / ".join(f"`{w}`" for w in warned))
    if args.quick:
        notes.insert(0, "**--quick smoke test: small N, not the benchmark.**")
    return table + "\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"


# --------------------------------------------------------------------------------------------
# Writing README.md and book/performance.md.
# --------------------------------------------------------------------------------------------


def replace_block(text, block):
    """Put ``block`` between the start and end markers (adding the end marker if missing)."""
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.find(END_MARKER, start)
    tail = text[start:] if end < 0 else text[end + len(END_MARKER):]
    return text[:start] + "\n\n" + block.strip() + "\n\n" + END_MARKER + tail


def write_outputs(block):
    readme = ROOT / "README.md"
    text = replace_block(readme.read_text(), block).replace(OLD_README_HINT, README_HINT)
    readme.write_text(text)
    book = ROOT / "book" / "performance.md"
    text = book.read_text()
    if START_MARKER not in text:
        text = text.rstrip() + "\n\n" + START_MARKER + "\n"
    book.write_text(replace_block(text, block))
    print(f"wrote {readme.relative_to(ROOT)} and {book.relative_to(ROOT)}", file=sys.stderr)


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
