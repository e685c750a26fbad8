"""The compiled loop rewritten so that LLVM can use the vector units on every part.

``numba_loop.py`` compiles the Python loop statement for statement: per sample a dot
product, one ``exp``, one ``log``, one division, a gradient update. Three things in
it keep the compiler from running several samples at once in SIMD lanes:

- ``math.exp`` and ``math.log`` compile to calls of the C library's scalar
  functions, one sample at a time. Here they are ``simd_exp.exp_neg64`` and
  ``simd_log.log1p_unit64`` (``*32`` in float32), made of arithmetic only;
- ``1.0 / u`` carries Numba's Python-semantics check for division by zero (a branch
  that raises ``ZeroDivisionError``), and one branch in a loop stops LLVM from
  vectorizing it. ``u = 1 + exp(-|z|) >= 1`` cannot be zero, so the per-sample code
  is compiled with ``error_model="numpy"``, which drops the check;
- the per-sample work sits between two loops over the row's features, so there is
  no loop over samples for the vectorizer to take.

So the rows are taken in blocks small enough to stay in the core's cache
(``BLOCK_BYTES`` of ``X``), and each block goes through three loops:

1. forward: the logits of the block's rows, ``z[k] = x_k . w + b``, kept in
   ``X``'s lanes (``simd_lanes.block_scratch``). float32 input sums each row in
   float32 lanes over short runs, each run's total added in float64
   (``simd_lanes.py`` says why and how accurate);
2. the per-sample math of the whole block in one loop with no call and no branch,
   which LLVM vectorizes: ``t = exp(-|z|)``, the loss ``log1p(t) + max(z, 0) - y z``
   and the residual ``sigma(z) - y``, summed into the block's loss and ``g_b``,
   with ``exp`` and ``log1p`` as accurate as the contract needs and no more
   (``simd_exp.py``: the bounds and their margin) and one division. float32 input
   runs all of it in float32 lanes, twice as many per instruction, the block's
   sums too (at most ``MAX_BLOCK_ROWS`` terms, returned as float64);
3. backward: ``g_w += r_k x_k`` over the block's rows, which are still in cache,
   so ``X`` is read from memory once per step, as in ``numba_loop``. float32
   input sums it in float32 lanes too: per block for narrow rows, into a float32
   partial gradient added into the float64 ``g_w`` every ``RUN`` rows at most for
   wide ones.

A problem of one block (every small one) runs the three loops once, its gradient
straight into ``g_w``. A C-ordered ``X`` of 1 to 7 features (and at least
``simd_rows.SHORT_MIN_ROWS`` rows) takes ``simd_rows``' two passes instead, with
the row length fixed at compile time and the rows in the vector lanes
(``accumulate_short``).

``tests/test_simd_shape.py`` reads the machine code of step 2 and fails if it holds
no vector instructions or calls a scalar ``exp`` or ``log``.
"""

import numpy as np
from numba import njit, types
from numba.extending import overload

import kernels._numba_cache  # noqa: F401  (before any cache=True: drops stale code)
from kernels._contract import public_step, public_train
from kernels.numba_loop import FASTMATH, update
from kernels.simd_exp import (
    SIMD_MATH,
    _bits_from_f32,
    _bits_from_f64,
    exp_neg32,
    exp_neg64,
)
from kernels.simd_lanes import (
    RUN,
    block_scratch,
    flush,
    lane_gradient,
    lane_zero,
    to_lane,
)
from kernels.simd_log import log1p_of_s32, log1p_of_s64
from kernels.simd_rows import SHORT, SHORT_MIN_ROWS, short_gradient, short_logits

# Bytes of X per block: the block is read twice (forward, backward), the second
# time from the core's cache -- L1 where it is larger than 32 KiB, L2 otherwise
# (with few rows of many features, MIN_BLOCK_ROWS makes the block larger).
# Small blocks also keep each burst of in-core work (per-sample math, backward
# pass) short, so the hardware prefetcher's lead over the forward pass covers more
# of it: on the developer's Xeon 32 KiB read X at 0.73-0.76 of the one-thread
# stream at 1e5 x 1000 and 1e6 x 100, 128 KiB at 0.70-0.74; 8 and 64 KiB no better.
BLOCK_BYTES = 32 * 1024
# At least this many rows, so the per-sample loop has SIMD work; at most this many,
# so the scratch arrays z and r stay in L1.
MIN_BLOCK_ROWS = 16
MAX_BLOCK_ROWS = 512
assert MAX_BLOCK_ROWS <= RUN  # a block fits in one float32 partial gradient
# Fewer features than this (a 512-bit register of float64): loop over rows inside.
NARROW = 8


@njit(cache=True)
def block_rows(n_features, itemsize):
    """Rows per block: ``BLOCK_BYTES`` of ``X``, within the bounds above."""
    rows = BLOCK_BYTES // (n_features * itemsize)
    return max(MIN_BLOCK_ROWS, min(MAX_BLOCK_ROWS, rows))


@njit(**SIMD_MATH)
def sample_terms64(z, y):
    """``logistic.sample_terms`` from vectorizable ``exp`` and ``log1p`` (float64).

    One division: ``q = 1 / ((1 + t)(2 + t))`` gives both the sigmoid's
    ``1 / (1 + t) = (2 + t) q`` and ``log1p``'s ``s = t / (2 + t) = t (1 + t) q``
    (a few ulps each, far inside ``simd_exp``'s error budget). A vector division
    costs as much as eight to sixteen multiplications where the divider is narrow
    (in Agner Fog's tables a 512-bit ``vdivpd`` issues every 16 cycles on
    Skylake-SP Xeons), and the step had three.

    Parameters
    ----------
    z, y : float64
        The sample's logit and label.

    Returns
    -------
    loss, residual : float64
        ``log(1 + e^z) - y z`` and ``sigma(z) - y``.
    """
    t = exp_neg64(-abs(z))
    d1 = 1.0 + t
    d2 = 2.0 + t
    q = 1.0 / (d1 * d2)  # >= 1/6: no division by zero to check for
    inv_u = d2 * q
    loss = log1p_of_s64((t * q) * d1) + (z if z > 0.0 else 0.0) - y * z
    residual = (inv_u if z >= 0.0 else t * inv_u) - y
    return loss, residual


@njit(**SIMD_MATH)
def sample_terms32(z, y):
    """``sample_terms64`` in float32 lanes, for float32 ``z`` and ``y``.

    Everything is float32, twice the lanes of float64 per instruction. The loss
    ``log1p(t) + max(z, 0) - y z`` cancels when ``|z|`` is large, to an absolute
    error of a few float32 ulps of ``|z|``: inside the contract's float32
    ``atol``, ``1e-5`` times a scale of at least ``1 + max |z|``.
    """
    one = np.float32(1.0)
    zero = np.float32(0.0)
    t = exp_neg32(-abs(z))
    d1 = one + t
    d2 = np.float32(2.0) + t
    q = one / (d1 * d2)
    inv_u = d2 * q
    loss = log1p_of_s32((t * q) * d1) + (z if z > zero else zero) - y * z
    residual = (inv_u if z >= zero else t * inv_u) - y
    return loss, residual


def sample_terms(y, z, y_k):
    """``sample_terms64(z, y_k)``, or ``sample_terms32`` when ``y`` is float32.

    Chosen when Numba compiles the caller, from the type of the array ``y`` (a
    branch on ``y.dtype`` would be a run-time branch inside the loop).
    """


@overload(sample_terms, inline="always")
def _sample_terms_for(y, z, y_k):
    if y.dtype == types.float32:
        return lambda y, z, y_k: sample_terms32(np.float32(z), np.float32(y_k))
    return lambda y, z, y_k: sample_terms64(np.float64(z), np.float64(y_k))


def label_excess(y_k):
    """The bits of ``y_k^2 - y_k`` as a signed integer: above 0 for a label outside
    [0, 1] (``y (y - 1) > 0``, also ``inf`` for a huge one), 0 or below inside it
    (-0.0 too). A NaN label may pass; it makes the loss NaN, which is checked.
    """


@overload(label_excess, inline="always")
def _label_excess_for(y_k):
    if y_k == types.float32:
        return lambda y_k: _bits_from_f32(y_k * y_k - y_k)
    return lambda y_k: _bits_from_f64(y_k * y_k - y_k)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def block_terms(z, y, start, m, r):
    """Per-sample math of one block: one loop, no call, no branch.

    float32 ``y`` (the float32 step) runs the math and the block's two sums in
    float32 lanes: a sum of at most ``MAX_BLOCK_ROWS`` terms, the bound of
    ``simd_lanes.RUN``, returned in float64 to the caller's float64 totals.

    Parameters
    ----------
    z : ndarray, shape (block,)
        Logits of the block's rows (the first ``m`` are used); the step passes
        them in ``y``'s lanes (``simd_lanes.block_scratch``).
    y : ndarray, shape (n_samples,)
        All labels; the block's are ``y[start:start + m]``.
    start, m : int
        First row of the block and its number of rows.
    r : ndarray, shape (block,)
        Receives ``sigma(z_k) - y_k``.

    Returns
    -------
    loss : float
        The block's summed loss.
    g_b : float
        The block's summed residual.
    n_labels_ok : int
        ``m`` if every label is in [0, 1], else 0. A NaN label is not seen here
        but makes the loss NaN, which the step's check of the loss catches.
    """
    y_block = y[start : start + m]  # indices from 0: no wraparound, contiguous loads
    loss = lane_zero(y)
    g_b = lane_zero(y)
    worst = label_excess(lane_zero(y))
    for k in range(m):
        y_k = y_block[k]
        # an integer max: two vector operations, where counting the labels in
        # [0, 1] took four (a float max is not a reduction LLVM vectorizes)
        excess = label_excess(y_k)
        worst = excess if excess > worst else worst
        loss_k, r_k = sample_terms(y, z[k], y_k)
        r[k] = r_k
        loss += loss_k  # reductions: FASTMATH's reassociation lets them vectorize
        g_b += r_k
    return np.float64(loss), np.float64(g_b), m if worst <= 0 else 0


@njit(cache=True, fastmath=FASTMATH)
def logits(w, b, X, start, m, z):
    """``z[k] = X[start + k] . w + b`` for the ``m`` rows of a block.

    With fewer features than a vector register holds, the loop over rows is the
    inner one, so that it is the one that vectorizes (LLVM versions it for a unit
    stride, which ``X[:, j]`` has when ``d == 1``), summed in float64. Otherwise
    each row's dot product runs in vector registers, in ``X``'s lanes: one loop
    per row up to ``RUN`` features, one loop per run of ``RUN`` beyond (on the
    developer's Xeon a loop nested in the row loop cost about twice as much per
    element, so rows that fit one run do not take it). The step sends C-ordered
    rows of 1 to 7 features to ``simd_rows`` instead (a faster narrow path here
    made the wide rows' loops 15 % slower on a shared AMD EPYC, 3e4 x 100).
    """
    d = X.shape[1]
    if d < NARROW:
        for k in range(m):
            z[k] = b
        for j in range(d):
            w_j = np.float64(w[j])
            for k in range(m):
                z[k] += X[start + k, j] * w_j
    elif d <= RUN:
        for k in range(m):
            acc = lane_zero(X)
            for j in range(d):
                acc += X[start + k, j] * w[j]
            z[k] = b + acc
    else:
        for k in range(m):
            z_k = b
            j0 = 0
            while j0 < d:
                j1 = min(j0 + RUN, d)
                acc = lane_zero(X)
                for j in range(j0, j1):
                    acc += X[start + k, j] * w[j]
                z_k += acc
                j0 = j1
            z[k] = z_k


@njit(cache=True, fastmath=FASTMATH)
def gradient(X, r, start, m, g):
    """``g += sum_k r[k] X[start + k]`` over the ``m`` rows of a block.

    Narrow rows: one sum over the block's rows per feature, in registers, in
    ``X``'s lanes (float32: at most ``MAX_BLOCK_ROWS`` terms, the bound of
    ``simd_lanes.RUN``), added into ``g``; LLVM vectorizes it for a unit stride
    (one feature, or Fortran order). (The step sends C-ordered rows of 1 to 7
    features to ``simd_rows``: for 2 to 7 each sum here is a chain of dependent scalar
    multiply-adds down a strided column, 0.84 ns an element from L1 on a shared AMD
    EPYC, Zen 5.)
    Wide rows: eight rows per pass over ``g`` (then four, then one), so that ``g``
    is loaded and stored an eighth as often as a row at a time would; the
    products are summed in ``X``'s lanes, and ``add_gradient`` passes a ``g`` in
    them too (``simd_lanes.lane_gradient``: float32 for float32 ``X``), so that no
    product is converted to float64 on its way.
    """
    d = X.shape[1]
    if d < NARROW:
        X_block = X[start : start + m]  # indices from 0, as in ``logits``
        for j in range(d):
            acc = lane_zero(X)
            for k in range(m):
                acc += to_lane(X, r[k]) * X_block[k, j]
            g[j] += acc
        return
    k = 0
    while k + 8 <= m:
        r0, r1 = to_lane(X, r[k]), to_lane(X, r[k + 1])
        r2, r3 = to_lane(X, r[k + 2]), to_lane(X, r[k + 3])
        r4, r5 = to_lane(X, r[k + 4]), to_lane(X, r[k + 5])
        r6, r7 = to_lane(X, r[k + 6]), to_lane(X, r[k + 7])
        i = start + k
        for j in range(d):
            g[j] += (
                (r0 * X[i, j] + r1 * X[i + 1, j])
                + (r2 * X[i + 2, j] + r3 * X[i + 3, j])
            ) + (
                (r4 * X[i + 4, j] + r5 * X[i + 5, j])
                + (r6 * X[i + 6, j] + r7 * X[i + 7, j])
            )
        k += 8
    while k + 4 <= m:
        r0, r1 = to_lane(X, r[k]), to_lane(X, r[k + 1])
        r2, r3 = to_lane(X, r[k + 2]), to_lane(X, r[k + 3])
        i = start + k
        for j in range(d):
            g[j] += (r0 * X[i, j] + r1 * X[i + 1, j]) + (
                r2 * X[i + 2, j] + r3 * X[i + 3, j]
            )
        k += 4
    for rest in range(k, m):  # the last m % 4 rows
        r_k = to_lane(X, r[rest])
        for j in range(d):
            g[j] += r_k * X[start + rest, j]


@njit(cache=True, fastmath=FASTMATH, inline="always")
def add_gradient(X, r, start, m, g_lane, g_w, lane_rows, rows):
    """``gradient`` of one block of a loop over blocks of ``rows`` rows.

    Wide rows go into the partial ``g_lane`` (``simd_lanes.lane_gradient``), which
    is flushed into ``g_w`` before the next block could take it past ``RUN`` rows;
    narrow rows' sums are per block and go straight into ``g_w``.

    Returns
    -------
    lane_rows : int
        Rows in ``g_lane`` since it was last flushed (the caller flushes the
        rest after its loop).
    """
    if X.shape[1] < NARROW:
        gradient(X, r, start, m, g_w)
        return lane_rows
    gradient(X, r, start, m, g_lane)
    lane_rows += m
    if lane_rows + rows > RUN:  # the next block would take it past RUN rows
        flush(X, g_lane, g_w)
        lane_rows = 0
    return lane_rows


@njit(cache=True, fastmath=FASTMATH)
def accumulate_short(w, b, X, y, start, stop, g_w):
    """``accumulate`` for C-ordered rows of 1 to 7 features (``short_rows``).

    The same blocks through ``simd_rows.short_logits``, ``block_terms`` and
    ``simd_rows.short_gradient`` (per block into ``g_w``, as narrow rows do).
    """
    d = X.shape[1]
    rows = min(block_rows(d, X.itemsize), stop - start)
    z, r, _ = block_scratch(X, rows, d)
    loss = 0.0
    g_b = 0.0
    n_labels_ok = 0
    for i0 in range(start, stop, rows):
        m = min(rows, stop - i0)
        short_logits(w, b, X, i0, m, z)
        loss_b, g_b_b, ok_b = block_terms(z, y, i0, m, r)
        loss += loss_b
        g_b += g_b_b
        n_labels_ok += ok_b
        short_gradient(X, r, i0, m, g_w)
    return loss, g_b, n_labels_ok == stop - start


def short_rows(w, b, X, y, start, stop, g_w):
    """``(True, *accumulate_short(...))`` for C-ordered rows of 1 to 7 features and
    at least ``SHORT_MIN_ROWS`` rows, else ``(False, 0.0, 0.0, False)``.

    The layout is decided when Numba compiles the caller (``simd_rows`` reads a
    block as a flat array, which only C order is), the rest when it runs.
    """


@overload(short_rows, inline="always")
def _short_rows(w, b, X, y, start, stop, g_w):
    if X.layout != "C":
        return lambda w, b, X, y, start, stop, g_w: (False, 0.0, 0.0, False)
    lowest, highest = SHORT[0], SHORT[-1]

    def c_order(w, b, X, y, start, stop, g_w):
        d = X.shape[1]
        if d < lowest or d > highest or stop - start < SHORT_MIN_ROWS:
            return False, 0.0, 0.0, False
        loss, g_b, labels_ok = accumulate_short(w, b, X, y, start, stop, g_w)
        return True, loss, g_b, labels_ok

    return c_order


@njit(cache=True, fastmath=FASTMATH)
def accumulate(w, b, X, y, start, stop, g_w):
    """Add the gradient of rows ``start:stop`` to ``g_w``; return their loss sums.

    The contract of ``numba_loop.accumulate`` (parameters, returns), so that
    ``numba_parallel`` can run either on its chunks; here the rows go block by block
    through ``logits``, ``block_terms`` and ``gradient``.
    """
    d = X.shape[1]
    rows = min(block_rows(d, X.itemsize), stop - start)
    # one allocation for the block's z and r (in X's lanes) and (float32 X) the
    # partial gradient
    z, r, spare = block_scratch(X, rows, d)
    if stop - start <= rows:
        # one block, as in every small problem: the same three loops, the gradient
        # straight into g_w (the partial's setup and flush cost more there than
        # its float32 lanes save; on the developer's Xeon this path took 4-16 %
        # off the steps up to 100 x 100, and one function for the three loops,
        # called from here and from the loop below, made 20 x 3 13 % slower)
        logits(w, b, X, start, rows, z)
        loss, g_b, n_labels_ok = block_terms(z, y, start, rows, r)
        gradient(X, r, start, rows, g_w)
        return loss, g_b, n_labels_ok == rows
    # float32 X: the gradient sums in a float32 partial of at most RUN rows
    g_lane = lane_gradient(X, g_w, spare)
    lane_rows = 0
    loss = 0.0
    g_b = 0.0
    n_labels_ok = 0
    for i0 in range(start, stop, rows):
        m = min(rows, stop - i0)
        # 1. forward: the logits of the block
        logits(w, b, X, i0, m, z)
        # 2. their losses and dL/dz = sigma(z) - y, all samples of the block at once
        loss_b, g_b_b, ok_b = block_terms(z, y, i0, m, r)
        loss += loss_b
        g_b += g_b_b
        n_labels_ok += ok_b
        # 3. backward: dL/dw_j = (sigma(z) - y) x_ij, while the block is in cache
        lane_rows = add_gradient(X, r, i0, m, g_lane, g_w, lane_rows, rows)
    flush(X, g_lane, g_w)
    return loss, g_b, n_labels_ok == stop - start


@njit(cache=True, fastmath=FASTMATH)
def _step(w, b, X, y, lr):
    n, d = X.shape
    g_w = np.zeros(d)
    # C-ordered rows of 1 to 7 features: simd_rows' passes, chosen here and run in
    # a function of their own (inside logits and gradient, or accumulate, their
    # code made the wide rows' steps 5-15 % slower on a shared AMD EPYC)
    short, loss, g_b, labels_ok = short_rows(w, b, X, y, 0, n, g_w)
    if not short:
        loss, g_b, labels_ok = accumulate(w, b, X, y, 0, n, g_w)
    return update(w, b, lr, n, g_w, g_b, loss, labels_ok)


@njit(cache=True, fastmath=FASTMATH)
def _train(w, b, X, y, lr, epochs):
    # the epoch loop runs in compiled code, as in numba_loop
    losses = np.empty(epochs)
    w = w.copy()
    for e in range(epochs):
        w, b, losses[e], ok = _step(w, b, X, y, lr)
        if not ok:
            return w, b, losses, False
    return w, b, losses, True


HOW = "the compiled loop in cache-sized blocks, every inner loop vectorized"
step = public_step(_step, HOW)
train = public_train(_train, HOW)
