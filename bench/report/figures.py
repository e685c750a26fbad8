"""Which plots a run gets, and the Markdown that shows them.

Apart from ``bench/report/plots.py`` so that the tables can link the plots without
matplotlib: a tables-only report (``--no-plots``, or no ``plot`` extra) needs none.
"""

from bench.report.common import PLOTS, STREAMS
from bench.report.formatting import heading


def planned_plots(run):
    """``{key: (file name, caption)}`` of the plots this run's data allow."""
    keys = ["time", "cost"]
    if {"numba", "numpy"} <= set(run.impls):
        keys.append("heatmap")
    if {"numba_simd", "numpy"} <= set(run.impls):
        keys.append("heatmap_simd")
    streams = any(r in run.references for r in STREAMS)
    keys.append("rate_stream" if streams else "rate")
    return {k: PLOTS[k] for k in keys}


def render_plot_links(run, level, folder=""):
    """Markdown images of the plots, with paths relative to the Markdown file."""
    prefix = f"{folder}/" if folder and folder != "." else ""
    links = [f"![{cap}]({prefix}{name})" for name, cap in planned_plots(run).values()]
    return "\n\n".join([heading(level, "Plots"), *links])
