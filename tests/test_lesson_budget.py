"""The lesson's budgets and the files its notebooks read, without running them.

What this module proves
-----------------------
- The core lesson (``lesson/lesson.md``) stays a class's notebook: at most 30
  cells (with the first cell ``python -m lesson`` adds) and at most 2,000 words of
  prose (its Markdown cells).
- Every notebook of ``lesson.run.NOTEBOOKS`` has its Jupytext source, and its
  executed copy is committed beside it, at the lesson's sizes, its first cell
  saying the machine, the commit and how long it ran.
- No notebook, and no module of ``lesson/`` that they import, names a path of
  the repository that is not committed (``git ls-files``): a lesson reads its
  own measurements or the committed reference run, never a run of yours that a
  fresh clone lacks.
- Every link of a notebook's prose is to a committed file.
- Every image in the committed notebooks is a readable size.
"""

import ast
import base64
import re
import struct
import subprocess
from pathlib import Path

import jupytext
import nbformat
import pytest

from lesson.run import NOTEBOOKS, ROOT, source

CORE_MAX_CELLS = 30
CORE_MAX_WORDS = 2_000
# Top-level folders of the repository whose paths a notebook could name
REPO_FOLDERS = ("results", "lesson", "kernels", "bench", "docs", "tests")
# The modules of lesson/ that the notebooks import (run.py writes the outputs)
NOTEBOOK_MODULES = ("helpers.py", "checks.py")


def _words(nb):
    """Words of the notebook's Markdown cells."""
    return sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")


def test_the_core_lesson_is_within_its_budget():
    nb = jupytext.read(source("lesson"))
    cells = len(nb.cells) + 1  # python -m lesson adds the stamp
    assert cells <= CORE_MAX_CELLS, f"the core lesson has {cells} cells"
    words = _words(nb)
    assert words <= CORE_MAX_WORDS, f"the core lesson has {words} words of prose"


def _committed():
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.splitlines())


@pytest.fixture(scope="module")
def committed():
    try:
        return _committed()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")


def _joined(node):
    """The string a chain of ``"a" / "b"`` constants spells, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _joined(node.left), _joined(node.right)
        if right is None:
            return None
        return right if left is None else f"{left}/{right}"
    return None


def _paths_named(code):
    """Every repository path a piece of code spells: a string constant, or a
    chain of them joined with ``/`` (``ROOT / "results" / "full"``)."""
    named = set()
    for node in ast.walk(ast.parse(code)):
        text = _joined(node)
        if text and text.split("/")[0] in REPO_FOLDERS and "/" in text:
            named.add(text.strip("/"))
    return named


def _sources():
    """``{label: code}``: each notebook's code cells, and the modules they import."""
    codes = {}
    for name in NOTEBOOKS:
        nb = jupytext.read(source(name))
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                codes[f"{name}.md cell {i}"] = cell.source
    for module in NOTEBOOK_MODULES:
        codes[f"lesson/{module}"] = (ROOT / "lesson" / module).read_text("utf-8")
    return codes


def test_no_notebook_names_an_uncommitted_path(committed):
    folders = {str(Path(p).parent) for p in committed}
    folders |= {str(parent) for p in committed for parent in Path(p).parents}
    missing = [
        f"{label}: {path}"
        for label, code in _sources().items()
        for path in sorted(_paths_named(code))
        if path not in committed and path not in folders
    ]
    assert missing == [], f"paths a lesson names that are not committed: {missing}"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_every_link_of_a_notebook_is_to_a_committed_file(committed):
    broken = []
    for name in NOTEBOOKS:
        for cell in jupytext.read(source(name)).cells:
            if cell.cell_type != "markdown":
                continue
            for target in LINK.findall(cell.source):
                if re.match(r"[a-z]+:", target):  # http:, mailto:
                    continue
                path = (ROOT / "lesson" / target.split("#")[0]).resolve()
                if str(path.relative_to(ROOT)) not in committed:
                    broken.append(f"{name}.md: {target}")
    assert broken == [], f"links to files that are not committed: {broken}"


def test_the_path_check_sees_a_joined_path():
    code = 'x = ROOT / "results" / "quick" / "bench.json"\ny = "results/full/x.csv"'
    assert {"results/quick/bench.json", "results/full/x.csv"} <= _paths_named(code)


def _executed(name):
    return source(name).with_suffix(".ipynb")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_is_committed_executed_and_stamped(name, committed):
    assert source(name).is_file(), f"no {source(name).name}"
    path = _executed(name)
    assert str(path.relative_to(ROOT)) in committed, f"{path.name} is not committed"
    nb = nbformat.read(path, as_version=4)
    stamp = nb.cells[0].source
    for said in ("logical CPUs", "at commit `", "It ran in", "at the lesson's sizes"):
        assert said in stamp, f"{path.name}'s first cell does not say {said!r}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), f"{path.name}: a cell not run"


def _png_size(data):
    """``(width, height)`` of a base64 PNG, from its IHDR chunk."""
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_image_of_a_committed_notebook_is_readable(name):
    path = _executed(name)
    assert path.is_file(), f"{path.name}: not executed (make lessons)"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                width, height = _png_size(png)
                assert 400 <= width <= 2_000, f"{path.name}: {width} px wide"
                assert 250 <= height <= 1_500, f"{path.name}: {height} px high"
    for png in sorted((ROOT / "lesson").glob("**/*.png")):
        width, height = _png_size(base64.b64encode(png.read_bytes()))
        assert 400 <= width <= 2_000, f"{png.name}: {width} px wide"
