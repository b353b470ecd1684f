"""The benchmarks' straightforward implementations as oracles for glasslib's kernels."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glasslib as gl
from glasslib import error_bounds as EB

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import baselines  # noqa: E402


def test_eq12_as_printed_agrees_with_the_stable_form():
    """Where the printed formula is safe (1e-3 < |E|/2T < 300), both forms agree to rounding
    (a few operations each: 8 eps)."""
    rng = np.random.default_rng(3)
    T = 0.1
    E = rng.choice([-1, 1], 500) * 2 * T * 10 ** rng.uniform(-3, np.log10(300), 500)
    D0 = 10 ** rng.uniform(-7, -1, 500)
    np.testing.assert_allclose(gl.tls_relaxation_rates(E, D0, T),
                               baselines.naive_tls_rates(E, D0, T), rtol=8 * EB.EPS, atol=0)


def test_jacobi_and_asynchronous_solvers_find_the_same_unique_solution():
    """Where the map of Eq. (4) is a contraction (c max_i sum_j |K_ij| / 2T < 1: weak coupling
    J = 0.01 at T = 2, close pairs included) its fixed point is unique (Banach), so the damped
    Jacobi iteration and glasslib's asynchronous sweeps must find the same one, within
    kappa (r_jacobi + r_async), the bound of two solutions of residuals r
    (glasslib.error_bounds)."""
    glass = gl.sample_tls_glass(np.random.default_rng(4), 200, 1.0, 0.01, dtype=np.float64)
    T = 2.0
    lipschitz = 0.25 * float(np.max(EB.abs_row_sums(glass.couplings))) / (2 * T)
    assert lipschitz < 1, "not a contraction: the test would not test uniqueness"
    x_j, _, r_j, converged = baselines.tls_jacobi_solve(glass.couplings, glass.asymmetry, T,
                                                       max_iter=20000)
    assert converged
    sol = gl.solve_tls_mean_field(glass, T, rng=1)
    kappa = EB.solver_amplification(glass.couplings, sol.x, 0.25, T)
    assert np.max(np.abs(x_j - sol.x)) <= kappa * (r_j + sol.residual)


def test_floor_and_target_cases_run_and_measure_what_they_say():
    """The floors and targets benchmarks at small N, in process: every figure is a positive
    time or count, the floors are real lower-level work (the spectrum's flop floor below both
    drivers' times), and the softness-normalized updates are the updates times lambda_min of
    stable solutions (0 < lambda_min <= 1: S has trace N, so its mean eigenvalue is 1)."""
    import floors
    import targets

    tls = floors.case_tls(400)
    assert all(tls[k] > 0 for k in ("sampling", "draws", "touch", "solve", "traffic", "updates"))
    mat = floors.case_matrix(300)
    assert all(mat[k] > 0 for k in ("build", "scalar", "simd"))
    spec = floors.case_spectrum(300)
    assert 0 < spec["flops"] < spec["classic"]
    upd = targets.case_updates(150)
    for model in ("eg", "tls"):
        rows = np.array(upd["detail"][model])
        assert np.all(rows[:, 0] > 0) and np.all((rows[:, 1] > 0) & (rows[:, 1] <= 1))
    assert upd["ours_soft"] == np.mean(np.prod(np.array(upd["detail"]["eg"]), axis=1))


def test_solver_paths_traces_the_solvers_own_sweeps():
    """benchmarks/solver_paths.py follows the real solve (its count of site updates is the
    solver's, or it raises), its lowest mode of S is the dense one, and its shares add up: the
    updates on the way off a saddle and those after the first relaxation are parts of the whole
    (the TLS glass has no half-filling loop, so nothing after its one relaxation)."""
    import solver_paths

    for model in ("eg", "tls"):
        run = solver_paths.follow(model, 200, 0, 1)
        assert 0 <= run["unstable"] <= run["updates"]
        assert 0 <= run["after_first"] <= run["updates"]
        for ratio, dist in run["modes"]:
            assert 1.0 <= ratio <= 200 and dist >= 0
    assert solver_paths.follow("tls", 200, 0, 1)["after_first"] == 0
    glass = gl.sample_electron_glass(np.random.default_rng(5), 150, 1.0)
    res = gl.solve_eg_mean_field(glass, 0.1, rng=1)
    lam, v = solver_paths.lowest_mode(glass.inverse_distances, -0.5, res.x, 0.1, None, res.mu)
    dense = gl.mean_field.stability_spectrum(glass.inverse_distances, -0.5, res.x, 0.1,
                                             mu=res.mu)
    # Lanczos at tol 1e-6 (relative to the eigenvalue's size, ~1): within 1e-5 of LAPACK's
    assert abs(lam - dense[0]) < 1e-5
    assert abs(np.linalg.norm(v) - 1.0) < 1e-8


def test_solver_remedies_pair_minimum_is_the_global_minimum():
    """The pair move of benchmarks/solver_remedies.py takes the global minimum of the two-site
    free energy: no point of a fine grid over the square is lower (within the grid's resolution
    of a smooth function), on bistable and on single-minimum pairs alike; and it is a stationary
    point (m_i = tanh((f_i + cK m_j)/2T) and the same for j)."""
    import solver_remedies as SR

    T = 0.1
    m = np.tanh(np.linspace(-6, 6, 801))
    for fi, fj, cK in [(0.0, 0.0, -1.0), (0.05, -0.02, -1.5), (0.3, 0.1, -0.2), (0.01, 0.0, 0.8)]:
        mi, mj = SR.pair_minimum(fi, fj, cK, T)
        G = (-cK * m[:, None] * m[None, :] - fi * m[:, None] - fj * m[None, :]
             + 2 * T * (SR.entropy(m)[:, None] + SR.entropy(m)[None, :]))
        g = (-cK * mi * mj - fi * mi - fj * mj
             + 2 * T * float(SR.entropy(np.array([mi, mj])).sum()))
        # no grid point lies below the true minimum; 1e-12 covers the rounding of sums of O(1)
        # terms (1e-15 each), while a wrong branch of a bistable pair is higher by O(|f|)
        assert g <= G.min() + 1e-12
        assert abs(mi - np.tanh((fi + cK * mj) / (2 * T))) < 1e-12
        assert abs(mj - np.tanh((fj + cK * mi) / (2 * T))) < 1e-12


def test_half_filling_variants_start_from_an_exact_copy_of_the_solver():
    """benchmarks/half_filling.py derives its variants from a copy of the solver's half-filling
    loop: the copy must reproduce the solver to the bit (same energies, mu and update count),
    every variant must still reach a half-filled fixed point, and the solver's own loop is put
    back afterwards."""
    import half_filling as HF

    from glasslib import mean_field as mf

    original = mf._solve_half_filled
    rows = HF.run(150, 2)
    assert mf._solve_half_filled is original
    by = {(r["seed"], r["variant"]): r for r in rows}
    for seed in (0, 1):
        ref, copy = by[seed, "solver"], by[seed, "copy"]
        assert copy["max_de"] == 0.0 and copy["dmu"] == 0.0
        assert copy["updates"] == ref["updates"] > 0 and copy["rows"] == ref["rows"]
        for name in ("loose-1e-3", "loose-1e-2", "running-mu"):
            assert by[seed, name]["updates"] > 0 and by[seed, name]["rows"] >= 1.0
    assert [line.count("|") for line in HF.table(rows, 150, 2)[2:]] == [6] * 4


@pytest.mark.slow  # a CLI run in a subprocess: about 13 s
def test_regeneration_times_a_run_and_compares_it_with_the_committed_cache(tmp_path, monkeypatch):
    """benchmarks/regeneration.py on one small quick-scale experiment: it runs the CLI into the
    scratch cache and records the wall time, reads the CPU seconds the ensembles recorded, and
    its comparison finds an ensemble equal to itself field by field, and a field moved by one
    ulp in a copy as differing by about eps relative to the field's largest value."""
    import json

    import regeneration as R

    monkeypatch.setattr(R, "PAPER", ("fig16_eg_distance",))
    (row,) = R.measure("quick", 1, tmp_path)
    assert row["experiment"] == "fig16_eg_distance" and row["wall"] > 0 and row["cpu"] > 0
    record = json.loads((tmp_path / "regeneration.json").read_text())
    assert record["wall"] == {"fig16_eg_distance": row["wall"]} and record["scale"] == "quick"
    a = next(iter(R._ensembles(tmp_path, "fig16_eg_distance", "quick").values()))
    same = R.compare(a, a)
    assert same["differ"] == {} and len(same["equal"]) == same["fields"] > 0
    assert not any(k.startswith(R.NOT_RESULTS) for k in same["equal"])
    assert R.compare(a, tmp_path / "absent") is None
    b = tmp_path / "copy"
    b.mkdir()
    with np.load(a / "ensemble.npz") as z:
        arrays = {k: z[k] for k in z.files}
    key = next(k for k, v in arrays.items()
               if v.dtype.kind == "f" and v.size and not k.startswith(R.NOT_RESULTS))
    i = np.argmax(np.abs(arrays[key]))
    arrays[key].flat[i] = np.nextafter(arrays[key].flat[i], np.inf)
    np.savez(b / "ensemble.npz", **arrays)
    moved = R.compare(a, b)
    assert set(moved["differ"]) == {key} and 0 < moved["differ"][key] <= np.finfo(float).eps
    text = R.table([row], 1, "quick")
    assert "fig16_eg_distance" in text and "**all 1 experiments**" in text
