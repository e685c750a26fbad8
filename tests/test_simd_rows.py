"""Short rows (``kernels/simd_rows.py``): the fixed-length passes give the same
logits and gradient as the general ones, and their forward pass is vector code.

``numba_simd``'s step sends a C-ordered ``X`` of 1 to 7 features (and at least
``SHORT_MIN_ROWS`` rows) to ``short_logits`` and ``short_gradient``; other layouts
and lengths to the general loops. Both passes are compared here with NumPy on
blocks of a length that is not a multiple of any vector width, in both dtypes,
and the whole step with NumPy's in C and Fortran order (the second never takes
the short path).
"""

import re

import numpy as np
import pytest

from bench.data import make_problem
from kernels import numba_simd, numpy_vectorized
from kernels.agreement import assert_agree
from kernels.assembly import X86_64, native_asm
from kernels.simd_rows import SHORT, short_gradient, short_logits

DTYPES = ["float64", "float32"]
RTOL = {"float64": 1e-13, "float32": 2e-6}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", list(SHORT))
def test_the_short_passes_match_numpy(d, dtype):
    w, b, X, _ = make_problem(301, d, seed=40 + d, dtype=np.dtype(dtype))
    start, m = 17, 203  # a block inside X, of an odd length
    z = np.empty(m, dtype)
    short_logits(w, b, X, start, m, z)
    rows = X[start : start + m].astype(np.float64)
    expected = rows @ w.astype(np.float64) + b
    scale = np.abs(rows) @ np.abs(w.astype(np.float64)) + abs(b)
    assert np.all(np.abs(z - expected) <= RTOL[dtype] * scale)
    r = np.linspace(-1.0, 1.0, m).astype(dtype)
    g = np.full(d, 0.5)
    short_gradient(X, r, start, m, g)
    expected_g = 0.5 + r.astype(np.float64) @ rows
    np.testing.assert_allclose(
        g, expected_g, rtol=0, atol=RTOL[dtype] * m * np.abs(rows).max()
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("d", [1, 2, 3, 7])
def test_the_step_on_short_rows_agrees_with_numpy(d, order, dtype):
    w, b, X, y = make_problem(2_000, d, seed=50 + d, dtype=np.dtype(dtype))
    X = np.asarray(X, order=order)
    got = numba_simd.step(w, b, X, y, 0.3)
    reference = numpy_vectorized.step(w, b, X, y, 0.3)
    assert_agree({"numba_simd": got, "numpy": reference}, w, b, X, 0.3)


@pytest.mark.skipif(not X86_64, reason="reads x86-64 assembly")
@pytest.mark.parametrize("dtype", DTYPES)
def test_the_short_forward_pass_is_vector_code(dtype):
    # rows in the lanes: packed multiply-adds in X's precision
    w, b, X, _ = make_problem(64, 3, seed=5, dtype=np.dtype(dtype))
    asm = native_asm(short_logits, w, b, X, 0, 64, np.empty(64, dtype))
    suffix = "ps" if dtype == "float32" else "pd"
    assert re.search(rf"vfmadd\w*{suffix}\s.*%[yz]mm", asm), "no packed FMA"
