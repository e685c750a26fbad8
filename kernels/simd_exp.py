r"""``exp(x)`` for ``x <= 0``, branch-free, so that a loop of it vectorizes.

Numba compiles ``math.exp`` to a call of the C library's scalar ``exp``: a loop
that calls it runs one sample at a time, and LLVM cannot use the vector units for
it (Intel's SVML, which Numba once used for this, does not work with LLVM 20 and
later). This module computes ``exp`` with additions, multiplications, a rounding and
a reinterpretation of integer bits, all of which have vector instructions, so that a
loop of ``exp_neg64`` (or ``exp_neg32``) compiles to SIMD code.

Why not glibc's vector math library (libmvec)
---------------------------------------------
LLVM can map a vectorized ``exp`` to libmvec's ``_ZGVeN8v_exp`` (8 doubles a call)
when its vector-library option is set (llvmlite issue 1441:
``llvm.set_option("", "-vector-library=LIBMVEC")`` and
``llvm.load_library_permanently("libmvec.so.1")`` before Numba is imported, and
``fastmath``). With Numba 0.68.1 and LLVM 22.1 (tried on a shared AMD EPYC, Zen
5, not the reference Xeon) the option is accepted, the loop vectorizer widens
``math.exp`` to ``llvm.exp.v8f64``, and the backend splits that back into eight
calls of the scalar ``exp``: the mapping to libmvec is not made in llvmlite's
pass pipeline. Called directly instead (an ``@intrinsic`` that loads 8 doubles,
calls ``_ZGVeN8v_exp`` and stores the result), libmvec's 1-ulp ``exp`` took 0.53
ns an element where ``exp_neg64`` inlined in the loop took 0.26 ns (the median of
15 interleaved pairs, 512 elements from L1 4,000 times; ``_ZGVdN4v_exp``, 4 at a
time: 0.64 ns), before the cost a call adds in a loop that keeps ~25 constants
in the registers a call may clobber. So the step keeps its own math.

The step only needs ``t = exp(-|z|)``, so the argument is never positive: the
result is in [0, 1] and never overflows.

How accurate it has to be
-------------------------
Not to 1 ulp. The contract (``docs/design.md``) lets two implementations differ by
``atol = 1e-12`` (float64) or ``1e-5`` (float32) times each output's scale, which
is at least 1 for the loss and ``lr`` (times ``max|X|`` for ``w``) for the update:
every sample's loss and residual may be off by that much in absolute terms before
any output can be. ``t`` enters them as ``sigma = 1 / (1 + t)`` or ``t / (1 + t)``
and as ``log1p(t)``, whose derivatives in ``t`` are at most 1, so a relative
error ``e`` of ``t`` moves each of them by at most ``e * t <= e``. The bounds
chosen here:

- float64: relative error below ``2e-14`` for ``x >= -708``: 1/50 of the contract's
  ``1e-12`` (a margin of 50x), where 1 ulp cost 4 more multiply-adds;
- float32: relative error below ``3e-7`` (about 5 ulp): 1/30 of ``1e-5``;
- below ``x = -708`` (float64) or ``-87`` (float32) the argument is clamped there, so
  the result is ``exp(-708) ~ 3.3e-308`` (``exp(-87) ~ 1.6e-38``) instead of a
  subnormal or zero: an absolute error below that, whose effect on any output
  is nil.

``tests/test_simd_math.py`` measures these bounds at the edges of the range and in
between, as the kernel compiles the functions (its fast-math flags).

The math
--------
1. **Range reduction.** ``k = rint(x / ln 2)`` (one vector rounding) and
   ``r = x - k ln 2``, so that ``exp(x) = 2^k exp(r)`` with ``|r| <= ln(2)/2``.
   ``ln 2`` is split into ``LN2_HI + LN2_LO`` (Cody and Waite), ``LN2_HI`` short
   enough that ``k * LN2_HI`` is exact for every ``k`` here, so ``r`` carries no
   error beyond the rounding of ``k * LN2_LO``.
2. **Polynomial.** ``exp(r)`` on ``[-ln(2)/2, ln(2)/2]`` by a minimax polynomial
   for the relative error with its constant term held at 1 (so ``exp(0) == 1``),
   degree 9 in float64 (``1.5e-14``; degree 13 of the Taylor series was the
   1-ulp version) and degree 5 in float32 (``9.5e-8``; Taylor to ``r^7`` was),
   evaluated by Horner's rule. Multiply-adds may be fused (``fastmath="contract"``).
   The coefficients were fitted by weighted least squares iterated to the
   minimax (Lawson's algorithm) against ``mpmath``, then rounded to the dtype;
   the errors above are those of the rounded coefficients.
3. **Scaling.** ``2^k`` is made without a conversion to an integer: ``k`` is a
   whole number, so ``k + SHIFT`` (``SHIFT = 1.5 * 2^52 + 1023``) is exact and
   holds ``k + 1023`` in its low bits; shifted left by 52 (23 and 127 in float32)
   they are the exponent bits of ``2^k``. The clamp keeps ``k >= -1022``
   (``-126``), so ``2^k`` is a normal number and one multiplication applies it.

Each function is compiled with ``inline="always"``, so that the loop that calls it
holds its whole body, and with ``error_model="numpy"``: no division here, but the
caller's loop must not carry Python's division checks either. Inlined, they take
the caller's fast-math flags (``numba_simd``: reassociation too); nothing here
depends on an order of operations that reassociation may change, and the tests
measure them compiled with those flags.
"""

import llvmlite.binding as llvm
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# Every njit function of the SIMD math: inlined into the caller's loop, contractions
# (fused multiply-adds) allowed, no Python division checks. (Inlined, the code takes
# the caller's fast-math flags instead: see the module's docstring.)
SIMD_MATH = {"fastmath": {"contract"}, "error_model": "numpy", "inline": "always"}


@intrinsic
def _f64_from_bits(typingctx, bits):
    """Reinterpret the 64 bits of an ``int64`` as a ``float64`` (a free move)."""
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return sig, codegen


@intrinsic
def _bits_from_f64(typingctx, x):
    """The 64 bits of a ``float64`` as an ``int64``."""
    sig = types.int64(types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return sig, codegen


# Whether this CPU fuses multiply-adds: there llvm.fma is one instruction; elsewhere
# it would be a call of the C library's scalar fma, which stops the vectorizer.
HAS_FMA = bool(llvm.get_host_cpu_features().get("fma", False))


@intrinsic
def _fma(typingctx, a, b, c):
    """``a * b + c`` rounded once, as LLVM's ``llvm.fma`` (float64 or float32).

    Fast-math reassociation, which the caller's loop allows, may merge plain
    ``(x - k * HI) - k * LO`` into ``x - k * (HI + LO)``: the two steps of the
    Cody-Waite reduction would be one, and ``r`` would lose ``|k|`` ulps.
    LLVM does not reassociate across ``llvm.fma``.
    """
    sig = a(a, a, a)

    def codegen(context, builder, signature, args):
        ty = args[0].type
        fnty = ir.FunctionType(ty, [ty, ty, ty])
        fn = builder.module.declare_intrinsic("llvm.fma", [ty], fnty)
        return builder.call(fn, args)

    return sig, codegen


@njit(**SIMD_MATH)
def _reduce(x, kf, hi, lo):
    """``x - kf * (hi + lo)``, the two products subtracted one after the other."""
    if HAS_FMA:  # a compile-time constant: no branch is left
        return _fma(kf, -lo, _fma(kf, -hi, x))
    return (x - kf * hi) - kf * lo


@intrinsic
def _f32_from_bits(typingctx, bits):
    """Reinterpret the 32 bits of an ``int32`` as a ``float32``."""
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return sig, codegen


@intrinsic
def _bits_from_f32(typingctx, x):
    """The 32 bits of a ``float32`` as an ``int32``."""
    sig = types.int32(types.float32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return sig, codegen


# float64: Cody-Waite split of ln 2 (LN2_HI has 32 significant bits, so k * LN2_HI
# is exact for |k| < 2^21) and the minimax coefficients of exp on [-ln2/2, ln2/2]
# (relative error 1.5e-14; module docstring), the constant term 1.
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
E1, E2, E3, E4, E5, E6, E7, E8, E9 = (
    float.fromhex(c)
    for c in (
        "0x1.ffffffffffcf6p-1",
        "0x1.ffffffffeedb6p-2",
        "0x1.55555555b4751p-3",
        "0x1.5555558120016p-5",
        "0x1.1111105dad2a0p-7",
        "0x1.6c1636bf469d2p-10",
        "0x1.a01bccd713930p-13",
        "0x1.a17369355a780p-16",
        "0x1.70c864c4c0b80p-19",
    )
)
# k + SHIFT64 is exact and holds k + 1023 in its low bits (|k| < 2^51)
SHIFT64 = 1.5 * 2.0**52 + 1023.0
# exp(-708) > 2^-1022: 2^k stays a normal number down to here
X_MIN64 = -708.0


@njit(**SIMD_MATH)
def exp_neg64(x):
    """``exp(x)`` of a float64 ``x <= 0`` (also -inf); vectorizable.

    Relative error below ``2e-14`` for ``x >= -708``; below, the result is
    ``exp(-708) ~ 3.3e-308`` (module docstring: why that is enough).

    Parameters
    ----------
    x : float64
        Zero or negative. (Positive ``x`` are not reduced correctly.)

    Returns
    -------
    float64
        ``exp(x)`` in [0, 1].
    """
    x = x if x > X_MIN64 else X_MIN64  # a select, not a branch; -inf and NaN too
    kf = np.rint(x * LOG2E)  # one vector rounding, no conversion to an integer
    r = _reduce(x, kf, LN2_HI, LN2_LO)
    p = E9
    p = p * r + E8
    p = p * r + E7
    p = p * r + E6
    p = p * r + E5
    p = p * r + E4
    p = p * r + E3
    p = p * r + E2
    p = p * r + E1
    p = p * r + 1.0  # the constant term exactly 1: exp(0) == 1
    scale = _f64_from_bits(_bits_from_f64(kf + SHIFT64) << 52)  # 2^k
    return p * scale


# float32: the same steps. LN2_HI32 has 16 significant bits (k * LN2_HI32 exact for
# |k| < 2^8); minimax coefficients of degree 5 (relative error 9.5e-8).
LOG2E32 = np.float32(LOG2E)
LN2_HI32 = np.float32(6.9314575195e-01)
LN2_LO32 = np.float32(1.4286067653e-06)
F1, F2, F3, F4, F5 = (
    np.float32(float.fromhex(c))
    for c in (
        "0x1.fffff6p-1",
        "0x1.fffdc6p-2",
        "0x1.555a6cp-3",
        "0x1.573a6cp-5",
        "0x1.0fa822p-7",
    )
)
SHIFT32 = np.float32(1.5 * 2.0**23 + 127.0)
# exp(-87) > 2^-126: 2^k stays a normal float32
X_MIN32 = np.float32(-87.0)


@njit(**SIMD_MATH)
def exp_neg32(x):
    """``exp(x)`` of a float32 ``x <= 0`` (also -inf); vectorizable.

    Relative error below ``3e-7`` for ``x >= -87``; below, ``exp(-87)``.

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
    kf = np.rint(x * LOG2E32)
    r = _reduce(x, kf, LN2_HI32, LN2_LO32)
    p = F5
    p = p * r + F4
    p = p * r + F3
    p = p * r + F2
    p = p * r + F1
    p = p * r + np.float32(1.0)
    scale = _f32_from_bits(_bits_from_f32(kf + SHIFT32) << np.int32(23))
    return p * scale
