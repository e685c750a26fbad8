"""pyperf and pytest-benchmark timed in turn, one implementation at a time:
``python -m lab harness-check``.

    python -m lab harness-check [--preset quick] [--impl NAME ...] [--out DIR]
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
(``off_cases``): within 10 % of B, or between A and B, the
machine moved; off both, ``docs/timing.md`` says what that was on the developer's
machine. ``--summary-only`` writes ``compare.md`` and the README's
line again from the merged runs, timing nothing.
"""

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bench.grid import PRESETS, get_preset
from bench.report.common import (
    DASH,
    ReportError,
    case_label,
    fmt_sig,
    heading,
    md_table,
    report_error,
    speedup_pairs,
    write_atomic,
)
from bench.report.compare import compare_runs, flagged, render_comparison
from bench.report.document import load_pyperf, pyperf_files
from bench.report.model import check_pytest_benchmark, parse_run, read_json
from bench.report.readme import with_line
from bench.report.stats import AGREE, MIN_EFFECT, Ratio, speedup
from bench.run import RESULTS, ROOT
from kernels import IMPLEMENTATIONS
from lab.checks import MARKERS, PROG

OUT = RESULTS / "harness-check"
# The steps that allocate their temporaries at every call, timed in glibc's
# default allocator state too (not torch_compile: its fused loops make few
# temporaries, and each of pyperf's worker processes would compile it again,
# minutes in all)
DEFAULT_STATE = ("numpy", "jax", "torch")
RUNS = ("a", "b")
HARNESS_MARKERS = MARKERS["harness-check"]


# pyperf against pytest-benchmark, case by case

SHOWN = 30


def harness_ratios(run, medians):
    """``{(impl, dtype, n, d): pyperf median / pytest-benchmark median}`` over the
    cases both timed."""
    out = {}
    for (impl, dtype, n, d), seconds in medians.items():
        t = run.median(impl, dtype, n, d)
        if t is not None and t > 0:
            out[(impl, dtype, n, d)] = seconds / t
    return out


def _called(ratio):
    """+1 / -1: a winner called; 0: a tie (``bench.report.stats``). A ratio
    without interval (pyperf's, or an older run's) is a tie within
    ``MIN_EFFECT`` of 1."""
    if ratio.has_interval:
        return ratio.sign
    return (1 if ratio > 1 else -1) if ratio.large else 0


def reversed_verdicts(run, medians):
    """``[(a, b, dtype, n, d)]`` where pyperf and pytest-benchmark each call a
    winner of a speedup pair, and not the same one: each ratio at least
    ``MIN_EFFECT`` from 1, and pytest-benchmark's interval, where it has one,
    excluding 1. A tie in either is no verdict to reverse."""
    timed = {k[0] for k in medians}
    sizes = sorted({k[1:] for k in medians})
    out = []
    for a, b in speedup_pairs([i for i in run.impls if i in timed]):
        for dtype, n, d in sizes:
            pa, pb = medians.get((a, dtype, n, d)), medians.get((b, dtype, n, d))
            ours = speedup(run, a, b, dtype, n, d)
            if None in (pa, pb, ours) or not pa > 0:
                continue
            theirs, called = _called(Ratio(pb / pa)), _called(ours)
            if theirs and called and theirs != called:
                out.append((a, b, dtype, n, d))
    return out


DRIFT = f"the machine moved: within {100 * AGREE:g} % of run B, or between A and B"
OFF_BOTH = "off both runs (docs/timing.md: what that was on the developer's machine)"
NO_B = "not in run B"


def off_cases(run_a, run_b, medians):
    """Every case where pyperf lies more than ``AGREE`` from run A, with why.

    Parameters
    ----------
    run_a, run_b : Run
        Two pytest-benchmark runs of the same cases, taken before and after
        pyperf (``python -m lab harness-check``).
    medians : dict
        pyperf's medians, ``{(impl, dtype, n, d): seconds}``.

    Returns
    -------
    list of tuple
        ``(key, pyperf / A, pyperf / B or None, reason)``, worst first; the reason
        is ``DRIFT`` where pyperf lies within ``AGREE`` of run B, or between A and
        B (the machine's speed moved in the minutes between the runs, and pyperf
        with it), ``NO_B`` where run B has no time of the case, else
        ``OFF_BOTH`` (``docs/timing.md``, "Two harnesses", says what such a case
        was when the developer's machine was measured: not what the harnesses
        time, but one process's or one minute's speed).
    """
    out = []
    for key, ratio in harness_ratios(run_a, medians).items():
        if abs(ratio - 1) <= AGREE:
            continue
        b = run_b.median(*key)
        if not b:
            out.append((key, ratio, None, NO_B))
            continue
        to_b = medians[key] / b
        between = (ratio - 1) * (to_b - 1) <= 0
        near_b = abs(to_b - 1) <= AGREE
        out.append((key, ratio, to_b, DRIFT if near_b or between else OFF_BOTH))
    return sorted(out, key=lambda row: -abs(row[1] - 1))


def render_off_cases(rows, level):
    """The table of ``off_cases`` (for the harness check's ``compare.md``)."""
    if not rows:
        return ""
    table = [
        [
            dt,
            impl,
            f"{n:,} x {d:,}",
            f"{fmt_sig(to_a)}x",
            f"{fmt_sig(to_b)}x" if to_b is not None else DASH,
            reason,
        ]
        for (impl, dt, n, d), to_a, to_b, reason in rows
    ]
    return "\n\n".join(
        [
            heading(level, "pyperf against runs A and B: the cases off run A"),
            f"Every case whose pyperf median lies more than {100 * AGREE:.0f} % from"
            " run A's, with pyperf against run B, taken minutes later, beside it.",
            md_table(
                ["dtype", "implementation", "n x d", "pyperf / A", "pyperf / B", "why"],
                table,
                "lllrrl",
            ),
        ]
    )


def render_harnesses(run, medians, level, title=None, where=None):
    """The comparison section (for ``pyperf.md``); empty when no case is shared.

    Parameters
    ----------
    run : Run
        The pytest-benchmark run to set pyperf against.
    medians : dict
        pyperf's medians, ``{(impl, dtype, n, d): seconds}``.
    level : int
        Heading level.
    title : str, optional
        The section's heading; default "pyperf against pytest-benchmark".
    where : str, optional
        The run's file as the text names it; default its file name.
    """
    ratios = harness_ratios(run, medians)
    if not ratios:
        return ""
    off = {k: r for k, r in ratios.items() if abs(r - 1) > AGREE}
    flips = reversed_verdicts(run, medians)
    share = 100 * (len(ratios) - len(off)) / len(ratios)
    parts = [
        heading(level, title or "pyperf against pytest-benchmark"),
        f"pyperf's median of each case over the median of the same case in"
        f" `{where or run.source}` (pytest-benchmark, preset {run.preset}):"
        f" {len(ratios)} cases in common, {len(ratios) - len(off)} ({share:.0f} %)"
        f" within {100 * AGREE:.0f} %.",
        "Verdicts reversed between the two harnesses (a winner called by both,"
        f" {100 * MIN_EFFECT:g} % apart or more, pytest-benchmark's interval"
        " excluding 1): "
        + (
            "; ".join(f"{a} vs {b} at {n:,} x {d:,} {dt}" for a, b, dt, n, d in flips)
            if flips
            else "none."
        ),
    ]
    if off:
        worst = sorted(off.items(), key=lambda kv: -abs(kv[1] - 1))[:SHOWN]
        rows = [
            [dt, impl, f"{n:,} x {d:,}", f"{fmt_sig(r)}x"]
            for (impl, dt, n, d), r in worst
        ]
        parts.append(
            md_table(
                ["dtype", "implementation", "n x d", "pyperf / pytest"], rows, "lllr"
            )
        )
    return "\n\n".join(parts)


# The check: the two harnesses in turn, one implementation at a time


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

    Not ``bench.processes.combine``: that merges the passes of the same cases into
    one entry per case (their rounds pooled); here each part holds other cases
    (one implementation's turn), which are put side by side, and a case found in
    two parts is an error.

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


def harness_summary(run_a, medians, off, comparison):
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
    ``pytest-b.json``, ``compare.md``, ``harnesses.md`` (pyperf against run A,
    case by case) and the README's block, then remove the
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
    line = harness_summary(runs["a"], medians, off, comparison)
    writes = {p: json.dumps(d, indent=4) + "\n" for p, d in docs.items()}
    table = render_off_cases(off, 2)
    writes[out / "compare.md"] = render_comparison(comparison, a, b) + (
        f"\n{table}\n" if table else ""
    )
    # pyperf against pytest-benchmark case by case: the same cases, timed in turn
    writes[out / "harnesses.md"] = (
        render_harnesses(
            runs["a"],
            medians,
            1,
            f"pyperf against pytest-benchmark on the same grid (preset"
            f" {runs['a'].preset})",
            a,
        )
        + "\n"
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


HELP = "pytest-benchmark, pyperf, pytest-benchmark again, in turn per implementation"


def add_arguments(parser):
    """``python -m lab harness-check``'s arguments."""
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


def run(args, parser=None):
    """Time in turn (or, with --summary-only, read again) and finish; exit code."""
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
        return report_error("harness-check", exc, prog=PROG)
    return 0
