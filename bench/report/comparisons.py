"""Who is compared with whom: the one place where the report names implementations.

Everything else the report knows about an implementation comes from its
declaration (``kernels.trait``: interpreted, threaded, on a device, compiling at its
first call) or from the run itself, so that a new implementation gets its rows in
every table (times, speedups against the baseline, the win map, rates, memory,
first calls) without a change here or in a table module. What is chosen here, once
for the tables, the crossovers, the pyperf tables, the findings, the targets, the
plots and the GPU section:

- the roles below: the interpreted baseline, the vectorized baseline every speedup
  is set against, the compiled loop, this project's fastest serial step, the
  threaded one and the one on a GPU;
- ``PEERS``, the other libraries' steps that ``OURS`` is set against (a new peer:
  one more name here gets it that comparison and the peers' own tables);
- the speedup tables (``speedup_groups``), the heatmaps (``HEATMAPS``), the
  roofline each implementation's read rate is set against (``roofline``), and the
  performance targets (``TARGETS``, ``GPU_TARGETS``; checked by
  ``bench/report/targets.py``).
"""

from dataclasses import dataclass
from typing import NamedTuple

from bench.report.common import (
    CUDA_LOAD,
    CUDA_RESIDENT,
    SKLEARN,
    STREAM_ALL,
    STREAM_ONE,
    X_SUM,
)
from kernels import trait

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
    """One comparison of the README's headline table (``bench/report/headline.py``):
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
    None).

    ``tie_met``: a tie (``bench/report/intervals.py``) meets it too. ``optional``:
    left out of a run that lacks ``fast`` or ``slow`` altogether (a peer that was
    not installed), rather than shown as not in this run.
    """

    what: str
    fast: str
    slow: str
    goal: float
    n: int | None = None
    d: int | None = None
    tie_met: bool = False
    optional: bool = False


# The share of the stream's rate the compiled steps aim at where X is in memory
STREAM_GOAL = 0.85

TARGETS = (
    Target(f"{OURS} vs {VECTORIZED}, every cell of the grid", OURS, VECTORIZED, 1.1),
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
