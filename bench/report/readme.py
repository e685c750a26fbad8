"""The README's generated blocks: what goes between each pair of markers of
``BLOCKS``, and the replacement itself.

A README holds the blocks it wants: the front page has the findings and the
headline table, and a README may also hold the targets, the summary tables, the
cost model or the win map. Each block whose markers are in the file is filled;
one with a single marker of its pair, or a file with no block at all, is an error.
Only the text between a begin and an end marker changes; everything else in the
file is kept byte for byte. The new text is computed in full before anything is
written, so a broken marker fails the report before any file is touched.
"""

import os
from pathlib import Path

from bench.report.common import MARKERS, OPTIONAL_MARKERS, SUMMARY_MD, ReportError
from bench.report.document import render_cost_model, render_environment
from bench.report.figures import render_plot_links
from bench.report.findings import FRONT_PAGE, render_findings
from bench.report.headline import render_headline
from bench.report.sections import render_summary_tables
from bench.report.targets import render_targets
from bench.report.winners import render_win_map

# Every block the report can write into a README: {name: (begin, end)}, in the
# order they are replaced
BLOCKS = {**MARKERS, **OPTIONAL_MARKERS}


def replace_between(text, begin, end, content, path):
    """``text`` with what lies between the markers ``begin`` and ``end`` replaced.

    Raises
    ------
    ReportError
        A marker is missing, repeated, or the end comes before the begin.
    """
    for marker in (begin, end):
        count = text.count(marker)
        if count != 1:
            problem = "not found" if count == 0 else f"found {count} times"
            raise ReportError(
                f"{path}: marker {marker} {problem}; the file needs exactly one"
                f" {begin} ... {end} pair"
            )
    i, j = text.index(begin) + len(begin), text.index(end)
    if j < i:
        raise ReportError(f"{path}: {end} comes before {begin}")
    return f"{text[:i]}\n{content.strip()}\n{text[j:]}"


def with_line(path, begin, end, line):
    """The text of the file at ``path`` with ``line`` between its markers
    ``begin`` and ``end`` (``replace_between``); nothing is written.

    Raises
    ------
    ReportError
        The file cannot be read, or a marker is missing or repeated.
    """
    try:
        old = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    return replace_between(old, begin, end, line, path)


def readme_blocks(run, costs, crossings, readme, out_dir):
    """``{marker name: Markdown}`` for a README, image paths relative to it."""
    folder = Path(
        os.path.relpath(Path(out_dir).resolve(), Path(readme).resolve().parent)
    )
    folder = folder.as_posix()
    link = f"Full tables: [{folder}/{SUMMARY_MD}]({folder}/{SUMMARY_MD})."
    summary = "\n\n".join(
        [
            render_environment(run, 3),
            render_summary_tables(run, 3),
            render_plot_links(run, 3, folder),
            link,
        ]
    )
    return {
        "headline": render_headline(
            run,
            3,
            "Every table of this run, the cost models, the crossovers and the"
            f" targets: [{folder}/{SUMMARY_MD}]({folder}/{SUMMARY_MD}).",
        ),
        "targets": render_targets(run, 3),
        "summary": summary,
        "cost-model": render_cost_model(run, costs, crossings, 3),
        "findings": render_findings(run, costs, 3, FRONT_PAGE),
        "win-map": render_win_map(run, 3),
    }


def updated_readme(readme, blocks):
    """The README's text with every marked block replaced (nothing is written).

    Raises
    ------
    ReportError
        The file cannot be read, has none of the markers of ``BLOCKS``, or has one
        marker of a pair without the other.
    """
    readme = Path(readme)
    try:
        text = readme.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{readme}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{readme}: cannot be read ({exc.strerror or exc})") from None
    present = [
        (name, begin, end)
        for name, (begin, end) in BLOCKS.items()
        if begin in text or end in text
    ]
    if not present:
        raise ReportError(
            f"{readme}: none of the report's markers found; the file needs at least"
            f" one pair, such as {' ... '.join(BLOCKS['findings'])}"
        )
    for name, begin, end in present:
        text = replace_between(text, begin, end, blocks[name], readme)
    return text
