"""The paper's figure table regenerated from nothing, timed: ``run <experiment> --scale paper``
for every experiment of the paper's figures and Table I, into a scratch cache, on this machine.

Each experiment runs as its own command (``python -m glasslib run NAME --scale paper --workers W
--cache SCRATCH``), timed from the outside: the wall time includes starting Python, importing
glasslib and loading the compiled kernels, as a user's run does. The table lists, per
experiment, the wall time, the CPU seconds the realizations took (from the ensembles' own
records) and how many of the regenerated ensembles' result fields equal the committed cache's,
bit for bit, with the largest difference of the others relative to their largest value
(timings and provenance left out). The committed cache was made on another CPU: a field
computed with numpy's or LAPACK's SIMD kernels (the relaxation curves, the logspace of their
times) may differ there in its last bits; ``python -m glasslib verify`` compares such fields
within the derived tolerances. The extra ensembles of the book (conventions, annealed,
robustness, Monte Carlo, x10) are not in it; their recorded costs are in the ensemble table.

Usage::

    python benchmarks/regeneration.py [--workers 2] [--scratch DIR] [--write book/ensembles.md]
    python benchmarks/regeneration.py --quick   # the same at quick scale: a smoke run, seconds
    python benchmarks/regeneration.py --report --scratch DIR [--write ...]   # a finished run

Not a timed test: nothing here fails. Run it on a quiet machine (nothing else running); it
takes about an hour on 2 cores. An interrupted run resumes where it stopped (the scratch cache
keeps the finished realizations) but its wall times then count only the last part: rerun with
a fresh ``--scratch`` for a clean measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: the experiments of the paper's figures and Table I, in the figure table's order
PAPER = ("fig01_tg_dos", "fig02_tg_dos_vs_T", "fig03_tg_rates", "fig04_06_tg_disorder",
         "fig05_07_tg_interaction", "fig08_eg_dos", "fig09_eg_rates", "fig10_11_eg_disorder",
         "fig12_13_eg_interaction", "fig14_15_eg_size", "fig16_eg_distance", "fig17_20_tg_b1",
         "tableI_tg_size")

START = "<!-- regeneration benchmark: filled by benchmarks/regeneration.py --write -->"
END = "<!-- end regeneration benchmark -->"


def _ensembles(cache: Path, name: str, scale: str) -> dict:
    """``{label: ensemble folder}`` of experiment ``name`` at ``scale`` in ``cache``."""
    from glasslib.experiments import ensembles, get_experiment
    from glasslib.runner import ensemble_dir

    exp = get_experiment(name)
    return {label: ensemble_dir(cache, f"{exp.name}/{scale}", label, exp.model, params,
                                exp.seed, count)
            for label, params, count in ensembles(exp, scale)}


#: stored with each realization but not results: its timings and where it was made
NOT_RESULTS = ("seconds_", "row_platform", "__meta__")


def compare(a: Path, b: Path) -> dict | None:
    """The result fields of two ensembles, array by array: ``{"fields": n, "equal": names equal
    bit for bit, "differ": {name: largest difference / largest value of the field}}`` (a field
    of another shape or kind counts as ``inf``); None if one of them is missing. Timings and
    provenance are left out (:data:`NOT_RESULTS`)."""
    fa, fb = a / "ensemble.npz", b / "ensemble.npz"
    if not (fa.exists() and fb.exists()):
        return None
    out = {"fields": 0, "equal": [], "differ": {}}
    with np.load(fa) as x, np.load(fb) as y:
        for k in sorted(set(x.files) | set(y.files)):
            if k.startswith(NOT_RESULTS):
                continue
            out["fields"] += 1
            if k not in x.files or k not in y.files or x[k].shape != y[k].shape:
                out["differ"][k] = float("inf")
                continue
            u, v = x[k], y[k]
            if np.array_equal(u, v, equal_nan=u.dtype.kind in "fc"):
                out["equal"].append(k)
            elif u.dtype.kind in "fc" and v.dtype.kind in "fc":
                # normwise: the largest difference over the field's largest value (an
                # entrywise ratio would be ruled by values near underflow, e.g. the tail of a
                # relaxation curve at 1e-220, or rates at the resolution floor)
                scale = max(float(np.nanmax(np.abs(u))), float(np.nanmax(np.abs(v))))
                diff = float(np.nanmax(np.abs(u - v)))
                out["differ"][k] = diff / scale if scale > 0 else float("inf")
            else:
                out["differ"][k] = float("inf")
    return out


def _run(name: str, scale: str, workers: int, scratch: Path) -> float:
    cmd = [sys.executable, "-m", "glasslib", "run", name, "--scale", scale, "--workers",
           str(workers), "--cache", str(scratch), "--no-progress"]
    print(f"  {name} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def measure(scale: str, workers: int, scratch: Path) -> list[dict]:
    """Run every experiment of :data:`PAPER` into ``scratch``, one command each, and record its
    wall time in ``scratch/regeneration.json`` as soon as it ends."""
    record = scratch / "regeneration.json"
    walls, env = {}, _environment()
    for name in PAPER:
        walls[name] = _run(name, scale, workers, scratch)
        record.write_text(json.dumps({"scale": scale, "workers": workers, "environment": env,
                                      "wall": walls}, indent=1))
    return report(scale, scratch, walls)


def report(scale: str, scratch: Path, walls: dict) -> list[dict]:
    """Per experiment: its wall time, the CPU seconds its realizations recorded, and how its
    result fields compare with the committed cache's."""
    rows = []
    for name in PAPER:
        cpu, fields, equal, differ = 0.0, 0, 0, {}
        committed = _ensembles(ROOT / "results", name, scale)
        for label, path in _ensembles(scratch, name, scale).items():
            meta = json.loads((path / "meta.json").read_text())
            cpu += float(meta["cpu_seconds"])
            c = compare(path, committed[label])
            if c is None:
                continue
            fields += c["fields"]
            equal += len(c["equal"])
            for k, v in c["differ"].items():
                differ[k] = max(differ.get(k, 0.0), v)
        rows.append({"experiment": name, "wall": walls[name], "cpu": cpu, "fields": fields,
                     "equal": equal, "differ": differ})
    return rows


def _environment() -> dict:
    """The machine and versions (benchmarks/run.py's), taken when the run starts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import environment

    return environment(1)


def table(rows: list[dict], workers: int, scale: str, env: dict | None = None) -> str:
    env = env or _environment()

    lines = ["| experiment | wall s | CPU s of its realizations | result fields equal to the "
             "committed cache, bit for bit | the others: largest difference / largest value |",
             "|---|---|---|---|---|"]
    for r in rows:
        others = ", ".join(f"{k} {v:.1e}" for k, v in sorted(r["differ"].items())) or "-"
        lines.append(f"| {r['experiment']} | {r['wall']:.0f} | {r['cpu']:.0f} | "
                     f"{r['equal']} of {r['fields']} | {others} |")
    wall = sum(r["wall"] for r in rows)
    cpu = sum(r["cpu"] for r in rows)
    equal = sum(r["equal"] for r in rows)
    fields = sum(r["fields"] for r in rows)
    worst = max((v for r in rows for v in r["differ"].values()), default=0.0)
    lines.append(f"| **all {len(rows)} experiments** | **{wall:.0f}** ({wall / 60:.1f} min) | "
                 f"**{cpu:.0f}** | {equal} of {fields} | {worst:.1e} |")
    lines.append("")
    lines.append(f"Measured {env['date']} on {env['machine']}, at {scale} scale with {workers} "
                 f"worker processes (one thread each), from an empty cache, nothing else "
                 f"running; {env['versions']}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="quick scale (a smoke run)")
    ap.add_argument("--scratch", type=Path, default=None,
                    help="the scratch cache (default: a new temporary folder)")
    ap.add_argument("--write", metavar="PAGE", type=Path,
                    help="also put the table between the markers of PAGE")
    ap.add_argument("--report", action="store_true",
                    help="no run: the table of the finished run recorded in --scratch")
    args = ap.parse_args(argv)
    scale = "quick" if args.quick else "paper"
    if args.report:
        if args.scratch is None:
            raise SystemExit("--report needs the --scratch of a finished run")
        record = json.loads((args.scratch / "regeneration.json").read_text())
        if set(record["wall"]) != set(PAPER):
            raise SystemExit(f"{args.scratch} holds an unfinished run: rerun it")
        scale, workers, env = record["scale"], record["workers"], record.get("environment")
        rows = report(scale, args.scratch, record["wall"])
    else:
        scratch = args.scratch or Path(tempfile.mkdtemp(prefix="glasslib-regen-"))
        scratch.mkdir(parents=True, exist_ok=True)
        print(f"regenerating {len(PAPER)} experiments at {scale} scale into {scratch} "
              f"({args.workers} workers; {platform.node()})", file=sys.stderr)
        workers = args.workers
        rows = measure(scale, workers, scratch)
        env = json.loads((scratch / "regeneration.json").read_text())["environment"]
    text = table(rows, workers, scale, env)
    print(text)
    if args.write:
        if scale != "paper":
            raise SystemExit("--write takes a paper-scale run (drop --quick)")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from report import fill_page

        fill_page(args.write, START, END, text.splitlines())
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
