"""Claims of the paper, checked against the ensembles: one module per paper section.

Each section module exposes ``claims(results) -> list[Claim]`` where ``results`` maps an
experiment name to ``{label: EnsembleResult}`` (as returned by :func:`glasslib.notebook.load`).
The section notebooks show their claims under the figures; the reproduction report gathers them
all. Verdicts are computed, never typed in.

**Undecided.** A section's rules give one of ``reproduced``, ``partly``, ``not reproduced`` on
the whole ensemble. Whether the ensemble is large enough to decide is asked the same way for
every claim, by split-half replication (:func:`replicated`): the rules are applied again to the
two independent halves of every ensemble (even and odd realizations; each realization has its own
seed), and a verdict stands only if both halves give it too. Otherwise the claim is
``undecided``, and its ``why`` says what the whole and each half gave. A half has sqrt(2) times
the whole's statistical error, so a verdict that survives halving is one that the realizations
decide with margin; an ensemble of fewer than two realizations decides nothing.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, replace

from ..formatting import claims_markdown, print_claims, show_claims

__all__ = ["Claim", "VERDICTS", "DECIDED", "print_claims", "show_claims", "claims_markdown",
           "replicated", "halves", "tally", "tally_text"]

#: the verdicts the rules give
DECIDED = ("reproduced", "partly", "not reproduced")
#: every verdict a claim can carry
VERDICTS = DECIDED + ("undecided",)


@dataclass(frozen=True)
class Claim:
    """One claim of the paper and what the recomputation says about it."""

    figure: str  # e.g. "Fig. 3" or "Table I (TG, disorder)"
    statement: str  # the paper's claim, in its words where possible
    measured: str  # our number(s) with uncertainty
    verdict: str  # one of VERDICTS
    why: str  # one line: the reason for the verdict
    target: str = ""  # MyST label of the figure that shows it

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


def halves(data: dict) -> tuple[dict, dict]:
    """``data`` (``{experiment: {label: EnsembleResult}}``) split into its even and its odd
    realizations, ensemble by ensemble (:meth:`glasslib.runner.EnsembleResult.subset`)."""
    import numpy as np

    def part(h):
        return {name: {label: r.subset(np.arange(h, r.realizations, 2))
                       for label, r in curves.items()}
                for name, curves in data.items()}

    return part(0), part(1)


def _keyed(claims: list[Claim]) -> dict:
    """``{(figure, statement, occurrence): claim}``: a claim's identity across halves."""
    seen: Counter = Counter()
    out = {}
    for c in claims:
        out[(c.figure, c.statement, seen[(c.figure, c.statement)])] = c
        seen[(c.figure, c.statement)] += 1
    return out


def replicated(rules):
    """Wrap a section's ``rules(data) -> list[Claim]`` into its ``claims``: the verdicts of the
    whole ensemble, each kept only if both halves of every ensemble give it too, else
    ``undecided`` (the module doc). ``claims(data, replicate=False)`` gives the rules' verdicts
    on the whole ensemble alone."""

    @functools.wraps(rules)
    def claims(data: dict, *, replicate: bool = True) -> list[Claim]:
        whole = rules(data)
        if not replicate:
            return whole
        too_small = sorted({f"{name} {label}" for name, curves in data.items()
                            for label, r in curves.items() if r.realizations < 2})
        parts = []
        if not too_small:
            for half in halves(data):
                try:
                    parts.append(_keyed(rules(half)))
                except (ValueError, ZeroDivisionError, IndexError) as err:
                    parts.append(err)
        out = []
        for key, c in _keyed(whole).items():
            if too_small:
                why = f"fewer than 2 realizations in {', '.join(too_small)}: nothing to replicate"
                out.append(replace(c, verdict="undecided", why=f"{why} ({c.verdict}: {c.why})"))
                continue
            said = [p.get(key) if isinstance(p, dict) else None for p in parts]
            verdicts = [s.verdict if s is not None else "no result" for s in said]
            if all(v == c.verdict for v in verdicts):
                out.append(c)
                continue
            errors = [f" ({p})" for p in parts if not isinstance(p, dict)]
            why = (f"the whole ensemble says {c.verdict} ({c.why}), but its even and odd halves "
                   f"say {verdicts[0]} and {verdicts[1]}{''.join(errors)}: the realizations "
                   "cannot decide")
            out.append(replace(c, verdict="undecided", why=why))
        return out

    claims.__doc__ = (rules.__doc__ or "") + (
        "\n\n    Verdicts are replicated on the two halves of every ensemble "
        "(:func:`glasslib.verdicts.replicated`); ``replicate=False`` skips that.")
    return claims


def tally(claims: list[Claim]) -> dict:
    """``{verdict: count}`` over :data:`VERDICTS`, in that order."""
    counts = Counter(c.verdict for c in claims)
    return {v: counts.get(v, 0) for v in VERDICTS}


def tally_text(claims: list[Claim]) -> str:
    """``"36 reproduced, 8 partly, 0 not reproduced, 0 undecided (of 44 claims)"``."""
    t = tally(claims)
    return ", ".join(f"{n} {v}" for v, n in t.items()) + f" (of {len(claims)} claims)"
