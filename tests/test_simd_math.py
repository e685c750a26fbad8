"""The vectorizable ``exp`` and ``log1p`` of ``numba_simd``: as accurate as the
contract needs, with a stated margin, measured against the C library.

What this module proves
-----------------------
- ``simd_exp.exp_neg64`` / ``exp_neg32`` are within ``EXP_BOUND`` (relative error
  ``2e-14`` / ``3e-7``) of ``exp`` over ``x`` in [-708, 0] ([-87, 0] in float32):
  uniform draws, the edges (0, -0, tiny, the points where the range reduction's
  ``k`` changes, the clamp), and hypothesis draws anywhere in between. Below the
  clamp the result is ``exp(-708) ~ 3.3e-308`` (``exp(-87) ~ 1.6e-38``), which is
  also its largest possible error there; never above 1 or below 0.
- ``simd_log.log1p_unit64`` / ``log1p_unit32`` are within ``LOG_BOUND`` (``1e-14``
  / ``5e-7``) of ``log1p`` over [0, 1] (relative error where ``t`` is normal,
  absolute below), uniform and log-uniform draws, the edges and hypothesis.
- the per-sample terms the step sums (``numba_simd.sample_terms64`` / ``32``: the
  loss and the residual, with their merged division) are within ``TERMS_BOUND``
  of the same terms from the C library, over logits from -800 to 800;
- those bounds leave the contract's tolerances a margin: ``TERMS_BOUND`` is at
  most a fiftieth (float64) or a tenth (float32) of ``kernels.agreement``'s
  ``ATOL_FACTOR``, the smallest absolute error any output is allowed.

Every function is compiled here as the kernel compiles it, inlined into a loop
with ``numba_loop.FASTMATH`` (reassociation included), and again without
fast-math, so that a flag that changes the arithmetic shows.

The reference is Python's ``math.exp`` / ``math.log1p`` on the float64 argument
(glibc's, within 1 ulp, 1e-16: a hundredth of the smallest bound here); the float32
functions are compared with it too.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from kernels.agreement import ATOL_FACTOR
from kernels.numba_loop import FASTMATH
from kernels.numba_simd import sample_terms32, sample_terms64
from kernels.simd_exp import X_MIN32, X_MIN64, exp_neg32, exp_neg64
from kernels.simd_log import log1p_unit32, log1p_unit64

F64, F32 = np.dtype(np.float64), np.dtype(np.float32)
EXP_BOUND = {F64: 2e-14, F32: 3e-7}
LOG_BOUND = {F64: 1e-14, F32: 5e-7}
# per-sample loss and residual, absolute (the loss's also times 1 + |z|)
TERMS_BOUND = {F64: 2e-14, F32: 1e-6}
MARGIN = {F64: 50, F32: 10}
X_MIN = {F64: float(X_MIN64), F32: float(X_MIN32)}
NORMAL = {F64: float(np.finfo(np.float64).tiny), F32: float(np.finfo(np.float32).tiny)}


def _mapper(flags):
    @njit(fastmath=flags, error_model="numpy")
    def apply(func, x, out):
        # func is a Numba function, inlined into the loop as in the kernel
        for i in range(x.shape[0]):
            out[i] = func(x[i])

    return apply


MAPS = {"kernel flags": _mapper(FASTMATH), "no fast-math": _mapper(False)}
FLAGS = list(MAPS)

FUNCS = {
    ("exp", F64): (exp_neg64, math.exp),
    ("exp", F32): (exp_neg32, math.exp),
    ("log1p", F64): (log1p_unit64, math.log1p),
    ("log1p", F32): (log1p_unit32, math.log1p),
}


def ulps(got, exact, dtype):
    """``|got - round(exact)|`` in ulps of the correctly rounded result.

    Parameters
    ----------
    got : ndarray, shape (m,)
        Results in ``dtype``.
    exact : ndarray of float64, shape (m,)
        The reference results (rounded to ``dtype`` here).
    dtype : numpy float type

    Returns
    -------
    ndarray of float64, shape (m,)
    """
    rounded = np.asarray(exact).astype(dtype)  # round to nearest
    # the spacing at the result; at 0 that is the smallest subnormal
    ulp = np.spacing(np.abs(rounded)).astype(np.float64)
    return np.abs(np.asarray(got, np.float64) - rounded.astype(np.float64)) / ulp


def evaluate(kind, dtype, x, flags):
    """``(got, exact)`` of the SIMD function ``kind`` at ``x``, both float64."""
    simd, reference = FUNCS[kind, np.dtype(dtype)]
    x = np.asarray(x, dtype=dtype)
    got = np.empty_like(x)
    MAPS[flags](simd, x, got)
    exact = np.array([reference(float(v)) for v in x])
    return x, got.astype(np.float64), exact


def assert_exp_within_bound(dtype, x, flags):
    dtype = np.dtype(dtype)
    x, got, exact = evaluate("exp", dtype, x, flags)
    inside = x >= X_MIN[dtype]
    err = np.abs(got - exact) / np.where(inside, exact, 1.0)
    # below the clamp: in units of exp(X_MIN), the clamp's value
    err[~inside] /= math.exp(X_MIN[dtype])
    worst = int(np.argmax(err))
    assert err[worst] <= EXP_BOUND[dtype] + (0.0 if inside[worst] else 1.0), (
        f"exp {dtype.name} at x = {x[worst]!r}: error {err[worst]:.3g} "
        f"({'relative' if inside[worst] else 'of exp(X_MIN)'})"
    )
    assert np.all((got >= 0.0) & (got <= 1.0))


def assert_log1p_within_bound(dtype, t, flags):
    dtype = np.dtype(dtype)
    t, got, exact = evaluate("log1p", dtype, t, flags)
    normal = t >= NORMAL[dtype]
    # relative error where t is normal; below, s = t / 2 may be subnormal and
    # lose bits: the absolute error is then below the smallest normal's ulp
    err = np.abs(got - exact) / np.where(normal, exact, 1.0)
    worst = int(np.argmax(np.where(normal, err, 0.0)))
    assert err[worst] <= LOG_BOUND[dtype], (
        f"log1p {dtype.name} at t = {t[worst]!r}: relative error {err[worst]:.3g}"
    )
    assert np.all(err[~normal] <= NORMAL[dtype] * 2.0**-20)


RNG = np.random.default_rng(20261128)
TINY64 = float(np.finfo(np.float64).smallest_subnormal)
TINY32 = float(np.finfo(np.float32).smallest_subnormal)
LN2 = math.log(2.0)
# where rint(x / ln 2) changes: |r| = ln(2) / 2, the widest the reduction leaves
K_EDGES = [-(k + 0.5) * LN2 for k in (0, 1, 2, 10, 100)]

EXP_EDGES = {
    F64: [
        *(0.0, -0.0, -TINY64, -1e-300, -1e-17, -1e-8, -0.5, -1.0, -LN2),
        *K_EDGES,
        *(-1000.5 * LN2, -700.0, -707.9, -708.0, -708.1, -708.39641853226408),
        *(-745.2, -746.0, -800.0, -1e300, -np.inf),
    ],
    F32: [
        *(0.0, -0.0, -TINY32, -1e-30, -1e-7, -0.5, -1.0, -LN2),
        *K_EDGES,
        *(-80.0, -86.9, -87.0, -87.1, -87.33654, -103.0, -104.0, -1e30, -np.inf),
    ],
}
EXP_RANGE = {F64: 720.0, F32: 95.0}

LOG_EDGES = {
    F64: [
        *(0.0, TINY64, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-20),
        *(1.1102230246251565e-16, 2.220446049250313e-16, 1e-10, 0.25, 0.5),
        *(0.41421356237309503, 0.75, 0.9999999999999999, 1.0),
    ],
    F32: [
        *(0.0, TINY32, 1e-38, 1.1754944e-38, 1e-30, 1e-10, 5.9604645e-08),
        *(1.1920929e-07, 1e-4, 0.25, 0.41421354, 0.5, 0.99999994, 1.0),
    ],
}

DTYPES = [np.float64, np.float32]


def dtype_id(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_exp_at_the_edges(dtype, flags):
    assert_exp_within_bound(dtype, EXP_EDGES[np.dtype(dtype)], flags)


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_exp_over_the_whole_range(dtype, flags):
    low = EXP_RANGE[np.dtype(dtype)]
    x = np.concatenate(
        [
            -RNG.uniform(0.0, low, 100_000),  # every scale 2^k, and below the clamp
            -(10.0 ** RNG.uniform(-40, 0, 30_000)),  # near 0, where exp(x) ~ 1 + x
        ]
    )
    assert_exp_within_bound(dtype, x, flags)


def test_exp_keeps_one_and_clamps_below_the_normal_range():
    for dtype in (F64, F32):
        x = np.array([0.0, X_MIN[dtype] - 1.0, -1e30, -np.inf], dtype)
        got = np.empty_like(x)
        MAPS["kernel flags"](FUNCS["exp", dtype][0], x, got)
        assert got[0] == 1.0
        # the clamp's value: exp(X_MIN), a normal number, the same for all below
        assert np.all(got[1:] == got[1])
        assert got[1] >= NORMAL[dtype]
        assert abs(float(got[1]) - math.exp(X_MIN[dtype])) <= (
            EXP_BOUND[dtype] * math.exp(X_MIN[dtype])
        )


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_log1p_at_the_edges(dtype, flags):
    assert_log1p_within_bound(dtype, LOG_EDGES[np.dtype(dtype)], flags)


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_log1p_over_the_whole_range(dtype, flags):
    smallest = -320 if dtype is np.float64 else -45
    t = np.concatenate(
        [RNG.uniform(0.0, 1.0, 100_000), 10.0 ** RNG.uniform(smallest, 0, 30_000)]
    )
    assert_log1p_within_bound(dtype, t, flags)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=-800.0, max_value=0.0),
    st.floats(min_value=-110.0, max_value=0.0, width=32),
)
def test_exp_property(x64, x32):
    assert_exp_within_bound(np.float64, [x64], "kernel flags")
    assert_exp_within_bound(np.float32, [x32], "kernel flags")


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0, width=32),
)
def test_log1p_property(t64, t32):
    assert_log1p_within_bound(np.float64, [t64], "kernel flags")
    assert_log1p_within_bound(np.float32, [t32], "kernel flags")


@njit(fastmath=FASTMATH, error_model="numpy")
def _terms(func, z, y, loss, residual):
    for i in range(z.shape[0]):
        loss[i], residual[i] = func(z[i], y[i])


def exact_terms(z, y):
    """The loss and residual of float64 ``z`` and ``y``, from the C library."""
    t = np.exp(-np.abs(z))
    loss = np.log1p(t) + np.maximum(z, 0.0) - y * z
    sigma = np.where(z >= 0, 1.0 / (1.0 + t), t / (1.0 + t))
    return loss, sigma - y


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_the_per_sample_terms_are_within_their_bound(dtype):
    # the loss and residual as block_terms computes them: exp, the one division,
    # log1p from its s, the sigmoid's select; logits over both signs and far out
    dtype = np.dtype(dtype)
    z = np.concatenate(
        [
            RNG.uniform(-40.0, 40.0, 100_000),
            RNG.uniform(-800.0, 800.0, 10_000),
            [0.0, -0.0, 1e-300, -1e-300, 708.0, -708.0, 1e4, -1e4],
        ]
    ).astype(dtype)
    y = RNG.choice([0.0, 1.0, 0.25, 0.5], z.shape[0]).astype(dtype)
    loss, residual = np.empty_like(z), np.empty_like(z)
    _terms(sample_terms64 if dtype == F64 else sample_terms32, z, y, loss, residual)
    z64, y64 = z.astype(np.float64), y.astype(np.float64)
    loss_ref, residual_ref = exact_terms(z64, y64)
    bound = TERMS_BOUND[dtype]
    # the loss cancels max(z, 0) against y z: its rounding grows with |z|, as the
    # contract's scale 1 + max|z| does
    loss_err = np.abs(loss - loss_ref) / (1.0 + np.abs(z64))
    residual_err = np.abs(residual - residual_ref)
    assert loss_err.max() <= bound, z64[np.argmax(loss_err)]
    assert residual_err.max() <= bound, z64[np.argmax(residual_err)]


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_the_bounds_leave_the_contract_its_margin(dtype):
    # every output's atol is ATOL_FACTOR times a scale of at least 1 (loss) or lr
    # (b) or lr max|X| (w); a per-sample error below TERMS_BOUND moves a mean by
    # less, so the margin is ATOL_FACTOR / TERMS_BOUND
    dtype = np.dtype(dtype)
    assert TERMS_BOUND[dtype] * MARGIN[dtype] <= ATOL_FACTOR[dtype]
    # exp and log1p feed the terms with derivatives at most 1 (module docstring)
    assert EXP_BOUND[dtype] + LOG_BOUND[dtype] <= TERMS_BOUND[dtype] * 1.5


def test_the_ulp_measure_counts_steps_between_floats():
    # the yardstick of the float32 rounding: one float apart is 1 ulp, two apart 2
    for dtype, exact in (
        (np.float64, math.exp(-1.0)),
        (np.float32, math.exp(-1.0)),
        (np.float64, 3 * TINY64),  # subnormal: ulps are the smallest subnormal
        (np.float32, 3 * TINY32),
    ):
        start = np.asarray(exact).astype(dtype)
        one = np.nextafter(start, dtype(1))
        two = np.nextafter(one, dtype(1))
        got = ulps(np.array([start, one, two], dtype), np.full(3, exact), dtype)
        assert got.tolist() == [0.0, 1.0, 2.0]
