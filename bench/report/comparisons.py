"""Who is compared with whom: the speedup pairs, and the implementations whose
rate of reading X is set against the roofline.

The time tables, the crossovers and the pyperf tables all compare the same pairs,
so the choice is made here, once.
"""

from bench.grid import DEVICE_IMPLEMENTATIONS, SLOW_IMPLEMENTATIONS
from bench.report.common import CUDA_LOAD, CUDA_RESIDENT, STREAM_ALL, STREAM_ONE, X_SUM

# Implementations that run on all of Numba's threads: their ceiling is the
# all-threads stream. (Those on a GPU, DEVICE_IMPLEMENTATIONS, have the device's
# load stream as theirs.)
THREADED = ("numba_parallel",)


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


def roofline(impl, references):
    """The reference row whose read rate is ``impl``'s ceiling, or None.

    ``stream_all`` for a threaded implementation, ``cuda_load`` for one on a GPU
    and ``stream_one`` for the others; ``x_sum`` for every CPU implementation in
    runs made before the stream existed.
    """
    if impl in DEVICE_IMPLEMENTATIONS:
        return CUDA_LOAD if CUDA_LOAD in references else None
    stream = STREAM_ALL if impl in THREADED else STREAM_ONE
    for ref in (stream, X_SUM):
        if ref in references:
            return ref
    return None


def has_gpu_rows(run):
    """Whether the run timed the step on a GPU (a run of the ``gpu`` preset)."""
    on_device = any(i in DEVICE_IMPLEMENTATIONS for i in run.impls)
    return on_device or CUDA_RESIDENT in run.references


def compiled(impls):
    """Implementations that do not run the interpreter per sample: the ones whose
    read rate is compared with the roofline."""
    return [i for i in impls if i not in SLOW_IMPLEMENTATIONS]
