"""Reference rows timed beside the implementations, on the same data.

- ``sklearn``: what a user would otherwise reach for -- scikit-learn's
  ``LinearModelLoss.loss_gradient`` (``n_threads=1``) for the half binomial loss,
  plus the parameter update. It is the same loss and gradient as ``step``.
- ``x_sum``: ``X.sum()``, one pass over ``X`` at the speed NumPy streams memory. No
  step can read ``X`` faster than this, so ``bytes(X) / time`` of ``x_sum`` is the
  roofline the report compares every implementation against.

These are not implementations of the contract (no argument checks, no error
messages), so they are not in ``kernels.IMPLEMENTATIONS``.
"""

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss

_LOSS = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)


def sklearn_step(w, b, X, y, lr):
    """The step through scikit-learn's loss: ``(w_new, b_new, loss)``."""
    coef = np.append(w, b)
    loss, grad = _LOSS.loss_gradient(coef, X, y, l2_reg_strength=0.0, n_threads=1)
    coef -= lr * grad
    return coef[:-1], coef[-1], loss


def x_sum(w, b, X, y, lr):
    """Read ``X`` once: ``X.sum()``."""
    return X.sum()


REFERENCES = {"sklearn": sklearn_step, "x_sum": x_sum}
