"""The gap probe (``bench/gaps.py``): a clock-reading thread's gaps, counted right,
pinned where asked, and tabled."""

import os

import pytest

from bench import gaps


def fake_clock(steps_ns):
    """A clock that advances by each of ``steps_ns`` in turn, then by 100 ns."""
    now, steps = [0], iter(steps_ns)

    def clock():
        now[0] += next(steps, 100)
        return now[0]

    return clock


def test_spin_keeps_exactly_the_steps_over_the_threshold():
    steps = [0, 100, 4_999, 5_001, 100, 2_000_000, 100, 20_000]
    span, found = gaps.spin(0.01, fake_clock(steps))
    assert found[:3] == [5_001, 2_000_000, 20_000]
    assert all(g == 5_001 or g > gaps.GAP_NS for g in found)
    assert span >= 10_000_000  # it ran the whole 10 ms of the fake clock


def test_probe_sorts_short_and_long_gaps_and_the_share_lost():
    clock = fake_clock([0, 20_000, 100, 4_500_000, 100, 30_000])
    g = gaps.probe(None, 0.01, clock)
    assert g.short == pytest.approx((20e-6, 30e-6))
    assert g.long == pytest.approx((4.5e-3,))
    assert g.lost == pytest.approx((20e-6 + 30e-6 + 4.5e-3) / g.span_s)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_probe_pins_to_the_cpu_and_restores_the_affinity():
    before = os.sched_getaffinity(0)
    cpu = sorted(before)[-1]
    seen = []

    def clock(real=gaps.time.perf_counter_ns):
        seen.append(os.sched_getaffinity(0))
        return real()

    g = gaps.probe(cpu, 0.002, clock)
    assert g.cpu == cpu
    assert seen
    assert all(s == {cpu} for s in seen)
    assert os.sched_getaffinity(0) == before


def test_the_command_writes_a_row_per_cpu(tmp_path, capsys):
    assert gaps.main(["--seconds", "0.01", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "gaps.md").read_text(encoding="utf-8")
    first_table = text.split("\n\n")[2].splitlines()
    assert len(first_table) == 2 + len(gaps.cpus())  # header, rule, a row per CPU
    assert "time lost" in text
    assert "steal (ms)" in text
    assert "switched out" in text


def test_the_command_refuses_a_bad_duration(tmp_path):
    with pytest.raises(SystemExit):
        gaps.main(["--seconds", "0", "--out", str(tmp_path)])


def test_probe_all_gives_each_cpu_its_seconds_in_slices(monkeypatch):
    monkeypatch.setattr(gaps, "cpus", lambda: [None])
    probes = gaps.probe_all(0.004, 0.001)
    assert len(probes) == 1
    assert probes[0].span_s == pytest.approx(0.004, rel=0.05)


def test_merged_adds_the_slices_and_keeps_the_gaps_in_order():
    a = gaps.Gaps(1, 0.5, (1e-5,), (4e-3,), 0.0, 0.004, 1)
    b = gaps.Gaps(1, 0.5, (2e-5,), (5e-3,), None, 0.001, 2)
    m = gaps.merged([a, b])
    assert m.span_s == 1.0
    assert m.short == (1e-5, 2e-5)
    assert m.long == (4e-3, 5e-3)
    assert m.steal_s is None  # one slice could not read it
    assert m.system_s == pytest.approx(0.005)
    assert m.switches == 3


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
    assert "No other task" in text
