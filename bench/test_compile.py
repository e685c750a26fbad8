"""First calls that compile, measured on their own and kept out of the step timings.

For every implementation declared ``compiles`` (Numba's loops, JAX, torch.compile,
the Cython build), three kinds of new process (``bench/first_call.py``) are timed
whole, each with its own compiler caches:

- ``import``: start Python, import the package and the implementation's module,
  make the data; no call;
- ``cold``: the same plus one step with empty caches, so the compiler does all its
  work (Numba type-infers and generates machine code for the whole call tree; JAX
  traces and XLA compiles; Dynamo traces and Inductor builds C++; Cython translates
  and the C compiler builds);
- ``cached``: the same plus one step with the caches already on disk, so only what
  was stored is loaded (JAX stores nothing by default: its call compiles again).

``cold - import`` is what compiling costs, ``cached - import`` what loading costs.
The step timings never include either: ``test_step`` calls each implementation once
before the clock starts.
"""

import tempfile

import pytest

from bench.first_call import N_FEATURES, N_SAMPLES, new_process

GROUP = "first call in a new process"
MODES = ("import", "cold", "cached")


def _child(impl, mode, cache_dir):
    new_process(impl, "import" if mode == "import" else "call", cache_dir)


# With the benchmarks disabled (make test) these cases check the code path, not a
# time: the ``cached`` process then loads the caches the ``cold`` case's process
# stored (collected just before it, and on the same pytest-xdist worker under make
# test's --dist loadfile), instead of a process of its own filling them first: one
# cold compile less per implementation. ``{impl: cache folder}``.
_STORED_BY_COLD = {}


# ``compiled_impl``: each implementation of the preset that compiles at its first
# call (bench/conftest.py)
@pytest.mark.parametrize("mode", MODES)
def test_first_call(benchmark, compiled_impl, mode, tmp_path, preset):
    impl = compiled_impl
    warm = str(tmp_path / "warm")
    if mode == "cached":
        stored = _STORED_BY_COLD.pop(impl, None) if benchmark.disabled else None
        if stored is not None:
            warm = stored
        else:
            _child(impl, mode, warm)  # fill the cache once, untimed
    caches = []

    def new_process():
        cache = tempfile.mkdtemp(dir=tmp_path) if mode == "cold" else warm
        caches.append(cache)
        return (impl, mode, cache), {}

    benchmark.group = GROUP
    benchmark.extra_info.update(
        impl=impl, mode=mode, n_samples=N_SAMPLES, n_features=N_FEATURES
    )
    rounds = preset.first_call_rounds
    benchmark.pedantic(_child, setup=new_process, rounds=rounds, iterations=1)
    if mode == "cold" and benchmark.disabled:
        _STORED_BY_COLD[impl] = caches[-1]  # its process ran to the end
