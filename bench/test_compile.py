"""Numba's compile time, measured on its own and kept out of the step timings.

For every implementation whose core is a Numba dispatcher, each round builds a fresh
dispatcher of that core and times its first call, which is what a new process pays:

- ``cold``: ``cache=False``, so the call type-infers, optimizes and generates machine
  code from scratch;
- ``cached``: ``cache=True`` on a cache that is already on disk, so the call only
  loads and links the stored machine code.

The step timings never include either: ``test_step`` calls each implementation once
before the clock starts.
"""

import pytest
from numba import njit
from numba.core.dispatcher import Dispatcher

from bench.grid import LEARNING_RATE, problem
from kernels import IMPLEMENTATIONS

N_SAMPLES, N_FEATURES = 20, 3
COMPILED = [
    name
    for name, impl in IMPLEMENTATIONS.items()
    if isinstance(getattr(impl.module, "_step", None), Dispatcher)
]


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "cached"])
@pytest.mark.parametrize("impl", COMPILED)
def test_numba_first_call(benchmark, impl, cache):
    core = IMPLEMENTATIONS[impl].module._step
    options = {k: v for k, v in core.targetoptions.items() if k != "nopython"}
    w, b, X, y = problem(N_SAMPLES, N_FEATURES, "float64")
    if cache:  # make sure the on-disk cache holds this signature
        njit(cache=True, **options)(core.py_func)(w, b, X, y, LEARNING_RATE)

    def fresh_dispatcher():
        dispatcher = njit(cache=cache, **options)(core.py_func)
        return (dispatcher, w, b, X, y, LEARNING_RATE), {}

    def first_call(dispatcher, *args):
        return dispatcher(*args)

    benchmark.group = "numba first call (compile or cache load)"
    benchmark.extra_info.update(
        impl=impl, cache=cache, n_samples=N_SAMPLES, n_features=N_FEATURES
    )
    benchmark.pedantic(first_call, setup=fresh_dispatcher, rounds=3, iterations=1)
