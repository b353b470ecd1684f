"""Text of measured numbers and claims: one rule for ``value +- error``, one claim printer."""

from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["pm", "print_claims", "curve_name"]


def pm(value: float, err: float, decimals: int = 2, *, signed: bool = False) -> str:
    """``"value +- err"`` with at least ``decimals`` decimals and enough to show the error to two
    significant digits (at most 6): a bootstrap error of 0.002 must not print as 0.00.
    ``signed`` prints the sign of the value (a shift)."""
    if np.isfinite(err) and err > 0:
        decimals = int(min(max(decimals, 1 - int(np.floor(np.log10(err)))), 6))
    sign = "+" if signed else ""
    return f"{value:{sign}.{decimals}f} +- {err:.{decimals}f}"


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


def curve_name(result, key: str) -> str:
    p = result.meta["params"]
    if key == "J/W":
        return f"J/W={p['J'] / p['W']:.2g}"
    if key == "N":
        return f"N={p['N']}"
    return f"W={p['W']:g}"
