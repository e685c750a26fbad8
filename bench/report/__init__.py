"""Benchmark JSON -> tables, a cost model, plots and the README's report blocks.

``python -m bench report`` runs it; ``make_report`` (``bench/report/cli.py``) is
the same from Python; ``python -m bench compare`` sets two runs side by side. One
module a stage, in the order a run's JSON passes through them; imports point one
way, each stage importing only those above it (``tests/test_architecture.py``
fails on an import cycle):

==============  ================================================================
``common``      what every stage shares: file names, reference rows, README
                markers, ``ReportError``; numbers, Markdown, CSV; who is compared
                with whom (the one place that names implementations); atomic writes
``model``       read: a pytest-benchmark JSON -> a checked ``Run`` (the only
                reader of the JSON), the newest run, what it was measured on
``stats``       intervals of ratios of medians, ties, every threshold; a ratio's
                verdict against a goal; the win map; the cases whose interval
                one pass sets
``tables``      the time, speedup, read-rate and memory tables; ``summary.csv``;
                the GPU section
``costs``       the cost models, and the model with the caches that predicts
``crossovers``  where one implementation overtakes another; first calls and the
                calls that repay them
``document``    ``summary.md``'s sections in order; findings in sentences; the
                targets; which plots a run gets; ``pyperf.md``
``plots``       the PNG plots (matplotlib; imported only when asked for)
``readme``      the README's marked blocks, and its headline table
``compare``     ``python -m bench compare``: two runs (or three) case by case
``cli``         ``python -m bench report`` (``make_report``), ``predict``, and the
                answer of ``run --size``
==============  ================================================================

A run's JSON goes ``model.load_run`` -> ``Run`` -> ``stats`` (intervals) ->
``tables`` / ``costs`` / ``crossovers`` -> ``document`` (``summary.md``) and
``plots`` -> ``readme`` (the README's blocks), written by ``cli.make_report``;
nothing after ``model`` reads the JSON, and nothing recomputes a timing.
"""

from bench.report.common import ReportError

__all__ = ["ReportError", "main", "make_report"]


def __getattr__(name):
    # Imported when first used: a module that needs only ``common`` or ``model``
    # should not load the whole report (scipy, the tables) with it.
    if name in ("make_report", "main"):
        from bench.report import cli

        return getattr(cli, name)
    raise AttributeError(f"module 'bench.report' has no attribute {name!r}")
