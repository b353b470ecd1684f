"""Sec. II verdicts: the J = 0 reference DOS, the gap ratio, and both outcomes of the rules."""

from pathlib import Path

import numpy as np
import pytest

from glasslib import measures as M
from glasslib.realizations import LOG_ABS_E_EDGES, energy_edges, resolve_params
from glasslib.runner import EnsembleResult, run_ensemble
from glasslib.tls import noninteracting_abs_energy_cdf
from glasslib.verdicts import VERDICTS, Claim
from glasslib.verdicts import sec2 as V


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    cache = tmp_path_factory.mktemp("sec2")
    fig1 = run_ensemble("tls", dict(N=300, T=0.05), 6, 101, cache_dir=cache, workers=1,
                        progress=False)
    fig2 = {f"T={T:g}": run_ensemble("tls", dict(N=200, T=T), 6, 102, cache_dir=cache,
                                     workers=1, progress=False) for T in (0.1, 1.0, 2.0)}
    return {"fig01_tg_dos": {"T=0.05": fig1}, "fig02_tg_dos_vs_T": fig2}


def _synthetic(E_per_realization, **params) -> EnsembleResult:
    """An ensemble made of given energies (one array per realization), as the runner stores it."""
    params = resolve_params("tls", dict(N=len(E_per_realization[0]), **params))
    edges = energy_edges(params)
    rows = []
    for E in E_per_realization:
        counts, _ = np.histogram(E, bins=edges)
        log_counts, _ = np.histogram(np.log10(np.abs(E)), bins=LOG_ABS_E_EDGES)
        rows.append((counts, log_counts, E.size - counts.sum()))
    data = {
        "energy_counts": np.stack([r[0] for r in rows]).astype(np.int32),
        "log_abs_energy_counts": np.stack([r[1] for r in rows]).astype(np.int32),
        "energy_outside": np.array([r[2] for r in rows], dtype=np.int64),
    }
    meta = {"params": params, "realizations": len(rows)}
    return EnsembleResult(Path("synthetic"), meta, data)


def _noninteracting(rng, N, R, W=1.0, gap=0.0):
    """Sampled J = 0 energies (Eq. 6 with Delta' = Delta); ``gap`` > 0 removes |Delta| < gap."""
    out = []
    for _ in range(R):
        d = rng.normal(0.0, W, 3 * N)
        d = d[np.abs(d) >= gap][:N]
        d0 = 10.0 ** rng.uniform(-7, -1, N)
        out.append(np.where(d >= 0, 1.0, -1.0) * np.hypot(d, d0))
    return out


def test_noninteracting_cdf_matches_sampling():
    # 4e5 samples: the empirical CDF has a standard error below 1e-3
    rng = np.random.default_rng(1)
    E = np.abs(_noninteracting(rng, 400_000, 1)[0])
    for e in (1e-6, 1e-3, 0.05, 0.5, 2.0):
        assert noninteracting_abs_energy_cdf(e, 1.0) == pytest.approx(np.mean(E <= e), abs=3e-3)
    assert noninteracting_abs_energy_cdf(1e-8, 1.0) == 0.0
    assert noninteracting_abs_energy_cdf(50.0, 1.0) == pytest.approx(1.0, abs=1e-9)


def test_noninteracting_cdf_rejects_bad_input():
    with pytest.raises(ValueError, match="W"):
        noninteracting_abs_energy_cdf(0.1, 0.0)
    with pytest.raises(ValueError, match="tunneling_range"):
        noninteracting_abs_energy_cdf(0.1, 1.0, (1e-1, 1e-7))


def test_claims_on_small_ensembles(data, capsys):
    claims = V.claims(data)
    assert [c.figure for c in claims] == ["Fig. 1", "Fig. 1", "Fig. 2"]
    for c in claims:
        assert isinstance(c, Claim) and c.verdict in VERDICTS
        assert c.target in ("fig-tg-dos", "fig-tg-dos-vs-t")
        assert "+-" in c.measured  # every measurement carries its uncertainty
    V.print_claims(claims, "Fig. 2")
    out = capsys.readouterr().out
    assert "Fig. 2" in out and "Fig. 1" not in out
    V.print_claims(claims)
    assert capsys.readouterr().out.count("| verdict ") == 3


def test_diagnostics_and_folded_dos(data):
    r = data["fig01_tg_dos"]["T=0.05"]
    d = M.solver_diagnostics(r)
    assert d["converged"] == d["realizations"] == 6
    assert d["max_residual"] < 1e-7 and 0 <= d["outside"] < 0.5
    edges, g = M.folded_dos(r)
    # both signs folded: 2 * integral = fraction inside the histogram range (up to 2 cut bins)
    assert 2 * np.sum(g * np.diff(edges)) == pytest.approx(1 - d["outside"], abs=0.01)


def test_gap_rule_both_ways():
    rng = np.random.default_rng(2)
    flat = _synthetic(_noninteracting(rng, 2000, 40), T=0.05)
    gapped = _synthetic(_noninteracting(rng, 2000, 40, gap=0.1), T=0.05)
    # without interactions there is no gap: R agrees with the exact J = 0 value
    g = M.gap_ratio(flat)
    assert g.ratio == pytest.approx(M.reference_gap_ratio(flat.meta["params"]), abs=4 * g.ratio_err)
    assert V.claims({"fig01_tg_dos": {"x": flat}})[0].verdict == "not reproduced"
    assert V.claims({"fig01_tg_dos": {"x": gapped}})[0].verdict == "reproduced"


def test_temperature_rule_both_ways():
    rng = np.random.default_rng(3)
    gapped = _synthetic(_noninteracting(rng, 2000, 40, gap=0.1), T=0.1)
    half = _synthetic(_noninteracting(rng, 2000, 40, gap=0.05), T=1.0)
    flat = _synthetic(_noninteracting(rng, 2000, 40), T=2.0)
    fills = {"a": gapped, "b": half, "c": flat}
    assert V.claims({"fig02_tg_dos_vs_T": fills})[0].verdict == "reproduced"
    # the same curves with the temperatures reversed: the gap would open with T
    reverse = {"a": _synthetic(_noninteracting(rng, 2000, 40, gap=0.1), T=2.0),
               "b": _synthetic(_noninteracting(rng, 2000, 40), T=0.1)}
    assert V.claims({"fig02_tg_dos_vs_T": reverse})[0].verdict == "not reproduced"


def test_log_gap_table_reference_is_unity_without_interactions():
    rng = np.random.default_rng(4)
    flat = _synthetic(_noninteracting(rng, 5000, 40), T=0.05)
    for row in M.log_gap_table(flat, decades=(-2, -1), bootstrap=50):
        # J = 0 data against the exact J = 0 law: depletion 1 within sampling error
        assert row.depletion == pytest.approx(1.0, abs=4 * row.depletion_err + 0.02)
