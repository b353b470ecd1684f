"""Analysis: the lambda_min rule, the 1/lambda fit, Eqs. (15)-(17) and Eq. (A2)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate

import glasslib as gl

EDGES = np.linspace(-12, 4, 129)  # 8 bins per decade


def density(rates, edges=EDGES):
    counts, _ = gl.log_histogram(rates, edges)
    return counts / (counts.sum() * np.diff(edges))


def log_uniform(rng, lo, hi, n):
    return 10 ** rng.uniform(np.log10(lo), np.log10(hi), n)


def test_plateau_edges_recover_a_sharp_1_over_lambda_law():
    rng = np.random.default_rng(0)
    rates = log_uniform(rng, 1e-8, 1e1, 400_000)
    edges = gl.plateau_edges(EDGES, density(rates))
    # the crossing is interpolated between bin centres: within a bin (1/8 decade) of the truth
    assert abs(np.log10(edges.lambda_min) + 8) < 1 / 8
    assert abs(np.log10(edges.lambda_max) - 1) < 1 / 8
    assert edges.level == pytest.approx(1 / 9, rel=0.02)


def test_plateau_edge_moves_with_a_soft_tail():
    """A plateau with a Gaussian-in-log lower shoulder: lambda_min sits where the density halves."""
    rng = np.random.default_rng(1)
    core = log_uniform(rng, 1e-6, 1e0, 300_000)
    # a depleted low end: multiply the lowest rates by a smooth random factor < 1
    tail = 10 ** (-6 - np.abs(rng.normal(0, 1.0, 50_000)))
    rates = np.concatenate([core, tail])
    d = density(rates)
    edges = gl.plateau_edges(EDGES, d)
    assert edges.lambda_min < 1e-6  # the shoulder extends the half-height point below the core
    centres = 0.5 * (EDGES[1:] + EDGES[:-1])
    below = centres < np.log10(edges.lambda_min)
    assert np.all(d[below] < edges.threshold * 1.05)


def _plateau_one_row(edges, density, fraction):
    """The lambda_min rule written out one row at a time, as the book states it (the reference
    the vectorized glasslib.analysis.plateau_edges_rows must reproduce to the bit)."""
    centres = 0.5 * (edges[1:] + edges[:-1])
    peak = float(np.max(density))
    level = float(np.median(density[density >= 0.5 * peak]))
    threshold = fraction * level
    top = int(np.argmax(density))

    def crossing(inner, outer):
        w = (threshold - density[outer]) / (density[inner] - density[outer])
        return centres[outer] + w * (centres[inner] - centres[outer])

    k = top
    while k > 0 and density[k - 1] >= threshold:
        k -= 1
    low = edges[0] if k == 0 else crossing(k, k - 1)
    k = top
    while k < density.size - 1 and density[k + 1] >= threshold:
        k += 1
    high = edges[-1] if k == density.size - 1 else crossing(k, k + 1)
    return low, high, level, threshold


def test_plateau_edges_rows_are_the_one_row_rule_to_the_bit():
    """Every row of the vectorized rule (bootstrap resamples go through it at once) gives the
    same four numbers, bit for bit, as the rule applied to that row alone: on noisy densities,
    on small integer counts (ties, zero bins, an odd or even number of bins at the plateau,
    several bins at the peak), on smooth bumps, with plateaus reaching either end."""
    rng = np.random.default_rng(3)
    for bins in (2, 3, 7, 40, 64):
        edges = np.sort(rng.normal(size=bins + 1))
        rows = np.concatenate([
            rng.random((50, bins)),
            rng.integers(0, 4, (200, bins)).astype(float),
            np.exp(-((np.arange(bins) - rng.uniform(0, bins, (50, 1))) / (bins / 4)) ** 2),
            np.ones((1, bins)),
        ])
        rows = rows[np.any(rows > 0, axis=1)]
        for fraction in (0.5, 0.1, 0.9):
            got = gl.analysis.plateau_edges_rows(edges, rows, fraction=fraction)
            for i, row in enumerate(rows):
                want = _plateau_one_row(edges, row, fraction)
                assert [float(g[i]) for g in got] == [float(w) for w in want], (bins, i, row)
            one = gl.plateau_edges(edges, rows[-1], fraction=fraction)
            assert (one.lambda_min, one.lambda_max) == (10.0 ** got[0][-1], 10.0 ** got[1][-1])


def test_plateau_edges_rows_reject_an_empty_row():
    rows = np.ones((3, EDGES.size - 1))
    rows[1] = 0.0
    with pytest.raises(ValueError, match="zero everywhere"):
        gl.analysis.plateau_edges_rows(EDGES, rows)


def test_plateau_edges_reject_empty_density():
    with pytest.raises(ValueError, match="density"):
        gl.plateau_edges(EDGES, np.zeros(EDGES.size - 1))


@pytest.mark.parametrize("alpha", [1.0, 1.5, 0.6])
def test_inverse_lambda_fit_recovers_the_exponent(alpha):
    rng = np.random.default_rng(2)
    lo, hi = 1e-4, 1e1
    u = rng.uniform(size=50_000)
    if alpha == 1.0:
        x = lo * (hi / lo) ** u
    else:  # inverse CDF of x^-alpha on [lo, hi]
        s = 1 - alpha
        x = (lo**s + u * (hi**s - lo**s)) ** (1 / s)
    fit = gl.fit_inverse_lambda(x, lo, hi)
    assert fit.n == x.size
    assert abs(fit.alpha - alpha) < 4 * fit.alpha_err
    assert 1e-3 < fit.alpha_err < 1e-2


def test_exact_relaxation_matches_quadrature_and_eq17_in_its_window():
    lmin, lmax = 1e-6, 1e2
    for t in [1e-1, 1.0, 1e3, 1e5]:
        quad, _ = integrate.quad(lambda u, t=t: np.exp(-np.exp(u) * t), np.log(lmin),
                                 np.log(lmax), limit=200)
        assert gl.exact_log_relaxation(t, lmin, lmax) == pytest.approx(quad, rel=1e-8)
    # Eq. (17) is the small-argument expansion: the error is O(lmin t) + E1(lmax t)
    t = np.logspace(-1, 3, 9)
    err = gl.log_relaxation(t, lmin) - gl.exact_log_relaxation(t, lmin, lmax)
    assert np.all(np.abs(err) < 2 * lmin * t + 1e-3)


def test_relaxation_curve_of_sampled_rates_approaches_the_continuum():
    rng = np.random.default_rng(3)
    lmin, lmax, n = 1e-6, 1e2, 200_000
    rates = log_uniform(rng, lmin, lmax, n)
    t = np.logspace(-2, 6, 17)
    sampled = gl.relaxation_curve(rates, t, chunk=50_000)
    # Eq. (16) with the normalized p(lambda) = 1 / (lambda log(lmax/lmin)) and c_i = 1
    expected = n * gl.exact_log_relaxation(t, lmin, lmax) / np.log(lmax / lmin)
    # relative fluctuation of a sum of n bounded terms ~ 1/sqrt(n * fraction alive) < 1%
    assert_allclose(sampled, expected, rtol=0.02, atol=50)
    # chunking does not change the sum
    assert_allclose(gl.relaxation_curve(rates, t, chunk=7777), sampled, rtol=1e-12)
    # monotone decay, from n at t = 0
    assert gl.relaxation_curve(rates, np.array([0.0]))[0] == pytest.approx(n)
    assert np.all(np.diff(sampled) < 0)


def test_eq_a2_is_normalized_and_collapses_under_its_rescaling():
    x = np.linspace(0, 60, 60001)
    xi = 0.1
    pdfs = {}
    for N in [10, 100, 1000]:
        p = gl.finite_size_log_rate_pdf(x, N, xi)
        assert np.trapezoid(p, x) == pytest.approx(1, abs=1e-6)  # trapezoid error O(dx^2)
        # change of variables y = x sqrt(k): p_y(y) = p_x(y / sqrt k) / sqrt k must not depend on N
        s = np.sqrt(gl.finite_size_factor(N))
        pdfs[N] = np.interp(x / s, x, p) / s
    assert_allclose(pdfs[10], pdfs[1000], atol=1e-10)
    assert_allclose(gl.rescale_log_rates(np.array([2.0]), 100), [2.0 * np.sqrt(11 / 9)])


def test_eq_a2_follows_from_eq_a1_for_sampled_sites():
    """x = r_nn / xi of sampled nearest neighbours (2D, lattice convention) has the law of
    Eq. A2."""
    N, xi = 400, 0.1
    L = gl.box_side(N, 2)
    x = np.concatenate([
        gl.nearest_neighbour_distances(gl.sample_sites(np.random.default_rng(s), N, 2, L), L) / xi
        for s in range(10)
    ])
    grid = np.linspace(0, x.max() * 1.5, 20001)
    pdf = gl.finite_size_log_rate_pdf(grid, N, xi)
    cdf = np.concatenate([[0], integrate.cumulative_trapezoid(pdf, grid)])
    from scipy import stats

    assert stats.kstest(x, lambda v: np.interp(v, grid, cdf)).pvalue > 1e-3


def test_eq16_slope_is_minus_the_log_derivative_of_the_exact_form():
    """d E1(a t)/d ln t = -exp(-a t): the closed-form slope against a central difference of
    Eq. (16) (step 1e-4 in ln t: truncation ~1e-9, rounding ~1e-12)."""
    t = np.logspace(-2, 8, 41)
    lo, hi, c = 1e-6, 10.0, 0.3
    h = 1e-4
    numeric = -(gl.exact_log_relaxation(t * np.exp(h), lo, hi, c)
                - gl.exact_log_relaxation(t * np.exp(-h), lo, hi, c)) / (2 * h)
    np.testing.assert_allclose(gl.exact_log_relaxation_slope(t, lo, hi, c), numeric, atol=1e-8)
    # the plateau at c in between, and the half level at t = ln 2 / lambda_min
    assert gl.exact_log_relaxation_slope(np.array([1e2]), lo, hi, c)[0] == pytest.approx(c, 1e-4)
    half = gl.exact_log_relaxation_slope(np.array([np.log(2) / lo]), lo, hi, c)[0]
    assert half == pytest.approx(c / 2, rel=1e-9)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_nearest_neighbour_mean_is_the_mean_of_eq_a1(d):
    """mean = integral of (1 - CDF) dr, by quadrature of Eq. (A1)'s CDF."""
    N, L = 400, 7.0
    mean = integrate.quad(lambda r: 1.0 - gl.nearest_neighbour_cdf(np.array([r]), N, L, d)[0],
                          0.0, 10 * L, limit=400)[0]
    assert gl.nearest_neighbour_mean(N, L, d) == pytest.approx(mean, rel=1e-8)
    if d == 2:
        assert gl.nearest_neighbour_mean(N, L, 2) == pytest.approx(L / (2 * np.sqrt(N - 1)))


def test_distance_variable_inverts_lambda_equals_2_exp_minus_x():
    x = np.array([0.5, 4.0, 30.0])
    np.testing.assert_allclose(gl.distance_variable(np.log10(2 * np.exp(-x))), x, rtol=1e-12)


def test_binned_and_unbinned_power_law_fits_agree():
    """The book fits its stored 0.05-decade histograms (glasslib.measures.fit_power_law_binned);
    a library user with the rates themselves fits them unbinned (fit_inverse_lambda). On the
    same sample of a lambda^-1.3 law both estimate alpha within their combined errors, and the
    1/lambda amplitude of the unbinned fit is the shared normalization."""
    from glasslib.measures import fit_power_law_binned
    from glasslib.realizations import RATE_EDGES

    rng = np.random.default_rng(11)
    lo, hi, alpha, n = 1e-6, 1e-1, 1.3, 200_000
    u = rng.random(n)
    s = 1 - alpha
    x = (lo**s + u * (hi**s - lo**s)) ** (1 / s)  # inverse CDF of x^-alpha on [lo, hi]
    unbinned = gl.fit_inverse_lambda(x, lo, hi)
    counts = np.histogram(np.log10(x), bins=RATE_EDGES)[0]
    binned = fit_power_law_binned(RATE_EDGES, counts, lo, hi)
    assert abs(unbinned.alpha - alpha) < 4 * unbinned.alpha_err
    assert abs(binned.alpha - unbinned.alpha) < 4 * np.hypot(binned.alpha_err, unbinned.alpha_err)
    assert unbinned.amplitude(1.0) == pytest.approx(1 / np.log(hi / lo))
    assert gl.inverse_lambda_amplitude(0.3, 0.0, 1.0) == pytest.approx(0.3 / np.log(10))
