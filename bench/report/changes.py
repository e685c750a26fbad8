"""Two runs case by case, or three: what ``python -m bench compare`` computes.

A change is one case measured in BASE and NEW: the ratio NEW / BASE of its two
medians, with the 95 % interval of ``bench/report/intervals.py``, and the mark
that interval allows: ``+`` NEW is slower, ``-`` faster, ``~`` no significant
change (the interval includes 1, or the two are less than ``MIN_EFFECT`` apart).

Two runs minutes apart differ by the machine's drift as well as by the code, and
a drift of a tenth between two runs is common on a shared machine
(``make rerun-check``). A third run tells the two apart: BASE's code timed again
after NEW (base, new, base again). NEW is then marked only where it lies outside
both bases on the same side: significantly slower than BASE *and* than BASE
again, or faster than both. A drift over the three runs puts NEW between the two
bases and leaves it unmarked; a change of the code moves NEW away from both. The
same rule marks each speedup pair. The harness and order checks bracket their
runs in the same spirit, with a 10 % band instead of intervals
(``bench/report/harnesses.py``, ``bench/report/order_check.py``).
"""

import math
from dataclasses import dataclass, replace

from bench.report.common import ReportError
from bench.report.comparisons import speedup_pairs
from bench.report.intervals import TIE, ratio, speedup

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
    ratio : bench.report.intervals.Ratio
        time(NEW) / time(BASE).
    again : bench.report.model.Timing or None
        The case in BASE again.
    again_ratio : bench.report.intervals.Ratio or None
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
