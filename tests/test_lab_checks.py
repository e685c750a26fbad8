"""The lab's checks timing their own runs (``lab/checks.py``): the order and rerun
checks without files, with ``run_pytest_benchmark`` replaced by one that writes
hand-made runs at once.

What this module proves
-----------------------
- ``time_staged`` times every run into ``OUT.new/``, keeps the stage's own run
  with its report and the others' JSON only (``NAME.json``, its time stamp kept),
  and puts the stage in ``OUT``'s place only once every run is done and the check
  read them.
- A run that fails, or runs the check refuses, leave the committed folder as it
  was, and the exit code says so.
- ``python -m lab order-check`` without files times fresh 1, the grid and fresh 2
  in that order, then writes ``order.md``, ``compare.md`` and its line;
  ``python -m lab rerun-check`` without files takes ``make bench``'s run as the
  first and times two more, then writes ``compare.md`` and its line, and says to
  run ``make bench`` first where there is no such run.
"""

import json
import os
from pathlib import Path

import pytest
from runs import run_json

from bench.report.common import ReportError
from lab import checks, order_check, rerun_check
from lab.__main__ import main as lab_main

DATES = [f"2026-01-02T03:{m:02d}:05+00:00" for m in (4, 14, 24, 34)]


class FakeRuns:
    """``run_pytest_benchmark`` that writes ``documents`` in turn (one per call,
    a summary.md beside each), recording what it was asked; ``fail_at``: the
    call that fails instead (exit 1, no JSON)."""

    def __init__(self, documents, fail_at=None):
        self.documents, self.fail_at, self.calls = list(documents), fail_at, []

    def __call__(self, preset=None, out_dir=None, pytest_args=(), sizes=None):
        self.calls.append({"preset": preset, "sizes": sizes, "args": pytest_args})
        if len(self.calls) == self.fail_at:
            return 1, None
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        doc = self.documents.pop(0)
        (out / "bench.json").write_text(json.dumps(doc), "utf-8")
        (out / "summary.md").write_text("# a report\n", "utf-8")
        return 0, out / "bench.json"


def dated(document, i):
    document["datetime"] = DATES[i]
    return document


@pytest.fixture
def committed(tmp_path):
    out = tmp_path / "check"
    out.mkdir()
    (out / "order.md").write_text("the committed check\n", "utf-8")
    return out


def test_the_stage_replaces_the_check_only_when_it_is_read(committed, monkeypatch):
    fake = FakeRuns([dated(run_json(), i) for i in range(3)])
    monkeypatch.setattr(checks, "run_pytest_benchmark", fake)
    read = []
    runs = (checks.Timed("", preset="quick"), checks.Timed("grid", preset="quick"))
    assert checks.time_staged(committed, runs, read.append) == 0
    (paths,) = read
    assert set(paths) == {"", "grid"}
    assert sorted(p.name for p in committed.iterdir()) == [
        "bench.json",
        "grid.json",
        "summary.md",  # the stage's own run keeps its report; the others, JSON only
    ]
    assert not committed.with_name("check.new").exists()


def test_a_failed_run_leaves_the_committed_check(committed, monkeypatch):
    fake = FakeRuns([run_json(), run_json()], fail_at=2)
    monkeypatch.setattr(checks, "run_pytest_benchmark", fake)
    runs = (checks.Timed(""), checks.Timed("grid"))
    assert checks.time_staged(committed, runs, lambda paths: None) == 1
    assert (committed / "order.md").read_text("utf-8") == "the committed check\n"


def test_runs_the_check_refuses_leave_the_committed_check(committed, monkeypatch):
    monkeypatch.setattr(checks, "run_pytest_benchmark", FakeRuns([run_json()]))

    def refuse(paths):
        raise ReportError("not back to back")

    with pytest.raises(ReportError, match="not back to back"):
        checks.time_staged(committed, (checks.Timed(""),), refuse)
    assert (committed / "order.md").read_text("utf-8") == "the committed check\n"


def test_the_order_check_times_its_three_runs_then_reads_them(
    tmp_path, monkeypatch, capsys
):
    out = tmp_path / "order-check"
    sizes = ((100, 10), (1_000, 100))
    fresh = [dated(run_json(sizes=sizes, seed=s), i) for s, i in ((1, 0), (2, 2))]
    fake = FakeRuns([fresh[0], dated(run_json(passes=7), 1), fresh[1]])
    monkeypatch.setattr(checks, "run_pytest_benchmark", fake)
    monkeypatch.setattr(order_check, "OUT", out)
    monkeypatch.chdir(tmp_path)  # the committed text names no machine's folders
    doc = tmp_path / "timing.md"
    doc.write_text("\n".join(["top", *order_check.ORDER_MARKERS, "end"]) + "\n")
    assert lab_main(["order-check", "--readme", str(doc)]) == 0
    # fresh 1, the grid, fresh 2: the cases alone, then the quick grid between
    assert [c["preset"] for c in fake.calls] == [None, "quick", None]
    assert fake.calls[0]["sizes"] == list(order_check.SIZES)
    assert fake.calls[0]["args"] == list(order_check.ALONE)
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "bench.json",
        "compare.md",
        "fresh-2.json",
        "grid.json",
        "order.md",
        "summary.md",
    ]
    assert "The committed order check (" in doc.read_text("utf-8")
    for name in ("order.md", "compare.md"):
        text = (out / name).read_text("utf-8")
        assert "`order-check/grid.json`" in text
        assert str(tmp_path) not in text
    assert "wrote" in capsys.readouterr().err


def test_the_rerun_check_times_two_runs_after_make_bench(tmp_path, monkeypatch):
    first = tmp_path / "quick" / "bench.json"
    first.parent.mkdir()
    first.write_text(json.dumps(dated(run_json(), 0)), "utf-8")
    out = tmp_path / "rerun-check"
    fake = FakeRuns([dated(run_json(seed=1), 1), dated(run_json(seed=2), 2)])
    monkeypatch.setattr(checks, "run_pytest_benchmark", fake)
    monkeypatch.setattr(rerun_check, "OUT", out)
    monkeypatch.setattr(rerun_check, "FIRST", first)
    assert lab_main(["rerun-check"]) == 0
    assert [c["preset"] for c in fake.calls] == ["quick", "quick"]
    assert sorted(p.name for p in out.iterdir()) == [
        "compare.md",
        "first.json",
        "second.json",
        "third.json",
    ]
    assert (out / "first.json").read_bytes() == first.read_bytes()
    assert os.stat(out / "first.json").st_mtime == os.stat(first).st_mtime
    assert "NEW against BASE" in (out / "compare.md").read_text("utf-8")


def test_the_rerun_check_needs_make_bench_first(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rerun_check, "FIRST", tmp_path / "nowhere" / "bench.json")
    assert lab_main(["rerun-check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m lab rerun-check: error: ")
    assert "run make bench first" in err
