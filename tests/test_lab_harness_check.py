"""The lab's ``python -m lab harness-check`` (``lab/harness_check.py``) on hand-made
runs.

What this module proves
-----------------------
- The plan takes each implementation in turn: pytest-benchmark run A, pyperf,
  pyperf in glibc's default state for the steps that allocate per call, run B;
  both pytest-benchmark runs time the step cases only, each into its own folder.
- ``python -m bench run --preset quick --impl NAME`` collects that
  implementation's cases of the quick grid and no other implementation's.
- Runs of one implementation each merge into one run with every case; a case in
  two parts, parts of two presets, or a file that is not pytest-benchmark output
  is refused with the file named.
- ``finish`` writes the merged runs, compare.md and the README's line (A against
  B flagged, pyperf against A), then removes the parts; with bad input it writes
  nothing and keeps them.
- A case where pyperf is off run A is put down to the machine when run B agrees
  with pyperf or pyperf lies between A and B, is said to be off both runs
  otherwise, and not in run B where B lacks it; ``--summary-only`` writes the
  same text again from the merged runs, timing nothing.
- A failing command stops the check with its exit code, before anything is merged.
- Every pytest-benchmark case times rounds of at least ``MIN_ROUND_TIME``, as long
  as pyperf's values are many calls.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from runs import SIZES, pyperf_file, run_json

from bench import test_gpu, test_reference, test_step
from bench.grid import MIN_ROUND_TIME
from bench.report.common import ReportError
from lab import harness_check
from lab.__main__ import main as lab_main

ROOT = Path(__file__).resolve().parent.parent


def test_the_plan_takes_each_implementation_in_turn(tmp_path):
    steps = harness_check.plan("quick", ["numpy", "numba"], tmp_path)
    assert [what for what, _ in steps] == [
        "run A: numpy",
        "pyperf: numpy",
        "pyperf, default state: numpy",
        "run B: numpy",
        "run A: numba",
        "pyperf: numba",
        "run B: numba",
    ]
    run_a = steps[0][1]
    assert run_a[:6] == ["bench", "run", "--preset", "quick", "--impl", "numpy"]
    assert run_a[-3:] == ["--", "-k", "test_step"]
    assert str(tmp_path / "a" / "numpy") in run_a
    assert str(tmp_path / "b" / "numba") in steps[-1][1]
    assert steps[2][1][-2:] == ["--malloc", "default"]
    assert "--fast" in steps[1][1]


def test_a_run_of_one_implementation_of_a_preset_collects_only_it():
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "bench", "--collect-only", "-q"),
            *("-p", "no:cacheprovider", "--preset=quick", "--impls=numba"),
            *("-k", "test_step"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = [line.split("[")[1] for line in done.stdout.splitlines() if "::" in line]
    assert ids
    assert all(i.startswith("numba-n") for i in ids)
    assert "numba-n100000-d10]" in ids


def _parts(folder, document):
    """``document`` split into one run per implementation, as run A writes them."""
    impls = {b["extra_info"]["impl"] for b in document["benchmarks"]}
    for impl in sorted(impls):
        part = dict(document)
        part["benchmarks"] = [
            b for b in document["benchmarks"] if b["extra_info"]["impl"] == impl
        ]
        path = folder / impl / "bench.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(part), encoding="utf-8")
    return sorted(folder.glob("*/bench.json"))


def test_parts_merge_into_one_run(tmp_path):
    whole = run_json()
    paths = _parts(tmp_path, whole)
    later = json.loads(paths[0].read_text(encoding="utf-8"))
    later["datetime"] = "2026-01-02T04:00:00+00:00"  # numba's part, merged first
    paths[0].write_text(json.dumps(later), encoding="utf-8")
    merged = harness_check.merge_runs(paths)
    assert merged["datetime"] == "2026-01-02T03:04:05+00:00"  # the earliest part
    names = sorted(b["name"] for b in merged["benchmarks"])
    assert names == sorted(b["name"] for b in whole["benchmarks"])
    parts = merged["loopbench"]["parts"]
    assert [p["part"] for p in parts] == ["numba", "numpy", "python"]
    assert merged["machine_info"] == whole["machine_info"]


def test_a_case_in_two_parts_or_two_presets_is_refused(tmp_path):
    paths = _parts(tmp_path / "one", run_json())
    with pytest.raises(ReportError, match=r"numba-n10-d1\] is in .*numba"):
        harness_check.merge_runs([paths[0], paths[0]])
    other = run_json()
    other["loopbench"]["preset"] = "full"
    full = _parts(tmp_path / "two", other)
    with pytest.raises(ReportError, match="preset 'full', not 'quick'"):
        harness_check.merge_runs([paths[0], full[1]])
    pyperf = pyperf_file(tmp_path / "numba.json")
    with pytest.raises(ReportError, match=r"numba\.json: not pytest-benchmark"):
        harness_check.merge_runs([paths[0], pyperf])


@pytest.fixture
def check(tmp_path):
    """A finished check's folder: run B's numba 30 % slower than run A's, pyperf's
    numpy 20 % slower than run A's, the rest alike."""
    out = tmp_path / "harness-check"
    a = run_json()
    _parts(out / "a", a)
    _parts(out / "b", run_json({"numba": 1.3}, seed=1))
    medians = {
        (b["extra_info"]["impl"], b["extra_info"]["n_samples"]): b["stats"]["median"]
        for b in a["benchmarks"]
    }
    for impl, factor in (("numpy", 1.2), ("numba", 1.0)):
        cases = [(n, d, medians[(impl, n)] * factor) for n, d in SIZES]
        pyperf_file(tmp_path / "pyperf" / f"{impl}.json", impl, cases)
    readme = tmp_path / "README.md"
    readme.write_text(
        "top\n" + "\n<-->\n".join(harness_check.HARNESS_MARKERS) + "\nend\n",
        encoding="utf-8",
    )
    return out, tmp_path / "pyperf", readme


def test_finish_merges_compares_and_quotes_the_figures(check):
    out, pyperf, readme = check
    line = harness_check.finish(out, pyperf, readme)
    assert "3 of 6 cases within 10 %; of the other 3, 0 within 10 % of run B" in line
    assert "3 off both: numpy 10 x 1 float64 (1.20x A, 1.19x B)" in line
    assert "; speedup verdicts reversed: none." in line
    assert "3 of 9 cases (33 %) flagged" in line
    assert sorted(p.name for p in out.iterdir()) == [
        "compare.md",
        "harnesses.md",
        "pytest-a.json",
        "pytest-b.json",
    ]
    compare = (out / "compare.md").read_text(encoding="utf-8")
    assert compare.startswith("# loopbench compare: NEW against BASE")
    harnesses = (out / "harnesses.md").read_text(encoding="utf-8")
    assert harnesses.startswith("# pyperf against pytest-benchmark on the same grid")
    assert "6 cases in common, 3 (50 %) within 10 %" in harnesses
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("top\n<!-- harness-check:begin -->\nThe committed harness")
    assert "The committed harness check (2026-01-02 03:04:05 UTC): pyperf" in text
    assert "<-->" not in text
    assert text.endswith("<!-- harness-check:end -->\nend\n")


def test_a_case_off_run_a_that_run_b_agrees_with_is_the_machine(check):
    out, pyperf, readme = check
    medians = {
        b["extra_info"]["n_samples"]: b["stats"]["median"]
        for b in run_json({"numba": 1.3}, seed=1)["benchmarks"]
        if b["extra_info"]["impl"] == "numba"
    }
    cases = [(n, d, medians[n]) for n, d in SIZES]  # pyperf with run B's numba
    pyperf_file(pyperf / "numba.json", "numba", cases)
    line = harness_check.finish(out, pyperf, readme)
    assert "0 of 6 cases within 10 %; of the other 6, 3 within 10 % of run B" in line
    assert "3 off both: numpy" in line
    assert "numba 10 x 1" not in line
    compare = (out / "compare.md").read_text(encoding="utf-8")
    rows = [r for r in compare.splitlines() if r.startswith("| float64 | numba ")]
    assert len(rows) == 3
    assert all("the machine moved" in r for r in rows)
    # written again from the merged runs, timing nothing: the same text
    (out / "compare.md").unlink()
    assert harness_check.finish(out, pyperf, readme, merged=True) == line
    assert (out / "compare.md").read_text(encoding="utf-8") == compare


def _numba_pyperf(pyperf, factor):
    """pyperf's numba at ``factor`` times run A's numba."""
    medians = {
        b["extra_info"]["n_samples"]: b["stats"]["median"]
        for b in run_json()["benchmarks"]
        if b["extra_info"]["impl"] == "numba"
    }
    cases = [(n, d, medians[n] * factor) for n, d in SIZES]
    pyperf_file(pyperf / "numba.json", "numba", cases)


def test_pyperf_between_run_a_and_run_b_is_the_machine(check):
    out, pyperf, readme = check
    _numba_pyperf(pyperf, 1.14)  # run A 1.0, run B 1.3: between, and off both
    harness_check.finish(out, pyperf, readme)
    compare = (out / "compare.md").read_text(encoding="utf-8")
    rows = [r for r in compare.splitlines() if r.startswith("| float64 | numba ")]
    assert len(rows) == 3
    assert all("the machine moved" in r for r in rows)
    cells = [[c.strip() for c in r.split("|")] for r in rows]
    assert [c[4] for c in cells] == ["1.14x"] * 3  # pyperf / A: off run A
    assert all(float(c[5].rstrip("x")) < 0.9 for c in cells)  # and off run B


def test_a_case_run_b_lacks_is_said_so(check):
    out, pyperf, readme = check
    for part in (out / "b").glob("numpy/bench.json"):
        part.unlink()  # run B timed no numpy at all
    (out / "b" / "numpy").rmdir()
    line = harness_check.finish(out, pyperf, readme)
    assert "3 not in run B: numpy 10 x 1 float64" in line
    assert "off both" not in line
    compare = (out / "compare.md").read_text(encoding="utf-8")
    assert compare.count("| not in run B") == 3


def test_summary_only_writes_again_from_the_merged_runs(check, monkeypatch):
    out, pyperf, readme = check
    line = harness_check.finish(out, pyperf, readme)
    (out / "compare.md").unlink()
    readme.write_text("\n".join(harness_check.HARNESS_MARKERS) + "\n")
    monkeypatch.setattr(harness_check, "RESULTS", pyperf.parent)
    monkeypatch.setattr(
        harness_check.subprocess, "call", lambda *a, **k: pytest.fail("timed")
    )
    argv = ["--summary-only", "--out", str(out), "--readme", str(readme)]
    assert lab_main(["harness-check", *argv]) == 0
    assert (out / "compare.md").exists()
    assert line in readme.read_text(encoding="utf-8")


def test_bad_input_writes_nothing_and_keeps_the_parts(check):
    out, pyperf, readme = check
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ReportError, match="marker <!-- harness-check:begin -->"):
        harness_check.finish(out, pyperf, readme)
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]
    assert readme.read_text(encoding="utf-8") == "no markers\n"
    with pytest.raises(ReportError, match="no pyperf"):
        harness_check.finish(out, out / "a", None)
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]


def test_bad_input_from_the_command_is_one_line_and_exit_2(check, monkeypatch, capsys):
    out, pyperf, readme = check
    harness_check.finish(out, pyperf, readme)  # the merged runs --summary-only reads
    readme.write_text("no markers\n", encoding="utf-8")
    monkeypatch.setattr(harness_check, "RESULTS", pyperf.parent)
    argv = ["--summary-only", "--out", str(out), "--readme", str(readme)]
    assert lab_main(["harness-check", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("python -m lab harness-check: error: ")
    assert "marker <!-- harness-check:begin -->" in captured.err


def test_a_failing_command_stops_the_check(tmp_path, monkeypatch, capsys):
    calls = []

    def call(cmd, cwd):
        calls.append(cmd)
        return 3 if "pyperf" in cmd else 0

    monkeypatch.setattr(harness_check.subprocess, "call", call)
    code = lab_main(
        ["harness-check", "--impl", "numpy", "numba", "--out", str(tmp_path)]
    )
    assert code == 3
    assert len(calls) == 2  # run A of numpy, then its pyperf, which failed
    assert "harness-check: pyperf: numpy failed (exit 3); stopped" in (
        capsys.readouterr().err
    )
    assert not list(tmp_path.glob("pytest-*.json"))


@pytest.mark.parametrize(
    "case", [test_step.test_step, test_reference.test_reference, test_gpu.test_device]
)
def test_every_case_times_rounds_of_many_calls(case):
    (mark,) = [m for m in case.pytestmark if m.name == "benchmark"]
    assert mark.kwargs["min_time"] == MIN_ROUND_TIME
    assert MIN_ROUND_TIME >= 1e-4  # from 100 µs up the rounds agree with pyperf
