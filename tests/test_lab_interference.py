"""Steal time and preemptions around each case (``bench/interference.py``), kept per
pass (``bench/passes.py``) and shown beside a case one pass sets."""

import re

import numpy as np
import pytest
from runs import pass_entry, run_with_bad_pass

from bench import interference
from bench.passes import merge_passes
from bench.report import model
from bench.report.stats import set_by_one_pass
from lab.disturbed import render_disturbed, with_interference

STAT = "cpu  10 0 5 100 0 0 0 {steal} 0 0\ncpu0 5 0 2 50 0 0 0 0 0 0\n"


def test_steal_is_read_from_the_cpu_line(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_text(STAT.format(steal=250))
    monkeypatch.setattr(interference, "PROC_STAT", str(stat))
    monkeypatch.setattr(interference, "_ticks_per_second", lambda: 100)
    assert interference.steal_seconds() == 2.5
    before = interference.snapshot()
    stat.write_text(STAT.format(steal=253))
    grew = interference.since(before)
    assert grew["steal_s"] == pytest.approx(0.03)
    assert grew["nivcsw"] >= 0


def test_steal_of_one_cpu_is_read_from_its_own_line(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_text(
        STAT.format(steal=250).replace(
            "cpu0 5 0 2 50 0 0 0 0", "cpu0 5 0 2 50 0 0 0 40"
        )
    )
    monkeypatch.setattr(interference, "PROC_STAT", str(stat))
    monkeypatch.setattr(interference, "_ticks_per_second", lambda: 100)
    assert interference.steal_seconds(0) == 0.4
    assert interference.steal_seconds(1) is None  # no such line


def test_without_proc_stat_steal_is_none(tmp_path, monkeypatch):
    monkeypatch.setattr(interference, "PROC_STAT", str(tmp_path / "missing"))
    assert interference.steal_seconds() is None
    assert interference.since(interference.snapshot())["steal_s"] is None


def _entry(pass_no, median, steal):
    return pass_entry(pass_no, [median] * 3, steal_s=steal, nivcsw=2 * pass_no)


def test_the_merged_case_keeps_each_passs_steal():
    (merged,) = merge_passes([_entry(p, 1e-6 * p, 0.01 * p) for p in (2, 1, 3)])
    assert merged["loopbench"]["pass_steal_s"] == [0.01, 0.02, 0.03]
    assert merged["loopbench"]["pass_nivcsw"] == [2, 4, 6]
    assert "steal_s" not in merged["extra_info"]  # one pass's value, not the case's


def test_a_case_one_pass_sets_shows_that_passs_steal():
    doc = run_with_bad_pass(6)
    for entry in doc["benchmarks"]:
        if "loopbench" in entry:
            entry["loopbench"]["pass_steal_s"] = [0.32, 0.0, 0.01, 0.0, 0.0]
    run = model.parse_run(doc, "x.json")
    found = with_interference(run, set_by_one_pass(run)[0])
    assert {c.steal for c in found} == {(0.32, 0.0)}
    text = render_disturbed(run, 2)
    assert "steal: that pass / the others (ms)" in text
    assert "| 320 / 0 |" in re.sub(" +", " ", text)


def test_older_runs_without_steal_show_no_steal_column():
    run = model.parse_run(run_with_bad_pass(6), "x.json")
    assert "steal" not in render_disturbed(run, 2)


def test_system_time_counts_the_kernels_work_in_the_process(tmp_path):
    # the kernel's work in the process's name: fresh pages faulted in and file
    # writes, until the tick-sampled system time has seen some (a few ms)
    before = interference.snapshot()
    for _ in range(200):
        np.ones(16 * 1024 * 1024 // 8).sum()
        (tmp_path / "f").write_bytes(bytes(4 * 1024 * 1024))
        grew = interference.since(before)
        if grew["system_s"]:
            break
    assert grew["system_s"] is not None
    assert grew["system_s"] > 0


def test_the_merged_case_keeps_each_passs_system_time():
    entries = [_entry(p, 1e-6 * p, 0.0) for p in (1, 2, 3)]
    for e in entries:
        e["extra_info"]["system_s"] = 0.001 * e["extra_info"]["pass"]
    (merged,) = merge_passes(entries)
    assert merged["loopbench"]["pass_system_s"] == [0.001, 0.002, 0.003]
    assert "system_s" not in merged["extra_info"]


def test_a_case_one_pass_sets_shows_that_passs_system_time():
    doc = run_with_bad_pass(6)
    for entry in doc["benchmarks"]:
        if "loopbench" in entry:
            entry["loopbench"]["pass_steal_s"] = [0.0] * 5
            system = [0.0461, 0.0002, 0.0004, 0.0002, 0.0001]
            entry["loopbench"]["pass_system_s"] = system
            entry["loopbench"]["pass_nivcsw"] = [31, 1, 1, 0, 2]
    run = model.parse_run(doc, "x.json")
    found = with_interference(run, set_by_one_pass(run)[0])
    assert {c.system for c in found} == {(0.0461, 0.0002)}
    assert {c.switches for c in found} == {(31, 1.0)}
    text = re.sub(" +", " ", render_disturbed(run, 2))
    assert "system time: that pass / the others (ms)" in text
    assert "switched out: that pass / the others" in text
    # the steal column sees nothing of it
    assert "| 0 / 0 | 46.1 / 0.2 | 31 / 1 |" in text


def test_a_system_time_list_that_does_not_match_the_passes_is_dropped():
    doc = run_with_bad_pass(6)
    for entry in doc["benchmarks"]:
        if "loopbench" in entry:
            entry["loopbench"]["pass_system_s"] = [0.01, 0.02]
    run = model.parse_run(doc, "x.json")
    assert all("pass_system_s" not in t.per_pass for t in run.timings.values())
    assert "system time" not in render_disturbed(run, 2)
