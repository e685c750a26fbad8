"""Child process for ``bench/test_compile.py``: start, import, and call once.

    python -m bench.first_call IMPL call|import

Imports the package and makes the 20 x 3 data, then (``call``) runs one step of
``IMPL``. Timed from outside, as a whole process, so that Numba's first call is
measured exactly as a new user's program pays it.
"""

import os
import subprocess
import sys

from bench.grid import LEARNING_RATE, problem
from kernels import IMPLEMENTATIONS

N_SAMPLES, N_FEATURES = 20, 3


def new_process(impl, what, cache_dir):
    """Run this module in a whole new Python process with its own Numba cache.

    Parameters
    ----------
    impl : str
        A key of ``kernels.IMPLEMENTATIONS``.
    what : {"import", "call"}
        Only import and make the data, or also call ``impl``'s step once.
    cache_dir : str
        ``NUMBA_CACHE_DIR`` of the process: empty for a compiling first call,
        filled for one that loads the cache.
    """
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    cmd = [sys.executable, "-m", "bench.first_call", impl, what]
    subprocess.run(cmd, env=env, check=True)


def main(argv):
    impl, what = argv
    w, b, X, y = problem(N_SAMPLES, N_FEATURES, "float64")
    if what == "call":
        IMPLEMENTATIONS[impl].step(w, b, X, y, LEARNING_RATE)


if __name__ == "__main__":
    main(sys.argv[1:])
