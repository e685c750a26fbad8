"""Benchmark JSON -> tables, a cost model and plots.

    python -m bench report [--input JSON] [--out DIR] [--pyperf DIR_OR_FILE ...]
                           [--readme README.md] [--no-plots]

Reads one pytest-benchmark JSON written by ``python -m bench run`` (default: the
newest under ``results/``) and writes into ``--out`` (default: the JSON's folder):

- ``summary.md``, ``summary.csv``: for each (n, d, dtype) group, the median time of
  every implementation, speedups with their intervals, the rate at which each one
  reads ``X`` and that rate as a share of the roofline's (the compiled stream of
  ``bench/stream.py``; ``X.sum()`` in older runs), the memory a step allocates, and
  the scikit-learn reference;
- a cost-model section of ``summary.md``, with ``cost_model.csv`` and
  ``crossovers.csv``: per implementation the fit ``t = t0 + c * n * d`` (and
  ``t0 + s * n + c * n * d``, with a per-sample term), and where one
  implementation overtakes another, from the fits and from the measured grid;
  ``compile.csv`` with the first-call times of the compiling implementations
  (Numba's, JAX's, ``torch.compile``'s, Cython's) when the JSON has them;
- a win map of ``summary.md``: which implementation is fastest in each cell;
- PNG plots (``bench/report/plots.py``; needs the ``plot`` extra, i.e. matplotlib);
- ``pyperf.md``, ``pyperf.csv`` when ``--pyperf`` names pyperf results, with what
  the temporaries cost where an implementation was timed in both allocator
  states (pyperf set against pytest-benchmark case by case is the lab's
  harness check, ``python -m lab harness-check``).

Every number and every fact about the machine comes from the JSON, never from the
machine running the report, and nothing depends on the clock: the same JSON gives
byte-identical Markdown and CSV. ``--readme`` also replaces the text between
each ``<!-- report:NAME:begin -->`` / ``<!-- report:NAME:end -->`` pair in that file
(NAME: ``targets``, ``summary``, ``cost-model``, ``findings``, ``win-map``,
``headline``: those the README has) with the same tables, and with what the run
found in sentences (``bench/report/findings.py``).

This module is the command line; the report itself is ``bench.report.build``.
"""

import argparse
import sys
from pathlib import Path

from bench.report.build import make_report
from bench.report.common import RESULTS, ReportError
from bench.report.formatting import md_table
from bench.report.reading import find_latest_json
from bench.report.sections import render_time_tables


def print_report(report, file=None):
    """Print the time tables, the crossovers and the files written."""
    file = file or sys.stdout
    print(render_time_tables(report.run, 2), file=file)
    if report.crossings:
        print(file=file)
        print(
            md_table(
                ["dtype", "pair", "from the fitted lines", "measured in the grid"],
                [
                    [c.dtype, f"{c.a} vs {c.b}", c.fitted, c.measured]
                    for c in report.crossings
                ],
                "llll",
            ),
            file=file,
        )
    print(file=file)
    for path in report.written:
        print(f"wrote {path}", file=file)
    for note in report.notes:
        print(f"note: {note}", file=file)


def add_arguments(parser):
    """Add the ``report`` options to an argparse parser."""
    parser.add_argument(
        "--input",
        type=Path,
        default=None,
        metavar="JSON",
        help="pytest-benchmark JSON; default: the newest under results/",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for the tables and plots; default: the input's folder",
    )
    parser.add_argument(
        "--pyperf",
        type=Path,
        nargs="+",
        default=None,
        metavar="DIR_OR_FILE",
        help="pyperf results (files, or folders of *.json) for pyperf.md/.csv",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="MARKDOWN",
        help="replace the report:NAME blocks this file has (targets, summary,"
        " cost-model, findings, win-map, headline), e.g. --readme README.md",
    )
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    return parser


def _report_and_print(prefix, make):
    """Call ``make()`` (a report), print it; on a ReportError print one line.

    Returns the exit code: 0, or 2 on bad input.
    """
    try:
        report = make()
    except ReportError as exc:
        message = " ".join(str(exc).split())
        print(f"{prefix}: {message}", file=sys.stderr)
        return 2
    print_report(report)
    return 0


def run_cli(args):
    """Run the report for parsed arguments; return the exit code (2 on bad input)."""

    def make():
        source = args.input if args.input is not None else find_latest_json(RESULTS)
        return make_report(
            source,
            args.out,
            pyperf=args.pyperf,
            readme=args.readme,
            plots=not args.no_plots,
        )

    return _report_and_print("python -m bench report: error", make)


def report_after_run(json_path):
    """Report on a run that just completed, into the JSON's folder; the exit code."""
    return _report_and_print("report failed", lambda: make_report(json_path))


def main(argv=None):
    """``python -m bench.report``: the same as ``python -m bench report``."""
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__)
    add_arguments(parser)
    return run_cli(parser.parse_args(argv))
