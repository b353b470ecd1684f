"""From stacked ensemble results to the quantities the figures show (no I/O but the cache lookup).

Every function takes an :class:`~glasslib.runner.EnsembleResult` (one row per realization) and
returns plain arrays: the normalized DOS, the log-rate density, the plateau cutoffs with bootstrap
uncertainties over realizations, the mean relaxation curve, a binned 1/lambda fit, and the sign
of a shift between two ensembles (Table I).
"""

from __future__ import annotations

import math

import numpy as np

from .experiments import ensembles, get_experiment
from .measures import (  # measures with errors, here too for the pages that plot them
    BinnedFit,
    Cutoff,
    abs_energy_quantile,
    fit_power_law_binned,
    plateau_cutoffs,
    rebin,
)
from .realizations import LOG_ABS_E_EDGES, RATE_EDGES, TIMES, energy_edges
from .rules import shift_sign

__all__ = [
    "load_experiment",
    "dos",
    "log_abs_energy_density",
    "log_rate_density",
    "abs_energy_quantile",
    "Cutoff",
    "rebin",
    "plateau_cutoffs",
    "relaxation",
    "BinnedFit",
    "fit_power_law_binned",
    "shift_sign",
]


def load_experiment(name: str, scale: str = "paper", cache="results", *, run_missing: bool = True,
                    workers: int | None = None, realizations: int | None = None,
                    overrides: dict | None = None, seed: int | None = None,
                    progress: bool = True, max_minutes: float | None = None) -> dict:
    """``{label: EnsembleResult}`` for every curve of an experiment, from the cache.

    Missing ensembles are computed (with a progress bar, resumable) when ``run_missing``;
    otherwise a ``FileNotFoundError`` names the command that makes them. Before computing, the
    time it will take is estimated (:mod:`glasslib.cost`) and said; if it exceeds
    ``max_minutes`` (None: no limit) nothing starts and :class:`glasslib.cost.TooLong` says the
    estimate and how to allow it.
    """
    from .cost import TooLong, estimate
    from .runner import ensemble_dir, load_ensemble, run_ensemble

    exp = get_experiment(name)
    seed = exp.seed if seed is None else seed
    group = f"{exp.name}/{scale}"
    plan = []
    for label, params, count in ensembles(exp, scale, realizations=realizations,
                                          overrides=overrides):
        path = ensemble_dir(cache, group, label, exp.model, params, seed, count)
        plan.append((label, params, count, path))
    missing = [(label, params, count, path) for label, params, count, path in plan
               if not (path / "ensemble.npz").exists()]
    if missing and not run_missing:
        label = missing[0][0]
        raise FileNotFoundError(
            f"{exp.name} {label} is not in {cache}: run `python -m glasslib run {exp.name} "
            f"--scale {scale}`")
    if missing:
        todo = [(label, exp.model, params,
                 max(0, count - len(list((path / "parts").glob("r*.npz")))))
                for label, params, count, path in missing]
        est = estimate(todo, workers)
        where = f"{exp.name} at {scale} scale is not (entirely) in {cache}"
        # an unknown cost (no recorded timings for this model here) stops only a paper-scale
        # computation, which is hours; a small one goes ahead and says its time is unknown
        unknown = not math.isfinite(est.seconds)
        if max_minutes is not None and (est.seconds > 60 * max_minutes
                                        or (unknown and scale == "paper")):
            allow = (max(1, math.ceil(1.5 * est.seconds / 60)) if math.isfinite(est.seconds)
                     else 600)
            command = " ".join(
                [f"python -m glasslib run {exp.name} --scale {scale}"]
                + [f"--set {k}={v}" for k, v in sorted((overrides or {}).items())]
                + ([f"--realizations {realizations}"] if realizations is not None else [])
                + ([f"--seed {seed}"] if seed != exp.seed else [])
                + [f"--cache {cache}"])
            raise TooLong(
                f"{where}: that means {est.describe()}, more than max_minutes = "
                f"{max_minutes:g}. Allow it (papermill: -p max_minutes {allow}), or make it "
                f"beforehand with `{command}` (resumable), or point cache / $GLASSLIB_CACHE at "
                "a cache that has it.")
        print(f"{where}: computing {est.describe()} (estimated from the timings recorded with "
              "the committed cache; resumable)", flush=True)
    out = {}
    for label, params, count, path in plan:
        if (path / "ensemble.npz").exists():
            out[label] = load_ensemble(path)
        else:
            out[label] = run_ensemble(exp.model, params, count, seed, cache_dir=cache,
                                      group=group, label=label, workers=workers,
                                      progress=progress)
    return out


def _total_sites(result) -> int:
    return int(result.meta["params"]["N"]) * result.realizations


def dos(result) -> tuple[np.ndarray, np.ndarray]:
    """(bin centres, normalized DOS): energy histogram over all realizations / (sites * width)."""
    edges = energy_edges(result.meta["params"])
    counts = result.data["energy_counts"].sum(axis=0)
    return 0.5 * (edges[1:] + edges[:-1]), counts / (_total_sites(result) * np.diff(edges))


def log_abs_energy_density(result) -> tuple[np.ndarray, np.ndarray]:
    """(centres of log10|E| bins, density per decade of |E|), normalized over all sites."""
    counts = result.data["log_abs_energy_counts"].sum(axis=0)
    edges = LOG_ABS_E_EDGES
    return 0.5 * (edges[1:] + edges[:-1]), counts / (_total_sites(result) * np.diff(edges))


def log_rate_density(result, prefix: str = "", rows=None) -> tuple[np.ndarray, np.ndarray]:
    """(centres of log10(rate) bins, density per decade) over the realizations ``rows`` (all by
    default), normalized by the number of rates counted (resolved modes, all bins)."""
    counts = result.data[f"{prefix}rate_counts"]
    counts = (counts if rows is None else counts[rows]).sum(axis=0)
    total = counts.sum()
    edges = RATE_EDGES
    return 0.5 * (edges[1:] + edges[:-1]), counts / (max(total, 1) * np.diff(edges))


def relaxation(result, prefix: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, mean |delta sigma|(t)/N over realizations, its standard error): Eq. (15), c_i = 1."""
    curves = result.data[f"{prefix}relaxation"]
    sem = curves.std(axis=0, ddof=1) / np.sqrt(curves.shape[0]) if curves.shape[0] > 1 else \
        np.full(curves.shape[1], np.nan)
    return TIMES, curves.mean(axis=0), sem


