"""Claims of the paper, checked against the ensembles: one module per paper section.

Each section module exposes ``claims(results) -> list[Claim]`` where ``results`` maps an
experiment name to ``{label: EnsembleResult}`` (as returned by :func:`glasslib.notebook.load`).
The section notebooks show their claims under the figures; the reproduction report gathers them
all. Verdicts are computed, never typed in.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

__all__ = ["Claim", "VERDICTS", "print_claims"]

VERDICTS = ("reproduced", "partly", "not reproduced")


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


def print_claims(claims: list, figure: str | None = None, width: int = 100) -> None:
    """Print the claims (those of ``figure`` only, if given) as fixed-format text blocks:
    the paper's statement, our measurement with its uncertainty, the verdict and why."""
    rows = [c for c in claims if figure is None or c.figure == figure]
    if not rows:
        print(f"no claims for {figure}")
        return
    for c in rows:
        for i, line in enumerate(textwrap.wrap(c.statement, width - 12)):
            print(f"{c.figure if i == 0 else '':>8} | {'paper:' if i == 0 else '':9}{line}")
        for i, line in enumerate(textwrap.wrap(c.measured, width - 12)):
            print(f"{'':8} | {'measured' if i == 0 else '':9}{line}")
        for i, line in enumerate(textwrap.wrap(f"{c.verdict.upper()}: {c.why}", width - 12)):
            print(f"{'':8} | {'verdict' if i == 0 else '':9}{line}")
