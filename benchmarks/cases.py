"""The benchmark cases: glasslib's single-realization pipelines at the paper's parameters.

Each pipeline does one full run and returns ``{"stages": {name: seconds}, ...}``; all large
arrays are local to it, so they are freed before the next repetition. The straightforward
implementations they are compared with are in ``baselines.py``; ``run.py`` runs both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

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
        "total_label": "**total** (solve + rate matrix + eigenvalues)",
    },
}



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


def eg_glasslib(N, seed):
    import glasslib

    sample_rng, solve_rng = _streams(seed)
    clock = _Stopwatch()
    glass = glasslib.sample_electron_glass(sample_rng, N, EG_W)
    clock.lap("sampling")
    res = glasslib.solve_eg_mean_field(glass, EG_T, rng=solve_rng, tol=TOL)
    clock.lap("solve")
    # the builder the pipeline uses (glasslib.realizations): from the sites, no distance matrix
    S = glasslib.eg_symmetrized_rate_matrix_from_sites(glass.positions, glass.L, res.x - res.mu,
                                                       EG_T, EG_XI)
    clock.lap("rate matrix")
    glasslib.relaxation_spectrum(S)
    clock.lap("eigenvalues")
    return {"stages": clock.stages, "solver": _sweeps_summary(res), "converged": res.converged}


