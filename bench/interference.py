"""What else took the machine while a case was timed: steal, system time, preemptions.

A disturbed pass is a pass of the grid that is far off in many cases at once: the
machine, not the code (``bench/report/stats.py`` finds the cases one pass sets,
``lab/disturbed.py`` studies the passes). On a virtual machine of two
vCPUs the likely causes are the hypervisor running something else on our vCPUs
(the guest sees it as *steal* time, where the hypervisor reports it), the kernel's
own work in the process's name (system time), and other tasks of the guest
preempting the benchmark's threads (involuntary context switches). All three are
counted around each case's benchmark call (calibration, warmup and rounds; the step
and reference rows, not the first calls or the GPU rows), kept per pass in the
JSON, and shown by the report beside a case that one pass sets:

- ``steal_s``: the growth of the ``steal`` column of ``/proc/stat``'s ``cpu`` line,
  all CPUs together, in seconds (the kernel counts it in ticks of 1/USER_HZ, 10 ms
  on most systems: a short case shows 0); None where there is no ``/proc/stat``;
- ``system_s``: the growth of the process's system time (``getrusage``'s
  ``ru_stime``), all its threads together, in seconds; None where ``resource`` is
  missing. The steps themselves make few system calls (in the fixed allocator
  state none for their arrays; a threaded layer's parking and waking of its
  workers are some), so most of it is the kernel's work in the process's name:
  page faults, and interrupts where the kernel counts them to the task they
  interrupted (it does unless built with ``CONFIG_IRQ_TIME_ACCOUNTING``);
- ``nivcsw``: the growth of the process's involuntary context switches
  (``getrusage``), all its threads together; None where ``resource`` is missing.
"""

import os

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None

PROC_STAT = "/proc/stat"
STEAL_COLUMN = 8  # cpu user nice system idle iowait irq softirq steal ...


def _ticks_per_second():
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):  # pragma: no cover
        return 100


def steal_seconds(cpu=None):
    """Steal time since boot, in seconds, of all CPUs (``/proc/stat``'s ``cpu``
    line) or of CPU ``cpu`` (its ``cpuN`` line); None if not available."""
    label = "cpu" if cpu is None else f"cpu{cpu}"
    try:
        with open(PROC_STAT, encoding="ascii") as f:
            for line in f:
                fields = line.split()
                if fields and fields[0] == label:
                    break
            else:
                return None
    except OSError:
        return None
    if len(fields) <= STEAL_COLUMN:
        return None
    return int(fields[STEAL_COLUMN]) / _ticks_per_second()


def involuntary_switches():
    """The process's involuntary context switches so far; None if not available."""
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw


def system_seconds():
    """The process's system time so far (all threads), in seconds; None if not
    available."""
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def snapshot():
    """``(steal seconds, system seconds, involuntary switches)`` now."""
    return steal_seconds(), system_seconds(), involuntary_switches()


def since(before):
    """``{"steal_s": ..., "system_s": ..., "nivcsw": ...}``: what grew since
    ``before`` (a ``snapshot()``); a value is None where it is not available."""
    after = snapshot()
    steal, system, switches = (
        None if a is None or b is None else a - b
        for a, b in zip(after, before, strict=True)
    )
    return {
        "steal_s": None if steal is None else round(steal, 3),
        "system_s": None if system is None else round(system, 4),
        "nivcsw": switches,
    }
