"""Which implementations are registered, and what that costs at import.

What this module proves
-----------------------
- Without a GPU and without Numba's CUDA simulator, ``numba_cuda`` is not in
  ``IMPLEMENTATIONS`` and importing ``kernels`` does not import ``numba.cuda``
  (about 0.15 s that every new process would pay).
- With ``NUMBA_ENABLE_CUDASIM=1`` it is registered, and the CPU benchmark presets
  still do not time it: the simulator tests (``tests_cuda/``) rely on the first,
  the committed results on the second.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kernels._gpu import SIMULATOR_ENV, gpu_usable

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
import kernels
from bench.grid import PRESETS, cases
cpu = {c.impl for name in ("quick", "full") for c in cases(PRESETS[name])}
print("numba_cuda" in kernels.IMPLEMENTATIONS, "numba.cuda" in sys.modules,
      "numba_cuda" in cpu)
"""


def registry_in_a_new_process(simulator):
    """``[registered, numba.cuda imported, in a CPU preset]`` as strings."""
    env = {k: v for k, v in os.environ.items() if k != SIMULATOR_ENV}
    if simulator:
        env[SIMULATOR_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_without_a_gpu_numba_cuda_is_absent_and_numba_cuda_is_not_imported():
    if gpu_usable():
        pytest.skip("a CUDA GPU is usable here: numba_cuda is registered")
    assert registry_in_a_new_process(simulator=False) == ["False", "False", "False"]


def test_the_simulator_registers_numba_cuda_but_no_cpu_preset_times_it():
    assert registry_in_a_new_process(simulator=True) == ["True", "True", "False"]
