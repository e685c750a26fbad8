"""The lesson notebook runs, every cell, at its small sizes.

What this module proves
-----------------------
- ``lesson/lesson.md`` executes from the first cell to the last in a fresh kernel
  of this interpreter (``lesson.run.execute``, as ``make lesson`` runs it) with
  ``LOOPBENCH_LESSON_SMALL=1``: no cell raises, so its exercises' checks (asserts)
  and the agreement check of the reader's step pass.
- The notebook's measurements reached its output: each of its sections printed
  something measured "on this machine", and the report's tables were rendered.
- The section on compiled vectorization read the compilers' output where JAX and
  PyTorch are installed (XLA's step holds two dots over ``X``; Inductor's code was
  captured and its passes over ``X`` counted), and said why it skipped each where
  they are not.

Timings themselves are not checked: at the small sizes they mean little, and
timing belongs to the benchmarks.
"""

import kernels
from lesson.run import execute


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


def test_the_lesson_runs_at_small_sizes():
    nb = execute(small=True)  # raises CellExecutionError, with the cell, on failure
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    assert all(c.get("execution_count") for c in code), "a code cell did not run"
    printed = "\n".join(_text(c) for c in code)
    assert "sizes: small (test run)" in printed
    assert printed.count("on this machine") >= 10
    available = kernels.IMPLEMENTATIONS
    if "jax" in available:
        assert "XLA's step holds 2 dot operations, 2 of them reading X" in printed
    else:
        assert "skipped: jax cannot run here" in printed
    if "torch_compile" in available:
        assert "passes over X per step" in printed
    else:
        assert "skipped: torch_compile cannot run here" in printed
    assert "my_step agrees with every implementation" in printed
    assert "### Time per step" in printed  # the report's own renderer
