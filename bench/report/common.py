"""What every stage of the report shares: the names of its files, reference
rows and README markers, and the one error type; numbers, Markdown and CSV;
who is compared with whom (the one place that names implementations); the
atomic write.

common
------
Names every part of the report shares: output files, reference rows, README
markers, and the one error type.

Kept apart so that a file name or a marker is spelled once, and so that the
modules that use them need not import each other for a constant.
"""

import csv
import io
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bench import files
from bench.grid import DEVICE_ROWS
from kernels import trait

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"

# The files one report writes (the plots' names are in PLOTS).
SUMMARY_MD = "summary.md"
SUMMARY_CSV = "summary.csv"
COST_MODEL_CSV = "cost_model.csv"
CROSSOVERS_CSV = "crossovers.csv"
COMPILE_CSV = "compile.csv"
PYPERF_MD = "pyperf.md"
PYPERF_CSV = "pyperf.csv"

# Reference rows timed beside the implementations (bench/references.py), in
# display order: scikit-learn's step, X.sum(), and the roofline of reading X, a
# compiled load-only stream on one thread and on all (bench/stream.py). Runs made
# before the stream existed use X.sum() as their roofline.
SKLEARN = "sklearn"
X_SUM = "x_sum"
STREAM_ONE = "stream_one"
STREAM_ALL = "stream_all"
# numba_simd's two passes over X timed apart, and its whole step from cache, at the
# sizes where X comes from memory (bench/simd_passes.py): kept out of the reference
# tables, studied by the lab's overlap study (lab/overlap.py, results/lab/studies.md).
SIMD_FORWARD = "simd_forward"
SIMD_BACKWARD = "simd_backward"
SIMD_IN_CORE = "simd_in_core"
PASS_ROWS = (SIMD_FORWARD, SIMD_BACKWARD, SIMD_IN_CORE)
# The gpu preset's device rows (bench/device.py): numba_cuda's step on data already
# on the device, a load-only stream over X there (the GPU's roofline), and the copy
# of X from host to device.
CUDA_RESIDENT, CUDA_LOAD, CUDA_H2D = DEVICE_ROWS
KNOWN_REFERENCES = (
    SKLEARN,
    X_SUM,
    STREAM_ONE,
    STREAM_ALL,
    CUDA_RESIDENT,
    CUDA_LOAD,
    CUDA_H2D,
)
ROOFLINES = (X_SUM, STREAM_ONE, STREAM_ALL, CUDA_LOAD)
STREAMS = (STREAM_ONE, STREAM_ALL, CUDA_LOAD)  # the compiled load-only streams
# The read-rate plot's caption in runs with a stream (older runs: PLOTS["rate"])
STREAM_RATE_CAPTION = "Rate of reading X against n·d, with the stream roofline"
# Reference rows whose rate of reading X the rate tables show
RATED = (X_SUM, STREAM_ONE, STREAM_ALL, CUDA_RESIDENT, CUDA_LOAD, CUDA_H2D)
KNOWN_DTYPES = ("float64", "float32")

DASH = "\u2014"  # a cell that was not measured
UNKNOWN = "unknown"  # a fact the JSON does not hold


# A generated block of a Markdown file lies between two HTML comments, its markers
# (``bench/report/readme.py``: ``replace_between``). The one place that says what
# they look like: the README's blocks below, and the lab's lines in docs/timing.md
# (``lab/checks.py``), are named through it.
def markers(name):
    """``(begin, end)``: the markers of the block ``name``."""
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


# Blocks the report can write into a README, {name: (begin marker, end marker)};
# a README holds those it shows (``bench/report/readme.py``: ``BLOCKS``), each as a
# pair (one marker alone is an error).
MARKERS = {
    name: markers(f"report:{name}")
    for name in ("answer", "targets", "summary", "cost-model", "findings")
}
OPTIONAL_MARKERS = {name: markers(f"report:{name}") for name in ("win-map", "headline")}

# {key: (PNG file name, caption)}; bench/report/document.py picks those a run allows
# and adds the speedup heatmaps (bench/report/common.py: HEATMAPS).
PLOTS = {
    "time": ("time_per_step.png", "Time per step against n·d, one panel per d"),
    "cost": ("cost_model.png", "Measured medians and the fitted cost model"),
    "rate": ("read_rate.png", "Rate of reading X against n·d, with the x_sum roofline"),
}
PLOT_DPI = 110


class ReportError(ValueError):
    """Results that cannot be reported on; the message names the file and the fault."""


def report_error(command, exc, err=None, prog="python -m bench"):
    """Print ``exc`` as one line, ``PROG COMMAND: error: ...``, to ``err``
    (stderr by default); return the exit code of bad input, 2."""
    message = " ".join(str(exc).split())
    print(f"{prog} {command}: error: {message}", file=err or sys.stderr)
    return 2


# ============================================================================
# formats: numbers, Markdown, CSV
# Numbers and tables as text: significant digits, Markdown tables, CSV.
#
# Every cell of every table goes through here, so that the same number is written
# the same way everywhere, and the output depends on nothing but the values (no
# locale, no clock): the same JSON gives byte-identical files.

# No Markdown table of the report is wider than this: a wider one is split in two
# or more, each repeating the columns that name its rows (``md_tables``).
MAX_COLUMNS = 10


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


def case_label(key):
    """``"numba 1,000 x 10 float64"`` for the key ``(impl, dtype, n, d)``."""
    impl, dtype, n, d = key
    return f"{impl} {n:,} x {d:,} {dtype}"


def case_list(title, keys):
    """``"Title (2): numba 10 x 1 float64, numpy 10 x 1 float64."``: cases named
    in a sentence, with their count."""
    return f"{title} ({len(keys)}): " + ", ".join(map(case_label, keys)) + "."


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

    Raises
    ------
    ValueError
        More than ``MAX_COLUMNS`` columns: use ``md_tables``.
    """
    if len(headers) > MAX_COLUMNS:
        raise ValueError(
            f"a table of {len(headers)} columns (at most {MAX_COLUMNS}): {headers}"
        )
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


def chunks(count, room):
    """``range(count)`` cut into the fewest runs of at most ``room``, as even as
    possible (the longer ones first): a list of ranges, none when ``count`` is 0."""
    parts = -(-count // max(room, 1))
    out, start = [], 0
    for k in range(parts):
        size = count // parts + (k < count % parts)
        out.append(range(start, start + size))
        start += size
    return out


def md_tables(headers, rows, align, keys=1):
    """Markdown tables of at most ``MAX_COLUMNS`` columns for one wide table.

    The first ``keys`` columns name the rows and start every table; the others are
    shared out among as few tables as fit, in order.

    Parameters
    ----------
    headers, rows, align
        As for ``md_table``.
    keys : int
        How many leading columns every table repeats.

    Returns
    -------
    list of str
        One table when it fits; none when there is no column beyond the keys.
    """
    tables = []
    for part in chunks(len(headers) - keys, MAX_COLUMNS - keys):
        picked = [*range(keys), *(keys + i for i in part)]
        tables.append(
            md_table(
                [headers[i] for i in picked],
                [[row[i] for i in picked] for row in rows],
                "".join(align[i] for i in picked),
            )
        )
    return tables


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


# ============================================================================
# the atomic write
# Writing a result file whole or not at all.
#
# An interrupted report leaves the previous file in place, never half a table.


def write_atomic(path, content):
    """``bench.files.write_atomic``, its failure a ``ReportError``; returns ``path``.

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    try:
        return files.write_atomic(path, content)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


# ============================================================================
# who is compared with whom
# Who is compared with whom: the one place where the report names implementations.
#
# Everything else the report knows about an implementation comes from its
# declaration (``kernels.trait``: interpreted, threaded, on a device, compiling at its
# first call) or from the run itself, so that a new implementation gets its rows in
# every table (times, speedups against the baseline, the win map, rates, memory,
# first calls) without a change here or in a table module. What is chosen here, once
# for the tables, the crossovers, the pyperf tables, the findings, the targets, the
# plots and the GPU section:
#
# - the roles below: the interpreted baseline, the vectorized baseline every speedup
#   is set against, the compiled loop, this project's fastest serial step, the
#   threaded one and the one on a GPU;
# - ``PEERS``, the other libraries' steps that ``OURS`` is set against (a new peer:
#   one more name here gets it that comparison and the peers' own tables);
# - the speedup tables (``speedup_groups``), the heatmaps (``HEATMAPS``), the
#   roofline each implementation's read rate is set against (``roofline``), and the
#   performance targets (``TARGETS``, ``GPU_TARGETS``; checked by
#   ``bench/report/document.py``).

INTERPRETED = "python"  # the plain loop: what the compiled ones are set against first
VECTORIZED = "numpy"  # what a user writes instead: the baseline of every speedup
LOOP = "numba"  # the compiled loop
OURS = "numba_simd"  # this project's fastest serial step
CORES = "numba_parallel"  # the step on all of the machine's cores
GPU = "numba_cuda"  # the step on a GPU, set against CORES in the GPU section
JAX = "jax"
# Other libraries' steps, set against OURS (each only where the run has both)
PEERS = (JAX, "torch", "torch_compile", "cython")
# Speedup heatmaps (bench/report/plots.py): (fast, base), each where the run has both
HEATMAPS = ((LOOP, VECTORIZED), (OURS, VECTORIZED))
# Implementations whose compiled first call the findings state
COMPILE_FINDING = LOOP


class HeadlineRow(NamedTuple):
    """One comparison of the README's headline table (``bench/report/readme.py``):
    ``fast`` against the fastest of ``bases`` that the run has in each cell, named
    ``against`` in the table."""

    fast: str
    bases: tuple
    against: str


# The headline table: the comparisons the suite exists for, each in every dtype of
# the run, at the sizes of HEADLINE_SIZES that the run has (the notebook's example,
# few features at 10^4 and 10^5 samples, and the largest X of the full grid) and
# over every cell of the grid
HEADLINE = (
    HeadlineRow(OURS, (VECTORIZED,), VECTORIZED),
    HeadlineRow(LOOP, (VECTORIZED,), VECTORIZED),
    HeadlineRow(OURS, PEERS, "the fastest peer"),
)
HEADLINE_SIZES = ((20, 3), (10_000, 1), (100_000, 10), (1_000_000, 100))
# The findings' sentences on where one implementation wins, in this order: the
# interpreted loop, the compiled loop and this project's step, each against NumPy
WHERE_FINDINGS = ((INTERPRETED, VECTORIZED), (LOOP, VECTORIZED), (OURS, VECTORIZED))


class SpeedupGroup(NamedTuple):
    """One table of speedups: ``caption`` and its ``(fast, base)`` pairs."""

    caption: str
    pairs: list


def speedup_groups(impls, references=()):
    """The speedup tables, in order, each with at least one pair.

    ``numba`` and ``numpy`` against ``python``; every implementation but those two
    baselines against ``numpy`` (against ``python`` when there is no ``numpy``);
    ``numba_simd`` against each peer; ``numba`` and ``numba_simd`` against
    scikit-learn when ``references`` has it. A pair already in an earlier table is
    not repeated.

    Parameters
    ----------
    impls : sequence of str
        The implementations of the run, in display order.
    references : sequence of str
        Its reference rows.

    Returns
    -------
    list of SpeedupGroup
    """
    have = set(impls) | set(references)
    base = VECTORIZED if VECTORIZED in impls else INTERPRETED
    wanted = [
        (f"Against {INTERPRETED}", [(LOOP, INTERPRETED), (VECTORIZED, INTERPRETED)]),
        (
            f"Against {base}",
            [(i, base) for i in impls if i not in (INTERPRETED, VECTORIZED)],
        ),
        (f"{OURS} against the peers", [(OURS, p) for p in PEERS]),
        (f"Against {SKLEARN}", [(i, SKLEARN) for i in (LOOP, OURS)]),
    ]
    groups, seen = {}, set()
    for caption, pairs in wanted:  # one table per caption (python twice, or once)
        kept = [p for p in pairs if set(p) <= have and p not in seen]
        seen.update(kept)
        groups.setdefault(caption, []).extend(kept)
    return [SpeedupGroup(c, pairs) for c, pairs in groups.items() if pairs]


def speedup_pairs(impls):
    """The (faster candidate, baseline) pairs among ``impls``: those of
    ``speedup_groups`` without the reference rows, in the same order."""
    return [pair for group in speedup_groups(impls) for pair in group.pairs]


def column_groups(names):
    """``names`` (implementations, in display order) as ``[(label, names)]``, one
    table each in the time, rate and memory sections: this suite's own steps (and
    any name not declared a peer), then the peers; empty groups left out."""
    own = [i for i in names if i not in PEERS]
    peers = [i for i in names if i in PEERS]
    groups = (("Implementations", own), ("Peers, other libraries' steps", peers))
    return [(label, g) for label, g in groups if g]


def roofline(impl, references):
    """The reference row whose read rate is ``impl``'s ceiling, or None.

    ``stream_all`` for a threaded implementation, ``cuda_load`` for one on a GPU
    and ``stream_one`` for the others; ``x_sum`` for every CPU implementation in
    runs made before the stream existed.
    """
    if trait(impl, "device"):
        return CUDA_LOAD if CUDA_LOAD in references else None
    stream = STREAM_ALL if trait(impl, "threaded") else STREAM_ONE
    for ref in (stream, X_SUM):
        if ref in references:
            return ref
    return None


def has_gpu_rows(run):
    """Whether the run timed the step on a GPU (a run of the ``gpu`` preset)."""
    on_device = any(trait(i, "device") for i in run.impls)
    return on_device or CUDA_RESIDENT in run.references


def compiled(impls):
    """Implementations that do not run the interpreter per sample: the ones whose
    read rate is compared with the roofline (an undeclared name counts as one)."""
    return [i for i in impls if not trait(i, "interpreted")]


def competitors(impls):
    """The implementations that compete in the win map: those on one core (not
    threaded, not on a device; the peers run on one thread too), so that a cell
    is won by code, not by cores. All of ``impls`` where that leaves fewer than
    two (a run of the ``gpu`` preset)."""
    single = [i for i in impls if not (trait(i, "threaded") or trait(i, "device"))]
    return single if len(single) >= 2 else list(impls)


def compiling(impls):
    """Implementations whose first call compiles or builds (``kernels.trait``)."""
    return [i for i in impls if trait(i, "compiles")]


@dataclass(frozen=True)
class Target:
    """``time(slow) / time(fast) >= goal`` at ``n x d`` (every size if ``n`` is
    None), or, with ``ns_per_sample``, ``fast``'s time per sample ``<= goal`` ns.

    ``tie_met``: a tie (``bench/report/stats.py``) meets it too. ``optional``:
    left out of a run that lacks ``fast`` or ``slow`` altogether (a peer that was
    not installed), rather than shown as not in this run. ``dtype``: checked in
    that dtype only (None: in each dtype of the run). ``slow_dtype``: ``slow`` is
    timed in that dtype rather than the row's (one step in float32 against itself
    in float64). ``ns_per_sample``: a time budget, not a ratio: ``fast``'s median
    time over ``n`` at most ``goal`` ns a sample (``slow`` is None).
    """

    what: str
    fast: str
    slow: str | None
    goal: float
    n: int | None = None
    d: int | None = None
    tie_met: bool = False
    optional: bool = False
    dtype: str | None = None
    slow_dtype: str | None = None
    ns_per_sample: bool = False


# The share of the stream's rate the compiled steps aim at where X is in memory
STREAM_GOAL = 0.85

TARGETS = (
    Target(f"{OURS} vs {VECTORIZED}, every cell of the grid", OURS, VECTORIZED, 1.25),
    Target(f"{OURS} vs {LOOP}, every cell of the grid", OURS, LOOP, 1, tie_met=True),
    Target(
        f"{OURS} vs {VECTORIZED}, the notebook's example", OURS, VECTORIZED, 10, 20, 3
    ),
    Target(f"{OURS} vs {VECTORIZED}", OURS, VECTORIZED, 2, 100_000, 1),
    Target(f"{OURS} vs {VECTORIZED}", OURS, VECTORIZED, 2, 1_000_000, 1),
    Target(
        f"{OURS}'s rate / {STREAM_ONE}'s", OURS, STREAM_ONE, STREAM_GOAL, 1_000_000, 100
    ),
    Target(
        f"{OURS}'s rate / {STREAM_ONE}'s", OURS, STREAM_ONE, STREAM_GOAL, 100_000, 1_000
    ),
    # few features, many samples: where logistic regression is most often run, the
    # per-sample math is most of the step (issue 33's targets)
    Target(
        f"{OURS}'s time per sample",
        OURS,
        None,
        2.5,
        1_000_000,
        1,
        dtype="float64",
        ns_per_sample=True,
    ),
    Target(
        f"{OURS} in float32 vs in float64",
        OURS,
        OURS,
        1.8,
        1_000_000,
        1,
        dtype="float32",
        slow_dtype="float64",
    ),
    Target(
        f"{OURS}'s rate / {STREAM_ONE}'s, few features",
        OURS,
        STREAM_ONE,
        0.4,  # its time at most 2.5x the stream's
        1_000_000,
        10,
    ),
    Target(
        f"{CORES}'s rate / {STREAM_ALL}'s",
        CORES,
        STREAM_ALL,
        STREAM_GOAL,
        1_000_000,
        100,
    ),
    Target(f"{OURS} vs scikit-learn", OURS, SKLEARN, 2, 1_000_000, 100),
    Target(
        f"{LOOP} vs {VECTORIZED}, the notebook's example", LOOP, VECTORIZED, 10, 20, 3
    ),
    Target(f"{LOOP} vs {VECTORIZED}", LOOP, VECTORIZED, 2, 1_000_000, 100),
    *(
        Target(
            f"{OURS} vs {peer}, every cell of the grid",
            OURS,
            peer,
            1,
            tie_met=True,
            optional=True,
        )
        for peer in PEERS
    ),
    Target(
        f"{OURS} vs {JAX}, the notebook's example",
        OURS,
        JAX,
        5,
        20,
        3,
        optional=True,
    ),
)

# A run of the gpu preset (numba_cuda on a GPU) has goals of its own.
GPU_TARGETS = (
    Target(
        f"{CUDA_RESIDENT}'s rate / {CUDA_LOAD}'s",
        CUDA_RESIDENT,
        CUDA_LOAD,
        0.8,
        10_000_000,
        100,
    ),
    Target(f"{CORES}'s rate / {STREAM_ALL}'s", CORES, STREAM_ALL, 0.8, 10_000_000, 100),
)
