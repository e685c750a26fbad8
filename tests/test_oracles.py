"""Each implementation against references that share none of its code.

What this module proves
-----------------------
- The gradient is the gradient of the loss: ``(w - w_new) / lr`` and
  ``(b - b_new) / lr`` match central finite differences of the returned loss, and
  the loss is the one at the *input* parameters.
- The loss is the mean log-loss: it equals ``sklearn.metrics.log_loss`` of
  probabilities computed here with ``scipy.special.expit`` (hard labels), and the
  textbook cross-entropy formula (soft labels).
- ``train`` is gradient descent on that loss: on iris (versicolor vs virginica,
  standardized) 20,000 epochs at ``lr=1`` reach scikit-learn's unpenalized
  ``LogisticRegression`` to about 1e-3, the losses never increase, and the step's
  gradient vanishes at scikit-learn's optimum.

The agreement tests (``test_agreement.py``) show the implementations compute the
same thing; this module shows that the thing is logistic regression.
"""

import numpy as np
import pytest
from scipy.special import expit, xlogy
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from bench.data import make_problem


def gradient_from_step(impl, w, b, X, y, lr=1.0):
    """``(g_w, g_b, loss)`` read back from one step: ``g = (old - new) / lr``."""
    w_new, b_new, loss = impl.step(w, b, X, y, lr)
    return (w - w_new) / lr, (b - b_new) / lr, loss


def loss_at(impl, w, b, X, y):
    return impl.step(w, b, X, y, 1.0)[2]


FD_CASES = {
    # name: (n, d, logit_scale, soft_labels)
    "1x1": (1, 1, 1.0, False),
    "7x3": (7, 3, 1.0, False),
    "50x5 soft": (50, 5, 1.0, True),
    "200x12": (200, 12, 1.0, False),
    "60x4 logits~5": (60, 4, 5.0, False),
    "60x4 logits~5 soft": (60, 4, 5.0, True),
}


@pytest.mark.parametrize("case", list(FD_CASES))
def test_gradient_matches_central_finite_differences(case, impl):
    n, d, scale, soft = FD_CASES[case]
    w, b, X, y = make_problem(n, d, seed=21, logit_scale=scale, soft_labels=soft)
    g_w, g_b, loss = gradient_from_step(impl, w, b, X, y)

    # Central differences have error h^2 L'''/6 + eps L / h; with h = 1e-5 (relative
    # to the parameter) both are ~1e-11 for these O(1) losses and inputs (measured:
    # at most 4e-11), well below the tolerance, while a wrong gradient (sign,
    # missing 1/n, a dropped term) is off by O(|g|) ~ 0.1.
    def fd(f, x):
        h = 1e-5 * max(1.0, abs(x))
        return (f(x + h) - f(x - h)) / (2 * h)

    fd_w = np.empty(d)
    for j in range(d):

        def along_j(v, j=j):
            shifted = w.copy()
            shifted[j] = v
            return loss_at(impl, shifted, b, X, y)

        fd_w[j] = fd(along_j, w[j])
    fd_b = fd(lambda v: loss_at(impl, w, v, X, y), b)

    atol = 1e-9
    np.testing.assert_allclose(g_w, fd_w, rtol=1e-7, atol=atol)
    np.testing.assert_allclose(g_b, fd_b, rtol=1e-7, atol=atol)
    # the loss returned is at the input parameters, not at the updated ones
    assert loss == loss_at(impl, w, b, X, y)
    assert np.max(np.abs(g_w)) > 100 * atol, "a vanishing gradient proves nothing"


@pytest.mark.parametrize("labels", ["hard", "all zero", "all one"])
@pytest.mark.parametrize("shape", [(1, 1), (40, 3), (500, 20)], ids=str)
def test_loss_matches_sklearn_log_loss(shape, labels, impl):
    # moderate logits (|z| of a few units): sklearn clips probabilities to
    # [eps, 1 - eps], which must not bite for the comparison to be exact
    w, b, X, y = make_problem(*shape, seed=22, logit_scale=3.0)
    if labels == "all zero":
        y = np.zeros_like(y)
    elif labels == "all one":
        y = np.ones_like(y)
    p = expit(X @ w + b)
    assert np.all((p > 1e-10) & (p < 1 - 1e-10))
    expected = log_loss(y, p, labels=[0.0, 1.0])
    _, _, loss = impl.step(w, b, X, y, 0.1)
    # log(1 - p) of a p close to 1 loses ~eps / (1 - p) relative accuracy in the
    # reference itself; 1e-9 covers |z| up to ~15
    np.testing.assert_allclose(loss, expected, rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_soft_label_loss_and_gradient_match_the_textbook_formulas(dtype, impl):
    w, b, X, y = make_problem(300, 6, seed=23, logit_scale=3.0, soft_labels=True)
    p = expit(X @ w + b)
    loss_ref = -np.mean(xlogy(y, p) + xlogy(1 - y, 1 - p))
    g_w_ref = (p - y) @ X / len(y)
    g_b_ref = np.mean(p - y)
    Xd, wd, yd = X.astype(dtype), w.astype(dtype), y.astype(dtype)
    lr = 0.25
    w_new, b_new, loss = impl.step(wd, b, Xd, yd, lr)
    # float32: the inputs are rounded to float32 first, and every value carries
    # ~1e-7 relative error; 1e-4 is the contract's float32 tolerance
    rtol, atol = (1e-9, 1e-12) if dtype is np.float64 else (1e-4, 1e-5)
    np.testing.assert_allclose(loss, loss_ref, rtol=rtol)
    np.testing.assert_allclose(w_new, w - lr * g_w_ref, rtol=rtol, atol=atol)
    np.testing.assert_allclose(b_new, b - lr * g_b_ref, rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def iris_problem():
    """Iris versicolor (0) vs virginica (1), standardized, and sklearn's fit."""
    X, target = load_iris(return_X_y=True)
    keep = target > 0
    X = X[keep]
    y = (target[keep] == 2).astype(np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    # C=inf is no penalty (penalty=None is deprecated from scikit-learn 1.8 on)
    clf = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(X, y)
    return X, y, clf.coef_[0].copy(), float(clf.intercept_[0])


def test_gradient_vanishes_at_the_sklearn_optimum(iris_problem, impl):
    X, y, coef, intercept = iris_problem
    g_w, g_b, _ = gradient_from_step(impl, coef, intercept, X, y)
    # lbfgs at tol=1e-12 stops with a gradient of ~1e-10 here
    assert np.max(np.abs(g_w)) < 1e-8
    assert abs(g_b) < 1e-8


# The Python loop runs 20,000 epochs of this 100 x 4 problem in about 1-2 s, well
# under the 20 s budget, so every implementation, python included, takes the full run.
def test_train_converges_to_sklearn_on_iris(iris_problem, impl):
    X, y, coef, intercept = iris_problem
    w, b, losses = impl.train(np.zeros(4), 0.0, X, y, 1.0, 20_000)
    np.testing.assert_allclose(w, coef, atol=1e-3)
    np.testing.assert_allclose(b, intercept, atol=1e-3)
    # With standardized features the Hessian is at most lambda_max([X 1]^T [X 1] / n)
    # / 4 <= trace / 4 = 5/4, so lr = 1 < 2 / L and gradient descent never increases
    # the loss (up to rounding of the loss itself, ~1e-17).
    assert np.all(np.diff(losses) <= 1e-15)
    optimum = loss_at(impl, coef, intercept, X, y)
    assert 0.0 <= losses[-1] - optimum < 1e-8
    assert losses[0] == pytest.approx(np.log(2.0), rel=1e-12)  # w = 0, b = 0
