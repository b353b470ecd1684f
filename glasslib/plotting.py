"""Matplotlib helpers shared by the book's notebooks (no physics here: summaries come in)."""

from __future__ import annotations

import numpy as np

from . import analysis
from . import summaries as S

__all__ = ["STYLE", "rate_panels"]

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
        ax_a.plot(10 ** (0.5 * (edges[1:] + edges[:-1]))[keep], d4[keep], lw=1, ms=5,
                  label=label_of(r), **st)
        ax_a.axvline(c.lambda_min, color=st["color"], ls="--", lw=1)
        C = analysis.inverse_lambda_amplitude(c.level / total, 0.0, 1.0)  # plateau level
        x, d = S.log_rate_density(r)  # 0.05-decade bins, as a density per unit lambda
        keep = d > 0
        lam = 10 ** x[keep]
        inside = lam <= top
        ax_b.plot(lam[inside], d[keep][inside] / (lam[inside] * np.log(10)), ls="none", ms=4,
                  label=label_of(r), **st)
        grid = np.linspace(c.lambda_min, top, 200)
        ax_b.plot(grid, C / grid, color=st["color"], lw=1, ls="--")
        ax_b.axvline(c.lambda_min, color=st["color"], ls=":", lw=1)
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
    ax_b.set_title(r"(b) linear scale; dashed: $C/\lambda$ at the plateau level")
