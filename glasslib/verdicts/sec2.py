"""Sec. II (the TLS-glass model and its DOS): the claims of Figs. 1 and 2, checked.

Experiments: ``fig01_tg_dos`` (one curve, T = 0.05) and ``fig02_tg_dos_vs_T`` (T = 0.1, 1, 2).

Quantities (all from the stored fixed-bin energy histograms):

* **Gap ratio** ``R = g0 / g_peak``. The E histogram is folded onto |E| and merged into coarse
  bins of ``GAP_BINS`` fine bins (3 x 0.025 sqrt(W^2 + J^2) = 0.106 at W = J = 1). ``g0`` is the
  mean DOS in the first coarse bin (|E| < 0.106 at W = J = 1: the paper's "|E| < 0.1"),
  ``g_peak`` the largest coarse-bin DOS. Standard errors: bootstrap over realizations
  (``BOOTSTRAP`` resamples, fixed seed).
* **Reference without interactions** ``R_ref``: the same ratio for J = 0, where
  ``E = sgn(Delta) sqrt(Delta^2 + Delta_0^2)`` with the sampled Delta ~ N(0, W^2) and log-uniform
  Delta_0 (:func:`glasslib.tls.noninteracting_abs_energy_cdf`, exact quadrature, no sampling).
  It is just below 1: the tunnelling amplitudes alone push a few TLSs out of the first bin.
* **Depression** ``D = R_ref - R``.

Verdict rules (mechanical; thresholds fixed before the paper-scale data were looked at):

* A *visible gap* means ``D > 3 sigma_R`` (significant) **and** ``D >= VISIBLE_DEPRESSION``
  (= 0.1: the DOS at E = 0 lies at least 10% of the peak below the J = 0 shape).
* Fig. 1, "the DOS has a gap at E = 0" (T = 0.05): *reproduced* if there is a visible gap;
  *partly* if ``D`` is significant but below 0.1; *not reproduced* otherwise.
* Fig. 1, "the DOS shows the logarithmic gap" (panel b): the *depletion* (DOS / its peak,
  divided by the same for J = 0; :func:`log_gap_table`) at |E| = 1e-1, 1e-2, 1e-3 (+-0.25
  decade). A logarithmic gap, g ~ 1/ln(E0/|E|), keeps deepening by a sizeable factor per decade.
  *Reproduced* if the depletion decreases at both decade steps by more than 2 combined standard
  errors; *partly* if only at the first step; *not reproduced* otherwise.
* Fig. 2, "the gap gradually disappears as T increases" (T = 0.1, 1, 2): *reproduced* if ``g0``
  increases at each step in T by more than 2 combined standard errors, there is a visible gap at
  the lowest T and none at the highest; *partly* if ``g0`` increases at each step but the gap is
  still visible at the highest T (or already absent at the lowest); *not reproduced* if ``g0``
  does not increase monotonically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..measures import bootstrap_weights
from ..realizations import LOG_ABS_E_EDGES, energy_edges
from ..rules import sigmas_of
from ..tls import noninteracting_abs_energy_cdf
from . import Claim, print_claims

__all__ = [
    "GAP_BINS",
    "BOOTSTRAP",
    "VISIBLE_DEPRESSION",
    "LOG_DECADES",
    "GapRatio",
    "folded_dos",
    "coarse_dos",
    "gap_ratio",
    "reference_gap_ratio",
    "reference_dos",
    "reference_log_dos",
    "symmetric_dos_on_log_axis",
    "LogGapRow",
    "log_gap_table",
    "claims",
    "print_claims",
]

GAP_BINS = 3
BOOTSTRAP = 400
VISIBLE_DEPRESSION = 0.1
LOG_DECADES = (-1, -2, -3)
FIG1, FIG2 = "fig01_tg_dos", "fig02_tg_dos_vs_T"


@dataclass(frozen=True)
class GapRatio:
    """Gap measures of one ensemble (errors: bootstrap over realizations)."""

    T: float
    window: float  # g0 is the mean DOS for |E| < window
    g0: float
    g0_err: float
    peak: float
    ratio: float
    ratio_err: float


def _folded_counts(counts: np.ndarray) -> np.ndarray:
    """Counts on |E| bins (last axis) from the symmetric linear E bins (E = 0: the middle edge)."""
    half = counts.shape[-1] // 2
    return counts[..., half:] + counts[..., :half][..., ::-1]


def folded_dos(result, bins: int = GAP_BINS) -> tuple[np.ndarray, np.ndarray]:
    """(|E| bin edges, symmetrized DOS g(E) per unit E) on coarse |E| bins of ``bins`` fine bins.

    Normalized like :func:`glasslib.summaries.dos`: over all sites, including those outside the
    histogram range, so ``2 * sum(g * width)`` is the fraction of TLSs inside the range.
    """
    edges = energy_edges(result.meta["params"])
    half = (edges.size - 1) // 2
    width = edges[half + 1] - edges[half]
    folded = _folded_counts(result.data["energy_counts"].sum(axis=0).astype(np.int64))
    n = folded.size // bins * bins
    coarse = folded[:n].reshape(-1, bins).sum(axis=1)
    abs_edges = np.arange(coarse.size + 1) * bins * width
    sites = int(result.meta["params"]["N"]) * result.realizations
    return abs_edges, coarse / (2.0 * sites * bins * width)


def coarse_dos(result, bins: int = GAP_BINS) -> tuple[np.ndarray, np.ndarray]:
    """(signed bin centres, DOS per unit E) on bins of ``bins`` fine bins, built outward from
    E = 0 on both sides (so that E = 0 stays a bin edge); normalized like
    :func:`glasslib.summaries.dos`. For plotting: the fine bins are noisy at N = 10^3."""
    edges = energy_edges(result.meta["params"])
    half = (edges.size - 1) // 2
    width = edges[half + 1] - edges[half]
    counts = result.data["energy_counts"].sum(axis=0).astype(np.int64)
    n = half // bins * bins
    pos = counts[half : half + n].reshape(-1, bins).sum(axis=1)
    neg = counts[half - n : half][::-1].reshape(-1, bins).sum(axis=1)
    centres = (np.arange(pos.size) + 0.5) * bins * width
    sites = int(result.meta["params"]["N"]) * result.realizations
    g = np.concatenate([neg[::-1], pos]) / (sites * bins * width)
    return np.concatenate([-centres[::-1], centres]), g


def _ratio_from_counts(counts: np.ndarray, bins: int) -> tuple[float, float]:
    folded = _folded_counts(counts)
    n = folded.shape[-1] // bins * bins
    coarse = folded[..., :n].reshape(*folded.shape[:-1], -1, bins).sum(axis=-1)
    return coarse[..., 0], coarse.max(axis=-1)


def gap_ratio(result, *, bins: int = GAP_BINS, bootstrap: int = BOOTSTRAP,
              seed: int = 0) -> GapRatio:
    """The gap ratio ``R = g0 / g_peak`` of one ensemble, with bootstrap errors (see module doc)."""
    params = result.meta["params"]
    edges = energy_edges(params)
    half = (edges.size - 1) // 2
    width = float(edges[half + 1] - edges[half])
    counts = result.data["energy_counts"].astype(np.int64)
    sites_per = int(params["N"])
    R = counts.shape[0]
    norm = 2.0 * bins * width * sites_per

    first, peak = _ratio_from_counts(counts.sum(axis=0), bins)
    g0, gp = first / (norm * R), peak / (norm * R)
    g0_err = ratio_err = float("nan")
    if bootstrap and R > 1:
        picks = bootstrap_weights(R, bootstrap, seed)
        f_b, p_b = _ratio_from_counts(picks @ counts, bins)
        g0_err = float(np.std(f_b / (norm * R), ddof=1))
        ratio_err = float(np.std(f_b / p_b, ddof=1))
    return GapRatio(float(params["T"]), bins * width, float(g0), g0_err, float(gp),
                    float(g0 / gp), ratio_err)


def reference_dos(params: dict, bins: int = GAP_BINS) -> tuple[np.ndarray, np.ndarray]:
    """(|E| bin edges, J = 0 DOS per unit E) on the coarse bins of :func:`folded_dos`."""
    edges = energy_edges(params)
    half = (edges.size - 1) // 2
    width = edges[half + 1] - edges[half]
    n = half // bins
    abs_edges = np.arange(n + 1) * bins * width
    F = noninteracting_abs_energy_cdf(abs_edges, params["W"],
                                      (params["tunneling_min"], params["tunneling_max"]))
    return abs_edges, np.diff(F) / (2.0 * np.diff(abs_edges))


def reference_gap_ratio(params: dict, bins: int = GAP_BINS) -> float:
    """``R_ref``: the gap ratio of the J = 0 DOS on the same bins (exact, no error)."""
    _, g = reference_dos(params, bins)
    return float(g[0] / g.max())


def _merge_log_bins(counts: np.ndarray, merge: int) -> tuple[np.ndarray, np.ndarray]:
    edges = LOG_ABS_E_EDGES
    n = (edges.size - 1) // merge * merge
    coarse = counts[..., :n].reshape(*counts.shape[:-1], -1, merge).sum(axis=-1)
    return edges[: n + 1 : merge], coarse


def symmetric_dos_on_log_axis(result, merge: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(log10|E| bin edges, g(|E|) per unit E, both signs averaged) from the log10|E| histogram
    (0.05-decade bins merged ``merge`` at a time): the density per decade divided by
    ``2 ln(10) |E|`` (|E| at the bin centre). A logarithmic dipole gap shows as a slow decrease
    of g towards small |E|; normalized over all sites like :func:`glasslib.summaries.dos`."""
    counts = result.data["log_abs_energy_counts"].sum(axis=0).astype(np.int64)
    edges, coarse = _merge_log_bins(counts, merge)
    sites = int(result.meta["params"]["N"]) * result.realizations
    x = 0.5 * (edges[1:] + edges[:-1])
    return edges, coarse / (sites * np.diff(edges)) / (2.0 * np.log(10.0) * 10.0**x)


def reference_log_dos(params: dict, log10_edges) -> tuple[np.ndarray, np.ndarray]:
    """(log10|E| bin edges, J = 0 g(|E|) per unit E) on the log bins ``log10_edges``, computed
    exactly like :func:`symmetric_dos_on_log_axis` computes it from a histogram."""
    log10_edges = np.asarray(log10_edges, float)
    F = noninteracting_abs_energy_cdf(10.0**log10_edges, params["W"],
                                      (params["tunneling_min"], params["tunneling_max"]))
    x = 0.5 * (log10_edges[1:] + log10_edges[:-1])
    return log10_edges, np.diff(F) / np.diff(log10_edges) / (2.0 * np.log(10.0) * 10.0**x)


@dataclass(frozen=True)
class LogGapRow:
    """The DOS at one decade of |E|, relative to its peak, next to the J = 0 reference."""

    log10_E: float
    g_rel: float  # g(|E|) / g_peak (interacting)
    g_rel_err: float
    ref_rel: float  # the same for J = 0
    depletion: float  # g_rel / ref_rel
    depletion_err: float


def log_gap_table(result, decades=(-4, -3, -2, -1, 0), half_width: float = 0.25, *,
                  bootstrap: int = BOOTSTRAP, seed: int = 0) -> list[LogGapRow]:
    """The shape of the gap on a log energy axis.

    At each ``log10|E|`` in ``decades``: the DOS averaged over ``|log10|E| - d| < half_width``,
    divided by the DOS peak (the largest coarse linear bin, :func:`gap_ratio`), and the same for
    the J = 0 reference. Their ratio, the *depletion*, is what the interactions remove (the
    tunnelling amplitudes alone already deplete small |E|, since |E| >= Delta_0). Errors:
    bootstrap over realizations (numerator and peak resampled together).
    """
    params = result.meta["params"]
    counts = result.data["log_abs_energy_counts"].astype(np.int64)
    lin_counts = result.data["energy_counts"].astype(np.int64)
    R = counts.shape[0]
    sites = int(params["N"]) * R
    peak = gap_ratio(result, bootstrap=0).peak
    peak_counts = _ratio_from_counts(lin_counts.sum(axis=0), GAP_BINS)[1]
    ref_peak = reference_dos(params)[1].max()
    picks = bootstrap_weights(R, bootstrap, seed)
    boot_peak = _ratio_from_counts(picks @ lin_counts, GAP_BINS)[1] / peak_counts * peak
    centres = 0.5 * (LOG_ABS_E_EDGES[1:] + LOG_ABS_E_EDGES[:-1])
    rows = []
    for d in decades:
        fine = np.abs(centres - d) < half_width
        lo, hi = LOG_ABS_E_EDGES[:-1][fine][0], LOG_ABS_E_EDGES[1:][fine][-1]
        # mean DOS per unit E over the window: counts / (sites * 2 * (E_hi - E_lo))
        scale = 1.0 / (sites * 2.0 * (10.0**hi - 10.0**lo))
        n = counts[:, fine].sum(axis=1)
        g_rel = n.sum() * scale / peak
        F = noninteracting_abs_energy_cdf(np.array([10.0**lo, 10.0**hi]), params["W"],
                                          (params["tunneling_min"], params["tunneling_max"]))
        ref_rel = (F[1] - F[0]) / (2.0 * (10.0**hi - 10.0**lo)) / ref_peak
        boot = (picks @ n) * scale / boot_peak
        err = float(np.std(boot, ddof=1)) if bootstrap > 1 else float("nan")
        rows.append(LogGapRow(float(d), float(g_rel), err, float(ref_rel),
                              float(g_rel / ref_rel), err / float(ref_rel)))
    return rows


def _visible(g: GapRatio, ref: float) -> tuple[bool, bool, float]:
    D = ref - g.ratio
    significant = bool(np.isfinite(g.ratio_err) and D > 3 * g.ratio_err)
    return significant and D >= VISIBLE_DEPRESSION, significant, D


def _fig1_claim(result) -> Claim:
    g = gap_ratio(result)
    ref = reference_gap_ratio(result.meta["params"])
    visible, significant, D = _visible(g, ref)
    verdict = "reproduced" if visible else ("partly" if significant else "not reproduced")
    measured = (f"T = {g.T:g}: DOS(|E| < {g.window:.3f}) / peak = {g.ratio:.3f} +- "
                f"{g.ratio_err:.3f}; J = 0 reference {ref:.3f}; depression "
                f"D = {D:.3f} +- {g.ratio_err:.3f}")
    if visible:
        why = (f"D is {D / g.ratio_err:.0f} sigma from 0 and >= {VISIBLE_DEPRESSION:g}: the DOS at "
               f"E = 0 is {100 * D:.0f}% of the peak below the J = 0 shape")
    elif significant:
        why = f"D is significant but below {VISIBLE_DEPRESSION:g}: a shallow dip only"
    else:
        why = "no significant depression of the DOS at E = 0"
    return Claim("Fig. 1", "The DOS of the TLS energies has a (dipole) gap at E = 0 "
                 "(W = J = 1, T = 0.05).", measured, verdict, why, "fig-tg-dos")


def _fig1_log_claim(result) -> Claim:
    rows = log_gap_table(result, decades=LOG_DECADES)
    steps = [sigmas_of(a.depletion - b.depletion, np.hypot(a.depletion_err, b.depletion_err))
             for a, b in zip(rows[:-1], rows[1:], strict=True)]
    deepens = [bool(np.isfinite(s) and s > 2) for s in steps]
    measured = "depletion vs J = 0 at |E| = " + "; ".join(
        f"1e{r.log10_E:.0f}: {r.depletion:.3f} +- {r.depletion_err:.3f}" for r in rows)
    steps_txt = ", ".join(f"{s:.1f}" for s in steps)
    if all(deepens):
        verdict, why = "reproduced", f"the depletion deepens at every decade ({steps_txt} sigma)"
    elif deepens[0]:
        k = deepens.index(False)
        verdict = "partly"
        why = (f"deepens from |E| = 1e{rows[0].log10_E:.0f} to 1e{rows[k].log10_E:.0f}, but not "
               f"from 1e{rows[k].log10_E:.0f} to 1e{rows[k + 1].log10_E:.0f} "
               f"(steps {steps_txt} sigma)")
    else:
        verdict, why = "not reproduced", f"no deepening below |E| = 0.1 (steps {steps_txt} sigma)"
    T = float(result.meta["params"]["T"])
    return Claim("Fig. 1", f"The numerical DOS shows the logarithmic dipole gap of previous work "
                 f"(T = {T:g}).", measured, verdict, why, "fig-tg-dos")


def _fig2_claim(results: dict) -> Claim:
    gaps = sorted((gap_ratio(r) for r in results.values()), key=lambda g: g.T)
    params = next(iter(results.values())).meta["params"]
    ref = reference_gap_ratio(params)
    steps = [sigmas_of(b.g0 - a.g0, np.hypot(a.g0_err, b.g0_err))
             for a, b in zip(gaps[:-1], gaps[1:], strict=True)]
    monotone = len(gaps) >= 2 and all(np.isfinite(s) and s > 2 for s in steps)
    first_visible = _visible(gaps[0], ref)[0]
    last_visible = _visible(gaps[-1], ref)[0]
    measured = "; ".join(
        f"T = {g.T:g}: g0 = {g.g0:.4f} +- {g.g0_err:.4f}, R = {g.ratio:.3f} +- {g.ratio_err:.3f}"
        for g in gaps) + f" (J = 0: R = {ref:.3f})"
    steps_txt = ", ".join(f"{s:.0f}" for s in steps)
    if not monotone:
        verdict = "not reproduced"
        why = f"g0 does not rise by > 2 sigma at every step ({steps_txt} sigma)"
    elif first_visible and not last_visible:
        verdict = "reproduced"
        why = (f"g0 rises at each step ({steps_txt} sigma); visible gap at T = {gaps[0].T:g}, "
               f"none at T = {gaps[-1].T:g}")
    else:
        verdict = "partly"
        why = (f"g0 rises at each step ({steps_txt} sigma), but the gap is "
               + (f"still visible at T = {gaps[-1].T:g}" if last_visible
                  else f"not visible even at T = {gaps[0].T:g}"))
    return Claim("Fig. 2", "The gap gradually disappears as the temperature increases "
                 "(T = 0.1, 1, 2; W = J = 1).", measured, verdict, why, "fig-tg-dos-vs-t")


def claims(data: dict) -> list[Claim]:
    """The claims of Figs. 1 and 2 for the experiments present in ``data`` (see module doc)."""
    out = []
    if FIG1 in data:
        for r in data[FIG1].values():
            out.extend([_fig1_claim(r), _fig1_log_claim(r)])
    if FIG2 in data:
        out.append(_fig2_claim(data[FIG2]))
    return out
