"""Every lesson notebook runs, every cell: the core at its class size, the deeper
ones at their small sizes.

What this module proves
-----------------------
- ``lesson/lesson.md``, the core, executes from the first cell to the last in a
  fresh kernel of this interpreter (as ``make lesson`` runs it) at the sizes a
  class runs it at (``LOOPBENCH_LESSON_SMALL=0``), and states its answers in
  sentences built from what it measured: the seed's per-sample loop timed, the
  loop against NumPy, the compiled loops against NumPy, their first calls, the
  committed reference run named as such; its first cell says how long it ran.
- Every deeper notebook (``lesson.run.NOTEBOOKS``) executes at its small sizes
  (``LOOPBENCH_LESSON_SMALL=1``: seconds; their numbers then mean little): no
  cell raises, so the solutions' checks (asserts) and the agreement check of the
  reader's step pass, and the exercises' stubs are reported as not solved.
- The section on compiled vectorization read the compilers' output where JAX and
  PyTorch are installed (XLA's step holds two dots over ``X``; Inductor's passes
  over ``X`` counted), held PyTorch on the benchmarks' thread setting, and said
  why it skipped each peer that cannot run here.

Timings themselves are not checked: timing belongs to the benchmarks. Each
notebook is executed once, and all of them at the same time, each in a kernel of
its own (``lesson.run.execute_all``): the test takes about as long as the
longest of them where the cores are free.
"""

import pytest

import kernels
from kernels._threads import threads_setting
from lesson.run import NOTEBOOKS, execute_all


def _text(cell):
    """Everything a code cell printed or displayed, as text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            data = out.get("data", {})
            parts.append(data.get("text/markdown", data.get("text/plain", "")))
    return "".join(parts)


@pytest.fixture(scope="module")
def executed():
    """Every notebook executed once, all at the same time, each in its own kernel
    (the core at its class size, the others small): ``{name: notebook or the
    exception its execution raised}``."""
    return execute_all({name: name != "lesson" for name in NOTEBOOKS})


def _printed(executed, name):
    """The code cells' output of one executed notebook, as one text; raises what
    its execution raised (a CellExecutionError holds the cell and traceback)."""
    nb = executed[name]
    if isinstance(nb, BaseException):
        raise nb
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{name} has no code cells"
    assert all(c.get("execution_count") for c in code), f"a cell of {name} did not run"
    assert "It ran in" in nb.cells[0].source  # the stamp, with the run's time
    return "\n".join(_text(c) for c in code)


def test_the_core_lesson_runs_at_class_size(executed):
    printed = _printed(executed, "lesson")
    assert printed.count("on this machine") >= 12
    assert "the seed's loop takes" in printed  # numpy_per_sample, timed
    assert "the Python loop costs" in printed
    assert "one NumPy call on one number costs" in printed
    assert "against python:" in printed
    assert "numba's first call took" in printed
    assert "numba_simd's first call took" in printed
    assert "numba_simd is" in printed
    assert "in the committed reference run" in printed
    for kernel in ("numpy_per_sample", "python_loop", "numpy_vectorized"):
        assert f"kernels/{kernel}.py" in printed  # its code shown inline
    assert "kernels/numba_loop.py" in printed
    assert "kernels/numba_simd.py" in printed


# What each deeper notebook must have printed (its own findings, or its checks)
EXPECTED = {
    "compile": ["first call compiles for", "steps, loading the cache after"],
    "memory": ["NumPy's step holds", "glibc's default state"],
    "vector_units": ["numba_simd is", "the overlap is"],
    "threads": ["Numba threads", "threads made the step"],
    "xla_inductor": ["÷ numba_simd"],
    "seed": ["the seed's tests pass", "the seed's sigmoid overflows"],
    "exercises": ["my_step: not solved yet"],
    "solutions": [
        "my_step agrees with",
        "crossover passes its",
        "calls_to_repay passes its",
        "on this machine the lines cross",
    ],
}


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n != "lesson"])
def test_a_deeper_notebook_runs_at_small_sizes(executed, name):
    printed = _printed(executed, name)
    for text in EXPECTED[name]:
        assert text in printed, f"{name} did not print {text!r}"
    if name != "xla_inductor":
        return
    available = kernels.IMPLEMENTATIONS
    if "jax" in available:
        assert "holds 2 dot operations, 2 of them reading X" in printed
    else:
        assert "skipped: jax cannot run here" in printed
    if "torch_compile" in available:
        assert "pass(es) over X per step" in printed
    else:
        assert "skipped: torch_compile cannot run here" in printed
    if "torch" in available and threads_setting() is not None:
        assert f"PyTorch ran on {threads_setting()} thread(s)" in printed
