"""Intervals and verdicts (``bench/report/stats.py``) and the per-pass summary
of a run (``bench/passes.py``), on synthetic samples whose answer is known.

What this module proves
-----------------------
- Two samples from one distribution are a tie, in (nearly) every seeded draw; a
  20 % shift is called, on the right side, in every draw; a 3 % shift that the
  interval excludes is still a tie (the minimum effect).
- The interval contains the ratio of the medians it bounds, and the same samples
  give the same interval, float for float.
- Without per-pass medians (or with too few) there is no interval, and the verdict
  is the medians' order, as in runs made before stats.
- ``merge_passes`` makes one entry per case from one entry per pass: per-pass
  medians, rounds, a bounded sample of rounds, pytest-benchmark's statistics of
  all rounds, and entries without a pass left as they were.
"""

import numpy as np
import pytest

from bench.passes import merge_passes
from bench.report import stats
from bench.report.model import Timing


def timing(samples, median=None):
    samples = None if samples is None else tuple(float(s) for s in samples)
    if median is None:
        median = float(np.median(samples))
    return Timing("numba", False, 10, 1, "float64", 8, median, samples=samples)


def draws(rng, scale, passes=5, noise=0.03):
    """Per-pass medians of one case: ``scale`` with log-normal noise."""
    return scale * np.exp(rng.normal(0.0, noise, passes))


def test_one_distribution_is_a_tie():
    rng = np.random.default_rng(1)
    ties = 0
    for _ in range(40):
        r = stats.ratio([timing(draws(rng, 1e-5))], [timing(draws(rng, 1e-5))])
        assert r.has_interval
        ties += r.sign == 0
    assert ties >= 38  # a 95 % interval and a minimum effect: (almost) never called


@pytest.mark.parametrize(("shift", "sign"), [(1.2, 1), (1 / 1.2, -1)])
def test_a_20_percent_shift_is_called(shift, sign):
    rng = np.random.default_rng(2)
    for _ in range(20):
        r = stats.ratio([timing(draws(rng, 1e-5 * shift))], [timing(draws(rng, 1e-5))])
        assert r.sign == sign
        assert r.low <= r <= r.high
        assert (r.low > 1) if sign > 0 else (r.high < 1)


def test_a_small_shift_below_the_minimum_effect_is_a_tie():
    base = timing([1.00, 1.001, 0.999, 1.0005, 0.9995])
    new = timing([1.03, 1.031, 1.029, 1.0305, 1.0295])
    r = stats.ratio([new], [base])
    assert r.low > 1  # the interval excludes 1 ...
    assert r.sign == 0  # ... but 3 % is less than the 5 % minimum effect
    bigger = timing([1.07, 1.071, 1.069, 1.0705, 1.0695])
    assert stats.ratio([bigger], [base]).sign == 1


def test_same_samples_same_interval():
    rng = np.random.default_rng(3)
    a, b = timing(draws(rng, 2e-6)), timing(draws(rng, 3e-6))
    first = stats.ratio([a], [b])
    stats._interval.cache_clear()
    second = stats.ratio([a], [b])
    assert (first.low, first.high) == (second.low, second.high)


def test_products_of_medians():
    # (speedup in one run) / (speedup in another): four cases, two on each side
    t = [timing([v * f for f in (0.99, 1.0, 1.01)]) for v in (10.0, 2.0, 1.0, 4.0)]
    r = stats.ratio([t[0], t[2]], [t[1], t[3]])
    assert r == pytest.approx(10 * 1 / (2 * 4))
    assert r.low < r < r.high


def test_constant_samples():
    r = stats.ratio([timing([2.0] * 5)], [timing([1.0] * 5)])
    assert (float(r), r.low, r.high, r.sign) == (2.0, 2.0, 2.0, 1)
    same = stats.ratio([timing([1.0] * 5)], [timing([1.0] * 5)])
    assert same.sign == 0


@pytest.mark.parametrize("samples", [None, [1.0, 1.1]])
def test_no_interval_without_enough_passes(samples):
    r = stats.ratio([timing(samples, 2.0)], [timing([1.0] * 5)])
    assert not r.has_interval
    assert (float(r), r.sign) == (2.0, 1)
    assert stats.fmt_ratio(r) == "2.00"
    assert stats.verdict_word(r) == ""
    assert stats.ratio([timing(samples, 1.0)], [timing(samples, 1.0)]).sign == -1


def test_formats():
    called = stats.Ratio(11.6, 11.21, 12.04)
    tie = stats.Ratio(1.02, 0.97, 1.08)
    assert stats.fmt_ratio(called) == "11.6 [11.2, 12.0]"
    assert stats.fmt_ratio(tie, "x") == "~1.02x [0.970, 1.08]"
    assert [stats.verdict_word(r) for r in (called, tie)] == ["faster", "tie"]


# ----------------------------------------------------------------------- passes


def entry(impl, pass_no, data, fullname="bench/test_step.py::test_step"):
    case = f"{impl}-n10-d1-pass{pass_no}"
    return {
        "group": "n=10 d=1 float64",
        "name": f"test_step[{case}]",
        "fullname": f"{fullname}[{case}]",
        "param": case,
        "params": {"case": case},
        "extra_info": {
            "impl": impl,
            "n_samples": 10,
            "n_features": 1,
            "dtype": "float64",
            "pass": pass_no,
        },
        "stats": {"median": float(np.median(data)), "data": list(data)},
    }


def test_merge_passes():
    rng = np.random.default_rng(0)
    rounds = {p: list(1e-6 + 1e-8 * rng.random(100 * p)) for p in (1, 2, 3)}
    compile_entry = {"name": "test_compile", "extra_info": {}, "stats": {"data": [1]}}
    benchmarks = [compile_entry]
    for p in (3, 1, 2):  # in any order
        benchmarks += [entry("numba", p, rounds[p]), entry("numpy", p, [2e-6] * 3)]
    benchmarks[3]["extra_info"]["alloc_bytes"] = 160  # numba, pass 1
    merged = merge_passes(benchmarks, sample_per_pass=16)
    assert [b["name"] for b in merged] == [
        "test_compile",
        "test_step[numba-n10-d1]",
        "test_step[numpy-n10-d1]",
    ]
    assert "data" not in merged[0]["stats"]
    numba = merged[1]
    kept = numba["loopbench"]
    assert kept["pass_rounds"] == [100, 200, 300]
    assert kept["pass_medians"] == pytest.approx(
        [np.median(rounds[p]) for p in (1, 2, 3)], rel=1e-5
    )
    assert [len(s) for s in kept["rounds_sample"]] == [16, 16, 16]
    for p, sample in zip((1, 2, 3), kept["rounds_sample"], strict=True):
        # rounds of that pass, to the 6 significant digits kept
        nearest = np.abs(np.subtract.outer(sample, rounds[p])).min(axis=1)
        assert np.all(nearest <= 1e-5 * np.asarray(sample))
    pooled = [x for p in (1, 2, 3) for x in rounds[p]]
    assert numba["stats"]["rounds"] == 600
    assert numba["stats"]["median"] == pytest.approx(np.median(pooled))
    assert "data" not in numba["stats"]
    assert "pass" not in numba["extra_info"]
    assert numba["extra_info"]["passes"] == 3
    assert numba["extra_info"]["alloc_bytes"] == 160
    assert numba["fullname"] == "bench/test_step.py::test_step[numba-n10-d1]"
    assert numba["param"] == "numba-n10-d1"
    assert merged[2]["loopbench"]["rounds_sample"] == [[2e-6] * 3] * 3
