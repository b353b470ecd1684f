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
# # What the conventions change
#
# The [conventions page](../book/conventions.md) lists the choices the paper leaves open. This page
# measures what the ones that change numbers do, on the TLS glass at $W = J = 1$, $T = 0.1$,
# $N = 1000$ (300 realizations each) and on the electron glass at Fig. 9's parameters:
#
# - **the prefactor of Eq. (4)**: the printed $\frac14$ (default) or the authors' code's $1$
#   (`prefactor="authors_code"`);
# - **the field of Eq. (4)**: $\tanh(\Delta'_j/2T)$ as printed (default) or $\tanh(E_j/2T)$ as
#   in the authors' code (`field="energy"`), and both code choices together;
# - **the meaning of $r_{nn} = 1$**: a box of side $N^{1/d} - 1$ (default, `"lattice"`) or a
#   density at which the mean nearest-neighbour distance of the random sites is 1 (`"poisson"`);
# - **which self-consistent solution**: a quench at $T$ (default) or an anneal down a temperature
#   ladder from $T = 2$ (`anneal_from=2.0`).

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np

from glasslib import measures as M
from glasslib import notebook as nbk
from glasslib import plotting
from glasslib import summaries as S

plotting.use_book_style()
_before = set(globals())

# %% tags=["parameters"]
scale = "paper"  # "paper": read the committed cache; "quick": small ensembles, recomputed
cache = None  # ensemble cache (None: $GLASSLIB_CACHE, else results/ in the repository)
workers = None  # worker processes for missing ensembles (None: all cores)
realizations = None  # realizations per curve (None: 300)
N = None  # system size (None: 1000)
seed = None  # base seed (None: those of the experiments)
max_minutes = 5  # the longest computation this page starts without asking (None: no limit)

# %% tags=["hide-input"]
P = nbk.check_parameters(globals(), _before)
tls = nbk.load("conventions_tls", P)
eg = nbk.load("conventions_eg", P)

# %% [markdown]
# ## The TLS glass
#
# For each choice: the median $|E|$, the depth of the dipole gap (the mean DOS at small $|E|$
# over the DOS peak, `glasslib.measures.gap_ratio`, as on the Sec. II page), the lower rate
# cutoff $\lambda_{min}$ (the plateau rule, bootstrap error over realizations), and the fraction
# of energies beyond the plotted range.

# %% tags=["hide-input"]
print(f"{'choice':<22}{'median |E|':>11}{'gap depth':>11}{'log10 lambda_min':>20}"
      f"{'|E| outside':>13}{'mean sweeps':>13}")
for label, r in tls.items():
    c = S.plateau_cutoffs(r)
    outside = r.data["energy_outside"].sum() / (r.meta["params"]["N"] * r.realizations)
    print(f"{label:<22}{S.abs_energy_quantile(r, 0.5):>11.3f}{M.gap_ratio(r, bootstrap=0).ratio:>11.3f}"
          f"{c.log10_min:>12.3f} +- {c.log10_min_err:.3f}{100 * outside:>12.1f}%"
          f"{r.data['iterations'].mean():>13.1f}")

# %% tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(plotting.TWO_PANELS[0], 3.8))
for label, r in tls.items():
    x, g = S.dos(r)
    keep = np.abs(x) < 6
    ax1.plot(x[keep], g[keep], lw=1, label=label)
    lx, d = S.log_rate_density(r)
    keep = (lx > -16) & (lx < 1)
    ax2.plot(lx[keep], d[keep], lw=0.8, label=label)
ax1.set_xlabel("$E$ (units of $J$)")
ax1.set_ylabel("DOS")
ax1.set_title("(a) DOS")
ax2.set_xlabel(r"$\log_{10}\lambda$ (units of $a$)")
ax2.set_ylabel("density per decade")
ax2.set_title("(b) rates")
ax2.legend(loc="lower center", ncol=2)  # the rates' plateaus leave room below them
fig.tight_layout()
nbk.publish_figure("conventions_tls", fig, tls, P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-conventions-tls
# :name: fig-conventions-tls
#
# {glue:md}`fig-conventions-tls-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("conventions_tls", P["figdata"])

# %% [markdown]
# ## The electron glass: the meaning of $r_{nn} = 1$

# %% tags=["hide-input"]
print(f"{'choice':<16}{'median |E|':>11}{'log10 lambda_min':>20}{'log10 lambda_max':>20}")
for label, r in eg.items():
    c = S.plateau_cutoffs(r)
    print(f"{label:<16}{S.abs_energy_quantile(r, 0.5):>11.3f}"
          f"{c.log10_min:>12.3f} +- {c.log10_min_err:.3f}{c.log10_max:>12.3f} +- {c.log10_max_err:.3f}")

# %% tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(plotting.TWO_PANELS[0], 3.8))
for label, r in eg.items():
    x, g = S.dos(r)
    keep = np.abs(x) < 4
    ax1.plot(x[keep], g[keep], lw=1, label=label)
    lx, d = S.log_rate_density(r)
    keep = (lx > -25) & (lx < 3)
    ax2.plot(lx[keep], d[keep], lw=0.8, label=label)
ax1.set_xlabel(r"$E$ (units of $e^2/r_{nn}$)")
ax1.set_ylabel("DOS")
ax1.set_title("(a) DOS")
ax2.set_xlabel(r"$\log_{10}\lambda$ (units of $\Gamma^0$)")
ax2.set_ylabel("density per decade")
ax2.set_title("(b) rates")
ax1.legend(frameon=False)
fig.tight_layout()
nbk.publish_figure("conventions_eg", fig, eg, P["figdata"])

# %% [markdown]
# ```{glue:figure} fig-conventions-eg
# :name: fig-conventions-eg
#
# {glue:md}`fig-conventions-eg-caption:myst`
# ```

# %% tags=["remove-input"]
nbk.download_link("conventions_eg", P["figdata"])

# %% [markdown]
# ## What this page computed
#
# Experiments `conventions_tls` and `conventions_eg` of `glasslib.experiments` (not figures of
# the paper). Rerun small with `papermill notebooks/conventions_effects.ipynb out.ipynb -p scale quick`.

# %% tags=["hide-input"]
nbk.show_ensembles({"conventions_tls": tls, "conventions_eg": eg})
