"""The report (``bench/report/``): tables, cost model, errors, determinism, plots.

Every test builds its own small pytest-benchmark JSON with ``bench_json``, with
times chosen so that the expected numbers are known exactly.
"""

import json
import os
import re
from pathlib import Path

import pytest
from runs import (
    DS,
    MACHINE,
    NS,
    bench_json,
    linear_times,
    pyperf_file,
    read_csv,
    tables,
    with_passes,
)

import bench.run
from bench.__main__ import main as bench_main
from bench.processes import PROCESSES
from bench.report import (
    ReportError,
    cli,
    common,
    costs,
    crossovers,
    make_report,
    model,
    stats,
)
from bench.report import (
    document as report_doc,
)
from bench.report import model as report_machine
from bench.report.costs import predictors

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "results" / "full"
REFERENCE_FILES = (
    common.SUMMARY_MD,
    common.SUMMARY_CSV,
    common.COST_MODEL_CSV,
    common.CROSSOVERS_CSV,
    common.COMPILE_CSV,
    common.PYPERF_MD,
    common.PYPERF_CSV,
)


@pytest.fixture
def write(tmp_path):
    """``write(document, name) -> path``: a JSON file under ``tmp_path``."""

    def _write(document, name="bench.json"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    return _write


KNOWN = {
    ("python", 1000, 10): 100e-6,
    ("numpy", 1000, 10): 10e-6,
    ("numba", 1000, 10): 5e-6,
    ("sklearn", 1000, 10): 20e-6,
    ("x_sum", 1000, 10): 1e-6,
}


# ----------------------------------------------------------------------- tables


def test_summary_numbers(tmp_path):
    out = tables(tmp_path, bench_json(KNOWN))
    (row,) = read_csv(out / "summary.csv")
    expected = {
        "dtype": "float64",
        "n_elements": "10000",
        "python_median_us": "100",
        "numba_median_us": "5",
        "sklearn_median_us": "20",
        "speedup_numba_over_python": "20",
        "speedup_numpy_over_python": "10",
        "speedup_numba_over_numpy": "2",
        "speedup_numba_over_sklearn": "4",
        # 10,000 elements * 8 bytes / 5 us = 16 GB/s; X.sum(): 80 GB/s
        "numba_gb_per_s": "16",
        "numpy_gb_per_s": "8",
        "x_sum_gb_per_s": "80",
        "numba_share_of_x_sum": "0.2",
        "numpy_share_of_x_sum": "0.1",
    }
    assert {k: row[k] for k in expected} == expected
    assert "python_share_of_x_sum" not in row  # interpreted: no roofline column
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert re.search(r"\| +1,000 x 10 \| +100 \| +10.0 \| +5.00 \|", md)
    assert "| numba vs numpy |" in md.replace("  ", " ").replace("  ", " ")
    assert "20 %" in md
    assert "16.0" in md


def test_header_comes_from_the_json(tmp_path):
    md = (tables(tmp_path, bench_json(KNOWN)) / "summary.md").read_text("utf-8")
    for text in (
        "Test CPU 9000 (4 logical CPUs)",
        "3.11.7 (CPython)",
        "2.0.0 / 0.60.0 / 0.43.0",
        "openblas 0.3.27 (Haswell), 1 thread",
        "OPENBLAS_CORETYPE=Haswell",
        "| Numba threads                | 4",
        "omp",
        "Preset `quick`, run on 2026-01-02 03:04:05 UTC",
        "0123456789ab (branch main)",
    ):
        assert text in md


def test_missing_implementation_is_a_dash_never_nan(tmp_path):
    times = dict(KNOWN)
    times.update({("numpy", 10, 1): 8e-6, ("numba", 10, 1): 1e-6})  # no python
    out = tables(tmp_path, bench_json(times))
    rows = read_csv(out / "summary.csv")
    small = next(r for r in rows if r["n_samples"] == "10")
    assert small["python_median_us"] == ""
    assert small["speedup_numba_over_python"] == ""
    assert small["speedup_numba_over_numpy"] == "8"
    md = (out / "summary.md").read_text("utf-8")
    assert common.DASH in md
    for name in ("summary.md", "summary.csv", "cost_model.csv", "crossovers.csv"):
        assert not re.search(r"\bnan\b", (out / name).read_text("utf-8"), re.I)


def test_unknown_implementations_follow_the_known_ones(tmp_path):
    times = dict(KNOWN)
    times[("numba_parallel", 1000, 10)] = 2.5e-6
    times[("numpy_per_sample", 1000, 10)] = 50e-6
    out = tables(tmp_path, bench_json(times))
    (row,) = read_csv(out / "summary.csv")
    assert row["speedup_numba_parallel_over_numpy"] == "4"
    assert row["speedup_numpy_per_sample_over_numpy"] == "0.2"
    assert row["numba_parallel_share_of_x_sum"] == "0.4"
    assert "numpy_per_sample_share_of_x_sum" not in row
    header = (out / "summary.csv").read_text("utf-8").splitlines()[0].split(",")
    medians = [h for h in header if h.endswith("_median_us")]
    assert medians[:5] == [
        "python_median_us",
        "numpy_median_us",
        "numba_median_us",
        "numba_parallel_median_us",
        "numpy_per_sample_median_us",
    ]


def test_foreign_machine_info_reads_unknown(tmp_path):
    document = bench_json(KNOWN, machine_info={"node": "elsewhere"})
    del document["loopbench"], document["commit_info"], document["version"]
    out = tables(tmp_path, document)
    md = (out / "summary.md").read_text("utf-8")
    env = dict(model.load_run(tmp_path / "in" / "bench.json").environment)
    assert env["CPU"] == env["BLAS"] == env["Commit"] == "unknown"
    assert env["NumPy / Numba / llvmlite"] == "unknown / unknown / unknown"
    assert "Preset `quick`" in md  # from the benchmarks' extra_info


def test_float32_groups_get_their_own_tables(tmp_path):
    times = dict(KNOWN)
    times.update({(*k, "float32"): t / 2 for k, t in KNOWN.items()})
    out = tables(tmp_path, bench_json(times))
    rows = read_csv(out / "summary.csv")
    assert [r["dtype"] for r in rows] == ["float64", "float32"]
    assert rows[1]["numba_gb_per_s"] == "16"  # half the bytes in half the time
    assert "### float32" in (out / "summary.md").read_text("utf-8")


# -------------------------------------------------------------------- cost model


def test_cost_model_recovers_t0_and_c():
    run = model.parse_run(
        bench_json(linear_times({"numpy": (5e-6, 2e-9), "numba": (1e-6, 4e-9)})),
        "synthetic.json",
    )
    rows = {r.impl: r for r in costs.cost_model(run)}
    for impl, (t0, c) in {"numpy": (5e-6, 2e-9), "numba": (1e-6, 4e-9)}.items():
        for fit in (rows[impl].line, rows[impl].sampled):
            assert fit.t0 == pytest.approx(t0, rel=1e-9)
            assert fit.per_element == pytest.approx(c, rel=1e-9)
            assert fit.per_sample == pytest.approx(0.0, abs=1e-18)
            assert fit.max_error < 1e-9


def test_per_sample_model_recovers_all_three_terms():
    n = [n for n in NS for _ in DS]
    d = [d for _ in NS for d in DS]
    t = [3e-6 + 20e-9 * ni + 0.5e-9 * ni * di for ni, di in zip(n, d, strict=True)]
    fit = costs.fit_cost(n, d, t, per_sample=True)
    assert (fit.t0, fit.per_sample, fit.per_element) == pytest.approx(
        (3e-6, 20e-9, 0.5e-9), rel=1e-9
    )
    line = costs.fit_cost(n, d, t)
    assert line.rms_error > 0.05  # a line in n * d cannot describe per-sample work


def test_cost_model_with_too_few_points_says_so(tmp_path):
    out = tables(tmp_path, bench_json(KNOWN))  # one group: one point each
    md = (out / "summary.md").read_text("utf-8")
    assert "too few points to fit (1 points" in md
    (row,) = [r for r in read_csv(out / "cost_model.csv") if r["impl"] == "numba"]
    assert row["t0_us"] == ""
    assert "too few points" in row["note"]
    crossing = read_csv(out / "crossovers.csv")[0]
    assert crossing["fitted"] == "no fit (too few points)"


def test_fit_needs_two_sizes():
    assert costs.fit_cost([10, 10, 10], [1, 1, 1], [1e-6, 1.1e-6, 0.9e-6]) is None
    # Two n * d but a single d: the line fits, the per-sample model cannot.
    n, d, t = [10, 100, 1000], [1, 1, 1], [1e-6, 2e-6, 3e-6]
    assert costs.fit_cost(n, d, t) is not None
    assert costs.fit_cost(n, d, t, per_sample=True) is None


def test_crossovers_from_the_fit_and_the_grid():
    models = {
        "python": (3e-6, 100e-9),
        "numpy": (15e-6, 1e-9),
        "numba": (1e-6, 4e-9),
    }
    run = model.parse_run(bench_json(linear_times(models)), "synthetic.json")
    found = {
        (c.a, c.b): c
        for c in crossovers.crossovers(run, costs.cost_model(run), predictors(run))
    }
    assert list(found) == [("numba", "python"), ("numpy", "python"), ("numba", "numpy")]

    numba_numpy = found["numba", "numpy"]
    assert numba_numpy.fitted_elements == pytest.approx(14e-6 / 3e-9, rel=1e-9)
    assert numba_numpy.fitted.startswith("numpy overtakes numba at n·d ≈ 4,670")
    assert numba_numpy.measured_elements == 10_000
    assert numba_numpy.measured == (
        "numpy faster at every n·d ≥ 10,000 (numba still faster at n·d = 1,000)"
    )
    assert "d=1: numpy from n ≈ 4,670" in numba_numpy.per_d
    assert "d=10: numpy from n ≈ 467" in numba_numpy.per_d

    numpy_python = found["numpy", "python"]
    assert numpy_python.fitted_elements == pytest.approx(12e-6 / 99e-9, rel=1e-9)
    assert numpy_python.measured_elements == 1_000

    numba_python = found["numba", "python"]
    assert numba_python.fitted_elements is None
    assert numba_python.fitted == "lines do not cross: numba faster at every n·d"
    assert numba_python.measured == "not in this grid: numba faster at all 12 sizes"
    assert numba_python.measured_elements is None


def test_crossover_outside_the_grid_is_flagged():
    text = crossovers.fitted_crossover(
        "a",
        costs.Fit(1e-6, 0.0, 2e-9, 0.0, 0.0),
        "b",
        costs.Fit(1e-3, 0.0, 1e-9, 0.0, 0.0),
        (10, 1_000),
    )[1]
    assert text == "b overtakes a at n·d ≈ 999,000 (outside the grid, 10 to 1,000)"


def test_compile_rows(tmp_path):
    times = {
        ("numba", "import"): 0.5,
        ("numba", "cold"): 0.75,
        ("numba", "cached"): 0.51,
    }
    times.update({("numba_parallel", m): t for (_, m), t in times.items()})
    step_times = {**KNOWN, ("numba_parallel", 1000, 10): 12e-6}  # slower than numpy
    out = tables(tmp_path, bench_json(step_times, compile_times=times))
    row, slower = read_csv(out / "compile.csv")
    assert row["impl"] == "numba"
    assert float(row["import_ms"]) == pytest.approx(500)
    assert float(row["compile_ms"]) == pytest.approx(250)
    assert float(row["load_ms"]) == pytest.approx(10)
    # 250 ms / (10 us - 5 us saved per call) at the largest (only) float64 size
    assert row["calls_to_repay_n1000_d10"] == "50000"
    assert slower["calls_to_repay_n1000_d10"] == "never"
    md = (out / "summary.md").read_text("utf-8")
    assert re.search(
        r"\| numba +\| +500 \| +750 \| +510 \| +250 \| +10.0 \| +50,000 \|", md
    )
    assert "calls to repay at 1,000 x 10" in md
    assert re.search(r"\| numba_parallel .*\| +never \|", md)


# ------------------------------------------------------------------------ errors


def _bad_inputs(tmp_path):
    good = json.dumps(bench_json(KNOWN))
    only_compile = bench_json({}, compile_times={("numba", False): 0.2})
    bad_median = bench_json(KNOWN)
    bad_median["benchmarks"][0]["stats"]["median"] = "fast"
    cases = {
        "empty": ("", "file is empty"),
        "truncated": (good[: len(good) // 2], "not valid JSON"),
        "object": ("{}", "not pytest-benchmark output"),
        "array": ("[1, 2]", "top level is an array"),
        "no steps": (json.dumps(only_compile), "no step benchmarks"),
        "bad median": (json.dumps(bad_median), "no valid stats.median"),
    }
    paths = {}
    for name, (text, message) in cases.items():
        path = tmp_path / f"{name.replace(' ', '_')}.json"
        path.write_text(text, encoding="utf-8")
        paths[name] = (path, message)
    paths["missing"] = (tmp_path / "nowhere.json", "no such file")
    paths["pyperf"] = (pyperf_file(tmp_path / "numba.json"), "looks like pyperf")
    return paths


BAD = ["empty", "truncated", "object", "array", "no steps", "bad median"]


@pytest.mark.parametrize("case", [*BAD, "missing", "pyperf"])
def test_bad_input_is_a_clear_error(tmp_path, capsys, case):
    path, message = _bad_inputs(tmp_path)[case]
    with pytest.raises(ReportError, match=re.escape(message)) as info:
        make_report(path, tmp_path / "out", plots=False)
    assert str(info.value).startswith(f"{path}: ")
    assert not (tmp_path / "out").exists()

    assert bench_main(["report", "--input", str(path), "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith(f"python -m bench report: error: {path}: ")


def test_no_results_at_all(tmp_path):
    with pytest.raises(ReportError, match="no pytest-benchmark JSON found"):
        model.find_latest_json(tmp_path / "results")


# ------------------------------------------------------------- output and CLI


def test_same_json_gives_byte_identical_tables(tmp_path):
    document = bench_json(
        linear_times({"python": (3e-6, 1e-7), "numpy": (15e-6, 1e-9)}),
        compile_times={("numba", False): 0.2},
    )
    first = tmp_path / "a" / "bench.json"
    second = tmp_path / "elsewhere" / "deeper" / "bench.json"
    for path in (first, second):
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    make_report(first, plots=False)
    make_report(second, plots=False)
    names = sorted(
        p.name for p in first.parent.iterdir() if p.suffix in (".md", ".csv")
    )
    assert names == [
        "compile.csv",
        "cost_model.csv",
        "crossovers.csv",
        "summary.csv",
        "summary.md",
    ]
    for name in names:
        assert (first.parent / name).read_bytes() == (second.parent / name).read_bytes()
    assert str(tmp_path) not in (first.parent / "summary.md").read_text("utf-8")
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")]


def test_plots_are_png_files(tmp_path):
    pytest.importorskip("matplotlib")
    times = linear_times({"python": (3e-6, 1e-7), "numpy": (15e-6, 1e-9)}, ds=(1, 10))
    rows = {
        "numba": (1e-6, 4e-9),
        "numba_simd": (1e-6, 2e-9),
        "x_sum": (1e-6, 1e-10),
        "stream_one": (1e-6, 1e-10),
        "stream_all": (1e-6, 6e-11),
    }
    times.update(linear_times(rows, ds=(1, 10)))
    times.pop(("python", 10_000, 10))  # a skipped case
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(bench_json(times)), encoding="utf-8")
    done = make_report(path, dpi=30)
    pngs = sorted(p.name for p in done.written if p.suffix == ".png")
    planned = report_doc.planned_plots(done.run).values()
    assert pngs == sorted({name for name, _ in planned})
    assert "speedup_numba_simd_vs_numpy.png" in pngs  # the heatmaps
    assert "speedup_numba_vs_numpy.png" in pngs
    for name in pngs:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 1000
    md = (tmp_path / "summary.md").read_text("utf-8")
    assert all(f"]({name})" in md for name in pngs)


README = """# Title

Intro stays.

<!-- report:targets:begin -->
<!-- report:targets:end -->

<!-- report:summary:begin -->
old summary
<!-- report:summary:end -->

Middle stays.

<!-- report:cost-model:begin -->
<!-- report:cost-model:end -->

<!-- report:findings:begin -->
<!-- report:findings:end -->

End stays.
"""


def test_readme_blocks_are_replaced(tmp_path, write):
    path = write(
        bench_json(linear_times({"numpy": (5e-6, 1e-9)})), "results/bench.json"
    )
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    make_report(path, readme=readme, plots=False)
    text = readme.read_text("utf-8")
    assert "old summary" not in text
    for kept in ("Intro stays.", "Middle stays.", "End stays."):
        assert kept in text
    summary = text.split("<!-- report:summary:begin -->")[1].split("<!-- report:su")[0]
    assert "### Time per step" in summary
    assert "](results/time_per_step.png)" in summary
    assert "[results/summary.md](results/summary.md)" in summary
    cost = text.split("<!-- report:cost-model:begin -->")[1]
    assert cost.lstrip().startswith("### Cost model")
    found = text.split("<!-- report:findings:begin -->")[1]
    assert found.lstrip().startswith("### What this run found")
    make_report(path, readme=readme, plots=False)
    assert readme.read_text("utf-8") == text


def test_readme_without_markers_is_an_error(tmp_path, write):
    path = write(bench_json(KNOWN), "results/bench.json")
    readme = tmp_path / "README.md"
    readme.write_text(README.replace("<!-- report:cost-model:end -->", ""), "utf-8")
    with pytest.raises(ReportError, match="marker <!-- report:cost-model:end --> not"):
        make_report(path, readme=readme, plots=False)
    assert not (path.parent / "summary.md").exists()  # checked before any write
    assert readme.read_text("utf-8") == README.replace(
        "<!-- report:cost-model:end -->", ""
    )


def test_default_input_is_the_newest_benchmark_json(tmp_path, write, monkeypatch):
    old = write(bench_json(KNOWN), "results/quick/bench.json")
    new = write(bench_json(KNOWN, preset="full"), "results/full/bench.json")
    pyperf_json = pyperf_file(tmp_path / "results" / "pyperf" / "numba.json")
    hidden = write(bench_json(KNOWN), "results/full/.bench-x.json")
    for age, path in enumerate([pyperf_json, hidden, new, old]):
        os.utime(path, (1e9 - age * 100, 1e9 - age * 100))
    assert model.find_latest_json(tmp_path / "results") == new

    monkeypatch.setattr(cli, "RESULTS", tmp_path / "results")
    assert bench_main(["report", "--no-plots"]) == 0
    assert (new.parent / "summary.md").exists()
    assert not (old.parent / "summary.md").exists()


def test_pyperf_section(tmp_path, write, capsys):
    folder = tmp_path / "pyperf"
    folder.mkdir()
    pyperf_file(folder / "numba.json", "numba", [(10, 1, 2e-6), (100, 1, 4e-6)])
    pyperf_file(folder / "numpy.json", "numpy", [(10, 1, 20e-6), (100, 1, 20e-6)])
    path = write(bench_json(KNOWN))
    argv = ["report", "--input", str(path), "--pyperf", str(folder), "--no-plots"]
    assert bench_main(argv) == 0
    assert "wrote" in capsys.readouterr().out
    rows = read_csv(tmp_path / "pyperf.csv")
    assert [
        (r["n_samples"], r["numba_median_us"], r["numpy_median_us"]) for r in rows
    ] == [
        ("10", "2", "20"),
        ("100", "4", "20"),
    ]
    assert rows[0]["speedup_numba_over_numpy"] == "10"
    assert "# pyperf results" in (tmp_path / "pyperf.md").read_text("utf-8")


def test_pyperf_errors_name_the_file(tmp_path, write):
    path = write(bench_json(KNOWN))
    with pytest.raises(ReportError, match="not pyperf output"):
        make_report(path, pyperf=[path], plots=False)
    with pytest.raises(ReportError, match="no such file or folder"):
        make_report(path, pyperf=[tmp_path / "nope"], plots=False)


def test_run_reports_after_a_complete_run(tmp_path, monkeypatch, capsys):
    """``python -m bench run`` writes the report next to the new JSON and ends with
    what the run found, where the tables are and how to set it against the
    reference: not with the tables."""
    document = bench_json(KNOWN)

    def fake_time_passes(pytest_args, passes, json_path, root):
        Path(json_path).write_text(json.dumps(document), "utf-8")
        return 0

    monkeypatch.setattr(bench.run, "time_passes", fake_time_passes)
    monkeypatch.setattr(cli, "make_report", _no_plots(make_report))
    code, path = bench.run.run_pytest_benchmark("quick", tmp_path)
    assert (code, path) == (0, tmp_path / "bench.json")
    assert (tmp_path / "summary.md").exists()
    out = capsys.readouterr().out
    assert "### float64" not in out  # the tables are in summary.md
    assert "- A Python loop costs 10.0 ns per element of X (at 1,000 x 10)" in out
    assert "NumPy is 10.0x faster at 1,000 x 10." in out
    assert (
        out.rstrip()
        .splitlines()[-2]
        .startswith("Every table, the cost models and the plots: ")
    )
    assert out.rstrip().endswith(f"{tmp_path.as_posix()}/bench.json")


def _no_plots(make_report):
    def wrapped(*args, **kwargs):
        return make_report(*args, **{**kwargs, "plots": False})

    return wrapped


def test_number_formats():
    assert [common.fmt_sig(x) for x in (0.0965, 9.996, 1234.5, 160_000)] == [
        "0.0965",
        "10.0",
        "1,230",
        "160,000",
    ]
    assert [common.fmt_count(x) for x in (32.1, 1720.4, 64_857.8)] == [
        "32",
        "1,720",
        "64,900",
    ]
    assert common.fmt_cell(None, "time") == common.DASH
    assert common.fmt_csv(None) == ""
    assert common.fmt_csv(0.1 + 0.2) == "0.3"


def test_committed_tables_and_readme_match_their_json(tmp_path, monkeypatch):
    # The committed reference run, regenerated the way the README says it was made:
    # every table, and the README's generated blocks, byte for byte.
    out = tmp_path / "results" / "full"
    readme = tmp_path / "README.md"
    readme.write_bytes((ROOT / "README.md").read_bytes())
    monkeypatch.chdir(ROOT)  # the quick run is named as `make readme` names it
    make_report(
        REFERENCE / "bench.json",
        out,
        pyperf=[ROOT / "results" / "pyperf", ROOT / "results" / "pyperf-default"],
        readme=readme,
        plots=False,
    )
    for name in REFERENCE_FILES:
        assert (out / name).read_bytes() == (REFERENCE / name).read_bytes(), (
            f"results/full/{name} is stale: run `python -m bench report --input"
            " results/full/bench.json --pyperf results/pyperf results/pyperf-default"
            " --readme README.md` (make readme)"
        )
    assert readme.read_bytes() == (ROOT / "README.md").read_bytes(), (
        "README.md's report blocks are stale: run `python -m bench report --input"
        " results/full/bench.json --pyperf results/pyperf results/pyperf-default"
        " --readme README.md` (make readme)"
    )


def test_targets_are_measured_ratios(tmp_path):
    big = (1_000_000, 100)
    times = {
        ("numba", 20, 3): 1e-6,
        ("numba_simd", 20, 3): 1e-6,
        ("numpy", 20, 3): 12e-6,
        ("numba", *big): 0.030,
        ("numba_simd", *big): 0.025,
        ("numpy", *big): 0.054,
        ("sklearn", *big): 0.066,
        ("stream_one", *big): 0.020,
        ("stream_all", *big): 0.010,
        ("numba_parallel", *big): 0.0125,
    }
    run = model.parse_run(bench_json(times), "t.json")
    rows = {
        (t.what, t.n): (size, ratio)
        for t, _, size, ratio in report_doc.target_rows(run)
    }
    assert rows["numba vs numpy, the notebook's example", 20] == (
        (20, 3),
        pytest.approx(12),
    )
    assert rows["numba vs numpy", 1_000_000][1] == pytest.approx(1.8)
    assert rows["numba_simd vs scikit-learn", 1_000_000][1] == pytest.approx(2.64)
    assert rows["numba_simd's rate / stream_one's", 1_000_000][1] == pytest.approx(0.8)
    assert rows["numba_simd's rate / stream_one's", 100_000] == (None, None)
    assert rows["numba_parallel's rate / stream_all's", 1_000_000][1] == pytest.approx(
        0.8
    )
    # over every cell: the worst one, and where it is
    assert rows["numba_simd vs numpy, every cell of the grid", None] == (
        big,
        pytest.approx(2.16),
    )
    md = (tables(tmp_path, bench_json(times)) / "summary.md").read_text("utf-8")
    missed = (
        r"\| numba vs numpy +\| float64 \| +1,000,000 x 100 \| +1.80x \| +≥ 2.0x \|"
        r" missed by 10 %"
    )
    assert re.search(missed, md)
    assert re.search(r"\| numba_simd vs scikit-learn +\|.*\| met", md)
    assert re.search(
        r"every cell of the grid +\| float64 \| +worst: 1,000,000 x 100", md
    )
    assert re.search(
        r"stream_one's +\| float64 \| +100,000 x 1,000 \|.*not in this run", md
    )


def test_a_target_outside_the_grid_says_so():
    rows = report_doc.target_rows(model.parse_run(bench_json(KNOWN), "k.json"))
    assert rows
    assert all(size is None and ratio is None for _, _, size, ratio in rows)


def test_the_stream_is_the_roofline_when_the_run_has_it(tmp_path):
    times = dict(KNOWN)
    times[("numba_parallel", 1000, 10)] = 2.5e-6
    times[("stream_one", 1000, 10)] = 4e-6
    times[("stream_all", 1000, 10)] = 2e-6
    out = tables(tmp_path, bench_json(times))
    (row,) = read_csv(out / "summary.csv")
    # serial implementations against the one-thread stream, threaded ones against
    # the all-threads stream; X.sum() keeps its rate, without a share column
    assert row["numba_share_of_stream_one"] == "0.8"
    assert row["numpy_share_of_stream_one"] == "0.4"
    assert row["numba_parallel_share_of_stream_all"] == "0.8"
    assert row["x_sum_gb_per_s"] == "80"
    assert not [k for k in row if k.endswith("_share_of_x_sum")]
    assert "python_share_of_stream_one" not in row
    md = (out / "summary.md").read_text("utf-8")
    assert "compiled load-only stream" in md
    assert "| numba / stream_one |" in re.sub(" +", " ", md)


def test_allocated_bytes_make_a_table_when_recorded(tmp_path):
    data = bench_json(KNOWN)
    for entry in data["benchmarks"]:
        impl = entry["extra_info"]["impl"]
        entry["extra_info"]["alloc_bytes"] = {"numpy": 250_000, "numba": 160}.get(impl)
    out = tables(tmp_path, data)
    (row,) = read_csv(out / "summary.csv")
    assert row["numpy_alloc_kb"] == "250"
    assert row["numba_alloc_kb"] == "0.16"
    assert row["python_alloc_kb"] == ""  # not recorded: no number
    md = (out / "summary.md").read_text("utf-8")
    assert "## Memory allocated per step" in md
    assert re.search(r"\| +1,000 x 10 \| +0.0800 \| +— \| +250 \| +0.160 \|", md)
    # a run without the record has no such table (older runs)
    plain = (tables(tmp_path / "old", bench_json(KNOWN)) / "summary.md").read_text()
    assert "Memory allocated" not in plain


def test_a_negative_allocation_is_refused(tmp_path, write):
    data = bench_json(KNOWN)
    data["benchmarks"][0]["extra_info"]["alloc_bytes"] = -1
    path = write(data, "bad.json")
    with pytest.raises(ReportError, match="alloc_bytes=-1"):
        make_report(path, plots=False)


# -------------------------------------------------------------------- intervals


def test_speedups_carry_intervals_and_ties(tmp_path):
    times = dict(KNOWN)
    times[("numba_parallel", 1000, 10)] = 9.8e-6  # 2 % faster than numpy: a tie
    out = tables(tmp_path, with_passes(bench_json(times)))
    (row,) = read_csv(out / "summary.csv")
    assert row["speedup_numba_over_numpy"] == "2"
    low, high = (float(row[f"speedup_numba_over_numpy_{k}"]) for k in ("low", "high"))
    assert 1.9 < low < 2 < high < 2.1
    assert row["speedup_numba_over_numpy_verdict"] == "faster"
    assert row["speedup_numba_parallel_over_numpy_verdict"] == "tie"
    assert row["speedup_numpy_over_python_verdict"] == "faster"
    md = (out / "summary.md").read_text("utf-8")
    assert re.search(r"\| +2\.00 \[1\.9\d, 2\.0\d\] \|", md)
    assert re.search(r"\| +~1\.02 \[1\.0\d, 1\.0\d\] \|", md)  # under 5 %: a tie
    assert "percentile bootstrap interval (`scipy.stats.bootstrap`" in md
    assert re.search(r"\| Passes over the grid +\| 5 ", md)
    assert re.search(r"\| Processes +\| one for all passes ", md)
    assert not make_report(out.parent / "in" / "bench.json", plots=False).notes


def test_the_run_table_says_each_pass_had_a_process_of_its_own(tmp_path):
    document = with_passes(bench_json(KNOWN))
    document["loopbench"]["processes"] = PROCESSES
    md = (tables(tmp_path, document) / "summary.md").read_text("utf-8")
    assert re.search(rf"\| Processes +\| {PROCESSES} ", md)


def test_the_time_a_case_gets_in_each_pass_reads_in_three_digits(tmp_path):
    document = with_passes(bench_json(KNOWN), passes=7)
    document["loopbench"]["max_time_per_pass"] = 0.5 / 7
    md = (tables(tmp_path, document) / "summary.md").read_text("utf-8")
    assert re.search(r"\| Passes over the grid +\| 7, 0\.0714 s a case each ", md)


def test_a_run_without_samples_says_so(tmp_path, write):
    notes = make_report(write(bench_json(KNOWN)), plots=False).notes
    assert any(n.startswith(stats.NO_INTERVAL) for n in notes)


def test_same_json_with_passes_gives_byte_identical_tables(tmp_path):
    document = with_passes(
        bench_json(linear_times({"numpy": (15e-6, 1e-9), "numba": (1e-6, 4e-9)}))
    )
    outs = []
    for name in ("a", "b"):
        stats._interval.cache_clear()  # recomputed, not remembered
        outs.append(tables(tmp_path / name, document))
    for name in ("summary.md", "summary.csv", "crossovers.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_targets_with_intervals():
    big = (1_000_000, 100)
    times = {
        ("numba", 20, 3): 1e-6,
        ("numpy", 20, 3): 12e-6,  # 12x, goal 10x: met
        ("numba", *big): 0.030,
        ("numpy", *big): 0.0597,  # 1.99x, goal 2x: the interval spans it
        ("numba_simd", 20, 3): 1e-6,  # 12x over numpy
        ("numba_simd", *big): 0.020,  # 2.99x over numpy
        ("sklearn", *big): 0.030,  # 1.5x, goal 2x: missed
    }
    run = model.parse_run(with_passes(bench_json(times), spread=0.02), "t.json")
    found = {
        (t.what, t.n): (size, ratio)
        for t, _, size, ratio in report_doc.target_rows(run)
    }

    def kind(what, n):
        _, ratio = found[what, n]
        goal = next(t.goal for t in report_doc.TARGETS if (t.what, t.n) == (what, n))
        return stats.verdict(ratio, goal)

    assert kind("numba vs numpy, the notebook's example", 20) == ("met", "met")
    assert kind("numba vs numpy", 1_000_000)[0] == "too close"
    assert kind("numba_simd vs scikit-learn", 1_000_000) == (
        "missed",
        "missed by 25 %",
    )
    # every cell: the worst one counts, and its interval with it
    size, ratio = found["numba_simd vs numpy, every cell of the grid", None]
    assert size == (1_000_000, 100)
    assert ratio.has_interval
    assert ratio.low < 2.99 < ratio.high
    md = report_doc.render_targets(run, 2)
    assert "too close to call: the interval spans the target" in md
    assert "met when the interval's low end reaches the target" in md


def test_few_feature_targets_a_time_budget_and_float32_against_float64():
    # issue 33's targets: numba_simd's time per sample at 1e6 x 1 (float64 only),
    # its float32 step against its float64 step, and its rate at 1e6 x 10
    one, ten = (1_000_000, 1), (1_000_000, 10)
    times = {
        ("numba_simd", *one, "float64"): 4.2e-3,  # 4.2 ns a sample: over 2.5
        ("numba_simd", *one, "float32"): 2.1e-3,  # 2.0x float64's: met
        ("numba_simd", *ten, "float64"): 4.0e-3,  # 0.5 of the stream's rate: met
        ("stream_one", *ten, "float64"): 2.0e-3,
        ("numba_simd", *ten, "float32"): 4.0e-3,  # 0.25 of it: missed
        ("stream_one", *ten, "float32"): 1.0e-3,
    }
    run = model.parse_run(with_passes(bench_json(times), spread=0.02), "t.json")
    found = {
        (t.what, dtype): (t, size, ratio)
        for t, dtype, size, ratio in report_doc.target_rows(run)
    }
    budget, _, ns = found["numba_simd's time per sample", "float64"]
    assert ("numba_simd's time per sample", "float32") not in found
    assert ns == pytest.approx(4.2)
    assert ns.low < 4.2 < ns.high
    assert stats.target_verdict(ns, budget) == ("missed", "missed by 68 %")
    # the interval decides: under the budget at its high end is met, astride it
    # too close to call
    assert stats.target_verdict(stats.Ratio(2.4, 2.3, 2.5), budget)[0] == "met"
    assert stats.target_verdict(stats.Ratio(2.4, 2.3, 2.6), budget)[0] == "too close"
    target, _, speed = found["numba_simd in float32 vs in float64", "float32"]
    assert ("numba_simd in float32 vs in float64", "float64") not in found
    assert speed == pytest.approx(2.0)
    assert stats.target_verdict(speed, target) == ("met", "met")
    few = "numba_simd's rate / stream_one's, few features"
    assert found[few, "float64"][2] == pytest.approx(0.5)
    assert found[few, "float32"][2] == pytest.approx(0.25)
    md = report_doc.render_targets(run, 2)
    assert re.search(
        r"time per sample +\| float64 \| +1,000,000 x 1 \| +4.20 ns \[", md
    )
    assert re.search(r"\| +≤ 2.5 ns \| missed by 68 %", md)
    assert re.search(r"every cell of the grid +\|[^\n]*\| +≥ 1.25x \|", md)
    assert re.search(r"few features +\| float32 \|[^\n]*≥ 0.40x \| missed by 38 %", md)


def test_measured_crossovers_leave_ties_out():
    models = {"numpy": (15e-6, 1e-9), "numba": (1e-6, 4e-9)}
    times = linear_times(models)
    # numpy overtakes numba near n·d = 4,670; at n·d = 1,000 make them a tie
    for d, n in ((10, 100), (100, 10), (1, 1000)):
        times[("numba", n, d)] = times[("numpy", n, d)] * 0.98
    run = model.parse_run(with_passes(bench_json(times)), "synthetic.json")
    (found,) = [
        c
        for c in crossovers.crossovers(run, costs.cost_model(run), predictors(run))
        if c.a == "numba"
    ]
    assert found.measured == (
        "numpy faster at every n·d ≥ 10,000 (numba still faster at n·d = 100);"
        " 3 ties left out"
    )
    assert found.measured_elements == 10_000


def test_heatmap_with_ties_is_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    times = linear_times({"numpy": (15e-6, 1e-9), "numba": (1e-6, 4e-9)}, ds=(1, 10))
    times[("numba", 1000, 1)] = times[("numpy", 1000, 1)]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(with_passes(bench_json(times))), encoding="utf-8")
    done = make_report(path, dpi=30)
    heatmap = tmp_path / report_doc.heatmap_plot("numba", "numpy")[0]
    assert heatmap in done.written
    assert heatmap.read_bytes().startswith(b"\x89PNG")


GPU_INFO = {
    **MACHINE,
    "loopbench": {
        **MACHINE["loopbench"],
        "gpu": {"name": "Test GPU", "compute_capability": "9.0", "numba_cuda": "0.30"},
    },
}


def gpu_times():
    """A gpu-preset run: at n = 1e4 the cores win, from n = 1e5 the GPU does."""
    times = {}
    for n in (10_000, 100_000, 1_000_000):
        elements = n * 100
        times.update(
            {
                ("numba_parallel", n, 100): 2e-10 * elements,
                ("numba_cuda", n, 100): 2e-4 + 4e-11 * elements,
                ("cuda_resident", n, 100): 1e-5 + 1e-12 * elements,
                ("cuda_load", n, 100): 5e-6 + 8e-13 * elements,
                ("cuda_h2d", n, 100): 1e-5 + 4e-11 * elements,
                ("stream_all", n, 100): 1e-10 * elements,
            }
        )
    return times


def test_gpu_rows_make_a_section_of_their_own(tmp_path):
    out = tables(tmp_path, bench_json(gpu_times(), machine_info=GPU_INFO))
    md = (out / "summary.md").read_text("utf-8")
    assert "## The step on a GPU" in md
    assert "| GPU " in md
    assert "Test GPU, compute capability 9.0, numba-cuda 0.30" in md
    flat = re.sub(" +", " ", md)
    # n = 1e6: copy 4.01 ms of a 4.2 ms step; resident 0.11 ms reads X at
    # (5e-6 + 8e-5) / (1e-5 + 1e-4) = 77 % of cuda_load's rate; epochs to repay
    # 4.01 ms / (20 ms - 0.11 ms) -> 1
    assert "| 1,000,000 | 100 | 4,010 | 95 % | 77 % | 4.76 | 182 | 1 |" in flat
    # n = 1e4: the step with transfer loses to the cores (0.2 / 0.24 ms)
    assert "| 10,000 | 100 | 50.0 | 21 % | 53 % | 0.833 |" in flat
    assert "d = 100: numba_cuda faster from n = 100,000" in md
    # the GPU's own targets, not the CPU grid's
    assert "cuda_resident's rate / cuda_load's" in md
    assert "numba_simd vs numpy" not in md.split("## Performance targets")[1][:900]
    (row,) = [r for r in read_csv(out / "summary.csv") if r["n_samples"] == "1000000"]
    assert row["numba_cuda_share_of_cuda_load"] != ""
    assert row["cuda_h2d_gb_per_s"] != ""


def test_a_cpu_run_has_no_gpu_section(tmp_path):
    md = (tables(tmp_path, bench_json(KNOWN)) / "summary.md").read_text("utf-8")
    assert "on a GPU" not in md
    assert "| GPU " not in md


def test_findings_state_this_runs_numbers(tmp_path):
    times = linear_times(
        {
            "python": (3e-6, 80e-9),
            "numpy": (15e-6, 0.3e-9),
            "numba": (1e-6, 0.25e-9),
            "numba_simd": (1e-6, 0.2e-9),
            "stream_one": (0.5e-6, 0.1e-9),
            "x_sum": (0.5e-6, 0.15e-9),
        },
        ds=(1, 10),
    )
    times[("numpy", 20, 3)], times[("numba", 20, 3)] = 15e-6, 1.5e-6
    data = bench_json(
        times, compile_times={("numba", "import"): 0.2, ("numba", "cold"): 1.2}
    )
    for entry in data["benchmarks"]:
        info = entry["extra_info"]
        per_n = {"numpy": 40, "numba": 0, "numba_simd": 0}.get(info["impl"])
        if per_n is not None:
            info["alloc_bytes"] = 160 + per_n * info["n_samples"]
    run = model.parse_run(data, "f.json")
    fits = costs.cost_model(run)
    found = report_doc.findings(run, fits)
    text = "\n".join(found)
    assert "costs 80.0 ns in the Python loop and 0.246 ns compiled" in text
    assert "a call costs NumPy 15.0 µs before it touches the data" in text
    assert "`numba` against `numpy` (float64): faster in" in text
    assert "(by medians alone: no intervals); at the notebook's 20 x 3, 10.0x" in text
    assert "`numba_simd` reads X at" in text
    assert "of `stream_one`'s rate" in text
    assert "`numpy` 400 kB" in text
    assert "`numba` 0.160 kB" in text
    # 1 s of compiling / (15 - 1.5) µs saved per call at 20 x 3
    assert (
        "Compiling `numba` costs 1,000 ms; it is repaid after 74,075 calls at 20 x 3"
        in text
    )
    md = report_doc.render_findings(run, fits, 3)
    assert md.startswith("### What this run found\n\nIn this run (preset `quick`,")
    # a run without those rows says so instead of guessing
    bare = model.parse_run(bench_json({("numpy", 10, 1): 1e-5}), "b.json")
    assert report_doc.findings(bare, costs.cost_model(bare)) == []
    assert "nothing to report" in report_doc.render_findings(bare, [], 3)


def test_written_files_are_readable_by_everyone(tmp_path):
    out = tables(tmp_path, bench_json(KNOWN))
    for name in ("summary.md", "summary.csv"):
        assert (out / name).stat().st_mode & 0o777 == 0o644


def test_the_commit_row_tells_code_changes_from_regenerated_results():
    info = {"id": "0123456789abcdef", "branch": "main", "dirty": True}
    assert report_machine._commit(info, []) == (
        "0123456789ab (branch main, uncommitted changes in results/ only)"
    )
    assert report_machine._commit(info, ["bench/grid.py"]) == (
        "0123456789ab (branch main, UNCOMMITTED CHANGES (bench/grid.py): not the"
        " code of this commit)"
    )
    # an older run, without the list: git's flag, which counts results too
    assert "UNCOMMITTED CHANGES: not the code" in report_machine._commit(info)
    assert (
        report_machine._commit({**info, "dirty": False}, [])
        == "0123456789ab (branch main)"
    )
