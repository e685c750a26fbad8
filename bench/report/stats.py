"""Stats: 95 % intervals of ratios of medians (``scipy.stats.bootstrap``), ties
and every threshold that calls a winner, each defined once; the win map; the
cases whose interval one pass sets.

intervals
---------
Ratios of medians with a 95 % interval, and the verdict the interval allows.

A run timed in several passes (``bench/passes.py``) keeps each case's per-pass
medians. A ratio of two cases' medians (a speedup, or NEW / BASE in ``python -m
bench compare``) gets a 95 % percentile bootstrap interval from them
(``scipy.stats.bootstrap``): the passes of each case are resampled, the ratio of
the medians of the resampled passes is recomputed, and the middle 95 % of those
ratios is the interval. Because the passes are minutes apart, the interval
includes the machine's slow drift and its neighbours, not only the jitter between
rounds taken back to back.

A verdict is called only when the interval excludes 1 and the ratio is at least
``MIN_EFFECT`` away from 1 (above ``1 + MIN_EFFECT`` or below its inverse);
otherwise the two are a tie. Runs without per-pass medians (older runs, plain
``pytest --benchmark-only``) give ratios without interval, and their verdicts are
the medians' order, as before.

The resampling is seeded, so the same JSON gives the same intervals, byte for byte.
"""

import math
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import stats

from bench.report.common import (
    DASH,
    competitors,
    fmt_cell,
    fmt_sig,
    heading,
    md_tables,
)

CONFIDENCE = 0.95
# A ratio this far from 1 at least, its interval excluding 1, calls a winner.
MIN_EFFECT = 0.05
# Two timings of the same case (a harness against another, a case alone against
# the grid) agree when they are this close: the lab's checks use it.
AGREE = 0.10
# Fewer passes than this give no interval: a bootstrap of two values says little.
MIN_PASSES = 3
RESAMPLES = 9_999
SEED = 0
TIE = "~"
METHOD = (
    "95 % percentile bootstrap interval (`scipy.stats.bootstrap`,"
    f" {RESAMPLES:,} resamples, seed {SEED}) of the ratio of medians, over each"
    " case's per-pass medians"
)
NO_INTERVAL = "no interval: this run kept no per-pass samples"


class Ratio(float):
    """A ratio of medians, a float, with its 95 % interval when there is one.

    Attributes
    ----------
    low, high : float or None
        The interval's bounds; None when the runs kept no per-pass samples.
    """

    def __new__(cls, value, low=None, high=None):
        self = super().__new__(cls, value)
        self.low, self.high = low, high
        return self

    @property
    def has_interval(self):
        return self.low is not None

    @property
    def large(self):
        """At least ``MIN_EFFECT`` away from 1, on either side."""
        return abs(math.log(self)) >= math.log1p(MIN_EFFECT)

    @property
    def sign(self):
        """+1: called above 1; -1: called below 1; 0: a tie.

        Without an interval, the side of 1 the ratio is on (1 itself: -1), as
        when a verdict was the order of two medians.
        """
        if not self.has_interval:
            return 1 if self > 1 else -1
        excludes_one = self.low > 1 or self.high < 1
        if not (excludes_one and self.large):
            return 0
        return 1 if self > 1 else -1


def _medians_ratio(n_num):
    def statistic(*samples, axis=-1):
        medians = [np.median(s, axis=axis) for s in samples]
        num = np.prod(medians[:n_num], axis=0)
        return num / np.prod(medians[n_num:], axis=0)

    return statistic


@lru_cache(maxsize=4096)
def _interval(num_samples, den_samples):
    data = [np.asarray(s, dtype=float) for s in (*num_samples, *den_samples)]
    if all(np.ptp(s) == 0 for s in data):
        value = float(_medians_ratio(len(num_samples))(*data))
        return value, value  # nothing varies: the bootstrap has nothing to resample
    result = stats.bootstrap(
        data,
        _medians_ratio(len(num_samples)),
        n_resamples=RESAMPLES,
        confidence_level=CONFIDENCE,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(SEED),
    )
    ci = result.confidence_interval
    return float(ci.low), float(ci.high)


def ratio(num, den):
    """The product of the ``num`` Timings' medians over that of the ``den``
    Timings', with its interval when every Timing has enough per-pass medians.

    Parameters
    ----------
    num, den : sequence of bench.report.model.Timing

    Returns
    -------
    Ratio
    """
    value = math.prod(t.median for t in num) / math.prod(t.median for t in den)
    samples = [t.samples for t in (*num, *den)]
    if any(s is None or len(s) < MIN_PASSES for s in samples):
        return Ratio(value)
    low, high = _interval(tuple(samples[: len(num)]), tuple(samples[len(num) :]))
    return Ratio(value, low, high)


def speedup(run, fast, base, dtype, n, d):
    """time(base) / time(fast) at one size, a Ratio, or None if one is missing."""
    t_fast, t_base = run.get(fast, dtype, n, d), run.get(base, dtype, n, d)
    if t_fast is None or t_base is None:
        return None
    return ratio([t_base], [t_fast])


def has_intervals(run):
    """Whether any case of ``run`` kept enough per-pass medians for an interval."""
    return any(
        t.samples is not None and len(t.samples) >= MIN_PASSES
        for t in run.timings.values()
    )


def fmt_ratio(value, suffix=""):
    """``11.6 [11.2, 12.0]``; a tie ``~1.02 [0.97, 1.08]``; no interval ``11.6``."""
    text = f"{fmt_sig(value, 3)}{suffix}"
    if not isinstance(value, Ratio) or not value.has_interval:
        return text
    mark = TIE if value.sign == 0 else ""
    return f"{mark}{text} [{fmt_sig(value.low, 3)}, {fmt_sig(value.high, 3)}]"


def verdict_word(value, above="faster", below="slower"):
    """``above``, ``below`` or ``tie`` for a Ratio with an interval, else ``""``."""
    if not isinstance(value, Ratio) or not value.has_interval:
        return ""
    return {1: above, -1: below, 0: "tie"}[value.sign]


# A measured ratio against a goal (the performance targets, bench/report/document.py)
def verdict(ratio, goal, tie_met=False):
    """``(kind, text)``: met, missed (by how much) or too close to call.

    With an interval, met means its low end reaches the goal and missed that its
    high end falls short; without one, the ratio itself decides. With
    ``tie_met``, a tie (``stats.Ratio.sign`` 0) is met too.
    """
    low = ratio.low if ratio.has_interval else ratio
    high = ratio.high if ratio.has_interval else ratio
    if low >= goal:
        return "met", "met"
    if tie_met and ratio.has_interval and ratio.sign == 0:
        return "met", "met: a tie"
    if high < goal:
        return "missed", f"missed by {fmt_cell(1 - ratio / goal, 'share')}"
    return "too close", "too close to call: the interval spans the target"


def target_ratio(run, target, dtype, n, d):
    """``target``'s measured value at one size, a ``Ratio``, or None if a case is
    missing: time(slow) / time(fast), slow in its own dtype if it has one; for a
    time budget, fast's time per sample in ns, with its interval."""
    fast = run.get(target.fast, dtype, n, d)
    if target.ns_per_sample:
        if fast is None:
            return None
        per = ratio([fast], [])  # the median, with its interval
        scale = 1e9 / n
        if not per.has_interval:
            return Ratio(per * scale)
        return Ratio(per * scale, per.low * scale, per.high * scale)
    slow = run.get(target.slow, target.slow_dtype or dtype, n, d)
    return None if fast is None or slow is None else ratio([slow], [fast])


def target_verdict(ratio, target):
    """``verdict`` of ``target``'s measured ratio; a time budget is met when the
    time's interval lies at or under the budget and missed (by the excess, as a
    share of the budget) when it lies over it."""
    if not target.ns_per_sample:
        return verdict(ratio, target.goal, target.tie_met)
    high = ratio.high if ratio.has_interval else ratio
    low = ratio.low if ratio.has_interval else ratio
    if high <= target.goal:
        return "met", "met"
    if low > target.goal:
        return "missed", f"missed by {fmt_cell(ratio / target.goal - 1, 'share')}"
    return "too close", "too close to call: the interval spans the target"


def interval_note():
    """How to read an interval and a tie, for the tables' notes."""
    return (
        f"[low, high]: {METHOD}. ~: a tie, the interval includes 1 or the two are"
        f" less than {MIN_EFFECT * 100:g} % apart; no winner is called."
    )


# Cases whose interval one pass sets (the re-timing of every run, bench/retime.py,
# and the lab's study of disturbed passes, lab/disturbed.py, both read them)

OUTLIER = 0.20


class OnePass(NamedTuple):
    """A case whose interval one pass sets: ``pass_no`` (1-based) lies
    ``deviation`` (signed, relative) from the median of the others."""

    impl: str
    dtype: str
    n: int
    d: int
    pass_no: int
    deviation: float


def one_pass_outlier(samples):
    """``(pass index, signed deviation)`` of a pass that alone sets the spread of
    ``samples``: its deviation from the median of the others is more than
    ``OUTLIER`` (20 %), while those others agree within half that; or None.

    A neighbour that slows the machine for a while lands in one pass of the grid;
    the bootstrap interval of a case with few passes can then reach out to that
    pass alone, and turn a clear verdict into a tie."""
    x = np.asarray(samples, dtype=float)
    if x.size < MIN_PASSES:
        return None
    for j in np.argsort(-np.abs(x - np.median(x)))[:1]:
        rest = np.delete(x, j)
        centre = np.median(rest)
        deviation = (x[j] - centre) / centre
        spread = (rest.max() - rest.min()) / centre
        if abs(deviation) > OUTLIER and spread < abs(deviation) / 2:
            return int(j), float(deviation)
    return None


def set_by_one_pass(run):
    """Every case of ``run`` whose interval one pass sets, as ``OnePass``; and
    how many cases kept enough passes to be judged."""
    found, judged = [], 0
    for (impl, dtype, n, d), t in sorted(run.timings.items()):
        if t.samples is None or len(t.samples) < MIN_PASSES:
            continue
        judged += 1
        hit = one_pass_outlier(t.samples)
        if hit is not None:
            found.append(OnePass(impl, dtype, n, d, hit[0] + 1, hit[1]))
    return found, judged


# ============================================================================
# the win map
# Which implementation wins each cell of the grid: the win map of ``summary.md``.
#
# In each (n, d) of a dtype the implementation with the smallest median wins. Every
# other one whose time is a tie with the winner's (``bench/report/stats.py``: the
# 95 % interval of time(other) / time(winner) includes 1, or the two are less than
# 5 % apart) shares the cell, written ``numba_simd ~ jax``, fastest first. Only
# implementations compete (``common.competitors``: those on one core, as the
# peers are): not the reference rows (scikit-learn, the streams), nor a threaded one
# or one on a GPU. In a run without intervals the medians' order decides, and
# nothing is a tie.

SHARED = f" {TIE} "  # between the names of a cell that two or more share


def cell_winners(run, dtype, n, d):
    """The implementations that share the fastest time at ``n x d``, fastest
    first; empty when none was measured there."""
    timed = sorted(
        (t.median, k, impl)
        for k, impl in enumerate(competitors(run.impls))
        if (t := run.get(impl, dtype, n, d)) is not None
    )
    if not timed:
        return []
    best = timed[0][2]
    tied = [
        impl
        for _, _, impl in timed[1:]
        if speedup(run, best, impl, dtype, n, d).sign == 0
    ]
    return [best, *tied]


def winner_text(names):
    """A cell of the win map: ``numba_simd``, ``numba_simd ~ jax``, or a dash."""
    return SHARED.join(names) if names else DASH


def tally(run, dtype):
    """``(wins, shared, cells)``: ``{impl: cells it wins alone}`` in the order of
    most cells, the cells shared by a tie, and the cells with a winner."""
    found = [cell_winners(run, dtype, n, d) for n, d in run.sizes(dtype)]
    found = [w for w in found if w]
    alone = Counter(w[0] for w in found if len(w) == 1)
    order = {impl: k for k, impl in enumerate(run.impls)}
    wins = dict(sorted(alone.items(), key=lambda kv: (-kv[1], order[kv[0]])))
    return wins, sum(len(w) > 1 for w in found), len(found)


def tally_text(run, dtype):
    """One sentence: how many cells each implementation wins in ``dtype``."""
    wins, shared, cells = tally(run, dtype)
    text = ", ".join(f"`{impl}` {count}" for impl, count in wins.items())
    if shared:
        text += f"{', ' if text else ''}shared by a tie {shared}"
    return f"Cells won in {dtype}, of {cells}: {text}."


WIN_NOTE = (
    "The fastest implementation in each cell of the grid (rows n, columns d), by"
    " median time, among those on one core; the reference rows do not compete."
    "{left_out} {ties} Empty: a size the grid does not have."
)


def render_win_map(run, level):
    """The win map, one table per dtype, each followed by its tally."""
    ties = (
        f'"A {TIE} B": B is a tie with A, the fastest, and shares the cell. '
        + interval_note()
        if has_intervals(run)
        else "This run kept no per-pass samples: the medians' order decides, and"
        " no cell is called a tie."
    )
    out = [i for i in run.impls if i not in competitors(run.impls)]
    left_out = (
        " Left out, as threaded or on a GPU: " + ", ".join(f"`{i}`" for i in out) + "."
        if out
        else ""
    )
    parts = [
        heading(level, "Which implementation wins"),
        WIN_NOTE.format(ties=ties, left_out=left_out),
    ]
    for dtype in run.dtypes:
        sizes = run.sizes(dtype)
        ns = sorted({n for n, _ in sizes})
        ds = sorted({d for _, d in sizes})
        rows = [
            [f"{n:,}"]
            + [
                winner_text(cell_winners(run, dtype, n, d)) if (n, d) in sizes else ""
                for d in ds
            ]
            for n in ns
        ]
        headers = ["n", *(f"d = {d:,}" for d in ds)]
        parts += [
            heading(level + 1, dtype),
            *md_tables(headers, rows, "r" + "l" * len(ds)),
            tally_text(run, dtype),
        ]
    return "\n\n".join(parts)
