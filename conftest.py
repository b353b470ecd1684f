"""Shared pytest configuration, for tests/ and the notebooks nbval checks: a deterministic
hypothesis profile, the seed of the cache tests' picks (printed in the header of every run), the
slow mark of the notebooks' cells, and where the notebooks write their figure CSVs under test.

It sits at the root, not in tests/, so that its hooks also apply when only ``notebooks/`` is
collected (``pytest notebooks/``)."""

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import settings

# derandomize: the same examples on every run (CI is reproducible); deadline=None: numba's first
# call compiles, so a per-example time limit would flake; database=None: no example database
# (derandomized runs have nothing to replay). pyproject's norecursedirs keeps pytest out of the
# .hypothesis/ folder that hypothesis still creates.
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci")

CACHE = Path(__file__).resolve().parent / "results"
_FIGDATA_KEY = pytest.StashKey[str]()


@lru_cache(maxsize=1)
def cache_pick_seed() -> int:
    """Seed of the cache tests' picks: ``$GLASSLIB_PICK_SEED``, else a hash of the code
    fingerprints and of every cached ensemble's key and checksum, i.e. a deterministic function
    of the committed tree (the CI copy has no .git to ask for the commit)."""
    if os.environ.get("GLASSLIB_PICK_SEED"):
        return int(os.environ["GLASSLIB_PICK_SEED"])
    from glasslib.provenance import code_fingerprint
    from glasslib.realizations import MODELS

    h = hashlib.sha256(json.dumps({m: code_fingerprint(m) for m in MODELS}).encode())
    for meta in sorted(CACHE.glob("*/*/meta.json")):
        with open(meta) as fh:
            m = json.load(fh)
        h.update(f"{m.get('key')}:{m.get('sha256')}".encode())
    return int(h.hexdigest()[:12], 16)


def pytest_report_header(config):
    return f"cache picks: GLASSLIB_PICK_SEED={cache_pick_seed()} (set it to replay these picks)"


def pytest_configure(config):
    """The notebooks nbval executes would write their figure CSVs into the committed
    ``notebooks/figdata/`` (they run there, with the book's parameters). Under test they go to a
    scratch folder instead (``$GLASSLIB_FIGDATA``, read by :func:`glasslib.notebook.
    check_parameters`), so that a test run leaves the tree as it found it, and so that a test
    hashing the tree on one process never sees a notebook rewriting a CSV on another (a fit's
    last digits differ between machines). The kernels nbval starts, and pytest-xdist's workers,
    inherit the variable; the process that made the folder removes it."""
    if os.environ.get("GLASSLIB_FIGDATA"):
        return
    import tempfile

    folder = tempfile.mkdtemp(prefix="glasslib-test-")
    # named figdata/ like the committed folder (notebooks/sanitize.cfg maps the download
    # links' paths back to it for nbval's comparison)
    os.environ["GLASSLIB_FIGDATA"] = os.path.join(folder, "figdata")
    config.stash[_FIGDATA_KEY] = folder


def pytest_unconfigure(config):
    import shutil

    folder = config.stash.get(_FIGDATA_KEY, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("GLASSLIB_FIGDATA", None)


def pytest_collection_modifyitems(config, items):
    """nbval's notebook cells execute whole notebooks at paper scale: they belong to the slow
    suite (CI runs everything; ``pytest -m "not slow"`` is the fast loop).

    On a pytest-xdist worker the slow tests are then moved to the front (a stable sort, the
    same on every worker, as xdist requires): the scheduler below hands out single tests in this
    order, so the long ones start early and the short ones fill in at the end, instead of one
    long test starting last and keeping everyone waiting."""
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.slow)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


#: a test file whose tests share state, so that they run whole on one process: a notebook
#: (each cell needs its predecessors' kernel state) or a module with state set up once per
#: module or class (else each process builds it again, and the site test's fixture writes one
#: fixed folder)
_SHARED_STATE = re.compile(
    r"""scope\s*=\s*["'](?:module|class|package)["']|def (?:setup|teardown)_(?:module|class)\b"""
    r"|def (?:setUp|tearDown)Class\b")


def _keeps_together(config, path: str) -> bool:
    return _file_keeps_together(config.rootpath / path)


@lru_cache(maxsize=None)
def _file_keeps_together(path: Path) -> bool:
    # once per file: the scheduler asks for every test of it
    if path.suffix == ".ipynb":
        return True
    try:
        return bool(_SHARED_STATE.search(path.read_text()))
    except OSError:
        return True


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist load`` (pyproject.toml) with exceptions: a test goes to whichever process is
    free, except that the tests of a file sharing state (:data:`_SHARED_STATE`, notebooks) go
    there together, in order. (pytest-xdist's own ``loadgroup`` would do this with marks, but
    3.8 attaches its groups through ``Item._nodeid``, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadSharingStateTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if _keeps_together(config, path) else nodeid

    return LoadSharingStateTogether(config, log)
