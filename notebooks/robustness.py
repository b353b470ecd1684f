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
# # Robustness of Table I
#
# Table I is the paper's main result: the sign of the shift of the rate distribution (of its
# lower cutoff $\lambda_{min}$) when disorder, interaction or system size grows, for both glasses.
# The book recomputes it ({doc}`report`) under one set of choices, but the paper leaves several
# of them open ({doc}`../book/conventions`). Here every cell is recomputed under each choice, one
# at a time from the book's default, and under the authors' own combination:
#
# - **the meaning of $r_{nn} = 1$**: the default box of side $N^{1/d} - 1$ is not at constant
#   density (its $N/L^d$ falls as $N$ grows: the table of the size scans below), so its size column
#   mixes a density change into the size effect. Two constant-density readings:
#   *constant density* (`r_nn_convention="poisson"`: the mean nearest-neighbour distance is 1 at
#   every $N$, a lower density than the default box's) and *density 1* (`density=1`, the size
#   column only: the density the default box tends to at large $N$, so that only the density
#   change is removed);
# - **which mean-field solution**: the quench of the paper's text (default) or the *annealed*
#   solution of the authors' code, followed down a temperature ladder from $20T$;
# - for the TLS glass, **the prefactor of Eq. (4)**: $\frac14$ as printed (default), $\frac12$
#   (what the variational derivative of Eq. (1) gives: see {doc}`../book/conventions`) or 1 (the
#   authors' code); **its field**, $\tanh(\Delta'_j/2T)$ (default) or $\tanh(E_j/2T)$ (the
#   authors' code); and the **authors' combination** (1, $\tanh(E_j/2T)$, annealed);
# - **the rule that defines $\lambda_{min}$**, on the default ensembles: the lower edge where the
#   log-rate density falls below half its plateau (the book's rule), below a tenth of it, or the
#   5 % quantile of the rates, which follows the slow tail itself.
#
# Each cell's shift is measured from the first to the last curve of its scan, with bootstrap
# errors over realizations; $+$ faster, $-$ slower, $0$ within two combined standard errors. The
# rules and verdicts are in `glasslib.verdicts.robustness`.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from glasslib import notebook as nbk
from glasslib import plotting
from glasslib import summaries as S
from glasslib.experiments import EXPERIMENTS, TABLE_ONE_CELLS
from glasslib.formatting import pm, to_myst
from glasslib.geometry import box_side
from glasslib.verdicts import robustness as V

plotting.use_book_style()
_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": read the committed cache; "quick": small ensembles, recomputed
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # worker processes for missing ensembles (None: all cores)
realizations = None  # realizations per curve (None: as declared, those of Table I)
N = None  # system size (None: as declared; a size override collapses the size scans)
seed = None  # base seed (None: those of the experiments)
max_minutes = 5  # the longest computation this page starts without asking (None: no limit)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before)
names = [*TABLE_ONE_CELLS.values(), *(n for n in EXPERIMENTS if n.startswith("robust_"))]
data = {name: nbk.load(name, P) for name in names}
table = V.robustness_table(data)
claims = V.claims(data)

# %% [markdown]
# (table-robustness)=
# ## Table I under every choice
#
# Each entry: the measured sign, then the shift of $\log_{10}\lambda_{min}$ in decades with its
# standard error. The paper's signs head the columns; an entry that differs from them is marked
# with ✗.

# %% tags=["hide-input"]
cells = list(V.PAPER_TABLE_ONE)
head = ["choice"] + [f"{m} {q} (paper: {V.PAPER_TABLE_ONE[(m, q)]})" for m, q in cells]
rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
by = {(c.model, c.quantity, c.choice, c.rule): c for c in table}
for choice, rule in V.CHOICES:
    name = V.CHOICE_NAMES[choice] if rule == "half" else f"default, {V.RULES[rule][0]}"
    entries = []
    for m, q in cells:
        c = by.get((m, q, choice, rule))
        entries.append("" if c is None else
                       f"{c.sign}{'' if c.agrees else ' ✗'} ({pm(c.shift, c.err, signed=True)})")
    rows.append(f"| {to_myst(name)} | " + " | ".join(to_myst(e) for e in entries) + " |")
verdicts = {c.figure: c for c in claims}
rows.append("| **verdict** | " + " | ".join(
    f"**{verdicts[f'Table I robustness ({m}, {q})'].verdict}**" for m, q in cells) + " |")
display(Markdown("\n".join(rows)))

# %% tags=["hide-input"]
def cell_name(m, q):
    return f"{'electron glass' if m == 'EG' else 'TLS glass'}, {q}"


verdict_of = {(m, q): verdicts[f"Table I robustness ({m}, {q})"] for m, q in cells}
groups = {"robust": [], "depends": [], "undecided": [], "none": []}
for (m, q), c in verdict_of.items():
    key = {"reproduced": "robust", "partly": "depends", "not reproduced": "none"}.get(
        c.verdict, "undecided")
    against = [x for x in table if (x.model, x.quantity) == (m, q) and not x.agrees]
    detail = "; ".join(f"{V.CHOICE_NAMES[x.choice] if x.rule == 'half' else 'rule ' + x.rule}: "
                       f"{x.sign} ({pm(x.shift, x.err, signed=True)})" for x in against)
    groups[key].append(cell_name(m, q) + (f" (against it: {detail})" if detail else ""))
lines = []
if groups["robust"]:
    lines.append("- **The paper's sign holds under every choice** for: "
                 + "; ".join(groups["robust"]) + ".")
if groups["depends"]:
    lines.append("- **It depends on the choice** for: " + "; ".join(groups["depends"]) + ".")
if groups["none"]:
    lines.append("- **It holds under no choice** for: " + "; ".join(groups["none"]) + ".")
if groups["undecided"]:
    lines.append("- **Undecided** (the halves of the ensembles disagree): "
                 + "; ".join(groups["undecided"]) + ".")
for m in ("EG", "TG"):
    d, one = by.get((m, "system size", "default", "half")), by.get((m, "system size",
                                                                   "density_one", "half"))
    if d is not None and one is not None:
        lines.append(
            f"- **The size effect at constant density ({cell_name(m, 'system size')}):** "
            f"{pm(one.shift, one.err, signed=True)} decades at density 1, against "
            f"{pm(d.shift, d.err, signed=True)} in the default box, whose density falls as $N$ "
            f"grows: {100 * one.shift / d.shift:.0f} % of the default's shift is left.")
display(Markdown(to_myst("\n".join(lines))))

# %% tags=["hide-input"]
choices = V.CHOICES
fig, axes = plt.subplots(2, 3, figsize=(plotting.TWO_PANELS[0], 6.2), sharey=True)
for ax, (m, q) in zip(axes.flat, cells, strict=True):
    for i, (choice, rule) in enumerate(choices):
        c = by.get((m, q, choice, rule))
        if c is None:
            continue
        style = plotting.STYLE[0] if c.agrees else plotting.STYLE[2]
        ax.errorbar([c.shift], [i], xerr=[2 * c.err], ls="none", ms=6, color=style["color"],
                    marker=style["marker"], gid=f"{m} {q}: {choice}, {rule}")
    ax.axvline(0, color="grey", lw=0.8, gid=f"zero shift, {m} {q}")
    ax.set_title(f"{m}, {q} (paper: {V.PAPER_TABLE_ONE[(m, q)]})")
    ax.set_xlabel(r"shift of $\log_{10}\lambda_{min}$ [decades]")
labels = [V.CHOICE_NAMES[c] if r == "half" else f"rule: {r}" for c, r in choices]
for ax in axes[:, 0]:
    ax.set_yticks(range(len(choices)), labels)
for ax in axes.flat:  # the y of the data is the row of the choice (the label is shown once)
    ax.set_ylabel("choice (row, from the top)")
    ax.yaxis.label.set_visible(False)
axes[0, 0].invert_yaxis()
fig.tight_layout()
used = {f"{name}/{label}": r for name in names for label, r in data[name].items()}
nbk.publish_figure("robust_table_one", fig, used, P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-robust-table-one
# :name: fig-robust-table-one
#
# {glue:md}`fig-robust-table-one-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("robust_table_one", P["figdata"])

# %% [markdown]
# ### Verdicts, cell by cell

# %% tags=["hide-input"]
V.show_claims([c for c in claims if c.figure.startswith("Table I robustness")])

# %% [markdown]
# (sec-robust-appA)=
# ## Appendix A at constant density
#
# Appendix A explains the electron glass's size effect (Fig. 15: the rates move to lower values
# as $N$ grows) by the distance-only matrix $e^{-r_{ij}/\xi}$ (Fig. 16) and the estimate of
# Eq. (A2), whose factor $k = (\sqrt N + 1)/(\sqrt N - 1)$ is the density change of the default
# box: the box of side $\sqrt N - 1$ holds $N$ sites at density $N/(\sqrt N - 1)^2$, which falls
# towards 1 as $N$ grows. At constant density that factor is 1 at every $N$. The same rules as
# the Appendix A page, applied to the scan at density 1, say what is left.

# %% tags=["hide-input"]
rows = ["| glass | $N$ | box | density $N/L^d$ | $\\log_{10}\\lambda_{min}$ | median $\\|E\\|$ |",
        "|---|---|---|---|---|---|"]
for m in ("EG", "TG"):
    boxes = {"default": data[TABLE_ONE_CELLS[(m, "system size")]],
             "density 1": V.cell_curves(data, m, "system size", "density_one"),
             "constant density (poisson)": V.cell_curves(data, m, "system size", "poisson")}
    for box, curves in boxes.items():
        for r in sorted(curves.values(), key=lambda r: r.meta["params"]["N"]):
            cut = S.plateau_cutoffs(r)
            p = r.meta["params"]
            d = 2 if m == "EG" else 3
            L = box_side(p["N"], d, p["r_nn"], p["r_nn_convention"], p.get("density"))
            rows.append(f"| {m} | {p['N']} | {box} | {p['N'] / L**d:.3f} | "
                        f"{to_myst(pm(cut.log10_min, cut.log10_min_err))} | "
                        f"{S.abs_energy_quantile(r, 0.5):.3f} |")
display(Markdown("\n".join(rows)))

# %% tags=["hide-input"]
def by_n(curves):
    return sorted(curves.values(), key=lambda r: r.meta["params"]["N"])


size_curves = by_n(V.cell_curves(data, "EG", "system size", "density_one"))
distance_curves = by_n(data["robust_eg_distance_density_one"])
colours = [st["color"] for st in plotting.STYLE] + ["tab:purple"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
for ax, curves in ((ax1, size_curves), (ax2, distance_curves)):
    for r, colour in zip(curves, colours, strict=False):
        x, d = S.log_rate_density(r)
        keep = d > 0
        ax.plot(x[keep], d[keep], lw=1, color=colour, label=f"N = {r.meta['params']['N']}")
for ax, title in ((ax1, "(a) electron glass"), (ax2, r"(b) $e^{-r_{ij}/\xi}$ only")):
    ax.set_xlabel(r"$\log_{10}\lambda$ [units of $\Gamma^0$]")
    ax.set_ylabel("density per decade")
    ax.set_title(title)
    ax.legend(loc="upper left")
fig.tight_layout()
appA_used = {**{f"size/N={r.meta['params']['N']}": r for r in size_curves},
             **{f"distance/N={r.meta['params']['N']}": r for r in distance_curves}}
nbk.publish_figure("robust_appA", fig, appA_used, P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-robust-app-a
# :name: fig-robust-app-a
#
# {glue:md}`fig-robust-app-a-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("robust_appA", P["figdata"])

# %% tags=["hide-input"]
V.show_claims([c for c in claims if c.figure.endswith("at constant density")])

# %% [markdown]
# ## What this page computed
#
# The book's Table I ensembles (the default) and one experiment per other choice
# (`robust_<glass>_<choice>`, the end curves of each cell; a curve two cells share is computed
# once), all in the committed cache. Rerun small with
# `papermill notebooks/robustness.ipynb out.ipynb -p scale quick`.

# %% tags=["hide-input"]
nbk.show_ensembles(data)
