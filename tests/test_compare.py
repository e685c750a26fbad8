"""``python -m bench compare`` (``bench/report/compare.py``) on
hand-made runs.

What this module proves
-----------------------
- Two identical runs: every case `~`, geometric means 1, exit 0, also with
  ``--fail-slower``.
- One implementation 30 % slower in NEW: each of its cases is `+`, the others `~`;
  ``--fail-slower 10`` exits 1 and names them, ``--fail-slower 50`` exits 0.
- The speedup-of-speedups view follows (numba vs numpy is 30 % smaller in NEW),
  the machine differences are listed, and cases in one run only are named.
- Runs without per-pass medians compare without intervals: all `~`, said so.
- ``--out`` writes the same Markdown; every bad input exits 2 with one line
  naming the file and the fault, and writes nothing.
- ``--base-again`` (base, new, base again): a drift of the machine that puts NEW
  between the two bases is no change (two runs alone call it one and fail the
  gate); a change outside both is marked, and ``--fail-slower`` fails only on what
  is past the threshold against both bases; cases missing from BASE again are
  named, not compared; a bad BASE again exits 2 naming it.
"""

import json

import pytest
from runs import BLAS, SIZES, TIMES, run_json

from bench.__main__ import main as bench_main


def compare(capsys, *argv):
    code = bench_main(["compare", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def rows(out, section):
    text = out.split(f"## {section}")[1].split("\n## ")[0]
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|-")
    ][1:]


def test_identical_runs_are_all_ties(files, capsys):
    base = files("base.json", run_json())
    new = files("new.json", run_json(blas=BLAS[::-1]))  # loaded in another order
    code, out, err = compare(capsys, base, new, "--fail-slower", "10")
    assert (code, err) == (0, "")
    cases = rows(out, "Every case in both runs")
    assert len(cases) == len(TIMES) * len(SIZES)
    assert {r[-1] for r in cases} == {"~"}
    assert {r[2] for r in rows(out, "By implementation")} == {"1.00"}
    assert "Same machine, libraries and settings" in out
    assert "one run only" not in out


def test_noise_alone_is_no_change(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json(seed=2))
    code, out, _ = compare(capsys, base, new, "--fail-slower", "0")
    assert code == 0
    assert {r[-1] for r in rows(out, "Every case in both runs")} == {"~"}


def test_a_slower_implementation_is_flagged(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json({"numba": 1.3}, seed=2, cpu="Other CPU"))
    code, out, err = compare(capsys, base, new, "--fail-slower", "10")
    assert code == 1
    marks = {r[0]: r[-1] for r in rows(out, "Every case in both runs")}
    assert {m for case, m in marks.items() if case.startswith("numba ")} == {"+"}
    assert {m for case, m in marks.items() if not case.startswith("numba ")} == {"~"}
    by_impl = {r[0]: r for r in rows(out, "By implementation")}
    assert float(by_impl["numba"][2]) == pytest.approx(1.3, rel=0.03)
    assert by_impl["numba"][3:] == ["3", "0", "0"]
    assert err.count("\n") == 1
    assert "3 case(s) slower by more than 10 %" in err
    assert "numba 10 x 1 float64" in err
    assert "| CPU | Test CPU | Other CPU |" in out.replace("  ", " ").replace("  ", " ")
    speedups = {(r[0], r[2]): r for r in rows(out, "Speedups here against BASE")}
    numba_numpy = speedups["numba vs numpy", "10 x 1"]
    assert float(numba_numpy[5].split()[0]) == pytest.approx(1 / 1.3, rel=0.03)
    assert numba_numpy[-1] == "-"
    assert speedups["numpy vs python", "10 x 1"][-1] == "~"
    assert compare(capsys, base, new, "--fail-slower", "50")[0] == 0
    assert compare(capsys, base, new)[0] == 0


def test_faster_is_minus_and_passes_the_gate(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json({"numpy": 0.7}, seed=2))
    code, out, _ = compare(capsys, base, new, "--fail-slower", "10")
    assert code == 0
    marks = {r[0]: r[-1] for r in rows(out, "Every case in both runs")}
    assert {m for case, m in marks.items() if case.startswith("numpy ")} == {"-"}


def test_cases_in_one_run_only(files, capsys):
    base = files("base.json", run_json(sizes=SIZES[:2]))
    new = files("new.json", run_json(sizes=SIZES[1:]))
    code, out, _ = compare(capsys, base, new)
    assert code == 0
    assert "Only in BASE (3): python 10 x 1 float64, numpy 10 x 1" in out
    assert "Only in NEW (3): python 1,000 x 100 float64" in out


def test_runs_without_samples_have_no_interval(files, capsys):
    base = files("base.json", run_json(passes=0))
    new = files("new.json", run_json({"numba": 1.3}, passes=0))
    code, out, _ = compare(capsys, base, new, "--fail-slower", "10")
    assert code == 0
    assert "BASE and NEW: no interval: this run kept no per-pass samples" in out
    cases = rows(out, "Every case in both runs")
    assert {r[-1] for r in cases} == {"~"}
    assert {r[3] for r in cases} == {"no interval"}


def test_out_writes_the_same_markdown(files, capsys, tmp_path):
    base = files("base.json", run_json())
    target = tmp_path / "compare.md"
    code, out, err = compare(capsys, base, base, "--out", target)
    assert code == 0
    assert target.read_text("utf-8") == out
    assert err == f"wrote {target}\n"


def _bad(files):
    good = run_json()
    foreign = {"machine_info": {}, "benchmarks": [{"name": "x", "stats": {}}]}
    bad_samples = run_json()
    bad_samples["benchmarks"][0]["loopbench"]["pass_medians"] = [1e-6, "slow"]
    pyperf = {"version": "1.0", "metadata": {}, "benchmarks": [{"runs": []}]}
    return {
        "missing": (files("x.json", "{}").parent / "nowhere.json", "no such file"),
        "empty": (files("empty.json", ""), "file is empty"),
        "truncated": (files("t.json", json.dumps(good)[:100]), "not valid JSON"),
        "pyperf": (files("pyperf.json", pyperf), "looks like pyperf output"),
        "foreign": (files("foreign.json", foreign), "no step benchmarks"),
        "bad samples": (files("bs.json", bad_samples), "pass_medians must be"),
        "nothing in common": (
            files("other.json", run_json(sizes=((7, 7),))),
            "no case in common",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "truncated",
        "pyperf",
        "foreign",
        "bad samples",
        "nothing in common",
    ],
)
@pytest.mark.parametrize("side", ["base", "new"])
def test_bad_input_is_one_line_and_exit_2(files, capsys, tmp_path, case, side):
    bad, message = _bad(files)[case]
    good = files("good.json", run_json())
    argv = [good, bad] if side == "new" else [bad, good]
    code, out, err = compare(capsys, *argv, "--out", tmp_path / "out.md")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("python -m bench compare: error: ")
    assert message in err
    assert str(bad) in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.md").exists()


@pytest.mark.parametrize("pct", ["-5", "ten", "nan"])
def test_bad_threshold(files, capsys, pct):
    good = files("good.json", run_json())
    code, out, err = compare(capsys, good, good, "--fail-slower", pct)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "--fail-slower: expected a percentage >= 0" in err


def test_unwritable_out(files, capsys, tmp_path):
    good = files("good.json", run_json())
    code, _, err = compare(capsys, good, good, "--out", tmp_path / "no" / "x.md")
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot write" in err


# ------------------------------------------------- --base-again: base, new, base


def drift(factor, **changes):
    """Every implementation ``factor`` times slower (the machine), times
    ``changes[impl]`` (the code)."""
    return {impl: factor * changes.get(impl, 1.0) for impl in TIMES}


def test_a_drift_between_the_bases_is_no_change(files, capsys):
    # the machine slows by 8 % a run: NEW lies between BASE and BASE again
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json(drift(1.08), seed=2))
    again = files("again.json", run_json(drift(1.16), seed=3))
    code, out, _ = compare(capsys, base, new, "--fail-slower", "5")
    assert code == 1  # two runs: the drift passes for a change
    assert {r[-1] for r in rows(out, "Every case in both runs")} == {"+"}
    code, out, err = compare(
        capsys, base, new, "--base-again", again, "--fail-slower", "5"
    )
    assert (code, err) == (0, "")
    assert out.startswith("# loopbench compare: NEW against BASE and BASE again")
    cases = rows(out, "Every case in all three runs")
    assert len(cases) == len(TIMES) * len(SIZES)
    assert {r[-1] for r in cases} == {"~"}
    # the NEW / BASE column still reads the drift, called on its own
    for r in cases:
        assert float(r[4].split()[0]) == pytest.approx(1.08, rel=0.03)
        assert float(r[5].split()[0]) == pytest.approx(1.08 / 1.16, rel=0.03)
    by_impl = {r[0]: r for r in rows(out, "By implementation")}
    numba = by_impl["numba"]
    assert float(numba[2]) == pytest.approx(1.08, rel=0.03)  # NEW / BASE
    assert float(numba[3]) == pytest.approx(1.08 / 1.16, rel=0.03)  # NEW / again
    assert float(numba[4]) == pytest.approx(1.16, rel=0.03)  # BASE again / BASE
    assert numba[5:] == ["0", "0", "3"]
    assert "as far as the three JSON say" in out
    speedups = rows(out, "Speedups here against BASE")
    assert len(speedups) == 3 * len(SIZES)
    assert {r[-1] for r in speedups} == {"~"}
    assert len(speedups[0]) == 9  # in BASE, NEW, BASE again, both ratios, mark


def test_a_change_outside_both_bases_is_flagged(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files(
        "new.json", run_json(drift(1.04, numba=1.3, numpy=0.7), seed=2, cpu="X")
    )
    again = files("again.json", run_json(drift(1.16), seed=3))
    code, out, err = compare(
        capsys, base, new, "--base-again", again, "--fail-slower", "10"
    )
    assert code == 1
    marks = {r[0]: r[-1] for r in rows(out, "Every case in all three runs")}
    for case, mark in marks.items():
        impl = case.split()[0]
        assert mark == {"numba": "+", "numpy": "-"}.get(impl, "~"), case
    assert err.count("\n") == 1
    assert "3 case(s) slower than both bases by more than 10 %" in err
    assert "numba 10 x 1 float64" in err
    differences = {r[0]: r[1:] for r in rows(out, "What differs between the runs")}
    assert differences["CPU"] == ["Test CPU", "X", "Test CPU"]  # BASE, NEW, again
    speedups = {(r[0], r[2]): r for r in rows(out, "Speedups here against BASE")}
    assert speedups["numba vs numpy", "10 x 1"][-1] == "-"
    assert speedups["numpy vs python", "10 x 1"][-1] == "+"
    # numba slower by 35 % against BASE, by 17 % against BASE again: a 25 %
    # gate fails only on what both bases put past it
    code, _, err = compare(
        capsys, base, new, "--base-again", again, "--fail-slower", "25"
    )
    assert code == 0, err


def test_cases_not_in_base_again_are_named_not_compared(files, capsys):
    base = files("base.json", run_json())
    again = files("again.json", run_json(sizes=SIZES[1:]))
    code, out, _ = compare(capsys, base, base, "--base-again", again)
    assert code == 0
    assert len(rows(out, "Every case in all three runs")) == len(TIMES) * 2
    assert "In BASE and NEW, not in BASE again (not compared) (3):" in out
    assert "python 10 x 1 float64" in out.split("not compared")[1]


@pytest.mark.parametrize("case", ["missing", "truncated", "nothing in common"])
def test_a_bad_base_again_is_one_line_and_exit_2(files, capsys, tmp_path, case):
    bad, message = _bad(files)[case]
    good = files("good.json", run_json())
    target = tmp_path / "out.md"
    code, out, err = compare(
        capsys, good, good, "--base-again", bad, "--out", target, "--fail-slower", "5"
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err
    assert str(bad) in err
    assert not target.exists()


def test_a_speedup_between_the_bases_is_no_change(files, capsys):
    # numba alone drifts: 10 % slower in NEW, 20 % in BASE again, so numba vs
    # numpy shrinks against BASE and grows against BASE again
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json({"numba": 1.1}, seed=2))
    again = files("again.json", run_json({"numba": 1.2}, seed=3))
    code, out, _ = compare(capsys, base, new, "--base-again", again)
    assert code == 0
    speedups = {(r[0], r[2]): r for r in rows(out, "Speedups here against BASE")}
    pair = speedups["numba vs numpy", "10 x 1"]
    in_base, in_again = (float(pair[i].split("x")[0]) for i in (3, 5))
    assert in_again == pytest.approx(in_base / 1.2, rel=0.03)
    assert float(pair[6].split()[0]) == pytest.approx(1 / 1.1, rel=0.03)
    assert not pair[6].startswith("~")  # against BASE alone: smaller
    assert float(pair[7].split()[0]) == pytest.approx(1.2 / 1.1, rel=0.03)
    assert not pair[7].startswith("~")  # against BASE again alone: larger
    assert pair[-1] == "~"
    marks = {r[0]: r[-1] for r in rows(out, "Every case in all three runs")}
    assert set(marks.values()) == {"~"}


def test_slower_than_one_base_only_is_no_change(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json({"numba": 1.3}, seed=2))
    again = files("again.json", run_json({"numba": 1.3}, seed=3))
    code, out, err = compare(
        capsys, base, new, "--base-again", again, "--fail-slower", "10"
    )
    assert (code, err) == (0, "")
    cases = {r[0]: r for r in rows(out, "Every case in all three runs")}
    numba = cases["numba 10 x 1 float64"]
    assert not numba[4].startswith("~")  # 1.3x against BASE alone
    assert numba[5].startswith("~")  # a tie against BASE again
    assert numba[-1] == "~"


def test_a_base_again_without_samples_calls_nothing(files, capsys):
    base = files("base.json", run_json(seed=1))
    new = files("new.json", run_json({"numba": 1.3}, seed=2))
    again = files("again.json", run_json(passes=0))
    code, out, _ = compare(
        capsys, base, new, "--base-again", again, "--fail-slower", "10"
    )
    assert code == 0
    assert "BASE again: no interval: this run kept no per-pass samples" in out
    cases = rows(out, "Every case in all three runs")
    assert {r[-1] for r in cases} == {"~"}
    assert {r[5] for r in cases} == {"no interval"}


def test_a_base_again_timed_before_new_is_said(files, capsys):
    base = files("base.json", run_json(seed=1))
    later = run_json(seed=2)
    later["datetime"] = "2026-01-02T04:04:05+00:00"
    new = files("new.json", later)
    again = files("again.json", run_json(seed=3))  # BASE's date: before NEW
    _, out, _ = compare(capsys, base, new, "--base-again", again)
    assert "**BASE again ended before NEW**" in out
    _, out, _ = compare(capsys, base, base, "--base-again", new)
    assert "ended before NEW" not in out


def test_cases_only_in_base_again_are_named(files, capsys):
    base = files("base.json", run_json(sizes=SIZES[:2]))
    again = files("again.json", run_json())
    code, out, _ = compare(capsys, base, base, "--base-again", again)
    assert code == 0
    assert "Only in BASE again (3): python 1,000 x 100 float64" in out
