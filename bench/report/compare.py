"""Two runs side by side: ``python -m bench compare BASE.json NEW.json``.

    python -m bench compare BASE.json NEW.json [--out FILE] [--fail-slower PCT]

BASE and NEW are pytest-benchmark JSON files of this suite: your machine against
the committed reference (``results/full/bench.json``), or the same machine before
and after a change. For every case measured in both, the time ratio NEW / BASE
with its 95 % interval (``bench/report/intervals.py``) and a mark: ``+`` NEW is
slower, ``-`` NEW is faster, ``~`` no significant change. Then a geometric mean per
implementation, the speedups of this run against BASE's ("numba vs numpy here"
against "numba vs numpy in BASE": the view for comparing machines), and the cases
measured in one run only. What differs between the two machines and libraries
comes first.

Markdown goes to stdout, and to ``--out`` when given. Exit codes: 0; 1 with
``--fail-slower PCT`` when a case is significantly slower (``+``) by more than PCT
percent (a regression gate for CI); 2 on bad input, with one line that names the
file and the fault, as ``python -m bench report``.
"""

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.report.common import DASH, ReportError, report_error
from bench.report.comparisons import speedup_pairs
from bench.report.files import write_atomic
from bench.report.formatting import (
    case_label,
    case_list,
    fmt_cell,
    fmt_sig,
    heading,
    md_table,
)
from bench.report.intervals import (
    METHOD,
    MIN_EFFECT,
    NO_INTERVAL,
    TIE,
    fmt_ratio,
    has_intervals,
    ratio,
    speedup,
)
from bench.report.model import load_run

MARKS = {1: "+", -1: "-", 0: TIE}


@dataclass(frozen=True)
class Change:
    """One case measured in both runs.

    Attributes
    ----------
    key : tuple
        ``(impl, dtype, n, d)``.
    base, new : bench.report.model.Timing
    ratio : bench.report.intervals.Ratio
        time(NEW) / time(BASE).
    """

    key: tuple
    base: object
    new: object
    ratio: float

    @property
    def sign(self):
        """+1 called slower, -1 called faster, 0 no significant change (also
        when there is no interval)."""
        return self.ratio.sign if self.ratio.has_interval else 0

    @property
    def mark(self):
        return MARKS[self.sign]


@dataclass(frozen=True)
class SpeedupChange:
    """One speedup pair at one size, in both runs.

    ``ratio`` is (speedup in NEW) / (speedup in BASE), with its interval.
    """

    a: str
    b: str
    dtype: str
    n: int
    d: int
    base: float
    new: float
    ratio: float

    @property
    def mark(self):
        return MARKS[self.ratio.sign if self.ratio.has_interval else 0]


@dataclass
class Comparison:
    """What ``compare_runs`` found."""

    base: object
    new: object
    changes: list
    speedups: list
    only_base: list
    only_new: list


def compare_runs(base, new, base_path="BASE", new_path="NEW"):
    """Every case in both runs, every speedup pair in both, and the rest.

    Raises
    ------
    ReportError
        The runs have no case in common.
    """
    common = sorted(
        base.timings.keys() & new.timings.keys(), key=lambda k: _order(k, new)
    )
    if not common:
        raise ReportError(
            f"{new_path}: no case in common with {base_path} (another grid or"
            " another suite?)"
        )
    changes = [
        Change(
            k,
            base.timings[k],
            new.timings[k],
            ratio([new.timings[k]], [base.timings[k]]),
        )
        for k in common
    ]
    both = [i for i in new.impls if i in base.impls]
    sizes = sorted(
        {(dt, n, d) for _, dt, n, d in common}, key=lambda s: _order(("", *s), new)
    )
    speedups = []
    for a, b in speedup_pairs(both):
        for dtype, n, d in sizes:
            s_base = speedup(base, a, b, dtype, n, d)
            s_new = speedup(new, a, b, dtype, n, d)
            if s_base is None or s_new is None:
                continue
            # (b / a here) / (b / a in BASE), with the four cases' samples
            r = ratio(
                [new.get(b, dtype, n, d), base.get(a, dtype, n, d)],
                [new.get(a, dtype, n, d), base.get(b, dtype, n, d)],
            )
            speedups.append(SpeedupChange(a, b, dtype, n, d, s_base, s_new, r))
    only_base = sorted(
        base.timings.keys() - new.timings.keys(), key=lambda k: _order(k, base)
    )
    only_new = sorted(
        new.timings.keys() - base.timings.keys(), key=lambda k: _order(k, new)
    )
    return Comparison(base, new, changes, speedups, only_base, only_new)


def _order(key, run):
    impl, dtype, n, d = key
    names = [*run.impls, *run.references, *run.pass_rows]
    dtypes = list(run.dtypes)
    return (
        dtypes.index(dtype) if dtype in dtypes else len(dtypes),
        names.index(impl) if impl in names else len(names),
        n,
        d,
    )


def slower_than(comparison, pct):
    """The changes called slower (``+``) by more than ``pct`` percent."""
    return [c for c in comparison.changes if c.sign > 0 and c.ratio > 1 + pct / 100]


def flagged(comparison):
    """``(cases flagged + or -, cases in both runs)``."""
    return sum(c.sign != 0 for c in comparison.changes), len(comparison.changes)


def geometric_mean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


# -------------------------------------------------------------------- rendering


def _describe(run, path):
    return f"`{path}` (preset `{run.preset}`, {run.date})"


def _parts(value):
    # "a; b" lists (the BLAS libraries) in whatever order the process loaded them
    return None if value is None else sorted(value.split("; "))


def _differences(comparison):
    base = dict(comparison.base.environment)
    new = dict(comparison.new.environment)
    labels = [k for k, _ in comparison.new.environment]
    labels += [k for k in base if k not in new]
    rows = [
        [k, base.get(k, DASH), new.get(k, DASH)]
        for k in labels
        if _parts(base.get(k)) != _parts(new.get(k))
    ]
    if comparison.base.preset != comparison.new.preset:
        rows.insert(0, ["Preset", comparison.base.preset, comparison.new.preset])
    if not rows:
        return "Same machine, libraries and settings, as far as the two JSON say."
    return md_table(["", "BASE", "NEW"], rows, "lll")


def _interval_text(r):
    return fmt_ratio(r).lstrip(TIE) if r.has_interval else "no interval"


def render_comparison(comparison, base_path, new_path):
    """The Markdown of a comparison."""
    c = comparison
    missing = [
        name
        for name, run in (("BASE", c.base), ("NEW", c.new))
        if not has_intervals(run)
    ]
    intro = (
        f"BASE: {_describe(c.base, base_path)}. NEW: {_describe(c.new, new_path)}."
        " NEW / BASE is the ratio of the two medians: above 1, NEW is slower."
        f" [low, high]: {METHOD}. Marks: `+` NEW slower, `-` NEW faster, `~` no"
        f" significant change (the interval includes 1, or less than"
        f" {MIN_EFFECT * 100:g} % apart)."
    )
    if missing:
        intro += (
            f" {' and '.join(missing)}: {NO_INTERVAL}, so no change is called"
            " (every mark is `~`)."
        )
    parts = [
        heading(1, "loopbench compare: NEW against BASE"),
        intro,
        heading(2, "What differs between the runs"),
        _differences(c),
        heading(2, "By implementation"),
        _by_impl(c),
        heading(2, "Every case in both runs"),
        md_table(
            ["case", "BASE (µs)", "NEW (µs)", "NEW / BASE", ""],
            [
                [
                    case_label(ch.key),
                    fmt_cell(ch.base.median * 1e6, "time"),
                    fmt_cell(ch.new.median * 1e6, "time"),
                    _interval_text(ch.ratio),
                    ch.mark,
                ]
                for ch in c.changes
            ],
            "lrrrl",
        ),
    ]
    if c.speedups:
        parts += [
            heading(2, "Speedups here against BASE"),
            'For a pair "A vs B", its speedup time(B) / time(A) in each run, and'
            " NEW's as a multiple of BASE's: above 1, A gains more over B on NEW's"
            " machine. `+` larger in NEW, `-` smaller, `~` no significant change.",
            _speedup_table(c.speedups),
        ]
    if c.only_base or c.only_new:
        parts += [heading(2, "Cases in one run only")]
        for name, keys in (("BASE", c.only_base), ("NEW", c.only_new)):
            if keys:
                parts.append(case_list(f"Only in {name}", keys))
    return "\n\n".join(parts) + "\n"


def _by_impl(c):
    rows = []
    names = [*c.new.impls, *c.new.references, *c.new.pass_rows]
    for impl in names:
        mine = [ch for ch in c.changes if ch.key[0] == impl]
        if not mine:
            continue
        counts = {m: sum(ch.mark == m for ch in mine) for m in MARKS.values()}
        rows.append(
            [
                impl,
                f"{len(mine)}",
                f"{fmt_sig(geometric_mean(ch.ratio for ch in mine), 3)}",
                *(f"{counts[m]}" for m in ("+", "-", TIE)),
            ]
        )
    return md_table(
        ["implementation", "cases", "geometric mean NEW / BASE", "+", "-", TIE],
        rows,
        "lrrrrr",
    )


def _speedup_table(speedups):
    rows = [
        [
            f"{s.a} vs {s.b}",
            s.dtype,
            f"{s.n:,} x {s.d:,}",
            fmt_ratio(s.base, "x"),
            fmt_ratio(s.new, "x"),
            _interval_text(s.ratio),
            s.mark,
        ]
        for s in speedups
    ]
    return md_table(
        ["pair", "dtype", "n x d", "in BASE", "in NEW", "NEW / BASE", ""],
        rows,
        "lllrrrl",
    )


# ------------------------------------------------------------------ command line


def add_compare_arguments(parser):
    """Add the ``compare`` arguments to an argparse parser."""
    parser.add_argument(
        "base",
        type=Path,
        metavar="BASE.json",
        help="the run to compare against, e.g. results/full/bench.json",
    )
    parser.add_argument(
        "new",
        type=Path,
        metavar="NEW.json",
        help="the run to judge, e.g. results/quick/bench.json",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="also write it here"
    )
    parser.add_argument(
        "--fail-slower",
        type=str,
        default=None,
        metavar="PCT",
        help="exit 1 when a case is significantly slower by more than PCT percent",
    )
    return parser


def _percent(text):
    try:
        pct = float(text)
    except ValueError:
        pct = math.nan
    if not math.isfinite(pct) or pct < 0:
        raise ReportError(f"--fail-slower: expected a percentage >= 0, got {text!r}")
    return pct


def run_compare_cli(args, out=None, err=None):
    """Compare two runs for parsed arguments; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        pct = None if args.fail_slower is None else _percent(args.fail_slower)
        base, new = load_run(args.base), load_run(args.new)
        comparison = compare_runs(base, new, args.base, args.new)
        text = render_comparison(comparison, args.base, args.new)
        if args.out is not None:
            write_atomic(args.out, text)
    except ReportError as exc:
        return report_error("compare", exc, err)
    print(text, end="", file=out)
    if args.out is not None:
        print(f"wrote {args.out}", file=err)
    if pct is None:
        return 0
    slower = slower_than(comparison, pct)
    if not slower:
        return 0
    print(
        f"python -m bench compare: {len(slower)} case(s) slower by more than"
        f" {pct:g} %: " + ", ".join(case_label(c.key) for c in slower),
        file=err,
    )
    return 1
