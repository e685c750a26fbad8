"""The lab: studies of the benchmark's timing method, and of why a kernel is as
fast as it is. ``python -m lab COMMAND``.

The benchmark (``kernels/``, ``bench/``) answers when a compiled loop is worth
writing; the lab checks that its timings can be trusted and explains them. The
rule: **the lab imports the benchmark; the benchmark never imports the lab**
(``tests/test_architecture.py`` fails otherwise), so the benchmark can be read,
run and changed without it.

==================  ============================================================
``order_check``     a few cases alone in fresh processes against the same cases
                    in the grid: did the grid's order move a case?
``rerun_check``     the quick grid run again back to back: what ``compare``
                    flags with nothing changed
``harness_check``   pytest-benchmark, pyperf and pytest-benchmark again, in turn
                    per implementation: do the two harnesses agree?
``gaps``            a clock-reading thread pinned to each CPU: what a noisy
                    machine takes from a benchmark thread
``instructions``    the compiled passes' instructions per cache line of ``X``,
                    counted by callgrind (a count, the same on a loaded machine)
``overlap``         ``numba_simd``'s step against its two passes timed apart
``model_error``     how well the cost model with the caches predicts
``disturbed``       cases whose interval one pass sets, with the steal and
                    system time of that pass
``studies``         the last three as one document of a run, ``studies.md``
``checks``          what the checks share: staged runs, their output lines
==================  ============================================================

Outputs: ``results/order-check/``, ``results/rerun-check/``,
``results/harness-check/``, ``results/machine/``, ``results/instructions/`` and
``results/lab/studies.md``; each check's summary line goes between its markers in
``docs/timing.md``, which explains them.
"""
