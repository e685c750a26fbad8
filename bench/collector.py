"""One garbage-collector state at the start of every case: what came before, frozen.

CPython's collector runs a full collection, over every container object the process
holds, each time the objects that survived younger collections since the last full
one reach a quarter of those that survived it. A step that makes objects -- the
pure Python loop makes a list per row of ``X`` at every call -- therefore triggers
full collections, and what each one costs is set by everything else in the
process: the modules imported, the functions JAX, PyTorch and Numba compiled for
earlier cases. On the developer's Xeon the Python loop at 100,000 x 1 took 68 ms a
step in a process that had imported only NumPy, and 260 ms after the other
implementations' steps had run in the same process (JAX, PyTorch, Numba,
``torch.compile``); with the collector off, 62 ms in both. Inside the grid the
time of that case moved with the cases before it.

So the timing code calls ``settle()`` right before a case is timed:
``gc.collect()`` frees the garbage made since the last ``settle``, and
``gc.freeze()`` moves every object still alive into the permanent generation,
which collections skip. (A cycle among objects frozen earlier that dies later is
never freed: a bounded retention, traded for not walking everything at every case;
the full reference grid ran to its end with it.) This is the collector of CPython
3.11 to 3.13; 3.14's incremental collector triggers differently. The
collector stays on, and the step pays for the collections its own objects cause,
as in a program that holds little else, but not for what ran before. The
pytest-benchmark cases (``bench/test_step.py``, ``bench/test_reference.py``), each
pyperf worker (``bench/pyperf_suite.py``) and the lesson's timings (``timeit`` with
the collector turned back on) do this; the first-call processes, which time one
call of a new process, do not.
"""

import gc

STATE = "frozen before each case (gc.collect, then gc.freeze); collector on"


def settle():
    """Collect, then freeze everything alive, so that the next case's full
    collections traverse only the objects it makes itself.

    Returns
    -------
    frozen : int
        Objects now in the permanent generation (``gc.get_freeze_count``).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
