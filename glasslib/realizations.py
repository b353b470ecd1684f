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
from typing import ClassVar

import numba
import numpy as np
import scipy.linalg
from scipy.special import expit
from threadpoolctl import threadpool_limits

from . import analysis, electron_glass, geometry, mean_field, monte_carlo, tls
from ._validation import check_choice, check_int, check_real, check_symmetric

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
MODEL_VERSIONS = {"tls": "2", "tls_b1": "2", "eg": "2", "eg_distance": "2",
                  "tls_mc": "1", "eg_mc": "1", "tls_kmc": "1", "eg_kmc": "1"}

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
#: Monte Carlo (glasslib.monte_carlo): ``temperatures`` are the anchors of the replica-exchange
#: ladder (geometric in between, ratio <= ``ladder_ratio``); each anchor is sampled and solved
#: in mean field on the same realization
DEFAULTS["tls_mc"] = dict(N=1000, W=1.0, J=1.0, temperatures=[0.05, 0.1, 1.0, 2.0],
                          ladder_ratio=1.25, sweeps=2000, burn_in=1000, sample_every=50,
                          pair_moves=True,
                          r_nn=1.0, r_nn_convention="lattice", prefactor="paper",
                          tunneling_min=1e-7, tunneling_max=1e-1, tol=1e-8, density=None)
DEFAULTS["eg_mc"] = dict(N=1000, W=1.0, J=1.0, temperatures=[0.05, 0.1, 0.2, 0.5],
                         ladder_ratio=1.25, sweeps=2000, burn_in=1000, sample_every=50,
                         r_nn=1.0, r_nn_convention="lattice", tol=1e-8, density=None)
#: kinetic Monte Carlo: equilibrate in a uniform field step ``field_step`` (units of T) by replica
#: exchange up to ``ladder_top`` (units of the energy scale sqrt(W^2 + J^2)), remove it at t = 0
DEFAULTS["tls_kmc"] = dict(N=1000, W=1.0, J=1.0, T=0.1, field_step=1.0, trajectories=8,
                           ladder_ratio=1.25, ladder_top=2.0, burn_in=500, sample_every=50,
                           r_nn=1.0, r_nn_convention="lattice", prefactor="paper",
                           tunneling_min=1e-7, tunneling_max=1e-1, tol=1e-8, density=None)
#: electron-glass kinetic Monte Carlo: equilibrate in the square-wave potential ``-field_step T
#: s_i`` (``s_i = sgn cos(2 pi x_i / L)``), remove it at t = 0; hops only between sites closer
#: than ``hop_cutoff`` (units of r_nn; see glasslib.monte_carlo)
DEFAULTS["eg_kmc"] = dict(N=300, W=1.0, J=1.0, T=0.1, xi=0.1, field_step=1.0, trajectories=4,
                          hop_cutoff=1.5, ladder_ratio=1.25, ladder_top=2.0, burn_in=500,
                          sample_every=50, r_nn=1.0, r_nn_convention="lattice", tol=1e-8,
                          density=None)

#: log10(rate) bin edges shared by every model (0.05 decade)
RATE_EDGES = np.round(np.arange(-45.0, 10.0 + 1e-9, 0.05), 10)
#: log10|E| bin edges (0.05 decade) for the shape of the gap
LOG_ABS_E_EDGES = np.round(np.arange(-8.0, 4.0 + 1e-9, 0.05), 10)
#: times of the relaxation curve |delta sigma|(t) / N (Eq. 15), log-spaced
TIMES = np.logspace(-3, 22, 126)
#: times of the kinetic Monte Carlo relaxation (units of 1/a, a = 1 in Eq. 10)
KMC_TIMES = np.logspace(-1, 6, 36)
#: times of the electron glass's kinetic Monte Carlo (units of 1/Gamma^0, Eq. 21): every hop
#: costs O(pairs) and the close pairs hop ~10 times per unit time (N = 300), so the window stops
#: at 10^4
EG_KMC_TIMES = np.logspace(-1, 4, 26)
#: nearest-neighbour distance bins (units of r_nn) for the Eq. (A1) check
NN_EDGES = np.linspace(0.0, 3.0, 121)
#: linear energy bins: this many per unit of the energy scale sqrt(W^2 + J^2)
ENERGY_BINS_PER_SCALE = 40
ENERGY_RANGE_IN_SCALES = 8
#: the electron glass stores its Coulomb kernel in float32 above this size (memory)
EG_FLOAT32_ABOVE = 4000


#: the Monte Carlo models (glasslib.monte_carlo)
MC_MODELS = ("tls_mc", "eg_mc", "tls_kmc", "eg_kmc")
#: the kinetic ones
KMC_MODELS = ("tls_kmc", "eg_kmc")


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
    if model in MC_MODELS:
        _check_mc_params(model, out)
    return out


def _check_mc_params(model: str, out: dict) -> None:
    """Clear errors for the Monte Carlo models' schedule parameters."""
    if model not in KMC_MODELS:
        temps = out["temperatures"]
        if not isinstance(temps, (list, tuple)) or len(temps) < 1:
            raise ValueError(f"temperatures must be a non-empty list, got {temps!r}")
        out["temperatures"] = [check_real("temperatures[]", t, positive=True) for t in temps]
        if out["temperatures"] != sorted(set(out["temperatures"])):
            raise ValueError(f"temperatures must be ascending and distinct, got {temps!r}")
        out["sweeps"] = check_int("sweeps", out["sweeps"], minimum=1)
        if not 0 <= out["burn_in"] < out["sweeps"]:
            raise ValueError(f"burn_in must lie in [0, sweeps), got {out['burn_in']!r}")
    else:
        out["trajectories"] = check_int("trajectories", out["trajectories"], minimum=1)
        out["field_step"] = check_real("field_step", out["field_step"])
        out["ladder_top"] = check_real("ladder_top", out["ladder_top"], positive=True)
    if model == "eg_kmc":
        out["hop_cutoff"] = check_real("hop_cutoff", out["hop_cutoff"], positive=True)
        out["xi"] = check_real("xi", out["xi"], positive=True)
    out["burn_in"] = check_int("burn_in", out["burn_in"], minimum=0)
    out["sample_every"] = check_int("sample_every", out["sample_every"], minimum=1)
    if check_real("ladder_ratio", out["ladder_ratio"], positive=True) <= 1.0:
        raise ValueError(f"ladder_ratio must exceed 1, got {out['ladder_ratio']!r}")
    if model == "tls_mc" and not isinstance(out["pair_moves"], bool):
        raise TypeError(f"pair_moves must be True or False, got {out['pair_moves']!r}")
    if model in ("eg_mc", "eg_kmc") and out["N"] % 2:
        raise ValueError(f"the electron glass is half filled: N must be even, got {out['N']}")
    if model in ("tls_mc", "tls_kmc") and isinstance(out["prefactor"], str):
        check_choice("prefactor", out["prefactor"], tls.SCE_PREFACTORS)


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
    if model == "tls_kmc":
        return {"kmc_times": KMC_TIMES, "rate_edges": RATE_EDGES}
    if model == "eg_kmc":
        return {"kmc_times": EG_KMC_TIMES, "rate_edges": RATE_EDGES}
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


@dataclass(frozen=True)
class StackedHistogramField:
    """One histogram per entry of the list ``raw[source]`` (e.g. per ladder temperature), stacked
    into a 2-D count array: :class:`HistogramField` row by row."""

    source: str
    axis: str
    transform: str

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        one = HistogramField(self.source, self.axis, self.transform)
        rows = [one.compute(name, {self.source: v}, ax)[name] for v in raw[self.source]]
        return {name: np.stack(rows).astype(np.int32)}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class _RawField:
    """A raw quantity stored as it is (as ``dtype``, if set); the subclasses differ in how the
    comparator checks it."""

    source: str
    dtype: ClassVar = None

    def compute(self, name: str, raw: dict, ax: dict) -> dict:
        return {name: np.asarray(raw[self.source], self.dtype)}

    def names(self, name):
        return [name]


@dataclass(frozen=True)
class ExactField(_RawField):
    """An integer quantity of a Monte Carlo trajectory (counts, sums of signs, digests): equal
    trajectories give equal values on every platform, so it must match exactly."""

    dtype: ClassVar = np.int64


@dataclass(frozen=True)
class BoundedField(_RawField):
    """A float quantity stored as computed; it must lie within the interval
    :func:`glasslib.error_bounds.raw_intervals` derives for ``raw[source]``."""

    dtype: ClassVar = np.float64


@dataclass(frozen=True)
class PathField(_RawField):
    """A diagnostic of the mean-field solves inside a Monte Carlo model (digests, iteration and
    update counts, residuals, one per solve): it selects the solver bound, as
    :class:`SolverField` and :class:`DigestField` do, and is not compared itself."""


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
_MF_PATH_FIELDS = {f"mf_{name}": PathField(f"mf_{name}")
                   for name in ("digests", "iterations", "site_updates", "residuals")}
_MC_FIELDS = {
    **{f"{start}_{kind}": StackedHistogramField(f"{start}_energies", axis, transform)
       for start in ("mc", "cold", "mf")
       for kind, axis, transform in (("energy_counts", "energy_edges", "identity"),
                                     ("log_abs_energy_counts", "log_abs_energy_edges",
                                      "log10abs"))},
    "mc_trace": BoundedField("mc_trace"), "cold_trace": BoundedField("cold_trace"),
    "trace_sweeps": ExactField("trace_sweeps"), "ladder": BoundedField("ladder"),
    "mc_digests": ExactField("mc_digests"), "mc_accepted": ExactField("mc_accepted"),
    "mc_swaps": ExactField("mc_swaps"), **_MF_PATH_FIELDS,
}
FIELDS["tls_mc"] = dict(_MC_FIELDS)
FIELDS["eg_mc"] = dict(_MC_FIELDS)
FIELDS["tls_kmc"] = {
    "kmc_relaxed_sum": ExactField("kmc_relaxed_sum"), "kmc_events": ExactField("kmc_events"),
    "mc_P_field_sum": ExactField("mc_P_field_sum"), "mc_P_zero_sum": ExactField("mc_P_zero_sum"),
    "mc_digests": ExactField("mc_digests"), "mf_delta_P0": BoundedField("mf_delta_P0"),
    "mf_relaxed": BoundedField("mf_relaxed"),
    "mf_rate_counts": HistogramField("mf_rates", "rate_edges", "log10",
                                     outside="mf_rate_outside", nonpositive="mf_rate_nonpositive"),
    **_MF_PATH_FIELDS,
}
FIELDS["eg_kmc"] = {**FIELDS["tls_kmc"], "kmc_missed": BoundedField("kmc_missed")}
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
        # from the sites in one compiled pass: no distance matrix, no N x N temporaries (the
        # error bounds recompute the distances when they need them)
        S = electron_glass.eg_symmetrized_rate_matrix_from_sites(
            glass.positions, glass.L, raw["energies"], params["T"], params["xi"])
        t3 = time.perf_counter()
        raw["spectrum"] = electron_glass.relaxation_spectrum(S)
        raw["rates"] = electron_glass.drop_unresolved(raw["spectrum"])
        context.update(matrix=S)
        timings.update(matrix=t3 - t2, spectrum=time.perf_counter() - t3)
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


def _mf_paths(results) -> dict:
    return {"mf_digests": np.array([solution_digest(r) for r in results], np.int64),
            "mf_iterations": np.array([r.iterations for r in results], np.int64),
            "mf_site_updates": np.array([r.site_updates for r in results], np.int64),
            "mf_residuals": np.array([r.residual for r in results], np.float64)}


def _mc_schedule(params, anchors):
    ladder = monte_carlo.temperature_ladder(anchors, params["ladder_ratio"])
    targets = [int(np.argmin(np.abs(ladder - T))) for T in anchors]
    return ladder, targets


def _sample_tls(params, sample_ss, dtype=np.float32):
    return tls.sample_tls_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], params["J"],
        r_nn=params["r_nn"], r_nn_convention=params["r_nn_convention"],
        tunneling_range=(params["tunneling_min"], params["tunneling_max"]), dtype=dtype,
        density=params["density"],
    )


def tls_mc_realization(params, sample_ss, order_ss, timings):
    """TLS glass beyond mean field: the same sample as ``tls``; at every anchor temperature the
    mean-field solution (Eq. 4, quench) and replica-exchange Monte Carlo of its Ising
    Hamiltonian from a hot (random) and a cold (mean-field signs at the lowest anchor) start."""
    t0 = time.perf_counter()
    glass = _sample_tls(params, sample_ss)
    ts = time.perf_counter()
    anchors = [float(T) for T in params["temperatures"]]
    ladder, targets = _mc_schedule(params, anchors)
    solver_ss, hot_ss, cold_ss = order_ss.spawn(3)
    c = tls.SCE_PREFACTORS.get(params["prefactor"], params["prefactor"]) if isinstance(
        params["prefactor"], str) else float(params["prefactor"])
    results = [tls.solve_tls_mean_field(glass, T, prefactor=params["prefactor"],
                                        rng=np.random.default_rng(solver_ss), tol=params["tol"])
               for T in anchors]
    t1 = time.perf_counter()
    run = dict(rng=None, sweeps=params["sweeps"], burn_in=params["burn_in"],
               sample_every=params["sample_every"], targets=targets,
               pair_moves=bool(params["pair_moves"]))
    args = (glass.couplings, glass.asymmetry, glass.tunneling, c, ladder)
    hot = monte_carlo.tls_parallel_tempering(*args, **dict(run, rng=np.random.default_rng(hot_ss)))
    cold = monte_carlo.tls_parallel_tempering(
        *args, **dict(run, rng=np.random.default_rng(cold_ss),
                      start=np.where(results[0].x >= 0, -1.0, 1.0)))
    timings.update(sample=ts - t0, solve=t1 - ts, mc=time.perf_counter() - t1)
    raw = {
        "mc_energies": [hot["energies"][t].ravel() for t in targets],
        "cold_energies": [cold["energies"][t].ravel() for t in targets],
        "mf_energies": [tls.tls_energies(r.x, glass.tunneling) for r in results],
        "mc_trace": hot["trace"], "cold_trace": cold["trace"], "trace_sweeps": hot["trace_sweeps"],
        "ladder": ladder, "mc_digests": np.array([hot["digest"], cold["digest"]], np.int64),
        "mc_accepted": np.stack([hot["accepted"], cold["accepted"]]),
        "mc_swaps": np.stack([hot["swaps"], cold["swaps"]]), **_mf_paths(results),
    }
    return raw, {"glass": glass, "solvers": results, "c": c, "hot": hot, "cold": cold,
                 "targets": targets}


def eg_mc_realization(params, sample_ss, order_ss, timings):
    """Electron glass beyond mean field: the same sample as ``eg``; at every anchor temperature
    the mean-field solution (Eq. 20, half filling, quench) and replica-exchange Monte Carlo of
    Eq. (19) from a hot (random half filling) and a cold (mean-field occupations at the lowest
    anchor, half filled by rank) start."""
    t0 = time.perf_counter()
    glass = electron_glass.sample_electron_glass(
        np.random.default_rng(sample_ss), params["N"], params["W"], r_nn=params["r_nn"],
        r_nn_convention=params["r_nn_convention"],
        dtype=np.float32 if params["N"] > EG_FLOAT32_ABOVE else np.float64,
        density=params["density"],
    )
    ts = time.perf_counter()
    anchors = [float(T) for T in params["temperatures"]]
    ladder, targets = _mc_schedule(params, anchors)
    solver_ss, hot_ss, cold_ss = order_ss.spawn(3)
    results = [electron_glass.solve_eg_mean_field(glass, T, params["J"],
                                                  rng=np.random.default_rng(solver_ss),
                                                  tol=params["tol"]) for T in anchors]
    t1 = time.perf_counter()
    N = params["N"]
    n0 = np.zeros(N, np.int8)
    n0[np.argsort(results[0].x - results[0].mu, kind="stable")[: N // 2]] = 1
    run = dict(sweeps=params["sweeps"], burn_in=params["burn_in"],
               sample_every=params["sample_every"], targets=targets)
    args = (glass.inverse_distances, glass.site_energies, params["J"], ladder)
    hot = monte_carlo.eg_parallel_tempering(*args, rng=np.random.default_rng(hot_ss), **run)
    cold = monte_carlo.eg_parallel_tempering(*args, rng=np.random.default_rng(cold_ss),
                                             start=n0, **run)
    timings.update(sample=ts - t0, solve=t1 - ts, mc=time.perf_counter() - t1)
    raw = {
        "mc_energies": [hot["energies"][t].ravel() for t in targets],
        "cold_energies": [cold["energies"][t].ravel() for t in targets],
        "mf_energies": [r.x - r.mu for r in results],
        "mc_trace": hot["trace"], "cold_trace": cold["trace"], "trace_sweeps": hot["trace_sweeps"],
        "ladder": ladder, "mc_digests": np.array([hot["digest"], cold["digest"]], np.int64),
        "mc_accepted": np.stack([hot["accepted"], cold["accepted"]]),
        "mc_swaps": np.stack([hot["swaps"], cold["swaps"]]), **_mf_paths(results),
    }
    return raw, {"glass": glass, "solvers": results, "hot": hot, "cold": cold,
                 "targets": targets}


def ising_rates(x, tunneling, T):
    """Eq. (12) in the Ising limit of the kinetic Monte Carlo: ``Delta_0^2 |x| coth(|x|/2T)``
    (``a = 1``), i.e. the sum of its up and down flip rates at the field ``x``."""
    return np.asarray(tunneling, float) ** 2 * tls._x_coth_half(np.abs(np.asarray(x, float)), T)


def tls_kmc_realization(params, sample_ss, order_ss, timings):
    """TLS-glass relaxation by kinetic Monte Carlo, and its mean-field prediction.

    Equilibrate ``H_c`` in a uniform field step (``Delta_i -> Delta_i - field_step T``, which
    raises ``<sigma_i>``) by replica exchange on a ladder from ``T`` to ``ladder_top`` energy
    scales; ``trajectories`` snapshots ``sample_every`` sweeps apart start kinetic Monte Carlo
    runs at ``T`` with the field removed; ``P(t) - P(0)`` is summed over them on ``KMC_TIMES``.
    An equal run without the field gives the equilibrium polarization. Mean field on the same
    sample: ``c_i = <sigma_i>_field - <sigma_i>_0`` from two solves of Eq. (4) and
    ``sum_i c_i (exp(-lambda_i t) - 1)`` with the Ising-limit rates :func:`ising_rates` (the
    field's solve is warm-started from the zero-field solution, so both describe one state)."""
    t0 = time.perf_counter()
    glass = _sample_tls(params, sample_ss)
    ts = time.perf_counter()
    T = params["T"]
    step = params["field_step"] * T
    top = params["ladder_top"] * float(np.hypot(params["W"], params["J"]))
    ladder = monte_carlo.temperature_ladder([T, max(top, T * params["ladder_ratio"])],
                                            params["ladder_ratio"])
    solver_ss, field_ss, zero_ss, kmc_ss = order_ss.spawn(4)
    c = tls.SCE_PREFACTORS.get(params["prefactor"], params["prefactor"]) if isinstance(
        params["prefactor"], str) else float(params["prefactor"])
    shifted = tls.TLSGlass(glass.positions, glass.L, glass.asymmetry - step, glass.tunneling,
                           glass.couplings, glass.W, glass.J)
    res0 = tls.solve_tls_mean_field(glass, T, prefactor=params["prefactor"],
                                    rng=np.random.default_rng(solver_ss), tol=params["tol"])
    # the field's solution is continued from the zero-field one (warm start): linear response
    # around the same mean-field state, not a second, independently selected solution
    resh = mean_field.solve_fixed_point(glass.couplings, shifted.asymmetry, c, T,
                                        rng=np.random.default_rng(solver_ss), tol=params["tol"],
                                        x0=res0.x - step)
    t1 = time.perf_counter()
    K = params["trajectories"]
    sweeps = params["burn_in"] + K * params["sample_every"]
    run = dict(sweeps=sweeps, burn_in=params["burn_in"], sample_every=params["sample_every"],
               targets=[0], keep_signs=True)
    pf = monte_carlo.tls_parallel_tempering(glass.couplings, shifted.asymmetry, glass.tunneling,
                                            c, ladder, rng=np.random.default_rng(field_ss), **run)
    p0 = monte_carlo.tls_parallel_tempering(glass.couplings, glass.asymmetry, glass.tunneling,
                                            c, ladder, rng=np.random.default_rng(zero_ss), **run)
    t2 = time.perf_counter()
    relaxed = np.zeros(KMC_TIMES.size, np.int64)
    events = []
    digests = [pf["digest"], p0["digest"]]
    for k, ss in enumerate(kmc_ss.spawn(K)):
        s0 = pf["signs"][0][k]
        out = monte_carlo.tls_kmc(glass.couplings, glass.asymmetry, glass.tunneling, c, T, s0,
                                  KMC_TIMES, rng=np.random.default_rng(ss))
        relaxed += out["P"] - int(np.sum(s0))
        events.append(out["events"])
        digests.append(out["digest"])
    timings.update(sample=ts - t0, solve=t1 - ts, mc=t2 - t1, kmc=time.perf_counter() - t2)
    ci = np.tanh(res0.x / (2 * T)) - np.tanh(resh.x / (2 * T))
    lam = ising_rates(res0.x, glass.tunneling, T)
    curve = analysis.relaxation_curve(lam, KMC_TIMES, ci) - float(np.sum(ci))
    raw = {
        "kmc_relaxed_sum": relaxed, "kmc_events": np.array(events, np.int64),
        "mc_P_field_sum": np.int64(np.sum(pf["polarization"][0])),
        "mc_P_zero_sum": np.int64(np.sum(p0["polarization"][0])),
        "mc_digests": np.array(digests, np.int64),
        "mf_delta_P0": np.float64(np.sum(ci) / params["N"]),
        "mf_relaxed": curve / params["N"], "mf_rates": lam, **_mf_paths([res0, resh]),
    }
    return raw, {"glass": glass, "shifted": shifted, "solvers": [res0, resh], "c": c,
                 "ci": ci, "rates": lam}


def square_wave(positions, L: float) -> np.ndarray:
    """``s_i = sgn cos(2 pi x_i / L)`` (+1 where the cosine is >= 0): the electron glass's
    dipole pattern, periodic in the box (two flat halves, no wrap-around jump)."""
    return np.where(np.cos(2.0 * np.pi * np.asarray(positions, float)[:, 0] / L) >= 0.0,
                    1, -1).astype(np.int64)


def _fermi_difference(x_to, x_from, T):
    """``f(x_to) - f(x_from)`` with ``f(x) = 1/(e^{x/T} + 1)``, each side in the form that
    keeps its relative precision: ``expit(-x)`` for ``x >= 0`` (small ``f``), ``1 - f =
    expit(x)`` for ``x < 0``."""
    up = x_from >= 0
    a = np.where(up, expit(-x_to / T), expit(x_from / T))
    b = np.where(up, expit(-x_from / T), expit(x_to / T))
    return a - b


#: sites whose ``D = n (1 - n)`` is below this are frozen in the mean-field prediction: their
#: ``dn / sqrt(D)`` and ``sqrt(D)`` are below 1e-140 (see :func:`_symmetrized_response`)
FROZEN_D = 1e-300


def _symmetrized_response(E0, dn0, s, T):
    """``u = sqrt(D) s`` and ``y0 = dn0 / sqrt(D)`` of the symmetrized propagation, zero where
    ``D < FROZEN_D`` (there ``D`` may underflow; ``|dn0| <= D e^{|dE|/T} |dE|/T``, so both
    vanish to below 1e-140 for any energy shift ``|dE| < 100 T``)."""
    D = electron_glass.occupation_variance(E0, T)
    live = D >= FROZEN_D
    root = np.sqrt(np.where(live, D, 1.0))
    return np.where(live, root * s, 0.0), np.where(live, dn0 / root, 0.0)


def eg_kmc_realization(params, sample_ss, order_ss, timings):
    """Electron-glass relaxation by kinetic Monte Carlo (Eq. 21 hops), and its mean-field
    prediction (Eq. 23 without its interaction term, as Figs. 9-13).

    The perturbation is the square-wave potential ``-F s_i`` (:func:`square_wave`, ``F =
    field_step T``), which pulls electrons to the ``s = +1`` half; the observable is the dipole
    ``M = sum_i s_i n_i`` (an integer). Equilibrate in the potential by replica exchange on a
    ladder from ``T`` to ``ladder_top`` energy scales; ``trajectories`` snapshots start KMC runs
    at ``T`` without it; ``M(t) - M(0)`` is summed over them on ``EG_KMC_TIMES``. An equal run
    without the potential gives the equilibrium ``M``. Mean field on the same sample: ``dn_i(0)
    = f(E^F_i) - f(E^0_i)`` from two solves of Eq. (20) (the potential's warm-started from the
    zero one), propagated by ``dn(t) = D^{1/2} exp(-S t) D^{-1/2} dn(0)`` with ``S`` the
    symmetrized Eq. (23) at the zero-field energies; ``sum_i s_i (dn_i(t) - dn_i(0))``."""
    t0 = time.perf_counter()
    N = params["N"]
    glass = electron_glass.sample_electron_glass(
        np.random.default_rng(sample_ss), N, params["W"], r_nn=params["r_nn"],
        r_nn_convention=params["r_nn_convention"],
        dtype=np.float32 if N > EG_FLOAT32_ABOVE else np.float64, density=params["density"],
    )
    ts = time.perf_counter()
    T, J, xi = params["T"], params["J"], params["xi"]
    F = params["field_step"] * T
    s = square_wave(glass.positions, glass.L)
    shifted = glass.site_energies - F * s
    top = params["ladder_top"] * float(np.hypot(params["W"], J))
    ladder = monte_carlo.temperature_ladder([T, max(top, T * params["ladder_ratio"])],
                                            params["ladder_ratio"])
    solver_ss, field_ss, zero_ss, kmc_ss = order_ss.spawn(4)
    res0 = electron_glass.solve_eg_mean_field(glass, T, J, rng=np.random.default_rng(solver_ss),
                                              tol=params["tol"])
    resh = mean_field.solve_fixed_point(glass.inverse_distances, shifted, -0.5 * J, T,
                                        half_filling=True, rng=np.random.default_rng(solver_ss),
                                        tol=params["tol"], x0=res0.x - F * s)
    r = glass.distances()
    E0 = res0.x - res0.mu
    S = electron_glass.eg_symmetrized_rate_matrix(E0, r, T, xi)
    check_symmetric("S", S)
    lam, V = scipy.linalg.eigh(S, check_finite=False)
    t1 = time.perf_counter()
    K = params["trajectories"]
    sweeps = params["burn_in"] + K * params["sample_every"]
    run = dict(sweeps=sweeps, burn_in=params["burn_in"], sample_every=params["sample_every"],
               targets=[0], keep_occupations=True)
    pf = monte_carlo.eg_parallel_tempering(glass.inverse_distances, shifted, J, ladder,
                                           rng=np.random.default_rng(field_ss), **run)
    p0 = monte_carlo.eg_parallel_tempering(glass.inverse_distances, glass.site_energies, J,
                                           ladder, rng=np.random.default_rng(zero_ss), **run)
    t2 = time.perf_counter()
    pairs = monte_carlo.eg_pair_list(r, xi, params["hop_cutoff"])
    far = np.nonzero(np.triu(r >= params["hop_cutoff"], k=1))
    far_w = np.exp(-r[far] / xi)
    relaxed = np.zeros(EG_KMC_TIMES.size, np.int64)
    events, missed = [], 0.0
    digests = [pf["digest"], p0["digest"]]
    for k, ss in enumerate(kmc_ss.spawn(K)):
        n0 = pf["samples"][0][k]
        missed += EG_KMC_TIMES[-1] * float(np.sum(monte_carlo.eg_hop_rates(
            glass.inverse_distances, glass.site_energies, J, T, n0, far[0], far[1], far_w)))
        out = monte_carlo.eg_kmc(glass.inverse_distances, glass.site_energies, J, T, n0, pairs,
                                 EG_KMC_TIMES, rng=np.random.default_rng(ss))
        relaxed += out["snapshots"].astype(np.int64) @ s - int(n0.astype(np.int64) @ s)
        events.append(out["events"])
        digests.append(out["digest"])
    timings.update(sample=ts - t0, solve=t1 - ts, mc=t2 - t1, kmc=time.perf_counter() - t2)
    dn0 = _fermi_difference(resh.x - resh.mu, E0, T)
    u, y0 = _symmetrized_response(E0, dn0, s, T)
    left = u @ V  # u^T V
    right = V.T @ y0  # V^T y0
    curve = np.expm1(-np.outer(EG_KMC_TIMES, lam)) @ (left * right)
    raw = {
        "kmc_relaxed_sum": relaxed, "kmc_events": np.array(events, np.int64),
        "mc_P_field_sum": np.int64(np.sum(pf["samples"][0].astype(np.int64) @ s)),
        "mc_P_zero_sum": np.int64(np.sum(p0["samples"][0].astype(np.int64) @ s)),
        "mc_digests": np.array(digests, np.int64),
        "mf_delta_P0": np.float64(float(s @ dn0) / N), "mf_relaxed": curve / N,
        "mf_rates": electron_glass.drop_unresolved(lam), "kmc_missed": np.float64(missed / K),
        **_mf_paths([res0, resh]),
    }
    return raw, {"glass": glass, "shifted": shifted, "solvers": [res0, resh], "s": s,
                 "distances": r, "matrix": S, "spectrum": lam, "vectors": V, "dn0": dn0,
                 "far": far, "far_w": far_w, "starts": pf["samples"][0][:K]}


# --------------------------------------------------------------------------- memory


def estimate_memory(model: str, params: dict) -> int:
    """Peak memory (bytes) of one realization: its N x N matrices and the eigensolver's copy.

    Counted from the code: the TLS coupling matrix (float32; float64 for ``tls_b1``, plus the
    B1 matrix, LAPACK's copy and its Hessenberg workspace); the electron glass's Coulomb kernel
    (float64, float32 above ``EG_FLOAT32_ABOVE`` sites) and, with ``xi``, the rate matrix (built
    from the sites without temporaries) and LAPACK's copy; Fig. 16's
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
        # with xi: the symmetrized rate matrix and LAPACK's copy of it
        matrices = kernel + (2 * 8 * n2 if params["xi"] is not None else 0)
    elif model in ("tls_mc", "tls_kmc"):
        matrices = 4 * n2  # the float32 couplings; replicas and samples are O(N R)
    elif model == "eg_mc":
        matrices = (4 if params["N"] > EG_FLOAT32_ABOVE else 8) * n2
    elif model == "eg_kmc":
        # kernel, distances, S, its eigenvectors, LAPACK's copy and ~4 temporaries of S's build
        matrices = 10 * 8 * n2
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
            elif model == "tls_mc":
                raw, context = tls_mc_realization(params, sample_ss, order_ss, timings)
            elif model == "eg_mc":
                raw, context = eg_mc_realization(params, sample_ss, order_ss, timings)
            elif model == "tls_kmc":
                raw, context = tls_kmc_realization(params, sample_ss, order_ss, timings)
            elif model == "eg_kmc":
                raw, context = eg_kmc_realization(params, sample_ss, order_ss, timings)
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
