"""Names every part of the report shares: output files, reference rows, README
markers, and the one error type.

Kept apart so that a file name or a marker is spelled once, and so that the
modules that use them need not import each other for a constant.
"""

import sys
from pathlib import Path

from bench.grid import DEVICE_ROWS

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
# tables, shown in the overlap section (bench/report/overlap.py).
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

# Blocks the report can write into a README, {name: (begin marker, end marker)};
# a README holds those it shows (``bench/report/readme.py``: ``BLOCKS``), each as a
# pair (one marker alone is an error).
MARKERS = {
    "targets": ("<!-- report:targets:begin -->", "<!-- report:targets:end -->"),
    "summary": ("<!-- report:summary:begin -->", "<!-- report:summary:end -->"),
    "cost-model": (
        "<!-- report:cost-model:begin -->",
        "<!-- report:cost-model:end -->",
    ),
    "findings": ("<!-- report:findings:begin -->", "<!-- report:findings:end -->"),
}
OPTIONAL_MARKERS = {
    "win-map": ("<!-- report:win-map:begin -->", "<!-- report:win-map:end -->"),
    "headline": ("<!-- report:headline:begin -->", "<!-- report:headline:end -->"),
}

# {key: (PNG file name, caption)}; bench/report/figures.py picks those a run allows
# and adds the speedup heatmaps (bench/report/comparisons.py: HEATMAPS).
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
