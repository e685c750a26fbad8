"""The step as the Python loops of ``python_loop.py``, compiled by Numba.

One pass over ``X``: the logit of a sample and its share of the gradient are
computed together while its row is in cache, so ``X`` is read from memory once per
step (NumPy reads it twice). The per-sample math is ``logistic.sample_terms`` itself,
compiled. Sums over samples are kept in float64 whatever the dtype of ``X``, so
float32 input loses no accuracy over a million samples.

``fastmath`` allows reassociation and fused multiply-adds in the loops, so the dot
product and the gradient update vectorize (AVX-512 where the CPU has it). It does not
assume away NaN and infinity, which the finiteness check relies on (written as a
comparison with infinity, which reassociation cannot fold away), and it does not
reach ``sample_terms``, compiled separately without it, so the per-sample math is the
same IEEE arithmetic as in the Python loop. (Taking rows two or four at a time was
measured too: faster while ``X`` fits in cache, slower at 1e6 x 100.)
"""

import math

import numpy as np
from numba import njit

import kernels._numba_cache  # noqa: F401  (before any cache=True: drops stale code)
from kernels._contract import public_step, public_train
from kernels.logistic import sample_terms

FASTMATH = {"reassoc", "contract", "nsz"}

_sample_terms = njit(cache=True)(sample_terms)


@njit(cache=True, fastmath=FASTMATH)
def accumulate(w, b, X, y, start, stop, g_w):
    """Add the gradient of rows ``start:stop`` to ``g_w``; return their loss sums.

    Parameters
    ----------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)
    start, stop : int
        The rows to visit.
    g_w : ndarray of float64, shape (n_features,)
        Incremented by ``sum_i (sigma(z_i) - y_i) x_i`` over the rows.

    Returns
    -------
    loss : float
        ``sum_i log(1 + e^{z_i}) - y_i z_i`` over the rows.
    g_b : float
        ``sum_i sigma(z_i) - y_i``.
    labels_ok : bool
        Every label of the rows is in [0, 1] (false for NaN).
    """
    d = X.shape[1]
    loss = 0.0
    g_b = 0.0
    labels_ok = True
    for i in range(start, stop):
        y_i = float(y[i])
        labels_ok &= 0.0 <= y_i <= 1.0
        # forward: the logit of sample i
        z = b
        for j in range(d):
            z += X[i, j] * w[j]
        # its loss and dL/dz = sigma(z) - y
        loss_i, r = _sample_terms(z, y_i)
        loss += loss_i
        g_b += r
        # backward: dL/dw_j = (sigma(z) - y) x_ij, while the row is in cache
        for j in range(d):
            g_w[j] += r * X[i, j]
    return loss, g_b, labels_ok


@njit(cache=True, fastmath=FASTMATH)
def update(w, b, lr, n, g_w, g_b, loss, labels_ok):
    """The update from summed gradients: ``(w_new, b_new, mean loss, ok)``."""
    d = w.shape[0]
    w_new = np.empty(d, dtype=w.dtype)
    b_new = b - lr * (g_b / n)
    # Not math.isfinite: Numba computes it as ``x - x == x - x``, which fastmath's
    # reassociation folds to true. A comparison with inf is false for inf and NaN.
    ok = labels_ok and abs(loss) < math.inf and abs(b_new) < math.inf
    for j in range(d):
        w_new[j] = w[j] - lr * (g_w[j] / n)
        ok = ok and abs(w_new[j]) < math.inf  # as stored: float32 may overflow
    return w_new, b_new, loss / n, ok


@njit(cache=True, fastmath=FASTMATH)
def _step(w, b, X, y, lr):
    n, d = X.shape
    g_w = np.zeros(d)
    loss, g_b, labels_ok = accumulate(w, b, X, y, 0, n, g_w)
    return update(w, b, lr, n, g_w, g_b, loss, labels_ok)


@njit(cache=True, fastmath=FASTMATH)
def _train(w, b, X, y, lr, epochs):
    # the epoch loop runs in compiled code too: no interpreter between steps
    losses = np.empty(epochs)
    w = w.copy()
    for e in range(epochs):
        w, b, losses[e], ok = _step(w, b, X, y, lr)
        if not ok:
            return w, b, losses, False
    return w, b, losses, True


HOW = "Python loops compiled by Numba, one fused pass over X"
step = public_step(_step, HOW)
train = public_train(_train, HOW)
