"""One allocator state in every timing process (``bench/allocator.py``).

What this module proves
-----------------------
- ``apply()`` fixes glibc's thresholds (``fixed``, the default) and records them;
  ``LOOPBENCH_MALLOC=default`` leaves glibc as it starts and records that; any
  other value is refused with the variable's name.
- The record is in what every run stores (``bench.environment.describe``), beside
  the CPU's caches that the cost model reads.
- In the fixed state, a NumPy temporary of a few MB freed and taken again is the
  same memory of the heap, reused from call to call.
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLIBC = platform.libc_ver()[0] == "glibc"


def _in_a_new_process(code, **env):
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done


STATE = "from bench import allocator; print(allocator.apply()['state'])"


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_the_fixed_state_is_the_default_and_is_recorded():
    assert _in_a_new_process(STATE).stdout.split() == ["fixed"]
    assert _in_a_new_process(STATE, LOOPBENCH_MALLOC="default").stdout.split() == [
        "default"
    ]
    from bench import allocator

    info = allocator.apply()
    assert info["mmap_threshold"] == 32 * 2**20
    assert info["libc"].startswith("glibc")


def test_a_bad_state_is_refused_naming_the_variable():
    done = _in_a_new_process(STATE, LOOPBENCH_MALLOC="sometimes")
    assert done.returncode != 0
    assert "LOOPBENCH_MALLOC must be one of fixed, default" in done.stderr


def test_every_run_records_the_allocator_and_the_caches():
    from bench.environment import describe_machine, describe_run

    info = describe_machine()
    assert "state" in describe_run()["allocator"]  # the run's, not the machine's
    assert "allocator" not in info
    assert isinstance(info["caches"], list)
    if Path("/sys/devices/system/cpu/cpu0/cache").exists():
        assert {c["level"] for c in info["caches"]} >= {1, 2}


# Where a freed 8 MB temporary's memory comes back: the same address each time
# means it was reused (no new mapping to page-fault in).
REUSE = """
import numpy as np
from bench import allocator
allocator.apply()
addresses = set()
for _ in range(5):
    a = np.ones(1_000_000)
    addresses.add(a.ctypes.data)
    del a
print(len(addresses))
"""


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_the_fixed_state_reuses_a_temporary():
    assert _in_a_new_process(REUSE).stdout.split() == ["1"]
