"""Ensembles of realizations: parallel, resumable, hash-cached, verified, optionally on Dask.

An ensemble is ``(model, params, realizations, seed)``. Realization ``k`` is
:func:`glasslib.realizations.compute_realization` on child ``k`` of ``SeedSequence(seed)``, so
its numbers do not depend on where or in which order it runs (1 worker, 2 workers or a cluster).

Cache layout (``cache_dir`` defaults to ``./results``, or ``$GLASSLIB_CACHE``)::

    <cache_dir>/<group>/<label>-<key>/
        meta.json      parameters, seed, count, code fingerprint, platforms, checksum, timings
        ensemble.npz   every realization's summary stacked along axis 0, the bin edges and time
                       grid (``axis_*``), each row's index and platform (written when complete)
        parts/         one self-checking file per finished realization while the run goes on
    <cache_dir>/.locks/   one lock file per ensemble (two runs of one ensemble never collide)

``key`` hashes the model, the full parameter set, the seed, the realization count, the model's
version and the format: changing any of them changes the directory. The *code* is not in the
key but in ``meta.json`` (its fingerprint, :mod:`glasslib.provenance`): a cache made by other
code is refused on load until it is re-certified (:func:`certify_ensemble`: recomputed
realizations agree within the comparator's tolerance) or recomputed.

Integrity: every part file carries its index, the ensemble key, the code fingerprint, the
platform and a SHA-256 digest of its arrays; a part that fails any check is named, discarded and
recomputed. ``meta.json`` records the SHA-256 of ``ensemble.npz``, the row count is checked on
every load, and ``ensemble.npz`` embeds a copy of the metadata, so that ``python -m glasslib
recompute <dir>`` can rebuild either file.

Interruptions: finished realizations are written atomically as they finish; Ctrl-C, SIGTERM,
``kill -9`` or a power loss lose at most the realizations in flight, and the same call resumes
to the same numbers, bit for bit. Worker processes die with the main process.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from ._validation import check_int
from .provenance import code_fingerprint, platform_id, platform_info
from .realizations import (
    MODEL_VERSIONS,
    axes,
    compute_realization,
    estimate_memory,
    resolve_params,
)

__all__ = [
    "FORMAT_VERSION",
    "DEFAULT_CACHE",
    "CacheError",
    "CorruptCacheError",
    "StaleCacheError",
    "InsufficientMemoryError",
    "Terminated",
    "ensemble_key",
    "ensemble_dir",
    "EnsembleResult",
    "run_ensemble",
    "load_ensemble",
    "verify_ensemble",
    "certify_ensemble",
    "recompute_ensemble",
    "comparison_level",
    "software_versions",
    "available_memory",
    "default_cache",
    "user_cache",
]

#: layout of the files below; part of every key (format 1 had no checksums or fingerprints)
FORMAT_VERSION = 2
DEFAULT_CACHE = Path(os.environ.get("GLASSLIB_CACHE", "results"))
TIMING_PREFIX = "seconds_"
AXIS_PREFIX = "axis_"
_ROW_INDEX, _ROW_PLATFORM, _EMBEDDED = "row_index", "row_platform", "__meta__"


class CacheError(RuntimeError):
    """A cached ensemble cannot be used as it is; ``remedy`` is the command that fixes it."""

    def __init__(self, path, problem: str, remedy: str):
        self.path, self.problem, self.remedy = Path(path), problem, remedy
        super().__init__(f"{path}: {problem}. To fix it: {remedy}")


class CorruptCacheError(CacheError):
    """A cache file is missing, unreadable, truncated or does not match its checksum."""


class StaleCacheError(CacheError):
    """The cache was made by other code (fingerprint or format) and is not certified for it."""


class InsufficientMemoryError(ValueError):
    """A realization would not fit in the memory this machine has (raised before any work)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: finished realizations are kept, the run can be resumed."""


def default_cache() -> Path:
    """Where notebooks look for ensembles by default: ``$GLASSLIB_CACHE`` if set, else the
    ``results/`` of the repository this glasslib was installed from (editable install), else
    ``./results``. (The command line uses ``$GLASSLIB_CACHE`` or ``./results``.)"""
    if os.environ.get("GLASSLIB_CACHE"):
        return Path(os.environ["GLASSLIB_CACHE"])
    repo = Path(__file__).resolve().parents[1]
    if (repo / "pyproject.toml").exists() and (repo / "results").is_dir():
        return repo / "results"
    return Path("results")


def user_cache() -> Path:
    """Where reruns with other parameters keep their ensembles: ``$GLASSLIB_CACHE`` if set,
    else ``$XDG_CACHE_HOME/glasslib`` (``~/.cache/glasslib``), never inside the repository."""
    if os.environ.get("GLASSLIB_CACHE"):
        return Path(os.environ["GLASSLIB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glasslib"


def software_versions() -> dict:
    """Versions recorded with every result."""
    info = platform_info()
    return {"python": info["python"], "numpy": info["numpy"], "scipy": info["scipy"],
            "numba": info["numba_target"]["numba"], "glasslib": __version__,
            "machine": info["machine"]}


def _canonical(params: dict) -> dict:
    return {k: (float(v) if isinstance(v, (float, np.floating)) else v)
            for k, v in sorted(params.items())}


def ensemble_key(model: str, params: dict, seed: int, realizations: int) -> str:
    """SHA-256 (first 16 hex digits) of the model, the parameters that differ from the model's
    defaults, the seed, the count, the model's version and the cache format.

    Leaving defaults out means a new parameter whose default keeps the old behaviour does not
    move every ensemble to a new directory; a changed default is still caught, by the code
    fingerprint (the defaults are part of the code)."""
    full = resolve_params(model, params)
    default = resolve_params(model, {})
    differ = {k: v for k, v in full.items() if k not in default or v != default[k]}
    blob = json.dumps(
        {"model": model, "params": _canonical(differ), "seed": int(seed),
         "realizations": int(realizations), "model_version": MODEL_VERSIONS[model],
         "format": FORMAT_VERSION},
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
    """A finished ensemble: ``data[name]`` has one row per realization (axis 0); ``axes`` holds
    the bin edges and time grid the rows are expressed on; ``row_platform`` the platform id of
    each row (keys of ``meta["platforms"]``)."""

    path: Path
    meta: dict
    data: dict
    axes: dict = field(default_factory=dict)
    row_platform: np.ndarray | None = None

    @property
    def realizations(self) -> int:
        return int(self.meta["realizations"])

    def physics(self) -> dict:
        """The arrays without wall-clock timings (these are what must be reproducible)."""
        return {k: v for k, v in self.data.items() if not k.startswith(TIMING_PREFIX)}

    def row(self, k: int) -> dict:
        """``{field: value}`` of realization ``k`` (timings excluded)."""
        return {name: v[int(k)] for name, v in self.physics().items()}

    def subset(self, rows) -> EnsembleResult:
        """The ensemble restricted to realizations ``rows`` (indices, in that order), in memory:
        ``meta["realizations"]`` is their count and ``meta["rows"]`` the indices kept. Used to
        ask whether independent parts of an ensemble agree (:mod:`glasslib.verdicts`)."""
        rows = np.asarray(rows, dtype=np.intp)
        if rows.ndim != 1 or (rows.size and (rows.min() < 0 or rows.max() >= self.realizations)):
            raise IndexError(f"rows must be indices in [0, {self.realizations}), got {rows}")
        meta = {**self.meta, "realizations": int(rows.size), "rows": rows.tolist()}
        return EnsembleResult(
            self.path, meta, {k: v[rows] for k, v in self.data.items()}, dict(self.axes),
            None if self.row_platform is None else self.row_platform[rows])


# --------------------------------------------------------------------------- files


def _digest(arrays: dict) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tmp_name(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp{os.getpid()}-{secrets.token_hex(4)}")


def _write_atomic_npz(path: Path, arrays: dict, compressed: bool = False) -> None:
    tmp = _tmp_name(path)
    with open(tmp, "wb") as fh:
        (np.savez_compressed if compressed else np.savez)(fh, **arrays)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_json(path: Path, obj: dict) -> None:
    tmp = _tmp_name(path)
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _load_npz(path: Path) -> dict:
    # our own file handle: np.load on a path leaks it when the zip turns out to be damaged
    with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as f:
        return {name: f[name] for name in f.files}


def _part_path(parts: Path, k: int) -> Path:
    return parts / f"r{k:06d}.npz"


def _write_part(parts: Path, k: int, arrays: dict, header: dict) -> None:
    header = dict(header, index=int(k), digest=_digest(arrays))
    _write_atomic_npz(_part_path(parts, k), {**arrays, _EMBEDDED: np.array(json.dumps(header))})


def _read_part(path: Path, k: int, key: str, fingerprint: str):
    """(arrays, header) of a part file; raises ValueError saying what is wrong with it."""
    try:
        arrays = _load_npz(path)
    except Exception as exc:  # noqa: BLE001 - a damaged zip raises many different types
        raise ValueError(f"unreadable ({type(exc).__name__}: {exc})") from None
    if _EMBEDDED not in arrays:
        raise ValueError("no header: made by an older glasslib")
    header = json.loads(str(arrays.pop(_EMBEDDED)))
    if header.get("digest") != _digest(arrays):
        raise ValueError("its arrays do not match their checksum")
    if header.get("index") != k:
        raise ValueError(f"it holds realization {header.get('index')}, not {k}")
    if header.get("key") != key:
        raise ValueError(f"it belongs to ensemble {header.get('key')}, not {key}")
    if header.get("fingerprint") != fingerprint:
        raise _OtherCode(header.get("fingerprint"))
    return arrays, header


class _OtherCode(ValueError):
    pass


def _scan_parts(parts: Path, realizations: int, key: str, fingerprint: str, say) -> dict:
    """``{k: platform info}`` of the valid part files; invalid ones are named and removed.
    Parts made by other code restart the ensemble (they would mix two codes' numbers)."""
    done: dict = {}
    if not parts.is_dir():
        return done
    files = sorted(p for p in parts.glob("r*.npz") if re.fullmatch(r"r(\d{6})\.npz", p.name))
    other = []
    for p in files:
        k = int(p.name[1:7])
        if k >= realizations:
            say(f"discarding {p}: realization {k} is beyond the ensemble's {realizations}")
            p.unlink()
            continue
        try:
            _, header = _read_part(p, k, key, fingerprint)
        except _OtherCode as exc:
            other.append((p, str(exc)))
            continue
        except ValueError as exc:
            say(f"discarding corrupt part {p}: {exc}; it will be recomputed")
            p.unlink()
            continue
        done[k] = (header["platform"], header["platform_info"])
    if other:
        say(f"restarting {parts.parent}: {len(other)} finished realization(s) were made by other "
            f"code (fingerprint {other[0][1]}, now {fingerprint}); mixing them with new ones "
            "would give an ensemble of two codes, so they are discarded")
        for p, _ in other:
            p.unlink()
        done = {}
    return done


# --------------------------------------------------------------------------- workers


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker exit when its parent does (kill -9 included): the kernel's
    parent-death signal on Linux, and a watchdog thread everywhere."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="glasslib-parent-watch", daemon=True).start()


def _worker_init(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group: only the main process handles it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    # one thread per worker process: workers must not fight over the cores
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _realization_task(model, params, seed, k):
    """Run in a worker: the summary, timings and the worker's code and platform."""
    real = compute_realization(model, params, seed, k)
    arrays = {**real.summary,
              **{f"{TIMING_PREFIX}{name}": np.float64(v) for name, v in real.timings.items()}}
    return arrays, code_fingerprint(model), platform_id(), platform_info()


def _verify_task(model, params, seed, k, row, level):
    from .comparator import compare_realization

    fresh = compute_realization(model, params, seed, k, keep_context=(level == "tolerance"))
    return compare_realization(row, fresh, level=level, index=k)


def _terminate(pool) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(5)
            if p.is_alive():
                p.kill()


def _map_local(fn, tasks, workers, on_result):
    """``on_result(k, fn(*args))`` for each ``(k, args)`` of ``tasks``, in ``workers`` processes
    (1: in this process). At most 2 tasks per worker are in flight, so an interruption loses
    little; on any exception the workers are terminated at once."""
    if workers == 1:
        for k, args in tasks:
            on_result(k, fn(*args))
            _raise_pending()
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(),))
    try:
        pending = {}
        queue = list(tasks)
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                k, args = queue.pop(0)
                pending[pool.submit(fn, *args)] = k
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            _raise_pending()
            for fut in finished:
                k = pending.pop(fut)
                on_result(k, fut.result())
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def _map_dask(fn, tasks, dask, on_result):
    from distributed import Client, as_completed

    client = dask if isinstance(dask, Client) else Client(dask, set_as_default=False)
    try:
        futures = {client.submit(fn, *args, pure=False): k for k, args in tasks}
        for fut in as_completed(futures, loop=client.loop):
            _raise_pending()
            on_result(futures[fut], fut.result())
    finally:
        if client is not dask:
            client.close()


#: signals received inside :func:`_sigterm_as_interrupt` and not yet raised by
#: :func:`_raise_pending`
_PENDING: list = []


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Inside: SIGTERM raises :class:`Terminated` and SIGINT ``KeyboardInterrupt`` (in the main
    thread; elsewhere a no-op), and each is recorded until :func:`_raise_pending` raises it.

    The record matters because Python drops an exception raised while a finalizer (``__del__``,
    a weakref callback) runs: a Ctrl-C landing there was once swallowed, and the run went on to
    finish with exit status 0. The loops that wait for workers call :func:`_raise_pending` after
    every wait, so a signal is honoured at the latest when the next realization finishes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        _PENDING.append(signum)
        raise Terminated("SIGTERM") if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    _PENDING.clear()
    try:
        yield
        _raise_pending()  # swallowed after the last wait: still an interruption
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        _PENDING.clear()


def _raise_pending() -> None:
    """Raise the interruption a signal asked for, if its first raise was swallowed."""
    if _PENDING:
        signum = _PENDING[0]
        raise Terminated("SIGTERM") if signum == signal.SIGTERM else KeyboardInterrupt


# --------------------------------------------------------------------------- memory


def available_memory() -> int:
    """Bytes of memory available to new allocations (``MemAvailable``; else free pages)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return 1 << 62  # unknown: do not block


def _gib(n: float) -> str:
    return f"{n / 2**30:.3g} GiB" if n < 2**40 else f"{n / 2**40:.3g} TiB"


def _fit_workers(model, params, workers, say) -> int:
    """Refuse a realization that cannot fit in memory; run fewer workers if they would not."""
    need = estimate_memory(model, params)
    have = available_memory()
    if need > have:
        raise InsufficientMemoryError(
            f"N={params['N']}: one realization of model {model!r} needs about {_gib(need)} "
            f"(its N x N matrices), more than the {_gib(have)} available here; lower N")
    fit = max(1, int(have // need))
    if workers > fit:
        say(f"running {fit} worker(s) instead of {workers}: each realization needs about "
            f"{_gib(need)} and {_gib(have)} is available")
        return fit
    return workers


# --------------------------------------------------------------------------- running


def _lock(cache_dir, path: Path):
    from filelock import FileLock

    lockfile = Path(cache_dir) / ".locks" / path.parent.name / f"{path.name}.lock"
    lockfile.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(lockfile)), lockfile


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    to the cache at once, and a rerun of the same call resumes from what is there. A second call
    for the same ensemble while one runs waits for it and then returns its result.
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
    if dask is None:
        workers = _fit_workers(model, params, workers, _say)
    lock, lockfile = _lock(cache_dir, path)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(lock.acquire(timeout=0))
        except Exception:  # noqa: BLE001 - filelock.Timeout
            _say(f"waiting for another run of {group}:{label} to finish (lock {lockfile})")
            stack.enter_context(lock.acquire())
        if final.exists():  # the other run finished it
            return load_ensemble(path)
        with _sigterm_as_interrupt():
            return _run_locked(model, params, realizations, seed, path, group, label, workers,
                               dask, progress)


def _run_locked(model, params, realizations, seed, path, group, label, workers, dask, progress):
    from tqdm.auto import tqdm

    key = ensemble_key(model, params, seed, realizations)
    fingerprint = code_fingerprint(model)
    parts = path / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for stale in parts.glob("*.tmp*"):
        stale.unlink()  # a write interrupted by kill -9 (we hold the lock: nobody else writes)
    meta = {
        "format": FORMAT_VERSION, "model": model, "params": _canonical(params), "seed": seed,
        "realizations": realizations, "group": group, "label": label, "key": key,
        "model_version": MODEL_VERSIONS[model], "fingerprint": fingerprint,
        "versions": software_versions(), "complete": False,
    }
    _write_json(path / "meta.json", meta)
    header = {"key": key, "fingerprint": fingerprint}
    started = time.perf_counter()
    computed = 0
    for _attempt in range(3):
        done = _scan_parts(parts, realizations, key, fingerprint, _say)
        todo = [k for k in range(realizations) if k not in done]
        if not todo:
            break
        bar = tqdm(total=realizations, initial=len(done), desc=f"{group}:{label}", unit="real",
                   disable=not progress, dynamic_ncols=True, mininterval=0.5)

        def on_result(k, out, bar=bar):
            nonlocal computed
            arrays, fp, pid, pinfo = out
            if fp != fingerprint:
                raise RuntimeError(f"a worker runs other glasslib code (fingerprint {fp}, here "
                                   f"{fingerprint}): install the same version on every worker")
            _write_part(parts, k, arrays, dict(header, platform=pid, platform_info=pinfo))
            computed += 1
            bar.update(1)

        tasks = [(k, (model, params, seed, k)) for k in todo]
        try:
            if dask is not None:
                _map_dask(_realization_task, tasks, dask, on_result)
            else:
                _map_local(_realization_task, tasks, min(workers, len(todo)), on_result)
        except KeyboardInterrupt as exc:
            bar.close()
            saved = len(_scan_parts(parts, realizations, key, fingerprint, _say))
            what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
            _say(f"\n{what}: {saved} of {realizations} realizations saved in {parts}; "
                 "run the same command again to resume")
            raise
        bar.close()
    else:
        raise RuntimeError(f"{path}: parts kept failing their checks; see the messages above")
    return _consolidate(path, meta, time.perf_counter() - started, computed)


def _consolidate(path: Path, meta: dict, seconds: float, computed: int) -> EnsembleResult:
    parts = path / "parts"
    n = meta["realizations"]
    rows, platforms, row_platform = [], {}, []
    for k in range(n):
        arrays, header = _read_part(_part_path(parts, k), k, meta["key"], meta["fingerprint"])
        rows.append(arrays)
        platforms[header["platform"]] = header["platform_info"]
        row_platform.append(header["platform"])
    names = sorted(rows[0])
    data = {name: np.stack([row[name] for row in rows]) for name in names}
    ax = axes(meta["model"], meta["params"])
    meta = dict(meta, complete=True, platforms=platforms, certified=[],
                wall_seconds_last_run=round(seconds, 3),
                cpu_seconds=round(float(data[TIMING_PREFIX + "total"].sum()), 3))
    meta.pop("sha256", None)
    embedded = {k: meta[k] for k in ("format", "model", "params", "seed", "realizations",
                                     "group", "label", "key", "model_version", "fingerprint")}
    arrays = {**data, **{AXIS_PREFIX + k: v for k, v in ax.items()},
              _ROW_INDEX: np.arange(n, dtype=np.int64),
              _ROW_PLATFORM: np.array(row_platform), _EMBEDDED: np.array(json.dumps(embedded))}
    final = path / "ensemble.npz"
    _write_atomic_npz(final, arrays, compressed=True)
    meta["sha256"] = _file_sha256(final)
    _write_json(path / "meta.json", meta)
    shutil.rmtree(parts)
    if computed:
        _say(f"{meta['group']}:{meta['label']}: computed {computed} of {n} realizations")
    return EnsembleResult(path, meta, data, ax, np.array(row_platform))


# --------------------------------------------------------------------------- loading


def _recompute_hint(path: Path) -> str:
    return f"python -m glasslib recompute {path}"


def _certify_hint(path: Path) -> str:
    return (f"python -m glasslib certify {path} (recomputes a few realizations and keeps the "
            f"cache if they agree), or {_recompute_hint(path)}")


def _accepted_fingerprints(meta: dict) -> set:
    return {meta.get("fingerprint")} | {c["fingerprint"] for c in meta.get("certified", [])}


def load_ensemble(path, *, check_code: bool = True) -> EnsembleResult:
    """Load a finished ensemble directory, checking it (any failure names the file and the
    command that fixes it):

    - ``meta.json`` parses, has the current format, and its key matches its parameters and the
      directory name;
    - ``ensemble.npz`` matches the SHA-256 recorded in ``meta.json``, and every field has one
      row per realization, in order;
    - with ``check_code``, the code fingerprint recorded (or certified) is the current one.
    """
    path = Path(path)
    try:
        meta = json.loads((path / "meta.json").read_text())
    except FileNotFoundError:
        raise CorruptCacheError(path, "meta.json is missing", _recompute_hint(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptCacheError(path, f"meta.json is not valid JSON ({exc})",
                                _recompute_hint(path)) from None
    if meta.get("format") != FORMAT_VERSION:
        raise StaleCacheError(path, f"made in cache format {meta.get('format', 1)}, this "
                              f"glasslib reads format {FORMAT_VERSION}", _recompute_hint(path))
    final = path / "ensemble.npz"
    if not final.exists():
        raise CorruptCacheError(path, "ensemble.npz is missing (an unfinished run?)",
                                _recompute_hint(path))
    try:
        key = ensemble_key(meta["model"], meta["params"], meta["seed"], meta["realizations"])
    except (KeyError, ValueError, TypeError) as exc:
        raise CorruptCacheError(path, f"meta.json is incomplete or invalid ({exc})",
                                _recompute_hint(path)) from None
    if key != meta.get("key") or not path.name.endswith(f"-{key}"):
        raise CorruptCacheError(path, "the key in meta.json does not match its parameters or the "
                                "directory name", _recompute_hint(path))
    if _file_sha256(final) != meta.get("sha256"):
        raise CorruptCacheError(path, "ensemble.npz does not match the checksum in meta.json "
                                "(truncated or edited)", _recompute_hint(path))
    try:
        arrays = _load_npz(final)
    except Exception as exc:  # noqa: BLE001
        raise CorruptCacheError(path, f"ensemble.npz is unreadable ({exc})",
                                _recompute_hint(path)) from None
    n = int(meta["realizations"])
    index = arrays.pop(_ROW_INDEX, None)
    rows_platform = arrays.pop(_ROW_PLATFORM, None)
    arrays.pop(_EMBEDDED, None)
    ax = {k[len(AXIS_PREFIX):]: arrays.pop(k) for k in list(arrays) if k.startswith(AXIS_PREFIX)}
    short = sorted(name for name, v in arrays.items() if v.shape[:1] != (n,))
    if index is None or not np.array_equal(index, np.arange(n)) or short or rows_platform is None:
        raise CorruptCacheError(path, f"ensemble.npz does not hold {n} realizations in order "
                                f"(fields with another row count: {short})", _recompute_hint(path))
    if check_code:
        current = code_fingerprint(meta["model"])
        if current not in _accepted_fingerprints(meta):
            raise StaleCacheError(
                path, f"made by other code (fingerprint {meta.get('fingerprint')}; the current "
                f"code of model {meta['model']!r} is {current}) and not certified for it",
                _certify_hint(path))
    return EnsembleResult(path, meta, arrays, ax, rows_platform)


# --------------------------------------------------------------------------- verification


def comparison_level(result: EnsembleResult, k: int) -> str:
    """``"bitwise"`` if row ``k`` was made by the current code on this platform, else
    ``"tolerance"`` (see :mod:`glasslib.comparator`)."""
    same_code = result.meta.get("fingerprint") == code_fingerprint(result.meta["model"])
    same_platform = (result.row_platform is not None
                     and str(result.row_platform[int(k)]) == platform_id())
    return "bitwise" if same_code and same_platform else "tolerance"


def verify_ensemble(result: EnsembleResult, indices, *, workers: int = 1,
                    progress: bool = False, level: str | None = None) -> list:
    """Recompute the given realizations from their seeds and compare each with the cache
    (:func:`glasslib.comparator.compare_realization`); returns the list of comparisons.

    ``level`` forces ``"bitwise"`` or ``"tolerance"``; by default each row gets the level
    :func:`comparison_level` gives it. ``workers`` > 1 recomputes in parallel processes.
    """
    from tqdm.auto import tqdm

    meta = result.meta
    indices = [check_int("index", int(k), minimum=0) for k in indices]
    bad = [k for k in indices if k >= result.realizations]
    if bad:
        raise ValueError(f"realization indices {bad} do not exist (the ensemble has "
                         f"{result.realizations})")
    workers = check_int("workers", workers, minimum=1)
    workers = _fit_workers(meta["model"], meta["params"], min(workers, max(len(indices), 1)),
                           _say)
    tasks = [(k, (meta["model"], meta["params"], meta["seed"], k, result.row(k),
                  level or comparison_level(result, k))) for k in indices]
    out = {}
    bar = tqdm(total=len(tasks), desc=f"verify {meta['label']}", unit="real",
               disable=not progress, dynamic_ncols=True, mininterval=0.5)

    def on_result(k, comparison):
        out[k] = comparison
        bar.update(1)

    try:
        with _sigterm_as_interrupt():
            _map_local(_verify_task, tasks, workers, on_result)
    finally:
        bar.close()
    return [out[k] for k in indices]


def certify_ensemble(result: EnsembleResult, indices, *, workers: int = 1,
                     progress: bool = False) -> list:
    """Recompute ``indices`` with the current code and, if every one agrees with the cache
    within the comparator's tolerance, record that the current code fingerprint is certified
    for this ensemble (``meta.json``'s ``certified`` list). Returns the comparisons."""
    comparisons = verify_ensemble(result, indices, workers=workers, progress=progress,
                                  level="tolerance")
    if comparisons and all(c.ok for c in comparisons):
        meta = dict(result.meta)
        meta["certified"] = list(meta.get("certified", [])) + [{
            "fingerprint": code_fingerprint(meta["model"]), "platform": platform_id(),
            "platform_info": platform_info(), "checked": sorted(int(c.index) for c in comparisons),
            "level": "tolerance", "glasslib": __version__,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        }]
        _write_json(result.path / "meta.json", meta)
        result.meta = meta
    return comparisons


def recompute_ensemble(path, *, workers: int | None = None, progress: bool = True,
                       dask=None) -> EnsembleResult:
    """Delete a cached ensemble's files and compute it again with the current code, taking its
    parameters from ``meta.json`` or, if that is damaged, from the copy inside ``ensemble.npz``."""
    path = Path(path)
    meta = None
    with contextlib.suppress(Exception):
        meta = json.loads((path / "meta.json").read_text())
    if not meta or "model" not in meta:
        with contextlib.suppress(Exception):
            meta = json.loads(str(_load_npz(path / "ensemble.npz")[_EMBEDDED]))
    if not meta or "model" not in meta:
        raise CorruptCacheError(path, "neither meta.json nor ensemble.npz says which ensemble "
                                "this is", "run the command that made it again")
    cache_dir = path.parent.parent
    for name in ("ensemble.npz", "meta.json"):
        with contextlib.suppress(FileNotFoundError):
            (path / name).unlink()
    result = run_ensemble(meta["model"], meta["params"], meta["realizations"], meta["seed"],
                          cache_dir=cache_dir, group=meta["group"], label=meta["label"],
                          workers=workers, dask=dask, progress=progress)
    if result.path.resolve() != path.resolve():
        # an older format or model version: the new key names a new directory
        shutil.rmtree(path, ignore_errors=True)
        _say(f"{path} replaced by {result.path}")
    return result
