"""Figure style and figure data: legible text, no axis offsets, self-describing CSVs."""

import csv
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from glasslib import figures as F  # noqa: E402
from glasslib import plotting  # noqa: E402
from glasslib.notebook import write_figure_data  # noqa: E402
from glasslib.runner import EnsembleResult  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIGDATA = ROOT / "notebooks" / "figdata"
PAGES = {p.stem: p.read_text() for p in (ROOT / "notebooks").glob("*.py") if p.stem != "execute"}


def read_figdata(path):
    """(comment lines without '# ', header row, data rows) of a figure-data CSV."""
    lines = path.read_text().splitlines()
    comments = [line[2:] for line in lines if line.startswith("# ")]
    body = [line for line in lines if not line.startswith("#")]
    rows = list(csv.reader(body))
    return comments, rows[0], rows[1:]


@pytest.fixture
def book_style():
    with matplotlib.rc_context(plotting.BOOK_STYLE):
        yield
    plt.close("all")


# ------------------------------------------------------------------------------------ style

def test_book_fonts_are_at_least_12_px_on_the_page():
    sizes = [plotting.BOOK_STYLE[k] for k in ("font.size", "axes.titlesize", "axes.labelsize",
                                               "xtick.labelsize", "ytick.labelsize",
                                               "legend.fontsize")]
    for width in (plotting.TWO_PANELS[0], plotting.ONE_PANEL[0]):
        assert plotting.page_px(min(sizes), width) >= 12.0
    # the arithmetic of the comment: 9 pt at 8 in on the 790 px column
    assert plotting.page_px(9, 8.0) == pytest.approx(9 * 790 / 576)
    assert plotting.BOOK_STYLE["axes.formatter.useoffset"] is False


@pytest.mark.parametrize("page", sorted({f.page for f in F.FIGURES.values()}))
def test_every_figure_page_uses_the_book_style(page):
    text = PAGES[page]
    imports = text.split("# %% tags=[\"parameters\"]")[0]
    assert "plotting.use_book_style()" in imports, f"{page}: the imports cell sets the style"
    assert "bbox_to_anchor" not in text, f"{page}: legends stay inside the axes"
    assert "figsize=(" not in text.replace("figsize=(plotting.", ""), \
        f"{page}: figure sizes come from glasslib.plotting (the text size depends on them)"
    for size in re.findall(r"(?:fontsize|labelsize)=(\d+(?:\.\d+)?)", text):
        assert float(size) >= 9, f"{page}: a font of {size} pt is below the book's 9 pt"


def test_finish_figure_moves_a_multiplier_into_the_label(book_style):
    fig, ax = plt.subplots()
    ax.plot([0.0, 2e-6, 3e-6], [1e5, 2e5, 3e5], label="data")
    ax.set_xlabel(r"$\lambda$ [units of $\Gamma^0$]")
    ax.set_ylabel(r"$p(\lambda)$")
    plotting.finish_figure(fig)
    assert ax.xaxis.get_offset_text().get_text() == ""
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert ax.get_xlabel() == r"$\lambda$ [units of $10^{-6}$ $\Gamma^0$]"
    assert ax.get_ylabel() == r"$p(\lambda)$ [units of $10^{5}$]"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "3" in labels and "0" in labels
    header, _ = plotting.figure_data(fig)
    assert r"x: lambda [units of Gamma^0] | y: p(lambda) |" in header[0]  # unscaled for the data


def test_finish_figure_refuses_an_additive_offset(book_style):
    fig, ax = plt.subplots()
    ax.plot([1000.1, 1000.2], [0, 1], label="data")
    ax.ticklabel_format(useOffset=True)
    with pytest.raises(ValueError, match="offset text"):
        plotting.finish_figure(fig)


def test_plain_text():
    assert plotting.plain_text(r"(a) log scale; dashed: $\lambda_{min}$") == \
        "(a) log scale; dashed: lambda_min"
    assert plotting.plain_text(r"$W/J = \sqrt{17}$") == "W/J = sqrt(17)"
    assert plotting.plain_text(r"floor $\epsilon\max\lambda'/\lambda$") == \
        "floor epsilon max lambda'/lambda"
    assert plotting.plain_text(r"$E$ [units of $J = e^2/r_{nn}$]") == "E [units of J = e^2/r_nn]"
    assert plotting.plain_text(r"fit: $C \propto |E|^{p+1}$") == "fit: C ~ |E|^(p+1)"


# ------------------------------------------------------------------------ write_figure_data

def _result(tmp_path):
    path = tmp_path / "fig99_test_paper" / "W=1-0123456789abcdef"
    return EnsembleResult(path, {"params": {"N": 10}, "realizations": 7,
                                 "key": "0123456789abcdef"}, {})


def test_figure_data_names_series_errors_markers_and_sources(book_style, tmp_path):
    fig, (ax_a, ax_b) = plt.subplots(1, 2)
    ax_a.errorbar([1.0, 2.0], [10.0, 20.0], yerr=[[1.0, 2.0], [3.0, 4.0]], label=r"$W = 1$")
    ax_a.axvline(1.5, gid="lambda_min, W = 1")
    ax_a.axvspan(0.5, 0.7, gid="window")
    ax_a.set_title(r"(a) $\lambda_{min}$")
    ax_a.set_xlabel(r"$\lambda$ [units of $a J^3$]")
    ax_a.set_ylabel("density per decade")
    ax_b.plot([1, 2], [3, 4], gid="C/lambda")
    ax_b.set_title("(b)")
    path = write_figure_data("fig99", fig, tmp_path, {"W=1": _result(tmp_path)})
    comments, header, rows = read_figdata(path)
    assert header == plotting.FIGDATA_COLUMNS
    assert any("ensemble: " in c and "cache key: 0123456789abcdef" in c and
               "realizations: 7" in c for c in comments)
    assert "panel: (a) lambda_min | x: lambda [units of a J^3] | y: density per decade | " \
           "x scale: linear | y scale: linear" in comments
    by = {}
    for row in rows:
        by.setdefault((row[0], row[1]), []).append(row[2:])
    assert by[("(a) lambda_min", "W = 1")] == [["1", "10", "", "", "1", "3"],
                                               ["2", "20", "", "", "2", "4"]]
    assert by[("(a) lambda_min", "lambda_min, W = 1")] == [["1.5", "", "", "", "", ""]]
    assert by[("(a) lambda_min", "window")] == [["0.6", "", "0.1", "0.1", "", ""]]
    assert by[("(b)", "C/lambda")] == [["1", "3", "", "", "", ""], ["2", "4", "", "", "", ""]]


def test_figure_data_refuses_an_unnamed_line(book_style, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    with pytest.raises(ValueError, match="has no name"):
        write_figure_data("fig99", fig, tmp_path)


# --------------------------------------------------------------------- the committed CSVs

@pytest.mark.parametrize("key", sorted(F.FIGURES))
def test_committed_figure_data_is_self_describing(key):
    comments, header, rows = read_figdata(FIGDATA / f"{key}.csv")
    assert header == plotting.FIGDATA_COLUMNS
    assert rows, f"{key}: no data"
    panels = {}
    for c in comments:
        if c.startswith("panel: "):
            fields = dict(part.split(": ", 1) for part in c.split(" | "))
            panels[fields["panel"]] = fields
    assert panels, f"{key}: no panel lines"
    for name, fields in panels.items():
        assert fields["x"] not in ("", "-") and fields["y"] not in ("", "-"), (key, name)
        for text in (name, fields["x"], fields["y"]):
            assert "$" not in text and "\\" not in text, (key, text)
    sources = [c for c in comments if c.startswith("curve: ")]
    assert sources, f"{key}: the cache keys its curves came from"
    for c in sources:
        fields = dict(part.split(": ", 1) for part in c.split(" | "))
        folder = ROOT / fields["ensemble"]
        assert folder.parts[-3] == "results" or fields["ensemble"].startswith("results/")
        meta = json.loads((folder / "meta.json").read_text())
        assert meta["key"] == fields["cache key"], (key, c)
        if "rows" in fields:  # a subset: its rows exist in the ensemble and are counted
            lo, _, hi = fields["rows"].partition("-")
            kept = (list(range(int(lo), int(hi) + 1)) if hi else
                    [int(x) for x in fields["rows"].split(", ")])
            assert len(kept) == int(fields["realizations"]) and max(kept) < meta["realizations"]
        else:
            assert meta["realizations"] == int(fields["realizations"]), (key, c)
    for row in rows:
        panel, series = row[0], row[1]
        assert panel in panels, (key, panel)
        assert series and not re.fullmatch(r"line \d+", series), (key, series)
        assert "$" not in series and "\\" not in series, (key, series)
        assert row[2] or row[3], (key, row)
        for v in row[2:]:
            if v:
                assert np.isfinite(float(v)) or v.lower() in ("nan", "inf", "-inf"), (key, row)
