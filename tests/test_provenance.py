"""Code fingerprints see the physics, not the formatting; platform ids see the CPU kernels."""

import json
import os
import subprocess
import sys

import pytest

from glasslib import provenance as P
from glasslib.realizations import MODELS


def fingerprints(sources, defaults=None):
    return {m: P.model_fingerprint(sources, m, (defaults or {}).get(m)) for m in MODELS}


def edit(sources, module, old, new):
    assert old in sources[module], f"{old!r} not in {module}"
    return {**sources, module: sources[module].replace(old, new, 1)}


@pytest.fixture(scope="module")
def base():
    src = P.kernel_sources()
    return src, fingerprints(src)


def test_fingerprint_matches_the_installed_code(base):
    _, fp = base
    for m in MODELS:
        assert P.code_fingerprint(m) == fp[m]


@pytest.mark.slow  # 8-20 s: kept out of the fast loop (CI runs it)
def test_a_new_default_of_one_model_changes_only_that_model(base):
    """The defaults table is shared by every model but hashed row by row: a new parameter of
    the electron glass (with its default) must not invalidate the TLS caches."""
    from glasslib.realizations import DEFAULTS

    src, fp = base
    eg = fingerprints(src, {"eg": {**DEFAULTS["eg"], "new_parameter": None}})
    assert eg["eg"] != fp["eg"]
    assert {m: eg[m] for m in MODELS if m != "eg"} == {m: fp[m] for m in MODELS if m != "eg"}
    changed = fingerprints(src, {"tls": {**DEFAULTS["tls"], "tol": 1e-9}})
    assert changed["tls"] != fp["tls"] and changed["eg"] == fp["eg"]


def test_comments_docstrings_and_formatting_do_not_change_it(base):
    src, fp = base
    changed = edit(src, "tls", "def _x_coth_half(E, T):\n",
                   "def _x_coth_half(E, T):  # a new comment\n\n")
    changed = edit(changed, "tls", '"""Eq. (6)', '"""A reworded docstring. Eq. (6)')
    changed = edit(changed, "_sweeps", "    two_t = 2.0 * T\n",
                   "    two_t = (2.0 *\n             T)\n")
    changed = edit(changed, "realizations", "#: log10(rate) bin edges",
                   "# a comment\n#: log10(rate) bin edges")
    assert fingerprints(changed) == fp


@pytest.mark.slow  # 8-20 s: kept out of the fast loop (CI runs it)
def test_a_change_of_physics_changes_only_the_models_that_use_it(base):
    src, fp = base
    tls_only = fingerprints(edit(src, "tls", "small = y < 1e-4", "small = y < 2e-4"))
    assert tls_only["tls"] != fp["tls"] and tls_only["tls_b1"] != fp["tls_b1"]
    assert tls_only["eg"] == fp["eg"] and tls_only["eg_distance"] == fp["eg_distance"]
    eg_only = fingerprints(edit(src, "_sweeps", "abuf[u] = -np.sqrt(r2[u]) / xi - y",
                                "abuf[u] = -np.sqrt(r2[u]) / xi - 1.0 * y"))
    assert eg_only["eg"] != fp["eg"] and eg_only["tls"] == fp["tls"]
    # the numpy builder is the electron glass's kinetic Monte Carlo's (its MF prediction)
    kmc_only = fingerprints(edit(src, "electron_glass", "return x, -distances / xi - gap",
                                 "return x, -distances / xi - 1.0 * gap"))
    assert kmc_only["eg_kmc"] != fp["eg_kmc"] and kmc_only["tls"] == fp["tls"]
    # the shared solver kernel: every model with a solver
    shared = fingerprints(edit(src, "_sweeps", "x[i] += (1.0 - damping) * r",
                               "x[i] += (1.0 - damping) * r * 1.0"))
    assert all(shared[m] != fp[m] for m in ("tls", "tls_b1", "eg"))
    assert shared["eg_distance"] == fp["eg_distance"]
    # a module-level constant reached through a name (the bin edges)
    edges = fingerprints(edit(src, "realizations", "NN_EDGES = np.linspace(0.0, 3.0, 121)",
                              "NN_EDGES = np.linspace(0.0, 3.0, 61)"))
    assert edges["eg_distance"] != fp["eg_distance"]


def test_unknown_entry_is_an_error(base):
    src, _ = base
    with pytest.raises(KeyError, match="no_such"):
        P.fingerprint_sources(src, [("realizations", "no_such_function")])
    with pytest.raises(ValueError, match="model"):
        P.code_fingerprint("spin_ice")


@pytest.mark.slow
def test_platform_id_sees_the_blas_kernel():
    """Another OpenBLAS kernel (OPENBLAS_CORETYPE) is another platform; the same one is not."""
    code = ("import json; from glasslib import provenance as P; "
            "print(json.dumps([P.platform_id(), P.platform_info()['blas']]))")

    def run(**env):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, **env}).stdout
        return json.loads(out)

    import platform

    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the OpenBLAS kernel names used here are x86 ones")
    here, blas = run()
    assert here == P.platform_id()
    other_core = "Sandybridge" if blas[0]["architecture"] in ("Haswell", "Zen") else "Haswell"
    there, other_blas = run(OPENBLAS_CORETYPE=other_core)
    assert other_blas[0]["architecture"] == other_core
    assert there != here
