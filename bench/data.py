"""The one seeded data maker, shared by the tests and the benchmarks.

Labels are drawn from a logistic model (``y ~ Bernoulli(sigma(X w_true + b_true))``),
so the classes overlap the way real data do and no data set is linearly separable by
construction.

Every array it returns starts on a 64-byte boundary (a cache line; the alignment
XLA needs to read a NumPy array in place instead of copying it, see
``kernels.jax_jit``), so that no implementation's timing depends on where the
allocator happened to put the data.
"""

import numpy as np


def make_problem(
    n_samples,
    n_features,
    *,
    seed=0,
    dtype=np.float64,
    order="C",
    logit_scale=1.0,
    soft_labels=False,
):
    """Make the arguments of one step: ``w, b, X, y``.

    Parameters
    ----------
    n_samples, n_features : int
        Shape of ``X``.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same data.
    dtype : numpy dtype
        Dtype of ``X``, ``y`` and ``w``.
    order : {"C", "F"}
        Memory layout of ``X``.
    logit_scale : float
        Typical size of the logits ``X @ w + b`` at the returned ``w``, ``b``; large
        values (1e4) test the overflow-safe paths.
    soft_labels : bool
        Labels are probabilities in [0, 1] instead of 0 or 1.

    Returns
    -------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    w_true = rng.standard_normal(n_features) / np.sqrt(n_features)
    p = 1.0 / (1.0 + np.exp(-(X @ w_true)))
    y = p if soft_labels else (rng.random(n_samples) < p).astype(np.float64)
    w = logit_scale * rng.standard_normal(n_features) / np.sqrt(n_features)
    b = float(logit_scale * rng.standard_normal() / 4)
    X = np.asarray(X, dtype=dtype, order=order)
    return aligned(w.astype(dtype)), b, aligned(X), aligned(y.astype(dtype))


ALIGNMENT = 64


def aligned(a, alignment=ALIGNMENT):
    """A copy of ``a`` (same shape, dtype and memory order) whose data starts on an
    ``alignment``-byte boundary.

    Parameters
    ----------
    a : ndarray
        C- or Fortran-contiguous.
    alignment : int
        Bytes, a multiple of ``a.itemsize``.

    Returns
    -------
    ndarray
    """
    buffer = np.empty(a.nbytes + alignment, dtype=np.uint8)
    offset = -buffer.ctypes.data % alignment
    order = "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"
    out = np.ndarray(a.shape, a.dtype, buffer, offset, order=order)
    out[...] = a
    return out
