"""Which plots a run gets, and the Markdown that shows them.

Apart from ``bench/report/plots.py`` so that the tables can link the plots without
matplotlib: a tables-only report (``--no-plots``, or no ``plot`` extra) needs none.
"""

from bench.report.common import PLOTS, STREAM_RATE_CAPTION, STREAMS
from bench.report.comparisons import HEATMAPS
from bench.report.formatting import heading


def heatmap_plot(fast, base):
    """``(file name, caption)`` of the speedup heatmap of ``fast`` over ``base``."""
    return f"speedup_{fast}_vs_{base}.png", f"Speedup of {fast} over {base}"


def planned_plots(run):
    """``{key: (file name, caption)}`` of the plots this run's data allow.

    The keys are those of ``common.PLOTS``, and ``("heatmap", fast, base)`` for
    each heatmap of ``comparisons.HEATMAPS`` whose two implementations the run has.
    """
    plots = {k: PLOTS[k] for k in ("time", "cost")}
    for fast, base in HEATMAPS:
        if {fast, base} <= set(run.impls):
            plots["heatmap", fast, base] = heatmap_plot(fast, base)
    plots["rate"] = PLOTS["rate"]
    if has_stream(run):
        plots["rate"] = (PLOTS["rate"][0], STREAM_RATE_CAPTION)
    return plots


def has_stream(run):
    """Whether the run has a compiled stream as its roofline (else ``x_sum``)."""
    return any(r in run.references for r in STREAMS)


def render_plot_links(run, level, folder=""):
    """Markdown images of the plots, with paths relative to the Markdown file."""
    prefix = f"{folder}/" if folder and folder != "." else ""
    links = [f"![{cap}]({prefix}{name})" for name, cap in planned_plots(run).values()]
    return "\n\n".join([heading(level, "Plots"), *links])
