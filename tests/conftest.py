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
``files``
    ``files(name, document) -> path``: a file under ``tmp_path``, the document
    written as it is when it is a string, as JSON otherwise (the hand-made runs of
    the compare and order-check tests).

Notes
-----
pytest runs with ``filterwarnings = ["error"]`` (``pyproject.toml``), so any
``RuntimeWarning`` raised inside a kernel (overflow, invalid value) fails the test
that triggered it: "no warnings" is checked by every test, not only by those that
say so.
"""

import json
import os

import numpy as np
import pytest

from kernels import IMPLEMENTATIONS
from kernels.agreement import assert_agree, step_atols


@pytest.fixture(scope="session", autouse=True)
def _children_see_a_plain_run():
    """Under pytest-xdist (``make test`` runs ``-n 2``) a worker's environment says
    that it is one, and a pytest started by a test would inherit that: its
    pytest-benchmark would then turn itself off. The processes the tests start see
    the environment of a plain run."""
    with pytest.MonkeyPatch.context() as mp:
        for name in [v for v in os.environ if v.startswith("PYTEST_XDIST_")]:
            mp.delenv(name)
        yield


@pytest.fixture
def agree():
    """``agree(results, w, b, X, lr, *, against=None, what="step")``.

    ``results`` maps every implementation's name to ``(w_new, b_new, loss)`` (or
    ``(w, b, losses)`` of ``train``) computed from ``w, b, X, lr``; every
    implementation must be there. The comparison is
    ``kernels.agreement.assert_agree``: every pair within the contract's relative
    tolerance and an absolute one scaled by ``step_scales`` (the lesson notebook
    checks the reader's own step with the same function). With ``against`` (a
    second such mapping, e.g. the same call on C-ordered copies), each
    implementation is also compared with its own entry there.
    """

    def check(results, w, b, X, lr, *, against=None, what="step"):
        assert set(results) == set(IMPLEMENTATIONS), "every implementation must run"
        assert_agree(results, w, b, X, lr, against=against, what=what)

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
    ``dtype`` (default float64): ``kernels.agreement.step_atols``."""
    return step_atols


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


@pytest.fixture
def files(tmp_path):
    def write(name, document):
        path = tmp_path / name
        text = document if isinstance(document, str) else json.dumps(document)
        path.write_text(text, encoding="utf-8")
        return path

    return write
