r"""``log1p(t)`` for ``t`` in [0, 1], branch-free, so that a loop of it vectorizes.

The step needs ``log(1 + e^{-|z|})``, the ``log1p`` of ``t = e^{-|z|}`` in [0, 1]
(``kernels/simd_exp.py`` has why the C library's scalar ``log`` keeps a loop from
vectorizing, and how accurate the step needs its math: not to 1 ulp).

The math: with ``s = t / (2 + t)``, ``1 + t = (1 + s) / (1 - s)``, so

    ``log1p(t) = 2 atanh(s) = 2s + 2s^3/3 + 2s^5/5 + ... = s (2 + v R(v))``,
    ``v = s^2``,

with ``s`` in [0, 1/3] and ``v`` in [0, 1/9] for ``t`` in [0, 1]. ``R`` is a
minimax polynomial (relative error of the result, fitted as ``simd_exp``'s
polynomials are): degree 7 in float64, degree 3 in float32. There is no range
reduction (fdlibm's ``log`` halves ``1 + t`` above ``sqrt(2)`` and splits
``ln 2``: four more operations and a select, to save three multiply-adds), no
correction for the rounding of ``1 + t`` (``t`` itself is exact and ``2 + t``
rounds once, a relative error of ``s`` of at most 1 ulp) and one division, which
``numba_simd`` merges with the sigmoid's (``log1p_of_s*`` take ``s`` from it).

Accuracy (``tests/test_simd_math.py`` measures it against ``math.log1p``, over all
of [0, 1], subnormal ``t`` included, compiled with the kernel's fast-math flags):

- float64: relative error below ``1e-14`` (the polynomial: ``6.6e-15``; the
  rounding of ``s`` and of the evaluation: a few ulps). ``log1p(t) <= ln 2``, so
  the absolute error is below ``7e-15``: 1/140 of the contract's ``1e-12``;
- float32: relative error below ``5e-7`` (polynomial ``1.6e-8``, the rest float32
  rounding), 1/20 of the contract's ``1e-5``.
"""

import numpy as np
from numba import njit

from kernels.simd_exp import SIMD_MATH

# log1p(t) = s (2 + v R(v)): minimax R on v in [0, 1/9], degree 7 (float64)
L0, L1, L2, L3, L4, L5, L6, L7 = (
    float.fromhex(c)
    for c in (
        "0x1.5555555555145p-1",
        "0x1.9999999be0c0bp-2",
        "0x1.2492477932021p-2",
        "0x1.c71d5fa87f32cp-3",
        "0x1.743cbc557dcf8p-3",
        "0x1.3d728870d2cd3p-3",
        "0x1.f1a7bbc95bbd9p-4",
        "0x1.6ce74ff9bee6bp-3",
    )
)


@njit(**SIMD_MATH)
def log1p_of_s64(s):
    """``log1p(t)`` from ``s = t / (2 + t)`` in [0, 1/3] (float64).

    For a caller that has ``s`` from a division it shares (``numba_simd``).
    """
    v = s * s
    p = L7
    p = p * v + L6
    p = p * v + L5
    p = p * v + L4
    p = p * v + L3
    p = p * v + L2
    p = p * v + L1
    p = p * v + L0
    return s * (p * v + 2.0)


@njit(**SIMD_MATH)
def log1p_unit64(t):
    """``log1p(t)`` of a float64 ``t`` in [0, 1], relative error below 1e-14.

    Parameters
    ----------
    t : float64
        In [0, 1] (the ``exp(-|z|)`` of a logit).

    Returns
    -------
    float64
        ``log(1 + t)`` in [0, ln 2].
    """
    return log1p_of_s64(t / (2.0 + t))  # 2 + t >= 2: no division by zero


# float32: R of degree 3
M0, M1, M2, M3 = (
    np.float32(float.fromhex(c))
    for c in ("0x1.55554cp-1", "0x1.99ad98p-2", "0x1.212046p-2", "0x1.130ff4p-2")
)


@njit(**SIMD_MATH)
def log1p_of_s32(s):
    """``log1p_of_s64`` in float32."""
    v = s * s
    p = M3
    p = p * v + M2
    p = p * v + M1
    p = p * v + M0
    return s * (p * v + np.float32(2.0))


@njit(**SIMD_MATH)
def log1p_unit32(t):
    """``log1p(t)`` of a float32 ``t`` in [0, 1], relative error below 5e-7.

    Parameters
    ----------
    t : float32
        In [0, 1].

    Returns
    -------
    float32
        ``log(1 + t)`` in [0, ln 2].
    """
    return log1p_of_s32(t / (np.float32(2.0) + t))
