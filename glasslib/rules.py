"""Verdict rules: how estimates with errors become the signs and grades of the paper's claims.

Thresholds are stated where a claim uses them (the section modules of
:mod:`glasslib.verdicts`); the rules themselves are shared: a change is significant beyond
``SIGMAS`` combined standard errors, a trend needs the claimed sign end to end, a graded
deviation is "reproduced" below one threshold and "partly" below a second.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_real

__all__ = [
    "SIGMAS",
    "significant_sign",
    "sigmas_of",
    "shift_sign",
    "trend",
    "direction_verdict",
    "sign_verdict",
    "grade",
]

#: significance of a change, in combined standard errors
SIGMAS = 2.0


def significant_sign(delta: float, err: float, *, sigmas: float = SIGMAS) -> str:
    """``'+'`` or ``'-'`` if ``|delta| > sigmas * err``, else ``'0'`` (also when err is NaN)."""
    if not np.isfinite(err) or abs(delta) <= sigmas * err:
        return "0"
    return "+" if delta > 0 else "-"


def sigmas_of(diff: float, err: float) -> float:
    """``diff / err``; a difference with zero error counts as infinitely significant."""
    if err > 0:
        return float(diff / err)
    if not np.isfinite(err) or diff == 0:
        return float("nan") if not np.isfinite(err) else 0.0
    return float(np.inf) if diff > 0 else float(-np.inf)


def shift_sign(before, after, *, sigmas: float = SIGMAS) -> tuple[str, float, float]:
    """Sign of the shift of log10(lambda_min) between two
    :class:`~glasslib.measures.Cutoff`: '+' (faster), '-' (slower) or '0' (within ``sigmas``
    combined standard errors). Returns (sign, shift, err)."""
    sigmas = check_real("sigmas", sigmas, positive=True)
    shift = after.log10_min - before.log10_min
    err = float(np.hypot(before.log10_min_err, after.log10_min_err))
    return significant_sign(shift, err, sigmas=sigmas), shift, err


def trend(values, errors, *, sigmas: float = SIGMAS) -> tuple[str, float, float, int]:
    """Sign of the change from the first to the last value: ``(sign, delta, err, reversed)``.

    ``reversed`` counts the consecutive steps that go significantly against the sign of
    ``delta``.
    """
    v = np.asarray(values, float)
    e = np.asarray(errors, float)
    delta = float(v[-1] - v[0])
    err = float(np.hypot(e[-1], e[0]))
    sign = significant_sign(delta, err, sigmas=sigmas)
    steps = np.diff(v)
    step_err = np.hypot(e[1:], e[:-1])
    against = (np.sign(steps) == -np.sign(delta)) & (np.abs(steps) > sigmas * step_err)
    return sign, delta, err, int(np.sum(against))


def direction_verdict(sign: str, delta: float, claimed: str, *, reversed_steps: int = 0,
                      what: str = "the change", sigmas: float = SIGMAS) -> tuple[str, str]:
    """``(verdict, why)`` for a measured trend ``sign`` against the ``claimed`` one: reproduced
    if the signs agree and no step goes significantly back; partly if an intermediate step does,
    or if the change is not significant but goes the claimed way; not reproduced otherwise."""
    word = {"+": "up", "-": "down"}
    if sign == claimed:
        if reversed_steps:
            return "partly", (f"{what} goes {word[claimed]} as claimed end to end, but an "
                              f"intermediate step goes significantly the other way")
        return "reproduced", f"{what} goes {word[claimed]}, beyond {sigmas:g} sigma, as claimed"
    if sign == "0":
        if np.sign(delta) == (1 if claimed == "+" else -1):
            return "partly", f"{what} goes {word[claimed]} as claimed but within {sigmas:g} sigma"
        return "not reproduced", (f"{what} is not significant ({sigmas:g} sigma) and goes the "
                                  f"other way")
    return "not reproduced", (f"{what} goes {word[sign]}, beyond {sigmas:g} sigma: opposite to "
                              "the paper")


def sign_verdict(sign: str, shift: float, paper: str, *,
                 sigmas: float = SIGMAS) -> tuple[str, str]:
    """``(verdict, why)`` of one measured sign against the paper's (a Table I cell)."""
    if sign == paper:
        return "reproduced", f"significant ({sigmas:g} sigma) shift with the paper's sign"
    if sign == "0":
        if np.sign(shift) == (1 if paper == "+" else -1):
            return "partly", f"the paper's direction, but not significant at {sigmas:g} sigma"
        return "not reproduced", (f"not significant at {sigmas:g} sigma, and the central value "
                                  "goes the other way")
    return "not reproduced", f"significant ({sigmas:g} sigma) shift opposite to the paper"


def grade(value: float, good: float, fair: float) -> str:
    """``reproduced`` if ``value <= good``, ``partly`` if ``<= fair``, else ``not reproduced``."""
    if value <= good:
        return "reproduced"
    return "partly" if value <= fair else "not reproduced"
