"""The lab's ``python -m lab order-check`` (``lab/order_check.py``) on hand-made runs.

What this module proves
-----------------------
- Fresh processes that match the grid: every case agrees, none moved, exit 0; only
  the cases the fresh runs timed are read, in the grid's order.
- One implementation 30 % slower in the grid than in three matching fresh
  processes: each of its cases is read as moved by the order, the others agree.
- The same 30 % where one of the fresh processes is 30 % slower too: read as fresh
  processes that disagree, not as the order; with a single fresh run that reading
  is never made.
- The boundaries of ``reading``: 10 % is within, the spread must exceed 10 %.
- Cases not in every run are left out of the reading, and named.
- ``--readme`` replaces only the text between the markers and quotes the summary;
  bad input (no markers, a grid with no case of the fresh runs, too many fresh
  runs) exits 2 with one line naming the file, and writes nothing.
"""

import pytest
from runs import SIZES, run_json

from lab.__main__ import main as lab_main
from lab.order_check import AGREES, ORDER, PROCESSES, reading


def order_check(capsys, *argv):
    code = lab_main(["order-check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def table(out):
    """The rows of the order check's one table, without its header."""
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for line in out.splitlines()
        if line.startswith("|") and not line.startswith("|-")
    ][1:]


def fresh_runs(files, factors_each, sizes=SIZES[1:]):
    return [
        files(f"fresh{i}.json", run_json(f, seed=i + 1, sizes=sizes, passes=5))
        for i, f in enumerate(factors_each)
    ]


def test_matching_runs_all_agree(files, capsys):
    grid = files("grid.json", run_json(passes=7))
    code, out, _ = order_check(capsys, grid, *fresh_runs(files, [{}, {}, {}]))
    assert code == 0
    body = table(out)
    assert len(body) == 3 * len(SIZES[1:])  # the fresh runs' cases only
    assert all(r[-1] == AGREES for r in body)
    assert [r[0] for r in body[:2]] == [
        "numpy 100 x 10 float64",
        "numpy 1,000 x 100 float64",
    ]
    assert f"{len(body)} of {len(body)} cases within 10 %" in out
    assert (
        "moved by the grid's order (further than 10 % from every fresh process,"
        " and outside them): none." in out
    )


def test_a_case_slower_only_in_the_grid_is_moved_by_the_order(files, capsys):
    grid = files("grid.json", run_json({"numba": 1.3}, passes=7))
    code, out, _ = order_check(capsys, grid, *fresh_runs(files, [{}, {}, {}]))
    assert code == 0
    for r in table(out):
        assert r[-1] == (ORDER if r[0].startswith("numba ") else AGREES), r
        if r[0].startswith("numba "):
            assert float(r[-3]) == pytest.approx(1.3, rel=0.03)
    assert "4 of 6 cases" in out
    assert "numba 100 x 10 float64 (1.3x)" in out


def test_fresh_processes_that_disagree_are_not_the_order(files, capsys):
    grid = files("grid.json", run_json({"numba": 1.3}, passes=7))
    fresh = fresh_runs(files, [{}, {"numba": 1.3}, {}])
    code, out, _ = order_check(capsys, grid, *fresh)
    assert code == 0
    numba = [r for r in table(out) if r[0].startswith("numba ")]
    assert numba
    assert all(r[-1] == PROCESSES for r in numba)
    assert float(numba[0][-2]) == pytest.approx(1.3, rel=0.03)  # fresh max / min
    assert "none." in out
    # one fresh run cannot show that processes disagree
    code, out, _ = order_check(capsys, grid, fresh[1])
    assert all(r[-1] == AGREES for r in table(out))  # it matches the grid
    code, out, _ = order_check(capsys, grid, fresh[0])
    assert [r[-1] for r in table(out) if r[0].startswith("numba ")] == [ORDER, ORDER]


@pytest.mark.parametrize(
    ("grid", "alone", "expected"),
    [
        (1.10, [1.0], AGREES),
        (0.90, [1.0, 1.0, 1.0], AGREES),
        (1.12, [1.0], ORDER),
        (1.12, [1.0, 1.0, 1.0], ORDER),
        (1.30, [1.0, 1.10, 1.0], ORDER),  # spread 10 %: not more than 10 %
        (1.30, [1.0, 1.25, 1.0], PROCESSES),
        (1.60, [1.0, 1.25, 1.0], ORDER),  # beyond every fresh process
        (0.80, [1.0, 0.75, 1.0], PROCESSES),
        (1.20, [1.0, 1.02, 1.35], PROCESSES),  # between them, near none
        (1.40, [1.0, 1.02, 1.20], ORDER),  # outside them, beyond 10 %
        (1.12, [1.0, 1.5], PROCESSES),  # between the runs before and after, near none
        (0.60, [1.0, 0.75], ORDER),  # below both
    ],
)
def test_reading(grid, alone, expected):
    assert reading(grid, alone) == expected


def test_readme_line_between_the_markers(files, capsys, tmp_path):
    grid = files("grid.json", run_json({"numba": 1.3}, passes=7))
    readme = tmp_path / "README.md"
    before = (
        "# Title\n\nkept\n<!-- order-check:begin -->\nold\n"
        "<!-- order-check:end -->\ntail\n"
    )
    readme.write_text(before, encoding="utf-8")
    out_md = tmp_path / "order.md"
    code, out, err = order_check(
        capsys,
        grid,
        *fresh_runs(files, [{}, {}, {}]),
        "--out",
        out_md,
        "--readme",
        readme,
    )
    assert code == 0
    assert f"wrote {readme}" in err
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nkept\n<!-- order-check:begin -->\n")
    assert text.endswith("<!-- order-check:end -->\ntail\n")
    assert "old" not in text
    assert "The committed order check (2026-01-02" in text
    assert "4 of 6 cases" in text
    assert out_md.read_text(encoding="utf-8") == out


def test_cases_not_in_every_run_are_left_out_and_named(files, capsys):
    grid = files("grid.json", run_json(sizes=SIZES[:2], passes=7))
    short = files("short.json", run_json(seed=9, sizes=SIZES[1:2], passes=5))
    code, out, _ = order_check(capsys, grid, *fresh_runs(files, [{}]), short)
    assert code == 0
    assert [r[0] for r in table(out)] == [
        f"{impl} 100 x 10 float64" for impl in ("numpy", "numba", "python")
    ]
    assert "left out (3): numba 1,000 x 100 float64, numpy 1,000 x 100" in out


def test_bad_input_exits_2_and_writes_nothing(files, capsys, tmp_path):
    grid = files("grid.json", run_json(passes=7))
    fresh = fresh_runs(files, [{}, {}])
    out_md = tmp_path / "order.md"
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n", encoding="utf-8")
    code, _, err = order_check(
        capsys, grid, *fresh, "--out", out_md, "--readme", readme
    )
    assert code == 2
    assert str(readme) in err
    assert "marker" in err
    assert len(err.strip().splitlines()) == 1
    assert not out_md.exists()
    assert readme.read_text(encoding="utf-8") == "no markers here\n"
    # a grid without the fresh runs' cases
    small = files("small.json", run_json(sizes=SIZES[:1], passes=7))
    code, _, err = order_check(capsys, small, *fresh)
    assert code == 2
    assert "small.json" in err
    # at most five fresh runs (the table's columns)
    many = fresh_runs(files, [{}] * 6)
    code, _, err = order_check(capsys, grid, *many)
    assert code == 2
    assert "fresh5.json" in err
    assert "at most 5" in err
    assert not out_md.exists()
