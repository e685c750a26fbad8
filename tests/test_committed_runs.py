"""A real run read back: ``tests/data/run-20x3.json``, made by this project's own
``python -m bench run --size 20x3 --impl numpy numba_simd -- -k "not
test_first_call"`` (each pass in a process of its own, the reference rows, the
re-timing), not built by hand as ``tests/runs.py``'s documents are.

What this module proves
-----------------------
- The report reads the JSON the benchmark writes today: every case with its
  per-pass medians, the reference rows apart, intervals on the ratios.
- ``machine_info.loopbench`` holds the machine and its libraries only; the run's
  own state (threads held, Numba's threading layer, the allocator) is in
  ``loopbench.run_state``, and the report's Run table reads both.
- The answer of such a run says what it can (numba_simd against NumPy) and leaves
  out what it cannot (no Python loop, no peer); ``compare`` of the run against
  itself calls no change.
"""

import json
from pathlib import Path

from bench.__main__ import main as bench_main
from bench.report import model, readme
from bench.report.stats import speedup

RUN = Path(__file__).resolve().parent / "data" / "run-20x3.json"


def test_the_report_reads_a_run_the_benchmark_wrote():
    run = model.load_run(RUN)
    assert run.preset == "size"
    assert set(run.impls) == {"numpy", "numba_simd"}
    assert {"sklearn", "x_sum", "stream_one", "stream_all"} <= set(run.references)
    timing = run.get("numba_simd", "float64", 20, 3)
    assert timing.samples is not None
    assert len(timing.samples) >= 3
    ratio = speedup(run, "numba_simd", "numpy", "float64", 20, 3)
    assert ratio.has_interval
    assert ratio.low <= ratio <= ratio.high


def test_the_machine_and_the_run_state_are_apart():
    data = json.loads(RUN.read_text("utf-8"))
    machine = data["machine_info"]["loopbench"]
    state = data["loopbench"]["run_state"]
    assert {"cpu", "numpy", "numba", "blas", "caches"} <= machine.keys()
    assert not {"numba_threading_layer", "allocator", "blas_threads_setting"} & (
        machine.keys()
    )
    assert all("num_threads" not in lib for lib in machine["blas"])
    rows = dict(model.describe_environment(data))
    assert rows["Numba threading layer"] == state["numba_threading_layer"]
    assert rows["Allocator"].startswith(state["allocator"]["libc"])


def test_the_answer_says_what_the_run_has():
    items = readme.answer(model.load_run(RUN))
    assert len(items) == 2  # numba_simd against NumPy, and why
    assert items[0].startswith(
        "The vectorized compiled loop `numba_simd` beats NumPy in 1 of 1 cells"
    )
    assert items[1].startswith("Why: ")


def test_a_run_against_itself_is_no_change(capsys):
    assert bench_main(["compare", str(RUN), str(RUN), "--fail-slower", "1"]) == 0
    out = capsys.readouterr().out
    cases = [line for line in out.splitlines() if " 20 x 3 float64 " in line]
    assert len(cases) == 6  # the two implementations and the four references
    assert all(line.rstrip().endswith("| ~ |") for line in cases)
