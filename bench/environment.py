"""Thread settings and the facts a reader needs to trust a timing.

BLAS runs on one thread by default, so that the single-threaded loops are compared
with single-threaded NumPy. ``LOOPBENCH_BLAS_THREADS=all`` leaves BLAS its default
(all cores); a number sets that many threads. Numba's own threads
(``numba_parallel``) follow Numba's ``NUMBA_NUM_THREADS``. Where a GPU is usable,
its name and compute capability are recorded too.
"""

import importlib.metadata
import json
import os
import platform
import sys
from functools import cache
from pathlib import Path

import llvmlite
import numba
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from bench import allocator
from kernels import IMPLEMENTATIONS, unavailable
from kernels._cython_build import c_compiler
from kernels._gpu import gpu_usable
from kernels._threads import THREADS_ENV as BLAS_THREADS_ENV
from kernels._threads import threads_setting as blas_threads_setting

# Environment variables that change timings; pyperf passes them to its workers.
TIMING_ENVIRON = (
    BLAS_THREADS_ENV,
    "LOOPBENCH_PRESET",
    "NUMBA_NUM_THREADS",
    "NUMBA_THREADING_LAYER",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "MKL_NUM_THREADS",
    "XLA_FLAGS",
    "LOOPBENCH_MALLOC",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
)


def limit_blas_threads():
    """Apply the BLAS thread setting to this process; return the limiter."""
    return threadpool_limits(limits=blas_threads_setting(), user_api="blas")


@cache
def cpu_name():
    """The CPU's model name, as the kernel reports it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numba_threading_layer():
    """The threading layer Numba used, or what it was asked for if no parallel code
    has run yet in this process."""
    try:
        return numba.threading_layer()
    except ValueError:
        return f"not started (requested: {numba.config.THREADING_LAYER})"


def gpu_description():
    """The GPU that ``numba_cuda`` runs on, or None (no GPU, or the simulator)."""
    if not gpu_usable():
        return None
    from numba import cuda

    device = cuda.get_current_device()
    name = device.name
    return {
        "name": name.decode() if isinstance(name, bytes) else str(name),
        "compute_capability": ".".join(str(v) for v in device.compute_capability),
        "numba_cuda": importlib.metadata.version("numba-cuda"),
    }


def describe_machine():
    """The machine and its libraries, JSON-serializable: pytest-benchmark's
    ``machine_info["loopbench"]``.

    Only what a run cannot change, in a stable order, so that two runs on the same
    machine and venv record the same (pytest-benchmark's ``--benchmark-compare``
    warns when ``machine_info`` differs). What a run did to the process (threads
    held, the threading layer started, the allocator state) is ``describe_run``'s.
    A ``gpu`` entry (``gpu_description``) only where a GPU is usable, so that the
    records of runs without one keep their keys.
    """
    info = {
        "cpu": cpu_name(),
        "logical_cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "llvmlite": llvmlite.__version__,
        "blas": [
            {k: lib[k] for k in ("internal_api", "version", "architecture")}
            for lib in _blas_libraries()
        ],
        "numba_num_threads": numba.config.NUMBA_NUM_THREADS,
        "environ": {k: os.environ[k] for k in TIMING_ENVIRON if k in os.environ},
        "peers": peers_description(),
        "caches": cpu_caches(),
    }
    gpu = gpu_description()
    if gpu is not None:
        info["gpu"] = gpu
    return info


def describe_run():
    """What this process's run set or started, JSON-serializable: the JSON's own
    ``loopbench.run_state`` (``bench/conftest.py``).

    The thread settings as held now (BLAS's per library, the peers'), Numba's
    threading layer (started only once ``numba_parallel`` has run) and the
    allocator state. The report reads these over ``describe_machine``'s record
    (``bench.report.model``).
    """
    setting = blas_threads_setting()
    return {
        "blas_threads_setting": "all" if setting is None else setting,
        "blas": _blas_libraries(),
        "numba_threading_layer": numba_threading_layer(),
        "peers": {"threads": peer_threads()},
        "allocator": allocator.describe(),
    }


def _blas_libraries():
    """The BLAS libraries loaded, each with its threads as set now, in a stable
    order (threadpoolctl lists them in the order they were loaded)."""
    libs = [
        {
            "internal_api": lib.get("internal_api"),
            "version": lib.get("version"),
            "architecture": lib.get("architecture"),
            "num_threads": lib.get("num_threads"),
        }
        for lib in threadpool_info()
        if lib.get("user_api") == "blas"
    ]
    return sorted(libs, key=lambda lib: json.dumps(lib, sort_keys=True, default=str))


CACHE_SYSFS = "/sys/devices/system/cpu/cpu0/cache"


def cpu_caches():
    """The data caches of CPU 0, ``[{"level", "type", "bytes", "shared_cpus"}]``,
    from sysfs (Linux); empty where it is not readable. The cost model
    (``bench/report/costs.py``) sets X's footprint against them."""
    out = []
    root = Path(CACHE_SYSFS)
    for index in sorted(root.glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            level = int((index / "level").read_text())
            size = (index / "size").read_text().strip().upper()
            shared = (index / "shared_cpu_list").read_text().strip()
        except (OSError, ValueError):
            continue
        if kind == "Instruction":
            continue
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1:], 1)
        digits = size.rstrip("KMG")
        if digits.isdigit():
            out.append(
                {
                    "level": level,
                    "type": kind,
                    "bytes": int(digits) * scale,
                    "shared_cpus": shared,
                }
            )
    return out


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def hold_thread_settings():
    """Put back the thread settings another library may have moved since they were
    made (``kernels.torch_eager.hold_threads``: Numba's OpenMP pool changes
    PyTorch's); the timing harnesses call it at each case's start. Imports
    nothing.

    Returns
    -------
    dict
        ``{"torch_threads": count}`` where PyTorch is loaded, else ``{}``.
    """
    torch_eager = sys.modules.get("kernels.torch_eager")
    if torch_eager is None:
        return {}
    return {"torch_threads": torch_eager.hold_threads()}


def peer_threads():
    """The peers' thread settings, where this process has imported them (a
    benchmark session has); imports nothing.

    Returns
    -------
    dict
        ``{impl: setting}`` for ``jax`` and ``torch``.
    """
    threads = {}
    if "kernels.jax_jit" in sys.modules:
        threads["jax"] = sys.modules["kernels.jax_jit"].XLA_THREADS
    if "kernels.torch_eager" in sys.modules:
        threads["torch"] = sys.modules["kernels.torch_eager"].TORCH_THREADS
    return threads


def peers_description():
    """Versions of the peers (JAX, PyTorch, Cython), Cython's build, and why any
    declared implementation is not registered here. Imports nothing.

    Returns
    -------
    dict
        ``{"versions": {package: version}, "cython_flags": str,
        "unavailable": {impl: reason}}``.
    """
    info = {
        "versions": {
            p: v
            for p in ("jax", "jaxlib", "torch", "Cython")
            if (v := _version(p)) is not None
        },
        "unavailable": unavailable(),
    }
    if "cython" in IMPLEMENTATIONS:
        from kernels.cython_loop import FLAGS

        info["cython_flags"] = f"{c_compiler()} {' '.join(FLAGS)}"
    return info
