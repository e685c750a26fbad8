"""The report with the peers (JAX, PyTorch, Cython) and with implementations it has
never heard of: every table follows the run, none is wider than ten columns.

What this module proves
-----------------------
- A throwaway implementation (``mystery``, declared nowhere) that appears only in
  a run's JSON gets its columns in every table: times, the speedup against numpy,
  the win map, the read rate and its share of the roofline, memory, first calls,
  crossovers, pyperf and the CSV, without a change to the code.
- No Markdown table of ``summary.md`` or ``pyperf.md`` has more than
  ``common.MAX_COLUMNS`` columns, even with every declared implementation,
  every reference row and a stranger in one run; a group too wide is split, and
  the CSV keeps every column.
- ``numba_simd`` is set against each peer, with intervals, only where the run has
  both; the win map names the fastest of each cell and shows ties as ties,
  leaves out the reference rows and the threaded step; memory that tracemalloc
  cannot see reads "not seen", not a number; first calls cover every compiling
  implementation under either benchmark group name; the optional README block
  ``win-map`` is filled where the README has its markers.
- No module of ``bench/report/`` but ``common.py`` (its comparisons) names an
  implementation
  in a string (read from the source with ``ast``).
"""

import ast
import re
from pathlib import Path

import pytest
from runs import bench_json, compile_entry, read_csv, step_entry, tables, with_passes

import kernels
from bench.report import ReportError, common, costs, make_report, model, stats
from bench.report import document as report_doc
from bench.report.common import speedup_groups
from bench.report.document import render_pyperf
from bench.report.stats import cell_winners

ROOT = Path(__file__).resolve().parent.parent
SIZES = ((10, 1), (100, 10), (1_000, 100), (10_000, 10))


def grid_times(models, sizes=SIZES):
    """``{(impl, n, d): t0 + c * n * d}`` at ``sizes``."""
    return {
        (impl, n, d): t0 + c * n * d
        for impl, (t0, c) in models.items()
        for n, d in sizes
    }


def header_widths(text):
    """The number of columns of every Markdown table in ``text``."""
    lines = text.splitlines()
    return [
        line.replace("\\|", "").count("|") - 1
        for i, line in enumerate(lines)
        if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|"))
    ]


def section(md, title):
    """The text of the ``## title`` section of ``md``."""
    return md.split(f"## {title}\n")[1].split("\n## ")[0]


def table_headers(text):
    """The header cells of every Markdown table in ``text``."""
    lines = text.splitlines()
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for i, line in enumerate(lines)
        if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|"))
    ]


MYSTERY_RUN = {
    "python": (3e-6, 80e-9),
    "numpy": (15e-6, 1e-9),
    "numba": (1e-6, 0.5e-9),
    "numba_simd": (1e-6, 0.4e-9),
    "mystery": (0.5e-6, 0.2e-9),  # the fastest everywhere
    "stream_one": (0.5e-6, 0.1e-9),
}


def mystery_document():
    data = bench_json(
        grid_times(MYSTERY_RUN),
        compile_times={("mystery", "import"): 0.3, ("mystery", "cold"): 0.8},
    )
    for entry in data["benchmarks"]:
        info = entry["extra_info"]
        if "dtype" in info and not info["reference"]:
            info["alloc_bytes"] = 160 + 8 * info["n_samples"]
    return with_passes(data)


def test_an_unknown_implementation_is_in_every_table(tmp_path):
    assert kernels.declared("mystery") is None  # declared nowhere: only in the JSON
    out = tables(tmp_path, mystery_document())
    md = (out / "summary.md").read_text("utf-8")
    headers = {
        title: [h for t in table_headers(section(md, title)) for h in t]
        for title in (
            "Time per step",
            "Speedups",
            "Rate of reading X",
            "Memory allocated per step",
        )
    }
    assert "mystery" in headers["Time per step"]
    assert "mystery vs numpy" in headers["Speedups"]
    assert "mystery" in headers["Rate of reading X"]
    assert "mystery / stream_one" in headers["Rate of reading X"]  # compiled
    assert "python / stream_one" not in headers["Rate of reading X"]  # interpreted
    assert "mystery" in headers["Memory allocated per step"]
    win_map = section(md, "Which implementation wins")
    assert re.search(r"\| +10,000 \|.*\| mystery +\|", win_map)
    assert "`mystery` 4" in win_map  # wins every cell it is in
    first = section(md, "Cost model: t ≈ t0 + c · n·d").split("First call")[1]
    assert re.search(r"\| mystery +\| +300 \| +800 \| +— \| +500 \|", first)
    (crossing,) = [
        r for r in read_csv(out / "crossovers.csv") if r["impl_a"] == "mystery"
    ]
    assert crossing["impl_b"] == "numpy"
    rows = read_csv(out / "summary.csv")
    for key in (
        "mystery_median_us",
        "speedup_mystery_over_numpy",
        "speedup_mystery_over_numpy_verdict",
        "mystery_gb_per_s",
        "mystery_share_of_stream_one",
        "mystery_alloc_kb",
    ):
        assert all(r[key] for r in rows), key
    assert {r["winner"] for r in rows} == {"mystery"}


def test_an_unknown_implementation_in_pyperf():
    medians = {
        (impl, "float64", n, d): t0 + c * n * d
        for impl, (t0, c) in MYSTERY_RUN.items()
        if impl != "stream_one"
        for n, d in SIZES
    }
    md, csv_text = render_pyperf(medians)
    assert "mystery vs numpy" in md
    assert "mystery_median_us" in csv_text.splitlines()[0]
    assert max(header_widths(md)) <= common.MAX_COLUMNS


def everything_document():
    """A run of every declared implementation, every reference row and a stranger."""
    names = [i.name for i in kernels.DECLARED] + ["mystery"]
    refs = ("sklearn", "x_sum", "stream_one", "stream_all")
    models = {name: (1e-6 * (k + 1), 1e-10 * (k + 1)) for k, name in enumerate(names)}
    models.update({r: (1e-6, 1e-10) for r in refs})
    sizes = [(n, d) for n in (10, 100, 1_000) for d in (1, 3, 10, 30, 100, 300)]
    sizes += [(20, 7), (50, 1000), (70, 1000), (90, 3000), (200, 5000)]
    times = grid_times(models, sizes)
    times.update({(*k, "float32"): t / 2 for k, t in list(times.items())})
    modes = ("import", "cold", "cached")
    data = bench_json(
        times,
        compile_times={(i, m): 0.5 + k for i in names for k, m in enumerate(modes)},
    )
    for entry in data["benchmarks"]:
        entry["extra_info"]["alloc_bytes"] = 1000
    return with_passes(data)


def test_no_table_is_wider_than_ten_columns(tmp_path):
    out = tables(tmp_path, everything_document())
    md = (out / "summary.md").read_text("utf-8")
    widths = header_widths(md)
    assert widths
    assert max(widths) <= common.MAX_COLUMNS
    # the win map has 10 values of d: split in two tables of n and 5 d each
    win_map = section(md, "Which implementation wins")
    assert header_widths(win_map.split("### float32")[0]) == [6, 6]
    # every implementation is in the time tables, each once per dtype
    time_headers = [h for t in table_headers(section(md, "Time per step")) for h in t]
    for name in [i.name for i in kernels.DECLARED] + ["mystery"]:
        assert time_headers.count(name) == 2, name
    # the speedups against numpy (10 of them) are split, not dropped
    vs_numpy = [
        h
        for t in table_headers(section(md, "Speedups").split("### float32")[0])
        for h in t
        if h.endswith(" vs numpy")
    ]
    assert len(vs_numpy) == len(kernels.DECLARED) - 1  # all but python and numpy, +1
    # the CSV keeps every column, however wide
    header = (out / "summary.csv").read_text("utf-8").splitlines()[0].split(",")
    assert len(header) > 100
    assert "speedup_numba_simd_over_torch_compile_high" in header


def test_md_tables_split_evenly_and_md_table_refuses_a_wide_table():
    assert [list(r) for r in common.chunks(10, 9)] == [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
    ]
    assert common.chunks(0, 9) == []
    headers = ["key", *(f"c{i}" for i in range(12))]
    rows = [[str(i) for i in range(13)]]
    found = common.md_tables(headers, rows, "r" * 13)
    assert [w for t in found for w in header_widths(t)] == [7, 7]
    assert all(t.startswith("| key |") for t in found)
    with pytest.raises(ValueError, match="a table of 13 columns"):
        common.md_table(headers, rows, "r" * 13)


PEER_RUN = {
    "numpy": (15e-6, 1e-9),
    "numba_simd": (1e-6, 0.4e-9),
    "numba_parallel": (5e-6, 0.1e-9),  # faster at large n, but on all cores
    "jax": (1.5e-6, 0.39e-9),  # 1.2 % faster at n·d = 100,000: a tie
    "cython": (1.2e-6, 0.6e-9),
    "sklearn": (0.1e-6, 0.01e-9),  # a reference row: never a winner
}


def test_numba_simd_against_each_peer_it_was_run_with(tmp_path):
    out = tables(tmp_path, with_passes(bench_json(grid_times(PEER_RUN))))
    groups = speedup_groups(("numpy", "numba_simd", "jax", "cython"))
    assert groups[-1].pairs == [("numba_simd", "jax"), ("numba_simd", "cython")]
    speedups = section((out / "summary.md").read_text("utf-8"), "Speedups")
    assert "numba_simd against the peers:" in speedups
    heads = [h for t in table_headers(speedups) for h in t]
    assert {"numba_simd vs jax", "numba_simd vs cython", "jax vs numpy"} <= set(heads)
    assert not [h for h in heads if "torch" in h]  # not in the run: no column
    (row,) = [r for r in read_csv(out / "summary.csv") if r["n_samples"] == "10"]
    assert float(row["speedup_numba_simd_over_jax"]) == pytest.approx(1.498, rel=1e-3)
    assert row["speedup_numba_simd_over_jax_verdict"] == "faster"
    assert row["speedup_numba_simd_over_jax_low"] != ""


def test_the_win_map_shows_ties_and_leaves_out_references_and_threads(tmp_path):
    document = with_passes(bench_json(grid_times(PEER_RUN)))
    run = model.parse_run(document, "w.json")
    # at 10 x 1, numba_simd is the fastest by far (sklearn and numba_parallel
    # do not compete); at 10,000 x 10 jax is 1.2 % ahead of it: a tie
    assert cell_winners(run, "float64", 10, 1) == ["numba_simd"]
    assert cell_winners(run, "float64", 10_000, 10) == ["jax", "numba_simd"]
    out = tables(tmp_path, document)
    md = section((out / "summary.md").read_text("utf-8"), "Which implementation wins")
    assert re.search(r"\| +10,000 \| .*jax ~ numba_simd", md)
    assert "Left out, as threaded or on a GPU: `numba_parallel`." in md
    assert "sklearn" not in md.split("### float64")[1]
    assert "Cells won in float64, of 4:" in md
    winners = {r["n_samples"]: r["winner"] for r in read_csv(out / "summary.csv")}
    assert winners["10000"] == "jax ~ numba_simd"
    # without intervals the medians' order decides: no ties
    plain = model.parse_run(bench_json(grid_times(PEER_RUN)), "p.json")
    assert cell_winners(plain, "float64", 10_000, 10) == ["jax"]


def test_allocations_tracemalloc_cannot_see_say_so(tmp_path):
    data = bench_json(grid_times(PEER_RUN))
    for entry in data["benchmarks"]:
        info = entry["extra_info"]
        info["alloc_bytes"] = 4096
        if info["impl"] == "jax":
            info["alloc_visible"] = False  # missing elsewhere: visible
    out = tables(tmp_path, data)
    md = section((out / "summary.md").read_text("utf-8"), "Memory allocated per step")
    assert '`jax`: "not seen", tracemalloc cannot see their allocations' in md
    assert re.search(r"\| +not seen \|", md)
    assert re.search(r"\| +4.10 \|", md)  # cython's 4,096 bytes, seen
    rows = read_csv(out / "summary.csv")
    assert {r["jax_alloc_kb"] for r in rows} == {""}  # no misleading number
    assert {r["jax_alloc_visible"] for r in rows} == {"false"}
    assert {r["cython_alloc_kb"] for r in rows} == {"4.096"}
    assert "cython_alloc_visible" not in rows[0]
    data["benchmarks"][0]["extra_info"]["alloc_visible"] = "no"
    with pytest.raises(ReportError, match="alloc_visible must be true or false"):
        tables(tmp_path / "bad", data)


def test_first_calls_of_every_compiling_implementation(tmp_path):
    compile_times = {
        (impl, mode): seconds
        for impl, base in (("jax", 1.0), ("cython", 5.0), ("torch_compile", 20.0))
        for mode, seconds in (("import", base), ("cold", 2 * base))
    }
    data = bench_json(grid_times(PEER_RUN), compile_times=compile_times)
    for entry in data["benchmarks"]:  # the new group name, and the old one
        if entry["extra_info"].get("impl") in ("jax", "cython"):
            entry["group"] = "first call in a new process"
    assert compile_entry("x", "cold", 1)["group"] == "numba first call in a new process"
    out = tables(tmp_path, data)
    md = (out / "summary.md").read_text("utf-8")
    first = md.split("### First call in a new process\n")[1].split("\n## ")[0]
    assert "Numba's first call" not in md
    names = [line.split("|")[1].strip() for line in first.splitlines()[5:]]
    # timed ones and compiling ones of the run without first calls (dashes), in
    # the declared order; numpy compiles nothing
    assert (
        names
        == [
            "numba_simd",
            "numba_parallel",
            "jax",
            "torch_compile",
            "cython",
        ][: len(names)]
    )
    assert names[:2] == ["numba_simd", "numba_parallel"]
    rows = {r["impl"]: r for r in read_csv(out / "compile.csv")}
    assert rows["jax"]["compile_ms"] == "1000"
    assert rows["cython"]["compile_ms"] == "5000"
    assert rows["torch_compile"]["compile_ms"] == "20000"
    assert rows["numba_simd"]["compile_ms"] == ""
    assert "numpy" not in rows


def test_peer_targets_accept_a_tie_and_leave_out_absent_peers():
    document = with_passes(bench_json(grid_times(PEER_RUN)))
    document["benchmarks"].append(step_entry("jax", 20, 3, 5e-6))
    document["benchmarks"].append(step_entry("numba_simd", 20, 3, 1e-6))
    run = model.parse_run(document, "t.json")
    found = {(t.what, t.n): (t, r) for t, _, _, r in report_doc.target_rows(run)}
    assert not [w for w, _ in found if "torch" in w]  # not in the run: no row
    target, ratio = found["numba_simd vs jax, every cell of the grid", None]
    assert ratio < 1  # the worst cell: jax 1.2 % faster, a tie
    assert ratio.sign == 0
    assert stats.verdict(ratio, target.goal, target.tie_met) == (
        "met",
        "met: a tie",
    )
    assert stats.verdict(ratio, target.goal)[0] != "met"  # a tie does not count
    target, ratio = found["numba_simd vs jax, the notebook's example", 20]
    assert ratio == pytest.approx(5.0)
    assert "≥ 1.0x or a tie" in report_doc.render_targets(run, 2)


WIN_README = """# Title

<!-- report:targets:begin -->
<!-- report:targets:end -->
<!-- report:summary:begin -->
<!-- report:summary:end -->
<!-- report:cost-model:begin -->
<!-- report:cost-model:end -->
<!-- report:findings:begin -->
<!-- report:findings:end -->
{win}
"""


def test_the_win_map_is_an_optional_readme_block(tmp_path):
    src = tmp_path / "bench.json"
    tables(tmp_path, bench_json(grid_times(PEER_RUN)))  # writes in/bench.json
    src = tmp_path / "in" / "bench.json"
    readme = tmp_path / "README.md"
    markers = "<!-- report:win-map:begin -->\nold\n<!-- report:win-map:end -->"
    readme.write_text(WIN_README.format(win=markers), encoding="utf-8")
    make_report(src, readme=readme, plots=False)
    block = readme.read_text("utf-8").split("<!-- report:win-map:begin -->")[1]
    assert block.lstrip().startswith("### Which implementation wins")
    assert "old" not in block
    without = WIN_README.format(win="")
    readme.write_text(without, encoding="utf-8")
    make_report(src, readme=readme, plots=False)  # no markers: no block, no error
    assert "Which implementation wins" not in readme.read_text("utf-8")
    readme.write_text(WIN_README.format(win="<!-- report:win-map:end -->"), "utf-8")
    with pytest.raises(ReportError, match="report:win-map:begin --> not found"):
        make_report(src, readme=readme, plots=False)


def _string_constants(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


# Strings that are a library's name, not an implementation's: the keys of the
# run's library versions (model.py, what the run was measured on)
LIBRARIES = {"model.py": {"numpy", "numba", "numba_cuda", "python"}}


def test_only_comparisons_names_implementations():
    names = {impl.name for impl in kernels.DECLARED}
    found = {}
    for path in sorted((ROOT / "bench" / "report").glob("*.py")):
        if path.name == "common.py":  # who is compared with whom: the one place
            continue
        named = set(_string_constants(path)) & names
        named -= LIBRARIES.get(path.name, set())
        if named:
            found[path.name] = sorted(named)
    assert found == {}, f"implementations named outside common.py: {found}"


def test_findings_set_numba_simd_against_the_peers():
    run = model.parse_run(with_passes(bench_json(grid_times(PEER_RUN))), "f.json")
    text = "\n".join(report_doc.findings(run, costs.cost_model(run)))
    assert (
        "`numba_simd` against the peers (float64): `jax` faster in 2 of 4 cells,"
        " slower in 0, a tie in 2; `cython` faster in 4 of 4 cells" in text
    )
    assert (
        "The fastest on one core (float64, the win map's 4 cells): `numba_simd`" in text
    )
    assert "2 shared by a tie" in text
