"""The lab's ``python -m lab rerun-check`` (``lab/rerun_check.py``) on hand-made runs.

What this module proves
-----------------------
- Two runs alike are flagged nowhere; a run whose numba is 30 % slower has its
  three numba cases flagged, named in the README's line with their count, and
  counted as what ``--fail-slower 10`` would fail on.
- The line goes between the README's markers, the comparison to ``--out``.
- Runs of two presets, runs not back to back (the second ended before the first,
  or more than an hour after it), or a README without the markers, are refused
  with exit 2 and one line naming the file; nothing is written then.
- With a third run, both figures: a drift that slows every run by 8 % is flagged
  everywhere by the second against the first alone, and nowhere against the first
  and the third; a third run not right after the second is refused.
"""

import json

import pytest
from runs import run_json

from lab.__main__ import main as lab_main
from lab.rerun_check import RERUN_MARKERS

LATER = "2026-01-02T03:14:05+00:00"  # ten minutes after run_json's date


def _later(document, when=LATER):
    document["datetime"] = when
    return json.dumps(document)


@pytest.fixture
def runs(tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(run_json()), encoding="utf-8")
    second.write_text(_later(run_json({"numba": 1.3}, seed=1)), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("top\n" + "\nold\n".join(RERUN_MARKERS) + "\nend\n")
    return first, second, readme


def _check(capsys, *argv):
    code = lab_main(["rerun-check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cases_flagged_are_counted_and_named(runs, capsys, tmp_path):
    first, second, readme = runs
    out_md = tmp_path / "compare.md"
    code, out, err = _check(capsys, first, second, "--out", out_md, "--readme", readme)
    assert code == 0, err
    assert out.startswith("# loopbench compare: NEW against BASE")
    assert out_md.read_text(encoding="utf-8") == out
    text = readme.read_text(encoding="utf-8")
    assert "two runs of the quick grid back to back, 3 of 9 cases (33 %)" in text
    assert "flagged by `python -m bench compare` (numba 3); 3 significantly" in text
    assert "`--fail-slower 10` would have failed on." in text
    assert "old" not in text
    assert text.startswith("top\n<!-- rerun-check:begin -->\nThe committed rerun")


def test_two_runs_alike_are_flagged_nowhere(runs, capsys, tmp_path):
    first, _, readme = runs
    again = tmp_path / "again.json"
    again.write_text(_later(run_json(seed=2)), encoding="utf-8")
    code, _, err = _check(capsys, first, again, "--readme", readme)
    assert code == 0, err
    assert "0 of 9 cases (0 %) flagged by `python -m bench compare`; 0" in (
        readme.read_text(encoding="utf-8")
    )


def test_two_presets_or_no_markers_are_refused(runs, capsys, tmp_path):
    first, second, readme = runs
    other = run_json()
    other["loopbench"]["preset"] = "full"
    full = tmp_path / "full.json"
    full.write_text(_later(other), encoding="utf-8")
    code, _, err = _check(capsys, first, full, "--readme", readme)
    assert code == 2
    assert "full.json: preset 'full', not 'quick'" in err
    assert len(err.strip().splitlines()) == 1
    for when, gap in (("2026-01-02T04:14:05+00:00", "70"), (None, "0")):
        late = tmp_path / "late.json"
        late.write_text(_later(run_json(), when or run_json()["datetime"]))
        code, _, err = _check(capsys, first, late, "--readme", readme)
        assert code == 2
        assert f"late.json: ended {gap} minutes after" in err
    readme.write_text("no markers\n", encoding="utf-8")
    out_md = tmp_path / "compare.md"
    code, _, err = _check(capsys, first, second, "--readme", readme, "--out", out_md)
    assert code == 2
    assert "<!-- rerun-check:begin -->" in err
    assert not out_md.exists()
    assert readme.read_text(encoding="utf-8") == "no markers\n"


def test_a_third_run_tells_the_drift_from_a_change(runs, capsys, tmp_path):
    first, _, readme = runs
    slower = {impl: 1.08 for impl in ("numpy", "numba", "python")}
    second, third = tmp_path / "second.json", tmp_path / "third.json"
    second.write_text(_later(run_json(slower, seed=1)), encoding="utf-8")
    slowest = {impl: 1.08**2 for impl in slower}
    third.write_text(
        _later(run_json(slowest, seed=2), "2026-01-02T03:24:05+00:00"),
        encoding="utf-8",
    )
    out_md = tmp_path / "compare.md"
    code, out, err = _check(
        capsys, first, second, third, "--out", out_md, "--readme", readme
    )
    assert code == 0, err
    assert out.startswith("# loopbench compare: NEW against BASE and BASE again")
    assert out_md.read_text(encoding="utf-8") == out
    text = readme.read_text(encoding="utf-8")
    assert "three runs of the quick grid back to back" in text
    assert ", then 2026-01-02 03:24:05 UTC)" in text
    assert "the second against the first alone: 9 of 9 cases (100 %) flagged" in text
    assert "(`compare --base-again`, a case called only outside both): 0 of 9" in text
    assert "which `--fail-slower 10 --base-again` would have failed on." in text
    late = tmp_path / "late.json"
    late.write_text(_later(run_json(), "2026-01-02T05:14:05+00:00"))
    before = readme.read_text(encoding="utf-8")
    out_md.unlink()
    code, out, err = _check(
        capsys, first, second, late, "--readme", readme, "--out", out_md
    )
    assert (code, out) == (2, "")
    assert "late.json: ended 120 minutes after" in err
    assert readme.read_text(encoding="utf-8") == before
    assert not out_md.exists()
