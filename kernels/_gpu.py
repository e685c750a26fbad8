"""Whether Numba's CUDA target can run here, decided cheaply where it cannot.

``numba_cuda`` is registered when a GPU is usable or when Numba's CUDA simulator is
on. Importing ``numba.cuda`` costs about 0.15 s, and every process that imports
``kernels`` (the test runs, each first-call process of ``bench/test_compile.py``)
would pay it, so the answer comes from the environment and the installed packages
first, and ``numba.cuda`` is imported only where a GPU may be present: numba-cuda is
installed and the CUDA driver library loads.
"""

import ctypes
import functools
import importlib.util
import os
import sys

SIMULATOR_ENV = "NUMBA_ENABLE_CUDASIM"

# The CUDA driver library, as numba-cuda looks for it when NUMBA_CUDA_DRIVER is unset
_DRIVER_NAMES = {"linux": ("libcuda.so.1", "libcuda.so"), "win32": ("nvcuda.dll",)}


def simulator_on():
    """``$NUMBA_ENABLE_CUDASIM`` asks for Numba's CUDA simulator.

    Numba reads the variable once, when ``numba.cuda`` is first imported, as an
    integer (a value that is not one is ignored); it must be set before Python
    starts.
    """
    try:
        return int(os.environ.get(SIMULATOR_ENV, "0")) != 0
    except ValueError:
        return False


def _driver_loads():
    if os.environ.get("NUMBA_CUDA_DRIVER"):  # an explicit path: let numba-cuda judge
        return True
    for name in _DRIVER_NAMES.get(sys.platform, ()):
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


@functools.cache
def gpu_usable():
    """A real GPU can run CUDA kernels here (never under the simulator).

    Needs numba-cuda (``pip install -e '.[cuda]'``), the CUDA driver, and a device
    that ``numba.cuda.is_available()`` accepts.
    """
    if simulator_on() or importlib.util.find_spec("numba_cuda") is None:
        return False
    if not _driver_loads():
        return False
    from numba import cuda

    return bool(cuda.is_available())


def cuda_usable():
    """``numba_cuda`` can run: on a GPU, or in the simulator (``numba.cuda`` exists)."""
    if simulator_on():
        return importlib.util.find_spec("numba.cuda") is not None
    return gpu_usable()


def why_no_gpu(driver_only=False):
    """One line saying why no GPU is usable here, or None when one is.

    With ``driver_only``, only the simulator switch and the CUDA driver are looked
    at (before numba-cuda is installed).
    """
    if simulator_on():
        return (
            f"{SIMULATOR_ENV} is set: Numba's CUDA simulator runs kernels in Python"
            " and times nothing of a GPU"
        )
    if not _driver_loads():
        return "no CUDA driver on this machine (libcuda not found)"
    if driver_only:
        return None
    if importlib.util.find_spec("numba_cuda") is None:
        return "numba-cuda is not installed (pip install -e '.[cuda]')"
    if not gpu_usable():
        from numba import cuda

        return f"no usable CUDA GPU: {cuda.cuda_error() or 'none found'}"
    return None
