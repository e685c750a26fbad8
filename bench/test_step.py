"""Time one training step of every implementation across the grid.

Run with ``pytest --benchmark-only`` (``--preset full`` for the reference grid). Each
group is one (n, d, dtype); pytest-benchmark prints the implementations of a group
side by side, with each one's time relative to the fastest in parentheses.
"""

from functools import partial

import numba
import pytest

from bench import collector, interference
from bench.allocations import peak_allocated
from bench.environment import blas_threads_setting, hold_thread_settings
from bench.grid import LEARNING_RATE, MIN_ROUND_TIME, WARMUP_ITERATIONS, problem
from kernels import IMPLEMENTATIONS, declared


def record_case(benchmark, case, preset, X, call, reference=False):
    """Put the case in its group and record what the report needs to read it:
    the case, the thread settings, and the peak bytes one ``call()`` allocates
    (traced once, untimed)."""
    benchmark.group = case.group
    setting = blas_threads_setting()
    benchmark.extra_info.update(
        impl=case.impl,
        reference=reference,
        n_samples=case.n,
        n_features=case.d,
        dtype=case.dtype,
        itemsize=X.itemsize,
        preset=preset.name,
        blas_threads="all" if setting is None else setting,
        numba_threads=numba.get_num_threads(),
    )
    if case.pass_no in (None, 1):  # the same in every pass: traced in the first
        benchmark.extra_info["alloc_bytes"] = peak_allocated(call)
        impl = declared(case.impl)
        if impl is not None and not impl.tracemalloc_sees:
            benchmark.extra_info["alloc_visible"] = False
    if case.pass_no is not None:
        benchmark.extra_info["pass"] = case.pass_no


@pytest.mark.benchmark(
    warmup=True, warmup_iterations=WARMUP_ITERATIONS, min_time=MIN_ROUND_TIME
)
def test_step(benchmark, case, preset):
    if case.skip_reason:
        pytest.skip(case.skip_reason)
    step = IMPLEMENTATIONS[case.impl].step
    w, b, X, y = problem(case.n, case.d, case.dtype)
    # Compile (Numba) and touch the data before the clock starts; same dtypes and
    # layout as the timed calls, so no compilation happens inside the timer. Later
    # passes find it compiled, and pytest-benchmark's calibration and warmup calls
    # touch the data.
    args = (w, b, X, y, LEARNING_RATE)
    if case.pass_no in (None, 1):
        step(*args)
    record_case(benchmark, case, preset, X, partial(step, *args))
    timed(benchmark, step, *args)


def timed(benchmark, func, *args):
    """``benchmark(func, *args)`` from a settled collector (``bench/collector.py``)
    and the thread settings held (``bench.environment.hold_thread_settings``), with
    what else took the machine meanwhile (``bench/interference.py``) in the case's
    ``extra_info``."""
    benchmark.extra_info.update(hold_thread_settings())
    collector.settle()
    before = interference.snapshot()
    benchmark(func, *args)
    benchmark.extra_info.update(interference.since(before))
