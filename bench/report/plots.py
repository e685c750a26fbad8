"""PNG plots of a benchmark run (needs the ``plot`` extra, i.e. matplotlib).

Every figure answers one question, asked in its title; it is drawn ``WIDTH``
inches wide at ``PLOT_DPI`` (about 1,000 px, GitHub's page width), with at most
``MAX_SERIES`` series a panel, each implementation in a colour, line style and
marker of its own (``impl_style``), and its legend outside the panels (below them,
or below each row of them), so that it neither clips nor covers the data.

Figures are built with matplotlib's object API (``matplotlib.figure.Figure``, no
pyplot): nothing is shown, no global backend is switched, and the Agg renderer
draws them headless. Each figure uses matplotlib's default style plus ``STYLE``,
whatever the user's matplotlibrc says, is saved at a fixed dpi without the
"Software" metadata entry, and is written atomically. The ``figure_*`` functions
build a figure, the ``plot_*`` functions save it.

Only ``bench/report/cli.py`` imports this module, and only when plots are asked
for, so that the tables need no matplotlib.
"""

import io
import math

import matplotlib.style
import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from bench.report.common import (
    CUDA_H2D,
    CUDA_LOAD,
    CUDA_RESIDENT,
    DASH,
    LOOP,
    OURS,
    PEERS,
    PLOT_DPI,
    ROOFLINES,
    SKLEARN,
    STREAM_ALL,
    STREAM_ONE,
    STREAMS,
    VECTORIZED,
    X_SUM,
    competitors,
    compiled,
    fmt_sig,
    write_atomic,
)
from bench.report.crossovers import LINE_MAX_ERROR
from bench.report.document import DTYPE, has_stream, planned_plots
from bench.report.model import DISPLAY_ORDER
from bench.report.stats import fmt_ratio, has_intervals, speedup
from kernels import trait

STYLE = {
    "font.size": 8,
    "axes.titlesize": 9,
    "figure.titlesize": 10,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.markersize": 4,
    "lines.linewidth": 1.5,
}
TIMES = "\u00d7"
WIDTH = 9.0  # inches: 990 px at PLOT_DPI, about GitHub's page width
MAX_SERIES = 6  # the most series one panel shows
MAX_PANELS = 4  # the most panels (values of d) a row shows
TIME_LABEL = "time per step (µs)"
N_LABEL = "n (samples)"
# Ten colours told apart by most eyes (matplotlib's tab10 with its grey last), four
# line styles and seven markers: an implementation's place in DISPLAY_ORDER picks
# one of each, so that no two of the first 28 look alike
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")  # fmt: skip
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = "osD^vPX"
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
    """Colour, line style and marker of an implementation, fixed by its place in
    ``kernels.DECLARED`` so that every plot and every run agree."""
    if impl in REFERENCE_STYLE:
        return dict(REFERENCE_STYLE[impl])
    names = list(DISPLAY_ORDER)
    index = names.index(impl) if impl in names else len(names) + sum(map(ord, impl))
    return {
        "color": COLOURS[index % len(COLOURS)],
        "linestyle": LINESTYLES[index % len(LINESTYLES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def save(fig, path, dpi):
    """Render ``fig`` to PNG bytes and write them atomically to ``path``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return write_atomic(path, buf.getvalue())


def new_figure(height):
    """A constrained-layout figure ``WIDTH`` inches wide."""
    return Figure(figsize=(WIDTH, height), layout="constrained")


def legend_below(fig, axes, ncols=MAX_SERIES, order=None):
    """One legend for ``fig`` (a figure or a subfigure), from the labelled lines of
    ``axes``, below them: constrained layout keeps the room for it."""
    handles = {}
    for ax in np.ravel(axes):
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    if order is not None:
        handles = {k: handles[k] for k in order if k in handles}
    if handles:
        fig.legend(
            handles.values(),
            handles.keys(),
            loc="outside lower center",
            ncols=min(ncols, len(handles)),
            frameon=False,
        )


def chunks(names, size=MAX_SERIES):
    """``names`` in groups of at most ``size``, in order."""
    names = list(names)
    return [names[i : i + size] for i in range(0, len(names), size)]


def front_dtype(run):
    """The dtype of the single-dtype figures: ``document.DTYPE`` where the run has
    it, else its first."""
    return DTYPE if DTYPE in run.dtypes else run.dtypes[0]


def dims_with(run, dtype, names, least, most=MAX_PANELS):
    """The d at which one of ``names`` has at least ``least`` values of n: the d
    a line can be drawn at (a d of one n, the notebook's example, is a column of
    points). At most ``most``: those with the most n, smallest d first."""
    counts = {}
    for name in names:
        per_d = {}
        for p in run.points(name, dtype):
            per_d.setdefault(p.d, set()).add(p.n)
        for d, ns in per_d.items():
            counts[d] = max(counts.get(d, 0), len(ns))
    found = [d for d, k in counts.items() if k >= least]
    return sorted(sorted(found, key=lambda d: (-counts[d], d))[:most])


def left_out(run, dtype, dims):
    """A note naming the measured sizes that no panel at ``dims`` shows."""
    rest = [(n, d) for n, d in run.sizes(dtype) if d not in dims]
    if not rest:
        return ""
    cells = ", ".join(f"{n:,} x {d:,}" for n, d in rest)
    return f"not drawn (too few n at their d; in the tables): n x d = {cells}"


def log_axes(ax, title, ylabel=None):
    ax.set(xscale="log", yscale="log", title=title)
    ax.set_xlabel(N_LABEL)
    if ylabel:
        ax.set_ylabel(ylabel)


def draw(ax, run, name, dtype, d, value, label=None):
    """``value(timing)`` of ``name`` against n at ``d``; whether it had points."""
    pts = sorted((p for p in run.points(name, dtype) if p.d == d), key=lambda p: p.n)
    if not pts:
        return False
    ys = [value(p) for p in pts]
    ax.plot([p.n for p in pts], ys, label=label or name, **impl_style(name))
    return True


# ============================================================================
# the answer: when does each way of writing the step win?


def peer_speedup(run, dtype, dims, peer):
    """The geometric mean of ``peer``'s speedup over ``VECTORIZED`` at the sizes
    of ``dims`` where both were measured (0 where none was)."""
    logs = []
    for n, d in run.sizes(dtype):
        base, t = run.median(VECTORIZED, dtype, n, d), run.median(peer, dtype, n, d)
        if d in dims and base and t:
            logs.append(math.log(base / t))
    return math.exp(sum(logs) / len(logs)) if logs else 0.0


def answer_series(run, dtype, dims):
    """The series of the answer figure, at most ``MAX_SERIES``: the interpreted
    loops (the plain one and the seed notebook's), ``VECTORIZED``, the compiled
    loop, ``OURS`` and the fastest of ``PEERS`` there (the largest geometric-mean
    speedup over ``VECTORIZED``), each where the run has it; none threaded or on
    a device, so that every series runs on one core.

    Returns
    -------
    names : list of str
    peer : str or None
        The peer chosen.
    """
    single = competitors(run.impls)
    loops = [i for i in single if trait(i, "interpreted")][:2]
    core = [i for i in (VECTORIZED, LOOP, OURS) if i in single]
    peers = [p for p in PEERS if p in single]
    peer = max(peers, key=lambda p: peer_speedup(run, dtype, dims, p), default=None)
    names = [*loops, *core, *([peer] if peer else [])]
    return names[:MAX_SERIES], peer


def speedup_axis(ax):
    """A log y axis of speedups, labelled 0.01x, 1x, 10x (with ``TIMES``)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}{TIMES}"))


def figure_answer(run):
    """When does each way of writing the step win? Speedup over ``VECTORIZED``
    against n, one panel per d (at most three: 1, 10 and 100 in the full grid),
    in float64, every series on one core.

    Speedup over NumPy rather than time per step: time grows with n·d over eight
    decades, on which the factors of 1.2-3x between the compiled loops and NumPy
    vanish, and every line climbs alike. The speedup takes the common growth out:
    NumPy is the flat line at 1x, a series above it beats NumPy there, the highest
    series at an n is the fastest, and where the plain loop crosses 1x is the size
    below which the loop wins. Panels side by side share both axes, so that d can
    be compared at a glance; one legend below them names the series.

    Returns None where the run has no ``VECTORIZED`` line to set the rest against.
    """
    dtype = front_dtype(run)
    dims = dims_with(run, dtype, [VECTORIZED], 2, most=3)
    if not dims:
        return None
    names, peer = answer_series(run, dtype, dims)
    fig = new_figure(4.2)
    axes = fig.subplots(1, len(dims), sharex=True, sharey=True, squeeze=False)[0]
    for ax, d in zip(axes, dims, strict=True):
        ax.set(xscale="log", title=f"d = {d:,} features", xlabel=N_LABEL)
        speedup_axis(ax)
        for name in names:
            base = {p.n: p.median for p in run.points(VECTORIZED, dtype) if p.d == d}
            pts = [
                (p.n, base[p.n] / p.median)
                for p in sorted(run.points(name, dtype), key=lambda p: p.n)
                if p.d == d and p.n in base
            ]
            if not pts:
                continue
            label = name
            if name == VECTORIZED:
                label = f"{name} (1{TIMES}: the baseline)"
            elif name == peer:
                label = f"{name} (fastest peer)"
            style = impl_style(name)
            if name == VECTORIZED:
                style = {**style, "color": "black", "linewidth": 2.0}
            ax.plot(*zip(*pts, strict=True), label=label, **style)
    lo, hi = axes[0].get_ylim()
    lo, hi = min(lo, 0.5), max(hi, 2.0)
    for ax in axes:  # the region above numpy's line: faster than numpy
        ax.axhspan(1, hi, color="#1f77b4", alpha=0.06, linewidth=0)
    axes[0].set_ylim(lo, hi)
    axes[0].set_ylabel(
        f"speedup over {VECTORIZED}\n(shaded, above 1{TIMES}: faster than {VECTORIZED})"
    )
    legend_below(fig, axes, ncols=3)
    fig.suptitle(
        f"When does each way of writing the step beat {VECTORIZED}?"
        f" Speedup over {VECTORIZED} against n ({dtype}, one core)"
    )
    return fig


# ============================================================================
# time per step, and the rate of reading X: one row per group of series


def time_groups(run):
    """Rows of the time figure: the run's own steps, then ``VECTORIZED`` and
    ``OURS`` with the peers; each at most ``MAX_SERIES`` (longer ones split)."""
    own = [i for i in run.impls if i not in PEERS]
    peers = [p for p in PEERS if p in run.impls]
    rows = [("this project's steps", g) for g in chunks(own)]
    if peers:
        anchors = [i for i in (VECTORIZED, OURS) if i in run.impls]
        group = [*anchors, *peers][:MAX_SERIES]
        rows.append((f"the peers, with {', '.join(anchors)}", group))
    return rows


def rate_groups(run):
    """Rows of the read-rate figure: the compiled steps that are not peers, then
    ``OURS`` with the peers, each with the roofline rows (the compiled streams
    where the run has them, else ``x_sum``), at most ``MAX_SERIES`` a row. The
    interpreted loops read X some hundred times slower: the time figure has them."""
    ceilings = [r for r in STREAMS if r in run.references] or [
        r for r in ROOFLINES if r in run.references
    ]
    fast = [i for i in compiled(run.impls) if i not in PEERS]
    peers = [p for p in PEERS if p in run.impls]
    rows = []
    for group in chunks(fast, MAX_SERIES - len(ceilings[:2])):
        rows.append(("this project's compiled steps", [*group, *ceilings[:2]]))
    if peers:
        anchors = [OURS] if OURS in run.impls else []
        for group in chunks([*anchors, *peers], MAX_SERIES - 1):
            rows.append(("the peers", [*group, *ceilings[:1]]))
    return rows


def figure_rows(run, dtype, groups, value, ylabel, title, label=None, alone=None):
    """One row of panels per group of series (one panel per d, at most
    ``MAX_PANELS``), each row with its legend below it and its own y axis,
    shared along the row. A run with no d measured at two n (a few chosen sizes)
    gets one panel a row, its sizes side by side (``draw_sizes``), and the title
    ``alone`` where given."""
    groups = groups or [("the steps", list(run.impls[:MAX_SERIES]))]
    names = [name for _, group in groups for name in group]
    dims = dims_with(run, dtype, names, 2) or [None]
    fig = new_figure(0.4 + 2.6 * len(groups))
    subfigs = np.atleast_1d(fig.subfigures(len(groups), 1))
    for sub, (caption, group) in zip(subfigs, groups, strict=True):
        axes = sub.subplots(1, len(dims), squeeze=False, sharex=True, sharey=True)[0]
        for ax, d in zip(axes, dims, strict=True):
            for name in group:
                text = label(name) if label else None
                if d is None:
                    draw_sizes(ax, run, name, dtype, value, text)
                else:
                    draw(ax, run, name, dtype, d, value, text)
            if d is not None:
                log_axes(ax, f"d = {d:,}")
            if ax is axes[0]:
                ax.set_ylabel(ylabel)
            else:
                ax.tick_params(labelleft=False)
        sub.suptitle(caption, fontsize=8, x=0.01, ha="left")
        legend_below(sub, axes, ncols=MAX_SERIES)
    note = left_out(run, dtype, dims) if dims != [None] else ""
    title = alone if alone and dims == [None] else title
    fig.suptitle(title + (f"\n{note}" if note else ""))
    return fig


def draw_sizes(ax, run, name, dtype, value, label=None):
    """``value(timing)`` of ``name`` at each measured size, the sizes side by side
    by increasing n·d (a run of a few chosen sizes: no d has two n)."""
    sizes = sorted(run.sizes(dtype), key=lambda nd: (nd[0] * nd[1], nd))
    at = {(p.n, p.d): value(p) for p in run.points(name, dtype)}
    xs = [i for i, size in enumerate(sizes) if size in at]
    style = {**impl_style(name), "linestyle": "none"}
    ax.plot(xs, [at[sizes[i]] for i in xs], label=label or name, **style)
    ax.set_yscale("log")
    ax.set_xticks(range(len(sizes)), [f"{n:,} x {d:,}" for n, d in sizes])
    ax.set(xlim=(-0.5, len(sizes) - 0.5), xlabel="n x d", title="each measured size")


def figure_times(run, dtype):
    """How does the time per step grow with n? One panel per d, one row per group
    of at most six series (``time_groups``), log-log."""
    return figure_rows(
        run,
        dtype,
        time_groups(run),
        lambda p: p.median * 1e6,
        TIME_LABEL,
        f"How does the time per step grow with n? {dtype}, log-log, lower is faster",
        alone=f"How long does each step take at each size? {dtype}, lower is faster",
    )


def figure_read_rate(run, dtype):
    """At what rate does each compiled step read X, against the memory roofline?"""
    ceilings = set(STREAMS) if has_stream(run) else set(ROOFLINES)
    roof = "the compiled stream" if has_stream(run) else "x_sum = X.sum()"
    return figure_rows(
        run,
        dtype,
        rate_groups(run),
        lambda p: p.gb_per_s,
        "rate of reading X (GB/s)",
        f"How close does each compiled step come to reading X at memory speed?"
        f"\nBytes of X / time per step, {dtype}; roofline: {roof}",
        lambda name: f"{name} (roofline)" if name in ceilings else name,
    )


# ============================================================================
# the cost model


def figure_cost_model(run, costs):
    """What does one call cost? Each series' medians (points) and its fit
    ``t0 + s·n + c·n·d`` (lines) against n, one panel per d, in the front dtype.

    The fit with a per-sample term, not the line ``t0 + c·n·d`` in n·d: the
    interpreted loop pays the interpreter per sample as well as per element (in
    the reference run some 600 ns a sample and 80 ns an element), so at one n·d
    its d = 1 points cost several times its d = 100 points, and one line in n·d
    cannot pass through both (there it missed them by up to 88 %, a factor of 8).
    A fit that misses one of its points by more than ``LINE_MAX_ERROR`` (the
    compiled steps, once X leaves the caches) is drawn dashed and says by how
    much.
    """
    dtype = front_dtype(run)
    names, _ = answer_series(run, dtype, dims_with(run, dtype, [VECTORIZED], 2))
    fits = {r.impl: r.sampled or r.line for r in costs if r.dtype == dtype}
    fits.update({n: None for n in run.impls if n not in fits})
    names = [n for n in names if n in fits] or list(run.impls[:MAX_SERIES])
    dims = dims_with(run, dtype, names, 3) or dims_with(run, dtype, names, 1)
    fig = new_figure(4.0)
    axes = fig.subplots(1, len(dims), sharex=True, sharey=True, squeeze=False)[0]
    labels = []
    for name in names:
        fit = fits[name]
        if fit is None:
            labels.append(f"{name}: too few points to fit")
            continue
        text = (
            f"{name}: {fmt_sig(fit.t0 * 1e6)} µs + {fmt_sig(fit.per_sample * 1e9)}"
            f" ns·n + {fmt_sig(fit.per_element * 1e9)} ns·n·d"
        )
        if fit.max_error > LINE_MAX_ERROR:
            text += f" (misses a point by {100 * fit.max_error:.2g} %)"
        labels.append(text)
    for ax, d in zip(axes, dims, strict=True):
        log_axes(ax, f"d = {d:,}", TIME_LABEL if ax is axes[0] else None)
        for name, label in zip(names, labels, strict=True):
            style = impl_style(name)
            pts = sorted(
                (p for p in run.points(name, dtype) if p.d == d), key=lambda p: p.n
            )
            if not pts:
                continue
            ns = [p.n for p in pts]
            ts = [p.median * 1e6 for p in pts]
            ax.plot(ns, ts, linestyle="none", marker=style["marker"],
                    color=style["color"], label=label)  # fmt: skip
            fit = fits[name]
            if fit is None:
                continue
            grid = np.geomspace(min(ns), max(ns), 50)
            line = (fit.t0 + fit.slope(d) * grid) * 1e6
            dashed = fit.max_error > LINE_MAX_ERROR
            ax.plot(grid, line, color=style["color"], linewidth=1.2,
                    linestyle="--" if dashed else "-")  # fmt: skip
    legend_below(fig, axes, ncols=2, order=labels)
    fig.suptitle(
        f"What does one call cost? Medians (points) and the fit t0 + s·n + c·n·d"
        f" (lines), {dtype}\nsolid: the fit is within {100 * LINE_MAX_ERROR:g} %"
        " of every point; dashed: it misses one by more (the caches)"
    )
    return fig


# ============================================================================
# the speedup heatmaps


def grid_of(sizes):
    """The n and d of the rectangle of ``sizes`` a heatmap shows: each d measured
    at two n or more, each n measured at one of those d; the sizes outside it.
    Every n and d where no d has two n (a run of a few chosen sizes)."""
    ds = sorted({d for _, d in sizes if sum(dd == d for _, dd in sizes) >= 2})
    if not ds:
        return sorted({n for n, _ in sizes}), sorted({d for _, d in sizes}), []
    ns = sorted({n for n, d in sizes if d in ds})
    rest = [(n, d) for n, d in sizes if d not in ds]
    return ns, ds, rest


def figure_speedup_heatmap(run, fast, base):
    """Where is ``fast`` faster than ``base``? A heatmap over (n, d) of
    time(base) / time(fast) per dtype, values written in the cells; blue where
    ``fast`` is faster, red where it is slower, grey and hatched where the two are
    a tie (``bench/report/stats.py``), with the 95 % interval under the value when
    the run has one. The sizes off the grid's rectangle (the notebook's example)
    are written under it."""
    fig = new_figure(3.9)
    axes = fig.subplots(1, len(run.dtypes), squeeze=False)[0]
    grids, notes = {}, []
    for dtype in run.dtypes:
        ns, ds, rest = grid_of(run.sizes(dtype))
        grids[dtype] = (
            ns,
            ds,
            {
                (i, j): speedup(run, fast, base, dtype, n, d)
                for i, n in enumerate(ns)
                for j, d in enumerate(ds)
            },
        )
        for n, d in rest:
            r = speedup(run, fast, base, dtype, n, d)
            if r is not None:
                notes.append(f"{dtype}, n = {n:,}, d = {d:,}: {fmt_ratio(r, TIMES)}")
    called = [
        abs(math.log2(r))
        for _, _, found in grids.values()
        for r in found.values()
        if r is not None and r.sign != 0
    ]
    limit = max(1.0, max(called, default=1.0))
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="0.9")
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit)
    image = None
    for ax, dtype in zip(axes, run.dtypes, strict=True):
        ns, ds, found = grids[dtype]
        ratio = np.full((len(ns), len(ds)), np.nan)
        for (i, j), r in found.items():
            if r is not None and r.sign != 0:
                ratio[i, j] = r
        logs = np.ma.masked_invalid(np.log2(ratio))
        image = ax.imshow(logs, cmap=cmap, norm=norm, aspect="auto", origin="lower")
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
                    fontsize=6.5 if r.has_interval else 7.5,
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
    bar = fig.colorbar(image, ax=axes, ticks=ticks, shrink=0.9)
    bar.ax.set_yticklabels([f"{fmt_sig(2.0**t, 2)}{TIMES}" for t in ticks])
    tie = "; grey, hatched, ~: a tie (95 % interval)" if has_intervals(run) else ""
    fig.suptitle(
        f"Where is {fast} faster than {base}? time({base}) / time({fast})\n"
        f"blue: {fast} faster, red: {base} faster{tie}"
    )
    if notes:
        fig.supxlabel("off the grid: " + "; ".join(notes), fontsize=7)
    return fig


# ============================================================================
# the files


def plot_speedup_heatmap(run, path, fast, base, dpi=PLOT_DPI):
    """Write ``figure_speedup_heatmap``'s figure to ``path``."""
    return save(figure_speedup_heatmap(run, fast, base), path, dpi)


def figures(run, costs):
    """``{planned_plots key: callable returning its Figure}`` for ``run``."""
    makers = {
        "answer": lambda: figure_answer(run),
        "cost": lambda: figure_cost_model(run, costs),
    }
    for i, dtype in enumerate(run.dtypes):
        makers["time" if i == 0 else ("time", dtype)] = lambda dtype=dtype: (
            figure_times(run, dtype)
        )
        makers["rate" if i == 0 else ("rate", dtype)] = lambda dtype=dtype: (
            figure_read_rate(run, dtype)
        )
    return makers


def make_plots(run, costs, crossings, out_dir, dpi=PLOT_DPI):
    """Write every plot ``document.planned_plots`` lists for ``run`` into
    ``out_dir``.

    ``crossings`` are not drawn: they are the crossings of the lines in n·d, which
    the cost-model figure does not draw (``figure_cost_model``); the crossovers
    table gives them.

    Returns
    -------
    list of Path
        The PNG files written.
    """
    del crossings
    makers = figures(run, costs)
    written = []
    with matplotlib.style.context(["default", STYLE]):
        for key, (name, _) in planned_plots(run).items():
            if key in makers:
                fig = makers[key]()
            else:  # ("heatmap", fast, base)
                _, fast, base = key
                fig = figure_speedup_heatmap(run, fast, base)
            if fig is not None:
                written.append(save(fig, out_dir / name, dpi))
    return written
