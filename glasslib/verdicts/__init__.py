"""Claims of the paper, checked against the ensembles: one module per paper section.

Each section module exposes ``claims(results) -> list[Claim]`` where ``results`` maps an
experiment name to ``{label: EnsembleResult}`` (as returned by :func:`glasslib.notebook.load`).
The section notebooks show their claims under the figures; the reproduction report gathers them
all. Verdicts are computed, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formatting import print_claims

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
