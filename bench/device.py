"""GPU rows timed beside ``numba_cuda`` in the ``gpu`` preset (``bench/test_gpu.py``).

- ``cuda_resident``: numba_cuda's step with ``X``, ``y`` and ``w`` already on the
  device (``numba_cuda.Resident``): its three kernels without the transfer.
- ``cuda_load``: a kernel that only reads ``X`` once, coalesced, each thread adding
  up its share and writing one value: the rate at which this GPU streams ``X`` from
  its memory, the roofline of the kernels (as ``x_sum`` is for the CPU loops).
- ``cuda_h2d``: the copy of ``X`` from host memory into a device array allocated
  beforehand, from pageable memory as ``numba_cuda.step`` copies it: the floor of
  the step with its transfer.

Like the references, these are not implementations of the contract. Every timed
call ends with ``cuda.synchronize()``, so its time is the GPU's work, not only the
launch. This module imports ``numba.cuda``: only ``bench/test_gpu.py`` imports it,
and only presets with device rows collect that.
"""

from numba import cuda

from bench.grid import DEVICE_ROWS
from kernels._gpu import simulator_on
from kernels.numba_cuda import THREADS, Resident

# Blocks of the load kernel at most: enough to fill any current GPU many times
# over; each thread then loops over its share of X. (The simulator runs every
# thread in Python: a few blocks there.)
LOAD_BLOCKS = 4 if simulator_on() else 8192


@cuda.jit
def load(flat, out):
    """``out[t]`` = sum of ``flat[t::n_threads]``: every element read once.

    Parameters
    ----------
    flat : device array, shape (n_elements,)
    out : device array of float64, shape (n_threads,)
    """
    start = cuda.grid(1)
    acc = 0.0
    for k in range(start, flat.shape[0], cuda.gridsize(1)):
        acc += flat[k]
    out[start] = acc


def prepare(name, w, b, X, y, lr):
    """Set up the device row ``name`` for one problem; return the call to time.

    Parameters
    ----------
    name : str
        One of ``DEVICE_ROWS``.
    w : ndarray, shape (n_features,)
    b : float
    X : ndarray, shape (n_samples, n_features), C order
    y : ndarray, shape (n_samples,)
    lr : float

    Returns
    -------
    callable
        Called without arguments, it does the work once and waits for the GPU. It
        returns the ``Resident`` problem for ``cuda_resident`` (its
        ``launched()`` copies back the step's results), the
        per-thread sums (their total is ``X.sum()``) for ``cuda_load``, and the
        device copy of ``X`` for ``cuda_h2d``.
    """
    if name == "cuda_resident":
        problem = Resident(w, b, X, y)

        def resident_step():
            problem.launch(lr)
            cuda.synchronize()
            return problem

        return resident_step
    if name == "cuda_load":
        flat = cuda.to_device(X).reshape(X.size)
        blocks = min(LOAD_BLOCKS, (X.size + THREADS - 1) // THREADS)
        sums = cuda.device_array(blocks * THREADS)
        launch = load[blocks, THREADS]

        def load_x():
            launch(flat, sums)
            cuda.synchronize()
            return sums

        return load_x
    if name == "cuda_h2d":
        on_device = cuda.device_array_like(X)

        def copy_x():
            on_device.copy_to_device(X)
            cuda.synchronize()
            return on_device

        return copy_x
    raise ValueError(f"unknown device row {name!r}; choose one of {DEVICE_ROWS}")
