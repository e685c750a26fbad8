r"""``exp(x)`` for ``x <= 0``, branch-free, so that a loop of it vectorizes.

Numba compiles ``math.exp`` to a call of the C library's scalar ``exp``: a loop
that calls it runs one sample at a time, and LLVM cannot use the vector units for
it (Intel's SVML, which Numba once used for this, does not work with LLVM 20 and
later). This module computes ``exp`` with additions, multiplications, a rounding and
a reinterpretation of integer bits, all of which have vector instructions, so that a
loop of ``exp_neg64`` (or ``exp_neg32``) compiles to SIMD code.

The step only needs ``exp(-|z|)``, so the argument is never positive: the result is
in [0, 1] and never overflows. The math, for ``x`` in [-746, 0] (smaller ``x`` are
clamped to -746, whose ``exp`` rounds to 0 like theirs):

1. **Range reduction.** ``k = round(x / ln 2)`` (as ``trunc(x / ln 2 - 1/2)``,
   since ``x <= 0``) and ``r = x - k ln 2``, so that
   ``exp(x) = 2^k exp(r)`` with ``|r| <= ln(2)/2 ~ 0.347``. ``ln 2`` is split into
   ``LN2_HI + LN2_LO``, with ``LN2_HI`` short enough that ``k * LN2_HI`` is exact
   for every ``k`` here (Cody and Waite), so ``r`` carries no error beyond the
   rounding of ``k * LN2_LO``.
2. **Polynomial.** ``exp(r) = sum_i r^i / i!``, cut after ``r^13`` in float64
   (the first term left out is below ``0.347^14 / 14! = 4e-18``, 1/30 of an ulp of
   1) and after ``r^7`` in float32 (``0.347^8 / 8! = 5e-9``, 1/12 of an ulp of 1),
   evaluated by Horner's rule. Multiply-adds may be fused (``fastmath="contract"``),
   which only makes them more accurate; nothing is reassociated.
3. **Scaling.** ``2^k`` is made by writing ``k + bias`` into the exponent bits of a
   float (``(k + 1023) << 52`` in float64, ``(k + 127) << 23`` in float32) and
   reading them back as a float. Below ``2^-1022`` (``2^-126``) the result is a
   subnormal number that has no such exponent, so ``2^k`` is applied in two halves,
   ``2^(k >> 1) * 2^(k - (k >> 1))``, each a normal number: the first product is
   exact and the second rounds once, into the subnormal range when the result is
   there.

Accuracy (enforced by ``tests/test_simd_math.py`` against ``math.exp``): at most 1
ulp of the correctly rounded result in float64 and in float32, subnormal results
included (where an ulp is the smallest subnormal).

Each function is compiled with ``inline="always"``, so that the loop that calls it
holds its whole body, and with ``error_model="numpy"``: no division here, but the
caller's loop must not carry Python's division checks either.
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# Every njit function of the SIMD math: inlined into the caller's loop, contractions
# (fused multiply-adds) allowed, no reassociation, no Python division checks.
SIMD_MATH = {"fastmath": {"contract"}, "error_model": "numpy", "inline": "always"}


@intrinsic
def _f64_from_bits(typingctx, bits):
    """Reinterpret the 64 bits of an ``int64`` as a ``float64`` (a free move)."""
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return sig, codegen


@intrinsic
def _f32_from_bits(typingctx, bits):
    """Reinterpret the 32 bits of an ``int32`` as a ``float32``."""
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return sig, codegen


# float64: Cody-Waite split of ln 2 (LN2_HI has 32 significant bits, so k * LN2_HI
# is exact for |k| < 2^21) and the Taylor coefficients 1/i!.
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
_C = [1.0 / math.factorial(i) for i in range(14)]
C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13 = _C[2:]
# exp(-746) < 2^-1076, which rounds to 0; 2^(k >> 1) stays normal down to here.
X_MIN64 = -746.0


@njit(**SIMD_MATH)
def exp_neg64(x):
    """``exp(x)`` of a float64 ``x <= 0`` (also -inf), to 1 ulp; vectorizable.

    Parameters
    ----------
    x : float64
        Zero or negative. (Positive ``x`` are not reduced correctly.)

    Returns
    -------
    float64
        ``exp(x)`` in [0, 1].
    """
    x = x if x > X_MIN64 else X_MIN64  # a select, not a branch; -inf -> 0
    # k = round(x / ln 2): x <= 0, so truncating x / ln 2 - 1/2 rounds it (a
    # conversion with vector forms, unlike a call of floor); int32 is wide enough
    k = np.int32(x * LOG2E - 0.5)
    kf = np.float64(k)
    r = (x - kf * LN2_HI) - kf * LN2_LO
    p = C13
    p = p * r + C12
    p = p * r + C11
    p = p * r + C10
    p = p * r + C9
    p = p * r + C8
    p = p * r + C7
    p = p * r + C6
    p = p * r + C5
    p = p * r + C4
    p = p * r + C3
    p = p * r + C2
    p = p * r + 1.0
    p = p * r + 1.0
    k_half = np.int64(k >> 1)
    scale_a = _f64_from_bits((k_half + 1023) << 52)
    scale_b = _f64_from_bits((np.int64(k) - k_half + 1023) << 52)
    return p * scale_a * scale_b


# float32: the same steps with float32 constants. LN2_HI32 has 16 significant bits
# (k * LN2_HI32 exact for |k| < 2^8 and more); Taylor to r^7.
LOG2E32 = np.float32(LOG2E)
LN2_HI32 = np.float32(6.9314575195e-01)
LN2_LO32 = np.float32(1.4286067653e-06)
F2, F3, F4, F5, F6, F7 = (np.float32(c) for c in _C[2:8])
# exp(-104) < 2^-150, which rounds to 0 in float32.
X_MIN32 = np.float32(-104.0)


@njit(**SIMD_MATH)
def exp_neg32(x):
    """``exp(x)`` of a float32 ``x <= 0`` (also -inf), to 1 ulp; vectorizable.

    Parameters
    ----------
    x : float32
        Zero or negative.

    Returns
    -------
    float32
        ``exp(x)`` in [0, 1].
    """
    x = x if x > X_MIN32 else X_MIN32
    k = np.int32(x * LOG2E32 - np.float32(0.5))
    kf = np.float32(k)
    r = (x - kf * LN2_HI32) - kf * LN2_LO32
    p = F7
    p = p * r + F6
    p = p * r + F5
    p = p * r + F4
    p = p * r + F3
    p = p * r + F2
    p = p * r + np.float32(1.0)
    p = p * r + np.float32(1.0)
    k_half = k >> np.int32(1)
    scale_a = _f32_from_bits((k_half + np.int32(127)) << np.int32(23))
    scale_b = _f32_from_bits((k - k_half + np.int32(127)) << np.int32(23))
    return p * scale_a * scale_b
