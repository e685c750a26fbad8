"""Short rows (1 to 7 features): both passes with the row length fixed at compile time.

``numba_simd`` reads a block of rows twice: the forward pass (``z_k = x_k . w + b``)
and the backward pass (``g += r_k x_k``). With one feature the loop over rows
vectorizes (unit stride). With 2 to 7 features and the row length ``d`` known only
at run time, neither pass did: a loop over rows steps through ``X`` by ``d``
elements, which LLVM only gathers or runs one element at a time, and a loop over a
row's ``d`` features is too short for a vector loop and ends each row in a
horizontal sum. Measured on a shared AMD EPYC (Zen 5, AVX-512), not the reference
Xeon, one block of 512 rows from L1, the median of 7 interleaved runs: about 0.25
ns an element forward and 0.2-0.6 ns backward.

Here each ``d`` from 1 to 7 has its own branch of each pass, in which ``d`` is a
constant and the block is read as the flat array it is (C order): ``x_k`` is
``F[k d : k d + d]``. LLVM then vectorizes the loop over rows with *interleaved*
accesses: it loads ``d`` consecutive vectors of the flat block, that is as many
rows as a vector has lanes, and shuffles them so that each register holds one
feature of those rows. The rows are in the lanes; the forward pass is ``d``
multiply-adds per group of rows and no horizontal sum, the backward pass ``d``
sums (one per feature, ``a0 ... a{d-1}``: named scalars, so that each is a
reduction LLVM recognizes) over the block's rows. Measured as above: forward
0.02-0.09 ns an element, backward 0.02-0.13 (both dtypes, ``d`` = 2 to 7); the
whole step 1.5x (1e6 x 4 float64), 2.6x (1e6 x 4 float32) and 1.8x (1e5 x 3
float64) faster than without them (medians of 9 interleaved runs).

The two functions are written from templates (``_source``), one branch per ``d``,
and compiled by Numba; the branch is taken once per block, not per row. One
feature (``d = 1``, a unit stride) takes its branch here too, in one pass over
``z`` (``z_k = b + x_k w``): ``numba_simd.logits`` keeps its general narrow loop,
because a faster one there made the wide rows' loops of the same function 15 %
slower (3e4 x 100 on the AMD EPYC above; code layout, not arithmetic). float32
``X`` sums in float32 lanes: a block's backward sums are at most
``MAX_BLOCK_ROWS`` terms, within ``simd_lanes.RUN``, added into the float64 ``g``.

The price is compile time: LLVM vectorizes seven interleaved loops per pass. A
cold compile (empty Numba cache) of ``numba_simd``'s first float64 step took 6.2 s
against 4.9 s before this module (float32: 7.7-8.0 s against 6.1-7.2 s; two runs
each on that AMD EPYC under load); twelve functions, one per pass and length,
had taken twice as long. Numba's on-disk cache keeps the result, so a warm first
call does not pay it again. Rows of 8 features and more keep the
general loops: with ``d`` fixed at 10 or 16 the loops came out slower than the
general ones (0.22-0.26 ns an element against 0.09-0.17), LLVM interleaving no
more than 8 accesses.
"""

import numpy as np
from numba import njit

from kernels.numba_loop import FASTMATH
from kernels.simd_lanes import lane_zero, to_lane

SHORT = range(1, 8)  # the row lengths this module takes
# Fewer rows than this in a call take the general loops: the interleaved vector
# loops need several vectors of rows, and at 20 x 3 the general ones were faster
SHORT_MIN_ROWS = 64

# One function for each pass, one branch for each row length: compiled once each
# (twelve small functions, each compiled on its own, doubled numba_simd's first call)
_FORWARD = """
def short_logits(w, b, X, start, m, z):
    flat = X[start : start + m].reshape(-1)
    b_lane = to_lane(X, b)
    d = X.shape[1]
{branches}
"""
_FORWARD_BRANCH = """
    {keyword} d == {d}:
        {w_lanes}
        for k in range(m):
            i = k * {d}
            z[k] = b_lane + {products}
"""
_BACKWARD = """
def short_gradient(X, r, start, m, g):
    flat = X[start : start + m].reshape(-1)
    d = X.shape[1]
{branches}
"""
_BACKWARD_BRANCH = """
    {keyword} d == {d}:
        {zeros}
        for k in range(m):
            r_k = to_lane(X, r[k])
            i = k * {d}
            {sums}
        {adds}
"""


def _source():
    """The source of ``short_logits`` and ``short_gradient``."""
    forward, backward = [], []
    for d in SHORT:
        keyword = "if" if d == SHORT[0] else "elif"
        forward.append(
            _FORWARD_BRANCH.format(
                keyword=keyword,
                d=d,
                w_lanes="; ".join(f"w{j} = to_lane(X, w[{j}])" for j in range(d)),
                products=" + ".join(f"flat[i + {j}] * w{j}" for j in range(d)),
            )
        )
        backward.append(
            _BACKWARD_BRANCH.format(
                keyword=keyword,
                d=d,
                zeros="; ".join(f"a{j} = lane_zero(X)" for j in range(d)),
                sums="; ".join(f"a{j} += r_k * flat[i + {j}]" for j in range(d)),
                adds="; ".join(f"g[{j}] += a{j}" for j in range(d)),
            )
        )
    forward_source = _FORWARD.format(branches="".join(forward))
    return forward_source + _BACKWARD.format(branches="".join(backward))


def _compile():
    """``(short_logits, short_gradient)``, compiled by Numba from ``_source()``."""
    namespace = {"to_lane": to_lane, "lane_zero": lane_zero, "np": np}
    exec(compile(_source(), "<kernels.simd_rows>", "exec"), namespace)
    return tuple(
        njit(fastmath=FASTMATH)(namespace[name])
        for name in ("short_logits", "short_gradient")
    )


# short_logits(w, b, X, start, m, z): numba_simd.logits for a C-ordered X of 1 to 7
# features (z[k] = X[start + k] . w + b, k < m); short_gradient(X, r, start, m, g):
# numba_simd.gradient for the same (g += sum_k r[k] X[start + k])
short_logits, short_gradient = _compile()
