"""Shared pytest configuration: a deterministic hypothesis profile for CI."""

from hypothesis import settings

# derandomize: the same examples on every run (CI is reproducible); deadline=None: numba's first
# call compiles, so a per-example time limit would flake; database=None: no example database
# (derandomized runs have nothing to replay). pyproject's norecursedirs keeps pytest out of the
# .hypothesis/ folder that hypothesis still creates.
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci")
