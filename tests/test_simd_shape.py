"""The shape of ``numba_simd``'s machine code: its loops use the vector units.

A test of how the code compiles, not of its speed. It reads the assembly that Numba
generated for this machine and checks that:

- the per-sample loop (``numba_simd.block_terms``, one version per dtype) holds
  packed vector arithmetic (``vmulpd``/``vfmadd...pd`` on xmm/ymm/zmm registers, or
  the ``ps`` forms in the float32 lanes), and no call at all: not to the C
  library's scalar ``exp`` or ``log``, not to Numba's division-by-zero error path;
- ``numba_loop``'s per-sample math, by contrast, does call the scalar ``exp`` and
  ``log`` (so the test can tell the two apart);
- the forward and backward loops over a block hold packed vector code too.

x86-64 only (the instruction names are x86's); skipped elsewhere, with the reason.
The assembly is read by ``kernels.assembly``.
"""

import re

import numpy as np
import pytest

from bench.data import make_problem
from kernels import numba_loop, numba_simd
from kernels.assembly import CALL, LIBM, PACKED, X86_64, native_asm

pytestmark = pytest.mark.skipif(not X86_64, reason="reads x86-64 assembly")


def block_args(dtype):
    w, b, X, y = make_problem(64, 3, seed=5, dtype=np.dtype(dtype))
    z = X.astype(np.float64) @ w.astype(np.float64) + b
    return z, y, 0, 64, np.empty(64)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_per_sample_loop_is_vector_code_without_calls(dtype):
    asm = native_asm(numba_simd.block_terms, *block_args(dtype))
    assert len(PACKED.findall(asm)) >= 20, "the per-sample loop did not vectorize"
    # exp and log1p run in float32 lanes in the float32 version
    suffix = "ps" if dtype == "float32" else "pd"
    assert re.search(rf"vfmadd\w*{suffix}\s.*%[xyz]mm", asm), f"no packed {suffix} FMA"
    calls = CALL.findall(asm)
    assert calls == [], f"calls left in the per-sample loop: {calls}"
    assert LIBM.findall(asm) == []


def test_the_plain_compiled_loop_calls_scalar_exp_and_log():
    # the contrast: numba_loop compiles math.exp and math.log to library calls
    asm = native_asm(numba_loop._sample_terms, 0.5, 1.0)
    assert CALL.search(asm)
    assert {"exp", "log"} <= set(LIBM.findall(asm))


@pytest.mark.parametrize("d", [3, 100])  # the narrow and the wide loops
def test_the_loops_over_a_block_are_vector_code(d):
    w, b, X, _ = make_problem(64, d, seed=5)
    z, r = np.empty(64), np.full(64, 0.25)
    g_w = np.zeros(d)
    for func, args in (
        (numba_simd.logits, (w, b, X, 0, 64, z)),
        (numba_simd.gradient, (X, r, 0, 64, g_w)),
    ):
        asm = native_asm(func, *args)
        assert len(PACKED.findall(asm)) >= 4, f"{func.__name__} did not vectorize"
