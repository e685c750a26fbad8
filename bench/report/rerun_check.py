"""Two runs of the same grid back to back: how often ``compare`` flags the
machine itself. ``python -m bench rerun-check``.

    python -m bench rerun-check FIRST.json SECOND.json [--out FILE]
                                [--readme README.md]

FIRST and SECOND are two runs of one preset, made one right after the other on
the same machine from the same code (``make rerun-check``: ``make bench``, then
the quick grid once more). Nothing changed between them but the minutes, so every
case that ``python -m bench compare`` flags (``+`` or ``-``) is a false alarm: the
share flagged is what a regression gate on this machine fires on its own. The
comparison's Markdown goes to stdout and ``--out``; ``--readme`` writes the
one-line summary, with the implementations that took the flags, between the
README's ``RERUN_MARKERS``. Exit codes: 0; 2 on bad input (one line naming the
file).
"""

import sys
from collections import Counter
from pathlib import Path

from bench.report.common import ReportError
from bench.report.compare import compare_runs, flagged, render_comparison
from bench.report.files import write_atomic
from bench.report.model import load_run
from bench.report.readme import with_line

RERUN_MARKERS = ("<!-- rerun-check:begin -->", "<!-- rerun-check:end -->")


def summary(comparison):
    """The README's sentence: how many cases were flagged, and whose."""
    hits, total = flagged(comparison)
    if not total:
        raise ReportError("the two runs have no case in common")
    by_impl = Counter(c.key[0] for c in comparison.changes if c.sign != 0)
    whose = ", ".join(f"{impl} {k}" for impl, k in by_impl.most_common())
    return (
        f"{hits} of {total} cases ({100 * hits / total:.0f} %) flagged by `python -m"
        " bench compare`" + (f" ({whose})" if whose else "") + "."
    )


def check_same_grid(first, second, first_path, second_path):
    """Refuse two runs that are not of the same preset.

    Raises
    ------
    ReportError
        The presets differ.
    """
    if first.preset != second.preset:
        raise ReportError(
            f"{second_path}: preset {second.preset!r}, not {first.preset!r} as"
            f" {first_path}"
        )


def add_rerun_check_arguments(parser):
    """Add the ``rerun-check`` arguments to an argparse parser."""
    parser.add_argument(
        "first", type=Path, metavar="FIRST.json", help="the first run of the two"
    )
    parser.add_argument(
        "second", type=Path, metavar="SECOND.json", help="the run right after it"
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="also write it here"
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="README.md",
        help=f"write the summary between {' and '.join(RERUN_MARKERS)}",
    )
    return parser


def run_rerun_check_cli(args, out=None, err=None):
    """The rerun check for parsed arguments; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        first, second = load_run(args.first), load_run(args.second)
        check_same_grid(first, second, args.first, args.second)
        comparison = compare_runs(first, second, args.first, args.second)
        text = render_comparison(comparison, args.first, args.second)
        readme = None
        if args.readme is not None:
            line = (
                f"The committed rerun check ({first.date}, then {second.date}):"
                f" two runs of the {first.preset} grid back to back, "
                + summary(comparison)
            )
            readme = with_line(args.readme, *RERUN_MARKERS, line)
        if args.out is not None:
            write_atomic(args.out, text)
        if readme is not None:
            write_atomic(args.readme, readme)
    except ReportError as exc:
        message = " ".join(str(exc).split())
        print(f"python -m bench rerun-check: error: {message}", file=err)
        return 2
    print(text, end="", file=out)
    for path in (args.out, args.readme):
        if path is not None:
            print(f"wrote {path}", file=err)
    return 0
