"""Parameter validation of every public glasslib function.

Each public function is called once with small valid arguments (``BASE``); every bad-input case
overrides one argument and must raise ``ValueError`` or ``TypeError`` with a message naming that
argument: by default the regex ``"<name> must"`` (glasslib's message style), strict enough that
a numpy or scipy message which merely happens to contain the name (scipy's ``"at x=nan"``) does
not count. A bad value must fail at the boundary, not as a NaN, a numpy broadcasting error, a
RuntimeWarning or an AttributeError deep inside a kernel.
"""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import glasslib as gl
from glasslib import analysis, electron_glass, geometry, mean_field, tls

NAN = float("nan")
INF = float("inf")
VE, TE = ValueError, TypeError

# ---------------------------------------------------------------------------------------------
# small valid inputs

N0 = 4
_rng = np.random.default_rng(12345)
L0 = 2.0
POS = _rng.uniform(0.0, L0, size=(N0, 3))
DIST = geometry.minimum_image_distances(POS, L0)
ENERGIES = np.array([-0.7, -0.2, 0.3, 0.9])
TUNNELING = np.array([1e-3, 1e-2, 3e-2, 5e-2])
ASYM = np.array([-0.5, 0.1, 0.4, -0.05])
TLS_GLASS = gl.sample_tls_glass(0, N0, 1.0, 1.0, dtype=np.float64)
EG_GLASS = gl.sample_electron_glass(0, N0, 1.0)
K0 = TLS_GLASS.couplings
A0 = gl.tls_rate_matrix(K0, ASYM, TUNNELING, 1.0)
S0 = gl.eg_symmetrized_rate_matrix(ENERGIES, DIST, 1.0, 1.0)
RATES = np.geomspace(1e-3, 1.0, 40)
EDGES = np.linspace(-3.0, 0.0, 7)
DENSITY = np.array([0.1, 1.0, 1.0, 1.0, 1.0, 0.1])
TIMES = np.array([0.5, 1.0, 2.0])


def _distance_row_blocks(**kwargs):
    # a generator validates on first iteration: consume it
    return list(geometry.distance_row_blocks(**kwargs))


#: name -> (callable, valid keyword arguments)
BASE = {
    "unit_ball_volume": (geometry.unit_ball_volume, dict(d=3)),
    "poisson_mean_nn_distance": (geometry.poisson_mean_nn_distance, dict(density=1.0, d=2)),
    "box_side": (geometry.box_side, dict(N=10, d=2, r_nn=1.0, convention="lattice")),
    "sample_sites": (geometry.sample_sites, dict(rng=0, N=5, d=2, L=1.0)),
    "minimum_image_distances": (geometry.minimum_image_distances, dict(positions=POS, L=L0)),
    "wrap_positions": (geometry.wrap_positions, dict(positions=POS, L=L0)),
    "distance_row_blocks": (_distance_row_blocks, dict(positions=POS, L=L0, block_rows=2)),
    "nearest_neighbour_distances": (
        geometry.nearest_neighbour_distances, dict(positions=POS, L=L0)),
    "sample_tls_glass": (tls.sample_tls_glass, dict(rng=0, N=5, W=1.0, J=1.0)),
    "sample_couplings": (tls.sample_couplings, dict(rng=0, positions=POS, L=L0, U0=1.0)),
    "solve_tls_mean_field": (tls.solve_tls_mean_field, dict(glass=TLS_GLASS, T=0.5)),
    "tls_energies": (tls.tls_energies, dict(asymmetry_mf=ASYM, tunneling=TUNNELING)),
    "tls_relaxation_rates": (
        tls.tls_relaxation_rates, dict(energies=ENERGIES, tunneling=TUNNELING, T=0.5, a=1.0)),
    "tls_rate_matrix": (
        tls.tls_rate_matrix, dict(couplings=K0, asymmetry_mf=ASYM, tunneling=TUNNELING, T=0.5)),
    "tls_symmetrized_rate_matrix": (
        tls.tls_symmetrized_rate_matrix,
        dict(couplings=K0, asymmetry_mf=ASYM, tunneling=TUNNELING, T=0.5)),
    "tls_rate_spectrum": (tls.tls_rate_spectrum, dict(A=A0)),
    "sample_electron_glass": (electron_glass.sample_electron_glass, dict(rng=0, N=5, W=1.0)),
    "coulomb_matrix": (electron_glass.coulomb_matrix, dict(positions=POS, L=L0, r_nn=1.0)),
    "solve_eg_mean_field": (electron_glass.solve_eg_mean_field, dict(glass=EG_GLASS, T=0.5)),
    "occupations": (electron_glass.occupations, dict(energies=ENERGIES, T=0.5)),
    "occupation_variance": (electron_glass.occupation_variance, dict(energies=ENERGIES, T=0.5)),
    "miller_abrahams_rates": (
        electron_glass.miller_abrahams_rates,
        dict(energies=ENERGIES, distances=DIST, T=0.5, xi=1.0)),
    "eg_rate_matrix": (
        electron_glass.eg_rate_matrix, dict(energies=ENERGIES, distances=DIST, T=0.5, xi=1.0)),
    "eg_symmetrized_rate_matrix": (
        electron_glass.eg_symmetrized_rate_matrix,
        dict(energies=ENERGIES, distances=DIST, T=0.5, xi=1.0)),
    "eg_symmetrized_rate_matrix_from_sites": (
        electron_glass.eg_symmetrized_rate_matrix_from_sites,
        dict(positions=POS, L=L0, energies=ENERGIES, T=0.5, xi=1.0)),
    "distance_rate_matrix": (electron_glass.distance_rate_matrix, dict(distances=DIST, xi=1.0)),
    "relaxation_spectrum": (electron_glass.relaxation_spectrum, dict(matrix=S0)),
    "drop_unresolved": (electron_glass.drop_unresolved, dict(rates=RATES)),
    "solve_fixed_point": (
        mean_field.solve_fixed_point, dict(K=K0, b=ASYM, c=0.25, T=0.5, g=TUNNELING)),
    "anneal_ladder": (mean_field.anneal_ladder, dict(T=0.1, anneal_from=1.0, factor=2.0)),
    "half_filling_mu": (mean_field.half_filling_mu, dict(x=ENERGIES, T=0.5)),
    "stability_spectrum": (mean_field.stability_spectrum, dict(K=K0, c=0.25, x=ASYM, T=0.5)),
    "log_histogram": (analysis.log_histogram, dict(values=RATES, edges=EDGES)),
    "plateau_edges": (analysis.plateau_edges, dict(edges=EDGES, density=DENSITY, fraction=0.5)),
    "fit_inverse_lambda": (analysis.fit_inverse_lambda, dict(rates=RATES, lo=1e-3, hi=1.0)),
    "relaxation_curve": (analysis.relaxation_curve, dict(rates=RATES, t=TIMES, chunk=8)),
    "log_relaxation": (analysis.log_relaxation, dict(t=TIMES, lambda_min=1e-3, c=1.0)),
    "exact_log_relaxation": (
        analysis.exact_log_relaxation, dict(t=TIMES, lambda_min=1e-3, lambda_max=1.0)),
    "nearest_neighbour_pdf": (
        analysis.nearest_neighbour_pdf, dict(r=[0.1, 0.5], N=10, L=3.0, d=2)),
    "finite_size_factor": (analysis.finite_size_factor, dict(N=10)),
    "finite_size_log_rate_pdf": (
        analysis.finite_size_log_rate_pdf, dict(x=[0.5, 1.0], N=10, xi=0.5, r_bar=1.0)),
    "rescale_log_rates": (analysis.rescale_log_rates, dict(x=[0.5, 1.0], N=10)),
    "exact_log_relaxation_slope": (
        analysis.exact_log_relaxation_slope, dict(t=TIMES, lambda_min=1e-3, lambda_max=1.0)),
    "nearest_neighbour_cdf": (analysis.nearest_neighbour_cdf, dict(r=[0.1, 0.5], N=10, L=3.0)),
    "nearest_neighbour_mean": (analysis.nearest_neighbour_mean, dict(N=10, L=3.0, d=2)),
    "periodic_nearest_neighbour_cdf": (
        analysis.periodic_nearest_neighbour_cdf, dict(r=[0.1, 0.5], N=10, L=3.0)),
    "distance_variable": (analysis.distance_variable, dict(log10_rate=[-1.0, -3.0])),
    "finite_size_log_rate_peak": (analysis.finite_size_log_rate_peak, dict(N=10, xi=0.1)),
    "inverse_lambda_amplitude": (
        analysis.inverse_lambda_amplitude, dict(fraction=0.5, log10_lo=-3.0, log10_hi=0.0)),
    "noninteracting_abs_energy_cdf": (
        tls.noninteracting_abs_energy_cdf, dict(e=[0.1, 1.0], W=1.0)),
}


def _call(fname, override):
    func, kwargs = BASE[fname]
    return func(**{**kwargs, **override})


# ---------------------------------------------------------------------------------------------
# the table of bad inputs: (function, {argument: bad value}, exception, regex naming the argument)

CASES = []


def bad(fnames, name, values, *, regex=None):
    """Add ``(fname, {name: value}, exc, regex)`` for every function and (value, exc) pair."""
    for fname in fnames.split():
        for value, exc in values:
            CASES.append(pytest.param(
                fname, {name: value}, exc, regex or _names(name),
                id=f"{fname}-{name}={_short(value)}",
            ))


def _names(name):
    """Regex for a message naming ``name`` in glasslib's style: "name must ..." ("name[0] must")."""
    return rf"(?<![\w.]){re.escape(name)}(\[\d+\])? must\b"


def _short(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            return f"array{value.shape}-{value.dtype.kind}"
        return f"array{value.shape}" + ("-nan" if np.isnan(value).any() else "") + (
            "-inf" if np.isinf(value).any() else "")
    if isinstance(value, type):
        return value.__name__
    return repr(value)[:20]


def with_nan(arr, index=1):
    out = np.array(arr, dtype=np.float64)
    out.flat[index] = NAN
    return out


BAD_N = [(1, VE), (0, VE), (-3, VE), (np.int64(1), VE), (10.0, TE), (np.float64(10.0), TE),
         (True, TE), ("10", TE), (None, TE)]
BAD_POSITIVE = [(0.0, VE), (-1.0, VE), (-0.0, VE), (NAN, VE), (INF, VE), (-INF, VE),
                ("1", TE), (None, TE), (True, TE), ([1.0], TE), (1j, TE)]
BAD_NONNEGATIVE = [(-1e-12, VE), (-1.0, VE), (NAN, VE), (INF, VE), ("1", TE), (True, TE)]
BAD_REAL = [(NAN, VE), (INF, VE), ("1", TE), (None, TE), (True, TE)]
BAD_DIM = [(0, VE), (-1, VE), (2.0, TE), (True, TE), ("2", TE)]
BAD_RNG = [(-1, VE), (np.int64(-5), VE), ("abc", TE), (1.5, TE), (True, TE), (None, TE)]
BAD_CHOICE = [("foo", VE), ("", VE), (1, VE), (None, VE)]
STRINGS = ["a", "b", "c", "d"]

# N < 2, N not an int (float, bool, string)
bad("box_side sample_sites sample_tls_glass sample_electron_glass nearest_neighbour_pdf "
    "finite_size_factor finite_size_log_rate_pdf rescale_log_rates", "N", BAD_N)
# temperature: T <= 0, NaN, inf, wrong type
bad("solve_tls_mean_field tls_relaxation_rates tls_rate_matrix tls_symmetrized_rate_matrix "
    "solve_eg_mean_field occupations "
    "occupation_variance miller_abrahams_rates eg_rate_matrix eg_symmetrized_rate_matrix "
    "eg_symmetrized_rate_matrix_from_sites "
    "solve_fixed_point anneal_ladder half_filling_mu stability_spectrum", "T", BAD_POSITIVE)
# widths and length scales
bad("miller_abrahams_rates eg_rate_matrix eg_symmetrized_rate_matrix distance_rate_matrix "
    "eg_symmetrized_rate_matrix_from_sites finite_size_log_rate_pdf", "xi", BAD_POSITIVE)
bad("box_side sample_tls_glass sample_electron_glass coulomb_matrix", "r_nn", BAD_POSITIVE)
bad("sample_sites wrap_positions minimum_image_distances distance_row_blocks "
    "nearest_neighbour_distances eg_symmetrized_rate_matrix_from_sites "
    "sample_couplings coulomb_matrix nearest_neighbour_pdf", "L", BAD_POSITIVE)
bad("sample_tls_glass sample_electron_glass", "W", BAD_NONNEGATIVE)
bad("sample_tls_glass solve_eg_mean_field", "J", BAD_NONNEGATIVE)
bad("sample_couplings", "U0", BAD_NONNEGATIVE)
bad("tls_relaxation_rates tls_rate_matrix tls_symmetrized_rate_matrix", "a", BAD_POSITIVE)
bad("finite_size_log_rate_pdf", "r_bar", BAD_POSITIVE)
bad("poisson_mean_nn_distance", "density", BAD_POSITIVE)
bad("unit_ball_volume poisson_mean_nn_distance box_side sample_sites sample_tls_glass "
    "sample_electron_glass nearest_neighbour_pdf", "d", BAD_DIM)
bad("log_relaxation exact_log_relaxation", "lambda_min", BAD_POSITIVE)
bad("exact_log_relaxation exact_log_relaxation_slope", "lambda_max", BAD_POSITIVE)
bad("exact_log_relaxation_slope", "lambda_min", BAD_POSITIVE)
bad("nearest_neighbour_cdf nearest_neighbour_mean periodic_nearest_neighbour_cdf", "N", BAD_N)
bad("nearest_neighbour_cdf nearest_neighbour_mean periodic_nearest_neighbour_cdf", "L",
    BAD_POSITIVE)
bad("finite_size_log_rate_peak", "xi", BAD_POSITIVE)
bad("finite_size_log_rate_peak", "N", BAD_N)
bad("noninteracting_abs_energy_cdf", "W", BAD_POSITIVE)
bad("inverse_lambda_amplitude", "fraction", [(-0.1, VE), (NAN, VE), ("a", TE)])
CASES.append(pytest.param("inverse_lambda_amplitude", dict(log10_lo=1.0, log10_hi=0.0), VE,
                          "log10_hi must", id="inverse_lambda_amplitude-empty"))
bad("fit_inverse_lambda", "lo", BAD_POSITIVE)
bad("fit_inverse_lambda", "hi", BAD_POSITIVE)
bad("log_relaxation", "c", BAD_REAL)
bad("solve_fixed_point stability_spectrum", "c", BAD_REAL)
bad("stability_spectrum", "mu", BAD_REAL)
bad("stability_spectrum", "K", [(with_nan(K0), VE), (np.zeros((N0, N0 + 1)), VE),
                                (np.zeros(N0), VE)])
bad("stability_spectrum", "x", [(np.zeros(N0 + 1), VE)])
bad("plateau_edges", "fraction", BAD_POSITIVE + [(1.0, VE), (1.5, VE)])
bad("drop_unresolved", "rtol", BAD_NONNEGATIVE)
bad("drop_unresolved", "conservation_modes", [(-1, VE), (1.0, TE), (True, TE)])
bad("relaxation_curve", "chunk", [(0, VE), (8.0, TE)])
bad("distance_row_blocks", "block_rows", [(0, VE), (2.0, TE)])
# solver controls
bad("solve_tls_mean_field solve_eg_mean_field solve_fixed_point", "tol", BAD_POSITIVE)
bad("solve_tls_mean_field solve_eg_mean_field solve_fixed_point", "max_sweeps",
    [(0, VE), (-1, VE), (100.0, TE), (True, TE)])
bad("solve_tls_mean_field solve_eg_mean_field solve_fixed_point", "damping",
    [(-0.1, VE), (1.0, VE), (NAN, VE), ("0", TE)])
bad("solve_tls_mean_field solve_eg_mean_field solve_fixed_point", "anneal_from",
    [(-1.0, VE), (0.0, VE), (NAN, VE)])
bad("solve_fixed_point", "stage_tol", [(0.0, VE), (NAN, VE)])
if "filling_tol" in inspect.signature(mean_field.solve_fixed_point).parameters:
    bad("solve_fixed_point", "filling_tol", [(0.0, VE), (-1.0, VE), (NAN, VE), ("1", TE)])
bad("solve_fixed_point", "anneal_factor", [(1.0, VE), (0.5, VE), (NAN, VE)])
# anneal_ladder's argument is called factor; its message says anneal_factor
bad("anneal_ladder", "factor", [(1.0, VE), (0.5, VE), (NAN, VE)], regex=r"\b(anneal_)?factor must")
# random generators / seeds
bad("sample_sites sample_tls_glass sample_electron_glass sample_couplings solve_tls_mean_field "
    "solve_eg_mean_field solve_fixed_point", "rng", BAD_RNG)
# invalid choices
bad("sample_tls_glass sample_electron_glass", "r_nn_convention", BAD_CHOICE)
# box_side's argument is called convention; its message says r_nn_convention
bad("box_side", "convention", BAD_CHOICE, regex=r"\b(r_nn_)?convention must")
bad("solve_tls_mean_field tls_rate_matrix tls_symmetrized_rate_matrix", "prefactor",
    [("foo", VE), ("Paper", VE), (None, TE), (NAN, VE)])
bad("solve_tls_mean_field", "field", BAD_CHOICE)
bad("solve_tls_mean_field", "anneal_from", [("foo", VE)])
bad("tls_rate_matrix tls_symmetrized_rate_matrix", "convention", BAD_CHOICE)
bad("relaxation_spectrum tls_rate_spectrum", "method", BAD_CHOICE)
bad("solve_tls_mean_field solve_eg_mean_field solve_fixed_point", "on_fail", BAD_CHOICE)
bad("sample_tls_glass sample_electron_glass sample_couplings coulomb_matrix "
    "minimum_image_distances", "dtype", [(np.int32, TE), (np.int64, TE), (np.complex128, TE)])
# a model object of the wrong kind
bad("solve_tls_mean_field", "glass", [(EG_GLASS, TE), ("glass", TE), (None, TE)])
bad("solve_eg_mean_field", "glass", [(TLS_GLASS, TE), ("glass", TE), (None, TE)])
bad("sample_tls_glass", "tunneling_range", [((1e-1, 1e-7), VE), ((1e-3, 1e-3), VE),
                                            (("a", "b"), TE), ((1e-3,), (VE, TE))],
)
bad("sample_tls_glass", "tunneling_range", [((0.0, 1e-1), VE), ((NAN, 1e-1), VE)],
    regex=r"tunneling_range\[0\] must")

# arrays: NaN or inf entries, strings, wrong shapes
ARRAY_ARGS = {
    # argument: (functions, a valid array of that argument)
    "energies": ("tls_relaxation_rates occupations occupation_variance miller_abrahams_rates "
                 "eg_rate_matrix eg_symmetrized_rate_matrix "
                 "eg_symmetrized_rate_matrix_from_sites", ENERGIES),
    "tunneling": ("tls_energies tls_relaxation_rates tls_rate_matrix tls_symmetrized_rate_matrix",
                  TUNNELING),
    "asymmetry_mf": ("tls_energies tls_rate_matrix tls_symmetrized_rate_matrix", ASYM),
    "distances": ("miller_abrahams_rates eg_rate_matrix eg_symmetrized_rate_matrix "
                  "distance_rate_matrix", DIST),
    "positions": ("minimum_image_distances distance_row_blocks nearest_neighbour_distances "
                  "sample_couplings coulomb_matrix eg_symmetrized_rate_matrix_from_sites", POS),
    "couplings": ("tls_rate_matrix tls_symmetrized_rate_matrix", K0),
    "A": ("tls_rate_spectrum", A0),
    "matrix": ("relaxation_spectrum", S0),
    "rates": ("drop_unresolved relaxation_curve fit_inverse_lambda", RATES),
    "values": ("log_histogram", RATES),
    "edges": ("log_histogram plateau_edges", EDGES),
    "density": ("plateau_edges", DENSITY),
    "t": ("relaxation_curve log_relaxation exact_log_relaxation exact_log_relaxation_slope",
          TIMES),
    "r": ("nearest_neighbour_pdf nearest_neighbour_cdf periodic_nearest_neighbour_cdf",
          [0.1, 0.5]),
    "log10_rate": ("distance_variable", [-1.0, -3.0]),
    "x": ("finite_size_log_rate_pdf rescale_log_rates half_filling_mu stability_spectrum",
          ENERGIES),
    "b": ("solve_fixed_point", ASYM),
    "g": ("solve_fixed_point", TUNNELING),
}
for _name, (_fnames, _valid) in ARRAY_ARGS.items():
    _valid = np.asarray(_valid, dtype=np.float64)
    _inf = _valid.copy()
    _inf.flat[0] = INF
    bad(_fnames, _name, [(with_nan(_valid), VE), (_inf, VE),
                         (np.array(STRINGS[: _valid.shape[0]]), TE),
                         (STRINGS[: _valid.shape[0]], TE)])
# solve_fixed_point's couplings argument is called K; its messages say "couplings"
bad("solve_fixed_point", "K", [(with_nan(K0), VE), ([STRINGS] * N0, TE),
                               (np.zeros((N0, N0 + 1)), VE), (np.zeros(N0), VE)],
    regex=r"\b(K|couplings) must")
bad("solve_fixed_point", "x0", [(with_nan(ASYM), VE), (np.zeros(N0 + 1), VE)])
bad("solve_fixed_point", "g", [(np.ones(N0 + 1), VE)])
# wrong shapes
bad("tls_rate_matrix tls_symmetrized_rate_matrix", "couplings",
    [(np.zeros((N0, N0 + 1)), VE), (np.zeros(N0), VE), (np.zeros((N0 - 1, N0 - 1)), VE)])
bad("tls_rate_matrix tls_symmetrized_rate_matrix", "tunneling", [(np.ones(N0 + 1), VE)],
    regex=r"\btunneling\b")
bad("tls_rate_matrix tls_symmetrized_rate_matrix", "asymmetry_mf", [(np.zeros((N0, 1)), VE)])
bad("tls_energies", "tunneling", [(np.ones(N0 - 1), VE)])
bad("tls_relaxation_rates", "tunneling", [(np.ones(N0 - 1), VE)])
bad("miller_abrahams_rates eg_rate_matrix eg_symmetrized_rate_matrix", "distances",
    [(np.ones((N0, N0 + 1)), VE), (np.ones(N0), VE)])
bad("miller_abrahams_rates eg_rate_matrix eg_symmetrized_rate_matrix", "energies",
    [(np.zeros((N0, 1)), VE)])
bad("distance_rate_matrix", "distances", [(np.ones((N0, N0 + 1)), VE), (np.ones(N0), VE)])
# (scipy's own 'expected square "a" matrix' does not name the argument)
bad("tls_rate_spectrum", "A", [(np.ones((2, 3)), VE), (np.ones(3), VE)])
bad("relaxation_spectrum", "matrix", [(np.ones((2, 3)), VE), (np.ones(3), VE)])
bad("minimum_image_distances wrap_positions distance_row_blocks nearest_neighbour_distances "
    "sample_couplings "
    "coulomb_matrix", "positions", [(np.zeros(3), VE)])
bad("nearest_neighbour_distances", "positions", [(POS[:1], VE)])
bad("relaxation_curve", "weights", [(np.ones(RATES.size + 1), VE), (with_nan(RATES), VE)])
bad("plateau_edges", "edges", [(EDGES[:-1], VE)])
bad("log_histogram", "edges", [(EDGES[::-1], VE), (EDGES[:1], VE)])
# physically impossible values inside otherwise valid arrays
bad("relaxation_curve", "rates", [(-RATES, VE)])
bad("relaxation_curve", "t", [(-TIMES, VE)])
bad("log_relaxation exact_log_relaxation", "t", [(-TIMES, VE), (np.zeros(2), VE)])
# inconsistent pairs
CASES.append(pytest.param("exact_log_relaxation", dict(lambda_min=1.0, lambda_max=0.5), VE,
                          "lambda_min must", id="exact_log_relaxation-lambda_min>lambda_max"))
CASES.append(pytest.param("fit_inverse_lambda", dict(lo=1.0, hi=0.5), VE, r"\blo must",
                          id="fit_inverse_lambda-lo>hi"))
# prefactor must be validated even where the convention ignores it
CASES.append(pytest.param("tls_rate_matrix", dict(convention="paper", prefactor="foo"), VE,
                          "prefactor must", id="tls_rate_matrix-paper-prefactor='foo'"))


@pytest.mark.parametrize("fname", sorted(BASE))
def test_base_arguments_are_valid(fname):
    # every bad case below differs from this call in one argument only
    _call(fname, {})


@pytest.mark.parametrize("fname, override, exc, pattern", CASES)
def test_bad_parameter_is_rejected_by_name(fname, override, exc, pattern):
    with pytest.raises(exc, match=pattern):
        _call(fname, override)


def _public_functions():
    found = {}
    for module in (gl, geometry, tls, electron_glass, mean_field, analysis):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found[name] = obj
    return found


def test_every_public_function_is_covered():
    # a public function added later without validation cases fails here
    public = _public_functions()
    assert set(public) <= set(BASE), sorted(set(public) - set(BASE))
    tested = {case.values[0] for case in CASES}
    assert set(public) <= tested, sorted(set(public) - tested)
    for name, func in public.items():
        if name != "distance_row_blocks":
            assert BASE[name][0] is func, name


# ---------------------------------------------------------------------------------------------
# valid edge inputs: N = 2, W = 0, J = 0, U0 = 0


def test_tls_glass_n2_w0_j0():
    glass = gl.sample_tls_glass(0, 2, 0.0, 0.0, dtype=np.float64)
    assert glass.N == 2 and glass.L == pytest.approx(2 ** (1 / 3) - 1)
    assert_array_equal(glass.asymmetry, 0.0)
    assert_array_equal(glass.couplings, 0.0)
    assert np.all((glass.tunneling >= 1e-7) & (glass.tunneling <= 1e-1))
    for field in ("asymmetry", "energy"):
        res = gl.solve_tls_mean_field(glass, 0.1, field=field)
        assert res.converged
        assert_array_equal(res.x, 0.0)  # no field and no coupling: Delta' = Delta = 0 exactly
    E = gl.tls_energies(res.x, glass.tunneling)
    assert_array_equal(E, glass.tunneling)  # sgn(0) = +1 and |E| = Delta_0
    A = gl.tls_rate_matrix(glass.couplings, res.x, glass.tunneling, 0.1)
    rates = gl.tls_rate_spectrum(A)
    # no couplings: A is diagonal, so its eigenvalues are its diagonal (up to rounding of eig)
    assert_allclose(rates, np.sort(gl.tls_relaxation_rates(E, glass.tunneling, 0.1)), rtol=1e-12)


def test_tls_glass_couplings_u0_zero():
    assert_array_equal(gl.sample_couplings(0, POS, L0, 0.0), 0.0)


def test_electron_glass_n2_w0_j0():
    glass = gl.sample_electron_glass(0, 2, 0.0)
    assert_array_equal(glass.site_energies, 0.0)
    # two sites: the only pair's distance, and r_nn/r off the diagonal
    r = glass.distances()[0, 1]
    assert_allclose(glass.inverse_distances, [[0.0, 1 / r], [1 / r, 0.0]], rtol=1e-15)
    res = gl.solve_eg_mean_field(glass, 0.2, J=0.0)
    assert res.converged
    assert_array_equal(res.x, 0.0)
    assert_allclose(gl.occupations(res.x - res.mu, 0.2).sum(), 1.0, rtol=1e-14)  # half filling


def test_electron_glass_rates_n2():
    E = np.array([0.3, -0.2])
    D = np.array([[0.0, 1.5], [1.5, 0.0]])
    gamma = gl.miller_abrahams_rates(E, D, 0.5, 1.0)
    S = gl.eg_symmetrized_rate_matrix(E, D, 0.5, 1.0)
    A = gl.eg_rate_matrix(E, D, 0.5, 1.0)
    assert gamma[0, 1] > 0 and gamma[0, 1] == gamma[1, 0]
    # two sites: one zero mode and one rate, the trace of S
    assert_allclose(gl.relaxation_spectrum(S), [0.0, np.trace(S)], atol=1e-15, rtol=1e-13)
    assert_allclose(gl.relaxation_spectrum(A, method="general"), [0.0, -np.trace(A)],
                    atol=1e-15, rtol=1e-13)
    B = gl.distance_rate_matrix(D, 1.0)
    assert_allclose(B, [[-math.exp(-1.5), math.exp(-1.5)], [math.exp(-1.5), -math.exp(-1.5)]],
                    rtol=1e-15)
    assert_array_equal(gl.drop_unresolved(np.array([0.0, 1.0])), [1.0])


def test_small_valid_scalars():
    assert gl.box_side(2, 1) == pytest.approx(1.0)  # lattice: L = r_nn (N^(1/d) - 1)
    assert gl.finite_size_factor(2) == pytest.approx((math.sqrt(2) + 1) / (math.sqrt(2) - 1))
    assert gl.nearest_neighbour_distances(POS[:2], L0).shape == (2,)
    # seeds: an int, a numpy int, a Generator and a SeedSequence all work and agree
    a = gl.sample_sites(7, 3, 2, 1.0)
    assert_array_equal(a, gl.sample_sites(np.int64(7), 3, 2, 1.0))
    assert_array_equal(a, gl.sample_sites(np.random.default_rng(7), 3, 2, 1.0))
    assert_array_equal(a, gl.sample_sites(np.random.SeedSequence(7), 3, 2, 1.0))
