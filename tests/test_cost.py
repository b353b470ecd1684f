"""The cost model that tells a user, before anything starts, how long a computation will take."""

import json
import math

import numpy as np
import pytest

from glasslib import summaries
from glasslib.cost import TooLong, _points, estimate, format_duration, seconds_per_realization
from glasslib.runner import default_cache


@pytest.mark.parametrize("model", ["tls", "eg", "eg+spectrum", "eg_distance", "tls_b1"])
def test_the_cost_grows_with_N_and_matches_the_recorded_timings(model):
    sizes = [10, 100, 300, 1000, 2000, 10000, 30000]
    t = [seconds_per_realization(model, n) for n in sizes]
    assert all(b >= a for a, b in zip(t, t[1:], strict=False)), t
    pts = _points(str(default_cache()))[model]
    recorded = {n: np.exp(np.mean([math.log(s) for m, s in pts if m == n])) for n, _ in pts}
    # at a recorded size: the largest (geometric-mean) cost recorded at that size or below, so
    # never below what was measured there, and a larger system never cheaper
    for n in recorded:
        envelope = max(s for m, s in recorded.items() if m <= n)
        assert seconds_per_realization(model, n) == pytest.approx(envelope, rel=1e-9)


def test_an_unknown_model_has_no_estimate(tmp_path):
    assert seconds_per_realization("tls", 1000, cache=tmp_path) is None
    est = estimate([("x", "tls", {"N": 1000}, 10)], workers=2, cache=tmp_path)
    assert math.isnan(est.seconds) and "unknown time" in est.describe()


def test_the_estimate_spreads_realizations_over_workers():
    one = estimate([("a", "tls", {"N": 1000}, 100)], workers=1)
    two = estimate([("a", "tls", {"N": 1000}, 100)], workers=2)
    assert two.seconds == pytest.approx(one.seconds / 2)
    # one realization cannot be shared: more workers than realizations do not help
    single = estimate([("a", "tls", {"N": 1000}, 1)], workers=8)
    assert single.seconds == pytest.approx(seconds_per_realization("tls", 1000))
    assert [format_duration(s) for s in (0.2, 40, 600, 9000)] == ["1 s", "40 s", "10 min",
                                                                  "2.5 h"]


def test_a_long_computation_does_not_start_without_consent(tmp_path, capsys):
    cache = tmp_path / "cache"
    with pytest.raises(TooLong) as info:
        summaries.load_experiment("fig03", "paper", cache, max_minutes=5, workers=2)
    text = str(info.value)
    assert "fig03_tg_rates at paper scale is not (entirely) in" in text
    assert "1000 realizations" in text and "-p max_minutes" in text
    assert f"python -m glasslib run fig03_tg_rates --scale paper --cache {cache}" in text
    assert not cache.exists() or not any(cache.rglob("*.npz")), "nothing may start"
    # a small one starts, saying how long it will take
    out = summaries.load_experiment("fig02", "quick", cache, max_minutes=5, workers=1,
                                    realizations=2, overrides={"N": 30}, progress=False)
    assert len(out) == 3 and all(r.realizations == 2 for r in out.values())
    said = capsys.readouterr().out
    assert "computing 6 realizations" in said and "about" in said
    # and, once cached, loading says nothing and needs no consent
    summaries.load_experiment("fig02", "quick", cache, max_minutes=0, realizations=2,
                              overrides={"N": 30})
    assert "computing" not in capsys.readouterr().out


def test_the_estimate_counts_only_what_is_still_to_do(tmp_path, capsys):
    cache = tmp_path / "cache"
    summaries.load_experiment("fig02", "quick", cache, workers=1, realizations=2,
                              overrides={"N": 30}, progress=False)
    [path] = [p.parent for p in cache.rglob("T=1-*/ensemble.npz")]
    (path / "ensemble.npz").unlink()  # as if interrupted after the parts were written
    meta = json.loads((path / "meta.json").read_text())
    assert meta["realizations"] == 2
    capsys.readouterr()
    summaries.load_experiment("fig02", "quick", cache, workers=1, realizations=2,
                              overrides={"N": 30}, progress=False)
    said = capsys.readouterr().out
    assert "computing 2 realizations (T=1: N = 30 x 2)" in said


def test_the_reference_timings_are_the_repositorys_even_with_another_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("GLASSLIB_CACHE", str(tmp_path))
    _points.cache_clear()
    assert seconds_per_realization("tls", 1000) is not None


def test_an_unknown_cost_stops_only_a_paper_scale_computation(tmp_path, monkeypatch, capsys):
    import glasslib.cost as C

    monkeypatch.setattr(C, "_reference_cache", lambda: str(tmp_path / "no-timings"))
    with pytest.raises(TooLong, match="unknown time"):
        summaries.load_experiment("fig02", "paper", tmp_path / "c", max_minutes=5,
                                  realizations=2, overrides={"N": 30}, progress=False)
    out = summaries.load_experiment("fig02", "quick", tmp_path / "c", max_minutes=5, workers=1,
                                    realizations=2, overrides={"N": 30}, progress=False)
    assert len(out) == 3 and "unknown time" in capsys.readouterr().out
