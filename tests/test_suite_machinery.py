"""The test suite's own machinery (conftest.py): which tests pytest-xdist may run apart, and the
scratch folder the notebooks write their figure CSVs to under test."""

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import conftest

ROOT = Path(__file__).resolve().parents[1]


def _scheduler():
    """conftest.py's scheduler, as the controller of a two-process run builds it."""
    pytest.importorskip("xdist")
    options = {"dist": "load", "tx": ["popen"] * 2, "numprocesses": 2}
    config = SimpleNamespace(rootpath=ROOT, getvalue=options.__getitem__, option=None)
    sched = conftest.pytest_xdist_make_scheduler(config, log=None)
    assert sched is not None
    return sched


@pytest.mark.slow
def test_the_files_kept_together_are_those_whose_tests_share_state():
    """Every test file with a fixture set up once per module, class or package (found by pytest
    itself: ``--setup-plan``) runs whole on one process; every other file's tests may go to
    different processes, one by one."""
    plan = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--setup-plan",
         "--no-header", "-o", "addopts=", "tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    shared, current = set(), None
    for line in plan.stdout.splitlines():
        header = re.match(r"^(tests/\S+\.py)\s*$", line)
        if header:
            current = header.group(1)
        elif re.match(r"^\s+SETUP\s+[MCP] ", line):
            shared.add(current)
    assert "tests/test_site.py" in shared  # the check sees what it must
    sched = _scheduler()
    for path in sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/test_*.py")):
        nodeid = f"{path}::test_x"
        expected = path if path in shared else nodeid
        assert sched._split_scope(nodeid) == expected, path


def test_a_notebooks_cells_run_together_and_other_tests_one_by_one():
    sched = _scheduler()
    assert sched._split_scope("notebooks/sec3_dynamics.ipynb::Cell 4") == \
        "notebooks/sec3_dynamics.ipynb"
    assert sched._split_scope("tests/test_tls.py::test_a[1]") == "tests/test_tls.py::test_a[1]"
    assert sched._split_scope("tests/test_site.py::test_b") == "tests/test_site.py"


def test_the_notebooks_write_their_figure_data_to_a_scratch_folder():
    """conftest.py points $GLASSLIB_FIGDATA at a scratch folder for the whole session (the
    kernels nbval starts inherit it): never at the committed notebooks/figdata/."""
    folder = Path(os.environ["GLASSLIB_FIGDATA"])
    assert folder.name == "figdata"  # sanitize.cfg maps the download links' .../figdata/ back
    assert folder.resolve() != (ROOT / "notebooks" / "figdata").resolve()
