"""The verdict machinery every section shares: split-half replication ("undecided"), the tally,
and the claims as MyST tables with typeset math."""

import re
from pathlib import Path

import numpy as np
import pytest

from glasslib.formatting import claims_markdown, to_myst
from glasslib.runner import EnsembleResult
from glasslib.verdicts import VERDICTS, Claim, halves, replicated, tally, tally_text


def ensemble(values):
    values = np.asarray(values, float)
    meta = {"params": {"N": 10}, "realizations": len(values), "model": "eg", "seed": 0}
    return EnsembleResult(Path("."), meta, {"x": values[:, None]})


def mean_rule(data):
    """A claim 'the mean is positive': reproduced if the mean is 2 standard errors above 0,
    partly if it is positive, not reproduced otherwise."""
    x = data["e"]["a"].data["x"][:, 0]
    mean, err = x.mean(), x.std(ddof=1) / np.sqrt(x.size) if x.size > 1 else np.inf
    verdict = ("reproduced" if mean > 2 * err else "partly" if mean > 0 else "not reproduced")
    return [Claim("Fig. 0", "the mean is positive", f"{mean:.3f} +- {err:.3f}", verdict, "rule")]


claims = replicated(mean_rule)


def test_halves_are_the_even_and_the_odd_realizations():
    data = {"e": {"a": ensemble(np.arange(7))}}
    even, odd = halves(data)
    assert even["e"]["a"].data["x"][:, 0].tolist() == [0, 2, 4, 6]
    assert odd["e"]["a"].data["x"][:, 0].tolist() == [1, 3, 5]
    assert even["e"]["a"].realizations == 4 and odd["e"]["a"].meta["rows"] == [1, 3, 5]
    # every realization is in exactly one half: nothing lost, nothing counted twice
    both = np.sort(np.r_[even["e"]["a"].data["x"][:, 0], odd["e"]["a"].data["x"][:, 0]])
    assert both.tolist() == list(range(7))


def test_a_clear_effect_is_decided_and_a_marginal_one_is_not():
    rng = np.random.default_rng(0)
    clear = {"e": {"a": ensemble(rng.normal(1.0, 1.0, 400))}}  # 20 sigma; 14 in each half
    (c,) = claims(clear)
    assert c.verdict == "reproduced" and c.why == "rule"
    # the whole is significant at 2.4 sigma, a half at about 1.7: the rule alone says
    # reproduced, the replicated claim says the realizations cannot decide
    x = rng.normal(0.0, 1.0, 400)
    x = (x - x.mean()) / x.std(ddof=1) + 2.4 / np.sqrt(400)
    marginal = {"e": {"a": ensemble(x)}}
    assert claims(marginal, replicate=False)[0].verdict == "reproduced"
    (c,) = claims(marginal)
    assert c.verdict == "undecided"
    assert "whole ensemble says reproduced" in c.why and "cannot decide" in c.why


def test_a_clear_negative_is_decided_too():
    rng = np.random.default_rng(1)
    (c,) = claims({"e": {"a": ensemble(rng.normal(-1.0, 1.0, 400))}})
    assert c.verdict == "not reproduced"


def test_one_realization_decides_nothing():
    (c,) = claims({"e": {"a": ensemble([5.0])}})
    assert c.verdict == "undecided" and "fewer than 2 realizations" in c.why


def test_tally_counts_every_verdict():
    cs = [Claim("F", "s", "m", v, "w") for v in ("reproduced", "reproduced", "undecided")]
    assert tally(cs) == {"reproduced": 2, "partly": 0, "not reproduced": 0, "undecided": 1}
    assert list(tally(cs)) == list(VERDICTS)
    assert tally_text(cs) == "2 reproduced, 0 partly, 0 not reproduced, 1 undecided (of 3 claims)"
    with pytest.raises(ValueError, match="verdict must be one of"):
        Claim("F", "s", "m", "maybe", "w")


@pytest.mark.parametrize("text, expected", [
    ("lambda_min = 10^(-13.61 +- 0.05)", r"$\lambda_{min}$ = $10^{-13.61\pm0.05}$"),
    ("alpha = 0.9996 +- 0.0004", r"$\alpha$ = $0.9996 \pm 0.0004$"),
    ("e^2/(r_nn T) and Gamma^0", r"$e^{2}$/($r_{nn}$ $T$) and $\Gamma^{0}$"),
    ("width >= 6, shift <= 0.5", r"width $\ge$ 6, shift $\le$ 0.5"),
    ("W=1 -> W=10", r"$W$=1 $\to$ $W$=10"),
    ("log10 lambda_min", r"$\log_{10}$ $\lambda_{min}$"),
    ("a plain sentence, in words.", "a plain sentence, in words."),
    ("kept $x_i$ and `code_span`", "kept $x_i$ and `code_span`"),
])
def test_plain_text_physics_becomes_typeset_math(text, expected):
    assert to_myst(text) == expected
    assert to_myst(expected) == expected  # already markdown: unchanged


def test_claims_table_is_one_row_per_claim_with_balanced_math():
    cs = [Claim("Fig. 3", "|delta sigma| ~ -c ln(lambda_min t)", "slope in [0.95, 1.02]",
                "reproduced", "|alpha - 1| <= 0.05", "fig-tg-rates"),
          Claim("Fig. 4", "statement", "measured", "partly", "why")]
    table = claims_markdown(cs, links=True).splitlines()
    assert len(table) == 2 + len(cs)
    for row in table[2:]:
        cells = re.split(r"(?<!\\)\|", row)[1:-1]  # unescaped pipes separate the cells
        assert len(cells) == 5
        for cell in cells:
            assert cell.count("$") % 2 == 0, cell
    assert "{ref}`Fig. 3 <fig-tg-rates>`" in table[2] and "**reproduced**" in table[2]
    assert claims_markdown(cs, "Fig. 4").count("\n") == 2
    assert claims_markdown(cs, "Fig. 9") == "no claims for Fig. 9"
