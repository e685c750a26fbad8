"""The documents: a README that stays a front page, and nothing that leaves the
repository.

What this module proves
-----------------------
- ``README.md`` is at most ``README_LINES`` lines long, and its first picture is
  within its first ``FIRST_PICTURE`` lines.
- Every Markdown table of ``README.md`` (written by hand or by ``make readme``) has
  at most ``README_COLUMNS`` columns; every table of the committed
  ``results/full/summary.md`` at most the report's own limit,
  ``common.MAX_COLUMNS``.
- The README's generated blocks are there (``findings`` with three to five
  sentences, ``headline``), and the headline table stays within the budget for a
  run with the peers and both dtypes too.
- No file of the repository refers to a path outside it: the workplace's shared
  folder beside the checkout, or an absolute path of one machine (``OUTSIDE``);
  the scan reads every text file git tracks or would add, and the check fails on a
  reference planted in a file (``test_the_scan_finds_a_planted_reference``). The
  JSON records under ``results/`` are left out: pyperf writes the interpreter's
  absolute path into them, as a fact of the run.
- Every relative link of the Markdown documents stays inside the repository and
  names a file that exists.
- ``docs/architecture.md`` names every module of ``kernels/``, ``bench/`` and
  ``bench/report/``.
- ``python -m lesson --small`` never replaces the committed executed notebook
  unless told where to write one.
"""

import re
import subprocess
from pathlib import Path

import pytest
from runs import bench_json, with_passes

from bench.report import document as report_doc
from bench.report import model, readme
from bench.report.common import MAX_COLUMNS
from bench.report.costs import cost_model
from bench.report.readme import BLOCKS
from lesson import run as lesson_run

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SUMMARY = ROOT / "results" / "full" / "summary.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
README_LINES = 180
FIRST_PICTURE = 15
# the answer a reader came for ends within this many lines of the README's top
ANSWER_BY = 40
README_COLUMNS = 8

# A reference to a path outside the repository: the shared folder beside the
# checkout (and the files the project grew from there), or an absolute path on one
# machine. Spelled so that this file does not match its own pattern.
OUTSIDE = re.compile(
    r"\.\./shared\b"
    r"|\bshared/(?:DESIGN|seed)\b"
    r"|(?<![\w.])/wor[k]/"
    r"|(?<![\w.])/(?:home|Users)/[A-Za-z0-9_.-]+/"
)
# Files that record a run, written by the tools: pyperf keeps the absolute path
# of the interpreter in its metadata
RECORDS = re.compile(r"^results/.*\.json$")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]+\)|<img\b")
LINK = re.compile(r"\]\(([^)\s]+)\)")  # the target of a Markdown link or image


def outside_references(text):
    """``[(line number, matched text)]`` of every reference outside the repository."""
    return [
        (number, match.group())
        for number, line in enumerate(text.splitlines(), 1)
        for match in OUTSIDE.finditer(line)
    ]


def repository_files(root=ROOT):
    """Paths (relative) of the files git tracks, or would add, under ``root``."""
    try:
        listed = subprocess.run(
            [
                *("git", "-C", str(root), "ls-files", "-z"),
                *("--cached", "--others", "--exclude-standard"),
            ],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of the repository's files")
    return sorted({p for p in listed.decode().split("\0") if p})


def text_of(path):
    """The file's text, or None for a binary file (a NUL byte, or not UTF-8)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def outside_code_blocks(text):
    """The lines of Markdown ``text`` that are not in a fenced code block."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        lines.append("" if fenced else line)
    return lines


def table_widths(text):
    """``[(line number, columns)]`` of the header of every Markdown table."""
    lines = outside_code_blocks(text)
    return [
        (i + 1, line.replace("\\|", "").strip().strip("|").count("|") + 1)
        for i, line in enumerate(lines)
        if line.lstrip().startswith("|")
        and (i == 0 or not lines[i - 1].lstrip().startswith("|"))
    ]


def test_the_readme_fits_its_budget():
    lines = README.read_text("utf-8").splitlines()
    assert len(lines) <= README_LINES, (
        f"README.md has {len(lines)} lines, more than {README_LINES}: move detail to"
        " docs/ or results/full/summary.md"
    )


def test_the_first_picture_is_near_the_top():
    lines = outside_code_blocks(README.read_text("utf-8"))
    first = next((i for i, line in enumerate(lines, 1) if IMAGE.search(line)), None)
    assert first is not None, "README.md has no picture"
    assert first <= FIRST_PICTURE, (
        f"README.md's first picture is at line {first}, after line {FIRST_PICTURE}"
    )


def test_readme_tables_are_narrow():
    widths = table_widths(README.read_text("utf-8"))
    wide = [(n, c) for n, c in widths if c > README_COLUMNS]
    assert wide == [], f"README.md tables wider than {README_COLUMNS} columns: {wide}"


def test_summary_tables_keep_the_report_limit():
    widths = table_widths(SUMMARY.read_text("utf-8"))
    wide = [(n, c) for n, c in widths if c > MAX_COLUMNS]
    assert wide == [], f"summary.md tables wider than {MAX_COLUMNS} columns: {wide}"


def test_the_width_count_sees_a_wide_table():
    table = "| a | b \\| c | d |\n|---|---|---|\n| 1 | 2 | 3 |\n"
    assert table_widths(f"text\n\n{table}") == [(3, 3)]
    assert table_widths(f"```\n{table}```\n") == []  # a code block is not a table


def test_the_readme_has_its_generated_blocks():
    text = README.read_text("utf-8")
    for name in ("answer", "headline"):
        begin, end = BLOCKS[name]
        assert text.count(begin) == 1, f"README.md lacks the {name} block"
        assert text.count(end) == 1, f"README.md lacks the end of the {name} block"
    block = text.split(BLOCKS["answer"][0])[1].split(BLOCKS["answer"][1])[0]
    items = [line for line in block.splitlines() if line.startswith("- ")]
    assert 3 <= len(items) <= 4, items
    assert items[-1].startswith("- Why: ")


def test_the_answer_comes_first():
    lines = README.read_text("utf-8").splitlines()
    end = next(i for i, line in enumerate(lines, 1) if line == BLOCKS["answer"][1])
    assert end <= ANSWER_BY, f"README.md's answer ends at line {end}, not {ANSWER_BY}"
    # nothing about the method before it: no section heading at all
    assert not any(line.startswith("## ") for line in lines[:end])


def _peer_run(**changed):
    models = {
        "python": (3e-6, 80e-9),
        "numpy": (15e-6, 1e-9),
        "numba": (1e-6, 1.2e-9),
        "numba_simd": (1e-6, 0.4e-9),
        "jax": (1.5e-6, 0.39e-9),
        "torch": (8e-6, 0.8e-9),
        "cython": (1.2e-6, 0.6e-9),
        **changed,
    }
    sizes = ((20, 3), (10_000, 1), (100_000, 10), (1_000_000, 100))
    times = {
        (impl, n, d, dtype): t0 + c * n * d
        for impl, (t0, c) in models.items()
        for n, d in sizes
        for dtype in ("float64", "float32")
        if impl != "python" or n * d <= 1e5
    }
    return model.parse_run(with_passes(bench_json(times, preset="full")), "p.json")


def test_the_answer_is_built_from_the_run():
    run = _peer_run()
    items = readme.answer(run)
    assert len(items) == 4
    loop, compiled, peers, why = items
    # python: t0 + 80 ns an element (3 µs + 800 µs at 10,000 x 1); NumPy ~15 µs
    assert loop.startswith(
        "A Python loop costs 80.3 ns per element of X (at 10,000 x 1)"
    )
    assert "NumPy takes 15.1 µs for a step at 20 x 3" in loop
    assert compiled.startswith("The vectorized compiled loop `numba_simd` beats NumPy")
    # jax's c is 0.39 ns against numba_simd's 0.4: the closest, and within 5 %
    # at 1e6 x 100, a tie, not a win
    assert peers.startswith("Of the peers, `jax` comes closest")
    assert peers.endswith("no peer is faster in any cell.")
    faster = readme.answer(_peer_run(jax=(1.5e-6, 0.3e-9)))[2]
    assert faster.startswith("Of the peers, `jax` is faster than `numba_simd`: 1.07x")
    assert "a peer is faster in 6 cells: `jax` at 1,000,000 x 100 float32" in faster
    assert faster.endswith(" and 3 more.")
    assert why.startswith("Why: ")
    # a run without the rows says nothing rather than guess
    bare = model.parse_run(bench_json({("numba", 10, 1): 1e-6}), "b.json")
    assert readme.answer(bare) == []
    assert readme.render_answer(bare) == ""


def test_the_headline_stays_narrow_with_the_peers():
    run = _peer_run()
    md = readme.render_headline(run, 3, "link")
    assert [c for _, c in table_widths(md)] == [README_COLUMNS]
    rows = [line for line in md.splitlines() if line.startswith("| numba")]
    assert len(rows) == 6  # three comparisons, two dtypes
    peer_rows = [r for r in rows if "the fastest peer" in r]
    assert len(peer_rows) == 2
    # each cell names the peer it was set against: jax wins at large n·d
    assert "(jax)" in peer_rows[0]
    assert "(cython)" in peer_rows[0]  # at 20 x 3 cython's t0 is the smaller
    assert md.rstrip().endswith("link")
    found = report_doc.findings(run, cost_model(run))
    assert found[0].startswith("`python` against `numpy` (float64 and float32)")
    assert "`numba_simd` against the peers" in found[3]


def test_no_file_refers_to_a_path_outside_the_repository():
    found = {}
    for name in repository_files():
        path = ROOT / name
        if RECORDS.match(name) or not path.is_file():
            continue
        text = text_of(path)
        if text is not None and (hits := outside_references(text)):
            found[name] = hits
    assert found == {}, f"references to paths outside the repository: {found}"


def test_the_scan_finds_a_planted_reference(tmp_path):
    shared = ".." + "/shared"
    planted = {
        "design": f"the contract is in {shared}/DESIGN.md",
        "seed": "see " + "shared" + "/seed/000.txt",
        "absolute": "python_executable: /" + "work/main/.venv/bin/python",
        "home": "open /" + "home/someone/notes.md",
    }
    for what, line in planted.items():
        path = tmp_path / f"{what}.md"
        path.write_text(f"# Title\n\n{line}\n", encoding="utf-8")
        assert outside_references(text_of(path)) != [], what
        assert outside_references(text_of(path))[0][0] == 3
    clean = "docs/design.md, results/full/summary.md, /tmp/mine, /sys/devices"
    assert outside_references(clean) == []
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0" + shared.encode())
    assert text_of(tmp_path / "image.png") is None


def test_markdown_links_stay_inside_and_exist():
    broken = []
    for path in [README, *sorted((ROOT / "docs").glob("*.md"))]:
        for line in outside_code_blocks(path.read_text("utf-8")):
            for match in LINK.finditer(line):
                target = match.group(1).split("#")[0]
                if not target or re.match(r"[a-z]+:", target):  # http:, mailto:
                    continue
                resolved = (path.parent / target).resolve()
                if not resolved.is_relative_to(ROOT) or not resolved.exists():
                    broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == [], f"links outside the repository or to no file: {broken}"


def test_the_architecture_map_names_every_module():
    text = ARCHITECTURE.read_text("utf-8")
    modules = [
        p
        for folder in ("kernels", "bench", "bench/report", "lab")
        for p in sorted((ROOT / folder).glob("*.py*"))
        if p.suffix in (".py", ".pyx")
    ]
    missing = [
        str(p.relative_to(ROOT))
        for p in modules
        if (p.stem if p.stem == "__main__" else p.name) not in text
    ]
    assert missing == [], f"modules docs/architecture.md does not name: {missing}"


def test_a_small_lesson_run_keeps_the_committed_notebook():
    assert lesson_run.notebook_path(small=True) is None
    assert lesson_run.notebook_path(small=False) == lesson_run.DEFAULT_IPYNB
    assert lesson_run.notebook_path(small=False, no_ipynb=True) is None
    assert lesson_run.notebook_path(small=True, ipynb="/tmp/x.ipynb") == Path(
        "/tmp/x.ipynb"
    )
    assert lesson_run.DEFAULT_IPYNB == ROOT / "lesson" / "lesson.ipynb"
    stamp = lesson_run.stamp(small=True)
    assert "at the tiny sizes of the test run" in stamp
    assert "logical CPUs" in stamp
    assert "at commit `" in stamp
