"""The source notebook's own loop: Python over samples, NumPy within a sample.

Halfway between ``python_loop.py`` and ``numpy_vectorized.py``: the interpreter runs
once per sample (not once per element), and each sample's dot product and gradient
update are NumPy vector operations. Per call NumPy costs about a microsecond, so this
is slower than the pure Python loop for few features and faster for many.
"""

import math

import numpy as np

from kernels._contract import epoch_loop, public_step, public_train
from kernels.logistic import sample_terms


def _step(w, b, X, y, lr):
    n, d = X.shape
    g_w = np.zeros(d)
    g_b = 0.0
    loss = 0.0
    labels_ok = True
    # NaN and inf are caught by the finiteness test at the end
    with np.errstate(all="ignore"):
        for i in range(n):
            x_i, y_i = X[i], float(y[i])
            labels_ok = labels_ok and 0.0 <= y_i <= 1.0
            # forward: the logit of sample i, one NumPy dot product
            z = float(x_i @ w) + b
            # its loss and dL/dz = sigma(z) - y
            loss_i, r = sample_terms(z, y_i)
            loss += loss_i
            g_b += r
            # backward: one NumPy vector update
            g_w += r * x_i
        # update
        w_new = w - lr * (g_w / n)
    b_new = b - lr * (g_b / n)
    loss = loss / n
    ok = labels_ok and math.isfinite(loss) and math.isfinite(b_new)
    ok = ok and bool(np.isfinite(w_new).all())
    return w_new, b_new, loss, ok


HOW = "a Python loop over samples with NumPy vector operations per sample"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
