"""pyperf results: median time per case, as ``pyperf.md`` and ``pyperf.csv``.

Read with pyperf's own reader, from one JSON file per implementation
(``python -m bench pyperf``); the cases are matched by benchmark name.
"""

import re
from pathlib import Path

from bench.report.common import DASH, KNOWN_DTYPES, ReportError
from bench.report.comparisons import speedup_pairs
from bench.report.formatting import fmt_cell, heading, md_table, to_csv
from bench.report.model import ordered
from kernels import IMPLEMENTATIONS

PYPERF_NAME = re.compile(r"step n=(\d+) d=(\d+) (\w+)")


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
            impl = str(bench.get_metadata().get("loopbench_impl", path.stem))
            n, d, dtype = int(match[1]), int(match[2]), match[3]
            medians[(impl, dtype, n, d)] = float(bench.median())
    if not medians:
        names = ", ".join(p.name for p in paths)
        raise ReportError(
            f"{names}: no 'step n=.. d=.. dtype' benchmarks in pyperf output"
        )
    return medians


def render_pyperf(medians):
    """``(pyperf.md text, pyperf.csv text)`` for pyperf medians."""
    impls = ordered({k[0] for k in medians}, IMPLEMENTATIONS)
    dtypes = ordered({k[1] for k in medians}, KNOWN_DTYPES)
    pairs = speedup_pairs(impls)
    parts = [
        heading(1, "pyperf results"),
        "Median of all values of each benchmark (pyperf: several worker processes,"
        ' calibrated loops), in µs per step. Speedup "A vs B" = time of B / time'
        f" of A. {DASH}: not measured.",
    ]
    csv_rows = []
    for dtype in dtypes:
        sizes = sorted({(n, d) for (_, dt, n, d) in medians if dt == dtype})
        rows = []
        for n, d in sizes:
            times = [medians.get((i, dtype, n, d)) for i in impls]
            speed = []
            for a, b in pairs:
                ta, tb = medians.get((a, dtype, n, d)), medians.get((b, dtype, n, d))
                speed.append(None if ta is None or tb is None else tb / ta)
            us = [None if t is None else t * 1e6 for t in times]
            rows.append(
                [f"{n:,}", f"{d:,}", f"{n * d:,}"]
                + [fmt_cell(t, "time") for t in us]
                + [fmt_cell(s, "ratio") for s in speed]
            )
            csv_rows.append([dtype, n, d, n * d, *us, *speed])
        headers = ["n", "d", "n·d", *impls, *(f"{a} vs {b}" for a, b in pairs)]
        parts += [heading(2, dtype), md_table(headers, rows, "r" * len(headers))]
    csv_headers = ["dtype", "n_samples", "n_features", "n_elements"]
    csv_headers += [f"{i}_median_us" for i in impls]
    csv_headers += [f"speedup_{a}_over_{b}" for a, b in pairs]
    return "\n\n".join(parts) + "\n", to_csv(csv_headers, csv_rows)
