"""The checks of the lesson's exercises, shared by ``exercises.md`` (where the
reader writes the answers) and ``solutions.md`` (where they are written).

Each check prints what it found and returns True when the answer passes; the
solutions notebook asserts that it does, the exercises notebook only reports.
"""

from bench.data import make_problem
from kernels import IMPLEMENTATIONS
from kernels.agreement import assert_agree
from lesson.helpers import LR

# The implementations a step is checked against: the core lesson's five
CORE = ("numpy_per_sample", "python", "numpy", "numba", "numba_simd")


def check_step(my_step):
    """``my_step`` against the core's implementations with the suite's own
    agreement test (``kernels.agreement.assert_agree``): several shapes, and
    logits large enough to overflow a careless ``exp``."""
    problems = [(1, 1, 1.0), (20, 3, 1.0), (257, 17, 1.0), (100, 5, 1e3)]
    for n, d, logit_scale in problems:
        w, b, X, y = make_problem(n, d, seed=n, logit_scale=logit_scale)
        mine = my_step(w, b, X, y, LR)
        if mine is None:
            print("my_step: not solved yet (it returns None)")
            return False
        results = {name: IMPLEMENTATIONS[name].step(w, b, X, y, LR) for name in CORE}
        results["my_step"] = mine
        try:
            assert_agree(results, w, b, X, LR, what=f"{n} x {d}, scale {logit_scale}")
        except AssertionError as exc:
            print(f"my_step disagrees at {n} x {d}, logit scale {logit_scale}:")
            print(str(exc)[:600])
            return False
    print(f"my_step agrees with {', '.join(CORE)} on {len(problems)} problems")
    return True


def _cases(func, cases, name):
    """Run ``func`` on ``cases`` (``(args, expected)``); print each that fails."""
    failed = [(args, want, func(*args)) for args, want in cases]
    failed = [(args, want, got) for args, want, got in failed if got != want]
    for args, want, got in failed:
        print(f"{name}{args} returned {got!r}, expected {want!r}")
    if not failed:
        print(f"{name} passes its {len(cases)} checks")
    return not failed


def check_crossover(crossover):
    """``crossover(t0_a, c_a, t0_b, c_b)`` on lines written by hand."""
    cases = [
        ((1.0, 2.0, 3.0, 1.0), 2.0),
        ((1.0, 1.0, 1.0, 1.0), None),
        ((5.0, 1.0, 1.0, 2.0), 4.0),
        ((1.0, 1.0, 2.0, 2.0), None),  # a is cheaper at every m
    ]
    return _cases(crossover, cases, "crossover")


def check_calls_to_repay(calls_to_repay):
    """``calls_to_repay(compile_s, t_slow, t_fast)`` on numbers written by hand."""
    cases = [
        ((1.0, 3e-6, 1e-6), 500_000),
        ((1.0, 1e-6, 1e-6), None),
        ((0.5, 2.0, 1.0), 1),
    ]
    return _cases(calls_to_repay, cases, "calls_to_repay")
