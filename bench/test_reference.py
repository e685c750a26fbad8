"""Time the reference rows (``bench/references.py``) in the same groups as the step.

They share each group's data and settings with ``test_step``, so the report can put
numba's time next to scikit-learn's and next to the time to read ``X`` once.
"""

import pytest

from bench.grid import LEARNING_RATE
from bench.references import REFERENCES
from bench.test_step import record_case, shared_data


@pytest.mark.benchmark(warmup=True, warmup_iterations=100, max_time=0.5)
def test_reference(benchmark, ref_case, preset):
    func = REFERENCES[ref_case.impl]
    w, b, X, y = shared_data(ref_case.n, ref_case.d, ref_case.dtype)
    func(w, b, X, y, LEARNING_RATE)
    record_case(benchmark, ref_case, preset, X, reference=True)
    benchmark(func, w, b, X, y, LEARNING_RATE)
