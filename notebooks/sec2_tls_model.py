# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The TLS-glass model and its density of states (Sec. II)
#
# Sec. II of the paper adds Ising interactions to the standard tunnelling model,
#
# $$\mathcal{H}_{TG} = \sum_i \left(\Delta_i S^z_i + \Delta_{0i} S^x_i\right)
#   - \frac12 \sum_{i\neq j} \frac{u_{ij}}{r_{ij}^3} S^z_i S^z_j , \qquad (1)$$
#
# with Gaussian couplings $u_{ij}$ of standard deviation $U_0$ (Eq. 2), $J = U_0/r_{nn}^3$,
# Gaussian asymmetries $\Delta_i$ of width $W$ and log-uniform tunnelling amplitudes
# $\Delta_0 \in [10^{-7}, 10^{-1}]$ (Eq. 7). It solves the mean-field self-consistent equations
#
# $$\Delta_i' = \Delta_i + \frac14 \sum_{j\neq i} \frac{u_{ij}}{r_{ij}^3}
#   \tanh\left(\frac{\Delta_j'}{2T}\right) \qquad (4)$$
#
# and histograms the excitation energies
#
# $$E_i = \mathrm{sgn}(\Delta_i')\sqrt{\Delta_i'^2 + \Delta_{0i}^2}. \qquad (6)$$
#
# The DOS shows the dipole gap at $E = 0$ (Fig. 1), which the paper relates to the logarithmic
# gap of earlier work, and the gap fills in as $T$ grows (Fig. 2).
#
# In `glasslib`: `glasslib.sample_tls_glass` draws a realization (Eqs. 2, 7: sites in a periodic
# cube, $\Delta_i$, $\Delta_{0i}$, $u_{ij}$), `glasslib.solve_tls_mean_field` solves Eq. (4) and
# `glasslib.tls_energies` is Eq. (6). The runner (`glasslib.runner.run_ensemble`) stores each
# realization's energy histograms and solver diagnostics; `glasslib.summaries.dos` and
# `glasslib.summaries.log_abs_energy_density` turn them into the curves below, and
# `glasslib.verdicts.sec2` computes the claims.
#
# Choices that matter here (details in the [conventions](../book/conventions.md)):
# $W$ is the *standard deviation* of $\Delta_i$ (Eq. 7; the text says "variance"); the
# prefactor of Eq. (4) is the printed $\frac14$ (the authors' code uses 1, parameter
# `prefactor`); "$r_{nn} = 1$" means a box of side $N^{1/3} - 1$ (close to unit density); the
# solver starts from $\Delta' = \Delta$ (the paper: "a uniform distribution") and updates one
# TLS at a time in random order until
# $\max_i|\Delta_i' - F_i(\Delta')| < 10^{-8}$, which selects one of the many low-$T$ solutions.
# $\chi = P_0 U_0$ plays no role in these equations. There is no short-distance cutoff, so close
# pairs get very large couplings: a sizeable fraction of the energies lies far outside the
# plotted range (printed below). All DOS curves are normalized over *all* TLSs, including those.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

import glasslib as gl
from glasslib import measures as M
from glasslib import notebook as nbk
from glasslib import plotting
from glasslib import summaries as S
from glasslib.formatting import pm, to_myst
from glasslib.verdicts import sec2 as V

plotting.use_book_style()
_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": N and realization counts of the paper (read from the cache); "quick"
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # worker processes for missing ensembles (None: all cores)
realizations = None  # realizations per curve (None: the count of the experiment)
N = None  # number of TLSs (None: as in the paper, 10^4 for Fig. 1 and 10^3 for Fig. 2)
seed = None  # base seed of the ensembles (None: that of the experiment)
max_minutes = 5  # the longest computation this page starts without asking (None: no limit)
W = None  # disorder, standard deviation of Delta_i (None: 1, as in the paper)
J = None  # interaction strength J, U0 / r_nn^3 (None: 1, as in the paper)
T_fig1 = None  # temperature of Fig. 1 (None: 0.05, as in the paper)
prefactor = "paper"  # prefactor of Eq. (4): "paper" (1/4, as printed) or "authors_code" (1)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before, {
    "W": ("positive", True), "J": ("nonnegative", True), "T_fig1": ("positive", True),
    "prefactor": ("str", False),
})
if P["prefactor"] not in gl.SCE_PREFACTORS:
    raise ValueError(f"prefactor must be one of {list(gl.SCE_PREFACTORS)}, got {P['prefactor']!r}")
extra = {} if P["prefactor"] == "paper" else {"prefactor": P["prefactor"]}
data = {
    "fig01_tg_dos": nbk.load("fig01_tg_dos", P, **extra,
                             **({} if P["T_fig1"] is None else {"T": P["T_fig1"]})),
    "fig02_tg_dos_vs_T": nbk.load("fig02_tg_dos_vs_T", P, **extra),
}
claims = V.claims(data)
fig1 = next(iter(data["fig01_tg_dos"].values()))
fig2 = sorted(data["fig02_tg_dos_vs_T"].values(), key=lambda r: r.meta["params"]["T"])

# %% [markdown]
# ## Fig. 1: the dipole gap
#
# Panel (a) is the DOS of $E_i$ on a linear axis (bins of three histogram bins, built outward
# from $E = 0$). Panel (b) is the same DOS against $\log_{10}|E|$, both signs averaged and
# divided by its peak, next to the DOS without interactions ($J = 0$, same $W$ and $\Delta_0$;
# computed exactly by `glasslib.tls.noninteracting_abs_energy_cdf`), also divided by
# its peak. The $J = 0$ curve is not flat at small $|E|$: since $|E| \ge \Delta_0$, the
# log-uniform tunnelling amplitudes alone deplete small energies logarithmically. What the
# interactions remove is the ratio of the two curves.

# %% tags=["hide-input"]
p1 = fig1.meta["params"]
x, g = M.coarse_dos(fig1)
peak = M.gap_ratio(fig1, bootstrap=0).peak
log_edges, g_log = M.symmetric_dos_on_log_axis(fig1, merge=5)
_, g_ref_log = M.reference_log_dos(p1, log_edges)
g_ref_peak = M.reference_dos(p1)[1].max()
centres = 0.5 * (log_edges[1:] + log_edges[:-1])
shown = (centres > np.log10(p1["tunneling_min"])) & (g_log > 0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
window = np.abs(x) < 4 * np.hypot(p1["W"], p1["J"])
ax1.plot(x[window], g[window], **plotting.STYLE[0], ms=4, lw=0.7, gid=f"J = {p1['J']:g}")
ax1.set_xlabel("$E$ (units of $J$)")
ax1.set_ylabel("DOS (per unit $E$, per TLS)")
ax1.set_title("(a) DOS")
ax2.plot(centres[shown], g_log[shown] / peak, **plotting.STYLE[0], ms=5, lw=0.7,
         label=f"$J = {p1['J']:g}$")
ax2.plot(centres[shown], g_ref_log[shown] / g_ref_peak, "k--", lw=1, label="$J = 0$ (exact)")
ax2.axvline(np.log10(p1["T"]), color="gray", ls=":", lw=1, gid="|E| = T")
ax2.set_xlim(np.log10(p1["tunneling_min"]), 1.5)
ax2.set_xlabel(r"$\log_{10}(|E|/J)$")
ax2.set_ylabel("DOS / its peak")
ax2.set_title(r"(b) DOS vs $\log_{10}|E|$")
ax2.legend(frameon=False)
fig.tight_layout()
nbk.publish_figure("fig01", fig, data["fig01_tg_dos"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-tg-dos
# :name: fig-tg-dos
#
# {glue:md}`fig-tg-dos-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig01", P["figdata"])

# %% [markdown]
# How much of the ensemble the figure leaves out, and whether every solve converged
# (`glasslib.measures.solver_diagnostics`; a sweep is one pass over all TLSs):

# %% tags=["hide-input"]
lines = [f"{'ensemble':<16}{'N':>7}{'real.':>7}{'converged':>11}{'max residual':>14}"
         f"{'mean sweeps':>13}{'max sweeps':>12}{'|E| outside':>13}"]
for name, curves in data.items():
    for label, r in curves.items():
        d = M.solver_diagnostics(r)
        lines.append(f"{name[:5] + ' ' + label:<16}{r.meta['params']['N']:>7}{d['realizations']:>7}"
                     f"{d['converged']:>5} / {d['realizations']:<4}{d['max_residual']:>14.1e}"
                     f"{d['mean_sweeps']:>13.1f}{d['max_sweeps']:>12}{100 * d['outside']:>12.1f}%")
edges = gl.realizations.energy_edges(p1)
lines.append(f"'|E| outside': TLSs with |E| > {edges[-1]:.2f}, beyond the histogram range; "
             "the DOS integrates to the rest.")
print("\n".join(lines))

# %% [markdown]
# The shape of the gap on the logarithmic axis of panel (b), decade by decade: the DOS divided by
# its peak, the same for $J = 0$, and their ratio (the *depletion* the interactions cause), each
# averaged over $\pm 0.25$ decade (`glasslib.measures.log_gap_table`; errors: bootstrap over
# realizations).

# %% tags=["hide-input"]
lines = [f"{'|E|':>8}{'DOS/peak':>18}{'J=0: DOS/peak':>15}{'depletion':>20}"]
for row in M.log_gap_table(fig1):
    lines.append(f"{10**row.log10_E:>8.0e}{row.g_rel:>10.3f} +- {row.g_rel_err:.3f}"
                 f"{row.ref_rel:>15.3f}{row.depletion:>12.3f} +- {row.depletion_err:.3f}")
print("\n".join(lines))

# %% [markdown]
# **Verdict.** The gap at $E = 0$ is there, deep and far outside the statistical error, as in the
# paper's Fig. 1. On the logarithmic axis, the depletion caused by the interactions deepens over
# the first decade below the gap edge and then stops, at $|E|$ of the order of $T$: at this
# temperature the mean-field gap does not continue logarithmically to lower energies, and the
# slow decrease left in panel (b) at the smallest $|E|$ is the tunnelling amplitudes' own
# ($J = 0$) depletion. The rules and the numbers:

# %% tags=["hide-input"]
V.show_claims(claims, "Fig. 1")

# %% [markdown]
# (sec-tg-annealed)=
# ### Which mean-field solution?
#
# At $T = 0.05$ Eq. (4) has many solutions and the solver picks one: the book's default is a
# quench at $T$ from the bare asymmetries (the paper's text), the authors' code anneals down a
# temperature ladder (here from $20T = 1$). The first realizations of Fig. 1, annealed, against
# their quenched solutions (the same glasses): the median $|E|$, and the depth of the dipole gap
# as on this page (the DOS at small $|E|$ over its peak, `glasslib.measures.gap_ratio`). Errors:
# bootstrap over realizations.

# %% tags=["hide-input"]
annealed1 = nbk.load("annealed_fig01_tg_dos", P, **extra,
                     **({} if P["T_fig1"] is None else {"T": P["T_fig1"]}))
(_, ra1), = annealed1.items()
rq1 = fig1.subset(range(min(ra1.realizations, fig1.realizations)))  # the same glasses, quenched
rows = ["| solution | realizations | median $\\|E\\|$ | gap depth |", "|---|---|---|---|"]
for name, r in (("quench (default)", rq1), ("annealed", ra1)):
    g = M.gap_ratio(r)
    rows.append(f"| {name} | {r.realizations} | {M.abs_energy_quantile(r, 0.5):.3f} | "
                f"{to_myst(pm(g.ratio, g.ratio_err, 3))} |")
display(Markdown("\n".join(rows)))

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=plotting.ONE_PANEL)
for (name, r), st in zip((("quench (default)", rq1), ("annealed", ra1)), plotting.STYLE,
                         strict=False):
    x, g = S.dos(r)
    keep = np.abs(x) <= 6
    ax.plot(x[keep], g[keep], lw=1, ms=4, markevery=6, label=name, **st)
ax.set_xlabel("$E$ [units of $J$]")
ax.set_ylabel("DOS")
ax.set_title("TLS-glass DOS, quenched and annealed")
ax.legend(loc="upper right")
fig.tight_layout()
nbk.publish_figure("fig01_annealed", fig, {"quench": rq1, "annealed": ra1}, P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-tg-annealed
# :name: fig-tg-annealed
#
# {glue:md}`fig-tg-annealed-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig01_annealed", P["figdata"])

# %% [markdown]
# ## Fig. 2: the gap fills in with temperature

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=plotting.ONE_PANEL)
for i, r in enumerate(fig2):
    style = plotting.STYLE[i % len(plotting.STYLE)]
    x, g = M.coarse_dos(r)
    p = r.meta["params"]
    window = np.abs(x) < 4 * np.hypot(p["W"], p["J"])
    ax.plot(x[window], g[window], **style, ms=4, lw=0.7, label=f"$T = {p['T']:g}$")
ax.set_xlabel("$E$ (units of $J$)")
ax.set_ylabel("DOS (per unit $E$, per TLS)")
ax.legend(frameon=False)
fig.tight_layout()
nbk.publish_figure("fig02", fig, data["fig02_tg_dos_vs_T"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-tg-dos-vs-t
# :name: fig-tg-dos-vs-t
#
# {glue:md}`fig-tg-dos-vs-t-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig02", P["figdata"])

# %% [markdown]
# The DOS at $E = 0$ rises with $T$ for two reasons that the figure shows together: thermal
# fluctuations ($\tanh(\Delta'/2T) \to \Delta'/2T$) weaken the mean field that opens the gap,
# and they also narrow the whole distribution, which raises the DOS everywhere near the centre.
# The ratio of the DOS at zero to the DOS peak isolates the gap (Fig. 1's ensemble on the first
# line, for comparison):

# %% tags=["hide-input"]
lines = [f"{'T':>6}{'DOS(|E| < window)':>24}{'window':>9}{'DOS peak':>10}{'ratio':>17}"]
for r in [fig1] + fig2:
    gr = M.gap_ratio(r)
    lines.append(f"{gr.T:>6g}{gr.g0:>15.4f} +- {gr.g0_err:.4f}{gr.window:>9.3f}{gr.peak:>10.4f}"
                 f"{gr.ratio:>10.3f} +- {gr.ratio_err:.3f}   (N = {r.meta['params']['N']})")
lines.append(f"{'J = 0':>6}{'':>24}{'':>9}{'':>10}"
             f"{M.reference_gap_ratio(fig2[0].meta['params']):>10.3f}")
print("\n".join(lines))

# %% [markdown]
# **Verdict.** As in the paper, the gap disappears gradually: the DOS at $E = 0$ rises at each
# step from $T = 0.1$ to $1$ to $2$, and the visible gap at $T = 0.1$ is gone at $T = 2$ (by the
# same criterion as Fig. 1).

# %% tags=["hide-input"]
V.show_claims(claims, "Fig. 2")

# %% [markdown]
# ## What this page computed
#
# The ensembles behind the figures (each realization is an independent solve of Eq. (4) for a
# freshly drawn glass; seeds per realization from `numpy.random.SeedSequence(seed)`):

# %% tags=["hide-input"]
nbk.show_ensembles(data)

# %% [markdown]
# To rerun this page with other parameters (computed into the cache, resumable, with a progress
# bar), e.g. quickly or with the authors' prefactor of Eq. (4):
#
# ```
# papermill notebooks/sec2_tls_model.ipynb out.ipynb -p scale quick
# papermill notebooks/sec2_tls_model.ipynb out.ipynb -p prefactor authors_code -p N 1000
# ```
#
# or regenerate the ensembles from the command line with `python -m glasslib run fig01_tg_dos`
# (and `fig02_tg_dos_vs_T`).
