"""Turn an implementation's unchecked core into the public ``step`` and ``train``.

Every implementation module writes only its core::

    _step(w, b, X, y, lr) -> (w_new, b_new, loss, ok)

on arguments already checked and converted by ``_checks.check_step_args``. ``ok`` is
false when the core saw a label outside [0, 1], or when the loss, ``w_new`` or
``b_new`` is not finite. A core may compute in float64 for float32 input: this module
rounds its results to float32 and treats an overflow there like any other.

This module wraps the core with the checks, the error that names the bad argument,
and the dtype of the results, so that the contract in the package docstring is kept
in one place for all implementations.
"""

import numpy as np

from kernels._checks import _F32, check_epochs, check_step_args, explain_failure

_STEP_DOC = """One gradient-descent step of logistic regression ({how}).

    Parameters
    ----------
    w : ndarray, shape (n_features,)
        Weights.
    b : float
        Bias.
    X : ndarray, shape (n_samples, n_features)
        One sample per row; any memory layout.
    y : ndarray, shape (n_samples,)
        Labels in [0, 1].
    lr : float
        Learning rate, > 0.

    Returns
    -------
    w_new : ndarray, shape (n_features,)
        ``w - lr * g_w``, a new array of the working dtype (float32 when ``X`` and
        ``w`` are float32, float64 otherwise).
    b_new : float (numpy.float32 for float32 input)
        ``b - lr * g_b``.
    loss : float (numpy.float32 for float32 input)
        Mean negative log-likelihood at the input ``w`` and ``b``.

    Raises
    ------
    TypeError
        Non-numeric or complex input.
    ValueError
        Bad shapes, empty data, non-finite values, labels outside [0, 1], ``lr <= 0``.
    """

_TRAIN_DOC = """Run ``epochs`` gradient-descent steps of logistic regression ({how}).

    Parameters
    ----------
    w, b, X, y, lr
        As for ``step``.
    epochs : int
        Number of steps, >= 0.

    Returns
    -------
    w : ndarray, shape (n_features,)
        Weights after the last step (a new array).
    b : scalar of the working dtype
        Bias after the last step.
    losses : ndarray, shape (epochs,)
        ``losses[e]`` is the mean loss at the parameters step ``e`` started from.
    """


_F32_MAX = float(np.finfo(np.float32).max)


def _float32_results(w, b, largest_loss):
    """``(w, b)`` rounded to float32, or ``None`` if a result overflows there.

    Only weights that arrive in float64 are tested: a core that returns float32
    weights has tested them as stored.
    """
    if not (abs(b) <= _F32_MAX and largest_loss <= _F32_MAX):
        return None
    if w.itemsize == 8:
        with np.errstate(over="ignore"):  # an overflow becomes inf, tested below
            w = w.astype(_F32)
        if not np.isfinite(w).all():
            return None
    return w, np.float32(b)


def public_step(core, how):
    """Wrap ``core`` into the checked ``step`` of an implementation described by
    ``how``."""

    def step(w, b, X, y, lr):
        w, b, X, y, lr = check_step_args(w, b, X, y, lr)
        w_new, b_new, loss, ok = core(w, b, X, y, lr)
        if not ok:
            explain_failure(w, b, X, y)
        if X.itemsize == 8:  # the working dtype is float64 or float32
            return w_new, b_new, loss
        # float32, from a core that stored w_new in float32 (tested as stored) and
        # whose b and loss fit: two conversions, no call (a 20 x 3 step takes a
        # few µs, and the call and its tests were a tenth of it)
        if w_new.itemsize == 4 and abs(b_new) <= _F32_MAX and abs(loss) <= _F32_MAX:
            return w_new, _F32.type(b_new), _F32.type(loss)
        results = _float32_results(w_new, b_new, abs(loss))
        if results is None:
            explain_failure(w, b, X, y)
        return *results, np.float32(loss)

    step.__module__ = core.__module__
    step.__doc__ = _STEP_DOC.format(how=how)
    return step


def public_train(core, how):
    """Wrap ``core(w, b, X, y, lr, epochs) -> (w, b, losses, ok)`` into ``train``."""

    def train(w, b, X, y, lr, epochs):
        w, b, X, y, lr = check_step_args(w, b, X, y, lr)
        epochs = check_epochs(epochs)
        w_out, b_out, losses, ok = core(w, b, X, y, lr, epochs)
        if not ok:
            explain_failure(w, b, X, y)
        if X.itemsize == 8:
            return w_out, b_out, losses
        results = _float32_results(w_out, b_out, np.abs(losses).max(initial=0.0))
        if results is None:
            explain_failure(w, b, X, y)
        return *results, losses.astype(_F32)

    train.__module__ = core.__module__
    train.__doc__ = _TRAIN_DOC.format(how=how)
    return train


def epoch_loop(step_core):
    """A ``train`` core that calls ``step_core`` once per epoch from Python."""

    def train_core(w, b, X, y, lr, epochs):
        losses = np.empty(epochs)
        w = w.copy()
        for e in range(epochs):
            w, b, losses[e], ok = step_core(w, b, X, y, lr)
            if not ok:
                return w, b, losses, False
            if w.itemsize != X.itemsize:  # a core that computed in float64
                with np.errstate(over="ignore"):  # inf fails the next step's test
                    w, b = w.astype(X.dtype), float(X.dtype.type(b))
        return w, b, losses, True

    train_core.__module__ = step_core.__module__
    return train_core
