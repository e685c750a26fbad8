"""Benchmark JSON -> tables, a cost model, plots and the README's report blocks.

``python -m bench report`` (``bench/report/cli.py``) runs it; ``make_report`` is the
same from Python. ``python -m bench compare`` (``bench/report/compare.py``) sets two
runs side by side. One idea per module, and imports point one way, downwards
(``tests/test_architecture.py`` fails on an import cycle):

==================  ============================================================
``cli``             the command line: flags, printing, exit codes
``compare``         ``python -m bench compare``: two runs, case by case
``build``           one report, start to finish; ``make_report``
``readme``          the README's marked blocks
``document``        the sections of ``summary.md`` and their order
``findings``        what the run found, in sentences (the README's lesson block)
``gpu``             the GPU section of a run of the ``gpu`` preset
``plots``           the PNG plots (matplotlib; imported only when asked for)
``targets``         the performance targets, met or missed
``sections``        the time, speedup, read-rate and memory tables, split narrow
``tables``          those tables' columns, and ``summary.csv``
``winners``         the win map: which implementation wins each cell
``headline``        the README's headline table of comparisons
``answer``          ``python -m bench run --size``: the answer for each size
``predict``         ``python -m bench predict``: a size's predicted times
``predictor``       the cost model with the caches, and its leave-one-out errors
``disturbed``       cases whose interval one pass sets, disturbed passes
``harnesses``       pyperf against pytest-benchmark; the two allocator states
``costs``           the cost models ``t0 + c n d`` and ``t0 + s n + c n d``
``crossovers``      where one implementation overtakes another
``compile_times``   first calls in a new process, and the calls to repay them
``pyperf_medians``  pyperf's medians, ``pyperf.md`` and ``pyperf.csv``
``figures``         which plots a run gets, and their Markdown links
``intervals``       95 % intervals of ratios of medians, and ties
``comparisons``     who is compared with whom; the one module naming implementations
``model``           ``Run``: a pytest-benchmark JSON, read and checked
``reading``         reading JSON files, and finding the newest run
``machine``         what the run was measured on, from the JSON
``files``           atomic writes
``formatting``      numbers, Markdown tables, CSV
``common``          shared names: files, reference rows, markers, ``ReportError``
==================  ============================================================

Data flows JSON -> ``model.Run`` -> tables / cost model / plots -> files -> README;
nothing above ``model`` reads the JSON, and nothing recomputes a timing.
"""

from bench.report.common import ReportError

__all__ = ["ReportError", "main", "make_report"]


def __getattr__(name):
    # Imported when first used: a module that needs only ``files`` or ``model``
    # should not load the whole report (scipy, the tables) with it.
    if name == "make_report":
        from bench.report.build import make_report

        return make_report
    if name == "main":
        from bench.report.cli import main

        return main
    raise AttributeError(f"module 'bench.report' has no attribute {name!r}")
