"""Time the reference rows (``bench/references.py``) in the same groups as the step.

They share each group's data and settings with ``test_step``, so the report can put
numba's time next to scikit-learn's and next to the time to read ``X`` once.
"""

from functools import partial

import pytest

from bench.grid import LEARNING_RATE, MIN_ROUND_TIME, WARMUP_ITERATIONS, problem
from bench.references import REFERENCES, unavailable
from bench.test_step import record_case, timed


@pytest.mark.benchmark(
    warmup=True, warmup_iterations=WARMUP_ITERATIONS, min_time=MIN_ROUND_TIME
)
def test_reference(benchmark, ref_case, preset):
    if unavailable(ref_case.impl):
        pytest.skip(unavailable(ref_case.impl))
    func = REFERENCES[ref_case.impl]
    w, b, X, y = problem(ref_case.n, ref_case.d, ref_case.dtype)
    args = (w, b, X, y, LEARNING_RATE)
    if ref_case.pass_no in (None, 1):
        func(*args)
    record_case(benchmark, ref_case, preset, X, partial(func, *args), reference=True)
    timed(benchmark, func, *args)
