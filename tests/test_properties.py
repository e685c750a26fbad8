"""Property tests: arbitrary shapes and values, drawn by hypothesis.

What this module proves
-----------------------
Over problems drawn by ``hypothesis.extra.numpy`` (1 to 40 samples, 1 to 8
features, values up to 30 in size, hard, soft and boundary labels, any ``lr`` in
[1e-3, 10]) and for every implementation:

- all implementations agree, in float64 and in float32, and leave their inputs
  untouched;
- the outputs obey bounds that follow from the formulas: ``0 <= loss <=
  log(2) + max|z|``, ``|g_b| <= 1`` and ``|g_w[j]| <= max_i |x_ij|``;
- the step has the symmetries of the mean log-loss: permuting the samples or
  repeating the whole data set changes nothing, and flipping the labels
  (``y -> 1 - y``, ``w, b -> -w, -b``) negates the update and keeps the loss;
- labels equal to the model's own probabilities give a zero gradient.

``max_examples`` is kept small so that the suite stays fast; ``deadline=None``
because the first call of a Numba kernel for a new dtype or layout compiles (or
loads from cache).
"""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from kernels import IMPLEMENTATIONS

# The fixtures used below return stateless functions, so sharing them across
# examples is safe.
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@st.composite
def problems(draw, dtype=np.float64, max_n=40, max_d=8, bound=30.0):
    """``(w, b, X, y, lr)`` of any small shape; labels include 0, 1 and soft."""
    width = np.dtype(dtype).itemsize * 8
    n = draw(st.integers(1, max_n), label="n")
    d = draw(st.integers(1, max_d), label="d")
    values = st.floats(-bound, bound, width=width)
    X = draw(hnp.arrays(dtype, (n, d), elements=values), label="X")
    # weights scaled by 1/d keep most logits out of the fully saturated regime,
    # where every implementation trivially returns the same
    w_bound = float(np.dtype(dtype).type(bound / d))  # exact at this width
    w = draw(
        hnp.arrays(dtype, d, elements=st.floats(-w_bound, w_bound, width=width)),
        label="w",
    )
    labels = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0, width=width))
    y = draw(hnp.arrays(dtype, n, elements=labels), label="y")
    b = draw(st.floats(-bound, bound), label="b")
    lr = draw(st.floats(1e-3, 10.0), label="lr")
    return w, b, X, y, lr


@SETTINGS
@given(problem=problems())
def test_implementations_agree_on_any_float64_problem(
    problem, agree, unchanged, step_all
):
    w, b, X, y, lr = problem
    check = unchanged(w, X, y)
    results = step_all(w, b, X, y, lr)
    check()
    agree(results, w, b, X, lr)
    for w_new, _, _ in results.values():
        assert w_new.dtype == np.float64
        assert not np.shares_memory(w_new, w)


@SETTINGS
@given(problem=problems(dtype=np.float32))
def test_implementations_agree_on_any_float32_problem(
    problem, agree, unchanged, step_all
):
    w, b, X, y, lr = problem
    check = unchanged(w, X, y)
    results = step_all(w, b, X, y, lr)
    check()
    agree(results, w, b, X, lr)
    for w_new, b_new, loss in results.values():
        assert w_new.dtype == np.float32
        assert type(b_new) is np.float32
        assert type(loss) is np.float32


@SETTINGS
@given(problem=problems())
def test_outputs_obey_the_bounds_of_the_formulas(problem):
    w, b, X, y, lr = problem
    z = X @ w + b
    loss_max = math.log(2.0) + float(np.max(np.abs(z)))
    x_max = np.max(np.abs(X), axis=0)
    slack = 1e-12  # relative rounding allowance on each bound
    for name, impl in IMPLEMENTATIONS.items():
        w_new, b_new, loss = impl.step(w, b, X, y, lr)
        g_w, g_b = (w - w_new) / lr, (b - b_new) / lr
        # loss_i = log(1 + e^z) - y z lies in [0, log 2 + |z|] for y in [0, 1]
        assert 0.0 <= loss <= loss_max * (1 + slack), name
        # sigma - y lies in [-1, 1], so each gradient is a mean of bounded terms;
        # reading g back through (w - w_new) / lr costs ~eps * |w| / lr of accuracy,
        # and a subnormal w_new may be flushed to zero (XLA does: jax)
        tiny = np.finfo(np.float64).tiny
        read_back = (1e-15 * (np.abs(w) + np.abs(w_new)) + tiny) / lr
        assert np.all(np.abs(g_w) <= x_max * (1 + slack) + read_back), name
        assert abs(g_b) <= 1 + slack + 1e-15 * (abs(b) + abs(b_new)) / lr, name


@SETTINGS
@given(problem=problems(), data=st.data())
def test_permuting_samples_changes_nothing(problem, data, step_atol):
    w, b, X, y, lr = problem
    order = data.draw(st.permutations(range(len(y))), label="order")
    atol = step_atol(w, b, X, lr)
    for name, impl in IMPLEMENTATIONS.items():
        a = impl.step(w, b, X, y, lr)
        p = impl.step(w, b, X[order], y[order], lr)
        for part, u, v, tol in zip(("w", "b", "loss"), a, p, atol, strict=True):
            np.testing.assert_allclose(
                u, v, rtol=1e-10, atol=tol, err_msg=f"{name} {part}"
            )


@SETTINGS
@given(problem=problems(max_n=20))
def test_repeating_the_data_changes_nothing(problem, step_atol):
    # the loss and gradient are means over samples: twice the same samples is the
    # same mean (a missing or wrong 1/n shows up here)
    w, b, X, y, lr = problem
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    atol = step_atol(w, b, X, lr)
    for name, impl in IMPLEMENTATIONS.items():
        a = impl.step(w, b, X, y, lr)
        r = impl.step(w, b, X2, y2, lr)
        for part, u, v, tol in zip(("w", "b", "loss"), a, r, atol, strict=True):
            np.testing.assert_allclose(
                u, v, rtol=1e-10, atol=tol, err_msg=f"{name} {part}"
            )


@SETTINGS
@given(problem=problems())
def test_flipping_labels_negates_the_update(problem, step_atol):
    # with y -> 1 - y and (w, b) -> (-w, -b): z -> -z, the per-sample loss is
    # unchanged (log(1 + e^-z) - (1 - y)(-z) = log(1 + e^z) - y z) and
    # sigma(-z) - (1 - y) = -(sigma(z) - y), so the new parameters are negated
    w, b, X, y, lr = problem
    atol = step_atol(w, b, X, lr)
    for name, impl in IMPLEMENTATIONS.items():
        w_new, b_new, loss = impl.step(w, b, X, y, lr)
        w_f, b_f, loss_f = impl.step(-w, -b, X, 1.0 - y, lr)
        np.testing.assert_allclose(w_f, -w_new, rtol=1e-10, atol=atol[0], err_msg=name)
        np.testing.assert_allclose(b_f, -b_new, rtol=1e-10, atol=atol[1], err_msg=name)
        np.testing.assert_allclose(loss_f, loss, rtol=1e-10, atol=atol[2], err_msg=name)


@SETTINGS
@given(problem=problems())
def test_labels_equal_to_the_predictions_give_a_zero_gradient(problem, step_atol):
    # y_i = sigma(z_i) makes every residual sigma(z_i) - y_i vanish: the
    # parameters do not move, up to the rounding of z and of sigma
    w, b, X, _, lr = problem
    y = expit(X @ w + b)
    atol_w, atol_b, _ = step_atol(w, b, X, lr)
    for name, impl in IMPLEMENTATIONS.items():
        w_new, b_new, _ = impl.step(w, b, X, y, lr)
        np.testing.assert_allclose(w_new, w, rtol=1e-12, atol=atol_w, err_msg=name)
        np.testing.assert_allclose(b_new, b, rtol=1e-12, atol=atol_b, err_msg=name)
