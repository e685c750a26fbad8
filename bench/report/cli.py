"""The report's commands: ``python -m bench report`` (``make_report``: read, fit,
render, write), ``python -m bench predict``, and the answer that
``python -m bench run --size`` prints.

cli
---
Benchmark JSON -> tables, a cost model and plots.

    python -m bench report [--input JSON] [--out DIR] [--pyperf DIR_OR_FILE ...]
                           [--readme README.md] [--no-plots]

Reads one pytest-benchmark JSON written by ``python -m bench run`` (default: the
newest under ``results/``) and writes into ``--out`` (default: the JSON's folder):

- ``summary.md``, ``summary.csv``: for each (n, d, dtype) group, the median time of
  every implementation, speedups with their intervals, the rate at which each one
  reads ``X`` and that rate as a share of the roofline's (the compiled stream of
  ``bench/stream.py``; ``X.sum()`` in older runs), the memory a step allocates, and
  the scikit-learn reference;
- a cost-model section of ``summary.md``, with ``cost_model.csv`` and
  ``crossovers.csv``: per implementation the fit ``t = t0 + c * n * d`` (and
  ``t0 + s * n + c * n * d``, with a per-sample term), and where one
  implementation overtakes another, from the fits and from the measured grid;
  ``compile.csv`` with the first-call times of the compiling implementations
  (Numba's, JAX's, ``torch.compile``'s, Cython's) when the JSON has them;
- a win map of ``summary.md``: which implementation is fastest in each cell;
- PNG plots (``bench/report/plots.py``; needs the ``plot`` extra, i.e. matplotlib);
- ``pyperf.md``, ``pyperf.csv`` when ``--pyperf`` names pyperf results, with what
  the temporaries cost where an implementation was timed in both allocator
  states (pyperf set against pytest-benchmark case by case is the lab's
  harness check, ``python -m lab harness-check``).

Every number and every fact about the machine comes from the JSON, never from the
machine running the report, and nothing depends on the clock: the same JSON gives
byte-identical Markdown and CSV. ``--readme`` also replaces the text between
each ``<!-- report:NAME:begin -->`` / ``<!-- report:NAME:end -->`` pair in that file
(NAME: ``targets``, ``summary``, ``cost-model``, ``findings``, ``win-map``,
``headline``: those the README has) with the same tables, and with what the run
found in sentences (``bench/report/document.py``).

"""

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import readme
from bench.report.common import (
    COMPILE_CSV,
    COST_MODEL_CSV,
    CROSSOVERS_CSV,
    DASH,
    PLOT_DPI,
    PYPERF_CSV,
    PYPERF_MD,
    RESULTS,
    SUMMARY_CSV,
    SUMMARY_MD,
    VECTORIZED,
    ReportError,
    competitors,
    fmt_sig,
    write_atomic,
)
from bench.report.costs import (
    MIN_POINTS,
    cost_model,
    cost_model_csv,
    error_text,
    predictors,
)
from bench.report.crossovers import (
    compile_csv,
    compile_rows,
    crossovers,
    crossovers_csv,
)
from bench.report.document import (
    load_pyperf,
    pyperf_files,
    render_allocation_cost,
    render_pyperf,
    render_summary_md,
)
from bench.report.model import Run, find_latest_json, load_run
from bench.report.readme import readme_blocks, updated_readme
from bench.report.stats import (
    NO_INTERVAL,
    TIE,
    cell_winners,
    has_intervals,
    ratio,
    speedup,
    winner_text,
)
from bench.report.tables import summary_csv
from kernels import trait


def _shown_path(path):
    """``path`` relative to the working folder where it lies inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def print_report(report, file=None, answer=True):
    """Print what was written, then what the run found (``readme.answer``),
    where the full tables are, and how to set the run against the committed
    reference: the end of ``python -m bench run`` and of ``report``."""
    file = file or sys.stdout
    folders = {}
    for path in report.written:
        folders.setdefault(_shown_path(Path(path).parent), []).append(Path(path).name)
    for folder, names in folders.items():
        print(f"wrote {folder}/: {', '.join(names)}", file=file)
    for note in report.notes:
        print(f"note: {note}", file=file)
    source = report.source
    if answer and (items := readme.answer(report.run)):
        print(file=file)
        print(readme.answer_intro(report.run, _shown_path(source)), file=file)
        for item in items:
            print(f"- {item}", file=file)
    summary = [p for p in report.written if Path(p).name == SUMMARY_MD]
    if summary:
        print(
            f"\nEvery table, the cost models and the plots: {_shown_path(summary[0])}",
            file=file,
        )
    reference = RESULTS / "full" / "bench.json"
    if (
        source is not None
        and reference.is_file()
        and Path(source).resolve() != reference.resolve()
    ):
        print(
            "This machine against the committed reference: python -m bench compare"
            f" {_shown_path(reference)} {_shown_path(source)}",
            file=file,
        )


def add_arguments(parser):
    """Add the ``report`` options to an argparse parser."""
    parser.add_argument(
        "--input",
        type=Path,
        default=None,
        metavar="JSON",
        help="pytest-benchmark JSON; default: the newest under results/",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for the tables and plots; default: the input's folder",
    )
    parser.add_argument(
        "--pyperf",
        type=Path,
        nargs="+",
        default=None,
        metavar="DIR_OR_FILE",
        help="pyperf results (files, or folders of *.json) for pyperf.md/.csv",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="MARKDOWN",
        help="replace the report:NAME blocks this file has (targets, summary,"
        " cost-model, findings, win-map, headline), e.g. --readme README.md",
    )
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    return parser


def _report_and_print(prefix, make, answer=True):
    """Call ``make()`` (a report), print it; on a ReportError print one line.

    Returns the exit code: 0, or 2 on bad input.
    """
    try:
        report = make()
    except ReportError as exc:
        message = " ".join(str(exc).split())
        print(f"{prefix}: {message}", file=sys.stderr)
        return 2
    print_report(report, answer=answer)
    return 0


def run_cli(args):
    """Run the report for parsed arguments; return the exit code (2 on bad input)."""

    def make():
        source = args.input if args.input is not None else find_latest_json(RESULTS)
        return make_report(
            source,
            args.out,
            pyperf=args.pyperf,
            readme=args.readme,
            plots=not args.no_plots,
        )

    return _report_and_print("python -m bench report: error", make)


def report_after_run(json_path, answer=True):
    """Report on a run that just completed, into the JSON's folder; the exit code.
    ``answer``: end with what the run found (a preset's grid; a run of chosen
    sizes ends with its ranked answer instead, ``print_answer``)."""
    return _report_and_print(
        "report failed", lambda: make_report(json_path), answer=answer
    )


def main(argv=None):
    """``python -m bench.report``: the same as ``python -m bench report``."""
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__)
    add_arguments(parser)
    return run_cli(parser.parse_args(argv))


# ============================================================================
# the report: make_report
# One report, start to finish: read the run, fit, render every file, write them,
# draw the plots, refresh the README.
#
# The order matters for what a failure leaves behind: every input (the JSON, the
# pyperf files, the README's markers) is read and checked before the first file is
# written, and each file is written atomically.


@dataclass
class Report:
    """What ``make_report`` did: the run, the files written, and notes for the user."""

    run: Run
    costs: list
    crossings: list
    written: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    source: Path | None = None  # the JSON the report read


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
    report = Report(run, costs, crossings, source=json_path)
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


# ============================================================================
# the answer of run --size
# The answer for a run of chosen sizes (``python -m bench run --size``), per size:
# every implementation's time with its interval, ranked; the winner, or a tie; each
# compiling implementation's first-call cost and the calls that repay it there.
#
# It reads the run's JSON like every other table, so the answer can be printed again
# from a kept ``bench.json`` (``print_answer``).


def _interval_us(timing):
    """``"1,234 µs [1,200, 1,260]"``: the median and its 95 % interval."""
    value = ratio([timing], [])
    text = f"{fmt_sig(value * 1e6)} µs"
    if value.has_interval:
        text += f" [{fmt_sig(value.low * 1e6)}, {fmt_sig(value.high * 1e6)}]"
    return text


def repay_calls(run, impl, seconds, dtype, n, d):
    """Calls of ``impl`` at ``n x d`` that win back ``seconds`` over the vectorized
    baseline: an int, "never" where the baseline is as fast, None if unknown."""
    t, base = run.median(impl, dtype, n, d), run.median(VECTORIZED, dtype, n, d)
    if seconds is None or t is None or base is None or impl == VECTORIZED:
        return None
    return math.ceil(seconds / (base - t)) if base > t else "never"


def answer_lines(run, only=None):
    """The answer, as lines of text, for every size and dtype of ``run`` (or only
    the ``(dtype, n, d)`` given)."""
    first_calls = {row.impl: row.compile for row in compile_rows(run)}
    lines = []
    for dtype in run.dtypes:
        for n, d in run.sizes(dtype):
            if only is None or only == (dtype, n, d):
                lines += _one_size(run, dtype, n, d, first_calls)
    return lines


def _one_size(run, dtype, n, d, first_calls):
    timed = sorted(
        (t.median, impl, t)
        for impl in run.impls
        if (t := run.get(impl, dtype, n, d)) is not None
    )
    if not timed:
        return []
    lines = [f"{n:,} x {d:,}, {dtype}: time per step, fastest first"]
    best = timed[0][1]
    for rank, (_, impl, timing) in enumerate(timed, 1):
        slower = speedup(run, best, impl, dtype, n, d)
        versus = "" if impl == best else f"  {_ratio_text(slower)} the time of {best}"
        threads = " (all cores)" if trait(impl, "threaded") else ""
        lines.append(f"  {rank:>2}. {impl}{threads}: {_interval_us(timing)}{versus}")
    winners = cell_winners(run, dtype, n, d)
    if len(winners) > 1:
        verdict = f"a tie ({winner_text(winners)}: within the noise of this run)"
    else:
        verdict = winner_text(winners)
    lines.append(f"  fastest on one core: {verdict}")
    for impl, seconds in first_calls.items():
        if seconds is None or run.get(impl, dtype, n, d) is None:
            continue
        calls = repay_calls(run, impl, seconds, dtype, n, d)
        repay = DASH if calls is None else calls
        lines.append(
            f"  first call of {impl}: {seconds * 1e3:,.0f} ms of compiling; calls"
            f" at this size to repay it against {VECTORIZED}: {repay}"
        )
    return lines


def _ratio_text(value):
    if value is None:
        return DASH
    text = f"{value:.3g}x"
    if value.has_interval:
        text += f" [{value.low:.3g}, {value.high:.3g}]"
        if value.sign == 0:
            text += f" ({TIE} a tie)"
    return text


def print_answer(json_path, file=None):
    """Print the answer for the run in ``json_path``."""
    print("\n".join(answer_lines(load_run(json_path))), file=file)


# ============================================================================
# python -m bench predict
# ``python -m bench predict N D``: each implementation's predicted time at a size,
# from a run's cost model (``bench/report/costs.py``), with its error band.
#
# It is a prediction, and says so: each time comes with the band of its model's
# leave-one-out 90th-percentile error; a model that misses its target is marked
# unreliable; the fastest is named from the list as printed, its reliability beside
# it (a reader who sees numba_simd first must not be told torch); a size outside
# the measured ones is flagged as an extrapolation; and the line
# ``python -m bench run --size ...`` that would measure it closes the answer.


def predict_lines(run, source, n, d, dtypes=None):
    """The prediction at ``n x d``, as lines of text.

    Parameters
    ----------
    run : bench.report.model.Run
    source : str
        Where the run was read from, for the first line.
    n, d : int
    dtypes : sequence of str, optional
        Default: every dtype of the run.
    """
    lines = [
        f"Prediction, not a measurement: the cost model of {source} (preset"
        f" {run.preset}, run on {run.date}) at {n:,} x {d:,}"
    ]
    models = {k: p for k, p in predictors(run).items() if k[1] in run.impls}
    for dtype in dtypes or run.dtypes:
        mine = {impl: p for (dt, impl), p in models.items() if dt == dtype}
        if (n, d) in run.sizes(dtype):
            lines.append(f"{dtype}: measured in this run, not predicted:")
            found = answer_lines(run, only=(dtype, n, d))
            lines += [line for line in found if line.startswith("  ")]
            continue
        if not mine:
            count = len(run.sizes(dtype))
            lines.append(
                f"{dtype}: no model: this run measured {count} size(s) in {dtype},"
                f" and a model needs {MIN_POINTS}; predict from a grid run"
                " (python -m bench run --preset full), or measure the size"
            )
            continue
        ranked = sorted(mine.values(), key=lambda p: p.predict(n, d))
        lines.append(f"{dtype}: predicted time per step, fastest first")
        for p in ranked:
            low, high = (fmt_sig(t * 1e6) for t in p.band(n, d))
            note = "" if p.meets_target else "  UNRELIABLE: its model misses the target"
            lines.append(
                f"  {p.impl}: {fmt_sig(p.predict(n, d) * 1e6)} µs [{low}, {high}]"
                f"  (model error, median / p90: {error_text(p)}){note}"
            )
        lines.append(f"  {_winner(ranked, n, d)}")
        outside = {}
        for p in ranked:
            if (why := p.extrapolation(n, d)) is not None:
                outside.setdefault(why, []).append(p.impl)
        lines.append(
            "  an extrapolation: "
            + "; ".join(f"{', '.join(v)}: {k}" for k, v in outside.items())
            if outside
            else "  inside the measured sizes (an interpolation)"
        )
    wanted = dtypes or run.dtypes
    lines.append(
        "To measure it: python -m bench run --size"
        f" {n}x{d} {' '.join(f'--dtype {t}' for t in wanted)}"
    )
    return lines


def _winner(ranked, n, d):
    """The fastest on one core of the list as printed (``ranked``), against the
    next one, and how far its model can be trusted, said beside it."""
    names = competitors([p.impl for p in ranked])
    single = [p for p in ranked if p.impl in names]
    if not single:
        return "predicted fastest on one core: not named (no single-core model)"
    best = single[0]
    text = f"predicted fastest on one core: {best.impl}"
    if len(single) > 1:
        second = single[1]
        ratio = second.predict(n, d) / best.predict(n, d)
        text += f", {ratio:.2g}x faster than {second.impl}"
        if best.band(n, d)[1] >= second.band(n, d)[0]:
            text += " (too close to call: their error bands overlap)"
    if best.meets_target:
        return f"{text}; its model meets its target"
    return (
        f"{text}; UNRELIABLE: its model misses its target (median / p90 error"
        f" {error_text(best)}): measure it"
    )


def run_predict(args):
    """``python -m bench predict``: print the prediction; exit 2 on a bad input."""
    import sys

    from bench.report.common import ReportError
    from bench.report.model import find_latest_json, load_run

    try:
        path = args.input or find_latest_json()
        run = load_run(path)
    except ReportError as err:
        print(f"python -m bench predict: error: {err}", file=sys.stderr)
        return 2
    missing = [t for t in args.dtype or () if t not in run.dtypes]
    if missing:
        print(
            f"python -m bench predict: error: argument --dtype: {path} has no"
            f" {', '.join(missing)} cases",
            file=sys.stderr,
        )
        return 2
    print("\n".join(predict_lines(run, str(path), args.n, args.d, args.dtype)))
    return 0
