"""``train``: many steps, the same for every implementation.

What this module proves
-----------------------
- After 100 epochs every implementation holds the same ``w``, ``b`` and losses
  (shape ``(epochs,)``), in float64 and float32.
- ``train`` is ``step`` repeated: ``losses[0]`` is the loss of one step from the
  inputs, and ``train(..., k)`` equals ``k`` calls of ``step`` of the same
  implementation.
- ``epochs=0`` returns a copy of the inputs and an empty losses array; a negative
  ``epochs`` is a ``ValueError`` and a non-integer one a ``TypeError``, both naming
  ``epochs``.
"""

import numpy as np
import pytest

from bench.data import make_problem
from kernels import IMPLEMENTATIONS

DTYPES = [np.float64, np.float32]
DTYPE_IDS = ["float64", "float32"]
LR = 0.5


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(
    # (2100, 4): three chunks of numba_parallel's rows
    "shape",
    [(1, 1), (20, 3), (100, 10), (257, 33), (3, 200), (2100, 4)],
    ids=str,
)
def test_train_agrees_after_100_epochs(shape, dtype, agree):
    epochs = 100
    w, b, X, y = make_problem(*shape, seed=31, dtype=dtype, soft_labels=shape[0] > 50)
    results = {
        name: impl.train(w, b, X, y, LR, epochs)
        for name, impl in IMPLEMENTATIONS.items()
    }
    for name, (w_out, b_out, losses) in results.items():
        assert w_out.shape == (shape[1],), name
        assert losses.shape == (epochs,), name
        assert np.all(np.isfinite(losses)), name
        assert np.isfinite(b_out), name
    # Gradient descent at this lr is a contraction on these problems, so rounding
    # differences do not grow over the epochs: the scales of one step still apply,
    # taken at the final (largest) weights.
    w_end, b_end, _ = next(iter(results.values()))
    agree(results, w_end, float(b_end), X, LR, what="train")
    assert not np.allclose(w_end, w), "training must move w"


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_first_loss_is_the_loss_of_one_step(dtype, impl):
    w, b, X, y = make_problem(50, 4, seed=32, dtype=dtype)
    _, _, losses = impl.train(w, b, X, y, LR, 3)
    _, _, loss = impl.step(w, b, X, y, LR)
    # the same arithmetic; Numba may fuse and reorder it differently inside the
    # compiled epoch loop, so allow a few ulps rather than demanding bit equality
    rel = 1e-13 if dtype is np.float64 else 1e-6
    assert losses[0] == pytest.approx(loss, rel=rel)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_train_is_step_repeated(dtype, impl):
    epochs = 7
    w, b, X, y = make_problem(40, 6, seed=33, dtype=dtype)
    w_out, b_out, losses = impl.train(w, b, X, y, LR, epochs)
    w_s, b_s = w, b
    step_losses = []
    for _ in range(epochs):
        w_s, b_s, loss = impl.step(w_s, b_s, X, y, LR)
        step_losses.append(loss)
    rtol = 1e-12 if dtype is np.float64 else 1e-5
    np.testing.assert_allclose(w_out, w_s, rtol=rtol, atol=rtol * np.max(np.abs(w)))
    np.testing.assert_allclose(b_out, b_s, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(losses, step_losses, rtol=rtol)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_zero_epochs_returns_a_copy_of_the_inputs(dtype, impl, unchanged):
    w, b, X, y = make_problem(10, 3, seed=34, dtype=dtype)
    check = unchanged(w, X, y)
    w_out, b_out, losses = impl.train(w, b, X, y, LR, 0)
    check()
    np.testing.assert_array_equal(w_out, w, strict=True)
    assert w_out is not w
    assert not np.shares_memory(w_out, w)
    assert b_out == np.asarray(b, dtype=dtype)
    assert np.asarray(b_out).dtype == dtype
    assert losses.shape == (0,)
    assert losses.dtype == dtype


@pytest.mark.parametrize("epochs", [-1, -100])
def test_negative_epochs_is_a_value_error(epochs, impl):
    w, b, X, y = make_problem(5, 2, seed=35)
    with pytest.raises(ValueError, match=r"^epochs\b"):
        impl.train(w, b, X, y, LR, epochs)


@pytest.mark.parametrize(
    "epochs", [1.5, 3.0, "3", None, True, np.float64(2.0)], ids=repr
)
def test_non_integer_epochs_is_a_type_error(epochs, impl):
    w, b, X, y = make_problem(5, 2, seed=35)
    with pytest.raises(TypeError, match=r"^epochs\b"):
        impl.train(w, b, X, y, LR, epochs)


@pytest.mark.parametrize("epochs", [np.int64(3), np.uint8(3)], ids=repr)
def test_numpy_integer_epochs_are_accepted(epochs, impl):
    w, b, X, y = make_problem(5, 2, seed=35)
    _, _, losses = impl.train(w, b, X, y, LR, epochs)
    assert losses.shape == (3,)


def test_losses_decrease_at_a_small_learning_rate(impl):
    # the loss is convex and smooth: small enough steps always go downhill
    w, b, X, y = make_problem(200, 5, seed=36, soft_labels=True, logit_scale=3.0)
    _, _, losses = impl.train(w, b, X, y, 0.05, 50)
    assert np.all(np.diff(losses) < 0)
