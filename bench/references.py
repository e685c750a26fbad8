"""Reference rows timed beside the implementations, on the same data.

- ``sklearn``: what a user would otherwise reach for -- scikit-learn's
  ``LinearModelLoss.loss_gradient`` (``n_threads=1``) for the half binomial loss,
  plus the parameter update. It is the same loss and gradient as ``step``.
- ``x_sum``: ``X.sum()``, NumPy's one pass over ``X`` (a pairwise sum, not a plain
  stream), for comparison with what a user would write.
- ``stream_one`` and ``stream_all``: the roofline, a compiled load-only stream over
  ``X`` on one thread and on all of Numba's (``bench/stream.py``). ``bytes(X) /
  time`` of these is the rate at which memory gives up ``X`` once ``X`` is large
  (at small sizes their fixed cost dominates); the report gives every
  implementation's rate as a share of it.
- ``simd_forward`` and ``simd_backward``: ``numba_simd``'s two passes over ``X``
  timed apart (``bench/simd_passes.py``), and ``simd_in_core``, its whole step with
  every row from cache, only where ``n * d >= bench.grid.OVERLAP_MIN_ELEMENTS``:
  for the overlap of the two passes in the step, and of its in-core work with the
  stream.

These are not implementations of the contract (no argument checks, no error
messages), so they are not in ``kernels.IMPLEMENTATIONS``. scikit-learn comes with
the ``test`` extra; without it the ``sklearn`` cases are skipped, with that reason.
"""

import numpy as np

from bench import simd_passes
from bench.grid import OVERLAP_MIN_ELEMENTS
from bench.report.common import PASS_ROWS
from bench.stream import stream_all, stream_one

try:
    from sklearn._loss.loss import HalfBinomialLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss
except ImportError:  # pragma: no cover - depends on the environment
    _LOSS = None
else:
    _LOSS = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)


def sklearn_step(w, b, X, y, lr):
    """The step through scikit-learn's loss: ``(w_new, b_new, loss)``."""
    # scikit-learn wants coef, X and y of one dtype (float32 stays float32)
    coef = np.append(w, b).astype(X.dtype)
    loss, grad = _LOSS.loss_gradient(coef, X, y, l2_reg_strength=0.0, n_threads=1)
    coef -= lr * grad
    return coef[:-1], coef[-1], loss


def x_sum(w, b, X, y, lr):
    """Read ``X`` once: ``X.sum()``."""
    return X.sum()


def stream_one_ref(w, b, X, y, lr):
    """Read ``X`` once with the compiled stream, on one thread."""
    return stream_one(X)


def stream_all_ref(w, b, X, y, lr):
    """Read ``X`` once with the compiled stream, on all threads."""
    return stream_all(X)


def simd_forward(w, b, X, y, lr):
    """``numba_simd``'s forward pass alone (logits and per-sample terms)."""
    return simd_passes.forward(w, b, X, y)


def simd_backward(w, b, X, y, lr):
    """``numba_simd``'s backward pass alone, over n rows from cache."""
    return simd_passes.backward(X)


def simd_in_core(w, b, X, y, lr):
    """``numba_simd``'s three loops over n rows from cache: its in-core work."""
    return simd_passes.in_core(w, b, X, y)


REFERENCES = {
    "sklearn": sklearn_step,
    "x_sum": x_sum,
    "stream_one": stream_one_ref,
    "stream_all": stream_all_ref,
    "simd_forward": simd_forward,
    "simd_backward": simd_backward,
    "simd_in_core": simd_in_core,
}


def wanted(name, n, d):
    """Whether the reference ``name`` is timed at ``n x d``."""
    return name not in PASS_ROWS or n * d >= OVERLAP_MIN_ELEMENTS


def unavailable(name):
    """Why the reference ``name`` cannot run here, or None."""
    if name == "sklearn" and _LOSS is None:
        return "scikit-learn is not installed (pip install -e '.[test]')"
    return None
