"""Options shared by the test suite and the benchmarks."""

import argparse


def _passes(text):
    """``--passes``: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text}")
    return value


def pytest_addoption(parser):
    parser.addoption(
        "--preset",
        default=None,
        help="benchmark grid preset (bench/grid.py): quick, full or gpu;"
        " default $LOOPBENCH_PRESET, else quick",
    )
    parser.addoption(
        "--sizes",
        default=None,
        help="time exactly these sizes instead of a preset's grid, as NxD,NxD"
        " (python -m bench run --size)",
    )
    parser.addoption(
        "--dtypes",
        default=None,
        help="with --sizes: float64,float32 (default float64)",
    )
    parser.addoption(
        "--impls",
        default=None,
        help="the implementations to time, of --sizes or of the preset's grid"
        " (default: all on the CPU)",
    )
    parser.addoption(
        "--passes",
        type=_passes,
        default=None,
        help="time the benchmark grid this many times, passes outermost, each"
        " case with --benchmark-max-time per pass (python -m bench run: the"
        " preset's passes); default 1",
    )
    parser.addoption(
        "--pass-only",
        type=_passes,
        default=None,
        help="time only this pass of --passes, and keep its raw rounds in the JSON"
        " (python -m bench run times each pass in a pytest process of its own:"
        " bench/processes.py)",
    )


def pytest_collection_modifyitems(config, items):
    # `pytest --benchmark-only` would list every correctness test as skipped;
    # deselect them instead, so that the output shows the benchmarks only.
    if not config.getoption("benchmark_only", False):
        return
    timed = [item for item in items if "benchmark" in getattr(item, "fixturenames", ())]
    if len(timed) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in timed])
        items[:] = timed
