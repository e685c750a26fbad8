"""One allocator state in every timing process: glibc malloc's thresholds fixed.

glibc's malloc serves a block above its mmap threshold (128 KiB at start) with a
fresh ``mmap`` and returns it to the kernel when it is freed, so the next call's
temporaries are page-faulted in again; and it raises that threshold each time a
larger mmap'd block is freed. A process that has already freed a large array (a
bigger case earlier in the grid) therefore keeps NumPy's temporaries in its heap,
warm, while a fresh process faults them in on every call: the same step, timed
alone or inside a grid, differed by up to 2x. So every process that times the step
(pytest-benchmark's, each pyperf worker, the first-call processes, the lesson)
fixes the state when it starts (``apply``):

- ``fixed`` (the default): ``M_MMAP_THRESHOLD`` = 32 MiB (glibc's largest) and
  ``M_TRIM_THRESHOLD`` = 128 MiB, set with ``mallopt``, which also stops glibc from
  moving them. NumPy's temporaries (arrays of n values, 8 MB at n = 1e6 in float64)
  then live in the heap and are reused from call to call, as in a long-running
  training loop, whatever ran before.
- ``default`` (``LOOPBENCH_MALLOC=default``): glibc as it starts, thresholds moving
  with the process's history. pyperf's fresh worker processes in this state fault
  NumPy's temporaries in at every call, as a short program does:
  ``python -m bench pyperf --malloc default`` measures that cost (``make
  bench-pyperf`` does, for the implementations that allocate per call), and the
  report sets it against the fixed state, in the same harness.

On a platform without glibc nothing is set, and the record says so.
"""

import ctypes
import ctypes.util
import os
import platform
from functools import cache

STATE_ENV = "LOOPBENCH_MALLOC"
STATES = ("fixed", "default")
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
FIXED_MMAP_THRESHOLD = 32 * 1024 * 1024
FIXED_TRIM_THRESHOLD = 128 * 1024 * 1024
THP = "/sys/kernel/mm/transparent_hugepage/enabled"


def requested_state():
    """``$LOOPBENCH_MALLOC``: ``fixed`` (default) or ``default``.

    Raises
    ------
    ValueError
        Any other value.
    """
    state = os.environ.get(STATE_ENV, "fixed").strip().lower() or "fixed"
    if state not in STATES:
        raise ValueError(
            f"{STATE_ENV} must be one of {', '.join(STATES)}, got {state!r}"
        )
    return state


@cache
def _libc():
    """glibc, or None on another C library."""
    if platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _mallopt(param, value):
    if _libc() is None or _libc().mallopt(param, value) != 1:
        raise OSError(f"mallopt({param}, {value}) failed")


_applied = {"state": None}


def apply(state=None):
    """Put this process's allocator in ``state`` (default: ``requested_state()``);
    return ``describe()``."""
    state = state or requested_state()
    if _libc() is not None and state == "fixed":
        _mallopt(M_MMAP_THRESHOLD, FIXED_MMAP_THRESHOLD)
        _mallopt(M_TRIM_THRESHOLD, FIXED_TRIM_THRESHOLD)
    _applied["state"] = state if _libc() is not None else None
    return describe()


def describe():
    """The allocator state of this process, JSON-serializable."""
    name, version = platform.libc_ver()
    try:
        with open(THP) as f:
            thp = f.read().strip()
    except OSError:
        thp = None
    info = {"libc": f"{name} {version}".strip() or "unknown", "thp": thp}
    if _libc() is None:
        info["state"] = "not glibc: the C library's allocator as it is"
        return info
    info["state"] = _applied["state"] or "not set (glibc as it started)"
    if _applied["state"] == "fixed":
        info["mmap_threshold"] = FIXED_MMAP_THRESHOLD
        info["trim_threshold"] = FIXED_TRIM_THRESHOLD
    return info
