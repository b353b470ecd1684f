"""The figure registry: every figure declared once, on its page, cited by its claims."""

import re
from pathlib import Path

import numpy as np
import pytest

from glasslib import figures as F
from glasslib.experiments import EXPERIMENTS
from glasslib.runner import EnsembleResult

ROOT = Path(__file__).resolve().parents[1]
PAGES = {p.stem: p.read_text() for p in (ROOT / "notebooks").glob("*.py") if p.stem != "execute"}


def test_registry_is_consistent():
    labels = [f.label for f in F.FIGURES.values()]
    assert len(set(labels)) == len(labels)
    numbers = [f.paper for f in F.FIGURES.values() if f.paper]
    assert sorted(numbers) == list(range(1, 21)), "every figure of the paper, once"
    for f in F.FIGURES.values():
        assert f.page in PAGES, f.key
        assert all(name in EXPERIMENTS for name in f.experiments), f.key
        assert bool(f.paper) == bool(f.paper_caption), f.key


@pytest.mark.parametrize("key", sorted(F.FIGURES))
def test_every_registered_figure_is_published_and_shown_on_its_page(key):
    f = F.FIGURES[key]
    page = PAGES[f.page]
    assert f'nbk.publish_figure("{key}", fig,' in page
    assert f"```{{glue:figure}} {f.label}\n# :name: {f.label}" in page
    assert f"{{glue:md}}`{f.caption_key}:myst`" in page
    assert f'nbk.download_link("{key}", P["figdata"])' in page
    for other, text in PAGES.items():
        if other != f.page:
            assert f'publish_figure("{key}"' not in text, f"{key} also published on {other}"


def test_pages_publish_only_registered_figures():
    for name, text in PAGES.items():
        for key in re.findall(r'publish_figure\("(\w+)"', text):
            assert key in F.FIGURES and F.FIGURES[key].page == name, (name, key)
        for label in re.findall(r"\{glue:figure\} ([\w-]+)", text):
            assert F.by_label(label).page == name, (name, label)
        assert "mystnb=" not in text, f"{name}: figure captions come from the registry"


def _fake(params, realizations):
    return EnsembleResult(Path("x"), {"params": params, "realizations": realizations}, {})


def test_captions_are_filled_from_the_parameters_used():
    curves = {"a": _fake(dict(N=10, T=0.1, W=1.0, J=1.0, xi=0.1), 3000),
              "b": _fake(dict(N=100, T=0.1, W=1.0, J=1.0, xi=0.1), 1000),
              "c": _fake(dict(N=1000, T=0.1, W=1.0, J=1.0, xi=0.1), 300)}
    text = F.caption("fig14", curves)
    assert r"$N = 10, 100\ \text{and}\ 1000$" in text and "3000, 1000 and 300 realizations" in text
    assert text.startswith("**Fig. 14.** ")
    one = {"x": _fake(dict(N=10000, T=0.2, W=1.0, J=1.0), 50)}
    text = F.caption("fig03", one)
    assert "$N = 10^{4}$" in text and "$T = 0.2$" in text and "50 realizations" in text
    assert "[[" not in text
    with pytest.raises(KeyError, match="xi"):
        F.caption("fig09", one)  # Fig. 9 needs xi, which a TLS ensemble does not have
    assert F.caption("fig03_relaxation", one).startswith(
        "**Relaxation of the TLS glass** (not a figure of the paper). ")


def test_claims_cite_registered_figures():
    from glasslib.verdicts import appA, appB, sec2, sec3, sec4, sec5

    sources = "\n".join(Path(m.__file__).read_text() for m in (sec2, sec3, sec4, sec5, appA, appB))
    targets = set(re.findall(r'"(fig-[\w-]+)"', sources))
    assert targets, "the claims name their figures"
    for label in targets:
        F.by_label(label)  # raises if not registered


def test_number_format():
    assert F._number(10000) == "10^{4}" and F._number(1000) == "1000"
    assert F._number(np.float64(0.05)) == "0.05" and F._number(3.1) == "3.1"


# a raw-ASCII math token outside $...$: a sub/superscript (e^2, r_nn, Gamma^0), a TeX command,
# or a Greek letter or function name spelled out
RAW_MATH = re.compile(r"[A-Za-z0-9)}\]]\^|[A-Za-z]_[A-Za-z0-9{]|\\[A-Za-z]+|"
                      r"\b(?:lambda|Lambda|Gamma|gamma|Delta|delta|alpha|epsilon|sigma|xi|mu|"
                      r"sqrt|tanh|exp)\b")


def raw_math(text: str) -> list[str]:
    """The raw-ASCII math tokens of ``text`` outside its ``$...$`` spans."""
    outside = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)
    return [m.group(0) for m in RAW_MATH.finditer(outside)]


def test_raw_math_detector_sees_the_tokens_the_issue_named():
    assert raw_math("the paper's e^2/(r_nn T) = 20") == ["e^", "r_n"]
    assert raw_math("Rates in units of Gamma^0") == ["Gamma"]
    assert raw_math("dashed: lambda_min") == ["a_m"]
    assert raw_math(r"the \frac{1}{\lambda} fit") == ["\\frac", "\\lambda"]
    assert raw_math(r"at $e^2/(r_{nn} T) = 20$, $\Gamma^0$ and $\lambda_{min}$") == []


@pytest.mark.parametrize("key", sorted(F.FIGURES))
def test_captions_typeset_their_math(key):
    f = F.FIGURES[key]
    assert raw_math(f.caption) == [], f"{key}: our caption has raw math outside $...$"
    assert raw_math(f.paper_caption) == [], f"{key}: the paper's caption has raw math"
    assert f.caption.count("$") % 2 == 0, f"{key}: unbalanced $ in our caption"


def test_summary_figures_say_where_their_counts_are():
    for f in F.FIGURES.values():
        if f.summary:
            assert "table" in f.caption and "[[N]]" not in f.caption, f.key


def test_labels_are_lowercase():
    """Sphinx lowercases ids: a label with capitals would not be found by its own name."""
    for f in F.FIGURES.values():
        assert f.label == f.label.lower(), f.key
