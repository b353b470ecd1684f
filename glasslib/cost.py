"""How long an ensemble will take, before it starts: a cost model fitted to the timings recorded
with the committed cache.

Every finished ensemble records the CPU seconds its realizations took (``cpu_seconds`` in
``meta.json``, one core per realization). Per model (:func:`cost_key`: the electron glass with
and without its rate spectrum apart), the time per realization ``t(N)`` is
interpolated linearly in ``log t`` against ``log N`` between the recorded sizes (the geometric
mean over the ensembles of one size, made non-decreasing in N), and extrapolated beyond the
largest with the slope of the last two (at least 1; ``DEFAULT_EXPONENT`` when only one size was
recorded). A new ensemble costs ``realizations * t(N) / workers``. The estimate is of the
machine that made the cache (its kind is in each ``meta.json``) and ignores the temperature
dependence of the mean-field sweeps; it is meant to tell a minute from an hour, not to be exact.
"""

from __future__ import annotations

import functools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Estimate", "TooLong", "cost_key", "seconds_per_realization", "estimate",
           "format_duration"]

#: the exponent used for a model whose recorded ensembles all have the same N (dense
#: diagonalization is N^3)
DEFAULT_EXPONENT = 3.0


@functools.lru_cache(maxsize=8)
def _points(cache: str) -> dict:
    """``{model: [(N, seconds per realization), ...]}`` from every ``meta.json`` under
    ``cache``."""
    out: dict = {}
    for meta_path in Path(cache).glob("*/*/meta.json"):
        try:
            meta = json.loads(meta_path.read_text())
            n, seconds = int(meta["params"]["N"]), float(meta["cpu_seconds"])
            per = seconds / int(meta["realizations"])
        except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
            continue
        out.setdefault(cost_key(meta["model"], meta["params"]), []).append((n, per))
    return out


def cost_key(model: str, params: dict) -> str:
    """What the cost is fitted per: the model, and for the electron glass whether it computes
    the rate spectrum (``xi`` set: an N x N eigenproblem) or only the DOS."""
    if model == "eg":
        return "eg" if params.get("xi") is None else "eg+spectrum"
    return model


def _reference_cache() -> str:
    """The committed cache of the repository this glasslib comes from (its timings are the
    reference even when ``$GLASSLIB_CACHE`` points elsewhere), else the default cache."""
    from .runner import default_cache

    repo = Path(__file__).resolve().parents[1] / "results"
    return str(repo if repo.is_dir() else default_cache())


def seconds_per_realization(model: str, N: int, cache=None, params: dict | None = None
                            ) -> float | None:
    """Estimated CPU seconds of one realization of ``model`` at size ``N`` (module doc), or None
    when ``cache`` (default: the committed cache) has no timings for it. ``model`` may be a
    :func:`cost_key` already; with ``params`` the key is derived (``xi`` of the electron glass).
    """
    key = cost_key(model, params) if params is not None else model
    pts = _points(str(cache or _reference_cache())).get(key)
    if not pts:
        return None
    sizes = sorted({n for n, _ in pts})
    logn = np.log(sizes)
    logt = np.array([np.mean([math.log(t) for n, t in pts if n == size]) for size in sizes])
    logt = np.maximum.accumulate(logt)  # a larger system never costs less (tiny N is noise)
    x = math.log(max(int(N), 2))
    if len(sizes) == 1:
        return float(math.exp(logt[0] + DEFAULT_EXPONENT * (x - logn[0])))
    if x <= logn[-1]:
        return float(math.exp(np.interp(x, logn, logt)))  # below the smallest N: its cost
    slope = max((logt[-1] - logt[-2]) / (logn[-1] - logn[-2]), 1.0)
    return float(math.exp(logt[-1] + slope * (x - logn[-1])))


class TooLong(RuntimeError):
    """A computation would take longer than the caller allowed (raised before it starts)."""


@dataclass(frozen=True)
class Estimate:
    """The cost of the missing part of some ensembles."""

    seconds: float  # wall time on ``workers`` cores
    realizations: int  # realizations still to compute
    ensembles: list  # "label: N x realizations" of each ensemble still to compute
    workers: int

    def describe(self) -> str:
        return (f"{self.realizations} realizations ({'; '.join(self.ensembles)}), about "
                f"{format_duration(self.seconds)} on {self.workers} worker(s)")


def estimate(todo, workers: int | None = None, cache=None) -> Estimate:
    """The wall time of ``todo``: ``[(label, model, params, realizations still to compute)]``."""
    workers = workers or os.cpu_count() or 1
    seconds, count, names = 0.0, 0, []
    for label, model, params, n in todo:
        per = seconds_per_realization(model, params["N"], cache, params)
        seconds += n * (per if per is not None else math.nan)
        count += n
        names.append(f"{label}: N = {params['N']} x {n}")
    # whole realizations are spread over the workers: never faster than the longest one
    return Estimate(seconds / max(1, min(workers, count)), count, names, workers)


def format_duration(seconds: float) -> str:
    """``"40 s"``, ``"6 min"``, ``"2.5 h"``; ``"an unknown time"`` for NaN."""
    if not math.isfinite(seconds):
        return "an unknown time (no recorded timings for this model)"
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
