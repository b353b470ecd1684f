"""Shared pytest configuration: a deterministic hypothesis profile, and the seed of the cache
tests' picks (printed in the header of every run)."""

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from hypothesis import settings

# derandomize: the same examples on every run (CI is reproducible); deadline=None: numba's first
# call compiles, so a per-example time limit would flake; database=None: no example database
# (derandomized runs have nothing to replay). pyproject's norecursedirs keeps pytest out of the
# .hypothesis/ folder that hypothesis still creates.
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci")

CACHE = Path(__file__).resolve().parents[1] / "results"


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


def pytest_collection_modifyitems(config, items):
    """nbval's notebook cells execute whole notebooks at paper scale: they belong to the slow
    suite (CI runs everything; ``pytest -m "not slow"`` is the fast loop)."""
    import pytest

    for item in items:
        if type(item).__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.slow)
