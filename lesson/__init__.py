"""The lesson: one executable notebook, "Loops, vectorization and compiled loops".

``lesson/lesson.md`` is a Jupytext Markdown notebook (text that diffs well; open
it in Jupyter with Jupytext, or convert it with ``jupytext --to ipynb``). It walks
from the source notebook to the suite, measuring on the reader's machine.
``python -m lesson`` (``make lesson``) executes it and writes an HTML page with
the outputs; ``tests/test_lesson.py`` executes it at its small sizes.
"""
