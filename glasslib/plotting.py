"""Matplotlib helpers shared by the book's notebooks (no physics here: summaries come in).

Every notebook calls :func:`use_book_style` in its imports cell, so all figures share one style
(:data:`BOOK_STYLE`) sized for the book's content column; :func:`finish_figure` (called by
:func:`glasslib.notebook.publish_figure`) moves any power-of-ten axis multiplier into the axis
label and refuses a figure that would still show axis offset text.
"""

from __future__ import annotations

import re

import numpy as np

from . import analysis
from . import summaries as S

__all__ = ["STYLE", "BOOK_STYLE", "CONTENT_WIDTH_PX", "TWO_PANELS", "ONE_PANEL",
           "FIGDATA_COLUMNS", "use_book_style", "page_px", "plain_text", "finish_figure",
           "figure_data", "rate_panels"]

#: width of the book's content column in CSS px, at its widest (sphinx-book-theme 1.3 on
#: pydata-sphinx-theme 0.17): the page is at most 88rem = 1408 px wide, the primary sidebar takes
#: 20 % (282 px), the secondary sidebar 17rem (272 px) and the article's padding 2 x 2rem (64 px):
#: 1408 - 282 - 272 - 64 = 790 px. Images are scaled down to this width (max-width: 100 %).
CONTENT_WIDTH_PX = 790

#: the figure sizes the book uses (inches). A figure of width w shown at the column width puts
#: a font of f points at f * CONTENT_WIDTH_PX / (72 w) px on the page (independent of the dpi):
#: 9 pt at w = 8 in gives 9 * 790 / 576 = 12.3 px, 10 pt gives 13.7 px. Narrower figures (and
#: narrower windows' smaller columns, down to the 768 px tablet layout) scale their text with them.
TWO_PANELS = (8.0, 3.3)
ONE_PANEL = (6.4, 4.0)

#: the book's rcParams: fonts of at least 9 pt at 8 in (12.3 px on the page, see TWO_PANELS),
#: no axis offsets, legends without frames, a dpi high enough to stay sharp when the browser
#: scales the image (1200 px wide at 8 in, shown at <= 790 px)
BOOK_STYLE = {
    "figure.figsize": TWO_PANELS,
    "figure.dpi": 150,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "legend.borderaxespad": 0.3,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-3, 4),  # 1e4 and 1e-4 get a power of ten (finish_figure)
    "axes.formatter.use_mathtext": True,
    "axes.titlepad": 4.0,
    "lines.linewidth": 1.2,
    "lines.markersize": 4.5,
    "axes.prop_cycle": __import__("cycler").cycler(
        color=["tab:blue", "tab:green", "tab:red", "tab:orange", "tab:purple", "tab:brown"]),
}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib (once, in a notebook's imports cell)."""
    import matplotlib as mpl

    mpl.rcParams.update(BOOK_STYLE)


def page_px(points: float, width_in: float) -> float:
    """The size on the book page, in CSS px, of a font of ``points`` in a figure ``width_in``
    inches wide shown at the content column's width (:data:`CONTENT_WIDTH_PX`)."""
    return points * CONTENT_WIDTH_PX / (72.0 * width_in)


_TEX_WORDS = {r"\leq": "<=", r"\geq": ">=", r"\le": "<=", r"\ge": ">=", r"\neq": "!=",
              r"\propto": "~", r"\sim": "~", r"\times": "x", r"\cdot": "*", r"\infty": "inf",
              r"\pm": "+-", r"\ln": "ln", r"\log": "log", r"\max": "max", r"\min": "min"}


def plain_text(label: str) -> str:
    r"""A matplotlib (mathtext) label as plain text for a CSV: ``$\lambda_{min}$`` ->
    ``lambda_min``, ``$e^2/r_{nn}$`` -> ``e^2/r_nn``, ``$\sqrt{17}$`` -> ``sqrt(17)``."""
    s = label.replace("$", "")
    s = re.sub(r"\\(?:mathrm|text|mathit|rm|mathbf|operatorname)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\sqrt\{([^{}]*)\}", r" sqrt(\1)", s)
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    # a command directly followed by another gets a space ("\\epsilon\\max" -> "epsilon max")
    s = re.sub(r"\\([A-Za-z]+)(?=\\[A-Za-z])", r"\\\1 ", s)
    for tex, word in sorted(_TEX_WORDS.items(), key=lambda kv: -len(kv[0])):
        s = re.sub(re.escape(tex) + r"(?![A-Za-z])", word, s)
    s = re.sub(r"\\[,;:! ]", " ", s)  # TeX spaces
    s = re.sub(r"\\([A-Za-z]+)", r"\1", s)  # \lambda -> lambda
    s = re.sub(r"([_^])\{(\w*)\}", r"\1\2", s)  # _{min} -> _min
    s = re.sub(r"([_^])\{([^{}]*)\}", r"\1(\2)", s)  # ^{p+1} -> ^(p+1)
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"\s+", " ", s).strip()


def _power_of_ten_formatter(exponent: int):
    """Tick labels of a linear axis divided by 10**exponent (the power goes into the label)."""
    from matplotlib.ticker import FuncFormatter

    scale = 10.0 ** exponent
    return FuncFormatter(lambda v, _pos: f"{v / scale:.6g}")


def _scaled_label(label: str, exponent: int) -> str:
    """``label`` for ticks in units of 10**exponent: "[units of X]" -> "[units of 10^k X]"
    (also with parentheses), else "label [units of 10^k]"."""
    power = f"$10^{{{exponent}}}$"
    for opening in ("[units of ", "(units of "):
        if opening in label:
            return label.replace(opening, f"{opening}{power} ", 1)
    return f"{label} [units of {power}]"


def finish_figure(fig) -> None:
    """Make ``fig`` follow the book's axis rule: no offset or multiplier text at an axis end.

    A linear axis whose ticks matplotlib would write with a multiplier ("1e-6") gets tick labels
    in units of that power of ten and the power in its label ("$\\lambda$ [units of $10^{-6}$
    $\\Gamma^0$]"); the unscaled label is kept for the figure data
    (``axis._book_plain_label``). Raises ``ValueError`` if any axis still shows offset text.
    """
    from matplotlib.ticker import ScalarFormatter

    fig.canvas.draw()
    changed = False
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if (axis.get_scale() == "linear" and isinstance(fmt, ScalarFormatter)
                    and not fmt.get_useOffset() and axis.get_offset_text().get_text()):
                # a pure multiplier (offsets are off): the power of ten of the largest tick
                lo, hi = sorted(axis.get_view_interval())
                locs = [v for v in axis.get_majorticklocs() if lo <= v <= hi and v != 0]
                k = int(np.floor(np.log10(max(abs(v) for v in locs))))
                label = axis.get_label_text()
                axis.set_major_formatter(_power_of_ten_formatter(k))
                axis._book_plain_label = label
                axis.set_label_text(_scaled_label(label, k))
                changed = True
    if changed:
        if fig.get_layout_engine() is None:
            fig.tight_layout()
        fig.canvas.draw()
    for i, ax in enumerate(fig.axes):
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            text = axis.get_offset_text()
            if text.get_visible() and text.get_text():
                raise ValueError(f"axes {i} ({ax.get_title()!r}) shows {name}-axis offset text "
                                 f"{text.get_text()!r}: the book's figures have none")


#: the columns of a figure-data CSV (README, "Figure data")
FIGDATA_COLUMNS = ["panel", "series", "x", "y", "x_err_minus", "x_err_plus", "y_err_minus",
                   "y_err_plus"]


def _series_name(artist, panel: str, container=None) -> str:
    """The name of a plotted artist: its gid, else its label or that of the errorbar
    ``container`` it belongs to (as plain text)."""
    gid = artist.get_gid()
    if gid:
        return str(gid)
    for label in (artist.get_label(), container.get_label() if container is not None else None):
        if label and not label.startswith("_"):
            return plain_text(label)
    raise ValueError(f"a {type(artist).__name__} in panel {panel!r} has no name: give it a "
                     "label or a gid, so that its figure data says what it is")


def _axis_quantity(axis) -> str:
    """The plain-text quantity of an axis (its label before any power-of-ten rescaling)."""
    return plain_text(getattr(axis, "_book_plain_label", None) or axis.get_label_text()) or "-"


def _error_bars(ax) -> dict:
    """``{id(data line): (container, (x_minus, x_plus, y_minus, y_plus))}`` (arrays or None)
    from the errorbar containers of ``ax``."""
    from matplotlib.container import ErrorbarContainer

    out = {}
    for c in ax.containers:
        if not isinstance(c, ErrorbarContainer) or c.lines[0] is None:
            continue
        line, _caps, cols = c.lines
        x = np.asarray(line.get_xdata(), float)
        y = np.asarray(line.get_ydata(), float)
        errs = {"x": None, "y": None}
        order = [k for k, has in (("x", c.has_xerr), ("y", c.has_yerr)) if has]
        for axis_name, col in zip(order, cols, strict=True):
            seg = np.asarray(col.get_segments(), float)  # (n, 2, 2): two ends per bar
            j = 0 if axis_name == "x" else 1
            centre = x if axis_name == "x" else y
            errs[axis_name] = (centre - seg[:, :, j].min(axis=1), seg[:, :, j].max(axis=1) - centre)
        out[id(line)] = (c, (*(errs["x"] or (None, None)), *(errs["y"] or (None, None))))
    return out


def _span(patch, ax):
    """(lo, hi, axis) of an axvspan/axhspan patch in data coordinates, or None."""
    from matplotlib.patches import Polygon, Rectangle

    if not isinstance(patch, (Rectangle, Polygon)):
        return None
    transform = patch.get_data_transform()
    if transform == ax.get_xaxis_transform():
        axis = "x"
    elif transform == ax.get_yaxis_transform():
        axis = "y"
    else:
        return None
    if isinstance(patch, Rectangle):
        lo = patch.get_x() if axis == "x" else patch.get_y()
        hi = lo + (patch.get_width() if axis == "x" else patch.get_height())
    else:
        xy = np.asarray(patch.get_xy(), float)[:, 0 if axis == "x" else 1]
        lo, hi = float(xy.min()), float(xy.max())
    return float(lo), float(hi), axis


def _sources(curves: dict) -> list[str]:
    """One line per curve: its label, its ensemble folder (relative to the repository for the
    committed cache) and the cache key."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    lines = []
    for label, r in (curves or {}).items():
        path = Path(r.path)
        try:
            shown = path.resolve().relative_to(repo).as_posix()
        except ValueError:
            shown = path.as_posix()
        key = r.meta.get("key", path.name.rsplit("-", 1)[-1])
        line = (f"curve: {label} | ensemble: {shown} | cache key: {key} | "
                f"realizations: {r.realizations}")
        if "rows" in r.meta:  # a subset of the ensemble (EnsembleResult.subset)
            rows = r.meta["rows"]
            span = (f"{rows[0]}-{rows[-1]}" if rows == list(range(rows[0], rows[-1] + 1))
                    else ", ".join(map(str, rows)))
            line += f" | rows: {span}"
        lines.append(line)
    return lines


def figure_data(fig, curves: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """The figure data of ``fig``: (header lines, rows of :data:`FIGDATA_COLUMNS`).

    Header: one line per curve of ``curves`` (``{label: EnsembleResult}``: its ensemble folder
    and cache key) and per panel its name and the plain-text quantities of its x and y axes
    (from the axis labels, with their units, before any power-of-ten rescaling). Rows: one per
    plotted point: the panel (its gid, else its title, as plain text), the series (the line's
    gid, else its label; ``ValueError`` for a line with neither), x, y and, where the figure
    draws error bars, the distances to the bar ends. A vertical (horizontal) marker line across
    the panel has one row with y (x) empty; a shaded band (axvspan, axhspan) one row at its
    centre with its half-width as the error.
    """
    rows, header = [], _sources(curves)

    def num(v):
        return "" if v is None else f"{float(v):.8g}"

    for i, ax in enumerate(fig.axes):
        panel = plain_text(ax.get_gid() or ax.get_title() or f"axes {i}")
        header.append(f"panel: {panel} | x: {_axis_quantity(ax.xaxis)} | "
                      f"y: {_axis_quantity(ax.yaxis)} | x scale: {ax.get_xscale()} | "
                      f"y scale: {ax.get_yscale()}")
        bars = _error_bars(ax)
        for line in ax.get_lines():
            container, errs = bars.get(id(line), (None, (None,) * 4))
            series = _series_name(line, panel, container)
            x = np.asarray(line.get_xdata(), float)
            y = np.asarray(line.get_ydata(), float)
            transform = line.get_transform()
            if transform == ax.get_xaxis_transform():  # axvline: x in data, y in axes units
                rows += [[panel, series, num(v), "", "", "", "", ""]
                         for v in dict.fromkeys(x.tolist())]
                continue
            if transform == ax.get_yaxis_transform():  # axhline
                rows += [[panel, series, "", num(v), "", "", "", ""]
                         for v in dict.fromkeys(y.tolist())]
                continue
            for k in range(len(x)):
                e = [None if a is None else a[k] for a in errs]
                rows.append([panel, series, num(x[k]), num(y[k]), *map(num, e)])
        for patch in ax.patches:
            span = _span(patch, ax)
            if span is None:
                continue
            lo, hi, axis = span
            series, half, centre = _series_name(patch, panel), 0.5 * (hi - lo), 0.5 * (lo + hi)
            if axis == "x":
                rows.append([panel, series, num(centre), "", num(half), num(half), "", ""])
            else:
                rows.append([panel, series, "", num(centre), "", "", num(half), num(half)])
    return header, rows


#: the paper's colours and markers, in the order of its legends (blue asterisks, green squares,
#: red triangles)
STYLE = [dict(color="tab:blue", marker="*"), dict(color="tab:green", marker="s"),
         dict(color="tab:red", marker="^")]


def rate_panels(axes, items, cuts, label_of) -> None:
    """Two rate panels for several ensembles, as in the paper's rate figures.

    (a) the log-rate density on the quarter-decade bins of the lambda_min rule, with each
    curve's lambda_min dashed; (b) p(lambda) on a linear axis from 0 to ten times the largest
    lambda_min, with C/lambda at each curve's plateau level (dashed) and lambda_min (dotted).
    ``items``: ``[(label, EnsembleResult)]`` in legend order; ``cuts``: ``{label: Cutoff}``;
    ``label_of(result)``: the legend text.
    """
    ax_a, ax_b = axes
    top = 10 * max(cuts[label].lambda_min for label, _ in items)
    for (label, r), st in zip(items, STYLE, strict=False):
        c = cuts[label]
        total = r.data["rate_counts"].sum()
        edges, counts = S.rebin(r.data["rate_counts"].sum(axis=0), 5)  # the lambda_min bins
        d4 = counts / (total * np.diff(edges))
        keep = d4 > 0
        name = plain_text(label_of(r))
        ax_a.plot(10 ** (0.5 * (edges[1:] + edges[:-1]))[keep], d4[keep], lw=1, ms=5,
                  label=label_of(r), **st)
        ax_a.axvline(c.lambda_min, color=st["color"], ls="--", lw=1, gid=f"lambda_min, {name}")
        C = analysis.inverse_lambda_amplitude(c.level / total, 0.0, 1.0)  # plateau level
        x, d = S.log_rate_density(r)  # 0.05-decade bins, as a density per unit lambda
        keep = d > 0
        lam = 10 ** x[keep]
        inside = lam <= top
        ax_b.plot(lam[inside], d[keep][inside] / (lam[inside] * np.log(10)), ls="none", ms=4,
                  label=label_of(r), **st)
        grid = np.linspace(c.lambda_min, top, 200)
        ax_b.plot(grid, C / grid, color=st["color"], lw=1, ls="--", gid=f"C/lambda, {name}")
        ax_b.axvline(c.lambda_min, color=st["color"], ls=":", lw=1, gid=f"lambda_min, {name}")
    ax_a.set_xscale("log")
    ax_a.set_ylabel(r"density per decade of $\lambda$")
    ax_a.set_title(r"(a) log scale; dashed: $\lambda_{min}$")
    ax_a.legend(frameon=False)
    # y range: twice the 1/lambda curve at the largest lambda_min (smaller cutoffs run off the top)
    slow_label, slow_r = max(items, key=lambda item: cuts[item[0]].lambda_min)
    slow = cuts[slow_label]
    C_slow = analysis.inverse_lambda_amplitude(slow.level / slow_r.data["rate_counts"].sum(),
                                               0.0, 1.0)
    ax_b.set_ylim(0, 2 * C_slow / slow.lambda_min)
    ax_b.set_xlim(0, top)
    ax_b.set_ylabel(r"$p(\lambda)$")
    ax_b.set_title(r"(b) linear scale; dashed: $C/\lambda$")


def size_step_figure(small, large, rate_unit: str):
    """The rate panels of :func:`rate_panels` for an ensemble at the paper's size and the same
    parameters at a larger N (legend ``N = ...``); ``rate_unit`` labels the x axes."""
    import matplotlib.pyplot as plt

    from .measures import plateau_cutoffs

    items = [(f"N={r.meta['params']['N']}", r) for r in (small, large)]
    cuts = {label: plateau_cutoffs(r) for label, r in items}
    fig, axes = plt.subplots(1, 2, figsize=TWO_PANELS)
    rate_panels(axes, items, cuts, lambda r: f"$N = {r.meta['params']['N']}$")
    for ax in axes:
        ax.set_xlabel(rf"$\lambda$ (units of {rate_unit})")
    fig.tight_layout()
    return fig
