r"""``log1p(t)`` for ``t`` in [0, 1], branch-free, so that a loop of it vectorizes.

The step needs ``log(1 + e^{-|z|})``, the log of ``u = 1 + t`` with ``t`` in [0, 1]
(``kernels/simd_exp.py`` has why the C library's scalar ``log`` keeps a loop from
vectorizing). The math follows fdlibm's ``log`` (and FreeBSD's ``logf``):

1. **The rounding of 1 + t.** ``u = 1 + t`` is rounded, and ``c = t - (u - 1)`` is
   exactly what the rounding lost (``u - 1`` is exact for ``u`` in [1, 2]), so
   ``log1p(t) = log(u) + log(1 + c/u) = log(u) + c/u`` to far below an ulp. (When
   ``t`` is below half the machine epsilon, ``u == 1``, ``log(u) == 0`` and the
   answer is ``c = t``, as it must be.)
2. **Range reduction.** For ``u`` above ``sqrt(2)``, ``log(u) = ln 2 + log(u / 2)``:
   with ``k`` in {0, 1} and ``f = u / 2^k - 1`` (exact), ``1 + f`` is in
   [sqrt(2)/2, sqrt(2)]. The choice of ``k`` is a select, not a branch.
3. **Polynomial.** With ``s = f / (2 + f)`` (at most 0.172),
   ``log(1 + f) = log((1 + s)/(1 - s)) = 2s + 2s^3/3 + 2s^5/5 + ...``. fdlibm
   writes it as ``f - hfsq + s (hfsq + R(s^2))`` with ``hfsq = f^2 / 2`` and a
   minimax polynomial ``R`` of degree 7 in ``s^2`` (degree 4 in float32), whose error
   is below 2^-58 (2^-34 in float32); the terms are added smallest first.
4. ``log(u) = k LN2_HI + (that - ... + k LN2_LO)``, ``ln 2`` split so that the large
   part is exact.

Accuracy (enforced by ``tests/test_simd_math.py`` against ``math.log1p``): at most
1 ulp of the correctly rounded result in float64 and in float32, over all of [0, 1].
"""

import numpy as np
from numba import njit

from kernels.simd_exp import LN2_HI, LN2_LO, SIMD_MATH

SQRT2 = 1.4142135623730951

# fdlibm e_log.c: the minimax coefficients Lg1..Lg7 (ln 2 = LN2_HI + LN2_LO, the
# same split as exp's)
LG1 = 6.666666666666735130e-01
LG2 = 3.999999999940941908e-01
LG3 = 2.857142874366239149e-01
LG4 = 2.222219843214978396e-01
LG5 = 1.818357216161805012e-01
LG6 = 1.531383769920937332e-01
LG7 = 1.479819860511658591e-01


@njit(**SIMD_MATH)
def log1p_unit64(t):
    """``log1p(t)`` of a float64 ``t`` in [0, 1], to 1 ulp; vectorizable.

    Parameters
    ----------
    t : float64
        In [0, 1] (the ``exp(-|z|)`` of a logit).

    Returns
    -------
    float64
        ``log(1 + t)`` in [0, ln 2].
    """
    u = 1.0 + t
    c = t - (u - 1.0)  # exact: what rounding 1 + t lost
    big = u > SQRT2
    k = 1.0 if big else 0.0
    f = (0.5 * u if big else u) - 1.0  # exact (Sterbenz)
    s = f / (2.0 + f)  # 2 + f >= 1.7: error_model="numpy" loses no check
    z = s * s
    w = z * z
    r_odd = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
    r_even = w * (LG2 + w * (LG4 + w * LG6))
    R = r_odd + r_even
    hfsq = 0.5 * f * f
    log_u = k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f)
    return log_u + c / u  # u >= 1


# FreeBSD e_logf.c: the float32 split of ln 2 and minimax coefficients Lg1..Lg4
SQRT2_32 = np.float32(SQRT2)
LN2_HI32 = np.float32(6.9313812256e-01)
LN2_LO32 = np.float32(9.0580006145e-06)
LG1_32 = np.float32(0.66666662693)
LG2_32 = np.float32(0.40000972152)
LG3_32 = np.float32(0.28498786688)
LG4_32 = np.float32(0.24279078841)


@njit(**SIMD_MATH)
def log1p_unit32(t):
    """``log1p(t)`` of a float32 ``t`` in [0, 1], to 1 ulp; vectorizable.

    Parameters
    ----------
    t : float32
        In [0, 1].

    Returns
    -------
    float32
        ``log(1 + t)`` in [0, ln 2].
    """
    one = np.float32(1.0)
    half = np.float32(0.5)
    u = one + t
    c = t - (u - one)
    big = u > SQRT2_32
    k = one if big else np.float32(0.0)
    f = (half * u if big else u) - one
    s = f / (np.float32(2.0) + f)
    z = s * s
    w = z * z
    r_odd = z * (LG1_32 + w * LG3_32)
    r_even = w * (LG2_32 + w * LG4_32)
    R = r_odd + r_even
    hfsq = half * f * f
    log_u = k * LN2_HI32 - ((hfsq - (s * (hfsq + R) + k * LN2_LO32)) - f)
    return log_u + c / u
