"""What a step allocates, as ``bench.allocations.peak_allocated`` measures it.

What this module proves
-----------------------
- The measure sees NumPy buffers and Numba's runtime arrays, counts a temporary
  that is freed again, and reads about zero for a call that allocates nothing;
  it also works while another tracer is on.
- The compiled loops allocate O(n_features) per step whatever n_samples is (the
  fused pass needs no array of n values; numba_simd's block arrays are bounded),
  while NumPy's step holds temporaries of n values.
"""

import tracemalloc

import numpy as np
import pytest

from bench.allocations import peak_allocated
from bench.data import make_problem
from kernels import IMPLEMENTATIONS


def test_a_freed_temporary_counts():
    def temporary():
        a = np.ones(100_000)
        return float(a.sum())  # a is freed on return

    assert 800_000 <= peak_allocated(temporary) < 900_000


def test_nothing_allocated_reads_about_zero():
    x = np.ones(10)
    assert peak_allocated(x.__len__) < 1_000


def test_it_measures_beside_another_tracer():
    tracemalloc.start()
    try:
        held = np.ones(50_000)  # held before: not part of the call
        assert 400_000 <= peak_allocated(np.ones, 50_000) < 500_000
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()
    assert held.size == 50_000


@pytest.mark.parametrize("name", ["numba", "numba_simd"])
def test_compiled_loops_allocate_no_array_of_n(name):
    d = 10
    step = IMPLEMENTATIONS[name].step
    sizes = {}
    for n in (10_000, 200_000):
        w, b, X, y = make_problem(n, d, seed=3)
        step(w, b, X, y, 0.1)  # compile outside the measurement
        sizes[n] = peak_allocated(step, w, b, X, y, 0.1)
    # d-sized arrays (w_new, the gradient) and, for numba_simd, the block arrays
    assert sizes[200_000] == sizes[10_000]
    assert 0 < sizes[200_000] < 20_000


def test_numpy_holds_temporaries_of_n():
    n = 200_000
    w, b, X, y = make_problem(n, 10, seed=3)
    step = IMPLEMENTATIONS["numpy"].step
    assert peak_allocated(step, w, b, X, y, 0.1) >= 2 * 8 * n
