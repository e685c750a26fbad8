"""The plots (``bench/report/plots.py``): every committed PNG a readable size, and
figures that each answer one question: at most six series a panel, legends that
neither clip nor cover the data, the answer figure drawn where the run allows it.

The legends are checked on the rendered figure: each legend's box (in pixels)
must not meet the box of any axes of its figure.
"""

import json
import struct
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from runs import bench_json, with_passes

from bench.report import document as report_doc
from bench.report import make_report
from bench.report.costs import cost_model
from bench.report.model import load_run, parse_run

matplotlib = pytest.importorskip("matplotlib")
plots = pytest.importorskip("bench.report.plots")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIGNATURE = b"\x89PNG\r\n\x1a\n"
# GitHub shows a README's images at most about 900 px wide: a figure much wider is
# shrunk until its text cannot be read, a much narrower one is a thumbnail
WIDTH_PX = (600, 2000)
HEIGHT_PX = (250, 1600)

NS = (10, 100, 1_000, 10_000)
DS = (1, 10, 100)
# (t0, seconds per sample, seconds per element) of each row of the small run
COSTS = {
    "python": (2e-6, 6e-7, 8e-8),  # the loop: a per-sample cost over its elements
    "numpy_per_sample": (5e-6, 2e-6, 1e-9),
    "numpy": (2e-5, 1e-8, 4e-10),
    "numba": (1.5e-6, 1e-8, 3e-10),
    "numba_simd": (1.5e-6, 4e-9, 2e-10),
    "numba_parallel": (2e-6, 2e-9, 1e-10),
    "jax": (3e-5, 7e-9, 6e-10),
    "torch": (6e-5, 2e-8, 6e-10),
    "torch_compile": (5e-5, 7e-9, 1e-9),
    "cython": (3e-6, 1.8e-8, 4.8e-10),
    "sklearn": (3e-5, 2e-8, 5e-10),
    "x_sum": (7e-7, 0.0, 2e-10),
    "stream_one": (4e-7, 0.0, 7e-11),
    "stream_all": (4e-7, 0.0, 5e-11),
}


def small_run(costs=COSTS, dtypes=("float64", "float32"), extra=((20, 3),)):
    """A run of ``costs``'s rows at NS x DS (and ``extra``'s sizes), exact times
    ``t0 + s * n + c * n * d``, per-pass medians around them."""
    sizes = [(n, d) for n in NS for d in DS] + list(extra)
    times = {
        (impl, n, d, dtype): t0 + s * n + c * n * d
        for impl, (t0, s, c) in costs.items()
        for n, d in sizes
        for dtype in dtypes
    }
    return parse_run(with_passes(bench_json(times)), "bench.json")


def all_figures(run):
    """``{name: Figure}`` of every plot ``planned_plots`` lists for ``run``."""
    makers = plots.figures(run, cost_model(run))
    out = {}
    with matplotlib.style.context(["default", plots.STYLE]):
        for key, (name, _) in report_doc.planned_plots(run).items():
            if key in makers:
                fig = makers[key]()
            else:
                fig = plots.figure_speedup_heatmap(run, *key[1:])
            FigureCanvasAgg(fig).draw()
            out[name] = fig
    return out


def legends(fig):
    """Every legend of ``fig``: its own, its subfigures', its axes'."""
    found = list(fig.legends)
    for sub in fig.subfigs:
        found += legends(sub)
    found += [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return found


def data_axes(fig):
    """The axes that hold data (not colour bars)."""
    return [ax for ax in fig.get_axes() if ax.get_label() != "<colorbar>"]


def series(ax):
    """The labelled series of one panel."""
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def overlaps(fig):
    """``(legend texts, axes title)`` of each legend whose box meets an axes'."""
    renderer = fig.canvas.get_renderer()
    found = []
    for legend in legends(fig):
        box = legend.get_window_extent(renderer)
        for ax in data_axes(fig):
            inter = box.intersection(box, ax.get_window_extent(renderer))
            if inter is not None and inter.width > 0 and inter.height > 0:
                labels = [t.get_text() for t in legend.get_texts()]
                found.append((labels, ax.get_title()))
    return found


def png_size(data):
    """``(width, height)`` of a PNG, after checking its signature, its chunks'
    CRCs, that IHDR comes first and IEND last."""
    assert data.startswith(SIGNATURE), "not a PNG signature"
    pos, kinds = len(SIGNATURE), []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind!r}"
        kinds.append(kind)
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        pos += 12 + length
    assert kinds[0] == b"IHDR"
    assert kinds[-1] == b"IEND"
    assert b"IDAT" in kinds
    return width, height


def committed_pngs():
    listed = subprocess.run(
        ["git", "ls-files", "results"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: the PNGs that are there
        return sorted((ROOT / "results").glob("**/*.png"))
    return [ROOT / p for p in listed.stdout.split() if p.endswith(".png")]


def test_committed_pngs_are_valid_and_a_readable_size():
    pngs = committed_pngs()
    assert pngs, "no committed PNG under results/"
    for path in pngs:
        if not path.exists():  # deleted in the work tree, not yet committed
            continue
        width, height = png_size(path.read_bytes())
        name = path.relative_to(ROOT)
        assert WIDTH_PX[0] <= width <= WIDTH_PX[1], f"{name}: {width} px wide"
        assert HEIGHT_PX[0] <= height <= HEIGHT_PX[1], f"{name}: {height} px high"


def test_the_reference_run_has_the_answer_figure():
    folder = ROOT / "results" / "full"
    assert (folder / report_doc.ANSWER_PLOT[0]).exists()
    assert (folder / "bench.json").exists()


def test_every_plot_of_a_small_run_is_a_figure_with_outside_legends():
    run = small_run()
    figs = all_figures(run)
    planned = [name for name, _ in report_doc.planned_plots(run).values()]
    assert sorted(figs) == sorted(planned)
    assert "answer.png" in figs
    assert "time_per_step_float32.png" in figs
    for name, fig in figs.items():
        assert fig is not None, name
        assert data_axes(fig), name
        assert "?" in fig.get_suptitle(), f"{name}: its title asks no question"
        assert overlaps(fig) == [], f"{name}: a legend covers a panel"
        width, height = (fig.get_size_inches() * plots.PLOT_DPI).round()
        assert WIDTH_PX[0] <= width <= WIDTH_PX[1], name
        assert HEIGHT_PX[0] <= height <= HEIGHT_PX[1], name
        for ax in data_axes(fig):
            assert len(series(ax)) <= plots.MAX_SERIES, (name, ax.get_title())


def test_series_look_different_within_a_panel():
    run = small_run()
    for name, fig in all_figures(run).items():
        if name.startswith("cost_model"):  # its lines' style says the fit's error
            continue
        for ax in data_axes(fig):
            looks = [
                (line.get_color(), line.get_linestyle(), line.get_marker())
                for line in series(ax)
            ]
            assert len(set(looks)) == len(looks), (name, ax.get_title())


def test_the_answer_figure_has_few_series_and_its_legend_outside():
    run = small_run()
    with matplotlib.style.context(["default", plots.STYLE]):
        fig = plots.figure_answer(run)
    FigureCanvasAgg(fig).draw()
    axes = data_axes(fig)
    assert [ax.get_title() for ax in axes] == [f"d = {d} features" for d in DS]
    for ax in axes:
        names = [line.get_label().split()[0] for line in series(ax)]
        assert names == [
            "python", "numpy_per_sample", "numpy", "numba", "numba_simd", "cython"
        ]  # fmt: skip
    assert "cython (fastest peer)" in [t.get_text() for t in fig.legends[0].texts]
    assert fig.get_suptitle().startswith("When does each way")
    renderer = fig.canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    for ax in axes:
        assert box.y1 < ax.get_tightbbox(renderer).y0  # below every panel
    assert overlaps(fig) == []


def test_the_answer_speedups_are_numpy_over_each():
    run = small_run()
    fig = plots.figure_answer(run)
    ax = data_axes(fig)[0]  # d = 1
    (line,) = [li for li in series(ax) if li.get_label() == "numba_simd"]
    t_numpy, t_simd = COSTS["numpy"], COSTS["numba_simd"]
    for n, y in zip(*line.get_data(), strict=True):
        want = sum(c * k for c, k in zip(t_numpy, (1, n, n), strict=True))
        want /= sum(c * k for c, k in zip(t_simd, (1, n, n), strict=True))
        assert y == pytest.approx(want, rel=1e-9)
    (base,) = [li for li in series(ax) if li.get_label().startswith("numpy (")]
    assert set(base.get_ydata()) == {1.0}


def test_no_answer_figure_without_numpy(tmp_path):
    costs = {k: v for k, v in COSTS.items() if k != "numpy"}
    run = small_run(costs)
    assert "answer" not in report_doc.planned_plots(run)
    assert plots.figure_answer(run) is None
    path = tmp_path / "bench.json"
    times = {
        (impl, n, d): t0 + s * n + c * n * d
        for impl, (t0, s, c) in costs.items()
        for n in NS
        for d in DS
    }
    path.write_text(json.dumps(bench_json(times)), encoding="utf-8")
    done = make_report(path, dpi=30)
    written = {p.name for p in done.written if p.suffix == ".png"}
    assert "answer.png" not in written
    assert "time_per_step.png" in written


def test_no_answer_figure_when_numpy_has_one_n_at_each_d():
    run = parse_run(
        bench_json({("numpy", 10, 1): 2e-5, ("numba", 10, 1): 2e-6}), "bench.json"
    )
    assert "answer" not in report_doc.planned_plots(run)


def test_a_single_column_of_points_gets_no_panel_and_is_named():
    run = small_run(dtypes=("float64",))
    fig = plots.figure_times(run, "float64")
    titles = {ax.get_title() for ax in data_axes(fig)}
    assert titles == {f"d = {d:,}" for d in DS}
    assert "20 x 3" in fig.get_suptitle()


def test_the_cost_model_lines_go_through_points_they_fit():
    run = small_run(dtypes=("float64",), extra=())
    fig = plots.figure_cost_model(run, cost_model(run))
    FigureCanvasAgg(fig).draw()
    assert overlaps(fig) == []
    for ax in data_axes(fig):
        d = int(ax.get_title().split("= ")[1].replace(",", ""))
        points = [li for li in ax.get_lines() if li.get_linestyle() == "None"]
        fits = [li for li in ax.get_lines() if li.get_linestyle() != "None"]
        assert len(points) == len(fits) <= plots.MAX_SERIES
        for pts, fit in zip(points, fits, strict=True):
            assert fit.get_linestyle() == "-"  # exact times: every fit within 25 %
            xs, ys = pts.get_data()
            assert list(xs) == list(NS)
            line_at = dict(zip(*fit.get_data(), strict=True))
            assert line_at[xs[0]] == pytest.approx(ys[0], rel=0.01), d
            assert line_at[xs[-1]] == pytest.approx(ys[-1], rel=0.01), d


def test_a_fit_that_misses_is_dashed_and_says_so():
    costs = dict(COSTS)
    run = small_run(costs, dtypes=("float64",), extra=())
    # numpy twice as slow per element from 1,000 x 100 on: X out of the caches
    for key, timing in list(run.timings.items()):
        if key[0] == "numpy" and timing.elements >= 100_000:
            run.timings[key] = replace(timing, median=4 * timing.median)
    fig = plots.figure_cost_model(run, cost_model(run))
    texts = [t.get_text() for t in fig.legends[0].texts]
    (label,) = [t for t in texts if t.startswith("numpy:")]
    assert "misses a point by" in label
    colour = plots.impl_style("numpy")["color"]
    styles = {
        li.get_linestyle()
        for ax in data_axes(fig)
        for li in ax.get_lines()
        if li.get_color() == colour and li.get_linestyle() != "None"
    }
    assert styles == {"--"}


def test_the_heatmap_names_the_sizes_off_its_grid():
    run = small_run(dtypes=("float64",))
    fig = plots.figure_speedup_heatmap(run, "numba", "numpy")
    (ax,) = data_axes(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "10", "100"]
    assert "n = 20, d = 3" in fig.get_supxlabel()
    assert fig.get_suptitle().startswith("Where is numba faster than numpy?")


def test_a_run_of_a_few_chosen_sizes_gets_its_sizes_side_by_side():
    sizes = ((10_000, 100), (100_000, 1), (100_000, 10))
    costs = {k: COSTS[k] for k in ("python", "numpy", "numba", "numba_simd")}
    times = {
        (impl, n, d): t0 + s * n + c * n * d
        for impl, (t0, s, c) in costs.items()
        for n, d in sizes
    }
    run = parse_run(with_passes(bench_json(times)), "bench.json")
    planned = report_doc.planned_plots(run)
    assert "answer" not in planned  # no d with two n: no line to draw
    assert "cost" not in planned
    figs = all_figures(run)
    assert sorted(figs) == sorted(name for name, _ in planned.values())
    for name, fig in figs.items():
        assert overlaps(fig) == [], name
    assert figs["time_per_step.png"].get_suptitle().startswith("How long does each")
    (ax,) = data_axes(figs["time_per_step.png"])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["100,000 x 1", "10,000 x 100", "100,000 x 10"]  # by n·d
    (heat,) = data_axes(figs["speedup_numba_vs_numpy.png"])
    assert [t.get_text() for t in heat.get_xticklabels()] == ["1", "10", "100"]


def test_the_reference_run_figures_keep_their_legends_off_the_data():
    run = load_run(ROOT / "results" / "full" / "bench.json")
    for name, fig in all_figures(run).items():
        assert overlaps(fig) == [], name
        for ax in data_axes(fig):
            assert len(series(ax)) <= plots.MAX_SERIES, (name, ax.get_title())
