"""Cases whose interval is set by one pass, and passes disturbed in many cases.

A neighbour that slows the machine for a while lands in one pass of the grid; the
bootstrap interval of a case with few passes can then reach out to that pass alone,
and turn a clear verdict into a tie. This module finds such cases from the
per-pass medians a run kept (``bench/passes.py``, in pass order):

- a case is *set by one pass* when its most deviant pass lies more than
  ``OUTLIER`` (20 %) from the median of the other passes, while those others agree
  within half that deviation;
- a pass is *disturbed* when it is such an outlier in at least ``MANY`` cases
  (three, and 5 % of the cases that kept passes): the machine, not the code.

The report lists both, so that a wide interval is read for what it is; where the
run recorded the machine's steal time and the process's system time per pass
(``bench/interference.py``), it says how much of each fell in the deviant pass
against the others, so that a hypervisor taking the vCPUs is told apart from the
code (``python -m bench gaps`` says more of what took the machine).
"""

from collections import Counter
from typing import NamedTuple

import numpy as np

from bench.report.formatting import heading, md_table
from bench.report.intervals import MIN_PASSES

OUTLIER = 0.20
MANY = 3
MANY_SHARE = 0.05


class OnePass(NamedTuple):
    """A case whose interval one pass sets: ``pass_no`` (1-based) lies
    ``deviation`` (signed, relative) from the median of the others. ``steal``:
    the machine's steal time in that pass and the median of the others'
    (seconds), or None where the run did not record it; ``system``,
    ``switches``: the same of the process's system time and of its involuntary
    context switches."""

    impl: str
    dtype: str
    n: int
    d: int
    pass_no: int
    deviation: float
    steal: tuple | None = None
    system: tuple | None = None
    switches: tuple | None = None


def _that_and_others(values, j):
    """``(values[j], median of the others)``, or None without values."""
    if values is None:
        return None
    return (values[j], float(np.median(np.delete(np.asarray(values), j))))


def one_pass_outlier(samples):
    """``(pass index, signed deviation)`` of a pass that alone sets the spread of
    ``samples``, or None."""
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
            j = hit[0]
            found.append(
                OnePass(
                    impl,
                    dtype,
                    n,
                    d,
                    j + 1,
                    hit[1],
                    _that_and_others(t.pass_steal, j),
                    _that_and_others(t.pass_system, j),
                    _that_and_others(t.pass_switches, j),
                )
            )
    return found, judged


def disturbed_passes(found, judged):
    """``{pass_no: cases}`` for the passes that are outliers in many cases."""
    counts = Counter(c.pass_no for c in found)
    floor = max(MANY, MANY_SHARE * judged)
    return {p: k for p, k in sorted(counts.items()) if k >= floor}


NOTE = (
    "A case is listed when its most deviant pass lies more than 20 % from the median"
    " of its other passes while those agree within half that: its interval is then"
    " that one pass's, not the code's. A pass that is such an outlier in many cases"
    " at once (at least 3, and 5 % of the cases) was disturbed as a whole."
)
SHOWN = 25
STEAL_NOTE = (
    "Steal: the time the hypervisor says it gave this machine's vCPUs to something"
    " else while the case was timed (`/proc/stat`, all CPUs, in USER_HZ ticks: 10 ms"
    " on most Linux systems), in the deviant pass and the median of the others."
)
SYSTEM_NOTE = (
    "System time: the kernel's time in the benchmark process's name while the case"
    " was timed (`getrusage`, all threads), in the deviant pass and the median of"
    " the others. The step makes few system calls, so milliseconds more in one pass"
    " are the kernel's own work: interrupts, page faults. A hypervisor need not"
    " report what it takes as steal: `python -m bench gaps` measures what each CPU"
    " loses, and what accounts for it."
)
SWITCHES_NOTE = (
    "Switched out: the times the guest's scheduler took a CPU from the benchmark"
    " process for another task while the case was timed (involuntary context"
    " switches, all threads), in the deviant pass and the median of the others."
)


def _cell(pair, digits=0, scale=1e3):
    if pair is None:
        return "—"
    that, others = pair[0] * scale, pair[1] * scale
    if not digits and others != round(others):  # a median of counts: 2.5, not 2
        return f"{that:,.0f} / {others:,.1f}"
    return f"{that:,.{digits}f} / {others:,.{digits}f}"


def render_disturbed(run, level):
    """The section, or an empty string for a run without per-pass medians."""
    found, judged = set_by_one_pass(run)
    if not judged:
        return ""
    passes = disturbed_passes(found, judged)
    if not found:
        summary = (
            f"No case of the {judged} with passes has its interval set by one pass."
        )
    else:
        summary = f"{len(found)} of {judged} cases have their interval set by one pass."
        if passes:
            summary += (
                " Disturbed passes: "
                + ", ".join(f"pass {p} (in {k} cases)" for p, k in passes.items())
                + "."
            )
    if run.retimed:
        keys = ("impl", "dtype", "n", "d")
        cases = {tuple(r.get(k) for k in keys) for r in run.retimed}
        rounds = max(int(r.get("round") or 1) for r in run.retimed)
        summary += (
            f" After the run, {len(cases)} case(s) one pass had set were timed"
            " again, all their passes (`bench/retime.py`)"
            + (f", in up to {rounds} rounds" if rounds > 1 else "")
            + "; the tables show the new timings, and this list what remains."
        )
    parts = [heading(level, "Cases whose interval one pass sets"), NOTE, summary]
    if found:
        worst = sorted(found, key=lambda c: -abs(c.deviation))[:SHOWN]
        with_steal = any(c.steal is not None for c in worst)
        with_system = any(c.system is not None for c in worst)
        with_switches = any(c.switches is not None for c in worst)
        rows = [
            [
                c.dtype,
                c.impl,
                f"{c.n:,} x {c.d:,}",
                str(c.pass_no),
                f"{100 * c.deviation:+.0f} %",
                *([_cell(c.steal)] if with_steal else []),
                *([_cell(c.system, 1)] if with_system else []),
                *([_cell(c.switches, scale=1)] if with_switches else []),
            ]
            for c in worst
        ]
        headers = ["dtype", "implementation", "n x d", "pass", "off by"]
        if with_steal:
            parts.append(STEAL_NOTE)
            headers.append("steal: that pass / the others (ms)")
        if with_system:
            parts.append(SYSTEM_NOTE)
            headers.append("system time: that pass / the others (ms)")
        if with_switches:
            parts.append(SWITCHES_NOTE)
            headers.append("switched out: that pass / the others")
        align = "lllrr" + "r" * (with_steal + with_system + with_switches)
        parts.append(md_table(headers, rows, align))
        if len(found) > SHOWN:
            parts.append(f"({len(found) - SHOWN} more, less far off, not shown.)")
    return "\n\n".join(parts)
