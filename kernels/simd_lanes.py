"""The lanes a dot product over ``X`` sums in: float32 for float32 ``X``.

A float32 product widened to float64 before it is added takes a conversion per
element and half the register's width: 8 lanes of a 512-bit register instead of
16. Where ``X`` is in cache that halves the speed of the sums, and where ``X``
comes from memory it was enough to keep ``numba_simd``'s forward pass off the
stream rate (on the developer's Xeon, float32 read ``X`` at about 70 % of it,
float64 at 90 %).
So a float32 dot product sums in float32 lanes, over short runs, and each run's
total is added into a float64 sum:

- a run is at most ``RUN`` elements. A float32 sum of m terms is off by about m
  ulp of their magnitude at worst, so a run's error is at most ~1e-4 of its terms
  even where the loop runs one lane (a strided ``X`` that does not vectorize),
  and where LLVM spreads the run over its vector registers' lanes (8 to 16 per
  register, several registers at once) each lane adds some tens of products,
  ~1e-6 of the terms: inside the float32 tolerance of ``kernels/agreement.py``
  (1e-4) whatever ``d`` is;
- a float32 sum of all of a long row would not stay inside it:
  ``tests/test_simd_lanes.py`` shows a row where one plain float32 sum is off by
  far more than the tolerance and the step is not.

The backward pass sums ``g_w += r_k x_k`` over rows the same way: a float32
partial gradient (``lane_gradient``), to which at most ``RUN`` rows are added
before ``flush`` adds it into the float64 ``g_w`` and starts it again at 0, so
each element of it is a float32 sum of at most ``RUN`` terms, the bound above.

float64 input keeps float64 lanes: ``lane_zero`` and ``to_lane`` are then the
identity, ``lane_gradient`` is ``g_w`` itself and ``flush`` does nothing.
"""

import numpy as np
from numba import types
from numba.extending import overload

# Elements per float32 run: a row of up to RUN features is one run, one loop
RUN = 1024


def lane_zero(X):
    """``0`` in the type ``X``'s sums run in: float32 for float32 ``X``."""


@overload(lane_zero, inline="always")
def _lane_zero(X):
    if X.dtype == types.float32:
        return lambda X: np.float32(0.0)
    return lambda X: 0.0


def to_lane(X, v):
    """``v`` (a float64) in the type ``X``'s sums run in."""


@overload(to_lane, inline="always")
def _to_lane(X, v):
    if X.dtype == types.float32:
        return lambda X, v: np.float32(v)
    return lambda X, v: v


def lane_words(X, d):
    """float64 words of scratch that ``lane_gradient`` needs: ``ceil(d / 2)`` or 0."""


@overload(lane_words, inline="always")
def _lane_words(X, d):
    if X.dtype == types.float32:
        return lambda X, d: (d + 1) // 2
    return lambda X, d: 0


def block_scratch(X, rows, d):
    """The scratch of a block, in one allocation: ``z``, ``r`` and the spare words.

    ``z`` (the block's logits) and ``r`` (its residuals) have ``rows`` elements in
    the lanes of ``X`` (float32 for float32 ``X``: the per-sample math runs in
    them); the spare words are ``lane_words(X, d)`` float64 words for
    ``lane_gradient``.

    Returns
    -------
    z, r : ndarray, shape (rows,)
    spare : ndarray of float64, shape (lane_words(X, d),)
    """


@overload(block_scratch, inline="always")
def _block_scratch(X, rows, d):
    if X.dtype == types.float32:

        def float32_scratch(X, rows, d):
            words = np.empty(rows + (d + 1) // 2)
            lanes = words[:rows].view(np.float32)
            return lanes[:rows], lanes[rows:], words[rows:]

        return float32_scratch

    def float64_scratch(X, rows, d):
        words = np.empty(2 * rows)
        return words[:rows], words[rows:], words[2 * rows :]

    return float64_scratch


def lane_gradient(X, g_w, spare):
    """Where the rows' gradient is summed: a float32 partial for float32 ``X``.

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)
    g_w : ndarray of float64, shape (n_features,)
    spare : ndarray of float64, shape (lane_words(X, n_features),)
        Scratch the caller allocated with its own, so that the partial costs no
        allocation of its own (a small step would notice one).

    Returns
    -------
    ndarray, shape (n_features,)
        ``spare``'s memory as float32 zeros for float32 ``X``, ``g_w`` otherwise.
    """


@overload(lane_gradient, inline="always")
def _lane_gradient(X, g_w, spare):
    if X.dtype == types.float32:

        def float32_zeros(X, g_w, spare):
            g_lane = spare.view(np.float32)[: g_w.shape[0]]
            for j in range(g_w.shape[0]):
                g_lane[j] = 0.0
            return g_lane

        return float32_zeros
    return lambda X, g_w, spare: g_w


def flush(X, g_lane, g_w):
    """Add the float32 partial ``g_lane`` into ``g_w`` and zero it (float64: no-op)."""


@overload(flush, inline="always")
def _flush(X, g_lane, g_w):
    if X.dtype == types.float32:

        def add_and_zero(X, g_lane, g_w):
            for j in range(g_w.shape[0]):
                g_w[j] += g_lane[j]
                g_lane[j] = 0.0

        return add_and_zero
    return lambda X, g_lane, g_w: None
