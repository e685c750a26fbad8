"""Document: ``summary.md``'s sections in their order, what the run found in
sentences, the performance targets, which plots a run gets, and ``pyperf.md``.

document
--------
The sections of ``summary.md`` (also the README's blocks), and their order.

Each section is rendered by the module that owns its numbers; this module only
puts them together, at a heading level given by the caller (``summary.md`` is a
document of its own, the README nests them one level deeper).
"""

import re
from pathlib import Path

from bench.report.common import (
    COMPILE_FINDING,
    CORES,
    DASH,
    GPU_TARGETS,
    HEATMAPS,
    INTERPRETED,
    KNOWN_DTYPES,
    LOOP,
    OURS,
    PEERS,
    PLOTS,
    STREAM_ONE,
    STREAM_RATE_CAPTION,
    STREAMS,
    TARGETS,
    UNKNOWN,
    VECTORIZED,
    WHERE_FINDINGS,
    X_SUM,
    ReportError,
    column_groups,
    competitors,
    fmt_cell,
    fmt_sig,
    has_gpu_rows,
    heading,
    md_table,
    md_tables,
    roofline,
    speedup_groups,
    to_csv,
)
from bench.report.costs import render_cost_tables
from bench.report.crossovers import (
    NEVER,
    compile_rows,
    render_compile,
    render_crossovers,
    repay_sizes,
)
from bench.report.model import DISPLAY_ORDER, ordered
from bench.report.stats import (
    METHOD,
    TIE,
    fmt_ratio,
    has_intervals,
    render_win_map,
    speedup,
    tally,
    target_ratio,
    target_verdict,
)
from bench.report.tables import rate_share, render_gpu, render_sections


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


# ============================================================================
# findings
# What this run found, in sentences, with this run's numbers.
#
# The README states no number of its own: what a run found is written here, from
# the run, under a heading that names it. First where the interpreted loop, the
# compiled loop and this project's step win against NumPy
# (``common.WHERE_FINDINGS``), then the peers and the win map, then what a call
# and an element cost, the read rates, the temporaries and the compile. The README
# shows the first ``FRONT_PAGE`` of them; the lesson shows all. A sentence whose
# numbers the run does not have is left out, not guessed.

DTYPE = "float64"
# How many findings the README's block shows: the first ones of ``findings``
FRONT_PAGE = 5


def _largest(run, impl):
    """The largest n * d at which ``impl`` was measured in float64, or None."""
    sizes = [(n, d) for n, d in run.sizes(DTYPE) if run.get(impl, DTYPE, n, d)]
    return max(sizes, key=lambda s: (s[0] * s[1], s[0]), default=None)


def _fit(costs, impl):
    row = next((r for r in costs if (r.dtype, r.impl) == (DTYPE, impl)), None)
    return None if row is None else row.line


def _interpreter(costs):
    python, numba, numpy = (_fit(costs, i) for i in (INTERPRETED, LOOP, VECTORIZED))
    if None in (python, numba, numpy):
        return None
    return (
        f"An element of X costs {fmt_sig(python.per_element * 1e9)} ns in the"
        f" Python loop and {fmt_sig(numba.per_element * 1e9)} ns compiled (`c` of"
        f" the fitted lines); a call costs NumPy {fmt_sig(numpy.t0 * 1e6)} µs before"
        f" it touches the data, the compiled loop {fmt_sig(numba.t0 * 1e6)} µs"
        " (`t0`)."
    )


def _tally(run, fast, base):
    """``(faster, slower, ties, cells)`` of ``fast`` against ``base`` in float64."""
    signs = [speedup(run, fast, base, DTYPE, n, d) for n, d in run.sizes(DTYPE)]
    signs = [r.sign for r in signs if r is not None]
    return signs.count(1), signs.count(-1), signs.count(0), len(signs)


def _ratios(run, fast, base):
    """``[(ratio, dtype, n, d)]`` of ``fast`` against ``base``, every dtype."""
    return [
        (r, dtype, n, d)
        for dtype in run.dtypes
        for n, d in run.sizes(dtype)
        if (r := speedup(run, fast, base, dtype, n, d)) is not None
    ]


def _span(values):
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def _where(cells, dtypes):
    """``at 10,000 x 1 (float32)``, or the ranges of n and d the cells lie in."""
    ns, ds = {n for _, _, n, _ in cells}, {d for _, _, _, d in cells}
    if len(cells) == 1:
        _, dtype, n, d = cells[0]
        return f"at {n:,} x {d:,}" + (f" ({dtype})" if len(dtypes) > 1 else "")
    return f"with n from {_span(ns)} and d from {_span(ds)}"


def _at(cell, dtypes):
    ratio, dtype, n, d = cell
    where = f" ({dtype})" if len(dtypes) > 1 else ""
    return f"{fmt_ratio(ratio, 'x')} at {n:,} x {d:,}{where}"


def _against(run, fast, base=VECTORIZED):
    """Where ``fast`` wins and loses against ``base``, over every dtype: the
    tally, the notebook's example, and the cells of the smaller side with its
    extreme (or the least margin, where one side has every cell)."""
    found = _ratios(run, fast, base)
    if not found:
        return None
    dtypes = list(dict.fromkeys(dtype for _, dtype, _, _ in found))
    faster = [c for c in found if c[0].sign == 1]
    slower = [c for c in found if c[0].sign == -1]
    text = (
        f"`{fast}` against `{base}` ({' and '.join(dtypes)}): faster in"
        f" {len(faster)} of {len(found)} cells, slower in {len(slower)}, a tie in"
        f" {len(found) - len(faster) - len(slower)}"
        + ("" if has_intervals(run) else " (by medians alone: no intervals)")
    )
    examples = [c for c in found if c[2:] == (20, 3)]
    if examples:
        shown = [
            fmt_ratio(r, "x") + (f" ({dt})" if len(dtypes) > 1 else "")
            for r, dt, _, _ in examples
        ]
        text += f"; at the notebook's 20 x 3, {' and '.join(shown)}"
    if faster and slower:
        fewer, word = (
            (faster, "faster")
            if len(faster) < len(slower)
            else (
                slower,
                "slower",
            )
        )
        extreme = (max if word == "faster" else min)(fewer, key=lambda c: c[0])
        bound = "up to" if word == "faster" else "down to"
        text += f"; {word} only {_where(fewer, dtypes)}, {bound} {_at(extreme, dtypes)}"
    elif faster or slower:
        side = faster or slower
        least = (min if faster else max)(side, key=lambda c: c[0])
        text += f"; by the least margin, {_at(least, dtypes)}"
    return text + "."


def _peers(run):
    """``OURS`` against each peer of the run, in one sentence."""
    parts = []
    for peer in PEERS:
        faster, slower, ties, cells = _tally(run, OURS, peer)
        if cells:
            parts.append(
                f"`{peer}` faster in {faster} of {cells} cells, slower in {slower},"
                f" a tie in {ties}"
            )
    if not parts:
        return None
    return f"`{OURS}` against the peers ({DTYPE}): " + "; ".join(parts) + "."


def _winners(run):
    if DTYPE not in run.dtypes or len(competitors(run.impls)) < 2:
        return None
    wins, shared, cells = tally(run, DTYPE)
    text = ", ".join(f"`{impl}` in {count}" for impl, count in wins.items())
    ties = f"; {shared} shared by a tie" if shared else ""
    return (
        f"The fastest on one core ({DTYPE}, the win map's {cells} cells): {text}{ties}."
    )


def _roofline(run):
    parts = []
    for impl in (OURS, CORES, X_SUM):
        stream = STREAM_ONE if impl == X_SUM else roofline(impl, run.references)
        size = _largest(run, impl)
        share = size and stream and rate_share(run, impl, stream, DTYPE, *size)
        if share:
            name = "`X.sum()`" if impl == X_SUM else f"`{impl}`"
            parts.append(
                f"{name} reads X at {fmt_cell(share, 'share')} of `{stream}`'s rate"
                f" at {size[0]:,} x {size[1]:,}"
            )
    return "; ".join(parts) + "." if parts else None


def _temporaries(run):
    size = _largest(run, VECTORIZED)
    if size is None:
        return None
    held = {i: run.get(i, DTYPE, *size) for i in (VECTORIZED, LOOP, OURS)}
    held = {
        i: t.alloc_bytes
        for i, t in held.items()
        if t and t.alloc_bytes and t.alloc_visible
    }
    if VECTORIZED not in held:
        return None
    x_bytes = size[0] * size[1] * 8
    others = ", ".join(f"`{i}` {fmt_sig(b / 1e3)} kB" for i, b in held.items())
    return (
        f"At {size[0]:,} x {size[1]:,} ({fmt_sig(x_bytes / 1e6)} MB of X), one step"
        f" held at most: {others}."
    )


def _compile(run):
    row = next((r for r in compile_rows(run) if r.impl == COMPILE_FINDING), None)
    if row is None or row.compile is None:
        return None
    calls = [
        f"{c if c == NEVER else f'{c:,}'} calls at {n:,} x {d:,}"
        for c, (n, d) in zip(row.calls, repay_sizes(run), strict=True)
        if c is not None
    ]
    text = f"Compiling `{COMPILE_FINDING}` costs {fmt_sig(row.compile * 1e3)} ms"
    return text + (f"; it is repaid after {' and '.join(calls)}." if calls else ".")


def findings(run, costs):
    """The sentences this run supports, the most telling first."""
    found = [
        *(_against(run, fast, base) for fast, base in WHERE_FINDINGS),
        _peers(run),
        _winners(run),
        _interpreter(costs),
        _roofline(run),
        _temporaries(run),
        _compile(run),
    ]
    return [f for f in found if f]


def render_findings(run, costs, level, most=None):
    """The findings as a list under a heading that names the run.

    Parameters
    ----------
    run : bench.report.model.Run
    costs : list
        The run's cost model (``bench.report.costs.cost_model``).
    level : int
        The heading's level.
    most : int, optional
        Show only the first ``most`` findings (the README: ``FRONT_PAGE``).

    Returns
    -------
    str
    """
    items = findings(run, costs)[:most]
    cpu = dict(run.environment).get("CPU", UNKNOWN)
    where = "" if cpu == UNKNOWN else f", on {cpu}"
    intro = f"In this run (preset `{run.preset}`, {run.date}{where}):"
    if not items:
        intro += " nothing to report; the run lacks the rows the findings read."
    return "\n\n".join(
        [
            heading(level, "What this run found"),
            intro,
            "\n".join(f"- {i}" for i in items),
        ]
    ).rstrip()


# ============================================================================
# targets
# The performance targets: measured ratios of medians against the goals set for
# this project, met, missed, or (where the ratio's interval spans the goal) too close
# to call.
#
# A target is one ``Target`` of ``TARGETS`` (declared, with the other comparisons,
# in ``bench/report/common.py``), checked in every dtype of the run (or in its own
# ``Target.dtype``): the time of ``slow`` (in ``Target.slow_dtype``, if it has one)
# over the time of ``fast`` at one size, or at every size of the grid (then the
# worst cell counts). With ``slow`` a roofline row (the stream), the ratio is
# ``fast``'s rate of reading X as a share of the stream's. A target that a tie also
# meets (``Target.tie_met``: "at least as fast, or a tie") is met by a tie. A time
# budget (``Target.ns_per_sample``) is ``fast``'s time per sample, at most ``goal``.


def targets_for(run):
    """The targets of this kind of run: the GPU's, or the CPU grid's; an optional
    one only where the run has both its implementations."""
    names = {*run.impls, *run.references}
    return [
        t
        for t in (GPU_TARGETS if has_gpu_rows(run) else TARGETS)
        if not t.optional or {t.fast, t.slow} - {None} <= names
    ]


def measured(run, target, dtype):
    """``(ratio, (n, d))`` of ``target`` in ``dtype``; ``(None, None)`` if not run.

    For a target over every size, the worst (smallest) ratio and where it is. For
    a time budget (``Target.ns_per_sample``), the ratio is the time per sample in
    ns, its interval with it.
    """
    sizes = run.sizes(dtype) if target.n is None else [(target.n, target.d)]
    worst = (None, None)
    for n, d in sizes:
        ratio = target_ratio(run, target, dtype, n, d)
        if ratio is None:
            continue
        if worst[0] is None or _rank(ratio, target) < _rank(worst[0], target):
            worst = (ratio, (n, d))
    return worst


def _rank(ratio, target):
    # the worst cell: a miss before a cell too close to call before a hit, then
    # the smallest ratio (the largest time, for a time budget)
    kind = target_verdict(ratio, target)[0]
    return (
        ["missed", "too close", "met"].index(kind),
        -ratio if target.ns_per_sample else ratio,
    )


def target_rows(run):
    """``[(target, dtype, (n, d) or None, ratio or None)]``, dtype inner; a
    target of one dtype only in that dtype (not in this run, where the run lacks
    it)."""
    return [
        (t, dtype, *measured(run, t, dtype)[::-1])
        for t in targets_for(run)
        for dtype in (run.dtypes if t.dtype is None else [t.dtype])
    ]


def render_targets(run, level):
    """The performance targets, each with its measured ratio: met or missed."""
    rows = []
    for t, dtype, size, ratio in target_rows(run):
        called = "not in this run" if ratio is None else target_verdict(ratio, t)[1]
        if t.n is not None:
            where = f"{t.n:,} x {t.d:,}"
        else:
            where = DASH if size is None else f"worst: {size[0]:,} x {size[1]:,}"
        # two significant digits, three where two would round the goal
        shown = fmt_sig(t.goal, 2 if float(f"{t.goal:.2g}") == t.goal else 3)
        if t.ns_per_sample:
            unit, goal = " ns", f"≤ {shown} ns"
        else:
            unit = "x"
            goal = f"≥ {shown}x" + (" or a tie" if t.tie_met else "")
        rows.append(
            [
                t.what,
                dtype,
                where,
                DASH if ratio is None else fmt_ratio(ratio, unit).lstrip(TIE),
                goal,
                called,
            ]
        )
    return "\n\n".join(
        [
            heading(level, "Performance targets"),
            "Ratios of medians measured in this run: time of the slower / time of"
            " the faster; for a stream row, the faster one's rate of reading X as a"
            " share of the stream's; a time per sample is the median time over n,"
            ' in ns. "every cell" is the worst cell of the grid. "missed by" is the'
            " shortfall (for a time, the excess) as a share of the target."
            + (
                f" [low, high]: {METHOD}; met when the interval's low end reaches"
                " the target, missed when its high end falls short (for a time,"
                " met when its high end is at or under the target, missed when its"
                " low end is over it)."
                if has_intervals(run)
                else ""
            ),
            md_table(
                ["comparison", "dtype", "n x d", "measured", "target", ""],
                rows,
                "llrrrl",
            ),
        ]
    )


# ============================================================================
# which plots a run gets
# Which plots a run gets, and the Markdown that shows them.
#
# Apart from ``bench/report/plots.py`` so that the tables can link the plots without
# matplotlib: a tables-only report (``--no-plots``, or no ``plot`` extra) needs none.


# The front figure: when each way of writing the step wins (bench/report/plots.py:
# figure_answer), in a run's folder beside its tables (results/full/answer.png)
ANSWER_PLOT = (
    "answer.png",
    f"When does each way of writing the step beat {VECTORIZED}? Speedup over"
    f" {VECTORIZED} against n, one panel per d",
)


def heatmap_plot(fast, base):
    """``(file name, caption)`` of the speedup heatmap of ``fast`` over ``base``."""
    return f"speedup_{fast}_vs_{base}.png", f"Where {fast} is faster than {base}"


def planned_plots(run):
    """``{key: (file name, caption)}`` of the plots this run's data allow.

    Keys: ``"answer"`` where ``VECTORIZED`` has two n at one d (in ``DTYPE``, or
    the run's first dtype), ``"cost"`` where a d has three; ``"time"``, ``"rate"``
    (``common.PLOTS``, the first dtype) and ``("time"|"rate", dtype)`` for each
    other dtype; ``("heatmap", fast, base)`` for each of ``HEATMAPS`` it has.
    """
    front = DTYPE if DTYPE in run.dtypes else run.dtypes[0]
    ns, vectorized_ns = {}, {}
    for impl, dtype, n, d in run.timings:
        if dtype == front:
            ns.setdefault(d, set()).add(n)
            if impl == VECTORIZED:
                vectorized_ns.setdefault(d, set()).add(n)
    plots = {}
    if any(len(found) >= 2 for found in vectorized_ns.values()):
        plots["answer"] = ANSWER_PLOT
    for i, dtype in enumerate(run.dtypes):
        name = PLOTS["time"][0].replace(".png", f"_{dtype}.png" if i else ".png")
        caption = f"How the time per step grows with n, one panel per d ({dtype})"
        plots["time" if i == 0 else ("time", dtype)] = (name, caption)
    if any(len(found) >= 3 for found in ns.values()):  # a line at one d, at least
        plots["cost"] = (PLOTS["cost"][0], f"What one call costs, fitted ({front})")
    for fast, base in HEATMAPS:
        if {fast, base} <= set(run.impls):
            plots["heatmap", fast, base] = heatmap_plot(fast, base)
    rate = STREAM_RATE_CAPTION if has_stream(run) else PLOTS["rate"][1]
    for i, dtype in enumerate(run.dtypes):
        name = PLOTS["rate"][0].replace(".png", f"_{dtype}.png" if i else ".png")
        caption = f"{rate.replace('n·d', 'n')} ({dtype})"
        plots["rate" if i == 0 else ("rate", dtype)] = (name, caption)
    return plots


def has_stream(run):
    """Whether the run has a compiled stream as its roofline (else ``x_sum``)."""
    return any(r in run.references for r in STREAMS)


def render_plot_links(run, level, folder=""):
    """Markdown images of the plots, with paths relative to the Markdown file."""
    prefix = f"{folder}/" if folder and folder != "." else ""
    links = [f"![{cap}]({prefix}{name})" for name, cap in planned_plots(run).values()]
    return "\n\n".join([heading(level, "Plots"), *links])


# ============================================================================
# pyperf: pyperf.md and pyperf.csv
# pyperf results: median time per case, as ``pyperf.md`` and ``pyperf.csv``.
#
# Read with pyperf's own reader, from one JSON file per implementation
# (``python -m bench pyperf``); the cases are matched by benchmark name.

PYPERF_NAME = re.compile(r"step n=(\d+) d=(\d+) (\w+)")
# The name suffix of a step timed in glibc's default allocator state
DEFAULT_MALLOC = " (glibc default)"


def pyperf_files(sources):
    """The pyperf JSON files named by ``sources`` (files, or folders of ``*.json``).

    Raises
    ------
    ReportError
        A source does not exist, or a folder holds no JSON.
    """
    out = []
    for src in map(Path, sources):
        if src.is_dir():
            found = sorted(
                p
                for p in src.glob("*.json")
                if not p.name.startswith(".") and p.is_file()
            )
            if not found:
                raise ReportError(f"{src}: no pyperf *.json files in this folder")
            out += found
        elif src.is_file():
            out.append(src)
        else:
            raise ReportError(f"{src}: no such file or folder")
    return out


def load_pyperf(paths):
    """Median seconds per case from pyperf results, with pyperf's own reader.

    Returns
    -------
    dict
        ``(impl, dtype, n, d) -> median seconds``; the implementation is the
        file's ``loopbench_impl`` metadata, else the file name without ``.json``.

    Raises
    ------
    ReportError
        A file is empty or not pyperf output.
    """
    import pyperf

    medians = {}
    for path in paths:
        if path.stat().st_size == 0:
            raise ReportError(f"{path}: file is empty")
        try:
            suite = pyperf.BenchmarkSuite.load(str(path))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReportError(f"{path}: not pyperf output ({exc})") from None
        for bench in suite.get_benchmarks():
            match = PYPERF_NAME.fullmatch(bench.get_name())
            if not match:
                continue
            meta = bench.get_metadata()
            impl = str(meta.get("loopbench_impl", path.stem))
            if meta.get("loopbench_allocator") == "default":
                impl += DEFAULT_MALLOC  # the same step, the other allocator state
            n, d, dtype = int(match[1]), int(match[2]), match[3]
            medians[(impl, dtype, n, d)] = float(bench.median())
    if not medians:
        names = ", ".join(p.name for p in paths)
        raise ReportError(
            f"{names}: no 'step n=.. d=.. dtype' benchmarks in pyperf output"
        )
    return medians


def _ratio(medians, a, b, key):
    ta, tb = medians.get((a, *key)), medians.get((b, *key))
    return None if ta is None or tb is None else tb / ta


def render_pyperf(medians):
    """``(pyperf.md text, pyperf.csv text)`` for pyperf medians.

    Per dtype, the times in one table per column group and the speedups in one
    per baseline (``comparisons``), as in ``summary.md``; the CSV has them all.
    """
    impls = ordered({k[0] for k in medians}, DISPLAY_ORDER)
    dtypes = ordered({k[1] for k in medians}, KNOWN_DTYPES)
    groups = speedup_groups(impls)
    pairs = [pair for group in groups for pair in group.pairs]
    parts = [
        heading(1, "pyperf results"),
        "Median of all values of each benchmark (pyperf: several worker processes,"
        ' calibrated loops), in µs per step. Speedup "A vs B" = time of B / time'
        f" of A. {DASH}: not measured.",
    ]
    csv_rows = []
    for dtype in dtypes:
        sizes = sorted({(n, d) for (_, dt, n, d) in medians if dt == dtype})
        keys = [(dtype, n, d) for n, d in sizes]
        us = [
            [None if (t := medians.get((i, *k))) is None else t * 1e6 for i in impls]
            for k in keys
        ]
        speed = [[_ratio(medians, a, b, k) for a, b in pairs] for k in keys]
        csv_rows += [
            [dtype, n, d, n * d, *u, *s]
            for (n, d), u, s in zip(sizes, us, speed, strict=True)
        ]
        parts.append(heading(2, dtype))
        tables = [
            (
                f"{label} (µs):",
                names,
                [[row[impls.index(i)] for i in names] for row in us],
                "time",
            )
            for label, names in column_groups(impls)
        ]
        for group in groups:
            cols = [pairs.index(p) for p in group.pairs]
            tables.append(
                (
                    f"{group.caption}:",
                    [f"{a} vs {b}" for a, b in group.pairs],
                    [[row[c] for c in cols] for row in speed],
                    "ratio",
                )
            )
        for caption, headers, values, kind in tables:
            cells = [
                [f"{n:,} x {d:,}", *(fmt_cell(v, kind) for v in row)]
                for (n, d), row in zip(sizes, values, strict=True)
            ]
            headers = ["n x d", *headers]
            parts += [caption, *md_tables(headers, cells, "r" * len(headers))]
    csv_headers = ["dtype", "n_samples", "n_features", "n_elements"]
    csv_headers += [f"{i}_median_us" for i in impls]
    csv_headers += [f"speedup_{a}_over_{b}" for a, b in pairs]
    return "\n\n".join(parts) + "\n", to_csv(csv_headers, csv_rows)


def render_allocation_cost(medians, level):
    """What the temporaries cost: each implementation pyperf timed in both
    allocator states, the default state's time over the fixed one's, per case;
    empty when no implementation was timed in both."""
    pairs = sorted(
        (k, medians[(k[0] + DEFAULT_MALLOC, *k[1:])] / t)
        for k, t in medians.items()
        if (k[0] + DEFAULT_MALLOC, *k[1:]) in medians
    )
    if not pairs:
        return ""
    impls = list(dict.fromkeys(k[0] for k, _ in pairs))
    sizes = sorted({(k[1], k[2], k[3]) for k, _ in pairs})
    ratio = dict(pairs)
    rows = [
        [dt, f"{n:,} x {d:,}"]
        + [
            f"{fmt_sig(r)}x" if (r := ratio.get((i, dt, n, d))) is not None else "—"
            for i in impls
        ]
        for dt, n, d in sizes
    ]
    return "\n\n".join(
        [
            heading(level, "What the temporaries cost: allocation and page faults"),
            "Time per step with glibc's allocator as a fresh process starts it"
            " (`python -m bench pyperf --malloc default`: each large temporary is"
            " mapped afresh and page-faulted in at every call) over the time with the"
            " thresholds fixed (`bench/allocator.py`: the temporaries reused from"
            " call to call, as in every other table), both under pyperf. Above 1:"
            " what allocating per call costs when the memory is not reused."
            + _drift_note([r for _, r in pairs]),
            md_table(["dtype", "n x d", *impls], rows, "ll" + "r" * len(impls)),
        ]
    )


# The default state does the same work and more: a ratio this far below 1 is the
# machine's speed moving between the two pyperf runs, not the allocator.
DRIFT_BELOW = 0.9


def _drift_note(ratios):
    low = [r for r in ratios if r < DRIFT_BELOW]
    if not low:
        return ""
    return (
        f" {len(low)} of {len(ratios)} ratios here are below {DRIFT_BELOW:g}"
        f" (down to {fmt_sig(min(low))}x): the default state does the same work"
        " and maps its temporaries afresh besides, so it cannot be that much"
        " faster; the machine ran at another speed in the two runs, which are"
        " minutes apart. Read every ratio of this table as that uncertain."
    )
