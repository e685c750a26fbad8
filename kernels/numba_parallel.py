"""The fastest serial compiled loop, split over threads with ``prange``.

The samples are cut into chunks of ``CHUNK_ROWS`` rows. Each chunk runs the
vectorized serial loop (``numba_simd.accumulate``) into its own row of a
``(n_chunks, n_features)`` array of partial gradients, and the partial sums are
added up afterwards, in chunk order, by one thread. Nothing is shared between
threads while they run, so there is no ``prange`` reduction into an array (a known
source of wrong results), and the chunks depend only on ``n_samples``, so the answer
is the same for any number of threads. Up to ``CHUNK_ROWS`` samples there is one
chunk, and the serial step runs without waking the thread pool.
"""

import numpy as np
from numba import njit, prange

from kernels import numba_simd
from kernels._contract import epoch_loop, public_step, public_train
from kernels.numba_loop import FASTMATH, update
from kernels.numba_simd import accumulate

# Large enough that a chunk amortizes its scheduling (about a microsecond), small
# enough that 2 to 64 threads all get several chunks at n = 1e5.
CHUNK_ROWS = 1024


@njit(cache=True, fastmath=FASTMATH, parallel=True)
def _step(w, b, X, y, lr):
    n, d = X.shape
    n_chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
    if n_chunks == 1:  # one chunk: waking the thread pool would only cost time
        return numba_simd._step(w, b, X, y, lr)
    g_parts = np.zeros((n_chunks, d))
    loss_parts = np.zeros(n_chunks)
    g_b_parts = np.zeros(n_chunks)
    ok_parts = np.zeros(n_chunks, dtype=np.bool_)
    for c in prange(n_chunks):
        start = c * CHUNK_ROWS
        stop = min(n, start + CHUNK_ROWS)
        loss_c, g_b_c, ok_c = accumulate(w, b, X, y, start, stop, g_parts[c])
        loss_parts[c] = loss_c
        g_b_parts[c] = g_b_c
        ok_parts[c] = ok_c
    # add the partial sums in a fixed order, whatever thread made them
    g_w = np.zeros(d)
    loss = 0.0
    g_b = 0.0
    labels_ok = True
    for c in range(n_chunks):
        for j in range(d):
            g_w[j] += g_parts[c, j]
        loss += loss_parts[c]
        g_b += g_b_parts[c]
        labels_ok &= ok_parts[c]
    return update(w, b, lr, n, g_w, g_b, loss, labels_ok)


HOW = "the vectorized compiled loop split over threads in chunks of rows"
step = public_step(_step, HOW)
# Epochs from Python: a parallel step costs far more than the interpreter between two
train = public_train(epoch_loop(_step), HOW)
