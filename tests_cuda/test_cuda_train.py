"""numba_cuda's ``train``: every epoch on the device, the same as everyone's.

What this module proves
-----------------------
- After 20 epochs numba_cuda holds the same ``w``, ``b`` and losses as every other
  implementation, float64 and float32, from one row to several blocks.
- The tests of ``tests/test_train.py`` that suit the simulator, run as they are
  with ``impl`` = numba_cuda: the first loss is the loss of one step, ``train`` is
  ``step`` repeated, zero epochs return a copy, ``epochs`` is checked.
- The one-sample step is the scalar math of the notebook
  (``tests/test_notebook.py``).
"""

import numpy as np
import pytest

from bench.data import make_problem
from kernels import IMPLEMENTATIONS
from tests.test_notebook import (  # noqa: F401  (collected here, impl = numba_cuda)
    test_one_sample_step_is_the_scalar_math,
)
from tests.test_train import (  # noqa: F401  (collected here, impl = numba_cuda)
    DTYPE_IDS,
    DTYPES,
    LR,
    test_first_loss_is_the_loss_of_one_step,
    test_negative_epochs_is_a_value_error,
    test_non_integer_epochs_is_a_type_error,
    test_numpy_integer_epochs_are_accepted,
    test_train_is_step_repeated,
    test_zero_epochs_returns_a_copy_of_the_inputs,
)

T = IMPLEMENTATIONS["numba_cuda"].module.THREADS


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", [(1, 1), (T + 1, 3), (3 * T + 5, 4)], ids=str)
def test_train_agrees_after_20_epochs(shape, dtype, agree):
    epochs = 20
    w, b, X, y = make_problem(*shape, seed=31, dtype=dtype, soft_labels=shape[0] > 1)
    results = {
        name: impl.train(w, b, X, y, LR, epochs)
        for name, impl in IMPLEMENTATIONS.items()
    }
    w_out, b_out, losses = results["numba_cuda"]
    assert w_out.shape == (shape[1],)
    assert losses.shape == (epochs,)
    assert losses.dtype == dtype
    assert np.all(np.isfinite(losses))
    # as in tests/test_train.py: the scales of one step, at the final weights
    agree(results, w_out, float(b_out), X, LR, what="train")
    assert not np.allclose(w_out, w), "training must move w"
