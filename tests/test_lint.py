"""Ruff (configured in pyproject.toml: pycodestyle, pyflakes, import order, bugbear, numpy
rules) passes on the package, the tests, the benchmarks and the notebook sources."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed (requirements.txt pins it)")
    targets = ["glasslib", "tests", "benchmarks", *sorted(str(p.relative_to(ROOT))
                                                        for p in ROOT.glob("notebooks/*.py"))]
    out = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", *targets],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
