"""Bad input: every implementation refuses it, names the argument, mutates nothing.

What this module proves
-----------------------
For every implementation, through both ``step`` and ``train``:

- wrong dimensions, mismatched lengths and empty data raise ``ValueError``;
- NaN or infinity in ``X``, ``y`` or ``w`` (at the first, last and a middle
  position), a non-finite ``b``, labels outside [0, 1], and ``lr`` that is not a
  finite number > 0 raise ``ValueError``;
- complex, string, object, ragged and ``None`` arguments, and bools for the scalars,
  raise ``TypeError``;
- each message starts with the name of the culprit (``X``, ``y``, ``w``, ``b``,
  ``lr``), checked with ``match=r"^name\\b"`` (a bare ``match="y"`` would also match
  the "y" of "empty");
- a call that fails leaves its array arguments exactly as they were;
- finite inputs whose logits, loss or update overflow raise ``ValueError`` (the
  overflow path), never return NaN or infinity, and emit no warning.

The project runs pytest with ``filterwarnings = ["error"]``: a kernel that emits a
``RuntimeWarning`` on its way to the ``ValueError`` fails here, because under that
setting the warning is raised in place of the ``ValueError``.
"""

import math

import numpy as np
import pytest

from bench.data import make_problem

N, D = 6, 4


def problem():
    """A small valid problem as keyword arguments of ``step``."""
    w, b, X, y = make_problem(N, D, seed=41)
    return {"w": w, "b": b, "X": X, "y": y, "lr": 0.1}


def setting(index, value):
    """``a -> copy of a with a[index] = value``."""

    def change(a):
        a = a.copy()
        a[index] = value
        return a

    return change


# name: (argument, how to change it, expected exception, argument the message names)
CASES = {
    # dimensions
    "X 1-D": ("X", lambda X: X[:, 0], ValueError, "X"),
    "X 3-D": ("X", lambda X: X[None], ValueError, "X"),
    "X 0-D": ("X", lambda X: X[0, 0], ValueError, "X"),
    "y 2-D column": ("y", lambda y: y[:, None], ValueError, "y"),
    "y 2-D row": ("y", lambda y: y[None, :], ValueError, "y"),
    "w 2-D column": ("w", lambda w: w[:, None], ValueError, "w"),
    "w 0-D": ("w", lambda w: w[0], ValueError, "w"),
    # mismatched lengths
    "y one label too many": ("y", lambda y: np.append(y, 0.0), ValueError, "y"),
    "y one label short": ("y", lambda y: y[:-1], ValueError, "y"),
    "w one weight too many": ("w", lambda w: np.append(w, 0.0), ValueError, "w"),
    "w one weight short": ("w", lambda w: w[:-1], ValueError, "w"),
    # empty data (y and w shaped to match, so only the emptiness is wrong)
    "X without rows": ("X", lambda X: X[:0], ValueError, "X"),
    "X without columns": ("X", lambda X: X[:, :0], ValueError, "X"),
    # labels outside [0, 1]
    "y -0.1 first": ("y", setting(0, -0.1), ValueError, "y"),
    "y 1.5 last": ("y", setting(N - 1, 1.5), ValueError, "y"),
    "y 2 everywhere": ("y", lambda y: np.full_like(y, 2.0), ValueError, "y"),
    "y just below 0": ("y", setting(2, -5e-324), ValueError, "y"),
    "y just above 1": ("y", setting(3, np.nextafter(1.0, 2.0)), ValueError, "y"),
    # scalars
    "b nan": ("b", lambda b: math.nan, ValueError, "b"),
    "b inf": ("b", lambda b: math.inf, ValueError, "b"),
    "b -inf": ("b", lambda b: -math.inf, ValueError, "b"),
    "b numpy nan": ("b", lambda b: np.float32("nan"), ValueError, "b"),
    "lr 0": ("lr", lambda lr: 0.0, ValueError, "lr"),
    "lr -0.0": ("lr", lambda lr: -0.0, ValueError, "lr"),
    "lr -1": ("lr", lambda lr: -1, ValueError, "lr"),
    "lr nan": ("lr", lambda lr: math.nan, ValueError, "lr"),
    "lr inf": ("lr", lambda lr: math.inf, ValueError, "lr"),
    "lr -inf": ("lr", lambda lr: -math.inf, ValueError, "lr"),
    # non-real types
    "X complex": ("X", lambda X: X.astype(complex), TypeError, "X"),
    "y complex": ("y", lambda y: y.astype(complex), TypeError, "y"),
    "w complex": ("w", lambda w: w.astype(np.complex64), TypeError, "w"),
    "b complex": ("b", lambda b: complex(b, 0.0), TypeError, "b"),
    "b numpy complex": ("b", lambda b: np.complex128(b), TypeError, "b"),
    "lr complex": ("lr", lambda lr: complex(lr, 0.0), TypeError, "lr"),
    "lr 0-D complex array": ("lr", lambda lr: np.array(lr + 0j), TypeError, "lr"),
    "X strings": ("X", lambda X: X.astype(str), TypeError, "X"),
    "y strings": ("y", lambda y: y.astype(str), TypeError, "y"),
    "w bytes": ("w", lambda w: w.astype(bytes), TypeError, "w"),
    "b string": ("b", lambda b: str(b), TypeError, "b"),
    "lr string": ("lr", lambda lr: "0.1", TypeError, "lr"),
    "X objects": ("X", lambda X: X.astype(object), TypeError, "X"),
    "y objects": ("y", lambda y: y.astype(object), TypeError, "y"),
    "w objects": ("w", lambda w: w.astype(object), TypeError, "w"),
    "X ragged list": ("X", lambda X: [[1.0, 2.0], [3.0]], TypeError, "X"),
    "X None": ("X", lambda X: None, TypeError, "X"),
    "y None": ("y", lambda y: None, TypeError, "y"),
    "w None": ("w", lambda w: None, TypeError, "w"),
    "b None": ("b", lambda b: None, TypeError, "b"),
    "lr None": ("lr", lambda lr: None, TypeError, "lr"),
    "b bool": ("b", lambda b: True, TypeError, "b"),
    "lr bool": ("lr", lambda lr: True, TypeError, "lr"),
    "lr list": ("lr", lambda lr: [lr], TypeError, "lr"),
}

NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
POSITIONS = {
    "X": {"first": (0, 0), "last": (N - 1, D - 1), "middle": (2, 1)},
    "y": {"first": 0, "last": N - 1, "middle": 3},
    "w": {"first": 0, "last": D - 1, "middle": 2},
}
for _arg, _where in POSITIONS.items():
    for _pos, _index in _where.items():
        for _label, _value in NON_FINITE.items():
            CASES[f"{_arg} {_label} {_pos}"] = (
                _arg,
                setting(_index, _value),
                ValueError,
                _arg,
            )

METHODS = ["step", "train"]


def call(impl, method, args):
    if method == "step":
        return impl.step(args["w"], args["b"], args["X"], args["y"], args["lr"])
    return impl.train(args["w"], args["b"], args["X"], args["y"], args["lr"], 3)


def _consistent(args, case):
    """Keep the other arguments valid where the case changes a length or emptiness."""
    if case == "X without rows":
        args["y"] = args["y"][:0]
    elif case == "X without columns":
        args["w"] = args["w"][:0]
    return args


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_names_the_argument(case, method, impl, unchanged):
    arg, change, error, name = CASES[case]
    args = problem()
    args[arg] = change(args[arg])
    args = _consistent(args, case)
    arrays = [a for a in args.values() if isinstance(a, np.ndarray)]
    check = unchanged(*arrays)
    with pytest.raises(error, match=rf"^{name}\b"):
        call(impl, method, args)
    check()


@pytest.mark.parametrize("method", METHODS)
def test_several_problems_name_the_first_checked_argument(method, impl):
    # X is checked before y and w, so a broken X is what the message reports
    args = problem()
    args["X"] = args["X"][:, 0]
    args["y"] = args["y"][:, None]
    with pytest.raises(ValueError, match=r"^X\b"):
        call(impl, method, args)


def _huge(dtype, **changes):
    """A valid problem of ``dtype`` with some arguments replaced."""
    args = problem()
    args.update(
        X=args["X"].astype(dtype), y=args["y"].astype(dtype), w=args["w"].astype(dtype)
    )
    for key, value in changes.items():
        args[key] = value(args) if callable(value) else value
    return args


F32 = np.float32
# finite inputs whose arithmetic overflows; name: (dtype, changes)
OVERFLOW = {
    # logits overflow: X @ w is +-inf
    "float64 X = 1e308": (np.float64, {"X": np.full((N, D), 1e308)}),
    "float64 w ~ 1e308": (np.float64, {"w": lambda a: 1e308 * np.sign(a["w"])}),
    # logits are finite, their sum in the loss is not
    "float64 b = 1e308": (np.float64, {"b": 1e308}),
    # loss and gradient are finite, the update w - lr * g is not
    "float64 lr = 1e308": (np.float64, {"X": lambda a: 1e10 * a["X"], "lr": 1e308}),
    # float32: x * w overflows float32 (not float64)
    "float32 X = w = 1e20": (
        F32,
        {"X": np.full((N, D), 1e20, F32), "w": np.full(D, 1e20, F32)},
    ),
    # float32: the float64-accumulated gradient is finite, w_new is not in float32
    "float32 X = 1e38, lr = 10": (
        F32,
        {
            "X": np.full((N, D), 1e38, F32),
            "w": np.full(D, 0.1, F32),
            "y": np.zeros(N, F32),
            "lr": 10.0,
        },
    ),
    # float32: b is a finite Python float beyond the float32 range
    "float32 b = 1e39": (F32, {"b": 1e39}),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(OVERFLOW))
def test_overflow_of_finite_input_is_a_value_error(case, method, impl, unchanged):
    dtype, changes = OVERFLOW[case]
    args = _huge(dtype, **changes)
    check = unchanged(args["X"], args["y"], args["w"])
    # filterwarnings=error: an overflow RuntimeWarning escapes this try and fails
    try:
        result = call(impl, method, args)
    except ValueError as err:
        message = str(err)
    else:
        pytest.fail(f"returned {result!r} instead of raising ValueError")
    assert "overflow" in message
    check()


@pytest.mark.parametrize("scale", [1e100, 1e300, 1e306])
def test_huge_but_representable_input_gives_finite_output(scale, impl):
    # X ~ 1e300 with w ~ 1: logits, loss, gradient and update all stay below the
    # float64 maximum (1.8e308), so one step has a finite answer: not NaN, not an
    # error. (A second step would not: w_new ~ 1e300 makes the next logits overflow,
    # which is the case above.)
    args = problem()
    args["X"] = scale * args["X"]
    w_new, b_new, loss = call(impl, "step", args)
    assert np.all(np.isfinite(w_new))
    assert np.isfinite(b_new)
    assert np.isfinite(loss)
    assert loss > 1e-3 * scale  # the saturated regime: loss ~ |z| ~ scale


# 3000 rows: three 1024-row chunks, so kernels that split the samples over threads
# meet the bad value in a chunk of their own, not in the first one.
LAST_CHUNK_CASES = {
    "NaN in X": ("X", (2999, 1), np.nan, "X"),
    "inf in X": ("X", (2500, 0), -np.inf, "X"),
    "NaN label": ("y", 2999, np.nan, "y"),
    "label 1.5": ("y", 2100, 1.5, "y"),
    "label -0.1": ("y", 2999, -0.1, "y"),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(LAST_CHUNK_CASES))
def test_bad_value_in_a_late_chunk_is_found(case, method, impl, unchanged):
    arg, index, value, name = LAST_CHUNK_CASES[case]
    w, b, X, y = make_problem(3000, 3, seed=43)
    args = {"w": w, "b": b, "X": X, "y": y, "lr": 0.1}
    args[arg] = setting(index, value)(args[arg])
    check = unchanged(args["X"], args["y"], args["w"])
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call(impl, method, args)
    check()


def test_masked_arrays_are_refused_rather_than_unmasked(impl):
    args = problem()
    args["X"] = np.ma.masked_greater(args["X"], 0.5)
    with pytest.raises(TypeError, match=r"^X\b"):
        impl.step(**args)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_a_matrix_is_used_as_a_plain_array(impl):
    args = problem()
    expected = impl.step(**args)
    args["X"] = np.asmatrix(args["X"])
    got = impl.step(**args)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1:] == expected[1:]


@pytest.mark.parametrize("arg", ["b", "lr"])
def test_an_int_beyond_float_range_is_named(arg, impl):
    args = problem()
    args[arg] = 10**400
    with pytest.raises(ValueError, match=rf"^{arg}\b"):
        impl.step(**args)


def test_big_endian_float32_stays_float32(impl):
    args = problem()
    args["X"] = args["X"].astype(">f4")
    args["w"] = args["w"].astype(">f4")
    w_new, b_new, loss = impl.step(**args)
    assert w_new.dtype == np.float32
    assert isinstance(b_new, np.float32)
    assert isinstance(loss, np.float32)
