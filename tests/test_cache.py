"""The committed paper-scale cache is never taken on trust: every ensemble of the figure table
must be present, intact, made (or certified) by the current code, and realizations of each are
recomputed from their seeds and compared (:mod:`glasslib.comparator`: bit for bit on the
platform that made them, within the derived tolerances on any other).

The picks are a deterministic function of the tree (the code fingerprints and the cache's
checksums), printed in pytest's header; ``GLASSLIB_PICK_SEED=<n>`` replays other picks."""

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import CACHE, cache_pick_seed
from glasslib.experiments import EXPERIMENTS, ensembles
from glasslib.provenance import platform_id
from glasslib.runner import ensemble_dir, load_ensemble, verify_ensemble

CURVES = [
    pytest.param(exp, label, params, count, id=f"{exp.name}:{label}")
    for exp in EXPERIMENTS.values()
    for label, params, count in ensembles(exp, "paper")
]


def _path(exp, label, params, count):
    return ensemble_dir(CACHE, f"{exp.name}/paper", label, exp.model, params, exp.seed, count)


def _picks(key: str, count: int, size: int) -> list:
    rng = np.random.default_rng([cache_pick_seed(), int(key, 16)])
    return sorted(rng.choice(count, size=min(size, count), replace=False).tolist())


@pytest.mark.slow
@pytest.mark.parametrize("exp, label, params, count", CURVES)
def test_cached_realizations_recompute(exp, label, params, count):
    path = _path(exp, label, params, count)
    assert (path / "ensemble.npz").exists(), (
        f"missing or stale cache for {exp.name} {label}: run "
        f"`python -m glasslib run {exp.name} --scale paper`"
    )
    result = load_ensemble(path)  # checksum, row counts, key and code fingerprint
    assert result.realizations == count
    if "converged" in result.data:
        assert result.data["converged"].all(), "an unconverged realization is in the cache"
    # the cheap ensembles get two checks, the N = 10^4 ones one
    picks = _picks(result.meta["key"], count, 1 if params["N"] >= 5000 else 2)
    comparisons = verify_ensemble(result, picks)
    assert all(c.ok for c in comparisons), "\n".join(c.describe() for c in comparisons)


def _other_platform_env() -> dict:
    """Emulate another CPU on this one: another OpenBLAS kernel, numba compiled for a generic
    x86-64, and numpy's SIMD functions one level down (AVX-512 -> AVX2, or AVX2 -> SSE4)."""
    import platform

    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    from threadpoolctl import threadpool_info

    arch = next((i.get("architecture") for i in threadpool_info() if i["user_api"] == "blas"),
                None)
    env = {"NUMBA_CPU_NAME": "generic"}
    if platform.machine().lower() in ("x86_64", "amd64"):  # OpenBLAS's x86 kernel names
        env["OPENBLAS_CORETYPE"] = "Sandybridge" if arch in ("Haswell", "Zen") else "Haswell"
    enabled = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    for level in ("X86_V4", "X86_V3"):
        if level in enabled:
            env["NPY_DISABLE_CPU_FEATURES"] = " ".join(enabled[enabled.index(level):])
            break
    return env


#: one curve of each model, the N = 10^4 TLS glass and electron glass included (the Monte Carlo
#: models too: their trajectories and bounds must survive another CPU)
EMULATED = ["fig01_tg_dos:T=0.05", "fig08_eg_dos:T=0.05", "fig09_eg_rates:T=0.1",
            "fig16_eg_distance:N=1000", "fig17_20_tg_b1:W=1,J=1", "conventions_tls:field=E",
            "mc_tg_dos:W=1,J=1", "mc_eg_dos:W=1,J=1", "kmc_tg_table_one:W=1,T=0.1",
            "kmc_eg_table_one:W=1,T=0.1"]


@pytest.mark.slow
def test_cached_realizations_recompute_on_an_emulated_other_cpu():
    env = _other_platform_env()
    paths = [str(_path(*p.values)) for p in CURVES if p.id in EMULATED]
    assert len(paths) == len(EMULATED)
    out = subprocess.run(
        [sys.executable, "-m", "glasslib", "verify", *paths, "--samples", "1", "--pick-seed",
         str(cache_pick_seed()), "--no-progress"],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=1200)
    print(env, out.stdout, out.stderr, sep="\n")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("tolerance") == len(EMULATED), "the emulated platform was not another"
    here = subprocess.run([sys.executable, "-c", "from glasslib.provenance import platform_id;"
                           "print(platform_id())"], capture_output=True, text=True,
                          env={**os.environ, **env}, check=True).stdout.strip()
    assert here != platform_id()
