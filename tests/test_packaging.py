"""The wheel built from pyproject.toml holds every module of the package and imports on its own."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_contains_and_imports_every_module(tmp_path):
    # build from a copy of the sources, so that no build/ folder of an earlier build (in the
    # repository) can slip stale files into the wheel, and none is left behind
    import shutil

    source = tmp_path / "source"
    shutil.copytree(ROOT / "glasslib", source / "glasslib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(wheels)], check=True,
                   capture_output=True, text=True, cwd=tmp_path)
    [wheel] = wheels.glob("glasslib-*.whl")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(unpacked)
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        requires = sorted(line.split(":", 1)[1].strip() for line in
                          zf.read(metadata).decode().splitlines()
                          if line.startswith("Requires-Dist:"))
    in_wheel = sorted(p.relative_to(unpacked).with_suffix("").as_posix().replace("/", ".")
                      for p in (unpacked / "glasslib").rglob("*.py"))
    in_repo = sorted(p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
                     for p in (ROOT / "glasslib").rglob("*.py"))
    assert in_wheel == in_repo
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert requires == sorted(d.replace(" ", "") for d in declared)
    code = ("import importlib, sys\n"
            f"mods = {in_wheel!r}\n"
            "for m in mods:\n"
            "    if not m.endswith('__main__'):  # that one runs the CLI\n"
            "        importlib.import_module(m.removesuffix('.__init__'))\n"
            "import glasslib\n"
            "print(glasslib.__file__)\n")
    scratch = tmp_path / "elsewhere"
    scratch.mkdir()
    env = {"PYTHONPATH": str(unpacked), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=scratch, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve().is_relative_to(unpacked.resolve())
