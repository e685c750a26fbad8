"""Where a vCPU's time goes when a thread wants all of it: the gaps it cannot see.

A disturbed pass (``lab/disturbed.py``) is the machine, not the code; this
module says what on the machine. A thread that does nothing but read the clock in
a tight loop sees every stretch in which it did not run as a gap between two
readings: an interrupt, another task, the hypervisor running something else on
the vCPU. ``python -m lab gaps`` pins such a thread to each CPU the process may
use, in turn, in slices of ``SLICE`` seconds until each CPU has had ``--seconds``,
so that a spell of disturbance meets every CPU's probe alike, and writes a table of
what it lost on each (``results/machine/gaps.md``):

- *short* gaps (``GAP_NS`` to ``LONG_NS``, 5 µs to 1 ms): interrupts (the kernel's
  timer tick among them); their rate and their median length;
- *long* gaps (over ``LONG_NS``): a scheduler's time slice, the guest's or the
  host's; how many, the median and the longest;
- beside them, over the same seconds, the growth of the pinned CPU's steal time in
  ``/proc/stat`` (what the hypervisor reports it took), the thread's involuntary
  context switches (the guest's scheduler giving the CPU to another task) and its
  system time (the kernel's work in its name, counted tick by tick). Long gaps
  with no switch, no system time and no steal to match were not the guest's
  scheduler and not counted work: the host held the vCPU without reporting it;
- and the tasks of the machine that took CPU time meanwhile, on any CPU, as far as
  ``/proc/<pid>/stat`` shows them (a task that ended during the probe is not):
  candidates for what the guest's scheduler gave the CPU to.

A threaded case waits for its slowest thread: one long gap on one vCPU delays the
whole parallel region by its length, whatever the size of the problem, which is
the signature of a disturbed pass of a threaded case. What a machine loses changes
with time, so one probe is a sample of the machine, not a constant of it; the page
says when it was taken.
"""

import math
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bench import interference
from bench.report.common import md_table

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None

GAP_NS = 5_000
LONG_NS = 1_000_000
SECONDS = 10.0
SLICE = 0.5
MIN_SECONDS = 0.01
OUT = Path(__file__).resolve().parent.parent / "results" / "machine"
PROC = Path("/proc")
TOP_TASKS = 5


class Gaps(NamedTuple):
    """What the probes of one CPU saw.

    ``cpu``: the CPU they were pinned to (None: not pinned). ``span_s``: seconds
    probed. ``short``, ``long``: the lengths of the short and the long gaps, in
    seconds, in the order they came. ``steal_s``, ``system_s``: the growth of the
    CPU's steal time and of the thread's system time, seconds; ``switches``: the
    thread's involuntary context switches (None where not available).
    ``slice_s``: the seconds of each probe.
    """

    cpu: int | None
    span_s: float
    short: tuple
    long: tuple
    steal_s: float | None = None
    system_s: float | None = None
    switches: int | None = None
    slice_s: float | None = None

    @property
    def lost(self):
        """The share of the span in gaps (0 for an empty span)."""
        if self.span_s <= 0:
            return 0.0
        return (sum(self.short) + sum(self.long)) / self.span_s


def spin(seconds, clock=time.perf_counter_ns):
    """Read ``clock`` (nanoseconds) for ``seconds``; every step between two
    readings longer than ``GAP_NS``.

    Returns
    -------
    span_ns : int
        From the first reading to the last.
    gaps : list of int
        The steps over ``GAP_NS``, nanoseconds, in order.
    """
    first = prev = clock()
    end = first + int(seconds * 1e9)
    gaps = []
    while prev < end:
        now = clock()
        if now - prev > GAP_NS:
            gaps.append(now - prev)
        prev = now
    return prev - first, gaps


def _thread_usage():
    """``(system seconds, involuntary switches)`` of this thread, or Nones."""
    if resource is None or not hasattr(resource, "RUSAGE_THREAD"):
        return None, None
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return usage.ru_stime, usage.ru_nivcsw


def _grew(before, after):
    return None if before is None or after is None else after - before


def probe(cpu, seconds=SLICE, clock=time.perf_counter_ns):
    """Spin on ``cpu`` (None: where the scheduler puts the thread) for
    ``seconds``; a ``Gaps``. The thread's CPU affinity is restored after.

    Raises
    ------
    ValueError
        ``cpu`` is not one this process may run on.
    """
    pinned = cpu is not None and hasattr(os, "sched_setaffinity")
    if pinned:
        allowed = os.sched_getaffinity(0)
        if cpu not in allowed:
            raise ValueError(
                f"cpu must be one this process may run on ({sorted(allowed)}),"
                f" got {cpu!r}"
            )
        os.sched_setaffinity(0, {cpu})
    try:
        steal0, (system0, switches0) = interference.steal_seconds(cpu), _thread_usage()
        span, gaps = spin(seconds, clock)
        steal1, (system1, switches1) = interference.steal_seconds(cpu), _thread_usage()
    finally:
        if pinned:
            os.sched_setaffinity(0, allowed)
    gaps = [g / 1e9 for g in gaps]
    return Gaps(
        cpu if pinned else None,
        span / 1e9,
        tuple(g for g in gaps if g <= LONG_NS / 1e9),
        tuple(g for g in gaps if g > LONG_NS / 1e9),
        _grew(steal0, steal1),
        _grew(system0, system1),
        _grew(switches0, switches1),
        seconds,
    )


def merged(probes):
    """One ``Gaps`` of several probes of the same CPU, in the order taken."""

    def total(values):
        return None if any(v is None for v in values) else sum(values)

    return Gaps(
        probes[0].cpu,
        sum(g.span_s for g in probes),
        tuple(x for g in probes for x in g.short),
        tuple(x for g in probes for x in g.long),
        total([g.steal_s for g in probes]),
        total([g.system_s for g in probes]),
        total([g.switches for g in probes]),
        probes[0].slice_s,
    )


def probe_all(seconds=SECONDS, slice_s=SLICE, clock=time.perf_counter_ns):
    """Every CPU of ``cpus()`` probed in turn, ``slice_s`` at a time (or
    ``seconds`` at once, if less), until each has had ``seconds``; one merged
    ``Gaps`` per CPU.

    Raises
    ------
    ValueError
        ``seconds`` or ``slice_s`` is not a finite number of at least
        ``MIN_SECONDS``.
    """
    for name, value in (("seconds", seconds), ("slice_s", slice_s)):
        if not (math.isfinite(value) and value >= MIN_SECONDS):
            raise ValueError(
                f"{name} must be a finite number of seconds >= {MIN_SECONDS:g},"
                f" got {value!r}"
            )
    slices = max(1, round(seconds / slice_s))
    every = cpus()
    taken = {cpu: [] for cpu in every}
    for _ in range(slices):
        for cpu in every:
            taken[cpu].append(probe(cpu, seconds / slices, clock))
    return [merged(taken[cpu]) for cpu in every]


def cpus():
    """The CPUs this process may run on, or ``[None]`` where it cannot tell."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return [None]  # pragma: no cover - not on Linux


def task_times(proc=PROC, ticks=None):
    """``{pid: (name, CPU seconds so far)}`` of every task but this process, from
    ``/proc/<pid>/stat`` (user and system time); ``{}`` where there is no
    ``/proc``. (A kernel worker's name changes with the work it does.)"""
    if ticks is None:
        ticks = interference._ticks_per_second()
    out = {}
    try:
        entries = list(proc.iterdir())
    except OSError:
        return out
    for entry in entries:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # ended meanwhile, or not ours to read
        name = text[text.find("(") + 1 : text.rfind(")")]
        # after "pid (comm) ": state is field 3, utime and stime fields 14 and 15
        fields = text[text.rfind(")") + 2 :].split()
        if len(fields) > 12:
            out[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / ticks)
    return out


def busiest(before, after, top=TOP_TASKS):
    """The ``top`` tasks that took the most CPU between two ``task_times``:
    ``[(pid, name, seconds)]``, busiest first, none that took nothing."""
    grew = [
        (pid, name, t - before.get(pid, (name, 0.0))[1])
        for pid, (name, t) in after.items()
    ]
    grew = [g for g in grew if g[2] > 0]
    return sorted(grew, key=lambda g: -g[2])[:top]


def _ms(seconds, digits=1):
    return "—" if seconds is None else f"{seconds * 1e3:,.{digits}f}"


HEADERS = [
    "CPU",
    "time lost",
    "short gaps / s",
    "short gap, median (µs)",
    "long gaps",
    "long gap, median (ms)",
    "longest (ms)",
    "steal (ms)",
    "switched out (times)",
    "system time (ms)",
]


def _row(g):
    short, long_ = np.asarray(g.short), np.asarray(g.long)
    return [
        "any" if g.cpu is None else str(g.cpu),
        f"{100 * g.lost:.1f} %",
        f"{len(short) / g.span_s:,.0f}" if g.span_s > 0 else "—",
        f"{np.median(short) * 1e6:,.0f}" if short.size else "—",
        str(len(long_)),
        _ms(float(np.median(long_)) if long_.size else None),
        _ms(float(long_.max()) if long_.size else None),
        _ms(g.steal_s, 0),
        "—" if g.switches is None else str(g.switches),
        _ms(g.system_s),
    ]


def render(probes, when, machine, others=()):
    """The markdown page of ``probes`` (a list of ``Gaps``) and of ``others``
    (``busiest``'s list for the same seconds)."""
    seconds = min(g.span_s for g in probes)
    slice_s = probes[0].slice_s or seconds
    return "\n\n".join(
        [
            "# Gaps: what a spinning thread did not get of each CPU",
            f"`python -m lab gaps`, {when}, on {machine}. A thread pinned to each"
            f" CPU in turn, {slice_s:.3g} s at a time, {seconds:.3g} s on each,"
            f" read the clock in a loop; a step between two readings over"
            f" {GAP_NS / 1e3:.0f} µs is a gap, *short* up to {LONG_NS / 1e6:.0f} ms"
            " (interrupts), *long* beyond (a time slice: another task, or the host"
            " holding the vCPU). Over the same seconds: steal, the growth of the"
            " CPU's steal column in `/proc/stat`, what the hypervisor reports it"
            " took; switched out, the thread's involuntary context switches, the"
            " guest giving the CPU to another task; system time, the kernel's work"
            " the guest counted in the thread's name (tick by tick). Long gaps"
            " that none of the three accounts for were the host's, unreported."
            " What a machine loses changes with time: this is one sample of it"
            " (`bench/gaps.py`).",
            md_table(HEADERS, [_row(g) for g in probes], "l" + "r" * 9),
            _others(others, sum(g.span_s for g in probes)),
        ]
    )


def _others(others, span_s):
    if not others:
        return (
            "No other task that `/proc` shows took CPU time meanwhile (one that"
            " ended during the probe is not shown)."
        )
    rows = [[str(pid), name, f"{t * 1e3:,.0f}"] for pid, name, t in others]
    return "\n\n".join(
        [
            f"The other tasks that took the most CPU time in those {span_s:.3g} s,"
            " on any CPU (`/proc/<pid>/stat`, in ticks of the kernel's USER_HZ; a"
            " task that ended during the probe is not shown):",
            md_table(["pid", "task", "CPU time (ms)"], rows, "llr"),
        ]
    )


HELP = "the gaps a clock-reading thread sees on each CPU"


def add_arguments(parser):
    """``python -m lab gaps``'s arguments."""
    parser.add_argument(
        "--seconds",
        type=float,
        default=SECONDS,
        help=f"seconds on each CPU, in slices of {SLICE:g} s (default {SECONDS:g})",
    )
    parser.add_argument("--out", type=Path, default=OUT)


def run(args, parser):
    """Probe each CPU, write ``gaps.md``; the exit code."""
    if not (math.isfinite(args.seconds) and args.seconds >= MIN_SECONDS):
        parser.error(
            f"argument --seconds: must be a finite number >= {MIN_SECONDS:g},"
            f" got {args.seconds}"
        )
    from bench.environment import cpu_name

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{cpu_name()} ({platform.platform()})"
    before = task_times()
    probes = probe_all(args.seconds)
    text = render(probes, when, machine, busiest(before, task_times()))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "gaps.md"
    path.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"\nwrote {path}")
    return 0
