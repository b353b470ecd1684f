"""The wheel built from pyproject.toml holds every module of the package (no subpackage left out),
imports on its own from the unpacked wheel (not from the editable install), and declares
pyproject's dependencies."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "glasslib"
#: files of the repository root that setuptools may read to build the wheel
BUILD_FILES = ("pyproject.toml", "README.md", "setup.py", "setup.cfg", "MANIFEST.in")
LICENSE_PREFIXES = ("LICEN", "COPYING", "NOTICE", "AUTHORS")  # setuptools' license-files globs
#: not sources: bytecode and numba's on-disk caches (never in git, never in the wheel)
CACHES = ("__pycache__", "*.pyc", "*.nbi", "*.nbc")

#: run in a fresh interpreter from the unpacked wheel: import every module, fail loudly on any
#: import error, write {module: __file__} of every glasslib module loaded to argv[1]
IMPORT_ALL = r"""
import importlib, json, sys, traceback
out, names = sys.argv[1], sys.argv[2:]
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except (Exception, SystemExit):
        failed.append(name)
        print(f"--- {name} does not import from the wheel:", file=sys.stderr)
        traceback.print_exc()
if failed:
    sys.exit(f"{len(failed)} module(s) of the wheel do not import: {failed}")
loaded = {n: getattr(m, "__file__", None) for n, m in sys.modules.items()
          if n == "glasslib" or n.startswith("glasslib.")}
with open(out, "w") as fh:
    json.dump(loaded, fh)
"""


def _modules(top: Path) -> set[str]:
    """Dotted names of the ``.py`` files of the package under ``top`` (``a/__init__.py`` is
    ``a``)."""
    names = set()
    for path in (top / PACKAGE).rglob("*.py"):
        parts = path.relative_to(top).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _files(top: Path) -> set[str]:
    """Every file of the package under ``top`` (caches and hidden files left out)."""
    return {p.relative_to(top).as_posix() for p in (top / PACKAGE).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
            and p.suffix not in (".pyc", ".nbi", ".nbc")}


def _build_source(dest: Path) -> Path:
    """A clean copy of what the build reads. Building in the repository itself would leave
    build/ and glasslib.egg-info/ there, and setuptools packs whatever an earlier build left in
    build/lib into the wheel: a stale build/lib/glasslib/verdicts makes a wheel built with
    ``packages = ["glasslib"]`` look complete, i.e. hides the bug this test is for."""
    shutil.copytree(ROOT / PACKAGE, dest / PACKAGE, ignore=shutil.ignore_patterns(*CACHES))
    for path in ROOT.iterdir():
        if path.is_file() and (path.name in BUILD_FILES
                               or path.name.upper().startswith(LICENSE_PREFIXES)):
            shutil.copy2(path, dest / path.name)
    return dest


@pytest.mark.slow
def test_the_wheel_contains_and_imports_every_module(tmp_path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    source = _build_source(tmp_path / "source")
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                            "--no-build-isolation", "-w", str(wheels)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert build.returncode == 0, f"pip wheel failed:\n{build.stdout}\n{build.stderr}"
    built = sorted(wheels.glob(f"{PACKAGE}-*.whl"))
    assert len(built) == 1, built

    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(built[0]) as zf:
        zf.extractall(unpacked)
    [dist_info] = unpacked.glob("*.dist-info")
    # the package, its metadata and nothing else (no top-level tests/, notebooks/, ...)
    assert {p.name for p in unpacked.iterdir()} == {PACKAGE, dist_info.name}

    # every module (and every other file) of the package's sources is in the wheel
    in_wheel, in_repo = _modules(unpacked), _modules(ROOT)
    assert in_wheel == in_repo, (f"missing from the wheel: {sorted(in_repo - in_wheel)}; "
                                 f"only in the wheel: {sorted(in_wheel - in_repo)}")
    shipped, sources = _files(unpacked), _files(ROOT)
    assert shipped == sources, (f"not in the wheel (package data?): {sorted(sources - shipped)}; "
                                f"only in the wheel: {sorted(shipped - sources)}")

    # the wheel declares pyproject's dependencies (extras' requirements left aside)
    metadata = Parser().parsestr((dist_info / "METADATA").read_text())
    requires = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    assert sorted(str(r) for r in requires if "extra" not in str(r.marker or "")) == sorted(
        str(Requirement(d)) for d in project["dependencies"])
    assert metadata["Requires-Python"] == project["requires-python"]

    # a fresh interpreter outside the repository, with the unpacked wheel first on sys.path
    # (before the editable install), imports every module found in the wheel
    scratch = tmp_path / "elsewhere"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(unpacked), PYTHONNOUSERSITE="1", MPLBACKEND="Agg",
               NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    loaded_json = scratch / "loaded.json"
    modules = sorted(m for m in in_wheel if m != f"{PACKAGE}.__main__")  # that one runs the CLI
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL, str(loaded_json), *modules],
                         cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"importing the wheel failed:\n{out.stdout}\n{out.stderr}"
    loaded = json.loads(loaded_json.read_text())
    assert set(modules) <= set(loaded)
    assert Path(loaded[PACKAGE]).resolve().is_relative_to(unpacked.resolve()), loaded[PACKAGE]
    elsewhere = {m: f for m, f in loaded.items()
                 if f is None or not Path(f).resolve().is_relative_to(unpacked.resolve())}
    assert not elsewhere, f"modules not loaded from the wheel: {elsewhere}"

    # and the command line (glasslib/__main__.py) runs from it
    cli = subprocess.run([sys.executable, "-m", PACKAGE, "--help"], cwd=scratch, env=env,
                         capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, f"python -m {PACKAGE} --help failed:\n{cli.stdout}\n{cli.stderr}"
