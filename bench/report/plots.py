"""PNG plots of a benchmark run (needs the ``plot`` extra, i.e. matplotlib).

Figures are built with matplotlib's object API (``matplotlib.figure.Figure``, no
pyplot): nothing is shown, no global backend is switched, and the Agg renderer
draws them headless. Each figure uses matplotlib's default style plus ``STYLE``,
whatever the user's matplotlibrc says, is saved at a fixed dpi without the
"Software" metadata entry, and is written atomically.

Only ``bench/report/cli.py`` imports this module, and only when plots are asked
for, so that the tables need no matplotlib.
"""

import io

import matplotlib.style
import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bench.report.common import (
    CUDA_H2D,
    CUDA_LOAD,
    CUDA_RESIDENT,
    DASH,
    PLOT_DPI,
    ROOFLINES,
    SKLEARN,
    STREAM_ALL,
    STREAM_ONE,
    STREAMS,
    X_SUM,
    fmt_count,
    fmt_sig,
    write_atomic,
)
from bench.report.document import has_stream, planned_plots
from bench.report.model import DISPLAY_ORDER
from bench.report.stats import fmt_ratio, has_intervals, speedup

STYLE = {
    "font.size": 8,
    "axes.titlesize": 9,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.markersize": 4,
}
TIMES = "\u00d7"
PANEL = (3.0, 2.4)  # inches per panel
TIME_LABEL = "time per step (µs)"
SIZE_LABEL = "n·d (elements of X)"
REFERENCE_STYLE = {
    SKLEARN: {"color": "0.45", "linestyle": "--", "marker": "s"},
    X_SUM: {"color": "black", "linestyle": ":", "marker": "."},
    STREAM_ONE: {"color": "black", "linestyle": "-", "marker": "."},
    STREAM_ALL: {"color": "black", "linestyle": "--", "marker": "."},
    CUDA_LOAD: {"color": "black", "linestyle": "-.", "marker": "."},
    CUDA_RESIDENT: {"color": "C9", "linestyle": "--", "marker": "^"},
    CUDA_H2D: {"color": "0.6", "linestyle": ":", "marker": "v"},
}


def impl_style(impl):
    """Color and marker of an implementation, fixed by its place in
    ``kernels.DECLARED`` so that every plot and every run agree."""
    if impl in REFERENCE_STYLE:
        return dict(REFERENCE_STYLE[impl])
    names = list(DISPLAY_ORDER)
    index = names.index(impl) if impl in names else len(names) + sum(map(ord, impl))
    marker = "osD^v"[index // 10 % 5]  # past ten colours, another marker
    return {"color": f"C{index % 10}", "linestyle": "-", "marker": marker}


def save(fig, path, dpi):
    """Render ``fig`` to PNG bytes and write them atomically to ``path``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return write_atomic(path, buf.getvalue())


def panels(rows, cols, size=PANEL, **kwargs):
    """A constrained-layout figure with a ``rows`` x ``cols`` grid of axes, each
    about ``size`` (width, height) inches, plus room for a legend."""
    fig = Figure(figsize=(size[0] * cols + 1.4, size[1] * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, **kwargs)
    return fig, axes


def figure_legend(fig, axes):
    """One legend for the figure, from the labelled lines of all its axes."""
    handles = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="outside right upper")


def _dims_of(run, dtype):
    return sorted({d for _, d in run.sizes(dtype)})


def _dims(run):
    return sorted({d for dtype in run.dtypes for d in _dims_of(run, dtype)})


def plot_by_d(run, path, dpi, value, ylabel, title, roofline=False):
    """Log-log panels, one row per dtype and one column per d, of ``value`` against
    n * d for every implementation (and the reference rows).

    Parameters
    ----------
    value : callable
        ``value(timing) -> float`` plotted on the y axis.
    roofline : bool
        Draw only the rooflines among the reference rows (the read-rate plot).
    """
    dims = _dims(run)
    refs = list(ROOFLINES) if roofline else list(run.references)
    names = [*run.impls, *(r for r in refs if r in run.references)]
    # the rows the legend calls a roofline: the compiled streams where the run has
    # them (x_sum is then NumPy's own pass over X, not a ceiling), else x_sum
    ceilings = set(STREAMS) if has_stream(run) else set(ROOFLINES)
    fig, axes = panels(len(run.dtypes), len(dims), sharex=True, sharey=True)
    for row, dtype in enumerate(run.dtypes):
        for col, d in enumerate(dims):
            ax = axes[row, col]
            ax.set(xscale="log", yscale="log", title=f"{dtype}, d = {d}")
            if d not in _dims_of(run, dtype):
                ax.set_axis_off()
                continue
            for impl in names:
                pts = [p for p in run.points(impl, dtype) if p.d == d]
                if pts:
                    label = f"{impl} (roofline)" if impl in ceilings else impl
                    x = [p.elements for p in pts]
                    ax.plot(x, [value(p) for p in pts], label=label, **impl_style(impl))
            below = [dt for dt in run.dtypes[row + 1 :] if d in _dims_of(run, dt)]
            if not below:  # the lowest panel of its column carries the x axis
                ax.xaxis.set_tick_params(labelbottom=True)
                ax.set_xlabel(SIZE_LABEL)
            if col == 0:
                ax.set_ylabel(ylabel)
    figure_legend(fig, axes)
    fig.suptitle(title)
    return save(fig, path, dpi)


def plot_times(run, path, dpi=PLOT_DPI):
    """Time per step against n * d, one panel per (dtype, d)."""
    return plot_by_d(
        run,
        path,
        dpi,
        lambda p: p.median * 1e6,
        TIME_LABEL,
        "Median time per step (log-log; lower is faster)",
    )


def plot_read_rate(run, path, dpi=PLOT_DPI):
    """GB/s at which each implementation reads X, with the roofline rows."""
    title = (
        "Bytes of X / time per step; the compiled stream is the roofline"
        if has_stream(run)
        else "Bytes of X / time per step; x_sum = X.sum() is the roofline"
    )
    return plot_by_d(
        run, path, dpi, lambda p: p.gb_per_s, "rate of reading X (GB/s)", title, True
    )


def plot_cost_model(run, costs, crossings, path, dpi=PLOT_DPI):
    """Each implementation's medians (points) and its fitted line t0 + c * n * d,
    one panel per dtype, with the n * d at which the fitted lines cross."""
    fig, axes = panels(1, len(run.dtypes), size=(5.0, 3.8), sharey=True)
    for ax, dtype in zip(axes[0], run.dtypes, strict=True):
        ax.set(xscale="log", yscale="log", title=dtype, xlabel=SIZE_LABEL)
        rows = [r for r in costs if r.dtype == dtype and not r.reference]
        if not rows:
            ax.set_axis_off()
            continue
        lo = min(r.min_elements for r in rows)
        hi = max(r.max_elements for r in rows)
        for r in rows:
            style = impl_style(r.impl)
            pts = run.points(r.impl, dtype)
            x = [p.elements for p in pts]
            t = [p.median * 1e6 for p in pts]
            ax.plot(
                x, t, linestyle="none", marker=style["marker"], color=style["color"]
            )
            if r.line is None:
                ax.plot([], [], color=style["color"], label=f"{r.impl}: too few points")
                continue
            grid = np.geomspace(r.min_elements, r.max_elements, 100)
            fitted = (r.line.t0 + r.line.per_element * grid) * 1e6
            label = (
                f"{r.impl}: {fmt_sig(r.line.t0 * 1e6)} µs"
                f" + {fmt_sig(r.line.per_element * 1e9)} ns·n·d"
            )
            keep = fitted > 0
            ax.plot(grid[keep], fitted[keep], color=style["color"], label=label)
        for c in crossings:
            if c.dtype == dtype and c.fitted_elements and lo <= c.fitted_elements <= hi:
                ax.axvline(c.fitted_elements, color="0.5", linestyle=":", linewidth=1)
                ax.annotate(
                    f"{c.a} vs {c.b}\n≈ {fmt_count(c.fitted_elements)}",
                    (c.fitted_elements, 0.02),
                    xycoords=("data", "axes fraction"),
                    fontsize=6,
                    color="0.3",
                    ha="left",
                )
        ax.legend(loc="upper left")
    axes[0, 0].set_ylabel(TIME_LABEL)
    fig.suptitle("Cost model: measured medians (points), fitted t0 + c·n·d (lines)")
    return save(fig, path, dpi)


def plot_speedup_heatmap(run, path, fast, base, dpi=PLOT_DPI):
    """Heatmap over (n, d) of time(base) / time(fast), values written in the cells;
    blue where ``fast`` is faster, red where it is slower, grey and hatched where
    the two are a tie (``bench/report/stats.py``), with the 95 % interval under
    the value when the run has one."""
    fig, axes = panels(1, len(run.dtypes), size=(4.4, 3.4))
    for ax, dtype in zip(axes[0], run.dtypes, strict=True):
        sizes = run.sizes(dtype)
        ns = sorted({n for n, _ in sizes})
        ds = sorted({d for _, d in sizes})
        found = {
            (i, j): speedup(run, fast, base, dtype, n, d)
            for i, n in enumerate(ns)
            for j, d in enumerate(ds)
        }
        ratio = np.full((len(ns), len(ds)), np.nan)
        for (i, j), r in found.items():
            if r is not None and r.sign != 0:
                ratio[i, j] = r
        logs = np.ma.masked_invalid(np.log2(ratio))
        limit = max(1.0, float(np.abs(logs).max()) if logs.count() else 1.0)
        image = ax.imshow(
            logs,
            cmap=matplotlib.colormaps["RdBu"].with_extremes(bad="0.9"),
            norm=TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit),
            aspect="auto",
            origin="lower",
        )
        for (i, j), r in found.items():
            if r is None:
                ax.text(j, i, DASH, ha="center", va="center", fontsize=7)
                continue
            if r.sign == 0:
                ax.add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                              edgecolor="0.7", linewidth=0)
                )  # fmt: skip
            text = fmt_ratio(r, TIMES).replace(" [", "\n[")
            dark = r.sign != 0 and abs(np.log2(r)) > 0.6 * limit
            ax.text(j, i, text, ha="center", va="center",
                    fontsize=6 if r.has_interval else 7,
                    color="white" if dark else "black")  # fmt: skip
        ax.set(
            xticks=range(len(ds)),
            xticklabels=[f"{d:,}" for d in ds],
            yticks=range(len(ns)),
            yticklabels=[f"{n:,}" for n in ns],
            xlabel="d (features)",
            ylabel="n (samples)",
            title=dtype,
        )
        ax.grid(False)
        ticks = np.arange(-np.floor(limit), np.floor(limit) + 1)
        bar = fig.colorbar(image, ax=ax, ticks=ticks)
        bar.ax.set_yticklabels([f"{fmt_sig(2.0**t, 2)}{TIMES}" for t in ticks])
    tie = "; grey, hatched, ~: a tie (95 % interval)" if has_intervals(run) else ""
    fig.suptitle(
        f"Speedup of {fast} over {base}: time({base}) / time({fast})\n"
        f"blue: {fast} faster, red: {base} faster{tie}"
    )
    return save(fig, path, dpi)


def make_plots(run, costs, crossings, out_dir, dpi=PLOT_DPI):
    """Write every plot ``figures.planned_plots`` lists for ``run`` into ``out_dir``.

    Returns
    -------
    list of Path
        The PNG files written.
    """
    makers = {
        "time": lambda path: plot_times(run, path, dpi),
        "cost": lambda path: plot_cost_model(run, costs, crossings, path, dpi),
        "rate": lambda path: plot_read_rate(run, path, dpi),
    }
    written = []
    with matplotlib.style.context(["default", STYLE]):
        for key, (name, _) in planned_plots(run).items():
            if key in makers:
                written.append(makers[key](out_dir / name))
            else:  # ("heatmap", fast, base)
                _, fast, base = key
                written.append(
                    plot_speedup_heatmap(run, out_dir / name, fast, base, dpi=dpi)
                )
    return written
