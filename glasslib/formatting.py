"""Text of measured numbers and claims: one rule for ``value +- error``, the claim printer (plain
text, for terminals) and the claim table (MyST markdown with typeset math, for the book)."""

from __future__ import annotations

import re
import textwrap

import numpy as np

__all__ = ["pm", "print_claims", "claims_markdown", "show_claims", "to_myst", "curve_name"]


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


# ----------------------------------------------------------------------------- markdown

_GREEK = ("alpha", "beta", "gamma", "Gamma", "delta", "Delta", "epsilon", "kappa", "lambda",
          "mu", "nu", "xi", "rho", "sigma", "tau", "chi", "omega")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?"
_SYMBOL = (r"(?<![\w\\$])(?:(?:" + "|".join(_GREEK) + r")|[A-Za-z])"  # a Greek word or a letter
           r"(?:_(?:\{[^}$]*\}|[A-Za-z0-9]+))?"  # an optional subscript
           r"(?:\^(?:\{[^}$]*\}|[-+]?[0-9.]+|[A-Za-z]))?"  # an optional power
           r"(?![\w(])")


def _symbol(m: re.Match) -> str:
    """One plain-text symbol (``lambda_min``, ``r_nn``, ``Gamma^0``, ``N``) as TeX, or None when
    the match is an ordinary word."""
    text = m.group(0)
    base, _, rest = text.partition("_")
    power = ""
    if "^" in (rest or base):
        if rest:
            rest, _, power = rest.partition("^")
        else:
            base, _, power = base.partition("^")
    greek = base in _GREEK
    if not greek and len(base) > 1:
        return None
    if not greek and not rest and not power and base not in "NTWJRcpEtL":
        return None  # a single letter that is most likely a word ("a", "I")
    tex = ("\\" + base) if greek else base
    if rest:
        tex += "_{" + rest.strip("{}") + "}"
    if power:
        tex += "^{" + power.strip("{}") + "}"
    return tex


def to_myst(text: str) -> str:
    """Plain-text physics (as the claims and the printed tables write it: ``lambda_min``,
    ``10^(-13.6 +- 0.1)``, ``+-``, ``r_nn``, ``Gamma^0``, ``<=``) as MyST markdown with the math
    typeset: powers of ten and symbols in ``$...$``, ``+-`` as ``\\pm``, ``<=`` as ``\\le``.
    Words, numbers and code spans are left alone. Idempotent on text that is already markdown
    math (``$...$`` spans are kept as they are)."""
    out = []
    for i, part in enumerate(re.split(r"(\$[^$]*\$|`[^`]*`)", text)):
        if i % 2:  # existing math or code: keep
            out.append(part)
            continue
        # powers of ten: 10^(a +- b), 10^-3, 10^4
        part = re.sub(r"10\^\(([^()]*)\)",
                      lambda m: "$10^{" + m.group(1).replace("+-", r"\pm").replace(" ", "")
                      + "}$", part)
        part = re.sub(r"10\^(" + _NUMBER + ")", lambda m: "$10^{" + m.group(1) + "}$", part)
        pieces = re.split(r"(\$[^$]*\$)", part)
        for j in range(0, len(pieces), 2):
            s = pieces[j]
            s = re.sub(r"(" + _NUMBER + r") \+- (" + _NUMBER + r")",
                       lambda m: f"${m.group(1)} \\pm {m.group(2)}$", s)
            s = s.replace("+-", "$\\pm$").replace("<=", "$\\le$").replace(">=", "$\\ge$")
            s = s.replace("->", "$\\to$")
            s = re.sub(r"\blog10(?=[ (])", r"$\\log_{10}$", s)

            def sym(m):
                tex = _symbol(m)
                return m.group(0) if tex is None else f"${tex}$"

            pieces[j] = re.sub(_SYMBOL, sym, s)
        out.append("".join(pieces))
    return "".join(out).replace("$$", "")  # adjacent spans merge


def _cell(text: str) -> str:
    return to_myst(str(text)).replace("|", "\\|").replace("\n", " ")


def claims_markdown(claims: list, figure: str | None = None, *, links: bool = False) -> str:
    """The claims (those of ``figure`` only, if given) as one MyST markdown table: the paper's
    statement, what we measure, the verdict (bold) and why. ``links`` adds a first column with a
    reference to the figure that shows each claim (for the report)."""
    rows = [c for c in claims if figure is None or c.figure == figure]
    if not rows:
        return f"no claims for {figure}"
    head = ["the paper says", "we measure", "verdict", "why"]
    if links:
        head = ["figure"] + head
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in rows:
        cells = [_cell(c.statement), _cell(c.measured), f"**{c.verdict}**", _cell(c.why)]
        if links:
            cells = [f"{{ref}}`{c.figure} <{c.target}>`" if c.target else c.figure] + cells
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_claims(claims: list, figure: str | None = None, *, links: bool = False) -> None:
    """Display :func:`claims_markdown` in a notebook (print it elsewhere). Returns None."""
    text = claims_markdown(claims, figure, links=links)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython is a dependency of the book only
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display(Markdown(text))


def curve_name(result, key: str) -> str:
    p = result.meta["params"]
    if key == "J/W":
        return f"J/W={p['J'] / p['W']:.2g}"
    if key == "N":
        return f"N={p['N']}"
    return f"W={p['W']:g}"
