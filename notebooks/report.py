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
# Every figure and claim of the paper in one table: the paper's statement, what we measured (with
# its uncertainty), and a verdict. The verdicts are computed by the section modules of
# `glasslib.verdicts` from the same cached ensembles the section pages plot, by rules stated in
# their docstrings; nothing here is typed in. Each row links to the figure that shows it.
#
# - **reproduced**: our numbers agree with the claim within their uncertainty;
# - **partly**: the qualitative claim holds but a stated detail does not, or only in part of the
#   parameter range;
# - **not reproduced**: our numbers contradict the claim, or show no significant effect where the
#   paper reports one.

# %% tags=["hide-input"]
from collections import Counter

from IPython.display import Markdown, display

from glasslib import notebook as nbk
from glasslib.experiments import EXPERIMENTS
from glasslib.verdicts import appA, appB, sec2, sec3, sec4, sec5

_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": the committed cache; "quick": small, recomputed in about a minute
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # local worker processes when something must be computed (None: all cores)
realizations = None  # override the realization count of every ensemble (None: as in the paper)
N = None  # override the system size of every ensemble (None: as in the paper)
seed = None  # override the seed of every experiment (None: the recorded ones)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before)
data = {name: nbk.load(name, P) for name in EXPERIMENTS}

# %% tags=["hide-input"]
claims = []
for module in (sec2, sec3, sec4, sec5, appA, appB):
    claims.extend(module.claims(data))


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


rows = ["| figure | the paper says | we measure | verdict | why |", "|---|---|---|---|---|"]
for c in claims:
    fig = f"{{ref}}`{c.figure} <{c.target}>`" if c.target else c.figure
    rows.append(f"| {fig} | {_cell(c.statement)} | {_cell(c.measured)} | **{c.verdict}** | "
                f"{_cell(c.why)} |")
display(Markdown("\n".join(rows)))
tally = Counter(c.verdict for c in claims)
print(", ".join(f"{tally.get(v, 0)} {v}" for v in ("reproduced", "partly", "not reproduced")),
      f"(of {len(claims)} claims)")

# %% [markdown]
# ## Table I, recomputed
#
# The sign of the shift of the rate distribution (of its lower cutoff $\lambda_{min}$) when
# disorder $W$, interaction $J$ (at fixed $W^2 + J^2$) or system size $N$ increases: $+$ faster,
# $-$ slower, $0$ no shift beyond two combined standard errors (bootstrap over realizations).
# The shifts come from the ensembles of Figs. 6, 7, 11, 13, 15 and the TLS-glass size ensemble
# (`tableI_tg_size`, which the paper mentions but does not show).

# %% tags=["hide-input"]
table = sec5.table_one(data)
sec5.print_table_one(table)

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
for name, curves in data.items():
    sizes = ", ".join(f"{label}: N={r.meta['params']['N']} x {r.realizations}"
                      for label, r in curves.items())
    print(f"{name}: {sizes}")
