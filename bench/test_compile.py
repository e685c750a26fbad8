"""Numba's compile time, measured on its own and kept out of the step timings.

For every implementation whose core is a Numba dispatcher, three kinds of new
process (``bench/first_call.py``) are timed whole, each with its own
``NUMBA_CACHE_DIR``:

- ``import``: start Python, import the package, make the data; no call;
- ``cold``: the same plus one step with an empty cache, so Numba type-infers,
  optimizes and generates machine code for the whole call tree;
- ``cached``: the same plus one step with the cache already on disk, so Numba only
  loads the stored machine code.

``cold - import`` is what compiling costs, ``cached - import`` what loading costs.
The step timings never include either: ``test_step`` calls each implementation once
before the clock starts.
"""

import tempfile

import pytest
from numba.core.dispatcher import Dispatcher

from bench.first_call import N_FEATURES, N_SAMPLES, new_process
from kernels import IMPLEMENTATIONS

COMPILED = [
    name
    for name, impl in IMPLEMENTATIONS.items()
    if isinstance(getattr(impl.module, "_step", None), Dispatcher)
]
MODES = ("import", "cold", "cached")


def _child(impl, mode, cache_dir):
    new_process(impl, "import" if mode == "import" else "call", cache_dir)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("impl", COMPILED)
def test_numba_first_call(benchmark, impl, mode, tmp_path):
    warm = str(tmp_path / "warm")
    if mode == "cached":
        _child(impl, mode, warm)  # fill the cache once, untimed

    def new_process():
        cache = tempfile.mkdtemp(dir=tmp_path) if mode == "cold" else warm
        return (impl, mode, cache), {}

    benchmark.group = "numba first call in a new process"
    benchmark.extra_info.update(
        impl=impl, mode=mode, n_samples=N_SAMPLES, n_features=N_FEATURES
    )
    benchmark.pedantic(_child, setup=new_process, rounds=3, iterations=1)
