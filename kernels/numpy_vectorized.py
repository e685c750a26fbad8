"""The step as whole-array NumPy: no Python loop over samples or features.

Two matrix-vector products (``X @ w`` forward, ``r @ X`` backward) each read all of
``X``; the element-wise math in between makes a few temporaries of ``n_samples``
values. The same steps in the same order as ``python_loop.py`` (forward, per-sample
terms, backward, update), each over whole arrays; the per-sample terms use NumPy's
vectorized ``log1p`` where the loops share ``logistic.sample_terms``.
"""

import numpy as np

from kernels._contract import epoch_loop, public_step, public_train


def _step(w, b, X, y, lr):
    # NaN and inf are caught by the finiteness test at the end, which names the
    # argument; NumPy's own warnings about them would only be noise before it.
    with np.errstate(all="ignore"):
        n = X.shape[0]
        labels_ok = y.min() >= 0.0 and y.max() <= 1.0
        # forward: all logits at once
        z = X @ w + b
        # losses and dL/dz = sigma(z) - y, from one exp and one log1p per sample
        t = np.exp(-np.abs(z))
        loss_i = np.log1p(t) + np.maximum(z, 0.0) - y * z
        r = np.where(z >= 0.0, 1.0, t) / (1.0 + t) - y
        loss = loss_i.mean()
        g_b = r.mean()
        # backward: the mean of r_i x_i over samples, a second pass over X
        g_w = (r @ X) / n
        # update
        w_new = w - lr * g_w
        b_new = b - lr * g_b
    ok = labels_ok and np.isfinite(loss) and np.isfinite(b_new)
    ok = ok and np.isfinite(w_new).all()
    return w_new, float(b_new), float(loss), bool(ok)


HOW = "whole-array NumPy"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
