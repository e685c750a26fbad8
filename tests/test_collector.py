"""The collector's state at the start of a case (``bench/collector.py``).

What this module proves
-----------------------
- ``settle`` frees the cycles earlier code left and freezes every object still
  alive, so that the collections a case causes traverse only what it makes; the
  collector stays on.
- After ``settle`` and calls of the Python loop's step (which makes a list per
  row), the oldest generation, which every full collection walks, holds next to
  nothing, where before it held everything the process had made.
- The timing code calls it: every pytest-benchmark case and every pyperf worker's
  timing, and the run's JSON and Run table say so.
"""

import gc
import weakref

import pytest

from bench import collector
from bench.data import make_problem
from bench.report import model


@pytest.fixture(autouse=True)
def _unfrozen():
    yield
    gc.unfreeze()


class _Cycle:
    def __init__(self):
        self.me = self


def test_settle_frees_garbage_and_freezes_the_rest():
    assert gc.isenabled()
    alive = [[i] for i in range(50_000)]
    gc.disable()  # no collection between making the cycles and settle
    try:
        cycles = [weakref.ref(_Cycle()) for _ in range(100)]  # garbage, not freed
        assert all(ref() is not None for ref in cycles)
    finally:
        gc.enable()
    frozen = collector.settle()
    assert all(ref() is None for ref in cycles)  # collected, not frozen
    assert frozen >= len(alive)
    assert gc.get_freeze_count() == frozen
    assert len(gc.get_objects(generation=2)) < 1_000  # what is left to traverse
    assert not any(isinstance(o, _Cycle) for o in gc.get_objects())
    assert gc.isenabled()


def test_after_settle_a_full_collection_has_only_the_case_to_traverse():
    from kernels.python_loop import step

    w, b, X, y = make_problem(100_000, 1)
    held = [{"k": [i]} for i in range(400_000)]  # what other libraries left
    gc.collect()
    # generation 2: what every full collection the step's lists trigger walks
    assert len(gc.get_objects(generation=2)) > len(held)
    collector.settle()
    for _ in range(4):
        step(w, b, X, y, 0.1)
    assert len(gc.get_objects(generation=2)) < 1_000
    del held


def test_the_timing_code_settles_the_collector_first(monkeypatch):
    import bench.pyperf_suite
    import bench.test_step

    calls = []
    monkeypatch.setattr(collector, "settle", lambda: calls.append("settle"))

    class Benchmark:
        def __init__(self):
            self.extra_info = {}

        def __call__(self, func, *args):
            calls.append("benchmark called")
            func(*args)

    bench.test_step.timed(Benchmark(), lambda: None)
    assert calls == ["settle", "benchmark called"]
    calls.clear()
    bench.pyperf_suite.time_step(2, "numpy", 10, 3, "float64")
    assert calls == ["settle"]


def test_the_run_table_says_how_the_collector_was_set():
    settings = {"passes": 5, "gc_disabled_while_timing": False}
    rows = dict(model._timing_settings({**settings, "gc_state": collector.STATE}))
    assert rows["Garbage collector while timing"] == f"enabled; {collector.STATE}"
    assert dict(model._timing_settings(settings))["Garbage collector while timing"] == (
        "enabled"
    )
