"""Does a recomputed realization agree with the cached one? One comparator for ``verify``, the
cache tests, certification after a code change, and every rebuild of a cached realization.

Two levels (the book's *Reproducibility* page states them for readers):

``bitwise``
    The cached row was made by the same code fingerprint on the same platform
    (:mod:`glasslib.provenance`): every stored field must be identical, bit for bit.
``tolerance``
    Anything else (another CPU, BLAS kernel, library build, or a refactored code): every stored
    field must be consistent with the recomputed raw values and their difference bounds
    (:mod:`glasslib.error_bounds`), field by field as :data:`glasslib.realizations.FIELDS`
    declares it:

    - histogram counts (:class:`~glasslib.realizations.HistogramField`) exactly, except that a
      value whose interval straddles a bin edge may sit on either side: the cached counts must be
      a possible histogram of the intervals (checked rigorously by Hall's conditions on every
      contiguous range of bins: at least the values that must fall in the range, at most those
      that can), and the values outside the edges / non-positive likewise;
    - relaxation curves (:class:`~glasslib.realizations.RelaxationField`) within the interval
      that the rate intervals imply at every time, widened by the rounding of an n-term sum
      (``3 (n + 8) eps`` relative);
    - sorted raw values (:class:`~glasslib.realizations.SortedField`) within
      ``[sort(lo), sort(hi)]`` (sorting is monotone);
    - dropped-mode counts within what the uncertain floor allows;
    - solver diagnostics: ``converged`` equal; ``residual`` below the solver's tolerance on both
      sides; ``filling_error`` within the filling tolerance on both sides; ``mu`` within its
      interval; ``solution_digest``, ``iterations`` and ``site_updates`` describe the solver's
      path and are not compared: they select the solver's bound (identical solution: none; same
      path: rounding propagation; different path: the residual bound, much wider, reported).

    The Monte Carlo models (:mod:`glasslib.monte_carlo`) add three kinds:

    - integer quantities of a trajectory (:class:`~glasslib.realizations.ExactField`: counts,
      sums of signs, digests) exactly: if a trajectory digest differs, the trajectory diverged
      (a decision flipped), which is reported as such rather than as a numerical mismatch;
    - stacked histograms (:class:`~glasslib.realizations.StackedHistogramField`, one per
      temperature) row by row as histogram counts;
    - bounded floats (:class:`~glasslib.realizations.BoundedField`) within their intervals;
      the mean-field path fields (:class:`~glasslib.realizations.PathField`) select the bound of
      each solve, as ``solution_digest`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import error_bounds as EB
from .realizations import (
    BoundedField,
    DigestField,
    ExactField,
    ExcludedCountField,
    HistogramField,
    PathField,
    RelaxationField,
    SolverField,
    SortedField,
    StackedHistogramField,
    _field_specs,
    axes,
    resolve_params,
)

__all__ = ["LEVELS", "Comparison", "compare_realization", "histogram_violation"]

LEVELS = ("bitwise", "tolerance")
EPS = EB.EPS


@dataclass
class Comparison:
    """Outcome of comparing one cached realization with its recomputation."""

    index: int
    level: str
    mismatches: list = field(default_factory=list)
    path: str | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def describe(self) -> str:
        path = {None: "", "identical": "", "same": " (solutions differ in the last bits)",
                "diverged": " (solver path differed: wide residual bound)"}[self.path]
        if self.ok:
            return f"realization {self.index}: OK ({self.level}{path})"
        return f"realization {self.index}: MISMATCH ({self.level}{path}): " + "; ".join(
            self.mismatches)


# --------------------------------------------------------------------------- histograms


def _slots(t_lo, t_hi, edges):
    """Lowest and highest slot an interval can land in: -1 below the edges, B above, else the
    bin (numpy's convention: half-open bins, the last one closed)."""
    B = edges.size - 1

    def slot(v):
        k = np.searchsorted(edges, v, side="right") - 1
        k = np.where(v == edges[-1], B - 1, k)
        return np.where(v < edges[0], -1, np.where(v > edges[-1], B, k))

    return slot(t_lo), slot(t_hi)


def histogram_violation(counts, edges, t_lo, t_hi, sure, maybe_absent=None, outside=None):
    """Why ``counts`` cannot be the histogram on ``edges`` of values lying in ``[t_lo, t_hi]``
    (None if it can). ``sure``: the value is surely in the set; ``maybe_absent``: it may instead
    be uncounted (a non-positive value under a log). ``outside``: the cached number of values
    outside the edges, if stored.

    Necessary and sufficient for intervals (a convex bipartite assignment): for every range of
    bins ``p..q``, the values that must land in it are at most ``sum counts[p..q]``, which is at
    most the values that can land in it."""
    counts = np.asarray(counts, np.int64)
    edges = np.asarray(edges, float)
    B = edges.size - 1
    t_lo, t_hi = np.asarray(t_lo, float), np.asarray(t_hi, float)
    sure = np.asarray(sure, bool)
    absent = np.zeros_like(sure) if maybe_absent is None else np.asarray(maybe_absent, bool)
    ka, kb = _slots(t_lo, t_hi, edges)
    # Only bins that some interval reaches or that hold counts matter: dropping the others
    # changes no range condition, and keeps the B x B work small.
    reach = np.zeros(B + 1, np.int64)
    hit = (kb >= 0) & (ka <= B - 1)
    np.add.at(reach, np.clip(ka[hit], 0, B - 1), 1)
    np.add.at(reach, np.clip(kb[hit], 0, B - 1) + 1, -1)
    kept = np.flatnonzero((np.cumsum(reach)[:B] > 0) | (counts > 0))
    if kept.size == 0:
        kept = np.array([0])
    lower_edges, upper_edges = edges[kept], edges[kept + 1]
    counts = counts[kept]
    ka = np.where(ka < 0, -1, np.where(ka > B - 1, kept.size, np.searchsorted(kept, ka)))
    kb = np.where(kb < 0, -1, np.where(kb > B - 1, kept.size,
                                       np.searchsorted(kept, kb, side="right") - 1))
    B = kept.size
    inside_only = sure & ~absent & (ka >= 0) & (kb <= B - 1)
    # must(p, q): sure values with p <= ka and kb <= q (2-D suffix/prefix sums)
    H = np.zeros((B, B), np.int64)
    np.add.at(H, (ka[inside_only], kb[inside_only]), 1)
    must = np.cumsum(np.cumsum(H[::-1], axis=0)[::-1], axis=1)
    # can(p, q): candidates not entirely left of p and not entirely right of q
    cand_ka, cand_kb = ka, kb
    left = np.cumsum(np.bincount(np.clip(cand_kb + 1, 0, B + 1), minlength=B + 2))[:B]
    # left[p] = #{kb < p}: kb + 1 <= p
    right = cand_ka.size - np.cumsum(np.bincount(np.clip(cand_ka + 1, 0, B + 1),
                                                 minlength=B + 2))[1:B + 1]
    # right[q] = #{ka > q}
    can = cand_ka.size - left[:, None] - right[None, :]
    prefix = np.concatenate([[0], np.cumsum(counts)])
    have = prefix[None, 1:] - prefix[:-1, None]
    upper = np.triu(np.ones((B, B), bool))
    bad = upper & ((have < must) | (have > can))
    if np.any(bad):
        p, q = np.argwhere(bad)[0]
        return (f"bins {kept[p]}..{kept[q]} ([{lower_edges[p]:.6g}, {upper_edges[q]:.6g}]) "
                f"hold {have[p, q]}, "
                f"but between {must[p, q]} and {can[p, q]} values can lie there")
    n_in_sure = int(np.sum(sure & ~absent))
    total = int(counts.sum()) + (int(outside) if outside is not None else 0)
    if outside is not None:
        sure_out = int(np.sum(sure & ~absent & ((kb < 0) | (ka > B - 1))))
        can_out = int(np.sum((ka < 0) | (kb > B - 1)))
        if not sure_out <= int(outside) <= can_out:
            return (f"{int(outside)} values outside the edges, but between {sure_out} and "
                    f"{can_out} can be")
        if not n_in_sure <= total <= ka.size:
            return f"{total} values counted, but between {n_in_sure} and {ka.size} exist"
    return None


def _transform_interval(spec: HistogramField, iv: EB.Interval):
    """Interval of the transformed value; numpy's log10 adds SIMD_ULP per platform."""
    lo, hi = iv.lo, iv.hi
    if spec.transform == "identity":
        return lo, hi, np.zeros(lo.shape, bool)
    if spec.transform == "log10abs":
        flip = (lo < 0) & (hi > 0)
        alo = np.where(flip, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
        ahi = np.maximum(np.abs(lo), np.abs(hi))
        tlo = np.log10(np.maximum(alo, 1e-300))
        thi = np.log10(np.maximum(ahi, 1e-300))
        pad = 2.0 * EB.SIMD_ULP * EPS * np.maximum(np.abs(tlo), np.abs(thi))
        return tlo - pad, thi + pad, np.zeros(lo.shape, bool)
    # log10 of positive values; non-positive ones are counted apart
    absent = lo <= 0
    tlo = np.where(lo > 0, np.log10(np.maximum(lo, 1e-300)), -np.inf)
    thi = np.where(hi > 0, np.log10(np.maximum(hi, 1e-300)), -np.inf)
    pad_lo = 2.0 * EB.SIMD_ULP * EPS * np.where(np.isfinite(tlo), np.abs(tlo), 0.0)
    pad_hi = 2.0 * EB.SIMD_ULP * EPS * np.where(np.isfinite(thi), np.abs(thi), 0.0)
    return tlo - pad_lo, thi + pad_hi, absent


def _check_histogram(name, spec, row, iv, ax, problems):
    keep = iv.include >= 0
    lo, hi, absent = _transform_interval(spec, EB.Interval(iv.lo[keep], iv.hi[keep]))
    sure = iv.include[keep] == 1
    out = row.get(spec.outside) if spec.outside else None
    why = histogram_violation(row[name], ax[spec.axis], lo, hi, sure, absent, out)
    if why:
        problems.append(f"{name}: {why}")
    if spec.nonpositive:
        must = int(np.sum(sure & (iv.hi[keep] <= 0)))
        can = int(np.sum(iv.lo[keep] <= 0))
        got = int(row[spec.nonpositive])
        if not must <= got <= can:
            problems.append(f"{spec.nonpositive}: {got}, but between {must} and {can}")


# --------------------------------------------------------------------------- other fields


def _relaxation_interval(iv: EB.Interval, times):
    """Bounds of ``mean_kept exp(-lambda t)`` (module doc)."""
    keep = iv.include >= 0
    sure = iv.include[keep] == 1
    lo = np.maximum(iv.lo[keep], 0.0) * (1 - 2 * EPS)
    hi = iv.hi[keep] * (1 + 2 * EPS)
    t = np.asarray(times, float)[:, None]
    s_lo = np.exp(-t * hi[sure][None, :]).sum(axis=1)
    s_hi = np.exp(-t * lo[None, :]).sum(axis=1)
    n_min, n_max = int(sure.sum()), int(keep.sum())
    n_min = max(n_min, 1)
    gamma = 3.0 * (n_max + 8) * EPS
    return s_lo / n_max * (1 - gamma), s_hi / n_min * (1 + gamma)


def _check_within(name, got, lo, hi, problems, where):
    """``lo <= got <= hi`` elementwise (1-D arrays); the first violation is reported at
    ``where`` (formatted with ``name`` and the index ``k``)."""
    if got.shape != lo.shape:
        problems.append(f"{name}: {got.size} values, expected {lo.size}")
    elif np.any((got < lo) | (got > hi)):
        k = int(np.argmax((got < lo) | (got > hi)))
        problems.append(f"{where.format(name=name, k=k)}: cached {got[k]:.17g} outside "
                        f"[{lo[k]:.17g}, {hi[k]:.17g}]")


def _check_field(name, spec, row, iv, fresh, ax, problems, params):
    if isinstance(spec, HistogramField):
        _check_histogram(name, spec, row, iv[spec.source], ax, problems)
    elif isinstance(spec, RelaxationField):
        lo, hi = _relaxation_interval(iv[spec.source], ax[spec.axis])
        got = np.asarray(row[name], float)
        bad = (got < lo) | (got > hi)
        if got.shape != lo.shape or np.any(bad):
            k = int(np.argmax(bad)) if got.shape == lo.shape else 0
            problems.append(f"{name}: at t = {ax[spec.axis][k]:.3g} cached {got.ravel()[k]:.17g} "
                            f"outside [{lo[k]:.17g}, {hi[k]:.17g}]")
    elif isinstance(spec, SortedField):
        v = iv[spec.source]
        _check_within(name, np.asarray(row[name], float), np.sort(v.lo), np.sort(v.hi),
                      problems, "{name}: rank {k}")
    elif isinstance(spec, ExcludedCountField):
        v = iv[spec.source]
        n = fresh.raw[spec.spectrum].size - 1
        kept_min = int(np.sum(v.include == 1))
        kept_max = min(int(np.sum(v.include >= 0)), n)
        got = int(row[name])
        if not n - kept_max <= got <= n - kept_min:
            problems.append(f"{name}: {got}, but between {n - kept_max} and {n - kept_min}")
    elif isinstance(spec, SolverField):
        res = fresh.raw["solver"]
        got = row[name]
        if spec.attribute == "converged":
            if bool(got) != bool(res.converged):
                problems.append(f"{name}: cached {bool(got)}, recomputed {bool(res.converged)}")
        elif spec.attribute == "residual":
            if bool(row["converged"]) and not float(got) < res.tol:
                problems.append(f"{name}: cached {float(got):.3e} not below tol {res.tol:.1e}")
        elif spec.attribute == "filling_error":
            limit = 1e-9 * params["N"]
            if bool(row["converged"]) and not abs(float(got)) <= limit:
                problems.append(f"{name}: cached {float(got):.3e} beyond {limit:.1e}")
        elif spec.attribute == "mu":
            m = iv["mu"]
            if not m.lo[0] <= float(got) <= m.hi[0]:
                problems.append(f"{name}: cached {float(got):.17g} outside "
                                f"[{m.lo[0]:.17g}, {m.hi[0]:.17g}]")
        # iterations, site_updates: the solver's path (decides which bound applies)
    elif isinstance(spec, DigestField):
        pass  # equal or not, it only selects the solver bound (error_bounds.raw_intervals)
    elif isinstance(spec, ExactField):
        if name == "mc_digests":
            return  # reported once, as a diverged trajectory (error_bounds.raw_intervals)
        a, b = np.asarray(row[name]), np.asarray(fresh.summary[name])
        if a.shape != b.shape or not np.array_equal(a, b):
            problems.append(f"{name}: cached {a.ravel()[:4].tolist()} differs from recomputed "
                            f"{b.ravel()[:4].tolist()} (an exact Monte Carlo quantity)")
    elif isinstance(spec, StackedHistogramField):
        one = HistogramField(spec.source, spec.axis, spec.transform)
        counts = np.asarray(row[name])
        ivs = iv[spec.source]
        if counts.shape[0] != len(ivs):
            problems.append(f"{name}: {counts.shape[0]} rows, expected {len(ivs)}")
            return
        for k, v in enumerate(ivs):
            sub = []
            _check_histogram(name, one, {name: counts[k]}, v, ax, sub)
            problems.extend(f"{p} (row {k})" for p in sub)
    elif isinstance(spec, BoundedField):
        v = iv[spec.source]
        _check_within(name, np.asarray(row[name], float).ravel(), np.ravel(v.lo), np.ravel(v.hi),
                      problems, "{name}[{k}]")
    elif isinstance(spec, PathField):
        # selects the bound of each mean-field solve (error_bounds._mf_path); the residuals must
        # be below the solver's tolerance on both sides wherever the recomputed solve converged
        if name == "mf_residuals":
            got = np.asarray(row[name], float)
            for k, res in enumerate(fresh.context["solvers"]):
                if res.converged and not float(got[k]) < res.tol:
                    problems.append(f"{name}[{k}]: cached {float(got[k]):.3e} not below tol "
                                    f"{res.tol:.1e}")
    else:  # pragma: no cover - every field type is handled above
        raise TypeError(f"no comparison rule for {type(spec).__name__}")


def compare_realization(row: dict, fresh, *, level: str, index: int = -1) -> Comparison:
    """Compare a cached ``row`` (``{field: value}`` of one realization, timings excluded) with
    ``fresh``, the same realization recomputed (``keep_context=True`` for the tolerance level).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {level!r}")
    params = resolve_params(fresh.model, fresh.params)
    problems = []
    cached_names, fresh_names = set(row), set(fresh.summary)
    if cached_names != fresh_names:
        problems.append(f"fields differ: cached only {sorted(cached_names - fresh_names)}, "
                        f"recomputed only {sorted(fresh_names - cached_names)}")
        return Comparison(index, level, problems)
    if level == "bitwise":
        for name in sorted(row):
            a, b = np.asarray(row[name]), np.asarray(fresh.summary[name])
            if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
                problems.append(f"{name}: not bit-identical")
        return Comparison(index, level, problems)
    iv = EB.raw_intervals(fresh, row)
    if iv.get("mc_problem"):
        problems.append(iv["mc_problem"])
        return Comparison(index, level, problems, "diverged")
    ax = axes(fresh.model, params)
    for name, spec in _field_specs(fresh.model, params).items():
        _check_field(name, spec, row, iv, fresh, ax, problems, params)
    return Comparison(index, level, problems, iv["path"])
