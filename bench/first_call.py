"""Child process for ``bench/test_compile.py``: start, import, and call once.

    python -m bench.first_call IMPL call|import

Imports the package and makes the 20 x 3 data, then (``call``) runs one step of
``IMPL``. Timed from outside, as a whole process, so that Numba's first call is
measured exactly as a new user's program pays it.
"""

import sys

from bench.grid import LEARNING_RATE, problem
from kernels import IMPLEMENTATIONS

N_SAMPLES, N_FEATURES = 20, 3


def main(argv):
    impl, what = argv
    w, b, X, y = problem(N_SAMPLES, N_FEATURES, "float64")
    if what == "call":
        IMPLEMENTATIONS[impl].step(w, b, X, y, LEARNING_RATE)


if __name__ == "__main__":
    main(sys.argv[1:])
