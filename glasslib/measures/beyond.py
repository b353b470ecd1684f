"""Measures of the Monte Carlo ensembles (``tls_mc``, ``eg_mc``, ``tls_kmc``): the DOS of a
sampler or of the mean-field solutions at one ladder temperature, seen as an ordinary ensemble,
equilibration checks, and the kinetic Monte Carlo relaxation against its mean-field prediction.

Errors are bootstrap standard errors over realizations (each realization has its own sample,
solves and trajectories), as everywhere in :mod:`glasslib.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import BOOTSTRAP, BOOTSTRAP_SEED, bootstrap_weights

__all__ = [
    "STARTS",
    "DosView",
    "dos_view",
    "samples_per_realization",
    "start_agreement",
    "StartAgreement",
    "KMC_WINDOW",
    "EG_KMC_WINDOW",
    "WINDOWS",
    "Relaxation",
    "kmc_relaxation",
    "Eq17",
    "eq17_slope",
]

#: the three DOS of a Monte Carlo ensemble: hot start, cold (mean-field) start, mean field
STARTS = {"mc": "Monte Carlo (hot start)", "cold": "Monte Carlo (cold start)",
          "mf": "mean field"}


def samples_per_realization(params: dict) -> int:
    """Configurations sampled per anchor temperature and start: after ``burn_in`` sweeps, one
    every ``sample_every`` (:func:`glasslib.monte_carlo._run_ladder`)."""
    return (int(params["sweeps"]) - int(params["burn_in"])) // int(params["sample_every"])


@dataclass
class DosView:
    """One DOS of a Monte Carlo ensemble as an ensemble of its own: ``meta["params"]`` holds the
    anchor temperature as ``T`` and ``N`` times the configurations per realization (so that
    :func:`glasslib.measures.gap_ratio` and friends normalize per sampled site), ``data`` the
    ``energy_counts`` and ``log_abs_energy_counts`` rows of that anchor."""

    meta: dict
    data: dict

    @property
    def realizations(self) -> int:
        return int(self.data["energy_counts"].shape[0])

    def subset(self, rows) -> DosView:
        rows = np.asarray(rows)
        return DosView(self.meta, {k: v[rows] for k, v in self.data.items()})


def dos_view(result, start: str, T: float) -> DosView:
    """The DOS of ``start`` (:data:`STARTS`) at the anchor temperature ``T`` of a ``tls_mc`` or
    ``eg_mc`` ensemble."""
    if start not in STARTS:
        raise ValueError(f"start must be one of {sorted(STARTS)}, got {start!r}")
    params = result.meta["params"]
    temps = [float(t) for t in params["temperatures"]]
    if not any(np.isclose(T, t) for t in temps):
        raise ValueError(f"T must be an anchor temperature {temps}, got {T!r}")
    k = int(np.argmin(np.abs(np.asarray(temps) - T)))
    per = 1 if start == "mf" else samples_per_realization(params)
    view_params = dict(params, T=temps[k], N=int(params["N"]) * per)
    data = {name: np.asarray(result.data[f"{start}_{name}"])[:, k, :]
            for name in ("energy_counts", "log_abs_energy_counts")}
    return DosView({"params": view_params, "model": result.meta.get("model")}, data)


@dataclass(frozen=True)
class StartAgreement:
    """Energy per site at the end of the run, lowest ladder temperature: hot start, cold start,
    their mean difference over realizations and its standard error."""

    hot: float
    cold: float
    diff: float
    diff_err: float

    @property
    def sigmas(self) -> float:
        return abs(self.diff) / self.diff_err if self.diff_err > 0 else float("inf")


def start_agreement(result, last: int = 3, slot: int = 0) -> StartAgreement:
    """Hot against cold start: the mean over the ``last`` trace checkpoints (log-spaced sweep
    counts, so the last three cover roughly the final 60% of the run) of the energy per site at
    ladder ``slot`` (0: the lowest temperature), paired by realization (same sample and
    ladder)."""
    hot = np.asarray(result.data["mc_trace"])[:, -last:, slot].mean(axis=1)
    cold = np.asarray(result.data["cold_trace"])[:, -last:, slot].mean(axis=1)
    d = hot - cold
    err = float(np.std(d, ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")
    return StartAgreement(float(hot.mean()), float(cold.mean()), float(d.mean()), err)


# --------------------------------------------------------------------------- kinetic MC

#: the window of the logarithmic fit, in units of 1/a (the KMC times run from 0.1 to 10^6):
#: from the first decade after the fastest TLSs (rates <= Delta_0max^2 W ~ 10^-2 W) to t_max
KMC_WINDOW = (10.0, 1e6)
#: the electron glass's window (units of 1/Gamma^0; its KMC times run from 0.1 to 10^4): from
#: the first decade after the closest pairs (rates e^{-r/xi} <= ~1) to t_max
EG_KMC_WINDOW = (10.0, 1e4)
#: the window of each kinetic model
WINDOWS = {"tls_kmc": KMC_WINDOW, "eg_kmc": EG_KMC_WINDOW}


@dataclass(frozen=True)
class Relaxation:
    """The relaxation of one ``tls_kmc`` ensemble, KMC and mean field side by side.

    ``delta0``: the initial deviation per TLS (the field's polarization minus the equilibrium
    one, per site; KMC: from the sampler, MF: ``sum c_i / N``). ``relaxed(t)``: the mean change
    of the polarization per site since t = 0 (negative), ``fraction(t) = -relaxed / delta0``.
    ``slope``: ``d fraction / d log10 t`` fitted on ``KMC_WINDOW`` (per decade), ``slopes``: the
    same on its two halves (a logarithmic relaxation has them equal). ``*_err``: bootstrap."""

    times: np.ndarray
    delta0: float
    delta0_err: float
    relaxed: np.ndarray
    relaxed_err: np.ndarray
    fraction_end: float
    fraction_end_err: float
    slope: float
    slope_err: float
    slopes: tuple
    slopes_err: tuple


def _fit_slopes(times, fraction, window=KMC_WINDOW):
    """Least-squares slope of ``fraction`` against log10 t over the window and its two halves
    (``fraction``: (..., times)); returns an array (..., 3)."""
    lt = np.log10(times)
    lo, hi = np.log10(window[0]), np.log10(window[1])
    mid = 0.5 * (lo + hi)
    out = []
    for a, b in ((lo, hi), (lo, mid), (mid, hi)):
        sel = (lt >= a - 1e-9) & (lt <= b + 1e-9)
        x = lt[sel] - lt[sel].mean()
        out.append((fraction[..., sel] * x).sum(axis=-1) / (x * x).sum())
    return np.stack(out, axis=-1)


def _relaxation_stats(relaxed_rows, delta_rows, times, w, window=KMC_WINDOW):
    """(delta0, relaxed(t), fraction at t_max, slopes) of pooled rows (weights ``w``)."""
    n = w.sum(axis=-1, keepdims=True)
    d0 = (w @ delta_rows) / n[..., 0]
    rel = (w @ relaxed_rows) / n
    with np.errstate(divide="ignore", invalid="ignore"):  # a tiny resample may have d0 = 0
        frac = -rel / d0[..., None]
        return d0, rel, frac[..., -1], _fit_slopes(times, frac, window)


def _std(draws, axis=0):
    """Bootstrap standard error over the finite draws (a resample with no initial deviation
    has no relaxed fraction)."""
    draws = np.where(np.isfinite(draws), draws, np.nan)
    return np.nanstd(draws, axis=axis, ddof=1)


def kmc_relaxation(result, which: str = "kmc", *, bootstrap: int = BOOTSTRAP,
                   seed: int = BOOTSTRAP_SEED) -> Relaxation:
    """The relaxation of ``which`` (``"kmc"``: the kinetic Monte Carlo, ``"mf"``: the mean-field
    prediction of the same realizations) of a ``tls_kmc`` or ``eg_kmc`` ensemble, with bootstrap
    errors over realizations. For the electron glass the "polarization" is the dipole ``M =
    sum_i s_i n_i`` of :func:`glasslib.realizations.square_wave`."""
    from ..realizations import EG_KMC_TIMES, KMC_TIMES

    if which not in ("kmc", "mf"):
        raise ValueError(f"which must be 'kmc' or 'mf', got {which!r}")
    model = result.meta["model"]
    if model not in WINDOWS:
        raise ValueError(f"not a kinetic Monte Carlo ensemble: model {model!r}")
    times = KMC_TIMES if model == "tls_kmc" else EG_KMC_TIMES
    window = WINDOWS[model]
    p = result.meta["params"]
    N, K = int(p["N"]), int(p["trajectories"])
    d = result.data
    if which == "kmc":
        relaxed = np.asarray(d["kmc_relaxed_sum"], float) / (K * N)
        delta = (np.asarray(d["mc_P_field_sum"], float)
                 - np.asarray(d["mc_P_zero_sum"], float)) / (K * N)
    else:
        relaxed = np.asarray(d["mf_relaxed"], float)
        delta = np.asarray(d["mf_delta_P0"], float)
    R = relaxed.shape[0]
    one = np.ones((1, R))
    d0, rel, fend, slopes = _relaxation_stats(relaxed, delta, times, one, window)
    d0_e = fend_e = float("nan")
    rel_e = np.full(times.size, np.nan)
    slopes_e = np.full(3, np.nan)
    if bootstrap and R > 1:
        w = bootstrap_weights(R, bootstrap, seed)
        bd0, brel, bfend, bslopes = _relaxation_stats(relaxed, delta, times, w, window)
        d0_e = float(_std(bd0))
        rel_e = _std(brel)
        fend_e = float(_std(bfend))
        slopes_e = _std(bslopes)
    return Relaxation(times, float(d0[0]), d0_e, rel[0], rel_e, float(fend[0]), fend_e,
                      float(slopes[0, 0]), float(slopes_e[0]),
                      (float(slopes[0, 1]), float(slopes[0, 2])),
                      (float(slopes_e[1]), float(slopes_e[2])))


@dataclass(frozen=True)
class Eq17:
    """Eq. (17) on the mean-field (Ising-limit) rates of a ``tls_kmc`` ensemble: the plateau
    cutoffs of the book's rule (:func:`glasslib.measures.plateau_cutoffs`) and the relaxed
    fraction per decade they predict for uniform weights, ``1 / log10(lambda_max/lambda_min)``
    (``c ln 10`` with ``c = 1/ln(lambda_max/lambda_min)``), valid for ``1/lambda_max < t <
    1/lambda_min``."""

    log10_min: float
    log10_max: float
    slope: float
    slope_err: float

    def fraction(self, t):
        """The relaxed fraction Eq. (17) gives for uniform weights, ``1 - |delta sigma|/|delta
        sigma_0| = c (gamma_E + ln(lambda_max t))`` (with ``c ln lambda_max = 1 + c ln
        lambda_min``), clipped to [0, 1]: meaningful only inside its window."""
        t = np.asarray(t, float)
        x = np.log10(t) + self.log10_max + np.euler_gamma / np.log(10.0)
        return np.clip(self.slope * x, 0.0, 1.0)


def eq17_slope(result) -> Eq17:
    """:class:`Eq17` of a ``tls_kmc`` ensemble, error from the cutoffs' bootstrap errors."""
    from .core import plateau_cutoffs

    cut = plateau_cutoffs(result, prefix="mf_")
    w = cut.log10_max - cut.log10_min
    err = float(np.hypot(cut.log10_min_err, cut.log10_max_err)) / w**2
    return Eq17(cut.log10_min, cut.log10_max, 1.0 / w, err)
