"""Command line: ``python -m glasslib list | run | status | verify | certify | recompute``
(the experiments of the figure table and their cache)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

from .experiments import EXPERIMENTS, SCALES, ensembles, get_experiment

#: the cache directory unless --cache says otherwise
DEFAULT_CACHE = os.environ.get("GLASSLIB_CACHE", "results")


def _value(text: str):
    """Parse a ``--set`` value: JSON (numbers, null, true/false, quoted strings) or a bare
    string."""
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


def _pick_seed(result) -> int:
    """Default picks: a deterministic function of the ensemble and the current code."""
    from .provenance import code_fingerprint

    blob = f"{result.meta['key']}:{code_fingerprint(result.meta['model'])}".encode()
    return int(hashlib.sha256(blob).hexdigest()[:8], 16)


def _verify_targets(args):
    """(description, ensemble directory) of every ensemble named on the command line: an
    experiment name or prefix (with the same --set/--realizations/--seed as the run that made
    it), 'all', or the path of an ensemble directory."""
    from .runner import ensemble_dir

    overrides = _overrides(args.set)
    names = []
    for target in args.experiments:
        if Path(target).is_dir() and (Path(target) / "meta.json").exists():
            yield Path(target).name, Path(target)
        else:
            names.append(target)
    for exp in _selected(names) if names else []:
        for label, params, count in ensembles(exp, args.scale, realizations=args.realizations,
                                              overrides=overrides):
            seed = exp.seed if args.seed is None else args.seed
            yield (f"{exp.name} {label}",
                   ensemble_dir(args.cache, f"{exp.name}/{args.scale}", label, exp.model,
                                params, seed, count))


def _picks(args, result):
    n = result.realizations
    if args.all:
        return list(range(n)), "all"
    seed = _pick_seed(result) if args.pick_seed is None else args.pick_seed
    rng = np.random.default_rng(seed)
    picks = sorted(rng.choice(n, size=min(args.samples, n), replace=False).tolist())
    return picks, f"pick seed {seed}"


def _check_samples(args):
    if args.samples is not None and args.samples < 1:
        raise ValueError(f"--samples must be >= 1 (got {args.samples}); use --all to check "
                         "every realization")
    if args.samples is None:
        args.samples = 2


def _cached_targets(args):
    """(name, path, loaded ensemble) of every target in the cache; missing ones are printed."""
    from .runner import load_ensemble

    _check_samples(args)
    for name, path in _verify_targets(args):
        if not (path / "ensemble.npz").exists():
            print(f"{name}: not in the cache ({path})")
            yield name, path, None
        else:
            yield name, path, load_ensemble(path, check_code=False)


def cmd_verify(args) -> int:
    from .runner import verify_ensemble

    failures = 0
    for name, _, res in _cached_targets(args):
        if res is None:
            failures += 1
            continue
        picks, how = _picks(args, res)
        started = time.perf_counter()
        comparisons = verify_ensemble(res, picks, workers=args.workers,
                                      progress=not args.no_progress)
        bad = [c for c in comparisons if not c.ok]
        levels = sorted({c.level for c in comparisons})
        shown = picks if len(picks) <= 10 else f"{len(picks)} realizations"
        status = "OK" if not bad else f"{len(bad)} MISMATCH(ES)"
        print(f"{name}: {shown} ({how}; {'/'.join(levels)}; "
              f"{time.perf_counter() - started:.1f} s) {status}")
        wide = [c.index for c in comparisons if c.path == "diverged"]
        if wide:
            print(f"  solver path differed from the cached one for {wide}: compared with the "
                  "wide residual bound")
        for c in bad:
            print("  " + c.describe())
        failures += bool(bad)
    return 1 if failures else 0


def cmd_certify(args) -> int:
    from .provenance import code_fingerprint
    from .runner import certify_ensemble

    failures = 0
    for name, path, res in _cached_targets(args):
        if res is None:
            failures += 1
            continue
        current = code_fingerprint(res.meta["model"])
        if current in {res.meta.get("fingerprint")} | {
                c["fingerprint"] for c in res.meta.get("certified", [])}:
            print(f"{name}: already valid for the current code ({current})")
            continue
        picks, how = _picks(args, res)
        comparisons = certify_ensemble(res, picks, workers=args.workers,
                                       progress=not args.no_progress)
        bad = [c for c in comparisons if not c.ok]
        if bad:
            print(f"{name}: NOT certified: the current code gives other numbers "
                  f"({len(bad)} of {len(picks)} realizations); recompute it with: "
                  f"python -m glasslib recompute {path}")
            for c in bad:
                print("  " + c.describe())
            failures += 1
        else:
            print(f"{name}: certified for code {current} ({len(picks)} realizations "
                  f"recomputed, {how})")
    return 1 if failures else 0


def cmd_recompute(args) -> int:
    from .runner import recompute_ensemble

    for name, path in _verify_targets(args):
        res = recompute_ensemble(path, workers=args.workers, progress=not args.no_progress)
        print(f"{name}: recomputed {res.realizations} realizations -> {res.path}")
    return 0


def _cost_rows(cache, scale):
    from .runner import CacheError, ensemble_dir, load_ensemble

    rows = []
    for exp in EXPERIMENTS.values():
        for label, params, count in ensembles(exp, scale):
            path = ensemble_dir(cache, f"{exp.name}/{scale}", label, exp.model, params, exp.seed,
                                count)
            if not (path / "ensemble.npz").exists():
                done = len(list((path / "parts").glob("r*.npz")))
                state = f"partial: {done} of {count} realizations" if done else None
                rows.append((exp.name, label, params["N"], count, None, state, None, None))
                continue
            try:
                res = load_ensemble(path)
            except CacheError as exc:
                rows.append((exp.name, label, params["N"], count, None, exc.problem, None, None))
                continue
            d = res.data
            stages = {k[len("seconds_"):]: float(d[k].mean()) for k in d
                      if k.startswith("seconds_") and k != "seconds_total"}
            rows.append((exp.name, label, params["N"], count, float(d["seconds_total"].mean()),
                         stages, float(d["seconds_total"].sum()),
                         res.meta.get("wall_seconds_last_run")))
    return rows


def cost_table(cache, scale="paper") -> str:
    """Markdown table of every ensemble's cost, from the cached timings (one core per worker)."""
    lines = ["| experiment | curve | N | realizations | s / realization (stages) | CPU s "
             "| wall s |",
             "|---|---|---|---|---|---|---|"]
    total_cpu = total_wall = 0.0
    missing = 0
    for name, label, N, count, mean, stages, cpu, wall in _cost_rows(cache, scale):
        if mean is None:
            lines.append(f"| {name} | {label} | {N} | {count} | {stages or 'not run'} | | |")
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


def other_ensembles(cache, scale) -> list[dict]:
    """Every ensemble folder in ``cache`` that is not one of the declared experiments' at
    ``scale`` (runs with --set, --realizations, --seed or the other scale; notebook reruns):
    ``{path, model, N, realizations, state}``, with state ``complete`` or ``partial: k of n``."""
    from .runner import ensemble_dir

    declared = {
        ensemble_dir(cache, f"{exp.name}/{scale}", label, exp.model, params, exp.seed,
                     count).resolve()
        for exp in EXPERIMENTS.values() for label, params, count in ensembles(exp, scale)}
    rows = []
    for meta_path in sorted(Path(cache).glob("*/*/meta.json")):
        path = meta_path.parent
        if path.resolve() in declared:
            continue
        try:
            meta = json.loads(meta_path.read_text())
            n = int(meta["realizations"])
        except (OSError, ValueError, KeyError, TypeError):
            rows.append(dict(path=path, model="?", N="?", realizations="?",
                             state="unreadable meta.json"))
            continue
        if (path / "ensemble.npz").exists():
            state = "complete"
        else:
            state = f"partial: {len(list((path / 'parts').glob('r*.npz')))} of {n}"
        changed = {k: v for k, v in meta.get("params", {}).items() if k != "N"}
        rows.append(dict(path=path, model=meta.get("model", "?"),
                         N=meta.get("params", {}).get("N", "?"), realizations=n, state=state,
                         seed=meta.get("seed"), params=changed))
    return rows


def cmd_status(args) -> int:
    table = cost_table(args.cache, args.scale)
    print(table)
    others = other_ensembles(args.cache, args.scale)
    if others:
        print(f"\nother ensembles in {args.cache} (not the declared {args.scale}-scale ones: "
              "--set/--realizations/--seed runs, the other scale, notebook reruns):")
        for row in others:
            print(f"  {row['path']}: {row['model']}, N = {row['N']} x {row['realizations']}, "
                  f"{row['state']}")
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


#: every --help shows the defaults (run's scale is quick, status/verify's is paper)
_FORMAT = argparse.ArgumentDefaultsHelpFormatter


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glasslib", description=__doc__,
                                     formatter_class=_FORMAT)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", formatter_class=_FORMAT,
                       help="list the experiments of the figure table")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_list)

    def common(p, scale="quick"):
        p.add_argument("experiments", nargs="+",
                       help="experiment names or prefixes, paper figures (fig06), 'all', or "
                            "(verify, certify, recompute) ensemble directories")
        p.add_argument("--scale", choices=SCALES, default=scale,
                       help="quick: small N and counts (seconds); paper: the paper's")
        p.add_argument("--cache", default=DEFAULT_CACHE,
                       help="cache directory ($GLASSLIB_CACHE or ./results)")

    p = sub.add_parser("run", formatter_class=_FORMAT,
                       help="run (or resume, or load) experiments")
    common(p)
    p.add_argument("--workers", type=int, default=None, help="local processes (None: all cores)")
    p.add_argument("--dask", default=None, metavar="ADDRESS", help="Dask scheduler address")
    p.add_argument("--realizations", type=int, default=None, help="override every curve's count")
    p.add_argument("--seed", type=int, default=None, help="override the experiment's seed")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a model parameter for every curve (repeatable), e.g. N=2000")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("status", formatter_class=_FORMAT,
                       help="markdown table of the cached ensembles and their cost")
    p.add_argument("--scale", choices=SCALES, default="paper")
    p.add_argument("--cache", default=DEFAULT_CACHE)
    p.add_argument("--write", metavar="PAGE", default=None,
                   help="also put the table between the markers of PAGE (book/ensembles.md)")
    p.set_defaults(func=cmd_status)

    def targets(p, what):
        common(p, scale="paper")
        p.add_argument("--set", action="append", metavar="KEY=VALUE",
                       help="the overrides the ensembles were run with (repeatable)")
        p.add_argument("--realizations", type=int, default=None,
                       help="the realization count the ensembles were run with")
        p.add_argument("--seed", type=int, default=None, help="the seed they were run with")
        p.add_argument("--workers", type=int, default=1, help="parallel processes")
        p.add_argument("--no-progress", action="store_true")
        if what != "recompute":
            p.add_argument("--samples", type=int, default=2,
                           help="realizations to recompute per ensemble")
            p.add_argument("--all", action="store_true", help="recompute every realization")
            p.add_argument("--pick-seed", type=int, default=None,
                           help="seed of the random picks (None: derived from the ensemble and "
                                "the code, and printed)")

    p = sub.add_parser("verify", formatter_class=_FORMAT,
                       help="recompute cached realizations and compare them with the "
                       "cache (bit for bit on the platform and code that made them, within the "
                       "derived tolerances elsewhere)")
    targets(p, "verify")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("certify", formatter_class=_FORMAT,
                       help="after a code change: recompute a few realizations and, "
                       "if they agree with the cache, accept the cache for the new code")
    targets(p, "certify")
    p.set_defaults(func=cmd_certify)
    p = sub.add_parser("recompute", formatter_class=_FORMAT,
                       help="delete a cached ensemble (damaged, or made by other "
                       "code) and compute it again")
    targets(p, "recompute")
    p.set_defaults(func=cmd_recompute)
    args = parser.parse_args(argv)
    from .runner import CacheError, Terminated

    def on_sigterm(signum, frame):
        raise Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CacheError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        # the runner already said what was saved and how to resume
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGTERM, previous)
