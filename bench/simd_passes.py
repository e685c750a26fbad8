"""The overlap of ``numba_simd``'s two passes over ``X``: measured, not assumed.

``numba_simd`` reads each block of ``X`` twice: the forward pass (the logits and
the per-sample terms) from memory, the backward pass (``g_w += r_k x_k``) from the
core's cache. If the core kept memory busy during the backward pass -- the misses
of the next rows in flight while the gradient of these rows is summed -- the step
would cost no more than its forward pass, and read ``X`` at the rate of a pass that
does nothing else. If not, the two add up. This module times the two passes on
their own, with the kernel's own functions, so that the report can say which:

- ``forward``: every block through ``logits`` and ``block_terms``, no backward;
- ``backward``: ``gradient`` over as many rows as ``X`` has, all of them the first
  block's rows, so that they come from cache, as in the step;

- ``in_core``: the step's three loops over as many rows as ``X`` has, every block
  the first one, so that none of it waits on memory: the step's in-core work;

and ``overlap = (T_forward + T_backward - T_step) / T_backward``
(``lab/overlap.py``, the lab's study of it): 1 when the backward pass
is hidden behind the memory stream, 0 when the passes add up, below 0 when the
step costs more than its two parts apart. The same for the whole step against the
stream, ``hidden = (T_stream + T_in_core - T_step) / T_in_core``: 1 when all of
the step's in-core work runs while memory streams ``X``, so the step costs the
stream; 0 when the two add up. With ``c = T_in_core / T_stream``, the step reads
``X`` at ``1 / (1 + c (1 - hidden))`` of the stream's rate.

Timed as reference rows (``bench/references.py``) at the sizes where ``X`` comes
from memory, ``bench.grid.OVERLAP_MIN_ELEMENTS`` and up.
"""

import numpy as np
from numba import njit

from kernels.numba_loop import FASTMATH
from kernels.numba_simd import add_gradient, block_rows, block_terms, logits
from kernels.simd_lanes import block_scratch, flush, lane_gradient, lane_words


@njit(fastmath=FASTMATH)  # no cache: it would not see a change in numba_simd
def forward(w, b, X, y):
    """``numba_simd``'s forward pass alone: the logits and the per-sample terms.

    Parameters
    ----------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)

    Returns
    -------
    loss, g_b : float
        The summed loss and residual, as the step sums them.
    n_labels_ok : int
        Returned, as all three are, so that none of the work can be dropped.
    """
    n, d = X.shape
    rows = min(block_rows(d, X.itemsize), n)
    z, r, _ = block_scratch(X, rows, d)  # in X's lanes, as the step's
    loss = 0.0
    g_b = 0.0
    n_labels_ok = 0
    for i0 in range(0, n, rows):
        m = min(rows, n - i0)
        logits(w, b, X, i0, m, z)
        loss_b, g_b_b, ok_b = block_terms(z, y, i0, m, r)
        loss += loss_b
        g_b += g_b_b
        n_labels_ok += ok_b
    return loss, g_b, n_labels_ok


@njit(fastmath=FASTMATH)  # no cache: it would not see a change in numba_simd
def backward(X):
    """``numba_simd``'s backward pass alone, over ``n_samples`` rows from cache.

    The step's backward pass reads a block that its forward pass has just brought
    in; here every block is the first one, so the time is that of the in-core work,
    which is what the step's backward pass would cost if memory were not waited on.

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)

    Returns
    -------
    g_w : ndarray of float64, shape (n_features,)
    """
    n, d = X.shape
    rows = min(block_rows(d, X.itemsize), n)
    r = np.full(rows, 0.25)  # any residuals: the cost does not depend on them
    g_w = np.zeros(d)
    # in X's lanes, flushed as the step does
    g_lane = lane_gradient(X, g_w, np.empty(lane_words(X, d)))
    lane_rows = 0
    for i0 in range(0, n, rows):
        m = min(rows, n - i0)
        lane_rows = add_gradient(X, r, 0, m, g_lane, g_w, lane_rows, rows)
    flush(X, g_lane, g_w)
    return g_w


@njit(fastmath=FASTMATH)  # no cache: it would not see a change in numba_simd
def in_core(w, b, X, y):
    """``numba_simd``'s whole step of ``n_samples`` rows, all of them from cache.

    The three loops of every block -- logits, per-sample terms, gradient -- as the
    step's loop over blocks runs them, on the first block's rows again and again:
    the time of the step's work when no load waits on memory.

    Parameters
    ----------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
    y : ndarray, shape (n_samples,)

    Returns
    -------
    loss, g_b : float
        The summed loss and residual.
    n_labels_ok : int
    g_w : ndarray of float64, shape (n_features,)
        The summed gradient. All four are returned so that no work can be dropped.
    """
    n, d = X.shape
    rows = min(block_rows(d, X.itemsize), n)
    z, r, spare = block_scratch(X, rows, d)  # in X's lanes, as the step's
    g_w = np.zeros(d)
    g_lane = lane_gradient(X, g_w, spare)
    lane_rows = 0
    loss = 0.0
    g_b = 0.0
    n_labels_ok = 0
    for i0 in range(0, n, rows):
        m = min(rows, n - i0)
        logits(w, b, X, 0, m, z)
        loss_b, g_b_b, ok_b = block_terms(z, y, 0, m, r)
        loss += loss_b
        g_b += g_b_b
        n_labels_ok += ok_b
        lane_rows = add_gradient(X, r, 0, m, g_lane, g_w, lane_rows, rows)
    flush(X, g_lane, g_w)
    return loss, g_b, n_labels_ok, g_w
