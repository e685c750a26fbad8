"""The vectorizable ``exp`` and ``log1p`` of ``numba_simd`` against the C library.

What this module proves
-----------------------
- ``simd_exp.exp_neg64`` / ``exp_neg32`` are within ``ULP_BOUND`` (1) ulp of the
  correctly rounded ``exp`` over the whole range the step uses, ``x`` in
  [-inf, 0]: uniform draws, the edges (0, -0, tiny, the last normal result near
  -708 / -87, the subnormal results down to -745 / -103, the first zero result
  below), and hypothesis draws anywhere in between. An ulp is the spacing of the
  floats at the exact result; for a subnormal result it is the smallest
  subnormal, so "1 ulp" there means the last bit of the subnormal.
- ``simd_log.log1p_unit64`` / ``log1p_unit32`` are within 1 ulp of the correctly
  rounded ``log1p`` over [0, 1]: uniform and log-uniform draws, the edges (0, the
  smallest subnormal, around the machine epsilon where ``1 + t`` rounds to 1,
  around ``sqrt(2) - 1`` where the range reduction switches, 1) and hypothesis.

The reference is Python's ``math.exp`` / ``math.log1p`` on the float64 argument
(glibc's, correctly rounded in practice for these ranges; the float32 functions are
compared with it rounded to float32, and allowed 1 ulp of float32).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from kernels.simd_exp import exp_neg32, exp_neg64
from kernels.simd_log import log1p_unit32, log1p_unit64

ULP_BOUND = 1.0


@njit(error_model="numpy")
def _map(func, x, out):
    # func is a Numba function: compiled into the loop, once per function
    for i in range(x.shape[0]):
        out[i] = func(x[i])


FUNCS = {
    ("exp", np.float64): (exp_neg64, math.exp),
    ("exp", np.float32): (exp_neg32, math.exp),
    ("log1p", np.float64): (log1p_unit64, math.log1p),
    ("log1p", np.float32): (log1p_unit32, math.log1p),
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


def ulp_errors(kind, dtype, x):
    """Errors of the SIMD function ``kind`` at ``x``, in ulps (see ``ulps``)."""
    simd, reference = FUNCS[kind, dtype]
    x = np.asarray(x, dtype=dtype)
    got = np.empty_like(x)
    _map(simd, x, got)
    return ulps(got, np.array([reference(float(v)) for v in x]), dtype)


def assert_within_bound(kind, dtype, x):
    err = ulp_errors(kind, dtype, x)
    worst = int(np.argmax(err))
    assert err[worst] <= ULP_BOUND, (
        f"{kind} {np.dtype(dtype).name} at x = {np.asarray(x)[worst]!r}: "
        f"{err[worst]} ulp (bound {ULP_BOUND})"
    )


RNG = np.random.default_rng(20261128)
TINY64 = np.finfo(np.float64).smallest_subnormal
TINY32 = float(np.finfo(np.float32).smallest_subnormal)

EXP_EDGES = {
    np.float64: [
        0.0,
        -0.0,
        -TINY64,
        -1e-300,
        -1e-17,
        -1e-8,
        -0.34657359,
        -0.5,
        -1.0,
        -np.log(2),
        -700.0,
        -708.0,
        -708.39641853226408,
        -708.4,
        -709.0,
        -720.0,
        -744.0,
        -745.0,
        -745.13321910194110,
        -745.2,
        -746.0,
        -800.0,
        -1e300,
        -np.inf,
    ],
    np.float32: [
        0.0,
        -0.0,
        -TINY32,
        -1e-30,
        -1e-7,
        -0.3465736,
        -0.5,
        -1.0,
        -80.0,
        -87.0,
        -87.33654,
        -88.0,
        -100.0,
        -103.0,
        -103.27893,
        -103.9720,
        -104.0,
        -110.0,
        -1e30,
        -np.inf,
    ],
}
EXP_RANGE = {np.float64: 750.0, np.float32: 106.0}

LOG_EDGES = {
    np.float64: [
        0.0,
        TINY64,
        1e-300,
        1e-20,
        1.1102230246251565e-16,
        1.1102230246251568e-16,
        2.220446049250313e-16,
        1e-10,
        0.25,
        0.41421356237309503,
        0.4142135623730951,
        0.41421356237309515,
        0.5,
        0.75,
        0.9999999999999999,
        1.0,
    ],
    np.float32: [
        0.0,
        TINY32,
        1e-38,
        1e-10,
        5.9604645e-08,
        5.9604648e-08,
        1.1920929e-07,
        1e-4,
        0.25,
        0.41421354,
        0.41421357,
        0.4142136,
        0.5,
        0.99999994,
        1.0,
    ],
}

DTYPES = [np.float64, np.float32]


def dtype_id(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_exp_at_the_edges(dtype):
    assert_within_bound("exp", dtype, EXP_EDGES[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_exp_over_the_whole_range(dtype):
    low = EXP_RANGE[dtype]
    x = np.concatenate(
        [
            -RNG.uniform(0.0, low, 200_000),  # every scale 2^k, subnormal results too
            -(10.0 ** RNG.uniform(-40, 0, 50_000)),  # near 0, where exp(x) ~ 1 + x
        ]
    )
    assert_within_bound("exp", dtype, x)


def test_exp_underflows_to_zero_and_keeps_one():
    for dtype, first_zero in ((np.float64, -745.2), (np.float32, -104.0)):
        got = np.empty(3, dtype=dtype)
        _map(FUNCS["exp", dtype][0], np.array([0.0, first_zero, -np.inf], dtype), got)
        assert got.tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_log1p_at_the_edges(dtype):
    assert_within_bound("log1p", dtype, LOG_EDGES[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_log1p_over_the_whole_range(dtype):
    smallest = -320 if dtype is np.float64 else -45
    x = np.concatenate(
        [
            RNG.uniform(0.0, 1.0, 200_000),
            10.0 ** RNG.uniform(smallest, 0, 50_000),
        ]
    )
    assert_within_bound("log1p", dtype, x)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=-800.0, max_value=0.0),
    st.floats(min_value=-110.0, max_value=0.0, width=32),
)
def test_exp_property(x64, x32):
    assert_within_bound("exp", np.float64, [x64])
    assert_within_bound("exp", np.float32, [x32])


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0, width=32),
)
def test_log1p_property(t64, t32):
    assert_within_bound("log1p", np.float64, [t64])
    assert_within_bound("log1p", np.float32, [t32])


def test_the_ulp_measure_counts_steps_between_floats():
    # the yardstick itself: one float apart is 1 ulp, two apart is 2, in every range
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
