"""Which plots a run gets, and the Markdown that shows them.

Apart from ``bench/report/plots.py`` so that the tables can link the plots without
matplotlib: a tables-only report (``--no-plots``, or no ``plot`` extra) needs none.
"""

from bench.report.common import PLOTS, STREAM_RATE_CAPTION, STREAMS
from bench.report.formatting import heading


def planned_plots(run):
    """``{key: (file name, caption)}`` of the plots this run's data allow."""
    keys = ["time", "cost"]
    if {"numba", "numpy"} <= set(run.impls):
        keys.append("heatmap")
    if {"numba_simd", "numpy"} <= set(run.impls):
        keys.append("heatmap_simd")
    keys.append("rate")
    plots = {k: PLOTS[k] for k in keys}
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
