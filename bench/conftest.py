"""pytest-benchmark plumbing: the grid, its passes, thread settings, and what the
JSON records."""

import os
from pathlib import Path

import pytest

from bench import allocator, collector
from bench.environment import describe_machine, describe_run, limit_blas_threads
from bench.grid import (
    MIN_ROUND_TIME,
    WARMUP_ITERATIONS,
    Case,
    cases,
    custom_preset,
    get_preset,
    parse_size,
)
from bench.passes import SAMPLE_PER_PASS, merge_passes, order_key
from bench.references import REFERENCES, wanted
from kernels import IMPLEMENTATIONS

_limiter = None


def pytest_configure(config):
    only = config.getoption("pass_only")
    if only is not None and only > _passes(config):
        raise pytest.UsageError(
            f"--pass-only {only} is beyond the run's --passes {_passes(config)}"
        )
    # Held for the whole session, so that the machine info written at its end
    # still sees the thread count the benchmarks ran with.
    global _limiter
    _limiter = limit_blas_threads()
    allocator.apply()  # the state must not move with the order of the cases


def pytest_unconfigure(config):
    if _limiter is not None:
        _limiter.restore_original_limits()


def _preset(config):
    sizes = config.getoption("sizes")
    dtypes, impls = (
        value.split(",") if (value := config.getoption(o)) else None
        for o in ("dtypes", "impls")
    )
    if sizes:
        return custom_preset([parse_size(s) for s in sizes.split(",")], dtypes, impls)
    return get_preset(config.getoption("preset"), impls)


def _passes(config):
    return config.getoption("passes") or 1


def _this_pass(config, cases_):
    """The cases of the pass ``--pass-only`` names (all of them without it)."""
    only = config.getoption("pass_only")
    return [c for c in cases_ if only is None or (c.pass_no or 1) == only]


def pytest_generate_tests(metafunc):
    preset, passes = _preset(metafunc.config), _passes(metafunc.config)
    if "case" in metafunc.fixturenames:
        all_cases = _this_pass(metafunc.config, cases(preset, passes=passes))
        metafunc.parametrize("case", all_cases, ids=[c.id for c in all_cases])
    if "ref_case" in metafunc.fixturenames:
        refs = cases(preset, impls=preset.reference_names(REFERENCES), passes=passes)
        refs = [
            c for c in _this_pass(metafunc.config, refs) if wanted(c.impl, c.n, c.d)
        ]
        metafunc.parametrize("ref_case", refs, ids=[c.id for c in refs])
    if "compiled_impl" in metafunc.fixturenames:
        compiled = [
            i
            for i in preset.implementations()
            if i in IMPLEMENTATIONS and IMPLEMENTATIONS[i].compiles
        ]
        metafunc.parametrize("compiled_impl", compiled)
    if "device_case" in metafunc.fixturenames:
        rows = cases(
            preset, impls=preset.device_rows, on_gpu=preset.device_rows, passes=passes
        )
        rows = _this_pass(metafunc.config, rows)
        metafunc.parametrize("device_case", rows, ids=[c.id for c in rows])


def pytest_ignore_collect(collection_path, config):
    # The GPU rows exist only in presets that ask for them: the CPU presets must not
    # list them, not even as skipped, so that their results are the same anywhere.
    if Path(collection_path).name == "test_gpu.py":
        return not _preset(config).device_rows
    return None


def pytest_collection_modifyitems(config, items):
    # One pass over the whole grid after the other; within a pass the cases of a
    # group (implementations and reference rows) one after the other.
    preset = _preset(config)
    grid = ((dtype, n, d) for dtype in preset.dtypes for n, d in preset.sizes())
    groups = {group: i for i, group in enumerate(grid)}
    positions = {name: i for i, name in enumerate([*IMPLEMENTATIONS, *REFERENCES])}

    def key(item):
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        # the benchmark grid's cases only: tests elsewhere have "case" params too
        case = next((v for v in params.values() if isinstance(v, Case)), None)
        if case is None:
            return (0,)
        return (1, *order_key(case, groups, positions))

    items[:] = sorted(items, key=key)
    # the tests outside the grid (the first calls) run once, in pass 1's process
    if (config.getoption("pass_only") or 1) > 1:
        once = [item for item in items if key(item) == (0,)]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if item not in once]


def pytest_benchmark_update_machine_info(config, machine_info):
    # the machine and its libraries only: equal for two runs on one machine and
    # venv, as pytest-benchmark's --benchmark-compare expects; the run's own state
    # goes to the JSON's "loopbench" section below
    machine_info["loopbench"] = describe_machine()


def pytest_benchmark_update_json(config, benchmarks, output_json):
    from bench.run import uncommitted_changes  # here: bench.run loads the report

    passes = _passes(config)
    output_json["loopbench"] = {
        "preset": _preset(config).name,
        "passes": passes,
        "max_time_per_pass": float(config.getoption("benchmark_max_time")),
        "order": "passes outermost; a group's cases together, reversed every"
        " second pass",
        "rounds_sample_per_pass": SAMPLE_PER_PASS,
        "gc_disabled_while_timing": bool(config.getoption("benchmark_disable_gc")),
        "gc_state": collector.STATE,
        # what git's dirty flag above does not tell apart: code, or results only
        "code_changes": uncommitted_changes(),
        "cpu_affinity": sorted(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else None,
        "warmup_iterations": WARMUP_ITERATIONS,
        "min_round_time": MIN_ROUND_TIME,
        # threads held, Numba's threading layer, the allocator state: this run's
        "run_state": describe_run(),
    }
    only = config.getoption("pass_only")
    if only is not None:
        # one pass of a run whose passes are timed in processes of their own: its
        # raw rounds stay, for bench/processes.py to merge with the others'
        output_json["loopbench"]["pass_only"] = only
        return
    # The raw per-round times (stats["data"]) would make the JSON hundreds of MB:
    # each case keeps pytest-benchmark's statistics of all its rounds, its
    # per-pass medians and a small sample of rounds (bench/passes.py).
    output_json["benchmarks"] = merge_passes(output_json["benchmarks"])


@pytest.fixture
def preset(request):
    return _preset(request.config)
