"""Every registered implementation against the others, one step at a time.

What this module proves
-----------------------
- All implementations in ``kernels.IMPLEMENTATIONS`` return the same
  ``(w_new, b_new, loss)`` (float64 to ``rtol=1e-10``, float32 to ``rtol=1e-4``,
  with the absolute tolerance of ``kernels.agreement.step_scales``) over shapes
  from (1, 1) to a few thousand samples or features.
- The answer does not depend on memory layout: C order, Fortran order, strided and
  negatively strided views of ``X``, non-contiguous ``y`` and ``w``; read-only
  arrays give the very same bits as writable ones.
- Logits up to ``|z| = 1e4`` give finite outputs and no warning; all-zero, all-one
  and soft labels agree too.
- The dtype rules hold: float32 in gives float32 ``w_new`` and ``numpy.float32``
  ``b_new`` and ``loss``; everything else real is computed in float64.
- Every result is deterministic: the same call twice, or with Numba limited to one
  thread, gives the same bits.
- Inputs are never modified, ``w_new`` is a new array, and calling an
  ``Implementation`` is calling its ``step``.

Agreement alone cannot show that the step is right (all could share a mistake);
``test_oracles.py`` checks it against independent references.
"""

import numba
import numpy as np
import pytest

from bench.data import make_problem
from kernels import IMPLEMENTATIONS

SHAPES = [
    (1, 1),
    (1, 7),
    (5, 1),
    (20, 3),
    (100, 10),
    (257, 33),
    (2000, 3),
    (3, 2000),
    (1000, 200),
    (5000, 20),
    # around the 1024-row chunks of numba_parallel: one chunk, a full one, one more
    (1023, 5),
    (1024, 5),
    (1025, 5),
    (3073, 2),
    # around numba_simd's blocks: 512 narrow rows (d < 8) per block, and for wide
    # rows 32 KiB of X (40 float64 rows at d = 100), taken eight, four, one at a
    # time, and float32's partial gradient flushed every RUN rows at most
    (511, 1),
    (512, 7),
    (513, 1),
    (1500, 8),
    (327, 100),
    (331, 101),
]
DTYPES = [np.float64, np.float32]
LR = 0.5


def dtype_id(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_all_implementations_agree_over_shapes(shape, dtype, agree, step_all):
    n, d = shape
    w, b, X, y = make_problem(n, d, seed=1000 * n + d, dtype=dtype)
    results = step_all(w, b, X, y, LR)
    agree(results, w, b, X, LR)
    for w_new, b_new, loss in results.values():
        assert w_new.shape == (d,)
        assert np.all(np.isfinite(w_new))
        assert np.isfinite(b_new)
        assert np.isfinite(loss)
        assert loss > 0
    # a step that moved nothing would agree trivially
    for name, (w_new, _, _) in results.items():
        assert not np.array_equal(w_new, w), name


def test_a_subnormal_x_agrees(agree, step_all):
    # hypothesis drew it: XLA flushes the subnormal w_new to zero, the others keep
    # -1.1e-313; below the smallest normal number the contract calls them equal
    # (every term subnormal, so the scale-relative atol would be ~1e-325)
    w = np.zeros(1)
    X = np.array([[2.2e-313], [2.2e-313]])
    y = np.array([0.0, 0.0])
    results = step_all(w, 0.0, X, y, 1.0)
    assert results["numpy"][0][0] != 0.0  # a subnormal w_new: the case is real
    agree(results, w, 0.0, X, 1.0)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_results_are_deterministic_and_independent_of_threads(dtype, impl):
    # 5000 rows: several chunks for a kernel that splits the samples over threads
    w, b, X, y = make_problem(5000, 20, seed=8, dtype=dtype)
    first = impl.step(w, b, X, y, LR)
    again = impl.step(w, b, X, y, LR)
    threads = numba.get_num_threads()
    if threads == 1:
        pytest.skip("Numba has one thread here: nothing to compare with")
    numba.set_num_threads(1)
    try:
        one_thread = impl.step(w, b, X, y, LR)
    finally:
        numba.set_num_threads(threads)
    for other in (again, one_thread):
        np.testing.assert_array_equal(other[0], first[0], strict=True)
        assert other[1:] == first[1:]


def _scatter(a, steps, order="C"):
    """A strided view into a larger zeroed buffer, holding the values of ``a``.

    ``steps`` gives one step per axis (negative: walk backwards); the view starts
    one element into the buffer, so it is not aligned with the buffer either.
    """
    buf = np.zeros(
        [abs(s) * n + 1 for s, n in zip(steps, a.shape, strict=True)],
        dtype=a.dtype,
        order=order,
    )
    index = tuple(
        slice(1, None, s) if s > 0 else slice(abs(s) * n - 1, None, s)
        for s, n in zip(steps, a.shape, strict=True)
    )
    view = buf[index]
    view[...] = a
    assert view.base is buf
    return view


def layouts(dtype):
    """The same problem in several memory layouts: ``{name: (w, b, X, y)}``."""
    w, b, X, y = make_problem(60, 21, seed=7, dtype=dtype)
    x_strided = _scatter(X, (2, 3))
    x_neg = _scatter(X, (-2, -3))
    x_fortran_strided = _scatter(X, (2, 3), order="F")
    y_strided = _scatter(y, (3,))
    y_neg = _scatter(y, (-2,))
    w_strided = _scatter(w, (2,))
    w_neg = _scatter(w, (-3,))
    cases = {
        "C": (w, b, X, y),
        "F": (w, b, np.asfortranarray(X), y),
        "transposed-C": (w, b, np.ascontiguousarray(X.T).T, y),
        "X[::2,::3]": (w, b, x_strided, y),
        "X[::-2,::-3]": (w, b, x_neg, y),
        "F[::2,::3]": (w, b, x_fortran_strided, y),
        "y,w strided": (w_strided, b, X, y_strided),
        "y,w negative": (w_neg, b, X, y_neg),
        "all strided": (w_strided, b, x_neg, y_strided),
    }
    for name, (w_, _, X_, y_) in cases.items():
        np.testing.assert_array_equal(X_, X, err_msg=name)
        np.testing.assert_array_equal(y_, y, err_msg=name)
        np.testing.assert_array_equal(w_, w, err_msg=name)
    assert not x_strided.flags.c_contiguous
    assert not x_strided.flags.f_contiguous
    assert max(x_neg.strides) < 0
    assert not x_fortran_strided.flags.f_contiguous
    assert x_fortran_strided.strides[0] < x_fortran_strided.strides[1]
    assert not y_strided.flags.c_contiguous
    assert not w_neg.flags.c_contiguous
    return cases


LAYOUTS = list(layouts(np.float64))


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_memory_layout_does_not_change_the_answer(layout, dtype, agree, step_all):
    cases = layouts(dtype)
    reference = step_all(*cases["C"], LR)
    w, b, X, y = cases[layout]
    results = step_all(w, b, X, y, LR)
    agree(results, w, b, X, LR, against=reference)


# Read-only arrays are a type of their own to Numba (one more compilation per
# layout and function), so two layouts stand for all: contiguous, and every array
# strided; train, which compiles its own epoch loop, takes the contiguous one.
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("layout", ["C", "all strided"])
def test_read_only_inputs_give_the_same_answer(
    layout, dtype, agree, readonly, step_all
):
    cases = layouts(dtype)
    w, b, X, y = cases[layout]
    reference = step_all(w, b, X, y, LR)
    # a kernel that wrote into an input would raise on these views
    w_ro, X_ro, y_ro = readonly(w), readonly(X), readonly(y)
    results = step_all(w_ro, b, X_ro, y_ro, LR)
    agree(results, w, b, X, LR, against=reference)
    if layout != "C":
        return
    trained = {
        name: impl.train(w_ro, b, X_ro, y_ro, LR, 2)
        for name, impl in IMPLEMENTATIONS.items()
    }
    reference = {
        name: impl.train(w, b, X, y, LR, 2) for name, impl in IMPLEMENTATIONS.items()
    }
    for name, (w_t, b_t, losses) in trained.items():
        np.testing.assert_array_equal(w_t, reference[name][0], err_msg=name)
        assert b_t == reference[name][1], name
        np.testing.assert_array_equal(losses, reference[name][2], err_msg=name)


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", [(1, 1), (50, 4), (400, 30)], ids=str)
def test_logits_of_1e4_are_finite_without_warnings(shape, dtype, soft, agree, step_all):
    # filterwarnings=error turns any overflow/invalid RuntimeWarning into a failure
    w, b, X, y = make_problem(
        *shape, seed=12, dtype=dtype, logit_scale=1e4, soft_labels=soft
    )
    z = X.astype(np.float64) @ w.astype(np.float64) + b
    # far past where exp(-|z|) underflows to 0 (|z| ~ 745 in float64, ~ 104 in
    # float32) and where exp(+|z|) would overflow
    assert np.max(np.abs(z)) > 1e3, "the data must reach the saturated regime"
    results = step_all(w, b, X, y, LR)
    for name, (w_new, b_new, loss) in results.items():
        assert np.all(np.isfinite(w_new)), name
        assert np.isfinite(b_new), name
        assert np.isfinite(loss), name
        assert loss >= 0, name
    agree(results, w, b, X, LR)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize(
    "labels", ["zeros", "ones", "soft", "half", "soft-large-logits"]
)
def test_special_labels_agree(labels, dtype, agree, step_all):
    w, b, X, y = make_problem(
        300,
        8,
        seed=3,
        dtype=dtype,
        soft_labels=labels.startswith("soft"),
        logit_scale=30.0 if labels == "soft-large-logits" else 1.0,
    )
    if labels == "zeros":
        y = np.zeros_like(y)
    elif labels == "ones":
        y = np.ones_like(y)
    elif labels == "half":
        y = np.full_like(y, 0.5)
    results = step_all(w, b, X, y, LR)
    agree(results, w, b, X, LR)
    if labels in ("zeros", "ones"):
        # every residual sigma - y has the same sign: b moves one way
        for name, (_, b_new, _) in results.items():
            assert (b_new < b) if labels == "zeros" else (b_new > b), name


F64, F32 = np.float64, np.float32
DTYPE_CASES = {
    # name: (dtype of X, of w, of y, expected working dtype)
    "all float64": (F64, F64, F64, F64),
    "all float32": (F32, F32, F32, F32),
    "float32 X and w, float64 y": (F32, F32, F64, F32),
    "float32 X, float64 w": (F32, F64, F32, F64),
    "float64 X, float32 w": (F64, F32, F32, F64),
    "int64": (np.int64, np.int64, np.int64, F64),
    "int32 X, uint8 y": (np.int32, F64, np.uint8, F64),
    "float16": (np.float16, np.float16, np.float16, F64),
    "bool X": (np.bool_, F64, F64, F64),
}


@pytest.mark.parametrize("case", list(DTYPE_CASES))
def test_output_dtypes(case, impl):
    x_dtype, w_dtype, y_dtype, expected = DTYPE_CASES[case]
    w, b, X, y = make_problem(40, 5, seed=2)
    # small integers so that every dtype holds the same values exactly
    X = np.round(2 * X).astype(x_dtype)
    w = np.round(2 * w).astype(w_dtype)
    y = y.astype(y_dtype)
    w_new, b_new, loss = impl.step(w, b, X, y, LR)
    assert w_new.dtype == expected
    if expected is F32:
        assert type(b_new) is np.float32
        assert type(loss) is np.float32
    else:
        assert isinstance(b_new, float)
        assert isinstance(loss, float)
    # the conversion is the only difference: the same step on converted arrays
    ref = impl.step(w.astype(expected), b, X.astype(expected), y.astype(expected), LR)
    np.testing.assert_array_equal(w_new, ref[0], strict=True)
    assert b_new == ref[1]
    assert loss == ref[2]

    w_t, b_t, losses = impl.train(w, b, X, y, LR, 3)
    assert w_t.dtype == expected
    assert np.asarray(b_t).dtype == expected
    assert losses.dtype == expected
    assert losses.shape == (3,)


@pytest.mark.parametrize("dtype", [F64, F32, np.int64], ids=dtype_id)
@pytest.mark.parametrize("layout", ["C", "X[::-2,::-3]", "y,w strided"])
def test_inputs_are_never_modified(layout, dtype, impl, unchanged):
    w, b, X, y = layouts(F64)[layout]
    if dtype is np.int64:
        w, X, y = np.round(3 * w), np.round(3 * X), np.round(y)
    w, X, y = (a.astype(dtype, copy=False) for a in (w, X, y))
    check = unchanged(w, X, y)
    w_new, _, _ = impl.step(w, b, X, y, LR)
    check()
    assert w_new is not w
    assert not np.shares_memory(w_new, w)
    assert not np.shares_memory(w_new, X)
    for epochs in (0, 2):
        w_t, _, _ = impl.train(w, b, X, y, LR, epochs)
        check()
        assert not np.shares_memory(w_t, w)


def test_w_new_is_a_fresh_array_that_can_be_written(impl):
    w, b, X, y = make_problem(10, 3, seed=4)
    w_ro = w.copy()
    w_ro.flags.writeable = False
    w_new, _, _ = impl.step(w_ro, b, X, y, LR)
    w_new[0] += 1.0  # raises if w_new were a read-only view of w
    np.testing.assert_array_equal(w_ro, w)


def test_calling_an_implementation_is_calling_step(impl):
    w, b, X, y = make_problem(30, 4, seed=5)
    called = impl(w, b, X, y, LR)
    stepped = impl.step(w, b, X, y, LR)
    np.testing.assert_array_equal(called[0], stepped[0], strict=True)
    assert called[1:] == stepped[1:]


def test_nested_lists_and_scalars_are_accepted_like_arrays(impl):
    w, b, X, y = make_problem(12, 3, seed=6)
    from_lists = impl.step(w.tolist(), np.float64(b), X.tolist(), y.tolist(), 1)
    from_arrays = impl.step(w, b, X, y, 1.0)
    np.testing.assert_array_equal(from_lists[0], from_arrays[0], strict=True)
    assert from_lists[1:] == from_arrays[1:]
