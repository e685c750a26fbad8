# cython: language_level=3, boundscheck=False, wraparound=False
# cython: initializedcheck=False, cdivision=True
"""The loop of ``numba_loop.py`` as typed Cython over memoryviews.

Built by ``kernels/_cython_build.py`` with the flags in ``kernels/cython_loop.py``.
Two specializations of each function: one for C-contiguous ``X`` (unit stride over
features, so the compiler vectorizes the two loops over ``j``) and one for any
strides. ``floating`` is float or double: sums are kept in double, as in Numba.
"""

from cython cimport floating
from libc.math cimport INFINITY, exp, fabs, log1p

import numpy as np


cdef inline void sample_terms(double z, double y_i, double *loss_i, double *r) noexcept nogil:
    # log(1 + e^z) - y z and sigma(z) - y, from t = exp(-|z|) (never overflows)
    cdef double t = exp(-fabs(z))
    cdef double inv_u = 1.0 / (1.0 + t)
    loss_i[0] = log1p(t) + (z if z > 0.0 else 0.0) - y_i * z
    r[0] = (inv_u if z >= 0.0 else t * inv_u) - y_i


def accumulate_c(const floating[:, ::1] X, const floating[::1] y,
                 const floating[::1] w, double b, double[::1] g_w):
    """``(loss sum, g_b sum, labels ok)``; adds the gradient sum to ``g_w``."""
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], i, j
    cdef double loss = 0.0, g_b = 0.0, z, y_i, loss_i, r
    cdef bint labels_ok = True
    with nogil:
        for i in range(n):
            y_i = y[i]
            labels_ok = labels_ok & (0.0 <= y_i <= 1.0)
            # forward: the logit of sample i
            z = b
            for j in range(d):
                z = z + X[i, j] * w[j]
            # its loss and dL/dz = sigma(z) - y
            sample_terms(z, y_i, &loss_i, &r)
            loss = loss + loss_i
            g_b = g_b + r
            # backward: dL/dw_j = (sigma(z) - y) x_ij, while the row is in cache
            for j in range(d):
                g_w[j] = g_w[j] + r * X[i, j]
    return loss, g_b, labels_ok


def accumulate_any(const floating[:, :] X, const floating[:] y,
                   const floating[:] w, double b, double[::1] g_w):
    """``accumulate_c`` for any strides."""
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], i, j
    cdef double loss = 0.0, g_b = 0.0, z, y_i, loss_i, r
    cdef bint labels_ok = True
    with nogil:
        for i in range(n):
            y_i = y[i]
            labels_ok = labels_ok & (0.0 <= y_i <= 1.0)
            z = b
            for j in range(d):
                z = z + X[i, j] * w[j]
            sample_terms(z, y_i, &loss_i, &r)
            loss = loss + loss_i
            g_b = g_b + r
            for j in range(d):
                g_w[j] = g_w[j] + r * X[i, j]
    return loss, g_b, labels_ok


def update(const floating[:] w, double b, double lr, Py_ssize_t n,
           const double[::1] g_w, double g_b, double loss, bint labels_ok):
    """``(w_new, b_new, mean loss, ok)`` from the summed gradients."""
    cdef Py_ssize_t d = w.shape[0], j
    w_new_array = np.empty(d, dtype=np.float32 if floating is float else np.float64)
    cdef floating[::1] w_new = w_new_array
    cdef double b_new = b - lr * (g_b / n)
    # a comparison with inf is false for inf and NaN, whatever the flags
    cdef bint ok = labels_ok and fabs(loss) < INFINITY and fabs(b_new) < INFINITY
    for j in range(d):
        w_new[j] = <floating>(w[j] - lr * (g_w[j] / n))
        ok = ok and fabs(w_new[j]) < INFINITY  # as stored: float32 may overflow
    return w_new_array, b_new, loss / n, ok
