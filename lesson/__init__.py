"""The lesson: "What a Python loop costs, and when NumPy or a compiled loop wins".

``lesson/lesson.md`` is the core, a Jupytext Markdown notebook a class can run in
a couple of minutes; the deeper notebooks beside it (``compile``, ``memory``,
``vector_units``, ``threads``, ``xla_inductor``, ``seed``) each run on their own,
and ``exercises`` keeps its solutions apart, in ``solutions``
(``lesson.run.NOTEBOOKS``). Each ``NAME.ipynb`` is ``NAME.md`` executed.
``helpers.py`` holds what they share (the timer, thread settings, the committed
reference run), ``checks.py`` the exercises' checks. ``python -m lesson``
(``make lesson``) executes them and writes HTML pages with the outputs;
``tests/test_lesson.py`` executes them, ``tests/test_lesson_budget.py`` checks
the core's budget and the paths the notebooks read.
"""
