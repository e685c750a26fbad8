"""Options shared by the test suite and the benchmarks."""

from pathlib import Path

_TESTS = Path(__file__).parent / "tests"


def pytest_addoption(parser):
    parser.addoption(
        "--preset",
        default=None,
        help="benchmark grid preset (bench/grid.py): quick or full;"
        " default $LOOPBENCH_PRESET, else quick",
    )


def pytest_ignore_collect(collection_path, config):
    # `pytest --benchmark-only` would list every correctness test as skipped
    if config.getoption("benchmark_only", False) and collection_path == _TESTS:
        return True
    return None
