"""Time the GPU rows of ``bench/device.py`` in the groups of the ``gpu`` preset.

Collected only by presets that have device rows (``bench/conftest.py``), so the CPU
presets' runs and results are the same on a machine with a GPU. Without a usable
GPU each case is skipped with the reason.
"""

import pytest

from bench.device import prepare
from bench.grid import LEARNING_RATE, MIN_ROUND_TIME, WARMUP_ITERATIONS, problem
from bench.test_step import record_case


@pytest.mark.benchmark(
    warmup=True, warmup_iterations=WARMUP_ITERATIONS, min_time=MIN_ROUND_TIME
)
def test_device(benchmark, device_case, preset):
    if device_case.skip_reason:
        pytest.skip(device_case.skip_reason)
    w, b, X, y = problem(device_case.n, device_case.d, device_case.dtype)
    call = prepare(device_case.impl, w, b, X, y, LEARNING_RATE)
    call()  # compile, and touch the device memory, before the clock starts
    record_case(benchmark, device_case, preset, X, call, reference=True)
    benchmark(call)
