"""When two steps agree: the contract's tolerances, as one public check.

The test suite (``tests/conftest.py``'s ``agree`` fixture) and the lesson notebook
(``lesson/lesson.md``, where the reader's own step is checked against the
registered ones) use the same logic, so it lives here, once.

Relative tolerances are the contract's (``docs/design.md``). Absolute tolerances
are a fraction of the size of the *terms* an output is made of (``step_scales``):
implementations sum in different orders, and float32 input is accumulated in
float32 by NumPy, in float64 by ``numba`` and Python, and in short float32 runs
promoted to float64 by ``numba_simd``, so an output that cancels to
near zero differs by a few ulps of its terms, not of itself. The rounding error of
a sum of n terms is about sqrt(n) * eps (at worst n * eps) times the sum of |term|:
for n up to a few thousand, ~1e-14 (float64) and ~1e-6 (float32) of the scale.
1e-12 is ~4500 eps64 and 1e-5 is ~80 eps32: headroom for any summation order, yet
far below the error of a wrong formula, which is of the order of the scale itself.

No absolute tolerance is below the dtype's smallest normal number
(``numpy.finfo(dtype).tiny``): XLA on the CPU flushes subnormal results to zero,
where the other implementations keep them, so a term of a subnormal ``X`` (a
property test drew ``2.2e-313``) gives ``0`` in JAX and ``-1.1e-313`` elsewhere:
the same answer, below what the dtype represents in full precision.
"""

import itertools

import numpy as np

RTOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-4}
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


def step_atols(w, b, X, lr, dtype=np.float64):
    """``(atol_w, atol_b, atol_loss)`` of one step in ``dtype``:
    ``ATOL_FACTOR[dtype]`` times ``step_scales``, at least the dtype's smallest
    normal number."""
    factor = ATOL_FACTOR[np.dtype(dtype)]
    tiny = float(np.finfo(dtype).tiny)  # subnormals: flushed to zero by XLA
    return tuple(max(factor * s, tiny) for s in step_scales(w, b, X, lr))


def assert_agree(results, w, b, X, lr, *, against=None, what="step"):
    """Assert that every pair of results agrees within the contract's tolerances.

    Parameters
    ----------
    results : dict
        ``{name: (w_new, b_new, loss)}`` (or ``(w, b, losses)`` of ``train``), all
        computed from ``w, b, X, lr``.
    w, b, X, lr
        The arguments they were computed from (for the absolute tolerances).
    against : dict, optional
        A second such mapping (e.g. the same call on C-ordered copies): each
        name is also compared with its own entry there.
    what : str
        Named in the failure message.

    Raises
    ------
    AssertionError
        From ``numpy.testing.assert_allclose`` with ``rtol=RTOL[dtype]`` and
        ``atol=ATOL_FACTOR[dtype] * scale``, ``dtype`` being that of the first
        result's weights; the message names the two results and the part.
    """
    dtype = np.dtype(np.asarray(next(iter(results.values()))[0]).dtype)
    atols = step_atols(w, b, X, lr, dtype)
    pairs = list(itertools.combinations(sorted(results.items()), 2))
    if against is not None:
        pairs += [
            ((name, res), (f"{name} (reference call)", against[name]))
            for name, res in sorted(results.items())
        ]
    for (name_a, res_a), (name_b, res_b) in pairs:
        for part, a, b_, atol in zip(
            ("w", "b", "loss"), res_a, res_b, atols, strict=True
        ):
            np.testing.assert_allclose(
                np.asarray(a, dtype=np.float64),
                np.asarray(b_, dtype=np.float64),
                rtol=RTOL[dtype],
                atol=atol,
                err_msg=f"{what} {part}: {name_a!r} and {name_b!r} disagree",
            )
