"""Did the grid's order move a case? ``python -m lab order-check``.

    python -m lab order-check [--readme docs/timing.md]
    python -m lab order-check GRID.json ALONE.json [ALONE.json ...]
                              [--out FILE] [--readme docs/timing.md]

GRID is a run of the quick grid: every case after the cases before it in
its pass's process. Each ALONE is a run of a few of its cases (``SIZES``) in
fresh processes (``python -m bench run --size ...``, a process per pass). Without
files, the command times them (``make order-check``): the cases alone, then the
quick grid, then the cases alone again, into ``results/order-check.new/``, which
replaces ``results/order-check/`` only once the three runs are done and read
(``lab/checks.py``); then it reads them. A case whose median in
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

from bench.__main__ import main as bench_main
from bench.report.common import (
    ReportError,
    case_label,
    case_list,
    fmt_cell,
    heading,
    md_table,
    report_error,
)
from bench.report.model import load_run
from bench.report.stats import AGREE
from bench.run import RESULTS
from lab.checks import (
    MARKERS,
    PROG,
    Timed,
    add_output_arguments,
    shown,
    time_staged,
    write_outputs,
)

AGREES, PROCESSES, ORDER = "agrees", "fresh processes disagree too", "moved by order"
MAX_ALONE = 5
PCT = f"{AGREE * 100:g} %"
ORDER_MARKERS = MARKERS["order-check"]
OUT = RESULTS / "order-check"
# a few cases of the quick grid, in the three sizes where the allocator's and the
# collector's states mattered most
SIZES = ((100_000, 1), (100_000, 10), (10_000, 100))
ALONE = ("-k", "not test_first_call")
# fresh 1 (the stage's own bench.json), the grid between, fresh 2
RUNS = (
    Timed("", sizes=SIZES, pytest_args=ALONE),
    Timed("grid", preset="quick"),
    Timed("fresh-2", sizes=SIZES, pytest_args=ALONE),
)
HELP = "the grid's cases against the same cases in fresh processes"


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


def order_summary(rows, processes):
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
        order_summary(rows, len(alone_paths)),
        table,
    ]
    if left_out:
        parts.append(case_list("Not in every run, left out", left_out))
    return "\n\n".join(parts) + "\n"


def add_arguments(parser):
    """``python -m lab order-check``'s arguments."""
    parser.add_argument(
        "grid",
        type=Path,
        nargs="?",
        metavar="GRID.json",
        help="the grid, e.g. grid.json; without files, time the check first",
    )
    parser.add_argument(
        "alone",
        type=Path,
        nargs="*",
        metavar="ALONE.json",
        help=f"runs of a few of its cases in fresh processes (up to {MAX_ALONE})",
    )
    return add_output_arguments(parser, ORDER_MARKERS)


def _read(grid_path, alone_paths):
    """The check's rows and its Markdown, from the files; raises ReportError."""
    if len(alone_paths) > MAX_ALONE:
        raise ReportError(
            f"{alone_paths[MAX_ALONE]}: at most {MAX_ALONE} ALONE runs (one"
            " column each in the table)"
        )
    grid = load_run(grid_path)
    alones = [load_run(p) for p in alone_paths]
    rows, left_out = check_order(grid, alones, grid_path, alone_paths)
    dates = [run.date for run in alones]
    text = render_order_check(rows, left_out, grid, grid_path, alone_paths, dates)
    line = f"The committed order check ({grid.date}): " + order_summary(
        rows, len(alones)
    )
    return text, line


def run(args, parser=None, out=None, err=None):
    """The order check for parsed arguments (timed first, without files); the
    exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    if args.grid is not None and not args.alone:
        return report_error(
            "order-check",
            ReportError("give ALONE.json after GRID.json"),
            err,
            prog=PROG,
        )
    if args.grid is None:
        code = time_staged(OUT, RUNS, lambda p: _read(p["grid"], [p[""], p["fresh-2"]]))
        if code:
            return code
        out_dir = shown(OUT)
        args.grid, args.alone = out_dir / "grid.json", [out_dir / "bench.json"]
        args.alone.append(out_dir / "fresh-2.json")
        args.out = args.out or out_dir / "order.md"
        # the grid against the first cases alone, as python -m bench compare sees it
        code = bench_main(
            [
                "compare",
                str(args.grid),
                str(args.alone[0]),
                "--out",
                str(out_dir / "compare.md"),
            ]
        )
        if code not in (0, 1):
            return code
    try:
        text, line = _read(args.grid, args.alone)
        write_outputs(args, text, ORDER_MARKERS, line, out, err)
    except ReportError as exc:
        return report_error("order-check", exc, err, prog=PROG)
    return 0
