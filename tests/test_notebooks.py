"""The section notebooks: .py/.ipynb pairs in sync, executed with outputs, parameters that papermill
can override (quick scale recomputes), and unknown or invalid parameters rejected at once."""

import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.py") if p.name != "execute.py")
IDS = [p.stem for p in NOTEBOOKS]


def _cells(nb):
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_every_paper_section_has_a_notebook():
    names = {p.stem for p in NOTEBOOKS}
    for prefix in ("sec2", "sec3", "sec4", "sec5", "appA", "appB", "report"):
        assert any(n.startswith(prefix) for n in names), prefix


@pytest.mark.parametrize("source", NOTEBOOKS, ids=IDS)
def test_pair_in_sync_and_executed(source):
    paired = source.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} missing: run python notebooks/execute.py {source}"
    text = jupytext.read(source)
    stored = nbformat.read(paired, as_version=4)
    assert _cells(text) == _cells(stored), (
        f"{paired.name} is out of sync with {source.name}: run python notebooks/execute.py {source}"
    )
    assert stored.metadata["kernelspec"]["name"] == "python3"  # papermill needs it
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    # executed top to bottom, outputs stored (nbval checks nothing in a notebook without them)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert any(c.outputs for c in code)
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", f"stored error output in {paired.name}"


def _papermill(notebook, tmp_path, cwd=None, **params):
    """Run the notebook with papermill (in a scratch directory unless ``cwd`` says otherwise)."""
    papermill = pytest.importorskip("papermill")
    out = tmp_path / f"{notebook.stem}-out.ipynb"
    params.setdefault("cache", str(ROOT / "results"))
    return papermill.execute_notebook(
        str(notebook.with_suffix(".ipynb")), str(out), parameters=params,
        cwd=str(cwd or tmp_path), progress_bar=False, kernel_name="python3",
    ), out


def _tree_state():
    """Names and contents of every file under results/ and notebooks/figdata/, but the lock
    files under results/.locks (not tracked: any run that takes a cache lock creates one, and a
    test on another xdist worker may do so while this one runs)."""
    import hashlib

    files = [*(ROOT / "results").rglob("*"), *(ROOT / "notebooks" / "figdata").rglob("*")]
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files if p.is_file() and ".locks" not in p.relative_to(ROOT).parts}


@pytest.mark.slow
def test_a_rerun_with_other_parameters_leaves_the_repository_untouched(tmp_path, monkeypatch):
    """Run from notebooks/ as the README says, at quick scale, with the cache left at its
    default: the ensembles and the figure CSVs go to the user cache, nothing in the repository
    changes (issue: reruns used to overwrite the tracked figdata/ CSVs)."""
    monkeypatch.setenv("GLASSLIB_CACHE", str(tmp_path / "user"))
    before = _tree_state()
    source = next(p for p in NOTEBOOKS if p.stem.startswith("sec3"))
    nb, _ = _papermill(source, tmp_path, cwd=ROOT / "notebooks", scale="quick", cache=None,
                       workers=1)
    assert _tree_state() == before
    assert list((tmp_path / "user").rglob("ensemble.npz"))
    assert (tmp_path / "user" / "figdata" / "fig03.csv").exists()


@pytest.mark.slow
def test_the_book_run_from_the_repository_root_finds_the_cache_and_writes_nothing_there(
        tmp_path, monkeypatch):
    """The pages say "run from the repository root": with the book's own parameters the
    committed cache is found from there, and the figure CSVs go to the user cache, not to a
    stray figdata/ in the root (issue 11, point 3)."""
    monkeypatch.delenv("GLASSLIB_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = _tree_state()
    source = next(p for p in NOTEBOOKS if p.stem.startswith("sec2"))
    _papermill(source, tmp_path, cwd=ROOT, cache=None)
    assert _tree_state() == before and not (ROOT / "figdata").exists()
    assert (tmp_path / "xdg" / "glasslib" / "figdata" / "fig01.csv").exists()
    assert not list((tmp_path / "xdg").rglob("ensemble.npz")), "the cache was read, not remade"


@pytest.mark.slow
def test_a_paper_scale_recompute_says_its_time_and_waits_for_consent(tmp_path):
    """With no cache, the book's configuration does not start hours of work: it stops before
    computing, with the estimate and what to pass to allow it."""
    papermill = pytest.importorskip("papermill")
    source = next(p for p in NOTEBOOKS if p.stem.startswith("sec3"))
    with pytest.raises(papermill.PapermillExecutionError, match="max_minutes") as info:
        _papermill(source, tmp_path, cache=str(tmp_path / "empty"))
    assert "TooLong" in str(info.value) and "1000 realizations" in str(info.value)
    assert not list((tmp_path / "empty").rglob("*.npz")), "nothing may have started"


@pytest.mark.slow
@pytest.mark.parametrize("source", [p for p in NOTEBOOKS if not p.stem.startswith("report")],
                         ids=[i for i in IDS if not i.startswith("report")])
def test_papermill_reruns_at_quick_scale(source, tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSLIB_CACHE", str(tmp_path / "user"))
    nb, out = _papermill(source, tmp_path, scale="quick", cache=str(tmp_path / "cache"), workers=1)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "scale = \"quick\"" in injected[0].source
    # the quick run computed its own ensembles (nothing read from the committed cache)
    assert any((tmp_path / "cache").rglob("ensemble.npz"))
    assert json.loads(out.read_text())["cells"]


@pytest.mark.slow
@pytest.mark.parametrize("params, message", [
    (dict(colour="red"), "unknown parameter"),
    (dict(scale="huge"), "scale must be one of"),
    (dict(N=1), "N must be >= 2"),
])
def test_bad_parameters_fail_at_once(tmp_path, params, message):
    papermill = pytest.importorskip("papermill")
    source = next(p for p in NOTEBOOKS if p.stem.startswith("sec2"))
    with pytest.raises(papermill.PapermillExecutionError, match=message) as info:
        _papermill(source, tmp_path, **params)
    # it failed in the checking cell, before any ensemble was loaded or computed
    assert "check_parameters" in str(info.value)


def _parameter_names(source):
    text = source.read_text()
    cell = re.search(r'# %% tags=\["parameters"\]\n(.*?)\n\n', text, re.S).group(1)
    return re.findall(r"^(\w+) = ", cell, re.M)


@pytest.mark.slow
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_lists_every_parameter(source):
    """papermill's parser must read the whole parameters cell: it skips any line with a second
    '=' (once in comments such as "W = 1", which dropped W, J and T from `--help-notebook` and
    made `-p T 0.2` warn of an unknown parameter). Every name the cell assigns is listed."""
    papermill = Path(sys.executable).with_name("papermill")
    out = subprocess.run([str(papermill), "--help-notebook", str(source.with_suffix(".ipynb"))],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    listed = set(re.findall(r"^\s+(\w+): ", out.stdout, re.M))
    assert set(_parameter_names(source)) <= listed, out.stdout


def test_glued_numbers_do_not_carry_the_last_bits(monkeypatch):
    """A number glued for the book is rounded to GLUE_DIGITS significant digits, so a value
    that another CPU computes a few ulps away (SIMD sums, transcendentals) is stored, and
    compared by nbval, as the same text; other values pass through unchanged."""
    import myst_nb

    from glasslib import notebook as nbk

    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: stored.update(
        {name: value}))
    for k, value in enumerate((0.7606900939891766, 0.760690093989181, 4.6000000000000005,
                               4.599999999999999)):
        nbk.glue(f"x{k}", value, display=False)
    assert repr(stored["x0"]) == repr(stored["x1"]) == "0.760690094"
    assert repr(stored["x2"]) == repr(stored["x3"]) == "4.6"
    nbk.glue("n", np.int64(12345678901234), display=False)
    nbk.glue("s", "text", display=False)
    nbk.glue("b", True, display=False)
    assert stored["n"] == 12345678901234 and stored["s"] == "text" and stored["b"] is True
    nbk.glue("f", np.float32(0.1), display=False)
    assert repr(stored["f"]) == "0.1000000015"


def _book_parameters(**overrides):
    """The parameter cell of a notebook in the book's configuration, as a namespace."""
    from glasslib import notebook as nbk

    namespace = {name: None for name in nbk.COMMON}
    namespace.update(scale="paper", max_minutes=5, **overrides)
    return nbk.check_parameters(namespace, set())


def test_the_book_writes_its_figure_data_where_glasslib_figdata_says(monkeypatch, tmp_path,
                                                                    capsys):
    """The book's configuration run in notebooks/ writes the committed figdata/, unless
    $GLASSLIB_FIGDATA names another folder (the test suite does, so nbval leaves the committed
    CSVs alone); a rerun with other parameters writes the user cache either way."""
    monkeypatch.chdir(ROOT / "notebooks")
    monkeypatch.setenv("GLASSLIB_CACHE", str(tmp_path / "user"))
    monkeypatch.delenv("GLASSLIB_FIGDATA", raising=False)
    assert _book_parameters()["figdata"] == "figdata"
    monkeypatch.setenv("GLASSLIB_FIGDATA", str(tmp_path / "scratch"))
    assert _book_parameters()["figdata"] == str(tmp_path / "scratch")
    rerun = _book_parameters(N=100)
    assert not rerun["book"] and rerun["figdata"] == str(tmp_path / "user" / "figdata")
    monkeypatch.chdir(tmp_path)  # outside the repository: never the committed folder
    monkeypatch.delenv("GLASSLIB_FIGDATA")
    assert _book_parameters()["figdata"] == str(tmp_path / "user" / "figdata")
    capsys.readouterr()

