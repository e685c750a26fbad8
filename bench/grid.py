"""The benchmark grid: sample sizes, feature dimensions and presets, declared once.

Everything that times the step (the pytest-benchmark cases, the pyperf suite) and the
report that reads the results takes its sizes from here. A preset is chosen with
``--preset NAME`` (pytest and pyperf) or the ``LOOPBENCH_PRESET`` environment variable;
``quick`` is the default.

The CPU presets (``quick``, ``full``) time every registered implementation that runs
on the CPU, whatever the machine, so that their results have the same rows
everywhere. The ``gpu`` preset times ``numba_cuda`` beside the compiled CPU loops
and the device rows of ``bench/device.py``; without a usable GPU its GPU cases are
skipped with the reason (``python -m bench run --preset gpu`` refuses to start).
"""

import os
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from bench.data import make_problem
from kernels import DECLARED, IMPLEMENTATIONS, trait
from kernels._gpu import why_no_gpu

# Names of the implementations on a device, declared or not registered here
DEVICE_IMPLEMENTATIONS = tuple(i.name for i in DECLARED if i.device)

PRESET_ENV = "LOOPBENCH_PRESET"
DEFAULT_PRESET = "quick"

SAMPLE_SIZES = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
FEATURE_DIMS = (1, 10, 100, 1_000)
# Off the powers of ten, in every preset: the source notebook's first example.
EXTRA_SIZES = ((20, 3),)

LEARNING_RATE = 0.1
DATA_SEED = 0
# Calls of every case before pytest-benchmark's clock starts (its warmup).
WARMUP_ITERATIONS = 100
# The shortest round pytest-benchmark times (its min_time, in seconds): a round of a
# fast step is then hundreds of calls, as a pyperf value is, and the median of the
# rounds is the time a step takes in a loop of steps. With pytest-benchmark's
# default of 5 µs (two or three calls a round) the median came out below it: on the
# developer's Xeon, Numba's step at 10 x 1 took 1.59 µs with 5-µs rounds, 1.83 with
# 100-µs rounds and 1.94 with 1-ms rounds, against 1.84 under pyperf (docs/timing.md,
# "Two harnesses").
MIN_ROUND_TIME = 1e-3

# What an implementation is comes from its declaration (kernels.DECLARED): an
# interpreted one (once per sample or element) runs only up to a preset's
# slow_max_elements, larger cases reported as skipped, not silently dropped; one on
# a device is timed only by presets that name it, and registered only where it can
# run (kernels._gpu).
# The gpu preset's rows beside the implementations (bench/device.py): the step on
# data already on the device, a load-only stream over X there, the copy of X to it.
DEVICE_ROWS = ("cuda_resident", "cuda_load", "cuda_h2d")


@dataclass(frozen=True)
class Preset:
    """A named subset of the grid.

    Attributes
    ----------
    name : str
    max_samples : int
        Largest sample size.
    max_features : int
        Largest feature dimension.
    max_elements : int
        Largest n * d (elements of X) of any case.
    slow_max_elements : int
        Largest n * d at which the slow implementations run.
    dtypes : tuple of str
        Floating-point types of X, ``"float64"`` first.
    max_time : float
        Seconds pytest-benchmark spends on each case in all (``python -m bench run``
        passes ``--benchmark-max-time`` = ``max_time / passes``): more rounds, a
        steadier median.
    sample_sizes, feature_dims, extra_sizes : tuple
        The grid the limits above cut from: sizes ``n`` and ``d`` (all pairs), and
        (n, d) points off it.
    impls : tuple of str or None
        Implementations to time, those registered here in this order; None: every
        registered implementation that runs on the CPU. A device implementation
        named here is listed (skipped with the reason) even where it is not
        registered.
    references : tuple of str or None
        Reference rows of ``bench/references.py``; None: all of them.
    device_rows : tuple of str
        Rows of ``bench/device.py`` (GPU references), skipped without a GPU.
    first_call_rounds : int
        New processes timed per implementation and mode by ``bench/test_compile.py``
        (the first calls): 1 in the quick preset, whose budget is minutes.
    passes : int
        How many times ``python -m bench run`` times the whole grid, each pass a
        short one (``--passes``); 1: once, without intervals. A neighbour that
        slows the machine for a few seconds then lands in one pass, and the spread
        of a case's per-pass medians shows it: the report's intervals are computed
        from them. With 7, one disturbed pass no longer sets an end of a 95 %
        interval.
    """

    name: str
    max_samples: int
    max_features: int
    max_elements: int
    slow_max_elements: int
    dtypes: tuple = ("float64",)
    max_time: float = 0.5
    sample_sizes: tuple = SAMPLE_SIZES
    feature_dims: tuple = FEATURE_DIMS
    extra_sizes: tuple = EXTRA_SIZES
    impls: tuple | None = None
    references: tuple | None = None
    device_rows: tuple = ()
    passes: int = 1
    first_call_rounds: int = 3

    @property
    def needs_gpu(self):
        """The preset times anything on a GPU."""
        return bool(self.device_rows) or any(
            trait(impl, "device") for impl in self.implementations()
        )

    def implementations(self):
        """Names of the implementations this preset times, in order."""
        if self.impls is None:
            return [i for i in IMPLEMENTATIONS if not trait(i, "device")]
        return [i for i in self.impls if i in IMPLEMENTATIONS or trait(i, "device")]

    def reference_names(self, available):
        """The reference rows of ``available`` (names) that this preset times."""
        if self.references is None:
            return list(available)
        return [r for r in self.references if r in available]

    def sizes(self):
        """The (n_samples, n_features) points of this preset, smallest n first."""
        grid = [(n, d) for n in self.sample_sizes for d in self.feature_dims]
        return sorted(
            (n, d)
            for n, d in grid + list(self.extra_sizes)
            if n <= self.max_samples
            and d <= self.max_features
            and n * d <= self.max_elements
        )


PRESETS = {
    "quick": Preset(
        "quick",
        max_samples=100_000,
        max_features=100,
        max_elements=1_000_000,
        slow_max_elements=100_000,
        passes=7,
        # one new process per first call: three would take half of the 5 minutes
        first_call_rounds=1,
    ),
    "full": Preset(
        "full",
        max_samples=1_000_000,
        max_features=1_000,
        max_elements=100_000_000,
        slow_max_elements=1_000_000,
        dtypes=("float64", "float32"),
        max_time=1.0,
        # 5, not 7: every pass remakes the data of 1e8 elements and calls the
        # slowest cases three times more (calibration, warmup, a round)
        passes=5,
    ),
    # numba_cuda with its transfer, beside the compiled CPU loops on the same
    # machine, up to 1e7 x 100 (8 GB of float64); sized for about 6 minutes on a
    # 16-core GPU machine (an estimate: not yet timed on one).
    "gpu": Preset(
        "gpu",
        max_samples=10_000_000,
        max_features=100,
        max_elements=1_000_000_000,
        slow_max_elements=0,
        dtypes=("float64", "float32"),
        sample_sizes=(10_000, 100_000, 1_000_000, 10_000_000),
        feature_dims=(10, 100),
        extra_sizes=(),
        impls=("numpy", "numba", "numba_simd", "numba_parallel", "numba_cuda"),
        references=("x_sum", "stream_one", "stream_all"),
        device_rows=DEVICE_ROWS,
        # one pass (no intervals): each pass would remake up to 8 GB of data
        passes=1,
    ),
}


# n * d from which numba_simd's two passes are timed apart (bench/simd_passes.py): X of
# 80 MB in float64, 40 MB in float32, beyond the L2 of any core and the L3 share of
# one core on most machines
OVERLAP_MIN_ELEMENTS = 10_000_000

SIZE_PRESET = "size"  # the name of a run of chosen sizes (custom_preset)
DTYPES = ("float64", "float32")


def parse_size(text):
    """``"50000x30"`` -> ``(50000, 30)``: n samples by d features, each >= 1.

    Raises
    ------
    ValueError
        Anything else, with what was expected.
    """
    parts = text.lower().replace(",", "").replace("_", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"expected N x D as NxD, such as 50000x30; got {text!r}")
    n, d = (int(p) for p in parts)
    if n < 1 or d < 1:
        raise ValueError(f"N and D must be >= 1; got {text!r}")
    return n, d


def custom_preset(sizes, dtypes=None, impls=None):
    """A preset that times exactly ``sizes`` (``(n, d)`` pairs), as the full preset
    times its cases: the same passes, time per case, reference rows and limit on
    the interpreted implementations.

    Parameters
    ----------
    sizes : sequence of (int, int)
    dtypes : sequence of str, optional
        Default float64.
    impls : sequence of str, optional
        Default: every registered implementation that runs on the CPU.
    """
    full = PRESETS["full"]
    dtypes = tuple(dict.fromkeys(dtypes or ("float64",)))
    return replace(
        full,
        name=SIZE_PRESET,
        max_samples=max(n for n, _ in sizes),
        max_features=max(d for _, d in sizes),
        max_elements=max(n * d for n, d in sizes),
        dtypes=tuple(sorted(dtypes, key=DTYPES.index)),
        sample_sizes=(),
        feature_dims=(),
        extra_sizes=tuple(dict.fromkeys(sizes)),
        impls=tuple(impls) if impls else None,
    )


def sizes_option(sizes, dtypes=None, impls=None):
    """The pytest options that make ``bench/conftest.py`` time ``custom_preset``."""
    options = [f"--sizes={','.join(f'{n}x{d}' for n, d in sizes)}"]
    if dtypes:
        options.append(f"--dtypes={','.join(dtypes)}")
    if impls:
        options.append(f"--impls={','.join(impls)}")
    return options


def get_preset(name=None, impls=None):
    """The preset called ``name``, or the one named by ``$LOOPBENCH_PRESET``;
    with ``impls`` (names), the same grid timing only those implementations."""
    name = name or os.environ.get(PRESET_ENV) or DEFAULT_PRESET
    try:
        preset = PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}"
        ) from None
    return replace(preset, impls=tuple(dict.fromkeys(impls))) if impls else preset


@dataclass(frozen=True)
class Case:
    """One timed call: an implementation at one size and dtype.

    ``pass_no`` (1, 2, ...) is the pass over the grid it belongs to when the grid is
    timed in several passes, None when it is timed once.
    """

    impl: str
    n: int
    d: int
    dtype: str
    skip_reason: str | None = None
    pass_no: int | None = None

    @property
    def group(self):
        """Cases with equal group are compared side by side."""
        return f"n={self.n} d={self.d} {self.dtype}"

    @property
    def id(self):
        suffix = "" if self.dtype == "float64" else f"-{self.dtype}"
        if self.pass_no is not None:
            suffix += f"-pass{self.pass_no}"
        return f"{self.impl}-n{self.n}-d{self.d}{suffix}"


def cases(preset, impls=None, on_gpu=(), passes=1):
    """All cases of ``preset``, grouped by size and dtype, implementations inner.

    ``impls`` defaults to ``preset.implementations()``. Slow implementations beyond
    ``preset.slow_max_elements`` get a ``skip_reason``, and so do device
    implementations and the names in ``on_gpu`` where no GPU is usable. With
    ``passes`` > 1 the grid is repeated that many times, passes outermost, each
    case with its ``pass_no``.
    """
    if passes > 1:
        return [
            replace(case, pass_no=p)
            for p in range(1, passes + 1)
            for case in cases(preset, impls, on_gpu)
        ]
    impls = preset.implementations() if impls is None else list(impls)
    no_gpu = None
    if any(trait(i, "device") or i in on_gpu for i in impls):
        no_gpu = why_no_gpu()
    out = []
    for dtype in preset.dtypes:
        for n, d in preset.sizes():
            for impl in impls:
                skip = None
                if trait(impl, "interpreted") and n * d > preset.slow_max_elements:
                    skip = (
                        f"too slow for this preset: {impl} runs up to n*d = "
                        f"{preset.slow_max_elements:.0e} in {preset.name!r}"
                    )
                elif no_gpu and (trait(impl, "device") or impl in on_gpu):
                    skip = f"no GPU: {no_gpu}"
                out.append(Case(impl, n, d, dtype, skip))
    return out


@lru_cache(maxsize=1)  # cases come grouped by size: one data set alive at a time
def problem(n, d, dtype):
    """The benchmark data of one size, made once by the seeded data maker.

    Called outside the timers; the cache hands the same arrays to every case of a
    group (the timed calls never modify them).
    """
    return make_problem(n, d, seed=DATA_SEED, dtype=np.dtype(dtype))
