"""The lesson notebook runs, every cell, at its small sizes.

What this module proves
-----------------------
- ``lesson/lesson.md`` executes from the first cell to the last in a fresh kernel
  of this interpreter (``lesson.run.execute``, as ``make lesson`` runs it) with
  ``LOOPBENCH_LESSON_SMALL=1``: no cell raises, so its exercises' checks (asserts)
  and the agreement check of the reader's step pass.
- The notebook's measurements reached its output: each of its sections printed
  something measured "on this machine", and the report's tables were rendered.

Timings themselves are not checked: at the small sizes they mean little, and
timing belongs to the benchmarks.
"""

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
    assert printed.count("on this machine") >= 8
    assert "my_step agrees with every implementation" in printed
    assert "### Time per step" in printed  # the report's own renderer
