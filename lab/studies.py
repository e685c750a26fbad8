"""The lab's studies of one run, as one document: ``python -m lab studies``.

    python -m lab studies [--input results/full/bench.json] [--out results/lab/]

Reads a run's JSON (``bench.report.model``, as the report does) and writes
``studies.md``: the overlap of ``numba_simd``'s two passes (``lab/overlap.py``),
how well the cost model with the caches predicts each implementation
(``lab/model_error.py``), and the cases whose interval one pass sets with what
else took the machine (``lab/disturbed.py``). These explain the run's timings;
the run's answer is ``summary.md`` (``python -m bench report``).
"""

from pathlib import Path

from bench.report.common import ReportError, heading, report_error, write_atomic
from bench.report.model import load_run
from bench.run import JSON_NAME, RESULTS
from lab.checks import PROG
from lab.disturbed import render_disturbed
from lab.model_error import render_model_errors
from lab.overlap import render_overlap

HELP = "the overlap, cost-model error and disturbed-pass studies of one run"
INPUT = RESULTS / "full" / JSON_NAME
OUT = RESULTS / "lab"
STUDIES_MD = "studies.md"


def render_studies(run, source):
    """The text of ``studies.md`` for ``run``, read from ``source``."""
    parts = [
        heading(1, f"loopbench lab: studies of the run `{source}`"),
        f"Preset `{run.preset}`, run on {run.date}. The machine, the libraries and"
        ' the timing settings are the run\'s own (its `summary.md`, "Run").',
    ]
    for text in (
        render_overlap(run, 2),
        render_model_errors(run, 2),
        render_disturbed(run, 2),
    ):
        if text:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


def add_arguments(parser):
    """``python -m lab studies``'s arguments."""
    parser.add_argument(
        "--input",
        type=Path,
        default=INPUT,
        metavar="JSON",
        help="the run, e.g. results/full/bench.json (the default)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        metavar="DIR",
        help="folder for studies.md (default results/lab)",
    )


def run(args, parser=None):
    """Write ``studies.md``; the exit code (2 on bad input)."""
    try:
        run_ = load_run(args.input)
        try:
            source = args.input.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            source = args.input
        text = render_studies(run_, Path(source).as_posix())
        args.out.mkdir(parents=True, exist_ok=True)
        path = write_atomic(args.out / STUDIES_MD, text)
    except (ReportError, OSError) as exc:
        return report_error("studies", exc, prog=PROG)
    print(f"wrote {path}")
    return 0
