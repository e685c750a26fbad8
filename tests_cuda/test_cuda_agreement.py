"""numba_cuda against every other implementation, one step at a time.

What this module proves
-----------------------
- numba_cuda's ``(w_new, b_new, loss)`` agrees with every implementation within
  the contract's tolerances (``tests/conftest.py``'s ``agree``), float64 and float32,
  for sizes around its blocks: one row, a block not filled, a full block, one row
  more, several blocks with the last one partial; and feature counts below, at and
  above the block width (the two ways the kernel splits the gradient's columns).
- Large logits, hard, soft and constant labels agree too.
- The same call gives the same bits (no atomics).
- Any memory layout of ``tests/test_agreement.py`` gives the very same bits as C
  order (the step copies every input to the device in C order).
- From ``tests/test_agreement.py``, run as they are with ``impl`` = numba_cuda:
  read-only arrays give the same answer, the dtype rules, inputs never modified,
  ``w_new`` a fresh array, lists accepted.
"""

from functools import cache

import numpy as np
import pytest

from bench.data import make_problem
from kernels import IMPLEMENTATIONS
from tests.test_agreement import (  # noqa: F401  (collected here, impl = numba_cuda)
    DTYPES,
    LAYOUTS,
    LR,
    dtype_id,
    layouts,
    test_calling_an_implementation_is_calling_step,
    test_inputs_are_never_modified,
    test_nested_lists_and_scalars_are_accepted_like_arrays,
    test_output_dtypes,
    test_read_only_inputs_give_the_same_answer,
    test_w_new_is_a_fresh_array_that_can_be_written,
)

T = IMPLEMENTATIONS["numba_cuda"].module.THREADS

SHAPES = [
    (1, 1),
    (3, 5),  # fewer rows than a block
    (T - 1, 3),
    (T, 2),  # one full block
    (T + 1, 7),  # one row into a second block
    (3 * T + 5, 4),  # several blocks, the last one partial
    (20, T - 1),  # columns: just below the block width ...
    (20, T),  # ... at it ...
    (7, T + 3),  # ... and above it
    (2 * T + 1, 2 * T + 3),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_numba_cuda_agrees_over_shapes(shape, dtype, agree, step_all):
    n, d = shape
    w, b, X, y = make_problem(n, d, seed=1000 * n + d, dtype=dtype)
    results = step_all(w, b, X, y, LR)
    agree(results, w, b, X, LR)
    w_new, _, loss = results["numba_cuda"]
    assert w_new.dtype == dtype
    assert np.isfinite(loss)
    assert loss > 0
    assert not np.array_equal(w_new, w), "a step that moved nothing agrees trivially"


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize(
    "labels", ["logits 1e4", "logits 1e4 soft", "zeros", "ones", "half"]
)
def test_numba_cuda_agrees_on_large_logits_and_special_labels(
    labels, dtype, agree, step_all
):
    w, b, X, y = make_problem(
        T + 3,
        5,
        seed=12,
        dtype=dtype,
        logit_scale=1e4 if labels.startswith("logits") else 1.0,
        soft_labels=labels.endswith("soft"),
    )
    if labels in ("zeros", "ones", "half"):
        y = np.full_like(y, {"zeros": 0.0, "ones": 1.0, "half": 0.5}[labels])
    results = step_all(w, b, X, y, LR)
    w_new, b_new, loss = results["numba_cuda"]
    assert np.all(np.isfinite(w_new))
    assert np.isfinite(b_new)
    assert np.isfinite(loss)
    agree(results, w, b, X, LR)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_the_same_call_gives_the_same_bits(dtype, impl):
    w, b, X, y = make_problem(3 * T + 5, 6, seed=8, dtype=dtype)
    first = impl.step(w, b, X, y, LR)
    again = impl.step(w, b, X, y, LR)
    np.testing.assert_array_equal(again[0], first[0], strict=True)
    assert again[1:] == first[1:]


@cache
def _c_order_step(dtype):
    return IMPLEMENTATIONS["numba_cuda"].step(*layouts(dtype)["C"], LR)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("layout", [name for name in LAYOUTS if name != "C"])
def test_memory_layout_gives_the_same_bits(layout, dtype, impl):
    w, b, X, y = layouts(dtype)[layout]
    w_new, b_new, loss = impl.step(w, b, X, y, LR)
    expected = _c_order_step(dtype)
    np.testing.assert_array_equal(w_new, expected[0], strict=True)
    assert (b_new, loss) == expected[1:]
