"""Did the grid's order move a case? ``python -m bench order-check``.

    python -m bench order-check GRID.json ALONE.json [ALONE.json ...]
                                [--out FILE] [--readme README.md]

GRID is a run of the quick grid: every case after the cases before it in
its pass's process. Each ALONE is a run of a few of its cases in fresh processes
(``python -m bench run --size ...``, a process per pass), and ``make
order-check`` takes several of them, one after the other. A case whose median in
the grid is within ``AGREE`` (10 %) of the median of its fresh processes agrees.
One that is not is read in one of two ways, and the fresh processes tell which:

- **the fresh processes disagree too**: they differ among themselves by more than
  ``AGREE``, and the grid's median lies within ``AGREE`` of one of them, or
  between them. The case's time moves between processes, or over minutes,
  whatever ran before: a state of the process or of the machine, not the grid's
  order;
- **moved by the order**: the grid's median lies further than ``AGREE`` from every
  fresh process, and outside them. The grid's history moved it.

With one ALONE run the first reading is never made. The machine's speed drifts
over the minutes a check takes (on the developer's machine, the streams over
``X`` by up to a tenth in half an hour), so ``make order-check`` times its grid
between its fresh runs, one before and one after: a drift then puts the grid
between them, not outside. Markdown goes to stdout, and
to ``--out``; ``--readme`` writes the one-line summary between the README's
``ORDER_MARKERS``. Exit codes: 0; 2 on bad input (one line naming the file).
"""

import statistics
import sys
from pathlib import Path

from bench.report.common import ReportError, report_error
from bench.report.formatting import case_label, case_list, fmt_cell, heading, md_table
from bench.report.model import load_run
from bench.report.readme import add_output_arguments, write_outputs

AGREE = 0.10
AGREES, PROCESSES, ORDER = "agrees", "fresh processes disagree too", "moved by order"
MAX_ALONE = 5
PCT = f"{AGREE * 100:g} %"
ORDER_MARKERS = ("<!-- order-check:begin -->", "<!-- order-check:end -->")


def _within(a, b):
    return abs(a / b - 1) <= AGREE + 1e-12  # 10 % apart is within


def reading(grid, alone):
    """How one case's grid median stands against its fresh processes' medians.

    Parameters
    ----------
    grid : float
        The case's median in the grid (seconds).
    alone : sequence of float
        Its median in each fresh process, at least one.

    Returns
    -------
    str
        ``AGREES``, ``PROCESSES`` or ``ORDER``.
    """
    if _within(grid, statistics.median(alone)):
        return AGREES
    if max(alone) / min(alone) > 1 + AGREE and (
        any(_within(grid, a) for a in alone) or min(alone) <= grid <= max(alone)
    ):
        return PROCESSES
    return ORDER


def check_order(grid, alones, grid_path="GRID", alone_paths=None):
    """Every case timed in all the ALONE runs and in GRID, read against them.

    Returns
    -------
    rows : list of tuple
        ``(key, grid median, [alone medians], reading)``, in GRID's order.
    left_out : list of tuple
        The keys of the cases some ALONE run timed that GRID or another ALONE run
        lacks (the grid leaves the slow loops out of its largest sizes).

    Raises
    ------
    ReportError
        No case is in every run.
    """
    alone_paths = alone_paths or [f"ALONE {i + 1}" for i in range(len(alones))]
    timed = [set(run.timings) for run in alones]
    common = set(grid.timings).intersection(*timed)
    if not common:
        raise ReportError(
            f"{alone_paths[0]}: no case in common with {grid_path} and the other"
            " ALONE runs (not the same grid?)"
        )
    order = list(grid.timings)
    rows = []
    for key in sorted(common, key=order.index):
        alone = [run.timings[key].median for run in alones]
        g = grid.timings[key].median
        rows.append((key, g, alone, reading(g, alone)))
    first = list(alones[0].timings)
    left_out = sorted(set().union(*timed) - common, key=lambda k: (k not in first, k))
    return rows, left_out


def summary(rows, processes):
    """The one-paragraph result: how many cases agree, and the others."""
    counts = {r: [row for row in rows if row[3] == r] for r in (AGREES, PROCESSES)}
    moved = [row for row in rows if row[3] == ORDER]
    text = (
        f"{len(counts[AGREES])} of {len(rows)} cases within {PCT} of the"
        f" median of {processes} fresh process{'es' if processes > 1 else ''}"
    )
    if counts[PROCESSES]:
        text += (
            f"; {len(counts[PROCESSES])} outside it but within {PCT} of one of"
            " them or between them, their fresh processes differing by more than"
            " that among themselves: "
            + ", ".join(_brief(row) for row in counts[PROCESSES])
        )
    text += (
        f"; moved by the grid's order (further than {PCT} from every fresh"
        " process, and outside them): "
        + (", ".join(_brief(row) for row in moved) or "none")
        + "."
    )
    return text


def _brief(row):
    key, grid, alone, _ = row
    return f"{case_label(key)} ({grid / statistics.median(alone):.3g}x)"


def render_order_check(rows, left_out, grid_run, grid_path, alone_paths, dates=None):
    """The Markdown of an order check; ``dates``: each ALONE run's, where known."""
    headers = [
        "case",
        "grid (µs)",
        *(f"fresh {i + 1} (µs)" for i in range(len(alone_paths))),
        "grid / fresh",
        "fresh max / min",
        "reading",
    ]
    table = md_table(
        headers,
        [
            [
                case_label(key),
                fmt_cell(grid * 1e6, "time"),
                *(fmt_cell(a * 1e6, "time") for a in alone),
                f"{grid / statistics.median(alone):.3f}",
                f"{max(alone) / min(alone):.3f}",
                verdict,
            ]
            for key, grid, alone, verdict in rows
        ],
        "l" + "r" * (len(headers) - 2) + "l",
    )
    dates = dates or [None] * len(alone_paths)
    sources = "; ".join(
        f"fresh {i + 1}: `{p}`" + (f" ({when})" if when else "")
        for i, (p, when) in enumerate(zip(alone_paths, dates, strict=True))
    )
    parts = [
        heading(1, "loopbench order check: each case alone against the grid"),
        f"Grid: `{grid_path}` (preset `{grid_run.preset}`, {grid_run.date})."
        " Fresh processes (a run is dated at its end, the grid's too):"
        f" {sources}. grid / fresh: the grid's median over the median of the"
        " fresh processes' medians. A case"
        f" agrees within {PCT}; otherwise, if the fresh processes differ among"
        f" themselves by more than {PCT} and the grid lies within {PCT} of one of"
        " them or between them, the difference is one between processes (or"
        f" minutes), whatever ran before; if it lies further than {PCT} from every"
        " fresh process and outside them, the grid's order moved it"
        " (`bench/report/order_check.py`).",
        summary(rows, len(alone_paths)),
        table,
    ]
    if left_out:
        parts.append(case_list("Not in every run, left out", left_out))
    return "\n\n".join(parts) + "\n"


def add_order_check_arguments(parser):
    """Add the ``order-check`` arguments to an argparse parser."""
    parser.add_argument(
        "grid", type=Path, metavar="GRID.json", help="the grid, e.g. grid.json"
    )
    parser.add_argument(
        "alone",
        type=Path,
        nargs="+",
        metavar="ALONE.json",
        help=f"runs of a few of its cases in fresh processes (up to {MAX_ALONE})",
    )
    return add_output_arguments(parser, ORDER_MARKERS)


def run_order_check_cli(args, out=None, err=None):
    """The order check for parsed arguments; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if len(args.alone) > MAX_ALONE:
            raise ReportError(
                f"{args.alone[MAX_ALONE]}: at most {MAX_ALONE} ALONE runs (one"
                " column each in the table)"
            )
        grid = load_run(args.grid)
        alones = [load_run(p) for p in args.alone]
        rows, left_out = check_order(grid, alones, args.grid, args.alone)
        dates = [run.date for run in alones]
        text = render_order_check(rows, left_out, grid, args.grid, args.alone, dates)
        line = f"The committed order check ({grid.date}): " + summary(rows, len(alones))
        write_outputs(args, text, ORDER_MARKERS, line, out, err)
    except ReportError as exc:
        return report_error("order-check", exc, err)
    return 0
