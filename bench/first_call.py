"""Child process for ``bench/test_compile.py``: start, import, and call once.

    python -m bench.first_call IMPL call|import

Imports the package and ``IMPL``'s module (JAX, PyTorch and the Cython build loader
are imported here too, so that their import is not counted as compiling) and makes
the 20 x 3 data, then (``call``) runs one step of ``IMPL``. Timed from outside, as a
whole process, so that the first call is measured exactly as a new user's program
pays it: Numba's type inference and code generation, JAX's trace and XLA compile,
TorchDynamo's trace and Inductor's C++ build, or the Cython build.
"""

import os
import subprocess
import sys

from bench import allocator
from bench.grid import LEARNING_RATE, problem
from kernels import IMPLEMENTATIONS

N_SAMPLES, N_FEATURES = 20, 3

# The on-disk caches of each compiler, all pointed at the same folder: an empty one
# for a first call that compiles, a filled one for a first call that may load what
# an earlier process stored. JAX keeps no compiled code on disk unless asked
# (its persistent cache is off by default, and skips compiles under a second), so
# its first call compiles either way.
CACHE_ENV = ("NUMBA_CACHE_DIR", "LOOPBENCH_CYTHON_CACHE", "TORCHINDUCTOR_CACHE_DIR")


def new_process(impl, what, cache_dir):
    """Run this module in a whole new Python process with its own compiler caches.

    Parameters
    ----------
    impl : str
        A key of ``kernels.IMPLEMENTATIONS``.
    what : {"import", "call"}
        Only import and make the data, or also call ``impl``'s step once.
    cache_dir : str
        Where the process's compilers cache (``CACHE_ENV``): empty for a first call
        that compiles, filled for one that loads the cache.
    """
    env = {**os.environ, **dict.fromkeys(CACHE_ENV, cache_dir)}
    cmd = [sys.executable, "-m", "bench.first_call", impl, what]
    subprocess.run(cmd, env=env, check=True)


def main(argv):
    impl, what = argv
    allocator.apply()
    w, b, X, y = problem(N_SAMPLES, N_FEATURES, "float64")
    if what == "call":
        IMPLEMENTATIONS[impl].step(w, b, X, y, LEARNING_RATE)
    else:
        IMPLEMENTATIONS[impl].module  # noqa: B018  (import it, call nothing)


if __name__ == "__main__":
    main(sys.argv[1:])
