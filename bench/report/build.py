"""One report, start to finish: read the run, fit, render every file, write them,
draw the plots, refresh the README.

The order matters for what a failure leaves behind: every input (the JSON, the
pyperf files, the README's markers) is read and checked before the first file is
written, and each file is written atomically.
"""

from dataclasses import dataclass, field
from pathlib import Path

from bench.report.common import (
    COMPILE_CSV,
    COST_MODEL_CSV,
    CROSSOVERS_CSV,
    PLOT_DPI,
    PYPERF_CSV,
    PYPERF_MD,
    SUMMARY_CSV,
    SUMMARY_MD,
    ReportError,
)
from bench.report.compile_times import compile_csv
from bench.report.costs import cost_model, cost_model_csv
from bench.report.crossovers import crossovers, crossovers_csv
from bench.report.document import render_summary_md
from bench.report.files import write_atomic
from bench.report.intervals import NO_INTERVAL, has_intervals
from bench.report.model import Run, load_run
from bench.report.predictor import predictors
from bench.report.pyperf_medians import (
    load_pyperf,
    pyperf_files,
    render_allocation_cost,
    render_pyperf,
)
from bench.report.readme import readme_blocks, updated_readme
from bench.report.tables import summary_csv


@dataclass
class Report:
    """What ``make_report`` did: the run, the files written, and notes for the user."""

    run: Run
    costs: list
    crossings: list
    written: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def make_report(
    json_path,
    out_dir=None,
    *,
    pyperf=None,
    readme=None,
    plots=True,
    dpi=PLOT_DPI,
):
    """Turn one pytest-benchmark JSON into tables and plots.

    Parameters
    ----------
    json_path : path
        pytest-benchmark JSON (``python -m bench run``).
    out_dir : path, optional
        Where the files go; default the JSON's folder.
    pyperf : sequence of path, optional
        pyperf JSON files or folders of them.
    readme : path, optional
        A Markdown file whose marked blocks get the tables.
    plots : bool
        Make the PNG plots (skipped, with a note, when matplotlib is missing).
    dpi : int
        Resolution of the plots.

    Returns
    -------
    Report

    Raises
    ------
    ReportError
        Bad input, missing README markers, or a file that cannot be written. The
        README is checked before anything is written.
    """
    json_path = Path(json_path)
    run = load_run(json_path)
    out_dir = Path(out_dir) if out_dir else json_path.parent
    costs = cost_model(run)
    crossings = crossovers(run, costs, predictors(run))
    medians = load_pyperf(pyperf_files(pyperf)) if pyperf else None
    readme_text = None
    if readme is not None:
        readme_text = updated_readme(
            readme, readme_blocks(run, costs, crossings, readme, out_dir)
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"{out_dir}: cannot create folder ({exc.strerror or exc})"
        ) from None
    report = Report(run, costs, crossings)
    if not has_intervals(run):
        report.notes.append(
            f"{NO_INTERVAL} (time it with `python -m bench run`): ratios are shown"
            " without interval, and winners are the medians' order"
        )
    files = {
        SUMMARY_MD: render_summary_md(run, costs, crossings),
        SUMMARY_CSV: summary_csv(run),
        COST_MODEL_CSV: cost_model_csv(costs),
        CROSSOVERS_CSV: crossovers_csv(crossings),
    }
    if run.compile_timings:
        files[COMPILE_CSV] = compile_csv(run)
    if medians is not None:
        files[PYPERF_MD], files[PYPERF_CSV] = render_pyperf(medians)
        if section := render_allocation_cost(medians, 2):
            text = files[PYPERF_MD].rstrip("\n")
            files[PYPERF_MD] = f"{text}\n\n{section}\n"
    report.written += [
        write_atomic(out_dir / name, text) for name, text in files.items()
    ]
    if plots:
        try:
            from bench.report import plots as plotting
        except ModuleNotFoundError as exc:
            if exc.name != "matplotlib":
                raise
            report.notes.append(
                "matplotlib is not installed: no plots (pip install -e '.[plot]')"
            )
        else:
            report.written += plotting.make_plots(
                run, costs, crossings, out_dir, dpi=dpi
            )
    if readme_text is not None:
        report.written.append(write_atomic(readme, readme_text))
    return report
