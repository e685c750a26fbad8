"""The step on a GPU: CUDA kernels compiled by Numba (numba-cuda), one pass over X.

A step is three kernels, launched one after the other on the default stream:

1. ``block_sums``: block ``k`` takes rows ``k * THREADS`` to ``(k + 1) * THREADS``
   (fewer threads when there are fewer rows). Each thread computes the logit of one
   row and its loss and residual (``logistic.sample_terms``, compiled as a device
   function, so the math of one sample is written once); then the block's threads
   share the gradient columns, each column summed over the block's rows while they
   are in cache, and the block writes one column of partial sums:
   ``parts[:, k] = (g_w, g_b, loss, bad labels)``.
2. ``column_sums``: one block per row of ``parts`` adds its partial sums.
3. ``update``: one block: ``w_new``, ``b_new``, the mean loss and the finiteness
   test of ``numba_loop.update``, with ``w_new`` tested as stored.

There are no atomics: every sum runs in a fixed order (a pairwise tree within a
block, the blocks in order), so the same call gives the same bits every time, and
the order depends on ``n_samples`` only. (Atomic adds of floats would add in the
order the blocks finish.) Sums over samples are float64 whatever the dtype of ``X``,
like the compiled CPU loops.

``step`` copies ``X``, ``y`` and ``w`` to the device and the results back, every
call: the transfer is part of its time. ``train`` copies ``X`` and ``y`` once and
runs every epoch on the device; ``Resident`` keeps a problem there for timing the
step without the transfer (``bench/test_gpu.py``).

The module is imported only where ``kernels._gpu.cuda_usable()`` (a GPU, or
``NUMBA_ENABLE_CUDASIM=1``); with the simulator every thread runs in Python, which
checks the kernels' logic, not their speed.
"""

import math
import warnings

import numpy as np
from numba import cuda, float64

from kernels._contract import public_step, public_train
from kernels._gpu import simulator_on
from kernels.logistic import sample_terms

# Threads per block at most, a power of two (the pairwise sums halve it). Each
# thread of ``block_sums`` takes one row, so a block takes this many rows. In the
# simulator every thread is a Python thread: small blocks keep its tests quick and
# let their small problems span several blocks.
THREADS = 16 if simulator_on() else 256

_sample_terms = cuda.jit(device=True)(sample_terms)


@cuda.jit(device=True)
def _block_total(shared, t):
    """Sum ``shared[:blockDim.x]`` pairwise, in a fixed order; every thread calls it.

    ``blockDim.x`` must be a power of two. Returns the total to every thread and
    overwrites ``shared``.
    """
    half = cuda.blockDim.x // 2
    while half > 0:
        cuda.syncthreads()
        if t < half:
            shared[t] += shared[t + half]
        half //= 2
    cuda.syncthreads()
    return shared[0]


@cuda.jit
def block_sums(w, b, X, y, parts):
    """Partial sums of one block of rows, one row per thread.

    Launched with ``blockDim.x`` a power of two up to ``THREADS``, and enough blocks
    for every row.

    Parameters
    ----------
    w : device array, shape (n_features,)
    b : device array of float64, shape (1,)
    X : device array, shape (n_samples, n_features), C order
    y : device array, shape (n_samples,)
    parts : device array of float64, shape (n_features + 3, n_blocks)
        Column ``k`` receives block ``k``'s ``sum (sigma - y) x`` (rows ``0`` to
        ``n_features - 1``), ``sum (sigma - y)``, ``sum loss`` and the number of
        labels outside [0, 1].
    """
    n, d = X.shape
    t = cuda.threadIdx.x
    width = cuda.blockDim.x
    block = cuda.blockIdx.x
    start = block * width
    rows = min(width, n - start)
    residual = cuda.shared.array(THREADS, float64)
    losses = cuda.shared.array(THREADS, float64)
    columns = cuda.shared.array(THREADS, float64)

    # forward: one row per thread; threads past the last row add zeros
    label_ok = True
    loss_i = 0.0
    r = 0.0
    if t < rows:
        i = start + t
        y_i = float(y[i])
        label_ok = 0.0 <= y_i <= 1.0
        z = b[0]
        for j in range(d):
            z += X[i, j] * w[j]
        loss_i, r = _sample_terms(z, y_i)
    residual[t] = r
    losses[t] = loss_i
    bad_labels = cuda.syncthreads_count(0 if label_ok else 1)

    # backward: sum_i r_i x_ij over the block's rows. With d < width the threads
    # form width // d groups of d; group g takes every groups-th row from g, so
    # neighbouring threads read neighbouring elements of a row. Wider X: one thread
    # per column, several columns each.
    if d < width:
        groups = width // d
        g = t // d
        j = t - g * d
        acc = 0.0
        if g < groups:
            for k in range(g, rows, groups):
                acc += residual[k] * X[start + k, j]
        columns[t] = acc
        cuda.syncthreads()
        if t < d:
            total = 0.0
            for g in range(groups):  # the groups in order: a fixed sum
                total += columns[g * d + t]
            parts[t, block] = total
    else:
        for j in range(t, d, width):
            acc = 0.0
            for k in range(rows):
                acc += residual[k] * X[start + k, j]
            parts[j, block] = acc

    # _block_total starts with a barrier: every read of ``residual`` above is done
    g_b = _block_total(residual, t)
    loss = _block_total(losses, t)
    if t == 0:
        parts[d, block] = g_b
        parts[d + 1, block] = loss
        parts[d + 2, block] = bad_labels


@cuda.jit
def column_sums(parts, sums):
    """``sums[c] = parts[c].sum()``, block ``c`` for row ``c``, in a fixed order.

    Launched with one block per row of ``parts``, ``blockDim.x`` a power of two up
    to ``THREADS``.

    Parameters
    ----------
    parts : device array of float64, shape (n_features + 3, n_blocks)
    sums : device array of float64, shape (n_features + 3,)
    """
    c = cuda.blockIdx.x
    t = cuda.threadIdx.x
    shared = cuda.shared.array(THREADS, float64)
    acc = 0.0
    for k in range(t, parts.shape[1], cuda.blockDim.x):
        acc += parts[c, k]
    shared[t] = acc
    total = _block_total(shared, t)
    if t == 0:
        sums[c] = total


@cuda.jit
def update(w, b, lr, n, sums, w_new, b_new, losses, epoch, status):
    """The update of ``numba_loop.update``, on the device, in one block.

    Parameters
    ----------
    w : device array, shape (n_features,)
    b : device array of float64, shape (1,)
    lr : float
    n : int
        Number of samples.
    sums : device array of float64, shape (n_features + 3,)
        From ``column_sums``.
    w_new : device array, shape (n_features,)
        Receives ``w - lr * g_w``, in the dtype of ``w``.
    b_new : device array of float64, shape (1,)
        Receives ``b - lr * g_b``.
    losses : device array of float64, shape (epochs,)
        ``losses[epoch]`` receives the mean loss at ``w``, ``b``.
    epoch : int
    status : device array of int32, shape (1,)
        Set to 0 when a label is outside [0, 1] or the loss or an update is not
        finite; left as it is otherwise (1 from the start: every epoch succeeded).
    """
    d = w.shape[0]
    t = cuda.threadIdx.x
    ok = True
    for j in range(t, d, cuda.blockDim.x):
        w_new[j] = w[j] - lr * (sums[j] / n)
        ok = ok and abs(w_new[j]) < math.inf  # as stored: float32 may overflow
    all_ok = cuda.syncthreads_and(1 if ok else 0)
    if t == 0:
        step_b = b[0] - lr * (sums[d] / n)
        loss = sums[d + 1]
        b_new[0] = step_b
        losses[epoch] = loss / n
        # all_ok is an int32; compared, so that ``and`` sees booleans only
        fine = all_ok != 0 and sums[d + 2] == 0.0
        fine = fine and abs(loss) < math.inf and abs(step_b) < math.inf
        if not fine:
            status[0] = 0


def block_width(count):
    """Threads for a block that works on ``count`` items: the power of two at or
    above it, at most ``THREADS``."""
    return min(THREADS, 1 << max(count - 1, 0).bit_length())


# numba-cuda warns about grids of fewer than 128 blocks; a small problem has a
# small grid by nature, and the update runs in one block on purpose.
_SMALL_GRID = r"Grid size \d+ will likely result in GPU under-utilization"


class Resident:
    """A problem on the device, with the work arrays of its steps.

    Parameters
    ----------
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features)
        Any layout (copied to C order on the host first if it is not).
    y : ndarray, shape (n_samples,)
        Of the dtype of ``X``.
    epochs : int
        Length of the device array of losses, >= 1.

    Attributes
    ----------
    X, y, w, b : device arrays
        The problem; ``w`` and ``b`` are the parameters the next step starts from.
    losses : device array of float64, shape (epochs,)
    status : device array of int32, shape (1,)
        1 while every step succeeded.
    """

    def __init__(self, w, b, X, y, epochs=1):
        n, d = X.shape
        rows = block_width(n)
        n_blocks = (n + rows - 1) // rows
        self.n = n
        self.X = cuda.to_device(np.ascontiguousarray(X))
        self.y = cuda.to_device(np.ascontiguousarray(y))
        self.w = cuda.to_device(np.ascontiguousarray(w))
        self.b = cuda.to_device(np.array([b], dtype=np.float64))
        self._w_next = cuda.device_array_like(self.w)
        self._b_next = cuda.device_array(1, dtype=np.float64)
        self._parts = cuda.device_array((d + 3, n_blocks), dtype=np.float64)
        self._sums = cuda.device_array(d + 3, dtype=np.float64)
        self.losses = cuda.device_array(epochs, dtype=np.float64)
        self.status = cuda.to_device(np.ones(1, dtype=np.int32))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_SMALL_GRID)
            self._block_sums = block_sums[n_blocks, rows]
            self._column_sums = column_sums[d + 3, block_width(n_blocks)]
            self._update = update[1, block_width(d)]

    def launch(self, lr, epoch=0):
        """Queue one step from ``w``, ``b`` into the next parameters; no wait.

        The step's loss goes to ``losses[epoch]``; ``advance`` makes the new
        parameters current. Calling ``launch`` again without ``advance`` repeats
        the same step.
        """
        self._block_sums(self.w, self.b, self.X, self.y, self._parts)
        self._column_sums(self._parts, self._sums)
        self._update(
            self.w,
            self.b,
            lr,
            self.n,
            self._sums,
            self._w_next,
            self._b_next,
            self.losses,
            epoch,
            self.status,
        )

    def advance(self):
        """Make the parameters of the last launched step the current ones."""
        self.w, self._w_next = self._w_next, self.w
        self.b, self._b_next = self._b_next, self.b

    def launched(self, epoch=0):
        """Copy back ``(w_new, b_new, loss, ok)`` of the step launched last, from
        ``epoch``, before ``advance``."""
        w_new = self._w_next.copy_to_host()
        b_new = float(self._b_next.copy_to_host()[0])
        loss = float(self.losses[epoch : epoch + 1].copy_to_host()[0])
        return w_new, b_new, loss, bool(self.status.copy_to_host()[0])

    def results(self):
        """Copy back ``(w, b, losses, ok)``: the current parameters, every loss."""
        w = self.w.copy_to_host()
        b = float(self.b.copy_to_host()[0])
        losses = self.losses.copy_to_host()
        ok = bool(self.status.copy_to_host()[0])
        return w, b, losses, ok


def _train(w, b, X, y, lr, epochs):
    if epochs == 0:  # nothing to run: no transfer either
        return w.copy(), b, np.empty(0), True
    problem = Resident(w, b, X, y, epochs)
    for e in range(epochs):
        problem.launch(lr, e)
        problem.advance()
    # A failed epoch leaves status 0; the epochs after it run on NaN or infinity,
    # harmlessly (a GPU raises no floating-point exceptions), and the public train
    # raises with the inputs' diagnosis.
    return problem.results()


def _step(w, b, X, y, lr):
    w_new, b_new, losses, ok = _train(w, b, X, y, lr, 1)
    return w_new, b_new, float(losses[0]), ok


HOW = "CUDA kernels compiled by Numba, X copied to the GPU every call"
step = public_step(_step, HOW)
train = public_train(_train, "CUDA kernels compiled by Numba, X copied to the GPU once")
