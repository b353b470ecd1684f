"""The README's Python examples run as written (docs that match the code)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    namespace = {}
    for block in BLOCKS[: index + 1]:  # later blocks reuse the imports of the first
        exec(compile(block, f"README.md block {index}", "exec"), namespace)
    if index == 0:
        assert namespace["sol"].converged and (namespace["rates"] > 0).all()
    else:
        assert namespace["rates"].size == 999  # N - 1 (the conservation mode), all resolved
