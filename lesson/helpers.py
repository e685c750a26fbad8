"""What every lesson notebook shares: sizes, thread settings, a timer, the code
of a kernel shown inline, tables, and the committed reference run.

Each notebook imports this module and nothing of ``bench.report``, so that a
notebook runs on its own and says where each of its numbers comes from: its own
measurement ("on this machine"), or the committed reference run
(``results/full/bench.json``, named as such).
"""

import functools
import importlib
import inspect
import json
import os
import textwrap
import timeit
from pathlib import Path

import numpy as np
from IPython.display import Markdown, display

from bench import allocator, collector
from bench.data import make_problem
from bench.environment import (
    cpu_name,
    hold_thread_settings,
    limit_blas_threads,
)
from bench.grid import LEARNING_RATE

ROOT = Path(__file__).resolve().parents[1]
# The committed reference run (pytest-benchmark JSON), the only results file a
# lesson reads
REFERENCE = ROOT / "results" / "full" / "bench.json"
# "1": every cell at tiny sizes, seconds in all (the test of a deeper notebook)
SMALL_ENV = "LOOPBENCH_LESSON_SMALL"
SMALL = os.environ.get(SMALL_ENV) == "1"
LR = LEARNING_RATE  # the benchmarks' learning rate


def setup():
    """The benchmarks' process state, held for the notebook: BLAS (and XLA's and
    PyTorch's pools, where loaded) on one thread, glibc's allocator thresholds
    fixed. Returns one line that says so, and which machine this is."""
    global _blas
    _blas = limit_blas_threads()  # kept: the limit lasts while the object lives
    allocator.apply()
    return (
        f"on this machine: {cpu_name()}, {os.cpu_count()} logical CPUs; BLAS on"
        f" one thread; allocator: {allocator.describe()['state']}"
    )


_blas = None


def per_call(fn, *args, repeat=5, min_time=0.02):
    """Seconds per call of ``fn(*args)``, one value per repeat (an array).

    The first call is made before the clock starts (compiling, loading caches:
    not what this measures). Each repeat times as many calls as take at least
    ``min_time`` seconds; ``timeit`` would turn the garbage collector off, so it
    is turned back on, as in the benchmarks, with everything made before frozen
    out of its way (``bench/collector.py``). PyTorch's thread setting is put back
    first, as the benchmarks do at each case's start
    (``bench.environment.hold_thread_settings``).
    """
    fn(*args)
    hold_thread_settings()
    collector.settle()
    timer = timeit.Timer(functools.partial(fn, *args), setup="import gc; gc.enable()")
    number = 1
    while True:
        if timer.timeit(number) >= min_time or SMALL:
            break
        number *= 2 if number < 16 else 4
    return np.array(timer.repeat(repeat=repeat, number=number)) / number


def median(times):
    """The median of ``per_call``'s repeats, in seconds."""
    return float(np.median(times))


def sig(x, digits=3):
    """``x`` to ``digits`` significant figures, with thousands separators."""
    if x == 0 or not np.isfinite(x):
        return str(x)
    places = max(digits - 1 - int(np.floor(np.log10(abs(x)))), 0)
    return f"{x:,.{places}f}"


def us(seconds):
    """Seconds as µs, three significant figures."""
    return f"{sig(seconds * 1e6)} µs"


def table(headers, rows):
    """Display a Markdown table, the first column left-aligned."""
    align = ["---"] + ["---:"] * (len(headers) - 1)
    lines = [headers, align, *[[str(c) for c in row] for row in rows]]
    display(Markdown("\n".join("| " + " | ".join(line) + " |" for line in lines)))


def problem(n, d, dtype=np.float64):
    """``w, b, X, y`` of one size, from the project's one seeded data maker."""
    return make_problem(n, d, seed=0, dtype=dtype)


def show_code(func, start=None, stop=None):
    """Display the lines of ``func``'s source from the first that contains
    ``start`` to the last that contains ``stop``, with the file and lines they
    come from: the code the lesson times, not a copy. The whole function where a
    marker is not found (the kernel changed since the lesson chose its lines)."""
    func = getattr(func, "py_func", func)  # a Numba dispatcher: its Python source
    lines, first = inspect.getsourcelines(func)
    starts = [k for k, line in enumerate(lines) if start and start in line]
    stops = [k for k, line in enumerate(lines) if stop and stop in line]
    i = starts[0] if starts else 0
    j = stops[-1] + 1 if stops and stops[-1] >= i else len(lines)
    code = textwrap.dedent("".join(lines[i:j]))
    where = Path(inspect.getsourcefile(func)).relative_to(ROOT)
    display(
        Markdown(
            f"`{where}`, lines {first + i}-{first + j - 1}:\n\n```python\n{code}```"
        )
    )


def simd_passes():
    """The module that times ``numba_simd``'s forward and backward passes apart
    (``forward``, ``backward``, ``in_core``): ``bench.simd_passes``."""
    return importlib.import_module("bench.simd_passes")


@functools.cache
def _reference():
    return json.loads(REFERENCE.read_text("utf-8"))


def reference_time(**extra):
    """Seconds of the one case of the committed reference run whose
    ``extra_info`` holds ``extra``, or None where it was not timed. The median
    of the per-pass medians where the run kept them, pytest-benchmark's median
    otherwise (as the report reads it)."""
    for bench in _reference()["benchmarks"]:
        info = bench.get("extra_info", {})
        if all(info.get(key) == value for key, value in extra.items()):
            kept = (bench.get("loopbench") or {}).get("pass_medians")
            return float(np.median(kept)) if kept else bench["stats"]["median"]
    return None


def reference_median(impl, n, d, dtype="float64"):
    """Seconds per step of ``impl`` at ``n x d`` in the committed reference run,
    or None where it was not timed."""
    return reference_time(impl=impl, n_samples=n, n_features=d, dtype=dtype)


def reference_machine():
    """The reference run's CPU, date and commit, one phrase."""
    ref = _reference()
    cpu = ref["machine_info"].get("cpu", {}).get("brand_raw", "unknown CPU")
    commit = (ref.get("commit_info") or {}).get("id", "unknown")[:12]
    return f"{cpu}, {ref['datetime'][:10]}, commit {commit}"
