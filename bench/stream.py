"""The roofline: a compiled load-only stream over ``X``, on one thread and on all.

A step has to read all of ``X`` at least once, so the fastest it can possibly be,
at sizes where ``X`` comes from memory, is the time of a loop that does nothing but
read ``X``. That loop is what likwid-bench calls ``load`` and TheBandwidthBenchmark
``sum``: one pass in memory order, each element added into one of several
accumulators (``fastmath``'s reassociation lets LLVM split the sum over vector
registers, several of them at once), so no addition waits for the one before and
the loop runs as fast as the core can take in data.

``X.sum()`` is not that loop: NumPy sums pairwise in blocks, for accuracy, and on
the reference machine read ``X`` slower than the fused compiled step did, so a
share of its rate above 100 % taught nothing. ``stream_one`` is the ceiling of a
single-threaded step, ``stream_all`` (the rows split over Numba's threads, one
thread for a single chunk of rows, as ``numba_parallel``) the ceiling of
``numba_parallel``.
"""

import numpy as np
from numba import njit, prange

# The compiled loops' fast-math flags, and numba_parallel's chunks of rows
from kernels.numba_loop import FASTMATH
from kernels.numba_parallel import CHUNK_ROWS


@njit(fastmath=FASTMATH)
def _stream_rows(X, start, stop):
    d = X.shape[1]
    total = 0.0
    for i in range(start, stop):
        for j in range(d):
            total += X[i, j]
    return total


@njit(fastmath=FASTMATH)
def _stream_flat(flat):
    total = 0.0
    for k in range(flat.shape[0]):
        total += flat[k]
    return total


def stream_one(X):
    """Read every element of ``X`` once, on one thread; return their sum.

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)

    Returns
    -------
    float
    """
    if X.flags.c_contiguous:  # one loop over the memory: no row boundaries
        return _stream_flat(X.reshape(-1))
    return _stream_rows(X, 0, X.shape[0])


@njit(fastmath=FASTMATH, parallel=True)
def _stream_chunks(X):
    n = X.shape[0]
    n_chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
    parts = np.zeros(n_chunks)
    for c in prange(n_chunks):
        parts[c] = _stream_rows(X, c * CHUNK_ROWS, min(n, (c + 1) * CHUNK_ROWS))
    return parts.sum()


def stream_all(X):
    """Read every element of ``X`` once, the rows split over Numba's threads.

    Up to ``CHUNK_ROWS`` rows there is one chunk, and ``numba_parallel`` then runs
    on the calling thread without waking the pool; so does this ceiling of it
    (``stream_one``). Timed through the pool at those sizes it measured the
    threads' wake-up instead, which moved by up to a fifth from one process to the
    next.

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)

    Returns
    -------
    float
    """
    if X.shape[0] <= CHUNK_ROWS:
        return stream_one(X)
    return _stream_chunks(X)
