"""Regenerate the paired .ipynb of one or more notebooks from their .py source and execute it.

Usage (from the repository root): ``python notebooks/execute.py notebooks/sec3_dynamics.py [...]``

The .py (jupytext percent format) is the source of truth. This writes the paired .ipynb, runs it
top to bottom in ``notebooks/`` with the ``python3`` kernel (no timing metadata, so the stored
notebook changes only when its content does), and saves the outputs that nbval checks in CI and
the book shows. Options: ``-p NAME VALUE`` to execute with a parameter other than the default
(for trying things out; do not commit such a run).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient


def _inject(nb, params: dict) -> None:
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.metadata.get("tags", []):
            src = "\n".join(f"{k} = {v!r}" for k, v in params.items())
            new = nbformat.v4.new_code_cell(src, metadata={"tags": ["injected-parameters"]})
            nb.cells.insert(i + 1, new)
            return
    raise SystemExit("no cell tagged 'parameters'")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[])
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args(argv)
    params = {}
    for name, value in args.p:
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    for src in args.sources:
        nb = jupytext.read(src)
        for i, cell in enumerate(nb.cells):  # stable ids: an unchanged notebook stays unchanged
            cell.id = hashlib.sha1(f"{i}\0{cell.source}".encode()).hexdigest()[:8]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
        if params:
            _inject(nb, params)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(src.parent)}},
                                record_timing=False)
        client.execute()
        out = src.with_suffix(".ipynb")
        nbformat.write(nb, out)
        print(f"executed {src} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
