"""Appendix B verdicts: claims on a small ensemble, the rebuild and noise test, and the rules
both ways on synthetic spectra."""

from pathlib import Path

import numpy as np
import pytest

from glasslib import analysis
from glasslib import measures as M
from glasslib.realizations import RATE_EDGES, TIMES
from glasslib.runner import EnsembleResult, run_ensemble
from glasslib.verdicts import VERDICTS, Claim
from glasslib.verdicts import appB as V

CASES = (("W=1.4,J=0.1", 1.4, 0.1), ("W=0.1,J=1.4", 0.1, 1.4), ("W=1,J=1", 1.0, 1.0))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    cache = tmp_path_factory.mktemp("appB")
    return {label: run_ensemble("tls_b1", dict(N=120, W=W, J=J, T=0.1), 3, 117, cache_dir=cache,
                                workers=1, progress=False)
            for label, W, J in CASES}


def test_claims_on_a_small_ensemble(small, capsys):
    claims = V.claims({V.EXPERIMENT: small})
    assert [c.figure for c in claims] == ["Fig. 17", "Fig. 18", "Fig. 19", "Fig. 20"]
    assert "W = 0.1, J = 1.4" in claims[0].statement  # the captions' labelling
    for c in claims:
        assert isinstance(c, Claim) and c.verdict in VERDICTS
        assert c.target.startswith("fig-b1-")
    V.print_claims(claims, "Fig. 20")
    assert capsys.readouterr().out.count("verdict") == 1
    assert V.claims({}) == []


def test_rebuild_and_rounding_noise(small):
    r = small["W=1,J=1"]
    A = M.rebuild_b1_matrix(r, 1)
    noise, floor = M.permutation_noise(A, lowest=20)
    # the rebuilt matrix is the stored realization: same spectrum, bit for bit (same platform,
    # one BLAS thread)
    from glasslib import tls_rate_spectrum

    np.testing.assert_array_equal(tls_rate_spectrum(A), r.data["b1_rates_sorted"][1])
    assert 0 <= noise < floor  # graded matrix: the noise lies below eps * max rate
    assert 0 < M.fraction_below(r, 0.2) < 1


def test_rebuild_refuses_a_row_that_does_not_match(small):
    r = small["W=1,J=1"]
    tampered = type(r)(r.path, r.meta, {**r.data, "b1_rates_sorted": r.data["b1_rates_sorted"]
                                         * (1 + 1e-6)}, r.axes, r.row_platform)
    with pytest.raises(RuntimeError, match="b1_rates_sorted"):
        M.rebuild_b1_matrix(tampered, 1)


def test_pairing_helpers():
    lam = np.array([1.0, 2.0, 3.0, 4.0])
    # one rate moves from 1 to 3.5: rank pairing spreads the move over the ranks it crosses
    lamp = np.array([2.0, 3.0, 3.5, 4.0])
    np.testing.assert_allclose(M.rank_relative_error(lam, lamp), [0.5, 1 / 3, 1 / 7, 0.0])
    np.testing.assert_allclose(M.nearest_partner_error(lam, lamp), [0.0, 0.0, 0.5 / 3.5, 0.0])
    assert M.numerical_floor(lamp)[0, 0] == pytest.approx(M.EPS * 4.0)


def _synthetic(label, shift_low, rng, realizations=20, N=500):
    """Rates log-uniform over 12 decades; with f_ij the lowest 10 % are multiplied by
    (1 + shift_low), the others by (1 + 1e-9)."""
    W, J = (float(v.split("=")[1]) for v in label.split(","))
    lam = np.sort(10 ** rng.uniform(-14, -2, size=(realizations, N)), axis=1)
    lamp = lam * (1 + 1e-9)
    lamp[:, : N // 10] = lam[:, : N // 10] * (1 + shift_low)
    lamp = np.sort(lamp, axis=1)
    data = {
        "rates_sorted": lam, "b1_rates_sorted": lamp,
        "rate_counts": np.stack([analysis.log_histogram(x, RATE_EDGES)[0] for x in lam]),
        "b1_rate_counts": np.stack([analysis.log_histogram(x, RATE_EDGES)[0] for x in lamp]),
        "relaxation": np.stack([analysis.relaxation_curve(x, TIMES) / N for x in lam]),
        "b1_relaxation": np.stack([analysis.relaxation_curve(x, TIMES) / N for x in lamp]),
    }
    meta = {"params": {"N": N, "W": W, "J": J, "T": 0.1}, "realizations": realizations}
    return EnsembleResult(Path("synthetic"), meta, data)


def test_rules_both_ways():
    rng = np.random.default_rng(0)
    tiny = {label: _synthetic(label, 1e-3, rng) for label, _, _ in CASES}
    assert [c.verdict for c in V.claims({V.EXPERIMENT: tiny})] == ["reproduced"] * 4
    # the slowest rates 3x faster: far more than a histogram bin for every low rate
    large = {label: _synthetic(label, 2.0, rng) for label, _, _ in CASES}
    verdicts = [c.verdict for c in V.claims({V.EXPERIMENT: large})]
    assert verdicts[:3] == ["not reproduced"] * 3
    assert verdicts[3] != "reproduced"  # lambda_min moves by ~0.5 decade
