"""Two runs of the same grid back to back: how often ``compare`` flags the
machine itself. ``python -m bench rerun-check``.

    python -m bench rerun-check FIRST.json SECOND.json [--out FILE]
                                [--readme README.md]

FIRST and SECOND are two runs of one preset, made one right after the other on
the same machine from the same code (``make rerun-check``: the quick grid once
more, right after ``make bench``). Nothing changed between them but the minutes,
so every case that ``python -m bench compare`` calls changed (``+`` or ``-``) is a
false alarm, and those slower by more than ``GATE_PCT`` are what ``compare
--fail-slower 10`` would have failed on by itself. Two runs of different presets,
or with the second ended more than ``MAX_GAP_MIN`` minutes after the first (or
before it), are refused: they are not back to back. The comparison's Markdown goes
to stdout and ``--out``; ``--readme`` writes the one-line summary, with the
implementations that took the flags, between the README's ``RERUN_MARKERS``. Exit
codes: 0; 2 on bad input (one line naming the file).
"""

import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

from bench.report.common import ReportError, report_error
from bench.report.compare import compare_runs, flagged, render_comparison, slower_than
from bench.report.model import load_run
from bench.report.reading import read_json
from bench.report.readme import add_output_arguments, write_outputs

RERUN_MARKERS = ("<!-- rerun-check:begin -->", "<!-- rerun-check:end -->")
GATE_PCT = 10  # the gate the README's CI example uses
MAX_GAP_MIN = 60  # a quick run takes minutes; an hour apart is not back to back


def summary(comparison):
    """The README's sentence: how many cases were flagged, whose, and how many
    a ``--fail-slower 10`` gate would have failed on."""
    hits, total = flagged(comparison)
    by_impl = Counter(c.key[0] for c in comparison.changes if c.sign != 0)
    whose = ", ".join(f"{impl} {k}" for impl, k in by_impl.most_common())
    gate = len(slower_than(comparison, GATE_PCT))
    return (
        f"{hits} of {total} cases ({100 * hits / total:.0f} %) flagged by `python -m"
        " bench compare`" + (f" ({whose})" if whose else "") + f"; {gate}"
        f" significantly slower by more than {GATE_PCT} %, which `--fail-slower"
        f" {GATE_PCT}` would have failed on."
    )


def _ended(path):
    """When the run at ``path`` ended (its JSON's ``datetime``, which
    pytest-benchmark takes as it writes the file), or None."""
    try:
        return datetime.fromisoformat(str(read_json(path).get("datetime")))
    except ValueError:
        return None


def check_back_to_back(first, second, first_path, second_path):
    """Refuse two runs of different presets, or not one right after the other.

    Raises
    ------
    ReportError
        The presets differ, or the second run ended before the first or more
        than ``MAX_GAP_MIN`` minutes after it.
    """
    if first.preset != second.preset:
        raise ReportError(
            f"{second_path}: preset {second.preset!r}, not {first.preset!r} as"
            f" {first_path}"
        )
    start, then = _ended(first_path), _ended(second_path)
    if start is None or then is None:
        raise ReportError(f"{second_path}: the two runs' dates cannot be read")
    try:
        gap = (then - start).total_seconds() / 60
    except TypeError:  # one date with a time zone, one without
        raise ReportError(
            f"{second_path}: the two runs' dates differ in kind"
        ) from None
    if not 0 < gap <= MAX_GAP_MIN:
        raise ReportError(
            f"{second_path}: ended {gap:.0f} minutes after {first_path}; back to"
            f" back means within {MAX_GAP_MIN} minutes after it"
        )


def add_rerun_check_arguments(parser):
    """Add the ``rerun-check`` arguments to an argparse parser."""
    parser.add_argument(
        "first", type=Path, metavar="FIRST.json", help="the first run of the two"
    )
    parser.add_argument(
        "second", type=Path, metavar="SECOND.json", help="the run right after it"
    )
    return add_output_arguments(parser, RERUN_MARKERS)


def run_rerun_check_cli(args, out=None, err=None):
    """The rerun check for parsed arguments; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        first, second = load_run(args.first), load_run(args.second)
        check_back_to_back(first, second, args.first, args.second)
        comparison = compare_runs(first, second, args.first, args.second)
        text = render_comparison(comparison, args.first, args.second)
        line = (
            f"The committed rerun check ({first.date}, then {second.date}): two runs"
            f" of the {first.preset} grid back to back, " + summary(comparison)
        )
        write_outputs(args, text, RERUN_MARKERS, line, out, err)
    except ReportError as exc:
        return report_error("rerun-check", exc, err)
    return 0
