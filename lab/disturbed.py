"""The lab's study of disturbed passes: the cases whose interval one pass sets,
and the passes disturbed in many cases, with what else took the machine.

A neighbour that slows the machine for a while lands in one pass of the grid; the
bootstrap interval of a case with few passes can then reach out to that pass alone,
and turn a clear verdict into a tie. The benchmark finds such cases
(``bench.report.stats.set_by_one_pass``: the most deviant pass more than
``OUTLIER``, 20 %, from the median of the others, while those agree within half
that) and times them again after every run (``bench/retime.py``). This study
reads what remains:

- a pass is *disturbed* when it is such an outlier in at least ``MANY`` cases
  (three, and 5 % of the cases that kept passes): the machine, not the code.

The report lists both, so that a wide interval is read for what it is; where the
run recorded the machine's steal time and the process's system time per pass
(``bench/interference.py``), it says how much of each fell in the deviant pass
against the others, so that a hypervisor taking the vCPUs is told apart from the
code (``python -m lab gaps`` says more of what took the machine).
"""

from collections import Counter
from typing import NamedTuple

import numpy as np

from bench.report.common import heading, md_table
from bench.report.stats import OnePass, set_by_one_pass

MANY = 3
MANY_SHARE = 0.05
# the per-pass series of bench/interference.py, as bench/passes.py keeps them
STEAL, SYSTEM, SWITCHES = "pass_steal_s", "pass_system_s", "pass_nivcsw"


class Disturbed(NamedTuple):
    """A case one pass sets (``bench.report.stats.OnePass``) with, where the
    run recorded them, the machine's steal time in that pass and the median of
    the others' (seconds), and the same of the process's system time and of its
    involuntary context switches."""

    case: OnePass
    steal: tuple | None = None
    system: tuple | None = None
    switches: tuple | None = None


def _that_and_others(values, j):
    """``(values[j], median of the others)``, or None without values."""
    if values is None:
        return None
    return (values[j], float(np.median(np.delete(np.asarray(values), j))))


def with_interference(run, found):
    """``found`` (``OnePass``) as ``Disturbed``, each with what else took the
    machine in its deviant pass."""
    out = []
    for c in found:
        kept = run.timings[(c.impl, c.dtype, c.n, c.d)].per_pass
        j = c.pass_no - 1
        out.append(
            Disturbed(
                c,
                *(_that_and_others(kept.get(k), j) for k in (STEAL, SYSTEM, SWITCHES)),
            )
        )
    return out


def disturbed_passes(found, judged):
    """``{pass_no: cases}`` for the passes that are outliers in many cases
    (``found``: ``OnePass``, of ``judged`` cases)."""
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
    " report what it takes as steal: `python -m lab gaps` measures what each CPU"
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
    found = with_interference(run, found)
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
        worst = sorted(found, key=lambda c: -abs(c.case.deviation))[:SHOWN]
        with_steal = any(c.steal is not None for c in worst)
        with_system = any(c.system is not None for c in worst)
        with_switches = any(c.switches is not None for c in worst)
        rows = [
            [
                c.case.dtype,
                c.case.impl,
                f"{c.case.n:,} x {c.case.d:,}",
                str(c.case.pass_no),
                f"{100 * c.case.deviation:+.0f} %",
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
