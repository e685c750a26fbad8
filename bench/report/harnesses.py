"""The two harnesses side by side: pyperf's median of each case against
pytest-benchmark's, from the same allocator and collector states
(``bench/allocator.py``, ``bench/collector.py``).

pyperf times each case in fresh worker processes; pytest-benchmark in passes, a
process each. With the allocator's thresholds fixed in both, the same case
should take the same time under either: every case that differs by more than
``AGREE`` (10 %) is listed with the ratio, and every speedup pair whose verdict
(which one is faster) the two harnesses reverse is named: a winner each calls,
not a tie in either.
"""

from bench.report.common import DASH
from bench.report.comparisons import speedup_pairs
from bench.report.formatting import fmt_sig, heading, md_table
from bench.report.intervals import MIN_EFFECT, Ratio, speedup

AGREE = 0.10
SHOWN = 30


def harness_ratios(run, medians):
    """``{(impl, dtype, n, d): pyperf median / pytest-benchmark median}`` over the
    cases both timed."""
    out = {}
    for (impl, dtype, n, d), seconds in medians.items():
        t = run.median(impl, dtype, n, d)
        if t is not None and t > 0:
            out[(impl, dtype, n, d)] = seconds / t
    return out


def _called(ratio):
    """+1 / -1: a winner called; 0: a tie (``bench.report.intervals``). A ratio
    without interval (pyperf's, or an older run's) is a tie within
    ``MIN_EFFECT`` of 1."""
    if ratio.has_interval:
        return ratio.sign
    return (1 if ratio > 1 else -1) if ratio.large else 0


def reversed_verdicts(run, medians):
    """``[(a, b, dtype, n, d)]`` where pyperf and pytest-benchmark each call a
    winner of a speedup pair, and not the same one: each ratio at least
    ``MIN_EFFECT`` from 1, and pytest-benchmark's interval, where it has one,
    excluding 1. A tie in either is no verdict to reverse."""
    timed = {k[0] for k in medians}
    sizes = sorted({k[1:] for k in medians})
    out = []
    for a, b in speedup_pairs([i for i in run.impls if i in timed]):
        for dtype, n, d in sizes:
            pa, pb = medians.get((a, dtype, n, d)), medians.get((b, dtype, n, d))
            ours = speedup(run, a, b, dtype, n, d)
            if None in (pa, pb, ours) or not pa > 0:
                continue
            theirs, called = _called(Ratio(pb / pa)), _called(ours)
            if theirs and called and theirs != called:
                out.append((a, b, dtype, n, d))
    return out


DRIFT = f"the machine moved: within {100 * AGREE:g} % of run B, or between A and B"
OFF_BOTH = "off both runs (docs/timing.md: what that was on the developer's machine)"
NO_B = "not in run B"


def off_cases(run_a, run_b, medians):
    """Every case where pyperf lies more than ``AGREE`` from run A, with why.

    Parameters
    ----------
    run_a, run_b : Run
        Two pytest-benchmark runs of the same cases, taken before and after
        pyperf (``python -m bench harness-check``).
    medians : dict
        pyperf's medians, ``{(impl, dtype, n, d): seconds}``.

    Returns
    -------
    list of tuple
        ``(key, pyperf / A, pyperf / B or None, reason)``, worst first; the reason
        is ``DRIFT`` where pyperf lies within ``AGREE`` of run B, or between A and
        B (the machine's speed moved in the minutes between the runs, and pyperf
        with it), ``NO_B`` where run B has no time of the case, else
        ``OFF_BOTH`` (``docs/timing.md``, "Two harnesses", says what such a case
        was when the developer's machine was measured: not what the harnesses
        time, but one process's or one minute's speed).
    """
    out = []
    for key, ratio in harness_ratios(run_a, medians).items():
        if abs(ratio - 1) <= AGREE:
            continue
        b = run_b.median(*key)
        if not b:
            out.append((key, ratio, None, NO_B))
            continue
        to_b = medians[key] / b
        between = (ratio - 1) * (to_b - 1) <= 0
        near_b = abs(to_b - 1) <= AGREE
        out.append((key, ratio, to_b, DRIFT if near_b or between else OFF_BOTH))
    return sorted(out, key=lambda row: -abs(row[1] - 1))


def render_off_cases(rows, level):
    """The table of ``off_cases`` (for the harness check's ``compare.md``)."""
    if not rows:
        return ""
    table = [
        [
            dt,
            impl,
            f"{n:,} x {d:,}",
            f"{fmt_sig(to_a)}x",
            f"{fmt_sig(to_b)}x" if to_b is not None else DASH,
            reason,
        ]
        for (impl, dt, n, d), to_a, to_b, reason in rows
    ]
    return "\n\n".join(
        [
            heading(level, "pyperf against runs A and B: the cases off run A"),
            f"Every case whose pyperf median lies more than {100 * AGREE:.0f} % from"
            " run A's, with pyperf against run B, taken minutes later, beside it.",
            md_table(
                ["dtype", "implementation", "n x d", "pyperf / A", "pyperf / B", "why"],
                table,
                "lllrrl",
            ),
        ]
    )


def render_harnesses(run, medians, level, title=None, where=None):
    """The comparison section (for ``pyperf.md``); empty when no case is shared.

    Parameters
    ----------
    run : Run
        The pytest-benchmark run to set pyperf against.
    medians : dict
        pyperf's medians, ``{(impl, dtype, n, d): seconds}``.
    level : int
        Heading level.
    title : str, optional
        The section's heading; default "pyperf against pytest-benchmark".
    where : str, optional
        The run's file as the text names it; default its file name.
    """
    ratios = harness_ratios(run, medians)
    if not ratios:
        return ""
    off = {k: r for k, r in ratios.items() if abs(r - 1) > AGREE}
    flips = reversed_verdicts(run, medians)
    share = 100 * (len(ratios) - len(off)) / len(ratios)
    parts = [
        heading(level, title or "pyperf against pytest-benchmark"),
        f"pyperf's median of each case over the median of the same case in"
        f" `{where or run.source}` (pytest-benchmark, preset {run.preset}):"
        f" {len(ratios)} cases in common, {len(ratios) - len(off)} ({share:.0f} %)"
        f" within {100 * AGREE:.0f} %.",
        "Verdicts reversed between the two harnesses (a winner called by both,"
        f" {100 * MIN_EFFECT:g} % apart or more, pytest-benchmark's interval"
        " excluding 1): "
        + (
            "; ".join(f"{a} vs {b} at {n:,} x {d:,} {dt}" for a, b, dt, n, d in flips)
            if flips
            else "none."
        ),
    ]
    if off:
        worst = sorted(off.items(), key=lambda kv: -abs(kv[1] - 1))[:SHOWN]
        rows = [
            [dt, impl, f"{n:,} x {d:,}", f"{fmt_sig(r)}x"]
            for (impl, dt, n, d), r in worst
        ]
        parts.append(
            md_table(
                ["dtype", "implementation", "n x d", "pyperf / pytest"], rows, "lllr"
            )
        )
    return "\n\n".join(parts)


def render_allocation_cost(medians, level):
    """What the temporaries cost: each implementation pyperf timed in both
    allocator states, the default state's time over the fixed one's, per case;
    empty when no implementation was timed in both."""
    from bench.report.pyperf_medians import DEFAULT_MALLOC

    pairs = sorted(
        (k, medians[(k[0] + DEFAULT_MALLOC, *k[1:])] / t)
        for k, t in medians.items()
        if (k[0] + DEFAULT_MALLOC, *k[1:]) in medians
    )
    if not pairs:
        return ""
    impls = list(dict.fromkeys(k[0] for k, _ in pairs))
    sizes = sorted({(k[1], k[2], k[3]) for k, _ in pairs})
    ratio = dict(pairs)
    rows = [
        [dt, f"{n:,} x {d:,}"]
        + [
            f"{fmt_sig(r)}x" if (r := ratio.get((i, dt, n, d))) is not None else "—"
            for i in impls
        ]
        for dt, n, d in sizes
    ]
    return "\n\n".join(
        [
            heading(level, "What the temporaries cost: allocation and page faults"),
            "Time per step with glibc's allocator as a fresh process starts it"
            " (`python -m bench pyperf --malloc default`: each large temporary is"
            " mapped afresh and page-faulted in at every call) over the time with the"
            " thresholds fixed (`bench/allocator.py`: the temporaries reused from"
            " call to call, as in every other table), both under pyperf. Above 1:"
            " what allocating per call costs when the memory is not reused."
            + _drift_note([r for _, r in pairs]),
            md_table(["dtype", "n x d", *impls], rows, "ll" + "r" * len(impls)),
        ]
    )


# The default state does the same work and more: a ratio this far below 1 is the
# machine's speed moving between the two pyperf runs, not the allocator.
DRIFT_BELOW = 0.9


def _drift_note(ratios):
    low = [r for r in ratios if r < DRIFT_BELOW]
    if not low:
        return ""
    return (
        f" {len(low)} of {len(ratios)} ratios here are below {DRIFT_BELOW:g}"
        f" (down to {fmt_sig(min(low))}x): the default state does the same work"
        " and maps its temporaries afresh besides, so it cannot be that much"
        " faster; the machine ran at another speed in the two runs, which are"
        " minutes apart. Read every ratio of this table as that uncertain."
    )
