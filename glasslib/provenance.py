"""Where a number came from: a fingerprint of the code that computes a realization, and a
description of the platform (CPU kernels, library versions) it ran on.

Both are recorded with every cached realization (:mod:`glasslib.runner`) and decide how strictly
a recomputation must agree with the cache (:mod:`glasslib.comparator`):

- same code fingerprint and same platform: bit for bit;
- anything else: within the tolerances derived in :mod:`glasslib.error_bounds`.

**Code fingerprint.** The physics of a model is the set of top-level definitions (functions,
classes, constants) of the kernel modules that its realization builder reaches, followed through
names and ``module.attribute`` references across the kernel modules. Each definition is hashed as
its abstract syntax tree with docstrings removed; the per-model tables (parameter defaults,
model versions, stored fields) are hashed by value, the model's own row only, so a new model or
a new parameter leaves the other models' caches valid. Comments, docstrings, blank lines and
formatting do not change the fingerprint, and a change to the electron glass does not invalidate
a TLS-glass cache. Anything reached only dynamically (``getattr``, strings) is not seen: keep the
kernels plain.

**Platform.** What makes floating-point results differ between machines running the same code:
the CPU dispatch targets numpy uses for its transcendental functions, the OpenBLAS kernel
(``OPENBLAS_CORETYPE`` overrides it), numba's target CPU (``NUMBA_CPU_NAME``), the C library and
the versions of Python, numpy, scipy, numba and llvmlite.
"""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import json
import platform
from pathlib import Path

__all__ = [
    "KERNEL_MODULES",
    "MODEL_ENTRIES",
    "fingerprint_sources",
    "model_fingerprint",
    "code_fingerprint",
    "kernel_sources",
    "platform_info",
    "platform_id",
]

#: the modules whose code can change the numbers of a realization (relative to the package)
KERNEL_MODULES = (
    "realizations",
    "tls",
    "electron_glass",
    "mean_field",
    "_sweeps",
    "geometry",
    "analysis",
    "_validation",
    "_lapack",
    "monte_carlo",
)

#: per model, the definitions in :mod:`glasslib.realizations` a realization starts from
MODEL_ENTRIES = {
    "tls": ("tls_realization", "prepare_realization", "summarize_fields"),
    "tls_b1": ("tls_realization", "prepare_realization", "summarize_fields"),
    "eg": ("eg_realization", "prepare_realization", "summarize_fields"),
    "eg_distance": ("eg_distance_realization", "prepare_realization", "summarize_fields"),
    "tls_mc": ("tls_mc_realization", "prepare_realization", "summarize_fields"),
    "eg_mc": ("eg_mc_realization", "prepare_realization", "summarize_fields"),
    "tls_kmc": ("tls_kmc_realization", "prepare_realization", "summarize_fields"),
    "eg_kmc": ("eg_kmc_realization", "prepare_realization", "summarize_fields"),
}


def _strip_docstrings(node: ast.AST) -> ast.AST:
    for sub in ast.walk(node):
        body = getattr(sub, "body", None)
        if (isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            sub.body = body[1:] or [ast.Pass()]
    return node


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


class _Module:
    """Top-level definitions of one module and how its names resolve to other kernel modules."""

    def __init__(self, name: str, source: str, known: set[str]):
        self.name = name
        tree = ast.parse(source)
        self._dumps: dict[str, str] = {}
        self.defs: dict[str, ast.stmt] = {}
        self.aliases: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
        self.modules: dict[str, str] = {}  # local name -> kernel module
        for node in tree.body:
            for defined in _defined_names(node):
                self.defs[defined] = node
            if isinstance(node, ast.ImportFrom):
                base = self._resolve_from(node)
                for alias in node.names:
                    local = alias.asname or alias.name
                    if base is None:
                        # "from . import tls" or "from glasslib import tls"
                        if alias.name in known:
                            self.modules[local] = alias.name
                    elif base in known:
                        self.aliases[local] = (base, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if len(parts) == 2 and parts[0] == "glasslib" and parts[1] in known:
                        self.modules[alias.asname or alias.name] = parts[1]

    @staticmethod
    def _resolve_from(node: ast.ImportFrom):
        """The kernel module named by ``from X import ...`` (None: X is the package itself)."""
        module = node.module or ""
        if node.level == 0:
            if module == "glasslib":
                return None
            if module.startswith("glasslib."):
                return module.split(".", 1)[1]
            return "<external>"
        return module or None

    def dump(self, name: str) -> str:
        """The hashed form of definition ``name``: its AST without docstrings, positions or
        formatting (computed once per module and name)."""
        if name not in self._dumps:
            node = _strip_docstrings(copy.deepcopy(self.defs[name]))
            self._dumps[name] = ast.dump(node, annotate_fields=True, include_attributes=False)
        return self._dumps[name]

    def references(self, node: ast.stmt):
        """(module, name) pairs of kernel definitions that ``node`` mentions."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                if sub.id in self.defs:
                    yield self.name, sub.id
                elif sub.id in self.aliases:
                    yield self.aliases[sub.id]
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                if sub.value.id in self.modules:
                    yield self.modules[sub.value.id], sub.attr


def fingerprint_sources(sources: dict[str, str], entries, extra: str = "",
                        opaque=()) -> str:
    """SHA-256 (first 16 hex digits) of the definitions reachable from ``entries``.

    ``sources`` maps kernel module names to their source text; ``entries`` are
    ``(module, name)`` pairs to start from; ``extra`` is hashed too (e.g. a model version);
    ``opaque`` definitions (``(module, name)``) are neither hashed nor followed (the caller
    hashes what of them matters in ``extra``).
    """
    known = frozenset(sources)
    modules = {name: _parsed_module(name, text, known) for name, text in sources.items()}
    seen: set[tuple[str, str]] = set()
    stack = list(entries)
    while stack:
        ref = stack.pop()
        module, name = ref
        if ref in opaque:
            continue
        if ref in seen or module not in modules or name not in modules[module].defs:
            if module in modules and name not in modules[module].defs and ref in entries:
                raise KeyError(f"{module}.{name} is not a top-level definition")
            continue
        seen.add(ref)
        stack.extend(modules[module].references(modules[module].defs[name]))
    digest = hashlib.sha256(extra.encode())
    for module, name in sorted(seen):
        digest.update(f"{module}.{name}\0".encode())
        digest.update(modules[module].dump(name).encode())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=64)
def _parsed_module(name: str, source: str, known: frozenset) -> _Module:
    """:class:`_Module` of one source text, parsed once per process: every model's fingerprint
    reads the same kernel modules (keyed by the text itself, so edited sources parse anew)."""
    return _Module(name, source, set(known))


def kernel_sources() -> dict[str, str]:
    """The source text of every kernel module, read from the installed package."""
    here = Path(__file__).resolve().parent
    return {name: (here / f"{name}.py").read_text() for name in KERNEL_MODULES}


def model_fingerprint(sources: dict[str, str], model: str, defaults: dict | None = None) -> str:
    """Fingerprint of ``model`` computed from kernel ``sources`` (see the module doc).

    The defaults table ``realizations.DEFAULTS`` is hashed by value, this model's row only
    (``defaults``, default: the installed one), not as code: a new parameter of one model, with
    its default, leaves the other models' caches valid.
    """
    from .realizations import DEFAULTS, FIELDS, MODEL_VERSIONS

    if model not in MODEL_ENTRIES:
        raise ValueError(f"model must be one of {sorted(MODEL_ENTRIES)}, got {model!r}")
    entries = [("realizations", name) for name in MODEL_ENTRIES[model]]
    # the per-model tables are hashed by value, this model's row only: its field specs (their
    # classes' code is followed as entries), its version and its defaults
    specs = FIELDS[model]
    entries += sorted({("realizations", type(spec).__name__) for spec in specs.values()})
    fields = json.dumps({name: repr(spec) for name, spec in specs.items()}, sort_keys=True)
    row = json.dumps(DEFAULTS[model] if defaults is None else defaults, sort_keys=True)
    return fingerprint_sources(
        sources, entries, extra=f"{model}:{MODEL_VERSIONS[model]}:{row}:{fields}",
        opaque={("realizations", "DEFAULTS"), ("realizations", "MODEL_VERSIONS"),
                ("realizations", "FIELDS")})


@functools.lru_cache(maxsize=None)
def code_fingerprint(model: str) -> str:
    """Fingerprint of the code that computes a realization of ``model`` (see the module doc)."""
    return model_fingerprint(kernel_sources(), model)


def _blas_info() -> list[dict]:
    import scipy.linalg  # noqa: F401  (loads scipy's own OpenBLAS so that it is listed)
    from threadpoolctl import threadpool_info

    return sorted(
        ({"api": i.get("internal_api"), "version": i.get("version"),
          "architecture": i.get("architecture")} for i in threadpool_info()
         if i.get("user_api") == "blas"),
        key=lambda d: json.dumps(d, sort_keys=True),
    )


def _numpy_dispatch() -> list[str]:
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # pragma: no cover - numpy < 2
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def _numba_target() -> dict:
    import llvmlite
    import llvmlite.binding as llvm
    import numba

    cpu = numba.config.CPU_NAME or llvm.get_host_cpu_name()
    features = numba.config.CPU_FEATURES
    if features is None:
        features = "" if numba.config.CPU_NAME else llvm.get_host_cpu_features().flatten()
    return {"numba": numba.__version__, "llvmlite": llvmlite.__version__, "cpu": cpu,
            "features": hashlib.sha256(features.encode()).hexdigest()[:12]}


@functools.lru_cache(maxsize=1)
def platform_info() -> dict:
    """What can make the same code round differently here than elsewhere (see the module doc)."""
    import numpy
    import scipy

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "system": platform.system(),
        "libc": "-".join(platform.libc_ver()),
        "numpy": numpy.__version__,
        "numpy_dispatch": _numpy_dispatch(),
        "scipy": scipy.__version__,
        "blas": _blas_info(),
        "numba_target": _numba_target(),
    }


def platform_id(info: dict | None = None) -> str:
    """A short hash of :func:`platform_info` (rows made on one platform share it)."""
    info = platform_info() if info is None else info
    return hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()[:12]
