"""The lab's harness check: pyperf against pytest-benchmark, case by case
(``lab/harness_check.py``); and the benchmark's allocation-cost table
(``bench/report/document.py``).

What this module proves
-----------------------
- Every case both harnesses timed gets the ratio of their medians; those more than
  10 % apart are listed, the others counted as agreeing.
- A speedup pair whose faster member the two harnesses disagree on is named as a
  reversed verdict; none is named where they agree, or where either calls a tie
  (within 5 %, or an interval that includes 1).
- The allocation-cost table says when a ratio lies below 0.9 (the machine's speed
  moved between the two pyperf runs), and says nothing when none does.
"""

import pytest
from runs import bench_json, with_passes

from bench.report import model
from bench.report.document import DEFAULT_MALLOC, render_allocation_cost
from bench.report.stats import speedup
from lab.harness_check import (
    _shown,
    harness_ratios,
    render_harnesses,
    reversed_verdicts,
)


@pytest.fixture
def run():
    times = {("numpy", 1000, 10): 100e-6, ("numba", 1000, 10): 80e-6}
    times |= {("numpy", 10, 1): 10e-6, ("numba", 10, 1): 2e-6}
    return model.parse_run(bench_json(times), "bench.json")


def test_ratios_and_a_reversed_verdict(run):
    medians = {
        ("numpy", "float64", 1000, 10): 70e-6,  # 0.7x: pyperf finds numpy faster
        ("numba", "float64", 1000, 10): 82e-6,
        ("numpy", "float64", 10, 1): 10.5e-6,
        ("numba", "float64", 10, 1): 2e-6,
    }
    ratios = harness_ratios(run, medians)
    assert ratios[("numpy", "float64", 1000, 10)] == pytest.approx(0.7)
    assert reversed_verdicts(run, medians) == [("numba", "numpy", "float64", 1000, 10)]
    text = render_harnesses(run, medians, 2)
    assert "4 cases in common, 3 (75 %) within 10 %" in text
    assert "numba vs numpy at 1,000 x 10 float64" in text
    assert "| float64 | numpy          | 1,000 x 10 |          0.700x |" in text


def test_agreeing_harnesses_reverse_nothing(run):
    medians = {
        (i, "float64", n, d): run.median(i, "float64", n, d) * 1.02
        for i, n, d in (("numpy", 1000, 10), ("numba", 1000, 10))
    }
    assert reversed_verdicts(run, medians) == []
    text = render_harnesses(run, medians, 2)
    assert "Verdicts reversed between the two harnesses (a winner called" in text
    assert "interval excluding 1): none." in text
    assert render_harnesses(run, {}, 2) == ""


def test_a_second_run_gets_its_own_heading_and_file_name(run):
    medians = {("numpy", "float64", 10, 1): 10e-6, ("numba", "float64", 10, 1): 2e-6}
    text = render_harnesses(
        run, medians, 2, "pyperf against the quick grid", "results/quick/bench.json"
    )
    assert text.startswith("## pyperf against the quick grid\n")
    assert "median of the same case in `results/quick/bench.json`" in text
    assert "2 cases in common, 2 (100 %) within 10 %" in text


def test_a_harness_run_is_named_relative_to_the_repository():
    from bench.run import ROOT

    assert str(_shown(ROOT / "results" / "grid.json")) == "results/grid.json"
    assert str(_shown("/elsewhere/grid.json")) == "/elsewhere/grid.json"


def test_allocation_cost_flags_ratios_the_allocator_cannot_explain():
    fixed = {("numpy", "float64", 100, 1): 20e-6, ("numpy", "float64", 1000, 1): 40e-6}
    default = {("numpy" + DEFAULT_MALLOC, *k[1:]): t * 1.5 for k, t in fixed.items()}
    text = render_allocation_cost(fixed | default, 2)
    assert "| float64 | 100 x 1   | 1.50x |" in text
    assert "below 0.9" not in text
    default[("numpy" + DEFAULT_MALLOC, "float64", 100, 1)] = 20e-6 * 0.7
    text = render_allocation_cost(fixed | default, 2)
    assert "1 of 2 ratios here are below 0.9 (down to 0.700x)" in text
    assert render_allocation_cost(fixed, 2) == ""


def test_a_tie_in_either_harness_is_no_verdict_to_reverse(run):
    # pyperf puts numpy 1 % ahead of numba at 1,000 x 10, pytest-benchmark
    # numba 25 % ahead: pyperf's order is a tie, not a verdict
    medians = {
        ("numpy", "float64", 1000, 10): 79e-6,
        ("numba", "float64", 1000, 10): 80e-6,
    }
    assert reversed_verdicts(run, medians) == []
    # and the other way round: pytest-benchmark 1.25x, its interval a tie
    tied = model.parse_run(
        with_passes(
            bench_json({("numpy", 1000, 10): 100e-6, ("numba", 1000, 10): 80e-6}),
            spread=0.6,
        ),
        "bench.json",
    )
    ours = speedup(tied, "numba", "numpy", "float64", 1000, 10)
    assert ours.has_interval
    assert ours.sign == 0
    medians = {
        ("numpy", "float64", 1000, 10): 80e-6,
        ("numba", "float64", 1000, 10): 100e-6,
    }
    assert reversed_verdicts(tied, medians) == []
    # the same pyperf medians against a called verdict: reversed
    assert reversed_verdicts(run, medians) == [("numba", "numpy", "float64", 1000, 10)]
