"""Fixtures shared by the correctness tests.

Every test reaches the implementations through ``kernels.IMPLEMENTATIONS`` (none
imports a kernel module by hand) and every generated data set comes from the one
seeded maker, ``bench.data.make_problem``; only the hypothesis tests draw their own
arrays.

The helpers are fixtures that return functions, so that test modules import
nothing from this file:

``agree``
    Assert that ``{name: (w_new, b_new, loss)}`` agrees pairwise within the
    contract's tolerances.
``unchanged``
    Snapshot arrays now; assert later that they still hold the same values.
``readonly``
    A read-only view of an array (``flags.writeable = False``).
``step_all``
    One step of every implementation on the same arguments, ``{name: (w_new,
    b_new, loss)}``: what ``agree`` takes.
``step_atol``
    The absolute tolerances of one step, for tests that compare with a reference
    of their own rather than between implementations.

Notes
-----
pytest runs with ``filterwarnings = ["error"]`` (``pyproject.toml``), so any
``RuntimeWarning`` raised inside a kernel (overflow, invalid value) fails the test
that triggered it: "no warnings" is checked by every test, not only by those that
say so.
"""

import itertools

import numpy as np
import pytest

from kernels import IMPLEMENTATIONS

# The contract's relative tolerances (shared/DESIGN.md).
RTOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-4}

# Absolute tolerances, as a fraction of the size of the *terms* an output is made of
# (see ``step_scales``). Implementations sum in different orders, and float32 input
# is accumulated in float32 by NumPy but in float64 by Numba and Python, so an
# output that cancels to near zero differs by a few ulps of its terms, not of
# itself. The rounding error of a sum of n terms is about sqrt(n) * eps (at worst
# n * eps) times the sum of |term|: for n up to a few thousand, ~1e-14 (float64)
# and ~1e-6 (float32) of the scale. 1e-12 is ~4500 eps64 and 1e-5 is ~80 eps32:
# headroom for any summation order, yet far below the error of a wrong formula,
# which is of the order of the scale itself.
ATOL_FACTOR = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-5}


def step_scales(w, b, X, lr):
    """Sizes of the terms that make up ``w_new``, ``b_new`` and ``loss``.

    ``|z_i| <= scale_z = max_i sum_j |x_ij w_j| + |b|``, so z carries a rounding
    error of ~eps * scale_z, which moves ``sigma(z)`` by at most a quarter of that;
    the gradient sums ``(sigma_i - y_i) x_ij`` with ``|sigma_i - y_i| <= 1``; every
    per-sample loss lies in ``[0, log(2) + |z_i|]``.

    Parameters
    ----------
    w : array_like, shape (n_features,)
    b : float
    X : array_like, shape (n_samples, n_features)
    lr : float

    Returns
    -------
    scale_w, scale_b, scale_loss : float
    """
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    scale_z = float(np.max(np.abs(X) @ np.abs(w))) + abs(b)
    scale_w = float(np.max(np.abs(w))) + lr * float(np.max(np.abs(X))) * (1 + scale_z)
    scale_b = abs(b) + lr * (1.0 + scale_z)
    return scale_w, scale_b, 1.0 + scale_z


@pytest.fixture
def agree():
    """``agree(results, w, b, X, lr, *, against=None, what="step")``.

    ``results`` maps every implementation's name to ``(w_new, b_new, loss)`` (or
    ``(w, b, losses)`` of ``train``) computed from ``w, b, X, lr``. Every pair is
    compared with ``assert_allclose(rtol=RTOL[dtype], atol=ATOL_FACTOR[dtype] *
    scale)``, ``dtype`` being that of the first result's weights and ``scale``
    from ``step_scales``. With ``against`` (a second such mapping, e.g. the same
    call on C-ordered copies), each implementation is also compared with its own
    entry there.
    """

    def check(results, w, b, X, lr, *, against=None, what="step"):
        assert set(results) == set(IMPLEMENTATIONS), "every implementation must run"
        dtype = np.dtype(np.asarray(next(iter(results.values()))[0]).dtype)
        scales = step_scales(w, b, X, lr)
        pairs = list(itertools.combinations(sorted(results.items()), 2))
        if against is not None:
            pairs += [
                ((name, res), (f"{name} (reference call)", against[name]))
                for name, res in sorted(results.items())
            ]
        for (name_a, res_a), (name_b, res_b) in pairs:
            for part, a, b_, scale in zip(
                ("w", "b", "loss"), res_a, res_b, scales, strict=True
            ):
                np.testing.assert_allclose(
                    np.asarray(a, dtype=np.float64),
                    np.asarray(b_, dtype=np.float64),
                    rtol=RTOL[dtype],
                    atol=ATOL_FACTOR[dtype] * scale,
                    err_msg=f"{what} {part}: {name_a!r} and {name_b!r} disagree",
                )

    return check


@pytest.fixture
def step_all():
    """``step_all(w, b, X, y, lr) -> {name: step(w, b, X, y, lr)}`` over every
    implementation of ``kernels.IMPLEMENTATIONS``."""

    def run(w, b, X, y, lr):
        return {
            name: impl.step(w, b, X, y, lr) for name, impl in IMPLEMENTATIONS.items()
        }

    return run


@pytest.fixture
def step_atol():
    """``step_atol(w, b, X, lr) -> (atol_w, atol_b, atol_loss)`` for one step of
    ``dtype`` (default float64): ``ATOL_FACTOR[dtype]`` times ``step_scales``."""

    def atols(w, b, X, lr, dtype=np.float64):
        factor = ATOL_FACTOR[np.dtype(dtype)]
        return tuple(factor * s for s in step_scales(w, b, X, lr))

    return atols


@pytest.fixture
def unchanged():
    """``check = unchanged(*arrays)``; later ``check()`` asserts equal values,
    dtypes and shapes (NaN equal to NaN)."""

    def snapshot(*arrays):
        kept = [(a, np.array(a, copy=True)) for a in arrays]

        def check():
            for now, before in kept:
                np.testing.assert_array_equal(now, before, strict=True)

        return check

    return snapshot


@pytest.fixture
def readonly():
    """``readonly(a)``: a read-only view of ``a``, same memory and strides."""

    def make(a):
        view = a.view()
        view.flags.writeable = False
        return view

    return make


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def impl(request):
    """Each registered implementation in turn."""
    return IMPLEMENTATIONS[request.param]
