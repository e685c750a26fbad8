"""The gap probe (``lab/gaps.py``): a clock-reading thread's gaps, counted right,
pinned where asked, and tabled."""

import os
import re

import pytest

from lab import gaps
from lab.__main__ import main as lab_main


def fake_clock(steps_ns):
    """A clock that advances by each of ``steps_ns`` in turn, then by 100 ns."""
    now, steps = [0], iter(steps_ns)

    def clock():
        now[0] += next(steps, 100)
        return now[0]

    return clock


def test_spin_keeps_exactly_the_steps_over_the_threshold():
    steps = [0, 100, gaps.GAP_NS, gaps.GAP_NS + 1, 100, 2_000_000, 100, 20_000]
    span, found = gaps.spin(0.01, fake_clock(steps))
    assert found == [gaps.GAP_NS + 1, 2_000_000, 20_000]  # 5,000 itself is no gap
    assert 10_000_000 <= span < 10_000_200  # it ran the 10 ms of the fake clock


def test_probe_sorts_short_and_long_gaps_and_the_share_lost():
    clock = fake_clock([0, 20_000, 100, 4_500_000, 100, 30_000])
    g = gaps.probe(None, 0.01, clock)
    assert g.short == pytest.approx((20e-6, 30e-6))
    assert g.long == pytest.approx((4.5e-3,))
    assert g.lost == pytest.approx((20e-6 + 30e-6 + 4.5e-3) / g.span_s)
    assert g.slice_s == 0.01


CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


@pytest.mark.skipif(len(CPUS) < 2, reason="needs two CPUs to tell pinned from not")
def test_probe_pins_to_the_cpu_and_restores_the_affinity():
    before = os.sched_getaffinity(0)
    cpu = CPUS[-1]
    seen = []

    def clock(real=gaps.time.perf_counter_ns):
        seen.append(os.sched_getaffinity(0))
        return real()

    g = gaps.probe(cpu, 0.002, clock)
    assert g.cpu == cpu
    assert seen
    assert all(s == {cpu} for s in seen)
    assert os.sched_getaffinity(0) == before


@pytest.mark.skipif(len(CPUS) < 2, reason="needs two CPUs to tell pinned from not")
def test_the_affinity_is_restored_when_the_probe_fails():
    before = os.sched_getaffinity(0)

    def broken_clock():
        raise RuntimeError("clock stopped")

    with pytest.raises(RuntimeError, match="clock stopped"):
        gaps.probe(CPUS[-1], 0.002, broken_clock)
    assert os.sched_getaffinity(0) == before


@pytest.mark.skipif(not CPUS, reason="Linux only")
def test_a_cpu_the_process_may_not_use_is_refused_by_name():
    with pytest.raises(ValueError, match="cpu must be one this process may run on"):
        gaps.probe(max(CPUS) + 1000, 0.01)


def test_probe_all_takes_each_cpu_in_turn_slice_by_slice(monkeypatch):
    calls = []

    def fake_probe(cpu, seconds, clock):
        calls.append((cpu, seconds))
        return gaps.Gaps(cpu, seconds, (1e-5,), (), 0.0, 0.0, 1, seconds)

    monkeypatch.setattr(gaps, "cpus", lambda: [0, 1])
    monkeypatch.setattr(gaps, "probe", fake_probe)
    merged = gaps.probe_all(1.2, 0.4)
    assert [cpu for cpu, _ in calls] == [0, 1, 0, 1, 0, 1]
    assert all(s == pytest.approx(0.4) for _, s in calls)
    assert [g.cpu for g in merged] == [0, 1]
    assert merged[0].span_s == pytest.approx(1.2)
    assert merged[0].short == (1e-5,) * 3
    assert merged[0].switches == 3


@pytest.mark.parametrize(
    ("seconds", "slice_s", "name"),
    [(0.0, 0.5, "seconds"), (float("inf"), 0.5, "seconds"), (1.0, 0.0, "slice_s")],
)
def test_probe_all_refuses_a_bad_duration_by_name(seconds, slice_s, name):
    with pytest.raises(ValueError, match=f"^{name} must be a finite number"):
        gaps.probe_all(seconds, slice_s)


def test_merged_adds_the_slices_and_keeps_the_gaps_in_order():
    a = gaps.Gaps(1, 0.5, (1e-5,), (4e-3,), 0.0, 0.004, 1, 0.5)
    b = gaps.Gaps(1, 0.5, (2e-5,), (5e-3,), None, 0.001, 2, 0.5)
    m = gaps.merged([a, b])
    assert m.span_s == 1.0
    assert m.short == (1e-5, 2e-5)
    assert m.long == (4e-3, 5e-3)
    assert m.steal_s is None  # one slice could not read it
    assert m.system_s == pytest.approx(0.005)
    assert m.switches == 3


def test_the_page_gives_each_cpu_its_figures_in_their_units():
    g = gaps.Gaps(0, 2.0, (2e-5, 2e-5, 3e-5), (4.0e-3, 8.0e-3), 0.0, 0.0121, 7, 0.5)
    text = re.sub(" +", " ", gaps.render([g], "now", "here", [(77, "kdamond.0", 0.12)]))
    # lost (3 short + 2 long) / 2 s; 1.5 short a second, median 20 µs; 2 long,
    # median 6 ms, longest 8; steal 0 ms; 7 switches; 12.1 ms of system time
    assert "| 0 | 0.6 % | 2 | 20 | 2 | 6.0 | 8.0 | 0 | 7 | 12.1 |" in text
    assert "0.5 s at a time, 2 s on each" in text
    assert "| 77 | kdamond.0 | 120 |" in text


def test_the_command_writes_a_row_per_cpu(tmp_path):
    assert lab_main(["gaps", "--seconds", "0.02", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "gaps.md").read_text(encoding="utf-8")
    first_table = text.split("\n\n")[2].splitlines()
    assert len(first_table) == 2 + len(gaps.cpus())  # header, rule, a row per CPU
    assert "time lost" in text
    assert "switched out" in text


@pytest.mark.parametrize("seconds", ["0", "inf", "nan", "-1"])
def test_the_command_refuses_a_bad_duration(tmp_path, seconds, capsys):
    with pytest.raises(SystemExit):
        lab_main(["gaps", "--seconds", seconds, "--out", str(tmp_path)])
    assert "argument --seconds" in capsys.readouterr().err


def _stat(pid, name, utime, stime):
    # /proc/<pid>/stat: pid (comm) state, then fields 4..; utime and stime are 14, 15
    rest = ["S", *["0"] * 10, str(utime), str(stime), *["0"] * 5]
    return f"{pid} ({name}) {' '.join(rest)}\n"


def test_task_times_reads_every_tasks_cpu_time(tmp_path):
    for pid, name, u, s in [(77, "kdamond.0", 30, 70), (5, "kworker/0:1 (x)", 1, 2)]:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(_stat(pid, name, u, s))
    (tmp_path / "self").mkdir()  # not a pid
    (tmp_path / "9").mkdir()  # a task that ended before its stat was read
    times = gaps.task_times(tmp_path, ticks=100)
    assert times == {77: ("kdamond.0", 1.0), 5: ("kworker/0:1 (x)", 0.03)}


def test_busiest_ranks_what_each_task_took_meanwhile():
    before = {77: ("kdamond.0", 1.0), 5: ("kworker/0:1-a", 0.5), 6: ("idle", 2.0)}
    after = {77: ("kdamond.0", 1.12), 5: ("kworker/0:1-b", 0.53), 6: ("idle", 2.0)}
    after[8] = ("new", 0.05)  # started meanwhile: all its time is new
    ranked = gaps.busiest(before, after)
    assert [(pid, name) for pid, name, _ in ranked] == [
        (77, "kdamond.0"),
        (8, "new"),
        (5, "kworker/0:1-b"),
    ]
    assert ranked[0][2] == pytest.approx(0.12)


def test_without_proc_no_task_is_listed(tmp_path):
    assert gaps.task_times(tmp_path / "missing") == {}
    text = gaps.render([gaps.Gaps(0, 1.0, (), ())], "now", "here")
    assert "No other task that `/proc` shows" in text
