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
# # Appendix A. Finite-size effects in the electron glass
#
# Sec. V B of the paper reports that the electron-glass (EG) rates shift to *lower* values when
# the number of sites $N$ grows at constant density, and Appendix A argues that this is a
# finite-size effect of the distances, not of the interactions. The appendix has three steps:
#
# 1. Figs. 14 and 15: the mean-field EG (Eqs. 20-23, without the interaction term of Eq. 23, as
#    in Figs. 9-13) at $N = 10, 100, 1000$, $e^2/(r_{nn}T) = 10$, $W = 1$, $\xi = 0.1\,r_{nn}$:
#    the DOS gap narrows and the rate distribution moves to lower rates as $N$ grows.
# 2. Fig. 16: the same $N$ for the matrix with all energy dependence removed, off-diagonal
#    $A_{ij} = e^{-r_{ij}/\xi}$ and diagonal $A_{jj} = -\sum_{k\neq j} A_{kj}$ (particle
#    conservation; `glasslib.distance_rate_matrix`). Its rates show "qualitatively the same" shift.
# 3. An estimate. For $r_{nn} \gg \xi$ relaxation is dominated by hops to the nearest neighbour,
#    whose distance in a box of side $L$ follows
#
# $$p(r) = \frac{V_d}{L^d}\, d\,(N-1)\, r^{d-1} e^{-V_d (N-1) (r/L)^d} \qquad (A1)$$
#
# (`glasslib.nearest_neighbour_pdf`; $V_2 = \pi$). An isolated pair relaxes at
# $\lambda = 2e^{-r/\xi}$, so with $x = r/\xi = -\ln(\lambda/2)$, $d = 2$ and the box
# $L = \bar r(\sqrt N - 1)$ used in the numerics,
#
# $$p(x) = 2\pi\left(\frac{\xi}{\bar r}\right)^2 x\, k\, \exp\left[-\pi\left(\frac{\xi}{\bar r}\right)^2 x^2 k\right], \qquad k = \frac{\sqrt N + 1}{\sqrt N - 1} \qquad (A2)$$
#
# (`glasslib.finite_size_log_rate_pdf`, `glasslib.finite_size_factor`). The inset of Fig. 16
# rescales $x \to x\sqrt{k}$ (`glasslib.rescale_log_rates`), which removes the $N$ dependence
# of Eq. (A2), and the peaks "almost coincide".
#
# Two typos of the appendix are corrected here (see [conventions](../book/conventions.md)): the
# mean spacing is $\bar r = L/(N^{1/d} - 1)$, not $L^d/(N^{1/d} - 1)$, and with positive rates
# the variable is $x = -\ln(\lambda/2) = r/\xi$ (the paper prints $x = \log(-\lambda/2) = -r/\xi$
# for its negative eigenvalues). Lengths are in units of $r_{nn} = \bar r = 1$ with the
# `"lattice"` box $L = \sqrt N - 1$ (`glasslib.box_side`), the only one under which Eq. (A2)
# follows from Eq. (A1). The EG spectra come from the symmetrized rate matrix
# (`glasslib.eg_symmetrized_rate_matrix`, `glasslib.relaxation_spectrum`), and every spectrum
# drops the conservation mode and the eigenvalues below the solver's rounding floor
# (`glasslib.drop_unresolved`).
#
# **What we measure** (module `glasslib.verdicts.appA`, rules in its docstring; errors are
# bootstraps over realizations):
#
# - the gap half-width $E_{gap}$ (smallest $|E|$ where the symmetrized, smoothed DOS reaches half
#   its maximum) and the DOS half-width $E_{out}$ (largest $|E|$ at half maximum);
# - $\lambda_{min}$, the lower edge of the plateau of the log-rate density (the rule of the other
#   pages, `summaries.plateau_cutoffs`), and the **peak** of the log-rate density (smoothed over
#   0.25 decade), which is what Appendix A compares; in Eq. (A2)'s variable the peak is
#   $x_{peak} = \ln 2 - \ln 10\,\log_{10}\lambda_{peak}$, and Eq. (A2) peaks at
#   $x^* = (\bar r/\xi)/\sqrt{2\pi k}$;
# - the Kolmogorov distance between the sampled nearest-neighbour distances and Eq. (A1).

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np

import glasslib as gl
from glasslib import measures as M
from glasslib import notebook as nbk
from glasslib import plotting
from glasslib import summaries as S
from glasslib.realizations import NN_EDGES
from glasslib.verdicts import appA as V

plotting.use_book_style()
_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": read the committed cache; "quick": small ensembles, recomputed in seconds
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # worker processes for anything computed (None: all cores)
realizations = None  # realizations per curve (None: 3000, 1000 and 300 for N 10, 100 and 1000)
N = None  # must stay None: this page varies N itself (10, 100, 1000)
seed = None  # base seed of every experiment (None: the recorded ones)
max_minutes = 5  # the longest computation this page starts without asking (None: no limit)
T = None  # temperature of the mean-field EG, Figs. 14-15 (None: as in the paper, 0.1)
xi = None  # localization length in units of r_nn, Figs. 15-16 (None: as in the paper, 0.1)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before, {"T": ("positive", True), "xi": ("positive", True)})
if P["N"] is not None:
    raise ValueError("N must be None on this page: it compares N = 10, 100, 1000 itself")
data = {
    V.SIZE: nbk.load(V.SIZE, P),
    V.DISTANCE: nbk.load(V.DISTANCE, {**P, "T": None}),  # the distance-only matrix has no T
}
claims = V.claims(data)
size = [(n, r, M.size_summary(r)) for n, r in M.by_size(data[V.SIZE])]
dist = [(n, r, M.distance_summary(r)) for n, r in M.by_size(data[V.DISTANCE])]

# %% tags=["hide-input"]
# the paper's styles: N = 10 red triangles, 100 green squares, 1000 blue asterisks
STYLE = plotting.STYLE[::-1]


def plot_rates(axes, items, legend="a"):
    """(a) density per decade of lambda (log axis) with lambda_min dashed; (b) p(lambda) on a
    linear axis from 0 to 10 times the largest lambda_min; returns that upper end."""
    ax_a, ax_b = axes
    lam_min = max(s.cutoff.lambda_min for _, _, s in items)
    top = 10 * lam_min
    ymax = 0.0
    for (n, r, s), st in zip(items, STYLE, strict=False):
        x, d = S.log_rate_density(r)
        keep = d > 0
        ax_a.plot(10 ** x[keep], d[keep], lw=1, ms=4, markevery=6, label=f"$N = {n}$", **st)
        ax_a.axvline(s.cutoff.lambda_min, color=st["color"], ls="--", lw=1,
                     gid=f"lambda_min, N = {n}")
        lam = 10 ** x[keep]
        p_lin = d[keep] / (lam * np.log(10))
        inside = lam <= top
        ax_b.plot(lam[inside], p_lin[inside], ls="none", ms=4, label=f"$N = {n}$", **st)
        ax_b.axvline(s.cutoff.lambda_min, color=st["color"], ls=":", lw=1,
                     gid=f"lambda_min, N = {n}")
        upper = inside & (lam >= lam_min)
        ymax = max(ymax, p_lin[upper].max(initial=0.0))
    ax_a.set_xscale("log")
    ax_a.set_ylabel(r"density per decade of $\lambda$")
    ax_a.set_title(r"(a) log scale; dashed: $\lambda_{min}$")
    ax_b.set_xlim(0, top)
    ax_b.set_ylim(0, 1.5 * ymax)
    ax_b.set_ylabel(r"$p(\lambda)$")
    ax_b.set_title(r"(b) linear scale; dotted: $\lambda_{min}$")
    (ax_a if legend == "a" else ax_b).legend(frameon=False)
    return top

# %% [markdown]
# ## Fig. 14: the DOS against system size

# %% tags=["hide-input"]
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
for (n, r, s), st in zip(size, STYLE, strict=False):
    x, g = S.dos(r)
    keep = np.abs(x) <= 4
    ax_a.plot(x[keep], g[keep], lw=1, ms=4, markevery=6, label=f"$N = {n}$", **st)
    near = np.abs(x) <= 1.2
    ax_b.plot(x[near], g[near], lw=1, ms=4, markevery=3, label=f"$N = {n}$", **st)
    for sign in (-1, 1):
        ax_b.axvline(sign * s.gap.value, color=st["color"], ls=":", lw=1,
                     gid=f"{'+' if sign > 0 else '-'}E_gap, N = {n}")
ax_a.set_title("(a) DOS")
ax_b.set_title(r"(b) the gap; dotted: $\pm E_{gap}$")
for ax in (ax_a, ax_b):
    ax.set_xlabel("$E$ [units of $e^2/r_{nn}$]")
    ax.set_ylabel("DOS")
ax_a.legend(frameon=False)
fig.tight_layout()
nbk.publish_figure("fig14", fig, data["fig14_15_eg_size"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-eg-size-dos
# :name: fig-eg-size-dos
#
# {glue:md}`fig-eg-size-dos-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig14", P["figdata"])

# %% [markdown]
# **Verdict.** The gap narrows as $N$ grows, and the whole DOS becomes narrower, i.e. it is wider
# for the small systems, as the caption says; the numbers are below. (The caption's "the gap is
# shorter for smaller number of sites" cannot mean narrower, which would contradict the text; in
# our DOS the $N = 10$ gap is the widest and deepest.)

# %% tags=["hide-input"]
V.show_claims(claims, "Fig. 14")

# %% [markdown]
# ## Fig. 15: the rates against system size

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
top = plot_rates(axes, size)
n, r, s = size[-1]
fit = S.fit_power_law_binned(gl.realizations.RATE_EDGES, r.data["rate_counts"].sum(axis=0),
                             s.cutoff.lambda_min, s.cutoff.lambda_max)
grid = np.linspace(s.cutoff.lambda_min, top, 200)
# the fitted law, normalized to the fraction of the rates inside its window [lo, hi]
window = np.geomspace(fit.lo, fit.hi, 2000)
c = fit.n / r.data["rate_counts"].sum() / np.trapezoid(window**-fit.alpha, window)
axes[1].plot(grid, c * grid ** -fit.alpha, color="k", lw=1,
             label=rf"$\lambda^{{-\alpha}}$, $\alpha = {fit.alpha:.3f} \pm {fit.alpha_err:.3f}$")
axes[1].legend(loc="upper right")
for ax in axes:
    ax.set_xlabel(r"$\lambda$ [units of $\Gamma^0$]")
fig.tight_layout()
nbk.publish_figure("fig15", fig, data["fig14_15_eg_size"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-eg-size-rates
# :name: fig-eg-size-rates
#
# {glue:md}`fig-eg-size-rates-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig15", P["figdata"])

# %% [markdown]
# **Verdict.** The rate distribution moves to lower rates as $N$ grows, both its lower cutoff
# $\lambda_{min}$ and its peak; the shifts with their errors are below. Most of the shift
# happens between $N = 10$ and $N = 100$.

# %% tags=["hide-input"]
V.show_claims(claims, "Fig. 15")

# %% [markdown]
# ## Fig. 16: the distance-only matrix, and the rescaling of Eq. (A2)
#
# The inset rescales $x = -\ln(\lambda/2)$ by $\sqrt k$ and the density by $1/\sqrt k$ (so each
# curve stays normalized); the dashed line is Eq. (A2) in the rescaled variable,
# $2\pi\xi^2 x' e^{-\pi \xi^2 x'^2}$, the same for every $N$.

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
plot_rates(axes, dist, legend="b")
inset = axes[0].inset_axes([0.2, 0.52, 0.36, 0.44])
inset.set_gid("(a) inset: density of x sqrt(k), rescaled by 1/sqrt(k)")
for (n, r, _s), st in zip(dist, STYLE, strict=False):
    lg, d = S.log_rate_density(r)
    x = gl.distance_variable(lg)
    root_k = np.sqrt(gl.finite_size_factor(n))
    keep = d > 0
    inset.plot(gl.rescale_log_rates(x[keep], n), d[keep] / np.log(10) / root_k, lw=1,
               color=st["color"], gid=f"N = {n}, rescaled")
# Eq. (A2) in the rescaled variable x' = x sqrt(k): p(x'/sqrt k)/sqrt k, the same for every N
xs = np.linspace(0, 16, 300)
n, r, s = dist[-1]
root_k = np.sqrt(gl.finite_size_factor(n))
inset.plot(xs, gl.finite_size_log_rate_pdf(xs / root_k, n, s.xi) / root_k, "k--", lw=1,
           gid="Eq. (A2), rescaled")
inset.set_xlim(0, 16)
inset.set_yticks([0, 0.1])
inset.set_xlabel(r"$x\sqrt{k}$", labelpad=1)
for ax in axes:
    ax.set_xlabel(r"$\lambda$ [units of $\Gamma^0$]")
fig.tight_layout()
nbk.publish_figure("fig16", fig, data["fig16_eg_distance"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-eg-distance
# :name: fig-eg-distance
#
# {glue:md}`fig-eg-distance-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("fig16", P["figdata"])

# %% [markdown]
# **Verdict.** Without any energy dependence the rates still move to lower values with $N$,
# step by step as in Fig. 15, and this accounts for most of the full EG's shift (the ratio $R$
# below). After Eq. (A2)'s rescaling the peaks of $N = 100$ and $N = 1000$ coincide within their
# errors; the $N = 10$ peak stays a little lower, and it sets the residual spread printed below.
# Why the rescaling works so well: $k = (N - 1)/L^2$ with $L = \sqrt N - 1$, i.e. $k$ is the site
# density of the box up to a factor $(N-1)/N$ (table below). Every length of the point pattern,
# not only the nearest-neighbour distance, scales as $1/\sqrt{\text{density}}$, so the rescaling
# undoes the density change: the "finite-size effect" of Appendix A is that the box
# $L = \bar r(\sqrt N - 1)$ packs small systems more densely. (At $N = 10$ the periodic box is
# only about two spacings wide, which is where the rescaling stops being exact.)

# %% tags=["hide-input"]
V.show_claims(claims, "Fig. 16")
print()
print(f"{'N':>6} {'density N/L^2':>14} {'k = (sqrt N+1)/(sqrt N-1)':>27} {'(N-1)/L^2':>10}")
for n, _r, _s in dist:
    L = gl.box_side(n, 2)
    print(f"{n:>6} {M.site_density(n):>14.3f} {gl.finite_size_factor(n):>27.3f} "
          f"{(n - 1) / L**2:>10.3f}")

# %% [markdown]
# ## Eqs. (A1) and (A2) against the sampled distances and spectra
#
# Not a figure of the paper: panel (a) compares the nearest-neighbour distances sampled in the
# Fig. 16 ensembles with Eq. (A1) (solid) and with the exact law for $N$ uniform points in a
# periodic square, $1 - (1 - \pi r^2/L^2)^{N-1}$ for $r \le L/2$ (dotted; Eq. (A1) is its
# large-$N$ limit). Panel (b) compares the density of $x = -\ln(\lambda/2)$ of the Fig. 16
# spectra with Eq. (A2) (dashed) and marks the peaks (measured: solid ticks; Eq. A2: dashed ticks).

# %% tags=["hide-input"]
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=plotting.TWO_PANELS)
centres = 0.5 * (NN_EDGES[1:] + NN_EDGES[:-1])
for (n, r, s), st in zip(dist, STYLE, strict=False):
    counts = r.data["nn_counts"].sum(axis=0)
    L = gl.box_side(n, 2)
    ax_a.plot(centres, counts / (n * r.realizations * np.diff(NN_EDGES)), ls="none", ms=3,
              label=f"$N = {n}$", **st)
    ax_a.plot(centres, gl.nearest_neighbour_pdf(centres, n, L, 2), color=st["color"], lw=1,
              gid=f"Eq. (A1), N = {n}")
    ok = centres <= L / 2
    exact = np.gradient(gl.periodic_nearest_neighbour_cdf(centres[ok], n, L), centres[ok])
    ax_a.plot(centres[ok], exact, color=st["color"], lw=1, ls=":",
              gid=f"exact periodic square, N = {n}")
    lg, d = S.log_rate_density(r)
    x = gl.distance_variable(lg)
    keep = (d > 0) & (x <= 20)
    ax_b.plot(x[keep], d[keep] / np.log(10), color=st["color"], lw=1, label=f"$N = {n}$")
    grid = np.linspace(0, 20, 400)
    ax_b.plot(grid, gl.finite_size_log_rate_pdf(grid, n, s.xi), color=st["color"], lw=1, ls="--",
              gid=f"Eq. (A2), N = {n}")
    ax_b.axvline(s.x_peak.value, color=st["color"], lw=1, ymax=0.08, gid=f"measured peak, N = {n}")
    ax_b.axvline(s.x_a2, color=st["color"], lw=1, ls="--", ymax=0.08,
                 gid=f"peak of Eq. (A2), N = {n}")
ax_a.set_xlim(0, 1.6)
ax_a.set_xlabel(r"nearest-neighbour distance $r$ [units of $r_{nn}$]")
ax_a.set_ylabel("$p(r)$")
ax_a.set_title("(a) Eq. (A1)")
ax_a.legend(frameon=False)
ax_b.set_xlim(0, 20)
ax_b.set_xlabel(r"$x = -\ln(\lambda/2)$")
ax_b.set_ylabel("$p(x)$")
ax_b.set_title("(b) Eq. (A2)")
ax_b.legend(frameon=False)
fig.tight_layout()
nbk.publish_figure("figA_nn", fig, data["fig16_eg_distance"], P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-eg-a1-a2
# :name: fig-eg-a1-a2
#
# {glue:md}`fig-eg-a1-a2-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("figA_nn", P["figdata"])

# %% [markdown]
# **Verdict.** Eq. (A1) describes the sampled nearest-neighbour distances for the two larger
# systems within sampling error; at $N = 10$ the box is too small for $r \ll L$ and the exact
# periodic-square law fits instead. Eq. (A2) gets the *direction* of the shift of the peaks right,
# but the spectrum is not the distribution of nearest-neighbour hops: the measured $p(x)$ is
# broader, with a long tail of slow collective modes, and peaks at larger $x$ (slower rates) than
# Eq. (A2) (numbers below).

# %% tags=["hide-input"]
V.show_claims(claims, "Eq. (A1)")
V.show_claims(claims, "Eq. (A2)")

# %% [markdown]
# (sec-appA-constant-density)=
# ## The same analysis at constant density
#
# The box of side $\sqrt N - 1$ that the figures use (the authors' convention) holds $N$ sites at
# density $N/(\sqrt N - 1)^2$ (the table below), so the scan over $N$ is also a scan over density,
# and Eq. (A2)'s factor $k$ is that density change. The {doc}`robustness` page repeats the scan
# at density 1 at every $N$ (`density=1`, the large-$N$ limit of the default box); the rules of
# this page, applied to it, give (the same claims, the same thresholds):

# %% tags=["hide-input"]
from IPython.display import Markdown, display  # noqa: E402

from glasslib.verdicts import robustness as R  # noqa: E402

robust = {name: nbk.load(name, {**P, "T": None} if "distance" in name else P)
          for name in ("robust_eg_density_one", "robust_eg_distance_density_one")}
sizes = sorted({r.meta["params"]["N"] for r in data[V.SIZE].values()})
rows = ["| $N$ | density of the default box | of the constant-density scan |", "|---|---|---|"]
rows += [f"| {n} | {n / gl.box_side(n, 2) ** 2:.3f} | "
         f"{n / gl.box_side(n, 2, density=1.0) ** 2:.3f} |" for n in sizes]
display(Markdown("\n".join(rows)))
constant = [c for c in R.claims(robust) if c.figure.endswith("at constant density")]
V.show_claims(constant)

# %% [markdown]
# ## What this page computed
#
# The ensembles below, read from the committed cache at the default (paper) scale: the
# mean-field EG with its rate spectrum (`fig14_15_eg_size`, model `eg`) and the distance-only
# spectrum with the nearest-neighbour distances (`fig16_eg_distance`, model `eg_distance`). The
# paper does not state its realization counts; ours keep $N \times$ realizations $\ge 10^5$
# (300 realizations at $N = 1000$). To rerun this page small, or with other parameters:
# `papermill notebooks/appA_finite_size.ipynb out.ipynb -p scale quick` (add e.g. `-p xi 0.2`).

# %% tags=["hide-input"]
nbk.show_ensembles(data)
