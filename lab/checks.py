"""What the lab's checks share: their runs, timed into a folder of their own, and
their outputs, a Markdown file and one line between markers.

A check (the order check, the rerun check) times several runs, minutes each; one
that fails, or runs the check refuses, must leave the committed check whole. So
``time_staged`` times them into ``OUT.new/``, asks the check to read them there,
and only then puts ``OUT.new/`` in the place of ``OUT/``.

Each check writes its summary line between its markers (``MARKERS``) in the file
``--readme`` names: ``docs/timing.md``, where ``make`` puts them.
"""

import shutil
from pathlib import Path
from typing import NamedTuple

from bench.report.common import markers, write_atomic
from bench.report.readme import with_line
from bench.run import JSON_NAME, ROOT, run_pytest_benchmark

# every check's line, between these markers of the document --readme names
MARKERS = {
    name: markers(name) for name in ("order-check", "rerun-check", "harness-check")
}
TIMING_DOC = ROOT / "docs" / "timing.md"
PROG = "python -m lab"


class Timed(NamedTuple):
    """One run of a staged check: where its ``bench.json`` goes in the stage
    (``name``, relative; ``""`` for the stage itself), and how it is timed
    (``run_pytest_benchmark``'s ``preset``, ``sizes`` and ``pytest_args``). The
    stage's own run keeps its report (summary.md, plots) beside its JSON; the
    others keep their JSON only."""

    name: str
    preset: str | None = None
    sizes: tuple = ()
    pytest_args: tuple = ()


def shown(path):
    """``path`` relative to the working folder where it lies inside it: the
    committed Markdown names no machine's folders."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _place(stage, name):
    """Where the run ``name`` writes its folder, and where its JSON is kept:
    ``stage/`` itself, or ``stage/NAME/`` whose ``bench.json`` becomes
    ``stage/NAME.json`` (its time stamp kept)."""
    if not name:
        return stage, stage / JSON_NAME
    return stage / f".{name}", stage / f"{name}.json"


def time_staged(out, runs, check):
    """Time ``runs`` one after the other into ``OUT.new/``, read them with
    ``check(paths)`` (it raises ``ReportError`` on runs it refuses), then put
    the stage in ``out``'s place.

    Parameters
    ----------
    out : Path
        The committed check's folder.
    runs : sequence of Timed
    check : callable
        ``check({name: path of its bench.json})``, on the staged files.

    Returns
    -------
    int
        0, or the exit code of the first run that failed (the stage is then
        left, the committed check untouched).
    """
    out = Path(out)
    stage = out.with_name(out.name + ".new")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    paths = {}
    for run in runs:
        folder, kept = _place(stage, run.name)
        print(f"== {out.name}: run {run.name or 'in ' + stage.name}", flush=True)
        code, json_path = run_pytest_benchmark(
            run.preset,
            folder,
            list(run.pytest_args),
            sizes=list(run.sizes) or None,
        )
        if code != 0 or json_path is None:
            print(f"{out.name}: run {run.name} failed (exit {code}); stopped")
            return code or 1
        if folder != stage:
            shutil.copy2(json_path, kept)
            shutil.rmtree(folder)
        paths[run.name] = kept
    check(paths)
    shutil.rmtree(out, ignore_errors=True)
    stage.rename(out)
    return 0


def add_output_arguments(parser, markers):
    """``--out FILE`` and ``--readme README.md`` (its one line between
    ``markers``), as the checks' commands take them."""
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="also write it here"
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="MARKDOWN",
        help=f"write the summary between {' and '.join(markers)}, e.g. --readme"
        " docs/timing.md",
    )
    return parser


def write_outputs(args, text, markers, line, out, err):
    """Write a check's Markdown ``text`` to ``args.out`` and ``line`` between the
    README's ``markers`` at ``args.readme`` (each where given), both computed
    before either is written; then print ``text`` and what was written.

    Raises
    ------
    ReportError
        The README cannot be read or lacks the markers; nothing is written.
    """
    readme = None
    if args.readme is not None:
        readme = with_line(args.readme, *markers, line)
    if args.out is not None:
        write_atomic(args.out, text)
    if readme is not None:
        write_atomic(args.readme, readme)
    print(text, end="", file=out)
    for path in (args.out, args.readme):
        if path is not None:
            print(f"wrote {path}", file=err)
