"""Argument checks shared by every implementation.

The checks are split by cost, so that a 20 x 3 step stays in microseconds:

- ``check_step_args`` runs before every call and only looks at types, shapes and the
  two scalars: a handful of attribute reads, no pass over the data;
- the values of ``X``, ``y`` and ``w`` are never scanned up front. Each kernel notices
  trouble while it works (a label outside [0, 1], a non-finite loss or gradient) and
  only then calls ``explain_failure``, which scans the inputs to name the culprit.

A NaN or infinity anywhere in ``X``, ``y`` or ``w`` always reaches the loss or the
gradient (``g_w[j]`` sums ``(sigma - y) x_ij`` over every sample), so the cheap test
after the step misses none of them.
"""

import math
import numbers

import numpy as np

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _real_array(a, name, ndim, shape_doc):
    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array: a mask would be ignored")
    try:
        a = np.asarray(a)  # lists, and subclasses such as np.matrix, become ndarrays
    except (TypeError, ValueError) as err:  # ragged nested lists and the like
        raise TypeError(f"{name} must be a real-valued array: {err}") from None
    if a.dtype.kind not in "fiub":  # float, signed and unsigned int, bool
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D with shape {shape_doc}, got shape {a.shape}"
        )
    return a


def _real_scalar(v, name):
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got a bool")
    real = isinstance(v, numbers.Real)  # Python and NumPy ints and floats
    if not real and not (
        isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "fiu"
    ):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__}")
    try:
        return float(v)
    except OverflowError:  # an int beyond the float range
        raise ValueError(
            f"{name} must be finite, got an int beyond float range"
        ) from None


def check_step_args(w, b, X, y, lr):
    """Check the arguments of a step and bring them to one working dtype.

    The working dtype is float32 when both ``X`` and ``w`` are float32 (of either
    byte order) and float64 otherwise; every array is converted to it (a copy only
    when its dtype differs, so inputs are never modified). The checks are O(1):
    values inside the arrays are checked after the step, see ``explain_failure``.

    Parameters
    ----------
    w : array_like, shape (n_features,)
    b : real scalar
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
    lr : real scalar

    Returns
    -------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)
    lr : float

    Raises
    ------
    TypeError
        An argument is not real-valued (strings, objects, complex numbers).
    ValueError
        Wrong number of dimensions, mismatched shapes, empty data, non-finite ``b``
        or ``lr``, or ``lr <= 0``.
    """
    # The common case -- float64 (or float32) arrays, float scalars -- costs a few
    # attribute reads. (``is`` first: NumPy's native dtypes are single objects,
    # except in arrays made by compiled code, such as w_new of the Numba step.)
    if (
        type(X) is type(y) is type(w) is np.ndarray
        and (X.dtype is _F64 or X.dtype is _F32)
        and y.dtype is X.dtype
        and (w.dtype is X.dtype or w.dtype == X.dtype)
        and type(b) is type(lr) is float
        and X.ndim == 2
        and y.ndim == 1
        and w.ndim == 1
    ):
        n, d = X.shape
        if (
            n > 0
            and d > 0
            and y.shape[0] == n
            and w.shape[0] == d
            and -math.inf < b < math.inf
            and 0.0 < lr < math.inf
        ):
            return w, b, X, y, lr
    return _check_any_args(w, b, X, y, lr)


def _check_any_args(w, b, X, y, lr):
    """``check_step_args`` for anything else: convert what can be, name the rest."""
    X = _real_array(X, "X", 2, "(n_samples, n_features)")
    y = _real_array(y, "y", 1, "(n_samples,)")
    w = _real_array(w, "w", 1, "(n_features,)")
    b = _real_scalar(b, "b")
    lr = _real_scalar(lr, "lr")
    n, d = X.shape
    if n == 0:
        raise ValueError("X is empty: it has no samples (shape (0, n_features))")
    if d == 0:
        raise ValueError("X is empty: it has no features (shape (n_samples, 0))")
    if y.shape[0] != n:
        raise ValueError(f"y must have {n} labels, one per row of X, got {y.shape[0]}")
    if w.shape[0] != d:
        raise ValueError(
            f"w must have {d} weights, one per column of X, got {w.shape[0]}"
        )
    if not math.isfinite(b):
        raise ValueError(f"b must be finite, got {b}")
    if not (math.isfinite(lr) and lr > 0.0):
        raise ValueError(f"lr must be a finite number > 0, got {lr}")
    # Any 4-byte float, of either byte order, counts as float32. Equal dtypes are
    # not copied; others are converted, so the kernels see native byte order.
    single = X.dtype.kind == w.dtype.kind == "f" and X.itemsize == w.itemsize == 4
    dtype = _F32 if single else _F64
    if X.dtype != dtype:
        X = X.astype(dtype)
    if y.dtype != dtype:
        y = y.astype(dtype)
    if w.dtype != dtype:
        w = w.astype(dtype)
    return w, b, X, y, lr


def check_epochs(epochs):
    """Check the number of epochs of ``train``: an integer >= 0."""
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, numbers.Integral):
        raise TypeError(f"epochs must be an integer, got {type(epochs).__name__}")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    return int(epochs)


def explain_failure(w, b, X, y):
    """Name the argument that made a step fail, and raise.

    Called by a kernel that saw a label outside [0, 1] or a non-finite loss or
    gradient. This is the only full pass over the inputs, and it happens only on the
    way to an error.

    Parameters
    ----------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)

    Raises
    ------
    ValueError
        Always; the message names ``X``, ``y`` or ``w``, or says that finite inputs
        overflowed.
    """
    for name, a in (("X", X), ("y", y), ("w", w)):
        bad = ~np.isfinite(a)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} must be finite, found {a[where]} at index {where}"
                f" ({int(bad.sum())} non-finite value(s))"
            )
    outside = (y < 0) | (y > 1)
    if outside.any():
        i = int(np.argmax(outside))
        raise ValueError(
            f"y must hold labels in [0, 1], found {y[i]} at index {i}"
            f" ({int(outside.sum())} label(s) outside)"
        )
    raise ValueError(
        "X, y, w, b and lr are finite but the step overflowed (a logit, the"
        " gradient or the update is too large for the dtype): rescale X, w or lr"
    )
