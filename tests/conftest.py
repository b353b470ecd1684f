"""Shared pytest configuration: a deterministic hypothesis profile for CI."""

from hypothesis import settings

# derandomize: the same examples on every run (CI is reproducible); deadline=None: numba's first
# call compiles, so a per-example time limit would flake.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci")
