"""The paper's figure table regenerated from nothing, timed: ``run <experiment> --scale paper``
for every experiment of the paper's figures and Table I, into a scratch cache, on this machine.

Each experiment runs as its own command (``python -m glasslib run NAME --scale paper --workers W
--cache SCRATCH``), timed from the outside: the wall time includes starting Python, importing
glasslib and loading the compiled kernels, as a user's run does. The table lists, per
experiment, the wall time, the CPU seconds the realizations took (from the ensembles' own
records) and whether the regenerated ensembles equal the committed cache array by array (bit for
bit; an ensemble made on another CPU or BLAS kernel may differ in the last bits of its LAPACK
values and is then reported as such: ``python -m glasslib verify`` compares it within the
derived tolerances). The extra ensembles of the book (conventions, annealed, robustness, Monte
Carlo, x10) are not in it; their recorded costs are in the ensemble table.

Usage::

    python benchmarks/regeneration.py [--workers 2] [--scratch DIR] [--write book/ensembles.md]
    python benchmarks/regeneration.py --quick   # the same at quick scale: a smoke run, seconds

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


def _same_arrays(a: Path, b: Path) -> bool | None:
    """Whether two ensembles hold the same arrays, bit for bit (None: one is missing)."""
    fa, fb = a / "ensemble.npz", b / "ensemble.npz"
    if not (fa.exists() and fb.exists()):
        return None
    with np.load(fa) as x, np.load(fb) as y:
        if sorted(x.files) != sorted(y.files):
            return False
        return all(np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind in "fc") for k in x.files)


def _run(name: str, scale: str, workers: int, scratch: Path) -> float:
    cmd = [sys.executable, "-m", "glasslib", "run", name, "--scale", scale, "--workers",
           str(workers), "--cache", str(scratch), "--no-progress"]
    print(f"  {name} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def measure(scale: str, workers: int, scratch: Path) -> list[dict]:
    rows = []
    for name in PAPER:
        wall = _run(name, scale, workers, scratch)
        cpu, same, total = 0.0, 0, 0
        for label, path in _ensembles(scratch, name, scale).items():
            meta = json.loads((path / "meta.json").read_text())
            cpu += float(meta["cpu_seconds"])
            committed = _ensembles(ROOT / "results", name, scale)[label]
            total += 1
            same += bool(_same_arrays(path, committed))
        rows.append({"experiment": name, "wall": wall, "cpu": cpu, "same": same,
                     "ensembles": total})
    return rows


def table(rows: list[dict], workers: int, scale: str) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import environment

    env = environment(1)

    lines = ["| experiment | wall s | CPU s of its realizations | ensembles equal to the "
             "committed cache, bit for bit |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['experiment']} | {r['wall']:.0f} | {r['cpu']:.0f} | "
                     f"{r['same']} of {r['ensembles']} |")
    wall = sum(r["wall"] for r in rows)
    cpu = sum(r["cpu"] for r in rows)
    same = sum(r["same"] for r in rows)
    n = sum(r["ensembles"] for r in rows)
    lines.append(f"| **all {len(rows)} experiments** | **{wall:.0f}** ({wall / 60:.1f} min) | "
                 f"**{cpu:.0f}** | {same} of {n} |")
    lines.append("")
    lines.append(f"Measured {env['date']} on {env['machine']}, at {scale} scale with {workers} "
                 f"worker processes (one thread each), from an empty cache, nothing else "
                 f"running; {env['versions']}.")
    return "\n".join(lines)


def _write(page: Path, text: str) -> None:
    content = page.read_text()
    if START not in content or END not in content.split(START, 1)[1]:
        raise SystemExit(f"{page} must contain the markers {START} and {END}")
    head, rest = content.split(START, 1)
    page.write_text(f"{head}{START}\n\n{text}\n\n{END}{rest.split(END, 1)[1]}")
    print(f"wrote {page}", file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="quick scale (a smoke run)")
    ap.add_argument("--scratch", type=Path, default=None,
                    help="the scratch cache (default: a new temporary folder)")
    ap.add_argument("--write", metavar="PAGE", type=Path,
                    help="also put the table between the markers of PAGE")
    args = ap.parse_args(argv)
    scale = "quick" if args.quick else "paper"
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="glasslib-regen-"))
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"regenerating {len(PAPER)} experiments at {scale} scale into {scratch} "
          f"({args.workers} workers; {platform.node()})", file=sys.stderr)
    rows = measure(scale, args.workers, scratch)
    text = table(rows, args.workers, scale)
    print(text)
    if args.write:
        if args.quick:
            raise SystemExit("--write takes a paper-scale run (drop --quick)")
        _write(args.write, text)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
