"""Geometry: the two r_nn conventions and the nearest-neighbour law of Eq. (A1)."""

import numpy as np
import pytest
from scipy import stats

import glasslib as gl


@pytest.mark.parametrize("d, N", [(2, 3000), (3, 3000)])
def test_nearest_neighbour_distances_follow_eq_a1(d, N):
    L = gl.box_side(N, d)
    pos = gl.sample_sites(np.random.default_rng(11), N, d, L)
    r = gl.nearest_neighbour_distances(pos, L)
    vd = gl.unit_ball_volume(d)

    def cdf(x):  # integral of Eq. (A1)
        return 1.0 - np.exp(-vd * (N - 1) * (np.asarray(x) / L) ** d)

    # fixed seed, so this is deterministic; a wrong V_d, exponent or L moves p below 1e-10
    assert stats.kstest(r, cdf).pvalue > 1e-3
    # and the pdf integrates to one
    grid = np.linspace(0, 5 * np.median(r), 20001)
    assert np.trapezoid(gl.nearest_neighbour_pdf(grid, N, L, d), grid) == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("d, constant", [(2, 0.5), (3, 0.55396)])
def test_poisson_convention_sets_the_mean_nearest_neighbour_distance(d, constant):
    # textbook constants: <r> = 0.5 n^-1/2 (2D), 0.554 n^-1/3 (3D)
    assert gl.poisson_mean_nn_distance(1.0, d) == pytest.approx(constant, abs=1e-5)
    N = 6000
    L = gl.box_side(N, d, r_nn=1.7, convention="poisson")
    pos = gl.sample_sites(np.random.default_rng(1), N, d, L)
    r = gl.nearest_neighbour_distances(pos, L)
    # sampling error of the mean ~ 0.52 * 1.7 / sqrt(6000) ~ 1.2%
    assert r.mean() == pytest.approx(1.7, rel=0.04)


def test_lattice_convention_is_unit_density_with_finite_size_correction():
    assert gl.box_side(1000, 3) == pytest.approx(9.0)
    assert gl.box_side(10000, 2, r_nn=0.5) == pytest.approx(49.5)
    # the two conventions differ: at N = 1000 in 3D the lattice box is denser per r_nn
    assert gl.box_side(1000, 3, convention="poisson") == pytest.approx(1000 ** (1 / 3) / 0.55396,
                                                                     rel=1e-4)


def test_minimum_image_distances_match_brute_force():
    rng = np.random.default_rng(0)
    L = 3.0
    pos = gl.sample_sites(rng, 50, 3, L)
    shifts = np.array(np.meshgrid(*[[-L, 0, L]] * 3)).reshape(3, -1).T
    diff = pos[:, None, None, :] - pos[None, :, None, :] + shifts[None, None, :, :]
    brute = np.sqrt((diff**2).sum(-1)).min(-1)
    np.testing.assert_allclose(gl.minimum_image_distances(pos, L), brute, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("d", [2, 3])
def test_a_box_of_any_density(d):
    """``density`` sets the box directly: N / L^d equals it whatever the convention, and the
    samplers and realizations take it as a plain parameter (no J to compensate by hand)."""
    import glasslib as gl
    from glasslib.realizations import compute_realization

    for N in (10, 1000):
        for convention in ("lattice", "poisson"):
            L = gl.box_side(N, d, 1.0, convention, density=0.5)
            assert N / L**d == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="density"):
        gl.box_side(100, d, density=0.0)
    rng = np.random.default_rng(0)
    if d == 3:
        glass = gl.sample_tls_glass(rng, 200, 1.0, 1.0, density=2.0)
        real = compute_realization("tls", {"N": 200, "density": 2.0}, 1, 0, keep_context=True)
    else:
        glass = gl.sample_electron_glass(rng, 200, 1.0, density=2.0)
        real = compute_realization("eg", {"N": 200, "density": 2.0}, 1, 0, keep_context=True)
    assert 200 / glass.L**d == pytest.approx(2.0)
    assert 200 / real.context["glass"].L**d == pytest.approx(2.0)
    # the default (density None) is the convention's box: the cached ensembles are unchanged
    assert gl.box_side(1000, d) == gl.box_side(1000, d, density=None) == 1000 ** (1 / d) - 1
