"""The README's generated blocks: what goes between each pair of ``MARKERS`` (and
of ``OPTIONAL_MARKERS``, where the README has them), and the replacement itself.

Only the text between a begin and an end marker changes; everything else in the
file is kept byte for byte. The new text is computed in full before anything is
written, so a missing marker fails the report before any file is touched.
"""

import os
from pathlib import Path

from bench.report.common import MARKERS, OPTIONAL_MARKERS, SUMMARY_MD, ReportError
from bench.report.document import render_cost_model, render_environment
from bench.report.figures import render_plot_links
from bench.report.findings import render_findings
from bench.report.sections import render_summary_tables
from bench.report.targets import render_targets
from bench.report.winners import render_win_map


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
        "targets": render_targets(run, 3),
        "summary": summary,
        "cost-model": render_cost_model(run, costs, crossings, 3),
        "findings": render_findings(run, costs, 3),
        "win-map": render_win_map(run, 3),
    }


def updated_readme(readme, blocks):
    """The README's text with every marked block replaced (nothing is written)."""
    readme = Path(readme)
    try:
        text = readme.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{readme}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{readme}: cannot be read ({exc.strerror or exc})") from None
    for name, (begin, end) in MARKERS.items():
        text = replace_between(text, begin, end, blocks[name], readme)
    for name, (begin, end) in OPTIONAL_MARKERS.items():
        if begin in text or end in text:
            text = replace_between(text, begin, end, blocks[name], readme)
    return text
