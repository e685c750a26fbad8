"""Cases whose interval one pass sets (the benchmark, ``bench.report.stats``),
their re-timing (``bench/retime.py``), and the lab's study of disturbed passes
(``lab/disturbed.py``).

What this module proves
-----------------------
- A case whose passes agree but for one far-off pass is listed, with that pass;
  a case whose passes all scatter, or agree, is not.
- A pass that is such an outlier in many cases at once is named as disturbed.
- ``python -m bench run``'s re-timing selects every pass of exactly those cases
  (the ``-k`` expression), puts the new entries in the JSON in place of the old
  ones, records what it re-timed, and the report says so; a case one pass
  still sets is timed again, up to three rounds, a round that fails keeping
  the rounds before it, and a case a round did not time is not asked for again.
"""

import json

import pytest
from runs import bench_json, run_with_bad_pass, with_passes

from bench import retime
from bench.report import model
from bench.report.stats import one_pass_outlier, set_by_one_pass
from lab.disturbed import disturbed_passes, render_disturbed


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ([1.0, 1.01, 0.99, 1.0, 1.5], (4, 0.5)),
        ([32.0, 1.0, 1.02, 0.98, 1.0], (0, 31.0)),
        ([1.0, 1.3, 0.7, 1.6, 0.5], None),  # all scatter: the machine, not one pass
        ([1.0, 1.01, 0.99, 1.0, 1.02], None),
        ([1.0, 5.0], None),  # too few passes to judge
    ],
)
def test_one_far_off_pass_is_found(samples, expected):
    found = one_pass_outlier(samples)
    if expected is None:
        assert found is None
    else:
        assert found[0] == expected[0]
        assert found[1] == pytest.approx(expected[1], rel=0.02)


def test_a_pass_far_off_in_many_cases_is_disturbed():
    run = model.parse_run(run_with_bad_pass(6), "x.json")
    found, judged = set_by_one_pass(run)
    assert judged == 10
    assert len(found) == 6
    assert {c.pass_no for c in found} == {1}
    assert disturbed_passes(found, judged) == {1: 6}
    text = render_disturbed(run, 2)
    assert "6 of 10 cases have their interval set by one pass" in text
    assert "Disturbed passes: pass 1 (in 6 cases)" in text


def test_the_expression_selects_every_pass_of_the_cases():
    expr = retime.select_expression(
        ["test_step[numba-n10000-d100]", "test_reference[x_sum-n10-d1-float32]"]
    )
    assert expr == (
        "test_step[numba-n10000-d100-pass or test_reference[x_sum-n10-d1-float32-pass"
    )


def _fake_pytest(monkeypatch, answers):
    """Stand in for the re-timing's pytest processes (``time_passes``): its k-th
    call writes ``answers[k]`` (the last one again once they run out) as its
    JSON, or fails with 1 where that answer is None; return the list of the
    pytest arguments and pass counts it was given."""
    calls = []

    def fake_time_passes(pytest_args, passes, json_path, root):
        calls.append((pytest_args, passes))
        answer = answers[min(len(calls), len(answers)) - 1]
        if answer is None:
            return 1
        with open(json_path, "w") as f:
            json.dump(answer, f)
        return 0

    monkeypatch.setattr(retime, "time_passes", fake_time_passes)
    return calls


def test_retiming_replaces_the_cases_and_records_them(tmp_path, monkeypatch):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(run_with_bad_pass(1)))
    fresh = with_passes(bench_json({("numpy", 10, 10): 1e-2}), spread=0.01)
    calls = _fake_pytest(monkeypatch, [fresh])
    assert retime.retime(path, ["--preset=quick"], tmp_path) == 1
    ((args, passes),) = calls
    assert args[args.index("-k") + 1] == "test_step[numpy-n10-d10-pass"
    assert passes == 5  # each of the run's passes, in a process of its own
    data = json.loads(path.read_text())
    (entry,) = [
        b
        for b in data["benchmarks"]
        if b["extra_info"]["n_samples"] == 10 and b["extra_info"]["impl"] == "numpy"
    ]
    assert (
        entry["loopbench"]["pass_medians"]
        == fresh["benchmarks"][0]["loopbench"]["pass_medians"]
    )
    assert data["loopbench"]["retimed"][0]["impl"] == "numpy"
    run = model.load_run(path)
    assert "1 case(s) one pass had set were timed again" in render_disturbed(run, 2)


def test_a_case_that_one_pass_still_sets_is_timed_again_in_another_round(
    tmp_path, monkeypatch
):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(run_with_bad_pass(1)))
    still_bad = with_passes(bench_json({("numpy", 10, 10): 1e-2}), spread=0.01)
    still_bad["benchmarks"][0]["loopbench"]["pass_medians"][4] *= 2
    good = with_passes(bench_json({("numpy", 10, 10): 1e-2}), spread=0.01)
    answers = [still_bad, good]
    calls = _fake_pytest(monkeypatch, answers)
    assert retime.retime(path, ["--preset=quick"], tmp_path) == 2
    assert len(calls) == 2  # the good second round leaves nothing to re-time
    data = json.loads(path.read_text())
    records = data["loopbench"]["retimed"]
    assert [(r["round"], r["pass"]) for r in records] == [(1, 1), (2, 5)]
    run = model.load_run(path)
    assert set_by_one_pass(run)[0] == []
    text = render_disturbed(run, 2)
    assert "1 case(s) one pass had set were timed again" in text
    assert "in up to 2 rounds" in text


def test_rounds_stop_at_the_limit_and_keep_the_last_timings(tmp_path, monkeypatch):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(run_with_bad_pass(1)))
    bad = with_passes(bench_json({("numpy", 10, 10): 1e-2}), spread=0.01)
    bad["benchmarks"][0]["loopbench"]["pass_medians"][2] *= 2
    calls = _fake_pytest(monkeypatch, [bad])
    assert retime.retime(path, ["--preset=quick"], tmp_path, rounds=3) == 3
    assert len(calls) == 3
    run = model.load_run(path)
    (left,) = set_by_one_pass(run)[0]
    assert left.pass_no == 3  # the last round's timings, still set by one pass


def test_a_later_round_that_fails_keeps_the_rounds_before_it(tmp_path, monkeypatch):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(run_with_bad_pass(1)))
    still_bad = with_passes(bench_json({("numpy", 10, 10): 1e-2}), spread=0.01)
    still_bad["benchmarks"][0]["loopbench"]["pass_medians"][4] *= 2
    calls = _fake_pytest(monkeypatch, [still_bad, None])  # round 2 fails
    assert retime.retime(path, ["--preset=quick"], tmp_path) == 1
    assert [a[a.index("-k") + 1] for a, _ in calls] == [
        "test_step[numpy-n10-d10-pass"
    ] * 2
    data = json.loads(path.read_text())
    assert [r["round"] for r in data["loopbench"]["retimed"]] == [1]
    (left,) = set_by_one_pass(model.load_run(path))[0]
    assert left.pass_no == 5  # round 1's timings, kept


def test_a_case_the_rerun_did_not_time_is_not_asked_for_again(tmp_path, monkeypatch):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(run_with_bad_pass(1)))
    # completes, but times no case (all skipped)
    calls = _fake_pytest(monkeypatch, [{"benchmarks": []}])
    assert retime.retime(path, ["--preset=quick"], tmp_path) == 0
    assert len(calls) == 1
