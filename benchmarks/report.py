"""The benchmark table: rows, targets and the markdown written into README.md and
book/performance.md (between the markers)."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from cases import LAYOUTS

ROOT = Path(__file__).resolve().parent.parent
START_MARKER = "<!-- benchmark table: filled by benchmarks/run.py -->"
END_MARKER = "<!-- end benchmark table -->"
README_HINT = (
    "Run `.venv/bin/python benchmarks/run.py --write` to regenerate this table and the one in\n"
    "`book/performance.md` (without `--write` it only prints it; `--quick` is a smoke test)."
)

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
        (f"electron glass N = {scale.eg_n} solve + rate matrix + eigenvalues", eg,
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


def fill_page(page, start: str, end: str, lines) -> None:
    """Put ``lines`` between the markers ``start`` and ``end`` of ``page`` (both must be there):
    how the other benchmark scripts write their tables into the book."""
    page = Path(page)
    text = page.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{page} has no markers {start!r} ... {end!r}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    page.write_text(head + start + "\n\n" + "\n".join(lines) + "\n\n" + end + tail)
    print(f"wrote {page}")


def write_outputs(block):
    readme = ROOT / "README.md"
    text = replace_block(readme.read_text(), block)
    readme.write_text(text)
    book = ROOT / "book" / "performance.md"
    text = book.read_text()
    if START_MARKER not in text:
        text = text.rstrip() + "\n\n" + START_MARKER + "\n"
    book.write_text(replace_block(text, block))
    print(f"wrote {readme.relative_to(ROOT)} and {book.relative_to(ROOT)}", file=sys.stderr)


