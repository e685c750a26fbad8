"""pyperf results: median time per case, as ``pyperf.md`` and ``pyperf.csv``.

Read with pyperf's own reader, from one JSON file per implementation
(``python -m bench pyperf``); the cases are matched by benchmark name.
"""

import re
from pathlib import Path

from bench.report.common import DASH, KNOWN_DTYPES, ReportError
from bench.report.comparisons import column_groups, speedup_groups
from bench.report.formatting import (
    fmt_cell,
    fmt_sig,
    heading,
    md_table,
    md_tables,
    to_csv,
)
from bench.report.model import DISPLAY_ORDER, ordered

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
