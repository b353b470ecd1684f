# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Reproduction report
#
# (verdict-tally)=
# ## Verdicts at a glance
#
# **{glue:text}`verdict-tally`**
#
# | verdict | claims | meaning |
# |---|---|---|
# | reproduced | {glue:text}`verdict-reproduced` | our numbers agree with the claim within their uncertainty |
# | partly | {glue:text}`verdict-partly` | the qualitative claim holds but a stated detail does not, or only in part of the parameter range |
# | not reproduced | {glue:text}`verdict-not-reproduced` | our numbers contradict the claim, or show no significant effect where the paper reports one |
# | undecided | {glue:text}`verdict-undecided` | the whole ensemble's verdict is not given by both of its independent halves (even and odd realizations): more realizations are needed to decide |
#
# The last rule (split-half replication, `glasslib.verdicts.replicated`) is applied to every
# claim in the same way: a verdict that survives it holds with margin, not by a hair.

# %% [markdown]
# ## About this page
#
# Every figure and claim of the paper in one table: the paper's statement, what we measured (with
# its uncertainty), and a verdict. The verdicts are computed by the section modules of
# `glasslib.verdicts` from the same cached ensembles the section pages plot, by rules stated in
# their docstrings; nothing here is typed in. Each row links to the figure that shows it.
# The rows headed "Beyond MF" test the paper's mean-field results against Monte Carlo on the
# same realizations (the paper's closing question, {doc}`beyond_mean_field`): there a
# "reproduced" means that the mean-field result is also the Monte Carlo one.

# %% tags=["hide-input"]
from IPython.display import Markdown, display

from glasslib import notebook as nbk
from glasslib.experiments import EXPERIMENTS
from glasslib.formatting import pm, to_myst
from glasslib.notebook import glue
from glasslib.verdicts import (
    appA,
    appB,
    beyond_mf,
    claims_markdown,
    robustness,
    sec2,
    sec3,
    sec4,
    sec5,
    tally,
    tally_text,
)

_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": the committed cache; "quick": small ensembles, recomputed (minutes)
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # local worker processes when something must be computed (None: all cores)
realizations = None  # override the realization count of every ensemble (None: as in the paper)
N = None  # override the system size of every ensemble (None: as in the paper)
seed = None  # override the seed of every experiment (None: the recorded ones)
max_minutes = 5  # the longest computation this page starts without asking (None: no limit)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before)
data = {name: nbk.load(name, P) for name in EXPERIMENTS}
claims = []
for module in (sec2, sec3, sec4, sec5, appA, appB, beyond_mf):
    claims.extend(module.claims(data))
_rerun = "" if P["book"] else f" (a rerun at {P['scale']} scale, not the book's run: see below)"
glue("verdict-tally", tally_text(claims) + _rerun, display=False)
for _verdict, _n in tally(claims).items():
    glue(f"verdict-{_verdict.replace(' ', '-')}", str(_n), display=False)

# %% [markdown]
# ## Every claim

# %% tags=["hide-input"]
display(Markdown(claims_markdown(claims, links=True)))

# %% [markdown]
# ## Table I, recomputed
#
# The sign of the shift of the rate distribution (of its lower cutoff $\lambda_{min}$) when
# disorder $W$, interaction $J$ (at fixed $W^2 + J^2$) or system size $N$ increases: $+$ faster,
# $-$ slower, $0$ no shift beyond two combined standard errors (bootstrap over realizations).
# The shifts come from the ensembles of Figs. 6, 7, 11, 13, 15 and the TLS-glass size ensemble
# (`tableI_tg_size`, which the paper mentions but does not show). The column "at 1/4, 3/4" gives
# the signs when the plateau edge is taken at a quarter and at three quarters of the plateau
# level instead of half (a check of the $\lambda_{min}$ rule, not part of the verdict).

# %% tags=["hide-input"]
verdict_of = {c.figure: c.verdict for c in claims if c.figure.startswith("Table I")}
rows = ["| model | quantity | change | paper | ours | shift of $\\log_{10}\\lambda_{min}$ "
        "[decades] | at 1/4, 3/4 | verdict |", "|---|---|---|---|---|---|---|---|"]
for c in sec5.table_one(data):
    rows.append(f"| {c.model} | {c.quantity} | {to_myst(c.change)} | {c.paper_sign} | "
                f"{c.sign} | {to_myst(pm(c.shift, c.err, signed=True))} | "
                f"{c.other_thresholds} | **{verdict_of[f'Table I ({c.model}, {c.quantity})']}** |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## Table I under the choices the paper leaves open
#
# Is each sign a property of the physics, or of one reading of the paper? The
# {doc}`robustness` page recomputes every cell under each open choice (the meaning of
# $r_{nn} = 1$, the mean-field solution, the prefactor and field of Eq. (4), the $\lambda_{min}$
# rule): *robust* (reproduced) if the paper's sign holds under all of them, *depends on ...*
# (partly) if under some, *none* (not reproduced) if under none. These verdicts are about the
# paper's conclusions under other readings, so they are not counted in the tally above.

# %% tags=["hide-input"]
robust = robustness.claims(data)
display(Markdown(claims_markdown(
    [c for c in robust if c.figure.startswith("Table I robustness")], links=True)))

# %% [markdown]
# ## Choices and ambiguities
#
# | topic | the paper | our default (parameter) | see |
# |---|---|---|---|
# | meaning of $r_{nn} = 1$ | "average nearest-neighbour distance" | box side $N^{1/d} - 1$, about unit density (`r_nn_convention="lattice"`; `"poisson"` makes the mean nearest-neighbour distance $r_{nn}$) | {doc}`../book/conventions` |
# | prefactor of Eq. (4) | $\frac14$ (text) vs 1 (authors' code) | $\frac14$ (`prefactor="paper"`) | {doc}`../book/conventions` |
# | field in Eq. (4) | $\tanh(\Delta'_j/2T)$ (text) vs $\tanh(E_j/2T)$ (code) | $\Delta'_j$ (`field="asymmetry"`) | {doc}`../book/conventions` |
# | $W$ | "variance" (text) vs standard deviation (Eq. 7) | standard deviation | {doc}`../book/conventions` |
# | $\chi = P_0U_0$ | quoted, no role in the equations | not used | {doc}`../book/conventions` |
# | $f_{ij}$ of Eq. (B1) | printed form matches prefactor 1 | linearization of Eq. (11) (`convention="linearized"`) | {doc}`appB_interaction_term` |
# | labels of Figs. 17-19 | text and captions disagree | the captions | {doc}`appB_interaction_term` |
# | half filling | "half filling" | $\sum_i n_i = N/2$ exactly per realization (chemical potential) | {doc}`../book/conventions` |
# | eigenvalues at rounding level | not discussed | dropped by a stated rule (`drop_unresolved`) | {doc}`../book/conventions` |
# | realizations not stated | Figs. 2, 4-7, 10-16 | 300 (N = 1000); $N \times R \approx 10^5$ for the size scans | {doc}`../book/ensembles` |

# %% [markdown]
# ## What this page computed
#
# The ensembles below (paper scale by default) are the same cached results the section pages
# use. Rerun everything at a small scale with
# `papermill notebooks/report.ipynb out.ipynb -p scale quick`.

# %% tags=["hide-input"]
rows = ["| experiment | curves: $N \\times$ realizations |", "|---|---|"]
for name, curves in data.items():
    sizes = "; ".join(f"{to_myst(label)}: {r.meta['params']['N']} $\\times$ {r.realizations}"
                      for label, r in curves.items())
    rows.append(f"| `{name}` | {sizes} |")
display(Markdown("\n".join(rows)))
