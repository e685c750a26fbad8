"""pyperf and pytest-benchmark timed in turn, one implementation at a time:
``python -m bench harness-check``.

    python -m bench harness-check [--preset quick] [--impl NAME ...] [--out DIR]
                                  [--readme README.md]

A shared machine can change speed over minutes, and not by the same factor for
every implementation (``docs/timing.md``, "Two harnesses", gives what the
developer's machine did). Timed one after the other, a 25-minute pyperf run and an
8-minute pytest-benchmark run compare the two harnesses and that drift at once.
So this command takes them in turn, for each implementation:

1. **run A**: pytest-benchmark, in a process of its own, the implementation's
   cases of the preset (``python -m bench run --preset P --impl I -- -k
   test_step``);
2. pyperf in the fixed allocator state (``python -m bench pyperf --fast --impl
   I``), into ``results/pyperf/`` as ``make bench-pyperf`` always did;
3. for the steps that allocate per call (``DEFAULT_STATE``), pyperf again in
   glibc's default state, into ``results/pyperf-default/``: the two states of the
   "what the temporaries cost" table, minutes apart instead of a quarter hour;
4. **run B**: pytest-benchmark again, as in 1.

A's parts are merged into one pytest-benchmark JSON, ``OUT/pytest-a.json`` (the
harness comparison of ``pyperf.md``: ``make readme`` names it), and B's into
``OUT/pytest-b.json``; ``python -m bench compare`` of A against B, two runs of the
same cases each implementation's minutes apart, goes to ``OUT/compare.md``, and
``--readme`` writes both figures between ``HARNESS_MARKERS``. A drift slower than
one implementation's turn hits both harnesses alike; one within it still shows,
and so each case where pyperf is off run A is set against run B too
(``bench.report.harnesses.off_cases``): within 10 % of B, or between A and B, the
machine moved; off both, ``docs/timing.md`` says what that was on the developer's
machine. ``--summary-only`` writes ``compare.md`` and the README's
line again from the merged runs, timing nothing.
"""

import argparse
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bench.grid import PRESETS, get_preset
from bench.report.changes import compare_runs, flagged
from bench.report.common import ReportError, report_error
from bench.report.compare import render_comparison
from bench.report.files import write_atomic
from bench.report.formatting import case_label
from bench.report.harnesses import (
    AGREE,
    NO_B,
    OFF_BOTH,
    harness_ratios,
    off_cases,
    render_off_cases,
    reversed_verdicts,
)
from bench.report.model import parse_run
from bench.report.pyperf_medians import load_pyperf, pyperf_files
from bench.report.reading import check_pytest_benchmark, read_json
from bench.report.readme import with_line
from bench.run import RESULTS, ROOT
from kernels import IMPLEMENTATIONS

OUT = RESULTS / "harness-check"
# The steps that allocate their temporaries at every call, timed in glibc's
# default allocator state too (not torch_compile: its fused loops make few
# temporaries, and each of pyperf's worker processes would compile it again,
# minutes in all)
DEFAULT_STATE = ("numpy", "jax", "torch")
RUNS = ("a", "b")
HARNESS_MARKERS = ("<!-- harness-check:begin -->", "<!-- harness-check:end -->")


def plan(preset, impls, out=OUT):
    """The commands, in order: ``[(what, argv)]``, each argv for ``python -m``."""
    steps = []
    for impl in impls:
        pytest_run = ["bench", "run", "--preset", preset, "--impl", impl]
        pyperf = ["bench", "pyperf", "--preset", preset, "--fast", "--impl", impl]
        # the step cases only: no reference rows, no first calls
        only_steps = ["--", "-k", "test_step"]
        steps.append(
            (
                f"run A: {impl}",
                [*pytest_run, "--out", str(out / "a" / impl), *only_steps],
            )
        )
        steps.append((f"pyperf: {impl}", pyperf))
        if impl in DEFAULT_STATE:
            steps.append(
                (f"pyperf, default state: {impl}", [*pyperf, "--malloc", "default"])
            )
        steps.append(
            (
                f"run B: {impl}",
                [*pytest_run, "--out", str(out / "b" / impl), *only_steps],
            )
        )
    return steps


def merge_runs(paths):
    """One pytest-benchmark document of the runs at ``paths``: their benchmarks
    together, the first one's machine, the earliest part's date (pytest-benchmark
    dates a run as it writes it: the first part's end, minutes into the check),
    every part's date kept (``loopbench.parts``).

    Raises
    ------
    ReportError
        A file is not pytest-benchmark output, the parts are of different presets,
        or a benchmark is in two of them.
    """
    docs = []
    for path in paths:
        data = read_json(path)
        check_pytest_benchmark(data, path)
        docs.append((path, data))
    if not docs:
        raise ReportError("no runs to merge")
    merged = json.loads(json.dumps(docs[0][1]))
    meta = merged.setdefault("loopbench", {})
    merged["benchmarks"], seen, parts, retimed = [], {}, [], []
    for path, data in docs:
        own = data.get("loopbench") or {}
        if own.get("preset") != meta.get("preset"):
            raise ReportError(
                f"{path}: preset {own.get('preset')!r}, not {meta.get('preset')!r}"
                f" as {docs[0][0]}"
            )
        for bench in data["benchmarks"]:
            name = bench.get("fullname") or bench.get("name")
            if name in seen:
                raise ReportError(f"{path}: {name} is in {seen[name]} too")
            seen[name] = path
            merged["benchmarks"].append(bench)
        # the part's folder (run A's and B's are named after the implementation)
        parts.append({"part": Path(path).parent.name, "datetime": data.get("datetime")})
        retimed += own.get("retimed") or []
    meta["parts"] = parts
    dates = [p["datetime"] for p in parts if isinstance(p["datetime"], str)]
    if dates:
        merged["datetime"] = min(dates, key=_when)
    meta["retimed"] = retimed
    return merged


def _when(text):
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return float("inf")  # an unreadable date is never the earliest


def summary(run_a, medians, off, comparison):
    """The README's sentences: the harnesses' agreement, why the cases off run A
    are off (``off``: ``off_cases``), and A against B."""
    ratios = harness_ratios(run_a, medians)
    within = sum(abs(r - 1) <= AGREE for r in ratios.values())
    by_reason = {
        reason: [row for row in off if row[3] == reason] for reason in (OFF_BOTH, NO_B)
    }
    flips = reversed_verdicts(run_a, medians)
    hits, total = flagged(comparison)
    pct = f"{100 * AGREE:g} %"
    named = "; ".join(f"{a} vs {b} at {n:,} x {d:,} {dt}" for a, b, dt, n, d in flips)
    text = (
        f"pyperf against pytest-benchmark run A, timed in turn: {within} of"
        f" {len(ratios)} cases within {pct}"
    )
    if off:
        drift = len(off) - sum(map(len, by_reason.values()))
        text += (
            f"; of the other {len(off)}, {drift} within {pct} of run B or between A"
            " and B (the machine moved between the runs)"
        )
        if by_reason[OFF_BOTH]:
            listed = ", ".join(
                f"{case_label(key)} ({to_a:.2f}x A, {to_b:.2f}x B)"
                for key, to_a, to_b, _ in by_reason[OFF_BOTH]
            )
            text += f", {len(by_reason[OFF_BOTH])} off both: {listed}"
        if by_reason[NO_B]:
            listed = ", ".join(case_label(row[0]) for row in by_reason[NO_B])
            text += f", {len(by_reason[NO_B])} not in run B: {listed}"
    return text + (
        f"; speedup verdicts reversed: {named or 'none'}."
        f" Run B against run A, each implementation's minutes apart: {hits} of"
        f" {total} cases ({100 * hits / total:.0f} %) flagged by `python -m bench"
        " compare`."
    )


def _shown(path):
    """``path`` as the committed text names it: from the project's root."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def finish(out, pyperf_dir, readme=None, merged=False):
    """Merge each run's parts, compare B with A, and write ``pytest-a.json``,
    ``pytest-b.json``, ``compare.md`` (and the README's block), then remove the
    parts; return the summary. Nothing is written when an input is bad. With
    ``merged``, the parts are not looked for: ``pytest-a.json`` and
    ``pytest-b.json`` of an earlier check are read as they are, and
    ``compare.md`` and the README's block written again from them.

    Raises
    ------
    ReportError
        A part or the pyperf results cannot be read, or the README lacks the
        markers.
    """
    docs, runs = {}, {}
    for run in RUNS:
        path = out / f"pytest-{run}.json"
        if merged:
            runs[run] = parse_run(read_json(path), path)
            if runs[run].preset != runs["a"].preset:
                raise ReportError(
                    f"{path}: preset {runs[run].preset!r}, not"
                    f" {runs['a'].preset!r} as run A"
                )
            continue
        parts = sorted((out / run).glob("*/bench.json"))
        if not parts:
            raise ReportError(f"{out / run}: no */bench.json (run {run.upper()})")
        docs[path] = merge_runs(parts)
        runs[run] = parse_run(docs[path], path)
    a, b = (_shown(out / f"pytest-{run}.json") for run in RUNS)
    comparison = compare_runs(runs["a"], runs["b"], a, b)
    medians = load_pyperf(pyperf_files([pyperf_dir]))
    off = off_cases(runs["a"], runs["b"], medians)
    line = summary(runs["a"], medians, off, comparison)
    writes = {p: json.dumps(d, indent=4) + "\n" for p, d in docs.items()}
    table = render_off_cases(off, 2)
    writes[out / "compare.md"] = render_comparison(comparison, a, b) + (
        f"\n{table}\n" if table else ""
    )
    if readme is not None:
        head = f"The committed harness check ({runs['a'].date}): "
        writes[readme] = with_line(readme, *HARNESS_MARKERS, head + line)
    for path, text in writes.items():
        write_atomic(path, text)
    if not merged:
        for run in RUNS:
            shutil.rmtree(out / run)
    return line


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench harness-check",
        description="Time each implementation with pytest-benchmark, pyperf and"
        " pytest-benchmark again, in turn, then compare the harnesses and the two"
        " pytest-benchmark runs.",
    )
    parser.add_argument(
        "--preset", choices=list(PRESETS), default="quick", help="default quick"
    )
    parser.add_argument(
        "--impl",
        nargs="+",
        choices=list(IMPLEMENTATIONS),
        default=None,
        metavar="NAME",
        help="only these implementations (default: the preset's)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="folder for pytest-a.json, pytest-b.json and compare.md (default"
        " results/harness-check; pyperf's JSON goes to results/pyperf*/)",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="README.md",
        help=f"write the summary between {' and '.join(HARNESS_MARKERS)}",
    )
    parser.add_argument(
        "--summary-only",
        action="store_true",
        help="time nothing: write compare.md (and the README's line) again from"
        " the pytest-a.json and pytest-b.json already in --out (--preset and --impl"
        " do not apply)",
    )
    args = parser.parse_args(argv)
    if args.summary_only:
        return _finish(args, merged=True)
    impls = args.impl or get_preset(args.preset).implementations()
    for run in RUNS:
        shutil.rmtree(args.out / run, ignore_errors=True)
    for what, cmd in plan(args.preset, impls, args.out):
        print(f"== harness-check, {what}", flush=True)
        code = subprocess.call([sys.executable, "-m", *cmd], cwd=ROOT)
        if code != 0:
            print(
                f"harness-check: {what} failed (exit {code}); stopped", file=sys.stderr
            )
            return code
    return _finish(args, merged=False)


def _finish(args, merged):
    try:
        print(finish(args.out, RESULTS / "pyperf", args.readme, merged))
    except ReportError as exc:
        return report_error("harness-check", exc, sys.stderr)
    return 0
