"""One realization of each model, reduced to a small fixed-size summary (no file I/O here).

A realization is a pure function of ``(model, params, seed, index)``: its random stream is child
``index`` of ``SeedSequence(seed)`` (so any realization can be recomputed alone, on any worker),
split into a sampling stream and a solver-order stream. The summary holds fixed-bin histograms
(so ensembles add up), the relaxation curve on a fixed time grid, and solver diagnostics.

Models:

``"tls"``          TLS glass: sample, solve Eq. (4), energies (Eq. 6), rates (Eq. 12).
``"tls_b1"``       as ``"tls"``, plus the spectrum of the full matrix of Eq. (B1) (App. B).
``"eg"``           electron glass: sample, solve Eq. (20) at half filling; with ``xi`` set, the
                   spectrum of Eq. (23) without its interaction term.
``"eg_distance"``  Fig. 16: the spectrum of the distance-only matrix ``exp(-r_ij/xi)``, plus the
                   nearest-neighbour distances (Eqs. A1, A2).

Bump :data:`MODEL_VERSION` whenever a change alters any number a realization produces: it is
part of every cache key, so old results are then never served.
"""

from __future__ import annotations

import time

import numba
import numpy as np
from threadpoolctl import threadpool_limits

from . import analysis, electron_glass, geometry, tls
from ._validation import check_choice, check_int, check_real

__all__ = [
    "MODEL_VERSION",
    "MODELS",
    "DEFAULTS",
    "RATE_EDGES",
    "LOG_ABS_E_EDGES",
    "TIMES",
    "resolve_params",
    "realization_seed",
    "energy_edges",
    "run_realization",
]

#: part of every cache key: bump it whenever realization outputs change
MODEL_VERSION = "1"

MODELS = ("tls", "tls_b1", "eg", "eg_distance")

#: defaults per model; every key can be overridden, no other key is accepted
DEFAULTS = {
    "tls": dict(N=1000, W=1.0, J=1.0, T=0.1, r_nn=1.0, r_nn_convention="lattice",
                prefactor="paper", field="asymmetry", tunneling_min=1e-7, tunneling_max=1e-1,
                anneal_from=None, tol=1e-8),
    "eg": dict(N=1000, W=1.0, J=1.0, T=0.1, xi=None, r_nn=1.0, r_nn_convention="lattice",
               tol=1e-8),
    "eg_distance": dict(N=1000, xi=0.1, r_nn=1.0, r_nn_convention="lattice"),
}
DEFAULTS["tls_b1"] = dict(DEFAULTS["tls"], convention="linearized")

#: log10(rate) bin edges shared by every model (0.05 decade)
RATE_EDGES = np.round(np.arange(-45.0, 10.0 + 1e-9, 0.05), 10)
#: log10|E| bin edges (0.05 decade) for the shape of the gap
LOG_ABS_E_EDGES = np.round(np.arange(-8.0, 4.0 + 1e-9, 0.05), 10)
#: times of the relaxation curve |delta sigma|(t) / N (Eq. 15), log-spaced
TIMES = np.logspace(-3, 22, 126)
#: linear energy bins: this many per unit of the energy scale sqrt(W^2 + J^2)
ENERGY_BINS_PER_SCALE = 40
ENERGY_RANGE_IN_SCALES = 8


def resolve_params(model: str, params: dict | None = None) -> dict:
    """The model's defaults updated with ``params``; unknown keys raise ``ValueError``."""
    check_choice("model", model, MODELS)
    params = dict(params or {})
    unknown = sorted(set(params) - set(DEFAULTS[model]))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown} for model {model!r}; known: {sorted(DEFAULTS[model])}"
        )
    out = dict(DEFAULTS[model])
    out.update(params)
    out["N"] = check_int("N", out["N"], minimum=2)
    for key in ("W", "J"):
        if key in out:
            out[key] = check_real(key, out[key], nonnegative=True)
    for key in ("T", "r_nn", "tol"):
        if key in out:
            out[key] = check_real(key, out[key], positive=True)
    if out.get("xi") is not None:
        out["xi"] = check_real("xi", out["xi"], positive=True)
    return out


def realization_seed(seed: int, index: int) -> np.random.SeedSequence:
    """Child ``index`` of ``SeedSequence(seed)``: identical to ``SeedSequence(seed).spawn(n)[index]``."""
    seed = check_int("seed", seed, minimum=0)
    index = check_int("index", index, minimum=0)
    return np.random.SeedSequence(seed, spawn_key=(index,))


def energy_edges(params: dict) -> np.ndarray:
    """Linear energy bins covering +-8 energy scales, 40 bins per scale sqrt(W^2 + J^2)."""
    scale = float(np.hypot(params.get("W", 1.0), params.get("J", 1.0))) or 1.0
    n = 2 * ENERGY_RANGE_IN_SCALES * ENERGY_BINS_PER_SCALE
    return np.linspace(-ENERGY_RANGE_IN_SCALES * scale, ENERGY_RANGE_IN_SCALES * scale, n + 1)


def _energy_summary(E: np.ndarray, params: dict) -> dict:
    edges = energy_edges(params)
    counts, _ = np.histogram(E, bins=edges)
    log_counts, _ = np.histogram(np.log10(np.maximum(np.abs(E), 1e-300)), bins=LOG_ABS_E_EDGES)
    return {
        "energy_counts": counts.astype(np.int32),
        "energy_outside": np.int64(E.size - counts.sum()),
        "log_abs_energy_counts": log_counts.astype(np.int32),
        "energy_moments": np.array([E.mean(), (E**2).mean(), (E**3).mean()]),
    }


def _rate_summary(rates: np.ndarray, prefix: str = "") -> dict:
    counts, nonpositive = analysis.log_histogram(rates, RATE_EDGES)
    inside = counts.sum()
    return {
        f"{prefix}rate_counts": counts.astype(np.int32),
        f"{prefix}rate_outside": np.int64(rates.size - nonpositive - inside),
        f"{prefix}rate_nonpositive": np.int64(nonpositive),
        f"{prefix}relaxation": (analysis.relaxation_curve(rates, TIMES) / rates.size),
    }


def _solver_summary(res) -> dict:
    return {
        "iterations": np.int64(res.iterations),
        "site_updates": np.int64(res.site_updates),
        "residual": np.float64(res.residual),
        "converged": np.bool_(res.converged),
        "mu": np.float64(res.mu),
        "filling_error": np.float64(np.nan if res.filling_error is None else res.filling_error),
    }


def _tls(params, sample_ss, order_ss, timings, with_b1=False):
    t0 = time.perf_counter()
    glass = tls.sample_tls_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], params["J"],
        r_nn=params["r_nn"], r_nn_convention=params["r_nn_convention"],
        tunneling_range=(params["tunneling_min"], params["tunneling_max"]),
        dtype=np.float64 if with_b1 else np.float32,
    )
    t1 = time.perf_counter()
    res = tls.solve_tls_mean_field(
        glass, params["T"], prefactor=params["prefactor"], field=params["field"],
        rng=np.random.default_rng(order_ss), tol=params["tol"], anneal_from=params["anneal_from"],
    )
    t2 = time.perf_counter()
    E = tls.tls_energies(res.x, glass.tunneling)
    rates = tls.tls_relaxation_rates(E, glass.tunneling, params["T"])
    out = {**_energy_summary(E, params), **_rate_summary(rates), **_solver_summary(res)}
    timings.update(sample=t1 - t0, solve=t2 - t1)
    if with_b1:
        A = tls.tls_rate_matrix(glass.couplings, res.x, glass.tunneling, params["T"],
                                prefactor=params["prefactor"], convention=params["convention"])
        with_f = tls.tls_rate_spectrum(A)
        out.update(_rate_summary(with_f, prefix="b1_"))
        # App. B's single-realization comparison needs the rates themselves (N values each)
        out["rates_sorted"] = np.sort(rates)
        out["b1_rates_sorted"] = with_f
        timings.update(spectrum=time.perf_counter() - t2)
    return out


def _eg(params, sample_ss, order_ss, timings):
    t0 = time.perf_counter()
    glass = electron_glass.sample_electron_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], r_nn=params["r_nn"],
        r_nn_convention=params["r_nn_convention"],
        dtype=np.float32 if params["N"] > 4000 else np.float64,
    )
    t1 = time.perf_counter()
    res = electron_glass.solve_eg_mean_field(
        glass, params["T"], params["J"], rng=np.random.default_rng(order_ss), tol=params["tol"]
    )
    t2 = time.perf_counter()
    E = res.x - res.mu
    out = {**_energy_summary(E, params), **_solver_summary(res)}
    timings.update(sample=t1 - t0, solve=t2 - t1)
    if params["xi"] is not None:
        S = electron_glass.eg_symmetrized_rate_matrix(E, glass.distances(), params["T"],
                                                      params["xi"])
        all_rates = electron_glass.relaxation_spectrum(S)
        rates = electron_glass.drop_unresolved(all_rates)
        out.update(_rate_summary(rates))
        out["unresolved_modes"] = np.int64(all_rates.size - 1 - rates.size)
        timings.update(spectrum=time.perf_counter() - t2)
    return out


def _eg_distance(params, sample_ss, timings):
    t0 = time.perf_counter()
    N = params["N"]
    L = geometry.box_side(N, 2, params["r_nn"], params["r_nn_convention"])
    positions = geometry.sample_sites(np.random.default_rng(sample_ss), N, 2, L)
    r = geometry.minimum_image_distances(positions, L)
    A = electron_glass.distance_rate_matrix(r, params["xi"])
    all_rates = electron_glass.relaxation_spectrum(-A)
    rates = electron_glass.drop_unresolved(all_rates)
    nn = geometry.nearest_neighbour_distances(positions, L)
    nn_counts, _ = np.histogram(nn / params["r_nn"], bins=NN_EDGES)
    timings.update(spectrum=time.perf_counter() - t0)
    return {**_rate_summary(rates), "unresolved_modes": np.int64(all_rates.size - 1 - rates.size),
            "nn_counts": nn_counts.astype(np.int32)}


#: nearest-neighbour distance bins (units of r_nn) for the Eq. (A1) check
NN_EDGES = np.linspace(0.0, 3.0, 121)


def run_realization(model: str, params: dict, seed: int, index: int) -> dict:
    """Compute realization ``index`` of the ensemble ``(model, params, seed)``; return its summary.

    Runs on one thread (BLAS and numba pinned), so that parallel workers do not fight over cores
    and the numbers do not depend on the worker layout. Adds ``seconds_*`` timings.
    """
    params = resolve_params(model, params)
    ss = realization_seed(seed, index)
    sample_ss, order_ss = ss.spawn(2)
    timings: dict = {}
    started = time.perf_counter()
    saved = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        with threadpool_limits(limits=1):
            if model in ("tls", "tls_b1"):
                out = _tls(params, sample_ss, order_ss, timings, with_b1=model == "tls_b1")
            elif model == "eg":
                out = _eg(params, sample_ss, order_ss, timings)
            else:
                out = _eg_distance(params, sample_ss, timings)
    finally:
        numba.set_num_threads(saved)
    timings["total"] = time.perf_counter() - started
    out.update({f"seconds_{k}": np.float64(v) for k, v in timings.items()})
    return out
