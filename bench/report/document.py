"""The sections of ``summary.md`` (also the README's blocks), and their order.

Each section is rendered by the module that owns its numbers; this module only
puts them together, at a heading level given by the caller (``summary.md`` is a
document of its own, the README nests them one level deeper).
"""

from bench.report.comparisons import has_gpu_rows
from bench.report.compile_times import render_compile
from bench.report.costs import render_cost_tables
from bench.report.crossovers import render_crossovers
from bench.report.figures import render_plot_links
from bench.report.formatting import heading, md_table
from bench.report.gpu import render_gpu
from bench.report.sections import render_sections
from bench.report.targets import render_targets
from bench.report.winners import render_win_map


def render_environment(run, level):
    """The run's description: preset, date, and the machine table."""
    intro = (
        f"Preset `{run.preset}`, run on {run.date}; tables made by"
        f" `python -m bench report` from `{run.source}`."
    )
    table = md_table(["Measured on", ""], [[k, v] for k, v in run.environment], "ll")
    return "\n\n".join([heading(level, "Run"), intro, table])


def render_cost_model(run, costs, crossings, level):
    """The cost-model section: both fits, crossovers and compile times (how well
    the model with the caches predicts: the lab's study, ``lab/model_error.py``)."""
    parts = [render_cost_tables(costs, level)]
    if crossings:
        parts.append(render_crossovers(crossings, level + 1))
    if run.compile_timings:
        parts.append(render_compile(run, level + 1))
    return "\n\n".join(parts)


def render_summary_md(run, costs, crossings):
    """The text of ``summary.md``."""
    tables = render_sections(run, 2)
    parts = [
        heading(1, f"loopbench results: preset {run.preset}"),
        render_environment(run, 2),
        render_targets(run, 2),
        tables.pop("time"),
        tables.pop("speedups"),
        render_win_map(run, 2),
        *tables.values(),
        *([render_gpu(run, 2)] if has_gpu_rows(run) else []),
        render_cost_model(run, costs, crossings, 2),
        render_plot_links(run, 2),
    ]
    return "\n\n".join(parts) + "\n"
