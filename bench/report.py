"""Benchmark JSON -> tables, a cost model and plots.

    python -m bench report [--input JSON] [--out DIR] [--pyperf DIR_OR_FILE ...]
                           [--readme README.md] [--no-plots]

Reads one pytest-benchmark JSON written by ``python -m bench run`` (default: the
newest under ``results/``) and writes into ``--out`` (default: the JSON's folder):

- ``summary.md``, ``summary.csv``: for each (n, d, dtype) group, the median time of
  every implementation, speedups, the rate at which each one reads ``X`` and that
  rate as a share of ``X.sum()``'s (the roofline), and the scikit-learn reference;
- a cost-model section of ``summary.md``, with ``cost_model.csv`` and
  ``crossovers.csv``: per implementation the fit ``t = t0 + c * n * d`` (and
  ``t0 + s * n + c * n * d``, with a per-sample term), and where one
  implementation overtakes another, from the fits and from the measured grid;
  ``compile.csv`` with Numba's first-call times when the JSON has them;
- PNG plots (``bench/plots.py``; needs the ``plot`` extra, i.e. matplotlib);
- ``pyperf.md``, ``pyperf.csv`` when ``--pyperf`` names pyperf results.

Every number and every fact about the machine comes from the JSON, never from the
machine running the report, and nothing depends on the clock: the same JSON gives
byte-identical Markdown and CSV. ``--readme`` also replaces the text between
``<!-- report:summary:begin -->`` / ``<!-- report:summary:end -->`` and
``<!-- report:cost-model:begin -->`` / ``<!-- report:cost-model:end -->`` in that
file with the same tables.
"""

import argparse
import csv
import io
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.grid import SLOW_IMPLEMENTATIONS
from kernels import IMPLEMENTATIONS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"

SUMMARY_MD = "summary.md"
SUMMARY_CSV = "summary.csv"
COST_MODEL_CSV = "cost_model.csv"
CROSSOVERS_CSV = "crossovers.csv"
COMPILE_CSV = "compile.csv"
PYPERF_MD = "pyperf.md"
PYPERF_CSV = "pyperf.csv"

SKLEARN = "sklearn"
ROOFLINE = "x_sum"
KNOWN_REFERENCES = (SKLEARN, ROOFLINE)
KNOWN_DTYPES = ("float64", "float32")
STEP_KEYS = frozenset({"impl", "n_samples", "n_features", "dtype"})

DASH = "\u2014"
EN_DASH = "\u2013"
UNKNOWN = "unknown"
MARKERS = {
    "targets": ("<!-- report:targets:begin -->", "<!-- report:targets:end -->"),
    "summary": ("<!-- report:summary:begin -->", "<!-- report:summary:end -->"),
    "cost-model": (
        "<!-- report:cost-model:begin -->",
        "<!-- report:cost-model:end -->",
    ),
}
PLOT_DPI = 110


class ReportError(ValueError):
    """Results that cannot be reported on; the message names the file and the fault."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Timing:
    """The median time of one benchmark case.

    Attributes
    ----------
    impl : str
        Implementation (a key of ``kernels.IMPLEMENTATIONS``) or reference row.
    reference : bool
        True for the reference rows (``sklearn``, ``x_sum``).
    n, d : int
        ``X`` has shape ``(n, d)``.
    dtype : str
    itemsize : int
        Bytes per element of ``X``.
    median : float
        Seconds per call.
    """

    impl: str
    reference: bool
    n: int
    d: int
    dtype: str
    itemsize: int
    median: float

    @property
    def elements(self):
        """n * d, the number of elements of ``X``."""
        return self.n * self.d

    @property
    def gb_per_s(self):
        """The rate at which the call reads ``X``: bytes of ``X`` / time, in GB/s."""
        return self.elements * self.itemsize / self.median / 1e9


@dataclass(frozen=True)
class CompileTiming:
    """Median time of a new process (``bench/test_compile.py``).

    ``mode``: ``import`` (start, import, make data; no call), ``cold`` (plus one
    call that compiles from scratch) or ``cached`` (plus one call that loads the
    machine code from Numba's on-disk cache).
    """

    impl: str
    mode: str
    median: float


@dataclass
class Run:
    """One pytest-benchmark JSON, read and checked.

    Attributes
    ----------
    source : str
        The JSON's file name (no folder, so that the tables do not depend on where
        the file lies).
    timings : dict
        ``(impl, dtype, n, d) -> Timing``.
    compile_timings : list of CompileTiming
    environment : list of (str, str)
        What the run was measured on, label and value, from the JSON.
    preset, date : str
    impls, references, dtypes : tuple of str
        In display order: ``kernels.IMPLEMENTATIONS`` order, then unknown names
        alphabetically; references ``sklearn``, ``x_sum``; ``float64`` first.
    """

    source: str
    timings: dict
    compile_timings: list
    environment: list
    preset: str
    date: str
    impls: tuple = field(init=False)
    references: tuple = field(init=False)
    dtypes: tuple = field(init=False)

    def __post_init__(self):
        names = {t.impl for t in self.timings.values() if not t.reference}
        refs = {t.impl for t in self.timings.values() if t.reference}
        self.impls = ordered(names, IMPLEMENTATIONS)
        self.references = ordered(refs, KNOWN_REFERENCES)
        self.dtypes = ordered({t.dtype for t in self.timings.values()}, KNOWN_DTYPES)

    def get(self, impl, dtype, n, d):
        """The Timing of one case, or None when it was not measured."""
        return self.timings.get((impl, dtype, n, d))

    def median(self, impl, dtype, n, d):
        """Median seconds of one case, or None."""
        timing = self.get(impl, dtype, n, d)
        return None if timing is None else timing.median

    def sizes(self, dtype):
        """The (n, d) groups measured in ``dtype``, smallest n first, then d."""
        return sorted({(n, d) for (_, dt, n, d) in self.timings if dt == dtype})

    def points(self, impl, dtype):
        """The Timings of one implementation in ``dtype``, by increasing n * d."""
        found = [t for t in self.timings.values() if (t.impl, t.dtype) == (impl, dtype)]
        return sorted(found, key=lambda t: (t.elements, t.n))


def ordered(names, known):
    """``names`` in the order of ``known``, unknown names after it, alphabetically."""
    names = set(names)
    return tuple([k for k in known if k in names] + sorted(names - set(known)))


# ---------------------------------------------------------------------- reading


def read_json(path):
    """Parse one JSON file, with errors that name the file.

    Raises
    ------
    ReportError
        The file is missing, a folder, empty, unreadable or not valid JSON.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReportError(f"{path}: is a folder, not a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    if not text.strip():
        raise ReportError(f"{path}: file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}: not valid JSON (truncated?): {exc.msg} at line {exc.lineno}"
            f" column {exc.colno}"
        ) from None


def is_pytest_benchmark(data):
    """Whether parsed JSON has the shape of pytest-benchmark output."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("machine_info"), dict)
        and isinstance(data.get("benchmarks"), list)
    )


def _json_kind(value):
    kinds = {dict: "an object", list: "an array", str: "a string"}
    return kinds.get(type(value), "a number, boolean or null")


def check_pytest_benchmark(data, path):
    """Raise a ReportError unless ``data`` is pytest-benchmark output."""
    if not isinstance(data, dict):
        raise ReportError(
            f"{path}: not pytest-benchmark output (the top level is"
            f" {_json_kind(data)}, expected an object)"
        )
    if is_pytest_benchmark(data):
        return
    hint = ""
    entries = data.get("benchmarks")
    if isinstance(entries, list) and (
        "metadata" in data or any(isinstance(b, dict) and "runs" in b for b in entries)
    ):
        hint = "; it looks like pyperf output, which goes to --pyperf"
    raise ReportError(
        f"{path}: not pytest-benchmark output (expected 'machine_info' and a"
        f" 'benchmarks' list){hint}"
    )


def _median_of(bench, path):
    name = bench.get("name", "?")
    stats = bench.get("stats")
    median = stats.get("median") if isinstance(stats, dict) else None
    if (
        isinstance(median, bool)
        or not isinstance(median, int | float)
        or not math.isfinite(median)
        or median <= 0
    ):
        raise ReportError(
            f"{path}: benchmark {name!r} has no valid stats.median (got {median!r})"
        )
    return float(median)


def _step_timing(extra, median, name, path):
    try:
        n, d = int(extra["n_samples"]), int(extra["n_features"])
        dtype = str(extra["dtype"])
        itemsize = int(extra.get("itemsize") or np.dtype(dtype).itemsize)
    except (TypeError, ValueError) as exc:
        raise ReportError(
            f"{path}: benchmark {name!r}: bad extra_info ({exc})"
        ) from None
    if n <= 0 or d <= 0 or itemsize <= 0:
        raise ReportError(
            f"{path}: benchmark {name!r}: sizes must be positive, got n={n} d={d}"
            f" itemsize={itemsize}"
        )
    reference = bool(extra.get("reference", False))
    return Timing(str(extra["impl"]), reference, n, d, dtype, itemsize, median)


def parse_benchmarks(benchmarks, path):
    """The step/reference timings and the compile timings of a benchmark list.

    Entries that are neither (other benchmark files) are ignored.

    Returns
    -------
    timings : dict
        ``(impl, dtype, n, d) -> Timing``.
    compile_timings : list of CompileTiming

    Raises
    ------
    ReportError
        An entry is malformed, a case appears twice, or there is no step benchmark.
    """
    timings, compile_timings = {}, []
    for i, bench in enumerate(benchmarks):
        if not isinstance(bench, dict):
            raise ReportError(f"{path}: benchmark #{i} is not an object")
        extra = bench.get("extra_info")
        extra = extra if isinstance(extra, dict) else {}
        name = bench.get("name", f"#{i}")
        if "mode" in extra and "impl" in extra and "dtype" not in extra:
            compile_timings.append(
                CompileTiming(
                    str(extra["impl"]), str(extra["mode"]), _median_of(bench, path)
                )
            )
        elif extra.keys() >= STEP_KEYS:
            timing = _step_timing(extra, _median_of(bench, path), name, path)
            key = (timing.impl, timing.dtype, timing.n, timing.d)
            if key in timings:
                raise ReportError(
                    f"{path}: two benchmarks of {timing.impl} at n={timing.n}"
                    f" d={timing.d} {timing.dtype}"
                )
            timings[key] = timing
    if not any(not t.reference for t in timings.values()):
        raise ReportError(
            f"{path}: no step benchmarks among its {len(benchmarks)} benchmarks"
            " (expected extra_info with impl, n_samples, n_features and dtype, as"
            " bench/test_step.py records them)"
        )
    return timings, compile_timings


def _text(value):
    if value is None or value == "" or value == []:
        return UNKNOWN
    return str(value)


def _only(values):
    values = {str(v) for v in values if v is not None}
    return values.pop() if len(values) == 1 else None


def run_date(data):
    """The run's date from the JSON's ``datetime``, to the second, or "unknown"."""
    raw = data.get("datetime")
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        return _text(raw)
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    offset = when.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if not offset else f"{text} {when.strftime('%z')}"


def _blas(libs):
    if not isinstance(libs, list) or not libs:
        return UNKNOWN
    out = []
    for lib in libs:
        lib = lib if isinstance(lib, dict) else {}
        threads = lib.get("num_threads")
        unit = "thread" if threads == 1 else "threads"
        out.append(
            f"{_text(lib.get('internal_api'))} {_text(lib.get('version'))}"
            f" ({_text(lib.get('architecture'))}), {_text(threads)} {unit}"
        )
    return "; ".join(dict.fromkeys(out))


def _commit(info):
    if not isinstance(info, dict) or not info.get("id"):
        return UNKNOWN
    text = str(info["id"])[:12]
    details = [f"branch {info['branch']}"] if info.get("branch") else []
    if info.get("dirty"):
        details.append("uncommitted changes")
    return f"{text} ({', '.join(details)})" if details else text


def describe_environment(data):
    """What the run was measured on, as (label, value) rows, all from the JSON.

    Fields the JSON lacks (another machine, another pytest-benchmark) read
    "unknown".
    """
    machine = data.get("machine_info")
    machine = machine if isinstance(machine, dict) else {}
    env = machine.get("loopbench")
    env = env if isinstance(env, dict) else {}
    cpu = machine.get("cpu")
    cpu = cpu if isinstance(cpu, dict) else {}
    cpus = env.get("logical_cpus") or cpu.get("count")
    cpu_name = _text(env.get("cpu") or cpu.get("brand_raw"))
    if cpus:
        cpu_name += f" ({cpus} logical CPUs)"
    python = _text(env.get("python") or machine.get("python_version"))
    if machine.get("python_implementation"):
        python += f" ({machine['python_implementation']})"
    versions = " / ".join(_text(env.get(k)) for k in ("numpy", "numba", "llvmlite"))
    requested = env.get("blas_threads_setting")
    environ = env.get("environ")
    environ = environ if isinstance(environ, dict) else None
    system = " ".join(str(machine.get(k, "")) for k in ("system", "release"))
    return [
        ("CPU", cpu_name),
        ("System", _text(system.strip())),
        ("Python", python),
        ("NumPy / Numba / llvmlite", versions),
        ("BLAS", _blas(env.get("blas"))),
        ("BLAS threads requested", _text(requested)),
        ("Numba threads", _text(env.get("numba_num_threads"))),
        ("Numba threading layer", _text(env.get("numba_threading_layer"))),
        (
            "Timing environment variables",
            UNKNOWN
            if environ is None
            else ", ".join(f"{k}={v}" for k, v in sorted(environ.items()))
            or "none set",
        ),
        ("Commit", _commit(data.get("commit_info"))),
        ("pytest-benchmark", _text(data.get("version"))),
    ]


def parse_run(data, path):
    """Check parsed pytest-benchmark JSON and turn it into a Run.

    Raises
    ------
    ReportError
        Not pytest-benchmark output, malformed entries, or no step benchmarks.
    """
    check_pytest_benchmark(data, path)
    timings, compile_timings = parse_benchmarks(data["benchmarks"], path)
    meta = data.get("loopbench")
    preset = meta.get("preset") if isinstance(meta, dict) else None
    if preset is None:
        preset = _only(
            b.get("extra_info", {}).get("preset")
            for b in data["benchmarks"]
            if isinstance(b, dict) and isinstance(b.get("extra_info"), dict)
        )
    return Run(
        source=Path(path).name,
        timings=timings,
        compile_timings=compile_timings,
        environment=describe_environment(data),
        preset=_text(preset),
        date=run_date(data),
    )


def load_run(path):
    """Read and check one pytest-benchmark JSON file; see ``parse_run``."""
    return parse_run(read_json(path), Path(path))


def find_latest_json(root=RESULTS):
    """The newest pytest-benchmark JSON under ``root``, searched recursively.

    Hidden files and folders (a run's temporary ``.bench-*.partial`` file) and JSON
    of other tools (pyperf) are passed over; among equal times, the first path.

    Raises
    ------
    ReportError
        There is none.
    """
    root = Path(root)
    found = []
    if root.is_dir():
        for path in root.rglob("*.json"):
            hidden = any(p.startswith(".") for p in path.relative_to(root).parts)
            if not hidden and path.is_file():
                found.append((-path.stat().st_mtime_ns, path.as_posix(), path))
    for _, _, path in sorted(found):
        try:
            data = read_json(path)
        except ReportError:
            continue
        if is_pytest_benchmark(data):
            return path
    raise ReportError(
        f"{root}: no pytest-benchmark JSON found; run `python -m bench run` first,"
        " or name one with --input"
    )


# ------------------------------------------------------------------- formatting


def fmt_sig(x, digits=3):
    """``x`` to ``digits`` significant digits, no exponent: 1.48, 16.6, 1,234."""
    if x == 0:
        return "0"
    x = float(f"{x:.{digits - 1}e}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def fmt_count(x):
    """A count (n, or n * d): a whole number to 3 significant digits, 1,720."""
    if abs(x) < 1:
        return fmt_sig(x, 2)
    return f"{round(float(f'{x:.2e}')):,}"


def fmt_cell(value, kind):
    """One Markdown cell; None (not measured) is an em dash."""
    if value is None:
        return DASH
    if kind == "int":
        return f"{value:,}"
    if kind == "share":
        return f"{fmt_sig(100 * value, 2)} %"
    return fmt_sig(value, 3)


def fmt_csv(value):
    """One CSV cell: integers exact, floats to 6 significant digits, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return str(value).lower() if isinstance(value, bool) else value
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def md_table(headers, rows, align):
    """A Markdown table with padded columns.

    Parameters
    ----------
    headers : list of str
    rows : list of list of str
    align : str
        One letter per column, ``l`` or ``r``.
    """
    rows = [[c.replace("|", "\\|") for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        padded = [
            c.rjust(w) if a == "r" else c.ljust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if a == "r" else "-" * (w + 2)
        for w, a in zip(widths, align, strict=True)
    )
    return "\n".join([line(headers), rule + "|", *(line(r) for r in rows)])


def to_csv(headers, rows):
    """CSV text with ``\\n`` line ends; cells formatted by ``fmt_csv``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([fmt_csv(v) for v in row] for row in rows)
    return buf.getvalue()


def heading(level, text):
    """A Markdown heading of ``level`` (1 = ``#``)."""
    return f"{'#' * level} {text}"


# ---------------------------------------------------------------- the summary


def speedup_pairs(impls):
    """The (faster candidate, baseline) pairs compared in the tables.

    numba over python, numpy over python, numba over numpy, then every other
    implementation over numpy (over python when there is no numpy).
    """
    pairs = [
        (a, b)
        for a, b in (("numba", "python"), ("numpy", "python"), ("numba", "numpy"))
        if a in impls and b in impls
    ]
    base = "numpy" if "numpy" in impls else "python"
    for impl in impls:
        if impl not in ("python", "numpy", "numba") and base in impls:
            pairs.append((impl, base))
    return pairs


def compiled(impls):
    """Implementations that do not run the interpreter per sample: the ones whose
    read rate is compared with the roofline."""
    return [i for i in impls if i not in SLOW_IMPLEMENTATIONS]


@dataclass(frozen=True)
class Column:
    """One column of the summary.

    Attributes
    ----------
    csv, md : str
        Header in the CSV (units in the name) and in Markdown.
    kind : str
        ``int``, ``time`` (µs), ``ratio``, ``rate`` (GB/s) or ``share`` (fraction).
    tables : str
        The Markdown tables that show it: ``t`` time, ``r`` read rate.
    value : callable
        ``value(run, dtype, n, d) -> number or None``.
    """

    csv: str
    md: str
    kind: str
    tables: str
    value: Callable


def _time_us(impl):
    def value(run, dtype, n, d):
        t = run.median(impl, dtype, n, d)
        return None if t is None else t * 1e6

    return value


def _speedup(fast, base):
    def value(run, dtype, n, d):
        tf, tb = run.median(fast, dtype, n, d), run.median(base, dtype, n, d)
        return None if tf is None or tb is None else tb / tf

    return value


def _rate(impl):
    def value(run, dtype, n, d):
        t = run.get(impl, dtype, n, d)
        return None if t is None else t.gb_per_s

    return value


def _share(impl):
    def value(run, dtype, n, d):
        t, roof = run.get(impl, dtype, n, d), run.get(ROOFLINE, dtype, n, d)
        return None if t is None or roof is None else t.gb_per_s / roof.gb_per_s

    return value


def _megabytes(run, dtype, n, d):
    sizes = {
        t.itemsize for t in run.timings.values() if (t.dtype, t.n, t.d) == (dtype, n, d)
    }
    return n * d * max(sizes) / 1e6


def summary_columns(run):
    """The columns of ``summary.csv`` (all) and of the Markdown tables (some)."""
    cols = [
        Column("n_samples", "n", "int", "tr", lambda r, t, n, d: n),
        Column("n_features", "d", "int", "tr", lambda r, t, n, d: d),
        Column("n_elements", "n·d", "int", "tr", lambda r, t, n, d: n * d),
        Column("x_megabytes", "X (MB)", "rate", "r", _megabytes),
    ]
    cols += [Column(f"{i}_median_us", i, "time", "t", _time_us(i)) for i in run.impls]
    cols += [
        Column(f"{i}_median_us", i, "time", "t", _time_us(i)) for i in run.references
    ]
    cols += [
        Column(f"speedup_{a}_over_{b}", f"{a} vs {b}", "ratio", "t", _speedup(a, b))
        for a, b in speedup_pairs(run.impls)
    ]
    if "numba" in run.impls and SKLEARN in run.references:
        cols.append(
            Column(
                f"speedup_numba_over_{SKLEARN}",
                f"numba vs {SKLEARN}",
                "ratio",
                "t",
                _speedup("numba", SKLEARN),
            )
        )
    rated = [*run.impls, *([ROOFLINE] if ROOFLINE in run.references else [])]
    cols += [Column(f"{i}_gb_per_s", i, "rate", "r", _rate(i)) for i in rated]
    if ROOFLINE in run.references:
        cols += [
            Column(
                f"{i}_share_of_{ROOFLINE}", f"{i} / {ROOFLINE}", "share", "r", _share(i)
            )
            for i in compiled(run.impls)
        ]
    return cols


def summary_rows(run, columns):
    """``[(dtype, [value per column])]``, one per group, dtype then n then d."""
    return [
        (dtype, [c.value(run, dtype, n, d) for c in columns])
        for dtype in run.dtypes
        for n, d in run.sizes(dtype)
    ]


def summary_csv(run):
    """The text of ``summary.csv``."""
    columns = summary_columns(run)
    rows = [[dtype, *values] for dtype, values in summary_rows(run, columns)]
    return to_csv(["dtype", *(c.csv for c in columns)], rows)


def _group_table(columns, rows, dtype, table):
    picked = [i for i, c in enumerate(columns) if table in c.tables]
    headers = [columns[i].md for i in picked]
    cells = [
        [fmt_cell(values[i], columns[i].kind) for i in picked]
        for dt, values in rows
        if dt == dtype
    ]
    return md_table(headers, cells, "r" * len(picked))


TIME_NOTE = (
    "Median of each case's rounds, in µs per step. {dash}: not measured (the"
    ' interpreted implementations are skipped at large n·d). Speedup "A vs B" ='
    " time of B / time of A: above 1, A is faster. {refs}"
)
RATE_NOTE = (
    "GB/s = bytes of X (n·d·itemsize) / median time: the rate at which a step reads"
    " X. `x_sum` is `X.sum()`, one pass over X at the speed NumPy streams memory;"
    ' "A / x_sum" is A\'s rate as a share of it (the roofline: 100 % means the step'
    " costs no more than reading X once)."
)


def render_environment(run, level):
    """The run's description: preset, date, and the machine table."""
    intro = (
        f"Preset `{run.preset}`, run on {run.date}; tables made by"
        f" `python -m bench report` from `{run.source}`."
    )
    table = md_table(["Measured on", ""], [[k, v] for k, v in run.environment], "ll")
    return "\n\n".join([heading(level, "Run"), intro, table])


def render_time_tables(run, level):
    """The time and speedup tables, one per dtype."""
    columns = summary_columns(run)
    rows = summary_rows(run, columns)
    refs = []
    if SKLEARN in run.references:
        refs.append(
            f"`{SKLEARN}` is scikit-learn's loss_gradient plus the update, on one"
            " thread."
        )
    if ROOFLINE in run.references:
        refs.append(f"`{ROOFLINE}` is `X.sum()`, one read of X.")
    parts = [
        heading(level, "Time per step"),
        TIME_NOTE.format(dash=DASH, refs=" ".join(refs)).strip(),
    ]
    for dtype in run.dtypes:
        parts += [heading(level + 1, dtype), _group_table(columns, rows, dtype, "t")]
    return "\n\n".join(parts)


def render_rate_tables(run, level):
    """The read-rate and roofline tables, one per dtype."""
    columns = summary_columns(run)
    rows = summary_rows(run, columns)
    parts = [heading(level, "Rate of reading X"), RATE_NOTE]
    for dtype in run.dtypes:
        parts += [heading(level + 1, dtype), _group_table(columns, rows, dtype, "r")]
    return "\n\n".join(parts)


def render_summary_tables(run, level):
    """The time/speedup and read-rate tables."""
    return render_time_tables(run, level) + "\n\n" + render_rate_tables(run, level)


# ------------------------------------------------------------------ cost model


@dataclass(frozen=True)
class Fit:
    """A cost model ``t = t0 + s * n + c * n * d`` fitted to one implementation.

    The line model in n * d has ``s = 0``: ``t = t0 + c * n * d``.

    Attributes
    ----------
    t0 : float
        Seconds per call that do not grow with the data (fixed overhead).
    per_sample : float
        Seconds per sample (row of X) on top of its elements; 0 in the line model.
    per_element : float
        Seconds per element of X.
    rms_error, max_error : float
        Root-mean-square and largest relative error of the fit at its points.
    """

    t0: float
    per_sample: float
    per_element: float
    rms_error: float
    max_error: float

    def slope(self, d):
        """Seconds added by one more sample of ``d`` features."""
        return self.per_sample + self.per_element * d


def fit_cost(n, d, seconds, per_sample=False):
    """Fit ``t = t0 + c * n * d``, or ``t0 + s * n + c * n * d``, to medians.

    Least squares on relative errors: each row of the design is divided by its
    time (weights ``1 / t``), so that the microsecond calls set ``t0`` and the
    large ones the slopes, rather than the largest times deciding everything.
    The columns are scaled to unit norm for ``numpy.linalg.lstsq``, since n * d
    spans many decades.

    Parameters
    ----------
    n, d : array_like of int, shape (k,)
        Shape of X at each point.
    seconds : array_like, shape (k,)
        Median time of each point.
    per_sample : bool
        Add the per-sample term ``s * n``.

    Returns
    -------
    Fit or None
        None when the points cannot pin the model down: no more points than
        parameters, or sizes that do not vary enough (rank deficient), e.g. a
        single n * d, or a single d with ``per_sample``.
    """
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    t = np.asarray(seconds, dtype=float)
    columns = [np.ones_like(t), n, n * d] if per_sample else [np.ones_like(t), n * d]
    design = np.column_stack(columns) / t[:, None]
    if t.size <= design.shape[1]:
        return None
    scale = np.linalg.norm(design, axis=0)
    coef, _, rank, _ = np.linalg.lstsq(design / scale, np.ones_like(t), rcond=None)
    if rank < design.shape[1]:
        return None
    coef = coef / scale
    t0, s, c = coef if per_sample else (coef[0], 0.0, coef[1])
    rel = (t0 + s * n + c * n * d - t) / t
    rms, worst = np.sqrt(np.mean(rel**2)), np.abs(rel).max()
    return Fit(float(t0), float(s), float(c), float(rms), float(worst))


@dataclass(frozen=True)
class CostRow:
    """The cost models of one implementation in one dtype.

    Attributes
    ----------
    dtype, impl : str
    reference : bool
    points : int
        Measured (n, d) groups.
    min_elements, max_elements : int
        Range of n * d.
    line : Fit or None
        ``t0 + c * n * d``; None with too few points.
    sampled : Fit or None
        ``t0 + s * n + c * n * d``; None with too few points or a single d.
    note : str
        Why a model is missing; empty when both were fitted.
    """

    dtype: str
    impl: str
    reference: bool
    points: int
    min_elements: int
    max_elements: int
    line: Fit | None
    sampled: Fit | None
    note: str


def _fit_note(points, line, sampled):
    distinct_x = len({p.elements for p in points})
    distinct_d = len({p.d for p in points})
    sizes = f"{len(points)} points, {distinct_x} distinct n·d, {distinct_d} distinct d"
    if line is None:
        return f"too few points to fit ({sizes}; the line needs 3 points at 2 n·d)"
    if sampled is None:
        return f"no per-sample fit ({sizes}; it needs 4 points and 2 d)"
    return ""


def cost_model(run):
    """One CostRow per implementation, then per reference row, per dtype."""
    out = []
    names = [(i, False) for i in run.impls] + [(r, True) for r in run.references]
    for dtype in run.dtypes:
        for impl, is_ref in names:
            pts = run.points(impl, dtype)
            if not pts:
                continue
            n, d = [p.n for p in pts], [p.d for p in pts]
            t = [p.median for p in pts]
            line = fit_cost(n, d, t)
            sampled = fit_cost(n, d, t, per_sample=True)
            x = [p.elements for p in pts]
            note = _fit_note(pts, line, sampled)
            out.append(
                CostRow(
                    dtype, impl, is_ref, len(pts), min(x), max(x), line, sampled, note
                )
            )
    return out


def _fit_values(fit, per_sample):
    """t0 (µs), [s (ns),] c (ns), rms and worst relative error; Nones without fit."""
    count = 5 if per_sample else 4
    if fit is None:
        return [None] * count
    slopes = [fit.per_sample * 1e9] if per_sample else []
    return [fit.t0 * 1e6, *slopes, fit.per_element * 1e9, fit.rms_error, fit.max_error]


def cost_model_csv(rows):
    """The text of ``cost_model.csv``: both models, one row per implementation."""
    headers = ["dtype", "impl", "reference", "points", "min_elements"]
    headers += ["max_elements", "t0_us", "c_ns_per_element", "rms_rel_error"]
    headers += ["max_rel_error", "sampled_t0_us", "sampled_ns_per_sample"]
    headers += ["sampled_ns_per_element", "sampled_rms_rel_error"]
    headers += ["sampled_max_rel_error", "note"]
    body = [
        [
            r.dtype,
            r.impl,
            r.reference,
            r.points,
            r.min_elements,
            r.max_elements,
            *_fit_values(r.line, per_sample=False),
            *_fit_values(r.sampled, per_sample=True),
            r.note,
        ]
        for r in rows
    ]
    return to_csv(headers, body)


@dataclass(frozen=True)
class Crossover:
    """Where one implementation overtakes another, from the fits and the grid.

    Attributes
    ----------
    dtype, a, b : str
        The pair compared (``a vs b``).
    fitted_elements : float or None
        n * d at which the fitted lines cross (None: they do not, or no fit).
    fitted : str
        That, in words: who overtakes whom.
    measured_elements : int or None
        Smallest measured n * d from which the implementation that is faster at the
        largest sizes is faster at every measured size (None: no change of winner).
    measured : str
        That, in words.
    per_d : str
        Where the per-sample models cross: the n at each measured d.
    """

    dtype: str
    a: str
    b: str
    fitted_elements: float | None
    fitted: str
    measured_elements: int | None
    measured: str
    per_d: str


def overtake(a, t0_a, slope_a, b, t0_b, slope_b):
    """Where ``t0_a + slope_a * x`` and ``t0_b + slope_b * x`` cross, for x > 0.

    Returns
    -------
    x : float or None
        The crossing, None when one is faster at every x > 0.
    small, large : str
        The faster one below and above x (equal when there is no crossing).
    """
    # Near x = 0 the smaller t0 wins, at large x the smaller slope.
    small = a if (t0_a, slope_a) < (t0_b, slope_b) else b
    large = a if (slope_a, t0_a) < (slope_b, t0_b) else b
    if small == large:
        return None, small, large
    return (t0_b - t0_a) / (slope_a - slope_b), small, large


def fitted_crossover(a, fit_a, b, fit_b, grid_range):
    """Where the fitted lines in n * d of ``a`` and ``b`` cross.

    Returns
    -------
    elements : float or None
    text : str
    """
    if fit_a is None or fit_b is None:
        return None, "no fit (too few points)"
    x, small, large = overtake(
        a, fit_a.t0, fit_a.per_element, b, fit_b.t0, fit_b.per_element
    )
    if x is None:
        return None, f"lines do not cross: {small} faster at every n·d"
    text = f"{large} overtakes {small} at n·d ≈ {fmt_count(x)}"
    lo, hi = grid_range
    if not lo <= x <= hi:
        text += f" (outside the grid, {fmt_count(lo)} to {fmt_count(hi)})"
    return x, text


def per_sample_crossover(a, fit_a, b, fit_b, dims):
    """Where the per-sample models of ``a`` and ``b`` cross, as n at each d."""
    if fit_a is None or fit_b is None:
        return "no fit (too few points)"
    out = []
    for d in dims:
        n, small, large = overtake(
            a, fit_a.t0, fit_a.slope(d), b, fit_b.t0, fit_b.slope(d)
        )
        if n is None:
            out.append(f"d={d}: {small} at every n")
        else:
            out.append(f"d={d}: {large} from n ≈ {fmt_count(n)}")
    return "; ".join(out)


def measured_crossover(run, dtype, a, b):
    """Where the faster of ``a`` and ``b`` changes in the measured grid.

    The winner at the largest measured n * d is the asymptotic one; the answer is
    the smallest measured n * d from which it wins at every measured size.

    Returns
    -------
    elements : int or None
    text : str
    """
    pts = []
    for n, d in run.sizes(dtype):
        ta, tb = run.median(a, dtype, n, d), run.median(b, dtype, n, d)
        if ta is not None and tb is not None:
            pts.append((n * d, a if ta < tb else b))
    if not pts:
        return None, "not measured together"
    by_size = {}
    for x, winner in pts:
        by_size.setdefault(x, set()).add(winner)
    sizes = sorted(by_size, reverse=True)
    if len(by_size[sizes[0]]) > 1:
        return None, f"no clear winner at the largest n·d ({sizes[0]:,})"
    (winner,) = by_size[sizes[0]]
    other = b if winner == a else a
    start, beaten = sizes[0], None
    for x in sizes[1:]:
        if by_size[x] != {winner}:
            beaten = x
            break
        start = x
    if beaten is None:
        return None, f"not in this grid: {winner} faster at all {len(pts)} sizes"
    return start, (
        f"{winner} faster at every n·d ≥ {start:,} ({other} still faster at"
        f" n·d = {beaten:,})"
    )


def crossovers(run, costs):
    """A Crossover per speedup pair per dtype."""
    fits = {(r.dtype, r.impl): r for r in costs}
    out = []
    for dtype in run.dtypes:
        dims = sorted({d for _, d in run.sizes(dtype)})
        for a, b in speedup_pairs(run.impls):
            ra, rb = fits.get((dtype, a)), fits.get((dtype, b))
            if ra is None or rb is None:
                continue
            grid = (
                max(ra.min_elements, rb.min_elements),
                min(ra.max_elements, rb.max_elements),
            )
            fx, ftext = fitted_crossover(a, ra.line, b, rb.line, grid)
            mx, mtext = measured_crossover(run, dtype, a, b)
            per_d = per_sample_crossover(a, ra.sampled, b, rb.sampled, dims)
            out.append(Crossover(dtype, a, b, fx, ftext, mx, mtext, per_d))
    return out


CROSSOVER_FIELDS = ("dtype", "a", "b", "fitted_elements", "fitted")
CROSSOVER_FIELDS += ("measured_elements", "measured", "per_d")


def crossovers_csv(rows):
    """The text of ``crossovers.csv``."""
    headers = ["dtype", "impl_a", "impl_b", "fitted_crossover_elements", "fitted"]
    headers += ["measured_crossover_elements", "measured", "per_sample_model"]
    body = [[getattr(r, f) for f in CROSSOVER_FIELDS] for r in rows]
    return to_csv(headers, body)


COMPILE_MODES = ("import", "cold", "cached")


def _minus(a, b):
    return None if a is None or b is None else a - b


def compile_rows(run):
    """``[(impl, import, cold, cached, compile, load)]`` in seconds (or None).

    ``compile = cold - import`` and ``load = cached - import``: the first call's
    share of a new process.
    """
    impls = ordered({c.impl for c in run.compile_timings}, IMPLEMENTATIONS)
    times = {(c.impl, c.mode): c.median for c in run.compile_timings}
    rows = []
    for i in impls:
        start, cold, cached = (times.get((i, m)) for m in COMPILE_MODES)
        rows.append(
            (i, start, cold, cached, _minus(cold, start), _minus(cached, start))
        )
    return rows


COMPILE_HEADERS = [
    "implementation",
    "new process, no call (ms)",
    "+ first call, cold cache (ms)",
    "+ first call, warm cache (ms)",
    "compile ≈ cold - no call (ms)",
    "cache load ≈ warm - no call (ms)",
]


def compile_csv(run):
    """The text of ``compile.csv``."""
    rows = [[i] + [v and v * 1e3 for v in values] for i, *values in compile_rows(run)]
    headers = ["impl", "import_ms", "cold_ms", "cached_ms", "compile_ms", "load_ms"]
    return to_csv(headers, rows)


COST_NOTE = (
    "Each implementation's medians (all n and d of one dtype) fitted by least squares"
    " on relative errors (weights 1/t). **t0** is what one call costs before it"
    " touches the data: interpreter dispatch, argument checks, temporaries."
    " **c** is what each element of X adds. The smaller t0 wins small problems, the"
    " smaller c wins large ones, and two lines cross at n·d = (t0_b - t0_a) /"
    " (c_a - c_b). The fit error says how well one line in n·d describes all sizes."
)
SAMPLED_NOTE = (
    "A step also does work once per sample whatever d is (one exp and one log per"
    " sample, and in the interpreted loops the per-sample bookkeeping), so time"
    " does not depend on n·d alone. The second model adds **s**, the cost of each"
    " sample beyond its elements. Where its fit error is much smaller than the"
    " line's, per-sample work is a large part of the time; the crossover of two"
    " implementations then depends on d, and is given as the n at which they cross"
    " at each d."
)
CROSS_NOTE = (
    '"Fitted lines" solves the two lines in n·d for their crossing; "measured in'
    ' the grid" reads the medians: the smallest n·d from which the implementation'
    ' that wins at the largest sizes wins at every larger size; "per-sample'
    ' model" solves the second model at each d for n.'
)


def _cost_cells(fit, per_sample):
    if fit is None:
        return [DASH] * (4 if per_sample else 3)
    cells = [fmt_sig(fit.t0 * 1e6, 3)]
    if per_sample:
        cells.append(fmt_sig(fit.per_sample * 1e9, 3))
    cells.append(fmt_sig(fit.per_element * 1e9, 3))
    rms, worst = (fmt_sig(100 * e, 2) for e in (fit.rms_error, fit.max_error))
    return [*cells, f"{rms} % / {worst} %"]


def _cost_table(costs, per_sample):
    headers = ["dtype", "implementation", "points", "t0 (µs)"]
    if per_sample:
        headers.append("s (ns per sample)")
    headers += ["c (ns per element)", "fit error rms / worst"]
    rows = []
    for r in costs:
        name = f"{r.impl} (reference)" if r.reference else r.impl
        fit = r.sampled if per_sample else r.line
        rows.append([r.dtype, name, str(r.points), *_cost_cells(fit, per_sample)])
    table = md_table(headers, rows, "llr" + "r" * (len(headers) - 3))
    notes = [f"{r.impl} ({r.dtype}): {r.note}." for r in costs if r.note]
    return "\n\n".join([table, *notes])


def render_cost_model(run, costs, crossings, level):
    """The cost-model section: both fits, crossovers and compile times."""
    parts = [
        heading(level, "Cost model: t ≈ t0 + c · n·d"),
        COST_NOTE,
        _cost_table(costs, per_sample=False),
        heading(level + 1, "With a per-sample term: t ≈ t0 + s · n + c · n·d"),
        SAMPLED_NOTE,
        _cost_table(costs, per_sample=True),
    ]
    if crossings:
        parts += [
            heading(level + 1, "Where the faster implementation changes"),
            CROSS_NOTE,
            md_table(
                [
                    "dtype",
                    "pair",
                    "fitted lines in n·d",
                    "measured in the grid",
                    "per-sample model, at each d",
                ],
                [
                    [c.dtype, f"{c.a} vs {c.b}", c.fitted, c.measured, c.per_d]
                    for c in crossings
                ],
                "lllll",
            ),
        ]
    if run.compile_timings:
        parts += [
            heading(level + 1, "Numba's first call in a new process"),
            "Median wall time of a whole new process (ms): Python start, imports and"
            " data, without a call, and with one step whose machine code Numba"
            " compiles (cold cache) or loads from its on-disk cache (warm cache)."
            " The differences are the first call's cost. The step timings above"
            " exclude both.",
            md_table(
                COMPILE_HEADERS,
                [
                    [i] + [fmt_cell(v and v * 1e3, "time") for v in values]
                    for i, *values in compile_rows(run)
                ],
                "lrrrrr",
            ),
        ]
    return "\n\n".join(parts)


# ---------------------------------------------------------------------- plots


PLOTS = {
    "time": ("time_per_step.png", "Time per step against n·d, one panel per d"),
    "cost": ("cost_model.png", "Measured medians and the fitted cost model"),
    "heatmap": ("speedup_numba_vs_numpy.png", "Speedup of numba over numpy"),
    "rate": ("read_rate.png", "Rate of reading X against n·d, with the x_sum roofline"),
}


def planned_plots(run):
    """``{key: (file name, caption)}`` of the plots this run's data allow."""
    keys = ["time", "cost"]
    if {"numba", "numpy"} <= set(run.impls):
        keys.append("heatmap")
    keys.append("rate")
    return {k: PLOTS[k] for k in keys}


def render_plot_links(run, level, folder=""):
    """Markdown images of the plots, with paths relative to the Markdown file."""
    prefix = f"{folder}/" if folder and folder != "." else ""
    links = [f"![{cap}]({prefix}{name})" for name, cap in planned_plots(run).values()]
    return "\n\n".join([heading(level, "Plots"), *links])


# (what, dtype, n, d, faster, slower, target): time(slower) / time(faster) >= target.
# With slower = x_sum it is the faster one's rate of reading X as a share of X.sum()'s.
TARGETS = (
    ("numba vs numpy, the notebook's example", "float64", 20, 3, "numba", "numpy", 10),
    ("numba vs numpy", "float64", 1_000_000, 100, "numba", "numpy", 2),
    ("numba vs scikit-learn", "float64", 1_000_000, 100, "numba", SKLEARN, 2),
    ("numba's rate / X.sum()'s", "float64", 1_000_000, 100, "numba", ROOFLINE, 0.6),
    (
        "numba_parallel vs numba",
        "float64",
        1_000_000,
        100,
        "numba_parallel",
        "numba",
        1.6,
    ),
)


def target_rows(run):
    """``[(what, n, d, measured ratio or None, target)]`` for ``TARGETS``."""
    rows = []
    for what, dtype, n, d, fast, slow, target in TARGETS:
        t_fast, t_slow = run.median(fast, dtype, n, d), run.median(slow, dtype, n, d)
        ratio = None if t_fast is None or t_slow is None else t_slow / t_fast
        rows.append((what, n, d, ratio, target))
    return rows


def render_targets(run, level):
    """The performance targets, each with its measured ratio: met or missed."""
    rows = []
    for what, n, d, ratio, target in target_rows(run):
        verdict = (
            "not in this run"
            if ratio is None
            else (
                "met"
                if ratio >= target
                else f"missed by {fmt_cell(1 - ratio / target, 'share')}"
            )
        )
        measured = DASH if ratio is None else f"{fmt_sig(ratio, 3)}x"
        rows.append(
            [what, f"{n:,} x {d:,}", measured, f"≥ {fmt_sig(target, 2)}x", verdict]
        )
    return "\n\n".join(
        [
            heading(level, "Performance targets"),
            "float64, ratios of medians measured in this run (time of the slower /"
            " time of the faster; for X.sum() the faster one's rate of reading X as"
            ' a multiple of X.sum()\'s). "missed by" is the shortfall as a share of'
            " the target.",
            md_table(
                ["comparison", "n x d", "measured", "target", ""],
                rows,
                "lrrrl",
            ),
        ]
    )


def render_summary_md(run, costs, crossings):
    """The text of ``summary.md``."""
    parts = [
        heading(1, f"loopbench results: preset {run.preset}"),
        render_environment(run, 2),
        render_targets(run, 2),
        render_summary_tables(run, 2),
        render_cost_model(run, costs, crossings, 2),
        render_plot_links(run, 2),
    ]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------- pyperf


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


# ---------------------------------------------------------------------- output


def write_atomic(path, content):
    """Write text or bytes to ``path`` through a temporary file and a rename.

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def replace_between(text, begin, end, content, path):
    """``text`` with what lies between the markers ``begin`` and ``end`` replaced.

    Raises
    ------
    ReportError
        A marker is missing, repeated, or the end comes before the begin.
    """
    for marker in (begin, end):
        count = text.count(marker)
        if count != 1:
            problem = "not found" if count == 0 else f"found {count} times"
            raise ReportError(
                f"{path}: marker {marker} {problem}; the file needs exactly one"
                f" {begin} ... {end} pair"
            )
    i, j = text.index(begin) + len(begin), text.index(end)
    if j < i:
        raise ReportError(f"{path}: {end} comes before {begin}")
    return f"{text[:i]}\n{content.strip()}\n{text[j:]}"


def readme_blocks(run, costs, crossings, readme, out_dir):
    """``{marker name: Markdown}`` for a README, image paths relative to it."""
    folder = Path(
        os.path.relpath(Path(out_dir).resolve(), Path(readme).resolve().parent)
    )
    folder = folder.as_posix()
    link = f"Full tables: [{folder}/{SUMMARY_MD}]({folder}/{SUMMARY_MD})."
    summary = "\n\n".join(
        [
            render_environment(run, 3),
            render_summary_tables(run, 3),
            render_plot_links(run, 3, folder),
            link,
        ]
    )
    return {
        "targets": render_targets(run, 3),
        "summary": summary,
        "cost-model": render_cost_model(run, costs, crossings, 3),
    }


def updated_readme(readme, blocks):
    """The README's text with every marked block replaced (nothing is written)."""
    readme = Path(readme)
    try:
        text = readme.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{readme}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{readme}: cannot be read ({exc.strerror or exc})") from None
    for name, (begin, end) in MARKERS.items():
        text = replace_between(text, begin, end, blocks[name], readme)
    return text


@dataclass
class Report:
    """What ``make_report`` did: the run, the files written, and notes for the user."""

    run: Run
    costs: list
    crossings: list
    written: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def make_report(
    json_path, out_dir=None, *, pyperf=None, readme=None, plots=True, dpi=PLOT_DPI
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
    crossings = crossovers(run, costs)
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
    report.written += [
        write_atomic(out_dir / name, text) for name, text in files.items()
    ]
    if plots:
        try:
            from bench import plots as plotting
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


def print_report(report, file=None):
    """Print the time tables, the crossovers and the files written."""
    file = file or sys.stdout
    print(render_time_tables(report.run, 2), file=file)
    if report.crossings:
        print(file=file)
        print(
            md_table(
                ["dtype", "pair", "from the fitted lines", "measured in the grid"],
                [
                    [c.dtype, f"{c.a} vs {c.b}", c.fitted, c.measured]
                    for c in report.crossings
                ],
                "llll",
            ),
            file=file,
        )
    print(file=file)
    for path in report.written:
        print(f"wrote {path}", file=file)
    for note in report.notes:
        print(f"note: {note}", file=file)


# ------------------------------------------------------------------------- CLI


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
        help="replace the report:summary and report:cost-model blocks of this file",
    )
    parser.add_argument("--no-plots", action="store_true", help="tables only")
    return parser


def _report_and_print(prefix, make):
    """Call ``make()`` (a report), print it; on a ReportError print one line.

    Returns the exit code: 0, or 2 on bad input.
    """
    try:
        report = make()
    except ReportError as exc:
        message = " ".join(str(exc).split())
        print(f"{prefix}: {message}", file=sys.stderr)
        return 2
    print_report(report)
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


def report_after_run(json_path):
    """Report on a run that just completed, into the JSON's folder; the exit code."""
    return _report_and_print("report failed", lambda: make_report(json_path))


def main(argv=None):
    """``python -m bench.report``: the same as ``python -m bench report``."""
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__)
    add_arguments(parser)
    return run_cli(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
