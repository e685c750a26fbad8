"""``python -m bench compare``: two runs case by case, or three (base, new, base
again), each case's ratio and mark; its Markdown and flags.

compare
-------
Two runs side by side, or three: ``python -m bench compare BASE.json NEW.json``.

    python -m bench compare BASE.json NEW.json [--base-again BASE2.json]
                            [--out FILE] [--fail-slower PCT]

BASE and NEW are pytest-benchmark JSON files of this suite: your machine against
the committed reference (``results/full/bench.json``), or the same machine before
and after a change. For every case measured in both, the time ratio NEW / BASE
with its 95 % interval (``bench/report/stats.py``) and a mark: ``+`` NEW is
slower, ``-`` NEW is faster, ``~`` no significant change. Then a geometric mean per
implementation, the speedups of this run against BASE's ("numba vs numpy here"
against "numba vs numpy in BASE": the view for comparing machines), and the cases
measured in one run only. What differs between the two machines and libraries
comes first. ``--base-again``: BASE's code timed once more after NEW, on the same
machine; a case is then marked only where NEW lies outside both bases on the same
side, so that the machine's drift between the runs is not called a change
(``bench/report/compare.py``).

Markdown goes to stdout, and to ``--out`` when given. Exit codes: 0; 1 with
``--fail-slower PCT`` when a case is significantly slower (``+``) by more than PCT
percent (a regression gate for CI; with ``--base-again``, than both bases); 2 on
bad input, with one line that names the file and the fault, as ``python -m bench
report``.
"""

import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from bench.report.common import (
    DASH,
    ReportError,
    case_label,
    case_list,
    fmt_cell,
    fmt_sig,
    heading,
    md_table,
    report_error,
    speedup_pairs,
    write_atomic,
)
from bench.report.model import load_run
from bench.report.stats import (
    METHOD,
    MIN_EFFECT,
    NO_INTERVAL,
    TIE,
    fmt_ratio,
    has_intervals,
    ratio,
    speedup,
)

AGAIN = "BASE again"

# -------------------------------------------------------------------- rendering


def _describe(run, path):
    return f"`{path}` (preset `{run.preset}`, {run.date})"


def _parts(value):
    # "a; b" lists (the BLAS libraries) in whatever order the process loaded them
    return None if value is None else sorted(value.split("; "))


def _runs(comparison):
    """``[(name, run)]``: BASE, NEW and BASE again when there is one."""
    named = [("BASE", comparison.base), ("NEW", comparison.new)]
    if comparison.again is not None:
        named.append((AGAIN, comparison.again))
    return named


def _differences(comparison):
    named = _runs(comparison)
    envs = [dict(run.environment) for _, run in named]
    # NEW's labels in NEW's order, then any other run's
    labels = dict.fromkeys([k for k, _ in comparison.new.environment])
    labels.update(dict.fromkeys(k for env in envs for k in env))
    rows = [
        [k, *(env.get(k, DASH) for env in envs)]
        for k in labels
        if len({str(_parts(env.get(k))) for env in envs}) > 1
    ]
    presets = [run.preset for _, run in named]
    if len(set(presets)) > 1:
        rows.insert(0, ["Preset", *presets])
    if not rows:
        return (
            "Same machine, libraries and settings, as far as the"
            f" {('two', 'three')[len(named) - 2]} JSON say."
        )
    return md_table(["", *(name for name, _ in named)], rows, "l" * (len(named) + 1))


def _interval_text(r):
    return fmt_ratio(r).lstrip(TIE) if r.has_interval else "no interval"


def _own_verdict(r):
    """A ratio with its interval and, a tie on its own, ``~`` (three runs: the
    mark column says what both bases agree on, this what one base says)."""
    return fmt_ratio(r) if r.has_interval else "no interval"


def _intro(c, paths):
    missing = [name for name, run in _runs(c) if not has_intervals(run)]
    described = ". ".join(
        f"{name}: {_describe(run, path)}"
        for (name, run), path in zip(_runs(c), paths, strict=False)
    )
    intro = (
        f"{described}. NEW / BASE is the ratio of the two medians: above 1, NEW is"
        f" slower. [low, high]: {METHOD}. Marks: `+` NEW slower, `-` NEW faster, `~`"
        " no significant change (the interval includes 1, or less than"
        f" {MIN_EFFECT * 100:g} % apart)."
    )
    if c.again is not None:
        intro += (
            f" {AGAIN} is BASE's code timed again after NEW: a mark needs NEW"
            " outside both bases on the same side (`+` significantly slower than"
            " BASE and than BASE again, `-` faster than both); a NEW between the"
            " two bases is the machine's drift, `~`. In the ratio columns, `~`"
            " before a ratio: no significant change against that base alone."
        )
        if c.again_too_early:
            intro += (
                f" **{AGAIN} ended before NEW** (the dates above): the rule"
                " assumes it was timed after NEW, so a drift need not lie between"
                " the bases."
            )
    if missing:
        intro += (
            f" {' and '.join(missing)}: {NO_INTERVAL}, so no change is called"
            " (every mark is `~`)."
        )
    return intro


def render_comparison(comparison, base_path, new_path, again_path=AGAIN):
    """The Markdown of a comparison."""
    c = comparison
    again = c.again is not None
    title = "NEW against BASE" + (f" and {AGAIN}" if again else "")
    parts = [
        heading(1, f"loopbench compare: {title}"),
        _intro(c, [base_path, new_path, again_path]),
        heading(2, "What differs between the runs"),
        _differences(c),
        heading(2, "By implementation"),
        _by_impl(c),
        heading(2, "Every case in " + ("all three runs" if again else "both runs")),
        _case_table(c),
    ]
    if c.speedups:
        parts += [
            heading(2, "Speedups here against BASE"),
            'For a pair "A vs B", its speedup time(B) / time(A) in each run, and'
            " NEW's as a multiple of BASE's: above 1, A gains more over B on NEW's"
            " machine. `+` larger in NEW, `-` smaller, `~` no significant change"
            + (f" (against both BASE and {AGAIN})." if again else "."),
            _speedup_table(c.speedups, again),
        ]
    if c.only_base or c.only_new or c.not_again or c.only_again:
        parts += [heading(2, "Cases in one run only")]
        for name, keys in (
            ("BASE", c.only_base),
            ("NEW", c.only_new),
            (AGAIN, c.only_again),
        ):
            if keys:
                parts.append(case_list(f"Only in {name}", keys))
        if c.not_again:
            parts.append(
                case_list(
                    f"In BASE and NEW, not in {AGAIN} (not compared)", c.not_again
                )
            )
    return "\n\n".join(parts) + "\n"


def _case_table(c):
    again = c.again is not None
    header = ["case", "BASE (µs)", "NEW (µs)", "NEW / BASE"]
    if again:
        header[3:3] = [f"{AGAIN} (µs)"]
        header.append(f"NEW / {AGAIN}")
    rows = []
    for ch in c.changes:
        row = [
            case_label(ch.key),
            fmt_cell(ch.base.median * 1e6, "time"),
            fmt_cell(ch.new.median * 1e6, "time"),
        ]
        if again:
            row.append(fmt_cell(ch.again.median * 1e6, "time"))
            row += [_own_verdict(ch.ratio), _own_verdict(ch.again_ratio)]
        else:
            row.append(_interval_text(ch.ratio))
        rows.append([*row, ch.mark])
    return md_table([*header, ""], rows, "l" + "r" * (len(header) - 1) + "l")


def _by_impl(c):
    again = c.again is not None
    rows = []
    names = [*c.new.impls, *c.new.references, *c.new.pass_rows]
    for impl in names:
        mine = [ch for ch in c.changes if ch.key[0] == impl]
        if not mine:
            continue
        counts = {m: sum(ch.mark == m for ch in mine) for m in MARKS.values()}
        means = [geometric_mean(ch.ratio for ch in mine)]
        if again:
            means += [
                geometric_mean(ch.again_ratio for ch in mine),
                geometric_mean(ch.again.median / ch.base.median for ch in mine),
            ]
        rows.append(
            [
                impl,
                f"{len(mine)}",
                *(fmt_sig(m, 3) for m in means),
                *(f"{counts[m]}" for m in ("+", "-", TIE)),
            ]
        )
    header = ["geometric mean NEW / BASE"]
    if again:
        header += [f"NEW / {AGAIN}", f"{AGAIN} / BASE"]
    return md_table(
        ["implementation", "cases", *header, "+", "-", TIE],
        rows,
        "lr" + "r" * len(header) + "rrr",
    )


def _speedup_table(speedups, again):
    header = ["pair", "dtype", "n x d", "in BASE", "in NEW", "NEW / BASE"]
    if again:
        header[5:5] = [f"in {AGAIN}"]
        header.append(f"NEW / {AGAIN}")
    rows = []
    for s in speedups:
        row = [f"{s.a} vs {s.b}", s.dtype, f"{s.n:,} x {s.d:,}"]
        row += [fmt_ratio(s.base, "x"), fmt_ratio(s.new, "x")]
        if again:
            row.append(fmt_ratio(s.again, "x"))
            row += [_own_verdict(s.ratio), _own_verdict(s.again_ratio)]
        else:
            row.append(_interval_text(s.ratio))
        rows.append([*row, s.mark])
    return md_table([*header, ""], rows, "lll" + "r" * (len(header) - 3) + "l")


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
        "--base-again",
        type=Path,
        default=None,
        metavar="BASE2.json",
        help="BASE's code timed again after NEW: mark a case only where NEW lies"
        " outside both bases (the machine's drift between the runs is then no change)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="also write it here"
    )
    parser.add_argument(
        "--fail-slower",
        type=str,
        default=None,
        metavar="PCT",
        help="exit 1 when a case is significantly slower by more than PCT percent"
        " (than both bases, with --base-again)",
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
    """Compare two runs (or three) for parsed arguments; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    again_path = args.base_again
    try:
        pct = None if args.fail_slower is None else _percent(args.fail_slower)
        base, new = load_run(args.base), load_run(args.new)
        again = None if again_path is None else load_run(again_path)
        comparison = compare_runs(base, new, args.base, args.new, again, again_path)
        text = render_comparison(comparison, args.base, args.new, again_path)
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
    than = " than both bases" if again is not None else ""
    print(
        f"python -m bench compare: {len(slower)} case(s) slower{than} by more than"
        f" {pct:g} %: " + ", ".join(case_label(c.key) for c in slower),
        file=err,
    )
    return 1


# ============================================================================
# the comparison of runs
# Two runs case by case, or three: what ``python -m bench compare`` computes.
#
# A change is one case measured in BASE and NEW: the ratio NEW / BASE of its two
# medians, with the 95 % interval of ``bench/report/stats.py``, and the mark
# that interval allows: ``+`` NEW is slower, ``-`` faster, ``~`` no significant
# change (the interval includes 1, or the two are less than ``MIN_EFFECT`` apart).
#
# Two runs minutes apart differ by the machine's drift as well as by the code, and
# a drift of a tenth between two runs is common on a shared machine
# (``make rerun-check``). A third run tells the two apart: BASE's code timed again
# after NEW (base, new, base again). NEW is then marked only where it lies outside
# both bases on the same side: significantly slower than BASE *and* than BASE
# again, or faster than both. A drift over the three runs puts NEW between the two
# bases and leaves it unmarked; a change of the code moves NEW away from both. The
# same rule marks each speedup pair. The harness and order checks bracket their
# runs in the same spirit, with a 10 % band instead of intervals
# (``lab/harness_check.py``, ``lab/order_check.py``).

MARKS = {1: "+", -1: "-", 0: TIE}


def _called(r):
    """+1 / -1 / 0 for a Ratio; 0 also when it has no interval."""
    return r.sign if r.has_interval else 0


def _both(first, second):
    """The mark two ratios agree on: ``first``'s sign when ``second`` is None
    (two runs) or calls the same side, else 0."""
    sign = _called(first)
    if second is None:
        return sign
    return sign if sign == _called(second) else 0


@dataclass(frozen=True)
class Change:
    """One case measured in both runs (and in BASE again, when there is one).

    Attributes
    ----------
    key : tuple
        ``(impl, dtype, n, d)``.
    base, new : bench.report.model.Timing
    ratio : bench.report.stats.Ratio
        time(NEW) / time(BASE).
    again : bench.report.model.Timing or None
        The case in BASE again.
    again_ratio : bench.report.stats.Ratio or None
        time(NEW) / time(BASE again).
    """

    key: tuple
    base: object
    new: object
    ratio: float
    again: object = None
    again_ratio: float = None

    @property
    def sign(self):
        """+1 called slower, -1 called faster, 0 no significant change (also
        when there is no interval, or when the two bases disagree)."""
        return _both(self.ratio, self.again_ratio)

    @property
    def mark(self):
        return MARKS[self.sign]


@dataclass(frozen=True)
class SpeedupChange:
    """One speedup pair at one size, in both runs.

    ``ratio`` is (speedup in NEW) / (speedup in BASE), with its interval;
    ``again`` and ``again_ratio`` the same against BASE again, or None.
    """

    a: str
    b: str
    dtype: str
    n: int
    d: int
    base: float
    new: float
    ratio: float
    again: float = None
    again_ratio: float = None

    @property
    def mark(self):
        return MARKS[_both(self.ratio, self.again_ratio)]


@dataclass
class Comparison:
    """What ``compare_runs`` found.

    ``again`` is BASE again (a run) or None; ``not_again`` the cases of both
    BASE and NEW that BASE again lacks, and ``only_again`` those of BASE again
    in neither BASE nor NEW: none of them is compared.
    """

    base: object
    new: object
    changes: list
    speedups: list
    only_base: list
    only_new: list
    again: object = None
    not_again: list = ()
    only_again: list = ()

    @property
    def again_too_early(self):
        """Whether BASE again ended before NEW did (by the two JSON's dates),
        when the rule needs it timed after NEW; False when a date is unknown
        or only one of the two has a time zone."""
        if self.again is None or None in (self.new.ended, self.again.ended):
            return False
        try:
            return self.again.ended <= self.new.ended
        except TypeError:  # one date with a time zone, one without
            return False


def compare_runs(
    base, new, base_path="BASE", new_path="NEW", again=None, again_path="BASE again"
):
    """Every case in both runs, every speedup pair in both, and the rest.

    Parameters
    ----------
    base, new : bench.report.model.Run
    again : bench.report.model.Run, optional
        BASE's code timed again after NEW; with it, a mark needs NEW outside both
        bases on the same side.

    Raises
    ------
    ReportError
        The runs have no case in common (with ``again``: no case in all three).
    """
    common = base.timings.keys() & new.timings.keys()
    if not common:
        raise ReportError(
            f"{new_path}: no case in common with {base_path} (another grid or"
            " another suite?)"
        )
    not_again, only_again = [], []
    if again is not None:
        not_again = sorted(common - again.timings.keys(), key=lambda k: _order(k, new))
        only_again = sorted(
            again.timings.keys() - base.timings.keys() - new.timings.keys(),
            key=lambda k: _order(k, again),
        )
        common &= again.timings.keys()
        if not common:
            raise ReportError(
                f"{again_path}: no case in common with {base_path} and {new_path}"
            )
    common = sorted(common, key=lambda k: _order(k, new))
    changes = [_change(k, base, new, again) for k in common]
    both = [i for i in new.impls if i in base.impls]
    if again is not None:
        both = [i for i in both if i in again.impls]
    sizes = sorted(
        {(dt, n, d) for _, dt, n, d in common}, key=lambda s: _order(("", *s), new)
    )
    speedups = []
    for a, b in speedup_pairs(both):
        for dtype, n, d in sizes:
            change = _speedup_change(a, b, (dtype, n, d), base, new, again)
            if change is not None:
                speedups.append(change)
    only_base = sorted(
        base.timings.keys() - new.timings.keys(), key=lambda k: _order(k, base)
    )
    only_new = sorted(
        new.timings.keys() - base.timings.keys(), key=lambda k: _order(k, new)
    )
    return Comparison(
        base, new, changes, speedups, only_base, only_new, again, not_again, only_again
    )


def _change(key, base, new, again):
    t_new = new.timings[key]
    change = Change(key, base.timings[key], t_new, ratio([t_new], [base.timings[key]]))
    if again is None:
        return change
    t_again = again.timings[key]
    return replace(change, again=t_again, again_ratio=ratio([t_new], [t_again]))


def _speedup_ratio(a, b, size, earlier, new):
    # (b / a in NEW) / (b / a in the earlier run), with the four cases' samples
    return ratio(
        [new.get(b, *size), earlier.get(a, *size)],
        [new.get(a, *size), earlier.get(b, *size)],
    )


def _speedup_change(a, b, size, base, new, again):
    s_base, s_new = speedup(base, a, b, *size), speedup(new, a, b, *size)
    if s_base is None or s_new is None:
        return None
    change = SpeedupChange(
        a, b, *size, s_base, s_new, _speedup_ratio(a, b, size, base, new)
    )
    if again is None:
        return change
    s_again = speedup(again, a, b, *size)
    if s_again is None:
        return None
    return replace(
        change, again=s_again, again_ratio=_speedup_ratio(a, b, size, again, new)
    )


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
    """The changes called slower (``+``) by more than ``pct`` percent (than both
    bases, when there is BASE again)."""
    limit = 1 + pct / 100
    return [
        c
        for c in comparison.changes
        if c.sign > 0
        and c.ratio > limit
        and (c.again_ratio is None or c.again_ratio > limit)
    ]


def flagged(comparison):
    """``(cases flagged + or -, cases compared)``."""
    return sum(c.sign != 0 for c in comparison.changes), len(comparison.changes)


def geometric_mean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))
