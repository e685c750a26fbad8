"""The step as the Python loops of ``python_loop.py``, compiled by Numba.

One pass over ``X``: the logit of a sample and its share of the gradient are
computed together while its row is in cache, so ``X`` is read from memory once per
step (NumPy reads it twice). The per-sample math is ``logistic.sample_terms``
itself, compiled and inlined. Sums over samples are kept in float64 whatever the
dtype of ``X``, so float32 input loses no accuracy over a million samples.

``fastmath`` allows reassociation and fused multiply-adds, so the dot product and
the gradient update vectorize; it does not assume away NaN and infinity, which the
finiteness check at the end relies on.
"""

import math

import numpy as np
from numba import njit

from kernels._contract import public_step, public_train
from kernels.logistic import sample_terms

FASTMATH = {"reassoc", "contract", "nsz"}

_sample_terms = njit(inline="always", fastmath=FASTMATH, cache=True)(sample_terms)


@njit(cache=True, fastmath=FASTMATH)
def _step(w, b, X, y, lr):
    n, d = X.shape
    g_w = np.zeros(d)
    g_b = 0.0
    loss = 0.0
    labels_ok = True
    for i in range(n):
        y_i = float(y[i])
        labels_ok = labels_ok and 0.0 <= y_i <= 1.0
        # forward: the logit of sample i
        z = b
        for j in range(d):
            z += X[i, j] * w[j]
        # its loss and dL/dz = sigma(z) - y, from one exp and one log1p
        loss_i, r = _sample_terms(z, y_i)
        loss += loss_i
        g_b += r
        # backward: dL/dw_j = (sigma(z) - y) x_ij, while the row is in cache
        for j in range(d):
            g_w[j] += r * X[i, j]
    # update: w - lr * (mean gradient)
    w_new = np.empty(d, dtype=w.dtype)
    ok = labels_ok and math.isfinite(loss) and math.isfinite(g_b)
    for j in range(d):
        w_new[j] = w[j] - lr * (g_w[j] / n)
        ok = ok and math.isfinite(g_w[j])
    b_new = b - lr * (g_b / n)
    loss = loss / n
    return w_new, b_new, loss, ok


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
