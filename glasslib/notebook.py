"""Helpers for the book's notebooks: papermill parameter checking and experiment loading.

Each notebook has an imports cell ending with ``_before = set(globals())``, a cell tagged
``parameters`` with plain assignments, and then::

    P = nbk.check_parameters(globals(), _before, SPEC)

which rejects unknown names (papermill injects ``-p`` values as new assignments) and invalid
values, naming the parameter, before any work starts.
"""

from __future__ import annotations

from . import summaries
from ._validation import check_int, check_real
from .experiments import SCALES

__all__ = ["COMMON", "GLUE_DIGITS", "check_parameters", "load", "overrides", "write_figure_data",
           "download_link", "ensembles_markdown", "show_ensembles", "publish_figure", "glue"]

#: significant digits a glued number keeps. The book prints at most a few, and the stored
#: output (which nbval compares in CI) then does not depend on the last bits of floating point:
#: another CPU's SIMD sums and transcendentals move a value by a few ulps (1e-16 relative), which
#: changes its 10-digit rounding only within ~1e-16 of a rounding boundary (~1e-6 of values)
GLUE_DIGITS = 10

#: parameters every notebook has: (kind, allow None)
COMMON = {
    "scale": ("scale", False),
    "cache": ("str", True),
    "workers": ("int>=1", True),
    "realizations": ("int>=1", True),
    "N": ("int>=2", True),
    "seed": ("int>=0", True),
    "max_minutes": ("nonnegative", True),
}

_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _check(name, kind, allow_none, value):
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{name} must not be None")
    if kind == "scale":
        if value not in SCALES:
            raise ValueError(f"{name} must be one of {list(SCALES)}, got {value!r}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {type(value).__name__}")
        return value
    if kind.startswith("int>="):
        return check_int(name, value, minimum=int(kind[5:]))
    if kind == "positive":
        return check_real(name, value, positive=True)
    if kind == "nonnegative":
        return check_real(name, value, nonnegative=True)
    raise AssertionError(f"unknown parameter kind {kind}")  # pragma: no cover


def check_parameters(namespace: dict, before: set, spec: dict | None = None) -> dict:
    """Validate the parameters a notebook defined after ``before`` was taken.

    ``spec`` maps extra parameter names to ``(kind, allow_none)`` with kind one of ``"scale"``,
    ``"str"``, ``"int>=K"``, ``"positive"``, ``"nonnegative"``; :data:`COMMON` is always included.
    Returns ``{name: value}`` plus ``book`` (True for the book's own configuration: paper scale,
    nothing else set) and ``figdata`` (where the figure CSVs go: the committed ``figdata/`` for
    the book, or ``$GLASSLIB_FIGDATA`` when set; the user cache otherwise). ``cache=None``
    means the committed cache for the book (:func:`glasslib.runner.default_cache`) and the
    user cache for anything else
    (:func:`glasslib.runner.user_cache`). Unknown names raise ``ValueError`` listing them and
    the known ones.
    """
    spec = {**COMMON, **(spec or {})}
    defined = {
        k for k in namespace
        if k not in before and not k.startswith("_") and k not in _IPYTHON_NAMES
    }
    unknown = sorted(defined - set(spec))
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; this notebook takes {sorted(spec)}")
    missing = sorted(set(spec) - defined)
    if missing:
        raise ValueError(f"parameter cell must define {missing}")
    out = {name: _check(name, *spec[name], namespace[name]) for name in sorted(spec)}
    from .runner import default_cache, user_cache

    # the book's own configuration reads the committed cache and writes the committed figure
    # data; any rerun with other values keeps its ensembles and CSVs in the user cache, so that
    # it never touches the repository
    book = out["scale"] == "paper" and all(
        v is None or v == "paper" for k, v in out.items()
        if k not in ("scale", "cache", "workers", "max_minutes"))
    if out["cache"] is None:
        out["cache"] = str(default_cache() if book else user_cache())
    out["book"] = book
    # the committed figure data only from the repository's own notebooks/ (as the book build
    # and notebooks/execute.py run them); from anywhere else, even with the book's parameters,
    # the CSVs go to the user cache instead of a stray figdata/ beside the shell
    import os
    from pathlib import Path

    # ($GLASSLIB_FIGDATA moves the book's CSVs elsewhere: the test suite sets it, so that
    # nbval's runs of the notebooks leave the committed files alone)
    in_repo = Path.cwd().resolve() == Path(__file__).resolve().parents[1] / "notebooks"
    if book and in_repo:
        out["figdata"] = os.environ.get("GLASSLIB_FIGDATA") or "figdata"
    else:
        out["figdata"] = str(user_cache() / "figdata")
    if not book:
        _rerun_banner(out)
    elif not any(Path(out["cache"]).glob("*/*/meta.json")):
        _outside_note(out)
    return out


def _outside_note(P: dict) -> None:
    """Say what to do when the book's configuration runs where the committed cache is not."""
    try:
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - outside a notebook
        return
    display(Markdown(
        f"**The committed cache is not at `{P['cache']}`**: this notebook runs outside a clone "
        "of the repository. Clone it and install it (its README), then run the notebook from "
        "its `notebooks/` or set `GLASSLIB_CACHE` to the clone's `results/`; or rerun with "
        "`-p scale quick`, which computes small ensembles in minutes. Computing the paper-scale "
        "ensembles here takes hours: the next cell says how long and stops unless `max_minutes` "
        "allows it."))


def _rerun_banner(P: dict) -> None:
    """Say, at the top of a rerun's output, that it is not the book's paper-scale run."""
    try:
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - outside a notebook
        return
    changed = ", ".join(f"{k} = {v!r}" for k, v in sorted(P.items())
                        if k not in ("cache", "workers", "book", "figdata", "max_minutes")
                        and v is not None and v != "paper")
    scale = (" At quick scale the ensembles are small: errors are large and a verdict may "
             "differ from the paper-scale one." if P["scale"] == "quick" else "")
    display(Markdown(f"**This is a rerun, not the book's run** ({changed}).{scale} Its "
                     f"ensembles and figure data are in `{P['cache']}`."))


def overrides(P: dict, model_keys=("N", "T", "W", "J", "xi")) -> dict:
    """The model-parameter overrides in ``P`` (those not None)."""
    return {k: P[k] for k in model_keys if k in P and P[k] is not None}


def load(experiment: str, P: dict, **extra_overrides) -> dict:
    """``{label: EnsembleResult}`` for the experiment at ``P["scale"]`` with P's overrides.

    The default (paper scale, no overrides) reads the committed cache; anything else is computed
    (resumable, with a progress bar) into the same cache, after saying how long it will take;
    a computation estimated to take longer than ``P["max_minutes"]`` does not start
    (:class:`glasslib.cost.TooLong` says how to allow it).
    """
    return summaries.load_experiment(
        experiment, P["scale"], P["cache"], workers=P["workers"], realizations=P["realizations"],
        overrides={**overrides(P), **extra_overrides} or None,
        seed=P["seed"], max_minutes=P.get("max_minutes"),
    )


def write_figure_data(name: str, fig=None, directory: str = "figdata", curves: dict | None = None):
    """Write the data of every plotted line of ``fig`` (default: the current figure) to
    ``<directory>/<name>.csv``; return its path.

    Leading ``# `` lines: the figure, one line per curve of ``curves`` (``{label:
    EnsembleResult}``: its ensemble folder and cache key), and per panel its name and the
    quantities of its x and y axes (plain text, from the axis labels, with their units). Then
    long format, one row per point, columns ``panel, series, x, y, x_err_minus, x_err_plus,
    y_err_minus, y_err_plus`` (:func:`glasslib.plotting.figure_data`: a line without a label or
    gid is refused). Lines are written from the same arrays the figure shows, so the file is
    exactly the plotted data.
    """
    import csv
    import os
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .plotting import FIGDATA_COLUMNS, figure_data

    fig = fig or plt.gcf()
    header, rows = figure_data(fig, curves)
    path = Path(directory) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # written beside the target and renamed over it: a reader (another process rebuilding the
    # book, a test hashing the tree) sees the old file or the new one, never a partial one
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", newline="") as fh:
            fh.write(f"# figure data of {name}; columns: {', '.join(FIGDATA_COLUMNS)}\n")
            fh.write("".join(f"# {line}\n" for line in header))
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(FIGDATA_COLUMNS)
            writer.writerows(rows)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def download_link(name: str, directory: str = "figdata") -> None:
    """Display the book's download link of ``<directory>/<name>.csv``. Returns None, so that a
    call ending a cell adds no output besides the link (nbval compares outputs)."""
    from pathlib import Path

    from IPython.display import Markdown, display

    path = Path(directory) / f"{name}.csv"
    display(Markdown(f"Figure data: {{download}}`{path.name} <{path.as_posix()}>`"))


def publish_figure(key: str, fig, curves: dict, directory: str = "figdata") -> None:
    """Publish figure ``key`` of the registry (:mod:`glasslib.figures`) for its page.

    Glues the figure under its label and its caption, filled from the parameters of ``curves``
    (``{label: EnsembleResult}``), under ``<label>-caption`` (the page shows both with a
    ``glue:figure`` directive), writes the plotted data to ``<directory>/<key>.csv``
    (:func:`write_figure_data`; the page shows its link with :func:`download_link`) and closes
    the figure. Refuses a figure that would show axis offset text
    (:func:`glasslib.plotting.finish_figure`). Returns None.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Markdown
    from myst_nb import glue

    from .figures import caption, get_figure
    from .plotting import finish_figure

    entry = get_figure(key)
    finish_figure(fig)  # no axis offset text; power-of-ten multipliers moved into the labels
    glue(entry.label, fig, display=False)
    glue(entry.caption_key, Markdown(caption(key, curves)), display=False)
    write_figure_data(key, fig, directory, curves)
    plt.close(fig)


def ensembles_markdown(data: dict, extra: dict | None = None) -> str:
    """The ensembles of ``data`` (``{experiment: {label: EnsembleResult}}``) as a MyST table:
    experiment, curve, model, N, realizations, seed, the parameters that differ from the model's
    defaults, unconverged solves and the cache key; ``extra`` adds columns ``{name: f(result)}``.
    """
    from .formatting import to_myst
    from .realizations import DEFAULTS

    extra = extra or {}
    head = ["experiment", "curve", "model", "$N$", "realizations", "seed", "other parameters",
            "unconverged", "cache key", *extra]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, curves in data.items():
        for label, r in curves.items():
            p, model = r.meta["params"], r.meta["model"]
            others = ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                               for k, v in sorted(p.items())
                               if k != "N" and DEFAULTS.get(model, {}).get(k, object()) != v)
            unconverged = (str(int((~r.data["converged"].astype(bool)).sum()))
                           if "converged" in r.data else "")
            cells = [f"`{name}`", to_myst(label), model, str(p["N"]), str(r.realizations),
                     str(r.meta.get("seed", "")), others or "defaults", unconverged,
                     f"`{r.meta.get('key', '')}`", *(str(f(r)) for f in extra.values())]
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def show_ensembles(data: dict, extra: dict | None = None) -> None:
    """Display :func:`ensembles_markdown` (the "What this page computed" table). Returns None."""
    from IPython.display import Markdown, display

    display(Markdown(ensembles_markdown(data, extra)))


def glue(name: str, variable, display: bool = True) -> None:
    """``myst_nb.glue``, with a real number rounded to :data:`GLUE_DIGITS` significant digits
    first (see there why); anything else is glued as it is."""
    import numbers

    from myst_nb import glue as _glue

    if isinstance(variable, numbers.Real) and not isinstance(variable, (bool, numbers.Integral)):
        variable = float(f"{float(variable):.{GLUE_DIGITS}g}")
    _glue(name, variable, display=display)
