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

**Stored fields.** :data:`FIELDS` declares every field of a model's summary once: what it is
computed from (a *raw* quantity of the realization: energies, rates, spectra, distances) and how
(a histogram on stored bin edges, a relaxation curve on stored times, a sorted list, a solver
diagnostic). The same declaration computes the field here and tells
:mod:`glasslib.comparator` how a recomputation on another machine may legitimately differ
(the bound of each raw quantity is derived in :mod:`glasslib.error_bounds`).

**Versions.** :data:`MODEL_VERSIONS` is part of every cache key: bump a model's version when its
numbers are *meant* to change. Unintended changes are caught by the code fingerprint
(:mod:`glasslib.provenance`), which the cache records and checks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numba
import numpy as np
from threadpoolctl import threadpool_limits

from . import analysis, electron_glass, geometry, tls
from ._validation import check_choice, check_int, check_real

__all__ = [
    "MODEL_VERSIONS",
    "MODELS",
    "DEFAULTS",
    "RATE_EDGES",
    "LOG_ABS_E_EDGES",
    "TIMES",
    "NN_EDGES",
    "FIELDS",
    "HistogramField",
    "RelaxationField",
    "SortedField",
    "ExcludedCountField",
    "SolverField",
    "DigestField",
    "solution_digest",
    "Realization",
    "RealizationError",
    "resolve_params",
    "realization_seed",
    "energy_edges",
    "axes",
    "field_names",
    "estimate_memory",
    "compute_realization",
    "run_realization",
]

#: part of every cache key: bump a model's version when its numbers are meant to change
MODEL_VERSIONS = {"tls": "2", "tls_b1": "2", "eg": "2", "eg_distance": "2"}

MODELS = tuple(MODEL_VERSIONS)

#: defaults per model; every key can be overridden, no other key is accepted
DEFAULTS = {
    "tls": dict(N=1000, W=1.0, J=1.0, T=0.1, r_nn=1.0, r_nn_convention="lattice",
                prefactor="paper", field="asymmetry", tunneling_min=1e-7, tunneling_max=1e-1,
                anneal_from=None, tol=1e-8, density=None),
    "eg": dict(N=1000, W=1.0, J=1.0, T=0.1, xi=None, r_nn=1.0, r_nn_convention="lattice",
               tol=1e-8, anneal_from=None, density=None),
    "eg_distance": dict(N=1000, xi=0.1, r_nn=1.0, r_nn_convention="lattice", density=None),
}
DEFAULTS["tls_b1"] = dict(DEFAULTS["tls"], convention="linearized")

#: log10(rate) bin edges shared by every model (0.05 decade)
RATE_EDGES = np.round(np.arange(-45.0, 10.0 + 1e-9, 0.05), 10)
#: log10|E| bin edges (0.05 decade) for the shape of the gap
LOG_ABS_E_EDGES = np.round(np.arange(-8.0, 4.0 + 1e-9, 0.05), 10)
#: times of the relaxation curve |delta sigma|(t) / N (Eq. 15), log-spaced
TIMES = np.logspace(-3, 22, 126)
#: nearest-neighbour distance bins (units of r_nn) for the Eq. (A1) check
NN_EDGES = np.linspace(0.0, 3.0, 121)
#: linear energy bins: this many per unit of the energy scale sqrt(W^2 + J^2)
ENERGY_BINS_PER_SCALE = 40
ENERGY_RANGE_IN_SCALES = 8
#: the electron glass stores its Coulomb kernel in float32 above this size (memory)
EG_FLOAT32_ABOVE = 4000


class RealizationError(RuntimeError):
    """A realization produced a value that must not be stored (NaN, inf, an unconverged solve)."""


# --------------------------------------------------------------------------- parameters


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
    """Child ``index`` of ``SeedSequence(seed)``: identical to
    ``SeedSequence(seed).spawn(n)[index]``."""
    seed = check_int("seed", seed, minimum=0)
    index = check_int("index", index, minimum=0)
    return np.random.SeedSequence(seed, spawn_key=(index,))


def prepare_realization(model: str, params: dict, seed: int, index: int):
    """Resolved parameters and the (sampling, solver-order) streams of one realization."""
    params = resolve_params(model, params)
    sample_ss, order_ss = realization_seed(seed, index).spawn(2)
    return params, sample_ss, order_ss


def energy_edges(params: dict) -> np.ndarray:
    """Linear energy bins covering +-8 energy scales, 40 bins per scale sqrt(W^2 + J^2)."""
    scale = float(np.hypot(params.get("W", 1.0), params.get("J", 1.0))) or 1.0
    n = 2 * ENERGY_RANGE_IN_SCALES * ENERGY_BINS_PER_SCALE
    return np.linspace(-ENERGY_RANGE_IN_SCALES * scale, ENERGY_RANGE_IN_SCALES * scale, n + 1)


def _has_spectrum(model: str, params: dict) -> bool:
    return model in ("tls", "tls_b1", "eg_distance") or params.get("xi") is not None


def axes(model: str, params: dict) -> dict:
    """The bin edges and time grid a model's summary is expressed on (stored with the data)."""
    params = resolve_params(model, params)
    out = {}
    if model != "eg_distance":
        out["energy_edges"] = energy_edges(params)
        out["log_abs_energy_edges"] = LOG_ABS_E_EDGES
    if _has_spectrum(model, params):
        out["rate_edges"] = RATE_EDGES
        out["times"] = TIMES
    if model == "eg_distance":
        out["nn_edges"] = NN_EDGES
    return out


# --------------------------------------------------------------------------- stored fields


@dataclass(frozen=True)
class HistogramField:
    """Counts of ``transform(raw[source])`` in the bins ``axes[axis]`` (numpy's convention: the
    last bin is closed). ``outside`` counts the values outside the edges, ``nonpositive`` (log10
    transform only) the values <= 0, which have no logarithm."""

    source: str
    axis: str
    transform: str  # "identity", "log10" or "log10abs"
    outside: str | None = None
    nonpositive: str | None = None

    def transformed(self, values: np.ndarray) -> np.ndarray:
        if self.transform == "identity":
            return values
        if self.transform == "log10abs":
            return np.log10(np.maximum(np.abs(values), 1e-300))
        return np.log10(values[values > 0])

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        values = np.asarray(raw[self.source], float)
        edges = ax[self.axis]
        t = self.transformed(values)
        counts, _ = np.histogram(t, bins=edges)
        out = {name: counts.astype(np.int32)}
        if self.outside:
            out[self.outside] = np.int64(t.size - counts.sum())
        if self.nonpositive:
            out[self.nonpositive] = np.int64(values.size - t.size)
        return out

    def names(self, name):
        return [n for n in (name, self.outside, self.nonpositive) if n]


@dataclass(frozen=True)
class RelaxationField:
    """Eq. (15) with ``c_i = 1`` divided by the number of modes: ``mean_i exp(-lambda_i t)``."""

    source: str
    axis: str = "times"

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        rates = np.asarray(raw[self.source], float)
        if rates.size == 0:
            raise RealizationError(f"{name}: no resolved rates to build a relaxation curve from")
        return {name: analysis.relaxation_curve(rates, ax[self.axis]) / rates.size}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class SortedField:
    """The raw values themselves, ascending (App. B pairs rates by rank)."""

    source: str

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        return {name: np.sort(np.asarray(raw[self.source], float))}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class ExcludedCountField:
    """How many modes of the spectrum ``raw[spectrum]`` were dropped as below the rounding floor
    (:func:`glasslib.electron_glass.drop_unresolved`), the conservation mode not counted."""

    source: str
    spectrum: str

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        return {name: np.int64(raw[self.spectrum].size - 1 - raw[self.source].size)}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class SolverField:
    """A diagnostic of the mean-field solve: ``iterations`` and ``site_updates`` describe the
    path the solver took; ``residual``, ``converged``, ``mu`` and ``filling_error`` its end."""

    attribute: str

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        value = getattr(raw["solver"], self.attribute)
        kinds = {"iterations": np.int64, "site_updates": np.int64, "converged": np.bool_}
        return {name: kinds.get(self.attribute, np.float64)(value)}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class DigestField:
    """The first 63 bits of the SHA-256 of the solver's solution (``x`` and ``mu`` as float64
    bytes): equal digests certify bit-identical solutions, which lets the comparator drop the
    solver's contribution to every bound."""

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        return {name: np.int64(solution_digest(raw["solver"]))}

    def names(self, name):
        return [name]


def solution_digest(res) -> int:
    """See :class:`DigestField`."""
    import hashlib

    h = hashlib.sha256(np.ascontiguousarray(res.x, dtype=np.float64).tobytes())
    h.update(np.float64(res.mu).tobytes())
    return int(h.hexdigest()[:16], 16) >> 1


_ENERGY_FIELDS = {
    "energy_counts": HistogramField("energies", "energy_edges", "identity",
                                    outside="energy_outside"),
    "log_abs_energy_counts": HistogramField("energies", "log_abs_energy_edges", "log10abs"),
}
_SOLVER_FIELDS = {**{name: SolverField(name)
                     for name in ("iterations", "site_updates", "residual", "converged")},
                  "solution_digest": DigestField()}
_EG_SOLVER_FIELDS = {name: SolverField(name) for name in ("mu", "filling_error")}


def _rate_fields(prefix: str = "", source: str = "rates") -> dict:
    return {
        f"{prefix}rate_counts": HistogramField(source, "rate_edges", "log10",
                                               outside=f"{prefix}rate_outside",
                                               nonpositive=f"{prefix}rate_nonpositive"),
        f"{prefix}relaxation": RelaxationField(source),
    }


#: every stored field of each model: ``{model: {field: how it is computed}}`` (the electron
#: glass's rate fields exist only when ``xi`` is set: see :func:`field_names`)
FIELDS = {
    "tls": {**_ENERGY_FIELDS, **_rate_fields(), **_SOLVER_FIELDS},
    "tls_b1": {**_ENERGY_FIELDS, **_rate_fields(), **_SOLVER_FIELDS,
               **_rate_fields("b1_", "b1_rates"),
               "rates_sorted": SortedField("rates"), "b1_rates_sorted": SortedField("b1_rates")},
    "eg": {**_ENERGY_FIELDS, **_SOLVER_FIELDS, **_EG_SOLVER_FIELDS, **_rate_fields(),
           "unresolved_modes": ExcludedCountField("rates", "spectrum")},
    "eg_distance": {**_rate_fields(), "unresolved_modes": ExcludedCountField("rates", "spectrum"),
                    "nn_counts": HistogramField("nn", "nn_edges", "identity")},
}
_EG_SPECTRUM_ONLY = ("rate_counts", "relaxation", "unresolved_modes")


def _field_specs(model: str, params: dict) -> dict:
    specs = dict(FIELDS[model])
    if model == "eg" and params.get("xi") is None:
        for name in _EG_SPECTRUM_ONLY:
            specs.pop(name)
    return specs


def field_names(model: str, params: dict) -> list:
    """The names of every stored field of a realization (auxiliary counts included)."""
    params = resolve_params(model, params)
    return sorted(n for name, spec in _field_specs(model, params).items()
                  for n in spec.names(name))


def summarize_fields(model: str, params: dict, raw: dict) -> dict:
    """The stored summary of a realization, computed from its raw quantities by :data:`FIELDS`;
    every floating-point value must be finite (a NaN never reaches the cache)."""
    ax = axes(model, params)
    out = {}
    for name, spec in _field_specs(model, params).items():
        out.update(spec.compute(name, raw, ax))
    for name, value in out.items():
        value = np.asarray(value)
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            raise RealizationError(f"field {name!r} is not finite ({value.ravel()[:4]} ...)")
    return out


# --------------------------------------------------------------------------- the models


def tls_realization(params, sample_ss, order_ss, timings, *, with_b1=False):
    """TLS glass: sample (Eqs. 2, 7), solve Eq. (4), energies (Eq. 6), rates (Eq. 12); with
    ``with_b1`` the spectrum of Eq. (B1) too. Returns (raw quantities, context for bounds)."""
    t0 = time.perf_counter()
    glass = tls.sample_tls_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], params["J"],
        r_nn=params["r_nn"], r_nn_convention=params["r_nn_convention"],
        tunneling_range=(params["tunneling_min"], params["tunneling_max"]),
        dtype=np.float64 if with_b1 else np.float32, density=params["density"],
    )
    t1 = time.perf_counter()
    res = tls.solve_tls_mean_field(
        glass, params["T"], prefactor=params["prefactor"], field=params["field"],
        rng=np.random.default_rng(order_ss), tol=params["tol"], anneal_from=params["anneal_from"],
    )
    t2 = time.perf_counter()
    E = tls.tls_energies(res.x, glass.tunneling)
    rates = tls.tls_relaxation_rates(E, glass.tunneling, params["T"])
    timings.update(sample=t1 - t0, solve=t2 - t1)
    raw = {"solver": res, "energies": E, "rates": rates}
    context = {"glass": glass}
    if with_b1:
        # the general (balancing) solver on A, not the symmetric one on its similar matrix: A is
        # graded over 12 decades (Delta_0^2) and balancing resolves its lowest rates ~40 times
        # below eps * max(lambda), where the symmetric solver's noise sits (App. B is about them)
        A = tls.tls_rate_matrix(glass.couplings, res.x, glass.tunneling, params["T"],
                                prefactor=params["prefactor"], convention=params["convention"])
        raw["b1_rates"] = tls.tls_rate_spectrum(A)
        context["b1_matrix"] = A
        timings.update(spectrum=time.perf_counter() - t2)
    return raw, context


def eg_realization(params, sample_ss, order_ss, timings):
    """Electron glass: sample, solve Eq. (20) at half filling; with ``xi`` the spectrum of
    Eq. (23) without its interaction term, unresolved modes dropped."""
    t0 = time.perf_counter()
    glass = electron_glass.sample_electron_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], r_nn=params["r_nn"],
        r_nn_convention=params["r_nn_convention"],
        dtype=np.float32 if params["N"] > EG_FLOAT32_ABOVE else np.float64,
        density=params["density"],
    )
    t1 = time.perf_counter()
    res = electron_glass.solve_eg_mean_field(
        glass, params["T"], params["J"], rng=np.random.default_rng(order_ss), tol=params["tol"],
        anneal_from=params["anneal_from"],
    )
    t2 = time.perf_counter()
    raw = {"solver": res, "energies": res.x - res.mu}
    context = {"glass": glass}
    timings.update(sample=t1 - t0, solve=t2 - t1)
    if params["xi"] is not None:
        r = glass.distances()
        S = electron_glass.eg_symmetrized_rate_matrix(raw["energies"], r, params["T"],
                                                      params["xi"])
        raw["spectrum"] = electron_glass.relaxation_spectrum(S)
        raw["rates"] = electron_glass.drop_unresolved(raw["spectrum"])
        context.update(distances=r, matrix=S)
        timings.update(spectrum=time.perf_counter() - t2)
    return raw, context


def eg_distance_realization(params, sample_ss, timings):
    """Fig. 16: the spectrum of ``exp(-r_ij/xi)`` and the nearest-neighbour distances."""
    t0 = time.perf_counter()
    N = params["N"]
    L = geometry.box_side(N, 2, params["r_nn"], params["r_nn_convention"], params["density"])
    positions = geometry.sample_sites(np.random.default_rng(sample_ss), N, 2, L)
    r = geometry.minimum_image_distances(positions, L)
    A = electron_glass.distance_rate_matrix(r, params["xi"])
    spectrum = electron_glass.relaxation_spectrum(-A)
    raw = {"spectrum": spectrum, "rates": electron_glass.drop_unresolved(spectrum),
           "nn": geometry.nearest_neighbour_distances(positions, L) / params["r_nn"]}
    timings.update(spectrum=time.perf_counter() - t0)
    return raw, {"positions": positions, "L": L, "distances": r, "matrix": -A}


# --------------------------------------------------------------------------- memory


def estimate_memory(model: str, params: dict) -> int:
    """Peak memory (bytes) of one realization: its N x N matrices and the eigensolver's copy.

    Counted from the code: the TLS coupling matrix (float32; float64 for ``tls_b1``, plus the
    B1 matrix, LAPACK's copy and its Hessenberg workspace); the electron glass's Coulomb kernel
    (float64, float32 above ``EG_FLOAT32_ABOVE`` sites) and, with ``xi``, the distance matrix, the
    rate matrix and about four N x N temporaries of its construction, plus LAPACK's copy; Fig. 16's
    distances, matrix and two temporaries. A fixed 800 MB covers the interpreter, the libraries
    and numba's compiler on a first run (measured: 190 MB warm, up to 760 MB compiling).
    """
    params = resolve_params(model, params)
    n2 = float(params["N"]) ** 2
    if model == "tls":
        matrices = 4 * n2
    elif model == "tls_b1":
        matrices = 5 * 8 * n2
    elif model == "eg":
        kernel = (4 if params["N"] > EG_FLOAT32_ABOVE else 8) * n2
        matrices = kernel + (7 * 8 * n2 if params["xi"] is not None else 0)
    else:
        matrices = 5 * 8 * n2
    return int(matrices + 800e6)


# --------------------------------------------------------------------------- entry points


@dataclass
class Realization:
    """One computed realization: its stored ``summary``, its ``raw`` quantities (energies,
    rates, spectra, the solver result) and, with ``keep_context``, what the error bounds of
    :mod:`glasslib.error_bounds` need (the sampled glass, the matrices)."""

    model: str
    params: dict
    summary: dict
    raw: dict
    timings: dict
    context: dict = field(default_factory=dict)


def compute_realization(model: str, params: dict, seed: int, index: int, *,
                        keep_context: bool = False) -> Realization:
    """Compute realization ``index`` of the ensemble ``(model, params, seed)``.

    Runs on one thread (BLAS and numba pinned), so that parallel workers do not fight over cores
    and the numbers do not depend on the worker layout.
    """
    params, sample_ss, order_ss = prepare_realization(model, params, seed, index)
    timings: dict = {}
    started = time.perf_counter()
    saved = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        with threadpool_limits(limits=1):
            if model in ("tls", "tls_b1"):
                raw, context = tls_realization(params, sample_ss, order_ss, timings,
                                               with_b1=model == "tls_b1")
            elif model == "eg":
                raw, context = eg_realization(params, sample_ss, order_ss, timings)
            else:
                raw, context = eg_distance_realization(params, sample_ss, timings)
            summary = summarize_fields(model, params, raw)
    finally:
        numba.set_num_threads(saved)
    timings["total"] = time.perf_counter() - started
    return Realization(model, params, summary, raw, timings, context if keep_context else {})


def run_realization(model: str, params: dict, seed: int, index: int) -> dict:
    """The stored summary of realization ``index`` plus ``seconds_*`` timings."""
    real = compute_realization(model, params, seed, index)
    return {**real.summary, **{f"seconds_{k}": np.float64(v) for k, v in real.timings.items()}}
