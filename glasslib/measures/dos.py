"""Densities of states: the TLS-glass dipole gap against the exact J = 0 shape, on linear and
logarithmic energy axes, and the electron glass's Coulomb gap exponent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..realizations import LOG_ABS_E_EDGES, energy_edges
from ..tls import noninteracting_abs_energy_cdf
from .core import BOOTSTRAP, BOOTSTRAP_SEED, abs_energy_cdf, bootstrap_weights

__all__ = [
    "GAP_BINS",
    "GAP_BOOTSTRAP",
    "GapRatio",
    "folded_dos",
    "coarse_dos",
    "gap_ratio",
    "reference_dos",
    "reference_gap_ratio",
    "symmetric_dos_on_log_axis",
    "reference_log_dos",
    "LogGapRow",
    "log_gap_table",
    "GapFit",
    "coulomb_gap",
    "ES_BOUND",
    "coulomb_gap_coefficient",
]

#: the Efros-Shklovskii bound on the 2D Coulomb-gap coefficient: g(E) <= (2/pi) |E| / e^4 per
#: unit area, so that the fraction of sites with |E| < e is at most (2/pi) e^2 / n at density n
ES_BOUND = 2.0 / np.pi

#: resamples of the gap measures of Sec. II (finer errors on small depressions)
GAP_BOOTSTRAP = 400


GAP_BINS = 3


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


def gap_ratio(result, *, bins: int = GAP_BINS, bootstrap: int = GAP_BOOTSTRAP,
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
                  bootstrap: int = GAP_BOOTSTRAP, seed: int = 0) -> list[LogGapRow]:
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


@dataclass(frozen=True)
class GapFit:
    """The low-energy shape of a DOS: exponent ``p`` of ``g ~ |E|^p`` on [lo, hi], and the mean
    DOS over ``|E| < T`` relative to the DOS maximum (``r0``), with bootstrap errors."""

    p: float
    p_err: float
    lo: float
    hi: float
    r0: float
    r0_err: float


def _gap_numbers(cdf, e_counts, n_sites, de, lo, hi, T):
    sel = (LOG_ABS_E_EDGES >= np.log10(lo) - 1e-9) & (LOG_ABS_E_EDGES <= np.log10(hi) + 1e-9)
    y = cdf[sel]
    if np.any(y <= 0) or sel.sum() < 3:
        return float("nan"), float("nan")
    slope = np.polyfit(LOG_ABS_E_EDGES[sel], np.log10(y), 1)[0]
    low = float(np.interp(np.log10(T), LOG_ABS_E_EDGES, cdf)) / (2.0 * T)
    g_max = e_counts.max() / (n_sites * de)
    return float(slope - 1.0), low / g_max


def coulomb_gap(result, *, lo: float | None = None, hi: float | None = None,
                bootstrap: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> GapFit:
    """Fit the DOS exponent ``p`` on ``[lo, hi]`` (default ``[2T, W/2]``) and measure ``r0``
    (module docstring), with standard errors from resampling realizations."""
    from ..realizations import energy_edges

    params = result.meta["params"]
    T = float(params["T"])
    lo = 2.0 * T if lo is None else float(lo)
    hi = 0.5 * float(params["W"]) if hi is None else float(hi)
    counts = result.data["log_abs_energy_counts"].astype(float)
    e_counts = result.data["energy_counts"].astype(float)
    n_sites = int(params["N"]) * counts.shape[0]
    de = float(np.diff(energy_edges(params))[0])
    p, r0 = _gap_numbers(abs_energy_cdf(counts.sum(0), n_sites), e_counts.sum(0), n_sites, de,
                         lo, hi, T)
    p_err = r0_err = float("nan")
    if bootstrap and counts.shape[0] > 1:
        w = bootstrap_weights(counts.shape[0], bootstrap, seed)
        cdfs = abs_energy_cdf(w @ counts, n_sites)
        boot = np.array([_gap_numbers(c, e, n_sites, de, lo, hi, T)
                         for c, e in zip(cdfs, w @ e_counts, strict=False)])
        p_err, r0_err = (float(x) for x in np.std(boot, axis=0, ddof=1))
    return GapFit(p, p_err, lo, hi, r0, r0_err)


def coulomb_gap_coefficient(result, e_values, *, bootstrap: int = BOOTSTRAP,
                            seed: int = BOOTSTRAP_SEED) -> tuple[np.ndarray, np.ndarray]:
    """``alpha(e) = fraction(|E| < e) / e^2`` of a 2D electron glass and its bootstrap errors
    over realizations, at each ``e`` of ``e_values`` (which must be edges of the 0.05-decade
    ``log10|E|`` histogram, e.g. powers of ten; energies in units of ``e^2/r_nn``). For a linear
    Coulomb gap ``g = alpha' |E|`` per site, ``alpha = alpha'`` at every small ``e``;
    Efros-Shklovskii bounds it by :data:`ES_BOUND` over the density of sites."""
    logs = np.log10(np.asarray(e_values, float))
    idx = np.searchsorted(LOG_ABS_E_EDGES, logs - 1e-9)
    if np.any(idx >= LOG_ABS_E_EDGES.size) or not np.allclose(LOG_ABS_E_EDGES[idx], logs,
                                                               atol=1e-9):
        raise ValueError(f"e_values must be edges of the log10|E| histogram, got {e_values}")
    counts = result.data["log_abs_energy_counts"].astype(float)
    below = np.stack([counts[:, :k].sum(axis=1) for k in idx], axis=1)  # (realizations, e)
    sites = counts.sum(axis=1, keepdims=True)
    e2 = np.asarray(e_values, float) ** 2
    alpha = below.sum(axis=0) / sites.sum() / e2
    err = np.full_like(alpha, np.nan)
    if bootstrap and counts.shape[0] > 1:
        w = bootstrap_weights(counts.shape[0], bootstrap, seed)
        draws = (w @ below) / (w @ sites) / e2
        err = np.std(draws, axis=0, ddof=1)
    return alpha, err
