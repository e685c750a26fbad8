"""The step as a pure Python loop: Python floats, the ``math`` module, no NumPy.

The arrays become nested lists once, before the loop (``tolist`` is one C call); from
there on every multiply and add goes through the interpreter, which is the cost this
implementation exists to show. Statement for statement it is the loop that
``numba_loop.py`` compiles.
"""

import math

import numpy as np

from kernels._contract import epoch_loop, public_step, public_train
from kernels.logistic import sample_terms


def _step(w, b, X, y, lr):
    n, d = X.shape
    rows, labels, weights = X.tolist(), y.tolist(), w.tolist()
    g_w = [0.0] * d
    g_b = 0.0
    loss = 0.0
    labels_ok = True
    for i in range(n):
        x_i, y_i = rows[i], labels[i]
        labels_ok = labels_ok and 0.0 <= y_i <= 1.0
        # forward: the logit of sample i
        z = b
        for j in range(d):
            z += x_i[j] * weights[j]
        # its loss and dL/dz = sigma(z) - y, from one exp and one log
        loss_i, r = sample_terms(z, y_i)
        loss += loss_i
        g_b += r
        # backward: dL/dw_j = (sigma(z) - y) x_ij, while the row is at hand
        for j in range(d):
            g_w[j] += r * x_i[j]
    # update: w - lr * (mean gradient)
    w_new = [weights[j] - lr * (g_w[j] / n) for j in range(d)]
    b_new = b - lr * (g_b / n)
    loss = loss / n
    ok = labels_ok and math.isfinite(loss) and math.isfinite(b_new)
    ok = ok and all(math.isfinite(v) for v in w_new)
    return np.array(w_new), b_new, loss, ok


HOW = "pure Python loops over samples and features"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
