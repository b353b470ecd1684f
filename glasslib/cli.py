"""Command line: ``python -m glasslib list | run | verify`` (the experiments of the figure table)."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from .experiments import EXPERIMENTS, SCALES, ensembles, get_experiment


def _value(text: str):
    """Parse a ``--set`` value: JSON (numbers, null, true/false, quoted strings) or a bare string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _overrides(items) -> dict:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        out[key.strip()] = _value(value.strip())
    return out


def cmd_list(args) -> int:
    print(f"{'experiment':28s} {'figs':7s} {'model':12s} curves (paper N x realizations)")
    for e in EXPERIMENTS.values():
        curves = ", ".join(f"{c.label} [{c.params['N']}x{c.realizations}]" for c in e.curves)
        print(f"{e.name:28s} {e.figures:7s} {e.model:12s} {curves}")
        if args.verbose:
            print(f"{'':28s} {e.description}" + (f"; {e.notes}" if e.notes else ""))
    return 0


def _selected(names):
    if names == ["all"]:
        return list(EXPERIMENTS.values())
    return [get_experiment(n) for n in names]


def cmd_run(args) -> int:
    from .runner import run_ensemble

    overrides = _overrides(args.set)
    for exp in _selected(args.experiments):
        for label, params, count in ensembles(exp, args.scale, realizations=args.realizations,
                                              overrides=overrides):
            res = run_ensemble(
                exp.model, params, count, exp.seed if args.seed is None else args.seed,
                cache_dir=args.cache, group=f"{exp.name}/{args.scale}", label=label,
                workers=args.workers, dask=args.dask, progress=not args.no_progress,
            )
            d = res.data
            unconverged = int(np.sum(~d["converged"])) if "converged" in d else 0
            print(f"{exp.name} {label}: {res.realizations} realizations, "
                  f"{float(d['seconds_total'].mean()):.3g} s each, "
                  f"{unconverged} unconverged -> {res.path}")
    return 0


def cmd_verify(args) -> int:
    from .runner import ensemble_dir, load_ensemble, verify_ensemble

    rng = np.random.default_rng(args.pick_seed)
    failures = 0
    for exp in _selected(args.experiments):
        for label, params, count in ensembles(exp, args.scale):
            path = ensemble_dir(args.cache, f"{exp.name}/{args.scale}", label, exp.model, params,
                                exp.seed, count)
            if not (path / "ensemble.npz").exists():
                print(f"{exp.name} {label}: not in the cache ({path})")
                failures += 1
                continue
            res = load_ensemble(path)
            picks = rng.choice(count, size=min(args.samples, count), replace=False)
            problems = verify_ensemble(res, picks)
            status = "OK" if not problems else "MISMATCH " + "; ".join(problems)
            print(f"{exp.name} {label}: realizations {sorted(picks.tolist())} {status}")
            failures += bool(problems)
    return 1 if failures else 0


def _cost_rows(cache, scale):
    from .runner import ensemble_dir, load_ensemble

    rows = []
    for exp in EXPERIMENTS.values():
        for label, params, count in ensembles(exp, scale):
            path = ensemble_dir(cache, f"{exp.name}/{scale}", label, exp.model, params, exp.seed,
                                count)
            if not (path / "ensemble.npz").exists():
                rows.append((exp.name, label, params["N"], count, None, None, None, None))
                continue
            res = load_ensemble(path)
            d = res.data
            stages = {k[len("seconds_"):]: float(d[k].mean()) for k in d
                      if k.startswith("seconds_") and k != "seconds_total"}
            rows.append((exp.name, label, params["N"], count, float(d["seconds_total"].mean()),
                         stages, float(d["seconds_total"].sum()),
                         res.meta.get("wall_seconds_last_run")))
    return rows


def cost_table(cache, scale="paper") -> str:
    """Markdown table of every ensemble's cost, from the cached timings (one core per worker)."""
    lines = ["| experiment | curve | N | realizations | s / realization (stages) | CPU s | wall s |",
             "|---|---|---|---|---|---|---|"]
    total_cpu = total_wall = 0.0
    missing = 0
    for name, label, N, count, mean, stages, cpu, wall in _cost_rows(cache, scale):
        if mean is None:
            lines.append(f"| {name} | {label} | {N} | {count} | not run | | |")
            missing += 1
            continue
        parts = ", ".join(f"{k} {v:.3g}" for k, v in sorted(stages.items()))
        lines.append(f"| {name} | {label} | {N} | {count} | {mean:.3g} ({parts}) | {cpu:.0f} | "
                     f"{wall if wall is not None else '':} |")
        total_cpu += cpu
        total_wall += wall or 0.0
    lines.append(f"| **all** | | | | | **{total_cpu:.0f}** | **{total_wall:.0f}** |")
    if missing:
        lines.append(f"\n{missing} ensemble(s) not in the cache yet.")
    return "\n".join(lines)


START, END = "<!-- ensemble cost table: python -m glasslib status --write -->", "<!-- end -->"


def cmd_status(args) -> int:
    table = cost_table(args.cache, args.scale)
    print(table)
    if args.write:
        from pathlib import Path

        page = Path(args.write)
        text = page.read_text()
        if START not in text or END not in text.split(START, 1)[1]:
            raise ValueError(f"{page} must contain the markers {START} and {END}")
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        page.write_text(f"{head}{START}\n\n{table}\n\n{END}{tail}")
        print(f"wrote {page}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glasslib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="list the experiments of the figure table")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_list)

    def common(p):
        p.add_argument("experiments", nargs="+", help="experiment names or prefixes, or 'all'")
        p.add_argument("--scale", choices=SCALES, default="quick")
        p.add_argument("--cache", default="results", help="cache directory (default ./results)")

    p = sub.add_parser("run", help="run (or resume, or load) experiments")
    common(p)
    p.add_argument("--workers", type=int, default=None, help="local processes (default: all cores)")
    p.add_argument("--dask", default=None, metavar="ADDRESS", help="Dask scheduler address")
    p.add_argument("--realizations", type=int, default=None, help="override every curve's count")
    p.add_argument("--seed", type=int, default=None, help="override the experiment's seed")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a model parameter for every curve (repeatable), e.g. N=2000")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("status", help="markdown table of the cached ensembles and their cost")
    p.add_argument("--scale", choices=SCALES, default="paper")
    p.add_argument("--cache", default="results")
    p.add_argument("--write", metavar="PAGE", default=None,
                   help="also put the table between the markers of PAGE (book/ensembles.md)")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("verify", help="recompute random cached realizations and compare")
    common(p)
    p.add_argument("--samples", type=int, default=2)
    p.add_argument("--pick-seed", type=int, default=None)
    p.set_defaults(func=cmd_verify)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
