"""The source notebook's own checks of ``kernels.sigmoid`` and ``neg_log_loss``.

What this module proves
-----------------------
- The notebook's test cases still pass: ``sigmoid(0) = 0.5``, ``sigmoid(-100)``
  rounds to 0 and ``sigmoid(100)`` to 1 (4 decimals), and ``neg_log_loss`` rounds
  to 0 for confident right answers and to ``-log(0.7)`` for ``(0.3, 0)``.
- Where the notebook's ``1 / (1 + exp(-x))`` overflows, ``sigmoid`` does not: it is
  finite, in [0, 1] and symmetric at ``|z| = 1e4`` and beyond.
- The scalar pieces and the vectorized step are the same math: for one sample, the
  step's loss is ``neg_log_loss(sigmoid(z), y)`` and its gradient is
  ``(sigmoid(z) - y) x``, for every implementation.
"""

import math

import numpy as np
import pytest

from kernels import neg_log_loss, sigmoid


def test_sigmoid_of_zero_is_one_half():
    assert sigmoid(0) == 0.5
    assert sigmoid(0.0) == 0.5
    assert sigmoid(-0.0) == 0.5


@pytest.mark.parametrize(("x", "expected"), [(0, 0.5), (-100, 0), (100, 1)])
def test_notebook_sigmoid_cases(x, expected):
    assert round(sigmoid(x), 4) == expected


@pytest.mark.parametrize(
    ("pred", "y", "expected"),
    [(0.000001, 0, 0), (0.9999999, 1, 0), (0.3, 0, round(-math.log(0.7), 4))],
)
def test_notebook_neg_log_loss_cases(pred, y, expected):
    assert round(neg_log_loss(pred, y), 4) == expected


@pytest.mark.parametrize("z", [709.0, 710.0, 746.0, 1e4, 1e300, math.inf])
def test_sigmoid_saturates_without_overflow(z):
    # the notebook's 1 / (1 + exp(-x)) raises OverflowError (math.exp) from
    # x < -709.8 on; sigmoid takes exp of -|z| only
    high, low = sigmoid(z), sigmoid(-z)
    assert math.isfinite(high)
    assert math.isfinite(low)
    assert high == 1.0
    assert 0.0 <= low < 1e-300


@pytest.mark.parametrize("z", [-30.0, -5.0, -1.0, -1e-3, 1e-3, 0.5, 5.0, 30.0])
def test_sigmoid_is_the_logistic_function(z):
    expected = 1.0 / (1.0 + math.exp(-z))  # safe for these moderate z
    assert sigmoid(z) == pytest.approx(expected, rel=1e-15)
    # symmetry, written so that nothing cancels: sigma(z) + sigma(-z) = 1 to an ulp
    assert sigmoid(z) + sigmoid(-z) == pytest.approx(1.0, abs=2.3e-16)


@pytest.mark.parametrize(
    ("p", "y", "expected"),
    [(0.0, 0, 0.0), (1.0, 1, 0.0), (0.0, 1, math.inf), (1.0, 0, math.inf)],
)
def test_neg_log_loss_at_certain_predictions(p, y, expected):
    # a weight of zero contributes zero: no nan from 0 * log(0)
    assert neg_log_loss(p, y) == expected


@pytest.mark.parametrize(("p", "y"), [(0.3, 0.4), (0.9, 0.25), (0.5, 1.0)])
def test_neg_log_loss_with_soft_labels(p, y):
    expected = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert neg_log_loss(p, y) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    ("p", "y", "name"),
    [
        (-0.1, 0, "p"),
        (1.5, 1, "p"),
        (math.nan, 0, "p"),
        (0.5, -0.1, "y"),
        (0.5, 1.5, "y"),
        (0.5, math.nan, "y"),
    ],
)
def test_neg_log_loss_rejects_out_of_range(p, y, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        neg_log_loss(p, y)


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("z", [-5.0, -0.7, 0.0, 0.4, 5.0])
def test_one_sample_step_is_the_scalar_math(z, y, impl):
    # z = x * w + b with x = 2, w = z / 4, b = z / 2: exact in binary floating point
    x = 2.0
    w = np.array([z / 4])
    b = z / 2
    X = np.array([[x]])
    lr = 0.5
    w_new, b_new, loss = impl.step(w, b, X, np.array([y]), lr)
    a = sigmoid(z)
    # |z| <= 5 keeps 1 - a >= 6.7e-3, so log(1 - a) loses at most ~1e-13 relative
    assert loss == pytest.approx(neg_log_loss(a, y), rel=1e-12, abs=1e-15)
    assert (w[0] - w_new[0]) / lr == pytest.approx((a - y) * x, rel=1e-12, abs=1e-15)
    assert (b - b_new) / lr == pytest.approx(a - y, rel=1e-12, abs=1e-15)
