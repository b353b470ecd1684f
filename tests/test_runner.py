"""The ensemble runner: seeds, cache keys, worker layouts (1, 2, Dask), interruption and resume."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glasslib.realizations as real
import glasslib.runner as runner

PARAMS = dict(N=250, W=1.0, J=1.0, T=0.1)


def physics_equal(a, b):
    pa, pb = a.physics(), b.physics()
    assert sorted(pa) == sorted(pb)
    for name in pa:
        assert np.array_equal(pa[name], pb[name], equal_nan=True), name


def test_realization_stream_is_child_k_of_the_seed():
    children = np.random.SeedSequence(42).spawn(5)
    for k in range(5):
        a = np.random.default_rng(real.realization_seed(42, k)).random(4)
        b = np.random.default_rng(children[k]).random(4)
        assert np.array_equal(a, b)


def test_realization_is_a_pure_function_of_seed_and_index():
    a = real.run_realization("tls", PARAMS, 7, 3)
    b = real.run_realization("tls", PARAMS, 7, 3)
    c = real.run_realization("tls", PARAMS, 7, 4)
    for name in a:
        if not name.startswith("seconds_"):
            assert np.array_equal(a[name], b[name], equal_nan=True), name
    assert not np.array_equal(a["energy_counts"], c["energy_counts"])
    # the histograms count every TLS once
    assert a["energy_counts"].sum() + a["energy_outside"] == PARAMS["N"]
    assert a["rate_counts"].sum() + a["rate_outside"] + a["rate_nonpositive"] == PARAMS["N"]


def test_unknown_parameters_are_rejected_by_name():
    with pytest.raises(ValueError, match="colour"):
        real.resolve_params("tls", dict(colour=1))
    with pytest.raises(ValueError, match="model"):
        real.resolve_params("spin_ice", {})
    with pytest.raises(ValueError, match="T must"):
        real.resolve_params("eg", dict(T=-1.0))


def test_cache_key_changes_with_every_input(monkeypatch):
    base = runner.ensemble_key("tls", PARAMS, 1, 10)
    assert runner.ensemble_key("tls", dict(PARAMS), 1, 10) == base
    # explicit defaults hash like omitted ones: the key is over the resolved parameter set
    assert runner.ensemble_key("tls", dict(PARAMS, prefactor="paper"), 1, 10) == base
    others = {
        runner.ensemble_key("tls", dict(PARAMS, T=0.2), 1, 10),
        runner.ensemble_key("tls", dict(PARAMS, prefactor="authors_code"), 1, 10),
        runner.ensemble_key("tls", PARAMS, 2, 10),
        runner.ensemble_key("tls", PARAMS, 1, 11),
        runner.ensemble_key("tls_b1", PARAMS, 1, 10),
    }
    monkeypatch.setattr(runner, "MODEL_VERSION", "test-bump")
    others.add(runner.ensemble_key("tls", PARAMS, 1, 10))
    assert base not in others and len(others) == 6


def test_cached_ensembles_are_served_without_recomputation(tmp_path, monkeypatch):
    first = runner.run_ensemble("tls", PARAMS, 3, 1, cache_dir=tmp_path, workers=1, progress=False)
    assert first.meta["versions"]["numpy"] == np.__version__
    assert first.meta["versions"]["model_version"] == real.MODEL_VERSION

    def boom(*args, **kwargs):
        raise AssertionError("recomputed a cached realization")

    monkeypatch.setattr(runner, "run_realization", boom)
    again = runner.run_ensemble("tls", PARAMS, 3, 1, cache_dir=tmp_path, workers=1, progress=False)
    physics_equal(first, again)
    # a different seed is a different ensemble: it must be computed
    with pytest.raises(AssertionError, match="recomputed"):
        runner.run_ensemble("tls", PARAMS, 3, 2, cache_dir=tmp_path, workers=1, progress=False)


def test_one_worker_two_workers_and_a_dask_cluster_agree(tmp_path):
    distributed = pytest.importorskip("distributed")
    one = runner.run_ensemble("eg", dict(N=120, xi=0.1), 6, 3, cache_dir=tmp_path / "a",
                              workers=1, progress=False)
    two = runner.run_ensemble("eg", dict(N=120, xi=0.1), 6, 3, cache_dir=tmp_path / "b",
                              workers=2, progress=False)
    physics_equal(one, two)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        on_dask = runner.run_ensemble("eg", dict(N=120, xi=0.1), 6, 3, cache_dir=tmp_path / "c",
                                      dask=cluster.scheduler_address, progress=False)
    physics_equal(one, on_dask)


def _cli(cache, *extra):
    return [sys.executable, "-m", "glasslib", "run", "fig02", "--scale", "quick", "--cache",
            str(cache), "--realizations", "30", "--set", "N=400", "--no-progress", *extra]


def _parts(cache):
    return list(Path(cache).rglob("parts/r*.npz"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_resumes_to_the_same_numbers(tmp_path, sig):
    """Kill a real run mid-way (kill -9 or Ctrl-C), resume it, compare with an uninterrupted run."""
    cache = tmp_path / "killed"
    proc = subprocess.Popen(_cli(cache, "--workers", "2"), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while len(_parts(cache)) < 4 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    if sig == signal.SIGINT:
        assert "interrupted" in err and "resume" in err
    survivors = len(_parts(cache))
    assert 4 <= survivors < 30
    resumed = subprocess.run(_cli(cache, "--workers", "2"), capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    clean = subprocess.run(_cli(tmp_path / "clean", "--workers", "1"), capture_output=True,
                           text=True, timeout=600)
    assert clean.returncode == 0, clean.stderr
    for label in ("T=0.1", "T=1", "T=2"):
        [a] = (cache).rglob(f"{label}-*/ensemble.npz")
        [b] = (tmp_path / "clean").rglob(f"{label}-*/ensemble.npz")
        physics_equal(runner.load_ensemble(a.parent), runner.load_ensemble(b.parent))
        meta = json.loads((a.parent / "meta.json").read_text())
        assert meta["realizations"] == 30 and not (a.parent / "parts").exists()


def test_cli_list_and_errors(tmp_path):
    out = subprocess.run([sys.executable, "-m", "glasslib", "list"], capture_output=True,
                         text=True, check=True).stdout
    assert "fig03_tg_rates" in out and "10000x1000" in out
    bad = subprocess.run([sys.executable, "-m", "glasslib", "run", "fig99", "--cache", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "experiment must be one of" in bad.stderr
    bad = subprocess.run([sys.executable, "-m", "glasslib", "run", "fig02", "--cache",
                          str(tmp_path), "--set", "colour=red"], capture_output=True, text=True)
    assert bad.returncode == 2 and "colour" in bad.stderr
