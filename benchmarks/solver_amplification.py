"""Measure the amplification kappa = ||(I - DF)^{-1}||_inf of the mean-field solutions at the
paper's scale: the factor by which a perturbation of the fixed-point map (rounding on another
platform) moves the solution. :data:`glasslib.error_bounds.SOLVER_AMPLIFICATION` must bound it.

One realization (index 0, the experiment's seed) of each curve given, at paper scale. The dense
inverse costs O(N^3): about 40 s and 2.5 GB at N = 10^4.

Usage: ``python benchmarks/solver_amplification.py [--write PAGE] [experiment:label ...]``
(default: Fig. 1, Fig. 2 at T = 0.1, Fig. 3, Fig. 8, Fig. 9); ``--write`` also puts the table
between the markers of PAGE (book/reproducibility.md).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from glasslib import error_bounds as EB
from glasslib import realizations as R
from glasslib.experiments import ensembles, get_experiment
from glasslib.tls import SCE_PREFACTORS

DEFAULT = ["fig01_tg_dos:T=0.05", "fig02_tg_dos_vs_T:T=0.1", "fig03_tg_rates:J/T=10",
           "fig08_eg_dos:T=0.05", "fig09_eg_rates:T=0.1"]


def kappa(model: str, params: dict, seed: int) -> float:
    real = R.compute_realization(model, params, seed, 0, keep_context=True)
    res, glass, p = real.raw["solver"], real.context["glass"], real.params
    if model == "eg":
        return EB.solver_amplification(glass.inverse_distances, res.x, -0.5 * p["J"], p["T"],
                                       mu=res.mu)
    g = glass.tunneling if p["field"] == "energy" else None
    return EB.solver_amplification(glass.couplings, res.x, SCE_PREFACTORS[p["prefactor"]],
                                   p["T"], g=g)


START = "<!-- solver amplification table: benchmarks/solver_amplification.py --write -->"
END = "<!-- end -->"


def main(argv) -> int:
    page = None
    if argv[:1] == ["--write"]:
        page, argv = argv[1], argv[2:]
    lines = ["| curve | N | T | kappa | bound | seconds |", "|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    status = 0
    for item in argv or DEFAULT:
        name, label = item.split(":", 1)
        exp = get_experiment(name)
        [(lab, params, _)] = [c for c in ensembles(exp, "paper") if c[0] == label]
        started = time.perf_counter()
        k = kappa(exp.model, params, exp.seed)
        lines.append(f"| {exp.name} {lab} | {params['N']} | {params['T']:g} | {k:.1f} | "
                     f"{EB.SOLVER_AMPLIFICATION:g} | {time.perf_counter() - started:.0f} |")
        print(lines[-1], flush=True)
        if k >= EB.SOLVER_AMPLIFICATION:
            print("kappa exceeds the comparator's bound", file=sys.stderr)
            status = 1
    if page:
        path = Path(page)
        text = path.read_text()
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(f"{head}{START}\n\n" + "\n".join(lines) + f"\n\n{END}{tail}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
