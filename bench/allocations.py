"""What one call allocates: the peak of memory taken during it, by tracemalloc.

Python's ``tracemalloc`` sees every allocation made through Python's allocators,
NumPy's array buffers and Numba's runtime (NRT) arrays alike. Traced from a
clean start, the peak of one call is the most memory its temporaries held at
once: for NumPy's step a few arrays of n values (each of a dozen or so element-wise
operations makes a new one), for a fused compiled loop only ``w_new`` and its
gradient (d values each), whatever n.

Tracing slows the call down, so it is measured once per case, outside the timer.
"""

import tracemalloc


def peak_allocated(func, *args):
    """Peak bytes allocated while ``func(*args)`` ran (tracemalloc), in bytes.

    Parameters
    ----------
    func : callable
    *args
        Its arguments.

    Returns
    -------
    int
        The largest amount of traced memory held at any moment of the call, above
        what was held before it; its result counts too (``w_new``, a few floats).
    """
    if tracemalloc.is_tracing():  # someone else is tracing: measure beside them
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        func(*args)
        return max(0, tracemalloc.get_traced_memory()[1] - base)
    tracemalloc.start()
    try:
        func(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
