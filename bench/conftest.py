"""pytest-benchmark plumbing: the grid, thread settings, and what the JSON records."""

from pathlib import Path

import pytest

from bench.environment import describe, limit_blas_threads
from bench.grid import cases, get_preset
from bench.references import REFERENCES

_limiter = None


def pytest_configure(config):
    # Held for the whole session, so that the machine info written at its end
    # still sees the thread count the benchmarks ran with.
    global _limiter
    _limiter = limit_blas_threads()


def pytest_unconfigure(config):
    if _limiter is not None:
        _limiter.restore_original_limits()


def _preset(config):
    return get_preset(config.getoption("preset"))


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        all_cases = cases(_preset(metafunc.config))
        metafunc.parametrize("case", all_cases, ids=[c.id for c in all_cases])
    if "ref_case" in metafunc.fixturenames:
        preset = _preset(metafunc.config)
        refs = cases(preset, impls=preset.reference_names(REFERENCES))
        metafunc.parametrize("ref_case", refs, ids=[c.id for c in refs])
    if "device_case" in metafunc.fixturenames:
        preset = _preset(metafunc.config)
        rows = cases(preset, impls=preset.device_rows, on_gpu=preset.device_rows)
        metafunc.parametrize("device_case", rows, ids=[c.id for c in rows])


def pytest_ignore_collect(collection_path, config):
    # The GPU rows exist only in presets that ask for them: the CPU presets must not
    # list them, not even as skipped, so that their results are the same anywhere.
    if Path(collection_path).name == "test_gpu.py":
        return not _preset(config).device_rows
    return None


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["loopbench"] = describe()


def pytest_benchmark_update_json(config, benchmarks, output_json):
    output_json["loopbench"] = {"preset": _preset(config).name}
    # The raw per-round times (stats["data"]) would make the JSON hundreds of MB;
    # the summary statistics pytest-benchmark computed from them stay.
    for bench in output_json["benchmarks"]:
        bench["stats"].pop("data", None)


@pytest.fixture
def preset(request):
    return _preset(request.config)
