"""Ensembles of realizations: parallel, resumable, hash-cached, optionally on a Dask cluster.

An ensemble is ``(model, params, realizations, seed)``. Realization ``k`` is
:func:`glasslib.realizations.run_realization` on child ``k`` of ``SeedSequence(seed)``, so its
numbers do not depend on where or in which order it runs (1 worker, 2 workers or a cluster).

Cache layout (``cache_dir`` defaults to ``./results``)::

    <cache_dir>/<group>/<label>-<key>/
        meta.json      parameters, seed, count, model version, software versions, wall time
        ensemble.npz   every realization's summary, stacked along axis 0 (written when complete)
        parts/         one file per finished realization while the run is in progress

``key`` hashes the model, the full parameter set, the seed, the realization count and
:data:`glasslib.realizations.MODEL_VERSION`: changing any of them changes the directory, so a
stale result is never served. Finished realizations are written atomically as they finish; a run
that is interrupted (Ctrl-C, kill -9, power loss) resumes from them and ends with the same
``ensemble.npz`` arrays, bit for bit, as an uninterrupted run (timings aside).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import platform
import re
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from ._validation import check_int
from .realizations import MODEL_VERSION, resolve_params, run_realization

__all__ = [
    "DEFAULT_CACHE",
    "ensemble_key",
    "ensemble_dir",
    "EnsembleResult",
    "run_ensemble",
    "load_ensemble",
    "verify_ensemble",
    "software_versions",
]

DEFAULT_CACHE = Path(os.environ.get("GLASSLIB_CACHE", "results"))
TIMING_PREFIX = "seconds_"


def software_versions() -> dict:
    """Versions recorded with every result."""
    import numba
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "glasslib": __version__,
        "model_version": MODEL_VERSION,
        "machine": platform.machine(),
    }


def _canonical(params: dict) -> dict:
    return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in sorted(params.items())}


def ensemble_key(model: str, params: dict, seed: int, realizations: int) -> str:
    """SHA-256 (first 16 hex digits) of the model, resolved params, seed, count and model version."""
    full = resolve_params(model, params)
    blob = json.dumps(
        {"model": model, "params": _canonical(full), "seed": int(seed),
         "realizations": int(realizations), "model_version": MODEL_VERSION},
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.=_-]+", "_", text).strip("_") or "ensemble"


def ensemble_dir(cache_dir, group: str, label: str, model: str, params: dict, seed: int,
                 realizations: int) -> Path:
    """Where an ensemble's results live (see the module docstring)."""
    key = ensemble_key(model, params, seed, realizations)
    return Path(cache_dir) / _slug(group) / f"{_slug(label)}-{key}"


@dataclass
class EnsembleResult:
    """A finished ensemble: ``data[name]`` has one row per realization (axis 0)."""

    path: Path
    meta: dict
    data: dict

    @property
    def realizations(self) -> int:
        return int(self.meta["realizations"])

    def physics(self) -> dict:
        """The arrays without wall-clock timings (these are what must be reproducible)."""
        return {k: v for k, v in self.data.items() if not k.startswith(TIMING_PREFIX)}


def _write_atomic_npz(path: Path, arrays: dict, compressed: bool = False) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        (np.savez_compressed if compressed else np.savez)(fh, **arrays)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _part_path(parts: Path, k: int) -> Path:
    return parts / f"r{k:06d}.npz"


def _done_indices(parts: Path, realizations: int) -> set:
    done = set()
    if parts.is_dir():
        for p in parts.glob("r*.npz"):
            m = re.fullmatch(r"r(\d{6})\.npz", p.name)
            if m and int(m.group(1)) < realizations:
                done.add(int(m.group(1)))
    return done


def _pin_worker_threads() -> None:
    # one thread per worker process: workers must not fight over the cores
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _progress(total: int, initial: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="real", disable=not enabled,
                dynamic_ncols=True, mininterval=0.5)


def _run_local(model, params, seed, todo, workers, on_result):
    if workers == 1:
        for k in todo:
            on_result(k, run_realization(model, params, seed, k))
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_pin_worker_threads)
    try:
        pending = {}
        queue = list(todo)
        # keep at most 2 tasks per worker in flight, so an interruption loses little work
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                k = queue.pop(0)
                pending[pool.submit(run_realization, model, params, seed, k)] = k
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                k = pending.pop(fut)
                on_result(k, fut.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(model, params, seed, todo, dask, on_result):
    from distributed import Client, as_completed

    client = dask if isinstance(dask, Client) else Client(dask, set_as_default=False)
    try:
        futures = {
            client.submit(run_realization, model, params, seed, k, pure=False): k
            for k in todo
        }
        for fut in as_completed(futures, loop=client.loop):
            on_result(futures[fut], fut.result())
    finally:
        if client is not dask:
            client.close()


def run_ensemble(
    model: str,
    params: dict,
    realizations: int,
    seed: int,
    *,
    cache_dir=DEFAULT_CACHE,
    group: str = "adhoc",
    label: str | None = None,
    workers: int | None = None,
    dask=None,
    progress: bool = True,
) -> EnsembleResult:
    """Run (or resume, or load from cache) an ensemble; return its stacked summaries.

    ``workers``: local worker processes (default: all cores; 1 runs in this process).
    ``dask``: a Dask scheduler address (``"tcp://host:port"``) or a ``distributed.Client``;
    the realizations then run on that cluster. Either way each finished realization is written
    to the cache at once, and a rerun of the same call resumes from what is there.
    """
    params = resolve_params(model, params)
    realizations = check_int("realizations", realizations, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if workers is None:
        workers = os.cpu_count() or 1
    workers = check_int("workers", workers, minimum=1)
    label = label or model
    path = ensemble_dir(cache_dir, group, label, model, params, seed, realizations)
    final = path / "ensemble.npz"
    if final.exists():
        return load_ensemble(path)
    parts = path / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for stale in parts.glob("*.tmp*"):
        stale.unlink()  # a write interrupted by kill -9
    meta = {
        "model": model, "params": _canonical(params), "seed": seed, "realizations": realizations,
        "group": group, "label": label, "key": ensemble_key(model, params, seed, realizations),
        "versions": software_versions(),
    }
    _write_json(path / "meta.json", meta)
    done = _done_indices(parts, realizations)
    todo = [k for k in range(realizations) if k not in done]
    started = time.perf_counter()
    bar = _progress(realizations, len(done), f"{group}:{label}", progress)

    def on_result(k, summary):
        _write_atomic_npz(_part_path(parts, k), summary)
        bar.update(1)

    try:
        if todo:
            if dask is not None:
                _run_dask(model, params, seed, todo, dask, on_result)
            else:
                _run_local(model, params, seed, todo, min(workers, len(todo)), on_result)
    except KeyboardInterrupt:
        saved = len(_done_indices(parts, realizations))
        print(f"\ninterrupted: {saved} of {realizations} realizations saved in {parts}; "
              "run the same command again to resume", file=sys.stderr)
        raise
    finally:
        bar.close()
    return _consolidate(path, meta, realizations, time.perf_counter() - started)


def _consolidate(path: Path, meta: dict, realizations: int, seconds: float) -> EnsembleResult:
    parts = path / "parts"
    rows = []
    for k in range(realizations):
        with np.load(_part_path(parts, k)) as f:
            rows.append({name: f[name] for name in f.files})
    names = sorted(rows[0])
    data = {name: np.stack([row[name] for row in rows]) for name in names}
    _write_atomic_npz(path / "ensemble.npz", data, compressed=True)
    meta = dict(meta, wall_seconds_last_run=round(seconds, 3),
                cpu_seconds=round(float(data[TIMING_PREFIX + "total"].sum()), 3))
    _write_json(path / "meta.json", meta)
    shutil.rmtree(parts)
    return EnsembleResult(path, meta, data)


def load_ensemble(path) -> EnsembleResult:
    """Load a finished ensemble directory (``meta.json`` + ``ensemble.npz``)."""
    path = Path(path)
    meta = json.loads((path / "meta.json").read_text())
    with np.load(path / "ensemble.npz") as f:
        data = {name: f[name] for name in f.files}
    return EnsembleResult(path, meta, data)


def verify_ensemble(result: EnsembleResult, indices) -> list[str]:
    """Recompute the given realizations from their seeds; return the arrays that differ.

    Integers (histograms, counts) must match exactly; floats to a relative 1e-12 (the same code
    on another CPU may round differently in the last bits). Timings are not compared.
    """
    meta = result.meta
    problems = []
    for k in indices:
        fresh = run_realization(meta["model"], meta["params"], meta["seed"], int(k))
        for name, value in fresh.items():
            if name.startswith(TIMING_PREFIX):
                continue
            cached = result.data[name][int(k)]
            value = np.asarray(value)
            if value.dtype.kind in "iub":
                ok = np.array_equal(cached, value)
            else:
                ok = np.allclose(cached, value, rtol=1e-12, atol=0, equal_nan=True)
            if not ok:
                problems.append(f"realization {k}: {name}")
    return problems
