"""Runs of the same grid back to back: how often ``compare`` flags the machine
itself. ``python -m lab rerun-check``.

    python -m lab rerun-check [--readme docs/timing.md]
    python -m lab rerun-check FIRST.json SECOND.json [THIRD.json]
                              [--out FILE] [--readme docs/timing.md]

FIRST, SECOND and THIRD are runs of one preset, made one right after the other on
the same machine from the same code. Without files, the command times them (``make
rerun-check``): ``make bench``'s run (``results/quick/bench.json``) is FIRST, and
the quick grid is timed twice more right after it, into ``results/rerun-check.new/``
(``lab/checks.py``). Nothing changed between them but the minutes, so every case
that ``python -m bench compare`` calls changed (``+`` or ``-``) is a false alarm,
and those slower by more than ``GATE_PCT`` are what ``compare --fail-slower 10``
would have failed on by itself. Two figures, when there is a third run: SECOND
against FIRST alone (a gate of two runs), and SECOND against FIRST and THIRD
(``compare --base-again``: base, new, base again), which calls a case only where
SECOND lies outside both. Runs of different presets, or one ended more than
``MAX_GAP_MIN`` minutes after the run before it (or before it), are refused: they
are not back to back. The comparison's Markdown (of all three, when there are three)
goes to stdout and ``--out``; ``--readme`` writes the summary, with the
implementations that took the flags, between the README's ``RERUN_MARKERS``. Exit
codes: 0; 2 on bad input (one line naming the file).
"""

import shutil
import sys
from collections import Counter
from pathlib import Path

from bench.report.common import ReportError, report_error
from bench.report.compare import compare_runs, flagged, render_comparison, slower_than
from bench.report.model import load_run
from bench.run import JSON_NAME, RESULTS
from lab.checks import (
    MARKERS,
    PROG,
    Timed,
    add_output_arguments,
    shown,
    time_staged,
    write_outputs,
)

RERUN_MARKERS = MARKERS["rerun-check"]
GATE_PCT = 10  # the gate the README's CI example uses
MAX_GAP_MIN = 60  # a quick run takes minutes; an hour apart is not back to back
OUT = RESULTS / "rerun-check"
FIRST = RESULTS / "quick" / JSON_NAME  # make bench's run
RUNS = (Timed("second", preset="quick"), Timed("third", preset="quick"))
HELP = "runs of one grid back to back: what compare flags on its own"


def flagged_summary(comparison, gate_flag=f"--fail-slower {GATE_PCT}"):
    """How many cases were flagged, whose, and how many a ``--fail-slower 10``
    gate would have failed on."""
    hits, total = flagged(comparison)
    by_impl = Counter(c.key[0] for c in comparison.changes if c.sign != 0)
    whose = ", ".join(f"{impl} {k}" for impl, k in by_impl.most_common())
    gate = len(slower_than(comparison, GATE_PCT))
    return (
        f"{hits} of {total} cases ({100 * hits / total:.0f} %) flagged by `python -m"
        " bench compare`" + (f" ({whose})" if whose else "") + f"; {gate}"
        f" significantly slower by more than {GATE_PCT} %, which `{gate_flag}`"
        " would have failed on"
    )


def summary_line(runs, two, three=None):
    """The README's line: the runs' dates, SECOND against FIRST, and with a
    third run SECOND against FIRST and THIRD."""
    dates = [run.date for run in runs]
    when = ", ".join(dates[:-1]) + f", then {dates[-1]}"
    count = ("two", "three")[len(runs) - 2]
    line = (
        f"The committed rerun check ({when}): {count} runs of the {runs[0].preset}"
        " grid back to back, "
    )
    if three is None:
        return line + flagged_summary(two) + "."
    return (
        line
        + "the second against the first alone: "
        + flagged_summary(two)
        + ". Against"
        " the first and the third (`compare --base-again`, a case called only"
        " outside both): "
        + flagged_summary(three, f"--fail-slower {GATE_PCT} --base-again")
        + "."
    )


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
    start, then = first.ended, second.ended
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


def add_arguments(parser):
    """``python -m lab rerun-check``'s arguments."""
    parser.add_argument(
        "first",
        type=Path,
        nargs="?",
        metavar="FIRST.json",
        help="the first run; without files, time the check after make bench",
    )
    parser.add_argument(
        "second", type=Path, nargs="?", metavar="SECOND.json", help="the run after it"
    )
    parser.add_argument(
        "third",
        type=Path,
        nargs="?",
        default=None,
        metavar="THIRD.json",
        help="a third run right after the second: SECOND is then also set against"
        " FIRST and THIRD (compare --base-again)",
    )
    return add_output_arguments(parser, RERUN_MARKERS)


def _read(paths):
    """The comparison's Markdown and the summary line; raises ReportError."""
    runs = [load_run(p) for p in paths]
    for i in range(1, len(runs)):
        check_back_to_back(runs[i - 1], runs[i], paths[i - 1], paths[i])
    two = compare_runs(runs[0], runs[1], paths[0], paths[1])
    three = None
    if len(runs) == 3:
        three = compare_runs(*runs[:2], *paths[:2], runs[2], paths[2])
    return render_comparison(three or two, *paths), summary_line(runs, two, three)


def run(args, parser=None, out=None, err=None):
    """The rerun check for parsed arguments (timed first, without files); the
    exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    if args.first is not None and args.second is None:
        return report_error(
            "rerun-check",
            ReportError("give SECOND.json after FIRST.json"),
            err,
            prog=PROG,
        )
    if args.first is None:
        if not FIRST.is_file():
            return report_error(
                "rerun-check",
                ReportError(f"{FIRST}: run make bench first"),
                err,
                prog=PROG,
            )
        first = OUT.with_name(OUT.name + ".first.json")
        shutil.copy2(FIRST, first)  # its time stamp kept: the runs' order
        code = time_staged(OUT, RUNS, lambda p: _read([first, p["second"], p["third"]]))
        if code:
            return code
        first.replace(OUT / "first.json")
        args.first, args.second, args.third = (
            shown(OUT) / f"{name}.json" for name in ("first", "second", "third")
        )
        args.out = args.out or shown(OUT) / "compare.md"
    paths = [p for p in (args.first, args.second, args.third) if p is not None]
    try:
        text, line = _read(paths)
        write_outputs(args, text, RERUN_MARKERS, line, out, err)
    except ReportError as exc:
        return report_error("rerun-check", exc, err, prog=PROG)
    return 0
