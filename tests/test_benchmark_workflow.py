"""pytest-benchmark's and pyperf's own workflows, run on the suite as a user would.

pytest-benchmark's regression workflow: ``--benchmark-autosave`` on the base,
``--benchmark-compare`` and ``--benchmark-compare-fail`` on the change, the
``pytest-benchmark list|compare`` command line on the saved runs, and
``--benchmark-histogram`` (the ``histogram`` extra, pygal). It needs two runs on one
machine and venv to record the same ``machine_info``: pytest-benchmark warns
otherwise, and the project's ``filterwarnings = ["error"]`` turns that warning into
an INTERNALERROR. So ``machine_info`` holds the machine and its libraries only
(``bench.environment.describe_machine``), and what a run did to its process (the
threading layer ``numba_parallel`` starts, the threads held, the allocator state)
goes to the JSON's ``loopbench.run_state`` (``describe_run``).

Each pytest session here is a subprocess timing a tiny selection (20 x 3, a few
implementations, 0.05 s a case); the slowest part is importing Numba.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = "n20-d3 and (numpy or numba_simd)"
# numba_parallel starts Numba's threading layer: the run's state, not the machine's
WITH_THREADS = "n20-d3 and (numpy or numba_simd or numba_parallel)"
# The gate: a median 11 times the base's fails it. The unchanged code must pass it
# on a machine busy with other tests (make test runs two workers: a median moved
# 3x there), and the planted regression, 100 times, must fail it.
GATE = "1000%"
PLANTED = 100


def bench_session(storage, select, *args):
    """One ``pytest --benchmark-only`` session on ``bench/test_step.py`` with
    ``storage`` as pytest-benchmark's storage; its CompletedProcess."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "bench/test_step.py",
            "--benchmark-only",
            "--benchmark-max-time=0.05",
            f"--benchmark-storage=file://{storage}",
            "-p",
            "no:cacheprovider",
            "-q",
            "-k",
            select,
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )


def cli(*args, cwd):
    """pytest-benchmark's own command line, ``pytest-benchmark ...``, the script
    installed beside this Python."""
    return subprocess.run(
        [Path(sys.executable).with_name("pytest-benchmark"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def saved(storage):
    """The runs ``--benchmark-autosave`` wrote, oldest first."""
    return sorted(storage.glob("*/*.json"))


def plant_regression(path, factor):
    """A copy of the saved run at ``path`` whose every time is ``factor`` times
    smaller, saved as the next run: against it, the same code has slowed by
    ``factor``."""
    data = json.loads(path.read_text())
    for bench in data["benchmarks"]:
        stats = bench["stats"]
        for key in ("min", "max", "mean", "stddev", "median", "iqr", "q1", "q3"):
            stats[key] /= factor
        for key in ("ld15iqr", "hd15iqr"):
            if key in stats:
                stats[key] /= factor
        stats["ops"] *= factor
    out = path.with_name("0002_planted.json")
    out.write_text(json.dumps(data))
    return out


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    """A base run saved (without numba_parallel), then a run compared with it (with
    numba_parallel, a histogram and a JSON of its own), then a regression planted
    in a copy of the base and a run compared with that."""
    tmp = tmp_path_factory.mktemp("workflow")
    storage = tmp / "storage"
    base = bench_session(storage, BASE, "--benchmark-autosave")
    assert base.returncode == 0, base.stdout + base.stderr
    (first,) = saved(storage)
    change = bench_session(
        storage,
        WITH_THREADS,
        "--benchmark-compare",
        f"--benchmark-compare-fail=median:{GATE}",
        f"--benchmark-histogram={tmp / 'hist' / 'change'}",
        f"--benchmark-json={tmp / 'change.json'}",
    )
    planted = plant_regression(first, factor=PLANTED)
    regressed = bench_session(
        storage,
        BASE,
        f"--benchmark-compare={planted.name[:4]}",
        f"--benchmark-compare-fail=median:{GATE}",
    )
    return {
        "tmp": tmp,
        "storage": storage,
        "first": first,
        "change": change,
        "regressed": regressed,
    }


def test_two_sessions_record_the_same_machine_info(workflow):
    base = json.loads(workflow["first"].read_text())
    change = json.loads((workflow["tmp"] / "change.json").read_text())
    assert base["machine_info"] == change["machine_info"]
    # the run's own state is recorded beside it, in the JSON's loopbench section
    for run in (base, change):
        assert "numba_threading_layer" not in run["machine_info"]["loopbench"]
        assert run["loopbench"]["run_state"]["numba_threading_layer"]
    assert change["loopbench"]["run_state"]["allocator"]["state"] == "fixed"


def test_compare_with_a_saved_run_passes_without_a_regression(workflow):
    change = workflow["change"]
    out = change.stdout + change.stderr
    assert change.returncode == 0, out
    assert "machine_info is different" not in out
    assert "INTERNALERROR" not in out
    assert "0001" in out  # the saved run in the comparison table
    assert "Performance has regressed" not in out


def test_compare_fail_fails_on_a_planted_regression(workflow):
    regressed = workflow["regressed"]
    out = regressed.stdout + regressed.stderr
    assert regressed.returncode != 0, out
    assert "Performance has regressed" in out
    assert "median" in out
    assert "INTERNALERROR" not in out


def test_histogram_of_the_run(workflow):
    svgs = sorted((workflow["tmp"] / "hist").glob("change*.svg"))
    assert svgs, "no histogram written"
    text = svgs[0].read_text()
    assert text.lstrip().startswith("<?xml")
    assert "numba_simd" in text  # a box of each implementation timed


def test_pytest_benchmark_list_and_compare_on_the_saved_runs(workflow):
    tmp, storage = workflow["tmp"], workflow["storage"]
    listed = cli("--storage", f"file://{storage}", "list", cwd=tmp)
    assert listed.returncode == 0, listed.stderr
    assert workflow["first"].name in listed.stdout
    assert "0002_planted" in listed.stdout
    compared = cli(
        "--storage",
        f"file://{storage}",
        "compare",
        "0001",
        "0002",
        "--group-by=name",
        f"--histogram={tmp / 'cli'}",
        f"--csv={tmp / 'cli.csv'}",
        cwd=tmp,
    )
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "test_step[numpy-n20-d3]" in compared.stdout
    assert list(tmp.glob("cli*.svg"))
    rows = (tmp / "cli.csv").read_text().splitlines()
    assert len(rows) > 2
    assert rows[0].startswith("name,")


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "results/pyperf/numpy.json"),
        ("hist", "results/pyperf/numba.json"),
        (
            "compare_to",
            "results/pyperf/numpy.json",
            "results/pyperf/numba.json",
            "--table",
        ),
    ],
    ids=lambda args: args[0],
)
def test_pyperf_cli_reads_the_committed_pyperf_files(args):
    done = subprocess.run(
        [sys.executable, "-m", "pyperf", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "step[" in done.stdout or "n=" in done.stdout or "Mean" in done.stdout


def test_the_report_reads_the_run_state_beside_the_machine(workflow):
    from bench.report.model import describe_environment

    change = json.loads((workflow["tmp"] / "change.json").read_text())
    rows = dict(describe_environment(change))
    state = change["loopbench"]["run_state"]
    assert rows["Numba threading layer"] == state["numba_threading_layer"]
    assert rows["BLAS threads requested"] == str(state["blas_threads_setting"])
    assert rows["BLAS"].endswith("1 thread")  # the threads held, from the run
    assert rows["Allocator"].startswith(state["allocator"]["libc"])
    assert rows["CPU"].startswith(change["machine_info"]["loopbench"]["cpu"])
