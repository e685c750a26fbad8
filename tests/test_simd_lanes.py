"""float32 lanes (``kernels/simd_lanes.py``): as accurate as the contract asks.

``numba_simd`` sums a float32 row in float32 lanes over runs of at most ``RUN``
elements. The row below is one where a plain float32 sum fails the float32
tolerance by far: a 1 followed by 2**15 terms of a quarter of an ulp of 1, each
lost when added to a running total near 1. The step's loss must still agree with
the float64 computation from the same float32 numbers. The per-sample math of the
float32 step runs in float32 lanes too, its loss and residual summed in float32
over each block (at most ``RUN`` samples) and the blocks in float64: at 1e7 samples,
where one running float32 sum of the losses misses the tolerance, the step does not.
"""

import re

import numpy as np
import pytest

from kernels import numba_parallel, numba_simd
from kernels.agreement import RTOL, assert_agree
from kernels.assembly import X86_64, native_asm
from kernels.simd_lanes import RUN

TINY = 2.0**-25  # a quarter of float32's ulp at 1


def lossy_rows(n, d):
    """``w, b, X, y``: rows ``[1, TINY, TINY, ...]`` of float32, ``w`` all ones."""
    X = np.full((n, d), TINY, dtype=np.float32)
    X[:, 0] = 1.0
    return np.ones(d, np.float32), 0.0, X, np.ones(n, np.float32)


def float64_step(w, b, X, y, lr):
    """The step in float64 from the same float32 numbers: the oracle."""
    X64, w64, y64 = (a.astype(np.float64) for a in (X, w, y))
    z = X64 @ w64 + b
    loss = np.mean(np.logaddexp(0.0, z) - y64 * z)
    r = 1.0 / (1.0 + np.exp(-z)) - y64
    return w64 - lr * (r @ X64) / len(y), b - lr * r.mean(), loss


def test_a_plain_float32_sum_of_the_row_misses_the_tolerance():
    w, _, X, _ = lossy_rows(1, 2**15 + 1)
    exact = 1.0 + 2**15 * TINY
    plain = np.cumsum(X[0] * w, dtype=np.float32)[-1]  # one running float32 total
    assert plain == np.float32(1.0)  # every tiny term was lost
    assert abs(plain - exact) / exact > 5 * RTOL[np.dtype(np.float32)]


# one long row, exactly one run, and several runs with a remainder
@pytest.mark.parametrize("d", [2**15 + 1, RUN, 3 * RUN + 7])
def test_the_step_on_that_row_agrees_with_float64(d):
    w, b, X, y = lossy_rows(8, d)
    oracle = float64_step(w, b, X, y, 0.5)
    for impl in (numba_simd, numba_parallel):
        got = impl.step(w, b, X, y, 0.5)
        # the float32 result first: its dtype sets the tolerance
        assert_agree({impl.__name__: got, "float64 oracle": oracle}, w, b, X, 0.5)


@pytest.mark.parametrize("order", ["C", "F"])  # vectorized, and strided
def test_each_run_leaves_float32_before_it_grows_long(order):
    # one row [1, TINY, ..., TINY]: the lane that holds the 1 loses every TINY it
    # adds, at most RUN of them if the runs are kept; a sum of 2**18 terms without
    # runs would lose 2**18 / lanes of them, far more than RUN for any lane count
    # up to 256
    d = 2**18
    X = np.full((2, d), TINY, dtype=np.float32, order=order)
    X[:, 0] = 1.0
    w = np.ones(d, np.float32)
    z = np.empty(2)
    numba_simd.logits(w, 0.0, X, 0, 2, z)
    exact = 1.0 + (d - 1) * TINY
    assert np.all(np.abs(z - exact) <= RUN * TINY)


@pytest.mark.parametrize("order", ["C", "F"])  # vectorized, and strided
def test_each_partial_gradient_leaves_float32_before_it_grows_long(order):
    # the gradient's direction: a column of TINIER with a 1 at the top and one in
    # the middle, every residual 1/2 (w = 0, b = 0, y = 0 give z = 0). Added to a
    # float32 total near 1/2 or 1, each TINIER / 2 is lost: a running float32 sum
    # down the column loses all n - 2 of them, partials flushed every RUN rows at
    # most RUN of them in each of the two partials that hold a 1
    n, d = 2**20 + 7, 8  # d = 8: wide rows; + 7: the four-row and one-row loops too
    tinier = 2.0**-30
    X = np.full((n, d), tinier, dtype=np.float32, order=order)
    X[0] = X[n // 2] = 1.0
    w, y = np.zeros(d, np.float32), np.zeros(n, np.float32)
    exact = 0.5 * (2.0 + (n - 2) * tinier)
    plain = np.cumsum(np.float32(0.5) * X[:, 0], dtype=np.float32)[-1]
    assert plain == np.float32(1.0)  # every tiny term was lost
    bound = 2 * RUN * 0.5 * tinier
    g_w = np.zeros(d)
    numba_simd.accumulate(w, 0.0, X, y, 0, n, g_w)
    assert np.all(np.abs(g_w - exact) <= bound)
    assert abs(plain - exact) > 100 * bound  # so the bound can fail


@pytest.mark.skipif(not X86_64, reason="reads x86-64 assembly")
def test_float32_input_sums_in_float32_lanes_and_float64_in_float64():
    # the float32 forward pass holds packed single-precision FMAs, the float64 one
    # packed double-precision FMAs (no conversion per element)
    for dtype, suffix in (("float32", "ps"), ("float64", "pd")):
        X = np.ones((64, 100), dtype)
        w = np.ones(100, dtype)
        asm = native_asm(numba_simd.logits, w, 0.0, X, 0, 64, np.empty(64))
        assert re.search(rf"vfmadd\w*{suffix}\s.*%[xyz]mm", asm), dtype


@pytest.mark.skipif(not X86_64, reason="reads x86-64 assembly")
def test_the_float32_gradient_sums_in_float32_lanes():
    # the backward pass into a float32 partial: packed single-precision FMAs
    for dtype, suffix in (("float32", "ps"), ("float64", "pd")):
        X = np.ones((64, 100), dtype)
        g = np.zeros(100, dtype)
        asm = native_asm(numba_simd.gradient, X, np.ones(64), 0, 64, g)
        assert re.search(rf"vfmadd\w*{suffix}\s.*%[xyz]mm", asm), dtype


def test_the_float32_step_keeps_its_tolerance_where_a_float32_sum_fails():
    # 1e7 samples of d = 1 in float32: a running float32 sum of their losses
    # misses the float32 tolerance (the total passes 2^22, where a float32 ulp is
    # 0.5, and each loss, ~0.7, is rounded to a multiple of it); numba_simd's
    # per-sample math and the block's sums run in float32 lanes, each block (at
    # most RUN samples) added into float64, and the step stays inside it
    n = 10_000_000
    rng = np.random.default_rng(33)
    X = rng.uniform(-1.0, 1.0, (n, 1)).astype(np.float32)
    y = (rng.random(n) < 0.5).astype(np.float32)
    w, b, lr = np.array([0.5], np.float32), 0.25, 0.5
    x64, y64 = X[:, 0].astype(np.float64), y.astype(np.float64)
    z = x64 * float(w[0]) + b
    losses = np.logaddexp(0.0, z) - y64 * z
    r = 1.0 / (1.0 + np.exp(-z)) - y64
    oracle = (w - lr * np.array([r @ x64 / n]), b - lr * r.mean(), losses.mean())
    plain = np.cumsum(losses.astype(np.float32), dtype=np.float32)[-1] / n
    assert abs(plain - oracle[2]) > 10 * RTOL[np.dtype(np.float32)] * oracle[2]
    got = numba_simd.step(w, b, X, y, lr)
    assert_agree({"numba_simd": got, "float64 oracle": oracle}, w, b, X, lr)
